#!/usr/bin/env python3
"""`retention` and `give_up_after` written without a unit.  A bare number
is seconds, so `retention = 30` (meant as days) deleted every story
older than 30 seconds at the next pass, and `give_up_after = 14` retired
every feed 14 s into its first outage.  A bare number under an hour for
these two keys is now an error of the configuration, on its line, with
the units to write; the daemon stops there, the database untouched."""
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, generated_rss, need_programs, TIDINGSD, \
    TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()
srv.put("/a.xml", generated_rss(1, 4), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/a.xml")])
r = w.run_once(timeout=60)
t.ok(r.returncode == 0 and w.sql("SELECT count(*) FROM stories") == [(4,)],
     "four stories stored", r.stderr)


def backdate(seconds):
    """The stories first seen `seconds` earlier, as if stored then."""
    con = sqlite3.connect(w.db)
    with con:
        con.execute("UPDATE stories SET first_seen = first_seen - ?", (seconds,))
    con.close()


backdate(120)
for key, value in (("retention", "30"), ("retention", "1"), ("retention", "3599"),
                   ("give_up_after", "14"), ("give_up_after", "600")):
    # the key on line 4, after database and feeds
    w.write_config([srv.url("/a.xml")], extra="%s = %s" % (key, value))
    r = w.run_once(timeout=60)
    want = "%s:4: %s: a bare %s is %s seconds" % (w.conf, key, value, value)
    t.ok(r.returncode == 1 and want in r.stderr and "%sd" % value in r.stderr,
         "%s = %s: refused on its line, the units named" % (key, value),
         "status %d, stderr %r" % (r.returncode, r.stderr))
    t.eq(w.sql("SELECT count(*) FROM stories"), [(4,)], "%s = %s: no story deleted"
         % (key, value))
    c = subprocess.run([TIDINGS, "check", "-c", w.conf], capture_output=True, text=True,
                       timeout=60)
    t.ok(c.returncode == 1 and want in c.stderr, "%s = %s: tidings check says so too"
         % (key, value), "status %d, stderr %r" % (c.returncode, c.stderr))

# What stays as it was: 0 (off), a unit, and a bare count of seconds of an
# hour or more (written by someone counting in seconds).
for extra in ("retention = 0", "give_up_after = 0", "retention = 30d",
              "give_up_after = 3600", "retention = 7776000"):
    w.write_config([srv.url("/a.xml")], extra=extra)
    r = w.run_once(timeout=60)
    t.ok(r.returncode == 0 and w.sql("SELECT count(*) FROM stories") == [(4,)],
         "%s is taken" % extra, "status %d, stderr %r" % (r.returncode, r.stderr))

# 30 seconds written as such is what it says.
w.write_config([srv.url("/a.xml")], extra="retention = 30s")
r = w.run_once(timeout=60)
t.ok(r.returncode == 0 and w.sql("SELECT count(*) FROM stories") == [(0,)],
     "retention = 30s deletes stories first seen 2 minutes ago",
     "status %d, stderr %r" % (r.returncode, r.stderr))

srv.stop()
w.cleanup()
t.done()
