/* test-sync-ui.c: the window against a server, as an agent would see it
 *
 * Runs under Xvfb. The real application (its context opened over a temporary database, the
 * memory GSettings backend and the token in a private file) syncs with a fake vraagbaak-server
 * on loopback (tests/vb-fake-server.c) while the window shows: local only, syncing, up to
 * date, a notice arriving over the long poll (its latency is measured), a refused token and a
 * server that went away. Screenshots of the sync popover in each state (1280x800 and 640x800)
 * go to VRAAGBAAK_SCREENSHOT_DIR.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-application.h"
#include "vb-format.h"
#include "vb-catalogue-page.h"
#include "vb-item-view.h"
#include "vb-preferences-window.h"
#include "vb-rich-text.h"
#include "vb-search-page.h"
#include "vb-stats-page.h"
#include "vb-sync-status.h"
#include "vb-window.h"
#include "vb-fake-server.h"
#include "vb-test-util.h"

#define TOKEN "medewerker-token-1"

static char *tmpdir;
static VbApplication *app;
static VbContext *context;
static VbWindow *window;
static VbFakeServer *server;
static GArray *states;   /* VbSyncState, in the order the sync went through them */

typedef gboolean (*Predicate) (gpointer data);

static gboolean
wait_for_ms (Predicate predicate,
             gpointer  data,
             guint     ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * (G_USEC_PER_SEC / 1000);

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean
wait_for (Predicate predicate,
          gpointer  data)
{
  return wait_for_ms (predicate, data, 20000);
}

static gboolean
context_ready (gpointer data)
{
  return vb_context_is_ready (context);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static VbSync *
sync_engine (void)
{
  return vb_context_get_sync (context);
}

static VbSyncStatus *
status (void)
{
  return VB_SYNC_STATUS (vb_window_get_sync_status (window));
}

typedef gboolean (*Match) (GtkWidget  *widget,
                           const char *text);

/* The first widget below @root (itself included) that @match accepts. */
static GtkWidget *
find_widget (GtkWidget  *root,
             Match       match,
             const char *text)
{
  if (match (root, text))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The sync status on screen: the search's, the answer's in a window folded on the answer, or
 * the statistics'. */
static gboolean
is_shown_status (GtkWidget  *widget,
                 const char *text)
{
  return VB_IS_SYNC_STATUS (widget) && gtk_widget_get_mapped (widget);
}

static VbSyncStatus *
shown_status (void)
{
  GtkWidget *shown = find_widget (GTK_WIDGET (window), is_shown_status, NULL);

  g_assert_nonnull (shown);
  return VB_SYNC_STATUS (shown);
}

static gboolean
in_state (gpointer data)
{
  return vb_sync_get_state (sync_engine ()) == (VbSyncState) GPOINTER_TO_INT (data);
}

static void
wait_for_state (VbSyncState state)
{
  if (!wait_for (in_state, GINT_TO_POINTER (state)))
    g_error ("the sync did not reach state %d (it is %d: %s)", state,
             vb_sync_get_state (sync_engine ()),
             vb_sync_get_error_message (sync_engine ()) ? vb_sync_get_error_message (sync_engine ())
                                                        : "no error");
}

static void
on_state (VbSync *sync)
{
  VbSyncState state = vb_sync_get_state (sync);

  g_array_append_val (states, state);
}

static gboolean
saw_state (VbSyncState state)
{
  for (guint i = 0; i < states->len; i++)
    if (g_array_index (states, VbSyncState, i) == state)
      return TRUE;
  return FALSE;
}

/* ---- screenshots: the window with its open popover, composed as on screen ---- */

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
enough_frames (gpointer data)
{
  return *(guint *) data >= 3;
}

static void
wait_frames (GtkWidget *widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);

  gtk_widget_queue_draw (widget);
  wait_for_ms (enough_frames, &frames, 3000);
  gtk_widget_remove_tick_callback (widget, id);
}

static void
append_native (GtkSnapshot *snapshot,
               GtkWidget   *widget,
               double       x,
               double       y)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  gtk_snapshot_restore (snapshot);
}

static void
save_screenshot (const char *name)
{
  const char *dir = g_getenv ("VRAAGBAAK_SCREENSHOT_DIR");
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  GtkPopover *popover = vb_sync_status_get_popover (shown_status ());
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  graphene_rect_t bounds;
  double wx, wy;

  wait_frames (GTK_WIDGET (window));
  if (gtk_widget_get_mapped (GTK_WIDGET (popover)))
    wait_frames (GTK_WIDGET (popover));
  g_assert_true (gtk_widget_compute_bounds (content, GTK_WIDGET (window), &bounds));
  append_native (snapshot, GTK_WIDGET (window), 0, 0);
  gtk_native_get_surface_transform (GTK_NATIVE (window), &wx, &wy);
  if (gtk_widget_get_mapped (GTK_WIDGET (popover)))
    {
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
      double px, py;

      /* The popover's own surface sits at its popup position in the window's surface. */
      gtk_native_get_surface_transform (GTK_NATIVE (popover), &px, &py);
      append_native (snapshot, GTK_WIDGET (popover),
                     gdk_popup_get_position_x (GDK_POPUP (surface)) + px - wx,
                     gdk_popup_get_position_y (GDK_POPUP (surface)) + py - wy);
    }
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &bounds);
  path = g_build_filename (dir != NULL ? dir : ".", name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* A window of its own (the preferences), as it is drawn. */
static void
save_window_screenshot (GtkWindow  *other,
                        const char *name)
{
  const char *dir = g_getenv ("VRAAGBAAK_SCREENSHOT_DIR");
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  wait_frames (GTK_WIDGET (other));
  append_native (snapshot, GTK_WIDGET (other), 0, 0);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (other)), node,
                                         &GRAPHENE_RECT_INIT (0, 0,
                                                              gtk_widget_get_width (GTK_WIDGET (other)),
                                                              gtk_widget_get_height (GTK_WIDGET (other))));
  path = g_build_filename (dir != NULL ? dir : ".", name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static gboolean
popover_shown (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (vb_sync_status_get_popover (data)));
}

/* The popover of the sync status, open, in a wide and in a narrow window. */
static void
screenshots (const char *state)
{
  const int widths[] = { 1280, 640 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *name = g_strdup_printf ("screenshot-sync-%s-%d.png", state, widths[i]);

      VbSyncStatus *shown;

      gtk_window_set_default_size (GTK_WINDOW (window), widths[i], 800);
      wait_frames (GTK_WIDGET (window));
      shown = shown_status ();
      g_assert_cmpstr (vb_sync_status_get_title (shown), ==, vb_sync_status_get_title (status ()));
      gtk_popover_popup (vb_sync_status_get_popover (shown));
      g_assert_true (wait_for (popover_shown, shown));
      save_screenshot (name);
      gtk_popover_popdown (vb_sync_status_get_popover (shown));
    }
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  wait_frames (GTK_WIDGET (window));
}

/* ---- the window ---- */

static gboolean
is_label (GtkWidget  *widget,
          const char *text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* The banner shows @data (a title): its label is there and its revealer open. */
static gboolean
banner_shows (gpointer data)
{
  GtkWidget *label = find_widget (GTK_WIDGET (window), is_label, data);
  GtkWidget *revealer = label != NULL ? gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER) : NULL;

  return revealer != NULL && gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static gboolean
first_result_is (gpointer data)
{
  GListModel *results =
    vb_search_page_get_results (VB_SEARCH_PAGE (vb_window_get_search_page (window)));
  g_autoptr(VbSearchHit) hit = g_list_model_get_item (results, 0);

  return hit != NULL && g_strcmp0 (vb_search_hit_get_id (hit), data) == 0;
}

/* The rich text that shows @text. */
static gboolean
is_rich_text_with (GtkWidget  *widget,
                   const char *text)
{
  g_autofree char *shown = VB_IS_RICH_TEXT (widget) ? vb_rich_text_dup_text (VB_RICH_TEXT (widget))
                                                    : NULL;

  return shown != NULL && strstr (shown, text) != NULL;
}

static gboolean
item_text_contains (gpointer data)
{
  VbItemView *view = VB_ITEM_VIEW (vb_window_get_item_view (window));
  g_autofree char *text = vb_item_view_get_item (view) ? vb_item_view_dup_text (view) : NULL;

  return text != NULL && strstr (text, data) != NULL;
}

static char *
vac_json (const char *id,
          const char *question,
          const char *answer)
{
  return g_strdup_printf ("{\"type\": \"vac\", \"id\": \"%s\", \"vraag\": \"%s\", "
                          "\"antwoord\": \"<p>%s</p>\", \"status\": \"actief\"}",
                          id, question, answer);
}

static char *
iso_time (gint64 offset)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, offset);

  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

static void
on_token_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vb_token_store_store_finish (VB_TOKEN_STORE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* ---- the tests, in order: they share the application, the window and the server ---- */

static void
test_local_only (void)
{
  g_assert_cmpstr (vb_sync_status_get_title (status ()), ==, _("Local content only"));
  g_assert_cmpint (vb_sync_get_state (sync_engine ()), ==, VB_SYNC_STATE_DISABLED);
  screenshots ("local-only");
}

static gboolean
syncing_with_total (gpointer data)
{
  return vb_sync_get_state (sync_engine ()) == VB_SYNC_STATE_SYNCING &&
         vb_sync_get_progress_total (sync_engine ()) > 0 &&
         vb_sync_get_progress_done (sync_engine ()) > 0;
}

static void
test_first_sync (void)
{
  VbSearchPage *page = VB_SEARCH_PAGE (vb_window_get_search_page (window));
  GSettings *settings = vb_context_get_settings (context);
  gboolean stored = FALSE;

  server = vb_fake_server_new ();
  vb_fake_server_set_token (server, TOKEN);
  /* Small pages, a little slow: the first sync shows its progress for a while. */
  vb_fake_server_set_page_size (server, 10);
  vb_fake_server_set_delay (server, 150);
  for (guint i = 1; i <= 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("vac-server-%02u", i);
      g_autofree char *question = g_strdup_printf ("Hoe vraag ik vergunning %u aan?", i);
      g_autofree char *json = vac_json (id, question, "Via het loket.");

      vb_fake_server_put_item (server, "vac", id, json);
    }
  {
    g_autofree char *json = vac_json ("vac-zwembadpas", "Hoe krijg ik een zwembadpas?",
                                      "Aan de kassa van het zwembad, versie 1.");

    vb_fake_server_put_item (server, "vac", "vac-zwembadpas", json);
  }

  /* The agent searched before the server had it: nothing yet. */
  vb_search_page_set_text (page, "zwembadpas");
  g_assert_false (wait_for_ms (first_result_is, "vac-zwembadpas", 500));

  /* The token comes from the private file, as the preferences would have saved it. */
  vb_token_store_store_async (vb_context_get_token_store (context), vb_fake_server_get_url (server),
                              TOKEN, NULL, on_token_written, &stored);
  g_assert_true (wait_for (is_true, &stored));
  g_signal_connect (sync_engine (), "notify::state", G_CALLBACK (on_state), NULL);
  g_settings_set_string (settings, "server-url", vb_fake_server_get_url (server));

  g_assert_true (wait_for (syncing_with_total, NULL));
  g_assert_cmpstr (vb_sync_status_get_title (status ()), ==, _("Syncing…"));
  screenshots ("syncing");
  wait_for_state (VB_SYNC_STATE_UP_TO_DATE);
  g_assert_true (saw_state (VB_SYNC_STATE_SYNCING));
  g_assert_true (vb_context_get_has_token (context));
  g_assert_cmpstr (vb_sync_status_get_title (status ()), ==, _("Up to date"));

  /* The standing query shows the new answer without a keystroke or a restart. */
  g_assert_true (wait_for (first_result_is, "vac-zwembadpas"));
  /* And a new query finds the server's content. */
  vb_search_page_set_text (page, "");
  vb_search_page_set_text (page, "vergunning 17");
  g_assert_true (wait_for (first_result_is, "vac-server-17"));
  vb_fake_server_set_delay (server, 0);
  screenshots ("up-to-date");
}

static gboolean
is_catalogue (GtkWidget  *widget,
              const char *text)
{
  return VB_IS_CATALOGUE_PAGE (widget);
}

static gboolean
catalogue_loaded (gpointer data)
{
  GtkWidget *page = find_widget (GTK_WIDGET (window), is_catalogue, NULL);

  return page != NULL && gtk_widget_get_mapped (page) &&
         g_strcmp0 (vb_catalogue_page_get_state (VB_CATALOGUE_PAGE (page)), "loading") != 0;
}

static gboolean
catalogue_lists (gpointer data)
{
  GtkWidget *page = find_widget (GTK_WIDGET (window), is_catalogue, NULL);

  return page != NULL && find_widget (page, is_label, data) != NULL;
}

static gboolean
long_poll_open (gpointer data)
{
  return vb_fake_server_count_requests (server, "/api/v1/changes") > GPOINTER_TO_UINT (data);
}

static void
test_notice_latency (void)
{
  g_autofree char *from = iso_time (-3600);
  g_autofree char *until = iso_time (7 * 24 * 3600);
  g_autofree char *json = NULL;
  guint before = vb_fake_server_count_requests (server, "/api/v1/changes");
  gint64 published;
  double latency_ms;

  /* The notices of the catalogue are open (and loaded) when the notice comes in. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-notices", NULL));
  g_assert_true (wait_for (catalogue_loaded, NULL));
  /* Up to date, the client keeps a long poll open; let it arrive at the server. */
  wait_for_ms (long_poll_open, GUINT_TO_POINTER (before), 2000);
  g_usleep (200 * 1000);
  json = g_strdup_printf ("{\"type\": \"notice\", \"id\": \"bericht-storing-telefonie\", "
                          "\"titel\": \"Storing telefonie: wachtrij valt weg\", "
                          "\"soort\": \"storing\", \"belangrijk\": true, "
                          "\"inhoud\": \"<p>Bellers vallen uit de wachtrij.</p>\", "
                          "\"publicatieDatum\": \"%s\", \"publicatieEinddatum\": \"%s\"}",
                          from, until);
  published = g_get_monotonic_time ();
  vb_fake_server_put_item (server, "notice", "bericht-storing-telefonie", json);
  g_assert_true (wait_for_ms (banner_shows, "Storing telefonie: wachtrij valt weg", 10000));
  latency_ms = (g_get_monotonic_time () - published) / 1000.0;
  g_test_message ("notice published on the server -> banner on screen: %.0f ms", latency_ms);
  g_printerr ("notice latency: %.0f ms\n", latency_ms);
  /* Within seconds: the long poll answers at once, not at the next sync interval. */
  g_assert_cmpfloat (latency_ms, <, 5000);
  /* The open catalogue lists it too. */
  g_assert_true (wait_for (catalogue_lists, "Storing telefonie: wachtrij valt weg"));
  save_screenshot ("screenshot-sync-notice-1280.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-search", NULL));
}

/* The rich text that shows @data is laid out: on screen, not only in the model. */
static gboolean
answer_shown (gpointer data)
{
  GtkWidget *text = find_widget (vb_window_get_item_view (window), is_rich_text_with, data);

  return text != NULL && gtk_widget_get_height (text) > 10;
}

static void
test_open_item_follows (void)
{
  g_autofree char *json = vac_json ("vac-zwembadpas", "Hoe krijg ik een zwembadpas?",
                                    "Online via de website, versie 2.");

  vb_window_open_item (window, "vac-zwembadpas");
  g_assert_true (wait_for (item_text_contains, "versie 1"));
  vb_fake_server_put_item (server, "vac", "vac-zwembadpas", json);
  g_assert_true (wait_for (item_text_contains, "versie 2"));
  /* The new answer comes on screen (under load its layout may take a few frames more). */
  g_assert_true (wait_for (answer_shown, "versie 2"));
  save_screenshot ("screenshot-sync-answer-updated-1280.png");
}

static gboolean
new_pass (gpointer data)
{
  return vb_fake_server_count_requests (server, "/api/v1/changes") > GPOINTER_TO_UINT (data) &&
         vb_sync_get_state (sync_engine ()) == VB_SYNC_STATE_UP_TO_DATE;
}

static void
test_ctrl_r (void)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                "app.sync-now");
  gint64 last = vb_sync_get_last_synced (sync_engine ());
  guint before;

  g_assert_true (g_strv_contains ((const char *const *) accels, "<Control>r"));
  wait_for_state (VB_SYNC_STATE_UP_TO_DATE);
  g_usleep (1100 * 1000);  /* last-synced counts seconds */
  before = vb_fake_server_count_requests (server, "/api/v1/changes");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.sync-now", NULL));
  g_assert_true (wait_for (new_pass, GUINT_TO_POINTER (before)));
  g_assert_cmpint (vb_sync_get_last_synced (sync_engine ()), >, last);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static GtkWidget *
