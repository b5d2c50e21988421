#!/usr/bin/env python3
"""`tidings` on a database another program has locked readers out of.

tidingsd never does (WAL: readers never wait for it), but another
program can: one in exclusive locking mode, as here, or one writing a
file not in WAL mode (a restored `VACUUM INTO` copy before tidingsd
starts on it).  `tidings` waited out its busy timeout (5 s) and then
two more times, and said "not a tidings database: database is locked",
as if the file were someone else's.  Now it says that the database is
locked by another program after the one wait, exit 1; once the lock goes,
it reads as before."""
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Workdir, spine_server, need_programs, TIDINGS, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = spine_server("/rss20.xml", "/atom.xml")
w = Workdir()
w.write_config([srv.url("/rss20.xml"), srv.url("/atom.xml")])
t.eq(w.run_once().returncode, 0, "the daemon fills a database")


def feeds():
    return subprocess.run([TIDINGS, "-d", w.db, "feeds"], capture_output=True, text=True,
                          timeout=60)


locker = sqlite3.connect(w.db, isolation_level=None)
locker.execute("PRAGMA locking_mode = EXCLUSIVE")
locker.execute("BEGIN EXCLUSIVE")
locker.execute("UPDATE meta SET value = value WHERE key = 'seq'")
r = feeds()
t.ok(r.returncode == 1 and "locked by another program" in r.stderr
     and "not a tidings database" not in r.stderr,
     "while another program holds the lock: it says so, not 'not a tidings database'",
     (r.returncode, r.stderr))
t.eq(r.stdout, "", "and prints no listing")
locker.execute("ROLLBACK")
locker.close()
r = feeds()
t.ok(r.returncode == 0 and r.stdout.count("\n") == 3, "once the lock is gone it reads as before",
     (r.returncode, r.stdout, r.stderr))
srv.stop()
w.cleanup()
t.done()
