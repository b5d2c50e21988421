#!/usr/bin/env python3
"""t_guid_scheme.py's CMS move polled once a day (cron, tidingsd --once):
the same items under new guids (known by link for a poll), and in the
next day's document, whose guids repeat and turn the feed back to them,
one item has its final address instead of its draft's.  Its guid named
its story since the day before, 24 hours, and the rule for a guid the
feed first had 18 hours or more ago (t_guid_reset.py, a reinstalled
blog's reused ids) took it for a new item: one article, two stories, the
second keeping its first headline for good.  A guid that is the newest
key its story has in the feed is its story's still, however old.

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
poll = polls_at(t, srv, w, "/cms.xml", "Cms", "https://cms.example/")
BASE = int(time.time())
HEADS = SITE_HEADLINES[:5]
w.write_config([srv.url("/cms.xml")])
cms = [{"guid": "old-%d" % i, "title": h, "link": "https://cms.example/news/%d" % i,
        "text": "Cms %d." % i, "date": email.utils.formatdate(BASE - (10 - i) * HOUR, usegmt=True)}
       for i, h in enumerate(HEADS)]
modes = []
for day in range(4):
    if day == 1:
        for i, it in enumerate(cms):
            it["guid"] = "https://cms.example/?p=%d" % (100 + i)
    if day == 2:
        cms[4]["link"] = "https://cms.example/news/painting-theft-arrest"
    if day == 3:
        cms[4]["title"] = "Police charge suspect in museum painting theft case"
    poll(day * 24, cms)
    modes.append(w.sql("SELECT guids_rotate FROM feeds")[0][0])
t.eq(modes, [0, 1, 0, 0], "new guids: known by link for a day, by guid once they repeat")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 5,
     "the final address in the poll that turns it back is no new story")
t.eq(w.sql("SELECT link, title FROM stories WHERE guid = 'https://cms.example/?p=104'"),
     [("https://cms.example/news/painting-theft-arrest",
       "Police charge suspect in museum painting theft case")],
     "the story moved to the final address and takes the corrected headline")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
