/* vb-searcher.c: Dutch search over the content database
 *
 * A query is split into folded words; Dutch stop words are dropped; each remaining word gets
 * alternatives (the exact word, its Snowball stem, a prefix when it is the word being typed,
 * synonyms from the lexicon, and the parts of a compound) that are OR-ed, and the words are
 * AND-ed. Candidates come from two FTS5 tables: a small one over titles and keywords and a
 * full one, each read in rowid order with a bound on the number of rows, so a short prefix
 * that matches thousands of items costs a bounded amount of work; vb_score() ranks them.
 * When not all words match together, an OR query adds items that match most words. When a
 * word is unknown to the index, it is corrected against the spelling vocabulary (trigram
 * candidates, edit distance up to 2) and the results are for the corrected query.
 *
 * A searcher owns one read connection and is used by one thread at a time (a mutex guards
 * it); make one per thread, or use the async call, which runs on a worker thread.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <stdlib.h>

#include "vb-lexicon.h"
#include "vb-searcher.h"
#include "vb-text.h"

/* How many rows each candidate query may read: enough to rank every match in a municipal
 * knowledge base (a few thousand items), bounded for a 100,000-item corpus. */
#define HEAD_CANDIDATES 200
#define ALL_CANDIDATES 200
#define OR_CANDIDATES 500
/* Fewer items than this match every word: add the items that match most of them. */
#define OR_BELOW 5
#define COMPLETIONS 16
#define MAX_QUERY_WORDS 12
#define SNIPPET_WORDS 24
#define SNIPPET_SCAN_BYTES 65536

struct _VbSearcher
{
  GObject       parent_instance;

  VbStore      *store;
  sqlite3      *db;
  GMutex        lock;
  VbLexicon    *lexicon;
  GCancellable *cancellable;  /* of the running search, for the progress handler */

  sqlite3_stmt *head_stmt;
  sqlite3_stmt *all_stmt;
  sqlite3_stmt *or_stmt;
  sqlite3_stmt *item_stmt;
  sqlite3_stmt *vocab_stmt;
  sqlite3_stmt *vocab_prefix_stmt;
  sqlite3_stmt *trigram_stmt;
  sqlite3_stmt *word_stmt;
  sqlite3_stmt *complete_stmt;
  sqlite3_stmt *body_stmt;
};

G_DEFINE_FINAL_TYPE (VbSearcher, vb_searcher, G_TYPE_OBJECT)

typedef struct
{
  char      *text;      /* folded word, or words joined by spaces (a synonym phrase) */
  guint      n_words;
  gboolean   prefix;
  char      *stem;      /* marked stems, space separated */
  GPtrArray *synonyms;  /* marked stem phrases */
  GPtrArray *parts;     /* marked stems of compound parts */
  GPtrArray *variants;  /* marked stems of other readings (participles) */
  GPtrArray *completions; /* for the typed word: the most frequent indexed words it starts */
  guint      slot;      /* first scoring slot: a compound has one per part */
  guint      n_slots;
} QWord;

/* One FTS5 expression and, for vb_score(), the query word each of its phrases stands for. */
typedef struct
{
  GString *expr;
  GString *phrases;   /* spec: word:weight per phrase, in expression order */
  guint    n_phrases;
} Expr;

typedef struct
{
  GPtrArray *words;     /* QWord */
  Expr       head_and;  /* for fts_head: every word, the typed one as a native prefix */
  Expr       all_and;   /* for fts_all: every word, the typed one as its completions */
  Expr       all_or;    /* for fts_all: any word */
  guint      n_concepts; /* words, counting each part of a compound */
  GHashTable *snippet_exact;  /* folded words */
  GHashTable *snippet_stems;  /* unmarked stems */
  GHashTable *snippet_heads;  /* first two bytes of each stem */
  char       *snippet_prefix;
} Query;

static guint
head_key (const char *word)
{
  return ((guint) (guchar) word[0] << 8) | (guchar) word[1];
}

static void
qword_free (gpointer data)
{
  QWord *w = data;

  g_free (w->text);
  g_free (w->stem);
  g_clear_pointer (&w->synonyms, g_ptr_array_unref);
  g_clear_pointer (&w->parts, g_ptr_array_unref);
  g_clear_pointer (&w->variants, g_ptr_array_unref);
  g_clear_pointer (&w->completions, g_ptr_array_unref);
  g_free (w);
}

static void
query_free (Query *q)
{
  Expr *exprs[] = { &q->head_and, &q->all_and, &q->all_or };

  g_ptr_array_unref (q->words);
  for (guint i = 0; i < G_N_ELEMENTS (exprs); i++)
    {
      g_string_free (exprs[i]->expr, TRUE);
      g_string_free (exprs[i]->phrases, TRUE);
    }
  g_hash_table_unref (q->snippet_exact);
  g_hash_table_unref (q->snippet_stems);
  g_hash_table_unref (q->snippet_heads);
  g_free (q->snippet_prefix);
  g_free (q);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Query, query_free)

