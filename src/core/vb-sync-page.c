/* vb-sync-page.c: one page of the change feed, parsed, validated and collapsed
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-importer.h"
#include "vb-item.h"
#include "vb-sync.h"
#include "vb-sync-page.h"

void
vb_sync_page_free (VbSyncPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_clear_pointer (&page->deleted, g_ptr_array_unref);
  g_clear_pointer (&page->lists, json_object_unref);
  g_clear_pointer (&page->notices, g_ptr_array_unref);
  g_clear_pointer (&page->skipped, g_ptr_array_unref);
  g_free (page->database);
  g_free (page);
}

static gboolean
protocol_error (GError    **error,
                const char *format,
                ...) G_GNUC_PRINTF (2, 3);

static gboolean
protocol_error (GError    **error,
                const char *format,
                ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;
  g_return_val_if_fail (*error == NULL, FALSE);
  va_start (args, format);
  *error = g_error_new_valist (VB_SYNC_ERROR, VB_SYNC_ERROR_PROTOCOL, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
member_is (JsonObject *obj,
           const char *name,
           GType       type)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
member_holds (JsonObject   *obj,
              const char   *name,
              JsonNodeType  type)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && json_node_get_node_type (node) == type;
}

/* The size of @node as JSON, roughly (strings and names counted exactly, punctuation about
 * right); stops counting once over @limit. Cheaper than generating the text. */
static gsize
json_size (JsonNode *node,
           gsize     limit)
{
  gsize size = 0;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (size <= limit && json_object_iter_next (&iter, &name, &member))
          size += strlen (name) + 4 + json_size (member, limit - MIN (size, limit));
        return size + 2;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        for (guint i = 0; size <= limit && i < n; i++)
          size += 1 + json_size (json_array_get_element (array, i), limit - MIN (size, limit));
        return size + 2;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return strlen (json_node_get_string (node)) + 2;
      return 8;
    case JSON_NODE_NULL:
    default:
      return 4;
    }
}

typedef struct
{
  const char *op;       /* "put" or "delete" */
  JsonObject *item;     /* for put */
  const char *type;
  gint64      seq;
} LastChange;

/* Parses one page of GET /api/v1/changes (docs/sync-protocol.md). Any wrong field type or
 * missing field refuses the whole page (a protocol error naming the seq and the field), so
 * that the content stays exactly as after the last page applied whole; changes of unknown
 * types (and unknown ops) are passed over, as are items over 2 MiB, with a message in
 * ->skipped. The result is collapsed to the last change per id. */
