/* vb-window.c: the main window
 *
 * Search on the left, the opened answer on the right; in a narrow window (a desk clerk's
 * half screen) an AdwLeaflet folds them into one column. The window keeps the history of
 * opened items for Alt+Left and Alt+Right, and shows an important notice as a banner until
 * it ends or is hidden for the day.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>

#include "vb-a11y.h"
#include "vb-catalogue-page.h"
#include "vb-contact-panel.h"
#include "vb-contacts-today.h"
#include "vb-item-view.h"
#include "vb-result-row.h"
#include "vb-sync-status.h"
#include "vb-search-page.h"
#include "vb-stats-page.h"
#include "vb-window.h"

struct _VbWindow
{
  AdwApplicationWindow parent_instance;

  VbContext       *context;
  GPtrArray       *history;   /* ids of opened items */
  guint            position;  /* index of the shown item in history, if any */
  GCancellable    *cancellable;
  char            *banner_id;
  VbSyncStatus    *sync_status;
  VbSyncStatus    *detail_sync_status;
  AdwToast        *token_toast;   /* while the server refuses the token */

  AdwToastOverlay *toasts;
  GtkRevealer     *banner_revealer;
  GtkLabel        *banner_label;
  GtkStack        *main_stack;
  AdwLeaflet      *leaflet;
  GtkWidget       *sidebar;
  GtkStack        *side_stack;
  GtkBox          *search_slot;
  GtkWidget       *detail;
  AdwWindowTitle  *detail_title;
  VbItemView      *item_view;
  AdwFlap         *contact_flap;
  GtkWidget       *search_page;
  GtkWidget       *catalogue_page;
  GtkWidget       *contact_panel;   /* made when the databases are open */
  GtkWidget       *contacts_today;
  GtkWidget       *stats_page;
};

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VbWindow, vb_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast (VbWindow   *self,
       const char *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
  vb_a11y_label_icon_buttons (GTK_WIDGET (self->toasts), _("Dismiss"));
}

static gboolean
statistics_shown (VbWindow *self)
{
  return gtk_stack_get_visible_child (self->main_stack) == self->stats_page;
}

static void
update_history_actions (VbWindow *self)
{
  gboolean folded_on_detail =
    adw_leaflet_get_folded (self->leaflet) &&
    adw_leaflet_get_visible_child (self->leaflet) == self->detail;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back",
                                 statistics_shown (self) || folded_on_detail ||
                                 (self->history->len > 0 && self->position > 0));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.forward",
                                 self->history->len > 0 && self->position + 1 < self->history->len);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-answer",
                                 vb_item_view_get_item (self->item_view) != NULL);
}

static void
on_item_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VbItem) item = vb_store_get_item_finish (VB_STORE (source), result, &error);

  if (item == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, _("This item is no longer in the knowledge base"));
      return;
    }
  vb_item_view_set_item (self->item_view, item);
  adw_window_title_set_title (self->detail_title, vb_kind_badge_label (vb_item_get_kind (item)));
  /* The keyboard (and a screen reader) goes to the answer; Escape comes back to the search. */
  vb_item_view_show_section (self->item_view, 1);
  /* Everything opened during a contact is collected as consulted. */
  if (self->contact_panel != NULL)
    vb_contact_panel_add_consulted (VB_CONTACT_PANEL (self->contact_panel), vb_item_get_id (item));
  gtk_stack_set_visible_child_name (self->main_stack, "browse");
  adw_leaflet_set_visible_child (self->leaflet, self->detail);
  update_history_actions (self);
}

static void
load_item (VbWindow   *self,
           const char *id)
{
  if (!vb_context_is_ready (self->context))
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  vb_store_get_item_async (vb_context_get_store (self->context), id, self->cancellable,
                           on_item_loaded, g_object_ref (self));
}

/* Opens @id in the reading pane and makes it the newest step in the history. */
void
vb_window_open_item (VbWindow   *self,
                     const char *id)
{
  g_return_if_fail (VB_IS_WINDOW (self));

  if (self->history->len > 0 &&
      g_str_equal (g_ptr_array_index (self->history, self->position), id))
    {
      load_item (self, id);
      return;
    }
  /* Opening something new drops the forward steps, as in a browser. */
  if (self->history->len > 0)
    g_ptr_array_set_size (self->history, self->position + 1);
  g_ptr_array_add (self->history, g_strdup (id));
  self->position = self->history->len - 1;
  load_item (self, id);
}

