/* vb-contact-panel.h: logging the open contacts beside the search and the answer
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

#include "vb-context.h"
#include "vb-contact-store.h"

G_BEGIN_DECLS

#define VB_TYPE_CONTACT_PANEL (vb_contact_panel_get_type ())
G_DECLARE_FINAL_TYPE (VbContactPanel, vb_contact_panel, VB, CONTACT_PANEL, GtkWidget)

GtkWidget *vb_contact_panel_new            (VbContext      *context,
                                            VbContactStore *contacts);
void       vb_contact_panel_new_contact    (VbContactPanel *self,
                                            const char     *channel,
                                            const char     *phone);
void       vb_contact_panel_mark_used      (VbContactPanel *self,
                                            const char     *item_id,
                                            const char     *section,
                                            const char     *title);
void       vb_contact_panel_add_consulted  (VbContactPanel *self,
                                            const char     *item_id);
guint      vb_contact_panel_get_n_open     (VbContactPanel *self);
void       vb_contact_panel_save           (VbContactPanel *self);
void       vb_contact_panel_discard        (VbContactPanel *self);
void       vb_contact_panel_focus_outcome  (VbContactPanel *self);
gboolean   vb_contact_panel_choose_outcome (VbContactPanel *self,
                                            guint           number);
gboolean   vb_contact_panel_edit           (VbContactPanel *self,
                                            VbContact      *contact);
VbContact *vb_contact_panel_get_current    (VbContactPanel *self);
void       vb_contact_panel_select         (VbContactPanel *self,
                                            guint           position);
gboolean   vb_contact_panel_is_busy        (VbContactPanel *self);
void       vb_contact_panel_flush_drafts   (VbContactPanel *self);

char      *vb_contact_error_sentence       (const GError   *error);

G_END_DECLS
