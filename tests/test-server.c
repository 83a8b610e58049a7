/* test-server.c: vraagbaak-server against docs/sync-protocol.md
 *
 * Most tests run the server in-process on 127.0.0.1, port 0, and talk to it with an async
 * SoupSession on the same main loop. The command line, the wake-up by another process's
 * import and SIGTERM are tested on the built binary ($VB_SERVER_BINARY).
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <signal.h>
#include <libsoup/soup.h>

#include "vb-outcomes.h"
#include "vb-server.h"
#include "vb-stats.h"
#include "vb-test-util.h"

typedef struct
{
  char        *dir;
  char        *db;
  VbServer    *server;
  SoupSession *session;
  char        *base;        /* http://127.0.0.1:PORT */
  char        *supervisor;  /* tokens */
  char        *medewerker;
  char        *revoked;
  guint        n_items;
} Fixture;

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
  GError             *error;
  gint64              elapsed_us;
} Response;

static void
response_free (Response *r)
{
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
  g_clear_error (&r->error);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static const char *
server_binary (void)
{
  const char *path = g_getenv ("VB_SERVER_BINARY");

  g_assert_nonnull (path);
  return path;
}

static char *
add_token (VbServer   *server,
           const char *name,
           VbRole      role)
{
  g_autoptr(GError) error = NULL;
  char *token = vb_server_tokens_add (vb_server_get_tokens (server), name, role, &error);

  g_assert_no_error (error);
  return token;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = vb_test_tmpdir ();
  f->db = g_build_filename (f->dir, "server.db", NULL);
  f->server = vb_server_new (f->db, 30, &error);
  g_assert_no_error (error);
  vb_server_set_log_requests (f->server, FALSE);
  f->n_items = vb_test_import_demo (vb_server_get_store (f->server));
  g_assert_true (vb_server_listen (f->server, "127.0.0.1:0", NULL, &error));
  g_assert_no_error (error);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", vb_server_get_port (f->server));
  f->supervisor = add_token (f->server, "sup", VB_ROLE_SUPERVISOR);
  f->medewerker = add_token (f->server, "mw", VB_ROLE_MEDEWERKER);
  f->revoked = add_token (f->server, "old", VB_ROLE_SUPERVISOR);
  g_assert_true (vb_server_tokens_revoke (vb_server_get_tokens (f->server), "old", &error));
  f->session = soup_session_new_with_options ("timeout", 90, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->server);
  /* Jobs finishing on worker threads hold the last references: let them go. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  vb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->base);
  g_free (f->supervisor);
  g_free (f->medewerker);
  g_free (f->revoked);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Response *r = user_data;

  r->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);
}

typedef struct
{
  const char *accept_encoding;
  const char *if_none_match;
} Extra;

static SoupMessage *
new_message (const char *method,
             const char *url,
             const char *token,
             const char *body,
             gssize      len,
             const Extra *extra)
{
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (extra != NULL && extra->if_none_match != NULL)
    soup_message_headers_replace (headers, "If-None-Match", extra->if_none_match);
  if (extra != NULL && extra->accept_encoding != NULL)
    soup_message_headers_replace (headers, "Accept-Encoding", extra->accept_encoding);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, len < 0 ? strlen (body) : (gsize) len);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return msg;
}

/* Sends and runs the main loop (the in-process server's too) until the answer is in. */
static Response *
send_full (Fixture     *f,
           SoupSession *session,
           const char  *method,
           const char  *path,
           const char  *token,
           const char  *body,
           gssize       len,
           const Extra *extra)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr(SoupMessage) msg = new_message (method, url, token, body, len, extra);
  Response *r = g_new0 (Response, 1);
  gint64 start = g_get_monotonic_time ();

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, r);
  while (r->body == NULL && r->error == NULL)
    g_main_context_iteration (NULL, TRUE);
  r->elapsed_us = g_get_monotonic_time () - start;
  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return r;
}

static Response *
send (Fixture    *f,
      const char *method,
      const char *path,
      const char *token,
      const char *body)
{
  return send_full (f, f->session, method, path, token, body, -1, NULL);
}

static JsonObject *
body_object (Response *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data;

  g_assert_no_error (r->error);
  data = g_bytes_get_data (r->body, &len);
  json_parser_load_from_data (parser, data, len, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A JSON error body with @code and a message. */
static void
assert_error (Response   *r,
              guint       status,
              const char *code)
{
  g_autoptr(JsonObject) obj = NULL;

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, status);
  obj = body_object (r);
  g_assert_cmpstr (json_object_get_string_member (obj, "error"), ==, code);
  g_assert_cmpuint (strlen (json_object_get_string_member (obj, "message")), >, 10);
}

static gint64
last_change (Fixture *f)
{
  return vb_store_get_last_change (vb_server_get_store (f->server));
}

/* ---- health, authentication, roles, errors ---- */

static void
test_health (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(Response) r = send (f, "GET", "/api/v1/health", NULL, NULL);
  g_autoptr(JsonObject) obj = body_object (r);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (obj, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpint (json_object_get_int_member (obj, "protocol"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (obj, "cursor"), ==, last_change (f));
  g_assert_cmpint (last_change (f), >, f->n_items);
  /* The database id: a UUID, the same in every page, kept across restarts. */
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (obj, "database")));
  g_assert_cmpstr (json_object_get_string_member (obj, "database"), ==,
                   vb_server_get_database_id (f->server));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VbServer) again = NULL;
    g_autofree char *other_db = g_build_filename (f->dir, "other.db", NULL);
    g_autoptr(VbServer) other = NULL;

    g_clear_object (&f->server);
    while (g_main_context_iteration (NULL, FALSE))
      ;
    again = vb_server_new (f->db, 30, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (vb_server_get_database_id (again), ==,
                     json_object_get_string_member (obj, "database"));
    other = vb_server_new (other_db, 30, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (vb_server_get_database_id (other), !=, vb_server_get_database_id (again));
  }
}

static void
assert_unauthorized (Response *r)
{
  assert_error (r, 401, "unauthorized");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (r->headers, "WWW-Authenticate"),
                                   "Bearer"));
}

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Response) none = send (f, "GET", "/api/v1/changes", NULL, NULL);
  g_autoptr(Response) wrong = send (f, "GET", "/api/v1/changes", "vb_not-a-token", NULL);
  g_autoptr(Response) revoked = send (f, "GET", "/api/v1/changes", f->revoked, NULL);
  g_autoptr(Response) ok = send (f, "GET", "/api/v1/changes?limit=1", f->medewerker, NULL);
  g_autoptr(Response) post = send (f, "POST", "/api/v1/searches", NULL, "{\"searches\":[]}");

  assert_unauthorized (none);
  assert_unauthorized (wrong);
  assert_unauthorized (revoked);
  assert_unauthorized (post);
  g_assert_cmpuint (ok->status, ==, 200);
}

