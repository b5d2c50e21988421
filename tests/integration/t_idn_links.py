#!/usr/bin/env python3
"""Links on an internationalised host name (docs/dedup.md, level 2).  One
feed writes the host in Unicode, another in its ASCII ("xn--") form or in
upper case, as aggregators and CMSs do: the same article was two stories
under two publishers, since only ASCII letters were lower-cased.  Now every
spelling is the Unicode form IDNA maps it to, and two hosts IDNA tells
apart (straße.de, strasse.de) stay two."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, need_programs, TIDINGSD  # noqa: E402
import invariants  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()
w = Workdir()
one = [
    {"guid": "o-1", "title": "Bookshop chain opens its tenth branch in Leipzig",
     "link": "https://xn--bcher-kva.example/news/1", "text": "Opening day."},
    {"guid": "o-2", "title": "Ferry timetable changes for the winter season",
     "link": "https://XN--D1ABBGF6AIIY.XN--P1AI/news/7", "text": "Timetable."},
    {"guid": "o-3", "title": "Street festival returns after five years",
     "link": "https://straße.de/news/3", "text": "Festival."},
]
two = [
    {"guid": "t-1", "title": "Tenth branch for the bookshop chain",
     "link": "https://BÜCHER.example/news/1?utm_source=rss", "text": "Ribbon cut."},
    {"guid": "t-2", "title": "Winter ferry timetable published",
     "link": "https://президент.рф/news/7", "text": "New times."},
    {"guid": "t-3", "title": "Council approves new cycle lanes downtown",
     "link": "https://strasse.de/news/3", "text": "Cycle lanes."},
]
srv.put("/one.xml", rss_doc("One", "http://one.example/", one))
srv.put("/two.xml", rss_doc("Two", "http://two.example/", two))
w.write_config([srv.url("/one.xml"), srv.url("/two.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "the run exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 4,
     "six items, two of them articles the other feed has under another spelling: four stories")
t.eq(w.sql("SELECT s.host, count(*) FROM stories s JOIN story_feeds sf ON sf.story_id = s.id"
           " WHERE s.canonical_url = 'https://bücher.example/news/1' GROUP BY s.id"),
     [("bücher.example", 2)], "the ASCII and the upper-case spelling: one story, in both feeds")
t.eq(w.sql("SELECT s.host, count(*) FROM stories s JOIN story_feeds sf ON sf.story_id = s.id"
           " WHERE s.canonical_url = 'https://президент.рф/news/7' GROUP BY s.id"),
     [("президент.рф", 2)], "a Cyrillic host in upper-case ASCII form and in Unicode: one story")
t.eq(sorted(x[0] for x in w.sql("SELECT host FROM stories WHERE link LIKE '%/news/3'")),
     ["strasse.de", "straße.de"], "straße.de and strasse.de are two hosts: two stories")
t.eq(w.sql("PRAGMA integrity_check")[0][0], "ok", "integrity_check is ok")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
