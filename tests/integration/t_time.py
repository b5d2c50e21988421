#!/usr/bin/env python3
"""Time, where the world gets it wrong.

A Retry-After far in the future (ten years, or an HTTP date in 2099)
holds the feed and its host within max_interval, as a feed's own wait
is: it used to hold every feed of the host for the full ten years.  One
of 2^63-1 seconds overflowed (UBSan stopped the daemon).

Story dates far in the future, before 1970 or out of range: the run
exits 0, every item is stored, none is dated in the future for the
clusterer, and the CLI lists them.

Dates as programs really write them (an offset without its colon, no
zone, a zone word such as "UTC" or "CEST") are stored as the instant
they name.

The system clock set back a day, then forward again, under the running
daemon (libfaketime, when installed): each feed's next poll moves with
the clock, in the database too, so that it waits the real time it had
left, and so does a stored Retry-After; it used to wait a day more after
the clock went back, and to poll every feed at once when it went
forward.  But a next poll an earlier run stored never moves later: a
machine that starts on the clock it had when shut down and is put right
by NTP a moment later polls its overdue feeds at once.  A request during
which the clock moved lasted as long as it did, not the jump (its
feeds.duration_ms was negative, or a day)."""
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, TIDINGS, serve_generated, \
    FAKETIME_LIB, faked_clock  # noqa: E402
import faults  # noqa: E402

t = Tap()
srv = Server()
srv.handle_error = lambda *a: None

# ---- Retry-After beyond max_interval -------------------------------------
srv.routes["/ra/years.xml"] = faults.status(503, {"Retry-After": "315360000"})
srv.routes["/ra/date.xml"] = faults.status(429, {"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"})
srv.routes["/ra/huge.xml"] = faults.status(503, {"Retry-After": "9223372036854775807",
                                                 "Cache-Control": "max-age=9223372036854775807"})
srv.put("/ra/fine.xml", faults.feed_xml("Fine", [("ok1", "A fine item")]))
RA = ("/ra/years.xml", "/ra/date.xml", "/ra/fine.xml")
w = Workdir()
MAX = 7200
w.write_config([srv.url(p) for p in RA], extra="max_interval = 2h\n")
before = int(time.time())
r = w.run_once()
after = int(time.time())
t.eq(r.returncode, 0, "a run meeting Retry-After of years exits 0")
rows = dict(w.sql("SELECT url, next_poll FROM feeds"))
for p in RA:
    n = rows.get(srv.url(p))
    t.ok(n is not None and before < n <= after + MAX + 60,
         "%s: next poll within max_interval (2 h)" % p, "next_poll %r, now %d" % (n, after))
t.ok("retry after 315360000 s" in r.stderr, "the error still says what the server asked",
     r.stderr)
w.cleanup()
# Alone: the holds above would keep it from being asked at all.
w = Workdir()
w.write_config([srv.url("/ra/huge.xml")], extra="max_interval = 2h\n")
r = w.run_once()
t.eq(r.returncode, 0, "Retry-After: 2^63-1 s: exit 0")
t.ok("runtime error" not in r.stderr, "and no overflow (the UBSan build says so)", r.stderr)
n = w.sql("SELECT next_poll FROM feeds")[0][0]
t.ok(n is not None and n <= time.time() + MAX + 60, "next poll within max_interval", n)
w.cleanup()

# ---- story dates out of the ordinary -------------------------------------
DATES = ["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 2999 00:00:00 GMT",
         "Fri, 13 Dec 1901 20:45:52 GMT", "Wed, 31 Dec 1969 23:59:59 GMT",
         "Thu, 01 Jan 1970 00:00:00 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
         "Sat, 31 Dec 99999 00:00:00 GMT", "yesterday-ish"]
items = "".join("<item><title>Dated story %d about the harbour tunnel vote %d</title>"
                "<link>https://dates.example/%d</link><guid>d%d</guid><pubDate>%s</pubDate>"
                "<description>Text %d.</description></item>" % (i, i * 7919, i, i, d, i)
                for i, d in enumerate(DATES))
