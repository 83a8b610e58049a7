/* test-stats-page.c: the statistics page over a fixture contact log
 *
 * Runs under Xvfb. Builds the real window over a temporary content database with the demo
 * content and a contact log with hand-made contacts (logged through VbContactStore), opens the
 * statistics with the window's action and checks what the page shows against figures worked
 * out by hand, the CSV export and a chart saved as PNG. Saves screenshots (1280x800 and
 * 640x800, in Dutch) in VRAAGBAAK_SCREENSHOT_DIR.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-chart.h"
#include "vb-format.h"
#include "vb-stats-csv.h"
#include "vb-stats-page.h"
#include "vb-sync-status.h"
#include "vb-window.h"
#include "vb-test-util.h"
#include "vb-test-ui.h"

/* The period: 24 to 26 October 2026 in Europe/Amsterdam; summer time ends on the 25th, a day
 * of 25 hours (the same calendar as tests/test-stats.c). */
#define FROM_DATE "2026-10-24"
#define TO_DATE "2026-10-26"

static char *tmpdir;
static VbContext *context;

static GtkWidget *find_descendant (GtkWidget *widget,
                                   GType      type);

typedef struct
{
  const char *item;       /* NULL: free text */
  const char *section;
  const char *outcome;
  const char *afdeling;
} Q;

static void
add_contact (const char *kanaal,
             gint64      started,
             gint64      duration,
             const Q    *questions,
             guint       n)
{
  g_autoptr(VbContact) contact = vb_contact_new (kanaal, "agent-a");
  g_autoptr(GError) error = NULL;

  vb_contact_set_started (contact, started);
  vb_contact_set_ended (contact, started + duration);
  for (guint i = 0; i < n; i++)
    {
      VbContactQuestion *q = vb_contact_add_question (contact);

      if (questions[i].item != NULL)
        vb_contact_question_set_used (q, questions[i].item, questions[i].section, "Titel");
      else
        vb_contact_question_set_subject (q, "Vraag over iets anders");
      vb_contact_question_set_outcome (q, questions[i].outcome);
      vb_contact_question_set_afdeling (q, questions[i].afdeling);
      if (g_strcmp0 (questions[i].outcome, VB_CONTACT_OUTCOME_CALLBACK) == 0)
        {
          VbCallback *cb = vb_contact_ensure_callback (contact);

          vb_callback_set_phone (cb, "0201234567");
          vb_callback_set_afdeling (cb, questions[i].afdeling);
        }
    }
  g_assert_true (vb_contact_store_finish (vb_context_get_contacts (context), contact, &error));
  g_assert_no_error (error);
}

/* The fixture (times UTC; local = Europe/Amsterdam). The demo content flags
 * zelfstandig-afgehandeld and afgehandeld-na-ruggespraak as handled by the KCC.
 *   C1 telefoon 24 Oct 08:00Z (10:00)   100 s  vac-paspoort-kosten zelfstandig/burgerzaken
 *   C2 balie    24 Oct 21:50Z (23:50)  1800 s  pdc-paspoort costs zelfstandig/burgerzaken and
 *               a free question doorverbonden-afdeling/belastingen
 *   C3 telefoon 25 Oct 01:30Z (02:30 CET)   300 s  vac-paspoort-kosten zelfstandig/burgerzaken
 *   C4 e-mail   25 Oct 00:30Z (02:30 CEST)  200 s  pdc-paspoort costs terugbelverzoek, open
 *   C6 telefoon 22 Oct 10:00Z, in the previous period: ruggespraak (KCC)/afval-en-reiniging
 * Searches, all on 24 Oct 12:00Z: paspoort (opened pdc-paspoort), paspoort (nothing opened),
 * hondenbelasting (no results) twice. */
