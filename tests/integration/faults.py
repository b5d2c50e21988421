"""tests/integration/faults.py — the ways a feed server misbehaves, as
routes for harness.Server (127.0.0.1 only), plus a sentinel proxy that
records any request the daemon tries to send anywhere else.

Each fault is a function of the request handler; `install(srv)` mounts
them all under /fault/... and returns {name: path}."""
import email.utils
import gzip
import http.server
import socket
import struct
import threading
import time
import zlib


def feed_xml(title, items, link="https://fault.example/"):
    """A small RSS 2.0 document; items are (guid, title) pairs."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
           "<title>%s</title><link>%s</link><description>d</description>" % (title, link)]
    for guid, t in items:
        out.append("<item><title>%s</title><link>%s%s</link><guid>%s</guid>"
                   "<pubDate>Tue, 10 Nov 2026 08:15:00 +0000</pubDate>"
                   "<description>Text of %s.</description></item>" % (t, link, guid, guid, t))
    out.append("</channel></rss>\n")
    return "".join(out).encode("utf-8")


GOOD = feed_xml("Redirect target", [("r1", "Moved item one"), ("r2", "Moved item two")])


def _raw(h, data):
    """Writes bytes as they are, bypassing BaseHTTPRequestHandler."""
    h.wfile.write(data)
    h.wfile.flush()


def _close(h):
    h.close_connection = True


def last_modified_only(h):
    lm = email.utils.formatdate(1700000000, usegmt=True)
    if h.headers.get("If-Modified-Since") == lm:
        return h.reply(304, b"", None)
    h.reply(200, feed_xml("Last-Modified only", [("lm1", "Dated item")]),
            "application/rss+xml", {"Last-Modified": lm})


def redirect(status, to):
    def route(h):
        h.reply(status, b"", "text/plain", {"Location": to})
    return route


def status(code, headers=None, body=b"error page"):
    def route(h):
        hd = dict(headers() if callable(headers) else (headers or {}))
        h.reply(code, body, "text/plain", hd)
    return route


def never_answers(h):
    # Reads the request and says nothing until the client gives up.
    _close(h)
    for _ in range(100):
        time.sleep(0.1)
        try:
            if not h.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                return          # client closed
        except BlockingIOError:
            pass
        except OSError:
            return


def trickle(h):
    # A valid start of a feed at 2 bytes a second: alive but useless.
    _close(h)
    body = feed_xml("Trickle", [("t%d" % i, "x") for i in range(50)])
    _raw(h, b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    try:
        for i in range(0, 100):
            _raw(h, body[i:i + 1])
            time.sleep(0.5)
    except OSError:
        pass


def reset_mid_body(h):
    _close(h)
    body = feed_xml("Reset", [("x%d" % i, "item") for i in range(40)])
    _raw(h, b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body) + body[:len(body) // 3])
    time.sleep(0.2)
    # SO_LINGER 0: close() sends RST instead of FIN.
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()


def endless_body(h):
    # No Content-Length, connection-delimited, far more than max_size.
    _close(h)
    _raw(h, b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            b"Connection: close\r\n\r\n<rss><channel>")
    chunk = b"<item><title>filler</title></item>" * 1000
    try:
        for _ in range(2000):     # ~68 MB at most; the client hangs up long before
            h.wfile.write(chunk)
    except OSError:
        pass


def gzip_bomb(h):
    # 16 MiB of spaces inside a valid feed, a few KiB on the wire.
    body = gzip.compress(b"<rss><channel><title>" + b" " * (16 << 20) +
                         b"</title></channel></rss>", 9)
    h.reply(200, body, "application/rss+xml", {"Content-Encoding": "gzip"})


def bad_gzip(h):
    h.reply(200, b"\x1f\x8b\x08\x00this is not deflate data at all" * 20,
            "application/rss+xml", {"Content-Encoding": "gzip"})


# What each compressed feed's request said it accepts.
ACCEPTED = {}


def coded(name, coding, pack):
    """A healthy feed sent with Content-Encoding `coding` (None: plain, for
    a server that ignores Accept-Encoding), its body made by pack()."""
    plain = feed_xml("Coded " + name, [("%s-%d" % (name, j), "Coded %s item %d" % (name, j))
                                        for j in range(5)],
                     link="https://%s.coded.example/" % name)

    def route(h):
        ACCEPTED[name] = h.headers.get("Accept-Encoding")
        h.reply(200, pack(plain), "application/rss+xml",
                {"Content-Encoding": coding} if coding else {})
    route.plain = plain
    return route


def _deflate(data, wbits):
    c = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return c.compress(data) + c.flush()


CODED = {
    "gzip": coded("gzip", "gzip", gzip.compress),
    "x-gzip": coded("xgzip", "x-gzip", gzip.compress),
    "deflate": coded("deflate", "deflate", lambda d: _deflate(d, 15)),
    "raw-deflate": coded("rawdeflate", "deflate", lambda d: _deflate(d, -15)),
    "chain": coded("chain", "deflate, gzip", lambda d: gzip.compress(_deflate(d, 15))),
    "members": coded("members", "gzip",
                     lambda d: gzip.compress(d[:100]) + gzip.compress(d[100:])),
    "identity": coded("identity", "identity", lambda d: d),
}


def not_http(h):
    # What a server of another protocol says first (an SSH port named by
    # mistake): no status line, no headers.
    _close(h)
    _raw(h, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")


def wrong_length(h):
    _close(h)
    body = feed_xml("Short", [("s1", "item")])
    _raw(h, b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (len(body) + 5000) + body)


def html(h):
    h.reply(200, b"<!DOCTYPE html><html><head><title>Home</title></head>"
                 b"<body><p>Welcome</p></body></html>", "text/html; charset=utf-8")


def empty(h):
    h.reply(200, b"", "application/rss+xml")


def not_xml(h):
    h.reply(200, b"hello world\n", "application/xml")


def json_feed(h):
    h.reply(200, b'{"version": "https://jsonfeed.org/version/1.1", "title": "Harbour News",'
            b' "items": [{"id": "1", "content_text": "Hello"}]}\n', "application/feed+json")


def no_feed_element(h):
    h.reply(200, b'<?xml version="1.0"?>\n<catalog><book id="1"/></catalog>\n', "application/xml")


def long_entity_name(h):
    # libxml2 names the undefined entity, 200 "é" long: the error is cut
    # to its buffer in the middle of one.
    h.reply(200, ('<?xml version="1.0"?>\n<x>&%s;</x>\n' % ("\u00e9" * 200)).encode(),
            "application/xml")


def plain_no_feed_element(h):
    # The same document as text/plain: a feed served so is read (the
    # media type is no reason for an error), so neither is it here.
    h.reply(200, b'<?xml version="1.0"?>\n<catalog><book id="1"/></catalog>\n', "text/plain")


def crowded_tag(h):
    # An item with 100,000 attributes (under 1 MB): libxml2 2.9 compares
    # each with the ones before it, minutes of CPU for one element.
    attrs = " ".join('a%d=""' % i for i in range(100000))
    body = feed_xml("Crowded", [("c1", "Crowded item")]).replace(b"<item>", b"<item " + attrs.encode() + b">", 1)
    h.reply(200, body, "application/rss+xml")


def _reply_lines(h, body, lines):
    """A 200 RSS answer with header lines as given, a name repeated as
    often as it comes (h.reply takes a dict: one line a name)."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    for name, value in lines:
        h.send_header(name, value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def two_coding_lines(h):
    # "deflate, gzip" sent as two Content-Encoding lines: one list.
    _reply_lines(h, gzip.compress(_deflate(TWO_LINES, 15)),
                 [("Content-Encoding", "deflate"), ("Content-Encoding", "gzip")])


def two_cache_lines(h):
    # "max-age=7200, public" sent as two Cache-Control lines: one list,
    # whose max-age lengthens the interval.
    _reply_lines(h, feed_xml("Two cache lines", [("2c-1", "Two cache lines item")],
                             link="https://twocache.example/"),
                 [("Cache-Control", "max-age=7200"), ("Cache-Control", "public")])


TWO_LINES = feed_xml("Two coding lines", [("2l-%d" % j, "Two lines item %d" % j) for j in range(3)],
                     link="https://twolines.coded.example/")


def good(h):
    h.reply(200, GOOD, "application/rss+xml", {"ETag": '"good"'})


def held(gate, body, seen=None, headers=None):
    """A feed answered only once `gate` is set (a deadline of 120 s
    against a hang), its request's path appended to `seen` (a list) as it
    arrives: a transfer the test holds in flight."""
    def route(h):
        if seen is not None:
            seen.append(h.path)
        gate.wait(120)
        h.reply(200, body, "application/rss+xml", headers)
    return route


def install(srv):
    """Mounts every fault on srv.  Returns {name: path}."""
    b = srv.base
    http_date = lambda: {"Retry-After": email.utils.formatdate(time.time() + 300, usegmt=True)}
    routes = {
        "/moved/target.xml": good,
        "/moved/final308.xml": good,
        "/moved/final302.xml": good,
        "/fault/last-modified": last_modified_only,
        "/fault/301-chain": redirect(301, b + "/fault/301-hop2"),
        "/fault/301-hop2": redirect(301, "/moved/target.xml"),
        "/fault/308": redirect(308, b + "/moved/final308.xml"),
        "/fault/302": redirect(302, b + "/moved/final302.xml"),
        "/fault/301-to-html": redirect(301, b + "/fault/html"),
        "/fault/loop-a": redirect(302, b + "/fault/loop-b"),
        "/fault/loop-b": redirect(302, b + "/fault/loop-a"),
        "/fault/to-file": redirect(302, "file:///etc/passwd"),
        "/fault/to-ftp": redirect(301, "ftp://127.0.0.1/feed.xml"),
        # The feed's host answers, the one it redirects to does not
        # (t_usage.py has one that does not resolve: here the sentinel
        # proxy would answer for any name but 127.0.0.1 and localhost).
        "/fault/to-refused": redirect(302, "http://localhost:1/feed.xml"),
        "/fault/302-nowhere": status(302),
        # 304 to a first request, which sent no ETag or Last-Modified
        "/fault/304-unasked": status(304, body=b""),
        # Latin-1 bytes in the Location (http.server sends str as Latin-1)
        "/fault/to-ftp-latin1": redirect(301, "ftp://127.0.0.1/caf\u00e9.xml"),
        "/fault/404": status(404),
        "/fault/410": status(410),
        "/fault/429-secs": status(429, {"Retry-After": "120"}),
        "/fault/429-date": status(429, http_date),
        "/fault/500": status(500),
        "/fault/503": status(503, {"Retry-After": "120"}),
        "/fault/no-headers": never_answers,
        "/fault/trickle": trickle,
        "/fault/reset": reset_mid_body,
        "/fault/endless": endless_body,
        "/fault/gzip-bomb": gzip_bomb,
        "/fault/bad-gzip": bad_gzip,
        "/fault/wrong-length": wrong_length,
        "/fault/not-http": not_http,
        "/fault/302-to-not-http": redirect(302, b + "/fault/not-http"),
        "/fault/html": html,
        "/fault/empty": empty,
        "/fault/not-xml": not_xml,
        "/fault/json-feed": json_feed,
        "/fault/no-feed-element": no_feed_element,
        "/fault/plain-no-feed-element": plain_no_feed_element,
        "/fault/long-entity-name": long_entity_name,
        "/fault/crowded-tag": crowded_tag,
        "/fault/two-coding-lines": two_coding_lines,
        "/fault/two-cache-lines": two_cache_lines,
    }
    routes.update({"/coded/" + k: v for k, v in CODED.items()})
    srv.routes.update(routes)
    return routes


class Sentinel(http.server.ThreadingHTTPServer):
    """A proxy on 127.0.0.1 that the daemon is pointed at through
    http_proxy/https_proxy/all_proxy with no_proxy=127.0.0.1,localhost: any request
    for another host lands here and is recorded instead of leaving."""
    daemon_threads = True

    def __init__(self):
        self.seen = []
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _any(self):
                outer.seen.append("%s %s" % (self.command, self.path))
                self.send_response(502)
                self.send_header("Content-Length", "0")
                self.end_headers()
            do_GET = do_HEAD = do_POST = do_CONNECT = _any

        super().__init__(("127.0.0.1", 0), H)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def env(self, base):
        p = "http://127.0.0.1:%d" % self.server_address[1]
        e = dict(base)
        for k in ("http_proxy", "https_proxy", "all_proxy", "HTTPS_PROXY", "ALL_PROXY"):
            e[k] = p
        e["no_proxy"] = e["NO_PROXY"] = "127.0.0.1,localhost"
        return e

    def stop(self):
        self.shutdown()
        self.server_close()