status_button (VbSyncStatus *shown)
{
  return gtk_widget_get_first_child (GTK_WIDGET (shown));
}

/* A pass cancelled (Ctrl+R during a pass, a new token, the loop stopped) leaves the sync idle:
 * the popover must not say "not synced yet" above "last synced 1 minute ago". */
static void
test_interrupted (void)
{
  gint64 last;
  g_autofree char *when = NULL;
  g_autofree char *tooltip = NULL;

  wait_for_state (VB_SYNC_STATE_UP_TO_DATE);
  last = vb_sync_get_last_synced (sync_engine ());
  g_assert_cmpint (last, >, 0);
  vb_sync_stop (sync_engine ());
  /* Let the cancelled long poll come back. */
  wait_for_ms (never, NULL, 500);
  g_assert_cmpint (vb_sync_get_state (sync_engine ()), ==, VB_SYNC_STATE_IDLE);
  g_assert_cmpstr (vb_sync_status_get_title (status ()), !=, _("Not synced yet"));
  g_assert_cmpstr (vb_sync_status_get_title (status ()), ==, _("Up to date"));
  g_assert_nonnull (vb_sync_status_get_detail (status ()));
  /* The tooltip has the moment, in the translated format. */
  when = vb_sync_format_time (last);
  tooltip = g_strdup_printf (_("Last synced on %s"), when);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (status_button (status ())), tooltip));
  screenshots ("interrupted");
  vb_sync_start (sync_engine ());
  wait_for_state (VB_SYNC_STATE_UP_TO_DATE);
}

