/* test-sync.c: the client's sync against a misbehaving server (docs/sync-protocol.md)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 *
 * After every fault: the content is exactly the fold of the server's changes up to the
 * stored cursor (the last page applied whole), search still finds an applied item, the
 * outbox reaches the server exactly once per contact, and the state and message say what
 * happened.
 */
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vb-contact-store.h"
#include "vb-search-hit.h"
#include "vb-search-results.h"
#include "vb-sync.h"
#include "vb-test-util.h"
#include "vb-token-store.h"
#include "vb-fake-server.h"

#define TOKEN "s3cret-token"
#define PAGE 10

typedef struct
{
  char           *dir;
  char           *db_path;
  char           *contacts_path;
  VbFakeServer   *server;
  VbStore        *store;
  VbContactStore *contacts;
  VbSync         *sync;
  guint           n_changed;
  guint           n_notices;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = vb_test_tmpdir ();
  f->db_path = g_build_filename (f->dir, "content.db", NULL);
  f->contacts_path = g_build_filename (f->dir, "contacts.db", NULL);
  f->server = vb_fake_server_new ();
  vb_fake_server_set_token (f->server, TOKEN);
  vb_fake_server_set_page_size (f->server, PAGE);
  f->store = vb_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->contacts = vb_contact_store_open (f->contacts_path, &error);
  g_assert_no_error (error);
  f->sync = vb_sync_new (f->store, f->contacts);
  vb_sync_set_server_url (f->sync, vb_fake_server_get_url (f->server));
  vb_sync_set_token (f->sync, TOKEN);
  vb_sync_set_timeout (f->sync, 5);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->sync);
  g_clear_object (&f->contacts);
  g_clear_object (&f->store);
  /* Let the worker threads' last callbacks run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  vb_fake_server_free (f->server);
  vb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
  g_free (f->contacts_path);
}

/* ---- content ---- */

static char *
vac_json (guint       n,
          const char *extra)
{
  return g_strdup_printf ("{\"type\": \"vac\", \"id\": \"vac-%04u\", \"vraag\": \"Hoe vraag ik "
                          "paspoort %u aan?\", \"antwoord\": \"<p>Bij de balie, versie %s.</p>\","
                          " \"status\": \"actief\"}", n, n, extra != NULL ? extra : "1");
}

static void
add_vacs (VbFakeServer *server,
          guint         from,
          guint         to,
          const char   *version)
{
  for (guint i = from; i <= to; i++)
    {
      g_autofree char *json = vac_json (i, version);
      g_autofree char *id = g_strdup_printf ("vac-%04u", i);

      vb_fake_server_put_item (server, "vac", id, json);
    }
}

static void
delete_vac (VbFakeServer *server,
            guint         n)
{
  g_autofree char *change =
    g_strdup_printf ("{\"op\": \"delete\", \"type\": \"vac\", \"id\": \"vac-%04u\"}", n);

  vb_fake_server_add_change (server, change);
}

static gint64
stored_cursor (VbStore *store)
{
  g_autofree char *cursor = vb_store_dup_meta (store, "sync-cursor");

  return cursor != NULL ? g_ascii_strtoll (cursor, NULL, 10) : 0;
}

/* What the content must be after the server's changes 1..@cursor: id -> title. Unknown types
 * and items over 2 MiB are passed over, as the client does. */
static GHashTable *
expected_content (VbFakeServer *server,
                  gint64        cursor)
{
  GHashTable *expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (gint64 seq = 1; seq <= cursor; seq++)
    {
      g_autofree char *text = vb_fake_server_dup_change (server, seq);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *change, *item;
      const char *op, *type, *id;

      g_assert_nonnull (text);
      g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
      change = json_node_get_object (json_parser_get_root (parser));
      op = json_object_get_string_member (change, "op");
      if (strcmp (op, "put") != 0 && strcmp (op, "delete") != 0)
        continue;
      type = json_object_get_string_member (change, "type");
      id = json_object_get_string_member (change, "id");
      if (strcmp (type, "vac") != 0 && strcmp (type, "product") != 0 &&
          strcmp (type, "notice") != 0)
        continue;
      if (strcmp (op, "delete") == 0)
        {
          g_hash_table_remove (expected, id);
          continue;
        }
      if (strlen (text) > 2 * 1024 * 1024)
        continue;
      item = json_object_get_object_member (change, "item");
      g_hash_table_replace (expected, g_strdup (id),
                            g_strdup (json_object_get_string_member_with_default (
                              item, strcmp (type, "vac") == 0 ? "vraag" : "titel", "")));
    }
  return expected;
}

/* The content is exactly the last page applied whole, and search finds it. */
static void
assert_content (Fixture *f,
                gint64   want_cursor)
{
  gint64 cursor = stored_cursor (f->store);
  g_autoptr(GHashTable) expected = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;
  const char *some_id = NULL;

  if (want_cursor >= 0)
    g_assert_cmpint (cursor, ==, want_cursor);
  expected = expected_content (f->server, cursor);
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(VbItem) item = vb_store_get_item (f->store, key, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (vb_item_get_title (item), ==, value);
      if (some_id == NULL && g_str_has_prefix (key, "vac-"))
        some_id = key;
    }
  if (some_id != NULL)
    {
      g_autoptr(VbSearcher) searcher = vb_searcher_new (f->store, &error);
      VbSearchOptions options = VB_SEARCH_OPTIONS_INIT;
      g_autoptr(VbSearchResults) results = NULL;
      g_autofree char *query = NULL;
      gboolean found = FALSE;
      g_autoptr(VbItem) item = vb_store_get_item (f->store, some_id, NULL);

      g_assert_no_error (error);
      /* "Hoe vraag ik paspoort 7 aan?": search its number with the word. */
      query = g_strdup_printf ("paspoort %s", strrchr (some_id, '-') + 1 + strspn (strrchr (some_id, '-') + 1, "0"));
      options.limit = 50;
      results = vb_searcher_search (searcher, query, &options, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (results)); i++)
        {
          g_autoptr(VbSearchHit) hit = g_list_model_get_item (G_LIST_MODEL (results), i);

          found = found || g_strcmp0 (vb_search_hit_get_id (hit), some_id) == 0;
        }
      g_assert_true (found);
    }
}

/* ---- running the sync ---- */

