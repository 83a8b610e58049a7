/* vb-contact-store.c: the contact log (klantcontacten), durable and private
 *
 * Contacts live in their own SQLite file (WAL, synchronous=FULL, foreign keys on,
 * secure_delete on), apart from the content, so a content sync never touches them. This object
 * owns the one connection, guarded by a mutex so GTask workers may share it. Every public
 * change is one transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on any error): a finished
 * contact is written with all its questions or not at all, and a crash at any moment leaves
 * either the draft or the finished contact. Nothing here logs personal data.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "vb-contact-store.h"
#include "vb-stats-private.h"

struct _VbContactStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GMutex      lock;
  GHashTable *stmts;      /* SQL text (a literal, by address) -> sqlite3_stmt* */
  GHashTable *outcomes;   /* known outcome codes, or NULL for any */
  GTimeZone  *tz;         /* the local days of the statistics aggregates */
  char       *installation_id;
};

G_DEFINE_FINAL_TYPE (VbContactStore, vb_contact_store, G_TYPE_OBJECT)

static gboolean migrate_to_2 (VbContactStore  *self,
                              GError         **error);

/* Ordered migrations: migrations[i] brings a database from version i to i + 1: its SQL, then
 * its function (NULL: none), in the same transaction. */
static const struct {
  const char *sql;
  gboolean  (*run) (VbContactStore *self, GError **error);
} migrations[] = {
  /* 0 -> 1: contacts, questions, consulted items, callbacks, drafts, the outbox, the audit
   * trail and the anonymous search log. Times are Unix seconds, UTC. */
  { "CREATE TABLE contacts ("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  revision INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('finished', 'deleted')),"
    "  kanaal TEXT NOT NULL,"
    "  agent TEXT,"
    "  started INTEGER NOT NULL,"
    "  ended INTEGER NOT NULL,"
    "  n_questions INTEGER NOT NULL,"
    "  caller_name TEXT,"
    "  caller_phone TEXT,"
    "  notes TEXT,"
    "  purged_at INTEGER,"
    "  modified INTEGER NOT NULL);"
    "CREATE INDEX contacts_started ON contacts (started);"
    "CREATE INDEX contacts_ended ON contacts (ended) WHERE purged_at IS NULL;"
    "CREATE TABLE questions ("
    "  contact TEXT NOT NULL REFERENCES contacts (uuid) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  item_id TEXT,"
    "  section TEXT,"
    "  subject TEXT,"
    "  outcome TEXT NOT NULL,"
    "  afdeling TEXT,"
    "  PRIMARY KEY (contact, position)) WITHOUT ROWID;"
    "CREATE INDEX questions_item ON questions (item_id);"
    "CREATE TABLE consulted ("
    "  contact TEXT NOT NULL REFERENCES contacts (uuid) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  item_id TEXT NOT NULL,"
    "  PRIMARY KEY (contact, position)) WITHOUT ROWID;"
    "CREATE TABLE callbacks ("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  contact TEXT NOT NULL UNIQUE REFERENCES contacts (uuid) ON DELETE CASCADE,"
    "  name TEXT,"
    "  phone TEXT,"
    "  preferred_time TEXT,"
    "  note TEXT,"
    "  afdeling TEXT,"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),"
    "  created INTEGER NOT NULL,"
    "  closed_by TEXT,"
    "  closed_at INTEGER);"
    "CREATE INDEX callbacks_status ON callbacks (status, created);"
    "CREATE TABLE drafts ("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  started INTEGER NOT NULL,"
    "  saved INTEGER NOT NULL,"
    "  data TEXT NOT NULL);"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL,"
    "  revision INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('put', 'delete')),"
    "  queued INTEGER NOT NULL);"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL,"
    "  action TEXT NOT NULL CHECK (action IN ('correct', 'delete')),"
    "  revision INTEGER NOT NULL,"
    "  agent TEXT,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX audit_uuid ON audit (uuid);"
    "CREATE TABLE searches ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  query TEXT NOT NULL,"
    "  n_results INTEGER NOT NULL,"
    "  opened_item TEXT,"
    "  used INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX searches_at ON searches (at);"
    "CREATE INDEX searches_opened ON searches (opened_item, at) WHERE opened_item IS NOT NULL;",
    NULL },
  /* 1 -> 2: sync and fast statistics. meta holds installation_id and searches_uploaded (the
   * last local search id the server accepted); searches received from other installations
   * keep their id in remote_id (ALTER TABLE cannot add a UNIQUE column: a unique index does
   * the same, NULLs apart). stats_counts holds the aggregates of docs/statistics.md ("Speed"),
   * built from the rows by migrate_to_2. */
  { "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY NOT NULL,"
    "  value TEXT);"
    "ALTER TABLE searches ADD COLUMN remote_id TEXT;"
    "CREATE UNIQUE INDEX searches_remote_id ON searches (remote_id);"
    "CREATE INDEX outbox_uuid ON outbox (uuid, revision);"
    "CREATE INDEX contacts_agent ON contacts (agent, started);"
    /* The open callbacks of a period without reading its contacts (a copy of their start). */
    "ALTER TABLE callbacks ADD COLUMN contact_started INTEGER;"
    "CREATE INDEX callbacks_open ON callbacks (contact_started) WHERE status = 'open';"
    "CREATE TABLE stats_counts ("
    "  level INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  bucket INTEGER NOT NULL,"
    "  key1 TEXT NOT NULL,"
    "  key2 TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  a INTEGER NOT NULL DEFAULT 0,"
    "  b INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (level, kind, bucket, key1, key2)) WITHOUT ROWID;",
    migrate_to_2 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == VB_CONTACT_STORE_SCHEMA_VERSION);

static gint64
now_utc (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* A short, clear message for the errors an agent can act on (the window adds what was not
 * saved); otherwise @what ("Cannot save the draft") and SQLite's message, which never contains
 * row data. No full stop at the end: callers embed the message. */
static gboolean
set_db_error (GError      **error,
              VbContactError code,
              int           rc,
              sqlite3      *db,
              const char   *what)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error_literal (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_WRITE, "The disk is full");
      break;
    case SQLITE_READONLY:
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_WRITE,
                   "The contact log is read-only (%s)", sqlite3_db_filename (db, "main"));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error_literal (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_WRITE,
                           "The contact log is in use by another program");
      break;
    default:
      g_set_error (error, VB_CONTACT_ERROR, code, "%s: %s", what, sqlite3_errmsg (db));
      break;
    }
  return FALSE;
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      const char  *what,
      GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_db_error (error, VB_CONTACT_ERROR_WRITE, rc, db, what);
  return TRUE;
}

/* A statement for @sql (a string literal: it is looked up by address), reset and unbound.
 * Call with the lock held; never finalize it. */
static sqlite3_stmt *
cached_stmt (VbContactStore *self,
             const char     *sql)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);

  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
                              NULL) != SQLITE_OK)
        return NULL;
      g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

/* Prepares @sql or sets @error. */
static sqlite3_stmt *
prepare (VbContactStore  *self,
         const char      *sql,
         VbContactError   code,
         const char      *what,
         GError         **error)
{
  sqlite3_stmt *stmt = cached_stmt (self, sql);

  if (stmt == NULL)
    set_db_error (error, code, sqlite3_errcode (self->db), self->db, what);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Steps a statement that returns no rows, then resets it. */
static gboolean
step_done (VbContactStore  *self,
           sqlite3_stmt    *stmt,
           const char      *what,
           GError         **error)
{
  int rc = sqlite3_step (stmt);
  gboolean ok = rc == SQLITE_DONE;

  if (!ok)
    set_db_error (error, VB_CONTACT_ERROR_WRITE, rc, self->db, what);
  sqlite3_reset (stmt);
  return ok;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static void
vb_contact_store_finalize (GObject *object)
{
  VbContactStore *self = VB_CONTACT_STORE (object);

  if (self->stmts != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->stmts);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        sqlite3_finalize (value);
      g_hash_table_unref (self->stmts);
    }
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->outcomes, g_hash_table_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->installation_id, g_free);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vb_contact_store_parent_class)->finalize (object);
}

static void
vb_contact_store_class_init (VbContactStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vb_contact_store_finalize;
}

static void
vb_contact_store_init (VbContactStore *self)
{
  g_mutex_init (&self->lock);
  self->stmts = g_hash_table_new (NULL, NULL);
  self->tz = vb_contact_dup_time_zone ();
}

/* SQL function vb_redact(text): the search-log redaction, for the retention purge. */
static void
sql_redact (sqlite3_context  *context,
            int               argc,
            sqlite3_value   **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);

  if (text == NULL)
    sqlite3_result_null (context);
  else
    sqlite3_result_text (context, vb_redact_query (text), -1, g_free);
}

