/* vb-rich-text.c: a read-only text view that shows an untrusted HTML answer
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <glib/gi18n.h>

#include "vb-html.h"
#include "vb-rich-text.h"

/* How it works (docs/rich-text.md has the long version):
 *
 * set_html() runs the engine's sanitising walker once and collects the plain text, the tag
 * ranges (in character offsets) and the link ranges. The buffer then gets the text and the
 * tags are applied range by range (adjacent ranges of a tag merged), in one go for an answer
 * of normal size; a longer one gets its first LOAD_FIRST bytes (more than a screenful) at
 * once and the rest in slices from an idle handler, while dup_text() has the whole text from
 * the start.
 *
 * Blocks are buffer lines separated by a single "\n"; the space between them is
 * pixels-below-lines on a block's last line. A list item's marker is "•" or "3." followed by a
 * tab, with a tab stop and a hanging indent so that wrapped lines line up with the text. A line
 * longer than LONG_LINE characters gets a "\n" for one of its spaces, as GtkTextView lays out
 * a whole line at once. The plain text kept for dup_text() has a space at both kinds of place;
 * both are listed in spaces[] so that copying the selection can put them back.
 *
 * Links live in a side table sorted by offset (the buffer never changes between two
 * set_html() calls): one shared tag gives them their look, a binary search finds the URL. */

#define MARGIN            12   /* around the text, in pixels */
#define GAP_ITEM           4   /* below a list item followed by another */
#define GAP_HEADING        6   /* below a heading */
#define GAP_PARAGRAPH     10   /* below any other block */
#define GAP_BEFORE_HEAD   18   /* below a block followed by a heading */
#define MAX_QUOTE_LEVEL    4
#define SPACE_INSIDE_WRAP  2   /* between the wrapped lines of a paragraph */
#define LONG_LINE       4000   /* characters: a longer line is split at a space */
#define LOAD_FIRST   (32 * 1024)  /* bytes inserted right away */
#define LOAD_SLICE   (16 * 1024)  /* bytes per step of the idle handler */
#define LOAD_BUDGET_US  6000   /* time per run of the idle handler */

/* Tags in order of priority, lowest first. */
enum
{
  TAG_PRE,
  TAG_HEADING_1,
  TAG_HEADING_LAST = TAG_HEADING_1 + 2,
  TAG_QUOTE_1,
  TAG_QUOTE_LAST = TAG_QUOTE_1 + MAX_QUOTE_LEVEL - 1,
  TAG_ITEM_1,                 /* the first line of a list item: marker, tab, text */
  TAG_ITEM_LAST = TAG_ITEM_1 + VB_HTML_MAX_LIST_LEVEL - 1,
  TAG_ITEM_MORE_1,            /* its lines after a <br> */
  TAG_ITEM_MORE_LAST = TAG_ITEM_MORE_1 + VB_HTML_MAX_LIST_LEVEL - 1,
  TAG_GAP_ITEM,
  TAG_GAP_HEADING,
  TAG_GAP_PARAGRAPH,
  TAG_GAP_BEFORE_HEAD,
  TAG_CODE,
  TAG_BOLD,
  TAG_ITALIC,
  TAG_LINK,
  N_TAGS
};

typedef struct
{
  guint   start;   /* character offsets */
  guint   end;
  guint16 tag;
} Range;

typedef struct
{
  guint  start;    /* character offsets */
  guint  end;
  char  *uri;
} Link;

struct _VbRichText
{
  GtkTextView  parent_instance;

  GtkTextTag  *tags[N_TAGS];
  char        *html;        /* the source of the current content */
  char        *text;        /* the current content as plain text */
  GArray      *links;       /* of Link, sorted */
  GArray      *spaces;      /* of guint, sorted: offsets of the tabs and newlines that stand
                             * for a space of the plain text */

  /* loading a long answer: the buffer text, how much of it is in, and the tags still to do */
  char        *load_text;
  gsize        load_len;
  gsize        load_done;    /* bytes */
  guint        load_chars;   /* characters in the buffer */
  GArray      *load_ranges;  /* of Range, sorted by start */
  guint        load_next;
  GArray      *load_carry;   /* of Range: cut at the end of what is in */
  guint        load_id;

  /* look, as last applied to the tags */
  GdkRGBA      link_color;
  gboolean     link_color_set;
  GdkRGBA      code_background;
  int          hang;        /* width of the list marker column */

  /* pointer */
  double       press_x;
  double       press_y;
  int          press_link;
  gboolean     hovering;
  int          context_link; /* link under the last right click, or at the caret */
};

G_DEFINE_FINAL_TYPE (VbRichText, vb_rich_text, GTK_TYPE_TEXT_VIEW)

