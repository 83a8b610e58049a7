/* vb-chart.c: a bar or line chart drawn with cairo, with an accessible name and summary
 *
 * GTK 4.8 has no path API for snapshots (GskPath is 4.14), so the chart draws with cairo
 * through gtk_snapshot_append_cairo(). Colours come from the style at every draw: the text
 * colour for axes and labels, the accent colour for the data, so the light and the dark
 * style both work. The chart is an image to assistive technology: its name is the title and
 * the page gives it a text summary; the numbers themselves are in a table beside it.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <math.h>

#include <glib/gi18n.h>

#include "vb-chart.h"

struct _VbChart
{
  GtkWidget     parent_instance;

  VbChartStyle  style;
  gboolean      percent;    /* values are fractions 0–1, the axis runs 0–100 % */
  char         *title;
  GStrv         labels;
  double       *values;     /* NAN: no value (a day without contacts has no share) */
  guint         n_values;
};

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VbChart, vb_chart, GTK_TYPE_WIDGET)

#define GAP 6.0

static void
get_colors (VbChart *self,
            GdkRGBA *fg,
            GdkRGBA *accent)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, fg);
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", accent))
    gdk_rgba_parse (accent, "#3584e4");
}

/* A round step for about four grid lines over 0..@max. */
static double
nice_step (double max)
{
  double raw = max / 4.0;
  double magnitude = pow (10.0, floor (log10 (raw)));
  double fraction = raw / magnitude;

  if (fraction <= 1.0)
    return magnitude;
  if (fraction <= 2.0)
    return 2.0 * magnitude;
  if (fraction <= 5.0)
    return 5.0 * magnitude;
  return 10.0 * magnitude;
}

static char *
tick_label (VbChart *self,
            double   value)
{
  if (self->percent)
    /* Translators: a percentage on a chart's axis, as in “25%” */
    return g_strdup_printf (_("%d%%"), (int) round (value * 100.0));
  return g_strdup_printf ("%.0f", value);
}

static void
layout_size (PangoLayout *layout,
             const char  *text,
             int         *width,
             int         *height)
{
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, width, height);
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *color,
            double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
draw (VbChart *self,
      cairo_t *cr,
      int      width,
      int      height)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  GdkRGBA fg, accent;
  double max = 0.0, top_value, step, left, top, plot_w, plot_h, slot;
  int label_w = 0, label_h = 0, w, h;
  guint every = 1;
  gboolean any = FALSE;

  get_colors (self, &fg, &accent);
  for (guint i = 0; i < self->n_values; i++)
    if (!isnan (self->values[i]))
      {
        max = MAX (max, self->values[i]);
        any = any || self->values[i] > 0.0;
      }
  if (self->percent)
    {
      top_value = 1.0;
      step = 0.25;
    }
  else
    {
      step = nice_step (MAX (max, 4.0));
      top_value = MAX (step, ceil (max / step) * step);
    }

  /* Room for the widest value on the left and one line of labels below. */
  for (double v = 0.0; v <= top_value + step / 2; v += step)
    {
      g_autofree char *text = tick_label (self, v);

      layout_size (layout, text, &w, &h);
      label_w = MAX (label_w, w);
      label_h = MAX (label_h, h);
    }
  left = label_w + 2 * GAP;
  top = label_h / 2.0 + 2.0;
  plot_w = width - left - GAP;
  plot_h = height - top - label_h - 2 * GAP;
  if (plot_w < 20.0 || plot_h < 20.0)
    return;
  slot = self->n_values > 0 ? plot_w / self->n_values : plot_w;

  /* Grid lines with their values. */
  cairo_set_line_width (cr, 1.0);
  for (double v = 0.0; v <= top_value + step / 2; v += step)
    {
      g_autofree char *text = tick_label (self, v);
      double y = round (top + plot_h * (1.0 - v / top_value)) + 0.5;

      set_source (cr, &fg, v == 0.0 ? 0.55 : 0.15);
      cairo_move_to (cr, left, y);
      cairo_line_to (cr, left + plot_w, y);
      cairo_stroke (cr);
      layout_size (layout, text, &w, &h);
      set_source (cr, &fg, 0.8);
      cairo_move_to (cr, left - GAP - w, y - h / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  /* Labels below, thinned out so that they never overlap. */
  for (guint i = 0; i < self->n_values; i++)
    if (self->labels != NULL && self->labels[i] != NULL)
      {
        layout_size (layout, self->labels[i], &w, &h);
        label_w = MAX (label_w, w);
      }
  if (slot > 0.0)
    every = MAX (1, (guint) ceil ((label_w + 2 * GAP) / slot));
  set_source (cr, &fg, 0.8);
  for (guint i = 0; i < self->n_values; i += every)
    {
      double x;

      if (self->labels == NULL || self->labels[i] == NULL)
        continue;
      layout_size (layout, self->labels[i], &w, &h);
      x = left + slot * (i + 0.5) - w / 2.0;
      x = CLAMP (x, 0.0, width - w);
      cairo_move_to (cr, x, top + plot_h + GAP);
      pango_cairo_show_layout (cr, layout);
    }

  if (!any)
    {
      layout_size (layout, _("No data in this period"), &w, &h);
      set_source (cr, &fg, 0.8);
      cairo_move_to (cr, left + (plot_w - w) / 2.0, top + (plot_h - h) / 2.0);
      pango_cairo_show_layout (cr, layout);
      return;
    }

  set_source (cr, &accent, 1.0);
  if (self->style == VB_CHART_BARS)
    {
      for (guint i = 0; i < self->n_values; i++)
        {
          double v = self->values[i], bar_h, bar_w = CLAMP (slot * 0.7, 1.0, 48.0);

          if (isnan (v) || v <= 0.0)
            continue;
          bar_h = MAX (1.0, plot_h * v / top_value);
          cairo_rectangle (cr, left + slot * i + (slot - bar_w) / 2.0, top + plot_h - bar_h,
                           bar_w, bar_h);
        }
      cairo_fill (cr);
      return;
    }

  /* A line through the values; a missing value breaks it. */
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0, drawing = FALSE; i < self->n_values; i++)
    {
      double v = self->values[i];
      double x = left + slot * (i + 0.5);

      if (isnan (v))
        {
          drawing = FALSE;
          continue;
        }
      if (drawing)
        cairo_line_to (cr, x, top + plot_h * (1.0 - v / top_value));
      else
        cairo_move_to (cr, x, top + plot_h * (1.0 - v / top_value));
      drawing = TRUE;
    }
  cairo_stroke (cr);
  for (guint i = 0; i < self->n_values; i++)
    if (!isnan (self->values[i]))
      {
        cairo_new_sub_path (cr);
        cairo_arc (cr, left + slot * (i + 0.5), top + plot_h * (1.0 - self->values[i] / top_value),
                   3.5, 0, 2 * G_PI);
      }
  cairo_fill (cr);
}

