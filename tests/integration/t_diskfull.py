#!/usr/bin/env python3
"""A full disk: the database lives on a small tmpfs.  The daemon logs it,
keeps running, loses nothing already committed, and stores everything once
space is back.

Space back while the daemon runs: it stores the rest by itself, and the
search index holds every story.  A COMMIT refused on the full disk (SQLite
then rolls the transaction back itself) left the search index's watermark
of that lost transaction in memory: the stories below it were never
indexed, and FTS5's integrity-check called the index malformed."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, TIDINGSD, ROOT_OVERRIDE, FAKETIME_LIB, \
    serve_generated, stop  # noqa: E402

t = Tap()
w = Workdir()
mnt = os.path.join(w.dir, "small")
os.mkdir(mnt)
if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", mnt],
                                       capture_output=True).returncode != 0:
    w.cleanup()
    t.skip_all("cannot mount a small tmpfs here (needs root)")
try:
    w.db = os.path.join(mnt, "tidings.db")
    srv = Server()
    urls = serve_generated(srv, 60, 40)
    w.write_config(urls[:2])
    r = w.run_once()
    t.eq(r.returncode, 0, "a first small run fits")
    first = w.sql("SELECT id, title FROM stories ORDER BY id")
    t.eq(len(first), 80, "its 80 stories are stored")

    w.write_config(urls)
    r = w.run_once()
    t.eq(r.returncode, 0, "a run that fills the disk still exits 0")
    t.ok("disk full" in r.stderr, "and says the disk is full", r.stderr[-600:])
    t.eq(w.sql("PRAGMA integrity_check"), [("ok",)], "the database is intact")
    t.eq(w.sql("SELECT id, title FROM stories WHERE id <= ? ORDER BY id", (first[-1][0],)), first,
         "nothing committed before is lost")
    partial = w.sql("SELECT count(*) FROM (SELECT feed_id, count(*) c FROM stories GROUP BY feed_id)"
                    " WHERE c != 40")[0][0]
    t.eq(partial, 0, "no feed is half stored")

    # The long-running daemon meets the full disk and keeps running.
    p = subprocess.Popen([TIDINGSD, "-c", w.conf] + ROOT_OVERRIDE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    alive = p.poll() is None
    _, _, err = stop(p, 20)
    t.ok(alive, "the daemon keeps running on a full disk", err[-600:])
    t.eq(p.returncode, 0, "and exits 0 on SIGTERM")

    subprocess.run(["mount", "-o", "remount,size=64m", mnt], check=True)
    r = w.run_once()
    t.eq(r.returncode, 0, "with space back, a run exits 0")
    t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 60 * 40, "every item is stored")
    t.eq(w.sql("SELECT id, title FROM stories WHERE id <= ? ORDER BY id", (first[-1][0],)), first,
         "the first stories are unchanged")
    srv.stop()
finally:
    subprocess.run(["umount", "-l", mnt])
    w.cleanup()

# Space back under the running daemon.
w = Workdir()
mnt = os.path.join(w.dir, "small")
os.mkdir(mnt)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", mnt], check=True)
try:
    w.db = os.path.join(mnt, "tidings.db")
    srv = Server()
    urls = serve_generated(srv, 60, 40)
    w.write_config(urls)
    # The daemon's clocks ten times as fast where libfaketime is
    # installed: the database retry's minute is six seconds here.
    env = dict(os.environ)
    if FAKETIME_LIB:
        env.update(LD_PRELOAD=FAKETIME_LIB, FAKETIME="+0 x10",
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
    p = subprocess.Popen([TIDINGSD, "-c", w.conf] + ROOT_OVERRIDE, stderr=subprocess.PIPE, env=env)
    log = StderrLog(p)
    t.ok(log.wait_for("cycle:"), "the running daemon ends its first cycle on the full disk",
         log.text()[-600:])
    t.ok("disk full" in log.text(), "and says the disk is full", log.text()[-600:])
    subprocess.run(["mount", "-o", "remount,size=64m", mnt], check=True)
    # Every feed refused is polled again after its database retry (60 s,
    # of the daemon's clock).
    stored = log.wait(lambda _: w.sql("SELECT count(*) FROM stories")[0][0] == 60 * 40
                      and not w.sql("SELECT value < (SELECT max(id) FROM stories)"
                                    " FROM meta WHERE key = 'fts_upto'")[0][0], deadline=240)
    rc = log.stop(p)
    t.ok(stored, "with space back, the running daemon stores every item and indexes it",
         log.text()[-600:])
    t.eq(rc, 0, "and exits 0 on SIGTERM")
    t.ok("the disk has room again; storing resumes" in log.text(),
         "and says that storing resumed", log.text()[-600:])
    t.eq(w.sql("PRAGMA integrity_check"), [("ok",)], "the database is intact")
    t.eq(w.fts_ok(), True, "the search index matches the stories")
    t.eq(w.sql("SELECT count(*) FROM stories WHERE id IN (SELECT rowid FROM stories_fts"
               " WHERE stories_fts MATCH 'item')")[0][0], 60 * 40,
         "every story is found by search")
    srv.stop()
finally:
    subprocess.run(["umount", "-l", mnt])
    w.cleanup()
t.done()
