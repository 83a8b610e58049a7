/* vb-stats.c: statistics of the contact log for a period (docs/statistics.md)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "vb-stats.h"

/* The figures of one scan of the contacts (and their questions) in a range. */
typedef struct
{
  gint64      from;
  gint64      to;
  gint64      part_from;       /* the part of [from, to) this scan reads */
  gint64      part_to;
  gboolean    full;            /* FALSE: only the counts the comparison needs */
  GHashTable *kcc;             /* outcome code -> itself (borrowed) */
  GTimeZone  *tz;              /* borrowed */

  guint64     n_contacts;
  guint64     n_kcc_contacts;
  guint64     n_questions;
  guint64     n_kcc_questions;
  GArray     *durations;       /* gint64 */
  GArray     *day_starts;      /* gint64, local midnights; one more than days */
  guint      *day_contacts;
  guint      *day_kcc;
  guint64     per_hour[24];
  GHashTable *channels;        /* kanaal -> count (guint64 *) */
  GHashTable *answers;         /* "item\x1fsection" -> count */
  GHashTable *afdelingen;      /* afdeling ("" for none) -> GHashTable outcome -> count */
  guint64     callbacks_open;
  guint64     callbacks_overdue;
  gint64      now;
  GError     *error;
} Scan;

/* The figures of the search log in a range. */
/* At most this many threads read the contacts of one period. */
#define VB_STATS_MAX_PARTS 8

typedef struct
{
  const char *path;
  gint64      from;
  gint64      to;
  GHashTable *queries;         /* query -> count */
  GHashTable *gaps;            /* query -> guint64[3]: count, no results, nothing opened */
  GError     *error;
} SearchScan;

static sqlite3 *
open_reader (const char  *path,
             GError     **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN,
                   "Cannot read the contact log: %s",
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  /* A year of contacts is read at once: map the file and keep its pages. */
  sqlite3_exec (db, "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536",
                NULL, NULL, NULL);
  return db;
}

static sqlite3_stmt *
prepare (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN,
                   "Cannot read the contact log: %s", sqlite3_errmsg (db));
      return NULL;
    }
  return stmt;
}

static gboolean
step_error (sqlite3  *db,
            int       rc,
            GError  **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN,
               "Cannot read the contact log: %s", sqlite3_errmsg (db));
  return FALSE;
}

static void
count_in (GHashTable *table,
          const char *key)
{
  guint64 *count = g_hash_table_lookup (table, key);

  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (table, g_strdup (key), count);
    }
  (*count)++;
}

/* Local midnights from the day @from falls on to the first one at or after @to. */
static GArray *
local_day_starts (GTimeZone *tz,
                  gint64     from,
                  gint64     to)
{
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (from);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDateTime) day = g_date_time_new (tz, g_date_time_get_year (local),
                                              g_date_time_get_month (local),
                                              g_date_time_get_day_of_month (local), 0, 0, 0);

  for (;;)
    {
      gint64 t = g_date_time_to_unix (day);
      GDateTime *next;

      g_array_append_val (starts, t);
      if (t >= to)
        break;
      next = g_date_time_add_days (day, 1);
      g_date_time_unref (day);
      /* add_days keeps the wall-clock time (midnight) across a DST change. */
      day = next;
    }
  return starts;
}

static guint
day_index (GArray *starts,
           gint64  t)
{
  guint lo = 0, hi = starts->len - 1;

  /* The last start <= t. */
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (starts, gint64, mid) <= t)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static void
scan_clear (Scan *scan)
{
  g_clear_pointer (&scan->durations, g_array_unref);
  g_clear_pointer (&scan->day_starts, g_array_unref);
  g_clear_pointer (&scan->day_contacts, g_free);
  g_clear_pointer (&scan->day_kcc, g_free);
  g_clear_pointer (&scan->channels, g_hash_table_unref);
  g_clear_pointer (&scan->answers, g_hash_table_unref);
  g_clear_pointer (&scan->afdelingen, g_hash_table_unref);
  g_clear_error (&scan->error);
}

