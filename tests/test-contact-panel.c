/* test-contact-panel.c: logging contacts in the contact panel, driven like an agent would
 *
 * Runs under Xvfb. Builds the panel over a temporary content database with the demo imported
 * and a temporary contact log, then: marks an answer used, chooses the outcome with a digit
 * key and saves, and finds the contact in the database; refuses a callback without a phone
 * number; asks before saving a possible BSN; keeps the contact open when the database cannot
 * be written; switches between open contacts; restores drafts; corrects and deletes from
 * today's list. Saves screenshots (PNG) to $VRAAGBAAK_SCREENSHOT_DIR or ".".
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <sqlite3.h>
#include <adwaita.h>

#include "vb-contact-panel.h"
#include "vb-contact-store.h"
#include "vb-contacts-today.h"
#include "vb-context.h"
#include "vb-test-util.h"
#include "vb-test-ui.h"

#define OUTCOME_SELF "zelfstandig-afgehandeld"
#define OUTCOME_CALLBACK "terugbelverzoek"

static char *tmpdir;
static VbContext *context;

typedef VbTestPredicate Predicate;

static gboolean
wait_for_seconds (Predicate predicate,
                  gpointer  data,
                  int       seconds)
{
  return vb_test_wait_for_seconds (predicate, data, seconds);
}

static gboolean
wait_for (Predicate predicate,
          gpointer  data)
{
  return vb_test_wait_for_seconds (predicate, data, 15);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
panel_idle (gpointer data)
{
  return !vb_contact_panel_is_busy (data);
}

static gboolean
today_idle (gpointer data)
{
  return !vb_contacts_today_is_loading (data);
}

static void
spin (int iterations)
{
  for (int i = 0; i < iterations; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* A fresh contact log for one test. */
static VbContactStore *
open_contacts (const char *name)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  VbContactStore *store = vb_contact_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

typedef struct
{
  GtkWindow      *window;
  VbContactPanel *panel;
  char           *saved_uuid;
  guint           n_saved;
  guint           n_closed;
  guint           n_messages;
} Fixture;

static void
on_saved (VbContactPanel *panel,
          const char     *uuid,
          Fixture        *f)
{
  g_free (f->saved_uuid);
  f->saved_uuid = g_strdup (uuid);
  f->n_saved++;
}

static void
on_closed (VbContactPanel *panel,
           Fixture        *f)
{
  f->n_closed++;
}

static void
on_message (VbContactPanel *panel,
            const char     *text,
            Fixture        *f)
{
  g_test_message ("message: %s", text);
  f->n_messages++;
}

static void
fixture_init (Fixture        *f,
              VbContactStore *contacts)
{
  memset (f, 0, sizeof *f);
  f->window = GTK_WINDOW (gtk_window_new ());
  f->panel = VB_CONTACT_PANEL (vb_contact_panel_new (context, contacts));
  g_signal_connect (f->panel, "saved", G_CALLBACK (on_saved), f);
  g_signal_connect (f->panel, "closed", G_CALLBACK (on_closed), f);
  g_signal_connect (f->panel, "message", G_CALLBACK (on_message), f);
  gtk_window_set_child (f->window, GTK_WIDGET (f->panel));
  gtk_window_set_default_size (f->window, 400, 860);
  gtk_window_present (f->window);
  g_assert_true (wait_for (window_mapped, f->window));
  /* The panel first looks for drafts to restore. */
  g_assert_true (wait_for (panel_idle, f->panel));
}

static void
fixture_clear (Fixture *f)
{
  g_assert_true (wait_for (panel_idle, f->panel));
  gtk_window_destroy (f->window);
  g_free (f->saved_uuid);
  spin (20);
}

/* Depth-first: the first mapped widget named @name below @root. */
static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_get_mapped (child))
        continue;
      if (g_strcmp0 (gtk_widget_get_name (child), name) == 0)
        return child;
      if ((found = find_named (child, name)) != NULL)
        return found;
    }
  return NULL;
}

static guint
count_rows (GtkWidget *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += GTK_IS_LIST_BOX_ROW (child);
  return n;
}

static gboolean
outcomes_loaded (gpointer data)
{
  GtkWidget *list = find_named (data, "outcomes");

  return list != NULL && count_rows (list) > 0;
}

static guint
outcome_number (const char *code)
{
  g_autoptr(JsonArray) array =
    vb_store_dup_list (vb_context_get_store (context), "gespreksresultaten", NULL);

  g_assert_nonnull (array);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "code"),
                   code) == 0)
      return i + 1;
  g_assert_not_reached ();
}

/* Presses @keyval where the keyboard focus is, through the key controllers that would see it
 * (capture phase, from the window down), as GTK would deliver a key press. */
