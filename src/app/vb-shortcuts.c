/* vb-shortcuts.c: the one table of keyboard shortcuts
 *
 * Every shortcut is registered from this table and the shortcuts window is built from it, so
 * the two cannot drift (GtkShortcutsWindow in GTK 4.8 can only be made with GtkBuilder).
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>

#include "vb-shortcuts.h"

static const VbShortcut shortcuts[] = {
  { N_("Search"), N_("Search"), "win.focus-search", { "<Control>f", "<Control>k", NULL } },
  { N_("Search"), N_("Move through the results"), NULL, { "Down", "Up", NULL } },
  { N_("Search"), N_("Open the selected result"), NULL, { "Return", NULL } },
  { N_("Search"), N_("Back to the search field"), NULL, { "Escape", NULL } },
  { N_("Reading"), N_("Go back"), "win.back", { "<Alt>Left", NULL } },
  { N_("Reading"), N_("Go forward"), "win.forward", { "<Alt>Right", NULL } },
  { N_("Reading"), N_("Copy the whole answer"), "win.copy-answer", { "<Control><Shift>c", NULL } },
  { N_("Reading"), N_("Copy the answer when nothing is selected"), NULL, { "<Control>c", NULL } },
  { N_("Reading"), N_("Go to section 1 to 9"), "win.show-section(1)", { "<Alt>1", NULL }, "<Alt>1...9" },
  { NULL, NULL, "win.show-section(2)", { "<Alt>2", NULL } },
  { NULL, NULL, "win.show-section(3)", { "<Alt>3", NULL } },
  { NULL, NULL, "win.show-section(4)", { "<Alt>4", NULL } },
  { NULL, NULL, "win.show-section(5)", { "<Alt>5", NULL } },
  { NULL, NULL, "win.show-section(6)", { "<Alt>6", NULL } },
  { NULL, NULL, "win.show-section(7)", { "<Alt>7", NULL } },
  { NULL, NULL, "win.show-section(8)", { "<Alt>8", NULL } },
  { NULL, NULL, "win.show-section(9)", { "<Alt>9", NULL } },
  { N_("Contacts"), N_("New contact"), "win.new-contact", { "<Control>n", NULL } },
  { N_("Contacts"), N_("Mark the shown answer as used"), "win.mark-used", { "<Control>u", NULL } },
  { N_("Contacts"), N_("Choose the outcome"), NULL, { "1", "9", NULL }, "1...9" },
  { N_("Contacts"), N_("Save the contact"), NULL, { "<Control>Return", NULL } },
  { N_("Contacts"), N_("Show or hide contacts"), "win.toggle-contacts", { "F9", NULL } },
  { N_("Browse"), N_("Product catalogue"), "win.show-catalogue", { "<Control>b", NULL } },
  { N_("Browse"), N_("Notices"), "win.show-notices", { "<Control>i", NULL } },
  { N_("Browse"), N_("Statistics"), "win.show-statistics", { "F8", NULL } },
  { N_("General"), N_("Preferences"), "app.preferences", { "<Control>comma", NULL } },
  { N_("General"), N_("Keyboard shortcuts"), "app.shortcuts", { "<Control>question", NULL } },
  { N_("General"), N_("Sync with the server"), "app.sync-now", { "<Control>r", NULL } },
  { N_("General"), N_("Quit"), "app.quit", { "<Control>q", NULL } },
};

const VbShortcut *
vb_shortcuts_get_table (guint *n_shortcuts)
{
  *n_shortcuts = G_N_ELEMENTS (shortcuts);
  return shortcuts;
}

void
vb_shortcuts_register (GtkApplication *app)
{
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    if (shortcuts[i].action != NULL)
      gtk_application_set_accels_for_action (app, shortcuts[i].action, shortcuts[i].accels);
}

static void
append_escaped (GString    *xml,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (xml, escaped);
}

GtkWindow *
vb_shortcuts_window_new (GtkWindow *parent)
{
  g_autoptr(GString) xml = g_string_new (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><interface>"
    "<object class=\"GtkShortcutsWindow\" id=\"window\"><property name=\"modal\">1</property>"
    "<child><object class=\"GtkShortcutsSection\"><property name=\"section-name\">main</property>");
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  const char *section = NULL;
  GtkWindow *window;

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      const VbShortcut *s = &shortcuts[i];
      g_autofree char *accels = NULL;

      if (s->title == NULL)
        continue;  /* a row that only registers (Alt+2..9 share one line) */
      if (g_strcmp0 (section, s->section) != 0)
        {
          if (section != NULL)
            g_string_append (xml, "</object></child>");
          g_string_append (xml, "<child><object class=\"GtkShortcutsGroup\"><property name=\"title\">");
          append_escaped (xml, _(s->section));
          g_string_append (xml, "</property>");
          section = s->section;
        }
      if (s->display != NULL)
        accels = g_strdup (s->display);
      else
        accels = g_strjoinv (" ", (char **) s->accels);
      g_string_append (xml, "<child><object class=\"GtkShortcutsShortcut\"><property name=\"title\">");
      append_escaped (xml, _(s->title));
      g_string_append (xml, "</property><property name=\"accelerator\">");
      append_escaped (xml, accels);
      g_string_append (xml, "</property></object></child>");
    }
  g_string_append (xml, "</object></child></object></child></object></interface>");

  builder = gtk_builder_new ();
  if (!gtk_builder_add_from_string (builder, xml->str, -1, &error))
    g_error ("The shortcuts window does not build: %s", error->message);
  window = GTK_WINDOW (g_object_ref_sink (gtk_builder_get_object (builder, "window")));
  gtk_window_set_transient_for (window, parent);
  return window;
}