static void
on_search_item_activated (VbWindow   *self,
                          const char *id)
{
  vb_window_open_item (self, id);
}

static void
on_item_view_open_item (VbWindow   *self,
                        const char *id)
{
  vb_window_open_item (self, id);
}

static void
on_item_view_copied (VbWindow *self)
{
  toast (self, _("Answer copied"));
}

static void
on_leaflet_folded (VbWindow *self)
{
  update_history_actions (self);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->main_stack, "browse");
  gtk_stack_set_visible_child_name (self->side_stack, "search");
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  vb_search_page_focus_entry (VB_SEARCH_PAGE (self->search_page));
  update_history_actions (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  /* From the statistics, back is the search, as it was left. */
  if (statistics_shown (self))
    {
      gtk_stack_set_visible_child_name (self->main_stack, "browse");
      vb_search_page_focus_entry (VB_SEARCH_PAGE (self->search_page));
      update_history_actions (self);
      return;
    }
  /* Folded: back is the list. */
  if (adw_leaflet_get_folded (self->leaflet) &&
      adw_leaflet_get_visible_child (self->leaflet) == self->detail)
    {
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
      vb_search_page_focus_entry (VB_SEARCH_PAGE (self->search_page));
      update_history_actions (self);
      return;
    }
  if (self->history->len == 0 || self->position == 0)
    return;
  self->position--;
  load_item (self, g_ptr_array_index (self->history, self->position));
}

static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  if (self->position + 1 >= self->history->len)
    return;
  self->position++;
  load_item (self, g_ptr_array_index (self->history, self->position));
}

static void
copy_answer_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  vb_item_view_copy (VB_WINDOW (widget)->item_view);
}

static void
show_section_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->detail);
  vb_item_view_show_section (self->item_view, g_variant_get_int32 (parameter));
}

static void
show_catalogue_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->main_stack, "browse");
  gtk_stack_set_visible_child_name (self->side_stack, "catalogue");
  vb_catalogue_page_show_products (VB_CATALOGUE_PAGE (self->catalogue_page));
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_widget_grab_focus (self->catalogue_page);
}

static void
show_notices_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->main_stack, "browse");
  gtk_stack_set_visible_child_name (self->side_stack, "catalogue");
  vb_catalogue_page_show_notices (VB_CATALOGUE_PAGE (self->catalogue_page));
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_widget_grab_focus (self->catalogue_page);
}

static void
show_statistics_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  if (statistics_shown (self))
    vb_stats_page_refresh (VB_STATS_PAGE (self->stats_page));
  gtk_stack_set_visible_child (self->main_stack, self->stats_page);
  gtk_widget_grab_focus (self->stats_page);
  update_history_actions (self);
}

static void
on_stats_message (VbWindow   *self,
                  const char *message)
{
  toast (self, message);
}

static void
open_banner_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  if (self->banner_id != NULL)
    vb_window_open_item (self, self->banner_id);
}

static void
reveal_contacts (VbWindow *self,
                 gboolean  reveal)
{
  adw_flap_set_reveal_flap (self->contact_flap, reveal);
  if (reveal)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "browse");
      adw_leaflet_set_visible_child (self->leaflet, self->detail);
    }
}

static void
new_contact_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  if (self->contact_panel == NULL)
    return;
  reveal_contacts (self, TRUE);
  vb_contact_panel_new_contact (VB_CONTACT_PANEL (self->contact_panel), NULL, NULL);
}

static void
toggle_contacts_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);

  reveal_contacts (self, !adw_flap_get_reveal_flap (self->contact_flap));
}

/* Marks the shown answer (or the product section being read) as the one used, then moves
 * the keyboard to the outcome: with a digit and Ctrl+Enter the contact is logged. */
static void
mark_used_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);
  VbItem *item = vb_item_view_get_item (self->item_view);
  const char *field = NULL, *label = NULL;
  g_autofree char *title = NULL;

  if (item == NULL || self->contact_panel == NULL)
    return;
  if (vb_contact_panel_get_n_open (VB_CONTACT_PANEL (self->contact_panel)) == 0)
    vb_contact_panel_new_contact (VB_CONTACT_PANEL (self->contact_panel), NULL, NULL);
  reveal_contacts (self, TRUE);
  if (vb_item_get_kind (item) == VB_ITEM_PRODUCT &&
      vb_item_view_get_current_section (self->item_view, &field, &label))
    title = g_strdup_printf ("%s - %s", vb_item_get_title (item), label);
  else
    title = g_strdup (vb_item_get_title (item));
  vb_contact_panel_mark_used (VB_CONTACT_PANEL (self->contact_panel), vb_item_get_id (item),
                              field, title);
  vb_contact_panel_focus_outcome (VB_CONTACT_PANEL (self->contact_panel));
}

