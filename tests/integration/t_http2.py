#!/usr/bin/env python3
"""HTTP/2 and TLS verification against a real server: a private nginx on
127.0.0.1 serves static RSS feeds over TLS with a certificate from a
throwaway CA made here with openssl.

- With `ca_file` naming that CA, `tidingsd --once` stores every feed; nginx's
  access log says each request on the http2 port came as HTTP/2.0, and
  that the feeds of one host went over one connection, as concurrent
  streams (two requests on it in progress at once); tidingsd's debug log
  says the same from its side.  A second run costs one 304 per feed.
- A server offering only HTTP/1.1 over TLS still works, HTTP/1.1 in the log.
- Without `ca_file` the CA is untrusted: a TLS error in feeds.last_error,
  nothing stored.  A certificate for another host name fails the same way.
- A `ca_file` that is missing or holds no certificate is refused at
  start-up with FILE:LINE:, and on SIGHUP (the daemon keeps running); a
  good one given on SIGHUP is used for the feeds polled after it.

nginx (nginx-light) and openssl are test dependencies (`make deps`): when
either is missing the test fails, it does not skip."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGS, generated_rss, stop  # noqa: E402
from faults import Sentinel, redirect  # noqa: E402

t = Tap()


def which(name):
    return shutil.which(name) or next(
        (p for p in ("/usr/sbin/" + name, "/sbin/" + name) if os.access(p, os.X_OK)), None)


NGINX, OPENSSL = which("nginx"), which("openssl")
if not NGINX or not OPENSSL:
    t.ok(False, "nginx and openssl are installed (test dependencies: `make deps`"
         " installs nginx-light and openssl)", "nginx: %s, openssl: %s" % (NGINX, OPENSSL))
    t.done()

TMP = tempfile.mkdtemp(prefix="tidings-http2-")


def openssl(*args):
    r = subprocess.run([OPENSSL] + list(args), capture_output=True, text=True, cwd=TMP)
    if r.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (" ".join(args), r.stderr))


def make_certs():
    """A CA, a server certificate for 127.0.0.1 and localhost, and one for
    another name only; EC keys (fast), valid for two days."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=tidings throwaway test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    for name, san in (("good", "IP:127.0.0.1,DNS:localhost"),
                      ("wrong", "DNS:wrong-name.example")):
        with open(os.path.join(TMP, name + ".ext"), "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\n"
                    "authorityKeyIdentifier=keyid\nsubjectAltName=%s\n" % san)
        openssl("req", "-new", *ec, "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + san.split(",")[0].split(":")[1])
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", name + ".ext",
                "-out", name + ".pem")


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


# One request per line: port, host, nginx's connection serial number and
# how many requests it had carried, the protocol, the request, the status,
# and when the request ended and how long it took (to tell whether two
# requests on one connection were in progress at the same time).
NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 128; }}
http {{
    log_format tidings '$server_port $host $connection $connection_requests '
                       '$server_protocol "$request" $status $msec $request_time';
    access_log {d}/access.log tidings;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    types {{ application/rss+xml xml; }}
    default_type application/octet-stream;
    root {d}/www;
    ssl_protocols TLSv1.2 TLSv1.3;
    # Served slowly (a few seconds): other feeds of the host are fetched
    # while one of these is still coming, on the same connection if the
    # client multiplexes.
    server {{
        listen 127.0.0.1:{h2} ssl http2;
        ssl_certificate {d}/good.pem;
        ssl_certificate_key {d}/good.key;
        location /slow/ {{ limit_rate 12k; }}
    }}
    server {{
        listen 127.0.0.1:{h1} ssl;
        ssl_certificate {d}/good.pem;
        ssl_certificate_key {d}/good.key;
    }}
    server {{
        listen 127.0.0.1:{wrong} ssl http2;
        ssl_certificate {d}/wrong.pem;
        ssl_certificate_key {d}/wrong.key;
    }}
}}
"""


def start_nginx(ports):
    conf = os.path.join(TMP, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(d=TMP, **ports))
    os.makedirs(os.path.join(TMP, "tmp"), exist_ok=True)
    proc = subprocess.Popen([NGINX, "-p", TMP, "-e", os.path.join(TMP, "error.log"),
                             "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    # Ready when every port accepts; a start-up error ends the process.
    deadline = time.monotonic() + 30
    pending = set(ports.values())
    while pending and proc.poll() is None and time.monotonic() < deadline:
        for p in list(pending):
            try:
                socket.create_connection(("127.0.0.1", p), timeout=1).close()
                pending.discard(p)
            except OSError:
                pass
        if pending:
            time.sleep(0.05)
    return proc, not pending and proc.poll() is None


def error_log():
    try:
        with open(os.path.join(TMP, "error.log")) as f:
            return f.read()[-2000:]
    except OSError as e:
        return str(e)


LOG_RE = re.compile(r'(\d+) (\S+) (\d+) (\d+) (\S+) "GET (\S+) [^"]*" (\d+) ([\d.]+) ([\d.]+)')


def access_log():
    """Parsed access log lines: dicts with port, host, conn, proto, path,
    status, start and end (seconds)."""
    rows = []
    with open(os.path.join(TMP, "access.log")) as f:
        for line in f:
            m = LOG_RE.match(line)
            if m:
                end, took = float(m.group(8)), float(m.group(9))
                rows.append(dict(port=int(m.group(1)), host=m.group(2), conn=int(m.group(3)),
                                 proto=m.group(5), path=m.group(6), status=int(m.group(7)),
                                 start=end - took, end=end))
    return rows


def truncate_access_log():
    # nginx keeps the file open in append mode: truncating starts it afresh.
    open(os.path.join(TMP, "access.log"), "w").close()


def wait_for(cond, limit=30):
    """Polls cond until true or `limit` seconds pass (a readiness wait on
    a running daemon, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if cond():
                return True
        except Exception:     # the database may not exist yet
            pass
        time.sleep(0.1)
    return False


def read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def stored_in(wd, url):
    return wd.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id"
                  " WHERE f.url = ?", (url,))[0][0]


