#!/usr/bin/env python3
"""A feed gone (HTTP 410) stays retired while it is listed, and is polled
again once dropped from the feed list and listed anew (docs/tidingsd.8,
docs/schema.md `gone`).  Before, nothing but an edit of the database
brought it back: a server that answered 410 by mistake, or a site rebuilt
at its old address, lost its subscribers for good.  Through --once runs
and through a running daemon's reloads (SIGHUP)."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Workdir, Server, StderrLog, need_programs, rss_doc, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()
GONE = [True]


def route(h):
    if GONE[0]:
        return h.reply(410, b"gone", "text/plain")
    body = rss_doc("Back", "https://back.example/", [
        {"title": "Back again %d" % i, "link": "https://back.example/%d" % i,
         "text": "The site is back with item %d." % i} for i in range(3)]).encode()
    h.reply(200, body, "application/rss+xml")


srv.routes["/feed"] = route
srv.put("/other.xml", rss_doc("Other", "https://other.example/", [
    {"title": "Other item", "link": "https://other.example/1", "text": "Other text."}]))
feed, other = srv.url("/feed"), srv.url("/other.xml")


def row(w):
    return w.sql("SELECT gone, active, last_status FROM feeds WHERE url = ?", (feed,))[0]


def hits():
    return srv.hits.get("/feed", 0)


# ---- --once runs ------------------------------------------------------
w = Workdir(prefix="tidings-gone-")
w.write_config([feed, other])
r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")
t.eq(row(w), (1, 1, 410), "the 410 feed is gone")
GONE[0] = False
r = w.run_once()
t.eq(hits(), 1, "listed still, it is not polled again (the server answers 200 now)")
t.eq(row(w)[0], 1, "and it stays gone")
w.write_config([other])
r = w.run_once()
t.eq(row(w), (1, 0, 410), "dropped from the list: inactive, still gone")
w.write_config([feed, other])
r = w.run_once()
t.eq(r.returncode, 0, "the run that lists it again exits 0")
t.eq(hits(), 2, "listed anew, it is polled again")
t.eq(row(w), (0, 1, 200), "and is no longer gone")
t.eq(w.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE f.url = ?",
           (feed,))[0][0], 3, "its 3 items are stored")
t.eq(w.sql("SELECT count(*) FROM feeds")[0][0], 2, "under its own row: no new feed row")

# ---- a running daemon, reloads ----------------------------------------
GONE[0] = True
srv.hits.clear()
w2 = Workdir(prefix="tidings-gone-d-")
w2.write_config([feed, other])
p = w2.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait_for("gone (HTTP 410), no longer polled"), "running: the 410 feed is retired",
     log.text()[-2000:])
GONE[0] = False
w2.write_config([feed, other])
p.send_signal(signal.SIGHUP)
t.ok(log.wait_for("reloaded", 1), "a reload with the feed still listed", log.text()[-2000:])
w2.write_config([other])
p.send_signal(signal.SIGHUP)
t.ok(log.wait_for("reloaded", 2), "a reload without it", log.text()[-2000:])
t.eq(hits(), 1, "not polled while listed or after it was dropped")
t.eq(w2.sql("SELECT gone, active FROM feeds WHERE url = ?", (feed,))[0], (1, 0),
     "dropped: inactive, still gone")
w2.write_config([feed, other])
p.send_signal(signal.SIGHUP)
t.ok(log.wait(lambda _: w2.sql("SELECT count(*) FROM stories s JOIN feeds f ON"
                             " f.id = s.feed_id WHERE f.url = ?", (feed,))[0][0] == 3,
              deadline=60),
     "listed anew by a reload: polled, its 3 items stored", log.text()[-2000:])
t.eq(w2.sql("SELECT gone, active FROM feeds WHERE url = ?", (feed,))[0], (0, 1),
     "and no longer gone")
log.stop(p)
srv.stop()
w.cleanup()
w2.cleanup()
t.done()
