#!/usr/bin/env python3
"""bench/cluster_eval.py — the labelled news sets replayed through the real
daemon: RSS feeds per publisher on a local HTTP server, `tidingsd --once`
per round against one database, threads read back with SQL and scored.

UCI headlines: ~3-hour rounds over the set's 35 hours (TIMESTAMP order, ties
shuffled with a fixed seed), each round revealing only what was published by
its end.  ECB+ articles: undated, one round, shuffled.  Prints B-cubed
precision/recall/F1 and pairwise F1 per set (from the contingency table),
with item, story and thread counts and the run time, and per set the
spread of B-cubed F1 over its topics or stories drawn again with
replacement (bench/cluster_spread.py): what another set of that size could
score with the same threads' quality.  Skips cleanly (exit 0)
when the data folder is absent.  tests/integration/t_cluster_eval.py imports
this file for the small CI version.

usage: cluster_eval.py [--set uci|ecb|both] [--data DIR] [--limit N]
                       [--build DIR] [--keep] [--seed N] [--repeat N] [--explain]
                       [--threads-conf 'key = value' ...]
"""
import argparse
import collections
import csv
import email.utils
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zlib
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import harness  # noqa: E402  (Server, ROOT_OVERRIDE)

ROUND = 3 * 3600          # UCI: one poll round per 3 hours of crawl time
ECB_SYNTHETIC = 8         # ECB+ items without a URL: this many made-up publishers
LEAD_SENTENCES = 3        # ECB+: the feed summary is the article's first sentences (--lead)
SPREAD_DRAWS = 500        # redraws of the set's groups for the spread line


class NoDelayHandler(harness.Handler):
    # http.server writes the headers and the body in two sends; with Nagle
    # on, a keep-alive client waits out the delayed ACK (40 ms) per feed.
    disable_nagle_algorithm = True


class Item:
    """One labelled article as a feed entry.  key is the item's own id (the
    RSS guid, unique per row); round is the poll round that reveals it."""
    __slots__ = ("key", "gold", "group", "feed", "link", "title", "desc", "time", "round", "order",
                 "source", "publisher")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


def default_data():
    env = os.environ.get("TIDINGS_DATA")
    if env:
        return env
    # ../shared/data beside the repository; a worktree may sit one level deeper.
    cands = [os.path.join(ROOT, "..", "shared", "data"),
             os.path.join(ROOT, "..", "..", "shared", "data")]
    return next((d for d in cands if os.path.isdir(d)), cands[0])


def slug(s):
    out = "".join(c if c.isalnum() or c in ".-" else "_" for c in s.lower())
    return out.strip("_")[:80] or "x"


def unique_links(items):
    """Identical links are kept only for the same row: a later row with an
    already-used URL gets a query parameter naming its row, so level-2
    deduplication does not merge two different labelled rows."""
    seen = set()
    for it in items:
        link = it.link
        if link in seen:
            sep = "&" if urllib.parse.urlsplit(link).query else "?"
            link = "%s%seval_row=%s" % (link, sep, it.key)
        seen.add(link)
        it.link = link


