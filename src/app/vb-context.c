/* vb-context.c: what the windows share (store, searcher, contact log, sync, settings)
 *
 * Made instantly, opened on a worker thread: the window paints before the databases are open
 * (the content database and, beside it, the contact log).
 * Opening migrates the database when needed and imports the bundled demo content into an
 * empty one, so a first start shows something to search. Then "ready" is notified.
 *
 * Once open, the context runs the sync with the server named by the server-url setting: it
 * looks the server's token up (keyring or private file) on a worker, then starts the loop, and
 * does both again when the address changes. The token is never logged.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-context.h"
#include "vb-importer.h"
#include "vb-lexicon.h"

struct _VbContext
{
  GObject     parent_instance;

  char       *content_db;
  char       *contacts_db;
  GSettings  *settings;
  VbStore    *store;
  VbContactStore *contacts;
  VbSearcher *searcher;
  gint64      n_items;
  gboolean    ready;
  char       *error;

  VbSync       *sync;
  VbTokenStore *tokens;
  GCancellable *token_cancellable;  /* the lookup for the current server address */
  gboolean      has_token;
  guint         count_timeout;      /* recounts the items after the sync changed them */
  gboolean      counting;
  gboolean      count_again;
};

enum {
  PROP_0,
  PROP_READY,
  PROP_HAS_TOKEN,
  N_PROPS
};

enum {
  CONTENT_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbContext, vb_context, G_TYPE_OBJECT)

static void
vb_context_dispose (GObject *object)
{
  VbContext *self = VB_CONTEXT (object);

  g_cancellable_cancel (self->token_cancellable);
  g_clear_object (&self->token_cancellable);
  g_clear_handle_id (&self->count_timeout, g_source_remove);
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      vb_sync_stop (self->sync);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  G_OBJECT_CLASS (vb_context_parent_class)->dispose (object);
}

static void
vb_context_finalize (GObject *object)
{
  VbContext *self = VB_CONTEXT (object);

  g_clear_object (&self->sync);
  g_clear_object (&self->tokens);
  g_clear_object (&self->searcher);
  g_clear_object (&self->store);
  g_clear_object (&self->contacts);
  g_clear_object (&self->settings);
  g_free (self->content_db);
  g_free (self->contacts_db);
  g_free (self->error);

  G_OBJECT_CLASS (vb_context_parent_class)->finalize (object);
}

static void
vb_context_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VbContext *self = VB_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    case PROP_HAS_TOKEN:
      g_value_set_boolean (value, self->has_token);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_context_class_init (VbContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vb_context_dispose;
  object_class->finalize = vb_context_finalize;
  object_class->get_property = vb_context_get_property;

  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HAS_TOKEN] =
    g_param_spec_boolean ("has-token", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CONTENT_CHANGED] =
    g_signal_new ("content-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vb_context_init (VbContext *self)
{
  self->tokens = vb_token_store_new ();
}

/* The contacts database sits beside the content database. */
VbContext *
vb_context_new (const char *content_db,
                GSettings  *settings)
{
  g_autofree char *dir = g_path_get_dirname (content_db);
  g_autofree char *contacts_db = g_build_filename (dir, "contacts.db", NULL);

  return vb_context_new_full (content_db, contacts_db, settings);
}

VbContext *
vb_context_new_full (const char *content_db,
                     const char *contacts_db,
                     GSettings  *settings)
{
  VbContext *self = g_object_new (VB_TYPE_CONTEXT, NULL);

  self->content_db = g_strdup (content_db);
  self->contacts_db = g_strdup (contacts_db);
  self->settings = g_object_ref (settings);
  return self;
}

typedef struct
{
  VbStore    *store;
  VbSearcher *searcher;
  VbContactStore *contacts;
  gint64      n_items;
} OpenResult;

typedef struct
{
  char *content_db;
  char *contacts_db;
  guint retention_days;
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *d = data;

  g_free (d->content_db);
  g_free (d->contacts_db);
  g_free (d);
}

static void
open_result_free (gpointer data)
{
  OpenResult *r = data;

  g_clear_object (&r->contacts);
  g_clear_object (&r->store);
  g_clear_object (&r->searcher);
  g_free (r);
}

static gboolean
import_demo (VbStore  *store,
             GError  **error)
{
  g_autofree char *datadir = vb_data_dir ();
  g_autofree char *demo = g_build_filename (datadir, "demo", NULL);
  g_autoptr(GDir) dir = g_dir_open (demo, 0, error);
  g_autoptr(VbImporter) importer = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_build_filename (demo, name, NULL));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  importer = vb_importer_new (store);
  for (guint i = 0; i < names->len; i++)
    if (!vb_importer_import_file (importer, g_ptr_array_index (names, i), error))
      return FALSE;
  return TRUE;
}

