#!/usr/bin/env python3
"""kill -9 at random moments during ingestion, 20 times, restarting each
time: the database stays intact, no story is stored twice, and one more
clean cycle leaves every item of every feed present exactly once."""
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGSD, ROOT_OVERRIDE, serve_generated  # noqa: E402

N_FEEDS, N_ITEMS, KILLS = 120, 40, 20
t = Tap()
srv = Server()
urls = serve_generated(srv, N_FEEDS, N_ITEMS)
w = Workdir()
w.write_config(urls, extra="concurrency = 8\nper_host = 8\n")
rnd = random.Random(7)
killed = 0
for k in range(KILLS):
    p = subprocess.Popen([TIDINGSD, "-c", w.conf, "--once"] + ROOT_OVERRIDE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(rnd.uniform(0.02, 0.6))
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        killed += 1
    p.wait()
t.ok(killed >= KILLS // 2, "the daemon was killed mid-run %d times of %d" % (killed, KILLS))
t.eq(w.sql("PRAGMA integrity_check"), [("ok",)], "integrity_check is ok after the kills")
dups = w.sql("SELECT count(*) - count(DISTINCT canonical_url) FROM stories")[0][0]
t.eq(dups, 0, "no story is stored twice")

r = w.run_once()
t.eq(r.returncode, 0, "a clean cycle afterwards exits 0")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], N_FEEDS * N_ITEMS,
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
