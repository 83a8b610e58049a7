/* vb-server.h: vraagbaak-server's HTTP API (docs/sync-protocol.md)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>

#include "vb-contact-store.h"
#include "vb-server-tokens.h"
#include "vb-store.h"

G_BEGIN_DECLS

#define VB_SERVER_PROTOCOL 1

/* Body limits (413 too_large above them). */
#define VB_SERVER_CONTACT_MAX (1024 * 1024)
#define VB_SERVER_SEARCHES_MAX (4 * 1024 * 1024)
#define VB_SERVER_SEARCHES_PER_BATCH 1000

#define VB_TYPE_SERVER (vb_server_get_type ())
G_DECLARE_FINAL_TYPE (VbServer, vb_server, VB, SERVER, GObject)

/* The files beside the content database @db_path: "contacts" or "tokens" gives
 * DIR/NAME-contacts.db for DIR/NAME.db. */
char           *vb_server_dup_sibling_path (const char       *db_path,
                                            const char       *what);

/* Opens the content database (with its change log), the contact log and the tokens beside
 * it, and purges personal fields older than @retention_days. */
VbServer       *vb_server_new              (const char       *db_path,
                                            guint             retention_days,
                                            GError          **error);
/* @address: HOST:PORT (an IPv4 address, [IPv6] or localhost; port 0 picks a free one).
 * Without @certificate only a loopback address is accepted. */
gboolean        vb_server_listen           (VbServer         *self,
                                            const char       *address,
                                            GTlsCertificate  *certificate,
                                            GError          **error);
guint16         vb_server_get_port         (VbServer         *self);
/* One line per request on stderr (default TRUE). */
void            vb_server_set_log_requests (VbServer         *self,
                                            gboolean          log_requests);
/* The content database's id (meta "database-id", a random UUID made at the first start),
 * sent as "database" in /health and in every page of the feed. */
const char     *vb_server_get_database_id  (VbServer         *self);
VbStore        *vb_server_get_store        (VbServer         *self);
VbContactStore *vb_server_get_contacts     (VbServer         *self);
VbServerTokens *vb_server_get_tokens       (VbServer         *self);
/* Stops taking requests (503 for new ones), answers the waiting long polls at once, lets
 * the requests in flight finish, then closes every connection and emits ::stopped. */
void            vb_server_shutdown         (VbServer         *self);
gboolean        vb_server_is_stopped       (VbServer         *self);

G_END_DECLS