typedef struct
{
  gboolean     done;
  gboolean     ok;
  GError      *error;
  VbSyncStats  stats;
} Result;

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Result *r = user_data;

  r->ok = vb_sync_run_once_finish (VB_SYNC (source), result, &r->stats, &r->error);
  r->done = TRUE;
}

static gboolean
run_once (Fixture     *f,
          VbSyncStats *stats,
          GError     **error)
{
  Result r = { 0 };

  vb_sync_run_once_async (f->sync, NULL, on_run_done, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  if (stats != NULL)
    *stats = r.stats;
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.ok;
}

static void
run_ok (Fixture     *f,
        VbSyncStats *stats)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (run_once (f, stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vb_sync_get_state (f->sync), ==, VB_SYNC_STATE_UP_TO_DATE);
  g_assert_cmpint (vb_sync_get_error_code (f->sync), ==, -1);
  g_assert_null (vb_sync_get_error_message (f->sync));
}

/* Runs a pass that must fail with @code; the state and message must say so. */
static void
run_fails (Fixture     *f,
           VbSyncError  code,
           VbSyncState  state,
           const char  *in_message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (run_once (f, NULL, &error));
  g_assert_error (error, VB_SYNC_ERROR, (int) code);
  g_assert_cmpint (vb_sync_get_state (f->sync), ==, state);
  g_assert_cmpint (vb_sync_get_error_code (f->sync), ==, code);
  g_assert_cmpstr (vb_sync_get_error_message (f->sync), ==, error->message);
  if (in_message != NULL && strstr (error->message, in_message) == NULL)
    g_error ("\"%s\" is not in the message \"%s\"", in_message, error->message);
}

static void
on_changed (VbSync  *sync,
            guint    n,
            Fixture *f)
{
  f->n_changed += n;
}

static void
on_notice (VbSync     *sync,
           const char *id,
           Fixture    *f)
{
  f->n_notices++;
}

static VbContact *
finish_contact (VbContactStore *store,
                const char     *subject)
{
  g_autoptr(GError) error = NULL;
  VbContact *contact = vb_contact_new ("telefoon", "agent-a");
  VbContactQuestion *q = vb_contact_add_question (contact);

  vb_contact_question_set_subject (q, subject);
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  g_assert_true (vb_contact_store_finish (store, contact, &error));
  g_assert_no_error (error);
  return contact;
}

/* ---- the tests ---- */

static void
test_basic (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) a = finish_contact (f->contacts, "Paspoort");
  g_autoptr(VbContact) b = finish_contact (f->contacts, "Rijbewijs");
  VbSyncStats stats;

  add_vacs (f->server, 1, 25, "1");
  vb_fake_server_put_item (f->server, "notice", "notice-1",
                           "{\"type\": \"notice\", \"id\": \"notice-1\", \"titel\": \"Storing\", "
                           "\"tekst\": \"<p>De site is traag.</p>\"}");
  vb_fake_server_add_change (f->server, "{\"op\": \"list\", \"list\": \"kanalen\", \"entries\": "
                                        "[{\"code\": \"telefoon\", \"naam\": \"Telefoon\"}]}");
  delete_vac (f->server, 3);
  g_assert_true (vb_contact_store_log_search (f->contacts, "paspoort", 3, NULL, &error));
  g_assert_no_error (error);
  g_signal_connect (f->sync, "changed", G_CALLBACK (on_changed), f);
  g_signal_connect (f->sync, "notice", G_CALLBACK (on_notice), f);
  g_assert_cmpint (vb_sync_get_last_synced (f->sync), ==, 0);

  run_ok (f, &stats);
  assert_content (f, 28);
  g_assert_cmpint (stats.pages, ==, 3);
  g_assert_cmpint (stats.cursor, ==, 28);
  g_assert_cmpint (f->n_changed, >=, 27);
  g_assert_cmpint (f->n_notices, ==, 1);
  g_assert_null (vb_store_get_item (f->store, "vac-0003", NULL));
  g_assert_cmpuint (vb_sync_get_progress_done (f->sync), ==, 28);
  g_assert_cmpuint (vb_sync_get_progress_total (f->sync), ==, 28);
  g_assert_cmpint (vb_sync_get_last_synced (f->sync), >, 0);
  {
    g_autoptr(JsonArray) kanalen = vb_store_dup_list (f->store, "kanalen", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (kanalen), ==, 1);
  }
  /* The outbox and the search log reached the server, once. */
  g_assert_cmpint (stats.contacts_sent, ==, 2);
  g_assert_cmpint (stats.searches_sent, ==, 1);
  g_assert_cmpint (vb_fake_server_contact_revision (f->server, vb_contact_get_uuid (a)), ==, 1);
  g_assert_cmpint (vb_fake_server_contact_revision (f->server, vb_contact_get_uuid (b)), ==, 1);
  g_assert_cmpint (vb_fake_server_count_searches (f->server), ==, 1);
  g_assert_cmpint (vb_sync_get_outbox_size (f->sync), ==, 0);

  /* Incremental: only what changed; nothing sent twice. */
  add_vacs (f->server, 5, 6, "2");
  run_ok (f, &stats);
  assert_content (f, 30);
  g_assert_cmpint (stats.items_applied, ==, 2);
  g_assert_cmpint (stats.contacts_sent, ==, 0);
  g_assert_cmpint (stats.searches_sent, ==, 0);
  g_assert_cmpint (vb_fake_server_count_contacts (f->server), ==, 2);
}

/* A fault on the second page: the first page stays applied, nothing of the second; the
 * state and message say what happened, and the next pass resumes at the second page. */
typedef struct
{
  VbFakeFault  fault;
  guint        status;
  VbSyncError  code;
  VbSyncState  state;
  const char  *message;
} FaultCase;

static const FaultCase fault_cases[] = {
  { VB_FAKE_RESET, 0, VB_SYNC_ERROR_OFFLINE, VB_SYNC_STATE_OFFLINE,
    "connection to 127.0.0.1 was lost" },
  { VB_FAKE_TRUNCATE, 0, VB_SYNC_ERROR_PROTOCOL, VB_SYNC_STATE_ERROR, "not valid JSON" },
  { VB_FAKE_INVALID_JSON, 0, VB_SYNC_ERROR_PROTOCOL, VB_SYNC_STATE_ERROR, "not valid JSON" },
  { VB_FAKE_NON_UTF8, 0, VB_SYNC_ERROR_PROTOCOL, VB_SYNC_STATE_ERROR, "not valid UTF-8" },
  { VB_FAKE_STATUS, 500, VB_SYNC_ERROR_SERVER, VB_SYNC_STATE_ERROR, "failed (500" },
};
static const char *const fault_case_names[] = {
  "reset", "truncated", "invalid-json", "non-utf8", "500",
};

