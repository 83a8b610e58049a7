/* vb-importer.h: content import from our bundle and Dutch government formats
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include "vb-store.h"

G_BEGIN_DECLS

#define VB_IMPORT_ERROR (vb_import_error_quark ())

typedef enum
{
  VB_IMPORT_ERROR_READ,
  VB_IMPORT_ERROR_NOT_JSON,
  VB_IMPORT_ERROR_UNKNOWN_FORMAT,
  VB_IMPORT_ERROR_INVALID_RECORD,
} VbImportError;

#define VB_TYPE_IMPORTER (vb_importer_get_type ())
G_DECLARE_FINAL_TYPE (VbImporter, vb_importer, VB, IMPORTER, GObject)

GQuark      vb_import_error_quark         (void);
VbImporter *vb_importer_new               (VbStore     *store);
void        vb_importer_set_skip_invalid  (VbImporter  *self,
                                           gboolean     skip_invalid);
void        vb_importer_set_origin        (VbImporter  *self,
                                           const char  *origin);
gboolean    vb_importer_parse             (VbImporter  *self,
                                           const char  *name,
                                           const char  *data,
                                           gssize       len,
                                           GPtrArray  **items,
                                           JsonObject **lists,
                                           GError     **error);
gboolean    vb_importer_import_file       (VbImporter  *self,
                                           const char  *path,
                                           GError     **error);
guint       vb_importer_get_imported      (VbImporter  *self);
const char *vb_importer_get_format        (VbImporter  *self);
GPtrArray  *vb_importer_get_skipped       (VbImporter  *self);
VbItem     *vb_importer_parse_item        (JsonObject  *record,
                                           GError     **error);

G_END_DECLS
