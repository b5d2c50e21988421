#!/usr/bin/env python3
"""HTTP servers that misbehave below what faults.py scripts with
http.server: bytes written as they are on a raw socket, so that the
connection itself (kept alive, then closed under a request), the header
section (longer than libcurl holds) and the body's chunked framing can be
what is wrong.  For each: the feed's last_error says what happened, and
the other feeds of the run are stored."""
import os
import re
import select
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Workdir, need_programs, TIDINGSD  # noqa: E402
import faults  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)


def response(body, headers=(), ctype="application/rss+xml"):
    """A 200 with a Content-Length and no Connection: close: by HTTP/1.1
    the connection stays open for the next request."""
    head = ["HTTP/1.1 200 OK", "Content-Type: " + ctype]
    head += ["%s: %s" % kv for kv in headers]
    head.append("Content-Length: %d" % len(body))
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class RawServer:
    """A listener on 127.0.0.1 whose routes get the socket and write what
    they like; a route returns True to read the next request of the same
    connection."""

    def __init__(self, tls=None):
        self.tls = tls                 # an ssl.SSLContext, or None
        self.routes = {}
        self.unread = {}           # conn -> bytes read past the last request
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path):
        return "%s://127.0.0.1:%d%s" % ("https" if self.tls else "http", self.port, path)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buf = b""
        try:
            if self.tls:
                conn = self.tls.wrap_socket(conn, server_side=True)
            while True:
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                head, buf = buf.split(b"\r\n\r\n", 1)
                with self.lock:
                    self.unread[conn] = buf
                path = head.split()[1].decode()
                route = self.routes.get(path)
                if route is None:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    continue
                if not route(conn):
                    return
        except OSError:
            pass
        finally:
            with self.lock:
                self.unread.pop(conn, None)
            try:
                conn.close()
            except OSError:
                pass

    def next_request_came(self, conn):
        """Whether bytes of another request have come on conn (a route
        asks before it answers the one it has)."""
        with self.lock:
            if self.unread.get(conn):
                return True
        if self.tls and conn.pending():
            return True
        return bool(select.select([conn], [], [], 0)[0])


srv = RawServer()


def feed(name, n=3):
    return faults.feed_xml(name.title(), [("%s-%d" % (name, i), "%s item %d" % (name.title(), i))
                                          for i in range(n)],
                           link="https://%s.misbehave.example/" % name)


# --- A kept-alive connection closed under the next request ---------------
#
# The server answers the first feed as HTTP/1.1 does when it means to keep
# the connection (a Content-Length, no "Connection: close") and closes it a
# moment later, the next request unread (an idle timeout that ran out as
# the request came: the kernel answers it with a reset).  libcurl retries
# that request on a new connection, where the second feed's server never
# answers: a timeout of the whole transfer, which the feed's error said was
# a connect timeout ("Recv failure: Connection reset by peer", the first
# message of the transfer, was still in libcurl's error buffer).
def kept_then_closed(conn):
    conn.sendall(response(feed("kept")))
    time.sleep(1.5)             # the next request arrives and is not read
    return False


def never_answers(conn):
    # Reads the request and says nothing until the client gives up.
    conn.settimeout(30)
    try:
        conn.recv(1)
    except OSError:
        pass
    return False


srv.routes["/kept"] = kept_then_closed
srv.routes["/silent"] = never_answers

# And a connect timeout is still one: https to a port whose server accepts
# and never answers the TLS handshake (connect_timeout covers it).
hush = socket.socket()
hush.bind(("127.0.0.1", 0))
hush.listen(8)
hushed = []
threading.Thread(target=lambda: [hushed.append(hush.accept()) for _ in range(8)],
                 daemon=True).start()
HUSH = "https://127.0.0.1:%d/feed.xml" % hush.getsockname()[1]

w = Workdir(prefix="tidings-misbehave-")
# per_host = 1: the second request waits for the first and then goes on
# its connection, as a host's feeds do one after the other.
w.write_config([srv.url("/kept"), srv.url("/silent"), HUSH],
               "timeout = 4s\nconnect_timeout = 2s\nper_host = 1\n")
