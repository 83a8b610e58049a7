/* test-window.c: the agent's window, driven like an agent would
 *
 * Runs under Xvfb. Builds the real window over a temporary database filled with the demo
 * content, types queries into the real entry, opens results, copies answers and saves
 * screenshots of the main screens (1280x800 and narrow) as PNG in the build folder.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-application.h"
#include "vb-catalogue-page.h"
#include "vb-contact-panel.h"
#include "vb-html.h"
#include "vb-item-view.h"
#include "vb-rich-text.h"
#include "vb-search-page.h"
#include "vb-shortcuts.h"
#include "vb-window.h"
#include "vb-test-util.h"
#include "vb-test-ui.h"

static char *tmpdir;
static VbContext *context;

typedef VbTestPredicate Predicate;

static gboolean
wait_for (Predicate predicate,
          gpointer  data)
{
  return vb_test_wait_for_seconds (predicate, data, 10);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
results_shown (gpointer data)
{
  const char *state = vb_search_page_get_state (data);

  return g_strcmp0 (state, "results") == 0 || g_strcmp0 (state, "empty") == 0;
}

static gboolean
item_shown (gpointer data)
{
  return vb_item_view_get_item (data) != NULL;
}

static VbWindow *
make_window (int width,
             int height)
{
  VbWindow *window = vb_window_new (NULL, context);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (window_mapped, window));
  return window;
}

static void
search_for (VbWindow   *window,
            const char *query)
{
  VbSearchPage *page = VB_SEARCH_PAGE (vb_window_get_search_page (window));
  GListModel *results = vb_search_page_get_results (page);
  guint before = g_list_model_get_n_items (results);

  vb_search_page_set_text (page, "");
  vb_search_page_set_text (page, query);
  (void) before;
  g_assert_true (wait_for (results_shown, page));
  /* Let the last keystroke's answer arrive. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (wait_for (results_shown, page));
}

static const char *
first_result_id (VbWindow *window)
{
  GListModel *results = vb_search_page_get_results (VB_SEARCH_PAGE (vb_window_get_search_page (window)));
  g_autoptr(VbSearchHit) hit = g_list_model_get_item (results, 0);

  return hit != NULL ? g_intern_string (vb_search_hit_get_id (hit)) : NULL;
}

static void
test_search_shows_expected_first (void)
{
  VbWindow *window = make_window (1280, 800);

  search_for (window, "paspoort kosten");
  g_assert_cmpstr (first_result_id (window), ==, "vac-paspoort-kosten");
  search_for (window, "grofvuil kosten");
  g_assert_cmpstr (first_result_id (window), ==, "vac-grofvuil-kosten");
  /* A caller's word (kliko) finds the content's word (container). */
  search_for (window, "kliko kapot");
  g_assert_cmpstr (first_result_id (window), ==, "vac-container-kapot");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_open_and_read (void)
{
  VbWindow *window = make_window (1280, 800);
  VbItemView *view = VB_ITEM_VIEW (vb_window_get_item_view (window));
  g_autofree char *text = NULL;

  search_for (window, "paspoort kosten");
  /* Enter in the entry opens the selected (first) result. */
  g_signal_emit_by_name (gtk_widget_get_first_child (gtk_widget_get_first_child (
                           gtk_widget_get_first_child (vb_window_get_search_page (window)))),
                         "activate");
  g_assert_true (wait_for (item_shown, view));
  g_assert_cmpstr (vb_item_get_id (vb_item_view_get_item (view)), ==, "vac-paspoort-kosten");
  text = vb_item_view_dup_text (view);
  g_assert_nonnull (strstr (text, "84,95"));
  vb_test_save_window_png (GTK_WIDGET (window), "screenshot-answer-1280x800.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
clipboard_has_text (gpointer data)
{
  GdkClipboard *clipboard = data;
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  return gdk_content_formats_contain_mime_type (formats, "text/html");
}

typedef struct
{
  char    *text;
  gboolean done;
} ReadData;

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadData *data = user_data;

  data->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  data->done = TRUE;
}

static gboolean
read_done (gpointer data)
{
  return ((ReadData *) data)->done;
}

static void
test_copy_answer_and_history (void)
{
  VbWindow *window = make_window (1280, 800);
  VbItemView *view = VB_ITEM_VIEW (vb_window_get_item_view (window));
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  ReadData read = { NULL, FALSE };

  vb_window_open_item (window, "vac-paspoort-kosten");
  g_assert_true (wait_for (item_shown, view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-answer", NULL));
  g_assert_true (wait_for (clipboard_has_text, clipboard));
  gdk_clipboard_read_text_async (clipboard, NULL, on_text_read, &read);
  g_assert_true (wait_for (read_done, &read));
  g_assert_nonnull (read.text);
  g_assert_nonnull (strstr (read.text, "84,95"));
  /* The internal note is never copied for the caller. */
  if (vb_item_get_string (vb_item_view_get_item (view), "toelichting") != NULL)
    {
      g_autofree char *note = vb_html_to_text (vb_item_get_string (vb_item_view_get_item (view),
                                                                   "toelichting"), -1);

      g_assert_null (strstr (read.text, note));
    }
  g_free (read.text);

  /* Alt+Left and Alt+Right walk the history. */
  vb_window_open_item (window, "pdc-rijbewijs");
  while (g_strcmp0 (vb_item_get_id (vb_item_view_get_item (view)), "pdc-rijbewijs") != 0)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  while (g_strcmp0 (vb_item_get_id (vb_item_view_get_item (view)), "vac-paspoort-kosten") != 0)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.forward", NULL);
  while (g_strcmp0 (vb_item_get_id (vb_item_view_get_item (view)), "pdc-rijbewijs") != 0)
    g_main_context_iteration (NULL, TRUE);

  /* A product's sections are reachable with Alt+1..9 (win.show-section). */
  g_assert_cmpuint (vb_item_view_get_n_sections (view), >=, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "i", 2));
  g_assert_true (VB_IS_RICH_TEXT (gtk_root_get_focus (GTK_ROOT (window))));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_hostile_html (void)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  GString *deep = g_string_new ("<p>Begin");
  VbWindow *window;
  VbItemView *view;
  g_autofree char *text = NULL;

  for (int i = 0; i < 10000; i++)
    g_string_append (deep, "<b>");
  g_string_append (deep, "diep</p>");
  json_object_set_string_member (fields, "vraag", "Gevaarlijke inhoud test");
  json_object_set_string_member (
    fields, "antwoord",
    "<p>Veilig<script>alert('x')</script> <iframe src='https://evil.example'></iframe>"
    "<img src=x onerror=alert(1)> <a href='javascript:alert(1)'>klik</a> "
    "<a href='data:text/html,boe'>data</a> <a href='https://lindeveld.nl'>site</a></p>");
  json_object_set_string_member (fields, "toelichting", deep->str);
  g_string_free (deep, TRUE);
  g_ptr_array_add (items, vb_item_new (VB_ITEM_VAC, "test-hostile", fields));
  g_assert_true (vb_store_upsert (vb_context_get_store (context), items, NULL, &error));

  window = make_window (1280, 800);
  view = VB_ITEM_VIEW (vb_window_get_item_view (window));
  vb_window_open_item (window, "test-hostile");
  g_assert_true (wait_for (item_shown, view));
  text = vb_item_view_dup_text (view);
  g_assert_nonnull (strstr (text, "Veilig"));
  g_assert_nonnull (strstr (text, "klik"));
  g_assert_null (strstr (text, "alert"));
  g_assert_null (strstr (text, "evil"));
  {
    g_autofree char *html = vb_item_view_dup_html (view);

    g_assert_null (strstr (html, "javascript"));
    g_assert_null (strstr (html, "data:"));
    g_assert_null (strstr (html, "script"));
    g_assert_nonnull (strstr (html, "https://lindeveld.nl"));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
contact_open (gpointer data)
{
  return vb_contact_panel_get_current (data) != NULL;
}

static void
test_screenshots (void)
{
  VbWindow *wide = make_window (1280, 800);
  VbWindow *narrow;

  search_for (wide, "paspoort");
  vb_test_save_window_png (GTK_WIDGET (wide), "screenshot-search-1280x800.png");
  vb_window_open_item (wide, "pdc-paspoort");
  g_assert_true (wait_for (item_shown, vb_window_get_item_view (wide)));
  vb_test_save_window_png (GTK_WIDGET (wide), "screenshot-product-1280x800.png");
  /* A contact beside the answer: Ctrl+N, then Ctrl+U marks the shown product used. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wide), "win.new-contact", NULL));
  g_assert_true (wait_for (contact_open, vb_window_get_contact_panel (wide)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wide), "win.show-section", "i", 5));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wide), "win.mark-used", NULL));
  {
    VbContact *contact = vb_contact_panel_get_current (VB_CONTACT_PANEL (vb_window_get_contact_panel (wide)));
    VbContactQuestion *question;

    g_assert_nonnull (contact);
    question = vb_contact_get_question (contact, vb_contact_get_n_questions (contact) - 1);
    /* The section being read is what was used: "Paspoort - Kosten". */
    g_assert_cmpstr (question->item_id, ==, "pdc-paspoort");
    g_assert_cmpstr (question->section, ==, "kostenEnBetaalmethoden");
  }
  vb_test_save_window_png (GTK_WIDGET (wide), "screenshot-contact-1280x800.png");
  gtk_widget_activate_action (GTK_WIDGET (wide), "win.show-catalogue", NULL);
  for (int i = 0; i < 200; i++)
    g_main_context_iteration (NULL, FALSE);
  vb_test_save_window_png (GTK_WIDGET (wide), "screenshot-catalogue-1280x800.png");
  gtk_window_destroy (GTK_WINDOW (wide));

  /* A desk clerk's half screen (900 px and less): list and answer fold into one column. */
  {
    VbWindow *half = make_window (900, 800);

    vb_test_wait_frames (GTK_WIDGET (half));
    g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (gtk_widget_get_ancestor (
      vb_window_get_item_view (half), ADW_TYPE_LEAFLET))));
    gtk_window_destroy (GTK_WINDOW (half));
  }
  narrow = make_window (640, 800);
  search_for (narrow, "grofvuil");
  vb_test_save_window_png (GTK_WIDGET (narrow), "screenshot-search-640x800.png");
  vb_window_open_item (narrow, "vac-grofvuil-aanmelden");
  g_assert_true (wait_for (item_shown, vb_window_get_item_view (narrow)));
  vb_test_save_window_png (GTK_WIDGET (narrow), "screenshot-answer-640x800.png");
  gtk_window_destroy (GTK_WINDOW (narrow));
}

/* Keys GTK's text widgets use themselves: an application shortcut must not take them. */
static const char *text_widget_keys[] = {
  "<Control>a", "<Control>c", "<Control>v", "<Control>x", "<Control>z", "<Control><Shift>z",
  "<Control>period", "<Control>semicolon", "<Control>Left", "<Control>Right", "<Control>BackSpace",
  "<Control>Delete", "<Control>Home", "<Control>End", "<Shift>Left", "<Shift>Right", "Tab",
  "<Shift>Tab", "F10", "<Shift>F10", "Menu",
};

static void
test_shortcuts_table (void)
{
  guint n;
  const VbShortcut *table = vb_shortcuts_get_table (&n);
  g_autoptr(GtkApplication) app = gtk_application_new ("nl.vraagbaak.Test", G_APPLICATION_NON_UNIQUE);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(VbApplication) vb_app = vb_application_new ();
  VbWindow *window = make_window (800, 600);
  GtkWindow *shortcuts_window;

  vb_shortcuts_register (app);
  for (guint i = 0; i < n; i++)
    {
      const VbShortcut *s = &table[i];

      for (guint j = 0; s->accels[j] != NULL; j++)
        {
          guint key;
          GdkModifierType mods;
          g_autofree char *canonical = NULL;

          g_assert_true (gtk_accelerator_parse (s->accels[j], &key, &mods));
          canonical = gtk_accelerator_name (key, mods);
          /* No shortcut shadows another. */
          if (g_hash_table_contains (seen, canonical))
            g_error ("%s is bound twice", canonical);
          g_hash_table_add (seen, g_strdup (canonical));
          if (s->action == NULL)
            continue;
          for (guint k = 0; k < G_N_ELEMENTS (text_widget_keys); k++)
            {
              guint tkey;
              GdkModifierType tmods;

              gtk_accelerator_parse (text_widget_keys[k], &tkey, &tmods);
              if (tkey == key && tmods == mods)
                g_error ("%s shadows a text-editing key", s->accels[j]);
            }
        }

      if (s->action != NULL)
        {
          g_auto(GStrv) bound = gtk_application_get_accels_for_action (app, s->action);
          g_autofree char *name = NULL;
          GVariant *target = NULL;

          /* What the table lists is exactly what is bound. */
          g_assert_cmpuint (g_strv_length (bound), ==, g_strv_length ((char **) s->accels));
          for (guint j = 0; s->accels[j] != NULL; j++)
            {
              guint k1, k2;
              GdkModifierType m1, m2;

              g_assert_true (gtk_accelerator_parse (bound[j], &k1, &m1));
              g_assert_true (gtk_accelerator_parse (s->accels[j], &k2, &m2));
              g_assert_cmpuint (k1, ==, k2);
              g_assert_cmpuint (m1, ==, m2);
            }

          /* And the action exists where it claims to. */
          g_assert_true (g_action_parse_detailed_name (s->action, &name, &target, NULL));
          if (g_str_has_prefix (name, "app."))
            g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (vb_app), name + 4));
          else
            {
              gboolean found = FALSE;
              GType type;
              const GVariantType *param;
              const char *action_name;
              const char *property;

              for (guint k = 0; gtk_widget_class_query_action (g_type_class_peek (VB_TYPE_WINDOW), k,
                                                                &type, &action_name, &param,
                                                                &property); k++)
                if (g_str_equal (action_name, name))
                  found = TRUE;
              g_assert_true (found);
            }
          g_clear_pointer (&target, g_variant_unref);
        }
    }

  /* The shortcuts window builds from the same table. */
  shortcuts_window = vb_shortcuts_window_new (GTK_WINDOW (window));
  g_assert_nonnull (shortcuts_window);
  gtk_window_present (shortcuts_window);
  g_assert_true (wait_for (window_mapped, shortcuts_window));
  vb_test_save_window_png (GTK_WIDGET (shortcuts_window), "screenshot-shortcuts.png");
  gtk_window_destroy (shortcuts_window);
  g_object_unref (shortcuts_window);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  vb_test_ui_init ();

  tmpdir = vb_test_tmpdir ();
  path = g_build_filename (tmpdir, "content.db", NULL);
  settings = g_settings_new ("nl.vraagbaak.Vraagbaak");
  context = vb_context_new (path, settings);
  /* The demo content is imported into the empty database on first open. */
  vb_test_open_context (context);

  g_test_add_func ("/window/search-shows-expected-first", test_search_shows_expected_first);
  g_test_add_func ("/window/open-and-read", test_open_and_read);
  g_test_add_func ("/window/copy-answer-and-history", test_copy_answer_and_history);
  g_test_add_func ("/window/hostile-html", test_hostile_html);
  g_test_add_func ("/window/screenshots", test_screenshots);
  g_test_add_func ("/window/shortcuts-table", test_shortcuts_table);

  ret = g_test_run ();
  g_clear_object (&context);
  vb_test_rmdir (tmpdir);
  return ret;
}
