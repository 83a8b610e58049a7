/* vb-contact-store.h: the contact log (klantcontacten), durable and private
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vb-contact.h"

G_BEGIN_DECLS

/* The newest schema of the contacts database; migrations bring any older one up to it. */
#define VB_CONTACT_STORE_SCHEMA_VERSION 2

#define VB_TYPE_CONTACT_STORE (vb_contact_store_get_type ())
G_DECLARE_FINAL_TYPE (VbContactStore, vb_contact_store, VB, CONTACT_STORE, GObject)

VbContactStore *vb_contact_store_open             (const char      *path,
                                                   GError         **error);
const char     *vb_contact_store_get_path         (VbContactStore  *self);
int             vb_contact_store_get_schema_version (VbContactStore *self);
/* The outcome codes finish accepts (the gespreksresultaten reference list); NULL (the
 * default): any non-empty code. */
void            vb_contact_store_set_outcomes     (VbContactStore     *self,
                                                   const char *const  *codes);

/* Each call is one transaction with synchronous=FULL. On any error the contact in memory is
 * left as it was, so the caller can keep it and try again. */
gboolean        vb_contact_store_save_draft       (VbContactStore  *self,
                                                   VbContact       *contact,
                                                   GError         **error);
gboolean        vb_contact_store_discard_draft    (VbContactStore  *self,
                                                   const char      *uuid,
                                                   GError         **error);
gboolean        vb_contact_store_finish           (VbContactStore  *self,
                                                   VbContact       *contact,
                                                   GError         **error);
gboolean        vb_contact_store_correct          (VbContactStore  *self,
                                                   VbContact       *contact,
                                                   GError         **error);
gboolean        vb_contact_store_delete           (VbContactStore  *self,
                                                   const char      *uuid,
                                                   const char      *agent,
                                                   GError         **error);
VbContact      *vb_contact_store_get              (VbContactStore  *self,
                                                   const char      *uuid,
                                                   GError         **error);
GPtrArray      *vb_contact_store_list_drafts      (VbContactStore  *self,
                                                   GError         **error);
GPtrArray      *vb_contact_store_list_finished    (VbContactStore  *self,
                                                   gint64           from,
                                                   gint64           to,
                                                   GError         **error);
GPtrArray      *vb_contact_store_list_callbacks   (VbContactStore  *self,
                                                   gboolean         only_open,
                                                   GError         **error);
gboolean        vb_contact_store_close_callback   (VbContactStore  *self,
                                                   const char      *callback_uuid,
                                                   const char      *agent,
                                                   GError         **error);
guint           vb_contact_store_purge            (VbContactStore  *self,
                                                   guint            retention_days,
                                                   gint64           now,
                                                   GError         **error);
gboolean        vb_contact_store_log_search       (VbContactStore  *self,
                                                   const char      *query,
                                                   guint            n_results,
                                                   const char      *opened_item,
                                                   GError         **error);
gboolean        vb_contact_store_mark_search_used (VbContactStore  *self,
                                                   const char      *item_id,
                                                   GError         **error);
gboolean        vb_contact_store_export           (VbContactStore  *self,
                                                   gint64           from,
                                                   gint64           to,
                                                   gboolean         json,
                                                   GOutputStream   *out,
                                                   GError         **error);
gint64          vb_contact_store_outbox_size      (VbContactStore  *self);
/* Builds the statistics aggregates (docs/statistics.md, "Speed") again from the rows, in one
 * transaction: needed only after rows were changed with plain SQL (vb_contact_store_exec,
 * benchmarks, repairs); every call of this store keeps them up to date itself. */
gboolean        vb_contact_store_rebuild_stats    (VbContactStore  *self,
                                                   GError         **error);
/* Runs @sql on the writer connection (maintenance and tests: PRAGMAs). */
gboolean        vb_contact_store_exec             (VbContactStore  *self,
                                                   const char      *sql,
                                                   GError         **error);

/* Asynchronous variants for the UI: each runs on a GTask worker thread. The contact is
 * copied when the call is made; on success the _finish call brings the stored state
 * (status, end time, revision) back into the caller's contact. */
