/* vb-token-store.h: the server token, in the Secret Service or a private file
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VB_TOKEN_STORE_ERROR (vb_token_store_error_quark ())

typedef enum
{
  VB_TOKEN_STORE_ERROR_FAILED,     /* neither the Secret Service nor the file could be used */
  VB_TOKEN_STORE_ERROR_INSECURE,   /* the token file is readable by others: not used */
} VbTokenStoreError;

#define VB_TYPE_TOKEN_STORE (vb_token_store_get_type ())
G_DECLARE_FINAL_TYPE (VbTokenStore, vb_token_store, VB, TOKEN_STORE, GObject)

GQuark        vb_token_store_error_quark (void);
VbTokenStore *vb_token_store_new         (void);
/* FALSE once the Secret Service was found unavailable and the token lives in
 * $XDG_CONFIG_HOME/vraagbaak/token (mode 0600): the preferences say so. Starts TRUE unless
 * VRAAGBAAK_TOKEN_BACKEND=file. */
gboolean      vb_token_store_is_secure   (VbTokenStore *self);

/* The token for @server (a URL), or NULL without error when none is stored. */
void          vb_token_store_lookup_async  (VbTokenStore *self,
                                            const char   *server,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer      user_data);
char         *vb_token_store_lookup_finish (VbTokenStore *self,
                                            GAsyncResult *result,
                                            GError      **error);
void          vb_token_store_store_async   (VbTokenStore *self,
                                            const char   *server,
                                            const char   *token,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer      user_data);
gboolean      vb_token_store_store_finish  (VbTokenStore *self,
                                            GAsyncResult *result,
                                            GError      **error);
void          vb_token_store_clear_async   (VbTokenStore *self,
                                            const char   *server,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer      user_data);
gboolean      vb_token_store_clear_finish  (VbTokenStore *self,
                                            GAsyncResult *result,
                                            GError      **error);

G_END_DECLS
