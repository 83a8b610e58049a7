/* vb-sync.h: the client's sync with vraagbaak-server (docs/sync-protocol.md)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vb-contact-store.h"
#include "vb-store.h"

G_BEGIN_DECLS

#define VB_SYNC_ERROR (vb_sync_error_quark ())

/* What went wrong, for the UI to put into (translated) words; the English error-message adds
 * the details (host, seq, field) for logs, the CLI and an expander. */
typedef enum
{
  VB_SYNC_ERROR_NO_SERVER,     /* no server URL configured */
  VB_SYNC_ERROR_OFFLINE,       /* cannot connect, connection reset or lost */
  VB_SYNC_ERROR_TIMEOUT,       /* the server stopped answering */
  VB_SYNC_ERROR_UNAUTHORIZED,  /* 401: the server refuses the token; stops until a new token */
  VB_SYNC_ERROR_FORBIDDEN,     /* 403: the token's role may not do this; not retried */
  VB_SYNC_ERROR_TLS,           /* the certificate is invalid (never accepted) */
  VB_SYNC_ERROR_PROTOCOL,      /* bad data: not JSON, not UTF-8, wrong field types */
  VB_SYNC_ERROR_SERVER,        /* 5xx and other unexpected statuses */
  VB_SYNC_ERROR_BUSY,          /* 429 or 503 with Retry-After */
  VB_SYNC_ERROR_TOO_LARGE,     /* 413, or a response over the client's limit */
  VB_SYNC_ERROR_STORE,         /* the local database refused the write (disk full, ...) */
  VB_SYNC_ERROR_CANCELLED,
} VbSyncError;

typedef enum
{
  VB_SYNC_STATE_IDLE,          /* configured, not started or stopped */
  VB_SYNC_STATE_DISABLED,      /* no server URL: works from the local copy only */
  VB_SYNC_STATE_SYNCING,
  VB_SYNC_STATE_UP_TO_DATE,
  VB_SYNC_STATE_OFFLINE,       /* cannot reach the server; retrying with backoff */
  VB_SYNC_STATE_ERROR,         /* see error-code and error-message */
} VbSyncState;

#define VB_TYPE_SYNC_STATE (vb_sync_state_get_type ())
#define VB_TYPE_SYNC_ERROR_CODE (vb_sync_error_code_get_type ())

#define VB_TYPE_SYNC (vb_sync_get_type ())
G_DECLARE_FINAL_TYPE (VbSync, vb_sync, VB, SYNC, GObject)

/* Summary of one vb_sync_run_once_async() pass. */
typedef struct
{
  guint64 items_applied;   /* puts and deletes applied to the content database */
  guint64 items_skipped;   /* unknown types and items over 2 MiB */
  guint64 pages;
  guint64 contacts_sent;   /* outbox entries acknowledged by the server */
  guint64 searches_sent;
  gint64  cursor;          /* the cursor after the pass */
  gboolean full_resync;    /* the pass started from 0 and removed what the server no longer has */
} VbSyncStats;

GType        vb_sync_state_get_type      (void);
GType        vb_sync_error_code_get_type (void);
GQuark       vb_sync_error_quark         (void);

/* @contacts may be NULL: then no outbox and no search log are uploaded. */
VbSync      *vb_sync_new                 (VbStore        *store,
                                          VbContactStore *contacts);

/* Properties: "server-url" (string, NULL or "" disables), "token" (write-only; never logged),
 * "sync-interval" (seconds, default 900), "timeout" (seconds per request, default 30; the long
 * poll adds its wait), "long-poll" (boolean, default TRUE: keep a wait=25 request open while
 * online), and read-only "state", "last-synced" (unix seconds of the last successful pass,
 * 0 = never; kept in the content database's meta "sync-last-synced", so it survives a restart:
 * it is read in a worker thread after vb_sync_new() and notified when loaded), "retry-at" (unix
 * seconds of the loop's next attempt after a failure, including the wait asked by Retry-After;
 * 0 = none: no failure waiting, or the loop stops after a 401/403; "retrying in 40 s" without
 * parsing the English error-message), "error-code" (VbSyncError, -1 = none), "error-message"
 * (English, NULL = none), "progress-done", "progress-total" (changes of the current pass),
 * "outbox-size". */
const char  *vb_sync_get_server_url      (VbSync         *self);
void         vb_sync_set_server_url      (VbSync         *self,
                                          const char     *url);
void         vb_sync_set_token           (VbSync         *self,
                                          const char     *token);
guint        vb_sync_get_sync_interval   (VbSync         *self);
void         vb_sync_set_sync_interval   (VbSync         *self,
                                          guint           seconds);
guint        vb_sync_get_timeout         (VbSync         *self);
void         vb_sync_set_timeout         (VbSync         *self,
                                          guint           seconds);
void         vb_sync_set_long_poll       (VbSync         *self,
                                          gboolean        long_poll);
VbSyncState  vb_sync_get_state           (VbSync         *self);
gint64       vb_sync_get_last_synced     (VbSync         *self);
gint64       vb_sync_get_retry_at        (VbSync         *self);
int          vb_sync_get_error_code      (VbSync         *self);
const char  *vb_sync_get_error_message   (VbSync         *self);
guint64      vb_sync_get_progress_done   (VbSync         *self);
guint64      vb_sync_get_progress_total  (VbSync         *self);
gint64       vb_sync_get_outbox_size     (VbSync         *self);
/* Messages (English) for the changes the last pass passed over: unknown types, items over
 * 2 MiB; at most 100. */
GStrv        vb_sync_dup_skipped         (VbSync         *self);

/* The background loop: a pass now; then, with long-poll, a pass that opens with a wait=25
 * request right after each successful pass (so the outbox is drained at least every 25 s), or
 * without it a pass every sync-interval seconds. Failures back off 1 s doubling to 5 min
 * (±20 %), at least Retry-After. A 401 or 403 stops the loop until the URL or token is set
 * (the same token again after a 401 counts) or vb_sync_now() is called. */
void         vb_sync_start               (VbSync         *self);
void         vb_sync_stop                (VbSync         *self);
/* Ctrl+R: a pass now (cancels a waiting backoff or long poll; nothing when one is running). */
void         vb_sync_now                 (VbSync         *self);

/* One full pass: every page of the feed, then the contact outbox, then the search log. */
void         vb_sync_run_once_async      (VbSync         *self,
                                          GCancellable   *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer        user_data);
gboolean     vb_sync_run_once_finish     (VbSync         *self,
                                          GAsyncResult   *result,
                                          VbSyncStats    *stats,
                                          GError        **error);

/* GET /api/v1/stats for the statistics page (supervisors); @from and @to are YYYY-MM-DD. */
void         vb_sync_fetch_stats_async   (VbSync         *self,
                                          const char     *from,
                                          const char     *to,
                                          GCancellable   *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer        user_data);
JsonObject  *vb_sync_fetch_stats_finish  (VbSync         *self,
                                          GAsyncResult   *result,
                                          GError        **error);

/* Signals:
 *   "changed" (guint n_changes): a page changed the content database (items put, deleted or
 *     lists written); the window refreshes its lists, results and open item.
 *   "notice" (const char *id): a notice (type "notice") was published or changed by the sync,
 *     so the window can show it.
 * All signals and notifications are emitted on the thread-default main context of the thread
 * that created the VbSync. */

G_END_DECLS
