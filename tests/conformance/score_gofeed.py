#!/usr/bin/env python3
"""Score `tidings parse --json` against gofeed's translator cases.

Each case in CORPUS/testdata/translator/{atom,rss}/NAME.xml has NAME.json,
the universal gofeed.Feed expected for it.  We compare the fields the
daemon depends on and that both models share -- title, link, dates
(updatedParsed, publishedParsed), author and authors (name, email), and
item enclosures (url, length, type) -- for the feed and every item, and
only where the expectation states them (a key absent from the JSON is not
compared).  Prints one line per directory and the totals; exit 0 always
(this is a yardstick, not a gate).

Usage: score_gofeed.py [--corpus DIR] [--tidings build/tidings] [-v]
"""
import argparse, datetime as dt, json, os, subprocess, sys


def iso(parsed):
    """feedparser 9-int struct_time (UTC) -> gofeed's RFC 3339 string."""
    if not parsed:
        return None
    y, mo, d, h, mi, s = parsed[:6]
    return dt.datetime(y, mo, d, h, mi, s).strftime("%Y-%m-%dT%H:%M:%SZ")


def person(detail):
    if not isinstance(detail, dict):
        return None
    out = {k: detail[k] for k in ("name", "email") if detail.get(k)}
    return out or None


def norm_person(p):
    return {k: v for k, v in (p or {}).items() if k in ("name", "email") and v} or None


def ours_common(d):
    out = {"title": d.get("title"), "link": d.get("link"),
           "updatedParsed": iso(d.get("updated_parsed")),
           "publishedParsed": iso(d.get("published_parsed")),
           "author": person(d.get("author_detail"))}
    authors = [person(a) for a in d.get("authors", []) if person(a)]
    out["authors"] = authors or None
    return out


def compare(exp, got, path, diffs):
    for key in ("title", "link", "updatedParsed", "publishedParsed"):
        if key in exp and (exp[key] or None) != (got.get(key) or None):
            diffs.append("%s.%s: want %r got %r" % (path, key, exp[key], got.get(key)))
    if "author" in exp and norm_person(exp["author"]) != got.get("author"):
        diffs.append("%s.author: want %r got %r" % (path, exp["author"], got.get("author")))
    if "authors" in exp:
        want = [norm_person(a) for a in exp["authors"] if norm_person(a)] or None
        if want != got.get("authors"):
            diffs.append("%s.authors: want %r got %r" % (path, want, got.get("authors")))


def score_case(xml, tidings):
    exp = json.load(open(xml[:-4] + ".json", encoding="utf-8"))
    p = subprocess.run([tidings, "parse", "--json", xml], capture_output=True)
    if not p.stdout.strip():
        return ["no output: " + p.stderr.decode("utf-8", "replace")[-200:]]
    res = json.loads(p.stdout)
    diffs = []
    compare(exp, ours_common(res.get("feed", {})), "feed", diffs)
    items = exp.get("items") or []
    entries = res.get("entries", [])
    if len(items) != len(entries):
        diffs.append("items: want %d got %d" % (len(items), len(entries)))
    for i, (ei, gi) in enumerate(zip(items, entries)):
        compare(ei, ours_common(gi), "items[%d]" % i, diffs)
        if "enclosures" in ei:
            want = [{k: str(e.get(k)) for k in ("url", "length", "type") if e.get(k)}
                    for e in ei["enclosures"] or []]
            got = [{k: str(v) for k, v in (("url", l.get("href")), ("length", l.get("length")),
                                          ("type", l.get("type"))) if v}
                   for l in gi.get("links", []) if l.get("rel") == "enclosure"]
            if want != got:
                diffs.append("items[%d].enclosures: want %r got %r" % (i, want, got))
    return diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="../shared/corpora/gofeed")
    ap.add_argument("--tidings", default="build/tidings")
    ap.add_argument("-v", action="store_true", help="print the differences")
    a = ap.parse_args()
    root = os.path.join(a.corpus, "testdata", "translator")
    if not os.path.isdir(root):
        print("score_gofeed: skipped (%s not found)" % root)
        return 0
    total = passed = 0
    for sub in sorted(os.listdir(root)):
        d = os.path.join(root, sub)
        cases = sorted(f for f in os.listdir(d) if f.endswith(".xml")
                       and os.path.exists(os.path.join(d, f[:-4] + ".json")))
        ok = 0
        for f in cases:
            diffs = score_case(os.path.join(d, f), a.tidings)
            if not diffs:
                ok += 1
            elif a.v:
                print("FAIL %s/%s\n    %s" % (sub, f, "\n    ".join(diffs)))
        print("  translator/%-10s pass %3d  fail %3d" % (sub, ok, len(cases) - ok))
        total += len(cases)
        passed += ok
    print("%d/%d gofeed translator cases agree (%.1f%%)" % (passed, total, 100.0 * passed / max(total, 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
