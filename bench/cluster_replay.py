#!/usr/bin/env python3
"""bench/cluster_replay.py — offline replay of the labelled news sets through
the clusterer (build/bench/cluster_offline) and their scores.  Same texts as
bench/cluster_eval.py gives the daemon, in a similar but not the same order
(the daemon reads feeds publisher by publisher; for the daemon's exact order,
dump a --keep database's stories by id with their duplicate_of as the 7th
column: cluster_offline reads it).

Turns ../shared/data into the stream the daemon would see (UCI headlines:
~3-hour rounds by TIMESTAMP, ties and round order shuffled with a fixed seed;
ECB+: one round, shuffled, undated), pipes it as TSV through the C program,
prints B-cubed precision/recall/F1 and pairwise F1 per set.  Skips cleanly
when the data folder is absent.  Extra arguments go to the C program.

usage: cluster_replay.py [--data DIR] [--bin PATH] [--set uci|ecb] [--seed N]
                         [--repeat N] [--lead N] [--order shuffled|feeds]
                         [--db FILE ...] [--tsv-only] [-- clusterer options]

--lead N gives ECB+ N sentences of lead (0: the whole article; -1 titles
only, a headline set whose events share their names: docs/threads.md), as
cluster_eval.py --lead.  --order feeds replays ECB+ feed by feed in the
eval's seeded feed order (the daemon's order, nearly), instead of one
shuffle: the two families of orders disagree by up to 0.007 on a change's
gain, so a change to keep should gain on both (and on many seeds: one order
of ECB+ moves by 0.03).

--db FILE (repeatable) replays the stories of a database kept by
`cluster_eval.py --keep` in the daemon's exact order (by id, with the
store's near-duplicate verdicts), scored against the labels of --data: on
ECB+ this gives the daemon's threads exactly, on UCI nearly (the daemon
restores between rounds), in a fraction of a second instead of a daemon
run, for any clusterer options.  Several --db files: their mean too.

--repeat N replays seeds N..N+repeat-1 (as cluster_eval.py --repeat) and adds
a line per set with the mean and range of B3 F1 over them: one order of ECB+
says little (seeds 1-5 spread by 0.03-0.04), so compare means.
"""
import argparse, collections, csv, json, os, random, subprocess, sys

ROUND = 3 * 3600
LEAD_SENTENCES = 3   # as bench/cluster_eval.py


def esc(s):
    return (s or "").replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")