static int
get_user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
migrate (VbContactStore  *self,
         GError         **error)
{
  sqlite3 *db = self->db;
  int version = get_user_version (db);

  if (version < 0)
    return set_db_error (error, VB_CONTACT_ERROR_OPEN, sqlite3_errcode (db), db,
                         "Cannot read the schema version of the contact log");
  if (version > VB_CONTACT_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN,
                   "The contact log has schema version %d; this program knows up to %d",
                   version, VB_CONTACT_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < VB_CONTACT_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      g_autofree char *what = g_strdup_printf ("Cannot migrate the contact log to version %d",
                                               version + 1);

      /* Each step is one transaction: a crash leaves the old version, never half of one. */
      if (!exec (db, "BEGIN IMMEDIATE", what, error))
        return FALSE;
      if (!exec (db, migrations[version].sql, what, error) ||
          (migrations[version].run != NULL && !migrations[version].run (self, error)) ||
          !exec (db, bump, what, error) || !exec (db, "COMMIT", what, error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- statistics aggregates (vb-stats-private.h, docs/statistics.md "Speed") ---- */

/* One row of stats_counts being added up in memory. */
typedef struct
{
  int     level;
  int     kind;
  int     bucket;
  char   *key1;
  char   *key2;
  gint64  n;
  gint64  a;
  gint64  b;
} StatsRow;

static guint
stats_row_hash (gconstpointer p)
{
  const StatsRow *row = p;

  return g_str_hash (row->key1) * 31 + g_str_hash (row->key2) +
         (guint) (row->bucket * 7 + row->kind * 131 + row->level);
}

static gboolean
stats_row_equal (gconstpointer p,
                 gconstpointer q)
{
  const StatsRow *x = p, *y = q;

  return x->level == y->level && x->kind == y->kind && x->bucket == y->bucket &&
         strcmp (x->key1, y->key1) == 0 && strcmp (x->key2, y->key2) == 0;
}

static void
stats_row_free (StatsRow *row)
{
  g_free (row->key1);
  g_free (row->key2);
  g_free (row);
}

static GHashTable *
stats_rows_new (void)
{
  return g_hash_table_new_full (stats_row_hash, stats_row_equal,
                                (GDestroyNotify) stats_row_free, NULL);
}

/* Adds to the row of @kind, @key1, @key2 of the local day @day (YYYYMMDD) and of its month. */
static void
stats_add (GHashTable *rows,
           int         day,
           int         kind,
           const char *key1,
           const char *key2,
           gint64      n,
           gint64      a,
           gint64      b)
{
  for (int level = VB_STATS_LEVEL_DAY; level <= VB_STATS_LEVEL_MONTH; level++)
    {
      StatsRow key = { level, kind, level == VB_STATS_LEVEL_DAY ? day : day / 100,
                       (char *) key1, (char *) (key2 != NULL ? key2 : "") };
      StatsRow *row = g_hash_table_lookup (rows, &key);

      if (row == NULL)
        {
          row = g_new0 (StatsRow, 1);
          *row = key;
          row->key1 = g_strdup (key.key1);
          row->key2 = g_strdup (key.key2);
          g_hash_table_add (rows, row);
        }
      row->n += n;
      row->a += a;
      row->b += b;
    }
}

/* The local date (YYYYMMDD) and wall-clock hour of the Unix time @t. */
static int
local_day (GTimeZone *tz,
           gint64     t,
           int       *hour)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;

  if (local == NULL)
    {
      *hour = 0;
      return 0;
    }
  *hour = g_date_time_get_hour (local);
  return g_date_time_get_year (local) * 10000 + g_date_time_get_month (local) * 100 +
         g_date_time_get_day_of_month (local);
}

/* One contact being added up: its day, and its outcomes for VB_STATS_KIND_CONTACTS. */
typedef struct
{
  int        day;
  gint64     sign;
  GPtrArray *outcomes;   /* owned strings */
} StatsContact;

static void
stats_contact_begin (StatsContact *c,
                     GHashTable   *rows,
                     int           day,
                     int           hour,
                     gint64        started,
                     gint64        ended,
                     const char   *kanaal)
{
  char text[32];
  gint64 sign = c->sign;

  c->day = day;
  g_ptr_array_set_size (c->outcomes, 0);
  g_snprintf (text, sizeof text, "%02d", hour);
  stats_add (rows, c->day, VB_STATS_KIND_HOUR, text, NULL, sign, 0, 0);
  stats_add (rows, c->day, VB_STATS_KIND_CHANNEL, kanaal != NULL ? kanaal : "", NULL, sign, 0,
             0);
  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, MAX (ended - started, 0));
  stats_add (rows, c->day, VB_STATS_KIND_DURATION, text, NULL, sign, 0, 0);
}

static void
stats_contact_question (StatsContact *c,
                        GHashTable   *rows,
                        const char   *item,
                        const char   *section,
                        const char   *outcome,
                        const char   *afdeling)
{
  if (outcome == NULL)
    return;
  g_ptr_array_add (c->outcomes, g_strdup (outcome));
  stats_add (rows, c->day, VB_STATS_KIND_QUESTIONS, outcome, NULL, c->sign, 0, 0);
  if (item != NULL && *item != '\0')
    stats_add (rows, c->day, VB_STATS_KIND_ANSWER, item, section, c->sign, 0, 0);
  stats_add (rows, c->day, VB_STATS_KIND_AFDELING, afdeling != NULL ? afdeling : "", outcome,
             c->sign, 0, 0);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
stats_contact_end (StatsContact *c,
                   GHashTable   *rows)
{
  g_autoptr(GString) key = g_string_new (NULL);

  g_ptr_array_sort (c->outcomes, compare_strings);
  for (guint i = 0; i < c->outcomes->len; i++)
    {
      const char *outcome = g_ptr_array_index (c->outcomes, i);

      if (i == 0 || strcmp (outcome, g_ptr_array_index (c->outcomes, i - 1)) != 0)
        g_string_append_printf (key, "%zu:%s", strlen (outcome), outcome);
    }
  stats_add (rows, c->day, VB_STATS_KIND_CONTACTS, key->str, NULL, c->sign, 0, 0);
}

static void
stats_add_search (GHashTable *rows,
                  int         day,
                  gint64      sign,
                  const char *query,
                  gboolean    no_results,
                  gboolean    nothing_opened)
{
  if (query == NULL)
    return;
  stats_add (rows, day, VB_STATS_KIND_SEARCH, query, NULL, sign, 0, 0);
  if (no_results || nothing_opened)
    stats_add (rows, day, VB_STATS_KIND_GAP, query, NULL, sign, sign * no_results,
               sign * nothing_opened);
}

/* Writes the rows added up in @rows into stats_counts and empties @rows; a row that reaches
 * zero is removed, so the figures never list a channel or a query with a count of 0. */
static gboolean
stats_flush (VbContactStore  *self,
             GHashTable      *rows,
             const char      *what,
             GError         **error)
{
  GHashTableIter iter;
  gpointer key;
  gboolean ok = TRUE;

  g_hash_table_iter_init (&iter, rows);
  while (ok && g_hash_table_iter_next (&iter, &key, NULL))
    {
      StatsRow *row = key;
      sqlite3_stmt *stmt;
      gboolean zero = FALSE;
      int rc;

      if (row->n == 0 && row->a == 0 && row->b == 0)
        continue;
      stmt = prepare (self, "INSERT INTO stats_counts (level, kind, bucket, key1, key2, n, a, b)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                            " ON CONFLICT (level, kind, bucket, key1, key2) DO UPDATE SET"
                            " n = n + excluded.n, a = a + excluded.a, b = b + excluded.b"
                            " RETURNING n = 0 AND a = 0 AND b = 0",
                      VB_CONTACT_ERROR_WRITE, what, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int (stmt, 1, row->level);
      sqlite3_bind_int (stmt, 2, row->kind);
      sqlite3_bind_int (stmt, 3, row->bucket);
      bind_text (stmt, 4, row->key1);
      bind_text (stmt, 5, row->key2);
      sqlite3_bind_int64 (stmt, 6, row->n);
      sqlite3_bind_int64 (stmt, 7, row->a);
      sqlite3_bind_int64 (stmt, 8, row->b);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          zero = sqlite3_column_int (stmt, 0) != 0;
          rc = sqlite3_step (stmt);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        ok = set_db_error (error, VB_CONTACT_ERROR_WRITE, rc, self->db, what);
      else if (zero)
        {
          stmt = prepare (self, "DELETE FROM stats_counts WHERE level = ?1 AND kind = ?2"
                                " AND bucket = ?3 AND key1 = ?4 AND key2 = ?5",
                          VB_CONTACT_ERROR_WRITE, what, error);
          ok = stmt != NULL;
          if (ok)
            {
              sqlite3_bind_int (stmt, 1, row->level);
              sqlite3_bind_int (stmt, 2, row->kind);
              sqlite3_bind_int (stmt, 3, row->bucket);
              bind_text (stmt, 4, row->key1);
              bind_text (stmt, 5, row->key2);
              ok = step_done (self, stmt, what, error);
            }
        }
    }
  g_hash_table_remove_all (rows);
  return ok;
}

/* Adds up the finished contacts of @stmt (columns uuid, started, ended, kanaal, item_id,
 * section, outcome, afdeling; the rows of one contact together) with @sign and writes them.
 * With @monthly the rows are also written whenever a new local month starts, so a rebuild
 * never holds more than a month in memory. */
static gboolean
stats_add_contacts (VbContactStore  *self,
                    sqlite3_stmt    *stmt,
                    gint64           sign,
                    gboolean         monthly,
                    const char      *what,
                    GError         **error)
{
  g_autoptr(GHashTable) rows = stats_rows_new ();
  g_autoptr(GPtrArray) outcomes = g_ptr_array_new_with_free_func (g_free);
  StatsContact contact = { 0, sign, outcomes };
  g_autofree char *current = NULL;
  gboolean ok = TRUE;
  int rc;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (stmt, 0);

      if (current == NULL || strcmp (uuid, current) != 0)
        {
          gint64 started = sqlite3_column_int64 (stmt, 1);
          int hour, day = local_day (self->tz, started, &hour);

          if (current != NULL)
            stats_contact_end (&contact, rows);
          /* With @monthly the contacts come in order of starting: a month is complete when
           * the next one starts. */
          if (monthly && current != NULL && day / 100 != contact.day / 100)
            ok = stats_flush (self, rows, what, error);
          g_free (current);
          current = g_strdup (uuid);
          stats_contact_begin (&contact, rows, day, hour, started,
                               sqlite3_column_int64 (stmt, 2),
                               (const char *) sqlite3_column_text (stmt, 3));
        }
      stats_contact_question (&contact, rows, (const char *) sqlite3_column_text (stmt, 4),
                              (const char *) sqlite3_column_text (stmt, 5),
                              (const char *) sqlite3_column_text (stmt, 6),
                              (const char *) sqlite3_column_text (stmt, 7));
    }
  sqlite3_reset (stmt);
  if (!ok)
    return FALSE;
  if (rc != SQLITE_DONE)
    return set_db_error (error, VB_CONTACT_ERROR_WRITE, rc, self->db, what);
  if (current != NULL)
    stats_contact_end (&contact, rows);
  return stats_flush (self, rows, what, error);
}

#define STATS_CONTACT_SQL "SELECT c.uuid, c.started, c.ended, c.kanaal, q.item_id, q.section," \
                          " q.outcome, q.afdeling FROM contacts AS c LEFT JOIN questions AS q" \
                          " ON q.contact = c.uuid WHERE c.status = 'finished'"

/* Takes the finished contact @uuid out of the aggregates (@sign -1, before it changes) or puts
 * it in (+1, after). A deleted or unknown contact counts for nothing. */
static gboolean
stats_contact (VbContactStore  *self,
               const char      *uuid,
               gint64           sign,
               const char      *what,
               GError         **error)
{
  sqlite3_stmt *stmt = prepare (self, STATS_CONTACT_SQL " AND c.uuid = ?1",
                                VB_CONTACT_ERROR_WRITE, what, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  return stats_add_contacts (self, stmt, sign, FALSE, what, error);
}

/* Builds stats_counts (and callbacks.contact_started) from the contacts and the search log
 * (the migration to version 2). */
static gboolean
stats_rebuild (VbContactStore  *self,
               GError         **error)
{
  const char *what = "Cannot build the statistics";
  g_autoptr(GHashTable) rows = stats_rows_new ();
  sqlite3_stmt *stmt;
  int rc, month = 0;
  gboolean ok;

  if (!exec (self->db, "DELETE FROM stats_counts;"
                       "UPDATE callbacks SET contact_started = (SELECT started FROM contacts"
                       " WHERE contacts.uuid = callbacks.contact)", what, error))
    return FALSE;
  stmt = prepare (self, STATS_CONTACT_SQL " ORDER BY c.started, c.uuid", VB_CONTACT_ERROR_WRITE,
                  what, error);
  if (stmt == NULL || !stats_add_contacts (self, stmt, 1, TRUE, what, error))
    return FALSE;

  stmt = prepare (self, "SELECT at, query, n_results = 0, opened_item IS NULL FROM searches"
                        " ORDER BY at", VB_CONTACT_ERROR_WRITE, what, error);
  if (stmt == NULL)
    return FALSE;
  ok = TRUE;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 at = sqlite3_column_int64 (stmt, 0);
      int hour, day = local_day (self->tz, at, &hour);

      /* Searches come in order of time: a month is complete when the next one starts. */
      if (day / 100 != month)
        ok = stats_flush (self, rows, what, error);
      month = day / 100;
      stats_add_search (rows, day, 1, (const char *) sqlite3_column_text (stmt, 1),
                        sqlite3_column_int (stmt, 2) != 0, sqlite3_column_int (stmt, 3) != 0);
    }
  sqlite3_reset (stmt);
  if (!ok)
    return FALSE;
  if (rc != SQLITE_DONE)
    return set_db_error (error, VB_CONTACT_ERROR_WRITE, rc, self->db, what);
  return stats_flush (self, rows, what, error);
}

static gboolean
migrate_to_2 (VbContactStore  *self,
              GError         **error)
{
  const char *what = "Cannot migrate the contact log to version 2";
  g_autofree char *id = g_uuid_string_random ();
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO meta (key, value) VALUES"
                                      " ('installation_id', ?1), ('searches_uploaded', '0')",
                                VB_CONTACT_ERROR_WRITE, what, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  return step_done (self, stmt, what, error) && stats_rebuild (self, error);
}

static gboolean
read_installation_id (VbContactStore  *self,
                      GError         **error)
{
  const char *what = "Cannot read the installation id";
  sqlite3_stmt *stmt = prepare (self, "SELECT value FROM meta WHERE key = 'installation_id'",
                                VB_CONTACT_ERROR_OPEN, what, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    self->installation_id = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW && self->installation_id != NULL)
    return TRUE;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    {
      g_set_error_literal (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN,
                           "The contact log has no installation id");
      return FALSE;
    }
  return set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
}

/* Opens (creating it when needed, with its folder, readable by the user only) the contact log
 * at @path and brings its schema up to date. */
VbContactStore *
vb_contact_store_open (const char  *path,
                       GError     **error)
{
  g_autoptr(VbContactStore) self = NULL;
  g_autofree char *dir = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN,
                   "Cannot create folder %s: %s", dir, g_strerror (saved));
      return NULL;
    }
  /* Personal data: the file (and the -wal and -shm files SQLite gives the same mode) is
   * created private, before SQLite would create it with the umask. An empty file is an empty
   * database. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      int fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd >= 0)
        g_close (fd, NULL);
    }

  self = g_object_new (VB_TYPE_CONTACT_STORE, NULL);
  self->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &self->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN, "Cannot open %s: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 0);
  if (!exec (self->db,
             "PRAGMA foreign_keys = ON;"
             "PRAGMA busy_timeout = 5000;"
             "PRAGMA secure_delete = ON;"
             "PRAGMA journal_mode = WAL;"
             "PRAGMA synchronous = FULL;",
             "Cannot open the contact log", error) ||
      !migrate (self, error) || !read_installation_id (self, error))
    {
      g_prefix_error (error, "%s: ", path);
      /* An open error, whatever SQLite said. */
      if (error != NULL && *error != NULL)
        (*error)->code = VB_CONTACT_ERROR_OPEN;
      return NULL;
    }
  sqlite3_create_function (self->db, "vb_redact", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           sql_redact, NULL, NULL);
  return g_steal_pointer (&self);
}