static void
vb_searcher_finalize (GObject *object)
{
  VbSearcher *self = VB_SEARCHER (object);

  sqlite3_finalize (self->head_stmt);
  sqlite3_finalize (self->all_stmt);
  sqlite3_finalize (self->or_stmt);
  sqlite3_finalize (self->item_stmt);
  sqlite3_finalize (self->vocab_stmt);
  sqlite3_finalize (self->vocab_prefix_stmt);
  sqlite3_finalize (self->trigram_stmt);
  sqlite3_finalize (self->word_stmt);
  sqlite3_finalize (self->complete_stmt);
  sqlite3_finalize (self->body_stmt);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_object (&self->store);
  g_clear_object (&self->lexicon);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vb_searcher_parent_class)->finalize (object);
}

static void
vb_searcher_class_init (VbSearcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vb_searcher_finalize;
}

static void
vb_searcher_init (VbSearcher *self)
{
  g_mutex_init (&self->lock);
}

static int
on_progress (void *user_data)
{
  VbSearcher *self = user_data;

  return self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable);
}

VbSearcher *
vb_searcher_new (VbStore  *store,
                 GError  **error)
{
  g_autoptr(VbSearcher) self = g_object_new (VB_TYPE_SEARCHER, NULL);
  static const char *sql[] = {
    "SELECT rowid, vb_score (fts_head, ?2) FROM fts_head WHERE fts_head MATCH ?1 LIMIT ?3",
    "SELECT rowid, vb_score (fts_all, ?2) FROM fts_all WHERE fts_all MATCH ?1 LIMIT ?3",
    "SELECT rowid, vb_score (fts_all, ?2) FROM fts_all WHERE fts_all MATCH ?1 LIMIT ?3",
    "SELECT id, kind, title, origin, doelgroep, starts, ends FROM items WHERE rowid = ?",
    "SELECT doc FROM fts_all_vocab WHERE term = ?",
    "SELECT df FROM spell_words WHERE word >= ?1 AND word < ?2 LIMIT 1",
    "SELECT word FROM spell_trigrams WHERE trigram = ?1 AND len BETWEEN ?2 AND ?3",
    "SELECT df FROM spell_words WHERE word = ?",
    "SELECT word FROM spell_words WHERE word >= ?1 AND word < ?2 ORDER BY df DESC LIMIT "
      G_STRINGIFY (COMPLETIONS),
    "SELECT body FROM items WHERE rowid = ?",
  };
  sqlite3_stmt **stmts[] = {
    &self->head_stmt, &self->all_stmt, &self->or_stmt, &self->item_stmt, &self->vocab_stmt,
    &self->vocab_prefix_stmt, &self->trigram_stmt, &self->word_stmt, &self->complete_stmt,
    &self->body_stmt,
  };

  self->store = g_object_ref (store);
  self->lexicon = g_object_ref (vb_lexicon_get_default ());
  self->db = vb_store_open_reader (store, error);
  if (self->db == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    if (sqlite3_prepare_v3 (self->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, stmts[i], NULL))
      {
        g_set_error (error, VB_STORE_ERROR, VB_STORE_ERROR_READ, "Cannot prepare search: %s",
                     sqlite3_errmsg (self->db));
        return NULL;
      }
  sqlite3_progress_handler (self->db, 2000, on_progress, self);
  return g_steal_pointer (&self);
}

/* ---- building the query ---- */

static char *
marked_stems (const char *words)
{
  g_auto(GStrv) split = g_strsplit (words, " ", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; split[i] != NULL; i++)
    {
      g_autofree char *stem = vb_text_dup_stem (split[i]);

      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, VB_TEXT_MARK_STR);
      g_string_append (out, stem);
    }
  return g_string_free (out, FALSE);
}

static void
add_snippet_words (Query      *q,
                   const char *words)
{
  g_auto(GStrv) split = g_strsplit (words, " ", -1);

  for (guint i = 0; split[i] != NULL; i++)
    {
      g_hash_table_add (q->snippet_exact, g_strdup (split[i]));
      g_hash_table_add (q->snippet_stems, vb_text_dup_stem (split[i]));
    }
}

static void
add_phrase (Expr       *e,
            guint       word,
            guint       last,
            double      weight,
            const char *phrase,
            gboolean    prefix)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (e->expr, '"');
  g_string_append (e->expr, phrase);  /* folded words and marked stems: no quotes inside */
  g_string_append_c (e->expr, '"');
  if (prefix)
    g_string_append_c (e->expr, '*');
  if (last > word)
    g_string_append_printf (e->phrases, "%s%u-%u:%s", e->n_phrases > 0 ? "," : "", word, last,
                            g_ascii_formatd (buf, sizeof buf, "%.2f", weight));
  else
    g_string_append_printf (e->phrases, "%s%u:%s", e->n_phrases > 0 ? "," : "", word,
                            g_ascii_formatd (buf, sizeof buf, "%.2f", weight));
  e->n_phrases++;
}

typedef enum
{
  PREFIX_NATIVE,       /* "word"*: for a table with a prefix index of that length */
  PREFIX_COMPLETIONS,  /* the word's most frequent completions as whole words */
} PrefixMode;

