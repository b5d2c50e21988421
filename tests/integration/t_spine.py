#!/usr/bin/env python3
"""The spine end to end: a feed list of an RSS 2.0, an Atom 1.0, an RSS 1.0
feed and a 404 served from 127.0.0.1, `tidingsd --once`, rows read back
with SQL; a second run stores nothing new and costs only 304s."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, spine_server, Workdir, TIDINGS  # noqa: E402

t = Tap()
srv = spine_server("/rss20.xml", "/atom.xml", "/rss10.xml")
urls = [srv.url(p) for p in ("/rss20.xml", "/atom.xml", "/rss10.xml", "/missing.xml")]
w = Workdir()
w.write_config(urls)

r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0 with one feed failing")
if r.returncode != 0:
    print("# " + r.stderr.replace("\n", "\n# "))

EXPECT = {
    # link: (title, published as Unix seconds UTC)
    "https://gazette.example/world/port-strike-ends": ("Port strike ends after nine days of talks", 1794298500),
    "https://gazette.example/world/ferry-winter": ("Ferry timetable changes for the winter season", 1794303600),
    "https://gazette.example/world/alesund-bridge": ("Café owners in Ålesund welcome the new bridge", 1794377130),
    "https://ledger.example/2026/11/glacier-retreat": ("Glacier retreat measured at record pace", 1794295800),
    "https://ledger.example/2026/11/quotas": ("Fishing quotas cut for 2027", 1794330000),
    "https://valley.example/news/rail-line-reopens": ("Rail line reopens after flood repairs", 1794244800),
    "https://valley.example/news/school-budget": ("School budget approved by council", 1794340800),
}
rows = w.sql("SELECT link, title, published, guid, feed_id FROM stories ORDER BY id")
t.eq(len(rows), 7, "every item of the three good feeds is stored")
got = {link: (title, pub) for link, title, pub, _, _ in rows}
for link, want in sorted(EXPECT.items()):
    t.eq(got.get(link), want, "stored with title and UTC date: " + link)
t.ok(all(g for _, _, _, g, _ in rows), "every story has its guid/id")

feeds = {u: (st, err, title) for u, st, err, title in
         w.sql("SELECT url, last_status, last_error, title FROM feeds")}
t.eq(len(feeds), 4, "four feeds in the feeds table")
t.eq(feeds.get(urls[3], (None, None, None))[:2], (404, "HTTP 404 Not Found"),
     "the 404 feed has its status and error recorded")
for u in urls[:3]:
    t.eq(feeds.get(u, (None, "missing"))[:2], (200, None), "healthy feed recorded: " + u)
t.eq(feeds.get(urls[1], (0, 0, None))[2], "Northern Ledger", "feed title stored")
errs = w.sql("SELECT consecutive_errors FROM feeds WHERE url = ?", (urls[3],))
t.eq(errs, [(1,)], "the 404 feed counts one consecutive error")

# A second run: nothing new, and each good feed answered with a 304.
srv.log.clear()
r = w.run_once()
t.eq(r.returncode, 0, "second run exits 0")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 7, "second run stores nothing new")
cond = [p for p, inm, ims in srv.log if inm]
t.eq(sorted(cond), ["/atom.xml", "/rss10.xml", "/rss20.xml"],
     "second run sends the stored ETag for every good feed")
t.eq(w.sql("SELECT count(*) FROM story_feeds")[0][0], 7, "one story_feeds row per story")
t.eq(w.sql("SELECT consecutive_errors FROM feeds WHERE url = ?", (urls[3],)), [(2,)],
     "the 404 feed's error count grows")

# A feed dropped from the list is marked inactive; its stories stay.
w.write_config(urls[:2])
r = w.run_once()
t.eq(r.returncode, 0, "run with a shorter feed list exits 0")
t.eq(w.sql("SELECT active FROM feeds WHERE url = ?", (urls[2],)), [(0,)],
     "a feed no longer listed is inactive")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 7, "its stories stay")

# The reader tool sees the same rows.
r = subprocess.run([TIDINGS, "-d", w.db, "stories", "--json"], capture_output=True, text=True)
t.eq(r.returncode, 0, "tidings stories --json exits 0")
try:
    doc = json.loads(r.stdout)
except ValueError:
    doc = None
t.ok(isinstance(doc, list) and len(doc) == 7, "tidings stories --json lists 7 stories", r.stdout[:500])
r = subprocess.run([TIDINGS, "-d", w.db, "feeds", "--json"], capture_output=True, text=True)
try:
    fdoc = json.loads(r.stdout)
except ValueError:
    fdoc = None
t.ok(isinstance(fdoc, list) and any(f.get("last_error") == "HTTP 404 Not Found" for f in fdoc),
     "tidings feeds --json shows the 404 error", r.stdout[:500])
r = subprocess.run([TIDINGS, "-d", w.db, "feeds"], capture_output=True, text=True)
t.ok(r.returncode == 0 and "Northern Ledger" in r.stdout, "tidings feeds prints a table", r.stdout + r.stderr)
r = subprocess.run([TIDINGS, "-d", os.path.join(w.dir, "nope.db"), "stories"],
                   capture_output=True, text=True)
t.ok(r.returncode == 1 and "nope.db" in r.stderr, "a missing database is an error, not an empty list",
     r.stderr)

# A bad configuration is refused with FILE:LINE and writes nothing.
bad = Workdir()
with open(bad.feeds, "w") as f:
    f.write(urls[0] + "\n")
with open(bad.conf, "w") as f:
    f.write("[daemon]\ndatabase = %s\nfeeds = %s\ninterval = soon\n" % (bad.db, bad.feeds))
r = bad.run_once()
t.eq(r.returncode, 1, "a bad config exits 1")
t.ok(bad.conf + ":4:" in r.stderr, "the error names FILE:LINE", r.stderr)
t.ok(not os.path.exists(bad.db), "nothing is written to the database")

# A database from a newer tidings: exit 2, a clear message, file untouched.
import sqlite3  # noqa: E402
newer = Workdir()
newer.write_config(urls[:1])
con = sqlite3.connect(newer.db)
con.execute("PRAGMA user_version = 99")
con.execute("CREATE TABLE mine (x)")
con.commit()
con.close()
before = open(newer.db, "rb").read()
r = newer.run_once()
t.eq(r.returncode, 2, "a database from a newer tidings exits 2")
t.ok("newer" in r.stderr and newer.db in r.stderr, "saying why, with the path", r.stderr)
t.ok(open(newer.db, "rb").read() == before, "and the file is not modified")
# As a newer tidingsd leaves it: WAL mode, its -wal (here holding the
# version bump, not yet checkpointed) and -shm beside it.  Refusing it
# used to checkpoint the WAL into the file and delete -wal and -shm, which
# locked out every reader that may not write in the directory.
wal = Workdir()
wal.write_config(urls[:1])
t.eq(wal.run_once().returncode, 0, "a database made by this tidings")
ro = sqlite3.connect("file:%s?mode=ro" % wal.db, uri=True)
ro.execute("SELECT count(*) FROM stories").fetchall()
con = sqlite3.connect(wal.db)   # not the last connection: -wal and -shm stay
con.execute("PRAGMA user_version = 99")
con.commit()
con.close()
ro.close()


def files(w):
    return {s: open(w.db + s, "rb").read() if os.path.exists(w.db + s) else None
            for s in ("", "-wal")}


before = files(wal)
t.ok(before["-wal"] and os.path.exists(wal.db + "-shm"), "the newer version is in the -wal")
r = wal.run_once()
t.eq(r.returncode, 2, "a WAL database from a newer tidings exits 2")
t.ok(files(wal) == before and os.path.exists(wal.db + "-shm"),
     "and its file, -wal and -shm are left as they were", sorted(os.listdir(wal.dir)))
t.eq(wal.sql("PRAGMA user_version"), [(99,)], "a reader still reads it")
wal.cleanup()
unwritable = Workdir()
unwritable.db = os.path.join(unwritable.dir, "no", "such", "dir", "t.db")
unwritable.write_config(urls[:1])
r = unwritable.run_once()
t.eq(r.returncode, 2, "a database that cannot be created exits 2")
t.ok("cannot create the database" in r.stderr and "No such file or directory" in r.stderr,
     "with the reason", r.stderr)

srv.stop()
w.cleanup()
bad.cleanup()
newer.cleanup()
unwritable.cleanup()
t.done()
