/* vb-item.c: one piece of content (VAC, product or notice)
 *
 * An item keeps every field it came with (our content format uses the field names of the VAC
 * objecttype and the SDG kennisartikel), so nothing unknown is lost on import or sync.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-html.h"
#include "vb-item.h"
#include "vb-text.h"

struct _VbItem
{
  GObject     parent_instance;

  VbItemKind  kind;
  char       *id;
  JsonObject *fields;
};

G_DEFINE_FINAL_TYPE (VbItem, vb_item, G_TYPE_OBJECT)

static const VbSection product_sections[] = {
  { "tekst", "Introduction", FALSE },
  { "procedureBeschrijving", "Application", FALSE },
  { "vereisten", "Conditions", FALSE },
  { "bewijs", "Proof", FALSE },
  { "kostenEnBetaalmethoden", "Costs", FALSE },
  { "uitersteTermijn", "Term", FALSE },
  { "bezwaarEnBeroep", "Objection and appeal", FALSE },
  { "notice", "Particulars", FALSE },
  { "wtdBijGeenReactie", "No response", FALSE },
  { "contact", "Contact", FALSE },
  { "deskMemo", "KCC memo", TRUE },
};

const VbSection *
vb_product_sections (guint *n_sections)
{
  *n_sections = G_N_ELEMENTS (product_sections);
  return product_sections;
}

static void
vb_item_finalize (GObject *object)
{
  VbItem *self = VB_ITEM (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->fields, json_object_unref);

  G_OBJECT_CLASS (vb_item_parent_class)->finalize (object);
}

static void
vb_item_class_init (VbItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vb_item_finalize;
}

static void
vb_item_init (VbItem *self)
{
}

VbItem *
vb_item_new (VbItemKind  kind,
             const char *id,
             JsonObject *fields)
{
  VbItem *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (fields != NULL, NULL);

  self = g_object_new (VB_TYPE_ITEM, NULL);
  self->kind = kind;
  self->id = g_strdup (id);
  self->fields = json_object_ref (fields);
  return self;
}

VbItemKind
vb_item_get_kind (VbItem *self)
{
  return self->kind;
}

const char *
vb_item_get_id (VbItem *self)
{
  return self->id;
}

JsonObject *
vb_item_get_fields (VbItem *self)
{
  return self->fields;
}

/* A string field, or NULL when absent, null or not a string. */
const char *
vb_item_get_string (VbItem     *self,
                    const char *field)
{
  JsonNode *node = json_object_get_member (self->fields, field);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
vb_item_get_title (VbItem *self)
{
  const char *title;

  if (self->kind == VB_ITEM_VAC)
    title = vb_item_get_string (self, "vraag");
  else
    title = vb_item_get_string (self, "titel");
  return title != NULL ? title : "";
}

const char *
vb_item_get_status (VbItem *self)
{
  const char *status = vb_item_get_string (self, "status");

  return status != NULL ? status : "actief";
}

const char *
vb_item_get_origin (VbItem *self)
{
  const char *origin = vb_item_get_string (self, "origin");

  return g_strcmp0 (origin, "landelijk") == 0 ? "landelijk" : "lokaal";
}

const char *
vb_item_get_doelgroep (VbItem *self)
{
  return vb_item_get_string (self, "doelgroep");
}

gboolean
vb_item_is_searchable (VbItem *self)
{
  return g_strcmp0 (vb_item_get_status (self), "actief") == 0;
}

/* Unix time of an ISO 8601 date or date-time; without a zone it is local time (the
 * municipality's). 0 when absent or not a date. */
gint64
vb_parse_time (const char *iso)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = NULL;

  if (iso == NULL || *iso == '\0')
    return 0;
  dt = g_date_time_new_from_iso8601 (iso, local);
  if (dt == NULL)
    {
      g_autofree char *with_time = g_strconcat (iso, "T00:00:00", NULL);

      dt = g_date_time_new_from_iso8601 (with_time, local);
    }
  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

/* Active, and for a notice inside its publication window at @now (Unix time). */
gboolean
vb_item_is_published (VbItem *self,
                      gint64  now)
{
  gint64 starts, ends;

  if (!vb_item_is_searchable (self))
    return FALSE;
  if (self->kind != VB_ITEM_NOTICE)
    return TRUE;
  starts = vb_parse_time (vb_item_get_string (self, "publicatieDatum"));
  ends = vb_item_get_string (self, "publicatieEinddatum") != NULL
           ? vb_parse_time (vb_item_get_string (self, "publicatieEinddatum")) : 0;
  return (starts == 0 || starts <= now) && (ends == 0 || ends > now);
}

/* Collects the string member @member of each object in array @field (for example
 * afdelingen[].afdelingNaam); plain strings in the array are taken as they are. */
static void
collect_array (VbItem     *self,
               const char *field,
               const char *member,
               const char *member_alt,
               GPtrArray  *out)
{
  JsonNode *node = json_object_get_member (self->fields, field);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *el = json_array_get_element (array, i);
      const char *value = NULL;

      if (JSON_NODE_HOLDS_VALUE (el) && json_node_get_value_type (el) == G_TYPE_STRING)
        value = json_node_get_string (el);
      else if (JSON_NODE_HOLDS_OBJECT (el))
        {
          JsonObject *obj = json_node_get_object (el);

          if (json_object_has_member (obj, member))
            value = json_object_get_string_member_with_default (obj, member, NULL);
          else if (member_alt != NULL)
            value = json_object_get_string_member_with_default (obj, member_alt, NULL);
        }
      if (value != NULL && *value != '\0')
        g_ptr_array_add (out, g_strdup (value));
    }
}