static void
test_fault_on_second_page (Fixture       *f,
                           gconstpointer  data)
{
  const FaultCase *c = data;

  add_vacs (f->server, 1, 25, "1");
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 1, 1, c->fault, c->status, 0);
  run_fails (f, c->code, c->state, c->message);
  assert_content (f, PAGE);
  run_ok (f, NULL);
  assert_content (f, 25);
  /* Resumed at page 2, not from 0: 2 requests, then 2 more. */
  g_assert_cmpuint (vb_fake_server_count_requests (f->server, "/api/v1/changes"), ==, 4);
}

/* A wrong field type or a missing field refuses the whole page, naming seq and field; the
 * content stays at the page before, and a fixed server lets the sync go on. */
typedef struct
{
  const char *name;
  const char *change;
  const char *message;
} BadRecord;

static const BadRecord bad_records[] = {
  { "wrong-type",
    "{\"op\": \"put\", \"type\": \"vac\", \"id\": \"vac-0015\", \"item\": {\"type\": \"vac\", "
    "\"id\": \"vac-0015\", \"vraag\": 42, \"antwoord\": \"<p>x</p>\"}}",
    "Change 15 (vac-0015): field \"vraag\" must be a string" },
  { "missing-field",
    "{\"op\": \"put\", \"type\": \"vac\", \"id\": \"vac-0015\", \"item\": {\"type\": \"vac\", "
    "\"id\": \"vac-0015\", \"vraag\": \"Waar?\"}}",
    "Change 15 (vac-0015): field \"antwoord\" is missing" },
  { "missing-id",
    "{\"op\": \"put\", \"type\": \"vac\", \"item\": {\"type\": \"vac\"}}",
    "Change 15: field \"id\" must be a non-empty string" },
  { "bad-seq",
    "{\"seq\": \"fifteen\", \"op\": \"delete\", \"type\": \"vac\", \"id\": \"vac-0001\"}",
    "Change 5 after 10: field \"seq\" must be a number" },
  { "item-id-differs",
    "{\"op\": \"put\", \"type\": \"vac\", \"id\": \"vac-0015\", \"item\": {\"type\": \"vac\", "
    "\"id\": \"vac-9999\", \"vraag\": \"Waar?\", \"antwoord\": \"<p>x</p>\"}}",
    "Change 15 (vac-0015): the item's fields \"id\" and \"type\" differ" },
};

/* A wrong field type or a missing field refuses the whole page, naming seq and field; the
 * content stays at the page before, and a fixed server lets the sync go on. */
static void
test_bad_record (Fixture       *f,
                 gconstpointer  data)
{
  const BadRecord *bad = data;
  g_autofree char *good = vac_json (15, "1");
  g_autofree char *fixed =
    g_strdup_printf ("{\"op\": \"put\", \"type\": \"vac\", \"id\": \"vac-0015\", \"item\": %s}",
                     good);

  add_vacs (f->server, 1, 14, "1");
  g_assert_cmpint (vb_fake_server_add_change (f->server, bad->change), ==, 15);
  add_vacs (f->server, 16, 25, "1");
  run_fails (f, VB_SYNC_ERROR_PROTOCOL, VB_SYNC_STATE_ERROR, bad->message);
  g_assert_true (g_str_has_prefix (vb_sync_get_error_message (f->sync), "127.0.0.1: "));
  assert_content (f, PAGE);
  g_assert_null (vb_store_get_item (f->store, "vac-0011", NULL));
  /* Retried: the same refusal, nothing applied. */
  run_fails (f, VB_SYNC_ERROR_PROTOCOL, VB_SYNC_STATE_ERROR, bad->message);
  assert_content (f, PAGE);

  vb_fake_server_replace_change (f->server, 15, fixed);
  run_ok (f, NULL);
  assert_content (f, 25);
}

static void
test_unknown_type (Fixture       *f,
                   gconstpointer  data)
{
  VbSyncStats stats;
  g_auto(GStrv) skipped = NULL;

  add_vacs (f->server, 1, 5, "1");
  vb_fake_server_put_item (f->server, "faq", "faq-1",
                           "{\"type\": \"faq\", \"id\": \"faq-1\", \"q\": 1}");
  vb_fake_server_add_change (f->server, "{\"op\": \"merge\", \"type\": \"vac\", \"id\": \"x\"}");
  add_vacs (f->server, 6, 8, "1");
  run_ok (f, &stats);
  assert_content (f, 10);
  g_assert_cmpint (stats.items_skipped, ==, 2);
  g_assert_null (vb_store_get_item (f->store, "faq-1", NULL));
  skipped = vb_sync_dup_skipped (f->sync);
  g_assert_cmpuint (g_strv_length (skipped), ==, 2);
  g_assert_nonnull (strstr (skipped[0], "faq-1"));
}

static void
test_large_item (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GString) big = g_string_new ("{\"type\": \"vac\", \"id\": \"vac-big\", \"vraag\": "
                                         "\"Groot?\", \"antwoord\": \"<p>");
  g_auto(GStrv) skipped = NULL;
  VbSyncStats stats;

  for (guint i = 0; i < 10 * 1024 * 1024 / 8; i++)
    g_string_append (big, "balie.  ");
  g_string_append (big, "</p>\"}");
  add_vacs (f->server, 1, 4, "1");
  vb_fake_server_put_item (f->server, "vac", "vac-big", big->str);
  add_vacs (f->server, 5, 7, "1");
  run_ok (f, &stats);
  assert_content (f, 8);
  g_assert_null (vb_store_get_item (f->store, "vac-big", NULL));
  g_assert_cmpint (stats.items_skipped, ==, 1);
  skipped = vb_sync_dup_skipped (f->sync);
  g_assert_cmpuint (g_strv_length (skipped), ==, 1);
  g_assert_nonnull (strstr (skipped[0], "vac-big is larger than 2 MiB"));
}

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  add_vacs (f->server, 1, 5, "1");
  vb_sync_set_token (f->sync, "wrong");
  run_fails (f, VB_SYNC_ERROR_UNAUTHORIZED, VB_SYNC_STATE_ERROR, "refuses the token");
  assert_content (f, 0);
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 0);
  vb_sync_set_token (f->sync, TOKEN);
  run_ok (f, NULL);
  assert_content (f, 5);
}

