#!/usr/bin/env python3
"""Fault injection: one `tidingsd --once` run meets every way a feed server
can misbehave, each on its own feed, beside healthy feeds on the same
server.  For each fault: the daemon exits 0, the healthy feeds are stored
completely, and the faulty feed's status, error text and next poll are
what issue 4 says.  A sentinel proxy proves no request leaves 127.0.0.1.
Then: a second run costs one 304 per unchanged feed and adds only new
items, and a long-running daemon meeting faults stops cleanly on SIGTERM."""
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGSD, ROOT_OVERRIDE, stop  # noqa: E402
import faults  # noqa: E402

T0 = time.time()
t = Tap()
srv = Server()
srv.handle_error = lambda *a: None     # resets and hang-ups are the point
routes = faults.install(srv)
sentinel = faults.Sentinel()
ENV = sentinel.env(os.environ)

# Healthy feeds: 6 feeds of 12 items each, served with ETag + Last-Modified.
HEALTHY = []
for i in range(6):
    path = "/ok/%d.xml" % i
    srv.put(path, faults.feed_xml("Healthy %d" % i,
                                  [("h%d-%d" % (i, j), "Healthy %d item %d" % (i, j))
                                   for j in range(12)],
                                  link="https://ok%d.example/" % i),
            "application/rss+xml")
    HEALTHY.append(srv.url(path))

FAULTS = [p for p in routes if p.startswith(("/fault/", "/coded/")) and p not in
          ("/fault/301-hop2", "/fault/loop-b")]
U = {p: srv.url(p) for p in FAULTS}
# Retry-After holds the whole host, so the one fault with a different wait
# from the others lives on the other loopback name.
U["/fault/429-date"] = U["/fault/429-date"].replace("127.0.0.1", "localhost")
# Not on this server at all: a name that can never resolve (RFC 6761), and
# https spoken to the plain-HTTP port.
U["unresolvable"] = "http://feeds.tidings.invalid/rss.xml"
U["https-to-http"] = "https://127.0.0.1:%d/ok/0.xml" % srv.server_address[1]

w = Workdir(prefix="tidings-faults-")
# per_host above the number of feeds: every request starts at once, so a
# 429/503 cannot take back queued requests to the same host (t_sched.py
# tests that) and every fault is met in this one run.
# Timeouts long enough that a loaded machine (sanitizer builds, two cores
# shared with the fault server) still sees each fault as what it is: a
# trickle is detected after half the timeout of slow body, which must come
# before the timeout itself.  The connect timeout covers the TLS handshake
# too: the https request to the plain-HTTP port waits, among some 70 others,
# for this server's answer to its ClientHello (no fault here waits for the
# connect timeout itself).
CONF = "timeout = 8s\nconnect_timeout = 8s\nmax_size = 1M\nper_host = 64\nconcurrency = 64\n"
# The trickle has a daemon of its own, run beside this one: its 4 s of slow
# body start at the first byte and must end before the 8 s timeout, and a
# daemon whose loop is busy storing the other feeds' responses (a sanitizer
# build on a loaded machine) got to it only after the timeout had fired.
TRICKLE = U["/fault/trickle"]
w.write_config(HEALTHY + [u for u in U.values() if u != TRICKLE], CONF)
wt = Workdir(prefix="tidings-faults-t-")
wt.write_config([TRICKLE], CONF)


def run_once(*extra):
    return subprocess.run([TIDINGSD, "-c", w.conf, "--once", "-v"] + ROOT_OVERRIDE + list(extra),
                          capture_output=True, text=True, timeout=60, env=ENV,
                          errors="replace")


def feed(url, wd=None):
    rows = (wd or w).sql("SELECT last_status, last_error, next_poll, last_fetch, gone,"
                         " consecutive_errors, previous_url, url FROM feeds"
                         " WHERE url = ? OR list_url = ?", (url, url))
    return rows[0] if rows else (None,) * 8


started = int(time.time())
pt = subprocess.Popen([TIDINGSD, "-c", wt.conf, "--once", "-v"] + ROOT_OVERRIDE, stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE, text=True, env=ENV)
r = run_once()
rt = pt.communicate(timeout=60)[1]
ended = int(time.time()) + 1
t.eq(r.returncode, 0, "tidingsd --once exits 0 after meeting every fault")
t.ok(pt.returncode == 0, "and beside it, after meeting a trickling body", rt[-2000:])
if r.returncode != 0:
    print("# " + r.stderr[-3000:].replace("\n", "\n# "))

# Healthy feeds stored completely.
for i, u in enumerate(HEALTHY):
    n = w.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id"
              " WHERE f.url = ?", (u,))[0][0]
    st = feed(u)
    t.ok(n == 12 and st[0] == 200 and st[1] is None,
         "healthy feed %d: 12 stories, status 200, no error" % i, (n, st))

