/* vb-question-editor.c: one question of a contact (subject, outcome, department)
 *
 * The subject is the answer the agent marked as used, or free text of at most 180 characters
 * when nothing fitted. The outcome is a numbered list that starts with nothing chosen: a
 * digit key (while the list has focus) or a click chooses one. The editor writes straight
 * into its question of the VbContact and says “changed”.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-a11y.h"
#include "vb-question-editor.h"

struct _VbQuestionEditor
{
  GtkWidget       parent_instance;

  VbContactLists *lists;
  VbContact      *contact;
  guint           index;
  gboolean        syncing;
  GPtrArray      *row_codes;   /* outcome code of each row */
  GPtrArray      *checks;      /* GtkCheckButton of each row */
  GListModel     *afdeling_model;

  GtkWidget      *box;
  GtkLabel       *heading;
  GtkButton      *remove_button;
  AdwActionRow   *used_row;
  GtkButton      *unlink_button;
  AdwEntryRow    *subject_row;
  GtkLabel       *subject_counter;
  AdwComboRow    *afdeling_row;
  GtkListBox     *outcome_list;
  GtkLabel       *outcome_hint;
};

enum {
  PROP_0,
  PROP_LISTS,
  PROP_CONTACT,
  PROP_INDEX,
  N_PROPS
};

enum {
  CHANGED,
  OUTCOME_CHOSEN,
  REMOVE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbQuestionEditor, vb_question_editor, GTK_TYPE_WIDGET)

static VbContactQuestion *
get_question (VbQuestionEditor *self)
{
  if (self->contact == NULL || self->index >= vb_contact_get_n_questions (self->contact))
    return NULL;
  return vb_contact_get_question (self->contact, self->index);
}

static void
update_counter (VbQuestionEditor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->subject_row));
  g_autofree char *label = g_strdup_printf ("%ld/%d", g_utf8_strlen (text, -1),
                                            VB_CONTACT_SUBJECT_MAX);
  g_autofree char *description =
    g_strdup_printf (_("%ld of %d characters used"), g_utf8_strlen (text, -1),
                     VB_CONTACT_SUBJECT_MAX);
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (self->subject_row));

  gtk_label_set_label (self->subject_counter, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->subject_counter),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  /* The counter describes the field (described-by); GTK 4.8 only reads a description out
   * when it is a property, so it is set as one too. */
  if (delegate != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (delegate), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    description, -1);
}

