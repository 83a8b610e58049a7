/* vb-stats-private.h: the statistics aggregates shared by the contact store and vb-stats.c
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include "vb-stats.h"

G_BEGIN_DECLS

/* The table stats_counts (docs/statistics.md, "Speed"): counts per local day (level 0, bucket
 * YYYYMMDD) and per local month (level 1, bucket YYYYMM) in Europe/Amsterdam, kept in the same
 * transaction as every change of a finished contact or of the search log. */
typedef enum
{
  VB_STATS_LEVEL_DAY = 0,
  VB_STATS_LEVEL_MONTH = 1,
} VbStatsLevel;

typedef enum
{
  VB_STATS_KIND_CONTACTS = 1,   /* key1: the contact's distinct outcomes (see below) */
  VB_STATS_KIND_HOUR = 2,       /* key1: the local hour started, "00".."23" */
  VB_STATS_KIND_CHANNEL = 3,    /* key1: kanaal */
  VB_STATS_KIND_DURATION = 4,   /* key1: handling time in seconds (decimal) */
  VB_STATS_KIND_QUESTIONS = 5,  /* key1: outcome */
  VB_STATS_KIND_ANSWER = 6,     /* key1: item, key2: section or "" */
  VB_STATS_KIND_AFDELING = 7,   /* key1: afdeling or "", key2: outcome */
  VB_STATS_KIND_SEARCH = 8,     /* key1: query */
  VB_STATS_KIND_GAP = 9,        /* key1: query; n: gaps, a: no results, b: nothing opened */
} VbStatsKind;

/* The outcomes of a contact as key1 of VB_STATS_KIND_CONTACTS: its distinct outcomes, sorted
 * (strcmp), each written as "<bytes>:<code>"; "" for a contact without questions. */

/* The same figures as vb_stats_compute_for_agent(), always read from the contact and search
 * rows themselves, never from the aggregates: the reference the tests compare with. */
JsonObject *vb_stats_compute_scan (VbContactStore     *contacts,
                                   const char *const  *kcc_outcomes,
                                   gint64              from,
                                   gint64              to,
                                   const char         *agent,
                                   GError            **error);

G_END_DECLS
