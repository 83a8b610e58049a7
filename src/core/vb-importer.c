/* vb-importer.c: content import from our bundle and Dutch government formats
 *
 * The format is detected from the content, not the file name:
 *  1. our content bundle ({"format": "vraagbaak-content", "items": [...]}, docs/content-format.md);
 *  2. the VAC objecttype, as Objects API records ({"results": [{"uuid", "record": {"data"}}]})
 *     or bare (an object or array of objects with vraag/antwoord);
 *  3. SDG / KISS kennisartikelen (vertalingen[] with taal "nl"), also the flat SDG API
 *     product shape (titel, tekst in Markdown, taal);
 *  4. Rijksoverheid open-data FAQ records (question, introduction, content[]), as national VACs.
 * Each file is validated completely before anything is written, then stored in one transaction.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-html.h"
#include "vb-importer.h"
#include "vb-text.h"

struct _VbImporter
{
  GObject     parent_instance;

  VbStore    *store;
  gboolean    skip_invalid;
  char       *origin;
  guint       imported;
  const char *format;
  GPtrArray  *skipped;
};

G_DEFINE_FINAL_TYPE (VbImporter, vb_importer, G_TYPE_OBJECT)
G_DEFINE_QUARK (vb-import-error-quark, vb_import_error)

typedef enum
{
  SHAPE_UNKNOWN,
  SHAPE_BUNDLE_ITEM,
  SHAPE_VAC,
  SHAPE_KENNISARTIKEL,
  SHAPE_SDG_PRODUCT,
  SHAPE_RIJKSOVERHEID,
} Shape;

static void
vb_importer_finalize (GObject *object)
{
  VbImporter *self = VB_IMPORTER (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->skipped, g_ptr_array_unref);

  G_OBJECT_CLASS (vb_importer_parent_class)->finalize (object);
}

static void
vb_importer_class_init (VbImporterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vb_importer_finalize;
}

static void
vb_importer_init (VbImporter *self)
{
  self->skipped = g_ptr_array_new_with_free_func (g_free);
}

/* @store may be NULL for an importer that only parses. */
VbImporter *
vb_importer_new (VbStore *store)
{
  VbImporter *self = g_object_new (VB_TYPE_IMPORTER, NULL);

  if (store != NULL)
    self->store = g_object_ref (store);
  return self;
}

void
vb_importer_set_skip_invalid (VbImporter *self,
                              gboolean    skip_invalid)
{
  self->skip_invalid = skip_invalid;
}

/* Marks every imported item landelijk or lokaal; NULL keeps what the format implies. */
void
vb_importer_set_origin (VbImporter *self,
                        const char *origin)
{
  g_free (self->origin);
  self->origin = g_strdup (origin);
}

guint
vb_importer_get_imported (VbImporter *self)
{
  return self->imported;
}

const char *
vb_importer_get_format (VbImporter *self)
{
  return self->format;
}

/* Messages for the records skipped in the last file (invalid ones with skip-invalid, and
 * kennisartikelen without a Dutch text). */
GPtrArray *
vb_importer_get_skipped (VbImporter *self)
{
  return self->skipped;
}

/* ---- helpers ---- */

static const char *
get_string (JsonObject *obj,
            const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}


static Shape
detect_shape (JsonObject *obj,
              gboolean    in_bundle)
{
  if (in_bundle)
    {
      VbItemKind kind;

      return vb_item_kind_from_string (get_string (obj, "type"), &kind) ? SHAPE_BUNDLE_ITEM
                                                                        : SHAPE_UNKNOWN;
    }
  if (json_object_has_member (obj, "type") && !json_object_has_member (obj, "question") &&
      !json_object_has_member (obj, "vraag") && !json_object_has_member (obj, "vertalingen"))
    {
      const char *type = json_object_get_string_member_with_default (obj, "type", "");
      VbItemKind kind;

      if (vb_item_kind_from_string (type, &kind))
        return SHAPE_BUNDLE_ITEM;
    }
  if (json_object_has_member (obj, "vertalingen"))
    return SHAPE_KENNISARTIKEL;
  if (json_object_has_member (obj, "question") &&
      (json_object_has_member (obj, "introduction") || json_object_has_member (obj, "content")))
    return SHAPE_RIJKSOVERHEID;
  if (json_object_has_member (obj, "vraag") || json_object_has_member (obj, "antwoord"))
    return SHAPE_VAC;
  if (json_object_has_member (obj, "titel") &&
      (json_object_has_member (obj, "tekst") || json_object_has_member (obj, "upnUri")))
    return SHAPE_SDG_PRODUCT;
  return SHAPE_UNKNOWN;
}

