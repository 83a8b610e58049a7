/* vb-contact-form.c: the fields of one open contact
 *
 * Channel, caller (optional), the questions, the notes and, when an outcome asks for it, the
 * callback request. Every edit goes straight into the VbContact and raises the generation, so
 * the panel knows what to save as a draft. A running timer shows the duration.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-contact-form.h"
#include "vb-question-editor.h"

/* Limits for the short free-text fields of the callback request. */
#define FIELD_NAME_MAX 200
#define FIELD_PHONE_MAX 40
#define FIELD_TIME_MAX 100

struct _VbContactForm
{
  GtkWidget       parent_instance;

  VbContactLists *lists;
  VbContact      *contact;
  gboolean        correcting;
  guint           number;
  char           *title;
  guint           generation;
  guint           saved_generation;
  guint           timer_id;
  gboolean        busy;
  gboolean        syncing;
  GListModel     *channel_model;
  GListModel     *callback_afdeling_model;

  GtkWidget      *scroller;
  GtkWidget      *box;
  GtkLabel       *title_label;
  GtkLabel       *timer_label;
  GtkLabel       *correction_label;
  AdwComboRow    *channel_row;
  AdwEntryRow    *caller_name_row;
  AdwEntryRow    *caller_phone_row;
  GtkBox         *questions;
  GtkButton      *add_question_button;
  GtkRevealer    *callback_revealer;
  AdwEntryRow    *callback_phone_row;
  AdwEntryRow    *callback_name_row;
  AdwEntryRow    *callback_time_row;
  AdwEntryRow    *callback_note_row;
  AdwComboRow    *callback_afdeling_row;
  GtkLabel       *notes_counter;
  GtkTextView    *notes_view;
};

enum {
  PROP_0,
  PROP_LISTS,
  PROP_CONTACT,
  PROP_CORRECTING,
  PROP_NUMBER,
  PROP_TITLE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbContactForm, vb_contact_form, GTK_TYPE_WIDGET)

static void sync_callback (VbContactForm *self);

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text != NULL ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

/* Limits @row to @max characters (libadwaita names its text field after the title). */
static void
limit_entry (AdwEntryRow *row,
             int          max)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (row));

  if (GTK_IS_TEXT (delegate))
    gtk_text_set_max_length (GTK_TEXT (delegate), max);
}

static void
changed (VbContactForm *self)
{
  if (self->syncing)
    return;
  self->generation++;
  g_signal_emit (self, signals[CHANGED], 0);
}

