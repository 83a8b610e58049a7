/* vb-context.h: what the windows share (store, searcher, settings)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>

#include "vb-contact-store.h"
#include "vb-searcher.h"
#include "vb-store.h"

G_BEGIN_DECLS

#define VB_TYPE_CONTEXT (vb_context_get_type ())
G_DECLARE_FINAL_TYPE (VbContext, vb_context, VB, CONTEXT, GObject)

VbContext  *vb_context_new            (const char          *content_db,
                                       GSettings           *settings);
VbContext  *vb_context_new_full       (const char          *content_db,
                                       const char          *contacts_db,
                                       GSettings           *settings);
void        vb_context_open_async     (VbContext           *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean    vb_context_open_finish    (VbContext           *self,
                                       GAsyncResult        *result,
                                       GError             **error);
gboolean    vb_context_is_ready       (VbContext           *self);
const char *vb_context_get_error      (VbContext           *self);
VbStore    *vb_context_get_store      (VbContext           *self);
VbSearcher *vb_context_get_searcher   (VbContext           *self);
VbContactStore *vb_context_get_contacts (VbContext         *self);
GSettings  *vb_context_get_settings   (VbContext           *self);
gint64      vb_context_get_n_items    (VbContext           *self);

G_END_DECLS
