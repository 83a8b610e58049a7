/* vb-server.c: vraagbaak-server's HTTP API (docs/sync-protocol.md)
 *
 * One SoupServer on the main thread does routing, authentication and the long polls; every
 * request that touches SQLite for more than a lookup (a page of the feed, a contact, a batch
 * of searches, the statistics) runs on a GTask worker thread while its message is paused, so
 * a slow fsync or a large page never holds up the other clients. Pages of the feed are
 * built by concatenating the change log's stored JSON texts, never parsed.
 *
 * Long polls wait in a list; one 100 ms tick, running only while polls wait, reads
 * PRAGMA data_version on a connection of its own, which changes whenever any other
 * connection commits: the server's own, a test's, or `vraagbaak-server import` in another
 * process. The same tick answers the polls whose time is up.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "vb-contact.h"
#include "vb-outcomes.h"
#include "vb-server.h"
#include "vb-stats.h"

#define WATCH_INTERVAL_MS 100
#define PAGE_DEFAULT 500
#define PAGE_MAX 1000
#define WAIT_MAX 60
#define SHUTDOWN_GRACE_S 10
#define PURGE_INTERVAL_S 3600
#define GZIP_MIN 256
#define PAGE_CACHE_MAX (64 * 1024 * 1024)
#define LISTEN_BACKLOG 1024

struct _VbServer
{
  GObject          parent_instance;

  VbStore         *store;
  VbContactStore  *contacts;
  VbServerTokens  *tokens;
  char            *database_id;   /* meta "database-id": tells a replaced database apart */
  SoupServer      *soup;
  guint            retention_days;
  gboolean         log_requests;

  GMutex           pool_lock;
  GPtrArray       *readers;       /* idle read connections to the content, for workers */
  GMutex           contacts_lock; /* "is it new?" and the write, together */

  /* Pages as sent, for the newest change log state only: after a commit every waiting long
   * poll asks for the same page, and fresh clients for the same first pages. */
  GMutex           cache_lock;
  GHashTable      *page_cache;    /* "SINCE-LIMIT-GZIP" -> CachedPage */
  gint64           cache_last;    /* the newest seq the cached pages were read at */
  GHashTable      *reading;       /* page key -> Job being read (main thread) */
  gsize            cache_bytes;

  sqlite3         *watch_db;      /* main thread only */
  gint64           data_version;
  GQueue           waiters;       /* Request *, parked long polls */
  guint            watch_id;
  guint            purge_id;

  guint            n_in_flight;
  gboolean         shutting_down;
  gboolean         stopped;
  guint            grace_id;
};

enum {
  SIGNAL_STOPPED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbServer, vb_server, G_TYPE_OBJECT)

typedef enum
{
  ROUTE_NONE,
  ROUTE_HEALTH,
  ROUTE_CHANGES,
  ROUTE_CONTACT,
  ROUTE_SEARCHES,
  ROUTE_STATS,
} Route;

/* Per request, attached to its message. */
typedef struct
{
  gint64             started;     /* monotonic, µs */
  gint64             answered;    /* when the answer was ready to be written */
  char              *token_name;
  VbRole             role;
  gboolean           done;        /* finished or aborted: never touch the message again */
  gboolean           aborted;     /* the client went away before the answer was written */
  gboolean           parked;      /* in the waiters queue */
  gboolean           waited;      /* a long poll that was parked at least once */
  GList             *link;
  /* A long poll's parameters. */
  gint64             since;
  int                limit;
  gint64             deadline;    /* monotonic, µs */
  char              *if_none_match;
  gboolean           gzip;
  SoupServerMessage *msg;         /* borrowed; valid while !done */
} Request;

/* What a worker thread answers. */
typedef struct
{
  guint       status;
  GBytes     *body;
  char       *etag;
  const char *cache_control;
  gboolean    gzipped;
  gboolean    empty_poll;         /* a page without changes: a long poll may wait */
  gboolean    vary;               /* Vary: Authorization, Accept-Encoding */
} Reply;

typedef struct
{
  GBytes     *body;
  char       *etag;
  const char *cache_control;
  gboolean    gzipped;
  gboolean    empty_poll;
} CachedPage;

static void
cached_page_free (CachedPage *page)
{
  g_bytes_unref (page->body);
  g_free (page->etag);
  g_free (page);
}

typedef struct Job Job;
typedef void (*JobFunc) (VbServer *self, Job *job, Reply *reply);

struct Job
{
  VbServer          *server;
  SoupServerMessage *msg;
  Request           *request;     /* owned by msg */
  JobFunc            func;
  char              *uuid;
  GBytes            *body;
  gint64             since;
  int                limit;
  gint64             revision;
  gint64             from, to;
  char              *if_none_match;
  gboolean           gzip;
  GPtrArray         *followers;   /* messages waiting for the same page */
  char              *reading_key; /* in VbServer's reading table while read */
  Reply              reply;
};

static void dispatch_page (VbServer *self, SoupServerMessage *msg, Request *request);
static void dispatch_pages (VbServer *self, GPtrArray *requests);
static gboolean answer_from_cache (VbServer *self, Job *job);

static void
request_free (Request *request)
{
  g_free (request->token_name);
  g_free (request->if_none_match);
  g_free (request);
}

static Request *
get_request (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), "vb-request");
}

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply->etag);
}

static void
job_free (Job *job)
{
  g_object_unref (job->server);
  g_object_unref (job->msg);
  g_free (job->uuid);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job->if_none_match);
  g_clear_pointer (&job->followers, g_ptr_array_unref);
  g_free (job->reading_key);
  reply_clear (&job->reply);
  g_free (job);
}

/* ---- JSON text ---- */

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      guchar c = *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static void
reply_take_string (Reply   *reply,
                   guint    status,
                   GString *body)
{
  reply->status = status;
  reply->body = g_string_free_to_bytes (body);
}

static void
reply_error (Reply      *reply,
             guint       status,
             const char *code,
             const char *message)
{
  GString *body = g_string_new ("{\"error\":");

  append_json_string (body, code);
  g_string_append (body, ",\"message\":");
  append_json_string (body, message);
  g_string_append_c (body, '}');
  reply_take_string (reply, status, body);
}

G_GNUC_PRINTF (4, 5)
static void
reply_errorf (Reply      *reply,
              guint       status,
              const char *code,
              const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  reply_error (reply, status, code, message);
}

static void
reply_json_node (Reply    *reply,
                 guint     status,
                 JsonNode *node)
{
  reply->status = status;
  char *text = json_to_string (node, FALSE);

  reply->body = g_bytes_new_take (text, strlen (text));
}

/* ---- gzip ---- */

