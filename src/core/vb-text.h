/* vb-text.h: folding, word splitting and Dutch stemming
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest token we index, in bytes; longer words are cut (never split). */
#define VB_TEXT_MAX_TOKEN 64

/* Tokens that start with this byte are internal (stems, compound parts, facets). They can
 * never come from user text, because folding treats control characters as separators. */
#define VB_TEXT_MARK '\x1f'
#define VB_TEXT_MARK_STR "\x1f"

typedef gboolean (*VbWordFunc) (const char *folded,
                                gsize       folded_len,
                                gsize       start,
                                gsize       end,
                                gpointer    user_data);

void      vb_text_foreach_word (const char *text,
                                gssize      len,
                                VbWordFunc  func,
                                gpointer    user_data);
char     *vb_text_fold         (const char *text);
GPtrArray *vb_text_split_words (const char *text);
gsize     vb_text_stem         (const char *folded,
                                gsize       len,
                                char       *out,
                                gsize       out_size);
char     *vb_text_dup_stem     (const char *folded);
void      vb_text_set_stemming (gboolean    enabled);
gboolean  vb_text_get_stemming (void);
guint     vb_text_edit_distance (const char *a,
                                 const char *b,
                                 guint       max);

G_END_DECLS
