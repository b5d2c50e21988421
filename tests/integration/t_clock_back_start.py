#!/usr/bin/env python3
"""The clock was ahead while tidingsd polled (a wrong hardware clock, a
virtual machine restored on a host whose clock ran ahead) and was put
right while the daemon was stopped.  The daemon started after that took
the next polls as stored, set against the clock that was ahead: nothing
was polled for as long as the clock had been ahead, three days here,
although no feed waits longer than max_interval (a day).  A running
daemon moves the schedule with such a jump (t_time.py); one that starts
after it now gives each feed, from the start, the wait it had left after
its last fetch, and no stored next poll is further away than
max_interval (docs/tidingsd.8).

The daemon runs on a clock moved by libfaketime."""
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, serve_generated, \
    FAKETIME_LIB, faked_clock  # noqa: E402

t = Tap()
if not FAKETIME_LIB:
    t.skip_all("no libfaketime (apt-get install faketime)")
srv = Server()
w = Workdir()
clock, env = faked_clock(w)
urls = serve_generated(srv, 2, 3)
w.write_config(urls, extra="interval = 1h\n")
HOUR, DAY = 3600, 86400

# Three days ahead, the feeds are polled: their next polls are an hour
# after that, on that clock.
with open(clock, "w") as f:
    f.write("+%ds\n" % (3 * DAY))
t.eq(w.run_once(env=env).returncode, 0, "--once on a clock three days ahead")
ahead = dict(w.sql("SELECT url, next_poll - strftime('%s','now') FROM feeds"))
t.ok(all(3 * DAY < v <= 3 * DAY + 2 * HOUR for v in ahead.values()),
     "their next polls are three days and an hour away on the right clock", str(ahead))
# The second feed's row as a run with a longer max_interval left it:
# fetched a minute ago, next poll in ten days.
con = sqlite3.connect(w.db)
con.execute("UPDATE feeds SET last_fetch = strftime('%s','now') - 60,"
            " next_poll = strftime('%s','now') + ? WHERE url = ?", (10 * DAY, urls[1]))
con.commit()
con.close()

# The clock is put right; the daemon starts.
with open(clock, "w") as f:
    f.write("+0\n")
p = w.start(env=env, stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait_for("tidingsd ", 1, 30), "the daemon starts")


def next_polls():
    return dict(w.sql("SELECT url, next_poll - strftime('%s','now') FROM feeds"))


deadline = time.monotonic() + 20
while time.monotonic() < deadline and max(next_polls().values()) > DAY + 60:
    time.sleep(0.1)
got = next_polls()
# The hour it had left after its fetch (the scheduler's jitter, ±10%),
# from now: not three days.
t.ok(0.85 * HOUR <= got[urls[0]] <= 1.15 * HOUR,
     "a feed fetched on the clock that was ahead waits the hour it had left, from now",
     "%d s" % got[urls[0]])
t.ok(0 < got[urls[1]] <= DAY + 5, "a next poll ten days off waits max_interval at most",
     "%d s" % got[urls[1]])
t.eq(log.stop(p), 0, "the daemon stops cleanly")
t.eq(log.count("the system clock jumped"), 0, "no jump seen while it ran")
srv.stop()
w.cleanup()
t.done()
