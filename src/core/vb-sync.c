/* vb-sync.c: the client's sync with vraagbaak-server (docs/sync-protocol.md)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include <libsoup/soup.h>

#include "vb-sync.h"
#include "vb-sync-page.h"

/* A page larger than this is asked for again with half the limit. */
#define MAX_PAGE_BYTES (64 * 1024 * 1024)
/* Error bodies are only read for their message. */
#define MAX_ERROR_BYTES (64 * 1024)
#define READ_CHUNK (256 * 1024)
/* The protocol's maximum: fewer, larger transactions index faster (10,000 items on a loaded
 * machine: 13.5 s in pages of 500, 10.7 s in pages of 1,000), and a page is still about 1 MB. */
#define PAGE_LIMIT 1000
#define LONG_POLL_WAIT 25
#define LONG_POLL_GRACE 10
#define OUTBOX_BATCH 50
#define SEARCH_BATCH 1000
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS (5 * 60 * 1000)
#define MAX_SKIPPED 100

struct _VbSync
{
  GObject         parent_instance;

  VbStore        *store;
  VbContactStore *contacts;
  GMainContext   *context;
  SoupSession    *session;
  SoupSession    *poll_session;

  char           *server_url;
  char           *token;
  guint           sync_interval;
  guint           timeout;
  gboolean        long_poll;

  VbSyncState     state;
  gint64          last_synced;   /* also in meta "sync-last-synced", read back at start */
  gint64          retry_at;      /* unix seconds of the next attempt after a failure, 0 none */
  int             error_code;
  char           *error_message;
  guint64         progress_done;
  guint64         progress_total;
  gint64          outbox_size;
  GPtrArray      *skipped;

  /* The background loop. */
  gboolean        running;
  gboolean        pass_running;
  gboolean        pass_is_poll;
  gboolean        restart_pending;
  GCancellable   *loop_cancellable;
  GSource        *timer;
  guint           failures;
  gint64          retry_after;   /* seconds asked by the last 429/503, 0 none */
};

G_DEFINE_FINAL_TYPE (VbSync, vb_sync, G_TYPE_OBJECT)
G_DEFINE_QUARK (vb-sync-error-quark, vb_sync_error)

G_DEFINE_ENUM_TYPE (VbSyncState, vb_sync_state,
  G_DEFINE_ENUM_VALUE (VB_SYNC_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_STATE_DISABLED, "disabled"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_STATE_SYNCING, "syncing"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_STATE_UP_TO_DATE, "up-to-date"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_STATE_ERROR, "error"))

G_DEFINE_ENUM_TYPE (VbSyncError, vb_sync_error_code,
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_NO_SERVER, "no-server"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_TIMEOUT, "timeout"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_UNAUTHORIZED, "unauthorized"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_FORBIDDEN, "forbidden"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_TLS, "tls"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_PROTOCOL, "protocol"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_SERVER, "server"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_BUSY, "busy"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_TOO_LARGE, "too-large"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_STORE, "store"),
  G_DEFINE_ENUM_VALUE (VB_SYNC_ERROR_CANCELLED, "cancelled"))

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_TOKEN,
  PROP_SYNC_INTERVAL,
  PROP_TIMEOUT,
  PROP_LONG_POLL,
  PROP_STATE,
  PROP_LAST_SYNCED,
  PROP_RETRY_AT,
  PROP_ERROR_CODE,
  PROP_ERROR_MESSAGE,
  PROP_PROGRESS_DONE,
  PROP_PROGRESS_TOTAL,
  PROP_OUTBOX_SIZE,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_NOTICE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void loop_run (VbSync *self,
                      guint   wait);

/* ---- properties ---- */

static void
set_state (VbSync      *self,
           VbSyncState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error (VbSync     *self,
           int         code,
           const char *message)
{
  if (self->error_code != code)
    {
      self->error_code = code;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_CODE]);
    }
  if (g_strcmp0 (self->error_message, message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }
}

static void
set_progress (VbSync  *self,
              guint64  done,
              guint64  total)
{
  /* The total first: a handler of notify::progress-done reads both. */
  if (self->progress_total != total)
    {
      self->progress_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_TOTAL]);
    }
  if (self->progress_done != done)
    {
      self->progress_done = done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_DONE]);
    }
}

/* "last-synced" and "retry-at": unix seconds. */
static void
set_time (VbSync *self,
          guint   prop_id,
          gint64  when)
{
  gint64 *field = prop_id == PROP_LAST_SYNCED ? &self->last_synced : &self->retry_at;

  if (*field == when)
    return;
  *field = when;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_outbox_size (VbSync *self,
                 gint64  size)
{
  if (size < 0 || self->outbox_size == size)
    return;
  self->outbox_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTBOX_SIZE]);
}

static gboolean
has_server (VbSync *self)
{
  return self->server_url != NULL && *self->server_url != '\0';
}

static void
apply_session_timeouts (VbSync *self)
{
  g_object_set (self->session, "timeout", self->timeout, NULL);
  g_object_set (self->poll_session, "timeout", LONG_POLL_WAIT + MIN (self->timeout, LONG_POLL_GRACE),
                NULL);
}

/* A changed URL or token restarts a running loop (also one stopped by a 401). */
static void
restart_loop (VbSync *self)
{
  if (!self->running)
    {
      set_state (self, has_server (self) ? VB_SYNC_STATE_IDLE : VB_SYNC_STATE_DISABLED);
      return;
    }
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->pass_running)
    {
      self->restart_pending = TRUE;
      g_cancellable_cancel (self->loop_cancellable);
      return;
    }
  self->failures = 0;
  loop_run (self, 0);
}

const char *
vb_sync_get_server_url (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), NULL);
  return self->server_url;
}

void
vb_sync_set_server_url (VbSync     *self,
                        const char *url)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (VB_IS_SYNC (self));

  if (url != NULL && *url != '\0')
    {
      gsize len = strlen (url);

      while (len > 0 && url[len - 1] == '/')
        len--;
      trimmed = g_strndup (url, len);
    }
  if (g_strcmp0 (self->server_url, trimmed) == 0)
    return;
  g_free (self->server_url);
  self->server_url = g_steal_pointer (&trimmed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
  restart_loop (self);
}

/* The token is only ever sent in the Authorization header; never logged, never a property
 * one can read. */
void
vb_sync_set_token (VbSync     *self,
                   const char *token)
{
  g_return_if_fail (VB_IS_SYNC (self));

  /* The same token entered again after a 401 retries too. */
  if (g_strcmp0 (self->token, token) == 0 && self->error_code != VB_SYNC_ERROR_UNAUTHORIZED)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
  restart_loop (self);
}

guint
vb_sync_get_sync_interval (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), 0);
  return self->sync_interval;
}

void
vb_sync_set_sync_interval (VbSync *self,
                           guint   seconds)
{
  g_return_if_fail (VB_IS_SYNC (self));

  seconds = MAX (seconds, 1);
  if (self->sync_interval == seconds)
    return;
  self->sync_interval = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_INTERVAL]);
}

guint
vb_sync_get_timeout (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), 0);
  return self->timeout;
}

