/* test-text.c: folding, stemming, compounds, synonyms and edit distance
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-lexicon.h"
#include "vb-text.h"
#include "vb-test-util.h"

static void
test_fold (void)
{
  struct { const char *in, *out; } cases[] = {
    { "Paspoort AANVRAGEN", "paspoort aanvragen" },
    { "café één coördinatie", "cafe een coordinatie" },
    { "ID-kaart", "id kaart" },
    { "Ĳsselmonde ĳzer", "ijsselmonde ijzer" },
    { "  (BRP)  uittreksel!! ", "brp uittreksel" },
    { "€ 84,95", "84 95" },
    { "", "" },
    { "😀 emoji", "emoji" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = vb_text_fold (cases[i].in);

      g_assert_cmpstr (folded, ==, cases[i].out);
    }
}

static void
test_fold_invalid_utf8 (void)
{
  g_autofree char *folded = vb_text_fold ("abc\xff\xfe" "def");

  g_assert_true (g_utf8_validate (folded, -1, NULL));
  g_assert_cmpstr (folded, ==, "abc def");
}

static gboolean
record_range (const char *folded,
              gsize       len,
              gsize       start,
              gsize       end,
              gpointer    user_data)
{
  g_string_append_printf (user_data, "%s@%zu-%zu ", folded, start, end);
  return TRUE;
}

static void
test_offsets (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  /* Offsets are bytes in the original text, so snippets can cut it. */
  vb_text_foreach_word ("Wat kost één paspoort?", -1, record_range, out);
  g_assert_cmpstr (out->str, ==, "wat@0-3 kost@4-8 een@9-14 paspoort@15-23 ");
}

static void
test_long_token (void)
{
  g_autofree char *input = g_strnfill (1000, 'a');
  g_autoptr(GPtrArray) words = vb_text_split_words (input);

  g_assert_cmpuint (words->len, ==, 1);
  g_assert_cmpuint (strlen (g_ptr_array_index (words, 0)), ==, VB_TEXT_MAX_TOKEN);
}

static void
assert_same_stem (const char *a,
                  const char *b)
{
  g_autofree char *sa = vb_text_dup_stem (a);
  g_autofree char *sb = vb_text_dup_stem (b);

  if (g_strcmp0 (sa, sb) != 0)
    g_error ("%s -> %s but %s -> %s", a, sa, b, sb);
}

static void
test_stem (void)
{
  /* What the Dutch Snowball stemmer joins, and what our corrections add. */
  assert_same_stem ("aanvragen", "aanvraag");
  assert_same_stem ("paspoorten", "paspoort");
  assert_same_stem ("verhuizing", "verhuizen");
  assert_same_stem ("afspraken", "afspraak");
  assert_same_stem ("rijbewijzen", "rijbewijs");
  assert_same_stem ("huizen", "huis");
  assert_same_stem ("brieven", "brief");
  assert_same_stem ("kinderen", "kind");
  assert_same_stem ("verhuisd", "verhuizen");
  assert_same_stem ("opgehaald", "ophalen");
  assert_same_stem ("geboorteaktes", "geboorteakte");
  assert_same_stem ("aangevraagd", "aanvragen");
  assert_same_stem ("overleden", "overlijden");
}

static void
test_stem_off (void)
{
  g_autofree char *stem = NULL;

  vb_text_set_stemming (FALSE);
  stem = vb_text_dup_stem ("paspoorten");
  vb_text_set_stemming (TRUE);
  g_assert_cmpstr (stem, ==, "paspoorten");
}

static VbLexicon *
make_lexicon (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = vb_test_write_file (dir, "lexicon.txt",
                                           "# test\npaspoort\naanvraag\nparkeer\nvergunning\nkind\n"
                                           "identiteit\nkaart\ngehandicapt\n");
  g_autofree char *b = vb_test_write_file (dir, "synonyms.txt",
                                           "# test\nid-kaart, identiteitskaart, idkaart\n"
                                           "brp, gba, basisregistratie personen\n");
  g_autofree char *c = vb_test_write_file (dir, "stopwords.txt", "de\nhet\neen\n");
  VbLexicon *lexicon = vb_lexicon_new_from_dir (dir, &error);

  g_assert_no_error (error);
  return lexicon;
}