static gboolean
busy (gpointer data)
{
  return vb_sync_get_state (sync_engine ()) == VB_SYNC_STATE_ERROR &&
         vb_sync_get_error_code (sync_engine ()) == VB_SYNC_ERROR_BUSY;
}

static char *
busy_title_at (gint64 unix_time)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (unix_time);
  g_autofree char *hhmm = g_date_time_format (at, "%H:%M");

  return g_strdup_printf (_("The server is busy; trying again at %s"), hhmm);
}

/* A busy server (503 with Retry-After: 120): the agent sees when the next try is. */
static void
test_busy (void)
{
  gint64 asked = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *early = NULL;
  g_autofree char *late = NULL;

  vb_fake_server_add_fault (server, "/api/v1/changes", 0, 0, VB_FAKE_STATUS, 503, 120);
  gtk_widget_activate_action (GTK_WIDGET (window), "app.sync-now", NULL);
  g_assert_true (wait_for (busy, NULL));
  /* The minute may turn while the request runs. */
  early = busy_title_at (asked + 120);
  late = busy_title_at (g_get_real_time () / G_USEC_PER_SEC + 120);
  if (g_strcmp0 (vb_sync_status_get_title (status ()), early) != 0)
    g_assert_cmpstr (vb_sync_status_get_title (status ()), ==, late);
  screenshots ("busy");
  vb_fake_server_clear_faults (server);
  gtk_widget_activate_action (GTK_WIDGET (window), "app.sync-now", NULL);
  wait_for_state (VB_SYNC_STATE_UP_TO_DATE);
}

