#!/usr/bin/env python3
"""Wire copy with and without its dateline, through the real daemon: AP
names the state, abbreviated, in most datelines ("PORTLAND, Ore. (AP) — ",
"ST. LOUIS (AP) — "), CNN only its name ("(CNN) — "), and a newspaper
printing the copy often drops it.  docs/dedup.md: a leading dateline is
skipped, so the copies of a summary-length text are still copies (before,
a period in the dateline read as a sentence end, the dateline was kept,
and four extra words moved a 60-word summary's fingerprint past the
bound)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

FIRE = ("Firefighters battled a wind-driven wildfire that forced thousands of residents "
        "to flee homes in the hills east of the city on Tuesday, officials said, as gusts "
        "of up to 60 mph pushed flames across dry brush and into several neighborhoods. "
        "The blaze had burned about 4,200 acres by evening and was 5% contained, "
        "according to the state forestry department.")
JURY = ("A federal jury on Monday convicted a former city treasurer of steering "
        "millions of dollars in municipal contracts to companies owned by relatives, "
        "after a three-week trial that featured testimony from two former aides. "
        "Sentencing was set for March, and prosecutors said they would seek at least "
        "ten years in prison.")
STORM = ("A powerful storm system swept across the Gulf Coast overnight, spawning "
         "tornadoes that tore roofs from homes, toppled power lines and left more than "
         "200,000 customers without electricity across three states, utilities reported "
         "early Wednesday as crews began clearing debris from flooded roads.")

t = Tap()
srv = Server()
wire = [
    {"guid": "ap-1", "title": "Wildfire forces thousands to flee homes",
     "link": "https://wire.example/article/wildfire", "text": "PORTLAND, Ore. (AP) \u2014 " + FIRE,
     "date": "Tue, 10 Nov 2026 08:00:00 GMT"},
    {"guid": "ap-2", "title": "Former treasurer convicted in contracts scheme",
     "link": "https://wire.example/article/treasurer", "text": "ST. LOUIS (AP) \u2014 " + JURY,
     "date": "Tue, 10 Nov 2026 08:00:00 GMT"},
    {"guid": "cnn-1", "title": "Tornadoes hit Gulf Coast",
     "link": "https://wire.example/article/storm", "text": "(CNN) \u2014 " + STORM,
     "date": "Tue, 10 Nov 2026 08:00:00 GMT"},
]
paper = [
    {"guid": "p-1", "title": "Wind-driven wildfire forces evacuations east of the city",
     "link": "https://paper.example/news/wildfire", "text": FIRE,
     "date": "Tue, 10 Nov 2026 09:00:00 GMT"},
    {"guid": "p-2", "title": "Ex-treasurer found guilty",
     "link": "https://paper.example/news/treasurer", "text": JURY,
     "date": "Tue, 10 Nov 2026 09:00:00 GMT"},
    {"guid": "p-3", "title": "Storms leave 200,000 without power",
     "link": "https://paper.example/news/storm", "text": STORM,
     "date": "Tue, 10 Nov 2026 09:00:00 GMT"},
]
srv.put("/wire.xml", rss_doc("Wire", "https://wire.example/", wire))
w = Workdir()
w.write_config([srv.url("/wire.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "the wire's feed is stored")
srv.put("/paper.xml", rss_doc("Paper", "https://paper.example/", paper))
w.write_config([srv.url("/wire.xml"), srv.url("/paper.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "then the paper's")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))

for slug, dateline in (("wildfire", "PORTLAND, Ore. (AP)"), ("treasurer", "ST. LOUIS (AP)"),
                       ("storm", "(CNN)")):
    orig = w.sql("SELECT id, thread_id FROM stories WHERE link = ?",
                 ("https://wire.example/article/" + slug,))
    copy = w.sql("SELECT duplicate_of, thread_id FROM stories WHERE link = ?",
                 ("https://paper.example/news/" + slug,))
    t.ok(orig and copy and copy[0][0] == orig[0][0],
         "the copy without the dateline %s is duplicate_of the wire's" % dateline, (orig, copy))
    t.ok(orig and copy and copy[0][1] is not None and copy[0][1] == orig[0][1],
         "and is in its thread (%s)" % dateline, (orig, copy))
t.eq(w.sql("SELECT count(*) FROM stories WHERE duplicate_of IS NOT NULL")[0][0], 3,
     "the three copies, and nothing else, are marked")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
