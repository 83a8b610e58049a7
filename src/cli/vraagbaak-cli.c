/* vraagbaak-cli.c: the command-line tool (import, search, show)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "vb-contact-store.h"
#include "vb-fts.h"
#include "vb-html.h"
#include "vb-importer.h"
#include "vb-lexicon.h"
#include "vb-searcher.h"
#include "vb-stats.h"
#include "vb-store.h"
#include "vb-sync.h"
#include "vb-token-store.h"

enum {
  EXIT_OK = 0,
  EXIT_USAGE = 1,
  EXIT_DATA = 2,
};

static char *opt_db;
static char *opt_contacts_db;

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  if (message != NULL)
    g_printerr ("vraagbaak-cli: %s\n\n", message);
  g_printerr ("%s", help);
  return EXIT_USAGE;
}

static VbStore *
open_store (void)
{
  g_autofree char *path = opt_db != NULL ? g_strdup (opt_db) : vb_default_content_db_path ();
  g_autoptr(GError) error = NULL;
  VbStore *store = vb_store_open (path, &error);

  if (store == NULL)
    g_printerr ("vraagbaak-cli: %s\n", error->message);
  return store;
}

/* ---- import ---- */

static int
cmd_import (int    argc,
            char **argv)
{
  gboolean skip_invalid = FALSE;
  g_autofree char *origin = NULL;
  GOptionEntry entries[] = {
    { "skip-invalid", 0, 0, G_OPTION_ARG_NONE, &skip_invalid,
      N_("Import the valid records and report the invalid ones"), NULL },
    { "origin", 0, 0, G_OPTION_ARG_STRING, &origin,
      N_("Mark the items as landelijk or lokaal"), "ORIGIN" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE… — import content"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(VbImporter) importer = NULL;
  int status = EXIT_OK;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc < 2)
    return usage_error (context, _("No files to import"));
  if (origin != NULL && strcmp (origin, "landelijk") != 0 && strcmp (origin, "lokaal") != 0)
    return usage_error (context, _("--origin must be landelijk or lokaal"));

  store = open_store ();
  if (store == NULL)
    return EXIT_DATA;
  importer = vb_importer_new (store);
  vb_importer_set_skip_invalid (importer, skip_invalid);
  vb_importer_set_origin (importer, origin);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) file_error = NULL;
      GPtrArray *skipped;

      if (!vb_importer_import_file (importer, argv[i], &file_error))
        {
          g_printerr ("vraagbaak-cli: %s\n", file_error->message);
          status = EXIT_DATA;
          continue;
        }
      skipped = vb_importer_get_skipped (importer);
      g_print (_("%s: %u items imported (%s)"), argv[i], vb_importer_get_imported (importer),
               vb_importer_get_format (importer));
      if (skipped->len > 0)
        g_print (_(", %u skipped"), skipped->len);
      g_print ("\n");
      for (guint j = 0; j < skipped->len; j++)
        g_printerr ("  %s\n", (const char *) g_ptr_array_index (skipped, j));
    }
  return status;
}

/* ---- search ---- */

static void
print_results_json (VbSearchResults *results)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (results));

  for (guint i = 0; i < n; i++)
    {
      VbSearchHit *hit = vb_search_results_get_hit (results, i);
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, vb_search_hit_get_id (hit));
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, vb_item_kind_to_string (vb_search_hit_get_kind (hit)));
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, vb_search_hit_get_title (hit));
      json_builder_set_member_name (b, "snippet");
      json_builder_add_string_value (b, vb_search_hit_get_snippet (hit));
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, vb_search_hit_get_score (hit));
      json_builder_set_member_name (b, "origin");
      json_builder_add_string_value (b, vb_search_hit_get_origin (hit));
      json_builder_set_member_name (b, "doelgroep");
      json_builder_add_string_value (b, vb_doelgroep_to_label (vb_search_hit_get_doelgroep (hit)));
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      line = json_to_string (node, FALSE);
      g_print ("%s\n", line);
    }
  if (vb_search_results_get_suggestion (results) != NULL)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "suggestion");
      json_builder_set_member_name (b, "query");
      json_builder_add_string_value (b, vb_search_results_get_suggestion (results));
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      line = json_to_string (node, FALSE);
      g_print ("%s\n", line);
    }
}