void
vb_sync_set_timeout (VbSync *self,
                     guint   seconds)
{
  g_return_if_fail (VB_IS_SYNC (self));

  seconds = MAX (seconds, 1);
  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  apply_session_timeouts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
vb_sync_set_long_poll (VbSync   *self,
                       gboolean  long_poll)
{
  g_return_if_fail (VB_IS_SYNC (self));

  long_poll = !!long_poll;
  if (self->long_poll == long_poll)
    return;
  self->long_poll = long_poll;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONG_POLL]);
}

VbSyncState
vb_sync_get_state (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), VB_SYNC_STATE_IDLE);
  return self->state;
}

gint64
vb_sync_get_last_synced (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), 0);
  return self->last_synced;
}

gint64
vb_sync_get_retry_at (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), 0);
  return self->retry_at;
}

int
vb_sync_get_error_code (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), -1);
  return self->error_code;
}

const char *
vb_sync_get_error_message (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), NULL);
  return self->error_message;
}

guint64
vb_sync_get_progress_done (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), 0);
  return self->progress_done;
}

guint64
vb_sync_get_progress_total (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), 0);
  return self->progress_total;
}

gint64
vb_sync_get_outbox_size (VbSync *self)
{
  g_return_val_if_fail (VB_IS_SYNC (self), 0);
  return self->outbox_size;
}

/* Messages for the changes the last pass passed over (unknown types, items over 2 MiB), at
 * most 100. */
GStrv
vb_sync_dup_skipped (VbSync *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (VB_IS_SYNC (self), NULL);

  for (guint i = 0; i < self->skipped->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->skipped, i));
  return g_strv_builder_end (builder);
}

static void
vb_sync_dispose (GObject *object)
{
  VbSync *self = VB_SYNC (object);

  self->running = FALSE;
  if (self->loop_cancellable != NULL)
    g_cancellable_cancel (self->loop_cancellable);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->session != NULL)
    soup_session_abort (self->session);
  if (self->poll_session != NULL)
    soup_session_abort (self->poll_session);

  G_OBJECT_CLASS (vb_sync_parent_class)->dispose (object);
}

static void
vb_sync_finalize (GObject *object)
{
  VbSync *self = VB_SYNC (object);

  g_clear_object (&self->store);
  g_clear_object (&self->contacts);
  g_clear_object (&self->session);
  g_clear_object (&self->poll_session);
  g_clear_object (&self->loop_cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->skipped, g_ptr_array_unref);

  G_OBJECT_CLASS (vb_sync_parent_class)->finalize (object);
}

static void
vb_sync_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  VbSync *self = VB_SYNC (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL: g_value_set_string (value, self->server_url); break;
    case PROP_TOKEN: g_value_set_string (value, NULL); break;
    case PROP_SYNC_INTERVAL: g_value_set_uint (value, self->sync_interval); break;
    case PROP_TIMEOUT: g_value_set_uint (value, self->timeout); break;
    case PROP_LONG_POLL: g_value_set_boolean (value, self->long_poll); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_LAST_SYNCED: g_value_set_int64 (value, self->last_synced); break;
    case PROP_RETRY_AT: g_value_set_int64 (value, self->retry_at); break;
    case PROP_ERROR_CODE: g_value_set_int (value, self->error_code); break;
    case PROP_ERROR_MESSAGE: g_value_set_string (value, self->error_message); break;
    case PROP_PROGRESS_DONE: g_value_set_uint64 (value, self->progress_done); break;
    case PROP_PROGRESS_TOTAL: g_value_set_uint64 (value, self->progress_total); break;
    case PROP_OUTBOX_SIZE: g_value_set_int64 (value, self->outbox_size); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_sync_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  VbSync *self = VB_SYNC (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL: vb_sync_set_server_url (self, g_value_get_string (value)); break;
    case PROP_TOKEN: vb_sync_set_token (self, g_value_get_string (value)); break;
    case PROP_SYNC_INTERVAL: vb_sync_set_sync_interval (self, g_value_get_uint (value)); break;
    case PROP_TIMEOUT: vb_sync_set_timeout (self, g_value_get_uint (value)); break;
    case PROP_LONG_POLL: vb_sync_set_long_poll (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_sync_class_init (VbSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = vb_sync_dispose;
  object_class->finalize = vb_sync_finalize;
  object_class->get_property = vb_sync_get_property;
  object_class->set_property = vb_sync_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL, rw);
  /* Readable only so that "notify::token" works; it always reads NULL. */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL, rw);
  properties[PROP_SYNC_INTERVAL] =
    g_param_spec_uint ("sync-interval", NULL, NULL, 1, G_MAXUINT, 900, rw);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, 30, rw);
  properties[PROP_LONG_POLL] =
    g_param_spec_boolean ("long-poll", NULL, NULL, TRUE, rw);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VB_TYPE_SYNC_STATE, VB_SYNC_STATE_DISABLED, ro);
  properties[PROP_LAST_SYNCED] =
    g_param_spec_int64 ("last-synced", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_RETRY_AT] =
    g_param_spec_int64 ("retry-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ERROR_CODE] =
    g_param_spec_int ("error-code", NULL, NULL, -1, G_MAXINT, -1, ro);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_PROGRESS_DONE] =
    g_param_spec_uint64 ("progress-done", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_PROGRESS_TOTAL] =
    g_param_spec_uint64 ("progress-total", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_OUTBOX_SIZE] =
    g_param_spec_int64 ("outbox-size", NULL, NULL, 0, G_MAXINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vb_sync_init (VbSync *self)
{
  self->sync_interval = 900;
  self->timeout = 30;
  self->long_poll = TRUE;
  self->state = VB_SYNC_STATE_DISABLED;
  self->error_code = -1;
  self->skipped = g_ptr_array_new_with_free_func (g_free);
  self->context = g_main_context_ref_thread_default ();
  self->session = soup_session_new_with_options ("user-agent", "Vraagbaak/" PACKAGE_VERSION,
                                                 NULL);
  self->poll_session = soup_session_new_with_options ("user-agent", "Vraagbaak/" PACKAGE_VERSION,
                                                      NULL);
  apply_session_timeouts (self);
}

static void
load_last_synced_thread (GTask        *task,
                         gpointer      source,
                         gpointer      data,
                         GCancellable *cancellable)
{
  VbSync *self = source;
  g_autofree char *text = vb_store_dup_meta (self->store, "sync-last-synced");

  g_task_return_int (task, text != NULL ? MAX (g_ascii_strtoll (text, NULL, 10), 0) : 0);
}

static void
on_last_synced_loaded (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  VbSync *self = VB_SYNC (source);
  gssize when = g_task_propagate_int (G_TASK (result), NULL);

  /* A pass that ended meanwhile is newer. */
  if (when > self->last_synced)
    set_time (self, PROP_LAST_SYNCED, when);
}

VbSync *
vb_sync_new (VbStore        *store,
             VbContactStore *contacts)
{
  VbSync *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (VB_IS_STORE (store), NULL);
  g_return_val_if_fail (contacts == NULL || VB_IS_CONTACT_STORE (contacts), NULL);

  self = g_object_new (VB_TYPE_SYNC, NULL);
  self->store = g_object_ref (store);
  if (contacts != NULL)
    self->contacts = g_object_ref (contacts);
  /* The last sync of an earlier run, so the window does not say "not synced yet". */
  task = g_task_new (self, NULL, on_last_synced_loaded, NULL);
  g_task_run_in_thread (task, load_last_synced_thread);
  return self;
}

/* ---- HTTP ---- */

typedef struct
{
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *body;
  gsize         max_body;
  char         *host;
  guint         timeout;
} Request;

typedef struct
{
  guint   status;
  GBytes *body;
  gint64  retry_after;
} Response;

static void
request_free (Request *req)
{
  g_clear_object (&req->msg);
  g_clear_object (&req->stream);
  g_clear_pointer (&req->body, g_byte_array_unref);
  g_free (req->host);
  g_free (req);
}

static void
response_free (Response *resp)
{
  g_clear_pointer (&resp->body, g_bytes_unref);
  g_free (resp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

/* Words for a failure below HTTP: no connection, a timeout, a certificate, a lost answer. */
static GError *
transport_error (const GError *error,
                 const char   *host,
                 guint         timeout,
                 gboolean      reading)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (VB_SYNC_ERROR, VB_SYNC_ERROR_CANCELLED, "The sync was cancelled");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_TIMEOUT,
                        "The server %s did not answer within %u seconds", host, timeout);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_TLS,
                        "The certificate of %s is not valid, so the connection was refused (%s)",
                        host, error->message);
  if (reading || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_OFFLINE,
                        "The connection to %s was lost (%s)", host, error->message);
  return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_OFFLINE, "Cannot reach %s (%s)", host,
                      error->message);
}

