#!/usr/bin/env python3
"""What a user meets beyond the happy path, found by using the programs as
a newcomer would (each check here failed before its fix): output that
cannot be written, options without their value or after the command,
searches with punctuation, out-of-range numbers, readers that may not write
beside the database, a second daemon on one database, reload warnings,
and messages that did not say what was wrong."""
import json
import re
import os
import subprocess
import shutil
import sqlite3
import tempfile
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, spine_server, need_programs, Workdir, TIDINGS, TIDINGSD, \
    ROOT_OVERRIDE, wait_for_stderr  # noqa: E402

t = Tap()
need_programs(t, TIDINGS, TIDINGSD)

srv = spine_server("/rss20.xml", "/atom.xml")
srv.put("/punct.xml", """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Punctuation Post</title><link>https://punct.example/</link>
<item><title>U.S. e-mail rules are over-the-top, COVID-19 panel says; it's C++ next</title>
<link>https://punct.example/1</link><guid>punct-1</guid>
<description>The panel's report on e-mail.</description></item>
</channel></rss>""", "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/rss20.xml"), srv.url("/atom.xml"), srv.url("/punct.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once builds the database")


def tidings(*args, stdout=subprocess.PIPE, env=None):
    return subprocess.run([TIDINGS, "-d", w.db] + list(args), stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=60, env=env)


# ---- a listing whose output cannot be written fails ---------------------
# `tidings stories --json > out.json` on a full disk used to exit 0 with a
# truncated file: the write error stayed in stdio's buffer.
if os.path.exists("/dev/full"):
    for args in (["stories"], ["stories", "--json"], ["threads"], ["feeds", "--json"],
                 ["search", "strike"]):
        with open("/dev/full", "w") as full:
            r = tidings(*args, stdout=full)
        t.ok(r.returncode == 1 and "error writing standard output" in r.stderr,
             "tidings %s > /dev/full: exit 1 and says so" % " ".join(args),
             "status %d, stderr %r" % (r.returncode, r.stderr))
    with open("/dev/full", "w") as full:
        r = subprocess.run([TIDINGS, "check", "-c", w.conf], stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=60)
    t.eq(r.returncode, 1, "tidings check > /dev/full: exit 1")
    # --help and --version returned 0 before the check: `tidingsd
    # --version > VERSION` on a full disk left it empty and went on.
    for prog in (TIDINGS, TIDINGSD):
        for arg in ("--help", "--version"):
            with open("/dev/full", "w") as full:
                r = subprocess.run([prog, arg], stdout=full, stderr=subprocess.PIPE,
                                   text=True, timeout=60)
            name = os.path.basename(prog)
            t.ok(r.returncode == 1 and "error writing standard output" in r.stderr,
                 "%s %s > /dev/full: exit 1 and says so" % (name, arg),
                 "status %d, stderr %r" % (r.returncode, r.stderr))

# ... and into a closed standard output (`--version >&-`): tidingsd makes a
# closed one /dev/null before it reads its arguments (so that no file takes
# descriptor 1), and the version went there with exit 0.
for prog in (TIDINGS, TIDINGSD):
    for arg in ("--help", "--version"):
        r = subprocess.run([prog, arg], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, timeout=60, preexec_fn=lambda: os.close(1))
        name = os.path.basename(prog)
        t.ok(r.returncode == 1 and "error writing standard output" in r.stderr,
             "%s %s >&-: exit 1 and says so" % (name, arg),
             "status %d, stderr %r" % (r.returncode, r.stderr))

# ---- an option given without its value says so --------------------------
# `tidings -d` or `tidings stories --limit` at the end of the line used to
# be "unknown option '-d'" / "unknown argument '--limit'": wrong, since
# both are documented options.
for args, want in ((["-d"], "tidings: -d needs a value"),
                   (["stories", "--limit"], "tidings: stories: --limit needs a value"),
                   (["search", "--limit"], "tidings: search: --limit needs a value"),
                   (["threads", "--since"], "tidings: threads: --since needs a value"),
                   (["threads", "--min-sources"], "tidings: threads: --min-sources needs a value"),
                   (["threads", "--limit"], "tidings: threads: --limit needs a value"),
                   (["check", "-c"], "tidings: check: -c needs a value"),
                   (["parse", "--json", "--header"], "tidings: parse: --header needs a value")):
    r = subprocess.run([TIDINGS] + args, capture_output=True, text=True, timeout=60)
    t.ok(r.returncode == 1 and r.stderr.startswith(want),
         "tidings %s: '%s'" % (" ".join(args), want),
         "status %d, stderr %r" % (r.returncode, r.stderr))
