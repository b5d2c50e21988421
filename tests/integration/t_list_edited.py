#!/usr/bin/env python3
"""A site listed by its address (the page names its feed), then that
address edited in the list while the daemon runs: http://site/ becomes
http://site/index.html (or https, or www.) and the daemon is reloaded.
The dropped entry's row kept the URL of the feed its page named (url is
unique), so the new entry was refused the move to it on every poll: the
feed was never read again, each poll an error "not a feed: text/html;
the page names the feed ...".  Now the dropped row gives that URL up and
goes back to its own address, without the feed's validators; the new
entry polls the feed and stores what it brings.  So for an entry that a
301 leads to a URL a dropped entry had moved to."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, generated_rss  # noqa: E402

t = Tap()
srv = Server()
HTML = "text/html; charset=utf-8"
PAGE = ('<!DOCTYPE html><html><head><title>A site</title>'
        '<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed.xml">'
        '</head><body><p>News</p></body></html>')
srv.put("/", PAGE, HTML)
srv.put("/index.html", PAGE, HTML)
srv.put("/feed.xml", generated_rss(1, 3), "application/rss+xml")
srv.put("/new.xml", generated_rss(2, 3), "application/rss+xml")
for old in ("/old.xml", "/old2.xml"):
    srv.routes[old] = lambda h: h.reply(301, b"", None, {"Location": srv.url("/new.xml")})
SITE, SITE2, FEED = srv.url("/"), srv.url("/index.html"), srv.url("/feed.xml")
OLD, OLD2, NEW = srv.url("/old.xml"), srv.url("/old2.xml"), srv.url("/new.xml")

w = Workdir()
w.write_config([SITE, OLD], extra="log_level = info")
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
try:
    t.ok(log.wait_for(" feeds, database ", 1, deadline=30), "started", log.text())
    t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM feeds WHERE last_success")[0][0] == 2,
                  deadline=30), "both entries polled", log.text())
    t.eq(w.sql("SELECT list_url, url FROM feeds ORDER BY id"), [(SITE, FEED), (OLD, NEW)],
         "the page's entry polls the feed it names, the other its redirect's target")
    etag = w.sql("SELECT etag FROM feeds WHERE url = ?", (FEED,))[0][0]
    t.ok(etag, "the feed's ETag is kept")

    # The addresses edited; the feeds have news.
    srv.put("/feed.xml", generated_rss(1, 5), "application/rss+xml")
    srv.put("/new.xml", generated_rss(2, 5), "application/rss+xml")
    with open(w.feeds, "w") as f:
        f.write("%s\n%s\n" % (SITE2, OLD2))
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded: 2 feeds", 1, deadline=30), "reloaded", log.text())
    t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM feeds WHERE active AND last_success")
                  [0][0] == 2, deadline=30), "the edited entries are read", log.text())
    rows = w.sql("SELECT list_url, url, previous_url, active, last_error FROM feeds ORDER BY id")
    t.eq([r[:4] for r in rows],
         [(SITE, SITE, FEED, 0), (OLD, OLD, NEW, 0),
          (SITE2, FEED, SITE2, 1), (OLD2, NEW, OLD2, 1)],
         "the new entries poll the feeds; the dropped rows are back at their own address")
    t.eq(w.sql("SELECT etag, last_modified, last_success, next_poll FROM feeds WHERE NOT active"),
         [(None, None, None, None)] * 2,
         "the dropped rows no longer hold the validators of the URLs they gave up")
    t.eq([r[4] for r in rows[2:]], [None, None], "no error")
    t.eq(w.sql("SELECT f.list_url, count(*) FROM story_feeds sf JOIN feeds f"
               " ON f.id = sf.feed_id WHERE f.active GROUP BY f.id ORDER BY f.id"),
         [(SITE2, 5), (OLD2, 5)], "the new entries carry every item of their feed")
    t.eq(w.sql("SELECT count(*) FROM stories"), [(10,)], "each item stored once")

    # Listed again, a dropped row is its page's entry as before.
    with open(w.feeds, "w") as f:
        f.write("%s\n" % SITE)
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded: 1 feeds", 1, deadline=30), "reloaded", log.text())
    t.ok(log.wait(lambda s: w.sql("SELECT last_success > 0 FROM feeds WHERE id = 1")
                  == [(1,)], deadline=30), "its page is followed to the feed again", log.text())
    t.eq(w.sql("SELECT id, url, active, last_error FROM feeds WHERE list_url = ?", (SITE,)),
         [(1, FEED, 1, None)], "the first entry back: its row, at the feed its page names")
    t.eq(log.stop(p), 0, "SIGTERM: exit 0")
    t.eq(log.count("error:"), 0, "no errors logged")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
srv.stop()
w.cleanup()
t.done()
