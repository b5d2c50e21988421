#!/usr/bin/env python3
"""Backing up as the README says: `VACUUM INTO` through a read-only
connection, in the sqlite3 shell, while the daemon ingests.  Every copy is
one self-contained file (no -wal needed), passes integrity_check, is at the
current schema version and holds whole feed responses only; restoring one
(the daemon stopped, the copy in place, -wal and -shm deleted) gives a
database the daemon goes on with."""
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Tap, Server, Workdir, serve_generated, need_programs,  # noqa: E402
                     TIDINGSD, TIDINGS, ROOT_OVERRIDE)

N_FEEDS, N_ITEMS = 200, 30
t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
if not shutil.which("sqlite3"):
    t.skip_all("no sqlite3 shell")
srv = Server()
urls = serve_generated(srv, N_FEEDS, N_ITEMS)
w = Workdir()
w.write_config(urls[:1])
t.eq(w.run_once().returncode, 0, "a first feed is stored")
w.write_config(urls, extra="concurrency = 8\nper_host = 8")

daemon = subprocess.Popen([TIDINGSD, "-c", w.conf, "--once"] + ROOT_OVERRIDE,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
copies, failures = [], []
while True:
    done = daemon.poll() is not None
    target = os.path.join(w.dir, "backup-%d.db" % len(copies))
    # The README's command, literally but for the paths.
    r = subprocess.run(["sqlite3", "-cmd", ".timeout 5000", "file:%s?mode=ro" % w.db,
                        "VACUUM INTO '%s'" % target],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        failures.append(r.stderr)
    else:
        copies.append(target)
    if done or len(copies) >= 50:
        break
t.eq(daemon.wait(timeout=120), 0, "the daemon ingested while backups were taken")
t.eq(failures, [], "every VACUUM INTO succeeded")

bad = []
version = w.sql("PRAGMA user_version")[0][0]
for path in copies:
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    state = (con.execute("PRAGMA integrity_check").fetchall(),
             con.execute("PRAGMA user_version").fetchone()[0],
             con.execute("PRAGMA journal_mode").fetchone()[0],
             con.execute("SELECT count(*) FROM stories s WHERE NOT EXISTS"
                         " (SELECT 1 FROM story_feeds f WHERE f.story_id = s.id)").fetchone()[0],
             con.execute("SELECT count(*) FROM (SELECT feed_id, count(*) c FROM stories"
                         " GROUP BY feed_id) WHERE c != ?", (N_ITEMS,)).fetchone()[0])
    con.close()
    if state != ([("ok",)], version, "delete", 0, 0) or os.path.exists(path + "-wal"):
        bad.append((os.path.basename(path), state))
t.ok(copies and not bad, "%d copies: each one file, intact, version %d (the live file's),"
     " whole feeds only" % (len(copies), version), bad)

# Restore the first copy, as the README says.
first = copies[0]
n_first = sqlite3.connect(first).execute("SELECT count(*) FROM stories").fetchone()[0]
shutil.copy(first, w.db)
for suffix in ("-wal", "-shm"):
    if os.path.exists(w.db + suffix):
        os.unlink(w.db + suffix)
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], n_first, "the restored copy is in place")
r = w.run_once()
t.ok(r.returncode == 0, "the daemon runs on the restored copy", r.stderr[-400:])
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], N_FEEDS * N_ITEMS,
     "and stores again what the copy did not have")
t.eq(w.sql("SELECT count(*) FROM (SELECT feed_id, ident FROM story_feeds"
           " GROUP BY feed_id, ident HAVING count(*) > 1)")[0][0], 0, "nothing twice")
t.eq(w.sql("PRAGMA integrity_check"), [("ok",)], "integrity_check ok after the restore")
cli = subprocess.run([TIDINGS, "-d", w.db, "threads"], capture_output=True, text=True)
t.ok(cli.returncode == 0 and cli.stdout.strip(), "tidings threads reads it", cli.stderr)
srv.stop()
w.cleanup()
t.done()