def overlapping_pair(rows):
    """Two requests on one connection whose times in progress intersect
    (millisecond times, strict inequalities: two that merely start and
    end within the same millisecond do not count).  HTTP/1.1 carries one
    request at a time on a connection; only streams can do this."""
    for a in rows:
        for b in rows:
            if a is not b and a["conn"] == b["conn"] and \
                    a["start"] < b["end"] and b["start"] < a["end"]:
                return a, b
    return None


proc = None
sentinel = Sentinel()
ENV = sentinel.env(os.environ)
work = []


def main():
    global proc
    make_certs()
    ports = dict(zip(("h2", "h1", "wrong"), free_ports(3)))
    www = os.path.join(TMP, "www")
    os.makedirs(os.path.join(www, "slow"))
    feeds = {}   # path -> number of items

    def put(path, feed_no, n_items):
        with open(os.path.join(www, path.lstrip("/")), "w") as f:
            f.write(generated_rss(feed_no, n_items))
        feeds[path] = n_items

    for k in range(6):
        put("/f%d.xml" % k, k, 8)
    # Two slow ones (about 30 KB at 12 KB/s): with two transfers per host
    # in flight, whatever the order, some request starts while one of
    # them is still coming.
    put("/slow/s0.xml", 100, 30)
    put("/slow/s1.xml", 101, 30)
    put("/l0.xml", 50, 8)      # fetched as https://localhost:PORT/
    put("/h1-0.xml", 200, 5)
    put("/h1-1.xml", 201, 5)
    put("/wrong.xml", 300, 5)

    proc, up = start_nginx(ports)
    if not t.ok(up, "private nginx listens on 127.0.0.1 (http2, http/1.1 and wrong-name ports)",
                error_log()):
        return

    H2 = "https://127.0.0.1:%d" % ports["h2"]
    H1 = "https://127.0.0.1:%d" % ports["h1"]
    h2_urls = [H2 + p for p in sorted(feeds) if p.startswith(("/f", "/slow/"))]
    local_url = "https://localhost:%d/l0.xml" % ports["h2"]   # the DNS name in the certificate
    h1_urls = [H1 + "/h1-0.xml", H1 + "/h1-1.xml"]
    wrong_url = "https://127.0.0.1:%d/wrong.xml" % ports["wrong"]
    items = {u: feeds[u[len(H2):]] for u in h2_urls}
    items.update({u: feeds[u[len(H1):]] for u in h1_urls})
    items[local_url] = feeds["/l0.xml"]

    # ---- trusted CA: everything stored, over HTTP/2 where offered ----------
    w = Workdir(prefix="tidings-http2-")
    work.append(w)
    ca = os.path.join(TMP, "ca.pem")
    w.write_config(h2_urls + [local_url] + h1_urls + [wrong_url],
                   "per_host = 2\nca_file = %s\ntimeout = 20s\n" % ca)
    r = w.run_once("-v", env=ENV)
    t.eq(r.returncode, 0, "tidingsd --once with ca_file exits 0")
    if r.returncode != 0:
        print("# " + r.stderr[-3000:].replace("\n", "\n# "))

    def stored(url):
        return stored_in(w, url)

    def health(url, wd=None):
        rows = (wd or w).sql("SELECT last_status, last_error FROM feeds WHERE url = ?", (url,))
        return rows[0] if rows else None

    for u in h2_urls + [local_url] + h1_urls:
        n, st = stored(u), health(u)
        t.ok(n == items[u] and st == (200, None),
             "%s: %d stories, status 200, no error" % (u, items[u]), (n, st))

    log = access_log()
    h2_rows = [x for x in log if x["port"] == ports["h2"]]
    h1_rows = [x for x in log if x["port"] == ports["h1"]]
    t.eq(sorted(x["path"] for x in h2_rows),
         sorted([u[len(H2):] for u in h2_urls] + ["/l0.xml"]),
         "nginx saw one request per feed on the http2 port")
    t.ok(h2_rows and all(x["proto"] == "HTTP/2.0" and x["status"] == 200 for x in h2_rows),
         "every request on the http2 port was HTTP/2.0, 200",
         [(x["path"], x["proto"], x["status"]) for x in h2_rows])
    t.ok(len(h1_rows) == 2 and all(x["proto"] == "HTTP/1.1" and x["status"] == 200
                                   for x in h1_rows),
         "the HTTP/1.1-only server got HTTP/1.1 requests, 200",
         [(x["path"], x["proto"], x["status"]) for x in h1_rows])

    # Multiplexing: the feeds of 127.0.0.1 on the http2 port (per_host 2)
    # all went over one connection, two of them at the same time on it.
    ip_rows = [x for x in h2_rows if x["host"] == "127.0.0.1"]
    conns = {x["conn"] for x in ip_rows}
    t.ok(len(ip_rows) == len(h2_urls) and len(conns) == 1,
         "the %d feeds of one HTTP/2 host shared one connection" % len(h2_urls),
         [(x["path"], x["conn"]) for x in ip_rows])
    pair = overlapping_pair(ip_rows)
    t.ok(pair is not None, "two requests were in progress at once on that connection (streams)",
         [(x["path"], x["conn"], "%.3f-%.3f" % (x["start"], x["end"])) for x in ip_rows])

    # The daemon's own account (debug level): protocol and connection use.
    for u in h2_urls + [local_url]:
        t.ok(re.search(re.escape(u) + r": HTTP/2, status 200, ", r.stderr),
             "debug log: %s fetched over HTTP/2" % u)
    for u in h1_urls:
        t.ok(re.search(re.escape(u) + r": HTTP/1\.1, status 200, ", r.stderr),
             "debug log: %s fetched over HTTP/1.1" % u)
    new_conns = [u for u in h2_urls
                 if re.search(re.escape(u) + r": HTTP/2, .* new connection", r.stderr)]
    t.eq(len(new_conns), 1, "debug log: one new connection for the feeds of 127.0.0.1, "
         "the others reused it")

    # A certificate for another name, from the trusted CA: refused.
    st = health(wrong_url)
    t.ok(st is not None and st[0] is None and st[1] is not None and
         re.match(r"TLS error: .*(subject name|does not match|match).*127\.0\.0\.1", st[1]),
         "certificate for another host name: TLS error naming the host", st)
    t.eq(stored(wrong_url), 0, "certificate for another host name: nothing stored")
    t.ok(not any(x["port"] == ports["wrong"] for x in log),
         "certificate for another host name: no request was sent")

    # ---- second run: conditional requests over HTTP/2 ---------------------
    truncate_access_log()
    r2 = w.run_once(env=ENV)
    t.eq(r2.returncode, 0, "second run exits 0")
    log2 = [x for x in access_log() if x["port"] == ports["h2"]]
    t.ok(len(log2) == len(h2_urls) + 1 and
         all(x["proto"] == "HTTP/2.0" and x["status"] == 304 for x in log2),
         "second run: one HTTP/2.0 304 per unchanged feed",
         [(x["path"], x["proto"], x["status"]) for x in log2])
    t.ok(all(stored(u) == items[u] for u in h2_urls + h1_urls), "second run: nothing added")

    # ---- no ca_file: the throwaway CA is not trusted -----------------------
    w2 = Workdir(prefix="tidings-http2-")
    work.append(w2)
    # An http feed whose site moved to https (a 301 to the server): its
    # error read "TLS error: ..." of a URL without TLS, naming no host.
    plain = Server()
    plain.routes["/moved.xml"] = redirect(301, H1 + "/h1-1.xml")
    moved_url = plain.url("/moved.xml")
    w2.write_config([H2 + "/f1.xml", H1 + "/h1-0.xml", moved_url], "per_host = 2\n")
    truncate_access_log()
    r3 = w2.run_once(env=ENV)
    plain.stop()
    t.eq(r3.returncode, 0, "without ca_file: tidingsd --once exits 0")
    for u in (H2 + "/f1.xml", H1 + "/h1-0.xml"):
        st = health(u, w2)
        t.ok(st is not None and st[0] is None and st[1] is not None and
             re.match(r"TLS error: .*certificate.*", st[1]),
             "without ca_file: %s fails with a TLS certificate error" % u, st)
    st = health(moved_url, w2)
    t.ok(st is not None and st[1] is not None and
         re.match(r"TLS error: .*certificate.* \(at the redirect's target 127\.0\.0\.1\)$", st[1]),
         "without ca_file: an http feed redirected to https names the target's TLS error", st)
    t.eq(w2.sql("SELECT count(*) FROM stories")[0][0], 0, "without ca_file: nothing stored")
    t.eq(access_log(), [], "without ca_file: no request reached the server")

    # ---- a bad ca_file is refused at start-up, on its line -----------------
    w3 = Workdir(prefix="tidings-http2-")
    work.append(w3)
    cut_pem = os.path.join(TMP, "cut.pem")
    with open(ca) as a, open(os.path.join(TMP, "good.pem")) as b, open(cut_pem, "w") as f:
        f.write(a.read() + "".join(b.readlines()[:5]))
    for name, value, why in (
            ("missing", os.path.join(TMP, "no-such-ca.pem"),
             r"ca_file: .*no-such-ca\.pem: cannot open: No such file or directory"),
            ("not PEM", os.path.join(www, "f1.xml"), r"ca_file: .*f1\.xml: no PEM certificate"),
            # OpenSSL refuses a whole file for one bad block: the daemon
            # started, and every https feed failed, public CAs' too.
            ("cut short", cut_pem, r"ca_file: .*cut\.pem: the certificate on line \d+ is cut "
             r"short \(no -----END CERTIFICATE-----\)")):
        w3.write_config([H2 + "/f1.xml"], "ca_file = %s\n" % value)
        r4 = w3.run_once(env=ENV)
        line = re.escape(w3.conf) + r":4: " + why
        t.ok(r4.returncode == 1 and re.search(line, r4.stderr),
             "ca_file %s: tidingsd refuses to start with FILE:LINE:" % name,
             (r4.returncode, r4.stderr[-500:]))
        r5 = subprocess.run([TIDINGS, "check", "-c", w3.conf], capture_output=True, text=True)
        t.ok(r5.returncode == 1 and re.search(line, r5.stderr),
             "ca_file %s: tidings check reports it" % name, (r5.returncode, r5.stderr))
        t.ok(not os.path.exists(w3.db) or w3.sql("SELECT count(*) FROM stories")[0][0] == 0,
             "ca_file %s: nothing fetched" % name)

    # ---- SIGHUP: a bad ca_file is refused, a good one takes effect --------
    w4 = Workdir(prefix="tidings-http2-")
    work.append(w4)
    w4.write_config([H2 + "/f2.xml"], "per_host = 2\n")
    errpath = os.path.join(w4.dir, "stderr.log")
    with open(errpath, "w") as errf:
        d = w4.start(env=ENV, stdout=subprocess.DEVNULL, stderr=errf)
    try:
        t.ok(wait_for(lambda: (health(H2 + "/f2.xml", w4) or (None, None))[1]),
             "SIGHUP: the running daemon first fails the feed (no ca_file)",
             health(H2 + "/f2.xml", w4))
        w4.write_config([H2 + "/f2.xml"], "ca_file = %s\n" % os.path.join(TMP, "no-such-ca.pem"))
        d.send_signal(signal.SIGHUP)
        line = "%s:4: ca_file: %s: cannot open" % (w4.conf, os.path.join(TMP, "no-such-ca.pem"))
        t.ok(wait_for(lambda: line in read_text(errpath)) and d.poll() is None,
             "SIGHUP with a missing ca_file: refused with FILE:LINE, daemon keeps running",
             read_text(errpath)[-1500:])
        w4.write_config([H2 + "/f2.xml", H2 + "/f3.xml"], "ca_file = %s\n" % ca)
        d.send_signal(signal.SIGHUP)
        t.ok(wait_for(lambda: stored_in(w4, H2 + "/f3.xml") == feeds["/f3.xml"]),
             "SIGHUP with a good ca_file: a feed added with it is fetched and stored",
             (health(H2 + "/f3.xml", w4), read_text(errpath)[-1500:]))
    finally:
        rc = stop(d)[0]
    t.eq(rc, 0, "SIGHUP test: the daemon exits 0 on SIGTERM")

    t.eq(sentinel.seen, [], "no request left 127.0.0.1")


try:
    main()
finally:
    if proc is not None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    sentinel.stop()
    for w in work:
        w.cleanup()
    shutil.rmtree(TMP, ignore_errors=True)

t.done()