srv.put("/dates.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Dates</title>'
        '<link>https://dates.example/</link>%s</channel></rss>' % items)
w = Workdir()
w.write_config([srv.url("/dates.xml")])
before = int(time.time())
r = w.run_once()
after = int(time.time())
t.eq(r.returncode, 0, "odd dates: exit 0")
got = w.sql("SELECT guid, event_time FROM stories ORDER BY guid")
t.eq(len(got), len(DATES), "every item stored", )
t.eq([g for g, e in got if e > after + 600], [], "none dated in the future for the clusterer")
t.eq([g for g, e in got if e < 0], [], "none dated before 1970 for the clusterer")
c = subprocess.run([TIDINGS, "-d", w.db, "stories", "--limit", "0"], capture_output=True,
                   text=True, timeout=60)
t.eq(c.returncode, 0, "tidings stories lists them")
j = subprocess.run([TIDINGS, "-d", w.db, "stories", "--limit", "0", "--json"],
                   capture_output=True, text=True, timeout=60)
t.eq(j.returncode, 0, "and as JSON")
t.eq(sum("Dated story" in line for line in c.stdout.splitlines()), len(DATES),
     "every one of them", )
w.cleanup()

# ---- dates as real feeds write them ---------------------------------------
# Each is the instant 2024-06-01 05:39:00 UTC, as written by PHP's
# DATE_ISO8601 in India and in Adelaide, by a script that leaves out the
# zone, by Ruby's Time#to_s, by Go's time.Time.String(), and by PHP's "T"
# and Java's Date.toString() in Berlin and London.  They were stored half
# an hour off, not at all (published NULL), at midnight, or hours off.
WANT = 1717220340
REAL = ["2024-06-01T11:09:00+0530", "2024-06-01T15:09:00+0930",
        "Sat, 01 Jun 2024 05:39:00", "2024-06-01 05:39:00 UTC",
        "2024-06-01 05:39:00 +0000 UTC", "Sat, 01 Jun 2024 07:39:00 CEST",
        "Sat Jun 01 06:39:00 BST 2024"]
items = "".join("<item><title>Real date %d on the ferry timetable %d</title>"
                "<link>https://real.example/%d</link><pubDate>%s</pubDate>"
                "<description>Text %d.</description></item>" % (i, i * 7919, i, d, i)
                for i, d in enumerate(REAL))
srv.put("/real.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Real</title>'
        '<link>https://real.example/</link>%s</channel></rss>' % items)
