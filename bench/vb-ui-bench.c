/* vb-ui-bench.c: keystroke-to-screen benchmark of the real search window
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "vb-context.h"
#include "vb-importer.h"
#include "vb-result-row.h"
#include "vb-search-page.h"
#include "vb-store.h"
#include "vb-window.h"

/* Prints figures; it is a measurement, not a test: nothing here passes or fails.
 *
 * The real window is built over an existing content database. An agent is simulated typing
 * each query character by character: every keystroke commits one character through the
 * entry's input method context, which is where a key press in the entry ends up (GtkText
 * inserts it at the cursor, then the entry emits "changed" and "search-changed"). The X key
 * event and the input method's filtering are left out. vb_search_page_set_text() is not used
 * for this: gtk_editable_set_text() empties the entry first, so every call would also run a
 * search for the empty text and clear the list. For each keystroke it records when the results
 * reached the list model (its "items-changed"), when the list box had made the rows, and
 * which frame of the window's GdkFrameClock first painted them. A GSource of the highest
 * priority measures how long the UI thread stays away from the main loop, that is, blocks.
 */

#define NONE G_MAXUINT
#define FRAME_US 16667  /* one frame at 60 Hz */

typedef enum
{
  KEY_PENDING,     /* its search runs */
  KEY_DONE,        /* its results reached the model */
  KEY_SUPERSEDED,  /* the next keystroke cancelled its search before it finished */
  KEY_LOST,        /* no change to the model came within the time allowed */
} KeyState;

typedef struct
{
  char     *text;             /* the text typed so far */
  gboolean  last;             /* the last keystroke of its query */
  KeyState  state;
  gboolean  started;          /* the entry emitted "search-changed" for it */
  gint64    t_due;            /* when the typist pressed the key */
  gint64    t_key;            /* the character was committed to the entry */
  gint64    t_results;        /* the model emitted items-changed, before any handler ran */
  gint64    t_rows;           /* the list box had made the rows (handlers done) */
  gint64    t_painted;        /* end of the first frame that showed them */
  guint     paints_at_key;    /* frames painted before the keystroke */
  guint     paints_at_results;
  guint     paints_at_painted;
  gint64    frame_us;         /* before-paint to after-paint of that frame */
  guint     n_results;
  gboolean  painted;
  gboolean  replaced;         /* gone before any frame showed them */
} Keystroke;

typedef struct
{
  GSource source;
  gint64  t_check;            /* when the last poll returned */
} LoopWatch;

typedef struct
{
  VbSearchPage  *page;
  GListModel    *results;
  GtkWidget     *entry;
  GtkIMContext  *im;            /* the entry's input method: a key press commits through it */
  GArray        *keys;          /* Keystroke, the timed ones */
  gboolean       timing;
  guint          current;       /* index of the keystroke waiting for its results, or NONE */
  guint          previous;      /* the keystroke before it, while its search may still land */
  guint          awaiting;      /* index of the keystroke whose results wait for a frame */
  GtkWidget     *first_row;     /* the row of its first result */
  gint64         t_emit;        /* the last items-changed on the results, before handlers */
  gint64         next_due;      /* when the next keystroke is due */
  guint          paints;        /* after-paint count */
  gint64         frame_start;   /* before-paint of the frame being painted */
  gint64         phase_end;     /* the end of the frame's last phase so far */
  GArray        *layout_us;     /* gint64: the layout phase of each timed frame */
  GArray        *paint_us;      /* gint64: its paint phase (snapshot and render) */
  gint64         compute_start; /* the toplevel's compute-size began */
  GArray        *compute_in_frame_us;  /* gint64: compute-size in a frame's layout phase */
  GArray        *compute_outside_us;   /* gint64: compute-size outside any frame */
  GArray        *frame_us;      /* gint64: before-paint to after-paint of each timed frame */
  /* The UI thread: time from the end of one poll to the start of the next. */
  gint64         busy_max;
  gint64         busy_max_results;  /* in iterations that applied results */
  gint64         busy_max_paint;    /* in iterations that painted a frame */
  gint64         busy_max_clear;    /* in iterations that cleared the entry between queries */
  guint          busy_over_frame;   /* iterations longer than one frame */
  guint          iterations;
  gboolean       iter_results;
  gboolean       iter_paint;
  gboolean       iter_clear;
} Bench;

static Bench b = { .current = NONE, .previous = NONE, .awaiting = NONE };

/* Options */
static char *opt_db;
static char *opt_import;
static char *opt_queries;
static int opt_n = 300;
static int opt_warmup = 5;
static int opt_gap = 60;
static int opt_width = 1280;
static int opt_height = 800;
static int opt_slowest = 10;
static gboolean opt_trace;

