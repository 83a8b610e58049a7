/* vb-contacts-today.h: today's logged contacts and the open callbacks
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

#include "vb-context.h"
#include "vb-contact-panel.h"
#include "vb-contact-store.h"

G_BEGIN_DECLS

#define VB_TYPE_CONTACTS_TODAY (vb_contacts_today_get_type ())
G_DECLARE_FINAL_TYPE (VbContactsToday, vb_contacts_today, VB, CONTACTS_TODAY, GtkWidget)

GtkWidget *vb_contacts_today_new           (VbContext       *context,
                                            VbContactStore  *contacts);
void       vb_contacts_today_set_panel     (VbContactsToday *self,
                                            VbContactPanel  *panel);
void       vb_contacts_today_reload        (VbContactsToday *self);
guint      vb_contacts_today_get_n_contacts  (VbContactsToday *self);
guint      vb_contacts_today_get_n_callbacks (VbContactsToday *self);
gboolean   vb_contacts_today_is_loading    (VbContactsToday *self);

G_END_DECLS