/* The snippet without its <b> marks, for a terminal. */
static char *
snippet_to_text (const char *markup)
{
  GString *out = g_string_new (NULL);

  for (const char *p = markup; *p; p++)
    {
      if (g_str_has_prefix (p, "<b>"))
        p += 2;
      else if (g_str_has_prefix (p, "</b>"))
        p += 3;
      else if (g_str_has_prefix (p, "&amp;"))
        g_string_append_c (out, '&'), p += 4;
      else if (g_str_has_prefix (p, "&lt;"))
        g_string_append_c (out, '<'), p += 3;
      else if (g_str_has_prefix (p, "&gt;"))
        g_string_append_c (out, '>'), p += 3;
      else if (g_str_has_prefix (p, "&quot;"))
        g_string_append_c (out, '"'), p += 5;
      else if (g_str_has_prefix (p, "&apos;"))
        g_string_append_c (out, '\''), p += 5;
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
print_results_text (VbSearchResults *results)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (results));

  if (vb_search_results_get_suggestion (results) != NULL)
    g_print (_("Showing results for “%s”\n"), vb_search_results_get_suggestion (results));
  if (n == 0)
    g_print (_("No results\n"));
  for (guint i = 0; i < n; i++)
    {
      VbSearchHit *hit = vb_search_results_get_hit (results, i);
      g_autofree char *snippet = snippet_to_text (vb_search_hit_get_snippet (hit));

      g_print ("%2u. [%s] %s (%s)  %s\n", i + 1,
               vb_item_kind_to_string (vb_search_hit_get_kind (hit)),
               vb_search_hit_get_title (hit), vb_search_hit_get_origin (hit),
               vb_search_hit_get_id (hit));
      if (*snippet != '\0')
        g_print ("    %s\n", snippet);
    }
}