r = subprocess.run([TIDINGSD, "-c"], capture_output=True, text=True, timeout=60)
t.ok(r.returncode == 1 and r.stderr.startswith("tidingsd: -c needs a value"),
     "tidingsd -c: '-c needs a value'", "status %d, stderr %r" % (r.returncode, r.stderr))

# ---- a reader that may not write beside the database, daemon stopped -----
# The service's readers (the tidings group) may read /var/lib/tidings but
# not write in it.  SQLite deleted the -wal and -shm files when the daemon
# closed the database, and without them a read-only reader of a WAL
# database cannot start: `tidings threads` said "not a tidings database:
# attempt to write a readonly database", and so did sqlite3 and Python.
if os.geteuid() == 0:
    import pwd
    nobody = pwd.getpwnam("nobody")

    def as_nobody():
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    os.chmod(w.dir, 0o755)
    # Right after the daemon: the readers above (root, free to write in
    # the directory) would have made the files again themselves.
    r = w.run_once()
    t.eq(r.returncode, 0, "the daemon polls again and exits")
    t.ok(os.path.exists(w.db + "-wal") and os.path.exists(w.db + "-shm"),
         "the -wal and -shm files stay after the daemon exits")
    t.eq(os.path.getsize(w.db + "-wal") if os.path.exists(w.db + "-wal") else None, 0,
         "the WAL left behind is empty")
    # The reader is in the database's group, as the service's readers are
    # in the tidings group: others may not read a new database (0640).
    for f in (w.db, w.db + "-wal", w.db + "-shm"):
        os.chown(f, -1, nobody.pw_gid)
    r = subprocess.run([TIDINGS, "-d", w.db, "stories"], capture_output=True, text=True,
                       timeout=60, preexec_fn=as_nobody)
    t.ok(r.returncode == 0 and "Port strike" in r.stdout,
         "a user who may only read the database lists its stories (daemon stopped)",
         "status %d, stderr %r" % (r.returncode, r.stderr))
    # The system's Python: the running one may live where nobody can't go.
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    r = subprocess.run([py, "-c",
                        "import sqlite3, sys; c = sqlite3.connect('file:%s?mode=ro' % sys.argv[1],"
                        " uri=True, timeout=5); print(c.execute('SELECT count(*) FROM stories')"
                        ".fetchone()[0])", w.db], capture_output=True, text=True, timeout=60,
                       preexec_fn=as_nobody)
    t.ok(r.returncode == 0 and int(r.stdout or 0) > 0,
         "and so does README's Python reader", "status %d, stderr %r" % (r.returncode, r.stderr))
    # Outside the group, the service's 0750 /var/lib/tidings cannot be
    # entered: `tidings stories` said "no such database" of a database
    # that is there (README: "or join the group").
    os.chmod(w.dir, 0o750)
    r = subprocess.run([TIDINGS, "-d", w.db, "stories"], capture_output=True, text=True,
                       timeout=60, preexec_fn=as_nobody)
    t.ok(r.returncode == 1 and r.stderr.rstrip().endswith(
        "%s: cannot open database: Permission denied" % w.db) and r.stdout == "",
         "a user who may not enter the database's directory is told so, not 'no such database'",
         "status %d, stderr %r" % (r.returncode, r.stderr))
    os.chmod(w.dir, 0o755)
    # With the daemon stopped the administrator hands space back with
    # VACUUM (docs/schema.md, "Retention"): like any read-write connection
    # that closes the database last, it deletes the -wal and -shm, and a
    # reader that may not make them is locked out until the daemon starts.
    # `tidings` said "not a tidings database: attempt to write a readonly
    # database" (and "...: unable to open database file" without the -shm
    # alone).
    con = sqlite3.connect(w.db)
    con.execute("VACUUM")
    con.close()
    t.ok(not os.path.exists(w.db + "-wal") and not os.path.exists(w.db + "-shm"),
         "VACUUM with the daemon stopped deletes the -wal and -shm")
    r = subprocess.run([TIDINGS, "-d", w.db, "stories"], capture_output=True, text=True,
                       timeout=60, preexec_fn=as_nobody)
    t.ok(r.returncode == 1 and r.stdout == "" and r.stderr.rstrip().endswith(
        "%s: cannot read the database: %s: Permission denied (its -wal and -shm are missing"
        " and cannot be made there; tidingsd makes them again when it starts)" % (w.db, w.dir)),
         "the reader is told which files are missing and what makes them, not 'not a tidings"
         " database'", "status %d, stderr %r" % (r.returncode, r.stderr))
    r = w.run_once()
    t.eq(r.returncode, 0, "the daemon runs again and makes them")
    r = subprocess.run([TIDINGS, "-d", w.db, "stories"], capture_output=True, text=True,
                       timeout=60, preexec_fn=as_nobody)
    t.ok(r.returncode == 0 and "Port strike" in r.stdout, "and the reader reads again",
         "status %d, stderr %r" % (r.returncode, r.stderr))
