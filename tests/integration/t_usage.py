#!/usr/bin/env python3
"""What a user meets beyond the happy path, found by using the programs as
a newcomer would: output that cannot be written, options given without
their value, and the other defects an audit found (each check here failed
before its fix)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, read, TIDINGS, TIDINGSD, ROOT_OVERRIDE  # noqa: E402

t = Tap()
for prog in (TIDINGS, TIDINGSD):
    if not os.access(prog, os.X_OK):
        t.skip_all("no %s (run make first)" % prog)

srv = Server()
srv.put("/rss20.xml", read("spine/rss20.xml"), "application/rss+xml")
srv.put("/atom.xml", read("spine/atom10.xml"), "application/atom+xml")
w = Workdir()
w.write_config([srv.url("/rss20.xml"), srv.url("/atom.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once builds the database")


def tidings(*args, stdout=subprocess.PIPE, env=None):
    return subprocess.run([TIDINGS, "-d", w.db] + list(args), stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=60, env=env)


# ---- a listing whose output cannot be written fails ---------------------
# `tidings stories --json > out.json` on a full disk used to exit 0 with a
# truncated file: the write error stayed in stdio's buffer.
if os.path.exists("/dev/full"):
    for args in (["stories"], ["stories", "--json"], ["threads"], ["feeds", "--json"],
                 ["search", "strike"]):
        with open("/dev/full", "w") as full:
            r = tidings(*args, stdout=full)
        t.ok(r.returncode == 1 and "error writing standard output" in r.stderr,
             "tidings %s > /dev/full: exit 1 and says so" % " ".join(args),
             "status %d, stderr %r" % (r.returncode, r.stderr))
    with open("/dev/full", "w") as full:
        r = subprocess.run([TIDINGS, "check", "-c", w.conf], stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=60)
    t.eq(r.returncode, 1, "tidings check > /dev/full: exit 1")

# ---- an option given without its value says so --------------------------
# `tidings -d` or `tidings stories --limit` at the end of the line used to
# be "unknown option '-d'" / "unknown argument '--limit'": wrong, since
# both are documented options.
for args, want in ((["-d"], "tidings: -d needs a value"),
                   (["stories", "--limit"], "tidings: stories: --limit needs a value"),
                   (["search", "--limit"], "tidings: search: --limit needs a value"),
                   (["threads", "--since"], "tidings: threads: --since needs a value"),
                   (["threads", "--min-sources"], "tidings: threads: --min-sources needs a value"),
                   (["threads", "--limit"], "tidings: threads: --limit needs a value"),
                   (["check", "-c"], "tidings: check: -c needs a value"),
                   (["parse", "--json", "--header"], "tidings: parse: --header needs a value")):
    r = subprocess.run([TIDINGS] + args, capture_output=True, text=True, timeout=60)
    t.ok(r.returncode == 1 and r.stderr.startswith(want),
         "tidings %s: '%s'" % (" ".join(args), want),
         "status %d, stderr %r" % (r.returncode, r.stderr))
r = subprocess.run([TIDINGSD, "-c"], capture_output=True, text=True, timeout=60)
t.ok(r.returncode == 1 and r.stderr.startswith("tidingsd: -c needs a value"),
     "tidingsd -c: '-c needs a value'", "status %d, stderr %r" % (r.returncode, r.stderr))

w.cleanup()
srv.stop()
t.done()
