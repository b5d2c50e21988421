#!/usr/bin/env python3
"""Logging of the real tidingsd: "<N>" syslog prefixes when $JOURNAL_STREAM
names stderr, "LEVEL: message" otherwise; log_level and -v; the --once
progress line on a terminal (a pty) and never without one."""
import os
import pty
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, spine_server, need_programs, Workdir, read, run_on_pty, TIDINGSD, ROOT_OVERRIDE  # noqa: E402

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

# 6. Not a terminal: no progress at all.
rc, out = run_to_file(clean_env(TERM="xterm"))
t.ok("\r" not in out and "\x1b" not in out and "] feeds," not in out,
     "stderr not a terminal: no progress line, no escapes", repr(out))

srv.stop()
w.cleanup()
t.done()
