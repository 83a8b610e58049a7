/* vb-item-view.c: reading one VAC, product or notice
 *
 * A VAC shows its question, answer, the internal note (marked "alleen voor medewerkers"),
 * keywords, departments and related items as links that open in place. A product shows its
 * sections in the order agents read them, empty ones hidden, each reachable from the section
 * list and with Alt+1..9. HTML is always rendered through the sanitising VbRichText.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-html.h"
#include "vb-item-view.h"
#include "vb-result-row.h"
#include "vb-rich-text.h"
#include "vb-store.h"

struct _VbItemView
{
  GtkWidget   parent_instance;

  VbItem     *item;
  VbStore    *store;
  GCancellable *cancellable;
  GPtrArray  *sections;  /* VbRichText of the visible sections, in order */
  GPtrArray  *section_fields;  /* the product field of each (borrowed static strings) */
  guint       current_section; /* 1-based; 0 when none was read yet */

  GtkStack   *stack;
  GtkScrolledWindow *scroller;
  double             restore_value;  /* scroll position to restore after a replace */
  guint              restore_id;
  GtkLabel   *badge;
  GtkLabel   *meta;
  GtkLabel   *title;
  GtkWidget  *review_warning;
  GtkLabel   *review_label;
  GtkFlowBox *section_nav;
  GtkBox     *content;
};

enum {
  OPEN_ITEM,
  COPIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbItemView, vb_item_view, GTK_TYPE_WIDGET)

static const char *
section_label (const char *field)
{
  /* The headings agents know, in Dutch through the translation. */
  static const struct { const char *field, *label; } labels[] = {
    { "tekst", N_("Introduction") },
    { "procedureBeschrijving", N_("Application") },
    { "vereisten", N_("Conditions") },
    { "bewijs", N_("Proof") },
    { "kostenEnBetaalmethoden", N_("Costs") },
    { "uitersteTermijn", N_("Term") },
    { "bezwaarEnBeroep", N_("Objection and appeal") },
    { "notice", N_("Particulars") },
    { "wtdBijGeenReactie", N_("No response") },
    { "contact", N_("Contact") },
    { "deskMemo", N_("KCC memo") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].field, field))
      return _(labels[i].label);
  return field;
}

static void
clear_content (VbItemView *self)
{
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content))) != NULL)
    gtk_box_remove (self->content, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->section_nav))) != NULL)
    gtk_flow_box_remove (self->section_nav, child);
  g_ptr_array_set_size (self->sections, 0);
  g_ptr_array_set_size (self->section_fields, 0);
  self->current_section = 0;
}

static GtkWidget *
heading_new (const char *text,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
rich_text_new (const char *html,
               const char *name)
{
  GtkWidget *text = vb_rich_text_new ();

  vb_rich_text_set_html (VB_RICH_TEXT (text), html);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return text;
}

static gboolean
has_text (const char *html)
{
  g_autofree char *text = NULL;

  if (html == NULL || *html == '\0')
    return FALSE;
  text = vb_html_to_text (html, -1);
  return *g_strstrip (text) != '\0';
}

static void
on_section_button_clicked (GtkButton  *button,
                           VbItemView *self)
{
  vb_item_view_show_section (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button),
                                                                        "section")));
}

static void
on_section_focus_enter (GtkEventControllerFocus *controller,
                        VbItemView              *self)
{
  GtkWidget *text = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  guint index;

  if (g_ptr_array_find (self->sections, text, &index))
    self->current_section = index + 1;
}

static void
add_section (VbItemView *self,
             const char *field,
             const char *label,
             const char *html,
             gboolean    internal)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *text = rich_text_new (html, label);
  GtkWidget *button;
  g_autofree char *button_label = NULL;
  guint number;

  if (internal)
    {
      gtk_widget_add_css_class (box, "vb-internal");
      gtk_box_append (GTK_BOX (box), heading_new (label, "heading"));
      gtk_box_append (GTK_BOX (box), heading_new (_("Staff only — do not read out"), "caption"));
    }
  else
    gtk_box_append (GTK_BOX (box), heading_new (label, "title-4"));
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (self->content, box);
  g_ptr_array_add (self->sections, text);
  g_ptr_array_add (self->section_fields, (gpointer) field);
  {
    GtkEventController *focus = gtk_event_controller_focus_new ();

    g_signal_connect (focus, "enter", G_CALLBACK (on_section_focus_enter), self);
    gtk_widget_add_controller (text, focus);
  }

  number = self->sections->len;
  button_label = number <= 9 ? g_strdup_printf ("%u  %s", number, label) : g_strdup (label);
  button = gtk_button_new_with_label (button_label);
  gtk_widget_add_css_class (button, "small");
  if (number <= 9)
    {
      g_autofree char *tooltip = g_strdup_printf (_("Alt+%u"), number);

      gtk_widget_set_tooltip_text (button, tooltip);
    }
  g_object_set_data (G_OBJECT (button), "section", GUINT_TO_POINTER (number));
  g_signal_connect (button, "clicked", G_CALLBACK (on_section_button_clicked), self);
  gtk_flow_box_append (self->section_nav, button);
}

