#!/usr/bin/env python3
"""A machine that was suspended (a laptop closed for the night, a host
put to sleep) is not a clock that jumped.  While it sleeps the wall clock
and CLOCK_BOOTTIME move on and CLOCK_MONOTONIC stands still
(clock_gettime(2)).  The daemon measured the wall clock against
CLOCK_MONOTONIC, so on waking it took the night for a clock set forward:
it logged "the system clock jumped +N s" and moved every feed's next
poll, and every host's Retry-After, a night ahead.  The feeds that had
become due while it slept were not polled on waking but up to an
interval later (a day for a feed at max_interval).

Here clock_gettime(), gettimeofday() and time() are replaced (LD_PRELOAD)
by ones that add the seconds in $SLEPT_FILE to the wall clock and to
CLOCK_BOOTTIME, as sleeping that long does; a clock set with `date -s`
(t_time.py, libfaketime) still moves the next polls."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, serve_generated, preload_shim  # noqa: E402
import faults  # noqa: E402

SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

/* Asleep for $SLEPT_FILE's number of seconds: the wall clock and the
 * time since boot moved on by that much, the monotonic clock did not. */
static long slept(void)
{
	const char *p = getenv("SLEPT_FILE");
	FILE *f = p ? fopen(p, "r") : NULL;
	long s = 0;

	if (f) {
		if (fscanf(f, "%ld", &s) != 1)
			s = 0;
		fclose(f);
	}
	return s;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	int rc;

	if (!real)
		real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
	rc = real(id, ts);
	if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE ||
	                id == CLOCK_BOOTTIME))
		ts->tv_sec += slept();
	return rc;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}
"""

t = Tap()
lib, build = preload_shim(t, SHIM, "clock shim")

srv = Server()
urls = serve_generated(srv, 3, 4)
srv.routes["/busy.xml"] = faults.status(429, {"Retry-After": "600"})
# (Another host name for the same server: a 429 holds its whole host.)
BUSY = srv.url("/busy.xml").replace("127.0.0.1", "localhost")
w = Workdir()
slept = os.path.join(w.dir, "slept")
with open(slept, "w") as f:
    f.write("0\n")
# (ASan wants its runtime first; the shim is preloaded before it.)
env = dict(os.environ, LD_PRELOAD=lib, SLEPT_FILE=slept,
           ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
w.write_config(urls + [BUSY], extra="interval = 1h\n")
p = w.start(env=env, stderr=subprocess.PIPE)
log = StderrLog(p)
try:
    t.ok(log.wait_for("cycle: "), "the daemon polls its feeds", log.text())
    hits = sum(srv.hits.get(u[len(srv.base):], 0) for u in urls)
    t.eq(hits, len(urls), "each feed once")
    first = dict(w.sql("SELECT url, next_poll FROM feeds"))
    hold = dict(w.sql("SELECT url, retry_after FROM feeds")).get(BUSY)
    t.ok(hold and hold > time.time() + 500, "the 429's Retry-After (10 min) is stored", hold)
    # Two hours asleep: every feed (hourly) became due meanwhile, and the
    # host's Retry-After ran out.  The wake-up timer looks within a
    # minute of waking; a reload looks at once.
    with open(slept, "w") as f:
        f.write("7200\n")
    woke = time.time() + 7200
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded:", 1), "reloaded after two hours asleep", log.text())
    t.ok(log.wait_for("cycle: ", 2, deadline=60), "the feeds due while it slept are polled"
         " on waking", log.text())
    t.eq(re.findall(r"the system clock jumped [-+]\d+ s", log.text()), [],
         "sleeping is not taken for a clock that jumped")
    t.eq(sum(srv.hits.get(u[len(srv.base):], 0) for u in urls), 2 * len(urls),
         "each feed polled again")
    now = dict(w.sql("SELECT url, next_poll FROM feeds"))
    # An hour after waking, within the scheduler's +-10% jitter (an hour
    # after the first poll's next_poll is no bound: both carry jitter).
    t.ok(all(woke + 3600 - 360 <= now[u] <= woke + 3600 + 360 + 30 for u in urls),
         "their next polls are an interval after waking", (woke, first, now))
    t.ok(srv.hits.get("/busy.xml", 0) == 2, "the host whose Retry-After ran out while it slept"
         " is asked again", srv.hits.get("/busy.xml"))
    t.eq(log.stop(p), 0, "SIGTERM: exit 0")
    t.eq(log.count("error:"), 0, "no errors")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
    w.cleanup()
    srv.stop()
    shutil.rmtree(build)
t.done()
