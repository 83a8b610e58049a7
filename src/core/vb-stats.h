/* vb-stats.h: statistics of the contact log for a period (docs/statistics.md)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vb-contact-store.h"

G_BEGIN_DECLS

/* The version of the JSON schema of docs/statistics.md. */
#define VB_STATS_SCHEMA_VERSION 1

/* A callback is overdue when it has been open longer than this (seconds). */
#define VB_STATS_CALLBACK_OVERDUE_S (48 * 3600)

/* How many searches and content gaps the figures list. */
#define VB_STATS_TOP_SEARCHES 20

/* The figures of the contacts that started in [@from, @to) (Unix times), read over separate
 * read-only connections to @contacts' file. @kcc_outcomes: the gespreksresultaat codes flagged
 * afgehandeldDoorKcc (NULL: none). Blocks; call it on a worker thread or use the _async
 * variant. Returns a new object in the schema of docs/statistics.md. */
JsonObject *vb_stats_compute        (VbContactStore      *contacts,
                                     const char *const   *kcc_outcomes,
                                     gint64               from,
                                     gint64               to,
                                     GError             **error);
void        vb_stats_compute_async  (VbContactStore      *contacts,
                                     const char *const   *kcc_outcomes,
                                     gint64               from,
                                     gint64               to,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
JsonObject *vb_stats_compute_finish (VbContactStore      *contacts,
                                     GAsyncResult        *result,
                                     GError             **error);

/* The same figures for the contacts of one agent (contacts.agent equal to @agent), for agents
 * who may only see their own contacts; @agent NULL: everyone's, as vb_stats_compute(). The
 * search log is anonymous: its figures are those of everyone. */
JsonObject *vb_stats_compute_for_agent        (VbContactStore      *contacts,
                                               const char *const   *kcc_outcomes,
                                               gint64               from,
                                               gint64               to,
                                               const char          *agent,
                                               GError             **error);
void        vb_stats_compute_for_agent_async  (VbContactStore      *contacts,
                                               const char *const   *kcc_outcomes,
                                               gint64               from,
                                               gint64               to,
                                               const char          *agent,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
JsonObject *vb_stats_compute_for_agent_finish (VbContactStore      *contacts,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Sets the member "unused_items" of @stats: the ids in @item_ids (const char *, the content's
 * VACs and products) that no question of the period used, in the order given. Without an
 * "answers" array in @stats (figures from a server that lack it) nothing is set. */
void        vb_stats_unused_items   (JsonObject          *stats,
                                     GPtrArray           *item_ids);

G_END_DECLS