r = w.run_once("-v")
t.eq(r.returncode, 0, "a run over a closed kept-alive connection exits 0")
rows = dict((u, (s, e)) for u, s, e in w.sql("SELECT url, last_status, last_error FROM feeds"))
t.eq(rows.get(srv.url("/kept")), (200, None), "the first feed is stored")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 3, "with its 3 stories")
status, err = rows.get(srv.url("/silent"), (None, None))
# The connection was made at once (a second one, after the reset): it was
# the whole transfer's timeout that ran out, not the connect timeout.
t.ok(err is not None and re.fullmatch(r"timeout after \d+ s", err),
     "a server that never answers on the retried connection: 'timeout after N s'", err)
t.eq(rows.get(HUSH), (None, "connect timeout after 2 s"),
     "a TLS handshake never answered: still 'connect timeout after 2 s'")
w.cleanup()


# --- Header sections larger than libcurl holds -----------------------------
#
# libcurl takes a header line of up to 100 KiB (CURL_MAX_HTTP_HEADER) and a
# header section of up to 300 KiB.  Past the first it fails with "Out of
# memory" and nothing else, which was the feed's error; past the second
# with "Too large response headers", which read "connection broken: ...".
# Neither was: the server sent more header than a client takes.
def static(data):
    def route(conn):
        conn.sendall(data)
        return True
    return route


srv.routes["/ok"] = static(response(feed("fine")))
srv.routes["/long-line"] = static(response(feed("longline"), [("X-Trace", "t" * (150 << 10))]))
srv.routes["/cookie-flood"] = static(response(
    feed("cookies"), [("Set-Cookie", "c%d=%s; Path=/" % (i, "v" * 180)) for i in range(2000)]))
# Under both bounds: read as any other feed.
srv.routes["/long-but-fine"] = static(response(feed("longfine"), [("X-Trace", "t" * (90 << 10))]))
srv.routes["/cookies-fine"] = static(response(
    feed("cookiesfine"), [("Set-Cookie", "c%d=%s; Path=/" % (i, "v" * 180)) for i in range(200)]))

w = Workdir(prefix="tidings-misbehave-")
HDR = ["/ok", "/long-line", "/cookie-flood", "/long-but-fine", "/cookies-fine"]
w.write_config([srv.url(p) for p in HDR], "timeout = 10s\nconnect_timeout = 5s\n")
r = w.run_once()
t.eq(r.returncode, 0, "a run over oversized header sections exits 0")
rows = dict((u, (s, e)) for u, s, e in w.sql("SELECT url, last_status, last_error FROM feeds"))
t.eq(rows.get(srv.url("/long-line")), (200, "a response header line over 100 KiB"),
     "a header line of 150 KiB: 'a response header line over 100 KiB', not 'Out of memory'")
t.eq(rows.get(srv.url("/cookie-flood")), (200, "response headers over 300 KiB"),
     "2000 Set-Cookie lines: 'response headers over 300 KiB', not 'connection broken'")
for p in ("/ok", "/long-but-fine", "/cookies-fine"):
    t.eq(rows.get(srv.url(p)), (200, None), "%s: no error" % p)
n = dict(w.sql("SELECT f.url, count(s.id) FROM feeds f LEFT JOIN stories s ON s.feed_id = f.id"
               " GROUP BY f.id"))
t.eq([n.get(srv.url(p)) for p in HDR], [3, 0, 0, 3, 3],
     "the feeds within the bounds are stored, the others not")
w.cleanup()

# --- A chunked body framed wrong ------------------------------------------
#
# A chunk size that is no hexadecimal number: the server framed its body
# wrong, and will on every poll.  It read "connection broken: Illegal or
# missing hexadecimal sequence in chunked-encoding", as if the network had
# failed.  A chunked body cut short is a broken connection, and says so.
def chunked(data):
    def route(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + data)
        return False
    return route


