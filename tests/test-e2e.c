/* test-e2e.c: the real vraagbaak-server with the real client (docs/sync-protocol.md)
 *
 * The built server ($VB_SERVER_BINARY) runs as a process of its own on 127.0.0.1 with the
 * demo content; its content is changed with `vraagbaak-server import` and its tokens with
 * `vraagbaak-server token`, as an administrator would. Clients are VbSync objects in this
 * process (each with its own content and contact database) and `vraagbaak-cli sync`
 * ($VB_CLI), which is killed with SIGKILL in the middle of a first sync.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sqlite3.h>

#include "vb-contact-store.h"
#include "vb-search-hit.h"
#include "vb-search-results.h"
#include "vb-sync.h"
#include "vb-test-util.h"

#define N_CLIENTS 2

typedef struct
{
  char           *db_path;
  char           *contacts_path;
  VbStore        *store;
  VbContactStore *contacts;
  VbSync         *sync;
  gint64          notice_at;   /* monotonic µs when the notice showed, 0 not yet */
  const char     *notice_id;
} Client;

typedef struct
{
  char        *dir;
  char        *db;           /* the server's content database */
  char        *log;          /* its stderr */
  GSubprocess *proc;
  guint16      port;
  char        *base;
  char        *token;        /* medewerker */
  char        *supervisor;
  Client       clients[N_CLIENTS];
} Fixture;

/* ---- the server process ---- */

static const char *
env_path (const char *name)
{
  const char *path = g_getenv (name);

  if (path == NULL)
    g_error ("%s is not set", name);
  return path;
}

/* Runs the server binary with a subcommand; its stdout (a token). */
static char *
server_command (Fixture           *f,
                const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) env_path ("VB_SERVER_BINARY"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, f->db);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("vraagbaak-server %s failed: %s", args[0], err);
  return g_strstrip (out);
}

static void
server_import (Fixture    *f,
               const char *file)
{
  const char *args[] = { "import", file, NULL };

  g_free (server_command (f, args));
}

static char *
server_add_token (Fixture    *f,
                  const char *name,
                  const char *role)
{
  const char *args[] = { "token", "add", name, "--role", role, NULL };

  return server_command (f, args);
}