VbSyncPage *
vb_sync_page_parse (const char  *data,
                    gsize        len,
                    gint64       since,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(VbSyncPage) page = g_new0 (VbSyncPage, 1);
  g_autoptr(GHashTable) last = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonObject *root;
  JsonArray *changes;
  gint64 prev = since;
  JsonNode *root_node;

  if (!g_utf8_validate (data, len, NULL))
    return protocol_error (error, "The server's answer is not valid UTF-8"), NULL;
  if (!json_parser_load_from_data (parser, data, len, &parse_error))
    return protocol_error (error, "The server's answer is not valid JSON: %s",
                           parse_error->message), NULL;
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    return protocol_error (error, "The server's answer is not a JSON object"), NULL;
  root = json_node_get_object (root_node);

  if (!member_is (root, "cursor", G_TYPE_INT64))
    return protocol_error (error, "The page after %" G_GINT64_FORMAT
                           " has no field \"cursor\" (a number)", since), NULL;
  if (!member_is (root, "more", G_TYPE_BOOLEAN))
    return protocol_error (error, "The page after %" G_GINT64_FORMAT
                           " has no field \"more\" (true or false)", since), NULL;
  if (!member_holds (root, "changes", JSON_NODE_ARRAY))
    return protocol_error (error, "The page after %" G_GINT64_FORMAT
                           " has no field \"changes\" (a list)", since), NULL;
  if (json_object_has_member (root, "since") &&
      (!member_is (root, "since", G_TYPE_INT64) ||
       json_object_get_int_member (root, "since") != since))
    return protocol_error (error, "The server answered with another page (field \"since\" is not %"
                           G_GINT64_FORMAT ")", since), NULL;
  if (json_object_has_member (root, "remaining") && !member_is (root, "remaining", G_TYPE_INT64))
    return protocol_error (error, "The page after %" G_GINT64_FORMAT
                           ": field \"remaining\" must be a number", since), NULL;
  if (json_object_has_member (root, "database") &&
      (!member_is (root, "database", G_TYPE_STRING) ||
       *json_object_get_string_member (root, "database") == '\0'))
    return protocol_error (error, "The page after %" G_GINT64_FORMAT
                           ": field \"database\" must be a non-empty string", since), NULL;

  page->since = since;
  page->database = g_strdup (json_object_get_string_member_with_default (root, "database", NULL));
  page->cursor = json_object_get_int_member (root, "cursor");
  page->more = json_object_get_boolean_member (root, "more");
  page->remaining = MAX (0, json_object_get_int_member_with_default (root, "remaining", 0));
  changes = json_object_get_array_member (root, "changes");
  page->n_changes = json_array_get_length (changes);
  page->items = g_ptr_array_new_with_free_func (g_object_unref);
  page->deleted = g_ptr_array_new_with_free_func (g_free);
  page->notices = g_ptr_array_new_with_free_func (g_free);
  page->skipped = g_ptr_array_new_with_free_func (g_free);

  if (page->cursor < since || (page->n_changes == 0 && page->cursor != since))
    return protocol_error (error, "The page after %" G_GINT64_FORMAT " has a wrong cursor (%"
                           G_GINT64_FORMAT ")", since, page->cursor), NULL;
  if (page->n_changes == 0 && page->more)
    return protocol_error (error, "The page after %" G_GINT64_FORMAT
                           " is empty but says more follow", since), NULL;

  last = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  order = g_ptr_array_new ();
  for (guint i = 0; i < page->n_changes; i++)
    {
      JsonNode *node = json_array_get_element (changes, i);
      JsonObject *change;
      const char *op, *id, *type;
      gint64 seq;
      VbItemKind kind;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return protocol_error (error, "Change %u after %" G_GINT64_FORMAT " is not an object",
                               i + 1, since), NULL;
      change = json_node_get_object (node);
      if (!member_is (change, "seq", G_TYPE_INT64))
        return protocol_error (error, "Change %u after %" G_GINT64_FORMAT
                               ": field \"seq\" must be a number", i + 1, since), NULL;
      seq = json_object_get_int_member (change, "seq");
      if (seq <= prev || seq > page->cursor)
        return protocol_error (error, "Change %" G_GINT64_FORMAT
                               ": field \"seq\" is out of order", seq), NULL;
      prev = seq;
      if (!member_is (change, "op", G_TYPE_STRING))
        return protocol_error (error, "Change %" G_GINT64_FORMAT
                               ": field \"op\" must be a string", seq), NULL;
      op = json_object_get_string_member (change, "op");

      if (strcmp (op, "list") == 0)
        {
          const char *list;

          if (!member_is (change, "list", G_TYPE_STRING))
            return protocol_error (error, "Change %" G_GINT64_FORMAT
                                   ": field \"list\" must be a string", seq), NULL;
          if (!member_holds (change, "entries", JSON_NODE_ARRAY))
            return protocol_error (error, "Change %" G_GINT64_FORMAT
                                   ": field \"entries\" must be a list", seq), NULL;
          list = json_object_get_string_member (change, "list");
          if (g_strcmp0 (list, "kanalen") != 0 && g_strcmp0 (list, "gespreksresultaten") != 0 &&
              g_strcmp0 (list, "afdelingen") != 0)
            {
              g_ptr_array_add (page->skipped,
                               g_strdup_printf ("Change %" G_GINT64_FORMAT
                                                ": unknown list \"%s\" skipped", seq, list));
              continue;
            }
          if (page->lists == NULL)
            page->lists = json_object_new ();
          json_object_set_member (page->lists, list,
                                  json_node_copy (json_object_get_member (change, "entries")));
          continue;
        }
      if (strcmp (op, "put") != 0 && strcmp (op, "delete") != 0)
        {
          g_ptr_array_add (page->skipped,
                           g_strdup_printf ("Change %" G_GINT64_FORMAT
                                            ": unknown operation \"%s\" skipped", seq, op));
          continue;
        }
      if (!member_is (change, "id", G_TYPE_STRING) ||
          *(id = json_object_get_string_member (change, "id")) == '\0')
        return protocol_error (error, "Change %" G_GINT64_FORMAT
                               ": field \"id\" must be a non-empty string", seq), NULL;
      if (!member_is (change, "type", G_TYPE_STRING))
        return protocol_error (error, "Change %" G_GINT64_FORMAT
                               ": field \"type\" must be a string", seq), NULL;
      type = json_object_get_string_member (change, "type");

      if (strcmp (op, "put") == 0)
        {
          JsonObject *item;

          if (!vb_item_kind_from_string (type, &kind))
            {
              g_ptr_array_add (page->skipped,
                               g_strdup_printf ("Change %" G_GINT64_FORMAT ": item %s of unknown "
                                                "type \"%s\" skipped", seq, id, type));
              continue;
            }
          if (!member_holds (change, "item", JSON_NODE_OBJECT))
            return protocol_error (error, "Change %" G_GINT64_FORMAT " (%s): field \"item\" must "
                                   "be an object", seq, id), NULL;
          item = json_object_get_object_member (change, "item");
          if (g_strcmp0 (json_object_get_string_member_with_default (item, "id", NULL), id) != 0 ||
              g_strcmp0 (json_object_get_string_member_with_default (item, "type", NULL), type) != 0)
            return protocol_error (error, "Change %" G_GINT64_FORMAT " (%s): the item's fields "
                                   "\"id\" and \"type\" differ from the change's", seq, id), NULL;
          if (json_size (json_object_get_member (change, "item"), VB_SYNC_MAX_ITEM_SIZE) >
              VB_SYNC_MAX_ITEM_SIZE)
            {
              g_ptr_array_add (page->skipped,
                               g_strdup_printf ("Change %" G_GINT64_FORMAT ": item %s is larger "
                                                "than 2 MiB and was rejected", seq, id));
              continue;
            }
          {
            LastChange *lc = g_new0 (LastChange, 1);

            lc->op = "put";
            lc->item = item;
            lc->type = type;
            lc->seq = seq;
            if (!g_hash_table_contains (last, id))
              g_ptr_array_add (order, (gpointer) id);
            g_hash_table_replace (last, (gpointer) id, lc);
          }
        }
      else
        {
          LastChange *lc = g_new0 (LastChange, 1);

          /* A tombstone of an unknown type removes nothing here; still collapse by id. */
          lc->op = "delete";
          lc->type = type;
          lc->seq = seq;
          if (!g_hash_table_contains (last, id))
            g_ptr_array_add (order, (gpointer) id);
          g_hash_table_replace (last, (gpointer) id, lc);
        }
    }

  /* Validate the surviving items as an import does; one bad record refuses the page. */
  for (guint i = 0; i < order->len; i++)
    {
      const char *id = g_ptr_array_index (order, i);
      LastChange *lc = g_hash_table_lookup (last, id);
      g_autoptr(GError) item_error = NULL;
      VbItem *item;

      if (strcmp (lc->op, "delete") == 0)
        {
          g_ptr_array_add (page->deleted, g_strdup (id));
          continue;
        }
      item = vb_importer_parse_item (lc->item, &item_error);
      if (item == NULL)
        {
          const char *msg = item_error->message;
          const char *field = strstr (msg, "field ");

          return protocol_error (error, "Change %" G_GINT64_FORMAT " (%s): %s", lc->seq, id,
                                 field != NULL ? field : msg), NULL;
        }
      g_ptr_array_add (page->items, item);
      if (vb_item_get_kind (item) == VB_ITEM_NOTICE)
        g_ptr_array_add (page->notices, g_strdup (id));
    }
  g_ptr_array_add (page->deleted, NULL);
  return g_steal_pointer (&page);
}
