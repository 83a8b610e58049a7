/* vb-search-page.c: the search entry, filters and result list
 *
 * Every keystroke starts a search on a worker thread and cancels the one before; the results
 * replace the list in one change (one items-changed on the store). Down in the entry moves
 * into the list, Enter opens, Escape in the list goes back to the entry with its text
 * selected, and typing while the list has focus continues the query.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-a11y.h"
#include "vb-result-row.h"
#include "vb-search-page.h"

struct _VbSearchPage
{
  GtkWidget        parent_instance;

  VbContext       *context;
  GListStore      *results;
  GCancellable    *cancellable;
  char            *suggestion_text;
  guint            generation;
  guint            log_timeout;    /* logs a search left standing for two seconds */
  char            *logged_query;   /* the last query logged, not to log it twice */

  GtkWidget       *box;
  GtkSearchEntry  *entry;
  GtkDropDown     *kind_filter;
  GtkDropDown     *doelgroep_filter;
  GtkDropDown     *afdeling_filter;
  GtkStringList   *afdelingen;
  GtkButton       *suggestion;
  GtkStack        *stack;
  GtkListBox      *list;
  GtkListBox      *notices;
  GtkListBox      *most_used;
  GtkWidget       *most_used_heading;
  gint64           most_used_loaded;  /* monotonic time of the last load */
  AdwStatusPage   *empty_page;
  AdwStatusPage   *error_page;
};

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  ITEM_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbSearchPage, vb_search_page, GTK_TYPE_WIDGET)

static void run_search (VbSearchPage *self);
static gboolean on_log_timeout (gpointer user_data);
static void load_most_used (VbSearchPage *self);

static void
show_start (VbSearchPage *self)
{
  if (!vb_context_is_ready (self->context))
    gtk_stack_set_visible_child_name (self->stack,
                                      vb_context_get_error (self->context) ? "error" : "loading");
  else if (vb_context_get_n_items (self->context) == 0)
    gtk_stack_set_visible_child_name (self->stack, "no-content");
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "start");
      load_most_used (self);
    }
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return vb_result_row_new (item);
}

static void
on_search_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VbSearchPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VbSearchResults) results =
    vb_searcher_search_finish (VB_SEARCHER (source), result, &error);
  const char *suggestion;
  guint n;

  if (results == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      return;
    }
  if (self->box == NULL)
    return;  /* disposed meanwhile */

  n = g_list_model_get_n_items (G_LIST_MODEL (results));
  {
    g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < n; i++)
      g_ptr_array_add (hits, g_object_ref (vb_search_results_get_hit (results, i)));
    /* One change for the whole result set. */
    g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                         hits->pdata, hits->len);
  }

  suggestion = vb_search_results_get_suggestion (results);
  g_free (self->suggestion_text);
  self->suggestion_text = g_strdup (suggestion);
  if (suggestion != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("Did you mean “%s”?"), suggestion);

      gtk_button_set_label (self->suggestion, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->suggestion), suggestion != NULL);

  if (n > 0)
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->list, 0);

      gtk_list_box_select_row (self->list, first);
      gtk_stack_set_visible_child_name (self->stack, "results");
      g_clear_handle_id (&self->log_timeout, g_source_remove);
      self->log_timeout = g_timeout_add_seconds (2, on_log_timeout, self);
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");
}

/* The anonymous search log (for content gaps): a search counts when the agent opened a result
 * from it, or left it standing with results for two seconds. The store redacts numbers,
 * e-mail addresses and phone numbers before anything is written. */
static void
log_search (VbSearchPage *self,
            const char   *opened_item)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  VbContactStore *contacts = vb_context_get_contacts (self->context);

  g_clear_handle_id (&self->log_timeout, g_source_remove);
  if (contacts == NULL || *query == '\0')
    return;
  if (opened_item == NULL && g_strcmp0 (query, self->logged_query) == 0)
    return;
  g_free (self->logged_query);
  self->logged_query = g_strdup (query);
  vb_contact_store_log_search_async (contacts, query,
                                     g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                                     opened_item, NULL, NULL, NULL);
}