/* A test that fails (aborts) takes its server along. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts the server on f->port (0: any; the port is read from its log). */
static void
server_start (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", f->port);
  g_autoptr(GError) error = NULL;
  gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  g_autofree char *before = NULL;
  gsize offset = 0;

  g_assert_null (f->proc);
  /* Only this run's lines count. */
  if (g_file_get_contents (f->log, &before, &offset, NULL))
    g_clear_pointer (&before, g_free);
  /* Appended: the log of every run stays, for a failure's message. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  {
    int fd = g_open (f->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

    g_assert_cmpint (fd, >=, 0);
    g_subprocess_launcher_take_stderr_fd (launcher, fd);
  }
  f->proc = g_subprocess_launcher_spawn (launcher, &error, env_path ("VB_SERVER_BINARY"),
                                         "--db", f->db, "--listen", listen, NULL);
  g_assert_no_error (error);
  for (;;)
    {
      g_autofree char *log = NULL;
      gsize len = 0;
      const char *line;

      g_assert_cmpint (g_get_monotonic_time (), <, until);
      if (g_file_get_contents (f->log, &log, &len, NULL) && len > offset &&
          (line = strstr (log + offset, "(port ")) != NULL)
        {
          f->port = (guint16) atoi (line + 6);
          break;
        }
      g_usleep (10 * 1000);
    }
  g_free (f->base);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", f->port);
}

static void
server_stop (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->proc == NULL)
    return;
  g_subprocess_send_signal (f->proc, SIGTERM);
  g_assert_true (g_subprocess_wait (f->proc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (f->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (f->proc), ==, 0);
  g_clear_object (&f->proc);
}

/* ---- clients ---- */

static void
on_notice (VbSync     *sync,
           const char *id,
           Client     *c)
{
  if (c->notice_id != NULL && g_str_equal (id, c->notice_id) && c->notice_at == 0)
    c->notice_at = g_get_monotonic_time ();
}

static void
client_open (Fixture *f,
             Client  *c)
{
  g_autoptr(GError) error = NULL;

  c->store = vb_store_open (c->db_path, &error);
  g_assert_no_error (error);
  c->contacts = vb_contact_store_open (c->contacts_path, &error);
  g_assert_no_error (error);
  c->sync = vb_sync_new (c->store, c->contacts);
  vb_sync_set_server_url (c->sync, f->base);
  vb_sync_set_token (c->sync, f->token);
  vb_sync_set_timeout (c->sync, 5);
  g_signal_connect (c->sync, "notice", G_CALLBACK (on_notice), c);
}

static void
client_close (Client *c)
{
  if (c->sync != NULL)
    vb_sync_stop (c->sync);
  g_clear_object (&c->sync);
  g_clear_object (&c->contacts);
  g_clear_object (&c->store);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *demo = g_build_filename (vb_test_datadir (), "demo", NULL);
  g_autoptr(GDir) dir = g_dir_open (demo, 0, NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  f->dir = vb_test_tmpdir ();
  f->db = g_build_filename (f->dir, "server.db", NULL);
  f->log = g_build_filename (f->dir, "server.log", NULL);
  g_ptr_array_add (args, g_strdup ("import"));
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (args, g_build_filename (demo, name, NULL));
  g_ptr_array_add (args, NULL);
  g_free (server_command (f, (const char *const *) args->pdata));
  f->token = server_add_token (f, "kcc-werkplek-1", "medewerker");
  f->supervisor = server_add_token (f, "teamleider", "supervisor");
  server_start (f);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      Client *c = &f->clients[i];

      c->db_path = g_strdup_printf ("%s/client-%u.db", f->dir, i);
      c->contacts_path = g_strdup_printf ("%s/client-%u-contacts.db", f->dir, i);
      client_open (f, c);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      client_close (&f->clients[i]);
      g_free (f->clients[i].db_path);
      g_free (f->clients[i].contacts_path);
    }
  /* Let the worker threads' last callbacks run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (f->proc != NULL)
    server_stop (f);
  if (g_test_failed ())
    {
      g_autofree char *log = NULL;

      if (g_file_get_contents (f->log, &log, NULL, NULL))
        g_test_message ("The server's log:\n%s", log);
    }
  vb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->log);
  g_free (f->base);
  g_free (f->token);
  g_free (f->supervisor);
}

/* ---- what a database holds ---- */

/* id -> "kind:SHA-256 of the stored item", read with a connection of its own. */
static GHashTable *
fingerprint (const char *path)
{
  GHashTable *items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, kind, data FROM items", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *hash =
        g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                       (const char *) sqlite3_column_text (stmt, 2), -1);

      g_hash_table_insert (items, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                           g_strdup_printf ("%s:%s", sqlite3_column_text (stmt, 1), hash));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return items;
}

static char *
read_meta (const char *path,
           const char *key)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?1", -1, &stmt, NULL) ==
      SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The client holds exactly the server's items, byte for byte. */
static void
assert_same_content (Fixture    *f,
                     const char *client_db)
{
  g_autoptr(GHashTable) server = fingerprint (f->db);
  g_autoptr(GHashTable) client = fingerprint (client_db);
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (server), >, 0);
  g_hash_table_iter_init (&iter, server);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *theirs = g_hash_table_lookup (client, key);

      if (g_strcmp0 (theirs, value) != 0)
        g_error ("%s: item %s is %s on the server, %s on the client", client_db,
                 (const char *) key, (const char *) value, theirs ? theirs : "absent");
    }
  g_assert_cmpuint (g_hash_table_size (client), ==, g_hash_table_size (server));
}

static char *
first_hit (VbStore    *store,
           const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbSearcher) searcher = vb_searcher_new (store, &error);
  VbSearchOptions options = VB_SEARCH_OPTIONS_INIT;
  g_autoptr(VbSearchResults) results = NULL;
  g_autoptr(VbSearchHit) hit = NULL;

  g_assert_no_error (error);
  options.limit = 10;
  results = vb_searcher_search (searcher, query, &options, &error);
  g_assert_no_error (error);
  if (g_list_model_get_n_items (G_LIST_MODEL (results)) == 0)
    return NULL;
  hit = g_list_model_get_item (G_LIST_MODEL (results), 0);
  return g_strdup (vb_search_hit_get_id (hit));
}

