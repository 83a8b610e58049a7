/* vb-stats-page.c: the statistics of the contact log for a period
 *
 * A period (today, this week or this month so far, or two dates), the headline figures with
 * their change against the period just before, four charts with the same numbers in a table
 * under each (the charts' text alternative, reachable with the keyboard), and the tables an
 * editor or a supervisor acts on: most used answers, answers never used, frequent searches,
 * content gaps and outcomes per afdeling. The figures are computed on worker threads by the
 * engine (docs/statistics.md); a new period or leaving the page cancels a computation.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "vb-a11y.h"
#include "vb-chart.h"
#include "vb-contact-lists.h"
#include "vb-format.h"
#include "vb-stats-csv.h"
#include "vb-stats-page.h"
#include "vb-stats.h"
#include "vb-sync-status.h"

enum {
  PERIOD_TODAY,
  PERIOD_WEEK,
  PERIOD_MONTH,
  PERIOD_CUSTOM,
};

/* The headline figures, by their member in the JSON. */
static const struct {
  const char *member;
  const char *title;
} figure_info[] = {
  { "contacts", N_("Contacts") },
  { "kcc_share", N_("Handled by the KCC, per contact") },
  { "kcc_share_questions", N_("Handled by the KCC, per question") },
  { "handling_time_avg_s", N_("Average handling time") },
  { "handling_time_median_s", N_("Median handling time") },
  { "callbacks_open", N_("Open callbacks") },
  { "callbacks_overdue", N_("Overdue callbacks") },
};

enum {
  CHART_PER_DAY,
  CHART_PER_HOUR,
  CHART_PER_CHANNEL,
  CHART_FIRST_CONTACT,
  N_CHARTS
};

/* A chart: its internal name (the API's and the save action's), its title, the start of the
 * name of its PNG file (translated, as the CSV's), how it draws and its table's columns. The
 * per-day table counts contacts handled by the KCC; the first-contact table gives their share:
 * two strings, so that a translator sees which is which. */
static const struct {
  const char   *name;
  const char   *title;
  const char   *file_name;
  VbChartStyle  style;
  gboolean      percent;
  const char   *columns[4];
} chart_info[N_CHARTS] = {
  { "per-day", N_("Contacts per day"),
    /* Translators: the start of a saved chart's file name; no spaces */
    N_("contacts-per-day"),
    VB_CHART_BARS, FALSE,
    { N_("Day"), N_("Contacts"),
      /* Translators: a column of counts: how many contacts the KCC handled itself */
      N_("Handled by the KCC"),
      NULL } },
  { "per-hour", N_("Contacts per hour of the day"),
    /* Translators: the start of a saved chart's file name; no spaces */
    N_("contacts-per-hour"),
    VB_CHART_BARS, FALSE,
    { N_("Hour"), N_("Contacts"), NULL } },
  { "per-channel", N_("Contacts per channel"),
    /* Translators: the start of a saved chart's file name; no spaces */
    N_("contacts-per-channel"),
    VB_CHART_BARS, FALSE,
    { N_("Channel"), N_("Contacts"), NULL } },
  { "first-contact", N_("Share handled by the KCC per day"),
    /* Translators: the start of a saved chart's file name; no spaces */
    N_("share-handled-by-the-kcc"),
    VB_CHART_LINE, TRUE,
    { N_("Day"),
      /* Translators: a column of percentages: the share of a day's contacts the KCC handled */
      N_("Share handled by the KCC"),
      N_("Contacts"), NULL } },
};

enum {
  TABLE_ANSWERS,
  TABLE_UNUSED,
  TABLE_SEARCHES,
  TABLE_GAPS,
  TABLE_OUTCOMES,
  N_TABLES
};

static const struct {
  const char *title;
  const char *columns[5];
} table_info[N_TABLES] = {
  { N_("Most used answers"), { N_("Answer"), N_("Kind"), N_("Times used"), NULL } },
  { N_("Answers not used in this period"), { N_("Answer"), N_("Kind"), NULL } },
  { N_("Most frequent searches"), { N_("Query"), N_("Times"), NULL } },
  { N_("Content gaps: searches that found nothing or where nothing was opened"),
    { N_("Query"), N_("Times"), N_("Nothing found"), N_("Nothing opened"), NULL } },
  { N_("Outcomes per department"), { N_("Department"), N_("Outcome"), N_("Questions"), NULL } },
};

/* Long lists show this many rows; the CSV export has them all. */
#define MAX_ROWS 25

typedef struct
{
  GtkLabel  *value;
  GtkLabel  *delta;
  GtkWidget *card;
} Figure;

struct _VbStatsPage
{
  GtkWidget       parent_instance;

  VbContext      *context;
  VbContactLists *lists;
  GCancellable   *cancellable;       /* the computation in flight */
  GCancellable   *load_cancellable;  /* reading the content's items */
  GHashTable     *titles;            /* item id -> title (VACs and products) */
  GHashTable     *kinds;             /* item id -> VbItemKind + 1 */
  GPtrArray      *item_ids;          /* VACs and products, for the unused answers */
  gboolean        items_loaded;
  gboolean        items_loading;
  gboolean        busy;
  gboolean        disposed;
  JsonObject     *stats;
  char           *source;            /* where the shown figures come from */
  char           *pending_source;    /* what the computation in flight will be */
  GtkFileChooserNative *chooser;

  GtkWidget      *box;
  AdwWindowTitle *window_title;
  VbSyncStatus   *sync_status;
  GtkSpinner     *spinner;
  GtkDropDown    *period_drop;
  GtkCheckButton *compare_check;
  GtkRevealer    *custom_revealer;
  GtkEntry       *from_entry;
  GtkEntry       *to_entry;
  GtkLabel       *error_label;
  GtkLabel       *source_label;
  GtkFlowBox     *figures;
  GtkBox         *charts_box;
  GtkBox         *tables_box;

  Figure          figure[G_N_ELEMENTS (figure_info)];
  VbChart        *chart[N_CHARTS];
  GtkListBox     *chart_table[N_CHARTS];
  char           *chart_summary[N_CHARTS];
  GtkListBox     *table[N_TABLES];
};

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VbStatsPage, vb_stats_page, GTK_TYPE_WIDGET)

/* ---- numbers in words (vb-format.c) ---- */

static char *
format_duration (double seconds)
{
  gint64 s = (gint64) (seconds + 0.5);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", s / 60, (int) (s % 60));
}

static gboolean
member_is_number (JsonObject *obj,
                  const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) != G_TYPE_STRING;
}

