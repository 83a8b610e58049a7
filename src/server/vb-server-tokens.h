/* vb-server-tokens.h: the server's access tokens (names, roles, SHA-256 hashes)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VB_SERVER_ERROR (vb_server_error_quark ())

typedef enum
{
  VB_SERVER_ERROR_OPEN,
  VB_SERVER_ERROR_WRITE,
  VB_SERVER_ERROR_EXISTS,     /* token add: the name is taken */
  VB_SERVER_ERROR_NOT_FOUND,  /* token revoke: no such name */
  VB_SERVER_ERROR_INVALID,    /* a bad name, role or address */
  VB_SERVER_ERROR_INSECURE,   /* plain HTTP on an address other than loopback */
} VbServerError;

typedef enum
{
  VB_ROLE_NONE,
  VB_ROLE_MEDEWERKER,
  VB_ROLE_SUPERVISOR,
  VB_ROLE_REDACTEUR,
} VbRole;

/* One row of `token list`: never the token itself. */
typedef struct
{
  char   *name;
  VbRole  role;
  gint64  created;   /* Unix time */
  gint64  revoked;   /* Unix time, 0 while valid */
} VbTokenInfo;

void vb_token_info_free (VbTokenInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VbTokenInfo, vb_token_info_free)

#define VB_TYPE_SERVER_TOKENS (vb_server_tokens_get_type ())
G_DECLARE_FINAL_TYPE (VbServerTokens, vb_server_tokens, VB, SERVER_TOKENS, GObject)

GQuark          vb_server_error_quark        (void);
const char     *vb_role_to_string            (VbRole          role);
gboolean        vb_role_from_string          (const char     *text,
                                              VbRole         *role);

VbServerTokens *vb_server_tokens_open        (const char     *path,
                                              GError        **error);
/* Returns the new token (shown once; only its SHA-256 is stored). */
char           *vb_server_tokens_add         (VbServerTokens *self,
                                              const char     *name,
                                              VbRole          role,
                                              GError        **error);
gboolean        vb_server_tokens_revoke      (VbServerTokens *self,
                                              const char     *name,
                                              GError        **error);
/* VbTokenInfo, by name. */
GPtrArray      *vb_server_tokens_list        (VbServerTokens *self,
                                              GError        **error);
/* The role of a valid (known, not revoked) @token, and its name; VB_ROLE_NONE otherwise.
 * Safe to call from any thread. */
VbRole          vb_server_tokens_check       (VbServerTokens *self,
                                              const char     *token,
                                              char          **name);

G_END_DECLS
