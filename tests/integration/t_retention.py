#!/usr/bin/env python3
"""Retention: stories first seen longer ago than `retention` are deleted
with what hangs off them (story_feeds rows, search index entries, emptied
threads); copies of them lose duplicate_of; everything newer stays.

A feed still listing the items retention deleted (a blog's last posts, a
podcast's every episode) does not bring them back as new stories: they
came back at its next changed document, new ids, seq and threads, and
went again at the next pass, every `retention` for as long as the feed
listed them.  A new item of that feed, and the old items of a feed listed
since, are stored."""
import email.utils
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, generated_rss, rss_doc, serve_generated  # noqa: E402
import invariants  # noqa: E402

t = Tap()
srv = Server()
urls = serve_generated(srv, 4, 30)
w = Workdir()
w.write_config(urls, extra="retention = 10d")
r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 120, "120 stories stored")

# Age the first two feeds' stories by 11 days, and make one young story a
# copy of an old one.
con = sqlite3.connect(w.db)
con.execute("UPDATE stories SET first_seen = first_seen - 11 * 86400 WHERE feed_id IN (1, 2)")
old_ids = [i for (i,) in con.execute("SELECT id FROM stories WHERE feed_id IN (1, 2)")]
young = con.execute("SELECT id FROM stories WHERE feed_id = 3 LIMIT 1").fetchone()[0]
con.execute("UPDATE stories SET duplicate_of = ? WHERE id = ?", (old_ids[0], young))
old_threads = [i for (i,) in con.execute(
    "SELECT DISTINCT thread_id FROM stories WHERE feed_id IN (1, 2)"
    " EXCEPT SELECT thread_id FROM stories WHERE feed_id IN (3, 4)")]
con.execute("UPDATE threads SET last_updated = last_updated - 11 * 86400"
            " WHERE id IN (%s)" % ",".join(map(str, old_threads or [0])))
con.commit()
con.close()

r = w.run_once()
t.eq(r.returncode, 0, "a run with retention due exits 0")
t.ok("retention: 60 stories first seen over 10 days ago deleted" in r.stderr, "retention is logged", r.stderr[-400:])
t.eq(w.sql("SELECT count(*) FROM stories WHERE feed_id IN (1, 2)")[0][0], 0, "old stories are deleted")
t.eq(w.sql("SELECT count(*) FROM stories WHERE feed_id IN (3, 4)")[0][0], 60, "young ones stay")
t.eq(w.sql("SELECT count(*) FROM story_feeds WHERE feed_id IN (1, 2)")[0][0], 0,
     "their story_feeds rows are gone")
t.eq(w.sql("SELECT duplicate_of FROM stories WHERE id = ?", (young,)), [(None,)],
     "a copy of a deleted story keeps its row, without duplicate_of")
t.eq(w.sql("SELECT count(*) FROM threads WHERE id IN (%s)" % ",".join(map(str, old_threads or [0])))[0][0], 0,
     "threads left empty are deleted")
t.eq(w.sql("SELECT count(*) FROM stories s LEFT JOIN threads th ON th.id = s.thread_id"
           " WHERE th.id IS NULL")[0][0], 0, "every remaining story's thread exists")
t.eq(w.fts_ok(), True, "the search index matches the stories")
t.eq(w.sql("PRAGMA foreign_key_check"), [], "no dangling reference")
t.eq(invariants.check(w.db, pruned=True), [], "the threads and stories keep the documented invariants")

# Feeds 1 and 2 have been listed for longer than retention and still list
# the items it deleted (all dated before its cut); their documents change
# (feed 1 gains an item of today), so they are read again.  A fifth feed,
# listed now, lists items as old.
con = sqlite3.connect(w.db)
con.execute("UPDATE feeds SET added = added - 11 * 86400 WHERE id IN (1, 2)")
con.commit()
con.close()
seq_before = w.sql("SELECT max(seq) FROM stories")[0][0]
fresh = ("<item><title>A post of today</title><link>http://feed0.example/a/today</link>"
         "<guid>f0-today</guid><pubDate>%s</pubDate><description>Written today.</description>"
         "</item></channel>" % email.utils.formatdate(time.time() - 3600, usegmt=True))
