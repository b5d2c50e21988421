#!/usr/bin/env python3
"""SIGHUP before the daemon is up.  Its watcher starts once the database
is open and the feeds are loaded (seconds, or a migration's minutes, on a
large database); until then SIGHUP had its default action, and a reload
asked for then (a deployment script editing the list right after
starting the daemon) killed it, nothing logged.  Now the reload is held
until the daemon is up, then done.  The configuration is a named pipe,
so that the signal arrives while the daemon is reading it: at a known
point of its start, with no timing."""
import errno
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, generated_rss, TIDINGSD, \
    ROOT_OVERRIDE  # noqa: E402

t = Tap()
srv = Server()
srv.put("/a.xml", generated_rss(1, 3), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/a.xml")])
with open(w.conf) as f:
    conf = f.read()
fifo = os.path.join(w.dir, "pipe.conf")
os.mkfifo(fifo)


def reader_waiting(deadline=60):
    """The pipe opened for writing once the daemon opens it for reading
    (its open() returns then), or None."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as e:
            if e.errno != errno.ENXIO:     # no reader yet
                raise
        time.sleep(0.05)
    return None


p = subprocess.Popen([TIDINGSD, "-c", fifo] + ROOT_OVERRIDE, stderr=subprocess.PIPE)
log = StderrLog(p)
try:
    fd = reader_waiting()
    t.ok(fd is not None, "the daemon reads its configuration")
    # Reading it, nothing written yet: the reload is asked for now.
    p.send_signal(signal.SIGHUP)
    os.write(fd, conf.encode())
    os.close(fd)
    up = log.wait_for("SIGHUP: reloading", 1, deadline=30)
    t.ok(up, "a SIGHUP during the start is a reload once the daemon is up (status %r)"
         % p.poll(), log.text())
    if up:
        fd = reader_waiting()
        os.write(fd, conf.encode())
        os.close(fd)
    t.ok(log.wait_for("reloaded: 1 feeds", 1, deadline=30), "the reload is done", log.text())
    t.ok(up and log.wait(lambda s: w.sql("SELECT count(*) FROM stories") == [(3,)],
                         deadline=30), "the feed is polled and stored", log.text())
    t.eq(log.stop(p), 0, "SIGTERM: exit 0")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
srv.stop()
w.cleanup()
t.done()