const char *
vb_contact_store_get_path (VbContactStore *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), NULL);
  return self->path;
}

int
vb_contact_store_get_schema_version (VbContactStore *self)
{
  int version;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), -1);

  g_mutex_lock (&self->lock);
  version = get_user_version (self->db);
  g_mutex_unlock (&self->lock);
  return version;
}

void
vb_contact_store_set_outcomes (VbContactStore     *self,
                               const char *const  *codes)
{
  g_return_if_fail (VB_IS_CONTACT_STORE (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->outcomes, g_hash_table_unref);
  if (codes != NULL)
    {
      self->outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; codes[i] != NULL; i++)
        g_hash_table_add (self->outcomes, g_strdup (codes[i]));
    }
  g_mutex_unlock (&self->lock);
}

gboolean
vb_contact_store_exec (VbContactStore  *self,
                       const char      *sql,
                       GError         **error)
{
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = exec (self->db, sql, "Cannot run a statement on the contact log", error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- transactions ---- */

static gboolean
begin (VbContactStore  *self,
       const char      *what,
       GError         **error)
{
  return exec (self->db, "BEGIN IMMEDIATE", what, error);
}

/* Commits when @ok, else rolls back; returns @ok && the commit worked. */
static gboolean
end (VbContactStore  *self,
     gboolean         ok,
     const char      *what,
     GError         **error)
{
  if (ok && exec (self->db, "COMMIT", what, error))
    return TRUE;
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Validation that needs the store: the contact itself, and known outcomes. */
static gboolean
validate (VbContactStore  *self,
          VbContact       *contact,
          GError         **error)
{
  if (!vb_contact_validate (contact, error))
    return FALSE;
  if (self->outcomes == NULL)
    return TRUE;
  for (guint i = 0; i < vb_contact_get_n_questions (contact); i++)
    {
      VbContactQuestion *q = vb_contact_get_question (contact, i);

      if (!g_hash_table_contains (self->outcomes, q->outcome))
        {
          g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                       "Question %u has an unknown outcome “%s”", i + 1, q->outcome);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_outbox (VbContactStore  *self,
            const char      *uuid,
            int              revision,
            const char      *kind,
            gint64           now,
            const char      *what,
            GError         **error)
{
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO outbox (uuid, revision, kind, queued)"
                                      " VALUES (?1, ?2, ?3, ?4)", VB_CONTACT_ERROR_WRITE, what,
                                error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  sqlite3_bind_int (stmt, 2, revision);
  bind_text (stmt, 3, kind);
  sqlite3_bind_int64 (stmt, 4, now);
  return step_done (self, stmt, what, error);
}

static gboolean
add_audit (VbContactStore  *self,
           const char      *uuid,
           const char      *action,
           int              revision,
           const char      *agent,
           gint64           now,
           const char      *what,
           GError         **error)
{
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO audit (uuid, action, revision, agent, at)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5)", VB_CONTACT_ERROR_WRITE,
                                what, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, action);
  sqlite3_bind_int (stmt, 3, revision);
  bind_text (stmt, 4, agent);
  sqlite3_bind_int64 (stmt, 5, now);
  return step_done (self, stmt, what, error);
}

static gboolean
delete_rows (VbContactStore  *self,
             const char      *sql,
             const char      *uuid,
             const char      *what,
             GError         **error)
{
  sqlite3_stmt *stmt = prepare (self, sql, VB_CONTACT_ERROR_WRITE, what, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  return step_done (self, stmt, what, error);
}

/* The stored revision and status of @uuid: 1 when found, 0 when not, -1 on an error. */
static int
read_state (VbContactStore  *self,
            const char      *uuid,
            int             *revision,
            char           **status,
            gboolean        *purged,
            const char      *what,
            GError         **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT revision, status, purged_at IS NOT NULL"
                                      " FROM contacts WHERE uuid = ?1",
                                VB_CONTACT_ERROR_WRITE, what, error);
  int rc, found = 0;

  *status = NULL;
  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *revision = sqlite3_column_int (stmt, 0);
      *status = column_dup (stmt, 1);
      *purged = sqlite3_column_int (stmt, 2) != 0;
      found = 1;
    }
  else if (rc != SQLITE_DONE)
    {
      set_db_error (error, VB_CONTACT_ERROR_WRITE, rc, self->db, what);
      found = -1;
    }
  sqlite3_reset (stmt);
  return found;
}

/* The rows of a finished contact other than the contacts row: questions, consulted items and
 * the callback, replacing what was there. */
static gboolean
write_children (VbContactStore  *self,
                VbContact       *contact,
                gboolean         purged,
                gint64           created,
                const char      *what,
                GError         **error)
{
  const char *uuid = vb_contact_get_uuid (contact);
  VbCallback *cb = vb_contact_get_callback (contact);
  g_auto(GStrv) consulted = vb_contact_dup_consulted (contact);
  sqlite3_stmt *stmt;

  if (!delete_rows (self, "DELETE FROM questions WHERE contact = ?1", uuid, what, error) ||
      !delete_rows (self, "DELETE FROM consulted WHERE contact = ?1", uuid, what, error))
    return FALSE;

  for (guint i = 0; i < vb_contact_get_n_questions (contact); i++)
    {
      VbContactQuestion *q = vb_contact_get_question (contact, i);

      stmt = prepare (self, "INSERT INTO questions (contact, position, item_id, section, subject,"
                            " outcome, afdeling) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      VB_CONTACT_ERROR_WRITE, what, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, uuid);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, q->item_id);
      bind_text (stmt, 4, q->section);
      bind_text (stmt, 5, q->subject_text);
      bind_text (stmt, 6, q->outcome);
      bind_text (stmt, 7, q->afdeling);
      if (!step_done (self, stmt, what, error))
        return FALSE;
    }

  for (guint i = 0; consulted[i] != NULL; i++)
    {
      stmt = prepare (self, "INSERT INTO consulted (contact, position, item_id)"
                            " VALUES (?1, ?2, ?3)", VB_CONTACT_ERROR_WRITE, what, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, uuid);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, consulted[i]);
      if (!step_done (self, stmt, what, error))
        return FALSE;
    }

  if (cb == NULL)
    return delete_rows (self, "DELETE FROM callbacks WHERE contact = ?1", uuid, what, error);

  /* Another callback of this contact (replaced in memory) goes. */
  stmt = prepare (self, "DELETE FROM callbacks WHERE contact = ?1 AND uuid <> ?2",
                  VB_CONTACT_ERROR_WRITE, what, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, cb->uuid);
  if (!step_done (self, stmt, what, error))
    return FALSE;

  /* A callback closed meanwhile stays closed. */
  stmt = prepare (self, "INSERT INTO callbacks (uuid, contact, name, phone, preferred_time, note,"
                        " afdeling, status, created, closed_by, closed_at, contact_started)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                        " (SELECT started FROM contacts WHERE uuid = ?2))"
                        " ON CONFLICT (uuid) DO UPDATE SET name = excluded.name,"
                        " contact_started = excluded.contact_started,"
                        " phone = excluded.phone, preferred_time = excluded.preferred_time,"
                        " note = excluded.note, afdeling = excluded.afdeling,"
                        " status = CASE WHEN status = 'done' THEN 'done' ELSE excluded.status END,"
                        " closed_by = coalesce (closed_by, excluded.closed_by),"
                        " closed_at = coalesce (closed_at, excluded.closed_at)",
                  VB_CONTACT_ERROR_WRITE, what, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, cb->uuid);
  bind_text (stmt, 2, uuid);
  bind_text (stmt, 3, purged ? NULL : cb->name);
  bind_text (stmt, 4, purged ? NULL : cb->phone);
  bind_text (stmt, 5, purged ? NULL : cb->preferred_time);
  bind_text (stmt, 6, purged ? NULL : cb->note);
  bind_text (stmt, 7, cb->afdeling);
  bind_text (stmt, 8, g_strcmp0 (cb->status, "done") == 0 ? "done" : "open");
  sqlite3_bind_int64 (stmt, 9, cb->created != 0 ? cb->created : created);
  bind_text (stmt, 10, g_strcmp0 (cb->status, "done") == 0 ? cb->closed_by : NULL);
  if (g_strcmp0 (cb->status, "done") == 0 && cb->closed_at != 0)
    sqlite3_bind_int64 (stmt, 11, cb->closed_at);
  else
    sqlite3_bind_null (stmt, 11);
  return step_done (self, stmt, what, error);
}

/* Flags, for each answer used, the latest search during the contact that opened it. */
static gboolean
mark_used_searches (VbContactStore  *self,
                    VbContact       *contact,
                    const char      *what,
                    GError         **error)
{
  for (guint i = 0; i < vb_contact_get_n_questions (contact); i++)
    {
      VbContactQuestion *q = vb_contact_get_question (contact, i);
      sqlite3_stmt *stmt;

      if (q->item_id == NULL)
        continue;
      stmt = prepare (self, "UPDATE searches SET used = 1 WHERE id = (SELECT id FROM searches"
                            " WHERE opened_item = ?1 AND at >= ?2 ORDER BY at DESC, id DESC"
                            " LIMIT 1)", VB_CONTACT_ERROR_WRITE, what, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, q->item_id);
      sqlite3_bind_int64 (stmt, 2, vb_contact_get_started (contact));
      if (!step_done (self, stmt, what, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- drafts ---- */

static gboolean
save_draft_locked (VbContactStore  *self,
                   VbContact       *contact,
                   GError         **error)
{
  const char *what = "Cannot save the draft";
  g_autoptr(JsonNode) node = vb_contact_to_json (contact);
  g_autofree char *data = json_to_string (node, FALSE);
  g_autofree char *status = NULL;
  sqlite3_stmt *stmt;
  gboolean ok, purged = FALSE;
  int found, revision = 0;

  if (!begin (self, what, error))
    return FALSE;
  /* A draft older than what is stored (a save that was queued on a worker before the contact
   * was finished or corrected) would come back after a restart as work to do: it is dropped. */
  found = read_state (self, vb_contact_get_uuid (contact), &revision, &status, &purged, what,
                      error);
  ok = found >= 0;
  if (found > 0 && (vb_contact_get_status (contact) == VB_CONTACT_OPEN ||
                    vb_contact_get_revision (contact) < revision ||
                    g_strcmp0 (status, "deleted") == 0))
    return end (self, ok, what, error);

  stmt = ok ? prepare (self, "INSERT INTO drafts (uuid, started, saved, data)"
                             " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (uuid) DO UPDATE SET started = excluded.started,"
                             " saved = excluded.saved, data = excluded.data",
                       VB_CONTACT_ERROR_WRITE, what, error) : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, vb_contact_get_uuid (contact));
      sqlite3_bind_int64 (stmt, 2, vb_contact_get_started (contact));
      sqlite3_bind_int64 (stmt, 3, now_utc ());
      bind_text (stmt, 4, data);
      ok = step_done (self, stmt, what, error);
    }
  return end (self, ok, what, error);
}

/* Saves @contact (open, or finished and being corrected) as a draft, replacing an earlier
 * draft of it; list_drafts() restores it after a crash. No validation: a draft may be
 * incomplete. A draft that is older than the stored contact (an open copy of a contact
 * finished meanwhile) is not saved, and that is no error. */
gboolean
vb_contact_store_save_draft (VbContactStore  *self,
                             VbContact       *contact,
                             GError         **error)
{
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (VB_IS_CONTACT (contact), FALSE);

  if (vb_contact_get_status (contact) == VB_CONTACT_DELETED)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "A deleted contact cannot be saved as a draft");
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  ok = save_draft_locked (self, contact, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Forgets the draft of @uuid (an open contact the agent cancelled). No draft is no error. */
gboolean
vb_contact_store_discard_draft (VbContactStore  *self,
                                const char      *uuid,
                                GError         **error)
{
  const char *what = "Cannot discard the draft";
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  ok = ok && delete_rows (self, "DELETE FROM drafts WHERE uuid = ?1", uuid, what, error);
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- finish, correct, delete ---- */

static gboolean
write_contact_row (VbContactStore  *self,
                   VbContact       *contact,
                   gboolean         insert,
                   int              revision,
                   gint64           ended,
                   gboolean         purged,
                   gint64           now,
                   const char      *what,
                   GError         **error)
{
  sqlite3_stmt *stmt;

  if (insert)
    stmt = prepare (self, "INSERT INTO contacts (uuid, revision, status, kanaal, agent, started,"
                          " ended, n_questions, caller_name, caller_phone, notes, modified)"
                          " VALUES (?1, ?2, 'finished', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    VB_CONTACT_ERROR_WRITE, what, error);
  else
    stmt = prepare (self, "UPDATE contacts SET revision = ?2, kanaal = ?3, agent = ?4,"
                          " started = ?5, ended = ?6, n_questions = ?7, caller_name = ?8,"
                          " caller_phone = ?9, notes = ?10, modified = ?11 WHERE uuid = ?1",
                    VB_CONTACT_ERROR_WRITE, what, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, vb_contact_get_uuid (contact));
  sqlite3_bind_int (stmt, 2, revision);
  bind_text (stmt, 3, vb_contact_get_channel (contact));
  bind_text (stmt, 4, vb_contact_get_agent (contact));
  sqlite3_bind_int64 (stmt, 5, vb_contact_get_started (contact));
  sqlite3_bind_int64 (stmt, 6, ended);
  sqlite3_bind_int (stmt, 7, vb_contact_get_n_questions (contact));
  /* Once purged, personal fields stay empty, also after a correction. */
  bind_text (stmt, 8, purged ? NULL : vb_contact_get_caller_name (contact));
  bind_text (stmt, 9, purged ? NULL : vb_contact_get_caller_phone (contact));
  bind_text (stmt, 10, purged ? NULL : vb_contact_get_notes (contact));
  sqlite3_bind_int64 (stmt, 11, now);
  return step_done (self, stmt, what, error);
}

static gint64
end_time (VbContact *contact,
          gint64     now)
{
  gint64 ended = vb_contact_get_ended (contact);

  if (ended == 0)
    ended = now;
  return MAX (ended, vb_contact_get_started (contact));
}

/* Applies what was stored to the contact in memory (after the commit). */
static void
apply_stored (VbContact *contact,
              int        revision,
              gint64     ended,
              gboolean   purged,
              gint64     now)
{
  VbCallback *cb = vb_contact_get_callback (contact);

  vb_contact_set_state (contact, VB_CONTACT_FINISHED, revision, purged);
  vb_contact_set_ended (contact, ended);
  if (cb != NULL)
    {
      if (cb->created == 0)
        cb->created = now;
      g_free (cb->contact_uuid);
      cb->contact_uuid = g_strdup (vb_contact_get_uuid (contact));
    }
}

/* Validates @contact (see vb_contact_validate) and writes it as finished with its questions,
 * consulted items and callback, removes its draft and queues it for upload: one transaction.
 * On success the contact is finished in memory too (status, end time, revision 1). */
gboolean
vb_contact_store_finish (VbContactStore  *self,
                         VbContact       *contact,
                         GError         **error)
{
  const char *what = "Cannot save the contact";
  g_autofree char *status = NULL;
  gint64 now = now_utc ();
  gint64 ended;
  gboolean ok, purged = FALSE;
  int revision = 0;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (VB_IS_CONTACT (contact), FALSE);

  if (vb_contact_get_status (contact) != VB_CONTACT_OPEN)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "The contact is already %s", vb_contact_status_to_string (
                     vb_contact_get_status (contact)));
      return FALSE;
    }
  ended = end_time (contact, now);

  g_mutex_lock (&self->lock);
  ok = validate (self, contact, error) && begin (self, what, error);
  if (ok)
    {
      int found = read_state (self, vb_contact_get_uuid (contact), &revision, &status, &purged,
                              what, error);

      if (found > 0)
        g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                     "The contact was already saved; correct it instead");
      ok = found == 0;
    }
  ok = ok && write_contact_row (self, contact, TRUE, 1, ended, FALSE, now, what, error) &&
       write_children (self, contact, FALSE, now, what, error) &&
       delete_rows (self, "DELETE FROM drafts WHERE uuid = ?1", vb_contact_get_uuid (contact),
                    what, error) &&
       add_outbox (self, vb_contact_get_uuid (contact), 1, "put", now, what, error) &&
       mark_used_searches (self, contact, what, error) &&
       stats_contact (self, vb_contact_get_uuid (contact), 1, what, error);
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);

  if (ok)
    apply_stored (contact, 1, ended, FALSE, now);
  return ok;
}

/* Writes a changed finished contact (reopened with get): questions, consulted items and
 * callback are replaced, the revision is raised, the change is queued for upload and recorded
 * in the audit trail with the contact's agent. One transaction. */
gboolean
vb_contact_store_correct (VbContactStore  *self,
                          VbContact       *contact,
                          GError         **error)
{
  const char *what = "Cannot save the correction";
  const char *uuid;
  g_autofree char *status = NULL;
  gint64 now = now_utc ();
  gint64 ended;
  gboolean ok, purged = FALSE;
  int revision = 0, found;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (VB_IS_CONTACT (contact), FALSE);

  uuid = vb_contact_get_uuid (contact);
  ended = end_time (contact, now);
  g_mutex_lock (&self->lock);
  ok = validate (self, contact, error) && begin (self, what, error);
  if (ok)
    {
      found = read_state (self, uuid, &revision, &status, &purged, what, error);
      if (found == 0)
        g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_NOT_FOUND,
                     "No finished contact %s to correct", uuid);
      else if (found > 0 && g_strcmp0 (status, "deleted") == 0)
        g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                     "The contact %s was deleted", uuid);
      ok = found > 0 && g_strcmp0 (status, "finished") == 0;
    }
  revision++;
  ok = ok && stats_contact (self, uuid, -1, what, error) &&
       write_contact_row (self, contact, FALSE, revision, ended, purged, now, what, error) &&
       write_children (self, contact, purged, now, what, error) &&
       stats_contact (self, uuid, 1, what, error) &&
       delete_rows (self, "DELETE FROM drafts WHERE uuid = ?1", uuid, what, error) &&
       add_outbox (self, uuid, revision, "put", now, what, error) &&
       add_audit (self, uuid, "correct", revision, vb_contact_get_agent (contact), now, what,
                  error);
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);

  if (ok)
    apply_stored (contact, revision, ended, purged, now);
  return ok;
}

