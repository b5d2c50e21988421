#!/usr/bin/env python3
"""Dates feeds write that are no RFC 822 or RFC 3339 date, through the
daemon to what `tidings` shows.

A Unix time as text (`<pubDate>1733263200</pubDate>`, a script's time(),
JavaScript's Date.now() in milliseconds, Python's time.time() with its
fraction) was read by the ISO 8601 reader as a year (1733) and a day of
it: the story's published date was in the 18th century, and, that being
before 1970, the story took the time it was first seen (an item three
hours old shown and threaded as "0 s ago").

An ISO 8601 week date ("2025-W10-3", with a time "2025-W10-3T09:30:00Z")
was the first day of the month the clock was in, at midnight: the same
reader took the year alone and made up the rest, as it did for any year
followed by what it could not read ("2025 December 3").  Such an item is
dated as the string says, or, unreadable, takes the time it was first
seen (published NULL), not a day it never named.

The epoch, a feed's missing date (a timestamp of 0), written in a zone's
local time without its offset ("1970-01-01T01:00:00" in Berlin, "Thu, 01
Jan 1970 05:30:00" in India) was believed where the same date in UTC is
no date: the story was placed in 1970 ("20788 d ago" in `tidings
stories`, its thread last updated then), and a new item of a feed listed
for longer than `retention` was taken for one retention had deleted and
not stored at all.

The day (or the month) first with dashes ("01-12-2026 10:00", as sites
in India and the Netherlands write it) was read by the ISO 8601 reader
as a two-digit year, a month and a day taken from the four-digit year:
2001-12-20, a story from decades back ("9000 d ago"), and in a feed
listed for longer than `retention` one not stored at all.  It is no date
now, as with slashes (3 December or 12 March?).

An item with neither guid nor link is known by its title and date
(docs/dedup.md, "h:"): one an older version stored under such a
misreading ("01-12-2026 10:00" as 2001-12-20, "1733263200" as 1733-09-20)
is found again under its new reading (none, or the instant), not stored
a second time."""
import datetime
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, TIDINGS  # noqa: E402

UNIT = {"s": 1, "min": 60, "h": 3600, "d": 86400}


def cli(w, *args):
    return subprocess.run([TIDINGS, "-d", w.db] + list(args), capture_output=True, text=True,
                          timeout=60)


def shown(out):
    """{story id: seconds ago as `tidings stories` shows it}."""
    rows = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\d+) (?:(in) )?(\d+) (s|min|h|d)( ago)?\s", line)
        if m:
            ago = int(m.group(3)) * UNIT[m.group(4)]
            rows[int(m.group(1))] = -ago if m.group(2) else ago
    return rows


t = Tap()
srv = Server()

# ---- Unix times as text ----------------------------------------------------
NOW = int(time.time())
WHEN = NOW - 3 * 3600
UNIX = {"secs": "%d" % WHEN, "msecs": "%d123" % WHEN, "frac": "%d.25" % WHEN,
        "blanks": "  %d\n" % WHEN}
HEADS = {"secs": "Council approves new budget for the harbour tunnel project",
         "msecs": "Storm floods coastal villages after record rainfall overnight",
         "frac": "Tram drivers announce strike over pay and working hours",
         "blanks": "University opens research centre for quantum computing"}
srv.put("/unix.xml", rss_doc("Unix", "http://unix.example/", [
    dict(title=HEADS[k], link="http://unix.example/%s" % k, guid=k, date=d,
         text="%s, said the report." % HEADS[k]) for k, d in UNIX.items()]),
    "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/unix.xml")], extra="retention = 0")
r = w.run_once()
t.eq(r.returncode, 0, "Unix times: the run exits 0")
got = {g: (p, e) for g, p, e in w.sql("SELECT guid, published, event_time FROM stories")}
t.eq(sorted(got), sorted(UNIX), "every item stored")
for k, d in UNIX.items():
    t.eq(got.get(k), (WHEN, WHEN), "%r: published and event_time the instant it names" % d)
ids = dict(w.sql("SELECT guid, id FROM stories"))
j = cli(w, "stories", "--json")
try:
    pub = {s["id"]: s["published"] for s in json.loads(j.stdout)}
except ValueError:
    pub = {}