static void
log_fixture (void)
{
  VbContactStore *contacts = vb_context_get_contacts (context);
  g_autoptr(GError) error = NULL;
  const Q q1[] = { { "vac-paspoort-kosten", NULL, "zelfstandig-afgehandeld", "burgerzaken" } };
  const Q q2[] = { { "pdc-paspoort", "kostenEnBetaalmethoden", "zelfstandig-afgehandeld",
                     "burgerzaken" },
                   { NULL, NULL, "doorverbonden-afdeling", "belastingen" } };
  const Q q4[] = { { "pdc-paspoort", "kostenEnBetaalmethoden", "terugbelverzoek",
                     "burgerzaken" } };
  const Q q6[] = { { "vac-grofvuil-kosten", NULL, "afgehandeld-na-ruggespraak",
                     "afval-en-reiniging" } };

  g_assert_true (vb_contact_store_log_search (contacts, "paspoort", 3, "pdc-paspoort", NULL));
  g_assert_true (vb_contact_store_log_search (contacts, "paspoort", 3, NULL, NULL));
  g_assert_true (vb_contact_store_log_search (contacts, "hondenbelasting", 0, NULL, NULL));
  g_assert_true (vb_contact_store_log_search (contacts, "hondenbelasting", 0, NULL, NULL));
  g_assert_true (vb_contact_store_exec (contacts, "UPDATE searches SET at = 1792843200", NULL));
  /* The statistics read aggregates kept by the store's calls, not by plain SQL. */
  g_assert_true (vb_contact_store_rebuild_stats (contacts, &error));
  g_assert_no_error (error);

  add_contact ("telefoon", 1792828800, 100, q1, 1);
  add_contact ("balie", 1792878600, 1800, q2, 2);
  add_contact ("telefoon", 1792891800, 300, q1, 1);
  add_contact ("e-mail", 1792888200, 200, q4, 1);
  add_contact ("telefoon", 1792663200, 60, q6, 1);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The page shows the fixture's period, computed. */
static gboolean
period_shown (gpointer data)
{
  JsonObject *stats = vb_stats_page_get_figures (data);

  return stats != NULL && !vb_stats_page_is_busy (data) &&
         g_strcmp0 (json_object_get_string_member (stats, "from"),
                    "2026-10-24T00:00:00+02:00") == 0;
}

static gboolean
computing (gpointer data)
{
  return vb_stats_page_is_busy (data);
}

static VbWindow *
open_statistics (int           width,
                 int           height,
                 VbStatsPage **page)
{
  VbWindow *window = vb_window_new (NULL, context);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (vb_test_wait_for_seconds (window_mapped, window, 10));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-statistics", NULL));
  *page = VB_STATS_PAGE (vb_window_get_stats_page (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (*page)));
  vb_stats_page_set_range (*page, FROM_DATE, TO_DATE);
  g_assert_true (vb_test_wait_for_seconds (period_shown, *page, 20));
  return window;
}

/* The labels in @box joined by “|”. */
static char *
cells_text (GtkWidget *box)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (GtkWidget *cell = gtk_widget_get_first_child (box); cell != NULL;
       cell = gtk_widget_get_next_sibling (cell))
    g_string_append_printf (text, "%s%s", text->len > 0 ? "|" : "",
                            gtk_label_get_label (GTK_LABEL (cell)));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A table row's cells joined by “|”. */
static char *
row_text (GtkListBoxRow *row)
{
  return cells_text (gtk_list_box_row_get_child (row));
}

static void
test_headline_and_tables (void)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (1280, 800, &page);
  GtkListBox *per_day = vb_stats_page_get_chart_table (page, "per-day");
  const char *expected_days[] = { "24-10-2026|2|1", "25-10-2026|2|1", "26-10-2026|0|0" };
  GtkListBoxRow *row;
  guint n_rows = 0;

  /* C1..C4 (C6 is the previous period's). Per contact C1 and C3 are handled by the KCC
   * alone: 2 of 4. Per question 3 of 5. Handling times 100, 1800, 300, 200: average 600 s,
   * median (200 + 300) / 2 = 250 s. C4's callback is open, not yet overdue. */
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "contacts"), ==, "4");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "kcc_share"), ==, "50,0%");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "kcc_share_questions"), ==, "60,0%");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "handling_time_avg_s"), ==, "10:00");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "handling_time_median_s"), ==, "4:10");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "callbacks_open"), ==, "1");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "callbacks_overdue"), ==, "0");
  /* Against the previous period: 1 contact, handled by the KCC (100%). */
  g_assert_true (g_str_has_prefix (vb_stats_page_get_delta_text (page, "contacts"), "+3 "));
  g_assert_true (g_str_has_prefix (vb_stats_page_get_delta_text (page, "kcc_share"), "−50,0"));
  g_assert_null (vb_stats_page_get_delta_text (page, "handling_time_avg_s"));

  /* One row per day of the period, also the day without contacts. */
  for (guint i = 0; (row = gtk_list_box_get_row_at_index (per_day, i)) != NULL; i++)
    {
      g_autofree char *text = row_text (row);

      g_assert_cmpuint (n_rows, <, G_N_ELEMENTS (expected_days));
      g_assert_cmpstr (text, ==, expected_days[n_rows]);
      n_rows++;
    }
  g_assert_cmpuint (n_rows, ==, G_N_ELEMENTS (expected_days));
  g_assert_cmpuint (vb_chart_get_n_values (VB_CHART (vb_stats_page_get_chart (page, "per-day"))),
                    ==, 3);
  g_assert_cmpuint (vb_chart_get_n_values (VB_CHART (vb_stats_page_get_chart (page, "per-hour"))),
                    ==, 24);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A table's column headings joined by “|”. */