/* A telephone system starts a contact with the caller's number (app.incoming-call). */
void
vb_window_incoming_call (VbWindow   *self,
                         const char *number)
{
  if (self->contact_panel == NULL)
    {
      /* The databases are still opening: try again when they are. */
      g_object_set_data_full (G_OBJECT (self), "pending-call", g_strdup (number), g_free);
      return;
    }
  reveal_contacts (self, TRUE);
  vb_contact_panel_new_contact (VB_CONTACT_PANEL (self->contact_panel), "telefoon", number);
}

/* A saved contact goes to the server's outbox: send it now rather than at the next pass. Not
 * while the server refuses the token (the agent has been told) or no server is set. */
static void
send_contacts_now (VbWindow *self)
{
  VbSync *sync = vb_context_get_sync (self->context);
  VbSyncState state = sync != NULL ? vb_sync_get_state (sync) : VB_SYNC_STATE_DISABLED;

  if (state == VB_SYNC_STATE_UP_TO_DATE || state == VB_SYNC_STATE_OFFLINE)
    vb_context_sync_now (self->context);
}

static void
on_contact_saved (VbWindow   *self,
                  const char *uuid)
{
  toast (self, _("Contact saved"));
  send_contacts_now (self);
  if (self->contacts_today != NULL)
    vb_contacts_today_reload (VB_CONTACTS_TODAY (self->contacts_today));
  if (vb_contact_panel_get_n_open (VB_CONTACT_PANEL (self->contact_panel)) == 0)
    vb_search_page_focus_entry (VB_SEARCH_PAGE (self->search_page));
}

static void
on_contact_message (VbWindow   *self,
                    const char *message)
{
  toast (self, message);
}

static void
on_contacts_open_changed (VbWindow *self)
{
  if (vb_contact_panel_get_n_open (VB_CONTACT_PANEL (self->contact_panel)) > 0 &&
      !adw_flap_get_reveal_flap (self->contact_flap))
    reveal_contacts (self, TRUE);
}

static void
setup_contacts (VbWindow *self)
{
  VbContactStore *contacts = vb_context_get_contacts (self->context);
  GtkWidget *box, *stack, *switcher;

  if (self->contact_panel != NULL || contacts == NULL)
    return;
  self->contact_panel = vb_contact_panel_new (self->context, contacts);
  self->contacts_today = vb_contacts_today_new (self->context, contacts);
  vb_contacts_today_set_panel (VB_CONTACTS_TODAY (self->contacts_today),
                               VB_CONTACT_PANEL (self->contact_panel));
  g_signal_connect_object (self->contact_panel, "saved", G_CALLBACK (on_contact_saved), self,
                           G_CONNECT_SWAPPED);
  if (g_signal_lookup ("message", VB_TYPE_CONTACT_PANEL) != 0)
    g_signal_connect_object (self->contact_panel, "message", G_CALLBACK (on_contact_message),
                             self, G_CONNECT_SWAPPED);

  /* The open contact and today's contacts, side by side with the answer. */
  stack = adw_view_stack_new ();
  adw_view_stack_add_titled_with_icon (ADW_VIEW_STACK (stack), self->contact_panel, "contact",
                                       _("Contact"), "contact-new-symbolic");
  adw_view_stack_add_titled_with_icon (ADW_VIEW_STACK (stack), self->contacts_today, "today",
                                       _("Today"), "view-list-symbolic");
  gtk_widget_set_vexpand (stack, TRUE);
  switcher = adw_view_switcher_new ();
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (switcher), ADW_VIEW_STACK (stack));
  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (switcher), ADW_VIEW_SWITCHER_POLICY_WIDE);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_size_request (box, 380, -1);
  gtk_widget_add_css_class (box, "background");
  gtk_box_append (GTK_BOX (box), switcher);
  gtk_box_append (GTK_BOX (box), stack);
  adw_flap_set_flap (self->contact_flap, box);

  /* Contacts still open after a crash come back (restored in the background). */
  g_signal_connect_object (self->contact_panel, "notify::n-open",
                           G_CALLBACK (on_contacts_open_changed), self, G_CONNECT_SWAPPED);
  if (g_object_get_data (G_OBJECT (self), "pending-call") != NULL)
    {
      g_autofree char *number = g_strdup (g_object_get_data (G_OBJECT (self), "pending-call"));

      g_object_set_data (G_OBJECT (self), "pending-call", NULL);
      vb_window_incoming_call (self, number);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-contact", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mark-used", TRUE);
}

