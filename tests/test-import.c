/* test-import.c: every content format, and what happens with bad input
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-test-util.h"

typedef struct
{
  char    *dir;
  VbStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = vb_test_tmpdir ();
  path = g_build_filename (f->dir, "content.db", NULL);
  f->store = vb_store_open (path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  vb_test_rmdir (f->dir);
  g_free (f->dir);
}

static gboolean
import (Fixture     *f,
        const char  *name,
        const char  *json,
        gboolean     skip_invalid,
        guint       *imported,
        GError     **error)
{
  g_autofree char *path = vb_test_write_file (f->dir, name, json);
  g_autoptr(VbImporter) importer = vb_importer_new (f->store);
  gboolean ok;

  vb_importer_set_skip_invalid (importer, skip_invalid);
  ok = vb_importer_import_file (importer, path, error);
  if (imported != NULL)
    *imported = vb_importer_get_imported (importer);
  return ok;
}

static const char *bundle =
  "{\"format\": \"vraagbaak-content\", \"version\": 1,"
  " \"items\": ["
  "  {\"type\": \"vac\", \"id\": \"vac-1\", \"vraag\": \"Wat kost een paspoort?\","
  "   \"antwoord\": \"<p>84 euro</p>\", \"status\": \"actief\", \"doelgroep\": \"eu-burger\","
  "   \"afdelingen\": [{\"afdelingNaam\": \"Burgerzaken\"}], \"trefwoorden\": [{\"trefwoord\": \"reisdocument\"}],"
  "   \"extraVeld\": {\"genest\": [1, 2]}},"
  "  {\"type\": \"product\", \"id\": \"pdc-1\", \"titel\": \"Paspoort\", \"tekst\": \"<p>Reizen</p>\"},"
  "  {\"type\": \"notice\", \"id\": \"n-1\", \"titel\": \"Kanaalbrug dicht\", \"inhoud\": \"<p>Omleiden</p>\","
  "   \"publicatieDatum\": \"2026-01-01T00:00:00Z\"}],"
  " \"kanalen\": [{\"code\": \"telefoon\", \"naam\": \"Telefoon\"}, {\"code\": \"balie\", \"naam\": \"Balie\"}],"
  " \"gespreksresultaten\": [{\"code\": \"zelf\", \"naam\": \"Zelfstandig afgehandeld\", \"afgehandeldDoorKcc\": true}],"
  " \"afdelingen\": [{\"id\": \"bz\", \"naam\": \"Burgerzaken\"}]}";

static void
test_bundle (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbItem) item = NULL;
  g_autoptr(JsonArray) kanalen = NULL;
  g_autoptr(JsonArray) resultaten = NULL;
  g_autofree char *json = NULL;
  guint n = 0;

  g_assert_true (import (f, "bundle.json", bundle, FALSE, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (vb_store_count_items (f->store, VB_ITEM_VAC), ==, 1);
  g_assert_cmpint (vb_store_count_items (f->store, VB_ITEM_PRODUCT), ==, 1);
  g_assert_cmpint (vb_store_count_items (f->store, VB_ITEM_NOTICE), ==, 1);

  item = vb_store_get_item (f->store, "vac-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vb_item_get_title (item), ==, "Wat kost een paspoort?");
  json = vb_item_to_json (item);
  g_assert_nonnull (strstr (json, "\"extraVeld\":{\"genest\":[1,2]}"));

  kanalen = vb_store_dup_list (f->store, "kanalen", &error);
  g_assert_cmpuint (json_array_get_length (kanalen), ==, 2);
  resultaten = vb_store_dup_list (f->store, "gespreksresultaten", &error);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (resultaten, 0),
                                                 "afgehandeldDoorKcc"));

  /* Importing again is an upsert: same ids, same count. */
  g_assert_true (import (f, "bundle.json", bundle, FALSE, &n, &error));
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 3);
}

