/* test-search.c: what an agent relies on when typing a few words
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-test-util.h"

static char *tmpdir;
static VbStore *store;
static VbSearcher *searcher;

static VbSearchResults *
search (const char *query)
{
  return vb_test_search (searcher, query, NULL);
}

static void
assert_top (const char *query,
            const char *id,
            int         within)
{
  g_autoptr(VbSearchResults) results = search (query);
  int rank = vb_test_rank_of (results, id);

  if (rank < 0 || rank >= within)
    g_error ("query “%s”: %s at %d, wanted in the first %d", query, id, rank, within);
}

static void
test_prefix (void)
{
  /* Half-typed words match, also inflected ones. */
  assert_top ("paspo", "pdc-paspoort", 3);
  assert_top ("rijbew", "pdc-rijbewijs", 3);
  assert_top ("grofv", "vac-grofvuil-aanmelden", 5);
}

static void
test_stemming (void)
{
  assert_top ("paspoorten", "pdc-paspoort", 3);
  assert_top ("verhuisd doorgeven", "pdc-verhuizing", 3);
  assert_top ("rijbewijs aangevraagd", "pdc-rijbewijs", 5);
}

static void
test_title_above_body (void)
{
  g_autoptr(VbSearchResults) results = search ("paspoort kosten");

  g_assert_cmpstr (vb_search_hit_get_id (vb_search_results_get_hit (results, 0)), ==,
                   "vac-paspoort-kosten");
}

static void
test_compound (void)
{
  /* The content says "paspoort aanvragen"; the agent types the compound. */
  assert_top ("paspoortaanvraag", "vac-paspoort-aanvragen", 3);
}

static void
test_synonym (void)
{
  assert_top ("gba uittreksel", "pdc-uittreksel-brp", 3);
}

static void
test_typo (void)
{
  g_autoptr(VbSearchResults) results = search ("paspoort kostne");
  g_autoptr(VbSearchResults) exact = search ("paspoort kosten");

  g_assert_cmpstr (vb_search_results_get_suggestion (results), ==, "paspoort kosten");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (results)), >, 0);
  g_assert_cmpstr (vb_search_hit_get_id (vb_search_results_get_hit (results, 0)), ==,
                   "vac-paspoort-kosten");
  /* A correct query gets no suggestion. */
  g_assert_null (vb_search_results_get_suggestion (exact));
}

static void
test_snippet_marks (void)
{
  g_autoptr(VbSearchResults) results = search ("paspoort kosten");
  const char *snippet = vb_search_hit_get_snippet (vb_search_results_get_hit (results, 0));

  g_assert_nonnull (strstr (snippet, "<b>"));
  /* It is valid markup. */
  {
    g_autoptr(GMarkupParseContext) ctx = NULL;
    g_autofree char *wrapped = g_strdup_printf ("<m>%s</m>", snippet);
    GMarkupParser parser = { 0 };
    g_autoptr(GError) error = NULL;

    ctx = g_markup_parse_context_new (&parser, 0, NULL, NULL);
    g_assert_true (g_markup_parse_context_parse (ctx, wrapped, -1, &error));
    g_assert_no_error (error);
  }
}

static void
test_filters (void)
{
  VbSearchOptions options = VB_SEARCH_OPTIONS_INIT;
  g_autoptr(VbSearchResults) products = NULL;
  g_autoptr(VbSearchResults) ondernemer = NULL;
  g_autoptr(VbSearchResults) afdeling = NULL;
  guint n;

  options.kind = VB_ITEM_PRODUCT;
  products = vb_test_search (searcher, "paspoort", &options);
  n = g_list_model_get_n_items (G_LIST_MODEL (products));
  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (vb_search_hit_get_kind (vb_search_results_get_hit (products, i)), ==,
                     VB_ITEM_PRODUCT);

  options.kind = -1;
  options.doelgroep = "ondernemer";
  ondernemer = vb_test_search (searcher, "vergunning", &options);
  n = g_list_model_get_n_items (G_LIST_MODEL (ondernemer));
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (vb_doelgroep_to_label (vb_search_hit_get_doelgroep (
                       vb_search_results_get_hit (ondernemer, i))), !=, "particulier");

  options.doelgroep = NULL;
  options.afdeling = "Afval en Reiniging";
  afdeling = vb_test_search (searcher, "paspoort", &options);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (afdeling)), ==, 0);
}

static void
test_inactive_excluded (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbItem) item = NULL;
  g_autoptr(VbSearchResults) results = NULL;
  g_autoptr(GString) query = g_string_new (NULL);
  const char *id = NULL;
  sqlite3 *db = vb_store_open_reader (store, &error);
  sqlite3_stmt *stmt;

  /* Whatever the demo's inactive VAC is, its exact question finds nothing of it. */
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM items WHERE status != 'actief' LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  id = (const char *) sqlite3_column_text (stmt, 0);
  item = vb_store_get_item (store, id, &error);
  results = search (vb_item_get_title (item));
  g_assert_cmpint (vb_test_rank_of (results, vb_item_get_id (item)), ==, -1);
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
}

