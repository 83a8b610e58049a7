/* test-contacts.c: the contact log, its durability, privacy, callbacks and exports
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "vb-contact-store.h"
#include "vb-test-util.h"

#define DAY (24 * 60 * 60)

typedef struct
{
  char           *dir;
  char           *path;
  VbContactStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = vb_test_tmpdir ();
  f->path = g_build_filename (f->dir, "contacts.db", NULL);
  f->store = vb_contact_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  vb_test_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* A contact with @n questions, each answered by a VAC with @outcome. */
static VbContact *
make_contact (const char *channel,
              guint       n,
              const char *outcome)
{
  VbContact *contact = vb_contact_new (channel, "agent-a");

  for (guint i = 0; i < n; i++)
    {
      VbContactQuestion *q = vb_contact_add_question (contact);
      g_autofree char *id = g_strdup_printf ("vac-%u", i + 1);
      g_autofree char *title = g_strdup_printf ("Vraag %u", i + 1);

      vb_contact_question_set_used (q, id, NULL, title);
      vb_contact_question_set_outcome (q, outcome);
      vb_contact_question_set_afdeling (q, "burgerzaken");
    }
  return contact;
}

/* A finished contact that started at @started (Unix time) and took @duration seconds. */
static VbContact *
finish_at (VbContactStore *store,
           gint64          started,
           gint64          duration,
           const char     *subject)
{
  g_autoptr(GError) error = NULL;
  VbContact *contact = vb_contact_new ("telefoon", "agent-a");
  VbContactQuestion *q = vb_contact_add_question (contact);

  vb_contact_set_started (contact, started);
  vb_contact_set_ended (contact, started + duration);
  vb_contact_question_set_subject (q, subject);
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  g_assert_true (vb_contact_store_finish (store, contact, &error));
  g_assert_no_error (error);
  return contact;
}

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static char *
export_to_string (VbContactStore *store,
                  gint64          from,
                  gint64          to,
                  gboolean        json)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (vb_contact_store_export (store, from, to, json, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

/* ---- schema ---- */

static void
test_schema_empty_migrates (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sub", "contacts.db", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContactStore) store = NULL;
  g_autofree char *mode = NULL;
  struct stat st;
  sqlite3 *db;

  /* A new file, in a folder that does not exist yet. */
  store = vb_contact_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_store_get_schema_version (store), ==, VB_CONTACT_STORE_SCHEMA_VERSION);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_object (&store);

  /* An existing version-0 database (empty) is migrated to the newest version. */
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  db = open_raw (empty);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 0);
  sqlite3_close (db);
  store = vb_contact_store_open (empty, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_store_get_schema_version (store), ==, VB_CONTACT_STORE_SCHEMA_VERSION);
  g_clear_object (&store);

  db = open_raw (empty);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, VB_CONTACT_STORE_SCHEMA_VERSION);
  mode = query_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                                  " ('contacts', 'questions', 'consulted', 'callbacks', 'drafts',"
                                  " 'outbox', 'audit', 'searches', 'meta', 'stats_counts')"), ==, 10);
  /* No BSN anywhere. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%bsn%'"),
                   ==, 0);
  sqlite3_close (db);

  /* Opening again changes nothing. */
  store = vb_contact_store_open (empty, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_store_get_schema_version (store), ==, VB_CONTACT_STORE_SCHEMA_VERSION);
  g_clear_object (&store);
  vb_test_rmdir (dir);
}

static void
test_schema_newer_refused (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "contacts.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContactStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = vb_contact_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "99"));

  db = open_raw (path);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 99);
  sqlite3_close (db);
  vb_test_rmdir (dir);
}

/* ---- lifecycle ---- */

