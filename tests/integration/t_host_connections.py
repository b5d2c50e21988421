#!/usr/bin/env python3
"""Many feeds on each of many hosts (a news site's section feeds, a video
site's channels, ...): the requests to one host reuse its connections, at
most per_host of them, also when more hosts are at work at once than
concurrency / per_host.

They did not: libcurl was allowed `concurrency` connections in all, idle
ones included, so a connection left idle by one host's transfer was closed
for the next host's (the hosts take turns), and with 20 hosts of 6 feeds,
per_host 2 and the default concurrency of 32, nearly every request opened
a connection of its own (and over https a TLS handshake), where 40 served
them all."""
import http.server
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Handler, Workdir, generated_rss  # noqa: E402

t = Tap()
HOSTS, FEEDS = 20, 6


class Counting(Handler):
    def do_GET(self):
        with self.server.lock:
            self.server.conns.add(self.client_address)
        # Long enough that every transfer slot is busy at once.
        time.sleep(0.02)
        return Handler.do_GET(self)


class Site(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr):
        super().__init__((addr, 0), Counting)
        self.lock = threading.Lock()
        self.files, self.ctypes, self.mtime, self.routes = {}, {}, {}, {}
        self.hits, self.log, self.conns = {}, [], set()
        threading.Thread(target=self.serve_forever, daemon=True).start()


# One server per host, on 127.0.0.2-21 (every address of 127/8 is
# loopback on Linux).
sites, urls = [], []
for k in range(HOSTS):
    try:
        s = Site("127.0.0.%d" % (k + 2))
    except OSError as e:
        t.skip_all("cannot listen on 127.0.0.%d: %s" % (k + 2, e))
    sites.append(s)
    for j in range(FEEDS):
        path = "/f%d.xml" % j
        s.files[path] = generated_rss(k * FEEDS + j, 2).encode()
        urls.append("http://127.0.0.%d:%d%s" % (k + 2, s.server_address[1], path))

w = Workdir(prefix="tidings-hostconns-")
w.write_config(urls, "per_host = 2\n")
for run in ("first", "second"):
    for s in sites:
        with s.lock:
            s.conns.clear()
    r = w.run_once()
    t.eq(r.returncode, 0, "%s --once exits 0" % run)
    t.eq(sum(sum(s.hits.values()) for s in sites), HOSTS * FEEDS * (1 if run == "first" else 2),
         "%s --once asks every feed" % run)
    per_host = sorted(len(s.conns) for s in sites)
    t.ok(per_host[-1] <= 2, "%s --once: no host sees more than per_host (2) connections"
         " for its %d feeds" % (run, FEEDS), per_host)
t.eq(w.sql("SELECT count(*) FROM feeds WHERE last_error IS NULL"), [(HOSTS * FEEDS,)],
     "every feed fetched without an error")
# Each shutdown() waits up to half a second for its loop: all at once.
stoppers = [threading.Thread(target=s.shutdown) for s in sites]
for th in stoppers:
    th.start()
for th in stoppers:
    th.join()
for s in sites:
    s.server_close()
w.cleanup()
t.done()