static char *
format_duration (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;
  return g_strdup_printf ("%02d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

static gint64
elapsed (VbContactForm *self)
{
  gint64 started = vb_contact_get_started (self->contact);
  gint64 ended = vb_contact_get_ended (self->contact);

  if (self->correcting && ended > 0)
    return ended - started;
  return g_get_real_time () / G_USEC_PER_SEC - started;
}

static void
update_title (VbContactForm *self)
{
  g_autofree char *duration = format_duration (elapsed (self));
  const char *channel = vb_contact_lists_get_channel_name (self->lists,
                                                           vb_contact_get_channel (self->contact));
  g_autofree char *title = NULL;
  g_autofree char *heading = NULL;

  if (channel == NULL)
    channel = "";
  if (self->correcting)
    {
      g_autoptr(GDateTime) started =
        g_date_time_new_from_unix_local (vb_contact_get_started (self->contact));
      g_autofree char *time = started != NULL ? g_date_time_format (started, "%H:%M") : g_strdup ("");

      /* Translators: a finished contact reopened for correction: its start time and channel */
      title = g_strdup_printf (_("Correction %s (%s)"), time, channel);
      heading = g_strdup (_("Correction"));
    }
  else
    {
      /* Translators: the open contacts switcher: number, channel and duration (mm:ss) */
      title = g_strdup_printf (_("Contact %u (%s, %s)"), self->number, channel, duration);
      heading = g_strdup_printf (_("Contact %u"), self->number);
    }

  gtk_label_set_label (self->timer_label, duration);
  gtk_label_set_label (self->title_label, heading);
  if (g_strcmp0 (title, self->title) != 0)
    {
      g_free (self->title);
      self->title = g_steal_pointer (&title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

static gboolean
on_tick (gpointer user_data)
{
  update_title (VB_CONTACT_FORM (user_data));
  return G_SOURCE_CONTINUE;
}

static void
start_timer (VbContactForm *self)
{
  if (self->timer_id != 0 || self->correcting)
    return;
  self->timer_id = g_timeout_add_seconds (1, on_tick, self);
}

static void
stop_timer (VbContactForm *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
}

static VbQuestionEditor *
get_editor (VbContactForm *self,
            guint          index)
{
  guint i = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->questions)); child != NULL;
       child = gtk_widget_get_next_sibling (child), i++)
    if (i == index)
      return VB_QUESTION_EDITOR (child);
  return NULL;
}

static void
update_removable (VbContactForm *self)
{
  gboolean removable = vb_contact_get_n_questions (self->contact) > 1;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->questions)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    vb_question_editor_set_removable (VB_QUESTION_EDITOR (child), removable);
}

static void
on_editor_changed (VbContactForm *self)
{
  changed (self);
  sync_callback (self);
}

static void
on_editor_outcome_chosen (VbContactForm    *self,
                          const char       *code,
                          VbQuestionEditor *editor)
{
  VbCallback *callback;

  if (g_strcmp0 (code, VB_CONTACT_OUTCOME_CALLBACK) != 0)
    return;
  sync_callback (self);
  /* The callback needs a phone number: go there when the caller's is not known. */
  callback = vb_contact_get_callback (self->contact);
  if (callback != NULL && is_blank (callback->phone))
    gtk_widget_grab_focus (GTK_WIDGET (self->callback_phone_row));
}

static void
on_editor_remove (VbContactForm    *self,
                  VbQuestionEditor *editor)
{
  guint index = vb_question_editor_get_index (editor);
  guint i = 0;

  if (vb_contact_get_n_questions (self->contact) <= 1)
    return;
  vb_contact_remove_question (self->contact, index);
  gtk_box_remove (self->questions, GTK_WIDGET (editor));
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->questions)); child != NULL;
       child = gtk_widget_get_next_sibling (child), i++)
    vb_question_editor_set_index (VB_QUESTION_EDITOR (child), i);
  update_removable (self);
  changed (self);
  sync_callback (self);
  vb_question_editor_focus_subject (get_editor (self, MIN (index, i - 1)));
}