static void
test_not_found_and_method (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(Response) missing = send (f, "GET", "/api/v1/nothing", f->medewerker, NULL);
  g_autoptr(Response) root = send (f, "GET", "/", NULL, NULL);
  g_autoptr(Response) method = send (f, "POST", "/api/v1/changes", f->medewerker, "{}");
  g_autoptr(Response) contact = send (f, "GET", "/api/v1/contacts/5f0c8e1e-8d34-4e8e-9b1a-"
                                      "0c2f6a7d9e11", f->medewerker, NULL);

  assert_error (missing, 404, "not_found");
  assert_error (root, 404, "not_found");
  assert_error (method, 405, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (method->headers, "Allow"), ==, "GET");
  assert_error (contact, 405, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (contact->headers, "Allow"), ==, "PUT, DELETE");
}

static void
test_forbidden (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Response) mw = send (f, "GET", "/api/v1/stats?from=2026-11-01&to=2026-11-30",
                                 f->medewerker, NULL);
  g_autoptr(Response) sup = send (f, "GET", "/api/v1/stats?from=2026-11-01&to=2026-11-30",
                                  f->supervisor, NULL);
  g_autoptr(Response) bad = send (f, "GET", "/api/v1/stats?from=2026-11-31&to=2026-11-30",
                                  f->supervisor, NULL);

  assert_error (mw, 403, "forbidden");
  g_assert_cmpuint (sup->status, ==, 200);
  assert_error (bad, 400, "bad_request");
}

#define UUID "7d3c1f2e-5b6a-4c8d-9e0f-112233445566"

/* A finished contact in the upload shape, at @revision. */
static char *
contact_json (const char *uuid,
              int         revision,
              const char *channel,
              gint64      started)
{
  g_autoptr(VbContact) contact = vb_contact_new_with_uuid (uuid, channel, "agent-a");
  g_autoptr(JsonNode) node = NULL;
  VbContactQuestion *q;

  vb_contact_set_started (contact, started);
  vb_contact_set_ended (contact, started + 120 + revision);
  q = vb_contact_add_question (contact);
  vb_contact_question_set_used (q, "vac-afval-ophaaldagen", NULL, "Wanneer wordt mijn afval opgehaald?");
  vb_contact_question_set_outcome (q, "zelf");
  vb_contact_question_set_afdeling (q, "Afval en Reiniging");
  vb_contact_set_state (contact, VB_CONTACT_FINISHED, revision, FALSE);
  node = vb_contact_to_json (contact);
  return json_to_string (node, FALSE);
}

static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  gsize len = 2 * 1024 * 1024;
  g_autofree char *big = g_malloc (len);
  g_autoptr(Response) r = NULL;
  g_autoptr(Response) after = NULL;
  g_autoptr(Response) searches = NULL;

  memset (big, ' ', len);
  big[0] = '{';
  big[len - 1] = '}';
  r = send_full (f, f->session, "PUT", "/api/v1/contacts/" UUID, f->medewerker, big, len, NULL);
  assert_error (r, 413, "too_large");
  /* Within its own limit of 4 MiB, the same body is read (and is not a valid batch). */
  searches = send_full (f, f->session, "POST", "/api/v1/searches", f->medewerker, big, len,
                        NULL);
  assert_error (searches, 400, "bad_request");
  /* The server still answers on a new connection. */
  after = send (f, "GET", "/api/v1/health", NULL, NULL);
  g_assert_cmpuint (after->status, ==, 200);
}