static JsonObject *
object_member (JsonObject *obj,
               const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A figure as shown: counts, shares in percent, times as m:ss; “–” when there is none. */
static char *
format_figure (JsonObject *obj,
               const char *member)
{
  if (!member_is_number (obj, member))
    return g_strdup ("–");
  if (g_str_has_suffix (member, "_s"))
    return format_duration (json_object_get_double_member (obj, member));
  if (strstr (member, "share") != NULL)
    return vb_format_percent (json_object_get_double_member (obj, member));
  return vb_format_count (json_object_get_int_member (obj, member));
}

/* The change against the previous period, or NULL when the schema has no previous figure. */
static char *
format_delta (JsonObject *stats,
              const char *member)
{
  JsonObject *prev = object_member (stats, "previous");
  g_autofree char *before = NULL;
  g_autofree char *change = NULL;

  if (prev == NULL || !json_object_has_member (prev, member))
    return NULL;
  before = format_figure (prev, member);
  if (!member_is_number (stats, member) || !member_is_number (prev, member))
    /* Translators: the figure of the period before; %s is a number or a percentage */
    return g_strdup_printf (_("Previous period: %s"), before);
  if (strstr (member, "share") != NULL)
    {
      double diff = 100.0 * (json_object_get_double_member (stats, member) -
                             json_object_get_double_member (prev, member));
      g_autofree char *number = vb_format_decimal (fabs (diff));

      /* Translators: a change in percentage points, as in “+5,0 points”; %s is the sign and
       * the number */
      change = g_strdup_printf (_("%s%s points"), diff >= 0.05 ? "+" : diff <= -0.05 ? "−" : "±",
                                number);
    }
  else
    {
      gint64 diff = json_object_get_int_member (stats, member) -
                    json_object_get_int_member (prev, member);
      g_autofree char *number = vb_format_count (diff < 0 ? -diff : diff);

      change = g_strdup_printf ("%s%s", diff > 0 ? "+" : diff < 0 ? "−" : "±", number);
    }
  /* Translators: a figure's change, then its value in the period before, as in
   * “+3 (previous period: 1)” */
  return g_strdup_printf (_("%s (previous period: %s)"), change, before);
}

/* 2026-10-24 as 24-10-2026 (@short: 24-10). */
static char *
format_date (const char *iso,
             gboolean    short_form)
{
  int y, m, d;

  if (iso == NULL || sscanf (iso, "%d-%d-%d", &y, &m, &d) != 3)
    return g_strdup (iso != NULL ? iso : "");
  if (short_form)
    return g_strdup_printf ("%02d-%02d", d, m);
  return g_strdup_printf ("%02d-%02d-%04d", d, m, y);
}

/* ---- tables: a list of focusable rows, each read as “heading: value, …” ---- */

/* A table: the column headings above a list whose rows each hold one line of values. The
 * headings are not a row, so that every row takes keyboard focus (a screen reader reads a
 * row with its headings). Returns the list; its parent is the table to show. */
static GtkListBox *
table_new (const char        *name,
           const char *const *columns)
{
  GtkWidget *table = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GPtrArray *groups = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_strv_length ((char **) columns);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *label = gtk_label_new (_(columns[i]));

      g_ptr_array_add (groups, gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL));
      gtk_label_set_xalign (GTK_LABEL (label), i == 0 ? 0.0 : 1.0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, i == 0);
      gtk_widget_add_css_class (label, "heading");
      if (i > 0)
        gtk_size_group_add_widget (g_ptr_array_index (groups, i), label);
      gtk_box_append (GTK_BOX (header), label);
    }
  g_object_set_data_full (G_OBJECT (list), "vb-columns", g_strdupv ((char **) columns),
                          (GDestroyNotify) g_strfreev);
  g_object_set_data_full (G_OBJECT (list), "vb-size-groups", groups,
                          (GDestroyNotify) g_ptr_array_unref);
  /* The same margins as a row's cells (and a list's border), so the columns line up. */
  gtk_widget_set_margin_start (header, 13);
  gtk_widget_set_margin_end (header, 13);
  gtk_box_append (GTK_BOX (table), header);
  gtk_box_append (GTK_BOX (table), list);
  return GTK_LIST_BOX (list);
}

/* Adds a row; @cells has one text per column (NULL: empty). */
static void
table_add_row (GtkListBox        *list,
               const char *const *cells)
{
  const char *const *columns = g_object_get_data (G_OBJECT (list), "vb-columns");
  GPtrArray *groups = g_object_get_data (G_OBJECT (list), "vb-size-groups");
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autoptr(GString) spoken = g_string_new (NULL);

  for (guint i = 0; columns[i] != NULL; i++)
    {
      GtkWidget *label = gtk_label_new (cells[i] != NULL ? cells[i] : "");

      gtk_label_set_xalign (GTK_LABEL (label), i == 0 ? 0.0 : 1.0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_hexpand (label, i == 0);
      if (i > 0)
        {
          gtk_widget_add_css_class (label, "numeric");
          gtk_size_group_add_widget (g_ptr_array_index (groups, i), label);
        }
      gtk_box_append (GTK_BOX (box), label);
      if (cells[i] != NULL && *cells[i] != '\0')
        g_string_append_printf (spoken, "%s%s: %s", spoken->len > 0 ? ", " : "", _(columns[i]),
                                cells[i]);
    }
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  spoken->str, -1);
  gtk_list_box_append (list, row);
}

static void
table_add_note (GtkListBox *list,
                const char *text)
{
  const char *cells[5] = { text, NULL, NULL, NULL, NULL };

  table_add_row (list, cells);
}

static void
table_clear (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static GtkWidget *
heading_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-4");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  return label;
}

/* ---- filling the page from the figures ---- */

static void
update_figures (VbStatsPage *self)
{
  gboolean compare = gtk_check_button_get_active (self->compare_check);

  for (guint i = 0; i < G_N_ELEMENTS (figure_info); i++)
    {
      Figure *f = &self->figure[i];
      g_autofree char *value = self->stats ? format_figure (self->stats, figure_info[i].member)
                                           : g_strdup ("–");
      g_autofree char *delta = self->stats ? format_delta (self->stats, figure_info[i].member)
                                           : NULL;
      g_autofree char *spoken = NULL;

      gtk_label_set_label (f->value, value);
      gtk_label_set_label (f->delta, delta != NULL ? delta : "");
      gtk_widget_set_visible (GTK_WIDGET (f->delta), compare && delta != NULL);
      if (compare && delta != NULL)
        spoken = g_strdup_printf ("%s: %s. %s", _(figure_info[i].title), value, delta);
      else
        spoken = g_strdup_printf ("%s: %s", _(figure_info[i].title), value);
      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (f->card)),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
    }
}

