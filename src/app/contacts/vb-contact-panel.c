/* vb-contact-panel.c: logging the open contacts beside the search and the answer
 *
 * Shows one open contact at a time (a VbContactForm in a stack) with a switcher when several
 * are open. Every store operation runs on a worker thread, one after another in the order
 * asked (a draft never overtakes the finish of the same contact), on a copy of the contact
 * taken on this thread, so editing goes on while a draft is written. An open contact that
 * changed is saved as a draft every five seconds; the drafts are reopened at start, so a
 * crash loses at most those seconds. A finish that fails (a full disk, a read-only
 * database) leaves the contact open and says so.
 *
 * Finishing by keyboard: the window's Ctrl+U marks the shown answer used and calls
 * vb_contact_panel_focus_outcome(); a digit chooses the outcome; Ctrl+Enter saves.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-a11y.h"
#include "vb-contact-form.h"
#include "vb-contact-lists.h"
#include "vb-contact-panel.h"

#define DRAFT_INTERVAL_SECONDS 5

typedef enum
{
  OP_RESTORE,
  OP_DRAFT,
  OP_FINISH,
  OP_CORRECT,
  OP_DISCARD,
} OpKind;

/* One store operation; the worker fills in the result fields. */
typedef struct
{
  OpKind          kind;
  VbContactStore *store;
  VbContactForm  *form;       /* the form it is for, or NULL */
  VbContact      *snapshot;   /* a copy of the form's contact, taken on the UI thread */
  char           *uuid;
  char           *agent;
  guint           generation;

  gboolean        ok;
  GPtrArray      *drafts;
  GError         *error;
} Op;

struct _VbContactPanel
{
  GtkWidget       parent_instance;

  VbContext      *context;
  VbContactStore *contacts;
  VbContactLists *lists;
  GListStore     *open;       /* VbContactForm, in the switcher's order */
  VbContactForm  *current;
  GQueue          ops;
  gboolean        running;
  gboolean        disposed;
  gboolean        draft_failing;
  gboolean        selecting;
  guint           draft_timer;

  GtkWidget      *box;
  GtkLabel       *heading;
  GtkDropDown    *switcher;
  GtkButton      *new_button;
  GtkRevealer    *message_revealer;
  GtkLabel       *message_label;
  GtkStack       *stack;
  GtkStack       *forms;
  GtkWidget      *action_bar;
  GtkLabel       *error_label;
  GtkButton      *discard_button;
  GtkSpinner     *spinner;
  GtkButton      *save_button;
};

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_CONTACTS,
  PROP_N_OPEN,
  N_PROPS
};

enum {
  SAVED,
  CLOSED,
  MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbContactPanel, vb_contact_panel, GTK_TYPE_WIDGET)

static void run_next (VbContactPanel *self);
static void update_state (VbContactPanel *self);
static guint free_number (VbContactPanel *self);
static GtkWidget *form_new (VbContactPanel *self,
                            VbContact      *contact,
                            gboolean        correcting);

/* Operations */

static void
op_free (gpointer data)
{
  Op *op = data;

  g_clear_object (&op->store);
  g_clear_object (&op->form);
  g_clear_object (&op->snapshot);
  g_free (op->uuid);
  g_free (op->agent);
  g_clear_pointer (&op->drafts, g_ptr_array_unref);
  g_clear_error (&op->error);
  g_free (op);
}

static char *
dup_agent (VbContactPanel *self)
{
  g_autofree char *agent = g_settings_get_string (vb_context_get_settings (self->context), "agent-name");

  return *agent ? g_steal_pointer (&agent) : NULL;
}

/* A copy of @contact the worker can write while the agent goes on editing the original. */
static VbContact *
snapshot (VbContact *contact)
{
  return vb_contact_copy (contact);
}

static Op *
op_new (VbContactPanel *self,
        OpKind          kind,
        VbContactForm  *form)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->store = g_object_ref (self->contacts);
  if (form != NULL)
    {
      VbContact *contact = vb_contact_form_get_contact (form);

      op->form = g_object_ref (form);
      op->snapshot = snapshot (contact);
      op->uuid = g_strdup (vb_contact_get_uuid (contact));
      op->generation = vb_contact_form_get_generation (form);
    }
  op->agent = dup_agent (self);
  return op;
}