static gboolean
press_key (GtkWindow *window,
           guint      keyval)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();

  g_assert_nonnull (focus);
  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    g_ptr_array_insert (chain, 0, w);
  for (guint i = 0; i < chain->len; i++)
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (g_ptr_array_index (chain, i));

      for (guint k = 0; k < g_list_model_get_n_items (controllers); k++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, k);
          gboolean handled = FALSE;

          if (!GTK_IS_EVENT_CONTROLLER_KEY (controller) ||
              gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_CAPTURE)
            continue;
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
          if (handled)
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
has_save_shortcut (GtkWidget *panel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (panel);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (strstr (trigger, "<Control>Return") != NULL && GTK_IS_NAMED_ACTION (action) &&
              g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "contact.save"))
            return TRUE;
        }
    }
  return FALSE;
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static GtkWidget *
find_button_labelled (GtkWidget  *root,
                      const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      if ((found = find_button_labelled (child, label)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

/* Clicks the dialog's button for @response, as the agent would (which also closes it). */
static void
respond (const char *response)
{
  AdwMessageDialog *dialog;
  GtkWidget *button;

  g_assert_true (wait_for (dialog_shown, NULL));
  dialog = find_dialog ();
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  button = find_button_labelled (GTK_WIDGET (dialog),
                                 adw_message_dialog_get_response_label (dialog, response));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (wait_for (no_dialog, NULL));
  spin (20);
}

static void
set_notes (Fixture    *f,
           const char *text)
{
  GtkWidget *notes = find_named (GTK_WIDGET (f->panel), "notes");

  g_assert_nonnull (notes);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (notes)), text, -1);
}

static VbContact *
get_saved (VbContactStore *store,
           const char     *uuid)
{
  g_autoptr(GError) error = NULL;
  VbContact *contact = vb_contact_store_get (store, uuid, &error);

  g_assert_no_error (error);
  g_assert_nonnull (contact);
  return contact;
}

static void
save_and_wait (Fixture *f)
{
  guint before = f->n_saved;

  gtk_widget_activate_action (GTK_WIDGET (f->panel), "contact.save", NULL);
  spin (5);
  g_assert_true (wait_for (panel_idle, f->panel));
  spin (5);
  g_assert_cmpuint (f->n_saved, ==, before + 1);
}

/* The whole flow the window drives by keyboard: Ctrl+U (mark used, focus the outcomes), a
 * digit, Ctrl+Enter; the contact is then in the database with that outcome. */
static void
test_keyboard_flow (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("flow.db");
  g_autoptr(VbContact) saved = NULL;
  g_auto(GStrv) consulted = NULL;
  VbContactQuestion *q;
  VbContact *contact;
  GtkWidget *outcomes;
  Fixture f;

  fixture_init (&f, store);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 0);
  g_assert_true (has_save_shortcut (GTK_WIDGET (f.panel)));

  vb_contact_panel_new_contact (f.panel, NULL, NULL);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 1);
  contact = vb_contact_panel_get_current (f.panel);
  g_assert_nonnull (contact);
  /* The default channel on a telephone workstation. */
  g_assert_cmpstr (vb_contact_get_channel (contact), ==, "telefoon");
  g_assert_true (wait_for (outcomes_loaded, f.panel));

  vb_contact_panel_add_consulted (f.panel, "vac-grofvuil-kosten");
  /* Ctrl+U in the window: */
  vb_contact_panel_mark_used (f.panel, "vac-paspoort-kosten", NULL, "Paspoort - Kosten");
  vb_contact_panel_focus_outcome (f.panel);
  spin (5);

  /* Nothing is chosen before the agent chooses. */
  q = vb_contact_get_question (contact, 0);
  g_assert_cmpstr (q->item_id, ==, "vac-paspoort-kosten");
  g_assert_cmpstr (q->subject_text, ==, "Paspoort - Kosten");
  g_assert_null (q->outcome);
  outcomes = find_named (GTK_WIDGET (f.panel), "outcomes");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f.window)), outcomes));

  /* Saving without an outcome is refused. */
  gtk_widget_activate_action (GTK_WIDGET (f.panel), "contact.save", NULL);
  spin (5);
  g_assert_true (wait_for (panel_idle, f.panel));
  g_assert_cmpuint (f.n_saved, ==, 0);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 1);

  /* The digit key, where the focus is. */
  g_assert_true (press_key (f.window, GDK_KEY_0 + outcome_number (OUTCOME_SELF)));
  g_assert_cmpstr (vb_contact_get_question (contact, 0)->outcome, ==, OUTCOME_SELF);

  /* Ctrl+Enter. */
  save_and_wait (&f);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 0);
  g_assert_cmpuint (f.n_closed, ==, 1);

  saved = get_saved (store, f.saved_uuid);
  g_assert_cmpint (vb_contact_get_status (saved), ==, VB_CONTACT_FINISHED);
  g_assert_cmpuint (vb_contact_get_n_questions (saved), ==, 1);
  q = vb_contact_get_question (saved, 0);
  g_assert_cmpstr (q->outcome, ==, OUTCOME_SELF);
  g_assert_cmpstr (q->item_id, ==, "vac-paspoort-kosten");
  g_assert_cmpstr (vb_contact_get_channel (saved), ==, "telefoon");
  consulted = vb_contact_dup_consulted (saved);
  g_assert_true (g_strv_contains ((const char *const *) consulted, "vac-grofvuil-kosten"));
  g_assert_true (g_strv_contains ((const char *const *) consulted, "vac-paspoort-kosten"));

  fixture_clear (&f);
}

