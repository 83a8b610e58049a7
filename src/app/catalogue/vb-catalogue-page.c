/* vb-catalogue-page.c: browse the products A–Z and the notices without typing
 *
 * Two views behind a view switcher. Products lists every active product from A to Z with a
 * header per first letter, narrowed by department and audience. Notices lists the current
 * and the upcoming notices; expired ones are left out. Nothing is read before the page is
 * first shown, and never on this thread: the store lists the items on a worker.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-a11y.h"
#include "vb-catalogue-page.h"

typedef enum
{
  LOAD_NONE,
  LOAD_BUSY,
  LOAD_DONE,
} LoadState;

typedef enum
{
  NOTICE_EXPIRED,
  NOTICE_CURRENT,
  NOTICE_UPCOMING,
} NoticeState;

struct _VbCataloguePage
{
  GtkWidget          parent_instance;

  VbContext         *context;
  GCancellable      *cancellable;
  LoadState          products_state;
  LoadState          notices_state;
  GPtrArray         *notice_items;      /* VbItem, active notices as the store gave them */
  char              *notice_signature;  /* which notices show where, to skip needless rebuilds */
  gboolean           focus_pending;
  gboolean           disposed;
  gboolean           reloading;         /* keep the lists on screen while they load again */

  GtkWidget         *box;
  GtkButton         *back_button;
  AdwViewStack      *view_stack;
  GtkDropDown       *afdeling_filter;
  GtkDropDown       *doelgroep_filter;
  GtkStringList     *afdelingen;
  GtkStack          *products_stack;
  GtkScrolledWindow *products_scroller;
  GtkListBox        *products_list;
  GtkButton         *reset_button;
  AdwStatusPage     *products_error;
  GtkStack          *notices_stack;
  GtkListBox        *current_list;
  GtkListBox        *upcoming_list;
  AdwStatusPage     *notices_error;
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

G_DEFINE_FINAL_TYPE (VbCataloguePage, vb_catalogue_page, GTK_TYPE_WIDGET)

enum {
  AUDIENCE_EVERYONE,
  AUDIENCE_RESIDENTS,
  AUDIENCE_BUSINESSES,
};

/* What a product row needs for sorting, its header and the filters. */
typedef struct
{
  VbItem   *item;
  char     *key;         /* collation key of the folded title */
  char     *letter;      /* the header: an upper-case letter, or "#" */
  char    **afdelingen;
  gboolean  residents;
  gboolean  businesses;
} Product;

static void
product_free (gpointer data)
{
  Product *product = data;

  g_object_unref (product->item);
  g_free (product->key);
  g_free (product->letter);
  g_strfreev (product->afdelingen);
  g_free (product);
}

/* The title without accents, case or leading punctuation, so that “Één” sorts under E and
 * “'s-Hertogenbosch” under H. */
static char *
fold_title (const char *title)
{
  g_autofree char *decomposed = g_utf8_normalize (title, -1, G_NORMALIZE_NFD);
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_ismark (c))
        continue;
      if (out->len == 0 && !g_unichar_isalnum (c))
        continue;
      g_string_append_unichar (out, c);
    }
  return g_utf8_casefold (out->str, -1);
}

static Product *
product_new (VbItem *item)
{
  Product *product = g_new0 (Product, 1);
  const char *audience = vb_doelgroep_to_label (vb_item_get_doelgroep (item));
  g_autofree char *folded = fold_title (vb_item_get_title (item));
  gunichar first = g_utf8_get_char (folded);
  char letter[8] = { 0 };

  product->item = g_object_ref (item);
  product->key = g_utf8_collate_key (folded, -1);
  if (first != 0 && g_unichar_isalpha (first))
    {
      g_unichar_to_utf8 (g_unichar_toupper (first), letter);
      product->letter = g_strdup (letter);
    }
  else
    product->letter = g_strdup ("#");
  product->afdelingen = vb_item_dup_afdelingen (item);
  product->residents = g_str_equal (audience, "particulier") || g_str_equal (audience, "beide");
  product->businesses = g_str_equal (audience, "ondernemer") || g_str_equal (audience, "beide");
  return product;
}

