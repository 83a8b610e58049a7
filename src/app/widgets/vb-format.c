/* vb-format.c: numbers in words, in the notation of the user's language
 *
 * The statistics page and the sync status both show counts: one notation for both, with the
 * separators translated rather than taken from the C library's locale (the application's
 * language is chosen by the translations present, LANGUAGE, not only by LC_NUMERIC).
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "vb-format.h"

char *
vb_format_count (gint64 n)
{
  /* Translators: the thousands separator in numbers such as 10,044 */
  const char *separator = C_("number", ",");
  guint64 magnitude = n < 0 ? (guint64) -(n + 1) + 1 : (guint64) n;
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude);
  GString *out = g_string_new (n < 0 ? "−" : "");
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, separator);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
vb_format_decimal (double value)
{
  /* Translators: the decimal separator in numbers such as 81.3 */
  const char *separator = C_("number", ".");
  double rounded = round (value * 10.0) / 10.0;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_auto(GStrv) parts = NULL;

  /* Not printf: its decimal point follows LC_NUMERIC. */
  g_ascii_formatd (buffer, sizeof buffer, "%.1f", rounded == 0.0 ? 0.0 : rounded);
  parts = g_strsplit (buffer, ".", 2);
  if (parts[0] == NULL || parts[1] == NULL)
    return g_strdup (buffer);
  return g_strconcat (parts[0], separator, parts[1], NULL);
}

char *
vb_format_percent (double fraction)
{
  g_autofree char *number = vb_format_decimal (100.0 * fraction);

  /* Translators: a percentage, as in “50.0%” */
  return g_strdup_printf (_("%s%%"), number);
}
