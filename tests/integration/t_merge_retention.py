#!/usr/bin/env python3
"""Retention and a thread other threads were merged into (docs/schema.md,
"Retention"; docs/threads.md, "Merges").  A thread whose latest story
left it (its text rewritten) is older than the thread that story came
from, which was merged into it: when retention deletes the rest of its
stories, it is deleted with the thread merged into it.  The younger
merged thread kept it: a live thread with no story, story_count 0, in
live_threads, thread_overview and `tidings thread`, until that one aged
too (tests/integration/invariants.py: "live thread without stories").

The daemon runs on a clock moved forward by libfaketime: stories are first
seen at +0 h and +6 h, retention (1 day) runs at +27 h."""
import email.utils
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, FAKETIME_LIB, faked_clock, TIDINGS  # noqa: E402
from updates import FIRE, QUAKE, QUAKE2  # noqa: E402
import invariants  # noqa: E402

HOUR = 3600
BASE = int(time.time())
BUDGET = ("The city council approved the new parks budget on Tuesday after a long debate "
          "over playground repairs, tree planting and the cost of the summer pool season.")

t = Tap()
if not FAKETIME_LIB:
    t.skip_all("no libfaketime (apt-get install faketime)")


def item(guid, title, text, host, when):
    return ("<item><title>%s</title><link>http://%s/%s</link><guid>%s</guid>"
            "<pubDate>%s</pubDate><description>%s</description></item>"
            % (title, host, guid, guid, email.utils.formatdate(when, usegmt=True), text))


def rss(*items):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>T</title><link>http://x.example/</link>%s</channel></rss>"
            % "".join(items)).encode()


srv = Server()
w = Workdir()
clock, env = faked_clock(w)


def run_at(hours, what):
    with open(clock, "w") as f:
        f.write("+%ds\n" % (hours * HOUR))
    r = w.run_once(env=env)
    t.eq(r.returncode, 0, "%s: tidingsd --once at +%d h exits 0" % (what, hours))
    return r


def thread_of(guid):
    r = w.sql("SELECT thread_id FROM stories WHERE link LIKE ?", ("%/" + guid,))
    return r[0][0] if r else None


# +0 h: two reports of an earthquake, one thread.
srv.put("/c.xml", rss(item("q1", "Magnitude 6.1 earthquake strikes off Sumatra", QUAKE,
                           "c.example", BASE - 1800)))
srv.put("/d.xml", rss(item("q2", "Indonesia lifts Aceh tsunami warning after Sumatra quake",
                           QUAKE2, "d.example", BASE - 900)))
srv.put("/b.xml", rss())
w.write_config([srv.url(p) for p in ("/b.xml", "/c.xml", "/d.xml")],
               extra="retention = 1d\nconcurrency = 1")
run_at(0, "the earthquake")
quake = thread_of("q1")
t.ok(quake and thread_of("q2") == quake, "the two reports are one thread")

# +6 h: another feed's story of its own, in a thread of its own.
STORY_TIME = BASE + 6 * HOUR - 600
srv.put("/b.xml", rss(item("f2", "Council approves new parks budget", BUDGET, "b.example",
                           STORY_TIME)))
run_at(6, "the budget")
budget = thread_of("f2")
t.ok(budget and budget != quake, "the budget story opens a thread of its own")

# +12 h: rewritten into an earthquake report, it joins the earthquake's
# thread; its own, left without a story, is merged into it.
srv.put("/b.xml", rss(item("f2", "Aceh tsunami warning lifted after Sumatra earthquake",
                           QUAKE2.replace("Indonesia", "Jakarta officials"), "b.example",
                           STORY_TIME)))
run_at(12, "the rewrite")
t.eq(thread_of("f2"), quake, "the rewritten story joins the earthquake thread")
t.eq(w.sql("SELECT merged_into, last_updated FROM threads WHERE id = ?", (budget,)),
     [(quake, STORY_TIME)], "its emptied thread is merged into it, with its story's time")

# +18 h: rewritten again, into a wildfire report, it leaves; the earthquake
# thread's latest story is its own first two's again, older than the
# thread merged into it.
srv.put("/b.xml", rss(item("f2", "Kelowna wildfire evacuation orders extended", FIRE,
                           "b.example", STORY_TIME)))
run_at(18, "the second rewrite")
t.ok(thread_of("f2") not in (quake, budget), "the story leaves the earthquake thread")
t.eq(w.sql("SELECT story_count, last_updated FROM threads WHERE id = ?", (quake,)),
     [(2, BASE - 900)], "which counts its two reports again, and their time")
t.eq(invariants.check(w.db), [], "the invariants hold before retention")

# +27 h: retention (1 day) deletes the two reports first seen at +0 h and
# keeps the story first seen at +6 h.
r = run_at(27, "retention")
t.ok("retention: 2 stories first seen over 1 days ago deleted" in r.stderr,
     "retention deletes the two earthquake reports", r.stderr[-600:])
t.eq(w.sql("SELECT count(*) FROM stories WHERE link LIKE '%/f2'"), [(1,)],
     "and keeps the story first seen after the cut")
t.eq(w.sql("SELECT id FROM live_threads WHERE id = ?", (quake,)), [],
     "the emptied earthquake thread, older than the cut, is deleted")
t.eq(w.sql("SELECT id FROM thread_overview WHERE story_count = 0"), [],
     "thread_overview shows no thread without stories")
t.eq(w.sql("SELECT id FROM threads WHERE id = ?", (budget,)), [],
     "and so is the thread merged into it (its merged_into named no row else)")
t.eq(w.sql("PRAGMA foreign_key_check"), [], "no dangling reference")
t.eq(invariants.check(w.db, pruned=True, cut=BASE + 27 * HOUR - 86400), [],
     "the threads and stories keep the documented invariants")
r = subprocess.run([TIDINGS, "-d", w.db, "thread", str(budget)], capture_output=True, text=True)
t.ok(r.returncode == 1 and "no thread" in r.stderr,
     "`tidings thread` of the merged id: no thread (not an empty one)", r.stdout + r.stderr)
w.cleanup()
srv.stop()
t.done()
