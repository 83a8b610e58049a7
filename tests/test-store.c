/* test-store.c: the content database, its migrations and its index
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vb-test-util.h"

static VbItem *
make_vac (const char *id,
          const char *vraag,
          const char *antwoord,
          const char *status)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  json_object_set_string_member (fields, "vraag", vraag);
  json_object_set_string_member (fields, "antwoord", antwoord);
  json_object_set_string_member (fields, "status", status);
  json_object_set_string_member (fields, "eigenVeld", "blijft bewaard");
  return vb_item_new (VB_ITEM_VAC, id, fields);
}

static guint
count_hits (VbStore    *store,
            const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbSearcher) searcher = vb_searcher_new (store, &error);
  g_autoptr(VbSearchResults) results = NULL;

  g_assert_no_error (error);
  results = vb_test_search (searcher, query, NULL);
  return g_list_model_get_n_items (G_LIST_MODEL (results));
}

static void
test_open_new (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sub", "content.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = vb_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpint (vb_store_get_schema_version (store), ==, VB_STORE_SCHEMA_VERSION);
  g_assert_cmpint (vb_store_count_items (store, -1), ==, 0);
  g_clear_object (&store);
  vb_test_rmdir (dir);
}

static void
test_upsert_and_get (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "content.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = vb_store_open (path, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(VbItem) got = NULL;
  g_autofree char *json = NULL;

  g_ptr_array_add (items, make_vac ("v1", "Wat kost een paspoort?", "<p>84 euro</p>", "actief"));
  g_assert_true (vb_store_upsert (store, items, NULL, &error));
  g_assert_no_error (error);

  got = vb_store_get_item (store, "v1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vb_item_get_title (got), ==, "Wat kost een paspoort?");
  /* Fields we do not know are kept. */
  json = vb_item_to_json (got);
  g_assert_nonnull (strstr (json, "\"eigenVeld\":\"blijft bewaard\""));
  g_assert_cmpuint (count_hits (store, "paspoort"), ==, 1);

  /* An upsert replaces the item and its index entries: the old words are gone. */
  g_ptr_array_set_size (items, 0);
  g_ptr_array_add (items, make_vac ("v1", "Wat kost een rijbewijs?", "<p>53 euro</p>", "actief"));
  g_assert_true (vb_store_upsert (store, items, NULL, &error));
  g_assert_cmpint (vb_store_count_items (store, -1), ==, 1);
  g_assert_cmpuint (count_hits (store, "paspoort"), ==, 0);
  g_assert_cmpuint (count_hits (store, "rijbewijs"), ==, 1);

  /* Only active items are searchable; becoming active again indexes it again. */
  g_ptr_array_set_size (items, 0);
  g_ptr_array_add (items, make_vac ("v1", "Wat kost een rijbewijs?", "<p>53 euro</p>", "non-actief"));
  g_assert_true (vb_store_upsert (store, items, NULL, &error));
  g_assert_cmpuint (count_hits (store, "rijbewijs"), ==, 0);
  g_ptr_array_set_size (items, 0);
  g_ptr_array_add (items, make_vac ("v1", "Wat kost een rijbewijs?", "<p>53 euro</p>", "actief"));
  g_assert_true (vb_store_upsert (store, items, NULL, &error));
  g_assert_cmpuint (count_hits (store, "rijbewijs"), ==, 1);

  /* Deleting removes it from the index too. */
  {
    const char *ids[] = { "v1", NULL };

    g_assert_true (vb_store_delete_items (store, ids, &error));
    g_assert_cmpuint (count_hits (store, "rijbewijs"), ==, 0);
    g_assert_null (vb_store_get_item (store, "v1", &error));
    g_assert_error (error, VB_STORE_ERROR, VB_STORE_ERROR_NOT_FOUND);
  }

  g_clear_object (&store);
  vb_test_rmdir (dir);
}