char **
vb_item_dup_afdelingen (VbItem *self)
{
  GPtrArray *out = g_ptr_array_new ();

  collect_array (self, "afdelingen", "afdelingNaam", "afdelingnaam", out);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char **
vb_item_dup_keywords (VbItem *self)
{
  GPtrArray *out = g_ptr_array_new ();
  const char *upn;

  collect_array (self, "trefwoorden", "trefwoord", NULL, out);
  collect_array (self, "synonyms", "synonym", NULL, out);
  upn = vb_item_get_string (self, "upnLabel");
  if (upn != NULL && *upn != '\0')
    g_ptr_array_add (out, g_strdup (upn));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static void
append_html_field (VbItem     *self,
                   const char *field,
                   GString    *out)
{
  const char *html = vb_item_get_string (self, field);
  g_autofree char *text = NULL;

  if (html == NULL || *html == '\0')
    return;
  text = vb_html_to_text (html, -1);
  if (*text == '\0')
    return;
  if (out->len > 0)
    g_string_append (out, "\n\n");
  g_string_append (out, text);
}

/* The plain text that search indexes and takes snippets from: the answer first, internal
 * notes last. */
char *
vb_item_dup_body_text (VbItem *self)
{
  GString *out = g_string_new (NULL);

  switch (self->kind)
    {
    case VB_ITEM_VAC:
      append_html_field (self, "antwoord", out);
      append_html_field (self, "toelichting", out);
      break;
    case VB_ITEM_PRODUCT:
      for (guint i = 0; i < G_N_ELEMENTS (product_sections); i++)
        append_html_field (self, product_sections[i].field, out);
      break;
    case VB_ITEM_NOTICE:
      append_html_field (self, "inhoud", out);
      break;
    default:
      g_assert_not_reached ();
    }
  return g_string_free (out, FALSE);
}

static void
append_facet (GString    *out,
              const char *name,
              const char *value)
{
  g_autofree char *folded = vb_text_fold (value);

  g_string_append_printf (out, "%s:%s:", VB_TEXT_MARK_STR, name);
  for (const char *p = folded; *p; p++)
    if (*p != ' ')
      g_string_append_c (out, *p);
  g_string_append_c (out, ' ');
}

/* Internal tokens for filters: kind, doelgroep, afdelingen and origin. */
char *
vb_item_dup_facets (VbItem *self)
{
  GString *out = g_string_new (NULL);
  const char *doelgroep = vb_item_get_doelgroep (self);
  g_auto(GStrv) afdelingen = vb_item_dup_afdelingen (self);

  append_facet (out, "t", vb_item_kind_to_string (self->kind));
  append_facet (out, "o", vb_item_get_origin (self));
  /* "eu-burger, eu-bedrijf" and eu-burger-bedrijf both mean both. */
  if (doelgroep == NULL || strstr (doelgroep, "burger") != NULL)
    append_facet (out, "dg", "burger");
  if (doelgroep == NULL || strstr (doelgroep, "bedrijf") != NULL)
    append_facet (out, "dg", "bedrijf");
  for (guint i = 0; afdelingen[i] != NULL; i++)
    append_facet (out, "afd", afdelingen[i]);
  return g_string_free (out, FALSE);
}

/* The item in our content format (see docs/content-format.md). */
char *
vb_item_to_json (VbItem *self)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) copy = json_object_new ();
  GList *members = json_object_get_members (self->fields);

  json_object_set_string_member (copy, "type", vb_item_kind_to_string (self->kind));
  json_object_set_string_member (copy, "id", self->id);
  for (GList *l = members; l != NULL; l = l->next)
    {
      if (strcmp (l->data, "type") == 0 || strcmp (l->data, "id") == 0)
        continue;
      json_object_set_member (copy, l->data,
                              json_node_copy (json_object_get_member (self->fields, l->data)));
    }
  g_list_free (members);
  json_node_set_object (node, copy);
  return json_to_string (node, FALSE);
}

const char *
vb_item_kind_to_string (VbItemKind kind)
{
  switch (kind)
    {
    case VB_ITEM_VAC:
      return "vac";
    case VB_ITEM_PRODUCT:
      return "product";
    case VB_ITEM_NOTICE:
      return "notice";
    default:
      g_return_val_if_reached ("vac");
    }
}

gboolean
vb_item_kind_from_string (const char *str,
                          VbItemKind *kind)
{
  if (g_strcmp0 (str, "vac") == 0)
    *kind = VB_ITEM_VAC;
  else if (g_strcmp0 (str, "product") == 0)
    *kind = VB_ITEM_PRODUCT;
  else if (g_strcmp0 (str, "notice") == 0)
    *kind = VB_ITEM_NOTICE;
  else
    return FALSE;
  return TRUE;
}

/* How agents say it: particulier, ondernemer or beide (untranslated: these are Dutch terms). */
const char *
vb_doelgroep_to_label (const char *doelgroep)
{
  gboolean burger, bedrijf;

  if (doelgroep == NULL)
    return "beide";
  burger = strstr (doelgroep, "burger") != NULL;
  bedrijf = strstr (doelgroep, "bedrijf") != NULL;
  if (burger && !bedrijf)
    return "particulier";
  if (bedrijf && !burger)
    return "ondernemer";
  return "beide";
}