static VbQuestionEditor *
append_editor (VbContactForm *self,
               guint          index)
{
  GtkWidget *editor = vb_question_editor_new (self->lists, self->contact, index);

  g_signal_connect_object (editor, "changed", G_CALLBACK (on_editor_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "outcome-chosen", G_CALLBACK (on_editor_outcome_chosen), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "remove", G_CALLBACK (on_editor_remove), self, G_CONNECT_SWAPPED);
  gtk_box_append (self->questions, editor);
  return VB_QUESTION_EDITOR (editor);
}

static gboolean
needs_callback (VbContactForm *self)
{
  for (guint i = 0; i < vb_contact_get_n_questions (self->contact); i++)
    if (g_strcmp0 (vb_contact_get_question (self->contact, i)->outcome, VB_CONTACT_OUTCOME_CALLBACK) == 0)
      return TRUE;
  return FALSE;
}

/* Shows the callback fields when an outcome asks for a callback, filled from the caller. */
static void
sync_callback (VbContactForm *self)
{
  VbCallback *callback;
  gboolean needed = needs_callback (self);
  gboolean was_syncing = self->syncing;

  gtk_revealer_set_reveal_child (self->callback_revealer, needed);
  gtk_widget_set_visible (GTK_WIDGET (self->callback_revealer), needed);
  callback = needed ? vb_contact_ensure_callback (self->contact) : vb_contact_get_callback (self->contact);
  if (callback == NULL)
    return;

  self->syncing = TRUE;
  if (needed && is_blank (callback->phone) && !is_blank (vb_contact_get_caller_phone (self->contact)))
    vb_callback_set_phone (callback, vb_contact_get_caller_phone (self->contact));
  if (needed && is_blank (callback->name) && !is_blank (vb_contact_get_caller_name (self->contact)))
    vb_callback_set_name (callback, vb_contact_get_caller_name (self->contact));
  set_text (self->callback_phone_row, callback->phone);
  set_text (self->callback_name_row, callback->name);
  set_text (self->callback_time_row, callback->preferred_time);
  set_text (self->callback_note_row, callback->note);
  if (self->callback_afdeling_model != vb_contact_lists_get_afdelingen (self->lists))
    {
      g_set_object (&self->callback_afdeling_model, vb_contact_lists_get_afdelingen (self->lists));
      adw_combo_row_set_model (self->callback_afdeling_row, self->callback_afdeling_model);
    }
  adw_combo_row_set_selected (self->callback_afdeling_row,
                              vb_contact_lists_find_afdeling (self->lists, callback->afdeling));
  self->syncing = was_syncing;
}

static void
on_callback_changed (VbContactForm *self)
{
  VbCallback *callback = vb_contact_get_callback (self->contact);

  if (self->syncing || callback == NULL)
    return;
  vb_callback_set_phone (callback, gtk_editable_get_text (GTK_EDITABLE (self->callback_phone_row)));
  vb_callback_set_name (callback, gtk_editable_get_text (GTK_EDITABLE (self->callback_name_row)));
  vb_callback_set_preferred_time (callback, gtk_editable_get_text (GTK_EDITABLE (self->callback_time_row)));
  vb_callback_set_note (callback, gtk_editable_get_text (GTK_EDITABLE (self->callback_note_row)));
  changed (self);
}

static void
on_callback_afdeling_selected (VbContactForm *self)
{
  VbCallback *callback = vb_contact_get_callback (self->contact);
  guint selected = adw_combo_row_get_selected (self->callback_afdeling_row);

  if (self->syncing || callback == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  vb_callback_set_afdeling (callback, vb_contact_lists_get_afdeling_code (self->lists, selected));
  changed (self);
}

static void
on_channel_selected (VbContactForm *self)
{
  guint selected = adw_combo_row_get_selected (self->channel_row);
  const char *code = vb_contact_lists_get_channel_code (self->lists, selected);

  if (self->syncing || code == NULL)
    return;
  vb_contact_set_channel (self->contact, code);
  changed (self);
  update_title (self);
}

static void
on_caller_changed (VbContactForm *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->caller_name_row));
  const char *phone = gtk_editable_get_text (GTK_EDITABLE (self->caller_phone_row));

  if (self->syncing)
    return;
  vb_contact_set_caller_name (self->contact, *name ? name : NULL);
  vb_contact_set_caller_phone (self->contact, *phone ? phone : NULL);
  changed (self);
}

static void
on_add_question_clicked (VbContactForm *self)
{
  vb_contact_form_add_question (self);
  vb_question_editor_focus_subject (get_editor (self, vb_contact_get_n_questions (self->contact) - 1));
}