w = Workdir()
w.write_config([srv.url("/real.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "real-world dates: exit 0")
got = dict(w.sql("SELECT link, published FROM stories"))
for i, d in enumerate(REAL):
    t.eq(got.get("https://real.example/%d" % i), WANT, "published from '%s'" % d)
t.eq(sorted(e for (e,) in w.sql("SELECT DISTINCT event_time FROM stories")), [WANT],
     "and the clusterer's time is the same instant")
w.cleanup()

# ---- the system clock jumps under the running daemon ---------------------
if not FAKETIME_LIB:
    t.ok(True, "# SKIP no libfaketime (apt-get install faketime)")
    srv.stop()
    t.done()

w = Workdir()
clock, env = faked_clock(w)
urls = serve_generated(srv, 3, 4)
srv.routes["/ra/hold.xml"] = faults.status(429, {"Retry-After": "600"})
HOLD = srv.url("/ra/hold.xml")
w.write_config(urls + [HOLD], extra="interval = 1h\n")
p = w.start(env=env, stderr=subprocess.PIPE)
log = StderrLog(p)
# (The 429 holds the host: the feeds it finds queued wait for it.)
t.ok(log.wait_for("cycle: "), "the daemon polls its feeds", log.text())
hits = sum(srv.hits.get(u[len(srv.base):], 0) for u in urls)
first = dict(w.sql("SELECT url, next_poll FROM feeds"))
first_hold = dict(w.sql("SELECT url, retry_after FROM feeds")).get(HOLD)
t.ok(first_hold and first_hold > time.time() + 500, "the 429's Retry-After is stored", first_hold)


def moved_by(delta):
    now = dict(w.sql("SELECT url, next_poll FROM feeds"))
    hold = dict(w.sql("SELECT url, retry_after FROM feeds")).get(HOLD)
    return (all(abs(now[u] - (first[u] + delta)) <= 2 for u in urls) and
            first_hold is not None and abs(hold - (first_hold + delta)) <= 2)


def jump(to, n):
    with open(clock, "w") as f:
        f.write(to + "\n")
    # A reload looks at the clock at once (the wake-up timer does within
    # a minute).
    p.send_signal(signal.SIGHUP)
    return log.wait_for("reloaded:", n)


t.ok(jump("-1d", 1), "reload after the clock went back a day", log.text())
# The offset is read from two clocks a moment apart: a second either way.
jumps = [int(x) for x in re.findall(r"the system clock jumped ([-+]\d+) s", log.text())]
t.ok(len(jumps) == 1 and abs(jumps[0] + 86400) <= 2, "the jump is logged", log.text())
t.ok(moved_by(-86400), "each next poll moved back a day with it (stored), and the stored"
     " Retry-After", (first, first_hold, w.sql("SELECT url, next_poll, retry_after FROM feeds")))
t.ok(jump("+0", 2), "reload after the clock was put right", log.text())
t.ok(moved_by(0), "each next poll back where it was")
t.ok(jump("+1d", 3), "reload after the clock went forward a day", log.text())
t.ok(moved_by(86400), "each next poll moved forward with it: none is due at once")
t.eq(log.stop(p), 0, "SIGTERM: exit 0")
t.eq(sum(srv.hits.get(u[len(srv.base):], 0) for u in urls), hits,
     "no feed was polled early meanwhile")
t.eq(log.count("error:"), 0, "no errors")
w.cleanup()

# ---- the clock jumps while a request is out ------------------------------
# The daemon looks at the clock at most a minute apart (and on SIGHUP); a
# response stored in between computed its feed's next poll from the new
# clock, and the next look moved it once more by the whole jump: put
# forward a day, that feed waited two days and its interval.  Every feed
# moves once: the one that answered after the jump waits its interval from
# the new clock.
out, gate = threading.Event(), threading.Event()
urls = serve_generated(srv, 2, 3, prefix="/held")
HELD, FREE = urls
held_body = srv.files["/held/0.xml"]


def held(h):
    out.set()
    gate.wait(60)
    h.reply(200, held_body, "application/rss+xml", {"ETag": '"held"'})


srv.routes["/held/0.xml"] = held
w = Workdir()
clock, env = faked_clock(w)
w.write_config(urls, extra="interval = 1h\n")
p = w.start(env=env, stderr=subprocess.PIPE)
log = StderrLog(p)
try:
    t.ok(log.wait_for("/held/1.xml: 3 entries", 1, deadline=30) and out.wait(30),
         "one feed stored, the other's request held at the server", log.text())
    free_next = w.sql("SELECT next_poll FROM feeds WHERE url = ?", (FREE,))[0][0]
    # The clock goes forward a day, and the held answer comes at once:
    # before the wake-up timer has looked again.
    with open(clock, "w") as f:
        f.write("+1d\n")
    gate.set()
    t.ok(log.wait_for("/held/0.xml: 3 entries", 1, deadline=30), "the held feed is stored",
         log.text())
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded:", 1, deadline=30), "reloaded", log.text())
    real = time.time()
    jumps = [int(x) for x in re.findall(r"the system clock jumped ([-+]\d+) s", log.text())]
    t.ok(len(jumps) == 1 and abs(jumps[0] - 86400) <= 2, "the jump while a request was out is"
         " logged once", log.text())
    now_free = w.sql("SELECT next_poll FROM feeds WHERE url = ?", (FREE,))[0][0]
    t.ok(abs(now_free - (free_next + 86400)) <= 2,
         "the feed polled before the jump moved a day with it", (free_next, now_free))
    held_next = w.sql("SELECT next_poll FROM feeds WHERE url = ?", (HELD,))[0][0]
    # Its interval (1 h, give or take its jitter) from the new clock.
    left = held_next - (real + 86400)
    t.ok(0 < left <= 2 * 3600, "the feed that answered after the jump waits its interval"
         " from the new clock, not a day more (%d s)" % left)
    t.eq(log.stop(p), 0, "SIGTERM: exit 0")
    t.eq(log.count("error:"), 0, "no errors")
finally:
    gate.set()
    if p.poll() is None:
        p.kill()
        p.wait()
w.cleanup()

# ---- the clock put right soon after a start ----------------------------
# A machine without a battery-backed clock starts at the time it was shut
# down (fake-hwclock, systemd-timesyncd's saved clock) and is put right by
# NTP a moment after the daemon started.  The next polls the evening's run
# stored were set against the right clock; they moved a night ahead with
# the jump, and the feeds, overdue by the night, waited what they had left
# in the evening.
urls = serve_generated(srv, 3, 4, prefix="/boot")
w = Workdir()
clock, env = faked_clock(w)
with open(clock, "w") as f:
    f.write("-8h\n")
w.write_config(urls, extra="interval = 1h\n")
r = w.run_once(env=env)
t.eq(r.returncode, 0, "the evening's run (8 h ago) polls the feeds")
hits = sum(srv.hits.get(u[len(srv.base):], 0) for u in urls)
# The morning: the clock is still the evening's until NTP puts it right.
p = w.start(env=env, stderr=subprocess.PIPE)
log = StderrLog(p)
try:
    t.ok(log.wait_for("tidingsd "), "started on the evening's clock", log.text())
    t.eq(log.count("cycle: "), 0, "nothing is due by that clock")
    with open(clock, "w") as f:
        f.write("+0\n")
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded:", 1, deadline=30), "reloaded after the clock was put right",
         log.text())
    t.ok(log.wait_for("cycle: ", 1, deadline=30), "the feeds, overdue by the night, are polled"
         " at once", log.text())
    t.eq(sum(srv.hits.get(u[len(srv.base):], 0) for u in urls), 2 * hits, "each of them")
    nexts = [n for (n,) in w.sql("SELECT next_poll FROM feeds")]
    real = time.time()
    t.ok(all(real < n <= real + 2 * 3600 for n in nexts), "their next polls an interval from"
         " the right clock", (real, nexts))
    t.eq(log.stop(p), 0, "SIGTERM: exit 0")
    t.eq(log.count("error:"), 0, "no errors")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
w.cleanup()

# How long a request took is not how far the clock moved meanwhile
# (libev's ev_now() follows the wall clock): set back an hour while the
# request was out, it was stored as lasting -3597 s, and the cycle logged
# as "-3597.5 s".  (The bounds below are the jump's, not a timing.)
out.clear()
gate.clear()
w = Workdir()
clock, env = faked_clock(w)
w.write_config([HELD], extra="interval = 1h\n")
p = w.start(env=env, stderr=subprocess.PIPE)
log = StderrLog(p)
try:
    t.ok(out.wait(30), "the request is held at the server", log.text())
    with open(clock, "w") as f:
        f.write("-1h\n")
    # (libev reads the wall clock again only after a quarter second.)
    time.sleep(1)
    gate.set()
    t.ok(log.wait_for("cycle: ", 1, deadline=30), "the held feed is stored", log.text())
    dur = w.sql("SELECT duration_ms FROM feeds")[0][0]
    t.ok(dur is not None and 0 <= dur < 3600 * 1000,
         "the clock set back an hour meanwhile: duration_ms is not negative", dur)
    cyc = [float(x) for x in re.findall(r"cycle: .*, (-?[\d.]+) s", log.text())]
    t.ok(cyc and all(0 <= c < 3600 for c in cyc), "nor is the cycle's time in the log", cyc)
    t.eq(log.stop(p), 0, "SIGTERM: exit 0")
finally:
    gate.set()
    if p.poll() is None:
        p.kill()
        p.wait()
w.cleanup()
srv.stop()
t.done()
