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

#include "vb-context.h"
#include "vb-preferences-window.h"

/* How long the server address must stay unchanged before it is checked and stored. */
#define SERVER_URL_DELAY_MS 800

struct _VbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  VbContext            *context;       /* NULL: no token rows (no sync to give it to) */
  GCancellable         *cancellable;
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
  AdwActionRow         *sync_now_row;
  AdwPreferencesGroup  *token_group;
  AdwPasswordEntryRow  *token_row;
  AdwActionRow         *token_saved_row;
  AdwActionRow         *token_place_row;
};

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CONTEXT,
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

/* Token: saved through the context's token store, never shown back */

static void
update_token_rows (VbPreferencesWindow *self)
{
  gboolean has_token = vb_context_get_has_token (self->context);
  gboolean secure = vb_token_store_is_secure (vb_context_get_token_store (self->context));

  gtk_widget_set_visible (GTK_WIDGET (self->token_saved_row), has_token);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row),
                                 has_token ? _("New token") : _("Token"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_place_row),
                                 secure ? _("Kept in your session’s keyring")
                                        : _("No keyring available: the token is kept in a file "
                                            "only you can read"));
  adw_action_row_set_icon_name (self->token_place_row,
                                secure ? "channel-secure-symbolic" : "channel-insecure-symbolic");
}

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VbPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vb_context_store_token_finish (VB_CONTEXT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The details name the file or the keyring, never the token. */
      g_warning ("Cannot save the server token: %s", error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("The token could not be saved")));
    }
  else
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                      adw_toast_new (_("Token saved")));
  update_token_rows (self);
}

static void
on_token_apply (AdwEntryRow         *row,
                VbPreferencesWindow *self)
{
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  /* The token belongs to the address in the field, also when it was typed just now. */
  commit_server_url (self);
  /* Out of the field at once: a token is never on screen longer than needed. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  if (*token == '\0')
    return;
  vb_context_store_token_async (self->context, token, self->cancellable, on_token_stored,
                                g_object_ref (self));
}

static void
on_token_cleared (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VbPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vb_context_clear_token_finish (VB_CONTEXT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_warning ("Cannot remove the server token: %s", error->message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("The token could not be removed")));
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    update_token_rows (self);
}

static void
on_token_remove_clicked (VbPreferencesWindow *self)
{
  vb_context_clear_token_async (self->context, self->cancellable, on_token_cleared,
                                g_object_ref (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
}

/**
 * vb_preferences_window_show_token:
 * @self: a preferences window
 *
 * Shows the server page with the keyboard in the token field (after the server refused the
 * token).
 */
void
vb_preferences_window_show_token (VbPreferencesWindow *self)
{
  g_return_if_fail (VB_IS_PREFERENCES_WINDOW (self));

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (self), "server");
  if (self->context != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
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

  g_settings_bind_with_mapping (self->settings, "server-url", self->sync_now_row, "sensitive",
                                G_SETTINGS_BIND_GET, has_server_get_mapping, NULL, NULL, NULL);
  if (self->context != NULL)
    {
      g_settings_bind_with_mapping (self->settings, "server-url", self->token_group, "sensitive",
                                    G_SETTINGS_BIND_GET, has_server_get_mapping, NULL, NULL,
                                    NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->token_group), TRUE);
      g_signal_connect_object (self->context, "notify::has-token",
                               G_CALLBACK (update_token_rows), self, G_CONNECT_SWAPPED);
      update_token_rows (self);
    }

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
  g_cancellable_cancel (self->cancellable);
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
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);

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
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
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
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
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
  /* The context whose sync gets the token; without one the token rows stay hidden. */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VB_TYPE_CONTEXT,
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
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, sync_now_row);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, token_group);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, token_saved_row);
  gtk_widget_class_bind_template_child (widget_class, VbPreferencesWindow, token_place_row);
  gtk_widget_class_bind_template_callback (widget_class, on_token_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_token_remove_clicked);
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
  self->cancellable = g_cancellable_new ();

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (on_server_url_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self->server_url_row), focus);
}

/**
 * vb_preferences_window_new:
 * @parent: (nullable): the window to keep the preferences on top of
 * @context: the application's context: its settings, and the sync that gets the token
 *
 * Returns: (transfer none): a new modal preferences window; present it, it destroys itself
 *   when closed.
 */
GtkWindow *
vb_preferences_window_new (GtkWindow *parent,
                           VbContext *context)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VB_IS_CONTEXT (context), NULL);

  return g_object_new (VB_TYPE_PREFERENCES_WINDOW,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       "transient-for", parent,
                       "modal", TRUE,
                       "settings", vb_context_get_settings (context),
                       "context", context,
                       NULL);
}
