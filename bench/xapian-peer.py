#!/usr/bin/python3
# bench/xapian-peer.py: the Xapian peer of the search benchmark
# Copyright 2026 The Vraagbaak developers
# SPDX-License-Identifier: EUPL-1.2
"""Indexes a vraagbaak-content bundle with Xapian and times the benchmark queries.

Uses Debian's python3-xapian (Xapian 1.4): the Dutch Snowball stemmer, title and keywords
weighted above the body, QueryParser with STEM_SOME and AND as the default operator, the
last word a partial term (FLAG_PARTIAL) unless the query ends in a space, the top 20 with a
snippet each from MSet.snippet(). Prints the same figures as vb-bench and one JSON line.
"""

import argparse
import json
import math
import os
import re
import resource
import shutil
import sys
import time

try:
  import xapian
except ImportError:
  sys.stderr.write("xapian-peer: python3-xapian is not installed (apt-get install python3-xapian)\n")
  sys.exit(3)

TAG = re.compile(r"<[^>]+>")
ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&nbsp;": " "}
ENTITY = re.compile("|".join(ENTITIES))
# The body fields, as the engine reads them (vb_item_dup_body_text).
VAC_FIELDS = ("antwoord", "toelichting")
PRODUCT_FIELDS = ("tekst", "procedureBeschrijving", "vereisten", "bewijs", "kostenEnBetaalmethoden",
                  "uitersteTermijn", "bezwaarEnBeroep", "notice", "wtdBijGeenReactie", "contact",
                  "deskMemo")
TITLE_WDF = 5
KEYWORD_WDF = 3


def plain(html):
  return ENTITY.sub(lambda m: ENTITIES[m.group(0)], TAG.sub(" ", html or ""))


def item_fields(item):
  if item.get("status", "actief") != "actief":
    return None
  if item.get("type") == "vac":
    title, fields = item.get("vraag", ""), VAC_FIELDS
  elif item.get("type") == "product":
    title, fields = item.get("titel", ""), PRODUCT_FIELDS
  else:
    return None
  keywords = " ; ".join(k.get("trefwoord", "") if isinstance(k, dict) else str(k)
                        for k in item.get("trefwoorden", []))
  body = "\n".join(plain(item[f]) for f in fields if isinstance(item.get(f), str))
  return title, keywords, body


def dir_size(path):
  total = 0
  for root, _, files in os.walk(path):
    for f in files:
      total += os.path.getsize(os.path.join(root, f))
  return total


def import_bundle(path, bundle, stemmer):
  if os.path.exists(path):
    shutil.rmtree(path)
  db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
  indexer = xapian.TermGenerator()
  indexer.set_stemmer(stemmer)
  indexer.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
  with open(bundle, encoding="utf-8") as f:
    items = json.load(f)["items"]
  n = 0
  for item in items:
    fields = item_fields(item)
    if fields is None:
      continue
    title, keywords, body = fields
    doc = xapian.Document()
    indexer.set_document(doc)
    indexer.index_text(title, TITLE_WDF)
    indexer.increase_termpos()
    indexer.index_text(keywords, KEYWORD_WDF)
    indexer.increase_termpos()
    indexer.index_text(body)
    doc.set_data(json.dumps([title, body], ensure_ascii=False))
    db.add_document(doc)
    n += 1
  db.commit()
  db.close()
  return n


def read_queries(path):
  with open(path, encoding="utf-8") as f:
    return [line.rstrip("\r\n") for line in f if line.rstrip("\r\n")]


def percentile(sorted_ms, p):
  if not sorted_ms:
    return 0.0
  rank = min(max(int(math.ceil(p / 100.0 * len(sorted_ms))), 1), len(sorted_ms))
  return sorted_ms[rank - 1]