static gint64
parse_retry_after (const char *value)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  char *end = NULL;
  gint64 seconds;

  if (value == NULL)
    return 0;
  seconds = g_ascii_strtoll (value, &end, 10);
  if (end != value && *end == '\0')
    return CLAMP (seconds, 0, 24 * 3600);
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return 0;
  now = g_date_time_new_now_utc ();
  return CLAMP (g_date_time_difference (when, now) / G_USEC_PER_SEC, 0, 24 * 3600);
}

static void on_request_read (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data);

static void
read_next_chunk (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_request_read, task);
}

static void
on_request_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);
  gboolean ok_status = SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (req->msg));
  Response *resp;

  if (chunk == NULL)
    {
      g_task_return_error (task, transport_error (error, req->host, req->timeout, TRUE));
      return;
    }
  if (g_bytes_get_size (chunk) > 0)
    {
      if (req->body->len + g_bytes_get_size (chunk) > req->max_body)
        {
          if (ok_status)
            {
              g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_TOO_LARGE,
                                       "The answer of %s is larger than %" G_GSIZE_FORMAT " MiB",
                                       req->host, req->max_body / (1024 * 1024));
              return;
            }
          /* Enough of an error body for its message. */
        }
      else
        {
          g_byte_array_append (req->body, g_bytes_get_data (chunk, NULL),
                               g_bytes_get_size (chunk));
          read_next_chunk (g_steal_pointer (&task));
          return;
        }
    }

  resp = g_new0 (Response, 1);
  resp->status = soup_message_get_status (req->msg);
  resp->body = g_byte_array_free_to_bytes (g_steal_pointer (&req->body));
  resp->retry_after =
    parse_retry_after (soup_message_headers_get_one (soup_message_get_response_headers (req->msg),
                                                     "Retry-After"));
  g_task_return_pointer (task, resp, (GDestroyNotify) response_free);
}

static void
on_request_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL)
    {
      g_task_return_error (task, transport_error (error, req->host, req->timeout, FALSE));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (req->msg)))
    req->max_body = MAX_ERROR_BYTES;
  read_next_chunk (g_steal_pointer (&task));
}

static void
on_message_restarted (SoupMessage *msg,
                      GBytes      *body)
{
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
}

/* One request; the answer (any status) with its body read whole, at most @max_body bytes. */
static void
http_request_async (VbSync             *self,
                    const char         *method,
                    const char         *url,
                    const char         *token,
                    const char         *json_body,
                    gboolean            long_poll,
                    gsize               max_body,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  Request *req;
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, http_request_async);
  if (uri == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL)
    {
      g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_NO_SERVER,
                               "The server address is not a valid http or https URL");
      return;
    }
  req = g_new0 (Request, 1);
  req->msg = soup_message_new_from_uri (method, uri);
  req->body = g_byte_array_new ();
  req->max_body = max_body;
  req->host = g_strdup (g_uri_get_host (uri));
  req->timeout = long_poll ? LONG_POLL_WAIT + MIN (self->timeout, LONG_POLL_GRACE)
                           : self->timeout;
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);

  headers = soup_message_get_request_headers (req->msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (token != NULL && *token != '\0')
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (json_body != NULL)
    {
      GBytes *bytes = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (req->msg, "application/json", bytes);
      /* libsoup 3.2 resends an idempotent request by itself when a kept-alive connection
       * closed under it, but with the body already read: an empty PUT. Give it the body
       * again. */
      g_signal_connect_data (req->msg, "restarted", G_CALLBACK (on_message_restarted), bytes,
                             (GClosureNotify) (void (*) (void)) g_bytes_unref, 0);
    }
  soup_session_send_async (long_poll ? self->poll_session : self->session, req->msg,
                           G_PRIORITY_DEFAULT, cancellable, on_request_sent,
                           g_steal_pointer (&task));
}

static Response *
http_request_finish (VbSync        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The server's {"error", "message"}, or the status's own phrase. */
static char *
server_message (Response *resp)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (resp->body, &len);
  JsonNode *root;

  if (data != NULL && len > 0 && g_utf8_validate (data, len, NULL) &&
      json_parser_load_from_data (parser, data, len, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      const char *message = json_object_get_string_member_with_default (
        json_node_get_object (root), "message", NULL);

      if (message != NULL && g_utf8_strlen (message, -1) < 300)
        return g_strdup (message);
    }
  return g_strdup (soup_status_get_phrase (resp->status));
}

/* Words for an answer that is not a success. */
static GError *
status_error (Response   *resp,
              const char *host,
              gint64     *retry_after)
{
  g_autofree char *message = server_message (resp);

  switch (resp->status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_UNAUTHORIZED,
                          "The server refuses the token (%s)", host);
    case SOUP_STATUS_FORBIDDEN:
      return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_FORBIDDEN,
                          "The server %s does not allow this token to do this: %s", host,
                          message);
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_TOO_LARGE,
                          "The server %s refused an upload as too large: %s", host, message);
    case 429: /* Too Many Requests */
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      if (retry_after != NULL)
        *retry_after = resp->retry_after;
      return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_BUSY,
                          "The server %s is busy (%u); trying again in %" G_GINT64_FORMAT
                          " seconds or later", host, resp->status, MAX (resp->retry_after, 1));
    default:
      if (resp->status >= 500)
        return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_SERVER,
                            "The server %s failed (%u: %s)", host, resp->status, message);
      return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_PROTOCOL,
                          "The server %s refused the request (%u: %s)", host, resp->status,
                          message);
    }
}