static void
open_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *d = task_data;
  OpenResult *r = g_new0 (OpenResult, 1);
  GError *error = NULL;

  r->store = vb_store_open (d->content_db, &error);
  if (r->store != NULL && vb_store_count_items (r->store, -1) == 0 &&
      !import_demo (r->store, &error))
    g_clear_object (&r->store);
  if (r->store != NULL)
    r->searcher = vb_searcher_new (r->store, &error);
  if (r->searcher != NULL)
    {
      r->contacts = vb_contact_store_open (d->contacts_db, &error);
      if (r->contacts == NULL)
        g_clear_object (&r->searcher);
    }
  /* Personal data (names, numbers, notes) goes after the retention period; the anonymous
   * facts stay for statistics. Done at every start (and so at least daily on a workstation). */
  if (r->contacts != NULL && d->retention_days > 0)
    {
      g_autoptr(GError) purge_error = NULL;

      vb_contact_store_purge (r->contacts, d->retention_days, g_get_real_time () / G_USEC_PER_SEC,
                              &purge_error);
      if (purge_error != NULL)
        g_warning ("Cannot apply the retention period to the contact log: %s",
                   purge_error->message);
    }
  /* The contact log accepts only outcomes from the reference list (when there is one). */
  if (r->contacts != NULL)
    {
      g_autoptr(JsonArray) outcomes = vb_store_dup_list (r->store, "gespreksresultaten", NULL);
      g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;

      for (guint i = 0; outcomes != NULL && i < json_array_get_length (outcomes); i++)
        {
          JsonObject *obj = json_array_get_object_element (outcomes, i);
          const char *code = obj ? json_object_get_string_member_with_default (obj, "code", NULL)
                                 : NULL;

          if (code != NULL)
            g_strv_builder_add (codes, code);
        }
      strv = g_strv_builder_end (codes);
      if (strv[0] != NULL)
        vb_contact_store_set_outcomes (r->contacts, (const char *const *) strv);
    }
  if (r->searcher == NULL)
    {
      open_result_free (r);
      g_task_return_error (task, error);
      return;
    }
  r->n_items = vb_store_count_items (r->store, -1);
  g_task_return_pointer (task, r, open_result_free);
}

void
vb_context_open_async (VbContext           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  /* Load the lexicon here, on this thread, so the worker only reads it. */
  vb_lexicon_get_default ();
  g_task_set_source_tag (task, vb_context_open_async);
  {
    OpenData *d = g_new0 (OpenData, 1);

    d->content_db = g_strdup (self->content_db);
    d->contacts_db = g_strdup (self->contacts_db);
    d->retention_days = g_settings_get_uint (self->settings, "retention-days");
    g_task_set_task_data (task, d, open_data_free);
  }
  g_task_run_in_thread (task, open_thread);
}

/* ---- the sync ---- */

static void
set_has_token (VbContext *self,
               gboolean   has_token)
{
  if (self->has_token == has_token)
    return;
  self->has_token = has_token;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_TOKEN]);
}

/* The address as the sync and the token store key it: no spaces, no trailing slash; NULL
 * when no server is set. */
static char *
dup_server_url (VbContext *self)
{
  g_autofree char *url = g_strstrip (g_settings_get_string (self->settings, "server-url"));
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
  return len > 0 ? g_steal_pointer (&url) : NULL;
}

typedef struct
{
  VbContext *self;
  char      *url;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->self);
  g_free (lookup->url);
  g_free (lookup);
}

