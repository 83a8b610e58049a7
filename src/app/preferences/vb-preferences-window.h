/* vb-preferences-window.h: the preferences window
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <adwaita.h>

#include "vb-context.h"

G_BEGIN_DECLS

#define VB_TYPE_PREFERENCES_WINDOW (vb_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (VbPreferencesWindow, vb_preferences_window, VB, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWindow *vb_preferences_window_new        (GtkWindow           *parent,
                                             VbContext           *context);
void       vb_preferences_window_show_token (VbPreferencesWindow *self);

G_END_DECLS