static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = vb_contact_new ("telefoon", "agent-a");
  g_autoptr(VbContact) got = NULL;
  g_autoptr(VbContact) tomb = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GPtrArray) today = NULL;
  VbContactQuestion *q;
  g_autofree char *uuid = NULL;
  g_auto(GStrv) consulted = NULL;
  sqlite3 *db;

  g_assert_true (g_uuid_string_is_valid (vb_contact_get_uuid (contact)));
  g_assert_cmpint (vb_contact_get_status (contact), ==, VB_CONTACT_OPEN);
  g_assert_cmpint (vb_contact_get_revision (contact), ==, 0);
  g_assert_cmpint (vb_contact_get_ended (contact), ==, 0);
  uuid = g_strdup (vb_contact_get_uuid (contact));
  vb_contact_set_started (contact, vb_contact_get_started (contact) - 95);

  /* Draft: incomplete is fine. */
  vb_contact_set_caller_phone (contact, "06-12345678");
  q = vb_contact_add_question (contact);
  g_assert_null (q->outcome);
  vb_contact_add_consulted (contact, "vac-1");
  vb_contact_add_consulted (contact, "vac-2");
  vb_contact_add_consulted (contact, "vac-1");
  g_assert_true (vb_contact_store_save_draft (f->store, contact, &error));
  g_assert_no_error (error);
  drafts = vb_contact_store_list_drafts (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_cmpstr (vb_contact_get_uuid (g_ptr_array_index (drafts, 0)), ==, uuid);
  g_assert_cmpstr (vb_contact_get_caller_phone (g_ptr_array_index (drafts, 0)), ==, "06-12345678");
  g_assert_cmpint (vb_contact_store_outbox_size (f->store), ==, 0);

  /* Finishing without an outcome names what is missing. */
  vb_contact_question_set_used (q, "vac-1", NULL, "Wanneer wordt het afval opgehaald?");
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Question 1"));
  g_assert_nonnull (strstr (error->message, "outcome"));
  g_clear_error (&error);
  g_assert_cmpint (vb_contact_get_status (contact), ==, VB_CONTACT_OPEN);

  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_get_status (contact), ==, VB_CONTACT_FINISHED);
  g_assert_cmpint (vb_contact_get_revision (contact), ==, 1);
  g_assert_cmpint (vb_contact_get_duration (contact), >=, 95);
  g_assert_cmpint (vb_contact_store_outbox_size (f->store), ==, 1);
  /* The draft went in the same transaction. */
  g_clear_pointer (&drafts, g_ptr_array_unref);
  drafts = vb_contact_store_list_drafts (f->store, &error);
  g_assert_cmpuint (drafts->len, ==, 0);
  /* Finishing twice is refused. */
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_clear_error (&error);

  /* Get: the stored contact is the one in memory. */
  got = vb_contact_store_get (f->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_get_status (got), ==, VB_CONTACT_FINISHED);
  g_assert_cmpint (vb_contact_get_revision (got), ==, 1);
  g_assert_cmpstr (vb_contact_get_channel (got), ==, "telefoon");
  g_assert_cmpstr (vb_contact_get_agent (got), ==, "agent-a");
  g_assert_cmpint (vb_contact_get_started (got), ==, vb_contact_get_started (contact));
  g_assert_cmpint (vb_contact_get_ended (got), ==, vb_contact_get_ended (contact));
  g_assert_cmpstr (vb_contact_get_caller_phone (got), ==, "06-12345678");
  g_assert_null (vb_contact_get_caller_name (got));
  g_assert_cmpuint (vb_contact_get_n_questions (got), ==, 1);
  g_assert_cmpstr (vb_contact_get_question (got, 0)->item_id, ==, "vac-1");
  g_assert_cmpstr (vb_contact_get_question (got, 0)->outcome, ==, "zelfstandig-afgehandeld");
  consulted = vb_contact_dup_consulted (got);
  g_assert_cmpuint (g_strv_length (consulted), ==, 2);
  g_assert_cmpstr (consulted[0], ==, "vac-1");
  g_assert_cmpstr (consulted[1], ==, "vac-2");
  today = vb_contact_store_list_finished (f->store, vb_contact_get_started (contact),
                                          vb_contact_get_started (contact) + 1, &error);
  g_assert_cmpuint (today->len, ==, 1);

  /* Correct: reopened, changed, stored under a higher revision, queued and audited. */
  vb_contact_question_set_outcome (vb_contact_get_question (got, 0), "afgehandeld-na-ruggespraak");
  vb_contact_set_notes (got, "Beller belt later terug");
  vb_contact_set_agent (got, "agent-b");
  g_assert_true (vb_contact_store_save_draft (f->store, got, &error));
  g_assert_true (vb_contact_store_correct (f->store, got, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_get_revision (got), ==, 2);
  g_assert_cmpint (vb_contact_store_outbox_size (f->store), ==, 2);
  g_clear_object (&got);
  got = vb_contact_store_get (f->store, uuid, &error);
  g_assert_cmpint (vb_contact_get_revision (got), ==, 2);
  g_assert_cmpstr (vb_contact_get_question (got, 0)->outcome, ==, "afgehandeld-na-ruggespraak");
  g_assert_cmpstr (vb_contact_get_notes (got), ==, "Beller belt later terug");
  g_clear_pointer (&drafts, g_ptr_array_unref);
  drafts = vb_contact_store_list_drafts (f->store, &error);
  g_assert_cmpuint (drafts->len, ==, 0);

  db = open_raw (f->path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox WHERE revision = 2 AND kind = 'put'"),
                   ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM audit WHERE action = 'correct'"
                                  " AND agent = 'agent-b' AND revision = 2"), ==, 1);
  sqlite3_close (db);

  /* Delete: a tombstone, recorded with who and when, queued as a deletion. */
  g_assert_true (vb_contact_store_delete (f->store, uuid, "agent-c", &error));
  g_assert_no_error (error);
  tomb = vb_contact_store_get (f->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_get_status (tomb), ==, VB_CONTACT_DELETED);
  g_assert_cmpint (vb_contact_get_revision (tomb), ==, 3);
  g_assert_null (vb_contact_get_caller_phone (tomb));
  g_assert_null (vb_contact_get_notes (tomb));
  g_assert_cmpuint (vb_contact_get_n_questions (tomb), ==, 0);
  g_assert_cmpstr (vb_contact_get_channel (tomb), ==, "telefoon");
  g_assert_cmpint (vb_contact_store_outbox_size (f->store), ==, 3);
  db = open_raw (f->path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox WHERE revision = 3"
                                  " AND kind = 'delete'"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM audit WHERE action = 'delete'"
                                  " AND agent = 'agent-c' AND at > 0"), ==, 1);
  sqlite3_close (db);
  g_clear_pointer (&today, g_ptr_array_unref);
  today = vb_contact_store_list_finished (f->store, 0, G_MAXINT64, &error);
  g_assert_cmpuint (today->len, ==, 0);

  /* A deleted contact cannot be corrected; deleting again changes nothing. */
  g_assert_false (vb_contact_store_correct (f->store, got, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (vb_contact_store_delete (f->store, uuid, "agent-c", &error));
  g_assert_cmpint (vb_contact_store_outbox_size (f->store), ==, 3);
  g_assert_false (vb_contact_store_delete (f->store, "00000000-0000-4000-8000-000000000000",
                                           "agent-c", &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_NOT_FOUND);
}

static void
test_multiple_questions (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = vb_contact_new ("balie", "agent-a");
  g_autoptr(VbContact) got = NULL;
  VbContactQuestion *q;

  q = vb_contact_add_question (contact);
  vb_contact_question_set_used (q, "vac-afval", NULL, "Wanneer wordt het afval opgehaald?");
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  q = vb_contact_add_question (contact);
  vb_contact_question_set_subject (q, "Vraag over een boom in de straat");
  vb_contact_question_set_outcome (q, "melding-aangemaakt");
  vb_contact_question_set_afdeling (q, "openbare-ruimte");
  q = vb_contact_add_question (contact);
  vb_contact_question_set_subject (q, "wordt verwijderd");
  vb_contact_remove_question (contact, 2);
  q = vb_contact_add_question (contact);
  vb_contact_question_set_used (q, "vac-parkeren", NULL, "Hoe vraag ik een parkeervergunning aan?");

  /* The third question has no outcome: it is named. */
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Question 3"));
  g_clear_error (&error);
  vb_contact_question_set_outcome (q, "doorverbonden-afdeling");

  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);
  got = vb_contact_store_get (f->store, vb_contact_get_uuid (contact), &error);
  g_assert_cmpuint (vb_contact_get_n_questions (got), ==, 3);
  g_assert_cmpstr (vb_contact_get_question (got, 0)->item_id, ==, "vac-afval");
  g_assert_null (vb_contact_get_question (got, 1)->item_id);
  g_assert_cmpstr (vb_contact_get_question (got, 1)->subject_text, ==,
                   "Vraag over een boom in de straat");
  g_assert_cmpstr (vb_contact_get_question (got, 1)->afdeling, ==, "openbare-ruimte");
  g_assert_cmpstr (vb_contact_get_question (got, 2)->outcome, ==, "doorverbonden-afdeling");

  /* A correction that removes a question leaves no orphan row. */
  vb_contact_remove_question (got, 1);
  g_assert_true (vb_contact_store_correct (f->store, got, &error));
  g_clear_object (&got);
  got = vb_contact_store_get (f->store, vb_contact_get_uuid (contact), &error);
  g_assert_cmpuint (vb_contact_get_n_questions (got), ==, 2);
  g_assert_cmpstr (vb_contact_get_question (got, 1)->item_id, ==, "vac-parkeren");
}

static void
test_product_section (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = vb_contact_new ("telefoon", "agent-a");
  g_autoptr(VbContact) got = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  VbContactQuestion *q = vb_contact_add_question (contact);

  vb_contact_question_set_used (q, "pdc-paspoort", "kostenEnBetaalmethoden", "Paspoort - Kosten");
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  vb_contact_add_consulted (contact, "pdc-paspoort");
  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);

  got = vb_contact_store_get (f->store, vb_contact_get_uuid (contact), &error);
  q = vb_contact_get_question (got, 0);
  g_assert_cmpstr (q->item_id, ==, "pdc-paspoort");
  g_assert_cmpstr (q->section, ==, "kostenEnBetaalmethoden");
  g_assert_cmpstr (q->subject_text, ==, "Paspoort - Kosten");

  json = vb_contact_to_json (got);
  text = json_to_string (json, FALSE);
  g_assert_nonnull (strstr (text, "\"onderwerpobject\":{\"item\":\"pdc-paspoort\","
                                  "\"sectie\":\"kostenEnBetaalmethoden\"}"));
  g_assert_nonnull (strstr (text, "\"onderwerp\":\"Paspoort - Kosten\""));

  /* Choosing free text afterwards forgets the item and its section. */
  vb_contact_question_set_subject (q, "Iets anders");
  g_assert_null (q->item_id);
  g_assert_null (q->section);
}

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = vb_contact_new ("telefoon", "agent-a");
  g_autofree char *subject181 = g_strnfill (181, 'a');
  g_autofree char *subject180 = NULL;
  g_autofree char *notes1001 = g_strnfill (1001, 'n');
  g_autofree char *long_title = g_strnfill (250, 't');
  GString *accented = g_string_new (NULL);
  const char *codes[] = { "zelfstandig-afgehandeld", "terugbelverzoek", NULL };
  VbContactQuestion *q;

  /* No question at all. */
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_clear_error (&error);

  /* No subject. */
  q = vb_contact_add_question (contact);
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  g_assert_false (vb_contact_validate (contact, &error));
  g_assert_nonnull (strstr (error->message, "subject"));
  g_clear_error (&error);

  /* Free text: 180 characters (not bytes) at most. */
  for (int i = 0; i < 180; i++)
    g_string_append (accented, "é");
  subject180 = g_string_free (accented, FALSE);
  vb_contact_question_set_subject (q, subject180);
  g_assert_true (vb_contact_validate (contact, &error));
  g_assert_no_error (error);
  vb_contact_question_set_subject (q, subject181);
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "180"));
  g_clear_error (&error);

  /* A used item's title is cut to the onderwerp limit, not refused. */
  vb_contact_question_set_used (q, "vac-1", NULL, long_title);
  g_assert_cmpint (g_utf8_strlen (q->subject_text, -1), ==, VB_CONTACT_TITLE_MAX);
  g_assert_true (vb_contact_validate (contact, &error));

  /* Notes: 1000 characters at most; the message never quotes them. */
  vb_contact_set_notes (contact, notes1001);
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "1000"));
  g_assert_null (strstr (error->message, "nnnn"));
  g_clear_error (&error);
  notes1001[1000] = '\0';
  vb_contact_set_notes (contact, notes1001);

  /* Known outcomes, when the store was given the list. */
  vb_contact_store_set_outcomes (f->store, codes);
  vb_contact_question_set_outcome (q, "bestaat-niet");
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "unknown outcome"));
  g_clear_error (&error);
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");

  /* No channel. */
  vb_contact_set_channel (contact, NULL);
  g_assert_false (vb_contact_validate (contact, &error));
  g_assert_nonnull (strstr (error->message, "kanaal"));
  g_clear_error (&error);
  vb_contact_set_channel (contact, "e-mail");

  /* Nothing was written by the failed attempts, and the contact is unchanged. */
  g_assert_cmpint (vb_contact_store_outbox_size (f->store), ==, 0);
  g_assert_cmpint (vb_contact_get_status (contact), ==, VB_CONTACT_OPEN);
  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);
}