static void
append_alternatives (Expr       *e,
                     QWord      *w,
                     PrefixMode  mode)
{
  guint first = w->slot, last = w->slot + w->n_slots - 1;

  g_string_append_c (e->expr, '(');
  add_phrase (e, first, last, 1.0, w->text, FALSE);
  g_string_append (e->expr, " OR ");
  add_phrase (e, first, last, 0.9, w->stem, FALSE);
  if (w->prefix && mode == PREFIX_NATIVE)
    {
      g_string_append (e->expr, " OR ");
      add_phrase (e, first, last, 0.8, w->text, TRUE);
    }
  else if (w->prefix)
    for (guint i = 0; w->completions != NULL && i < w->completions->len; i++)
      {
        g_string_append (e->expr, " OR ");
        add_phrase (e, first, last, 0.8, g_ptr_array_index (w->completions, i), FALSE);
      }
  for (guint i = 0; w->synonyms != NULL && i < w->synonyms->len; i++)
    {
      g_string_append (e->expr, " OR ");
      add_phrase (e, first, last, 0.85, g_ptr_array_index (w->synonyms, i), FALSE);
    }
  for (guint i = 0; w->variants != NULL && i < w->variants->len; i++)
    {
      g_string_append (e->expr, " OR ");
      add_phrase (e, first, last, 0.8, g_ptr_array_index (w->variants, i), FALSE);
    }
  if (w->parts != NULL && w->parts->len > 1)
    {
      /* A compound matches its parts anywhere in the item; each part is scored on its own. */
      g_string_append (e->expr, " OR (");
      for (guint i = 0; i < w->parts->len; i++)
        {
          if (i > 0)
            g_string_append (e->expr, " AND ");
          add_phrase (e, first + i, first + i, 0.8, g_ptr_array_index (w->parts, i), FALSE);
        }
      g_string_append_c (e->expr, ')');
    }
  g_string_append_c (e->expr, ')');
}

/* The indexed words that start with @prefix, most frequent first. A short prefix matches
 * thousands of words; FTS5 would merge all their document lists before reading a single row,
 * so the half-typed word stands for its most frequent completions, as in Xapian. */
static GPtrArray *
complete_prefix (VbSearcher *self,
                 const char *prefix)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  gsize len = strlen (prefix);
  g_autofree char *upper = g_strdup (prefix);

  /* The first string after every word with this prefix. */
  upper[len - 1]++;
  sqlite3_reset (self->complete_stmt);
  sqlite3_bind_text (self->complete_stmt, 1, prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->complete_stmt, 2, upper, -1, SQLITE_STATIC);
  while (sqlite3_step (self->complete_stmt) == SQLITE_ROW)
    {
      const char *word = (const char *) sqlite3_column_text (self->complete_stmt, 0);

      if (strcmp (word, prefix) != 0)
        g_ptr_array_add (words, g_strdup (word));
    }
  sqlite3_reset (self->complete_stmt);
  return words;
}

static void
append_filter (GString    *expr,
               const char *name,
               const char *value)
{
  g_autofree char *folded = vb_text_fold (value);

  g_string_append_printf (expr, " AND facets : \"%s:%s:", VB_TEXT_MARK_STR, name);
  for (const char *p = folded; *p; p++)
    if (*p != ' ')
      g_string_append_c (expr, *p);
  g_string_append_c (expr, '"');
}

/* Past participles the stemmer leaves alone: verlengd, gekapt, opgehaald, erkend. Adds the
 * stems of the verb they may come from. */
static GPtrArray *
participle_variants (const char *word)
{
  static const char *particles[] = { "aan", "af", "door", "in", "mee", "op", "over", "terug",
                                     "toe", "uit", "weg", "bij", "na", "om", "" };
  gsize len = strlen (word);
  GPtrArray *variants;
  char *base;

  if (len < 5 || (word[len - 1] != 'd' && word[len - 1] != 't'))
    return NULL;
  variants = g_ptr_array_new_with_free_func (g_free);
  base = g_strndup (word, len - 1);
  g_ptr_array_add (variants, marked_stems (base));
  for (guint i = 0; i < G_N_ELEMENTS (particles); i++)
    {
      gsize plen = strlen (particles[i]);

      if (len > plen + 4 && strncmp (word, particles[i], plen) == 0 &&
          strncmp (word + plen, "ge", 2) == 0)
        {
          g_autofree char *verb = g_strconcat (particles[i], base + plen + 2, NULL);

          g_ptr_array_add (variants, marked_stems (verb));
          break;
        }
    }
  g_free (base);
  return variants;
}

/* Builds the FTS5 expressions for @words (folded). The last word is a prefix when
 * @last_is_prefix. Returns NULL when nothing is left to search for. */
