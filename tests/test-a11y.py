#!/usr/bin/python3
# test-a11y.py: the running application seen through AT-SPI, and driven by real keystrokes
# Copyright 2026 The Vraagbaak developers
# SPDX-License-Identifier: EUPL-1.2
#
# Starts the real application under the test run's Xvfb and session bus, then:
#  1. walks the accessibility tree: a named search entry, a named result list whose items
#     carry their titles, named buttons, and no interactive control without a name;
#  2. the whole search-open-copy-back flow with real key events (xdotool), no mouse after the
#     first click that gives the window focus (there is no window manager);
#  3. the statistics page (F8): named and described charts, their tables reachable with Tab.
# Prints TAP. Skips (exit 77) when there is no display, no AT-SPI or no xdotool.

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

tests = []


def tap(ok, name, detail=""):
    tests.append((ok, name))
    print(("ok" if ok else "not ok") + " %d %s" % (len(tests), name))
    if detail:
        for line in detail.splitlines():
            print("# " + line)
    sys.stdout.flush()


def skip_all(reason):
    print("1..0 # SKIP " + reason)
    sys.exit(0)


if not os.environ.get("DISPLAY"):
    skip_all("no display")
if not shutil.which("xdotool"):
    skip_all("xdotool is not installed")
# The AT-SPI client library warns (dbind) when an event arrives from an application it has
# not cached yet; with the test run's fatal warnings that would kill this script, not the app.
os.environ["G_DEBUG"] = ""
try:
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi
except Exception as e:  # noqa: BLE001
    skip_all("no AT-SPI bindings: %s" % e)

app_path = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="vraagbaak-a11y-")
env = dict(os.environ)
env.pop("GTK_A11Y", None)
env["VRAAGBAAK_CONTENT_DB"] = os.path.join(tmp, "content.db")
env["LANGUAGE"] = "nl"
env["G_DEBUG"] = ""
# Never outlive the test harness: after 150 s fail (and still clean up) instead of hanging.


def on_alarm(signum, frame):
    raise TimeoutError("the accessibility test took longer than 150 s")