static void
test_objects_api_vac (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VbItem) item = NULL;
  guint n = 0;
  const char *json =
    "{\"count\": 1, \"results\": [{\"url\": \"https://objecten.example/api/v2/objects/5f1c\","
    " \"uuid\": \"5f1c0000-0000-4000-8000-000000000001\","
    " \"record\": {\"index\": 1, \"typeVersion\": 1, \"data\": {\"vraag\": \"Hoe laat gaat de milieustraat open?\","
    " \"antwoord\": \"<p>Om 9 uur.</p>\", \"status\": \"actief\", \"doelgroep\": \"eu-burger\","
    " \"trefwoorden\": [{\"trefwoord\": \"afval\"}]}}}]}";

  g_assert_true (import (f, "objects.json", json, FALSE, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  item = vb_store_get_item (f->store, "5f1c0000-0000-4000-8000-000000000001", &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_item_get_kind (item), ==, VB_ITEM_VAC);
  g_assert_cmpstr (vb_item_get_origin (item), ==, "lokaal");
}

static void
test_bare_vac_stable_id (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *json = "[{\"vraag\": \"Waar laat ik mijn kerstboom?\", \"antwoord\": \"<p>Aan de straat.</p>\"},"
                     " {\"vraag\": \"Wanneer is de markt?\", \"antwoord\": \"Zaterdag.\", \"id\": \"markt\"}]";
  guint n = 0;

  g_assert_true (import (f, "bare.json", json, FALSE, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  /* The derived id is stable: importing again does not duplicate. */
  g_assert_true (import (f, "bare.json", json, FALSE, &n, &error));
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 2);
  g_assert_nonnull (vb_store_get_item (f->store, "markt", &error));
  g_object_unref (vb_store_get_item (f->store, "markt", NULL));
}

static void
test_invalid_record (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *json =
    "{\"format\": \"vraagbaak-content\", \"version\": 1, \"items\": ["
    " {\"type\": \"vac\", \"id\": \"goed\", \"vraag\": \"Goede vraag\", \"antwoord\": \"Goed antwoord\"},"
    " {\"type\": \"vac\", \"id\": \"fout\", \"vraag\": \"Vraag zonder antwoord\"},"
    " {\"type\": \"vac\", \"id\": \"type\", \"vraag\": \"Vraag\", \"antwoord\": \"A\", \"trefwoorden\": \"geen lijst\"}]}";
  g_autoptr(VbImporter) importer = vb_importer_new (f->store);
  g_autofree char *path = vb_test_write_file (f->dir, "invalid.json", json);
  GPtrArray *skipped;
  guint n = 99;

  /* Nothing of the file is imported, and the error names file, record and field. */
  g_assert_false (import (f, "invalid.json", json, FALSE, &n, &error));
  g_assert_error (error, VB_IMPORT_ERROR, VB_IMPORT_ERROR_INVALID_RECORD);
  g_assert_nonnull (strstr (error->message, "invalid.json"));
  g_assert_nonnull (strstr (error->message, "record 2 (fout)"));
  g_assert_nonnull (strstr (error->message, "antwoord"));
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 0);
  g_clear_error (&error);

  /* With skip-invalid the rest is imported and the skipped ones are reported. */
  vb_importer_set_skip_invalid (importer, TRUE);
  g_assert_true (vb_importer_import_file (importer, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vb_importer_get_imported (importer), ==, 1);
  skipped = vb_importer_get_skipped (importer);
  g_assert_cmpuint (skipped->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (skipped, 1), "\"trefwoorden\" must be a list"));
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 1);
}

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  const char *bad[] = {
    "{\"format\": \"vraagbaak-content\", \"items\": [",  /* cut off halfway */
    "",
    "42",
    "{\"iets\": \"anders\"}",
    "\xff\xfe garbage",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (import (f, "bad.json", bad[i], FALSE, NULL, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "bad.json"));
      g_test_message ("%s", error->message);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VbImporter) importer = vb_importer_new (f->store);

    g_assert_false (vb_importer_import_file (importer, "/nonexistent/file.json", &error));
    g_assert_error (error, VB_IMPORT_ERROR, VB_IMPORT_ERROR_READ);
  }
  g_assert_cmpint (vb_store_count_items (f->store, -1), ==, 0);
}

