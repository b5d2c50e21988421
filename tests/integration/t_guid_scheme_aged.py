#!/usr/bin/env python3
"""A feed whose CMS moved to another guid scheme a day after it listed
its items, correcting a headline in the same document (docs/dedup.md,
"Feeds whose guids change on every fetch").  The poll of the new guids
finds its items by their links and turns the feed to link identity; but
the feed first carried them 18 hours or more ago, so each was taken for
the same article again (the rule for a "/live" address that points at
each day's new live blog) and its edit not stored, and its row under the
new link key had the item's new hash: no later poll found it changed,
and the corrected headline was lost for good.  Fresh items had it stored.

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
poll_at = polls_at(t, srv, w, "/site.xml", "Site", "https://site.example/")
BASE = int(time.time())
HEADS = SITE_HEADLINES[:5]
items = [{"guid": "old-%d" % i, "title": h, "link": "https://site.example/news/%d" % i,
          "text": "Text of story %d." % i,
          "date": email.utils.formatdate(BASE - (i + 1) * HOUR, usegmt=True)}
         for i, h in enumerate(HEADS)]
CORRECTED = "Tram drivers call off strike after late pay offer"


def poll(hours):
    return poll_at(hours, items)


def title(i):
    return w.sql("SELECT title FROM stories WHERE link LIKE ?", ("%%/news/%d" % i,))


w.write_config([srv.url("/site.xml")])
poll(0)
for i, it in enumerate(items):            # the new CMS, a day later
    it["guid"] = "https://site.example/?p=%d" % (100 + i)
items[2]["title"] = CORRECTED
r = poll(24)
t.ok("items are now known by link" in r.stderr, "the new guids: known by link", r.stderr)
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 5, "no story stored again")
t.eq(title(2), [(CORRECTED,)], "the headline corrected with the new guids is stored")
t.eq(title(1), [(HEADS[1],)], "the others keep theirs")
poll(25)
t.eq(title(2), [(CORRECTED,)], "and kept at the next poll")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 5, "still five stories")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