static gboolean
accepts_gzip (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_list (
    soup_server_message_get_request_headers (msg), "Accept-Encoding");
  GSList *unacceptable = NULL, *acceptable;
  gboolean gzip = FALSE;

  if (header == NULL)
    return FALSE;
  acceptable = soup_header_parse_quality_list (header, &unacceptable);
  for (GSList *l = acceptable; l != NULL; l = l->next)
    if (g_ascii_strcasecmp (l->data, "gzip") == 0 || g_str_equal (l->data, "*"))
      gzip = TRUE;
  for (GSList *l = unacceptable; l != NULL; l = l->next)
    if (g_ascii_strcasecmp (l->data, "gzip") == 0)
      gzip = FALSE;
  soup_header_free_list (acceptable);
  soup_header_free_list (unacceptable);
  return gzip;
}

/* Level 1: JSON still shrinks to a sixth, at a fraction of the default level's time. */
static void
reply_gzip (Reply *reply)
{
  g_autoptr(GZlibCompressor) compressor = NULL;
  GByteArray *out;
  gsize in_left = g_bytes_get_size (reply->body);
  const guint8 *in = g_bytes_get_data (reply->body, NULL);

  if (in_left < GZIP_MIN)
    return;
  compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  out = g_byte_array_sized_new (in_left / 4 + 64);
  for (;;)
    {
      guint8 buf[64 * 1024];
      gsize read = 0, written = 0;
      g_autoptr(GError) error = NULL;
      GConverterResult result;

      result = g_converter_convert (G_CONVERTER (compressor), in, in_left, buf, sizeof buf,
                                    G_CONVERTER_INPUT_AT_END, &read, &written, &error);
      if (result == G_CONVERTER_ERROR)
        {
          g_warning ("Cannot compress a response: %s", error->message);
          g_byte_array_unref (out);
          return;
        }
      in += read;
      in_left -= read;
      g_byte_array_append (out, buf, written);
      if (result == G_CONVERTER_FINISHED)
        break;
    }
  g_bytes_unref (reply->body);
  reply->body = g_byte_array_free_to_bytes (out);
  reply->gzipped = TRUE;
}

/* ---- answering ---- */

static void
send_reply (VbServer          *self,
            SoupServerMessage *msg,
            Reply             *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Request *request = get_request (msg);

  if (request != NULL)
    request->answered = g_get_monotonic_time ();
  soup_server_message_set_status (msg, reply->status, NULL);
  soup_message_headers_replace (headers, "Cache-Control",
                                reply->cache_control != NULL ? reply->cache_control : "no-store");
  if (reply->vary)
    soup_message_headers_replace (headers, "Vary", "Authorization, Accept-Encoding");
  if (reply->etag != NULL)
    soup_message_headers_replace (headers, "ETag", reply->etag);
  if (reply->gzipped)
    soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  if (reply->status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer realm=\"vraagbaak\"");
  if (reply->status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      soup_message_headers_replace (headers, "Retry-After", "5");
      soup_message_headers_replace (headers, "Connection", "close");
    }
  if (reply->body != NULL && reply->status != SOUP_STATUS_NOT_MODIFIED)
    {
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), reply->body);
    }
}

static void
respond_error (VbServer          *self,
               SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message)
{
  Reply reply = { 0 };

  reply_error (&reply, status, code, message);
  send_reply (self, msg, &reply);
  reply_clear (&reply);
}

/* ---- read connections for the workers ---- */

static sqlite3 *
take_reader (VbServer  *self,
             GError   **error)
{
  sqlite3 *db = NULL;

  g_mutex_lock (&self->pool_lock);
  if (self->readers->len > 0)
    db = g_ptr_array_steal_index_fast (self->readers, self->readers->len - 1);
  g_mutex_unlock (&self->pool_lock);
  return db != NULL ? db : vb_store_open_reader (self->store, error);
}

static void
give_back_reader (VbServer *self,
                  sqlite3  *db)
{
  g_mutex_lock (&self->pool_lock);
  g_ptr_array_add (self->readers, db);
  g_mutex_unlock (&self->pool_lock);
}

static gint64
query_int64 (sqlite3    *db,
             const char *sql,
             gint64      arg,
             gboolean   *ok)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;

  *ok = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) == SQLITE_OK;
  if (*ok)
    {
      sqlite3_bind_int64 (stmt, 1, arg);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = sqlite3_column_int64 (stmt, 0);
      else
        *ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return value;
}

/* ---- GET /api/v1/changes (worker) ---- */

static char *
page_key (Job *job)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "-%d-%d", job->since, job->limit, job->gzip);
}

static gboolean
lookup_page (VbServer *self,
             Job      *job,
             gint64    last,
             Reply    *reply)
{
  g_autofree char *key = page_key (job);
  CachedPage *page;

  g_mutex_lock (&self->cache_lock);
  page = self->cache_last == last ? g_hash_table_lookup (self->page_cache, key) : NULL;
  if (page != NULL)
    {
      reply->status = SOUP_STATUS_OK;
      reply->body = g_bytes_ref (page->body);
      reply->etag = g_strdup (page->etag);
      reply->cache_control = page->cache_control;
      reply->gzipped = page->gzipped;
      reply->empty_poll = page->empty_poll;
      reply->vary = TRUE;
    }
  g_mutex_unlock (&self->cache_lock);
  return page != NULL;
}

static void
store_page (VbServer *self,
            Job      *job,
            gint64    last,
            Reply    *reply)
{
  CachedPage *page = g_new0 (CachedPage, 1);

  page->body = g_bytes_ref (reply->body);
  page->etag = g_strdup (reply->etag);
  page->cache_control = reply->cache_control;
  page->gzipped = reply->gzipped;
  page->empty_poll = reply->empty_poll;
  g_mutex_lock (&self->cache_lock);
  /* Only pages of the newest state are kept: their "remaining" is right. */
  if (last != self->cache_last || self->cache_bytes > PAGE_CACHE_MAX)
    {
      g_hash_table_remove_all (self->page_cache);
      self->cache_bytes = 0;
      self->cache_last = last;
    }
  if (last == self->cache_last)
    {
      self->cache_bytes += g_bytes_get_size (page->body);
      g_hash_table_replace (self->page_cache, page_key (job), g_steal_pointer (&page));
    }
  g_mutex_unlock (&self->cache_lock);
  g_clear_pointer (&page, cached_page_free);
}

/* A full page's ETag; with the database id, so that a page kept by a cache or a client is
 * never confirmed by a replaced database whose log happens to be as long. */
static char *
page_etag (VbServer *self,
           Job      *job,
           gint64    cursor)
{
  return g_strdup_printf ("\"c-%s-%" G_GINT64_FORMAT "-%d-%" G_GINT64_FORMAT "\"",
                          self->database_id, job->since, job->limit, cursor);
}

