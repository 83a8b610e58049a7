/* vb-fts.c: the Dutch FTS5 tokenizer and ranking function
 *
 * Tokenizer "vb": splits on non-alphanumerics, folds case and diacritics, and for every word
 * in a document also emits, at the same position, the stem (with VB_TEXT_MARK in front, so a
 * stem never collides with a real word) and the stems of its compound parts. Queries are
 * built by the searcher from already folded words and stems, so in query mode the tokenizer
 * only folds. Prefix queries therefore match original words only, which keeps their doclists
 * small and lets a half-typed inflected word match.
 *
 * Auxiliary function vb_score(table, spec): a cheap ranking that knows which query word each
 * phrase stands for (the searcher passes that mapping as @spec), so a word counts once,
 * however many alternatives (exact, stem, prefix, synonym, compound) matched it.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <stdlib.h>
#include <math.h>

#include "vb-fts.h"
#include "vb-lexicon.h"
#include "vb-text.h"

#define CACHE_MAX 100000

typedef struct
{
  VbLexicon  *lexicon;
  gboolean    stemming;
  GHashTable *analysis;  /* folded word -> "stem\0part\0part\0\0" */
} Analyzer;

static void
analyzer_free (gpointer data)
{
  Analyzer *a = data;

  if (a == NULL)
    return;
  g_clear_pointer (&a->analysis, g_hash_table_unref);
  g_clear_object (&a->lexicon);
  g_free (a);
}

/* One cache of word analyses for the process: words follow Zipf's law, so most are seen
 * before. Only documents are analysed (queries arrive analysed), and only writers tokenize
 * documents, so the lock is held by one connection at a time in practice. It was per thread
 * before; a sync applies its pages on whichever thread of GIO's pool is free, so each of
 * those threads built its own copy of the same cache. */
static GMutex analyzer_lock;
static Analyzer *shared_analyzer;

/* Locks the cache; release it with release_analyzer() once its strings are no longer used. */
static Analyzer *
get_analyzer (void)
{
  VbLexicon *lexicon = vb_lexicon_get_default ();
  Analyzer *a;

  g_mutex_lock (&analyzer_lock);
  a = shared_analyzer;
  if (a == NULL || a->lexicon != lexicon || a->stemming != vb_text_get_stemming () ||
      g_hash_table_size (a->analysis) > CACHE_MAX)
    {
      analyzer_free (a);
      a = g_new0 (Analyzer, 1);
      a->lexicon = g_object_ref (lexicon);
      a->stemming = vb_text_get_stemming ();
      a->analysis = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      shared_analyzer = a;
    }
  return a;
}

static void
release_analyzer (void)
{
  g_mutex_unlock (&analyzer_lock);
}

/* Returns the analysis of @folded: consecutive NUL-terminated strings (stem, then compound
 * part stems), ending with an empty string. */
static const char *
analyze (Analyzer   *a,
         const char *folded,
         gsize       len)
{
  const char *cached = g_hash_table_lookup (a->analysis, folded);
  GString *out;
  char stem[VB_TEXT_MAX_TOKEN * 2];
  char *parts[3];
  guint n_parts;

  if (cached != NULL)
    return cached;

  out = g_string_new (NULL);
  vb_text_stem (folded, len, stem, sizeof stem);
  g_string_append (out, stem);
  g_string_append_c (out, '\0');

  n_parts = vb_lexicon_split_compound (a->lexicon, folded, parts, 3);
  for (guint i = 0; i < n_parts; i++)
    {
      vb_text_stem (parts[i], strlen (parts[i]), stem, sizeof stem);
      g_string_append (out, stem);
      g_string_append_c (out, '\0');
      g_free (parts[i]);
    }
  g_string_append_c (out, '\0');

  cached = out->str;
  g_hash_table_insert (a->analysis, g_strndup (folded, len), g_string_free (out, FALSE));
  return cached;
}

typedef struct
{
  void *ctx;
  int (*token) (void *, int, const char *, int, int, int);
  int flags;
  int rc;
  Analyzer *analyzer;
  const char *text;

  /* Document mode keeps one word back, to know whether it ends its sentence. */
  gboolean has_pending;
  char     pending[VB_TEXT_MAX_TOKEN + 1];
  gsize    pending_len, pending_start, pending_end;
  /* The first content words of the sentence: candidates for a separable verb. */
  char     heads[2][VB_TEXT_MAX_TOKEN + 1];
  guint    n_heads;
  guint    sentence_words;
} TokenizeData;

