/* vb-rich-text.h: a read-only text view that shows an untrusted HTML answer
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VB_TYPE_RICH_TEXT (vb_rich_text_get_type ())

G_DECLARE_FINAL_TYPE (VbRichText, vb_rich_text, VB, RICH_TEXT, GtkTextView)

GtkWidget *vb_rich_text_new                     (void);

void       vb_rich_text_set_html                (VbRichText *self,
                                                 const char *html);
char      *vb_rich_text_dup_text                (VbRichText *self);
char      *vb_rich_text_dup_html                (VbRichText *self);

gboolean   vb_rich_text_activate_link_at_cursor (VbRichText *self);
gboolean   vb_rich_text_move_to_link            (VbRichText *self,
                                                 gboolean    forward);

G_END_DECLS
