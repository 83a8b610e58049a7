/* vb-sync-page.h: one page of the change feed, parsed, validated and collapsed (private)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* An item larger than this (its JSON) is rejected with a message and skipped. */
#define VB_SYNC_MAX_ITEM_SIZE (2 * 1024 * 1024)

typedef struct
{
  gint64      since;
  gint64      cursor;
  gboolean    more;
  gint64      remaining;
  char       *database;     /* the server database's id ("database"), or NULL (an older server) */
  guint       n_changes;    /* rows in the page, before collapsing */
  GPtrArray  *items;        /* VbItem: the last put per id */
  GPtrArray  *deleted;      /* char *, NULL-terminated: the last change per id was a delete */
  JsonObject *lists;        /* list name -> entries (the last per list), or NULL */
  GPtrArray  *notices;      /* char *: ids of notices put by this page */
  GPtrArray  *skipped;      /* char *: messages for changes passed over */
} VbSyncPage;

VbSyncPage *vb_sync_page_parse (const char  *data,
                                gsize        len,
                                gint64       since,
                                GError     **error);
void        vb_sync_page_free  (VbSyncPage  *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VbSyncPage, vb_sync_page_free)

G_END_DECLS