/* Makes the stored contact @uuid a tombstone at @revision: status deleted, time and channel
 * only; personal fields, questions, consulted items, callback and draft are erased, and it
 * leaves the statistics. */
static gboolean
make_tombstone (VbContactStore  *self,
                const char      *uuid,
                int              revision,
                gint64           now,
                const char      *what,
                GError         **error)
{
  sqlite3_stmt *stmt;

  if (!stats_contact (self, uuid, -1, what, error))
    return FALSE;
  stmt = prepare (self, "UPDATE contacts SET status = 'deleted', revision = ?2, n_questions = 0,"
                        " caller_name = NULL, caller_phone = NULL, notes = NULL, modified = ?3"
                        " WHERE uuid = ?1", VB_CONTACT_ERROR_WRITE, what, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  sqlite3_bind_int (stmt, 2, revision);
  sqlite3_bind_int64 (stmt, 3, now);
  return step_done (self, stmt, what, error) &&
         delete_rows (self, "DELETE FROM questions WHERE contact = ?1", uuid, what, error) &&
         delete_rows (self, "DELETE FROM consulted WHERE contact = ?1", uuid, what, error) &&
         delete_rows (self, "DELETE FROM callbacks WHERE contact = ?1", uuid, what, error) &&
         delete_rows (self, "DELETE FROM drafts WHERE uuid = ?1", uuid, what, error);
}

/* Deletes the finished contact @uuid: it stays as a tombstone (status deleted, a raised
 * revision, time and channel only: personal fields, questions, consulted items and callback
 * are erased), the deletion is queued for upload and recorded with @agent. Deleting a deleted
 * contact changes nothing. */
gboolean
vb_contact_store_delete (VbContactStore  *self,
                         const char      *uuid,
                         const char      *agent,
                         GError         **error)
{
  const char *what = "Cannot delete the contact";
  g_autofree char *status = NULL;
  gint64 now = now_utc ();
  gboolean ok, purged = FALSE;
  int revision = 0, found;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  if (ok)
    {
      found = read_state (self, uuid, &revision, &status, &purged, what, error);
      if (found == 0)
        g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_NOT_FOUND,
                     "No finished contact %s to delete", uuid);
      ok = found > 0;
    }
  if (ok && g_strcmp0 (status, "deleted") == 0)
    {
      ok = end (self, TRUE, what, error);
      g_mutex_unlock (&self->lock);
      return ok;
    }
  revision++;
  ok = ok && make_tombstone (self, uuid, revision, now, what, error) &&
       add_outbox (self, uuid, revision, "delete", now, what, error) &&
       add_audit (self, uuid, "delete", revision, agent, now, what, error);
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- receiving (the server) ---- */

/* Stores a contact uploaded by a client at @revision (see the header). */
gboolean
vb_contact_store_receive (VbContactStore  *self,
                          VbContact       *contact,
                          int              revision,
                          gboolean        *applied,
                          GError         **error)
{
  const char *what = "Cannot store the received contact";
  const char *uuid;
  g_autofree char *status = NULL;
  gint64 now = now_utc ();
  gint64 ended;
  gboolean ok, purged = FALSE, changed = FALSE;
  int stored = 0, found = -1;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (VB_IS_CONTACT (contact), FALSE);

  if (applied != NULL)
    *applied = FALSE;
  if (revision < 1)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "A received contact needs a revision of 1 or more, not %d", revision);
      return FALSE;
    }
  if (vb_contact_get_status (contact) == VB_CONTACT_DELETED)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "A deleted contact is received as a deletion, not as a contact");
      return FALSE;
    }
  uuid = vb_contact_get_uuid (contact);
  /* The client's end time; an upload without one (no "duur") ended when it started. */
  ended = MAX (vb_contact_get_ended (contact), vb_contact_get_started (contact));

  g_mutex_lock (&self->lock);
  ok = validate (self, contact, error) && begin (self, what, error);
  if (ok)
    {
      found = read_state (self, uuid, &stored, &status, &purged, what, error);
      ok = found >= 0;
    }
  if (ok && (found == 0 || stored < revision))
    {
      /* Purged here or on the client: personal fields stay empty. */
      purged = purged || vb_contact_is_purged (contact);
      changed = TRUE;
      ok = stats_contact (self, uuid, -1, what, error) &&
           write_contact_row (self, contact, found == 0, revision, ended, purged, now, what,
                              error);
      if (ok && found > 0)
        {
          sqlite3_stmt *stmt = prepare (self, "UPDATE contacts SET status = 'finished'"
                                              " WHERE uuid = ?1", VB_CONTACT_ERROR_WRITE, what,
                                        error);

          ok = stmt != NULL;
          if (ok)
            {
              bind_text (stmt, 1, uuid);
              ok = step_done (self, stmt, what, error);
            }
        }
      if (ok && purged)
        {
          sqlite3_stmt *stmt = prepare (self, "UPDATE contacts SET purged_at = coalesce (purged_at,"
                                              " ?2) WHERE uuid = ?1", VB_CONTACT_ERROR_WRITE,
                                        what, error);

          ok = stmt != NULL;
          if (ok)
            {
              bind_text (stmt, 1, uuid);
              sqlite3_bind_int64 (stmt, 2, now);
              ok = step_done (self, stmt, what, error);
            }
        }
      ok = ok && write_children (self, contact, purged, ended, what, error) &&
           stats_contact (self, uuid, 1, what, error);
    }
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  if (ok && applied != NULL)
    *applied = changed;
  return ok;
}

