/* vb-format.h: numbers in words, in the notation of the user's language
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 10044 -> "10,044" (the separators are translated: "10.044" in Dutch); a negative count
 * starts with a minus sign (U+2212). */
char *vb_format_count   (gint64 n);
/* 81.25 -> "81.3" with one decimal, a half rounded away from zero ("81,3" in Dutch). */
char *vb_format_decimal (double value);
/* 0.8125 -> "81.3%" ("81,3%" in Dutch). */
char *vb_format_percent (double fraction);

G_END_DECLS