/* ---- running the sync ---- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Result;

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Result *r = user_data;

  r->ok = vb_sync_run_once_finish (VB_SYNC (source), result, NULL, &r->error);
  r->done = TRUE;
}

static gboolean
run_once (Client  *c,
          GError **error)
{
  Result r = { 0 };

  vb_sync_run_once_async (c->sync, NULL, on_run_done, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.ok;
}

static void
run_ok (Client *c)
{
  g_autoptr(GError) error = NULL;

  run_once (c, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_sync_get_state (c->sync), ==, VB_SYNC_STATE_UP_TO_DATE);
}

/* Iterates the main context until @cond holds or @seconds passed. */
static gboolean
wait_for (gboolean (*cond) (gpointer data),
          gpointer  data,
          double    seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > until)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static void
spin (double seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
all_up_to_date (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < N_CLIENTS; i++)
    if (vb_sync_get_state (f->clients[i].sync) != VB_SYNC_STATE_UP_TO_DATE)
      return FALSE;
  return TRUE;
}

/* ---- the tests ---- */

/* Two clients sync the demo content from 0: exactly the server's items, and search finds
 * the same first answer on both and on the server's own database. */
static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  static const char *const queries[] = { "paspoort", "grofvuil", "parkeervergunning",
                                         "verhuizen", "bijstand", "hondenbelasting" };
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) server_store = NULL;

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      run_ok (&f->clients[i]);
      assert_same_content (f, f->clients[i].db_path);
    }
  server_store = vb_store_open (f->db, &error);
  g_assert_no_error (error);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autofree char *on_server = first_hit (server_store, queries[q]);

      g_test_message ("%s: %s", queries[q], on_server ? on_server : "(nothing)");
      for (guint i = 0; i < N_CLIENTS; i++)
        {
          g_autofree char *on_client = first_hit (f->clients[i].store, queries[q]);

          g_assert_cmpstr (on_client, ==, on_server);
        }
    }
  {
    g_autofree char *on_server = first_hit (server_store, "paspoort");

    g_assert_nonnull (on_server);
  }
}

static const char notice_bundle[] =
  "{\"format\": \"vraagbaak-content\", \"version\": 1, \"items\": [{\"type\": \"notice\","
  " \"id\": \"notice-e2e\", \"titel\": \"Storing telefooncentrale\", \"inhoud\":"
  " \"<p>De telefooncentrale is gestoord.</p>\", \"publicatieDatum\": \"2026-11-29\"}]}";

static gboolean
all_saw_notice (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < N_CLIENTS; i++)
    if (f->clients[i].notice_at == 0)
      return FALSE;
  return TRUE;
}

static gboolean
none_has_notice (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autoptr(VbItem) item = vb_store_get_item (f->clients[i].store, "notice-e2e", NULL);

      if (item != NULL)
        return FALSE;
    }
  return TRUE;
}

/* Both clients run their loop with long polls; a notice imported on the server shows on
 * both within 2 s, and its deletion reaches both. */
static void
test_notice (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *file = vb_test_write_file (f->dir, "notice.json", notice_bundle);
  g_autoptr(GError) error = NULL;
  gint64 t0;

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      f->clients[i].notice_id = "notice-e2e";
      vb_sync_start (f->clients[i].sync);
    }
  g_assert_true (wait_for (all_up_to_date, f, 20));
  /* The long polls are open. */
  spin (0.5);
  t0 = g_get_monotonic_time ();
  server_import (f, file);
  g_assert_true (wait_for (all_saw_notice, f, 10));
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      double ms = (f->clients[i].notice_at - t0) / 1000.0;
      g_autoptr(VbItem) item = vb_store_get_item (f->clients[i].store, "notice-e2e", &error);

      g_assert_no_error (error);
      g_test_message ("client %u: the notice showed %.0f ms after the import started", i, ms);
      g_printerr ("# e2e notice latency, client %u: %.0f ms\n", i, ms);
      g_assert_cmpfloat (ms, <, 2000);
    }
  g_assert_true (wait_for (all_up_to_date, f, 5));
  for (guint i = 0; i < N_CLIENTS; i++)
    assert_same_content (f, f->clients[i].db_path);

  /* A deletion on the server (another process's connection with the change log on). */
  {
    g_autoptr(VbStore) server_store = vb_store_open (f->db, &error);
    const char *ids[] = { "notice-e2e", NULL };

    g_assert_no_error (error);
    g_assert_true (vb_store_set_change_log (server_store, TRUE, &error));
    g_assert_no_error (error);
    t0 = g_get_monotonic_time ();
    g_assert_true (vb_store_delete_items (server_store, ids, &error));
    g_assert_no_error (error);
  }
  g_assert_true (wait_for (none_has_notice, f, 10));
  g_test_message ("the deletion reached both clients after %.0f ms",
                  (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2 * G_USEC_PER_SEC);
  g_assert_true (wait_for (all_up_to_date, f, 5));
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      assert_same_content (f, f->clients[i].db_path);
      vb_sync_stop (f->clients[i].sync);
    }
}