static GtkWidget *
outcome_row_new (VbQuestionEditor *self,
                 guint             position,
                 GtkCheckButton   *group)
{
  const char *name = vb_contact_lists_get_outcome_label (self->lists, position);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *label = gtk_label_new (name);
  g_autofree char *digit = NULL;
  g_autofree char *accessible = NULL;

  /* 1 to 9, then 0 for the tenth; the rest are chosen with the arrow keys or the mouse. */
  if (position < 9)
    digit = g_strdup_printf ("%u", position + 1);
  else if (position == 9)
    digit = g_strdup ("0");
  else
    digit = g_strdup ("");
  accessible = *digit ? g_strdup_printf ("%s %s", digit, name) : g_strdup (name);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);

  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  /* The row takes focus and clicks; the radio only shows the choice. */
  gtk_widget_set_focusable (check, FALSE);
  gtk_widget_set_can_target (check, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  gtk_box_append (GTK_BOX (box), check);

  gtk_label_set_label (GTK_LABEL (number), digit);
  gtk_label_set_width_chars (GTK_LABEL (number), 1);
  gtk_widget_add_css_class (number, "numeric");
  gtk_widget_add_css_class (number, "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (number), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_box_append (GTK_BOX (box), number);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  g_ptr_array_add (self->checks, check);
  return row;
}

static gboolean
outcome_rows_current (VbQuestionEditor *self)
{
  guint n = vb_contact_lists_get_n_outcomes (self->lists);

  if (self->row_codes->len != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (g_ptr_array_index (self->row_codes, i),
                   vb_contact_lists_get_outcome_code (self->lists, i)) != 0)
      return FALSE;
  return TRUE;
}

static void
build_outcome_rows (VbQuestionEditor *self)
{
  GtkWidget *child;
  guint n = vb_contact_lists_get_n_outcomes (self->lists);

  if (outcome_rows_current (self))
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->outcome_list))) != NULL)
    gtk_list_box_remove (self->outcome_list, child);
  g_ptr_array_set_size (self->row_codes, 0);
  g_ptr_array_set_size (self->checks, 0);

  for (guint i = 0; i < n; i++)
    {
      GtkCheckButton *group = self->checks->len > 0 ? g_ptr_array_index (self->checks, 0) : NULL;

      gtk_list_box_append (self->outcome_list, outcome_row_new (self, i, group));
      g_ptr_array_add (self->row_codes, g_strdup (vb_contact_lists_get_outcome_code (self->lists, i)));
    }
  if (n == 0)
    {
      GtkWidget *label = gtk_label_new (_("The list of outcomes is not loaded yet"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_list_box_set_placeholder (self->outcome_list, label);
    }
  else
    gtk_list_box_set_placeholder (self->outcome_list, NULL);
}

static void
show_outcome (VbQuestionEditor *self,
              const char       *code)
{
  for (guint i = 0; i < self->checks->len; i++)
    {
      const char *row_code = g_ptr_array_index (self->row_codes, i);

      gtk_check_button_set_active (g_ptr_array_index (self->checks, i),
                                   code != NULL && g_strcmp0 (row_code, code) == 0);
    }
}

static void
update_heading (VbQuestionEditor *self)
{
  g_autofree char *text = g_strdup_printf (_("Question %u"), self->index + 1);

  gtk_label_set_label (self->heading, text);
}

/* Shows what the question holds now (after “mark used”, a restore or a list reload). */
void
vb_question_editor_sync (VbQuestionEditor *self)
{
  VbContactQuestion *q;
  gboolean linked;

  g_return_if_fail (VB_IS_QUESTION_EDITOR (self));

  q = get_question (self);
  if (q == NULL)
    return;
  self->syncing = TRUE;

  update_heading (self);
  linked = q->item_id != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->used_row), linked);
  gtk_widget_set_visible (GTK_WIDGET (self->subject_row), !linked);
  if (linked)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->used_row),
                                   q->subject_text != NULL ? q->subject_text : q->item_id);
  else if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)),
                      q->subject_text != NULL ? q->subject_text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->subject_row),
                           q->subject_text != NULL ? q->subject_text : "");
  update_counter (self);

  if (self->afdeling_model != vb_contact_lists_get_afdelingen (self->lists))
    {
      g_set_object (&self->afdeling_model, vb_contact_lists_get_afdelingen (self->lists));
      adw_combo_row_set_model (self->afdeling_row, self->afdeling_model);
    }
  adw_combo_row_set_selected (self->afdeling_row,
                              vb_contact_lists_find_afdeling (self->lists, q->afdeling));

  build_outcome_rows (self);
  show_outcome (self, q->outcome);

  self->syncing = FALSE;
}

static void
on_subject_changed (VbQuestionEditor *self)
{
  VbContactQuestion *q = get_question (self);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->subject_row));

  update_counter (self);
  if (self->syncing || q == NULL || q->item_id != NULL)
    return;
  vb_contact_question_set_subject (q, text);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_unlink_clicked (VbQuestionEditor *self)
{
  VbContactQuestion *q = get_question (self);
  g_autofree char *text = NULL;

  if (q == NULL)
    return;
  /* Keep the title as a starting point for the agent's own words. */
  if (q->subject_text != NULL)
    text = g_utf8_substring (q->subject_text, 0,
                             MIN (g_utf8_strlen (q->subject_text, -1), VB_CONTACT_SUBJECT_MAX));
  vb_contact_question_set_subject (q, text);
  vb_question_editor_sync (self);
  g_signal_emit (self, signals[CHANGED], 0);
  vb_question_editor_focus_subject (self);
}