static JsonArray *
array_member (JsonObject *obj,
              const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
string_member (JsonObject *obj,
               const char *member)
{
  return obj != NULL ? json_object_get_string_member_with_default (obj, member, NULL) : NULL;
}

/* The text alternative of a chart of counts: the total, and where the highest bar is (a
 * day, an hour or a channel: each its own sentence) with its value. */
static char *
summarize_counts (guint        which,
                  const char  *label,
                  double       total,
                  double       highest)
{
  g_autofree char *sum = vb_format_count ((gint64) total);
  g_autofree char *value = vb_format_count ((gint64) highest);

  switch (which)
    {
    case CHART_PER_HOUR:
      {
        guint64 hour = g_ascii_strtoull (label, NULL, 10);
        g_autofree char *end = g_strdup_printf ("%02u", (guint) ((hour + 1) % 24));

        /* Translators: the text alternative of the chart per hour: the total number of
         * contacts, the hour with the most (its first and its last hour, as in “between 09:00
         * and 10:00”) and how many that hour had */
        return g_strdup_printf (_("%s in total; the most between %s:00 and %s:00 (%s). The "
                                  "numbers are in the table below."), sum, label, end, value);
      }
    case CHART_PER_CHANNEL:
      /* Translators: the text alternative of the chart per channel: the total number of
       * contacts, the channel with the most (as in “Telephone”) and how many it had */
      return g_strdup_printf (_("%s in total; most by %s (%s). The numbers are in the table "
                                "below."), sum, label, value);
    case CHART_PER_DAY:
    default:
      /* Translators: the text alternative of the chart per day: the total number of contacts,
       * the day with the most (a date) and how many it had */
      return g_strdup_printf (_("%s in total; the most on %s (%s). The numbers are in the "
                                "table below."), sum, label, value);
    }
}

/* Gives a chart its values and a text summary: the total and the highest. @labels are what
 * the chart writes under its bars; @spoken_labels (NULL: the same) what the summary says. */
static void
set_chart (VbStatsPage       *self,
           guint              which,
           const char *const *labels,
           const char *const *spoken_labels,
           const double      *values,
           guint              n)
{
  VbChart *chart = self->chart[which];
  g_autofree char *summary = NULL;
  double total = 0.0;
  guint highest = 0;

  if (spoken_labels == NULL)
    spoken_labels = labels;
  vb_chart_set_data (chart, labels, values, n);
  for (guint i = 0; i < n; i++)
    {
      if (!isnan (values[i]))
        total += values[i];
      if (!isnan (values[i]) && (isnan (values[highest]) || values[i] > values[highest]))
        highest = i;
    }
  if (n == 0 || total <= 0.0)
    summary = g_strdup (_("No data in this period"));
  else if (chart_info[which].percent)
    {
      g_autofree char *value = vb_format_percent (values[highest]);

      /* Translators: the text alternative of the chart of shares per day; %s are a
       * percentage and the day (a date) */
      summary = g_strdup_printf (_("Highest %s on %s. The numbers are in the table below."),
                                 value, spoken_labels[highest]);
    }
  else
    summary = summarize_counts (which, spoken_labels[highest], total, values[highest]);
  g_free (self->chart_summary[which]);
  self->chart_summary[which] = g_strdup (summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  summary, -1);
}

static void
update_days (VbStatsPage *self)
{
  JsonArray *days = array_member (self->stats, "per_day");
  guint n = days != NULL ? json_array_get_length (days) : 0;
  g_autofree double *counts = g_new0 (double, n + 1);
  g_autofree double *shares = g_new0 (double, n + 1);
  g_auto(GStrv) labels = g_new0 (char *, n + 1);
  g_auto(GStrv) dates = g_new0 (char *, n + 1);

  table_clear (self->chart_table[CHART_PER_DAY]);
  table_clear (self->chart_table[CHART_FIRST_CONTACT]);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *day = json_array_get_object_element (days, i);
      const char *date = dates[i] = format_date (string_member (day, "date"), FALSE);
      g_autofree char *contacts = format_figure (day, "contacts");
      g_autofree char *kcc = format_figure (day, "contacts_kcc");
      g_autofree char *share = format_figure (day, "kcc_share");
      const char *per_day[] = { date, contacts, kcc };
      const char *first[] = { date, share, contacts };

      labels[i] = format_date (string_member (day, "date"), TRUE);
      counts[i] = json_object_get_int_member_with_default (day, "contacts", 0);
      shares[i] = member_is_number (day, "kcc_share")
                    ? json_object_get_double_member (day, "kcc_share") : NAN;
      table_add_row (self->chart_table[CHART_PER_DAY], per_day);
      table_add_row (self->chart_table[CHART_FIRST_CONTACT], first);
    }
  /* Under the bars the day and month; in the summaries the whole date. */
  set_chart (self, CHART_PER_DAY, (const char *const *) labels, (const char *const *) dates,
             counts, n);
  set_chart (self, CHART_FIRST_CONTACT, (const char *const *) labels,
             (const char *const *) dates, shares, n);
}

static void
update_hours_and_channels (VbStatsPage *self)
{
  JsonArray *hours = array_member (self->stats, "per_hour");
  JsonArray *channels = array_member (self->stats, "per_channel");
  guint n = channels != NULL ? json_array_get_length (channels) : 0;
  double counts[24] = { 0 };
  g_autofree double *per_channel = g_new0 (double, n + 1);
  g_auto(GStrv) hour_labels = g_new0 (char *, 25);
  g_auto(GStrv) channel_labels = g_new0 (char *, n + 1);

  table_clear (self->chart_table[CHART_PER_HOUR]);
  for (guint h = 0; h < 24; h++)
    {
      g_autofree char *span = g_strdup_printf ("%02u:00–%02u:00", h, (h + 1) % 24);
      g_autofree char *count = NULL;
      const char *cells[2];

      counts[h] = hours != NULL && h < json_array_get_length (hours)
                    ? json_array_get_int_element (hours, h) : 0;
      hour_labels[h] = g_strdup_printf ("%02u", h);
      count = vb_format_count ((gint64) counts[h]);
      cells[0] = span;
      cells[1] = count;
      table_add_row (self->chart_table[CHART_PER_HOUR], cells);
    }
  set_chart (self, CHART_PER_HOUR, (const char *const *) hour_labels, NULL, counts, 24);

  table_clear (self->chart_table[CHART_PER_CHANNEL]);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *o = json_array_get_object_element (channels, i);
      const char *code = string_member (o, "kanaal");
      g_autofree char *count = format_figure (o, "contacts");
      const char *cells[2];

      channel_labels[i] = g_strdup (vb_contact_lists_get_channel_name (self->lists, code));
      per_channel[i] = json_object_get_int_member_with_default (o, "contacts", 0);
      cells[0] = channel_labels[i];
      cells[1] = count;
      table_add_row (self->chart_table[CHART_PER_CHANNEL], cells);
    }
  if (n == 0)
    table_add_note (self->chart_table[CHART_PER_CHANNEL], _("No contacts in this period"));
  set_chart (self, CHART_PER_CHANNEL, (const char *const *) channel_labels, NULL, per_channel,
             n);
}

