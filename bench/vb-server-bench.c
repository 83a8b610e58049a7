/* vb-server-bench.c: load on vraagbaak-server's feed; prints figures, never a test
 *
 *   vb-server-bench [--server BIN] [--duration 60] [--clients 50] [--idle 500] CONTENT-FILE…
 *   vb-server-bench --url http://127.0.0.1:8080 --token TOKEN [...]
 *
 * With content files it makes a server database in a temporary folder, imports the files with
 * `vraagbaak-server import`, adds a token and starts the server on 127.0.0.1 (another
 * process, as in production). Then two phases:
 *
 * 1. busy: --clients clients for --duration seconds, each in a loop: half of the rounds a
 *    long poll at the newest cursor with a short wait (1 or 2 s), half a sync page by page to
 *    the end: a new client's from 0 (limit 500), or a catch-up from 1-200 changes back (limit
 *    100); with --random-since from a random cursor (limit 100 or 500), the worst case. Errors, and p50/p99 latency of the
 *    pages and of the long polls' overrun (answer time minus wait) are printed.
 * 2. idle: --idle long polls (wait --idle-wait seconds) held at once on as many
 *    connections, while a health request every 100 ms measures that the server still
 *    answers; each poll must come back 200 and empty after its wait.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

typedef struct
{
  SoupSession *session;
  char        *url;
  char        *token;
  gint64       end;           /* monotonic µs: the busy phase stops */
  GArray      *page_ms;       /* double */
  GArray      *poll_over_ms;  /* double */
  guint        errors;
  guint        requests;
  guint        running;       /* clients still looping */
  gint64       last;          /* newest cursor seen */
  GRand       *rand;
  gboolean     random_since;
} Bench;

typedef struct
{
  Bench  *bench;
  guint   id;
  gint64  since;
  int     limit;
  int     wait;
  gint64  sent;
  gboolean paging;
} Client;

static void client_next (Client *client);

/* The server's own durations of the pages, from its request log (a server of our own): until
 * the answer was ready, and until it was written (as fast as this client reads). */
static GArray *server_page_ms;

/* A server of our own: its binary, folder and database, for the notice import. */
static const char *bench_server;
static const char *bench_dir;
static char *bench_db;
static GArray *server_ready_ms;

static SoupMessage *
new_request (Bench      *bench,
             const char *path)
{
  g_autofree char *url = g_strconcat (bench->url, path, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", bench->token);
  SoupMessage *msg = soup_message_new ("GET", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  return msg;
}

static JsonObject *
parse_page (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  if (!json_parser_load_from_data (parser, data, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The page's head without parsing the page: the server writes since, cursor, more and
 * remaining first, and parsing 500 items here would measure this tool, not the server. */
static gboolean
parse_head (GBytes   *body,
            gint64   *cursor,
            gboolean *more)
{
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  g_autofree char *head = g_strndup (data, MIN (len, 200));
  const char *c = strstr (head, "\"cursor\":");
  const char *m = strstr (head, "\"more\":");

  if (c == NULL || m == NULL || len < 2 || data[len - 1] != '}')
    return FALSE;
  *cursor = g_ascii_strtoll (c + 9, NULL, 10);
  *more = g_str_has_prefix (m + 7, "true");
  return TRUE;
}

static void
on_client_answer (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Client *client = user_data;
  Bench *bench = client->bench;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  double ms = (g_get_monotonic_time () - client->sent) / 1000.0;
  gint64 cursor = 0;
  gboolean more = FALSE;

  bench->requests++;
  if (body == NULL || soup_message_get_status (msg) != 200 || !parse_head (body, &cursor, &more))
    {
      if (bench->errors++ < 5)
        g_printerr ("error: %s (status %u) for %s: %.*s\n",
                    error != NULL ? error->message : "bad answer", soup_message_get_status (msg),
                    g_uri_get_query (soup_message_get_uri (msg)),
                    body != NULL ? (int) MIN (g_bytes_get_size (body), 200) : 0,
                    body != NULL ? (const char *) g_bytes_get_data (body, NULL) : "");
      client->paging = FALSE;
    }
  else
    {
      bench->last = MAX (bench->last, cursor);
      if (client->paging)
        {
          g_array_append_val (bench->page_ms, ms);
          client->since = cursor;
          client->paging = more;
        }
      else
        {
          double over = ms - client->wait * 1000.0;

          g_array_append_val (bench->poll_over_ms, over);
        }
    }
  g_object_unref (msg);
  client_next (client);
}

static void
client_next (Client *client)
{
  Bench *bench = client->bench;
  g_autofree char *path = NULL;
  SoupMessage *msg;

  if (g_get_monotonic_time () >= bench->end)
    {
      bench->running--;
      g_free (client);
      return;
    }
  if (!client->paging)
    {
      /* A new round: a long poll, or a sync from a random cursor. */
      if (g_rand_boolean (bench->rand))
        {
          client->wait = g_rand_int_range (bench->rand, 1, 3);
          path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&wait=%d",
                                  bench->last, client->wait);
        }
      else if (bench->random_since)
        {
          /* The worst case: a sync from anywhere, pages no other client asked for. */
          client->paging = TRUE;
          client->since = g_rand_int_range (bench->rand, 0, (gint32) MAX (bench->last, 1));
          client->limit = g_rand_boolean (bench->rand) ? 100 : 500;
        }
      else
        {
          /* A new client's full sync (the default limit), or one catching up after a while
           * offline. */
          client->paging = TRUE;
          if (g_rand_boolean (bench->rand))
            {
              client->since = 0;
              client->limit = 500;
            }
          else
            {
              gint64 back = g_rand_int_range (bench->rand, 1, 201);

              client->since = MAX (0, bench->last - back);
              client->limit = 100;
            }
        }
    }
  if (client->paging)
    path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%d",
                            client->since, client->limit);
  msg = new_request (bench, path);
  client->sent = g_get_monotonic_time ();
  soup_session_send_and_read_async (bench->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_client_answer, client);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_double);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (p * values->len)));
}