static void
on_afdeling_selected (VbQuestionEditor *self)
{
  VbContactQuestion *q = get_question (self);
  guint selected = adw_combo_row_get_selected (self->afdeling_row);

  if (self->syncing || q == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  vb_contact_question_set_afdeling (q, vb_contact_lists_get_afdeling_code (self->lists, selected));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_remove_clicked (VbQuestionEditor *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static gboolean
choose_position (VbQuestionEditor *self,
                 guint             position)
{
  VbContactQuestion *q = get_question (self);
  const char *code;

  if (q == NULL || position >= self->row_codes->len)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }
  code = g_ptr_array_index (self->row_codes, position);
  vb_contact_question_set_outcome (q, code);
  show_outcome (self, code);
  if (vb_question_editor_contains_focus (self))
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->outcome_list, position);

      if (row != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (row));
    }
  g_signal_emit (self, signals[CHANGED], 0);
  g_signal_emit (self, signals[OUTCOME_CHOSEN], 0, code);
  return TRUE;
}

static void
on_outcome_row_activated (GtkListBox       *list,
                          GtkListBoxRow    *row,
                          VbQuestionEditor *self)
{
  choose_position (self, gtk_list_box_row_get_index (row));
}

static int
digit_of (guint keyval)
{
  if (keyval >= GDK_KEY_0 && keyval <= GDK_KEY_9)
    return keyval - GDK_KEY_0;
  if (keyval >= GDK_KEY_KP_0 && keyval <= GDK_KEY_KP_9)
    return keyval - GDK_KEY_KP_0;
  return -1;
}

/* A digit while the outcome list has focus chooses that outcome. */
static gboolean
on_outcome_key_pressed (GtkEventControllerKey *controller,
                        guint                  keyval,
                        guint                  keycode,
                        GdkModifierType        state,
                        VbQuestionEditor      *self)
{
  int digit = digit_of (keyval);

  if (digit < 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;
  vb_question_editor_choose_outcome (self, digit);
  return TRUE;
}

/* Chooses outcome @number as shown in the list (1 to 9, 0 for the tenth). */
gboolean
vb_question_editor_choose_outcome (VbQuestionEditor *self,
                                   guint             number)
{
  g_return_val_if_fail (VB_IS_QUESTION_EDITOR (self), FALSE);

  if (number > 9)
    return FALSE;
  return choose_position (self, number == 0 ? 9 : number - 1);
}

void
vb_question_editor_focus_outcome (VbQuestionEditor *self)
{
  VbContactQuestion *q = get_question (self);
  guint position = 0;
  GtkListBoxRow *row;

  g_return_if_fail (VB_IS_QUESTION_EDITOR (self));

  if (q != NULL && q->outcome != NULL)
    for (guint i = 0; i < self->row_codes->len; i++)
      if (g_strcmp0 (g_ptr_array_index (self->row_codes, i), q->outcome) == 0)
        position = i;
  row = gtk_list_box_get_row_at_index (self->outcome_list, position);
  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->outcome_list));
}

void
vb_question_editor_focus_subject (VbQuestionEditor *self)
{
  g_return_if_fail (VB_IS_QUESTION_EDITOR (self));

  if (gtk_widget_get_visible (GTK_WIDGET (self->subject_row)))
    gtk_widget_grab_focus (GTK_WIDGET (self->subject_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->unlink_button));
}

/* TRUE when the keyboard focus is somewhere in this question. */
gboolean
vb_question_editor_contains_focus (VbQuestionEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == GTK_WIDGET (self) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self)));
}

guint
vb_question_editor_get_index (VbQuestionEditor *self)
{
  g_return_val_if_fail (VB_IS_QUESTION_EDITOR (self), 0);

  return self->index;
}

/* The question moved (one before it was removed). */
void
vb_question_editor_set_index (VbQuestionEditor *self,
                              guint             index)
{
  g_return_if_fail (VB_IS_QUESTION_EDITOR (self));

  self->index = index;
  vb_question_editor_sync (self);
}

