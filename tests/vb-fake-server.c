/* vb-fake-server.c: a misbehaving vraagbaak-server on loopback, for the sync's tests and bench
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 *
 * It speaks docs/sync-protocol.md from an in-memory change log (each change kept as JSON
 * text, so that a page of a 100,000-item feed costs no parsing) and can be told to break the
 * next requests in the ways a real network and a real server break.
 */
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "vb-fake-server.h"

typedef struct
{
  char        *path;
  guint        after;
  guint        times;
  guint        seen;
  guint        fired;
  VbFakeFault  fault;
  guint        status;
  guint        retry_after;
} Fault;

typedef struct
{
  char   *path;
  guint   count;
  gint64  last;
} RequestCount;

typedef struct
{
  int   revision;  /* negative: a tombstone */
  guint applied;
} Contact;

struct _VbFakeServer
{
  GThread      *thread;
  GTlsCertificate *certificate;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;

  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  char         *token;
  guint         page_size;
  guint         delay_ms;
  GPtrArray    *changes;    /* char *: JSON of change seq = index + 1 */
  GPtrArray    *faults;
  GPtrArray    *counts;
  GHashTable   *contacts;   /* uuid -> Contact */
  GHashTable   *searches;   /* id set */
  GPtrArray    *hanging;    /* SoupServerMessage paused forever */
  char         *stats_json; /* the answer of GET /api/v1/stats */
  char         *database;   /* "database" of /health and the pages; NULL: an older server */
};

static void
fault_free (Fault *fault)
{
  g_free (fault->path);
  g_free (fault);
}

static void
request_count_free (RequestCount *count)
{
  g_free (count->path);
  g_free (count);
}

/* ---- answers ---- */

static void
set_json (SoupServerMessage *msg,
          guint              status,
          const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json,
                                    strlen (json));
}