static gboolean
build_page (VbServer *self,
            sqlite3  *db,
            Job      *job,
            Reply    *reply)
{
  sqlite3_stmt *stmt = NULL;
  GString *body;
  gint64 last, cursor = job->since, remaining, full_cursor;
  int n = 0, rc;
  gboolean ok;

  last = query_int64 (db, "SELECT coalesce(max(seq), 0) FROM changes WHERE ?1 >= 0", 0, &ok);
  if (!ok)
    return FALSE;
  if (job->since > last)
    {
      reply_errorf (reply, SOUP_STATUS_CONFLICT, "cursor_ahead",
                    "since (%" G_GINT64_FORMAT ") is beyond the newest change (%" G_GINT64_FORMAT
                    "): start again from 0", job->since, last);
      return TRUE;
    }

  /* A full page never changes: answer a matching If-None-Match without reading it. */
  if (job->if_none_match != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT seq FROM changes WHERE seq > ?1"
                                              " ORDER BY seq LIMIT 1 OFFSET %d", job->limit - 1);

      full_cursor = query_int64 (db, sql, job->since, &ok);
      if (ok && full_cursor < last)
        {
          g_autofree char *etag = page_etag (self, job, full_cursor);

          if (strstr (job->if_none_match, etag) != NULL)
            {
              reply->status = SOUP_STATUS_NOT_MODIFIED;
              reply->etag = g_steal_pointer (&etag);
              reply->cache_control = "private, max-age=86400";
              reply->vary = TRUE;
              return TRUE;
            }
        }
    }

  if (lookup_page (self, job, last, reply))
    return TRUE;

  if (sqlite3_prepare_v3 (db, "SELECT seq, op, type, id, data FROM changes WHERE seq > ?1"
                              " ORDER BY seq LIMIT ?2", -1, SQLITE_PREPARE_PERSISTENT,
                          &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, job->since);
  sqlite3_bind_int (stmt, 2, job->limit);
  body = g_string_sized_new (64 * 1024);
  g_string_append (body, "\"changes\":[");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *op = (const char *) sqlite3_column_text (stmt, 1);
      const char *type = (const char *) sqlite3_column_text (stmt, 2);
      const char *id = (const char *) sqlite3_column_text (stmt, 3);
      const char *data = (const char *) sqlite3_column_text (stmt, 4);

      cursor = sqlite3_column_int64 (stmt, 0);
      if (n++ > 0)
        g_string_append_c (body, ',');
      g_string_append_printf (body, "{\"seq\":%" G_GINT64_FORMAT ",\"op\":", cursor);
      append_json_string (body, op);
      if (g_str_equal (op, "list"))
        {
          g_string_append (body, ",\"list\":");
          append_json_string (body, id);
          g_string_append (body, ",\"entries\":");
          g_string_append (body, data != NULL ? data : "[]");
        }
      else
        {
          g_string_append (body, ",\"type\":");
          append_json_string (body, type);
          g_string_append (body, ",\"id\":");
          append_json_string (body, id);
          if (data != NULL && g_str_equal (op, "put"))
            {
              g_string_append (body, ",\"item\":");
              g_string_append (body, data);
            }
        }
      g_string_append_c (body, '}');
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_string_free (body, TRUE);
      return FALSE;
    }
  g_string_append (body, "]}");
  /* The log is append-only and the store rolls a whole write back on any error, so its
   * AUTOINCREMENT numbers have no gaps and the rows after the cursor are last - cursor (were
   * there gaps, only the progress figure would be high; "more" stays exact). Counting them
   * walks the table's pages: 5 ms at 10,000 changes, more than reading the page itself. */
  remaining = last - cursor;
  {
    g_autofree char *head =
      g_strdup_printf ("{\"database\":\"%s\",\"since\":%" G_GINT64_FORMAT ",\"cursor\":%"
                       G_GINT64_FORMAT ",\"more\":%s,\"remaining\":%" G_GINT64_FORMAT ",",
                       self->database_id, job->since, cursor, remaining > 0 ? "true" : "false",
                       remaining);

    g_string_prepend (body, head);
  }
  reply_take_string (reply, SOUP_STATUS_OK, body);
  reply->vary = TRUE;
  reply->empty_poll = n == 0;
  if (remaining > 0 && n == job->limit)
    {
      reply->etag = page_etag (self, job, cursor);
      reply->cache_control = "private, max-age=86400";
    }
  else
    reply->cache_control = "no-store";
  if (job->gzip)
    reply_gzip (reply);
  store_page (self, job, last, reply);
  return TRUE;
}

static void
job_changes (VbServer *self,
             Job      *job,
             Reply    *reply)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = take_reader (self, &error);
  gboolean ok;

  if (db == NULL)
    {
      g_warning ("Cannot read the change log: %s", error->message);
      reply_error (reply, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                   "The change log cannot be read");
      return;
    }
  /* One read transaction: the page and its "remaining" agree. */
  ok = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK && build_page (self, db, job, reply);
  if (!ok)
    {
      g_warning ("Cannot read the change log: %s", sqlite3_errmsg (db));
      reply_clear (reply);
      memset (reply, 0, sizeof *reply);
      reply_error (reply, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                   "The change log cannot be read");
    }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  give_back_reader (self, db);
}

/* ---- PUT and DELETE /api/v1/contacts/{uuid}, POST /api/v1/searches (worker) ---- */

