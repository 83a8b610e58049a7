/* test-stats.c: statistics of the contact log over hand-computed fixtures
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gstdio.h>

#include "vb-contact-store.h"
#include "vb-stats.h"
#include "vb-test-util.h"

/* The period: 24 to 26 October 2026 in Europe/Amsterdam. Summer time ends on the 25th at
 * 03:00 CEST = 01:00Z, so that day has 25 hours.
 *   from = 2026-10-24T00:00+02:00 = 2026-10-23T22:00Z = 1792792800
 *   to   = 2026-10-27T00:00+01:00 = 2026-10-26T23:00Z = 1793055600 (73 hours later)
 * The previous period of the same length: [from - 73 h, from) = [1792530000, 1792792800). */
#define FROM 1792792800
#define TO 1793055600
#define PREV_FROM 1792530000

static const char *const kcc_outcomes[] = { "zelf", "informatie", NULL };

typedef struct
{
  char           *dir;
  char           *path;
  VbContactStore *store;
} Fixture;

typedef struct
{
  const char *item;       /* NULL: free text */
  const char *section;
  const char *outcome;
  const char *afdeling;
} Q;

static char *
add_contact (Fixture    *f,
             const char *kanaal,
             gint64      started,
             gint64      ended,
             const Q    *questions,
             guint       n)
{
  g_autoptr(VbContact) contact = vb_contact_new (kanaal, "agent-a");
  g_autoptr(GError) error = NULL;

  vb_contact_set_started (contact, started);
  vb_contact_set_ended (contact, ended);
  for (guint i = 0; i < n; i++)
    {
      VbContactQuestion *q = vb_contact_add_question (contact);

      if (questions[i].item != NULL)
        vb_contact_question_set_used (q, questions[i].item, questions[i].section, "Title");
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
  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);
  return g_strdup (vb_contact_get_uuid (contact));
}