static void
test_bad_request (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *good = contact_json (UUID, 1, "telefoon", 1795000000);
  g_autofree char *other = contact_json ("0e1d2c3b-4a59-4867-9766-554433221100", 1, "telefoon",
                                         1795000000);
  g_autofree char *string_revision = g_strdup (good);
  char *p = strstr (string_revision, "\"revision\":1");
  static const char *const cases[][3] = {
    { "PUT", "/api/v1/contacts/" UUID, "{\"uuid\": " },
    { "PUT", "/api/v1/contacts/" UUID, "[1, 2]" },
    { "PUT", "/api/v1/contacts/" UUID, "{\"uuid\": 12}" },
    { "PUT", "/api/v1/contacts/" UUID, "{\"uuid\": \"" UUID "\"}" },
    { "PUT", "/api/v1/contacts/not-a-uuid", "{}" },
    { "DELETE", "/api/v1/contacts/" UUID, NULL },
    { "DELETE", "/api/v1/contacts/" UUID "?revision=zero", NULL },
    { "GET", "/api/v1/changes?limit=5000", NULL },
    { "GET", "/api/v1/changes?since=-1", NULL },
    { "GET", "/api/v1/changes?wait=61", NULL },
    { "POST", "/api/v1/searches", "{\"searches\": {}}" },
    { "POST", "/api/v1/searches", "{\"searches\": [{\"id\": \"a:1\", \"at\": \"2026-11-29T08:00:00Z\","
      " \"query\": \"paspoort\", \"n_results\": \"3\"}]}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Response) r = send (f, cases[i][0], cases[i][1], f->medewerker, cases[i][2]);

      g_test_message ("case %u: %s %s", i, cases[i][0], cases[i][1]);
      assert_error (r, 400, "bad_request");
    }

  /* A revision as a string, and a body whose uuid is not the path's. */
  g_assert_nonnull (p);
  memcpy (p, "\"revision\":\"", 12);
  {
    g_autofree char *fixed = g_strdup_printf ("%.*s1\"%s", (int) (p - string_revision + 12),
                                              string_revision, p + 12);
    g_autoptr(Response) r = send (f, "PUT", "/api/v1/contacts/" UUID, f->medewerker, fixed);
    g_autoptr(JsonObject) obj = NULL;

    assert_error (r, 400, "bad_request");
    obj = body_object (r);
    g_assert_nonnull (strstr (json_object_get_string_member (obj, "message"), "revision"));
  }
  {
    g_autoptr(Response) r = send (f, "PUT", "/api/v1/contacts/" UUID, f->medewerker, other);
    g_autoptr(JsonObject) obj = NULL;

    assert_error (r, 400, "bad_request");
    obj = body_object (r);
    g_assert_nonnull (strstr (json_object_get_string_member (obj, "message"), "uuid"));
  }
  {
    g_autoptr(Response) r = send (f, "PUT", "/api/v1/contacts/" UUID, f->medewerker, good);

    g_assert_cmpuint (r->status, ==, 201);
  }
}

/* ---- the feed ---- */

static JsonObject *
get_page (Fixture *f,
          gint64   since,
          int      limit)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%d",
                                           since, limit);
  g_autoptr(Response) r = send (f, "GET", path, f->medewerker, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return body_object (r);
}

static GHashTable *
stored_ids (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = vb_store_open_reader (vb_server_get_store (f->server), &error);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM items", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ids;
}

static void
test_changes_paging (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GHashTable) items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) expected = stored_ids (f);
  gint64 total = last_change (f), since = 0, seen = 0;
  gboolean more = TRUE;
  guint pages = 0;
  GHashTableIter iter;
  gpointer key;

  g_assert_cmpuint (g_hash_table_size (expected), ==, f->n_items);
  while (more)
    {
      g_autoptr(JsonObject) page = get_page (f, since, 40);
      JsonArray *changes = json_object_get_array_member (page, "changes");
      guint n = json_array_get_length (changes);

      g_assert_cmpint (json_object_get_int_member (page, "since"), ==, since);
      g_assert_cmpstr (json_object_get_string_member (page, "database"), ==,
                       vb_server_get_database_id (f->server));
      more = json_object_get_boolean_member (page, "more");
      g_assert_cmpuint (n, ==, more ? 40 : total - since);
      for (guint i = 0; i < n; i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          const char *op = json_object_get_string_member (change, "op");

          g_assert_cmpint (json_object_get_int_member (change, "seq"), ==, ++seen);
          if (g_str_equal (op, "list"))
            {
              g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (change, "entries")));
              g_hash_table_add (lists, g_strdup (json_object_get_string_member (change, "list")));
            }
          else
            {
              JsonObject *item = json_object_get_object_member (change, "item");
              const char *id = json_object_get_string_member (change, "id");

              g_assert_cmpstr (op, ==, "put");
              g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, id);
              g_assert_cmpstr (json_object_get_string_member (item, "type"), ==,
                               json_object_get_string_member (change, "type"));
              g_hash_table_replace (items, g_strdup (id), g_strdup (op));
            }
        }
      since = json_object_get_int_member (page, "cursor");
      g_assert_cmpint (since, ==, seen);
      g_assert_cmpint (json_object_get_int_member (page, "remaining"), ==, total - since);
      pages++;
    }
  g_assert_cmpint (since, ==, total);
  g_assert_cmpuint (pages, ==, (total + 39) / 40);
  /* Every item exactly once after collapsing, and nothing else. */
  g_assert_cmpuint (g_hash_table_size (items), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_assert_true (g_hash_table_contains (items, key));
  g_assert_true (g_hash_table_contains (lists, "gespreksresultaten"));
  g_assert_true (g_hash_table_contains (lists, "kanalen"));

  /* The end: an empty page at the cursor; beyond it, 409. */
  {
    g_autoptr(JsonObject) page = get_page (f, total, 40);
    g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT, total + 1);
    g_autoptr(Response) ahead = send (f, "GET", path, f->medewerker, NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "changes")), ==, 0);
    g_assert_cmpint (json_object_get_int_member (page, "cursor"), ==, total);
    g_assert_false (json_object_get_boolean_member (page, "more"));
    assert_error (ahead, 409, "cursor_ahead");
  }
}

