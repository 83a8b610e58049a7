/* vb-result-row.h: one row in the result list
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

#include "vb-search-hit.h"

G_BEGIN_DECLS

#define VB_TYPE_RESULT_ROW (vb_result_row_get_type ())
G_DECLARE_FINAL_TYPE (VbResultRow, vb_result_row, VB, RESULT_ROW, GtkListBoxRow)

GtkWidget   *vb_result_row_new      (VbSearchHit *hit);
VbSearchHit *vb_result_row_get_hit  (VbResultRow *self);
const char  *vb_kind_badge_label    (VbItemKind   kind);

G_END_DECLS
