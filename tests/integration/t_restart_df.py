#!/usr/bin/env python3
"""Document frequencies across restarts (docs/schema.md, term_df: "terms
seen in one story only are left out ... so a restart keeps its IDF").
A daemon run per poll round (tidingsd --once from cron) must save the
frequencies one run of all the rounds saves.  The table leaves out the
words of one story only, and the start-up replay did not count them
again: a word in one story of each of three runs was never saved, and
every run weighed it as a word never seen (on the UCI headlines in 12
rounds, a third of the saved terms too low or missing, B-cubed F1 0.009
lower than one long-running daemon).

The frequencies are saved when the daemon falls idle; a daemon killed
before that (kill -9, the OOM killer, a power cut) while one feed's
stories were stored and another's response was still awaited restarted
without those stories in its frequencies, and never counted them.  The
restart now counts the window's stories stored after the last save, and
those older than the window (a first poll's back items) too."""
import email.utils
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

NOW = int(time.time())
LEADS = ["The Vexbrook dam inspection found cracks in the spillway, engineers said on Monday.",
         "Residents below the Vexbrook dam were told to prepare for evacuation as rain fell.",
         "Repairs to the Vexbrook spillway will take weeks, the water board said."]
HOSTS = ["a.example", "b.example", "c.example"]


def item(i):
    return ("<item><title>Vexbrook dam report %s</title><link>http://%s/dam/%d</link>"
            "<guid>dam-%d</guid><pubDate>%s</pubDate><description>%s</description></item>"
            % ("first second third".split()[i], HOSTS[i], i, i,
               email.utils.formatdate(NOW - (30 - 10 * i) * 60, usegmt=True), LEADS[i]))


def rss(n):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Dams</title><link>http://x.example/</link>%s</channel></rss>"
            % "".join(item(i) for i in range(n))).encode()


def df(w):
    return sorted(w.sql("SELECT term, df FROM term_df"))


t = Tap()
srv = Server()
runs, one = Workdir(), Workdir()
runs.write_config([srv.url("/runs.xml")], extra="retention = 0")
one.write_config([srv.url("/one.xml")], extra="retention = 0")

# One story a run, three runs (a restart before each round)...
for n in (1, 2, 3):
    srv.put("/runs.xml", rss(n), "application/rss+xml")
    r = runs.run_once()
    t.eq(r.returncode, 0, "run %d exits 0" % n)
# ... and one run of all three.
srv.put("/one.xml", rss(3), "application/rss+xml")
r = one.run_once()
t.eq(r.returncode, 0, "the single run exits 0")

t.eq(runs.sql("SELECT df FROM term_df WHERE term = 'vexbrook'"), [(3,)],
     "a word in one story of each run is saved with its three stories")
t.eq(df(runs), df(one), "three runs save the frequencies one run of the three saves")
t.eq(runs.sql("SELECT value FROM meta WHERE key = 'df_total'"),
     one.sql("SELECT value FROM meta WHERE key = 'df_total'"), "and the same story total")

# A fourth run with nothing new changes nothing.
before = df(runs)
srv.put("/runs.xml", rss(3) + b"<!-- a new ETag, the same items -->", "application/rss+xml")
r = runs.run_once()
t.eq(r.returncode, 0, "a run with nothing new exits 0")
t.eq(df(runs), before, "and leaves the frequencies as they were")
runs.cleanup()
one.cleanup()

# Killed between a feed's stories and the save: feed A stored, feed B's
# response held until the daemon is gone.
gate = threading.Event()


def held(h):
    gate.wait(60)
    h.reply(200, rss(3), "application/rss+xml")


def a_doc():
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Dams A</title><link>http://a.example/</link>%s</channel></rss>"
            % "".join(item(i).replace("<guid>dam-", "<guid>a-dam-")
                      .replace("/dam/", "/a-dam/").replace("report", "bulletin")
                      for i in range(3))).encode()


srv.put("/a.xml", a_doc(), "application/rss+xml")
srv.put("/b.xml", rss(3), "application/rss+xml")
clean, killed = Workdir(), Workdir()
clean.write_config([srv.url("/a.xml"), srv.url("/b.xml")], extra="retention = 0")
r = clean.run_once()
t.eq(r.returncode, 0, "a clean run of feeds A and B exits 0")
srv.routes["/b-held.xml"] = held
killed.write_config([srv.url("/a.xml"), srv.url("/b-held.xml")], extra="retention = 0")
stored = killed.start_killed_at(3)
t.eq(stored, 3, "feed A's three stories are stored while feed B's response is awaited")
gate.set()
r = killed.run_once()
t.eq(r.returncode, 0, "the run after kill -9 exits 0")
t.eq(killed.sql("SELECT count(*) FROM stories")[0][0], 6, "it stores feed B's three")
t.eq(killed.sql("SELECT value FROM meta WHERE key = 'df_total'"),
     clean.sql("SELECT value FROM meta WHERE key = 'df_total'"),
     "its frequencies count all six stories")
t.eq(df(killed), df(clean), "the same frequencies as the run never killed")
clean.cleanup()
killed.cleanup()


# The same on a first poll that brings back items older than the window
# (a blog's last ten posts, a day apart): the restart replays the window
# alone, and counted only the window's stories stored after the last
# save; the older ones were never counted (7 of 13 stories).
def blog(host, n):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>%s</title><link>http://%s/</link>%s</channel></rss>"
            % (host, host, "".join(
                "<item><title>Qorvane harbour works, part %d</title><link>http://%s/p%d</link>"
                "<guid>%s-%d</guid><pubDate>%s</pubDate><description>Notes on the Qorvane "
                "harbour works, week %d.</description></item>"
                % (i, host, i, host, i, email.utils.formatdate(NOW - 3600 - i * 86400, usegmt=True),
                   i) for i in range(n)))).encode()


gate2 = threading.Event()


def held2(h):
    gate2.wait(60)
    h.reply(200, blog("d.example", 3), "application/rss+xml")


srv.put("/c.xml", blog("c.example", 10), "application/rss+xml")
srv.put("/d.xml", blog("d.example", 3), "application/rss+xml")
srv.routes["/d-held.xml"] = held2
clean, killed = Workdir(), Workdir()
clean.write_config([srv.url("/c.xml"), srv.url("/d.xml")], extra="retention = 0")
r = clean.run_once()
t.eq(r.returncode, 0, "a clean first poll of a blog and feed D exits 0")
killed.write_config([srv.url("/c.xml"), srv.url("/d-held.xml")], extra="retention = 0")
stored = killed.start_killed_at(10)
t.eq(stored, 10, "the blog's ten posts are stored while feed D's response is awaited")
gate2.set()
r = killed.run_once()
t.eq(r.returncode, 0, "the run after kill -9 exits 0")
t.eq(killed.sql("SELECT count(*) FROM stories WHERE event_time < ?", (NOW - 4 * 86400,))[0][0], 6,
     "six of the posts are older than the window")
t.eq(killed.sql("SELECT value FROM meta WHERE key = 'df_total'"),
     clean.sql("SELECT value FROM meta WHERE key = 'df_total'"),
     "its frequencies count all thirteen stories, the posts older than the window too")
t.eq(df(killed), df(clean), "the same frequencies as the first poll never killed")
clean.cleanup()
killed.cleanup()
srv.stop()
t.done()