static void
op_thread (GTask        *task,
           gpointer      source,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Op *op = task_data;

  switch (op->kind)
    {
    case OP_RESTORE:
      op->drafts = vb_contact_store_list_drafts (op->store, &op->error);
      op->ok = op->drafts != NULL;
      break;
    case OP_DRAFT:
      op->ok = vb_contact_store_save_draft (op->store, op->snapshot, &op->error);
      break;
    case OP_FINISH:
      op->ok = vb_contact_store_finish (op->store, op->snapshot, &op->error);
      break;
    case OP_CORRECT:
      op->ok = vb_contact_store_correct (op->store, op->snapshot, &op->error);
      break;
    case OP_DISCARD:
      op->ok = vb_contact_store_discard_draft (op->store, op->uuid, &op->error);
      break;
    default:
      g_assert_not_reached ();
    }
  g_task_return_boolean (task, TRUE);
}

static void
show_message (VbContactPanel *self,
              const char     *text)
{
  gtk_label_set_label (self->message_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->message_revealer, text != NULL);
}

static void
show_error (VbContactPanel *self,
            const char     *text)
{
  gtk_label_set_label (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static guint
find_form (VbContactPanel *self,
           VbContactForm  *form)
{
  guint position;

  if (form != NULL && g_list_store_find (self->open, form, &position))
    return position;
  return GTK_INVALID_LIST_POSITION;
}

static gboolean
is_open (VbContactPanel *self,
         VbContactForm  *form)
{
  return find_form (self, form) != GTK_INVALID_LIST_POSITION;
}

static void
select_form (VbContactPanel *self,
             VbContactForm  *form)
{
  guint position = find_form (self, form);

  if (self->current != form)
    show_error (self, NULL);
  self->current = form;
  self->selecting = TRUE;
  gtk_drop_down_set_selected (self->switcher, position);
  self->selecting = FALSE;
  if (form != NULL)
    gtk_stack_set_visible_child (self->forms, GTK_WIDGET (form));
  update_state (self);
}

static void
drop_queued (VbContactPanel *self,
             VbContactForm  *form,
             OpKind          kind)
{
  for (GList *l = self->ops.head; l != NULL;)
    {
      GList *next = l->next;
      Op *op = l->data;

      if (op->form == form && op->kind == kind)
        {
          g_queue_delete_link (&self->ops, l);
          op_free (op);
        }
      l = next;
    }
}

static gboolean
is_queued (VbContactPanel *self,
           VbContactForm  *form,
           OpKind          kind)
{
  for (GList *l = self->ops.head; l != NULL; l = l->next)
    {
      Op *op = l->data;

      if (op->form == form && op->kind == kind)
        return TRUE;
    }
  return FALSE;
}

static void
enqueue (VbContactPanel *self,
         Op             *op)
{
  g_queue_push_tail (&self->ops, op);
  run_next (self);
}

static void
remove_form (VbContactPanel *self,
             VbContactForm  *form)
{
  guint position = find_form (self, form);
  guint n;

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  drop_queued (self, form, OP_DRAFT);
  g_object_ref (form);
  g_list_store_remove (self->open, position);
  gtk_stack_remove (self->forms, GTK_WIDGET (form));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->open));
  if (self->current == form || self->current == NULL)
    {
      g_autoptr(VbContactForm) next = n > 0 ? g_list_model_get_item (G_LIST_MODEL (self->open),
                                                                     MIN (position, n - 1))
                                            : NULL;

      self->current = NULL;
      select_form (self, next);
    }
  else
    select_form (self, self->current);
  g_object_unref (form);
  g_signal_emit (self, signals[CLOSED], 0);
}

/* An error message as a sentence to put in a longer one. */
char *
vb_contact_error_sentence (const GError *error)
{
  g_autofree char *text = g_strstrip (g_strdup (error != NULL ? error->message : ""));
  gsize len = strlen (text);

  if (len == 0)
    return g_strdup (_("Unknown error."));
  if (g_str_has_suffix (text, ".") || g_str_has_suffix (text, "!") || g_str_has_suffix (text, "?"))
    return g_steal_pointer (&text);
  return g_strdup_printf ("%s.", text);
}