/* The words, apart from any server. */
static void
test_words (void)
{
  const char *separator = g_dpgettext (GETTEXT_PACKAGE, "number\004,", strlen ("number") + 1);
  g_autofree char *count = vb_format_count (10044);
  g_autofree char *small = vb_format_count (500);
  g_autofree char *negative = vb_format_count (-1234);
  g_autofree char *decimal = vb_format_decimal (81.25);
  g_autofree char *zero = vb_format_decimal (-0.01);
  const char *decimal_mark = g_dpgettext (GETTEXT_PACKAGE, "number\004.", strlen ("number") + 1);
  g_autofree char *expected_negative = g_strdup_printf ("−1%s234", separator);
  g_autofree char *expected_decimal = g_strdup_printf ("81%s3", decimal_mark);
  g_autofree char *expected_zero = g_strdup_printf ("0%s0", decimal_mark);
  /* 29 November 2026, 09:05 in this computer's time zone. */
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 11, 29, 9, 5, 0);
  g_autofree char *time = vb_sync_format_time (g_date_time_to_unix (when));
  g_autofree char *expected_time = g_date_time_format (when, _("%Y-%m-%d %H:%M"));
  g_autofree char *minutes = vb_sync_format_relative (1000, 1000 + 150);
  g_autofree char *now = vb_sync_format_relative (1000, 1010);
  g_autofree char *expected_count = g_strdup_printf ("10%s044", separator);
  g_autofree char *expected_minutes =
    g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", 2), 2);

  g_assert_cmpstr (count, ==, expected_count);
  g_assert_cmpstr (small, ==, "500");
  g_assert_cmpstr (negative, ==, expected_negative);
  g_assert_cmpstr (decimal, ==, expected_decimal);
  g_assert_cmpstr (zero, ==, expected_zero);
  /* The statistics page and the sync status write numbers alike; in Dutch 10.044 and 81,3. */
  g_assert_cmpstr (separator, !=, decimal_mark);
  g_assert_cmpstr (time, ==, expected_time);
  if (g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", "nl") &&
      g_strcmp0 (separator, ",") != 0)
    {
      g_assert_cmpstr (count, ==, "10.044");
      g_assert_cmpstr (decimal, ==, "81,3");
      g_assert_cmpstr (time, ==, "29-11-2026 om 09:05");
    }
  g_assert_cmpstr (minutes, ==, expected_minutes);
  g_assert_cmpstr (now, ==, _("just now"));
  /* Every error code has its own words. */
  for (int code = VB_SYNC_ERROR_NO_SERVER; code <= VB_SYNC_ERROR_CANCELLED; code++)
    for (int other = code + 1; other <= VB_SYNC_ERROR_CANCELLED; other++)
      g_assert_cmpstr (vb_sync_error_to_text (code), !=, vb_sync_error_to_text (other));
  g_assert_cmpstr (vb_sync_error_to_text (VB_SYNC_ERROR_TLS), ==,
                   _("The server’s certificate is invalid"));
  g_assert_cmpstr (vb_sync_error_to_text (VB_SYNC_ERROR_OFFLINE), ==, _("Server not reachable"));
}