static void
test_changes_tombstone (Fixture       *f,
                        gconstpointer  data)
{
  const char *const ids[] = { "vac-afval-ophaaldagen", NULL };
  gint64 before = last_change (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = NULL;
  JsonObject *change;

  g_assert_true (vb_store_delete_items (vb_server_get_store (f->server), ids, &error));
  g_assert_no_error (error);
  page = get_page (f, before, 100);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "changes")), ==, 1);
  change = json_array_get_object_element (json_object_get_array_member (page, "changes"), 0);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "delete");
  g_assert_cmpstr (json_object_get_string_member (change, "id"), ==, "vac-afval-ophaaldagen");
  g_assert_cmpstr (json_object_get_string_member (change, "type"), ==, "vac");
  g_assert_false (json_object_has_member (change, "item"));
  g_assert_cmpint (json_object_get_int_member (page, "cursor"), ==, before + 1);
}

static void
test_changes_etag (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Response) full = send (f, "GET", "/api/v1/changes?since=0&limit=50", f->medewerker,
                                   NULL);
  const char *etag = soup_message_headers_get_one (full->headers, "ETag");
  Extra extra = { .if_none_match = etag };
  g_autoptr(Response) again = NULL;
  g_autoptr(Response) other = NULL;
  g_autoptr(Response) last = NULL;
  g_autofree char *last_path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                                "&limit=50", last_change (f) - 10);

  g_autofree char *want_etag = g_strdup_printf ("\"c-%s-0-50-50\"",
                                                vb_server_get_database_id (f->server));

  g_assert_cmpuint (full->status, ==, 200);
  g_assert_cmpstr (etag, ==, want_etag);
  g_assert_cmpstr (soup_message_headers_get_one (full->headers, "Cache-Control"), ==,
                   "private, max-age=86400");
  g_assert_nonnull (strstr (soup_message_headers_get_one (full->headers, "Vary"),
                            "Authorization"));

  again = send_full (f, f->session, "GET", "/api/v1/changes?since=0&limit=50", f->medewerker,
                     NULL, -1, &extra);
  g_assert_cmpuint (again->status, ==, 304);
  g_assert_cmpuint (g_bytes_get_size (again->body), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_one (again->headers, "ETag"), ==, etag);

  /* Another page's ETag does not match. */
  other = send_full (f, f->session, "GET", "/api/v1/changes?since=1&limit=50", f->medewerker,
                     NULL, -1, &extra);
  g_assert_cmpuint (other->status, ==, 200);

  /* The last page may still grow: no ETag, not stored. */
  last = send (f, "GET", last_path, f->medewerker, NULL);
  g_assert_cmpuint (last->status, ==, 200);
  g_assert_null (soup_message_headers_get_one (last->headers, "ETag"));
  g_assert_cmpstr (soup_message_headers_get_one (last->headers, "Cache-Control"), ==, "no-store");
}

static void
test_gzip (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SoupSession) plain = soup_session_new ();
  Extra gzip = { .accept_encoding = "gzip" };
  g_autoptr(Response) zipped = send_full (f, f->session, "GET", "/api/v1/changes?limit=100",
                                          f->medewerker, NULL, -1, &gzip);
  g_autoptr(Response) unzipped = NULL;
  g_autoptr(JsonObject) a = body_object (zipped);
  g_autoptr(JsonObject) b = NULL;

  g_assert_cmpuint (zipped->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (zipped->headers, "Content-Encoding"), ==, "gzip");
  soup_session_remove_feature_by_type (plain, SOUP_TYPE_CONTENT_DECODER);
  unzipped = send_full (f, plain, "GET", "/api/v1/changes?limit=100", f->medewerker, NULL, -1,
                        NULL);
  g_assert_null (soup_message_headers_get_one (unzipped->headers, "Content-Encoding"));
  b = body_object (unzipped);
  g_assert_cmpint (json_object_get_int_member (a, "cursor"), ==, 100);
  g_assert_cmpint (json_object_get_int_member (b, "cursor"), ==, 100);
  /* The session decoded the same bytes. */
  g_assert_true (g_bytes_equal (zipped->body, unzipped->body));
  g_assert_cmpuint (g_bytes_get_size (zipped->body), >, 10000);
}

/* ---- long polls ---- */

static const char notice_bundle[] =
  "{\"format\": \"vraagbaak-content\", \"version\": 1, \"items\": [{\"type\": \"notice\","
  " \"id\": \"notice-storing\", \"titel\": \"Storing telefooncentrale\", \"inhoud\":"
  " \"<p>De telefooncentrale is gestoord.</p>\", \"publicatieDatum\": \"2026-11-29\"}]}";

typedef struct
{
  Fixture *f;
  gint64   imported_at;
  gboolean done;
} ImportLater;

static gboolean
import_in_process (gpointer user_data)
{
  ImportLater *later = user_data;
  g_autoptr(VbImporter) importer = vb_importer_new (vb_server_get_store (later->f->server));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) lists = NULL;

  g_assert_true (vb_importer_parse (importer, "notice.json", notice_bundle, -1, &items, &lists,
                                    &error));
  g_assert_no_error (error);
  g_assert_true (vb_store_upsert (vb_server_get_store (later->f->server), items, lists, &error));
  g_assert_no_error (error);
  later->imported_at = g_get_monotonic_time ();
  later->done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
assert_notice_page (Response *r,
                    gint64    since)
{
  g_autoptr(JsonObject) page = body_object (r);
  JsonArray *changes = json_object_get_array_member (page, "changes");

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 0), "id"),
                   ==, "notice-storing");
  g_assert_cmpint (json_object_get_int_member (page, "cursor"), ==, since + 1);
}

static void
on_import_exited (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ImportLater *later = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error));
  g_assert_no_error (error);
  later->imported_at = g_get_monotonic_time ();
  later->done = TRUE;
}