static void
set_error (SoupServerMessage *msg,
           guint              status,
           const char        *code,
           guint              retry_after)
{
  g_autofree char *json = g_strdup_printf ("{\"error\": \"%s\", \"message\": \"Fake %u\"}", code,
                                           status);

  if (retry_after > 0)
    {
      g_autofree char *value = g_strdup_printf ("%u", retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", value);
    }
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer");
  set_json (msg, status, json);
}

/* Writes a raw, broken answer on the stolen connection and closes it. */
static void
write_raw (SoupServerMessage *msg,
           const char        *body,
           gsize              len,
           gboolean           with_length)
{
  g_autoptr(GIOStream) io = soup_server_message_steal_connection (msg);
  GOutputStream *out = g_io_stream_get_output_stream (io);
  g_autofree char *head = NULL;

  if (body != NULL)
    {
      if (with_length)
        head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", len);
      else
        head = g_strdup ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Connection: close\r\n\r\n");
      g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
      g_output_stream_write_all (out, body, len / 2, NULL, NULL, NULL);
      g_output_stream_flush (out, NULL, NULL);
    }
  g_io_stream_close (io, NULL, NULL);
}

/* The page after @since, built from the stored texts; NULL for a 409. */
static GString *
build_page (VbFakeServer *self,
            gint64        since,
            guint         limit)
{
  gint64 last = self->changes->len;
  gint64 end;
  GString *page;

  if (since > last)
    return NULL;
  limit = MIN (MAX (limit, 1), self->page_size);
  end = MIN (last, since + limit);
  page = g_string_new ("{");
  if (self->database != NULL)
    g_string_append_printf (page, "\"database\": \"%s\", ", self->database);
  g_string_append_printf (page,
                          "\"since\": %" G_GINT64_FORMAT ", \"cursor\": %" G_GINT64_FORMAT
                          ", \"more\": %s, \"remaining\": %" G_GINT64_FORMAT ", \"changes\": [",
                          since, end, end < last ? "true" : "false", last - end);
  for (gint64 seq = since + 1; seq <= end; seq++)
    {
      if (seq > since + 1)
        g_string_append_c (page, ',');
      g_string_append (page, g_ptr_array_index (self->changes, seq - 1));
    }
  g_string_append (page, "]}");
  return page;
}

typedef struct
{
  VbFakeServer      *self;
  SoupServerMessage *msg;
  gint64             since;
  guint              limit;
  gint64             deadline;
} Poll;

static gboolean
on_poll_tick (gpointer data)
{
  Poll *poll = data;
  VbFakeServer *self = poll->self;
  GString *page;

  g_mutex_lock (&self->lock);
  if ((gint64) self->changes->len <= poll->since && g_get_monotonic_time () < poll->deadline)
    {
      g_mutex_unlock (&self->lock);
      return G_SOURCE_CONTINUE;
    }
  page = build_page (self, poll->since, poll->limit);
  g_mutex_unlock (&self->lock);
  if (page == NULL)
    set_error (poll->msg, SOUP_STATUS_CONFLICT, "cursor_ahead", 0);
  else
    {
      set_json (poll->msg, SOUP_STATUS_OK, page->str);
      g_string_free (page, TRUE);
    }
  soup_server_message_unpause (poll->msg);
  g_object_unref (poll->msg);
  g_free (poll);
  return G_SOURCE_REMOVE;
}

static gint64
query_int (GHashTable *params,
           const char *name,
           gint64      fallback)
{
  const char *value = params != NULL ? g_hash_table_lookup (params, name) : NULL;

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : fallback;
}

static void
handle_changes (VbFakeServer      *self,
                SoupServerMessage *msg,
                GHashTable        *params,
                const Fault       *fault)
{
  gint64 since = query_int (params, "since", 0);
  guint limit = query_int (params, "limit", 500);
  guint wait = query_int (params, "wait", 0);
  GString *page;

  g_mutex_lock (&self->lock);
  if (wait > 0 && (gint64) self->changes->len == since && fault == NULL)
    {
      Poll *poll = g_new0 (Poll, 1);
      GSource *source = g_timeout_source_new (20);

      g_mutex_unlock (&self->lock);
      poll->self = self;
      poll->msg = g_object_ref (msg);
      poll->since = since;
      poll->limit = limit;
      poll->deadline = g_get_monotonic_time () + wait * G_USEC_PER_SEC;
      soup_server_message_pause (msg);
      g_source_set_callback (source, on_poll_tick, poll, NULL);
      g_source_attach (source, self->context);
      g_source_unref (source);
      return;
    }
  page = build_page (self, since, limit);
  g_mutex_unlock (&self->lock);

  if (page == NULL)
    {
      set_error (msg, SOUP_STATUS_CONFLICT, "cursor_ahead", 0);
      return;
    }
  if (fault != NULL)
    switch (fault->fault)
      {
      case VB_FAKE_RESET:
        write_raw (msg, page->str, page->len, TRUE);
        g_string_free (page, TRUE);
        return;
      case VB_FAKE_TRUNCATE:
        write_raw (msg, page->str, page->len, FALSE);
        g_string_free (page, TRUE);
        return;
      case VB_FAKE_INVALID_JSON:
        g_string_truncate (page, page->len - 3);
        g_string_append (page, "}}");
        break;
      case VB_FAKE_NON_UTF8:
        {
          const char *at = strstr (page->str, "\"changes\": [");

          g_string_insert (page, at - page->str, "\"x\": \"caf\xe9\", ");
        }
        break;
      case VB_FAKE_LOSE_RESPONSE:
        write_raw (msg, NULL, 0, FALSE);
        g_string_free (page, TRUE);
        return;
      case VB_FAKE_STATUS:
      case VB_FAKE_HANG:
      default:
        break;
      }
  set_json (msg, SOUP_STATUS_OK, page->str);
  g_string_free (page, TRUE);
}

static void
handle_contact (VbFakeServer      *self,
                SoupServerMessage *msg,
                const char        *uuid,
                GHashTable        *params)
{
  const char *method = soup_server_message_get_method (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL;
  Contact *contact;
  gboolean created = FALSE, applied = FALSE;
  int revision;

  if (strcmp (method, "DELETE") == 0)
    revision = query_int (params, "revision", 0);
  else if (strcmp (method, "PUT") == 0)
    {
      JsonNode *root;

      if (body->data == NULL || !json_parser_load_from_data (parser, body->data, body->length,
                                                             NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                 "uuid", NULL), uuid) != 0)
        {
          set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request", 0);
          return;
        }
      revision = json_object_get_int_member_with_default (json_node_get_object (root),
                                                          "revision", 0);
    }
  else
    {
      set_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", 0);
      return;
    }
  if (revision <= 0)
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request", 0);
      return;
    }

  g_mutex_lock (&self->lock);
  contact = g_hash_table_lookup (self->contacts, uuid);
  if (contact == NULL)
    {
      contact = g_new0 (Contact, 1);
      g_hash_table_insert (self->contacts, g_strdup (uuid), contact);
      created = TRUE;
    }
  if (strcmp (method, "DELETE") == 0)
    {
      if (contact->revision >= 0 && ABS (contact->revision) <= revision)
        {
          contact->revision = -revision;
          contact->applied++;
        }
      answer = g_strdup_printf ("{\"uuid\": \"%s\", \"deleted\": true}", uuid);
    }
  else
    {
      applied = contact->revision >= 0 && revision > contact->revision;
      if (applied)
        {
          contact->revision = revision;
          contact->applied++;
        }
      answer = g_strdup_printf ("{\"uuid\": \"%s\", \"revision\": %d, \"applied\": %s}", uuid,
                                ABS (contact->revision), applied ? "true" : "false");
    }
  g_mutex_unlock (&self->lock);
  set_json (msg, created && applied ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, answer);
}

