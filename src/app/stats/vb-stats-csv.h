/* vb-stats-csv.h: the statistics of a period as CSV (RFC 4180)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Display names for the codes in the figures; each table maps a code or id to a name and may
 * be NULL. */
typedef struct
{
  GHashTable *items;        /* item id -> title */
  GHashTable *channels;     /* kanaal code -> name */
  GHashTable *afdelingen;   /* afdeling id -> name */
} VbStatsCsvNames;

char *vb_stats_csv_new (JsonObject            *stats,
                        const VbStatsCsvNames *names);

G_END_DECLS
