#!/usr/bin/env python3
"""bench/cluster_spread.py — how much of a clustering score is the draw of
the labelled set, and whether a change's gain is more than that draw.

The labelled sets are small: ECB+'s half here is 22 topics, UCI's 39
stories, and the other half of each, kept apart, is scored the same way.
A set of the same size drawn again would score differently with the same
clusterer; this script says by how much.  It reads databases kept by
`cluster_eval.py --keep` (the daemon's threads, through read_threads) and
resamples the set's topics (ECB+) or stories (UCI) with replacement, as
many as it has: a bootstrap over groups, since the items of one group are
not independent draws and the groups are.  A group drawn twice comes as
two copies, the k-th copy of each group together, so that a thread joining
two groups' items is scored as such within a copy.  For each draw, B-cubed
F1 averaged over the databases.

With --vs, a second list of databases (the same seeds, another build or
configuration), each draw scores both on the same groups, and the paired
difference says whether the second is better on sets like this one or only
on this one.

usage: cluster_spread.py --set ecb|uci --db FILE [--db FILE ...]
                         [--vs FILE ...] [--draws N] [--target F1] [--data DIR]

Prints the set's B3 F1 (the databases' mean), the bootstrap's mean, sd,
5th and 95th percentiles, the share of draws at or above --target, and for
--vs the paired difference's mean, 90% interval and the share of draws
where the second scores higher.  Skips cleanly when the data is absent.
"""
import argparse, collections, os, random, sqlite3, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_eval  # noqa: E402  (the eval's loaders and read_threads)


def by_group(items, pred):
    """Per group: its items' (thread, event) pairs."""
    by = collections.defaultdict(list)
    for it in items:
        by[it.group].append((pred[it.key], it.gold))
    return dict(by)


def f1(groups_items, draw):
    """B3 F1 of the items of the drawn groups, by cluster_eval.score: the
    k-th copy of a group drawn several times goes with the k-th copies of
    the others, so a thread that spans two groups still spans them within a
    copy."""
    seen = collections.Counter()
    pred, gold = {}, {}
    for g in draw:
        k = seen[g]
        seen[g] += 1
        for i, (t, e) in enumerate(groups_items[g]):
            pred[(g, i, k)] = (t, k)
            gold[(g, i, k)] = (e, k)
    return cluster_eval.score(pred, gold)["F1"]


def load_dbs(dbs, items):
    runs = []
    for db in dbs:
        if not os.path.exists(db):
            sys.exit("cluster_spread: %s: no such database" % db)
        pred, _ = cluster_eval.read_threads(db, items)
        runs.append(by_group(items, pred))
    return runs


def mean_f1(runs, draw):
    return statistics.mean(f1(r, draw) for r in runs)


def draw_groups(groups, n, seed=1):
    """n draws of len(groups) groups with replacement, the same for a seed."""
    rng = random.Random(seed)
    return [[rng.choice(groups) for _ in groups] for _ in range(n)]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=cluster_eval.default_data())
    ap.add_argument("--set", choices=("ecb", "uci"), required=True)
    ap.add_argument("--db", action="append", required=True)
    ap.add_argument("--vs", action="append", default=[])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--target", type=float, default=None)
    ap.add_argument("--rng", type=int, default=1)
    a = ap.parse_args()
    if a.draws < 2:
        sys.exit("cluster_spread: --draws needs 2 or more")
    if a.vs and len(a.vs) != len(a.db):
        sys.exit("cluster_spread: --vs needs as many databases as --db (the same seeds)")
    _, items = cluster_eval.load(a.set, a.data, 1)
    if items is None:
        print("# skip: no labelled data at %s" % a.data)
        return 0
    try:
        A = load_dbs(a.db, items)
        B = load_dbs(a.vs, items) if a.vs else None
    except sqlite3.Error as e:
        sys.exit("cluster_spread: %s" % e)
    groups = sorted(A[0])
    draws = draw_groups(groups, a.draws, a.rng)
    unit = "topics" if a.set == "ecb" else "stories"

    def report(name, runs):
        xs = [mean_f1(runs, d) for d in draws]
        print("%s: %d databases, %d %s, %d items; B3 F1 %.4f"
              % (name, len(runs), len(groups), unit, len(items), mean_f1(runs, groups)))
        line = ("  %d draws of %d %s with replacement: mean %.4f, sd %.4f, 5%% %.4f, 95%% %.4f"
                % (len(draws), len(groups), unit, statistics.mean(xs), statistics.stdev(xs),
                   pct(xs, 0.05), pct(xs, 0.95)))
        if a.target is not None:
            line += ", at or above %.2f: %.0f%%" % (a.target, 100 * sum(x >= a.target for x in xs) / len(xs))
        print(line)
        return xs

    xa = report("db", A)
    if B:
        xb = report("vs", B)
        d = [b - x for x, b in zip(xa, xb)]
        print("vs - db: %+.4f on the set; over the draws mean %+.4f, 5%% %+.4f, 95%% %+.4f, "
              "vs higher in %.0f%%" % (mean_f1(B, groups) - mean_f1(A, groups),
                                       statistics.mean(d), pct(d, 0.05), pct(d, 0.95),
                                       100 * sum(x > 0 for x in d) / len(d)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