/* Stores a deletion uploaded by a client (see the header). */
gboolean
vb_contact_store_receive_delete (VbContactStore  *self,
                                 const char      *uuid,
                                 int              revision,
                                 const char      *agent,
                                 GError         **error)
{
  const char *what = "Cannot store the received deletion";
  g_autofree char *status = NULL;
  gint64 now = now_utc ();
  gboolean ok, purged = FALSE;
  int stored = 0, found = -1;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  if (!g_uuid_string_is_valid (uuid) || revision < 1)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "A received deletion needs a valid uuid and a revision of 1 or more");
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  if (ok)
    {
      found = read_state (self, uuid, &stored, &status, &purged, what, error);
      ok = found >= 0;
    }
  if (ok && found == 0)
    {
      /* A bare tombstone, so that a late upload of an older revision cannot bring it back. */
      sqlite3_stmt *stmt = prepare (self, "INSERT INTO contacts (uuid, revision, status, kanaal,"
                                          " started, ended, n_questions, modified)"
                                          " VALUES (?1, ?2, 'deleted', '', 0, 0, 0, ?3)",
                                    VB_CONTACT_ERROR_WRITE, what, error);

      ok = stmt != NULL;
      if (ok)
        {
          bind_text (stmt, 1, uuid);
          sqlite3_bind_int (stmt, 2, revision);
          sqlite3_bind_int64 (stmt, 3, now);
          ok = step_done (self, stmt, what, error) &&
               add_audit (self, uuid, "delete", revision, agent, now, what, error);
        }
    }
  else if (ok && stored < revision)
    ok = make_tombstone (self, uuid, revision, now, what, error) &&
         add_audit (self, uuid, "delete", revision, agent, now, what, error);
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- reading ---- */

#define CONTACT_COLUMNS "uuid, revision, status, kanaal, agent, started, ended, caller_name," \
                        " caller_phone, notes, purged_at IS NOT NULL"

static VbCallback *
callback_from_row (sqlite3_stmt *stmt)
{
  VbCallback *cb = g_new0 (VbCallback, 1);

  cb->uuid = column_dup (stmt, 0);
  cb->contact_uuid = column_dup (stmt, 1);
  cb->name = column_dup (stmt, 2);
  cb->phone = column_dup (stmt, 3);
  cb->preferred_time = column_dup (stmt, 4);
  cb->note = column_dup (stmt, 5);
  cb->afdeling = column_dup (stmt, 6);
  cb->status = column_dup (stmt, 7);
  cb->created = sqlite3_column_int64 (stmt, 8);
  cb->closed_by = column_dup (stmt, 9);
  cb->closed_at = sqlite3_column_int64 (stmt, 10);
  return cb;
}

#define CALLBACK_COLUMNS "uuid, contact, name, phone, preferred_time, note, afdeling, status," \
                         " created, closed_by, closed_at"

/* A contact from a row of CONTACT_COLUMNS, with its questions, consulted items and callback. */
static VbContact *
load_contact (VbContactStore  *self,
              sqlite3_stmt    *row,
              GError         **error)
{
  const char *what = "Cannot read the contact log";
  const char *uuid = (const char *) sqlite3_column_text (row, 0);
  g_autoptr(VbContact) contact = NULL;
  VbContactStatus status;
  sqlite3_stmt *stmt;
  int rc;

  contact = vb_contact_new_with_uuid (uuid, (const char *) sqlite3_column_text (row, 3),
                                      (const char *) sqlite3_column_text (row, 4));
  status = g_strcmp0 ((const char *) sqlite3_column_text (row, 2), "deleted") == 0 ?
           VB_CONTACT_DELETED : VB_CONTACT_FINISHED;
  vb_contact_set_state (contact, status, sqlite3_column_int (row, 1),
                        sqlite3_column_int (row, 10) != 0);
  vb_contact_set_started (contact, sqlite3_column_int64 (row, 5));
  vb_contact_set_ended (contact, sqlite3_column_int64 (row, 6));
  vb_contact_set_caller_name (contact, (const char *) sqlite3_column_text (row, 7));
  vb_contact_set_caller_phone (contact, (const char *) sqlite3_column_text (row, 8));
  vb_contact_set_notes (contact, (const char *) sqlite3_column_text (row, 9));

  stmt = prepare (self, "SELECT item_id, section, subject, outcome, afdeling FROM questions"
                        " WHERE contact = ?1 ORDER BY position", VB_CONTACT_ERROR_OPEN, what,
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, uuid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VbContactQuestion *q = vb_contact_add_question (contact);

      q->item_id = column_dup (stmt, 0);
      q->section = column_dup (stmt, 1);
      q->subject_text = column_dup (stmt, 2);
      q->outcome = column_dup (stmt, 3);
      q->afdeling = column_dup (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
      return NULL;
    }

  stmt = prepare (self, "SELECT item_id FROM consulted WHERE contact = ?1 ORDER BY position",
                  VB_CONTACT_ERROR_OPEN, what, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, uuid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    vb_contact_add_consulted (contact, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
      return NULL;
    }

  stmt = prepare (self, "SELECT " CALLBACK_COLUMNS " FROM callbacks WHERE contact = ?1",
                  VB_CONTACT_ERROR_OPEN, what, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autoptr(VbCallback) stored = callback_from_row (stmt);

      vb_contact_set_callback (contact, stored);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
      return NULL;
    }
  return g_steal_pointer (&contact);
}

static VbContact *
draft_from_text (const char  *data,
                 GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (data, error);

  if (node == NULL)
    return NULL;
  return vb_contact_new_from_json (node, error);
}

/* The stored (finished or deleted) contact @uuid: 1 with *@contact set, 0 when there is none,
 * -1 on an error. */
static int
load_stored (VbContactStore  *self,
             const char      *uuid,
             VbContact      **contact,
             GError         **error)
{
  const char *what = "Cannot read the contact log";
  sqlite3_stmt *stmt;
  int rc;

  *contact = NULL;
  stmt = prepare (self, "SELECT " CONTACT_COLUMNS " FROM contacts WHERE uuid = ?1",
                  VB_CONTACT_ERROR_OPEN, what, error);
  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      /* load_contact uses other statements; this one stays on its row meanwhile. */
      *contact = load_contact (self, stmt, error);
      sqlite3_reset (stmt);
      return *contact != NULL ? 1 : -1;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
      return -1;
    }
  return 0;
}

/* The finished or deleted contact @uuid, or else its draft. */
VbContact *
vb_contact_store_get (VbContactStore  *self,
                      const char      *uuid,
                      GError         **error)
{
  const char *what = "Cannot read the contact log";
  VbContact *contact = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (load_stored (self, uuid, &contact, error) != 0)
    goto out;

  stmt = prepare (self, "SELECT data FROM drafts WHERE uuid = ?1", VB_CONTACT_ERROR_OPEN, what,
                  error);
  if (stmt == NULL)
    goto out;
  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    contact = draft_from_text ((const char *) sqlite3_column_text (stmt, 0), error);
  else if (rc == SQLITE_DONE)
    g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_NOT_FOUND, "No contact %s", uuid);
  else
    set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
  sqlite3_reset (stmt);

out:
  g_mutex_unlock (&self->lock);
  return contact;
}

/* The saved drafts (open contacts, and finished ones being corrected), oldest first: an array
 * of VbContact. A damaged draft is left out. */
GPtrArray *
vb_contact_store_list_drafts (VbContactStore  *self,
                              GError         **error)
{
  const char *what = "Cannot read the drafts";
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT data FROM drafts ORDER BY started, uuid", VB_CONTACT_ERROR_OPEN,
                  what, error);
  ok = stmt != NULL;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VbContact *contact = draft_from_text ((const char *) sqlite3_column_text (stmt, 0), NULL);

      if (contact != NULL)
        g_ptr_array_add (drafts, contact);
    }
  if (ok && rc != SQLITE_DONE)
    ok = set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&drafts) : NULL;
}

static GPtrArray *
list_finished_locked (VbContactStore  *self,
                      gint64           from,
                      gint64           to,
                      GError         **error)
{
  const char *what = "Cannot read the contact log";
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self, "SELECT " CONTACT_COLUMNS " FROM contacts WHERE status = 'finished'"
                        " AND started >= ?1 AND started < ?2 ORDER BY started, uuid",
                  VB_CONTACT_ERROR_OPEN, what, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VbContact *contact = load_contact (self, stmt, error);

      if (contact == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (contacts, contact);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
      return NULL;
    }
  return g_steal_pointer (&contacts);
}

/* The finished contacts (not deleted ones) that started in [@from, @to) (Unix times), in
 * order of starting: an array of VbContact. */
