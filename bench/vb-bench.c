/* vb-bench.c: import and search benchmark for the engine and a plain SQLite FTS5 peer
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "vb-importer.h"
#include "vb-item.h"
#include "vb-searcher.h"
#include "vb-store.h"

/* Prints figures; it is a measurement, not a test: nothing here passes or fails. */

typedef struct
{
  const char *engine;
  guint       items;
  double      import_s;
  double      parse_s;      /* reading and parsing alone, measured in a separate pass */
  double      checkpoint_s;
  gint64      db_bytes;
  GArray     *times;        /* gint64 microseconds, one per timed query */
  GArray     *counts;       /* guint results, one per timed query */
  GPtrArray  *queries;      /* the timed queries, in order */
  guint64     snippet_bytes;
} Figures;

typedef struct
{
  gint64       us;
  guint        results;
  const char  *query;
} Timed;

/* Options */
static char *opt_db;
static char *opt_import;
static char *opt_queries;
static char **opt_query;
static int opt_warmup = 50;
static int opt_limit = 20;
static int opt_repeat = 1;
static int opt_slowest = 10;
static gboolean opt_plain_fts5;
static gboolean opt_show;

static GOptionEntry entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, "Database file (replaced when importing)", "FILE" },
  { "import", 0, 0, G_OPTION_ARG_FILENAME, &opt_import,
    "Content bundle to import first; without it the database is searched as it is", "BUNDLE" },
  { "queries", 0, 0, G_OPTION_ARG_FILENAME, &opt_queries,
    "Queries, one per line (a trailing space means the last word is complete)", "FILE" },
  { "query", 'q', 0, G_OPTION_ARG_STRING_ARRAY, &opt_query, "A query to time (repeatable)",
    "TEXT" },
  { "warmup", 0, 0, G_OPTION_ARG_INT, &opt_warmup, "Untimed queries before timing (50)", "N" },
  { "limit", 0, 0, G_OPTION_ARG_INT, &opt_limit, "Results per query (20)", "N" },
  { "repeat", 0, 0, G_OPTION_ARG_INT, &opt_repeat, "Time every query N times (1)", "N" },
  { "slowest", 0, 0, G_OPTION_ARG_INT, &opt_slowest, "List the N slowest queries (10)", "N" },
  { "plain-fts5", 0, 0, G_OPTION_ARG_NONE, &opt_plain_fts5,
    "Measure the peer: one plain SQLite FTS5 table, bm25 and snippet()", NULL },
  { "show", 0, 0, G_OPTION_ARG_NONE, &opt_show,
    "Print the results of every timed query (the times then include the printing)", NULL },
  { NULL },
};

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

/* The database and its WAL; the -shm file is an index of the WAL, not data. */
static gint64
db_size (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  return file_size (path) + file_size (wal);
}

static void
remove_db (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (p) != 0 && errno != ENOENT)
        g_printerr ("Cannot remove %s: %s\n", p, g_strerror (errno));
    }
}

static GPtrArray *
read_queries (const char  *path,
              GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *queries;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  queries = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (len > 0)
        g_ptr_array_add (queries, g_strdup (line));  /* keep a trailing space */
    }
  return queries;
}

/* ---- plain FTS5 peer ---- */

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *stmt;
} Fts5Peer;

static gboolean
sql_exec (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", sql,
                   msg != NULL ? msg : sqlite3_errmsg (db));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