static void
test_forbidden (Fixture       *f,
                gconstpointer  data)
{
  add_vacs (f->server, 1, 15, "1");
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 1, 1, VB_FAKE_STATUS, 403, 0);
  run_fails (f, VB_SYNC_ERROR_FORBIDDEN, VB_SYNC_STATE_ERROR, "does not allow this token");
  assert_content (f, PAGE);
}

static void
check_busy (Fixture *f,
            guint    status)
{
  add_vacs (f->server, 1, 15, "1");
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 1, 1, VB_FAKE_STATUS, status, 7);
  run_fails (f, VB_SYNC_ERROR_BUSY, VB_SYNC_STATE_ERROR, "again in 7 seconds");
  assert_content (f, PAGE);
  run_ok (f, NULL);
  assert_content (f, 15);
}

static void
test_busy_429 (Fixture       *f,
               gconstpointer  data)
{
  check_busy (f, 429);
}

static void
test_busy_503 (Fixture       *f,
               gconstpointer  data)
{
  check_busy (f, 503);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  gint64 start;

  add_vacs (f->server, 1, 15, "1");
  vb_sync_set_timeout (f->sync, 1);
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 1, 1, VB_FAKE_HANG, 0, 0);
  start = g_get_monotonic_time ();
  run_fails (f, VB_SYNC_ERROR_TIMEOUT, VB_SYNC_STATE_OFFLINE, "did not answer within 1 seconds");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  assert_content (f, PAGE);
  run_ok (f, NULL);
  assert_content (f, 15);
}

static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  vb_sync_set_server_url (f->sync, "http://127.0.0.1:9");
  run_fails (f, VB_SYNC_ERROR_OFFLINE, VB_SYNC_STATE_OFFLINE, "Cannot reach 127.0.0.1");
  vb_sync_set_server_url (f->sync, NULL);
  run_fails (f, VB_SYNC_ERROR_NO_SERVER, VB_SYNC_STATE_DISABLED, NULL);
}

/* The server's database was replaced: a shorter log answers 409; the client starts from 0
 * and ends with exactly the new content (what the new server lacks is removed). */
static void
test_server_replaced (Fixture       *f,
                      gconstpointer  data)
{
  VbSyncStats stats;

  add_vacs (f->server, 1, 30, "1");
  run_ok (f, NULL);
  assert_content (f, 30);

  vb_fake_server_reset_log (f->server);
  add_vacs (f->server, 20, 31, "2");
  /* Interrupted in the middle of the replacement: the content is still whole pages. */
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 1, 1, VB_FAKE_RESET, 0, 0);
  run_fails (f, VB_SYNC_ERROR_OFFLINE, VB_SYNC_STATE_OFFLINE, NULL);
  g_assert_cmpint (stored_cursor (f->store), ==, 0);
  run_ok (f, &stats);
  g_assert_true (stats.full_resync);
  assert_content (f, 12);
  g_assert_null (vb_store_get_item (f->store, "vac-0001", NULL));
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 12);
  {
    g_autofree char *full = vb_store_dup_meta (f->store, "sync-full");

    g_assert_cmpstr (full, ==, "0");
  }
}

/* The replacement interrupted between its pages: old items are still there (they are removed
 * only at the end, when the pass knows what the server has), and the next pass starts from 0
 * again because the ids seen are gone; then the content is exact. */
static void
test_server_replaced_interrupted (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *full = NULL;

  add_vacs (f->server, 1, 30, "1");
  run_ok (f, NULL);
  vb_fake_server_reset_log (f->server);
  add_vacs (f->server, 20, 31, "2");
  /* 409, then the first page of the new log, then the connection breaks. */
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 2, 1, VB_FAKE_RESET, 0, 0);
  run_fails (f, VB_SYNC_ERROR_OFFLINE, VB_SYNC_STATE_OFFLINE, NULL);
  g_assert_cmpint (stored_cursor (f->store), ==, PAGE);
  full = vb_store_dup_meta (f->store, "sync-full");
  g_assert_cmpstr (full, ==, "1");
  g_assert_nonnull (vb_store_get_item (f->store, "vac-0001", NULL));
  {
    g_autoptr(VbItem) item = vb_store_get_item (f->store, "vac-0025", NULL);

    g_assert_nonnull (strstr (vb_item_get_string (item, "antwoord"), "versie 2"));
  }
  run_ok (f, NULL);
  assert_content (f, 12);
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 12);
}

/* A replaced server whose log is as long as our cursor or longer answers no 409: its other
 * database id makes the client start again from 0 and end with exactly the new content. */
static void
test_database_replaced (Fixture       *f,
                        gconstpointer  data)
{
  VbSyncStats stats;
  g_autofree char *database = NULL;

  add_vacs (f->server, 1, 30, "1");
  run_ok (f, NULL);
  assert_content (f, 30);
  database = vb_store_dup_meta (f->store, "sync-database");
  g_assert_cmpstr (database, ==, "fake-database-1");
  g_clear_pointer (&database, g_free);

  vb_fake_server_reset_log (f->server);
  vb_fake_server_set_database (f->server, "fake-database-2");
  add_vacs (f->server, 5, 40, "2");
  run_ok (f, &stats);
  g_assert_true (stats.full_resync);
  assert_content (f, 36);
  g_assert_null (vb_store_get_item (f->store, "vac-0001", NULL));
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 36);
  database = vb_store_dup_meta (f->store, "sync-database");
  g_assert_cmpstr (database, ==, "fake-database-2");
  g_clear_pointer (&database, g_free);

  /* Interrupted after the id changed again and one page of the new log was applied: the
   * stored cursor belongs to the stored id, and the next pass ends exact. */
  vb_fake_server_reset_log (f->server);
  vb_fake_server_set_database (f->server, "fake-database-3");
  add_vacs (f->server, 30, 70, "3");
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 2, 1, VB_FAKE_RESET, 0, 0);
  run_fails (f, VB_SYNC_ERROR_OFFLINE, VB_SYNC_STATE_OFFLINE, NULL);
  database = vb_store_dup_meta (f->store, "sync-database");
  g_assert_cmpint (stored_cursor (f->store), ==, PAGE);
  g_assert_cmpstr (database, ==, "fake-database-3");
  run_ok (f, &stats);
  g_assert_true (stats.full_resync);
  assert_content (f, 41);
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 41);
}

