#!/usr/bin/env python3
"""A publisher retitles its article in place (an SEO tool, "LIVE: ..."
become a headline of its own), and an aggregator then lists it under the
new headline: one article, one story (docs/dedup.md, "The same article
through an aggregator": a new item whose publisher and headline are a
stored story's).  The headline index kept the story under its first
headline until the daemon restarted, so the aggregator's item was a
second story of the article when it came in the run that saw the edit,
and the same story when a restart came between them."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

DATE = email.utils.formatdate(int(time.time()) - 3600, usegmt=True)
TEXT = ("Firefighters battled the wildfire near Kelowna as winds pushed flames toward the "
        "lake shore; evacuation orders for Kelowna residents were extended by the British "
        "Columbia wildfire service, officials said.")
FIRST = "LIVE: Kelowna wildfire evacuation orders extended"
EDITED = "Kelowna wildfire: thousands more told to leave as flames near lake"


def paper(title):
    return rss_doc("Paper", "https://paper.example/", [
        {"guid": "p1", "title": title, "link": "https://paper.example/fire", "text": TEXT,
         "date": DATE}])


def aggregator(title):
    items = [{"guid": "gn-1", "title": title + " - Paper",
              "link": "https://news.google.com/rss/articles/CBMfire", "text": title,
              "date": DATE, "source": ("https://paper.example", "Paper")}] if title else []
    return rss_doc("Google News", "https://news.google.com/", items)


t = Tap()
srv = Server()
for restart in (False, True):
    w = Workdir()
    # The paper first: one transfer at a time, in list order.
    w.write_config([srv.url("/p%d.xml" % restart), srv.url("/g%d.xml" % restart)],
                   extra="retention = 0\nconcurrency = 1")
    srv.put("/p%d.xml" % restart, paper(FIRST))
    srv.put("/g%d.xml" % restart, aggregator(None))
    r = w.run_once()
    t.eq(r.returncode, 0, "first run exits 0")
    srv.put("/p%d.xml" % restart, paper(EDITED))
    if restart:
        r = w.run_once()
    srv.put("/g%d.xml" % restart, aggregator(EDITED))
    r = w.run_once()
    how = "with a restart between them" if restart else "in the run that saw the edit"
    t.eq(r.returncode, 0, "the runs exit 0")
    t.eq(w.sql("SELECT id, title, host FROM stories"), [(1, EDITED, "paper.example")],
         "the aggregator's item under the edited headline is the story, " + how)
    t.eq(w.sql("SELECT story_id, feed_id FROM story_feeds ORDER BY feed_id"), [(1, 1), (1, 2)],
         "carried by both feeds, " + how)
    t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")
    w.cleanup()

srv.stop()
t.done()
