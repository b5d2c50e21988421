"""tests/integration/harness.py — what every integration test needs: TAP
output, a local HTTP server on 127.0.0.1 (static feeds with ETag and
Last-Modified, plus scripted faults), temporary configs, running the real
tidingsd and reading the real SQLite file back."""
import email.utils
import fcntl
import hashlib
import http.server
import json
import os
import pty
import select
import shutil
import sqlite3
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("TIDINGS_BUILD", os.path.join(ROOT, "build"))
TIDINGSD = os.path.join(BUILD, "tidingsd")
TIDINGS = os.path.join(BUILD, "tidings")
DATA = os.path.join(ROOT, "tests", "data")
# tidingsd refuses to run as root outside systemd; tests run as root in
# containers, so they pass the documented override (t_root.py tests the
# refusal itself).
ROOT_OVERRIDE = ["--allow-root"] if os.geteuid() == 0 else []


def sanitized(prog):
    """Whether prog runs under AddressSanitizer or ThreadSanitizer, whose
    allocator and interceptors a shim of malloc(), realloc() or strndup()
    cannot replace (the sanitizer builds of `make integration-san`)."""
    try:
        out = subprocess.run(["ldd", prog], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "libasan" in out or "libtsan" in out


def preload_shim(t, source, what, allocator=False):
    """Compiles the C `source` into a library for LD_PRELOAD (a function of
    libc's replaced for the daemon: getaddrinfo(), clock_gettime()) in a
    directory of its own; returns (library, directory), the caller removes
    the directory.  Without a C compiler the test is skipped, saying `what`
    the shim was for; so it is under a sanitizer daemon when the shim
    replaces the allocator (allocator: malloc(), realloc(), strdup()...),
    which a sanitizer's own cannot give way to."""
    if allocator and sanitized(TIDINGSD):
        t.skip_all("a sanitizer's allocator cannot be replaced by the %s" % what)
    cc = shutil.which("cc") or shutil.which("gcc")
    build = tempfile.mkdtemp(prefix="tidings-shim-")
    lib = os.path.join(build, "shim.so")
    if not cc or subprocess.run([cc, "-shared", "-fPIC", "-o", lib, "-x", "c", "-", "-ldl"],
                                input=source, text=True, capture_output=True).returncode != 0:
        shutil.rmtree(build)
        t.skip_all("no C compiler for the %s" % what)
    return lib, build


def _libfaketime():
    for d in ("/usr/lib/x86_64-linux-gnu/faketime", "/usr/lib/aarch64-linux-gnu/faketime",
              "/usr/lib/faketime"):
        if os.path.exists(os.path.join(d, "libfaketime.so.1")):
            return os.path.join(d, "libfaketime.so.1")
    return None


# libfaketime (package faketime, which `make deps` installs), or None.
FAKETIME_LIB = _libfaketime()


def faked_clock(w):
    """A clock file in Workdir w's directory, at +0 (write "+3600s", "-1d",
    "+0" into it to move the clock), and the environment that runs a
    program on it under libfaketime."""
    clock = os.path.join(w.dir, "clock")
    with open(clock, "w") as f:
        f.write("+0\n")
    # (ASan wants its runtime first; libfaketime is preloaded before it.)
    return clock, dict(os.environ, LD_PRELOAD=FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE=clock,
                       FAKETIME_NO_CACHE="1", DONT_FAKE_MONOTONIC="1",
                       ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
                       ":verify_asan_link_order=0")
# The usual umask, whatever the caller's: tests hand their config files to
# an unprivileged user (t_dbfile.py, t_usage.py) and expect a new database
# to be group-readable (0640); under a umask of 077 neither holds.
# t_file_modes.py sets the umask it tests itself.
os.umask(0o022)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        if not cond:
            self.failed += 1
        print(("ok" if cond else "not ok") + " %d - %s" % (self.n, name))
        sys.stdout.flush()
        # On stderr, which prove shows without -v: a failure in CI says why.
        if not cond and diag is not None:
            for line in str(diag).splitlines():
                print("#   " + line, file=sys.stderr)
            sys.stderr.flush()
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, "got:  %r\nwant: %r" % (got, want))

    def skip_all(self, why):
        print("1..0 # SKIP " + why)
        sys.exit(0)

    def done(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, a client
    # that keeps the connection open waits ~40 ms for the body every time.
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def do_GET(self):
        srv = self.server
        path = self.path.split("?", 1)[0]
        with srv.lock:
            srv.hits[path] = srv.hits.get(path, 0) + 1
            srv.log.append((path, self.headers.get("If-None-Match"),
                            self.headers.get("If-Modified-Since")))
        route = srv.routes.get(path)
        if route is not None:
            return route(self)
        body = srv.files.get(path)
        if body is None:
            return self.reply(404, b"not found", "text/plain")
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        lm = email.utils.formatdate(srv.mtime.get(path, 1700000000), usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, b"", None, {"ETag": etag})
        ctype = srv.ctypes.get(path, "application/xml; charset=utf-8")
        self.reply(200, body, ctype, {"ETag": etag, "Last-Modified": lm})

    def reply(self, status, body, ctype, headers=None):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver listens with a backlog of 5.  A daemon opening dozens
    # of connections at once overflows it; Linux then drops the handshake's
    # last ACK and retransmits its SYN-ACK at 1, 2, 4... s, so on a loaded
    # machine requests reached this server only after the client's timeout.
    request_queue_size = 128

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.files, self.ctypes, self.mtime, self.routes = {}, {}, {}, {}
        self.hits, self.log = {}, []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.server_address[1]

    def url(self, path):
        return self.base + path

    def put(self, path, body, ctype=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.files[path] = body
        if ctype:
            self.ctypes[path] = ctype

    def handle_error(self, request, client_address):
        # A client that goes away mid-response (a killed daemon, a timeout
        # the test provoked) is expected here, not a server failure.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def stop(self):
        self.shutdown()
        self.server_close()


class Workdir:
    """A temporary directory with a config and a feed list."""

    def __init__(self, prefix="tidings-it-"):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.db = os.path.join(self.dir, "tidings.db")
        self.conf = os.path.join(self.dir, "tidings.conf")
        self.feeds = os.path.join(self.dir, "feeds.txt")

    def write_config(self, urls, extra="", threads=""):
        with open(self.feeds, "w") as f:
            f.write("# feeds for this test\n")
            for u in urls:
                f.write(u + "\n")
        with open(self.conf, "w") as f:
            f.write("[daemon]\ndatabase = %s\nfeeds = %s\n%s\n" % (self.db, self.feeds, extra))
            if threads:
                f.write("[threads]\n%s\n" % threads)

    def run_once(self, *args, timeout=120, env=None):
        return subprocess.run([TIDINGSD, "-c", self.conf, "--once"] + ROOT_OVERRIDE
                              + list(args), capture_output=True, text=True,
                              timeout=timeout, env=env)

    def start(self, *args, env=None, **kw):
        """The long-running daemon, as a Popen; the caller stops it."""
        return subprocess.Popen([TIDINGSD, "-c", self.conf] + ROOT_OVERRIDE + list(args),
                                env=env, **kw)

    def start_killed_at(self, n):
        """The long-running daemon, killed (SIGKILL) once n stories are
        stored, or after 60 s, or when it exits first; returns how many it
        had stored."""
        p = self.start(stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        stored = 0
        while stored < n and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.05)
            try:
                stored = self.sql("SELECT count(*) FROM stories")[0][0]
            except Exception:  # noqa: BLE001 (not created yet)
                pass
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait()
        return stored

    def sql(self, query, params=()):
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def fts_ok(self):
        """FTS5's own check that the search index matches the stories."""
        con = sqlite3.connect(self.db)
        try:
            con.execute("INSERT INTO stories_fts(stories_fts, rank) VALUES ('integrity-check', 1)")
            return True
        except sqlite3.DatabaseError as e:
            return str(e)
        finally:
            con.close()

    def damage(self, name, seed=1):
        """Garbage over the root page of table or index `name` (found in
        sqlite_master; an interior page once it spans several), as a
        failing SD card or a torn write leaves one: the daemon stopped."""
        (root,) = self.sql("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,))[0]
        (size,) = self.sql("PRAGMA page_size")[0]
        with open(self.db, "r+b") as f:
            f.seek((root - 1) * size)
            f.write(bytes((seed * 131 + i * 197) % 251 for i in range(size)))

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def thread_truth(w):
    """Per thread, what its stories say: (thread id, stories, publishers,
    first and last event_time)."""
    return [tuple(r) for r in w.sql(
        "SELECT thread_id, count(*), count(DISTINCT host), min(event_time), max(event_time)"
        " FROM stories GROUP BY thread_id ORDER BY thread_id")]


def thread_rows(w):
    """The live threads' rows in the same shape as thread_truth()."""
    return [tuple(r) for r in w.sql(
        "SELECT id, story_count, source_count, first_seen, last_updated FROM threads"
        " WHERE merged_into IS NULL AND story_count > 0 ORDER BY id")]


def wait_for_stderr(proc, text, deadline=60):
    """proc's stderr (a binary pipe, read unbuffered: select() does not see
    what a buffered reader holds) up to the first chunk holding text."""
    got = b""
    end = time.monotonic() + deadline
    while text.encode() not in got and time.monotonic() < end:
        ready, _, _ = select.select([proc.stderr], [], [], 1)
        if ready:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            got += chunk
    return got.decode("utf-8", "replace")


def stop(proc, timeout=30):
    """SIGTERM to a running daemon, then its exit: (status, stdout, stderr),
    the outputs None unless piped.  Killed (status -9) when it has not
    exited within `timeout`, a deadline only against a hang."""
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, out, err


def read(path):
    with open(os.path.join(DATA, path), "rb") as f:
        return f.read()


def need_programs(t, *progs):
    """Skips the whole test (TAP's 1..0 # SKIP) when a program is not built."""
    for prog in progs:
        if not os.access(prog, os.X_OK):
            t.skip_all("no %s (run make first)" % prog)


# The spine fixtures as feeds: path on the server -> (file, media type).
SPINE_FEEDS = {
    "/rss20.xml": ("spine/rss20.xml", "application/rss+xml"),
    "/atom.xml": ("spine/atom10.xml", "application/atom+xml"),
    "/rss10.xml": ("spine/rss10.xml", "application/rdf+xml"),
}


def spine_server(*paths):
    """A Server on 127.0.0.1 serving the named SPINE_FEEDS paths."""
    srv = Server()
    for p in paths:
        f, ct = SPINE_FEEDS[p]
        srv.put(p, read(f), ct)
    return srv


def stored(t, srv, docs):
    """A Workdir whose database holds `docs` ({path: (document, media
    type)}), served by srv and stored by a real `tidingsd --once`
    (checked as a test of t's)."""
    for path, (doc, ctype) in docs.items():
        srv.put(path, doc, ctype)
    w = Workdir()
    w.write_config([srv.url(path) for path in docs])
    r = w.run_once()
    t.eq(r.returncode, 0, "tidingsd --once exits 0")
    return w


def outlets(t, srv, feeds, lang=None, extra=()):
    """One RSS feed an outlet, served at /NAME.xml and stored by a real
    `tidingsd --once` (checked as a test of t's), with the URLs in extra
    listed too: feeds maps an outlet's name to its headline-led items,
    (title, slug) or (title, slug, text), linked at
    https://NAME.example/SLUG and dated a minute apart from 09:10 on 30
    November 2026.  The Workdir, and {link: thread_id} of its stories."""
    urls = []
    for name, items in feeds.items():
        srv.put("/%s.xml" % name, rss_doc(name, "https://%s.example/" % name, [
            {"title": it[0], "text": it[2] if len(it) > 2 else "",
             "date": "Mon, 30 Nov 2026 09:%02d:00 GMT" % (10 + i),
             "link": "https://%s.example/%s" % (name, it[1])} for i, it in enumerate(items)],
            lang=lang))
        urls.append(srv.url("/%s.xml" % name))
    w = Workdir()
    w.write_config(urls + list(extra))
    r = w.run_once()
    t.eq(r.returncode, 0, "tidingsd --once exits 0")
    if r.returncode:
        print("# " + r.stderr.replace("\n", "\n# "))
    return w, dict(w.sql("SELECT link, thread_id FROM stories"))


def youtube_channel(cid, name, footer, videos):
    """A YouTube channel's Atom feed as YouTube writes it: videos are
    (video id, title, published), each with the channel's footer as its
    media:description."""
    entries = "".join("""
<entry><id>yt:video:%s</id><yt:videoId>%s</yt:videoId><yt:channelId>%s</yt:channelId>
<title>%s</title><link rel="alternate" href="https://www.youtube.com/watch?v=%s"/>
<author><name>%s</name><uri>https://www.youtube.com/channel/%s</uri></author>
<published>%s</published><updated>2026-11-10T20:00:00+00:00</updated>
<media:group><media:title>%s</media:title>
<media:thumbnail url="https://i1.ytimg.com/vi/%s/hqdefault.jpg" width="480" height="360"/>
<media:description>%s</media:description>
<media:community><media:statistics views="4567"/></media:community>
</media:group></entry>""" % (vid, vid, cid, title, vid, name, cid, pub, title, vid, footer)
        for vid, title, pub in videos)
    return """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015"
 xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
<id>yt:channel:%s</id><title>%s</title>
<link rel="alternate" href="https://www.youtube.com/channel/%s"/>
<author><name>%s</name><uri>https://www.youtube.com/channel/%s</uri></author>
<published>2010-01-01T00:00:00+00:00</published>%s
</feed>
""" % (cid, name, cid, name, cid, entries)


def parse_json(doc, base):
    """What `tidings parse --json` reads in the document (a string), with
    `base` as its URI."""
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(doc)
    try:
        r = subprocess.run([TIDINGS, "parse", "--json", "--base-uri", base, f.name],
                           capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    return json.loads(r.stdout)


def spine_db(t):
    """A Workdir whose database holds the RSS 2.0 spine feed, stored by a
    real `tidingsd --once` (checked as a test of t's); the server is gone
    after.  For tests of the reader tool on a database of known shape."""
    srv = spine_server("/rss20.xml")
    w = Workdir()
    w.write_config([srv.url("/rss20.xml")])
    r = w.run_once()
    t.eq(r.returncode, 0, "tidingsd --once builds the database")
    srv.stop()
    return w


def run_on_pty(argv, env, stream="stdout", timeout=60, cols=None):
    """Runs argv with `stream` ("stdout" or "stderr") on a pseudo-terminal,
    the other one discarded; returns (exit status, what the terminal got).
    cols: the terminal's width (else its size is unset, 0 x 0)."""
    master, slave = pty.openpty()
    if cols:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    out = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    out[stream] = slave
    p = subprocess.Popen(argv, env=env, **out)
    os.close(slave)
    buf = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO once the last writer has gone
            break
        if not chunk:
            break
        buf += chunk
    os.close(master)
    return p.wait(timeout), buf.decode("utf-8", "replace")


def rss_doc(title, link, items, lang=None):
    """An RSS 2.0 document; items are dicts with "link" and "text", and
    optionally "title" (None or absent: an untitled item), "guid"
    (isPermaLink="false"), "date" (RFC 822) and "source" (a (url, name)
    pair: <source url="url">name</source>, as aggregators name an item's
    publisher); lang: the channel's <language>."""
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
           "<title>%s</title><link>%s</link>" % (title, link)]
    if lang:
        out.append("<language>%s</language>" % lang)
    for it in items:
        out.append("<item>%s<link>%s</link>%s<pubDate>%s</pubDate>"
                   "<description>%s</description>%s</item>" % (
                       "<title>%s</title>" % it["title"] if it.get("title") is not None else "",
                       it["link"].replace("&", "&amp;"),
                       "<guid isPermaLink=\"false\">%s</guid>" % it["guid"] if it.get("guid") else "",
                       it.get("date", "Tue, 10 Nov 2026 08:00:00 GMT"), it["text"],
                       '<source url="%s">%s</source>' % it["source"] if it.get("source") else ""))
    out.append("</channel></rss>")
    return "".join(out)


# Headlines of a small site's front page, for the tests of its feed's
# identity (guid schemes, CMS moves): distinct words, no two one event.
SITE_HEADLINES = ["Council approves new budget for the harbour tunnel project",
                  "Storm floods coastal villages after record rainfall overnight",
                  "Tram drivers announce strike over pay and working hours",
                  "University opens research centre for quantum computing",
                  "Police arrest suspect in museum painting theft case",
                  "Airport expansion plan faces fresh legal challenge",
                  "Farmers warn of poor harvest as drought continues",
                  "City orchestra names young conductor as new director",
                  "Hospital waiting lists fall for the first time in years",
                  "Railway bridge reopens after two years of repairs",
                  "Glacier retreat speeds up, survey of the Alps finds",
                  "Fishermen protest new quotas outside the ministry"]


def polls_at(t, srv, w, path, title, site):
    """poll(hours, items): serve items as the RSS document at `path` of srv
    (rss_doc(title, site, items)), set the clock to +hours (libfaketime)
    and run `tidingsd --once` on w, checking that it exits 0; returns its
    result.  Skips the whole test without libfaketime."""
    if not FAKETIME_LIB:
        t.skip_all("no libfaketime (apt-get install faketime)")
    clock, env = faked_clock(w)

    def poll(hours, items):
        srv.put(path, rss_doc(title, site, items))
        with open(clock, "w") as f:
            f.write("+%ds\n" % (hours * 3600))
        r = w.run_once(env=env)
        t.eq(r.returncode, 0, "tidingsd --once at +%d h exits 0" % hours)
        return r
    return poll


def generated_rss(feed_no, n_items, words=60, day=1794000000):
    """A deterministic RSS 2.0 feed of n_items distinct articles: each with
    a guid, a link on the feed's own host, a date and a text unlike any
    other (so no level of deduplication applies)."""
    import random
    rnd = random.Random(feed_no)
    vocab = ("harbour council river budget tunnel election market festival "
             "ministry court storm railway museum vaccine league bridge school "
             "factory airport reservoir orchestra glacier senate treaty").split()
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
           '<title>Generated feed %d</title><link>http://feed%d.example/</link>' % (feed_no, feed_no)]
    for i in range(n_items):
        text = " ".join("%s%d" % (rnd.choice(vocab), rnd.randrange(100000)) for _ in range(words))
        t = day - (feed_no * 97 + i * 3600) % (30 * 86400)
        out.append("<item><title>Item %d of feed %d: %s</title>"
                   "<link>http://feed%d.example/a/%d</link><guid>f%d-i%d</guid>"
                   "<pubDate>%s</pubDate><description>%s</description></item>" % (
                       i, feed_no, text[:40], feed_no, i, feed_no, i,
                       email.utils.formatdate(t, usegmt=True), text))
    out.append("</channel></rss>")
    return "".join(out)


def serve_generated(srv, n_feeds, n_items, prefix="/gen"):
    """Puts n_feeds generated feeds on the server, at prefix/K.xml;
    returns their URLs."""
    urls = []
    for k in range(n_feeds):
        srv.put("%s/%d.xml" % (prefix, k), generated_rss(k, n_items))
        urls.append(srv.url("%s/%d.xml" % (prefix, k)))
    return urls


class StderrLog:
    """The lines a running daemon writes on its stderr (a pipe: start it
    with stderr=subprocess.PIPE), collected by a thread so that the pipe
    never fills; wait() blocks until a condition on them holds."""

    def __init__(self, proc):
        self.lines = []
        self.cv = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(proc.stderr,), daemon=True)
        self.thread.start()

    def _read(self, pipe):
        for raw in iter(pipe.readline, b""):
            with self.cv:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cv.notify_all()
        with self.cv:
            self.lines.append(None)      # end of file: the daemon is gone
            self.cv.notify_all()

    def text(self):
        with self.cv:
            return "\n".join(x for x in self.lines if x is not None)

    def count(self, text):
        with self.cv:
            return sum(1 for x in self.lines if x is not None and text in x)

    def wait(self, pred, deadline=60):
        """Waits until pred(self) holds or the daemon's stderr closes; a
        deadline only against a hang.  Returns whether pred held."""
        end = time.monotonic() + deadline
        with self.cv:
            while True:
                self.cv.release()
                try:
                    if pred(self):
                        return True
                finally:
                    self.cv.acquire()
                if (self.lines and self.lines[-1] is None) or time.monotonic() >= end:
                    break
                self.cv.wait(max(0.0, min(1.0, end - time.monotonic())))
        return pred(self)

    def wait_for(self, text, n=1, deadline=60):
        return self.wait(lambda s: s.count(text) >= n, deadline)

    def stop(self, proc, timeout=30):
        """SIGTERM, then the daemon's exit status once every line it wrote
        has been read here: harness.stop() reads the pipe itself, and took
        the last lines from under this reader.  Killed (status -9) when it
        has not exited within `timeout`, a deadline only against a hang."""
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        self.thread.join(timeout)
        return proc.returncode
