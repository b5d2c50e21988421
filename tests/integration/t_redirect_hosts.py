#!/usr/bin/env python3
"""Feeds on several hosts that all redirect to one slow host (a feed
service many sites point at): each feed's timeout is for its own
transfer, never for the time it waited behind the other sites' transfers
to the shared host.  It was: curl's own per-host connection cap queued the
redirected transfers inside libcurl, with their clocks running, and feeds
whose server answered every request in a second failed "timeout after 4 s"
with last_status 302."""
import http.server
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGSD, need_programs  # noqa: E402
import faults  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
target = Server()


def slow(h):
    time.sleep(1.0)
    h.reply(200, faults.feed_xml("Shared " + h.path, [(h.path, "Item of " + h.path)],
                                 link="https://shared.example%s/" % h.path.replace(".xml", "")),
            "application/rss+xml")


class Redirector(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


class R(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", target.url("/shared" + self.path))
        self.send_header("Content-Length", "0")
        self.end_headers()


# Four sites (127.0.0.2-5: every address of 127/8 is loopback on Linux),
# two feeds each, all redirected to 127.0.0.1.
urls, sites = [], []
for k in range(4):
    try:
        s = Redirector(("127.0.0.%d" % (k + 2), 0), R)
    except OSError as e:
        t.skip_all("cannot listen on 127.0.0.%d: %s" % (k + 2, e))
    threading.Thread(target=s.serve_forever, daemon=True).start()
    sites.append(s)
    for j in range(2):
        path = "/f%d.xml" % (2 * k + j)
        target.routes["/shared" + path] = slow
        urls.append("http://127.0.0.%d:%d%s" % (k + 2, s.server_address[1], path))

w = Workdir(prefix="tidings-redir-hosts-")
w.write_config(urls, "per_host = 1\nconcurrency = 16\ntimeout = 4s\nconnect_timeout = 2s\n")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
rows = w.sql("SELECT url, last_status, last_error FROM feeds ORDER BY id")
t.ok(len(rows) == 8 and all(st == 200 and err is None for _, st, err in rows),
     "every feed redirected to the shared host is stored, none timed out", rows)
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 8, "one story per feed")

for s in sites:
    s.shutdown()
    s.server_close()
target.stop()
w.cleanup()
t.done()