enum
{
  SIGNAL_ACTIVATE_LINK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- building: one pass over the walker's events ---- */

typedef struct
{
  GString     *text;
  guint        chars;
  GArray      *ranges;           /* of Range */
  guint        last[N_TAGS];     /* index + 1 of each tag's last range, for merging */
  GArray      *links;            /* of Link */
  GArray      *markers;          /* of guint */

  gboolean     any_block;
  VbHtmlBlock  kind;
  guint        level;
  guint        line_no;          /* within the block */
  guint        line_start;
  guint        ordinal;
  VbHtmlBlock  prev_kind;
  guint        prev_level;
  guint        prev_ordinal;
  guint        prev_line_start;  /* the last line of the previous block */
  guint        prev_line_end;
} Builder;

static void
add_range (Builder *b,
           guint    tag,
           guint    start,
           guint    end)
{
  Range r = { start, end, tag };

  if (end <= start)
    return;
  if (b->last[tag] > 0)
    {
      Range *last = &g_array_index (b->ranges, Range, b->last[tag] - 1);

      if (last->end >= start)
        {
          last->end = MAX (last->end, end);
          return;
        }
    }
  g_array_append_val (b->ranges, r);
  b->last[tag] = b->ranges->len;
}

static guint
gap_tag (Builder     *b,
         VbHtmlBlock  next,
         guint        level,
         guint        ordinal)
{
  if (b->prev_kind == VB_HTML_BLOCK_LIST_ITEM && next == VB_HTML_BLOCK_LIST_ITEM)
    {
      /* items of one list sit close; a new list at the same level gets some air */
      gboolean new_list = level == b->prev_level &&
                          ((ordinal > 0) != (b->prev_ordinal > 0) ||
                           (ordinal > 0 && ordinal != b->prev_ordinal + 1));

      return new_list ? TAG_GAP_PARAGRAPH : TAG_GAP_ITEM;
    }
  if (b->prev_kind == VB_HTML_BLOCK_HEADING)
    return TAG_GAP_HEADING;
  if (next == VB_HTML_BLOCK_HEADING)
    return TAG_GAP_BEFORE_HEAD;
  return TAG_GAP_PARAGRAPH;
}

static void
build_start_block (VbHtmlBlock block,
                   guint       level,
                   guint       ordinal,
                   gpointer    user_data)
{
  Builder *b = user_data;

  if (b->any_block)
    add_range (b, gap_tag (b, block, level, ordinal), b->prev_line_start, b->prev_line_end);
  b->any_block = TRUE;
  b->kind = block;
  b->level = level;
  b->ordinal = ordinal;
  b->line_no = 0;
  b->line_start = b->chars;

  if (block == VB_HTML_BLOCK_LIST_ITEM)
    {
      guint marker;

      if (ordinal > 0)
        {
          char buf[24];
          int n = g_snprintf (buf, sizeof buf, "%u.", ordinal);

          g_string_append_len (b->text, buf, n);
          b->chars += n;
        }
      else
        {
          g_string_append (b->text, "•");
          b->chars++;
        }
      marker = b->chars;
      g_array_append_val (b->markers, marker);
      g_string_append_c (b->text, ' ');
      b->chars++;
    }
}

/* Ends the current line: the "\n" after it belongs to it, so that the paragraph attributes of
 * an empty line in <pre> come from the same tags. */
static void
build_end_line (Builder *b)
{
  guint level;

  g_string_append_c (b->text, '\n');
  b->chars++;

  switch (b->kind)
    {
    case VB_HTML_BLOCK_HEADING:
      level = CLAMP (b->level, 1, 3);
      add_range (b, TAG_HEADING_1 + level - 1, b->line_start, b->chars);
      break;
    case VB_HTML_BLOCK_LIST_ITEM:
      level = CLAMP (b->level, 1, VB_HTML_MAX_LIST_LEVEL);
      add_range (b, (b->line_no == 0 ? TAG_ITEM_1 : TAG_ITEM_MORE_1) + level - 1,
                 b->line_start, b->chars);
      break;
    case VB_HTML_BLOCK_QUOTE:
      level = CLAMP (b->level, 1, MAX_QUOTE_LEVEL);
      add_range (b, TAG_QUOTE_1 + level - 1, b->line_start, b->chars);
      break;
    case VB_HTML_BLOCK_PREFORMATTED:
      add_range (b, TAG_PRE, b->line_start, b->chars);
      break;
    case VB_HTML_BLOCK_PARAGRAPH:
    default:
      break;
    }
  b->prev_line_start = b->line_start;
  b->prev_line_end = b->chars;
  b->line_start = b->chars;
  b->line_no++;
}

static void
build_end_block (VbHtmlBlock block,
                 gpointer    user_data)
{
  Builder *b = user_data;

  build_end_line (b);
  b->prev_kind = block;
  b->prev_level = b->level;
  b->prev_ordinal = b->ordinal;
}

static void
build_line_break (gpointer user_data)
{
  build_end_line (user_data);
}

/* Appends @text with U+2028 and U+2029 as spaces: they would split a buffer line behind our
 * back. One character for one, so offsets stay right. */
static void
append_text (GString    *out,
             const char *text,
             gsize       len)
{
  const char *p = text, *end = text + len, *plain = text;

  while ((p = memchr (p, 0xe2, end - p)) != NULL)
    {
      if (end - p >= 3 && (guchar) p[1] == 0x80 &&
          ((guchar) p[2] == 0xa8 || (guchar) p[2] == 0xa9))
        {
          g_string_append_len (out, plain, p - plain);
          g_string_append_c (out, ' ');
          p += 3;
          plain = p;
        }
      else
        p++;
    }
  g_string_append_len (out, plain, end - plain);
}

static void
build_text (const char  *text,
            gsize        len,
            VbHtmlStyle  style,
            const char  *link,
            gpointer     user_data)
{
  Builder *b = user_data;
  gsize from = b->text->len;
  guint start = b->chars;
  guint end;

  append_text (b->text, text, len);
  end = start + g_utf8_strlen (b->text->str + from, b->text->len - from);
  b->chars = end;

  if (style & VB_HTML_STYLE_BOLD)
    add_range (b, TAG_BOLD, start, end);
  if (style & VB_HTML_STYLE_ITALIC)
    add_range (b, TAG_ITALIC, start, end);
  if ((style & VB_HTML_STYLE_CODE) && b->kind != VB_HTML_BLOCK_PREFORMATTED)
    add_range (b, TAG_CODE, start, end);
  if (link != NULL)
    {
      Link *last = b->links->len > 0 ? &g_array_index (b->links, Link, b->links->len - 1) : NULL;

      add_range (b, TAG_LINK, start, end);
      if (last != NULL && last->end == start && strcmp (last->uri, link) == 0)
        last->end = end;
      else
        {
          Link l = { start, end, g_strdup (link) };

          g_array_append_val (b->links, l);
        }
    }
}

static int
compare_range_start (gconstpointer a,
                     gconstpointer b)
{
  const Range *ra = a, *rb = b;

  return ra->start < rb->start ? -1 : ra->start > rb->start;
}

/* ---- looks ---- */

static void
set_rgba (GtkTextTag    *tag,
          const char    *property,
          const GdkRGBA *color)
{
  g_object_set (tag, property, color, NULL);
}

/* Colours and the marker column follow the theme and the font; tags are only touched when
 * something changed, as that lays out the whole buffer again. */
static void
update_look (VbRichText *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GdkRGBA link, fg, code;
  gboolean have_link;
  g_autoptr(PangoLayout) layout = NULL;
  int digits_width, space_width, hang;

  have_link = gtk_style_context_lookup_color (context, "accent_color", &link) ||
              gtk_style_context_lookup_color (context, "link_color", &link);
  if (have_link != self->link_color_set ||
      (have_link && !gdk_rgba_equal (&link, &self->link_color)))
    {
      self->link_color_set = have_link;
      if (have_link)
        {
          self->link_color = link;
          set_rgba (self->tags[TAG_LINK], "foreground-rgba", &link);
        }
      else
        g_object_set (self->tags[TAG_LINK], "foreground-set", FALSE, NULL);
    }

  gtk_style_context_get_color (context, &fg);
  code = fg;
  code.alpha *= 0.08f;
  if (!gdk_rgba_equal (&code, &self->code_background))
    {
      self->code_background = code;
      set_rgba (self->tags[TAG_CODE], "background-rgba", &code);
      set_rgba (self->tags[TAG_PRE], "paragraph-background-rgba", &code);
    }

  /* the marker column fits "99." and a space */
  layout = gtk_widget_create_pango_layout (widget, "99.");
  pango_layout_get_pixel_size (layout, &digits_width, NULL);
  pango_layout_set_text (layout, " ", -1);
  pango_layout_get_pixel_size (layout, &space_width, NULL);
  hang = MAX (digits_width + 2 * space_width, 16);
  if (hang != self->hang)
    {
      self->hang = hang;
      for (guint i = 0; i < VB_HTML_MAX_LIST_LEVEL; i++)
        {
          g_autoptr(PangoTabArray) tabs = pango_tab_array_new_with_positions (1, TRUE,
                                                                            PANGO_TAB_LEFT,
                                                                            hang);
          int margin = MARGIN + (int) i * hang;

          g_object_set (self->tags[TAG_ITEM_1 + i],
                        "left-margin", margin,
                        "indent", -hang,
                        "tabs", tabs,
                        NULL);
          g_object_set (self->tags[TAG_ITEM_MORE_1 + i],
                        "left-margin", margin + hang,
                        NULL);
        }
      for (guint i = 0; i < MAX_QUOTE_LEVEL; i++)
        g_object_set (self->tags[TAG_QUOTE_1 + i],
                      "left-margin", MARGIN + (int) (i + 1) * hang,
                      NULL);
    }
}

static void
create_tags (VbRichText *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  static const double heading_scale[] = { 1.4, 1.2, 1.07 };

  self->tags[TAG_PRE] = gtk_text_buffer_create_tag (buffer, "pre",
                                                    "family", "monospace",
                                                    "wrap-mode", GTK_WRAP_CHAR,
                                                    "left-margin", MARGIN + 8,
                                                    NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("heading-%u", i + 1);

      self->tags[TAG_HEADING_1 + i] = gtk_text_buffer_create_tag (buffer, name,
                                                                  "weight", PANGO_WEIGHT_BOLD,
                                                                  "scale", heading_scale[i],
                                                                  NULL);
    }
  for (guint i = 0; i < MAX_QUOTE_LEVEL; i++)
    {
      g_autofree char *name = g_strdup_printf ("quote-%u", i + 1);

      self->tags[TAG_QUOTE_1 + i] = gtk_text_buffer_create_tag (buffer, name,
                                                                "style", PANGO_STYLE_ITALIC,
                                                                NULL);
    }
  for (guint i = 0; i < VB_HTML_MAX_LIST_LEVEL; i++)
    {
      g_autofree char *name = g_strdup_printf ("item-%u", i + 1);
      g_autofree char *more = g_strdup_printf ("item-more-%u", i + 1);

      self->tags[TAG_ITEM_1 + i] = gtk_text_buffer_create_tag (buffer, name, NULL);
      self->tags[TAG_ITEM_MORE_1 + i] = gtk_text_buffer_create_tag (buffer, more, NULL);
    }
  self->tags[TAG_GAP_ITEM] = gtk_text_buffer_create_tag (buffer, "gap-item",
                                                         "pixels-below-lines", GAP_ITEM,
                                                         NULL);
  self->tags[TAG_GAP_HEADING] = gtk_text_buffer_create_tag (buffer, "gap-heading",
                                                            "pixels-below-lines", GAP_HEADING,
                                                            NULL);
  self->tags[TAG_GAP_PARAGRAPH] = gtk_text_buffer_create_tag (buffer, "gap-paragraph",
                                                              "pixels-below-lines",
                                                              GAP_PARAGRAPH,
                                                              NULL);
  self->tags[TAG_GAP_BEFORE_HEAD] = gtk_text_buffer_create_tag (buffer, "gap-before-heading",
                                                                "pixels-below-lines",
                                                                GAP_BEFORE_HEAD,
                                                                NULL);
  self->tags[TAG_CODE] = gtk_text_buffer_create_tag (buffer, "code",
                                                     "family", "monospace",
                                                     NULL);
  self->tags[TAG_BOLD] = gtk_text_buffer_create_tag (buffer, "bold",
                                                     "weight", PANGO_WEIGHT_BOLD,
                                                     NULL);
  self->tags[TAG_ITALIC] = gtk_text_buffer_create_tag (buffer, "italic",
                                                       "style", PANGO_STYLE_ITALIC,
                                                       NULL);
  self->tags[TAG_LINK] = gtk_text_buffer_create_tag (buffer, "link",
                                                     "underline", PANGO_UNDERLINE_SINGLE,
                                                     NULL);
}

/* ---- loading ---- */

static void
load_stop (VbRichText *self)
{
  g_clear_handle_id (&self->load_id, g_source_remove);
  g_clear_pointer (&self->load_text, g_free);
  g_clear_pointer (&self->load_ranges, g_array_unref);
  g_clear_pointer (&self->load_carry, g_array_unref);
  self->load_len = 0;
  self->load_done = 0;
  self->load_next = 0;
}

static void
apply_range (VbRichText  *self,
             const Range *r,
             guint        limit)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_offset (buffer, &start, r->start);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, MIN (r->end, limit));
  gtk_text_buffer_apply_tag (buffer, self->tags[r->tag], &start, &end);
}