/* A cursor stored before the server sent a database id (an older server or client) adopts
 * the first id without syncing everything again. */
static void
test_database_adopted (Fixture       *f,
                       gconstpointer  data)
{
  VbSyncStats stats;
  g_autofree char *database = NULL;

  vb_fake_server_set_database (f->server, NULL);
  add_vacs (f->server, 1, 12, "1");
  run_ok (f, NULL);
  database = vb_store_dup_meta (f->store, "sync-database");
  g_assert_true (database == NULL || *database == '\0');
  g_clear_pointer (&database, g_free);

  vb_fake_server_set_database (f->server, "fake-database-1");
  add_vacs (f->server, 13, 15, "1");
  run_ok (f, &stats);
  g_assert_false (stats.full_resync);
  g_assert_cmpuint (stats.items_applied, ==, 3);
  assert_content (f, 15);
  database = vb_store_dup_meta (f->store, "sync-database");
  g_assert_cmpstr (database, ==, "fake-database-1");
}

static void
test_url_change (Fixture       *f,
                 gconstpointer  data)
{
  VbFakeServer *other = vb_fake_server_new ();
  VbFakeServer *first = f->server;

  add_vacs (f->server, 1, 12, "1");
  run_ok (f, NULL);
  assert_content (f, 12);

  vb_fake_server_set_token (other, TOKEN);
  vb_fake_server_set_page_size (other, PAGE);
  add_vacs (other, 7, 9, "other");
  vb_sync_set_server_url (f->sync, vb_fake_server_get_url (other));
  f->server = other;
  run_ok (f, NULL);
  assert_content (f, 3);
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 3);
  f->server = first;
  vb_fake_server_free (other);
}

/* The answer to a PUT is lost after the server stored the contact: the entry stays in the
 * outbox, is sent again, and the server has the contact once. */
static void
test_lost_put_answer (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VbContact) a = finish_contact (f->contacts, "Paspoort");
  g_autoptr(VbContact) b = finish_contact (f->contacts, "Verhuizing");
  g_autoptr(GError) error = NULL;

  /* Twice: libsoup itself resends once on a kept-alive connection that closed. */
  vb_fake_server_add_fault (f->server, "/api/v1/contacts/", 0, 2, VB_FAKE_LOSE_RESPONSE, 0, 0);
  run_fails (f, VB_SYNC_ERROR_OFFLINE, VB_SYNC_STATE_OFFLINE, "lost");
  g_assert_cmpint (vb_fake_server_contact_revision (f->server, vb_contact_get_uuid (a)), ==, 1);
  g_assert_cmpint (vb_sync_get_outbox_size (f->sync), ==, 2);
  run_ok (f, NULL);
  g_assert_cmpint (vb_sync_get_outbox_size (f->sync), ==, 0);
  g_assert_cmpint (vb_fake_server_count_contacts (f->server), ==, 2);
  g_assert_cmpuint (vb_fake_server_contact_applied (f->server, vb_contact_get_uuid (a)), ==, 1);
  g_assert_cmpuint (vb_fake_server_contact_applied (f->server, vb_contact_get_uuid (b)), ==, 1);
  g_assert_cmpuint (vb_fake_server_count_requests (f->server, "/api/v1/contacts/"), >=, 4);

  /* A correction and a deletion travel too, and a 500 on the way leaves them queued. */
  vb_contact_set_notes (a, "Nog een vraag");
  g_assert_true (vb_contact_store_correct (f->contacts, a, &error));
  g_assert_no_error (error);
  g_assert_true (vb_contact_store_delete (f->contacts, vb_contact_get_uuid (b), "agent-a",
                                          &error));
  g_assert_no_error (error);
  vb_fake_server_add_fault (f->server, "/api/v1/contacts/", 0, 1, VB_FAKE_STATUS, 500, 0);
  run_fails (f, VB_SYNC_ERROR_SERVER, VB_SYNC_STATE_ERROR, NULL);
  run_ok (f, NULL);
  g_assert_cmpint (vb_fake_server_contact_revision (f->server, vb_contact_get_uuid (a)), ==, 2);
  g_assert_cmpint (vb_fake_server_contact_revision (f->server, vb_contact_get_uuid (b)), ==, -2);
  g_assert_cmpint (vb_sync_get_outbox_size (f->sync), ==, 0);
}

static void
on_state (VbSync     *sync,
          GParamSpec *pspec,
          GPtrArray  *states)
{
  g_ptr_array_add (states, GINT_TO_POINTER (vb_sync_get_state (sync)));
}

static gboolean
wait_until (gboolean (*cond) (Fixture *f),
            Fixture *f,
            guint    seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!cond (f) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return cond (f);
}

static gboolean
is_up_to_date (Fixture *f)
{
  return vb_sync_get_state (f->sync) == VB_SYNC_STATE_UP_TO_DATE;
}

static gboolean
has_item_40 (Fixture *f)
{
  return stored_cursor (f->store) >= 40;
}

static gboolean
has_error (Fixture *f)
{
  return vb_sync_get_state (f->sync) == VB_SYNC_STATE_ERROR;
}

/* The loop: a 503 with Retry-After is waited out, then the long poll brings a new change
 * within a second; a 401 stops it until a new token. */
