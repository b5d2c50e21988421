#!/usr/bin/env python3
"""A feed whose guids are relative references (<guid>n1</guid>, which
RSS 2.0 takes for a permalink) keeps its items when it moves.  The
parser resolves such a guid against the document's URL, as feedparser
does (stories.guid, and the link of an item that has no <link>), and
the item was known by that resolved guid: after a permanent redirect to
another path every item of the feed was new to it, an item without a
link of its own was stored a second time (a copy of itself), every item
got a second story_feeds row, and the feed was taken for one whose guids
rotate ("guids change on every fetch; items are now known by link").
An item is now known by its guid as written (docs/dedup.md, level 1);
one stored under the resolved guid by an older version keeps that row."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, parse_json, TIDINGSD, TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()

ITEMS = [
    ("n1", "http://harbour.example/news/1", "Council votes on the harbour budget",
     "The council voted on the harbour budget on Monday evening."),
    ("n2", "http://harbour.example/news/2", "Storm closes the coastal road",
     "A storm closed the coastal road overnight, police said."),
    ("n3", "http://harbour.example/news/3", "School term starts late this winter",
     "The winter term starts a week late after repairs to the roof."),
    ("n4", None, "New ferry enters service on the island route",
     "The new ferry carries twice as many cars as the old one."),
]


def doc(edition):
    items = "".join(
        "<item><title>%s</title>%s<guid>%s</guid><description>%s</description>"
        "<pubDate>Tue, 10 Nov 2026 0%d:00:00 GMT</pubDate></item>\n"
        % (title, "<link>%s</link>" % link if link else "", guid, text, 8 - i)
        for i, (guid, link, title, text) in enumerate(ITEMS))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            "<title>Harbour News</title><link>http://harbour.example/</link>"
            "<description>%s</description>\n%s</channel></rss>\n" % (edition, items))


def moved(to):
    def handler(h):
        h.reply(301, b"", "text/plain", {"Location": srv.url(to)})
    return handler


def poll_again(w):
    con = sqlite3.connect(w.db)
    con.execute("UPDATE feeds SET next_poll = 0")
    con.commit()
    con.close()
    return w.run_once()


def state(w):
    return (w.sql("SELECT count(*), count(duplicate_of) FROM stories")[0],
            w.sql("SELECT count(*) FROM story_feeds")[0][0],
            w.sql("SELECT guids_rotate FROM feeds")[0][0])


# The parser's view is feedparser's: the guid resolved, and the link of
# the item without one is that guid.
parsed = parse_json(doc("first"), srv.url("/a/feed.xml"))
t.eq([e.get("id") for e in parsed["entries"]],
     [srv.url("/a/n1"), srv.url("/a/n2"), srv.url("/a/n3"), srv.url("/a/n4")],
     "tidings parse --json resolves a relative guid against the document's URL")
t.ok(all(not k.startswith(".") for e in parsed["entries"] for k in e),
     "and shows no key of tidings' own")

# A feed that moves to another path.
srv.put("/a/feed.xml", doc("first"), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/a/feed.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
t.eq(state(w), ((4, 0), 4, 0), "four stories, no copies, one row each in story_feeds")
t.eq(w.sql("SELECT guid, link FROM stories WHERE title LIKE 'New ferry%'"),
     [(srv.url("/a/n4"), srv.url("/a/n4"))],
     "stories.guid is the guid resolved; so is the link of an item without <link>")

srv.put("/b/feed.xml", doc("second"), "application/rss+xml")
srv.routes["/a/feed.xml"] = moved("/b/feed.xml")
r = poll_again(w)
t.eq(r.returncode, 0, "tidingsd --once exits 0 after the permanent redirect")
t.eq(w.sql("SELECT url FROM feeds"), [(srv.url("/b/feed.xml"),)], "the feed is polled at its new URL")
t.eq(state(w), ((4, 0), 4, 0),
     "after the move: still four stories, none a copy of itself, one row each, guids not rotating")
t.ok("guids change" not in r.stderr, "no 'guids change on every fetch'", r.stderr)

# A database an older version wrote: its items under the guid resolved
# against the URL the feed was read from then.
srv.routes.pop("/a/feed.xml")
srv.put("/c/feed.xml", doc("first"), "application/rss+xml")
w2 = Workdir()
w2.write_config([srv.url("/c/feed.xml")])
t.eq(w2.run_once().returncode, 0, "tidingsd --once exits 0 (second feed)")
con = sqlite3.connect(w2.db)
for table in ("stories", "story_feeds"):
    con.execute("UPDATE %s SET ident = 'g:' || ? || substr(ident, 3) WHERE ident NOT LIKE 'g:http%%'"
                % table, (srv.url("/c/"),))
con.commit()
con.close()
before = w2.sql("SELECT id, ident, seq FROM stories ORDER BY id")
t.eq(sorted(i for _, i, _ in before), ["g:" + srv.url("/c/n%d" % i) for i in range(1, 5)],
     "(the older database's keys: the guids resolved)")
srv.put("/c/feed.xml", doc("second"), "application/rss+xml")
r = poll_again(w2)
t.eq(r.returncode, 0, "tidingsd --once exits 0 on the older database")
t.eq(w2.sql("SELECT id, ident, seq FROM stories ORDER BY id"), before,
     "an item stored under its resolved guid keeps its row, key and seq")
t.eq(state(w2), ((4, 0), 4, 0), "no new story, no new row")

# An aggregator's feed (a planet): each item under its blog's xml:base,
# two blogs with one relative guid.  Resolved, they are two guids, which
# no move of the feed changes; as written they were one key, and only
# one of the two items was stored.
PLANET = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
          "<title>Planet Harbour</title><link>http://planet.example/</link>\n"
          '<item xml:base="http://alice.example/"><title>Alice on the harbour budget vote</title>'
          "<guid>2026/11/harbour</guid><description>Alice writes about the council's vote on"
          " the harbour budget.</description></item>\n"
          '<item xml:base="http://bob.example/"><title>Bob on the storm and the coastal road</title>'
          "<guid>2026/11/harbour</guid><description>Bob writes about the storm that closed the"
          " coastal road overnight.</description></item>\n"
          "</channel></rss>\n")
srv.put("/planet.xml", PLANET, "application/rss+xml")
w3 = Workdir()
w3.write_config([srv.url("/planet.xml")])
t.eq(w3.run_once().returncode, 0, "tidingsd --once exits 0 (a planet)")
t.eq(w3.sql("SELECT guid FROM stories ORDER BY guid"),
     [("http://alice.example/2026/11/harbour",), ("http://bob.example/2026/11/harbour",)],
     "two blogs' items with one relative guid under their own xml:base: two stories")

srv.stop()
w.cleanup()
w2.cleanup()
w3.cleanup()
t.done()