static void
test_compound (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autoptr(VbLexicon) lexicon = make_lexicon (dir);
  struct { const char *word; const char *parts; } cases[] = {
    { "paspoortaanvraag", "paspoort+aanvraag" },
    { "parkeervergunning", "parkeer+vergunning" },
    { "identiteitskaart", "identiteits+kaart" },  /* linking s; the part's stem is identiteit */
    { "kinderpaspoort", "kind+paspoort" },        /* linking -er */
    { "paspoort", NULL },
    { "vergunningen", NULL },
    { "xyzabcdefgh", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char *parts[3] = { NULL };
      guint n = vb_lexicon_split_compound (lexicon, cases[i].word, parts, 3);

      if (cases[i].parts == NULL)
        g_assert_cmpuint (n, ==, 0);
      else
        {
          g_autofree char *joined = NULL;

          g_assert_cmpuint (n, >=, 2);
          joined = g_strjoinv ("+", parts);
          g_assert_cmpstr (joined, ==, cases[i].parts);
        }
      for (guint j = 0; j < n; j++)
        g_free (parts[j]);
    }
  vb_test_rmdir (dir);
}

static void
test_synonyms (void)
{
  g_autofree char *dir = vb_test_tmpdir ();
  g_autoptr(VbLexicon) lexicon = make_lexicon (dir);
  const char *words[] = { "basisregistratie", "personen", "uittreksel" };
  const char *gba[] = { "gba" };
  guint matched = 0;
  g_autoptr(GPtrArray) a = vb_lexicon_lookup_synonyms (lexicon, words, 3, &matched);
  g_autoptr(GPtrArray) b = NULL;

  g_assert_nonnull (a);
  g_assert_cmpuint (matched, ==, 2);
  g_assert_cmpuint (a->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (a, 0), ==, "brp");
  g_assert_cmpstr (g_ptr_array_index (a, 1), ==, "gba");

  b = vb_lexicon_lookup_synonyms (lexicon, gba, 1, &matched);
  g_assert_nonnull (b);
  g_assert_cmpuint (matched, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (b, 1), ==, "basisregistratie personen");

  g_assert_true (vb_lexicon_is_stopword (lexicon, "het"));
  g_assert_false (vb_lexicon_is_stopword (lexicon, "paspoort"));
  vb_test_rmdir (dir);
}

static void
test_edit_distance (void)
{
  g_assert_cmpuint (vb_text_edit_distance ("paspoort", "paspoort", 2), ==, 0);
  g_assert_cmpuint (vb_text_edit_distance ("paspooort", "paspoort", 2), ==, 1);
  g_assert_cmpuint (vb_text_edit_distance ("psapoort", "paspoort", 2), ==, 1);  /* swap */
  g_assert_cmpuint (vb_text_edit_distance ("pasport", "paspoort", 2), ==, 1);
  g_assert_cmpuint (vb_text_edit_distance ("rijbwijs", "rijbewijs", 2), ==, 1);
  g_assert_cmpuint (vb_text_edit_distance ("abc", "xyz", 2), ==, 3);  /* over the max */
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/fold", test_fold);
  g_test_add_func ("/text/fold-invalid-utf8", test_fold_invalid_utf8);
  g_test_add_func ("/text/offsets", test_offsets);
  g_test_add_func ("/text/long-token", test_long_token);
  g_test_add_func ("/text/stem", test_stem);
  g_test_add_func ("/text/stem-off", test_stem_off);
  g_test_add_func ("/text/compound", test_compound);
  g_test_add_func ("/text/synonyms", test_synonyms);
  g_test_add_func ("/text/edit-distance", test_edit_distance);

  return g_test_run ();
}