static void
update_notes_counter (VbContactForm *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  int count = gtk_text_buffer_get_char_count (buffer);
  g_autofree char *label = g_strdup_printf ("%d/%d", count, VB_CONTACT_NOTES_MAX);
  g_autofree char *description = g_strdup_printf (_("%d of %d characters used"), count,
                                                  VB_CONTACT_NOTES_MAX);

  gtk_label_set_label (self->notes_counter, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->notes_counter),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  /* Described by the counter (a relation); GTK 4.8 reads out only the property. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->notes_view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

/* Refuses what goes beyond 1,000 characters; a paste is cut to what fits. */
static void
on_notes_insert_text (GtkTextBuffer *buffer,
                      GtkTextIter   *location,
                      char          *text,
                      int            len,
                      VbContactForm *self)
{
  int room = VB_CONTACT_NOTES_MAX - gtk_text_buffer_get_char_count (buffer);
  glong adding = g_utf8_strlen (text, len);

  if (adding <= room)
    return;
  g_signal_stop_emission_by_name (buffer, "insert-text");
  gtk_widget_error_bell (GTK_WIDGET (self->notes_view));
  if (room > 0)
    {
      const char *end = g_utf8_offset_to_pointer (text, room);

      gtk_text_buffer_insert (buffer, location, text, end - text);
    }
}

static void
on_notes_changed (GtkTextBuffer *buffer,
                  VbContactForm *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  update_notes_counter (self);
  if (self->syncing)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  vb_contact_set_notes (self->contact, *text ? text : NULL);
  changed (self);
}

static void
sync_all (VbContactForm *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  const char *notes = vb_contact_get_notes (self->contact);
  GtkTextIter start, end;
  g_autofree char *current = NULL;
  guint channel;

  self->syncing = TRUE;
  if (self->channel_model != vb_contact_lists_get_channels (self->lists))
    {
      g_set_object (&self->channel_model, vb_contact_lists_get_channels (self->lists));
      adw_combo_row_set_model (self->channel_row, self->channel_model);
    }
  channel = vb_contact_lists_find_channel (self->lists, vb_contact_get_channel (self->contact));
  adw_combo_row_set_selected (self->channel_row, channel);
  set_text (self->caller_name_row, vb_contact_get_caller_name (self->contact));
  set_text (self->caller_phone_row, vb_contact_get_caller_phone (self->contact));

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  current = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (g_strcmp0 (current, notes != NULL ? notes : "") != 0)
    gtk_text_buffer_set_text (buffer, notes != NULL ? notes : "", -1);
  update_notes_counter (self);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->questions)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    vb_question_editor_sync (VB_QUESTION_EDITOR (child));
  sync_callback (self);
  update_title (self);
  self->syncing = FALSE;
}

static void
on_lists_changed (VbContactForm *self)
{
  sync_all (self);
}

static void
vb_contact_form_constructed (GObject *object)
{
  VbContactForm *self = VB_CONTACT_FORM (object);

  G_OBJECT_CLASS (vb_contact_form_parent_class)->constructed (object);

  if (vb_contact_get_n_questions (self->contact) == 0)
    vb_contact_add_question (self->contact);
  for (guint i = 0; i < vb_contact_get_n_questions (self->contact); i++)
    append_editor (self, i);
  update_removable (self);

  if (self->correcting)
    {
      g_autoptr(GDateTime) started =
        g_date_time_new_from_unix_local (vb_contact_get_started (self->contact));
      g_autofree char *time = started != NULL ? g_date_time_format (started, "%H:%M") : g_strdup ("");
      g_autofree char *text =
        g_strdup_printf (_("Correcting the contact of %s. Saving records the correction."), time);

      gtk_label_set_label (self->correction_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->correction_label), TRUE);
    }

  g_signal_connect_object (self->lists, "changed", G_CALLBACK (on_lists_changed), self,
                           G_CONNECT_SWAPPED);
  sync_all (self);
  start_timer (self);
}

static void
vb_contact_form_dispose (GObject *object)
{
  VbContactForm *self = VB_CONTACT_FORM (object);

  stop_timer (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_CONTACT_FORM);

  G_OBJECT_CLASS (vb_contact_form_parent_class)->dispose (object);
}

