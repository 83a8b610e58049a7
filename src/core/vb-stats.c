/* vb-stats.c: statistics of the contact log for a period (docs/statistics.md)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "vb-stats-private.h"

/* Where the figures of a range [from, to) come from: the rows themselves for parts of days
 * (and for everything when the aggregates cannot serve, as for one agent), and the aggregates
 * of stats_counts (vb-stats-private.h) for whole local days and months. */
typedef struct
{
  int level;
  int from;                    /* buckets, YYYYMMDD or YYYYMM: [from, to) */
  int to;
} BucketRange;

typedef struct
{
  gint64      raw_from[2];     /* ranges of Unix times read from the rows */
  gint64      raw_to[2];
  guint       n_raw;
  BucketRange ranges[3];       /* first days, whole months, last days */
  guint       n_ranges;
  BucketRange days;            /* every whole day, for the figures per day; empty: from == to */
} Plan;

/* The figures of the contacts (and their questions) in a range. */
typedef struct
{
  gint64      from;
  gint64      to;
  gboolean    full;            /* FALSE: only the counts the comparison needs */
  const char *agent;           /* NULL: everyone's contacts */
  gboolean    aggregates;      /* FALSE: read the rows only */
  Plan        plan;
  GHashTable *kcc;             /* outcome code -> itself (borrowed) */
  GTimeZone  *tz;              /* borrowed */

  guint64     n_contacts;
  guint64     n_kcc_contacts;
  guint64     n_questions;
  guint64     n_kcc_questions;
  GArray     *durations;       /* Duration, in any order */
  GArray     *day_starts;      /* gint64, local midnights; one more than days */
  GHashTable *day_buckets;     /* YYYYMMDD -> index + 1 in day_starts */
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

/* A handling time and how many contacts took it. */
typedef struct
{
  gint64  seconds;
  guint64 count;
} Duration;

/* The figures of the search log in a range. */
typedef struct
{
  const char *path;
  const Plan *plan;
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
  /* Whole days of rows may be read at once: map the file and keep its pages. */
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
count_add (GHashTable *table,
           const char *key,
           guint64     n)
{
  guint64 *count = g_hash_table_lookup (table, key);

  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (table, g_strdup (key), count);
    }
  *count += n;
}

static void
gap_add (GHashTable *gaps,
         const char *query,
         guint64     count,
         guint64     no_results,
         guint64     nothing_opened)
{
  guint64 *gap = g_hash_table_lookup (gaps, query);

  if (gap == NULL)
    {
      gap = g_new0 (guint64, 3);
      g_hash_table_insert (gaps, g_strdup (query), gap);
    }
  gap[0] += count;
  gap[1] += no_results;
  gap[2] += nothing_opened;
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

/* The local date of @t as YYYYMMDD, the bucket of the day aggregates. */
static int
day_bucket (GTimeZone *tz,
            gint64     t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  return g_date_time_get_year (local) * 10000 + g_date_time_get_month (local) * 100 +
         g_date_time_get_day_of_month (local);
}

/* Splits [from, to) (its local midnights @starts, as local_day_starts gives them) into the
 * parts of days at either end, read from the rows, and the whole days between them, read from
 * the aggregates: whole months per month, the days before and after them per day. */
static void
plan_init (Plan      *plan,
           GTimeZone *tz,
           GArray    *starts,
           gint64     from,
           gint64     to,
           gboolean   aggregates)
{
  guint first, last, i;
  int months_from = 0, months_to = 0, head_to, tail_from;

  memset (plan, 0, sizeof *plan);
  first = g_array_index (starts, gint64, 0) == from ? 0 : 1;
  last = g_array_index (starts, gint64, starts->len - 1) <= to ? starts->len - 1
                                                                : starts->len - 2;
  if (!aggregates || starts->len < 2 || first >= last)
    {
      plan->raw_from[0] = from;
      plan->raw_to[0] = to;
      plan->n_raw = 1;
      return;
    }
  if (from < g_array_index (starts, gint64, first))
    {
      plan->raw_from[plan->n_raw] = from;
      plan->raw_to[plan->n_raw++] = g_array_index (starts, gint64, first);
    }
  if (g_array_index (starts, gint64, last) < to)
    {
      plan->raw_from[plan->n_raw] = g_array_index (starts, gint64, last);
      plan->raw_to[plan->n_raw++] = to;
    }

  plan->days.level = VB_STATS_LEVEL_DAY;
  plan->days.from = day_bucket (tz, g_array_index (starts, gint64, first));
  plan->days.to = day_bucket (tz, g_array_index (starts, gint64, last));

  /* The whole months: from the first 1st of a month on, up to the last 1st of a month. */
  head_to = tail_from = plan->days.to;
  for (i = first; i <= last; i++)
    {
      int bucket = day_bucket (tz, g_array_index (starts, gint64, i));

      if (bucket % 100 != 1)
        continue;
      if (months_from == 0)
        {
          months_from = bucket / 100;
          head_to = bucket;
        }
      months_to = bucket / 100;
      tail_from = bucket;
    }
  if (months_from == months_to)
    head_to = tail_from = plan->days.to;   /* no whole month */
  if (plan->days.from < head_to)
    plan->ranges[plan->n_ranges++] = (BucketRange) { VB_STATS_LEVEL_DAY, plan->days.from,
                                                     head_to };
  if (months_from < months_to)
    plan->ranges[plan->n_ranges++] = (BucketRange) { VB_STATS_LEVEL_MONTH, months_from,
                                                     months_to };
  if (months_from < months_to && tail_from < plan->days.to)
    plan->ranges[plan->n_ranges++] = (BucketRange) { VB_STATS_LEVEL_DAY, tail_from,
                                                     plan->days.to };
}

/* One row of stats_counts. */
typedef struct
{
  int         bucket;
  const char *key1;
  const char *key2;
  gint64      n;
  gint64      a;
  gint64      b;
} AggregateRow;

typedef void (*AggregateFunc) (gpointer            data,
                               const AggregateRow *row);

/* Calls @func for each row of stats_counts of @kind in @range. */
static gboolean
read_aggregates (sqlite3            *db,
                 const BucketRange  *range,
                 int                 kind,
                 AggregateFunc       func,
                 gpointer            data,
                 GError            **error)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT bucket, key1, key2, n, a, b FROM stats_counts"
                                    " WHERE level = ?1 AND kind = ?2 AND bucket >= ?3"
                                    " AND bucket < ?4", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, range->level);
  sqlite3_bind_int (stmt, 2, kind);
  sqlite3_bind_int (stmt, 3, range->from);
  sqlite3_bind_int (stmt, 4, range->to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AggregateRow row = { sqlite3_column_int (stmt, 0),
                           (const char *) sqlite3_column_text (stmt, 1),
                           (const char *) sqlite3_column_text (stmt, 2),
                           sqlite3_column_int64 (stmt, 3), sqlite3_column_int64 (stmt, 4),
                           sqlite3_column_int64 (stmt, 5) };

      func (data, &row);
    }
  sqlite3_finalize (stmt);
  return step_error (db, rc, error);
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
  g_clear_pointer (&scan->day_buckets, g_hash_table_unref);
  g_clear_pointer (&scan->day_contacts, g_free);
  g_clear_pointer (&scan->day_kcc, g_free);
  g_clear_pointer (&scan->channels, g_hash_table_unref);
  g_clear_pointer (&scan->answers, g_hash_table_unref);
  g_clear_pointer (&scan->afdelingen, g_hash_table_unref);
  g_clear_error (&scan->error);
}