MIN, MAXI, IV = 300, 86400, 900


def check(name, url, status, error, next_kind, gone=0, wd=None):
    st = feed(url, wd)
    got_status, got_err, nxt, fetched, got_gone = st[0], st[1], st[2], st[3], st[4]
    t.eq(got_status, status, "%s: last_status %r" % (name, status))
    if isinstance(error, re.Pattern):
        t.ok(got_err is not None and error.fullmatch(got_err),
             "%s: last_error matches /%s/" % (name, error.pattern), got_err)
    else:
        t.eq(got_err, error, "%s: last_error %r" % (name, error))
    t.ok(fetched is not None and started <= fetched <= ended, "%s: last_fetch recorded" % name, fetched)
    if next_kind == "gone":
        t.ok(nxt is None and got_gone == 1, "%s: retired (gone, no next poll)" % name, (nxt, got_gone))
        return
    lo, hi = {
        "ok": (IV * 0.9, IV * 1.1),          # interval +-10% jitter
        "backoff": (MIN * 0.75, MIN * 1.25),  # first error: min_interval +-25%
    }.get(next_kind, next_kind)
    ok = nxt is not None and fetched is not None and lo - 2 <= nxt - fetched <= hi + 2
    t.ok(ok, "%s: next poll in %d..%d s" % (name, lo, hi),
         None if nxt is None or fetched is None else nxt - fetched)


R = re.compile
check("301 chain", U["/fault/301-chain"], 200, None, "ok")
st = feed(U["/fault/301-chain"])
t.eq((st[7], st[6]), (srv.url("/moved/target.xml"), U["/fault/301-chain"]),
     "301 chain: stored URL updated, old one kept as previous_url")
check("308", U["/fault/308"], 200, None, "ok")
st = feed(U["/fault/308"])
t.eq((st[7], st[6]), (srv.url("/moved/final308.xml"), U["/fault/308"]),
     "308: stored URL updated, old one kept")
check("302", U["/fault/302"], 200, None, "ok")
st = feed(U["/fault/302"])
t.eq((st[7], st[6]), (U["/fault/302"], None), "302: stored URL unchanged")
n = w.sql("SELECT count(*) FROM stories WHERE link LIKE 'https://fault.example/r%'")[0][0]
t.ok(n >= 2, "redirected feeds stored their items", n)
check("Last-Modified only", U["/fault/last-modified"], 200, None, "ok")
check("redirect loop", U["/fault/loop-a"], 302, "too many redirects (more than 5)", "backoff")
check("redirect to file://", U["/fault/to-file"], 302,
      R(r"refused a redirect to a non-HTTP\(S\) URL: file:///etc/passwd"), "backoff")
check("redirect to ftp://", U["/fault/to-ftp"], 301,
      R(r"refused a redirect to a non-HTTP\(S\) URL: ftp://127\.0\.0\.1/feed\.xml"), "backoff")
check("404", U["/fault/404"], 404, "HTTP 404 Not Found", "backoff")
check("410", U["/fault/410"], 410, "HTTP 410 Gone", "gone")
# The 429 and the 503 share a host, so whichever answers later holds the
# host a second or so longer and moves the other feed behind its own wait
# (plus up to 30 s of spread).  A feed whose answer sets its host's wait
# asks again 30 s after it, once the host's other feeds have had their turn.
check("429 Retry-After seconds", U["/fault/429-secs"], 429, "HTTP 429, retry after 120 s", (118, 152))
check("429 Retry-After date", U["/fault/429-date"], 429, R(r"HTTP 429, retry after (29[5-9]|30[01]) s"),
      (290 + 30, 301 + 30))
check("500", U["/fault/500"], 500, "HTTP 500 Internal Server Error", "backoff")
check("503 Retry-After", U["/fault/503"], 503, "HTTP 503, retry after 120 s", (118, 152))
check("headers never come", U["/fault/no-headers"], None, "timeout after 8 s", "backoff")
check("trickling body", TRICKLE, 200, R(r"too slow: under 10 bytes/s for 4 s"), "backoff", wd=wt)
check("reset mid-body", U["/fault/reset"], 200, R(r"connection broken: .*reset.*"), "backoff")
check("body over max_size, no Content-Length", U["/fault/endless"], 200, "body over 1 MiB", "backoff")
check("gzip bomb", U["/fault/gzip-bomb"], 200, "body over 1 MiB", "backoff")
check("invalid gzip", U["/fault/bad-gzip"], 200, R(r"bad content encoding: .+"), "backoff")
check("wrong Content-Length", U["/fault/wrong-length"], 200,
      R(r"connection broken: transfer closed with 5000 bytes remaining to read"), "backoff")
check("not an HTTP server", U["/fault/not-http"], None,
      "not an HTTP response from 127.0.0.1 (no status line)", "backoff")
