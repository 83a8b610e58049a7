/* vb-contact-form.h: the fields of one open contact
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

#include "vb-contact-lists.h"
#include "vb-contact-store.h"

G_BEGIN_DECLS

#define VB_TYPE_CONTACT_FORM (vb_contact_form_get_type ())
G_DECLARE_FINAL_TYPE (VbContactForm, vb_contact_form, VB, CONTACT_FORM, GtkWidget)

GtkWidget  *vb_contact_form_new             (VbContactLists *lists,
                                             VbContact      *contact,
                                             gboolean        correcting);
VbContact  *vb_contact_form_get_contact     (VbContactForm  *self);
gboolean    vb_contact_form_is_correcting   (VbContactForm  *self);
guint       vb_contact_form_get_number      (VbContactForm  *self);
void        vb_contact_form_set_number      (VbContactForm  *self,
                                             guint           number);
const char *vb_contact_form_get_title       (VbContactForm  *self);

/* Change tracking for drafts: a save of generation N makes the form clean if nothing changed since. */
guint       vb_contact_form_get_generation  (VbContactForm  *self);
void        vb_contact_form_set_saved       (VbContactForm  *self,
                                             guint           generation);
gboolean    vb_contact_form_is_dirty        (VbContactForm  *self);
void        vb_contact_form_set_busy        (VbContactForm  *self,
                                             gboolean        busy);
gboolean    vb_contact_form_get_busy        (VbContactForm  *self);

void        vb_contact_form_mark_used       (VbContactForm  *self,
                                             const char     *item_id,
                                             const char     *section,
                                             const char     *title);
void        vb_contact_form_add_consulted   (VbContactForm  *self,
                                             const char     *item_id);
void        vb_contact_form_add_question    (VbContactForm  *self);
gboolean    vb_contact_form_choose_outcome  (VbContactForm  *self,
                                             guint           number);
void        vb_contact_form_focus_outcome   (VbContactForm  *self);
void        vb_contact_form_focus_notes     (VbContactForm  *self);
gboolean    vb_contact_form_validate        (VbContactForm  *self,
                                             char          **message);
gboolean    vb_contact_form_has_bsn         (VbContactForm  *self);
gboolean    vb_contact_form_needs_callback  (VbContactForm  *self);

G_END_DECLS
