/* vb-sync-status.h: the sync state in the header bar, with a popover
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <adwaita.h>

#include "vb-context.h"

G_BEGIN_DECLS

#define VB_TYPE_SYNC_STATUS (vb_sync_status_get_type ())
G_DECLARE_FINAL_TYPE (VbSyncStatus, vb_sync_status, VB, SYNC_STATUS, GtkWidget)

GtkWidget  *vb_sync_status_new          (void);
void        vb_sync_status_set_context  (VbSyncStatus *self,
                                         VbContext    *context);
/* The state in words, as the popover's heading and the button's accessible name say it. */
const char *vb_sync_status_get_title    (VbSyncStatus *self);
const char *vb_sync_status_get_detail   (VbSyncStatus *self);
GtkPopover *vb_sync_status_get_popover  (VbSyncStatus *self);

/* The words for a VbSyncError (the engine's error-message adds the English details). */
const char *vb_sync_error_to_text       (int           code);
/* "2 minutes ago"; @then and @now in Unix seconds. */
char       *vb_sync_format_relative     (gint64        then,
                                         gint64        now);
/* The date and time of @when (Unix seconds) as the tooltip of the last sync writes it, in a
 * translated format ("29-11-2026 om 09:05" in Dutch). */
char       *vb_sync_format_time         (gint64        when);

G_END_DECLS
