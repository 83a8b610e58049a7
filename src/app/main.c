/* main.c: start Vraagbaak
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <locale.h>
#include <glib/gi18n.h>

#include "vb-application.h"

/* Cold-start hook for bench/run (see bench/README.md); nothing else uses it. With
 * VRAAGBAAK_BENCH_EXIT_AFTER_FIRST_FRAME=1 the end of the first window's first painted frame
 * prints "vraagbaak-bench: first-frame main_ms=… realtime_us=…" on stderr (milliseconds since
 * main() started; the wall clock, for timing from exec) and quits. With =ready it also waits
 * until the knowledge base is open and prints a "ready" line before quitting. */
static gint64 bench_start;
static gboolean bench_painted, bench_ready, bench_wait_ready;

static void
bench_report (GApplication *app,
              const char   *what)
{
  g_printerr ("vraagbaak-bench: %s main_ms=%.3f realtime_us=%" G_GINT64_FORMAT "\n", what,
              (g_get_monotonic_time () - bench_start) / 1000.0, g_get_real_time ());
  if (bench_painted && (bench_ready || !bench_wait_ready))
    g_application_quit (app);
}

static void
bench_on_after_paint (GdkFrameClock *clock,
                      GApplication  *app)
{
  g_signal_handlers_disconnect_by_func (clock, bench_on_after_paint, app);
  bench_painted = TRUE;
  bench_report (app, "first-frame");
}

static void
bench_on_ready (VbContext    *context,
                GParamSpec   *pspec,
                GApplication *app)
{
  if (bench_ready || !vb_context_is_ready (context))
    return;
  bench_ready = TRUE;
  bench_report (app, "ready");
}

/* Runs after the application's own activate, which presented the window. */
static void
bench_on_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  VbContext *context = vb_application_get_context (VB_APPLICATION (app));
  GdkFrameClock *clock = window ? gtk_widget_get_frame_clock (GTK_WIDGET (window)) : NULL;

  if (clock == NULL || bench_painted)
    return;
  g_signal_connect (clock, "after-paint", G_CALLBACK (bench_on_after_paint), app);
  g_signal_connect (context, "notify::ready", G_CALLBACK (bench_on_ready), app);
  bench_on_ready (context, NULL, app);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(VbApplication) app = NULL;
  const char *bench = g_getenv ("VRAAGBAAK_BENCH_EXIT_AFTER_FIRST_FRAME");

  bench_start = g_get_monotonic_time ();
  setlocale (LC_ALL, "");
  /* Uninstalled runs use the translations in the build folder. */
  bindtextdomain (GETTEXT_PACKAGE, g_file_test (BUILD_PODIR "/nl", G_FILE_TEST_IS_DIR) ?
                                   BUILD_PODIR : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = vb_application_new ();
  if (bench != NULL && *bench != '\0' && !g_str_equal (bench, "0"))
    {
      bench_wait_ready = g_str_equal (bench, "ready");
      g_signal_connect_after (app, "activate", G_CALLBACK (bench_on_activate), NULL);
    }
  return g_application_run (G_APPLICATION (app), argc, argv);
}