static void
test_loop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) states = g_ptr_array_new ();
  gint64 second;
  guint before;

  add_vacs (f->server, 1, 15, "1");
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 1, 1, VB_FAKE_STATUS, 503, 2);
  g_signal_connect (f->sync, "notify::state", G_CALLBACK (on_state), states);
  vb_sync_start (f->sync);
  g_assert_true (wait_until (is_up_to_date, f, 10));
  assert_content (f, 15);
  g_assert_cmpint (GPOINTER_TO_INT (states->pdata[0]), ==, VB_SYNC_STATE_SYNCING);
  g_assert_cmpint (GPOINTER_TO_INT (states->pdata[1]), ==, VB_SYNC_STATE_ERROR);

  /* The long poll is open now; a change shows within a second. */
  add_vacs (f->server, 16, 40, "1");
  second = g_get_monotonic_time ();
  g_assert_true (wait_until (has_item_40, f, 5));
  g_assert_cmpint (g_get_monotonic_time () - second, <, 3 * G_USEC_PER_SEC);
  g_assert_true (wait_until (is_up_to_date, f, 5));
  assert_content (f, 40);

  /* Ctrl+R while the long poll waits: the poll is cancelled for a pass now, which is no
   * error (it once showed as "the local database cannot be updated"). */
  {
    guint first = states->len;
    guint polls = vb_fake_server_count_requests (f->server, "/api/v1/changes");
    gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    vb_sync_now (f->sync);
    while (vb_fake_server_count_requests (f->server, "/api/v1/changes") <= polls &&
           g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE), g_usleep (5000);
    g_assert_cmpuint (vb_fake_server_count_requests (f->server, "/api/v1/changes"), >, polls);
    g_assert_true (wait_until (is_up_to_date, f, 5));
    for (guint i = first; i < states->len; i++)
      g_assert_cmpint (GPOINTER_TO_INT (states->pdata[i]), !=, VB_SYNC_STATE_ERROR);
    g_assert_cmpint (vb_sync_get_error_code (f->sync), ==, -1);
  }

  /* 401: the loop stops and does not hammer the server. */
  vb_fake_server_set_token (f->server, "rotated");
  add_vacs (f->server, 41, 41, "1");
  g_assert_true (wait_until (has_error, f, 5));
  g_assert_cmpint (vb_sync_get_error_code (f->sync), ==, VB_SYNC_ERROR_UNAUTHORIZED);
  before = vb_fake_server_count_requests (f->server, "/api/v1/changes");
  {
    gint64 until = g_get_monotonic_time () + 1500 * 1000;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  }
  g_assert_cmpuint (vb_fake_server_count_requests (f->server, "/api/v1/changes"), ==, before);
  vb_fake_server_set_token (f->server, TOKEN);
  vb_sync_set_token (f->sync, TOKEN);
  g_assert_true (wait_until (is_up_to_date, f, 5));
  assert_content (f, 41);
  vb_sync_stop (f->sync);
  g_assert_cmpint (vb_sync_get_state (f->sync), ==, VB_SYNC_STATE_IDLE);
  g_signal_handlers_disconnect_by_data (f->sync, states);
}

/* The backoff between failures and Retry-After, measured at the server. */
static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  gint64 t0, t1;
  guint n;

  add_vacs (f->server, 1, 5, "1");
  vb_sync_set_long_poll (f->sync, FALSE);
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 0, 1, VB_FAKE_STATUS, 429, 2);
  vb_sync_start (f->sync);
  while ((n = vb_fake_server_count_requests (f->server, "/api/v1/changes")) < 1)
    g_main_context_iteration (NULL, TRUE);
  t0 = vb_fake_server_last_request_time (f->server, "/api/v1/changes");
  g_assert_true (wait_until (is_up_to_date, f, 10));
  t1 = vb_fake_server_last_request_time (f->server, "/api/v1/changes");
  g_assert_cmpint (t1 - t0, >=, 2 * G_USEC_PER_SEC - 100000);
  assert_content (f, 5);
  vb_sync_stop (f->sync);
}

static gboolean
has_retry_at (Fixture *f)
{
  return vb_sync_get_retry_at (f->sync) > 0;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *n)
{
  (*n)++;
}

/* retry-at says when the loop tries again after a failure (at least Retry-After), and is 0
 * while nothing waits; the UI shows it without parsing the English message. */
static void
test_retry_at (Fixture       *f,
               gconstpointer  data)
{
  gint64 now;

  add_vacs (f->server, 1, 5, "1");
  vb_sync_set_long_poll (f->sync, FALSE);
  g_assert_cmpint (vb_sync_get_retry_at (f->sync), ==, 0);
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 0, 1, VB_FAKE_STATUS, 503, 3);
  vb_sync_start (f->sync);
  g_assert_true (wait_until (has_retry_at, f, 5));
  now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (vb_sync_get_state (f->sync), ==, VB_SYNC_STATE_ERROR);
  g_assert_cmpint (vb_sync_get_error_code (f->sync), ==, VB_SYNC_ERROR_BUSY);
  g_assert_cmpint (vb_sync_get_retry_at (f->sync), >=, now + 2);
  g_assert_cmpint (vb_sync_get_retry_at (f->sync), <=, now + 4);
  g_assert_true (wait_until (is_up_to_date, f, 10));
  g_assert_cmpint (vb_sync_get_retry_at (f->sync), ==, 0);
  assert_content (f, 5);

  /* Offline: the backoff's time; stopped: none. */
  vb_fake_server_add_fault (f->server, "/api/v1/changes", 0, 0, VB_FAKE_RESET, 0, 0);
  vb_sync_now (f->sync);
  g_assert_true (wait_until (has_retry_at, f, 5));
  g_assert_cmpint (vb_sync_get_state (f->sync), ==, VB_SYNC_STATE_OFFLINE);
  g_assert_cmpint (vb_sync_get_retry_at (f->sync), >=, g_get_real_time () / G_USEC_PER_SEC);
  vb_sync_stop (f->sync);
  g_assert_cmpint (vb_sync_get_retry_at (f->sync), ==, 0);
  vb_fake_server_clear_faults (f->server);
}

/* last-synced survives a restart: a new VbSync on the same database reads it back. */
static void
test_last_synced_kept (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VbSync) again = NULL;
  g_autofree char *stored = NULL;
  gint64 last, until;
  guint notified = 0;

  add_vacs (f->server, 1, 3, "1");
  g_assert_cmpint (vb_sync_get_last_synced (f->sync), ==, 0);
  run_ok (f, NULL);
  last = vb_sync_get_last_synced (f->sync);
  g_assert_cmpint (last, >, 0);
  stored = vb_store_dup_meta (f->store, "sync-last-synced");
  g_assert_cmpint (g_ascii_strtoll (stored, NULL, 10), ==, last);

  again = vb_sync_new (f->store, f->contacts);
  g_signal_connect (again, "notify::last-synced", G_CALLBACK (count_notify), &notified);
  until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (vb_sync_get_last_synced (again) == 0 && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (vb_sync_get_last_synced (again), ==, last);
  g_assert_cmpuint (notified, ==, 1);
}