static void
handle_searches (VbFakeServer      *self,
                 SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL;
  JsonNode *root;
  JsonArray *searches;
  guint n_new = 0, n;

  if (body->data == NULL ||
      !json_parser_load_from_data (parser, body->data, body->length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (searches = json_object_get_array_member (json_node_get_object (root), "searches")) == NULL ||
      (n = json_array_get_length (searches)) > 1000)
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request", 0);
      return;
    }
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < n; i++)
    {
      const char *id = json_object_get_string_member_with_default (
        json_array_get_object_element (searches, i), "id", NULL);

      if (id != NULL && g_hash_table_add (self->searches, g_strdup (id)))
        n_new++;
    }
  g_mutex_unlock (&self->lock);
  answer = g_strdup_printf ("{\"received\": %u, \"new\": %u}", n, n_new);
  set_json (msg, SOUP_STATUS_OK, answer);
}

/* The first fault that applies to this request, consumed; counts the request. */
static Fault *
take_fault (VbFakeServer *self,
            const char   *path)
{
  Fault *found = NULL;
  gboolean counted = FALSE;

  for (guint i = 0; i < self->counts->len; i++)
    {
      RequestCount *count = g_ptr_array_index (self->counts, i);

      if (strcmp (path, count->path) == 0)
        {
          count->count++;
          count->last = g_get_monotonic_time ();
          counted = TRUE;
        }
    }
  if (!counted)
    {
      RequestCount *count = g_new0 (RequestCount, 1);

      count->path = g_strdup (path);
      count->count = 1;
      count->last = g_get_monotonic_time ();
      g_ptr_array_add (self->counts, count);
    }
  for (guint i = 0; i < self->faults->len; i++)
    {
      Fault *fault = g_ptr_array_index (self->faults, i);

      if (!g_str_has_prefix (path, fault->path))
        continue;
      if (fault->seen < fault->after)
        {
          fault->seen++;
          continue;
        }
      if (found != NULL)
        continue;
      found = g_memdup2 (fault, sizeof *fault);
      found->path = NULL;
      fault->fired++;
      if (fault->times > 0 && fault->fired >= fault->times)
        {
          g_ptr_array_remove_index (self->faults, i);
          i--;
        }
    }
  return found;
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  VbFakeServer *self = user_data;
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *expected = NULL;
  Fault *fault;
  guint delay;

  g_mutex_lock (&self->lock);
  expected = self->token != NULL ? g_strdup_printf ("Bearer %s", self->token) : NULL;
  fault = take_fault (self, path);
  delay = self->delay_ms;
  g_mutex_unlock (&self->lock);

  if (delay > 0)
    g_usleep (delay * 1000);
  if (strcmp (path, "/api/v1/health") == 0)
    {
      g_autofree char *health = NULL;

      g_mutex_lock (&self->lock);
      health = self->database != NULL
               ? g_strdup_printf ("{\"status\": \"ok\", \"protocol\": 1, \"database\": \"%s\"}",
                                  self->database)
               : g_strdup ("{\"status\": \"ok\", \"protocol\": 1}");
      g_mutex_unlock (&self->lock);
      set_json (msg, SOUP_STATUS_OK, health);
      g_free (fault);
      return;
    }
  if (fault != NULL && fault->fault == VB_FAKE_STATUS)
    {
      set_error (msg, fault->status,
                 fault->status == 401 ? "unauthorized" : fault->status == 403 ? "forbidden"
                 : fault->status == 429 ? "busy" : fault->status == 503 ? "unavailable"
                 : "internal", fault->retry_after);
      g_free (fault);
      return;
    }
  if (fault != NULL && fault->fault == VB_FAKE_HANG)
    {
      soup_server_message_pause (msg);
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->hanging, g_object_ref (msg));
      g_mutex_unlock (&self->lock);
      g_free (fault);
      return;
    }
  if (expected != NULL && g_strcmp0 (auth, expected) != 0)
    set_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized", 0);
  else if (strcmp (path, "/api/v1/changes") == 0)
    handle_changes (self, msg, query, fault);
  else if (g_str_has_prefix (path, "/api/v1/contacts/"))
    {
      handle_contact (self, msg, path + strlen ("/api/v1/contacts/"), query);
      if (fault != NULL && fault->fault == VB_FAKE_LOSE_RESPONSE)
        write_raw (msg, NULL, 0, FALSE);
    }
  else if (strcmp (path, "/api/v1/searches") == 0)
    handle_searches (self, msg);
  else if (strcmp (path, "/api/v1/stats") == 0)
    {
      g_autofree char *stats = NULL;

      g_mutex_lock (&self->lock);
      stats = g_strdup (self->stats_json != NULL ? self->stats_json
                                                 : "{\"schema\": 1, \"contacts\": 0}");
      g_mutex_unlock (&self->lock);
      set_json (msg, SOUP_STATUS_OK, stats);
    }
  else
    set_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", 0);
  g_free (fault);
}

