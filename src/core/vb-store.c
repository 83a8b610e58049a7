/* vb-store.c: the content database
 *
 * One SQLite file (WAL, foreign keys on) holds the content: items with their full JSON, the
 * reference lists and the search index. Contacts live in a separate file, so a content sync
 * never touches them. This object owns the single writer connection (guarded by a mutex, so
 * GTask workers may share it); searches open their own read connections with
 * vb_store_open_reader(), and with WAL a long write never blocks them.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <glib/gstdio.h>

#include "vb-fts.h"
#include "vb-lexicon.h"
#include "vb-store.h"
#include "vb-text.h"

struct _VbStore
{
  GObject  parent_instance;

  char    *path;
  sqlite3 *db;
  GMutex   lock;
  gboolean change_log;  /* the server: every write appends to the change log */
};

G_DEFINE_FINAL_TYPE (VbStore, vb_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (vb-store-error-quark, vb_store_error)

static gboolean migrate_2_fill (sqlite3 *db, GError **error);
static gboolean migrate_3_spelling (sqlite3 *db, GError **error);

/* Ordered migrations: migrations[i] brings a database from version i to i + 1. */
static const struct {
  const char *sql;
  gboolean (*after) (sqlite3 *db, GError **error);
} migrations[] = {
  /* 0 -> 1: content and reference lists */
  { "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE items ("
    "  rowid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('vac', 'product', 'notice')),"
    "  title TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'actief',"
    "  doelgroep TEXT,"
    "  origin TEXT NOT NULL DEFAULT 'lokaal',"
    "  modified TEXT,"
    "  review_by TEXT,"
    "  starts TEXT,"
    "  ends TEXT,"
    "  importance INTEGER NOT NULL DEFAULT 0,"
    "  data TEXT NOT NULL);"
    "CREATE INDEX items_kind ON items (kind, status);"
    "CREATE TABLE item_afdelingen ("
    "  item INTEGER NOT NULL REFERENCES items (rowid) ON DELETE CASCADE,"
    "  afdeling TEXT NOT NULL,"
    "  PRIMARY KEY (item, afdeling)) WITHOUT ROWID;"
    "CREATE TABLE item_links ("
    "  item INTEGER NOT NULL REFERENCES items (rowid) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"
    "  target TEXT NOT NULL,"
    "  PRIMARY KEY (item, kind, target)) WITHOUT ROWID;"
    "CREATE INDEX item_links_target ON item_links (target);"
    "CREATE TABLE kanalen (code TEXT PRIMARY KEY, naam TEXT NOT NULL,"
    "  position INTEGER NOT NULL DEFAULT 0, data TEXT);"
    "CREATE TABLE gespreksresultaten (code TEXT PRIMARY KEY, naam TEXT NOT NULL,"
    "  afgehandeld_door_kcc INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL DEFAULT 0,"
    "  data TEXT);"
    "CREATE TABLE afdelingen (id TEXT PRIMARY KEY, naam TEXT NOT NULL, data TEXT);",
    NULL },
  /* 1 -> 2: the search index (two FTS5 tables over active items, and the spelling
   * vocabulary for typo correction) */
  { "ALTER TABLE items ADD COLUMN keywords TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE items ADD COLUMN body TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE items ADD COLUMN facets TEXT NOT NULL DEFAULT '';"
    "CREATE VIEW search_content AS SELECT rowid AS item_rowid, title, keywords, body, facets"
    "  FROM items WHERE status = 'actief';"
    "CREATE VIRTUAL TABLE fts_all USING fts5 (title, keywords, body, facets,"
    "  content = 'search_content', content_rowid = 'item_rowid', tokenize = 'vb');"
    "CREATE VIRTUAL TABLE fts_head USING fts5 (title, keywords, facets,"
    "  content = 'search_content', content_rowid = 'item_rowid', tokenize = 'vb',"
    "  prefix = '2 3');"
    "CREATE VIRTUAL TABLE fts_all_vocab USING fts5vocab (fts_all, row);"
    "CREATE TABLE spell_words (word TEXT PRIMARY KEY, df INTEGER NOT NULL DEFAULT 0,"
    "  trigrams INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE spell_trigrams (trigram TEXT NOT NULL, len INTEGER NOT NULL,"
    "  word TEXT NOT NULL, PRIMARY KEY (trigram, len, word)) WITHOUT ROWID;",
    migrate_2_fill },
  /* 2 -> 3: development databases of version 2 kept the index with triggers and had a
   * spelling vocabulary without document counts; drop both and rebuild the vocabulary. */
  { "DROP TRIGGER IF EXISTS items_ai;"
    "DROP TRIGGER IF EXISTS items_ad;"
    "DROP TRIGGER IF EXISTS items_au;"
    "DROP TABLE IF EXISTS spell_trigrams;"
    "DROP TABLE IF EXISTS spell_words;"
    "CREATE TABLE spell_words (word TEXT PRIMARY KEY, df INTEGER NOT NULL DEFAULT 0,"
    "  trigrams INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE spell_trigrams (trigram TEXT NOT NULL, len INTEGER NOT NULL,"
    "  word TEXT NOT NULL, PRIMARY KEY (trigram, len, word)) WITHOUT ROWID;",
    migrate_3_spelling },
  /* 3 -> 4: the change log the server serves to clients (docs/sync-protocol.md): one row per
   * write, in commit order, with the item as written (pages of the feed never change). */
  { "CREATE TABLE changes ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  op TEXT NOT NULL CHECK (op IN ('put', 'delete', 'list')),"
    "  type TEXT NOT NULL,"
    "  id TEXT NOT NULL,"
    "  data TEXT,"
    "  at INTEGER NOT NULL);",
    NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == VB_STORE_SCHEMA_VERSION);


static gboolean
set_sqlite_error (GError     **error,
                  VbStoreError code,
                  sqlite3     *db,
                  const char  *what)
{
  int rc = sqlite3_errcode (db);

  if (rc == SQLITE_FULL)
    g_set_error (error, VB_STORE_ERROR, code, "%s: the disk is full", what);
  else if (rc == SQLITE_READONLY)
    g_set_error (error, VB_STORE_ERROR, code, "%s: the database is read-only", what);
  else
    g_set_error (error, VB_STORE_ERROR, code, "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, VB_STORE_ERROR, VB_STORE_ERROR_WRITE, "%s",
                   msg != NULL ? msg : sqlite3_errmsg (db));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

/* Prepared statements kept per writer connection and reused: an import writes thousands of
 * rows with the same few statements, and preparing the upsert also compiles its triggers.
 * Only our own statements are tracked: FTS5 keeps statements on the same connection. */
static GHashTable *stmt_cache;  /* sqlite3* -> GHashTable of SQL text (static) -> sqlite3_stmt* */
G_LOCK_DEFINE_STATIC (stmt_cache);

/* A statement for @sql (a string literal: it is looked up by address), reset and unbound.
 * Reset it after use; never finalize it. */
static sqlite3_stmt *
cached_stmt (sqlite3    *db,
             const char *sql)
{
  GHashTable *stmts;
  sqlite3_stmt *stmt;

  G_LOCK (stmt_cache);
  if (stmt_cache == NULL)
    stmt_cache = g_hash_table_new (NULL, NULL);
  stmts = g_hash_table_lookup (stmt_cache, db);
  if (stmts == NULL)
    {
      stmts = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (stmt_cache, db, stmts);
    }
  stmt = g_hash_table_lookup (stmts, sql);
  if (stmt == NULL &&
      sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) == SQLITE_OK)
    g_hash_table_insert (stmts, (gpointer) sql, stmt);
  G_UNLOCK (stmt_cache);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  return stmt;
}

static void
finalize_all (sqlite3 *db)
{
  GHashTable *stmts;

  G_LOCK (stmt_cache);
  stmts = stmt_cache != NULL ? g_hash_table_lookup (stmt_cache, db) : NULL;
  if (stmts != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_remove (stmt_cache, db);
      g_hash_table_iter_init (&iter, stmts);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        sqlite3_finalize (value);
      g_hash_table_unref (stmts);
    }
  G_UNLOCK (stmt_cache);
}

static void
vb_store_finalize (GObject *object)
{
  VbStore *self = VB_STORE (object);

  if (self->db != NULL)
    {
      finalize_all (self->db);
      sqlite3_close_v2 (self->db);
    }
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vb_store_parent_class)->finalize (object);
}

static void
vb_store_class_init (VbStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vb_store_finalize;
}

static void
vb_store_init (VbStore *self)
{
  g_mutex_init (&self->lock);
}

static sqlite3 *
open_connection (const char  *path,
                 gboolean     read_only,
                 GError     **error)
{
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  const char *pragmas =
    "PRAGMA foreign_keys = ON;"
    "PRAGMA busy_timeout = 5000;"
    "PRAGMA temp_store = MEMORY;"
    "PRAGMA cache_size = -16000;";

  if (!read_only)
    flags |= SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2 (path, &db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, VB_STORE_ERROR, VB_STORE_ERROR_OPEN, "Cannot open %s: %s", path,
                   db != NULL ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close_v2 (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 0);
  if (!exec (db, pragmas, error) ||
      (!read_only && !exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                                /* A sync page writes more than SQLite's default of 1,000
                                 * WAL pages, so every commit was followed by a checkpoint
                                 * (with an fsync) that copied pages the next page rewrites
                                 * anyway (index segments being merged, the spelling tables).
                                 * Checkpoint every 8,192 pages (32 MB); the WAL file is
                                 * truncated back to 64 MB at most after a checkpoint. */
                                "PRAGMA wal_autocheckpoint = 8192;"
                                "PRAGMA journal_size_limit = 67108864;",
                            error)) ||
      (read_only && !exec (db, "PRAGMA query_only = ON;", error)) ||
      !vb_fts_register (db, error))
    {
      g_prefix_error (error, "Cannot open %s: ", path);
      sqlite3_close_v2 (db);
      return NULL;
    }
  return db;
}

static int
get_user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
migrate (sqlite3     *db,
         int          target,
         GError     **error)
{
  int version = get_user_version (db);

  if (version < 0)
    return set_sqlite_error (error, VB_STORE_ERROR_SCHEMA, db, "Cannot read the schema version");
  if (version > VB_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, VB_STORE_ERROR, VB_STORE_ERROR_SCHEMA,
                   "The content database has schema version %d; this program knows up to %d",
                   version, VB_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < target; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      /* Each step is one transaction: a crash leaves the old version, never half of one. */
      if (!exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (db, migrations[version].sql, error) ||
          (migrations[version].after != NULL && !migrations[version].after (db, error)) ||
          !exec (db, bump, error) || !exec (db, "COMMIT", error))
        {
          g_prefix_error (error, "Cannot migrate the content database to version %d: ",
                          version + 1);
          exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
get_meta (sqlite3     *db,
          const char  *key,
          char       **value)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  *value = NULL;
  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      found = TRUE;
    }
  sqlite3_finalize (stmt);
  return found;
}

static gboolean
set_meta (sqlite3     *db,
          const char  *key,
          const char  *value,
          GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", -1,
                          &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot write meta data");
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot write meta data");
  return TRUE;
}

/* ---- spelling vocabulary ---- */

/* The vocabulary of a batch: each word with the number of items it occurs in. It feeds the
 * completion of half-typed words (by document frequency) and typo correction (trigrams). */
typedef struct
{
  guint    count;     /* items in the batch with this word */
  gboolean heading;   /* seen in a title or keywords */
} WordCount;

typedef struct
{
  GHashTable *words;  /* word -> WordCount */
  GHashTable *item;   /* the words of the current item */
  gboolean    heading;
} WordSet;

static void
word_set_init (WordSet *set)
{
  set->words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  set->item = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
word_set_clear (WordSet *set)
{
  g_clear_pointer (&set->words, g_hash_table_unref);
  g_clear_pointer (&set->item, g_hash_table_unref);
}

static gboolean
collect_spell_word (const char *folded,
                    gsize       len,
                    gsize       start,
                    gsize       end,
                    gpointer    user_data)
{
  WordSet *set = user_data;
  gpointer key = NULL, value = NULL;

  if (len < 2 || len > 32 || folded[0] == VB_TEXT_MARK)
    return TRUE;
  for (gsize i = 0; i < len; i++)
    if (g_ascii_isdigit (folded[i]))
      return TRUE;
  if (g_hash_table_lookup_extended (set->words, folded, &key, &value))
    ((WordCount *) value)->heading |= set->heading;
  if (g_hash_table_contains (set->item, folded))
    return TRUE;
  if (value == NULL)
    {
      key = g_strndup (folded, len);
      value = g_new0 (WordCount, 1);
      ((WordCount *) value)->heading = set->heading;
      g_hash_table_insert (set->words, key, value);
    }
  ((WordCount *) value)->count++;
  /* The key lives in words for as long as item needs it. */
  g_hash_table_add (set->item, key);
  return TRUE;
}

typedef struct
{
  char        trigram[4];
  int         len;
  const char *word;  /* a key of the batch's words */
} TrigramRow;

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static int
compare_trigram_rows (gconstpointer a,
                      gconstpointer b)
{
  const TrigramRow *x = a, *y = b;
  int c = strcmp (x->trigram, y->trigram);

  if (c == 0)
    c = (x->len > y->len) - (x->len < y->len);
  return c != 0 ? c : strcmp (x->word, y->word);
}

/* Adds the batch's words to the vocabulary: counts for words already known, and new words
 * with their trigrams. Typo correction needs trigrams only for words an agent would type:
 * those in titles and keywords, and body words that occur in more than one item, of four
 * letters or more. That keeps the trigram table a fraction of the vocabulary.
 *
 * Words and trigrams are written in key order: a page brings thousands of words, and in
 * order they touch each B-tree page once instead of at random. */
static gboolean
add_spell_words (sqlite3     *db,
                 GHashTable  *words,
                 GError     **error)
{
  sqlite3_stmt *update = cached_stmt (db, "UPDATE spell_words SET df = df + ?2 WHERE word = ?1"
                                          " RETURNING df, trigrams");
  sqlite3_stmt *insert = cached_stmt (db, "INSERT INTO spell_words (word, df, trigrams)"
                                          " VALUES (?1, ?2, ?3)");
  sqlite3_stmt *mark = cached_stmt (db, "UPDATE spell_words SET trigrams = 1 WHERE word = ?1");
  sqlite3_stmt *tri = cached_stmt (db, "INSERT OR IGNORE INTO spell_trigrams (trigram, len, word)"
                                       " VALUES (?1, ?2, ?3)");
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (g_hash_table_size (words));
  g_autoptr(GArray) trigrams = g_array_new (FALSE, FALSE, sizeof (TrigramRow));
  GHashTableIter iter;
  gpointer key;
  gboolean ok = update != NULL && insert != NULL && mark != NULL && tri != NULL;

  g_hash_table_iter_init (&iter, words);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (sorted, key);
  g_ptr_array_sort (sorted, compare_strings);

  for (guint w = 0; ok && w < sorted->len; w++)
    {
      const char *word = g_ptr_array_index (sorted, w);
      WordCount *wc = g_hash_table_lookup (words, word);
      gsize len = strlen (word);
      gint64 df = wc->count;
      gboolean has_trigrams = FALSE, wants_trigrams;
      gboolean known = FALSE;
      char padded[40];
      int rc;

      sqlite3_reset (update);
      sqlite3_bind_text (update, 1, word, -1, SQLITE_STATIC);
      sqlite3_bind_int (update, 2, wc->count);
      rc = sqlite3_step (update);
      if (rc == SQLITE_ROW)
        {
          known = TRUE;
          df = sqlite3_column_int64 (update, 0);
          has_trigrams = sqlite3_column_int (update, 1) != 0;
          rc = sqlite3_step (update);
        }
      sqlite3_reset (update);
      wants_trigrams = !has_trigrams && len >= 4 && (wc->heading || df >= 2);
      if (rc == SQLITE_DONE && !known)
        {
          /* A new word is marked as it is inserted. */
          sqlite3_reset (insert);
          sqlite3_bind_text (insert, 1, word, -1, SQLITE_STATIC);
          sqlite3_bind_int (insert, 2, wc->count);
          sqlite3_bind_int (insert, 3, wants_trigrams ? 1 : 0);
          rc = sqlite3_step (insert);
          sqlite3_reset (insert);
        }
      else if (rc == SQLITE_DONE && wants_trigrams)
        {
          sqlite3_reset (mark);
          sqlite3_bind_text (mark, 1, word, -1, SQLITE_STATIC);
          rc = sqlite3_step (mark);
          sqlite3_reset (mark);
        }
      ok = rc == SQLITE_DONE;
      if (!ok || !wants_trigrams)
        continue;

      g_snprintf (padded, sizeof padded, "^%s$", word);
      for (gsize i = 0; i + 3 <= len + 2; i++)
        {
          TrigramRow row = { { padded[i], padded[i + 1], padded[i + 2], '\0' }, len, word };

          g_array_append_val (trigrams, row);
        }
    }

  g_array_sort (trigrams, compare_trigram_rows);
  for (guint i = 0; ok && i < trigrams->len; i++)
    {
      TrigramRow *row = &g_array_index (trigrams, TrigramRow, i);

      sqlite3_reset (tri);
      sqlite3_bind_text (tri, 1, row->trigram, 3, SQLITE_STATIC);
      sqlite3_bind_int (tri, 2, row->len);
      sqlite3_bind_text (tri, 3, row->word, -1, SQLITE_STATIC);
      ok = sqlite3_step (tri) == SQLITE_DONE;
    }
  sqlite3_reset (update);
  sqlite3_reset (insert);
  sqlite3_reset (mark);
  sqlite3_reset (tri);
  if (!ok)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot update the spelling list");
  return TRUE;
}

/* ---- item rows ---- */

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           col,
                   const char   *value)
{
  if (value != NULL && *value != '\0')
    sqlite3_bind_text (stmt, col, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, col);
}

/* Content can never carry internal index tokens: control characters become spaces. */
static char *
strip_controls (char *text)
{
  for (char *p = text; *p; p++)
    if ((guchar) *p < 0x20 && *p != '\n' && *p != '\t')
      *p = ' ';
  return text;
}

static char *
join_keywords (VbItem *item)
{
  g_auto(GStrv) keywords = vb_item_dup_keywords (item);

  return strip_controls (g_strjoinv (" ; ", keywords));
}

/* The words of one item for the spelling vocabulary, added to @set. */
static void
collect_item_words (WordSet    *set,
                    const char *title,
                    const char *keywords,
                    const char *body)
{
  g_hash_table_remove_all (set->item);
  set->heading = TRUE;
  vb_text_foreach_word (title, -1, collect_spell_word, set);
  vb_text_foreach_word (keywords, -1, collect_spell_word, set);
  set->heading = FALSE;
  vb_text_foreach_word (body, -1, collect_spell_word, set);
}

/* What write_item() stores of an item, derived from it: computed ahead by
 * vb_store_prepare_items() (the sync does that on its parse thread, while the previous page
 * is being written), or by write_item() itself. */
typedef struct
{
  char       *data, *keywords, *body, *title, *facets;
  /* The item's spelling words, each once: a flag byte ('h' when seen in the title or
   * keywords, else 'b') then the word and a NUL; an empty word ends it. NULL when not
   * collected. Packed, because a page waits here while the previous one is applied. */
  char       *words;
} ItemRow;

#define ITEM_ROW_KEY "vb-store-item-row"

static void
item_row_free (gpointer p)
{
  ItemRow *row = p;

  g_free (row->data);
  g_free (row->keywords);
  g_free (row->body);
  g_free (row->title);
  g_free (row->facets);
  g_free (row->words);
  g_free (row);
}

static ItemRow *
item_row_new (VbItem   *item,
              gboolean  with_words)
{
  ItemRow *row = g_new0 (ItemRow, 1);

  row->data = vb_item_to_json (item);
  row->keywords = join_keywords (item);
  row->body = strip_controls (vb_item_dup_body_text (item));
  row->title = strip_controls (g_strdup (vb_item_get_title (item)));
  row->facets = vb_item_dup_facets (item);
  if (with_words && vb_item_is_searchable (item))
    {
      GString *packed = g_string_new (NULL);
      GHashTableIter iter;
      gpointer key, value;
      WordSet set;

      word_set_init (&set);
      collect_item_words (&set, row->title, row->keywords, row->body);
      g_hash_table_iter_init (&iter, set.words);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_string_append_c (packed, ((WordCount *) value)->heading ? 'h' : 'b');
          g_string_append_len (packed, key, strlen (key) + 1);
        }
      g_string_append_c (packed, '\0');
      row->words = g_string_free (packed, FALSE);
      word_set_clear (&set);
    }
  return row;
}

/* Adds one item's words (from item_row_new) to the batch's: as collect_item_words() would. */
static void
merge_item_words (WordSet    *set,
                  const char *words)
{
  for (const char *p = words; *p != '\0';)
    {
      gboolean heading = *p == 'h';
      const char *word = p + 1;
      gsize len = strlen (word);
      WordCount *have = g_hash_table_lookup (set->words, word);

      if (have == NULL)
        {
          have = g_new0 (WordCount, 1);
          g_hash_table_insert (set->words, g_strndup (word, len), have);
        }
      have->count++;
      have->heading |= heading;
      p = word + len + 1;
    }
}

/* Derives, for each VbItem of @items, what vb_store_apply_changes() or vb_store_upsert() will
 * store (JSON, search columns, spelling words), so that the write itself does less. Any
 * thread; the items must not change before they are written. */
void
vb_store_prepare_items (GPtrArray *items)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      VbItem *item = g_ptr_array_index (items, i);

      g_object_set_data_full (G_OBJECT (item), ITEM_ROW_KEY, item_row_new (item, TRUE),
                              item_row_free);
    }
}