/* ---- one pass ---- */

typedef struct
{
  GBytes     *body;
  gint64      since;
  VbSyncPage *page;
} PageJob;

static void
page_job_free (PageJob *job)
{
  g_clear_pointer (&job->body, g_bytes_unref);
  g_clear_pointer (&job->page, vb_sync_page_free);
  g_free (job);
}

typedef struct
{
  char        *base;       /* the server URL, without a trailing slash */
  char        *host;
  char        *token;
  guint        wait;       /* the long poll's wait, first request only */
  gint64       cursor;
  guint        limit;
  gboolean     full;       /* a from-0 pass over existing content: remove what was not seen */
  gboolean     restarted;  /* after a 409 or another database id */
  char        *database;   /* the server database's id the cursor belongs to, NULL unknown */
  gboolean     database_unsaved;  /* learned from a page: stored before that page */
  gboolean     announced;  /* state set to syncing */
  GHashTable  *seen;       /* ids put by a full pass */
  /* The feed is a pipeline of two stages: while page n is applied (worker thread), page n+1
   * is fetched and parsed (main context, then another worker), so at most two pages are in
   * memory. */
  gint64       fetch_cursor;  /* since of the next request */
  gboolean     fetching;      /* a request or its parsing is in flight */
  gboolean     applying;
  gboolean     no_more;       /* the last page parsed said more: false */
  gboolean     need_reset;    /* a 409 waits for the pipeline to drain */
  PageJob     *parsed;        /* parsed, waiting to be applied */
  GError      *error;         /* the pass fails once nothing is in flight */
  VbSyncStats  stats;
  JsonArray   *batch;      /* outbox entries being sent */
  guint        batch_index;
  gint64       search_last_id;
} Pass;

static void
pass_free (Pass *pass)
{
  g_free (pass->base);
  g_free (pass->host);
  g_free (pass->token);
  g_free (pass->database);
  g_clear_pointer (&pass->seen, g_hash_table_unref);
  g_clear_pointer (&pass->batch, json_array_unref);
  g_clear_pointer (&pass->parsed, page_job_free);
  g_clear_error (&pass->error);
  g_free (pass);
}

/* SQLite never runs on the caller's (UI) thread: each store step runs in a GTask thread and
 * completes on the pass's context. */
static void
run_in_worker (GTask           *pass_task,
               GTaskThreadFunc  func,
               gpointer         data,
               GDestroyNotify   destroy,
               GAsyncReadyCallback callback)
{
  g_autoptr(GTask) task = g_task_new (g_task_get_source_object (pass_task), NULL, callback,
                                      g_object_ref (pass_task));

  g_task_set_task_data (task, data, destroy);
  g_task_run_in_thread (task, func);
}

static void
pass_fail (GTask  *task,
           GError *error)
{
  g_task_return_error (task, error);
}

static gboolean
pass_cancelled (GTask *task)
{
  if (!g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return FALSE;
  g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_CANCELLED, "The sync was cancelled");
  return TRUE;
}

static GError *
store_error (const GError *error)
{
  return g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_STORE, "Cannot store the synced content: %s",
                      error->message);
}

static gboolean
set_metas (VbStore     *store,
           GError     **error,
           ...)
{
  va_list args;
  const char *key;
  gboolean ok = TRUE;

  va_start (args, error);
  while (ok && (key = va_arg (args, const char *)) != NULL)
    ok = vb_store_set_meta (store, key, va_arg (args, const char *), error);
  va_end (args);
  return ok;
}

static void fetch_page (GTask *task);
static void drain_outbox (GTask *task);
static void content_done (GTask *task);

/* Where to start: the stored cursor for this server; 0 for another server (existing content
 * is then replaced: sync-full marks the pass, and what it did not see is removed at its end).
 * A full pass that was interrupted starts again from 0, because the ids it saw are gone. */
static void
prepare_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  VbSync *self = source;
  Pass *pass = data;
  g_autofree char *server = vb_store_dup_meta (self->store, "sync-server");
  g_autofree char *cursor = vb_store_dup_meta (self->store, "sync-cursor");
  g_autofree char *full = vb_store_dup_meta (self->store, "sync-full");
  g_autofree char *database = vb_store_dup_meta (self->store, "sync-database");
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (g_strcmp0 (server, pass->base) != 0)
    {
      pass->full = vb_store_count_items (self->store, -1) > 0;
      pass->cursor = 0;
      ok = set_metas (self->store, &error, "sync-full", pass->full ? "1" : "0", "sync-cursor", "0",
                      "sync-database", "", "sync-server", pass->base, NULL);
    }
  else
    {
      /* A cursor stored before servers sent their database id adopts the first id seen. */
      if (database != NULL && *database != '\0')
        pass->database = g_steal_pointer (&database);
      pass->cursor = cursor != NULL ? g_ascii_strtoll (cursor, NULL, 10) : 0;
      pass->full = g_strcmp0 (full, "1") == 0;
      if (pass->full && pass->cursor != 0)
        {
          pass->cursor = 0;
          ok = set_metas (self->store, &error, "sync-cursor", "0", NULL);
        }
    }
  if (!ok)
    {
      g_task_return_error (task, store_error (error));
      return;
    }
  g_task_return_int (task, self->contacts != NULL ? vb_contact_store_outbox_size (self->contacts)
                                                  : 0);
}

static void drive_feed (GTask *task);

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize outbox = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    return pass_fail (task, g_steal_pointer (&error));
  set_outbox_size (g_task_get_source_object (task), outbox);
  if (pass->full)
    pass->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pass->fetch_cursor = pass->cursor;
  drive_feed (task);
}