/* Appends up to about @max_bytes more of the text (to the end of a line if one ends soon)
 * and applies the tags as far as the text goes. */
static void
load_step (VbRichText *self,
           gsize       max_bytes)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  const char *text = self->load_text;
  gsize from = self->load_done, to;
  GtkTextIter iter;
  guint limit, kept = 0;

  if (max_bytes >= self->load_len - from)
    to = self->load_len;
  else
    {
      const char *nl;

      to = from + max_bytes;
      nl = memchr (text + to, '\n', MIN (self->load_len - to, (gsize) LOAD_SLICE));
      if (nl != NULL)
        to = nl - text + 1;
      while (to < self->load_len && ((guchar) text[to] & 0xc0) == 0x80)
        to++;
    }

  gtk_text_buffer_get_end_iter (buffer, &iter);
  gtk_text_buffer_insert (buffer, &iter, text + from, (int) (to - from));
  self->load_chars += g_utf8_strlen (text + from, to - from);
  self->load_done = to;
  limit = self->load_chars;

  /* ranges cut last time first; tags of one kind never overlap, so there are few */
  for (guint i = 0; i < self->load_carry->len; i++)
    {
      Range r = g_array_index (self->load_carry, Range, i);

      apply_range (self, &r, limit);
      if (r.end > limit)
        {
          r.start = limit;
          g_array_index (self->load_carry, Range, kept++) = r;
        }
    }
  g_array_set_size (self->load_carry, kept);

  for (; self->load_next < self->load_ranges->len; self->load_next++)
    {
      Range r = g_array_index (self->load_ranges, Range, self->load_next);

      if (r.start >= limit)
        break;
      apply_range (self, &r, limit);
      if (r.end > limit)
        {
          r.start = limit;
          g_array_append_val (self->load_carry, r);
        }
    }
}