static char *
heading_text (GtkListBox *list)
{
  return cells_text (gtk_widget_get_first_child (gtk_widget_get_parent (GTK_WIDGET (list))));
}

/* Each chart says in words what it shows, in its own sentence: a day, an hour, a channel. */
static void
test_chart_summaries (void)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (1280, 800, &page);
  g_autofree char *per_day = NULL;
  g_autofree char *per_hour = NULL;
  g_autofree char *per_channel = NULL;
  g_autofree char *percent = NULL;
  g_autofree char *share = NULL;

  /* 24 and 25 October have two contacts each: the first is the most. Two contacts between
   * 02:00 and 03:00 (one in summer time, one not), two by telephone. */
  per_day = g_strdup_printf (_("%s in total; the most on %s (%s). The numbers are in the "
                               "table below."), "4", "24-10-2026", "2");
  per_hour = g_strdup_printf (_("%s in total; the most between %s:00 and %s:00 (%s). The "
                                "numbers are in the table below."), "4", "02", "03", "2");
  per_channel = g_strdup_printf (_("%s in total; most by %s (%s). The numbers are in the table "
                                   "below."), "4", "Telefoon", "2");
  percent = vb_format_percent (0.5);
  share = g_strdup_printf (_("Highest %s on %s. The numbers are in the table below."), percent,
                           "24-10-2026");
  g_assert_cmpstr (vb_stats_page_get_chart_summary (page, "per-day"), ==, per_day);
  g_assert_cmpstr (vb_stats_page_get_chart_summary (page, "per-hour"), ==, per_hour);
  g_assert_cmpstr (vb_stats_page_get_chart_summary (page, "per-channel"), ==, per_channel);
  g_assert_cmpstr (vb_stats_page_get_chart_summary (page, "first-contact"), ==, share);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The per-day table counts the contacts handled by the KCC, the first-contact table gives
 * their share: not the same heading. */
static void
test_table_headings (void)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (1280, 800, &page);
  g_autofree char *per_day = heading_text (vb_stats_page_get_chart_table (page, "per-day"));
  g_autofree char *first = heading_text (vb_stats_page_get_chart_table (page, "first-contact"));
  g_auto(GStrv) count = g_strsplit (per_day, "|", -1);
  g_auto(GStrv) share = g_strsplit (first, "|", -1);

  g_assert_cmpuint (g_strv_length (count), ==, 3);
  g_assert_cmpuint (g_strv_length (share), ==, 3);
  g_assert_cmpstr (count[2], ==, _("Handled by the KCC"));
  g_assert_cmpstr (share[1], ==, _("Share handled by the KCC"));
  g_assert_cmpstr (count[2], !=, share[1]);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The suggested file names start with translated words, without spaces, and name the period. */