static GOptionEntry entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, "Content database (an existing one)", "FILE" },
  { "import", 0, 0, G_OPTION_ARG_FILENAME, &opt_import,
    "Import this content bundle into a new database FILE first", "BUNDLE" },
  { "queries", 0, 0, G_OPTION_ARG_FILENAME, &opt_queries,
    "Queries, one per line (a trailing space is typed too)", "FILE" },
  { "n", 'n', 0, G_OPTION_ARG_INT, &opt_n, "Queries to type and time (300)", "N" },
  { "warmup", 0, 0, G_OPTION_ARG_INT, &opt_warmup, "Queries typed untimed first (5)", "N" },
  { "gap", 0, 0, G_OPTION_ARG_INT, &opt_gap, "Milliseconds between keystrokes (60)", "MS" },
  { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, "Window width (1280)", "PX" },
  { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, "Window height (800)", "PX" },
  { "slowest", 0, 0, G_OPTION_ARG_INT, &opt_slowest, "List the N slowest keystrokes (10)", "N" },
  { "trace", 0, 0, G_OPTION_ARG_NONE, &opt_trace,
    "Print every keystroke, search, result set, frame and long main-loop iteration on stderr",
    NULL },
  { NULL },
};

static inline gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* --trace: one line per event, milliseconds on the monotonic clock. */
static void G_GNUC_PRINTF (1, 2)
trace (const char *format,
       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (!opt_trace)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("%12.3f %s\n", now_us () / 1000.0, message);
}

static void
add_us (GArray *a,
        gint64  us)
{
  g_array_append_val (a, us);
}

static GArray *
new_times (void)
{
  return g_array_new (FALSE, FALSE, sizeof (gint64));
}

static Keystroke *
key_at (guint i)
{
  return i == NONE ? NULL : &g_array_index (b.keys, Keystroke, i);
}

/* ---- the UI thread ---- */

static gboolean
watch_prepare (GSource *source,
               int     *timeout)
{
  LoopWatch *w = (LoopWatch *) source;

  if (w->t_check != 0 && b.timing)
    {
      gint64 busy = now_us () - w->t_check;

      b.iterations++;
      if (busy > 3000)
        trace ("  busy %.3f ms since %.3f%s%s", busy / 1000.0, w->t_check / 1000.0,
               b.iter_results ? ", applied results" : "", b.iter_paint ? ", painted" : "");
      b.busy_max = MAX (b.busy_max, busy);
      if (b.iter_results)
        b.busy_max_results = MAX (b.busy_max_results, busy);
      if (b.iter_paint)
        b.busy_max_paint = MAX (b.busy_max_paint, busy);
      if (b.iter_clear)
        b.busy_max_clear = MAX (b.busy_max_clear, busy);
      if (busy > FRAME_US)
        b.busy_over_frame++;
    }
  w->t_check = 0;
  b.iter_results = b.iter_paint = b.iter_clear = FALSE;
  *timeout = -1;
  return FALSE;
}

static gboolean
watch_check (GSource *source)
{
  ((LoopWatch *) source)->t_check = now_us ();
  return FALSE;
}

static GSourceFuncs watch_funcs = { watch_prepare, watch_check, NULL, NULL, NULL, NULL };

/* ---- the results and the frames ---- */

static GtkWidget *
find_row (GtkWidget *widget,
          gpointer   hit)
{
  if (VB_IS_RESULT_ROW (widget) && vb_result_row_get_hit (VB_RESULT_ROW (widget)) == hit)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, hit);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The input method context of the entry's text: a key press ends in its "commit". */
static GtkIMContext *
find_im_context (GtkWidget *text)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (text);
  GtkIMContext *im = NULL;

  for (guint i = 0; im == NULL && i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        im = gtk_event_controller_key_get_im_context (GTK_EVENT_CONTROLLER_KEY (controller));
    }
  return im;
}

/* Runs before every handler of items-changed, so before the list box makes its rows. */
static gboolean
items_changed_hook (GSignalInvocationHint *hint,
                    guint                  n_params,
                    const GValue          *params,
                    gpointer               data)
{
  if (g_value_get_object (&params[0]) == (gpointer) b.results)
    b.t_emit = now_us ();
  return TRUE;
}

static void
forget_awaiting (void)
{
  Keystroke *k = key_at (b.awaiting);

  if (k != NULL && !k->painted)
    k->replaced = TRUE;
  b.awaiting = NONE;
  g_clear_object (&b.first_row);
}

