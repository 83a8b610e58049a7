/* vb-contacts-today.c: today's logged contacts and the open callbacks
 *
 * Lists the contacts finished today (local time), newest first: time, channel, subject and
 * outcome. Activating one reopens it in the contact panel for correction; the bin button
 * deletes it after a confirmation (the store records the deletion). Below, the open callback
 * requests, each with a “Done” button. All store work runs on worker threads.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-contact-lists.h"
#include "vb-contacts-today.h"

struct _VbContactsToday
{
  GtkWidget       parent_instance;

  VbContext      *context;
  VbContactStore *contacts;
  VbContactPanel *panel;        /* weak */
  VbContactLists *lists;
  guint           generation;
  guint           pending;
  guint           n_contacts;
  guint           n_callbacks;

  GtkWidget      *scroller;
  GtkLabel       *count_label;
  GtkListBox     *contacts_list;
  GtkListBox     *callbacks_list;
};

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_CONTACTS,
  N_PROPS
};

enum {
  MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbContactsToday, vb_contacts_today, GTK_TYPE_WIDGET)

typedef enum
{
  JOB_LOAD,
  JOB_DELETE,
  JOB_CLOSE_CALLBACK,
} JobKind;

typedef struct
{
  JobKind         kind;
  VbContactStore *store;
  guint           generation;
  gint64          from;
  gint64          to;
  char           *uuid;
  char           *agent;

  GPtrArray      *finished;
  GPtrArray      *callbacks;
  gboolean        ok;
  GError         *error;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->store);
  g_free (job->uuid);
  g_free (job->agent);
  g_clear_pointer (&job->finished, g_ptr_array_unref);
  g_clear_pointer (&job->callbacks, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;

  switch (job->kind)
    {
    case JOB_LOAD:
      job->finished = vb_contact_store_list_finished (job->store, job->from, job->to, &job->error);
      if (job->finished != NULL)
        job->callbacks = vb_contact_store_list_callbacks (job->store, TRUE, &job->error);
      job->ok = job->finished != NULL && job->callbacks != NULL;
      break;
    case JOB_DELETE:
      job->ok = vb_contact_store_delete (job->store, job->uuid, job->agent, &job->error);
      break;
    case JOB_CLOSE_CALLBACK:
      job->ok = vb_contact_store_close_callback (job->store, job->uuid, job->agent, &job->error);
      break;
    default:
      g_assert_not_reached ();
    }
  g_task_return_boolean (task, TRUE);
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  return time != NULL ? g_date_time_format (time, "%H:%M") : g_strdup ("");
}

static char *
dup_subject (VbContact *contact)
{
  guint n = vb_contact_get_n_questions (contact);
  VbContactQuestion *q = n > 0 ? vb_contact_get_question (contact, 0) : NULL;
  const char *subject = q != NULL ? (q->subject_text != NULL ? q->subject_text : q->item_id) : NULL;

  if (subject == NULL)
    subject = _("No subject");
  if (n > 1)
    /* Translators: a contact's first subject and how many more questions it had */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (+%u question)", "%s (+%u questions)",
                                         n - 1),
                            subject, n - 1);
  return g_strdup (subject);
}

static void run_job (VbContactsToday *self,
                     Job             *job);

static char *
dup_agent (VbContactsToday *self)
{
  g_autofree char *agent = g_settings_get_string (vb_context_get_settings (self->context), "agent-name");

  return *agent ? g_steal_pointer (&agent) : NULL;
}

static Job *
job_new (VbContactsToday *self,
         JobKind          kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->store = g_object_ref (self->contacts);
  job->agent = dup_agent (self);
  return job;
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    VbContactsToday  *self)
{
  Job *job;

  if (g_strcmp0 (response, "delete") != 0)
    return;
  job = job_new (self, JOB_DELETE);
  job->uuid = g_strdup (g_object_get_data (G_OBJECT (dialog), "uuid"));
  run_job (self, job);
}

