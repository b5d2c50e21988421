#!/usr/bin/env python3
"""Headlines cut to their column: never inside a character as it is seen.

A title too wide for its column is cut one column early and ends in an
ellipsis (out of a terminal the column is sized for 100 columns).  The
cut went by code points: a flag (two regional indicators) was cut in
half, leaving a lone letter-in-a-box before the ellipsis, and an emoji
ZWJ sequence (a family, a profession) left a dangling U+200D.  The cut
now falls between grapheme clusters, counted as wide as their parts."""
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, need_programs, spine_db, run_on_pty, TIDINGS, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGS, TIDINGSD)

w = spine_db(t)

# Out of a terminal a story line is 100 columns: the title's column is 56
# (100 - 44, after 43 columns of id, time and publisher), a title wider
# than that is cut to 55 columns and "...".
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"       # one cluster, 6 columns here
FLAG = "\U0001F1EF\U0001F1F5"                                 # JP: one cluster, 2 columns
TITLES = [
    # (title, what its column shows)
    ("a" * 54 + FLAG + "tail", "a" * 54 + "\u2026"),
    ("a" * 53 + FLAG + "tail", "a" * 53 + FLAG + "\u2026"),
    ("a" * 53 + FAMILY + "tail", "a" * 53 + "\u2026"),
    ("a" * 49 + FAMILY + "tail", "a" * 49 + FAMILY + "\u2026"),
    ("a" * 54 + "e\u0301" + "tail", "a" * 54 + "e\u0301" + "\u2026"),
    # Fits whole: not cut, no ellipsis.
    ("a" * 50 + FLAG + FLAG, "a" * 50 + FLAG + FLAG),
]
con = sqlite3.connect(w.db)
with con:
    fid = con.execute("SELECT min(id) FROM feeds").fetchone()[0]
    con.execute("DELETE FROM story_feeds")
    con.execute("DELETE FROM stories")
    for i, (title, _) in enumerate(TITLES):
        con.execute("INSERT INTO stories (feed_id, ident, title, link, first_seen, event_time)"
                    " VALUES (?, ?, ?, ?, 1790000000 + ?, 1790000000 + ?)",
                    (fid, "g:cells%d" % i, title, "https://cells.example/%d" % i, i, i))
    con.execute("INSERT INTO story_feeds (story_id, feed_id, ident, first_seen)"
                " SELECT id, feed_id, ident, first_seen FROM stories")
con.close()

r = subprocess.run([TIDINGS, "-d", w.db, "stories"], capture_output=True, text=True, timeout=60)
t.eq(r.returncode, 0, "tidings stories exits 0")
lines = r.stdout.splitlines()
t.eq(len(lines), len(TITLES), "one line a story")
# Newest first: the last title inserted is the first line.
for (title, want), line in zip(reversed(TITLES), lines):
    got = line[43:]
    t.ok(got == want, "%r... shown as %r" % (title[48:], want[48:]),
         "got  %r\nwant %r" % (got[48:], want[48:]))

# The same on a terminal (its size unset here, so 100 columns too).
env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
env["TERM"] = "dumb"
rc, out = run_on_pty([TIDINGS, "-d", w.db, "stories"], env)
t.ok(rc == 0 and [x[43:] for x in out.replace("\r\n", "\n").splitlines()]
     == [want for _, want in reversed(TITLES)], "and on a terminal", repr(out))

w.cleanup()
t.done()