static gboolean
load_idle (gpointer data)
{
  VbRichText *self = data;
  gint64 until = g_get_monotonic_time () + LOAD_BUDGET_US;

  do
    load_step (self, LOAD_SLICE);
  while (self->load_done < self->load_len && g_get_monotonic_time () < until);

  if (self->load_done < self->load_len)
    return G_SOURCE_CONTINUE;
  self->load_id = 0;
  load_stop (self);
  return G_SOURCE_REMOVE;
}

/* Puts the rest of a long answer in the buffer now. */
static void
load_finish (VbRichText *self)
{
  if (self->load_text == NULL)
    return;
  load_step (self, G_MAXSIZE);
  load_stop (self);
}

/* ---- links ---- */

static void
clear_link (gpointer data)
{
  Link *link = data;

  g_free (link->uri);
}

/* The link holding the character at @offset, or -1. */
static int
find_link (VbRichText *self,
           guint       offset)
{
  guint lo = 0, hi = self->links->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const Link *l = &g_array_index (self->links, Link, mid);

      if (offset < l->start)
        hi = mid;
      else if (offset >= l->end)
        lo = mid + 1;
      else
        return (int) mid;
    }
  return -1;
}

static int
link_at_cursor (VbRichText *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  return find_link (self, gtk_text_iter_get_offset (&iter));
}