static void
op_done (VbContactPanel *self,
         Op             *op)
{
  g_autofree char *reason = vb_contact_error_sentence (op->error);

  switch (op->kind)
    {
    case OP_RESTORE:
      if (!op->ok)
        {
          g_autofree char *text = g_strdup_printf (_("The contact log cannot be read. %s"),
                                                   reason);

          show_message (self, text);
          g_signal_emit (self, signals[MESSAGE], 0, text);
          break;
        }
      for (guint i = 0; i < op->drafts->len; i++)
        {
          VbContact *contact = g_ptr_array_index (op->drafts, i);
          GtkWidget *form = NULL;
          gboolean known = FALSE;

          for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (self->open)); k++)
            {
              g_autoptr(VbContactForm) open = g_list_model_get_item (G_LIST_MODEL (self->open), k);

              known |= g_strcmp0 (vb_contact_get_uuid (vb_contact_form_get_contact (open)),
                                  vb_contact_get_uuid (contact)) == 0;
            }
          if (known)
            continue;
          /* A finished contact among the drafts was being corrected. */
          form = form_new (self, contact, vb_contact_get_status (contact) == VB_CONTACT_FINISHED);
          vb_contact_form_set_saved (VB_CONTACT_FORM (form),
                                     vb_contact_form_get_generation (VB_CONTACT_FORM (form)));
          vb_contact_form_set_number (VB_CONTACT_FORM (form), free_number (self));
          gtk_stack_add_child (self->forms, form);
          g_list_store_append (self->open, form);
          if (self->current == NULL)
            select_form (self, VB_CONTACT_FORM (form));
        }
      if (op->drafts->len > 0)
        {
          g_autofree char *text =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unfinished contact was reopened",
                                          "%u unfinished contacts were reopened", op->drafts->len),
                             op->drafts->len);

          g_signal_emit (self, signals[MESSAGE], 0, text);
        }
      update_state (self);
      break;

    case OP_DRAFT:
      if (op->ok)
        {
          if (is_open (self, op->form))
            vb_contact_form_set_saved (op->form, op->generation);
          if (self->draft_failing)
            show_message (self, NULL);
          self->draft_failing = FALSE;
        }
      else if (!self->draft_failing)
        {
          g_autofree char *text =
            g_strdup_printf (_("Drafts cannot be saved. %s Keep the contact open and finish it "
                               "when the problem is solved."), reason);

          /* Said once, not every five seconds, until a draft succeeds again. */
          self->draft_failing = TRUE;
          show_message (self, text);
          g_signal_emit (self, signals[MESSAGE], 0, text);
        }
      break;

    case OP_FINISH:
    case OP_CORRECT:
      if (op->ok)
        {
          if (op->kind == OP_FINISH)
            g_settings_set_string (vb_context_get_settings (self->context), "last-channel",
                                   vb_contact_get_channel (op->snapshot));
          if (self->draft_failing)
            show_message (self, NULL);
          self->draft_failing = FALSE;
          g_signal_emit (self, signals[SAVED], 0, op->uuid);
          remove_form (self, op->form);
        }
      else
        {
          g_autofree char *text =
            g_strdup_printf (_("The contact was not saved. %s It stays open here; try again."),
                             reason);

          if (is_open (self, op->form))
            {
              vb_contact_form_set_busy (op->form, FALSE);
              if (self->current == op->form)
                show_error (self, text);
            }
          g_signal_emit (self, signals[MESSAGE], 0, text);
          update_state (self);
        }
      break;

    case OP_DISCARD:
      if (!op->ok)
        {
          g_autofree char *text = g_strdup_printf (_("The draft could not be removed. %s"),
                                                   reason);

          g_signal_emit (self, signals[MESSAGE], 0, text);
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
on_op_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VbContactPanel *self = VB_CONTACT_PANEL (source);
  Op *op = g_task_get_task_data (G_TASK (result));

  self->running = FALSE;
  /* After dispose the queue still drains (the last drafts), without touching the widgets. */
  if (!self->disposed)
    op_done (self, op);
  run_next (self);
}