/* Fills a database at @version with what that version can hold. */
static void
fill_version (VbStore *store,
              int      version)
{
  g_autoptr(GError) error = NULL;

  if (version == 0)
    return;
  /* From version 2 on, items are written through the store (it keeps the index). */
  if (version >= 2)
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(JsonObject) product = json_object_new ();

      g_ptr_array_add (items, make_vac ("m1", "Hoe vraag ik een parkeervergunning aan?",
                                        "<p>Online met DigiD.</p>", "actief"));
      json_object_set_string_member (product, "titel", "Hondenbelasting");
      json_object_set_string_member (product, "tekst", "<p>Per hond per jaar.</p>");
      g_ptr_array_add (items, vb_item_new (VB_ITEM_PRODUCT, "m2", product));
      g_ptr_array_add (items, make_vac ("m3", "Oude vraag over afval", "<p>x</p>", "non-actief"));
      g_assert_true (vb_store_upsert (store, items, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (vb_store_exec (store, "INSERT INTO kanalen (code, naam) VALUES"
                                           " ('telefoon', 'Telefoon')", &error));
      return;
    }
  /* Version 1 has items and reference lists, without the search columns. */
  g_assert_true (vb_store_exec (store,
                                "INSERT INTO items (id, kind, title, status, data) VALUES"
                                " ('m1', 'vac', 'Hoe vraag ik een parkeervergunning aan?',"
                                "  'actief', '{\"vraag\": \"Hoe vraag ik een parkeervergunning aan?\","
                                "  \"antwoord\": \"<p>Online met DigiD.</p>\", \"status\": \"actief\"}'),"
                                " ('m2', 'product', 'Hondenbelasting', 'actief',"
                                "  '{\"titel\": \"Hondenbelasting\", \"tekst\": \"<p>Per hond per jaar.</p>\"}'),"
                                " ('m3', 'vac', 'Oude vraag over afval', 'non-actief',"
                                "  '{\"vraag\": \"Oude vraag over afval\", \"antwoord\": \"<p>x</p>\","
                                "  \"status\": \"non-actief\"}');"
                                "INSERT INTO kanalen (code, naam) VALUES ('telefoon', 'Telefoon');",
                                &error));
  g_assert_no_error (error);
}

static void
test_migrate_from_every_version (void)
{
  for (int version = 0; version < VB_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *dir = vb_test_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "content.db", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(VbStore) old = vb_store_open_at_version (path, version, &error);
      g_autoptr(VbStore) store = NULL;

      g_test_message ("migrating from version %d", version);
      g_assert_no_error (error);
      g_assert_cmpint (vb_store_get_schema_version (old), ==, version);
      fill_version (old, version);
      g_clear_object (&old);

      store = vb_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (vb_store_get_schema_version (store), ==, VB_STORE_SCHEMA_VERSION);
      if (version >= 1)
        {
          g_autoptr(JsonArray) kanalen = vb_store_dup_list (store, "kanalen", &error);

          g_assert_cmpint (vb_store_count_items (store, -1), ==, 3);
          /* The migrated items are indexed, inactive ones are not. */
          g_assert_cmpuint (count_hits (store, "parkeervergunning"), ==, 1);
          g_assert_cmpuint (count_hits (store, "hondenbelasting"), ==, 1);
          g_assert_cmpuint (count_hits (store, "afval"), ==, 0);
          g_assert_cmpuint (json_array_get_length (kanalen), ==, 1);
          g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (kanalen, 0),
                                                          "naam"), ==, "Telefoon");
        }
      /* Opening again is a no-op. */
      g_clear_object (&store);
      store = vb_store_open (path, &error);
      g_assert_no_error (error);
      g_clear_object (&store);
      vb_test_rmdir (dir);
    }
}

static void
test_newer_schema_refused (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "content.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = vb_store_open (path, &error);
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", VB_STORE_SCHEMA_VERSION + 1);

  g_assert_true (vb_store_exec (store, sql, &error));
  g_clear_object (&store);
  store = vb_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, VB_STORE_ERROR, VB_STORE_ERROR_SCHEMA);
  g_assert_nonnull (strstr (error->message, "schema version"));
  vb_test_rmdir (dir);
}