static int
link_at_point (VbRichText *self,
               double      x,
               double      y)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextIter iter;
  int bx, by;

  if (self->links->len == 0)
    return -1;
  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y,
                                         &bx, &by);
  if (!gtk_text_view_get_iter_at_location (view, &iter, bx, by))
    return -1;
  return find_link (self, gtk_text_iter_get_offset (&iter));
}

static gboolean
activate_link (VbRichText *self,
               int         index)
{
  g_autofree char *uri = NULL;
  gboolean handled = FALSE;

  if (index < 0 || (guint) index >= self->links->len)
    return FALSE;
  /* a copy: a handler may well call set_html() */
  uri = g_strdup (g_array_index (self->links, Link, index).uri);
  if (!vb_html_link_is_allowed (uri))
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_ACTIVATE_LINK], 0, uri, &handled);
  return TRUE;
}

static gboolean
vb_rich_text_real_activate_link (VbRichText *self,
                                 const char *uri)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
  return TRUE;
}

static void
select_link (VbRichText *self,
             guint       index)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  const Link *l = &g_array_index (self->links, Link, index);
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_offset (buffer, &start, l->start);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, l->end);
  /* the caret at the start, where Enter finds the link */
  gtk_text_buffer_select_range (buffer, &start, &end);
  if (gtk_widget_get_height (GTK_WIDGET (self)) > 0)   /* see vb_rich_text_focus() */
    gtk_text_view_scroll_mark_onscreen (view, gtk_text_buffer_get_insert (buffer));
}

/* Whether the selection is exactly link @index, as Tab leaves it. */
static gboolean
link_is_selected (VbRichText *self,
                  int         index)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter start, end;
  const Link *l;

  if (index < 0 || (guint) index >= self->links->len ||
      !gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return FALSE;
  l = &g_array_index (self->links, Link, index);
  return (guint) gtk_text_iter_get_offset (&start) == l->start &&
         (guint) gtk_text_iter_get_offset (&end) == l->end;
}

/**
 * vb_rich_text_activate_link_at_cursor:
 * @self: a #VbRichText
 *
 * Activates the link the caret (the insert mark) is in, as Enter and space do: emits
 * #VbRichText::activate-link.
 *
 * Returns: whether the caret was in a link
 */
gboolean
vb_rich_text_activate_link_at_cursor (VbRichText *self)
{
  g_return_val_if_fail (VB_IS_RICH_TEXT (self), FALSE);

  return activate_link (self, link_at_cursor (self));
}

/**
 * vb_rich_text_move_to_link:
 * @self: a #VbRichText
 * @forward: %TRUE for the next link, %FALSE for the previous one
 *
 * What Tab and Shift+Tab do: selects the next (previous) link after (before) the caret,
 * puts the caret at its start and scrolls it into view.
 *
 * Returns: %FALSE when there is no such link (and nothing changed): focus may move on
 */
