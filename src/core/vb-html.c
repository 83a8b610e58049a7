/* vb-html.c: untrusted HTML to a safe subset, to plain text, and to rich-text events
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "vb-html.h"

/* The design in short (docs/html-subset.md has the long version):
 *
 * libxml2's push parser reads the HTML through SAX callbacks; nothing builds a tree, and
 * the walker below keeps its own stack in which every frame saves the state it changed,
 * so each event costs O(1) however deep the document is.
 *
 * libxml2 2.9.14 has no depth limit on this path, but it scans its element stack on every
 * end tag, which makes a deep document with many stray end tags quadratic (measured: 280 KB
 * took 2.7 s). So the input is fed in chunks, and before each start tag the feeder checks
 * the parser's real stack depth: once it would pass VB_HTML_PARSE_DEPTH, further start tags
 * are left out (their text stays; elements whose content is dropped are left out with their
 * content). Chunks are only cut right before a "<" that starts a tag, where the push parser
 * waits for more data instead of guessing.
 *
 * The push parser stops reading (without an error) once its element stack is empty, so the
 * document is wrapped in an explicit <html><body> and end tags of html and body are taken
 * out; libxml2 then ignores <html>, <head> and <body> start tags inside. */

#define VB_HTML_PARSE_DEPTH   256          /* element depth libxml2 is allowed to reach */
#define VB_HTML_MAX_INPUT     (128u << 20) /* longer input is cut */
#define VB_HTML_MAX_LINK      8192         /* longer URLs are not links */
#define VB_HTML_MAX_QUOTE_LEVEL 4

/* ---- links ---- */

/* Returns the URL as a link may carry it, or NULL when it is not allowed: http and https
 * with a host, mailto and tel with something after the colon; scheme matched without
 * regard to case; leading and trailing spaces and control characters trimmed; any control
 * character inside (a tab in "java\tscript:") refuses it; spaces inside become %20. */
