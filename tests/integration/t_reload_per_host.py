#!/usr/bin/env python3
"""per_host raised by a reload while the host is busy.  A slow host holds
the only transfer per_host = 1 allows; the administrator raises per_host
to 3 and reloads.  The host's queued requests waited for that transfer to
end (its whole timeout, on the slow host the change was meant for) before
the new limit applied to them; now they go out on the reload."""
import os
import signal
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, serve_generated  # noqa: E402
import faults  # noqa: E402

t = Tap()
srv = Server()
urls = serve_generated(srv, 3, 2)
bodies = dict(srv.files)
gate = threading.Event()
waiting = []
for u in urls:
    srv.routes[u[len(srv.base):]] = faults.held(gate, bodies[u[len(srv.base):]], waiting)

w = Workdir()
w.write_config(urls, extra="per_host = 1\ntimeout = 5m\n")
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
try:
    t.ok(log.wait(lambda s: len(waiting) >= 1, deadline=30), "one request is out, held",
         log.text())
    t.eq(len(waiting), 1, "per_host = 1: the others wait their turn")
    w.write_config(urls, extra="per_host = 3\ntimeout = 5m\n")
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded: 3 feeds", 1, deadline=30), "reloaded", log.text())
    t.ok(log.wait(lambda s: len(waiting) >= 3, deadline=30),
         "per_host = 3: the queued requests go out while the first is still held",
         "%d out\n%s" % (len(waiting), log.text()))
    gate.set()
    t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM feeds WHERE last_success")
                  == [(3,)], deadline=60), "every feed is stored", log.text())
    t.eq(log.stop(p), 0, "SIGTERM: exit 0")
    t.eq(log.count("error:"), 0, "no errors logged")
finally:
    gate.set()
    if p.poll() is None:
        p.kill()
        p.wait()
srv.stop()
w.cleanup()
t.done()
