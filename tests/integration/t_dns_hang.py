#!/usr/bin/env python3
"""A host name whose lookup hangs (a name server that does not answer: the
resolver's own timeouts, 5 s times 2 attempts per server by default and
more with `options timeout:` in resolv.conf, outlast connect_timeout).
libcurl resolves on a thread of its own; when it gave up on such a
transfer, or when the daemon dropped it at shutdown, it waited on the
event loop for that thread's getaddrinfo() to return.  The loop stood
still all that while (no other response stored, no SIGTERM heard, no
watchdog keep-alive: with the service's WatchdogSec=60s a long enough
lookup got the daemon killed), and a SIGTERM during the lookup took the
5 s grace plus whatever the lookup had left, up to the unit's
TimeoutStopSec= and its SIGKILL.

Here getaddrinfo() is replaced (LD_PRELOAD) for names under .hang.test by
one that blocks until the test lets it go: without the fix each check
below waits for that release forever."""
import contextlib
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, serve_generated, preload_shim  # noqa: E402

SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Names under .hang.test: say so in $HANG_DIR/asked, then block until
 * $HANG_DIR/release exists, and fail as a timed-out lookup does. */
int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res)
{
	int (*real)(const char *, const char *, const struct addrinfo *,
	            struct addrinfo **) =
		(int (*)(const char *, const char *, const struct addrinfo *,
		         struct addrinfo **))dlsym(RTLD_NEXT, "getaddrinfo");
	const char *dir = getenv("HANG_DIR");
	size_t n = node ? strlen(node) : 0;

	if (dir && n > 10 && strcmp(node + n - 10, ".hang.test") == 0) {
		char p[4096];

		snprintf(p, sizeof p, "%s/asked", dir);
		close(open(p, O_WRONLY | O_CREAT, 0644));
		snprintf(p, sizeof p, "%s/release", dir);
		while (access(p, F_OK) != 0)
			usleep(20000);
		return EAI_AGAIN;
	}
	return real(node, service, hints, res);
}
"""

t = Tap()
lib, build = preload_shim(t, SHIM, "getaddrinfo shim")

srv = Server()
local = serve_generated(srv, 2, 3)
HUNG = "http://feed.hang.test/rss.xml"


def hung_env(w):
    d = os.path.join(w.dir, "hang")
    os.mkdir(d)
    # (ASan wants its runtime first; the shim is preloaded before it.)
    return d, dict(os.environ, LD_PRELOAD=lib, HANG_DIR=d,
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")


@contextlib.contextmanager
def hung_daemon(extra):
    """A running daemon (its Workdir, process, StderrLog, hang directory)
    polling the hanging name and a local feed; afterwards the lookup is
    let go, the daemon killed if it still runs, the directory removed."""
    w = Workdir()
    hang, env = hung_env(w)
    w.write_config([HUNG, local[0]], extra=extra)
    p = w.start(env=env, stderr=subprocess.PIPE)
    try:
        yield w, p, StderrLog(p), hang
    finally:
        open(os.path.join(hang, "release"), "w").close()
        if p.poll() is None:
            p.kill()
            p.wait()
        w.cleanup()


# ---- connect_timeout passes while the lookup still hangs -----------------
with hung_daemon("connect_timeout = 1s\ntimeout = 2s\n") as (w, p, log, hang):
    t.ok(log.wait(lambda s: os.path.exists(os.path.join(hang, "asked"))),
         "the daemon looks the name up", log.text())
    # The transfer ends at connect_timeout, the lookup goes on: the loop
    # must not wait for it to report the feed, nor to store another one.
    t.ok(log.wait_for("feed.hang.test/rss.xml: timeout after 1 s", deadline=30),
         "the feed times out while its lookup still hangs", log.text())
    w.write_config([HUNG, local[0], local[1]], extra="connect_timeout = 1s\ntimeout = 2s\n")
    p.send_signal(signal.SIGHUP)   # a feed added, polled soon
    t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM stories")[0][0] == 6, deadline=30),
         "a feed added meanwhile is polled and stored", log.text())
    rc = log.stop(p, 30)
    t.eq(rc, 0, "SIGTERM: exit 0 while the lookup still hangs")

# ---- SIGTERM during the lookup ------------------------------------------
# The transfer is still within connect_timeout (the default 10 s is
# raised so that it stays so): the 5 s grace passes, the transfer is
# abandoned, and the daemon exits without waiting for the lookup.
with hung_daemon("connect_timeout = 5m\ntimeout = 10m\n") as (w, p, log, hang):
    t.ok(log.wait(lambda s: os.path.exists(os.path.join(hang, "asked"))
                  and w.sql("SELECT count(*) FROM stories")[0][0] == 3),
         "the lookup hangs, the other feed is stored", log.text())
    rc = log.stop(p, 60)
    t.eq(rc, 0, "SIGTERM during the lookup: exit 0, not killed at the deadline")
    t.ok("1 transfers still running after 5 s; abandoned" in log.text(),
         "the hung transfer is abandoned after the grace", log.text()[-800:])
    t.eq(w.sql("PRAGMA quick_check"), [("ok",)], "the database is intact")

srv.stop()
shutil.rmtree(build)
t.done()