static void
on_delete_clicked (GtkButton       *button,
                   VbContactsToday *self)
{
  VbContact *contact = g_object_get_data (G_OBJECT (button), "contact");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *time = format_time (vb_contact_get_started (contact));
  g_autofree char *body =
    g_strdup_printf (_("The contact of %s is removed from the log. The deletion is recorded."), time);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Delete This Contact?"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "uuid", g_strdup (vb_contact_get_uuid (contact)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
contact_row_new (VbContactsToday *self,
                 VbContact       *contact)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *subject = dup_subject (contact);
  g_autofree char *time = format_time (vb_contact_get_started (contact));
  const char *channel = vb_contact_lists_get_channel_name (self->lists, vb_contact_get_channel (contact));
  guint n = vb_contact_get_n_questions (contact);
  const char *outcome = n > 0 ? vb_contact_get_question (contact, 0)->outcome : NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *delete_label = NULL;

  outcome = outcome != NULL ? vb_contact_lists_get_outcome_name (self->lists, outcome) : _("No outcome");
  subtitle = g_strdup_printf ("%s · %s · %s", time, channel != NULL ? channel : "", outcome);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), subject);
  adw_action_row_set_subtitle (row, subtitle);
  adw_action_row_set_title_lines (row, 2);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), _("Correct this contact"));
  g_object_set_data_full (G_OBJECT (row), "contact", g_object_ref (contact), g_object_unref);
  /* The row is named by its title; time, channel and outcome are its description. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);

  /* Translators: the delete button of a contact in today's list, with its time */
  delete_label = g_strdup_printf (_("Delete the contact of %s"), time);
  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete, "flat");
  gtk_widget_set_tooltip_text (delete, _("Delete"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete), GTK_ACCESSIBLE_PROPERTY_LABEL, delete_label, -1);
  g_object_set_data_full (G_OBJECT (delete), "contact", g_object_ref (contact), g_object_unref);
  g_signal_connect_object (delete, "clicked", G_CALLBACK (on_delete_clicked), self, 0);
  adw_action_row_add_suffix (row, delete);
  return GTK_WIDGET (row);
}

static void
on_done_clicked (GtkButton       *button,
                 VbContactsToday *self)
{
  Job *job = job_new (self, JOB_CLOSE_CALLBACK);

  job->uuid = g_strdup (g_object_get_data (G_OBJECT (button), "uuid"));
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  run_job (self, job);
}

static GtkWidget *
callback_row_new (VbContactsToday *self,
                  VbCallback      *callback)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *done = gtk_button_new_with_mnemonic (_("_Done"));
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *title = NULL;
  g_autofree char *done_label = NULL;
  const char *afdeling = vb_contact_lists_get_afdeling_name (self->lists, callback->afdeling);
  const char *parts[] = { callback->preferred_time, afdeling, callback->note };

  if (callback->name != NULL && *callback->name)
    title = g_strdup_printf ("%s – %s", callback->name, callback->phone != NULL ? callback->phone : "");
  else
    title = g_strdup (callback->phone != NULL ? callback->phone : _("No phone number"));
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL && *parts[i])
      g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", parts[i]);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle->str);
  adw_action_row_set_subtitle_lines (row, 3);

  /* Translators: the button that closes a callback request, with who is to be called */
  done_label = g_strdup_printf (_("Mark the callback to %s as done"), title);
  gtk_widget_set_valign (done, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (done, _("The caller was called back"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (done), GTK_ACCESSIBLE_PROPERTY_LABEL, done_label, -1);
  g_object_set_data_full (G_OBJECT (done), "uuid", g_strdup (callback->uuid), g_free);
  g_signal_connect_object (done, "clicked", G_CALLBACK (on_done_clicked), self, 0);
  adw_action_row_add_suffix (row, done);
  return GTK_WIDGET (row);
}

static GtkWidget *
placeholder_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  return label;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static int
compare_started_desc (gconstpointer a,
                      gconstpointer b)
{
  gint64 x = vb_contact_get_started (*(VbContact **) a);
  gint64 y = vb_contact_get_started (*(VbContact **) b);

  return x < y ? 1 : x > y ? -1 : 0;
}

static void
show_loaded (VbContactsToday *self,
             Job             *job)
{
  g_autofree char *count = NULL;

  clear_list (self->contacts_list);
  clear_list (self->callbacks_list);
  g_ptr_array_sort (job->finished, compare_started_desc);
  for (guint i = 0; i < job->finished->len; i++)
    {
      VbContact *contact = g_ptr_array_index (job->finished, i);

      if (vb_contact_get_status (contact) == VB_CONTACT_FINISHED)
        gtk_list_box_append (self->contacts_list, contact_row_new (self, contact));
    }
  for (guint i = 0; i < job->callbacks->len; i++)
    {
      VbCallback *callback = g_ptr_array_index (job->callbacks, i);

      if (g_strcmp0 (callback->status, "done") != 0)
        gtk_list_box_append (self->callbacks_list, callback_row_new (self, callback));
    }
  self->n_contacts = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->contacts_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    self->n_contacts += GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_visible (child);
  self->n_callbacks = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->callbacks_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    self->n_callbacks += GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_visible (child);

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u contact", "%u contacts", self->n_contacts),
                           self->n_contacts);
  gtk_label_set_label (self->count_label, count);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VbContactsToday) self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));

  self->pending--;
  if (self->contacts_list == NULL)
    return;  /* disposed meanwhile */

  if (!job->ok)
    {
      const char *format = job->kind == JOB_LOAD ? _("Today’s contacts cannot be read. %s")
                         : job->kind == JOB_DELETE ? _("The contact was not deleted. %s")
                         : _("The callback was not closed. %s");
      g_autofree char *reason = vb_contact_error_sentence (job->error);
      g_autofree char *text = g_strdup_printf (format, reason);

      g_signal_emit (self, signals[MESSAGE], 0, text);
      if (job->kind == JOB_CLOSE_CALLBACK)
        vb_contacts_today_reload (self);
      return;
    }
  if (job->kind == JOB_LOAD)
    {
      if (job->generation == self->generation)
        show_loaded (self, job);
    }
  else
    vb_contacts_today_reload (self);
}