/* Adds (or, with @remove, takes out) one item's entries in both search tables. The index is
 * kept by these explicit single-row statements rather than triggers: a trigger makes the
 * upsert a statement with a savepoint, and FTS5 writes its pending index data at every
 * savepoint, which made each item its own index segment. */
static gboolean
index_row (sqlite3        *db,
           sqlite3_int64   rowid,
           const char     *title,
           const char     *keywords,
           const char     *body,
           const char     *facets,
           gboolean        remove,
           GError        **error)
{
  sqlite3_stmt *all = cached_stmt (db, remove
    ? "INSERT INTO fts_all (fts_all, rowid, title, keywords, body, facets)"
      " VALUES ('delete', ?1, ?2, ?3, ?4, ?5)"
    : "INSERT INTO fts_all (rowid, title, keywords, body, facets) VALUES (?1, ?2, ?3, ?4, ?5)");
  sqlite3_stmt *head = cached_stmt (db, remove
    ? "INSERT INTO fts_head (fts_head, rowid, title, keywords, facets)"
      " VALUES ('delete', ?1, ?2, ?3, ?4)"
    : "INSERT INTO fts_head (rowid, title, keywords, facets) VALUES (?1, ?2, ?3, ?4)");
  gboolean ok;

  if (all == NULL || head == NULL)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot update the search index");
  sqlite3_bind_int64 (all, 1, rowid);
  sqlite3_bind_text (all, 2, title, -1, SQLITE_STATIC);
  sqlite3_bind_text (all, 3, keywords, -1, SQLITE_STATIC);
  sqlite3_bind_text (all, 4, body, -1, SQLITE_STATIC);
  sqlite3_bind_text (all, 5, facets, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (head, 1, rowid);
  sqlite3_bind_text (head, 2, title, -1, SQLITE_STATIC);
  sqlite3_bind_text (head, 3, keywords, -1, SQLITE_STATIC);
  sqlite3_bind_text (head, 4, facets, -1, SQLITE_STATIC);
  ok = sqlite3_step (all) == SQLITE_DONE && sqlite3_step (head) == SQLITE_DONE;
  sqlite3_reset (all);
  sqlite3_reset (head);
  if (!ok)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot update the search index");
  return TRUE;
}

/* Index changes of one transaction, applied together at its end (flush_index).
 *
 * FTS5 writes the data it holds in memory as a new segment at every statement savepoint, and
 * SQLite opens one for every statement that may abort after writing more than one row: the
 * item upsert, the deletes of an item's departments and links, the spelling updates. With the
 * index written item by item, each item of a page became its own segment in both tables, and
 * FTS5 spent a third of the sync merging them again. Queued to the end of the transaction,
 * after the last such statement, a page becomes one segment per table (or a few, when it is
 * larger than FTS5's in-memory limit). */
#define INDEX_QUEUE_MAX 2000

typedef struct
{
  sqlite3_int64 rowid;
  gboolean      remove;
  char         *title, *keywords, *body, *facets;
} IndexOp;

static void
index_op_clear (gpointer data)
{
  IndexOp *op = data;

  g_free (op->title);
  g_free (op->keywords);
  g_free (op->body);
  g_free (op->facets);
}

static GArray *
index_queue_new (void)
{
  GArray *queue = g_array_new (FALSE, FALSE, sizeof (IndexOp));

  g_array_set_clear_func (queue, index_op_clear);
  return queue;
}

/* Queues the entry (or, with @remove, its removal) when @queue is given; else writes it now.
 * Takes the strings when it queues them: the caller passes copies it no longer needs. */
static gboolean
index_row_or_queue (sqlite3        *db,
                    GArray         *queue,
                    sqlite3_int64   rowid,
                    char           *title,
                    char           *keywords,
                    char           *body,
                    char           *facets,
                    gboolean        remove,
                    GError        **error)
{
  IndexOp op = { rowid, remove, title, keywords, body, facets };
  gboolean ok;

  if (queue != NULL)
    {
      g_array_append_val (queue, op);
      return TRUE;
    }
  ok = index_row (db, rowid, title, keywords, body, facets, remove, error);
  index_op_clear (&op);
  return ok;
}

/* Writes the queued index changes, in order. */
static gboolean
flush_index (sqlite3  *db,
             GArray   *queue,
             GError  **error)
{
  for (guint i = 0; i < queue->len; i++)
    {
      IndexOp *op = &g_array_index (queue, IndexOp, i);

      if (!index_row (db, op->rowid, op->title, op->keywords, op->body, op->facets, op->remove,
                      error))
        return FALSE;
    }
  g_array_set_size (queue, 0);
  return TRUE;
}

typedef struct
{
  sqlite3_int64 rowid;
  gboolean      active;
  char         *title, *keywords, *body, *facets;
} OldRow;

static void
old_row_clear (OldRow *old)
{
  g_free (old->title);
  g_free (old->keywords);
  g_free (old->body);
  g_free (old->facets);
}

/* The indexed columns of item @id as stored now; FALSE when there is no such item. */
static gboolean
read_old_row (sqlite3    *db,
              const char *id,
              OldRow     *old)
{
  sqlite3_stmt *stmt = cached_stmt (db, "SELECT rowid, status, title, keywords, body, facets"
                                        " FROM items WHERE id = ?");
  gboolean found = FALSE;

  memset (old, 0, sizeof *old);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      found = TRUE;
      old->rowid = sqlite3_column_int64 (stmt, 0);
      old->active = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "actief") == 0;
      old->title = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      old->keywords = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      old->body = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      old->facets = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
    }
  sqlite3_reset (stmt);
  return found;
}