static JsonNode *
parse_body (Job    *job,
            Reply  *reply)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = job->body != NULL ? g_bytes_get_data (job->body, &len) : NULL;

  if (len == 0)
    {
      reply_error (reply, SOUP_STATUS_BAD_REQUEST, "bad_request", "The body is empty");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &error))
    {
      reply_errorf (reply, SOUP_STATUS_BAD_REQUEST, "bad_request", "Malformed JSON: %s",
                    error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      reply_error (reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                   "The body is not a JSON object");
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

static gboolean
is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static void
reply_contact_error (Reply        *reply,
                     const GError *error)
{
  if (g_error_matches (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID))
    reply_errorf (reply, SOUP_STATUS_BAD_REQUEST, "bad_request", "Invalid contact: %s",
                  error->message);
  else
    {
      /* The contact log's messages name files and SQLite errors, never a contact's data. */
      g_warning ("Cannot store a contact: %s", error->message);
      reply_error (reply, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                   "The contact cannot be stored");
    }
}

static void
job_put_contact (VbServer *self,
                 Job      *job,
                 Reply    *reply)
{
  g_autoptr(JsonNode) root = parse_body (job, reply);
  g_autoptr(VbContact) contact = NULL;
  g_autoptr(VbContact) existing = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *obj;
  JsonNode *node;
  gint64 revision;
  gboolean applied = FALSE, ok;
  GString *body;

  if (root == NULL)
    return;
  obj = json_node_get_object (root);
  node = json_object_get_member (obj, "uuid");
  if (!is_string (node))
    {
      reply_error (reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                   "The member uuid is missing or not a string");
      return;
    }
  if (g_strcmp0 (json_node_get_string (node), job->uuid) != 0)
    {
      reply_error (reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                   "The uuid in the path differs from the body's uuid");
      return;
    }
  node = json_object_get_member (obj, "revision");
  if (!is_integer (node) || json_node_get_int (node) < 1 || json_node_get_int (node) > G_MAXINT)
    {
      reply_error (reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                   "The member revision is missing or not an integer of 1 or more");
      return;
    }
  revision = json_node_get_int (node);
  contact = vb_contact_new_from_json (root, &error);
  if (contact == NULL)
    {
      reply_contact_error (reply, error);
      return;
    }

  g_mutex_lock (&self->contacts_lock);
  existing = vb_contact_store_get (self->contacts, job->uuid, &error);
  if (existing == NULL && g_error_matches (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_NOT_FOUND))
    g_clear_error (&error);
  ok = error == NULL &&
       vb_contact_store_receive (self->contacts, contact, (int) revision, &applied, &error);
  g_mutex_unlock (&self->contacts_lock);
  if (!ok)
    {
      reply_contact_error (reply, error);
      return;
    }

  body = g_string_new ("{\"uuid\":");
  append_json_string (body, vb_contact_get_uuid (contact));
  g_string_append_printf (body, ",\"revision\":%d,\"applied\":%s}",
                          applied || existing == NULL ? (int) revision
                                                      : vb_contact_get_revision (existing),
                          applied ? "true" : "false");
  reply_take_string (reply, existing == NULL && applied ? SOUP_STATUS_CREATED : SOUP_STATUS_OK,
                     body);
}

static void
job_delete_contact (VbServer *self,
                    Job      *job,
                    Reply    *reply)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;
  GString *body;

  g_mutex_lock (&self->contacts_lock);
  ok = vb_contact_store_receive_delete (self->contacts, job->uuid, (int) job->revision,
                                        job->request->token_name, &error);
  g_mutex_unlock (&self->contacts_lock);
  if (!ok)
    {
      reply_contact_error (reply, error);
      return;
    }
  body = g_string_new ("{\"uuid\":");
  append_json_string (body, job->uuid);
  g_string_append (body, ",\"deleted\":true}");
  reply_take_string (reply, SOUP_STATUS_OK, body);
}

/* Checks one search of a batch; on a wrong field, a message naming it. */
static char *
check_search (JsonNode *node,
              guint     index)
{
  static const struct { const char *name; GType type; gboolean required, nullable; } fields[] = {
    { "id", G_TYPE_STRING, TRUE, FALSE },
    { "at", G_TYPE_STRING, TRUE, FALSE },
    { "query", G_TYPE_STRING, TRUE, FALSE },
    { "n_results", G_TYPE_INT64, TRUE, FALSE },
    { "opened_item", G_TYPE_STRING, FALSE, TRUE },
    { "used", G_TYPE_BOOLEAN, FALSE, FALSE },
  };
  JsonObject *obj;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup_printf ("searches[%u] is not an object", index);
  obj = json_node_get_object (node);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonNode *member = json_object_get_member (obj, fields[i].name);

      if (member == NULL)
        {
          if (fields[i].required)
            return g_strdup_printf ("searches[%u].%s is missing", index, fields[i].name);
          continue;
        }
      if (JSON_NODE_HOLDS_NULL (member) && fields[i].nullable)
        continue;
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != fields[i].type)
        return g_strdup_printf ("searches[%u].%s must be %s", index, fields[i].name,
                                fields[i].type == G_TYPE_STRING ? "a string" :
                                fields[i].type == G_TYPE_INT64 ? "an integer" : "a boolean");
    }
  if (json_object_get_int_member (obj, "n_results") < 0)
    return g_strdup_printf ("searches[%u].n_results must not be negative", index);
  if (*json_object_get_string_member (obj, "id") == '\0')
    return g_strdup_printf ("searches[%u].id is empty", index);
  return NULL;
}

static void
job_post_searches (VbServer *self,
                   Job      *job,
                   Reply    *reply)
{
  g_autoptr(JsonNode) root = parse_body (job, reply);
  g_autoptr(GError) error = NULL;
  JsonNode *node;
  JsonArray *searches;
  guint n_new = 0, n;
  GString *body;

  if (root == NULL)
    return;
  node = json_object_get_member (json_node_get_object (root), "searches");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      reply_error (reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                   "The member searches is missing or not an array");
      return;
    }
  searches = json_node_get_array (node);
  n = json_array_get_length (searches);
  if (n > VB_SERVER_SEARCHES_PER_BATCH)
    {
      reply_errorf (reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                    "At most %d searches per batch, not %u", VB_SERVER_SEARCHES_PER_BATCH, n);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *problem = check_search (json_array_get_element (searches, i), i);

      if (problem != NULL)
        {
          reply_error (reply, SOUP_STATUS_BAD_REQUEST, "bad_request", problem);
          return;
        }
    }
  if (!vb_contact_store_receive_searches (self->contacts, searches, &n_new, &error))
    {
      reply_contact_error (reply, error);
      return;
    }
  body = g_string_new (NULL);
  g_string_printf (body, "{\"received\":%u,\"new\":%u}", n, n_new);
  reply_take_string (reply, SOUP_STATUS_OK, body);
}

/* ---- GET /api/v1/stats (worker) ---- */

static void
job_stats (VbServer *self,
           Job      *job,
           Reply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) kcc = vb_outcomes_dup_kcc (self->store, &error);
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (kcc != NULL)
    stats = vb_stats_compute (self->contacts, (const char *const *) kcc, job->from, job->to,
                              &error);
  if (stats == NULL)
    {
      g_warning ("Cannot compute the statistics: %s", error->message);
      reply_error (reply, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                   "The statistics cannot be computed");
      return;
    }
  node = json_node_init_object (json_node_alloc (), stats);
  reply_json_node (reply, SOUP_STATUS_OK, node);
}

/* ---- jobs ---- */

static void
run_job (GTask        *task,
         gpointer      source,
         gpointer      task_data,
         GCancellable *cancellable)
{
  Job *job = task_data;

  job->func (job->server, job, &job->reply);
  if (job->gzip && !job->reply.gzipped && job->reply.status != SOUP_STATUS_NOT_MODIFIED)
    reply_gzip (&job->reply);
  g_task_return_boolean (task, TRUE);
}

static void
park (VbServer          *self,
      SoupServerMessage *msg,
      Request           *request);
static const char *bearer_token (SoupServerMessage *msg);

/* Answers @msg with the job's reply (shared by the messages that asked for the same page). */
static void
finish_request (VbServer          *self,
                Job               *job,
                SoupServerMessage *msg)
{
  Request *request = get_request (msg);

  if (request->done)
    return;
  /* A long poll with nothing new waits, unless its time is up or the server stops. */
  if (job->func == job_changes && job->reply.empty_poll && job->reply.status == SOUP_STATUS_OK &&
      !self->shutting_down && g_get_monotonic_time () < request->deadline)
    {
      park (self, msg, request);
      return;
    }
  /* A token revoked while its long poll waited gets no content written after the revocation:
   * "a token revoked counts from the next request" holds for the 60 s of a poll too. */
  if (request->waited &&
      vb_server_tokens_check (self->tokens, bearer_token (msg), NULL) == VB_ROLE_NONE)
    {
      respond_error (self, msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                     "The token was revoked while the request waited");
      soup_server_message_unpause (msg);
      return;
    }
  send_reply (self, msg, &job->reply);
  soup_server_message_unpause (msg);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  VbServer *self = VB_SERVER (source);
  Job *job = g_task_get_task_data (G_TASK (result));

  /* From now on a request for this page reads it again (or finds it in the cache). */
  if (job->reading_key != NULL)
    g_hash_table_remove (self->reading, job->reading_key);
  finish_request (self, job, job->msg);
  for (guint i = 0; job->followers != NULL && i < job->followers->len; i++)
    finish_request (self, job, g_ptr_array_index (job->followers, i));
}