static const char *
shape_name (Shape shape)
{
  switch (shape)
    {
    case SHAPE_BUNDLE_ITEM: return "vraagbaak-content";
    case SHAPE_VAC: return "vac-objecttype";
    case SHAPE_KENNISARTIKEL: return "sdg-kennisartikel";
    case SHAPE_SDG_PRODUCT: return "sdg-product";
    case SHAPE_RIJKSOVERHEID: return "rijksoverheid-faq";
    case SHAPE_UNKNOWN:
    default: return "unknown";
    }
}

static gboolean
nonempty (const char *s)
{
  if (s == NULL)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return TRUE;
  return FALSE;
}

/* Fields that must have a given JSON type when present. */
static const char *string_fields[] = {
  "vraag", "antwoord", "toelichting", "status", "doelgroep", "titel", "tekst",
  "procedureBeschrijving", "vereisten", "bewijs", "kostenEnBetaalmethoden", "uitersteTermijn",
  "bezwaarEnBeroep", "notice", "wtdBijGeenReactie", "contact", "deskMemo", "inhoud",
  "upnLabel", "upnUri", "origin", "modified", "reviewBy", "publicatieDatum",
  "publicatieEinddatum", "soort",
};
static const char *array_fields[] = {
  "afdelingen", "trefwoorden", "gerelateerdeVACs", "gerelateerdeProducten", "links",
};

static gboolean
check_types (JsonObject  *fields,
             const char **bad_field,
             const char **expected)
{
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    {
      JsonNode *node = json_object_get_member (fields, string_fields[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
          json_node_get_value_type (node) != G_TYPE_STRING)
        {
          *bad_field = string_fields[i];
          *expected = "a string";
          return FALSE;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (array_fields); i++)
    {
      JsonNode *node = json_object_get_member (fields, array_fields[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !JSON_NODE_HOLDS_ARRAY (node))
        {
          *bad_field = array_fields[i];
          *expected = "a list";
          return FALSE;
        }
    }
  return TRUE;
}

/* A stable id for records without one: derived from the folded question. */
static char *
derive_id (const char *prefix,
           const char *text)
{
  g_autofree char *folded = vb_text_fold (text);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, folded, -1);

  return g_strdup_printf ("%s-%.20s", prefix, sum);
}

static const char *
last_segment (const char *url)
{
  const char *slash;
  gsize len;

  if (url == NULL)
    return NULL;
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    len--;
  if (len == 0)
    return NULL;
  slash = g_strrstr_len (url, len, "/");
  return slash != NULL ? slash + 1 : url;
}

static void
copy_members (JsonObject *from,
              JsonObject *to,
              const char *skip)
{
  GList *members = json_object_get_members (from);

  for (GList *l = members; l != NULL; l = l->next)
    if (skip == NULL || strcmp (l->data, skip) != 0)
      json_object_set_member (to, l->data, json_node_copy (json_object_get_member (from, l->data)));
  g_list_free (members);
}

static void
rename_member (JsonObject *obj,
               const char *from,
               const char *to)
{
  JsonNode *node = json_object_get_member (obj, from);

  if (node == NULL || json_object_has_member (obj, to))
    return;
  json_object_set_member (obj, to, json_node_copy (node));
}

/* SDG synonyms [{"synonym": "..."}] become trefwoorden [{"trefwoord": "..."}]. */
static void
synonyms_to_trefwoorden (JsonObject *fields)
{
  JsonNode *node = json_object_get_member (fields, "synonyms");
  JsonArray *trefwoorden;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_object_has_member (fields, "trefwoorden"))
    return;
  trefwoorden = json_array_new ();
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *el = json_array_get_element (json_node_get_array (node), i);
      const char *word = NULL;

      if (JSON_NODE_HOLDS_OBJECT (el))
        word = get_string (json_node_get_object (el), "synonym");
      else if (json_node_get_value_type (el) == G_TYPE_STRING)
        word = json_node_get_string (el);
      if (nonempty (word))
        {
          JsonObject *t = json_object_new ();

          json_object_set_string_member (t, "trefwoord", word);
          json_array_add_object_element (trefwoorden, t);
        }
    }
  json_object_set_array_member (fields, "trefwoorden", trefwoorden);
}

typedef struct
{
  VbImporter *self;
  const char *name;
  guint       index;
  const char *id;
} RecordContext;

