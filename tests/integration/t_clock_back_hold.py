#!/usr/bin/env python3
"""The clock was ahead when a server answered 429 with "Retry-After: 3600",
and was put right while the daemon was stopped.  The host's hold is kept
in feeds.retry_after, set against the clock that was ahead.  The daemon
started after that moved the feeds' next polls back (t_clock_back_start)
but held the host to that stored time, cut only to max_interval: the
site that asked for an hour was left alone for a day, and every --once
from cron said "asked for no request for 86400 s more".  The hold now
waits, from the start, what it had left after the fetch that set it, as
a running daemon moves it with a jump of the clock (t_time.py).

The daemon runs on a clock moved by libfaketime."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, TIDINGSD, FAKETIME_LIB, \
    faked_clock, need_programs  # noqa: E402
import faults  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
if not FAKETIME_LIB:
    t.skip_all("no libfaketime (apt-get install faketime)")
HOUR, DAY = 3600, 86400
srv = Server()
srv.routes["/busy.xml"] = faults.status(429, {"Retry-After": "3600"})
srv.put("/other.xml", faults.feed_xml("Other", [("o1", "Other item")]), "application/rss+xml")
busy, other = srv.url("/busy.xml"), srv.url("/other.xml")
w = Workdir(prefix="tidings-clock-hold-")
w.write_config([busy, other], "interval = 1h\n")
clock, env = faked_clock(w)

# Three days ahead, the server asks for an hour's patience.
with open(clock, "w") as f:
    f.write("+%ds\n" % (3 * DAY))
t.eq(w.run_once(env=env).returncode, 0, "--once on a clock three days ahead")
ra = w.sql("SELECT retry_after - last_fetch FROM feeds WHERE url = ?", (busy,))[0][0]
t.eq(ra, HOUR, "the host's Retry-After is kept, an hour after that fetch")

# The clock is put right; a --once from cron.
with open(clock, "w") as f:
    f.write("+0\n")
r = w.run_once(env=env)
t.eq(r.returncode, 0, "--once on the right clock exits 0")
m = re.search(r"asked for no request for (\d+) s more", r.stderr or "")
t.ok(m and int(m.group(1)) <= HOUR,
     "--once holds the host for the hour it had left, not max_interval",
     m.group(0) if m else (r.stderr or "")[-400:])

# The daemon on the right clock: the feed waits that hour, not a day.
p = w.start(env=env, stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait_for("tidingsd ", 1, 30), "the daemon starts")


def wait_of(url):
    return w.sql("SELECT next_poll - strftime('%s','now') FROM feeds WHERE url = ?",
                 (url,))[0][0]


deadline = time.monotonic() + 10
while time.monotonic() < deadline and wait_of(busy) > 2 * HOUR:
    time.sleep(0.1)
t.ok(wait_of(busy) <= HOUR + 120, "the held feed waits the hour it had left, from now",
     "%d s" % wait_of(busy))
t.ok(w.sql("SELECT retry_after - strftime('%s','now') FROM feeds WHERE url = ?",
           (busy,))[0][0] <= HOUR,
     "the stored hold is the hour it had left, from now")
t.eq(log.stop(p), 0, "the daemon stops cleanly")
srv.stop()
w.cleanup()
t.done()
