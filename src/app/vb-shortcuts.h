/* vb-shortcuts.h: the one table of keyboard shortcuts
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct
{
  const char *section;      /* untranslated; N_() */
  const char *title;        /* untranslated; N_() */
  const char *action;       /* detailed action name, or NULL when a widget handles the keys */
  const char *accels[3];    /* GTK accelerator strings, NULL-terminated */
  const char *display;      /* how the shortcuts window shows them, when not the accels */
} VbShortcut;

const VbShortcut *vb_shortcuts_get_table   (guint          *n_shortcuts);
void              vb_shortcuts_register    (GtkApplication *app);
GtkWindow        *vb_shortcuts_window_new  (GtkWindow      *parent);

G_END_DECLS
