#!/usr/bin/env python3
"""Database paths as operators give them.

SQLite's unix VFS opens a database only while its full path (from /,
symbolic links resolved) with "-journal" after it fits in 512 bytes, so
504 bytes at most: far below PATH_MAX, and reached by a deep directory, a
name in a non-Latin script (three bytes a letter) or a relative path under
a deep working directory.  A longer one was refused with SQLite's "unable
to open database file" and a stale errno: the daemon said "No such file or
directory" of a file that was there (it had just made it), `tidings`
"Inappropriate ioctl for device".  Both now say the path is too long and
what the limit is.  Paths with blanks, non-ASCII names and a symbolic link
to the database work as any other."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Workdir, spine_server, need_programs, TIDINGSD, TIDINGS, \
    ROOT_OVERRIDE  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = spine_server("/rss20.xml")
LIMIT = 504


def deep_dir(base, total):
    """A directory under base whose path, plus "/" and a one-letter name,
    is `total` bytes long; made."""
    parts, rest = [], total - len(base) - 3   # "/" + "/" + name
    while rest > 60:
        parts.append("d" * 50)
        rest -= 51
    parts.append("e" * rest)
    d = os.path.join(base, *parts)
    os.makedirs(d)
    return d


def run(w, confdir, db):
    """tidingsd --once with its configuration in confdir naming db (relative
    to confdir when it is): its CompletedProcess."""
    conf = os.path.join(confdir, "tidings.conf")
    with open(conf, "w") as f:
        f.write("[daemon]\ndatabase = %s\nfeeds = %s\n" % (db, w.feeds))
    return subprocess.run([TIDINGSD, "-c", conf, "--once"] + ROOT_OVERRIDE,
                          capture_output=True, text=True, timeout=120)


def cli(db, cwd=None):
    return subprocess.run([TIDINGS, "-d", db, "stories", "--json"], capture_output=True,
                          text=True, timeout=60, cwd=cwd)


w = Workdir()
w.write_config([srv.url("/rss20.xml")])
base = os.path.realpath(w.dir)

# At the limit: stored and read as usual.
d = deep_dir(os.path.join(base, "at"), LIMIT)
r = run(w, d, "t")
t.eq((r.returncode, len(os.path.join(d, "t"))), (0, LIMIT),
     "a database path of %d bytes: tidingsd --once runs" % LIMIT)
t.ok(cli(os.path.join(d, "t")).returncode == 0, "and tidings reads it")

# One byte longer: said, by both.
d = deep_dir(os.path.join(base, "over"), LIMIT + 1)
r = run(w, d, "t")
t.eq(r.returncode, 2, "a path of %d bytes: tidingsd exits 2" % (LIMIT + 1))
t.ok("SQLite takes %d at most" % LIMIT in r.stderr and "No such file" not in r.stderr,
     "saying the path is too long, not that the file is missing", r.stderr)
c = cli(os.path.join(d, "t"))
t.ok(c.returncode == 1 and "SQLite takes %d at most" % LIMIT in c.stderr,
     "tidings says the same", c.stderr)
c = cli("t", cwd=d)
t.ok(c.returncode == 1 and "SQLite takes %d at most" % LIMIT in c.stderr,
     "also for a relative path under a deep working directory", c.stderr)

# A short link to it does not help: SQLite resolves links.
link = os.path.join(base, "link.db")
os.symlink(os.path.join(d, "t"), link)
c = cli(link)
t.ok(c.returncode == 1 and "SQLite takes %d at most" % LIMIT in c.stderr,
     "nor through a symbolic link with a short name", c.stderr)

# A loop of links is not called too long.
loop = os.path.join(base, "loop")
os.makedirs(loop)
os.symlink("b.db", os.path.join(loop, "a.db"))
os.symlink("a.db", os.path.join(loop, "b.db"))
r = run(w, loop, "a.db")
t.ok(r.returncode == 2 and "at most" not in r.stderr, "a loop of symbolic links: not said to be"
     " too long", r.stderr)

# Blanks, non-ASCII and a link to the database elsewhere: as any path.
d = os.path.join(base, "my news", "Nachrichten über Ämter")
os.makedirs(d)
r = run(w, d, "tidings db.sqlite")
db = os.path.join(d, "tidings db.sqlite")
t.ok(r.returncode == 0 and cli(db).returncode == 0 and cli(db).stdout.count('"id"') > 0,
     "a path with blanks and non-ASCII letters", r.stderr)
os.symlink(db, os.path.join(base, "short.db"))
r = run(w, base, "short.db")
t.ok(r.returncode == 0, "a database through a symbolic link", r.stderr)
t.ok(not os.path.exists(os.path.join(base, "short.db-wal")) and os.path.exists(db + "-wal"),
     "its -wal beside the file the link names, as SQLite keeps it")
t.ok(cli(os.path.join(base, "short.db")).returncode == 0, "and tidings reads it through the link")

w.cleanup()
srv.stop()
t.done()