static void
on_stats (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* GET /api/v1/stats through the client, for the contacts finished today. */
static JsonObject *
fetch_stats (VbSync  *sync,
             GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *from = g_date_time_format (yesterday, "%Y-%m-%d");
  g_autofree char *to = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autoptr(GAsyncResult) result = NULL;

  vb_sync_fetch_stats_async (sync, from, to, NULL, on_stats, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return vb_sync_fetch_stats_finish (sync, result, error);
}

static VbContact *
server_contact (Fixture    *f,
                const char *uuid)
{
  g_autofree char *path = g_strdup_printf ("%s/server-contacts.db", f->dir);
  g_autoptr(VbContactStore) contacts = NULL;
  g_autoptr(GError) error = NULL;
  VbContact *contact;

  contacts = vb_contact_store_open (path, &error);
  g_assert_no_error (error);
  contact = vb_contact_store_get (contacts, uuid, &error);
  g_assert_no_error (error);
  return contact;
}

/* A contact finished on client A is on the server once; a correction wins; a medewerker may
 * not read the statistics. */
static void
test_contacts (Fixture       *f,
               gconstpointer  data)
{
  Client *a = &f->clients[0];
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = vb_contact_new ("telefoon", "agent-a");
  VbContactQuestion *q = vb_contact_add_question (contact);
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(VbSync) supervisor = vb_sync_new (a->store, NULL);

  vb_sync_set_server_url (supervisor, f->base);
  vb_sync_set_token (supervisor, f->supervisor);
  run_ok (a);
  vb_contact_question_set_subject (q, "Paspoort aanvragen");
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  g_assert_true (vb_contact_store_finish (a->contacts, contact, &error));
  g_assert_no_error (error);
  g_assert_true (vb_contact_store_log_search (a->contacts, "paspoort verlopen", 3, "pdc-paspoort",
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_store_outbox_size (a->contacts), ==, 1);
  run_ok (a);
  g_assert_cmpint (vb_sync_get_outbox_size (a->sync), ==, 0);
  run_ok (a);
  {
    g_autoptr(VbContact) stored = server_contact (f, vb_contact_get_uuid (contact));

    g_assert_cmpint (vb_contact_get_revision (stored), ==, 1);
  }
  stats = fetch_stats (supervisor, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (stats, "contacts"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats, "searches_total"), ==, 1);
  g_clear_pointer (&stats, json_object_unref);

  /* A correction: revision 2 replaces it, still one contact. */
  vb_contact_set_notes (contact, "Terugbellen na de correctie");
  g_assert_true (vb_contact_store_correct (a->contacts, contact, &error));
  g_assert_no_error (error);
  run_ok (a);
  {
    g_autoptr(VbContact) stored = server_contact (f, vb_contact_get_uuid (contact));

    g_assert_cmpint (vb_contact_get_revision (stored), ==, 2);
    g_assert_cmpstr (vb_contact_get_notes (stored), ==, "Terugbellen na de correctie");
  }
  stats = fetch_stats (supervisor, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (stats, "contacts"), ==, 1);
  g_clear_pointer (&stats, json_object_unref);

  /* Deleted on the client: a tombstone on the server, out of the figures. */
  g_assert_true (vb_contact_store_delete (a->contacts, vb_contact_get_uuid (contact), "agent-a",
                                          &error));
  g_assert_no_error (error);
  run_ok (a);
  g_assert_cmpint (vb_sync_get_outbox_size (a->sync), ==, 0);
  stats = fetch_stats (supervisor, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (stats, "contacts"), ==, 0);
  g_clear_pointer (&stats, json_object_unref);

  /* A medewerker's token: 403, reported as forbidden. */
  stats = fetch_stats (a->sync, &error);
  g_assert_null (stats);
  g_assert_error (error, VB_SYNC_ERROR, VB_SYNC_ERROR_FORBIDDEN);
}

static gboolean
is_state (gpointer data)
{
  gpointer *args = data;

  return (int) vb_sync_get_state (args[0]) == GPOINTER_TO_INT (args[1]);
}

static gboolean
all_unauthorized (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < N_CLIENTS; i++)
    if (vb_sync_get_state (f->clients[i].sync) != VB_SYNC_STATE_ERROR ||
        vb_sync_get_error_code (f->clients[i].sync) != VB_SYNC_ERROR_UNAUTHORIZED)
      return FALSE;
  return TRUE;
}

/* A token revoked while both clients wait in their long polls: a notice imported afterwards
 * is not sent to them (the server checks the token again before it answers a poll that
 * waited), both stop with unauthorized and do not retry. */
static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *file = vb_test_write_file (f->dir, "notice.json", notice_bundle);
  const char *args[] = { "token", "revoke", "kcc-werkplek-1", NULL };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_CLIENTS; i++)
    vb_sync_start (f->clients[i].sync);
  g_assert_true (wait_for (all_up_to_date, f, 20));
  spin (0.5);
  g_free (server_command (f, args));
  server_import (f, file);
  g_assert_true (wait_for (all_unauthorized, f, 5));
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      Client *c = &f->clients[i];
      g_autoptr(VbItem) item = vb_store_get_item (c->store, "notice-e2e", NULL);

      g_assert_null (item);
      g_assert_cmpint (vb_sync_get_retry_at (c->sync), ==, 0);
      g_assert_nonnull (strstr (vb_sync_get_error_message (c->sync), "refuses the token"));
      vb_sync_stop (c->sync);
    }

  /* A pass by hand says the same. */
  g_assert_false (run_once (&f->clients[0], &error));
  g_assert_error (error, VB_SYNC_ERROR, VB_SYNC_ERROR_UNAUTHORIZED);
  g_assert_cmpint (vb_sync_get_state (f->clients[0].sync), ==, VB_SYNC_STATE_ERROR);
}