static int
cmd_search (int    argc,
            char **argv)
{
  gboolean json = FALSE, from_stdin = FALSE;
  int limit = 20;
  g_autofree char *type = NULL;
  g_autofree char *doelgroep = NULL;
  g_autofree char *afdeling = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object per result"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N results (default 20)"), "N" },
    { "type", 0, 0, G_OPTION_ARG_STRING, &type, N_("Only vac, product or notice"), "TYPE" },
    { "doelgroep", 0, 0, G_OPTION_ARG_STRING, &doelgroep,
      N_("Only particulier or ondernemer"), "DOELGROEP" },
    { "afdeling", 0, 0, G_OPTION_ARG_STRING, &afdeling, N_("Only this department"), "NAME" },
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &from_stdin,
      N_("Read one query per line; answer each with its JSON lines and an empty line"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("QUERY — search the content"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(VbSearcher) searcher = NULL;
  VbSearchOptions options = VB_SEARCH_OPTIONS_INIT;
  VbItemKind kind;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (limit < 1 || limit > 1000)
    return usage_error (context, _("--limit must be between 1 and 1000"));
  if (type != NULL)
    {
      if (!vb_item_kind_from_string (type, &kind))
        return usage_error (context, _("--type must be vac, product or notice"));
      options.kind = kind;
    }
  if (doelgroep != NULL && strcmp (doelgroep, "particulier") != 0 &&
      strcmp (doelgroep, "ondernemer") != 0)
    return usage_error (context, _("--doelgroep must be particulier or ondernemer"));
  if (!from_stdin && argc < 2)
    return usage_error (context, _("No query"));
  options.limit = limit;
  options.doelgroep = doelgroep;
  options.afdeling = afdeling;

  store = open_store ();
  if (store == NULL)
    return EXIT_DATA;
  searcher = vb_searcher_new (store, &error);
  if (searcher == NULL)
    {
      g_printerr ("vraagbaak-cli: %s\n", error->message);
      return EXIT_DATA;
    }

  if (from_stdin)
    {
      char line[16384];

      while (fgets (line, sizeof line, stdin) != NULL)
        {
          g_autoptr(VbSearchResults) results = NULL;
          gsize len = strlen (line);

          /* Keep a trailing space (a finished word) but drop the newline. */
          if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
          if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
          results = vb_searcher_search (searcher, line, &options, &error);
          if (results == NULL)
            {
              g_printerr ("vraagbaak-cli: %s\n", error->message);
              return EXIT_DATA;
            }
          print_results_json (results);
          g_print ("\n");
          fflush (stdout);
        }
      return EXIT_OK;
    }
  else
    {
      g_autofree char *query = g_strjoinv (" ", argv + 1);
      g_autoptr(VbSearchResults) results = vb_searcher_search (searcher, query, &options, &error);

      if (results == NULL)
        {
          g_printerr ("vraagbaak-cli: %s\n", error->message);
          return EXIT_DATA;
        }
      if (json)
        print_results_json (results);
      else
        print_results_text (results);
    }
  return EXIT_OK;
}

/* ---- show ---- */

static void
print_section (const char *label,
               const char *html)
{
  g_autofree char *text = NULL;

  if (html == NULL || *html == '\0')
    return;
  text = vb_html_to_text (html, -1);
  if (*text == '\0')
    return;
  g_print ("\n## %s\n%s\n", label, text);
}

static int
cmd_show (int    argc,
          char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the item as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID — show one item"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(VbItem) item = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc != 2)
    return usage_error (context, _("Give exactly one id"));

  store = open_store ();
  if (store == NULL)
    return EXIT_DATA;
  item = vb_store_get_item (store, argv[1], &error);
  if (item == NULL)
    {
      g_printerr ("vraagbaak-cli: %s\n", error->message);
      return EXIT_DATA;
    }

  if (json)
    {
      g_autofree char *data = vb_item_to_json (item);

      g_print ("%s\n", data);
      return EXIT_OK;
    }

  g_print ("%s\n", vb_item_get_title (item));
  g_print ("%s · %s · %s · %s\n", vb_item_kind_to_string (vb_item_get_kind (item)),
           vb_item_get_id (item), vb_item_get_origin (item), vb_item_get_status (item));
  switch (vb_item_get_kind (item))
    {
    case VB_ITEM_VAC:
      print_section (_("Answer"), vb_item_get_string (item, "antwoord"));
      print_section (_("Note for staff only"), vb_item_get_string (item, "toelichting"));
      break;
    case VB_ITEM_PRODUCT:
      {
        guint n;
        const VbSection *sections = vb_product_sections (&n);

        for (guint i = 0; i < n; i++)
          print_section (_(sections[i].label), vb_item_get_string (item, sections[i].field));
      }
      break;
    case VB_ITEM_NOTICE:
      print_section (_("Message"), vb_item_get_string (item, "inhoud"));
      break;
    default:
      break;
    }
  return EXIT_OK;
}

/* ---- contacts ---- */

static VbContactStore *
open_contacts_store (void)
{
  g_autofree char *path = opt_contacts_db != NULL ? g_strdup (opt_contacts_db)
                                                  : vb_default_contacts_db_path ();
  g_autoptr(GError) error = NULL;
  VbContactStore *store = vb_contact_store_open (path, &error);

  if (store == NULL)
    g_printerr ("vraagbaak-cli: %s\n", error->message);
  return store;
}

static int
cmd_contacts_export (int    argc,
                     char **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *format = NULL;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      N_("First day (YYYY-MM-DD, Europe/Amsterdam), from midnight"), "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      N_("Last day (YYYY-MM-DD, Europe/Amsterdam), included until midnight"), "DATE" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("csv (RFC 4180, default) or json"),
      "FORMAT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— export the contacts without personal data to standard output"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContactStore) store = NULL;
  g_autoptr(GOutputStream) out = NULL;
  gint64 start, end;
  gboolean json;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Contacts that started on the days from --from to --to (both included, local time in "
      "Europe/Amsterdam) are written; deleted contacts are left out.\n"
      "CSV columns: uuid, started, duration_s, kanaal, vragen, onderwerp, item, sectie, "
      "gespreksresultaat, afdeling, terugbelverzoek (of the first question)."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc > 1)
    return usage_error (context, _("Unexpected argument"));
  if (from == NULL || to == NULL)
    return usage_error (context, _("Give --from and --to"));
  if (format != NULL && strcmp (format, "csv") != 0 && strcmp (format, "json") != 0)
    return usage_error (context, _("--format must be csv or json"));
  json = g_strcmp0 (format, "json") == 0;
  if (!vb_contact_parse_date_range (from, to, &start, &end, &error))
    return usage_error (context, error->message);

  store = open_contacts_store ();
  if (store == NULL)
    return EXIT_DATA;
  out = g_memory_output_stream_new_resizable ();
  if (!vb_contact_store_export (store, start, end, json, out, &error) ||
      !g_output_stream_close (out, NULL, &error))
    {
      g_printerr ("vraagbaak-cli: %s\n", error->message);
      return EXIT_DATA;
    }
  if (fwrite (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), 1,
              g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)),
              stdout) != g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)) ||
      fflush (stdout) != 0)
    {
      g_printerr ("vraagbaak-cli: %s\n", _("Cannot write the export"));
      return EXIT_DATA;
    }
  return EXIT_OK;
}

