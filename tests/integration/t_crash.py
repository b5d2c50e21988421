#!/usr/bin/env python3
"""kill -9 at random moments during ingestion, 20 times, restarting each
time: the database stays intact, no story is stored twice, and one more
clean cycle leaves every item of every feed present exactly once.

Every feed gains items before each start, so that each run has stories to
ingest when it is killed: with a fixed feed set a fast daemon stored all of
it within the first few runs, and the later ones, all 304s, ended before
their kill (5 kills of 20 once the parser and the store got faster)."""
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGSD, ROOT_OVERRIDE, generated_rss  # noqa: E402

N_FEEDS, N_ITEMS, GROW, KILLS, MAX_RUNS = 120, 40, 8, 20, 40
t = Tap()
srv = Server()
# Each feed's items made once; a run's feed is its first N_ITEMS + GROW * run.
parts = []
for k in range(N_FEEDS):
    doc = generated_rss(k, N_ITEMS + GROW * MAX_RUNS, words=30)
    head, rest = doc.split("<item>", 1)
    items = rest[:-len("</channel></rss>")].split("<item>")
    parts.append((head, ["<item>" + i for i in items]))


def serve(n):
    for k, (head, items) in enumerate(parts):
        srv.put("/gen/%d.xml" % k, head + "".join(items[:n]) + "</channel></rss>")


urls = [srv.url("/gen/%d.xml" % k) for k in range(N_FEEDS)]
w = Workdir()
w.write_config(urls, extra="concurrency = 8\nper_host = 8\n")
rnd = random.Random(7)
killed = runs = 0
n = N_ITEMS
while killed < KILLS and runs < MAX_RUNS:
    n = N_ITEMS + GROW * runs
    serve(n)
    runs += 1
    p = subprocess.Popen([TIDINGSD, "-c", w.conf, "--once"] + ROOT_OVERRIDE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(rnd.uniform(0.02, 0.6))
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        killed += 1
    p.wait()
t.ok(killed >= KILLS, "the daemon was killed mid-run %d times (%d runs)" % (killed, runs))
t.eq(w.sql("PRAGMA integrity_check"), [("ok",)], "integrity_check is ok after the kills")
dups = w.sql("SELECT count(*) - count(DISTINCT canonical_url) FROM stories")[0][0]
t.eq(dups, 0, "no story is stored twice")

r = w.run_once()
t.eq(r.returncode, 0, "a clean cycle afterwards exits 0")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], N_FEEDS * n,
     "every item of every feed is present")
t.eq(w.sql("SELECT count(*) FROM (SELECT feed_id, guid FROM stories GROUP BY 1, 2 HAVING count(*) > 1)")[0][0], 0,
     "exactly once")
t.eq(w.sql("SELECT count(*) FROM stories s WHERE NOT EXISTS"
           " (SELECT 1 FROM story_feeds f WHERE f.story_id = s.id)")[0][0], 0,
     "every story has its story_feeds row")
t.eq(w.fts_ok(), True, "the search index matches the stories")
t.eq(w.sql("SELECT count(*) FROM stories WHERE thread_id IS NULL")[0][0], 0,
     "every story has a thread")
t.eq(w.sql("SELECT count(*) FROM feeds WHERE last_status IN (200, 304)"
           " AND consecutive_errors = 0")[0][0], N_FEEDS,
     "every feed recorded as fetched (200, or 304 once its validators were kept)")
srv.stop()
w.cleanup()
t.done()