/* A second question, a product section and the department. */
static void
test_two_questions (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("questions.db");
  g_autoptr(VbContact) saved = NULL;
  VbContactQuestion *q;
  Fixture f;

  fixture_init (&f, store);
  vb_contact_panel_new_contact (f.panel, "balie", NULL);
  g_assert_true (wait_for (outcomes_loaded, f.panel));
  vb_contact_panel_mark_used (f.panel, "vac-paspoort-kosten", NULL, "Paspoort - Kosten");
  g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome_number (OUTCOME_SELF)));
  /* The last question has its outcome: the next answer used is a new question. */
  vb_contact_panel_mark_used (f.panel, "prod-paspoort", "kostenEnBetaalmethoden",
                              "Paspoort - Kosten en betalen");
  g_assert_cmpuint (vb_contact_get_n_questions (vb_contact_panel_get_current (f.panel)), ==, 2);
  vb_contact_panel_focus_outcome (f.panel);
  g_assert_true (press_key (f.window, GDK_KEY_KP_0 + outcome_number ("afgehandeld-na-ruggespraak")));
  save_and_wait (&f);

  saved = get_saved (store, f.saved_uuid);
  g_assert_cmpstr (vb_contact_get_channel (saved), ==, "balie");
  g_assert_cmpuint (vb_contact_get_n_questions (saved), ==, 2);
  q = vb_contact_get_question (saved, 1);
  g_assert_cmpstr (q->item_id, ==, "prod-paspoort");
  g_assert_cmpstr (q->section, ==, "kostenEnBetaalmethoden");
  g_assert_cmpstr (q->outcome, ==, "afgehandeld-na-ruggespraak");
  g_assert_cmpstr (vb_contact_get_question (saved, 0)->outcome, ==, OUTCOME_SELF);

  /* The channel is remembered for the next contact. */
  vb_contact_panel_new_contact (f.panel, NULL, NULL);
  g_assert_cmpstr (vb_contact_get_channel (vb_contact_panel_get_current (f.panel)), ==, "balie");
  gtk_widget_activate_action (GTK_WIDGET (f.panel), "contact.discard", NULL);
  respond ("discard");
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 0);
  g_settings_reset (vb_context_get_settings (context), "last-channel");

  fixture_clear (&f);
}

/* A free-text subject is cut at 180 characters and the notes at 1,000. */
static void
test_limits (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("limits.db");
  g_autofree char *long_text = g_strnfill (1500, 'x');
  GtkWidget *subject, *notes;
  VbContact *contact;
  GtkTextBuffer *buffer;
  GtkTextIter end;
  Fixture f;

  fixture_init (&f, store);
  vb_contact_panel_new_contact (f.panel, NULL, NULL);
  subject = find_named (GTK_WIDGET (f.panel), "subject");
  g_assert_nonnull (subject);
  gtk_editable_set_text (GTK_EDITABLE (subject), long_text);
  g_assert_cmpint (g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (subject)), -1), <=, 180);
  contact = vb_contact_panel_get_current (f.panel);
  g_assert_cmpint (g_utf8_strlen (vb_contact_get_question (contact, 0)->subject_text, -1), <=, 180);

  notes = find_named (GTK_WIDGET (f.panel), "notes");
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (notes));
  gtk_text_buffer_set_text (buffer, "Begin ", -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, long_text, -1);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 1000);
  g_assert_cmpint (g_utf8_strlen (vb_contact_get_notes (contact), -1), ==, 1000);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "more", -1);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 1000);

  gtk_widget_activate_action (GTK_WIDGET (f.panel), "contact.discard", NULL);
  respond ("discard");
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 0);
  fixture_clear (&f);
}

