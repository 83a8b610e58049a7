/* vb-search-results.c: the answer to one query, as a list model
 *
 * Immutable once made: a new query makes a new object, and a view swaps the whole list in
 * one change.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include "vb-search-results.h"

struct _VbSearchResults
{
  GObject    parent_instance;

  char      *query;
  char      *suggestion;
  GPtrArray *hits;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VbSearchResults, vb_search_results, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return VB_TYPE_SEARCH_HIT;
}

static guint
get_n_items (GListModel *model)
{
  return VB_SEARCH_RESULTS (model)->hits->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  VbSearchResults *self = VB_SEARCH_RESULTS (model);

  if (position >= self->hits->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->hits, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
vb_search_results_finalize (GObject *object)
{
  VbSearchResults *self = VB_SEARCH_RESULTS (object);

  g_free (self->query);
  g_free (self->suggestion);
  g_ptr_array_unref (self->hits);

  G_OBJECT_CLASS (vb_search_results_parent_class)->finalize (object);
}

static void
vb_search_results_class_init (VbSearchResultsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vb_search_results_finalize;
}

static void
vb_search_results_init (VbSearchResults *self)
{
}

/* Takes a reference on @hits (an array of VbSearchHit that owns its elements). */
VbSearchResults *
vb_search_results_new (const char *query,
                       GPtrArray  *hits,
                       const char *suggestion)
{
  VbSearchResults *self = g_object_new (VB_TYPE_SEARCH_RESULTS, NULL);

  self->query = g_strdup (query);
  self->suggestion = g_strdup (suggestion);
  self->hits = hits != NULL ? g_ptr_array_ref (hits)
                            : g_ptr_array_new_with_free_func (g_object_unref);
  return self;
}

const char *
vb_search_results_get_query (VbSearchResults *self)
{
  return self->query;
}

/* The corrected query when the results are for a corrected spelling, else NULL. */
const char *
vb_search_results_get_suggestion (VbSearchResults *self)
{
  return self->suggestion;
}

/* Borrowed. */
VbSearchHit *
vb_search_results_get_hit (VbSearchResults *self,
                           guint            position)
{
  g_return_val_if_fail (position < self->hits->len, NULL);
  return g_ptr_array_index (self->hits, position);
}