gboolean
vb_rich_text_move_to_link (VbRichText *self,
                           gboolean    forward)
{
  GtkTextBuffer *buffer;
  GtkTextIter iter;
  guint offset, lo, hi;
  int target;

  g_return_val_if_fail (VB_IS_RICH_TEXT (self), FALSE);

  if (self->links->len == 0)
    return FALSE;
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  offset = gtk_text_iter_get_offset (&iter);

  if (forward)
    {
      /* the first link starting at or after the caret, but not the one already selected */
      lo = 0;
      hi = self->links->len;
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (g_array_index (self->links, Link, mid).start < offset)
            lo = mid + 1;
          else
            hi = mid;
        }
      target = (int) lo;
      if (link_is_selected (self, target))
        target++;
      if ((guint) target >= self->links->len)
        return FALSE;
    }
  else
    {
      /* the last link ending at or before the caret, but not the one already selected */
      lo = 0;
      hi = self->links->len;
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (g_array_index (self->links, Link, mid).end <= offset)
            lo = mid + 1;
          else
            hi = mid;
        }
      target = (int) lo - 1;
      if (link_is_selected (self, target))
        target--;
      if (target < 0)
        return FALSE;
    }

  if (g_array_index (self->links, Link, target).end > self->load_chars)
    load_finish (self);
  select_link (self, (guint) target);
  return TRUE;
}

/* ---- input ---- */

static void
update_context_link (VbRichText *self,
                     int         index)
{
  self->context_link = index;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rich-text.copy-link", index >= 0);
}

static void
click_pressed (GtkGestureClick *gesture,
               int              n_press,
               double           x,
               double           y,
               VbRichText      *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  self->press_x = x;
  self->press_y = y;
  self->press_link = link_at_point (self, x, y);
  if (button == GDK_BUTTON_SECONDARY)
    update_context_link (self, self->press_link);
}

static void
click_released (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                VbRichText      *self)
{
  GdkModifierType state;
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  int index;

  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  if (button != GDK_BUTTON_PRIMARY || n_press != 1 ||
      (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return;
  /* a drag selects text instead */
  if (gtk_drag_check_threshold (GTK_WIDGET (self), (int) self->press_x, (int) self->press_y,
                                (int) x, (int) y))
    return;
  index = link_at_point (self, x, y);
  if (index >= 0 && index == self->press_link)
    activate_link (self, index);
}

static void
set_hovering (VbRichText *self,
              gboolean    hovering)
{
  if (hovering == self->hovering)
    return;
  self->hovering = hovering;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), hovering ? "pointer" : "text");
}

static void
motion (GtkEventControllerMotion *controller,
        double                    x,
        double                    y,
        VbRichText               *self)
{
  set_hovering (self, link_at_point (self, x, y) >= 0);
}

static void
motion_leave (GtkEventControllerMotion *controller,
              VbRichText               *self)
{
  set_hovering (self, FALSE);
}

static gboolean
key_pressed (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             VbRichText            *self)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();

  switch (keyval)
    {
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
    case GDK_KEY_ISO_Left_Tab:
      if ((mods & ~GDK_SHIFT_MASK) != 0)
        return FALSE;
      if (vb_rich_text_move_to_link (self, (mods & GDK_SHIFT_MASK) == 0))
        return TRUE;
      /* past the last link: leave no link looking focused, and let focus move on */
      if (link_is_selected (self, link_at_cursor (self)))
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
          GtkTextIter iter;

          gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
          gtk_text_buffer_place_cursor (buffer, &iter);
        }
      return FALSE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      if (mods != 0)
        return FALSE;
      return vb_rich_text_activate_link_at_cursor (self);

    case GDK_KEY_Menu:
    case GDK_KEY_F10:
      /* the context menu opens at the caret */
      update_context_link (self, link_at_cursor (self));
      return FALSE;

    default:
      return FALSE;
    }
}

static void
copy_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VbRichText *self = VB_RICH_TEXT (widget);

  if (self->context_link < 0 || (guint) self->context_link >= self->links->len)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          g_array_index (self->links, Link, self->context_link).uri);
}

/* ---- content ---- */

/* The buffer's version of the plain text: a tab after each list marker, and a newline for a
 * space in a line that grows too long. Collects the offsets of both in self->spaces. */
static char *
make_shown_text (VbRichText *self,
                 GString    *text,
                 GArray     *markers)
{
  char *shown = g_strndup (text->str, text->len);
  char *last_space = NULL;
  guint offset = 0, line_chars = 0, last_space_offset = 0, m = 0;

  for (char *p = shown; p < shown + text->len; p++)
    {
      if (((guchar) *p & 0xc0) == 0x80)
        continue;   /* inside a character */
      if (m < markers->len && g_array_index (markers, guint, m) == offset)
        {
          *p = '\t';
          g_array_append_val (self->spaces, offset);
          m++;
        }
      else if (*p == '\n')
        {
          line_chars = 0;
          last_space = NULL;
        }
      else if (*p == ' ')
        {
          last_space = p;
          last_space_offset = offset;
        }
      offset++;
      if (++line_chars > LONG_LINE && last_space != NULL)
        {
          *last_space = '\n';
          g_array_append_val (self->spaces, last_space_offset);
          line_chars = offset - last_space_offset - 1;
          last_space = NULL;
        }
    }
  return shown;
}

static void
clear_content (VbRichText *self)
{
  load_stop (self);
  g_clear_pointer (&self->html, g_free);
  g_clear_pointer (&self->text, g_free);
  g_array_set_size (self->links, 0);
  g_array_set_size (self->spaces, 0);
  self->load_chars = 0;
  self->press_link = -1;
  update_context_link (self, -1);
}

