/* vb-window.h: the main window
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <adwaita.h>

#include "vb-context.h"

G_BEGIN_DECLS

#define VB_TYPE_WINDOW (vb_window_get_type ())
G_DECLARE_FINAL_TYPE (VbWindow, vb_window, VB, WINDOW, AdwApplicationWindow)

VbWindow  *vb_window_new             (GtkApplication *app,
                                      VbContext      *context);
void       vb_window_open_item       (VbWindow       *self,
                                      const char     *id);
GtkWidget *vb_window_get_search_page (VbWindow       *self);
GtkWidget *vb_window_get_stats_page  (VbWindow       *self);
GtkWidget *vb_window_get_item_view   (VbWindow       *self);
GtkWidget *vb_window_get_contact_panel (VbWindow     *self);
void       vb_window_incoming_call   (VbWindow       *self,
                                      const char     *number);
GtkWidget *vb_window_get_sync_status (VbWindow       *self);

G_END_DECLS