static void
end_contact (Scan     *scan,
             gint64    started,
             gint64    ended,
             guint     n_questions,
             gboolean  all_kcc)
{
  gboolean kcc = n_questions > 0 && all_kcc;

  scan->n_contacts++;
  if (kcc)
    scan->n_kcc_contacts++;
  if (scan->full)
    {
      gint64 duration = MAX (ended - started, 0);
      guint day = day_index (scan->day_starts, started);
      gint64 day_start = g_array_index (scan->day_starts, gint64, day);
      guint hour;

      g_array_append_val (scan->durations, duration);
      scan->day_contacts[day]++;
      if (kcc)
        scan->day_kcc[day]++;
      /* On a day of 24 hours the hour is the time since midnight; on a DST day (23 or 25
       * hours) it is the local wall-clock hour. */
      if (day + 1 < scan->day_starts->len &&
          g_array_index (scan->day_starts, gint64, day + 1) - day_start == 86400 &&
          started >= day_start)
        hour = (started - day_start) / 3600;
      else
        {
          int interval = g_time_zone_find_interval (scan->tz, G_TIME_TYPE_UNIVERSAL, started);
          gint64 local = started + g_time_zone_get_offset (scan->tz, interval);

          hour = ((local % 86400) + 86400) % 86400 / 3600;
        }
      scan->per_hour[MIN (hour, 23)]++;
    }
}

/* One pass over the finished contacts that started in the range, with their questions. The
 * questions of a contact come together (the join's inner loop is the questions' primary key). */
static gboolean
scan_contacts (Scan       *scan,
               sqlite3    *db)
{
  sqlite3_stmt *stmt;
  char current[64] = "";
  gboolean have = FALSE, all_kcc = TRUE;
  gint64 started = 0, ended = 0;
  guint n_questions = 0;
  int rc;

  stmt = prepare (db, scan->full
                        ? "SELECT c.uuid, c.started, c.ended, c.kanaal, q.item_id, q.section,"
                          " q.outcome, q.afdeling FROM contacts AS c LEFT JOIN questions AS q"
                          " ON q.contact = c.uuid WHERE c.started >= ?1 AND c.started < ?2"
                          " AND c.status = 'finished'"
                        : "SELECT c.uuid, c.started, c.ended, NULL, NULL, NULL, q.outcome, NULL"
                          " FROM contacts AS c LEFT JOIN questions AS q ON q.contact = c.uuid"
                          " WHERE c.started >= ?1 AND c.started < ?2 AND c.status = 'finished'",
                  &scan->error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, scan->part_from);
  sqlite3_bind_int64 (stmt, 2, scan->part_to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (stmt, 0);
      const char *outcome = (const char *) sqlite3_column_text (stmt, 6);

      if (uuid == NULL)
        continue;
      if (!have || strcmp (uuid, current) != 0)
        {
          if (have)
            end_contact (scan, started, ended, n_questions, all_kcc);
          have = TRUE;
          g_strlcpy (current, uuid, sizeof current);
          started = sqlite3_column_int64 (stmt, 1);
          ended = sqlite3_column_int64 (stmt, 2);
          n_questions = 0;
          all_kcc = TRUE;
          if (scan->full)
            {
              const char *kanaal = (const char *) sqlite3_column_text (stmt, 3);

              count_in (scan->channels, kanaal != NULL ? kanaal : "");
            }
        }
      if (outcome == NULL)
        continue;   /* a contact without questions (the LEFT JOIN's NULL row) */
      n_questions++;
      scan->n_questions++;
      if (g_hash_table_contains (scan->kcc, outcome))
        scan->n_kcc_questions++;
      else
        all_kcc = FALSE;
      if (scan->full)
        {
          const char *item = (const char *) sqlite3_column_text (stmt, 4);
          const char *section = (const char *) sqlite3_column_text (stmt, 5);
          const char *afdeling = (const char *) sqlite3_column_text (stmt, 7);
          GHashTable *outcomes;

          if (item != NULL && *item != '\0')
            {
              char key[512];

              g_snprintf (key, sizeof key, "%s\x1f%s", item, section != NULL ? section : "");
              count_in (scan->answers, key);
            }
          if (afdeling == NULL)
            afdeling = "";
          outcomes = g_hash_table_lookup (scan->afdelingen, afdeling);
          if (outcomes == NULL)
            {
              outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
              g_hash_table_insert (scan->afdelingen, g_strdup (afdeling), outcomes);
            }
          count_in (outcomes, outcome);
        }
    }
  if (have)
    end_contact (scan, started, ended, n_questions, all_kcc);
  sqlite3_finalize (stmt);
  if (!step_error (db, rc, &scan->error))
    return FALSE;

  if (!scan->full)
    return TRUE;

  /* Callbacks of the period's contacts that are still open. */
  stmt = prepare (db, "SELECT b.created FROM callbacks AS b JOIN contacts AS c"
                      " ON c.uuid = b.contact WHERE b.status = 'open' AND c.status = 'finished'"
                      " AND c.started >= ?1 AND c.started < ?2", &scan->error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, scan->part_from);
  sqlite3_bind_int64 (stmt, 2, scan->part_to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      scan->callbacks_open++;
      if (scan->now - sqlite3_column_int64 (stmt, 0) > VB_STATS_CALLBACK_OVERDUE_S)
        scan->callbacks_overdue++;
    }
  sqlite3_finalize (stmt);
  return step_error (db, rc, &scan->error);
}