/* A 409: the server's database was replaced; start again from 0 and replace the content. */
static void
reset_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  VbSync *self = source;
  Pass *pass = data;
  g_autoptr(GError) error = NULL;

  pass->full = pass->full || vb_store_count_items (self->store, -1) > 0;
  if (!set_metas (self->store, &error, "sync-full", pass->full ? "1" : "0", "sync-cursor", "0",
                  "sync-database", "", NULL))
    g_task_return_error (task, store_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_reset (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  pass->applying = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    pass->error = g_steal_pointer (&error);
  pass->cursor = 0;
  pass->fetch_cursor = 0;
  pass->no_more = FALSE;
  /* The new database's id comes with its first page. */
  g_clear_pointer (&pass->database, g_free);
  pass->database_unsaved = FALSE;
  g_clear_pointer (&pass->seen, g_hash_table_unref);
  if (pass->full)
    pass->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  drive_feed (task);
}

static void
parse_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  PageJob *job = data;
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *body = g_bytes_get_data (job->body, &len);
  gint64 start = g_get_monotonic_time ();

  job->page = vb_sync_page_parse (body != NULL ? body : "", len, job->since, &error);
  g_clear_pointer (&job->body, g_bytes_unref);
  if (job->page == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Derive what the store writes here, while the previous page is being applied. */
  vb_store_prepare_items (job->page->items);
  g_debug ("Page after %" G_GINT64_FORMAT ": %u changes, %" G_GSIZE_FORMAT " bytes, parsed in "
           "%.1f ms", job->since, job->page->n_changes, len,
           (g_get_monotonic_time () - start) / 1000.0);
  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  Pass    *pass;      /* borrowed: the pass task outlives the job */
  PageJob *job;
  char    *database;  /* an id learned from this page, stored before it */
} ApplyJob;

static void
apply_job_free (ApplyJob *apply)
{
  g_clear_pointer (&apply->job, page_job_free);
  g_free (apply->database);
  g_free (apply);
}

static void
apply_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  VbSync *self = source;
  ApplyJob *apply = data;
  VbSyncPage *page = apply->job->page;
  Pass *pass = apply->pass;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, page->cursor);
  gint64 start = g_get_monotonic_time ();

  /* The id first, in a transaction of its own: it is learned only at cursor 0 (a first sync,
   * or after a reset) or over a cursor stored before ids existed, so the stored cursor always
   * belongs to the stored id, whichever of the two commits a crash interrupts. */
  if (apply->database != NULL &&
      !vb_store_set_meta (self->store, "sync-database", apply->database, &error))
    {
      g_task_return_error (task, store_error (error));
      return;
    }
  if (page->cursor != page->since &&
      !vb_store_apply_changes (self->store, page->items,
                               (const char *const *) page->deleted->pdata, page->lists,
                               "sync-cursor", cursor, &error))
    {
      g_task_return_error (task, store_error (error));
      return;
    }
  g_debug ("Page after %" G_GINT64_FORMAT ": applied in %.1f ms", page->since,
           (g_get_monotonic_time () - start) / 1000.0);
  if (pass->seen != NULL)
    {
      for (guint i = 0; i < page->items->len; i++)
        g_hash_table_add (pass->seen,
                          g_strdup (vb_item_get_id (g_ptr_array_index (page->items, i))));
      for (guint i = 0; page->deleted->pdata[i] != NULL; i++)
        g_hash_table_remove (pass->seen, page->deleted->pdata[i]);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_page_applied (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbSync *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);
  ApplyJob *apply = g_task_get_task_data (G_TASK (result));
  VbSyncPage *page = apply->job->page;
  g_autoptr(GError) error = NULL;
  guint n_applied;

  pass->applying = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_clear_error (&pass->error);
      pass->error = g_steal_pointer (&error);
      drive_feed (task);
      return;
    }

  n_applied = page->items->len + (page->deleted->len - 1) +
              (page->lists != NULL ? json_object_get_size (page->lists) : 0);
  pass->cursor = page->cursor;
  pass->stats.cursor = page->cursor;
  pass->stats.pages++;
  pass->stats.items_applied += page->items->len + page->deleted->len - 1;
  pass->stats.items_skipped += page->skipped->len;
  for (guint i = 0; i < page->skipped->len; i++)
    {
      g_message ("%s", (const char *) g_ptr_array_index (page->skipped, i));
      if (self->skipped->len < MAX_SKIPPED)
        g_ptr_array_add (self->skipped, g_strdup (g_ptr_array_index (page->skipped, i)));
    }
  set_progress (self, self->progress_done + page->n_changes,
                self->progress_done + page->n_changes + page->remaining);
  /* A long poll shows "syncing" only once it brought changes. */
  if (!pass->announced && page->n_changes > 0)
    {
      pass->announced = TRUE;
      set_state (self, VB_SYNC_STATE_SYNCING);
    }
  if (n_applied > 0)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, n_applied);
  for (guint i = 0; i < page->notices->len; i++)
    g_signal_emit (self, signals[SIGNAL_NOTICE], 0, g_ptr_array_index (page->notices, i));
  drive_feed (task);
}

static void
on_page_parsed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  PageJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  pass->fetching = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, VB_SYNC_ERROR, VB_SYNC_ERROR_PROTOCOL))
        g_prefix_error (&error, "%s: ", pass->host);
      if (pass->error == NULL)
        pass->error = g_steal_pointer (&error);
      drive_feed (task);
      return;
    }
  /* Another database id: the server's database was replaced (or restored), even if its log
   * is as long as our cursor; start again from 0, as after a 409. */
  if (job->page->database != NULL && pass->database != NULL &&
      !g_str_equal (job->page->database, pass->database))
    {
      if (pass->restarted)
        {
          if (pass->error == NULL)
            pass->error = g_error_new (VB_SYNC_ERROR, VB_SYNC_ERROR_PROTOCOL,
                                       "%s: the server's database changed again during the sync",
                                       pass->host);
        }
      else
        {
          pass->restarted = TRUE;
          pass->need_reset = TRUE;
          g_message ("The server %s has another database (%s, not %s): syncing again from 0",
                     pass->host, job->page->database, pass->database);
        }
      drive_feed (task);
      return;
    }
  if (job->page->database != NULL && pass->database == NULL)
    {
      pass->database = g_strdup (job->page->database);
      pass->database_unsaved = TRUE;
    }
  pass->fetch_cursor = job->page->cursor;
  pass->no_more = !job->page->more;
  /* Steal the job from its GTask, which is freed after this callback. */
  pass->parsed = g_new0 (PageJob, 1);
  *pass->parsed = *job;
  memset (job, 0, sizeof *job);
  drive_feed (task);
}

static void
on_page_answer (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbSync *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = http_request_finish (self, result, &error);
  PageJob *job;

  pass->wait = 0;
  if (resp == NULL)
    {
      /* A page too large for memory: ask for fewer changes. */
      if (g_error_matches (error, VB_SYNC_ERROR, VB_SYNC_ERROR_TOO_LARGE) && pass->limit > 1 &&
          pass->error == NULL)
        {
          pass->limit /= 2;
          fetch_page (task);
          return;
        }
      pass->fetching = FALSE;
      if (pass->error == NULL)
        pass->error = g_steal_pointer (&error);
      drive_feed (task);
      return;
    }
  if (resp->status == SOUP_STATUS_CONFLICT && !pass->restarted)
    {
      pass->restarted = TRUE;
      pass->fetching = FALSE;
      pass->need_reset = TRUE;
      g_message ("The server %s has fewer changes than our cursor: syncing again from 0",
                 pass->host);
      drive_feed (task);
      return;
    }
  if (resp->status != SOUP_STATUS_OK)
    {
      pass->fetching = FALSE;
      if (pass->error == NULL)
        pass->error = status_error (resp, pass->host, &self->retry_after);
      drive_feed (task);
      return;
    }

  job = g_new0 (PageJob, 1);
  job->body = g_steal_pointer (&resp->body);
  job->since = pass->fetch_cursor;
  run_in_worker (task, parse_thread, job, (GDestroyNotify) page_job_free, on_page_parsed);
}

static void
fetch_page (GTask *task)
{
  VbSync *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);
  g_autofree char *url = NULL;

  pass->fetching = TRUE;
  if (pass->wait > 0)
    url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%u&wait=%u",
                           pass->base, pass->fetch_cursor, pass->limit, pass->wait);
  else
    url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%u", pass->base,
                           pass->fetch_cursor, pass->limit);
  http_request_async (self, "GET", url, pass->token, NULL, pass->wait > 0, MAX_PAGE_BYTES,
                      g_task_get_cancellable (task), on_page_answer, g_object_ref (task));
}