/* A crude tag strip: tags become spaces, the five XML entities are decoded. */
static void
append_plain (GString    *out,
              const char *html)
{
  gboolean in_tag = FALSE;

  if (html == NULL)
    return;
  if (out->len > 0)
    g_string_append_c (out, '\n');
  for (const char *p = html; *p; p++)
    {
      if (in_tag)
        {
          if (*p == '>')
            in_tag = FALSE;
          continue;
        }
      if (*p == '<')
        {
          in_tag = TRUE;
          g_string_append_c (out, ' ');
        }
      else if (*p == '&')
        {
          static const struct { const char *entity, *text; } entities[] = {
            { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
            { "&apos;", "'" }, { "&nbsp;", " " },
          };
          guint i;

          for (i = 0; i < G_N_ELEMENTS (entities); i++)
            if (g_str_has_prefix (p, entities[i].entity))
              {
                g_string_append (out, entities[i].text);
                p += strlen (entities[i].entity) - 1;
                break;
              }
          if (i == G_N_ELEMENTS (entities))
            g_string_append_c (out, '&');
        }
      else
        g_string_append_c (out, *p);
    }
}

static const char *
member_string (JsonObject *obj,
               const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
join_keywords (JsonObject *obj)
{
  JsonNode *node = json_object_get_member (obj, "trefwoorden");
  GString *out = g_string_new (NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_string_free (out, FALSE);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *el = json_array_get_element (array, i);
      const char *kw = NULL;

      if (JSON_NODE_HOLDS_OBJECT (el))
        kw = member_string (json_node_get_object (el), "trefwoord");
      else if (JSON_NODE_HOLDS_VALUE (el) && json_node_get_value_type (el) == G_TYPE_STRING)
        kw = json_node_get_string (el);
      if (kw == NULL)
        continue;
      if (out->len > 0)
        g_string_append (out, " ; ");
      g_string_append (out, kw);
    }
  return g_string_free (out, FALSE);
}

static gboolean
fts5_import (Fts5Peer    *peer,
             const char  *path,
             const char  *bundle,
             guint       *n_items,
             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  sqlite3_stmt *ins = NULL;
  JsonNode *root, *items_node;
  JsonArray *items;
  guint n_sections;
  const VbSection *sections = vb_product_sections (&n_sections);

  if (sqlite3_open_v2 (path, &peer->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot open %s: %s", path,
                   sqlite3_errmsg (peer->db));
      return FALSE;
    }
  /* The same settings as the engine's store. */
  if (!sql_exec (peer->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                 "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;", error) ||
      !sql_exec (peer->db, "CREATE VIRTUAL TABLE docs USING fts5 (title, keywords, body,"
                 " tokenize = 'unicode61 remove_diacritics 2')", error) ||
      !sql_exec (peer->db, "INSERT INTO docs (docs, rank) VALUES ('rank', 'bm25(10, 5, 1)')",
                 error))
    return FALSE;

  if (!json_parser_load_from_mapped_file (parser, bundle, error))
    return FALSE;
  root = json_parser_get_root (parser);
  items_node = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ?
               json_object_get_member (json_node_get_object (root), "items") : NULL;
  if (items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no items", bundle);
      return FALSE;
    }
  items = json_node_get_array (items_node);

  if (!sql_exec (peer->db, "BEGIN", error))
    return FALSE;
  if (sqlite3_prepare_v2 (peer->db, "INSERT INTO docs (title, keywords, body) VALUES (?, ?, ?)",
                          -1, &ins, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", sqlite3_errmsg (peer->db));
      return FALSE;
    }
  *n_items = 0;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *obj;
      const char *type, *title, *status;
      g_autofree char *keywords = NULL;
      g_autoptr(GString) body = g_string_new (NULL);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      obj = json_node_get_object (node);
      type = member_string (obj, "type");
      status = member_string (obj, "status");
      if (status != NULL && g_strcmp0 (status, "actief") != 0)
        continue;
      if (g_strcmp0 (type, "vac") == 0)
        {
          title = member_string (obj, "vraag");
          append_plain (body, member_string (obj, "antwoord"));
          append_plain (body, member_string (obj, "toelichting"));
        }
      else if (g_strcmp0 (type, "product") == 0)
        {
          title = member_string (obj, "titel");
          for (guint s = 0; s < n_sections; s++)
            append_plain (body, member_string (obj, sections[s].field));
        }
      else
        continue;
      keywords = join_keywords (obj);
      sqlite3_bind_text (ins, 1, title != NULL ? title : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 2, keywords, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 3, body->str, body->len, SQLITE_STATIC);
      if (sqlite3_step (ins) != SQLITE_DONE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Insert: %s",
                       sqlite3_errmsg (peer->db));
          sqlite3_finalize (ins);
          return FALSE;
        }
      sqlite3_reset (ins);
      (*n_items)++;
    }
  sqlite3_finalize (ins);
  return sql_exec (peer->db, "COMMIT", error);
}

static gboolean
fts5_open (Fts5Peer    *peer,
           const char  *path,
           GError     **error)
{
  if (peer->db == NULL &&
      sqlite3_open_v2 (path, &peer->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot open %s: %s", path,
                   sqlite3_errmsg (peer->db));
      return FALSE;
    }
  if (sqlite3_prepare_v3 (peer->db,
                          "SELECT rowid, title, snippet (docs, 2, '<b>', '</b>', '…', 24)"
                          " FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?",
                          -1, SQLITE_PREPARE_PERSISTENT, &peer->stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Prepare: %s", sqlite3_errmsg (peer->db));
      return FALSE;
    }
  return TRUE;
}

/* The fair translation: each word quoted, implicit AND, the last word a prefix unless the
 * query ends in a separator. Words are split as unicode61 splits them. */
static char *
fts5_translate (const char *query)
{
  GString *out = g_string_new (NULL);
  GString *word = g_string_new (NULL);
  gsize len = strlen (query);
  const char *last = len > 0 ? g_utf8_find_prev_char (query, query + len) : NULL;
  gboolean prefix = last != NULL && g_unichar_isalnum (g_utf8_get_char (last));

  for (const char *p = query; ; p = g_utf8_next_char (p))
    {
      gunichar ch = *p ? g_utf8_get_char (p) : 0;

      if (ch != 0 && g_unichar_isalnum (ch))
        {
          g_string_append_unichar (word, ch);
          continue;
        }
      if (word->len > 0)
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append_printf (out, "\"%s\"", word->str);
          g_string_truncate (word, 0);
        }
      if (ch == 0)
        break;
    }
  if (prefix && out->len > 0)
    g_string_append_c (out, '*');
  g_string_free (word, TRUE);
  return g_string_free (out, FALSE);
}

static gboolean
fts5_search (Fts5Peer    *peer,
             const char  *query,
             guint       *n_results,
             guint64     *snippet_bytes,
             gboolean     show,
             GError     **error)
{
  g_autofree char *expr = fts5_translate (query);
  int rc;

  *n_results = 0;
  if (*expr == '\0')
    return TRUE;
  sqlite3_reset (peer->stmt);
  sqlite3_bind_text (peer->stmt, 1, expr, -1, SQLITE_STATIC);
  sqlite3_bind_int (peer->stmt, 2, opt_limit);
  while ((rc = sqlite3_step (peer->stmt)) == SQLITE_ROW)
    {
      const char *title = (const char *) sqlite3_column_text (peer->stmt, 1);
      const char *snippet = (const char *) sqlite3_column_text (peer->stmt, 2);

      *snippet_bytes += snippet != NULL ? strlen (snippet) : 0;
      (*n_results)++;
      if (show)
        g_print ("    %s\n      %s\n", title, snippet);
    }
  sqlite3_reset (peer->stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", expr,
                   sqlite3_errmsg (peer->db));
      return FALSE;
    }
  return TRUE;
}