GtkWidget *
vb_window_get_contact_panel (VbWindow *self)
{
  return self->contact_panel;
}

GtkWidget *
vb_window_get_sync_status (VbWindow *self)
{
  return GTK_WIDGET (self->sync_status);
}

static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

static void
dismiss_banner_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VbWindow *self = VB_WINDOW (widget);
  GSettings *settings = vb_context_get_settings (self->context);
  g_autofree char *date = today ();
  g_autofree char *stored = g_settings_get_string (settings, "dismissed-date");
  g_auto(GStrv) old = g_settings_get_strv (settings, "dismissed-notices");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;

  if (self->banner_id == NULL)
    return;
  /* Hidden for the day: the list starts afresh each day. */
  if (g_strcmp0 (stored, date) == 0)
    g_strv_builder_addv (builder, (const char **) old);
  g_strv_builder_add (builder, self->banner_id);
  ids = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "dismissed-notices", (const char *const *) ids);
  g_settings_set_string (settings, "dismissed-date", date);
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  vb_search_page_focus_entry (VB_SEARCH_PAGE (self->search_page));
}


/* An important notice that is current and not hidden for today. */
static gboolean
shows_in_banner (VbWindow *self,
                 VbItem   *item)
{
  GSettings *settings = vb_context_get_settings (self->context);
  g_autofree char *date = today ();
  g_autofree char *stored = g_settings_get_string (settings, "dismissed-date");
  g_auto(GStrv) dismissed = g_settings_get_strv (settings, "dismissed-notices");

  if (!json_object_get_boolean_member_with_default (vb_item_get_fields (item), "belangrijk",
                                                    FALSE) ||
      !vb_item_is_published (item, g_get_real_time () / G_USEC_PER_SEC))
    return FALSE;
  return g_strcmp0 (stored, date) != 0 ||
         !g_strv_contains ((const char *const *) dismissed, vb_item_get_id (item));
}

static void
show_banner (VbWindow *self,
             VbItem   *item)
{
  g_free (self->banner_id);
  self->banner_id = g_strdup (vb_item_get_id (item));
  gtk_label_set_label (self->banner_label, vb_item_get_title (item));
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
on_notices_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VbWindow) self = user_data;
  g_autoptr(GPtrArray) items = vb_store_list_items_finish (VB_STORE (source), result, NULL);

  if (items == NULL)
    return;
  for (guint i = 0; i < items->len; i++)
    if (shows_in_banner (self, g_ptr_array_index (items, i)))
      {
        show_banner (self, g_ptr_array_index (items, i));
        return;
      }
  /* Read again after a sync: a notice that was withdrawn or ended goes. */
  if (self->banner_id != NULL)
    {
      g_clear_pointer (&self->banner_id, g_free);
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
    }
}

/* ---- the sync: what changed on the server shows without a restart ---- */

static void
on_notice_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VbWindow) self = user_data;
  g_autoptr(VbItem) item = vb_store_get_item_finish (VB_STORE (source), result, NULL);

  if (item == NULL || vb_item_get_kind (item) != VB_ITEM_NOTICE)
    return;
  if (shows_in_banner (self, item))
    show_banner (self, item);
  else if (vb_item_is_published (item, g_get_real_time () / G_USEC_PER_SEC))
    {
      /* Translators: %s is the title of a notice that just came in from the server */
      g_autofree char *text = g_strdup_printf (_("New notice: %s"), vb_item_get_title (item));

      toast (self, text);
    }
}

/* A notice published on the server reaches the screen at once (the long poll brings it within
 * seconds), before the lists are read again. */
static void
on_sync_notice (VbWindow   *self,
                const char *id)
{
  vb_store_get_item_async (vb_context_get_store (self->context), id, NULL, on_notice_loaded,
                           g_object_ref (self));
}

static void
on_open_item_reloaded (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(VbWindow) self = user_data;
  g_autoptr(VbItem) item = vb_store_get_item_finish (VB_STORE (source), result, NULL);
  VbItem *shown = vb_item_view_get_item (self->item_view);

  /* Gone from the server: it stays on screen until the agent moves on. */
  if (item == NULL || shown == NULL ||
      !g_str_equal (vb_item_get_id (item), vb_item_get_id (shown)) ||
      json_object_equal (vb_item_get_fields (item), vb_item_get_fields (shown)))
    return;
  g_debug ("The open answer %s changed: shown again", vb_item_get_id (item));
  vb_item_view_replace_item (self->item_view, item);
}

