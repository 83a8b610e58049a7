/* test-relevance.c: does the right answer come first for what agents really type?
 *
 * Two query sets, committed before the engine was tuned: relevance/demo-queries.tsv against
 * the demo content, and relevance/rijksoverheid-queries.tsv against the real Rijksoverheid
 * VACs in ../shared/data (skipped when absent). Each line: kind, query, expected item id.
 * Reports MRR and recall@5 per kind. The gate: MRR 0.85 on each set as a whole and on each
 * kind of query (with at least 10 queries) in it. A last test switches Dutch stemming off and
 * shows the demo set then fails the gate.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-lexicon.h"
#include "vb-text.h"
#include "vb-test-util.h"

#define MRR_THRESHOLD 0.85

typedef struct
{
  char *kind;
  char *query;
  char *expected;
} RelQuery;

typedef struct
{
  double   mrr;
  double   recall5;
  guint    n;
  gboolean passes;  /* the whole set and every kind reach the threshold */
} Score;

static void
rel_query_free (gpointer data)
{
  RelQuery *q = data;

  g_free (q->kind);
  g_free (q->query);
  g_free (q->expected);
  g_free (q);
}

static GPtrArray *
load_queries (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("VRAAGBAAK_TESTS_DIR"), "relevance", name,
                                            NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *queries = g_ptr_array_new_with_free_func (rel_query_free);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      RelQuery *q;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      q = g_new0 (RelQuery, 1);
      q->kind = g_strdup (fields[0]);
      q->query = g_strdup (fields[1]);
      q->expected = g_strdup (g_strstrip (fields[2]));
      g_ptr_array_add (queries, q);
    }
  return queries;
}

/* Runs every query; returns the overall score and logs one line per kind. */
static Score
evaluate (VbStore    *store,
          GPtrArray  *queries,
          const char *label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbSearcher) searcher = vb_searcher_new (store, &error);
  g_autoptr(GHashTable) kinds = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GPtrArray) kind_order = g_ptr_array_new ();
  Score total = { 0, 0, 0, TRUE };

  g_assert_no_error (error);
  for (guint i = 0; i < queries->len; i++)
    {
      RelQuery *q = g_ptr_array_index (queries, i);
      g_autoptr(VbSearchResults) results = vb_test_search (searcher, q->query, NULL);
      int rank = vb_test_rank_of (results, q->expected);
      Score *k = g_hash_table_lookup (kinds, q->kind);
      double rr = rank >= 0 ? 1.0 / (rank + 1) : 0.0;

      if (k == NULL)
        {
          k = g_new0 (Score, 1);
          g_hash_table_insert (kinds, q->kind, k);
          g_ptr_array_add (kind_order, q->kind);
        }
      k->mrr += rr;
      k->recall5 += rank >= 0 && rank < 5;
      k->n++;
      total.mrr += rr;
      total.recall5 += rank >= 0 && rank < 5;
      total.n++;
      if (rank != 0)
        {
          guint n = g_list_model_get_n_items (G_LIST_MODEL (results));

          g_test_message ("%s miss [%s] “%s”: %s at rank %d; first: %s", label, q->kind, q->query,
                          q->expected, rank + 1,
                          n > 0 ? vb_search_hit_get_id (vb_search_results_get_hit (results, 0))
                                : "(none)");
        }
    }

  for (guint i = 0; i < kind_order->len; i++)
    {
      Score *k = g_hash_table_lookup (kinds, g_ptr_array_index (kind_order, i));

      g_test_message ("%s %-14s n=%3u  MRR %.3f  recall@5 %.3f", label,
                      (const char *) g_ptr_array_index (kind_order, i), k->n, k->mrr / k->n,
                      k->recall5 / k->n);
      if (k->n >= 10 && k->mrr / k->n < MRR_THRESHOLD)
        total.passes = FALSE;
    }
  total.mrr /= MAX (total.n, 1);
  total.recall5 /= MAX (total.n, 1);
  g_test_message ("%s %-14s n=%3u  MRR %.3f  recall@5 %.3f", label, "ALL", total.n, total.mrr,
                  total.recall5);
  /* Also on stderr, so the figures are visible in a plain test run. */
  g_printerr ("# %s: %u queries, MRR %.3f, recall@5 %.3f\n", label, total.n, total.mrr,
              total.recall5);
  if (total.mrr < MRR_THRESHOLD)
    total.passes = FALSE;
  return total;
}

static VbStore *
fresh_store (char **dir)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  VbStore *store;

  *dir = vb_test_tmpdir ();
  path = g_build_filename (*dir, "content.db", NULL);
  store = vb_store_open (path, &error);
  g_assert_no_error (error);
  return store;
}

static void
test_demo (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(VbStore) store = fresh_store (&dir);
  g_autoptr(GPtrArray) queries = load_queries ("demo-queries.tsv");
  Score score;

  g_assert_cmpuint (queries->len, >=, 60);
  vb_test_import_demo (store);
  score = evaluate (store, queries, "demo");
  g_assert_cmpfloat (score.mrr, >=, MRR_THRESHOLD);
  g_assert_true (score.passes);
  g_clear_object (&store);
  vb_test_rmdir (dir);
}

static void
test_rijksoverheid (void)
{
  g_autofree char *path =
    vb_test_shared_file ("govbench-rijksoverheid-vac/rijksoverheid_faq_raw_opendata.json");
  g_autofree char *dir = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(VbImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  Score score;

  if (path == NULL)
    return;
  store = fresh_store (&dir);
  importer = vb_importer_new (store);
  g_assert_true (vb_importer_import_file (importer, path, &error));
  queries = load_queries ("rijksoverheid-queries.tsv");
  g_assert_cmpuint (queries->len, >=, 100);
  score = evaluate (store, queries, "rijksoverheid");
  g_assert_cmpfloat (score.mrr, >=, MRR_THRESHOLD);
  g_assert_true (score.passes);
  g_clear_object (&store);
  vb_test_rmdir (dir);
}

static void
test_fails_without_stemming (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(GPtrArray) queries = load_queries ("demo-queries.tsv");
  g_autoptr(VbLexicon) lexicon = NULL;
  g_autoptr(GError) error = NULL;
  Score score;

  /* The lexicon's checksum covers the stemming switch, so the index is built without it. */
  vb_text_set_stemming (FALSE);
  lexicon = vb_lexicon_new_from_dir (vb_test_datadir (), &error);
  g_assert_no_error (error);
  vb_lexicon_set_default (lexicon);

  store = fresh_store (&dir);
  vb_test_import_demo (store);
  score = evaluate (store, queries, "demo-without-stemming");
  g_assert_false (score.passes);

  vb_text_set_stemming (TRUE);
  g_clear_object (&store);
  vb_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relevance/demo", test_demo);
  g_test_add_func ("/relevance/rijksoverheid", test_rijksoverheid);
  g_test_add_func ("/relevance/fails-without-stemming", test_fails_without_stemming);

  return g_test_run ();
}