/* ---- the engine ---- */

static gboolean
engine_search (VbSearcher  *searcher,
               const char  *query,
               guint       *n_results,
               guint64     *snippet_bytes,
               gboolean     show,
               GError     **error)
{
  VbSearchOptions options = VB_SEARCH_OPTIONS_INIT;
  g_autoptr(VbSearchResults) results = NULL;
  guint n;

  options.limit = opt_limit;
  results = vb_searcher_search (searcher, query, &options, error);
  if (results == NULL)
    return FALSE;
  n = g_list_model_get_n_items (G_LIST_MODEL (results));
  for (guint i = 0; i < n; i++)
    {
      VbSearchHit *hit = vb_search_results_get_hit (results, i);
      const char *snippet = vb_search_hit_get_snippet (hit);

      *snippet_bytes += snippet != NULL ? strlen (snippet) : 0;
      if (show)
        g_print ("    %s\n      %s\n", vb_search_hit_get_title (hit), snippet);
    }
  if (show && vb_search_results_get_suggestion (results) != NULL)
    g_print ("    (results for \"%s\")\n", vb_search_results_get_suggestion (results));
  *n_results = n;
  return TRUE;
}

/* ---- figures ---- */

static int
compare_us (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static int
compare_timed (gconstpointer a,
               gconstpointer b)
{
  const Timed *x = a, *y = b;

  return x->us > y->us ? -1 : x->us < y->us;
}

static guint
count_words (const char *query)
{
  guint n = 0;
  gboolean in_word = FALSE;

  for (const char *p = query; *p; p = g_utf8_next_char (p))
    {
      gboolean alnum = g_unichar_isalnum (g_utf8_get_char (p));

      if (alnum && !in_word)
        n++;
      in_word = alnum;
    }
  return n;
}

/* Nearest-rank percentile of sorted microseconds, in milliseconds. */
static double
percentile (GArray *sorted,
            double  p)
{
  guint rank;

  if (sorted->len == 0)
    return 0;
  rank = (guint) ceil (p / 100.0 * sorted->len);
  rank = CLAMP (rank, 1, sorted->len);
  return g_array_index (sorted, gint64, rank - 1) / 1000.0;
}

static void
report (Figures *f)
{
  g_autoptr(GArray) sorted = g_array_copy (f->times);
  g_autoptr(GArray) timed = g_array_new (FALSE, FALSE, sizeof (Timed));
  double sum = 0, mean_results = 0;
  guint zero = 0;
  struct rusage usage;
  double rss_mb;
  double p50, p90, p99, max, mean;
  double items_per_s = f->import_s > 0 ? f->items / f->import_s : 0;
  double db_mb = f->db_bytes / (1024.0 * 1024.0);
  char b[16][G_ASCII_DTOSTR_BUF_SIZE];

  g_autoptr(GArray) one_word = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) more_words = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_sort (sorted, compare_us);
  for (guint i = 0; i < f->times->len; i++)
    {
      Timed t = { g_array_index (f->times, gint64, i), g_array_index (f->counts, guint, i),
                  g_ptr_array_index (f->queries, i % f->queries->len) };

      g_array_append_val (count_words (t.query) <= 1 ? one_word : more_words, t.us);
      sum += t.us;
      mean_results += t.results;
      if (t.results == 0)
        zero++;
      g_array_append_val (timed, t);
    }
  mean = f->times->len > 0 ? sum / f->times->len / 1000.0 : 0;
  mean_results = f->times->len > 0 ? mean_results / f->times->len : 0;
  p50 = percentile (sorted, 50);
  p90 = percentile (sorted, 90);
  p99 = percentile (sorted, 99);
  max = percentile (sorted, 100);
  getrusage (RUSAGE_SELF, &usage);
  rss_mb = usage.ru_maxrss / 1024.0;

  g_print ("engine:        %s\n", f->engine);
  if (f->import_s > 0)
    {
      g_print ("import:        %u items in %.2f s = %.0f items/s (checkpoint %.2f s)\n", f->items,
               f->import_s, items_per_s, f->checkpoint_s);
      if (f->parse_s > 0)
        g_print ("  of which reading and parsing the bundle: about %.2f s (separate pass)\n",
                 f->parse_s);
    }
  g_print ("database:      %.1f MB (%" G_GINT64_FORMAT " bytes, with -wal)\n", db_mb, f->db_bytes);
  g_print ("queries:       %u timed, %d warm-up, limit %d\n", f->times->len, opt_warmup, opt_limit);
  g_print ("latency (ms):  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f\n", p50, p90, p99,
           max, mean);
  g_array_sort (one_word, compare_us);
  g_array_sort (more_words, compare_us);
  g_print ("  one word:    p50 %.3f  p99 %.3f  (%u queries)\n", percentile (one_word, 50),
           percentile (one_word, 99), one_word->len);
  g_print ("  more words:  p50 %.3f  p99 %.3f  (%u queries)\n", percentile (more_words, 50),
           percentile (more_words, 99), more_words->len);
  g_print ("results:       mean %.1f per query, %u queries with none, %.0f snippet bytes/query\n",
           mean_results, zero, f->times->len > 0 ? (double) f->snippet_bytes / f->times->len : 0);
  g_print ("peak RSS:      %.0f MB\n", rss_mb);

  if (opt_slowest > 0 && timed->len > 0)
    {
      g_array_sort (timed, compare_timed);
      g_print ("slowest:\n");
      for (guint i = 0; i < MIN ((guint) opt_slowest, timed->len); i++)
        {
          Timed *t = &g_array_index (timed, Timed, i);

          g_print ("  %8.3f ms  %3u results  \"%s\"\n", t->us / 1000.0, t->results, t->query);
        }
    }

  /* One JSON line for scripts; numbers in the C locale. */
  g_print ("{\"engine\": \"%s\", \"items\": %u, \"import_s\": %s, \"items_per_s\": %s, "
           "\"checkpoint_s\": %s, \"db_bytes\": %" G_GINT64_FORMAT ", \"db_mb\": %s, "
           "\"queries\": %u, \"p50_ms\": %s, \"p90_ms\": %s, \"p99_ms\": %s, \"max_ms\": %s, "
           "\"mean_ms\": %s, \"mean_results\": %s, \"zero_results\": %u, \"peak_rss_mb\": %s, "
           "\"parse_s\": %s, \"p50_one_word_ms\": %s, \"p99_one_word_ms\": %s, "
           "\"p50_more_words_ms\": %s, \"p99_more_words_ms\": %s}\n",
           f->engine, f->items,
           g_ascii_formatd (b[0], sizeof b[0], "%.3f", f->import_s),
           g_ascii_formatd (b[1], sizeof b[1], "%.0f", items_per_s),
           g_ascii_formatd (b[2], sizeof b[2], "%.3f", f->checkpoint_s),
           f->db_bytes,
           g_ascii_formatd (b[3], sizeof b[3], "%.2f", db_mb),
           f->times->len,
           g_ascii_formatd (b[4], sizeof b[4], "%.3f", p50),
           g_ascii_formatd (b[5], sizeof b[5], "%.3f", p90),
           g_ascii_formatd (b[6], sizeof b[6], "%.3f", p99),
           g_ascii_formatd (b[7], sizeof b[7], "%.3f", max),
           g_ascii_formatd (b[8], sizeof b[8], "%.3f", mean),
           g_ascii_formatd (b[9], sizeof b[9], "%.2f", mean_results),
           zero,
           g_ascii_formatd (b[10], sizeof b[10], "%.0f", rss_mb),
           g_ascii_formatd (b[11], sizeof b[11], "%.3f", f->parse_s),
           g_ascii_formatd (b[12], sizeof b[12], "%.3f", percentile (one_word, 50)),
           g_ascii_formatd (b[13], sizeof b[13], "%.3f", percentile (one_word, 99)),
           g_ascii_formatd (b[14], sizeof b[14], "%.3f", percentile (more_words, 50)),
           g_ascii_formatd (b[15], sizeof b[15], "%.3f", percentile (more_words, 99)));
}