def uci_stream(path, seed):
    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
    rng = random.Random(seed)
    t0 = min(int(r["TIMESTAMP"]) // 1000 for r in rows)
    rounds = collections.defaultdict(list)
    for r in rows:
        t = int(r["TIMESTAMP"]) // 1000
        rounds[(t - t0) // ROUND].append(r)
    out = []
    for k in sorted(rounds):
        items = rounds[k]
        rng.shuffle(items)  # a round reveals its items in no useful order
        for r in items:
            out.append(dict(id=int(r["ID"]), time=int(r["TIMESTAMP"]) // 1000, gold=r["STORY"],
                            source=r["HOSTNAME"], lang="en", title=r["TITLE"], text=""))
    return out


def ecb_feed_order(path, seed, n_lead):
    """ECB+ in the order the daemon stores it (cluster_eval.py's one round):
    the publishers' feeds in the list order the eval shuffles with the seed,
    each feed's items newest first as the feed lists them.  Close to the
    daemon's order, not always the same within a feed."""
    import cluster_eval
    items = cluster_eval.load_ecb(path, seed, max(n_lead, 0))
    feeds = collections.defaultdict(list)
    for it in items:
        feeds[it.feed].append(it)
    names = sorted(feeds)
    random.Random(seed).shuffle(names)
    out = []
    for f in names:
        for it in sorted(feeds[f], key=lambda i: -i.order):
            out.append(dict(id=len(out) + 1, time=1700000000, gold=it.gold, source=f,
                            lang="en", title=it.title, text=it.desc if n_lead >= 0 else ""))
    return out


def ecb_stream(path, seed, n_lead=LEAD_SENTENCES, order="shuffled"):
    if order == "feeds":
        return ecb_feed_order(path, seed, n_lead)
    docs = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    rng = random.Random(seed)
    rng.shuffle(docs)
    out = []
    for i, d in enumerate(docs, 1):
        # Undated: every item gets the round's time.  The lead is the first
        # LEAD_SENTENCES sentences after the title, as bench/cluster_eval.py
        # writes the feed summary (the whole article here scored 0.035
        # higher than the daemon did on the same orders).
        lines = [l for l in d["text"].split("\n") if l.strip()]
        if lines and lines[0].strip() == d["title"].strip():
            lines = lines[1:]
        body = " ".join(lines[:n_lead] if n_lead > 0 else lines) if n_lead >= 0 else ""
        host = ""
        if d.get("url"):
            host = d["url"].split("/")[2] if "//" in d["url"] else d["url"]
        out.append(dict(id=i, time=1700000000, gold=d["subtopic"], source=host or "src%d" % i,
                        lang="en", title=d["title"], text=body))
    return out


def bcubed(pred, gold):
    """B-cubed P/R/F1 and pairwise F1, from the contingency table."""
    ids = list(gold)
    cp = collections.Counter(pred[i] for i in ids)
    cg = collections.Counter(gold[i] for i in ids)
    both = collections.Counter((pred[i], gold[i]) for i in ids)
    n = len(ids)
    P = sum(both[(pred[i], gold[i])] / cp[pred[i]] for i in ids) / n
    R = sum(both[(pred[i], gold[i])] / cg[gold[i]] for i in ids) / n
    F = 2 * P * R / (P + R) if P + R else 0
    tp = sum(v * (v - 1) / 2 for v in both.values())
    pp = sum(v * (v - 1) / 2 for v in cp.values())
    gp = sum(v * (v - 1) / 2 for v in cg.values())
    pw_p = tp / pp if pp else 0
    pw_r = tp / gp if gp else 0
    pw = 2 * pw_p * pw_r / (pw_p + pw_r) if pw_p + pw_r else 0
    return P, R, F, pw, len(cp)


def db_stream(db, data):
    """The stories of a kept eval database, by id, as the daemon clustered
    them: each with the labelled items it carries (a story can carry
    several feeds' items of one article) and the story it copies."""
    import sqlite3
    gold = {}
    p = os.path.join(data, "ecbplus", "ecbplus_docs.jsonl")
    if os.path.exists(p):
        for l in open(p, encoding="utf-8"):
            if l.strip():
                d = json.loads(l)
                gold["ecb-%s" % d["doc_id"]] = d["subtopic"]
    p = os.path.join(data, "uci", "uci_headlines.csv")
    if os.path.exists(p):
        for r in csv.DictReader(open(p, newline="", encoding="utf-8")):
            gold["uci-%s" % r["ID"]] = r["STORY"]
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        keys = collections.defaultdict(set)
        for sid, ident in con.execute("SELECT story_id, ident FROM story_feeds"):
            keys[sid].add(ident)
        rows = con.execute("SELECT id, event_time, host, lang, title, summary, duplicate_of, ident "
                           "FROM stories ORDER BY id").fetchall()
    finally:
        con.close()
    out = []
    for sid, t, host, lang, title, summary, dup, ident in rows:
        items = sorted(k[2:] for k in keys[sid] | {ident} if k.startswith("g:") and k[2:] in gold)
        out.append(dict(id=sid, time=t, source=host or "", lang=lang or "", title=title or "",
                        text=summary or "", dup=dup or "", items=[(k, gold[k]) for k in items]))
    return out


def score_db(db, a):
    """Replays one kept database; prints and returns its B3 F1 (None: no
    labelled item in it)."""
    stream = db_stream(db, a.data)
    th = run(stream, a.bin, a.extra, with_dup=True)
    pred, gold = {}, {}
    for x in stream:
        for k, g in x["items"]:
            pred[k], gold[k] = th[x["id"]], g
    if not gold:
        print("# %s: no labelled items" % db)
        return None
    P, R, F, pw, k = bcubed(pred, gold)
    print("db   %s  items %4d gold %3d threads %4d  B3 P %.3f R %.3f F1 %.3f  pairwise F1 %.3f"
          % (db, len(gold), len(set(gold.values())), k, P, R, F, pw))
    return F


def run(stream, binary, extra, with_dup=False):
    tsv = "".join("%d\t%d\t%s\t%s\t%s\t%s%s\n" % (x["id"], x["time"], esc(x["source"]), x["lang"],
                                                esc(x["title"]), esc(x["text"]),
                                                "\t%s" % x["dup"] if with_dup else "") for x in stream)
    res = subprocess.run([binary] + extra, input=tsv.encode(), stdout=subprocess.PIPE, check=True)
    pred = {}
    for line in res.stdout.decode().splitlines():
        if line.startswith("#"):
            print(line, file=sys.stderr)
            continue
        a, b = line.split("\t")
        pred[int(a)] = int(b)
    return pred


def default_data():
    """$TIDINGS_DATA, else ../shared/data beside the repository (a worktree
    may sit one level deeper)."""
    data = os.environ.get("TIDINGS_DATA")
    if data:
        return data
    here = os.path.dirname(os.path.abspath(__file__))
    cands = [os.path.join(here, "..", "..", "shared", "data"),
             os.path.join(here, "..", "..", "..", "shared", "data")]
    return next((d for d in cands if os.path.isdir(d)), cands[0])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=default_data())
    ap.add_argument("--bin", default=os.path.join(here, "..", "build", "bench", "cluster_offline"))
    ap.add_argument("--set", choices=["uci", "ecb"], action="append")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="seeds seed..seed+N-1, with their mean")
    ap.add_argument("--tsv-only", action="store_true")
    ap.add_argument("--lang", default="en", help="language given to the clusterer ('' = unknown)")
    ap.add_argument("--lead", type=int, default=LEAD_SENTENCES, metavar="N",
                    help="ECB+ lead sentences (0: the whole article, -1: titles only: a "
                         "headline set whose events share their names), as cluster_eval.py")
    ap.add_argument("--order", choices=["shuffled", "feeds"], default="shuffled",
                    help="ECB+: one shuffled order (default), or feed by feed as the daemon stores it")
    ap.add_argument("--db", action="append", default=[],
                    help="a database kept by cluster_eval.py --keep: replay its stories by id")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    if not os.path.isdir(a.data):
        print("# skip: no labelled data at %s" % a.data)
        return 0
    if a.db:
        f1s = [f for f in (score_db(db, a) for db in a.db) if f is not None]
        if len(f1s) > 1:
            print("db   mean B3 F1 %.4f (%.3f-%.3f) over %d databases"
                  % (sum(f1s) / len(f1s), min(f1s), max(f1s), len(f1s)))
        return 0
    sets = a.set or ["uci", "ecb"]
    for name in sets:
        if name == "uci":
            p = os.path.join(a.data, "uci", "uci_headlines.csv")
            stream = uci_stream(p, a.seed) if os.path.exists(p) else None
        else:
            p = os.path.join(a.data, "ecbplus", "ecbplus_docs.jsonl")
            stream = ecb_stream(p, a.seed, a.lead, a.order) if os.path.exists(p) else None
        if stream is None:
            print("# skip %s: %s absent" % (name, p))
            continue
        if a.repeat > 1 and not a.tsv_only:
            f1s = []
            for seed in range(a.seed, a.seed + a.repeat):
                stream = uci_stream(p, seed) if name == "uci" else ecb_stream(p, seed, a.lead, a.order)
                f1s.append(score(name, stream, a, "seed %d " % seed))
            print("%-4s mean B3 F1 %.4f (%.3f-%.3f) over seeds %d-%d"
                  % (name, sum(f1s) / len(f1s), min(f1s), max(f1s), a.seed, a.seed + a.repeat - 1))
            continue
        if a.tsv_only:
            # cluster_offline's input; its 7th column is the story this one
            # copies (0: none), so the gold label goes 8th, which it ignores.
            for x in stream:
                sys.stdout.write("%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n" % (x["id"], x["time"], esc(x["source"]),
                                 x["lang"], esc(x["title"]), esc(x["text"]), x.get("dup") or 0, x["gold"]))
            continue
        score(name, stream, a, "")
    return 0


def score(name, stream, a, tag):
    """Replays one stream, prints its scores, returns its B3 F1."""
    for x in stream:
        x["lang"] = a.lang
    pred = run(stream, a.bin, a.extra)
    gold = {x["id"]: x["gold"] for x in stream}
    P, R, F, pw, k = bcubed(pred, gold)
    print("%-4s %sitems %4d gold %3d threads %4d  B3 P %.3f R %.3f F1 %.3f  pairwise F1 %.3f"
          % (name, tag, len(gold), len(set(gold.values())), k, P, R, F, pw))
    return F


if __name__ == "__main__":
    sys.exit(main())
