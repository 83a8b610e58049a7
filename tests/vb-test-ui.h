/* vb-test-ui.h: shared helpers for the widget tests (waiting on the main loop, screenshots)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

typedef gboolean (*VbTestPredicate) (gpointer data);

/* Runs the main loop until @predicate holds; FALSE after @seconds. */
static inline gboolean
vb_test_wait_for_seconds (VbTestPredicate predicate,
                          gpointer        data,
                          int             seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static inline gboolean
vb_test_count_frame (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static inline gboolean
vb_test_enough_frames (gpointer data)
{
  return *(guint *) data >= 3;
}

/* Waits until @widget has drawn a few frames, so layout and pending results settle. */
static inline void
vb_test_wait_frames (GtkWidget *widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, vb_test_count_frame, &frames, NULL);

  gtk_widget_queue_draw (widget);
  vb_test_wait_for_seconds (vb_test_enough_frames, &frames, 10);
  gtk_widget_remove_tick_callback (widget, id);
}

/* Renders @widget (of a shown window) at its size into VRAAGBAAK_SCREENSHOT_DIR/@name. */
static inline void
vb_test_save_widget_png (GtkWidget  *widget,
                         const char *name)
{
  const char *dir = g_getenv ("VRAAGBAAK_SCREENSHOT_DIR");
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  vb_test_wait_frames (GTK_WIDGET (gtk_widget_get_root (widget)));
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir != NULL ? dir : ".", name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}