static void
on_stats (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_fetch_stats (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(GError) error = NULL;

  vb_sync_fetch_stats_async (f->sync, "2026-11-01", "2026-11-30", NULL, on_stats, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  stats = vb_sync_fetch_stats_finish (f->sync, result, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (stats, "contacts"));
  g_clear_object (&result);

  vb_fake_server_add_fault (f->server, "/api/v1/stats", 0, 1, VB_FAKE_STATUS, 403, 0);
  vb_sync_fetch_stats_async (f->sync, "2026-11-01", "2026-11-30", NULL, on_stats, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (vb_sync_fetch_stats_finish (f->sync, result, &error));
  g_assert_error (error, VB_SYNC_ERROR, VB_SYNC_ERROR_FORBIDDEN);
}

/* ---- SIGKILL during a sync ---- */

static void
test_sigkill (Fixture       *f,
              gconstpointer  data)
{
  const char *cli = g_getenv ("VB_CLI");
  g_autofree char *token_file = g_build_filename (f->dir, "token", NULL);
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint rounds = g_getenv ("VB_KILL_ROUNDS") ? atoi (g_getenv ("VB_KILL_ROUNDS")) : 12;
  guint killed = 0;

  if (cli == NULL)
    {
      g_test_skip ("VB_CLI is not set");
      return;
    }
  g_assert_true (g_file_set_contents (token_file, TOKEN "\n", -1, &error));
  g_clear_object (&f->sync);
  vb_fake_server_set_page_size (f->server, 25);
  vb_fake_server_set_delay (f->server, 25);
  add_vacs (f->server, 1, 200, "1");
  g_clear_object (&f->contacts);
  g_clear_object (&f->store);

  for (guint round = 0; round < rounds; round++)
    {
      const char *argv[] = { cli, "--db", f->db_path, "--contacts-db", f->contacts_path, "sync",
                             "--server", vb_fake_server_get_url (f->server), "--token-file",
                             token_file, "--once", NULL };
      g_autoptr(GSubprocess) child = NULL;
      /* Spread over the whole sync: start-up, pages, uploads, and after the end. */
      guint delay = 20 + (round * 397 + g_random_int_range (0, 100)) % 900;
      g_autofree char *version = g_strdup_printf ("r%u", round);

      /* New content keeps arriving between rounds (about a page), deletions too, and
       * contacts are finished. */
      add_vacs (f->server, 1 + (round * 37) % 170, 25 + (round * 37) % 170, version);
      delete_vac (f->server, 260 + round);
      f->contacts = vb_contact_store_open (f->contacts_path, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(VbContact) contact = finish_contact (f->contacts, "Paspoort");

          g_ptr_array_add (uuids, g_strdup (vb_contact_get_uuid (contact)));
        }
      g_clear_object (&f->contacts);

      child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      g_usleep (delay * 1000);
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (child))
        killed++;

      /* What the killed sync left: whole pages only, search works. */
      f->store = vb_store_open (f->db_path, &error);
      g_assert_no_error (error);
      assert_content (f, -1);
      g_assert_cmpint (stored_cursor (f->store), <=, vb_fake_server_get_last_seq (f->server));
      g_test_message ("round %u: killed after %u ms at cursor %" G_GINT64_FORMAT " of %"
                      G_GINT64_FORMAT ", %u contacts on the server", round, delay,
                      stored_cursor (f->store), vb_fake_server_get_last_seq (f->server),
                      vb_fake_server_count_contacts (f->server));
      g_clear_object (&f->store);
    }
  g_test_message ("%u of %u syncs killed", killed, rounds);
  /* Kills must land inside syncs, or the test proves nothing. */
  g_assert_cmpuint (killed, >=, rounds / 4);

  /* A sync to the end: everything there, every contact once. */
  vb_fake_server_set_delay (f->server, 0);
  {
    const char *argv[] = { cli, "--db", f->db_path, "--contacts-db", f->contacts_path, "sync",
                           "--server", vb_fake_server_get_url (f->server), "--token-file",
                           token_file, "--once", NULL };
    g_autoptr(GSubprocess) child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                                                      &error);

    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (child, NULL, &error));
    g_assert_no_error (error);
  }
  f->store = vb_store_open (f->db_path, &error);
  g_assert_no_error (error);
  assert_content (f, vb_fake_server_get_last_seq (f->server));
  f->contacts = vb_contact_store_open (f->contacts_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_store_outbox_size (f->contacts), ==, 0);
  g_assert_cmpuint (vb_fake_server_count_contacts (f->server), ==, uuids->len);
  for (guint i = 0; i < uuids->len; i++)
    {
      g_assert_cmpint (vb_fake_server_contact_revision (f->server, uuids->pdata[i]), ==, 1);
      g_assert_cmpuint (vb_fake_server_contact_applied (f->server, uuids->pdata[i]), ==, 1);
    }
  f->sync = vb_sync_new (f->store, f->contacts);
}

/* A certificate nobody vouches for is refused, with the host in the message. */
static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *pem = g_build_filename (f->dir, "server.pem", NULL);
  g_autofree char *command = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  VbFakeServer *tls;
  VbFakeServer *plain = f->server;
  int status;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is needed to make a certificate");
      return;
    }
  command = g_strdup_printf ("%s req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                             "-keyout %s -out %s", openssl, pem, pem);
  /* Its chatter captured: stdout is TAP. */
  g_assert_true (g_spawn_command_line_sync (command, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  certificate = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);

  tls = vb_fake_server_new_tls (certificate);
  vb_fake_server_set_token (tls, TOKEN);
  add_vacs (tls, 1, 3, "1");
  vb_sync_set_server_url (f->sync, vb_fake_server_get_url (tls));
  f->server = tls;
  run_fails (f, VB_SYNC_ERROR_TLS, VB_SYNC_STATE_ERROR, "The certificate of 127.0.0.1 is not valid");
  assert_content (f, 0);
  g_assert_cmpuint (vb_fake_server_count_requests (tls, "/api"), ==, 0);
  f->server = plain;
  vb_fake_server_free (tls);
}

/* The command line: "token set" stores the token (here in the file: no Secret Service in
 * tests), "sync --once" finds it, prints plain progress lines when not on a terminal and a
 * summary, and exits 2 with the message when the server refuses. */
static char *
run_cli (Fixture     *f,
         const char  *stdin_text,
         int         *status,
         char       **err,
         ...)
{
  const char *cli = g_getenv ("VB_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) cli);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "VRAAGBAAK_TOKEN_BACKEND", "file", TRUE);
  child = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, stdin_text, NULL, &out, err, &error));
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (child);
  return out;
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  const char *url = vb_fake_server_get_url (f->server);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (g_getenv ("VB_CLI") == NULL)
    {
      g_test_skip ("VB_CLI is not set");
      return;
    }
  add_vacs (f->server, 1, 25, "1");
  g_clear_object (&f->sync);

  out = run_cli (f, TOKEN "\n", &status, &err, "token", "set", "--server", url, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "readable only by you"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  out = run_cli (f, "", &status, &err, "--db", f->db_path, "--contacts-db", f->contacts_path,
                 "sync", "--server", url, "--once", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "10 / 25 items\n20 / 25 items\n25 / 25 items\n"));
  g_assert_nonnull (strstr (out, "Synced: 25 changes applied"));
  g_assert_null (strchr (out, '\r'));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  assert_content (f, 25);

  vb_fake_server_set_token (f->server, "rotated");
  out = run_cli (f, "", &status, &err, "--db", f->db_path, "--contacts-db", f->contacts_path,
                 "sync", "--server", url, "--once", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "sync failed: The server refuses the token (127.0.0.1)"));
  g_assert_null (strstr (err, TOKEN));
  g_assert_null (strstr (out, TOKEN));
}