static int
compare_offsets (gconstpointer a,
                 gconstpointer b)
{
  guint oa = *(const guint *) a, ob = *(const guint *) b;

  return oa < ob ? -1 : oa > ob;
}

/**
 * vb_rich_text_set_html:
 * @self: a #VbRichText
 * @html: (nullable): untrusted HTML
 *
 * Shows @html, or nothing for %NULL or "". Only the safe subset of vb_html_walk() is shown;
 * nothing is ever loaded. A very long answer reaches the buffer in steps from the main loop;
 * vb_rich_text_dup_text() has all of it at once.
 */
void
vb_rich_text_set_html (VbRichText *self,
                       const char *html)
{
  static const VbHtmlVisitor visitor = {
    build_start_block, build_end_block, build_text, build_line_break,
  };
  GtkTextView *view;
  GtkTextBuffer *buffer;
  Builder b = { 0 };
  g_autoptr(GArray) markers = NULL;
  GtkTextIter start;

  g_return_if_fail (VB_IS_RICH_TEXT (self));

  view = GTK_TEXT_VIEW (self);
  buffer = gtk_text_view_get_buffer (view);
  clear_content (self);
  gtk_text_buffer_set_text (buffer, "", 0);

  markers = g_array_new (FALSE, FALSE, sizeof (guint));
  b.text = g_string_new (NULL);
  b.ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  b.links = self->links;
  b.markers = markers;
  vb_html_walk (html, -1, &visitor, &b);

  /* the last block needs no "\n" */
  if (b.text->len > 0 && b.text->str[b.text->len - 1] == '\n')
    {
      g_string_truncate (b.text, b.text->len - 1);
      b.chars--;
    }

  self->load_text = make_shown_text (self, b.text, markers);
  g_array_sort (self->spaces, compare_offsets);
  self->load_len = b.text->len;
  self->load_ranges = g_steal_pointer (&b.ranges);
  g_array_sort (self->load_ranges, compare_range_start);
  self->load_carry = g_array_new (FALSE, FALSE, sizeof (Range));
  if (html != NULL && *html != '\0')
    self->html = g_strdup (html);
  self->text = g_string_free (b.text, FALSE);

  if (self->load_len > 0)
    load_step (self, LOAD_FIRST);
  if (self->load_done < self->load_len)
    self->load_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, load_idle, self, NULL);
  else
    load_stop (self);

  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_text_view_scroll_to_iter (view, &start, 0.0, FALSE, 0.0, 0.0);
}

/**
 * vb_rich_text_dup_text:
 * @self: a #VbRichText
 *
 * The content as plain text as it is shown: blocks on lines of their own, list items with
 * "• " or "3. " in front.
 *
 * Returns: (transfer full): the text, never %NULL
 */
char *
vb_rich_text_dup_text (VbRichText *self)
{
  g_return_val_if_fail (VB_IS_RICH_TEXT (self), NULL);

  return g_strdup (self->text != NULL ? self->text : "");
}

/**
 * vb_rich_text_dup_html:
 * @self: a #VbRichText
 *
 * The content as safe HTML (vb_html_sanitize()), for "copy as HTML".
 *
 * Returns: (transfer full): the HTML, never %NULL
 */
char *
vb_rich_text_dup_html (VbRichText *self)
{
  g_return_val_if_fail (VB_IS_RICH_TEXT (self), NULL);

  return vb_html_sanitize (self->html, -1);
}

/* Copies the selection with spaces where the buffer has a tab after a list marker or a
 * newline that splits a long line, as dup_text() has it. */
static void
vb_rich_text_copy_clipboard (GtkTextView *view)
{
  VbRichText *self = VB_RICH_TEXT (view);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  guint from, to, lo, hi, at;
  char *p;

  load_finish (self);   /* "select all" and copy while loading still gets everything */
  if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return;
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  from = gtk_text_iter_get_offset (&start);
  to = gtk_text_iter_get_offset (&end);

  lo = 0;
  hi = self->spaces->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->spaces, guint, mid) < from)
        lo = mid + 1;
      else
        hi = mid;
    }
  p = text;
  at = from;
  for (guint i = lo; i < self->spaces->len; i++)
    {
      guint offset = g_array_index (self->spaces, guint, i);

      if (offset >= to)
        break;
      p = g_utf8_offset_to_pointer (p, offset - at);
      at = offset;
      if (*p == '\t' || *p == '\n')
        *p = ' ';
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (view)), text);
}

/* ---- GObject ---- */