static void
run_busy (Bench *bench,
          guint  clients,
          guint  duration)
{
  gint64 start = g_get_monotonic_time ();

  bench->end = start + (gint64) duration * G_USEC_PER_SEC;
  bench->running = clients;
  for (guint i = 0; i < clients; i++)
    {
      Client *client = g_new0 (Client, 1);

      client->bench = bench;
      client->id = i;
      client_next (client);
    }
  while (bench->running > 0)
    g_main_context_iteration (NULL, TRUE);

  g_print ("busy: %u clients, %u s: %u requests (%.0f/s), %u errors\n", clients, duration,
           bench->requests, bench->requests / ((g_get_monotonic_time () - start) / 1e6),
           bench->errors);
  g_print ("  pages:       %u, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", bench->page_ms->len,
           percentile (bench->page_ms, 0.5), percentile (bench->page_ms, 0.99),
           percentile (bench->page_ms, 1.0));
  if (server_page_ms != NULL)
    {
      g_print ("  pages, in the server until ready: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
               percentile (server_ready_ms, 0.5), percentile (server_ready_ms, 0.99),
               percentile (server_ready_ms, 1.0));
      g_print ("  pages, in the server until written: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
               percentile (server_page_ms, 0.5), percentile (server_page_ms, 0.99),
               percentile (server_page_ms, 1.0));
    }
  g_print ("  long polls:  %u, answered after their wait + p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           bench->poll_over_ms->len, percentile (bench->poll_over_ms, 0.5),
           percentile (bench->poll_over_ms, 0.99), percentile (bench->poll_over_ms, 1.0));
}

typedef struct
{
  guint   answered;
  guint   errors;
  guint   early;
  gboolean notice;         /* a commit is expected: every poll answers with one change */
  GArray *answered_at;     /* gint64, monotonic µs */
  gint64  imported_at;
  GArray *over_ms;
  GArray *health_ms;
  gint64  health_sent;
  gboolean health_busy;
} Idle;

typedef struct
{
  Idle   *idle;
  gint64  sent;
  int     wait;
} Poll;

