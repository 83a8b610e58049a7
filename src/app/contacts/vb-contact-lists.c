/* vb-contact-lists.c: the reference lists a contact is logged with
 *
 * Channels, outcomes and departments come from the content database (its “algemeen” bundle)
 * and are read on a worker thread. Until they arrive, the channels have a built-in fallback
 * so a contact can be opened at once (an incoming call does not wait for the database).
 * Loading replaces the models in one go and emits “changed”; the forms then rebind.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>

#include "vb-contact-lists.h"

struct _VbContactLists
{
  GObject        parent_instance;

  GtkStringList *channel_names;
  GPtrArray     *channel_codes;
  GPtrArray     *outcome_codes;
  GPtrArray     *outcome_names;
  GStrv          kcc_outcomes;     /* codes flagged afgehandeldDoorKcc */
  GtkStringList *afdeling_names;
  GPtrArray     *afdeling_codes;   /* [0] is NULL */
  gboolean       loaded;
  gboolean       loading;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbContactLists, vb_contact_lists, G_TYPE_OBJECT)

static const struct {
  const char *code;
  const char *name;
} fallback_channels[] = {
  { "telefoon", N_("Telephone") },
  { "balie", N_("Front desk") },
  { "e-mail", N_("E-mail") },
  { "chat", N_("Chat") },
  { "post", N_("Post") },
  { "website", N_("Website") },
};

typedef struct
{
  JsonArray *kanalen;
  JsonArray *resultaten;
  JsonArray *afdelingen;
} Lists;

static void
lists_free (gpointer data)
{
  Lists *lists = data;

  g_clear_pointer (&lists->kanalen, json_array_unref);
  g_clear_pointer (&lists->resultaten, json_array_unref);
  g_clear_pointer (&lists->afdelingen, json_array_unref);
  g_free (lists);
}

static void
vb_contact_lists_finalize (GObject *object)
{
  VbContactLists *self = VB_CONTACT_LISTS (object);

  g_clear_object (&self->channel_names);
  g_clear_pointer (&self->channel_codes, g_ptr_array_unref);
  g_clear_pointer (&self->outcome_codes, g_ptr_array_unref);
  g_clear_pointer (&self->outcome_names, g_ptr_array_unref);
  g_clear_pointer (&self->kcc_outcomes, g_strfreev);
  g_clear_object (&self->afdeling_names);
  g_clear_pointer (&self->afdeling_codes, g_ptr_array_unref);

  G_OBJECT_CLASS (vb_contact_lists_parent_class)->finalize (object);
}

static void
vb_contact_lists_class_init (VbContactListsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vb_contact_lists_finalize;

  /* The lists were (re)loaded: models returned before are no longer current. */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
set_afdelingen_empty (VbContactLists *self)
{
  g_clear_object (&self->afdeling_names);
  g_clear_pointer (&self->afdeling_codes, g_ptr_array_unref);
  self->afdeling_names = gtk_string_list_new (NULL);
  self->afdeling_codes = g_ptr_array_new_with_free_func (g_free);
  gtk_string_list_append (self->afdeling_names, _("No department"));
  g_ptr_array_add (self->afdeling_codes, NULL);
}

static void
vb_contact_lists_init (VbContactLists *self)
{
  self->channel_names = gtk_string_list_new (NULL);
  self->channel_codes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (fallback_channels); i++)
    {
      gtk_string_list_append (self->channel_names, _(fallback_channels[i].name));
      g_ptr_array_add (self->channel_codes, g_strdup (fallback_channels[i].code));
    }
  self->outcome_codes = g_ptr_array_new_with_free_func (g_free);
  self->outcome_names = g_ptr_array_new_with_free_func (g_free);
  self->kcc_outcomes = g_new0 (char *, 1);
  set_afdelingen_empty (self);
}

VbContactLists *
vb_contact_lists_new (void)
{
  return g_object_new (VB_TYPE_CONTACT_LISTS, NULL);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VbStore *store = task_data;
  Lists *lists = g_new0 (Lists, 1);

  /* A missing list is not fatal: the others still work. */
  lists->kanalen = vb_store_dup_list (store, "kanalen", NULL);
  lists->resultaten = vb_store_dup_list (store, "gespreksresultaten", NULL);
  lists->afdelingen = vb_store_dup_list (store, "afdelingen", NULL);
  g_task_return_pointer (task, lists, lists_free);
}

