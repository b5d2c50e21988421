#!/usr/bin/env python3
"""A machine without a battery-backed clock, off for two hours while a
host's Retry-After of one hour ran: it starts on the clock it had when
shut down, and NTP puts it right a moment later.  The stored next polls
of the earlier run never move later (t_time.py), but the host's wait it
stored (feeds.retry_after) moved with the jump: the host, whose hour had
long passed, was held another hour, the row saying so.  Now a wait an
earlier run stored moves back with the clock, never forward.

The daemon runs on a clock moved by libfaketime."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, serve_generated, \
    FAKETIME_LIB, faked_clock  # noqa: E402
import faults  # noqa: E402

t = Tap()
if not FAKETIME_LIB:
    t.skip_all("no libfaketime (apt-get install faketime)")
srv = Server()
w = Workdir()
clock, env = faked_clock(w)
urls = serve_generated(srv, 2, 4)
srv.routes["/ra/hold.xml"] = faults.status(429, {"Retry-After": "3600"})
HOLD = srv.url("/ra/hold.xml")
w.write_config(urls + [HOLD], extra="interval = 1h\n")
with open(clock, "w") as f:         # the earlier run, a little before the start
    f.write("-10s\n")
r = w.run_once(env=env)
t.eq(r.returncode, 0, "the earlier run exits 0")
told = dict(w.sql("SELECT url, retry_after FROM feeds"))[HOLD]
t.ok(told, "its 429's Retry-After is stored")

with open(clock, "w") as f:         # starts on the clock it was shut down with
    f.write("+0\n")
p = w.start(env=env, stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait_for("3 feeds, database"), "the daemon starts", log.text())
# (Counted before the reload: the polls may come before the next line.)
before = {u: srv.hits.get(u[len(srv.base):], 0) for u in urls}
with open(clock, "w") as f:         # NTP: it was off two hours
    f.write("+7200s\n")
p.send_signal(signal.SIGHUP)
t.ok(log.wait_for("reloaded:"), "reload after the clock was put right", log.text())
t.ok("the system clock jumped +7" in log.text(), "the jump is logged", log.text())
t.eq(dict(w.sql("SELECT url, retry_after FROM feeds"))[HOLD], told,
     "the stored wait stays the time the server named")
# (A deadline only against a daemon that never polls them.)
end = time.monotonic() + 30
while time.monotonic() < end and not all(
        srv.hits.get(u[len(srv.base):], 0) > before[u] for u in urls):
    time.sleep(0.1)
t.ok(all(srv.hits.get(u[len(srv.base):], 0) > before[u] for u in urls),
     "the host's other feeds, their wait long over, are polled", log.text())
t.eq(log.stop(p), 0, "SIGTERM: exit 0")
srv.stop()
w.cleanup()
t.done()
