/* vb-server-command.c: vraagbaak-server's command line (serve, import, token)
 *
 *   vraagbaak-server --db FILE --listen ADDRESS:PORT [--tls-certificate FILE --tls-key FILE]
 *                    [--retention-days N]
 *   vraagbaak-server --db FILE import [--origin landelijk|lokaal] [--skip-invalid] FILE…
 *   vraagbaak-server --db FILE token add NAME --role medewerker|supervisor|redacteur
 *   vraagbaak-server --db FILE token list
 *   vraagbaak-server --db FILE token revoke NAME
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <glib-unix.h>

#include "vb-importer.h"
#include "vb-server-command.h"
#include "vb-server.h"

enum {
  EXIT_OK = 0,
  EXIT_USAGE = 1,
  EXIT_FAILURE_ = 2,
};

static const char usage_text[] =
  "Usage:\n"
  "  vraagbaak-server --db FILE --listen ADDRESS:PORT [--tls-certificate FILE --tls-key FILE]\n"
  "                   [--retention-days N]\n"
  "  vraagbaak-server --db FILE import [--origin landelijk|lokaal] [--skip-invalid] FILE…\n"
  "  vraagbaak-server --db FILE token add NAME --role medewerker|supervisor|redacteur\n"
  "  vraagbaak-server --db FILE token list\n"
  "  vraagbaak-server --db FILE token revoke NAME\n"
  "\n"
  "The contact log and the tokens are kept beside FILE (NAME.db: NAME-contacts.db,\n"
  "NAME-tokens.db). Plain HTTP is accepted only on a loopback address. See\n"
  "docs/deployment.md.\n";

static int
usage (const char *message)
{
  if (message != NULL)
    g_printerr ("vraagbaak-server: %s\n\n", message);
  g_printerr ("%s", usage_text);
  return EXIT_USAGE;
}

static int
fail (const GError *error)
{
  g_printerr ("vraagbaak-server: %s\n", error->message);
  return EXIT_FAILURE_;
}

/* ---- import ---- */

static int
cmd_import (const char  *db,
            int          argc,
            char       **argv)
{
  gboolean skip_invalid = FALSE;
  g_autofree char *origin = NULL;
  GOptionEntry entries[] = {
    { "skip-invalid", 0, 0, G_OPTION_ARG_NONE, &skip_invalid,
      "Import the valid records and report the invalid ones", NULL },
    { "origin", 0, 0, G_OPTION_ARG_STRING, &origin, "Mark the items as landelijk or lokaal",
      "ORIGIN" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE… — import content");
  g_autoptr(GError) error = NULL;
  g_autoptr(VbStore) store = NULL;
  g_autoptr(VbImporter) importer = NULL;
  int status = EXIT_OK;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (error->message);
  if (argc < 2)
    return usage ("No files to import");
  if (origin != NULL && !g_str_equal (origin, "landelijk") && !g_str_equal (origin, "lokaal"))
    return usage ("--origin must be landelijk or lokaal");

  /* With the change log on, every item written reaches the clients; a running server sees
   * the commit through PRAGMA data_version and answers its long polls. */
  store = vb_store_open (db, &error);
  if (store == NULL || !vb_store_set_change_log (store, TRUE, &error))
    return fail (error);
  importer = vb_importer_new (store);
  vb_importer_set_skip_invalid (importer, skip_invalid);
  vb_importer_set_origin (importer, origin);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) file_error = NULL;
      GPtrArray *skipped;

      if (!vb_importer_import_file (importer, argv[i], &file_error))
        {
          g_printerr ("vraagbaak-server: %s\n", file_error->message);
          status = EXIT_FAILURE_;
          continue;
        }
      skipped = vb_importer_get_skipped (importer);
      g_printerr ("%s: %u items imported (%s)", argv[i], vb_importer_get_imported (importer),
                  vb_importer_get_format (importer));
      if (skipped->len > 0)
        g_printerr (", %u skipped", skipped->len);
      g_printerr ("\n");
      for (guint j = 0; j < skipped->len; j++)
        g_printerr ("  %s\n", (const char *) g_ptr_array_index (skipped, j));
    }
  g_printerr ("The change log is at %" G_GINT64_FORMAT "\n", vb_store_get_last_change (store));
  return status;
}

/* ---- token ---- */

