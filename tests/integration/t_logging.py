#!/usr/bin/env python3
"""Logging of the real tidingsd: "<N>" syslog prefixes when $JOURNAL_STREAM
names stderr, "LEVEL: message" otherwise; log_level and -v; the --once
progress line on a terminal (a pty) and never without one."""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, spine_server, need_programs, Workdir, run_on_pty, TIDINGSD, ROOT_OVERRIDE, stop  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)

srv = spine_server("/rss20.xml", "/atom.xml")
urls = [srv.url("/rss20.xml"), srv.url("/atom.xml"), srv.url("/missing.xml")]
w = Workdir()
w.write_config(urls)


def clean_env(**kw):
    env = {k: v for k, v in os.environ.items()
           if k not in ("JOURNAL_STREAM", "NOTIFY_SOCKET", "INVOCATION_ID", "NO_COLOR")}
    env.update(kw)
    return env


def run_to_file(env, *args):
    """Runs --once with stderr on a regular file; returns (rc, text, st)."""
    path = os.path.join(w.dir, "stderr.log")
    with open(path, "w+") as f:
        st = os.fstat(f.fileno())
        env = env(st) if callable(env) else env
        rc = subprocess.run([TIDINGSD, "-c", w.conf, "--once"] + ROOT_OVERRIDE + list(args),
                            stdout=subprocess.DEVNULL, stderr=f, env=env, timeout=60).returncode
        f.seek(0)
        return rc, f.read()


# 1. stderr is the journal: JOURNAL_STREAM is its dev:inode.
rc, out = run_to_file(lambda st: clean_env(JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino)))
lines = [ln for ln in out.splitlines() if ln]
t.eq(rc, 0, "journal run exits 0")
t.ok(lines and all(re.match(r"^<[3-7]>\S", ln) for ln in lines),
     "every line has a <N> priority prefix", out)
t.ok(any(re.match(r"^<5>cycle: \d+ feeds polled", ln) for ln in lines),
     "the cycle summary is <5> (notice)", out)
t.ok(any(ln.startswith("<4>") and "404" in ln for ln in lines),
     "the failing feed is <4> (warning)", out)
t.ok(not any(re.match(r"^(error|warning|notice|info|debug): ", ln) for ln in lines),
     "no level names under the journal", out)

# 2. JOURNAL_STREAM set, but stderr is another file (redirected since).
rc, out = run_to_file(lambda st: clean_env(JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino + 1)))
lines = [ln for ln in out.splitlines() if ln]
t.ok(lines and all(re.match(r"^(error|warning|notice|info|debug): ", ln) for ln in lines),
     "JOURNAL_STREAM naming another file: LEVEL: prefixes", out)

# 3. No JOURNAL_STREAM: "LEVEL: message".
rc, out = run_to_file(clean_env())
lines = [ln for ln in out.splitlines() if ln]
t.ok(lines and all(re.match(r"^(error|warning|notice|info|debug): ", ln) for ln in lines),
     "without JOURNAL_STREAM every line is LEVEL: message", out)
t.ok(any(re.match(r"^notice: cycle: 3 feeds polled, \d+ new stor(y|ies), (\d+ new threads?, )?"
                  r"\d+ errors?, [\d.]+ s$", ln)
         for ln in lines), "summary line: feeds polled, new stories, errors, duration", out)
t.ok(not any("<" == ln[:1] for ln in lines), "no <N> prefixes off the journal", out)

# 4. log_level = warning hides info and notice; -v brings notices back.
w.write_config(urls, extra="log_level = warning")
rc, out = run_to_file(clean_env())
t.ok("warning: " in out and "notice: " not in out and "info: " not in out,
     "log_level = warning: only warnings and errors", out)
rc, out = run_to_file(clean_env(), "-v")
t.ok("notice: cycle:" in out and "info: " not in out, "-v: one level more (notices)", out)
# (a watchdog interval makes sure there is a debug line to see)
rc, out = run_to_file(clean_env(WATCHDOG_USEC="60000000"), "-v", "-v", "-v")
t.ok("debug: " in out, "-v -v -v: debug", out)
w.write_config(urls)

# 5. --once on a terminal: one updating progress line, erased at the end,
# then the summary.  stderr is the slave side of a pty.
rc, tty = run_on_pty([TIDINGSD, "-c", w.conf, "--once"] + ROOT_OVERRIDE,
                     clean_env(TERM="xterm"), stream="stderr")
t.eq(rc, 0, "pty run exits 0")
t.ok(re.search(r"\r\x1b\[K\[ ?\d+/3\] feeds, \d+ new stor(y|ies), \d+ errors?", tty),
     "a progress line redrawn in place: [done/total] feeds, new stories, errors", repr(tty))
t.ok(re.search(r"\[ ?0/3\] feeds, 0 new stories, 0 errors", tty),
     "progress starts at 0 of 3", repr(tty))
# What stays on screen: apply \r and erase-line like a terminal would.
screen = []
for raw in tty.replace("\r\n", "\n").split("\n"):
    seg = raw.split("\r")[-1].replace("\x1b[K", "")
    screen.append(seg)