static void
test_garbage_file (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = vb_test_write_file (dir, "content.db",
                                              "this is not a database, it is a shopping list");
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = vb_store_open (path, &error);
  g_autofree char *contents = NULL;

  g_assert_null (store);
  g_assert_nonnull (error);
  g_test_message ("garbage file: %s", error->message);
  /* The file is left as it was: nothing is lost. */
  g_file_get_contents (path, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "this is not a database, it is a shopping list");
  vb_test_rmdir (dir);
}

static void
test_read_only (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "content.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = vb_store_open (path, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (geteuid () == 0)
    {
      /* root writes read-only files anyway; make the database itself refuse writes. */
      g_assert_true (vb_store_exec (store, "PRAGMA query_only = ON", &error));
    }
  else
    {
      g_clear_object (&store);
      g_chmod (path, 0444);
      store = vb_store_open (path, &error);
      if (store == NULL)
        {
          /* Refusing to open is also a clear answer. */
          g_assert_nonnull (error);
          vb_test_rmdir (dir);
          return;
        }
    }
  g_ptr_array_add (items, make_vac ("v1", "Vraag", "<p>Antwoord</p>", "actief"));
  g_assert_false (vb_store_upsert (store, items, NULL, &error));
  g_assert_error (error, VB_STORE_ERROR, VB_STORE_ERROR_WRITE);
  g_test_message ("read-only: %s", error->message);
  g_clear_object (&store);
  vb_test_rmdir (dir);
}

static void
test_reader_during_write (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "content.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = vb_store_open (path, &error);
  g_autoptr(VbSearcher) searcher = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (items, make_vac ("v1", "Wat kost een paspoort?", "<p>84 euro</p>", "actief"));
  g_assert_true (vb_store_upsert (store, items, NULL, &error));
  searcher = vb_searcher_new (store, &error);
  g_assert_no_error (error);

  /* A write transaction is open on the writer: searches still answer (WAL). */
  g_assert_true (vb_store_exec (store, "BEGIN IMMEDIATE; DELETE FROM items;", &error));
  {
    g_autoptr(VbSearchResults) results = vb_test_search (searcher, "paspoort", NULL);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (results)), ==, 1);
  }
  g_assert_true (vb_store_exec (store, "ROLLBACK", &error));
  g_clear_object (&searcher);
  g_clear_object (&store);
  vb_test_rmdir (dir);
}


static gint64
count_rows (VbStore    *store,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = vb_store_open_reader (store, &error);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* The server's change log: every write in commit order, the item as written, deletions as
 * tombstones, lists as a whole; content stored before the log was switched on is seeded. */
static void
test_change_log (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "content.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = vb_store_open (path, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *const gone[] = { "vac-1", "vac-nobody", NULL };

  g_assert_no_error (error);
  g_ptr_array_add (items, make_vac ("vac-1", "Hoe vraag ik een parkeervergunning aan?",
                                    "Via het loket.", "actief"));
  g_assert_true (vb_store_upsert (store, items, NULL, &error));
  g_assert_cmpint (vb_store_get_last_change (store), ==, 0);

  /* Switched on: the existing item is seeded, once. */
  g_assert_true (vb_store_set_change_log (store, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vb_store_get_last_change (store), ==, 1);
  g_assert_true (vb_store_set_change_log (store, TRUE, &error));
  g_assert_cmpint (vb_store_get_last_change (store), ==, 1);

  g_ptr_array_set_size (items, 0);
  g_ptr_array_add (items, make_vac ("vac-2", "Wanneer wordt het grofvuil opgehaald?",
                                    "Op afspraak.", "actief"));
  g_assert_true (json_parser_load_from_data (parser,
    "{\"kanalen\": [{\"code\": \"telefoon\", \"naam\": \"Telefoon\"}]}", -1, NULL));
  g_assert_true (vb_store_upsert (store, items, json_node_get_object (json_parser_get_root (parser)),
                                  &error));
  g_assert_no_error (error);
  g_assert_true (vb_store_delete_items (store, gone, &error));
  g_assert_no_error (error);
  /* put vac-1 (seed), put vac-2, list kanalen, delete vac-1; the unknown id logs nothing */
  g_assert_cmpint (vb_store_get_last_change (store), ==, 4);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM changes WHERE seq = 2 AND op = 'put'"
                                      " AND id = 'vac-2' AND json_extract(data, '$.antwoord')"
                                      " = 'Op afspraak.'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM changes WHERE seq = 3 AND op = 'list'"
                                      " AND id = 'kanalen' AND json_array_length(data) = 1"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM changes WHERE seq = 4"
                                      " AND op = 'delete' AND type = 'vac' AND id = 'vac-1'"
                                      " AND data IS NULL"), ==, 1);
  g_clear_object (&store);
  vb_test_rmdir (dir);
}

