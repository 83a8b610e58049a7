/* vb-preferences-window.c: the preferences window
 *
 * Every control is tied to a key of nl.vraagbaak.Vraagbaak and applies at once; there is no
 * OK button. The server address is the exception to "at once": it is checked and stored when
 * the agent pauses typing, presses Enter, leaves the field or closes the window, so that a
 * half-typed address never reaches the sync code, and an invalid one is never stored.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>
#include <math.h>

#include "vb-preferences-window.h"

/* How long the server address must stay unchanged before it is checked and stored. */
#define SERVER_URL_DELAY_MS 800

struct _VbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  guint                 server_url_timeout;
  gboolean              updating_server_url;

  AdwEntryRow          *agent_name_row;
  AdwComboRow          *workstation_row;
  AdwComboRow          *role_row;
  GtkSpinButton        *text_scale_spin;
  GtkSpinButton        *retention_spin;
  AdwEntryRow          *server_url_row;
  AdwActionRow         *server_url_error_row;
  AdwActionRow         *sync_interval_row;
  GtkSpinButton        *sync_interval_spin;
};

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VbPreferencesWindow, vb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Values of the string keys, in the order of the combo row models in the .ui file. */
static const char * const workstations[] = { "telefoon", "balie", NULL };
static const char * const roles[] = { "medewerker", "supervisor", "redacteur", NULL };

/* Choice keys <-> combo row "selected" */

static gboolean
choice_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *current = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], current))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
choice_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *choices = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) choices))
    return NULL;  /* GTK_INVALID_LIST_POSITION: nothing to store */
  return g_variant_new_string (choices[selected]);
}

/* text-scale (0.75..2.0) <-> percent (75..200) */

static gboolean
text_scale_get_mapping (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  g_value_set_double (value, round (g_variant_get_double (variant) * 100.0));
  return TRUE;
}

static GVariant *
text_scale_set_mapping (const GValue       *value,
                        const GVariantType *expected_type,
                        gpointer            user_data)
{
  return g_variant_new_double (CLAMP (round (g_value_get_double (value)) / 100.0, 0.75, 2.0));
}

static gboolean
on_text_scale_output (GtkSpinButton *spin,
                      gpointer       user_data)
{
  int percent = (int) round (gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin)));
  /* Translators: the text size as a percentage, such as “125%” */
  g_autofree char *text = g_strdup_printf (_("%d%%"), percent);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                  -1);
  return TRUE;
}

static int
on_text_scale_input (GtkSpinButton *spin,
                     double        *new_value,
                     gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end;
  double percent;

  /* Accept "125", "125%" and "125 %" (whatever the translation puts after the number). */
  while (g_ascii_isspace (*text))
    text++;
  percent = g_ascii_strtod (text, &end);
  if (end == text || !isfinite (percent))
    return GTK_INPUT_ERROR;
  *new_value = percent;
  return TRUE;
}

/* sync-interval (seconds, 30..86400) <-> minutes (1..1440) */

static gboolean
sync_interval_get_mapping (GValue   *value,
                           GVariant *variant,
                           gpointer  user_data)
{
  guint seconds = g_variant_get_uint32 (variant);

  g_value_set_double (value, CLAMP ((seconds + 30) / 60, 1, 1440));
  return TRUE;
}

static GVariant *
sync_interval_set_mapping (const GValue       *value,
                           const GVariantType *expected_type,
                           gpointer            user_data)
{
  double minutes = CLAMP (round (g_value_get_double (value)), 1, 1440);

  return g_variant_new_uint32 ((guint32) minutes * 60);
}

/* server-url -> sync row sensitive: no server, nothing to sync */

static gboolean
has_server_get_mapping (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  g_value_set_boolean (value, *g_variant_get_string (variant, NULL) != '\0');
  return TRUE;
}

/* Server address */