/* Connected after the list box's own handler: the rows exist now. */
static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  gint64 now = now_us ();
  Keystroke *k;
  guint index;

  b.iter_results = TRUE;
  trace ("items-changed at %u: -%u +%u", position, removed, added);
  forget_awaiting ();

  /* A search lands after the next keystroke was typed but before that keystroke's search
   * started (the entry starts it from a zero-delay timeout): it is the previous one's. */
  k = key_at (b.current);
  if (k != NULL && !k->started && key_at (b.previous) != NULL)
    index = b.previous;
  else
    index = b.current;
  k = key_at (index);
  if (k == NULL)
    {
      if (b.current == NONE && b.previous == NONE)
        b.iter_clear = TRUE;  /* the entry was cleared between queries */
      return;
    }

  k->state = KEY_DONE;
  k->t_results = b.t_emit != 0 ? b.t_emit : now;
  k->t_rows = now;
  k->paints_at_results = b.paints;
  k->n_results = g_list_model_get_n_items (model);
  if (index == b.current)
    b.current = NONE;
  else
    b.previous = NONE;
  b.awaiting = index;
  if (k->n_results > 0)
    {
      g_autoptr(GObject) hit = g_list_model_get_item (model, 0);
      GtkWidget *row = find_row (GTK_WIDGET (b.page), hit);

      if (row != NULL)
        b.first_row = g_object_ref (row);
    }
}

/* The entry started the search for the text now in it, and cancelled the one before. */
static void
on_search_changed (GtkSearchEntry *entry,
                   gpointer        data)
{
  Keystroke *k = key_at (b.current);
  Keystroke *prev = key_at (b.previous);

  trace ("search-changed \"%s\"", gtk_editable_get_text (GTK_EDITABLE (entry)));
  if (k != NULL)
    k->started = TRUE;
  if (prev != NULL && prev->state == KEY_PENDING)
    prev->state = KEY_SUPERSEDED;
  b.previous = NONE;
}

static gboolean
results_shown (Keystroke *k)
{
  const char *state = vb_search_page_get_state (b.page);

  if (k->n_results == 0)
    return g_strcmp0 (state, "empty") == 0;
  return b.first_row != NULL && g_strcmp0 (state, "results") == 0 &&
         gtk_widget_get_mapped (b.first_row) && gtk_widget_get_width (b.first_row) > 0 &&
         gtk_widget_get_height (b.first_row) > 0;
}

/* Connected after GTK's own handlers, so this is the end of that phase's work. */
static void
on_phase (GdkFrameClock *clock,
          gpointer       data)
{
  gint64 now = now_us ();
  const char *phase = data;

  trace ("    %s done", phase);
  if (b.timing && b.phase_end != 0 && g_str_equal (phase, "layout"))
    add_us (b.layout_us, now - b.phase_end);
  else if (b.timing && b.phase_end != 0 && g_str_equal (phase, "paint"))
    add_us (b.paint_us, now - b.phase_end);
  b.phase_end = now;
}

/* The window measures its whole content to tell the windowing system its size limits. */
static gboolean
compute_size_hook (GSignalInvocationHint *hint,
                   guint                  n_params,
                   const GValue          *params,
                   gpointer               data)
{
  b.compute_start = now_us ();
  return TRUE;
}

static void
on_compute_size (GdkToplevel     *toplevel,
                 GdkToplevelSize *size,
                 gpointer         data)
{
  gint64 us = now_us () - b.compute_start;

  trace ("  compute-size %.3f ms%s", us / 1000.0, b.frame_start != 0 ? " (in a frame)" : "");
  if (b.timing && b.compute_start != 0)
    add_us (b.frame_start != 0 ? b.compute_in_frame_us : b.compute_outside_us, us);
  b.compute_start = 0;
}

static void
on_before_paint (GdkFrameClock *clock,
                 gpointer       data)
{
  b.frame_start = b.phase_end = now_us ();
}

/* A frame was painted. A row that is mapped and allocated now was laid out in this frame
 * and drawn in its snapshot. */
static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  gint64 now = now_us ();
  Keystroke *k = key_at (b.awaiting);

  b.paints++;
  b.iter_paint = TRUE;
  trace ("frame %u painted, %.3f ms since before-paint", b.paints,
         b.frame_start != 0 ? (now - b.frame_start) / 1000.0 : -1.0);
  if (b.timing && b.frame_start != 0)
    {
      gint64 us = now - b.frame_start;

      g_array_append_val (b.frame_us, us);
    }
  if (k != NULL && results_shown (k))
    {
      k->painted = TRUE;
      k->t_painted = now;
      k->paints_at_painted = b.paints;
      k->frame_us = b.frame_start != 0 ? now - b.frame_start : 0;
      b.awaiting = NONE;
      g_clear_object (&b.first_row);
    }
  b.frame_start = b.phase_end = 0;
}

