#!/usr/bin/env python3
"""A low limit on open files (ulimit -n, systemd's LimitNOFILE=) against
the configured concurrency.  Past the limit every transfer started failed
at once with "Couldn't connect to server", charged to its feed as the
server's error: `concurrency = 1024` under systemd's default soft limit of
1024 failed 9 feeds of 10 in a cycle.  The soft limit is raised to what
the transfers need when the hard one allows; below that, the transfers
at once are cut to what fits, with a warning, and every feed is fetched."""
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, generated_rss, need_programs, TIDINGSD, ROOT_OVERRIDE  # noqa: E402

N_FEEDS, N_ITEMS, LIMIT = 120, 3, 64
t = Tap()
need_programs(t, TIDINGSD)
srv = Server()


def slow(path, body):
    # Holds every connection open a while, as a slow server does: the
    # daemon has as many transfers in flight as it allows itself.
    def route(h):
        time.sleep(0.5)
        h.reply(200, body, "application/rss+xml")
    return route


urls = []
for k in range(N_FEEDS):
    path = "/slow/%d.xml" % k
    srv.routes[path] = slow(path, generated_rss(k, N_ITEMS, words=10).encode())
    urls.append(srv.url(path))
w = Workdir()
w.write_config(urls, extra="concurrency = 1024\nper_host = 64\n")


def run(soft, hard):
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return subprocess.run([TIDINGSD, "-c", w.conf, "--once"] + ROOT_OVERRIDE,
                          capture_output=True, text=True, timeout=300, preexec_fn=limit)


# 1. Soft and hard limit both low: fewer transfers at once.
r = run(LIMIT, LIMIT)
t.eq(r.returncode, 0, "--once under a limit of %d open files exits 0" % LIMIT)
t.ok("open files" in r.stderr and "ulimit -n" in r.stderr,
     "a warning names the open files limit", r.stderr[-2000:])
t.ok("connect" not in r.stderr, "no transfer fails to connect", r.stderr[-2000:])
t.eq(w.sql("SELECT count(*) FROM feeds WHERE last_status = 200 AND consecutive_errors = 0")[0][0],
     N_FEEDS, "every feed fetched")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], N_FEEDS * N_ITEMS, "every item stored")

# 2. A low soft limit under a high hard one (systemd's 1024 under 524288):
# raised, silently.
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(w.db + suffix):
        os.unlink(w.db + suffix)
# concurrency = 1024 needs 1024 x 4 + 32 open files (FDS_PER_TRANSFER).
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
if hard != resource.RLIM_INFINITY and hard < 8192:
    t.ok(True, "# SKIP the hard limit on open files is under 8192 here")
else:
    r = run(LIMIT, 8192)
    t.eq(r.returncode, 0, "a low soft limit under a high hard one: exits 0")
    t.ok("open files" not in r.stderr and "connect" not in r.stderr,
         "the soft limit is raised: no warning, no transfer fails", r.stderr[-2000:])
    t.eq(w.sql("SELECT count(*) FROM feeds WHERE last_status = 200")[0][0], N_FEEDS,
         "every feed fetched")
srv.stop()
w.cleanup()
t.done()