/* Moves the feed's pipeline on: applies a parsed page when the store is free, fetches the next
 * page meanwhile, and ends the content part (or the pass, on an error) once nothing is in
 * flight, so that a page being applied is always finished first. @task is borrowed. */
static void
drive_feed (GTask *task)
{
  Pass *pass = g_task_get_task_data (task);
  gboolean idle;

  if (pass->error == NULL && g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    pass->error = g_error_new_literal (VB_SYNC_ERROR, VB_SYNC_ERROR_CANCELLED,
                                       "The sync was cancelled");
  idle = !pass->fetching && !pass->applying;
  if (pass->error != NULL)
    {
      if (idle)
        pass_fail (task, g_steal_pointer (&pass->error));
      return;
    }
  if (pass->need_reset)
    {
      if (idle)
        {
          pass->need_reset = FALSE;
          g_clear_pointer (&pass->parsed, page_job_free);
          pass->applying = TRUE;
          run_in_worker (task, reset_thread, pass, NULL, on_reset);
        }
      return;
    }
  if (!pass->applying && pass->parsed != NULL)
    {
      ApplyJob *apply = g_new0 (ApplyJob, 1);

      apply->pass = pass;
      apply->job = g_steal_pointer (&pass->parsed);
      if (pass->database_unsaved)
        {
          apply->database = g_strdup (pass->database);
          pass->database_unsaved = FALSE;
        }
      pass->applying = TRUE;
      run_in_worker (task, apply_thread, apply, (GDestroyNotify) apply_job_free,
                     on_page_applied);
    }
  if (!pass->fetching && pass->parsed == NULL && !pass->no_more)
    fetch_page (task);
  if (!pass->fetching && !pass->applying && pass->parsed == NULL && pass->no_more)
    content_done (g_object_ref (task));
}

/* The end of a full pass: every item the server still has was put by it; remove the rest. */
static void
finish_full_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  VbSync *self = source;
  Pass *pass = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = vb_store_open_reader (self->store, &error);
  sqlite3_stmt *stmt = NULL;

  if (db == NULL)
    {
      g_task_return_error (task, store_error (error));
      return;
    }
  if (sqlite3_prepare_v2 (db, "SELECT id FROM items", -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *id = (const char *) sqlite3_column_text (stmt, 0);

        if (!g_hash_table_contains (pass->seen, id))
          g_ptr_array_add (stale, g_strdup (id));
      }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_ptr_array_add (stale, NULL);
  if (!vb_store_apply_changes (self->store, NULL, (const char *const *) stale->pdata, NULL,
                               "sync-full", "0", &error))
    {
      g_task_return_error (task, store_error (error));
      return;
    }
  g_task_return_int (task, stale->len - 1);
}

/* ---- the outbox and the search log ---- */

static void send_outbox_entry (GTask *task);
static void upload_searches (GTask *task);
static void pass_succeed (GTask *task);

static void
outbox_peek_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  VbSync *self = source;
  GError *error = NULL;
  JsonArray *batch = vb_contact_store_outbox_peek (self->contacts, OUTBOX_BATCH, &error);

  if (batch == NULL)
    g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_STORE,
                             "Cannot read the contact outbox: %s", error->message);
  else
    g_task_return_pointer (task, batch, (GDestroyNotify) json_array_unref);
  g_clear_error (&error);
}

static void
on_outbox_peeked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pass *pass = g_task_get_task_data (task);
  GError *error = NULL;
  JsonArray *batch = g_task_propagate_pointer (G_TASK (result), &error);

  if (batch == NULL)
    return pass_fail (task, error);
  g_clear_pointer (&pass->batch, json_array_unref);
  pass->batch = batch;
  pass->batch_index = 0;
  if (json_array_get_length (batch) == 0)
    upload_searches (g_steal_pointer (&task));
  else
    send_outbox_entry (g_steal_pointer (&task));
}

typedef struct
{
  gint64 outbox_id;
  gint64 size;
} AckJob;

static void
outbox_ack_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  VbSync *self = source;
  AckJob *job = data;
  GError *error = NULL;

  if (!vb_contact_store_outbox_ack (self->contacts, job->outbox_id, &error))
    {
      g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_STORE,
                               "Cannot update the contact outbox: %s", error->message);
      g_clear_error (&error);
      return;
    }
  job->size = vb_contact_store_outbox_size (self->contacts);
  g_task_return_boolean (task, TRUE);
}

static void
on_outbox_acked (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbSync *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);
  AckJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return pass_fail (task, error);
  pass->stats.contacts_sent++;
  set_outbox_size (self, job->size);
  if (pass_cancelled (task))
    return;
  pass->batch_index++;
  send_outbox_entry (g_steal_pointer (&task));
}

static void
on_outbox_answer (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbSync *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = http_request_finish (self, result, &error);
  JsonObject *entry;
  AckJob *job;

  if (resp == NULL)
    return pass_fail (task, g_steal_pointer (&error));
  if (!SOUP_STATUS_IS_SUCCESSFUL (resp->status))
    return pass_fail (task, status_error (resp, pass->host, &self->retry_after));
  /* Only now, after a 2xx, does the entry leave the outbox; a lost answer sends it again,
   * and the server's PUT and DELETE are idempotent. */
  entry = json_array_get_object_element (pass->batch, pass->batch_index);
  job = g_new0 (AckJob, 1);
  job->outbox_id = json_object_get_int_member_with_default (entry, "outbox_id", -1);
  run_in_worker (task, outbox_ack_thread, job, g_free, on_outbox_acked);
}

static void
send_outbox_entry (GTask *task)
{
  VbSync *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);
  JsonObject *entry;
  const char *uuid, *kind;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;

  if (pass->batch_index >= json_array_get_length (pass->batch))
    {
      drain_outbox (task);
      return;
    }
  entry = json_array_get_object_element (pass->batch, pass->batch_index);
  uuid = json_object_get_string_member_with_default (entry, "uuid", "");
  kind = json_object_get_string_member_with_default (entry, "kind", "put");
  escaped = g_uri_escape_string (uuid, NULL, FALSE);
  if (g_strcmp0 (kind, "delete") == 0)
    {
      url = g_strdup_printf ("%s/api/v1/contacts/%s?revision=%" G_GINT64_FORMAT, pass->base,
                             escaped, json_object_get_int_member_with_default (entry, "revision",
                                                                               0));
      http_request_async (self, "DELETE", url, pass->token, NULL, FALSE, MAX_ERROR_BYTES,
                          g_task_get_cancellable (task), on_outbox_answer, task);
      return;
    }
  url = g_strdup_printf ("%s/api/v1/contacts/%s", pass->base, escaped);
  {
    JsonNode *contact = json_object_get_member (entry, "contact");

    body = contact != NULL ? json_to_string (contact, FALSE) : g_strdup ("{}");
  }
  http_request_async (self, "PUT", url, pass->token, body, FALSE, MAX_ERROR_BYTES,
                      g_task_get_cancellable (task), on_outbox_answer, task);
}

typedef struct
{
  gint64     last_id;
  JsonArray *searches;
} SearchJob;

