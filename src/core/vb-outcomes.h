/* vb-outcomes.h: the gespreksresultaten the content flags as handled by the KCC
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include "vb-store.h"

G_BEGIN_DECLS

/* The codes of the content's gespreksresultaten list flagged afgehandeldDoorKcc, for
 * vb_stats_compute(). An empty vector when the list is empty; NULL with @error set when the
 * list cannot be read. */
GStrv vb_outcomes_dup_kcc (VbStore  *store,
                           GError  **error);

G_END_DECLS