static void
on_token_looked_up (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Lookup *lookup = user_data;
  VbContext *self = lookup->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = vb_token_store_lookup_finish (VB_TOKEN_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->sync == NULL)
    {
      lookup_free (lookup);
      return;
    }
  g_clear_object (&self->token_cancellable);
  /* Without a token the server answers 401, which the window reports in words. */
  if (error != NULL)
    g_warning ("Cannot read the server token: %s", error->message);
  set_has_token (self, token != NULL);
  vb_sync_set_server_url (self->sync, lookup->url);
  vb_sync_set_token (self->sync, token);
  vb_sync_start (self->sync);
  lookup_free (lookup);
}

/* Follows the server-url setting: no server, no loop; a new server, its own token first. */
static void
apply_server (VbContext *self)
{
  g_autofree char *url = dup_server_url (self);
  Lookup *lookup;

  if (self->sync == NULL)
    return;
  g_cancellable_cancel (self->token_cancellable);
  g_clear_object (&self->token_cancellable);
  if (url == NULL)
    {
      vb_sync_stop (self->sync);
      vb_sync_set_token (self->sync, NULL);
      vb_sync_set_server_url (self->sync, NULL);
      set_has_token (self, FALSE);
      return;
    }
  /* Never send one server's token to another: stop until the new token is known. */
  vb_sync_stop (self->sync);
  self->token_cancellable = g_cancellable_new ();
  lookup = g_new0 (Lookup, 1);
  lookup->self = g_object_ref (self);
  lookup->url = g_steal_pointer (&url);
  vb_token_store_lookup_async (self->tokens, lookup->url, self->token_cancellable,
                               on_token_looked_up, lookup);
}

static void
on_server_url_changed (VbContext *self)
{
  g_autofree char *url = dup_server_url (self);

  if (self->sync != NULL && self->token_cancellable == NULL &&
      g_strcmp0 (url, vb_sync_get_server_url (self->sync)) == 0)
    return;
  apply_server (self);
}

static void
on_sync_interval_changed (VbContext *self)
{
  if (self->sync != NULL)
    vb_sync_set_sync_interval (self->sync, g_settings_get_uint (self->settings, "sync-interval"));
}

static void
count_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_task_return_int (task, vb_store_count_items (task_data, -1));
}

static void schedule_count (VbContext *self);

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VbContext *self = VB_CONTEXT (source);
  gssize n = g_task_propagate_int (G_TASK (result), NULL);

  self->counting = FALSE;
  if (n >= 0)
    self->n_items = n;
  g_signal_emit (self, signals[CONTENT_CHANGED], 0);
  if (self->count_again)
    {
      self->count_again = FALSE;
      schedule_count (self);
    }
}

static gboolean
on_count_timeout (gpointer user_data)
{
  VbContext *self = user_data;
  g_autoptr(GTask) task = g_task_new (self, NULL, on_counted, NULL);

  self->count_timeout = 0;
  self->counting = TRUE;
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, count_thread);
  return G_SOURCE_REMOVE;
}

/* A first sync applies many pages in a row: the windows refresh at most a few times a second. */
static void
schedule_count (VbContext *self)
{
  if (self->counting)
    {
      self->count_again = TRUE;
      return;
    }
  if (self->count_timeout == 0)
    self->count_timeout = g_timeout_add (150, on_count_timeout, self);
}

static void
on_sync_changed (VbSync    *sync,
                 guint      n_changes,
                 VbContext *self)
{
  schedule_count (self);
}

static void
setup_sync (VbContext *self)
{
  self->sync = vb_sync_new (self->store, self->contacts);
  vb_sync_set_sync_interval (self->sync, g_settings_get_uint (self->settings, "sync-interval"));
  g_signal_connect (self->sync, "changed", G_CALLBACK (on_sync_changed), self);
  g_signal_connect_swapped (self->settings, "changed::server-url",
                            G_CALLBACK (on_server_url_changed), self);
  g_signal_connect_swapped (self->settings, "changed::sync-interval",
                            G_CALLBACK (on_sync_interval_changed), self);
  apply_server (self);
}