static void
on_related_clicked (GtkButton  *button,
                    VbItemView *self)
{
  g_signal_emit (self, signals[OPEN_ITEM], 0, g_object_get_data (G_OBJECT (button), "item-id"));
}

static void
add_list_row (VbItemView *self,
              const char *heading,
              char      **values)
{
  g_autofree char *joined = NULL;
  GtkWidget *label;

  if (values == NULL || values[0] == NULL)
    return;
  joined = g_strjoinv (" · ", values);
  gtk_box_append (self->content, heading_new (heading, "heading"));
  label = gtk_label_new (joined);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (self->content, label);
}

static void
on_related_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkWidget) button = user_data;
  g_autoptr(VbItem) item = vb_store_get_item_finish (VB_STORE (source), result, NULL);
  g_autofree char *label = NULL;

  /* A reference to an item that is not (or no longer) here is not shown at all. */
  if (item == NULL)
    {
      gtk_widget_set_visible (button, FALSE);
      return;
    }
  label = g_strdup_printf ("%s: %s", vb_kind_badge_label (vb_item_get_kind (item)),
                           vb_item_get_title (item));
  gtk_button_set_label (GTK_BUTTON (button), label);
  gtk_widget_set_visible (button, TRUE);
}

static void
add_related (VbItemView *self)
{
  static const struct { const char *field, *member; } fields[] = {
    { "gerelateerdeVACs", "VAC" },
    { "gerelateerdeProducten", "product" },
  };
  JsonObject *obj = vb_item_get_fields (self->item);
  GtkWidget *box = NULL;

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      JsonNode *node = json_object_get_member (obj, fields[f].field);
      JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node)
                                                                      : NULL;

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *el = json_array_get_element (array, i);
          const char *target = NULL;
          GtkWidget *button;

          if (JSON_NODE_HOLDS_OBJECT (el))
            target = json_object_get_string_member_with_default (json_node_get_object (el),
                                                                 fields[f].member, NULL);
          if (target == NULL || *target == '\0')
            continue;
          if (strrchr (target, '/') != NULL && strrchr (target, '/')[1] != '\0')
            target = strrchr (target, '/') + 1;
          if (box == NULL)
            {
              gtk_box_append (self->content, heading_new (_("Related"), "heading"));
              box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
              gtk_box_append (self->content, box);
            }
          button = gtk_button_new_with_label (target);
          gtk_widget_set_visible (button, FALSE);
          gtk_widget_set_halign (button, GTK_ALIGN_START);
          gtk_widget_add_css_class (button, "link");
          gtk_widget_add_css_class (button, "vb-related");
          g_object_set_data_full (G_OBJECT (button), "item-id", g_strdup (target), g_free);
          g_signal_connect (button, "clicked", G_CALLBACK (on_related_clicked), self);
          gtk_box_append (GTK_BOX (box), button);
          if (self->store != NULL)
            vb_store_get_item_async (self->store, target, self->cancellable, on_related_loaded,
                                     g_object_ref (button));
        }
    }
}

static char *
format_date (const char *iso)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = NULL;

  if (iso == NULL)
    return NULL;
  dt = g_date_time_new_from_iso8601 (iso, local);
  if (dt == NULL)
    {
      g_autofree char *with_time = g_strconcat (iso, "T00:00:00", NULL);

      dt = g_date_time_new_from_iso8601 (with_time, local);
    }
  /* TRANSLATORS: a date such as "1 October 2026", see strftime */
  return dt != NULL ? g_date_time_format (dt, _("%-d %B %Y")) : NULL;
}

