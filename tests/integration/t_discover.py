#!/usr/bin/env python3
"""A feed list that names a site's page instead of its feed (the address a
browser shows): tidingsd polls the feed the page links to
(<link rel="alternate" type="application/rss+xml">), in the same run, and
the feed's row keeps the page as its list_url and previous_url.  A feed
that has worked is never moved by a page it serves later (its error names
the page's feed instead); a page naming a feed already listed, or pages
naming each other, move nothing for good."""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, rss_doc, TIDINGSD, \
    StderrLog  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()
HTML = "text/html; charset=utf-8"


def page(*links, base=None):
    head = ['<base href="%s">' % base] if base else []
    head += ['<link rel="alternate" type="application/rss+xml" title="%s" href="%s">' % x
             for x in links]
    return ('<!DOCTYPE html><html><head><title>A site</title>'
            '<link rel="stylesheet" href="/s.css">%s</head>'
            '<body><h1>News</h1><p>Today&rsquo;s stories.</p></body></html>' % "".join(head))


def feed(name, n):
    return rss_doc(name, srv.url("/"), [
        {"title": "%s story %d about the harbour bridge" % (name, i),
         "link": srv.url("/%s/%d.html" % (name, i)),
         "text": "Report %d from %s on the works at the harbour bridge, day %d." % (i, name, i)}
        for i in range(n)])


# The blog's page names its comments' feed first, then its own, relative
# to a <base>; the site without a feed link; a feed that works.
srv.put("/blog/", page(("Blog &raquo; Comments Feed", "comments/feed/"),
                       ("Blog &raquo; Feed", "feed/"), base="/b/"), HTML)
srv.put("/b/feed/", feed("blog", 3))
srv.put("/b/comments/feed/", feed("comments", 2))
srv.put("/plain/", "<html><head><title>No feed</title></head><body>hi</body></html>", HTML)
srv.put("/works.xml", feed("works", 2))
BLOG, PLAIN, WORKS = srv.url("/blog/"), srv.url("/plain/"), srv.url("/works.xml")
FEED = srv.url("/b/feed/")

w = Workdir()
w.write_config([BLOG, PLAIN, WORKS], extra="log_level = info")
r = w.run_once()
t.eq(r.returncode, 0, "a run with a page for a feed exits 0")
rows = {x[0]: x[1:] for x in w.sql(
    "SELECT list_url, id, url, previous_url, last_error, consecutive_errors FROM feeds")}
t.eq(rows[BLOG][1:], (FEED, BLOG, None, 0),
     "the page's feed is polled in the same run: url the feed, previous_url the page,"
     " no error left")
t.eq(w.sql("SELECT count(*) FROM stories WHERE feed_id = ?", (rows[BLOG][0],)), [(3,)],
     "its three stories stored under the listed feed's row")
t.eq(srv.hits.get("/b/comments/feed/"), None, "the comments' feed is not polled")
t.ok(re.search(r"blog/: a web page, not a feed; polling the feed it names, \S*/b/feed/",
               r.stderr), "the log says where the page led", r.stderr)
t.ok(re.search(r"cycle: 3 feeds polled, 5 new stories, .*, 1 error,", r.stderr),
     "the cycle counts three feeds and one error (the page without a feed)", r.stderr)
t.eq(rows[PLAIN][1:], (PLAIN, None, "not a feed: text/html", 1),
     "a page naming no feed is an error as before, and stays where it is")

# The next run goes to the feed directly; the list still maps to the row.
hits = srv.hits.get("/blog/")
r = w.run_once()
rows2 = {x[0]: x[1:] for x in w.sql(
    "SELECT list_url, id, url, previous_url, last_error, consecutive_errors FROM feeds")}
t.eq((r.returncode, srv.hits.get("/blog/"), rows2[BLOG]), (0, hits, rows[BLOG]),
     "a second run polls the feed, not the page, on the same row")
t.eq(w.sql("SELECT count(*) FROM feeds"), [(3,)], "and lists no new feed")

# A feed that worked and now serves a page with a feed link stays put.
srv.put("/works.xml", page(("Elsewhere", "/elsewhere.xml")), HTML)
r = w.run_once()
t.ok(r.returncode == 0, "the run that finds a page at a working feed's URL exits 0",
     r.stderr[-2000:])
