/* vb-chart.h: a bar or line chart drawn with cairo, with an accessible name and summary
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  VB_CHART_BARS,
  VB_CHART_LINE,
} VbChartStyle;

#define VB_TYPE_CHART (vb_chart_get_type ())
G_DECLARE_FINAL_TYPE (VbChart, vb_chart, VB, CHART, GtkWidget)

GtkWidget  *vb_chart_new          (VbChartStyle         style,
                                   gboolean             percent);
const char *vb_chart_get_title    (VbChart             *self);
void        vb_chart_set_title    (VbChart             *self,
                                   const char          *title);
void        vb_chart_set_data     (VbChart             *self,
                                   const char *const   *labels,
                                   const double        *values,
                                   guint                n_values);
guint       vb_chart_get_n_values (VbChart             *self);
gboolean    vb_chart_save_png     (VbChart             *self,
                                   const char          *path,
                                   GError             **error);

G_END_DECLS