else:
    t.ok(True, "# SKIP read-only reader: needs root to drop to nobody")

# ---- tidingsd --help names the configuration it reads --------------------
# It said "(default: built-in defaults)", while the daemon reads the
# installed file when there is one (tidingsd(8); tidings check uses it).
r = subprocess.run([TIDINGS, "check", "--help"], capture_output=True, text=True, timeout=60)
default = r.stdout.split("(default ", 1)[1].split(")", 1)[0] if "(default " in r.stdout else None
r = subprocess.run([TIDINGSD, "--help"], capture_output=True, text=True, timeout=60)
t.ok(default and default.endswith("/tidings/tidings.conf") and default in r.stdout,
     "tidingsd --help names the default configuration file",
     "default %r, help %r" % (default, r.stdout))

# ---- tidings check without -c checks what the daemon would run ---------
# Without an installed tidings.conf the daemon runs on the built-in
# defaults, whose feed list is feeds.opml beside the default path; check
# said the configuration file could not be opened instead, and so passed
# or failed on a different file from the daemon's.
if default and not os.path.exists(default):
    tmp = tempfile.mkdtemp()
    r = subprocess.run([TIDINGS, "check"], capture_output=True, text=True, timeout=60)
    d = subprocess.run([TIDINGSD, "--once", "--allow-root"], capture_output=True, text=True,
                       timeout=60, cwd=tmp, env=dict(os.environ, STATE_DIRECTORY=tmp))
    opml = os.path.join(os.path.dirname(default), "feeds.opml")
    t.ok(r.returncode == d.returncode and opml in r.stderr and opml in d.stderr,
         "check without -c and no installed file reports the daemon's error (its feed list)",
         "check %d %r, tidingsd %d %r" % (r.returncode, r.stderr, d.returncode, d.stderr))
    shutil.rmtree(tmp)
else:
    t.ok(True, "# SKIP check without -c: a configuration is installed at %s" % default)

# ---- tidings without -d: a configuration it may not read -----------------
# One holding feed passwords is 0640.  A user outside its group was told
# "./tidings.db: no such database": the file was taken as absent.  It is
# now reported as the daemon and check report it.  The file is put at the
# default path in a mount namespace of the test's own (a tmpfs over its
# directory), so nothing on the machine changes.
unshare = shutil.which("unshare")
if default and os.geteuid() == 0 and unshare and subprocess.run(
        [unshare, "--mount", "true"], capture_output=True).returncode == 0:
    etc = os.path.dirname(os.path.dirname(default))
    script = ('mount -t tmpfs none "$1" && mkdir -p "$1/tidings" && '
              'printf "[daemon]\\n" > "$2" && chmod 600 "$2" && cd / && '
              'exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$3" stories')
    r = subprocess.run([unshare, "--mount", "sh", "-c", script, "sh", etc, default, TIDINGS],
                       capture_output=True, text=True, timeout=60)
    t.ok(r.returncode == 1 and "%s:0: cannot open: Permission denied" % default in r.stderr
         and "tidings.db" not in r.stderr and r.stdout == "",
         "an unreadable default configuration is reported, not taken as none",
         "status %d, stderr %r" % (r.returncode, r.stderr))
else:
    t.ok(True, "# SKIP unreadable default configuration: needs root and unshare --mount")

# ---- search takes the words news is written in ---------------------------
# FTS5's syntax refuses punctuation in a bare word: "tidings search e-mail"
# said "no such column: mail", "U.S." and "it's" "syntax error near ...".
for q in ("e-mail", "U.S.", "it's", "COVID-19", "over-the-top", "C++ it's",
          "U.S. AND e-mail", "title:e-mail", '"e-mail rules"', "e-mail OR nothing"):
    r = tidings("search", q)
    t.ok(r.returncode == 0 and "U.S. e-mail rules" in r.stdout,
         "tidings search %r finds the story" % q,
         "status %d, stderr %r, stdout %r" % (r.returncode, r.stderr, r.stdout))
