#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Check po/POTFILES.in and the translations against the sources.

Usage: check-potfiles.py [SOURCE_ROOT]

Checks, in order:
  1. po/POTFILES.in is sorted (plain code point order, like `LC_ALL=C sort`)
     and has no duplicates;
  2. every file it lists exists;
  3. every file under src/ and ui/ that contains translatable strings
     (_("..."), N_("..."), C_("..."), NC_("..."), ngettext and friends, or
     translatable="yes" in a GtkBuilder file) is listed, unless it is listed
     in po/POTFILES.skip;
  4. for every language in po/LINGUAS: the .po file exists, has a proper
     header, and `msgfmt --check --statistics` reports no errors, no fuzzy
     and no untranslated messages;
  5. the strings that xgettext extracts from the sources right now (with the
     same keywords as meson's i18n 'glib' preset) all have a non-fuzzy
     translation in every .po file (checked with msgcmp).

Steps 4 and 5 are skipped (with a note) when the gettext tools are missing.
Only the Python standard library is used. Exit status: 0 when everything is
fine, 1 when a check fails.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

SCAN_DIRS = ('src', 'ui')

# Keywords of meson's i18n.gettext(preset: 'glib'), so the check sees what
# the vraagbaak-pot target would extract.
XGETTEXT_ARGS = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
]

# A gettext macro or function applied to a string literal (C, and
# Blueprint-like syntax). Requiring the literal keeps definitions such as
# `#define _(s) gettext (s)` from counting as translatable strings.
CALL_RE = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|gettext|ngettext|pgettext|npgettext)\s*\(\s*"'
    r'|(?<![A-Za-z0-9_])(?:g_)?(?:dgettext|dcgettext|dngettext|dcngettext|dpgettext2?)'
    r'\s*\([^,()]*,\s*"')
# GtkBuilder: translatable="yes" (GtkBuilder also accepts true/1).
UI_RE = re.compile(r'''translatable\s*=\s*["'](?:yes|true|1)["']''', re.I)
XML_SUFFIXES = ('.ui', '.xml', '.xml.in', '.ui.in')

errors = []
notes = []


def error(msg):
    errors.append(msg)


def read_list(path):
    """Entries of a POTFILES-style list: no blank lines, no comments.

    An intltool-style '[type: gettext/glade]' prefix is dropped."""
    entries = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            line = re.sub(r'^(\[[^\]]*\]\s*)+', '', line)
            entries.append((lineno, line))
    return entries


def has_translatable(path):
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return False  # binary or unreadable: not a translatable source
    if path.endswith(XML_SUFFIXES):
        return UI_RE.search(text) is not None
    return CALL_RE.search(text) is not None


def scan_sources(root):
    found = []
    for top in SCAN_DIRS:
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for name in sorted(filenames):
                if name.startswith('.'):
                    continue
                path = os.path.join(dirpath, name)
                if has_translatable(path):
                    found.append(os.path.relpath(path, root).replace(os.sep, '/'))
    return found


def run(cmd, **kwargs):
    env = dict(os.environ, LC_ALL='C', LANGUAGE='C')
    return subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kwargs)


def check_potfiles(root, podir):
    potfiles = os.path.join(podir, 'POTFILES.in')
    if not os.path.isfile(potfiles):
        error('po/POTFILES.in does not exist')
        return []
    entries = read_list(potfiles)
    names = [name for _, name in entries]

    # 1. sorted, no duplicates
    for (_, prev), (lineno, cur) in zip(entries, entries[1:]):
        if cur < prev:
            error('po/POTFILES.in:%d: not sorted: "%s" should come before "%s"'
                  % (lineno, cur, prev))
        elif cur == prev:
            error('po/POTFILES.in:%d: duplicate entry "%s"' % (lineno, cur))

    # 2. every entry exists
    for lineno, name in entries:
        if not os.path.isfile(os.path.join(root, name)):
            error('po/POTFILES.in:%d: listed file does not exist: %s' % (lineno, name))

    # 3. every source with translatable strings is listed
    skipfile = os.path.join(podir, 'POTFILES.skip')
    skipped = set(n for _, n in read_list(skipfile)) if os.path.isfile(skipfile) else set()
    listed = set(names)
    for name in scan_sources(root):
        if name not in listed and name not in skipped:
            error('%s contains translatable strings but is not listed in po/POTFILES.in'
                  % name)

    # Listed sources without strings are harmless; only mention them.
    for name in names:
        path = os.path.join(root, name)
        if name.split('/')[0] in SCAN_DIRS and os.path.isfile(path) \
                and not has_translatable(path):
            notes.append('note: %s is listed but has no translatable strings' % name)

    return [n for n in names if os.path.isfile(os.path.join(root, n))]


