#!/usr/bin/env python3
"""A reader allowed to read tidings.db but not its -wal or -shm.

The daemon keeps the -wal and -shm files for good (docs/schema.md,
"Basics"), so they keep the mode and group they were made with.  A
database made by tidingsd run by hand under umask 077 is 0600, and so are
they; the administrator who then gives the database to the readers' group
(`chgrp tidings tidings.db; chmod 640 tidings.db`) has given them nothing:
`tidings` said "not a tidings database: unable to open database file".
Now it names the file it may not read and what to do; with the -wal and
-shm given the same mode and group, it reads."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Workdir, spine_server, need_programs, TIDINGS, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
if os.geteuid() != 0:
    t.skip_all("needs root to drop to nobody")
import pwd  # noqa: E402
nobody = pwd.getpwnam("nobody")


def as_nobody():
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)


srv = spine_server("/rss20.xml", "/atom.xml")
w = Workdir()
w.write_config([srv.url("/rss20.xml"), srv.url("/atom.xml")])
old = os.umask(0o077)
try:
    r = w.run_once()
finally:
    os.umask(old)
t.eq(r.returncode, 0, "tidingsd --once under umask 077 fills a database")
files = [w.db, w.db + "-wal", w.db + "-shm"]
t.eq([oct(os.stat(f).st_mode & 0o777) if os.path.exists(f) else None for f in files],
     [oct(0o600)] * 3, "the database, its -wal and -shm are 0600")
os.chmod(w.dir, 0o755)
os.chown(w.db, -1, nobody.pw_gid)
os.chmod(w.db, 0o640)


def stories():
    return subprocess.run([TIDINGS, "-d", w.db, "stories"], capture_output=True, text=True,
                          timeout=60, preexec_fn=as_nobody)


r = stories()
t.ok(r.returncode == 1 and r.stdout == "" and "not a tidings database" not in r.stderr
     and "cannot read the database: %s-" % w.db in r.stderr and "Permission denied" in r.stderr,
     "the database alone given to the reader's group: the -wal or -shm it may not read is"
     " named, not 'not a tidings database'", (r.returncode, r.stderr))
for f in files[1:]:
    os.chown(f, -1, nobody.pw_gid)
    os.chmod(f, 0o640)
r = stories()
t.ok(r.returncode == 0 and "Port strike" in r.stdout,
     "given the same mode and group, they are read", (r.returncode, r.stderr))
srv.stop()
w.cleanup()
t.done()
