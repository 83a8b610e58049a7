/* vb-item-view.h: reading one VAC, product or notice
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

#include "vb-item.h"
#include "vb-store.h"

G_BEGIN_DECLS

#define VB_TYPE_ITEM_VIEW (vb_item_view_get_type ())
G_DECLARE_FINAL_TYPE (VbItemView, vb_item_view, VB, ITEM_VIEW, GtkWidget)

GtkWidget *vb_item_view_new            (void);
void       vb_item_view_set_store      (VbItemView *self,
                                        VbStore    *store);
void       vb_item_view_set_item       (VbItemView *self,
                                        VbItem     *item);
void       vb_item_view_replace_item   (VbItemView *self,
                                        VbItem     *item);
VbItem    *vb_item_view_get_item       (VbItemView *self);
gboolean   vb_item_view_show_section   (VbItemView *self,
                                        guint       number);
guint      vb_item_view_get_n_sections (VbItemView *self);
gboolean   vb_item_view_get_current_section (VbItemView  *self,
                                             const char **field,
                                             const char **label);
char      *vb_item_view_dup_text       (VbItemView *self);
char      *vb_item_view_dup_html       (VbItemView *self);
void       vb_item_view_copy           (VbItemView *self);

G_END_DECLS