static void
on_idle_answer (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Poll *poll = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  g_autoptr(JsonObject) page = body != NULL ? parse_page (body) : NULL;
  gint64 now = g_get_monotonic_time ();
  double s = (now - poll->sent) / 1e6;

  poll->idle->answered++;
  if (poll->idle->notice)
    {
      if (page == NULL || soup_message_get_status (msg) != 200 ||
          json_array_get_length (json_object_get_array_member (page, "changes")) != 1)
        poll->idle->errors++;
      else
        g_array_append_val (poll->idle->answered_at, now);
    }
  else if (page == NULL || soup_message_get_status (msg) != 200 ||
           json_array_get_length (json_object_get_array_member (page, "changes")) != 0)
    {
      if (poll->idle->errors++ < 5)
        g_printerr ("idle poll error: %s (status %u)\n",
                    error != NULL ? error->message : "bad answer", soup_message_get_status (msg));
    }
  else if (s < poll->wait - 0.2)
    poll->idle->early++;
  else
    {
      double over = (s - poll->wait) * 1000.0;

      g_array_append_val (poll->idle->over_ms, over);
    }
  g_object_unref (msg);
  g_free (poll);
}

static void
on_health_answer (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Idle *idle = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              NULL);
  double ms = (g_get_monotonic_time () - idle->health_sent) / 1000.0;

  if (body != NULL && soup_message_get_status (msg) == 200)
    g_array_append_val (idle->health_ms, ms);
  else
    idle->errors++;
  idle->health_busy = FALSE;
  g_object_unref (msg);
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static const char notice_bundle[] =
  "{\"format\": \"vraagbaak-content\", \"version\": 1, \"items\": [{\"type\": \"notice\","
  " \"id\": \"notice-bench\", \"titel\": \"Storing\", \"inhoud\": \"<p>Storing.</p>\","
  " \"publicatieDatum\": \"2026-11-29\"}]}";

static void
on_import_exited (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Idle *idle = user_data;

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, NULL))
    g_error ("The notice import failed");
  idle->imported_at = g_get_monotonic_time ();
}

static gboolean
import_notice (gpointer user_data)
{
  Idle *idle = user_data;
  g_autofree char *file = g_build_filename (bench_dir, "notice.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;

  g_file_set_contents (file, notice_bundle, -1, &error);
  g_assert_no_error (error);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, bench_server, "--db",
                           bench_db, "import", file, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (proc, NULL, on_import_exited, idle);
  return G_SOURCE_REMOVE;
}

/* With @notice, a notice is imported by another process 4 s after the polls were sent, and
 * every poll must answer with it. */
static void
run_idle (Bench    *bench,
          guint     n,
          int       wait,
          gboolean  notice)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&wait=%d",
                                           bench->last, wait);
  g_autoptr(SoupSession) health_session = soup_session_new_with_options ("proxy-resolver", NULL,
                                                                         NULL);
  g_autofree char *health_url = g_strconcat (bench->url, "/api/v1/health", NULL);
  Idle idle = { 0 };
  guint wake_id;
  gint64 start = g_get_monotonic_time (), next_health = start + 500 * 1000;

  /* Wakes the loop for the health requests. */
  wake_id = g_timeout_add (20, (GSourceFunc) keep_waking, NULL);
  idle.health_ms = g_array_new (FALSE, FALSE, sizeof (double));
  idle.over_ms = g_array_new (FALSE, FALSE, sizeof (double));
  idle.answered_at = g_array_new (FALSE, FALSE, sizeof (gint64));
  idle.notice = notice;
  if (notice)
    g_timeout_add (4000, import_notice, &idle);
  for (guint i = 0; i < n; i++)
    {
      Poll *poll = g_new0 (Poll, 1);
      SoupMessage *msg = new_request (bench, path);

      poll->idle = &idle;
      poll->wait = wait;
      poll->sent = g_get_monotonic_time ();
      soup_session_send_and_read_async (bench->session, msg, G_PRIORITY_DEFAULT, NULL,
                                        on_idle_answer, poll);
    }
  while (idle.answered < n)
    {
      gint64 now = g_get_monotonic_time ();

      /* While the polls are held: does the server still answer at once? */
      if (!idle.health_busy && now >= next_health && now < start + (wait - 1) * G_USEC_PER_SEC)
        {
          idle.health_busy = TRUE;
          idle.health_sent = now;
          next_health = now + 100 * 1000;
          soup_session_send_and_read_async (health_session, soup_message_new ("GET", health_url),
                                            G_PRIORITY_DEFAULT, NULL, on_health_answer, &idle);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake_id);
  if (notice)
    {
      g_autoptr(GArray) after = g_array_new (FALSE, FALSE, sizeof (double));

      while (idle.imported_at == 0)
        g_main_context_iteration (NULL, TRUE);
      for (guint i = 0; i < idle.answered_at->len; i++)
        {
          double ms = (g_array_index (idle.answered_at, gint64, i) - idle.imported_at) / 1000.0;

          g_array_append_val (after, ms);
        }
      g_print ("notice: %u long polls waiting, a notice imported by another process: %u answered "
               "with it, %u errors; after the importer exited + p50 %.1f ms, p99 %.1f ms, "
               "max %.1f ms\n", n, idle.answered_at->len, idle.errors, percentile (after, 0.5),
               percentile (after, 0.99), percentile (after, 1.0));
      g_array_unref (idle.answered_at);
      g_array_unref (idle.health_ms);
      g_array_unref (idle.over_ms);
      return;
    }
  g_print ("idle: %u long polls (wait %d s) held at once: %u answered, %u errors, %u early; "
           "all back after %.1f s\n", n, wait, idle.answered, idle.errors, idle.early,
           (g_get_monotonic_time () - start) / 1e6);
  g_print ("  each answered after its wait + p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           percentile (idle.over_ms, 0.5), percentile (idle.over_ms, 0.99),
           percentile (idle.over_ms, 1.0));
  g_print ("  health while held: %u requests, p50 %.1f ms, p99 %.1f ms\n", idle.health_ms->len,
           percentile (idle.health_ms, 0.5), percentile (idle.health_ms, 0.99));
  g_array_unref (idle.health_ms);
  g_array_unref (idle.over_ms);
  g_array_unref (idle.answered_at);
}