static void
run_next (VbContactPanel *self)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  if (!self->running && !g_queue_is_empty (&self->ops))
    {
      op = g_queue_pop_head (&self->ops);
      self->running = TRUE;
      task = g_task_new (self, NULL, on_op_done, NULL);
      g_task_set_source_tag (task, run_next);
      g_task_set_task_data (task, op, op_free);
      g_task_run_in_thread (task, op_thread);
    }
  if (self->spinner != NULL)
    gtk_spinner_set_spinning (self->spinner, self->running);
}

static void
enqueue_draft (VbContactPanel *self,
               VbContactForm  *form)
{
  if (vb_contact_form_get_busy (form) || !vb_contact_form_is_dirty (form) ||
      is_queued (self, form, OP_DRAFT))
    return;
  enqueue (self, op_new (self, OP_DRAFT, form));
}

static gboolean
on_draft_tick (gpointer user_data)
{
  VbContactPanel *self = VB_CONTACT_PANEL (user_data);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->open)); i++)
    {
      g_autoptr(VbContactForm) form = g_list_model_get_item (G_LIST_MODEL (self->open), i);

      enqueue_draft (self, form);
    }
  return G_SOURCE_CONTINUE;
}

/* State */

static void
update_state (VbContactPanel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->open));
  gboolean can_act = self->current != NULL && !vb_contact_form_get_busy (self->current);
  gboolean correcting = self->current != NULL && vb_contact_form_is_correcting (self->current);

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "forms" : "empty");
  gtk_widget_set_visible (self->action_bar, n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->switcher), n > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->heading), n <= 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "contact.save", can_act);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "contact.discard", can_act);
  gtk_button_set_label (self->save_button, correcting ? _("_Save Correction") : _("_Save Contact"));
  gtk_button_set_label (self->discard_button, correcting ? _("_Cancel") : _("_Discard…"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->discard_button),
                               correcting ? _("Close the correction without saving it")
                                          : _("Close this contact without saving it"));

  if (n > 0 && self->draft_timer == 0)
    self->draft_timer = g_timeout_add_seconds (DRAFT_INTERVAL_SECONDS, on_draft_tick, self);
  else if (n == 0)
    g_clear_handle_id (&self->draft_timer, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_OPEN]);
}

static guint
free_number (VbContactPanel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->open));

  for (guint number = 1;; number++)
    {
      gboolean taken = FALSE;

      for (guint i = 0; i < n && !taken; i++)
        {
          g_autoptr(VbContactForm) form = g_list_model_get_item (G_LIST_MODEL (self->open), i);

          taken = vb_contact_form_get_number (form) == number;
        }
      if (!taken)
        return number;
    }
}

/* An edit makes an earlier “choose an outcome” out of date. */
static void
on_form_changed (VbContactPanel *self,
                 VbContactForm  *form)
{
  if (form == self->current)
    show_error (self, NULL);
}

static GtkWidget *
form_new (VbContactPanel *self,
          VbContact      *contact,
          gboolean        correcting)
{
  GtkWidget *form = vb_contact_form_new (self->lists, contact, correcting);

  g_signal_connect_object (form, "changed", G_CALLBACK (on_form_changed), self, G_CONNECT_SWAPPED);
  return form;
}

static VbContactForm *
add_form (VbContactPanel *self,
          VbContact      *contact,
          gboolean        correcting)
{
  GtkWidget *form = form_new (self, contact, correcting);

  /* A reopened contact is in the store already: a draft only once it changes. */
  if (correcting)
    vb_contact_form_set_saved (VB_CONTACT_FORM (form),
                               vb_contact_form_get_generation (VB_CONTACT_FORM (form)));
  vb_contact_form_set_number (VB_CONTACT_FORM (form), free_number (self));
  gtk_stack_add_child (self->forms, form);
  g_list_store_append (self->open, form);
  select_form (self, VB_CONTACT_FORM (form));
  return VB_CONTACT_FORM (form);
}