static int
cmd_contacts_purge (int    argc,
                    char **argv)
{
  int days = 30;
  GOptionEntry entries[] = {
    { "days", 0, 0, G_OPTION_ARG_INT, &days,
      N_("Retention period in days (default 30; the application's setting is not read here)"),
      "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— erase personal data of contacts older than the retention period"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContactStore) store = NULL;
  guint purged;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc > 1)
    return usage_error (context, _("Unexpected argument"));
  if (days < 0 || days > 36500)
    return usage_error (context, _("--days must be between 0 and 36500"));

  store = open_contacts_store ();
  if (store == NULL)
    return EXIT_DATA;
  purged = vb_contact_store_purge (store, days, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (error != NULL)
    {
      g_printerr ("vraagbaak-cli: %s\n", error->message);
      return EXIT_DATA;
    }
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u contact purged\n", "%u contacts purged\n", purged),
           purged);
  return EXIT_OK;
}

static int
cmd_contacts (int    argc,
              char **argv)
{
  const char *sub = argc > 1 ? argv[1] : NULL;
  int status;

  if (g_strcmp0 (sub, "export") != 0 && g_strcmp0 (sub, "purge") != 0)
    {
      g_printerr ("%s", _("Usage: vraagbaak-cli [--contacts-db FILE] contacts export --from DATE"
                          " --to DATE [--format csv|json]\n"
                          "       vraagbaak-cli [--contacts-db FILE] contacts purge [--days N]\n"));
      return EXIT_USAGE;
    }
  argv[1] = g_strdup_printf ("%s %s", argv[0], sub);
  status = g_str_equal (sub, "export") ? cmd_contacts_export (argc - 1, argv + 1)
                                       : cmd_contacts_purge (argc - 1, argv + 1);
  return status;
}

/* ---- stats ---- */

/* The codes of the gespreksresultaten flagged afgehandeldDoorKcc in the content's list. */
static GStrv
dup_kcc_outcomes (VbStore  *store,
                  GError  **error)
{
  g_autoptr(JsonArray) list = vb_store_dup_list (store, "gespreksresultaten", error);
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();

  if (list == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *obj = json_array_get_object_element (list, i);

      if (obj != NULL &&
          json_object_get_boolean_member_with_default (obj, "afgehandeldDoorKcc", FALSE) &&
          json_object_get_string_member_with_default (obj, "code", NULL) != NULL)
        g_strv_builder_add (codes, json_object_get_string_member (obj, "code"));
    }
  return g_strv_builder_end (codes);
}

static char *
format_share (JsonObject *obj,
              const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("–");
  return g_strdup_printf ("%.1f%%", 100.0 * json_node_get_double (node));
}

static char *
format_seconds (JsonObject *obj,
                const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);
  gint64 s;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("–");
  s = (gint64) (json_node_get_double (node) + 0.5);
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", s / 60, (int) (s % 60));
}


/* A list of {query, count} objects from the statistics, under a heading. */
static void
print_query_counts (JsonObject *stats,
                    const char *member,
                    const char *heading)
{
  JsonArray *array = json_object_get_array_member (stats, member);

  g_print ("\n%s\n", heading);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      g_print ("  %-40s %6" G_GINT64_FORMAT "\n", json_object_get_string_member (o, "query"),
               json_object_get_int_member (o, "count"));
    }
}