def main():
  ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  ap.add_argument("--db", required=True, help="database folder (replaced when importing)")
  ap.add_argument("--import", dest="bundle", help="content bundle to index first")
  ap.add_argument("--queries", required=True, help="queries, one per line")
  ap.add_argument("--warmup", type=int, default=50)
  ap.add_argument("--limit", type=int, default=20)
  ap.add_argument("--slowest", type=int, default=10)
  ap.add_argument("--show", action="store_true", help="print the results of every query")
  args = ap.parse_args()

  stemmer = xapian.Stem("dutch")
  items = 0
  import_s = 0.0
  if args.bundle:
    start = time.perf_counter()
    items = import_bundle(args.db, args.bundle, stemmer)
    import_s = time.perf_counter() - start
  db_bytes = dir_size(args.db)

  db = xapian.Database(args.db)
  enquire = xapian.Enquire(db)
  qp = xapian.QueryParser()
  qp.set_stemmer(stemmer)
  qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
  qp.set_database(db)
  qp.set_default_op(xapian.Query.OP_AND)
  snippet_flags = xapian.MSet.SNIPPET_BACKGROUND_MODEL | xapian.MSet.SNIPPET_EXHAUSTIVE

  def search(query, show=False):
    prefix = bool(query) and query[-1].isalnum()
    flags = xapian.QueryParser.FLAG_PARTIAL if prefix else 0
    q = qp.parse_query(query, flags)
    enquire.set_query(q)
    mset = enquire.get_mset(0, args.limit)
    docs = [json.loads(m.document.get_data()) for m in mset]
    matched = time.perf_counter_ns()
    nbytes = 0
    for title, body in docs:
      snippet = mset.snippet(body, 200, stemmer, snippet_flags, "<b>", "</b>", "…")
      nbytes += len(snippet)
      if show:
        print("    %s\n      %s" % (title, snippet))
    return len(docs), nbytes, matched

  queries = read_queries(args.queries)
  for i in range(args.warmup):
    search(queries[i % len(queries)])

  times = []
  match_times = []
  counts = []
  snippet_bytes = 0
  for query in queries:
    if args.show:
      print('"%s"' % query)
    start = time.perf_counter_ns()
    n, nbytes, matched = search(query, args.show)
    ms = (time.perf_counter_ns() - start) / 1e6
    match_times.append((matched - start) / 1e6)
    if args.show:
      print("  %.3f ms, %d results" % (ms, n))
    times.append(ms)
    counts.append(n)
    snippet_bytes += nbytes

  s = sorted(times)
  p50, p90, p99, mx = (percentile(s, p) for p in (50, 90, 99, 100))
  mean = sum(times) / len(times)
  mean_results = sum(counts) / len(counts)
  zero = sum(1 for c in counts if c == 0)
  rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
  items_per_s = items / import_s if import_s > 0 else 0
  db_mb = db_bytes / (1024.0 * 1024.0)

  print("engine:        xapian %s (python3-xapian)" % xapian.version_string())
  if args.bundle:
    print("import:        %d items in %.2f s = %.0f items/s" % (items, import_s, items_per_s))
  print("database:      %.1f MB (%d bytes)" % (db_mb, db_bytes))
  print("queries:       %d timed, %d warm-up, limit %d" % (len(times), args.warmup, args.limit))
  print("latency (ms):  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f" % (
    p50, p90, p99, mx, mean))
  words = [len(re.findall(r"\w+", q)) for q in queries]
  one = sorted(t for t, w in zip(times, words) if w <= 1)
  more = sorted(t for t, w in zip(times, words) if w > 1)
  print("  one word:    p50 %.3f  p99 %.3f  (%d queries)" % (
    percentile(one, 50), percentile(one, 99), len(one)))
  print("  more words:  p50 %.3f  p99 %.3f  (%d queries)" % (
    percentile(more, 50), percentile(more, 99), len(more)))
  m = sorted(match_times)
  print("  without snippets: p50 %.3f  p99 %.3f  mean %.3f" % (
    percentile(m, 50), percentile(m, 99), sum(m) / len(m)))
  print("results:       mean %.1f per query, %d queries with none, %.0f snippet bytes/query" % (
    mean_results, zero, snippet_bytes / len(times)))
  print("peak RSS:      %.0f MB" % rss_mb)
  if args.slowest > 0:
    print("slowest:")
    ranked = sorted(zip(times, counts, queries), key=lambda t: -t[0])
    for ms, n, q in ranked[:args.slowest]:
      print('  %8.3f ms  %3d results  "%s"' % (ms, n, q))
  print(json.dumps({
    "engine": "xapian", "items": items, "import_s": round(import_s, 3),
    "items_per_s": round(items_per_s), "checkpoint_s": 0, "db_bytes": db_bytes,
    "db_mb": round(db_mb, 2), "queries": len(times), "p50_ms": round(p50, 3),
    "p90_ms": round(p90, 3), "p99_ms": round(p99, 3), "max_ms": round(mx, 3),
    "mean_ms": round(mean, 3), "mean_results": round(mean_results, 2), "zero_results": zero,
    "peak_rss_mb": round(rss_mb), "parse_s": 0,
    "p50_one_word_ms": round(percentile(one, 50), 3), "p99_one_word_ms": round(percentile(one, 99), 3),
    "p50_more_words_ms": round(percentile(more, 50), 3),
    "p99_more_words_ms": round(percentile(more, 99), 3),
    "p50_no_snippets_ms": round(percentile(m, 50), 3),
    "p99_no_snippets_ms": round(percentile(m, 99), 3)}))
  return 0


if __name__ == "__main__":
  sys.exit(main())