got = w.sql("SELECT url, last_error, consecutive_errors FROM feeds WHERE list_url = ?", (WORKS,))
t.eq(got, [(WORKS, "not a feed: text/html; the page names the feed %s" % srv.url("/elsewhere.xml"),
            1)], "a feed that worked is not moved by a page; its error names the page's feed")
t.eq(srv.hits.get("/elsewhere.xml"), None, "and that feed is not polled for it")

# A page naming a feed already in the list: no second poller of one URL.
w2 = Workdir()
srv.put("/other/", page(("Feed", "/works2.xml")), HTML)
srv.put("/works2.xml", feed("works2", 1))
OTHER, WORKS2 = srv.url("/other/"), srv.url("/works2.xml")
w2.write_config([OTHER, WORKS2])
r = w2.run_once()
got = w2.sql("SELECT url, last_error FROM feeds WHERE list_url = ?", (OTHER,))
t.eq((r.returncode, got), (0, [(OTHER, "not a feed: text/html; the feed the page names, %s,"
                                " is in the list already" % WORKS2)]),
     "a page naming a listed feed stays an error, naming it")
t.eq(srv.hits.get("/works2.xml"), 1, "that feed polled once, for itself")

# Two pages naming each other: at most two hops, and the run ends.
srv.put("/ping/", page(("Feed", "/pong/")), HTML)
srv.put("/pong/", page(("Feed", "/ping/")), HTML)
w3 = Workdir()
PING, PONG = srv.url("/ping/"), srv.url("/pong/")
w3.write_config([PING])
start = time.time()
r = w3.run_once(timeout=60)
got = w3.sql("SELECT url, previous_url, last_error, consecutive_errors FROM feeds")
t.eq((r.returncode, got), (0, [(PING, PONG, "not a feed: text/html; the page names the feed %s"
                                % PONG, 3)]),
     "pages naming each other: followed twice, then an error naming the link")
t.eq((srv.hits.get("/ping/"), srv.hits.get("/pong/")), (2, 1), "three requests in all")

# The moved feed's host is the one a Retry-After holds: a page on one host
# naming a feed on another that answers 429 holds that other host's feeds,
# not the page's (the same for a feed moved by a 301).
LOCAL = lambda p: srv.url(p).replace("127.0.0.1", "localhost")  # noqa: E731
srv.put("/to-held/", page(("Feed", LOCAL("/held.xml"))), HTML)
srv.routes["/held.xml"] = lambda h: h.reply(429, b"slow down", "text/plain",
                                           {"Retry-After": "3600"})
srv.put("/there.xml", feed("there", 1))
srv.put("/here.xml", feed("here", 1))
w5 = Workdir()
w5.write_config([srv.url("/to-held/"), LOCAL("/there.xml"), srv.url("/here.xml")])
r = w5.run_once()
got = dict(w5.sql("SELECT list_url, next_poll - last_fetch FROM feeds"))
t.ok(r.returncode == 0 and got[LOCAL("/there.xml")] >= 3590,
     "a 429 from the page's feed holds the feed's host (localhost) for its Retry-After",
     (got, r.stderr))
t.ok(got[srv.url("/here.xml")] < 3000, "and not the page's host (127.0.0.1)", got)

# The running daemon follows at once too, not at the next interval.
srv.put("/late/", page(("Late feed", "/late.xml")), HTML)
srv.put("/late.xml", feed("late", 2))
w4 = Workdir()
LATE = srv.url("/late/")
w4.write_config([LATE], extra="interval = 1h\nlog_level = info")
p = w4.start(stderr=subprocess.PIPE)
log = StderrLog(p)
ok = log.wait_for("late.xml: 2 entries, 2 new", deadline=60)
t.ok(ok, "the daemon polls the page's feed right after the page", log.text())
t.eq(w4.sql("SELECT url, previous_url, last_error FROM feeds"),
     [(srv.url("/late.xml"), LATE, None)], "and moves its row there")
p.send_signal(signal.SIGTERM)
p.wait(timeout=60)
t.eq(p.returncode, 0, "the daemon exits 0")

for x in (w, w2, w3, w4, w5):
    x.cleanup()
srv.stop()
t.done()