static int
cmd_token (const char  *db,
           int          argc,
           char       **argv)
{
  g_autofree char *path = vb_server_dup_sibling_path (db, "tokens");
  g_autofree char *role_text = NULL;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, "medewerker, supervisor or redacteur",
      "ROLE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("add NAME --role ROLE | list | revoke NAME — manage access tokens");
  g_autoptr(GError) error = NULL;
  g_autoptr(VbServerTokens) tokens = NULL;
  const char *sub;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (error->message);
  sub = argc > 1 ? argv[1] : NULL;
  if (g_strcmp0 (sub, "add") == 0)
    {
      g_autofree char *token = NULL;
      VbRole role;

      if (argc != 3)
        return usage ("token add needs one NAME");
      if (role_text == NULL || !vb_role_from_string (role_text, &role))
        return usage ("token add needs --role medewerker, supervisor or redacteur");
      tokens = vb_server_tokens_open (path, &error);
      if (tokens == NULL)
        return fail (error);
      token = vb_server_tokens_add (tokens, argv[2], role, &error);
      if (token == NULL)
        return fail (error);
      /* The only place the token is ever shown: stdout, for a script to capture. */
      g_print ("%s\n", token);
      g_printerr ("Token “%s” (%s) added. It is shown only this once; the server keeps its "
                  "SHA-256.\n", argv[2], role_text);
      return EXIT_OK;
    }
  if (role_text != NULL)
    return usage ("--role belongs to token add");
  if (g_strcmp0 (sub, "list") == 0)
    {
      g_autoptr(GPtrArray) list = NULL;

      if (argc != 2)
        return usage ("token list takes no arguments");
      tokens = vb_server_tokens_open (path, &error);
      if (tokens == NULL || (list = vb_server_tokens_list (tokens, &error)) == NULL)
        return fail (error);
      g_print ("%-32s %-11s %-20s %s\n", "NAME", "ROLE", "CREATED", "REVOKED");
      for (guint i = 0; i < list->len; i++)
        {
          VbTokenInfo *info = g_ptr_array_index (list, i);
          g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (info->created);
          g_autoptr(GDateTime) revoked = info->revoked != 0
                                         ? g_date_time_new_from_unix_utc (info->revoked) : NULL;
          g_autofree char *created_text = g_date_time_format_iso8601 (created);
          g_autofree char *revoked_text = revoked != NULL ? g_date_time_format_iso8601 (revoked)
                                                          : g_strdup ("-");

          g_print ("%-32s %-11s %-20s %s\n", info->name, vb_role_to_string (info->role),
                   created_text, revoked_text);
        }
      return EXIT_OK;
    }
  if (g_strcmp0 (sub, "revoke") == 0)
    {
      if (argc != 3)
        return usage ("token revoke needs one NAME");
      tokens = vb_server_tokens_open (path, &error);
      if (tokens == NULL || !vb_server_tokens_revoke (tokens, argv[2], &error))
        return fail (error);
      g_printerr ("Token “%s” revoked\n", argv[2]);
      return EXIT_OK;
    }
  return usage ("token needs add, list or revoke");
}

/* ---- serve ---- */

static gboolean
on_signal (gpointer user_data)
{
  vb_server_shutdown (VB_SERVER (user_data));
  return G_SOURCE_CONTINUE;
}

static void
on_stopped (VbServer  *server,
            GMainLoop *loop)
{
  g_main_loop_quit (loop);
}

/* Hundreds of long polls each hold a socket. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static int
serve (const char *db,
       const char *listen,
       const char *certificate_file,
       const char *key_file,
       int         retention_days)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(VbServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  guint term_id, int_id;

  if (certificate_file != NULL)
    {
      certificate = g_tls_certificate_new_from_files (certificate_file, key_file, &error);
      if (certificate == NULL)
        {
          g_printerr ("vraagbaak-server: Cannot load the TLS certificate: %s\n", error->message);
          return EXIT_FAILURE_;
        }
    }
  raise_fd_limit ();
  server = vb_server_new (db, retention_days, &error);
  if (server == NULL || !vb_server_listen (server, listen, certificate, &error))
    return fail (error);

  loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (server, "stopped", G_CALLBACK (on_stopped), loop);
  term_id = g_unix_signal_add (SIGTERM, on_signal, server);
  int_id = g_unix_signal_add (SIGINT, on_signal, server);
  g_message ("Listening on %s://%s (port %u), content %s, change log at %" G_GINT64_FORMAT
             ", retention %d days", certificate != NULL ? "https" : "http", listen,
             vb_server_get_port (server), db, vb_store_get_last_change (vb_server_get_store (server)),
             retention_days);
  g_main_loop_run (loop);
  g_source_remove (term_id);
  g_source_remove (int_id);
  g_message ("Stopped");
  return EXIT_OK;
}

int
vb_server_command_run (int    argc,
                       char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  int retention_days = 30;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The content database (required)", "FILE" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Serve on ADDRESS:PORT", "ADDRESS:PORT" },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &certificate,
      "PEM certificate (chain) for HTTPS", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "PEM private key for HTTPS", "FILE" },
    { "retention-days", 0, 0, G_OPTION_ARG_INT, &retention_days,
      "Erase personal fields of contacts after N days (default 30)", "N" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[import|token …]");
  g_autoptr(GError) error = NULL;
  const char *command;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, usage_text);
  /* Options after the subcommand belong to it. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (error->message);
  if (version)
    {
      g_print ("vraagbaak-server %s (protocol %d)\n", PACKAGE_VERSION, VB_SERVER_PROTOCOL);
      return EXIT_OK;
    }
  if (db == NULL)
    return usage ("--db FILE is required");
  command = argc > 1 ? argv[1] : NULL;

  if (command == NULL)
    {
      if (listen == NULL)
        return usage ("--listen ADDRESS:PORT is required to serve");
      if ((certificate == NULL) != (key == NULL))
        return usage ("--tls-certificate and --tls-key go together");
      if (retention_days < 0 || retention_days > 36500)
        return usage ("--retention-days must be between 0 and 36500");
      return serve (db, listen, certificate, key, retention_days);
    }
  if (listen != NULL || certificate != NULL || key != NULL)
    return usage ("--listen and the TLS options are for serving, not for a subcommand");
  if (g_str_equal (command, "import"))
    return cmd_import (db, argc - 1, argv + 1);
  if (g_str_equal (command, "token"))
    return cmd_token (db, argc - 1, argv + 1);
  return usage ("Unknown command");
}
