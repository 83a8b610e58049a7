/* vb-context.c: what the windows share (store, searcher, settings)
 *
 * Made instantly, opened on a worker thread: the window paints before the databases are open
 * (the content database and, beside it, the contact log).
 * Opening migrates the database when needed and imports the bundled demo content into an
 * empty one, so a first start shows something to search. Then "ready" is notified.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
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
};

enum {
  PROP_0,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VbContext, vb_context, G_TYPE_OBJECT)

static void
vb_context_finalize (GObject *object)
{
  VbContext *self = VB_CONTEXT (object);

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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_context_class_init (VbContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vb_context_finalize;
  object_class->get_property = vb_context_get_property;

  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vb_context_init (VbContext *self)
{
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