static void
on_switcher_selected (VbContactPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->switcher);
  g_autoptr(VbContactForm) form = NULL;

  if (self->selecting || selected == GTK_INVALID_LIST_POSITION)
    return;
  form = g_list_model_get_item (G_LIST_MODEL (self->open), selected);
  if (form != NULL && form != self->current)
    select_form (self, form);
}

static void
on_new_clicked (VbContactPanel *self)
{
  vb_contact_panel_new_contact (self, NULL, NULL);
  if (self->current != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->current));
}

/* Saving */

static void
really_save (VbContactPanel *self,
             VbContactForm  *form)
{
  Op *op;

  if (!is_open (self, form) || vb_contact_form_get_busy (form))
    return;
  show_error (self, NULL);
  op = op_new (self, vb_contact_form_is_correcting (form) ? OP_CORRECT : OP_FINISH, form);
  /* Callback fields filled in for an outcome that was changed afterwards are not logged. */
  if (!vb_contact_form_needs_callback (form))
    vb_contact_clear_callback (op->snapshot);
  drop_queued (self, form, OP_DRAFT);
  vb_contact_form_set_busy (form, TRUE);
  update_state (self);
  enqueue (self, op);
}

static void
on_bsn_response (AdwMessageDialog *dialog,
                 const char       *response,
                 VbContactForm    *form)
{
  VbContactPanel *self = VB_CONTACT_PANEL (g_object_get_data (G_OBJECT (dialog), "panel"));

  if (g_strcmp0 (response, "save") == 0)
    really_save (self, form);
  else if (is_open (self, form))
    {
      select_form (self, form);
      vb_contact_form_focus_notes (form);
    }
}