static void
print_stats_text (JsonObject *stats)
{
  JsonObject *prev = json_object_get_object_member (stats, "previous");
  JsonArray *array;
  g_autofree char *share = format_share (stats, "kcc_share");
  g_autofree char *share_q = format_share (stats, "kcc_share_questions");
  g_autofree char *prev_share = format_share (prev, "kcc_share");
  g_autofree char *avg = format_seconds (stats, "handling_time_avg_s");
  g_autofree char *median = format_seconds (stats, "handling_time_median_s");

  g_print (_("Period: %s to %s (Europe/Amsterdam)\n"),
           json_object_get_string_member (stats, "from"),
           json_object_get_string_member (stats, "to"));
  g_print (_("Contacts: %u (previous period: %u)\n"),
           (guint) json_object_get_int_member (stats, "contacts"),
           (guint) json_object_get_int_member (prev, "contacts"));
  g_print (_("Handled by the KCC: %s of contacts, %s of questions (previous period: %s)\n"),
           share, share_q, prev_share);
  g_print (_("Handling time (min:s): average %s, median %s\n"), avg, median);
  g_print (_("Callbacks: %u open, %u overdue\n"),
           (guint) json_object_get_int_member (stats, "callbacks_open"),
           (guint) json_object_get_int_member (stats, "callbacks_overdue"));

  g_print ("\n%s\n", _("Per day (contacts, handled by the KCC):"));
  array = json_object_get_array_member (stats, "per_day");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      g_autofree char *day_share = format_share (o, "kcc_share");

      g_print ("  %s  %6" G_GINT64_FORMAT "  %s\n", json_object_get_string_member (o, "date"),
               json_object_get_int_member (o, "contacts"), day_share);
    }

  g_print ("\n%s\n", _("Per hour of the day:"));
  array = json_object_get_array_member (stats, "per_hour");
  for (guint h = 0; h < json_array_get_length (array); h++)
    if (json_array_get_int_element (array, h) > 0)
      g_print ("  %02u:00  %6" G_GINT64_FORMAT "\n", h, json_array_get_int_element (array, h));

  g_print ("\n%s\n", _("Per channel:"));
  array = json_object_get_array_member (stats, "per_channel");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      g_print ("  %-20s %6" G_GINT64_FORMAT "\n", json_object_get_string_member (o, "kanaal"),
               json_object_get_int_member (o, "contacts"));
    }

  g_print ("\n%s\n", _("Most used answers:"));
  array = json_object_get_array_member (stats, "answers");
  for (guint i = 0; i < MIN (json_array_get_length (array), 20); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      const char *section = json_object_get_string_member_with_default (o, "section", NULL);

      g_print ("  %-40s %s %6" G_GINT64_FORMAT "\n", json_object_get_string_member (o, "item"),
               section != NULL ? section : "", json_object_get_int_member (o, "count"));
    }

  print_query_counts (stats, "searches", _("Most frequent searches:"));
  print_query_counts (stats, "content_gaps",
                      _("Searches that found nothing or where nothing was opened:"));

  g_print ("\n%s\n", _("Outcomes per afdeling:"));
  array = json_object_get_array_member (stats, "outcomes_per_afdeling");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      JsonObject *outcomes = json_object_get_object_member (o, "outcomes");
      const char *afdeling = json_object_get_string_member_with_default (o, "afdeling", NULL);
      g_autoptr(GList) codes = json_object_get_members (outcomes);

      g_print ("  %s\n", afdeling != NULL ? afdeling : _("(none)"));
      for (GList *l = codes; l != NULL; l = l->next)
        g_print ("    %-36s %6" G_GINT64_FORMAT "\n", (const char *) l->data,
                 json_object_get_int_member (outcomes, l->data));
    }
}