/* ---- driving the main loop ---- */

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for ms milliseconds. */
static void
run_for (int ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef gboolean (*Predicate) (gpointer data);

/* Runs the main loop until predicate holds or ms milliseconds passed. */
static gboolean
run_until (Predicate predicate,
           gpointer  data,
           int       ms)
{
  gboolean timeout = FALSE;
  guint id = g_timeout_add (ms, set_flag, &timeout);

  while (!predicate (data) && !timeout)
    g_main_context_iteration (NULL, TRUE);
  if (!timeout)
    g_source_remove (id);
  return predicate (data);
}

static gboolean
key_settled (gpointer data)
{
  Keystroke *k = key_at (GPOINTER_TO_UINT (data));

  return k->state != KEY_PENDING && (k->state != KEY_DONE || k->painted || k->replaced);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
is_ready (gpointer data)
{
  return vb_context_is_ready (data) || vb_context_get_error (data) != NULL;
}

static gboolean
shows_start (gpointer data)
{
  return g_strcmp0 (vb_search_page_get_state (data), "start") == 0;
}

static gboolean
painted_frames (gpointer data)
{
  return b.paints >= GPOINTER_TO_UINT (data);
}

static void
type_query (const char *query,
            gboolean    timed)
{
  const char *p = query;
  const char *previous = query;

  vb_search_page_focus_entry (b.page);
  while (*p != '\0')
    {
      Keystroke k = { 0 };
      guint index = NONE;

      p = g_utf8_next_char (p);
      if (timed)
        {
          k.text = g_strndup (query, p - query);
          k.last = *p == '\0';
          k.state = KEY_PENDING;
          k.paints_at_key = b.paints;
          g_array_append_val (b.keys, k);
          index = b.keys->len - 1;
        }
      /* A search still running is cancelled when this keystroke's search starts. */
      b.previous = b.current;
      b.current = index;
      if (timed)
        {
          key_at (index)->t_key = now_us ();
          key_at (index)->t_due = b.next_due != 0 ? b.next_due : key_at (index)->t_key;
        }
      {
        g_autofree char *typed = g_strndup (previous, p - previous);

        /* What GtkText does for a key press once the input method has turned it into text:
         * gtk_text_commit_cb() inserts it at the cursor. */
        trace ("key \"%s\"%s", typed, timed ? "" : " (warm-up)");
        g_signal_emit_by_name (b.im, "commit", typed);
      }
      previous = p;
      /* The main loop may be busy when the next key is due: that wait is measured too. */
      b.next_due = now_us () + opt_gap * 1000;
      if (*p != '\0' || !timed)
        run_for (opt_gap);
      else
        {
          /* The last keystroke: wait for its results and the frame that shows them. */
          if (!run_until (key_settled, GUINT_TO_POINTER (index), 5000))
            {
              if (key_at (index)->state == KEY_PENDING)
                key_at (index)->state = KEY_LOST;
            }
          run_for (opt_gap);
        }
    }
  /* Results that never came within the time allowed. */
  if (key_at (b.current) != NULL && key_at (b.current)->state == KEY_PENDING)
    key_at (b.current)->state = KEY_LOST;
  if (key_at (b.previous) != NULL && key_at (b.previous)->state == KEY_PENDING)
    key_at (b.previous)->state = KEY_SUPERSEDED;
  b.current = b.previous = NONE;
  b.next_due = 0;
  /* The agent clears the entry before the next caller's question. */
  vb_search_page_set_text (b.page, "");
  run_for (2 * opt_gap);
}

/* ---- set-up ---- */

static void
on_context_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!vb_context_open_finish (VB_CONTEXT (source), result, &error))
    g_printerr ("vb-ui-bench: %s\n", error->message);
}

static void
remove_db (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (p) != 0 && errno != ENOENT)
        g_printerr ("Cannot remove %s: %s\n", p, g_strerror (errno));
    }
}

static gboolean
import_bundle (const char  *db,
               const char  *bundle,
               GError     **error)
{
  g_autoptr(VbStore) store = NULL;
  g_autoptr(VbImporter) importer = NULL;
  gint64 start = now_us ();

  remove_db (db);
  if ((store = vb_store_open (db, error)) == NULL)
    return FALSE;
  importer = vb_importer_new (store);
  if (!vb_importer_import_file (importer, bundle, error) ||
      !vb_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", error))
    return FALSE;
  g_print ("Imported %u items into %s in %.1f s\n", vb_importer_get_imported (importer), db,
           (now_us () - start) / (double) G_USEC_PER_SEC);
  return TRUE;
}

/* Refuses a missing or empty database: the window would import the demo content into it. */
static gint64
count_items (const char  *db,
             GError     **error)
{
  g_autoptr(VbStore) store = NULL;

  if (!g_file_test (db, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "%s does not exist (import a bundle with --import)", db);
      return -1;
    }
  if ((store = vb_store_open (db, error)) == NULL)
    return -1;
  return vb_store_count_items (store, -1);
}

static GPtrArray *
read_queries (const char  *path,
              GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *queries;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  queries = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (len > 0 && g_utf8_validate (line, -1, NULL))
        g_ptr_array_add (queries, g_strdup (line));  /* keep a trailing space */
    }
  return queries;
}