static Job *
job_new (VbServer          *self,
         SoupServerMessage *msg,
         JobFunc            func)
{
  Job *job = g_new0 (Job, 1);

  job->server = g_object_ref (self);
  job->msg = g_object_ref (msg);
  job->request = get_request (msg);
  job->func = func;
  job->gzip = accepts_gzip (msg);
  return job;
}

/* The message stays paused until on_job_done answers it. */
static void
start_job (VbServer          *self,
           SoupServerMessage *msg,
           Job               *job,
           gboolean           pause)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_job_done, NULL);

  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  if (pause)
    soup_server_message_pause (msg);
  g_task_run_in_thread (task, run_job);
}

/* ---- long polls ---- */

static gboolean on_watch_tick (gpointer user_data);

static void
unpark (VbServer *self,
        Request  *request)
{
  if (!request->parked)
    return;
  g_queue_delete_link (&self->waiters, request->link);
  request->link = NULL;
  request->parked = FALSE;
}

static gboolean
read_data_version (VbServer *self,
                   gint64   *version)
{
  gboolean ok;

  *version = query_int64 (self->watch_db, "PRAGMA data_version", 0, &ok);
  return ok;
}

static void
park (VbServer          *self,
      SoupServerMessage *msg,
      Request           *request)
{
  gboolean ok;
  gint64 last;

  /* The baseline first: a commit after it is seen by the next tick. */
  if (self->watch_id == 0)
    {
      read_data_version (self, &self->data_version);
      self->watch_id = g_timeout_add (WATCH_INTERVAL_MS, on_watch_tick, self);
    }
  /* Something committed between the worker's read and now is not in the page. */
  last = query_int64 (self->watch_db, "SELECT coalesce(max(seq), 0) FROM changes WHERE ?1 >= 0",
                      0, &ok);
  if (ok && last != request->since)
    {
      dispatch_page (self, msg, request);
      return;
    }
  g_queue_push_tail (&self->waiters, request);
  request->link = self->waiters.tail;
  request->parked = TRUE;
  request->waited = TRUE;
}

static gboolean
on_watch_tick (gpointer user_data)
{
  VbServer *self = user_data;
  gint64 version = 0, now = g_get_monotonic_time ();
  gboolean changed;
  GList *l, *next;

  g_autoptr(GPtrArray) due = g_ptr_array_new ();

  changed = read_data_version (self, &version) && version != self->data_version;
  self->data_version = version;
  for (l = self->waiters.head; l != NULL; l = next)
    {
      Request *request = l->data;

      next = l->next;
      if (changed || now >= request->deadline)
        {
          /* Read the page again: it answers (changes, or time up) or parks again. */
          unpark (self, request);
          g_ptr_array_add (due, request);
        }
    }
  dispatch_pages (self, due);
  if (self->waiters.length == 0)
    {
      self->watch_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* A page already read for the newest state of the log is answered here, without a worker
 * (tens of microseconds: the newest seq and a hash lookup). Consumes @job when it answers. */
static gboolean
answer_from_cache (VbServer *self,
                   Job      *job)
{
  gboolean ok;
  gint64 last;

  if (job->if_none_match != NULL)
    return FALSE;
  last = query_int64 (self->watch_db, "SELECT coalesce(max(seq), 0) FROM changes WHERE ?1 >= 0",
                      0, &ok);
  if (!ok || job->since > last || !lookup_page (self, job, last, &job->reply))
    return FALSE;
  finish_request (self, job, job->msg);
  for (guint i = 0; job->followers != NULL && i < job->followers->len; i++)
    finish_request (self, job, g_ptr_array_index (job->followers, i));
  job_free (job);
  return TRUE;
}

/* Requests for a page that is being read wait for that read: after a commit every woken
 * poll asks for the page after the same cursor, and at start every new client for the first
 * page; one read (and one gzip) answers them all. */
static void
dispatch_page (VbServer          *self,
               SoupServerMessage *msg,
               Request           *request)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "-%d-%d-%s", request->since,
                                          request->limit, accepts_gzip (msg),
                                          request->if_none_match != NULL ? request->if_none_match
                                                                         : "");
  Job *job = g_hash_table_lookup (self->reading, key);

  if (job != NULL)
    {
      if (job->followers == NULL)
        job->followers = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (job->followers, g_object_ref (msg));
      return;
    }
  job = job_new (self, msg, job_changes);
  job->since = request->since;
  job->limit = request->limit;
  job->if_none_match = g_strdup (request->if_none_match);
  if (answer_from_cache (self, job))
    return;
  job->reading_key = g_steal_pointer (&key);
  g_hash_table_insert (self->reading, job->reading_key, job);
  start_job (self, msg, job, FALSE);
}

static void
dispatch_pages (VbServer  *self,
                GPtrArray *requests)
{
  for (guint i = 0; i < requests->len; i++)
    {
      Request *request = g_ptr_array_index (requests, i);

      dispatch_page (self, request->msg, request);
    }
}

/* ---- routing ---- */

static Route
route_for_path (const char  *path,
                const char **rest)
{
  static const char prefix[] = "/api/v1/";

  *rest = NULL;
  if (!g_str_has_prefix (path, prefix))
    return ROUTE_NONE;
  path += strlen (prefix);
  if (g_str_equal (path, "health"))
    return ROUTE_HEALTH;
  if (g_str_equal (path, "changes"))
    return ROUTE_CHANGES;
  if (g_str_equal (path, "searches"))
    return ROUTE_SEARCHES;
  if (g_str_equal (path, "stats"))
    return ROUTE_STATS;
  if (g_str_has_prefix (path, "contacts/") && strchr (path + 9, '/') == NULL && path[9] != '\0')
    {
      *rest = path + 9;
      return ROUTE_CONTACT;
    }
  return ROUTE_NONE;
}

static const char *
allowed_methods (Route route)
{
  switch (route)
    {
    case ROUTE_HEALTH:
    case ROUTE_CHANGES:
    case ROUTE_STATS:
      return "GET";
    case ROUTE_CONTACT:
      return "PUT, DELETE";
    case ROUTE_SEARCHES:
      return "POST";
    case ROUTE_NONE:
    default:
      return NULL;
    }
}