static gboolean
on_log_timeout (gpointer user_data)
{
  VbSearchPage *self = user_data;

  self->log_timeout = 0;
  log_search (self, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
is_blank (const char *text)
{
  for (; *text; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

static void
run_search (VbSearchPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  VbSearchOptions options = VB_SEARCH_OPTIONS_INIT;
  guint kind = gtk_drop_down_get_selected (self->kind_filter);
  guint doelgroep = gtk_drop_down_get_selected (self->doelgroep_filter);
  guint afdeling = gtk_drop_down_get_selected (self->afdeling_filter);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->log_timeout, g_source_remove);

  if (!vb_context_is_ready (self->context) || is_blank (text))
    {
      g_list_store_remove_all (self->results);
      gtk_widget_set_visible (GTK_WIDGET (self->suggestion), FALSE);
      show_start (self);
      return;
    }

  options.kind = kind == 1 ? VB_ITEM_VAC : kind == 2 ? VB_ITEM_PRODUCT : kind == 3 ? VB_ITEM_NOTICE : -1;
  options.doelgroep = doelgroep == 1 ? "particulier" : doelgroep == 2 ? "ondernemer" : NULL;
  if (afdeling != GTK_INVALID_LIST_POSITION && afdeling > 0)
    options.afdeling = gtk_string_list_get_string (self->afdelingen, afdeling);
  options.limit = 20;

  self->cancellable = g_cancellable_new ();
  vb_searcher_search_async (vb_context_get_searcher (self->context), text, &options,
                            self->cancellable, on_search_done, g_object_ref (self));
}

static void
on_entry_search_changed (GtkSearchEntry *entry,
                         VbSearchPage   *self)
{
  run_search (self);
}

static void
on_filter_changed (VbSearchPage *self)
{
  run_search (self);
}

static void
activate_row (VbSearchPage  *self,
              GtkListBoxRow *row)
{
  VbSearchHit *hit;

  if (row == NULL || !VB_IS_RESULT_ROW (row))
    return;
  hit = vb_result_row_get_hit (VB_RESULT_ROW (row));
  log_search (self, vb_search_hit_get_id (hit));
  g_signal_emit (self, signals[ITEM_ACTIVATED], 0, vb_search_hit_get_id (hit));
}

static void
on_entry_activate (GtkSearchEntry *entry,
                   VbSearchPage   *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);

  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->list, 0);
  activate_row (self, row);
}

static void
on_entry_stop_search (GtkSearchEntry *entry,
                      VbSearchPage   *self)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
on_list_row_activated (GtkListBox    *list,
                       GtkListBoxRow *row,
                       VbSearchPage  *self)
{
  activate_row (self, row);
}

static void
on_suggestion_clicked (VbSearchPage *self)
{
  if (self->suggestion_text == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), self->suggestion_text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
on_notice_activated (GtkListBox    *list,
                     GtkListBoxRow *row,
                     VbSearchPage  *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "item-id");

  if (id != NULL)
    g_signal_emit (self, signals[ITEM_ACTIVATED], 0, id);
}

/* Down (and Page Down) from the entry moves into the list. */
static gboolean
on_entry_key_pressed (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      VbSearchPage          *self)
{
  GtkListBoxRow *row;

  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down && keyval != GDK_KEY_Page_Down) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "results"))
    return FALSE;
  /* The selected row (the first after a search) gets the focus; Down again moves on. */
  row = gtk_list_box_get_selected_row (self->list);
  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->list, 0);
  if (row == NULL)
    return FALSE;
  gtk_list_box_select_row (self->list, row);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  return TRUE;
}

/* Escape in the list, or Up on its first row, goes back to the entry. */
static gboolean
on_list_key_pressed (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     VbSearchPage          *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);

  if (keyval == GDK_KEY_Escape ||
      ((keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up) && row != NULL &&
       gtk_list_box_row_get_index (row) == 0))
    {
      vb_search_page_focus_entry (self);
      return TRUE;
    }
  return FALSE;
}

static void
load_afdelingen_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  VbStore *store = task_data;
  GError *error = NULL;
  JsonArray *array = vb_store_dup_list (store, "afdelingen", &error);

  if (array == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, array, (GDestroyNotify) json_array_unref);
}

static void
on_afdelingen_loaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  VbSearchPage *self = VB_SEARCH_PAGE (source);
  g_autoptr(JsonArray) array = g_task_propagate_pointer (G_TASK (result), NULL);

  if (array == NULL || self->afdelingen == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = json_array_get_object_element (array, i);
      const char *naam = obj ? json_object_get_string_member_with_default (obj, "naam", NULL) : NULL;

      if (naam != NULL)
        gtk_string_list_append (self->afdelingen, naam);
    }
}

