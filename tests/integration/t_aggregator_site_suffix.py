#!/usr/bin/env python3
"""A publisher's own feed writes its name after every headline ("X | Paper
Times", "X - Paper Times"), and an aggregator lists the same article as
"X - Paper Times" naming that publisher in <source> (docs/dedup.md, "The
same article through an aggregator").  The daemon cut a feed's branding
only when 3 or more of its titles carried it, so a small feed's (or one
whose other titles had none) article and the aggregator's item were two
stories; and Google News's "X | Paper Times - Paper Times" kept the
" | Paper Times" the publisher's larger feed had cut.  Either order, and
with a restart between them: one story.  Items through no aggregator are
not matched so: two feeds of one site whose headlines differ by a
suffix stay two stories."""
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
HEAD = "Kelowna wildfire evacuation orders extended"
NAME = "Paper Times"
OTHER = [("Council approves new budget for city parks", "budget"),
         ("Local team wins regional rowing championship", "rowing"),
         ("Museum reopens after two years of repairs", "museum")]


def paper(sep, more):
    items = [{"guid": "p1", "title": HEAD + sep + NAME, "link": "https://paper.example/fire",
              "text": TEXT, "date": DATE}]
    for title, slug in OTHER if more else []:
        items.append({"guid": slug, "title": title + sep + NAME,
                      "link": "https://paper.example/" + slug,
                      "text": title + ", the city said on Monday.", "date": DATE})
    return rss_doc(NAME, "https://paper.example/", items)


def aggregator(title):
    return rss_doc("Google News", "https://news.google.com/", [
        {"guid": "gn-1", "title": title, "link": "https://news.google.com/rss/articles/CBMfire",
         "text": title, "date": DATE, "source": ("https://paper.example", NAME)}])


t = Tap()
srv = Server()
n = 0
cases = [(" | ", False, HEAD + " - " + NAME), (" - ", False, HEAD + " - " + NAME),
         (" \u2014 ", False, HEAD + " - " + NAME), (" | ", True, HEAD + " | " + NAME + " - " + NAME),
         (" | ", False, HEAD + " | " + NAME + " - " + NAME)]
for sep, more, gtitle in cases:
    for order in ("paper first", "aggregator first", "restart between"):
        n += 1
        w = Workdir()
        p, g = "/p%d.xml" % n, "/g%d.xml" % n
        feeds = [srv.url(p), srv.url(g)] if order == "paper first" else [srv.url(g), srv.url(p)]
        srv.put(p, paper(sep, more))
        srv.put(g, aggregator(gtitle))
        how = "%r%s, %r, %s" % (sep, " (4 items)" if more else "", gtitle, order)
        if order == "restart between":
            w.write_config([srv.url(g)], extra="retention = 0\nconcurrency = 1")
            t.eq(w.run_once().returncode, 0, "the first run exits 0: " + how)
            w.write_config([srv.url(g), srv.url(p)], extra="retention = 0\nconcurrency = 1")
        else:
            w.write_config(feeds, extra="retention = 0\nconcurrency = 1")
        t.eq(w.run_once().returncode, 0, "the run exits 0: " + how)
        rows = w.sql("SELECT s.id FROM stories s JOIN story_feeds f ON f.story_id = s.id "
                     "WHERE s.host = 'paper.example' AND (s.link LIKE '%fire' "
                     "OR s.link LIKE '%CBMfire') GROUP BY s.id")
        t.eq(len(rows), 1, "one story of the article: " + how)
        t.eq(w.sql("SELECT count(DISTINCT feed_id) FROM story_feeds WHERE story_id = ?",
                   (rows[0][0],)), [(2,)], "carried by both feeds: " + how)
        t.eq(invariants.check(w.db), [], "the documented invariants hold: " + how)
        w.cleanup()

# No aggregator: two feeds of one site, one headline with the site's name
# after it and one without, stay two stories.
w = Workdir()
srv.put("/a.xml", rss_doc(NAME, "https://paper.example/", [
    {"guid": "a1", "title": HEAD + " | " + NAME, "link": "https://paper.example/fire",
     "text": TEXT, "date": DATE}]))
srv.put("/b.xml", rss_doc(NAME + " mobile", "https://paper.example/", [
    {"guid": "b1", "title": HEAD, "link": "https://paper.example/fire-2",
     "text": "A different lead about the same town's roads and bridges, closed for works.",
     "date": DATE}]))
w.write_config([srv.url("/a.xml"), srv.url("/b.xml")], extra="retention = 0\nconcurrency = 1")
t.eq(w.run_once().returncode, 0, "the run without an aggregator exits 0")
t.eq(w.sql("SELECT count(*) FROM stories"), [(2,)],
     "without an aggregator, a headline with the site's name and one without are two stories")
w.cleanup()

srv.stop()
t.done()