static const char *
kind_name (VbStatsPage *self,
           const char  *id)
{
  int kind = GPOINTER_TO_INT (g_hash_table_lookup (self->kinds, id)) - 1;

  if (kind == VB_ITEM_VAC)
    return _("VAC");
  if (kind == VB_ITEM_PRODUCT)
    return _("Product");
  return NULL;
}

/* An answer as the agent knows it: the title, and for a product the section used. */
static char *
answer_name (VbStatsPage *self,
             const char  *id,
             const char  *section)
{
  const char *title = g_hash_table_lookup (self->titles, id);
  guint n_sections;
  const VbSection *sections = vb_product_sections (&n_sections);

  if (title == NULL)
    title = id;
  for (guint i = 0; section != NULL && i < n_sections; i++)
    if (g_str_equal (sections[i].field, section))
      return g_strdup_printf ("%s – %s", title, _(sections[i].label));
  if (section != NULL)
    return g_strdup_printf ("%s – %s", title, section);
  return g_strdup (title);
}

static void
update_answers (VbStatsPage *self)
{
  JsonArray *answers = array_member (self->stats, "answers");
  JsonArray *unused = array_member (self->stats, "unused_items");
  guint n = answers != NULL ? json_array_get_length (answers) : 0;
  guint n_unused = unused != NULL ? json_array_get_length (unused) : 0;

  table_clear (self->table[TABLE_ANSWERS]);
  for (guint i = 0; i < MIN (n, MAX_ROWS); i++)
    {
      JsonObject *o = json_array_get_object_element (answers, i);
      const char *id = string_member (o, "item");
      g_autofree char *name = answer_name (self, id, string_member (o, "section"));
      g_autofree char *count = format_figure (o, "count");
      const char *cells[] = { name, kind_name (self, id), count };

      table_add_row (self->table[TABLE_ANSWERS], cells);
    }
  if (n == 0)
    table_add_note (self->table[TABLE_ANSWERS], _("No answers were used in this period"));

  table_clear (self->table[TABLE_UNUSED]);
  for (guint i = 0; i < MIN (n_unused, MAX_ROWS); i++)
    {
      const char *id = json_array_get_string_element (unused, i);
      g_autofree char *name = answer_name (self, id, NULL);
      const char *cells[] = { name, kind_name (self, id) };

      table_add_row (self->table[TABLE_UNUSED], cells);
    }
  if (n_unused > MAX_ROWS)
    {
      g_autofree char *more = NULL;

      /* Translators: the rest of the list of answers not used; %u is how many are not
       * shown */
      more = g_strdup_printf (ngettext ("And %u more answer (in the CSV export)",
                                        "And %u more answers (all in the CSV export)",
                                        n_unused - MAX_ROWS), n_unused - MAX_ROWS);
      table_add_note (self->table[TABLE_UNUSED], more);
    }
  else if (unused == NULL)
    table_add_note (self->table[TABLE_UNUSED], _("Not known for these figures"));
  else if (n_unused == 0)
    table_add_note (self->table[TABLE_UNUSED], _("Every answer was used"));
}

static void
update_searches (VbStatsPage *self)
{
  JsonArray *searches = array_member (self->stats, "searches");
  JsonArray *gaps = array_member (self->stats, "content_gaps");
  guint n = searches != NULL ? json_array_get_length (searches) : 0;
  guint n_gaps = gaps != NULL ? json_array_get_length (gaps) : 0;

  table_clear (self->table[TABLE_SEARCHES]);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *o = json_array_get_object_element (searches, i);
      g_autofree char *count = format_figure (o, "count");
      const char *cells[] = { string_member (o, "query"), count };

      table_add_row (self->table[TABLE_SEARCHES], cells);
    }
  if (n == 0)
    table_add_note (self->table[TABLE_SEARCHES], _("No searches in this period"));

  table_clear (self->table[TABLE_GAPS]);
  for (guint i = 0; i < n_gaps; i++)
    {
      JsonObject *o = json_array_get_object_element (gaps, i);
      g_autofree char *count = format_figure (o, "count");
      g_autofree char *none = format_figure (o, "no_results");
      g_autofree char *unopened = format_figure (o, "nothing_opened");
      const char *cells[] = { string_member (o, "query"), count, none, unopened };

      table_add_row (self->table[TABLE_GAPS], cells);
    }
  if (n_gaps == 0)
    table_add_note (self->table[TABLE_GAPS], _("No content gaps in this period"));
}

static void
update_outcomes (VbStatsPage *self)
{
  JsonArray *afdelingen = array_member (self->stats, "outcomes_per_afdeling");
  guint n = afdelingen != NULL ? json_array_get_length (afdelingen) : 0;

  table_clear (self->table[TABLE_OUTCOMES]);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *o = json_array_get_object_element (afdelingen, i);
      JsonObject *outcomes = object_member (o, "outcomes");
      const char *code = string_member (o, "afdeling");
      const char *afdeling = code != NULL ? vb_contact_lists_get_afdeling_name (self->lists, code)
                                          : _("No department");
      g_autoptr(GList) members = outcomes != NULL ? json_object_get_members (outcomes) : NULL;

      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *count = format_figure (outcomes, l->data);
          const char *cells[] = { afdeling,
                                  vb_contact_lists_get_outcome_name (self->lists, l->data),
                                  count };

          table_add_row (self->table[TABLE_OUTCOMES], cells);
        }
    }
  if (n == 0)
    table_add_note (self->table[TABLE_OUTCOMES], _("No questions in this period"));
}

/* The period of the shown figures, as “24-10-2026 – 26-10-2026” (the last day included). */
static char *
format_period (JsonObject *stats)
{
  g_autoptr(GTimeZone) tz = vb_contact_dup_time_zone ();
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) last = NULL;
  g_autofree char *first_day = NULL;
  g_autofree char *last_day = NULL;

  if (!member_is_number (stats, "from_unix") || !member_is_number (stats, "to_unix"))
    return g_strdup ("");
  from = g_date_time_new_from_unix_utc (json_object_get_int_member (stats, "from_unix"));
  last = g_date_time_new_from_unix_utc (json_object_get_int_member (stats, "to_unix") - 1);
  {
    g_autoptr(GDateTime) from_local = g_date_time_to_timezone (from, tz);
    g_autoptr(GDateTime) last_local = g_date_time_to_timezone (last, tz);

    first_day = g_date_time_format (from_local, "%d-%m-%Y");
    last_day = g_date_time_format (last_local, "%d-%m-%Y");
  }
  if (g_str_equal (first_day, last_day))
    return g_steal_pointer (&first_day);
  return g_strdup_printf ("%s – %s", first_day, last_day);
}

static void set_busy (VbStatsPage *self,
                      gboolean     busy);