static gboolean
is_this_computer (const char *host)
{
  return g_ascii_strcasecmp (host, "localhost") == 0
         || g_str_equal (host, "127.0.0.1")
         || g_str_equal (host, "::1");
}

static gboolean
is_host_name (const char *host)
{
  g_autofree char *ascii = NULL;
  g_auto(GStrv) labels = NULL;

  if (g_hostname_is_ip_address (host))
    return TRUE;
  ascii = g_hostname_to_ascii (host);  /* also takes names with accents (IDN) */
  if (ascii == NULL || *ascii == '\0')
    return FALSE;
  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      const char *label = labels[i];
      gsize len = strlen (label);

      if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
        return FALSE;
      for (const char *p = label; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
          return FALSE;
    }
  return TRUE;
}

/* Returns NULL when @text (already stripped) may be stored, otherwise why not. */
static const char *
check_server_url (const char *text)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (*text == '\0')
    return NULL;  /* no server: work offline */

  /* GUri lets spaces through; an address never has them. */
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return _("Enter a web address, such as https://kennisbank.example.nl");

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return _("Enter a web address, such as https://kennisbank.example.nl");
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    return _("Enter a web address, such as https://kennisbank.example.nl");
  if (host == NULL || !is_host_name (host))
    return _("Enter a web address, such as https://kennisbank.example.nl");
  if (g_uri_get_userinfo (uri) != NULL)
    return _("Leave the user name and password out of the address");
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !is_this_computer (host))
    return _("Use https, except for a server on this computer");
  return NULL;
}

static void
show_server_url_error (VbPreferencesWindow *self,
                       const char          *message)
{
  GtkWidget *row = GTK_WIDGET (self->server_url_row);

  if (message != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->server_url_error_row), message);
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->server_url_error_row), message != NULL);
}

static char *
dup_server_url_text (VbPreferencesWindow *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_url_row))));
}

static void
commit_server_url (VbPreferencesWindow *self)
{
  g_autofree char *text = dup_server_url_text (self);
  const char *error = check_server_url (text);

  g_clear_handle_id (&self->server_url_timeout, g_source_remove);
  show_server_url_error (self, error);
  if (error == NULL)
    {
      g_autofree char *stored = g_settings_get_string (self->settings, "server-url");

      if (!g_str_equal (stored, text))
        {
          self->updating_server_url = TRUE;
          g_settings_set_string (self->settings, "server-url", text);
          self->updating_server_url = FALSE;
        }
    }
}

static gboolean
on_server_url_timeout (gpointer user_data)
{
  VbPreferencesWindow *self = user_data;

  self->server_url_timeout = 0;
  commit_server_url (self);
  return G_SOURCE_REMOVE;
}

static void
on_server_url_changed (GtkEditable         *editable,
                       VbPreferencesWindow *self)
{
  g_autofree char *text = NULL;

  if (self->updating_server_url)
    return;

  /* Clear an error as soon as it is fixed; report a new one only after a pause. */
  text = dup_server_url_text (self);
  if (check_server_url (text) == NULL)
    show_server_url_error (self, NULL);

  g_clear_handle_id (&self->server_url_timeout, g_source_remove);
  self->server_url_timeout = g_timeout_add (SERVER_URL_DELAY_MS, on_server_url_timeout, self);
}

static void
on_server_url_activated (AdwEntryRow         *row,
                         VbPreferencesWindow *self)
{
  commit_server_url (self);
}

static void
on_server_url_focus_leave (GtkEventControllerFocus *controller,
                           VbPreferencesWindow     *self)
{
  if (self->server_url_timeout != 0)
    commit_server_url (self);
}

static void
load_server_url (VbPreferencesWindow *self)
{
  g_autofree char *stored = g_settings_get_string (self->settings, "server-url");

  self->updating_server_url = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->server_url_row), stored);
  self->updating_server_url = FALSE;
}

