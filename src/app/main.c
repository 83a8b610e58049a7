/* main.c: start Vraagbaak
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <locale.h>
#include <glib/gi18n.h>

#include "vb-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(VbApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* Uninstalled runs use the translations in the build folder. */
  bindtextdomain (GETTEXT_PACKAGE, g_file_test (BUILD_PODIR "/nl", G_FILE_TEST_IS_DIR) ?
                                   BUILD_PODIR : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = vb_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