static GtkWindow *
parent_window (VbContactPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
ask_bsn (VbContactPanel *self,
         VbContactForm  *form)
{
  GtkWidget *dialog =
    adw_message_dialog_new (parent_window (self), _("Possible Citizen Service Number"),
                            _("This note may contain a BSN (citizen service number). A BSN must "
                              "not be recorded in the contact log. Edit the note, or save it "
                              "anyway if the number is something else."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "edit", _("_Edit"),
                                    "save", _("Save _Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "edit");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "edit");
  g_object_set_data_full (G_OBJECT (dialog), "panel", g_object_ref (self), g_object_unref);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_bsn_response), g_object_ref (form),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Finishes the shown contact: checks it, asks about a possible BSN, then saves on a worker. */
void
vb_contact_panel_save (VbContactPanel *self)
{
  g_autofree char *message = NULL;
  VbContactForm *form;

  g_return_if_fail (VB_IS_CONTACT_PANEL (self));

  form = self->current;
  if (form == NULL || vb_contact_form_get_busy (form))
    return;
  if (!vb_contact_form_validate (form, &message))
    {
      show_error (self, message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  if (vb_contact_form_has_bsn (form))
    {
      ask_bsn (self, form);
      return;
    }
  really_save (self, form);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  vb_contact_panel_save (VB_CONTACT_PANEL (widget));
}

static void
close_without_saving (VbContactPanel *self,
                      VbContactForm  *form)
{
  Op *op;

  if (!is_open (self, form) || vb_contact_form_get_busy (form))
    return;
  /* Its draft may be in the store already: forget it there too, after any draft write. A
   * correction's draft goes; the contact stays as it was saved. */
  op = op_new (self, OP_DISCARD, NULL);
  op->uuid = g_strdup (vb_contact_get_uuid (vb_contact_form_get_contact (form)));
  remove_form (self, form);
  enqueue (self, op);
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     VbContactForm    *form)
{
  VbContactPanel *self = VB_CONTACT_PANEL (g_object_get_data (G_OBJECT (dialog), "panel"));

  if (g_strcmp0 (response, "discard") == 0)
    close_without_saving (self, form);
}

/* Closes the shown contact without logging it, after a confirmation. A correction is simply
 * closed: the contact stays as it was saved. */
void
vb_contact_panel_discard (VbContactPanel *self)
{
  VbContactForm *form;
  GtkWidget *dialog;

  g_return_if_fail (VB_IS_CONTACT_PANEL (self));

  form = self->current;
  if (form == NULL || vb_contact_form_get_busy (form))
    return;
  if (vb_contact_form_is_correcting (form))
    {
      close_without_saving (self, form);
      return;
    }
  dialog = adw_message_dialog_new (parent_window (self), _("Discard This Contact?"),
                                   _("It will not be logged and its draft is removed."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "panel", g_object_ref (self), g_object_unref);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_discard_response), g_object_ref (form),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  vb_contact_panel_discard (VB_CONTACT_PANEL (widget));
}

/* Object */

static void
on_context_ready (VbContactPanel *self)
{
  if (vb_context_is_ready (self->context))
    vb_contact_lists_load (self->lists, vb_context_get_store (self->context));
}

static void
setup_switcher_item (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_switcher_item (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GBinding *binding = g_object_bind_property (gtk_list_item_get_item (item), "title",
                                              gtk_list_item_get_child (item), "label",
                                              G_BINDING_SYNC_CREATE);

  g_object_set_data_full (G_OBJECT (item), "binding", g_object_ref (binding), g_object_unref);
}

static void
unbind_switcher_item (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GBinding *binding = g_object_steal_data (G_OBJECT (item), "binding");

  if (binding != NULL)
    {
      g_binding_unbind (binding);
      g_object_unref (binding);
    }
}

static void
vb_contact_panel_constructed (GObject *object)
{
  VbContactPanel *self = VB_CONTACT_PANEL (object);

  G_OBJECT_CLASS (vb_contact_panel_parent_class)->constructed (object);

  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (on_context_ready), self,
                           G_CONNECT_SWAPPED);
  on_context_ready (self);
  update_state (self);

  /* Reopen what was being logged when the application stopped. */
  enqueue (self, op_new (self, OP_RESTORE, NULL));
}

static void
vb_contact_panel_dispose (GObject *object)
{
  VbContactPanel *self = VB_CONTACT_PANEL (object);

  /* What changed since the last draft is queued now and written after the panel is gone (the
   * tasks hold the panel and the copies). */
  if (!self->disposed && self->open != NULL)
    on_draft_tick (self);
  self->disposed = TRUE;
  g_clear_handle_id (&self->draft_timer, g_source_remove);
  self->current = NULL;
  if (self->open != NULL)
    g_list_store_remove_all (self->open);
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_CONTACT_PANEL);
  self->spinner = NULL;

  G_OBJECT_CLASS (vb_contact_panel_parent_class)->dispose (object);
}

static void
vb_contact_panel_finalize (GObject *object)
{
  VbContactPanel *self = VB_CONTACT_PANEL (object);

  g_clear_object (&self->context);
  g_clear_object (&self->contacts);
  g_clear_object (&self->lists);
  g_clear_object (&self->open);
  g_queue_clear_full (&self->ops, op_free);

  G_OBJECT_CLASS (vb_contact_panel_parent_class)->finalize (object);
}

static void
vb_contact_panel_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VbContactPanel *self = VB_CONTACT_PANEL (object);

  switch (prop_id)
    {
    case PROP_N_OPEN:
      g_value_set_uint (value, vb_contact_panel_get_n_open (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_contact_panel_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VbContactPanel *self = VB_CONTACT_PANEL (object);

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

static gboolean
vb_contact_panel_grab_focus (GtkWidget *widget)
{
  VbContactPanel *self = VB_CONTACT_PANEL (widget);

  if (self->current != NULL)
    return gtk_widget_grab_focus (GTK_WIDGET (self->current));
  return gtk_widget_grab_focus (GTK_WIDGET (self->new_button));
}

static void
vb_contact_panel_class_init (VbContactPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vb_contact_panel_constructed;
  object_class->dispose = vb_contact_panel_dispose;
  object_class->finalize = vb_contact_panel_finalize;
  object_class->get_property = vb_contact_panel_get_property;
  object_class->set_property = vb_contact_panel_set_property;
  widget_class->grab_focus = vb_contact_panel_grab_focus;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VB_TYPE_CONTEXT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTACTS] =
    g_param_spec_object ("contacts", NULL, NULL, VB_TYPE_CONTACT_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_OPEN] =
    g_param_spec_uint ("n-open", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A contact was finished (or corrected) in the store: its uuid. */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* An open contact was closed (saved or discarded). */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  /* Something the agent must know (a store error); the window shows it as a toast. */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "contact.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "contact.discard", NULL, discard_action);

  g_type_ensure (VB_TYPE_CONTACT_FORM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/contacts/vb-contact-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, box);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, heading);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, switcher);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, new_button);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, message_label);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, forms);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, action_bar);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, discard_button);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, VbContactPanel, save_button);
  gtk_widget_class_bind_template_callback (widget_class, on_switcher_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_new_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vbcontactpanel");
}

static void
vb_contact_panel_init (VbContactPanel *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkEventController *shortcuts;
  GtkShortcutTrigger *trigger;

  g_queue_init (&self->ops);
  self->lists = vb_contact_lists_new ();
  self->open = g_list_store_new (VB_TYPE_CONTACT_FORM);
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_switcher_item), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_switcher_item), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_switcher_item), NULL);
  gtk_drop_down_set_factory (self->switcher, factory);
  gtk_drop_down_set_model (self->switcher, G_LIST_MODEL (self->open));
  vb_a11y_label_drop_down (self->switcher, _("Open contacts"));

  /* Ctrl+Enter saves from anywhere in the panel, also from the notes (capture phase). */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  trigger = gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter|<Control>ISO_Enter");
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (trigger, gtk_named_action_new ("contact.save")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

/* The panel logs into @contacts; reference lists and settings come from @context. */
GtkWidget *
vb_contact_panel_new (VbContext      *context,
                      VbContactStore *contacts)
{
  g_return_val_if_fail (VB_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (VB_IS_CONTACT_STORE (contacts), NULL);

  return g_object_new (VB_TYPE_CONTACT_PANEL, "context", context, "contacts", contacts, NULL);
}

static char *
default_channel (VbContactPanel *self)
{
  GSettings *settings = vb_context_get_settings (self->context);
  g_autofree char *last = g_settings_get_string (settings, "last-channel");
  g_autofree char *workstation = g_settings_get_string (settings, "workstation");
  const char *fallback = g_strcmp0 (workstation, "balie") == 0 ? "balie" : "telefoon";

  if (*last && vb_contact_lists_find_channel (self->lists, last) != GTK_INVALID_LIST_POSITION)
    return g_steal_pointer (&last);
  if (vb_contact_lists_find_channel (self->lists, fallback) != GTK_INVALID_LIST_POSITION)
    return g_strdup (fallback);
  return g_strdup (vb_contact_lists_get_channel_code (self->lists, 0));
}

/* Opens a new contact and shows it. @channel defaults to the last one used here (else the
 * workstation's); @phone is the caller's number from the telephony system, or NULL. */
void
vb_contact_panel_new_contact (VbContactPanel *self,
                              const char     *channel,
                              const char     *phone)
{
  g_autofree char *fallback = NULL;
  g_autofree char *agent = NULL;
  g_autoptr(VbContact) contact = NULL;

  g_return_if_fail (VB_IS_CONTACT_PANEL (self));

  if (channel == NULL || *channel == '\0')
    channel = fallback = default_channel (self);
  agent = dup_agent (self);
  contact = vb_contact_new (channel, agent);
  if (phone != NULL && *phone != '\0')
    vb_contact_set_caller_phone (contact, phone);
  add_form (self, contact, FALSE);
}

/* The shown answer is the one used for the current question (a VAC, or a product section
 * with @section and a title such as “Paspoort - Kosten”). Opens a contact when none is. */
void
vb_contact_panel_mark_used (VbContactPanel *self,
                            const char     *item_id,
                            const char     *section,
                            const char     *title)
{
  g_return_if_fail (VB_IS_CONTACT_PANEL (self));
  g_return_if_fail (item_id != NULL);

  if (self->current == NULL)
    vb_contact_panel_new_contact (self, NULL, NULL);
  if (self->current == NULL || vb_contact_form_get_busy (self->current))
    return;
  show_error (self, NULL);
  vb_contact_form_mark_used (self->current, item_id, section, title);
}

/* Everything opened while a contact is shown is collected with it. */
void
vb_contact_panel_add_consulted (VbContactPanel *self,
                                const char     *item_id)
{
  g_return_if_fail (VB_IS_CONTACT_PANEL (self));

  if (self->current != NULL && item_id != NULL && !vb_contact_form_get_busy (self->current))
    vb_contact_form_add_consulted (self->current, item_id);
}

guint
vb_contact_panel_get_n_open (VbContactPanel *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_PANEL (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->open));
}

/* Puts the keyboard on the outcome list of the current question: a digit then chooses. */
void
vb_contact_panel_focus_outcome (VbContactPanel *self)
{
  g_return_if_fail (VB_IS_CONTACT_PANEL (self));

  if (self->current != NULL)
    vb_contact_form_focus_outcome (self->current);
}

/* What a digit key does: chooses outcome @number (1–9, 0 for the tenth) for the current
 * question. */
gboolean
vb_contact_panel_choose_outcome (VbContactPanel *self,
                                 guint           number)
{
  g_return_val_if_fail (VB_IS_CONTACT_PANEL (self), FALSE);

  if (self->current == NULL || vb_contact_form_get_busy (self->current))
    return FALSE;
  return vb_contact_form_choose_outcome (self->current, number);
}

static gboolean
is_today (gint64 unix_time)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (unix_time);

  return then != NULL &&
         g_date_time_get_year (now) == g_date_time_get_year (then) &&
         g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (then);
}