static GtkWidget *
notice_row_new (VbItem *item)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  const char *soort = vb_item_get_string (item, "soort");
  g_autofree char *title = g_markup_escape_text (vb_item_get_title (item), -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (g_strcmp0 (soort, "storing") == 0)
    adw_action_row_set_subtitle (row, _("Disruption"));
  else if (g_strcmp0 (soort, "werkinstructie") == 0)
    adw_action_row_set_subtitle (row, _("Work instruction"));
  else
    adw_action_row_set_subtitle (row, _("News"));
  adw_action_row_set_icon_name (row, g_strcmp0 (soort, "storing") == 0 ? "dialog-warning-symbolic"
                                                                        : "mail-unread-symbolic");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (row), "activatable");
  g_object_set_data_full (G_OBJECT (row), "item-id", g_strdup (vb_item_get_id (item)), g_free);
  return GTK_WIDGET (row);
}


static void
on_notices_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VbSearchPage) self = user_data;
  g_autoptr(GPtrArray) items = vb_store_list_items_finish (VB_STORE (source), result, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint shown = 0;
  GtkWidget *child;

  if (items == NULL || self->notices == NULL)
    return;
  /* Loaded again after a sync: the list is replaced, not added to. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->notices))) != NULL)
    gtk_list_box_remove (self->notices, child);
  for (guint i = 0; i < items->len; i++)
    if (vb_item_is_published (g_ptr_array_index (items, i), now))
      {
        gtk_list_box_append (self->notices, notice_row_new (g_ptr_array_index (items, i)));
        shown++;
      }
  if (shown == 0)
    {
      GtkWidget *label = gtk_label_new (_("No current notices"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_list_box_append (self->notices, label);
    }
}

typedef struct
{
  VbStore        *store;
  VbContactStore *contacts;
} MostUsedData;

static void
most_used_data_free (gpointer data)
{
  MostUsedData *d = data;

  g_clear_object (&d->store);
  g_clear_object (&d->contacts);
  g_free (d);
}

/* The answers used most in contacts of the last 30 days, as items (on a worker thread). */
static void
load_most_used_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  MostUsedData *d = task_data;
  gint64 since = g_get_real_time () / G_USEC_PER_SEC - 30 * 24 * 3600;
  g_autoptr(GPtrArray) ids = vb_contact_store_list_most_used (d->contacts, since, 5, NULL);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      VbItem *item = vb_store_get_item (d->store, g_ptr_array_index (ids, i), NULL);

      if (item != NULL && vb_item_is_searchable (item))
        g_ptr_array_add (items, item);
      else
        g_clear_object (&item);
    }
  g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_most_used_loaded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  VbSearchPage *self = VB_SEARCH_PAGE (source);
  g_autoptr(GPtrArray) items = g_task_propagate_pointer (G_TASK (result), NULL);
  GtkWidget *child;

  if (items == NULL || self->most_used == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->most_used))) != NULL)
    gtk_list_box_remove (self->most_used, child);
  for (guint i = 0; i < items->len; i++)
    {
      VbItem *item = g_ptr_array_index (items, i);
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      g_autofree char *title = g_markup_escape_text (vb_item_get_title (item), -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (row, vb_kind_badge_label (vb_item_get_kind (item)));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "item-id", g_strdup (vb_item_get_id (item)), g_free);
      gtk_list_box_append (self->most_used, GTK_WIDGET (row));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->most_used), items->len > 0);
  gtk_widget_set_visible (self->most_used_heading, items->len > 0);
}

static void
load_most_used (VbSearchPage *self)
{
  g_autoptr(GTask) task = NULL;
  MostUsedData *d;

  /* At most twice a minute: the start page shows often, the figures change slowly. */
  if (!vb_context_is_ready (self->context) || vb_context_get_contacts (self->context) == NULL ||
      (self->most_used_loaded != 0 &&
       g_get_monotonic_time () - self->most_used_loaded < 30 * G_USEC_PER_SEC))
    return;
  self->most_used_loaded = g_get_monotonic_time ();
  d = g_new0 (MostUsedData, 1);
  d->store = g_object_ref (vb_context_get_store (self->context));
  d->contacts = g_object_ref (vb_context_get_contacts (self->context));
  task = g_task_new (self, NULL, on_most_used_loaded, NULL);
  g_task_set_task_data (task, d, most_used_data_free);
  g_task_run_in_thread (task, load_most_used_thread);
}