/* VmHWM or VmRSS of this process in kB, from /proc/self/status. */
static gint64
status_kb (const char *field)
{
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return -1;
  for (line = contents; line != NULL; line = strchr (line, '\n'))
    {
      if (*line == '\n')
        line++;
      if (g_str_has_prefix (line, field) && line[strlen (field)] == ':')
        return g_ascii_strtoll (line + strlen (field) + 1, NULL, 10);
    }
  return -1;
}

/* ---- the report ---- */

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted microseconds, in milliseconds. */
static double
percentile (GArray *sorted,
            double  p)
{
  guint rank;

  if (sorted->len == 0)
    return 0;
  rank = (guint) ((p / 100.0) * sorted->len + 0.999999);
  rank = CLAMP (rank, 1, sorted->len);
  return g_array_index (sorted, gint64, rank - 1) / 1000.0;
}

static int
compare_results_desc (gconstpointer a,
                      gconstpointer b_)
{
  const Keystroke *x = *(Keystroke * const *) a, *y = *(Keystroke * const *) b_;
  gint64 dx = x->t_results - x->t_key, dy = y->t_results - y->t_key;

  return dx > dy ? -1 : dx < dy;
}

/* Sorts the times and prints "p50 … p90 … p99 … max …" in milliseconds. */
static void
print_times (const char *what,
             GArray     *times)
{
  g_array_sort (times, compare_int64);
  g_print ("  %-36s p50 %8.3f  p90 %8.3f  p99 %8.3f  max %8.3f  (%u)\n", what,
           percentile (times, 50), percentile (times, 90), percentile (times, 99),
           percentile (times, 100), times->len);
}

/* Appends "NAME_p50_ms": …, "NAME_p99_ms": …, "NAME_max_ms": … to the JSON being written. */
static void
json_times (GString    *json,
            const char *name,
            GArray     *sorted)
{
  char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE], b3[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (json, ", \"%s_p50_ms\": %s, \"%s_p99_ms\": %s, \"%s_max_ms\": %s",
                          name, g_ascii_formatd (b1, sizeof b1, "%.3f", percentile (sorted, 50)),
                          name, g_ascii_formatd (b2, sizeof b2, "%.3f", percentile (sorted, 99)),
                          name, g_ascii_formatd (b3, sizeof b3, "%.3f", percentile (sorted, 100)));
}

static void
json_number (GString    *json,
             const char *name,
             double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (json, ", \"%s\": %s", name,
                          g_ascii_formatd (buf, sizeof buf, "%.3f", value));
}

static double
load_average (void)
{
  g_autofree char *loadavg = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    return -1;
  return g_ascii_strtod (loadavg, NULL);
}