/* Reading and parsing alone, as vb_importer_import_file() does before it writes: tells how
 * the import time divides between parsing and storing. */
static gboolean
measure_parse (VbImporter  *importer,
               const char  *path,
               double      *seconds,
               GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) lists = NULL;
  gsize len;
  gint64 start = g_get_monotonic_time ();

  if (!g_file_get_contents (path, &contents, &len, error) ||
      !vb_importer_parse (importer, path, contents, len, &items, &lists, error))
    return FALSE;
  *seconds = seconds_since (start);
  return TRUE;
}

static gboolean
checkpoint (sqlite3  *db,
            GError  **error)
{
  return sql_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time import and search");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(VbSearcher) searcher = NULL;
  Fts5Peer peer = { NULL, NULL };
  Figures f = { 0 };
  gint64 start;

  /* Output is UTF-8 (snippets, queries); g_print converts to the locale's character set. */
  setlocale (LC_ALL, "");
  if (!g_get_charset (NULL))
    setlocale (LC_CTYPE, "C.UTF-8");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Imports a content bundle into a fresh database, then times each query, search and\n"
    "snippets included, and prints p50/p90/p99/max/mean latency. With --plain-fts5 the same\n"
    "is measured for a single plain SQLite FTS5 table (the peer).");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_db == NULL || (opt_queries == NULL && opt_query == NULL))
    {
      g_printerr ("Usage: vb-bench --db FILE [--import BUNDLE] --queries FILE [--plain-fts5]\n");
      return 2;
    }
  opt_repeat = MAX (opt_repeat, 1);

  if (opt_query != NULL)
    {
      queries = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; opt_query[i] != NULL; i++)
        g_ptr_array_add (queries, g_strdup (opt_query[i]));
    }
  else if ((queries = read_queries (opt_queries, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (queries->len == 0)
    {
      g_printerr ("No queries\n");
      return 1;
    }

  f.engine = opt_plain_fts5 ? "sqlite-fts5" : "vraagbaak";
  f.times = g_array_new (FALSE, FALSE, sizeof (gint64));
  f.counts = g_array_new (FALSE, FALSE, sizeof (guint));
  f.queries = queries;

  /* Import */
  if (opt_import != NULL)
    {
      remove_db (opt_db);
      start = g_get_monotonic_time ();
      if (opt_plain_fts5)
        {
          if (!fts5_import (&peer, opt_db, opt_import, &f.items, &error))
            goto fail;
          f.import_s = seconds_since (start);
          start = g_get_monotonic_time ();
          if (!checkpoint (peer.db, &error))
            goto fail;
        }
      else
        {
          g_autoptr(VbImporter) importer = NULL;

          if ((store = vb_store_open (opt_db, &error)) == NULL)
            goto fail;
          importer = vb_importer_new (store);
          if (!measure_parse (importer, opt_import, &f.parse_s, &error))
            goto fail;
          start = g_get_monotonic_time ();
          if (!vb_importer_import_file (importer, opt_import, &error))
            goto fail;
          f.items = vb_importer_get_imported (importer);
          f.import_s = seconds_since (start);
          start = g_get_monotonic_time ();
          if (!vb_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", &error))
            goto fail;
        }
      f.checkpoint_s = seconds_since (start);
    }
  else if (!opt_plain_fts5 && (store = vb_store_open (opt_db, &error)) == NULL)
    goto fail;
  f.db_bytes = db_size (opt_db);

  /* Search */
  if (opt_plain_fts5)
    {
      if (!fts5_open (&peer, opt_db, &error))
        goto fail;
    }
  else if ((searcher = vb_searcher_new (store, &error)) == NULL)
    goto fail;

  for (int i = 0; i < opt_warmup; i++)
    {
      const char *q = g_ptr_array_index (queries, (guint) i % queries->len);
      guint n;
      guint64 bytes = 0;

      if (!(opt_plain_fts5 ? fts5_search (&peer, q, &n, &bytes, FALSE, &error) :
                             engine_search (searcher, q, &n, &bytes, FALSE, &error)))
        goto fail;
    }

  for (int r = 0; r < opt_repeat; r++)
    for (guint i = 0; i < queries->len; i++)
      {
        const char *q = g_ptr_array_index (queries, i);
        guint n = 0;
        gint64 us;
        gboolean ok;

        if (opt_show)
          g_print ("\"%s\"\n", q);
        start = g_get_monotonic_time ();
        ok = opt_plain_fts5 ? fts5_search (&peer, q, &n, &f.snippet_bytes, opt_show, &error) :
                              engine_search (searcher, q, &n, &f.snippet_bytes, opt_show, &error);
        us = g_get_monotonic_time () - start;
        if (!ok)
          goto fail;
        if (opt_show)
          g_print ("  %.3f ms, %u results\n", us / 1000.0, n);
        g_array_append_val (f.times, us);
        g_array_append_val (f.counts, n);
      }

  report (&f);
  sqlite3_finalize (peer.stmt);
  sqlite3_close_v2 (peer.db);
  g_array_unref (f.times);
  g_array_unref (f.counts);
  return 0;

fail:
  g_printerr ("vb-bench: %s\n", error != NULL ? error->message : "failed");
  sqlite3_finalize (peer.stmt);
  sqlite3_close_v2 (peer.db);
  g_array_unref (f.times);
  g_array_unref (f.counts);
  return 1;
}
