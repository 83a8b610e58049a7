/* vb-stats-bench.c: how fast the statistics page's figures are computed on a year of contacts
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "vb-contact-store.h"
#include "vb-stats.h"

static const char *const kcc_outcomes[] = { "zelf", "informatie", NULL };
static const char *const outcomes[] = { "zelf", "informatie", "doorverbonden",
                                        "terugbelverzoek", "afspraak" };
static const char *const channels[] = { "telefoon", "balie", "e-mail", "chat" };
static const char *const sections[] = { "kostenEnBetaalmethoden", "aanvragen", "voorwaarden",
                                        "bijzonderheden", "termijn", "contact" };
static const char *const afdelingen[] = { "burgerzaken", "belastingen", "afval", "parkeren",
                                          "wonen", "werk-en-inkomen", "zorg", "vergunningen" };

static gboolean
run_sql (sqlite3    *db,
         const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_printerr ("vb-stats-bench: %s\n", message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/* Contacts over the year before @now, spread evenly (one every 63 s), with 1 to 3 questions,
 * a callback for terugbelverzoek (90% closed), and @n_searches searches over the same year. */
static gboolean
generate (const char *path,
          guint       n_contacts,
          guint       n_searches,
          gint64      now,
          guint32     seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  sqlite3 *db = NULL;
  sqlite3_stmt *contact = NULL, *question = NULL, *callback = NULL, *search = NULL;
  gint64 year = 365 * 86400;
  gboolean ok;

  ok = sqlite3_open (path, &db) == SQLITE_OK && run_sql (db, "PRAGMA synchronous = OFF") &&
       run_sql (db, "BEGIN");
  ok = ok && sqlite3_prepare_v2 (db, "INSERT INTO contacts (uuid, revision, status, kanaal,"
                                     " agent, started, ended, n_questions, modified)"
                                     " VALUES (?1, 1, 'finished', ?2, 'agent', ?3, ?4, ?5, ?4)",
                                 -1, &contact, NULL) == SQLITE_OK;
  ok = ok && sqlite3_prepare_v2 (db, "INSERT INTO questions (contact, position, item_id,"
                                     " section, subject, outcome, afdeling)"
                                     " VALUES (?1, ?2, ?3, ?4, 'Onderwerp', ?5, ?6)",
                                 -1, &question, NULL) == SQLITE_OK;
  ok = ok && sqlite3_prepare_v2 (db, "INSERT INTO callbacks (uuid, contact, afdeling, status,"
                                     " created) VALUES (?1 || '-cb', ?1, ?2, ?3, ?4)",
                                 -1, &callback, NULL) == SQLITE_OK;
  ok = ok && sqlite3_prepare_v2 (db, "INSERT INTO searches (at, query, n_results, opened_item)"
                                     " VALUES (?1, ?2, ?3, ?4)", -1, &search, NULL) == SQLITE_OK;
  for (guint i = 0; ok && i < n_contacts; i++)
    {
      char uuid[64];
      gint64 started = now - year + (gint64) ((double) i * year / n_contacts) - 60 +
                       g_rand_int_range (rand, 0, 60);
      gint64 ended = started + g_rand_int_range (rand, 30, 900);
      guint n = 1 + (g_rand_double (rand) < 0.3) + (g_rand_double (rand) < 0.1);
      gboolean wants_callback = FALSE;

      g_snprintf (uuid, sizeof uuid, "%08x-0000-4000-8000-%012x", i, g_rand_int (rand));
      sqlite3_bind_text (contact, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (contact, 2, channels[g_rand_int_range (rand, 0, 4)], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (contact, 3, started);
      sqlite3_bind_int64 (contact, 4, ended);
      sqlite3_bind_int (contact, 5, n);
      ok = sqlite3_step (contact) == SQLITE_DONE;
      sqlite3_reset (contact);
      for (guint q = 0; ok && q < n; q++)
        {
          char item[32];
          /* 70% of the questions end with a KCC outcome. */
          double r = g_rand_double (rand);
          const char *outcome = r < 0.5 ? outcomes[0] : r < 0.7 ? outcomes[1]
                                : outcomes[2 + g_rand_int_range (rand, 0, 3)];
          gboolean product = g_rand_double (rand) < 0.3;

          if (g_str_equal (outcome, "terugbelverzoek"))
            wants_callback = TRUE;
          g_snprintf (item, sizeof item, product ? "pdc-%u" : "vac-%u",
                      g_rand_int_range (rand, 0, product ? 500 : 2000));
          sqlite3_bind_text (question, 1, uuid, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (question, 2, q);
          if (g_rand_double (rand) < 0.9)
            sqlite3_bind_text (question, 3, item, -1, SQLITE_TRANSIENT);
          else
            sqlite3_bind_null (question, 3);
          if (product)
            sqlite3_bind_text (question, 4, sections[g_rand_int_range (rand, 0, 6)], -1,
                               SQLITE_STATIC);
          else
            sqlite3_bind_null (question, 4);
          sqlite3_bind_text (question, 5, outcome, -1, SQLITE_STATIC);
          sqlite3_bind_text (question, 6, afdelingen[g_rand_int_range (rand, 0, 8)], -1,
                             SQLITE_STATIC);
          ok = sqlite3_step (question) == SQLITE_DONE;
          sqlite3_reset (question);
        }
      if (ok && wants_callback)
        {
          sqlite3_bind_text (callback, 1, uuid, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (callback, 2, afdelingen[0], -1, SQLITE_STATIC);
          sqlite3_bind_text (callback, 3, g_rand_double (rand) < 0.9 ? "done" : "open", -1,
                             SQLITE_STATIC);
          sqlite3_bind_int64 (callback, 4, ended);
          ok = sqlite3_step (callback) == SQLITE_DONE;
          sqlite3_reset (callback);
        }
    }
  for (guint i = 0; ok && i < n_searches; i++)
    {
      char query[64], item[32];
      /* A skewed vocabulary: a few queries are very frequent. */
      guint word = (guint) (5000 * g_rand_double (rand) * g_rand_double (rand) *
                            g_rand_double (rand));
      guint n_results = g_rand_double (rand) < 0.05 ? 0 : g_rand_int_range (rand, 1, 50);

      g_snprintf (query, sizeof query, "zoekterm %u", word);
      g_snprintf (item, sizeof item, "vac-%u", word % 2000);
      sqlite3_bind_int64 (search, 1, now - year + (gint64) i * (year / n_searches));
      sqlite3_bind_text (search, 2, query, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (search, 3, n_results);
      if (n_results > 0 && g_rand_double (rand) < 0.7)
        sqlite3_bind_text (search, 4, item, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (search, 4);
      ok = sqlite3_step (search) == SQLITE_DONE;
      sqlite3_reset (search);
    }
  if (!ok && db != NULL)
    g_printerr ("vb-stats-bench: %s\n", sqlite3_errmsg (db));
  sqlite3_finalize (contact);
  sqlite3_finalize (question);
  sqlite3_finalize (callback);
  sqlite3_finalize (search);
  ok = ok && run_sql (db, "COMMIT") && run_sql (db, "ANALYZE");
  sqlite3_close (db);
  return ok;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int    argc,
      char **argv)
{
  int n_contacts = 500000, n_searches = 1000000, repeat = 5;
  char *db_path = NULL;
  gboolean keep = FALSE, generated = FALSE;
  GOptionEntry entries[] = {
    { "contacts", 0, 0, G_OPTION_ARG_INT, &n_contacts, "Contacts to generate (500000)", "N" },
    { "searches", 0, 0, G_OPTION_ARG_INT, &n_searches, "Searches to generate (1000000)", "N" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Runs per period (5)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      "Use this contacts database; generate it when it does not exist", "FILE" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the generated database", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— time the statistics");
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContactStore) store = NULL;
  g_autoptr(GTimeZone) tz = vb_contact_dup_time_zone ();
  g_autoptr(GDateTime) now_local = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) week = NULL;
  g_autoptr(GDateTime) month = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GString) json = g_string_new ("{\"benchmark\":\"stats\"");
  gint64 now, started;
  struct { const char *name; gint64 from; } periods[4];

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vb-stats-bench: %s\n", error->message);
      return 1;
    }
  repeat = CLAMP (repeat, 1, 1000);
  now = g_get_real_time () / G_USEC_PER_SEC;
  if (db_path == NULL)
    {
      dir = g_dir_make_tmp ("vb-stats-bench-XXXXXX", &error);
      if (dir == NULL)
        {
          g_printerr ("vb-stats-bench: %s\n", error->message);
          return 1;
        }
      db_path = g_build_filename (dir, "contacts.db", NULL);
    }
  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      /* The store creates the schema (all migrations); the rows are written over SQL. */
      store = vb_contact_store_open (db_path, &error);
      if (store == NULL)
        {
          g_printerr ("vb-stats-bench: %s\n", error->message);
          return 1;
        }
      g_clear_object (&store);
      started = g_get_monotonic_time ();
      if (!generate (db_path, n_contacts, n_searches, now, 42))
        return 1;
      g_print ("generated %d contacts and %d searches in %.1f s\n", n_contacts, n_searches,
               (g_get_monotonic_time () - started) / 1e6);
      g_string_append_printf (json, ",\"contacts\":%d,\"searches\":%d", n_contacts, n_searches);
      generated = TRUE;
    }
  /* Opening an older database migrates it, which builds the statistics aggregates. */
  started = g_get_monotonic_time ();
  store = vb_contact_store_open (db_path, &error);
  if (store == NULL)
    {
      g_printerr ("vb-stats-bench: %s\n", error->message);
      return 1;
    }
  g_print ("opened in %.1f s\n", (g_get_monotonic_time () - started) / 1e6);
  /* The rows were written over SQL, past the aggregates the store keeps: build them. */
  if (generated)
    {
      started = g_get_monotonic_time ();
      if (!vb_contact_store_rebuild_stats (store, &error))
        {
          g_printerr ("vb-stats-bench: %s\n", error->message);
          return 1;
        }
      g_print ("built the statistics aggregates in %.1f s\n",
               (g_get_monotonic_time () - started) / 1e6);
    }

  now_local = g_date_time_new_now (tz);
  today = g_date_time_new (tz, g_date_time_get_year (now_local),
                           g_date_time_get_month (now_local),
                           g_date_time_get_day_of_month (now_local), 0, 0, 0);
  week = g_date_time_add_days (today, 1 - g_date_time_get_day_of_week (today));
  month = g_date_time_new (tz, g_date_time_get_year (now_local),
                           g_date_time_get_month (now_local), 1, 0, 0, 0);
  periods[0].name = "today";
  periods[0].from = g_date_time_to_unix (today);
  periods[1].name = "week";
  periods[1].from = g_date_time_to_unix (week);
  periods[2].name = "month";
  periods[2].from = g_date_time_to_unix (month);
  periods[3].name = "year";
  periods[3].from = now - 365 * 86400;

  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    {
      g_autofree double *ms = g_new0 (double, repeat);
      gint64 contacts = 0;

      for (int r = 0; r < repeat; r++)
        {
          g_autoptr(JsonObject) stats = NULL;

          started = g_get_monotonic_time ();
          stats = vb_stats_compute (store, kcc_outcomes, periods[p].from, now + 1, &error);
          ms[r] = (g_get_monotonic_time () - started) / 1000.0;
          if (stats == NULL)
            {
              g_printerr ("vb-stats-bench: %s\n", error->message);
              return 1;
            }
          contacts = json_object_get_int_member (stats, "contacts");
        }
      qsort (ms, repeat, sizeof (double), (GCompareFunc) compare_double);
      g_print ("%-6s %7" G_GINT64_FORMAT " contacts  median %7.1f ms  max %7.1f ms\n",
               periods[p].name, contacts, ms[repeat / 2], ms[repeat - 1]);
      g_string_append_printf (json, ",\"%s\":{\"contacts\":%" G_GINT64_FORMAT
                              ",\"median_ms\":%.1f,\"max_ms\":%.1f}", periods[p].name, contacts,
                              ms[repeat / 2], ms[repeat - 1]);
    }
  g_string_append (json, "}");
  g_print ("%s\n", json->str);

  g_clear_object (&store);
  if (dir != NULL && !keep)
    {
      g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

      g_unlink (db_path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  else if (dir != NULL)
    g_print ("kept %s\n", db_path);
  g_free (db_path);
  return 0;
}