static gpointer
server_thread (gpointer data)
{
  VbFakeServer *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new ("tls-certificate", self->certificate, NULL);
  soup_server_add_handler (self->server, "/api", on_request, self, NULL);
  if (!soup_server_listen_local (self->server, 0,
                                 SOUP_SERVER_LISTEN_IPV4_ONLY |
                                 (self->certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0),
                                 &error))
    g_error ("Fake server: %s", error->message);
  uris = soup_server_get_uris (self->server);
  {
    GUri *uri = uris->data;

    self->url = g_strdup_printf ("%s://127.0.0.1:%d", self->certificate != NULL ? "https" : "http",
                                 g_uri_get_port (uri));
  }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_ptr_array_set_size (self->hanging, 0);
  g_clear_object (&self->server);
  /* Let the last closures run in this context. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

VbFakeServer *
vb_fake_server_new (void)
{
  return vb_fake_server_new_tls (NULL);
}

/* With @certificate: HTTPS. */
VbFakeServer *
vb_fake_server_new_tls (GTlsCertificate *certificate)
{
  VbFakeServer *self = g_new0 (VbFakeServer, 1);

  if (certificate != NULL)
    self->certificate = g_object_ref (certificate);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->page_size = 1000;
  self->database = g_strdup ("fake-database-1");
  self->changes = g_ptr_array_new_with_free_func (g_free);
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) fault_free);
  self->counts = g_ptr_array_new_with_free_func ((GDestroyNotify) request_count_free);
  self->contacts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->searches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->hanging = g_ptr_array_new_with_free_func (g_object_unref);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("fake-server", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
vb_fake_server_free (VbFakeServer *self)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, quit_loop, self->loop, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->changes);
  g_ptr_array_unref (self->faults);
  g_ptr_array_unref (self->counts);
  g_ptr_array_unref (self->hanging);
  g_hash_table_unref (self->contacts);
  g_hash_table_unref (self->searches);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_clear_object (&self->certificate);
  g_free (self->token);
  g_free (self->stats_json);
  g_free (self->database);
  g_free (self->url);
  g_free (self);
}

const char *
vb_fake_server_get_url (VbFakeServer *self)
{
  return self->url;
}

void
vb_fake_server_set_token (VbFakeServer *self,
                          const char   *token)
{
  g_mutex_lock (&self->lock);
  g_free (self->token);
  self->token = g_strdup (token);
  g_mutex_unlock (&self->lock);
}

void
vb_fake_server_set_page_size (VbFakeServer *self,
                              guint         page_size)
{
  g_mutex_lock (&self->lock);
  self->page_size = MAX (page_size, 1);
  g_mutex_unlock (&self->lock);
}

void
vb_fake_server_set_delay (VbFakeServer *self,
                          guint         delay_ms)
{
  g_mutex_lock (&self->lock);
  self->delay_ms = delay_ms;
  g_mutex_unlock (&self->lock);
}

/* What GET /api/v1/stats answers from now on (JSON in the schema of docs/statistics.md). */
void
vb_fake_server_set_stats (VbFakeServer *self,
                          const char   *stats_json)
{
  g_mutex_lock (&self->lock);
  g_free (self->stats_json);
  self->stats_json = g_strdup (stats_json);
  g_mutex_unlock (&self->lock);
}

/* "{...}" -> "{\"seq\": N, ...}" */
static char *
with_seq (gint64      seq,
          const char *change_json)
{
  const char *brace = strchr (change_json, '{');

  g_assert (brace != NULL);
  return g_strdup_printf ("{\"seq\": %" G_GINT64_FORMAT ", %s", seq, brace + 1);
}