screen = [s for s in screen if s]
t.ok(screen and re.match(r"^notice: cycle: 3 feeds polled", screen[-1]),
     "the summary is the last thing on screen, the progress line is gone", repr(screen[-3:]))
t.ok(not re.search(r"errors?(error|warning|notice|info|debug): ", tty),
     "each log line first erases the progress line", repr(tty))

# A terminal that knows no escapes (TERM=dumb): no progress line either.
rc, tty = run_on_pty([TIDINGSD, "-c", w.conf, "--once"] + ROOT_OVERRIDE,
                     clean_env(TERM="dumb"), stream="stderr")
t.eq(rc, 0, "TERM=dumb pty run exits 0")
t.ok("\x1b" not in tty and "] feeds," not in tty and "cycle: 3 feeds polled" in tty,
     "TERM=dumb: no progress line, no escapes, the summary", repr(tty[-300:]))

# 6. Not a terminal: no progress at all.
rc, out = run_to_file(clean_env(TERM="xterm"))
t.ok("\r" not in out and "\x1b" not in out and "] feeds," not in out,
     "stderr not a terminal: no progress line, no escapes", repr(out))

def polled(w):
    """Feeds of w polled so far (0 while its database is not there yet)."""
    try:
        return w.sql("SELECT count(*) FROM feeds WHERE last_fetch IS NOT NULL")[0][0]
    except Exception:
        return 0


def wait_polled(w, p, n=3, deadline=60):
    """Waits until the running daemon p has polled n feeds of w, or exited."""
    end = time.monotonic() + deadline
    while polled(w) < n and time.monotonic() < end and p.poll() is None:
        time.sleep(0.1)
    return polled(w)


# 7. Started with stderr closed (`tidingsd 2>&-`): the new database was
# opened as descriptor 2 and every log line was written into it, from its
# header on.  Closed descriptors are /dev/null now.
w2 = Workdir()
w2.write_config(urls)
p = subprocess.Popen([TIDINGSD, "-c", w2.conf] + ROOT_OVERRIDE, env=clean_env(),
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     preexec_fn=lambda: os.close(2))

t.eq(wait_polled(w2, p), 3, "stderr closed: the daemon polls every feed")
with open(w2.db, "rb") as f:
    head = f.read(16)
t.eq(head, b"SQLite format 3\x00", "the database file's header is SQLite's, not log lines")
p.send_signal(signal.SIGTERM)
t.eq(p.wait(timeout=60), 0, "stderr closed: SIGTERM exits 0")
t.eq(w2.sql("PRAGMA integrity_check"), [("ok",)], "the database passes integrity_check")
w2.cleanup()

# 8. stderr a pipe no one reads any more (`tidingsd --once 2>&1 | head -1`
# once head has exited): the first log line's SIGPIPE killed the run.
w3 = Workdir()
w3.write_config(urls)
rfd, wfd = os.pipe()
os.close(rfd)
rc = subprocess.run([TIDINGSD, "-c", w3.conf, "--once"] + ROOT_OVERRIDE, env=clean_env(),
                    stdout=subprocess.DEVNULL, stderr=wfd, timeout=60).returncode
os.close(wfd)
t.eq(rc, 0, "stderr a broken pipe: the run completes and exits 0")
t.eq(polled(w3), 3,
     "stderr a broken pipe: every feed polled")
w3.cleanup()

# 9. stderr a pipe no one is reading (a stalled log collector): full from
# the start, the first log line's write blocked the daemon for good: it
# polled nothing and did not hear SIGTERM.  Lines are dropped instead, and
# counted once the pipe has room again.
w4 = Workdir()
w4.write_config(urls)
rfd, wfd = os.pipe()
os.set_blocking(wfd, False)
try:
    while True:
        os.write(wfd, b"x" * 4096)
except BlockingIOError:
    pass
os.set_blocking(wfd, True)
# -v -v -v: debug lines while the feeds are polled, so that some are
# dropped for certain before the pipe is read.
p = subprocess.Popen([TIDINGSD, "-c", w4.conf, "-v", "-v", "-v"] + ROOT_OVERRIDE,
                     env=clean_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=wfd)
os.close(wfd)

t.eq(wait_polled(w4, p), 3, "stderr a full pipe: the daemon polls every feed")


def drain(fd):
    """What the pipe holds now (to its end, if its writers are gone)."""
    got = b""
    try:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            got += chunk
    except BlockingIOError:
        pass
    return got


# The pipe read: a line waiting for room (up to 100 ms) may get in while
# it is, so what is read now counts with the rest.
os.set_blocking(rfd, False)
rest = drain(rfd)
rc = stop(p, 60)[0]
t.eq(rc, 0, "stderr a full pipe: SIGTERM exits 0")
rest += drain(rfd)
os.close(rfd)
rest = rest.replace(b"x" * 4096, b"").decode("utf-8", "replace")
t.ok(re.search(r"^warning: \d+ log messages? dropped: stderr was not being read$"
               r"(.|\n)*^notice: SIGTERM", rest, re.M),
     "the lines dropped are counted once the pipe has room again", rest)
w4.cleanup()

srv.stop()
w.cleanup()
t.done()
