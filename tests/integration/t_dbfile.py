#!/usr/bin/env python3
"""What a careless admin does to the database's files.

A database (or its -wal) that the daemon's user may not write: refused at
start with the file named and exit 2 (it used to run, refetch every feed
each minute, store nothing, and --once exited 0).  So is one whose -wal
and -shm are gone from a directory the user may not write in, with the
directory named.

A file that is not tidings' database (a mistyped `database =` naming
another program's SQLite file; a copy made with the sqlite3 shell's .dump,
which loses user_version): refused with exit 2 and a message, every byte of
it left as it was.  The daemon used to create its tables in the other
program's file and poll into it, or to refuse it only after switching it
to WAL; `tidings` called it "empty schema" or "no such table: stories".

The database deleted, or a copy moved over it, under a running daemon: it
used to store on into the file no one would open again (lost at exit,
without a word), and left its -wal for SQLite to replay into the file put
in its place.  Now it stores nothing more, says so, stops with exit 3, and
empties that -wal; the next start uses what the path names, intact.  Exit 3,
not 2: the service's RestartPreventExitStatus= lists 1 and 2 (a person must
put those right), and after this one systemd starts the daemon again by
itself on the new file, as tidingsd(8) and the README say; with exit 2 it
stayed stopped."""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Tap, Server, Workdir, StderrLog, TIDINGSD, TIDINGS, ROOT, DATA,  # noqa: E402
                     serve_generated)

ITEMS = 5
t = Tap()
srv = Server()
urls = serve_generated(srv, 6, ITEMS)
bodies = dict(srv.files)
gate = threading.Event()


def held(path):
    def route(h):
        gate.wait(120)
        h.reply(200, bodies[path], "application/rss+xml", {"ETag": '"%s"' % path})
    return route


# ---- not writable ------------------------------------------------------
SETPRIV = shutil.which("setpriv")
if os.geteuid() == 0 and SETPRIV:
    w = Workdir()
    os.chmod(w.dir, 0o777)
    w.write_config(urls[:2])

    def as_nobody():
        return subprocess.run([SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups",
                               TIDINGSD, "-c", w.conf, "--once"],
                              capture_output=True, text=True, timeout=60)

    r = as_nobody()
    t.eq(r.returncode, 0, "a database made by an unprivileged user", )
    os.chmod(w.db, 0o444)
    r = as_nobody()
    t.eq(r.returncode, 2, "made read-only: exit 2")
    t.ok("cannot write the database: %s: Permission denied" % w.db in r.stderr,
         "naming the file and why", r.stderr)
    t.ok("polled" not in r.stderr, "no feed is polled", r.stderr)
    os.chmod(w.db, 0o640)
    os.chmod(w.db + "-wal", 0o444)
    r = as_nobody()
    t.eq(r.returncode, 2, "its -wal made read-only: exit 2")
    t.ok("cannot write the database" in r.stderr, "saying so", r.stderr)
    os.chmod(w.db + "-wal", 0o640)
    t.eq(as_nobody().returncode, 0, "writable again: it runs")
    t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 2 * ITEMS, "nothing was lost")
    # A directory the user may not write in: with the -wal and -shm the
    # daemon leaves, it runs; without them (deleted, as a restore does)
    # SQLite can make neither, and said only "attempt to write a readonly
    # database", `tidings` "not a tidings database: attempt to write...".
    os.chmod(w.dir, 0o755)
    r = as_nobody()
    t.eq(r.returncode, 0, "a directory it may not write in, -wal and -shm there: it runs")
    os.unlink(w.db + "-wal")
    os.unlink(w.db + "-shm")
    r = as_nobody()
    t.eq(r.returncode, 2, "without them: exit 2")
    t.ok("%s: cannot write the database: %s: Permission denied (its -wal and -shm are missing"
         % (w.db, w.dir) in r.stderr, "naming the directory and why", r.stderr)
    cli = subprocess.run([SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups",
                          TIDINGS, "-d", w.db, "stories"], capture_output=True, text=True,
                         timeout=60)
    t.ok(cli.returncode == 1 and "%s: cannot read the database: %s: Permission denied" % (w.db, w.dir)
         in cli.stderr and "not a tidings database" not in cli.stderr,
         "tidings stories says so too, not 'not a tidings database'", cli.stderr)
    os.chmod(w.dir, 0o777)
    t.eq(as_nobody().returncode, 0, "the directory writable again: it runs")
    t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 2 * ITEMS, "nothing was lost")
    w.cleanup()
else:
    t.ok(True, "# SKIP the read-only cases need root and setpriv (to drop root)")


# ---- not tidings' file --------------------------------------------------
def other_program(path, version, tables):
    con = sqlite3.connect(path)
    for name in tables:
        con.execute("CREATE TABLE %s (id INTEGER PRIMARY KEY, body TEXT)" % name)
        con.execute("INSERT INTO %s (body) VALUES ('theirs')" % name)
    con.execute("PRAGMA user_version = %d" % version)
    con.commit()
    con.close()


