#!/usr/bin/env python3
"""The HTTP validators a feed's row keeps for the next conditional GET
(feeds.etag, feeds.last_modified) are those of the last body, also when
that body came without one of them.

A server that answered with an ETag once and then, with a new body, with
only Last-Modified, kept the old ETag in the row: every later start and
every `--once` (cron) sent it as If-None-Match, and a server that judges
If-None-Match before If-Modified-Since (RFC 9110 13.2.2: with
If-None-Match present, If-Modified-Since is ignored) never answered 304
again: a full download on every run."""
import email.utils
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402
import faults  # noqa: E402

t = Tap()
srv = Server()
LM = email.utils.formatdate(1700000000, usegmt=True)
state = {"version": 1}


def route(h):
    """Version 1 carries an ETag; version 2 (a new body) only a
    Last-Modified, and is not modified for a request that names no ETag
    and that date, as RFC 9110 orders the preconditions."""
    if state["version"] == 1:
        return h.reply(200, faults.feed_xml("v", [("v1", "First item")]), "application/rss+xml",
                       {"ETag": '"one"'})
    if h.headers.get("If-None-Match") is None and h.headers.get("If-Modified-Since") == LM:
        return h.reply(304, b"", None)
    h.reply(200, faults.feed_xml("v", [("v1", "First item"), ("v2", "Second item")]),
            "application/rss+xml", {"Last-Modified": LM})


srv.routes["/feed.xml"] = route
URL = srv.url("/feed.xml")
w = Workdir(prefix="tidings-validators-")
w.write_config([URL])


def row():
    return w.sql("SELECT last_status, etag, last_modified FROM feeds WHERE url = ?", (URL,))[0]


r = w.run_once()
t.eq(r.returncode, 0, "first --once exits 0")
t.eq(row(), (200, '"one"', None), "the first body's ETag is kept")

state["version"] = 2
r = w.run_once()
t.eq(r.returncode, 0, "second --once exits 0")
t.eq(row(), (200, None, LM),
     "a new body without an ETag clears the old one; its Last-Modified is kept")

n = len(srv.log)
r = w.run_once()
t.eq(r.returncode, 0, "third --once exits 0")
t.eq(srv.log[n:], [("/feed.xml", None, LM)],
     "the next run sends only the validator the server gave (no stale If-None-Match)")
t.eq(row(), (304, None, LM), "and the server answers 304 Not Modified")

# A 304 and an error keep the validators: neither carries a new body.
state["version"] = 1
srv.routes["/feed.xml"] = faults.status(500)
r = w.run_once()
t.eq(row(), (500, None, LM), "a failed poll keeps the validators")

# A validator with a bare CR in it: curl splits a response's headers at
# LF only, so the CR stays inside the value, and sent back as it came it
# split the request's header in two for a server or proxy that ends lines
# at a CR (as Python's parser here does): the server's text became a
# header of its own ("X-Injected: 1") in every later request.  Such a
# validator is not sent; the feed is fetched in full and stays healthy.
seen = []


def cr_route(h):
    seen.append((h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since"),
                 h.headers.get("X-Injected"), h.headers.get("X-Two")))
    h.reply(200, faults.feed_xml("cr", [("c1", "Carriage item")]), "application/rss+xml",
            {"ETag": '"c1"\rX-Injected: 1', "Last-Modified": LM + "\rX-Two: 2"})


srv.routes["/cr.xml"] = cr_route
CR = srv.url("/cr.xml")
wc = Workdir(prefix="tidings-validators-cr-")
wc.write_config([CR])
r1 = wc.run_once()
con = sqlite3.connect(wc.db)
con.execute("UPDATE feeds SET next_poll = 0")
con.commit()
con.close()
r2 = wc.run_once()
t.eq((r1.returncode, r2.returncode), (0, 0), "both runs against a CR in the validators exit 0")
t.eq(seen[1:], [(None, None, None, None)],
     "a validator with a bare CR is not sent back: no header is injected into the request")
t.eq(wc.sql("SELECT last_status, last_error FROM feeds"), [(200, None)],
     "and the feed is fetched in full, healthy")
t.eq(wc.sql("SELECT count(*) FROM stories"), [(1,)], "its story is stored once")
wc.cleanup()

srv.stop()
w.cleanup()
t.done()