/* ---- the token store ---- */

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ((Wait *) user_data)->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (Wait *w)
{
  while (w->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return w->result;
}

static void
check_token_file_roundtrip (VbTokenStore *tokens,
                            const char   *config)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (config, "vraagbaak", "token", NULL);
  g_autofree char *token = NULL;
  Wait w = { 0 };
  GStatBuf st;

  vb_token_store_store_async (tokens, "https://kb.example.nl", "t0ken", NULL, on_done, &w);
  g_assert_true (vb_token_store_store_finish (tokens, wait_result (&w), &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
  g_assert_false (vb_token_store_is_secure (tokens));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  vb_token_store_lookup_async (tokens, "https://kb.example.nl", NULL, on_done, &w);
  token = vb_token_store_lookup_finish (tokens, wait_result (&w), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "t0ken");
  g_clear_object (&w.result);
  g_clear_pointer (&token, g_free);

  vb_token_store_lookup_async (tokens, "https://other.example.nl", NULL, on_done, &w);
  token = vb_token_store_lookup_finish (tokens, wait_result (&w), &error);
  g_assert_no_error (error);
  g_assert_null (token);
  g_clear_object (&w.result);

  /* A file others can read is refused, not used. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  vb_token_store_lookup_async (tokens, "https://kb.example.nl", NULL, on_done, &w);
  token = vb_token_store_lookup_finish (tokens, wait_result (&w), &error);
  g_assert_error (error, VB_TOKEN_STORE_ERROR, VB_TOKEN_STORE_ERROR_INSECURE);
  g_assert_null (token);
  g_clear_error (&error);
  g_clear_object (&w.result);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  vb_token_store_clear_async (tokens, "https://kb.example.nl", NULL, on_done, &w);
  g_assert_true (vb_token_store_clear_finish (tokens, wait_result (&w), &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
  vb_token_store_lookup_async (tokens, "https://kb.example.nl", NULL, on_done, &w);
  token = vb_token_store_lookup_finish (tokens, wait_result (&w), &error);
  g_assert_no_error (error);
  g_assert_null (token);
  g_clear_object (&w.result);
}

static void
test_token_file (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *old = g_strdup (g_getenv ("XDG_CONFIG_HOME"));
  g_autoptr(VbTokenStore) tokens = NULL;

  g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  g_setenv ("VRAAGBAAK_TOKEN_BACKEND", "file", TRUE);
  tokens = vb_token_store_new ();
  g_assert_false (vb_token_store_is_secure (tokens));
  check_token_file_roundtrip (tokens, dir);
  g_unsetenv ("VRAAGBAAK_TOKEN_BACKEND");
  vb_test_rmdir (dir);
}

/* No session bus: libsecret fails and the file takes over, and says so. Runs in a child
 * so that the environment and libsecret's state stay its own. */
static void
test_token_no_secret_service (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = vb_test_tmpdir ();
      g_autoptr(VbTokenStore) tokens = NULL;

      g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vraagbaak-bus", TRUE);
      g_unsetenv ("VRAAGBAAK_TOKEN_BACKEND");
      tokens = vb_token_store_new ();
      g_assert_true (vb_token_store_is_secure (tokens));
      check_token_file_roundtrip (tokens, dir);
      vb_test_rmdir (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/sync/basic", test_basic);
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/fault/%s", fault_case_names[i]);

      g_test_add (path, Fixture, &fault_cases[i], fixture_set_up, test_fault_on_second_page,
                  fixture_tear_down);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_records); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/fault/record/%s", bad_records[i].name);

      g_test_add (path, Fixture, &bad_records[i], fixture_set_up, test_bad_record,
                  fixture_tear_down);
    }
  ADD ("/sync/fault/unknown-type", test_unknown_type);
  ADD ("/sync/fault/large-item", test_large_item);
  ADD ("/sync/fault/401", test_unauthorized);
  ADD ("/sync/fault/403", test_forbidden);
  ADD ("/sync/fault/429", test_busy_429);
  ADD ("/sync/fault/503", test_busy_503);
  ADD ("/sync/fault/timeout", test_timeout);
  ADD ("/sync/fault/offline", test_offline);
  ADD ("/sync/fault/server-replaced", test_server_replaced);
  ADD ("/sync/fault/server-replaced-interrupted", test_server_replaced_interrupted);
  ADD ("/sync/url-change", test_url_change);
  ADD ("/sync/fault/tls", test_tls);
  ADD ("/sync/outbox/lost-answer", test_lost_put_answer);
  ADD ("/sync/loop", test_loop);
  ADD ("/sync/loop/retry-after", test_retry_after);
  ADD ("/sync/sigkill", test_sigkill);
  ADD ("/sync/database/replaced", test_database_replaced);
  ADD ("/sync/database/adopted", test_database_adopted);
  ADD ("/sync/retry-at", test_retry_at);
  ADD ("/sync/last-synced-kept", test_last_synced_kept);
  ADD ("/sync/cli", test_cli);
  ADD ("/sync/stats", test_fetch_stats);
  g_test_add_func ("/sync/token/file", test_token_file);
  g_test_add_func ("/sync/token/no-secret-service", test_token_no_secret_service);

  return g_test_run ();
}
