#!/usr/bin/env python3
"""Level 3: copies point at their original, never at another copy.  A wire
text printed by three publishers: a's copy is stored first, b's next but
dated ten minutes before a's, c's last, dated after both.  b is a copy of
a; c is the same text, and the earliest story the near-duplicate index
finds for it is b, itself a copy.  c used to get duplicate_of = b, a chain
(c -> b -> a): a reader folding the copies under the story they name
(docs/dedup.md, docs/schema.md) showed a with b under it and lost c."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402
from updates import FIRE, item, rss  # noqa: E402

t = Tap()
srv = Server()
w = Workdir()
feeds = []
# (feed, dateline, minutes ago): stored in this order, one run each
for name, where, ago in (("a", "KELOWNA", 30), ("b", "VERNON", 40), ("c", "PENTICTON", 20)):
    srv.put("/%s.xml" % name, rss([item(name + "1", "Kelowna wildfire evacuation orders extended",
                                        "%s (Wire) - %s" % (where, FIRE), name + ".example", ago)]),
            "application/rss+xml")
    feeds.append(srv.url("/%s.xml" % name))
    w.write_config(feeds, extra="retention = 0")
    r = w.run_once()
    t.eq(r.returncode, 0, "run with feed %s exits 0" % name)
rows = w.sql("SELECT host, id, duplicate_of, thread_id FROM stories ORDER BY id")
t.eq([r[0] for r in rows], ["a.example", "b.example", "c.example"], "three stories")
a = rows[0][1]
t.eq([(r[2], r[3]) for r in rows], [(None, rows[0][3]), (a, rows[0][3]), (a, rows[0][3])],
     "b and c are copies of a, in its thread")
t.eq(w.sql("SELECT c.id FROM stories c JOIN stories o ON o.id = c.duplicate_of"
           " WHERE o.duplicate_of IS NOT NULL"), [], "no copy points at a copy")
srv.stop()
w.cleanup()
t.done()
