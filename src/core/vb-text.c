/* vb-text.c: folding, word splitting and Dutch stemming
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <libstemmer.h>

#include "vb-text.h"

/* Stemming can be switched off to prove, in the relevance suite, that it matters. */
static gboolean stemming_enabled = TRUE;

void
vb_text_set_stemming (gboolean enabled)
{
  stemming_enabled = enabled;
}

gboolean
vb_text_get_stemming (void)
{
  return stemming_enabled;
}

/* Appends the folded form of @ch (lower case, diacritics removed, ligatures expanded). */
static gsize
fold_char (gunichar ch,
           char    *out)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n, written = 0;

  if (ch < 0x80)
    {
      out[0] = g_ascii_tolower ((char) ch);
      return 1;
    }

  n = g_unichar_fully_decompose (ch, TRUE, decomposed, G_N_ELEMENTS (decomposed));
  for (gsize i = 0; i < n; i++)
    {
      GUnicodeType type = g_unichar_type (decomposed[i]);

      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK)
        continue;
      if (!g_unichar_isalnum (decomposed[i]))
        continue;
      written += g_unichar_to_utf8 (g_unichar_tolower (decomposed[i]), out + written);
    }
  return written;
}

static inline gboolean
is_word_char (gunichar ch)
{
  if (ch < 0x80)
    return g_ascii_isalnum ((char) ch);
  return g_unichar_isalnum (ch) || g_unichar_ismark (ch);
}

/* Calls @func for every word of @text with its folded form and its byte range in @text.
 * Invalid UTF-8 is treated as a separator. Internal tokens (VB_TEXT_MARK followed by a run of
 * non-space bytes) are passed through verbatim. */
void
vb_text_foreach_word (const char *text,
                      gssize      len,
                      VbWordFunc  func,
                      gpointer    user_data)
{
  char buf[VB_TEXT_MAX_TOKEN + 8];
  const char *end;
  const char *p;

  if (text == NULL)
    return;
  if (len < 0)
    len = strlen (text);
  end = text + len;
  p = text;

  while (p < end)
    {
      const char *start;
      gsize blen = 0;

      if (*p == VB_TEXT_MARK)
        {
          start = p;
          p++;
          while (p < end && !g_ascii_isspace (*p))
            p++;
          blen = MIN ((gsize) (p - start), (gsize) VB_TEXT_MAX_TOKEN);
          memcpy (buf, start, blen);
          buf[blen] = '\0';
          if (blen > 1 && !func (buf, blen, start - text, p - text, user_data))
            return;
          continue;
        }

      /* Skip separators. */
      while (p < end)
        {
          gunichar ch;

          if ((guchar) *p < 0x80)
            {
              if (g_ascii_isalnum (*p) || *p == VB_TEXT_MARK)
                break;
              p++;
              continue;
            }
          ch = g_utf8_get_char_validated (p, end - p);
          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            {
              p++;
              continue;
            }
          if (is_word_char (ch) && !g_unichar_ismark (ch))
            break;
          p = g_utf8_next_char (p);
        }
      if (p >= end || *p == VB_TEXT_MARK)
        continue;

      start = p;
      while (p < end)
        {
          gunichar ch;
          char folded[32];
          gsize flen;

          if ((guchar) *p < 0x80)
            {
              if (!g_ascii_isalnum (*p))
                break;
              if (blen < VB_TEXT_MAX_TOKEN)
                buf[blen++] = g_ascii_tolower (*p);
              p++;
              continue;
            }
          ch = g_utf8_get_char_validated (p, end - p);
          if (ch == (gunichar) -1 || ch == (gunichar) -2 || !is_word_char (ch))
            break;
          flen = fold_char (ch, folded);
          if (blen + flen <= VB_TEXT_MAX_TOKEN)
            {
              memcpy (buf + blen, folded, flen);
              blen += flen;
            }
          p = g_utf8_next_char (p);
        }
      buf[blen] = '\0';
      if (blen > 0 && !func (buf, blen, start - text, p - text, user_data))
        return;
    }
}

static gboolean
append_word (const char *folded,
             gsize       folded_len,
             gsize       start,
             gsize       end,
             gpointer    user_data)
{
  GString *out = user_data;

  if (out->len > 0)
    g_string_append_c (out, ' ');
  g_string_append_len (out, folded, folded_len);
  return TRUE;
}

/* The folded words of @text joined by single spaces. */
char *
vb_text_fold (const char *text)
{
  GString *out = g_string_new (NULL);

  vb_text_foreach_word (text, -1, append_word, out);
  return g_string_free (out, FALSE);
}

static gboolean
collect_word (const char *folded,
              gsize       folded_len,
              gsize       start,
              gsize       end,
              gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strndup (folded, folded_len));
  return TRUE;
}

/* The folded words of @text, as a NULL-free array of owned strings. */
GPtrArray *
vb_text_split_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  vb_text_foreach_word (text, -1, collect_word, words);
  return words;
}

static void
free_stemmer (gpointer data)
{
  if (data != NULL)
    sb_stemmer_delete (data);
}