/* The fixture (times UTC; local = Europe/Amsterdam):
 *   C1 telefoon 2026-10-24T08:00Z (10:00 CEST)  100 s  vac-1 zelf/burgerzaken          KCC
 *   C2 balie    2026-10-24T21:50Z (23:50 CEST) 1800 s  pdc-paspoort#kosten zelf/burgerzaken,
 *               ends 00:20 on the 25th (spans midnight)  free text doorverbonden/belastingen
 *   C3 telefoon 2026-10-25T01:30Z (02:30 CET, after the change)  300 s  vac-1 zelf  KCC
 *   C4 e-mail   2026-10-25T00:30Z (02:30 CEST, before the change) 200 s
 *               pdc-paspoort#kosten terugbelverzoek/burgerzaken, an open callback
 *   C5 telefoon 2026-10-26T12:00Z, vac-2 zelf: deleted afterwards, so not counted
 *   C6 telefoon 2026-10-22T10:00Z, vac-2 informatie: in the previous period only
 * Searches (all at 2026-10-24T12:00Z): paspoort (3 results, opened pdc-paspoort), paspoort
 * (3 results, nothing opened), hondenbelasting (0) twice, afval (5, opened vac-2). */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *c5 = NULL;
  const Q q1[] = { { "vac-1", NULL, "zelf", "burgerzaken" } };
  const Q q2[] = { { "pdc-paspoort", "kosten", "zelf", "burgerzaken" },
                   { NULL, NULL, "doorverbonden", "belastingen" } };
  const Q q3[] = { { "vac-1", NULL, "zelf", "burgerzaken" } };
  const Q q4[] = { { "pdc-paspoort", "kosten", "terugbelverzoek", "burgerzaken" } };
  const Q q5[] = { { "vac-2", NULL, "zelf", "burgerzaken" } };
  const Q q6[] = { { "vac-2", NULL, "informatie", "burgerzaken" } };

  f->dir = vb_test_tmpdir ();
  f->path = g_build_filename (f->dir, "contacts.db", NULL);
  f->store = vb_contact_store_open (f->path, &error);
  g_assert_no_error (error);

  if (data != NULL)
    return;   /* an empty log */

  g_assert_true (vb_contact_store_log_search (f->store, "paspoort", 3, "pdc-paspoort", NULL));
  g_assert_true (vb_contact_store_log_search (f->store, "paspoort", 3, NULL, NULL));
  g_assert_true (vb_contact_store_log_search (f->store, "hondenbelasting", 0, NULL, NULL));
  g_assert_true (vb_contact_store_log_search (f->store, "hondenbelasting", 0, NULL, NULL));
  g_assert_true (vb_contact_store_log_search (f->store, "afval", 5, "vac-2", NULL));
  g_assert_true (vb_contact_store_exec (f->store, "UPDATE searches SET at = 1792843200", NULL));
  /* Plain SQL passes the statistics aggregates by. */
  g_assert_true (vb_contact_store_rebuild_stats (f->store, &error));
  g_assert_no_error (error);

  g_free (add_contact (f, "telefoon", 1792828800, 1792828800 + 100, q1, 1));
  g_free (add_contact (f, "balie", 1792878600, 1792880400, q2, 2));
  g_free (add_contact (f, "telefoon", 1792891800, 1792891800 + 300, q3, 1));
  g_free (add_contact (f, "e-mail", 1792888200, 1792888200 + 200, q4, 1));
  c5 = add_contact (f, "telefoon", 1793016000, 1793016000 + 400, q5, 1);
  g_free (add_contact (f, "telefoon", 1792663200, 1792663200 + 60, q6, 1));
  g_assert_true (vb_contact_store_delete (f->store, c5, "agent-a", &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  vb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static JsonObject *
compute (Fixture *f,
         gint64   from,
         gint64   to)
{
  g_autoptr(GError) error = NULL;
  JsonObject *stats = vb_stats_compute (f->store, kcc_outcomes, from, to, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  return stats;
}

static void
assert_day (JsonArray  *days,
            guint       index,
            const char *date,
            gint64      hours,
            gint64      contacts,
            gint64      kcc)
{
  JsonObject *day = json_array_get_object_element (days, index);

  g_assert_cmpstr (json_object_get_string_member (day, "date"), ==, date);
  g_assert_cmpint (json_object_get_int_member (day, "hours"), ==, hours);
  g_assert_cmpint (json_object_get_int_member (day, "contacts"), ==, contacts);
  g_assert_cmpint (json_object_get_int_member (day, "contacts_kcc"), ==, kcc);
  if (contacts == 0)
    g_assert_true (json_object_get_null_member (day, "kcc_share"));
  else
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (day, "kcc_share"),
                                    (double) kcc / contacts, 1e-9);
}

static void
test_period (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonObject) stats = compute (f, FROM, TO);
  JsonArray *days, *hours, *channels, *answers, *afdelingen, *searches, *gaps;
  JsonObject *o, *outcomes, *prev;

  g_assert_cmpint (json_object_get_int_member (stats, "schema"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (stats, "from"), ==,
                   "2026-10-24T00:00:00+02:00");
  g_assert_cmpstr (json_object_get_string_member (stats, "to"), ==,
                   "2026-10-27T00:00:00+01:00");

  /* C1..C4: C5 is deleted, C6 in the previous period. */
  g_assert_cmpint (json_object_get_int_member (stats, "contacts"), ==, 4);
  /* Per contact: C1 and C3 have only KCC outcomes; C2 has doorverbonden, C4 terugbelverzoek:
   * 2 / 4 = 0.5. Per question: C1q1, C2q1, C3q1 of 1 + 2 + 1 + 1 = 5: 3 / 5 = 0.6. */
  g_assert_cmpint (json_object_get_int_member (stats, "contacts_kcc"), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats, "kcc_share"), 0.5, 1e-9);
  g_assert_cmpint (json_object_get_int_member (stats, "questions"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (stats, "questions_kcc"), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats, "kcc_share_questions"),
                                  0.6, 1e-9);
  /* Durations 100, 1800, 300, 200: average 2400 / 4 = 600; sorted 100 200 300 1800, an even
   * count, so the median is (200 + 300) / 2 = 250. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats, "handling_time_avg_s"),
                                  600.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats,
                                                                 "handling_time_median_s"),
                                  250.0, 1e-9);
  /* C4's callback, created when it was finished (now): open, not overdue. */
  g_assert_cmpint (json_object_get_int_member (stats, "callbacks_open"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats, "callbacks_overdue"), ==, 0);

  /* Per day: C2 counts on the 24th, the day it started; the 25th has 25 hours; the 26th has
   * only the deleted C5, so zero. */
  days = json_object_get_array_member (stats, "per_day");
  g_assert_cmpuint (json_array_get_length (days), ==, 3);
  assert_day (days, 0, "2026-10-24", 24, 2, 1);   /* C1 (KCC), C2 */
  assert_day (days, 1, "2026-10-25", 25, 2, 1);   /* C3 (KCC), C4 */
  assert_day (days, 2, "2026-10-26", 24, 0, 0);

  /* Per local hour: C1 10:00, C2 23:50, C3 02:30 CET and C4 02:30 CEST (the hour 02:00 occurs
   * twice on the 25th). */
  hours = json_object_get_array_member (stats, "per_hour");
  g_assert_cmpuint (json_array_get_length (hours), ==, 24);
  for (guint h = 0; h < 24; h++)
    g_assert_cmpint (json_array_get_int_element (hours, h), ==,
                     h == 2 ? 2 : h == 10 || h == 23 ? 1 : 0);

  /* telefoon 2 (C1, C3), then balie 1 and e-mail 1 (ties by name). */
  channels = json_object_get_array_member (stats, "per_channel");
  g_assert_cmpuint (json_array_get_length (channels), ==, 3);
  o = json_array_get_object_element (channels, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "kanaal"), ==, "telefoon");
  g_assert_cmpint (json_object_get_int_member (o, "contacts"), ==, 2);
  o = json_array_get_object_element (channels, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "kanaal"), ==, "balie");
  o = json_array_get_object_element (channels, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "kanaal"), ==, "e-mail");

  /* pdc-paspoort#kosten (C2, C4) and vac-1 (C1, C3): 2 each, ties by item. */
  answers = json_object_get_array_member (stats, "answers");
  g_assert_cmpuint (json_array_get_length (answers), ==, 2);
  o = json_array_get_object_element (answers, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "item"), ==, "pdc-paspoort");
  g_assert_cmpstr (json_object_get_string_member (o, "section"), ==, "kosten");
  g_assert_cmpint (json_object_get_int_member (o, "count"), ==, 2);
  o = json_array_get_object_element (answers, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "item"), ==, "vac-1");
  g_assert_true (json_object_get_null_member (o, "section"));
  g_assert_cmpint (json_object_get_int_member (o, "count"), ==, 2);

  /* belastingen: doorverbonden 1 (C2q2); burgerzaken: zelf 3 (C1, C2q1, C3),
   * terugbelverzoek 1 (C4). */
  afdelingen = json_object_get_array_member (stats, "outcomes_per_afdeling");
  g_assert_cmpuint (json_array_get_length (afdelingen), ==, 2);
  o = json_array_get_object_element (afdelingen, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "afdeling"), ==, "belastingen");
  outcomes = json_object_get_object_member (o, "outcomes");
  g_assert_cmpint (json_object_get_int_member (outcomes, "doorverbonden"), ==, 1);
  g_assert_cmpuint (json_object_get_size (outcomes), ==, 1);
  o = json_array_get_object_element (afdelingen, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "afdeling"), ==, "burgerzaken");
  outcomes = json_object_get_object_member (o, "outcomes");
  g_assert_cmpint (json_object_get_int_member (outcomes, "zelf"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (outcomes, "terugbelverzoek"), ==, 1);

  /* Searches: 5 in all; hondenbelasting 2 and paspoort 2 (ties by text), afval 1. */
  g_assert_cmpint (json_object_get_int_member (stats, "searches_total"), ==, 5);
  searches = json_object_get_array_member (stats, "searches");
  g_assert_cmpuint (json_array_get_length (searches), ==, 3);
  o = json_array_get_object_element (searches, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "query"), ==, "hondenbelasting");
  g_assert_cmpint (json_object_get_int_member (o, "count"), ==, 2);
  o = json_array_get_object_element (searches, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "query"), ==, "paspoort");
  g_assert_cmpint (json_object_get_int_member (o, "count"), ==, 2);
  o = json_array_get_object_element (searches, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "query"), ==, "afval");
  g_assert_cmpint (json_object_get_int_member (o, "count"), ==, 1);

  /* Content gaps: hondenbelasting twice without results (so nothing opened either); paspoort
   * once with nothing opened. afval opened an answer: no gap. */
  gaps = json_object_get_array_member (stats, "content_gaps");
  g_assert_cmpuint (json_array_get_length (gaps), ==, 2);
  o = json_array_get_object_element (gaps, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "query"), ==, "hondenbelasting");
  g_assert_cmpint (json_object_get_int_member (o, "count"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "no_results"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "nothing_opened"), ==, 2);
  o = json_array_get_object_element (gaps, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "query"), ==, "paspoort");
  g_assert_cmpint (json_object_get_int_member (o, "count"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "no_results"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (o, "nothing_opened"), ==, 1);

  /* The previous period [PREV_FROM, FROM): C6 only, informatie is a KCC outcome: 1 / 1. */
  prev = json_object_get_object_member (stats, "previous");
  g_assert_cmpstr (json_object_get_string_member (prev, "from"), ==,
                   "2026-10-20T23:00:00+02:00");
  g_assert_cmpint (json_object_get_int_member (prev, "contacts"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (prev, "kcc_share"), 1.0, 1e-9);
  g_assert_cmpint (PREV_FROM, ==, FROM - (TO - FROM));
}

static void
test_odd_median (Fixture       *f,
                 gconstpointer  data)
{
  /* From 2026-10-24T09:00Z: C2, C3, C4 with 1800, 300 and 200 s. Sorted 200 300 1800, an odd
   * count: the median is 300; the average (1800 + 300 + 200) / 3 = 766.67. */
  g_autoptr(JsonObject) stats = compute (f, 1792832400, TO);

  g_assert_cmpint (json_object_get_int_member (stats, "contacts"), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats,
                                                                 "handling_time_median_s"),
                                  300.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats, "handling_time_avg_s"),
                                  2300.0 / 3, 1e-9);
}