def dumped(path):
    """A tidings database as a reload of `sqlite3 .dump` has it."""
    shutil.copy(os.path.join(DATA, "db", "v5.db"), path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 0")
    con.commit()
    con.close()


FOREIGN = [
    ("another program's database", lambda p: other_program(p, 0, ["notes", "tags"]),
     "not a tidings database (another program's tables); refusing to touch it"),
    ("another feed reader's, with a feeds table", lambda p: other_program(p, 0, ["feeds"]),
     "not a tidings database (another program's tables); refusing to touch it"),
    ("one with a user_version of its own", lambda p: other_program(p, 3, ["notes"]),
     "not a tidings database (no tidings tables); refusing to touch it"),
    ("tidings' tables reloaded from .dump", dumped,
     "tidings' tables without a schema version (user_version 0, as in a copy made with"
     " .dump); refusing to touch it"),
]
for what, make, said in FOREIGN:
    w = Workdir()
    w.write_config(urls[:1])
    make(w.db)
    with open(w.db, "rb") as f:
        before = f.read()
    r = w.run_once()
    t.eq(r.returncode, 2, "%s: tidingsd exits 2" % what)
    t.ok("%s: %s" % (w.db, said) in r.stderr, "%s: saying so" % what, r.stderr)
    t.ok("polled" not in r.stderr, "%s: no feed is polled" % what, r.stderr)
    cli = subprocess.run([TIDINGS, "-d", w.db, "stories"], capture_output=True, text=True)
    t.ok(cli.returncode == 1 and said in cli.stderr, "%s: tidings stories says so too" % what,
         "status %d, stderr %r" % (cli.returncode, cli.stderr))
    with open(w.db, "rb") as f:
        t.ok(f.read() == before, "%s: not a byte of it changed (journal mode included)" % what)
    t.eq(sorted(os.listdir(w.dir)), ["feeds.txt", "tidings.conf", "tidings.db"],
         "%s: no -wal or -shm made beside it" % what)
    w.cleanup()

# An empty file, or a SQLite file with nothing in it, is the database to be.
for what, make in (("a file of length 0", lambda p: open(p, "wb").close()),
                   ("an empty SQLite file", lambda p: other_program(p, 0, []))):
    w = Workdir()
    w.write_config(urls[:1])
    make(w.db)
    r = w.run_once()
    t.eq((r.returncode, w.sql("SELECT count(*) FROM stories")[0][0]), (0, ITEMS),
         "%s becomes the database" % what)
    w.cleanup()


# ---- removed or replaced under the running daemon -----------------------
def running(w):
    """A daemon over urls[:2] stored and urls[2:] held at the server."""
    for u in urls[2:]:
        path = u[len(srv.base):]
        srv.routes[path] = held(path)
    gate.clear()
    w.write_config(urls)
    p = w.start(stderr=subprocess.PIPE)
    log = StderrLog(p)
    t.ok(log.wait_for("tidingsd "), "the daemon runs", log.text())
    return p, log


def quick_check(w):
    try:
        return w.sql("PRAGMA quick_check")
    except sqlite3.DatabaseError as e:
        return str(e)


def finish(p, log, what):
    gate.set()
    try:
        rc = p.wait(timeout=60)       # a deadline only against a hang
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        rc = "still running, stopped by SIGTERM: %r" % p.wait(timeout=60)
    log.thread.join(10)
    t.eq(rc, 3, "%s: it stops by itself, exit 3" % what)
    t.ok(isinstance(rc, int) and rc not in no_restart,
         "%s: an exit status the service restarts after (RestartPreventExitStatus=%s)"
         % (what, " ".join(map(str, sorted(no_restart)))), rc)
    t.ok("removed or replaced while tidingsd ran" in log.text(), "saying why", log.text())
    t.ok(" new (" not in log.text(), "storing nothing into the file it had open", log.text())


# The exit statuses systemd does not restart the service after.
no_restart = set()
with open(os.path.join(ROOT, "systemd", "tidingsd.service")) as f:
    for line in f:
        if line.startswith("RestartPreventExitStatus="):
            no_restart |= {int(x) for x in line.split("=", 1)[1].split() if x.isdigit()}
t.ok(no_restart >= {1, 2}, "the unit names the statuses that need a person", no_restart)

w = Workdir()
w.write_config(urls[:2])
t.eq(w.run_once().returncode, 0, "two feeds stored")
p, log = running(w)
for sfx in ("", "-wal", "-shm"):
    os.unlink(w.db + sfx)
finish(p, log, "files deleted")
r = w.run_once()
t.eq(r.returncode, 0, "the next start makes a new database")
t.eq(w.sql("SELECT count(*), count(DISTINCT guid) FROM stories"), [(6 * ITEMS, 6 * ITEMS)],
     "filled from the feeds, each item once")
w.cleanup()

w = Workdir()
w.write_config(urls[:2])
t.eq(w.run_once().returncode, 0, "two feeds stored")
copy = os.path.join(w.dir, "copy.db")
con = sqlite3.connect("file:%s?mode=ro" % w.db, uri=True)
con.execute("VACUUM INTO ?", (copy,))
con.close()
p, log = running(w)            # its start writes the four new feeds to the -wal
os.rename(copy, w.db)          # the copy, without them, put in place
finish(p, log, "a copy moved over it")
t.ok(os.path.getsize(w.db + "-wal") == 0, "the -wal it wrote is emptied")
t.eq(quick_check(w), [("ok",)], "the copy is intact (SQLite replays a -wal left beside it)")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 2 * ITEMS, "and holds what it held")
r = w.run_once()
t.eq(r.returncode, 0, "the next start uses the copy")
t.eq(w.sql("SELECT count(*), count(DISTINCT guid) FROM stories"), [(6 * ITEMS, 6 * ITEMS)],
     "and stores the rest, each item once")
t.eq(quick_check(w), [("ok",)], "still intact")
w.cleanup()
srv.stop()
t.done()
