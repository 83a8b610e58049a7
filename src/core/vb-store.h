/* vb-store.h: the content database
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "vb-item.h"

G_BEGIN_DECLS

#define VB_STORE_ERROR (vb_store_error_quark ())

typedef enum
{
  VB_STORE_ERROR_OPEN,
  VB_STORE_ERROR_SCHEMA,
  VB_STORE_ERROR_WRITE,
  VB_STORE_ERROR_READ,
  VB_STORE_ERROR_NOT_FOUND,
} VbStoreError;

/* The newest schema; migrations bring any older database up to it. */
#define VB_STORE_SCHEMA_VERSION 4

#define VB_TYPE_STORE (vb_store_get_type ())
G_DECLARE_FINAL_TYPE (VbStore, vb_store, VB, STORE, GObject)

GQuark      vb_store_error_quark          (void);
VbStore    *vb_store_open                 (const char   *path,
                                           GError      **error);
VbStore    *vb_store_open_at_version      (const char   *path,
                                           int           version,
                                           GError      **error);
const char *vb_store_get_path             (VbStore      *self);
int         vb_store_get_schema_version   (VbStore      *self);
sqlite3    *vb_store_open_reader          (VbStore      *self,
                                           GError      **error);
gboolean    vb_store_upsert               (VbStore      *self,
                                           GPtrArray    *items,
                                           JsonObject   *lists,
                                           GError      **error);
gboolean    vb_store_delete_items         (VbStore      *self,
                                           const char *const *ids,
                                           GError      **error);
/* The client's sync: one page of the feed (deletions, items, lists) and the cursor under
 * @meta_key, in one transaction. */
void        vb_store_prepare_items        (GPtrArray    *items);
gboolean    vb_store_apply_changes        (VbStore      *self,
                                           GPtrArray    *items,
                                           const char *const *deleted,
                                           JsonObject   *lists,
                                           const char   *meta_key,
                                           const char   *meta_value,
                                           GError      **error);
char       *vb_store_dup_meta             (VbStore      *self,
                                           const char   *key);
gboolean    vb_store_set_meta             (VbStore      *self,
                                           const char   *key,
                                           const char   *value,
                                           GError      **error);
/* The server: append every write to the change log (table "changes", docs/sync-protocol.md);
 * an empty log is seeded with the content already stored. */
gboolean    vb_store_set_change_log       (VbStore      *self,
                                           gboolean      enabled,
                                           GError      **error);
gint64      vb_store_get_last_change      (VbStore      *self);
VbItem     *vb_store_get_item             (VbStore      *self,
                                           const char   *id,
                                           GError      **error);
gint64      vb_store_count_items          (VbStore      *self,
                                           int           kind);
JsonArray  *vb_store_dup_list             (VbStore      *self,
                                           const char   *list,
                                           GError      **error);
gboolean    vb_store_exec                 (VbStore      *self,
                                           const char   *sql,
                                           GError      **error);

GPtrArray  *vb_store_list_items           (VbStore      *self,
                                           int           kind,
                                           gboolean      only_active,
                                           GError      **error);

void        vb_store_get_item_async       (VbStore      *self,
                                           const char   *id,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer      user_data);
VbItem     *vb_store_get_item_finish      (VbStore      *self,
                                           GAsyncResult *result,
                                           GError      **error);
void        vb_store_list_items_async     (VbStore      *self,
                                           int           kind,
                                           gboolean      only_active,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer      user_data);
GPtrArray  *vb_store_list_items_finish    (VbStore      *self,
                                           GAsyncResult *result,
                                           GError      **error);

char       *vb_default_content_db_path    (void);
VbItem     *vb_item_from_row              (const char   *kind,
                                           const char   *id,
                                           const char   *data,
                                           GError      **error);

G_END_DECLS
