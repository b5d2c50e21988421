#!/usr/bin/env python3
"""One feed of many on a host keeps answering 503 with a Retry-After (a
broken section of a news site's 200 feeds): the wait holds the whole host,
as documented, but when it ends the host's other feeds are asked before
the feed that set it, so that feed's next 503 cannot keep them from ever
being polled.

It did: the feed that was told to wait asked first, exactly at the end of
the wait, and its answer held the host again.  In a --once run from cron
the feeds listed after it on that host were taken back from the queue at
every run and never polled; in the daemon the others, spread over the 30 s
after each wait, were pushed behind the next one, and only those whose
place fell on the very second the wait ended were ever asked.  Of two
such feeds on a host taking one request at a time, the one told to wait
longest ago asks first: in list order the second was taken back behind
the first at every run."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, serve_generated  # noqa: E402
import faults  # noqa: E402

t = Tap()
srv = Server()
N = 40
urls = [u.replace("127.0.0.1", "localhost") for u in serve_generated(srv, N, 2, prefix="/h")]
# The fourth feed of the host: every feed listed after it was starved.
BAD = "/h/3.xml"
srv.routes[BAD] = faults.status(503, {"Retry-After": "1"})
# A feed of another host: a wait of localhost is not its wait.
other = serve_generated(srv, 1, 2, prefix="/o")
w = Workdir(prefix="tidings-hold1-")
w.write_config(urls + other, "per_host = 2\n")
path = lambda u: u[u.index("/", len("http://")):]  # noqa: E731


def hits(listed):
    with srv.lock:
        return {path(u): srv.hits.get(path(u), 0) for u in listed}


def wait_out_holds(w):
    """Until every stored Retry-After (a second ahead) has passed; the
    latest one."""
    ras = [r[0] for r in w.sql("SELECT retry_after FROM feeds WHERE retry_after")]
    while ras and time.time() < max(ras):
        time.sleep(max(0.05, max(ras) - time.time()))
    return max(ras) if ras else None


# The first run meets the 503 with the host's queue full behind it: those
# requests are taken back, as documented (the wait includes them).
r = w.run_once("-v")
t.eq(r.returncode, 0, "first --once exits 0")
t.ok("HTTP 503, retry after 1 s" in r.stderr, "the 503 feed is told to wait", r.stderr[-1500:])
ra = wait_out_holds(w)
t.ok(ra, "its row keeps the Retry-After (feeds.retry_after)", ra)

# The stored next polls: every other feed of the host after the wait (those
# polled before the 503 came keep their interval, which ends later), the
# ones the wait moved spread over the 30 s after it, the feed whose answer
# set it after all of them.
rows = dict(w.sql("SELECT url, next_poll FROM feeds"))
bad_next = rows.pop(srv.base.replace("127.0.0.1", "localhost") + BAD)
host_next = [v for k, v in rows.items() if "//localhost:" in k]
moved = [v for v in host_next if v < ra + 30]
t.eq(len(host_next), N - 1, "the host's other feeds have a next poll")
t.ok(all(v >= ra for v in host_next), "none is due before the Retry-After",
     (ra, sorted(host_next)))
t.ok(len(moved) >= N // 2 and all(v < bad_next for v in moved),
     "those the wait moved are due before the feed that was told to wait",
     (ra, bad_next, sorted(host_next)))

# Later runs from cron: each asks every feed of the host once, the 503
# feed once, last; none is taken back.
for run in (2, 3):
    before = hits(urls + other)
    r = w.run_once("-v")
    after = hits(urls + other)
    t.eq(r.returncode, 0, "--once %d exits 0" % run)
    missed = sorted(p for p in before if after[p] - before[p] != 1)
    t.eq(missed, [], "--once %d asks every feed of the host once, the ones listed after the 503"
         " feed too" % run)
    t.ok("queued requests to localhost taken back" not in r.stderr,
         "--once %d takes no request back: the 503 feed asked last" % run, r.stderr[-1500:])
    t.eq(w.sql("SELECT count(*) FROM feeds WHERE last_fetch IS NULL"), [(0,)],
         "--once %d: no feed left never polled" % run)
    wait_out_holds(w)

w.cleanup()

# Two such feeds on one host taking one request at a time (per_host = 1):
# each run asks the host's other feeds, then the one of the two told to
# wait longest ago; the other, taken back behind its 503, goes first at the
# next run.  In list order the second of them was taken back at every run
# and never asked again (its row kept an old error while it may work now).
w = Workdir(prefix="tidings-hold2-")
two = serve_generated(srv, 10, 2, prefix="/t")
BAD2 = ("/t/2.xml", "/t/5.xml")
for b in BAD2:
    srv.routes[b] = faults.status(503, {"Retry-After": "1"})
w.write_config(two, "per_host = 1\n")
for run in range(3):           # until both have been told to wait once
    t.eq(w.run_once().returncode, 0, "per_host = 1: --once %d exits 0" % (run + 1))
    wait_out_holds(w)
asked = {b: 0 for b in BAD2}
for run in range(2):
    before = hits(two)
    t.eq(w.run_once().returncode, 0, "per_host = 1: later --once %d exits 0" % (run + 1))
    after = hits(two)
    for b in BAD2:
        asked[b] += after[b] - before[b]
    t.eq(sorted(p for p in before if p not in BAD2 and after[p] - before[p] != 1), [],
         "per_host = 1: later --once %d asks every other feed once" % (run + 1))
    wait_out_holds(w)
t.eq(asked, {b: 1 for b in BAD2},
     "per_host = 1: the two 503 feeds take turns, each asked once in two runs")

srv.stop()
w.cleanup()
t.done()