static void
test_long_period (Fixture       *f,
                  gconstpointer  data)
{
  /* Longer than 7 days, so read in parts on several threads (one per processor) and merged:
   * C1..C4 and C6. KCC contacts C1, C3, C6: 3 / 5 = 0.6; questions 5 + 1 = 6, KCC 3 + 1 = 4.
   * Durations 100 1800 300 200 60: sorted 60 100 200 300 1800, median 200, average
   * 2460 / 5 = 492. Hours: C6 started 10:00Z = 12:00 CEST. */
  g_autoptr(JsonObject) stats = compute (f, FROM - 20 * 86400, TO + 20 * 86400);
  JsonArray *hours = json_object_get_array_member (stats, "per_hour");

  g_assert_cmpint (json_object_get_int_member (stats, "contacts"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (stats, "contacts_kcc"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (stats, "questions"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (stats, "questions_kcc"), ==, 4);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats,
                                                                 "handling_time_median_s"),
                                  200.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats, "handling_time_avg_s"),
                                  492.0, 1e-9);
  for (guint h = 0; h < 24; h++)
    g_assert_cmpint (json_array_get_int_element (hours, h), ==,
                     h == 2 ? 2 : h == 10 || h == 12 || h == 23 ? 1 : 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "per_day")), ==,
                    43);
  g_assert_cmpint (json_object_get_int_member (stats, "callbacks_open"), ==, 1);
}

