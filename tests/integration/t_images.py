#!/usr/bin/env python3
"""stories.image and stories.tags: the picture a feed names for an item
(Media RSS thumbnail or image, an image enclosure) and its categories (a
JSON array), stored by the real daemon, read back with SQL, through the
thread_stories view and by `tidings stories --json`.  They follow the item
when its text changes, as the other stored fields do."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, TIDINGSD, TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()


def doc(items):
    out = ['<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
           '<channel><title>Harbour News</title><link>https://harbour.example/</link>']
    for guid, title, text, extra in items:
        out.append('<item><guid isPermaLink="false">%s</guid><title>%s</title>'
                   "<link>https://harbour.example/%s</link>"
                   "<pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate>"
                   "<description>%s</description>%s</item>" % (guid, title, guid, text, extra))
    out.append("</channel></rss>")
    return "".join(out)


ITEMS = [
    ("a", "Bridge works resume on the harbour crossing",
     "Crews returned to the harbour bridge on Monday after the winter pause.",
     '<media:thumbnail url="https://img.harbour.example/a.jpg" width="240"/>'
     "<category>Transport</category><category> Harbour </category>"
     "<category>Transport</category>"),
    ("b", "Ferry fares rise for the island routes",
     "Fares on the island ferries go up by four percent from January.",
     '<enclosure url="https://img.harbour.example/b.png" type="image/png" length="1"/>'
     '<category domain="https://harbour.example/topics">Ferries &amp; "boats"</category>'),
    ("c", "Council approves the new library budget",
     "The library gets a new reading room and longer opening hours.", ""),
]
IMAGES = ["https://img.harbour.example/a.jpg", "https://img.harbour.example/b.png", None]
TAGS = ['["Transport","Harbour"]', '["Ferries & \\"boats\\""]', None]
srv.put("/feed.xml", doc(ITEMS), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/feed.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
t.eq(w.sql("SELECT guid, image FROM stories ORDER BY guid"), list(zip("abc", IMAGES)),
     "each story's picture stored: a thumbnail, an image enclosure, none")
t.eq(w.sql("SELECT guid, tags FROM stories ORDER BY guid"), list(zip("abc", TAGS)),
     "its categories as a JSON array: trimmed, each once, escaped; NULL for none")
t.eq(w.sql("SELECT s.guid, j.value FROM stories s, json_each(s.tags) j"
           " WHERE j.value = 'Harbour'"), [("a", "Harbour")],
     "a reader finds the stories of a category with json_each")
t.eq(w.sql("SELECT s.guid, v.image, v.tags FROM thread_stories v"
           " JOIN stories s ON s.id = v.story_id ORDER BY s.guid"),
     w.sql("SELECT guid, image, tags FROM stories ORDER BY guid"), "thread_stories gives both")
cli = subprocess.run([TIDINGS, "-d", w.db, "stories", "--json"], capture_output=True, text=True)
got = sorted((x["title"], x["image"], x["tags"]) for x in json.loads(cli.stdout)) \
    if cli.returncode == 0 else cli.stderr
t.eq(got, sorted((x[1], i, json.loads(g) if g else []) for x, i, g in zip(ITEMS, IMAGES, TAGS)),
     "tidings stories --json shows them (tags [] for none)")

# A changed item brings its new picture and categories; a new picture
# alone changes nothing stored (the item's text is what tells a changed
# item).
changed = [ITEMS[0][:2] + ("Crews returned to the harbour bridge on Monday; the north lane"
                           " reopens in May.",
                           '<media:thumbnail url="https://img.harbour.example/a2.jpg"/>'
                           "<category>Roads</category>"),
           ITEMS[1][:3] + ('<enclosure url="https://img.harbour.example/b2.png" type="image/png"'
                           ' length="1"/>',),
           ITEMS[2]]
srv.put("/feed.xml", doc(changed), "application/rss+xml")
r = w.run_once()
t.eq((r.returncode, w.sql("SELECT guid, image, tags FROM stories ORDER BY guid")),
     (0, [("a", "https://img.harbour.example/a2.jpg", '["Roads"]'),
          ("b", "https://img.harbour.example/b.png", TAGS[1]), ("c", None, None)]),
     "an item whose text changed has its new picture and categories; one whose picture"
     " and categories alone changed keeps the first")
# A feed that names too much: 40 categories, one of 300 bytes, one empty.
many = "".join("<category>c%02d</category>" % i for i in range(40))
srv.put("/feed.xml", doc([("d", "Forty categories for one item about the harbour",
                           "An item with far too many categories.",
                           "<category>%s</category><category> </category>%s" % ("x" * 300, many))]),
        "application/rss+xml")
r = w.run_once()
t.eq((r.returncode, w.sql("SELECT json_array_length(tags), json_extract(tags, '$[0]'),"
                          " json_extract(tags, '$[31]') FROM stories WHERE guid = 'd'")),
     (0, [(32, "c00", "c31")]), "at most 32 categories, none over 256 bytes, none empty")
w.cleanup()
srv.stop()
t.done()
