#!/usr/bin/env python3
"""A date and time in ISO 8601's basic form, without dashes or colons:
"20251203T101500Z" (iCalendar's DTSTART, which calendar and event feeds
copy into their items' dates) and the same without the T,
"20251203101500" (a database's or PHP's date('YmdHis')).

The ISO 8601 reader read the date and not its time: such an item was
published at midnight of its day ("10 h ago" for an item of three hours
ago).  Since a template that ends inside a number is no match (c594720,
"01-12-2026" is none, not 2001-12-20), the forms without a T were no
date at all: published NULL, the item the time it was first seen, an
older one shown and threaded as news.  Both are the instant they name."""
import datetime
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, TIDINGS  # noqa: E402

t = Tap()
srv = Server()
NOW = int(time.time())
WHEN = NOW - 3 * 3600
WHEN -= WHEN % 60                        # (the forms without seconds)
utc = datetime.datetime.fromtimestamp(WHEN, datetime.timezone.utc)
FORMS = {"ical": utc.strftime("%Y%m%dT%H%M%SZ"),
         "icalmin": utc.strftime("%Y%m%dT%H%MZ"),
         "icaloff": (utc + datetime.timedelta(hours=1)).strftime("%Y%m%dT%H%M%S+0100"),
         "digits14": utc.strftime("%Y%m%d%H%M%S"),
         "digits12": utc.strftime("%Y%m%d%H%M")}
HEADS = {"ical": "Council approves new budget for the harbour tunnel project",
         "icalmin": "Storm floods coastal villages after record rainfall overnight",
         "icaloff": "Tram drivers announce strike over pay and working hours",
         "digits14": "University opens research centre for quantum computing",
         "digits12": "Airport expansion plan faces fresh legal challenge"}
srv.put("/basic.xml", rss_doc("Basic", "http://basic.example/", [
    dict(title=HEADS[k], link="http://basic.example/%s" % k, guid=k, date=d,
         text="%s, said the report." % HEADS[k]) for k, d in FORMS.items()]),
    "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/basic.xml")], extra="retention = 0")
r = w.run_once()
t.eq(r.returncode, 0, "the run exits 0")
got = {g: (p, e) for g, p, e in w.sql("SELECT guid, published, event_time FROM stories")}
t.eq(sorted(got), sorted(FORMS), "every item stored")
for k, d in FORMS.items():
    t.eq(got.get(k), (WHEN, WHEN), "%r: published and event_time the instant it names" % d)
ids = dict(w.sql("SELECT guid, id FROM stories"))
out = subprocess.run([TIDINGS, "-d", w.db, "stories"], capture_output=True, text=True,
                     timeout=60).stdout
shown = {int(m.group(1)): m.group(2) for m in
         re.finditer(r"^\s*(\d+) (\d+ (?:s|min|h|d)) ago", out, re.M)}
for k in FORMS:
    t.eq(shown.get(ids.get(k)), "3 h", "tidings stories: %s shows 3 h ago" % k)
w.cleanup()
srv.stop()
t.done()