static int
compare_products (gconstpointer a,
                  gconstpointer b)
{
  const Product *pa = *(Product **) a;
  const Product *pb = *(Product **) b;
  int cmp = strcmp (pa->key, pb->key);

  return cmp != 0 ? cmp : g_strcmp0 (vb_item_get_id (pa->item), vb_item_get_id (pb->item));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char **) a, *(const char **) b);
}

static GtkWidget *
product_row_new (Product *product)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_markup_escape_text (vb_item_get_title (product->item), -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (product->afdelingen[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", product->afdelingen);
      g_autofree char *subtitle = g_markup_escape_text (joined, -1);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "item-id", g_strdup (vb_item_get_id (product->item)),
                          g_free);
  g_object_set_data_full (G_OBJECT (row), "product", product, product_free);
  return row;
}

static gboolean
product_matches (VbCataloguePage *self,
                 Product         *product)
{
  guint audience = gtk_drop_down_get_selected (self->doelgroep_filter);
  guint afdeling = gtk_drop_down_get_selected (self->afdeling_filter);

  if (audience == AUDIENCE_RESIDENTS && !product->residents)
    return FALSE;
  if (audience == AUDIENCE_BUSINESSES && !product->businesses)
    return FALSE;
  if (afdeling != GTK_INVALID_LIST_POSITION && afdeling > 0)
    {
      const char *name = gtk_string_list_get_string (self->afdelingen, afdeling);

      if (name != NULL && !g_strv_contains ((const char *const *) product->afdelingen, name))
        return FALSE;
    }
  return TRUE;
}

static gboolean
filter_product_row (GtkListBoxRow *row,
                    gpointer       user_data)
{
  VbCataloguePage *self = user_data;
  Product *product = g_object_get_data (G_OBJECT (row), "product");

  return product == NULL || product_matches (self, product);
}

/* A header above the first product of each letter. */
static void
update_product_header (GtkListBoxRow *row,
                       GtkListBoxRow *before,
                       gpointer       user_data)
{
  Product *product = g_object_get_data (G_OBJECT (row), "product");
  Product *previous = before ? g_object_get_data (G_OBJECT (before), "product") : NULL;
  GtkWidget *header = gtk_list_box_row_get_header (row);

  if (product == NULL || (previous != NULL && g_str_equal (product->letter, previous->letter)))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  if (header == NULL || !g_str_equal (gtk_label_get_label (GTK_LABEL (header)), product->letter))
    {
      header = gtk_label_new (product->letter);
      gtk_label_set_xalign (GTK_LABEL (header), 0);
      gtk_widget_set_margin_start (header, 12);
      gtk_widget_set_margin_end (header, 12);
      gtk_widget_set_margin_bottom (header, 3);
      gtk_widget_add_css_class (header, "heading");
      gtk_widget_add_css_class (header, "vb-letter");
      gtk_list_box_row_set_header (row, header);
    }
  /* The filters decide which header comes first. */
  gtk_widget_set_margin_top (header, before != NULL ? 12 : 0);
}

static GtkListBoxRow *
first_visible_row (GtkListBox *list)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (gtk_widget_get_child_visible (GTK_WIDGET (row)))
      return row;
  return NULL;
}

/* Shows the products the filters let through, or says that none match. */
static void
apply_filters (VbCataloguePage *self)
{
  GtkListBoxRow *selected;
  GtkListBoxRow *row;
  guint shown = 0;

  if (self->products_state != LOAD_DONE)
    return;
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->products_list, i)) != NULL; i++)
    {
      Product *product = g_object_get_data (G_OBJECT (row), "product");

      if (product != NULL && product_matches (self, product))
        shown++;
    }
  gtk_list_box_invalidate_filter (self->products_list);
  gtk_list_box_invalidate_headers (self->products_list);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->products_scroller), 0);

  if (gtk_list_box_get_row_at_index (self->products_list, 0) == NULL)
    {
      gtk_stack_set_visible_child_name (self->products_stack, "empty");
      return;
    }
  if (shown == 0)
    {
      gtk_stack_set_visible_child_name (self->products_stack, "no-match");
      return;
    }
  selected = gtk_list_box_get_selected_row (self->products_list);
  if (selected != NULL && !gtk_widget_get_child_visible (GTK_WIDGET (selected)))
    gtk_list_box_select_row (self->products_list, first_visible_row (self->products_list));
  gtk_stack_set_visible_child_name (self->products_stack, "list");
}