static void
vb_contact_form_finalize (GObject *object)
{
  VbContactForm *self = VB_CONTACT_FORM (object);

  g_clear_object (&self->lists);
  g_clear_object (&self->contact);
  g_clear_object (&self->channel_model);
  g_clear_object (&self->callback_afdeling_model);
  g_free (self->title);

  G_OBJECT_CLASS (vb_contact_form_parent_class)->finalize (object);
}

static void
vb_contact_form_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VbContactForm *self = VB_CONTACT_FORM (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      g_value_set_uint (value, self->number);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_contact_form_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VbContactForm *self = VB_CONTACT_FORM (object);

  switch (prop_id)
    {
    case PROP_LISTS:
      self->lists = g_value_dup_object (value);
      break;
    case PROP_CONTACT:
      self->contact = g_value_dup_object (value);
      break;
    case PROP_CORRECTING:
      self->correcting = g_value_get_boolean (value);
      break;
    case PROP_NUMBER:
      vb_contact_form_set_number (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
vb_contact_form_grab_focus (GtkWidget *widget)
{
  VbContactForm *self = VB_CONTACT_FORM (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->channel_row));
}

static void
vb_contact_form_class_init (VbContactFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vb_contact_form_constructed;
  object_class->dispose = vb_contact_form_dispose;
  object_class->finalize = vb_contact_form_finalize;
  object_class->get_property = vb_contact_form_get_property;
  object_class->set_property = vb_contact_form_set_property;
  widget_class->grab_focus = vb_contact_form_grab_focus;

  properties[PROP_LISTS] =
    g_param_spec_object ("lists", NULL, NULL, VB_TYPE_CONTACT_LISTS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTACT] =
    g_param_spec_object ("contact", NULL, NULL, VB_TYPE_CONTACT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CORRECTING] =
    g_param_spec_boolean ("correcting", NULL, NULL, FALSE,
                          G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NUMBER] =
    g_param_spec_uint ("number", NULL, NULL, 0, G_MAXUINT, 1,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* "Contact 1 (Telefoon, 03:12)": for the switcher, updated every second. */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The agent edited the contact. */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  g_type_ensure (VB_TYPE_QUESTION_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/contacts/vb-contact-form.ui");
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, scroller);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, box);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, title_label);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, timer_label);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, correction_label);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, channel_row);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, caller_name_row);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, caller_phone_row);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, questions);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, add_question_button);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, callback_revealer);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, callback_phone_row);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, callback_name_row);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, callback_time_row);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, callback_note_row);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, callback_afdeling_row);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, notes_counter);
  gtk_widget_class_bind_template_child (widget_class, VbContactForm, notes_view);
  gtk_widget_class_bind_template_callback (widget_class, on_channel_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_caller_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_add_question_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_callback_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_callback_afdeling_selected);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vbcontactform");
}

static void
vb_contact_form_init (VbContactForm *self)
{
  GtkTextBuffer *buffer;

  self->number = 1;
  self->generation = 1;   /* a new contact is worth a draft at once */
  gtk_widget_init_template (GTK_WIDGET (self));

  limit_entry (self->caller_name_row, FIELD_NAME_MAX);
  limit_entry (self->caller_phone_row, FIELD_PHONE_MAX);
  limit_entry (self->callback_name_row, FIELD_NAME_MAX);
  limit_entry (self->callback_phone_row, FIELD_PHONE_MAX);
  limit_entry (self->callback_time_row, FIELD_TIME_MAX);
  limit_entry (self->callback_note_row, VB_CONTACT_NOTES_MAX);

  buffer = gtk_text_view_get_buffer (self->notes_view);
  g_signal_connect (buffer, "insert-text", G_CALLBACK (on_notes_insert_text), self);
  g_signal_connect (buffer, "changed", G_CALLBACK (on_notes_changed), self);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->notes_view),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->notes_counter, NULL, -1);
  update_notes_counter (self);
}