static void
run_job (VbContactsToday *self,
         Job             *job)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_job_done, g_object_ref (self));

  self->pending++;
  g_task_set_source_tag (task, run_job);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, job_thread);
}

/* Reads today's contacts and the open callbacks again. */
void
vb_contacts_today_reload (VbContactsToday *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) tomorrow = NULL;
  Job *job;

  g_return_if_fail (VB_IS_CONTACTS_TODAY (self));

  midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                    g_date_time_get_day_of_month (now), 0, 0, 0);
  tomorrow = g_date_time_add_days (midnight, 1);
  job = job_new (self, JOB_LOAD);
  job->generation = ++self->generation;
  job->from = g_date_time_to_unix (midnight);
  job->to = g_date_time_to_unix (tomorrow);
  run_job (self, job);
}

static void
on_contact_activated (GtkListBox      *list,
                      GtkListBoxRow   *row,
                      VbContactsToday *self)
{
  VbContact *contact = g_object_get_data (G_OBJECT (row), "contact");

  if (contact == NULL)
    return;
  if (self->panel == NULL)
    {
      g_signal_emit (self, signals[MESSAGE], 0, _("The contact panel is not available"));
      return;
    }
  vb_contact_panel_edit (self->panel, contact);
}

static void
on_context_ready (VbContactsToday *self)
{
  if (vb_context_is_ready (self->context))
    vb_contact_lists_load (self->lists, vb_context_get_store (self->context));
}

static void
on_lists_changed (VbContactsToday *self)
{
  vb_contacts_today_reload (self);
}

/* Shown again (another day, perhaps): read afresh. */
static void
vb_contacts_today_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (vb_contacts_today_parent_class)->map (widget);

  vb_contacts_today_reload (VB_CONTACTS_TODAY (widget));
}

static void
vb_contacts_today_constructed (GObject *object)
{
  VbContactsToday *self = VB_CONTACTS_TODAY (object);

  G_OBJECT_CLASS (vb_contacts_today_parent_class)->constructed (object);

  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (on_context_ready), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->lists, "changed", G_CALLBACK (on_lists_changed), self,
                           G_CONNECT_SWAPPED);
  on_context_ready (self);
  vb_contacts_today_reload (self);
}