static void
test_file_names (void)
{
  const char *charts[] = { "per-day", "per-hour", "per-channel", "first-contact" };
  VbStatsPage *page;
  VbWindow *window = open_statistics (1280, 800, &page);
  g_autofree char *csv = vb_stats_page_dup_file_name (page, NULL);
  g_autofree char *expected_csv = g_strdup_printf ("%s-" FROM_DATE "-" TO_DATE ".csv",
                                                   _("statistics"));
  g_autofree char *hour = vb_stats_page_dup_file_name (page, "per-hour");
  g_autofree char *expected_hour = g_strdup_printf ("%s-" FROM_DATE "-" TO_DATE ".png",
                                                    _("contacts-per-hour"));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpstr (csv, ==, expected_csv);
  g_assert_cmpstr (hour, ==, expected_hour);
  for (guint i = 0; i < G_N_ELEMENTS (charts); i++)
    {
      char *name = vb_stats_page_dup_file_name (page, charts[i]);

      /* Not the internal name (per-day-…), no space, each its own. */
      g_assert_false (g_str_has_prefix (name, charts[i]));
      g_assert_null (strchr (name, ' '));
      g_assert_true (g_str_has_suffix (name, "-" FROM_DATE "-" TO_DATE ".png"));
      g_assert_true (g_hash_table_add (seen, name));
    }
  g_assert_null (vb_stats_page_dup_file_name (page, "no-such-chart"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_label_with (GtkWidget  *widget,
               const char *text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (is_label_with (root, text))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Figures whose list of unused answers is @n long. */
static void
set_unused (VbStatsPage *page,
            guint        n)
{
  g_autoptr(JsonObject) stats = json_object_new ();
  JsonArray *unused = json_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("vac-unused-%u", i);

      json_array_add_string_element (unused, id);
    }
  json_object_set_int_member (stats, "schema", 1);
  json_object_set_array_member (stats, "unused_items", unused);
  vb_stats_page_set_figures (page, stats, "Test");
}

/* Past 25 rows the list says how many more there are, in the CSV export: one, or several. */
static void
test_more_rows (void)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (1280, 800, &page);
  g_autofree char *one = g_strdup_printf (ngettext ("And %u more answer (in the CSV export)",
                                                    "And %u more answers (all in the CSV "
                                                    "export)", 1), 1);
  g_autofree char *two = g_strdup_printf (ngettext ("And %u more answer (in the CSV export)",
                                                    "And %u more answers (all in the CSV "
                                                    "export)", 2), 2);
  g_autofree char *one_as_two = g_strdup_printf (ngettext ("And %u more answer (in the CSV "
                                                           "export)",
                                                           "And %u more answers (all in the "
                                                           "CSV export)", 2), 1);

  /* The singular is a sentence of its own, not the plural with a 1 in it. */
  g_assert_cmpstr (one, !=, one_as_two);
  set_unused (page, 26);
  g_assert_nonnull (find_label (GTK_WIDGET (page), one));
  set_unused (page, 27);
  g_assert_nonnull (find_label (GTK_WIDGET (page), two));
  g_assert_null (find_label (GTK_WIDGET (page), one));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The access keys of the labels in @widget's window (not in popovers, which have their own),
 * as lower-case keyvals. */
static void
collect_mnemonics (GtkWidget *widget,
                   GtkNative *native,
                   GArray    *keys,
                   GString   *texts)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_widget_get_native (child) != native || !gtk_widget_get_visible (child))
        continue;
      if (GTK_IS_LABEL (child) &&
          gtk_label_get_mnemonic_keyval (GTK_LABEL (child)) != GDK_KEY_VoidSymbol)
        {
          guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (child)));

          g_array_append_val (keys, key);
          g_string_append_printf (texts, " “%s”", gtk_label_get_label (GTK_LABEL (child)));
        }
      collect_mnemonics (child, native, keys, texts);
    }
}

