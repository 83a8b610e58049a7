/* vb-a11y.h: small accessibility fixes for GTK 4.8 widgets
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void vb_a11y_label_drop_down (GtkDropDown *drop_down,
                              const char  *label);

void vb_a11y_label_menu_button (GtkMenuButton *button,
                                const char    *label);

void vb_a11y_label_icon_buttons (GtkWidget   *root,
                                 const char  *label);

G_END_DECLS