static gboolean
method_allowed (const char *allow,
                const char *method)
{
  g_auto(GStrv) methods = g_strsplit (allow, ", ", -1);

  return g_strv_contains ((const char *const *) methods, method);
}

static gsize
body_limit (Route route)
{
  return route == ROUTE_SEARCHES ? VB_SERVER_SEARCHES_MAX : VB_SERVER_CONTACT_MAX;
}

static gboolean
parse_param (GHashTable  *query,
             const char  *name,
             gint64       fallback,
             gint64       min,
             gint64       max,
             gint64      *value,
             Reply       *reply)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  *value = fallback;
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_signed (text, 10, min, max, value, NULL))
    {
      reply_errorf (reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                    "The parameter %s must be an integer from %" G_GINT64_FORMAT " to %"
                    G_GINT64_FORMAT, name, min, max);
      return FALSE;
    }
  return TRUE;
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (
    soup_server_message_get_request_headers (msg), "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  return header;
}

static VbRole
authenticate (VbServer          *self,
              SoupServerMessage *msg,
              Request           *request)
{
  request->role = vb_server_tokens_check (self->tokens, bearer_token (msg), &request->token_name);
  return request->role;
}

static void
handle_health (VbServer          *self,
               SoupServerMessage *msg)
{
  gboolean ok;
  gint64 cursor = query_int64 (self->watch_db, "SELECT coalesce(max(seq), 0) FROM changes"
                                               " WHERE ?1 >= 0", 0, &ok);
  Reply reply = { 0 };
  GString *body = g_string_new (NULL);

  g_string_printf (body, "{\"status\":\"ok\",\"version\":\"%s\",\"protocol\":%d,"
                   "\"database\":\"%s\",\"cursor\":%" G_GINT64_FORMAT "}", PACKAGE_VERSION,
                   VB_SERVER_PROTOCOL, self->database_id, cursor);
  if (!ok)
    {
      g_string_free (body, TRUE);
      reply_error (&reply, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                   "The content database cannot be read");
    }
  else
    reply_take_string (&reply, SOUP_STATUS_OK, body);
  send_reply (self, msg, &reply);
  reply_clear (&reply);
}

static void
on_request (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  VbServer *self = user_data;
  Request *request = get_request (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *rest = NULL;
  Route route = route_for_path (path, &rest);
  const char *allow = allowed_methods (route);
  Reply reply = { 0 };
  Job *job;

  if (self->shutting_down)
    {
      respond_error (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                     "The server is stopping");
      return;
    }
  if (route == ROUTE_NONE)
    {
      respond_error (self, msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such endpoint");
      return;
    }
  if (route != ROUTE_HEALTH && authenticate (self, msg, request) == VB_ROLE_NONE)
    {
      respond_error (self, msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                     "A valid token is needed (Authorization: Bearer TOKEN)");
      return;
    }
  if (!method_allowed (allow, method))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    allow);
      respond_error (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                     "This endpoint does not take this method");
      return;
    }
  if (soup_server_message_get_request_body (msg)->length > (goffset) body_limit (route))
    {
      respond_error (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large",
                     "The body is over the limit");
      return;
    }

  switch (route)
    {
    case ROUTE_HEALTH:
      handle_health (self, msg);
      return;

    case ROUTE_CHANGES:
      {
        gint64 since, limit, wait;
        const char *inm;

        if (!parse_param (query, "since", 0, 0, G_MAXINT64, &since, &reply) ||
            !parse_param (query, "limit", PAGE_DEFAULT, 1, PAGE_MAX, &limit, &reply) ||
            !parse_param (query, "wait", 0, 0, WAIT_MAX, &wait, &reply))
          break;
        inm = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                            "If-None-Match");
        request->since = since;
        request->limit = (int) limit;
        request->deadline = g_get_monotonic_time () + wait * G_USEC_PER_SEC;
        request->if_none_match = g_strdup (inm);
        soup_server_message_pause (msg);
        dispatch_page (self, msg, request);
        return;
      }

    case ROUTE_CONTACT:
      if (!g_uuid_string_is_valid (rest))
        {
          reply_error (&reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                       "The path does not end in a valid UUID");
          break;
        }
      if (g_str_equal (method, "PUT"))
        {
          job = job_new (self, msg, job_put_contact);
          job->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
        }
      else
        {
          gint64 revision;

          if (query == NULL || g_hash_table_lookup (query, "revision") == NULL)
            {
              reply_error (&reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                           "The parameter revision is missing");
              break;
            }
          if (!parse_param (query, "revision", 0, 1, G_MAXINT, &revision, &reply))
            break;
          job = job_new (self, msg, job_delete_contact);
          job->revision = revision;
        }
      job->uuid = g_strdup (rest);
      start_job (self, msg, job, TRUE);
      return;

    case ROUTE_SEARCHES:
      job = job_new (self, msg, job_post_searches);
      job->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      start_job (self, msg, job, TRUE);
      return;

    case ROUTE_STATS:
      {
        const char *from = query != NULL ? g_hash_table_lookup (query, "from") : NULL;
        const char *to = query != NULL ? g_hash_table_lookup (query, "to") : NULL;
        g_autoptr(GError) error = NULL;
        gint64 start, end;

        if (request->role != VB_ROLE_SUPERVISOR)
          {
            reply_error (&reply, SOUP_STATUS_FORBIDDEN, "forbidden",
                         "Only a supervisor may read the statistics");
            break;
          }
        if (from == NULL || to == NULL)
          {
            reply_error (&reply, SOUP_STATUS_BAD_REQUEST, "bad_request",
                         "The parameters from and to (YYYY-MM-DD) are needed");
            break;
          }
        if (!vb_contact_parse_date_range (from, to, &start, &end, &error))
          {
            reply_errorf (&reply, SOUP_STATUS_BAD_REQUEST, "bad_request", "from and to: %s",
                          error->message);
            break;
          }
        job = job_new (self, msg, job_stats);
        job->from = start;
        job->to = end;
        start_job (self, msg, job, TRUE);
        return;
      }

    case ROUTE_NONE:
    default:
      g_assert_not_reached ();
    }
  send_reply (self, msg, &reply);
  reply_clear (&reply);
}

/* After the headers, before the body: refuse bodies over the limit without reading them,
 * and new requests while stopping. */
static void
on_early_request (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  VbServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *rest;
  Route route = route_for_path (path, &rest);
  Request *request = get_request (msg);

  /* The clock starts when the headers are in: on a kept-alive connection the request was
   * "started" as soon as the previous answer was written, while the client still read it. */
  if (request != NULL)
    request->started = g_get_monotonic_time ();

  if (self->shutting_down)
    respond_error (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                   "The server is stopping");
  else if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
           soup_message_headers_get_content_length (headers) > (goffset) body_limit (route))
    {
      /* The body stays unread: close the connection after the answer. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      respond_error (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large",
                     route == ROUTE_SEARCHES ? "The body is over the limit of 4 MiB"
                                             : "The body is over the limit of 1 MiB");
    }
}

/* ---- request bookkeeping and the log ---- */

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  VbServer *self = user_data;
  Request *request = g_new0 (Request, 1);

  request->started = g_get_monotonic_time ();
  request->msg = msg;
  g_object_set_data_full (G_OBJECT (msg), "vb-request", request, (GDestroyNotify) request_free);
  self->n_in_flight++;
}

