#!/usr/bin/env python3
"""A copy is one of a story within the window of its own time (docs/dedup.md,
level 3: "their times are within the window"), through the real daemon over
two weeks of story time.  A site that reuses one headline every day ("Stock
market today: Dow, S&P 500, Nasdaq", no text of its own: compared by its
headline, which is distinctive) has each day's item meet the last three
days' in the near-duplicate index.  Those were copies of the first day's
item, and the new one pointed at that original: every day's article a copy
of one weeks old (`duplicate_of`, a `=` in `tidings thread`), put in its
thread without a look at its words.  A wire story a newspaper reprints four
days later is no copy of it either, while a reprint within the window is."""
import email.utils
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

DAY = 86400
WINDOW = 3 * DAY                 # cluster_window's default, the copies' window
HEADLINE = "Stock market today: Dow, S&P 500, Nasdaq"
WIRE = ("Negotiators from the two countries agreed on Tuesday to extend the grain "
        "corridor through the strait for another 120 days, officials said, after three "
        "days of talks hosted by the port authority. Shipping companies welcomed the "
        "deal, which keeps insurance premiums capped and allows inspections at sea "
        "rather than in harbour.")


def date(day, hour=14):
    # 1 to 14 November 2026.
    return email.utils.formatdate(1793491200 + day * DAY + hour * 3600, usegmt=True)


t = Tap()
srv = Server()
w = Workdir()
w.write_config([srv.url("/markets.xml"), srv.url("/wire.xml"), srv.url("/paper.xml"),
                srv.url("/weekly.xml")], extra="retention = 0")
markets, wire, paper, weekly = [], [], [], []
DAYS = 14
for day in range(DAYS):
    markets.insert(0, {"guid": "m-%d" % day, "title": HEADLINE, "text": "",
                       "link": "https://markets.example/%d" % day, "date": date(day)})
    if day == 0:
        wire.append({"guid": "w-1", "title": "Grain corridor extended for 120 days",
                     "link": "https://wire.example/grain", "text": WIRE, "date": date(0, 8)})
    if day == 2:
        paper.insert(0, {"guid": "p-1", "title": "Grain deal extended",
                         "link": "https://paper.example/grain", "text": WIRE, "date": date(2, 8)})
    if day == 4:
        # A weekly prints it four days after the wire: past the window
        # of the wire's story, within it of the paper's reprint.
        weekly.append({"guid": "k-1", "title": "Grain corridor: the deal in full",
                       "link": "https://weekly.example/grain", "text": WIRE,
                       "date": date(4, 8)})
    srv.put("/markets.xml", rss_doc("Markets", "https://markets.example/", markets))
    srv.put("/wire.xml", rss_doc("Wire", "https://wire.example/", wire))
    srv.put("/paper.xml", rss_doc("Paper", "https://paper.example/", paper))
    srv.put("/weekly.xml", rss_doc("Weekly", "https://weekly.example/", weekly))
    r = w.run_once()
    if r.returncode:
        t.ok(False, "day %d: the run exits 0" % day, r.stderr[-2000:])
        break

t.eq(w.sql("SELECT count(*) FROM stories WHERE host = 'markets.example'")[0][0], DAYS,
     "every day's article under the reused headline is a story of its own")
far = w.sql("SELECT s.id, s.event_time, o.id, o.event_time FROM stories s"
            " JOIN stories o ON o.id = s.duplicate_of"
            " WHERE abs(s.event_time - o.event_time) > ?", (WINDOW,))
t.eq(far, [], "no story is a copy of one more than the window (3 days) from it")
t.ok(w.sql("SELECT count(*) FROM stories WHERE host = 'markets.example'"
           " AND duplicate_of IS NOT NULL")[0][0] > 0,
     "within the window the reused headline still makes copies (dedup.md's rule)")
grain = dict(w.sql("SELECT link, duplicate_of FROM stories WHERE link LIKE '%grain%'"))
wire_id = w.sql("SELECT id FROM stories WHERE link = 'https://wire.example/grain'")[0][0]
t.eq(grain.get("https://paper.example/grain"), wire_id,
     "the reprint two days after the wire is its copy")
t.eq(grain.get("https://weekly.example/grain"), None,
     "the reprint four days after the wire is no copy of it")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