static gboolean
record_error (RecordContext *rc,
              GError       **error,
              const char    *format,
              ...) G_GNUC_PRINTF (3, 4);

static gboolean
record_error (RecordContext *rc,
              GError       **error,
              const char    *format,
              ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  if (rc->id != NULL)
    g_set_error (error, VB_IMPORT_ERROR, VB_IMPORT_ERROR_INVALID_RECORD, "%s: record %u (%s): %s",
                 rc->name, rc->index + 1, rc->id, msg);
  else
    g_set_error (error, VB_IMPORT_ERROR, VB_IMPORT_ERROR_INVALID_RECORD, "%s: record %u: %s",
                 rc->name, rc->index + 1, msg);
  return FALSE;
}

/* Converts one record to an item. Returns FALSE with @error for an invalid record; TRUE
 * with *@item NULL for a record to pass over (a kennisartikel without Dutch text). */
static gboolean
convert_record (VbImporter  *self,
                RecordContext *rc,
                JsonObject  *record,
                const char  *record_id,
                const char  *default_origin,
                gboolean     in_bundle,
                VbItem     **item,
                GError     **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  Shape shape = detect_shape (record, in_bundle);
  const char *bad_field, *expected;
  VbItemKind kind = VB_ITEM_VAC;
  const char *id = record_id;
  g_autofree char *derived = NULL;
  const char *origin = default_origin;

  *item = NULL;
  if (self->format == NULL)
    self->format = shape_name (shape);

  switch (shape)
    {
    case SHAPE_BUNDLE_ITEM:
      copy_members (record, fields, NULL);
      vb_item_kind_from_string (get_string (record, "type"), &kind);
      json_object_remove_member (fields, "type");
      if (id == NULL)
        id = get_string (record, "id");
      origin = NULL;
      break;

    case SHAPE_VAC:
      copy_members (record, fields, NULL);
      kind = VB_ITEM_VAC;
      if (id == NULL)
        id = get_string (record, "id");
      if (id == NULL)
        id = get_string (record, "uuid");
      if (id == NULL && nonempty (get_string (record, "vraag")))
        id = derived = derive_id ("vac", get_string (record, "vraag"));
      break;

    case SHAPE_RIJKSOVERHEID:
      {
        GString *antwoord = g_string_new (get_string (record, "introduction"));
        JsonNode *content = json_object_get_member (record, "content");

        copy_members (record, fields, NULL);
        kind = VB_ITEM_VAC;
        if (json_object_get_member (record, "question") != NULL &&
            get_string (record, "question") == NULL)
          {
            g_string_free (antwoord, TRUE);
            return record_error (rc, error, "field \"question\" must be a string");
          }
        if (content != NULL && !JSON_NODE_HOLDS_ARRAY (content) && !JSON_NODE_HOLDS_NULL (content))
          {
            g_string_free (antwoord, TRUE);
            return record_error (rc, error, "field \"content\" must be a list");
          }
        for (guint i = 0; content != NULL && JSON_NODE_HOLDS_ARRAY (content) &&
                          i < json_array_get_length (json_node_get_array (content)); i++)
          {
            JsonNode *el = json_array_get_element (json_node_get_array (content), i);
            JsonObject *section;
            const char *title, *paragraph;

            if (!JSON_NODE_HOLDS_OBJECT (el))
              continue;
            section = json_node_get_object (el);
            title = get_string (section, "paragraphtitle");
            paragraph = get_string (section, "paragraph");
            if (nonempty (title))
              {
                g_autofree char *escaped = vb_html_escape_text (title);

                g_string_append_printf (antwoord, "<h3>%s</h3>", escaped);
              }
            if (paragraph != NULL)
              g_string_append (antwoord, paragraph);
          }
        json_object_set_string_member (fields, "antwoord", antwoord->str);
        g_string_free (antwoord, TRUE);
        if (get_string (record, "question") != NULL)
          json_object_set_string_member (fields, "vraag", get_string (record, "question"));
        rename_member (fields, "lastmodified", "modified");
        if (get_string (fields, "modified") == NULL)
          json_object_remove_member (fields, "modified");
        json_object_remove_member (fields, "type");
        json_object_set_string_member (fields, "status", "actief");
        json_object_set_string_member (fields, "doelgroep", "eu-burger");
        if (origin == NULL)
          origin = "landelijk";
        if (id == NULL)
          id = get_string (record, "id");
        if (id == NULL && get_string (record, "question") != NULL)
          id = derived = derive_id ("vac", get_string (record, "question"));
        /* Rijksoverheid subjects make good keywords. */
        {
          JsonNode *subjects = json_object_get_member (record, "subjects");

          if (subjects != NULL && JSON_NODE_HOLDS_ARRAY (subjects))
            {
              JsonArray *trefwoorden = json_array_new ();

              for (guint i = 0; i < json_array_get_length (json_node_get_array (subjects)); i++)
                {
                  JsonNode *el = json_array_get_element (json_node_get_array (subjects), i);

                  if (json_node_get_value_type (el) == G_TYPE_STRING)
                    {
                      JsonObject *t = json_object_new ();

                      json_object_set_string_member (t, "trefwoord", json_node_get_string (el));
                      json_array_add_object_element (trefwoorden, t);
                    }
                }
              json_object_set_array_member (fields, "trefwoorden", trefwoorden);
            }
        }
      }
      break;

    case SHAPE_KENNISARTIKEL:
      {
        JsonNode *vertalingen = json_object_get_member (record, "vertalingen");
        JsonObject *nl = NULL;

        if (!JSON_NODE_HOLDS_ARRAY (vertalingen))
          return record_error (rc, error, "field \"vertalingen\" must be a list");
        for (guint i = 0; i < json_array_get_length (json_node_get_array (vertalingen)); i++)
          {
            JsonNode *el = json_array_get_element (json_node_get_array (vertalingen), i);

            if (!JSON_NODE_HOLDS_OBJECT (el))
              return record_error (rc, error, "vertalingen[%u] must be an object", i);
            if (g_strcmp0 (get_string (json_node_get_object (el), "taal"), "nl") == 0)
              nl = json_node_get_object (el);
          }
        if (id == NULL)
          id = get_string (record, "uuid");
        if (id == NULL)
          id = last_segment (get_string (record, "url"));
        rc->id = id;
        if (nl == NULL)
          {
            g_ptr_array_add (self->skipped,
                             g_strdup_printf ("%s: record %u (%s): no Dutch text (taal \"nl\")",
                                              rc->name, rc->index + 1, id ? id : "?"));
            return TRUE;
          }
        copy_members (record, fields, NULL);
        copy_members (nl, fields, "taal");
        kind = VB_ITEM_PRODUCT;
        rename_member (fields, "productTitelDecentraal", "titel");
        rename_member (fields, "upnLabel", "titel");
        rename_member (fields, "specifiekeTekst", "tekst");
        rename_member (fields, "conditions", "vereisten");
        rename_member (fields, "datumWijziging", "modified");
        rename_member (fields, "publicatieDatum", "modified");
        synonyms_to_trefwoorden (fields);
        /* The titel must be a non-empty string: productTitelDecentraal may be empty. */
        if (!nonempty (get_string (fields, "titel")) && nonempty (get_string (record, "upnLabel")))
          json_object_set_string_member (fields, "titel", get_string (record, "upnLabel"));
      }
      break;

    case SHAPE_SDG_PRODUCT:
      {
        const char *taal = get_string (record, "taal");
        const char *tekst = get_string (record, "tekst");

        if (id == NULL)
          id = get_string (record, "id");
        if (id == NULL)
          id = get_string (record, "uuid");
        if (id == NULL)
          id = last_segment (get_string (record, "url"));
        rc->id = id;
        if (taal != NULL && strcmp (taal, "nl") != 0)
          {
            g_ptr_array_add (self->skipped,
                             g_strdup_printf ("%s: record %u (%s): not Dutch (taal \"%s\")",
                                              rc->name, rc->index + 1, id ? id : "?", taal));
            return TRUE;
          }
        copy_members (record, fields, NULL);
        kind = VB_ITEM_PRODUCT;
        /* The national SDG API writes Markdown. */
        if (tekst != NULL && strchr (tekst, '<') == NULL)
          {
            g_autofree char *html = vb_markdown_to_html (tekst);

            json_object_set_string_member (fields, "tekst", html);
          }
        rename_member (fields, "laatstGewijzigd", "modified");
        if (origin == NULL)
          origin = "landelijk";
      }
      break;

    case SHAPE_UNKNOWN:
    default:
      return record_error (rc, error, "not a VAC, kennisartikel, product or notice");
    }

  rc->id = id;
  if (!check_types (fields, &bad_field, &expected))
    return record_error (rc, error, "field \"%s\" must be %s", bad_field, expected);
  if (id == NULL || *id == '\0')
    return record_error (rc, error, "field \"id\" is missing");

  switch (kind)
    {
    case VB_ITEM_VAC:
      if (!nonempty (get_string (fields, "vraag")))
        return record_error (rc, error, "field \"vraag\" is missing or empty");
      if (!nonempty (get_string (fields, "antwoord")))
        return record_error (rc, error, "field \"antwoord\" is missing or empty");
      break;
    case VB_ITEM_PRODUCT:
    case VB_ITEM_NOTICE:
      if (!nonempty (get_string (fields, "titel")))
        return record_error (rc, error, "field \"titel\" is missing or empty");
      break;
    default:
      g_assert_not_reached ();
    }

  {
    const char *status = get_string (fields, "status");

    if (status != NULL && strcmp (status, "actief") != 0 && strcmp (status, "non-actief") != 0 &&
        strcmp (status, "te-verwijderen") != 0)
      return record_error (rc, error,
                           "field \"status\" must be actief, non-actief or te-verwijderen");
  }

  if (self->origin != NULL)
    origin = self->origin;
  if (origin != NULL)
    json_object_set_string_member (fields, "origin", origin);

  *item = vb_item_new (kind, id, fields);
  return TRUE;
}

