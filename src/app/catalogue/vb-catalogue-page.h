/* vb-catalogue-page.h: browse the products A–Z and the notices without typing
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

#include "vb-context.h"

G_BEGIN_DECLS

#define VB_TYPE_CATALOGUE_PAGE (vb_catalogue_page_get_type ())
G_DECLARE_FINAL_TYPE (VbCataloguePage, vb_catalogue_page, VB, CATALOGUE_PAGE, GtkWidget)

GtkWidget  *vb_catalogue_page_new            (VbContext       *context);
void        vb_catalogue_page_show_products  (VbCataloguePage *self);
void        vb_catalogue_page_show_notices   (VbCataloguePage *self);
void        vb_catalogue_page_reload         (VbCataloguePage *self);
const char *vb_catalogue_page_get_state      (VbCataloguePage *self);

G_END_DECLS
