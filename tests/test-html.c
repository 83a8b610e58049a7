/* test-html.c: untrusted HTML to safe HTML, plain text and rich-text events; Markdown
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <string.h>

#include "vb-html.h"

/* ---- helpers ---- */

static void
assert_text (const char *html,
             const char *expected)
{
  g_autofree char *text = vb_html_to_text (html, -1);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_sanitized (const char *html,
                  const char *expected)
{
  g_autofree char *safe = vb_html_sanitize (html, -1);
  g_autofree char *again = vb_html_sanitize (safe, -1);

  g_assert_cmpstr (safe, ==, expected);
  /* the subset reads back as itself */
  g_assert_cmpstr (again, ==, safe);
}

/* Records the events as a compact string: [P] [H1] [L2.3] [Q1] [PRE] ... [/], runs as
 * {text} with b, i, c for the styles and @url for the link, | for line breaks. */
static void
rec_start_block (VbHtmlBlock block,
                 guint       level,
                 guint       ordinal,
                 gpointer    user_data)
{
  GString *out = user_data;

  switch (block)
    {
    case VB_HTML_BLOCK_PARAGRAPH:
      g_assert_cmpuint (level, ==, 0);
      g_string_append (out, "[P]");
      break;
    case VB_HTML_BLOCK_HEADING:
      g_string_append_printf (out, "[H%u]", level);
      break;
    case VB_HTML_BLOCK_LIST_ITEM:
      g_string_append_printf (out, "[L%u.%u]", level, ordinal);
      break;
    case VB_HTML_BLOCK_QUOTE:
      g_string_append_printf (out, "[Q%u]", level);
      break;
    case VB_HTML_BLOCK_PREFORMATTED:
      g_string_append (out, "[PRE]");
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
rec_end_block (VbHtmlBlock block,
               gpointer    user_data)
{
  g_string_append (user_data, "[/]");
}

static void
rec_text (const char  *text,
          gsize        len,
          VbHtmlStyle  style,
          const char  *link,
          gpointer     user_data)
{
  GString *out = user_data;

  g_assert_cmpuint (len, >, 0);
  g_assert_null (memchr (text, '\n', len));
  g_assert_true (g_utf8_validate (text, len, NULL));
  if (link != NULL)
    g_assert_true (vb_html_link_is_allowed (link));

  g_string_append_c (out, '{');
  if (style & VB_HTML_STYLE_BOLD)
    g_string_append_c (out, 'b');
  if (style & VB_HTML_STYLE_ITALIC)
    g_string_append_c (out, 'i');
  if (style & VB_HTML_STYLE_CODE)
    g_string_append_c (out, 'c');
  if (link != NULL)
    g_string_append_printf (out, "@%s", link);
  if (style != 0 || link != NULL)
    g_string_append_c (out, ':');
  g_string_append_len (out, text, len);
  g_string_append_c (out, '}');
}

static void
rec_line_break (gpointer user_data)
{
  g_string_append_c (user_data, '|');
}

static const VbHtmlVisitor recorder = {
  rec_start_block, rec_end_block, rec_text, rec_line_break,
};

static char *
record (const char *html)
{
  GString *out = g_string_new (NULL);

  vb_html_walk (html, -1, &recorder, out);
  return g_string_free (out, FALSE);
}

static void
assert_events (const char *html,
               const char *expected)
{
  g_autofree char *events = record (html);

  g_assert_cmpstr (events, ==, expected);
}

static guint
count_substr (const char *haystack,
              const char *needle)
{
  guint n = 0;
  gsize len = strlen (needle);

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + len, needle))
    n++;
  return n;
}

/* Every tag in sanitized output is one of the subset, and the only attributes are href
 * on a and start on ol. */
static void
assert_only_subset (const char *safe)
{
  static const char *allowed[] = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "br", "strong", "em",
    "code", "a",
  };

  for (const char *p = strchr (safe, '<'); p != NULL; p = strchr (p + 1, '<'))
    {
      const char *q = p + 1;
      gsize n;
      gboolean ok = FALSE;

      if (*q == '/')
        q++;
      n = strspn (q, "abcdefghijklmnopqrstuvwxyz0123456789");
      for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
        if (strlen (allowed[i]) == n && strncmp (q, allowed[i], n) == 0)
          ok = TRUE;
      if (!ok)
        g_error ("tag outside the subset in: %s", safe);
      if (q[n] == ' ')
        {
          /* one attribute, double-quoted, nothing after it */
          const char *value = strchr (q, '"') + 1;
          const char *quote = strchr (value, '"');

          g_assert_true (g_str_has_prefix (q, "a href=\"") || g_str_has_prefix (q, "ol start=\""));
          g_assert_nonnull (quote);
          g_assert_cmpint (quote[1], ==, '>');
          g_assert_null (memchr (value, '<', quote - value));
        }
      else
        g_assert_cmpint (q[n], ==, '>');
    }
}

/* ---- escaping and links ---- */

static void
test_escape_text (void)
{
  g_autofree char *escaped = vb_html_escape_text ("a & b < c > d \"e\" 'f'");
  g_autofree char *empty = vb_html_escape_text (NULL);
  g_autofree char *plain = vb_html_escape_text ("één");

  g_assert_cmpstr (escaped, ==, "a &amp; b &lt; c &gt; d &quot;e&quot; 'f'");
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (plain, ==, "één");
}