/* One record of our bundle format (an item as vb_item_to_json() writes it, with "type" and
 * "id"), validated as an import validates it: for the client's sync, which receives items one
 * change at a time. */
VbItem *
vb_importer_parse_item (JsonObject  *record,
                        GError     **error)
{
  g_autoptr(VbImporter) importer = vb_importer_new (NULL);
  RecordContext rc = { importer, "item", 0, NULL };
  VbItem *item = NULL;

  g_return_val_if_fail (record != NULL, NULL);

  if (detect_shape (record, TRUE) != SHAPE_BUNDLE_ITEM)
    {
      g_set_error (error, VB_IMPORT_ERROR, VB_IMPORT_ERROR_INVALID_RECORD,
                   "field \"type\" must be vac, product or notice");
      return NULL;
    }
  if (!convert_record (importer, &rc, record, NULL, NULL, TRUE, &item, error))
    return NULL;
  return item;
}

/* Collects the records of a parsed document, whatever the envelope. */
static gboolean
collect_records (JsonNode   *root,
                 GPtrArray  *records,
                 GPtrArray  *record_ids,
                 JsonObject *lists,
                 gboolean   *is_bundle)
{
  JsonObject *obj;

  *is_bundle = FALSE;
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_ptr_array_add (records, json_array_get_element (array, i));
          g_ptr_array_add (record_ids, NULL);
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  obj = json_node_get_object (root);

  if (g_strcmp0 (get_string (obj, "format"), "vraagbaak-content") == 0)
    {
      JsonNode *items = json_object_get_member (obj, "items");
      static const char *list_names[] = { "kanalen", "gespreksresultaten", "afdelingen" };

      *is_bundle = TRUE;
      if (items != NULL && JSON_NODE_HOLDS_ARRAY (items))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (items)); i++)
          {
            g_ptr_array_add (records, json_array_get_element (json_node_get_array (items), i));
            g_ptr_array_add (record_ids, NULL);
          }
      else if (items != NULL)
        return FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (list_names); i++)
        {
          JsonNode *list = json_object_get_member (obj, list_names[i]);

          if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
            json_object_set_member (lists, list_names[i], json_node_copy (list));
        }
      return TRUE;
    }

  /* Objects API: {"results": [{"uuid": ..., "record": {"data": {...}}}]}, or a paged API
   * response with bare records in results. */
  if (json_object_has_member (obj, "results") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "results")))
    {
      JsonArray *results = json_object_get_array_member (obj, "results");

      for (guint i = 0; i < json_array_get_length (results); i++)
        {
          JsonNode *el = json_array_get_element (results, i);
          JsonObject *res;
          JsonNode *record, *data;

          if (JSON_NODE_HOLDS_OBJECT (el) &&
              (res = json_node_get_object (el)) != NULL &&
              (record = json_object_get_member (res, "record")) != NULL &&
              JSON_NODE_HOLDS_OBJECT (record) &&
              (data = json_object_get_member (json_node_get_object (record), "data")) != NULL)
            {
              g_ptr_array_add (records, data);
              g_ptr_array_add (record_ids, (gpointer) get_string (res, "uuid"));
            }
          else
            {
              g_ptr_array_add (records, el);
              g_ptr_array_add (record_ids, NULL);
            }
        }
      return TRUE;
    }

  if (detect_shape (obj, FALSE) != SHAPE_UNKNOWN)
    {
      g_ptr_array_add (records, root);
      g_ptr_array_add (record_ids, NULL);
      return TRUE;
    }

  /* KISS: {"<schema url>": [records]}: every member an array of records. */
  {
    GList *members = json_object_get_members (obj);
    gboolean ok = members != NULL;

    for (GList *l = members; ok && l != NULL; l = l->next)
      {
        JsonNode *member = json_object_get_member (obj, l->data);

        if (!JSON_NODE_HOLDS_ARRAY (member))
          {
            ok = FALSE;
            break;
          }
        for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
          {
            g_ptr_array_add (records, json_array_get_element (json_node_get_array (member), i));
            g_ptr_array_add (record_ids, NULL);
          }
      }
    g_list_free (members);
    return ok;
  }
}