static void
search_job_free (SearchJob *job)
{
  g_clear_pointer (&job->searches, json_array_unref);
  g_free (job);
}

static void
searches_peek_thread (GTask        *task,
                      gpointer      source,
                      gpointer      data,
                      GCancellable *cancellable)
{
  VbSync *self = source;
  SearchJob *job = data;
  GError *error = NULL;

  job->searches = vb_contact_store_searches_peek (self->contacts, SEARCH_BATCH, &job->last_id,
                                                  &error);
  if (job->searches == NULL)
    {
      g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_STORE,
                               "Cannot read the search log: %s", error->message);
      g_clear_error (&error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
searches_ack_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable)
{
  VbSync *self = source;
  SearchJob *job = data;
  GError *error = NULL;

  if (!vb_contact_store_searches_ack (self->contacts, job->last_id, &error))
    {
      g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_STORE,
                               "Cannot update the search log: %s", error->message);
      g_clear_error (&error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_searches_acked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return pass_fail (task, error);
  if (pass_cancelled (task))
    return;
  upload_searches (g_steal_pointer (&task));
}

static void
on_searches_answer (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbSync *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = http_request_finish (self, result, &error);
  SearchJob *job;

  if (resp == NULL)
    return pass_fail (task, g_steal_pointer (&error));
  if (!SOUP_STATUS_IS_SUCCESSFUL (resp->status))
    return pass_fail (task, status_error (resp, pass->host, &self->retry_after));
  job = g_new0 (SearchJob, 1);
  job->last_id = pass->search_last_id;
  run_in_worker (task, searches_ack_thread, job, (GDestroyNotify) search_job_free,
                 on_searches_acked);
}

static void
on_searches_peeked (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbSync *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);
  SearchJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  g_autoptr(JsonObject) envelope = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return pass_fail (task, error);
  if (json_array_get_length (job->searches) == 0)
    {
      pass_succeed (task);
      return;
    }
  pass->search_last_id = job->last_id;
  pass->stats.searches_sent += json_array_get_length (job->searches);
  envelope = json_object_new ();
  json_object_set_array_member (envelope, "searches", json_array_ref (job->searches));
  node = json_node_init_object (json_node_alloc (), envelope);
  body = json_to_string (node, FALSE);
  url = g_strdup_printf ("%s/api/v1/searches", pass->base);
  http_request_async (self, "POST", url, pass->token, body, FALSE, MAX_ERROR_BYTES,
                      g_task_get_cancellable (task), on_searches_answer, g_object_ref (task));
}

static void
upload_searches (GTask *task)
{
  run_in_worker (task, searches_peek_thread, g_new0 (SearchJob, 1),
                 (GDestroyNotify) search_job_free, on_searches_peeked);
  g_object_unref (task);
}

static void
drain_outbox (GTask *task)
{
  VbSync *self = g_task_get_source_object (task);

  if (self->contacts == NULL)
    {
      pass_succeed (task);
      g_object_unref (task);
      return;
    }
  run_in_worker (task, outbox_peek_thread, NULL, NULL, on_outbox_peeked);
  g_object_unref (task);
}

/* The end of a successful pass: its time is kept in meta for the next start. */
static void
save_synced_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  VbSync *self = source;
  g_autofree char *when = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           g_get_real_time () / G_USEC_PER_SEC);
  GError *error = NULL;

  if (!vb_store_set_meta (self->store, "sync-last-synced", when, &error))
    {
      /* Only the time shown after a restart is lost: not a failure of the sync. */
      g_warning ("Cannot store the time of the sync: %s", error->message);
      g_clear_error (&error);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_synced_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_task_return_boolean (task, TRUE);
}

static void
pass_succeed (GTask *task)
{
  run_in_worker (task, save_synced_thread, NULL, NULL, on_synced_saved);
}

static void
on_full_finished (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbSync *self = g_task_get_source_object (task);
  Pass *pass = g_task_get_task_data (task);
  GError *error = NULL;
  gssize removed = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    return pass_fail (task, error);
  pass->full = FALSE;
  pass->stats.full_resync = TRUE;
  if (removed > 0)
    {
      pass->stats.items_applied += removed;
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0, (guint) removed);
    }
  drain_outbox (g_steal_pointer (&task));
}

/* The content is done when the last page was applied; a full pass first removes the rest. */
static void
content_done (GTask *task)
{
  Pass *pass = g_task_get_task_data (task);

  if (pass->full)
    {
      run_in_worker (task, finish_full_thread, pass, NULL, on_full_finished);
      g_object_unref (task);
      return;
    }
  drain_outbox (task);
}

/* One pass; the state, error and last-synced properties follow its outcome. */
static void
pass_async (VbSync             *self,
            guint               wait,
            GCancellable       *cancellable,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Pass *pass;
  g_autoptr(GUri) uri = NULL;

  g_task_set_source_tag (task, pass_async);
  if (!has_server (self))
    {
      g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_NO_SERVER,
                               "No server is configured");
      return;
    }
  uri = g_uri_parse (self->server_url, SOUP_HTTP_URI_FLAGS, NULL);
  pass = g_new0 (Pass, 1);
  pass->base = g_strdup (self->server_url);
  pass->host = g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri)
                                                                     : self->server_url);
  pass->token = g_strdup (self->token);
  pass->wait = wait;
  pass->limit = PAGE_LIMIT;
  pass->announced = wait == 0;
  g_task_set_task_data (task, pass, (GDestroyNotify) pass_free);

  self->retry_after = 0;
  g_ptr_array_set_size (self->skipped, 0);
  set_progress (self, 0, 0);
  if (wait == 0)
    set_state (self, VB_SYNC_STATE_SYNCING);
  run_in_worker (task, prepare_thread, pass, NULL, on_prepared);
}