static Query *
build_query (VbSearcher            *self,
             GPtrArray             *words,
             gboolean               last_is_prefix,
             const VbSearchOptions *options)
{
  Query *q = g_new0 (Query, 1);
  guint n = words->len;

  q->words = g_ptr_array_new_with_free_func (qword_free);
  q->head_and.expr = g_string_new (NULL);
  q->head_and.phrases = g_string_new (NULL);
  q->all_and.expr = g_string_new (NULL);
  q->all_and.phrases = g_string_new (NULL);
  q->all_or.expr = g_string_new (NULL);
  q->all_or.phrases = g_string_new (NULL);
  q->snippet_exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  q->snippet_stems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  q->snippet_heads = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < n;)
    {
      QWord *w = g_new0 (QWord, 1);
      guint matched = 0;
      g_autoptr(GPtrArray) synonyms =
        vb_lexicon_lookup_synonyms (self->lexicon, (const char *const *) words->pdata + i,
                                    n - i, &matched);

      if (synonyms == NULL || matched == 0)
        matched = 1;
      w->n_words = matched;
      {
        GString *text = g_string_new (NULL);

        for (guint j = i; j < i + matched; j++)
          {
            if (j > i)
              g_string_append_c (text, ' ');
            g_string_append (text, g_ptr_array_index (words, j));
          }
        w->text = g_string_free (text, FALSE);
      }
      w->stem = marked_stems (w->text);
      /* A one-letter prefix matches nearly everything: only whole words then. */
      w->prefix = last_is_prefix && i + matched == n && matched == 1 && strlen (w->text) >= 2;
      add_snippet_words (q, w->text);
      if (w->prefix)
        {
          q->snippet_prefix = g_strdup (w->text);
          w->completions = complete_prefix (self, w->text);
        }

      if (synonyms != NULL)
        {
          w->synonyms = g_ptr_array_new_with_free_func (g_free);
          for (guint s = 0; s < synonyms->len; s++)
            {
              g_ptr_array_add (w->synonyms, marked_stems (g_ptr_array_index (synonyms, s)));
              add_snippet_words (q, g_ptr_array_index (synonyms, s));
            }
        }
      if (matched == 1 && !w->prefix)
        {
          w->variants = participle_variants (w->text);
          for (guint v = 0; w->variants != NULL && v < w->variants->len; v++)
            g_hash_table_add (q->snippet_stems,
                              g_strdup ((char *) g_ptr_array_index (w->variants, v) + 1));
        }
      if (matched == 1)
        {
          char *parts[3];
          guint n_parts = vb_lexicon_split_compound (self->lexicon, w->text, parts, 3);

          if (n_parts > 1)
            {
              w->parts = g_ptr_array_new_with_free_func (g_free);
              for (guint p = 0; p < n_parts; p++)
                {
                  g_ptr_array_add (w->parts, marked_stems (parts[p]));
                  add_snippet_words (q, parts[p]);
                  g_free (parts[p]);
                }
            }
        }
      w->slot = q->n_concepts;
      w->n_slots = w->parts != NULL ? w->parts->len : 1;
      g_ptr_array_add (q->words, w);
      q->n_concepts += w->n_slots;
      i += matched;
    }

  if (q->words->len == 0)
    {
      query_free (q);
      return NULL;
    }

  for (guint i = 0; i < q->words->len; i++)
    {
      QWord *w = g_ptr_array_index (q->words, i);

      if (i > 0)
        {
          g_string_append (q->head_and.expr, " AND ");
          g_string_append (q->all_and.expr, " AND ");
          g_string_append (q->all_or.expr, " OR ");
        }
      /* fts_head has prefix indexes for 2 and 3 characters; longer prefixes complete. */
      append_alternatives (&q->head_and, w, strlen (w->text) <= 3 ? PREFIX_NATIVE
                                                                  : PREFIX_COMPLETIONS);
      append_alternatives (&q->all_and, w, PREFIX_COMPLETIONS);
      append_alternatives (&q->all_or, w, PREFIX_COMPLETIONS);
    }

  /* Filters go last, so the phrase numbers of the words stay as recorded. */
  {
    GString *filters = g_string_new (NULL);
    Expr *exprs[] = { &q->head_and, &q->all_and, &q->all_or };

    if (options->kind >= 0)
      append_filter (filters, "t", vb_item_kind_to_string (options->kind));
    if (g_strcmp0 (options->doelgroep, "particulier") == 0)
      append_filter (filters, "dg", "burger");
    else if (g_strcmp0 (options->doelgroep, "ondernemer") == 0)
      append_filter (filters, "dg", "bedrijf");
    if (options->afdeling != NULL && *options->afdeling != '\0')
      append_filter (filters, "afd", options->afdeling);
    for (guint i = 0; filters->len > 0 && i < G_N_ELEMENTS (exprs); i++)
      {
        g_string_prepend_c (exprs[i]->expr, '(');
        g_string_append_c (exprs[i]->expr, ')');
        g_string_append (exprs[i]->expr, filters->str);
      }
    g_string_free (filters, TRUE);
  }

  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, q->snippet_stems);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (strlen (key) >= 2)
        g_hash_table_add (q->snippet_heads, GUINT_TO_POINTER (head_key (key)));
  }
  return q;
}

static char *
make_spec (Query      *q,
           Expr       *e,
           const char *columns)
{
  return g_strdup_printf ("c=%s;w=%u;%s", columns, q->n_concepts, e->phrases->str);
}

/* ---- candidates ---- */

typedef struct
{
  sqlite3_int64 rowid;
  double        score;
} Candidate;

static gboolean
run_candidates (VbSearcher    *self,
                sqlite3_stmt  *stmt,
                const char    *expr,
                const char    *spec,
                int            limit,
                GHashTable    *scores,
                GError       **error)
{
  int rc;
  guint found = 0;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, expr, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, spec, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      sqlite3_int64 rowid = sqlite3_column_int64 (stmt, 0);
      double score = sqlite3_column_double (stmt, 1);
      double *old = g_hash_table_lookup (scores, &rowid);

      found++;
      if (old == NULL)
        {
          Candidate *c = g_new (Candidate, 1);

          c->rowid = rowid;
          c->score = score;
          g_hash_table_insert (scores, &c->rowid, &c->score);
        }
      else if (score > *old)
        *old = score;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      if (rc == SQLITE_INTERRUPT)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Search cancelled");
      else
        g_set_error (error, VB_STORE_ERROR, VB_STORE_ERROR_READ, "Search failed: %s",
                     sqlite3_errmsg (self->db));
      return FALSE;
    }
  return TRUE;
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a, *cb = b;

  if (ca->score != cb->score)
    return ca->score < cb->score ? 1 : -1;
  return ca->rowid < cb->rowid ? -1 : ca->rowid > cb->rowid;
}

