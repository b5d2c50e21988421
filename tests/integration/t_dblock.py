#!/usr/bin/env python3
"""Another program holds the database's write lock (a transaction left
open, as `sqlite3 DB 'BEGIN IMMEDIATE; ...'` in a shell would) for longer
than the busy timeout while a cycle's responses arrive.  The daemon says
so once, keeps running and answering, and stores nothing of what it
could not store: no stories, no advanced validators (the next poll
fetches the feeds again in full).  Each refused response costs a short
wait only after the first: 24 responses refused one after the other used
to hold the event loop 5 s each, two minutes in all, past the service's
watchdog.  Once the lock goes, a restart stores everything, once."""
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, serve_generated  # noqa: E402

N_FEEDS, N_ITEMS = 24, 8
t = Tap()
srv = Server()
urls = serve_generated(srv, N_FEEDS, N_ITEMS)
bodies = dict(srv.files)
gate = threading.Event()


def held(path):
    """The feed, once the test holds the lock: every response arrives while
    it is held."""
    def route(h):
        gate.wait(120)
        h.reply(200, bodies[path], "application/rss+xml",
                {"ETag": '"v1-%d"' % len(path), "Last-Modified": "Tue, 10 Nov 2026 08:00:00 GMT"})
    return route


for u in urls:
    path = u[len(srv.base):]
    srv.routes[path] = held(path)

w = Workdir()
w.write_config(urls)
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait_for("tidingsd "), "the daemon starts", log.text())

locker = sqlite3.connect(w.db, isolation_level=None, timeout=30)
locker.execute("BEGIN IMMEDIATE")
locker.execute("UPDATE meta SET value = value WHERE key = 'fts_upto'")
gate.set()

# A deadline only against a hang: at 5 s per response the 24 take 2 min.
refused = log.wait_for("database error, will retry", N_FEEDS, deadline=60)
t.ok(refused, "all %d responses are refused while the lock is held, without a"
     " 5 s wait for each" % N_FEEDS, log.text())
t.eq(log.count("another program holds the database's write lock"), 1,
     "the lock is named once, not once per response")
t.eq(log.count("database is locked"), N_FEEDS, "each refused feed says why")
# The lock has lasted well under a minute: each retry is the first one's
# minute (longer outages wait longer: test_sched's sched_db_retry checks).
waits = [int(x) for x in re.findall(r"database error, will retry in (\d+) s", log.text())]
t.ok(len(waits) == N_FEEDS and waits[0] == 60 and all(60 <= x < 120 for x in waits),
     "each refused feed is fetched again in about a minute", waits)
t.ok(p.poll() is None, "the daemon keeps running")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 0, "nothing is stored meanwhile")

locker.execute("ROLLBACK")
locker.close()
p.send_signal(signal.SIGTERM)
rc = p.wait(timeout=60)
log.thread.join(10)
t.eq(rc, 0, "SIGTERM after the lock went: exit 0")
t.eq(w.sql("PRAGMA quick_check"), [("ok",)], "the database is intact")
t.eq(w.sql("SELECT count(*) FROM feeds WHERE etag IS NOT NULL OR last_modified IS NOT NULL"
           " OR last_fetch IS NOT NULL")[0][0], 0,
     "no feed's validators or poll time were advanced for data not stored")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 0, "no story was half stored")

r = w.run_once()
t.eq(r.returncode, 0, "the next start runs")
t.eq(w.sql("SELECT count(*), count(DISTINCT guid) FROM stories"),
     [(N_FEEDS * N_ITEMS, N_FEEDS * N_ITEMS)], "it stores every item, once")
t.eq(w.sql("SELECT count(*) FROM feeds WHERE etag LIKE '\"v1-%'")[0][0], N_FEEDS,
     "and then records the validators")
srv.stop()
w.cleanup()
t.done()
