/* vb-question-editor.h: one question of a contact (subject, outcome, department)
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gtk/gtk.h>

#include "vb-contact-lists.h"
#include "vb-contact-store.h"

G_BEGIN_DECLS

#define VB_TYPE_QUESTION_EDITOR (vb_question_editor_get_type ())
G_DECLARE_FINAL_TYPE (VbQuestionEditor, vb_question_editor, VB, QUESTION_EDITOR, GtkWidget)

GtkWidget  *vb_question_editor_new            (VbContactLists   *lists,
                                               VbContact        *contact,
                                               guint             index);
guint       vb_question_editor_get_index      (VbQuestionEditor *self);
void        vb_question_editor_set_index      (VbQuestionEditor *self,
                                               guint             index);
void        vb_question_editor_set_removable  (VbQuestionEditor *self,
                                               gboolean          removable);
void        vb_question_editor_sync           (VbQuestionEditor *self);
gboolean    vb_question_editor_choose_outcome (VbQuestionEditor *self,
                                               guint             number);
void        vb_question_editor_focus_outcome  (VbQuestionEditor *self);
void        vb_question_editor_focus_subject  (VbQuestionEditor *self);
gboolean    vb_question_editor_contains_focus (VbQuestionEditor *self);

G_END_DECLS