/* A callback request needs a phone number; with one it is saved and listed as open. */
static void
test_callback_needs_phone (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("callback.db");
  g_autoptr(GPtrArray) callbacks = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *phone;
  VbCallback *callback;
  Fixture f;

  fixture_init (&f, store);
  vb_contact_panel_new_contact (f.panel, NULL, NULL);
  g_assert_true (wait_for (outcomes_loaded, f.panel));
  vb_contact_panel_mark_used (f.panel, "vac-paspoort-kosten", NULL, "Paspoort - Kosten");
  vb_contact_panel_focus_outcome (f.panel);
  g_assert_true (press_key (f.window, GDK_KEY_0 + outcome_number (OUTCOME_CALLBACK)));
  spin (10);

  /* The callback fields show, and the phone field has the focus. */
  phone = find_named (GTK_WIDGET (f.panel), "callback-phone");
  g_assert_nonnull (phone);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f.window)), phone));

  gtk_widget_activate_action (GTK_WIDGET (f.panel), "contact.save", NULL);
  spin (5);
  g_assert_true (wait_for (panel_idle, f.panel));
  g_assert_cmpuint (f.n_saved, ==, 0);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 1);

  gtk_editable_set_text (GTK_EDITABLE (phone), "06 1234 5678");
  save_and_wait (&f);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 0);

  callbacks = vb_contact_store_list_callbacks (store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (callbacks->len, ==, 1);
  callback = g_ptr_array_index (callbacks, 0);
  g_assert_cmpstr (callback->phone, ==, "06 1234 5678");

  /* The caller's number from the telephony system fills in the callback number. */
  vb_contact_panel_new_contact (f.panel, NULL, "0201234567");
  g_assert_cmpstr (vb_contact_get_caller_phone (vb_contact_panel_get_current (f.panel)), ==, "0201234567");
  vb_contact_panel_mark_used (f.panel, "vac-paspoort-kosten", NULL, "Paspoort - Kosten");
  g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome_number (OUTCOME_CALLBACK)));
  callback = vb_contact_get_callback (vb_contact_panel_get_current (f.panel));
  g_assert_cmpstr (callback->phone, ==, "0201234567");
  save_and_wait (&f);

  fixture_clear (&f);
}

/* A note with a number passing the elfproef asks before saving. */
static void
test_bsn_asks_first (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("bsn.db");
  g_autoptr(VbContact) saved = NULL;
  Fixture f;

  fixture_init (&f, store);
  vb_contact_panel_new_contact (f.panel, NULL, NULL);
  g_assert_true (wait_for (outcomes_loaded, f.panel));
  vb_contact_panel_mark_used (f.panel, "vac-paspoort-kosten", NULL, "Paspoort - Kosten");
  g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome_number (OUTCOME_SELF)));
  set_notes (&f, "Beller gaf nummer 111222333 door");
  g_assert_true (vb_text_has_bsn ("111222333"));

  gtk_widget_activate_action (GTK_WIDGET (f.panel), "contact.save", NULL);
  respond ("edit");
  g_assert_true (wait_for (panel_idle, f.panel));
  g_assert_cmpuint (f.n_saved, ==, 0);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 1);
  /* Back in the notes to edit them. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f.window)) == find_named (GTK_WIDGET (f.panel), "notes"));

  gtk_widget_activate_action (GTK_WIDGET (f.panel), "contact.save", NULL);
  respond ("save");
  g_assert_true (wait_for (panel_idle, f.panel));
  spin (5);
  g_assert_cmpuint (f.n_saved, ==, 1);
  saved = get_saved (store, f.saved_uuid);
  g_assert_cmpstr (vb_contact_get_notes (saved), ==, "Beller gaf nummer 111222333 door");

  /* A number that fails the elfproef does not ask. */
  vb_contact_panel_new_contact (f.panel, NULL, NULL);
  vb_contact_panel_mark_used (f.panel, "vac-paspoort-kosten", NULL, "Paspoort - Kosten");
  g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome_number (OUTCOME_SELF)));
  set_notes (&f, "Zaaknummer 123456789");
  g_assert_false (vb_text_has_bsn ("123456789"));
  save_and_wait (&f);
  g_assert_null (find_dialog ());

  fixture_clear (&f);
}

static gboolean
has_error (gpointer data)
{
  Fixture *f = data;

  return f->n_messages > 0 && !vb_contact_panel_is_busy (f->panel);
}

/* Opens a contact ready to finish, with notes that must not be lost. */
static char *
prepare_contact (Fixture *f)
{
  vb_contact_panel_new_contact (f->panel, NULL, "0612345678");
  g_assert_true (wait_for (outcomes_loaded, f->panel));
  vb_contact_panel_mark_used (f->panel, "vac-paspoort-kosten", NULL, "Paspoort - Kosten");
  g_assert_true (vb_contact_panel_choose_outcome (f->panel, outcome_number (OUTCOME_SELF)));
  set_notes (f, "Niet kwijtraken");
  return g_strdup (vb_contact_get_uuid (vb_contact_panel_get_current (f->panel)));
}

/* Saving failed: the contact is still open, in memory, unchanged, and the agent was told. */
static void
assert_kept_open (Fixture    *f,
                  const char *uuid)
{
  VbContact *current;

  g_assert_true (wait_for_seconds (has_error, f, 60));
  g_assert_cmpuint (f->n_saved, ==, 0);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f->panel), ==, 1);
  current = vb_contact_panel_get_current (f->panel);
  g_assert_cmpstr (vb_contact_get_uuid (current), ==, uuid);
  g_assert_cmpint (vb_contact_get_status (current), ==, VB_CONTACT_OPEN);
  g_assert_cmpstr (vb_contact_get_notes (current), ==, "Niet kwijtraken");
  g_assert_cmpstr (vb_contact_get_question (current, 0)->outcome, ==, OUTCOME_SELF);
  /* And it can be saved again. */
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (f->panel)));
}

