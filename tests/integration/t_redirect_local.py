#!/usr/bin/env python3
"""A feed server on another machine that redirects to 127.0.0.1 (or
localhost, or the link-local 169.254.169.254 of a cloud's metadata
service) names an address of ours, never one of its own: curl followed
it, so any feed's server made tidingsd send requests to the services that
listen on this machine's loopback only, and a 301 to a feed there moved
the feed in for good, its stories stored.  A web page on another machine
naming a feed on 127.0.0.1 moved the feed there the same way.  Both are
refused now, also at the next start when the first attempt reached no
server; a feed listed on 127.0.0.1 (the rest of the tests) and its
redirects there are fetched as before.

"Another machine" here is this host's own non-loopback address (the test
is skipped without one): what counts is the address curl connects to."""
import fcntl
import os
import signal
import socket
import struct
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, need_programs, read, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)


def outside_address():
    """An IPv4 address of this host that is not loopback nor link-local,
    or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for _, name in socket.if_nameindex():
            try:
                req = struct.pack("256s", name.encode()[:15])
                addr = socket.inet_ntoa(fcntl.ioctl(s.fileno(), 0x8915, req)[20:24])
            except OSError:          # SIOCGIFADDR: no IPv4 address
                continue
            if not addr.startswith(("127.", "169.254.", "0.")):
                return addr
    finally:
        s.close()
    return None


ADDR = outside_address()
if ADDR is None:
    t.skip_all("no non-loopback IPv4 address to serve the outside feeds from")


class Outside(Server):
    """The harness's server, listening on ADDR instead of 127.0.0.1."""

    def __init__(self):
        self.bind_to = ADDR
        super().__init__()

    def server_bind(self):
        self.server_address = (self.bind_to, 0)
        super().server_bind()

    @property
    def base(self):
        return "http://%s:%d" % (ADDR, self.server_address[1])


inside = Server()          # 127.0.0.1: only this machine reaches it
inside.put("/admin/rss", read("spine/rss20.xml"), "application/rss+xml")
inside.put("/admin/atom", read("spine/atom10.xml"), "application/atom+xml")
inside.put("/admin/site.xml", read("spine/rss10.xml"), "application/rdf+xml")
outside = Outside()


def redirect(status, to):
    return lambda h: h.reply(status, b"", None, {"Location": to})


outside.routes["/moved.xml"] = redirect(301, inside.url("/admin/rss"))
outside.routes["/localhost.xml"] = redirect(302, inside.url("/admin/rss").replace(
    "127.0.0.1", "localhost"))
# Back home after a hop to another host: refused as well.
outside.routes["/hop.xml"] = redirect(302, inside.url("/admin/rss"))
inside.routes["/out.xml"] = redirect(302, outside.url("/hop.xml"))
outside.put("/site/", '<html><head><link rel="alternate" type="application/rss+xml"'
            ' href="%s"></head><body>news</body></html>' % inside.url("/admin/site.xml"),
            "text/html")
# Outside feeds that do work, also through a redirect between outside URLs.
outside.put("/real.xml", read("spine/rss20.xml"), "application/rss+xml")
outside.routes["/to-real.xml"] = redirect(301, outside.url("/real.xml"))
# A feed listed on 127.0.0.1 redirected on 127.0.0.1: the user's own.
inside.routes["/mine.xml"] = redirect(301, inside.url("/admin/atom"))

MOVED, LOCALHOST, SITE = outside.url("/moved.xml"), outside.url("/localhost.xml"), \
    outside.url("/site/")
OUT, TOREAL, MINE = inside.url("/out.xml"), outside.url("/to-real.xml"), inside.url("/mine.xml")
w = Workdir()
w.write_config([MOVED, LOCALHOST, SITE, OUT, TOREAL, MINE])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
rows = {x[0]: x[1:] for x in w.sql("SELECT list_url, url, last_error FROM feeds")}
t.eq((inside.hits.get("/admin/rss", 0), inside.hits.get("/admin/site.xml", 0)), (0, 0),
     "no request reached 127.0.0.1 through an outside server's redirect or page")
for url, what in ((MOVED, "a 301 to 127.0.0.1"), (LOCALHOST, "a 302 to localhost"),
                  (OUT, "a redirect back to 127.0.0.1 after leaving it")):
    t.ok(rows[url][0] == url and "refused a redirect to an address of this machine"
         in (rows[url][1] or ""), "%s from outside is refused, the feed stays" % what,
         rows[url])
t.ok("(127.0.0.1)" in (rows[MOVED][1] or "") and inside.url("/admin/rss") in rows[MOVED][1],
     "the error names where the redirect pointed and the address", rows[MOVED])
t.ok(rows[SITE][0] == SITE and "a web page on another host named this feed"
     in (rows[SITE][1] or ""),
     "a page outside naming a feed on 127.0.0.1: refused, the feed is the page again",
     rows[SITE])
t.eq(rows[TOREAL][:2], (outside.url("/real.xml"), None),
     "a redirect between outside URLs is followed (and moves the feed)")
t.eq(rows[MINE][:2], (inside.url("/admin/atom"), None),
     "a feed listed on 127.0.0.1 follows its redirect on 127.0.0.1")
n = w.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id"
          " WHERE f.list_url IN (?, ?, ?, ?)", (MOVED, LOCALHOST, SITE, OUT))[0][0]
t.eq(n, 0, "nothing from 127.0.0.1 stored for the outside feeds")
t.ok(not [line for line in r.stderr.splitlines()
         if outside.base in line and "moved permanently to " + inside.base in line]
     and "back to the web page that named it, " + SITE in r.stderr,
     "no outside feed moved to 127.0.0.1 for good", r.stderr)