def load_uci(path, seed):
    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
    rng = random.Random(seed)
    rng.shuffle(rows)                      # ties in TIMESTAMP: seeded order
    rows.sort(key=lambda r: int(r["TIMESTAMP"]))   # stable: keeps the shuffle among ties
    t0 = int(rows[0]["TIMESTAMP"]) // 1000
    items = []
    for n, r in enumerate(rows):
        t = int(r["TIMESTAMP"]) // 1000
        host = r["HOSTNAME"] or urllib.parse.urlsplit(r["URL"]).hostname or "unknown"
        feed = "%s--%s" % (slug(r["PUBLISHER"]), slug(host))
        items.append(Item(key="uci-%s" % r["ID"], gold=r["STORY"], group=r["STORY"], feed=feed,
                          link=r["URL"].replace("\\?", "?"), title=r["TITLE"], desc="",
                          time=t, round=(t - t0) // ROUND, order=n, publisher=r["PUBLISHER"]))
    unique_links(items)
    return items


def load_ecb(path, seed, n_lead=LEAD_SENTENCES):
    docs = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    rng = random.Random(seed)
    rng.shuffle(docs)
    items = []
    for n, d in enumerate(docs):
        lines = [l for l in d["text"].split("\n") if l.strip()]
        if lines and lines[0].strip() == d["title"].strip():
            lines = lines[1:]              # the first sentence is the headline
        lead = " ".join(lines[:n_lead] if n_lead > 0 else lines)
        host = urllib.parse.urlsplit(d["url"]).hostname if d.get("url") else None
        if host:
            link = d["url"]
        else:
            # crc32, not hash(): the same publisher on every run.
            host = "src%d.ecb.example" % (zlib.crc32(d["doc_id"].encode()) % ECB_SYNTHETIC)
            link = "https://%s/%s" % (host, urllib.parse.quote(d["doc_id"]))
        items.append(Item(key="ecb-%s" % d["doc_id"], gold=d["subtopic"], group=str(d["topic"]),
                          feed=slug(host), link=link, title=d["title"], desc=lead,
                          time=None, round=0, order=n))
    unique_links(items)
    return items


AGGREGATOR = "news.agg.example"


def as_aggregator(items):
    """UCI as a Google News feed gives it: each headline ends with
    " - Publisher", its link points into the aggregator, its description
    is the headline linked and the publisher's name (escaped HTML), and
    <source url> names the publisher's site."""
    for it in items:
        host = urllib.parse.urlsplit(it.link).hostname or it.feed.split("--")[-1]
        name = it.publisher
        it.source = ("https://%s/" % host, name)
        it.desc = '<a href="%s">%s</a>&nbsp;&nbsp;<font color="#6f6f6f">%s</font>' % (
            "https://%s/rss/articles/%s" % (AGGREGATOR, it.key), it.title, name)
        it.title = "%s - %s" % (it.title, name)
        it.link = "https://%s/rss/articles/%s" % (AGGREGATOR, it.key)
    return items


def direct_copies(items, n):
    """After as_aggregator(): each publisher with at least n headlines also
    has a feed of its own carrying the same articles, as a reader who follows
    both Google News and some outlets sees them: the publisher's link, the
    headline without the aggregator's suffix, no description.  Served
    beside the aggregator's items and not scored: each should be found as
    the aggregator's story (docs/dedup.md), not stored again."""
    by_pub = collections.Counter(it.publisher for it in items)
    out = []
    for it in items:
        if by_pub[it.publisher] < n:
            continue
        host = it.source[0].split("/")[2]
        out.append(Item(key="direct-" + it.key, gold=it.gold, group=it.group,
                        feed="direct--%s--%s" % (slug(it.publisher), slug(host)),
                        link="https://%s/%s" % (host, it.key), title=it.title.rsplit(" - ", 1)[0],
                        desc="", time=it.time, round=it.round, order=it.order,
                        publisher=it.publisher))
    return out


def as_branded(items):
    """UCI as sites that brand their feeds' titles give it: every headline
    ends with " | Publisher"."""
    for it in items:
        it.title = "%s | %s" % (it.title, it.publisher)
    return items


def subset(items, limit, seed):
    """Whole stories (UCI) or whole topics (ECB+, both events of each),
    drawn in a seeded order, each taken when it still fits in `limit`
    items.  Groups over a quarter of the limit are left out, so that the
    subset has several events to tell apart rather than one big one."""
    groups = collections.OrderedDict()
    for it in items:
        groups.setdefault(it.group, []).append(it)
    names = sorted(groups)
    random.Random(seed).shuffle(names)
    keep, n = set(), 0
    for g in names:
        if len(groups[g]) <= max(limit // 4, 1) and n + len(groups[g]) <= limit:
            keep.add(g)
            n += len(groups[g])
    return [it for it in items if it.group in keep]


def rss(feed, items):
    """An RSS 2.0 document, newest first as publishers write them."""
    site = AGGREGATOR if any(it.source for it in items) else feed.split("--")[-1]
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
           "<title>%s</title><link>https://%s/</link><language>en</language>"
           % (escape(feed), escape(site))]
    for it in sorted(items, key=lambda i: -i.order):
        out.append("<item><title>%s</title><link>%s</link><guid isPermaLink=\"false\">%s</guid>"
                   % (escape(it.title), escape(it.link), escape(it.key)))
        if it.desc:
            out.append("<description>%s</description>" % escape(it.desc))
        if it.time is not None:
            out.append("<pubDate>%s</pubDate>" % email.utils.formatdate(it.time, usegmt=True))
        if it.source:
            out.append('<source url="%s">%s</source>' % (escape(it.source[0]), escape(it.source[1])))
        out.append("</item>")
    out.append("</channel></rss>\n")
    return "".join(out)


def run_daemon(items, build, threads_conf=(), seed=1, keep=False, log=None):
    """Serves the items round by round, runs tidingsd --once per round and
    returns (pred {item key: thread id}, info dict)."""
    tidingsd = os.path.join(build, "tidingsd")
    work = tempfile.mkdtemp(prefix="tidings-eval-")
    db = os.path.join(work, "tidings.db")
    conf = os.path.join(work, "tidings.conf")
    feeds = os.path.join(work, "feeds.txt")
    with open(conf, "w") as f:
        # One transfer at a time: feeds are stored in list order, so a run
        # is repeatable (the list is reshuffled every round with the seed).
        # retention 0: the sets are years old.
        f.write("[daemon]\ndatabase = %s\nfeeds = %s\nconcurrency = 1\nretention = 0\n"
                "log_level = warning\n" % (db, feeds))
        if threads_conf:
            f.write("[threads]\n%s\n" % "\n".join(threads_conf))
    srv = harness.Server()
    srv.RequestHandlerClass = NoDelayHandler
    rng = random.Random(seed)
    by_round = collections.defaultdict(list)
    for it in items:
        by_round[it.round].append(it)
    shown = collections.defaultdict(list)
    info = {"rounds": 0, "daemon_s": 0.0, "work": work}
    t_start = time.monotonic()
    try:
        for rnd in sorted(by_round):
            changed = set()
            for it in by_round[rnd]:
                shown[it.feed].append(it)
                changed.add(it.feed)
            for feed in changed:
                srv.put("/%s.xml" % feed, rss(feed, shown[feed]))
            order = sorted(shown)
            rng.shuffle(order)
            with open(feeds, "w") as f:
                f.write("".join(srv.url("/%s.xml" % feed) + "\n" for feed in order))
            t = time.monotonic()
            r = subprocess.run([tidingsd, "-c", conf, "--once"] + harness.ROOT_OVERRIDE,
                               capture_output=True, text=True, timeout=1800)
            info["daemon_s"] += time.monotonic() - t
            info["rounds"] += 1
            if r.returncode != 0:
                raise RuntimeError("tidingsd --once failed (exit %d) in round %d:\n%s"
                                   % (r.returncode, rnd, r.stderr[-4000:]))
            if log:
                log("round %d: %d new items, %d feeds, %.1f s" % (
                    rnd, len(by_round[rnd]), len(order), time.monotonic() - t))
        info["wall_s"] = time.monotonic() - t_start
        pred, info2 = read_threads(db, items)
        info.update(info2)
        return pred, info
    finally:
        srv.stop()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def read_threads(db, items):
    """Each item's thread: its story_feeds row (guid) leads to the story,
    which covers level-2 merges (one story, several feeds); near-duplicates
    are stories of their own, already in their original's thread.  A merged
    thread id is followed to its survivor."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        merged = dict(con.execute("SELECT id, merged_into FROM threads WHERE merged_into IS NOT NULL"))
        rows = con.execute("SELECT sf.ident, s.thread_id FROM story_feeds sf "
                           "JOIN stories s ON s.id = sf.story_id").fetchall()
        rows += con.execute("SELECT ident, thread_id FROM stories").fetchall()
        by_link = dict(con.execute("SELECT link, thread_id FROM stories"))
        n_stories = con.execute("SELECT count(*) FROM stories").fetchone()[0]
        n_dups = con.execute("SELECT count(*) FROM stories WHERE duplicate_of IS NOT NULL").fetchone()[0]
        n_live = con.execute("SELECT count(*) FROM threads WHERE merged_into IS NULL").fetchone()[0]
        n_merged = len(merged)
    finally:
        con.close()
    by_guid = {}
    for ident, tid in rows:
        if ident and ident.startswith("g:"):
            by_guid[ident[2:]] = tid
    pred, missing = {}, 0
    for it in items:
        tid = by_guid.get(it.key, by_link.get(it.link))
        if tid is None:
            # Not stored or no thread: it stands alone (counted, reported).
            missing += 1
            pred[it.key] = "missing:" + it.key
            continue
        seen = 0
        while tid in merged and seen < 1000:
            tid, seen = merged[tid], seen + 1
        pred[it.key] = tid
    return pred, {"stories": n_stories, "near_dups": n_dups, "live_threads": n_live,
                  "merged_threads": n_merged, "missing": missing}


def score(pred, gold):
    """B-cubed P/R/F1 and pairwise F1 from the contingency table."""
    keys = list(gold)
    n = len(keys)
    cp = collections.Counter(pred[k] for k in keys)
    cg = collections.Counter(gold[k] for k in keys)
    both = collections.Counter((pred[k], gold[k]) for k in keys)
    # B-cubed: for each cell (t, g) with v items, each of them scores v/|t|
    # precision and v/|g| recall.
    P = sum(v * v / cp[t] for (t, g), v in both.items()) / n
    R = sum(v * v / cg[g] for (t, g), v in both.items()) / n
    F = 2 * P * R / (P + R) if P + R else 0.0

    def pairs(c):
        return sum(v * (v - 1) // 2 for v in c.values())
    tp, pp, gp = pairs(both), pairs(cp), pairs(cg)
    pw_p = tp / pp if pp else 0.0
    pw_r = tp / gp if gp else 0.0
    pw = 2 * pw_p * pw_r / (pw_p + pw_r) if pw_p + pw_r else 0.0
    return {"P": P, "R": R, "F1": F, "pair_P": pw_p, "pair_R": pw_r, "pair_F1": pw,
            "threads": len(cp), "gold": len(cg), "items": n}


def explain(items, pred, top=6):
    """Where it goes wrong: gold events split over many threads, threads
    mixing several gold events, with a few headlines each."""
    by_gold = collections.defaultdict(list)
    by_pred = collections.defaultdict(list)
    for it in items:
        by_gold[it.gold].append(it)
        by_pred[pred[it.key]].append(it)
    print("# gold events split most (items, threads, biggest share):")
    worst = sorted(by_gold.items(), key=lambda kv: -len({pred[i.key] for i in kv[1]}))
    for g, its in worst[:top]:
        c = collections.Counter(pred[i.key] for i in its)
        print("#   %s: %d items in %d threads, largest %d, %d singletons" % (
            g[:30], len(its), len(c), c.most_common(1)[0][1], sum(1 for v in c.values() if v == 1)))
        for i in its[:3]:
            print("#     | %s" % i.title[:100])
    print("# threads mixing gold events most (items, events):")
    mixed = sorted(by_pred.items(), key=lambda kv: -(len(kv[1]) - collections.Counter(
        i.gold for i in kv[1]).most_common(1)[0][1]))
    for t, its in mixed[:top]:
        c = collections.Counter(i.gold for i in its)
        if len(c) < 2:
            break
        print("#   thread %s: %d items, %d events %s" % (
            t, len(its), len(c), [v for _, v in c.most_common(4)]))
        for g, _ in c.most_common(3):
            ex = next(i for i in its if i.gold == g)
            print("#     | [%s] %s" % (g[:12], ex.title[:90]))


def load(name, data, seed, n_lead=LEAD_SENTENCES):
    if name == "uci":
        p = os.path.join(data, "uci", "uci_headlines.csv")
        return p, (load_uci(p, seed) if os.path.exists(p) else None)
    p = os.path.join(data, "ecbplus", "ecbplus_docs.jsonl")
    return p, (load_ecb(p, seed, n_lead) if os.path.exists(p) else None)


def evaluate(name, items, build, threads_conf=(), seed=1, keep=False, log=None, extra=()):
    """extra: items served too but not scored (direct_copies())."""
    pred, info = run_daemon(list(items) + list(extra), build, threads_conf, seed, keep, log)
    s = score(pred, {it.key: it.gold for it in items})
    s.update(info)
    return s, pred


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=["uci", "ecb", "both"], default="both")
    ap.add_argument("--data", default=default_data())
    ap.add_argument("--limit", type=int, default=0,
                    help="a deterministic subset of whole stories/topics, at most N items")
    ap.add_argument("--build", default=os.environ.get("TIDINGS_BUILD", os.path.join(ROOT, "build")))
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lead", type=int, default=LEAD_SENTENCES, metavar="N",
                    help="ECB+: sentences of the article in the feed summary (0: all of it)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="replay N times (seeds SEED..SEED+N-1) and print the mean")
    ap.add_argument("--explain", action="store_true", help="show what splits and merges wrongly")
    ap.add_argument("--aggregator", action="store_true",
                    help="UCI as through Google News: ' - Publisher' headlines, links into the "
                         "aggregator, <source url> naming the publisher")
    ap.add_argument("--direct", type=int, default=0, metavar="N",
                    help="with --aggregator: publishers with N headlines or more also serve them "
                         "in a feed of their own (not scored; the stories stored should not grow)")
    ap.add_argument("--branded", action="store_true",
                    help="UCI with ' | Publisher' at the end of every headline")
    ap.add_argument("--verbose", action="store_true", help="one line per round")
    ap.add_argument("--threads-conf", nargs="+", action="extend", default=[], metavar="'KEY = VALUE'",
                    help="lines for the [threads] section")
    a = ap.parse_args()
    if not os.path.isdir(a.data):
        print("cluster_eval: skipped, no labelled data at %s" % a.data)
        return 0
    if not os.access(os.path.join(a.build, "tidingsd"), os.X_OK):
        print("cluster_eval: %s/tidingsd not built (make all)" % a.build, file=sys.stderr)
        return 2
    import cluster_spread  # here: it imports this module's loaders
    names = ["uci", "ecb"] if a.set == "both" else [a.set]
    if a.threads_conf:
        print("# [threads] %s" % "; ".join(a.threads_conf))
    for name in names:
        runs, groups = [], []
        for k in range(a.repeat):
            # Replay orders vary with the seed; the subset stays the same.
            path, items = load(name, a.data, a.seed + k, a.lead)
            if items is None:
                print("%-4s skipped: %s absent" % (name, path))
                break
            if a.limit:
                items = subset(items, a.limit, a.seed)
            extra = []
            if a.aggregator and name == "uci":
                items = as_aggregator(items)
                if a.direct:
                    extra = direct_copies(items, a.direct)
            if a.branded and name == "uci":
                items = as_branded(items)
            log = (lambda m: print("# " + m, flush=True)) if a.verbose else None
            try:
                s, pred = evaluate(name, items, a.build, a.threads_conf, a.seed + k, a.keep, log, extra)
            except RuntimeError as e:
                print("cluster_eval: %s: %s" % (name, e), file=sys.stderr)
                return 1
            runs.append(s)
            groups.append(cluster_spread.by_group(items, pred))
            print("%-4s items %4d gold %3d stories %4d threads %4d  B3 P %.3f R %.3f F1 %.3f  "
                  "pairwise F1 %.3f  rounds %d  %.1f s%s" % (
                      name, s["items"], s["gold"], s["stories"], s["threads"], s["P"], s["R"],
                      s["F1"], s["pair_F1"], s["rounds"], s["wall_s"],
                      "  seed %d" % (a.seed + k) if a.repeat > 1 else ""), flush=True)
            if extra:
                print("#    %d of the items also in their publishers' own feeds; stories stored %d "
                      "for %d articles" % (len(extra), s["stories"], len(items)))
            if s["missing"]:
                print("#    %d items not found in the database (scored as singletons)" % s["missing"])
            print("#    near-duplicates %d, merged threads %d" % (s["near_dups"], s["merged_threads"]))
            if a.keep:
                print("#    work dir kept: %s" % s["work"])
            if a.explain:
                explain(items, pred)
        if len(runs) > 1:
            def mean(key):
                return sum(r[key] for r in runs) / len(runs)
            f1 = [r["F1"] for r in runs]
            print("%-4s mean of %d orders: threads %.0f  B3 P %.3f R %.3f F1 %.3f (%.3f..%.3f)  "
                  "pairwise F1 %.3f" % (name, len(runs), mean("threads"), mean("P"), mean("R"),
                                        mean("F1"), min(f1), max(f1), mean("pair_F1")))
        if groups:
            # What another set of this size would score: the runs' threads
            # on sets of their groups drawn again (docs/threads.md).
            keys = sorted(groups[0])
            xs = [cluster_spread.mean_f1(groups, d)
                  for d in cluster_spread.draw_groups(keys, SPREAD_DRAWS)]
            print("%-4s over %d draws of its %d %s with replacement (bench/cluster_spread.py): "
                  "B3 F1 sd %.3f, 5%%..95%% %.3f..%.3f" % (
                      name, len(xs), len(keys), "topics" if name == "ecb" else "stories",
                      statistics.stdev(xs), cluster_spread.pct(xs, 0.05),
                      cluster_spread.pct(xs, 0.95)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