void            vb_contact_store_save_draft_async      (VbContactStore      *self,
                                                        VbContact           *contact,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        vb_contact_store_save_draft_finish     (VbContactStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void            vb_contact_store_finish_contact_async  (VbContactStore      *self,
                                                        VbContact           *contact,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        vb_contact_store_finish_contact_finish (VbContactStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void            vb_contact_store_correct_async         (VbContactStore      *self,
                                                        VbContact           *contact,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        vb_contact_store_correct_finish        (VbContactStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void            vb_contact_store_delete_async          (VbContactStore      *self,
                                                        const char          *uuid,
                                                        const char          *agent,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        vb_contact_store_delete_finish         (VbContactStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void            vb_contact_store_list_drafts_async     (VbContactStore      *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray      *vb_contact_store_list_drafts_finish    (VbContactStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void            vb_contact_store_list_finished_async   (VbContactStore      *self,
                                                        gint64               from,
                                                        gint64               to,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray      *vb_contact_store_list_finished_finish  (VbContactStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void            vb_contact_store_list_callbacks_async  (VbContactStore      *self,
                                                        gboolean             only_open,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray      *vb_contact_store_list_callbacks_finish (VbContactStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void            vb_contact_store_close_callback_async  (VbContactStore      *self,
                                                        const char          *callback_uuid,
                                                        const char          *agent,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        vb_contact_store_close_callback_finish (VbContactStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* Fire and forget: @callback may be NULL. */
void            vb_contact_store_log_search_async      (VbContactStore      *self,
                                                        const char          *query,
                                                        guint                n_results,
                                                        const char          *opened_item,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        vb_contact_store_log_search_finish     (VbContactStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* ---- sync (docs/contacts.md, "Upload") ----
 * Each call is one transaction. */

/* Client side: the oldest @limit outbox entries, oldest first, as a JsonArray of objects
 * { "outbox_id": int, "uuid": str, "revision": int, "kind": "put"|"delete",
 *   "contact": <vb_contact_to_json() upload shape of the stored contact, only for "put"> }.
 * Several entries for one uuid collapse to the newest revision (older ones are acked
 * automatically). */
JsonArray      *vb_contact_store_outbox_peek      (VbContactStore  *self,
                                                   guint            limit,
                                                   GError         **error);
/* Removes the entry @outbox_id (after the server accepted it). Unknown id: TRUE, no-op. */
gboolean        vb_contact_store_outbox_ack       (VbContactStore  *self,
                                                   gint64           outbox_id,
                                                   GError         **error);
/* A random UUID made once, when the database was created or migrated to version 2. */
const char     *vb_contact_store_get_installation_id (VbContactStore *self);
/* Client side: up to @limit searches not uploaded yet, oldest first, as objects
 * { "id": "<installation_id>:<local id>", "at": "<ISO 8601 UTC>", "query": str,
 *   "n_results": int, "opened_item": str|null, "used": bool }; *@last_id: the highest local
 * id returned (0 if none). Searches received from others (the server) are never listed. */
JsonArray      *vb_contact_store_searches_peek    (VbContactStore  *self,
                                                   guint            limit,
                                                   gint64          *last_id,
                                                   GError         **error);
/* The server has the local searches up to @last_id: searches_peek starts after it. */
gboolean        vb_contact_store_searches_ack     (VbContactStore  *self,
                                                   gint64           last_id,
                                                   GError         **error);
/* Server side: stores a contact uploaded by a client (parsed with vb_contact_new_from_json;
 * @revision from the upload). Unknown uuid: inserted as finished; known with a lower
 * revision: replaced (a correction: newest wins); equal or higher stored revision: nothing
 * changes (idempotent). A stored tombstone (deleted) with revision >= @revision wins.
 * *@applied says whether anything changed. No outbox entries on the server. Validates like
 * finish does (vb_contact_validate, known outcomes) and returns a clear GError otherwise. */
gboolean        vb_contact_store_receive          (VbContactStore  *self,
                                                   VbContact       *contact,
                                                   int              revision,
                                                   gboolean        *applied,
                                                   GError         **error);
/* Server side: a deletion: the contact becomes a tombstone at @revision (created as a bare
 * tombstone when unknown, so a late PUT with a lower revision cannot revive it), recorded in
 * the audit trail with @agent. Idempotent. */
gboolean        vb_contact_store_receive_delete   (VbContactStore  *self,
                                                   const char      *uuid,
                                                   int              revision,
                                                   const char      *agent,
                                                   GError         **error);
/* Server side: inserts searches in the shape of searches_peek; an "id" already stored is
 * skipped (retries never duplicate); a malformed element fails the whole batch with a message
 * naming its index (from 0). *@n_new: how many were new. */
gboolean        vb_contact_store_receive_searches (VbContactStore  *self,
                                                   JsonArray       *searches,
                                                   guint           *n_new,
                                                   GError         **error);

GPtrArray      *vb_contact_store_list_most_used   (VbContactStore  *self,
                                                   gint64           since,
                                                   guint            limit,
                                                   GError         **error);

char           *vb_default_contacts_db_path       (void);

G_END_DECLS
