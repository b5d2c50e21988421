#!/usr/bin/env python3
"""A cycle that never ends.  The summary line, systemd's STATUS= and the
saved clustering state came only when the fetcher fell idle.  A long list
with a host that accepts connections and never answers keeps it busy for
hours (a 5,000-feed list with 100 such feeds on one host: no summary after
20 minutes, STATUS= still "0 failing, 0 stories" from start-up, no
document frequencies saved).  Here one feed never answers for as long as
the test runs (timeout = 10m) while three others are polled and stored:
within about a minute the daemon sums the cycle up as it goes (the three
feeds, and the one still under way), STATUS= counts the stories stored,
and the clustering state is in the database."""
import os
import re
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, generated_rss, need_programs, TIDINGSD, \
    FAKETIME_LIB  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)

srv = Server()
for i in range(3):
    srv.put("/f%d.xml" % i, generated_rss(i + 1, 4), "application/rss+xml")
release = threading.Event()
asked = threading.Event()


def hang(h):
    """Accepts the request and answers nothing until the test ends."""
    asked.set()
    release.wait(600)


srv.routes["/hang.xml"] = hang
w = Workdir()
w.write_config([srv.url("/hang.xml")] + [srv.url("/f%d.xml" % i) for i in range(3)],
               extra="timeout = 10m\n")

sock_path = os.path.join(w.dir, "notify.sock")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sock_path)
sock.settimeout(1.0)
statuses = []


def read_notify():
    while not release.is_set():
        try:
            data = sock.recv(4096).decode("utf-8", "replace")
        except socket.timeout:
            continue
        except OSError:
            return
        for line in data.split("\n"):
            if line.startswith("STATUS="):
                statuses.append(line[len("STATUS="):])


reader = threading.Thread(target=read_notify, daemon=True)
reader.start()
env = dict(os.environ, NOTIFY_SOCKET=sock_path)
# The daemon's clocks (wall and monotonic) ten times as fast, where
# libfaketime is installed: the minute is six seconds here, the 10-minute
# timeout one.  (ASan wants its runtime first; libfaketime comes before.)
if FAKETIME_LIB:
    env.update(LD_PRELOAD=FAKETIME_LIB, FAKETIME="+0 x10",
               ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
env.pop("WATCHDOG_USEC", None)
env.pop("WATCHDOG_PID", None)
env.pop("JOURNAL_STREAM", None)
p = w.start(env=env, stderr=subprocess.PIPE)
log = StderrLog(p)
try:
    t.ok(asked.wait(30), "the hanging feed was asked")
    # Deadline only against a hang: the report comes once a minute.
    t.ok(log.wait(lambda s: re.search(r"cycle: 3 feeds polled, .*; 1 more under way",
                                      s.text()) is not None, deadline=150),
         "the cycle is summed up while the hanging feed is still under way", log.text())
    t.ok(asked.is_set() and srv.hits.get("/hang.xml") == 1,
         "the hanging feed's one request is still out", srv.hits)
    n_stories = w.sql("SELECT count(*) FROM stories")[0][0]
    t.ok(n_stories == 12, "the three feeds' stories are stored", n_stories)
    want = "4 feeds, 0 failing, %d stories" % n_stories
    # The line is logged before STATUS= is sent: wait for the datagram
    # (a deadline only against a hang).
    end = time.monotonic() + 30
    while not any(s.startswith(want) for s in statuses) and time.monotonic() < end:
        time.sleep(0.1)
    t.ok(any(s.startswith(want) for s in statuses),
         "STATUS= refreshed with the stories stored: " + want, statuses)
    t.ok(w.sql("SELECT count(*) FROM meta WHERE key = 'df_total'")[0][0] == 1,
         "the clustering state (document frequencies) is saved", w.sql("SELECT * FROM meta"))
finally:
    rc = log.stop(p)
    release.set()
    sock.close()
    srv.stop()
t.eq(rc, 0, "SIGTERM: exit 0")
w.cleanup()
t.done()
