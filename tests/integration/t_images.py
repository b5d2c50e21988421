#!/usr/bin/env python3
"""stories.image: the picture a feed names for an item (Media RSS thumbnail
or image, an image enclosure), stored by the real daemon, read back with
SQL, through the thread_stories view and by `tidings stories --json`.  It
follows the item when its text changes, as the other stored fields do."""
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
    for guid, title, text, media in items:
        out.append("<item><guid isPermaLink=\"false\">%s</guid><title>%s</title>"
                   "<link>https://harbour.example/%s</link><pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate><description>%s</description>"
                   "%s</item>" % (guid, title, guid, text, media))
    out.append("</channel></rss>")
    return "".join(out)


ITEMS = [
    ("a", "Bridge works resume on the harbour crossing",
     "Crews returned to the harbour bridge on Monday after the winter pause.",
     '<media:thumbnail url="https://img.harbour.example/a.jpg" width="240"/>'),
    ("b", "Ferry fares rise for the island routes",
     "Fares on the island ferries go up by four percent from January.",
     '<enclosure url="https://img.harbour.example/b.png" type="image/png" length="1"/>'),
    ("c", "Council approves the new library budget",
     "The library gets a new reading room and longer opening hours.", ""),
]
srv.put("/feed.xml", doc(ITEMS), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/feed.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
t.eq(w.sql("SELECT guid, image FROM stories ORDER BY guid"),
     [("a", "https://img.harbour.example/a.jpg"), ("b", "https://img.harbour.example/b.png"),
      ("c", None)], "each story's picture stored: a thumbnail, an image enclosure, none")
t.eq(w.sql("SELECT s.guid, v.image FROM thread_stories v JOIN stories s ON s.id = v.story_id"
           " ORDER BY s.guid"),
     w.sql("SELECT guid, image FROM stories ORDER BY guid"), "thread_stories gives it too")
cli = subprocess.run([TIDINGS, "-d", w.db, "stories", "--json"], capture_output=True, text=True)
got = sorted((x["title"], x["image"]) for x in json.loads(cli.stdout)) if cli.returncode == 0 else None
t.eq(got, sorted((x[1], y) for x, y in zip(ITEMS, ["https://img.harbour.example/a.jpg",
                                                  "https://img.harbour.example/b.png", None])),
     "tidings stories --json shows it")

# A changed item brings its new picture; a new picture alone changes
# nothing stored (the item's text is what tells a changed item).
changed = [ITEMS[0][:2] + ("Crews returned to the harbour bridge on Monday; the north lane"
                           " reopens in May.",
                           '<media:thumbnail url="https://img.harbour.example/a2.jpg"/>'),
           ITEMS[1][:3] + ('<enclosure url="https://img.harbour.example/b2.png" type="image/png"'
                           ' length="1"/>',),
           ITEMS[2]]
srv.put("/feed.xml", doc(changed), "application/rss+xml")
r = w.run_once()
t.eq((r.returncode, w.sql("SELECT guid, image FROM stories ORDER BY guid")),
     (0, [("a", "https://img.harbour.example/a2.jpg"), ("b", "https://img.harbour.example/b.png"),
          ("c", None)]),
     "an item whose text changed has its new picture; one whose picture alone changed keeps"
     " the first")
w.cleanup()
srv.stop()
t.done()
