#!/usr/bin/env python3
"""The search index over years of retention (docs/schema.md, "stories_fts"
and "Retention").  FTS5 does not take a deleted story's words out of the
index: it writes a delete marker beside them, and both stay until a merge
brings them together in the oldest segment.  Merges go 16 segments at a
time (automerge), so that merge came ever more rarely, and under a steady
state (as many stories pruned as arrive) the index grew with the whole
history rather than with the stories kept: 16 times the live index after
120 simulated days, the file four times its size.

A cron `tidingsd --once` a day on a clock moved forward by libfaketime,
a feed of new articles every day, retention 36 hours: the index must stay
within a few times what its live stories need (the size of a copy merged
whole), the search must find the stories kept and none deleted, and no
side table keeps rows of the stories and threads that went."""
import email.utils
import os
import random
import shutil
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, FAKETIME_LIB, faked_clock  # noqa: E402

DAY = 86400
DAYS = 14
PER_DAY = 120
BASE = int(time.time())

t = Tap()
if not FAKETIME_LIB:
    t.skip_all("no libfaketime (apt-get install faketime)")

rnd = random.Random(3)
CONS, VOWELS = "bcdfghjklmnprstvz", "aeiou"
WORDS = sorted({"".join(rnd.choice(CONS) + rnd.choice(VOWELS) for _ in range(rnd.randrange(2, 5)))
                for _ in range(20000)})


def day_feed(day):
    """The day's articles, each once, dated that day: no item comes back."""
    now = BASE + day * DAY
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
           "<title>Daily</title><link>http://daily.example/</link>"]
    for i in range(PER_DAY):
        text = " ".join(rnd.sample(WORDS, 50))
        out.append("<item><title>Day%d item %d %s</title><link>http://daily.example/%d/%d</link>"
                   "<guid>d%d-%d</guid><pubDate>%s</pubDate><description>%s.</description></item>"
                   % (day, i, text[:30], day, i, day, i,
                      email.utils.formatdate(now - 600, usegmt=True), text))
    out.append("</channel></rss>")
    return "".join(out).encode()


srv = Server()
w = Workdir()
clock, env = faked_clock(w)
w.write_config([srv.url("/daily.xml")], extra="retention = 36h")


def fts_bytes(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT sum(length(block)) FROM stories_fts_data").fetchone()[0]
    finally:
        con.close()


def index_sizes(w):
    """The search index's size, and that of a copy of it merged whole
    (what the same stories need)."""
    copy = os.path.join(w.dir, "copy.db")
    shutil.copy(w.db, copy)
    con = sqlite3.connect(copy)
    con.execute("INSERT INTO stories_fts(stories_fts) VALUES ('optimize')")
    con.commit()
    con.close()
    return fts_bytes(w.db), fts_bytes(copy)


ok = True
for day in range(DAYS):
    srv.put("/daily.xml", day_feed(day))
    with open(clock, "w") as f:
        f.write("+%ds\n" % (day * DAY))
    r = w.run_once(env=env)
    ok = ok and r.returncode == 0
    if r.returncode:
        t.diag("day %d: %s" % (day, r.stderr[-800:]))
t.ok(ok, "%d daily --once runs exit 0" % DAYS)
# Retention (36 hours) at the end of each run keeps the stories of that
# day and the day before.
t.eq(w.sql("SELECT count(*) FROM stories"), [(2 * PER_DAY,)], "two days of stories are kept")
t.eq(w.sql("SELECT min(id) FROM stories"), [((DAYS - 2) * PER_DAY + 1,)], "the older ones went")

# The index against what the same stories need: a copy merged whole.
now_bytes, least = index_sizes(w)
t.ok(now_bytes <= 3 * least,
     "the search index stays within 3 times what its stories need, after %d days"
     % DAYS, "index %d bytes, merged whole %d (%.1fx)" % (now_bytes, least, now_bytes / least))
t.eq(w.fts_ok(), True, "the index passes FTS5's integrity-check")
t.eq(w.sql("SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'Day%d'" % (DAYS - 1)),
     [(PER_DAY,)], "a search finds the last day's stories")
t.eq(w.sql("SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'Day%d'" % (DAYS - 3)),
     [(0,)], "and none of a day retention deleted")
t.eq(w.sql("SELECT count(*) FROM story_feeds WHERE story_id NOT IN (SELECT id FROM stories)"),
     [(0,)], "no story_feeds row outlives its story")
t.eq(w.sql("SELECT count(*) FROM threads t WHERE NOT EXISTS"
           " (SELECT 1 FROM stories s WHERE s.thread_id = t.id) AND t.merged_into IS NULL"),
     [(0,)], "no live thread without stories")
t.eq(w.sql("PRAGMA integrity_check"), [("ok",)], "integrity_check is clean")
t.eq(w.sql("PRAGMA foreign_key_check"), [], "foreign_key_check is clean")
w.cleanup()

# The same, after a run on a clock a year ahead (a typo in the year, an
# NTP server gone wrong) that stored a feed's stories: they are kept
# until that time comes and `retention` after it.  With the oldest id
# theirs, the count of stories the index holds (from the two ends of the
# ids) grew by one for each story deleted, and the whole merge never came
# while they stayed: the index grew with the whole history again.
w = Workdir()
clock = os.path.join(w.dir, "clock")
env["FAKETIME_TIMESTAMP_FILE"] = clock
w.write_config([srv.url("/ahead.xml")], extra="retention = 36h")
srv.put("/ahead.xml", day_feed(-1).replace(b"daily.example", b"ahead.example"))
with open(clock, "w") as f:
    f.write("+%ds\n" % (365 * DAY))
r = w.run_once(env=env)
ok = r.returncode == 0
w.write_config([srv.url("/daily.xml")], extra="retention = 36h")
for day in range(DAYS):
    srv.put("/daily.xml", day_feed(day))
    with open(clock, "w") as f:
        f.write("+%ds\n" % (day * DAY))
    r = w.run_once(env=env)
    ok = ok and r.returncode == 0
t.ok(ok, "a run a year ahead, then %d daily --once runs: exit 0" % DAYS)
t.eq(w.sql("SELECT count(*) FROM stories"), [(3 * PER_DAY,)],
     "the stories of the run ahead are kept, and two days of the others")
now_bytes, least = index_sizes(w)
t.ok(now_bytes <= 3 * least,
     "with them, the search index still stays within 3 times what its stories need",
     "index %d bytes, merged whole %d (%.1fx)" % (now_bytes, least, now_bytes / least))
t.eq(w.fts_ok(), True, "the index passes FTS5's integrity-check")
w.cleanup()
srv.stop()
t.done()
