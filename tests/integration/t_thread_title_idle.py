#!/usr/bin/env python3
"""Headlines edited in place in a thread idle longer than cluster_window
(docs/threads.md, "Titles": a story without a headline titles a thread
only if none of its stories has one).  The clusterer no longer holds such
a thread; told that a story lost its headline, it revived the thread with
that story alone in memory, which then titled it: the thread showed no
title beside its other story's headline, whichever of its stories lost
its own."""
import email.utils
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, thread_rows, thread_truth  # noqa: E402
from updates import FIRE, FIRE2, NOW, item, rss  # noqa: E402
import invariants  # noqa: E402

DAYS6 = 6 * 1440
HEAD = {"g1": "Kelowna wildfire evacuation orders extended",
        "f2": "Kelowna evacuation orders extended as wildfire nears lake"}
FEED = {"g1": ("/a.xml", FIRE, "a.example", 30 + DAYS6),
        "f2": ("/b.xml", FIRE2, "b.example", 20 + DAYS6)}


def untitled(guid):
    """The item as its feed serves it without a headline."""
    path, text, host, ago = FEED[guid]
    return rss(["<item><link>http://%s/%s</link><guid>%s</guid><pubDate>%s</pubDate>"
                "<description>%s</description></item>"
                % (host, guid, guid, email.utils.formatdate(NOW - ago * 60, usegmt=True),
                   text)])


t = Tap()
srv = Server()
for guid, (path, text, host, ago) in FEED.items():
    srv.put(path, rss([item(guid, HEAD[guid], text, host, ago)]), "application/rss+xml")
srv.put("/c.xml", rss([]), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/a.xml"), srv.url("/b.xml"), srv.url("/c.xml")],
               extra="retention = 0")
t.eq(w.run_once().returncode, 0, "first run exits 0")
rows = w.sql("SELECT id, title_story_id FROM threads")
t.eq(len(rows), 1, "the two six-day-old reports are one thread")
tid, title_story = rows[0] if rows else (None, None)
# Today's news: the wildfire thread is now idle longer than the window
# (3 days), and at the next start the clusterer holds none of it.
srv.put("/c.xml", rss([item("z1", "Arsenal beat Chelsea 3-1 at the Emirates",
                            "Arsenal beat Chelsea 3-1 on Saturday with goals from Saka, "
                            "Odegaard and Havertz, moving top of the Premier League.",
                            "c.example", 1)]), "application/rss+xml")
t.eq(w.run_once().returncode, 0, "second run exits 0")
by_id = {w.sql("SELECT id FROM stories WHERE link LIKE ?", ("%/" + g,))[0][0]: g for g in FEED}
titler = by_id.get(title_story)
other = [g for g in FEED if g != titler][0]
title = HEAD[titler] if titler else None

# The story that does not title the thread loses its headline.
srv.put(FEED[other][0], untitled(other), "application/rss+xml")
t.eq(w.run_once().returncode, 0, "third run exits 0")
t.eq(w.sql("SELECT count(*) FROM stories WHERE title IS NULL"), [(1,)],
     "the story is stored without its headline")
t.eq(w.sql("SELECT title FROM threads WHERE id = ?", (tid,)), [(title,)],
     "the thread keeps its title story's headline")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

# It gets its headline back, and the title story loses its own.
srv.put(FEED[other][0], rss([item(other, HEAD[other], *FEED[other][1:])]),
        "application/rss+xml")
srv.put(FEED[titler][0], untitled(titler), "application/rss+xml")
t.eq(w.run_once().returncode, 0, "fourth run exits 0")
t.eq(w.sql("SELECT title FROM threads WHERE id = ?", (tid,)), [(HEAD[other],)],
     "the thread takes the headline of the story that has one")
t.eq(w.sql("SELECT count(DISTINCT thread_id) FROM stories WHERE link NOT LIKE '%/z1'"),
     [(1,)], "both stories keep their thread")
t.eq(thread_rows(w), thread_truth(w), "the counts still add up")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")
srv.stop()
w.cleanup()
t.done()
