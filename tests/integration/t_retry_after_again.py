#!/usr/bin/env python3
"""A server that answers every request with 429 and a short Retry-After (a
rate limiter that has blocked us, "Retry-After: 60") is taken at its word
the first time only: when it answers so again, the feed backs off as it
would without a Retry-After (from its healthy interval, doubling, then
max_interval past give_up_after), never sooner than the server says.  It
was asked every 90 s (the 60 s and the 30 s its host's other feeds are
spread over) for good: 40 requests an hour to a feed polled hourly, past
give_up_after too.  Its host's other feeds wait only the Retry-After."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGSD, FAKETIME_LIB, faked_clock, need_programs  # noqa: E402
import faults  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
if not FAKETIME_LIB:
    t.skip_all("no libfaketime (apt-get install faketime)")
srv = Server()
srv.routes["/blocked.xml"] = faults.status(429, {"Retry-After": "60"})
srv.put("/other.xml", faults.feed_xml("Other", [("o1", "Other item")]), "application/rss+xml")
blocked, other = srv.url("/blocked.xml"), srv.url("/other.xml")
w = Workdir(prefix="tidings-ra-again-")
w.write_config([blocked, other], "interval = 1h\ngive_up_after = 1d\n")
clock, env = faked_clock(w)


def once_at(off):
    with open(clock, "w") as f:
        f.write("+%ds\n" % off)
    r = w.run_once(env=env)
    t.eq(r.returncode, 0, "--once at +%d s exits 0" % off)
    return w.sql("SELECT consecutive_errors, next_poll - last_fetch, retry_after - last_fetch"
                 " FROM feeds WHERE url = ?", (blocked,))[0]


errors, wait, ra = once_at(0)
t.eq((errors, ra), (1, 60), "first 429: its Retry-After kept")
t.eq(wait, 90, "first 429: taken at its word (60 s, then the 30 s of its host's other feeds)")
off = wait + 1
errors, wait, ra = once_at(off)
t.eq((errors, ra), (2, 60), "second 429 in a row, Retry-After: 60 again")
t.ok(7200 <= wait <= 9000, "second 429 in a row: the backoff of a feed polled hourly (2 h),"
     " not 90 s again", wait)
other_next = w.sql("SELECT next_poll - ? FROM feeds WHERE url = ?", (w.sql(
    "SELECT last_fetch FROM feeds WHERE url = ?", (blocked,))[0][0], other))[0][0]
t.ok(other_next < 7200, "the host's other feed is not held by that backoff", other_next)
# Past give_up_after (a day): max_interval (24 h), whatever it says.
off += 2 * 86400
errors, wait, ra = once_at(off)
t.eq(wait, 86400, "failing past give_up_after: polled every max_interval, not every 90 s")

srv.stop()
w.cleanup()
t.done()