check("redirect to not an HTTP server", U["/fault/302-to-not-http"], 302,
      "not an HTTP response from the redirect's target %s (no status line)"
      % (U["/fault/302-to-not-http"].rsplit("/fault/", 1)[0] + "/fault/not-http"), "backoff")
check("unresolvable host", U["unresolvable"], None, "cannot resolve host feeds.tidings.invalid", "backoff")
check("https to a plain-HTTP port", U["https-to-http"], None, R(r"TLS error: .+"), "backoff")
# After a redirect the host that failed is the target's, not the feed's
# (which has just answered): "cannot connect to 127.0.0.1" was said.
check("redirect to a refused port", U["/fault/to-refused"], 302,
      R(r"cannot connect to the redirect's target localhost: .*port 1\b.*"), "backoff")
check("a redirect without a Location", U["/fault/302-nowhere"], 302,
      "HTTP 302, a redirect without a Location", "backoff")
# Not Modified compared with nothing: the feed looked healthy for good and
# never got a story.
check("304 to a request without validators", U["/fault/304-unasked"], 304,
      "HTTP 304 Not Modified, but no ETag or Last-Modified was sent to compare with",
      "backoff")
check("HTML instead of a feed", U["/fault/html"], 200, "not a feed: text/html", "backoff")
check("empty 200", U["/fault/empty"], 200, "empty response (HTTP 200 with no body)", "backoff")
# Not libxml2's "Document is empty": the body was not empty ("empty
# response" says that), only not XML.
check("XML media type, not XML", U["/fault/not-xml"], 200, "not a feed: not XML", "backoff")
check("a JSON Feed", U["/fault/json-feed"], 200,
      "not a feed: JSON, not RSS or Atom (JSON Feed is not read)", "backoff")
check("XML, but no feed in it", U["/fault/no-feed-element"], 200,
      "not a feed: no RSS, RDF or Atom element", "backoff")
# Not feedparser's "text/plain is not an accepted media type": an RSS
# document served as text/plain is read, so that is not what is wrong.
check("XML as text/plain, but no feed in it", U["/fault/plain-no-feed-element"], 200,
      "not a feed: no RSS, RDF or Atom element", "backoff")
# last_error is UTF-8 (docs/schema.md), whatever bytes the server sent and
# wherever a buffer cut libxml2's message: a Latin-1 byte shows as '?', a
# character cut in two is left out.  (As TEXT, the raw bytes made the
# column undecodable for a reader.)
def raw_error(url):
    rows = w.sql("SELECT CAST(last_error AS BLOB) FROM feeds WHERE list_url = ?", (url,))
    return bytes(rows[0][0]) if rows and rows[0][0] is not None else None


def utf8_or_none(b):
    try:
        return b.decode("utf-8")
    except (AttributeError, UnicodeDecodeError):
        return None


t.ok("\ufffd" not in r.stderr, "the log is UTF-8 too",
     [x for x in r.stderr.splitlines() if "\ufffd" in x][:2])
got = raw_error(U["/fault/to-ftp-latin1"])
t.eq(utf8_or_none(got), "refused a redirect to a non-HTTP(S) URL: ftp://127.0.0.1/caf?.xml",
     "a Latin-1 Location: last_error UTF-8, the byte shown as '?'")
got = raw_error(U["/fault/long-entity-name"])
t.ok(utf8_or_none(got) is not None and utf8_or_none(got).startswith(
     "not a feed: undefined entity &\u00e9\u00e9") and utf8_or_none(got).endswith("\u00e9"),
     "a libxml2 message cut mid-character: last_error UTF-8, ending in whole characters", got)
check("an element with 100,000 attributes", U["/fault/crowded-tag"], 200,
      "not a feed: an element with more than 256 attributes (line 2), not parsed", "backoff")

# Compressed feeds: undone on a parse worker (daemon/decode.c), stored like
# any other; feeds.bytes is the body's decoded size.
for name, route in faults.CODED.items():
    u = U["/coded/" + name]
    check("Content-Encoding " + name, u, 200, None, "ok")
    n = w.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id"
              " WHERE f.url = ?", (u,))[0][0]
    t.eq(n, 5, "Content-Encoding %s: its 5 stories stored" % name)
    t.eq(w.sql("SELECT bytes FROM feeds WHERE url = ?", (u,))[0][0], len(route.plain),
         "Content-Encoding %s: bytes is the decoded size" % name)
u = U["/fault/two-coding-lines"]
check("Content-Encoding on two lines", u, 200, None, "ok")
t.eq(w.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id"
           " WHERE f.url = ?", (u,))[0][0], 3, "Content-Encoding on two lines: its 3 stories stored")
