#!/usr/bin/env python3
"""Dated daily features are episodes of their publisher's series
(docs/threads.md, "What joins a thread"), through the real daemon over
eight days of story time, a restart (`--once`) a day.

AP's "Today in History: October 12", a site's "Your horoscope for Monday,
October 12", two Wordle sites' "... #1577, October 12" and a second
paper's "Today in History: Oct. 12" come back every day under a new
headline: the same words, another date.  A month in common counts as a
shared "when" and day numbers as names, so the next day's items joined
the day before's thread, and the series chained into one thread of many
days and sources (the `chain` review's Q2: 44 stories over 10 days).
Now a dated headline's series is its shape, its date left out: one
publisher's stories of one shape 18 hours or more apart are episodes.
Items of one date from several publishers are still placed by their
words, as is a real event's dated headline told by two publishers a day
apart."""
import calendar
import email.utils
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

DAY = 86400
DAYS = 8
T0 = calendar.timegm((2026, 10, 5, 0, 0, 0))  # a Monday
WD = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HIST = ["the first transatlantic telegraph cable was completed", "a great fire swept through the city",
        "the treaty was signed in Paris", "the first airmail flight took off",
        "the bridge collapsed in a storm", "the president was inaugurated",
        "the first television broadcast aired", "a volcano erupted in the Pacific"]
LUCK = ["a good day for new plans", "take care with money", "an old friend calls",
        "rest and recharge", "speak your mind"]


# Background news, so that the features' words are rare (as they are
# among a day's news) and weigh what they weigh live.
rng = random.Random(7)
SYL = ["ka", "lo", "mi", "ren", "tas", "vo", "dul", "pe", "sar", "qui", "bem", "nor", "tix", "ga", "hul"]
POOL = sorted({"".join(rng.choice(SYL) for _ in range(3)) for _ in range(900)})


def news(n):
    words = rng.sample(POOL, 14)
    return " ".join(words[:6]).capitalize(), " ".join(words).capitalize() + "."


def date(day, hour):
    return email.utils.formatdate(T0 + day * DAY + hour * 3600, usegmt=True)


t = Tap()
srv = Server()
w = Workdir()
feeds = {h: [] for h in ("ap.example", "stars.example", "games.example", "puzzles.example", "gazette.example",
                         "coast.example", "harbour.example", "wire.example")}
w.write_config([srv.url("/%s.xml" % h) for h in feeds], extra="retention = 0\nconcurrency = 1")
for day in range(DAYS + 1):
    wdn = WD[day % 7]
    md = 5 + day
    yday = 278 + day
    if day == DAYS:
        break
    feeds["ap.example"].insert(0, {
        "guid": "h-%d" % day, "title": "Today in History: October %d" % md,
        "link": "https://ap.example/history/%d" % day, "date": date(day, 4),
        "text": "Today is %s, October %d, the %dth day of 2026. There are %d days left in the year. "
                "Today's highlight in history: On October %d, %d, %s."
                % (wdn, md, yday, 365 - yday, md, 1890 + 7 * day, HIST[day])})
    feeds["gazette.example"].insert(0, {
        "guid": "g-%d" % day, "title": "Today in History: Oct. %d" % md,
        "link": "https://gazette.example/history/%d" % day, "date": date(day, 9),
        "text": "On this day, October %d, in %d, %s. Also on this date, in %d, %s."
                % (md, 1900 + 5 * day, HIST[(day + 3) % 8], 1950 + day, HIST[(day + 5) % 8])})
    feeds["stars.example"].insert(0, {
        "guid": "s-%d" % day, "title": "Your horoscope for %s, October %d" % (wdn, md),
        "link": "https://stars.example/horoscope/%d" % day, "date": date(day, 2),
        "text": " ".join("%s: %s." % (sg, LUCK[(day + i) % 5])
                         for i, sg in enumerate(["Aries", "Taurus", "Gemini", "Cancer"]))})
    feeds["games.example"].insert(0, {
        "guid": "w-%d" % day, "title": "Wordle hints and answer for #%d, October %d" % (1570 + day, md),
        "link": "https://games.example/wordle/%d" % day, "date": date(day, 1),
        "text": "Stuck on today's Wordle? Here are some hints to help you solve puzzle #%d, "
                "plus the answer if you need it." % (1570 + day)})
    feeds["puzzles.example"].insert(0, {
        "guid": "p-%d" % day,
        "title": "Today's Wordle #%d hints, clues and answer for %s, October %d" % (1570 + day, wdn, md),
        "link": "https://puzzles.example/wordle/%d" % day, "date": date(day, 1),
        "text": "Need help with Wordle #%d? Here are three hints and the answer for %s, October %d."
                % (1570 + day, wdn, md)})
    for i in range(30):
        title, text = news(i)
        feeds["wire.example"].insert(0, {"guid": "n-%d-%d" % (day, i), "title": title, "text": text,
                                         "link": "https://wire.example/%d/%d" % (day, i),
                                         "date": date(day, 6 + i % 12)})
    if day == 5:
        # A real event under a dated headline, told by two publishers a
        # day apart (the same date named): one event, one thread.
        feeds["coast.example"].insert(0, {
            "guid": "c-1", "title": "Hurricane Delia to hit Gulf coast on Monday",
            "link": "https://coast.example/delia", "date": date(day, 10),
            "text": "Hurricane Delia strengthened over the Gulf of Mexico and forecasters expect "
                    "landfall near Mobile, Alabama, on Monday, with evacuations ordered."})
    if day == 6:
        feeds["harbour.example"].insert(0, {
            "guid": "b-1", "title": "Hurricane Delia to hit Gulf coast on Monday",
            "link": "https://harbour.example/delia", "date": date(day, 8),
            "text": "Evacuations widened along the Gulf coast as Hurricane Delia, now a category 3 "
                    "storm, headed for landfall near Mobile, Alabama, on Monday."})
    for h, items in feeds.items():
        srv.put("/%s.xml" % h, rss_doc(h, "https://%s/" % h, items))
    r = w.run_once()
    if r.returncode:
        t.ok(False, "day %d: the run exits 0" % day, r.stderr[-2000:])
        break

FEATURES = ("host IN ('ap.example', 'stars.example', 'games.example', 'puzzles.example',"
            " 'gazette.example')")
spans = w.sql("SELECT thread_id, count(*), max(event_time) - min(event_time) FROM stories"
              " WHERE " + FEATURES + " GROUP BY thread_id")
t.eq([(tid, n, s) for tid, n, s in spans if s >= DAY], [],
     "no thread holds two days' dated features")
t.ok(len(spans) >= DAYS, "at least a thread a day for the features (%d threads)" % len(spans))
ap = w.sql("SELECT count(DISTINCT thread_id) FROM stories WHERE host = 'ap.example'")
t.eq(ap, [(DAYS,)], "every day's \"Today in History\" of AP in a thread of its own")
per = w.sql("SELECT thread_id, host, count(*) FROM stories WHERE " + FEATURES +
            " GROUP BY thread_id, host HAVING count(*) > 1")
t.eq(per, [], "no thread holds two of one publisher's dated features")
delia = w.sql("SELECT count(DISTINCT thread_id), count(*) FROM stories WHERE title LIKE 'Hurricane Delia%'")
t.eq(delia, [(1, 2)], "two publishers' dated headline of one event, a day apart: one thread")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
