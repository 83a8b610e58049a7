/* vb-contact-lists.h: the reference lists a contact is logged with
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

#include "vb-store.h"

G_BEGIN_DECLS

#define VB_TYPE_CONTACT_LISTS (vb_contact_lists_get_type ())
G_DECLARE_FINAL_TYPE (VbContactLists, vb_contact_lists, VB, CONTACT_LISTS, GObject)

VbContactLists *vb_contact_lists_new               (void);
void            vb_contact_lists_load              (VbContactLists *self,
                                                    VbStore        *store);
gboolean        vb_contact_lists_is_loaded         (VbContactLists *self);

/* Channels (kanalen): a model of names for a drop-down, and the codes behind it. */
GListModel     *vb_contact_lists_get_channels      (VbContactLists *self);
const char     *vb_contact_lists_get_channel_code  (VbContactLists *self,
                                                    guint           position);
guint           vb_contact_lists_find_channel      (VbContactLists *self,
                                                    const char     *code);
const char     *vb_contact_lists_get_channel_name  (VbContactLists *self,
                                                    const char     *code);

/* Outcomes (gespreksresultaten), in the order of the reference list. */
guint           vb_contact_lists_get_n_outcomes    (VbContactLists *self);
const char     *vb_contact_lists_get_outcome_code  (VbContactLists *self,
                                                    guint           position);
const char     *vb_contact_lists_get_outcome_label (VbContactLists *self,
                                                    guint           position);
guint           vb_contact_lists_find_outcome      (VbContactLists *self,
                                                    const char     *code);
const char     *vb_contact_lists_get_outcome_name  (VbContactLists *self,
                                                    const char     *code);
const char *const *vb_contact_lists_get_kcc_outcomes (VbContactLists *self);

/* Departments (afdelingen); position 0 is “No department” with a NULL code. */
GListModel     *vb_contact_lists_get_afdelingen    (VbContactLists *self);
const char     *vb_contact_lists_get_afdeling_code (VbContactLists *self,
                                                    guint           position);
guint           vb_contact_lists_find_afdeling     (VbContactLists *self,
                                                    const char     *code);
const char     *vb_contact_lists_get_afdeling_name (VbContactLists *self,
                                                    const char     *code);


G_END_DECLS