static void
test_parallel_drafts (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) on_hold = vb_contact_new ("telefoon", "agent-a");
  g_autoptr(VbContact) desk = vb_contact_new ("balie", "agent-a");
  g_autoptr(VbContact) mail = vb_contact_new ("e-mail", "agent-a");
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(VbContact) restored = NULL;
  VbContactQuestion *q;

  vb_contact_set_started (on_hold, 1000);
  vb_contact_set_started (desk, 2000);
  vb_contact_set_started (mail, 3000);
  vb_contact_set_caller_name (on_hold, "Beller in de wacht");
  q = vb_contact_add_question (desk);
  vb_contact_question_set_used (q, "pdc-paspoort", "kostenEnBetaalmethoden", "Paspoort - Kosten");
  g_assert_true (vb_contact_store_save_draft (f->store, mail, &error));
  g_assert_true (vb_contact_store_save_draft (f->store, on_hold, &error));
  g_assert_true (vb_contact_store_save_draft (f->store, desk, &error));
  /* Saving again replaces, never duplicates. */
  vb_contact_set_notes (on_hold, "wacht op collega");
  g_assert_true (vb_contact_store_save_draft (f->store, on_hold, &error));
  g_assert_no_error (error);

  drafts = vb_contact_store_list_drafts (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 3);
  g_assert_cmpstr (vb_contact_get_uuid (g_ptr_array_index (drafts, 0)), ==,
                   vb_contact_get_uuid (on_hold));
  g_assert_cmpstr (vb_contact_get_notes (g_ptr_array_index (drafts, 0)), ==, "wacht op collega");
  g_assert_cmpstr (vb_contact_get_uuid (g_ptr_array_index (drafts, 1)), ==,
                   vb_contact_get_uuid (desk));
  g_assert_cmpstr (vb_contact_get_question (g_ptr_array_index (drafts, 1), 0)->section, ==,
                   "kostenEnBetaalmethoden");
  g_assert_null (vb_contact_get_question (g_ptr_array_index (drafts, 1), 0)->outcome);
  g_assert_cmpint (vb_contact_get_status (g_ptr_array_index (drafts, 2)), ==, VB_CONTACT_OPEN);

  /* Finishing one leaves the others open; get finds a draft too. */
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  g_assert_true (vb_contact_store_finish (f->store, desk, &error));
  g_clear_pointer (&drafts, g_ptr_array_unref);
  drafts = vb_contact_store_list_drafts (f->store, &error);
  g_assert_cmpuint (drafts->len, ==, 2);
  restored = vb_contact_store_get (f->store, vb_contact_get_uuid (mail), &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_get_status (restored), ==, VB_CONTACT_OPEN);

  /* A save queued before the finish (an open copy) arriving after it brings no draft back. */
  {
    g_autoptr(VbContact) late = vb_contact_copy (on_hold);
    g_autoptr(GPtrArray) after = NULL;

    q = vb_contact_add_question (on_hold);
    vb_contact_question_set_subject (q, "In de wacht gezet");
    vb_contact_question_set_outcome (q, "klant-belt-terug");
    g_assert_true (vb_contact_store_finish (f->store, on_hold, &error));
    g_assert_true (vb_contact_store_save_draft (f->store, late, &error));
    g_assert_no_error (error);
    after = vb_contact_store_list_drafts (f->store, &error);
    g_assert_cmpuint (after->len, ==, 1);
    g_assert_cmpstr (vb_contact_get_uuid (g_ptr_array_index (after, 0)), ==,
                     vb_contact_get_uuid (mail));
  }

  /* Discarding a draft. */
  g_assert_true (vb_contact_store_discard_draft (f->store, vb_contact_get_uuid (mail), &error));
  g_clear_pointer (&drafts, g_ptr_array_unref);
  drafts = vb_contact_store_list_drafts (f->store, &error);
  g_assert_cmpuint (drafts->len, ==, 0);
  g_clear_object (&restored);
  restored = vb_contact_store_get (f->store, vb_contact_get_uuid (mail), &error);
  g_assert_null (restored);
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_NOT_FOUND);
}

