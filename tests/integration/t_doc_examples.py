#!/usr/bin/env python3
"""Every example query of docs/schema.md and every reader's example of the
README (sqlite3 shell lines, Python), run as printed but for the
database's path, against a database the daemon filled: in the sqlite3
shell and in Python's sqlite3 module, read-only.  A reader copies these;
they must run."""
import os
import re
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, ROOT, Workdir, spine_server, need_programs, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
if not shutil.which("sqlite3"):
    t.skip_all("no sqlite3 shell")
DOC_DB = "/var/lib/tidings/tidings.db"
# Values for the named parameters the examples use.
PARAMS = {"id": 1, "last_id": 0, "last_seq": 0}


def blocks(path, lang):
    with open(os.path.join(ROOT, path)) as f:
        return re.findall(r"```%s\n(.*?)```" % lang, f.read(), re.S)


srv = spine_server("/rss20.xml", "/atom.xml", "/rss10.xml")
w = Workdir()
w.write_config([srv.url(p) for p in ("/rss20.xml", "/atom.xml", "/rss10.xml")])
t.eq(w.run_once().returncode, 0, "the daemon fills a database")

sql = blocks("docs/schema.md", "sql")
t.ok(len(sql) >= 5, "docs/schema.md has its example queries (%d)" % len(sql))
for i, q in enumerate(sql):
    name = "schema.md query %d (%s)" % (i + 1, " ".join(q.split())[:40])
    con = sqlite3.connect("file:%s?mode=ro" % w.db, uri=True, timeout=5)
    try:
        con.execute(q, {k: v for k, v in PARAMS.items() if ":" + k in q}).fetchall()
        err = None
    except sqlite3.Error as e:
        err = str(e)
    con.close()
    t.ok(err is None, name + ": runs in Python", err)
    shell = ["sqlite3", "-bail", "file:%s?mode=ro" % w.db]
    shell += [".param set :%s %d" % (k, v) for k, v in PARAMS.items() if ":" + k in q]
    r = subprocess.run(shell + [q], capture_output=True, text=True, timeout=60)
    t.ok(r.returncode == 0 and not r.stderr, name + ": runs in the sqlite3 shell", r.stderr)

py = blocks("docs/schema.md", "python") + blocks("README.md", "python")
t.ok(len(py) >= 2, "the Python examples are found (%d)" % len(py))
for i, code in enumerate(py):
    r = subprocess.run([sys.executable, "-c", code.replace(DOC_DB, w.db)],
                       capture_output=True, text=True, timeout=60)
    t.ok(r.returncode == 0 and r.stdout.strip(), "Python example %d runs and prints stories" % (i + 1),
         r.stderr[-400:])

# The README's shell examples that read or copy the database.
backup_dir = os.path.join(w.dir, "backups")
os.mkdir(backup_dir)
sh = [b for b in blocks("README.md", "sh") if DOC_DB in b]
t.ok(len(sh) >= 2, "the README's shell examples on the database are found (%d)" % len(sh))
for i, code in enumerate(sh):
    code = code.replace(DOC_DB, w.db).replace("/var/backups", backup_dir)
    # Under the usual umask: the backup example sets its own.
    r = subprocess.run(["bash", "-e", "-c", code], capture_output=True, text=True, timeout=60,
                       preexec_fn=lambda: os.umask(0o022))
    t.ok(r.returncode == 0 and not r.stderr, "README shell example %d runs" % (i + 1),
         r.stderr[-400:])
copies = os.listdir(backup_dir)
t.ok(len(copies) == 1 and sqlite3.connect(os.path.join(backup_dir, copies[0]))
     .execute("PRAGMA integrity_check").fetchall() == [("ok",)],
     "the backup example made one intact copy", copies)
# The copy holds feeds.url with its passwords, as the database does.
t.ok(len(copies) == 1 and not os.stat(os.path.join(backup_dir, copies[0])).st_mode & 0o077,
     "and under umask 022 only its owner may read it",
     copies and oct(os.stat(os.path.join(backup_dir, copies[0])).st_mode))

# Their plans, in a database with statistics as the daemon's has (its
# PRAGMA optimize writes them), those of a million stories in 500,000
# threads: no example reads a whole table of stories or threads.  The chain
# to a merged thread's survivor, written as a join of threads with the
# recursive table, had SQLite build a Bloom filter from every row of threads
# (80 ms at a million threads).
con = sqlite3.connect(w.db)
con.execute("ANALYZE")
con.execute("UPDATE sqlite_stat1 SET stat = CASE tbl WHEN 'threads' THEN '500000' ELSE '1000000' END"
            " || substr(stat, instr(stat || ' ', ' ')) WHERE tbl IN ('stories', 'threads', 'story_feeds')")
con.commit()
con.close()
con = sqlite3.connect("file:%s?mode=ro" % w.db, uri=True)
full_scan = re.compile(r"^SCAN (stories|threads|story_feeds|[st])( |$)(?!VIRTUAL)")
for i, q in enumerate(sql):
    name = "schema.md query %d (%s)" % (i + 1, " ".join(q.split())[:40])
    plan = [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + q,
                                          {k: v for k, v in PARAMS.items() if ":" + k in q})]
    t.ok(not [p for p in plan if "BLOOM FILTER" in p or full_scan.match(p)],
         name + ": no scan of a whole table", " ; ".join(plan))
# thread_overview's sources and latest_story_id (and so the sources of
# `tidings threads`) come from the index of a thread's stories (version 8):
# read from each story's row, past its content, the 24-hour query above
# took 190 ms at 350,000 stories in threads of up to 26,000 stories.
plan = [row[3] for row in con.execute(
    "EXPLAIN QUERY PLAN SELECT sources, latest_story_id FROM thread_overview WHERE id = 1")]
reads = [p for p in plan if p.startswith(("SEARCH s ", "SCAN s "))]
t.ok(len(reads) == 2 and all("USING COVERING INDEX stories_thread" in p for p in reads),
     "thread_overview reads a thread's hosts and latest story from its index alone",
     " ; ".join(plan))
con.close()
srv.stop()
w.cleanup()
t.done()