/* The client's sync applies a page and its cursor together, or nothing of either. */
static void
test_apply_changes (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "content.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = vb_store_open (path, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  const char *const deleted[] = { "vac-1", NULL };
  g_autofree char *cursor = NULL;

  g_assert_no_error (error);
  g_ptr_array_add (items, make_vac ("vac-1", "Hoe vraag ik een parkeervergunning aan?",
                                    "Via het loket.", "actief"));
  g_assert_true (vb_store_apply_changes (store, items, NULL, NULL, "sync-cursor", "1", &error));
  g_assert_no_error (error);
  cursor = vb_store_dup_meta (store, "sync-cursor");
  g_assert_cmpstr (cursor, ==, "1");
  g_assert_cmpuint (count_hits (store, "parkeervergunning"), ==, 1);

  /* A page that fails half-way (the database refuses writes) changes nothing: not the
   * deletion that came first, not the cursor. */
  g_ptr_array_set_size (items, 0);
  g_ptr_array_add (items, make_vac ("vac-2", "Wanneer wordt het grofvuil opgehaald?",
                                    "Op afspraak.", "actief"));
  g_assert_true (vb_store_exec (store, "CREATE TRIGGER refuse BEFORE INSERT ON items"
                                       " BEGIN SELECT RAISE(ABORT, 'disk full'); END", &error));
  g_assert_false (vb_store_apply_changes (store, items, deleted, NULL, "sync-cursor", "2", &error));
  g_assert_error (error, VB_STORE_ERROR, VB_STORE_ERROR_WRITE);
  g_clear_error (&error);
  g_clear_pointer (&cursor, g_free);
  cursor = vb_store_dup_meta (store, "sync-cursor");
  g_assert_cmpstr (cursor, ==, "1");
  g_assert_cmpint (vb_store_count_items (store, -1), ==, 1);
  g_assert_cmpuint (count_hits (store, "parkeervergunning"), ==, 1);

  g_assert_true (vb_store_exec (store, "DROP TRIGGER refuse", &error));
  g_assert_true (vb_store_apply_changes (store, items, deleted, NULL, "sync-cursor", "2", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_hits (store, "parkeervergunning"), ==, 0);
  g_assert_cmpuint (count_hits (store, "grofvuil"), ==, 1);
  g_clear_pointer (&cursor, g_free);
  cursor = vb_store_dup_meta (store, "sync-cursor");
  g_assert_cmpstr (cursor, ==, "2");
  g_clear_object (&store);
  vb_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open-new", test_open_new);
  g_test_add_func ("/store/upsert-and-get", test_upsert_and_get);
  g_test_add_func ("/store/migrate-from-every-version", test_migrate_from_every_version);
  g_test_add_func ("/store/newer-schema-refused", test_newer_schema_refused);
  g_test_add_func ("/store/garbage-file", test_garbage_file);
  g_test_add_func ("/store/read-only", test_read_only);
  g_test_add_func ("/store/reader-during-write", test_reader_during_write);
  g_test_add_func ("/store/change-log", test_change_log);
  g_test_add_func ("/store/apply-changes", test_apply_changes);

  return g_test_run ();
}