static void
vb_contacts_today_dispose (GObject *object)
{
  VbContactsToday *self = VB_CONTACTS_TODAY (object);

  if (self->panel != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->panel, self);
      g_object_remove_weak_pointer (G_OBJECT (self->panel), (gpointer *) &self->panel);
      self->panel = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_CONTACTS_TODAY);
  self->contacts_list = NULL;
  self->callbacks_list = NULL;

  G_OBJECT_CLASS (vb_contacts_today_parent_class)->dispose (object);
}

static void
vb_contacts_today_finalize (GObject *object)
{
  VbContactsToday *self = VB_CONTACTS_TODAY (object);

  g_clear_object (&self->context);
  g_clear_object (&self->contacts);
  g_clear_object (&self->lists);

  G_OBJECT_CLASS (vb_contacts_today_parent_class)->finalize (object);
}

static void
vb_contacts_today_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VbContactsToday *self = VB_CONTACTS_TODAY (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_CONTACTS:
      self->contacts = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_contacts_today_class_init (VbContactsTodayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vb_contacts_today_constructed;
  object_class->dispose = vb_contacts_today_dispose;
  object_class->finalize = vb_contacts_today_finalize;
  object_class->set_property = vb_contacts_today_set_property;
  widget_class->map = vb_contacts_today_map;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VB_TYPE_CONTEXT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTACTS] =
    g_param_spec_object ("contacts", NULL, NULL, VB_TYPE_CONTACT_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Something went wrong that the agent must know; the window shows it as a toast. */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/contacts/vb-contacts-today.ui");
  gtk_widget_class_bind_template_child (widget_class, VbContactsToday, scroller);
  gtk_widget_class_bind_template_child (widget_class, VbContactsToday, count_label);
  gtk_widget_class_bind_template_child (widget_class, VbContactsToday, contacts_list);
  gtk_widget_class_bind_template_child (widget_class, VbContactsToday, callbacks_list);
  gtk_widget_class_bind_template_callback (widget_class, on_contact_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vbcontactstoday");
}

static void
vb_contacts_today_init (VbContactsToday *self)
{
  self->lists = vb_contact_lists_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_placeholder (self->contacts_list, placeholder_new (_("No contacts logged today")));
  gtk_list_box_set_placeholder (self->callbacks_list, placeholder_new (_("No open callbacks")));
}

GtkWidget *
vb_contacts_today_new (VbContext      *context,
                       VbContactStore *contacts)
{
  g_return_val_if_fail (VB_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (VB_IS_CONTACT_STORE (contacts), NULL);

  return g_object_new (VB_TYPE_CONTACTS_TODAY, "context", context, "contacts", contacts, NULL);
}

static void
on_panel_saved (VbContactsToday *self)
{
  vb_contacts_today_reload (self);
}

/* Activating a contact reopens it in @panel; a contact saved there reloads the list. */
void
vb_contacts_today_set_panel (VbContactsToday *self,
                             VbContactPanel  *panel)
{
  g_return_if_fail (VB_IS_CONTACTS_TODAY (self));
  g_return_if_fail (panel == NULL || VB_IS_CONTACT_PANEL (panel));

  if (self->panel == panel)
    return;
  if (self->panel != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->panel, self);
      g_object_remove_weak_pointer (G_OBJECT (self->panel), (gpointer *) &self->panel);
    }
  self->panel = panel;
  if (panel != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (panel), (gpointer *) &self->panel);
      g_signal_connect_swapped (panel, "saved", G_CALLBACK (on_panel_saved), self);
    }
}

guint
vb_contacts_today_get_n_contacts (VbContactsToday *self)
{
  g_return_val_if_fail (VB_IS_CONTACTS_TODAY (self), 0);

  return self->n_contacts;
}

guint
vb_contacts_today_get_n_callbacks (VbContactsToday *self)
{
  g_return_val_if_fail (VB_IS_CONTACTS_TODAY (self), 0);

  return self->n_callbacks;
}

/* TRUE while a read or a change is under way (for tests). */
gboolean
vb_contacts_today_is_loading (VbContactsToday *self)
{
  g_return_val_if_fail (VB_IS_CONTACTS_TODAY (self), FALSE);

  return self->pending > 0;
}