GPtrArray *
vb_contact_store_list_finished (VbContactStore  *self,
                                gint64           from,
                                gint64           to,
                                GError         **error)
{
  GPtrArray *contacts;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  contacts = list_finished_locked (self, from, to, error);
  g_mutex_unlock (&self->lock);
  return contacts;
}

/* ---- callbacks ---- */

/* The callbacks (all, or the open ones), oldest first: an array of VbCallback. */
GPtrArray *
vb_contact_store_list_callbacks (VbContactStore  *self,
                                 gboolean         only_open,
                                 GError         **error)
{
  const char *what = "Cannot read the callbacks";
  g_autoptr(GPtrArray) callbacks = NULL;
  sqlite3_stmt *stmt;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), NULL);

  callbacks = g_ptr_array_new_with_free_func ((GDestroyNotify) vb_callback_free);
  g_mutex_lock (&self->lock);
  if (only_open)
    stmt = prepare (self, "SELECT " CALLBACK_COLUMNS " FROM callbacks WHERE status = 'open'"
                          " ORDER BY created, uuid", VB_CONTACT_ERROR_OPEN, what, error);
  else
    stmt = prepare (self, "SELECT " CALLBACK_COLUMNS " FROM callbacks ORDER BY created, uuid",
                    VB_CONTACT_ERROR_OPEN, what, error);
  ok = stmt != NULL;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (callbacks, callback_from_row (stmt));
  if (ok && rc != SQLITE_DONE)
    ok = set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&callbacks) : NULL;
}

/* Marks the callback done by @agent, now. Its contact's revision is raised and queued for
 * upload (the interne taak changed). Closing a closed callback changes nothing. */
gboolean
vb_contact_store_close_callback (VbContactStore  *self,
                                 const char      *callback_uuid,
                                 const char      *agent,
                                 GError         **error)
{
  const char *what = "Cannot close the callback";
  g_autofree char *contact = NULL;
  g_autofree char *status = NULL;
  sqlite3_stmt *stmt;
  gint64 now = now_utc ();
  gboolean ok;
  int rc;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (callback_uuid != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  stmt = ok ? prepare (self, "SELECT contact, status FROM callbacks WHERE uuid = ?1",
                       VB_CONTACT_ERROR_WRITE, what, error) : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, callback_uuid);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          contact = column_dup (stmt, 0);
          status = column_dup (stmt, 1);
        }
      else if (rc == SQLITE_DONE)
        ok = FALSE, g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_NOT_FOUND,
                                 "No callback %s", callback_uuid);
      else
        ok = set_db_error (error, VB_CONTACT_ERROR_WRITE, rc, self->db, what);
      sqlite3_reset (stmt);
    }
  if (ok && g_strcmp0 (status, "open") == 0)
    {
      stmt = prepare (self, "UPDATE callbacks SET status = 'done', closed_by = ?2, closed_at = ?3"
                            " WHERE uuid = ?1", VB_CONTACT_ERROR_WRITE, what, error);
      ok = stmt != NULL;
      if (ok)
        {
          bind_text (stmt, 1, callback_uuid);
          bind_text (stmt, 2, agent);
          sqlite3_bind_int64 (stmt, 3, now);
          ok = step_done (self, stmt, what, error);
        }
      stmt = ok ? prepare (self, "UPDATE contacts SET revision = revision + 1, modified = ?2"
                                 " WHERE uuid = ?1 RETURNING revision",
                           VB_CONTACT_ERROR_WRITE, what, error) : NULL;
      ok = stmt != NULL;
      if (ok)
        {
          int revision = 0;

          bind_text (stmt, 1, contact);
          sqlite3_bind_int64 (stmt, 2, now);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              revision = sqlite3_column_int (stmt, 0);
              rc = sqlite3_step (stmt);
            }
          if (rc != SQLITE_DONE)
            ok = set_db_error (error, VB_CONTACT_ERROR_WRITE, rc, self->db, what);
          sqlite3_reset (stmt);
          ok = ok && add_outbox (self, contact, revision, "put", now, what, error);
        }
    }
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- retention ---- */

/* Erases the personal fields of the contacts that ended more than @retention_days before @now
 * (Unix time): caller name, phone and notes; the callback's name, phone, preferred time and
 * note; free-text subjects are redacted like search queries. Time, channel, answers used,
 * outcomes, afdeling and duration stay. Drafts last saved before that moment are removed.
 * Returns the number of contacts purged (0 on error, with @error set); a second run purges
 * nothing. */
guint
vb_contact_store_purge (VbContactStore  *self,
                        guint            retention_days,
                        gint64           now,
                        GError         **error)
{
  const char *what = "Cannot apply the retention period";
  gint64 cutoff = now - (gint64) retention_days * 24 * 60 * 60;
  guint purged = 0;
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), 0);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);

#define TO_PURGE "SELECT uuid FROM contacts WHERE purged_at IS NULL AND status = 'finished'" \
                 " AND ended < ?1"
  stmt = ok ? prepare (self, "UPDATE callbacks SET name = NULL, phone = NULL,"
                             " preferred_time = NULL, note = NULL WHERE contact IN (" TO_PURGE ")",
                       VB_CONTACT_ERROR_WRITE, what, error) : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, cutoff);
      ok = step_done (self, stmt, what, error);
    }
  stmt = ok ? prepare (self, "UPDATE questions SET subject = vb_redact (subject)"
                             " WHERE item_id IS NULL AND subject IS NOT NULL"
                             " AND contact IN (" TO_PURGE ")",
                       VB_CONTACT_ERROR_WRITE, what, error) : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, cutoff);
      ok = step_done (self, stmt, what, error);
    }
#undef TO_PURGE
  stmt = ok ? prepare (self, "UPDATE contacts SET caller_name = NULL, caller_phone = NULL,"
                             " notes = NULL, purged_at = ?2 WHERE purged_at IS NULL"
                             " AND status = 'finished' AND ended < ?1",
                       VB_CONTACT_ERROR_WRITE, what, error) : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, cutoff);
      sqlite3_bind_int64 (stmt, 2, now);
      ok = step_done (self, stmt, what, error);
      purged = ok ? sqlite3_changes (self->db) : 0;
    }
  stmt = ok ? prepare (self, "DELETE FROM drafts WHERE saved < ?1", VB_CONTACT_ERROR_WRITE, what,
                       error) : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, cutoff);
      ok = step_done (self, stmt, what, error);
    }
  ok = end (self, ok, what, error);
  /* secure_delete zeroed the old rows in the database file; older copies of those pages are
   * still in the WAL until it is checkpointed and emptied. Best effort: a reader may hold it. */
  if (ok)
    sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  g_mutex_unlock (&self->lock);
  return ok ? purged : 0;
}

/* ---- search log ---- */

/* Logs a finished search: the redacted query (see vb_redact_query), the time, the number of
 * results and the item opened from it (or NULL). */
gboolean
vb_contact_store_log_search (VbContactStore  *self,
                             const char      *query,
                             guint            n_results,
                             const char      *opened_item,
                             GError         **error)
{
  const char *what = "Cannot log the search";
  g_autofree char *redacted = vb_redact_query (query != NULL ? query : "");
  gint64 at = now_utc ();
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  stmt = ok ? prepare (self, "INSERT INTO searches (at, query, n_results, opened_item)"
                             " VALUES (?1, ?2, ?3, ?4)", VB_CONTACT_ERROR_WRITE, what, error)
            : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, at);
      bind_text (stmt, 2, redacted);
      sqlite3_bind_int64 (stmt, 3, n_results);
      bind_text (stmt, 4, opened_item != NULL && *opened_item != '\0' ? opened_item : NULL);
      ok = step_done (self, stmt, what, error);
    }
  if (ok)
    {
      g_autoptr(GHashTable) rows = stats_rows_new ();
      int hour;

      stats_add_search (rows, local_day (self->tz, at, &hour), 1, redacted, n_results == 0,
                        opened_item == NULL || *opened_item == '\0');
      ok = stats_flush (self, rows, what, error);
    }
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Flags the most recent search that opened @item_id as used in a contact. (Finishing a
 * contact does this for the answers it used.) No such search is no error. */
gboolean
vb_contact_store_mark_search_used (VbContactStore  *self,
                                   const char      *item_id,
                                   GError         **error)
{
  const char *what = "Cannot update the search log";
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (item_id != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  stmt = ok ? prepare (self, "UPDATE searches SET used = 1 WHERE id = (SELECT id FROM searches"
                             " WHERE opened_item = ?1 ORDER BY at DESC, id DESC LIMIT 1)",
                       VB_CONTACT_ERROR_WRITE, what, error) : NULL;
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, item_id);
      ok = step_done (self, stmt, what, error);
    }
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- export ---- */

static void
csv_field (GString    *line,
           const char *value,
           gboolean    last)
{
  if (value != NULL && strpbrk (value, ",\"\r\n") != NULL)
    {
      g_string_append_c (line, '"');
      for (const char *p = value; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (line, '"');
          g_string_append_c (line, *p);
        }
      g_string_append_c (line, '"');
    }
  else if (value != NULL)
    g_string_append (line, value);
  g_string_append (line, last ? "\r\n" : ",");
}

static char *
format_local (GTimeZone *tz,
              gint64     t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z") : g_strdup ("");
}

static void
csv_row (GString   *line,
         GTimeZone *tz,
         VbContact *contact)
{
  VbContactQuestion *q = vb_contact_get_n_questions (contact) > 0 ?
                         vb_contact_get_question (contact, 0) : NULL;
  VbCallback *cb = vb_contact_get_callback (contact);
  g_autofree char *started = format_local (tz, vb_contact_get_started (contact));
  g_autofree char *duration = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               vb_contact_get_duration (contact));
  g_autofree char *n = g_strdup_printf ("%u", vb_contact_get_n_questions (contact));
  g_autofree char *subject = NULL;

  /* Free text may hold personal data: redacted as in the search log. */
  if (q != NULL)
    subject = q->item_id == NULL ? vb_redact_query (q->subject_text) : g_strdup (q->subject_text);

  csv_field (line, vb_contact_get_uuid (contact), FALSE);
  csv_field (line, started, FALSE);
  csv_field (line, duration, FALSE);
  csv_field (line, vb_contact_get_channel (contact), FALSE);
  csv_field (line, n, FALSE);
  csv_field (line, subject, FALSE);
  csv_field (line, q != NULL ? q->item_id : NULL, FALSE);
  csv_field (line, q != NULL ? q->section : NULL, FALSE);
  csv_field (line, q != NULL ? q->outcome : NULL, FALSE);
  csv_field (line, q != NULL ? q->afdeling : NULL, FALSE);
  csv_field (line, cb != NULL ? cb->status : NULL, TRUE);
}

/* Writes the finished contacts that started in [@from, @to) (Unix times; deleted ones are
 * left out) to @out: CSV (RFC 4180, see docs/contacts.md for the columns) or a JSON array of
 * the anonymous upload shape. No personal fields are exported. */
