/* vb-fts.h: the Dutch FTS5 tokenizer and ranking function
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Column weights (title, keywords, body) used by vb_score(). */
#define VB_FTS_WEIGHT_TITLE    10.0
#define VB_FTS_WEIGHT_KEYWORDS  6.0
#define VB_FTS_WEIGHT_BODY      1.0

char    *vb_fts_dup_tokens (const char *text);
gboolean vb_fts_register (sqlite3  *db,
                          GError  **error);

G_END_DECLS