static void
on_server_url_setting_changed (VbPreferencesWindow *self)
{
  g_autofree char *stored = NULL;
  g_autofree char *text = NULL;

  if (self->updating_server_url)
    return;

  /* Changed elsewhere (another instance, dconf): show what is stored now. */
  stored = g_settings_get_string (self->settings, "server-url");
  text = dup_server_url_text (self);
  if (g_str_equal (stored, text))
    return;
  g_clear_handle_id (&self->server_url_timeout, g_source_remove);
  load_server_url (self);
  show_server_url_error (self, NULL);
}

/* GObject */

static void
vb_preferences_window_constructed (GObject *object)
{
  VbPreferencesWindow *self = VB_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (vb_preferences_window_parent_class)->constructed (object);

  g_return_if_fail (G_IS_SETTINGS (self->settings));

  g_settings_bind (self->settings, "agent-name", self->agent_name_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "workstation", self->workstation_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping, choice_set_mapping,
                                (gpointer) workstations, NULL);
  g_settings_bind_with_mapping (self->settings, "role", self->role_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_get_mapping, choice_set_mapping,
                                (gpointer) roles, NULL);
  g_settings_bind_with_mapping (self->settings, "text-scale", self->text_scale_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, text_scale_get_mapping,
                                text_scale_set_mapping, NULL, NULL);
  g_settings_bind (self->settings, "retention-days", self->retention_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "sync-interval", self->sync_interval_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, sync_interval_get_mapping,
                                sync_interval_set_mapping, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "server-url", self->sync_interval_row, "sensitive",
                                G_SETTINGS_BIND_GET, has_server_get_mapping, NULL, NULL, NULL);

  load_server_url (self);
  g_settings_bind_writable (self->settings, "server-url", self->server_url_row, "sensitive", FALSE);
  g_signal_connect_swapped (self->settings, "changed::server-url",
                            G_CALLBACK (on_server_url_setting_changed), self);
}

static void
vb_preferences_window_dispose (GObject *object)
{
  VbPreferencesWindow *self = VB_PREFERENCES_WINDOW (object);

  /* Closed while the agent was still typing: keep a valid address. */
  if (self->server_url_timeout != 0)
    commit_server_url (self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (vb_preferences_window_parent_class)->dispose (object);
}

static void
vb_preferences_window_finalize (GObject *object)
{
  VbPreferencesWindow *self = VB_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vb_preferences_window_parent_class)->finalize (object);
}

static void
vb_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  VbPreferencesWindow *self = VB_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  VbPreferencesWindow *self = VB_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_preferences_window_class_init (VbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vb_preferences_window_constructed;
  object_class->dispose = vb_preferences_window_dispose;
  object_class->finalize = vb_preferences_window_finalize;
  object_class->get_property = vb_preferences_window_get_property;
  object_class->set_property = vb_preferences_window_set_property;

  /* The application settings (schema nl.vraagbaak.Vraagbaak) that the window edits. */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/preferences/"
                                               "vb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, agent_name_row);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, workstation_row);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, role_row);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, text_scale_spin);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, retention_spin);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, server_url_error_row);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, sync_interval_row);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, sync_interval_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_text_scale_input);
  gtk_widget_class_bind_template_callback (widget_class, on_text_scale_output);
  gtk_widget_class_bind_template_callback (widget_class, on_server_url_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_server_url_activated);
}

static void
vb_preferences_window_init (VbPreferencesWindow *self)
{
  GtkEventController *focus;

  gtk_widget_init_template (GTK_WIDGET (self));

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (on_server_url_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self->server_url_row), focus);
}

/**
 * vb_preferences_window_new:
 * @parent: (nullable): the window to keep the preferences on top of
 * @settings: the application settings
 *
 * Returns: (transfer none): a new modal preferences window; present it, it destroys itself
 *   when closed.
 */
GtkWindow *
vb_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (VB_TYPE_PREFERENCES_WINDOW,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       "transient-for", parent,
                       "modal", TRUE,
                       "settings", settings,
                       NULL);
}