gboolean
vb_contact_store_export (VbContactStore  *self,
                         gint64           from,
                         gint64           to,
                         gboolean         json,
                         GOutputStream   *out,
                         GError         **error)
{
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GTimeZone) tz = vb_contact_dup_time_zone ();
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  contacts = vb_contact_store_list_finished (self, from, to, error);
  if (contacts == NULL)
    return FALSE;

  if (json)
    {
      g_autoptr(JsonArray) array = json_array_sized_new (contacts->len);
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonGenerator) gen = json_generator_new ();

      for (guint i = 0; i < contacts->len; i++)
        json_array_add_element (array,
                                vb_contact_to_json_anonymous (g_ptr_array_index (contacts, i)));
      json_node_set_array (root, array);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      return json_generator_to_stream (gen, out, NULL, error) &&
             g_output_stream_write_all (out, "\n", 1, NULL, NULL, error);
    }

  g_string_append (text, "uuid,started,duration_s,kanaal,vragen,onderwerp,item,sectie,"
                         "gespreksresultaat,afdeling,terugbelverzoek\r\n");
  for (guint i = 0; i < contacts->len; i++)
    {
      csv_row (text, tz, g_ptr_array_index (contacts, i));
      if (text->len > 64 * 1024 || i + 1 == contacts->len)
        {
          if (!g_output_stream_write_all (out, text->str, text->len, NULL, NULL, error))
            return FALSE;
          g_string_truncate (text, 0);
        }
    }
  return text->len == 0 ||
         g_output_stream_write_all (out, text->str, text->len, NULL, NULL, error);
}

gint64
vb_contact_store_outbox_size (VbContactStore *self)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), -1);

  g_mutex_lock (&self->lock);
  stmt = cached_stmt (self, "SELECT count(*) FROM outbox");
  if (stmt != NULL)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  g_mutex_unlock (&self->lock);
  return count;
}

/* Builds the statistics aggregates again from the contacts and the search log, in one
 * transaction: after rows were written or changed with plain SQL (vb_contact_store_exec,
 * benchmarks, repairs). The store's own calls keep them up to date. */
gboolean
vb_contact_store_rebuild_stats (VbContactStore  *self,
                                GError         **error)
{
  const char *what = "Cannot build the statistics";
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error) && stats_rebuild (self, error);
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- upload (the client's sync) ---- */

const char *
vb_contact_store_get_installation_id (VbContactStore *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), NULL);
  return self->installation_id;
}

typedef struct
{
  gint64  id;
  char   *uuid;
  int     revision;
  char   *kind;
} OutboxEntry;

static void
outbox_entry_clear (OutboxEntry *entry)
{
  g_free (entry->uuid);
  g_free (entry->kind);
}

/* Reads the entries of the outbox (after collapsing them) into @entries. */
static gboolean
read_outbox (VbContactStore  *self,
             guint            limit,
             GArray          *entries,
             const char      *what,
             GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* Only the newest revision of a contact is worth uploading: the others are done. */
  stmt = prepare (self, "DELETE FROM outbox WHERE EXISTS (SELECT 1 FROM outbox AS newer"
                        " WHERE newer.uuid = outbox.uuid AND (newer.revision > outbox.revision"
                        " OR (newer.revision = outbox.revision AND newer.id > outbox.id)))",
                  VB_CONTACT_ERROR_WRITE, what, error);
  if (stmt == NULL || !step_done (self, stmt, what, error))
    return FALSE;
  stmt = prepare (self, "SELECT id, uuid, revision, kind FROM outbox ORDER BY id LIMIT ?1",
                  VB_CONTACT_ERROR_OPEN, what, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OutboxEntry entry = { sqlite3_column_int64 (stmt, 0), column_dup (stmt, 1),
                            sqlite3_column_int (stmt, 2), column_dup (stmt, 3) };

      g_array_append_val (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
  return TRUE;
}

/* The oldest @limit outbox entries for upload (see the header). One transaction. */
JsonArray *
vb_contact_store_outbox_peek (VbContactStore  *self,
                              guint            limit,
                              GError         **error)
{
  const char *what = "Cannot read the outbox";
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (OutboxEntry));
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), NULL);

  g_array_set_clear_func (entries, (GDestroyNotify) outbox_entry_clear);
  g_mutex_lock (&self->lock);
  ok = begin (self, what, error) && read_outbox (self, limit, entries, what, error);
  for (guint i = 0; ok && i < entries->len; i++)
    {
      OutboxEntry *entry = &g_array_index (entries, OutboxEntry, i);
      g_autoptr(VbContact) contact = NULL;
      JsonObject *obj;

      if (g_str_equal (entry->kind, "put"))
        {
          int found = load_stored (self, entry->uuid, &contact, error);

          ok = found >= 0;
          /* A contact that is no longer stored has nothing to upload. */
          if (found == 0)
            ok = delete_rows (self, "DELETE FROM outbox WHERE uuid = ?1", entry->uuid, what,
                              error);
          if (found <= 0)
            continue;
        }
      obj = json_object_new ();
      json_object_set_int_member (obj, "outbox_id", entry->id);
      json_object_set_string_member (obj, "uuid", entry->uuid);
      json_object_set_int_member (obj, "revision", entry->revision);
      json_object_set_string_member (obj, "kind", entry->kind);
      if (contact != NULL)
        json_object_set_member (obj, "contact", vb_contact_to_json (contact));
      json_array_add_object_element (array, obj);
    }
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&array) : NULL;
}

/* Removes the outbox entry @outbox_id (the server accepted it). An unknown id is no error. */
gboolean
vb_contact_store_outbox_ack (VbContactStore  *self,
                             gint64           outbox_id,
                             GError         **error)
{
  const char *what = "Cannot update the outbox";
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  if (ok)
    stmt = prepare (self, "DELETE FROM outbox WHERE id = ?1", VB_CONTACT_ERROR_WRITE, what,
                    error);
  ok = ok && stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, outbox_id);
      ok = step_done (self, stmt, what, error);
    }
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Up to @limit local searches not uploaded yet (see the header). One transaction. */
JsonArray *
vb_contact_store_searches_peek (VbContactStore  *self,
                                guint            limit,
                                gint64          *last_id,
                                GError         **error)
{
  const char *what = "Cannot read the search log";
  g_autoptr(JsonArray) array = json_array_new ();
  sqlite3_stmt *stmt = NULL;
  gint64 last = 0;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  if (ok)
    stmt = prepare (self, "SELECT id, at, query, n_results, opened_item, used FROM searches"
                          " WHERE remote_id IS NULL AND id > (SELECT coalesce (max (CAST (value"
                          " AS INTEGER)), 0) FROM meta WHERE key = 'searches_uploaded')"
                          " ORDER BY id LIMIT ?1", VB_CONTACT_ERROR_OPEN, what, error);
  ok = ok && stmt != NULL;
  if (ok)
    sqlite3_bind_int64 (stmt, 1, limit);
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *obj = json_object_new ();
      g_autofree char *id = NULL;
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 1));
      g_autofree char *at_text = at != NULL ? g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ")
                                            : g_strdup ("");

      last = sqlite3_column_int64 (stmt, 0);
      id = g_strdup_printf ("%s:%" G_GINT64_FORMAT, self->installation_id, last);
      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "at", at_text);
      json_object_set_string_member (obj, "query", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_int_member (obj, "n_results", sqlite3_column_int64 (stmt, 3));
      if (sqlite3_column_type (stmt, 4) == SQLITE_NULL)
        json_object_set_null_member (obj, "opened_item");
      else
        json_object_set_string_member (obj, "opened_item",
                                       (const char *) sqlite3_column_text (stmt, 4));
      json_object_set_boolean_member (obj, "used", sqlite3_column_int (stmt, 5) != 0);
      json_array_add_object_element (array, obj);
    }
  if (ok && rc != SQLITE_DONE)
    ok = set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  if (!ok)
    return NULL;
  if (last_id != NULL)
    *last_id = last;
  return g_steal_pointer (&array);
}

/* Records that the server has the local searches up to @last_id. It never goes back. */
gboolean
vb_contact_store_searches_ack (VbContactStore  *self,
                               gint64           last_id,
                               GError         **error)
{
  const char *what = "Cannot update the search log";
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  if (ok)
    stmt = prepare (self, "UPDATE meta SET value = max (CAST (value AS INTEGER), ?1)"
                          " WHERE key = 'searches_uploaded'", VB_CONTACT_ERROR_WRITE, what,
                    error);
  ok = ok && stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, last_id);
      ok = step_done (self, stmt, what, error);
    }
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* ---- receiving searches (the server) ---- */

typedef struct
{
  const char *id;
  gint64      at;
  const char *query;
  gint64      n_results;
  const char *opened_item;
  gboolean    used;
} ReceivedSearch;

static const char *
member_string (JsonObject *obj,
               const char *name,
               gboolean    nullable,
               gboolean   *ok)
{
  JsonNode *node = json_object_get_member (obj, name);

  if ((node == NULL || JSON_NODE_HOLDS_NULL (node)) && nullable)
    return NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *ok = FALSE;
      return NULL;
    }
  return json_node_get_string (node);
}

/* Reads element @index of a batch of searches; FALSE with @error naming the index. */
static gboolean
parse_search (JsonArray       *searches,
              guint            index,
              ReceivedSearch  *search,
              GError         **error)
{
  JsonNode *node = json_array_get_element (searches, index);
  JsonObject *obj = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                                                  : NULL;
  JsonNode *value;
  const char *at;
  g_autoptr(GDateTime) dt = NULL;
  gboolean ok = obj != NULL;

  if (ok)
    {
      search->id = member_string (obj, "id", FALSE, &ok);
      at = member_string (obj, "at", FALSE, &ok);
      search->query = member_string (obj, "query", FALSE, &ok);
      search->opened_item = member_string (obj, "opened_item", TRUE, &ok);
      value = json_object_get_member (obj, "n_results");
      ok = ok && value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
           json_node_get_value_type (value) == G_TYPE_INT64 && json_node_get_int (value) >= 0;
      if (ok)
        search->n_results = json_node_get_int (value);
      value = json_object_get_member (obj, "used");
      ok = ok && (value == NULL || JSON_NODE_HOLDS_NULL (value) ||
                  (JSON_NODE_HOLDS_VALUE (value) &&
                   json_node_get_value_type (value) == G_TYPE_BOOLEAN));
      search->used = ok && value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
                     json_node_get_boolean (value);
      ok = ok && *search->id != '\0' && strlen (search->id) <= 200 &&
           (dt = g_date_time_new_from_iso8601 (at, NULL)) != NULL &&
           g_utf8_validate (search->query, -1, NULL) &&
           (search->opened_item == NULL || g_utf8_validate (search->opened_item, -1, NULL));
      if (ok)
        search->at = g_date_time_to_unix (dt);
    }
  if (!ok)
    g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                 "Search %u of the batch is malformed: it needs a string id, an ISO 8601 at,"
                 " a query, n_results >= 0, an opened_item string or null and a boolean used",
                 index);
  return ok;
}