/* ---- a server of our own ---- */

static char *
run_admin (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s failed: %s", argv[0], argv[3], error != NULL ? error->message : err);
  return out;
}

static void
on_server_line (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GDataInputStream *in = G_DATA_INPUT_STREAM (source);
  g_autofree char *line = g_data_input_stream_read_line_finish (in, result, NULL, NULL);
  const char *p;

  if (line == NULL)
    {
      g_object_unref (in);
      return;
    }
  /* "… GET /api/v1/changes?since&limit 200 3.1 ms (ready 1.2 ms) token=bench" */
  if ((p = strstr (line, "/api/v1/changes?since&limit 200 ")) != NULL)
    {
      char *end = NULL;
      double ms = g_ascii_strtod (p + strlen ("/api/v1/changes?since&limit 200 "), &end);
      const char *ready = strstr (end, "(ready ");

      g_array_append_val (server_page_ms, ms);
      if (ready != NULL)
        {
          ms = g_ascii_strtod (ready + 7, NULL);
          g_array_append_val (server_ready_ms, ms);
        }
    }
  g_data_input_stream_read_line_async (in, G_PRIORITY_LOW, NULL, on_server_line, NULL);
}

static void
read_server_log (GDataInputStream *in)
{
  server_page_ms = g_array_new (FALSE, FALSE, sizeof (double));
  server_ready_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_data_input_stream_read_line_async (g_object_ref (in), G_PRIORITY_LOW, NULL, on_server_line,
                                       NULL);
}

static GSubprocess *
start_server (const char  *binary,
              const char  *dir,
              char       **content,
              char       **url,
              char       **token)
{
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autoptr(GPtrArray) import = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  const char *token_argv[] = { binary, "--db", db, "token", "add", "bench", "--role",
                               "medewerker", NULL };
  g_autofree char *line = NULL;
  GSubprocess *proc;
  gint64 start = g_get_monotonic_time ();

  g_ptr_array_add (import, (char *) binary);
  g_ptr_array_add (import, "--db");
  g_ptr_array_add (import, db);
  g_ptr_array_add (import, "import");
  for (guint i = 0; content[i] != NULL; i++)
    g_ptr_array_add (import, content[i]);
  g_ptr_array_add (import, NULL);
  g_free (run_admin ((const char *const *) import->pdata));
  g_print ("imported %u files in %.1f s\n", g_strv_length (content),
           (g_get_monotonic_time () - start) / 1e6);
  *token = g_strstrip (run_admin (token_argv));
  bench_server = binary;
  bench_dir = dir;
  bench_db = g_strdup (db);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, binary, "--db", db, "--listen",
                           "127.0.0.1:0", NULL);
  if (proc == NULL)
    g_error ("Cannot start %s: %s", binary, error->message);
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  while ((line = g_data_input_stream_read_line (err, NULL, NULL, NULL)) != NULL &&
         strstr (line, "(port ") == NULL)
    g_clear_pointer (&line, g_free);
  if (line == NULL)
    g_error ("The server did not start");
  *url = g_strdup_printf ("http://127.0.0.1:%d", atoi (strstr (line, "(port ") + 6));
  /* The server logs a line per request: its own duration of every page read, for comparison
   * with what the clients see (which includes their own work and the scheduler). */
  read_server_log (err);
  return proc;
}