static void
show_meta (VbItemView *self)
{
  VbItem *item = self->item;
  g_autoptr(GString) meta = g_string_new (NULL);
  g_autofree char *modified = format_date (vb_item_get_string (item, "modified"));
  const char *doelgroep = vb_doelgroep_to_label (vb_item_get_doelgroep (item));
  const char *review_by = vb_item_get_string (item, "reviewBy");

  g_string_append (meta, g_strcmp0 (vb_item_get_origin (item), "landelijk") == 0
                           ? _("National content") : _("Local content"));
  g_string_append (meta, " · ");
  if (g_str_equal (doelgroep, "particulier"))
    g_string_append (meta, _("for residents"));
  else if (g_str_equal (doelgroep, "ondernemer"))
    g_string_append (meta, _("for businesses"));
  else
    g_string_append (meta, _("for residents and businesses"));
  if (modified != NULL)
    {
      g_string_append (meta, " · ");
      g_string_append_printf (meta, _("changed %s"), modified);
    }
  gtk_label_set_label (self->meta, meta->str);

  gtk_widget_set_visible (self->review_warning, FALSE);
  if (review_by != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

      if (strncmp (review_by, today, 10) < 0)
        {
          g_autofree char *date = format_date (review_by);
          g_autofree char *text =
            g_strdup_printf (_("This answer should have been reviewed by %s. Check it before you rely on it."),
                             date != NULL ? date : review_by);

          gtk_label_set_label (self->review_label, text);
          gtk_widget_set_visible (self->review_warning, TRUE);
        }
    }
}

void
vb_item_view_set_item (VbItemView *self,
                       VbItem     *item)
{
  VbItemKind kind;
  const char *kind_class[] = { "vac", "product", "notice" };

  g_return_if_fail (VB_IS_ITEM_VIEW (self));

  clear_content (self);
  g_set_object (&self->item, item);
  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "nothing");
      return;
    }

  kind = vb_item_get_kind (item);
  gtk_label_set_label (self->badge, vb_kind_badge_label (kind));
  for (guint i = 0; i < G_N_ELEMENTS (kind_class); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->badge), kind_class[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->badge), kind_class[kind]);
  gtk_label_set_label (self->title, vb_item_get_title (item));
  show_meta (self);

  switch (kind)
    {
    case VB_ITEM_VAC:
      {
        g_auto(GStrv) keywords = vb_item_dup_keywords (item);
        g_auto(GStrv) afdelingen = vb_item_dup_afdelingen (item);
        GtkWidget *answer = rich_text_new (vb_item_get_string (item, "antwoord"), _("Answer"));

        gtk_box_append (self->content, answer);
        g_ptr_array_add (self->sections, answer);
        g_ptr_array_add (self->section_fields, (gpointer) "antwoord");
        if (has_text (vb_item_get_string (item, "toelichting")))
          add_section (self, "toelichting", _("Note for staff"),
                       vb_item_get_string (item, "toelichting"), TRUE);
        add_list_row (self, _("Keywords"), keywords);
        add_list_row (self, _("Departments"), afdelingen);
        add_related (self);
      }
      break;
    case VB_ITEM_PRODUCT:
      {
        guint n;
        const VbSection *sections = vb_product_sections (&n);
        g_auto(GStrv) afdelingen = vb_item_dup_afdelingen (item);

        for (guint i = 0; i < n; i++)
          if (has_text (vb_item_get_string (item, sections[i].field)))
            add_section (self, sections[i].field, section_label (sections[i].field),
                         vb_item_get_string (item, sections[i].field), sections[i].internal);
        add_list_row (self, _("Departments"), afdelingen);
      }
      break;
    case VB_ITEM_NOTICE:
      {
        GtkWidget *text = rich_text_new (vb_item_get_string (item, "inhoud"), _("Notice"));

        gtk_box_append (self->content, text);
        g_ptr_array_add (self->sections, text);
        g_ptr_array_add (self->section_fields, (gpointer) "inhoud");
      }
      break;
    default:
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->section_nav), kind == VB_ITEM_PRODUCT &&
                                                          self->sections->len > 1);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  gtk_stack_set_visible_child_name (self->stack, "item");
}

