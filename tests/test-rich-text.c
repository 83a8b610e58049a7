/* test-rich-text.c: the rich-text view for answers
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>
#include <gtk/gtk.h>

#include "vb-html.h"
#include "vb-rich-text.h"

#define SAMPLE_ANSWER \
  "<h2>Paspoort aanvragen</h2>" \
  "<p>U vraagt een paspoort aan bij de <b>balie Burgerzaken</b>. Maak eerst een " \
  "<a href=\"https://www.example.nl/afspraak\">afspraak</a>; zonder afspraak helpen we u " \
  "<i>niet</i>.</p>" \
  "<p>Neem mee:</p>" \
  "<ul><li>uw huidige paspoort of identiteitskaart</li>" \
  "<li>een recente pasfoto die voldoet aan de eisen van de " \
  "<a href=\"https://www.rijksoverheid.nl/pasfoto\">fotomatrix</a></li>" \
  "<li>de kosten: <b>€ 77,85</b> (pinnen)</li></ul>" \
  "<h3>Ophalen</h3>" \
  "<ol><li>U krijgt een sms als het klaar is.</li>" \
  "<li>Ophalen kan tot drie maanden later.</li></ol>" \
  "<p>Vragen? Bel <a href=\"tel:14020\">14 020</a> of mail " \
  "<a href=\"mailto:info@example.nl\">info@example.nl</a>. Voer de code <code>PAS-2026</code> " \
  "in.</p>"

/* ---- helpers ---- */

static VbRichText *
new_view (void)
{
  return VB_RICH_TEXT (g_object_ref_sink (vb_rich_text_new ()));
}

static gboolean
record_link (VbRichText *view,
             const char *uri,
             GPtrArray  *seen)
{
  g_ptr_array_add (seen, g_strdup (uri));
  return TRUE;   /* handled: never open anything in a test */
}

static GPtrArray *
connect_recorder (VbRichText *view)
{
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (view, "activate-link", G_CALLBACK (record_link), seen);
  return seen;
}

static void
place_cursor (VbRichText *view,
              int         offset)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter iter;

  if (offset < 0)
    gtk_text_buffer_get_end_iter (buffer, &iter);
  else
    gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
  gtk_text_buffer_place_cursor (buffer, &iter);
}

/* The URIs of all links, as Tab finds them from the top. */
static GPtrArray *
tab_through_links (VbRichText *view)
{
  GPtrArray *seen = connect_recorder (view);
  guint guard = 0;

  place_cursor (view, 0);
  while (vb_rich_text_move_to_link (view, TRUE))
    {
      g_assert_true (vb_rich_text_activate_link_at_cursor (view));
      g_assert_cmpuint (++guard, <, 100000);
    }
  g_signal_handlers_disconnect_by_func (view, record_link, seen);
  return seen;
}

static gboolean
uri_has_allowed_scheme (const char *uri)
{
  return g_str_has_prefix (uri, "https://") || g_str_has_prefix (uri, "http://") ||
         g_str_has_prefix (uri, "mailto:") || g_str_has_prefix (uri, "tel:");
}

/* Every stretch of text with the link tag must lead to an allowed link. */
static guint
check_link_tag_ranges (VbRichText *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextTag *link = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "link");
  g_autoptr(GPtrArray) seen = connect_recorder (view);
  GtkTextIter iter;
  guint ranges = 0;

  g_assert_nonnull (link);
  gtk_text_buffer_get_start_iter (buffer, &iter);
  if (!gtk_text_iter_starts_tag (&iter, link))
    gtk_text_iter_forward_to_tag_toggle (&iter, link);
  while (!gtk_text_iter_is_end (&iter))
    {
      g_assert_true (gtk_text_iter_starts_tag (&iter, link));
      ranges++;
      gtk_text_buffer_place_cursor (buffer, &iter);
      g_assert_true (vb_rich_text_activate_link_at_cursor (view));
      gtk_text_iter_forward_to_tag_toggle (&iter, link);   /* its end */
      gtk_text_iter_forward_to_tag_toggle (&iter, link);   /* the next start */
    }
  g_assert_cmpuint (seen->len, ==, ranges);
  for (guint i = 0; i < seen->len; i++)
    {
      g_assert_true (uri_has_allowed_scheme (g_ptr_array_index (seen, i)));
      g_assert_true (vb_html_link_is_allowed (g_ptr_array_index (seen, i)));
    }
  g_signal_handlers_disconnect_by_func (view, record_link, seen);
  return ranges;
}