static void
test_link_allowed (void)
{
  const char *allowed[] = {
    "https://www.denhaag.nl/", "http://example.nl/a?b=c#d", "HTTPS://EXAMPLE.NL",
    "  https://example.nl/  ", "mailto:info@example.nl", "MailTo:info@example.nl?subject=x",
    "tel:+31701234567", "TEL:14070", "https://example.nl/a b",
  };
  const char *refused[] = {
    NULL, "", "   ", "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "java\x01script:x",
    "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "vbscript:msgbox",
    "/relative/path", "relative.html", "//evil.example/x", "#anchor", "?q=1",
    "https:", "https:/", "https:///x", "http:example.nl", "mailto:", "tel:",
    "ftp://example.nl/", "https://exa\tmple.nl/", "https://example.nl/\x7f",
    "\xc2\xa0javascript:alert(1)", "javascript&#58;alert(1)", "javascript&colon;alert(1)",
    "jav&#x09;ascript:alert(1)",
  };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_test_message ("allowed: %s", allowed[i]);
      g_assert_true (vb_html_link_is_allowed (allowed[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_message ("refused: %s", refused[i] ? refused[i] : "(null)");
      g_assert_false (vb_html_link_is_allowed (refused[i]));
    }

  /* a link carries the trimmed URL, scheme lower-cased, inner spaces as %20 */
  assert_events ("<a href=\"  HTTPS://Example.nl/a b \">x</a>",
                 "[P]{@https://Example.nl/a%20b:x}[/]");
}

/* ---- hostile input ---- */

static void
test_hostile (void)
{
  const char *html =
    "<script>alert('script')</script>"
    "<style>body { display: none }</style>"
    "<p onclick=\"steal()\" style=\"color:red\" class=\"x\">Tekst "
    "<a href=\"javascript:alert(1)\" onmouseover=\"x()\">js</a> "
    "<a href=\"JaVaScRiPt:alert(1)\">mixed</a> "
    "<a href=\"&#106;avascript:alert(1)\">entity</a> "
    "<a href=\"&#x6A;avascript&#x3A;alert(1)\">hex</a> "
    "<a href=\"java&#09;script:alert(1)\">tab</a> "
    "<a href=\"data:text/html,&lt;script&gt;\">data</a> "
    "<a href=\"vbscript:x\">vb</a> "
    "<a href=\"file:///etc/passwd\">file</a> "
    "<a href=\"/intern\">relative</a> "
    "<a href=\"https://www.denhaag.nl/\" target=\"_blank\" onclick=\"x()\">ok</a>"
    "</p>"
    "<iframe src=\"https://evil.example/\">iframe text</iframe>"
    "<object data=\"x.swf\"><p>object text</p></object>"
    "<embed src=\"x.swf\">"
    "<noscript><p>noscript text</p></noscript>"
    "<template><p>template text</p></template>"
    "<svg><script>svg script</script><text>svg text</text></svg>"
    "<math><mi>math text</mi></math>"
    "<form action=\"https://evil.example/\"><select><option>optie</option></select>"
    "<textarea>area text</textarea><input value=\"input text\"><button>Verstuur</button></form>"
    "<title>title text</title>"
    "<img src=\"x\" onerror=\"alert(1)\">"
    "<p>Einde</p>";
  g_autofree char *text = vb_html_to_text (html, -1);
  g_autofree char *safe = vb_html_sanitize (html, -1);

  g_assert_cmpstr (text, ==,
                   "Tekst js mixed entity hex tab data vb file relative ok\n\n"
                   "Verstuur\n\n"
                   "Einde");
  g_assert_cmpstr (safe, ==,
                   "<p>Tekst js mixed entity hex tab data vb file relative "
                   "<a href=\"https://www.denhaag.nl/\">ok</a></p>\n"
                   "<p>Verstuur</p>\n"
                   "<p>Einde</p>");
  assert_only_subset (safe);
  g_assert_null (strstr (safe, "script"));
  g_assert_null (strstr (safe, "onclick"));
  g_assert_null (strstr (safe, "text</"));
}

static void
test_hostile_markup_tricks (void)
{
  /* Text that looks like markup stays text, escaped. */
  assert_sanitized ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
                    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
  /* An attribute value with markup in it never leaks. */
  assert_sanitized ("<a href=\"https://x.nl/\" title='\"><script>alert(1)</script>'>t</a>",
                    "<p><a href=\"https://x.nl/\">t</a></p>");
  /* Quotes in an allowed URL are escaped in the attribute. */
  assert_sanitized ("<a href='https://x.nl/?a=\"b\"&amp;c=<d>'>t</a>",
                    "<p><a href=\"https://x.nl/?a=&quot;b&quot;&amp;c=&lt;d&gt;\">t</a></p>");
  /* Comments, CDATA, processing instructions and doctypes vanish. */
  assert_text ("<!DOCTYPE html><!-- <p>verborgen</p> --><?php echo 1; ?><p>zichtbaar</p>",
               "zichtbaar");
  /* Unclosed script swallows the rest, it does not show it. */
  assert_text ("<p>voor</p><script>var a = '<p>na</p>';", "voor");
  /* A meta charset cannot reinterpret the UTF-8 input. */
  assert_text ("<meta charset=\"iso-8859-1\"><p>café – ok</p>", "café – ok");
  /* Stray html and body end tags do not end the document. */
  assert_text ("<html><body><p>a</p></body></html><p>b</p></html>c", "a\n\nb\n\nc");
  /* Elements libxml2 does not know are transparent. */
  assert_text ("<custom-el x=1>eigen</custom-el> <x:y>ns</x:y>", "eigen ns");
}

/* ---- structure ---- */

static void
test_lists (void)
{
  const char *html =
    "<ul>"
    "  <li>Paspoort</li>"
    "  <li>ID-kaart"
    "    <ol><li>aanvragen</li><li>ophalen"
    "      <ul><li>met afspraak</li></ul>"
    "    </li></ol>"
    "  </li>"
    "  <li>Rijbewijs</li>"
    "</ul>"
    "<ol start=\"7\"><li>zeven</li><li>acht</li></ol>"
    "<ol><li>een<li>twee</ol>";

  assert_events (html,
                 "[L1.0]{Paspoort}[/][L1.0]{ID-kaart}[/][L2.1]{aanvragen}[/]"
                 "[L2.2]{ophalen}[/][L3.0]{met afspraak}[/][L1.0]{Rijbewijs}[/]"
                 "[L1.7]{zeven}[/][L1.8]{acht}[/][L1.1]{een}[/][L1.2]{twee}[/]");
  assert_text (html,
               "• Paspoort\n"
               "• ID-kaart\n"
               "  1. aanvragen\n"
               "  2. ophalen\n"
               "    • met afspraak\n"
               "• Rijbewijs\n"
               "7. zeven\n"
               "8. acht\n"
               "1. een\n"
               "2. twee");
  assert_sanitized (html,
                    "<ul>\n"
                    "<li>Paspoort</li>\n"
                    "<li>ID-kaart<ol>\n"
                    "<li>aanvragen</li>\n"
                    "<li>ophalen<ul>\n"
                    "<li>met afspraak</li>\n"
                    "</ul>\n"
                    "</li>\n"
                    "</ol>\n"
                    "</li>\n"
                    "<li>Rijbewijs</li>\n"
                    "</ul>\n"
                    "<ol start=\"7\">\n"
                    "<li>zeven</li>\n"
                    "<li>acht</li>\n"
                    "</ol>\n"
                    "<ol>\n"
                    "<li>een</li>\n"
                    "<li>twee</li>\n"
                    "</ol>");
}

static void
test_list_items_with_blocks (void)
{
  /* Paragraphs inside an item are lines of that item: one bullet per <li>. */
  assert_events ("<ul><li><p>Stap een</p><p>Details</p></li><li>Twee<br>regels</li></ul>",
                 "[L1.0]{Stap een}|{Details}[/][L1.0]{Twee}|{regels}[/]");
  assert_text ("<ol><li><p>Stap een</p><p>Details</p></li><li>Twee</li></ol>",
               "1. Stap een\n   Details\n2. Twee");
  /* Text after a nested list continues as a paragraph, not as a second bullet. */
  assert_events ("<ul><li>a<ul><li>b</li></ul>c</li></ul>",
                 "[L1.0]{a}[/][L2.0]{b}[/][P]{c}[/]");
  /* A <li> outside any list is still an item; deep lists are clamped. */
  assert_events ("<li>los</li>", "[L1.0]{los}[/]");
  {
    GString *deep = g_string_new (NULL);
    g_autofree char *events = NULL;

    for (guint i = 0; i < 20; i++)
      g_string_append (deep, "<ul><li>x");
    events = record (deep->str);
    g_assert_cmpuint (count_substr (events, "{x}"), ==, 20);
    g_assert_nonnull (strstr (events, "[L8.0]{x}[/][L8.0]{x}[/]"));
    g_assert_null (strstr (events, "[L9"));
    g_string_free (deep, TRUE);
  }
}

static void
test_headings (void)
{
  const char *html = "<h1>Een</h1><h2>Twee</h2><h3>Drie</h3><h4>Vier</h4><h5>Vijf</h5>"
                     "<h6>Zes</h6><h2><b>Vet</b> kop</h2><h3></h3>";

  assert_events (html,
                 "[H1]{Een}[/][H1]{Twee}[/][H2]{Drie}[/][H3]{Vier}[/][H3]{Vijf}[/][H3]{Zes}[/]"
                 "[H1]{b:Vet}{ kop}[/]");
  assert_text (html, "Een\n\nTwee\n\nDrie\n\nVier\n\nVijf\n\nZes\n\nVet kop");
  assert_sanitized (html,
                    "<h2>Een</h2>\n<h2>Twee</h2>\n<h3>Drie</h3>\n<h4>Vier</h4>\n<h4>Vijf</h4>\n"
                    "<h4>Zes</h4>\n<h2><strong>Vet</strong> kop</h2>");
}

static void
test_styles_and_links (void)
{
  assert_events ("<p>Een <b>vet</b>, <strong>sterk</strong>, <i>schuin</i>, <em>nadruk</em>, "
                 "<code>code</code> en <b><i>beide</i></b>.</p>",
                 "[P]{Een }{b:vet}{, }{b:sterk}{, }{i:schuin}{, }{i:nadruk}{, }{c:code}"
                 "{ en }{bi:beide}{.}[/]");
  /* The collapsed space between two runs keeps only the style both sides share. */
  assert_events ("<p><b>a </b><b>b</b> <i>c</i></p>", "[P]{b:a b}{ }{i:c}[/]");
  assert_events ("<p>Zie <a href=\"https://www.denhaag.nl/paspoort\">de <b>pagina</b></a> "
                 "of <a href=\"mailto:info@denhaag.nl\">mail</a>.</p>",
                 "[P]{Zie }{@https://www.denhaag.nl/paspoort:de }"
                 "{b@https://www.denhaag.nl/paspoort:pagina}{ of }{@mailto:info@denhaag.nl:mail}"
                 "{.}[/]");
  assert_sanitized ("<p>Zie <a href=\"https://www.denhaag.nl/paspoort\">de <b>pagina</b></a> "
                    "of <a href=\"tel:14070\">bel</a>.</p>",
                    "<p>Zie <a href=\"https://www.denhaag.nl/paspoort\">de <strong>pagina"
                    "</strong></a> of <a href=\"tel:14070\">bel</a>.</p>");
  /* A refused link keeps its text and styles. */
  assert_events ("<a href=\"javascript:x\"><b>klik</b></a>", "[P]{b:klik}[/]");
}

static void
test_links_in_text (void)
{
  g_autofree char *plain = NULL, *with_links = NULL;
  const char *html = "<p>Zie <a href=\"https://www.denhaag.nl/paspoort\">de pagina</a>, "
                     "<a href=\"https://www.denhaag.nl/\">www.denhaag.nl</a>, "
                     "<a href=\"mailto:info@denhaag.nl\">info@denhaag.nl</a>, "
                     "<a href=\"mailto:info@denhaag.nl\">mail ons</a> of "
                     "<a href=\"tel:14070\">bel</a>.</p>";

  plain = vb_html_to_text (html, -1);
  with_links = vb_html_to_text_with_links (html, -1);
  g_assert_cmpstr (plain, ==, "Zie de pagina, www.denhaag.nl, info@denhaag.nl, mail ons of bel.");
  g_assert_cmpstr (with_links, ==,
                   "Zie de pagina (https://www.denhaag.nl/paspoort), www.denhaag.nl, "
                   "info@denhaag.nl, mail ons (info@denhaag.nl) of bel (14070).");
}

static void
test_entities (void)
{
  assert_text ("<p>&amp; &lt; &gt; &quot; &apos; &rsquo;s &euro;&nbsp;84,95 &eacute;&eacute;n "
               "&#233;&#xE9; &hellip; &mdash;</p>",
               "& < > \" ' ’s € 84,95 één éé … —");
  /* unknown entities stay as written; &nbsp; is a space and collapses like one */
  assert_text ("a &bogus; b&nbsp;&nbsp;&nbsp;c", "a &bogus; b c");
  /* NUL, surrogates and C0/C1 controls never come out */
  assert_text ("x&#0;y&#xD800;z&#1;w\x01v\xc2\x85u", "xyzwvu");
  assert_sanitized ("<p>&lt;b&gt; &amp;amp;</p>", "<p>&lt;b&gt; &amp;amp;</p>");
}

static void
test_whitespace (void)
{
  assert_text ("  <p>  veel \t\n  ruimte  </p>  \n  <p>\n</p>  ", "veel ruimte");
  assert_text ("<p>a<span> </span>b</p><p>c<span></span>d</p>", "a b\n\ncd");
  assert_text ("<p>a\r\nb\rc</p>", "a b c");
  /* leading and trailing spaces of a block and around line breaks go */
  assert_events ("<p> a <br> b <br><br><br><br> c <br> </p>", "[P]{a}|{b}||{c}[/]");
  /* blocks with only whitespace, breaks or empty elements are not emitted */
  assert_events ("<p> </p><p>&nbsp;</p><div><span></span><br></div><h2> </h2><ul><li></li></ul>",
                 "");
  assert_text ("\xef\xbb\xbf<p>na BOM</p>", "na BOM");
}

static void
test_implicit_paragraphs (void)
{
  assert_events ("gewone tekst", "[P]{gewone tekst}[/]");
  assert_events ("Hallo <b>wereld</b> <p>alinea</p> staart <i>schuin</i>",
                 "[P]{Hallo }{b:wereld}[/][P]{alinea}[/][P]{staart }{i:schuin}[/]");
  assert_text ("regel 1<br>regel 2", "regel 1\nregel 2");
  assert_text ("<div>a<div>b</div>c</div>", "a\n\nb\n\nc");
}

static void
test_quote_and_pre (void)
{
  assert_events ("<blockquote><p>een</p><p>twee</p><blockquote>diep</blockquote></blockquote>",
                 "[Q1]{een}[/][Q1]{twee}[/][Q2]{diep}[/]");
  assert_sanitized ("<blockquote><p>een</p><blockquote>diep</blockquote></blockquote><p>na</p>",
                    "<blockquote>\n<p>een</p>\n<blockquote>\n<p>diep</p>\n</blockquote>\n"
                    "</blockquote>\n<p>na</p>");
  assert_events ("<pre>\n  if (a &lt; b)\n\treturn;   \n\n  <b>x</b>\n</pre>",
                 "[PRE]{  if (a < b)}|{\treturn;}||{  }{b:x}[/]");
  assert_text ("<pre>\n  if (a &lt; b)\n\treturn;\n</pre>", "  if (a < b)\n\treturn;");
  assert_sanitized ("<pre>a &lt; b\n  <code>c</code>\n</pre>", "<pre>a &lt; b\n  c</pre>");
}

static void
test_tables (void)
{
  const char *html =
    "<table><caption>Tarieven</caption>"
    "<thead><tr><th>Product</th><th>Prijs</th></tr></thead>"
    "<tbody><tr><td>Paspoort</td><td>&euro; 84,95</td></tr>"
    "<tr><td><p>ID-kaart</p><p>(18+)</p></td><td></td><td>&euro; 77,20</td></tr>"
    "<tr><td></td><td></td></tr></tbody></table>";

  assert_events (html,
                 "[P]{Tarieven}[/][P]{b:Product}{ | }{b:Prijs}[/][P]{Paspoort | € 84,95}[/]"
                 "[P]{ID-kaart (18+) | € 77,20}[/]");
  assert_text (html, "Tarieven\n\nProduct | Prijs\n\nPaspoort | € 84,95\n\n"
                     "ID-kaart (18+) | € 77,20");
  /* libxml2 closes unclosed cells and rows */
  assert_text ("<table><tr><td>a<td>b<tr><td>c</table>", "a | b\n\nc");
}

static void
test_images (void)
{
  assert_text ("<p>Zie <img src=\"k.png\" alt=\"  plattegrond\n stadhuis \"> hier<img src=x>.</p>",
               "Zie [plattegrond stadhuis] hier.");
  assert_events ("<a href=\"https://x.nl/\"><img alt=\"logo\"></a>", "[P]{@https://x.nl/:[logo]}[/]");
  assert_events ("<img src=\"x\"><img alt=\"\"><img alt=\" \">", "");
}

static void
test_empty_input (void)
{
  g_autofree char *a = vb_html_to_text (NULL, -1);
  g_autofree char *b = vb_html_to_text ("", -1);
  g_autofree char *c = vb_html_to_text ("<p>x</p>", 0);
  g_autofree char *d = vb_html_sanitize (NULL, 5);
  g_autofree char *e = vb_html_sanitize ("   ", -1);
  g_autofree char *f = vb_html_to_text ("<p>abc</p>", 5);
  g_autofree char *g = vb_html_to_text_with_links (NULL, -1);
  g_autofree char *events = record (NULL);

  g_assert_cmpstr (a, ==, "");
  g_assert_cmpstr (b, ==, "");
  g_assert_cmpstr (c, ==, "");
  g_assert_cmpstr (d, ==, "");
  g_assert_cmpstr (e, ==, "");
  g_assert_cmpstr (f, ==, "ab");
  g_assert_cmpstr (g, ==, "");
  g_assert_cmpstr (events, ==, "");
  /* a start tag cut off by the end of the input */
  assert_text ("<p>tekst<b", "tekst");
  assert_text ("<p>tekst <a href=\"https://x.nl/", "tekst");
}

static void
test_invalid_utf8 (void)
{
  const char html[] = "<p>caf\xe9 \xff\xfe na\xc3</p><p>nul\0byte</p>";
  g_autofree char *text = vb_html_to_text (html, sizeof html - 1);
  g_autofree char *safe = vb_html_sanitize (html, sizeof html - 1);
  g_autofree char *links = vb_html_to_text_with_links ("<a href=\"https://x.nl/\xff\">\xfe</a>", -1);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (g_utf8_validate (safe, -1, NULL));
  g_assert_true (g_utf8_validate (links, -1, NULL));
  g_assert_cmpstr (text, ==, "caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd na\xef\xbf\xbd\n\n"
                             "nul\xef\xbf\xbd" "byte");
  g_assert_cmpstr (links, ==, "\xef\xbf\xbd (https://x.nl/\xef\xbf\xbd)");
}

static void
test_sanitize_idempotent (void)
{
  const char *cases[] = {
    "<p>a<br>b</p><ul><li>x<ol><li>y</li><li>z</li></ol></li></ul><ol start=4><li>q</ol>",
    "<ol><li>a</li></ol><ol><li>b</li></ol>",
    "<ul><li>a<ul><li>b</li></ul>c</li><li>d</li></ul>",
    "<ul><ul><ul><li>diep</li></ul></ul></ul>",
    "<h1>a</h1><h4>b</h4><blockquote>c<blockquote>d</blockquote>e</blockquote><pre> f\n g</pre>",
    "<table><tr><td>a</td><td><b>b</b></td></tr></table>",
    "<p><a href=\"https://x.nl/\"><b>a</b><i>b</i></a> <a href=\"https://x.nl/\">c</a></p>",
    "<p><code>x &lt; y</code> <b><i><code>alles</code></i></b></p>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *once = vb_html_sanitize (cases[i], -1);
      g_autofree char *twice = vb_html_sanitize (once, -1);
      g_autofree char *text1 = vb_html_to_text (cases[i], -1);
      g_autofree char *text2 = vb_html_to_text (once, -1);

      g_autofree char *shown = g_utf8_make_valid (cases[i], -1);

      g_test_message ("%s -> %s", shown, once);
      assert_only_subset (once);
      g_assert_cmpstr (twice, ==, once);
      g_assert_cmpstr (text2, ==, text1);
    }
}

/* ---- size and depth ---- */

static void
assert_deep (const char *open,
             const char *close,
             guint       depth,
             gboolean    blocks)
{
  GString *html = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autofree char *safe = NULL;
  gint64 start;
  double seconds;

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (html, "%sw", open);
  for (guint i = 0; i < depth; i++)
    g_string_append (html, close);

  start = g_get_monotonic_time ();
  text = vb_html_to_text (html->str, html->len);
  safe = vb_html_sanitize (html->str, html->len);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%u x %s: %.3f s", depth, open, seconds);
  g_assert_cmpfloat (seconds, <, 5.0);

  g_assert_cmpuint (count_substr (text, "w"), ==, depth);
  g_assert_cmpuint (count_substr (safe, "w"), ==, depth);
  if (!blocks)
    {
      /* inline nesting: one paragraph of depth w's */
      GString *expected = g_string_new (NULL);

      for (guint i = 0; i < depth; i++)
        g_string_append_c (expected, 'w');
      g_assert_cmpstr (text, ==, expected->str);
      g_string_free (expected, TRUE);
    }
  g_string_free (html, TRUE);
}

static void
test_deep_nesting (void)
{
  assert_deep ("<b>", "</b>", 10000, FALSE);
  assert_deep ("<span>", "</span>", 10000, FALSE);
  assert_deep ("<a href=\"https://x.nl/\">", "</a>", 10000, FALSE);
  assert_deep ("<div>", "</div>", 10000, TRUE);
  assert_deep ("<blockquote>", "</blockquote>", 10000, TRUE);
  assert_deep ("<ul><li>", "</li></ul>", 10000, TRUE);
  assert_deep ("<table><tr><td>", "</td></tr></table>", 10000, TRUE);
  assert_deep ("<p>", "</p>", 10000, TRUE);
  assert_deep ("<b><i><code><em>", "</em></code></i></b>", 5000, FALSE);
  assert_deep ("<h2>", "", 10000, TRUE);

  {
    /* exact: every word of 10,000 nested divs, in order and apart; the first 250 or so
     * are paragraphs, deeper ones lines */
    GString *html = g_string_new (NULL);
    g_autofree char *text = NULL;
    g_autofree char *events = NULL;
    g_auto(GStrv) words = NULL;

    for (guint i = 0; i < 10000; i++)
      g_string_append_printf (html, "<div>%u", i);
    text = vb_html_to_text (html->str, -1);
    events = record (html->str);
    g_strdelimit (text, "\n", ' ');
    words = g_strsplit (text, " ", -1);
    g_assert_cmpuint (g_strv_length (words), >=, 10000);
    for (guint i = 0, w = 0; i < 10000; i++)
      {
        g_autofree char *expected = g_strdup_printf ("%u", i);

        while (words[w][0] == '\0')
          w++;
        g_assert_cmpstr (words[w], ==, expected);
        w++;
      }
    g_assert_cmpuint (count_substr (events, "[P]"), >, 200);
    g_string_free (html, TRUE);
  }
}

static void
test_deep_dropped_content (void)
{
  /* Content that is dropped stays dropped past the parser's depth limit. */
  GString *html = g_string_new (NULL);
  g_autofree char *text = NULL;

  for (guint i = 0; i < 2000; i++)
    g_string_append (html, "<span>");
  g_string_append (html, "a<script>geheim()</script>b<style>.geheim{}</style>c"
                         "<iframe><p>geheim</p></iframe>d<svg><text>geheim</text></svg>e"
                         "<noscript>geheim</noscript>f<br>g<img alt=\"h\">"
                         "<a href=\"javascript:geheim\">i</a><b>j</b>");
  for (guint i = 0; i < 2000; i++)
    g_string_append (html, "</span>");
  g_string_append (html, "<p>k</p>");

  text = vb_html_to_text (html->str, -1);
  g_assert_cmpstr (text, ==, "abcdef\ng[h]ij\n\nk");
  g_string_free (html, TRUE);
}

static void
test_stray_end_tags (void)
{
  /* libxml2 scans its whole stack for each end tag it cannot match: the depth limit keeps
   * this linear. About 1 MB of input. */
  const char *patterns[][2] = {
    { "<b>", "</x>" },
    { "<div>", "</span>" },
    { "<p><div>", "</p>" },
    { "<b><div>", "</b>" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (patterns); k++)
    {
      GString *html = g_string_new (NULL);
      g_autofree char *text = NULL;
      gint64 start;
      double seconds;
      guint n = 0;

      while (html->len < 500000)
        {
          g_string_append (html, patterns[k][0]);
          g_string_append_c (html, 'w');
          n++;
        }
      while (html->len < 1000000)
        g_string_append (html, patterns[k][1]);
      g_string_append (html, "<p>einde</p>");

      start = g_get_monotonic_time ();
      text = vb_html_to_text (html->str, html->len);
      seconds = (g_get_monotonic_time () - start) / 1e6;
      g_test_message ("%s...%s (%zu bytes): %.3f s", patterns[k][0], patterns[k][1],
                      html->len, seconds);
      g_assert_cmpfloat (seconds, <, 5.0);
      g_assert_cmpuint (count_substr (text, "w"), ==, n);
      g_assert_true (g_str_has_suffix (text, "einde"));
      g_string_free (html, TRUE);
    }
}

static void
test_many_attributes (void)
{
  /* libxml2 compares every attribute of a tag with all earlier ones; a tag with 100,000
   * of them took 14 s before such tags were cut down to the attributes that are read. */
  GString *html = g_string_new ("<p>voor<b");
  g_autofree char *text = NULL;
  g_autofree char *safe = NULL;
  gint64 start;
  double seconds;

  for (guint i = 0; html->len < 1000000; i++)
    g_string_append_printf (html, " a%u=\"%u\"", i, i);
  g_string_append (html, ">vet</b> na</p>");
  start = g_get_monotonic_time ();
  text = vb_html_to_text (html->str, html->len);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("1 MB of attributes: %.3f s", seconds);
  g_assert_cmpfloat (seconds, <, 2.0);
  g_assert_cmpstr (text, ==, "voorvet na");

  /* what is read survives the cut: href, alt and start, as written */
  g_string_assign (html, "<a");
  for (guint i = 0; i < 100; i++)
    g_string_append_printf (html, " data-%u=\"x\"", i);
  g_string_append (html, " onclick=\"x()\" HREF = 'https://x.nl/?a=\"b\"'>link</a><img");
  for (guint i = 0; i < 100; i++)
    g_string_append_printf (html, " a%u", i);
  g_string_append (html, " alt=\"kaart\"/><ol");
  for (guint i = 0; i < 100; i++)
    g_string_append_printf (html, " a%u=1", i);
  g_string_append (html, " start=5><li>vijf</ol>");
  safe = vb_html_sanitize (html->str, html->len);
  g_assert_cmpstr (safe, ==,
                   "<p><a href=\"https://x.nl/?a=&quot;b&quot;\">link</a>[kaart]</p>\n"
                   "<ol start=\"5\">\n<li>vijf</li>\n</ol>");
  g_string_free (html, TRUE);
}

static void
test_large_answer (void)
{
  GString *html = g_string_new ("<h1>Paspoort aanvragen</h1>");
  g_autofree char *text = NULL;
  g_autofree char *safe = NULL;
  gsize expected_len = strlen ("Paspoort aanvragen");
  guint blocks = 0;
  gint64 start;
  double seconds;

  /* Each unit: a paragraph of 98 bytes of text and a list of three items. */
  while (html->len < 1024 * 1024)
    {
      g_string_append (html,
                       "<p>U vraagt een <b>paspoort</b> aan bij de gemeente&nbsp;waar u woont. "
                       "Zie <a href=\"https://www.denhaag.nl/paspoort\" onclick=\"x()\">de "
                       "website</a> &amp; maak een afspraak.</p>\n"
                       "<ul>\n  <li>Pasfoto</li>\n  <li>Oud paspoort</li>\n"
                       "  <li>Geld &euro;&nbsp;84,95</li>\n</ul>\n");
      /* "\n\n" + paragraph + "\n\n" + three items with "\n" between */
      expected_len += 2 + strlen ("U vraagt een paspoort aan bij de gemeente waar u woont. "
                                  "Zie de website & maak een afspraak.");
      expected_len += 2 + strlen ("• Pasfoto") + 1 + strlen ("• Oud paspoort") + 1 +
                      strlen ("• Geld € 84,95");
      blocks += 4;
    }

  start = g_get_monotonic_time ();
  text = vb_html_to_text (html->str, html->len);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%zu bytes of HTML to %zu bytes of text in %.3f s", html->len,
                  strlen (text), seconds);
  g_assert_cmpfloat (seconds, <, 2.0);
  g_assert_cmpuint (strlen (text), ==, expected_len);

  start = g_get_monotonic_time ();
  safe = vb_html_sanitize (html->str, html->len);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("sanitized in %.3f s", seconds);
  g_assert_cmpfloat (seconds, <, 2.0);
  g_assert_cmpuint (count_substr (safe, "<p>"), ==, blocks / 4);
  g_assert_cmpuint (count_substr (safe, "<li>"), ==, 3 * blocks / 4);
  g_assert_null (strstr (safe, "onclick"));
  g_string_free (html, TRUE);
}

static void
test_fuzz (void)
{
  static const char *pieces[] = {
    "<p>", "</p>", "<div>", "</div>", "<ul>", "</ul>", "<ol start=2>", "</ol>", "<li>", "</li>",
    "<b>", "</b>", "<i>", "</i>", "<code>", "<pre>", "</pre>", "<br>", "<h1>", "</h2>",
    "<table>", "<tr>", "<td>", "</td>", "<th>", "</table>", "<blockquote>", "</blockquote>",
    "<a href=\"https://x.nl/\">", "<a href=\"javascript:x\">", "</a>", "<script>", "</script>",
    "<style>", "<!--", "-->", "<img alt=\"i\">", "&amp;", "&nbsp;", "&#0;", " ", "\n", "\t",
    "tekst", "é", "\xff", "<", ">", "\"", "'", "=", "/", "</body>", "</html>", "<html>",
    "<svg>", "</svg>", "<x y='", "&", "<!DOCTYPE html>", "<title>", "\r\n", "<li><p>",
  };
  GRand *rand = g_rand_new_with_seed (20260101);

  for (guint round = 0; round < 3000; round++)
    {
      GString *html = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 0, 60);
      g_autofree char *text = NULL, *safe = NULL, *twice = NULL, *links = NULL;

      for (guint i = 0; i < n; i++)
        g_string_append (html, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);

      text = vb_html_to_text (html->str, html->len);
      links = vb_html_to_text_with_links (html->str, html->len);
      safe = vb_html_sanitize (html->str, html->len);
      twice = vb_html_sanitize (safe, -1);
      g_assert_true (g_utf8_validate (text, -1, NULL));
      g_assert_true (g_utf8_validate (links, -1, NULL));
      g_assert_true (g_utf8_validate (safe, -1, NULL));
      assert_only_subset (safe);
      if (g_strcmp0 (safe, twice) != 0)
        g_error ("not idempotent for %s:\n%s\n---\n%s", html->str, safe, twice);
      g_string_free (html, TRUE);
    }
  g_rand_free (rand);
}

/* ---- Markdown ---- */

static void
assert_markdown (const char *markdown,
                 const char *expected)
{
  g_autofree char *html = vb_markdown_to_html (markdown);

  g_assert_cmpstr (html, ==, expected);
}

static void
test_markdown_blocks (void)
{
  assert_markdown ("Eerste alinea\nloopt door.\n\nTweede alinea.",
                   "<p>Eerste alinea\nloopt door.</p>\n<p>Tweede alinea.</p>");
  assert_markdown ("Windows\r\nregels\r\n\r\nNieuwe alinea\r\n",
                   "<p>Windows\nregels</p>\n<p>Nieuwe alinea</p>");
  assert_markdown ("# Kop 1\n## Kop 2 ##\n###### Kop 6\n####### geen kop\n#hashtag",
                   "<h1>Kop 1</h1>\n<h2>Kop 2</h2>\n<h6>Kop 6</h6>\n"
                   "<p>####### geen kop\n#hashtag</p>");
  assert_markdown ("Regel een  \nregel twee\\\nregel drie",
                   "<p>Regel een<br>\nregel twee<br>\nregel drie</p>");
  assert_markdown ("", "");
  assert_markdown ("\n\n   \n\t\n", "");
  {
    g_autofree char *html = vb_markdown_to_html (NULL);

    g_assert_cmpstr (html, ==, "");
  }
}

static void
test_markdown_lists (void)
{
  assert_markdown ("Neem mee:\n\n- pasfoto\n- oud paspoort\n* geld\n\nKlaar.",
                   "<p>Neem mee:</p>\n<ul>\n<li>pasfoto</li>\n<li>oud paspoort</li>\n"
                   "<li>geld</li>\n</ul>\n<p>Klaar.</p>");
  assert_markdown ("1. een\n2. twee\n   vervolg\n3. drie",
                   "<ol>\n<li>een</li>\n<li>twee\nvervolg</li>\n<li>drie</li>\n</ol>");
  assert_markdown ("3. drie\n4. vier", "<ol start=\"3\">\n<li>drie</li>\n<li>vier</li>\n</ol>");
  assert_markdown ("- a\n  - b\n    1. c\n- d",
                   "<ul>\n<li>a<ul>\n<li>b<ol>\n<li>c</li>\n</ol>\n</li>\n</ul>\n</li>\n"
                   "<li>d</li>\n</ul>");
  assert_markdown ("- a\n1. b", "<ul>\n<li>a</li>\n</ul>\n<ol>\n<li>b</li>\n</ol>");
  assert_markdown ("*nadruk* is geen lijst\n-geen lijst",
                   "<p><em>nadruk</em> is geen lijst\n-geen lijst</p>");
}

static void
test_markdown_inline (void)
{
  assert_markdown ("**vet**, __ook vet__, *schuin*, _ook schuin_ en `code <b>`",
                   "<p><strong>vet</strong>, <strong>ook vet</strong>, <em>schuin</em>, "
                   "<em>ook schuin</em> en <code>code &lt;b&gt;</code></p>");
  assert_markdown ("*schuin met **vet** erin*",
                   "<p><em>schuin met <strong>vet</strong> erin</em></p>");
  assert_markdown ("snake_case_naam en 2 * 3 * 4 en ** los en *los",
                   "<p>snake_case_naam en 2 * 3 * 4 en ** los en *los</p>");
  assert_markdown ("\\*geen nadruk\\* en \\[geen link\\]",
                   "<p>*geen nadruk* en [geen link]</p>");
  assert_markdown ("Zie [de website](https://www.denhaag.nl/paspoort \"Titel\") of "
                   "[**mail**](mailto:info@denhaag.nl).",
                   "<p>Zie <a href=\"https://www.denhaag.nl/paspoort\">de website</a> of "
                   "<a href=\"mailto:info@denhaag.nl\"><strong>mail</strong></a>.</p>");
  assert_markdown ("[klik](javascript:alert(1)) [data](data:text/html,x) [rel](/pad)",
                   "<p>klik) data rel</p>");
  assert_markdown ("<https://www.denhaag.nl/> en <info@denhaag.nl> en <geen link>",
                   "<p><a href=\"https://www.denhaag.nl/\">https://www.denhaag.nl/</a> en "
                   "<a href=\"mailto:info@denhaag.nl\">info@denhaag.nl</a> en "
                   "&lt;geen link&gt;</p>");
  assert_markdown ("[tekst](https://x.nl/?a=1&b=\"2\")",
                   "<p><a href=\"https://x.nl/?a=1&amp;b=&quot;2&quot;\">tekst</a></p>");
}

static void
test_markdown_script (void)
{
  g_autofree char *html = vb_markdown_to_html ("# <script>alert(1)</script>\n\n"
                                               "Tekst <script>alert(2)</script> & "
                                               "<img src=x onerror=alert(3)>\n\n"
                                               "- <iframe src=\"x\">");
  g_autofree char *safe = vb_html_sanitize (html, -1);
  g_autofree char *text = vb_html_to_text (html, -1);

  g_assert_cmpstr (html, ==,
                   "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>\n"
                   "<p>Tekst &lt;script&gt;alert(2)&lt;/script&gt; &amp; "
                   "&lt;img src=x onerror=alert(3)&gt;</p>\n"
                   "<ul>\n<li>&lt;iframe src=&quot;x&quot;&gt;</li>\n</ul>");
  g_assert_cmpstr (text, ==,
                   "<script>alert(1)</script>\n\n"
                   "Tekst <script>alert(2)</script> & <img src=x onerror=alert(3)>\n\n"
                   "• <iframe src=\"x\">");
  g_assert_cmpstr (safe, ==,
                   "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>\n"
                   "<p>Tekst &lt;script&gt;alert(2)&lt;/script&gt; &amp; "
                   "&lt;img src=x onerror=alert(3)&gt;</p>\n"
                   "<ul>\n<li>&lt;iframe src=&quot;x&quot;&gt;</li>\n</ul>");
}

static void
test_markdown_odd_input (void)
{
  const char *odd[] = {
    "*", "**", "***", "_", "__", "`", "[", "]", "(", "[]()", "[a](", "[a](b", "[a](b \"c",
    "<", "<>", "< >", "#", "# ", "-", "- ", "1.", "1. ", "\\", "\\\n", "* * *", "- - -",
    "**a*b**c*", "_a_b_", "[a][b](c)", "```\ncode\n```", "    ingesprongen", "\t- tab",
    "\xff\xfe kapot", "1234567890. groot", "- a\n\n\n- b", "a  ", "a\\",
  };
  static const char unit[] = "[*_`<a](**__";
  GString *big = g_string_new (NULL);
  gint64 start;

  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    {
      g_autofree char *html = vb_markdown_to_html (odd[i]);
      g_autofree char *safe = vb_html_sanitize (html, -1);

      g_autofree char *shown = g_utf8_make_valid (odd[i], -1);

      /* TAP output must stay valid UTF-8. */
      g_test_message ("%s -> %s", shown, html);
      g_assert_true (g_utf8_validate (html, -1, NULL));
      assert_only_subset (safe);
    }

  /* unmatched delimiters do not make it quadratic */
  for (const char *u = unit; *u != '\0'; u++)
    {
      g_autofree char *html = NULL;
      double seconds;

      g_string_truncate (big, 0);
      while (big->len < 500000)
        {
          g_string_append_c (big, *u);
          g_string_append_c (big, 'a');
        }
      start = g_get_monotonic_time ();
      html = vb_markdown_to_html (big->str);
      seconds = (g_get_monotonic_time () - start) / 1e6;
      g_test_message ("500 KB of \"%ca\": %.3f s", *u, seconds);
      g_assert_cmpfloat (seconds, <, 2.0);
    }
  {
    g_autofree char *html = NULL;

    g_string_truncate (big, 0);
    while (big->len < 500000)
      g_string_append (big, "[a](<b");
    start = g_get_monotonic_time ();
    html = vb_markdown_to_html (big->str);
    g_assert_cmpfloat ((g_get_monotonic_time () - start) / 1e6, <, 2.0);
  }
  g_string_free (big, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/html/escape-text", test_escape_text);
  g_test_add_func ("/html/link-allowed", test_link_allowed);
  g_test_add_func ("/html/hostile", test_hostile);
  g_test_add_func ("/html/hostile-markup-tricks", test_hostile_markup_tricks);
  g_test_add_func ("/html/lists", test_lists);
  g_test_add_func ("/html/list-items-with-blocks", test_list_items_with_blocks);
  g_test_add_func ("/html/headings", test_headings);
  g_test_add_func ("/html/styles-and-links", test_styles_and_links);
  g_test_add_func ("/html/links-in-text", test_links_in_text);
  g_test_add_func ("/html/entities", test_entities);
  g_test_add_func ("/html/whitespace", test_whitespace);
  g_test_add_func ("/html/implicit-paragraphs", test_implicit_paragraphs);
  g_test_add_func ("/html/quote-and-pre", test_quote_and_pre);
  g_test_add_func ("/html/tables", test_tables);
  g_test_add_func ("/html/images", test_images);
  g_test_add_func ("/html/empty-input", test_empty_input);
  g_test_add_func ("/html/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/html/sanitize-idempotent", test_sanitize_idempotent);
  g_test_add_func ("/html/deep-nesting", test_deep_nesting);
  g_test_add_func ("/html/deep-dropped-content", test_deep_dropped_content);
  g_test_add_func ("/html/stray-end-tags", test_stray_end_tags);
  g_test_add_func ("/html/many-attributes", test_many_attributes);
  g_test_add_func ("/html/large-answer", test_large_answer);
  g_test_add_func ("/html/fuzz", test_fuzz);
  g_test_add_func ("/markdown/blocks", test_markdown_blocks);
  g_test_add_func ("/markdown/lists", test_markdown_lists);
  g_test_add_func ("/markdown/inline", test_markdown_inline);
  g_test_add_func ("/markdown/script", test_markdown_script);
  g_test_add_func ("/markdown/odd-input", test_markdown_odd_input);

  return g_test_run ();
}