CH = feed("chunks")
srv.routes["/chunk-size-not-hex"] = chunked(b"zz\r\n" + CH + b"\r\n0\r\n\r\n")
srv.routes["/chunk-size-too-long"] = chunked(b"f" * 20 + b"\r\n" + CH + b"\r\n0\r\n\r\n")
srv.routes["/chunk-cut-short"] = chunked(b"%x\r\n" % (len(CH) + 100) + CH)
srv.routes["/chunks-fine"] = chunked(b"%x\r\n" % len(CH) + CH + b"\r\n0\r\n\r\n")
w = Workdir(prefix="tidings-misbehave-")
CHUNKS = ["/chunk-size-not-hex", "/chunk-size-too-long", "/chunk-cut-short", "/chunks-fine"]
w.write_config([srv.url(p) for p in CHUNKS], "timeout = 10s\nconnect_timeout = 5s\n")
r = w.run_once()
t.eq(r.returncode, 0, "a run over wrongly chunked bodies exits 0")
rows = dict((u, (s, e)) for u, s, e in w.sql("SELECT url, last_status, last_error FROM feeds"))
t.eq(rows.get(srv.url("/chunk-size-not-hex")),
     (200, "bad chunked encoding: Illegal or missing hexadecimal sequence"),
     "a chunk size that is not hexadecimal: 'bad chunked encoding: ...'")
t.eq(rows.get(srv.url("/chunk-size-too-long")), (200, "bad chunked encoding: Too long hexadecimal number"),
     "a chunk size of 20 digits: 'bad chunked encoding: ...'")
t.ok(rows.get(srv.url("/chunk-cut-short"), (0, ""))[1].startswith("connection broken: "),
     "a chunk cut short by the server's close: still 'connection broken: ...'",
     rows.get(srv.url("/chunk-cut-short")))
t.eq(rows.get(srv.url("/chunks-fine")), (200, None), "a chunked body framed right: no error")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 3, "and its 3 stories stored")
w.cleanup()

# --- "HTTP/2.0 200 OK" on a plain HTTP/1.1 connection ------------------------
#
# A server whose status line says HTTP/2 where it speaks HTTP/1.1 (a CGI
# script writing its own status line from SERVER_PROTOCOL): libcurl 7.88
# took it at its word and marked the host's connections as carrying several
# requests at once.  Requests of the next feeds then went down HTTP/1.1
# connections still waiting for an answer of their own, and whichever
# transfer read first took the answer: a feed stored another feed's
# document.  Here two feeds of the host wait 2 s for their answer, the third
# answers at once with the wrong status line (and closes: no idle
# connection is left), and the rest start while the first two still wait.
owed = []


def slow(name, server):
    def route(conn):
        time.sleep(2)
        if server.next_request_came(conn):
            owed.append(name)
        conn.sendall(response(feed(name, 2)))
        return True
    return route


