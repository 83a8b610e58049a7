/* vb-lexicon.h: synonyms, compound parts and stop words for Dutch search
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define VB_TYPE_LEXICON (vb_lexicon_get_type ())
G_DECLARE_FINAL_TYPE (VbLexicon, vb_lexicon, VB, LEXICON, GObject)

VbLexicon  *vb_lexicon_new_from_dir     (const char  *datadir,
                                         GError     **error);
VbLexicon  *vb_lexicon_get_default      (void);
void        vb_lexicon_set_default      (VbLexicon   *lexicon);
const char *vb_lexicon_get_checksum     (VbLexicon   *self);
gboolean    vb_lexicon_is_stopword      (VbLexicon   *self,
                                         const char  *folded);
gboolean    vb_lexicon_is_particle      (const char  *folded);
guint       vb_lexicon_split_compound   (VbLexicon   *self,
                                         const char  *folded,
                                         char       **parts,
                                         guint        max_parts);
GPtrArray  *vb_lexicon_lookup_synonyms  (VbLexicon   *self,
                                         const char *const *words,
                                         guint        n_words,
                                         guint       *n_matched);

char       *vb_data_dir                 (void);

G_END_DECLS
