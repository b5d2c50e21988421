#!/usr/bin/env python3
"""A static site (Hugo, Jekyll) whose guids are its pages' addresses
moves to https, or from sam.example to www.sam.example: it regenerates
its feed with every guid and link on the new address.  Each item was new
to the feed (new guids on new links are fresh news, not rotating guids),
and every post the feed listed was stored a second time, most of them
marked copies of themselves.  Within one feed the old and the new
address are one page: the story is the item's, now under its new guid
and link (level 2 still keeps http and https apart across feeds,
docs/dedup.md)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, SITE_HEADLINES  # noqa: E402

t = Tap()
srv = Server()
w = Workdir()


def hugo(base, n, guids=True, first=0):
    return ('<?xml version="1.0" encoding="utf-8" standalone="yes"?><rss version="2.0"><channel>'
            "<title>Jo's notebook</title><link>%s/</link><description>Recent content</description>%s"
            "</channel></rss>" % (base, "".join(
                "<item><title>%s</title><link>%s/posts/p%d/</link>"
                "<pubDate>Mon, %02d Nov 2026 12:00:00 +0000</pubDate>%s"
                "<description>Post number %d: %s.</description></item>" % (
                    h, base, i, 10 + i, "<guid>%s/posts/p%d/</guid>" % (base, i) if guids else "",
                    i, h.lower()) for i, h in reversed(list(enumerate(SITE_HEADLINES[first:first + n]))))))


def jekyll(base, n):
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            '<generator uri="https://jekyllrb.com/">Jekyll</generator>'
            '<link href="%s/" rel="alternate" type="text/html"/><id>%s/feed.xml</id>'
            "<title>Sam's blog</title><updated>2026-12-01T08:00:00+00:00</updated>%s</feed>" % (
                base, base, "".join(
                    '<entry><title type="html">%s</title><link href="%s/2026/11/%02d/p%d.html"'
                    ' rel="alternate" type="text/html"/><published>2026-11-%02dT00:00:00+00:00'
                    "</published><id>%s/2026/11/%02d/p%d</id><content type=\"html\">Entry %d:"
                    " %s.</content></entry>" % (h, base, 10 + i, i, 10 + i, base, 10 + i, i, i,
                                                h.lower())
                    for i, h in reversed(list(enumerate(SITE_HEADLINES[6:6 + n]))))))


def poll(what):
    r = w.run_once()
    t.eq(r.returncode, 0, "%s: tidingsd --once exits 0" % what)


def feed_rows(path):
    return w.sql("SELECT s.title, s.guid, s.link, s.canonical_url FROM stories s"
                 " JOIN feeds f ON f.id = s.feed_id WHERE f.url = ? ORDER BY s.id",
                 (srv.url(path),))


srv.put("/hugo.xml", hugo("http://jo.example", 5))
srv.put("/plain.xml", hugo("http://plain.example", 2, guids=False, first=10))
srv.put("/jekyll.xml", jekyll("https://sam.example", 3))
w.write_config([srv.url(p) for p in ("/hugo.xml", "/plain.xml", "/jekyll.xml")])
poll("first poll")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 10, "10 posts stored")

srv.put("/hugo.xml", hugo("https://jo.example", 5))
srv.put("/plain.xml", hugo("https://plain.example", 2, guids=False, first=10))
srv.put("/jekyll.xml", jekyll("https://www.sam.example", 3))
poll("the sites moved")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 10, "the moved sites' posts are not stored again")
t.eq(w.sql("SELECT count(*) FROM stories WHERE duplicate_of IS NOT NULL")[0][0], 0,
     "nor marked copies of themselves")
t.eq(feed_rows("/hugo.xml")[0],
     (SITE_HEADLINES[0], "https://jo.example/posts/p0/", "https://jo.example/posts/p0/",
      "https://jo.example/posts/p0/"),
     "a post moved to https has its new guid, link and canonical URL")
t.eq(feed_rows("/plain.xml")[0][2:], ("https://plain.example/posts/p0/",) * 2,
     "so has a post without a guid, known by its link")
t.eq(feed_rows("/jekyll.xml")[0][1:3],
     ("https://www.sam.example/2026/11/10/p0", "https://www.sam.example/2026/11/10/p0.html"),
     "and an entry of a site moved to www.")

srv.put("/hugo.xml", hugo("https://jo.example", 6))
poll("a new post")
t.eq(len(feed_rows("/hugo.xml")), 6, "a new post after the move is a story of its own")
seqs = w.sql("SELECT id, seq FROM stories ORDER BY id")
poll("the same documents again")
t.eq(w.sql("SELECT id, seq FROM stories ORDER BY id"), seqs, "the same documents change nothing")
t.eq(w.sql("PRAGMA integrity_check")[0][0], "ok", "integrity_check is ok")

srv.stop()
w.cleanup()
t.done()