/* The server stopped with SIGTERM: the client is offline; started again (with new content
 * imported meanwhile), the client catches up by itself. */
static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  Client *a = &f->clients[0];
  g_autofree char *file = vb_test_write_file (f->dir, "notice.json", notice_bundle);
  gpointer offline[] = { a->sync, GINT_TO_POINTER (VB_SYNC_STATE_OFFLINE) };
  gint64 t0;

  vb_sync_start (a->sync);
  g_assert_true (wait_for (is_state, (gpointer[]) { a->sync,
                                                    GINT_TO_POINTER (VB_SYNC_STATE_UP_TO_DATE) },
                           20));
  spin (0.3);
  server_stop (f);
  t0 = g_get_monotonic_time ();
  g_assert_true (wait_for (is_state, offline, 15));
  g_test_message ("offline %.0f ms after the server stopped: %s",
                  (g_get_monotonic_time () - t0) / 1000.0, vb_sync_get_error_message (a->sync));
  g_assert_cmpint (vb_sync_get_error_code (a->sync), ==, VB_SYNC_ERROR_OFFLINE);
  /* The loop tries again by itself; the window can say when. */
  g_assert_cmpint (vb_sync_get_retry_at (a->sync), >=, g_get_real_time () / G_USEC_PER_SEC);

  server_import (f, file);
  server_start (f);
  t0 = g_get_monotonic_time ();
  a->notice_id = "notice-e2e";
  g_assert_true (wait_for (is_state, (gpointer[]) { a->sync,
                                                    GINT_TO_POINTER (VB_SYNC_STATE_UP_TO_DATE) },
                           20));
  g_test_message ("caught up %.0f ms after the restart", (g_get_monotonic_time () - t0) / 1000.0);
  assert_same_content (f, a->db_path);
  vb_sync_stop (a->sync);
}

