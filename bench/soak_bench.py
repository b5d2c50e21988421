#!/usr/bin/env python3
"""bench/soak_bench.py — the memory of a long-running tidingsd: does its
resident set settle, or does it creep up round after round?

`--once` benchmarks start a fresh process each time and would hide a slow
leak; a service runs for months.  This starts one daemon (no --once) and
feeds it ROUNDS rounds of new stories through its SIGHUP path: each round
writes FEEDS new feeds of ITEMS items to a local HTTP server (127.0.0.1),
replaces the feed list with the newest KEEP feeds (so feeds are added and
removed every round), sends SIGHUP and waits until every new story is
stored.  The stories' dates advance an hour a round, and the clusterer's
window is one hour, so the window's contents turn over within two rounds
and memory should stop growing after a few; the database keeps every
story (retention 0).  Old feeds still on the list answer 304 when their
interval comes round.

Prints the resident set (VmRSS, from /proc) and its peak so far (VmHWM)
every REPORT rounds, then the growth of the resident set from round SETTLE
to the end.  A figure, never a pass/fail test.

usage: soak_bench.py [--build DIR] [--rounds N] [--feeds N] [--items N]
                     [--keep N] [--report N] [--settle N]
"""
import argparse
import email.utils
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import harness  # noqa: E402  (the tests' HTTP server and work directory)

WORDS = ("harbour council river budget tunnel election market festival ministry court "
         "storm railway museum vaccine league bridge school factory airport reservoir "
         "orchestra glacier senate treaty").split()


def feed_xml(k, t, items):
    """Feed k: `items` articles dated from t on, on one of 37 hosts, about
    one of 30 recurring events each (so that threads form and grow)."""
    rnd = random.Random(k)
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
           '<title>Soak feed %d</title><link>http://h%d.example/</link>' % (k, k % 37)]
    for i in range(items):
        ev = rnd.randrange(30)
        text = " ".join("%s%d" % (rnd.choice(WORDS), rnd.randrange(3000)) for _ in range(40))
        out.append("<item><title>%s: Minister Name%d on the %s, report %d</title>"
                   "<link>http://h%d.example/a/%d/%d</link><pubDate>%s</pubDate>"
                   "<description>%s</description></item>" % (
                       WORDS[ev % len(WORDS)].title(), ev, WORDS[(ev * 7) % len(WORDS)], i,
                       k % 37, k, i, email.utils.formatdate(t + i * 60, usegmt=True), text))
    out.append("</channel></rss>")
    return "".join(out)


def status(pid):
    """VmRSS and VmHWM of pid, in KiB."""
    got = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, val = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                got[key] = int(val.split()[0])
    return got.get("VmRSS", 0), got.get("VmHWM", 0)


def stored(db):
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM stories").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0          # not created yet


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--feeds", type=int, default=50, help="new feeds a round")
    ap.add_argument("--items", type=int, default=20, help="items a feed")
    ap.add_argument("--keep", type=int, default=200, help="feeds on the list")
    ap.add_argument("--report", type=int, default=10)
    ap.add_argument("--settle", type=int, default=10)
    a = ap.parse_args()
    tidingsd = os.path.join(os.path.abspath(a.build), "tidingsd")
    if not os.access(tidingsd, os.X_OK):
        print("soak_bench: %s not built" % tidingsd, file=sys.stderr)
        return 1
    srv = harness.Server()
    w = harness.Workdir(prefix="tidings-soak-")
    w.write_config([], extra="log_level = warning\nconcurrency = 8\ninterval = 1m\n"
                   "min_interval = 1m\nretention = 0\n", threads="cluster_window = 1h\n")
    err = open(os.path.join(w.dir, "stderr"), "w")
    t0 = int(time.time()) - 400 * 86400       # well in the past: never "in the future"
    urls, proc, k, base_rss, t_start = [], None, 0, None, time.monotonic()
    print("# soak: %d rounds of %d feeds x %d items, %d feeds on the list, window 1h"
          % (a.rounds, a.feeds, a.items, a.keep))
    try:
        for r in range(1, a.rounds + 1):
            for _ in range(a.feeds):
                srv.put("/f/%d.xml" % k, feed_xml(k, t0 + r * 3600, a.items))
                urls.append(srv.url("/f/%d.xml" % k))
                k += 1
            urls = urls[-a.keep:]
            with open(w.feeds + ".new", "w") as f:
                f.write("\n".join(urls) + "\n")
            os.replace(w.feeds + ".new", w.feeds)
            if proc is None:
                proc = subprocess.Popen([tidingsd, "-c", w.conf] + harness.ROOT_OVERRIDE,
                                        stdout=err, stderr=err)
            else:
                proc.send_signal(signal.SIGHUP)
            want, deadline = r * a.feeds * a.items, time.monotonic() + 120
            n = stored(w.db)
            while n < want:
                if proc.poll() is not None or time.monotonic() > deadline:
                    print("soak_bench: round %d: %d of %d stories stored, daemon %s"
                          % (r, n, want, "exited %d" % proc.returncode
                             if proc.returncode is not None else "stalled"), file=sys.stderr)
                    return 1
                time.sleep(0.05)
                n = stored(w.db)
            rss, hwm = status(proc.pid)
            if r == a.settle:
                base_rss = rss
            if r % a.report == 0 or r <= 3:
                print("round %4d  stories %7d  RSS %6.1f MiB  peak %6.1f MiB  %5.0f s"
                      % (r, n, rss / 1024, hwm / 1024, time.monotonic() - t_start), flush=True)
        if base_rss:
            print("RSS at round %d: %.1f MiB, at round %d: %.1f MiB (%+.1f%%); peak %.1f MiB"
                  % (a.settle, base_rss / 1024, a.rounds, rss / 1024,
                     100.0 * (rss - base_rss) / base_rss, hwm / 1024))
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=60)
        print("daemon exit status %d" % rc)
        return 0 if rc == 0 else 1
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        srv.stop()
        err.close()
        w.cleanup()


if __name__ == "__main__":
    sys.exit(main())
