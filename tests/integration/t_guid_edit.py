#!/usr/bin/env python3
"""An item whose guid changes at every edit while its link stays (CMSs
that stamp a revision id into the guid; a live blog's one item, edited
every few minutes) is the feed's own item under a new key: one story,
updated in place like any edited item (docs/dedup.md, level 1), one
story_feeds row.  It used to be taken for the same article again (level
2): the story kept its first headline and text for good ("LIVE: ..."
after the feed said "As it happened: ...", the search index the first
version's words) and gained one story_feeds row at every edit, without
end.  Not once the feed first carried the story 18 hours or more ago (a
site's fixed "/live" address, a new live blog each day).  Among other items whose guids stay, the feed is not one whose guids
rotate, so link identity does not step in."""
import email.utils
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

NOW = int(time.time())
LEAD = ("Firefighters battled the wildfire near Kelowna as winds pushed flames toward the "
        "lake shore; evacuation orders for Kelowna residents were extended by the British "
        "Columbia wildfire service, officials said.")
OTHERS = [{"guid": "budget-1", "title": "Council approves harbour budget",
           "link": "https://news.example/budget",
           "text": "The regional council approved the harbour budget after a long debate.",
           "date": email.utils.formatdate(NOW - 7200, usegmt=True)},
          {"guid": "match-1", "title": "Rovers win the derby in extra time",
           "link": "https://news.example/derby",
           "text": "Rovers beat United two to one after extra time at a packed stadium.",
           "date": email.utils.formatdate(NOW - 5400, usegmt=True)}]
EDITS = 6
t = Tap()
srv = Server()
w = Workdir()
w.write_config([srv.url("/news.xml")], extra="retention = 0")


def version(i):
    """The live blog as its CMS serves it after i edits: a new guid, the
    same link, a later date, a longer text, the last one retitled."""
    text = LEAD + "".join(" Update %d: crews held the northern flank of the Kelowna fire"
                          " through hour %d." % (k, k) for k in range(1, i + 1))
    title = ("As it happened: " if i == EDITS else "LIVE: ") + \
        "Kelowna wildfire evacuation orders extended"
    return {"guid": "live-rev-%d" % i, "title": title, "link": "https://news.example/live",
            "text": text, "date": email.utils.formatdate(NOW - 3600 + 60 * i, usegmt=True)}


for i in range(EDITS + 1):
    srv.put("/news.xml", rss_doc("News", "https://news.example/", [version(i)] + OTHERS))
    r = w.run_once()
    if r.returncode:
        print("# " + r.stderr.replace("\n", "\n# "))
    if i == 0:
        (first,) = w.sql("SELECT id, event_time FROM stories WHERE link LIKE '%/live'")
t.eq(r.returncode, 0, "every run exits 0")
t.eq(w.sql("SELECT guids_rotate FROM feeds")[0][0], 0, "the feed is still known by guid")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 3, "three items, three stories")
t.eq(w.sql("SELECT count(*) FROM story_feeds")[0][0], 3,
     "one story_feeds row each: an edit under a new guid adds none")
row = w.sql("SELECT id, title, guid, ident, event_time, summary FROM stories"
            " WHERE link LIKE '%/live'")
t.eq([r[:5] for r in row], [(first[0], "As it happened: Kelowna wildfire evacuation orders"
                             " extended", "live-rev-%d" % EDITS, "g:live-rev-%d" % EDITS,
                             first[1])],
     "the story has the latest headline and guid, and keeps its id and event_time")
t.eq(row[0][5], version(EDITS)["text"] if row else None, "and the latest text")
t.eq(w.sql("SELECT ident FROM story_feeds WHERE story_id = ?", (first[0],)),
     [("g:live-rev-%d" % EDITS,)], "its one story_feeds row has the latest key")
t.eq(w.sql("SELECT rowid FROM stories_fts WHERE stories_fts MATCH 'flank AND happened'"),
     [(first[0],)], "the search index has the latest words")
t.eq(w.fts_ok(), True, "the search index matches the stories")

# Polled again unchanged: nothing moves.
seq = w.sql("SELECT max(seq) FROM stories")[0][0]
r = w.run_once()
t.eq(w.sql("SELECT max(seq) FROM stories")[0][0], seq, "the same document again changes nothing")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

# A day later the site points the same address at a new live blog under
# a new guid: first carried 18 hours or more ago, yesterday's story is not
# overwritten by it (docs/dedup.md).
con = sqlite3.connect(w.db)
con.execute("UPDATE story_feeds SET first_seen = first_seen - 86400")
con.commit()
con.close()
before = w.sql("SELECT id, title, summary FROM stories WHERE link LIKE '%/live'")
srv.put("/news.xml", rss_doc("News", "https://news.example/", [
    {"guid": "live-next-day", "title": "LIVE: Storm warnings along the coast",
     "link": "https://news.example/live", "text": "Forecasters warned of a storm along the coast.",
     "date": email.utils.formatdate(NOW + 60, usegmt=True)}] + OTHERS))
r = w.run_once()
t.eq(r.returncode, 0, "the next day's run exits 0")
t.eq(w.sql("SELECT id, title, summary FROM stories WHERE link LIKE '%/live'"), before,
     "a day later a new guid under the address does not overwrite yesterday's story")

srv.stop()
w.cleanup()
t.done()