static char *
buffer_text (VbRichText *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

/* ---- tests ---- */

static void
test_hostile (void)
{
  static const char *hostile =
    "<script>alert('script body')</script>"
    "<style>body { background: url(evil-style) }</style>"
    "<p onclick=\"alert('onclick body')\">Welkom bij de gemeente</p>"
    "<iframe src=\"https://evil.example/frame\">iframe body</iframe>"
    "<img src=x onerror=\"alert('onerror body')\">"
    "<p><a href=\"javascript:alert('js link')\">Klik hier</a> en "
    "<a href=\"JaVaScRiPt:alert(1)\">hier</a> en "
    "<a href=\"java&#09;script:alert(2)\">daar</a> en "
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a> en "
    "<a href=\"vbscript:msgbox(1)\">vb</a> en "
    "<a href=\"file:///etc/passwd\">bestand</a> en "
    "<a href=\"//evil.example/\">relatief</a> en "
    "<a href=\"https://www.example.nl/ok\" onmouseover=\"alert('over body')\">veilig</a>.</p>"
    "<svg><script>alert('svg body')</script><text>svg tekst</text></svg>"
    "<object data=\"evil.swf\">object body</object>"
    "<p>Einde <img src=\"https://tracker.example/pixel.gif\" alt=\"logo\"> antwoord</p>"
    "<noscript>noscript body</noscript>";
  g_autoptr(VbRichText) view = new_view ();
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *html = NULL;
  g_autoptr(GPtrArray) links = NULL;

  vb_rich_text_set_html (view, hostile);
  text = vb_rich_text_dup_text (view);
  shown = buffer_text (view);

  g_assert_cmpstr (text, ==,
                   "Welkom bij de gemeente\n"
                   "Klik hier en hier en daar en data en vb en bestand en relatief en veilig.\n"
                   "Einde [logo] antwoord");
  g_assert_cmpstr (shown, ==, text);
  for (const char *const *bad = (const char *const[]) {
         "alert", "body", "evil", "script", "iframe", "noscript", "svg", "tracker", "onerror",
         "javascript", "data:", NULL };
       *bad != NULL; bad++)
    g_assert_null (strstr (shown, *bad));

  links = tab_through_links (view);
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (links, 0), ==, "https://www.example.nl/ok");
  g_assert_cmpuint (check_link_tag_ranges (view), ==, 1);

  html = vb_rich_text_dup_html (view);
  g_assert_null (strstr (html, "script"));
  g_assert_null (strstr (html, "alert"));
  g_assert_null (strstr (html, "onerror"));
  g_assert_null (strstr (html, "<img"));
  g_assert_nonnull (strstr (html, "<a href=\"https://www.example.nl/ok\">veilig</a>"));
}

static void
test_normal (void)
{
  g_autoptr(VbRichText) view = new_view ();
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextIter iter;

  vb_rich_text_set_html (view,
                         "<h1>Afval</h1>\n"
                         "<p>De <b>grijze</b> container wordt <em>elke</em> week geleegd.<br>"
                         "Zie de <a href=\"https://www.example.nl/afval\">afvalkalender</a>.</p>\n"
                         "<ul>\n  <li>Groente-, fruit- en tuinafval</li>\n"
                         "  <li>Papier<ol><li>karton</li><li>kranten</li></ol></li>\n</ul>"
                         "<blockquote>Zet de container voor 7.30 uur buiten.</blockquote>"
                         "<pre>Ma  GFT\nDi  Rest</pre>");
  text = vb_rich_text_dup_text (view);
  g_assert_cmpstr (text, ==,
                   "Afval\n"
                   "De grijze container wordt elke week geleegd.\n"
                   "Zie de afvalkalender.\n"
                   "• Groente-, fruit- en tuinafval\n"
                   "• Papier\n"
                   "1. karton\n"
                   "2. kranten\n"
                   "Zet de container voor 7.30 uur buiten.\n"
                   "Ma  GFT\n"
                   "Di  Rest");

  /* the buffer has a tab after the markers, for the hanging indent */
  shown = buffer_text (view);
  g_assert_nonnull (strstr (shown, "\n•\tPapier\n1.\tkarton\n"));
  g_assert_cmpuint (strlen (shown), ==, strlen (text));

  /* spot checks of the tags */
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 1);
  g_assert_true (gtk_text_iter_has_tag (&iter, gtk_text_tag_table_lookup (table, "heading-1")));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) strlen ("Afval\nDe g"));
  g_assert_true (gtk_text_iter_has_tag (&iter, gtk_text_tag_table_lookup (table, "bold")));
  g_assert_true (gtk_text_buffer_get_iter_at_line (buffer, &iter, 5));   /* 1. karton */
  g_assert_true (gtk_text_iter_has_tag (&iter, gtk_text_tag_table_lookup (table, "item-2")));
  g_assert_true (gtk_text_buffer_get_iter_at_line (buffer, &iter, 8));   /* Ma  GFT */
  g_assert_true (gtk_text_iter_has_tag (&iter, gtk_text_tag_table_lookup (table, "pre")));

  /* a second answer replaces the first; NULL and "" clear */
  vb_rich_text_set_html (view, "<p>Tweede</p>");
  g_clear_pointer (&text, g_free);
  text = vb_rich_text_dup_text (view);
  g_assert_cmpstr (text, ==, "Tweede");
  vb_rich_text_set_html (view, NULL);
  g_clear_pointer (&text, g_free);
  text = vb_rich_text_dup_text (view);
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 0);
  g_assert_false (vb_rich_text_move_to_link (view, TRUE));
  vb_rich_text_set_html (view, "");
  g_clear_pointer (&text, g_free);
  text = vb_rich_text_dup_html (view);
  g_assert_cmpstr (text, ==, "");
}