static void
show_figures (VbStatsPage *self,
              JsonObject  *stats,
              const char  *source_label)
{
  g_autofree char *period = NULL;
  g_autofree char *source = NULL;

  json_object_ref (stats);
  g_clear_pointer (&self->stats, json_object_unref);
  self->stats = stats;
  g_free (self->source);
  self->source = g_strdup (source_label);

  period = format_period (stats);
  adw_window_title_set_subtitle (self->window_title, period);
  /* Translators: where the figures come from, as in “Source: This workstation” */
  source = g_strdup_printf (_("Source: %s"), source_label != NULL ? source_label : "");
  gtk_label_set_label (self->source_label, source);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  update_figures (self);
  update_days (self);
  update_hours_and_channels (self);
  update_answers (self);
  update_searches (self);
  update_outcomes (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stats.export-csv", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stats.save-chart", TRUE);
}

/**
 * vb_stats_page_set_figures:
 * @stats: figures in the schema of docs/statistics.md (from this workstation's engine, or
 *   from the server's GET /api/v1/stats)
 * @source_label: where they come from, in words (“All agents (server)”)
 *
 * Shows @stats instead of what the page computed; a computation in flight is cancelled so it
 * cannot overwrite them. The page computes again when the period changes or it is shown
 * again: figures that should stay come through compute_async(). Without "unused_items" the
 * unused answers say that they are not known.
 */
void
vb_stats_page_set_figures (VbStatsPage *self,
                           JsonObject  *stats,
                           const char  *source_label)
{
  g_return_if_fail (VB_IS_STATS_PAGE (self));
  g_return_if_fail (stats != NULL);

  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  show_figures (self, stats, source_label);
}

/* ---- computing ---- */

static void
set_busy (VbStatsPage *self,
          gboolean     busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_error (VbStatsPage *self,
            const char  *message)
{
  set_busy (self, FALSE);
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

/* The one place the figures are computed. @agent is NULL for a supervisor and the agent's
 * name for everyone else, who sees only their own contacts on this workstation (the search
 * log is anonymous: its figures are everyone's). Only a @supervisor with a server (and a token)
 * gets the figures of all agents from its GET /api/v1/stats; when the server cannot answer,
 * this workstation's figures, and the source says so. */
typedef struct
{
  gint64  from, to;
  char   *agent;
} Compute;

static void
compute_free (Compute *compute)
{
  g_free (compute->agent);
  g_free (compute);
}

static void
compute_locally (GTask *task);

static void
on_local_computed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonObject *stats = vb_stats_compute_for_agent_finish (VB_CONTACT_STORE (source), result,
                                                         &error);

  if (stats == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stats, (GDestroyNotify) json_object_unref);
}

static void
compute_locally (GTask *task)
{
  VbStatsPage *self = g_task_get_source_object (task);
  Compute *compute = g_task_get_task_data (task);

  vb_stats_compute_for_agent_async (vb_context_get_contacts (self->context),
                                    vb_contact_lists_get_kcc_outcomes (self->lists),
                                    compute->from, compute->to, compute->agent,
                                    g_task_get_cancellable (task), on_local_computed, task);
}

static void
on_server_stats (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VbStatsPage *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  JsonObject *stats = vb_sync_fetch_stats_finish (VB_SYNC (source), result, &error);

  if (stats != NULL)
    {
      g_task_return_pointer (task, stats, (GDestroyNotify) json_object_unref);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, VB_SYNC_ERROR, VB_SYNC_ERROR_CANCELLED))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", error->message);
      return;
    }
  g_free (self->pending_source);
  self->pending_source = g_strdup (_("This workstation (the figures of all agents are not available)"));
  compute_locally (g_steal_pointer (&task));
}

static void
compute_async (VbStatsPage         *self,
               const char          *from_date,
               const char          *to_date,
               gint64               from,
               gint64               to,
               gboolean             supervisor,
               const char          *agent,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Compute *compute = g_new0 (Compute, 1);
  VbSync *sync = vb_context_get_sync (self->context);
  const char *server = sync != NULL ? vb_sync_get_server_url (sync) : NULL;

  compute->from = from;
  compute->to = to;
  compute->agent = g_strdup (agent);
  g_task_set_task_data (task, compute, (GDestroyNotify) compute_free);
  g_free (self->pending_source);
  if (supervisor && server != NULL && *server != '\0' &&
      vb_context_get_has_token (self->context))
    {
      self->pending_source = g_strdup (_("All agents (server)"));
      vb_sync_fetch_stats_async (sync, from_date, to_date, cancellable, on_server_stats, task);
      return;
    }
  self->pending_source = g_strdup (agent == NULL ? _("This workstation")
                                                 : _("Your own contacts on this workstation"));
  compute_locally (task);
}

static JsonObject *
compute_finish (VbStatsPage   *self,
                GAsyncResult  *result,
                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_computed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VbStatsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stats = compute_finish (self, result, &error);

  /* A newer computation (or the page going away) took over. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->disposed)
    return;
  if (stats == NULL)
    {
      show_error (self, error->message);
      return;
    }
  set_busy (self, FALSE);
  vb_stats_unused_items (stats, self->item_ids);
  show_figures (self, stats, self->pending_source);
}

static char *
local_date (GDateTime *date)
{
  return g_date_time_format (date, "%Y-%m-%d");
}

/* The period chosen, as inclusive local dates: today, this week or this month so far. */
static void
period_dates (VbStatsPage  *self,
              guint         period,
              char        **from_date,
              char        **to_date)
{
  g_autoptr(GTimeZone) tz = vb_contact_dup_time_zone ();
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);
  g_autoptr(GDateTime) first = NULL;

  switch (period)
    {
    case PERIOD_CUSTOM:
      *from_date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->from_entry))));
      *to_date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->to_entry))));
      return;
    case PERIOD_WEEK:
      first = g_date_time_add_days (now, 1 - g_date_time_get_day_of_week (now));
      break;
    case PERIOD_MONTH:
      first = g_date_time_add_days (now, 1 - g_date_time_get_day_of_month (now));
      break;
    case PERIOD_TODAY:
    default:
      first = g_date_time_ref (now);
      break;
    }
  *from_date = local_date (first);
  *to_date = local_date (now);
}

static void maybe_compute (VbStatsPage *self);
static int  find_chart    (const char  *name);

static void
on_items_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VbStatsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = vb_store_list_items_finish (VB_STORE (source), result, &error);

  if (self->disposed)
    return;
  self->items_loading = FALSE;
  if (items == NULL)
    {
      show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    {
      VbItem *item = g_ptr_array_index (items, i);
      const char *id = vb_item_get_id (item);

      if (vb_item_get_kind (item) == VB_ITEM_NOTICE)
        continue;
      /* Archived answers keep their titles (older contacts used them) but are not missed. */
      if (vb_item_is_searchable (item))
        g_ptr_array_add (self->item_ids, g_strdup (id));
      g_hash_table_insert (self->titles, g_strdup (id), g_strdup (vb_item_get_title (item)));
      g_hash_table_insert (self->kinds, g_strdup (id),
                           GINT_TO_POINTER (vb_item_get_kind (item) + 1));
    }
  self->items_loaded = TRUE;
  maybe_compute (self);
}