signal.signal(signal.SIGALRM, on_alarm)
signal.alarm(150)
# Services the session bus starts (the AT-SPI registry) must find the display.
subprocess.run(["dbus-update-activation-environment", "DISPLAY", "XAUTHORITY"], check=False,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

INTERACTIVE = {
    "push button", "toggle button", "check box", "radio button", "combo box", "entry",
    "password text", "spin button", "slider", "menu item", "link", "switch", "list item",
    "page tab",
}


def walk(node, depth=0, out=None):
    if out is None:
        out = []
    if node is None or depth > 60:
        return out
    out.append(node)
    try:
        n = node.get_child_count()
    except Exception:  # noqa: BLE001
        return out
    for i in range(n):
        try:
            walk(node.get_child_at_index(i), depth + 1, out)
        except Exception:  # noqa: BLE001
            pass
    return out


def role(node):
    try:
        return node.get_role_name()
    except Exception:  # noqa: BLE001
        return ""


def name(node):
    try:
        return node.get_name() or ""
    except Exception:  # noqa: BLE001
        return ""


def showing(node):
    # GTK 4.8 marks every widget "visible" and none "showing": a widget on screen is one
    # with a size (hidden stack pages and unmapped widgets have none).
    try:
        states = node.get_state_set()
        if not states.contains(Atspi.StateType.VISIBLE):
            return False
        ext = node.get_extents(Atspi.CoordType.SCREEN)
        return ext.width > 0 and ext.height > 0
    except Exception:  # noqa: BLE001
        return False


def find_app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        child = desktop.get_child_at_index(i)
        if child is not None and "vraagbaak" in name(child).lower():
            return child
    return None


def wait(predicate, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


def text_of(node):
    try:
        t = node.get_text_iface()
        if t is None:
            return ""
        return t.get_text(0, t.get_character_count())
    except Exception:  # noqa: BLE001
        return ""


def description(node):
    try:
        return node.get_description() or ""
    except Exception:  # noqa: BLE001
        return ""


def unnamed_controls(app):
    unnamed = []
    buttons = 0
    for n in walk(app):
        r = role(n)
        if r in INTERACTIVE and showing(n):
            if r == "push button":
                buttons += 1
            label = name(n).strip()
            # A list item is read by the text it contains (GTK 4.8's drop-down popovers).
            if r == "list item" and not label:
                label = " ".join(name(c) or text_of(c) for c in walk(n)[1:]
                                 if role(c) == "label").strip()
            # GTK 4.8 falls back to the class name (GtkToggleButton) when there is no label.
            if not label or (label.startswith("Gtk") and " " not in label) or label.startswith("Adw"):
                chain = []
                p = n
                for _ in range(8):
                    p = p.get_parent()
                    if p is None:
                        break
                    chain.append("%s %r" % (role(p), name(p)))
                unnamed.append("%s %r in %s" % (r, label, " < ".join(chain)))
    return buttons, unnamed


def xdo(*args):
    subprocess.run(["xdotool"] + list(args), check=False)


def start_app():
    return subprocess.Popen([app_path], env=env, stdout=subprocess.DEVNULL,
                            start_new_session=True)


proc = start_app()
try:
    app = wait(find_app, 20)
    if app is None:
        # Right after the session bus starts, the accessibility bus may not answer yet and
        # GApplication's registration fails ("NoReply"); that is the test setup: start again.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        proc = start_app()
        app = wait(find_app, 30)
    if app is None:
        tap(False, "the application appears on the accessibility bus")
        raise SystemExit

    def entry_node():
        for n in walk(app):
            if role(n) in ("entry", "text") and showing(n) and "kennisbank" in name(n).lower():
                return n
        return None

    def start_ready():
        # The notices list on the start page appears once the database is open.
        for n in walk(app):
            if role(n) in ("list", "list box") and "berichten" in name(n).lower() and showing(n):
                return n
        return None

    entry = wait(entry_node, 40)
    tap(entry is not None, "a named search entry",
        "" if entry else "roles: %s" % sorted({(role(n), name(n)) for n in walk(app)})[:60])
    wait(start_ready, 30)

    # The sync state in the header bar is an icon button named by the state in words (no
    # server is set here: local content only).
    sync_names = ("local content only", "alleen lokale inhoud")

    def sync_button():
        for n in walk(app):
            if (role(n) in ("push button", "toggle button") and showing(n)
                    and any(s in name(n).lower() for s in sync_names)):
                return n
        return None

    tap(wait(sync_button, 10) is not None, "the sync status button is named by the sync state",
        "" if sync_button() else "buttons: %s" % sorted({name(n) for n in walk(app)
                                                         if role(n) in ("push button",
                                                                        "toggle button")}))

    # Give the window keyboard focus: without a window manager, focus follows the pointer.
    if entry is not None:
        ext = entry.get_extents(Atspi.CoordType.SCREEN)
        xdo("mousemove", str(ext.x + 20), str(ext.y + ext.height // 2), "click", "1")
        time.sleep(0.5)

    xdo("type", "--delay", "30", "paspoort kosten")

    def result_list():
        for n in walk(app):
            if role(n) in ("list", "list box") and "zoekresultaten" in name(n).lower() and showing(n):
                items = [c for c in walk(n) if role(c) == "list item" and showing(c)]
                if items:
                    return (n, items)
        return None

    found = wait(result_list)
    tap(found is not None, "a named result list appears while typing")
    if found:
        lst, items = found
        titles = [name(i) for i in items]
        tap(all(titles) and "kost een paspoort" in titles[0].lower(),
            "result items carry their titles, the expected one first", "items: %s" % titles[:5])

    # Down, Enter: open the first result with the keyboard.
    xdo("key", "Down")
    time.sleep(0.3)
    xdo("key", "Return")

    def in_reader(n):
        # The answer's title is a label inside the reading pane, not a row of the list.
        p = n
        for _ in range(30):
            try:
                p = p.get_parent()
            except Exception:  # noqa: BLE001
                return False
            if p is None:
                return False
            if name(p) == "VbItemView":
                return True
        return False

    def opened():
        for n in walk(app):
            if role(n) == "label" and name(n) == "Wat kost een paspoort?" and showing(n) \
                    and in_reader(n):
                return n
        return None

    tap(wait(opened) is not None, "Down and Enter open the answer")

    # Ctrl+Shift+C copies the whole answer; the window says so (in a toast that goes away
    # after a few seconds: on a loaded machine one walk of the tree can outlast it, so the
    # key is pressed once more before giving up; copying twice is harmless).
    def copied():
        for n in walk(app):
            if "gekopieerd" in (name(n) + text_of(n)).lower() and showing(n):
                return n
        return None

    said = False
    for _attempt in range(2):
        xdo("key", "ctrl+shift+c")
        if wait(copied, 8) is not None:
            said = True
            break
    tap(said, "Ctrl+Shift+C copies the answer and says so")

    # Escape from the answer goes back to the search entry with its text selected: typing
    # replaces the query.
    xdo("key", "Escape")
    time.sleep(0.3)
    time.sleep(0.3)
    xdo("type", "--delay", "30", "grofvuil ophalen")
    time.sleep(1.0)
    xdo("key", "Return")

    def opened_grofvuil():
        for n in walk(app):
            if role(n) == "label" and "grofvuil" in name(n).lower() and "?" in name(n) \
                    and showing(n) and in_reader(n):
                return n
        return None

    tap(wait(opened_grofvuil) is not None, "Ctrl+K, typing and Enter open a second answer")

    # Alt+Left goes back to the first answer.
    xdo("key", "alt+Left")
    tap(wait(opened) is not None, "Alt+Left walks back to the previous answer")

    # Log a contact with the keyboard only: Ctrl+N, search, Enter, Ctrl+U marks the shown
    # answer used and moves to the outcome, a digit chooses it, Ctrl+Enter saves. After the
    # search that is five keystrokes: Enter, Ctrl+U, 1, Ctrl+Enter (and Ctrl+N before).
    xdo("key", "ctrl+n")
    time.sleep(0.5)
    xdo("key", "ctrl+k")
    time.sleep(0.3)
    xdo("type", "--delay", "30", "grofvuil kosten")
    time.sleep(1.0)
    xdo("key", "Return")
    time.sleep(0.8)
    xdo("key", "ctrl+u")
    time.sleep(0.4)
    xdo("key", "1")
    time.sleep(0.3)
    xdo("key", "ctrl+Return")

    def logged():
        db = os.path.join(tmp, "contacts.db")
        if not os.path.exists(db):
            return None
        try:
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
            rows = con.execute("SELECT q.item_id, q.outcome FROM contacts c JOIN questions q"
                               " ON q.contact = c.uuid WHERE c.status = 'finished'").fetchall()
            con.close()
            return rows or None
        except sqlite3.Error:
            return None

    rows = wait(logged, 10)
    tap(rows is not None and rows[0][0] == "vac-grofvuil-kosten" and rows[0][1],
        "a contact is logged by keyboard with the answer used and an outcome",
        "rows: %r" % (rows,))

    def searches_logged():
        db = os.path.join(tmp, "contacts.db")
        try:
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
            rows = con.execute("SELECT query, opened_item FROM searches").fetchall()
            con.close()
            return rows or None
        except sqlite3.Error:
            return None

    srows = wait(searches_logged, 5)
    tap(srows is not None and any(r[1] == "vac-grofvuil-kosten" for r in srows),
        "the search the answer came from is in the search log", "searches: %r" % (srows,))

    # A telephone system starts a contact with the caller's number: a second
    # "vraagbaak --incoming-call NUMBER" reaches the running one over D-Bus (app.incoming-call).
    subprocess.run([app_path, "--incoming-call", "0612345678"], env=env, timeout=30,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def call_opened():
        for n in walk(app):
            if role(n) in ("entry", "text") and "0612345678" in text_of(n) and showing(n):
                return n
        return None

    tap(wait(call_opened, 10) is not None,
        "vraagbaak --incoming-call NUMBER opens a contact with the number filled in")

    # No interactive control without a name, on what is showing now.
    buttons, unnamed = unnamed_controls(app)
    tap(buttons > 0 and not unnamed, "every showing interactive control has a name",
        "unnamed: %s" % unnamed if unnamed else "")

    # The statistics page, opened with its shortcut (F8): four charts, each an image with a
    # name and a text summary, a named table under each, reachable with Tab.
    xdo("key", "F8")

    def charts():
        found = [n for n in walk(app) if role(n) == "image" and showing(n)
                 and name(n) and description(n)]
        return found if len(found) >= 4 else None

    shown = wait(charts, 20)
    tap(shown is not None, "F8 opens the statistics with four named, described charts",
        "" if shown else "images: %s" % [(name(n), description(n)) for n in walk(app)
                                          if role(n) == "image"])

    # The statistics take the whole window, the search's header bar with its sync status:
    # the page's header bar shows the sync state too.
    tap(wait(sync_button, 10) is not None, "the statistics page shows the sync state",
        "" if sync_button() else "buttons: %s" % sorted({name(n) for n in walk(app)
                                                         if role(n) in ("push button",
                                                                        "toggle button")
                                                         and showing(n)}))

    def computed():
        # The headline figures are read as “Contacts: 1”; the contact logged above counts.
        for n in walk(app):
            if ":" in name(n) and name(n).split(":")[1].strip().startswith("1") and showing(n) \
                    and role(n) not in ("label", "list item"):
                return n
        return None

    tap(wait(computed, 20) is not None, "the headline figures count the contact logged above")

    # Each chart kind has its own summary sentence: an hour is "between 10:00 and 11:00", a
    # channel "by telephone" (not "on 10", "on Telephone"). The app runs in Dutch.
    def summaries():
        found = [description(n) for n in walk(app) if role(n) == "image" and showing(n)]
        if any(" tussen " in d for d in found) and any(" via " in d for d in found):
            return found
        return None

    descriptions = wait(summaries, 10) or [description(n) for n in walk(app)
                                            if role(n) == "image"]
    tap(any(" tussen " in d and ":00 en " in d for d in descriptions)
        and any(" via " in d for d in descriptions)
        and not any(" op %02d " % h in d or " op %02d," % h in d
                    for d in descriptions for h in range(24)),
        "the hour and channel charts are summarised in their own words",
        "descriptions: %s" % descriptions)

    def focused():
        for n in walk(app):
            try:
                if n.get_state_set().contains(Atspi.StateType.FOCUSED):
                    return n
            except Exception:  # noqa: BLE001
                pass
        return None

    # Tab to the first chart's table toggle, open the table with Space, Tab into its rows.
    table_toggle = None
    for _ in range(30):
        xdo("key", "Tab")
        time.sleep(0.15)
        f = focused()
        if f is not None and ":" in name(f) and role(f) in ("push button", "toggle button"):
            table_toggle = f
            break
    tap(table_toggle is not None, "Tab reaches the table under the first chart",
        "focus: %s %r" % (role(focused()), name(focused())) if table_toggle is None else "")
    row = None
    if table_toggle is not None:
        xdo("key", "space")
        time.sleep(0.4)
        # Past the chart's save button, into the table.
        for _ in range(3):
            xdo("key", "Tab")
            time.sleep(0.3)
            f = focused()
            if f is not None and role(f) == "list item" and ":" in name(f):
                row = f
                break
    tap(row is not None, "the table's rows are read with their column names",
        "focus: %s" % [(role(n), name(n)) for n in walk(app)
                       if n.get_state_set().contains(Atspi.StateType.FOCUSED)]
        if row is None else name(row))

    buttons, unnamed = unnamed_controls(app)
    tap(buttons > 0 and not unnamed, "every control on the statistics page has a name",
        "unnamed: %s" % unnamed if unnamed else "")

    # Escape goes back to the search.
    xdo("key", "Escape")
    tap(wait(entry_node, 10) is not None, "Escape returns from the statistics to the search")
except TimeoutError as e:
    tap(False, str(e))
finally:
    signal.alarm(0)
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    shutil.rmtree(tmp, ignore_errors=True)

print("1..%d" % len(tests))
sys.exit(0 if all(ok for ok, _ in tests) else 1)
