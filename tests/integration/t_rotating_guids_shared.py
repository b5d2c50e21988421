#!/usr/bin/env python3
"""A feed whose guids change on every fetch (docs/dedup.md, "Feeds whose
guids change on every fetch") with two of its ten items under one link.
The poll that found the guids rotating made a new story, a copy, of each
of those two items (a link several stories have names none of them, and
an item of a shared link was not looked for among the feed's own), and
the next poll one more: the key the switch to link identity gave the
other items was given to neither of the two, so the one the feed is then
known by under that link was new again.  Ten items are ten stories now,
however many polls."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

t = Tap()
srv = Server()
w = Workdir()
items = [{"title": "Item %d: the harbour tunnel budget for %d" % (i, 2020 + i),
          "link": "https://rot.example/item/%d" % min(i, 8),
          "text": "Item %d says something of its own, number %d." % (i, i)} for i in range(10)]
w.write_config([srv.url("/rot.xml")], extra="log_level = info")

modes = []
for n in range(1, 6):
    for i, it in enumerate(items):
        it["guid"] = "r-%d-%d" % (i, n)
    srv.put("/rot.xml", rss_doc("Rot", "http://rot.example/", items))
    r = w.run_once()
    t.eq(r.returncode, 0, "poll %d exits 0" % n)
    modes.append(w.sql("SELECT guids_rotate FROM feeds")[0][0])
    t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 10,
         "after poll %d: ten items, ten stories" % n)
t.eq(modes, [0] + [1] * 4, "known by link from the second poll on")
t.eq(w.sql("SELECT count(*) FROM stories WHERE duplicate_of IS NOT NULL")[0][0], 0,
     "no item is a copy of itself")
t.eq(sorted(x for (x,) in w.sql("SELECT title FROM stories")), sorted(it["title"] for it in items),
     "a story for each item")
t.eq(w.sql("PRAGMA integrity_check")[0][0], "ok", "integrity_check is ok")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