static void
on_content_changed (VbWindow *self)
{
  VbItem *shown = vb_item_view_get_item (self->item_view);

  vb_search_page_refresh (VB_SEARCH_PAGE (self->search_page));
  vb_catalogue_page_reload (VB_CATALOGUE_PAGE (self->catalogue_page));
  vb_store_list_items_async (vb_context_get_store (self->context), VB_ITEM_NOTICE, TRUE, NULL,
                             on_notices_loaded, g_object_ref (self));
  if (shown != NULL)
    vb_store_get_item_async (vb_context_get_store (self->context), vb_item_get_id (shown), NULL,
                             on_open_item_reloaded, g_object_ref (self));
}

/* A refused token is told once per refusal, with the way to fix it, until it is fixed. */
static void
on_sync_state (VbWindow *self)
{
  VbSync *sync = vb_context_get_sync (self->context);
  AdwToast *refused;

  if (vb_sync_get_state (sync) != VB_SYNC_STATE_ERROR ||
      vb_sync_get_error_code (sync) != VB_SYNC_ERROR_UNAUTHORIZED)
    {
      /* Another pass is under way (a new token, Ctrl+R): the refusal is old news. */
      if (self->token_toast != NULL && vb_sync_get_state (sync) != VB_SYNC_STATE_SYNCING)
        adw_toast_dismiss (self->token_toast);
      return;
    }
  if (self->token_toast != NULL)
    return;
  refused = adw_toast_new (vb_sync_error_to_text (VB_SYNC_ERROR_UNAUTHORIZED));
  adw_toast_set_priority (refused, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (refused, 0);
  adw_toast_set_button_label (refused, _("_Enter Token…"));
  adw_toast_set_action_name (refused, "app.edit-token");
  self->token_toast = refused;
  g_object_add_weak_pointer (G_OBJECT (refused), (gpointer *) &self->token_toast);
  adw_toast_overlay_add_toast (self->toasts, refused);
  vb_a11y_label_icon_buttons (GTK_WIDGET (self->toasts), _("Dismiss"));
}

static void
setup_sync (VbWindow *self)
{
  VbSync *sync = vb_context_get_sync (self->context);

  g_signal_connect_object (self->context, "content-changed", G_CALLBACK (on_content_changed),
                           self, G_CONNECT_SWAPPED);
  if (sync == NULL)
    return;
  g_signal_connect_object (sync, "notice", G_CALLBACK (on_sync_notice), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (on_sync_state), self,
                           G_CONNECT_SWAPPED);
}

static void
on_context_ready (VbWindow *self)
{
  if (!vb_context_is_ready (self->context))
    return;
  vb_item_view_set_store (self->item_view, vb_context_get_store (self->context));
  setup_contacts (self);
  setup_sync (self);
  vb_store_list_items_async (vb_context_get_store (self->context), VB_ITEM_NOTICE, TRUE, NULL,
                             on_notices_loaded, g_object_ref (self));
}

static void
vb_window_constructed (GObject *object)
{
  VbWindow *self = VB_WINDOW (object);

  G_OBJECT_CLASS (vb_window_parent_class)->constructed (object);

  self->search_page = vb_search_page_new (self->context);
  gtk_widget_set_vexpand (self->search_page, TRUE);
  gtk_box_append (self->search_slot, self->search_page);
  g_signal_connect_object (self->search_page, "item-activated",
                           G_CALLBACK (on_search_item_activated), self, G_CONNECT_SWAPPED);

  self->catalogue_page = vb_catalogue_page_new (self->context);
  gtk_stack_add_named (self->side_stack, self->catalogue_page, "catalogue");
  g_signal_connect_object (self->catalogue_page, "item-activated",
                           G_CALLBACK (on_search_item_activated), self, G_CONNECT_SWAPPED);

  /* The statistics take the whole window: charts need the width. */
  self->stats_page = vb_stats_page_new (self->context);
  gtk_stack_add_named (self->main_stack, self->stats_page, "statistics");
  g_signal_connect_object (self->stats_page, "message", G_CALLBACK (on_stats_message), self,
                           G_CONNECT_SWAPPED);

  /* Contacts can be logged once the databases are open. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-contact", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mark-used", FALSE);
  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (on_context_ready), self,
                           G_CONNECT_SWAPPED);
  if (vb_context_is_ready (self->context))
    on_context_ready (self);

  vb_sync_status_set_context (self->sync_status, self->context);
  vb_sync_status_set_context (self->detail_sync_status, self->context);

  update_history_actions (self);
  gtk_window_set_focus (GTK_WINDOW (self), self->search_page);
  gtk_widget_grab_focus (self->search_page);
}

static gboolean
vb_window_close_request (GtkWindow *window)
{
  VbWindow *self = VB_WINDOW (window);

  /* Open contacts are kept as drafts; write the last changes before the window goes. */
  if (self->contact_panel != NULL)
    vb_contact_panel_flush_drafts (VB_CONTACT_PANEL (self->contact_panel));
  return GTK_WINDOW_CLASS (vb_window_parent_class)->close_request (window);
}

static void
vb_window_dispose (GObject *object)
{
  VbWindow *self = VB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->token_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->token_toast), (gpointer *) &self->token_toast);
  self->token_toast = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_WINDOW);

  G_OBJECT_CLASS (vb_window_parent_class)->dispose (object);
}

