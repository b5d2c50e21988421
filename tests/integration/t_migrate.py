#!/usr/bin/env python3
"""Migrations, tested from every earlier schema version with data in it:
tests/data/db/vN.db was written by the tidings of version N (see
tests/data/db/make_db.py).  Today's tidingsd opens a copy, migrates it, keeps
every row, and goes on storing; search and deletes work across old and new
stories.  (A newer version is refused untouched: t_spine/t_crash.)"""
import glob
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, read, DATA, TIDINGS  # noqa: E402
import subprocess  # noqa: E402

# Today's schema version, as the daemon has it (store.h): a new one needs a
# vN.db of the version before it, below.
with open(os.path.join(os.path.dirname(DATA), "..", "daemon", "store.h")) as f:
    CURRENT = int(re.search(r"^#define STORE_SCHEMA_VERSION (\d+)", f.read(), re.M).group(1))
t = Tap()
srv = Server()
srv.put("/new.xml", read("spine/rss20.xml").replace(b"gazette", b"newsroom"),
        "application/rss+xml")

TABLES = {
    # (the columns the old version had: later versions add some)
    "stories": "SELECT %s FROM stories ORDER BY id",
    "story_feeds": "SELECT * FROM story_feeds ORDER BY story_id, feed_id",
    # (a thread's counts and title move on as new stories join it)
    "threads": "SELECT id, first_seen FROM threads ORDER BY id",
}

olds = sorted(glob.glob(os.path.join(DATA, "db", "v*.db")),
              key=lambda p: int(re.search(r"v(\d+)\.db$", p).group(1)))
# Every one, not any one: a version whose file is missing (deleted, or
# never made when the schema moved on) is a migration no test runs.
t.eq([os.path.basename(p) for p in olds], ["v%d.db" % v for v in range(1, CURRENT)],
     "a database of every earlier version is kept (v1 .. v%d)" % (CURRENT - 1))
for path in olds:
    v = int(re.search(r"v(\d+)\.db$", path).group(1))
    name = "v%d" % v
    w = Workdir(prefix="tidings-migrate-")
    shutil.copy(path, w.db)
    cols = ", ".join(c[0] for c in w.sql("SELECT name FROM pragma_table_info('stories')"))
    queries = {k: q % cols if "%s" in q else q for k, q in TABLES.items()}
    before = {k: w.sql(q) for k, q in queries.items()}
    t.eq(w.sql("PRAGMA user_version"), [(v,)], name + ": the copy is at version %d" % v)
    t.ok(len(before["stories"]) > 0, name + ": it holds stories", len(before["stories"]))

    # A reader upgraded before the daemon has migrated the file reads it.
    cli = subprocess.run([TIDINGS, "-d", w.db, "stories", "--json"], capture_output=True,
                         text=True)
    t.ok(cli.returncode == 0 and '"image": null' in cli.stdout and '"tags": []' in cli.stdout,
         name + ": tidings stories reads it unmigrated (image null, tags [])", cli.stderr)
    t.eq(w.sql("PRAGMA user_version"), [(v,)], name + ": and leaves it at version %d" % v)

    w.write_config([srv.url("/new.xml")])
    r = w.run_once()
    t.ok(r.returncode == 0, name + ": tidingsd --once on it exits 0", r.stderr[-400:])
    t.eq(w.sql("PRAGMA user_version"), [(CURRENT,)], name + ": migrated to version %d" % CURRENT)
    after = {k: w.sql(q) for k, q in queries.items()}
    for k in TABLES:
        t.ok(set(before[k]) <= set(after[k]), name + ": every %s row kept as it was" % k,
             sorted(set(before[k]) - set(after[k])))
    t.ok(len(after["stories"]) > len(before["stories"]), name + ": new stories stored after it",
         len(after["stories"]))
    t.eq(w.sql("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN"
               " ('stories_duplicate_of', 'threads_merged_into') ORDER BY name"),
         [("stories_duplicate_of",), ("threads_merged_into",)],
         name + ": the indexes of version 2 exist")
    t.eq(w.sql("SELECT k, v FROM stories_fts_config WHERE k IN ('automerge', 'crisismerge',"
               " 'pgsz') ORDER BY k"), [("automerge", 16), ("crisismerge", 32), ("pgsz", 8000)],
         name + ": the search index's merge settings of version 3")
    t.eq(w.sql("SELECT count(*) FROM pragma_table_info('feeds') WHERE name = 'retry_after'"),
         [(1,)], name + ": feeds.retry_after of version 4")
    t.eq(w.sql("SELECT count(*) FROM stories WHERE image IS NOT NULL OR tags IS NOT NULL"),
         [(0,)], name + ": stories.image and stories.tags of version 5, NULL where the"
         " feeds named none")
    if v < 6:   # (a file of version 6 has it where its feeds asked)
        t.eq(w.sql("SELECT count(*) FROM feeds WHERE hint_interval IS NOT NULL AND url <> ?",
                   (srv.url("/new.xml"),)), [(0,)],
             name + ": feeds.hint_interval of version 6, NULL until a feed's next document")
    t.eq(w.sql("SELECT sql FROM sqlite_master WHERE name = 'stories_first_seen'"),
         [("CREATE INDEX stories_first_seen ON stories(first_seen)",)],
         name + ": the index of version 7 retention finds its batches by")
    t.eq(w.sql("SELECT sql FROM sqlite_master WHERE name = 'stories_thread'"),
         [("CREATE INDEX stories_thread ON stories(thread_id, host, event_time)",)],
         name + ": the index of version 8 a thread's publishers and times are read from")
    t.eq(w.sql("SELECT name FROM pragma_table_info('thread_stories') ORDER BY cid")[-2:],
         [("image",), ("tags",)], name + ": thread_stories gives them last")
    t.eq(w.sql("SELECT count(*) FROM thread_stories"),
         w.sql("SELECT count(*) FROM stories WHERE thread_id IS NOT NULL"),
         name + ": and a row for every story in a thread")
    t.eq(w.sql("PRAGMA integrity_check"), [("ok",)], name + ": integrity_check ok")
    t.eq(w.fts_ok(), True, name + ": the search index matches the stories")
    t.eq(w.sql("SELECT value FROM meta WHERE key = 'fts_upto'"),
         w.sql("SELECT max(id) FROM stories"), name + ": every story indexed (fts_upto)")
    # Search finds old and new stories alike.
    hits = w.sql("SELECT s.link FROM stories_fts JOIN stories s ON s.id = stories_fts.rowid"
                 " WHERE stories_fts MATCH 'strike' ORDER BY s.id")
    t.ok(any("gazette" in h[0] for h in hits) and any("newsroom" in h[0] for h in hits),
         name + ": search finds stories from before and after the migration", hits)
    cli = subprocess.run([TIDINGS, "-d", w.db, "search", "strike"], capture_output=True, text=True)
    t.ok(cli.returncode == 0 and "strike" in cli.stdout.lower(), name + ": tidings search works",
         cli.stderr)
    # A deleted old story leaves the index through the migrated trigger.
    import sqlite3  # noqa: E402
    con = sqlite3.connect(w.db)
    victim = con.execute("SELECT min(id) FROM stories WHERE title LIKE '%strike%'").fetchone()[0]
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("DELETE FROM stories WHERE id = ?", (victim,))
    con.commit()
    con.close()
    t.eq(w.fts_ok(), True, name + ": after deleting an old story the index still matches")
    t.eq(w.sql("SELECT count(*) FROM stories_fts WHERE rowid = ?", (victim,)), [(0,)],
         name + ": the deleted story is no longer found")
    w.cleanup()
srv.stop()
t.done()