static void
test_callbacks (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = make_contact ("telefoon", 1, VB_CONTACT_OUTCOME_CALLBACK);
  g_autoptr(VbContact) other = make_contact ("telefoon", 1, VB_CONTACT_OUTCOME_CALLBACK);
  g_autoptr(VbContact) got = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GPtrArray) all = NULL;
  VbCallback *cb, *listed;
  g_autofree char *cb_uuid = NULL;
  int revision;

  /* Terugbelverzoek requires a callback with a phone number. */
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "phone"));
  g_clear_error (&error);
  cb = vb_contact_ensure_callback (contact);
  g_assert_true (cb == vb_contact_ensure_callback (contact));
  g_assert_cmpstr (cb->status, ==, "open");
  vb_callback_set_name (cb, "J. de Vries");
  vb_callback_set_preferred_time (cb, "morgen na 14.00");
  vb_callback_set_afdeling (cb, "belastingen");
  vb_callback_set_note (cb, "Vraag over de WOZ-waarde");
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_clear_error (&error);
  vb_callback_set_phone (cb, "010-1234567");
  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);
  cb_uuid = g_strdup (cb->uuid);
  g_assert_cmpstr (cb->contact_uuid, ==, vb_contact_get_uuid (contact));

  vb_callback_set_phone (vb_contact_ensure_callback (other), "06-87654321");
  g_assert_true (vb_contact_store_finish (f->store, other, &error));

  open = vb_contact_store_list_callbacks (f->store, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (open->len, ==, 2);
  listed = g_ptr_array_index (open, 0);
  if (g_strcmp0 (listed->uuid, cb_uuid) != 0)
    listed = g_ptr_array_index (open, 1);
  g_assert_cmpstr (listed->uuid, ==, cb_uuid);
  g_assert_cmpstr (listed->contact_uuid, ==, vb_contact_get_uuid (contact));
  g_assert_cmpstr (listed->name, ==, "J. de Vries");
  g_assert_cmpstr (listed->phone, ==, "010-1234567");
  g_assert_cmpstr (listed->preferred_time, ==, "morgen na 14.00");
  g_assert_cmpstr (listed->afdeling, ==, "belastingen");
  g_assert_cmpstr (listed->status, ==, "open");
  g_assert_cmpint (listed->created, >, 0);
  g_assert_null (listed->closed_by);

  /* Close: done, by whom, when; the contact's revision goes up for the sync. */
  revision = vb_contact_get_revision (contact);
  g_assert_true (vb_contact_store_close_callback (f->store, cb_uuid, "agent-b", &error));
  g_assert_no_error (error);
  g_clear_pointer (&open, g_ptr_array_unref);
  open = vb_contact_store_list_callbacks (f->store, TRUE, &error);
  g_assert_cmpuint (open->len, ==, 1);
  all = vb_contact_store_list_callbacks (f->store, FALSE, &error);
  g_assert_cmpuint (all->len, ==, 2);
  got = vb_contact_store_get (f->store, vb_contact_get_uuid (contact), &error);
  cb = vb_contact_get_callback (got);
  g_assert_nonnull (cb);
  g_assert_cmpstr (cb->status, ==, "done");
  g_assert_cmpstr (cb->closed_by, ==, "agent-b");
  g_assert_cmpint (cb->closed_at, >, 0);
  g_assert_cmpint (vb_contact_get_revision (got), ==, revision + 1);
  g_assert_cmpint (vb_contact_store_outbox_size (f->store), ==, 3);

  /* A correction of the contact keeps the callback closed. */
  vb_contact_set_notes (got, "gecorrigeerd");
  g_assert_true (vb_contact_store_correct (f->store, got, &error));
  g_clear_pointer (&open, g_ptr_array_unref);
  open = vb_contact_store_list_callbacks (f->store, TRUE, &error);
  g_assert_cmpuint (open->len, ==, 1);

  /* Closing again changes nothing; an unknown callback is not found. */
  g_assert_true (vb_contact_store_close_callback (f->store, cb_uuid, "agent-c", &error));
  g_clear_object (&got);
  got = vb_contact_store_get (f->store, vb_contact_get_uuid (contact), &error);
  g_assert_cmpstr (vb_contact_get_callback (got)->closed_by, ==, "agent-b");
  g_assert_false (vb_contact_store_close_callback (f->store, "00000000-0000-4000-8000-000000000000",
                                                   "agent-b", &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_NOT_FOUND);
}

/* ---- the SIGKILL durability test ---- */

typedef struct
{
  guint  kills;
  guint  reported;
  guint  verified;
  guint  finished_in_db;
  guint  drafts_in_db;
  guint  empty_rounds;
} CrashStats;

/* Reads what the child wrote until @deadline (monotonic µs) or EOF; complete lines only. */
static gboolean
read_child (int      fd,
            GString *buffer,
            gint64   deadline)
{
  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gint64 left = deadline < 0 ? -1 : (deadline - g_get_monotonic_time ()) / 1000;
      char chunk[4096];
      ssize_t n;

      if (deadline >= 0 && left <= 0)
        return TRUE;
      if (poll (&pfd, 1, deadline < 0 ? -1 : (int) MAX (left, 1)) <= 0)
        continue;
      n = read (fd, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        return FALSE;
      g_string_append_len (buffer, chunk, n);
    }
}

static void
verify_after_crash (const char *path,
                    GHashTable *reported,
                    CrashStats *stats)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContactStore) store = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autofree char *integrity = NULL;
  GHashTableIter iter;
  gpointer key, value;
  sqlite3 *db;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;

  /* First as the crash left it (opening recovers from the WAL). */
  db = open_raw (path);
  integrity = query_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  sqlite3_close (db);

  /* The program opens it (migrating, if the crash came before that) ... */
  store = vb_contact_store_open (path, &error);
  g_assert_no_error (error);

  /* ... and nothing is half-written. */
  db = open_raw (path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM contacts c WHERE status = 'finished' AND"
                                  " (n_questions < 1 OR n_questions <> (SELECT count(*) FROM"
                                  " questions q WHERE q.contact = c.uuid))"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM questions q WHERE NOT EXISTS (SELECT 1"
                                  " FROM contacts c WHERE c.uuid = q.contact)"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM consulted q WHERE NOT EXISTS (SELECT 1"
                                  " FROM contacts c WHERE c.uuid = q.contact)"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM contacts c WHERE status = 'finished' AND"
                                  " EXISTS (SELECT 1 FROM questions q WHERE q.contact = c.uuid"
                                  " AND q.outcome = 'terugbelverzoek') AND NOT EXISTS (SELECT 1"
                                  " FROM callbacks b WHERE b.contact = c.uuid AND b.phone"
                                  " IS NOT NULL)"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM contacts c WHERE NOT EXISTS (SELECT 1"
                                  " FROM outbox o WHERE o.uuid = c.uuid)"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1"
                                  " FROM contacts c WHERE c.uuid = o.uuid)"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM drafts d JOIN contacts c USING (uuid)"),
                   ==, 0);
  stats->finished_in_db = query_int (db, "SELECT count(*) FROM contacts");
  sqlite3_close (db);

  /* Every draft can be restored. */
  drafts = vb_contact_store_list_drafts (store, &error);
  g_assert_no_error (error);
  db = open_raw (path);
  g_assert_cmpint (drafts->len, ==, query_int (db, "SELECT count(*) FROM drafts"));
  sqlite3_close (db);
  stats->drafts_in_db = drafts->len;

  /* Every contact the child reported finished is there, intact. */
  g_hash_table_iter_init (&iter, reported);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) expect = g_strsplit (value, " ", 2);
      g_autoptr(VbContact) contact = vb_contact_store_get (store, key, &error);

      g_assert_no_error (error);
      g_assert_cmpint (vb_contact_get_status (contact), ==, VB_CONTACT_FINISHED);
      g_assert_cmpuint (vb_contact_get_n_questions (contact), ==, atoi (expect[0]));
      g_assert_cmpstr (vb_contact_get_question (contact, 0)->outcome, ==, expect[1]);
      for (guint i = 0; i < vb_contact_get_n_questions (contact); i++)
        g_assert_nonnull (vb_contact_get_question (contact, i)->outcome);
      stats->verified++;
    }
}

static void
test_durability_sigkill (void)
{
  const char *helper = g_getenv ("VB_CONTACTS_CRASH_HELPER");
  const char *rounds_env = g_getenv ("VB_CRASH_ROUNDS");
  guint rounds = rounds_env != NULL ? atoi (rounds_env) : 20;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  CrashStats stats = { 0 };
  guint min_delay = G_MAXUINT, max_delay = 0;

  if (helper == NULL || !g_file_test (helper, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("VB_CONTACTS_CRASH_HELPER is not set");
      return;
    }
  dir = vb_test_tmpdir ();
  path = g_build_filename (dir, "contacts.db", NULL);

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) output = g_string_new (NULL);
      g_autofree char *seed = g_strdup_printf ("%u", g_test_rand_int ());
      const char *argv[] = { helper, path, seed, NULL };
      guint delay = g_test_rand_int_range (5, 201);
      g_auto(GStrv) lines = NULL;
      GPid pid;
      int out_fd, status;
      guint before = stats.reported;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                               G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                               NULL, &out_fd, NULL, &error));
      g_assert_no_error (error);

      read_child (out_fd, output, g_get_monotonic_time () + delay * 1000);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      /* Killed by us, not exited on an error of its own. */
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
      read_child (out_fd, output, -1);
      close (out_fd);
      stats.kills++;
      min_delay = MIN (min_delay, delay);
      max_delay = MAX (max_delay, delay);

      /* Only complete lines: a line cut by the kill was never promised. */
      lines = g_strsplit (output->str, "\n", -1);
      for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
        {
          char *space = strchr (lines[i], ' ');

          g_assert_nonnull (space);
          *space = '\0';
          g_assert_true (g_uuid_string_is_valid (lines[i]));
          g_hash_table_insert (reported, g_strdup (lines[i]), g_strdup (space + 1));
          stats.reported++;
        }
      if (stats.reported == before)
        stats.empty_rounds++;

      stats.verified = 0;
      verify_after_crash (path, reported, &stats);
      g_assert_cmpuint (stats.verified, ==, g_hash_table_size (reported));
    }

  g_test_message ("SIGKILL durability: %u kills after %u-%u ms; %u contacts reported finished and "
                  "verified intact; %u contacts in the database (%u finished but unreported), "
                  "%u drafts left; %u kills came before a first finish in that run",
                  stats.kills, min_delay, max_delay, stats.verified, stats.finished_in_db,
                  stats.finished_in_db - stats.verified, stats.drafts_in_db, stats.empty_rounds);
  g_assert_cmpuint (stats.verified, >, 0);
  g_assert_cmpuint (stats.finished_in_db, >=, stats.verified);
  vb_test_rmdir (dir);
}

