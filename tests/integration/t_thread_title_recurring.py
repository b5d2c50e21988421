#!/usr/bin/env python3
"""A headline its publisher gives to a story every day ("Today's
headlines") titles no thread that has a real one (docs/threads.md,
"Titles, keywords, counts"), through the real daemon, a restart
(`--once`) a day.

A radio's morning newsletter lists the day's news under one headline
every day.  Its lead names the day's big story in that story's words, so
it joins the story's thread and, close to all of the thread's stories,
is its most central: "Today's headlines" became the title of a thread
of real reports.  Now a headline its publisher also gave to a story a
day or so away (18 hours or more) is a lesser one, as a desk's label's:
the day's newsletter from its second day on, and the first day's too
once the second comes (its thread's title is chosen again then)."""
import email.utils
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

DAY = 86400
EVENTS = [
    # (report 1, report 2, what the newsletter says)
    (("Harbour council approves new ferry terminal for Port Ellen",
      "The harbour council approved the new ferry terminal for Port Ellen on Monday after a two-year review."),
     ("Port Ellen ferry terminal wins council approval",
      "Councillors approved the Port Ellen ferry terminal, ending a two-year review of the harbour plans."),
     "Council approves Port Ellen ferry terminal after two-year review; harbour plans go ahead."),
    (("Storm closes schools across Argyll as rivers rise",
      "Schools across Argyll were closed on Tuesday as the storm pushed rivers to record levels."),
     ("Argyll schools shut as storm floods rivers",
      "The storm closed schools in Argyll and flooded rivers, with record levels at three gauges."),
     "Storm closes Argyll schools as rivers rise to record levels."),
]


def date(day, hour):
    # From Monday 2 November 2026.
    return email.utils.formatdate(1793577600 + day * DAY + hour * 3600, usegmt=True)


t = Tap()
srv = Server()
w = Workdir()
w.write_config([srv.url("/radio.xml"), srv.url("/courier.xml"), srv.url("/gazette.xml")],
               extra="retention = 0\nconcurrency = 1")
radio, courier, gazette = [], [], []


def titles():
    return dict(w.sql("SELECT s.link, t.title FROM stories s JOIN threads t ON t.id = s.thread_id"
                      " WHERE s.host <> 'radio.example'"))


for day, (a, b, news) in enumerate(EVENTS):
    radio.insert(0, {"guid": "n-%d" % day, "title": "Today's headlines", "text": news,
                     "link": "https://radio.example/news/%d" % day, "date": date(day, 5)})
    courier.insert(0, {"guid": "c-%d" % day, "title": a[0], "text": a[1],
                       "link": "https://courier.example/%d" % day, "date": date(day, 7)})
    gazette.insert(0, {"guid": "g-%d" % day, "title": b[0], "text": b[1],
                       "link": "https://gazette.example/%d" % day, "date": date(day, 8)})
    srv.put("/radio.xml", rss_doc("Radio", "https://radio.example/", radio))
    srv.put("/courier.xml", rss_doc("Courier", "https://courier.example/", courier))
    srv.put("/gazette.xml", rss_doc("Gazette", "https://gazette.example/", gazette))
    r = w.run_once()
    if r.returncode:
        t.ok(False, "day %d: the run exits 0" % day, r.stderr[-2000:])
        break

threads = w.sql("SELECT s.thread_id, count(*) FROM stories s GROUP BY s.thread_id ORDER BY 1")
t.eq([n for _, n in threads], [3, 3], "each day's newsletter joined that day's story")
by_link = titles()
t.ok(by_link.get("https://courier.example/1") in (EVENTS[1][0][0], EVENTS[1][1][0]),
     "the second day's thread is titled by a report, not the newsletter",
     by_link.get("https://courier.example/1"))
t.ok(by_link.get("https://courier.example/0") in (EVENTS[0][0][0], EVENTS[0][1][0]),
     "... and the first day's, once the newsletter came back under its headline",
     by_link.get("https://courier.example/0"))
stale = w.sql("SELECT t.id FROM threads t JOIN stories s ON s.id = t.title_story_id"
              " WHERE t.title IS NOT s.title OR s.thread_id <> t.id")
t.eq(stale, [], "every thread's title is its title story's headline, in it")

# Alone, the newsletter titles its thread: nothing else has a headline.
w2 = Workdir()
w2.write_config([srv.url("/radio.xml")], extra="retention = 0")
r = w2.run_once()
t.eq(r.returncode, 0, "a run of the newsletter alone exits 0")
t.eq(sorted(x[0] for x in w2.sql("SELECT title FROM threads WHERE merged_into IS NULL")),
     ["Today's headlines"] * 2, "a thread of the newsletter alone is titled by it")

# "may" (and "march") is a verb as often as a month: a headline that
# uses it names no date, and its numbers are its own.  Taken for a
# month, "Over 100 may have died" and the next day's "Over 300 may have
# died" were one headline less its date, a recurring one, and the first
# day's thread was titled again by another site's headline.
w3 = Workdir()
w3.write_config([srv.url("/wire.xml"), srv.url("/herald.xml")], extra="retention = 0\nconcurrency = 1")
wire = [{"guid": "w-0", "title": "Over 100 may have died in Kerala floods",
         "text": "Officials in Kerala said over 100 people may have died in the floods after days of"
                 " monsoon rain.",
         "link": "https://wire.example/0", "date": date(0, 6)}]
herald = [{"guid": "h-0", "title": "Rescuers reach Kerala villages cut off by monsoon floods",
           "text": "Rescue teams reached villages in Kerala cut off by the floods after days of monsoon"
                   " rain; officials fear over 100 died.",
           "link": "https://herald.example/0", "date": date(0, 8)}]
for day in range(2):
    if day:
        wire.insert(0, {"guid": "w-1", "title": "Over 300 may have died in Kerala floods",
                        "text": "Officials in Kerala said over 300 people may have died in the floods"
                                " as the monsoon rain went on.",
                        "link": "https://wire.example/1", "date": date(1, 7)})
    srv.put("/wire.xml", rss_doc("Wire", "https://wire.example/", wire))
    srv.put("/herald.xml", rss_doc("Herald", "https://herald.example/", herald))
    r = w3.run_once()
    t.eq(r.returncode, 0, "may: day %d's run exits 0" % day)
first = dict(w3.sql("SELECT s.link, t.title FROM stories s JOIN threads t ON t.id = s.thread_id"))
t.eq(first.get("https://wire.example/0"), "Over 100 may have died in Kerala floods",
     "a headline with 'may' and another figure the next day is no recurring one: it keeps its title")

srv.stop()
w.cleanup()
w2.cleanup()
w3.cleanup()
t.done()