static gboolean
log_change (sqlite3     *db,
            const char  *op,
            const char  *type,
            const char  *id,
            const char  *data,
            GError     **error)
{
  sqlite3_stmt *stmt = cached_stmt (db, "INSERT INTO changes (op, type, id, data, at)"
                                        " VALUES (?1, ?2, ?3, ?4, ?5)");

  if (stmt == NULL)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot write the change log");
  sqlite3_bind_text (stmt, 1, op, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
  if (data != NULL)
    sqlite3_bind_text (stmt, 4, data, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot write the change log");
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
write_item_row (sqlite3     *db,
                VbItem      *item,
                ItemRow     *row,
                WordSet     *spell,
                gboolean     index,
                GArray      *index_queue,
                gboolean     log,
                GError     **error)
{
  static const char *upsert_sql =
    "INSERT INTO items (id, kind, title, status, doelgroep, origin, modified, review_by,"
    "  starts, ends, importance, data, keywords, body, facets)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    " ON CONFLICT (id) DO UPDATE SET kind = ?2, title = ?3, status = ?4, doelgroep = ?5,"
    "  origin = ?6, modified = ?7, review_by = ?8, starts = ?9, ends = ?10, importance = ?11,"
    "  data = ?12, keywords = ?13, body = ?14, facets = ?15"
    " RETURNING rowid";
  sqlite3_stmt *stmt = NULL;
  const char *data = row->data, *keywords = row->keywords, *body = row->body;
  const char *title = row->title, *facets = row->facets;
  g_auto(GStrv) afdelingen = vb_item_dup_afdelingen (item);
  JsonObject *fields = vb_item_get_fields (item);
  const char *starts = NULL, *ends = NULL;
  gboolean important;
  sqlite3_int64 rowid;
  int rc;

  if (vb_item_get_kind (item) == VB_ITEM_NOTICE)
    {
      starts = vb_item_get_string (item, "publicatieDatum");
      ends = vb_item_get_string (item, "publicatieEinddatum");
    }
  important = json_object_has_member (fields, "belangrijk") &&
              JSON_NODE_HOLDS_VALUE (json_object_get_member (fields, "belangrijk")) &&
              json_object_get_boolean_member (fields, "belangrijk");

  /* Take the previous version out of the index, unless what is indexed did not change (a
   * sync that sends an item again without changes to its text). */
  if (index)
    {
      OldRow old;
      gboolean active = vb_item_is_searchable (item);

      if (read_old_row (db, vb_item_get_id (item), &old) && old.active)
        {
          if (active && g_strcmp0 (old.title, title) == 0 && g_strcmp0 (old.keywords, keywords) == 0 &&
              g_strcmp0 (old.body, body) == 0 && g_strcmp0 (old.facets, facets) == 0)
            index = FALSE;
          else
            {
              /* The queue takes the strings. */
              gboolean ok = index_row_or_queue (db, index_queue, old.rowid,
                                                g_steal_pointer (&old.title),
                                                g_steal_pointer (&old.keywords),
                                                g_steal_pointer (&old.body),
                                                g_steal_pointer (&old.facets), TRUE, error);

              if (!ok)
                {
                  old_row_clear (&old);
                  return FALSE;
                }
            }
        }
      old_row_clear (&old);
    }

  stmt = cached_stmt (db, upsert_sql);
  if (stmt == NULL)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot store item");
  sqlite3_bind_text (stmt, 1, vb_item_get_id (item), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, vb_item_kind_to_string (vb_item_get_kind (item)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, vb_item_get_status (item), -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 5, vb_item_get_doelgroep (item));
  sqlite3_bind_text (stmt, 6, vb_item_get_origin (item), -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 7, vb_item_get_string (item, "modified"));
  bind_text_or_null (stmt, 8, vb_item_get_string (item, "reviewBy"));
  bind_text_or_null (stmt, 9, starts);
  bind_text_or_null (stmt, 10, ends);
  sqlite3_bind_int (stmt, 11, important ? 1 : 0);
  sqlite3_bind_text (stmt, 12, data, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, keywords, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 14, body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 15, facets, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  rowid = sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot store item");

  if (log && !log_change (db, "put", vb_item_kind_to_string (vb_item_get_kind (item)),
                          vb_item_get_id (item), data, error))
    return FALSE;

  if (index && vb_item_is_searchable (item) &&
      !index_row_or_queue (db, index_queue, rowid, g_strdup (title), g_strdup (keywords),
                           g_strdup (body), g_strdup (facets), FALSE, error))
    return FALSE;

  /* Departments and links: replace what the previous version had. */
  {
    sqlite3_stmt *del = NULL, *ins = NULL, *del_links = NULL, *ins_link = NULL;
    gboolean ok = TRUE;
    static const struct { const char *field, *member, *kind; } links[] = {
      { "gerelateerdeVACs", "VAC", "vac" },
      { "gerelateerdeProducten", "product", "product" },
    };

    del = cached_stmt (db, "DELETE FROM item_afdelingen WHERE item = ?");
    ins = cached_stmt (db, "INSERT OR IGNORE INTO item_afdelingen VALUES (?, ?)");
    del_links = cached_stmt (db, "DELETE FROM item_links WHERE item = ?");
    ins_link = cached_stmt (db, "INSERT OR IGNORE INTO item_links VALUES (?, ?, ?)");
    if (del == NULL || ins == NULL || del_links == NULL || ins_link == NULL)
      ok = FALSE;
    if (ok)
      {
        sqlite3_bind_int64 (del, 1, rowid);
        sqlite3_bind_int64 (del_links, 1, rowid);
        ok = sqlite3_step (del) == SQLITE_DONE && sqlite3_step (del_links) == SQLITE_DONE;
      }
    for (guint i = 0; ok && afdelingen[i] != NULL; i++)
      {
        sqlite3_reset (ins);
        sqlite3_bind_int64 (ins, 1, rowid);
        sqlite3_bind_text (ins, 2, afdelingen[i], -1, SQLITE_STATIC);
        ok = sqlite3_step (ins) == SQLITE_DONE;
      }
    for (guint l = 0; ok && l < G_N_ELEMENTS (links); l++)
      {
        JsonNode *node = json_object_get_member (fields, links[l].field);
        JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ?
                           json_node_get_array (node) : NULL;

        for (guint i = 0; ok && array != NULL && i < json_array_get_length (array); i++)
          {
            JsonNode *el = json_array_get_element (array, i);
            const char *target = NULL;

            if (JSON_NODE_HOLDS_OBJECT (el))
              target = json_object_get_string_member_with_default (json_node_get_object (el),
                                                                   links[l].member, NULL);
            else if (JSON_NODE_HOLDS_VALUE (el) && json_node_get_value_type (el) == G_TYPE_STRING)
              target = json_node_get_string (el);
            if (target == NULL || *target == '\0')
              continue;
            /* A link may be a URI; its last segment is the id. */
            if (strrchr (target, '/') != NULL && strrchr (target, '/')[1] != '\0')
              target = strrchr (target, '/') + 1;
            sqlite3_reset (ins_link);
            sqlite3_bind_int64 (ins_link, 1, rowid);
            sqlite3_bind_text (ins_link, 2, links[l].kind, -1, SQLITE_STATIC);
            sqlite3_bind_text (ins_link, 3, target, -1, SQLITE_TRANSIENT);
            ok = sqlite3_step (ins_link) == SQLITE_DONE;
          }
      }
    if (del != NULL)
      sqlite3_reset (del);
    if (ins != NULL)
      sqlite3_reset (ins);
    if (del_links != NULL)
      sqlite3_reset (del_links);
    if (ins_link != NULL)
      sqlite3_reset (ins_link);
    if (!ok)
      return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot store item");
  }

  if (spell != NULL && vb_item_is_searchable (item))
    {
      if (row->words != NULL)
        merge_item_words (spell, row->words);
      else
        collect_item_words (spell, title, keywords, body);
    }
  return TRUE;
}

static gboolean
write_item (sqlite3     *db,
            VbItem      *item,
            WordSet     *spell,
            gboolean     index,
            GArray      *index_queue,
            gboolean     log,
            GError     **error)
{
  /* Prepared ahead (vb_store_prepare_items) or derived now; used once. */
  ItemRow *row = g_object_steal_data (G_OBJECT (item), ITEM_ROW_KEY);
  gboolean ok;

  if (row == NULL)
    row = item_row_new (item, FALSE);
  ok = write_item_row (db, item, row, spell, index, index_queue, log, error);
  item_row_free (row);
  return ok;
}

VbItem *
vb_item_from_row (const char  *kind_str,
                  const char  *id,
                  const char  *data,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  VbItemKind kind;
  JsonNode *root;

  if (!vb_item_kind_from_string (kind_str, &kind) ||
      !json_parser_load_from_data (parser, data, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, VB_STORE_ERROR, VB_STORE_ERROR_READ, "Item %s is damaged", id);
      return NULL;
    }
  return vb_item_new (kind, id, json_node_get_object (root));
}

/* Migration 1 -> 2: derive the search columns of existing items, then index them. */
static gboolean
migrate_2_fill (sqlite3  *db,
                GError  **error)
{
  sqlite3_stmt *sel = NULL;
  WordSet spell;
  gboolean ok = TRUE;
  int rc;

  word_set_init (&spell);
  if (sqlite3_prepare_v2 (db, "SELECT kind, id, data FROM items", -1, &sel, NULL) != SQLITE_OK)
    ok = set_sqlite_error (error, VB_STORE_ERROR_SCHEMA, db, "Cannot read items");
  while (ok && (rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      g_autoptr(VbItem) item = vb_item_from_row ((const char *) sqlite3_column_text (sel, 0),
                                                 (const char *) sqlite3_column_text (sel, 1),
                                                 (const char *) sqlite3_column_text (sel, 2),
                                                 error);

      /* The index is empty: fill the columns now and build the index once at the end. */
      ok = item != NULL && write_item (db, item, &spell, FALSE, NULL, FALSE, error);
    }
  sqlite3_finalize (sel);
  ok = ok && exec (db, "INSERT INTO fts_all (fts_all) VALUES ('rebuild');"
                       "INSERT INTO fts_head (fts_head) VALUES ('rebuild');", error) &&
       add_spell_words (db, spell.words, error);
  word_set_clear (&spell);
  return ok;
}

/* Migration 2 -> 3: the spelling vocabulary again from the active items. */
static gboolean
migrate_3_spelling (sqlite3  *db,
                    GError  **error)
{
  sqlite3_stmt *sel = NULL;
  WordSet spell;
  gboolean ok = TRUE;

  word_set_init (&spell);
  if (sqlite3_prepare_v2 (db, "SELECT title, keywords, body FROM items WHERE status = 'actief'",
                          -1, &sel, NULL) != SQLITE_OK)
    ok = set_sqlite_error (error, VB_STORE_ERROR_SCHEMA, db, "Cannot read items");
  while (ok && sqlite3_step (sel) == SQLITE_ROW)
    {
      g_hash_table_remove_all (spell.item);
      spell.heading = TRUE;
      vb_text_foreach_word ((const char *) sqlite3_column_text (sel, 0), -1, collect_spell_word,
                            &spell);
      vb_text_foreach_word ((const char *) sqlite3_column_text (sel, 1), -1, collect_spell_word,
                            &spell);
      spell.heading = FALSE;
      vb_text_foreach_word ((const char *) sqlite3_column_text (sel, 2), -1, collect_spell_word,
                            &spell);
    }
  sqlite3_finalize (sel);
  ok = ok && add_spell_words (db, spell.words, error);
  word_set_clear (&spell);
  return ok;
}

/* The index depends on the lexicon (compound parts, stemming): rebuild it when that changed. */
static gboolean
check_lexicon (sqlite3  *db,
               GError  **error)
{
  const char *checksum = vb_lexicon_get_checksum (vb_lexicon_get_default ());
  g_autofree char *stored = NULL;

  get_meta (db, "lexicon", &stored);
  if (g_strcmp0 (stored, checksum) == 0)
    return TRUE;

  if (stored != NULL)
    g_message ("The search lexicon changed: rebuilding the search index");
  if (!exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!exec (db, "INSERT INTO fts_all (fts_all) VALUES ('rebuild');"
                 "INSERT INTO fts_head (fts_head) VALUES ('rebuild');", error) ||
      !set_meta (db, "lexicon", checksum, error) || !exec (db, "COMMIT", error))
    {
      exec (db, "ROLLBACK", NULL);
      g_prefix_error (error, "Cannot rebuild the search index: ");
      return FALSE;
    }
  return TRUE;
}

VbStore *
vb_store_open_at_version (const char  *path,
                          int          version,
                          GError     **error)
{
  g_autoptr(VbStore) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (version >= 0 && version <= VB_STORE_SCHEMA_VERSION, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VB_STORE_ERROR, VB_STORE_ERROR_OPEN, "Cannot create folder %s: %s",
                   dir, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (VB_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->db = open_connection (path, FALSE, error);
  if (self->db == NULL)
    return NULL;
  if (!migrate (self->db, version, error))
    return NULL;
  if (version == VB_STORE_SCHEMA_VERSION && !check_lexicon (self->db, error))
    return NULL;
  return g_steal_pointer (&self);
}

VbStore *
vb_store_open (const char  *path,
               GError     **error)
{
  return vb_store_open_at_version (path, VB_STORE_SCHEMA_VERSION, error);
}

const char *
vb_store_get_path (VbStore *self)
{
  return self->path;
}

int
vb_store_get_schema_version (VbStore *self)
{
  int version;

  g_mutex_lock (&self->lock);
  version = get_user_version (self->db);
  g_mutex_unlock (&self->lock);
  return version;
}

/* A new connection for reading (searches): owned by the caller, close with sqlite3_close_v2. */
sqlite3 *
vb_store_open_reader (VbStore  *self,
                      GError  **error)
{
  return open_connection (self->path, TRUE, error);
}

gboolean
vb_store_exec (VbStore     *self,
               const char  *sql,
               GError     **error)
{
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = exec (self->db, sql, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

static gboolean
write_list (sqlite3     *db,
            JsonObject  *lists,
            const char  *name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (lists, name);
  JsonArray *array;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sql = NULL;
  gboolean ok = TRUE;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return TRUE;
  array = json_node_get_array (node);

  if (g_str_equal (name, "kanalen"))
    sql = g_strdup ("INSERT OR REPLACE INTO kanalen (code, naam, position, data) VALUES (?1, ?2, ?3, ?4)");
  else if (g_str_equal (name, "gespreksresultaten"))
    sql = g_strdup ("INSERT OR REPLACE INTO gespreksresultaten"
                    " (code, naam, position, data, afgehandeld_door_kcc) VALUES (?1, ?2, ?3, ?4, ?5)");
  else
    sql = g_strdup ("INSERT OR REPLACE INTO afdelingen (id, naam, data) VALUES (?1, ?2, ?4)");

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot store reference list");

  for (guint i = 0; ok && i < json_array_get_length (array); i++)
    {
      JsonNode *el = json_array_get_element (array, i);
      JsonObject *obj;
      const char *code, *naam;
      g_autofree char *data = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (el))
        continue;
      obj = json_node_get_object (el);
      naam = json_object_get_string_member_with_default (obj, "naam", NULL);
      code = json_object_get_string_member_with_default (obj, g_str_equal (name, "afdelingen") ?
                                                         "id" : "code", naam);
      if (code == NULL || naam == NULL)
        continue;
      data = json_to_string (el, FALSE);
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, naam, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, i);
      sqlite3_bind_text (stmt, 4, data, -1, SQLITE_STATIC);
      if (g_str_equal (name, "gespreksresultaten"))
        sqlite3_bind_int (stmt, 5,
                          json_object_get_boolean_member_with_default (obj, "afgehandeldDoorKcc",
                                                                       FALSE));
      ok = sqlite3_step (stmt) == SQLITE_DONE;
      if (!ok)
        set_sqlite_error (error, VB_STORE_ERROR_WRITE, db, "Cannot store reference list");
    }
  sqlite3_finalize (stmt);
  return ok;
}

static const char *const list_names[] = { "kanalen", "gespreksresultaten", "afdelingen" };

/* Deletes item @id and takes it out of the index; a missing id is not an error. */
static gboolean
delete_item (VbStore     *self,
             const char  *id,
             GArray      *index_queue,
             GError     **error)
{
  sqlite3_stmt *kind = cached_stmt (self->db, "SELECT kind FROM items WHERE id = ?");
  sqlite3_stmt *del = cached_stmt (self->db, "DELETE FROM items WHERE id = ?");
  g_autofree char *type = NULL;
  OldRow old;
  gboolean ok = TRUE;

  if (kind == NULL || del == NULL)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, self->db, "Cannot delete item");
  sqlite3_bind_text (kind, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (kind) == SQLITE_ROW)
    type = g_strdup ((const char *) sqlite3_column_text (kind, 0));
  sqlite3_reset (kind);
  if (type == NULL)
    return TRUE;

  if (read_old_row (self->db, id, &old) && old.active)
    ok = index_row_or_queue (self->db, index_queue, old.rowid, g_steal_pointer (&old.title),
                             g_steal_pointer (&old.keywords), g_steal_pointer (&old.body),
                             g_steal_pointer (&old.facets), TRUE, error);
  old_row_clear (&old);
  if (!ok)
    return FALSE;
  sqlite3_bind_text (del, 1, id, -1, SQLITE_STATIC);
  ok = sqlite3_step (del) == SQLITE_DONE;
  sqlite3_reset (del);
  if (!ok)
    return set_sqlite_error (error, VB_STORE_ERROR_WRITE, self->db, "Cannot delete item");
  return !self->change_log || log_change (self->db, "delete", type, id, NULL, error);
}

/* One write transaction: deletions, then items, then lists, then a meta value. All of it or
 * nothing; the caller holds the lock. */
static gboolean
write_locked (VbStore            *self,
              GPtrArray          *items,
              const char *const  *deleted,
              JsonObject         *lists,
              const char         *meta_key,
              const char         *meta_value,
              GError            **error)
{
  WordSet spell;
  g_autoptr(GArray) index_queue = index_queue_new ();
  gboolean ok;

  word_set_init (&spell);
  ok = exec (self->db, "BEGIN IMMEDIATE", error);
  for (guint i = 0; ok && deleted != NULL && deleted[i] != NULL; i++)
    ok = delete_item (self, deleted[i], index_queue, error);
  for (guint i = 0; ok && items != NULL && i < items->len; i++)
    {
      ok = write_item (self->db, g_ptr_array_index (items, i), &spell, TRUE, index_queue,
                       self->change_log, error);
      /* A large import is one transaction: bound what the queue holds (a segment per this
       * many entries, rather than per item). */
      if (ok && index_queue->len >= INDEX_QUEUE_MAX)
        ok = flush_index (self->db, index_queue, error);
    }
  for (guint i = 0; ok && lists != NULL && i < G_N_ELEMENTS (list_names); i++)
    {
      JsonNode *node = json_object_get_member (lists, list_names[i]);

      ok = write_list (self->db, lists, list_names[i], error);
      if (ok && self->change_log && node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        {
          g_autofree char *data = json_to_string (node, FALSE);

          ok = log_change (self->db, "list", "list", list_names[i], data, error);
        }
    }
  ok = ok && add_spell_words (self->db, spell.words, error);
  /* The index last: see IndexOp. */
  ok = ok && flush_index (self->db, index_queue, error);
  if (ok && meta_key != NULL)
    {
      sqlite3_stmt *stmt = cached_stmt (self->db,
                                        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, meta_key, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, meta_value, -1, SQLITE_STATIC);
          ok = sqlite3_step (stmt) == SQLITE_DONE;
          sqlite3_reset (stmt);
        }
      if (!ok)
        set_sqlite_error (error, VB_STORE_ERROR_WRITE, self->db, "Cannot store the sync state");
    }
  ok = ok && exec (self->db, "COMMIT", error);
  if (!ok)
    exec (self->db, "ROLLBACK", NULL);
  word_set_clear (&spell);
  return ok;
}

/* Writes @items (upsert by id) and the reference lists in @lists (may be NULL) in one
 * transaction: all of it or nothing. */
gboolean
vb_store_upsert (VbStore     *self,
                 GPtrArray   *items,
                 JsonObject  *lists,
                 GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (VB_IS_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = write_locked (self, items, NULL, lists, NULL, NULL, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
vb_store_delete_items (VbStore            *self,
                       const char *const  *ids,
                       GError            **error)
{
  gboolean ok;

  g_return_val_if_fail (VB_IS_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = write_locked (self, NULL, ids, NULL, NULL, NULL, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* The client's sync: applies one page of the server's feed in one transaction (the caller
 * first collapses the page to the last change per id): @deleted ids
 * (missing ones are ignored), then @items, then @lists, and stores @meta_value under
 * @meta_key (the cursor) in the same transaction, so an interrupted sync never leaves half a
 * page and resumes after the last page applied. */
gboolean
vb_store_apply_changes (VbStore            *self,
                        GPtrArray          *items,
                        const char *const  *deleted,
                        JsonObject         *lists,
                        const char         *meta_key,
                        const char         *meta_value,
                        GError            **error)
{
  gboolean ok;

  g_return_val_if_fail (VB_IS_STORE (self), FALSE);
  g_return_val_if_fail (meta_key == NULL || meta_value != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = write_locked (self, items, deleted, lists, meta_key, meta_value, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

char *
vb_store_dup_meta (VbStore    *self,
                   const char *key)
{
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (VB_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = cached_stmt (self->db, "SELECT value FROM meta WHERE key = ?");
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  g_mutex_unlock (&self->lock);
  return value;
}

gboolean
vb_store_set_meta (VbStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (VB_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = write_locked (self, NULL, NULL, NULL, key, value, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* The server: from now on every write of this store appends to the change log. When the log
 * is empty and the store already holds content (a database filled before it was served), the
 * log is seeded with every item and list first, in one transaction. */
gboolean
vb_store_set_change_log (VbStore     *self,
                         gboolean     enabled,
                         GError     **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (VB_IS_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  self->change_log = enabled;
  if (enabled)
    {
      static const char *const seed =
        "BEGIN IMMEDIATE;"
        "INSERT INTO changes (op, type, id, data, at)"
        "  SELECT 'put', kind, id, data, CAST(strftime('%s', 'now') AS INTEGER) FROM items"
        "  ORDER BY rowid;"
        "INSERT INTO changes (op, type, id, data, at)"
        "  SELECT 'list', 'list', name, entries, CAST(strftime('%s', 'now') AS INTEGER) FROM ("
        "    SELECT 1 AS o, 'kanalen' AS name, json_group_array(json(data)) AS entries"
        "      FROM (SELECT data FROM kanalen ORDER BY position) HAVING count(*) > 0"
        "    UNION ALL SELECT 2, 'gespreksresultaten', json_group_array(json(data))"
        "      FROM (SELECT data FROM gespreksresultaten ORDER BY position) HAVING count(*) > 0"
        "    UNION ALL SELECT 3, 'afdelingen', json_group_array(json(data))"
        "      FROM (SELECT data FROM afdelingen ORDER BY naam) HAVING count(*) > 0"
        "    ORDER BY o);"
        "COMMIT;";
      sqlite3_stmt *stmt = cached_stmt (self->db, "SELECT EXISTS (SELECT 1 FROM changes)");
      gboolean empty = stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW &&
                       sqlite3_column_int (stmt, 0) == 0;

      if (stmt != NULL)
        sqlite3_reset (stmt);
      if (empty)
        {
          ok = exec (self->db, seed, error);
          if (!ok)
            exec (self->db, "ROLLBACK", NULL);
        }
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

/* The sequence number of the newest change log entry; 0 when the log is empty. */
gint64
vb_store_get_last_change (VbStore *self)
{
  sqlite3_stmt *stmt;
  gint64 seq = 0;

  g_return_val_if_fail (VB_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  stmt = cached_stmt (self->db, "SELECT coalesce(max(seq), 0) FROM changes");
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  g_mutex_unlock (&self->lock);
  return seq;
}

VbItem *
vb_store_get_item (VbStore     *self,
                   const char  *id,
                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  VbItem *item = NULL;
  int rc;

  g_mutex_lock (&self->lock);
  if (sqlite3_prepare_v2 (self->db, "SELECT kind, id, data FROM items WHERE id = ?", -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, VB_STORE_ERROR_READ, self->db, "Cannot read item");
      goto out;
    }
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    item = vb_item_from_row ((const char *) sqlite3_column_text (stmt, 0),
                             (const char *) sqlite3_column_text (stmt, 1),
                             (const char *) sqlite3_column_text (stmt, 2), error);
  else if (rc == SQLITE_DONE)
    g_set_error (error, VB_STORE_ERROR, VB_STORE_ERROR_NOT_FOUND, "No item with id %s", id);
  else
    set_sqlite_error (error, VB_STORE_ERROR_READ, self->db, "Cannot read item");

out:
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return item;
}

/* Number of items of @kind (a VbItemKind), or of all kinds when @kind is -1. */
gint64
vb_store_count_items (VbStore *self,
                      int      kind)
{
  sqlite3_stmt *stmt = NULL;
  gint64 count = 0;

  g_mutex_lock (&self->lock);
  if (sqlite3_prepare_v2 (self->db,
                          kind < 0 ? "SELECT count(*) FROM items"
                                   : "SELECT count(*) FROM items WHERE kind = ?",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      if (kind >= 0)
        sqlite3_bind_text (stmt, 1, vb_item_kind_to_string (kind), -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return count;
}

/* A reference list (kanalen, gespreksresultaten, afdelingen) as stored, in list order. */
JsonArray *
vb_store_dup_list (VbStore     *self,
                   const char  *list,
                   GError     **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  JsonArray *array;

  if (g_strcmp0 (list, "kanalen") == 0)
    sql = g_strdup ("SELECT data, code, naam FROM kanalen ORDER BY position, code");
  else if (g_strcmp0 (list, "gespreksresultaten") == 0)
    sql = g_strdup ("SELECT data, code, naam, afgehandeld_door_kcc FROM gespreksresultaten"
                    " ORDER BY position, code");
  else if (g_strcmp0 (list, "afdelingen") == 0)
    sql = g_strdup ("SELECT data, id, naam FROM afdelingen ORDER BY naam");
  else
    {
      g_set_error (error, VB_STORE_ERROR, VB_STORE_ERROR_NOT_FOUND, "No list %s", list);
      return NULL;
    }

  array = json_array_new ();
  g_mutex_lock (&self->lock);
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *data = (const char *) sqlite3_column_text (stmt, 0);
        JsonNode *node = data != NULL ? json_from_string (data, NULL) : NULL;

        /* Rows from before the data column was filled: rebuild the object from the columns. */
        if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
          {
            JsonObject *obj = json_object_new ();

            g_clear_pointer (&node, json_node_unref);
            json_object_set_string_member (obj, g_str_equal (list, "afdelingen") ? "id" : "code",
                                           (const char *) sqlite3_column_text (stmt, 1));
            json_object_set_string_member (obj, "naam", (const char *) sqlite3_column_text (stmt, 2));
            if (g_str_equal (list, "gespreksresultaten"))
              json_object_set_boolean_member (obj, "afgehandeldDoorKcc",
                                              sqlite3_column_int (stmt, 3) != 0);
            node = json_node_init_object (json_node_alloc (), obj);
            json_object_unref (obj);
          }
        json_array_add_element (array, node);
      }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return array;
}

/* Every item of @kind (-1: all kinds), sorted by title; with @only_active, only the
 * searchable ones. An array of VbItem. */
GPtrArray *
vb_store_list_items (VbStore     *self,
                     int          kind,
                     gboolean     only_active,
                     GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) sql = g_string_new ("SELECT kind, id, data FROM items WHERE 1");
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  if (kind >= 0)
    g_string_append (sql, " AND kind = ?1");
  if (only_active)
    g_string_append (sql, " AND status = 'actief'");
  g_string_append (sql, " ORDER BY title COLLATE NOCASE, id");

  g_mutex_lock (&self->lock);
  if (sqlite3_prepare_v2 (self->db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    ok = set_sqlite_error (error, VB_STORE_ERROR_READ, self->db, "Cannot list items");
  if (ok && kind >= 0)
    sqlite3_bind_text (stmt, 1, vb_item_kind_to_string (kind), -1, SQLITE_STATIC);
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VbItem *item = vb_item_from_row ((const char *) sqlite3_column_text (stmt, 0),
                                       (const char *) sqlite3_column_text (stmt, 1),
                                       (const char *) sqlite3_column_text (stmt, 2), NULL);

      /* A damaged row is left out rather than hiding every other item. */
      if (item != NULL)
        g_ptr_array_add (items, item);
    }
  if (ok && rc != SQLITE_DONE)
    ok = set_sqlite_error (error, VB_STORE_ERROR_READ, self->db, "Cannot list items");
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&items) : NULL;
}

static void
get_item_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  VbItem *item = vb_store_get_item (source, task_data, &error);

  if (item == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, item, g_object_unref);
}

void
vb_store_get_item_async (VbStore             *self,
                         const char          *id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vb_store_get_item_async);
  g_task_set_task_data (task, g_strdup (id), g_free);
  g_task_run_in_thread (task, get_item_thread);
}

VbItem *
vb_store_get_item_finish (VbStore       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  int      kind;
  gboolean only_active;
} ListData;

static void
list_items_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ListData *data = task_data;
  GError *error = NULL;
  GPtrArray *items = vb_store_list_items (source, data->kind, data->only_active, &error);

  if (items == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

void
vb_store_list_items_async (VbStore             *self,
                           int                  kind,
                           gboolean             only_active,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ListData *data = g_new0 (ListData, 1);

  data->kind = kind;
  data->only_active = only_active;
  g_task_set_source_tag (task, vb_store_list_items_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, list_items_thread);
}

GPtrArray *
vb_store_list_items_finish (VbStore       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The application's own content database in the user's data folder. */
char *
vb_default_content_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "vraagbaak", "content.db", NULL);
}