/* ---- privacy ---- */

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  gsize n = strlen (needle);

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  /* The file holds NULs: compare bytes, not strings. */
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_purge (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(VbContact) old = vb_contact_new ("telefoon", "agent-a");
  g_autoptr(VbContact) recent = vb_contact_new ("balie", "agent-a");
  g_autoptr(VbContact) got = NULL;
  g_autoptr(VbContact) stale = vb_contact_new ("chat", "agent-a");
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autoptr(GPtrArray) drafts = NULL;
  VbContactQuestion *q;
  VbCallback *cb;
  sqlite3 *db;

  /* 31 days old, with everything personal there is. */
  vb_contact_set_started (old, now - 31 * DAY - 300);
  vb_contact_set_ended (old, now - 31 * DAY);
  vb_contact_set_caller_name (old, "Pieternella Oudbeller");
  vb_contact_set_caller_phone (old, "06-11112222");
  vb_contact_set_notes (old, "Notitie-oud met adres Dorpsstraat 1");
  q = vb_contact_add_question (old);
  vb_contact_question_set_used (q, "pdc-paspoort", "kostenEnBetaalmethoden", "Paspoort - Kosten");
  vb_contact_question_set_outcome (q, VB_CONTACT_OUTCOME_CALLBACK);
  vb_contact_question_set_afdeling (q, "burgerzaken");
  q = vb_contact_add_question (old);
  vb_contact_question_set_subject (q, "Bel terug op 0612345678 of mail p.oud@example.nl");
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  cb = vb_contact_ensure_callback (old);
  vb_callback_set_name (cb, "Pieternella Oudbeller");
  vb_callback_set_phone (cb, "06-11112222");
  vb_callback_set_note (cb, "Notitie-terugbel-oud");
  vb_callback_set_preferred_time (cb, "na vieren");
  vb_callback_set_afdeling (cb, "burgerzaken");
  vb_contact_add_consulted (old, "pdc-paspoort");
  g_assert_true (vb_contact_store_save_draft (f->store, old, &error));
  g_assert_true (vb_contact_store_finish (f->store, old, &error));
  g_assert_no_error (error);

  /* 29 days old. */
  vb_contact_set_started (recent, now - 29 * DAY - 300);
  vb_contact_set_ended (recent, now - 29 * DAY);
  vb_contact_set_caller_name (recent, "Recente Beller");
  vb_contact_set_caller_phone (recent, "06-33334444");
  vb_contact_set_notes (recent, "Notitie-recent");
  q = vb_contact_add_question (recent);
  vb_contact_question_set_subject (q, "Bel 0612345678");
  vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
  g_assert_true (vb_contact_store_finish (f->store, recent, &error));

  /* A draft nobody finished, saved long ago (as an old crash would leave it). */
  vb_contact_set_caller_name (stale, "Vergeten Concept");
  g_assert_true (vb_contact_store_save_draft (f->store, stale, &error));
  g_assert_true (vb_contact_store_exec (f->store, "UPDATE drafts SET saved = saved - 40 * 86400",
                                       &error));

  g_assert_cmpuint (vb_contact_store_purge (f->store, 30, now, &error), ==, 1);
  g_assert_no_error (error);

  got = vb_contact_store_get (f->store, vb_contact_get_uuid (old), &error);
  g_assert_no_error (error);
  g_assert_true (vb_contact_is_purged (got));
  g_assert_null (vb_contact_get_caller_name (got));
  g_assert_null (vb_contact_get_caller_phone (got));
  g_assert_null (vb_contact_get_notes (got));
  cb = vb_contact_get_callback (got);
  g_assert_null (cb->name);
  g_assert_null (cb->phone);
  g_assert_null (cb->note);
  g_assert_null (cb->preferred_time);
  g_assert_cmpstr (cb->afdeling, ==, "burgerzaken");
  /* The facts stay. */
  g_assert_cmpstr (vb_contact_get_channel (got), ==, "telefoon");
  g_assert_cmpint (vb_contact_get_started (got), ==, now - 31 * DAY - 300);
  g_assert_cmpint (vb_contact_get_duration (got), ==, 300);
  g_assert_cmpuint (vb_contact_get_n_questions (got), ==, 2);
  g_assert_cmpstr (vb_contact_get_question (got, 0)->item_id, ==, "pdc-paspoort");
  g_assert_cmpstr (vb_contact_get_question (got, 0)->section, ==, "kostenEnBetaalmethoden");
  g_assert_cmpstr (vb_contact_get_question (got, 0)->subject_text, ==, "Paspoort - Kosten");
  g_assert_cmpstr (vb_contact_get_question (got, 0)->outcome, ==, VB_CONTACT_OUTCOME_CALLBACK);
  g_assert_cmpstr (vb_contact_get_question (got, 0)->afdeling, ==, "burgerzaken");
  /* Free text is kept, redacted like a search query. */
  g_assert_cmpstr (vb_contact_get_question (got, 1)->subject_text, ==,
                   "Bel terug op [telefoon] of mail [e-mail]");
  json = vb_contact_to_json (got);
  text = json_to_string (json, FALSE);
  g_assert_null (strstr (text, "Oudbeller"));
  g_assert_nonnull (strstr (text, "\"gezuiverd\":true"));

  /* 29 days: untouched. */
  g_clear_object (&got);
  got = vb_contact_store_get (f->store, vb_contact_get_uuid (recent), &error);
  g_assert_false (vb_contact_is_purged (got));
  g_assert_cmpstr (vb_contact_get_caller_name (got), ==, "Recente Beller");
  g_assert_cmpstr (vb_contact_get_caller_phone (got), ==, "06-33334444");
  g_assert_cmpstr (vb_contact_get_notes (got), ==, "Notitie-recent");
  g_assert_cmpstr (vb_contact_get_question (got, 0)->subject_text, ==, "Bel 0612345678");

  /* The stale draft is gone. */
  drafts = vb_contact_store_list_drafts (f->store, &error);
  g_assert_cmpuint (drafts->len, ==, 0);

  /* Idempotent. */
  g_assert_cmpuint (vb_contact_store_purge (f->store, 30, now, &error), ==, 0);
  g_assert_no_error (error);

  /* A correction of a purged contact cannot bring personal data back. */
  g_clear_object (&got);
  got = vb_contact_store_get (f->store, vb_contact_get_uuid (old), &error);
  vb_contact_set_caller_name (got, "Pieternella Oudbeller");
  g_assert_true (vb_contact_store_correct (f->store, got, &error));
  g_clear_object (&got);
  got = vb_contact_store_get (f->store, vb_contact_get_uuid (old), &error);
  g_assert_null (vb_contact_get_caller_name (got));

  /* Not in the files either: not in free space, not in the WAL (secure_delete, checkpoint). */
  g_assert_cmpuint (vb_contact_store_purge (f->store, 30, now, &error), ==, 0);
  g_assert_false (file_contains (f->path, "Oudbeller"));
  g_assert_false (file_contains (wal, "Oudbeller"));
  g_assert_false (file_contains (f->path, "Notitie-oud"));
  g_assert_false (file_contains (f->path, "Notitie-terugbel-oud"));
  g_assert_false (file_contains (f->path, "Vergeten Concept"));
  g_assert_false (file_contains (wal, "Vergeten Concept"));
  g_assert_true (file_contains (f->path, "Recente Beller") || file_contains (wal, "Recente Beller"));

  db = open_raw (f->path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM contacts WHERE purged_at IS NOT NULL"), ==, 1);
  sqlite3_close (db);
}

static void
test_elfproef (void)
{
  /* 111222333: 9+8+7+12+10+8+9+6-3 = 66, a multiple of 11. */
  g_assert_true (vb_text_has_bsn ("111222333"));
  /* 123456789: 156 - 9 = 147, not a multiple of 11. */
  g_assert_false (vb_text_has_bsn ("123456789"));
  /* 123456782: 156 - 2 = 154 = 14 * 11. */
  g_assert_true (vb_text_has_bsn ("bsn 123456782 bekend"));
  g_assert_true (vb_text_has_bsn ("nummer 123.456.782."));
  g_assert_true (vb_text_has_bsn ("1234 56 782"));
  g_assert_true (vb_text_has_bsn ("12 maart, 111.222.333"));
  g_assert_true (vb_text_has_bsn ("datum 12 123456782"));
  g_assert_false (vb_text_has_bsn ("123.456.789"));
  /* Not exactly nine digits. */
  g_assert_false (vb_text_has_bsn ("1123456782"));
  g_assert_false (vb_text_has_bsn ("23456782"));
  g_assert_false (vb_text_has_bsn ("0612345678"));
  /* Two separators are no group separator. */
  g_assert_false (vb_text_has_bsn ("123..456.782"));
  g_assert_false (vb_text_has_bsn ("123  456 782"));
  /* Zero is not a number. */
  g_assert_false (vb_text_has_bsn ("000000000"));
  g_assert_false (vb_text_has_bsn (""));
  g_assert_false (vb_text_has_bsn (NULL));
  g_assert_false (vb_text_has_bsn ("Paspoort kost 84 euro, 2 stuks"));
}

static void
test_redact (void)
{
  const struct { const char *in, *out; } cases[] = {
    { "paspoort kosten", "paspoort kosten" },
    { "zaak 2026001234 status", "zaak [nummer] status" },
    { "postcode 1234 AB", "postcode 1234 AB" },
    { "12345 en 123456", "12345 en [nummer]" },
    { "mail jan.jansen+kcc@lindeveld.nl.", "mail [e-mail]." },
    { "j@x.nl", "[e-mail]" },
    { "geen@adres", "geen@adres" },
    { "bel 06-12345678 terug", "bel [telefoon] terug" },
    { "06 12 34 56 78", "[telefoon]" },
    { "0612345678", "[telefoon]" },
    { "+31 6 1234 5678", "[telefoon]" },
    { "+31612345678", "[telefoon]" },
    { "0031 20 123 4567", "[telefoon]" },
    { "+31 (0)20 123 4567", "[telefoon]" },
    { "010-1234567 of 020 123 4567", "[telefoon] of [telefoon]" },
    { "+44 20 7946 0958", "[telefoon]" },
    { "gemeente 14 0555", "gemeente [telefoon]" },
    { "140555", "[telefoon]" },
    { "14 020", "14 020" },
    { "bsn 123.456.782", "bsn [nummer]" },
    { "bsn 1234 56 782", "bsn [nummer]" },
    { "bedrag 1.250.000", "bedrag [nummer]" },
    { "bedrag 1.250", "bedrag 1.250" },
    { "datum 01-11-2026", "datum 01-11-2026" },
    { "A1234567", "A[nummer]" },
    { "06 12345678abc@x.nl en b@y.nl", "[telefoon][e-mail] en [e-mail]" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = vb_redact_query (cases[i].in);
      g_autofree char *again = vb_redact_query (out);

      g_assert_cmpstr (out, ==, cases[i].out);
      /* Idempotent. */
      g_assert_cmpstr (again, ==, out);
    }
  g_assert_null (vb_redact_query (NULL));
}

static void
test_search_log (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = make_contact ("telefoon", 1, "zelfstandig-afgehandeld");
  sqlite3 *db;

  g_assert_true (vb_contact_store_log_search (f->store, "paspoort 06-12345678 jan@example.nl", 7,
                                              NULL, &error));
  g_assert_true (vb_contact_store_log_search (f->store, "afval", 3, "vac-1", &error));
  g_assert_true (vb_contact_store_log_search (f->store, "afvalkalender", 2, "vac-1", &error));
  g_assert_true (vb_contact_store_log_search (f->store, "parkeren", 5, "vac-9", &error));
  g_assert_no_error (error);

  db = open_raw (f->path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM searches WHERE query ="
                                  " 'paspoort [telefoon] [e-mail]' AND n_results = 7"
                                  " AND opened_item IS NULL AND at > 0"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM searches WHERE used = 1"), ==, 0);
  sqlite3_close (db);

  /* Marking flags the most recent search that opened the item. */
  g_assert_true (vb_contact_store_mark_search_used (f->store, "vac-9", &error));
  g_assert_true (vb_contact_store_mark_search_used (f->store, "vac-unknown", &error));
  /* Finishing a contact that used vac-1 flags the latest search that opened it. */
  vb_contact_set_started (contact, vb_contact_get_started (contact) - 10);
  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);

  db = open_raw (f->path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM searches WHERE used = 1"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT used FROM searches WHERE query = 'afvalkalender'"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT used FROM searches WHERE query = 'afval'"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT used FROM searches WHERE query = 'parkeren'"), ==, 1);
  sqlite3_close (db);
}

static void
test_json_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = vb_contact_new ("chat", "agent-a");
  g_autoptr(VbContact) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autoptr(JsonNode) anon = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *anon_text = NULL;
  VbContactQuestion *q;
  VbCallback *cb;

  vb_contact_set_started (contact, 1793520000);  /* 2026-11-01T08:00:00Z */
  vb_contact_set_ended (contact, 1793520000 + 184);
  vb_contact_set_caller_name (contact, "A. Bakker");
  vb_contact_set_caller_phone (contact, "+31 6 1234 5678");
  vb_contact_set_notes (contact, "Notitie met \"quotes\" en\nregels");
  q = vb_contact_add_question (contact);
  vb_contact_question_set_used (q, "pdc-paspoort", "kostenEnBetaalmethoden", "Paspoort - Kosten");
  vb_contact_question_set_outcome (q, VB_CONTACT_OUTCOME_CALLBACK);
  vb_contact_question_set_afdeling (q, "burgerzaken");
  q = vb_contact_add_question (contact);
  vb_contact_question_set_subject (q, "Vraag van 06-12345678");
  vb_contact_add_consulted (contact, "pdc-paspoort");
  vb_contact_add_consulted (contact, "vac-7");
  cb = vb_contact_ensure_callback (contact);
  vb_callback_set_name (cb, "A. Bakker");
  vb_callback_set_phone (cb, "06-12345678");
  vb_callback_set_preferred_time (cb, "morgen");
  vb_callback_set_afdeling (cb, "burgerzaken");

  node = vb_contact_to_json (contact);
  text = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (text, "\"plaatsgevondenOp\":\"2026-11-01T08:00:00Z\""));
  g_assert_nonnull (strstr (text, "\"duur\":184"));
  g_assert_nonnull (strstr (text, "\"kanaal\":\"chat\""));
  g_assert_nonnull (strstr (text, "\"status\":\"open\""));
  g_assert_nonnull (strstr (text, "\"geraadpleegd\":[\"pdc-paspoort\",\"vac-7\"]"));
  g_assert_nonnull (strstr (text, "\"terugbelverzoek\":{"));
  g_assert_nonnull (strstr (text, "\"status\":\"te_verwerken\""));
  g_assert_nonnull (strstr (text, "\"contactnaam\":\"A. Bakker\""));
  g_assert_nonnull (strstr (text, "\"inhoud\":"));
  g_assert_null (strstr (text, "bsn"));

  back = vb_contact_new_from_json (node, &error);
  g_assert_no_error (error);
  node2 = vb_contact_to_json (back);
  text2 = json_to_string (node2, FALSE);
  g_assert_cmpstr (text2, ==, text);
  g_assert_null (vb_contact_get_question (back, 1)->outcome);
  g_assert_null (vb_contact_get_question (back, 1)->item_id);

  /* Anonymous: nothing personal, free text redacted. */
  anon = vb_contact_to_json_anonymous (contact);
  anon_text = json_to_string (anon, FALSE);
  g_assert_null (strstr (anon_text, "Bakker"));
  g_assert_null (strstr (anon_text, "12345678"));
  g_assert_null (strstr (anon_text, "inhoud"));
  g_assert_null (strstr (anon_text, "medewerker"));
  g_assert_null (strstr (anon_text, "morgen"));
  g_assert_nonnull (strstr (anon_text, "Vraag van [telefoon]"));
  g_assert_nonnull (strstr (anon_text, "\"afdeling\":\"burgerzaken\""));

  /* Broken input is an error, not a crash. */
  bad = json_from_string ("{\"uuid\": \"niet-een-uuid\", \"kanaal\": \"chat\"}", NULL);
  g_assert_null (vb_contact_new_from_json (bad, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (vb_contact_new_from_json (NULL, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
}

/* ---- export ---- */

/* A strict RFC 4180 reader: rows of fields; CRLF line ends. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) row = g_ptr_array_new ();
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      if (*p == '"')
        {
          for (p++;; p++)
            {
              g_assert_true (*p != '\0');
              if (*p == '"' && p[1] == '"')
                g_string_append_c (field, '"'), p++;
              else if (*p == '"')
                break;
              else
                g_string_append_c (field, *p);
            }
          p++;
        }
      else
        while (*p != ',' && *p != '\r' && *p != '\n' && *p != '\0' && *p != '"')
          g_string_append_c (field, *p++);

      g_ptr_array_add (row, g_strdup (field->str));
      g_string_truncate (field, 0);
      if (*p == ',')
        p++;
      else
        {
          /* Only CRLF ends a record. */
          g_assert_cmpint (p[0], ==, '\r');
          g_assert_cmpint (p[1], ==, '\n');
          p += 2;
          g_ptr_array_add (row, NULL);
          g_ptr_array_add (rows, g_ptr_array_steal (row, NULL));
        }
    }
  return rows;
}

