/* vb-context.h: what the windows share (store, searcher, contact log, sync, settings)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>

#include "vb-contact-store.h"
#include "vb-searcher.h"
#include "vb-store.h"
#include "vb-sync.h"
#include "vb-token-store.h"

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

/* The sync with the server (NULL until the databases are open) and where its token is kept.
 * "content-changed" is emitted after the sync changed the content database (n_items is
 * already counted again); "has-token" says whether a token is stored for the server. */
VbSync       *vb_context_get_sync         (VbContext           *self);
VbTokenStore *vb_context_get_token_store  (VbContext           *self);
gboolean      vb_context_get_has_token    (VbContext           *self);
void          vb_context_sync_now         (VbContext           *self);
void          vb_context_store_token_async  (VbContext           *self,
                                             const char          *token,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      vb_context_store_token_finish (VbContext           *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void          vb_context_clear_token_async  (VbContext           *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      vb_context_clear_token_finish (VbContext           *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