/* Parses a whole file's content into items and reference lists, validating every record.
 * With skip-invalid, invalid records are reported in vb_importer_get_skipped() instead. */
gboolean
vb_importer_parse (VbImporter  *self,
                   const char  *name,
                   const char  *data,
                   gssize       len,
                   GPtrArray  **items_out,
                   JsonObject **lists_out,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) records = g_ptr_array_new ();
  g_autoptr(GPtrArray) record_ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonObject) lists = json_object_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  gboolean is_bundle;
  JsonNode *root;

  g_ptr_array_set_size (self->skipped, 0);
  self->format = NULL;

  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, VB_IMPORT_ERROR, VB_IMPORT_ERROR_NOT_JSON, "%s: not valid JSON: %s",
                   name, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !collect_records (root, records, record_ids, lists, &is_bundle))
    {
      g_set_error (error, VB_IMPORT_ERROR, VB_IMPORT_ERROR_UNKNOWN_FORMAT,
                   "%s: unknown format: expected a Vraagbaak content bundle, VAC objects, "
                   "kennisartikelen or Rijksoverheid FAQ records", name);
      return FALSE;
    }
  if (is_bundle)
    self->format = "vraagbaak-content";

  for (guint i = 0; i < records->len; i++)
    {
      JsonNode *node = g_ptr_array_index (records, i);
      RecordContext rc = { self, name, i, NULL };
      VbItem *item = NULL;
      g_autoptr(GError) record_error_ = NULL;
      gboolean ok;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        ok = record_error (&rc, &record_error_, "not an object");
      else if (is_bundle && detect_shape (json_node_get_object (node), TRUE) != SHAPE_BUNDLE_ITEM)
        ok = record_error (&rc, &record_error_,
                           "field \"type\" must be \"vac\", \"product\" or \"notice\"");
      else
        ok = convert_record (self, &rc, json_node_get_object (node),
                             g_ptr_array_index (record_ids, i), NULL, is_bundle, &item,
                             &record_error_);

      if (!ok)
        {
          if (!self->skip_invalid)
            {
              g_propagate_error (error, g_steal_pointer (&record_error_));
              return FALSE;
            }
          g_ptr_array_add (self->skipped, g_strdup (record_error_->message));
          continue;
        }
      if (item == NULL)
        continue;
      /* The same id twice in one file: the last one wins, as with an upsert. */
      if (g_hash_table_remove (seen, vb_item_get_id (item)))
        for (guint j = 0; j < items->len; j++)
          if (g_str_equal (vb_item_get_id (g_ptr_array_index (items, j)), vb_item_get_id (item)))
            {
              g_ptr_array_remove_index (items, j);
              break;
            }
      g_ptr_array_add (items, item);
      g_hash_table_add (seen, (gpointer) vb_item_get_id (item));
    }

  if (self->format == NULL)
    self->format = "empty";
  *items_out = g_steal_pointer (&items);
  if (lists_out != NULL)
    *lists_out = g_steal_pointer (&lists);
  return TRUE;
}

gboolean
vb_importer_import_file (VbImporter  *self,
                         const char  *path,
                         GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) lists = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;

  g_return_val_if_fail (self->store != NULL, FALSE);

  self->imported = 0;
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, VB_IMPORT_ERROR, VB_IMPORT_ERROR_READ, "%s", local_error->message);
      return FALSE;
    }
  if (!vb_importer_parse (self, path, contents, len, &items, &lists, error))
    return FALSE;
  if (!vb_store_upsert (self->store, items, lists, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  self->imported = items->len;
  return TRUE;
}