static void
test_empty_period (Fixture       *f,
                   gconstpointer  data)
{
  gint64 from, to;
  g_autoptr(JsonObject) stats = NULL;
  JsonArray *hours;

  g_assert_true (vb_contact_parse_date_range ("2026-12-01", "2026-12-01", &from, &to, NULL));
  stats = compute (f, from, to);
  g_assert_cmpint (json_object_get_int_member (stats, "contacts"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "questions"), ==, 0);
  g_assert_true (json_object_get_null_member (stats, "kcc_share"));
  g_assert_true (json_object_get_null_member (stats, "kcc_share_questions"));
  g_assert_true (json_object_get_null_member (stats, "handling_time_avg_s"));
  g_assert_true (json_object_get_null_member (stats, "handling_time_median_s"));
  g_assert_cmpint (json_object_get_int_member (stats, "callbacks_open"), ==, 0);
  assert_day (json_object_get_array_member (stats, "per_day"), 0, "2026-12-01", 24, 0, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "per_day")), ==,
                    1);
  hours = json_object_get_array_member (stats, "per_hour");
  for (guint h = 0; h < 24; h++)
    g_assert_cmpint (json_array_get_int_element (hours, h), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "answers")), ==,
                    0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "searches")),
                    ==, 0);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (stats, "previous"),
                                              "kcc_share"));
}