static gboolean
stats_page_idle (gpointer data)
{
  return !vb_stats_page_is_busy (data) && vb_stats_page_get_figures (data) != NULL;
}

/* A supervisor with a server sees the figures of all agents from GET /api/v1/stats; when the
 * server cannot give them, this workstation's own, and the source says which. */
static void
test_server_stats (void)
{
  GSettings *settings = vb_context_get_settings (context);
  VbStatsPage *page = VB_STATS_PAGE (vb_window_get_stats_page (window));
  JsonObject *figures;

  vb_fake_server_set_stats (server, "{\"schema\": 1, \"contacts\": 4711, \"contacts_kcc\": 4000,"
                                    " \"kcc_share\": 0.849, \"per_hour\": [], \"per_day\": []}");
  g_settings_set_string (settings, "role", "supervisor");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-statistics", NULL));
  g_assert_true (wait_for (stats_page_idle, page));
  figures = vb_stats_page_get_figures (page);
  g_assert_cmpint (json_object_get_int_member (figures, "contacts"), ==, 4711);
  g_assert_cmpstr (vb_stats_page_get_source (page), ==, _("All agents (server)"));
  /* The statistics take the whole window: their header bar shows the sync state. */
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (shown_status ()), GTK_WIDGET (page)));
  g_assert_cmpstr (vb_sync_status_get_title (shown_status ()), ==, _("Up to date"));
  screenshots ("statistics");

  /* The server refuses (a token without the supervisor role): the page falls back. */
  vb_fake_server_add_fault (server, "/api/v1/stats", 0, 1, VB_FAKE_STATUS, 403, 0);
  vb_stats_page_refresh (page);
  g_assert_true (wait_for (stats_page_idle, page));
  figures = vb_stats_page_get_figures (page);
  g_assert_cmpint (json_object_get_int_member (figures, "contacts"), !=, 4711);
  g_assert_cmpstr (vb_stats_page_get_source (page), ==,
                   _("This workstation (the figures of all agents are not available)"));

  /* Not a supervisor: only this workstation, never the server. */
  g_settings_set_string (settings, "role", "medewerker");
  vb_stats_page_refresh (page);
  g_assert_true (wait_for (stats_page_idle, page));
  g_assert_cmpint (json_object_get_int_member (vb_stats_page_get_figures (page), "contacts"),
                   !=, 4711);
  g_assert_cmpstr (vb_stats_page_get_source (page), !=, _("All agents (server)"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
}

static GtkWindow *
find_preferences (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (VB_IS_PREFERENCES_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
preferences_open (gpointer data)
{
  return find_preferences () != NULL;
}

static void
on_token_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vb_context_store_token_finish (VB_CONTEXT (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
refused_token (gpointer data)
{
  return vb_sync_get_state (sync_engine ()) == VB_SYNC_STATE_ERROR &&
         vb_sync_get_error_code (sync_engine ()) == VB_SYNC_ERROR_UNAUTHORIZED;
}

static void
test_unauthorized (void)
{
  /* The string the window shows, in the language of the run (Dutch once translated). */
  const char *refused = g_dgettext (GETTEXT_PACKAGE, "The server refuses the token");
  GtkWindow *prefs;
  gboolean saved = FALSE;

  if (g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", "nl") &&
      g_strcmp0 (refused, "The server refuses the token") != 0)
    g_assert_cmpstr (refused, ==, "De server weigert het token");
  g_assert_cmpstr (vb_sync_error_to_text (VB_SYNC_ERROR_UNAUTHORIZED), ==, refused);

  /* The token was revoked on the server. */
  vb_fake_server_set_token (server, "a-new-token");
  gtk_widget_activate_action (GTK_WIDGET (window), "app.sync-now", NULL);
  g_assert_true (wait_for (refused_token, NULL));
  g_assert_cmpstr (vb_sync_status_get_title (status ()), ==, refused);
  screenshots ("unauthorized");

  /* The toast's button opens the preferences at the token; a new token resumes the sync. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.edit-token", NULL));
  g_assert_true (wait_for (preferences_open, NULL));
  prefs = find_preferences ();
  g_assert_cmpstr (adw_preferences_window_get_visible_page_name (ADW_PREFERENCES_WINDOW (prefs)),
                   ==, "server");
  vb_context_store_token_async (context, "a-new-token", NULL, on_token_saved, &saved);
  g_assert_true (wait_for (is_true, &saved));
  wait_for_state (VB_SYNC_STATE_UP_TO_DATE);
  save_window_screenshot (prefs, "screenshot-sync-preferences-token.png");
  gtk_window_destroy (prefs);
}

static gboolean
outbox_counted (gpointer data)
{
  return vb_sync_get_outbox_size (sync_engine ()) >= GPOINTER_TO_INT (data);
}

static void
test_offline (void)
{
  VbContactStore *contacts = vb_context_get_contacts (context);
  gint64 outbox = vb_contact_store_outbox_size (contacts);
  g_autoptr(GError) error = NULL;

  /* The server goes away: the copy on this computer goes on working. */
  g_clear_pointer (&server, vb_fake_server_free);
  wait_for_state (VB_SYNC_STATE_OFFLINE);
  g_assert_cmpstr (vb_sync_status_get_title (status ()), ==,
                   _("Offline — working from the local copy"));

  /* Contacts are still logged, into the outbox, and the popover counts them. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(VbContact) contact = vb_contact_new ("telefoon", "agent-a");
      VbContactQuestion *q = vb_contact_add_question (contact);

      vb_contact_question_set_subject (q, "Zwembadpas");
      vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
      g_assert_true (vb_contact_store_finish (contacts, contact, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (vb_contact_store_outbox_size (contacts), ==, outbox + 3);
  /* As the window does after a saved contact: try to send at once. */
  vb_context_sync_now (context);
  g_assert_true (wait_for (outbox_counted, GINT_TO_POINTER (3)));
  wait_for_state (VB_SYNC_STATE_OFFLINE);
  /* Searching still works from the local copy. */
  vb_search_page_set_text (VB_SEARCH_PAGE (vb_window_get_search_page (window)), "zwembadpas");
  g_assert_true (wait_for (first_result_is, "vac-zwembadpas"));
  screenshots ("offline");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_PODIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Everything of this run in a temporary folder: the databases and the token file. */
  tmpdir = vb_test_tmpdir ();
  db = g_build_filename (tmpdir, "content.db", NULL);
  g_setenv ("VRAAGBAAK_CONTENT_DB", db, TRUE);
  g_setenv ("XDG_CONFIG_HOME", tmpdir, TRUE);
  g_setenv ("VRAAGBAAK_TOKEN_BACKEND", "file", TRUE);

  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  states = g_array_new (FALSE, FALSE, sizeof (VbSyncState));

  /* The real application: its startup makes the context, registers app.sync-now and Ctrl+R. */
  app = vb_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  context = vb_application_get_context (app);
  g_assert_true (wait_for (context_ready, NULL));

  window = vb_window_new (GTK_APPLICATION (app), context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (window_mapped, window));

  g_test_add_func ("/sync-ui/words", test_words);
  g_test_add_func ("/sync-ui/local-only", test_local_only);
  g_test_add_func ("/sync-ui/first-sync", test_first_sync);
  g_test_add_func ("/sync-ui/notice-latency", test_notice_latency);
  g_test_add_func ("/sync-ui/open-item-follows", test_open_item_follows);
  g_test_add_func ("/sync-ui/ctrl-r", test_ctrl_r);
  g_test_add_func ("/sync-ui/interrupted", test_interrupted);
  g_test_add_func ("/sync-ui/busy", test_busy);
  g_test_add_func ("/sync-ui/server-stats", test_server_stats);
  g_test_add_func ("/sync-ui/unauthorized", test_unauthorized);
  g_test_add_func ("/sync-ui/offline", test_offline);

  ret = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_pointer (&server, vb_fake_server_free);
  g_clear_object (&app);
  g_array_unref (states);
  vb_test_rmdir (tmpdir);
  return ret;
}
