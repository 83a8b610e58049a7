/* vb-test-util.h: shared helpers for the test programs
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "vb-importer.h"
#include "vb-searcher.h"
#include "vb-store.h"

/* A fresh folder for one test, removed by the caller with vb_test_rmdir(). */
static inline char *
vb_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("vraagbaak-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
vb_test_rmdir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        vb_test_rmdir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static inline const char *
vb_test_datadir (void)
{
  const char *dir = g_getenv ("VRAAGBAAK_DATADIR");

  g_assert_nonnull (dir);
  return dir;
}

/* A file from ../shared/data, or NULL (and the test is skipped) when it is absent. */
static inline char *
vb_test_shared_file (const char *relative)
{
  const char *shared = g_getenv ("VRAAGBAAK_SHARED_DATA");
  char *path;

  if (shared == NULL)
    {
      g_test_skip ("VRAAGBAAK_SHARED_DATA is not set");
      return NULL;
    }
  path = g_build_filename (shared, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip_printf ("%s is absent", path);
      g_free (path);
      return NULL;
    }
  return path;
}

static inline char *
vb_test_write_file (const char *dir,
                    const char *name,
                    const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* Imports every bundle in data/demo into @store. Returns the number of items. */
static inline guint
vb_test_import_demo (VbStore *store)
{
  g_autofree char *demo = g_build_filename (vb_test_datadir (), "demo", NULL);
  g_autoptr(GDir) dir = g_dir_open (demo, 0, NULL);
  g_autoptr(VbImporter) importer = vb_importer_new (store);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint total = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_build_filename (demo, name, NULL));
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (vb_importer_import_file (importer, g_ptr_array_index (names, i), &error));
      g_assert_no_error (error);
      total += vb_importer_get_imported (importer);
    }
  return total;
}

static inline VbSearchResults *
vb_test_search (VbSearcher            *searcher,
                const char            *query,
                const VbSearchOptions *options)
{
  g_autoptr(GError) error = NULL;
  VbSearchResults *results = vb_searcher_search (searcher, query, options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

/* Position (0-based) of @id in @results, or -1. */
static inline int
vb_test_rank_of (VbSearchResults *results,
                 const char      *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (results));

  for (guint i = 0; i < n; i++)
    if (g_str_equal (vb_search_hit_get_id (vb_search_results_get_hit (results, i)), id))
      return i;
  return -1;
}

/* Without a window manager (Xvfb) GTK 4.8 sometimes warns that a text field "did not receive
 * a focus-out event" when a window goes away; that is the test setup, not the application.
 * GTK logs it with the structured API, which g_test_log_set_fatal_handler() never sees, so
 * warnings are made non-fatal and this writer fails the test on any other warning instead
 * (criticals stay fatal). */
static inline GLogWriterOutput
vb_test_focus_out_tolerant_writer (GLogLevelFlags   log_level,
                                   const GLogField *fields,
                                   gsize            n_fields,
                                   gpointer         user_data)
{
  if (log_level & G_LOG_LEVEL_WARNING)
    {
      const char *message = NULL;

      for (gsize i = 0; i < n_fields; i++)
        if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
          message = fields[i].value;
      if (message != NULL && strstr (message, "did not receive a focus-out event") != NULL)
        return G_LOG_WRITER_HANDLED;
      g_test_fail ();
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Call after g_test_init() (which makes warnings fatal). */
static inline void
vb_test_tolerate_focus_out_warning (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_writer_func (vb_test_focus_out_tolerant_writer, NULL, NULL);
}
