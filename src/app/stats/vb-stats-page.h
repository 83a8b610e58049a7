/* vb-stats-page.h: the statistics of the contact log for a period
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "vb-context.h"

G_BEGIN_DECLS

#define VB_TYPE_STATS_PAGE (vb_stats_page_get_type ())
G_DECLARE_FINAL_TYPE (VbStatsPage, vb_stats_page, VB, STATS_PAGE, GtkWidget)

GtkWidget  *vb_stats_page_new           (VbContext   *context);
void        vb_stats_page_refresh       (VbStatsPage *self);
void        vb_stats_page_set_range     (VbStatsPage *self,
                                         const char  *from_date,
                                         const char  *to_date);
void        vb_stats_page_set_figures   (VbStatsPage *self,
                                         JsonObject  *stats,
                                         const char  *source_label);
JsonObject *vb_stats_page_get_figures   (VbStatsPage *self);
/* Where the shown figures come from, in words ("This workstation", "All agents (server)"). */
const char *vb_stats_page_get_source    (VbStatsPage *self);
gboolean    vb_stats_page_is_busy       (VbStatsPage *self);
char       *vb_stats_page_dup_csv       (VbStatsPage *self);
void        vb_stats_page_save          (VbStatsPage *self,
                                         GFile       *file,
                                         const char  *chart);
/* The file name the export (@chart NULL) or a chart's button suggests. */
char       *vb_stats_page_dup_file_name (VbStatsPage *self,
                                         const char  *chart);

/* For tests: the shown text of a headline figure (by its JSON member) and its change, a
 * chart, its table and its text alternative by name (per-day, per-hour, per-channel,
 * first-contact). */
const char *vb_stats_page_get_figure_text (VbStatsPage *self,
                                           const char  *member);
const char *vb_stats_page_get_delta_text  (VbStatsPage *self,
                                           const char  *member);
GtkWidget  *vb_stats_page_get_chart       (VbStatsPage *self,
                                           const char  *name);
GtkListBox *vb_stats_page_get_chart_table (VbStatsPage *self,
                                           const char  *name);
const char *vb_stats_page_get_chart_summary (VbStatsPage *self,
                                             const char  *name);

G_END_DECLS
