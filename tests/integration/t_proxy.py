#!/usr/bin/env python3
"""The proxy of the environment (http_proxy, https_proxy, no_proxy), which
tidingsd uses as libcurl does (tidingsd(8), ENVIRONMENT).

A proxy on 127.0.0.1 serves one feed of another host (a forward proxy) and
asks for a password (407) for the rest: a plain-http GET and an https
CONNECT.  The feed it serves is stored; the refused ones say the proxy
refused them, not "connection broken" (the https CONNECT answered 407 read
as a connection that broke mid-transfer); a feed of no_proxy's 127.0.0.1
beside them is fetched directly and stays healthy."""
import http.server
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402
import faults  # noqa: E402

t = Tap()
FEED = faults.feed_xml("Through the proxy", [("p1", "Proxied harbour report")],
                       link="http://feeds.tidings.example/")


class Proxy(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.seen = []
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.seen.append("GET " + self.path)
                if self.path == "http://feeds.tidings.example/open.xml":
                    body, code = FEED, 200
                else:
                    body, code = b"", 407
                self.send_response(code)
                if code == 407:
                    self.send_header("Proxy-Authenticate", 'Basic realm="office"')
                else:
                    self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_CONNECT(self):
                outer.seen.append("CONNECT " + self.path)
                self.send_response(407)
                self.send_header("Proxy-Authenticate", 'Basic realm="office"')
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(("127.0.0.1", 0), H)
        threading.Thread(target=self.serve_forever, daemon=True).start()


proxy = Proxy()
srv = Server()
srv.put("/local.xml", faults.feed_xml("Local", [("l1", "Local council budget")]),
        "application/rss+xml")
OPEN = "http://feeds.tidings.example/open.xml"
LOCKED = "http://feeds.tidings.example/locked.xml"
TLS = "https://feeds.tidings.example/tls.xml"
LOCAL = srv.url("/local.xml")

w = Workdir(prefix="tidings-proxy-")
w.write_config([OPEN, LOCKED, TLS, LOCAL])
env = dict(os.environ)
for k in ("http_proxy", "https_proxy", "all_proxy", "HTTPS_PROXY", "ALL_PROXY"):
    env[k] = "http://127.0.0.1:%d" % proxy.server_address[1]
env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
r = w.run_once(env=env)
t.eq(r.returncode, 0, "--once exits 0")


def feed(url):
    return w.sql("SELECT last_status, last_error FROM feeds WHERE url = ?", (url,))[0]


t.eq(feed(OPEN), (200, None), "a feed the proxy serves is fetched through it")
t.eq(w.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id"
           " WHERE f.url = ?", (OPEN,)), [(1,)], "and its story stored")
t.eq(feed(LOCKED), (407, "HTTP 407 Proxy Authentication Required"),
     "a plain-http feed the proxy wants a password for says so")
st, err = feed(TLS)
t.ok(err is not None and err.startswith("the proxy refused the tunnel to feeds.tidings.example")
     and "407" in err, "an https feed whose CONNECT the proxy refused says the proxy refused it",
     err)
t.ok(err is not None and "connection broken" not in err,
     "not a connection that broke", err)
t.eq(feed(LOCAL), (200, None), "a feed of no_proxy's host is fetched directly")
t.ok("CONNECT feeds.tidings.example:443" in proxy.seen, "the CONNECT went to the proxy",
     proxy.seen)
t.ok(not any("127.0.0.1" in s for s in proxy.seen), "no_proxy's host never went through it",
     proxy.seen)

proxy.shutdown()
proxy.server_close()
srv.stop()
w.cleanup()
t.done()