static void
vb_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  draw (VB_CHART (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
vb_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  *minimum = 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 220;
}

static void
vb_chart_finalize (GObject *object)
{
  VbChart *self = VB_CHART (object);

  g_free (self->title);
  g_strfreev (self->labels);
  g_free (self->values);

  G_OBJECT_CLASS (vb_chart_parent_class)->finalize (object);
}

static void
vb_chart_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, VB_CHART (object)->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_chart_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_TITLE:
      vb_chart_set_title (VB_CHART (object), g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_chart_class_init (VbChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vb_chart_finalize;
  object_class->get_property = vb_chart_get_property;
  object_class->set_property = vb_chart_set_property;
  widget_class->snapshot = vb_chart_snapshot;
  widget_class->measure = vb_chart_measure;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "vbchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vb_chart_init (VbChart *self)
{
}

GtkWidget *
vb_chart_new (VbChartStyle style,
              gboolean     percent)
{
  VbChart *self = g_object_new (VB_TYPE_CHART, NULL);

  self->style = style;
  self->percent = percent;
  return GTK_WIDGET (self);
}

const char *
vb_chart_get_title (VbChart *self)
{
  g_return_val_if_fail (VB_IS_CHART (self), NULL);

  return self->title;
}

/* The title is the chart's accessible name. */
void
vb_chart_set_title (VbChart    *self,
                    const char *title)
{
  g_return_if_fail (VB_IS_CHART (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/* @labels: one per value, shown below the chart (thinned out when crowded). */
void
vb_chart_set_data (VbChart           *self,
                   const char *const *labels,
                   const double      *values,
                   guint              n_values)
{
  g_return_if_fail (VB_IS_CHART (self));

  g_strfreev (self->labels);
  g_free (self->values);
  self->labels = g_strdupv ((char **) labels);
  self->values = g_memdup2 (values, sizeof (double) * n_values);
  self->n_values = n_values;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
vb_chart_get_n_values (VbChart *self)
{
  g_return_val_if_fail (VB_IS_CHART (self), 0);

  return self->n_values;
}

/* Writes the chart as shown, at its size, on the window's background, as a PNG file. */
gboolean
vb_chart_save_png (VbChart     *self,
                   const char  *path,
                   GError     **error)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkNative *native = gtk_widget_get_native (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GdkRGBA background;

  g_return_val_if_fail (VB_IS_CHART (self), FALSE);

  if (native == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("The chart is not shown"));
      return FALSE;
    }
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color",
                                       &background))
    gdk_rgba_parse (&background, "white");
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  paintable = gtk_widget_paintable_new (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write “%s”"), name);
      return FALSE;
    }
  return TRUE;
}