static void
add_duration (Scan    *scan,
              gint64   seconds,
              guint64  count)
{
  Duration d = { seconds, count };

  g_array_append_val (scan->durations, d);
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
      guint day = day_index (scan->day_starts, started);
      gint64 day_start = g_array_index (scan->day_starts, gint64, day);
      guint hour;

      add_duration (scan, MAX (ended - started, 0), 1);
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

static void
add_outcome (Scan       *scan,
             const char *afdeling,
             const char *outcome,
             guint64     n)
{
  GHashTable *outcomes = g_hash_table_lookup (scan->afdelingen, afdeling);

  if (outcomes == NULL)
    {
      outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (scan->afdelingen, g_strdup (afdeling), outcomes);
    }
  count_add (outcomes, outcome, n);
}

/* One pass over the finished contacts that started in [@from, @to), with their questions.
 * The questions of a contact come together (the join's inner loop is the questions' primary
 * key). */
static gboolean
scan_contacts (Scan    *scan,
               sqlite3 *db,
               gint64   from,
               gint64   to)
{
  sqlite3_stmt *stmt;
  g_autofree char *sql = NULL;
  char current[64] = "";
  gboolean have = FALSE, all_kcc = TRUE;
  gint64 started = 0, ended = 0;
  guint n_questions = 0;
  int rc;

  sql = g_strconcat (scan->full
                       ? "SELECT c.uuid, c.started, c.ended, c.kanaal, q.item_id, q.section,"
                         " q.outcome, q.afdeling"
                       : "SELECT c.uuid, c.started, c.ended, NULL, NULL, NULL, q.outcome, NULL",
                     " FROM contacts AS c LEFT JOIN questions AS q ON q.contact = c.uuid"
                     " WHERE c.started >= ?1 AND c.started < ?2 AND c.status = 'finished'",
                     scan->agent != NULL ? " AND c.agent = ?3" : "", NULL);
  stmt = prepare (db, sql, &scan->error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  if (scan->agent != NULL)
    sqlite3_bind_text (stmt, 3, scan->agent, -1, SQLITE_STATIC);
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

              count_add (scan->channels, kanaal != NULL ? kanaal : "", 1);
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

          if (item != NULL && *item != '\0')
            {
              char key[512];

              g_snprintf (key, sizeof key, "%s\x1f%s", item, section != NULL ? section : "");
              count_add (scan->answers, key, 1);
            }
          add_outcome (scan, afdeling != NULL ? afdeling : "", outcome, 1);
        }
    }
  if (have)
    end_contact (scan, started, ended, n_questions, all_kcc);
  sqlite3_finalize (stmt);
  return step_error (db, rc, &scan->error);
}