static GPrivate stemmer_key = G_PRIVATE_INIT (free_stemmer);

/* Forms that Snowball's Dutch stemmer does not join with their base form. Checked against
 * the end of the word, so compounds (pleegkinderen, geboorteaktes) benefit too. */
static const struct {
  const char *suffix;
  const char *stem;
} irregular[] = {
  { "kinderen", "kind" },
  { "aktes", "akt" },
  { "opgehaald", "ophal" },
  { "gehaald", "hal" },
  { "aangevraagd", "aanvrag" },
  { "aangegeven", "aangef" },
  { "verhuisd", "verhuis" },
  { "gemeld", "meld" },
  { "betaald", "betal" },
  { "overleden", "overlijd" },
  { "brieven", "brief" },
};

static gsize
copy_out (const char *s,
          gsize       len,
          char       *out,
          gsize       out_size)
{
  len = MIN (len, out_size - 1);
  memcpy (out, s, len);
  out[len] = '\0';
  return len;
}

/* Stems the folded word @folded into @out. Returns the stem's length. */
gsize
vb_text_stem (const char *folded,
              gsize       len,
              char       *out,
              gsize       out_size)
{
  struct sb_stemmer *stemmer;
  const sb_symbol *stem;
  gsize slen;

  g_return_val_if_fail (out_size > 1, 0);

  if (!stemming_enabled || len < 3)
    return copy_out (folded, len, out, out_size);

  /* Numbers and codes are not words. */
  for (gsize i = 0; i < len; i++)
    if (g_ascii_isdigit (folded[i]))
      return copy_out (folded, len, out, out_size);

  for (gsize i = 0; i < G_N_ELEMENTS (irregular); i++)
    {
      gsize sl = strlen (irregular[i].suffix);

      if (len >= sl && memcmp (folded + len - sl, irregular[i].suffix, sl) == 0)
        {
          char buf[VB_TEXT_MAX_TOKEN * 2];
          gsize head = len - sl;
          gsize stem_len = strlen (irregular[i].stem);

          if (head == 0)
            return copy_out (irregular[i].stem, stem_len, out, out_size);
          /* A compound: stem the head as its own word is wrong (it is a modifier), so keep it. */
          if (head + stem_len >= sizeof buf)
            break;
          memcpy (buf, folded, head);
          memcpy (buf + head, irregular[i].stem, stem_len);
          return copy_out (buf, head + stem_len, out, out_size);
        }
    }

  stemmer = g_private_get (&stemmer_key);
  if (stemmer == NULL)
    {
      stemmer = sb_stemmer_new ("dutch", "UTF_8");
      g_private_set (&stemmer_key, stemmer);
    }
  if (stemmer == NULL)
    return copy_out (folded, len, out, out_size);

  stem = sb_stemmer_stem (stemmer, (const sb_symbol *) folded, len);
  if (stem == NULL)
    return copy_out (folded, len, out, out_size);
  slen = copy_out ((const char *) stem, sb_stemmer_length (stemmer), out, out_size);

  /* Dutch devoices a final z and v (huizen/huis, brieven/brief, rijbewijzen/rijbewijs). */
  if (slen > 2 && out[slen - 1] == 'z')
    out[slen - 1] = 's';
  else if (slen > 2 && out[slen - 1] == 'v')
    out[slen - 1] = 'f';
  return slen;
}

char *
vb_text_dup_stem (const char *folded)
{
  char buf[VB_TEXT_MAX_TOKEN * 2];
  gsize len = vb_text_stem (folded, strlen (folded), buf, sizeof buf);

  return g_strndup (buf, len);
}

/* Damerau-Levenshtein (optimal string alignment) distance over bytes of folded ASCII-ish
 * words, giving up above @max (returns max + 1). */
guint
vb_text_edit_distance (const char *a,
                       const char *b,
                       guint       max)
{
  gsize la = strlen (a), lb = strlen (b);
  guint *rows;
  guint *prev2, *prev, *cur;
  guint result;

  if ((la > lb ? la - lb : lb - la) > max)
    return max + 1;
  if (la > 64 || lb > 64)
    return max + 1;

  rows = g_newa (guint, 3 * (lb + 1));
  prev2 = rows;
  prev = rows + (lb + 1);
  cur = rows + 2 * (lb + 1);

  for (gsize j = 0; j <= lb; j++)
    prev[j] = j;

  for (gsize i = 1; i <= la; i++)
    {
      guint row_min;
      guint *tmp;

      cur[0] = i;
      row_min = cur[0];
      for (gsize j = 1; j <= lb; j++)
        {
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
          guint v = MIN (prev[j] + 1, cur[j - 1] + 1);

          v = MIN (v, prev[j - 1] + cost);
          if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            v = MIN (v, prev2[j - 2] + 1);
          cur[j] = v;
          row_min = MIN (row_min, v);
        }
      if (row_min > max)
        return max + 1;
      tmp = prev2;
      prev2 = prev;
      prev = cur;
      cur = tmp;
    }

  result = prev[lb];
  return result > max ? max + 1 : result;
}