static void
on_filter_changed (VbCataloguePage *self)
{
  apply_filters (self);
}

static void
on_reset_clicked (VbCataloguePage *self)
{
  gtk_drop_down_set_selected (self->afdeling_filter, 0);
  gtk_drop_down_set_selected (self->doelgroep_filter, AUDIENCE_EVERYONE);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_row_activated (GtkListBox      *list,
                  GtkListBoxRow   *row,
                  VbCataloguePage *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "item-id");

  if (id != NULL)
    g_signal_emit (self, signals[ITEM_ACTIVATED], 0, id);
}

/* Where focus is useful in the visible view, or NULL while it is still loading. */
static GtkWidget *
focus_target (VbCataloguePage *self)
{
  const char *view = adw_view_stack_get_visible_child_name (self->view_stack);
  const char *state;
  GtkListBoxRow *row;

  if (g_strcmp0 (view, "notices") == 0)
    {
      if (g_str_equal (gtk_stack_get_visible_child_name (self->notices_stack), "error"))
        return GTK_WIDGET (self->back_button);
      if (self->notices_state != LOAD_DONE)
        return NULL;
      row = gtk_list_box_get_row_at_index (self->current_list, 0);
      if (row == NULL)
        row = gtk_list_box_get_row_at_index (self->upcoming_list, 0);
      return row != NULL ? GTK_WIDGET (row) : GTK_WIDGET (self->back_button);
    }

  state = gtk_stack_get_visible_child_name (self->products_stack);
  if (g_str_equal (state, "list"))
    {
      row = gtk_list_box_get_selected_row (self->products_list);
      if (row == NULL || !gtk_widget_get_child_visible (GTK_WIDGET (row)))
        {
          row = first_visible_row (self->products_list);
          gtk_list_box_select_row (self->products_list, row);
        }
      return GTK_WIDGET (row);
    }
  if (g_str_equal (state, "no-match"))
    return GTK_WIDGET (self->reset_button);
  if (g_str_equal (state, "loading"))
    return NULL;
  return GTK_WIDGET (self->back_button);
}

/* The window asked for focus before the lists were there: move it now, unless the agent
 * has gone elsewhere meanwhile. */
static void
settle_focus (VbCataloguePage *self)
{
  GtkWidget *target;
  GtkRoot *root;
  GtkWidget *focus;

  if (!self->focus_pending)
    return;
  target = focus_target (self);
  if (target == NULL)
    return;
  self->focus_pending = FALSE;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (focus == NULL || focus == GTK_WIDGET (self->back_button)))
    gtk_widget_grab_focus (target);
}

static void
on_products_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(VbCataloguePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = vb_store_list_items_finish (VB_STORE (source), result, &error);
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GHashTable) seen = NULL;

  if (self->disposed)
    return;
  if (items == NULL)
    {
      self->products_state = LOAD_NONE;  /* try again the next time the page is shown */
      adw_status_page_set_description (self->products_error, error->message);
      gtk_stack_set_visible_child_name (self->products_stack, "error");
      settle_focus (self);
      return;
    }

  /* The rows own the products. */
  products = g_ptr_array_sized_new (items->len);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  names = g_ptr_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      Product *product = product_new (g_ptr_array_index (items, i));

      g_ptr_array_add (products, product);
      for (guint j = 0; product->afdelingen[j] != NULL; j++)
        if (*product->afdelingen[j] != '\0' && g_hash_table_add (seen, product->afdelingen[j]))
          g_ptr_array_add (names, product->afdelingen[j]);
    }
  g_ptr_array_sort (products, compare_products);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  for (guint i = 0; i < products->len; i++)
    gtk_list_box_append (self->products_list, product_row_new (g_ptr_array_index (products, i)));
  gtk_string_list_splice (self->afdelingen, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->afdelingen)) - 1,
                          (const char *const *) names->pdata);

  self->products_state = LOAD_DONE;
  apply_filters (self);
  settle_focus (self);
}