static void
assert_saved_after_all (Fixture        *f,
                        VbContactStore *store,
                        const char     *uuid)
{
  g_autoptr(VbContact) saved = NULL;

  save_and_wait (f);
  g_assert_cmpstr (f->saved_uuid, ==, uuid);
  saved = get_saved (store, uuid);
  g_assert_cmpint (vb_contact_get_status (saved), ==, VB_CONTACT_FINISHED);
  g_assert_cmpstr (vb_contact_get_notes (saved), ==, "Niet kwijtraken");
}

/* A read-only contact log keeps the contact open, in memory, and says so; once the log is
 * writable again the same contact saves. */
static void
test_read_only_keeps_contact (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("readonly.db");
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  Fixture f;

  fixture_init (&f, store);
  uuid = prepare_contact (&f);

  /* The connection refuses every write, as a read-only file does. */
  g_assert_true (vb_contact_store_exec (store, "PRAGMA query_only = ON", &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (f.panel), "contact.save", NULL);
  assert_kept_open (&f, uuid);
  vb_test_save_window_png (GTK_WIDGET (f.window), "screenshot-contact-panel-error.png");

  g_assert_true (vb_contact_store_exec (store, "PRAGMA query_only = OFF", &error));
  g_assert_no_error (error);
  assert_saved_after_all (&f, store, uuid);
  fixture_clear (&f);
}

/* Another program holding the write lock (the tests may run as root, so file permissions
 * cannot make the file read-only): the same. */
static void
test_locked_keeps_contact (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "locked.db", NULL);
  g_autoptr(VbContactStore) store = open_contacts ("locked.db");
  g_autofree char *uuid = NULL;
  sqlite3 *db = NULL;
  Fixture f;

  fixture_init (&f, store);
  uuid = prepare_contact (&f);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  gtk_widget_activate_action (GTK_WIDGET (f.panel), "contact.save", NULL);
  assert_kept_open (&f, uuid);
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  assert_saved_after_all (&f, store, uuid);
  fixture_clear (&f);
}