gboolean
vb_context_open_finish (VbContext     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  OpenResult *r;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  r = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (r == NULL)
    {
      g_free (self->error);
      self->error = g_strdup (local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  self->store = g_steal_pointer (&r->store);
  self->searcher = g_steal_pointer (&r->searcher);
  self->contacts = g_steal_pointer (&r->contacts);
  self->n_items = r->n_items;
  open_result_free (r);
  setup_sync (self);
  self->ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
  return TRUE;
}

gboolean
vb_context_is_ready (VbContext *self)
{
  return self->ready;
}

/* Why opening failed, in words, or NULL. */
const char *
vb_context_get_error (VbContext *self)
{
  return self->error;
}

VbStore *
vb_context_get_store (VbContext *self)
{
  return self->store;
}

VbSearcher *
vb_context_get_searcher (VbContext *self)
{
  return self->searcher;
}

VbContactStore *
vb_context_get_contacts (VbContext *self)
{
  return self->contacts;
}

GSettings *
vb_context_get_settings (VbContext *self)
{
  return self->settings;
}

gint64
vb_context_get_n_items (VbContext *self)
{
  return self->n_items;
}

VbSync *
vb_context_get_sync (VbContext *self)
{
  return self->sync;
}

VbTokenStore *
vb_context_get_token_store (VbContext *self)
{
  return self->tokens;
}

gboolean
vb_context_get_has_token (VbContext *self)
{
  return self->has_token;
}

/* app.sync-now (Ctrl+R). */
void
vb_context_sync_now (VbContext *self)
{
  g_return_if_fail (VB_IS_CONTEXT (self));

  /* While the token of a new address is looked up, the loop starts by itself. */
  if (self->sync == NULL || self->token_cancellable != NULL)
    return;
  vb_sync_now (self->sync);
}

typedef struct
{
  char *url;
  char *token;
} TokenJob;

static void
token_job_free (TokenJob *job)
{
  g_free (job->url);
  g_free (job->token);
  g_free (job);
}

static void
on_token_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbContext *self = g_task_get_source_object (task);
  TokenJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok = job->token != NULL
                  ? vb_token_store_store_finish (VB_TOKEN_STORE (source), result, &error)
                  : vb_token_store_clear_finish (VB_TOKEN_STORE (source), result, &error);

  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  set_has_token (self, job->token != NULL);
  /* Only when the address is still the one the token was saved for. */
  if (self->sync != NULL && g_strcmp0 (vb_sync_get_server_url (self->sync), job->url) == 0)
    {
      vb_sync_set_token (self->sync, job->token);
      /* The same token again after a refusal: try it once more. */
      if (job->token != NULL && vb_sync_get_state (self->sync) == VB_SYNC_STATE_ERROR)
        vb_sync_now (self->sync);
    }
  g_task_return_boolean (task, TRUE);
}

/* Saves (@token) or removes (NULL) the token of the configured server. */
static void
write_token (VbContext           *self,
             const char          *token,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  TokenJob *job = g_new0 (TokenJob, 1);

  g_task_set_source_tag (task, source_tag);
  job->url = dup_server_url (self);
  job->token = token != NULL ? g_strstrip (g_strdup (token)) : NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) token_job_free);
  if (token == NULL && job->url == NULL)
    {
      set_has_token (self, FALSE);
      g_task_return_boolean (task, TRUE);
    }
  else if (job->url == NULL || (job->token != NULL && *job->token == '\0'))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "No server address or no token");
  else if (job->token != NULL)
    vb_token_store_store_async (self->tokens, job->url, job->token, cancellable,
                                on_token_written, g_steal_pointer (&task));
  else
    vb_token_store_clear_async (self->tokens, job->url, cancellable, on_token_written,
                                g_steal_pointer (&task));
}

/* Saves @token for the configured server (keyring, or the private file) and gives it to the
 * sync, which starts again (also after the server refused the old one). */
void
vb_context_store_token_async (VbContext           *self,
                              const char          *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (VB_IS_CONTEXT (self));
  g_return_if_fail (token != NULL);

  write_token (self, token, cancellable, callback, user_data, vb_context_store_token_async);
}

gboolean
vb_context_store_token_finish (VbContext     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vb_context_clear_token_async (VbContext           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (VB_IS_CONTEXT (self));

  write_token (self, NULL, cancellable, callback, user_data, vb_context_clear_token_async);
}

gboolean
vb_context_clear_token_finish (VbContext     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