/* The import runs while the loop (and the server in it) goes on. */
static gboolean
spawn_import (gpointer user_data)
{
  ImportLater *later = user_data;
  g_autofree char *file = vb_test_write_file (later->f->dir, "notice.json", notice_bundle);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                                  server_binary (), "--db", later->f->db,
                                                  "import", file, NULL);

  g_assert_no_error (error);
  g_subprocess_wait_check_async (proc, NULL, on_import_exited, later);
  return G_SOURCE_REMOVE;
}

/* A long poll at the newest cursor; @import commits a notice 300 ms later. The poll must
 * answer with it within a second of the commit (the importer's exit, for another process). */
static void
long_poll_until_import (Fixture     *f,
                        GSourceFunc  import)
{
  gint64 since = last_change (f);
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&wait=20",
                                           since);
  ImportLater later = { f };
  g_autoptr(Response) r = NULL;
  gint64 answered;

  g_timeout_add (300, import, &later);
  r = send (f, "GET", path, f->medewerker, NULL);
  answered = g_get_monotonic_time ();
  /* Another process commits before it exits: the answer may come before its exit is seen. */
  while (!later.done)
    g_main_context_iteration (NULL, TRUE);
  assert_notice_page (r, since);
  g_test_message ("answered %.0f ms after the import", (answered - later.imported_at) / 1000.0);
  g_assert_cmpint (answered - later.imported_at, <, G_USEC_PER_SEC);
  g_assert_cmpint (r->elapsed_us, <, 300 * 1000 + 5 * G_USEC_PER_SEC);
}

static void
test_long_poll_in_process (Fixture       *f,
                           gconstpointer  data)
{
  long_poll_until_import (f, import_in_process);
}

static void
test_long_poll_other_process (Fixture       *f,
                              gconstpointer  data)
{
  long_poll_until_import (f, spawn_import);
}

/* Many polls wait at the same cursor, some with gzip and some without: one commit answers
 * every one of them with the notice. */
static void
test_long_poll_many (Fixture       *f,
                     gconstpointer  data)
{
  /* Enough connections for every poll to wait at once. */
  g_autoptr(SoupSession) zipped = soup_session_new_with_options ("max-conns-per-host", 30, NULL);
  g_autoptr(SoupSession) plain = soup_session_new_with_options ("max-conns-per-host", 30, NULL);
  gint64 since = last_change (f);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT
                                          "&wait=20", f->base, since);
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func ((GDestroyNotify) response_free);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  ImportLater later = { f };
  guint n_done;

  soup_session_remove_feature_by_type (plain, SOUP_TYPE_CONTENT_DECODER);
  for (guint i = 0; i < 20; i++)
    {
      SoupMessage *msg = new_message ("GET", url, f->medewerker, NULL, 0, NULL);
      Response *r = g_new0 (Response, 1);

      g_ptr_array_add (messages, msg);
      g_ptr_array_add (responses, r);
      soup_session_send_and_read_async (i % 2 == 0 ? zipped : plain, msg, G_PRIORITY_DEFAULT,
                                        NULL, on_sent, r);
    }
  g_timeout_add (500, import_in_process, &later);
  do
    {
      g_main_context_iteration (NULL, TRUE);
      n_done = 0;
      for (guint i = 0; i < responses->len; i++)
        {
          Response *r = g_ptr_array_index (responses, i);

          n_done += r->body != NULL || r->error != NULL;
        }
    }
  while (n_done < responses->len);
  g_assert_true (later.done);
  for (guint i = 0; i < responses->len; i++)
    {
      Response *r = g_ptr_array_index (responses, i);

      r->status = soup_message_get_status (g_ptr_array_index (messages, i));
      assert_notice_page (r, since);
      /* Both kinds were answered, each in its own encoding. */
      g_assert_cmpint (i % 2 == 0 ? 1 : 0, ==,
                       soup_message_headers_get_one (soup_message_get_response_headers (
                         g_ptr_array_index (messages, i)), "Content-Encoding") != NULL);
    }
  g_assert_cmpint (g_get_monotonic_time () - later.imported_at, <, G_USEC_PER_SEC);
}

static void
test_long_poll_timeout (Fixture       *f,
                        gconstpointer  data)
{
  gint64 since = last_change (f);
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&wait=1",
                                           since);
  g_autoptr(Response) r = send (f, "GET", path, f->medewerker, NULL);
  g_autoptr(JsonObject) page = body_object (r);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "changes")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (page, "cursor"), ==, since);
  g_assert_false (json_object_get_boolean_member (page, "more"));
  g_assert_cmpint (r->elapsed_us, >=, 950 * 1000);
  g_assert_cmpint (r->elapsed_us, <, 1800 * 1000);
}

/* ---- contacts and searches ---- */

static JsonObject *
put_contact (Fixture    *f,
             const char *uuid,
             int         revision,
             const char *channel,
             guint       expected_status)
{
  g_autofree char *body = contact_json (uuid, revision, channel, 1795000000);
  g_autofree char *path = g_strconcat ("/api/v1/contacts/", uuid, NULL);
  g_autoptr(Response) r = send (f, "PUT", path, f->medewerker, body);

  g_assert_cmpuint (r->status, ==, expected_status);
  return body_object (r);
}

static guint
count_contacts (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = vb_contact_store_list_finished (vb_server_get_contacts (f->server),
                                                              0, G_MAXINT64 / 2, &error);

  g_assert_no_error (error);
  return list->len;
}

static void
test_contact_idempotent (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) first = put_contact (f, UUID, 1, "telefoon", 201);
  g_autoptr(JsonObject) second = put_contact (f, UUID, 1, "telefoon", 200);

  g_assert_true (json_object_get_boolean_member (first, "applied"));
  g_assert_cmpstr (json_object_get_string_member (first, "uuid"), ==, UUID);
  g_assert_cmpint (json_object_get_int_member (first, "revision"), ==, 1);
  g_assert_false (json_object_get_boolean_member (second, "applied"));
  g_assert_cmpuint (count_contacts (f), ==, 1);
}