static gboolean
restore_scroll (gpointer user_data)
{
  VbItemView *self = user_data;

  self->restore_id = 0;
  /* Text views put into a view already on screen, without focus moving into them, keep a
   * height of 0 in GTK 4.8 until something measures again. */
  gtk_widget_queue_resize (GTK_WIDGET (self->content));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller),
                            self->restore_value);
  return G_SOURCE_REMOVE;
}

/* Shows a newer version of the item on screen (a sync changed it) where the reader was: the
 * scroll position is kept (restored once the new text is laid out). */
void
vb_item_view_replace_item (VbItemView *self,
                           VbItem     *item)
{
  g_return_if_fail (VB_IS_ITEM_VIEW (self));

  self->restore_value =
    gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (self->scroller));
  vb_item_view_set_item (self, item);
  if (self->restore_id == 0)
    self->restore_id = g_idle_add_full (GDK_PRIORITY_REDRAW + 10, restore_scroll, self, NULL);
}

VbItem *
vb_item_view_get_item (VbItemView *self)
{
  return self->item;
}

guint
vb_item_view_get_n_sections (VbItemView *self)
{
  return self->sections->len;
}

/* Moves the keyboard focus (and the view) to section @number, counting from 1. */
gboolean
vb_item_view_show_section (VbItemView *self,
                           guint       number)
{
  GtkWidget *text;

  if (number < 1 || number > self->sections->len)
    return FALSE;
  text = g_ptr_array_index (self->sections, number - 1);
  gtk_widget_grab_focus (text);
  self->current_section = number;
  return TRUE;
}

/* The product section being read (the one last focused or jumped to), for "Paspoort - Kosten";
 * FALSE when none was chosen. @field and @label are borrowed. */
gboolean
vb_item_view_get_current_section (VbItemView  *self,
                                  const char **field,
                                  const char **label)
{
  GtkWidget *parent, *heading;

  if (self->item == NULL || vb_item_get_kind (self->item) != VB_ITEM_PRODUCT ||
      self->current_section == 0 || self->current_section > self->sections->len)
    return FALSE;
  *field = g_ptr_array_index (self->section_fields, self->current_section - 1);
  parent = gtk_widget_get_parent (g_ptr_array_index (self->sections, self->current_section - 1));
  heading = parent != NULL ? gtk_widget_get_first_child (parent) : NULL;
  *label = GTK_IS_LABEL (heading) ? gtk_label_get_label (GTK_LABEL (heading)) : *field;
  return TRUE;
}

/* The answer as plain text: for a product its title and public sections. */
char *
vb_item_view_dup_text (VbItemView *self)
{
  GString *out = g_string_new (NULL);

  if (self->item == NULL)
    return g_string_free (out, FALSE);
  if (vb_item_get_kind (self->item) != VB_ITEM_VAC)
    g_string_append_printf (out, "%s\n\n", vb_item_get_title (self->item));
  for (guint i = 0; i < self->sections->len; i++)
    {
      GtkWidget *text = g_ptr_array_index (self->sections, i);
      GtkWidget *parent = gtk_widget_get_parent (text);
      g_autofree char *plain = NULL;

      /* Internal notes are never part of what goes to the caller. */
      if (parent != NULL && gtk_widget_has_css_class (parent, "vb-internal"))
        continue;
      plain = vb_rich_text_dup_text (VB_RICH_TEXT (text));
      if (out->len > 0 && vb_item_get_kind (self->item) == VB_ITEM_PRODUCT)
        {
          GtkWidget *heading = gtk_widget_get_first_child (parent);

          if (GTK_IS_LABEL (heading))
            g_string_append_printf (out, "%s\n", gtk_label_get_label (GTK_LABEL (heading)));
        }
      g_string_append (out, plain);
      g_string_append (out, "\n\n");
    }
  while (out->len > 0 && out->str[out->len - 1] == '\n')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* The same as HTML for an e-mail reply (sanitised). */
char *
vb_item_view_dup_html (VbItemView *self)
{
  GString *out = g_string_new (NULL);

  if (self->item == NULL)
    return g_string_free (out, FALSE);
  if (vb_item_get_kind (self->item) != VB_ITEM_VAC)
    {
      g_autofree char *title = vb_html_escape_text (vb_item_get_title (self->item));

      g_string_append_printf (out, "<h2>%s</h2>\n", title);
    }
  for (guint i = 0; i < self->sections->len; i++)
    {
      GtkWidget *text = g_ptr_array_index (self->sections, i);
      GtkWidget *parent = gtk_widget_get_parent (text);
      g_autofree char *html = NULL;

      if (parent != NULL && gtk_widget_has_css_class (parent, "vb-internal"))
        continue;
      if (vb_item_get_kind (self->item) == VB_ITEM_PRODUCT)
        {
          GtkWidget *heading = gtk_widget_get_first_child (parent);

          if (GTK_IS_LABEL (heading))
            {
              g_autofree char *escaped = vb_html_escape_text (gtk_label_get_label (GTK_LABEL (heading)));

              g_string_append_printf (out, "<h3>%s</h3>\n", escaped);
            }
        }
      html = vb_rich_text_dup_html (VB_RICH_TEXT (text));
      g_string_append (out, html);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* Puts the answer on the clipboard as plain text and as HTML. */
void
vb_item_view_copy (VbItemView *self)
{
  g_autofree char *text = vb_item_view_dup_text (self);
  g_autofree char *html = vb_item_view_dup_html (self);
  g_autoptr(GBytes) text_bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GBytes) html_bytes = g_bytes_new (html, strlen (html));
  GdkContentProvider *providers[] = {
    gdk_content_provider_new_for_bytes ("text/html", html_bytes),
    gdk_content_provider_new_for_bytes ("text/plain;charset=utf-8", text_bytes),
    gdk_content_provider_new_typed (G_TYPE_STRING, text),
  };
  g_autoptr(GdkContentProvider) provider = NULL;

  if (self->item == NULL)
    return;
  provider = gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (self)), provider);
  g_signal_emit (self, signals[COPIED], 0);
}