def explain_msgcmp(output, pot):
    """msgcmp names lines of the temporary .pot; add the msgids they belong to."""
    try:
        with open(pot, encoding='utf-8') as f:
            lines = f.read().split('\n')
    except OSError:
        return output
    result = []
    for line in output.splitlines():
        result.append(line)
        m = re.match(re.escape(pot) + r':(\d+):', line)
        if not m:
            continue
        # msgcmp names the msgstr line: go back to the msgid it belongs to.
        i = min(int(m.group(1)) - 1, len(lines) - 1)
        while i >= 0 and not lines[i].startswith('msgid '):
            i -= 1
        parts = []
        if i >= 0:
            parts.append(lines[i][len('msgid '):].strip()[1:-1])
            i += 1
            while i < len(lines) and lines[i].startswith('"'):
                parts.append(lines[i].strip()[1:-1])
                i += 1
        result.append('    msgid "%s"' % ''.join(parts))
    return '\n'.join(result)


def check_header(lang, po_path):
    with open(po_path, encoding='utf-8') as f:
        text = f.read()
    m = re.search(r'^"Language: *([^\\"]*)\\n"', text, re.M)
    if not m:
        error('po/%s.po: header has no Language field' % lang)
    elif m.group(1).strip() != lang:
        error('po/%s.po: header says Language: %s' % (lang, m.group(1).strip()))
    if not re.search(r'^"Plural-Forms: *nplurals=\d+; *plural=', text, re.M):
        error('po/%s.po: header has no Plural-Forms field' % lang)
    if not re.search(r'^"Content-Type: text/plain; charset=UTF-8\\n"', text, re.M | re.I):
        error('po/%s.po: header does not declare charset=UTF-8' % lang)


def check_translations(root, podir, sources):
    linguas_path = os.path.join(podir, 'LINGUAS')
    if not os.path.isfile(linguas_path):
        error('po/LINGUAS does not exist')
        return
    langs = []
    with open(linguas_path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0]
            langs.extend(line.split())

    msgfmt = shutil.which('msgfmt')
    xgettext = shutil.which('xgettext')
    msgcmp = shutil.which('msgcmp')

    po_files = []
    for lang in langs:
        po_path = os.path.join(podir, lang + '.po')
        if not os.path.isfile(po_path):
            error('po/LINGUAS lists %s but po/%s.po does not exist' % (lang, lang))
            continue
        po_files.append((lang, po_path))
        check_header(lang, po_path)

    # 4. msgfmt --check --statistics
    if msgfmt is None:
        notes.append('SKIP: msgfmt not found, .po files not checked')
    else:
        for lang, po_path in po_files:
            res = run([msgfmt, '--check', '--statistics', '-o', os.devnull, po_path])
            out = res.stdout.strip()
            print('po/%s.po: %s' % (lang, out.splitlines()[-1] if out else '(no output)'))
            if res.returncode != 0:
                error('po/%s.po: msgfmt --check failed:\n%s' % (lang, out))
                continue
            fuzzy = re.search(r'(\d+) fuzzy', out)
            untranslated = re.search(r'(\d+) untranslated', out)
            if fuzzy and int(fuzzy.group(1)) > 0:
                error('po/%s.po: %s fuzzy translation(s)' % (lang, fuzzy.group(1)))
            if untranslated and int(untranslated.group(1)) > 0:
                error('po/%s.po: %s untranslated message(s)' % (lang, untranslated.group(1)))

    # 5. compare with what the sources contain now
    if xgettext is None or msgcmp is None:
        notes.append('SKIP: xgettext/msgcmp not found, sources not compared with .po files')
        return
    if not sources or not po_files:
        return
    with tempfile.TemporaryDirectory(prefix='vraagbaak-potfiles-') as tmp:
        listfile = os.path.join(tmp, 'POTFILES')
        pot = os.path.join(tmp, 'current.pot')
        with open(listfile, 'w', encoding='utf-8') as f:
            f.write('\n'.join(sources) + '\n')
        res = run([xgettext, '--package-name=vraagbaak', '--force-po', '-D', root,
                   '--files-from=' + listfile, '-o', pot] + XGETTEXT_ARGS)
        if res.returncode != 0 or not os.path.isfile(pot):
            error('xgettext failed on the files in po/POTFILES.in:\n%s' % res.stdout.strip())
            return
        for lang, po_path in po_files:
            # Without --use-fuzzy/--use-untranslated, msgcmp reports every msgid
            # of the sources that has no finished translation in the .po file.
            res = run([msgcmp, po_path, pot])
            if res.returncode != 0:
                error('po/%s.po lacks translations for strings in the sources '
                      '(run `ninja vraagbaak-update-po` and translate them):\n%s'
                      % (lang, explain_msgcmp(res.stdout.strip(), pot)))
            else:
                print('po/%s.po: covers every string in the sources' % lang)


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    podir = os.path.join(root, 'po')
    sources = check_potfiles(root, podir)
    check_translations(root, podir, sources)
    for note in notes:
        print(note)
    for msg in errors:
        print('ERROR: ' + msg, file=sys.stderr)
    if errors:
        return 1
    print('POTFILES.in and translations OK (%d source files)' % len(sources))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