/* Reopens a finished contact of today for correction. Returns FALSE (and says why) when it
 * cannot be corrected. */
gboolean
vb_contact_panel_edit (VbContactPanel *self,
                       VbContact      *contact)
{
  g_autoptr(VbContact) copy = NULL;
  VbContactForm *form;

  g_return_val_if_fail (VB_IS_CONTACT_PANEL (self), FALSE);
  g_return_val_if_fail (VB_IS_CONTACT (contact), FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->open)); i++)
    {
      g_autoptr(VbContactForm) open = g_list_model_get_item (G_LIST_MODEL (self->open), i);

      if (g_strcmp0 (vb_contact_get_uuid (vb_contact_form_get_contact (open)),
                     vb_contact_get_uuid (contact)) == 0)
        {
          select_form (self, open);
          return TRUE;
        }
    }
  if (vb_contact_get_status (contact) != VB_CONTACT_FINISHED ||
      !is_today (vb_contact_get_started (contact)))
    {
      g_signal_emit (self, signals[MESSAGE], 0, _("Only today’s contacts can be corrected"));
      return FALSE;
    }
  copy = snapshot (contact);
  form = add_form (self, copy, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (form));
  return TRUE;
}

/* The contact shown, or NULL. */
VbContact *
vb_contact_panel_get_current (VbContactPanel *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_PANEL (self), NULL);

  return self->current != NULL ? vb_contact_form_get_contact (self->current) : NULL;
}

/* Shows open contact @position (the switcher's order). */
void
vb_contact_panel_select (VbContactPanel *self,
                         guint           position)
{
  g_autoptr(VbContactForm) form = NULL;

  g_return_if_fail (VB_IS_CONTACT_PANEL (self));

  form = g_list_model_get_item (G_LIST_MODEL (self->open), position);
  if (form != NULL)
    select_form (self, form);
}

/* TRUE while a store operation is queued or running. */
gboolean
vb_contact_panel_is_busy (VbContactPanel *self)
{
  g_return_val_if_fail (VB_IS_CONTACT_PANEL (self), FALSE);

  return self->running || !g_queue_is_empty (&self->ops);
}

/* Saves every changed open contact as a draft now and waits until the store operations under
 * way are done (they run on the worker; this iterates the main loop meanwhile). For the window
 * to call when it closes, so not even the last seconds are lost; dispose queues the same
 * drafts but does not wait. */
void
vb_contact_panel_flush_drafts (VbContactPanel *self)
{
  g_return_if_fail (VB_IS_CONTACT_PANEL (self));

  on_draft_tick (self);
  while (vb_contact_panel_is_busy (self))
    g_main_context_iteration (NULL, TRUE);
}