static void
test_real_file (Fixture       *f,
                gconstpointer  data)
{
  const char *relative = data;
  g_autofree char *path = vb_test_shared_file (relative);
  g_autoptr(VbImporter) importer = vb_importer_new (f->store);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  g_assert_true (vb_importer_import_file (importer, path, &error));
  g_assert_no_error (error);
  g_test_message ("%s: %u items (%s), %u skipped", relative, vb_importer_get_imported (importer),
                  vb_importer_get_format (importer), vb_importer_get_skipped (importer)->len);
  g_assert_cmpuint (vb_importer_get_imported (importer), >, 0);
}

static void
test_kiss_kennisartikel (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = vb_test_shared_file ("kissbundle/KissSdgArtikelen-deventer.json");
  g_autoptr(VbImporter) importer = vb_importer_new (f->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbItem) item = NULL;
  g_auto(GStrv) keywords = NULL;

  if (path == NULL)
    return;
  g_assert_true (vb_importer_import_file (importer, path, &error));
  g_assert_cmpuint (vb_importer_get_imported (importer), ==, 9);
  /* id is the last segment of url; productTitelDecentraal is the title; KISS fields map. */
  item = vb_store_get_item (f->store, "e9388ded-31c8-4561-96c5-42e7352825dd", &error);
  g_assert_no_error (error);
  g_assert_cmpint (vb_item_get_kind (item), ==, VB_ITEM_PRODUCT);
  g_assert_cmpstr (vb_item_get_title (item), ==, "Monument verbouwen of slopen");
  g_assert_nonnull (vb_item_get_string (item, "deskMemo"));
  g_assert_nonnull (vb_item_get_string (item, "tekst"));
  keywords = vb_item_dup_keywords (item);
  g_assert_true (g_strv_contains ((const char *const *) keywords, "sloopvergunning"));
}

static void
test_rijksoverheid (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path =
    vb_test_shared_file ("govbench-rijksoverheid-vac/rijksoverheid_faq_raw_opendata.json");
  g_autoptr(VbImporter) importer = vb_importer_new (f->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(VbItem) item = NULL;

  if (path == NULL)
    return;
  g_assert_true (vb_importer_import_file (importer, path, &error));
  g_assert_no_error (error);
  /* 180 records, one id twice. */
  g_assert_cmpint (vb_store_count_items (f->store, VB_ITEM_VAC), ==, 179);
  item = vb_store_get_item (f->store, "367f189e-ebf7-45b8-97e3-9cb49db2fdc5", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vb_item_get_title (item), ==, "Hoe dien ik een Woo-verzoek in?");
  g_assert_cmpstr (vb_item_get_origin (item), ==, "landelijk");
  /* Introduction and sections make up the answer, section titles as headings. */
  g_assert_nonnull (strstr (vb_item_get_string (item, "antwoord"), "<h3>"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/import/bundle", test_bundle, NULL);
  ADD ("/import/objects-api-vac", test_objects_api_vac, NULL);
  ADD ("/import/bare-vac-stable-id", test_bare_vac_stable_id, NULL);
  ADD ("/import/invalid-record", test_invalid_record, NULL);
  ADD ("/import/malformed", test_malformed, NULL);
  ADD ("/import/kiss-kennisartikel", test_kiss_kennisartikel, NULL);
  ADD ("/import/rijksoverheid", test_rijksoverheid, NULL);
  ADD ("/import/real/kiss", test_real_file, "kissbundle/KissSdgArtikelen-deventer.json");
  ADD ("/import/real/rijksoverheid", test_real_file,
       "govbench-rijksoverheid-vac/rijksoverheid_faq_raw_opendata.json");
  ADD ("/import/real/ondernemersplein", test_real_file,
       "sdg-invoervoorziening/ondernemersplein-sdgapi-producten-sample.json");
#undef ADD

  return g_test_run ();
}