srv.put("/gen/0.xml", generated_rss(0, 30).replace("</channel>", fresh))
srv.put("/gen/1.xml", generated_rss(1, 30).replace("<channel>", "<channel><ttl>60</ttl>"))
srv.put("/late/9.xml", generated_rss(9, 30))
urls.append(srv.url("/late/9.xml"))
w.write_config(urls, extra="retention = 10d")
r = w.run_once()
t.eq(r.returncode, 0, "a run reading the changed documents exits 0")
t.eq(w.sql("SELECT count(*) FROM stories WHERE feed_id IN (1, 2)")[0][0], 1,
     "the items retention deleted are not stored again")
t.eq(w.sql("SELECT feed_id FROM stories WHERE title = 'A post of today'"), [(1,)],
     "the feed's new item is")
t.eq(w.sql("SELECT count(*) FROM stories WHERE seq > ?", (seq_before,))[0][0], 31,
     "no old story comes back as new for a reader following seq (the new item and the new feed's 30)")
t.eq(w.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id"
           " WHERE f.url LIKE '%/late/%'")[0][0], 30,
     "a feed listed since stores its old items (retention deletes them in turn)")
t.eq(w.fts_ok(), True, "the search index matches the stories")

# A retention in hours is logged in hours (it said "over 0 days ago" for
# 12h, "over 1 days ago" for 36h).
con = sqlite3.connect(w.db)
# (The oldest by id: retention looks no further when the first story is young.)
con.execute("UPDATE stories SET first_seen = first_seen - 2 * 86400 WHERE id IN"
            " (SELECT id FROM stories ORDER BY id LIMIT 30)")
con.commit()
con.close()
w.write_config(urls, extra="retention = 36h")
r = w.run_once()
t.ok(r.returncode == 0 and "retention: 30 stories first seen over 36h ago deleted" in r.stderr,
     "a retention of 36h is logged as such", r.stderr[-400:])
w.cleanup()

# ---- retention's items and a feed whose guids begin to rotate ----------
# The items left out above have a guid new to the feed and a link it has
# no row of, whether its guids rotate or not: counted, they outnumbered
# the feed's stored items, and a blog whose guids began to change at every
# fetch (a new CMS) after retention deleted its old posts was never known
# by link: one story_feeds row more for each of its recent posts at every
# poll (docs/dedup.md, "Feeds whose guids change on every fetch").
def blog(stamp):
    now = time.time()
    return rss_doc("Blog", "https://blog.example/", [
        {"guid": "post-%d%s" % (i, stamp), "link": "https://blog.example/p/%d" % i,
         "title": "Post %d on the harbour tunnel works" % i,
         "text": "Post %d: the harbour tunnel, tide tables and ferry number %d." % (i, i * 7919),
         "date": email.utils.formatdate(now - (3600 * (i + 1) if i < 4 else 86400 * (20 + i)),
                                        usegmt=True)} for i in range(10)])


srv.put("/blog.xml", blog(""))
w = Workdir()
w.write_config([srv.url("/blog.xml")], extra="retention = 10d")
t.eq(w.run_once().returncode, 0, "a blog of 4 recent posts and 6 old ones is read")
con = sqlite3.connect(w.db)
con.execute("UPDATE stories SET first_seen = first_seen - 11 * 86400 WHERE event_time < ?",
            (time.time() - 10 * 86400,))
con.execute("UPDATE feeds SET added = added - 11 * 86400")
con.commit()
con.close()
srv.put("/blog.xml", blog("").replace("<channel>", "<channel><ttl>60</ttl>"))
t.eq(w.run_once().returncode, 0, "a run with retention due exits 0")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 4, "retention deleted the 6 old posts")
rows = []
for n in range(1, 4):
    srv.put("/blog.xml", blog("-%d" % n))
    r = w.run_once()
    rows.append(w.sql("SELECT count(*) FROM story_feeds")[0][0])
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 4, "the old posts stay out")
t.eq(w.sql("SELECT guids_rotate FROM feeds"), [(1,)],
     "guids that change at every fetch are found out, the old posts aside")