/* The path and the names of the query parameters, never their values. */
static char *
loggable_path (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  GString *out = g_string_new (g_uri_get_path (uri));
  g_auto(GStrv) params = NULL;

  if (query == NULL || *query == '\0')
    return g_string_free (out, FALSE);
  params = g_strsplit (query, "&", -1);
  for (guint i = 0; params[i] != NULL; i++)
    {
      char *eq = strchr (params[i], '=');

      if (eq != NULL)
        *eq = '\0';
      g_string_append_c (out, i == 0 ? '?' : '&');
      g_string_append (out, params[i]);
    }
  return g_string_free (out, FALSE);
}

static void maybe_stopped (VbServer *self);

static void
on_request_ended (SoupServer        *soup,
                  SoupServerMessage *msg,
                  gpointer           user_data)
{
  VbServer *self = user_data;
  Request *request = get_request (msg);

  if (request == NULL || request->done)
    return;
  request->done = TRUE;
  unpark (self, request);
  if (self->log_requests)
    {
      g_autofree char *path = loggable_path (msg);
      guint status = soup_server_message_get_status (msg);
      gint64 now = g_get_monotonic_time ();
      double ms = (now - request->started) / 1000.0;
      /* Until the answer was ready: the rest is writing it, as fast as the client reads. */
      double ready_ms = ((request->answered != 0 ? request->answered : now) - request->started)
                        / 1000.0;
      const char *method = soup_server_message_get_method (msg);
      const char *token = request->token_name != NULL ? request->token_name : "-";
      char status_text[16], ms_text[32], ready_text[32];

      /* libsoup reports a request whose client went away (a long poll given up, a page not
       * read to its end) with status 500; it is no internal error of ours. */
      if (request->aborted)
        g_strlcpy (status_text, "aborted", sizeof status_text);
      else
        g_snprintf (status_text, sizeof status_text, "%u", status);
      g_snprintf (ms_text, sizeof ms_text, "%.1f", ms);
      g_snprintf (ready_text, sizeof ready_text, "%.1f", ready_ms);
      g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                        "VB_METHOD", method,
                        "VB_PATH", path,
                        "VB_STATUS", status_text,
                        "VB_DURATION_MS", ms_text,
                        "VB_READY_MS", ready_text,
                        "VB_TOKEN_NAME", token,
                        "MESSAGE", "%s %s %s %s ms (ready %s ms) token=%s", method, path,
                        status_text, ms_text, ready_text, token);
    }
  g_assert (self->n_in_flight > 0);
  self->n_in_flight--;
  maybe_stopped (self);
}

static void
on_request_aborted (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  Request *request = get_request (msg);

  if (request != NULL && !request->done)
    request->aborted = TRUE;
  on_request_ended (soup, msg, user_data);
}

/* ---- retention ---- */

static void
purge_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  VbServer *self = source;
  g_autoptr(GError) error = NULL;
  guint n = vb_contact_store_purge (self->contacts, self->retention_days,
                                    g_get_real_time () / G_USEC_PER_SEC, &error);

  if (error != NULL)
    g_warning ("Retention purge failed: %s", error->message);
  else if (n > 0)
    g_message ("Retention: personal fields of %u contacts older than %u days erased", n,
               self->retention_days);
  g_task_return_boolean (task, error == NULL);
}

static gboolean
on_purge_timeout (gpointer user_data)
{
  VbServer *self = user_data;
  g_autoptr(GTask) task = g_task_new (self, NULL, NULL, NULL);

  g_task_run_in_thread (task, purge_in_thread);
  return G_SOURCE_CONTINUE;
}

/* ---- shutting down ---- */

static gboolean
on_grace_timeout (gpointer user_data)
{
  VbServer *self = user_data;

  self->grace_id = 0;
  g_warning ("%u requests still in flight after %d s: stopping anyway", self->n_in_flight,
             SHUTDOWN_GRACE_S);
  self->n_in_flight = 0;
  maybe_stopped (self);
  return G_SOURCE_REMOVE;
}

static void
maybe_stopped (VbServer *self)
{
  if (!self->shutting_down || self->stopped || self->n_in_flight > 0)
    return;
  self->stopped = TRUE;
  g_clear_handle_id (&self->grace_id, g_source_remove);
  soup_server_disconnect (self->soup);
  g_signal_emit (self, signals[SIGNAL_STOPPED], 0);
}

void
vb_server_shutdown (VbServer *self)
{
  g_return_if_fail (VB_IS_SERVER (self));

  if (self->shutting_down)
    return;
  self->shutting_down = TRUE;
  g_clear_handle_id (&self->purge_id, g_source_remove);
  g_message ("Stopping: answering %u waiting long polls, %u requests in flight",
             self->waiters.length, self->n_in_flight);
  /* Waiting polls get their (empty) page now: the client polls again later. */
  {
    g_autoptr(GPtrArray) waiting = g_ptr_array_new ();

    while (self->waiters.head != NULL)
      {
        Request *request = self->waiters.head->data;

        unpark (self, request);
        g_ptr_array_add (waiting, request);
      }
    dispatch_pages (self, waiting);
  }
  self->grace_id = g_timeout_add_seconds (SHUTDOWN_GRACE_S, on_grace_timeout, self);
  maybe_stopped (self);
}

gboolean
vb_server_is_stopped (VbServer *self)
{
  g_return_val_if_fail (VB_IS_SERVER (self), FALSE);
  return self->stopped;
}

/* ---- the object ---- */

static void
vb_server_dispose (GObject *object)
{
  VbServer *self = VB_SERVER (object);

  g_clear_handle_id (&self->watch_id, g_source_remove);
  g_clear_handle_id (&self->purge_id, g_source_remove);
  g_clear_handle_id (&self->grace_id, g_source_remove);
  if (self->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }
  G_OBJECT_CLASS (vb_server_parent_class)->dispose (object);
}

static void
vb_server_finalize (GObject *object)
{
  VbServer *self = VB_SERVER (object);

  g_queue_clear (&self->waiters);
  g_clear_pointer (&self->readers, g_ptr_array_unref);
  sqlite3_close_v2 (self->watch_db);
  g_clear_object (&self->store);
  g_clear_object (&self->contacts);
  g_clear_object (&self->tokens);
  g_free (self->database_id);
  g_mutex_clear (&self->pool_lock);
  g_mutex_clear (&self->contacts_lock);
  g_mutex_clear (&self->cache_lock);
  g_clear_pointer (&self->page_cache, g_hash_table_unref);
  g_clear_pointer (&self->reading, g_hash_table_unref);
  G_OBJECT_CLASS (vb_server_parent_class)->finalize (object);
}