/* Callbacks of the period's contacts that are still open. A callback keeps a copy of its
 * contact's start (and goes when its contact is deleted), so with the aggregates the contacts
 * are not read; the reference scan and an agent's figures join them. */
static gboolean
scan_callbacks (Scan    *scan,
                sqlite3 *db)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (scan->aggregates)
    sql = g_strdup ("SELECT created FROM callbacks WHERE status = 'open'"
                    " AND contact_started >= ?1 AND contact_started < ?2");
  else
    sql = g_strconcat ("SELECT b.created FROM contacts AS c JOIN callbacks AS b"
                       " ON b.contact = c.uuid WHERE b.status = 'open' AND c.status = 'finished'"
                       " AND c.started >= ?1 AND c.started < ?2",
                       scan->agent != NULL ? " AND c.agent = ?3" : "", NULL);
  stmt = prepare (db, sql, &scan->error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, scan->from);
  sqlite3_bind_int64 (stmt, 2, scan->to);
  if (scan->agent != NULL)
    sqlite3_bind_text (stmt, 3, scan->agent, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      scan->callbacks_open++;
      if (scan->now - sqlite3_column_int64 (stmt, 0) > VB_STATS_CALLBACK_OVERDUE_S)
        scan->callbacks_overdue++;
    }
  sqlite3_finalize (stmt);
  return step_error (db, rc, &scan->error);
}

/* Whether the outcomes of an aggregate of contacts (VB_STATS_KIND_CONTACTS: "<bytes>:<code>"
 * each) are all KCC-flagged, and there is at least one. */
static gboolean
outcomes_all_kcc (Scan       *scan,
                  const char *key)
{
  gboolean any = FALSE;

  while (*key != '\0')
    {
      char *end;
      guint64 length = g_ascii_strtoull (key, &end, 10);
      g_autofree char *code = NULL;

      if (*end != ':' || strlen (end + 1) < length)
        return FALSE;
      code = g_strndup (end + 1, length);
      if (!g_hash_table_contains (scan->kcc, code))
        return FALSE;
      any = TRUE;
      key = end + 1 + length;
    }
  return any;
}

static void
on_contacts_row (gpointer            data,
                 const AggregateRow *row)
{
  Scan *scan = data;
  gboolean kcc = outcomes_all_kcc (scan, row->key1);

  scan->n_contacts += row->n;
  if (kcc)
    scan->n_kcc_contacts += row->n;
  if (scan->full)
    {
      guint day = GPOINTER_TO_UINT (g_hash_table_lookup (scan->day_buckets,
                                                         GINT_TO_POINTER (row->bucket)));

      g_return_if_fail (day > 0);
      scan->day_contacts[day - 1] += row->n;
      if (kcc)
        scan->day_kcc[day - 1] += row->n;
    }
}

