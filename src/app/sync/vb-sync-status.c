/* vb-sync-status.c: the sync state in the header bar, with a popover
 *
 * An icon button that always shows how the local copy relates to the server (local only, up
 * to date, syncing, offline, an error); its accessible name is that state in words. The
 * popover tells when the copy was last synced, how far a first sync is, how many contacts
 * wait to be sent, and what went wrong (in words, with the engine's English details in an
 * expander), with a button to sync now. VbSyncError codes become words here, at the edge.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "vb-a11y.h"
#include "vb-format.h"
#include "vb-sync-status.h"

struct _VbSyncStatus
{
  GtkWidget       parent_instance;

  VbContext      *context;
  VbSync         *sync;         /* the context's, once the databases are open */
  guint           tick;         /* keeps "2 minutes ago" current while the popover is open */
  char           *title;
  char           *detail;

  GtkMenuButton  *button;
  GtkPopover     *popover;
  GtkLabel       *title_label;
  GtkLabel       *detail_label;
  GtkProgressBar *progress;
  GtkLabel       *outbox_label;
  GtkExpander    *details_expander;
  GtkLabel       *details_label;
  GtkButton      *token_button;
  GtkButton      *sync_button;
};

G_DEFINE_FINAL_TYPE (VbSyncStatus, vb_sync_status, GTK_TYPE_WIDGET)

/* ---- words ---- */

const char *
vb_sync_error_to_text (int code)
{
  switch (code)
    {
    case VB_SYNC_ERROR_NO_SERVER:
      return _("No server address is set");
    case VB_SYNC_ERROR_OFFLINE:
      return _("Server not reachable");
    case VB_SYNC_ERROR_TIMEOUT:
      return _("The server does not answer");
    case VB_SYNC_ERROR_UNAUTHORIZED:
      return _("The server refuses the token");
    case VB_SYNC_ERROR_FORBIDDEN:
      return _("The token does not allow this");
    case VB_SYNC_ERROR_TLS:
      return _("The server’s certificate is invalid");
    case VB_SYNC_ERROR_PROTOCOL:
      return _("The server sent data that cannot be read");
    case VB_SYNC_ERROR_SERVER:
      return _("The server ran into an error");
    case VB_SYNC_ERROR_BUSY:
      return _("The server is busy; trying again later");
    case VB_SYNC_ERROR_TOO_LARGE:
      return _("The server refused the data as too large");
    case VB_SYNC_ERROR_STORE:
      return _("The knowledge base on this computer cannot be updated");
    case VB_SYNC_ERROR_CANCELLED:
      return _("Sync was interrupted");
    default:
      return _("Sync failed");
    }
}

char *
vb_sync_format_relative (gint64 then,
                         gint64 now)
{
  gint64 ago = MAX (now - then, 0);

  if (ago < 60)
    return g_strdup (_("just now"));
  if (ago < 3600)
    return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", (int) (ago / 60)),
                            (int) (ago / 60));
  if (ago < 24 * 3600)
    return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", (int) (ago / 3600)),
                            (int) (ago / 3600));
  return g_strdup_printf (ngettext ("%d day ago", "%d days ago", (int) (ago / 86400)),
                          (int) (ago / 86400));
}

char *
vb_sync_format_time (gint64 when)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (when);

  /* Translators: how the date and time of the last sync are written (in a tooltip), as a
   * g_date_time_format() format, much like strftime(): %Y year, %m month, %d day, %-d day
   * without a leading zero, %B the month's name, %H:%M hours and minutes */
  return time != NULL ? g_date_time_format (time, _("%Y-%m-%d %H:%M")) : NULL;
}

/* ---- the state on screen ---- */

