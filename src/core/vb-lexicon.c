/* vb-lexicon.c: synonyms, compound parts and stop words for Dutch search
 *
 * The lexicon is read from three maintained files in data/: synonyms.txt (one group of
 * equivalent terms per line), lexicon.txt (base words that Dutch compounds are built from)
 * and stopwords.txt. Everything is folded and stemmed on load, so lookups are hash probes.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-lexicon.h"
#include "vb-text.h"

struct _VbLexicon
{
  GObject     parent_instance;

  GHashTable *stopwords;     /* folded word */
  GHashTable *bases;         /* folded base word or its stem */
  GHashTable *synonyms;      /* first folded word of an entry -> GPtrArray of SynEntry */
  GPtrArray  *groups;        /* GPtrArray of GPtrArray of char* (folded entries "a b") */
  char       *checksum;
};

typedef struct
{
  char     **words;  /* folded words of the entry */
  guint      n_words;
  GPtrArray *group;  /* borrowed: the entries of its group, as folded strings */
} SynEntry;

G_DEFINE_FINAL_TYPE (VbLexicon, vb_lexicon, G_TYPE_OBJECT)

static void
syn_entry_free (gpointer data)
{
  SynEntry *entry = data;

  g_strfreev (entry->words);
  g_free (entry);
}

static void
vb_lexicon_finalize (GObject *object)
{
  VbLexicon *self = VB_LEXICON (object);

  g_clear_pointer (&self->stopwords, g_hash_table_unref);
  g_clear_pointer (&self->bases, g_hash_table_unref);
  g_clear_pointer (&self->synonyms, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->checksum, g_free);

  G_OBJECT_CLASS (vb_lexicon_parent_class)->finalize (object);
}

static void
vb_lexicon_class_init (VbLexiconClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vb_lexicon_finalize;
}

static void
vb_lexicon_init (VbLexicon *self)
{
  self->stopwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->bases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->synonyms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
}

/* Reads @name from @datadir, line by line, without comments and blank lines. A missing file
 * is an empty list; an unreadable one is an error. */
static char **
read_lines (const char    *datadir,
            const char    *name,
            GChecksum     *checksum,
            GError       **error)
{
  g_autofree char *path = g_build_filename (datadir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GError) local_error = NULL;
  gsize len;
  char **split;

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_new0 (char *, 1);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_checksum_update (checksum, (const guchar *) contents, len);

  split = g_strsplit (contents, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    {
      char *line = g_strstrip (split[i]);

      if (*line == '\0' || *line == '#')
        continue;
      g_ptr_array_add (lines, g_strdup (line));
    }
  g_strfreev (split);
  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

static void
add_base (VbLexicon  *self,
          const char *folded)
{
  if (strlen (folded) < 3)
    return;
  g_hash_table_add (self->bases, g_strdup (folded));
  g_hash_table_add (self->bases, vb_text_dup_stem (folded));
}

static void
load_synonyms (VbLexicon  *self,
               char      **lines)
{
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) entries = g_strsplit (lines[i], ",", -1);
      GPtrArray *group = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (self->groups, group);
      for (guint j = 0; entries[j] != NULL; j++)
        {
          g_autoptr(GPtrArray) words = vb_text_split_words (entries[j]);
          SynEntry *entry;
          GPtrArray *list;

          if (words->len == 0)
            continue;
          g_ptr_array_add (group, vb_text_fold (entries[j]));
          entry = g_new0 (SynEntry, 1);
          entry->n_words = words->len;
          entry->group = group;
          g_ptr_array_add (words, NULL);
          entry->words = (char **) g_ptr_array_steal (words, NULL);

          list = g_hash_table_lookup (self->synonyms, entry->words[0]);
          if (list == NULL)
            {
              list = g_ptr_array_new_with_free_func (syn_entry_free);
              g_hash_table_insert (self->synonyms, g_strdup (entry->words[0]), list);
            }
          g_ptr_array_add (list, entry);

          /* Single-word synonyms are also compound parts (idkaart, gba). */
          if (entry->n_words == 1)
            add_base (self, entry->words[0]);
        }
    }
}

