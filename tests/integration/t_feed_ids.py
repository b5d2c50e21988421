#!/usr/bin/env python3
"""Feed ids stay dense over years of restarts and reloads.  The feed list
was stored with one INSERT ... ON CONFLICT DO UPDATE per feed; on the
AUTOINCREMENT feeds table SQLite allocates the new id before it finds the
conflict, so every start and every SIGHUP moved sqlite_sequence on by the
number of feeds while the rows stayed the same, and a new feed got an id
far above the others.  Now a restart or a reload leaves feeds.id and
sqlite_sequence as they are, a listed feed keeps its row (also one that
moved by a permanent redirect, listed under either URL) and a new feed
gets max(id) + 1."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, spine_server, need_programs, Workdir, TIDINGSD, \
    wait_for_stderr  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = spine_server("/rss20.xml", "/atom.xml", "/rss10.xml")


def moved(h):
    h.reply(301, b"", "text/plain", {"Location": srv.url("/rss10.xml")})


srv.routes["/old-rss10.xml"] = moved
A, B, OLD, NEW = (srv.url(p) for p in ("/rss20.xml", "/atom.xml", "/old-rss10.xml",
                                        "/rss10.xml"))
w = Workdir()


def state():
    """(id, url, list_url, active) of every feed, and the feeds' sequence."""
    rows = w.sql("SELECT id, url, list_url, active FROM feeds ORDER BY id")
    seq = w.sql("SELECT seq FROM sqlite_sequence WHERE name = 'feeds'")
    return rows, seq[0][0] if seq else None


w.write_config([A, B, OLD])
r = w.run_once()
t.eq(r.returncode, 0, "a first run stores three feeds")
first, seq = state()
t.eq(([x[0] for x in first], seq), ([1, 2, 3], 3), "ids 1, 2, 3; sqlite_sequence 3")
t.eq(first[2][1:3], (NEW, OLD), "the third moved (301): url is the new one, list_url the old")

for i in range(3):
    w.run_once()
t.eq(state(), (first, 3), "three restarts: the same rows, sqlite_sequence still 3")

# The same by reload, the daemon running.
w.write_config([A, B, OLD], extra="log_level = info")
p = w.start(stderr=subprocess.PIPE)
out = wait_for_stderr(p, "tidingsd ")
for i in range(4):
    p.send_signal(signal.SIGHUP)
    out += wait_for_stderr(p, "reloaded: 3 feeds")
    out = out.replace("reloaded: 3 feeds", "(seen)", 1)
t.eq(out.count("(seen)"), 4, "four reloads")
t.eq(state(), (first, 3), "four reloads: the same rows, sqlite_sequence still 3")

# A feed listed under its new URL after its move keeps its row (and its
# stories); the old list entry is no longer active.
w.write_config([A, B, NEW], extra="log_level = info")
p.send_signal(signal.SIGHUP)
out = wait_for_stderr(p, "reloaded: 3 feeds")
rows, seq = state()
t.eq((rows, seq), ([first[0], first[1], (3, NEW, OLD, 1)], 3),
     "the moved feed listed under its new URL keeps id 3, nothing new is allocated")

# A new feed: the next id.
C = srv.url("/atom.xml?second")
w.write_config([A, B, NEW, C], extra="log_level = info")
p.send_signal(signal.SIGHUP)
out = wait_for_stderr(p, "reloaded: 4 feeds")
rows, seq = state()
t.eq(([x[0] for x in rows], rows[3][1:3], seq), ([1, 2, 3, 4], (C, C), 4),
     "a new feed gets id 4, max + 1")

# A feed removed and listed again gets its old row back.
w.write_config([A, C], extra="log_level = info")
p.send_signal(signal.SIGHUP)
wait_for_stderr(p, "reloaded: 2 feeds")
t.eq([x[3] for x in state()[0]], [1, 0, 0, 1], "removed feeds are inactive")
w.write_config([A, B, NEW, C], extra="log_level = info")
p.send_signal(signal.SIGHUP)
wait_for_stderr(p, "reloaded: 4 feeds")
t.eq(state(), (rows, 4), "listed again: the same rows, active, sqlite_sequence 4")
p.send_signal(signal.SIGTERM)
p.communicate(timeout=60)
t.eq(p.returncode, 0, "the daemon exits 0")

r = w.run_once()
t.eq((r.returncode, state()), (0, (rows, 4)), "and a last restart changes nothing either")
w.write_config([A, B, OLD, NEW, C])
r = w.run_once()
t.eq((r.returncode, state()), (0, (rows, 4)),
     "a moved feed listed under both its URLs is still the one row")

# The same URLs written otherwise, as the feed list takes them for the
# same (the scheme's case, a #fragment): the same rows, now holding the
# URLs as written.  A new row restarted each feed under another id,
# without its validators, and linked its stories to it a second time.
A2, OLD2 = "HTTP" + A[4:] + "#latest", OLD.replace("http:", "HTTP:") + "#"
links = w.sql("SELECT count(*) FROM story_feeds")
w.write_config([A2, B, OLD2, C])
r = w.run_once()
rows2, seq2 = state()
t.eq((r.returncode, seq2, [x[0] for x in rows2 if x[3]]), (0, 4, [1, 2, 3, 4]),
     "written otherwise: the same four feeds, no row allocated")
t.eq((rows2[0], rows2[2]), ((1, A2, A2, 1), (3, NEW, OLD2, 1)),
     "listed as written; the moved feed still polled at its new URL")
t.eq(w.sql("SELECT count(*) FROM story_feeds"), links,
     "no story linked to a feed a second time")

# What the list says of a feed still reaches its row: title, category and
# interval from OPML, cleared when the list no longer gives them.
def opml(attrs):
    with open(w.feeds, "w") as f:
        f.write('<?xml version="1.0"?><opml version="2.0"><body><outline text="World">'
                '<outline %s xmlUrl="%s"/></outline></body></opml>' % (attrs, A))


w.write_config([], extra="log_level = info")
opml('text="Spine RSS" interval="5m"')
r = w.run_once()
t.eq((r.returncode, w.sql("SELECT id, list_title, category, interval, active FROM feeds"
                          " WHERE active"), state()[1]),
     (0, [(1, "Spine RSS", "World", 300, 1)], 4),
     "an OPML list sets the feed's title, category and interval on its row, id 1")
opml("")
r = w.run_once()
t.eq((r.returncode, w.sql("SELECT id, list_title, category, interval FROM feeds WHERE active"),
      state()[1]), (0, [(1, None, "World", None)], 4), "and clears what it no longer gives")
t.ok(w.sql("SELECT count(*) FROM stories WHERE feed_id NOT IN (SELECT id FROM feeds)")
     == [(0,)], "every story's feed_id names a feed")
w.cleanup()
srv.stop()
t.done()