static void
set_tooltip (GtkWidget  *widget,
             const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

static void
set_texts (VbSyncStatus *self,
           const char   *icon,
           const char   *title,
           const char   *detail,
           const char   *tooltip)
{
  g_autofree char *button_tooltip = NULL;

  if (g_strcmp0 (self->title, title) != 0)
    {
      g_free (self->title);
      self->title = g_strdup (title);
      gtk_label_set_label (self->title_label, title);
      /* The button is an icon: its name is the state in words. */
      vb_a11y_label_menu_button (self->button, title);
    }
  g_free (self->detail);
  self->detail = g_strdup (detail);
  gtk_label_set_label (self->detail_label, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
  set_tooltip (GTK_WIDGET (self->detail_label), tooltip);
  /* Only on a change: a new icon is a new child, which screen readers are told about. */
  if (g_strcmp0 (gtk_menu_button_get_icon_name (self->button), icon) != 0)
    gtk_menu_button_set_icon_name (self->button, icon);
  button_tooltip = tooltip != NULL ? g_strdup_printf ("%s\n%s", title, tooltip) : g_strdup (title);
  set_tooltip (GTK_WIDGET (self->button), button_tooltip);
}

static char *
dup_last_synced (VbSyncStatus *self,
                 char        **absolute)
{
  gint64 last = self->sync != NULL ? vb_sync_get_last_synced (self->sync) : 0;
  g_autofree char *relative = NULL;
  g_autofree char *when = NULL;

  *absolute = NULL;
  if (last <= 0)
    return NULL;
  relative = vb_sync_format_relative (last, g_get_real_time () / G_USEC_PER_SEC);
  when = vb_sync_format_time (last);
  /* Translators: the date and time the local copy was last synced (a tooltip) */
  *absolute = g_strdup_printf (_("Last synced on %s"), when);
  /* Translators: %s is a relative time, such as “2 minutes ago” */
  return g_strdup_printf (_("Last synced %s"), relative);
}

static void
update (VbSyncStatus *self)
{
  VbSyncState state = VB_SYNC_STATE_DISABLED;
  int code = -1;
  const char *message = NULL;
  guint64 done = 0, total = 0;
  gint64 outbox = 0;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *tooltip = NULL;
  const char *icon = "emblem-synchronizing-symbolic";
  gboolean refused;

  if (self->sync != NULL)
    {
      state = vb_sync_get_state (self->sync);
      code = vb_sync_get_error_code (self->sync);
      message = vb_sync_get_error_message (self->sync);
      done = vb_sync_get_progress_done (self->sync);
      total = vb_sync_get_progress_total (self->sync);
      outbox = vb_sync_get_outbox_size (self->sync);
    }
  else if (self->context != NULL)
    {
      g_autofree char *url = g_settings_get_string (vb_context_get_settings (self->context),
                                                    "server-url");

      state = *g_strstrip (url) != '\0' ? VB_SYNC_STATE_IDLE : VB_SYNC_STATE_DISABLED;
    }

  switch (state)
    {
    case VB_SYNC_STATE_DISABLED:
      icon = "computer-symbolic";
      title = g_strdup (_("Local content only"));
      detail = g_strdup (_("No server is set, so the content on this computer is not updated."));
      break;
    case VB_SYNC_STATE_IDLE:
      /* Idle also after an interrupted pass (Ctrl+R, a new token): a copy that was synced
       * before is as up to date as it was, and the detail says since when. */
      detail = dup_last_synced (self, &tooltip);
      if (detail != NULL)
        {
          icon = "emblem-ok-symbolic";
          title = g_strdup (_("Up to date"));
        }
      else
        title = g_strdup (_("Not synced yet"));
      break;
    case VB_SYNC_STATE_SYNCING:
      title = g_strdup (_("Syncing…"));
      if (total > 0)
        {
          g_autofree char *n_done = vb_format_count (MIN (done, total));
          g_autofree char *n_total = vb_format_count (total);

          /* Translators: progress of a sync, such as “4,500 of 10,044 items” */
          detail = g_strdup_printf (_("%s of %s items"), n_done, n_total);
        }
      break;
    case VB_SYNC_STATE_UP_TO_DATE:
      icon = "emblem-ok-symbolic";
      title = g_strdup (_("Up to date"));
      detail = dup_last_synced (self, &tooltip);
      break;
    case VB_SYNC_STATE_OFFLINE:
      icon = "network-offline-symbolic";
      title = g_strdup (_("Offline — working from the local copy"));
      detail = dup_last_synced (self, &tooltip);
      break;
    case VB_SYNC_STATE_ERROR:
    default:
      icon = code == VB_SYNC_ERROR_UNAUTHORIZED ? "dialog-password-symbolic"
                                                : "dialog-warning-symbolic";
      if (code == VB_SYNC_ERROR_BUSY && vb_sync_get_retry_at (self->sync) > 0)
        {
          g_autoptr(GDateTime) at =
            g_date_time_new_from_unix_local (vb_sync_get_retry_at (self->sync));
          g_autofree char *hhmm = g_date_time_format (at, "%H:%M");

          /* Translators: %s is a time of day, such as “10:42” */
          title = g_strdup_printf (_("The server is busy; trying again at %s"), hhmm);
        }
      else
        title = g_strdup (vb_sync_error_to_text (code));
      if (code == VB_SYNC_ERROR_UNAUTHORIZED && self->context != NULL &&
          !vb_context_get_has_token (self->context))
        detail = g_strdup (_("No token is saved for this server."));
      else
        detail = dup_last_synced (self, &tooltip);
      break;
    }
  set_texts (self, icon, title, detail, tooltip);

  gtk_widget_set_visible (GTK_WIDGET (self->progress),
                          state == VB_SYNC_STATE_SYNCING && total > 0);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress, (double) MIN (done, total) / total);

  gtk_widget_set_visible (GTK_WIDGET (self->outbox_label),
                          state != VB_SYNC_STATE_DISABLED && outbox > 0);
  if (outbox > 0)
    {
      g_autofree char *n = vb_format_count (outbox);
      g_autofree char *text =
        g_strdup_printf (ngettext ("%s contact is waiting to be sent",
                                   "%s contacts are waiting to be sent", (gulong) outbox), n);

      gtk_label_set_label (self->outbox_label, text);
    }

  /* The engine's English details, for a colleague at the service desk. */
  gtk_widget_set_visible (GTK_WIDGET (self->details_expander),
                          (state == VB_SYNC_STATE_ERROR || state == VB_SYNC_STATE_OFFLINE) &&
                          message != NULL);
  gtk_label_set_label (self->details_label, message != NULL ? message : "");

  /* A refused token is fixed in the preferences, not by trying again. */
  refused = state == VB_SYNC_STATE_ERROR && code == VB_SYNC_ERROR_UNAUTHORIZED;
  gtk_widget_set_visible (GTK_WIDGET (self->token_button), refused);
  if (refused)
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_button), "suggested-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_button), "suggested-action");
  gtk_widget_set_visible (GTK_WIDGET (self->sync_button),
                          state != VB_SYNC_STATE_DISABLED && state != VB_SYNC_STATE_SYNCING);
}