static void
test_links (void)
{
  static const char *expected[] = {
    "https://www.example.nl/afspraak",
    "https://www.rijksoverheid.nl/pasfoto",
    "tel:14020",
    "mailto:info@example.nl",
  };
  g_autoptr(VbRichText) view = new_view ();
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) forward = NULL;
  g_autofree char *text = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;
  const char *p;

  vb_rich_text_set_html (view, SAMPLE_ANSWER);
  text = vb_rich_text_dup_text (view);

  /* Enter with the caret inside a link */
  seen = connect_recorder (view);
  p = strstr (text, "fotomatrix");
  g_assert_nonnull (p);
  place_cursor (view, (int) g_utf8_pointer_to_offset (text, p) + 3);
  g_assert_true (vb_rich_text_activate_link_at_cursor (view));
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, expected[1]);

  /* ... and not inside one */
  place_cursor (view, 2);
  g_assert_false (vb_rich_text_activate_link_at_cursor (view));
  p = strstr (text, "afspraak;");
  place_cursor (view, (int) g_utf8_pointer_to_offset (text, p) + (int) strlen ("afspraak"));
  g_assert_false (vb_rich_text_activate_link_at_cursor (view));
  g_assert_cmpuint (seen->len, ==, 1);
  g_signal_handlers_disconnect_by_func (view, record_link, seen);

  /* Tab visits every link in order, selecting it, then lets focus go */
  forward = tab_through_links (view);
  g_assert_cmpuint (forward->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (forward, i), ==, expected[i]);
  g_assert_true (gtk_text_buffer_get_selection_bounds (buffer, &start, &end));
  {
    g_autofree char *selected = gtk_text_iter_get_text (&start, &end);

    g_assert_cmpstr (selected, ==, "info@example.nl");
  }
  g_assert_false (vb_rich_text_move_to_link (view, TRUE));

  /* Shift+Tab from the bottom visits them backwards */
  g_ptr_array_set_size (seen, 0);
  g_signal_connect (view, "activate-link", G_CALLBACK (record_link), seen);
  place_cursor (view, -1);
  while (vb_rich_text_move_to_link (view, FALSE))
    g_assert_true (vb_rich_text_activate_link_at_cursor (view));
  g_assert_cmpuint (seen->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (seen, i), ==, expected[G_N_ELEMENTS (expected) - 1 - i]);
  g_assert_false (vb_rich_text_move_to_link (view, FALSE));

  /* Tab and Shift+Tab turn around */
  place_cursor (view, 0);
  g_ptr_array_set_size (seen, 0);
  g_assert_true (vb_rich_text_move_to_link (view, TRUE));
  g_assert_true (vb_rich_text_move_to_link (view, TRUE));
  g_assert_true (vb_rich_text_move_to_link (view, FALSE));
  g_assert_true (vb_rich_text_activate_link_at_cursor (view));
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, expected[0]);
  g_signal_handlers_disconnect_by_func (view, record_link, seen);

  /* a link at the very start is reached too */
  vb_rich_text_set_html (view, "<p><a href=\"https://a.example/\">A</a> en "
                               "<a href=\"https://b.example/\">B</a></p>");
  g_clear_pointer (&forward, g_ptr_array_unref);
  forward = tab_through_links (view);
  g_assert_cmpuint (forward->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (forward, 0), ==, "https://a.example/");
  g_assert_cmpstr (g_ptr_array_index (forward, 1), ==, "https://b.example/");
  g_assert_cmpuint (check_link_tag_ranges (view), ==, 2);
}