VbLexicon *
vb_lexicon_new_from_dir (const char  *datadir,
                         GError     **error)
{
  g_autoptr(VbLexicon) self = g_object_new (VB_TYPE_LEXICON, NULL);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_auto(GStrv) stop = NULL;
  g_auto(GStrv) bases = NULL;
  g_auto(GStrv) synonyms = NULL;

  if (!(stop = read_lines (datadir, "stopwords.txt", checksum, error)) ||
      !(bases = read_lines (datadir, "lexicon.txt", checksum, error)) ||
      !(synonyms = read_lines (datadir, "synonyms.txt", checksum, error)))
    return NULL;

  for (guint i = 0; stop[i] != NULL; i++)
    g_hash_table_add (self->stopwords, vb_text_fold (stop[i]));
  for (guint i = 0; bases[i] != NULL; i++)
    {
      g_autofree char *folded = vb_text_fold (bases[i]);

      if (strchr (folded, ' ') == NULL)
        add_base (self, folded);
    }
  load_synonyms (self, synonyms);

  /* The index depends on the lexicon (compound parts) and on stemming. */
  g_checksum_update (checksum, (const guchar *) (vb_text_get_stemming () ? "s1" : "s0"), 2);
  self->checksum = g_strdup (g_checksum_get_string (checksum));

  return g_steal_pointer (&self);
}

/* The folder with the lexicon files and demo content: $VRAAGBAAK_DATADIR, the source tree's
 * data/ when running uninstalled, else the installed package data folder. */