t.eq(sorted(pub.values()), [WHEN] * len(UNIX), "tidings stories --json: that published date")
rows = shown(cli(w, "stories").stdout)
for k in UNIX:
    ago = rows.get(ids.get(k))
    # Shown in whole hours, and the run took some seconds.
    t.ok(ago is not None and 3 * 3600 <= ago < 4 * 3600,
         "tidings stories: %s shows 3 h ago" % k, "%r s ago" % ago)
w.cleanup()

# ---- ISO 8601 week dates, and a year with words after it ------------------
NOW = int(time.time())
WHEN = NOW - 3 * 3600
iso = datetime.datetime.fromtimestamp(WHEN, datetime.timezone.utc)
y, wk, wd = iso.isocalendar()
WEEK = {"wtime": ("2025-W10-3T09:30:00Z", 1741167000),
        "wbasic": ("2025W103", 1741132800),
        "wmonday": ("2025-W10", 1740960000),
        "wnow": ("%04d-W%02d-%dT%s" % (y, wk, wd, iso.strftime("%H:%M:%SZ")), WHEN),
        "wbad": ("2025-W10-8", None),
        "words": ("2021 December 3", None)}
HEADS = {"wtime": "Airport expansion plan faces fresh legal challenge",
         "wbasic": "Farmers warn of poor harvest as drought continues",
         "wmonday": "City orchestra names young conductor as new director",
         "wnow": "Hospital waiting lists fall for the first time in years",
         "wbad": "Railway bridge reopens after two years of repairs",
         "words": "Glacier retreat speeds up, survey of the Alps finds"}
srv.put("/week.xml", rss_doc("Week", "http://week.example/", [
    dict(title=HEADS[k], link="http://week.example/%s" % k, guid=k, date=d,
         text="%s, said the report." % HEADS[k]) for k, (d, _) in WEEK.items()]),
    "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/week.xml")], extra="retention = 0")
before = int(time.time())
r = w.run_once()
t.eq(r.returncode, 0, "week dates: the run exits 0")
got = {g: (p, e, f) for g, p, e, f in
       w.sql("SELECT guid, published, event_time, first_seen FROM stories")}
t.eq(sorted(got), sorted(WEEK), "every item stored")
for k, (d, want) in WEEK.items():
    p, e, f = got.get(k, (0, 0, 0))
    if want is None:
        t.ok(p is None and e == f and e >= before,
             "%r: no date (published NULL), the time it was first seen" % d,
             "published %r, event_time %r, first_seen %r" % (p, e, f))
    else:
        t.eq((p, e), (want, want), "%r: published and event_time the day and time it names" % d)
ids = dict(w.sql("SELECT guid, id FROM stories"))
ago = shown(cli(w, "stories", "--limit", "0").stdout).get(ids.get("wnow"))
t.ok(ago is not None and 3 * 3600 <= ago < 4 * 3600,
     "tidings stories: this week's date 3 hours ago shows 3 h ago", "%r s ago" % ago)
w.cleanup()

# ---- the epoch in local time ----------------------------------------------
EPOCH = {"utc": "Thu, 01 Jan 1970 00:00:00 GMT", "berlin": "1970-01-01T01:00:00",
         "india": "Thu, 01 Jan 1970 05:30:00", "tokyo": "1970-01-01 09:00:00"}
HEADS = {"utc": "Police arrest suspect in museum painting theft case",
         "berlin": "Fishermen protest new quotas outside the ministry",
         "india": "Glacier retreat speeds up, survey of the Alps finds",
         "tokyo": "Airport expansion plan faces fresh legal challenge"}


def epoch_doc(n):
    return rss_doc("Epoch", "http://epoch.example/", [
        dict(title="%s, part %d" % (HEADS[k], n), link="http://epoch.example/%d/%s" % (n, k),
             guid="%s-%d" % (k, n), date=d, text="%s, said the report %d." % (HEADS[k], n))
        for k, d in EPOCH.items()])