/* Computes the chosen period once the page shows and what it needs is there: the content's
 * reference lists (which outcomes count as handled by the KCC) and its items (titles, and the
 * answers that could have been used). */
static void
maybe_compute (VbStatsPage *self)
{
  GSettings *settings = vb_context_get_settings (self->context);
  g_autofree char *from_date = NULL;
  g_autofree char *to_date = NULL;
  g_autofree char *role = NULL;
  g_autofree char *agent = NULL;
  g_autoptr(GError) error = NULL;
  gint64 from, to;

  if (self->disposed || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (!vb_context_is_ready (self->context))
    {
      if (vb_context_get_error (self->context) != NULL)
        show_error (self, vb_context_get_error (self->context));
      else
        set_busy (self, TRUE);
      return;
    }
  if (vb_context_get_contacts (self->context) == NULL)
    {
      show_error (self, _("The contact log is not open"));
      return;
    }
  set_busy (self, TRUE);
  if (!vb_contact_lists_is_loaded (self->lists))
    {
      vb_contact_lists_load (self->lists, vb_context_get_store (self->context));
      return;
    }
  if (!self->items_loaded)
    {
      if (!self->items_loading)
        {
          self->items_loading = TRUE;
          vb_store_list_items_async (vb_context_get_store (self->context), -1, FALSE,
                                     self->load_cancellable, on_items_loaded,
                                     g_object_ref (self));
        }
      return;
    }

  period_dates (self, gtk_drop_down_get_selected (self->period_drop), &from_date, &to_date);
  if (!vb_contact_parse_date_range (from_date, to_date, &from, &to, &error))
    {
      show_error (self, _("Give the first and the last day as YYYY-MM-DD, the first not after "
                          "the last"));
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  /* Without a name the workstation's contacts are nobody's own (they are logged without an
   * agent): the page then shows them all, and its source says so. */
  role = g_settings_get_string (settings, "role");
  if (!g_str_equal (role, "supervisor"))
    agent = g_settings_get_string (settings, "agent-name");
  if (agent != NULL && *agent == '\0')
    g_clear_pointer (&agent, g_free);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  compute_async (self, from_date, to_date, from, to, g_str_equal (role, "supervisor"), agent,
                 self->cancellable, on_computed, g_object_ref (self));
}

/* Computes the chosen period again (the contact log grows while the page is open). */
void
vb_stats_page_refresh (VbStatsPage *self)
{
  g_return_if_fail (VB_IS_STATS_PAGE (self));

  maybe_compute (self);
}

/* Shows the figures of the inclusive local dates @from_date to @to_date (YYYY-MM-DD). */
void
vb_stats_page_set_range (VbStatsPage *self,
                         const char  *from_date,
                         const char  *to_date)
{
  g_return_if_fail (VB_IS_STATS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from_date);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to_date);
  if (gtk_drop_down_get_selected (self->period_drop) != PERIOD_CUSTOM)
    gtk_drop_down_set_selected (self->period_drop, PERIOD_CUSTOM);  /* computes */
  else
    maybe_compute (self);
}

static void
on_period_changed (VbStatsPage *self)
{
  gboolean custom = gtk_drop_down_get_selected (self->period_drop) == PERIOD_CUSTOM;

  gtk_revealer_set_reveal_child (self->custom_revealer, custom);
  gtk_widget_set_visible (GTK_WIDGET (self->custom_revealer), custom);
  if (custom && *gtk_editable_get_text (GTK_EDITABLE (self->from_entry)) == '\0')
    {
      /* Start from this month, so that only what changes has to be typed. */
      g_autofree char *from_date = NULL;
      g_autofree char *to_date = NULL;

      period_dates (self, PERIOD_MONTH, &from_date, &to_date);
      gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from_date);
      gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to_date);
    }
  maybe_compute (self);
}

static void
on_date_activate (VbStatsPage *self)
{
  maybe_compute (self);
}

static void
on_compare_toggled (VbStatsPage *self)
{
  update_figures (self);
}

static void
on_lists_changed (VbStatsPage *self)
{
  maybe_compute (self);
}

static void
on_settings_changed (VbStatsPage *self,
                     const char  *key)
{
  if (g_strcmp0 (key, "role") == 0 || g_strcmp0 (key, "agent-name") == 0)
    maybe_compute (self);
}

/* ---- exports ---- */

static void
send_message (VbStatsPage *self,
              const char  *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
add_names (GHashTable *names,
           GListModel *model,
           const char *(*code_at) (VbContactLists *, guint),
           VbContactLists *lists)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (code_at (lists, i) != NULL)
      g_hash_table_insert (names, g_strdup (code_at (lists, i)),
                           g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (model), i)));
}

/* The shown figures as CSV (vb-stats-csv.c), with the names the page shows. */
char *
vb_stats_page_dup_csv (VbStatsPage *self)
{
  g_autoptr(GHashTable) channels =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) afdelingen =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  VbStatsCsvNames names = { self->titles, channels, afdelingen };

  g_return_val_if_fail (VB_IS_STATS_PAGE (self), NULL);

  if (self->stats == NULL)
    return NULL;
  add_names (channels, vb_contact_lists_get_channels (self->lists),
             vb_contact_lists_get_channel_code, self->lists);
  add_names (afdelingen, vb_contact_lists_get_afdelingen (self->lists),
             vb_contact_lists_get_afdeling_code, self->lists);
  return vb_stats_csv_new (self->stats, &names);
}

/* A file name for an export: statistieken-2026-10-24-2026-10-26.csv and the like. */
static char *
export_name (VbStatsPage *self,
             const char  *what,
             const char  *extension)
{
  g_autoptr(GTimeZone) tz = vb_contact_dup_time_zone ();
  g_autoptr(GDateTime) from_utc = NULL;
  g_autoptr(GDateTime) last_utc = NULL;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) last = NULL;
  g_autofree char *first_day = NULL;
  g_autofree char *last_day = NULL;

  if (!member_is_number (self->stats, "from_unix") || !member_is_number (self->stats, "to_unix"))
    return g_strdup_printf ("%s.%s", what, extension);
  from_utc = g_date_time_new_from_unix_utc (
    json_object_get_int_member (self->stats, "from_unix"));
  last_utc = g_date_time_new_from_unix_utc (
    json_object_get_int_member (self->stats, "to_unix") - 1);
  from = g_date_time_to_timezone (from_utc, tz);
  last = g_date_time_to_timezone (last_utc, tz);
  first_day = local_date (from);
  last_day = local_date (last);
  return g_strdup_printf ("%s-%s-%s.%s", what, first_day, last_day, extension);
}