/* ---- snippets ---- */

typedef struct
{
  gsize    start, end;
  gboolean match;
} SnipWord;

typedef struct
{
  Query  *q;
  GArray *words;
} SnipData;

static gboolean
word_matches (Query      *q,
              const char *folded,
              gsize       len)
{
  char stem[VB_TEXT_MAX_TOKEN * 2];

  if (g_hash_table_contains (q->snippet_exact, folded))
    return TRUE;
  if (q->snippet_prefix != NULL && g_str_has_prefix (folded, q->snippet_prefix))
    return TRUE;
  /* A word whose first two letters start no query stem cannot stem to one: skip the
   * stemmer for almost every word of the body. */
  if (len < 2 || !g_hash_table_contains (q->snippet_heads, GUINT_TO_POINTER (head_key (folded))))
    return FALSE;
  vb_text_stem (folded, len, stem, sizeof stem);
  return g_hash_table_contains (q->snippet_stems, stem);
}

static gboolean
collect_snip_word (const char *folded,
                   gsize       len,
                   gsize       start,
                   gsize       end,
                   gpointer    user_data)
{
  SnipData *data = user_data;
  SnipWord w = { start, end, word_matches (data->q, folded, len) };

  g_array_append_val (data->words, w);
  return TRUE;
}

static void
append_escaped (GString    *out,
                const char *text,
                gsize       len)
{
  g_autofree char *escaped = g_markup_escape_text (text, len);

  g_string_append (out, escaped);
}

/* A window of the body around the most matched words, as Pango markup with <b> marks. */
static char *
make_snippet (Query      *q,
              const char *body)
{
  gsize body_len = strlen (body);
  gsize scan = MIN (body_len, (gsize) SNIPPET_SCAN_BYTES);
  g_autoptr(GArray) words = g_array_new (FALSE, FALSE, sizeof (SnipWord));
  SnipData data = { q, words };
  guint best_start = 0, best_count = 0, count = 0;
  guint n, first, last;
  GString *out;

  /* Do not cut a UTF-8 sequence in half. */
  while (scan < body_len && scan > 0 && ((guchar) body[scan] & 0xC0) == 0x80)
    scan--;
  vb_text_foreach_word (body, scan, collect_snip_word, &data);
  n = words->len;
  if (n == 0)
    return g_strdup ("");

  for (guint i = 0; i < n; i++)
    {
      if (g_array_index (words, SnipWord, i).match)
        count++;
      if (i >= SNIPPET_WORDS && g_array_index (words, SnipWord, i - SNIPPET_WORDS).match)
        count--;
      if (count > best_count)
        {
          best_count = count;
          best_start = i + 1 > SNIPPET_WORDS ? i + 1 - SNIPPET_WORDS : 0;
        }
    }
  /* Start a little before the first match, so the sentence reads. */
  first = best_start;
  if (best_count > 0)
    {
      while (first < n && !g_array_index (words, SnipWord, first).match)
        first++;
      first = first >= 4 ? first - 4 : 0;
    }
  last = MIN (n, first + SNIPPET_WORDS) - 1;

  out = g_string_new (NULL);
  if (first > 0)
    g_string_append (out, "… ");
  for (guint i = first; i <= last; i++)
    {
      SnipWord *w = &g_array_index (words, SnipWord, i);

      if (i > first)
        {
          SnipWord *prev = &g_array_index (words, SnipWord, i - 1);
          /* Keep the punctuation between words, with white space folded to one space. */
          gboolean space = FALSE;

          for (const char *p = body + prev->end; p < body + w->start; p++)
            {
              if (g_ascii_isspace (*p))
                space = TRUE;
              else
                {
                  if (space)
                    g_string_append_c (out, ' ');
                  space = FALSE;
                  if (*p == '<')
                    g_string_append (out, "&lt;");
                  else if (*p == '>')
                    g_string_append (out, "&gt;");
                  else if (*p == '&')
                    g_string_append (out, "&amp;");
                  else if (*p == '"')
                    g_string_append (out, "&quot;");
                  else if (*p == '\'')
                    g_string_append (out, "&apos;");
                  else
                    g_string_append_c (out, *p);
                }
            }
          if (space)
            g_string_append_c (out, ' ');
        }
      if (w->match)
        g_string_append (out, "<b>");
      append_escaped (out, body + w->start, w->end - w->start);
      if (w->match)
        g_string_append (out, "</b>");
    }
  if (last + 1 < n)
    g_string_append (out, " …");
  return g_string_free (out, FALSE);
}

/* ---- spelling ---- */

/* How many items contain @word (from the spelling vocabulary, a B-tree lookup: FTS5's vocab
 * table would read the word's whole document list to count). */
