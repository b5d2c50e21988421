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
from harness import Tap, Server, Workdir, SITE_HEADLINES, polls_at  # noqa: E402
import invariants  # noqa: E402

HOUR = 3600
t = Tap()
srv = Server()
w = Workdir()
poll = polls_at(t, srv, w, "/site.xml", "Site", "https://site.example/")
BASE = int(time.time())
HEADS = SITE_HEADLINES


def item(i, guid):
    return {"guid": guid, "title": HEADS[i], "link": "https://site.example/news/%d" % i,
            "text": "Text of story %d." % i,
            "date": email.utils.formatdate(BASE - (20 - i) * 600, usegmt=True)}



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