char *
vb_data_dir (void)
{
  const char *env = g_getenv ("VRAAGBAAK_DATADIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (SOURCE_DATADIR "/lexicon.txt", G_FILE_TEST_EXISTS))
    return g_strdup (SOURCE_DATADIR);
  return g_strdup (PKGDATADIR);
}

static VbLexicon *default_lexicon;
G_LOCK_DEFINE_STATIC (default_lexicon);

/* The process-wide lexicon (borrowed). A folder that cannot be read gives an empty lexicon
 * and a warning: search still works, without synonyms and compounds. */
VbLexicon *
vb_lexicon_get_default (void)
{
  VbLexicon *ret;

  G_LOCK (default_lexicon);
  if (default_lexicon == NULL)
    {
      g_autofree char *dir = vb_data_dir ();
      g_autoptr(GError) error = NULL;

      default_lexicon = vb_lexicon_new_from_dir (dir, &error);
      if (default_lexicon == NULL)
        {
          g_warning ("Cannot read the search lexicon in %s: %s", dir, error->message);
          default_lexicon = g_object_new (VB_TYPE_LEXICON, NULL);
          default_lexicon->checksum = g_strdup ("empty");
        }
    }
  ret = default_lexicon;
  G_UNLOCK (default_lexicon);
  return ret;
}

/* Replaces the process-wide lexicon; for tests (stemming switched off, another folder). */
void
vb_lexicon_set_default (VbLexicon *lexicon)
{
  G_LOCK (default_lexicon);
  /* The old one is kept alive: tokenizers on open connections may still hold it. */
  if (default_lexicon != NULL)
    g_object_ref (default_lexicon);
  g_set_object (&default_lexicon, lexicon);
  G_UNLOCK (default_lexicon);
}

const char *
vb_lexicon_get_checksum (VbLexicon *self)
{
  g_return_val_if_fail (VB_IS_LEXICON (self), NULL);
  return self->checksum;
}

/* Separable verb particles: "Hoe vraag ik een paspoort aan?" is about aanvragen. */
gboolean
vb_lexicon_is_particle (const char *folded)
{
  static const char *particles[] = {
    "aan", "af", "bij", "binnen", "door", "in", "langs", "los", "mee", "na", "neer", "om", "op",
    "over", "terug", "toe", "uit", "vast", "weg", "voor", "samen", "tegen", "open", "dicht",
  };

  for (guint i = 0; i < G_N_ELEMENTS (particles); i++)
    if (strcmp (folded, particles[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
vb_lexicon_is_stopword (VbLexicon  *self,
                        const char *folded)
{
  return g_hash_table_contains (self->stopwords, folded);
}

static gboolean
is_base (VbLexicon  *self,
         const char *part,
         gsize       len)
{
  char buf[VB_TEXT_MAX_TOKEN * 2];
  char stem[VB_TEXT_MAX_TOKEN * 2];

  if (len < 3 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, part, len);
  buf[len] = '\0';
  if (g_hash_table_contains (self->bases, buf))
    return TRUE;
  vb_text_stem (buf, len, stem, sizeof stem);
  return g_hash_table_contains (self->bases, stem);
}

/* Splits a Dutch compound (paspoortaanvraag, identiteitskaart, gehandicaptenparkeerkaart)
 * into known base words, allowing the linking s. Fills @parts with owned folded strings and
 * returns how many, or 0 when the word is not a compound of known words. */
guint
vb_lexicon_split_compound (VbLexicon   *self,
                           const char  *folded,
                           char       **parts,
                           guint        max_parts)
{
  gsize len = strlen (folded);

  if (len < 6 || max_parts < 2 || g_hash_table_size (self->bases) == 0)
    return 0;

  /* Longest known head first: "parkeervergunning" is parkeer + vergunning. */
  for (gsize i = len - 3; i >= 3; i--)
    {
      gsize tail = i;
      gsize head = 0;

      /* The head may end in a linking -en, -er or -e (honden-belasting, kinder-paspoort):
       * the part is the word without it, as the index knows it. */
      if (i > 5 && folded[i - 2] == 'e' && (folded[i - 1] == 'n' || folded[i - 1] == 'r') &&
          is_base (self, folded, i - 2))
        head = i - 2;
      else if (i > 4 && folded[i - 1] == 'e' && is_base (self, folded, i - 1) &&
               !is_base (self, folded, i))
        head = i - 1;
      else if (is_base (self, folded, i))
        head = i;
      if (head == 0)
        continue;
      if (folded[i] == 's' && len - i - 1 >= 3 && !is_base (self, folded + i, len - i))
        tail = i + 1;  /* linking s: identiteit-s-kaart */

      if (is_base (self, folded + tail, len - tail))
        {
          parts[0] = g_strndup (folded, head);
          parts[1] = g_strndup (folded + tail, len - tail);
          return 2;
        }
      if (max_parts >= 3)
        {
          char *sub[2];
          g_autofree char *rest = g_strndup (folded + tail, len - tail);

          if (vb_lexicon_split_compound (self, rest, sub, 2) == 2)
            {
              parts[0] = g_strndup (folded, head);
              parts[1] = sub[0];
              parts[2] = sub[1];
              return 3;
            }
        }
    }
  return 0;
}

/* Finds the synonym entries that start at @words[0] (the longest that matches). Returns the
 * other entries of its group as folded strings (owned array), and sets @n_matched to the
 * number of words the match covers; NULL when there is none. */
GPtrArray *
vb_lexicon_lookup_synonyms (VbLexicon         *self,
                            const char *const *words,
                            guint              n_words,
                            guint             *n_matched)
{
  GPtrArray *entries;
  SynEntry *best = NULL;
  GPtrArray *result;
  g_autofree char *matched = NULL;

  *n_matched = 0;
  if (n_words == 0)
    return NULL;
  entries = g_hash_table_lookup (self->synonyms, words[0]);
  if (entries == NULL)
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      SynEntry *entry = g_ptr_array_index (entries, i);
      gboolean ok = entry->n_words <= n_words;

      for (guint j = 1; ok && j < entry->n_words; j++)
        ok = strcmp (entry->words[j], words[j]) == 0;
      if (ok && (best == NULL || entry->n_words > best->n_words))
        best = entry;
    }
  if (best == NULL)
    return NULL;

  matched = g_strjoinv (" ", best->words);
  result = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < best->group->len; i++)
    {
      const char *other = g_ptr_array_index (best->group, i);

      if (strcmp (other, matched) != 0)
        g_ptr_array_add (result, g_strdup (other));
    }
  *n_matched = best->n_words;
  return result;
}
