#!/usr/bin/env python3
"""A feed that its site redirects to another host (a feed service many
sites send their feeds to) meets a 429 with a Retry-After there: the
service asked for patience, not the site.  The wait holds the service's
own feeds, in the running daemon, at the next start and in the next
`--once` (its row keeps whose wait it is), and the site's other feeds go
on.  It held the site instead: its other feeds, queued behind the
redirected one, were taken back and waited the service's hour, every
later --once left them out, while the service's own feeds were asked
again at once."""
import http.server
import os
import sqlite3
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Tap, Server, Handler, Workdir, StderrLog, TIDINGSD, ROOT_OVERRIDE,  # noqa: E402
                     need_programs, serve_generated)
import faults  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)


class SiteServer(Server):
    """harness.Server on another loopback address (every address of
    127/8 is loopback on Linux): another host to the daemon."""

    def __init__(self, addr):
        http.server.ThreadingHTTPServer.__init__(self, (addr, 0), Handler)
        self.lock = threading.Lock()
        self.files, self.ctypes, self.mtime, self.routes = {}, {}, {}, {}
        self.hits, self.log = {}, []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self):
        return "http://%s:%d" % self.server_address


service = Server()                     # 127.0.0.1
try:
    site = SiteServer("127.0.0.2")
except OSError as e:
    t.skip_all("cannot listen on 127.0.0.2: %s" % e)
service.routes["/svc/site.xml"] = faults.status(429, {"Retry-After": "3600"})
site.routes["/rss.xml"] = faults.redirect(302, service.url("/svc/site.xml"))
own = serve_generated(service, 3, 2, prefix="/svc/own")
others = serve_generated(site, 3, 2, prefix="/news")
redirected = site.url("/rss.xml")
w = Workdir(prefix="tidings-redir-ra-")
# One request at a time per host: the site's other feeds queue behind the
# redirected one.
w.write_config([redirected] + others + own, "per_host = 1\ntimeout = 10s\n")


def row(url):
    return w.sql("SELECT last_status, retry_after, next_poll, last_fetch FROM feeds WHERE url = ?",
                 (url,))[0]


def hits(srv, urls):
    with srv.lock:
        return [srv.hits.get(u[u.index("/", 8):], 0) for u in urls]


# The running daemon meets the 429.
p = subprocess.Popen([TIDINGSD, "-c", w.conf, "-v"] + ROOT_OVERRIDE, stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait_for("cycle: ", deadline=60), "the daemon's first cycle ends", log.text()[-1500:])
t.eq(log.stop(p), 0, "SIGTERM: exit 0")
status, ra, nxt, _ = row(redirected)
t.eq(status, 429, "the redirected feed got the service's 429")
t.ok(ra and nxt == ra + 30, "it waits for the Retry-After, then the 30 s the service's other"
     " feeds are spread over", (ra, nxt))
site_rows = [row(u) for u in others]
t.ok(all(r[0] == 200 and r[2] < ra for r in site_rows),
     "the site's other feeds are polled and keep their own schedule (not held)",
     (ra, site_rows, log.text()[-1500:]))
own_rows = [row(u) for u in own]
t.ok(all(r[2] >= ra for r in own_rows),
     "the service's own feeds wait for its Retry-After", (ra, own_rows))
t.ok("on 127.0.0.2 wait" not in log.text() and "to 127.0.0.2 taken back" not in log.text(),
     "no wait said of the site", log.text()[-1500:])
t.eq(w.sql("SELECT value FROM meta WHERE key = 'retry_host ' ||"
           " (SELECT id FROM feeds WHERE url = ?)", (redirected,)), [("127.0.0.1",)],
     "the row's Retry-After is kept as the service's (meta retry_host)")

# The next --once (cron): the service is not asked, the site is.
b_site, b_own = hits(site, others + [redirected]), hits(service, own)
r = subprocess.run([TIDINGSD, "-c", w.conf, "--once", "-v"] + ROOT_OVERRIDE,
                   capture_output=True, text=True, timeout=120)
t.eq(r.returncode, 0, "--once exits 0")
a_site, a_own = hits(site, others + [redirected]), hits(service, own)
t.eq([a - b for a, b in zip(a_site, b_site)], [1, 1, 1, 0],
     "--once asks the site's other feeds, not the redirected feed")
t.eq([a - b for a, b in zip(a_own, b_own)], [0, 0, 0], "--once asks none of the service's feeds")
t.ok((redirected + ": not polled: 127.0.0.1 asked") in r.stderr,
     "the log names the service as the host that asked", r.stderr[-1500:])

# The redirected feed taken off the list: its row still holds the
# service, not the site.
w.write_config(others + own, "per_host = 1\ntimeout = 10s\n")
b_site, b_own = hits(site, others), hits(service, own)
r = subprocess.run([TIDINGSD, "-c", w.conf, "--once"] + ROOT_OVERRIDE, capture_output=True,
                   text=True, timeout=120)
t.eq(r.returncode, 0, "--once without the redirected feed exits 0")
t.eq([a - b for a, b in zip(hits(site, others), b_site)], [1, 1, 1],
     "the redirected feed removed from the list: the site's feeds are asked")
t.eq([a - b for a, b in zip(hits(service, own), b_own)], [0, 0, 0],
     "and the service's still wait")
w.write_config([redirected] + others + own, "per_host = 1\ntimeout = 10s\n")

# The hour over (the stored wait moved into the past) and the service
# answering again: the feed is asked, and its row forgets whose wait it was.
service.put("/svc/site.xml", faults.feed_xml("Site via service", [("v1", "Via the service")]),
            "application/rss+xml")
del service.routes["/svc/site.xml"]
con = sqlite3.connect(w.db)
con.execute("UPDATE feeds SET retry_after = CAST(strftime('%s', 'now') AS INTEGER) - 1"
            " WHERE retry_after")
con.commit()
con.close()
r = subprocess.run([TIDINGSD, "-c", w.conf, "--once"] + ROOT_OVERRIDE, capture_output=True,
                   text=True, timeout=120)
t.eq(r.returncode, 0, "--once after the wait exits 0")
t.eq(row(redirected)[:2], (200, None), "the redirected feed is asked and stored")
t.eq(w.sql("SELECT count(*) FROM meta WHERE key LIKE 'retry_host %'"), [(0,)],
     "nothing is kept of the service's wait")

service.stop()
site.stop()
w.cleanup()
t.done()