static void
on_context_ready (VbSearchPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (!vb_context_is_ready (self->context))
    return;
  task = g_task_new (self, NULL, on_afdelingen_loaded, NULL);
  g_task_set_task_data (task, g_object_ref (vb_context_get_store (self->context)), g_object_unref);
  g_task_run_in_thread (task, load_afdelingen_thread);
  vb_store_list_items_async (vb_context_get_store (self->context), VB_ITEM_NOTICE, TRUE, NULL,
                             on_notices_loaded, g_object_ref (self));
  run_search (self);
}

static void
vb_search_page_constructed (GObject *object)
{
  VbSearchPage *self = VB_SEARCH_PAGE (object);

  G_OBJECT_CLASS (vb_search_page_parent_class)->constructed (object);

  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (on_context_ready), self,
                           G_CONNECT_SWAPPED);
  show_start (self);
  if (vb_context_is_ready (self->context))
    on_context_ready (self);
}

static void
vb_search_page_dispose (GObject *object)
{
  VbSearchPage *self = VB_SEARCH_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->log_timeout, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_SEARCH_PAGE);
  self->box = NULL;
  self->notices = NULL;
  self->most_used = NULL;
  self->afdelingen = NULL;

  G_OBJECT_CLASS (vb_search_page_parent_class)->dispose (object);
}

static void
vb_search_page_finalize (GObject *object)
{
  VbSearchPage *self = VB_SEARCH_PAGE (object);

  g_clear_object (&self->context);
  g_clear_object (&self->results);
  g_free (self->suggestion_text);
  g_free (self->logged_query);

  G_OBJECT_CLASS (vb_search_page_parent_class)->finalize (object);
}

static void
vb_search_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VbSearchPage *self = VB_SEARCH_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
vb_search_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (VB_SEARCH_PAGE (widget)->entry));
}

static void
vb_search_page_class_init (VbSearchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vb_search_page_constructed;
  object_class->dispose = vb_search_page_dispose;
  object_class->finalize = vb_search_page_finalize;
  object_class->set_property = vb_search_page_set_property;
  widget_class->grab_focus = vb_search_page_grab_focus;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VB_TYPE_CONTEXT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The agent opened a result (or a notice); the window shows it. */
  signals[ITEM_ACTIVATED] =
    g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/search/vb-search-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, box);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, entry);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, kind_filter);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, doelgroep_filter);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, afdeling_filter);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, afdelingen);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, suggestion);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, stack);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, list);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, notices);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, most_used);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, most_used_heading);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VbSearchPage, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_suggestion_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_notice_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vbsearchpage");
}

static void
vb_search_page_init (VbSearchPage *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  vb_a11y_label_drop_down (self->kind_filter, _("Type"));
  vb_a11y_label_drop_down (self->doelgroep_filter, _("Audience"));
  vb_a11y_label_drop_down (self->afdeling_filter, _("Department"));
  self->results = g_list_store_new (VB_TYPE_SEARCH_HIT);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->results), create_row, NULL, NULL);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_entry_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), controller);

  /* Capture phase, before the entry's key capture forwards Escape to it (which would clear
   * the query instead of going back to it). */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_list_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list), controller);

  /* Typing while the list has focus continues the search. */
  gtk_search_entry_set_key_capture_widget (self->entry, GTK_WIDGET (self->list));
}

GtkWidget *
vb_search_page_new (VbContext *context)
{
  return g_object_new (VB_TYPE_SEARCH_PAGE, "context", context, NULL);
}

/* Focus the entry with its text selected, ready to type over. */
void
vb_search_page_focus_entry (VbSearchPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

void
vb_search_page_set_text (VbSearchPage *self,
                         const char   *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
}

/* The current results, a list model of VbSearchHit (for tests and the window). */
/* The content changed (a sync): the shown query runs again and the start page's lists are
 * read again; the query, the filters and the focus stay. */
void
vb_search_page_refresh (VbSearchPage *self)
{
  g_return_if_fail (VB_IS_SEARCH_PAGE (self));

  if (!vb_context_is_ready (self->context))
    return;
  self->most_used_loaded = 0;
  vb_store_list_items_async (vb_context_get_store (self->context), VB_ITEM_NOTICE, TRUE, NULL,
                             on_notices_loaded, g_object_ref (self));
  run_search (self);
}

GListModel *
vb_search_page_get_results (VbSearchPage *self)
{
  return G_LIST_MODEL (self->results);
}

/* Which page shows: loading, start, results, empty, no-content or error. */
const char *
vb_search_page_get_state (VbSearchPage *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}
