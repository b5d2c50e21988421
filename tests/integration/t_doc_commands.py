#!/usr/bin/env python3
"""The commands the README and the manual pages show a reader, run as
printed but for the paths, against a database the daemon filled:
the README's quick-start `build/tidings` lines and its database check,
the EXAMPLES of tidings(1) and tidingsd(8), and the configuration examples
(the README's [daemon] block, the configuration and the two feed lists of
tidings.conf(5)'s EXAMPLES).  (t_doc_examples.py runs the
SQL and Python examples of docs/schema.md and the README's reader and
backup shell blocks.)  A reader copies these; they must run and print what
the text says they print."""
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Tap, ROOT, Workdir, serve_generated, spine_server,  # noqa: E402
                     need_programs, rss_doc, TIDINGS, TIDINGSD, ROOT_OVERRIDE, SPINE_FEEDS)

t = Tap()
need_programs(t, TIDINGS, TIDINGSD)
DOC_DB = "/var/lib/tidings/tidings.db"
DOC_CONF = "/etc/tidings/tidings.conf"


def text(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


srv = spine_server(*SPINE_FEEDS)
urls = [srv.url(p) for p in SPINE_FEEDS] + serve_generated(srv, 12, 10)
w = Workdir()
w.write_config(urls)

# ---- tidingsd(8) EXAMPLES: check the configuration, then poll once --------
man8 = text("docs/tidingsd.8")
ex = man8.split(".Sh EXAMPLES", 1)[1].split(".Sh ", 1)[0]
cmds = [line[2:] for line in ex.splitlines() if line.startswith("$ ")]
t.eq([c.split()[0] for c in cmds], ["tidings", "tidingsd"],
     "tidingsd(8) EXAMPLES: a tidings check and a tidingsd --once")
for c in cmds:
    argv = shlex.split(c.replace(DOC_CONF, w.conf))
    argv[0] = TIDINGS if argv[0] == "tidings" else TIDINGSD
    if argv[0] == TIDINGSD:
        argv += ROOT_OVERRIDE
    r = run(argv)
    t.ok(r.returncode == 0, "tidingsd(8): %s" % c, r.stderr[-400:])
    if argv[0] == TIDINGS:
        t.eq(r.stdout, "%s: ok, %d feeds\n" % (w.conf, len(urls)),
             "and it prints 'FILE: ok, N feeds'")
n_stories = w.sql("SELECT count(*) FROM stories")[0][0]
t.ok(n_stories > 100, "the database holds the stories (%d)" % n_stories)

# ---- the README's quick start ------------------------------------------------
readme = text("README.md")
quick = [line.split("#", 1)[0].strip() for b in re.findall(r"```sh\n(.*?)```", readme, re.S)
         for line in b.splitlines() if line.startswith("build/tidings -d tidings.db ")]
t.ok(len(quick) >= 5, "the README's quick-start commands are found (%d)" % len(quick))
for c in quick:
    argv = shlex.split(c)
    argv[0:3] = [TIDINGS, "-d", w.db]
    r = run(argv)
    cmd = argv[3]
    # The search for 'soybeans AND taiwan' finds nothing here: it must run.
    t.ok(r.returncode == 0 and not r.stderr and (cmd == "search" or r.stdout),
         "README: %s" % c, "status %d, stderr %r" % (r.returncode, r.stderr))
    # "Every listing takes --json".
    r = run(argv + ["--json"])
    try:
        ok = r.returncode == 0 and json.loads(r.stdout) is not None
    except ValueError:
        ok = False
    t.ok(ok, "README: %s --json prints JSON" % c, r.stderr)
    r = run([TIDINGS, cmd, "--help"])
    t.ok(r.returncode == 0 and r.stdout.startswith("usage: "),
         "README: tidings %s --help describes it" % cmd, r.stderr)

# The database check: prints ok.
m = re.search(r"`(sqlite3 '[^`]*PRAGMA\s+quick_check')`", readme)
t.ok(m is not None, "the README's database check is found")
if m and shutil.which("sqlite3"):
    r = subprocess.run(m.group(1).replace(DOC_DB, w.db), shell=True, capture_output=True,
                       text=True, timeout=60)
    t.eq((r.returncode, r.stdout, r.stderr), (0, "ok\n", ""), "it prints ok")
elif m:
    t.ok(True, "# SKIP no sqlite3 shell")

# The README's one-line list of exit statuses: each of tidingsd(8)'s.  (It
# lacked 3, the status a cron job sees after a backup was put back.)
statuses = re.findall(r"^\.It (\d+)$", man8.split(".Sh EXIT STATUS", 1)[1].split(".Sh ", 1)[0],
                      re.M)
m = re.search(r"^Exit status:(.*?)(?:\n\n|\Z)", readme, re.S | re.M)
t.ok(statuses and m and all(re.search(r"\b%s\b" % n, m.group(1)) for n in statuses),
     "README: its exit statuses are tidingsd(8)'s (%s)" % ", ".join(statuses),
     m.group(0) if m else "no 'Exit status:' line")

# ---- tidings(1) EXAMPLES ------------------------------------------------------
man1 = text("docs/tidings.1")
ex = man1.split(".Sh EXAMPLES", 1)[1].split(".Sh ", 1)[0]
cmds = [line[2:] for line in ex.splitlines() if line.startswith("$ ")]
t.ok(len(cmds) >= 3, "tidings(1) EXAMPLES are found (%d)" % len(cmds))
for c in cmds:
    first = c.split(" && ")[0]      # not the systemctl reload after it
    argv = shlex.split(first.replace(DOC_CONF, w.conf))
    argv[0:1] = [TIDINGS, "-d", w.db]
    r = run(argv)
    t.ok(r.returncode == 0 and not r.stderr, "tidings(1): %s" % first, r.stderr)
    if "--json" in argv and "--limit" in argv:
        n = int(argv[argv.index("--limit") + 1])
        t.eq(len(json.loads(r.stdout)), n, "and it prints %d stories as JSON" % n)

# ---- the configuration examples: the README's, tidings.conf(5)'s -------------
# A reader copies these into /etc/tidings: `tidings check` must accept each
# as printed (it reads no database), the feed lists must be the lists the
# text says they are.
ex_dir = os.path.join(w.dir, "examples")
os.mkdir(ex_dir)


def check_conf(name, conf):
    path = os.path.join(ex_dir, name)
    with open(path, "w") as f:
        f.write(conf)
    return run([TIDINGS, "check", "-c", path]), path


ini = re.findall(r"```ini\n(.*?)```", readme, re.S)
t.ok(len(ini) >= 1, "the README's configuration example is found (%d)" % len(ini))
# Its feed list is the installed one: here, a list beside it.
with open(os.path.join(ex_dir, "feeds.opml"), "w") as f:
    f.write("https://example.org/feed.xml\n")
for i, block in enumerate(ini):
    r, path = check_conf("readme%d.conf" % i, block.replace("/etc/tidings/feeds.opml",
                                                            os.path.join(ex_dir, "feeds.opml")))
    t.eq((r.returncode, r.stdout, r.stderr), (0, "%s: ok, 1 feed\n" % path, ""),
         "README: configuration example %d passes tidings check" % (i + 1))

man5 = text("docs/tidings.conf.5")
ex = man5.split(".Sh EXAMPLES", 1)[1].split(".Sh ", 1)[0]
lit = re.findall(r"^\.Bd -literal[^\n]*\n(.*?)^\.Ed$", ex, re.S | re.M)
dropins = [b for b in lit if b.startswith("[Service]")]
lit = [b for b in lit if not b.startswith("[Service]")]
t.eq(len(lit), 3, "tidings.conf(5) EXAMPLES: a configuration, an OPML list, a plain list")
if len(lit) == 3:
    conf, opml, plain = lit
    # The shipped unit writes in its StateDirectory= only (ProtectSystem=
    # strict): a database elsewhere, copied from here into the installed
    # configuration, left the service stopped at exit 2 ("Read-only file
    # system") unless the page shows the drop-in that makes it writable.
    db = re.search(r"^database\s*=\s*(\S+)", conf, re.M)
    db_dir = os.path.dirname(db.group(1)) if db else "/var/lib/tidings"
    rw = [p for b in dropins for line in re.findall(r"^ReadWritePaths=(.*)$", b, re.M)
          for p in line.split()]
    t.ok(db_dir == "/var/lib/tidings" or db_dir in rw,
         "tidings.conf(5): the example's database directory (%s) is made writable for the"
         " service by a drop-in it shows" % db_dir, dropins)
    # The OPML list, its URLs served here, fills a database: one folder,
    # one feed of the two with an interval of its own, 5 minutes.
    doc_urls = re.findall(r'xmlUrl="([^"]+)"', opml)
    t.eq(re.findall(r"^(https?://\S+)", plain, re.M), doc_urls,
         "tidings.conf(5): the plain list is the OPML list's URLs")
    local = opml
    for i, u in enumerate(doc_urls):
        srv.put("/ex%d.xml" % i, rss_doc("Example %d" % i, "https://example.org/",
                                         [{"title": "Item %d" % i, "link": "https://example.org/%d" % i,
                                           "text": "Text of item %d." % i}]))
        local = local.replace(u, srv.url("/ex%d.xml" % i))
    for name, body in (("feeds.txt", plain), ("feeds.opml", local)):
        with open(os.path.join(ex_dir, name), "w") as f:
            f.write(body)
    # The configuration as printed: its feeds.txt is the one beside it.
    r, path = check_conf("tidings.conf", conf)
    t.eq((r.returncode, r.stdout, r.stderr), (0, "%s: ok, %d feeds\n" % (path, len(doc_urls)), ""),
         "tidings.conf(5): the example configuration passes tidings check")
    ex_db = os.path.join(ex_dir, "ex.db")
    r, path = check_conf("opml.conf", "[daemon]\ndatabase = ex.db\nfeeds = feeds.opml\n")
    t.ok(r.returncode == 0, "tidings.conf(5): the example OPML list passes tidings check", r.stderr)
    r = run([TIDINGSD, "-c", path, "--once"] + ROOT_OVERRIDE)
    t.ok(r.returncode == 0, "tidingsd --once polls it", r.stderr[-400:])
    rows = None
    if os.path.exists(ex_db):
        con = sqlite3.connect("file:%s?mode=ro" % ex_db, uri=True)
        rows = con.execute("SELECT list_title, category, interval FROM feeds ORDER BY id").fetchall()
        con.close()
    t.eq(rows, [("BBC News - World", "World", None), ("Live blog", "World", 300)],
         "tidings.conf(5): a folder, and one feed polled every five minutes")

# ---- docs/schema.md names every table, column, index and view -------------
schema = text("docs/schema.md")
missing = []
for kind, name, tbl in w.sql("SELECT type, name, tbl_name FROM sqlite_master"
                             " WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'stories_fts_%'"):
    if kind != "trigger" and "`%s" % name not in schema:
        missing.append(name)
    if kind == "table" and name != "stories_fts":
        missing += ["%s.%s" % (name, c) for (c,) in
                    w.sql("SELECT name FROM pragma_table_info(?)", (name,))
                    if "`%s`" % c not in schema]
t.eq(missing, [], "docs/schema.md names every table, column, index and view of the database")

w.cleanup()
srv.stop()
t.done()