static void
scan_init (Scan       *scan,
           GHashTable *kcc,
           GTimeZone  *tz,
           gint64      from,
           gint64      to,
           gboolean    full)
{
  memset (scan, 0, sizeof *scan);
  scan->kcc = kcc;
  scan->tz = tz;
  scan->from = from;
  scan->to = to;
  scan->part_from = from;
  scan->part_to = to;
  scan->full = full;
  scan->now = g_get_real_time () / G_USEC_PER_SEC;
  if (full)
    {
      scan->durations = g_array_new (FALSE, FALSE, sizeof (gint64));
      scan->day_starts = local_day_starts (tz, from, to);
      scan->day_contacts = g_new0 (guint, scan->day_starts->len);
      scan->day_kcc = g_new0 (guint, scan->day_starts->len);
      scan->channels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      scan->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      scan->afdelingen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
    }
}

static gboolean
scan_run (Scan       *scan,
          const char *path)
{
  sqlite3 *db = open_reader (path, &scan->error);
  gboolean ok;

  if (db == NULL)
    return FALSE;
  /* One read transaction: the figures of one snapshot. */
  ok = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK && scan_contacts (scan, db);
  if (!ok && scan->error == NULL)
    g_set_error (&scan->error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN,
                 "Cannot read the contact log: %s", sqlite3_errmsg (db));
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return ok;
}

static void
merge_counts (GHashTable *into,
              GHashTable *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 *count = g_hash_table_lookup (into, key);

      if (count == NULL)
        {
          count = g_new0 (guint64, 1);
          g_hash_table_insert (into, g_strdup (key), count);
        }
      *count += *(guint64 *) value;
    }
}

/* Adds the figures of @part (a full scan of another part of the same period) to @scan. */
static void
scan_merge (Scan *scan,
            Scan *part)
{
  GHashTableIter iter;
  gpointer key, value;

  scan->n_contacts += part->n_contacts;
  scan->n_kcc_contacts += part->n_kcc_contacts;
  scan->n_questions += part->n_questions;
  scan->n_kcc_questions += part->n_kcc_questions;
  scan->callbacks_open += part->callbacks_open;
  scan->callbacks_overdue += part->callbacks_overdue;
  g_array_append_vals (scan->durations, part->durations->data, part->durations->len);
  for (guint i = 0; i < scan->day_starts->len; i++)
    {
      scan->day_contacts[i] += part->day_contacts[i];
      scan->day_kcc[i] += part->day_kcc[i];
    }
  for (guint h = 0; h < 24; h++)
    scan->per_hour[h] += part->per_hour[h];
  merge_counts (scan->channels, part->channels);
  merge_counts (scan->answers, part->answers);
  g_hash_table_iter_init (&iter, part->afdelingen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GHashTable *outcomes = g_hash_table_lookup (scan->afdelingen, key);

      if (outcomes == NULL)
        {
          outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_insert (scan->afdelingen, g_strdup (key), outcomes);
        }
      merge_counts (outcomes, value);
    }
}

