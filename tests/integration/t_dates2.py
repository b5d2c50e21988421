#!/usr/bin/env python3
"""Dates feeds write that are no RFC 822 or RFC 3339 date, through the
daemon to what `tidings` shows.

A Unix time as text (`<pubDate>1733263200</pubDate>`, a script's time(),
JavaScript's Date.now() in milliseconds, Python's time.time() with its
fraction) was read by the ISO 8601 reader as a year (1733) and a day of
it: the story's published date was in the 18th century, and, that being
before 1970, the story took the time it was first seen (an item three
hours old shown and threaded as "0 s ago")."""
import json
import os
import re
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

srv.stop()
t.done()