/* A form for @contact; @correcting when it reopens a finished contact. */
GtkWidget *
vb_contact_form_new (VbContactLists *lists,
                     VbContact      *contact,
                     gboolean        correcting)
{
  return g_object_new (VB_TYPE_CONTACT_FORM, "lists", lists, "contact", contact,
                       "correcting", correcting, NULL);
}

VbContact *
vb_contact_form_get_contact (VbContactForm *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), NULL);

  return self->contact;
}

gboolean
vb_contact_form_is_correcting (VbContactForm *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), FALSE);

  return self->correcting;
}

guint
vb_contact_form_get_number (VbContactForm *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), 0);

  return self->number;
}

void
vb_contact_form_set_number (VbContactForm *self,
                            guint          number)
{
  g_return_if_fail (VB_IS_CONTACT_FORM (self));

  if (self->number == number)
    return;
  self->number = number;
  if (self->contact != NULL)
    update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NUMBER]);
}

const char *
vb_contact_form_get_title (VbContactForm *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), NULL);

  return self->title;
}

guint
vb_contact_form_get_generation (VbContactForm *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), 0);

  return self->generation;
}

/* Generation @generation is safely in the database. */
void
vb_contact_form_set_saved (VbContactForm *self,
                           guint          generation)
{
  g_return_if_fail (VB_IS_CONTACT_FORM (self));

  self->saved_generation = generation;
}

gboolean
vb_contact_form_is_dirty (VbContactForm *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), FALSE);

  return self->generation != self->saved_generation;
}

/* While the contact is being finished it cannot be edited and its timer stands still. */
void
vb_contact_form_set_busy (VbContactForm *self,
                          gboolean       busy)
{
  g_return_if_fail (VB_IS_CONTACT_FORM (self));

  self->busy = busy;
  gtk_widget_set_sensitive (self->box, !busy);
  if (busy)
    stop_timer (self);
  else
    {
      update_title (self);
      start_timer (self);
    }
}

gboolean
vb_contact_form_get_busy (VbContactForm *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), FALSE);

  return self->busy;
}

/* The question that “mark used”, the outcome keys and focus_outcome act on: the one with the
 * focus, else the last one without an outcome, else the last one. */
static guint
current_question (VbContactForm *self)
{
  guint n = vb_contact_get_n_questions (self->contact);

  for (guint i = 0; i < n; i++)
    if (vb_question_editor_contains_focus (get_editor (self, i)))
      return i;
  for (guint i = n; i > 0; i--)
    if (vb_contact_get_question (self->contact, i - 1)->outcome == NULL)
      return i - 1;
  return n - 1;
}

void
vb_contact_form_add_question (VbContactForm *self)
{
  g_return_if_fail (VB_IS_CONTACT_FORM (self));

  vb_contact_add_question (self->contact);
  append_editor (self, vb_contact_get_n_questions (self->contact) - 1);
  update_removable (self);
  changed (self);
}

/* The answer shown is the one used: it becomes the subject of the last question, or of a new
 * question when the last one already has its outcome (the caller asked something else). */
void
vb_contact_form_mark_used (VbContactForm *self,
                           const char    *item_id,
                           const char    *section,
                           const char    *title)
{
  guint n, index;

  g_return_if_fail (VB_IS_CONTACT_FORM (self));
  g_return_if_fail (item_id != NULL);

  n = vb_contact_get_n_questions (self->contact);
  if (n == 0 || vb_contact_get_question (self->contact, n - 1)->outcome != NULL)
    vb_contact_form_add_question (self);
  index = vb_contact_get_n_questions (self->contact) - 1;

  if (title == NULL || *title == '\0')
    title = item_id;
  /* A title longer than VB_CONTACT_TITLE_MAX is cut by the engine. */
  vb_contact_question_set_used (vb_contact_get_question (self->contact, index), item_id, section, title);
  vb_contact_add_consulted (self->contact, item_id);
  vb_question_editor_sync (get_editor (self, index));
  changed (self);
}