void
vb_question_editor_set_removable (VbQuestionEditor *self,
                                  gboolean          removable)
{
  g_return_if_fail (VB_IS_QUESTION_EDITOR (self));

  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), removable);
}

static void
vb_question_editor_constructed (GObject *object)
{
  VbQuestionEditor *self = VB_QUESTION_EDITOR (object);

  G_OBJECT_CLASS (vb_question_editor_parent_class)->constructed (object);

  vb_question_editor_sync (self);
}

static void
vb_question_editor_dispose (GObject *object)
{
  VbQuestionEditor *self = VB_QUESTION_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_QUESTION_EDITOR);
  g_ptr_array_set_size (self->checks, 0);

  G_OBJECT_CLASS (vb_question_editor_parent_class)->dispose (object);
}

static void
vb_question_editor_finalize (GObject *object)
{
  VbQuestionEditor *self = VB_QUESTION_EDITOR (object);

  g_clear_object (&self->lists);
  g_clear_object (&self->contact);
  g_clear_object (&self->afdeling_model);
  g_ptr_array_unref (self->row_codes);
  g_ptr_array_unref (self->checks);

  G_OBJECT_CLASS (vb_question_editor_parent_class)->finalize (object);
}

static void
vb_question_editor_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VbQuestionEditor *self = VB_QUESTION_EDITOR (object);

  switch (prop_id)
    {
    case PROP_LISTS:
      self->lists = g_value_dup_object (value);
      break;
    case PROP_CONTACT:
      self->contact = g_value_dup_object (value);
      break;
    case PROP_INDEX:
      self->index = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
vb_question_editor_grab_focus (GtkWidget *widget)
{
  VbQuestionEditor *self = VB_QUESTION_EDITOR (widget);

  vb_question_editor_focus_subject (self);
  return TRUE;
}

static void
vb_question_editor_class_init (VbQuestionEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vb_question_editor_constructed;
  object_class->dispose = vb_question_editor_dispose;
  object_class->finalize = vb_question_editor_finalize;
  object_class->set_property = vb_question_editor_set_property;
  widget_class->grab_focus = vb_question_editor_grab_focus;

  properties[PROP_LISTS] =
    g_param_spec_object ("lists", NULL, NULL, VB_TYPE_CONTACT_LISTS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTACT] =
    g_param_spec_object ("contact", NULL, NULL, VB_TYPE_CONTACT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The agent edited the question. */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  /* An outcome was chosen (its code). */
  signals[OUTCOME_CHOSEN] =
    g_signal_new ("outcome-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The agent asked to remove this question. */
  signals[REMOVE] =
    g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/contacts/vb-question-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, box);
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, heading);
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, remove_button);
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, used_row);
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, unlink_button);
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, subject_row);
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, subject_counter);
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, afdeling_row);
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, outcome_list);
  gtk_widget_class_bind_template_child (widget_class, VbQuestionEditor, outcome_hint);
  gtk_widget_class_bind_template_callback (widget_class, on_subject_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_unlink_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_afdeling_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_outcome_row_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vbquestioneditor");
}

static void
vb_question_editor_init (VbQuestionEditor *self)
{
  GtkEventController *controller;
  GtkWidget *delegate;

  self->row_codes = g_ptr_array_new_with_free_func (g_free);
  self->checks = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  /* At most 180 characters: the entry refuses more. */
  delegate = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (self->subject_row)));
  if (GTK_IS_TEXT (delegate))
    {
      gtk_text_set_max_length (GTK_TEXT (delegate), VB_CONTACT_SUBJECT_MAX);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (delegate),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->subject_counter, NULL,
                                      -1);
    }
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->subject_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->subject_counter, NULL,
                                  -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->outcome_list),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->outcome_hint, NULL,
                                  -1);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_outcome_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->outcome_list), controller);
}

GtkWidget *
vb_question_editor_new (VbContactLists *lists,
                        VbContact      *contact,
                        guint           index)
{
  return g_object_new (VB_TYPE_QUESTION_EDITOR, "lists", lists, "contact", contact, "index", index,
                       NULL);
}
