/* vb-result-row.c: one row in the result list
 *
 * Type badge, title, snippet with the matched words in bold, and landelijk/lokaal. The row's
 * accessible name is its title, so a screen reader reads what the agent sees.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <glib/gi18n.h>

#include "vb-result-row.h"

struct _VbResultRow
{
  GtkListBoxRow  parent_instance;

  VbSearchHit   *hit;

  GtkLabel      *badge;
  GtkLabel      *title;
  GtkLabel      *snippet;
  GtkLabel      *origin;
};

G_DEFINE_FINAL_TYPE (VbResultRow, vb_result_row, GTK_TYPE_LIST_BOX_ROW)

/* Short, translated names of the kinds, as badges. */
const char *
vb_kind_badge_label (VbItemKind kind)
{
  switch (kind)
    {
    case VB_ITEM_VAC:
      return _("VAC");
    case VB_ITEM_PRODUCT:
      return _("Product");
    case VB_ITEM_NOTICE:
      return _("Notice");
    default:
      return "";
    }
}

static void
vb_result_row_dispose (GObject *object)
{
  VbResultRow *self = VB_RESULT_ROW (object);

  g_clear_object (&self->hit);
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_RESULT_ROW);

  G_OBJECT_CLASS (vb_result_row_parent_class)->dispose (object);
}

static void
vb_result_row_class_init (VbResultRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vb_result_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/search/vb-result-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VbResultRow, badge);
  gtk_widget_class_bind_template_child (widget_class, VbResultRow, title);
  gtk_widget_class_bind_template_child (widget_class, VbResultRow, snippet);
  gtk_widget_class_bind_template_child (widget_class, VbResultRow, origin);
}

static void
vb_result_row_init (VbResultRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vb_result_row_new (VbSearchHit *hit)
{
  VbResultRow *self = g_object_new (VB_TYPE_RESULT_ROW, NULL);
  VbItemKind kind = vb_search_hit_get_kind (hit);
  const char *origin = vb_search_hit_get_origin (hit);
  const char *kind_class[] = { "vac", "product", "notice" };
  g_autofree char *name = NULL;

  self->hit = g_object_ref (hit);
  gtk_label_set_label (self->badge, vb_kind_badge_label (kind));
  gtk_widget_add_css_class (GTK_WIDGET (self->badge), kind_class[kind]);
  gtk_label_set_label (self->title, vb_search_hit_get_title (hit));
  gtk_label_set_markup (self->snippet, vb_search_hit_get_snippet (hit));
  gtk_widget_set_visible (GTK_WIDGET (self->snippet), *vb_search_hit_get_snippet (hit) != '\0');
  gtk_label_set_label (self->origin, g_strcmp0 (origin, "landelijk") == 0 ? _("national")
                                                                          : _("local"));

  /* "VAC: Wat kost een paspoort?" for a screen reader. */
  name = g_strdup_printf ("%s: %s", vb_kind_badge_label (kind), vb_search_hit_get_title (hit));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return GTK_WIDGET (self);
}

VbSearchHit *
vb_result_row_get_hit (VbResultRow *self)
{
  return self->hit;
}
