#!/usr/bin/env python3
"""A thread's counts across restarts: a thread covered for longer than
cluster_window keeps counting its older stories.  At start-up the
clusterer replays only the window's stories; it used to write the next
story's thread row from those alone (story_count 3 and source_count 3 for
a thread of 4 stories from 4 publishers, and a first_seen 50 minutes
late).  The thread row is the truth it now starts from."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, thread_rows, thread_truth  # noqa: E402
import invariants  # noqa: E402

NOW = int(time.time())
TEXT = ("Firefighters battled the wildfire near Kelowna as winds pushed flames toward "
        "the lake shore; evacuation orders for Kelowna residents were extended by the "
        "British Columbia wildfire service on %s, officials said.")
WHEN = ["Monday", "Monday night", "Tuesday", "Tuesday morning", "Tuesday noon"]


def item(i, minutes_ago, host):
    return ("<item><title>Kelowna wildfire evacuation orders extended%s</title>"
            "<link>http://%s/fire/%d</link><guid>fire-%d</guid><pubDate>%s</pubDate>"
            "<description>%s</description></item>"
            % ("" if i == 0 else " again", host, i, i,
               email.utils.formatdate(NOW - minutes_ago * 60, usegmt=True), TEXT % WHEN[i]))


def rss(title, items):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>%s</title><link>http://x.example/</link>%s</channel></rss>"
            % (title, "".join(items))).encode()


t = Tap()
srv = Server()
# Three reports over 100 minutes, the window one hour: at the next start
# only the newest is in the window.
srv.put("/a.xml", rss("A", [item(0, 100, "a.example"), item(1, 50, "b.example"),
                            item(2, 1, "c.example")]), "application/rss+xml")
srv.put("/b.xml", rss("B", []), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/a.xml"), srv.url("/b.xml")], extra="retention = 0",
               threads="cluster_window = 1h")
r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")
before = thread_rows(w)
t.ok(len(before) == 1 and before[0][1:3] == (3, 3), "the three reports are one thread of 3"
     " stories from 3 publishers", before)

# A restart, then a fourth report from a fourth publisher.
srv.put("/b.xml", rss("B", [item(3, 0, "d.example")]), "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "second run exits 0")
after = thread_rows(w)
t.eq(w.sql("SELECT count(DISTINCT thread_id) FROM stories")[0][0], 1,
     "the fourth report joins the thread")
t.eq(after, thread_truth(w),
     "its row counts every story, publisher and the first and last times, old ones included")
t.eq(after[0][1:4] if after else None, (4, 4, before[0][3]),
     "4 stories, 4 publishers, first_seen unchanged")

# And again: counts keep adding up from the row, not from the window.
srv.put("/b.xml", rss("B", [item(3, 0, "d.example"), item(4, 0, "a.example")]),
        "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "third run exits 0")
t.eq(thread_rows(w), thread_truth(w),
     "a fifth report from a publisher seen before: 5 stories, still 4 publishers")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")
w.cleanup()
t.done()