/* Two open contacts (a caller on hold, a visitor at the desk) with the switcher. */
static void
test_switcher (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("switcher.db");
  g_autofree char *first_uuid = NULL;
  g_autofree char *second_uuid = NULL;
  g_autofree char *title = NULL;
  g_autoptr(VbContact) saved = NULL;
  GtkWidget *switcher;
  Fixture f;

  fixture_init (&f, store);
  vb_contact_panel_new_contact (f.panel, "telefoon", NULL);
  first_uuid = g_strdup (vb_contact_get_uuid (vb_contact_panel_get_current (f.panel)));
  g_assert_true (wait_for (outcomes_loaded, f.panel));
  vb_contact_panel_mark_used (f.panel, "vac-paspoort-kosten", NULL, "Paspoort - Kosten");

  vb_contact_panel_new_contact (f.panel, "balie", NULL);
  second_uuid = g_strdup (vb_contact_get_uuid (vb_contact_panel_get_current (f.panel)));
  g_assert_cmpstr (first_uuid, !=, second_uuid);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 2);
  spin (10);

  switcher = NULL;
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (f.panel)); w != NULL && switcher == NULL;
       w = gtk_widget_get_first_child (w))
    for (GtkWidget *c = w; c != NULL; c = gtk_widget_get_next_sibling (c))
      for (GtkWidget *d = gtk_widget_get_first_child (c); d != NULL; d = gtk_widget_get_next_sibling (d))
        if (GTK_IS_DROP_DOWN (d))
          switcher = d;
  g_assert_nonnull (switcher);
  g_assert_true (gtk_widget_get_visible (switcher));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (switcher)), ==, 1);
  g_object_get (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (switcher)), "title", &title, NULL);
  g_assert_true (g_str_has_prefix (title, "Contact 2 ("));

  /* The second contact is shown: what the agent marks goes there. */
  vb_contact_panel_mark_used (f.panel, "vac-grofvuil-kosten", NULL, "Grofvuil - Kosten");
  g_assert_cmpstr (vb_contact_get_question (vb_contact_panel_get_current (f.panel), 0)->item_id, ==,
                   "vac-grofvuil-kosten");
  vb_test_save_window_png (GTK_WIDGET (f.window), "screenshot-contact-panel-two.png");

  /* Back to the caller on hold, with the switcher. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (switcher), 0);
  g_assert_cmpstr (vb_contact_get_uuid (vb_contact_panel_get_current (f.panel)), ==, first_uuid);
  g_assert_cmpstr (vb_contact_get_question (vb_contact_panel_get_current (f.panel), 0)->item_id, ==,
                   "vac-paspoort-kosten");
  g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome_number (OUTCOME_SELF)));
  save_and_wait (&f);
  g_assert_cmpstr (f.saved_uuid, ==, first_uuid);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 1);
  g_assert_cmpstr (vb_contact_get_uuid (vb_contact_panel_get_current (f.panel)), ==, second_uuid);
  g_assert_false (gtk_widget_get_visible (switcher));

  vb_contact_panel_select (f.panel, 0);
  g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome_number ("verwezen-andere-instantie")));
  save_and_wait (&f);
  saved = get_saved (store, second_uuid);
  g_assert_cmpstr (vb_contact_get_channel (saved), ==, "balie");
  g_assert_cmpstr (vb_contact_get_question (saved, 0)->item_id, ==, "vac-grofvuil-kosten");
  g_settings_reset (vb_context_get_settings (context), "last-channel");

  fixture_clear (&f);
}

typedef struct
{
  VbContactStore *store;
  const char     *uuid;
  const char     *notes;
} DraftCheck;

static gboolean
draft_stored (gpointer data)
{
  DraftCheck *check = data;
  g_autoptr(GPtrArray) drafts = vb_contact_store_list_drafts (check->store, NULL);

  if (drafts == NULL)
    return FALSE;
  for (guint i = 0; i < drafts->len; i++)
    if (g_strcmp0 (vb_contact_get_uuid (g_ptr_array_index (drafts, i)), check->uuid) == 0)
      return g_strcmp0 (vb_contact_get_notes (g_ptr_array_index (drafts, i)), check->notes) == 0;
  return FALSE;
}

/* An open contact is saved as a draft within seconds and reopened by the next panel. */
static void
test_drafts_restored (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("drafts.db");
  g_autofree char *uuid = NULL;
  DraftCheck check;
  Fixture f, g;

  fixture_init (&f, store);
  vb_contact_panel_new_contact (f.panel, NULL, "0612345678");
  g_assert_true (wait_for (outcomes_loaded, f.panel));
  uuid = g_strdup (vb_contact_get_uuid (vb_contact_panel_get_current (f.panel)));
  vb_contact_panel_mark_used (f.panel, "vac-paspoort-kosten", NULL, "Paspoort - Kosten");
  set_notes (&f, "Wacht op collega");
  check.store = store;
  check.uuid = uuid;
  check.notes = "Wacht op collega";
  /* The five-second draft timer. */
  g_assert_true (wait_for_seconds (draft_stored, &check, 12));
  fixture_clear (&f);

  /* "After a crash": a new panel on the same log. */
  fixture_init (&g, store);
  g_assert_cmpuint (vb_contact_panel_get_n_open (g.panel), ==, 1);
  g_assert_cmpstr (vb_contact_get_uuid (vb_contact_panel_get_current (g.panel)), ==, uuid);
  g_assert_cmpstr (vb_contact_get_caller_phone (vb_contact_panel_get_current (g.panel)), ==, "0612345678");
  g_assert_cmpstr (vb_contact_get_question (vb_contact_panel_get_current (g.panel), 0)->item_id, ==,
                   "vac-paspoort-kosten");
  g_assert_true (wait_for (outcomes_loaded, g.panel));
  g_assert_true (vb_contact_panel_choose_outcome (g.panel, outcome_number (OUTCOME_SELF)));
  save_and_wait (&g);
  g_assert_cmpstr (g.saved_uuid, ==, uuid);
  fixture_clear (&g);

  /* Finished: not restored again. */
  fixture_init (&f, store);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 0);

  /* Closing the window writes what changed since the last draft. */
  vb_contact_panel_new_contact (f.panel, NULL, NULL);
  g_free (uuid);
  uuid = g_strdup (vb_contact_get_uuid (vb_contact_panel_get_current (f.panel)));
  set_notes (&f, "Laatste wijziging");
  fixture_clear (&f);
  check.uuid = uuid;
  check.notes = "Laatste wijziging";
  g_assert_true (wait_for_seconds (draft_stored, &check, 4));

  /* Discarding it forgets the draft. */
  fixture_init (&g, store);
  g_assert_cmpuint (vb_contact_panel_get_n_open (g.panel), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (g.panel), "contact.discard", NULL);
  respond ("discard");
  g_assert_cmpuint (vb_contact_panel_get_n_open (g.panel), ==, 0);
  g_assert_true (wait_for (panel_idle, g.panel));
  {
    g_autoptr(GPtrArray) drafts = vb_contact_store_list_drafts (store, NULL);

    g_assert_nonnull (drafts);
    g_assert_cmpuint (drafts->len, ==, 0);
  }
  fixture_clear (&g);
}

static gboolean
today_has (gpointer data)
{
  return !vb_contacts_today_is_loading (data) && vb_contacts_today_get_n_contacts (data) > 0;
}

static GtkWidget *
find_list (GtkWidget *root,
           guint      nth)
{
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();
  GtkWidget *stack[256];
  int top = 0;

  stack[top++] = root;
  while (top > 0)
    {
      GtkWidget *w = stack[--top];
      GtkWidget *children[64];
      int n = 0;

      if (GTK_IS_LIST_BOX (w))
        g_ptr_array_add (lists, w);
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL && n < 64;
           c = gtk_widget_get_next_sibling (c))
        children[n++] = c;
      while (n > 0 && top < 256)
        stack[top++] = children[--n];
    }
  return nth < lists->len ? g_ptr_array_index (lists, nth) : NULL;
}

static GtkWidget *
find_button_in (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child))
        return child;
      if ((found = find_button_in (child)) != NULL)
        return found;
    }
  return NULL;
}