/* The server's content database replaced by another one (rebuilt from the sources, plus a
 * notice) whose change log is longer than the client's cursor: no 409, but its other
 * database id makes the client sync again from 0 and hold exactly the new content. */
static void
test_replaced (Fixture       *f,
               gconstpointer  data)
{
  Client *a = &f->clients[0];
  g_autofree char *file = vb_test_write_file (f->dir, "notice.json", notice_bundle);
  g_autofree char *demo = g_build_filename (vb_test_datadir (), "demo", NULL);
  g_autofree char *old_database = read_meta (f->db, "database-id");
  g_autofree char *new_database = NULL;
  g_autofree char *client_database = NULL;
  g_autoptr(GDir) dir = g_dir_open (demo, 0, NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  gint64 old_cursor;

  run_ok (a);
  client_database = read_meta (a->db_path, "sync-database");
  g_assert_cmpstr (client_database, ==, old_database);
  g_clear_pointer (&client_database, g_free);
  {
    g_autofree char *text = read_meta (a->db_path, "sync-cursor");

    old_cursor = g_ascii_strtoll (text, NULL, 10);
  }
  server_stop (f);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strconcat (f->db, i == 0 ? "" : i == 1 ? "-wal" : "-shm", NULL);

      g_unlink (path);
    }
  /* The notice first, then the demo files in reverse order: other numbers for the same ids. */
  g_ptr_array_add (args, g_strdup ("import"));
  g_ptr_array_add (args, g_strdup (file));
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_insert (args, 2, g_build_filename (demo, name, NULL));
  g_ptr_array_add (args, NULL);
  g_free (server_command (f, (const char *const *) args->pdata));
  server_start (f);
  new_database = read_meta (f->db, "database-id");
  g_assert_cmpstr (new_database, !=, old_database);
  {
    g_autoptr(VbStore) server_store = NULL;
    g_autoptr(GError) error = NULL;

    server_store = vb_store_open (f->db, &error);
    g_assert_no_error (error);
    g_assert_cmpint (vb_store_get_last_change (server_store), >, old_cursor);
  }

  run_ok (a);
  assert_same_content (f, a->db_path);
  client_database = read_meta (a->db_path, "sync-database");
  g_assert_cmpstr (client_database, ==, new_database);
}

/* vraagbaak-cli sync killed with SIGKILL during its first sync of 2,000 items; the next
 * sync resumes, and the content equals the server's. */
/* bench/generate.py's corpus of @n items in the test's folder; NULL (the test skipped)
 * without python3. */
static char *
generate_corpus (Fixture *f,
                 guint    n)
{
  g_autofree char *generate = g_build_filename (env_path ("VRAAGBAAK_TESTS_DIR"), "..", "bench",
                                                "generate.py", NULL);
  g_autofree char *corpus = g_build_filename (f->dir, "corpus.json", NULL);
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *items = g_strdup_printf ("%u", n);
  const char *gen[] = { python, generate, "--items", items, "--out", corpus, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  if (python == NULL)
    {
      g_test_skip ("python3 is needed for bench/generate.py");
      return NULL;
    }
  g_spawn_sync (NULL, (char **) gen, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&corpus);
}

static gint64
server_last_change (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) server_store = vb_store_open (f->db, &error);

  g_assert_no_error (error);
  return vb_store_get_last_change (server_store);
}

static gboolean
all_at_server_cursor (gpointer data)
{
  Fixture *f = data;
  gint64 last = server_last_change (f);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autofree char *text = read_meta (f->clients[i].db_path, "sync-cursor");

      if (text == NULL || g_ascii_strtoll (text, NULL, 10) != last ||
          vb_sync_get_state (f->clients[i].sync) != VB_SYNC_STATE_UP_TO_DATE)
        return FALSE;
    }
  return TRUE;
}

/* 2,000 items imported while both clients wait in their long polls: the poll's answer is a
 * full page with more to come, and both page through the rest to exactly the server's
 * content. */