static void
assert_unique_mnemonics (const char *language)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (1280, 800, &page);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GString) texts = g_string_new (NULL);

  collect_mnemonics (GTK_WIDGET (page), GTK_NATIVE (window), keys, texts);
  g_test_message ("access keys (%s):%s", language, texts->str);
  /* From, To, Show (a chosen range shows its dates) and Compare. */
  g_assert_cmpuint (keys->len, >=, 4);
  for (guint i = 0; i < keys->len; i++)
    for (guint j = i + 1; j < keys->len; j++)
      if (g_array_index (keys, guint, i) == g_array_index (keys, guint, j))
        g_error ("Alt+%s is the access key of two controls (%s):%s",
                 gdk_keyval_name (g_array_index (keys, guint, i)), language, texts->str);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Switches the translations at run time (LANGUAGE, and textdomain() so that gettext does not
 * answer from its cache). */
static void
use_language (const char *language)
{
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  textdomain (GETTEXT_PACKAGE);
}

/* No access key on the page serves two controls, in Dutch and in English. */
static void
test_mnemonics (void)
{
  g_autofree char *language = g_strdup (g_getenv ("LANGUAGE"));

  assert_unique_mnemonics (language != NULL ? language : "default");
  use_language ("en");
  g_assert_cmpstr (_("Compare with the _previous period"), ==,
                   "Compare with the _previous period");
  assert_unique_mnemonics ("en");
  use_language (language);
}