static void
test_notice_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  VbSearchOptions options = VB_SEARCH_OPTIONS_INIT;
  const char *windows[][3] = {
    { "n-past", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z" },
    { "n-now", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z" },
    { "n-future", "2027-01-01T00:00:00Z", NULL },
  };
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 6, 1, 12, 0, 0);
  g_autoptr(VbSearchResults) results = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (windows); i++)
    {
      g_autoptr(JsonObject) fields = json_object_new ();

      json_object_set_string_member (fields, "titel", "Zwembad Zuiderbad gesloten");
      json_object_set_string_member (fields, "inhoud", "<p>Onderhoud</p>");
      json_object_set_string_member (fields, "publicatieDatum", windows[i][1]);
      if (windows[i][2] != NULL)
        json_object_set_string_member (fields, "publicatieEinddatum", windows[i][2]);
      g_ptr_array_add (items, vb_item_new (VB_ITEM_NOTICE, windows[i][0], fields));
    }
  g_assert_true (vb_store_upsert (store, items, NULL, &error));

  options.now = g_date_time_to_unix (now);
  results = vb_test_search (searcher, "zuiderbad", &options);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (results)), ==, 1);
  g_assert_cmpstr (vb_search_hit_get_id (vb_search_results_get_hit (results, 0)), ==, "n-now");
}

static void
test_any_text_is_a_query (void)
{
  const char *queries[] = {
    "\"", "\"\"", "paspoort\"", "*", "paspoort*", "^", "^paspoort", ":", "title:paspoort",
    "(", ")", "(paspoort", "AND", "OR", "NOT", "paspoort NOT rijbewijs", "NEAR(paspoort rijbewijs)",
    "-", " - ", "paspoort -", "{title}: x", "😀", "😀 paspoort", "\t\n", "   ", "", "'", "%", "_",
    "\\", "a", "é", "ĳ", "x'00'", "\x1f", "\x1f:t:vac", "--", "/* */", ";DROP TABLE items;",
  };
  g_autofree char *huge = g_strnfill (10000, 'x');
  GString *words = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(VbSearchResults) results = search (queries[i]);

      g_assert_nonnull (results);
    }
  {
    g_autoptr(VbSearchResults) results = search (huge);

    g_assert_nonnull (results);
  }
  for (guint i = 0; i < 2000; i++)
    g_string_append (words, "paspoort kosten aanvragen ");
  {
    g_autoptr(VbSearchResults) results = search (words->str);

    g_assert_nonnull (results);
  }
  g_string_free (words, TRUE);
  /* The facet syntax is not reachable from typed text. */
  {
    g_autoptr(VbSearchResults) results = search ("\x1f:t:vac");

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (results)), ==, 0);
  }
}

typedef struct
{
  guint   pending;
  GError *error;
  guint   n_results;
} AsyncState;

static void
on_search_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(VbSearchResults) results =
    vb_searcher_search_finish (VB_SEARCHER (source), result, &state->error);

  if (results != NULL)
    state->n_results = g_list_model_get_n_items (G_LIST_MODEL (results));
  state->pending--;
}

static void
test_async_and_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncState cancelled = { 1, NULL, 0 };
  AsyncState fresh = { 1, NULL, 0 };

  /* A newer keystroke cancels the older search; the newer one answers. */
  vb_searcher_search_async (searcher, "paspoort", NULL, cancellable, on_search_done, &cancelled);
  g_cancellable_cancel (cancellable);
  vb_searcher_search_async (searcher, "rijbewijs", NULL, NULL, on_search_done, &fresh);
  while (cancelled.pending > 0 || fresh.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_no_error (fresh.error);
  g_assert_cmpuint (fresh.n_results, >, 0);
  g_clear_error (&cancelled.error);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmpdir = vb_test_tmpdir ();
  path = g_build_filename (tmpdir, "content.db", NULL);
  store = vb_store_open (path, &error);
  g_assert_no_error (error);
  vb_test_import_demo (store);
  searcher = vb_searcher_new (store, &error);
  g_assert_no_error (error);

  g_test_add_func ("/search/prefix", test_prefix);
  g_test_add_func ("/search/stemming", test_stemming);
  g_test_add_func ("/search/title-above-body", test_title_above_body);
  g_test_add_func ("/search/compound", test_compound);
  g_test_add_func ("/search/synonym", test_synonym);
  g_test_add_func ("/search/typo", test_typo);
  g_test_add_func ("/search/snippet-marks", test_snippet_marks);
  g_test_add_func ("/search/filters", test_filters);
  g_test_add_func ("/search/inactive-excluded", test_inactive_excluded);
  g_test_add_func ("/search/notice-window", test_notice_window);
  g_test_add_func ("/search/any-text-is-a-query", test_any_text_is_a_query);
  g_test_add_func ("/search/async-and-cancel", test_async_and_cancel);

  ret = g_test_run ();
  g_clear_object (&searcher);
  g_clear_object (&store);
  vb_test_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