check("Cache-Control on two lines", U["/fault/two-cache-lines"], 200, None, (7200 * 0.9, 7200 * 1.1))
t.ok(all(a == "gzip, deflate, br, zstd" for a in faults.ACCEPTED.values())
     and len(faults.ACCEPTED) == len(faults.CODED),
     "every request offers gzip, deflate, br and zstd", faults.ACCEPTED)

t.eq(sentinel.seen, [], "no request left 127.0.0.1 (the sentinel proxy saw nothing)")
t.eq(srv.hits.get("/fault/410"), 1, "the 410 feed was asked once")
check("301 to HTML", U["/fault/301-to-html"], 200, "not a feed: text/html", "backoff")
st = feed(U["/fault/301-to-html"])
t.eq((st[7], st[6]), (U["/fault/301-to-html"], None),
     "a 301 that ends in something not a feed does not move the feed")

# ---- Second poll: one feed changed, the others did not. ----------------
changed = "/ok/0.xml"
srv.put(changed, faults.feed_xml("Healthy 0", [("h0-%d" % j, "Healthy 0 item %d" % j) for j in range(14)],
                                 link="https://ok0.example/"), "application/rss+xml")
before = w.sql("SELECT count(*) FROM stories")[0][0]
ids_before = set(x for (x,) in w.sql("SELECT id FROM stories"))
# The 429 and 503 told this host to wait two minutes, and a --once obeys
# a Retry-After from an earlier run (t_sched.py): let that time pass.
con = sqlite3.connect(w.db)
con.execute("UPDATE feeds SET retry_after = NULL")
con.commit()
con.close()
srv.log.clear()
srv.hits.clear()
r = run_once()
t.eq(r.returncode, 0, "second run exits 0")
new = w.sql("SELECT title FROM stories WHERE id NOT IN (%s) ORDER BY id" %
            ",".join(str(i) for i in ids_before))
t.eq(sorted(x for (x,) in new), ["Healthy 0 item 12", "Healthy 0 item 13"],
     "the changed feed adds exactly its two new items")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], before + 2, "nothing else is added")
for path in ("/ok/1.xml", "/ok/2.xml"):
    reqs = [x for x in srv.log if x[0] == path]
    t.ok(len(reqs) == 1 and reqs[0][1], "unchanged %s: one conditional request" % path, reqs)
url1 = srv.url("/ok/1.xml")
lines = [ln for ln in r.stderr.splitlines() if url1 in ln]
t.ok(any("not modified" in ln for ln in lines) and not any("entries" in ln for ln in lines),
     "unchanged feed: 304, not parsed", lines)
lm = [x for x in srv.log if x[0] == "/fault/last-modified"]
t.ok(len(lm) == 1 and lm[0][2] and not lm[0][1], "Last-Modified-only feed: If-Modified-Since sent", lm)
t.eq(feed(U["/fault/last-modified"])[0], 304, "Last-Modified-only feed answered 304")
t.ok(not srv.hits.get("/fault/410"), "the 410 feed is not polled again", srv.hits.get("/fault/410"))
t.eq(srv.hits.get("/fault/301-chain"), None, "the moved feed is asked at its new URL only")
t.eq(feed(U["/fault/404"])[5], 2, "the 404 feed counts two consecutive errors")
t.eq(sentinel.seen, [], "still no request left 127.0.0.1")

# ---- A long-running daemon meets faults and stops on SIGTERM. -----------
w2 = Workdir(prefix="tidings-faults-d-")
w2.write_config(HEALTHY[:2] + [U["/fault/no-headers"], U["/fault/503"], U["/fault/reset"],
                               U["/fault/gzip-bomb"]], CONF)
p = subprocess.Popen([TIDINGSD, "-c", w2.conf] + ROOT_OVERRIDE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True, env=ENV)
deadline = time.time() + 16
while time.time() < deadline:
    time.sleep(0.2)
    try:
        done = w2.sql("SELECT count(*) FROM feeds WHERE last_fetch IS NOT NULL")[0][0]
    except Exception:
        done = 0
    if done >= 5 or p.poll() is not None:
        break
t.ok(p.poll() is None, "the daemon keeps running after meeting faults")
_, out, err = stop(p, 15)
t.eq(p.returncode, 0, "SIGTERM: exit 0")
t.ok("finishing in-flight work" in err, "SIGTERM is logged", err[-2000:])
n = w2.sql("SELECT count(*) FROM stories")[0][0]
t.eq(n, 26, "the healthy feeds of the long-running daemon are stored")
t.eq(sentinel.seen, [], "no request left 127.0.0.1 from the long-running daemon")

# How long it took is said, not asserted (time is for the benchmarks).
print("# the fault test took %.1f s" % (time.time() - T0))
srv.stop()
sentinel.stop()
w.cleanup()
w2.cleanup()
wt.cleanup()
t.done()
