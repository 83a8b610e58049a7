/* vb-sync-bench.c: the client's sync over loopback: initial sync, peak memory, increments
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 *
 *   vb-sync-bench --corpus bench/out/corpus-N-sS.json [--db FILE] [--changes 100]
 *
 * Starts itself as the server (--serve CORPUS: tests/vb-fake-server.c fed with one put per
 * item of the bundle, in another process so that its memory is not counted), syncs a new
 * database from 0 (including indexing), reports the time and the peak RSS of this process,
 * then has the server change --changes items and times the incremental sync. Prints figures;
 * never a test.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vb-fake-server.h"
#include "vb-store.h"
#include "vb-sync.h"

/* ---- the server process ---- */

typedef struct
{
  GPtrArray *items;   /* char *: item JSON texts */
  GPtrArray *ids;
  GPtrArray *types;
} Corpus;

/* Splits the bundle's "items" array into the texts of its objects without building a tree
 * of the whole file (100,000 items are 106 MB). */
static gboolean
load_corpus (const char  *path,
             Corpus      *corpus,
             GError     **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  const char *data, *end, *p;
  int depth = 0;
  const char *start = NULL;
  gboolean in_string = FALSE;

  if (file == NULL)
    return FALSE;
  data = g_mapped_file_get_contents (file);
  end = data + g_mapped_file_get_length (file);
  p = g_strstr_len (data, MIN (end - data, 4096), "\"items\"");
  if (p == NULL || (p = memchr (p, '[', end - p)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no \"items\" list", path);
      return FALSE;
    }
  for (p++; p < end; p++)
    {
      char c = *p;

      if (in_string)
        {
          if (c == '\\')
            p++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{')
        {
          if (depth++ == 0)
            start = p;
        }
      else if (c == '}')
        {
          if (--depth == 0)
            {
              g_autoptr(JsonParser) parser = json_parser_new_immutable ();
              char *text = g_strndup (start, p + 1 - start);
              JsonObject *obj;

              if (!json_parser_load_from_data (parser, text, -1, error))
                {
                  g_free (text);
                  return FALSE;
                }
              obj = json_node_get_object (json_parser_get_root (parser));
              g_ptr_array_add (corpus->items, text);
              g_ptr_array_add (corpus->ids,
                               g_strdup (json_object_get_string_member (obj, "id")));
              g_ptr_array_add (corpus->types,
                               g_strdup (json_object_get_string_member (obj, "type")));
            }
        }
      else if (c == ']' && depth == 0)
        break;
    }
  return TRUE;
}

/* An edit of item @i: its question or title starts with "Gewijzigd: ". */
static char *
edit_item (const char *text)
{
  const char *at = strstr (text, "\"vraag\":\"");
  gsize skip = 9;

  if (at == NULL)
    at = strstr (text, "\"titel\":\""), skip = 9;
  if (at == NULL)
    return g_strdup (text);
  return g_strdup_printf ("%.*sGewijzigd: %s", (int) (at + skip - text), text, at + skip);
}

static int
serve (const char *path)
{
  Corpus corpus = { g_ptr_array_new_with_free_func (g_free),
                    g_ptr_array_new_with_free_func (g_free),
                    g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GError) error = NULL;
  VbFakeServer *server;
  char line[256];
  guint next_edit = 0;

  if (!load_corpus (path, &corpus, &error))
    {
      g_printerr ("vb-sync-bench: %s\n", error->message);
      return 1;
    }
  server = vb_fake_server_new ();
  for (guint i = 0; i < corpus.items->len; i++)
    vb_fake_server_put_item (server, corpus.types->pdata[i], corpus.ids->pdata[i],
                             corpus.items->pdata[i]);
  printf ("%s %u\n", vb_fake_server_get_url (server), corpus.items->len);
  fflush (stdout);

  /* "change N": N items edited; the answer "ok" once they are in the log. EOF: exit. */
  while (fgets (line, sizeof line, stdin) != NULL)
    {
      guint n = 0;

      if (sscanf (line, "change %u", &n) == 1)
        for (guint k = 0; k < n; k++, next_edit = (next_edit + 1) % corpus.items->len)
          {
            g_autofree char *edited = edit_item (corpus.items->pdata[next_edit]);

            vb_fake_server_put_item (server, corpus.types->pdata[next_edit],
                                     corpus.ids->pdata[next_edit], edited);
          }
      printf ("ok\n");
      fflush (stdout);
    }
  vb_fake_server_free (server);
  g_ptr_array_unref (corpus.items);
  g_ptr_array_unref (corpus.ids);
  g_ptr_array_unref (corpus.types);
  return 0;
}

/* ---- the client ---- */

typedef struct
{
  gboolean    done;
  gboolean    ok;
  GError     *error;
  VbSyncStats stats;
} Run;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->ok = vb_sync_run_once_finish (VB_SYNC (source), result, &run->stats, &run->error);
  run->done = TRUE;
}

/* One pass; its wall time in seconds. */
static double
timed_sync (VbSync      *sync,
            VbSyncStats *stats)
{
  Run run = { 0 };
  gint64 start = g_get_monotonic_time ();

  vb_sync_run_once_async (sync, NULL, on_done, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  if (!run.ok)
    g_error ("vb-sync-bench: the sync failed: %s", run.error->message);
  *stats = run.stats;
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* User and system CPU seconds of this process (not the server's): less sensitive to a loaded
 * machine than the wall time. */
static double
cpu_seconds (double *system)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  *system = usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6;
}

static double
peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

  if (line == NULL)
    g_error ("vb-sync-bench: the server process did not answer: %s",
             error != NULL ? error->message : "end of file");
  return line;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *corpus = NULL;
  g_autofree char *serve_path = NULL;
  g_autofree char *db = NULL;
  int changes = 100;
  int cache_mb = 0;
  GOptionEntry entries[] = {
    { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus, "Bundle to serve (bench/generate.py)", "F" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Client database (default: a new temporary one)",
      "F" },
    { "changes", 0, 0, G_OPTION_ARG_INT, &changes, "Items changed for the incremental sync", "N" },
    { "cache-mb", 0, 0, G_OPTION_ARG_INT, &cache_mb,
      "SQLite page cache of the writer connection (an experiment; default the store's)", "MB" },
    { "serve", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &serve_path, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— sync benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) from_server = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(VbSync) sync = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) words = NULL;
  GOutputStream *to_server;
  VbSyncStats stats;
  double seconds, rss_before;
  guint n_items;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vb-sync-bench: %s\n", error->message);
      return 1;
    }
  if (serve_path != NULL)
    return serve (serve_path);
  if (corpus == NULL)
    {
      g_printerr ("vb-sync-bench: --corpus FILE is required (bench/generate.py makes one)\n");
      return 1;
    }

  {
    const char *server_argv[] = { argv[0], "--serve", corpus, NULL };

    server = g_subprocess_newv (server_argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    if (server == NULL)
      g_error ("vb-sync-bench: %s", error->message);
  }
  from_server = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  to_server = g_subprocess_get_stdin_pipe (server);
  line = read_line (from_server);
  words = g_strsplit (line, " ", 2);
  n_items = atoi (words[1]);

  if (db == NULL)
    {
      tmpdir = g_dir_make_tmp ("vb-sync-bench-XXXXXX", &error);
      g_assert_no_error (error);
      db = g_build_filename (tmpdir, "content.db", NULL);
    }
  store = vb_store_open (db, &error);
  if (store == NULL)
    g_error ("vb-sync-bench: %s", error->message);
  if (cache_mb > 0)
    {
      g_autofree char *pragma = g_strdup_printf ("PRAGMA cache_size = -%d", cache_mb * 1024);

      if (!vb_store_exec (store, pragma, &error))
        g_error ("vb-sync-bench: %s", error->message);
    }
  sync = vb_sync_new (store, NULL);
  vb_sync_set_server_url (sync, words[0]);
  vb_sync_set_long_poll (sync, FALSE);
  vb_sync_set_timeout (sync, 120);

  rss_before = peak_rss_mb ();
  seconds = timed_sync (sync, &stats);
  g_print ("initial sync: %u items in %.2f s (%.0f items/s), %" G_GUINT64_FORMAT " pages, "
           "%" G_GINT64_FORMAT " items stored\n", n_items, seconds, n_items / seconds,
           stats.pages, vb_store_count_items (store, -1));
  {
    double sys, user = cpu_seconds (&sys);

    g_print ("CPU of the client: %.2f s user, %.2f s system (both threads)\n", user, sys);
  }
  g_print ("peak RSS: %.1f MB (%.1f MB before the sync)\n", peak_rss_mb (), rss_before);

  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *command = g_strdup_printf ("change %d\n", changes);
      g_autofree char *ok = NULL;

      g_output_stream_write_all (to_server, command, strlen (command), NULL, NULL, &error);
      g_assert_no_error (error);
      ok = read_line (from_server);
      seconds = timed_sync (sync, &stats);
      g_print ("incremental sync of %d changes: %.0f ms (%" G_GUINT64_FORMAT " applied)\n",
               changes, seconds * 1000, stats.items_applied);
    }
  g_print ("peak RSS at the end: %.1f MB\n", peak_rss_mb ());

  g_output_stream_close (to_server, NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&sync);
  g_clear_object (&store);
  if (tmpdir != NULL)
    {
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);

      g_unlink (db);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (tmpdir);
    }
  return 0;
}