static gint64
word_count (VbSearcher *self,
            const char *word)
{
  gint64 count = 0;

  sqlite3_reset (self->word_stmt);
  sqlite3_bind_text (self->word_stmt, 1, word, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (self->word_stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (self->word_stmt, 0);
  sqlite3_reset (self->word_stmt);
  return count;
}

static gboolean
word_is_known (VbSearcher *self,
               const char *word,
               gboolean    prefix)
{
  g_autofree char *stem = NULL;
  g_autofree char *marked = NULL;
  gboolean known = FALSE;

  if (word_count (self, word) > 0)
    return TRUE;
  if (prefix)
    {
      g_autofree char *upper = g_strdup (word);

      upper[strlen (upper) - 1]++;
      sqlite3_reset (self->vocab_prefix_stmt);
      sqlite3_bind_text (self->vocab_prefix_stmt, 1, word, -1, SQLITE_STATIC);
      sqlite3_bind_text (self->vocab_prefix_stmt, 2, upper, -1, SQLITE_STATIC);
      known = sqlite3_step (self->vocab_prefix_stmt) == SQLITE_ROW;
      sqlite3_reset (self->vocab_prefix_stmt);
      if (known)
        return TRUE;
    }
  /* An inflection of a known word (its stem is indexed). Rare words have short lists. */
  stem = vb_text_dup_stem (word);
  marked = g_strconcat (VB_TEXT_MARK_STR, stem, NULL);
  sqlite3_reset (self->vocab_stmt);
  sqlite3_bind_text (self->vocab_stmt, 1, marked, -1, SQLITE_STATIC);
  known = sqlite3_step (self->vocab_stmt) == SQLITE_ROW && sqlite3_column_int64 (self->vocab_stmt, 0) > 0;
  sqlite3_reset (self->vocab_stmt);
  return known;
}

typedef struct
{
  char *word;
  guint shared;
} SpellCandidate;

static int
compare_spell (gconstpointer a,
               gconstpointer b)
{
  const SpellCandidate *ca = a, *cb = b;

  return (int) cb->shared - (int) ca->shared;
}

/* The closest known word to @word (edit distance up to 2, 1 for short words), or NULL. */
static char *
correct_word (VbSearcher *self,
              const char *word)
{
  g_autofree char *padded = g_strdup_printf ("^%s$", word);
  g_autoptr(GHashTable) shared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (SpellCandidate));
  gsize len = strlen (word);
  guint max_distance = len <= 5 ? 1 : 2;
  GHashTableIter iter;
  gpointer key, value;
  char *best = NULL;
  guint best_distance = max_distance + 1;
  gint64 best_count = 0;

  if (len < 4 || len > 32)
    return NULL;

  for (gsize i = 0; i + 3 <= strlen (padded); i++)
    {
      sqlite3_reset (self->trigram_stmt);
      sqlite3_bind_text (self->trigram_stmt, 1, padded + i, 3, SQLITE_TRANSIENT);
      sqlite3_bind_int (self->trigram_stmt, 2, len > max_distance ? len - max_distance : 0);
      sqlite3_bind_int (self->trigram_stmt, 3, len + max_distance);
      while (sqlite3_step (self->trigram_stmt) == SQLITE_ROW)
        {
          const char *cand = (const char *) sqlite3_column_text (self->trigram_stmt, 0);
          gpointer old;

          old = g_hash_table_lookup (shared, cand);
          g_hash_table_replace (shared, g_strdup (cand), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
        }
      sqlite3_reset (self->trigram_stmt);
    }

  g_hash_table_iter_init (&iter, shared);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SpellCandidate c = { key, GPOINTER_TO_UINT (value) };

      g_array_append_val (candidates, c);
    }
  g_array_sort (candidates, compare_spell);

  for (guint i = 0; i < MIN (candidates->len, 200u); i++)
    {
      SpellCandidate *c = &g_array_index (candidates, SpellCandidate, i);
      guint distance = vb_text_edit_distance (word, c->word, max_distance);
      gint64 count;

      if (distance > max_distance || distance == 0)
        continue;
      if (distance > best_distance)
        continue;
      count = word_count (self, c->word);
      if (count == 0)
        continue;  /* the word has left the index since */
      if (distance < best_distance || count > best_count)
        {
          g_free (best);
          best = g_strdup (c->word);
          best_distance = distance;
          best_count = count;
        }
    }
  return best;
}

/* ---- search ---- */

static gboolean
is_separator_end (const char *query)
{
  gsize len = strlen (query);
  const char *last;
  gunichar ch;

  if (len == 0)
    return TRUE;
  last = g_utf8_find_prev_char (query, query + len);
  if (last == NULL)
    return TRUE;
  ch = g_utf8_get_char_validated (last, query + len - last);
  if (ch == (gunichar) -1 || ch == (gunichar) -2)
    return TRUE;
  return !g_unichar_isalnum (ch);
}


typedef struct
{
  sqlite3_int64 rowid;
  double        score;
  VbItemKind    kind;
  char         *id, *title, *origin, *doelgroep;
} Row;

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->id);
  g_free (row->title);
  g_free (row->origin);
  g_free (row->doelgroep);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *ra = a, *rb = b;

  if (ra->score != rb->score)
    return ra->score < rb->score ? 1 : -1;
  return ra->rowid < rb->rowid ? -1 : ra->rowid > rb->rowid;
}