static GDateTime *
parse_date (const char *text)
{
  g_autoptr(GTimeZone) local = NULL;
  g_autofree char *full = NULL;

  if (text == NULL || *text == '\0')
    return NULL;
  /* A bare date (2027-01-05) starts at local midnight. */
  if (strlen (text) == 10)
    text = full = g_strconcat (text, "T00:00:00", NULL);
  local = g_time_zone_new_local ();
  return g_date_time_new_from_iso8601 (text, local);
}

static char *
format_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (date);

  /* Translators: a date in the period of a notice, as in “15 April 2027”; see
   * g_date_time_format() for the codes. */
  return g_date_time_format (local, _("%-d %B %Y"));
}

static NoticeState
notice_state (VbItem    *item,
              GDateTime *now)
{
  g_autoptr(GDateTime) starts = parse_date (vb_item_get_string (item, "publicatieDatum"));
  g_autoptr(GDateTime) ends = parse_date (vb_item_get_string (item, "publicatieEinddatum"));

  if (ends != NULL && g_date_time_compare (ends, now) <= 0)
    return NOTICE_EXPIRED;
  if (starts != NULL && g_date_time_compare (starts, now) > 0)
    return NOTICE_UPCOMING;
  return NOTICE_CURRENT;
}

static char *
notice_subtitle (VbItem      *item,
                 NoticeState  state)
{
  const char *soort = vb_item_get_string (item, "soort");
  g_autoptr(GDateTime) starts = parse_date (vb_item_get_string (item, "publicatieDatum"));
  g_autoptr(GDateTime) ends = parse_date (vb_item_get_string (item, "publicatieEinddatum"));
  g_autofree char *from = starts != NULL ? format_date (starts) : NULL;
  g_autofree char *until = ends != NULL ? format_date (ends) : NULL;
  g_autofree char *period = NULL;
  const char *kind;

  if (g_strcmp0 (soort, "storing") == 0)
    kind = _("Disruption");
  else if (g_strcmp0 (soort, "werkinstructie") == 0)
    kind = _("Work instruction");
  else
    kind = _("News");

  if (state == NOTICE_UPCOMING && from != NULL && until != NULL)
    /* Translators: the period of an upcoming notice; both are dates */
    period = g_strdup_printf (_("from %s until %s"), from, until);
  else if (state == NOTICE_UPCOMING && from != NULL)
    /* Translators: when an upcoming notice starts; %s is a date */
    period = g_strdup_printf (_("from %s"), from);
  else if (until != NULL)
    /* Translators: when a current notice ends; %s is a date */
    period = g_strdup_printf (_("until %s"), until);

  if (period == NULL)
    return g_strdup (kind);
  /* Translators: a notice's kind and period, as in “Disruption · until 15 April 2027” */
  return g_strdup_printf (_("%s · %s"), kind, period);
}

static GtkWidget *
notice_row_new (VbItem      *item,
                NoticeState  state)
{
  GtkWidget *row = adw_action_row_new ();
  const char *soort = vb_item_get_string (item, "soort");
  g_autofree char *title = g_markup_escape_text (vb_item_get_title (item), -1);
  g_autofree char *text = notice_subtitle (item, state);
  g_autofree char *subtitle = g_markup_escape_text (text, -1);
  JsonObject *fields = vb_item_get_fields (item);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (g_strcmp0 (soort, "storing") == 0)
    adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-warning-symbolic");
  else if (g_strcmp0 (soort, "werkinstructie") == 0)
    adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "view-list-bullet-symbolic");
  else
    adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "mail-unread-symbolic");

  if (json_object_get_boolean_member_with_default (fields, "belangrijk", FALSE))
    {
      GtkWidget *badge = gtk_label_new (_("Important"));

      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (badge, "vb-badge");
      gtk_widget_add_css_class (badge, "notice");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
    }

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "item-id", g_strdup (vb_item_get_id (item)), g_free);
  return row;
}