static void
vb_server_class_init (VbServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vb_server_dispose;
  object_class->finalize = vb_server_finalize;

  /* Emitted once after vb_server_shutdown(), when every request has been answered. */
  signals[SIGNAL_STOPPED] = g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
close_reader (gpointer db)
{
  sqlite3_close_v2 (db);
}

static void
vb_server_init (VbServer *self)
{
  g_mutex_init (&self->pool_lock);
  g_mutex_init (&self->contacts_lock);
  g_mutex_init (&self->cache_lock);
  self->page_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) cached_page_free);
  self->cache_last = -1;
  self->reading = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->waiters);
  self->readers = g_ptr_array_new_with_free_func (close_reader);
  self->log_requests = TRUE;
}

char *
vb_server_dup_sibling_path (const char *db_path,
                            const char *what)
{
  g_autofree char *base = g_str_has_suffix (db_path, ".db")
                          ? g_strndup (db_path, strlen (db_path) - 3) : g_strdup (db_path);

  return g_strdup_printf ("%s-%s.db", base, what);
}

VbServer *
vb_server_new (const char  *db_path,
               guint        retention_days,
               GError     **error)
{
  g_autoptr(VbServer) self = g_object_new (VB_TYPE_SERVER, NULL);
  g_autofree char *contacts_path = vb_server_dup_sibling_path (db_path, "contacts");
  g_autofree char *tokens_path = vb_server_dup_sibling_path (db_path, "tokens");
  g_autoptr(GError) purge_error = NULL;
  guint purged;

  g_return_val_if_fail (db_path != NULL, NULL);

  self->retention_days = retention_days;
  self->store = vb_store_open (db_path, error);
  if (self->store == NULL || !vb_store_set_change_log (self->store, TRUE, error))
    return NULL;
  /* Made once, kept in the database: a client whose cursor belongs to another database id
   * (a replaced or restored database) starts again from 0, even when this log is longer. */
  self->database_id = vb_store_dup_meta (self->store, "database-id");
  if (self->database_id == NULL || *self->database_id == '\0')
    {
      g_free (self->database_id);
      self->database_id = g_uuid_string_random ();
      if (!vb_store_set_meta (self->store, "database-id", self->database_id, error))
        return NULL;
    }
  self->contacts = vb_contact_store_open (contacts_path, error);
  if (self->contacts == NULL)
    return NULL;
  self->tokens = vb_server_tokens_open (tokens_path, error);
  if (self->tokens == NULL)
    return NULL;
  self->watch_db = vb_store_open_reader (self->store, error);
  if (self->watch_db == NULL)
    return NULL;

  purged = vb_contact_store_purge (self->contacts, retention_days,
                                   g_get_real_time () / G_USEC_PER_SEC, &purge_error);
  if (purge_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&purge_error),
                                  "Retention purge failed: ");
      return NULL;
    }
  if (purged > 0)
    g_message ("Retention: personal fields of %u contacts older than %u days erased", purged,
               retention_days);
  self->purge_id = g_timeout_add_seconds (PURGE_INTERVAL_S, on_purge_timeout, self);
  return g_steal_pointer (&self);
}

/* HOST:PORT with HOST an address, [IPv6] or localhost. */
static GInetSocketAddress *
parse_address (const char  *address,
               GError     **error)
{
  g_autofree char *host = NULL;
  const char *colon = strrchr (address, ':');
  guint64 port;
  GSocketAddress *result;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto bad;
  host = g_strndup (address, colon - address);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      memmove (host, host + 1, strlen (host));
      host[strlen (host) - 1] = '\0';
    }
  if (g_str_equal (host, "localhost"))
    g_free (host), host = g_strdup ("127.0.0.1");
  result = g_inet_socket_address_new_from_string (host, (guint) port);
  if (result == NULL)
    goto bad;
  return G_INET_SOCKET_ADDRESS (result);

bad:
  g_set_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_INVALID,
               "“%s” is not ADDRESS:PORT (for example 127.0.0.1:8080, [::1]:8080 or "
               "0.0.0.0:8443)", address);
  return NULL;
}

gboolean
vb_server_listen (VbServer         *self,
                  const char       *address,
                  GTlsCertificate  *certificate,
                  GError          **error)
{
  g_autoptr(GInetSocketAddress) addr = NULL;
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (VB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  addr = parse_address (address, error);
  if (addr == NULL)
    return FALSE;
  if (certificate == NULL &&
      !g_inet_address_get_is_loopback (g_inet_socket_address_get_address (addr)))
    {
      g_set_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_INSECURE,
                   "Refusing plain HTTP on %s: tokens and internal content would cross the "
                   "network unencrypted. Give --tls-certificate and --tls-key, or listen on "
                   "127.0.0.1 behind a TLS proxy (docs/deployment.md)", address);
      return FALSE;
    }

  self->soup = soup_server_new ("server-header", "vraagbaak-server/" PACKAGE_VERSION " ",
                                "tls-certificate", certificate, NULL);
  soup_server_add_early_handler (self->soup, NULL, on_early_request, self, NULL);
  soup_server_add_handler (self->soup, NULL, on_request, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_ended), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_aborted), self);
  /* Our own socket: GLib's listen backlog of 10 drops the SYNs of a crowd of clients
   * connecting at once (a restart, a network coming back), and each dropped SYN costs a
   * client a second. */
  socket = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (addr)),
                         G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket != NULL)
    g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (socket == NULL || !g_socket_bind (socket, G_SOCKET_ADDRESS (addr), TRUE, error) ||
      !g_socket_listen (socket, error) ||
      !soup_server_listen_socket (self->soup, socket,
                                  certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    {
      g_prefix_error (error, "Cannot listen on %s: ", address);
      g_clear_object (&self->soup);
      return FALSE;
    }
  return TRUE;
}

guint16
vb_server_get_port (VbServer *self)
{
  GSList *uris;
  guint16 port = 0;

  g_return_val_if_fail (VB_IS_SERVER (self), 0);

  if (self->soup == NULL)
    return 0;
  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

void
vb_server_set_log_requests (VbServer *self,
                            gboolean  log_requests)
{
  g_return_if_fail (VB_IS_SERVER (self));
  self->log_requests = log_requests;
}

const char *
vb_server_get_database_id (VbServer *self)
{
  g_return_val_if_fail (VB_IS_SERVER (self), NULL);
  return self->database_id;
}

VbStore *
vb_server_get_store (VbServer *self)
{
  g_return_val_if_fail (VB_IS_SERVER (self), NULL);
  return self->store;
}

VbContactStore *
vb_server_get_contacts (VbServer *self)
{
  g_return_val_if_fail (VB_IS_SERVER (self), NULL);
  return self->contacts;
}

VbServerTokens *
vb_server_get_tokens (VbServer *self)
{
  g_return_val_if_fail (VB_IS_SERVER (self), NULL);
  return self->tokens;
}
