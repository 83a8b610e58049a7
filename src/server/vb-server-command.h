/* vb-server-command.h: vraagbaak-server's command line (serve, import, token)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit status: 0 done, 1 a usage error, 2 a failure. */
int vb_server_command_run (int    argc,
                           char **argv);

G_END_DECLS