static void
test_export_csv (Fixture       *f,
                 gconstpointer  data)
{
  const char *tricky = "Gemeente, \"zo\" gezegd\nen verder";
  g_autoptr(VbContact) a = NULL;
  g_autoptr(VbContact) b = NULL;
  g_autoptr(VbContact) c = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  char **header, **row;
  gint64 t0 = 1793520000;  /* 2026-11-01T08:00:00Z, 09:00 in Amsterdam */

  a = finish_at (f->store, t0, 125, tricky);
  b = finish_at (f->store, t0 + 3600, 60, "Bel terug op 0612345678");
  c = finish_at (f->store, t0 + 7200, 30, "verwijderd");
  g_assert_true (vb_contact_store_delete (f->store, vb_contact_get_uuid (c), "agent-a", &error));

  csv = export_to_string (f->store, t0, t0 + DAY, FALSE);
  /* Every line ends in CRLF; the quoted newline is a bare LF inside a field. */
  g_assert_true (g_str_has_suffix (csv, "\r\n"));
  g_assert_nonnull (strstr (csv, "\"Gemeente, \"\"zo\"\" gezegd\nen verder\""));
  rows = parse_csv (csv);
  g_assert_cmpuint (rows->len, ==, 3);  /* header + 2: the deleted one is left out */
  header = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (header[0], ==, "uuid");
  g_assert_cmpstr (header[1], ==, "started");
  g_assert_cmpstr (header[2], ==, "duration_s");
  g_assert_cmpstr (header[3], ==, "kanaal");
  g_assert_cmpstr (header[4], ==, "vragen");
  g_assert_cmpstr (header[5], ==, "onderwerp");
  g_assert_cmpstr (header[8], ==, "gespreksresultaat");
  g_assert_cmpstr (header[9], ==, "afdeling");
  g_assert_cmpstr (header[10], ==, "terugbelverzoek");
  g_assert_cmpuint (g_strv_length (header), ==, 11);

  row = g_ptr_array_index (rows, 1);
  g_assert_cmpuint (g_strv_length (row), ==, 11);
  g_assert_cmpstr (row[0], ==, vb_contact_get_uuid (a));
  g_assert_cmpstr (row[1], ==, "2026-11-01T09:00:00+01:00");
  g_assert_cmpstr (row[2], ==, "125");
  g_assert_cmpstr (row[3], ==, "telefoon");
  g_assert_cmpstr (row[4], ==, "1");
  g_assert_cmpstr (row[5], ==, tricky);  /* round-trips */
  g_assert_cmpstr (row[8], ==, "zelfstandig-afgehandeld");
  g_assert_cmpstr (row[10], ==, "");
  row = g_ptr_array_index (rows, 2);
  /* Free text is exported redacted. */
  g_assert_cmpstr (row[5], ==, "Bel terug op [telefoon]");
}

