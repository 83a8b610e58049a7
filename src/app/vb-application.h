/* vb-application.h: the application
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <adwaita.h>

#include "vb-context.h"

G_BEGIN_DECLS

#define VB_TYPE_APPLICATION (vb_application_get_type ())
G_DECLARE_FINAL_TYPE (VbApplication, vb_application, VB, APPLICATION, AdwApplication)

VbApplication *vb_application_new         (void);
VbContext     *vb_application_get_context (VbApplication *self);

G_END_DECLS
