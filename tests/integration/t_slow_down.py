#!/usr/bin/env python3
"""A server that answers 429 Too Many Requests or 503 Service Unavailable
without a Retry-After is asked again no sooner than when it answered: the
feed's backoff starts from its healthy interval (the configured one, the
learnt one or what its document asks for) and doubles, where other errors
back off from min_interval.  It was min_interval for these too: a feed
polled hourly whose server said "too many requests" was asked again after
5, 10 and 20 minutes, four requests in the hour it asked for fewer.  The
feed's health says so (last_error, `tidings feeds`), a later success
resets it, and its host's other feeds go on as before (no Retry-After, no
hold)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGS, TIDINGSD, need_programs  # noqa: E402
import faults  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()
srv.routes["/s/429.xml"] = faults.status(429)
srv.routes["/s/503.xml"] = faults.status(503)
srv.routes["/s/500.xml"] = faults.status(500)
ttl_doc = faults.feed_xml("Asks for two hours", [("t1", "Item")]).replace(
    b"<description>d</description>", b"<description>d</description><ttl>120</ttl>")
srv.put("/s/ttl.xml", ttl_doc, "application/rss+xml")
srv.put("/s/ok.xml", faults.feed_xml("Healthy", [("o1", "Other item")]), "application/rss+xml")
names = ("429", "503", "500", "ttl", "ok")
urls = {n: srv.url("/s/%s.xml" % n) for n in names}
w = Workdir(prefix="tidings-slowdown-")
w.write_config([urls[n] for n in names], "interval = 1h\nmin_interval = 5m\n")


def rows():
    return {n: w.sql("SELECT consecutive_errors, next_poll - last_fetch, last_error"
                     " FROM feeds WHERE url = ?", (urls[n],))[0] for n in names}


def waits(r, n, lo, hi, what):
    t.ok(lo <= r[n][1] <= hi, what, (lo, hi, r[n]))


t.eq(w.run_once().returncode, 0, "first --once exits 0")
r = rows()
waits(r, "429", 3600, 4500, "429 without Retry-After: asked again after the hour it is polled at"
      " (+25% at most), not after min_interval")
waits(r, "503", 3600, 4500, "503 without Retry-After: likewise")
waits(r, "500", 225, 375, "500: the first retry after min_interval, as before")
t.eq((r["429"][0], r["429"][2]), (1, "HTTP 429 Too Many Requests"), "the 429 is the feed's error")
t.eq(r["ok"][0], 0, "the host's other feed is polled and healthy")

# The feed asking for two hours (<ttl>) now answers 429: two hours too.
srv.routes["/s/ttl.xml"] = faults.status(429)
t.eq(w.run_once().returncode, 0, "second --once exits 0")
r = rows()
waits(r, "429", 7200, 9000, "second 429 in a row: doubled")
waits(r, "503", 7200, 9000, "second 503 in a row: doubled")
waits(r, "500", 450, 750, "second 500: doubled from min_interval")
waits(r, "ttl", 7200, 9000, "429 of a feed whose document asks for two hours: two hours")
out = subprocess.run([TIDINGS, "-d", w.db, "feeds"], capture_output=True, text=True)
t.ok(out.returncode == 0 and "HTTP 429 Too Many Requests" in out.stdout and
     "HTTP 503 Service Unavailable" in out.stdout, "`tidings feeds` shows the 429 and the 503",
     out.stdout + out.stderr)

# The server answers again: the backoff is over.
srv.put("/s/429.xml", faults.feed_xml("Back", [("b1", "Back item")]), "application/rss+xml")
del srv.routes["/s/429.xml"]
t.eq(w.run_once().returncode, 0, "third --once exits 0")
r = rows()
t.eq((r["429"][0], r["429"][2]), (0, None), "a success resets it")
waits(r, "429", 3240, 3960, "and the feed is polled hourly again")

srv.stop()
w.cleanup()
t.done()
