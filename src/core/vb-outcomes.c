/* vb-outcomes.c: the gespreksresultaten the content flags as handled by the KCC
 *
 * The command line's stats and the server's GET /api/v1/stats read the same flags.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include "vb-outcomes.h"

GStrv
vb_outcomes_dup_kcc (VbStore  *store,
                     GError  **error)
{
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(GStrvBuilder) codes = NULL;

  g_return_val_if_fail (VB_IS_STORE (store), NULL);

  list = vb_store_dup_list (store, "gespreksresultaten", error);
  if (list == NULL)
    return NULL;
  codes = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *obj = json_array_get_object_element (list, i);

      if (obj != NULL &&
          json_object_get_boolean_member_with_default (obj, "afgehandeldDoorKcc", FALSE) &&
          json_object_get_string_member_with_default (obj, "code", NULL) != NULL)
        g_strv_builder_add (codes, json_object_get_string_member (obj, "code"));
    }
  return g_strv_builder_end (codes);
}