static GPtrArray *
run_query (VbSearcher             *self,
           Query                  *q,
           const VbSearchOptions  *options,
           guint                  *n_and,
           GError                **error)
{
  g_autoptr(GHashTable) scores = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *spec_head = make_spec (q, &q->head_and, "10,6,0");
  g_autofree char *spec_all = make_spec (q, &q->all_and, "10,6,1,0");
  g_autofree char *spec_or = make_spec (q, &q->all_or, "10,6,1,0");
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Candidate));
  GPtrArray *hits = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  guint limit = options->limit > 0 ? options->limit : 20;
  guint window;
  gint64 now = options->now > 0 ? options->now : g_get_real_time () / G_USEC_PER_SEC;
  GHashTableIter iter;

  g_array_set_clear_func (rows, row_clear);
  gpointer key, value;

  if (!run_candidates (self, self->head_stmt, q->head_and.expr->str, spec_head, HEAD_CANDIDATES,
                       scores, error) ||
      !run_candidates (self, self->all_stmt, q->all_and.expr->str, spec_all, ALL_CANDIDATES,
                       scores, error))
    {
      g_ptr_array_unref (hits);
      return NULL;
    }
  *n_and = g_hash_table_size (scores);

  /* Not enough items match every word: add those that match most of them. */
  if (q->words->len > 1 && g_hash_table_size (scores) < MIN (limit, OR_BELOW) &&
      !run_candidates (self, self->or_stmt, q->all_or.expr->str, spec_or, OR_CANDIDATES, scores,
                       error))
    {
      g_ptr_array_unref (hits);
      return NULL;
    }

  g_hash_table_iter_init (&iter, scores);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Candidate c = { *(sqlite3_int64 *) key, *(double *) value };

      g_array_append_val (sorted, c);
    }
  g_array_sort (sorted, compare_candidates);

  /* Re-rank the head of the list with what the index does not hold: the kind. A query of two
   * or more concepts ("paspoort kosten") asks a question, which a VAC answers; a single
   * concept ("paspoort") asks for the product page. Notices outside their window go. */
  window = MIN (sorted->len, limit * 3 + 10);
  for (guint i = 0; i < window; i++)
    {
      Candidate *c = &g_array_index (sorted, Candidate, i);
      sqlite3_stmt *stmt = self->item_stmt;
      Row row = { 0 };

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, c->rowid);
      if (sqlite3_step (stmt) != SQLITE_ROW ||
          !vb_item_kind_from_string ((const char *) sqlite3_column_text (stmt, 1), &row.kind))
        continue;
      if (row.kind == VB_ITEM_NOTICE)
        {
          gint64 starts = vb_parse_time ((const char *) sqlite3_column_text (stmt, 5));
          gint64 ends = vb_parse_time ((const char *) sqlite3_column_text (stmt, 6));

          /* Only published notices: started and not yet ended. */
          if ((starts > 0 && starts > now) || (ends > 0 && ends <= now))
            continue;
        }
      row.rowid = c->rowid;
      row.score = c->score;
      if (row.kind == VB_ITEM_VAC && q->n_concepts >= 2)
        row.score *= 1.25;
      else if (row.kind == VB_ITEM_PRODUCT && q->n_concepts == 1)
        row.score *= 1.1;
      row.id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row.title = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row.origin = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row.doelgroep = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_array_append_val (rows, row);
    }
  g_array_sort (rows, compare_rows);

  for (guint i = 0; i < rows->len && hits->len < limit; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      g_autofree char *snippet = NULL;
      const char *body = NULL;

      /* The body only for what is shown: it is the large column. */
      sqlite3_reset (self->body_stmt);
      sqlite3_bind_int64 (self->body_stmt, 1, row->rowid);
      if (sqlite3_step (self->body_stmt) == SQLITE_ROW)
        body = (const char *) sqlite3_column_text (self->body_stmt, 0);
      snippet = make_snippet (q, body != NULL ? body : "");
      sqlite3_reset (self->body_stmt);

      g_ptr_array_add (hits, vb_search_hit_new (row->id, row->kind, row->title, snippet,
                                                row->score, row->origin, row->doelgroep));
    }
  sqlite3_reset (self->item_stmt);
  return hits;
}

