/* vb-stats-csv.c: the statistics of a period as CSV (RFC 4180)
 *
 * One long table, so that a spreadsheet can filter and pivot it: every figure is a record
 * section,key,detail,name,value. The section and key are the members of the JSON schema
 * (docs/statistics.md), so the columns do not change with the interface language; name is
 * the display name of a code (an answer's title, an afdeling's name) where there is one.
 * Fractions stay fractions (0.5000) and times stay seconds, with a decimal point: what a
 * program reads back. Records end in CRLF; the text is UTF-8. No widgets: tested on its own.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-stats-csv.h"

static void
append_field (GString    *csv,
              const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (csv, text);
      return;
    }
  g_string_append_c (csv, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

static void
append_record (GString    *csv,
               const char *section,
               const char *key,
               const char *detail,
               const char *name,
               const char *value)
{
  const char *fields[] = { section, key, detail, name, value };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (i > 0)
        g_string_append_c (csv, ',');
      append_field (csv, fields[i]);
    }
  g_string_append (csv, "\r\n");
}

static const char *
lookup (GHashTable *names,
        const char *code)
{
  return names != NULL && code != NULL ? g_hash_table_lookup (names, code) : NULL;
}

/* A member as text: integers as they are, other numbers with @digits decimals and a point,
 * null (nothing to divide by) as an empty field. */
static char *
format_member (JsonObject *obj,
               const char *member,
               int         digits)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  g_snprintf (format, sizeof format, "%%.%df", digits);
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, format, json_node_get_double (node)));
}

static void
append_member (GString    *csv,
               const char *section,
               JsonObject *obj,
               const char *member,
               const char *key,
               const char *detail,
               const char *name)
{
  /* Shares are fractions (4 decimals), times seconds (1 decimal). */
  int digits = g_str_has_suffix (member, "_s") ? 1 : 4;
  g_autofree char *value = format_member (obj, member, digits);

  append_record (csv, section, key != NULL ? key : member, detail, name, value);
}

static JsonArray *
array_member (JsonObject *stats,
              const char *member)
{
  JsonNode *node = json_object_get_member (stats, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
string_member (JsonObject *obj,
               const char *member)
{
  return obj != NULL ? json_object_get_string_member_with_default (obj, member, NULL) : NULL;
}

static void
append_headline (GString    *csv,
                 JsonObject *stats)
{
  static const char *const headline[] = {
    "contacts", "contacts_kcc", "kcc_share", "questions", "questions_kcc", "kcc_share_questions",
    "handling_time_avg_s", "handling_time_median_s", "callbacks_open", "callbacks_overdue",
    "searches_total",
  };
  static const char *const previous[] = {
    "from", "to", "contacts", "contacts_kcc", "kcc_share", "questions", "kcc_share_questions",
  };
  JsonNode *prev = json_object_get_member (stats, "previous");

  append_member (csv, "period", stats, "time_zone", NULL, NULL, NULL);
  append_member (csv, "period", stats, "from", NULL, NULL, NULL);
  append_member (csv, "period", stats, "to", NULL, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (headline); i++)
    append_member (csv, "headline", stats, headline[i], NULL, NULL, NULL);
  if (prev != NULL && JSON_NODE_HOLDS_OBJECT (prev))
    for (guint i = 0; i < G_N_ELEMENTS (previous); i++)
      append_member (csv, "previous", json_node_get_object (prev), previous[i], NULL, NULL, NULL);
}

static void
append_per_day_and_hour (GString    *csv,
                         JsonObject *stats)
{
  static const char *const per_day[] = { "hours", "contacts", "contacts_kcc", "kcc_share" };
  JsonArray *array = array_member (stats, "per_day");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *day = json_array_get_object_element (array, i);

      for (guint j = 0; j < G_N_ELEMENTS (per_day); j++)
        append_member (csv, "per_day", day, per_day[j], string_member (day, "date"), per_day[j],
                       NULL);
    }

  array = array_member (stats, "per_hour");
  for (guint h = 0; array != NULL && h < json_array_get_length (array); h++)
    {
      g_autofree char *hour = g_strdup_printf ("%02u", h);
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                json_array_get_int_element (array, h));

      append_record (csv, "per_hour", hour, "contacts", NULL, count);
    }
}

static void
append_lists (GString               *csv,
              JsonObject            *stats,
              const VbStatsCsvNames *names)
{
  JsonArray *array = array_member (stats, "per_channel");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      const char *code = string_member (o, "kanaal");

      append_member (csv, "per_channel", o, "contacts", code, "contacts",
                     lookup (names->channels, code));
    }

  array = array_member (stats, "answers");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      const char *item = string_member (o, "item");

      append_member (csv, "answers", o, "count", item, string_member (o, "section"),
                     lookup (names->items, item));
    }

  array = array_member (stats, "unused_items");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      const char *item = json_array_get_string_element (array, i);

      append_record (csv, "unused_items", item, NULL, lookup (names->items, item), NULL);
    }

  array = array_member (stats, "searches");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      append_member (csv, "searches", o, "count", string_member (o, "query"), "count", NULL);
    }

  array = array_member (stats, "content_gaps");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      static const char *const gap[] = { "count", "no_results", "nothing_opened" };
      JsonObject *o = json_array_get_object_element (array, i);

      for (guint j = 0; j < G_N_ELEMENTS (gap); j++)
        append_member (csv, "content_gaps", o, gap[j], string_member (o, "query"), gap[j], NULL);
    }

  array = array_member (stats, "outcomes_per_afdeling");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      JsonNode *node = json_object_get_member (o, "outcomes");
      JsonObject *outcomes = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                               ? json_node_get_object (node) : NULL;
      const char *afdeling = string_member (o, "afdeling");
      g_autoptr(GList) codes = outcomes != NULL ? json_object_get_members (outcomes) : NULL;

      for (GList *l = codes; l != NULL; l = l->next)
        append_member (csv, "outcomes_per_afdeling", outcomes, l->data, afdeling, l->data,
                       lookup (names->afdelingen, afdeling));
    }
}

/* The figures of docs/statistics.md as CSV text; @names may be NULL. */
char *
vb_stats_csv_new (JsonObject            *stats,
                  const VbStatsCsvNames *names)
{
  static const VbStatsCsvNames no_names = { NULL, NULL, NULL };
  GString *csv = g_string_new (NULL);

  g_return_val_if_fail (stats != NULL, NULL);

  if (names == NULL)
    names = &no_names;
  append_record (csv, "section", "key", "detail", "name", "value");
  append_headline (csv, stats);
  append_per_day_and_hour (csv, stats);
  append_lists (csv, stats, names);
  return g_string_free (csv, FALSE);
}