static void
on_csv_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VbStatsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not export: %s"), error->message);

      send_message (self, text);
      return;
    }
  send_message (self, _("Statistics exported"));
}

/**
 * vb_stats_page_save:
 * @file: where to write
 * @chart: (nullable): a chart's name (per-day, per-hour, per-channel, first-contact) to save
 *   it as PNG, or NULL to export the figures as CSV
 *
 * What the export menu and the charts' buttons do once a file is chosen; “message” says
 * how it went.
 */
void
vb_stats_page_save (VbStatsPage *self,
                    GFile       *file,
                    const char  *chart)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int which;

  g_return_if_fail (VB_IS_STATS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->stats == NULL)
    return;
  if (chart == NULL)
    {
      char *csv = vb_stats_page_dup_csv (self);
      gsize length = strlen (csv);
      g_autoptr(GBytes) bytes = g_bytes_new_take (csv, length);

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                           G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                           on_csv_written, g_object_ref (self));
      return;
    }

  which = find_chart (chart);
  g_return_if_fail (which >= 0);
  path = g_file_get_path (file);
  if (path == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Not a local file"));
  if (path == NULL || !vb_chart_save_png (self->chart[which], path, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the chart: %s"),
                                               error->message);

      send_message (self, text);
      return;
    }
  send_message (self, _("Chart saved"));
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     VbStatsPage     *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *chart = g_strdup (g_object_get_data (G_OBJECT (dialog), "vb-chart"));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->chooser);
  if (file != NULL)
    vb_stats_page_save (self, file, chart);
}

static void
choose_file (VbStatsPage *self,
             const char  *title,
             const char  *name,
             const char  *chart)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title,
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_object_set_data_full (G_OBJECT (self->chooser), "vb-chart", g_strdup (chart), g_free);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/**
 * vb_stats_page_dup_file_name:
 * @chart: (nullable): a chart's name (per-day, per-hour, per-channel, first-contact), or NULL
 *   for the CSV export
 *
 * The name the file chooser suggests: the translated start of the name and the period, as
 * statistieken-2026-10-24-2026-10-26.csv or contacten-per-uur-2026-10-24-2026-10-26.png.
 *
 * Returns: (transfer full) (nullable): the name, or NULL for an unknown chart
 */
char *
vb_stats_page_dup_file_name (VbStatsPage *self,
                             const char  *chart)
{
  g_autofree char *what = NULL;
  int which = chart != NULL ? find_chart (chart) : -1;

  g_return_val_if_fail (VB_IS_STATS_PAGE (self), NULL);

  if (chart != NULL && which < 0)
    return NULL;
  if (chart == NULL)
    /* Translators: the start of an exported file's name; no spaces */
    what = g_strdup (_("statistics"));
  else
    what = g_strdup (_(chart_info[which].file_name));
  /* A space in a file name has to be quoted in every shell a colleague pastes it into. */
  g_strdelimit (what, " ", '-');
  return export_name (self, what, chart == NULL ? "csv" : "png");
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VbStatsPage *self = VB_STATS_PAGE (widget);
  g_autofree char *name = NULL;

  if (self->stats == NULL)
    return;
  name = vb_stats_page_dup_file_name (self, NULL);
  choose_file (self, _("Export Statistics"), name, NULL);
}

static void
save_chart_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VbStatsPage *self = VB_STATS_PAGE (widget);
  const char *chart = g_variant_get_string (parameter, NULL);
  g_autofree char *name = NULL;

  if (self->stats == NULL)
    return;
  name = vb_stats_page_dup_file_name (self, chart);
  if (name != NULL)
    choose_file (self, _("Save Chart"), name, chart);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  maybe_compute (VB_STATS_PAGE (widget));
}

/* ---- building the page ---- */

static void
add_figures (VbStatsPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (figure_info); i++)
    {
      Figure *f = &self->figure[i];
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
      GtkWidget *title = gtk_label_new (_(figure_info[i].title));

      f->value = GTK_LABEL (gtk_label_new ("–"));
      f->delta = GTK_LABEL (gtk_label_new (NULL));
      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "vb-figure");
      gtk_widget_add_css_class (GTK_WIDGET (f->value), "vb-figure-value");
      gtk_widget_add_css_class (GTK_WIDGET (f->value), "numeric");
      gtk_widget_add_css_class (GTK_WIDGET (f->delta), "caption");
      gtk_widget_add_css_class (title, "caption-heading");
      for (GtkWidget *label = title; label != NULL;
           label = label == title ? GTK_WIDGET (f->value)
                                  : label == GTK_WIDGET (f->value) ? GTK_WIDGET (f->delta) : NULL)
        {
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          /* Narrow enough for four cards on a line at full width, two at 640 pixels. */
          gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
          gtk_box_append (GTK_BOX (card), label);
        }
      f->card = card;
      gtk_flow_box_append (self->figures, card);
    }
}

/* Each chart with a toggle under it that shows the same numbers as a table (the chart's text
 * alternative) and a button that saves the chart as PNG. The four toggles have no access key:
 * one key cannot serve four buttons, and Tab reaches them. */
static void
add_charts (VbStatsPage *self)
{
  for (guint i = 0; i < N_CHARTS; i++)
    {
      GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *below = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *toggle = gtk_toggle_button_new_with_label (_("Table"));
      GtkWidget *save = gtk_button_new_with_label (_("Save as PNG…"));
      GtkWidget *revealer = gtk_revealer_new ();
      g_autofree char *table_name = NULL;
      g_autofree char *save_name = NULL;

      self->chart[i] = VB_CHART (vb_chart_new (chart_info[i].style, chart_info[i].percent));
      vb_chart_set_title (self->chart[i], _(chart_info[i].title));
      /* Translators: the accessible name of the table of a chart; %s is the chart's title */
      table_name = g_strdup_printf (_("Table: %s"), _(chart_info[i].title));
      /* Translators: the accessible name of a button; %s is a chart's title */
      save_name = g_strdup_printf (_("Save the chart “%s” as PNG"), _(chart_info[i].title));
      self->chart_table[i] = table_new (table_name, chart_info[i].columns);

      gtk_box_append (GTK_BOX (section), heading_new (_(chart_info[i].title)));
      gtk_box_append (GTK_BOX (section), GTK_WIDGET (self->chart[i]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      table_name, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "stats.save-chart");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (save), "s", chart_info[i].name);
      gtk_widget_set_hexpand (save, TRUE);
      gtk_widget_set_halign (save, GTK_ALIGN_END);
      gtk_widget_add_css_class (save, "flat");
      gtk_accessible_update_property (GTK_ACCESSIBLE (save), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      save_name, -1);
      gtk_box_append (GTK_BOX (below), toggle);
      gtk_box_append (GTK_BOX (below), save);
      gtk_box_append (GTK_BOX (section), below);
      gtk_revealer_set_child (GTK_REVEALER (revealer),
                              gtk_widget_get_parent (GTK_WIDGET (self->chart_table[i])));
      g_object_bind_property (toggle, "active", revealer, "reveal-child", G_BINDING_SYNC_CREATE);
      gtk_box_append (GTK_BOX (section), revealer);
      gtk_box_append (self->charts_box, section);
    }
}