static gboolean
pass_finish (VbSync        *self,
             GAsyncResult  *result,
             VbSyncStats   *stats,
             GError       **error)
{
  g_autoptr(GError) local = NULL;
  Pass *pass = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &local);

  if (stats != NULL)
    {
      memset (stats, 0, sizeof *stats);
      if (pass != NULL)
        *stats = pass->stats;
    }
  if (ok)
    {
      set_error (self, -1, NULL);
      set_state (self, VB_SYNC_STATE_UP_TO_DATE);
      set_time (self, PROP_LAST_SYNCED, g_get_real_time () / G_USEC_PER_SEC);
      return TRUE;
    }
  if (local->domain != VB_SYNC_ERROR)
    {
      /* A pass cancelled for Ctrl+R or a new token is not a failure of the store. */
      GError *wrapped = g_error_new (VB_SYNC_ERROR,
                                     g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) ?
                                     VB_SYNC_ERROR_CANCELLED : VB_SYNC_ERROR_STORE,
                                     "%s", local->message);

      g_clear_error (&local);
      local = wrapped;
    }
  switch (local->code)
    {
    case VB_SYNC_ERROR_CANCELLED:
      if (self->state == VB_SYNC_STATE_SYNCING)
        set_state (self, VB_SYNC_STATE_IDLE);
      break;
    case VB_SYNC_ERROR_NO_SERVER:
      set_error (self, local->code, local->message);
      set_state (self, has_server (self) ? VB_SYNC_STATE_ERROR : VB_SYNC_STATE_DISABLED);
      break;
    case VB_SYNC_ERROR_OFFLINE:
    case VB_SYNC_ERROR_TIMEOUT:
      set_error (self, local->code, local->message);
      set_state (self, VB_SYNC_STATE_OFFLINE);
      break;
    default:
      set_error (self, local->code, local->message);
      set_state (self, VB_SYNC_STATE_ERROR);
      break;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

void
vb_sync_run_once_async (VbSync             *self,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_return_if_fail (VB_IS_SYNC (self));

  pass_async (self, 0, cancellable, callback, user_data);
}

gboolean
vb_sync_run_once_finish (VbSync        *self,
                         GAsyncResult  *result,
                         VbSyncStats   *stats,
                         GError       **error)
{
  g_return_val_if_fail (VB_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return pass_finish (self, result, stats, error);
}

/* ---- the background loop ---- */

/* 1 s doubling to 5 min, ±20 % so that clients restarted together do not return together. */
static guint
backoff_ms (guint failures)
{
  guint64 base = BACKOFF_MIN_MS;

  for (guint i = 1; i < failures && base < BACKOFF_MAX_MS; i++)
    base *= 2;
  base = MIN (base, BACKOFF_MAX_MS);
  return (guint) (base * g_random_double_range (0.8, 1.2));
}

static gboolean
on_timer (gpointer user_data)
{
  VbSync *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  loop_run (self, 0);
  return G_SOURCE_REMOVE;
}

static void
schedule (VbSync *self,
          guint   delay_ms)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_source_unref (self->timer);
    }
  self->timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_attach (self->timer, self->context);
}

static void
on_loop_pass_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  VbSync *self = VB_SYNC (source);
  g_autoptr(GError) error = NULL;
  VbSyncStats stats;
  gboolean was_poll = self->pass_is_poll;
  gint64 started = GPOINTER_TO_SIZE (user_data);

  self->pass_running = FALSE;
  if (pass_finish (self, result, &stats, &error))
    {
      self->failures = 0;
      if (!self->running)
        return;
      if (!self->long_poll)
        schedule (self, self->sync_interval * 1000);
      /* A server that ignores wait answers at once: do not spin. */
      else if (was_poll && stats.items_applied == 0 &&
               g_get_monotonic_time () - started < G_USEC_PER_SEC)
        schedule (self, 5000);
      else
        loop_run (self, LONG_POLL_WAIT);
      return;
    }
  if (g_error_matches (error, VB_SYNC_ERROR, VB_SYNC_ERROR_CANCELLED))
    {
      if (self->restart_pending && self->running)
        {
          self->restart_pending = FALSE;
          loop_run (self, 0);
        }
      return;
    }
  if (!self->running)
    return;
  /* A refused token or role is not retried until the token or the URL changes. */
  if (g_error_matches (error, VB_SYNC_ERROR, VB_SYNC_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, VB_SYNC_ERROR, VB_SYNC_ERROR_FORBIDDEN) ||
      g_error_matches (error, VB_SYNC_ERROR, VB_SYNC_ERROR_NO_SERVER))
    return;
  self->failures++;
  {
    guint delay = MAX (backoff_ms (self->failures), (guint) self->retry_after * 1000);
    /* Rounded up: the attempt is never before the time shown. */
    gint64 at = (g_get_real_time () + delay * (gint64) 1000 + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

    schedule (self, delay);
    set_time (self, PROP_RETRY_AT, at);
  }
}

static void
loop_run (VbSync *self,
          guint   wait)
{
  if (!has_server (self))
    {
      set_state (self, VB_SYNC_STATE_DISABLED);
      return;
    }
  set_time (self, PROP_RETRY_AT, 0);
  g_clear_object (&self->loop_cancellable);
  self->loop_cancellable = g_cancellable_new ();
  self->pass_running = TRUE;
  self->pass_is_poll = wait > 0;
  pass_async (self, wait, self->loop_cancellable, on_loop_pass_done,
              GSIZE_TO_POINTER (g_get_monotonic_time ()));
}

void
vb_sync_start (VbSync *self)
{
  g_return_if_fail (VB_IS_SYNC (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->failures = 0;
  loop_run (self, 0);
}

void
vb_sync_stop (VbSync *self)
{
  g_return_if_fail (VB_IS_SYNC (self));

  self->running = FALSE;
  self->restart_pending = FALSE;
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->loop_cancellable != NULL)
    g_cancellable_cancel (self->loop_cancellable);
  set_time (self, PROP_RETRY_AT, 0);
  set_state (self, has_server (self) ? VB_SYNC_STATE_IDLE : VB_SYNC_STATE_DISABLED);
}

void
vb_sync_now (VbSync *self)
{
  g_return_if_fail (VB_IS_SYNC (self));

  if (!self->running)
    {
      vb_sync_start (self);
      return;
    }
  if (self->pass_running && !self->pass_is_poll)
    return;
  restart_loop (self);
}

/* ---- statistics ---- */

static void
on_stats_answer (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbSync *self = VB_SYNC (source);
  const char *host = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = http_request_finish (self, result, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data;
  JsonNode *root;

  if (resp == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (resp->status != SOUP_STATUS_OK)
    {
      g_task_return_error (task, status_error (resp, host, NULL));
      return;
    }
  data = g_bytes_get_data (resp->body, &len);
  if (data == NULL || !g_utf8_validate (data, len, NULL) ||
      !json_parser_load_from_data (parser, data, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_PROTOCOL,
                               "%s: the statistics are not a JSON object", host);
      return;
    }
  g_task_return_pointer (task, json_object_ref (json_node_get_object (root)),
                         (GDestroyNotify) json_object_unref);
}

void
vb_sync_fetch_stats_async (VbSync             *self,
                           const char         *from,
                           const char         *to,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *url = NULL;
  g_autofree char *efrom = NULL;
  g_autofree char *eto = NULL;

  g_return_if_fail (VB_IS_SYNC (self));
  g_return_if_fail (from != NULL && to != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vb_sync_fetch_stats_async);
  if (!has_server (self))
    {
      g_task_return_new_error (task, VB_SYNC_ERROR, VB_SYNC_ERROR_NO_SERVER,
                               "No server is configured");
      return;
    }
  uri = g_uri_parse (self->server_url, SOUP_HTTP_URI_FLAGS, NULL);
  g_task_set_task_data (task,
                        g_strdup (uri != NULL && g_uri_get_host (uri) ? g_uri_get_host (uri)
                                                                      : self->server_url),
                        g_free);
  efrom = g_uri_escape_string (from, NULL, FALSE);
  eto = g_uri_escape_string (to, NULL, FALSE);
  url = g_strdup_printf ("%s/api/v1/stats?from=%s&to=%s", self->server_url, efrom, eto);
  http_request_async (self, "GET", url, self->token, NULL, FALSE, MAX_PAGE_BYTES, cancellable,
                      on_stats_answer, g_steal_pointer (&task));
}

JsonObject *
vb_sync_fetch_stats_finish (VbSync        *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (VB_IS_SYNC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
