#!/usr/bin/env python3
"""What a feed's document asks for (RSS <ttl>, sy:updatePeriod and
sy:updateFrequency) lengthens its interval also after a 304 Not Modified,
and across runs: the row keeps it (feeds.hint_interval).

It was known only from a poll that brought the document: a feed asking for
two hours was polled two hours after its first fetch, then every
`interval` (15 minutes) from its first 304 on, though the document that
asked was still the same."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402
import faults  # noqa: E402

t = Tap()
srv = Server()


def with_channel(extra, items=(("h1", "First item"),)):
    return faults.feed_xml("hints", list(items)).replace(
        b"<description>d</description>", b"<description>d</description>" + extra, 1).replace(
        b'<rss version="2.0">', b'<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">')


# harness.Server answers 304 to the ETag of the body it serves.
srv.put("/ttl.xml", with_channel(b"<ttl>120</ttl>"), "application/rss+xml")
srv.put("/sy.xml", with_channel(b"<sy:updatePeriod>hourly</sy:updatePeriod>"
                                b"<sy:updateFrequency>1</sy:updateFrequency>"), "application/rss+xml")
srv.put("/plain.xml", with_channel(b""), "application/rss+xml")
TTL, SY, PLAIN = srv.url("/ttl.xml"), srv.url("/sy.xml"), srv.url("/plain.xml")
w = Workdir(prefix="tidings-hints-")
w.write_config([TTL, SY, PLAIN], "interval = 15m\n")


def row(url):
    st, wait = w.sql("SELECT last_status, next_poll - last_fetch FROM feeds WHERE url = ?", (url,))[0]
    try:
        hint = w.sql("SELECT hint_interval FROM feeds WHERE url = ?", (url,))[0][0]
    except sqlite3.OperationalError as e:   # a schema before version 6
        hint = str(e)
    return st, wait, hint


r = w.run_once()
t.eq(r.returncode, 0, "first --once exits 0")
st, wait, hint = row(TTL)
t.ok(st == 200 and 7200 * 0.9 <= wait <= 7200 * 1.1 and hint == 7200,
     "<ttl>120</ttl>: next poll in about two hours, hint_interval 7200", (st, wait, hint))
st, wait, hint = row(SY)
t.ok(st == 200 and 3600 * 0.9 <= wait <= 3600 * 1.1 and hint == 3600,
     "sy:updatePeriod hourly: next poll in about an hour, hint_interval 3600", (st, wait, hint))
st, wait, hint = row(PLAIN)
t.ok(st == 200 and 900 * 0.9 <= wait <= 900 * 1.1 and hint is None,
     "a feed that asks for nothing: the interval, hint_interval NULL", (st, wait, hint))

# Each --once is a new process: what it knows of the feed is in the row.
for run in (2, 3):
    r = w.run_once()
    t.eq(r.returncode, 0, "--once %d exits 0" % run)
    st, wait, hint = row(TTL)
    t.ok(st == 304 and 7200 * 0.9 <= wait <= 7200 * 1.1 and hint == 7200,
         "run %d, 304 Not Modified: the unchanged <ttl> still holds the feed two hours" % run,
         (st, wait, hint))
    st, wait, hint = row(SY)
    t.ok(st == 304 and 3600 * 0.9 <= wait <= 3600 * 1.1 and hint == 3600,
         "run %d, 304 Not Modified: sy:updatePeriod still an hour" % run, (st, wait, hint))

# A new body that asks for nothing any more: the interval again.
srv.put("/ttl.xml", with_channel(b"", (("h1", "First item"), ("h2", "Second item"))),
        "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "--once after the document dropped its <ttl> exits 0")
st, wait, hint = row(TTL)
t.ok(st == 200 and wait <= 900 * 1.1 and hint is None,
     "a body without <ttl> clears hint_interval: polled on the interval", (st, wait, hint))

# A failed poll keeps what the last document asked for.
srv.routes["/sy.xml"] = faults.status(500)
r = w.run_once()
st, _, hint = row(SY)
t.eq((st, hint), (500, 3600), "an error keeps hint_interval")

srv.stop()
w.cleanup()
t.done()