typedef struct
{
  Scan       *scan;
  const char *path;
} PreviousJob;

static gpointer
previous_thread (gpointer data)
{
  PreviousJob *job = data;

  scan_run (job->scan, job->path);
  return NULL;
}

static gpointer
search_thread (gpointer data)
{
  SearchScan *s = data;
  sqlite3 *db = open_reader (s->path, &s->error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = prepare (db, "SELECT query, n_results, opened_item IS NULL FROM searches"
                      " WHERE at >= ?1 AND at < ?2", &s->error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, s->from);
      sqlite3_bind_int64 (stmt, 2, s->to);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *query = (const char *) sqlite3_column_text (stmt, 0);
          gboolean no_results = sqlite3_column_int64 (stmt, 1) == 0;
          gboolean nothing_opened = sqlite3_column_int (stmt, 2) != 0;

          if (query == NULL)
            continue;
          count_in (s->queries, query);
          if (no_results || nothing_opened)
            {
              guint64 *gap = g_hash_table_lookup (s->gaps, query);

              if (gap == NULL)
                {
                  gap = g_new0 (guint64, 3);
                  g_hash_table_insert (s->gaps, g_strdup (query), gap);
                }
              gap[0]++;
              gap[1] += no_results;
              gap[2] += nothing_opened;
            }
        }
      sqlite3_finalize (stmt);
      step_error (db, rc, &s->error);
    }
  sqlite3_close (db);
  return NULL;
}

/* ---- the JSON ---- */

typedef struct
{
  const char *key;
  guint64     count;
} Counted;

static int
compare_counted (gconstpointer a,
                 gconstpointer b)
{
  const Counted *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->key, y->key);
}

/* The entries of @table (key -> count), most first, ties by key. */
static GArray *
sorted_counts (GHashTable *table)
{
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (Counted), g_hash_table_size (table));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Counted c = { key, *(guint64 *) value };

      g_array_append_val (out, c);
    }
  g_array_sort (out, compare_counted);
  return out;
}

static JsonNode *
share_node (guint64 part,
            guint64 whole)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (whole == 0)
    {
      json_node_free (node);
      return json_node_new (JSON_NODE_NULL);
    }
  json_node_set_double (node, (double) part / (double) whole);
  return node;
}

