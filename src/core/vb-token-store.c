/* vb-token-store.c: the server token, in the Secret Service or a private file
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "vb-token-store.h"

struct _VbTokenStore
{
  GObject  parent_instance;

  gint     secure;        /* atomic: FALSE once the file is used */
  gboolean file_only;     /* VRAAGBAAK_TOKEN_BACKEND=file */
};

G_DEFINE_FINAL_TYPE (VbTokenStore, vb_token_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (vb-token-store-error-quark, vb_token_store_error)

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "nl.vraagbaak.Vraagbaak.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static void
vb_token_store_class_init (VbTokenStoreClass *klass)
{
}

static void
vb_token_store_init (VbTokenStore *self)
{
  self->file_only = g_strcmp0 (g_getenv ("VRAAGBAAK_TOKEN_BACKEND"), "file") == 0;
  self->secure = !self->file_only;
}

VbTokenStore *
vb_token_store_new (void)
{
  return g_object_new (VB_TYPE_TOKEN_STORE, NULL);
}

gboolean
vb_token_store_is_secure (VbTokenStore *self)
{
  g_return_val_if_fail (VB_IS_TOKEN_STORE (self), FALSE);
  return g_atomic_int_get (&self->secure);
}

/* ---- the file: one line per server, "URL<TAB>TOKEN" ---- */

/* $XDG_CONFIG_HOME read now, not GLib's value cached at the first call. */
static char *
token_file_path (void)
{
  const char *config = g_getenv ("XDG_CONFIG_HOME");

  if (config == NULL || !g_path_is_absolute (config))
    config = g_get_user_config_dir ();
  return g_build_filename (config, "vraagbaak", "token", NULL);
}

static gboolean
read_token_file (GHashTable  *tokens,
                 GError     **error)
{
  g_autofree char *path = token_file_path ();
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return TRUE;
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, VB_TOKEN_STORE_ERROR, VB_TOKEN_STORE_ERROR_INSECURE,
                   "The token file %s is readable by other users; it is not used", path);
      return FALSE;
    }
  if (!g_file_get_contents (path, &data, NULL, error))
    return FALSE;
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');

      if (tab == NULL)
        continue;
      *tab = '\0';
      g_hash_table_replace (tokens, g_strdup (lines[i]), g_strdup (tab + 1));
    }
  return TRUE;
}

static gboolean
write_token_file (GHashTable  *tokens,
                  GError     **error)
{
  g_autofree char *path = token_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GString) data = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;
  GStatBuf st;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VB_TOKEN_STORE_ERROR, VB_TOKEN_STORE_ERROR_FAILED,
                   "Cannot create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  g_hash_table_iter_init (&iter, tokens);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_string_append_printf (data, "%s\t%s\n", (char *) key, (char *) value);
  if (!g_file_set_contents_full (path, data->str, data->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;
  /* The umask or an odd file system could have widened it. */
  if (g_stat (path, &st) != 0 || (st.st_mode & 077) != 0)
    {
      g_unlink (path);
      g_set_error (error, VB_TOKEN_STORE_ERROR, VB_TOKEN_STORE_ERROR_INSECURE,
                   "Cannot make the token file %s private to this user", path);
      return FALSE;
    }
  return TRUE;
}

static GHashTable *
new_token_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* ---- the operations, each in a worker thread ---- */

typedef enum { OP_LOOKUP, OP_STORE, OP_CLEAR } Op;

typedef struct
{
  Op    op;
  char *server;
  char *token;
} Job;

static void
job_free (Job *job)
{
  g_free (job->server);
  if (job->token != NULL)
    memset (job->token, 0, strlen (job->token));
  g_free (job->token);
  g_free (job);
}

/* Tries the Secret Service; FALSE when it is not there (no session bus, no keyring). */
static gboolean
secret_service (Job       *job,
                char     **token,
                GError   **error)
{
  g_autoptr(GError) local = NULL;
  char *label;

  switch (job->op)
    {
    case OP_LOOKUP:
      *token = secret_password_lookup_sync (token_schema (), NULL, &local, "server", job->server,
                                            NULL);
      break;
    case OP_STORE:
      label = g_strdup_printf ("Vraagbaak token for %s", job->server);
      secret_password_store_sync (token_schema (), SECRET_COLLECTION_DEFAULT, label, job->token,
                                  NULL, &local, "server", job->server, NULL);
      g_free (label);
      break;
    case OP_CLEAR:
      secret_password_clear_sync (token_schema (), NULL, &local, "server", job->server, NULL);
      break;
    default:
      g_assert_not_reached ();
    }
  if (local == NULL)
    return TRUE;
  g_debug ("Secret Service unavailable, using the token file: %s", local->message);
  return FALSE;
}

static void
token_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  VbTokenStore *self = source;
  Job *job = data;
  g_autoptr(GHashTable) tokens = new_token_table ();
  g_autoptr(GError) error = NULL;
  char *token = NULL;

  if (!self->file_only && secret_service (job, &token, NULL))
    {
      if (job->op != OP_LOOKUP || token != NULL)
        {
          g_task_return_pointer (task, token, g_free);
          return;
        }
    }
  else
    g_atomic_int_set (&self->secure, FALSE);

  /* The file: also read when the keyring has no token, for a token stored while it was
   * unavailable. */
  if (!read_token_file (tokens, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  switch (job->op)
    {
    case OP_LOOKUP:
      g_task_return_pointer (task, g_strdup (g_hash_table_lookup (tokens, job->server)), g_free);
      return;
    case OP_STORE:
      g_hash_table_replace (tokens, g_strdup (job->server), g_strdup (job->token));
      break;
    case OP_CLEAR:
      if (!g_hash_table_remove (tokens, job->server))
        {
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  if (!write_token_file (tokens, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
run_job (VbTokenStore       *self,
         Op                  op,
         const char         *server,
         const char         *token,
         GCancellable       *cancellable,
         GAsyncReadyCallback callback,
         gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->op = op;
  job->server = g_strdup (server);
  job->token = g_strdup (token);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, token_thread);
}

void
vb_token_store_lookup_async (VbTokenStore       *self,
                             const char         *server,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_return_if_fail (VB_IS_TOKEN_STORE (self));
  g_return_if_fail (server != NULL);

  run_job (self, OP_LOOKUP, server, NULL, cancellable, callback, user_data);
}

char *
vb_token_store_lookup_finish (VbTokenStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vb_token_store_store_async (VbTokenStore       *self,
                            const char         *server,
                            const char         *token,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (VB_IS_TOKEN_STORE (self));
  g_return_if_fail (server != NULL && token != NULL);

  run_job (self, OP_STORE, server, token, cancellable, callback, user_data);
}

gboolean
vb_token_store_store_finish (VbTokenStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_free (g_task_propagate_pointer (G_TASK (result), &local));
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

void
vb_token_store_clear_async (VbTokenStore       *self,
                            const char         *server,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (VB_IS_TOKEN_STORE (self));
  g_return_if_fail (server != NULL);

  run_job (self, OP_CLEAR, server, NULL, cancellable, callback, user_data);
}

gboolean
vb_token_store_clear_finish (VbTokenStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return vb_token_store_store_finish (self, result, error);
}