static gboolean
is_important (VbItem *item)
{
  return json_object_get_boolean_member_with_default (vb_item_get_fields (item), "belangrijk",
                                                       FALSE);
}

/* Important current notices first, then by title (the store's order; the sort is stable). */
static int
compare_current (gconstpointer a,
                 gconstpointer b)
{
  return is_important (*(VbItem **) b) - is_important (*(VbItem **) a);
}

/* Upcoming notices by the day they start. */
static int
compare_upcoming (gconstpointer a,
                  gconstpointer b)
{
  const char *sa = vb_item_get_string (*(VbItem **) a, "publicatieDatum");
  const char *sb = vb_item_get_string (*(VbItem **) b, "publicatieDatum");
  g_autoptr(GDateTime) da = parse_date (sa);
  g_autoptr(GDateTime) db = parse_date (sb);

  if (da == NULL || db == NULL)
    return (da == NULL) - (db == NULL);
  return g_date_time_compare (da, db);
}

static void
remove_all_rows (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

/* Sorts the notices into current and upcoming as of now; called again whenever the page is
 * shown, as time moves notices along. */
static void
refresh_notices (VbCataloguePage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) current = g_ptr_array_new ();
  g_autoptr(GPtrArray) upcoming = g_ptr_array_new ();
  g_autoptr(GString) signature = g_string_new (NULL);

  if (self->notice_items == NULL)
    return;
  for (guint i = 0; i < self->notice_items->len; i++)
    {
      VbItem *item = g_ptr_array_index (self->notice_items, i);

      switch (notice_state (item, now))
        {
        case NOTICE_CURRENT:
          g_ptr_array_add (current, item);
          break;
        case NOTICE_UPCOMING:
          g_ptr_array_add (upcoming, item);
          break;
        case NOTICE_EXPIRED:
        default:
          break;
        }
    }
  g_ptr_array_sort (current, compare_current);
  g_ptr_array_sort (upcoming, compare_upcoming);

  for (guint i = 0; i < current->len; i++)
    g_string_append_printf (signature, "c %s\n", vb_item_get_id (g_ptr_array_index (current, i)));
  for (guint i = 0; i < upcoming->len; i++)
    g_string_append_printf (signature, "u %s\n", vb_item_get_id (g_ptr_array_index (upcoming, i)));
  if (g_strcmp0 (signature->str, self->notice_signature) == 0)
    return;
  g_free (self->notice_signature);
  self->notice_signature = g_strdup (signature->str);

  remove_all_rows (self->current_list);
  remove_all_rows (self->upcoming_list);
  for (guint i = 0; i < current->len; i++)
    gtk_list_box_append (self->current_list,
                         notice_row_new (g_ptr_array_index (current, i), NOTICE_CURRENT));
  for (guint i = 0; i < upcoming->len; i++)
    gtk_list_box_append (self->upcoming_list,
                         notice_row_new (g_ptr_array_index (upcoming, i), NOTICE_UPCOMING));
}

static void
on_notices_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VbCataloguePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = vb_store_list_items_finish (VB_STORE (source), result, &error);

  if (self->disposed)
    return;
  if (items == NULL)
    {
      self->notices_state = LOAD_NONE;
      adw_status_page_set_description (self->notices_error, error->message);
      gtk_stack_set_visible_child_name (self->notices_stack, "error");
      settle_focus (self);
      return;
    }

  g_clear_pointer (&self->notice_items, g_ptr_array_unref);
  self->notice_items = g_steal_pointer (&items);
  self->notices_state = LOAD_DONE;
  refresh_notices (self);
  gtk_stack_set_visible_child_name (self->notices_stack, "list");
  settle_focus (self);
}

