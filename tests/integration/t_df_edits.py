#!/usr/bin/env python3
"""An edited story counts once in the document frequencies (docs/schema.md,
term_df: "the number of stories containing it").  A story edited while
the clusterer holds it was counted once; one edited after it left the
window (a live blog retitled at every poll for days, its pubDate its
first post's) was placed again as a new story and counted again: one
story more in df_total and in the frequency of each of its words at every
such edit (every poll, with a tidingsd --once a poll), saved and kept.
Here three edits counted it four times."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

NOW = int(time.time())
# The live blog's headline and lead at each poll: each edit material (a
# new headline and a text no near copy of the old one).
LIVE = [("Live: Vexbrook dam breach, engineers inspect the spillway",
         "Engineers at the Vexbrook dam reported cracks in the spillway on Monday."),
        ("Live: Vexbrook dam breach, evacuation ordered downstream",
         "Residents below the dam were told to leave their homes as the rain kept falling."),
        ("Live: Vexbrook dam breach, army sends pumps and sandbags",
         "Soldiers arrived overnight with heavy pumps while the water board met in emergency session."),
        ("Live: Vexbrook dam breach, repairs will take weeks",
         "The regional governor said the repair bill would run into the millions.")]


def date(ago):
    return email.utils.formatdate(NOW - ago, usegmt=True)


def rss(k, live_age):
    items = ["<item><title>%s</title><link>http://a.example/live</link><guid>live</guid>"
             "<pubDate>%s</pubDate><description>%s</description></item>"
             % (LIVE[k][0], date(live_age), LIVE[k][1]),
             # Another story with the blog's word: df 2, a saved row.
             "<item><title>Vexbrook reservoir levels fall after dry summer</title>"
             "<link>http://a.example/levels</link><guid>levels</guid><pubDate>%s</pubDate>"
             "<description>The reservoir is at half its usual height.</description></item>"
             % date(20 * 86400)]
    for i in range(k + 1):  # one new story a poll
        items.append("<item><title>Harbour ferry timetable %s</title><link>http://a.example/f%d"
                     "</link><guid>f%d</guid><pubDate>%s</pubDate><description>The ferry "
                     "company changed sailing %d.</description></item>"
                     % ("first second third fourth".split()[i], i, i, date(3600 - 60 * i), i))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>A</title><link>http://a.example/</link>%s</channel></rss>"
            % "".join(items)).encode()


def counted(w):
    return (w.sql("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'df_total'")[0][0],
            w.sql("SELECT coalesce(sum(df), 0) FROM term_df WHERE term = 'vexbrook'")[0][0])


t = Tap()
srv = Server()
for name, age in (("older than the window", 10 * 86400), ("in the window", 2 * 3600)):
    w = Workdir()
    w.write_config([srv.url("/a.xml")], extra="retention = 0")
    for k in range(len(LIVE)):
        srv.put("/a.xml", rss(k, age), "application/rss+xml")
        r = w.run_once()
        t.eq(r.returncode, 0, "%s: run %d exits 0" % (name, k + 1))
    t.eq(w.sql("SELECT title FROM stories WHERE link = 'http://a.example/live'"), [(LIVE[-1][0],)],
         "%s: the live blog is one story, with its last headline" % name)
    n = w.sql("SELECT count(*) FROM stories")[0][0]
    t.eq(n, 2 + len(LIVE), "%s: the stories stored" % name)
    t.eq(counted(w), (n, 2), "%s: each counted once, the blog's word in two stories" % name)
    w.cleanup()
srv.stop()
t.done()