static void
add_tables (VbStatsPage *self)
{
  for (guint i = 0; i < N_TABLES; i++)
    {
      GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

      self->table[i] = table_new (_(table_info[i].title), table_info[i].columns);
      gtk_box_append (GTK_BOX (section), heading_new (_(table_info[i].title)));
      gtk_box_append (GTK_BOX (section), gtk_widget_get_parent (GTK_WIDGET (self->table[i])));
      gtk_box_append (self->tables_box, section);
    }
}

static void
vb_stats_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (vb_stats_page_parent_class)->map (widget);
  maybe_compute (VB_STATS_PAGE (widget));
}

static gboolean
vb_stats_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (VB_STATS_PAGE (widget)->period_drop));
}

static void
vb_stats_page_constructed (GObject *object)
{
  VbStatsPage *self = VB_STATS_PAGE (object);

  G_OBJECT_CLASS (vb_stats_page_parent_class)->constructed (object);

  vb_sync_status_set_context (self->sync_status, self->context);
  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (maybe_compute), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (vb_context_get_settings (self->context), "changed",
                           G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
}

static void
vb_stats_page_dispose (GObject *object)
{
  VbStatsPage *self = VB_STATS_PAGE (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), VB_TYPE_STATS_PAGE);

  G_OBJECT_CLASS (vb_stats_page_parent_class)->dispose (object);
}

static void
vb_stats_page_finalize (GObject *object)
{
  VbStatsPage *self = VB_STATS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->lists);
  g_clear_object (&self->context);
  g_clear_pointer (&self->titles, g_hash_table_unref);
  g_clear_pointer (&self->kinds, g_hash_table_unref);
  g_clear_pointer (&self->item_ids, g_ptr_array_unref);
  g_clear_pointer (&self->stats, json_object_unref);
  g_free (self->source);
  g_free (self->pending_source);
  for (guint i = 0; i < N_CHARTS; i++)
    g_free (self->chart_summary[i]);

  G_OBJECT_CLASS (vb_stats_page_parent_class)->finalize (object);
}

static void
vb_stats_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VbStatsPage *self = VB_STATS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_stats_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VbStatsPage *self = VB_STATS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_stats_page_class_init (VbStatsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vb_stats_page_constructed;
  object_class->dispose = vb_stats_page_dispose;
  object_class->finalize = vb_stats_page_finalize;
  object_class->set_property = vb_stats_page_set_property;
  object_class->get_property = vb_stats_page_get_property;
  widget_class->map = vb_stats_page_map;
  widget_class->grab_focus = vb_stats_page_grab_focus;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VB_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VbStatsPage::message:
   * @text: what happened, in words (an export done or failed)
   *
   * The window shows it as a toast.
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (VB_TYPE_SYNC_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/vraagbaak/Vraagbaak/stats/vb-stats-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, box);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, sync_status);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, period_drop);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, compare_check);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, custom_revealer);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, source_label);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, figures);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, charts_box);
  gtk_widget_class_bind_template_child (widget_class, VbStatsPage, tables_box);
  gtk_widget_class_bind_template_callback (widget_class, on_period_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_date_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_toggled);

  gtk_widget_class_install_action (widget_class, "stats.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "stats.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "stats.save-chart", "s", save_chart_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vbstatspage");
}

static void
vb_stats_page_init (VbStatsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->load_cancellable = g_cancellable_new ();
  self->titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->item_ids = g_ptr_array_new_with_free_func (g_free);
  self->lists = vb_contact_lists_new ();
  g_signal_connect_object (self->lists, "changed", G_CALLBACK (on_lists_changed), self,
                           G_CONNECT_SWAPPED);

  vb_a11y_label_drop_down (self->period_drop, _("Period"));
  add_figures (self);
  add_charts (self);
  add_tables (self);
  update_figures (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stats.export-csv", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stats.save-chart", FALSE);
}

GtkWidget *
vb_stats_page_new (VbContext *context)
{
  return g_object_new (VB_TYPE_STATS_PAGE, "context", context, NULL);
}

JsonObject *
vb_stats_page_get_figures (VbStatsPage *self)
{
  g_return_val_if_fail (VB_IS_STATS_PAGE (self), NULL);

  return self->stats;
}

const char *
vb_stats_page_get_source (VbStatsPage *self)
{
  g_return_val_if_fail (VB_IS_STATS_PAGE (self), NULL);

  return self->source;
}

/* TRUE while figures are being computed (or what they need is being read). */
gboolean
vb_stats_page_is_busy (VbStatsPage *self)
{
  g_return_val_if_fail (VB_IS_STATS_PAGE (self), FALSE);

  return self->busy;
}

static Figure *
find_figure (VbStatsPage *self,
             const char  *member)
{
  for (guint i = 0; i < G_N_ELEMENTS (figure_info); i++)
    if (g_str_equal (figure_info[i].member, member))
      return &self->figure[i];
  return NULL;
}

const char *
vb_stats_page_get_figure_text (VbStatsPage *self,
                               const char  *member)
{
  Figure *f = find_figure (self, member);

  return f != NULL ? gtk_label_get_label (f->value) : NULL;
}

/* The change shown under a figure, or NULL when none is shown. */
const char *
vb_stats_page_get_delta_text (VbStatsPage *self,
                              const char  *member)
{
  Figure *f = find_figure (self, member);

  if (f == NULL || !gtk_widget_get_visible (GTK_WIDGET (f->delta)))
    return NULL;
  return gtk_label_get_label (f->delta);
}

static int
find_chart (const char *name)
{
  for (guint i = 0; i < N_CHARTS; i++)
    if (g_str_equal (chart_info[i].name, name))
      return i;
  return -1;
}

GtkWidget *
vb_stats_page_get_chart (VbStatsPage *self,
                         const char  *name)
{
  int i = find_chart (name);

  return i >= 0 ? GTK_WIDGET (self->chart[i]) : NULL;
}

/* The chart's text alternative (its accessible description). */
const char *
vb_stats_page_get_chart_summary (VbStatsPage *self,
                                 const char  *name)
{
  int i = find_chart (name);

  return i >= 0 ? self->chart_summary[i] : NULL;
}

GtkListBox *
vb_stats_page_get_chart_table (VbStatsPage *self,
                               const char  *name)
{
  int i = find_chart (name);

  return i >= 0 ? self->chart_table[i] : NULL;
}