static void
vb_window_finalize (GObject *object)
{
  VbWindow *self = VB_WINDOW (object);

  g_clear_object (&self->context);
  g_ptr_array_unref (self->history);
  g_free (self->banner_id);

  G_OBJECT_CLASS (vb_window_parent_class)->finalize (object);
}

static void
vb_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VbWindow *self = VB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_window_class_init (VbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vb_window_constructed;
  object_class->dispose = vb_window_dispose;
  object_class->finalize = vb_window_finalize;
  object_class->set_property = vb_window_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = vb_window_close_request;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VB_TYPE_CONTEXT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VB_TYPE_ITEM_VIEW);
  g_type_ensure (VB_TYPE_SYNC_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/vraagbaak/Vraagbaak/vb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VbWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, search_slot);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, detail);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, detail_title);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, item_view);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, contact_flap);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, sync_status);
  gtk_widget_class_bind_template_child (widget_class, VbWindow, detail_sync_status);
  gtk_widget_class_bind_template_callback (widget_class, on_item_view_open_item);
  gtk_widget_class_bind_template_callback (widget_class, on_item_view_copied);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded);

  gtk_widget_class_install_action (widget_class, "win.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.forward", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.copy-answer", NULL, copy_answer_action);
  gtk_widget_class_install_action (widget_class, "win.show-section", "i", show_section_action);
  gtk_widget_class_install_action (widget_class, "win.show-catalogue", NULL, show_catalogue_action);
  gtk_widget_class_install_action (widget_class, "win.show-notices", NULL, show_notices_action);
  gtk_widget_class_install_action (widget_class, "win.show-statistics", NULL,
                                   show_statistics_action);
  gtk_widget_class_install_action (widget_class, "win.open-banner", NULL, open_banner_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-banner", NULL, dismiss_banner_action);
  gtk_widget_class_install_action (widget_class, "win.new-contact", NULL, new_contact_action);
  gtk_widget_class_install_action (widget_class, "win.mark-used", NULL, mark_used_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-contacts", NULL, toggle_contacts_action);
}

/* Escape, when nothing inside used it (an open popover, a dialog, the list), goes back: in a
 * folded window to the list, else to the search entry with its text selected. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                VbWindow              *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (keyval != GDK_KEY_Escape || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)))
    return FALSE;
  /* In the search entry Escape is the entry's own (it clears the query). */
  if (focus != NULL && gtk_widget_is_ancestor (focus, self->search_page))
    return FALSE;
  if (!statistics_shown (self) && adw_leaflet_get_folded (self->leaflet) &&
      adw_leaflet_get_visible_child (self->leaflet) == self->detail)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.focus-search", NULL);
  return TRUE;
}

static void
vb_window_init (VbWindow *self)
{
  GtkEventController *controller;

  self->history = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

VbWindow *
vb_window_new (GtkApplication *app,
               VbContext      *context)
{
  return g_object_new (VB_TYPE_WINDOW, "application", app, "context", context, NULL);
}

GtkWidget *
vb_window_get_search_page (VbWindow *self)
{
  return self->search_page;
}

GtkWidget *
vb_window_get_item_view (VbWindow *self)
{
  return GTK_WIDGET (self->item_view);
}

GtkWidget *
vb_window_get_stats_page (VbWindow *self)
{
  return self->stats_page;
}
