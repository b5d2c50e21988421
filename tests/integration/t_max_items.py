#!/usr/bin/env python3
"""max_items bounds what one response costs: 8 MiB of "<item/>" is over a
million items, and each item read was a struct feed_entry held until the
response was stored (532 MB of RSS for that document).  The daemon reads
the first max_items items of a document, in its order (feeds list their
newest first), drops the rest and says so in the log; the poll itself
succeeded."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

NOW = int(time.time())


def item(i):
    return ("<item><title>Report number %d on the harbour works</title>"
            "<link>http://news.example/r/%d</link><guid>urn:r:%d</guid>"
            "<pubDate>%s</pubDate><description>Text %d.</description></item>"
            % (i, i, i, email.utils.formatdate(NOW - i * 60, usegmt=True), i))


def rss(items):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>T</title><link>http://news.example/</link>%s</channel></rss>"
            % "".join(items)).encode()


t = Tap()
srv = Server()
srv.put("/many.xml", rss([item(i) for i in range(30)]), "application/rss+xml")
srv.put("/empty.xml", rss(["<item/>"] * 200000), "application/rss+xml")
srv.put("/few.xml", rss([item(100 + i) for i in range(5)]), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/many.xml"), srv.url("/empty.xml"), srv.url("/few.xml")],
               extra="max_items = 10")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
got = [x[0] for x in w.sql("SELECT s.guid FROM stories s JOIN feeds f ON f.id = s.feed_id"
                           " WHERE f.url LIKE '%/many.xml'")]
kept = sorted(int(g.split(":")[2]) for g in got)
t.eq(kept, list(range(10)), "30 items, max_items 10: the first 10 of the document are stored")
t.eq(w.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id"
           " WHERE f.url LIKE '%/few.xml'")[0][0], 5, "a feed under the bound keeps all its items")
t.ok("%s: 30 items in one document; the first 10 read (max_items)" % srv.url("/many.xml")
     in r.stderr, "the log says what was dropped", r.stderr)
t.ok("%s: 200000 items in one document; the first 10 read (max_items)" % srv.url("/empty.xml")
     in r.stderr, "200,000 empty items: read past, counted, dropped", r.stderr)
health = w.sql("SELECT url, last_status, last_error, consecutive_errors FROM feeds ORDER BY id")
t.eq([(u.rsplit("/", 1)[1], s, e, n) for u, s, e, n in health],
     [("many.xml", 200, None, 0), ("empty.xml", 200, None, 0), ("few.xml", 200, None, 0)],
     "each poll succeeded: status 200, no error")
w.cleanup()
srv.stop()
t.done()