static VbContact *
stored_contact (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  VbContact *contact = vb_contact_store_get (vb_server_get_contacts (f->server), UUID, &error);

  g_assert_no_error (error);
  return contact;
}

static void
test_contact_revisions (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) r1 = put_contact (f, UUID, 1, "telefoon", 201);
  g_autoptr(JsonObject) r3 = put_contact (f, UUID, 3, "balie", 200);
  g_autoptr(JsonObject) r2 = put_contact (f, UUID, 2, "e-mail", 200);
  g_autoptr(VbContact) stored = stored_contact (f);

  g_assert_true (json_object_get_boolean_member (r3, "applied"));
  g_assert_false (json_object_get_boolean_member (r2, "applied"));
  g_assert_cmpint (json_object_get_int_member (r2, "revision"), ==, 3);
  g_assert_cmpint (vb_contact_get_revision (stored), ==, 3);
  g_assert_cmpstr (vb_contact_get_channel (stored), ==, "balie");
  g_assert_cmpuint (count_contacts (f), ==, 1);
}

static void
test_contact_delete (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Response) del = send (f, "DELETE", "/api/v1/contacts/" UUID "?revision=3",
                                  f->medewerker, NULL);
  g_autoptr(JsonObject) obj = body_object (del);
  g_autoptr(JsonObject) late = NULL;
  g_autoptr(VbContact) stored = NULL;

  g_assert_cmpuint (del->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (obj, "deleted"));
  g_assert_cmpstr (json_object_get_string_member (obj, "uuid"), ==, UUID);
  /* A late upload of an older revision cannot bring it back. */
  late = put_contact (f, UUID, 2, "telefoon", 200);
  g_assert_false (json_object_get_boolean_member (late, "applied"));
  stored = stored_contact (f);
  g_assert_cmpint (vb_contact_get_status (stored), ==, VB_CONTACT_DELETED);
  g_assert_cmpuint (count_contacts (f), ==, 0);
}

/* Personal fields older than the retention period are erased when the server starts. */
static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VbContact) contact = vb_contact_new_with_uuid (UUID, "telefoon", "agent-a");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autoptr(Response) r = NULL;
  g_autoptr(VbServer) restarted = NULL;
  g_autoptr(VbContact) before = NULL;
  g_autoptr(VbContact) after = NULL;
  g_autoptr(GError) error = NULL;
  VbContactQuestion *q;

  vb_contact_set_started (contact, now - 40 * 86400);
  vb_contact_set_ended (contact, now - 40 * 86400 + 300);
  vb_contact_set_caller_name (contact, "J. de Vries");
  vb_contact_set_caller_phone (contact, "0612345678");
  q = vb_contact_add_question (contact);
  vb_contact_question_set_subject (q, "Vraag over de afvalkalender");
  vb_contact_question_set_outcome (q, "zelf");
  vb_contact_set_state (contact, VB_CONTACT_FINISHED, 1, FALSE);
  node = vb_contact_to_json (contact);
  body = json_to_string (node, FALSE);
  r = send (f, "PUT", "/api/v1/contacts/" UUID, f->medewerker, body);
  g_assert_cmpuint (r->status, ==, 201);
  before = stored_contact (f);
  g_assert_cmpstr (vb_contact_get_caller_name (before), ==, "J. de Vries");

  restarted = vb_server_new (f->db, 30, &error);
  g_assert_no_error (error);
  after = vb_contact_store_get (vb_server_get_contacts (restarted), UUID, &error);
  g_assert_no_error (error);
  g_assert_true (vb_contact_is_purged (after));
  g_assert_null (vb_contact_get_caller_name (after));
  g_assert_null (vb_contact_get_caller_phone (after));
}