/* The page takes the whole window; its header bar shows the sync state too. */
static void
test_sync_status_shown (void)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (640, 800, &page);
  GtkWidget *status = find_descendant (GTK_WIDGET (page), VB_TYPE_SYNC_STATUS);
  VbSyncStatus *sidebar = VB_SYNC_STATUS (vb_window_get_sync_status (window));

  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (sidebar)));
  g_assert_cmpstr (vb_sync_status_get_title (VB_SYNC_STATUS (status)), ==,
                   vb_sync_status_get_title (sidebar));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Anyone but a supervisor sees the figures of their own contacts (the fixture's are
 * agent-a's); a change of role or name computes again. */
static void
test_own_contacts (void)
{
  GSettings *settings = vb_context_get_settings (context);
  VbStatsPage *page;
  VbWindow *window;

  g_settings_set_string (settings, "role", "medewerker");
  g_settings_set_string (settings, "agent-name", "agent-b");
  window = open_statistics (1280, 800, &page);
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "contacts"), ==, "0");
  g_assert_true (g_str_has_prefix (vb_stats_page_get_delta_text (page, "contacts"), "±0 "));

  g_settings_set_string (settings, "agent-name", "agent-a");
  g_assert_true (vb_test_wait_for_seconds (computing, page, 10));
  g_assert_true (vb_test_wait_for_seconds (period_shown, page, 20));
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "contacts"), ==, "4");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "kcc_share"), ==, "50,0%");

  g_settings_set_string (settings, "role", "supervisor");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Figures from elsewhere (the server's GET /api/v1/stats) replace the computed ones; members
 * that are absent show as “–”. */
static void
test_set_figures (void)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (1280, 800, &page);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser,
    "{\"schema\": 1, \"from_unix\": 1792792800, \"to_unix\": 1793055600,"
    " \"contacts\": 1234, \"kcc_share\": 0.8125, \"handling_time_avg_s\": 61.4,"
    " \"per_day\": [{\"date\": \"2026-10-24\", \"contacts\": 1234}]}", -1, &error));
  g_assert_no_error (error);
  vb_stats_page_set_figures (page, json_node_get_object (json_parser_get_root (parser)),
                             "Alle medewerkers (server)");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "contacts"), ==, "1.234");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "kcc_share"), ==, "81,3%");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "handling_time_avg_s"), ==, "1:01");
  g_assert_cmpstr (vb_stats_page_get_figure_text (page, "callbacks_open"), ==, "–");
  g_assert_null (vb_stats_page_get_delta_text (page, "contacts"));
  g_assert_cmpuint (vb_chart_get_n_values (VB_CHART (vb_stats_page_get_chart (page, "per-day"))),
                    ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Worked out by hand from the fixture; the unused answers are checked apart (168 of them). */
static const char expected_csv[] =
  "section,key,detail,name,value\r\n"
  "period,time_zone,,,Europe/Amsterdam\r\n"
  "period,from,,,2026-10-24T00:00:00+02:00\r\n"
  "period,to,,,2026-10-27T00:00:00+01:00\r\n"
  "headline,contacts,,,4\r\n"
  "headline,contacts_kcc,,,2\r\n"
  "headline,kcc_share,,,0.5000\r\n"
  "headline,questions,,,5\r\n"
  "headline,questions_kcc,,,3\r\n"
  "headline,kcc_share_questions,,,0.6000\r\n"
  "headline,handling_time_avg_s,,,600.0\r\n"
  "headline,handling_time_median_s,,,250.0\r\n"
  "headline,callbacks_open,,,1\r\n"
  "headline,callbacks_overdue,,,0\r\n"
  "headline,searches_total,,,4\r\n"
  "previous,from,,,2026-10-20T23:00:00+02:00\r\n"
  "previous,to,,,2026-10-24T00:00:00+02:00\r\n"
  "previous,contacts,,,1\r\n"
  "previous,contacts_kcc,,,1\r\n"
  "previous,kcc_share,,,1.0000\r\n"
  "previous,questions,,,1\r\n"
  "previous,kcc_share_questions,,,1.0000\r\n"
  "per_day,2026-10-24,hours,,24\r\n"
  "per_day,2026-10-24,contacts,,2\r\n"
  "per_day,2026-10-24,contacts_kcc,,1\r\n"
  "per_day,2026-10-24,kcc_share,,0.5000\r\n"
  "per_day,2026-10-25,hours,,25\r\n"
  "per_day,2026-10-25,contacts,,2\r\n"
  "per_day,2026-10-25,contacts_kcc,,1\r\n"
  "per_day,2026-10-25,kcc_share,,0.5000\r\n"
  "per_day,2026-10-26,hours,,24\r\n"
  "per_day,2026-10-26,contacts,,0\r\n"
  "per_day,2026-10-26,contacts_kcc,,0\r\n"
  "per_day,2026-10-26,kcc_share,,\r\n"
  "per_hour,00,contacts,,0\r\n"
  "per_hour,01,contacts,,0\r\n"
  "per_hour,02,contacts,,2\r\n"
  "per_hour,03,contacts,,0\r\n"
  "per_hour,04,contacts,,0\r\n"
  "per_hour,05,contacts,,0\r\n"
  "per_hour,06,contacts,,0\r\n"
  "per_hour,07,contacts,,0\r\n"
  "per_hour,08,contacts,,0\r\n"
  "per_hour,09,contacts,,0\r\n"
  "per_hour,10,contacts,,1\r\n"
  "per_hour,11,contacts,,0\r\n"
  "per_hour,12,contacts,,0\r\n"
  "per_hour,13,contacts,,0\r\n"
  "per_hour,14,contacts,,0\r\n"
  "per_hour,15,contacts,,0\r\n"
  "per_hour,16,contacts,,0\r\n"
  "per_hour,17,contacts,,0\r\n"
  "per_hour,18,contacts,,0\r\n"
  "per_hour,19,contacts,,0\r\n"
  "per_hour,20,contacts,,0\r\n"
  "per_hour,21,contacts,,0\r\n"
  "per_hour,22,contacts,,0\r\n"
  "per_hour,23,contacts,,1\r\n"
  "per_channel,telefoon,contacts,Telefoon,2\r\n"
  "per_channel,balie,contacts,Balie,1\r\n"
  "per_channel,e-mail,contacts,E-mail,1\r\n"
  "answers,pdc-paspoort,kostenEnBetaalmethoden,Paspoort,2\r\n"
  "answers,vac-paspoort-kosten,,Wat kost een paspoort?,2\r\n"
  "searches,hondenbelasting,count,,2\r\n"
  "searches,paspoort,count,,2\r\n"
  "content_gaps,hondenbelasting,count,,2\r\n"
  "content_gaps,hondenbelasting,no_results,,2\r\n"
  "content_gaps,hondenbelasting,nothing_opened,,2\r\n"
  "content_gaps,paspoort,count,,1\r\n"
  "content_gaps,paspoort,no_results,,0\r\n"
  "content_gaps,paspoort,nothing_opened,,1\r\n"
  "outcomes_per_afdeling,belastingen,doorverbonden-afdeling,Belastingen,1\r\n"
  "outcomes_per_afdeling,burgerzaken,zelfstandig-afgehandeld,Burgerzaken,3\r\n"
  "outcomes_per_afdeling,burgerzaken,terugbelverzoek,Burgerzaken,1\r\n";

static void
on_message (VbStatsPage *page,
            const char  *text,
            char       **slot)
{
  g_free (*slot);
  *slot = g_strdup (text);
}

static gboolean
has_message (gpointer data)
{
  return *(char **) data != NULL;
}

/* Saves what the export menu (@chart NULL) or a chart's button saves, as after the file
 * chooser; returns the message the window would show as a toast. */
static char *
save_to (VbStatsPage *page,
         const char  *path,
         const char  *chart)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  char *text = NULL;
  gulong id = g_signal_connect (page, "message", G_CALLBACK (on_message), &text);

  vb_stats_page_save (page, file, chart);
  g_assert_true (vb_test_wait_for_seconds (has_message, &text, 10));
  g_signal_handler_disconnect (page, id);
  return text;
}