static void
test_export_json (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = make_contact ("e-mail", 2, VB_CONTACT_OUTCOME_CALLBACK);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  JsonArray *array;
  JsonObject *obj;
  VbCallback *cb = vb_contact_ensure_callback (contact);

  vb_contact_set_caller_name (contact, "Persoonlijke Naam");
  vb_contact_set_notes (contact, "Persoonlijke notitie");
  vb_callback_set_phone (cb, "06-12345678");
  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);

  json = export_to_string (f->store, 0, G_MAXINT64, TRUE);
  g_assert_null (strstr (json, "Persoonlijk"));
  g_assert_null (strstr (json, "12345678"));
  root = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  obj = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (obj, "uuid"), ==, vb_contact_get_uuid (contact));
  g_assert_cmpstr (json_object_get_string_member (obj, "kanaal"), ==, "e-mail");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (obj, "vragen")), ==, 2);
  g_assert_true (json_object_has_member (obj, "terugbelverzoek"));

  /* An empty range is an empty array. */
  g_free (json);
  json = export_to_string (f->store, 0, 1, TRUE);
  g_clear_pointer (&root, json_node_unref);
  root = json_from_string (json, &error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 0);
}

static void
test_export_dst (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *csv = NULL;
  gint64 from, to;
  /* Sunday 25 October 2026: summer time ends, 03:00 CEST becomes 02:00 CET (01:00 UTC). */
  gint64 midnight_cest = 1792879200;   /* 2026-10-24T22:00:00Z = 25 Oct 00:00 +02:00 */
  gint64 next_midnight = 1792969200;   /* 2026-10-25T23:00:00Z = 26 Oct 00:00 +01:00 */

  g_assert_true (vb_contact_parse_date_range ("2026-10-25", "2026-10-25", &from, &to, &error));
  g_assert_no_error (error);
  g_assert_cmpint (from, ==, midnight_cest);
  g_assert_cmpint (to, ==, next_midnight);
  g_assert_cmpint (to - from, ==, 25 * 3600);

  /* The spring change: a day of 23 hours. */
  g_assert_true (vb_contact_parse_date_range ("2026-03-29", "2026-03-29", &from, &to, &error));
  g_assert_cmpint (to - from, ==, 23 * 3600);
  /* A month, inclusive: 1 to 30 November is 30 days of 24 hours. */
  g_assert_true (vb_contact_parse_date_range ("2026-11-01", "2026-11-30", &from, &to, &error));
  g_assert_cmpint (to - from, ==, 30 * DAY);
  g_assert_cmpint (from, ==, 1793487600);  /* 2026-10-31T23:00:00Z */

  /* Bad dates. */
  g_assert_false (vb_contact_parse_date_range ("2026-02-30", "2026-03-01", &from, &to, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vb_contact_parse_date_range ("25-10-2026", "2026-10-25", &from, &to, &error));
  g_clear_error (&error);
  g_assert_false (vb_contact_parse_date_range ("2026-10-26", "2026-10-25", &from, &to, &error));
  g_clear_error (&error);

  g_ptr_array_add (kept, finish_at (f->store, midnight_cest - 1, 10, "zaterdagavond"));
  g_ptr_array_add (kept, finish_at (f->store, midnight_cest, 10, "middernacht zomertijd"));
  g_ptr_array_add (kept, finish_at (f->store, midnight_cest + 3 * 3600 + 1800, 10, "tweede keer 02.30"));
  g_ptr_array_add (kept, finish_at (f->store, next_midnight - 1800, 10, "23.30 wintertijd"));
  g_ptr_array_add (kept, finish_at (f->store, next_midnight, 10, "maandag"));

  g_assert_true (vb_contact_parse_date_range ("2026-10-25", "2026-10-25", &from, &to, &error));
  csv = export_to_string (f->store, from, to, FALSE);
  rows = parse_csv (csv);
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 1))[5], ==, "middernacht zomertijd");
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 1))[1], ==, "2026-10-25T00:00:00+02:00");
  /* 01:30 UTC is the second 02:30 of the night, in winter time. */
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 2))[1], ==, "2026-10-25T02:30:00+01:00");
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 3))[5], ==, "23.30 wintertijd");
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 3))[1], ==, "2026-10-25T23:30:00+01:00");
}