static char *
searches_batch (guint first,
                guint n)
{
  GString *out = g_string_new ("{\"searches\": [");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s{\"id\": \"inst-a:%u\", \"at\": \"2026-11-29T08:%02u:00Z\","
                            " \"query\": \"hondenbelasting\", \"n_results\": %u,"
                            " \"opened_item\": null, \"used\": false}",
                            i > 0 ? ", " : "", first + i, (first + i) % 60, i % 3);
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static void
test_searches (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *batch = searches_batch (1, 10);
  g_autofree char *too_many = searches_batch (100, 1001);
  g_autoptr(Response) first = send (f, "POST", "/api/v1/searches", f->medewerker, batch);
  g_autoptr(Response) retry = send (f, "POST", "/api/v1/searches", f->medewerker, batch);
  g_autoptr(Response) over = send (f, "POST", "/api/v1/searches", f->medewerker, too_many);
  g_autoptr(JsonObject) a = body_object (first);
  g_autoptr(JsonObject) b = body_object (retry);

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (a, "received"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (a, "new"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (b, "received"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (b, "new"), ==, 0);
  assert_error (over, 400, "bad_request");
}

static void
test_stats (Fixture       *f,
            gconstpointer  data)
{
  static const char *const uuids[] = {
    "11111111-2222-4333-8444-555555555555", "21111111-2222-4333-8444-555555555555",
    "31111111-2222-4333-8444-555555555555",
  };
  g_autofree char *batch = searches_batch (1, 5);
  g_autoptr(Response) searches = send (f, "POST", "/api/v1/searches", f->medewerker, batch);
  g_autoptr(Response) r = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) kcc = NULL;
  g_autoptr(JsonObject) expected = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *expected_text = NULL;
  gint64 from, to;

  g_assert_cmpuint (searches->status, ==, 200);
  for (guint i = 0; i < G_N_ELEMENTS (uuids); i++)
    {
      g_autoptr(JsonObject) obj = put_contact (f, uuids[i], 1, i == 1 ? "balie" : "telefoon",
                                               201);
    }
  r = send (f, "GET", "/api/v1/stats?from=2026-11-01&to=2026-11-30", f->supervisor, NULL);
  g_assert_cmpuint (r->status, ==, 200);

  g_assert_true (vb_contact_parse_date_range ("2026-11-01", "2026-11-30", &from, &to, &error));
  kcc = vb_outcomes_dup_kcc (vb_server_get_store (f->server), &error);
  g_assert_no_error (error);
  expected = vb_stats_compute (vb_server_get_contacts (f->server), (const char *const *) kcc,
                               from, to, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (expected, "contacts"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (expected, "searches_total"), ==, 5);
  node = json_node_init_object (json_node_alloc (), expected);
  expected_text = json_to_string (node, FALSE);
  g_assert_cmpmem (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), expected_text,
                   strlen (expected_text));
}

/* ---- TLS ---- */

static void
make_certificate (const char  *dir,
                  char       **cert,
                  char       **key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  *cert = g_build_filename (dir, "cert.pem", NULL);
  *key = g_build_filename (dir, "key.pem", NULL);
  g_spawn_sync (NULL, (char *[]) { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                   "-days", "2", "-subj", "/CN=localhost", "-addext",
                                   "subjectAltName=DNS:localhost,IP:127.0.0.1",
                                   "-keyout", *key, "-out", *cert, NULL },
                NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl failed: %s", err);
}

static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(VbServer) tls_server = NULL;
  g_autoptr(GTlsDatabase) trust = NULL;
  g_autoptr(SoupSession) trusting = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (f->dir, "tls.db", NULL);
  g_autofree char *plain_base = g_steal_pointer (&f->base);

  make_certificate (f->dir, &cert_file, &key_file);
  cert = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  g_assert_no_error (error);
  tls_server = vb_server_new (db, 30, &error);
  g_assert_no_error (error);
  vb_server_set_log_requests (tls_server, FALSE);
  g_assert_true (vb_server_listen (tls_server, "127.0.0.1:0", cert, &error));
  g_assert_no_error (error);
  f->base = g_strdup_printf ("https://127.0.0.1:%u", vb_server_get_port (tls_server));

  /* The system's trust store does not know a self-signed certificate. */
  {
    g_autoptr(Response) r = send (f, "GET", "/api/v1/health", NULL, NULL);

    g_assert_error (r->error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  }
  /* A client that trusts it gets through. */
  trust = g_tls_file_database_new (cert_file, &error);
  g_assert_no_error (error);
  trusting = soup_session_new_with_options ("tls-database", trust, NULL);
  {
    g_autoptr(Response) r = send_full (f, trusting, "GET", "/api/v1/health", NULL, NULL, -1,
                                       NULL);

    g_assert_no_error (r->error);
    g_assert_cmpuint (r->status, ==, 200);
  }
  g_free (f->base);
  f->base = g_steal_pointer (&plain_base);

  /* Plain HTTP only on loopback. */
  {
    g_autoptr(VbServer) open_server = vb_server_new (db, 30, &error);

    g_assert_no_error (error);
    g_assert_false (vb_server_listen (open_server, "0.0.0.0:0", NULL, &error));
    g_assert_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_INSECURE);
    g_clear_error (&error);
    g_assert_true (vb_server_listen (open_server, "[::1]:0", NULL, &error) ||
                   !g_error_matches (error, VB_SERVER_ERROR, VB_SERVER_ERROR_INSECURE));
  }
  {
    g_autofree char *err = NULL;
    int status;
    const char *argv[] = { server_binary (), "--db", db, "--listen", "0.0.0.0:8080", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, NULL, &err, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 2);
    g_assert_nonnull (strstr (err, "Refusing plain HTTP"));
  }
}

/* ---- the binary: SIGTERM and tokens ---- */

static void
test_sigterm (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "term.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autofree char *token = NULL;
  g_autofree char *line = NULL;
  g_autofree char *plain_base = g_steal_pointer (&f->base);
  g_autoptr(Response) r = NULL;
  const char *port;

  {
    g_autofree char *out = NULL;
    int status;
    const char *argv[] = { server_binary (), "--db", db, "token", "add", "kcc-1", "--role",
                           "medewerker", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                  &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    token = g_strstrip (g_steal_pointer (&out));
  }
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, server_binary (), "--db", db,
                           "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  while ((line = g_data_input_stream_read_line (err, NULL, NULL, &error)) != NULL &&
         strstr (line, "(port ") == NULL)
    g_clear_pointer (&line, g_free);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  port = strstr (line, "(port ") + 6;
  f->base = g_strdup_printf ("http://127.0.0.1:%d", atoi (port));

  /* A long poll whose client gave up and went away. */
  {
    g_autoptr(SoupSession) gone = soup_session_new ();
    g_autofree char *url = g_strconcat (f->base, "/api/v1/changes?since=0&wait=30", NULL);
    g_autoptr(SoupMessage) msg = new_message ("GET", url, token, NULL, 0, NULL);
    Response *resp = g_new0 (Response, 1);
    gint64 until = g_get_monotonic_time () + 300 * 1000;

    soup_session_send_and_read_async (gone, msg, G_PRIORITY_DEFAULT, NULL, on_sent, resp);
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE), g_usleep (1000);
    soup_session_abort (gone);
    while (resp->body == NULL && resp->error == NULL)
      g_main_context_iteration (NULL, TRUE);
    response_free (resp);
  }

  /* A long poll is waiting when SIGTERM arrives: it gets its (empty) answer at once. */
  {
    g_autofree char *url = g_strconcat (f->base, "/api/v1/changes?since=0&wait=30", NULL);
    g_autoptr(SoupMessage) msg = new_message ("GET", url, token, NULL, 0, NULL);
    Response *resp = g_new0 (Response, 1);
    gint64 start = g_get_monotonic_time ();
    gboolean signalled = FALSE;

    soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, resp);
    while (resp->body == NULL && resp->error == NULL)
      {
        g_main_context_iteration (NULL, FALSE);
        if (!signalled && g_get_monotonic_time () - start > 500 * 1000)
          {
            g_subprocess_send_signal (proc, SIGTERM);
            signalled = TRUE;
          }
        g_usleep (1000);
      }
    resp->elapsed_us = g_get_monotonic_time () - start;
    resp->status = soup_message_get_status (msg);
    resp->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
    r = resp;
  }
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (r->elapsed_us, <, 3 * G_USEC_PER_SEC);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  /* The request log: one line per request with the token's name, never the token or the
   * query's values. */
  {
    g_autofree char *rest = NULL;
    gsize len;

    rest = g_data_input_stream_read_upto (err, "", 0, &len, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (rest);
    g_assert_nonnull (strstr (rest, "GET /api/v1/changes?since&wait 200 "));
    g_assert_nonnull (strstr (rest, "token=kcc-1"));
    g_assert_null (strstr (rest, token));
    g_assert_null (strstr (rest, "since=0"));
    g_assert_nonnull (strstr (rest, "Stopped"));
    /* The poll given up is no internal error (libsoup says 500). */
    g_assert_nonnull (strstr (rest, "GET /api/v1/changes?since&wait aborted "));
    g_assert_null (strstr (rest, " 500 "));
  }
  g_free (f->base);
  f->base = g_steal_pointer (&plain_base);
}

static char *
run_binary (const char *const *argv,
            int                expected_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) != expected_status)
    g_error ("%s exited with %d, not %d: %s", argv[3], WEXITSTATUS (status), expected_status, err);
  return out;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + strlen (needle) <= len; i++)
    if (memcmp (data + i, needle, strlen (needle)) == 0)
      return TRUE;
  return FALSE;
}