srv.put("/epoch.xml", epoch_doc(1), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/epoch.xml")], extra="retention = 10d")
t.eq(w.run_once().returncode, 0, "the epoch: the run exits 0")
got = dict(w.sql("SELECT guid, event_time - first_seen FROM stories"))
t.eq(got, {"%s-1" % k: 0 for k in EPOCH},
     "each item placed at the time it was first seen, as the epoch in UTC is")
rows = shown(cli(w, "stories", "--limit", "0").stdout)
t.ok(len(rows) == len(EPOCH) and all(0 <= a < 3600 for a in rows.values()),
     "tidings stories shows them as just seen, not in 1970", rows)
t.eq(w.sql("SELECT count(*) FROM threads WHERE last_updated < 86400")[0][0], 0,
     "no thread last updated in 1970")
# Listed for longer than retention, the feed's new items are still news.
con = sqlite3.connect(w.db)
con.execute("UPDATE feeds SET added = added - 11 * 86400")
con.commit()
con.close()
srv.put("/epoch.xml", epoch_doc(2), "application/rss+xml")
t.eq(w.run_once().returncode, 0, "the next run exits 0")
t.eq(sorted(g for (g,) in w.sql("SELECT guid FROM stories WHERE guid LIKE '%-2'")),
     sorted("%s-2" % k for k in EPOCH),
     "a feed listed longer than retention: its new items so dated are stored")
w.cleanup()

# ---- the day first, with dashes --------------------------------------------
DASH = {"dmy": "01-12-2026 10:00", "dmys": "15-06-2025 10:00:00", "mdy": "12-01-2026 10:00 AM",
        "dmyz": "03-11-2025 10:00:00 +0530"}
HEADS = {"dmy": "Council approves new budget for the harbour tunnel project",
         "dmys": "Storm floods coastal villages after record rainfall overnight",
         "mdy": "Tram drivers announce strike over pay and working hours",
         "dmyz": "University opens research centre for quantum computing"}


def dash_doc(n):
    return rss_doc("Dash", "http://dash.example/", [
        dict(title="%s, part %d" % (HEADS[k], n), link="http://dash.example/%d/%s" % (n, k),
             guid="%s-%d" % (k, n), date=d, text="%s, said the report %d." % (HEADS[k], n))
        for k, d in DASH.items()])


srv.put("/dash.xml", dash_doc(1), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/dash.xml")], extra="retention = 10d")
t.eq(w.run_once().returncode, 0, "dashes: the run exits 0")
got = {g: (p, e) for g, p, e in w.sql("SELECT guid, published, event_time - first_seen FROM stories")}
t.eq(got, {"%s-1" % k: (None, 0) for k in DASH},
     "no date (published NULL), each placed at the time it was first seen")
rows = shown(cli(w, "stories", "--limit", "0").stdout)
t.ok(len(rows) == len(DASH) and all(0 <= a < 3600 for a in rows.values()),
     "tidings stories shows them as just seen, not years back", rows)
con = sqlite3.connect(w.db)
con.execute("UPDATE feeds SET added = added - 11 * 86400")
con.commit()
con.close()
srv.put("/dash.xml", dash_doc(2), "application/rss+xml")
t.eq(w.run_once().returncode, 0, "the next run exits 0")
t.eq(sorted(g for (g,) in w.sql("SELECT guid FROM stories WHERE guid LIKE '%-2'")),
     sorted("%s-2" % k for k in DASH),
     "a feed listed longer than retention: its new items so dated are stored")
w.cleanup()

# ---- an older version's misreadings, read anew --------------------------
TEXT = "The harbour board approved the ferry timetable after a debate on fares, item %s."


def h_doc(items):
    """RSS whose items have a title, a text and a date; no guid, no link."""
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>H</title><link>http://h.example/</link>%s</channel></rss>" % "".join(
                "<item><title>%s</title><description>%s</description><pubDate>%s</pubDate>"
                "</item>" % (title, TEXT % title, date) for title, date in items))


# As the version before stored them: the dates as it read them.
OLD = [("Ferry timetable approved", "2001-12-20"),       # "01-12-2026 10:00"
       ("Tram strike called off", "1733-09-20")]         # "1733263200"
NEW = [("Ferry timetable approved", "01-12-2026 10:00"),
       ("Tram strike called off", "1733263200")]
w = Workdir()
w.write_config([srv.url("/h.xml")], extra="retention = 0")
srv.put("/h.xml", h_doc(OLD), "application/rss+xml")
t.eq(w.run_once().returncode, 0, "the older version's readings stored")
first = dict(w.sql("SELECT title, id FROM stories"))
srv.put("/h.xml", h_doc(NEW), "application/rss+xml")
t.eq(w.run_once().returncode, 0, "the same items read anew")
now = w.sql("SELECT title, id FROM stories ORDER BY id")
for title in ("Ferry timetable approved", "Tram strike called off"):
    t.eq([i for tt, i in now if tt == title], [first[title]],
         "%s: found under its new reading, not a second story" % title)
w.cleanup()

srv.stop()
t.done()
