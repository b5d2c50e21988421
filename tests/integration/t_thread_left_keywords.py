#!/usr/bin/env python3
"""A thread a story leaves (its text rewritten: docs/threads.md, "An
updated story keeps its thread unless...") shows the keywords of the
stories it keeps.  Its row was recounted (counts, times, title) but its
keywords stayed the leaving story's: a wildfire thread went on listing
"crews, hold", words of a live blog that had become an earthquake report,
words none of its stories wrote ("threads.keywords lists its heaviest
words as its own stories write them"), until another story joined it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, thread_rows, thread_truth  # noqa: E402
from updates import FIRE, FIRE2, QUAKE3, item, rss  # noqa: E402
import invariants  # noqa: E402


def strangers(w, tid):
    """The keywords of thread tid that none of its stories writes."""
    (kw,) = w.sql("SELECT keywords FROM threads WHERE id = ?", (tid,))[0]
    text = " ".join("%s %s" % r for r in w.sql(
        "SELECT coalesce(title, ''), coalesce(summary, '') FROM stories WHERE thread_id = ?",
        (tid,))).lower()
    return [k for k in (kw or "").split(", ") if k and k.lower() not in text]


t = Tap()
srv = Server()
w = Workdir()
srv.put("/b.xml", rss([item("f2", "Kelowna evacuation orders extended as wildfire nears lake",
                            FIRE2, "b.example", 20)]), "application/rss+xml")
srv.put("/a.xml", rss([]), "application/rss+xml")
w.write_config([srv.url("/a.xml"), srv.url("/b.xml")], extra="retention = 0")
r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")
# The live blog joins the wildfire thread, its words among the thread's.
srv.put("/a.xml", rss([item("g1", "Kelowna wildfire: evacuation orders extended as crews hold line",
                            "Crews hold the line on the northern flank. " + FIRE, "a.example",
                            30)]), "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "second run exits 0")
fire = w.sql("SELECT DISTINCT thread_id FROM stories")
t.eq(len(fire), 1, "the two wildfire reports are one thread")
fire = fire[0][0]
t.ok("crews" in w.sql("SELECT keywords FROM threads WHERE id = ?", (fire,))[0][0],
     "the live blog's words are among its keywords")
# Rewritten into an earthquake report, it leaves.
srv.put("/a.xml", rss([item("g1", "Sumatra earthquake: Banda Aceh residents flee to higher ground",
                            QUAKE3, "a.example", 30)]), "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "third run exits 0")
moved = w.sql("SELECT thread_id FROM stories WHERE link LIKE '%/g1'")[0][0]
t.ok(moved != fire, "the rewritten story left the wildfire thread")
t.eq(w.sql("SELECT story_count FROM threads WHERE id = ?", (fire,))[0][0], 1,
     "the wildfire thread counts the story it kept")
t.eq(strangers(w, fire), [], "its keywords are words its remaining story writes")
t.ok(w.sql("SELECT keywords FROM threads WHERE id = ?", (fire,))[0][0],
     "and it has keywords")
t.eq(strangers(w, moved), [], "the thread it went to has words of its own story")
t.eq(thread_rows(w), thread_truth(w), "the rows count their stories")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