/* Ctrl+C with nothing selected copies the whole answer. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                VbItemView            *self)
{
  GtkWidget *focus;

  if ((keyval != GDK_KEY_c && keyval != GDK_KEY_C) ||
      (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK)) != GDK_CONTROL_MASK ||
      self->item == NULL)
    return FALSE;
  focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  if (GTK_IS_TEXT_VIEW (focus) &&
      gtk_text_buffer_get_has_selection (gtk_text_view_get_buffer (GTK_TEXT_VIEW (focus))))
    return FALSE;
  vb_item_view_copy (self);
  return TRUE;
}

static void
vb_item_view_dispose (GObject *object)
{
  VbItemView *self = VB_ITEM_VIEW (object);

  g_clear_handle_id (&self->restore_id, g_source_remove);
  g_clear_object (&self->item);
  g_clear_object (&self->store);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_ITEM_VIEW);

  G_OBJECT_CLASS (vb_item_view_parent_class)->dispose (object);
}

static void
vb_item_view_finalize (GObject *object)
{
  VbItemView *self = VB_ITEM_VIEW (object);

  g_ptr_array_unref (self->sections);
  g_ptr_array_unref (self->section_fields);

  G_OBJECT_CLASS (vb_item_view_parent_class)->finalize (object);
}

static void
vb_item_view_class_init (VbItemViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vb_item_view_dispose;
  object_class->finalize = vb_item_view_finalize;

  /* A related VAC or product was chosen: open it in place. */
  signals[OPEN_ITEM] =
    g_signal_new ("open-item", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[COPIED] =
    g_signal_new ("copied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/reader/vb-item-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VbItemView, stack);
  gtk_widget_class_bind_template_child (widget_class, VbItemView, scroller);
  gtk_widget_class_bind_template_child (widget_class, VbItemView, badge);
  gtk_widget_class_bind_template_child (widget_class, VbItemView, meta);
  gtk_widget_class_bind_template_child (widget_class, VbItemView, title);
  gtk_widget_class_bind_template_child (widget_class, VbItemView, review_warning);
  gtk_widget_class_bind_template_child (widget_class, VbItemView, review_label);
  gtk_widget_class_bind_template_child (widget_class, VbItemView, section_nav);
  gtk_widget_class_bind_template_child (widget_class, VbItemView, content);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vbitemview");
}

static void
vb_item_view_init (VbItemView *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->sections = g_ptr_array_new ();
  self->section_fields = g_ptr_array_new ();

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* The store related items are looked up in (their titles are shown, not their ids). */
void
vb_item_view_set_store (VbItemView *self,
                        VbStore    *store)
{
  g_set_object (&self->store, store);
}

GtkWidget *
vb_item_view_new (void)
{
  return g_object_new (VB_TYPE_ITEM_VIEW, NULL);
}
