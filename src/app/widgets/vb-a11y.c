/* vb-a11y.c: small accessibility fixes for GTK 4.8 widgets
 *
 * GTK 4.8's GtkDropDown exposes its inner toggle button to screen readers with the class
 * name "GtkToggleButton" as its name, and libadwaita 1.2's toast has a close button without
 * a name. These give them one.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include "vb-a11y.h"

/* @widget and the toggle button inside it, which is what screen readers reach. */
static void
label_with_toggle (GtkWidget  *widget,
                   const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
}

void
vb_a11y_label_drop_down (GtkDropDown *drop_down,
                         const char  *label)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (drop_down));

  label_with_toggle (GTK_WIDGET (drop_down), label);
}

/* A GtkMenuButton with only an icon (the sync status): the same fix. */
void
vb_a11y_label_menu_button (GtkMenuButton *button,
                           const char    *label)
{
  g_return_if_fail (GTK_IS_MENU_BUTTON (button));

  label_with_toggle (GTK_WIDGET (button), label);
}

/* Gives every icon-only button below @root that has no tooltip a label. libadwaita 1.2's toast
 * has such a close button. */
void
vb_a11y_label_icon_buttons (GtkWidget  *root,
                            const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL &&
          gtk_widget_get_tooltip_text (child) == NULL &&
          GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (child))))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        label, -1);
      vb_a11y_label_icon_buttons (child, label);
    }
}
