#!/usr/bin/env python3
"""Feeds on an IPv6 literal ("http://[::1]:8080/feed.xml"), end to end
against a server on ::1 (skipped without IPv6 on loopback): polled and
stored, the URL kept as written, the publisher host "[::1]", the OPML
export naming the feed as listed.

The feed list takes one address however written ("[::1]",
"[0:0:0:0:0:0:0:1]", "[::0001]") for one host: the same feed listed in
two spellings was two feeds polling one URL, and a list entry respelled
got a new row, id and validators, its stories linked a second time.  And
brackets holding no IPv6 address ("[192.0.2.7]", a typo) are an error
on the list's line, as a bad port is: the list was taken, and the feed
failed at every poll with libcurl's "URL using bad/illegal format".
The daemon's per-host limit and Retry-After hold take one address
however written too ("[::ffff:7f00:1]" is "[::ffff:127.0.0.1]")."""
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, read, TIDINGSD, TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)


class Server6(Server):
    """The harness's server, listening on ::1."""
    address_family = socket.AF_INET6

    def server_bind(self):
        self.server_address = ("::1", 0)
        super().server_bind()

    @property
    def base(self):
        return "http://[::1]:%d" % self.server_address[1]


try:
    srv = Server6()
except OSError as e:
    t.skip_all("no IPv6 on loopback (%s)" % e)
port = srv.server_address[1]
srv.put("/feed.xml", read("spine/rss20.xml"), "application/rss+xml")
URL = srv.url("/feed.xml")
LONG = "http://[0:0:0:0:0:0:0:1]:%d/feed.xml" % port

w = Workdir()
w.write_config([URL, LONG])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
t.eq(w.sql("SELECT id, url, list_url, last_status FROM feeds"), [(1, URL, URL, 200)],
     "the feed on [::1] is polled, its URL as written; the same address written out is"
     " the same feed")
t.eq(srv.hits.get("/feed.xml"), 1, "one request for the URL listed twice")
t.eq(w.sql("SELECT DISTINCT host FROM stories"), [("gazette.example",)],
     "its stories' publisher is their links' host")
o = subprocess.run([TIDINGS, "-d", w.db, "export-opml"], capture_output=True, text=True)
t.ok(o.returncode == 0 and ('xmlUrl="%s"' % URL) in o.stdout,
     "export-opml names the feed as listed", o.stdout + o.stderr)

# The entry respelled: the same feed, its row and id kept.
SHORT = "http://[::0001]:%d/feed.xml" % port
w.write_config([SHORT])
r = w.run_once()
t.eq(w.sql("SELECT id, url, list_url, active FROM feeds ORDER BY id"), [(1, SHORT, SHORT, 1)],
     "the list entry respelled keeps its row and id, polled as written now")
t.eq(w.sql("SELECT count(*) FROM story_feeds WHERE feed_id = 1")[0][0],
     w.sql("SELECT count(*) FROM stories")[0][0], "and its stories, linked once")
w.cleanup()

# A story whose link names the host by its address: host "[::1]".
srv.put("/own.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Own</title>'
        '<link>/</link><item><title>Address story</title><link>/a/1</link>'
        '<description>Text of it.</description></item></channel></rss>',
        "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/own.xml")])
r = w.run_once()
t.eq(w.sql("SELECT link, canonical_url, host FROM stories"),
     [(srv.url("/a/1"), srv.url("/a/1"), "[::1]")],
     "a relative link resolved on [::1]; the publisher host is the literal, without the port")
w.cleanup()

# One server however its address is written: libcurl rewrites a literal
# only into a shorter text, so "[::ffff:7f00:1]" and "[::ffff:127.0.0.1]"
# (or "[2001:db8::1:1:1:1:1]" and "[2001:db8:0:1:1:1:1:1]") were two hosts
# to the per-host limit and a Retry-After hold: the server that asked for
# an hour's rest was asked again at once for the other feeds.
v4 = Server()
v4.routes["/hold.xml"] = lambda h: h.reply(429, b"later", "text/plain", {"Retry-After": "3600"})
v4.put("/a.xml", read("spine/atom10.xml"), "application/atom+xml")
v4.put("/b.xml", read("spine/rss10.xml"), "application/rdf+xml")
p4 = v4.server_address[1]
w = Workdir()
w.write_config(["http://[::ffff:127.0.0.1]:%d/hold.xml" % p4, "http://[::ffff:7f00:1]:%d/a.xml" % p4,
                "http://[0:0:0:0:0:FFFF:7F00:0001]:%d/b.xml" % p4], "per_host = 1\n")
r = w.run_once()
hits = (v4.hits.get("/hold.xml"), v4.hits.get("/a.xml", 0), v4.hits.get("/b.xml", 0))
t.ok(hits == (1, 0, 0), "a Retry-After holds the address in every spelling",
     "hits %r\n%s" % (hits, r.stderr))
w.cleanup()

# A port closed there: the feed's own address, not "the proxy".
s4 = socket.socket()
s4.bind(("127.0.0.1", 0))
closed = s4.getsockname()[1]
s4.close()
w = Workdir()
w.write_config(["http://[::ffff:7f00:1]:%d/feed.xml" % closed])
r = w.run_once()
err = w.sql("SELECT last_error FROM feeds")[0][0] or ""
t.ok(err.startswith("cannot connect to [::ffff:127.0.0.1]: ") and "proxy" not in err,
     "a refused connection to a literal written otherwise names no proxy", err)
w.cleanup()
v4.stop()

# Brackets without an IPv6 address in them: the list's line is refused.
w = Workdir()
w.write_config([URL, "http://[127.0.0.1]:%d/feed.xml" % port])
r = w.run_once()
t.ok(r.returncode != 0 and "feeds.txt:3: bad URL 'http://[127.0.0.1]:%d/feed.xml'"
     " (no IPv6 address between '[' and ']')" % port in r.stderr,
     "an IPv4 address in brackets is an error on its line", r.stderr)
c = subprocess.run([TIDINGS, "check", "-c", w.conf], capture_output=True, text=True)
t.ok(c.returncode != 0 and "no IPv6 address between" in c.stderr,
     "tidings check says so too", c.stdout + c.stderr)
w.cleanup()
srv.stop()
t.done()