static void
test_csv_export (void)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (1280, 800, &page);
  g_autofree char *csv = vb_stats_page_dup_csv (page);
  g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);
  g_autoptr(GString) rest = g_string_new (NULL);
  g_autofree char *path = g_build_filename (tmpdir, "statistieken.csv", NULL);
  g_autofree char *written = NULL;
  guint unused = 0;

  g_assert_true (g_str_has_suffix (csv, "\r\n"));

  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      if (!g_str_has_prefix (lines[i], "unused_items,"))
        {
          g_string_append_printf (rest, "%s\r\n", lines[i]);
          continue;
        }
      /* An answer nobody used, with its title and no value. */
      g_assert_false (g_str_has_prefix (lines[i], "unused_items,vac-paspoort-kosten,"));
      g_assert_false (g_str_has_prefix (lines[i], "unused_items,pdc-paspoort,"));
      unused++;
    }
  g_assert_cmpstr (rest->str, ==, expected_csv);
  /* 170 active VACs and products in the demo content, two of them used. */
  g_assert_cmpuint (unused, ==, 168);
  g_assert_nonnull (strstr (csv, "\r\nunused_items,vac-grofvuil-kosten,,"
                                 "Wat kost het ophalen van grofvuil?,\r\n"));

  /* The file written is that text, and the window is told. */
  g_free (save_to (page, path, NULL));
  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, csv);
  /* A folder that is not there: the window is told something else. */
  {
    g_autofree char *nowhere = g_build_filename (tmpdir, "absent", "x.csv", NULL);
    g_autofree char *failed = save_to (page, nowhere, NULL);
    g_autofree char *done = save_to (page, path, NULL);

    g_assert_cmpstr (failed, !=, done);
    g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_csv_quoting (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;

  g_assert_true (json_parser_load_from_data (parser,
    "{\"searches\": [{\"query\": \"kosten, \\\"spoed\\\"\\nrijbewijs\", \"count\": 1}]}", -1,
    &error));
  g_assert_no_error (error);
  csv = vb_stats_csv_new (json_node_get_object (json_parser_get_root (parser)), NULL);
  /* Absent members are empty fields; a field with a comma, a quote or a line break is
   * quoted, its quotes doubled (RFC 4180). */
  g_assert_nonnull (strstr (csv, "\r\nsearches,\"kosten, \"\"spoed\"\"\nrijbewijs\",count,,1\r\n"));
  g_assert_nonnull (strstr (csv, "\r\nheadline,contacts,,,\r\n"));
}

static void
test_png_export (void)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (1280, 800, &page);
  GtkWidget *chart = vb_stats_page_get_chart (page, "per-hour");
  g_autofree char *path = g_build_filename (tmpdir, "per-hour.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *data = NULL;
  gsize length;

  vb_test_wait_frames (GTK_WIDGET (window));
  g_free (save_to (page, path, "per-hour"));
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_cmpuint (length, >, 8);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (chart));
  g_assert_cmpint (gdk_texture_get_height (texture), ==, gtk_widget_get_height (chart));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The first descendant of @widget of @type, depth first. */
static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child
                                                                 : find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Opens every chart's “Table” toggle (drop-downs and menu buttons have toggle buttons
 * inside); returns how many. */