static int
cmd_stats (int    argc,
           char **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      N_("First day (YYYY-MM-DD, Europe/Amsterdam), from midnight"), "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      N_("Last day (YYYY-MM-DD, Europe/Amsterdam), included until midnight"), "DATE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the figures as JSON (the schema of docs/statistics.md)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— statistics of the contacts of a period"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(VbContactStore) contacts = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_auto(GStrv) kcc = NULL;
  gint64 start, end;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Figures of the contacts that started on the days from --from to --to (both included, "
      "local time in Europe/Amsterdam); deleted contacts are left out. An outcome counts as "
      "handled by the KCC when the content's list of gespreksresultaten flags it so."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc > 1)
    return usage_error (context, _("Unexpected argument"));
  if (from == NULL || to == NULL)
    return usage_error (context, _("Give --from and --to"));
  if (!vb_contact_parse_date_range (from, to, &start, &end, &error))
    return usage_error (context, error->message);

  store = open_store ();
  if (store == NULL)
    return EXIT_DATA;
  kcc = dup_kcc_outcomes (store, &error);
  if (kcc == NULL)
    {
      g_printerr ("vraagbaak-cli: %s\n", error->message);
      return EXIT_DATA;
    }
  contacts = open_contacts_store ();
  if (contacts == NULL)
    return EXIT_DATA;
  stats = vb_stats_compute (contacts, (const char *const *) kcc, start, end, &error);
  if (stats == NULL)
    {
      g_printerr ("vraagbaak-cli: %s\n", error->message);
      return EXIT_DATA;
    }
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), stats);
      g_autofree char *text = json_to_string (node, TRUE);

      g_print ("%s\n", text);
    }
  else
    print_stats_text (stats);
  return EXIT_OK;
}

/* ---- sync and token ---- */

/* 10044 -> "10,044": the progress line is read by people. */
static char *
format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

typedef struct
{
  GMainLoop *loop;
  gboolean   tty;
  gboolean   ok;
  gboolean   bar_shown;
  guint64    last_done;
  GError    *error;
  VbSyncStats stats;
} SyncRun;

static void
on_sync_progress (VbSync     *sync,
                  GParamSpec *pspec,
                  SyncRun    *run)
{
  guint64 done = vb_sync_get_progress_done (sync);
  guint64 total = vb_sync_get_progress_total (sync);
  g_autofree char *sdone = format_count (done);
  g_autofree char *stotal = format_count (total);

  if (done == run->last_done || total == 0)
    return;
  run->last_done = done;
  if (run->tty)
    {
      char bar[41];
      guint filled = (guint) (done * 40 / MAX (total, 1));

      memset (bar, '#', filled);
      memset (bar + filled, ' ', 40 - filled);
      bar[40] = '\0';
      /* TRANSLATORS: a progress bar, then "4,500 / 10,044 items" */
      g_print ("\r");
      g_print (_("[%s] %s / %s items"), bar, sdone, stotal);
      run->bar_shown = TRUE;
    }
  else
    g_print (_("%s / %s items\n"), sdone, stotal);
  fflush (stdout);
}

static void
on_sync_once_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SyncRun *run = user_data;

  run->ok = vb_sync_run_once_finish (VB_SYNC (source), result, &run->stats, &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_sync_state (VbSync     *sync,
               GParamSpec *pspec,
               SyncRun    *run)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (VB_TYPE_SYNC_STATE);
  GEnumValue *value = g_enum_get_value (klass, vb_sync_get_state (sync));

  if (run->bar_shown)
    g_print ("\n");
  run->bar_shown = FALSE;
  if (vb_sync_get_error_message (sync) != NULL && vb_sync_get_state (sync) >= VB_SYNC_STATE_OFFLINE)
    g_print ("%s: %s\n", value->value_nick, vb_sync_get_error_message (sync));
  else
    g_print ("%s\n", value->value_nick);
}

static void
on_token_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  char *token = vb_token_store_lookup_finish (VB_TOKEN_STORE (source), result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, g_free);
  g_object_unref (task);
}