static char *
format_local (GTimeZone *tz,
              gint64     t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
set_period (JsonObject *obj,
            GTimeZone  *tz,
            gint64      from,
            gint64      to)
{
  g_autofree char *from_text = format_local (tz, from);
  g_autofree char *to_text = format_local (tz, to);

  json_object_set_string_member (obj, "from", from_text);
  json_object_set_string_member (obj, "to", to_text);
}

static JsonObject *
build_json (Scan       *scan,
            Scan       *previous,
            SearchScan *searches,
            GTimeZone  *tz)
{
  JsonObject *obj = json_object_new ();
  JsonObject *prev = json_object_new ();
  JsonArray *array;
  g_autoptr(GArray) sorted = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint n_days = scan->day_starts->len - 1;

  json_object_set_int_member (obj, "schema", VB_STATS_SCHEMA_VERSION);
  json_object_set_string_member (obj, "time_zone", "Europe/Amsterdam");
  json_object_set_int_member (obj, "from_unix", scan->from);
  json_object_set_int_member (obj, "to_unix", scan->to);
  set_period (obj, tz, scan->from, scan->to);

  json_object_set_int_member (obj, "contacts", scan->n_contacts);
  json_object_set_int_member (obj, "contacts_kcc", scan->n_kcc_contacts);
  json_object_set_member (obj, "kcc_share", share_node (scan->n_kcc_contacts, scan->n_contacts));
  json_object_set_int_member (obj, "questions", scan->n_questions);
  json_object_set_int_member (obj, "questions_kcc", scan->n_kcc_questions);
  json_object_set_member (obj, "kcc_share_questions",
                          share_node (scan->n_kcc_questions, scan->n_questions));

  /* Handling time: ended - started, seconds. */
  if (scan->durations->len == 0)
    {
      json_object_set_null_member (obj, "handling_time_avg_s");
      json_object_set_null_member (obj, "handling_time_median_s");
    }
  else
    {
      GArray *d = scan->durations;
      double sum = 0, median;

      for (guint i = 0; i < d->len; i++)
        sum += g_array_index (d, gint64, i);
      g_array_sort (d, compare_gint64);
      if (d->len % 2 == 1)
        median = g_array_index (d, gint64, d->len / 2);
      else
        median = (g_array_index (d, gint64, d->len / 2 - 1) +
                  g_array_index (d, gint64, d->len / 2)) / 2.0;
      json_object_set_double_member (obj, "handling_time_avg_s", sum / d->len);
      json_object_set_double_member (obj, "handling_time_median_s", median);
    }
  json_object_set_int_member (obj, "callbacks_open", scan->callbacks_open);
  json_object_set_int_member (obj, "callbacks_overdue", scan->callbacks_overdue);

  /* Per local day, also the days without contacts. */
  array = json_array_new ();
  for (guint i = 0; i < n_days; i++)
    {
      JsonObject *o = json_object_new ();
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (g_array_index (scan->day_starts,
                                                                               gint64, i));
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
      g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");

      json_object_set_string_member (o, "date", date);
      json_object_set_int_member (o, "hours",
                                  (g_array_index (scan->day_starts, gint64, i + 1) -
                                   g_array_index (scan->day_starts, gint64, i)) / 3600);
      json_object_set_int_member (o, "contacts", scan->day_contacts[i]);
      json_object_set_int_member (o, "contacts_kcc", scan->day_kcc[i]);
      json_object_set_member (o, "kcc_share", share_node (scan->day_kcc[i],
                                                          scan->day_contacts[i]));
      json_array_add_object_element (array, o);
    }
  json_object_set_array_member (obj, "per_day", array);

  array = json_array_new ();
  for (guint h = 0; h < 24; h++)
    json_array_add_int_element (array, scan->per_hour[h]);
  json_object_set_array_member (obj, "per_hour", array);

  array = json_array_new ();
  sorted = sorted_counts (scan->channels);
  for (guint i = 0; i < sorted->len; i++)
    {
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "kanaal", g_array_index (sorted, Counted, i).key);
      json_object_set_int_member (o, "contacts", g_array_index (sorted, Counted, i).count);
      json_array_add_object_element (array, o);
    }
  json_object_set_array_member (obj, "per_channel", array);
  g_clear_pointer (&sorted, g_array_unref);

  array = json_array_new ();
  sorted = sorted_counts (scan->answers);
  for (guint i = 0; i < sorted->len; i++)
    {
      JsonObject *o = json_object_new ();
      const char *k = g_array_index (sorted, Counted, i).key;
      const char *sep = strchr (k, '\x1f');
      g_autofree char *item = g_strndup (k, sep - k);

      json_object_set_string_member (o, "item", item);
      if (sep[1] != '\0')
        json_object_set_string_member (o, "section", sep + 1);
      else
        json_object_set_null_member (o, "section");
      json_object_set_int_member (o, "count", g_array_index (sorted, Counted, i).count);
      json_array_add_object_element (array, o);
    }
  json_object_set_array_member (obj, "answers", array);
  g_clear_pointer (&sorted, g_array_unref);

  array = json_array_new ();
  sorted = sorted_counts (searches->queries);
  for (guint i = 0; i < MIN (sorted->len, VB_STATS_TOP_SEARCHES); i++)
    {
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "query", g_array_index (sorted, Counted, i).key);
      json_object_set_int_member (o, "count", g_array_index (sorted, Counted, i).count);
      json_array_add_object_element (array, o);
    }
  json_object_set_array_member (obj, "searches", array);
  g_clear_pointer (&sorted, g_array_unref);
  {
    guint64 total = 0;

    g_hash_table_iter_init (&iter, searches->queries);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      total += *(guint64 *) value;
    json_object_set_int_member (obj, "searches_total", total);
  }

  /* Content gaps, most frequent first. */
  {
    GArray *gaps = g_array_new (FALSE, FALSE, sizeof (Counted));

    g_hash_table_iter_init (&iter, searches->gaps);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        Counted c = { key, ((guint64 *) value)[0] };

        g_array_append_val (gaps, c);
      }
    g_array_sort (gaps, compare_counted);
    array = json_array_new ();
    for (guint i = 0; i < MIN (gaps->len, VB_STATS_TOP_SEARCHES); i++)
      {
        JsonObject *o = json_object_new ();
        const char *q = g_array_index (gaps, Counted, i).key;
        guint64 *gap = g_hash_table_lookup (searches->gaps, q);

        json_object_set_string_member (o, "query", q);
        json_object_set_int_member (o, "count", gap[0]);
        json_object_set_int_member (o, "no_results", gap[1]);
        json_object_set_int_member (o, "nothing_opened", gap[2]);
        json_array_add_object_element (array, o);
      }
    json_object_set_array_member (obj, "content_gaps", array);
    g_array_unref (gaps);
  }

  /* Outcomes per afdeling, afdelingen sorted by name (none last). */
  {
    g_autoptr(GList) names = g_hash_table_get_keys (scan->afdelingen);

    names = g_list_sort (names, (GCompareFunc) strcmp);
    if (names != NULL && *(const char *) names->data == '\0')
      {
        GList *none = names;

        names = g_list_remove_link (names, none);
        names = g_list_concat (names, none);
      }
    array = json_array_new ();
    for (GList *l = names; l != NULL; l = l->next)
      {
        JsonObject *o = json_object_new ();
        JsonObject *outcomes = json_object_new ();
        g_autoptr(GArray) counts = sorted_counts (g_hash_table_lookup (scan->afdelingen,
                                                                       l->data));

        if (*(const char *) l->data != '\0')
          json_object_set_string_member (o, "afdeling", l->data);
        else
          json_object_set_null_member (o, "afdeling");
        for (guint i = 0; i < counts->len; i++)
          json_object_set_int_member (outcomes, g_array_index (counts, Counted, i).key,
                                      g_array_index (counts, Counted, i).count);
        json_object_set_object_member (o, "outcomes", outcomes);
        json_array_add_object_element (array, o);
      }
    json_object_set_array_member (obj, "outcomes_per_afdeling", array);
  }

  /* The previous period of the same length. */
  set_period (prev, tz, previous->from, previous->to);
  json_object_set_int_member (prev, "contacts", previous->n_contacts);
  json_object_set_int_member (prev, "contacts_kcc", previous->n_kcc_contacts);
  json_object_set_member (prev, "kcc_share",
                          share_node (previous->n_kcc_contacts, previous->n_contacts));
  json_object_set_int_member (prev, "questions", previous->n_questions);
  json_object_set_member (prev, "kcc_share_questions",
                          share_node (previous->n_kcc_questions, previous->n_questions));
  json_object_set_object_member (obj, "previous", prev);
  return obj;
}