static GtkListBoxRow *
row_for (GtkWidget  *list,
         const char *uuid)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), i);
      VbContact *contact;

      if (row == NULL)
        return NULL;
      /* Each row carries its contact. */
      contact = g_object_get_data (G_OBJECT (row), "contact");
      if (contact != NULL && g_strcmp0 (vb_contact_get_uuid (contact), uuid) == 0)
        return row;
    }
}

/* Today's contacts: correct one (the same day), delete one after confirming, close a callback. */
static void
test_today (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("today.db");
  char *uuids[3] = { NULL, };
  g_autoptr(VbContact) corrected = NULL;
  g_autoptr(VbContact) deleted = NULL;
  g_autoptr(GPtrArray) callbacks = NULL;
  GtkWidget *today, *contacts_list, *callbacks_list, *window;
  GtkListBoxRow *row;
  Fixture f;

  fixture_init (&f, store);
  for (guint i = 0; i < 3; i++)
    {
      guint outcome = outcome_number (i == 2 ? OUTCOME_CALLBACK : OUTCOME_SELF);

      vb_contact_panel_new_contact (f.panel, i == 1 ? "balie" : "telefoon", "0612345678");
      g_assert_true (wait_for (outcomes_loaded, f.panel));
      vb_contact_panel_mark_used (f.panel, i == 0 ? "vac-paspoort-kosten" : "vac-grofvuil-kosten", NULL,
                                  i == 0 ? "Paspoort - Kosten" : "Grofvuil - Kosten");
      g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome));
      save_and_wait (&f);
      uuids[i] = g_strdup (f.saved_uuid);
    }

  window = gtk_window_new ();
  today = vb_contacts_today_new (context, store);
  vb_contacts_today_set_panel (VB_CONTACTS_TODAY (today), f.panel);
  gtk_window_set_child (GTK_WINDOW (window), today);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 640);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (window_mapped, window));
  g_assert_true (wait_for (today_has, today));
  spin (20);
  g_assert_true (wait_for (today_idle, today));
  g_assert_cmpuint (vb_contacts_today_get_n_contacts (VB_CONTACTS_TODAY (today)), ==, 3);
  g_assert_cmpuint (vb_contacts_today_get_n_callbacks (VB_CONTACTS_TODAY (today)), ==, 1);
  vb_test_save_window_png (window, "screenshot-contacts-today.png");

  contacts_list = find_list (today, 0);
  callbacks_list = find_list (today, 1);
  g_assert_nonnull (contacts_list);
  g_assert_nonnull (callbacks_list);

  /* Reopen the first contact for correction and change its outcome. */
  row = row_for (contacts_list, uuids[0]);
  g_assert_nonnull (row);
  g_signal_emit_by_name (contacts_list, "row-activated", row);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 1);
  g_assert_cmpstr (vb_contact_get_uuid (vb_contact_panel_get_current (f.panel)), ==, uuids[0]);
  vb_test_save_window_png (GTK_WIDGET (f.window), "screenshot-contact-panel-correction.png");
  g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome_number ("melding-aangemaakt")));
  save_and_wait (&f);
  corrected = get_saved (store, uuids[0]);
  g_assert_cmpstr (vb_contact_get_question (corrected, 0)->outcome, ==, "melding-aangemaakt");
  g_assert_cmpint (vb_contact_get_status (corrected), ==, VB_CONTACT_FINISHED);
  spin (10);
  g_assert_true (wait_for (today_idle, today));
  g_assert_cmpuint (vb_contacts_today_get_n_contacts (VB_CONTACTS_TODAY (today)), ==, 3);

  /* Delete the second, after confirming; cancelling first keeps it. */
  row = row_for (contacts_list, uuids[1]);
  g_assert_nonnull (row);
  g_signal_emit_by_name (find_button_in (GTK_WIDGET (row)), "clicked");
  respond ("cancel");
  g_assert_true (wait_for (today_idle, today));
  g_assert_cmpuint (vb_contacts_today_get_n_contacts (VB_CONTACTS_TODAY (today)), ==, 3);
  row = row_for (contacts_list, uuids[1]);
  g_signal_emit_by_name (find_button_in (GTK_WIDGET (row)), "clicked");
  respond ("delete");
  spin (10);
  g_assert_true (wait_for (today_idle, today));
  g_assert_cmpuint (vb_contacts_today_get_n_contacts (VB_CONTACTS_TODAY (today)), ==, 2);
  g_assert_null (row_for (contacts_list, uuids[1]));
  deleted = vb_contact_store_get (store, uuids[1], NULL);
  g_assert_true (deleted == NULL || vb_contact_get_status (deleted) == VB_CONTACT_DELETED);

  /* Close the open callback. */
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (callbacks_list), 0);
  g_assert_nonnull (row);
  g_signal_emit_by_name (find_button_in (GTK_WIDGET (row)), "clicked");
  spin (10);
  g_assert_true (wait_for (today_idle, today));
  g_assert_cmpuint (vb_contacts_today_get_n_callbacks (VB_CONTACTS_TODAY (today)), ==, 0);
  callbacks = vb_contact_store_list_callbacks (store, TRUE, NULL);
  g_assert_nonnull (callbacks);
  g_assert_cmpuint (callbacks->len, ==, 0);

  /* A correction under way is a draft too, and comes back as a correction. */
  g_signal_emit_by_name (contacts_list, "row-activated", row_for (contacts_list, uuids[2]));
  g_assert_cmpstr (vb_contact_get_uuid (vb_contact_panel_get_current (f.panel)), ==, uuids[2]);
  g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome_number ("doorverbonden-collega")));
  vb_contact_panel_flush_drafts (f.panel);
  gtk_window_destroy (GTK_WINDOW (window));
  fixture_clear (&f);

  fixture_init (&f, store);
  g_assert_cmpuint (vb_contact_panel_get_n_open (f.panel), ==, 1);
  g_assert_cmpstr (vb_contact_get_uuid (vb_contact_panel_get_current (f.panel)), ==, uuids[2]);
  g_assert_cmpint (vb_contact_get_status (vb_contact_panel_get_current (f.panel)), ==, VB_CONTACT_FINISHED);
  g_assert_cmpstr (vb_contact_get_question (vb_contact_panel_get_current (f.panel), 0)->outcome, ==,
                   "doorverbonden-collega");
  save_and_wait (&f);
  g_clear_object (&corrected);
  corrected = get_saved (store, uuids[2]);
  g_assert_cmpstr (vb_contact_get_question (corrected, 0)->outcome, ==, "doorverbonden-collega");
  g_assert_null (vb_contact_get_callback (corrected));

  for (guint i = 0; i < 3; i++)
    g_free (uuids[i]);
  fixture_clear (&f);
}

