/* vb-html.h: untrusted HTML to a safe subset, to plain text, and to rich-text events
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* List items report their nesting depth clamped to 1..VB_HTML_MAX_LIST_LEVEL. */
#define VB_HTML_MAX_LIST_LEVEL 8

typedef enum
{
  VB_HTML_BLOCK_PARAGRAPH,
  VB_HTML_BLOCK_HEADING,     /* level 1..3 after demotion */
  VB_HTML_BLOCK_LIST_ITEM,   /* level = list nesting depth (1..), ordinal > 0 in <ol> */
  VB_HTML_BLOCK_QUOTE,       /* level = quote nesting depth, 1..4 */
  VB_HTML_BLOCK_PREFORMATTED,
} VbHtmlBlock;

typedef enum
{
  VB_HTML_STYLE_NONE   = 0,
  VB_HTML_STYLE_BOLD   = 1 << 0,
  VB_HTML_STYLE_ITALIC = 1 << 1,
  VB_HTML_STYLE_CODE   = 1 << 2,
} VbHtmlStyle;

typedef struct
{
  void (*start_block) (VbHtmlBlock block, guint level, guint ordinal, gpointer user_data);
  void (*end_block)   (VbHtmlBlock block, gpointer user_data);
  /* @link is NULL or a URL with an allowed scheme (http, https, mailto, tel). */
  void (*text)        (const char *text, gsize len, VbHtmlStyle style, const char *link,
                       gpointer user_data);
  void (*line_break)  (gpointer user_data);
} VbHtmlVisitor;

void   vb_html_walk        (const char          *html,
                            gssize               len,
                            const VbHtmlVisitor *visitor,
                            gpointer             user_data);
char  *vb_html_to_text     (const char          *html,
                            gssize               len);
char  *vb_html_to_text_with_links (const char   *html,
                                   gssize        len);
char  *vb_html_sanitize    (const char          *html,
                            gssize               len);
char  *vb_html_escape_text (const char          *text);
char  *vb_markdown_to_html (const char          *markdown);
gboolean vb_html_link_is_allowed (const char    *url);

G_END_DECLS
