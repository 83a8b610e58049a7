/* contacts-crash-helper.c: logs contacts in a loop until it is killed (for test-contacts)
 *
 * Usage: contacts-crash-helper DB SEED [COUNT]
 *
 * Each contact is saved as a draft twice and then finished, each step its own transaction; now
 * and then one is left open (a caller on hold) and a search is logged. A line
 * "UUID N-QUESTIONS FIRST-OUTCOME" goes to stdout only after finish returned. The parent kills
 * this process with SIGKILL at a random moment and checks the database.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <stdio.h>
#include <stdlib.h>

#include "vb-contact-store.h"

static const char *const channels[] = { "telefoon", "balie", "e-mail", "chat", "post", "website" };
static const char *const outcomes[] = {
  "zelfstandig-afgehandeld", "afgehandeld-na-ruggespraak", "terugbelverzoek",
  "doorverbonden-afdeling", "verwezen-andere-instantie", "melding-aangemaakt",
};
static const char *const items[] = { "pdc-paspoort", "vac-afval-kalender", "pdc-parkeervergunning",
                                     "vac-verhuizing-doorgeven", "pdc-rijbewijs" };

static void
fail (const char *what,
      GError     *error)
{
  fprintf (stderr, "contacts-crash-helper: %s: %s\n", what, error != NULL ? error->message : "?");
  exit (3);
}

static VbContact *
make_contact (GRand *rand,
              guint  serial)
{
  const char *channel = channels[g_rand_int_range (rand, 0, G_N_ELEMENTS (channels))];
  VbContact *contact = vb_contact_new (channel, "agent-crash");
  guint n = g_rand_int_range (rand, 1, 5);
  g_autofree char *notes = g_strnfill (g_rand_int_range (rand, 0, 1000), 'x');

  vb_contact_set_caller_name (contact, "Test Beller");
  vb_contact_set_caller_phone (contact, "06-12345678");
  vb_contact_set_notes (contact, notes);
  for (guint i = 0; i < n; i++)
    {
      VbContactQuestion *q = vb_contact_add_question (contact);

      if (g_rand_boolean (rand))
        vb_contact_question_set_used (q, items[(serial + i) % G_N_ELEMENTS (items)],
                                      i % 2 == 0 ? "kostenEnBetaalmethoden" : NULL,
                                      "Een onderwerp uit de kennisbank");
      else
        vb_contact_question_set_subject (q, "Vrije tekst, zonder antwoord in de kennisbank");
      vb_contact_add_consulted (contact, items[(serial + i) % G_N_ELEMENTS (items)]);
    }
  return contact;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbContactStore) store = NULL;
  g_autoptr(GRand) rand = NULL;
  guint64 count;

  if (argc < 3)
    {
      fprintf (stderr, "Usage: contacts-crash-helper DB SEED [COUNT]\n");
      return 1;
    }
  rand = g_rand_new_with_seed ((guint32) g_ascii_strtoull (argv[2], NULL, 10));
  count = argc > 3 ? g_ascii_strtoull (argv[3], NULL, 10) : G_MAXUINT64;

  store = vb_contact_store_open (argv[1], &error);
  if (store == NULL)
    fail ("open", error);

  for (guint64 serial = 0; serial < count; serial++)
    {
      g_autoptr(VbContact) contact = make_contact (rand, serial);
      guint n = vb_contact_get_n_questions (contact);

      if (!vb_contact_store_save_draft (store, contact, &error))
        fail ("save_draft", error);
      for (guint i = 0; i < n; i++)
        {
          VbContactQuestion *q = vb_contact_get_question (contact, i);
          const char *outcome = outcomes[g_rand_int_range (rand, 0, G_N_ELEMENTS (outcomes))];

          vb_contact_question_set_outcome (q, outcome);
          if (g_str_equal (outcome, VB_CONTACT_OUTCOME_CALLBACK))
            {
              VbCallback *cb = vb_contact_ensure_callback (contact);

              vb_callback_set_name (cb, "Test Beller");
              vb_callback_set_phone (cb, "06-12345678");
              vb_callback_set_afdeling (cb, "burgerzaken");
            }
        }
      if (!vb_contact_store_save_draft (store, contact, &error))
        fail ("save_draft", error);
      if (serial % 3 == 0 &&
          !vb_contact_store_log_search (store, "paspoort kosten", 4, "pdc-paspoort", &error))
        fail ("log_search", error);
      /* Now and then a contact stays open, as when a caller is on hold. */
      if (serial % 7 == 3)
        continue;
      if (!vb_contact_store_finish (store, contact, &error))
        fail ("finish", error);
      /* Reported only now: the parent may rely on it being stored. */
      printf ("%s %u %s\n", vb_contact_get_uuid (contact), n,
              vb_contact_get_question (contact, 0)->outcome);
      fflush (stdout);
    }
  return 0;
}