static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < 2048)
        g_printerr ("warning: the file-descriptor limit is %lu\n", (unsigned long) limit.rlim_cur);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *server = g_strdup (VB_SERVER_BINARY);
  g_auto(GStrv) content = NULL;
  int duration = 60, clients = 50, idle = 500, idle_wait = 10;
  gboolean no_gzip = FALSE, random_since = FALSE;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "A running server", "URL" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "Its token (medewerker)", "TOKEN" },
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server, "The vraagbaak-server to start", "BIN" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, "Seconds of the busy phase (60)", "S" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &clients, "Concurrent clients (50)", "N" },
    { "idle", 0, 0, G_OPTION_ARG_INT, &idle, "Idle long polls held at once (500)", "N" },
    { "idle-wait", 0, 0, G_OPTION_ARG_INT, &idle_wait, "Their wait in seconds (10)", "S" },
    { "random-since", 0, 0, G_OPTION_ARG_NONE, &random_since,
      "Syncs start at random cursors (the worst case) instead of 0 or a recent one", NULL },
    { "no-gzip", 0, 0, G_OPTION_ARG_NONE, &no_gzip,
      "Do not ask for gzip (the client then spends no time inflating)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("[CONTENT-FILE…] — load on vraagbaak-server");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *dir = NULL;
  Bench bench = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (argc > 1)
    content = g_strdupv (argv + 1);
  if ((content == NULL) == (url == NULL) || (url != NULL && token == NULL))
    {
      g_printerr ("Give CONTENT-FILE… or --url URL --token TOKEN\n");
      return 1;
    }
  raise_fd_limit ();
  if (content != NULL)
    {
      dir = g_dir_make_tmp ("vb-server-bench-XXXXXX", &error);
      g_assert_no_error (error);
      proc = start_server (server, dir, content, &url, &token);
    }

  bench.session = soup_session_new_with_options ("max-conns", idle + clients + 16,
                                                 "max-conns-per-host", idle + clients + 16,
                                                 "timeout", 120, NULL);
  /* Loopback: no proxy lookup per new connection (libproxy runs one in a thread each). */
  soup_session_set_proxy_resolver (bench.session, NULL);
  if (no_gzip)
    soup_session_remove_feature_by_type (bench.session, SOUP_TYPE_CONTENT_DECODER);
  bench.url = url;
  bench.token = token;
  bench.page_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.poll_over_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.rand = g_rand_new_with_seed (42);
  bench.random_since = random_since;
  {
    /* The newest cursor, for the long polls and the random syncs. */
    g_autofree char *health = g_strconcat (url, "/api/v1/health", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", health);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(JsonObject) obj = NULL;
    /* The server is another process: a blocking call is fine here. */
    body = soup_session_send_and_read (bench.session, msg, NULL, &error);
    if (body == NULL || (obj = parse_page (body)) == NULL)
      g_error ("No health from %s: %s", url, error != NULL ? error->message : "bad answer");
    bench.last = json_object_get_int_member (obj, "cursor");
    g_print ("server %s, change log at %" G_GINT64_FORMAT "\n", url, bench.last);
  }

  run_busy (&bench, clients, duration);
  if (idle > 0)
    {
      run_idle (&bench, idle, idle_wait, FALSE);
      /* Our own server: 500 waiting clients and a notice published. */
      if (proc != NULL)
        run_idle (&bench, idle, 30, TRUE);
    }

  if (proc != NULL)
    {
      g_subprocess_send_signal (proc, SIGTERM);
      g_subprocess_wait (proc, NULL, NULL);
      const char *rm[] = { "rm", "-rf", dir, NULL };

      g_print ("server stopped with status %d\n", g_subprocess_get_exit_status (proc));
      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                    NULL);
    }
  g_array_unref (bench.page_ms);
  g_array_unref (bench.poll_over_ms);
  g_rand_free (bench.rand);
  g_object_unref (bench.session);
  return bench.errors > 0 ? 2 : 0;
}