static void
on_questions_row (gpointer            data,
                  const AggregateRow *row)
{
  Scan *scan = data;

  scan->n_questions += row->n;
  if (g_hash_table_contains (scan->kcc, row->key1))
    scan->n_kcc_questions += row->n;
}

static void
on_hour_row (gpointer            data,
             const AggregateRow *row)
{
  Scan *scan = data;
  guint hour = (guint) g_ascii_strtoull (row->key1, NULL, 10);

  scan->per_hour[MIN (hour, 23)] += row->n;
}

static void
on_channel_row (gpointer            data,
                const AggregateRow *row)
{
  count_add (((Scan *) data)->channels, row->key1, row->n);
}

static void
on_duration_row (gpointer            data,
                 const AggregateRow *row)
{
  add_duration (data, g_ascii_strtoll (row->key1, NULL, 10), row->n);
}

static void
on_answer_row (gpointer            data,
               const AggregateRow *row)
{
  char key[512];

  g_snprintf (key, sizeof key, "%s\x1f%s", row->key1, row->key2);
  count_add (((Scan *) data)->answers, key, row->n);
}

static void
on_afdeling_row (gpointer            data,
                 const AggregateRow *row)
{
  add_outcome (data, row->key1, row->key2, row->n);
}

/* The figures of the whole days of the plan, from the aggregates. */
static gboolean
scan_aggregates (Scan    *scan,
                 sqlite3 *db)
{
  static const struct {
    int kind;
    AggregateFunc row;
    gboolean full;
  } kinds[] = {
    { VB_STATS_KIND_QUESTIONS, on_questions_row, FALSE },
    { VB_STATS_KIND_HOUR, on_hour_row, TRUE },
    { VB_STATS_KIND_CHANNEL, on_channel_row, TRUE },
    { VB_STATS_KIND_DURATION, on_duration_row, TRUE },
    { VB_STATS_KIND_ANSWER, on_answer_row, TRUE },
    { VB_STATS_KIND_AFDELING, on_afdeling_row, TRUE },
  };
  const Plan *plan = &scan->plan;

  if (plan->days.from == plan->days.to)
    return TRUE;
  /* Contacts per day for the figures per day; otherwise per month where it can. */
  if (scan->full)
    {
      if (!read_aggregates (db, &plan->days, VB_STATS_KIND_CONTACTS, on_contacts_row, scan,
                            &scan->error))
        return FALSE;
    }
  else
    for (guint r = 0; r < plan->n_ranges; r++)
      if (!read_aggregates (db, &plan->ranges[r], VB_STATS_KIND_CONTACTS, on_contacts_row, scan,
                            &scan->error))
        return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint r = 0; r < plan->n_ranges && (scan->full || !kinds[k].full); r++)
      if (!read_aggregates (db, &plan->ranges[r], kinds[k].kind, kinds[k].row, scan,
                            &scan->error))
        return FALSE;
  return TRUE;
}

static void
scan_init (Scan       *scan,
           GHashTable *kcc,
           GTimeZone  *tz,
           gint64      from,
           gint64      to,
           gboolean    full,
           const char *agent,
           gboolean    aggregates)
{
  g_autoptr(GArray) starts = local_day_starts (tz, from, to);

  memset (scan, 0, sizeof *scan);
  scan->kcc = kcc;
  scan->tz = tz;
  scan->from = from;
  scan->to = to;
  scan->full = full;
  scan->agent = agent;
  scan->now = g_get_real_time () / G_USEC_PER_SEC;
  scan->aggregates = aggregates && agent == NULL;
  plan_init (&scan->plan, tz, starts, from, to, scan->aggregates);
  if (full)
    {
      scan->durations = g_array_new (FALSE, FALSE, sizeof (Duration));
      scan->day_starts = g_array_ref (starts);
      scan->day_buckets = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < starts->len; i++)
        g_hash_table_insert (scan->day_buckets,
                             GINT_TO_POINTER (day_bucket (tz, g_array_index (starts, gint64, i))),
                             GUINT_TO_POINTER (i + 1));
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
  ok = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
  for (guint i = 0; ok && i < scan->plan.n_raw; i++)
    ok = scan_contacts (scan, db, scan->plan.raw_from[i], scan->plan.raw_to[i]);
  ok = ok && scan_aggregates (scan, db) && (!scan->full || scan_callbacks (scan, db));
  if (!ok && scan->error == NULL)
    g_set_error (&scan->error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN,
                 "Cannot read the contact log: %s", sqlite3_errmsg (db));
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return ok;
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

static void
on_search_row (gpointer            data,
               const AggregateRow *row)
{
  count_add (((SearchScan *) data)->queries, row->key1, row->n);
}

static void
on_gap_row (gpointer            data,
            const AggregateRow *row)
{
  gap_add (((SearchScan *) data)->gaps, row->key1, row->n, row->a, row->b);
}

static gboolean
scan_searches (SearchScan *s,
               sqlite3    *db,
               gint64      from,
               gint64      to)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT query, n_results, opened_item IS NULL FROM searches"
                                    " WHERE at >= ?1 AND at < ?2", &s->error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *query = (const char *) sqlite3_column_text (stmt, 0);
      gboolean no_results = sqlite3_column_int64 (stmt, 1) == 0;
      gboolean nothing_opened = sqlite3_column_int (stmt, 2) != 0;

      if (query == NULL)
        continue;
      count_add (s->queries, query, 1);
      if (no_results || nothing_opened)
        gap_add (s->gaps, query, 1, no_results, nothing_opened);
    }
  sqlite3_finalize (stmt);
  return step_error (db, rc, &s->error);
}