static const char *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  VbContactLists *self = VB_CONTACT_LISTS (source);
  Lists *lists = g_task_propagate_pointer (G_TASK (result), NULL);

  self->loading = FALSE;
  if (lists == NULL)
    return;

  if (lists->kanalen != NULL && json_array_get_length (lists->kanalen) > 0)
    {
      g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
      g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < json_array_get_length (lists->kanalen); i++)
        {
          JsonObject *obj = json_array_get_object_element (lists->kanalen, i);
          const char *code = member (obj, "code");
          const char *naam = member (obj, "naam");

          if (code == NULL)
            continue;
          gtk_string_list_append (names, naam != NULL ? naam : code);
          g_ptr_array_add (codes, g_strdup (code));
        }
      if (codes->len > 0)
        {
          g_set_object (&self->channel_names, names);
          g_ptr_array_unref (self->channel_codes);
          self->channel_codes = g_steal_pointer (&codes);
        }
    }

  if (lists->resultaten != NULL)
    {
      g_autoptr(GStrvBuilder) kcc = g_strv_builder_new ();

      g_ptr_array_set_size (self->outcome_codes, 0);
      g_ptr_array_set_size (self->outcome_names, 0);
      for (guint i = 0; i < json_array_get_length (lists->resultaten); i++)
        {
          JsonObject *obj = json_array_get_object_element (lists->resultaten, i);
          const char *code = member (obj, "code");
          const char *naam = member (obj, "naam");

          if (code == NULL)
            continue;
          g_ptr_array_add (self->outcome_codes, g_strdup (code));
          g_ptr_array_add (self->outcome_names, g_strdup (naam != NULL ? naam : code));
          if (json_object_get_boolean_member_with_default (obj, "afgehandeldDoorKcc", FALSE))
            g_strv_builder_add (kcc, code);
        }
      g_strfreev (self->kcc_outcomes);
      self->kcc_outcomes = g_strv_builder_end (kcc);
    }

  if (lists->afdelingen != NULL)
    {
      set_afdelingen_empty (self);
      for (guint i = 0; i < json_array_get_length (lists->afdelingen); i++)
        {
          JsonObject *obj = json_array_get_object_element (lists->afdelingen, i);
          const char *id = member (obj, "id");
          const char *naam = member (obj, "naam");

          if (id == NULL)
            id = member (obj, "code");
          if (id == NULL)
            continue;
          gtk_string_list_append (self->afdeling_names, naam != NULL ? naam : id);
          g_ptr_array_add (self->afdeling_codes, g_strdup (id));
        }
    }

  lists_free (lists);
  self->loaded = TRUE;
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Reads the lists from @store on a worker thread; “changed” follows. */
void
vb_contact_lists_load (VbContactLists *self,
                       VbStore        *store)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VB_IS_CONTACT_LISTS (self));

  if (store == NULL || self->loading)
    return;
  self->loading = TRUE;
  task = g_task_new (self, NULL, on_loaded, NULL);
  g_task_set_source_tag (task, vb_contact_lists_load);
  g_task_set_task_data (task, g_object_ref (store), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

gboolean
vb_contact_lists_is_loaded (VbContactLists *self)
{
  return self->loaded;
}

GListModel *
vb_contact_lists_get_channels (VbContactLists *self)
{
  return G_LIST_MODEL (self->channel_names);
}

const char *
vb_contact_lists_get_channel_code (VbContactLists *self,
                                   guint           position)
{
  return position < self->channel_codes->len ? g_ptr_array_index (self->channel_codes, position)
                                             : NULL;
}

static guint
find_code (GPtrArray  *codes,
           const char *code)
{
  if (code == NULL)
    return GTK_INVALID_LIST_POSITION;
  for (guint i = 0; i < codes->len; i++)
    if (g_strcmp0 (g_ptr_array_index (codes, i), code) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

guint
vb_contact_lists_find_channel (VbContactLists *self,
                               const char     *code)
{
  return find_code (self->channel_codes, code);
}

/* The channel's name, or its code when the list does not know it. */
const char *
vb_contact_lists_get_channel_name (VbContactLists *self,
                                   const char     *code)
{
  guint position = find_code (self->channel_codes, code);

  if (position == GTK_INVALID_LIST_POSITION)
    return code;
  return gtk_string_list_get_string (self->channel_names, position);
}

guint
vb_contact_lists_get_n_outcomes (VbContactLists *self)
{
  return self->outcome_codes->len;
}

const char *
vb_contact_lists_get_outcome_code (VbContactLists *self,
                                   guint           position)
{
  return position < self->outcome_codes->len ? g_ptr_array_index (self->outcome_codes, position)
                                             : NULL;
}

/* The outcome's name as listed, without its number. */
const char *
vb_contact_lists_get_outcome_label (VbContactLists *self,
                                    guint           position)
{
  return position < self->outcome_names->len ? g_ptr_array_index (self->outcome_names, position)
                                             : NULL;
}

guint
vb_contact_lists_find_outcome (VbContactLists *self,
                               const char     *code)
{
  return find_code (self->outcome_codes, code);
}

const char *
vb_contact_lists_get_outcome_name (VbContactLists *self,
                                   const char     *code)
{
  guint position = find_code (self->outcome_codes, code);

  return position == GTK_INVALID_LIST_POSITION ? code : g_ptr_array_index (self->outcome_names, position);
}

/* The codes of the outcomes the list flags afgehandeldDoorKcc (handled by the contact centre
 * itself), for the statistics; empty until loaded. */
const char *const *
vb_contact_lists_get_kcc_outcomes (VbContactLists *self)
{
  return (const char *const *) self->kcc_outcomes;
}

GListModel *
vb_contact_lists_get_afdelingen (VbContactLists *self)
{
  return G_LIST_MODEL (self->afdeling_names);
}

const char *
vb_contact_lists_get_afdeling_code (VbContactLists *self,
                                    guint           position)
{
  return position < self->afdeling_codes->len ? g_ptr_array_index (self->afdeling_codes, position)
                                              : NULL;
}

/* The position of @code, 0 (“No department”) for NULL or an unknown code. */
guint
vb_contact_lists_find_afdeling (VbContactLists *self,
                                const char     *code)
{
  guint position;

  if (code == NULL)
    return 0;
  position = find_code (self->afdeling_codes, code);
  return position == GTK_INVALID_LIST_POSITION ? 0 : position;
}

const char *
vb_contact_lists_get_afdeling_name (VbContactLists *self,
                                    const char     *code)
{
  guint position;

  if (code == NULL)
    return NULL;
  position = find_code (self->afdeling_codes, code);
  if (position == GTK_INVALID_LIST_POSITION)
    return code;
  return gtk_string_list_get_string (self->afdeling_names, position);
}
