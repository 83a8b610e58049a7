#!/usr/bin/env python3
# test-cli.py: vraagbaak-cli as scripts and agents use it
# Copyright 2026 The Vraagbaak developers
# SPDX-License-Identifier: EUPL-1.2
#
# Runs the real binary: import, search (text, --json, --stdin, filters), show, exit statuses.
# Prints TAP.

import json
import os
import subprocess
import sys
import tempfile

cli = sys.argv[1]
datadir = os.environ["VRAAGBAAK_DATADIR"]
demo = sorted(os.path.join(datadir, "demo", f) for f in os.listdir(os.path.join(datadir, "demo"))
              if f.endswith(".json"))
tmp = tempfile.mkdtemp(prefix="vraagbaak-cli-")
db = os.path.join(tmp, "content.db")
results = []


def check(ok, name, detail=""):
    results.append(ok)
    print(("ok" if ok else "not ok") + " %d %s" % (len(results), name))
    if not ok and detail:
        for line in str(detail).splitlines()[:20]:
            print("# " + line)


def run(*args, stdin=None):
    p = subprocess.run([cli, "--db", db] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


# A new --db file starts empty: the CLI never seeds demo content.
rc, out, err = run("search", "--json", "paspoort")
check(rc == 0 and out == "", "a new database starts empty and no results is exit 0", (rc, out, err))

rc, out, err = run("import", *demo)
check(rc == 0 and "items imported" in out, "import the demo content", err)

rc, out, err = run("search", "--json", "--limit", "3", "paspoort", "kosten")
lines = [json.loads(l) for l in out.splitlines() if l.strip()]
check(rc == 0 and len(lines) == 3 and lines[0]["id"] == "vac-paspoort-kosten"
      and all({"id", "type", "title", "snippet", "score"} <= set(l) for l in lines)
      and lines[0]["score"] >= lines[1]["score"] >= lines[2]["score"],
      "search --json: one object per line, best first, with the documented fields", out)

rc, out, err = run("search", "--json", "identiteitskaat")
lines = [json.loads(l) for l in out.splitlines() if l.strip()]
check(rc == 0 and lines and lines[-1] == {"type": "suggestion", "query": "identiteitskaart"},
      "a corrected typo ends with a suggestion line", out)

rc, out, err = run("search", "--json", "--type", "product", "paspoort")
lines = [json.loads(l) for l in out.splitlines() if l.strip()]
check(rc == 0 and lines and all(l["type"] == "product" for l in lines), "--type filters", out)

rc, out, err = run("search", "--stdin", stdin="paspoort kosten\n\"(*^:\ngrofvuil\n")
blocks = [[]]
for line in out.split("\n")[:-1]:
    if line == "":
        blocks.append([])
    else:
        blocks[-1].append(json.loads(line))
blocks = blocks[:-1]
check(rc == 0 and len(blocks) == 3 and blocks[0][0]["id"] == "vac-paspoort-kosten"
      and blocks[1] == [] and "grofvuil" in blocks[2][0]["id"],
      "--stdin answers each line with its JSON lines and one empty line", repr(out[:400]))

rc, out, err = run("search", "paspoort")
check(rc == 0 and "Paspoort" in out, "plain search prints readable lines", out)

rc, out, err = run("show", "vac-paspoort-kosten")
check(rc == 0 and "Wat kost een paspoort?" in out, "show prints one item", out)

rc, out, err = run("show", "--json", "vac-paspoort-kosten")
check(rc == 0 and json.loads(out)["id"] == "vac-paspoort-kosten", "show --json", out)

rc, out, err = run("show", "bestaat-niet")
check(rc == 2 and "bestaat-niet" in err, "show of an unknown id is a data error (2)", (rc, err))

rc, out, err = run("search", "--limit", "0", "x")
check(rc == 1, "a bad option is a usage error (1)", (rc, err))

rc, out, err = run("search")
check(rc == 1, "no query is a usage error (1)", (rc, err))

rc, out, err = run("frobnicate")
check(rc == 1, "an unknown command is a usage error (1)", (rc, err))

bad = os.path.join(tmp, "kapot.json")
with open(bad, "w") as f:
    f.write('{"format": "vraagbaak-content", "items": [{"type": "vac", "id": "x"')
rc, out, err = run("import", bad)
check(rc == 2 and "kapot.json" in err, "a malformed file is a data error (2) naming the file",
      (rc, err))

invalid = os.path.join(tmp, "half.json")
with open(invalid, "w") as f:
    json.dump({"format": "vraagbaak-content", "version": 1, "items": [
        {"type": "vac", "id": "ok-1", "vraag": "Goede vraag over zwemles", "antwoord": "Ja."},
        {"type": "vac", "id": "fout-1", "vraag": "Zonder antwoord"}]}, f)
rc, out, err = run("import", invalid)
rc2, out2, _ = run("show", "ok-1")
check(rc == 2 and "fout-1" in err and "antwoord" in err and rc2 == 2,
      "an invalid record imports nothing of its file", (rc, err, rc2))
rc, out, err = run("import", "--skip-invalid", invalid)
rc2, out2, _ = run("search", "--json", "zwemles")
check(rc == 0 and "1 skipped" in out and "ok-1" in out2,
      "--skip-invalid imports the rest and reports what it skipped", (rc, out, err, out2))

# The contact log's command line (the engine's own test covers exports with contacts in them).
cdb = os.path.join(tmp, "contacts.db")


def crun(*args):
    p = subprocess.run([cli, "--contacts-db", cdb] + list(args), capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


p = subprocess.run([cli, "--contacts-db", cdb, "contacts", "export", "--from", "2026-11-01",
                    "--to", "2026-11-30", "--format", "csv"], capture_output=True, timeout=60)
check(p.returncode == 0 and p.stdout.startswith(b"uuid,") and p.stdout.count(b"\r\n") == 1,
      "contacts export --format csv of an empty log is its header row (CRLF)", p.stdout)
rc, out, err = crun("contacts", "export", "--from", "2026-11-01", "--to", "2026-11-30",
                    "--format", "json")
check(rc == 0 and json.loads(out) == [], "contacts export --format json", (rc, out, err))
rc, out, err = crun("contacts", "export", "--from", "30-11-2026", "--to", "2026-11-30")
check(rc == 1, "a date that is not ISO 8601 is a usage error (1)", (rc, err))
rc, out, err = crun("contacts", "purge")
check(rc == 0 and "0" in out, "contacts purge reports how many were purged", (rc, out, err))

print("1..%d" % len(results))
sys.exit(0 if all(results) else 1)