void
vb_contact_form_add_consulted (VbContactForm *self,
                               const char    *item_id)
{
  g_return_if_fail (VB_IS_CONTACT_FORM (self));

  vb_contact_add_consulted (self->contact, item_id);
  changed (self);
}

gboolean
vb_contact_form_choose_outcome (VbContactForm *self,
                                guint          number)
{
  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), FALSE);

  return vb_question_editor_choose_outcome (get_editor (self, current_question (self)), number);
}

void
vb_contact_form_focus_outcome (VbContactForm *self)
{
  g_return_if_fail (VB_IS_CONTACT_FORM (self));

  vb_question_editor_focus_outcome (get_editor (self, current_question (self)));
}

void
vb_contact_form_focus_notes (VbContactForm *self)
{
  g_return_if_fail (VB_IS_CONTACT_FORM (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->notes_view));
}

gboolean
vb_contact_form_needs_callback (VbContactForm *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), FALSE);

  return needs_callback (self);
}

/* Checks that the contact can be finished. On a problem, focuses the field, sets @message
 * to what is wrong and returns FALSE. */
gboolean
vb_contact_form_validate (VbContactForm  *self,
                          char          **message)
{
  guint n;

  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), FALSE);

  n = vb_contact_get_n_questions (self->contact);
  for (guint i = 0; i < n; i++)
    {
      VbContactQuestion *q = vb_contact_get_question (self->contact, i);

      if (q->item_id == NULL && is_blank (q->subject_text))
        {
          *message = n == 1 ? g_strdup (_("Mark the answer used, or type the subject."))
                            : g_strdup_printf (_("Question %u has no subject: mark the answer "
                                                 "used, or type the subject."), i + 1);
          vb_question_editor_focus_subject (get_editor (self, i));
          return FALSE;
        }
      /* An outcome no longer in the reference list (a draft from before an update) is as
       * good as none. */
      if (q->outcome == NULL ||
          (vb_contact_lists_get_n_outcomes (self->lists) > 0 &&
           vb_contact_lists_find_outcome (self->lists, q->outcome) == GTK_INVALID_LIST_POSITION))
        {
          *message = n == 1 ? g_strdup (_("Choose an outcome."))
                            : g_strdup_printf (_("Choose an outcome for question %u."), i + 1);
          vb_question_editor_focus_outcome (get_editor (self, i));
          return FALSE;
        }
    }
  if (needs_callback (self))
    {
      VbCallback *callback = vb_contact_get_callback (self->contact);

      if (callback == NULL || is_blank (callback->phone))
        {
          *message = g_strdup (_("A callback request needs a phone number."));
          gtk_widget_grab_focus (GTK_WIDGET (self->callback_phone_row));
          return FALSE;
        }
    }
  *message = NULL;
  return TRUE;
}

/* TRUE when a free-text field holds what may be a citizen service number (BSN). */
gboolean
vb_contact_form_has_bsn (VbContactForm *self)
{
  VbCallback *callback;
  const char *notes;

  g_return_val_if_fail (VB_IS_CONTACT_FORM (self), FALSE);

  notes = vb_contact_get_notes (self->contact);
  if (notes != NULL && vb_text_has_bsn (notes))
    return TRUE;
  callback = vb_contact_get_callback (self->contact);
  if (callback != NULL && needs_callback (self) &&
      ((callback->note != NULL && vb_text_has_bsn (callback->note)) ||
       (callback->preferred_time != NULL && vb_text_has_bsn (callback->preferred_time))))
    return TRUE;
  for (guint i = 0; i < vb_contact_get_n_questions (self->contact); i++)
    {
      VbContactQuestion *q = vb_contact_get_question (self->contact, i);

      if (q->item_id == NULL && q->subject_text != NULL && vb_text_has_bsn (q->subject_text))
        return TRUE;
    }
  return FALSE;
}
