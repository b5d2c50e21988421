#!/usr/bin/env python3
"""Listings on a narrow terminal are laid out for it, and keep some of
every headline.

Half of an 80-column terminal (a split pane) is 40 columns: the story
line's fixed fields take 44, and the headline's column of 0 or fewer
columns showed no headline at all; feeds showed every title as a lone
ellipsis.  Under 40 columns the listing was laid out for 100 instead.
The text columns now keep 8 columns at least (the line wraps)."""
import os
import re
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, need_programs, spine_db, run_on_pty, TIDINGS, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGS, TIDINGSD)

w = spine_db(t)
TITLES = ["a" * 60 + " %d" % i for i in range(3)]
con = sqlite3.connect(w.db)
with con:
    fid = con.execute("SELECT min(id) FROM feeds").fetchone()[0]
    for i, title in enumerate(TITLES):
        con.execute("INSERT INTO stories (feed_id, ident, title, link, first_seen, event_time)"
                    " VALUES (?, ?, ?, ?, 2000000000 + ?, 2000000000 + ?)",
                    (fid, "g:narrow%d" % i, title, "https://narrow.example/%d" % i, i, i))
con.close()
env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
env["TERM"] = "dumb"


def strip(s):
    return re.sub("\x1b\\[[0-9;]*m", "", s).replace("\r\n", "\n").splitlines()


for cols in (30, 40, 43):
    rc, out = run_on_pty([TIDINGS, "-d", w.db, "stories"], env, cols=cols)
    got = [x[43:] for x in strip(out)][:len(TITLES)]     # the newest: these
    t.ok(rc == 0 and got == ["a" * 7 + "\u2026"] * len(TITLES),
         "stories on a %d-column terminal: the headlines' first 7 columns" % cols, repr(out))
rc, out = run_on_pty([TIDINGS, "-d", w.db, "feeds"], env, cols=40)
got = [x[5:13] for x in strip(out)[1:]]
t.ok(rc == 0 and got == ["Harbour\u2026"], "feeds on a 40-column terminal: the titles' start",
     repr(out))
rc, out = run_on_pty([TIDINGS, "-d", w.db, "threads"], env, cols=30)
rows = strip(out)[1:]
t.ok(rc == 0 and rows and all(len(x) == 31 + 8 and x.endswith("\u2026") for x in rows),
     "threads on a 30-column terminal: laid out for it, the titles 8 columns", repr(out))

w.cleanup()
t.done()