/* Stores searches uploaded by clients (see the header). One transaction. */
gboolean
vb_contact_store_receive_searches (VbContactStore  *self,
                                   JsonArray       *searches,
                                   guint           *n_new,
                                   GError         **error)
{
  const char *what = "Cannot store the received searches";
  guint length, added = 0;
  g_autofree ReceivedSearch *parsed = NULL;
  g_autoptr(GHashTable) rows = stats_rows_new ();
  gboolean ok = TRUE;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (searches != NULL, FALSE);

  if (n_new != NULL)
    *n_new = 0;
  length = json_array_get_length (searches);
  parsed = g_new0 (ReceivedSearch, MAX (length, 1));
  for (guint i = 0; i < length; i++)
    if (!parse_search (searches, i, &parsed[i], error))
      return FALSE;

  g_mutex_lock (&self->lock);
  ok = begin (self, what, error);
  for (guint i = 0; ok && i < length; i++)
    {
      ReceivedSearch *search = &parsed[i];
      /* The client redacts; redacting again costs little and guards against one that did not. */
      g_autofree char *redacted = vb_redact_query (search->query);
      sqlite3_stmt *stmt = prepare (self, "INSERT INTO searches (at, query, n_results,"
                                          " opened_item, used, remote_id)"
                                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                                          " ON CONFLICT (remote_id) DO NOTHING",
                                    VB_CONTACT_ERROR_WRITE, what, error);
      const char *opened = search->opened_item != NULL && *search->opened_item != '\0'
                           ? search->opened_item : NULL;
      int hour;

      ok = stmt != NULL;
      if (!ok)
        break;
      sqlite3_bind_int64 (stmt, 1, search->at);
      bind_text (stmt, 2, redacted);
      sqlite3_bind_int64 (stmt, 3, search->n_results);
      bind_text (stmt, 4, opened);
      sqlite3_bind_int (stmt, 5, search->used ? 1 : 0);
      bind_text (stmt, 6, search->id);
      ok = step_done (self, stmt, what, error);
      if (ok && sqlite3_changes (self->db) > 0)
        {
          added++;
          stats_add_search (rows, local_day (self->tz, search->at, &hour), 1, redacted,
                            search->n_results == 0, opened == NULL);
        }
    }
  ok = ok && stats_flush (self, rows, what, error);
  ok = end (self, ok, what, error);
  g_mutex_unlock (&self->lock);
  if (ok && n_new != NULL)
    *n_new = added;
  return ok;
}

/* ---- asynchronous variants ---- */

typedef enum
{
  OP_SAVE_DRAFT,
  OP_FINISH,
  OP_CORRECT,
  OP_DELETE,
  OP_LIST_DRAFTS,
  OP_LIST_FINISHED,
  OP_LIST_CALLBACKS,
  OP_CLOSE_CALLBACK,
  OP_LOG_SEARCH,
} OpKind;

typedef struct
{
  OpKind     kind;
  VbContact *original;   /* the caller's contact: touched only on the caller's thread */
  VbContact *snapshot;   /* the copy the worker writes */
  char      *s1;
  char      *s2;
  gint64     from;
  gint64     to;
  guint      n;
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->original);
  g_clear_object (&op->snapshot);
  g_free (op->s1);
  g_free (op->s2);
  g_free (op);
}

static void
op_thread (GTask        *task,
           gpointer      source,
           gpointer      task_data,
           GCancellable *cancellable)
{
  VbContactStore *self = source;
  Op *op = task_data;
  GError *error = NULL;
  GPtrArray *array = NULL;
  gboolean ok = FALSE;

  switch (op->kind)
    {
    case OP_SAVE_DRAFT:
      ok = vb_contact_store_save_draft (self, op->snapshot, &error);
      break;
    case OP_FINISH:
      ok = vb_contact_store_finish (self, op->snapshot, &error);
      break;
    case OP_CORRECT:
      ok = vb_contact_store_correct (self, op->snapshot, &error);
      break;
    case OP_DELETE:
      ok = vb_contact_store_delete (self, op->s1, op->s2, &error);
      break;
    case OP_CLOSE_CALLBACK:
      ok = vb_contact_store_close_callback (self, op->s1, op->s2, &error);
      break;
    case OP_LOG_SEARCH:
      ok = vb_contact_store_log_search (self, op->s1, op->n, op->s2, &error);
      break;
    case OP_LIST_DRAFTS:
      array = vb_contact_store_list_drafts (self, &error);
      break;
    case OP_LIST_FINISHED:
      array = vb_contact_store_list_finished (self, op->from, op->to, &error);
      break;
    case OP_LIST_CALLBACKS:
      array = vb_contact_store_list_callbacks (self, op->n != 0, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (op->kind == OP_LIST_DRAFTS || op->kind == OP_LIST_FINISHED || op->kind == OP_LIST_CALLBACKS)
    {
      if (array == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, array, (GDestroyNotify) g_ptr_array_unref);
    }
  else if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_op (VbContactStore      *self,
        Op                  *op,
        gpointer             source_tag,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  g_task_run_in_thread (task, op_thread);
}

static Op *
op_new (OpKind     kind,
        VbContact *contact)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  if (contact != NULL)
    {
      op->original = g_object_ref (contact);
      op->snapshot = vb_contact_copy (contact);
    }
  return op;
}

static gboolean
op_finish_boolean (VbContactStore  *self,
                   GAsyncResult    *result,
                   gpointer         source_tag,
                   GError         **error)
{
  Op *op;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  op = g_task_get_task_data (G_TASK (result));
  if (op->kind == OP_FINISH || op->kind == OP_CORRECT)
    {
      VbCallback *cb = vb_contact_get_callback (op->original);
      VbCallback *stored = vb_contact_get_callback (op->snapshot);

      vb_contact_set_state (op->original, vb_contact_get_status (op->snapshot),
                            vb_contact_get_revision (op->snapshot),
                            vb_contact_is_purged (op->snapshot));
      vb_contact_set_ended (op->original, vb_contact_get_ended (op->snapshot));
      if (cb != NULL && stored != NULL && g_strcmp0 (cb->uuid, stored->uuid) == 0)
        {
          cb->created = stored->created;
          g_free (cb->contact_uuid);
          cb->contact_uuid = g_strdup (stored->contact_uuid);
        }
    }
  return TRUE;
}

static GPtrArray *
op_finish_pointer (VbContactStore  *self,
                   GAsyncResult    *result,
                   gpointer         source_tag,
                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vb_contact_store_save_draft_async (VbContactStore      *self,
                                   VbContact           *contact,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (VB_IS_CONTACT_STORE (self));
  g_return_if_fail (VB_IS_CONTACT (contact));
  run_op (self, op_new (OP_SAVE_DRAFT, contact), vb_contact_store_save_draft_async, cancellable,
          callback, user_data);
}

gboolean
vb_contact_store_save_draft_finish (VbContactStore  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return op_finish_boolean (self, result, vb_contact_store_save_draft_async, error);
}

void
vb_contact_store_finish_contact_async (VbContactStore      *self,
                                       VbContact           *contact,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (VB_IS_CONTACT_STORE (self));
  g_return_if_fail (VB_IS_CONTACT (contact));
  run_op (self, op_new (OP_FINISH, contact), vb_contact_store_finish_contact_async, cancellable,
          callback, user_data);
}

gboolean
vb_contact_store_finish_contact_finish (VbContactStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return op_finish_boolean (self, result, vb_contact_store_finish_contact_async, error);
}

void
vb_contact_store_correct_async (VbContactStore      *self,
                                VbContact           *contact,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (VB_IS_CONTACT_STORE (self));
  g_return_if_fail (VB_IS_CONTACT (contact));
  run_op (self, op_new (OP_CORRECT, contact), vb_contact_store_correct_async, cancellable,
          callback, user_data);
}

gboolean
vb_contact_store_correct_finish (VbContactStore  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return op_finish_boolean (self, result, vb_contact_store_correct_async, error);
}

void
vb_contact_store_delete_async (VbContactStore      *self,
                               const char          *uuid,
                               const char          *agent,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Op *op;

  g_return_if_fail (VB_IS_CONTACT_STORE (self));
  g_return_if_fail (uuid != NULL);

  op = op_new (OP_DELETE, NULL);
  op->s1 = g_strdup (uuid);
  op->s2 = g_strdup (agent);
  run_op (self, op, vb_contact_store_delete_async, cancellable, callback, user_data);
}

gboolean
vb_contact_store_delete_finish (VbContactStore  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  return op_finish_boolean (self, result, vb_contact_store_delete_async, error);
}

void
vb_contact_store_list_drafts_async (VbContactStore      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (VB_IS_CONTACT_STORE (self));
  run_op (self, op_new (OP_LIST_DRAFTS, NULL), vb_contact_store_list_drafts_async, cancellable,
          callback, user_data);
}

GPtrArray *
vb_contact_store_list_drafts_finish (VbContactStore  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return op_finish_pointer (self, result, vb_contact_store_list_drafts_async, error);
}

void
vb_contact_store_list_finished_async (VbContactStore      *self,
                                      gint64               from,
                                      gint64               to,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Op *op;

  g_return_if_fail (VB_IS_CONTACT_STORE (self));

  op = op_new (OP_LIST_FINISHED, NULL);
  op->from = from;
  op->to = to;
  run_op (self, op, vb_contact_store_list_finished_async, cancellable, callback, user_data);
}

GPtrArray *
vb_contact_store_list_finished_finish (VbContactStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return op_finish_pointer (self, result, vb_contact_store_list_finished_async, error);
}

void
vb_contact_store_list_callbacks_async (VbContactStore      *self,
                                       gboolean             only_open,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Op *op;

  g_return_if_fail (VB_IS_CONTACT_STORE (self));

  op = op_new (OP_LIST_CALLBACKS, NULL);
  op->n = only_open ? 1 : 0;
  run_op (self, op, vb_contact_store_list_callbacks_async, cancellable, callback, user_data);
}

GPtrArray *
vb_contact_store_list_callbacks_finish (VbContactStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return op_finish_pointer (self, result, vb_contact_store_list_callbacks_async, error);
}

void
vb_contact_store_close_callback_async (VbContactStore      *self,
                                       const char          *callback_uuid,
                                       const char          *agent,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Op *op;

  g_return_if_fail (VB_IS_CONTACT_STORE (self));
  g_return_if_fail (callback_uuid != NULL);

  op = op_new (OP_CLOSE_CALLBACK, NULL);
  op->s1 = g_strdup (callback_uuid);
  op->s2 = g_strdup (agent);
  run_op (self, op, vb_contact_store_close_callback_async, cancellable, callback, user_data);
}

gboolean
vb_contact_store_close_callback_finish (VbContactStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return op_finish_boolean (self, result, vb_contact_store_close_callback_async, error);
}

void
vb_contact_store_log_search_async (VbContactStore      *self,
                                   const char          *query,
                                   guint                n_results,
                                   const char          *opened_item,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Op *op;

  g_return_if_fail (VB_IS_CONTACT_STORE (self));

  op = op_new (OP_LOG_SEARCH, NULL);
  /* Redacted here already, so the unredacted query never waits in a queue. */
  op->s1 = vb_redact_query (query != NULL ? query : "");
  op->s2 = g_strdup (opened_item);
  op->n = n_results;
  run_op (self, op, vb_contact_store_log_search_async, cancellable, callback, user_data);
}

gboolean
vb_contact_store_log_search_finish (VbContactStore  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return op_finish_boolean (self, result, vb_contact_store_log_search_async, error);
}

/* The application's contact log in the user's data folder. */
char *
vb_default_contacts_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "vraagbaak", "contacts.db", NULL);
}

/* The items most often used as the answer in contacts that started after @since (Unix time),
 * most used first: ids as owned strings. For the start page ("most used answers"). */
GPtrArray *
vb_contact_store_list_most_used (VbContactStore  *self,
                                 gint64           since,
                                 guint            limit,
                                 GError         **error)
{
  const char *what = "Cannot read the most used answers";
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (VB_IS_CONTACT_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = prepare (self, "SELECT q.item_id, count(*) AS n FROM questions q"
                        " JOIN contacts c ON c.uuid = q.contact"
                        " WHERE q.item_id IS NOT NULL AND c.status = 'finished' AND c.started >= ?1"
                        " GROUP BY q.item_id ORDER BY n DESC, q.item_id LIMIT ?2",
                  VB_CONTACT_ERROR_OPEN, what, error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, since);
      sqlite3_bind_int (stmt, 2, limit);
    }
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (ok && rc != SQLITE_DONE)
    ok = set_db_error (error, VB_CONTACT_ERROR_OPEN, rc, self->db, what);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&ids) : NULL;
}