r = tidings("search", "e-mail NOT U.S.")
t.ok(r.returncode == 0 and "U.S. e-mail" not in r.stdout, "NOT still leaves out",
     "status %d, stderr %r" % (r.returncode, r.stderr))
r = tidings("search", "strike -port")
t.ok(r.returncode == 1 and "use NOT" in r.stderr, "'-word' is refused with a hint to NOT",
     "status %d, stderr %r" % (r.returncode, r.stderr))

# ---- a search FTS5 refuses is an error, not an empty result ----------------
# `search --json` printed "[]" before the query failed: exit 1, but a
# script reading `tidings search --json "$q" | jq length` saw no hits.
for q in ("OR strike", "strike AND", "()"):
    r = tidings("search", "--json", q)
    t.ok(r.returncode == 1 and r.stdout == "" and "syntax error" in r.stderr,
         "search --json %r: exit 1, the error on stderr and nothing on stdout" % q,
         "status %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr))
# A blank query is no query: FTS5 said 'syntax error near ""'.
for q in ("", " ", "\t\n "):
    r = tidings("search", "--json", q)
    t.ok(r.returncode == 1 and r.stdout == "" and "what to search for?" in r.stderr,
         "search --json %r asks what to search for" % q,
         "status %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr))
# A mistyped option was taken for the query, and the query then reported
# as an extra word ("one query, quoted; extra 'strike'").
r = tidings("search", "--jsno", "strike")
t.ok(r.returncode == 1 and r.stdout == "" and "unknown option '--jsno'" in r.stderr,
     "search --jsno: an unknown option is named as one",
     "status %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr))
# "--" ends the options, as for any command: `tidings search -- "$q"` (how
# scripts pass a value they did not write) took "--" for the query and
# then refused the query itself: "one query, quoted; extra '...'".
r = tidings("search", "--json", "--", "e-mail")
t.ok(r.returncode == 0 and [s["title"] for s in json.loads(r.stdout or "null") or []]
     == ["U.S. e-mail rules are over-the-top, COVID-19 panel says; it's C++ next"],
     "search --json -- e-mail: '--' ends the options",
     "status %d, stdout %r, stderr %r" % (r.returncode, r.stdout[:200], r.stderr))
r = tidings("search", "--", "--json")
t.ok(r.returncode == 1 and r.stdout == "" and "use NOT" in r.stderr,
     "after '--' even '--json' is the query (a word starting with '-', refused)",
     "status %d, stdout %r, stderr %r" % (r.returncode, r.stdout[:200], r.stderr))
r = tidings("search", "--", "-d")
t.ok(r.returncode == 1 and r.stdout == "" and "use NOT" in r.stderr,
     "and '-d' after '--' is the query, not the database option",
     "status %d, stdout %r, stderr %r" % (r.returncode, r.stdout[:200], r.stderr))
r = tidings("search", "--")
t.ok(r.returncode == 1 and r.stdout == "" and "what to search for?" in r.stderr,
     "search -- alone asks what to search for",
     "status %d, stdout %r, stderr %r" % (r.returncode, r.stdout[:200], r.stderr))
r = tidings("search", "--json", "nosuchwordanywhere")
t.ok(r.returncode == 0 and json.loads(r.stdout) == [], "a search with no hits is still []",
     "status %d, stdout %r" % (r.returncode, r.stdout))

# ---- a search of thousands of words is refused ---------------------------
# FTS5's cost grows with the square of the terms: 8,000 copies of "h*"
# ran for 6 minutes on a database of 600 stories, and any one argument may
# be 128 KiB.  Up to 64 terms are searched; the words of a phrase count,
# and so do the parts of a word with punctuation; OR, AND, NOT and a
# title: filter do not.
words = ["x%d" % i for i in range(61)]
q = "title:e-mail AND (U.S. OR %s)" % " OR ".join(words[:60])
r = tidings("search", q)
t.ok(r.returncode == 0 and "U.S. e-mail rules" in r.stdout,
     "a query of 64 terms (e, mail, U, S and 60 more) is searched",
     "status %d, stderr %r" % (r.returncode, r.stderr))
for q, n in (("title:e-mail AND (U.S. OR %s)" % " OR ".join(words), 65),
             ('"%s"' % " ".join(words + ["strike", "port", "over", "the"]), 65),
             (" ".join(["strike"] * 12000), 12000),
             # parts split at non-ASCII punctuation count as well: one
             # word of 12,000 parts joined by em dashes (a phrase of
             # 12,000 terms to FTS5) was counted as one term and searched
             ("\u2014".join(["strike"] * 12000), 12000),
             ("\u3001".join(["\u6771\u4eac"] * 100), 100),
             # and at '_', a bare word's byte to FTS5 that its tokenizer
             # splits at: this one was searched, 4 s on 5,000 stories
             ("_".join(["strike"] * 12000), 12000),
             ("caf\u00e9\u00b7" * 65, 65)):
    r = tidings("search", q)
    t.ok(r.returncode == 1 and r.stdout == "" and r.stderr.startswith(
        "tidings: search: query too long (%d terms, at most 64)" % n),
        "%d terms (%d bytes) are refused and the count is given" % (n, len(q)),
        "status %d, stderr %r" % (r.returncode, r.stderr[:300]))

# Letters and marks beyond ASCII are parts of a word, not between two.
q = " ".join(["caf\u00e9", "nai\u0308ve", "\u6771\u4eac\u90fd"] * 21)
r = tidings("search", q)
t.ok(r.returncode == 0, "63 words with accents, marks and Han characters are 63 terms",
     "status %d, stderr %r" % (r.returncode, r.stderr[:300]))

# ---- numbers too large for their option -----------------------------------
# --min-sources 4294967297 was cast to int (1) and listed every thread.
r = tidings("threads", "--min-sources", "4294967297", "--json")
t.ok(r.returncode == 0 and r.stdout.strip() == "[]",
     "threads --min-sources 4294967297: no thread has that many sources",
     "status %d, stdout %r" % (r.returncode, r.stdout[:200]))
r = tidings("stories", "--limit", "99999999999999999999")
t.ok(r.returncode == 1 and "99999999999999999999" in r.stderr,
     "a number past 64 bits is refused, not read as another",
     "status %d, stderr %r" % (r.returncode, r.stderr))

# ---- --name=VALUE -------------------------------------------------------
# getopt_long's other spelling of an option's value was "unknown argument
# '--limit=1'".
for cmd in (["stories"], ["search", "the"], ["threads"]):
    r = tidings(*cmd, "--limit=1", "--json")
    rows = json.loads(r.stdout) if r.returncode == 0 else None
    t.ok(rows is not None and len(rows) == 1,
         "%s --limit=1 is --limit 1" % cmd[0],
         "status %d, stdout %r, stderr %r" % (r.returncode, r.stdout[:200], r.stderr))
r = tidings("threads", "--since=1000d", "--min-sources=1", "--json")
r2 = tidings("threads", "--since", "1000d", "--min-sources", "1", "--json")
t.ok(r.returncode == 0 and len(json.loads(r.stdout)) >= 1 and r.stdout == r2.stdout,
     "threads --since=1000d --min-sources=1 list what --since 1000d --min-sources 1 do",
     "status %d, stdout %r, stderr %r" % (r.returncode, r.stdout[:200], r.stderr))
r = tidings("stories", "--limit=")
t.ok(r.returncode == 1 and "--limit takes a number, not ''" in r.stderr,
     "an empty --limit= is refused",
     "status %d, stderr %r" % (r.returncode, r.stderr))
r = tidings("stories", "--json=1")
t.ok(r.returncode == 1 and "unknown argument '--json=1'" in r.stderr,
     "a flag given a value is still unknown",
     "status %d, stderr %r" % (r.returncode, r.stderr))

# ---- tidingsd -vv ----------------------------------------------------------
# -v is "repeatable" (--help), but -vv was an unknown argument.
r = subprocess.run([TIDINGSD, "-vv", "--version"], capture_output=True, text=True, timeout=60)
t.ok(r.returncode == 0 and r.stdout.startswith("tidingsd "), "tidingsd -vv is taken as -v -v",
     "status %d, stderr %r" % (r.returncode, r.stderr))
r = subprocess.run([TIDINGSD, "-vx"], capture_output=True, text=True, timeout=60)
t.ok(r.returncode == 1 and "unknown argument '-vx'" in r.stderr, "and -vx is still unknown")

# ---- a database the user may not create ----------------------------------
# Run as an ordinary user on a configuration naming a database in a
# directory that user may not write (the service's /var/lib/tidings, say),
# tidingsd said only "cannot open database: unable to open database file".
if os.geteuid() == 0:
    w2 = Workdir()
    os.chmod(w2.dir, 0o755)
    w2.write_config([srv.url("/rss20.xml")])
    r = subprocess.run([TIDINGSD, "-c", w2.conf, "--once"], capture_output=True, text=True,
                       timeout=60, preexec_fn=as_nobody)
    t.ok(r.returncode == 2 and
         ("cannot create the database: %s: Permission denied" % w2.dir) in r.stderr,
         "tidingsd names the directory it may not create the database in",
         "status %d, stderr %r" % (r.returncode, r.stderr))
    w2.db = os.path.join(w2.dir, "missing", "tidings.db")
    w2.write_config([srv.url("/rss20.xml")])
    r = w2.run_once()
    t.ok(r.returncode == 2 and "cannot create the database: %s: No such file or directory"
         % os.path.dirname(w2.db) in r.stderr, "and a directory that does not exist",
         "status %d, stderr %r" % (r.returncode, r.stderr))
    w2.cleanup()

# ---- a reload that cannot apply [threads] says so -------------------------
# The clusterer is built once with the [threads] values; a SIGHUP with new
# ones logged "reloaded" and went on with the old values without a word.



import signal  # noqa: E402
w3 = Workdir()
w3.write_config([srv.url("/rss20.xml")], extra="log_level = info")
p = w3.start(stderr=subprocess.PIPE)
out = wait_for_stderr(p, "new threads")               # the first cycle stored its stories
w3.write_config([srv.url("/rss20.xml")], extra="log_level = info",
                threads="join_threshold = 0.5\nenabled = no")
p.send_signal(signal.SIGHUP)
out += wait_for_stderr(p, "reloaded")
# The running values stay until the restart, so a second reload of the
# same file still differs from them and says so again.
p.send_signal(signal.SIGHUP)
out += wait_for_stderr(p, "reloaded")
p.send_signal(signal.SIGTERM)
out += p.communicate(timeout=60)[1].decode("utf-8", "replace")
t.ok("[threads] changes take effect at restart only" in out and "reloaded" in out,
     "a reload with new [threads] values warns that they wait for a restart", out)
t.eq(out.count("[threads] changes take effect at restart only"), 2,
     "and so does the next reload: the running [threads] values are the old ones")
t.eq(p.returncode, 0, "and the daemon exits 0 on SIGTERM")
w3.cleanup()

# The clusterer is built at the first response with entries, and until
# then a reload took the new [threads] values without a word: after a
# restart whose first polls brought nothing new (304s, errors), editing
# [threads] and reloading applied it at once, silently, while the same
# reload a little later was refused with the warning.
srv.routes["/missing.xml"] = lambda h: h.reply(404, b"gone", "text/plain")
w4 = Workdir()
w4.write_config([srv.url("/missing.xml")], extra="log_level = info")
p = w4.start(stderr=subprocess.PIPE)
out = wait_for_stderr(p, "cycle: ")                    # polled: an error, no entries
w4.write_config([srv.url("/missing.xml"), srv.url("/atom.xml")], extra="log_level = info",
                threads="enabled = no")
p.send_signal(signal.SIGHUP)
out += wait_for_stderr(p, "reloaded")
out += wait_for_stderr(p, "new stor")                  # the added feed, stored
p.send_signal(signal.SIGTERM)
out += p.communicate(timeout=60)[1].decode("utf-8", "replace")
t.ok("[threads] changes take effect at restart only" in out,
     "a reload before any story was stored warns about [threads] too", out)
t.eq(w4.sql("SELECT count(*) > 0, count(thread_id) = count(*) FROM stories"), [(1, 1)],
     "and the running values stay: the stories stored after it have threads")
w4.cleanup()

# ---- TIDINGS_DB set but empty ---------------------------------------------
# `TIDINGS_DB= tidings stories` said "tidings: : no such database": an
# empty variable is now unset, and the default database applies.
env = dict(os.environ, TIDINGS_DB="")
r = subprocess.run([TIDINGS, "stories"], capture_output=True, text=True, timeout=60,
                   env=env, cwd=w.dir)
t.ok(r.returncode == 0 and "Port strike" in r.stdout,
     "TIDINGS_DB= is the default database (./tidings.db here)",
     "status %d, stderr %r" % (r.returncode, r.stderr))

# ---- tidings parse says why it cannot read a file -------------------------
r = subprocess.run([TIDINGS, "parse", "--json", os.path.join(w.dir, "no-such.xml")],
                   capture_output=True, text=True, timeout=60)
t.ok(r.returncode == 1 and r.stderr.rstrip().endswith(": No such file or directory"),
     "parse of a missing file gives the reason", r.stderr)
r = subprocess.run([TIDINGS, "parse", "--json", w.dir], capture_output=True, text=True,
                   timeout=60)
t.ok(r.returncode == 1 and r.stderr.rstrip().endswith(": Is a directory"),
     "and of a directory", r.stderr)

# ---- a story dated in the future does not top `tidings stories` ----------
# Ordered by the feed's own `published`, a story dated 2035 (a feed with a
# wrong clock) was "the latest story" until 2035.  The listing now follows
# event_time, the time threads use (published, or first_seen when that is
# missing or in the future).

import sqlite3  # noqa: E402
future_db = os.path.join(w.dir, "future.db")
shutil.copy(w.db, future_db)
con = sqlite3.connect(future_db)
with con:
    oldest = con.execute("SELECT id, event_time FROM stories ORDER BY event_time, id LIMIT 1"
                         ).fetchone()
    con.execute("UPDATE stories SET published = 2051222400 WHERE id = ?", (oldest[0],))
con.close()
r = subprocess.run([TIDINGS, "-d", future_db, "stories", "--json"], capture_output=True,
                   text=True, timeout=60)
ids = [s["id"] for s in json.loads(r.stdout)] if r.returncode == 0 else []
t.ok(ids and ids[-1] == oldest[0], "a story dated 2035 stays where its event_time puts it",
     "ids %r, the future-dated one %r" % (ids, oldest[0]))

# ---- -d after the command --------------------------------------------------
# `tidings stories -d DB` said "unknown argument '-d'".
r = subprocess.run([TIDINGS, "stories", "-d", w.db, "--json"], capture_output=True, text=True,
                   timeout=60)
t.ok(r.returncode == 0 and "Port strike" in r.stdout, "tidings stories -d DB reads DB",
     "status %d, stderr %r" % (r.returncode, r.stderr))
r = subprocess.run([TIDINGS, "thread", "1", "-d", w.db], capture_output=True, text=True,
                   timeout=60)
t.ok(r.returncode == 0 and r.stdout.startswith("Thread 1"), "tidings thread 1 -d DB too",
     "status %d, stderr %r" % (r.returncode, r.stderr))

# ---- one daemon per database ------------------------------------------------
# A second tidingsd on the same database (a cron --once while the service
# runs) ran alongside the first: both numbered seq and threads from what
# they had read, so seq values repeated (readers following seq missed
# rows) and unrelated stories shared threads.  The second now refuses.
w4 = Workdir()
w4.write_config([srv.url("/rss20.xml")], extra="log_level = info")
first = w4.start(stderr=subprocess.PIPE)
out = wait_for_stderr(first, "tidingsd ")              # its start-up notice: the lock is held
r = w4.run_once()
t.ok(r.returncode == 2 and "another tidingsd is using this database" in r.stderr,
     "a second tidingsd on the same database exits 2 and says why",
     "status %d, stderr %r" % (r.returncode, r.stderr))
first.send_signal(signal.SIGTERM)
first.communicate(timeout=60)
t.eq(first.returncode, 0, "the first one was not disturbed")
r = w4.run_once()
t.eq(r.returncode, 0, "once it is gone, the next one runs")
w4.cleanup()

# The lock is taken before the schema is written.  It used to be taken
# after: a daemon refused by another's lock had already migrated the file,
# and two daemons started at once on a new path both created the schema,
# the loser failing with "migrating the schema to version 1: table feeds
# already exists".  An empty file locked by someone else stays untouched.
import fcntl  # noqa: E402
w6 = Workdir()
w6.write_config([srv.url("/rss20.xml")])
with open(w6.db, "w") as held:
    fcntl.flock(held, fcntl.LOCK_EX)
    r = w6.run_once()
    t.ok(r.returncode == 2 and "another tidingsd is using this database" in r.stderr
         and os.path.getsize(w6.db) == 0 and not os.path.exists(w6.db + "-wal"),
         "refused by the lock before anything is written to the file",
         "status %d, size %d, stderr %r" % (r.returncode, os.path.getsize(w6.db), r.stderr))
r = w6.run_once()
t.eq((r.returncode, w6.sql("PRAGMA integrity_check")), (0, [("ok",)]),
     "the empty file then becomes the database")
w6.cleanup()

# Two daemons started together on a path that does not exist yet: one
# runs, the other (when they overlap) says the database is in use.
bad = []
for i in range(8):
    w7 = Workdir()
    w7.write_config([srv.url("/rss20.xml")])
    cmd = [TIDINGSD, "-c", w7.conf, "--once"] + ROOT_OVERRIDE
    ps = [subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [(p.communicate(timeout=120)[1], p.returncode) for p in ps]
    for err, rc in outs:
        if rc != 0 and not (rc == 2 and "another tidingsd is using this database" in err):
            bad.append((i, rc, err))
    if not bad and w7.sql("PRAGMA integrity_check") != [("ok",)]:
        bad.append((i, "integrity", w7.sql("PRAGMA integrity_check")))
    w7.cleanup()
t.ok(not bad, "two daemons started at once on a new database: one runs, the other is refused"
     " by the lock, never half-way through the schema", bad)

# ---- the debug line of a transfer that never connected ----------------------
# `make run` (log_level debug) without network logged "no response, status
# 0, 0 bytes in 0.000 s, reused connection" before "cannot resolve host";
# a refused connection (port 1 here: no DNS query leaves the machine) too.
w5 = Workdir()
w5.write_config(["http://127.0.0.1:1/feed.xml"], extra="log_level = debug")
r = w5.run_once()
line = [x for x in r.stderr.splitlines() if x.startswith("debug: http://127.0.0.1:1/")]
t.ok(len(line) == 1 and line[0].endswith("no connection"),
     "a refused connection: 'no connection', not 'reused connection'", r.stderr)
w5.cleanup()

# ---- a proxy that refuses is named, not the feed's server -------------------
# curl takes a proxy from the environment (https_proxy=...); one that refused
# the connection was reported as "cannot connect to feeds.example", a server
# never asked.  (Port 1 on 127.0.0.1: nothing leaves the machine.)
w5 = Workdir()
w5.write_config(["http://feeds.example/feed.xml"], extra="log_level = warning")
penv = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
penv["http_proxy"] = "http://127.0.0.1:1"
r = w5.run_once(env=penv)
t.ok(r.returncode == 0, "a run through a proxy that refuses exits 0", r.stderr[-2000:])
err = w5.sql("SELECT last_error FROM feeds")[0][0]
t.ok(err is not None and re.fullmatch(r"cannot connect to the proxy 127\.0\.0\.1 \(for feeds\.example\):"
                                      r" Failed to connect to 127\.0\.0\.1 port 1\b.*", err),
     "a refused proxy: last_error names the proxy and the feed's host", err)
w5.cleanup()

# ---- a redirect to a host that does not resolve names that host -------------
# "cannot resolve host 127.0.0.1" was said of a feed whose server had just
# answered with the redirect.  (A 64-letter label: no DNS query is sent.)
BADHOST = "x" * 64 + ".example"
srv.routes["/to-nowhere"] = lambda h: h.reply(301, b"", "text/plain",
                                              {"Location": "http://%s/feed.xml" % BADHOST})
w5 = Workdir()
w5.write_config([srv.url("/to-nowhere")], extra="log_level = warning")
r = w5.run_once(env=penv | {"http_proxy": ""})
t.ok(r.returncode == 0, "a run redirected to a name that does not resolve exits 0", r.stderr[-2000:])
t.eq(w5.sql("SELECT last_status, last_error FROM feeds"),
     [(301, "cannot resolve the redirect's target host %s" % BADHOST)],
     "a redirect to a name that does not resolve: last_error names the target's host")
w5.cleanup()

# ---- a server's escape sequences reach neither the log nor the database ----
# A Content-Type of "text/\x1b[32mhtml" went into "not a feed: ..." as is:
# into the daemon's log on the terminal and into feeds.last_error.
def evil(h):
    h.close_connection = True
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/\x1b[32mhtml\x07\r\n"
                  b"Content-Length: 5\r\n\r\nhello")


srv.routes["/evil"] = evil
w6 = Workdir()
w6.write_config([srv.url("/evil")])
r = w6.run_once()
t.ok("not a feed: text/?[32mhtml?" in r.stderr and "\x1b" not in r.stderr,
     "the log shows the server's control characters as '?'", repr(r.stderr))
err = w6.sql("SELECT last_error FROM feeds")[0][0]
t.eq(err, "not a feed: text/?[32mhtml?", "and so does the feed's last_error")
t.ok(re.search(r"cycle: 1 feed polled, 0 new stories, 0 new threads, 1 error, ", r.stderr),
     "the cycle summary says 1 feed and 1 error, not 1 feeds and 1 errors", r.stderr)
th = w.sql("SELECT id FROM threads WHERE story_count = 1 AND source_count = 1 LIMIT 1")
if th:
    out = tidings("thread", str(th[0][0])).stdout
    t.ok("\n1 story from 1 source" in out, "tidings thread: 1 story from 1 source", out)
else:
    t.ok(False, "a thread of one story to show", None)
w6.cleanup()

w.cleanup()
srv.stop()
t.done()
