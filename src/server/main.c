/* main.c: vraagbaak-server
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include "vb-server-command.h"

int
main (int    argc,
      char **argv)
{
  return vb_server_command_run (argc, argv);
}
