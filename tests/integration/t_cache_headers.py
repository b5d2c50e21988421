#!/usr/bin/env python3
"""What a response's caching headers do to the next poll (next_poll -
last_fetch, with the default 15 minute interval and 24 hour max_interval).

Cache-Control max-age and Expires lengthen the interval; but RFC 9111 5.3
says a recipient MUST ignore Expires when there is a max-age, and no-cache
or no-store allow no reuse at all.  Both were taken, the longer winning: a
feed sending "Cache-Control: max-age=600" with a far-off Expires (a stale
default in front of it) was polled once a day instead of every 15
minutes.  And a max-age counts from when the response was made: a cache
in front of the server (a CDN) says in Age how much of it has passed
(RFC 9111 4.2.3); the whole max-age was waited from now."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, FAKETIME_LIB  # noqa: E402
import faults  # noqa: E402

t = Tap()
srv = Server()
BODY = faults.feed_xml("cache", [("c1", "Cached item")])


def in_days(days):
    return email.utils.formatdate(time.time() + days * 86400, usegmt=True)


def serve(headers):
    def route(h):
        h.reply(200, BODY, "application/rss+xml", headers())
    return route


CASES = [
    # (path, headers, lowest and highest next poll, what)
    ("/expires.xml", lambda: {"Expires": in_days(0.125)}, 10800 * 0.9, 10800 * 1.1,
     "Expires alone, in 3 hours: the next poll in about 3 hours"),
    ("/maxage.xml", lambda: {"Cache-Control": "max-age=7200"}, 7200 * 0.9, 7200 * 1.1,
     "max-age=7200 alone: in about 2 hours"),
    ("/both.xml", lambda: {"Cache-Control": "max-age=600", "Expires": in_days(7)}, 900 * 0.9, 900 * 1.1,
     "max-age=600 with Expires in a week: Expires ignored, the interval (15 min)"),
    ("/both-long.xml", lambda: {"Cache-Control": "public, max-age=7200", "Expires": in_days(7)},
     7200 * 0.9, 7200 * 1.1, "max-age=7200 with Expires in a week: max-age's 2 hours"),
    ("/nocache.xml", lambda: {"Cache-Control": "no-cache", "Expires": in_days(7)}, 900 * 0.9, 900 * 1.1,
     "no-cache with Expires in a week: the interval"),
    ("/aged.xml", lambda: {"Cache-Control": "max-age=7200", "Age": "3600"}, 3600 * 0.9, 3600 * 1.1,
     "max-age=7200 from a cache that has held it an hour (Age: 3600): fresh for an hour more"),
    ("/stale.xml", lambda: {"Cache-Control": "max-age=7200", "Age": "7100"}, 900 * 0.9, 900 * 1.1,
     "max-age=7200 with Age: 7100: fresh for 100 s more, so the interval"),
]
for path, headers, _, _, _ in CASES:
    srv.routes[path] = serve(headers)
w = Workdir(prefix="tidings-cache-")
w.write_config([srv.url(c[0]) for c in CASES], "per_host = 8\n")
r = w.run_once()
t.eq(r.returncode, 0, "--once exits 0")
for path, _, lo, hi, what in CASES:
    got = w.sql("SELECT last_status, next_poll - last_fetch FROM feeds WHERE url = ?", (srv.url(path),))
    t.ok(len(got) == 1 and got[0][0] == 200 and lo <= got[0][1] <= hi, what, got)

w.cleanup()


# ---- this machine's clock against the server's -----------------------------
def dated(status, headers):
    """A response whose Date (and other fields) the route decides: the
    harness's reply() sends the server's own Date."""
    def route(h):
        body = BODY if status == 200 else b"busy"
        h.send_response_only(status)
        hd = headers()
        for k, v in hd.items():
            h.send_header(k, v)
        if "Date" not in hd:
            h.send_header("Date", in_days(0))
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return route


srv.routes["/skew/expires.xml"] = dated(200, lambda: {"Expires": in_days(0.125)})
srv.routes["/skew/busy.xml"] = dated(503, lambda: {"Retry-After": in_days(600 / 86400)})
# A cache's copy: the origin's Date, with or without the Age the cache
# held it, and Expires counted from now either way.
for path, headers, left, what in (
        # made an hour ago, Age: 3600, Expires two hours after the Date
        ("/cdn/expires.xml", lambda: {"Date": in_days(-1 / 24), "Age": "3600",
                                      "Expires": in_days(1 / 24)}, 3600,
         "an hour old and Age: 3600: Expires from now (about an hour)"),
        # nginx's proxy cache: half an hour old, no Age, Expires an hour
        # after the Date: half an hour left, as by this clock
        ("/nginx/expires.xml", lambda: {"Date": in_days(-0.5 / 24),
                                        "Expires": in_days(0.5 / 24)}, 1800,
         "half an hour old and no Age: Expires from now (about half an hour)")):
    srv.routes[path] = dated(200, headers)
    w = Workdir(prefix="tidings-cache-")
    w.write_config([srv.url(path)])
    r = w.run_once()
    got = w.sql("SELECT next_poll - last_fetch FROM feeds")
    t.ok(r.returncode == 0 and left * 0.9 <= got[0][0] <= left * 1.1,
         "a cache's copy with the origin's Date " + what, (r.returncode, got))
    w.cleanup()

LIB = FAKETIME_LIB
if not LIB:
    t.ok(True, "# SKIP no libfaketime (apt-get install faketime)")
# (Ahead, the response looks an hour old here: polled an hour early.)
for skew, what, left in (("-1d", "a day behind", 3), ("+1h", "an hour ahead", 2)) if LIB else ():
    w = Workdir(prefix="tidings-cache-")
    w.write_config([srv.url("/skew/expires.xml"), srv.url("/skew/busy.xml")])
    env = dict(os.environ, LD_PRELOAD=LIB, FAKETIME=skew, DONT_FAKE_MONOTONIC="1",
               ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
    r = w.run_once(env=env)
    t.eq(r.returncode, 0, "the clock %s: --once exits 0" % what)
    rows = {u: (st, n, ra) for u, st, n, ra in
            w.sql("SELECT url, last_status, next_poll - last_fetch, retry_after - last_fetch"
                  " FROM feeds")}
    got = rows.get(srv.url("/skew/expires.xml"))
    t.ok(got and got[0] == 200 and 3600 * left * 0.9 - 5 <= got[1] <= 3600 * left * 1.1 + 5,
         "the clock %s: Expires in 3 hours by the server's Date: the next poll in about"
         " %d hours" % (what, left), got)
    got = rows.get(srv.url("/skew/busy.xml"))
    t.ok(got and got[0] == 503 and got[2] is not None and 590 <= got[2] <= 610 and
         590 <= got[1] <= 610 + 30,
         "the clock %s: a 503's Retry-After 10 min ahead of the server's Date holds"
         " the feed and its host 10 min" % what, got)
    t.ok("retry after 6" in r.stderr, "and the log says so", r.stderr)
    w.cleanup()

srv.stop()
t.done()