JsonObject *
vb_stats_compute (VbContactStore      *contacts,
                  const char *const   *kcc_outcomes,
                  gint64               from,
                  gint64               to,
                  GError             **error)
{
  g_autoptr(GHashTable) kcc = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GTimeZone) tz = vb_contact_dup_time_zone ();
  const char *path;
  Scan scan, previous;
  Scan parts[VB_STATS_MAX_PARTS - 1];
  PreviousJob part_jobs[VB_STATS_MAX_PARTS - 1];
  GThread *part_workers[VB_STATS_MAX_PARTS - 1];
  guint n_parts;
  SearchScan searches = { 0 };
  PreviousJob job;
  GThread *search_worker, *previous_worker;
  JsonObject *result = NULL;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (contacts), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (to < from)
    to = from;
  path = vb_contact_store_get_path (contacts);
  for (guint i = 0; kcc_outcomes != NULL && kcc_outcomes[i] != NULL; i++)
    g_hash_table_add (kcc, (gpointer) kcc_outcomes[i]);

  scan_init (&scan, kcc, tz, from, to, TRUE);
  scan_init (&previous, kcc, tz, from - (to - from), from, FALSE);
  searches.path = path;
  searches.from = from;
  searches.to = to;
  searches.queries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  searches.gaps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* The search log and the previous period are read at the same time, each over its own
   * read-only connection. */
  job.scan = &previous;
  job.path = path;
  search_worker = g_thread_new ("vb-stats-searches", search_thread, &searches);
  previous_worker = g_thread_new ("vb-stats-previous", previous_thread, &job);

  /* A long period is read in parts of equal length, one thread (and connection) each. */
  n_parts = to - from > 7 * 86400 ? CLAMP (g_get_num_processors (), 1, VB_STATS_MAX_PARTS) : 1;
  for (guint i = 1; i < n_parts; i++)
    {
      Scan *part = &parts[i - 1];

      scan_init (part, kcc, tz, from, to, TRUE);
      part->part_from = from + (to - from) * i / n_parts;
      part->part_to = i + 1 == n_parts ? to : from + (to - from) * (i + 1) / n_parts;
      part_jobs[i - 1].scan = part;
      part_jobs[i - 1].path = path;
      part_workers[i - 1] = g_thread_new ("vb-stats-part", previous_thread, &part_jobs[i - 1]);
    }
  scan.part_to = n_parts > 1 ? from + (to - from) / n_parts : to;
  scan_run (&scan, path);
  for (guint i = 1; i < n_parts; i++)
    {
      g_thread_join (part_workers[i - 1]);
      if (parts[i - 1].error != NULL && scan.error == NULL)
        scan.error = g_steal_pointer (&parts[i - 1].error);
      else if (scan.error == NULL)
        scan_merge (&scan, &parts[i - 1]);
      scan_clear (&parts[i - 1]);
    }
  g_thread_join (search_worker);
  g_thread_join (previous_worker);

  if (scan.error != NULL)
    g_propagate_error (error, g_steal_pointer (&scan.error));
  else if (searches.error != NULL)
    g_propagate_error (error, g_steal_pointer (&searches.error));
  else if (previous.error != NULL)
    g_propagate_error (error, g_steal_pointer (&previous.error));
  else
    result = build_json (&scan, &previous, &searches, tz);

  scan_clear (&scan);
  scan_clear (&previous);
  g_hash_table_unref (searches.queries);
  g_hash_table_unref (searches.gaps);
  g_clear_error (&searches.error);
  return result;
}

