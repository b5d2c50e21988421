#!/usr/bin/env python3
"""A feed whose CMS moved to another guid scheme, and whose next document
brought more fresh items than it still listed from before (docs/dedup.md,
"Feeds whose guids change on every fetch").  The poll of the new guids
turns the feed to link identity, and the next one is meant to turn it
back: its guids repeat.  But the fresh items outnumbered the repeating
ones (a poll that proves nothing), and from then on their guids, first
seen while the feed was known by link, never counted as repeating: at
every poll they were "new guids on known links", and the feed, whose
guids no longer changed at all, stayed known by link for good.  A link
corrected later (a slug fixed) then made the item a second story.

The daemon runs on a clock moved forward by libfaketime."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, FAKETIME_LIB, faked_clock  # noqa: E402
import invariants  # noqa: E402

HOUR = 3600
t = Tap()
if not FAKETIME_LIB:
    t.skip_all("no libfaketime (apt-get install faketime)")
srv = Server()
w = Workdir()
clock, env = faked_clock(w)
BASE = int(time.time())
HEADS = ["Council approves new budget for the harbour tunnel project",
         "Storm floods coastal villages after record rainfall overnight",
         "Tram drivers announce strike over pay and working hours",
         "University opens research centre for quantum computing",
         "Police arrest suspect in museum painting theft case",
         "Airport expansion plan faces fresh legal challenge",
         "Farmers warn of poor harvest as drought continues",
         "City orchestra names young conductor as new director",
         "Hospital waiting lists fall for the first time in years",
         "Railway bridge reopens after two years of repairs",
         "Glacier retreat speeds up, survey of the Alps finds",
         "Fishermen protest new quotas outside the ministry"]


def item(i, guid):
    return {"guid": guid, "title": HEADS[i], "link": "https://site.example/news/%d" % i,
            "text": "Text of story %d." % i,
            "date": email.utils.formatdate(BASE - (20 - i) * 600, usegmt=True)}


def poll(hours, items):
    srv.put("/site.xml", rss_doc("Site", "https://site.example/", items))
    with open(clock, "w") as f:
        f.write("+%ds\n" % (hours * HOUR))
    r = w.run_once(env=env)
    t.eq(r.returncode, 0, "tidingsd --once at +%d h exits 0" % hours)
    return r


def rotate():
    return w.sql("SELECT guids_rotate FROM feeds")[0][0]


w.write_config([srv.url("/site.xml")])
items = [item(i, "old-%d" % i) for i in range(4)]
poll(0, items)
items = [item(i, "https://site.example/?p=%d" % (100 + i)) for i in range(4)]   # the new CMS
r = poll(1, items)
t.ok("items are now known by link" in r.stderr, "the new guids: known by link", r.stderr)
# The next document: the new guids again, and more fresh items than those.
items = [item(i, "https://site.example/?p=%d" % (100 + i)) for i in range(11)][::-1]
poll(2, items)
items.insert(0, item(11, "https://site.example/?p=111"))    # one more, the others again
poll(3, items)
t.eq(rotate(), 0, "the same guids in two documents: known by guid again")
# A slug fixed on a fresh item: the same article under its final address.
items[1]["link"] = "https://site.example/news/10-glacier-retreat"
poll(4, items)
t.eq(w.sql("SELECT count(*) FROM stories WHERE title = ?", (HEADS[10],))[0][0], 1,
     "the item with its link corrected is still one story")
t.eq(w.sql("SELECT link FROM stories WHERE title = ?", (HEADS[10],)),
     [("https://site.example/news/10-glacier-retreat",)], "which has the new link")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 12, "twelve stories")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
