/* vb-test-ui.h: shared helpers for the widget tests (waiting on the main loop, screenshots)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <locale.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-context.h"
#include "vb-test-util.h"

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
  GdkRGBA background;
  int width, height;

  vb_test_wait_frames (GTK_WIDGET (gtk_widget_get_root (widget)));
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  /* The window's background is drawn by the window, not by what is inside it. */
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color",
                                       &background))
    gdk_rgba_parse (&background, "white");
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  paintable = gtk_widget_paintable_new (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir != NULL ? dir : ".", name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* A window's content: what a screenshot shows (without the shadow around an AdwWindow). */
static inline void
vb_test_save_window_png (GtkWidget  *window,
                         const char *name)
{
  GtkWidget *content = ADW_IS_APPLICATION_WINDOW (window)
                         ? adw_application_window_get_content (ADW_APPLICATION_WINDOW (window))
                         : gtk_window_get_child (GTK_WINDOW (window));

  vb_test_save_widget_png (content, name);
}

/* After g_test_init(): Dutch from the build's catalogs (LANGUAGE=nl in the test environment),
 * GTK and libadwaita without animations (screenshots show the end state), the app's CSS. */
static inline void
vb_test_ui_init (void)
{
  g_autoptr(GtkCssProvider) css = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_PODIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  vb_test_tolerate_focus_out_warning ();
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/nl/vraagbaak/Vraagbaak/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static inline void
vb_test_on_context_opened (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vb_context_open_finish (VB_CONTEXT (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static inline gboolean
vb_test_flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Opens @context as the application does (an empty content database gets the demo content)
 * and waits until it is ready. */
static inline void
vb_test_open_context (VbContext *context)
{
  gboolean opened = FALSE;

  vb_context_open_async (context, NULL, vb_test_on_context_opened, &opened);
  g_assert_true (vb_test_wait_for_seconds (vb_test_flag_set, &opened, 60));
  g_assert_true (vb_context_is_ready (context));
}