typedef struct
{
  GStrv  kcc;
  gint64 from;
  gint64 to;
} ComputeData;

static void
compute_data_free (ComputeData *data)
{
  g_strfreev (data->kcc);
  g_free (data);
}

static void
compute_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ComputeData *data = task_data;
  GError *error = NULL;
  JsonObject *stats = vb_stats_compute (source, (const char *const *) data->kcc, data->from,
                                        data->to, &error);

  if (stats == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stats, (GDestroyNotify) json_object_unref);
}

void
vb_stats_compute_async (VbContactStore      *contacts,
                        const char *const   *kcc_outcomes,
                        gint64               from,
                        gint64               to,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *data;

  g_return_if_fail (VB_IS_CONTACT_STORE (contacts));

  task = g_task_new (contacts, cancellable, callback, user_data);
  g_task_set_source_tag (task, vb_stats_compute_async);
  data = g_new0 (ComputeData, 1);
  data->kcc = g_strdupv ((GStrv) kcc_outcomes);
  data->from = from;
  data->to = to;
  g_task_set_task_data (task, data, (GDestroyNotify) compute_data_free);
  g_task_run_in_thread (task, compute_thread);
}

JsonObject *
vb_stats_compute_finish (VbContactStore  *contacts,
                         GAsyncResult    *result,
                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, contacts), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vb_stats_unused_items (JsonObject *stats,
                       GPtrArray  *item_ids)
{
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *answers, *unused = json_array_new ();

  g_return_if_fail (stats != NULL);

  answers = json_object_get_array_member (stats, "answers");
  for (guint i = 0; answers != NULL && i < json_array_get_length (answers); i++)
    {
      JsonObject *a = json_array_get_object_element (answers, i);

      g_hash_table_add (used, (gpointer) json_object_get_string_member (a, "item"));
    }
  for (guint i = 0; item_ids != NULL && i < item_ids->len; i++)
    {
      const char *id = g_ptr_array_index (item_ids, i);

      if (id != NULL && !g_hash_table_contains (used, id))
        json_array_add_string_element (unused, id);
    }
  json_object_set_array_member (stats, "unused_items", unused);
}
