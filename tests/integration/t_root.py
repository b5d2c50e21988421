#!/usr/bin/env python3
"""tidingsd started as root outside systemd refuses, naming the user to
run as and the override; under systemd ($INVOCATION_ID, $NOTIFY_SOCKET)
or with --allow-root it runs."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, read, TIDINGSD  # noqa: E402

t = Tap()
if not os.access(TIDINGSD, os.X_OK):
    t.skip_all("no %s (run make first)" % TIDINGSD)
if os.geteuid() != 0:
    t.skip_all("not running as root")

srv = Server()
srv.put("/rss20.xml", read("spine/rss20.xml"), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/rss20.xml")])
base = {k: v for k, v in os.environ.items()
        if k not in ("INVOCATION_ID", "NOTIFY_SOCKET", "JOURNAL_STREAM")}


def run(*args, **env):
    return subprocess.run([TIDINGSD, "-c", w.conf, "--once"] + list(args),
                          capture_output=True, text=True, timeout=60,
                          env=dict(base, **env))


r = run()
t.eq(r.returncode, 1, "as root outside systemd: exit status 1")
t.ok("refusing to run as root" in r.stderr, "says it refuses", r.stderr)
t.ok("'tidings' user" in r.stderr, "names the user to run as", r.stderr)
t.ok("--allow-root" in r.stderr, "names the override", r.stderr)
t.ok(not os.path.exists(w.db), "the database is not created")
t.eq(srv.hits, {}, "nothing is fetched")

r = run(INVOCATION_ID="0123456789abcdef0123456789abcdef")
t.eq(r.returncode, 0, "with $INVOCATION_ID (started by systemd): runs")
r = run(NOTIFY_SOCKET=os.path.join(w.dir, "nowhere.sock"))
t.eq(r.returncode, 0, "with $NOTIFY_SOCKET: runs")
r = run(INVOCATION_ID="")
t.eq(r.returncode, 1, "an empty $INVOCATION_ID does not count")
r = run("--allow-root")
t.eq(r.returncode, 0, "--allow-root: runs")
t.ok(os.path.exists(w.db), "and writes its database")

h = subprocess.run([TIDINGSD, "--help"], capture_output=True, text=True)
t.ok("--allow-root" in h.stdout, "--help lists --allow-root", h.stdout)

srv.stop()
w.cleanup()
t.done()
