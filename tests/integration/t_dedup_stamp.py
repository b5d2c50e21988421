#!/usr/bin/env python3
"""Wire copy under a time stamp line: a TV station's or a newspaper's CMS
puts "Updated at 3:47 p.m. EST on Dec. 1, 2026" or "Posted: Dec 1, 2026 /
09:12 AM EST Updated: ..." on a line of its own above the story it
reprints, and the agency's own feed has none.  docs/dedup.md: a leading
time stamp line is skipped like a dateline or a byline (before, its ten to
sixteen words of dates and times were a fifth of a summary's words, moved
its fingerprints past the bounds, and the copies were not marked).  A
first line that only starts like one ("Updated census figures show ...")
is the story's own text."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

BRIDGE = ("Engineers closed the river bridge on the state highway to all traffic on Monday "
          "after an inspection found cracks in two of its steel support beams, forcing "
          "commuters onto a detour that adds about 20 minutes to the trip between the two "
          "towns. Repairs could take until spring, the transportation department said.")
SCHOOL = ("The school board voted 5-2 on Tuesday night to close two elementary schools at "
          "the end of the academic year, citing falling enrollment and a budget gap of "
          "nearly $3 million, over the objections of parents who packed the meeting and "
          "urged members to delay the decision for another year.")
PLANT = ("A chemical plant on the edge of the industrial park will lay off 140 workers and "
         "stop production by March, its owner announced Wednesday, blaming higher energy "
         "costs and weaker demand from carmakers. The county's economic development office "
         "said it would help the workers find jobs at nearby factories.")
CENSUS = ("Updated census figures show the county grew by 4,000 residents last year\n"
          "The new estimates, released by the state demographer's office on Thursday, put "
          "the population above 250,000 for the first time, driven mostly by families moving "
          "from the metropolitan area in search of cheaper housing and newer schools.")


def html(*paras):
    return "".join("&lt;p&gt;%s&lt;/p&gt;" % p for p in paras)


t = Tap()
srv = Server()
wire = [
    {"guid": "w-1", "title": "Cracked beams close river bridge",
     "link": "https://wire.example/article/bridge", "text": html(BRIDGE),
     "date": "Tue, 01 Dec 2026 08:00:00 GMT"},
    {"guid": "w-2", "title": "School board votes to close two schools",
     "link": "https://wire.example/article/schools", "text": html(SCHOOL),
     "date": "Tue, 01 Dec 2026 08:00:00 GMT"},
    {"guid": "w-3", "title": "Chemical plant to lay off 140 workers",
     "link": "https://wire.example/article/plant", "text": html(PLANT),
     "date": "Tue, 01 Dec 2026 08:00:00 GMT"},
    {"guid": "w-4", "title": "County population passes 250,000",
     "link": "https://wire.example/article/census", "text": html(*CENSUS.split("\n")),
     "date": "Tue, 01 Dec 2026 08:00:00 GMT"},
]
station = [
    {"guid": "s-1", "title": "Bridge closed indefinitely after inspection finds cracks",
     "link": "https://station.example/news/bridge",
     "text": html("Updated at 3:47 p.m. EST on Dec. 1, 2026", BRIDGE),
     "date": "Tue, 01 Dec 2026 09:00:00 GMT"},
    {"guid": "s-2", "title": "Parents fail to stop school closures",
     "link": "https://station.example/news/schools",
     "text": html("Posted: Dec 1, 2026 / 09:12 AM EST Updated: Dec 1, 2026 / 03:47 PM EST",
                  SCHOOL),
     "date": "Tue, 01 Dec 2026 09:00:00 GMT"},
    {"guid": "s-3", "title": "140 jobs to go at chemical plant",
     "link": "https://station.example/news/plant",
     "text": html("Last updated: Tuesday, December 1, 2026, 10:05 a.m.",
                  "SPRINGFIELD (AP) \u2014 " + PLANT),
     "date": "Tue, 01 Dec 2026 09:00:00 GMT"},
    # Another story whose first line starts as a stamp does: its words
    # are its own, so it is no copy of the census story without them.
    {"guid": "s-4", "title": "Families moving out of the city lift county",
     "link": "https://station.example/news/census",
     "text": html(CENSUS.split("\n")[1]),
     "date": "Tue, 01 Dec 2026 09:00:00 GMT"},
]
srv.put("/wire.xml", rss_doc("Wire", "https://wire.example/", wire))
w = Workdir()
w.write_config([srv.url("/wire.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "the wire's feed is stored")
srv.put("/station.xml", rss_doc("Station", "https://station.example/", station))
w.write_config([srv.url("/wire.xml"), srv.url("/station.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "then the station's")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))

for slug, stamp in (("bridge", "Updated at 3:47 p.m. EST on Dec. 1, 2026"),
                    ("schools", "Posted: ... Updated: ..."),
                    ("plant", "Last updated: Tuesday, ..., then a dateline")):
    orig = w.sql("SELECT id, thread_id FROM stories WHERE link = ?",
                 ("https://wire.example/article/" + slug,))
    copy = w.sql("SELECT duplicate_of, thread_id FROM stories WHERE link = ?",
                 ("https://station.example/news/" + slug,))
    t.ok(orig and copy and copy[0][0] == orig[0][0],
         "the copy under '%s' is duplicate_of the wire's" % stamp, (orig, copy))
    t.ok(orig and copy and copy[0][1] is not None and copy[0][1] == orig[0][1],
         "and is in its thread (%s)" % stamp, (orig, copy))
t.eq(w.sql("SELECT duplicate_of FROM stories WHERE link = ?",
           ("https://station.example/news/census",)), [(None,)],
     "a first line 'Updated census figures show ...' is text: the story without it is no copy")
t.eq(w.sql("SELECT count(*) FROM stories WHERE duplicate_of IS NOT NULL")[0][0], 3,
     "the three copies, and nothing else, are marked")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