static gboolean
emit_marked (TokenizeData *data,
             const char   *stem,
             gsize         slen,
             gsize         start,
             gsize         end)
{
  char buf[VB_TEXT_MAX_TOKEN * 2 + 2];

  slen = MIN (slen, (gsize) VB_TEXT_MAX_TOKEN * 2);
  buf[0] = VB_TEXT_MARK;
  memcpy (buf + 1, stem, slen);
  data->rc = data->token (data->ctx, FTS5_TOKEN_COLOCATED, buf, slen + 1, start, end);
  return data->rc == SQLITE_OK;
}

/* "Hoe vraag ik een paspoort aan?": a particle that ends the sentence belongs to the verb at
 * its start, so the stem of "aanvraag" is indexed at the particle, and a search for
 * "paspoort aanvragen" finds the question. */
static gboolean
emit_separable (TokenizeData *data)
{
  char combo[VB_TEXT_MAX_TOKEN * 2 + 2];
  char stem[VB_TEXT_MAX_TOKEN * 2 + 2];

  for (guint i = 0; i < data->n_heads; i++)
    {
      gsize hlen = strlen (data->heads[i]);
      gsize clen;

      for (int drop_t = 0; drop_t < 2; drop_t++)
        {
          /* Also without the -t of "vraagt", "geeft". */
          if (drop_t && (hlen < 4 || data->heads[i][hlen - 1] != 't'))
            break;
          clen = data->pending_len + hlen - drop_t;
          memcpy (combo, data->pending, data->pending_len);
          memcpy (combo + data->pending_len, data->heads[i], hlen - drop_t);
          combo[clen] = '\0';
          clen = vb_text_stem (combo, clen, stem, sizeof stem);
          if (!emit_marked (data, stem, clen, data->pending_start, data->pending_end))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
flush_pending (TokenizeData *data,
               gboolean      ends_sentence)
{
  const char *analysis;

  if (!data->has_pending)
    return TRUE;
  data->has_pending = FALSE;

  data->rc = data->token (data->ctx, 0, data->pending, data->pending_len, data->pending_start,
                          data->pending_end);
  if (data->rc != SQLITE_OK)
    return FALSE;

  analysis = analyze (data->analyzer, data->pending, data->pending_len);
  for (const char *s = analysis; *s != '\0'; s += strlen (s) + 1)
    if (!emit_marked (data, s, strlen (s), data->pending_start, data->pending_end))
      return FALSE;

  if (ends_sentence && data->sentence_words > 2 && vb_lexicon_is_particle (data->pending))
    return emit_separable (data);
  return TRUE;
}

static gboolean
is_sentence_break (const char *text,
                   gsize       from,
                   gsize       to)
{
  for (gsize i = from; i < to; i++)
    if (text[i] == '.' || text[i] == '?' || text[i] == '!' || text[i] == ';' ||
        text[i] == ':' || text[i] == '\n')
      return TRUE;
  return FALSE;
}

static gboolean
emit_word (const char *folded,
           gsize       folded_len,
           gsize       start,
           gsize       end,
           gpointer    user_data)
{
  TokenizeData *data = user_data;
  gboolean boundary;

  /* Queries are built from folded words and marked stems: nothing more to add. */
  if ((data->flags & FTS5_TOKENIZE_DOCUMENT) == 0)
    {
      data->rc = data->token (data->ctx, 0, folded, folded_len, start, end);
      return data->rc == SQLITE_OK;
    }

  /* Internal tokens (facets) are indexed as they are. */
  if (folded[0] == VB_TEXT_MARK)
    {
      if (!flush_pending (data, TRUE))
        return FALSE;
      data->rc = data->token (data->ctx, 0, folded, folded_len, start, end);
      return data->rc == SQLITE_OK;
    }

  boundary = !data->has_pending || is_sentence_break (data->text, data->pending_end, start);
  if (!flush_pending (data, boundary))
    return FALSE;
  if (boundary)
    {
      data->n_heads = 0;
      data->sentence_words = 0;
    }
  data->sentence_words++;
  if (data->n_heads < 2 && data->sentence_words <= 4 && folded_len >= 3 &&
      !vb_lexicon_is_stopword (data->analyzer->lexicon, folded) &&
      !vb_lexicon_is_particle (folded))
    {
      memcpy (data->heads[data->n_heads], folded, folded_len);
      data->heads[data->n_heads][folded_len] = '\0';
      data->n_heads++;
    }

  memcpy (data->pending, folded, folded_len);
  data->pending[folded_len] = '\0';
  data->pending_len = folded_len;
  data->pending_start = start;
  data->pending_end = end;
  data->has_pending = TRUE;
  return TRUE;
}

static int
vb_tokenizer_create (void         *user_data,
                     const char  **argv,
                     int           argc,
                     Fts5Tokenizer **out)
{
  /* Stateless: the analyzer is shared. Any non-NULL pointer will do. */
  *out = (Fts5Tokenizer *) user_data;
  return SQLITE_OK;
}

static void
vb_tokenizer_delete (Fts5Tokenizer *tokenizer)
{
}

static int
vb_tokenizer_tokenize (Fts5Tokenizer *tokenizer,
                       void          *ctx,
                       int            flags,
                       const char    *text,
                       int            n_text,
                       int          (*token) (void *, int, const char *, int, int, int))
{
  TokenizeData data = { 0 };

  data.ctx = ctx;
  data.token = token;
  data.flags = flags;
  data.rc = SQLITE_OK;
  data.text = text;
  if ((flags & FTS5_TOKENIZE_DOCUMENT) != 0)
    data.analyzer = get_analyzer ();
  vb_text_foreach_word (text, n_text, emit_word, &data);
  if (data.rc == SQLITE_OK && (flags & FTS5_TOKENIZE_DOCUMENT) != 0)
    flush_pending (&data, TRUE);
  if (data.analyzer != NULL)
    release_analyzer ();
  return data.rc;
}

/* ---- ranking ---- */

typedef struct
{
  int     n_words;
  int     n_phrases;
  int    *word;      /* per phrase: the first query word it stands for, -1 for filters */
  int    *word_last; /* per phrase: the last (a whole compound stands for all its parts) */
  double *weight;    /* per phrase: how good a match of this alternative is */
  double *colw;      /* per column */
  int     n_cols;
  double *best;      /* scratch, per word */
  gboolean *in_title;
} ScoreSpec;

static void
score_spec_free (void *p)
{
  ScoreSpec *spec = p;

  g_free (spec->word);
  g_free (spec->word_last);
  g_free (spec->weight);
  g_free (spec->colw);
  g_free (spec->best);
  g_free (spec->in_title);
  g_free (spec);
}

/* Spec: "c=10,6,1,0;w=3;0:1,0:0.9,1-2:0.8" (column weights; number of words; one
 * word:weight or first-last:weight pair per phrase in query order). */
static ScoreSpec *
parse_spec (const char *text)
{
  ScoreSpec *spec = g_new0 (ScoreSpec, 1);
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ";", 3);
  g_auto(GStrv) cols = NULL;
  g_auto(GStrv) phrases = NULL;

  if (g_strv_length (parts) != 3 || !g_str_has_prefix (parts[0], "c=") ||
      !g_str_has_prefix (parts[1], "w="))
    {
      score_spec_free (spec);
      return NULL;
    }
  cols = g_strsplit (parts[0] + 2, ",", -1);
  spec->n_cols = g_strv_length (cols);
  spec->colw = g_new0 (double, spec->n_cols);
  for (int i = 0; i < spec->n_cols; i++)
    spec->colw[i] = g_ascii_strtod (cols[i], NULL);

  spec->n_words = CLAMP (atoi (parts[1] + 2), 1, 1024);
  phrases = g_strsplit (parts[2], ",", -1);
  spec->n_phrases = g_strv_length (phrases);
  spec->word = g_new0 (int, spec->n_phrases);
  spec->word_last = g_new0 (int, spec->n_phrases);
  spec->weight = g_new0 (double, spec->n_phrases);
  for (int i = 0; i < spec->n_phrases; i++)
    {
      char *colon = strchr (phrases[i], ':');
      char *dash = strchr (phrases[i], '-');

      spec->word[i] = atoi (phrases[i]);
      spec->word_last[i] = dash != NULL && (colon == NULL || dash < colon) ? atoi (dash + 1)
                                                                           : spec->word[i];
      spec->weight[i] = colon ? g_ascii_strtod (colon + 1, NULL) : 0;
      if (spec->word[i] < 0 || spec->word_last[i] >= spec->n_words ||
          spec->word_last[i] < spec->word[i])
        spec->word[i] = -1;
    }
  spec->best = g_new0 (double, spec->n_words);
  spec->in_title = g_new0 (gboolean, spec->n_words);
  return spec;
}

static void
vb_score (const Fts5ExtensionApi *api,
          Fts5Context            *fts,
          sqlite3_context        *ctx,
          int                     n_args,
          sqlite3_value         **args)
{
  ScoreSpec *spec = api->xGetAuxdata (fts, 0);
  int n_phrases = api->xPhraseCount (fts);
  int matched = 0, in_title = 0;
  double sum = 0;
  int title_size = 0;

  if (spec == NULL)
    {
      spec = parse_spec (n_args > 0 ? (const char *) sqlite3_value_text (args[0]) : NULL);
      if (spec == NULL)
        {
          sqlite3_result_error (ctx, "vb_score: bad spec", -1);
          return;
        }
      api->xSetAuxdata (fts, spec, score_spec_free);
    }

  memset (spec->best, 0, sizeof (double) * spec->n_words);
  memset (spec->in_title, 0, sizeof (gboolean) * spec->n_words);

  for (int p = 0; p < n_phrases && p < spec->n_phrases; p++)
    {
      Fts5PhraseIter iter;
      int col;
      int w = spec->word[p];

      if (w < 0)
        continue;
      for (api->xPhraseFirstColumn (fts, p, &iter, &col); col >= 0;
           api->xPhraseNextColumn (fts, &iter, &col))
        {
          double v;

          if (col >= spec->n_cols)
            continue;
          v = spec->colw[col] * spec->weight[p];
          for (int k = w; k <= spec->word_last[p]; k++)
            {
              if (v > spec->best[k])
                spec->best[k] = v;
              if (col == 0)
                spec->in_title[k] = TRUE;
            }
        }
    }

  for (int w = 0; w < spec->n_words; w++)
    {
      if (spec->best[w] > 0)
        {
          matched++;
          sum += spec->best[w];
        }
      if (spec->in_title[w])
        in_title++;
    }

  if (matched > 0)
    {
      double coverage = (double) matched / spec->n_words;

      sum *= coverage * coverage;
      /* Every word in the question or title: the item is about exactly this. */
      if (in_title == spec->n_words)
        sum *= 1.5;
      /* Shorter titles are more focused on what matched. */
      if (api->xColumnSize (fts, 0, &title_size) == SQLITE_OK)
        sum *= 1.0 + 2.0 / (2.0 + title_size);
    }
  sqlite3_result_double (ctx, sum);
}

static fts5_api *
get_fts5_api (sqlite3 *db)
{
  fts5_api *api = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return api;
}

/* Registers the tokenizer and ranking function on @db. Every connection that reads or
 * writes the search tables needs this first. */
gboolean
vb_fts_register (sqlite3  *db,
                 GError  **error)
{
  static fts5_tokenizer tokenizer = {
    vb_tokenizer_create, vb_tokenizer_delete, vb_tokenizer_tokenize,
  };
  static int tokenizer_tag;
  fts5_api *api = get_fts5_api (db);
  int rc;

  if (api == NULL || api->iVersion < 2)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "SQLite was built without FTS5");
      return FALSE;
    }
  rc = api->xCreateTokenizer (api, "vb", &tokenizer_tag, &tokenizer, NULL);
  if (rc == SQLITE_OK)
    rc = api->xCreateFunction (api, "vb_score", NULL, vb_score, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot register the search tokenizer: %s", sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

static int
collect_token (void       *ctx,
               int         flags,
               const char *token,
               int         len,
               int         start,
               int         end)
{
  GString *out = ctx;

  if (out->len > 0)
    g_string_append_c (out, (flags & FTS5_TOKEN_COLOCATED) ? '|' : ' ');
  for (int i = 0; i < len; i++)
    g_string_append_c (out, token[i] == VB_TEXT_MARK ? '~' : token[i]);
  return SQLITE_OK;
}

/* The tokens the index stores for @text, for maintainers: colocated tokens are joined with
 * "|", stems and compound parts start with "~". */
char *
vb_fts_dup_tokens (const char *text)
{
  GString *out = g_string_new (NULL);

  vb_tokenizer_tokenize (NULL, out, FTS5_TOKENIZE_DOCUMENT, text, strlen (text), collect_token);
  return g_string_free (out, FALSE);
}