static VbSearchResults *
search_locked (VbSearcher             *self,
               const char             *query,
               const VbSearchOptions  *options,
               GError                **error)
{
  g_autoptr(GPtrArray) all_words = vb_text_split_words (query);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(Query) q = NULL;
  gboolean last_is_prefix = !is_separator_end (query);
  gboolean corrected = FALSE;
  g_autoptr(GString) suggestion = NULL;
  guint n_and = 0;

  /* Drop stop words, unless nothing else is left ("wie is er"). */
  for (guint i = 0; i < all_words->len && words->len < MAX_QUERY_WORDS; i++)
    {
      const char *w = g_ptr_array_index (all_words, i);
      gboolean is_last = i + 1 == all_words->len;

      /* Internal tokens cannot be typed: a control character in the query is just noise. */
      if (w[0] == VB_TEXT_MARK)
        continue;

      /* A stop word being typed may be the start of a real word ("de" -> "deelauto"). */
      if (vb_lexicon_is_stopword (self->lexicon, w) && !(is_last && last_is_prefix))
        continue;
      g_ptr_array_add (words, g_strdup (w));
    }
  if (words->len == 0)
    for (guint i = 0; i < all_words->len && words->len < MAX_QUERY_WORDS; i++)
      if (((const char *) g_ptr_array_index (all_words, i))[0] != VB_TEXT_MARK)
        g_ptr_array_add (words, g_strdup (g_ptr_array_index (all_words, i)));
  if (words->len == 0)
    return vb_search_results_new (query, NULL, NULL);
  /* The typed word was dropped as a stop word only if it was not the last one. */
  if (last_is_prefix &&
      g_strcmp0 (g_ptr_array_index (words, words->len - 1),
                 g_ptr_array_index (all_words, all_words->len - 1)) != 0)
    last_is_prefix = FALSE;

  q = build_query (self, words, last_is_prefix, options);
  if (q == NULL)
    return vb_search_results_new (query, NULL, NULL);
  hits = run_query (self, q, options, &n_and, error);
  if (hits == NULL)
    return NULL;

  /* Correct words the index does not know, and search again with the corrections. */
  if (n_and == 0)
    {
      g_autoptr(GPtrArray) fixed = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < words->len; i++)
        {
          const char *w = g_ptr_array_index (words, i);
          gboolean prefix = last_is_prefix && i + 1 == words->len;
          char *fix = NULL;

          if (!word_is_known (self, w, prefix))
            fix = correct_word (self, w);
          if (fix != NULL)
            corrected = TRUE;
          g_ptr_array_add (fixed, fix != NULL ? fix : g_strdup (w));
        }

      if (corrected)
        {
          g_autoptr(Query) q2 = build_query (self, fixed, last_is_prefix, options);
          g_autoptr(GPtrArray) hits2 = NULL;

          if (q2 != NULL && (hits2 = run_query (self, q2, options, &n_and, error)) == NULL)
            return NULL;
          if (hits2 != NULL && hits2->len > 0)
            {
              g_ptr_array_unref (hits);
              hits = g_steal_pointer (&hits2);
              /* The suggestion keeps the words as typed, with only the typos replaced. */
              suggestion = g_string_new (NULL);
              for (guint i = 0, k = 0; i < all_words->len; i++)
                {
                  const char *w = g_ptr_array_index (all_words, i);

                  if (suggestion->len > 0)
                    g_string_append_c (suggestion, ' ');
                  if (k < words->len && g_str_equal (w, g_ptr_array_index (words, k)))
                    g_string_append (suggestion, g_ptr_array_index (fixed, k++));
                  else
                    g_string_append (suggestion, w);
                }
            }
        }
    }

  return vb_search_results_new (query, hits, suggestion != NULL ? suggestion->str : NULL);
}

/* Searches for @query; any text is a valid query. Returns NULL only on a database error or
 * cancellation. */
VbSearchResults *
vb_searcher_search (VbSearcher             *self,
                    const char             *query,
                    const VbSearchOptions  *options,
                    GError                **error)
{
  VbSearchOptions defaults = VB_SEARCH_OPTIONS_INIT;
  g_autofree char *valid = NULL;
  VbSearchResults *results;

  g_return_val_if_fail (VB_IS_SEARCHER (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (options == NULL)
    options = &defaults;
  valid = g_utf8_make_valid (query, MIN (strlen (query), (gsize) 4096));

  g_mutex_lock (&self->lock);
  results = search_locked (self, valid, options, error);
  g_mutex_unlock (&self->lock);
  return results;
}

typedef struct
{
  char            *query;
  char            *doelgroep;
  char            *afdeling;
  VbSearchOptions  options;
} SearchData;

static void
search_data_free (gpointer data)
{
  SearchData *d = data;

  g_free (d->query);
  g_free (d->doelgroep);
  g_free (d->afdeling);
  g_free (d);
}

static void
search_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VbSearcher *self = source;
  SearchData *d = task_data;
  VbSearchResults *results;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  g_mutex_lock (&self->lock);
  self->cancellable = cancellable;
  results = search_locked (self, d->query, &d->options, &error);
  self->cancellable = NULL;
  g_mutex_unlock (&self->lock);

  if (results == NULL)
    g_task_return_error (task, error);
  else if (g_task_return_error_if_cancelled (task))
    g_object_unref (results);
  else
    g_task_return_pointer (task, results, g_object_unref);
}

/* Runs the search on a worker thread. Cancel @cancellable when a newer query replaces this
 * one: a running statement is interrupted. */
void
vb_searcher_search_async (VbSearcher             *self,
                          const char             *query,
                          const VbSearchOptions  *options,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SearchData *d = g_new0 (SearchData, 1);
  VbSearchOptions defaults = VB_SEARCH_OPTIONS_INIT;

  if (options == NULL)
    options = &defaults;
  d->query = g_utf8_make_valid (query, MIN (strlen (query), (gsize) 4096));
  d->options = *options;
  d->doelgroep = g_strdup (options->doelgroep);
  d->afdeling = g_strdup (options->afdeling);
  d->options.doelgroep = d->doelgroep;
  d->options.afdeling = d->afdeling;
  g_task_set_source_tag (task, vb_searcher_search_async);
  g_task_set_task_data (task, d, search_data_free);
  g_task_run_in_thread (task, search_thread);
}

VbSearchResults *
vb_searcher_search_finish (VbSearcher    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