static guint
open_table_toggles (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_DROP_DOWN (child) || GTK_IS_MENU_BUTTON (child))
        continue;
      if (GTK_IS_TOGGLE_BUTTON (child))
        {
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), TRUE);
          n++;
        }
      else
        n += open_table_toggles (child);
    }
  return n;
}

static void
screenshots_at (int width)
{
  VbStatsPage *page;
  VbWindow *window = open_statistics (width, 800, &page);
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  g_autofree char *name = g_strdup_printf ("screenshot-statistics-%dx800.png", width);
  GtkWidget *clamp = find_descendant (GTK_WIDGET (page), ADW_TYPE_CLAMP);
  GtkWidget *scroller = gtk_widget_get_ancestor (clamp, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  /* With the charts' tables open, to see their columns. */
  g_assert_cmpuint (open_table_toggles (GTK_WIDGET (page)), ==, 4);
  vb_test_save_widget_png (content, name);
  /* The rest of the page, a screen at a time, to see every chart and table. */
  g_assert_nonnull (scroller);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  for (guint part = 1; part < 16; part++)
    {
      double page_size = gtk_adjustment_get_page_size (adjustment);
      double bottom = gtk_adjustment_get_upper (adjustment) - page_size;
      double value = MIN (part * page_size * 0.9, bottom);
      g_autofree char *more = NULL;

      /* The last screen ends at the bottom of the page. */
      if (value <= gtk_adjustment_get_value (adjustment) + 1)
        break;
      gtk_adjustment_set_value (adjustment, value);
      more = g_strdup_printf ("screenshot-statistics-%dx800-%u.png", width, part);
      vb_test_save_widget_png (content, more);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The charts take their colours from the style: the dark one too. */
static void
dark_screenshot (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  VbStatsPage *page;
  VbWindow *window;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  window = open_statistics (1280, 800, &page);
  vb_test_save_window_png (GTK_WIDGET (window), "screenshot-statistics-1280x800-dark.png");
  gtk_window_destroy (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_screenshots (void)
{
  screenshots_at (1280);
  screenshots_at (640);
  dark_screenshot ();
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *content = NULL;
  g_autofree char *contacts = NULL;
  g_autoptr(GSettings) settings = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  vb_test_ui_init ();

  tmpdir = vb_test_tmpdir ();
  content = g_build_filename (tmpdir, "content.db", NULL);
  contacts = g_build_filename (tmpdir, "contacts.db", NULL);
  settings = g_settings_new ("nl.vraagbaak.Vraagbaak");
  g_settings_set_string (settings, "role", "supervisor");
  context = vb_context_new_full (content, contacts, settings);
  vb_test_open_context (context);
  log_fixture ();

  g_test_add_func ("/stats-page/headline-and-tables", test_headline_and_tables);
  g_test_add_func ("/stats-page/chart-summaries", test_chart_summaries);
  g_test_add_func ("/stats-page/table-headings", test_table_headings);
  g_test_add_func ("/stats-page/file-names", test_file_names);
  g_test_add_func ("/stats-page/more-rows", test_more_rows);
  g_test_add_func ("/stats-page/mnemonics", test_mnemonics);
  g_test_add_func ("/stats-page/sync-status", test_sync_status_shown);
  g_test_add_func ("/stats-page/own-contacts", test_own_contacts);
  g_test_add_func ("/stats-page/set-figures", test_set_figures);
  g_test_add_func ("/stats-page/csv-export", test_csv_export);
  g_test_add_func ("/stats-page/csv-quoting", test_csv_quoting);
  g_test_add_func ("/stats-page/png-export", test_png_export);
  g_test_add_func ("/stats-page/screenshots", test_screenshots);

  ret = g_test_run ();
  g_clear_object (&context);
  vb_test_rmdir (tmpdir);
  return ret;
}