static gpointer
search_thread (gpointer data)
{
  SearchScan *s = data;
  sqlite3 *db = open_reader (s->path, &s->error);
  gboolean ok;

  if (db == NULL)
    return NULL;
  ok = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
  for (guint i = 0; ok && i < s->plan->n_raw; i++)
    ok = scan_searches (s, db, s->plan->raw_from[i], s->plan->raw_to[i]);
  for (guint r = 0; ok && r < s->plan->n_ranges; r++)
    ok = read_aggregates (db, &s->plan->ranges[r], VB_STATS_KIND_SEARCH, on_search_row, s,
                          &s->error) &&
         read_aggregates (db, &s->plan->ranges[r], VB_STATS_KIND_GAP, on_gap_row, s, &s->error);
  if (!ok && s->error == NULL)
    g_set_error (&s->error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN,
                 "Cannot read the contact log: %s", sqlite3_errmsg (db));
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
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
compare_duration (gconstpointer a,
                  gconstpointer b)
{
  gint64 x = ((const Duration *) a)->seconds, y = ((const Duration *) b)->seconds;

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

  /* Handling time: ended - started, seconds. Every sum is a whole number below 2^53, so the
   * order of adding makes no difference. */
  if (scan->n_contacts == 0)
    {
      json_object_set_null_member (obj, "handling_time_avg_s");
      json_object_set_null_member (obj, "handling_time_median_s");
    }
  else
    {
      GArray *d = scan->durations;
      guint64 n = 0, below = 0;
      double sum = 0, median = 0;
      gint64 lower = 0;

      g_array_sort (d, compare_duration);
      for (guint i = 0; i < d->len; i++)
        {
          sum += (double) (g_array_index (d, Duration, i).seconds *
                           (gint64) g_array_index (d, Duration, i).count);
          n += g_array_index (d, Duration, i).count;
        }
      /* The middle value, or the mean of the two middle values: positions (n - 1) / 2 and
       * n / 2 (from 0) of the sorted handling times. */
      for (guint i = 0; i < d->len; i++)
        {
          Duration *x = &g_array_index (d, Duration, i);

          if (below <= (n - 1) / 2 && (n - 1) / 2 < below + x->count)
            lower = x->seconds;
          if (below <= n / 2 && n / 2 < below + x->count)
            {
              median = n % 2 == 1 ? (double) x->seconds : (lower + x->seconds) / 2.0;
              break;
            }
          below += x->count;
        }
      json_object_set_double_member (obj, "handling_time_avg_s", sum / n);
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

static JsonObject *
compute (VbContactStore     *contacts,
         const char *const  *kcc_outcomes,
         gint64              from,
         gint64              to,
         const char         *agent,
         gboolean            aggregates,
         GError            **error)
{
  g_autoptr(GHashTable) kcc = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GTimeZone) tz = vb_contact_dup_time_zone ();
  g_autoptr(GArray) starts = NULL;
  const char *path;
  Scan scan, previous;
  SearchScan searches = { 0 };
  Plan search_plan;
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

  scan_init (&scan, kcc, tz, from, to, TRUE, agent, aggregates);
  scan_init (&previous, kcc, tz, from - (to - from), from, FALSE, agent, aggregates);
  /* The search log is anonymous: the same for every agent. */
  starts = local_day_starts (tz, from, to);
  plan_init (&search_plan, tz, starts, from, to, aggregates);
  searches.path = path;
  searches.plan = &search_plan;
  searches.queries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  searches.gaps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* The search log and the previous period are read at the same time, each over its own
   * read-only connection. */
  job.scan = &previous;
  job.path = path;
  search_worker = g_thread_new ("vb-stats-searches", search_thread, &searches);
  previous_worker = g_thread_new ("vb-stats-previous", previous_thread, &job);
  scan_run (&scan, path);
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

/* The figures of everyone's contacts: see vb_stats_compute_for_agent(). */
JsonObject *
vb_stats_compute (VbContactStore      *contacts,
                  const char *const   *kcc_outcomes,
                  gint64               from,
                  gint64               to,
                  GError             **error)
{
  return compute (contacts, kcc_outcomes, from, to, NULL, TRUE, error);
}

JsonObject *
vb_stats_compute_for_agent (VbContactStore      *contacts,
                            const char *const   *kcc_outcomes,
                            gint64               from,
                            gint64               to,
                            const char          *agent,
                            GError             **error)
{
  return compute (contacts, kcc_outcomes, from, to, agent, TRUE, error);
}

JsonObject *
vb_stats_compute_scan (VbContactStore      *contacts,
                       const char *const   *kcc_outcomes,
                       gint64               from,
                       gint64               to,
                       const char          *agent,
                       GError             **error)
{
  return compute (contacts, kcc_outcomes, from, to, agent, FALSE, error);
}

typedef struct
{
  GStrv  kcc;
  gint64 from;
  gint64 to;
  char  *agent;
} ComputeData;

static void
compute_data_free (ComputeData *data)
{
  g_strfreev (data->kcc);
  g_free (data->agent);
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
  JsonObject *stats = vb_stats_compute_for_agent (source, (const char *const *) data->kcc,
                                                  data->from, data->to, data->agent, &error);

  if (stats == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stats, (GDestroyNotify) json_object_unref);
}

void
vb_stats_compute_for_agent_async (VbContactStore      *contacts,
                                  const char *const   *kcc_outcomes,
                                  gint64               from,
                                  gint64               to,
                                  const char          *agent,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ComputeData *data;

  g_return_if_fail (VB_IS_CONTACT_STORE (contacts));

  task = g_task_new (contacts, cancellable, callback, user_data);
  g_task_set_source_tag (task, vb_stats_compute_for_agent_async);
  data = g_new0 (ComputeData, 1);
  data->kcc = g_strdupv ((GStrv) kcc_outcomes);
  data->from = from;
  data->to = to;
  data->agent = g_strdup (agent);
  g_task_set_task_data (task, data, (GDestroyNotify) compute_data_free);
  g_task_run_in_thread (task, compute_thread);
}

JsonObject *
vb_stats_compute_for_agent_finish (VbContactStore  *contacts,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, contacts), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  vb_stats_compute_for_agent_async (contacts, kcc_outcomes, from, to, NULL, cancellable,
                                    callback, user_data);
}

JsonObject *
vb_stats_compute_finish (VbContactStore  *contacts,
                         GAsyncResult    *result,
                         GError         **error)
{
  return vb_stats_compute_for_agent_finish (contacts, result, error);
}

void
vb_stats_unused_items (JsonObject *stats,
                       GPtrArray  *item_ids)
{
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *node;
  JsonArray *answers, *unused;

  g_return_if_fail (stats != NULL);

  /* Figures from a server are untrusted: without a list of answers nothing can be said. */
  node = json_object_get_member (stats, "answers");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  answers = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (answers); i++)
    {
      JsonNode *el = json_array_get_element (answers, i);
      JsonNode *item;

      if (!JSON_NODE_HOLDS_OBJECT (el))
        continue;
      item = json_object_get_member (json_node_get_object (el), "item");
      if (item != NULL && json_node_get_value_type (item) == G_TYPE_STRING)
        g_hash_table_add (used, (gpointer) json_node_get_string (item));
    }
  unused = json_array_new ();
  for (guint i = 0; item_ids != NULL && i < item_ids->len; i++)
    {
      const char *id = g_ptr_array_index (item_ids, i);

      if (id != NULL && !g_hash_table_contains (used, id))
        json_array_add_string_element (unused, id);
    }
  json_object_set_array_member (stats, "unused_items", unused);
}