/* Runs the main loop for @duration_ms; returns the longest single iteration in ms. */
static double
longest_iteration (guint duration_ms)
{
  gint64 until = g_get_monotonic_time () + duration_ms * 1000, longest = 0;

  while (g_get_monotonic_time () < until)
    {
      gint64 t0 = g_get_monotonic_time ();

      g_main_context_iteration (NULL, FALSE);
      longest = MAX (longest, g_get_monotonic_time () - t0);
    }
  return longest / 1000.0;
}

static void
test_nested (void)
{
  g_autoptr(GString) html = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(VbRichText) view = new_view ();
  g_autoptr(GtkWidget) window = NULL;
  g_autofree char *text = NULL;
  gint64 t0, t1;

  for (guint i = 0; i < 10000; i++)
    {
      g_string_append_printf (html, "<b>w%u ", i);
      g_string_append_printf (expected, "%sw%u", i > 0 ? " " : "", i);
    }
  g_string_append (html, "einde");
  g_string_append (expected, " einde");

  t0 = g_get_monotonic_time ();
  vb_rich_text_set_html (view, html->str);
  t1 = g_get_monotonic_time ();
  g_test_message ("10,000 nested <b>: set_html took %.1f ms", (t1 - t0) / 1000.0);

  text = vb_rich_text_dup_text (view);
  g_assert_cmpstr (text, ==, expected->str);

  /* and shown: the first layout is cheap too */
  window = g_object_ref_sink (gtk_window_new ());
  {
    GtkWidget *scrolled = gtk_scrolled_window_new ();

    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (view));
    gtk_window_set_child (GTK_WINDOW (window), scrolled);
  }
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 400);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (view)))
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("shown: longest main loop iteration %.1f ms", longest_iteration (300));
  t0 = g_get_monotonic_time ();
  vb_rich_text_set_html (view, html->str);
  t1 = g_get_monotonic_time ();
  g_test_message ("10,000 nested <b> again, in a window: set_html took %.1f ms, then longest "
                  "main loop iteration %.1f ms", (t1 - t0) / 1000.0, longest_iteration (300));

  /* and 10,000 nested lists, quotes and links: the text stays */
  g_string_truncate (html, 0);
  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (html, "<ul><li><blockquote><a href=\"https://x.example/%u\">x%u ",
                            i, i);
  t0 = g_get_monotonic_time ();
  vb_rich_text_set_html (view, html->str);
  t1 = g_get_monotonic_time ();
  g_test_message ("10,000 nested ul/li/blockquote/a: set_html took %.1f ms, then longest "
                  "main loop iteration %.1f ms", (t1 - t0) / 1000.0, longest_iteration (300));
  g_clear_pointer (&text, g_free);
  text = vb_rich_text_dup_text (view);
  g_assert_nonnull (strstr (text, "x0"));
  g_assert_nonnull (strstr (text, "x5000"));
  g_assert_nonnull (strstr (text, "x9999"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_large (void)
{
  g_autoptr(GString) html = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(VbRichText) view = new_view ();
  g_autoptr(GtkWidget) window = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *last_uri = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gint64 t0, t1, longest = 0;
  guint n = 0;
  int chars;

  while (html->len < 1024 * 1024)
    {
      g_string_append_printf (html,
                              "<p>Alinea %u: de aanvraag van een <b>uittreksel</b> uit de BRP "
                              "kost <i>€ 14,40</i> en kan via "
                              "<a href=\"https://www.example.nl/brp/%u\">de website</a>.</p>\n",
                              n, n);
      if (n % 10 == 9)
        g_string_append (html, "<ul><li>één</li><li>twee</li></ul>\n");
      g_string_append_printf (expected,
                              "%sAlinea %u: de aanvraag van een uittreksel uit de BRP kost "
                              "€ 14,40 en kan via de website.",
                              n > 0 ? "\n" : "", n);
      if (n % 10 == 9)
        g_string_append (expected, "\n• één\n• twee");
      n++;
    }

  chars = (int) g_utf8_strlen (expected->str, expected->len);

  /* shown in a window, as it will be */
  window = g_object_ref_sink (gtk_window_new ());
  {
    GtkWidget *scrolled = gtk_scrolled_window_new ();

    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (view));
    gtk_window_set_child (GTK_WINDOW (window), scrolled);
  }
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 400);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (view)))
    g_main_context_iteration (NULL, TRUE);

  t0 = g_get_monotonic_time ();
  vb_rich_text_set_html (view, html->str);
  t1 = g_get_monotonic_time ();
  g_test_message ("%.2f MB answer (%u paragraphs, %u links): set_html took %.1f ms",
                  html->len / (1024.0 * 1024.0), n, n, (t1 - t0) / 1000.0);
  {
    g_autofree char *plain = NULL;

    t0 = g_get_monotonic_time ();
    plain = vb_html_to_text (html->str, -1);
    t1 = g_get_monotonic_time ();
    g_test_message ("(the walk alone, as vb_html_to_text: %.1f ms)", (t1 - t0) / 1000.0);
  }

  /* all of the text at once, though the buffer fills in steps */
  text = vb_rich_text_dup_text (view);
  g_assert_cmpuint (strlen (text), ==, expected->len);
  g_assert_cmpstr (text, ==, expected->str);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), >, 0);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), <, chars);

  /* the main loop stays free: no step takes long */
  t0 = g_get_monotonic_time ();
  while (gtk_text_buffer_get_char_count (buffer) < chars)
    {
      gint64 s0 = g_get_monotonic_time ();

      g_main_context_iteration (NULL, TRUE);
      longest = MAX (longest, g_get_monotonic_time () - s0);
      g_assert_cmpint (g_get_monotonic_time () - t0, <, 60 * G_USEC_PER_SEC);
    }
  t1 = g_get_monotonic_time ();
  g_test_message ("the rest reached the buffer in %.1f ms; longest main loop iteration %.1f ms",
                  (t1 - t0) / 1000.0, longest / 1000.0);
  g_clear_pointer (&text, g_free);
  text = buffer_text (view);
  g_strdelimit (text, "\t", ' ');
  g_assert_cmpstr (text, ==, expected->str);

  /* the tags reached the end too */
  {
    GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
    const char *last = g_strrstr (expected->str, "uittreksel");
    GtkTextIter iter;

    gtk_text_buffer_get_iter_at_offset (buffer, &iter,
                                        (int) g_utf8_pointer_to_offset (expected->str, last));
    g_assert_true (gtk_text_iter_has_tag (&iter, gtk_text_tag_table_lookup (table, "bold")));
  }

  t0 = g_get_monotonic_time ();
  links = tab_through_links (view);
  t1 = g_get_monotonic_time ();
  g_assert_cmpuint (links->len, ==, n);
  last_uri = g_strdup_printf ("https://www.example.nl/brp/%u", n - 1);
  g_assert_cmpstr (g_ptr_array_index (links, n - 1), ==, last_uri);
  g_test_message ("Tab through %u links: %.1f ms", n, (t1 - t0) / 1000.0);
  g_assert_cmpuint (check_link_tag_ranges (view), ==, n);

  /* replaced while loading, and destroyed while loading */
  vb_rich_text_set_html (view, html->str);
  vb_rich_text_set_html (view, "<p>Kort</p>");
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_clear_pointer (&text, g_free);
  text = buffer_text (view);
  g_assert_cmpstr (text, ==, "Kort");
  vb_rich_text_set_html (view, html->str);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