gint64
vb_fake_server_add_change (VbFakeServer *self,
                           const char   *change_json)
{
  gint64 seq;

  g_mutex_lock (&self->lock);
  seq = self->changes->len + 1;
  g_ptr_array_add (self->changes, with_seq (seq, change_json));
  g_mutex_unlock (&self->lock);
  return seq;
}

gint64
vb_fake_server_put_item (VbFakeServer *self,
                         const char   *type,
                         const char   *id,
                         const char   *item_json)
{
  g_autofree char *change =
    g_strdup_printf ("{\"op\": \"put\", \"type\": \"%s\", \"id\": \"%s\", \"item\": %s}", type, id,
                     item_json);

  return vb_fake_server_add_change (self, change);
}

void
vb_fake_server_replace_change (VbFakeServer *self,
                               gint64        seq,
                               const char   *change_json)
{
  g_mutex_lock (&self->lock);
  g_assert (seq >= 1 && seq <= (gint64) self->changes->len);
  g_free (self->changes->pdata[seq - 1]);
  self->changes->pdata[seq - 1] = with_seq (seq, change_json);
  g_mutex_unlock (&self->lock);
}

void
vb_fake_server_set_database (VbFakeServer *self,
                             const char   *database)
{
  g_mutex_lock (&self->lock);
  g_free (self->database);
  self->database = g_strdup (database);
  g_mutex_unlock (&self->lock);
}

void
vb_fake_server_reset_log (VbFakeServer *self)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->changes, 0);
  g_mutex_unlock (&self->lock);
}

gint64
vb_fake_server_get_last_seq (VbFakeServer *self)
{
  gint64 last;

  g_mutex_lock (&self->lock);
  last = self->changes->len;
  g_mutex_unlock (&self->lock);
  return last;
}

char *
vb_fake_server_dup_change (VbFakeServer *self,
                           gint64        seq)
{
  char *change = NULL;

  g_mutex_lock (&self->lock);
  if (seq >= 1 && seq <= (gint64) self->changes->len)
    change = g_strdup (g_ptr_array_index (self->changes, seq - 1));
  g_mutex_unlock (&self->lock);
  return change;
}

void
vb_fake_server_add_fault (VbFakeServer *self,
                          const char   *path,
                          guint         after,
                          guint         times,
                          VbFakeFault   fault,
                          guint         status,
                          guint         retry_after)
{
  Fault *f = g_new0 (Fault, 1);

  f->path = g_strdup (path);
  f->after = after;
  f->times = times;
  f->fault = fault;
  f->status = status;
  f->retry_after = retry_after;
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->faults, f);
  g_mutex_unlock (&self->lock);
}

void
vb_fake_server_clear_faults (VbFakeServer *self)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->faults, 0);
  g_mutex_unlock (&self->lock);
}

guint
vb_fake_server_count_requests (VbFakeServer *self,
                               const char   *path)
{
  guint n = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->counts->len; i++)
    {
      RequestCount *count = g_ptr_array_index (self->counts, i);

      if (g_str_has_prefix (count->path, path))
        n += count->count;
    }
  g_mutex_unlock (&self->lock);
  return n;
}

gint64
vb_fake_server_last_request_time (VbFakeServer *self,
                                  const char   *path)
{
  gint64 last = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->counts->len; i++)
    {
      RequestCount *count = g_ptr_array_index (self->counts, i);

      if (g_str_has_prefix (count->path, path))
        last = MAX (last, count->last);
    }
  g_mutex_unlock (&self->lock);
  return last;
}

int
vb_fake_server_contact_revision (VbFakeServer *self,
                                 const char   *uuid)
{
  Contact *contact;
  int revision;

  g_mutex_lock (&self->lock);
  contact = g_hash_table_lookup (self->contacts, uuid);
  revision = contact != NULL ? contact->revision : 0;
  g_mutex_unlock (&self->lock);
  return revision;
}

guint
vb_fake_server_contact_applied (VbFakeServer *self,
                                const char   *uuid)
{
  Contact *contact;
  guint applied;

  g_mutex_lock (&self->lock);
  contact = g_hash_table_lookup (self->contacts, uuid);
  applied = contact != NULL ? contact->applied : 0;
  g_mutex_unlock (&self->lock);
  return applied;
}

guint
vb_fake_server_count_contacts (VbFakeServer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->contacts);
  g_mutex_unlock (&self->lock);
  return n;
}

guint
vb_fake_server_count_searches (VbFakeServer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->searches);
  g_mutex_unlock (&self->lock);
  return n;
}
