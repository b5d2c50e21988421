#!/usr/bin/env python3
"""Signals while work is in flight.  Three SIGHUPs in a row while a
cycle's requests are held at the server, with a feed list that drops some
feeds (some of them in flight), replaces them with new URLs, then takes
one back: every reload is applied, nothing is polled twice at once, a
dropped feed's late answer is not stored, and every listed feed is stored
whole.  Then SIGTERM in the middle of a large ingest: exit 0, every feed
stored whole or not at all (its validators with it), and the next start
stores the rest, each item once."""
import os
import signal
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, serve_generated  # noqa: E402
import faults  # noqa: E402

t = Tap()

# ---- SIGHUP x3 while requests are held ---------------------------------
N, ITEMS = 30, 6
srv = Server()
urls = serve_generated(srv, N + 10, ITEMS)
old, new = urls[:N], urls[N:]
bodies = dict(srv.files)
gate = threading.Event()
waiting = []
for u in old:
    path = u[len(srv.base):]
    srv.routes[path] = faults.held(gate, bodies[path], waiting, {"ETag": '"%s"' % path})

w = Workdir()
w.write_config(old, extra="concurrency = 32\nper_host = 32\n")
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait(lambda s: len(waiting) >= N, deadline=60), "all %d requests are out, held" % N,
     log.text())

# Drop the first 5 (in flight), add 10 new URLs; then take one
# of the dropped back, in a reload of its own; then the same list again.
with open(w.feeds, "w") as f:
    f.write("\n".join(old[5:] + new) + "\n")
p.send_signal(signal.SIGHUP)
t.ok(log.wait_for("reloaded: ", 1), "first SIGHUP applied", log.text())
with open(w.feeds, "w") as f:
    f.write("\n".join(old[4:] + new) + "\n")
p.send_signal(signal.SIGHUP)
p.send_signal(signal.SIGHUP)
t.ok(log.wait_for("reloaded: %d feeds" % (N - 4 + 10), 1), "the next ones too", log.text())
gate.set()
listed = old[4:] + new
t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM feeds WHERE active AND last_fetch IS NOT NULL")
              [0][0] >= len(listed), deadline=90), "every listed feed is polled", log.text())
p.send_signal(signal.SIGTERM)
t.eq(p.wait(timeout=60), 0, "SIGTERM: exit 0")
log.thread.join(10)
t.eq(log.count("error:"), 0, "no errors logged", )
hits = {u: srv.hits.get(u[len(srv.base):], 0) for u in urls}
t.eq([u for u in listed if hits[u] != 1], [], "each listed feed was requested once")
per_feed = dict(w.sql("SELECT f.url, count(s.id) FROM feeds f LEFT JOIN stories s"
                      " ON s.feed_id = f.id GROUP BY f.id"))
t.eq([u for u in listed if per_feed.get(u) != ITEMS], [], "each listed feed is stored whole")
t.eq([u for u in old[:4] if per_feed.get(u)], [],
     "a feed dropped while its request was out stores nothing from it")
t.eq(w.sql("PRAGMA quick_check"), [("ok",)], "the database is intact")
srv.stop()
w.cleanup()

# ---- SIGHUP dropping feeds whose requests wait in the host's queue ------
# With per_host = 1 a host's feeds wait their turn in the fetcher's queue,
# counted as in flight.  A reload that dropped them left the requests
# there: they went out once the host was free, to feeds no longer listed,
# and their answers were thrown away.  Now they are taken back, and the
# feeds, listed again later, are polled as new ones.
srv = Server()
urls = serve_generated(srv, 3, 2)
bodies = dict(srv.files)
gate = threading.Event()
asked = []
for u in urls:
    srv.routes[u[len(srv.base):]] = faults.held(gate, bodies[u[len(srv.base):]], asked)
w = Workdir()
w.write_config(urls, extra="per_host = 1\n")
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait(lambda s: len(asked) >= 1, deadline=60), "one request out, two queued behind it",
     log.text())
out = srv.base + asked[0]
rest = [u for u in urls if u != out]
with open(w.feeds, "w") as f:
    f.write(out + "\n")
p.send_signal(signal.SIGHUP)
t.ok(log.wait_for("reloaded: 1 feeds", 1), "the reload drops the two queued feeds", log.text())
gate.set()
t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM stories")[0][0] >= 2, deadline=60),
     "the request that was out is stored", log.text())
# Listed again: polled as new feeds, not held as if still in flight.
with open(w.feeds, "w") as f:
    f.write("\n".join(urls) + "\n")
p.send_signal(signal.SIGHUP)
t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM stories")[0][0] >= 6, deadline=60),
     "listed again, the two are polled", log.text())
p.send_signal(signal.SIGTERM)
t.eq(p.wait(timeout=60), 0, "SIGTERM: exit 0")
log.thread.join(10)
t.eq(sorted(asked), sorted(u[len(srv.base):] for u in [out] + rest),
     "no request went out for a feed while it was dropped: each was asked once")
srv.stop()
w.cleanup()

# ---- SIGTERM during a large ingest -------------------------------------
N, ITEMS = 150, 40
srv = Server()
urls = serve_generated(srv, N, ITEMS)
w = Workdir()
w.write_config(urls, extra="concurrency = 8\nper_host = 8\n")
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait_for("new (", 10, deadline=90), "ingest under way", log.text())
p.send_signal(signal.SIGTERM)
t.eq(p.wait(timeout=60), 0, "SIGTERM mid-ingest: exit 0")
log.thread.join(10)
t.ok("SIGTERM: finishing in-flight work" in log.text(), "it says what it does")
rows = w.sql("SELECT f.url, f.etag IS NOT NULL, (SELECT count(*) FROM stories s"
             " WHERE s.feed_id = f.id) FROM feeds f")
done = [r for r in rows if r[1]]
t.ok(0 < len(done) < N, "it stopped part way (%d of %d feeds stored)" % (len(done), N))
t.eq([r[0] for r in rows if (r[2], r[1]) not in ((ITEMS, 1), (0, 0))], [],
     "every feed is stored whole with its validators, or not at all")
t.eq(w.sql("PRAGMA quick_check"), [("ok",)], "the database is intact")
t.ok(w.fts_ok() is True, "the search index matches the stories")
mark = len(srv.log)
r = w.run_once()
t.eq(r.returncode, 0, "the next start runs")
t.eq(w.sql("SELECT count(*), count(DISTINCT guid) FROM stories"), [(N * ITEMS, N * ITEMS)],
     "and stores the rest, each item once")
t.eq(sorted(path for path, inm, ims in srv.log[mark:] if inm),
     sorted(r[0][len(srv.base):] for r in done),
     "it asks with validators exactly for the feeds stored before the stop")
srv.stop()
w.cleanup()
t.done()
