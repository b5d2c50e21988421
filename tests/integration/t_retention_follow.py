#!/usr/bin/env python3
"""Retention as a program following the database sees it (docs/schema.md,
"Following what is new"): a copy whose original is pruned loses its
duplicate_of with a new seq, and a thread that keeps some of its stories
is recounted, with a new seq, so that a reader which remembered the last
seq learns of both, and the counts say what is stored."""
import email.utils
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)

# One wire text printed by two publishers: the second is a copy of the
# first and joins its thread.
WIRE = ("Officials in the northern province said on Tuesday that the reservoir dam "
        "would be reinforced after heavy rains raised water levels to a record, "
        "and that residents of three villages downstream had been asked to leave "
        "their homes as a precaution while engineers inspect the structure overnight.")
now = int(time.time())


def feed(host, minutes_ago):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            '<title>%s</title><link>http://%s/</link><item>'
            '<title>Dam to be reinforced after record rains</title>'
            '<link>http://%s/news/dam</link><guid isPermaLink="false">dam</guid>'
            '<pubDate>%s</pubDate><description>%s</description></item>'
            '</channel></rss>' % (host, host, host,
                                  email.utils.formatdate(now - minutes_ago * 60, usegmt=True),
                                  WIRE))


srv = Server()
srv.put("/a.xml", feed("alpha.example", 30))
srv.put("/b.xml", feed("beta.example", 20))
w = Workdir()
w.write_config([srv.url("/a.xml")], extra="retention = 10d")
t.eq(w.run_once().returncode, 0, "the original is stored")
w.write_config([srv.url("/a.xml"), srv.url("/b.xml")], extra="retention = 10d")
t.eq(w.run_once().returncode, 0, "the copy is stored")
rows = w.sql("SELECT id, host, duplicate_of, thread_id FROM stories ORDER BY id")
t.eq(len(rows), 2, "two stories")
(orig, _, _, th), (copy, _, dup, th2) = rows
t.eq((dup, th2), (orig, th), "the second is a copy of the first, in its thread")
t.eq(w.sql("SELECT story_count, source_count FROM threads WHERE id = ?", (th,)), [(2, 2)],
     "the thread counts two stories from two sources")

# The original was first seen 11 days ago; a reader has read everything.
con = sqlite3.connect(w.db)
con.execute("UPDATE stories SET first_seen = first_seen - 11 * 86400 WHERE id = ?", (orig,))
con.commit()
con.close()
last_seq = w.sql("SELECT max(seq) FROM (SELECT seq FROM stories UNION ALL SELECT seq FROM threads)")[0][0]

r = w.run_once()
t.eq(r.returncode, 0, "a run with retention due exits 0")
t.eq(w.sql("SELECT id FROM stories"), [(copy,)], "the original is pruned, the copy stays")
t.eq(w.sql("SELECT duplicate_of FROM stories WHERE id = ?", (copy,)), [(None,)],
     "the copy's duplicate_of is cleared")
# The documented recipe, literally: what changed after the last seq read.
changed = w.sql("SELECT id, seq FROM stories WHERE seq > ? ORDER BY seq", (last_seq,))
t.ok([i for i, _ in changed] == [copy], "a reader following seq sees the copy change", changed)
t.eq(w.sql("SELECT story_count, source_count FROM threads WHERE id = ?", (th,)), [(1, 1)],
     "the thread that kept a story counts one story from one source")
t.ok(w.sql("SELECT seq FROM threads WHERE id = ?", (th,))[0][0] > last_seq,
     "and a reader following threads' seq sees that")
t.eq(w.sql("SELECT count(*) FROM threads t WHERE story_count !="
           " (SELECT count(*) FROM stories s WHERE s.thread_id = t.id)"), [(0,)],
     "every thread's story_count is its number of stories")
t.eq(w.sql("PRAGMA foreign_key_check"), [], "no dangling reference")
t.eq(w.fts_ok(), True, "the search index matches the stories")
srv.stop()
w.cleanup()
t.done()