/* ---- write errors ---- */

static VbContact *
big_contact (void)
{
  VbContact *contact = vb_contact_new ("telefoon", "agent-a");
  GString *notes = g_string_new (NULL);
  GString *title = g_string_new (NULL);

  for (int i = 0; i < 1000; i++)
    g_string_append (notes, "€");
  for (int i = 0; i < 200; i++)
    g_string_append (title, "ë");
  vb_contact_set_notes (contact, notes->str);
  vb_contact_set_caller_name (contact, "Beller Inhetgeheugen");
  for (int i = 0; i < 12; i++)
    {
      VbContactQuestion *q = vb_contact_add_question (contact);

      vb_contact_question_set_used (q, "vac-1", NULL, title->str);
      vb_contact_question_set_outcome (q, "zelfstandig-afgehandeld");
    }
  g_string_free (notes, TRUE);
  g_string_free (title, TRUE);
  return contact;
}

static void
assert_unchanged (VbContact *contact)
{
  g_assert_cmpint (vb_contact_get_status (contact), ==, VB_CONTACT_OPEN);
  g_assert_cmpint (vb_contact_get_revision (contact), ==, 0);
  g_assert_cmpint (vb_contact_get_ended (contact), ==, 0);
  g_assert_cmpstr (vb_contact_get_caller_name (contact), ==, "Beller Inhetgeheugen");
  g_assert_cmpuint (vb_contact_get_n_questions (contact), ==, 12);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = big_contact ();
  g_autoptr(GPtrArray) drafts = NULL;

  /* chmod does not stop root; query_only makes SQLite refuse like a read-only file. */
  g_assert_true (vb_contact_store_exec (f->store, "PRAGMA query_only = ON", &error));
  g_assert_false (vb_contact_store_save_draft (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_WRITE);
  g_assert_true (g_str_has_prefix (error->message, "The contact log is read-only"));
  g_assert_null (strstr (error->message, "Inhetgeheugen"));
  g_clear_error (&error);
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_WRITE);
  g_assert_true (g_str_has_prefix (error->message, "The contact log is read-only"));
  g_clear_error (&error);
  assert_unchanged (contact);
  /* Reading still works. */
  drafts = vb_contact_store_list_drafts (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 0);

  /* Writable again: the contact kept in memory is saved as it was. */
  g_assert_true (vb_contact_store_exec (f->store, "PRAGMA query_only = OFF", &error));
  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_store_outbox_size (f->store), ==, 1);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = big_contact ();
  g_autoptr(GPtrArray) drafts = NULL;
  sqlite3 *db;

  /* The file may not grow: SQLite answers SQLITE_FULL, as on a full disk. */
  g_assert_true (vb_contact_store_exec (f->store, "PRAGMA max_page_count = 1", &error));
  g_assert_false (vb_contact_store_save_draft (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_WRITE);
  g_assert_true (g_str_has_prefix (error->message, "The disk is full"));
  g_clear_error (&error);
  g_assert_false (vb_contact_store_finish (f->store, contact, &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_WRITE);
  g_assert_true (g_str_has_prefix (error->message, "The disk is full"));
  g_clear_error (&error);
  assert_unchanged (contact);

  /* Nothing half-written. */
  db = open_raw (f->path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM contacts"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM questions"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM drafts"), ==, 0);
  sqlite3_close (db);

  g_assert_true (vb_contact_store_exec (f->store, "PRAGMA max_page_count = 1073741823", &error));
  g_assert_true (vb_contact_store_save_draft (f->store, contact, &error));
  g_assert_true (vb_contact_store_finish (f->store, contact, &error));
  g_assert_no_error (error);
  drafts = vb_contact_store_list_drafts (f->store, &error);
  g_assert_cmpuint (drafts->len, ==, 0);
}

/* ---- asynchronous calls ---- */

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContact) contact = make_contact ("telefoon", 2, "zelfstandig-afgehandeld");
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GAsyncResult) r4 = NULL;
  g_autoptr(GAsyncResult) r5 = NULL;
  g_autoptr(GAsyncResult) r6 = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GPtrArray) finished = NULL;
  g_autoptr(GPtrArray) callbacks = NULL;
  g_autoptr(VbContact) invalid = vb_contact_new ("telefoon", "agent-a");
  gint64 deadline;
  sqlite3 *db;

  vb_contact_store_save_draft_async (f->store, contact, NULL, got_result, &r1);
  g_assert_true (vb_contact_store_save_draft_finish (f->store, wait_for (&r1), &error));
  g_assert_no_error (error);
  vb_contact_store_list_drafts_async (f->store, NULL, got_result, &r2);
  drafts = vb_contact_store_list_drafts_finish (f->store, wait_for (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);

  vb_contact_store_finish_contact_async (f->store, contact, NULL, got_result, &r3);
  /* The worker has a copy; the caller's contact changes only in _finish. */
  g_assert_true (vb_contact_store_finish_contact_finish (f->store, wait_for (&r3), &error));
  g_assert_no_error (error);
  g_assert_cmpint (vb_contact_get_status (contact), ==, VB_CONTACT_FINISHED);
  g_assert_cmpint (vb_contact_get_revision (contact), ==, 1);
  g_assert_cmpint (vb_contact_get_ended (contact), >, 0);

  vb_contact_store_list_finished_async (f->store, 0, G_MAXINT64, NULL, got_result, &r4);
  finished = vb_contact_store_list_finished_finish (f->store, wait_for (&r4), &error);
  g_assert_cmpuint (finished->len, ==, 1);
  g_assert_cmpuint (vb_contact_get_n_questions (g_ptr_array_index (finished, 0)), ==, 2);

  /* An error comes back through _finish, and the contact stays open. */
  vb_contact_store_finish_contact_async (f->store, invalid, NULL, got_result, &r5);
  g_assert_false (vb_contact_store_finish_contact_finish (f->store, wait_for (&r5), &error));
  g_assert_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (vb_contact_get_status (invalid), ==, VB_CONTACT_OPEN);

  vb_contact_store_list_callbacks_async (f->store, TRUE, NULL, got_result, &r6);
  callbacks = vb_contact_store_list_callbacks_finish (f->store, wait_for (&r6), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (callbacks->len, ==, 0);

  /* Fire and forget. */
  vb_contact_store_log_search_async (f->store, "mijn nummer is 0612345678", 0, NULL, NULL, NULL,
                                     NULL);
  db = open_raw (f->path);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (query_int (db, "SELECT count(*) FROM searches") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM searches WHERE query ="
                                  " 'mijn nummer is [telefoon]'"), ==, 1);
  sqlite3_close (db);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)

  g_test_add_func ("/contacts/schema/empty-db-migrates", test_schema_empty_migrates);
  g_test_add_func ("/contacts/schema/newer-refused", test_schema_newer_refused);
  ADD ("/contacts/lifecycle", test_lifecycle);
  ADD ("/contacts/questions/multiple", test_multiple_questions);
  ADD ("/contacts/questions/product-section", test_product_section);
  ADD ("/contacts/validation", test_validation);
  ADD ("/contacts/drafts/parallel", test_parallel_drafts);
  ADD ("/contacts/callbacks", test_callbacks);
  g_test_add_func ("/contacts/durability/sigkill", test_durability_sigkill);
  ADD ("/contacts/privacy/purge", test_purge);
  g_test_add_func ("/contacts/privacy/elfproef", test_elfproef);
  g_test_add_func ("/contacts/privacy/redact", test_redact);
  ADD ("/contacts/search-log", test_search_log);
  g_test_add_func ("/contacts/json/roundtrip", test_json_roundtrip);
  ADD ("/contacts/export/csv", test_export_csv);
  ADD ("/contacts/export/json", test_export_json);
  ADD ("/contacts/export/dst", test_export_dst);
  ADD ("/contacts/errors/read-only", test_read_only);
  ADD ("/contacts/errors/disk-full", test_disk_full);
  ADD ("/contacts/async", test_async);

#undef ADD
  return g_test_run ();
}