got_clipboard_text (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  g_assert_nonnull (*text);
}

static char *
copy_selection (VbRichText *view)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  char *text = NULL;

  g_signal_emit_by_name (view, "copy-clipboard");
  gdk_clipboard_read_text_async (clipboard, NULL, got_clipboard_text, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);
  return text;
}

/* One enormous paragraph is split for GtkTextView's sake, but not for the reader. */
static void
test_long_line (void)
{
  g_autoptr(GString) html = g_string_new ("<ul><li>");
  g_autoptr(GString) expected = g_string_new ("• ");
  g_autoptr(VbRichText) view = new_view ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_autofree char *text = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *part = NULL;
  GtkTextIter start, end;
  gint64 t0, t1;

  for (guint i = 0; i < 20000; i++)
    {
      g_string_append_printf (html, "woord%u ", i);
      g_string_append_printf (expected, "%swoord%u", i > 0 ? " " : "", i);
    }
  g_string_append (html, "</li><li>twee</li></ul>");
  g_string_append (expected, "\n• twee");

  t0 = g_get_monotonic_time ();
  vb_rich_text_set_html (view, html->str);
  t1 = g_get_monotonic_time ();
  g_test_message ("one paragraph of %zu KB: set_html took %.1f ms", expected->len / 1024,
                  (t1 - t0) / 1000.0);
  while (gtk_text_buffer_get_char_count (buffer) < (int) g_utf8_strlen (expected->str, -1))
    g_main_context_iteration (NULL, TRUE);

  text = vb_rich_text_dup_text (view);
  g_assert_cmpstr (text, ==, expected->str);
  g_assert_cmpint (gtk_text_buffer_get_line_count (buffer), >, 20000 * 8 / 4000);
  for (int line = 0; line < gtk_text_buffer_get_line_count (buffer); line++)
    {
      gtk_text_buffer_get_iter_at_line (buffer, &start, line);
      g_assert_cmpint (gtk_text_iter_get_chars_in_line (&start), <=, 4001);
    }

  /* copying puts the spaces back, and a space after the markers */
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_select_range (buffer, &start, &end);
  copied = copy_selection (view);
  g_assert_cmpstr (copied, ==, expected->str);

  gtk_text_buffer_get_iter_at_offset (buffer, &start, 0);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, 9);
  gtk_text_buffer_select_range (buffer, &start, &end);
  part = copy_selection (view);
  g_assert_cmpstr (part, ==, "• woord0 ");
  shown = buffer_text (view);
  g_assert_true (g_str_has_prefix (shown, "•\twoord0 "));
}