static gboolean
vb_rich_text_focus (GtkWidget        *widget,
                    GtkDirectionType  direction)
{
  gboolean was_focus = gtk_widget_is_focus (widget);
  gboolean ret = GTK_WIDGET_CLASS (vb_rich_text_parent_class)->focus (widget, direction);

  /* Tabbing in starts at the top (Tab) or the bottom (Shift+Tab), so that the next Tab
   * reaches every link in turn. */
  if (ret && !was_focus && gtk_widget_is_focus (widget) &&
      (direction == GTK_DIR_TAB_FORWARD || direction == GTK_DIR_TAB_BACKWARD))
    {
      GtkTextView *view = GTK_TEXT_VIEW (widget);
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
      GtkTextIter iter;

      if (direction == GTK_DIR_TAB_FORWARD)
        gtk_text_buffer_get_start_iter (buffer, &iter);
      else
        {
          load_finish (VB_RICH_TEXT (widget));
          gtk_text_buffer_get_end_iter (buffer, &iter);
        }
      gtk_text_buffer_place_cursor (buffer, &iter);
      /* not before the first allocation (the window's initial focus), when GTK 4.8 would
       * scroll to the end */
      if (gtk_widget_get_height (widget) > 0)
        gtk_text_view_scroll_mark_onscreen (view, gtk_text_buffer_get_insert (buffer));
    }
  return ret;
}

static void
vb_rich_text_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (vb_rich_text_parent_class)->css_changed (widget, change);
  update_look (VB_RICH_TEXT (widget));
}

static void
vb_rich_text_dispose (GObject *object)
{
  load_stop (VB_RICH_TEXT (object));

  G_OBJECT_CLASS (vb_rich_text_parent_class)->dispose (object);
}

static void
vb_rich_text_finalize (GObject *object)
{
  VbRichText *self = VB_RICH_TEXT (object);

  g_free (self->html);
  g_free (self->text);
  g_array_unref (self->links);
  g_array_unref (self->spaces);

  G_OBJECT_CLASS (vb_rich_text_parent_class)->finalize (object);
}

static void
vb_rich_text_class_init (VbRichTextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkTextViewClass *text_view_class = GTK_TEXT_VIEW_CLASS (klass);

  object_class->dispose = vb_rich_text_dispose;
  object_class->finalize = vb_rich_text_finalize;
  widget_class->focus = vb_rich_text_focus;
  widget_class->css_changed = vb_rich_text_css_changed;
  text_view_class->copy_clipboard = vb_rich_text_copy_clipboard;

  /**
   * VbRichText::activate-link:
   * @self: the #VbRichText
   * @uri: the link's URL: http, https, mailto or tel
   *
   * A link was clicked, or Enter or space pressed on it. The default handler opens it with
   * gtk_show_uri(); return %TRUE from a handler to stop that.
   *
   * Returns: %TRUE when the link was handled
   */
  signals[SIGNAL_ACTIVATE_LINK] =
    g_signal_new_class_handler ("activate-link",
                                G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST,
                                G_CALLBACK (vb_rich_text_real_activate_link),
                                g_signal_accumulator_true_handled, NULL,
                                NULL,
                                G_TYPE_BOOLEAN, 1,
                                G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_install_action (widget_class, "rich-text.copy-link", NULL,
                                   copy_link_action);
}

static void
vb_rich_text_init (VbRichText *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *click;
  GtkEventController *controller;
  g_autoptr(GMenu) menu = NULL;

  self->links = g_array_new (FALSE, FALSE, sizeof (Link));
  g_array_set_clear_func (self->links, clear_link);
  self->spaces = g_array_new (FALSE, FALSE, sizeof (guint));
  self->press_link = -1;
  self->context_link = -1;
  self->code_background.alpha = -1.0f;   /* nothing applied yet */

  /* no undo history: it would keep a copy of every answer shown */
  gtk_text_buffer_set_enable_undo (gtk_text_view_get_buffer (view), FALSE);
  gtk_text_view_set_editable (view, FALSE);
  gtk_text_view_set_cursor_visible (view, TRUE);
  gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (view, MARGIN);
  gtk_text_view_set_right_margin (view, MARGIN);
  gtk_text_view_set_top_margin (view, MARGIN);
  gtk_text_view_set_bottom_margin (view, MARGIN);
  gtk_text_view_set_pixels_inside_wrap (view, SPACE_INSIDE_WRAP);

  create_tags (self);
  update_look (self);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (click_pressed), self);
  g_signal_connect (click, "released", G_CALLBACK (click_released), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (motion_leave), self);
  gtk_widget_add_controller (widget, controller);

  /* before the text view's own key handling, which moves focus on Tab */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed), self);
  gtk_widget_add_controller (widget, controller);

  menu = g_menu_new ();
  g_menu_append (menu, _("Copy Link Address"), "rich-text.copy-link");
  gtk_text_view_set_extra_menu (view, G_MENU_MODEL (menu));
  update_context_link (self, -1);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Answer"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Tab moves to the next link, Enter opens it"),
                                  GTK_ACCESSIBLE_PROPERTY_MULTI_LINE, TRUE,
                                  GTK_ACCESSIBLE_PROPERTY_READ_ONLY, TRUE,
                                  -1);
}

/**
 * vb_rich_text_new:
 *
 * Returns: (transfer floating): a new, empty #VbRichText
 */
GtkWidget *
vb_rich_text_new (void)
{
  return g_object_new (VB_TYPE_RICH_TEXT, NULL);
}
