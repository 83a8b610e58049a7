/* vb-application.c: the application
 *
 * Single instance (nl.vraagbaak.Vraagbaak). Owns the context; the database is opened on a
 * worker thread while the first window paints. The content database is the user's own
 * (~/.local/share/vraagbaak/content.db) unless $VRAAGBAAK_CONTENT_DB names another.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>

#include "vb-application.h"
#include "vb-preferences-window.h"
#include "vb-shortcuts.h"
#include "vb-window.h"

struct _VbApplication
{
  AdwApplication  parent_instance;

  VbContext      *context;
  GtkCssProvider *css;
  char           *pending_call;  /* --incoming-call for the first window */
};

G_DEFINE_FINAL_TYPE (VbApplication, vb_application, ADW_TYPE_APPLICATION)

static void
on_context_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!vb_context_open_finish (VB_CONTEXT (source), result, &error))
    g_warning ("Cannot open the knowledge base: %s", error->message);
}

static void
apply_text_scale (VbApplication *self)
{
  GSettings *settings = vb_context_get_settings (self->context);
  double scale = g_settings_get_double (settings, "text-scale");
  g_autofree char *css = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Answers are read aloud from the screen: let agents make them larger. */
  css = g_strdup_printf ("vbitemview textview, vbitemview label, vbsearchpage label "
                         "{ font-size: %s%%; }",
                         g_ascii_formatd (buf, sizeof buf, "%.0f", scale * 100));
  gtk_css_provider_load_from_data (self->css, css, -1);
}

static void
vb_application_startup (GApplication *app)
{
  VbApplication *self = VB_APPLICATION (app);
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *db = NULL;
  const char *env_db = g_getenv ("VRAAGBAAK_CONTENT_DB");

  G_APPLICATION_CLASS (vb_application_parent_class)->startup (app);

  settings = g_settings_new (APP_ID);
  db = env_db != NULL && *env_db != '\0' ? g_strdup (env_db) : vb_default_content_db_path ();
  self->context = vb_context_new (db, settings);
  vb_context_open_async (self->context, NULL, on_context_opened, NULL);

  self->css = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (self->css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
  g_signal_connect_object (settings, "changed::text-scale", G_CALLBACK (apply_text_scale), self,
                           G_CONNECT_SWAPPED);
  apply_text_scale (self);

  vb_shortcuts_register (GTK_APPLICATION (app));
}

static void
vb_application_activate (GApplication *app)
{
  VbApplication *self = VB_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (vb_window_new (GTK_APPLICATION (app), self->context));
  gtk_window_present (window);
  if (self->pending_call != NULL)
    {
      g_autofree char *number = g_steal_pointer (&self->pending_call);

      vb_window_incoming_call (VB_WINDOW (window), number);
    }
}

/* vraagbaak --incoming-call NUMBER: a telephony system opens a contact with the caller's
 * number. In a running Vraagbaak this becomes app.incoming-call over D-Bus. */
static int
vb_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  VbApplication *self = VB_APPLICATION (app);
  const char *number = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_variant_dict_lookup (options, "incoming-call", "&s", &number))
    return -1;
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_application_get_is_remote (app))
    {
      g_action_group_activate_action (G_ACTION_GROUP (app), "incoming-call",
                                      g_variant_new_string (number));
      return 0;
    }
  g_free (self->pending_call);
  self->pending_call = g_strdup (number);
  return -1;
}

static void
incoming_call_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  VbApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      g_free (self->pending_call);
      self->pending_call = g_variant_dup_string (parameter, NULL);
      g_application_activate (G_APPLICATION (self));
      return;
    }
  gtk_window_present (window);
  vb_window_incoming_call (VB_WINDOW (window), g_variant_get_string (parameter, NULL));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  VbApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *prefs = vb_preferences_window_new (parent, self->context);

  gtk_window_present (prefs);
}

/* Ctrl+R: sync with the server now. */
static void
sync_now_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  VbApplication *self = user_data;

  vb_context_sync_now (self->context);
}

/* The preferences, at the token field (after the server refused the token). */
static void
edit_token_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  VbApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *prefs = vb_preferences_window_new (parent, self->context);

  vb_preferences_window_show_token (VB_PREFERENCES_WINDOW (prefs));
  gtk_window_present (prefs);
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  g_autoptr(GtkWindow) window = vb_shortcuts_window_new (parent);

  gtk_window_present (window);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  const char *developers[] = { "The Vraagbaak developers", NULL };

  adw_show_about_window (parent,
                         "application-name", "Vraagbaak",
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", "The Vraagbaak developers",
                         "developers", developers,
                         "comments", _("The knowledge base for the municipal contact centre"),
                         "license-type", GTK_LICENSE_CUSTOM,
                         "license", "EUPL-1.2",
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
  { "about", about_action },
  { "sync-now", sync_now_action },
  { "edit-token", edit_token_action },
  { "incoming-call", incoming_call_action, "s" },
};

static void
vb_application_dispose (GObject *object)
{
  VbApplication *self = VB_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_object (&self->css);
  g_clear_pointer (&self->pending_call, g_free);

  G_OBJECT_CLASS (vb_application_parent_class)->dispose (object);
}

static void
vb_application_class_init (VbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = vb_application_dispose;
  app_class->startup = vb_application_startup;
  app_class->activate = vb_application_activate;
  app_class->handle_local_options = vb_application_handle_local_options;
}

static void
vb_application_init (VbApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  g_application_add_main_option (G_APPLICATION (self), "incoming-call", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING,
                                 _("Start a contact for an incoming call from NUMBER"), "NUMBER");
}

VbApplication *
vb_application_new (void)
{
  return g_object_new (VB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/nl/vraagbaak/Vraagbaak",
                       NULL);
}

VbContext *
vb_application_get_context (VbApplication *self)
{
  return self->context;
}
