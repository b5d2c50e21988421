#!/usr/bin/env python3
"""`database` naming a directory.  Written as one ("/var/lib/tidings/",
"/var/lib/tidings/."), a directory that did not exist yet was made a
database file of that name by SQLite, which drops the "/" and "."
elements, while the daemon's one-daemon-per-database lock was taken on
the path as written, which then could not be opened: a second daemon ran
on the same file, and the file was 0644 where tidings makes its
databases 0640.  A directory that exists was refused only after the feed
list was read, as "cannot open database", with no line of the file.
Both are now an error of the configuration, "FILE:LINE: database: ...",
from the daemon and from `tidings check`, before anything is made."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, generated_rss, need_programs, TIDINGSD, \
    TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()
srv.put("/a.xml", generated_rss(1, 2), "application/rss+xml")


def tree(top):
    out = []
    for d, dirs, files in os.walk(top):
        out += [os.path.relpath(os.path.join(d, n), top) for n in dirs + files]
    return sorted(out)


w = Workdir()
os.mkdir(os.path.join(w.dir, "state"))
cases = [
    ("new/", "a directory not made yet, with its slash"),
    ("new/.", "a directory not made yet, with /."),
    ("new/..", "a directory not made yet, with /.."),
    ("state/", "an existing directory, with its slash"),
    ("state/.", "an existing directory, with /."),
    ("state", "an existing directory, without"),
    (".", "the configuration's own directory"),
]
for value, what in cases:
    for absolute in (True, False):
        v = os.path.join(w.dir, value) if absolute else value
        # database on line 2, as write_config() puts it
        w.write_config([srv.url("/a.xml")])
        with open(w.conf) as f:
            text = f.read().replace("database = %s\n" % w.db, "database = %s\n" % v)
        with open(w.conf, "w") as f:
            f.write(text)
        before = tree(w.dir)
        r = w.run_once(timeout=60)
        name = "%s (%s)" % (what, "absolute" if absolute else "relative")
        want = "%s:2: database: " % w.conf
        t.ok(r.returncode == 1 and want in r.stderr and "directory" in r.stderr,
             "%s: a configuration error on its line" % name,
             "status %d, stderr %r" % (r.returncode, r.stderr))
        t.eq(tree(w.dir), before, "%s: nothing made" % name)
        c = subprocess.run([TIDINGS, "check", "-c", w.conf], capture_output=True, text=True,
                           timeout=60)
        t.ok(c.returncode == 1 and want in c.stderr,
             "%s: tidings check says so too" % name,
             "status %d, stderr %r" % (c.returncode, c.stderr))
        # what the old code made, out of the next case's way
        for n in set(tree(w.dir)) - set(before):
            if os.path.isfile(os.path.join(w.dir, n)):
                os.unlink(os.path.join(w.dir, n))

# A file name still works, and one that exists too (the run before made it).
w.write_config([srv.url("/a.xml")])
for n in (1, 2):
    r = w.run_once(timeout=60)
    t.ok(r.returncode == 0 and w.sql("SELECT count(*) FROM stories") == [(2,)],
         "a database file name works (run %d)" % n,
         "status %d, stderr %r" % (r.returncode, r.stderr))

srv.stop()
w.cleanup()
t.done()