static char *
link_normalize (const char *url)
{
  const char *start, *end, *p, *rest;
  gsize scheme_len;
  GString *out;

  if (url == NULL)
    return NULL;
  start = url;
  while (*start != '\0' && (guchar) *start <= 0x20)
    start++;
  end = start + strlen (start);
  while (end > start && (guchar) end[-1] <= 0x20)
    end--;
  if (end == start || (gsize) (end - start) > VB_HTML_MAX_LINK)
    return NULL;
  for (p = start; p < end; p++)
    if (((guchar) *p < 0x20 && *p != ' ') || *p == 0x7f)
      return NULL;

  if (!g_ascii_isalpha (*start))
    return NULL;
  for (p = start; p < end && (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.'); p++)
    ;
  if (p == end || *p != ':')
    return NULL;
  scheme_len = p - start;
  rest = p + 1;

  if ((scheme_len == 4 && g_ascii_strncasecmp (start, "http", 4) == 0) ||
      (scheme_len == 5 && g_ascii_strncasecmp (start, "https", 5) == 0))
    {
      if (end - rest < 3 || rest[0] != '/' || rest[1] != '/' ||
          strchr ("/\\?# ", rest[2]) != NULL)
        return NULL;
    }
  else if ((scheme_len == 6 && g_ascii_strncasecmp (start, "mailto", 6) == 0) ||
           (scheme_len == 3 && g_ascii_strncasecmp (start, "tel", 3) == 0))
    {
      if (rest == end)
        return NULL;
    }
  else
    return NULL;

  out = g_string_sized_new (end - start + 8);
  for (p = start; p < rest; p++)
    g_string_append_c (out, g_ascii_tolower (*p));
  for (p = rest; p < end; p++)
    {
      if (*p == ' ')
        g_string_append (out, "%20");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/**
 * vb_html_link_is_allowed:
 * @url: (nullable): a URL as found in an href
 *
 * Whether @url may become a link: http:// and https:// with a host, mailto: and tel:
 * (scheme in any case, surrounding spaces and control characters ignored). Relative URLs,
 * any other scheme (javascript:, data:, file:, vbscript:...) and URLs with a control
 * character inside are refused.
 */
gboolean
vb_html_link_is_allowed (const char *url)
{
  g_autofree char *normalized = link_normalize (url);

  return normalized != NULL;
}

/* ---- element table ---- */

typedef enum
{
  TAG_OTHER,     /* transparent: the content stays, the element itself has no effect */
  TAG_DROP,      /* dropped with all its content */
  TAG_BOUNDARY,  /* p, div and friends: ends the current block */
  TAG_HEADING,
  TAG_LIST,
  TAG_LI,
  TAG_QUOTE,
  TAG_PRE,
  TAG_BR,
  TAG_IMG,
  TAG_A,
  TAG_STYLE,
  TAG_TABLE,
  TAG_ROW,
  TAG_CELL,
} TagKind;

typedef struct
{
  const char *name;
  guint8      kind;
  guint8      arg;   /* heading level, list ordered, style flag, cell is header */
} TagInfo;

/* Sorted by name for bsearch. */
static const TagInfo tag_table[] = {
  { "a", TAG_A, 0 },
  { "address", TAG_BOUNDARY, 0 },
  { "applet", TAG_DROP, 0 },
  { "article", TAG_BOUNDARY, 0 },
  { "aside", TAG_BOUNDARY, 0 },
  { "audio", TAG_DROP, 0 },
  { "b", TAG_STYLE, VB_HTML_STYLE_BOLD },
  { "blockquote", TAG_QUOTE, 0 },
  { "body", TAG_BOUNDARY, 0 },
  { "br", TAG_BR, 0 },
  { "canvas", TAG_DROP, 0 },
  { "caption", TAG_BOUNDARY, 0 },
  { "center", TAG_BOUNDARY, 0 },
  { "cite", TAG_STYLE, VB_HTML_STYLE_ITALIC },
  { "code", TAG_STYLE, VB_HTML_STYLE_CODE },
  { "datalist", TAG_DROP, 0 },
  { "dd", TAG_BOUNDARY, 0 },
  { "details", TAG_BOUNDARY, 0 },
  { "dialog", TAG_BOUNDARY, 0 },
  { "dir", TAG_LIST, 0 },
  { "div", TAG_BOUNDARY, 0 },
  { "dl", TAG_BOUNDARY, 0 },
  { "dt", TAG_BOUNDARY, 0 },
  { "em", TAG_STYLE, VB_HTML_STYLE_ITALIC },
  { "embed", TAG_OTHER, 0 },     /* not empty in libxml2: dropping it would drop the rest */
  { "fieldset", TAG_BOUNDARY, 0 },
  { "figcaption", TAG_BOUNDARY, 0 },
  { "figure", TAG_BOUNDARY, 0 },
  { "footer", TAG_BOUNDARY, 0 },
  { "form", TAG_BOUNDARY, 0 },
  { "frame", TAG_DROP, 0 },
  { "frameset", TAG_DROP, 0 },
  { "h1", TAG_HEADING, 1 },
  { "h2", TAG_HEADING, 1 },
  { "h3", TAG_HEADING, 2 },
  { "h4", TAG_HEADING, 3 },
  { "h5", TAG_HEADING, 3 },
  { "h6", TAG_HEADING, 3 },
  { "head", TAG_DROP, 0 },
  { "header", TAG_BOUNDARY, 0 },
  { "hr", TAG_BOUNDARY, 0 },
  { "html", TAG_BOUNDARY, 0 },
  { "i", TAG_STYLE, VB_HTML_STYLE_ITALIC },
  { "iframe", TAG_DROP, 0 },
  { "img", TAG_IMG, 0 },
  { "kbd", TAG_STYLE, VB_HTML_STYLE_CODE },
  { "legend", TAG_BOUNDARY, 0 },
  { "li", TAG_LI, 0 },
  { "listing", TAG_PRE, 0 },
  { "main", TAG_BOUNDARY, 0 },
  { "math", TAG_DROP, 0 },
  { "menu", TAG_LIST, 0 },
  { "nav", TAG_BOUNDARY, 0 },
  { "noembed", TAG_DROP, 0 },
  { "noframes", TAG_DROP, 0 },
  { "noscript", TAG_DROP, 0 },
  { "object", TAG_DROP, 0 },
  { "ol", TAG_LIST, 1 },
  { "optgroup", TAG_DROP, 0 },
  { "option", TAG_DROP, 0 },
  { "p", TAG_BOUNDARY, 0 },
  { "plaintext", TAG_PRE, 0 },
  { "pre", TAG_PRE, 0 },
  { "samp", TAG_STYLE, VB_HTML_STYLE_CODE },
  { "script", TAG_DROP, 0 },
  { "section", TAG_BOUNDARY, 0 },
  { "select", TAG_DROP, 0 },
  { "strong", TAG_STYLE, VB_HTML_STYLE_BOLD },
  { "style", TAG_DROP, 0 },
  { "summary", TAG_BOUNDARY, 0 },
  { "svg", TAG_DROP, 0 },
  { "table", TAG_TABLE, 0 },
  { "td", TAG_CELL, 0 },
  { "template", TAG_DROP, 0 },
  { "textarea", TAG_DROP, 0 },
  { "th", TAG_CELL, 1 },
  { "title", TAG_DROP, 0 },
  { "tr", TAG_ROW, 0 },
  { "tt", TAG_STYLE, VB_HTML_STYLE_CODE },
  { "ul", TAG_LIST, 0 },
  { "var", TAG_STYLE, VB_HTML_STYLE_ITALIC },
  { "video", TAG_DROP, 0 },
  { "xmp", TAG_PRE, 0 },
};

static int
compare_tag (const void *key,
             const void *item)
{
  return g_ascii_strcasecmp (key, ((const TagInfo *) item)->name);
}

static const TagInfo *
lookup_tag (const char *name)
{
  static const TagInfo other = { "", TAG_OTHER, 0 };
  const TagInfo *info;

  if (name == NULL || strlen (name) > 16)
    return &other;
  info = bsearch (name, tag_table, G_N_ELEMENTS (tag_table), sizeof (TagInfo), compare_tag);
  return info != NULL ? info : &other;
}

/* ---- the walker ---- */

typedef struct
{
  const char *link;       /* owned by the <a> frame that set it */
  guint       link_id;    /* 0: no link; else unique per <a> */
  guint       level;      /* of the block kind below */
  guint       ordinal;
  guint       list_depth;
  guint       quote_depth;
  gint        list_idx;   /* frame of the innermost list, -1 */
  gint        item_idx;   /* frame of the innermost <li>, -1 */
  guint8      kind;       /* VbHtmlBlock that text opens here */
  guint8      style;      /* VbHtmlStyle */
  guint8      pre;
  guint8      drop;
  guint8      in_cell;
} WalkState;

typedef struct
{
  WalkState saved;
  char     *link;
  guint     counter;   /* list: last ordinal; <li>: 1 once its first block was emitted */
  guint8    tag;
} Frame;

typedef struct
{
  const VbHtmlVisitor *visitor;
  gpointer             user_data;

  GArray   *stack;    /* of Frame */
  WalkState st;
  guint     next_link_id;

  /* the open block */
  gboolean  block_open;
  gboolean  block_has_text;
  gboolean  line_has_text;
  guint8    block_kind;
  gboolean  pending_space;
  gboolean  pending_sep;
  gboolean  cr_seen;
  guint     pending_breaks;
  GString  *pre_ws;         /* spaces in <pre>, dropped at the end of a line */
  guint8    pre_ws_style;
  guint     pre_ws_link_id;

  /* the text run not yet handed out */
  GString    *run;
  guint8      run_style;
  const char *run_link;
  guint       run_link_id;

  /* style of the last visible character, for the space after it */
  guint8    last_style;
  guint     last_link_id;
} Walker;

static void
flush_run (Walker *w)
{
  if (w->run->len == 0)
    return;
  if (w->visitor->text != NULL)
    w->visitor->text (w->run->str, w->run->len, w->run_style, w->run_link, w->user_data);
  g_string_truncate (w->run, 0);
}

static void
emit (Walker     *w,
      const char *text,
      gsize       len,
      guint8      style,
      const char *link,
      guint       link_id)
{
  if (w->run->len > 0 && (style != w->run_style || link_id != w->run_link_id))
    flush_run (w);
  w->run_style = style;
  w->run_link = link;
  w->run_link_id = link_id;
  g_string_append_len (w->run, text, len);
}

static void
close_block (Walker *w)
{
  flush_run (w);
  if (w->block_open && w->visitor->end_block != NULL)
    w->visitor->end_block (w->block_kind, w->user_data);
  w->block_open = FALSE;
  w->block_has_text = FALSE;
  w->line_has_text = FALSE;
  w->pending_space = FALSE;
  w->pending_sep = FALSE;
  w->pending_breaks = 0;
  g_string_truncate (w->pre_ws, 0);
}

static void
open_block (Walker *w)
{
  guint8 kind = w->st.kind;
  guint level = w->st.level, ordinal = w->st.ordinal;

  /* A list item's text after a nested list (or table) continues as a paragraph, so that
   * one <li> never shows two bullets or numbers. */
  if (kind == VB_HTML_BLOCK_LIST_ITEM && w->st.item_idx >= 0)
    {
      Frame *item = &g_array_index (w->stack, Frame, w->st.item_idx);

      if (item->counter != 0)
        {
          kind = VB_HTML_BLOCK_PARAGRAPH;
          level = 0;
          ordinal = 0;
        }
      item->counter = 1;
    }

  w->block_open = TRUE;
  w->block_kind = kind;
  w->block_has_text = FALSE;
  w->line_has_text = FALSE;
  w->pending_space = FALSE;
  w->pending_sep = FALSE;
  w->pending_breaks = 0;
  if (w->visitor->start_block != NULL)
    w->visitor->start_block (kind, level, ordinal, w->user_data);
}

/* A space or tab inside <pre>: held back until a visible character follows, so that spaces
 * at the end of a line go; the held spaces keep only the style and link all of them share. */
static void
pre_space (Walker *w,
           char    c)
{
  if (w->pre_ws->len == 0)
    {
      w->pre_ws_style = w->st.style;
      w->pre_ws_link_id = w->st.link_id;
    }
  else
    {
      w->pre_ws_style &= w->st.style;
      if (w->pre_ws_link_id != w->st.link_id)
        w->pre_ws_link_id = G_MAXUINT;
    }
  g_string_append_c (w->pre_ws, c);
}

/* An element that separates blocks starts or ends. Hard boundaries (headings, lists, list
 * items, quotes, pre) always end the open block; soft ones (p, div, tr...) become a space
 * inside a table cell and a line break inside a list item. */
static void
boundary (Walker   *w,
          gboolean  hard)
{
  if (!w->block_open)
    {
      w->pending_space = FALSE;
      g_string_truncate (w->pre_ws, 0);
      return;
    }
  if (!hard)
    {
      if (w->st.in_cell)
        {
          if (w->line_has_text && w->st.pre)
            pre_space (w, ' ');
          else if (w->line_has_text)
            w->pending_space = TRUE;
          return;
        }
      if (w->st.kind == VB_HTML_BLOCK_LIST_ITEM && w->block_kind == VB_HTML_BLOCK_LIST_ITEM)
        {
          if (w->block_has_text)
            w->pending_breaks = MAX (w->pending_breaks, 1);
          w->pending_space = FALSE;
          return;
        }
    }
  close_block (w);
}

static void
line_break (Walker *w)
{
  if (!w->block_open || !w->block_has_text)
    return;
  w->pending_breaks++;
  w->pending_space = FALSE;
  g_string_truncate (w->pre_ws, 0);
}

/* Settles what is pending before a visible character: the block, line breaks, a table
 * cell separator, a collapsed space, or the spaces of a <pre> line. */
static void
before_visible (Walker *w)
{
  if (!w->block_open)
    open_block (w);
  if (w->pending_breaks > 0)
    {
      guint n = w->st.pre ? w->pending_breaks : MIN (w->pending_breaks, 2);

      flush_run (w);
      if (w->block_has_text && w->visitor->line_break != NULL)
        for (guint i = 0; i < n; i++)
          w->visitor->line_break (w->user_data);
      w->pending_breaks = 0;
      w->line_has_text = FALSE;
      w->pending_space = FALSE;
    }
  if (w->pending_sep)
    {
      w->pending_sep = FALSE;
      if (w->line_has_text && w->st.pre)
        {
          /* in <pre> the space after the bar joins the spaces that follow, as it would
           * when this output is read again */
          emit (w, " |", 2, VB_HTML_STYLE_NONE, NULL, 0);
          g_string_prepend_c (w->pre_ws, ' ');
          w->pre_ws_style = VB_HTML_STYLE_NONE;
          w->pre_ws_link_id = 0;
        }
      else if (w->line_has_text)
        emit (w, " | ", 3, VB_HTML_STYLE_NONE, NULL, 0);
      w->pending_space = FALSE;
    }
  if (w->pending_space)
    {
      w->pending_space = FALSE;
      if (w->line_has_text)
        {
          /* The collapsed space keeps only what the text on both sides shares. */
          gboolean same_link = w->last_link_id == w->st.link_id;

          emit (w, " ", 1, w->last_style & w->st.style,
                same_link ? w->st.link : NULL, same_link ? w->st.link_id : 0);
        }
    }
  if (w->pre_ws->len > 0)
    {
      gboolean same_link = w->pre_ws_link_id == w->st.link_id;

      emit (w, w->pre_ws->str, w->pre_ws->len, w->pre_ws_style & w->st.style,
            same_link ? w->st.link : NULL, same_link ? w->st.link_id : 0);
      g_string_truncate (w->pre_ws, 0);
    }
}

static void
handle_text (Walker     *w,
             const char *text,
             gsize       len)
{
  g_autofree char *fixed = NULL;
  const char *p, *end;

  if (w->st.drop || len == 0)
    return;
  if (!g_utf8_validate_len (text, len, NULL))
    {
      fixed = g_utf8_make_valid (text, len);
      text = fixed;
      len = strlen (fixed);
    }

  p = text;
  end = text + len;
  while (p < end)
    {
      guchar c = (guchar) *p;
      gsize clen = 1;
      gboolean space = FALSE, newline = FALSE;

      if (c < 0x80)
        {
          if (c == '\n' || c == '\r')
            {
              if (c == '\n' && w->cr_seen)
                {
                  w->cr_seen = FALSE;
                  p++;
                  continue;
                }
              w->cr_seen = c == '\r';
              newline = TRUE;
            }
          else if (c == ' ' || c == '\t' || c == '\f' || c == '\v')
            space = TRUE;
          else if (c < 0x20 || c == 0x7f)
            {
              p++;
              continue;
            }
        }
      else
        {
          clen = g_utf8_skip[c];
          if (c == 0xc2 && (guchar) p[1] < 0xa0)
            {
              p += 2;          /* C1 control */
              continue;
            }
          if (c == 0xc2 && (guchar) p[1] == 0xa0)
            space = TRUE;      /* &nbsp; */
          else if (c == 0xef && (guchar) p[1] == 0xbb && (guchar) p[2] == 0xbf)
            {
              p += 3;          /* byte order mark */
              continue;
            }
        }
      if (c != '\r')
        w->cr_seen = FALSE;

      if (newline || space)
        {
          if (w->st.pre)
            {
              if (newline)
                {
                  g_string_truncate (w->pre_ws, 0);
                  if (w->block_open && w->block_has_text)
                    w->pending_breaks++;
                }
              else
                pre_space (w, c == '\t' ? '\t' : ' ');
            }
          else if (w->line_has_text || w->pending_breaks > 0)
            w->pending_space = w->pending_breaks == 0;
          p += clen;
          continue;
        }

      if (G_UNLIKELY (!w->block_open || w->pending_breaks > 0 || w->pending_sep ||
                      w->pending_space || w->pre_ws->len > 0))
        before_visible (w);
      emit (w, p, clen, w->st.style, w->st.link, w->st.link_id);
      w->block_has_text = TRUE;
      w->line_has_text = TRUE;
      w->last_style = w->st.style;
      w->last_link_id = w->st.link_id;
      p += clen;
    }
}

static const char *
find_attr (const xmlChar **attrs,
           const char     *name)
{
  if (attrs == NULL)
    return NULL;
  for (guint i = 0; attrs[i] != NULL; i += 2)
    if (g_ascii_strcasecmp ((const char *) attrs[i], name) == 0)
      return (const char *) attrs[i + 1];
  return NULL;
}

static guint
clamp_level (guint depth,
             guint max)
{
  return CLAMP (depth, 1, max);
}

static void
sax_start_element (void           *ctx,
                   const xmlChar  *xname,
                   const xmlChar **attrs)
{
  Walker *w = ctx;
  const TagInfo *info = lookup_tag ((const char *) xname);
  Frame frame = { .saved = w->st, .link = NULL, .counter = 0, .tag = info->kind };
  gint idx = w->stack->len;

  g_array_append_val (w->stack, frame);
  if (w->st.drop)
    return;

  switch ((TagKind) info->kind)
    {
    case TAG_OTHER:
      break;
    case TAG_DROP:
      w->st.drop = TRUE;
      break;
    case TAG_BOUNDARY:
      boundary (w, FALSE);
      break;
    case TAG_TABLE:
      w->st.in_cell = FALSE;
      boundary (w, FALSE);
      break;
    case TAG_ROW:
      boundary (w, FALSE);
      w->st.in_cell = FALSE;
      break;
    case TAG_CELL:
      if (w->block_open && w->line_has_text)
        w->pending_sep = TRUE;
      w->st.in_cell = TRUE;
      if (info->arg)
        w->st.style |= VB_HTML_STYLE_BOLD;
      break;
    case TAG_HEADING:
      boundary (w, TRUE);
      w->st.kind = VB_HTML_BLOCK_HEADING;
      w->st.level = info->arg;
      w->st.ordinal = 0;
      w->st.in_cell = FALSE;
      w->st.pre = FALSE;
      break;
    case TAG_LIST:
      {
        Frame *f = &g_array_index (w->stack, Frame, idx);
        const char *start = info->arg ? find_attr (attrs, "start") : NULL;
        gint64 first = 1;

        boundary (w, TRUE);
        if (start != NULL)
          first = CLAMP (g_ascii_strtoll (start, NULL, 10), 1, 1000000000);
        f->counter = info->arg ? (guint) (first - 1) : G_MAXUINT;
        w->st.list_depth++;
        w->st.list_idx = idx;
      }
      break;
    case TAG_LI:
      {
        guint ordinal = 0;

        boundary (w, TRUE);
        if (w->st.list_idx >= 0)
          {
            Frame *list = &g_array_index (w->stack, Frame, w->st.list_idx);

            if (list->counter != G_MAXUINT)
              ordinal = list->counter = MIN (list->counter + 1, G_MAXUINT - 1);
          }
        w->st.kind = VB_HTML_BLOCK_LIST_ITEM;
        w->st.level = clamp_level (w->st.list_depth, VB_HTML_MAX_LIST_LEVEL);
        w->st.ordinal = ordinal;
        w->st.item_idx = idx;
        w->st.in_cell = FALSE;
        w->st.pre = FALSE;
      }
      break;
    case TAG_QUOTE:
      boundary (w, TRUE);
      w->st.quote_depth++;
      w->st.kind = VB_HTML_BLOCK_QUOTE;
      w->st.level = clamp_level (w->st.quote_depth, VB_HTML_MAX_QUOTE_LEVEL);
      w->st.ordinal = 0;
      w->st.in_cell = FALSE;
      w->st.pre = FALSE;
      break;
    case TAG_PRE:
      boundary (w, TRUE);
      w->st.kind = VB_HTML_BLOCK_PREFORMATTED;
      w->st.level = 0;
      w->st.ordinal = 0;
      w->st.pre = TRUE;
      w->st.in_cell = FALSE;
      break;
    case TAG_BR:
      line_break (w);
      break;
    case TAG_IMG:
      {
        const char *alt = find_attr (attrs, "alt");
        GString *shown;
        gboolean space = FALSE;

        if (alt == NULL)
          break;
        /* "[alt]" with its whitespace collapsed, also inside <pre> */
        shown = g_string_new ("[");
        for (const char *p = alt; *p != '\0'; p++)
          {
            if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
              space = shown->len > 1;
            else
              {
                if (space)
                  g_string_append_c (shown, ' ');
                space = FALSE;
                g_string_append_c (shown, *p);
              }
          }
        g_string_append_c (shown, ']');
        if (shown->len > 2)
          handle_text (w, shown->str, shown->len);
        g_string_free (shown, TRUE);
      }
      break;
    case TAG_A:
      {
        Frame *f = &g_array_index (w->stack, Frame, idx);

        f->link = link_normalize (find_attr (attrs, "href"));
        w->st.link = f->link;
        w->st.link_id = f->link != NULL ? ++w->next_link_id : 0;
      }
      break;
    case TAG_STYLE:
      w->st.style |= info->arg;
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
pop_frame (Walker *w)
{
  Frame *f = &g_array_index (w->stack, Frame, w->stack->len - 1);

  if (!f->saved.drop)
    {
      switch ((TagKind) f->tag)
        {
        case TAG_BOUNDARY:
        case TAG_TABLE:
        case TAG_ROW:
          boundary (w, FALSE);
          break;
        case TAG_HEADING:
        case TAG_LIST:
        case TAG_LI:
        case TAG_QUOTE:
        case TAG_PRE:
          boundary (w, TRUE);
          break;
        case TAG_A:
          if (f->link != NULL && w->run_link_id == w->st.link_id)
            flush_run (w);
          break;
        case TAG_OTHER:
        case TAG_DROP:
        case TAG_BR:
        case TAG_IMG:
        case TAG_STYLE:
        case TAG_CELL:
        default:
          break;
        }
    }
  w->st = f->saved;
  g_free (f->link);
  g_array_set_size (w->stack, w->stack->len - 1);
}

static void
sax_end_element (void          *ctx,
                 const xmlChar *name)
{
  Walker *w = ctx;

  if (w->stack->len > 0)
    pop_frame (w);
}

static void
sax_characters (void          *ctx,
                const xmlChar *text,
                int            len)
{
  if (len > 0)
    handle_text (ctx, (const char *) text, len);
}

static void
sax_ignore_cdata (void          *ctx,
                  const xmlChar *text,
                  int            len)
{
  /* libxml2 hands the content of <script> and <style> here; both are dropped. */
}

static void
sax_ignore_error (void        *ctx,
                  xmlErrorPtr  error)
{
}

/* ---- feeding libxml2 ---- */

static inline gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_' || c == ':' || c == '.';
}

static inline gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == ':' || c == '.' || c == '-';
}

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Finds "</name" (any case) followed by a character that cannot continue a name. */
static gsize
find_end_tag (const char *data,
              gsize       len,
              gsize       from,
              const char *name)
{
  gsize n = strlen (name);

  while (from < len)
    {
      const char *lt = memchr (data + from, '<', len - from);
      gsize i;

      if (lt == NULL)
        return len;
      i = lt - data;
      if (i + 2 + n <= len && data[i + 1] == '/' &&
          g_ascii_strncasecmp (data + i + 2, name, n) == 0 &&
          (i + 2 + n == len || !is_name_char (data[i + 2 + n])))
        return i;
      from = i + 1;
    }
  return len;
}

/* A start tag as libxml2 2.9.14 reads it: quotes only count right after '=', bogus
 * attribute text runs to the next blank. */
typedef struct
{
  char     name[24];       /* lower case, cut */
  gsize    name_end;
  gsize    end;            /* after the '>' */
  gboolean self_closing;
  guint    n_attrs;
  gsize    kept_start[3];  /* the first href, alt and start attributes, as written */
  gsize    kept_end[3];
} TagScan;

#define VB_HTML_MAX_ATTRS 32

static void
scan_tag (const char *data,
          gsize       len,
          gsize       i,
          TagScan    *tag)
{
  static const char *kept[] = { "href", "alt", "start" };
  gsize n = 0;

  memset (tag, 0, sizeof *tag);
  tag->end = len;
  i++;
  while (i < len && is_name_char (data[i]))
    {
      if (n + 1 < sizeof tag->name)
        tag->name[n++] = g_ascii_tolower (data[i]);
      i++;
    }
  tag->name[n] = '\0';
  tag->name_end = i;

  while (i < len)
    {
      char c = data[i];

      if (is_blank (c))
        i++;
      else if (c == '>')
        {
          tag->end = i + 1;
          return;
        }
      else if (c == '/' && i + 1 < len && data[i + 1] == '>')
        {
          tag->self_closing = TRUE;
          tag->end = i + 2;
          return;
        }
      else if (is_name_start (c))
        {
          gsize attr_start = i, attr_name_end;

          while (i < len && is_name_char (data[i]))
            i++;
          attr_name_end = i;
          while (i < len && is_blank (data[i]))
            i++;
          if (i < len && data[i] == '=')
            {
              i++;
              while (i < len && is_blank (data[i]))
                i++;
              if (i < len && (data[i] == '"' || data[i] == '\''))
                {
                  const char *q = memchr (data + i + 1, data[i], len - i - 1);

                  if (q == NULL)
                    return;
                  i = q - data + 1;
                }
              else
                while (i < len && !is_blank (data[i]) && data[i] != '>')
                  i++;
            }
          tag->n_attrs++;
          for (guint k = 0; k < G_N_ELEMENTS (kept); k++)
            if (tag->kept_end[k] == 0 && attr_name_end - attr_start == strlen (kept[k]) &&
                g_ascii_strncasecmp (data + attr_start, kept[k], strlen (kept[k])) == 0)
              {
                tag->kept_start[k] = attr_start;
                tag->kept_end[k] = i;
              }
        }
      else
        {
          while (i < len && !is_blank (data[i]) && data[i] != '>' &&
                 !(data[i] == '/' && i + 1 < len && data[i + 1] == '>'))
            i++;
        }
    }
}

/* An end tag at @i: its lower-cased name into @name, and where it ends. libxml2 2.9.14
 * skips whatever follows the name up to the first '>', quotes or not. */
static gsize
scan_end_tag (const char *data,
              gsize       len,
              gsize       i,
              char       *name,
              gsize       name_size)
{
  const char *gt;
  gsize n = 0;

  for (i += 2; i < len && is_name_char (data[i]); i++)
    if (n + 1 < name_size)
      name[n++] = g_ascii_tolower (data[i]);
  name[n] = '\0';
  gt = memchr (data + i, '>', len - i);
  return gt != NULL ? (gsize) (gt - data) + 1 : len;
}

typedef struct
{
  htmlParserCtxtPtr ctxt;
  GString          *flat;      /* the input less the tags left out */
  gsize             fed;
  guint             pending_starts;
  gboolean          pending_end;
  gint              allowance;
} Feeder;

static void
feed (Feeder *f)
{
  if (f->fed < f->flat->len)
    {
      htmlParseChunk (f->ctxt, f->flat->str + f->fed, f->flat->len - f->fed, 0);
      f->fed = f->flat->len;
    }
  f->pending_starts = 0;
  f->pending_end = FALSE;
  f->allowance = VB_HTML_PARSE_DEPTH - f->ctxt->nameNr;
}

static void
parse_html (Walker     *w,
            const char *data,
            gsize       len)
{
  static const char prefix[] = "<html><body>";
  htmlSAXHandler sax;
  Feeder f = { 0 };
  gsize pos = 0, copied = 0;

  memset (&sax, 0, sizeof sax);
  sax.startElement = sax_start_element;
  sax.endElement = sax_end_element;
  sax.characters = sax_characters;
  sax.ignorableWhitespace = sax_characters;
  sax.cdataBlock = sax_ignore_cdata;
  sax.initialized = XML_SAX2_MAGIC;
  sax.serror = sax_ignore_error;

  f.ctxt = htmlCreatePushParserCtxt (&sax, w, NULL, 0, NULL, XML_CHAR_ENCODING_UTF8);
  if (f.ctxt == NULL)
    return;
  htmlCtxtUseOptions (f.ctxt, HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                              HTML_PARSE_RECOVER | HTML_PARSE_NOIMPLIED |
                              HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
  f.flat = g_string_sized_new (len + sizeof prefix);
  g_string_append (f.flat, prefix);
  feed (&f);

  while (pos < len)
    {
      const char *lt = memchr (data + pos, '<', len - pos);
      TagScan tag;
      gsize i, end;

      if (lt == NULL)
        break;
      i = lt - data;
      if (i + 1 >= len)
        break;

      if (data[i + 1] == '!' && i + 4 <= len && memcmp (data + i, "<!--", 4) == 0)
        {
          /* A comment ends at "-->" or "--!>" in libxml2 2.9.14. */
          gsize j = i + 4;

          pos = len;
          while (j + 3 <= len)
            {
              const char *dash = memchr (data + j, '-', len - j);

              if (dash == NULL)
                break;
              j = dash - data;
              if (j + 3 <= len && memcmp (data + j, "-->", 3) == 0)
                {
                  pos = j + 3;
                  break;
                }
              if (j + 4 <= len && memcmp (data + j, "--!>", 4) == 0)
                {
                  pos = j + 4;
                  break;
                }
              j++;
            }
          continue;
        }

      if (data[i + 1] == '/')
        {
          char name[24];

          end = scan_end_tag (data, len, i, name, sizeof name);
          if (strcmp (name, "html") == 0 || strcmp (name, "body") == 0)
            {
              /* would empty the parser's stack, after which it reads no more */
              g_string_append_len (f.flat, data + copied, i - copied);
              copied = end;
            }
          else if (name[0] != '\0')
            f.pending_end = TRUE;
          pos = name[0] != '\0' ? end : i + 2;
          continue;
        }

      if (!is_name_start (data[i + 1]))
        {
          pos = i + 1;
          continue;
        }

      scan_tag (data, len, i, &tag);
      end = tag.end;
      if ((gint) f.pending_starts >= f.allowance)
        {
          if (f.pending_end || f.pending_starts > 0)
            {
              g_string_append_len (f.flat, data + copied, i - copied);
              copied = i;
              feed (&f);
            }
          if ((gint) f.pending_starts >= f.allowance)
            {
              /* Too deep: leave the tag out. br and img are empty elements that never stay
               * on the stack, so they pass; a block element becomes a <br> (empty too),
               * so that words on both sides stay apart; an element whose content is
               * dropped goes with its content. */
              const TagInfo *info = lookup_tag (tag.name);

              if (info->kind == TAG_BR || info->kind == TAG_IMG)
                {
                  pos = end;
                  continue;
                }
              g_string_append_len (f.flat, data + copied, i - copied);
              switch ((TagKind) info->kind)
                {
                case TAG_BOUNDARY:
                case TAG_HEADING:
                case TAG_LIST:
                case TAG_LI:
                case TAG_QUOTE:
                case TAG_PRE:
                case TAG_TABLE:
                case TAG_ROW:
                  g_string_append (f.flat, "<br>");
                  break;
                case TAG_CELL:
                  g_string_append_c (f.flat, ' ');
                  break;
                default:
                  break;
                }
              if (info->kind == TAG_DROP && !tag.self_closing)
                {
                  end = find_end_tag (data, len, end, tag.name);
                  if (end < len)
                    {
                      char end_name[24];

                      end = scan_end_tag (data, len, end, end_name, sizeof end_name);
                    }
                }
              copied = end;
              pos = end;
              continue;
            }
        }
      f.pending_starts++;
      if (tag.n_attrs > VB_HTML_MAX_ATTRS)
        {
          /* libxml2 compares each attribute with all before it: keep what is read */
          g_string_append_len (f.flat, data + copied, tag.name_end - copied);
          for (guint k = 0; k < G_N_ELEMENTS (tag.kept_start); k++)
            if (tag.kept_end[k] > 0)
              {
                g_string_append_c (f.flat, ' ');
                g_string_append_len (f.flat, data + tag.kept_start[k],
                                     tag.kept_end[k] - tag.kept_start[k]);
              }
          g_string_append (f.flat, tag.self_closing ? "/>" : ">");
          copied = end;
        }
      if (!tag.self_closing &&
          (strcmp (tag.name, "script") == 0 || strcmp (tag.name, "style") == 0))
        pos = find_end_tag (data, len, end, tag.name);
      else
        pos = end;
    }

  g_string_append_len (f.flat, data + copied, len - copied);
  htmlParseChunk (f.ctxt, f.flat->str + f.fed, f.flat->len - f.fed, 1);

  htmlFreeParserCtxt (f.ctxt);
  g_string_free (f.flat, TRUE);
}

static gpointer
init_libxml (gpointer data)
{
  xmlInitParser ();
  return NULL;
}

/**
 * vb_html_walk:
 * @html: (nullable): untrusted HTML, UTF-8 (invalid bytes become U+FFFD)
 * @len: length of @html in bytes, or -1 if nul-terminated
 * @visitor: callbacks; any of them may be NULL
 * @user_data: passed to the callbacks
 *
 * Reads @html and reports the safe subset as flat, never nested, never empty blocks:
 * every start_block is followed by at least one text run and then its end_block.
 * Text never contains a newline (a line break is reported with line_break, also inside
 * <pre>), whitespace is collapsed as a browser would except inside <pre>, and @link of a
 * text run is NULL or an allowed URL (see vb_html_link_is_allowed()).
 */
void
vb_html_walk (const char          *html,
              gssize               len,
              const VbHtmlVisitor *visitor,
              gpointer             user_data)
{
  static GOnce once = G_ONCE_INIT;
  g_autofree char *valid = NULL;
  Walker w = { 0 };
  gsize n;

  g_return_if_fail (visitor != NULL);

  if (html == NULL)
    return;
  n = len < 0 ? strlen (html) : (gsize) len;
  n = MIN (n, VB_HTML_MAX_INPUT);
  if (n == 0)
    return;
  if (!g_utf8_validate_len (html, n, NULL))
    {
      valid = g_utf8_make_valid (html, n);
      html = valid;
      n = strlen (valid);
    }

  g_once (&once, init_libxml, NULL);

  w.visitor = visitor;
  w.user_data = user_data;
  w.stack = g_array_sized_new (FALSE, FALSE, sizeof (Frame), 64);
  w.st.kind = VB_HTML_BLOCK_PARAGRAPH;
  w.st.list_idx = -1;
  w.st.item_idx = -1;
  w.run = g_string_new (NULL);
  w.pre_ws = g_string_new (NULL);

  parse_html (&w, html, n);

  /* libxml2 leaves an element open when the input ends inside its start tag */
  while (w.stack->len > 0)
    pop_frame (&w);
  close_block (&w);

  g_array_free (w.stack, TRUE);
  g_string_free (w.run, TRUE);
  g_string_free (w.pre_ws, TRUE);
}

/* ---- plain text ---- */

typedef struct
{
  GString    *out;
  gboolean    with_links;
  gboolean    any_block;
  guint8      prev_kind;
  gsize       cont_indent;   /* spaces after a line break in a list item */
  char       *link;          /* with_links: the link whose text is being written */
  gsize       link_start;
} TextOut;

static const char *
skip_scheme (const char *url)
{
  if (g_ascii_strncasecmp (url, "mailto:", 7) == 0)
    return url + 7;
  if (g_ascii_strncasecmp (url, "tel:", 4) == 0)
    return url + 4;
  if (g_ascii_strncasecmp (url, "https://", 8) == 0)
    return url + 8;
  if (g_ascii_strncasecmp (url, "http://", 7) == 0)
    return url + 7;
  return url;
}

/* Whether a link's text already says where it goes ("www.example.nl" for
 * "https://www.example.nl/", "info@example.nl" for "mailto:info@example.nl"). */
static gboolean
link_text_is_url (const char *text,
                  gsize       text_len,
                  const char *url)
{
  const char *a = skip_scheme (url);
  gsize a_len = strlen (a);
  g_autofree char *t = g_strndup (text, text_len);
  const char *b = skip_scheme (g_strstrip (t));
  gsize b_len = strlen (b);

  while (a_len > 0 && a[a_len - 1] == '/')
    a_len--;
  while (b_len > 0 && b[b_len - 1] == '/')
    b_len--;
  return a_len == b_len && g_ascii_strncasecmp (a, b, a_len) == 0;
}

static void
text_finish_link (TextOut *t)
{
  if (t->link == NULL)
    return;
  if (!link_text_is_url (t->out->str + t->link_start, t->out->len - t->link_start, t->link))
    {
      /* web links in full; for mailto: and tel: the address or number is enough */
      gboolean web = g_ascii_strncasecmp (t->link, "http", 4) == 0;

      g_string_append_printf (t->out, " (%s)", web ? t->link : skip_scheme (t->link));
    }
  g_clear_pointer (&t->link, g_free);
}

static void
text_start_block (VbHtmlBlock block,
                  guint       level,
                  guint       ordinal,
                  gpointer    user_data)
{
  TextOut *t = user_data;

  if (t->any_block)
    g_string_append (t->out, block == VB_HTML_BLOCK_LIST_ITEM &&
                             t->prev_kind == VB_HTML_BLOCK_LIST_ITEM ? "\n" : "\n\n");
  t->any_block = TRUE;
  t->cont_indent = 0;
  if (block == VB_HTML_BLOCK_LIST_ITEM)
    {
      gsize indent = 2 * (MAX (level, 1) - 1);
      gsize before = t->out->len;

      for (gsize i = 0; i < indent; i++)
        g_string_append_c (t->out, ' ');
      if (ordinal > 0)
        g_string_append_printf (t->out, "%u. ", ordinal);
      else
        g_string_append (t->out, "• ");
      t->cont_indent = g_utf8_strlen (t->out->str + before, -1);
    }
}

static void
text_end_block (VbHtmlBlock block,
                gpointer    user_data)
{
  TextOut *t = user_data;

  text_finish_link (t);
  t->prev_kind = block;
}

static void
text_text (const char  *text,
           gsize        len,
           VbHtmlStyle  style,
           const char  *link,
           gpointer     user_data)
{
  TextOut *t = user_data;

  if (t->with_links && g_strcmp0 (link, t->link) != 0)
    {
      text_finish_link (t);
      if (link != NULL)
        {
          t->link = g_strdup (link);
          t->link_start = t->out->len;
        }
    }
  g_string_append_len (t->out, text, len);
}

static void
text_line_break (gpointer user_data)
{
  TextOut *t = user_data;

  g_string_append_c (t->out, '\n');
  for (gsize i = 0; i < t->cont_indent; i++)
    g_string_append_c (t->out, ' ');
}

static char *
to_text (const char *html,
         gssize      len,
         gboolean    with_links)
{
  static const VbHtmlVisitor visitor = {
    text_start_block, text_end_block, text_text, text_line_break,
  };
  TextOut t = { 0 };

  t.out = g_string_new (NULL);
  t.with_links = with_links;
  vb_html_walk (html, len, &visitor, &t);
  text_finish_link (&t);
  return g_string_free (t.out, FALSE);
}

/**
 * vb_html_to_text:
 * @html: (nullable): untrusted HTML
 * @len: length in bytes, or -1 if nul-terminated
 *
 * Plain text for search indexing and the clipboard: blocks separated by a blank line,
 * consecutive list items by a single newline, list items as "• text" or "3. text" indented
 * two spaces per nesting level, <br> as a newline, links as their text only, images as
 * "[alt]", table rows as paragraphs with " | " between cells.
 *
 * Returns: (transfer full): valid UTF-8, never NULL ("" for NULL or empty input)
 */
char *
vb_html_to_text (const char *html,
                 gssize      len)
{
  return to_text (html, len, FALSE);
}

/**
 * vb_html_to_text_with_links:
 * @html: (nullable): untrusted HTML
 * @len: length in bytes, or -1 if nul-terminated
 *
 * As vb_html_to_text(), but a link whose text does not already show where it goes is
 * followed by " (URL)"; for mailto: and tel: links just the address or number is shown.
 * Meant for plain-text e-mail and the clipboard, not for indexing.
 *
 * Returns: (transfer full): valid UTF-8, never NULL
 */
char *
vb_html_to_text_with_links (const char *html,
                            gssize      len)
{
  return to_text (html, len, TRUE);
}

/* ---- safe HTML ---- */

/**
 * vb_html_escape_text:
 * @text: (nullable): text
 *
 * Escapes &, <, > and " so that @text can go into HTML content and double-quoted
 * attribute values.
 *
 * Returns: (transfer full): the escaped text, "" for NULL
 */
char *
vb_html_escape_text (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("");
  out = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        default: g_string_append_c (out, *p); break;
        }
    }
  return g_string_free (out, FALSE);
}

static void
append_escaped (GString    *out,
                const char *text,
                gsize       len)
{
  const char *p = text, *end = text + len, *plain = text;

  for (; p < end; p++)
    {
      const char *entity;

      switch (*p)
        {
        case '&': entity = "&amp;"; break;
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '"': entity = "&quot;"; break;
        default: continue;
        }
      g_string_append_len (out, plain, p - plain);
      g_string_append (out, entity);
      plain = p + 1;
    }
  g_string_append_len (out, plain, end - plain);
}

typedef struct
{
  GString    *out;
  guint8      kind;
  guint       heading_tag;
  guint       lists;                              /* open lists */
  gboolean    ordered[VB_HTML_MAX_LIST_LEVEL + 1];
  gboolean    item_open[VB_HTML_MAX_LIST_LEVEL + 1];
  guint       last_ordinal[VB_HTML_MAX_LIST_LEVEL + 1];
  guint       quotes;                             /* open blockquotes */
  char       *link;                               /* open <a> */
  guint8      style;                              /* open style tags */
} HtmlOut;

static void
html_close_inline (HtmlOut *h)
{
  if (h->style & VB_HTML_STYLE_CODE)
    g_string_append (h->out, "</code>");
  if (h->style & VB_HTML_STYLE_ITALIC)
    g_string_append (h->out, "</em>");
  if (h->style & VB_HTML_STYLE_BOLD)
    g_string_append (h->out, "</strong>");
  h->style = 0;
  if (h->link != NULL)
    g_string_append (h->out, "</a>");
  g_clear_pointer (&h->link, g_free);
}

static void
html_close_lists (HtmlOut *h,
                  guint    depth)
{
  while (h->lists > depth)
    {
      if (h->item_open[h->lists])
        g_string_append (h->out, "</li>\n");
      h->item_open[h->lists] = FALSE;
      g_string_append (h->out, h->ordered[h->lists] ? "</ol>\n" : "</ul>\n");
      h->lists--;
    }
}

static void
html_close_quotes (HtmlOut *h,
                   guint    depth)
{
  for (; h->quotes > depth; h->quotes--)
    g_string_append (h->out, "</blockquote>\n");
}

static void
html_start_block (VbHtmlBlock block,
                  guint       level,
                  guint       ordinal,
                  gpointer    user_data)
{
  HtmlOut *h = user_data;

  h->kind = block;
  if (block != VB_HTML_BLOCK_LIST_ITEM)
    html_close_lists (h, 0);
  if (block != VB_HTML_BLOCK_QUOTE)
    html_close_quotes (h, 0);

  switch (block)
    {
    case VB_HTML_BLOCK_PARAGRAPH:
      g_string_append (h->out, "<p>");
      break;
    case VB_HTML_BLOCK_HEADING:
      /* levels 1..3 as h2..h4, which read back as the same levels */
      h->heading_tag = CLAMP (level, 1, 3) + 1;
      g_string_append_printf (h->out, "<h%u>", h->heading_tag);
      break;
    case VB_HTML_BLOCK_PREFORMATTED:
      g_string_append (h->out, "<pre>");
      break;
    case VB_HTML_BLOCK_QUOTE:
      level = CLAMP (level, 1, VB_HTML_MAX_QUOTE_LEVEL);
      html_close_quotes (h, level);
      while (h->quotes < level)
        {
          g_string_append (h->out, "<blockquote>\n");
          h->quotes++;
        }
      g_string_append (h->out, "<p>");
      break;
    case VB_HTML_BLOCK_LIST_ITEM:
      {
        gboolean ordered = ordinal > 0;

        level = CLAMP (level, 1, VB_HTML_MAX_LIST_LEVEL);
        html_close_lists (h, level);
        if (h->lists == level)
          {
            if (h->item_open[level])
              g_string_append (h->out, "</li>\n");
            h->item_open[level] = FALSE;
            if (h->ordered[level] != ordered ||
                (ordered && ordinal != h->last_ordinal[level] + 1))
              html_close_lists (h, level - 1);
          }
        while (h->lists < level)
          {
            guint d = h->lists + 1;

            if (h->lists > 0 && !h->item_open[h->lists])
              {
                g_string_append (h->out, "<li>");
                h->item_open[h->lists] = TRUE;
              }
            h->ordered[d] = d == level && ordered;
            if (!h->ordered[d])
              g_string_append (h->out, "<ul>\n");
            else if (ordinal != 1)
              g_string_append_printf (h->out, "<ol start=\"%u\">\n", ordinal);
            else
              g_string_append (h->out, "<ol>\n");
            h->item_open[d] = FALSE;
            h->lists = d;
          }
        g_string_append (h->out, "<li>");
        h->item_open[level] = TRUE;
        h->last_ordinal[level] = ordinal;
      }
      break;
    default:
      g_string_append (h->out, "<p>");
      break;
    }
}

static void
html_end_block (VbHtmlBlock block,
                gpointer    user_data)
{
  HtmlOut *h = user_data;

  html_close_inline (h);
  switch (block)
    {
    case VB_HTML_BLOCK_HEADING:
      g_string_append_printf (h->out, "</h%u>\n", h->heading_tag);
      break;
    case VB_HTML_BLOCK_PREFORMATTED:
      g_string_append (h->out, "</pre>\n");
      break;
    case VB_HTML_BLOCK_LIST_ITEM:
      break;   /* closed by the next item or the end of the list: a nested list may follow */
    case VB_HTML_BLOCK_PARAGRAPH:
    case VB_HTML_BLOCK_QUOTE:
    default:
      g_string_append (h->out, "</p>\n");
      break;
    }
}

static void
html_text (const char  *text,
           gsize        len,
           VbHtmlStyle  style,
           const char  *link,
           gpointer     user_data)
{
  HtmlOut *h = user_data;

  if (h->kind == VB_HTML_BLOCK_PREFORMATTED)
    style &= ~VB_HTML_STYLE_CODE;
  if (g_strcmp0 (link, h->link) != 0)
    {
      html_close_inline (h);
      if (link != NULL)
        {
          g_string_append (h->out, "<a href=\"");
          append_escaped (h->out, link, strlen (link));
          g_string_append (h->out, "\">");
          h->link = g_strdup (link);
        }
    }
  if (style != h->style)
    {
      char *link_keep = g_steal_pointer (&h->link);

      html_close_inline (h);
      h->link = link_keep;
      if (style & VB_HTML_STYLE_BOLD)
        g_string_append (h->out, "<strong>");
      if (style & VB_HTML_STYLE_ITALIC)
        g_string_append (h->out, "<em>");
      if (style & VB_HTML_STYLE_CODE)
        g_string_append (h->out, "<code>");
      h->style = style;
    }
  append_escaped (h->out, text, len);
}

static void
html_line_break (gpointer user_data)
{
  HtmlOut *h = user_data;

  g_string_append (h->out, h->kind == VB_HTML_BLOCK_PREFORMATTED ? "\n" : "<br>");
}

/**
 * vb_html_sanitize:
 * @html: (nullable): untrusted HTML
 * @len: length in bytes, or -1 if nul-terminated
 *
 * Rebuilds @html from vb_html_walk() with only p, h2-h4 (the demoted levels 1-3), ul, ol
 * (with start when it does not begin at 1), li, blockquote, pre, br, strong, em, code and
 * a with an allowed href; every other attribute is gone and all text is escaped.
 * Sanitizing the result again gives the same result.
 *
 * Returns: (transfer full): valid UTF-8, never NULL
 */
char *
vb_html_sanitize (const char *html,
                  gssize      len)
{
  static const VbHtmlVisitor visitor = {
    html_start_block, html_end_block, html_text, html_line_break,
  };
  HtmlOut h = { 0 };

  h.out = g_string_new (NULL);
  vb_html_walk (html, len, &visitor, &h);
  html_close_inline (&h);
  html_close_lists (&h, 0);
  html_close_quotes (&h, 0);
  if (h.out->len > 0 && h.out->str[h.out->len - 1] == '\n')
    g_string_truncate (h.out, h.out->len - 1);
  return g_string_free (h.out, FALSE);
}

/* ---- Markdown ---- */

#define MD_MAX_NESTING 8     /* inline recursion and list nesting */
#define MD_MAX_TITLE   256

/* The first position at or after @from holding a byte of @set. Results are kept, so that
 * asking again from a later position costs nothing until that position is passed: this
 * keeps unmatched delimiters ("[[[[...") linear. */
typedef struct
{
  gsize from;
  gsize found;
  gboolean valid;
} MdFind;

static gsize
md_find (MdFind     *cache,
         const char *s,
         gsize       len,
         gsize       from,
         const char *set)
{
  gsize i;

  if (cache->valid && from >= cache->from && from <= cache->found)
    return cache->found;
  for (i = from; i < len && strchr (set, s[i]) == NULL; i++)
    ;
  cache->from = from;
  cache->found = i;
  cache->valid = TRUE;
  return i;
}

static inline gboolean
md_wordish (char c)
{
  return g_ascii_isalnum (c) || (guchar) c >= 0x80;
}

static inline gboolean
md_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n';
}

/* A closing delimiter of @n times @c after @from: preceded by a non-blank, not part of a
 * longer run, and for '_' not followed by a letter or digit. Returns @len if none. */
static gsize
md_find_closer (const char *s,
                gsize       len,
                gsize       from,
                char        c,
                gsize       n)
{
  for (gsize j = from; j + n <= len; j++)
    {
      const char *hit = memchr (s + j, c, len - j);

      if (hit == NULL)
        return len;
      j = hit - s;
      if (j + n > len)
        return len;
      if ((n == 2 && s[j + 1] != c) || md_blank (s[j - 1]) || s[j - 1] == c)
        continue;
      if (j + n < len && s[j + n] == c)
        {
          /* skip the whole run */
          while (j + 1 < len && s[j + 1] == c)
            j++;
          continue;
        }
      if (c == '_' && j + n < len && md_wordish (s[j + n]))
        continue;
      return j;
    }
  return len;
}

static void
md_inline (GString    *out,
           const char *s,
           gsize       len,
           guint       depth)
{
  gboolean no_closer[4] = { FALSE, FALSE, FALSE, FALSE };  /* **, __, *, _ */
  MdFind backtick = { 0 }, bracket = { 0 }, url_end = { 0 }, gt = { 0 }, lt = { 0 }, ws = { 0 };
  gsize i = 0, plain = 0;

  if (depth > MD_MAX_NESTING)
    {
      append_escaped (out, s, len);
      return;
    }

#define FLUSH() G_STMT_START { append_escaped (out, s + plain, i - plain); } G_STMT_END

  while (i < len)
    {
      char c = s[i];

      if (c == '\\' && i + 1 < len && (s[i + 1] == '\n' || g_ascii_ispunct (s[i + 1])))
        {
          FLUSH ();
          if (s[i + 1] == '\n')
            g_string_append (out, "<br>\n");
          else
            append_escaped (out, s + i + 1, 1);
          i += 2;
          plain = i;
        }
      else if (c == '\n')
        {
          gsize spaces = 0;

          FLUSH ();
          while (out->len > spaces && out->str[out->len - 1 - spaces] == ' ')
            spaces++;
          g_string_truncate (out, out->len - spaces);
          g_string_append (out, spaces >= 2 ? "<br>\n" : "\n");
          i++;
          plain = i;
        }
      else if (c == '`')
        {
          gsize j = md_find (&backtick, s, len, i + 1, "`");

          if (j < len)
            {
              FLUSH ();
              g_string_append (out, "<code>");
              append_escaped (out, s + i + 1, j - i - 1);
              g_string_append (out, "</code>");
              i = j + 1;
              plain = i;
            }
          else
            i++;
        }
      else if (c == '*' || c == '_')
        {
          gboolean twice = i + 1 < len && s[i + 1] == c;
          gsize n = twice ? 2 : 1;
          guint k = (twice ? 0 : 2) + (c == '_' ? 1 : 0);
          gboolean opens = i + n < len && !md_blank (s[i + n]) &&
                           !(c == '_' && i > 0 && md_wordish (s[i - 1])) &&
                           !(i > 0 && s[i - 1] == c);
          gsize j = len;

          if (opens && !no_closer[k] && i + n + 1 < len)
            {
              j = md_find_closer (s, len, i + n + 1, c, n);
              if (j == len)
                no_closer[k] = TRUE;
            }
          if (j < len)
            {
              FLUSH ();
              g_string_append (out, twice ? "<strong>" : "<em>");
              md_inline (out, s + i + n, j - i - n, depth + 1);
              g_string_append (out, twice ? "</strong>" : "</em>");
              i = j + n;
              plain = i;
            }
          else
            i += n;
        }
      else if (c == '[')
        {
          gsize close = md_find (&bracket, s, len, i + 1, "]");
          gsize url_start = close + 2, stop, after = 0;

          if (close + 1 < len && s[close + 1] == '(')
            {
              stop = md_find (&url_end, s, len, url_start, ") \t\n");
              if (stop < len && s[stop] == ')')
                after = stop + 1;
              else if (stop < len)
                {
                  /* [text](url "title") */
                  gsize t = stop;

                  while (t < len && md_blank (s[t]))
                    t++;
                  if (t < len && s[t] == '"')
                    {
                      const char *q = memchr (s + t + 1, '"', MIN (len - t - 1, MD_MAX_TITLE));

                      if (q != NULL)
                        {
                          t = q - s + 1;
                          while (t < len && md_blank (s[t]))
                            t++;
                          if (t < len && s[t] == ')')
                            after = t + 1;
                        }
                    }
                }
            }
          if (after > 0)
            {
              g_autofree char *url = g_strndup (s + url_start, stop - url_start);
              g_autofree char *href = NULL;

              if (url[0] == '<' && url[strlen (url) - 1] == '>')
                {
                  url[strlen (url) - 1] = '\0';
                  memmove (url, url + 1, strlen (url));
                }
              href = link_normalize (url);
              FLUSH ();
              if (href != NULL)
                {
                  g_string_append (out, "<a href=\"");
                  append_escaped (out, href, strlen (href));
                  g_string_append (out, "\">");
                }
              md_inline (out, s + i + 1, close - i - 1, depth + 1);
              if (href != NULL)
                g_string_append (out, "</a>");
              i = after;
              plain = i;
            }
          else
            i++;
        }
      else if (c == '<')
        {
          /* <https://example.nl> and <info@example.nl> */
          gsize close = md_find (&gt, s, len, i + 1, ">");
          gsize next_lt = md_find (&lt, s, len, i + 1, "<");
          gsize next_ws = md_find (&ws, s, len, i + 1, " \t\n");
          g_autofree char *href = NULL;

          if (close < len && close > i + 1 && next_lt > close && next_ws > close)
            {
              g_autofree char *inner = g_strndup (s + i + 1, close - i - 1);

              if (strchr (inner, ':') == NULL && strchr (inner, '@') != NULL)
                {
                  g_autofree char *mail = g_strconcat ("mailto:", inner, NULL);

                  href = link_normalize (mail);
                }
              else
                href = link_normalize (inner);
            }
          if (href != NULL)
            {
              FLUSH ();
              g_string_append (out, "<a href=\"");
              append_escaped (out, href, strlen (href));
              g_string_append (out, "\">");
              append_escaped (out, s + i + 1, close - i - 1);
              g_string_append (out, "</a>");
              i = close + 1;
              plain = i;
            }
          else
            i++;
        }
      else
        i++;
    }
  FLUSH ();

#undef FLUSH
}

typedef struct
{
  GString *out;
  GString *para;       /* lines of the open paragraph */
  GString *item;       /* lines of the open list item */
  guint    lists;
  guint    indent[MD_MAX_NESTING];
  gboolean ordered[MD_MAX_NESTING];
  gboolean item_open[MD_MAX_NESTING];
} Markdown;

static void
md_flush_para (Markdown *md)
{
  g_strchomp (md->para->str);
  md->para->len = strlen (md->para->str);
  if (md->para->len > 0)
    {
      g_string_append (md->out, "<p>");
      md_inline (md->out, md->para->str, md->para->len, 0);
      g_string_append (md->out, "</p>\n");
    }
  g_string_truncate (md->para, 0);
}

static void
md_flush_item (Markdown *md)
{
  g_strchomp (md->item->str);
  md->item->len = strlen (md->item->str);
  if (md->item->len > 0)
    md_inline (md->out, md->item->str, md->item->len, 0);
  g_string_truncate (md->item, 0);
}

static void
md_close_lists (Markdown *md,
                guint     depth)
{
  md_flush_item (md);
  while (md->lists > depth)
    {
      md->lists--;
      if (md->item_open[md->lists])
        g_string_append (md->out, "</li>\n");
      g_string_append (md->out, md->ordered[md->lists] ? "</ol>\n" : "</ul>\n");
    }
}

static void
md_open_list (Markdown *md,
              guint     indent,
              gboolean  ordered,
              guint     number)
{
  if (!ordered)
    g_string_append (md->out, "<ul>\n");
  else if (number != 1)
    g_string_append_printf (md->out, "<ol start=\"%u\">\n", number);
  else
    g_string_append (md->out, "<ol>\n");
  md->indent[md->lists] = indent;
  md->ordered[md->lists] = ordered;
  md->item_open[md->lists] = FALSE;
  md->lists++;
}

/* "- ", "* ", "+ " or "12. " / "12) "; returns the length of the marker with its space. */
static gsize
md_list_marker (const char *s,
                gsize       len,
                gboolean   *ordered,
                guint      *number)
{
  gsize i = 0;

  if (len >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t'))
    {
      *ordered = FALSE;
      return 2;
    }
  while (i < len && i < 9 && g_ascii_isdigit (s[i]))
    i++;
  if (i > 0 && i + 1 < len && (s[i] == '.' || s[i] == ')') && (s[i + 1] == ' ' || s[i + 1] == '\t'))
    {
      *ordered = TRUE;
      *number = MAX (1, (guint) g_ascii_strtoull (s, NULL, 10));
      return i + 2;
    }
  return 0;
}

static void
md_line (Markdown   *md,
         const char *line,
         gsize       len)
{
  gsize i = 0, marker;
  guint indent = 0, hashes = 0, number = 1;
  gboolean ordered = FALSE;
  const char *content;
  gsize content_len;

  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    {
      indent = line[i] == '\t' ? (indent / 4 + 1) * 4 : indent + 1;
      i++;
    }
  content = line + i;
  content_len = len - i;

  if (content_len == 0)
    {
      md_flush_para (md);
      md_close_lists (md, 0);
      return;
    }

  while (hashes < content_len && content[hashes] == '#')
    hashes++;
  if (indent < 4 && hashes >= 1 && hashes <= 6 &&
      (hashes == content_len || content[hashes] == ' ' || content[hashes] == '\t'))
    {
      g_autofree char *text = g_strndup (content + hashes, content_len - hashes);
      gsize n;

      md_flush_para (md);
      md_close_lists (md, 0);
      g_strstrip (text);
      n = strlen (text);
      while (n > 0 && text[n - 1] == '#')
        n--;
      if (n == 0 || text[n - 1] == ' ' || text[n - 1] == '\t')
        text[n] = '\0';
      g_strstrip (text);
      if (*text != '\0')
        {
          g_string_append_printf (md->out, "<h%u>", hashes);
          md_inline (md->out, text, strlen (text), 0);
          g_string_append_printf (md->out, "</h%u>\n", hashes);
        }
      return;
    }

  marker = md_list_marker (content, content_len, &ordered, &number);
  if (marker > 0)
    {
      md_flush_para (md);
      md_flush_item (md);
      while (md->lists > 0 && indent < md->indent[md->lists - 1])
        md_close_lists (md, md->lists - 1);
      if (md->lists == 0)
        md_open_list (md, indent, ordered, number);
      else if (indent >= md->indent[md->lists - 1] + 2 && md->lists < MD_MAX_NESTING)
        md_open_list (md, indent, ordered, number);
      else
        {
          if (md->item_open[md->lists - 1])
            g_string_append (md->out, "</li>\n");
          md->item_open[md->lists - 1] = FALSE;
          if (md->ordered[md->lists - 1] != ordered)
            {
              md_close_lists (md, md->lists - 1);
              md_open_list (md, indent, ordered, number);
            }
        }
      g_string_append (md->out, "<li>");
      md->item_open[md->lists - 1] = TRUE;
      content += marker;
      content_len -= marker;
      while (content_len > 0 && (*content == ' ' || *content == '\t'))
        {
          content++;
          content_len--;
        }
      g_string_append_len (md->item, content, content_len);
      return;
    }

  if (md->lists > 0)
    {
      /* a continuation line of the list item */
      g_string_append_c (md->item, '\n');
      g_string_append_len (md->item, content, content_len);
      return;
    }
  if (md->para->len > 0)
    g_string_append_c (md->para, '\n');
  g_string_append_len (md->para, content, content_len);
}

/**
 * vb_markdown_to_html:
 * @markdown: (nullable): Markdown as found in SDG product texts
 *
 * Converts the small Markdown subset those texts use: paragraphs separated by blank
 * lines, # to ###### headings, "- ", "* ", "+ " and "1. " list items (nested by
 * indentation), **bold**, __bold__, *italic*, _italic_, `code`, [text](url) and <url>
 * links (only schemes vb_html_link_is_allowed() accepts; otherwise just the text), and
 * hard line breaks (two trailing spaces or a backslash). Everything else is text and is
 * escaped, so HTML in the Markdown shows as text.
 *
 * Returns: (transfer full): HTML, never NULL
 */
char *
vb_markdown_to_html (const char *markdown)
{
  g_autofree char *valid = NULL;
  Markdown md = { 0 };
  const char *p, *end;

  if (markdown == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid (markdown, -1);
  md.out = g_string_new (NULL);
  md.para = g_string_new (NULL);
  md.item = g_string_new (NULL);

  p = valid;
  end = valid + strlen (valid);
  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *next = eol != NULL ? eol + 1 : end;
      gsize n = (eol != NULL ? eol : end) - p;

      if (n > 0 && p[n - 1] == '\r')
        n--;
      md_line (&md, p, n);
      p = next;
    }
  md_flush_para (&md);
  md_close_lists (&md, 0);

  g_string_free (md.para, TRUE);
  g_string_free (md.item, TRUE);
  if (md.out->len > 0 && md.out->str[md.out->len - 1] == '\n')
    g_string_truncate (md.out, md.out->len - 1);
  return g_string_free (md.out, FALSE);
}