static void
test_token_command (Fixture       *f,
                    gconstpointer  data)
{
  const char *bin = server_binary ();
  const char *add[] = { bin, "--db", f->db, "token", "add", "werkplek-7", "--role", "medewerker",
                        NULL };
  const char *list[] = { bin, "--db", f->db, "token", "list", NULL };
  const char *revoke[] = { bin, "--db", f->db, "token", "revoke", "werkplek-7", NULL };
  const char *no_role[] = { bin, "--db", f->db, "token", "add", "x", NULL };
  g_autofree char *out = run_binary (add, 0);
  g_autofree char *token = g_strstrip (g_strdup (out));
  g_autofree char *again = run_binary (add, 2);
  g_autofree char *listing = run_binary (list, 0);
  g_autofree char *usage = run_binary (no_role, 1);
  g_autofree char *tokens_db = vb_server_dup_sibling_path (f->db, "tokens");
  g_autofree char *tokens_wal = g_strconcat (tokens_db, "-wal", NULL);
  g_autoptr(Response) works = NULL;
  g_autoptr(Response) gone = NULL;

  g_assert_cmpuint (strlen (token), >=, 40);
  g_assert_null (strchr (token, '\n'));
  g_assert_nonnull (strstr (listing, "werkplek-7"));
  g_assert_nonnull (strstr (listing, "medewerker"));
  g_assert_null (strstr (listing, token));
  g_assert_true (g_file_test (tokens_db, G_FILE_TEST_EXISTS));
  g_assert_false (file_contains (tokens_db, token));
  g_assert_false (file_contains (tokens_wal, token));
  g_assert_false (file_contains (tokens_db, "werkplek-8"));

  /* Made by another process, it works at once on the running server; revoked, it stops. */
  works = send (f, "GET", "/api/v1/changes?limit=1", token, NULL);
  g_assert_cmpuint (works->status, ==, 200);
  g_free (run_binary (revoke, 0));
  gone = send (f, "GET", "/api/v1/changes?limit=1", token, NULL);
  assert_unauthorized (gone);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server/health", test_health);
  ADD ("/server/unauthorized", test_unauthorized);
  ADD ("/server/not-found-and-method", test_not_found_and_method);
  ADD ("/server/forbidden", test_forbidden);
  ADD ("/server/too-large", test_too_large);
  ADD ("/server/bad-request", test_bad_request);
  ADD ("/server/changes/paging", test_changes_paging);
  ADD ("/server/changes/tombstone", test_changes_tombstone);
  ADD ("/server/changes/etag", test_changes_etag);
  ADD ("/server/changes/gzip", test_gzip);
  ADD ("/server/long-poll/in-process", test_long_poll_in_process);
  ADD ("/server/long-poll/other-process", test_long_poll_other_process);
  ADD ("/server/long-poll/timeout", test_long_poll_timeout);
  ADD ("/server/long-poll/many", test_long_poll_many);
  ADD ("/server/contacts/idempotent", test_contact_idempotent);
  ADD ("/server/contacts/revisions", test_contact_revisions);
  ADD ("/server/contacts/delete", test_contact_delete);
  ADD ("/server/contacts/retention", test_retention);
  ADD ("/server/searches", test_searches);
  ADD ("/server/stats", test_stats);
  ADD ("/server/tls", test_tls);
  ADD ("/server/sigterm", test_sigterm);
  ADD ("/server/token-command", test_token_command);
#undef ADD

  return g_test_run ();
}