# The next run polls the page again: still nothing from inside.
r = w.run_once()
t.ok(r.returncode == 0 and inside.hits.get("/admin/site.xml", 0) == 0
     and outside.hits.get("/site/") == 2 and w.sql("SELECT url FROM feeds WHERE list_url = ?", (SITE,))[0][0] == SITE,
     "a second run: the page is polled, its feed refused again", r.stderr)
w.cleanup()

# A page outside naming a feed on a port of 127.0.0.1 closed at first: no
# request went out, and the guard, which lives in the daemon's memory,
# was gone at the next start with the feed's URL kept in the row: the
# next run fetched 127.0.0.1 and stored its stories.  The feed is the
# page again, as when refused.  A feed outside that is down at first is
# the page again too, and is followed to once it is up.


def closed_port(host):
    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Later(Server):
    """The harness's server on a given address and port."""

    def __init__(self, host, port):
        self.bind_to = (host, port)
        super().__init__()

    def server_bind(self):
        self.server_address = self.bind_to
        super().server_bind()


in_port, out_port = closed_port("127.0.0.1"), closed_port(ADDR)
outside.put("/site2/", '<html><head><link rel="alternate" type="application/rss+xml"'
            ' href="http://127.0.0.1:%d/admin/site.xml"></head></html>' % in_port, "text/html")
outside.put("/site3/", '<html><head><link rel="alternate" type="application/rss+xml"'
            ' href="http://%s:%d/feed.xml"></head></html>' % (ADDR, out_port), "text/html")
SITE2, SITE3 = outside.url("/site2/"), outside.url("/site3/")
w = Workdir()
w.write_config([SITE2, SITE3])
r = w.run_once()
t.eq(w.sql("SELECT list_url, url FROM feeds ORDER BY id"), [(SITE2, SITE2), (SITE3, SITE3)],
     "feeds a page named that no request reached are the page again")
later_in, later_out = Later("127.0.0.1", in_port), Later(ADDR, out_port)
later_in.put("/admin/site.xml", read("spine/rss10.xml"), "application/rdf+xml")
later_out.put("/feed.xml", read("spine/rss20.xml"), "application/rss+xml")
r = w.run_once()
t.eq((later_in.hits.get("/admin/site.xml", 0),
      w.sql("SELECT count(*) FROM stories WHERE feed_id = 1")[0][0]), (0, 0),
     "the next run: the page's feed on 127.0.0.1 is refused, nothing of it stored")
t.ok(w.sql("SELECT url FROM feeds WHERE id = 2")[0][0] == "http://%s:%d/feed.xml" % (ADDR, out_port)
     and w.sql("SELECT count(*) FROM stories WHERE feed_id = 2")[0][0] > 0,
     "and the outside feed, up now, is followed to and read", r.stderr)
w.cleanup()
later_in.stop()
later_out.stop()

# The daemon told to stop (SIGTERM) while the page's answer is on its
# way: the answer comes within the shutdown's grace and the feed moves to
# what the page names, but no poll starts any more.  The row held the
# feed's URL, the guard was the stopped run's, and the next start fetched
# 127.0.0.1 unguarded and stored its stories.  The feed is the page again.
answer = threading.Event()
asked = threading.Event()


def page_after_stop(h):
    asked.set()
    answer.wait(60)
    h.reply(200, ('<html><head><link rel="alternate" type="application/rss+xml"'
                  ' href="%s"></head></html>' % inside.url("/admin/site.xml")).encode(),
            "text/html")


outside.routes["/site4/"] = page_after_stop
SITE4 = outside.url("/site4/")
inside.hits.clear()
w = Workdir()
w.write_config([SITE4])
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(asked.wait(60), "the daemon asks for the page")
p.send_signal(signal.SIGTERM)
t.ok(log.wait_for("finishing in-flight work"), "and hears SIGTERM", log.text())
answer.set()
status = log.stop(p)
t.eq((status, w.sql("SELECT url FROM feeds")), (0, [(SITE4,)]),
     "stopped with the page's feed not read yet: the feed is the page again")
r = w.run_once()
t.eq((inside.hits.get("/admin/site.xml", 0), w.sql("SELECT count(*) FROM stories")[0][0]), (0, 0),
     "the next start: the page's feed on 127.0.0.1 is refused, nothing of it stored")
w.cleanup()

# The same when a reload drops the page from the list while its feed has
# not answered yet: the row, kept for the day the page is listed again,
# held the feed's URL, and that reload fetched the feed unguarded.
release = threading.Event()
hung = threading.Event()


def hang(h):
    hung.set()
    release.wait(60)
    h.reply(200, read("spine/rss20.xml"), "application/rss+xml")


outside.routes["/hang.xml"] = hang
outside.put("/site5/", '<html><head><link rel="alternate" type="application/rss+xml"'
            ' href="%s"></head></html>' % outside.url("/hang.xml"), "text/html")
SITE5, OTHER = outside.url("/site5/"), outside.url("/real.xml")
w = Workdir()
w.write_config([SITE5, OTHER])
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(hung.wait(60), "the page's feed is asked for")
w.write_config([OTHER])
p.send_signal(signal.SIGHUP)
t.ok(log.wait_for("reloaded"), "the page dropped from the list, reloaded", log.text())
t.eq(w.sql("SELECT url FROM feeds WHERE list_url = ?", (SITE5,)), [(SITE5,)],
     "a reload dropping the page while its feed has not answered: the row is the page again")
release.set()
log.stop(p)
w.cleanup()
inside.stop()
outside.stop()
t.done()