t.ok(rows[-1] == rows[-2], "and its recent posts take no more story_feeds rows", rows)
t.eq(invariants.check(w.db, pruned=True), [], "the threads and stories keep the documented invariants")
w.cleanup()

# ---- a --once run with no feed to poll -----------------------------------
# tidings.conf(5): retention runs "at the end of a --once run".  A run that
# found nothing to poll (every listed feed gone, 410, or its host's
# Retry-After still ahead) ended before that pass: a cron install whose
# feeds had all gone kept its stories for ever, whatever the retention.
srv.put("/gone.xml", srv.files[urls[0][len(srv.base):]])
w = Workdir()
w.write_config([srv.url("/gone.xml")], extra="retention = 10d")
t.eq(w.run_once().returncode, 0, "a feed stores 30 stories")
srv.routes["/gone.xml"] = lambda h: h.reply(410, b"gone", "text/plain")
r = w.run_once()
t.ok(r.returncode == 0 and "gone (HTTP 410)" in r.stderr, "then it is gone", r.stderr[-400:])
con = sqlite3.connect(w.db)
con.execute("UPDATE stories SET first_seen = first_seen - 11 * 86400")
con.commit()
con.close()
r = w.run_once()
t.ok(r.returncode == 0 and "no feeds to poll" in r.stderr, "the next run has nothing to poll",
     r.stderr[-400:])
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 0, "and still deletes the old stories")
t.eq(w.fts_ok(), True, "the search index matches the stories")
w.cleanup()

# ---- the oldest story, not the first stored -----------------------------
# A pass looked at the lowest id's first_seen alone to tell whether
# anything was due: a first story stored while the clock ran a month ahead
# (set right since) held retention back for that month, every older story
# after it kept.  And finding the batch walked the stories in id order:
# the last batch of every pass that deletes anything read the whole table
# to its end, four times (a second at 1M stories, hourly).  The batch is a
# range of the first_seen index now (schema version 7).
urls = serve_generated(srv, 2, 30, prefix="/ahead")
w = Workdir()
w.write_config(urls, extra="retention = 10d")
t.eq(w.run_once().returncode, 0, "two feeds store 60 stories")
con = sqlite3.connect(w.db)
first, feed = con.execute("SELECT id, feed_id FROM stories ORDER BY id LIMIT 1").fetchone()
con.execute("UPDATE stories SET first_seen = first_seen + 30 * 86400 WHERE id = ?", (first,))
con.execute("UPDATE stories SET first_seen = first_seen - 11 * 86400 WHERE id <> ? AND feed_id = ?",
            (first, feed))
con.commit()
con.close()
r = w.run_once()
t.ok(r.returncode == 0 and "retention: 29 stories first seen over 10 days ago deleted" in r.stderr,
     "the old stories after a first one stored while the clock ran ahead are deleted",
     r.stderr[-400:])
t.eq(w.sql("SELECT count(*) FROM stories WHERE id = ?", (first,)), [(1,)],
     "the one stored ahead stays (first seen after the cut)")
t.eq(w.sql("SELECT count(*) FROM stories WHERE feed_id <> ?", (feed,))[0][0], 30,
     "the young ones stay")
t.eq(w.fts_ok(), True, "the search index matches the stories")
plan = " ; ".join(row[3] for row in w.sql(
    "EXPLAIN QUERY PLAN SELECT id FROM stories WHERE first_seen < 1 ORDER BY first_seen, id LIMIT 500"))
t.ok("stories_first_seen" in plan and "TEMP B-TREE" not in plan,
     "a retention batch is a range of the first_seen index, in its order", plan)
srv.stop()
w.cleanup()
t.done()