/* Reads the lists the first time the page is shown with the knowledge base open. */
static void
maybe_load (VbCataloguePage *self)
{
  VbStore *store;

  if (self->disposed || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (!vb_context_is_ready (self->context))
    {
      const char *error = vb_context_get_error (self->context);

      if (error != NULL)
        {
          adw_status_page_set_description (self->products_error, error);
          adw_status_page_set_description (self->notices_error, error);
          gtk_stack_set_visible_child_name (self->products_stack, "error");
          gtk_stack_set_visible_child_name (self->notices_stack, "error");
        }
      return;
    }

  store = vb_context_get_store (self->context);
  if (self->products_state == LOAD_NONE)
    {
      self->products_state = LOAD_BUSY;
      if (!self->reloading)
        gtk_stack_set_visible_child_name (self->products_stack, "loading");
      vb_store_list_items_async (store, VB_ITEM_PRODUCT, TRUE, self->cancellable,
                                 on_products_loaded, g_object_ref (self));
    }
  if (self->notices_state == LOAD_NONE)
    {
      self->notices_state = LOAD_BUSY;
      if (!self->reloading)
        gtk_stack_set_visible_child_name (self->notices_stack, "loading");
      vb_store_list_items_async (store, VB_ITEM_NOTICE, TRUE, self->cancellable,
                                 on_notices_loaded, g_object_ref (self));
    }
}

static void
on_context_ready (VbCataloguePage *self)
{
  maybe_load (self);
}

/* The department drop-down shows long names (Publiekszaken/Klantcontactcentrum); its button
 * ellipsizes them so the sidebar keeps its width, while the popup shows them whole with a
 * check mark on the chosen one. */
static void
setup_button_item (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_button_item (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (list_item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)),
                       gtk_string_object_get_string (string));
}

static void
update_check (GtkListItem *list_item)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);

  if (box != NULL)
    gtk_widget_set_opacity (gtk_widget_get_last_child (box),
                            gtk_list_item_get_selected (list_item) ? 1 : 0);
}

static void
setup_popup_item (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_item_set_child (list_item, box);
  g_signal_connect (list_item, "notify::selected", G_CALLBACK (update_check), NULL);
}

static void
bind_popup_item (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);

  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (box)),
                       gtk_string_object_get_string (string));
  update_check (list_item);
}

static void
use_ellipsizing_factories (GtkDropDown *drop_down)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list_factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_button_item), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_button_item), NULL);
  g_signal_connect (list_factory, "setup", G_CALLBACK (setup_popup_item), NULL);
  g_signal_connect (list_factory, "bind", G_CALLBACK (bind_popup_item), NULL);
  gtk_drop_down_set_factory (drop_down, factory);
  gtk_drop_down_set_list_factory (drop_down, list_factory);
}

/* Escape goes back to the search entry. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                VbCataloguePage       *self)
{
  if (keyval != GDK_KEY_Escape ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self), "win.focus-search", NULL);
}

static void
vb_catalogue_page_map (GtkWidget *widget)
{
  VbCataloguePage *self = VB_CATALOGUE_PAGE (widget);

  GTK_WIDGET_CLASS (vb_catalogue_page_parent_class)->map (widget);

  maybe_load (self);
  if (self->notices_state == LOAD_DONE)
    refresh_notices (self);
}

static gboolean
vb_catalogue_page_grab_focus (GtkWidget *widget)
{
  VbCataloguePage *self = VB_CATALOGUE_PAGE (widget);
  GtkWidget *target = focus_target (self);

  if (target != NULL)
    {
      self->focus_pending = FALSE;
      return gtk_widget_grab_focus (target);
    }
  /* Still loading: hold focus on the back button and move it once the list is there. */
  self->focus_pending = TRUE;
  return gtk_widget_grab_focus (GTK_WIDGET (self->back_button));
}