static void
test_copy_html (void)
{
  g_autoptr(VbRichText) view = new_view ();
  g_autofree char *html = NULL;

  vb_rich_text_set_html (view, "<p style=\"color:red\" onclick=\"x()\">Hallo <b>wereld</b>"
                               "<script>document.cookie</script></p>");
  html = vb_rich_text_dup_html (view);
  g_assert_cmpstr (html, ==, "<p>Hallo <strong>wereld</strong></p>");
}

static void
test_screenshot (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = vb_rich_text_new ();
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GtkCssProvider) provider = NULL;
  GskRenderer *renderer;
  gint64 until;
  int width, height;

  /* libadwaita, which the application uses, defines the accent colour; GTK 4.8 alone does
   * not, and then links are only underlined */
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, "@define-color accent_color #1c71d8;", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 400);
  vb_rich_text_set_html (VB_RICH_TEXT (view), SAMPLE_ANSWER);
  gtk_window_present (GTK_WINDOW (window));

  while (!gtk_widget_get_mapped (view))
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_grab_focus (view);
  vb_rich_text_move_to_link (VB_RICH_TEXT (view), TRUE);
  vb_rich_text_move_to_link (VB_RICH_TEXT (view), TRUE);
  until = g_get_monotonic_time () + 300 * 1000;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);

  /* links take the accent colour, and follow it */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
    GtkTextTag *link = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "link");
    g_autoptr(GdkRGBA) color = NULL;
    GdkRGBA accent;

    g_assert_true (gdk_rgba_parse (&accent, "#1c71d8"));
    g_object_get (link, "foreground-rgba", &color, NULL);
    g_assert_nonnull (color);
    g_assert_true (gdk_rgba_equal (color, &accent));
  }

  width = gtk_widget_get_width (scrolled);
  height = gtk_widget_get_height (scrolled);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  paintable = gtk_widget_paintable_new (scrolled);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (scrolled));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, "rich-text.png"));

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (provider));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rich-text/hostile", test_hostile);
  g_test_add_func ("/rich-text/normal", test_normal);
  g_test_add_func ("/rich-text/links", test_links);
  g_test_add_func ("/rich-text/nested", test_nested);
  g_test_add_func ("/rich-text/large", test_large);
  g_test_add_func ("/rich-text/long-line", test_long_line);
  g_test_add_func ("/rich-text/copy-html", test_copy_html);
  g_test_add_func ("/rich-text/screenshot", test_screenshot);

  return g_test_run ();
}