static void
on_task_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the main context until @result is set. */
static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static char *
read_token (const char  *token_file,
            const char  *server,
            GError     **error)
{
  g_autoptr(VbTokenStore) tokens = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *data = NULL;

  if (token_file != NULL)
    {
      if (!g_file_get_contents (token_file, &data, NULL, error))
        return NULL;
      return g_strdup (g_strstrip (data));
    }
  tokens = vb_token_store_new ();
  task = g_task_new (NULL, NULL, on_task_done, &result);
  vb_token_store_lookup_async (tokens, server, NULL, on_token_done, g_object_ref (task));
  wait_for (&result);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static int
cmd_sync (int    argc,
          char **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *token_file = NULL;
  gboolean once = FALSE;
  int timeout = 0;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The server's URL"), "URL" },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
      N_("Read the token from FILE instead of the token store"), "FILE" },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, N_("Sync once and exit"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Seconds to wait for an answer"), "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— sync with vraagbaak-server"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(VbContactStore) contacts = NULL;
  g_autoptr(VbSync) sync = NULL;
  g_autofree char *token = NULL;
  g_autofree char *contacts_path = NULL;
  SyncRun run = { 0 };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (server == NULL || argc > 1)
    return usage_error (context, _("--server URL is required"));

  token = read_token (token_file, server, &error);
  if (error != NULL)
    {
      g_printerr (_("vraagbaak-cli: cannot read the token: %s\n"), error->message);
      return EXIT_DATA;
    }
  store = open_store ();
  if (store == NULL)
    return EXIT_DATA;
  /* The contact log's outbox is uploaded when there is one. */
  contacts_path = opt_contacts_db != NULL ? g_strdup (opt_contacts_db)
                                          : vb_default_contacts_db_path ();
  if (opt_contacts_db != NULL || g_file_test (contacts_path, G_FILE_TEST_EXISTS))
    {
      contacts = open_contacts_store ();
      if (contacts == NULL)
        return EXIT_DATA;
    }

  sync = vb_sync_new (store, contacts);
  vb_sync_set_server_url (sync, server);
  vb_sync_set_token (sync, token);
  if (timeout > 0)
    vb_sync_set_timeout (sync, timeout);
  run.loop = g_main_loop_new (NULL, FALSE);
  run.tty = isatty (STDOUT_FILENO);
  g_signal_connect (sync, "notify::progress-done", G_CALLBACK (on_sync_progress), &run);

  if (!once)
    {
      g_signal_connect (sync, "notify::state", G_CALLBACK (on_sync_state), &run);
      vb_sync_start (sync);
      g_main_loop_run (run.loop);
      return EXIT_OK;
    }

  vb_sync_run_once_async (sync, NULL, on_sync_once_done, &run);
  g_main_loop_run (run.loop);
  g_main_loop_unref (run.loop);
  if (run.bar_shown)
    g_print ("\n");
  if (!run.ok)
    {
      g_printerr (_("vraagbaak-cli: sync failed: %s\n"), run.error->message);
      g_clear_error (&run.error);
      return EXIT_DATA;
    }
  {
    /* Numbers as strings: xgettext cannot see through G_GUINT64_FORMAT. */
    g_autofree char *applied = format_count (run.stats.items_applied);
    g_autofree char *n_skipped = format_count (run.stats.items_skipped);
    g_autofree char *contacts_sent = format_count (run.stats.contacts_sent);
    g_autofree char *searches_sent = format_count (run.stats.searches_sent);
    g_autofree char *cursor = format_count (run.stats.cursor);
    g_auto(GStrv) skipped = vb_sync_dup_skipped (sync);

    for (guint i = 0; skipped[i] != NULL; i++)
      g_print (_("Skipped: %s\n"), skipped[i]);
    g_print (_("Synced: %s changes applied, %s skipped, %s contacts and %s searches uploaded "
               "(cursor %s)\n"),
             applied, n_skipped, contacts_sent, searches_sent, cursor);
  }
  return EXIT_OK;
}

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!vb_token_store_store_finish (VB_TOKEN_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static int
cmd_token (int    argc,
           char **argv)
{
  g_autofree char *server = NULL;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The server's URL"), "URL" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("set — store the server token read from standard input"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VbTokenStore) tokens = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTask) task = NULL;
  char line[4096];
  g_autofree char *token = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc != 2 || strcmp (argv[1], "set") != 0 || server == NULL)
    return usage_error (context, _("Usage: token set --server URL (the token on standard input)"));
  if (fgets (line, sizeof line, stdin) == NULL || *g_strstrip (line) == '\0')
    {
      g_printerr (_("vraagbaak-cli: no token on standard input\n"));
      return EXIT_DATA;
    }
  token = g_strdup (line);
  memset (line, 0, sizeof line);

  tokens = vb_token_store_new ();
  task = g_task_new (NULL, NULL, on_task_done, &result);
  vb_token_store_store_async (tokens, server, token, NULL, on_token_stored, g_object_ref (task));
  wait_for (&result);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_printerr (_("vraagbaak-cli: cannot store the token: %s\n"), error->message);
      return EXIT_DATA;
    }
  if (vb_token_store_is_secure (tokens))
    g_print (_("Token stored in the Secret Service\n"));
  else
    g_print (_("Token stored in a file readable only by you (no Secret Service)\n"));
  return EXIT_OK;
}

