#!/usr/bin/env python3
"""The database holds feed URLs with their passwords (feeds.url), so a new
one is not for every local user to read: under the usual umask 022 the
daemon made tidings.db, and SQLite its -wal and -shm after it, 0644.  It
now creates the database 0640 (the owner writes, the group reads: the
service's model, where readers join the tidings group), and SQLite gives
the -wal and -shm files the database's mode.  A stricter umask still
applies; an existing database keeps the mode its owner gave it."""
import os
import signal
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, spine_server, need_programs, Workdir, StderrLog, \
    TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = spine_server("/rss20.xml")


def modes(w):
    """{suffix: permission bits in octal} of the database's files that exist."""
    out = {}
    for suffix in ("", "-wal", "-shm"):
        try:
            out[suffix] = "%04o" % stat.S_IMODE(os.stat(w.db + suffix).st_mode)
        except FileNotFoundError:
            pass
    return out


def fresh(mask):
    """A new database made by tidingsd --once under umask mask: its modes."""
    w = Workdir()
    w.write_config([srv.url("/rss20.xml")])
    old = os.umask(mask)
    try:
        r = w.run_once()
    finally:
        os.umask(old)
    got = modes(w)
    stories = w.sql("SELECT count(*) FROM stories")[0][0] if r.returncode == 0 else 0
    w.cleanup()
    return r, got, stories


r, got, stories = fresh(0o022)
t.ok(r.returncode == 0 and stories > 0, "tidingsd --once makes a new database under umask 022",
     r.stderr)
t.eq(got, {"": "0640", "-wal": "0640", "-shm": "0640"},
     "umask 022: tidings.db, -wal and -shm are 0640 (no access for others)")

r, got, _ = fresh(0o077)
t.eq((r.returncode, got), (0, {"": "0600", "-wal": "0600", "-shm": "0600"}),
     "umask 077: 0600, the umask still narrows the mode")

# The daemon does not chmod a database it did not create: an owner who
# made it 0644 on purpose (or tightens it after an upgrade) decides.
w = Workdir()
w.write_config([srv.url("/rss20.xml")])
old = os.umask(0o022)
try:
    t.eq(w.run_once().returncode, 0, "a database to keep")
    for suffix in ("", "-wal", "-shm"):
        os.chmod(w.db + suffix, 0o644)
    r = w.run_once()
finally:
    os.umask(old)
t.eq((r.returncode, modes(w)), (0, {"": "0644", "-wal": "0644", "-shm": "0644"}),
     "an existing database keeps its mode")
w.cleanup()

# Feed URLs with a password in them: said when every local user can read
# the feed list or the database that hold it (ssh's stance on a key).
w = Workdir()
url = srv.url("/rss20.xml").replace("http://", "http://reader:s3cret@")
w.write_config([url])
os.chmod(w.feeds, 0o644)
old = os.umask(0o022)
try:
    r = w.run_once()
    warned = [line for line in r.stderr.splitlines() if "every local user can read" in line]
    t.ok(r.returncode == 0 and len(warned) == 1 and w.feeds in warned[0]
         and "passwords of 1 feed;" in warned[0] and "chmod o-r " + w.feeds in warned[0],
         "a world-readable feed list holding a password is named, with the fix", r.stderr)
    t.ok(not any("s3cret" in line for line in r.stderr.splitlines()),
         "the warning does not print the password")
    os.chmod(w.feeds, 0o640)
    r = w.run_once()
    t.ok(r.returncode == 0 and "every local user" not in r.stderr,
         "0640: nothing to say (the new database is 0640 too)", r.stderr)
    for suffix in ("", "-wal", "-shm"):
        os.chmod(w.db + suffix, 0o644)
    r = w.run_once()
    t.ok(r.returncode == 0 and "%s: every local user can read it" % w.db in r.stderr
         and "-wal and -shm" in r.stderr, "a world-readable database holding one is named",
         r.stderr)
finally:
    os.umask(old)
w.cleanup()

# The -wal holds the feeds' rows (their passwords) too, and while the
# daemon runs it keeps its mode: `chmod o-r tidings.db` alone, then a
# reload, silenced the warning with the -wal still open to everyone.
w = Workdir()
w.write_config([url])
os.chmod(w.feeds, 0o640)
old = os.umask(0o022)
try:
    t.eq(w.run_once().returncode, 0, "a database holding a password")
    for suffix in ("", "-wal", "-shm"):
        os.chmod(w.db + suffix, 0o644)
    p = w.start(stderr=subprocess.PIPE)
    log = StderrLog(p)
    t.ok(log.wait_for("%s: every local user can read it" % w.db)
         and log.wait_for("tidingsd "), "a readable database is named at start", log.text())
    os.chmod(w.db, 0o640)                # the -wal forgotten
    wal_mode = stat.S_IMODE(os.stat(w.db + "-wal").st_mode)
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded") and wal_mode == 0o644
         and log.count("%s-wal: every local user can read it" % w.db) == 1
         and "chmod o-r %s and its -wal and -shm files" % w.db in log.text(),
         "on reload, the readable -wal is named (mode %o)" % wal_mode, log.text())
    os.chmod(w.db + "-wal", 0o640)
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded", 2) and log.count("-wal: every local user") == 1,
         "closed too: nothing more to say", log.text())
    # The configuration names another database, readable by all, taken at
    # the next start: the reload said that file held the passwords, and
    # nothing of the one still open that holds them.
    other = os.path.join(w.dir, "other.db")
    with open(other, "w"):
        pass
    os.chmod(other, 0o644)
    os.chmod(w.db, 0o644)
    with open(w.conf) as f:
        conf = f.read()
    with open(w.conf, "w") as f:
        f.write(conf.replace("database = %s" % w.db, "database = %s" % other))
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded", 3) and log.count("%s: every local user" % other) == 0
         and log.count("%s: every local user can read it" % w.db) == 2,
         "database path changed on reload: the warning names the database in use",
         log.text())
    t.eq(log.stop(p), 0, "the daemon stops cleanly")
finally:
    os.umask(old)
w.cleanup()

# A password holding ' " < or > (RFC 3986 allows ' in userinfo; libcurl
# sends all four as written): the log masked nothing after the quote, so
# every line about the feed showed the password, and the warning counted
# none.  Here at log level debug, and with a 404 feed for the warning line.
w = Workdir()
pw = "it's\"<x>"
url = srv.url("/rss20.xml").replace("http://", "http://reader:%s@" % pw)
gone = srv.url("/gone.xml").replace("http://", "http://reader:%s@" % pw)
w.write_config([url, gone])
os.chmod(w.feeds, 0o644)
r = w.run_once("-v")
t.ok(r.returncode == 0 and w.sql("SELECT count(*) FROM stories")[0][0] > 0,
     "a feed whose password holds ' \" < > is fetched", r.stderr)
t.ok("passwords of 2 feeds" in r.stderr, "the readable feed list is warned about", r.stderr)
t.ok(not any(pw in line or "it's" in line for line in r.stderr.splitlines())
     and "reader:***@127.0.0.1" in r.stderr and "HTTP 404" in r.stderr,
     "no log line shows that password", r.stderr)
w.cleanup()

w = Workdir()
w.write_config([srv.url("/rss20.xml")])
os.chmod(w.feeds, 0o644)
r = w.run_once()
t.ok(r.returncode == 0 and "every local user" not in r.stderr,
     "a world-readable feed list without passwords is fine", r.stderr)
w.cleanup()

srv.stop()
t.done()