static void
test_overdue (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonObject) stats = NULL;

  /* Open for longer than 48 hours. */
  g_assert_true (vb_contact_store_exec (f->store, "UPDATE callbacks SET created = created - 172801",
                                        NULL));
  stats = compute (f, FROM, TO);
  g_assert_cmpint (json_object_get_int_member (stats, "callbacks_open"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats, "callbacks_overdue"), ==, 1);
}

static void
test_unused (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonObject) stats = compute (f, FROM, TO);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  JsonArray *unused;

  /* Used in the period: vac-1, pdc-paspoort (vac-2 only by the deleted C5 and by C6). */
  g_ptr_array_add (ids, (gpointer) "vac-1");
  g_ptr_array_add (ids, (gpointer) "vac-2");
  g_ptr_array_add (ids, (gpointer) "pdc-paspoort");
  g_ptr_array_add (ids, (gpointer) "vac-3");
  vb_stats_unused_items (stats, ids);
  unused = json_object_get_array_member (stats, "unused_items");
  g_assert_cmpuint (json_array_get_length (unused), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (unused, 0), ==, "vac-2");
  g_assert_cmpstr (json_array_get_string_element (unused, 1), ==, "vac-3");
}

static void
on_computed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  JsonObject **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = vb_stats_compute_finish (VB_CONTACT_STORE (source), result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  JsonObject *stats = NULL;

  vb_stats_compute_async (f->store, kcc_outcomes, FROM, TO, NULL, on_computed, &stats);
  while (stats == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (json_object_get_int_member (stats, "contacts"), ==, 4);
  json_object_unref (stats);
}

static void
test_empty_log (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonObject) stats = compute (f, FROM, TO);

  g_assert_cmpint (json_object_get_int_member (stats, "contacts"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "per_day")), ==,
                    3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)
  ADD ("/stats/period", test_period);
  ADD ("/stats/median-odd", test_odd_median);
  ADD ("/stats/empty-period", test_empty_period);
  ADD ("/stats/long-period", test_long_period);
  ADD ("/stats/callbacks-overdue", test_overdue);
  ADD ("/stats/unused-items", test_unused);
  ADD ("/stats/async", test_async);
#undef ADD
  g_test_add ("/stats/empty-log", Fixture, "empty", fixture_set_up, test_empty_log,
              fixture_tear_down);
  return g_test_run ();
}
