/* vb-item.h: one piece of content (VAC, product or notice)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  VB_ITEM_VAC,
  VB_ITEM_PRODUCT,
  VB_ITEM_NOTICE,
} VbItemKind;

#define VB_TYPE_ITEM (vb_item_get_type ())
G_DECLARE_FINAL_TYPE (VbItem, vb_item, VB, ITEM, GObject)

VbItem      *vb_item_new               (VbItemKind   kind,
                                        const char  *id,
                                        JsonObject  *fields);
VbItemKind   vb_item_get_kind          (VbItem      *self);
const char  *vb_item_get_id            (VbItem      *self);
const char  *vb_item_get_title         (VbItem      *self);
JsonObject  *vb_item_get_fields        (VbItem      *self);
const char  *vb_item_get_string        (VbItem      *self,
                                        const char  *field);
const char  *vb_item_get_status        (VbItem      *self);
const char  *vb_item_get_origin        (VbItem      *self);
const char  *vb_item_get_doelgroep     (VbItem      *self);
gboolean     vb_item_is_searchable     (VbItem      *self);
gboolean     vb_item_is_published      (VbItem      *self,
                                        gint64       now);
char       **vb_item_dup_afdelingen    (VbItem      *self);
char       **vb_item_dup_keywords      (VbItem      *self);
char        *vb_item_dup_body_text     (VbItem      *self);
char        *vb_item_dup_facets        (VbItem      *self);
char        *vb_item_to_json           (VbItem      *self);

const char  *vb_item_kind_to_string    (VbItemKind   kind);
gboolean     vb_item_kind_from_string  (const char  *str,
                                        VbItemKind  *kind);
const char  *vb_doelgroep_to_label     (const char  *doelgroep);
gint64       vb_parse_time             (const char  *iso);

/* Product sections, in the order agents read them. */
typedef struct
{
  const char *field;
  const char *label;  /* untranslated English; translate with _() at the UI edge */
  gboolean    internal;
} VbSection;

const VbSection *vb_product_sections   (guint       *n_sections);

G_END_DECLS
