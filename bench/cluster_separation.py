#!/usr/bin/env python3
"""bench/cluster_separation.py — how well the clusterer's story vectors
alone tell the events of the labelled sets apart, free from the join and
merge rules and from most of the arrival order's noise.

Replays databases kept by `cluster_eval.py --keep` through
build/bench/cluster_offline --dump-vectors (each story's vector as
cluster_add scored it: its terms weighed with the document frequencies
known at that moment, cut to max_terms), and over the labelled stories
prints:

  nn        the share of stories whose nearest other story (cosine) is of
            their own event;
  topicAUC  for ECB+ (gold ids "<topic>_ecb" / "<topic>_ecbplus": the two
            events of a topic): the chance that a story is closer to a
            story of its own event than to one of the other event of its
            topic, averaged over stories: the set's trap, measured on the
            vectors;
  MAP       mean average precision of the story's own event among all
            others ranked by cosine.

A measure of the vectors, not of the decisions made with them: a change
that does not move it is unlikely to move B-cubed F1, and one that does
may still not.  On the daemon's ECB+ orders of seeds 1-5, the terms the
when channel reads as times weighed 1.5 times in every vector (an
experiment like session ecb5's when_weight) raise topicAUC from 0.918 to
0.930 and B3 F1 by 0.010; years and months alone raise topicAUC as much
(0.929) and B3 F1 by 0.000 (seeds 6-10: +0.008).  The term weightings of
session ecb7 stayed within 0.912-0.922 (docs/threads.md).  The measure
hardly depends on the order: seeds 6-10 read within 0.001 of seeds 1-5.

--explain N prints, for each database, the N ECB+ topics whose two events
the vectors part worst (their topicAUC) with the terms that carry the
cosine between the two events' stories and within each (each term's share
of the summed cosine over those pairs; * marks a name).

usage: cluster_separation.py [--data DIR] [--bin PATH] [--explain N]
                             --db FILE [--db FILE ...] [-- clusterer options]
"""
import argparse, collections, math, os, sys, tempfile

import cluster_replay


def vectors(path, wanted, names=None):
    out = {}
    for line in open(path):
        p = line.split()
        sid = int(p[0])
        if sid not in wanted:
            continue
        v = {}
        for a in p[1:]:
            t, w, ent, stem = (a.split(":", 3) + [""])[:4]
            v[int(t)] = float(w)
            if names is not None:
                names[int(t)] = stem + ("*" if ent == "1" else "")
        n = math.sqrt(sum(w * w for w in v.values()))
        out[sid] = {t: w / n for t, w in v.items()} if n > 0 else {}
    return out


def measure(db, a):
    stream = cluster_replay.db_stream(db, a.data)
    gold = {x["id"]: x["items"][0][1] for x in stream if x["items"]}
    if not gold:
        return None
    fd, path = tempfile.mkstemp(prefix="tidings-vec-")
    os.close(fd)
    try:
        cluster_replay.run(stream, a.bin, ["--quiet", "--dump-vectors", path] + a.extra,
                           with_dup=True)
        names = {}
        vec = vectors(path, gold, names)
    finally:
        os.unlink(path)
    ids = sorted(vec)
    post = collections.defaultdict(list)
    for i in ids:
        for t, w in vec[i].items():
            post[t].append((i, w))
    topic = {i: gold[i].split("_")[0] if "_" in gold[i] else None for i in ids}
    nn = aucs = aps = 0.0
    n_auc = n_ap = 0
    for i in ids:
        sim = collections.defaultdict(float)
        for t, w in vec[i].items():
            for j, x in post[t]:
                sim[j] += w * x
        sim.pop(i, None)
        others = [j for j in ids if j != i]
        if not others:
            continue
        best = max(others, key=lambda j: (sim.get(j, 0.0), -j))
        nn += gold[best] == gold[i]
        same = [sim.get(j, 0.0) for j in others if gold[j] == gold[i]]
        if topic[i] is not None:
            rival = [sim.get(j, 0.0) for j in others
                     if topic[j] == topic[i] and gold[j] != gold[i]]
            if same and rival:
                wins = sum((s > r) + 0.5 * (s == r) for s in same for r in rival)
                aucs += wins / (len(same) * len(rival))
                n_auc += 1
        if same:
            ranked = sorted(others, key=lambda j: (-sim.get(j, 0.0), j))
            hits, ap = 0, 0.0
            for k, j in enumerate(ranked, 1):
                if gold[j] == gold[i]:
                    hits += 1
                    ap += hits / k
            aps += ap / hits
            n_ap += 1
    if a.explain:
        explain(vec, gold, names, a.explain)
    return (nn / len(ids), aucs / n_auc if n_auc else float("nan"),
            aps / n_ap if n_ap else float("nan"))


def explain(vec, gold, names, n):
    """The n ECB+ topics the vectors part worst, with the terms that carry
    the cosine across their two events and within each."""
    topics = collections.defaultdict(list)
    for i in sorted(vec):
        if "_" in gold[i]:
            topics[gold[i].split("_")[0]].append(i)

    def cos(x, y):
        return sum(w * y.get(t, 0.0) for t, w in x.items())

    rows = []
    for tp, mem in topics.items():
        if len({gold[i] for i in mem}) < 2:
            continue
        wins = pairs = 0.0
        carry = (collections.Counter(), collections.Counter())  # across, within
        for i in mem:
            same = [cos(vec[i], vec[j]) for j in mem if j != i and gold[j] == gold[i]]
            rival = [cos(vec[i], vec[j]) for j in mem if gold[j] != gold[i]]
            for x in same:
                for y in rival:
                    wins += (x > y) + 0.5 * (x == y)
                    pairs += 1
            for j in mem:
                if j > i:
                    c = carry[gold[j] == gold[i]]
                    for t, w in vec[i].items():
                        if t in vec[j]:
                            c[t] += w * vec[j][t]
        rows.append((wins / pairs if pairs else 1.0, tp, carry))
    rows.sort()
    for auc, tp, carry in rows[:n]:
        print("  topic %s  topicAUC %.3f" % (tp, auc))
        for label, c in zip(("across", "within"), carry):
            tot = sum(c.values()) or 1.0
            print("    %s: %s" % (label, ", ".join("%s %.2f" % (names.get(t, t), v / tot)
                                                 for t, v in c.most_common(10))))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=cluster_replay.default_data())
    ap.add_argument("--bin", default=os.path.join(here, "..", "build", "bench", "cluster_offline"))
    ap.add_argument("--db", action="append", default=[], required=True)
    ap.add_argument("--explain", type=int, default=0, metavar="N",
                    help="the N topics parted worst, with the terms that join them")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    if not os.path.isdir(a.data):
        print("cluster_separation: no data at %s, skipped" % a.data)
        return 0
    rows = []
    for db in a.db:
        r = measure(db, a)
        if r is None:
            print("# %s: no labelled items" % db)
            continue
        rows.append(r)
        print("db   %s  nn %.4f  topicAUC %.4f  MAP %.4f" % ((db,) + r))
    if len(rows) > 1:
        m = [sum(r[k] for r in rows) / len(rows) for k in range(3)]
        print("db   mean over %d databases  nn %.4f  topicAUC %.4f  MAP %.4f" % (len(rows), *m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