/* The panel as the agent sees it, for the eye: a contact with a callback request. */
static void
test_screenshot (void)
{
  g_autoptr(VbContactStore) store = open_contacts ("screenshot.db");
  int width;
  Fixture f;

  fixture_init (&f, store);
  vb_test_save_window_png (GTK_WIDGET (f.window), "screenshot-contact-panel-empty.png");
  vb_contact_panel_new_contact (f.panel, NULL, "0612345678");
  g_assert_true (wait_for (outcomes_loaded, f.panel));
  vb_contact_panel_mark_used (f.panel, "prod-paspoort", "kostenEnBetaalmethoden", "Paspoort - Kosten");
  vb_contact_panel_focus_outcome (f.panel);
  g_assert_true (press_key (f.window, GDK_KEY_0 + outcome_number (OUTCOME_SELF)));
  set_notes (&f, "Beller wil weten of een spoedaanvraag mogelijk is.");
  vb_test_save_window_png (GTK_WIDGET (f.window), "screenshot-contact-panel.png");
  width = gtk_widget_get_width (GTK_WIDGET (f.panel));
  g_assert_cmpint (width, >=, 360);
  g_assert_cmpint (width, <=, 420);

  g_assert_true (vb_contact_panel_choose_outcome (f.panel, outcome_number (OUTCOME_CALLBACK)));
  spin (10);
  /* Scrolled down to the callback request and the notes. */
  gtk_widget_grab_focus (find_named (GTK_WIDGET (f.panel), "notes"));
  spin (10);
  vb_test_save_window_png (GTK_WIDGET (f.window), "screenshot-contact-panel-callback.png");

  gtk_widget_activate_action (GTK_WIDGET (f.panel), "contact.discard", NULL);
  respond ("discard");
  fixture_clear (&f);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GSettings) settings = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  vb_test_ui_init ();

  tmpdir = vb_test_tmpdir ();
  path = g_build_filename (tmpdir, "content.db", NULL);
  settings = g_settings_new ("nl.vraagbaak.Vraagbaak");
  g_settings_set_string (settings, "agent-name", "TST");
  context = vb_context_new (path, settings);
  vb_test_open_context (context);

  g_test_add_func ("/contact-panel/keyboard-flow", test_keyboard_flow);
  g_test_add_func ("/contact-panel/two-questions", test_two_questions);
  g_test_add_func ("/contact-panel/limits", test_limits);
  g_test_add_func ("/contact-panel/callback-needs-phone", test_callback_needs_phone);
  g_test_add_func ("/contact-panel/bsn-asks-first", test_bsn_asks_first);
  g_test_add_func ("/contact-panel/read-only-keeps-contact", test_read_only_keeps_contact);
  g_test_add_func ("/contact-panel/locked-keeps-contact", test_locked_keeps_contact);
  g_test_add_func ("/contact-panel/switcher", test_switcher);
  g_test_add_func ("/contact-panel/drafts-restored", test_drafts_restored);
  g_test_add_func ("/contact-panel/today", test_today);
  g_test_add_func ("/contact-panel/screenshot", test_screenshot);

  ret = g_test_run ();
  g_clear_object (&context);
  vb_test_rmdir (tmpdir);
  return ret;
}