static int
main_usage (void)
{
  g_printerr ("%s", _("Usage: vraagbaak-cli [--db FILE] [--contacts-db FILE] COMMAND [OPTION…]\n"
                      "\n"
                      "Commands:\n"
                      "  import FILE…     Import content (bundle, VAC, kennisartikel, Rijksoverheid)\n"
                      "  search QUERY     Search the content\n"
                      "  show ID          Show one item\n"
                      "  tokens TEXT      Show the tokens the search index stores for TEXT\n"
                      "  contacts export  Export contacts (--from DATE --to DATE --format csv|json)\n"
                      "  contacts purge   Erase personal data after the retention period (--days N)\n"
                      "  stats            Statistics of a period (--from DATE --to DATE [--json])\n"
                      "  sync             Sync with the server (--server URL [--token-file FILE] [--once])\n"
                      "  token set        Store the server token from standard input (--server URL)\n"
                      "\n"
                      "Without --db the application's own database is used, without\n"
                      "--contacts-db its own contact log.\n"));
  return EXIT_USAGE;
}

int
main (int    argc,
      char **argv)
{
  const char *command;
  int first = 1;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_file_test (BUILD_PODIR, G_FILE_TEST_IS_DIR) ?
                                   BUILD_PODIR : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Global options come before the command. */
  while (first < argc && argv[first][0] == '-')
    {
      if (strcmp (argv[first], "--db") == 0 && first + 1 < argc)
        {
          opt_db = argv[first + 1];
          first += 2;
        }
      else if (g_str_has_prefix (argv[first], "--db="))
        {
          opt_db = argv[first] + 5;
          first++;
        }
      else if (strcmp (argv[first], "--contacts-db") == 0 && first + 1 < argc)
        {
          opt_contacts_db = argv[first + 1];
          first += 2;
        }
      else if (g_str_has_prefix (argv[first], "--contacts-db="))
        {
          opt_contacts_db = argv[first] + 14;
          first++;
        }
      else if (strcmp (argv[first], "--help") == 0 || strcmp (argv[first], "-h") == 0)
        {
          main_usage ();
          return EXIT_OK;
        }
      else
        return main_usage ();
    }
  if (first >= argc)
    return main_usage ();

  command = argv[first];
  argv[first] = g_strdup_printf ("vraagbaak-cli %s", command);
  if (strcmp (command, "import") == 0)
    return cmd_import (argc - first, argv + first);
  if (strcmp (command, "search") == 0)
    return cmd_search (argc - first, argv + first);
  if (strcmp (command, "show") == 0)
    return cmd_show (argc - first, argv + first);
  if (strcmp (command, "contacts") == 0)
    return cmd_contacts (argc - first, argv + first);
  if (strcmp (command, "stats") == 0)
    return cmd_stats (argc - first, argv + first);
  if (strcmp (command, "sync") == 0)
    return cmd_sync (argc - first, argv + first);
  if (strcmp (command, "token") == 0)
    return cmd_token (argc - first, argv + first);
  if (strcmp (command, "tokens") == 0 && argc - first == 2)
    {
      /* For maintainers: what the index stores for a text. */
      g_autofree char *tokens = vb_fts_dup_tokens (argv[first + 1]);

      g_print ("%s\n", tokens);
      return EXIT_OK;
    }
  return main_usage ();
}
