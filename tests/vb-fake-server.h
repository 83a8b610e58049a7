/* vb-fake-server.h: a misbehaving vraagbaak-server on loopback, for the sync's tests and bench
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _VbFakeServer VbFakeServer;

typedef enum
{
  VB_FAKE_STATUS,        /* answer @status with a JSON error (and Retry-After when set) */
  VB_FAKE_RESET,         /* half the body, then the connection is closed (Content-Length set) */
  VB_FAKE_TRUNCATE,      /* half the body without Content-Length, then closed */
  VB_FAKE_INVALID_JSON,
  VB_FAKE_NON_UTF8,      /* a well-formed page with an invalid UTF-8 byte in a string */
  VB_FAKE_HANG,          /* never answer */
  VB_FAKE_LOSE_RESPONSE, /* do the work, then close the connection without an answer */
} VbFakeFault;

/* Runs a SoupServer on 127.0.0.1 in a thread of its own. */
VbFakeServer *vb_fake_server_new          (void);
VbFakeServer *vb_fake_server_new_tls      (GTlsCertificate *certificate);
void          vb_fake_server_free         (VbFakeServer *self);
const char   *vb_fake_server_get_url      (VbFakeServer *self);
void          vb_fake_server_set_token    (VbFakeServer *self,
                                           const char   *token);
/* At most this many changes per page, whatever the client asks (default 1000). */
void          vb_fake_server_set_page_size (VbFakeServer *self,
                                            guint         page_size);
void          vb_fake_server_set_stats    (VbFakeServer *self,
                                           const char   *stats_json);
void          vb_fake_server_set_delay    (VbFakeServer *self,
                                           guint         delay_ms);
/* Appends one change (JSON without "seq"); returns its seq. */
gint64        vb_fake_server_add_change   (VbFakeServer *self,
                                           const char   *change_json);
gint64        vb_fake_server_put_item     (VbFakeServer *self,
                                           const char   *type,
                                           const char   *id,
                                           const char   *item_json);
/* Replaces change @seq (the server fixed a bad record). */
void          vb_fake_server_replace_change (VbFakeServer *self,
                                             gint64        seq,
                                             const char   *change_json);
/* The database id sent as "database" in /health and every page (default "fake-database-1";
 * NULL: none, as an older server). */
void          vb_fake_server_set_database (VbFakeServer *self,
                                           const char   *database);
/* Forgets every change (a server whose database was replaced). */
void          vb_fake_server_reset_log    (VbFakeServer *self);
gint64        vb_fake_server_get_last_seq (VbFakeServer *self);
/* The change @seq as stored (with "seq"), or NULL. */
char         *vb_fake_server_dup_change   (VbFakeServer *self,
                                           gint64        seq);
/* The next requests whose path starts with @path, after @after of them passed, get @fault,
 * @times times (0: forever). */
void          vb_fake_server_add_fault    (VbFakeServer *self,
                                           const char   *path,
                                           guint         after,
                                           guint         times,
                                           VbFakeFault   fault,
                                           guint         status,
                                           guint         retry_after);
void          vb_fake_server_clear_faults (VbFakeServer *self);
guint         vb_fake_server_count_requests (VbFakeServer *self,
                                             const char   *path);
/* Monotonic time (µs) of the last request whose path starts with @path. */
gint64        vb_fake_server_last_request_time (VbFakeServer *self,
                                                const char   *path);
/* Contacts: the stored revision (0: unknown, negative: a tombstone at -revision) and the
 * number of times an upload changed it. */
int           vb_fake_server_contact_revision (VbFakeServer *self,
                                               const char   *uuid);
guint         vb_fake_server_contact_applied  (VbFakeServer *self,
                                               const char   *uuid);
guint         vb_fake_server_count_contacts   (VbFakeServer *self);
guint         vb_fake_server_count_searches   (VbFakeServer *self);

G_END_DECLS