static void
on_sync_notify (VbSyncStatus *self,
                GParamSpec   *pspec)
{
  update (self);
}

static gboolean
on_tick (gpointer user_data)
{
  update (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_popover_show (VbSyncStatus *self)
{
  update (self);
  if (self->tick == 0)
    self->tick = g_timeout_add_seconds (20, on_tick, self);
}

static void
on_popover_closed (VbSyncStatus *self)
{
  g_clear_handle_id (&self->tick, g_source_remove);
}

static void
watch_sync (VbSyncStatus *self)
{
  VbSync *sync = self->context != NULL ? vb_context_get_sync (self->context) : NULL;

  if (sync == self->sync)
    return;
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, sync);
  if (sync != NULL)
    g_signal_connect_object (sync, "notify", G_CALLBACK (on_sync_notify), self,
                             G_CONNECT_SWAPPED);
  update (self);
}

void
vb_sync_status_set_context (VbSyncStatus *self,
                            VbContext    *context)
{
  g_return_if_fail (VB_IS_SYNC_STATUS (self));
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  g_signal_connect_object (context, "notify::ready", G_CALLBACK (watch_sync), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::has-token", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  watch_sync (self);
}

const char *
vb_sync_status_get_title (VbSyncStatus *self)
{
  return self->title;
}

const char *
vb_sync_status_get_detail (VbSyncStatus *self)
{
  return self->detail;
}

GtkPopover *
vb_sync_status_get_popover (VbSyncStatus *self)
{
  return self->popover;
}

/* ---- GObject ---- */

static void
vb_sync_status_dispose (GObject *object)
{
  VbSyncStatus *self = VB_SYNC_STATUS (object);

  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_SYNC_STATUS);

  G_OBJECT_CLASS (vb_sync_status_parent_class)->dispose (object);
}

static void
vb_sync_status_finalize (GObject *object)
{
  VbSyncStatus *self = VB_SYNC_STATUS (object);

  g_clear_object (&self->context);
  g_free (self->title);
  g_free (self->detail);

  G_OBJECT_CLASS (vb_sync_status_parent_class)->finalize (object);
}

static void
vb_sync_status_class_init (VbSyncStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vb_sync_status_dispose;
  object_class->finalize = vb_sync_status_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vbsyncstatus");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/sync/vb-sync-status.ui");
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, button);
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, popover);
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, title_label);
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, detail_label);
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, progress);
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, outbox_label);
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, details_expander);
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, details_label);
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, token_button);
  gtk_widget_class_bind_template_child (widget_class, VbSyncStatus, sync_button);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_closed);
}

static void
vb_sync_status_init (VbSyncStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

GtkWidget *
vb_sync_status_new (void)
{
  return g_object_new (VB_TYPE_SYNC_STATUS, NULL);
}