def http2_status(conn):
    body = feed("claims", 2)
    conn.sendall(b"HTTP/2.0 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
    return False


SLOW = ["slowa", "slowb", "slowc", "slowd", "slowe"]
for name in SLOW:
    srv.routes["/" + name] = slow(name, srv)
srv.routes["/claims-http2"] = http2_status
w = Workdir(prefix="tidings-misbehave-")
ORDER = [srv.url("/slowa"), srv.url("/slowb"), srv.url("/claims-http2")] + \
        [srv.url("/" + n) for n in SLOW[2:]]
w.write_config(ORDER, "timeout = 20s\nconnect_timeout = 5s\nper_host = 3\n")
r = w.run_once()
t.eq(r.returncode, 0, "a run beside a server claiming HTTP/2 over HTTP/1.1 exits 0")
t.eq(owed, [], "no request was sent on a connection still owing an answer")
got = {}
for url, title, status, err in w.sql("SELECT url, title, last_status, last_error FROM feeds"):
    stories = sorted(x for (x,) in w.sql("SELECT s.title FROM stories s JOIN feeds f"
                                         " ON f.id = s.feed_id WHERE f.url = ?", (url,)))
    got[url.rsplit("/", 1)[1]] = (title, status, err, stories)
for name in SLOW:
    t.eq(got.get(name), (name.title(), 200, None,
                         ["%s item 0" % name.title(), "%s item 1" % name.title()]),
         "%s: its own document and its own stories" % name)
t.eq(got.get("claims-http2"), ("Claims", 200, None, ["Claims item 0", "Claims item 1"]),
     "the feed with the wrong status line is read (as curl reads it)")
w.cleanup()

# The same over TLS, from a server that offers HTTP/1.1 alone in the
# handshake (ALPN) and says HTTP/2 in its status line all the same.
tmp = Workdir(prefix="tidings-misbehave-tls-")
cert, key = os.path.join(tmp.dir, "cert.pem"), os.path.join(tmp.dir, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.set_alpn_protocols(["http/1.1"])
tls = RawServer(tls=ctx)
del owed[:]
for name in SLOW:
    tls.routes["/" + name] = slow(name, tls)
tls.routes["/claims-http2"] = http2_status
ORDER = [tls.url("/slowa"), tls.url("/slowb"), tls.url("/claims-http2")] + \
        [tls.url("/" + n) for n in SLOW[2:]]
tmp.write_config(ORDER, "timeout = 20s\nconnect_timeout = 5s\nper_host = 3\nca_file = %s\n" % cert)
r = tmp.run_once()
t.eq(r.returncode, 0, "over TLS (ALPN http/1.1): the run exits 0")
t.eq(owed, [], "over TLS: no request was sent on a connection still owing an answer")
got = {}
for url, title, status, err in tmp.sql("SELECT url, title, last_status, last_error FROM feeds"):
    stories = sorted(x for (x,) in tmp.sql("SELECT s.title FROM stories s JOIN feeds f"
                                           " ON f.id = s.feed_id WHERE f.url = ?", (url,)))
    got[url.rsplit("/", 1)[1]] = (title, status, err, stories)
t.eq([n for n in SLOW if got.get(n) != (n.title(), 200, None, ["%s item 0" % n.title(),
                                                                 "%s item 1" % n.title()])],
     [], "over TLS: every feed has its own document and its own stories")
tmp.cleanup()

# --- A status line libcurl cannot read --------------------------------------
#
# A status code that is no three digits, an HTTP version that does not
# exist: the server's answer is wrong.  It read "refused a non-HTTP(S) URL:
# ...", and after a redirect "refused a redirect to a non-HTTP(S) URL:
# http://...", naming an http URL as the one refused.
def status_line(line):
    def route(conn):
        body = feed("statusline")
        conn.sendall(line + b"\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n"
                     % len(body) + body)
        return False
    return route


srv.routes["/code-20"] = status_line(b"HTTP/1.1 20 OK")
srv.routes["/version-1.2"] = status_line(b"HTTP/1.2 200 OK")
srv.routes["/to-code-20"] = lambda conn: (conn.sendall(
    b"HTTP/1.1 302 Found\r\nLocation: /code-20\r\nContent-Length: 0\r\n\r\n"), True)[1]
w = Workdir(prefix="tidings-misbehave-")
w.write_config([srv.url(p) for p in ("/code-20", "/version-1.2", "/to-code-20")],
               "timeout = 10s\nconnect_timeout = 5s\n")
r = w.run_once()
t.eq(r.returncode, 0, "a run over unreadable status lines exits 0")
rows = dict((u, (s, e)) for u, s, e in w.sql("SELECT url, last_status, last_error FROM feeds"))
t.eq(rows.get(srv.url("/code-20")),
     (None, "bad status line from 127.0.0.1: Unsupported response code in HTTP response"),
     "a two-digit status code: 'bad status line from HOST: ...', no URL refused")
t.eq(rows.get(srv.url("/version-1.2")),
     (None, "bad status line from 127.0.0.1: Unsupported HTTP version (1.2) in response"),
     "HTTP/1.2: 'bad status line from HOST: ...'")
t.eq(rows.get(srv.url("/to-code-20")),
     (302, "bad status line from the redirect's target 127.0.0.1:"
           " Unsupported response code in HTTP response"),
     "the same after a redirect: the target's status line, no refused redirect")
w.cleanup()

t.done()
