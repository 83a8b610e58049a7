/* vb-search-results.h: the answer to one query, as a list model
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>

#include "vb-search-hit.h"

G_BEGIN_DECLS

#define VB_TYPE_SEARCH_RESULTS (vb_search_results_get_type ())
G_DECLARE_FINAL_TYPE (VbSearchResults, vb_search_results, VB, SEARCH_RESULTS, GObject)

VbSearchResults *vb_search_results_new            (const char      *query,
                                                   GPtrArray       *hits,
                                                   const char      *suggestion);
const char      *vb_search_results_get_query      (VbSearchResults *self);
const char      *vb_search_results_get_suggestion (VbSearchResults *self);
VbSearchHit     *vb_search_results_get_hit        (VbSearchResults *self,
                                                   guint            position);

G_END_DECLS
