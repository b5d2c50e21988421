#!/usr/bin/env python3
"""A damaged database: a page of a table or index of tidings.db
overwritten with garbage (an SD card's flipped bits, a torn write on cheap
storage), built here with Workdir.damage().

Every response was refused ("database error, will retry in 60 s: database
disk image is malformed" or "loading the clustering state ..."), at every
poll, for ever: the daemon fetched on and stored nothing, --once exited 0,
and under systemd the service looked healthy.  Now it stops at the first
write that meets the damage, says the database is damaged and to restore
a backup, and exits 2 (which the unit does not restart); the stories
stored before stay.  So at start-up when the feed list cannot be synced
into a damaged index.  (A damaged search index alone: t_damaged_fts.py.)"""
import os
import subprocess
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Tap, Server, Workdir, StderrLog, TIDINGS, TIDINGSD,  # noqa: E402
                     generated_rss, need_programs, serve_generated)

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)


def stderr_errors(r):
    return [line for line in r.stderr.splitlines() if line.startswith(("error", "crit"))]


FEEDS, FIRST = 12, 10
srv = Server()


def damaged_db(table, seed):
    urls = serve_generated(srv, FEEDS, FIRST, prefix="/%s" % table)
    w = Workdir()
    w.write_config(urls)
    t.eq(w.run_once().returncode, 0, "%s: the daemon fills a database" % table)
    con = sqlite3.connect(w.db)         # every feed due at the next start
    con.execute("UPDATE feeds SET next_poll = 0")
    con.commit()
    con.close()
    w.damage(table, seed)
    for k in range(FEEDS):
        srv.put("/%s/%d.xml" % (table, k), generated_rss(k, FIRST + 5))
    return w


def said_damaged(text):
    return "damaged database" in text and "restore a backup" in text and "README" in text


def kept(w):
    return w.sql("SELECT count(*) FROM stories NOT INDEXED")[0][0]


# An index every new story goes into.
w = damaged_db("stories_seq", 3)
r = w.run_once()
t.eq(r.returncode, 2, "an index of stories damaged: --once exits 2")
t.ok(said_damaged(r.stderr), "saying the database is damaged and what to do", r.stderr[-1500:])
t.eq([e for e in stderr_errors(r) if "will retry" in e], [], "and retrying nothing")
t.eq(kept(w), FEEDS * FIRST, "the stories stored before are kept")
c = subprocess.run([TIDINGS, "-d", w.db, "stories", "--limit", "3"], capture_output=True, text=True,
                   timeout=60)
t.ok(c.returncode == 0 and "Item" in c.stdout, "and `tidings stories` still shows them",
     c.stdout + c.stderr)

# The daemon as the service runs it: it stops by itself.
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait_for("damaged database"), "the running daemon says so", log.text()[-1500:])
try:
    rc = p.wait(60)
except subprocess.TimeoutExpired:
    rc = None
t.eq(rc, 2, "and exits 2, not polling on for ever")
if rc is None:
    log.stop(p)
t.eq(log.count("will retry"), 0, "having retried nothing")
t.eq(kept(w), FEEDS * FIRST, "nothing is lost")
w.cleanup()

# The table the clustering state is read from.
w = damaged_db("threads", 4)
r = w.run_once()
t.eq(r.returncode, 2, "the threads damaged: --once exits 2")
t.ok(said_damaged(r.stderr), "saying the database is damaged", r.stderr[-1500:])
t.eq(kept(w), FEEDS * FIRST, "the stories are kept")
w.cleanup()

# An index of the feeds: the list is synced into it at start.
w = damaged_db("sqlite_autoindex_feeds_2", 5)
r = w.run_once()
t.eq(r.returncode, 2, "an index of the feeds damaged: refused at start, exit 2")
t.ok(said_damaged(r.stderr), "saying the database is damaged", r.stderr[-1500:])
t.ok("polled" not in r.stderr, "no feed is polled", r.stderr[-1500:])
t.ok(kept(w) >= FEEDS * FIRST, "the stories are kept", kept(w))
w.cleanup()
srv.stop()
t.done()
