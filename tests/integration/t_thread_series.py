#!/usr/bin/env python3
"""One publisher's stories under one headline a day or more apart are
episodes of a series, not one event (docs/threads.md, "What joins a
thread"), through the real daemon over eight days of story time, a
restart (`--once`) a day.

A paper's "Letters to the editor" (a different lead every day) and a
radio's "Today's headlines" (no text: two words, too short for the
headline index of docs/dedup.md's level 2) came back every day under the
same headline, and an identical headline a day later kept enough
similarity after `time_decay` to join yesterday's thread: one thread of
every day's letters, 1 source, as long as the paper kept publishing
(weeks).  Opened apart, the two episodes' threads would also be merged
at once by the merge rule (their centroids are that close): neither
happens now.  Items under one headline hours apart (an update, an
article seen twice) are still placed by their words, as is another
publisher's item under the same headline."""
import email.utils
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

DAY = 86400
DAYS = 8
TOPICS = ["school funding", "the new bike lanes", "property taxes", "the library closure",
          "noise at the airport", "the mayor's budget", "bus fares", "housing prices",
          "the river cleanup", "parking downtown"]


def date(day, hour):
    # From Monday 2 November 2026.
    return email.utils.formatdate(1793577600 + day * DAY + hour * 3600, usegmt=True)


t = Tap()
srv = Server()
w = Workdir()
w.write_config([srv.url("/paper.xml"), srv.url("/radio.xml"), srv.url("/other.xml")],
               extra="retention = 0\nconcurrency = 1")
paper, radio, other = [], [], []
for day in range(DAYS):
    paper.insert(0, {"guid": "l-%d" % day, "title": "Letters to the editor",
                     "link": "https://paper.example/letters/%d" % day, "date": date(day, 7),
                     "text": "Readers write about %s, %s and %s." % (
                         TOPICS[day % 10], TOPICS[(day + 1) % 10], TOPICS[(day + 5) % 10])})
    radio.insert(0, {"guid": "h-%d" % day, "title": "Today's headlines", "text": "",
                     "link": "https://radio.example/headlines/%d" % day, "date": date(day, 5)})
    if day == 3:
        # The same headline three hours later: the morning's letters with
        # one more (an update), placed by its words, with the morning's.
        paper.insert(0, {"guid": "l-3b", "title": "Letters to the editor",
                         "link": "https://paper.example/letters/3b", "date": date(3, 10),
                         "text": "Readers write about %s, %s and %s, and about dog parks." % (
                             TOPICS[3], TOPICS[4], TOPICS[8])})
        # Another paper's letters that day, on the same three topics.
        other.append({"guid": "o-3", "title": "Letters to the editor",
                      "link": "https://other.example/letters/3", "date": date(3, 9),
                      "text": "Readers write about %s, %s and %s." % (
                          TOPICS[3], TOPICS[4], TOPICS[8])})
    srv.put("/paper.xml", rss_doc("Paper", "https://paper.example/", paper))
    srv.put("/radio.xml", rss_doc("Radio", "https://radio.example/", radio))
    srv.put("/other.xml", rss_doc("Other", "https://other.example/", other))
    r = w.run_once()
    if r.returncode:
        t.ok(False, "day %d: the run exits 0" % day, r.stderr[-2000:])
        break


def threads_of(host, title):
    return w.sql("SELECT thread_id, count(*), min(event_time), max(event_time) FROM stories"
                 " WHERE host = ? AND title = ? GROUP BY thread_id ORDER BY 3", (host, title))


letters = threads_of("paper.example", "Letters to the editor")
t.eq(len(letters), DAYS, "every day's letters in a thread of its own (%d days)" % DAYS)
t.eq(max(hi - lo for _, _, lo, hi in letters) if letters else None, 3 * 3600,
     "no thread holds letters more than hours apart (the update at 10:00 with the 07:00 one)")
t.eq([n for _, n, _, _ in letters].count(2), 1, "the update joined its morning's letters")
headlines = threads_of("radio.example", "Today's headlines")
t.eq(len(headlines), DAYS, "every day's two-word \"Today's headlines\" in a thread of its own")
t.eq(w.sql("SELECT count(*) FROM threads WHERE merged_into IS NOT NULL"), [(0,)],
     "no episode's thread was merged into another's")
day3 = [tid for tid, n, lo, hi in letters if n == 2]
o3 = w.sql("SELECT thread_id FROM stories WHERE host = 'other.example'")
t.eq([r[0] for r in o3], day3, "another paper's letters that day join the paper's (not its series)")
counts = w.sql("SELECT max(story_count), max(source_count) FROM threads WHERE merged_into IS NULL")
t.eq(counts, [(3, 2)], "the biggest thread is that day's: 3 stories, 2 sources")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