static void
test_bulk_while_polling (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *corpus = generate_corpus (f, 2000);
  gint64 t0, t1;

  if (corpus == NULL)
    return;
  for (guint i = 0; i < N_CLIENTS; i++)
    vb_sync_start (f->clients[i].sync);
  g_assert_true (wait_for (all_up_to_date, f, 20));
  spin (0.5);
  t0 = g_get_monotonic_time ();
  server_import (f, corpus);
  t1 = g_get_monotonic_time ();
  g_assert_true (wait_for (all_at_server_cursor, f, 60));
  g_test_message ("2,000 items: imported in %.0f ms, on both clients %.0f ms after the import "
                  "ended", (t1 - t0) / 1000.0, (g_get_monotonic_time () - t1) / 1000.0);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      assert_same_content (f, f->clients[i].db_path);
      vb_sync_stop (f->clients[i].sync);
    }
}

static void
test_sigkill (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *corpus = generate_corpus (f, 2000);
  g_autofree char *token_file = g_build_filename (f->dir, "token", NULL);
  g_autofree char *db = g_build_filename (f->dir, "cli.db", NULL);
  g_autofree char *contacts = g_build_filename (f->dir, "cli-contacts.db", NULL);
  g_autofree char *token_line = g_strdup_printf ("%s\n", f->token);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { env_path ("VB_CLI"), "--db", db, "--contacts-db", contacts, "sync",
                         "--server", f->base, "--token-file", token_file, "--once", NULL };
  gint64 last, cursor = 0;
  gboolean killed = FALSE;

  if (corpus == NULL)
    return;
  server_import (f, corpus);
  last = server_last_change (f);
  g_assert_cmpint (last, >, 2000);
  g_assert_true (g_file_set_contents (token_file, token_line, -1, &error));

  for (guint attempt = 0; attempt < 5 && !killed; attempt++)
    {
      g_autoptr(GSubprocess) child = NULL;
      gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

      /* Each attempt is a first sync. */
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *file = g_strconcat (db, i == 0 ? "" : i == 1 ? "-wal" : "-shm", NULL);

          g_unlink (file);
        }
      child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      /* Killed as soon as the first page is committed, before the last. */
      for (;;)
        {
          g_autofree char *text = read_meta (db, "sync-cursor");

          cursor = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
          if (cursor > 0 || g_get_monotonic_time () > until)
            break;
          g_usleep (1000);
        }
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      {
        g_autofree char *text = read_meta (db, "sync-cursor");

        cursor = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
      }
      killed = g_subprocess_get_if_signaled (child) && cursor > 0 && cursor < last;
      g_test_message ("attempt %u: killed at cursor %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT,
                      attempt, cursor, last);
    }
  g_assert_true (killed);
  /* What it left is whole pages: each item it holds is the server's at that point, and
   * here no item was written twice, so each equals the server's item. */
  {
    g_autoptr(GHashTable) server = fingerprint (f->db);
    g_autoptr(GHashTable) client = fingerprint (db);
    GHashTableIter iter;
    gpointer key, value;

    g_assert_cmpuint (g_hash_table_size (client), >, 0);
    g_assert_cmpuint (g_hash_table_size (client), <, g_hash_table_size (server));
    g_hash_table_iter_init (&iter, client);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_assert_cmpstr (value, ==, g_hash_table_lookup (server, key));
  }
  {
    g_autoptr(GSubprocess) child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                                                      &error);

    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (child, NULL, &error));
    g_assert_no_error (error);
  }
  assert_same_content (f, db);
  {
    g_autofree char *text = read_meta (db, "sync-cursor");

    g_assert_cmpint (g_ascii_strtoll (text, NULL, 10), ==, last);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/e2e/demo", test_demo);
  ADD ("/e2e/notice", test_notice);
  ADD ("/e2e/contacts", test_contacts);
  ADD ("/e2e/revoked", test_revoked);
  ADD ("/e2e/restart", test_restart);
  ADD ("/e2e/replaced", test_replaced);
  ADD ("/e2e/bulk-while-polling", test_bulk_while_polling);
  ADD ("/e2e/sigkill", test_sigkill);
#undef ADD

  return g_test_run ();
}