static void
report (gint64 n_items,
        guint  n_queries,
        double load_before)
{
  g_autoptr(GArray) results = new_times ();
  g_autoptr(GArray) results_last = new_times ();
  g_autoptr(GArray) results_all = new_times ();
  g_autoptr(GArray) waits = new_times ();
  g_autoptr(GArray) results_due = new_times ();
  g_autoptr(GArray) rows = new_times ();
  g_autoptr(GArray) rows_to_paint = new_times ();
  g_autoptr(GArray) showing_frame = new_times ();
  g_autoptr(GArray) paint = new_times ();
  g_autoptr(GArray) lag = new_times ();
  g_autoptr(GPtrArray) done = g_ptr_array_new ();
  g_autoptr(GString) json = g_string_new (NULL);
  guint lag_hist[4] = { 0 };          /* the 1st, 2nd, 3rd, 4th or later frame */
  guint key_frames_hist[5] = { 0 };   /* frames from keystroke to showing: 1..4, 5+ */
  guint n_done = 0, n_superseded = 0, n_lost = 0, n_replaced = 0, n_empty = 0;
  gint64 hwm = status_kb ("VmHWM"), rss = status_kb ("VmRSS");
  double load_after = load_average ();
  const char *renderer = g_getenv ("GSK_RENDERER");
  const char *a11y = g_getenv ("GTK_A11Y");
  double all_p99;

  for (guint i = 0; i < b.keys->len; i++)
    {
      Keystroke *k = key_at (i);

      add_us (waits, MAX (k->t_key - k->t_due, 0));
      switch (k->state)
        {
        case KEY_DONE:
          n_done++;
          add_us (results, k->t_results - k->t_key);
          add_us (results_all, k->t_results - k->t_key);
          add_us (results_due, k->t_results - MIN (k->t_due, k->t_key));
          add_us (rows, k->t_rows - k->t_results);
          if (k->last)
            add_us (results_last, k->t_results - k->t_key);
          if (k->n_results == 0)
            n_empty++;
          g_ptr_array_add (done, k);
          if (k->painted)
            {
              guint l = k->paints_at_painted - k->paints_at_results;
              guint f = k->paints_at_painted - k->paints_at_key;

              add_us (paint, k->t_painted - k->t_key);
              add_us (rows_to_paint, k->t_painted - k->t_rows);
              add_us (showing_frame, k->frame_us);
              add_us (lag, l);
              lag_hist[CLAMP (l, 1, 4) - 1]++;
              key_frames_hist[CLAMP (f, 1, 5) - 1]++;
            }
          else
            n_replaced++;
          break;
        case KEY_SUPERSEDED:
          n_superseded++;
          /* It did not come before the next keystroke: count it as slower than any that did. */
          add_us (results_all, G_MAXINT64);
          break;
        case KEY_LOST:
        case KEY_PENDING:
          n_lost++;
          break;
        }
    }
  g_ptr_array_sort (done, compare_results_desc);

  g_print ("\n%" G_GINT64_FORMAT " items, %u queries typed, %u keystrokes %d ms apart, "
           "window %dx%d, GSK_RENDERER=%s, GTK_A11Y=%s\n",
           n_items, n_queries, b.keys->len, opt_gap, opt_width, opt_height,
           renderer != NULL ? renderer : "(default)", a11y != NULL ? a11y : "(default)");
  g_print ("Load average %.2f before, %.2f after: on 2 cores, other work on the machine "
           "shows in every figure\n", load_before, load_after);

  g_print ("\nKeystroke to results in the list model (key to items-changed), ms:\n");
  print_times ("completed keystrokes", results);
  print_times ("last keystroke of each query", results_last);
  g_array_sort (results_all, compare_int64);
  all_p99 = percentile (results_all, 99);
  if (all_p99 > 1e12)
    g_print ("  %-36s p99 over %d ms: more than 1%% were superseded\n",
             "all, superseded ones as slowest", opt_gap);
  else
    g_print ("  %-36s p99 %8.3f\n", "all, superseded ones as slowest", all_p99);
  g_print ("  %u completed, %u superseded (the next key came first and cancelled the search),\n"
           "  %u never changed the list, %u found nothing\n",
           n_done, n_superseded, n_lost, n_empty);
  print_times ("key due to key handled (UI busy)", waits);
  print_times ("key due to results (what is felt)", results_due);

  g_print ("Main thread after the results came, ms:\n");
  print_times ("list box made the rows", rows);
  print_times ("rows made to frame showing them", rows_to_paint);
  print_times ("that frame (before- to after-paint)", showing_frame);
  g_print ("Keystroke to the end of the first frame showing its results, ms:\n");
  print_times ("key to painted", paint);

  g_array_sort (lag, compare_int64);
  g_print ("Frames: counted from the results' arrival, the first frame showing them was\n"
           "  the 1st: %u   2nd: %u   3rd: %u   4th or later: %u   never (replaced first): %u\n"
           "  p99: frame %.0f after the results (1: the very next frame)\n",
           lag_hist[0], lag_hist[1], lag_hist[2], lag_hist[3], n_replaced,
           percentile (lag, 99) * 1000);
  g_print ("  frames painted from the keystroke to the one showing its results: 1: %u  2: %u  "
           "3: %u  4: %u  5+: %u\n", key_frames_hist[0], key_frames_hist[1], key_frames_hist[2],
           key_frames_hist[3], key_frames_hist[4]);

  g_print ("UI thread while typing (end of one poll to the start of the next), ms:\n"
           "  longest %.3f: in iterations that applied results %.3f, painted a frame %.3f,\n"
           "  cleared the entry %.3f; %u of %u iterations over one frame (16.7 ms)\n",
           b.busy_max / 1000.0, b.busy_max_results / 1000.0, b.busy_max_paint / 1000.0,
           b.busy_max_clear / 1000.0, b.busy_over_frame, b.iterations);
  print_times ("all frames (before- to after-paint)", b.frame_us);
  print_times ("  their layout phase", b.layout_us);
  print_times ("  their paint phase", b.paint_us);
  print_times ("window compute-size, in frames", b.compute_in_frame_us);
  print_times ("window compute-size, outside frames", b.compute_outside_us);
  g_print ("Memory after typing: VmHWM %.1f MB, VmRSS %.1f MB\n", hwm / 1024.0, rss / 1024.0);

  if (opt_slowest > 0 && done->len > 0)
    {
      g_print ("Slowest keystrokes (ms: key to results, rows made, key to painted):\n");
      for (guint i = 0; i < done->len && i < (guint) opt_slowest; i++)
        {
          Keystroke *k = g_ptr_array_index (done, i);

          g_print ("  %8.3f %8.3f %8.3f  %3u results  \"%s\"\n",
                   (k->t_results - k->t_key) / 1000.0, (k->t_rows - k->t_results) / 1000.0,
                   k->painted ? (k->t_painted - k->t_key) / 1000.0 : -1.0, k->n_results,
                   k->text);
        }
    }

  /* One JSON line for scripts; numbers in the C locale. */
  g_string_append_printf (json, "{\"bench\": \"ui\", \"items\": %" G_GINT64_FORMAT ", "
                          "\"queries\": %u, \"keystrokes\": %u, \"gap_ms\": %d, "
                          "\"completed\": %u, \"superseded\": %u, \"no_change\": %u",
                          n_items, n_queries, b.keys->len, opt_gap, n_done, n_superseded,
                          n_lost);
  json_times (json, "results", results);
  json_times (json, "results_last", results_last);
  json_times (json, "wait", waits);
  json_times (json, "results_due", results_due);
  json_times (json, "rows", rows);
  json_times (json, "rows_to_paint", rows_to_paint);
  json_times (json, "paint", paint);
  g_string_append_printf (json, ", \"lag_frames\": [%u, %u, %u, %u], \"lag_p99_frames\": %.0f, "
                          "\"never_painted\": %u",
                          lag_hist[0], lag_hist[1], lag_hist[2], lag_hist[3],
                          percentile (lag, 99) * 1000, n_replaced);
  json_number (json, "busy_max_ms", b.busy_max / 1000.0);
  json_number (json, "busy_max_results_ms", b.busy_max_results / 1000.0);
  json_number (json, "busy_max_paint_ms", b.busy_max_paint / 1000.0);
  g_string_append_printf (json, ", \"busy_over_frame\": %u, \"iterations\": %u",
                          b.busy_over_frame, b.iterations);
  json_times (json, "frame", b.frame_us);
  json_times (json, "layout", b.layout_us);
  json_times (json, "paint_phase", b.paint_us);
  json_times (json, "compute_size_in_frame", b.compute_in_frame_us);
  json_times (json, "compute_size_outside", b.compute_outside_us);
  json_number (json, "vmhwm_mb", hwm / 1024.0);
  json_number (json, "vmrss_mb", rss / 1024.0);
  json_number (json, "load_before", load_before);
  json_number (json, "load_after", load_after);
  g_string_append (json, "}");
  g_print ("%s\n", json->str);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = g_option_context_new ("- time typing into the window");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(VbContext) context = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *schemas;
  GdkFrameClock *clock;
  VbWindow *window;
  GSource *watch;
  gint64 n_items;
  double load_before = 0;
  guint typed = 0;

  setlocale (LC_ALL, "");
  if (!g_get_charset (NULL))
    setlocale (LC_CTYPE, "C.UTF-8");
  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_summary (options,
    "Builds the real window over a content database and types each query into the search\n"
    "page one character at a time. Prints how long each keystroke takes to reach the\n"
    "result list, in which frame the results are first painted, and how long the UI thread\n"
    "blocks. Set GSETTINGS_SCHEMA_DIR to the build's data folder; bench/run does.");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_db == NULL || opt_queries == NULL)
    {
      g_printerr ("Usage: vb-ui-bench --db FILE [--import BUNDLE] --queries FILE [--n 300]\n");
      return 2;
    }
  opt_gap = MAX (opt_gap, 1);

  if ((queries = read_queries (opt_queries, &error)) == NULL)
    goto fail;
  if (queries->len == 0)
    {
      g_printerr ("vb-ui-bench: no queries in %s\n", opt_queries);
      return 1;
    }
  if (opt_import != NULL && !import_bundle (opt_db, opt_import, &error))
    goto fail;
  if ((n_items = count_items (opt_db, &error)) < 0)
    goto fail;
  if (n_items == 0)
    {
      g_printerr ("vb-ui-bench: %s holds no items; the window would import the demo content\n",
                  opt_db);
      return 1;
    }
  if (opt_n <= 0)
    return 0;  /* --import alone: no window */

  schemas = g_settings_schema_source_get_default ();
  if (schemas == NULL || (schema = g_settings_schema_source_lookup (schemas, APP_ID, TRUE)) == NULL)
    {
      g_printerr ("vb-ui-bench: no settings schema %s; set GSETTINGS_SCHEMA_DIR to the build's "
                  "data folder (and GSETTINGS_BACKEND=memory)\n", APP_ID);
      return 1;
    }
  if (!gtk_init_check ())
    {
      g_printerr ("vb-ui-bench: cannot open a display (run it under xvfb-run)\n");
      return 1;
    }
  adw_init ();
  {
    /* What AdwApplication loads for the real application. */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/nl/vraagbaak/Vraagbaak/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  settings = g_settings_new (APP_ID);
  context = vb_context_new (opt_db, settings);
  vb_context_open_async (context, NULL, on_context_opened, NULL);
  if (!run_until (is_ready, context, 120000) || !vb_context_is_ready (context))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot open %s: %s", opt_db,
                   vb_context_get_error (context) ? vb_context_get_error (context) : "timeout");
      goto fail;
    }
  n_items = vb_context_get_n_items (context);

  window = vb_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), opt_width, opt_height);
  gtk_window_present (GTK_WINDOW (window));
  if (!run_until (is_mapped, window, 10000))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "the window was never mapped");
      goto fail;
    }
  b.page = VB_SEARCH_PAGE (vb_window_get_search_page (window));
  b.results = vb_search_page_get_results (b.page);
  b.entry = find_widget (GTK_WIDGET (b.page), GTK_TYPE_SEARCH_ENTRY);
  if (b.entry == NULL || find_widget (b.entry, GTK_TYPE_TEXT) == NULL ||
      (b.im = find_im_context (find_widget (b.entry, GTK_TYPE_TEXT))) == NULL)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "no search entry with an input method in the search page");
      goto fail;
    }
  b.keys = g_array_new (FALSE, TRUE, sizeof (Keystroke));
  b.frame_us = new_times ();
  b.layout_us = new_times ();
  b.paint_us = new_times ();
  b.compute_in_frame_us = new_times ();
  b.compute_outside_us = new_times ();

  /* After the page's own handlers, which start the search and make the rows. */
  g_signal_connect (b.entry, "search-changed", G_CALLBACK (on_search_changed), NULL);
  g_signal_connect (b.results, "items-changed", G_CALLBACK (on_items_changed), NULL);
  g_signal_add_emission_hook (g_signal_lookup ("items-changed", G_TYPE_LIST_MODEL), 0,
                              items_changed_hook, NULL, NULL);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  g_signal_connect (clock, "update", G_CALLBACK (on_phase), (gpointer) "update");
  g_signal_connect (clock, "layout", G_CALLBACK (on_phase), (gpointer) "layout");
  g_signal_connect (clock, "paint", G_CALLBACK (on_phase), (gpointer) "paint");
  g_signal_add_emission_hook (g_signal_lookup ("compute-size", GDK_TYPE_TOPLEVEL), 0,
                              compute_size_hook, NULL, NULL);
  g_signal_connect (gtk_native_get_surface (GTK_NATIVE (window)), "compute-size",
                    G_CALLBACK (on_compute_size), NULL);
  watch = g_source_new (&watch_funcs, sizeof (LoopWatch));
  g_source_set_priority (watch, G_PRIORITY_HIGH - 1000);  /* prepared and checked first */
  g_source_set_name (watch, "vb-ui-bench loop watch");
  g_source_attach (watch, NULL);

  /* Let the start page settle: notices, departments, a few frames. */
  run_until (shows_start, b.page, 10000);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  run_until (painted_frames, GUINT_TO_POINTER (b.paints + 3), 2000);
  run_for (500);

  load_before = load_average ();

  /* Warm up on the last queries of the file, then time the first ones. */
  for (int i = 0; i < opt_warmup; i++)
    type_query (g_ptr_array_index (queries, queries->len - 1 - (guint) i % queries->len), FALSE);
  b.timing = TRUE;
  for (guint i = 0; i < queries->len && i < (guint) opt_n; i++, typed++)
    type_query (g_ptr_array_index (queries, i), TRUE);
  b.timing = FALSE;

  report (n_items, typed, load_before);

  g_source_destroy (watch);
  g_source_unref (watch);
  g_signal_handlers_disconnect_by_func (clock, on_before_paint, NULL);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, NULL);
  g_signal_handlers_disconnect_by_func (b.results, on_items_changed, NULL);
  g_clear_object (&b.first_row);
  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < b.keys->len; i++)
    g_free (key_at (i)->text);
  g_array_unref (b.keys);
  g_array_unref (b.frame_us);
  g_array_unref (b.layout_us);
  g_array_unref (b.paint_us);
  g_array_unref (b.compute_in_frame_us);
  g_array_unref (b.compute_outside_us);
  return 0;

fail:
  g_printerr ("vb-ui-bench: %s\n", error != NULL ? error->message : "failed");
  return 1;
}
