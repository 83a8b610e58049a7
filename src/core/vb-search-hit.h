/* vb-search-hit.h: one search result
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include "vb-item.h"

G_BEGIN_DECLS

#define VB_TYPE_SEARCH_HIT (vb_search_hit_get_type ())
G_DECLARE_FINAL_TYPE (VbSearchHit, vb_search_hit, VB, SEARCH_HIT, GObject)

VbSearchHit *vb_search_hit_new           (const char  *id,
                                          VbItemKind   kind,
                                          const char  *title,
                                          const char  *snippet,
                                          double       score,
                                          const char  *origin,
                                          const char  *doelgroep);
const char  *vb_search_hit_get_id        (VbSearchHit *self);
VbItemKind   vb_search_hit_get_kind      (VbSearchHit *self);
const char  *vb_search_hit_get_title     (VbSearchHit *self);
const char  *vb_search_hit_get_snippet   (VbSearchHit *self);
double       vb_search_hit_get_score     (VbSearchHit *self);
const char  *vb_search_hit_get_origin    (VbSearchHit *self);
const char  *vb_search_hit_get_doelgroep (VbSearchHit *self);

G_END_DECLS