static void
vb_catalogue_page_constructed (GObject *object)
{
  VbCataloguePage *self = VB_CATALOGUE_PAGE (object);

  G_OBJECT_CLASS (vb_catalogue_page_parent_class)->constructed (object);

  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (on_context_ready), self,
                           G_CONNECT_SWAPPED);
}

static void
vb_catalogue_page_dispose (GObject *object)
{
  VbCataloguePage *self = VB_CATALOGUE_PAGE (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_CATALOGUE_PAGE);
  g_clear_pointer (&self->notice_items, g_ptr_array_unref);

  G_OBJECT_CLASS (vb_catalogue_page_parent_class)->dispose (object);
}

static void
vb_catalogue_page_finalize (GObject *object)
{
  VbCataloguePage *self = VB_CATALOGUE_PAGE (object);

  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_free (self->notice_signature);

  G_OBJECT_CLASS (vb_catalogue_page_parent_class)->finalize (object);
}

static void
vb_catalogue_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VbCataloguePage *self = VB_CATALOGUE_PAGE (object);

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
vb_catalogue_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VbCataloguePage *self = VB_CATALOGUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_catalogue_page_class_init (VbCataloguePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vb_catalogue_page_constructed;
  object_class->dispose = vb_catalogue_page_dispose;
  object_class->finalize = vb_catalogue_page_finalize;
  object_class->set_property = vb_catalogue_page_set_property;
  object_class->get_property = vb_catalogue_page_get_property;

  widget_class->map = vb_catalogue_page_map;
  widget_class->grab_focus = vb_catalogue_page_grab_focus;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VB_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VbCataloguePage::item-activated:
   * @id: the id of the product or notice
   *
   * The agent opened a product or a notice; the window shows it.
   */
  signals[ITEM_ACTIVATED] =
    g_signal_new ("item-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/catalogue/vb-catalogue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, box);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, back_button);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, afdeling_filter);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, doelgroep_filter);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, afdelingen);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, products_stack);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, products_scroller);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, products_list);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, reset_button);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, products_error);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, notices_stack);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, current_list);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, upcoming_list);
  gtk_widget_class_bind_template_child (widget_class, VbCataloguePage, notices_error);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vbcataloguepage");
}

static void
vb_catalogue_page_init (VbCataloguePage *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  use_ellipsizing_factories (self->afdeling_filter);
  vb_a11y_label_drop_down (self->afdeling_filter, _("Department"));
  vb_a11y_label_drop_down (self->doelgroep_filter, _("Audience"));
  gtk_list_box_set_filter_func (self->products_list, filter_product_row, self, NULL);
  gtk_list_box_set_header_func (self->products_list, update_product_header, NULL, NULL);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

GtkWidget *
vb_catalogue_page_new (VbContext *context)
{
  return g_object_new (VB_TYPE_CATALOGUE_PAGE, "context", context, NULL);
}

/* Switch to the products view. */
void
vb_catalogue_page_show_products (VbCataloguePage *self)
{
  g_return_if_fail (VB_IS_CATALOGUE_PAGE (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "products");
}

/* Switch to the notices view. */
void
vb_catalogue_page_show_notices (VbCataloguePage *self)
{
  g_return_if_fail (VB_IS_CATALOGUE_PAGE (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "notices");
}

/* Which products state shows: loading, list, empty, no-match or error (for tests). */
/* The content changed (a sync): read the lists again, now when the page shows, else the next
 * time it does. The rows shown stay until the new ones are there. */
void
vb_catalogue_page_reload (VbCataloguePage *self)
{
  g_return_if_fail (VB_IS_CATALOGUE_PAGE (self));

  if (self->disposed || !vb_context_is_ready (self->context))
    return;
  if (self->products_state == LOAD_DONE)
    self->products_state = LOAD_NONE;
  if (self->notices_state == LOAD_DONE)
    self->notices_state = LOAD_NONE;
  self->reloading = TRUE;
  maybe_load (self);
  self->reloading = FALSE;
}

const char *
vb_catalogue_page_get_state (VbCataloguePage *self)
{
  g_return_val_if_fail (VB_IS_CATALOGUE_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->products_stack);
}
