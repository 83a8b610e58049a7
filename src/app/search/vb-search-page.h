/* vb-search-page.h: the search entry, filters and result list
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

#include "vb-context.h"

G_BEGIN_DECLS

#define VB_TYPE_SEARCH_PAGE (vb_search_page_get_type ())
G_DECLARE_FINAL_TYPE (VbSearchPage, vb_search_page, VB, SEARCH_PAGE, GtkWidget)

GtkWidget  *vb_search_page_new           (VbContext    *context);
void        vb_search_page_focus_entry   (VbSearchPage *self);
void        vb_search_page_set_text      (VbSearchPage *self,
                                          const char   *text);
void        vb_search_page_refresh       (VbSearchPage *self);
GListModel *vb_search_page_get_results   (VbSearchPage *self);
const char *vb_search_page_get_state     (VbSearchPage *self);

G_END_DECLS
