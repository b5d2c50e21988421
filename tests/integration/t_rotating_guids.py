#!/usr/bin/env python3
"""A feed that stamps a new guid on every item at every fetch, polled many
times (docs/dedup.md, "Feeds whose guids change on every fetch").  Once
known by link, its items were looked up by their link, and being found
that way counted as their guids repeating: the feed went back to guid
identity at the next poll and to link identity at the one after, logged
both every time, and every other poll gave each story one more
story_feeds row, so `tidings stories` counted a story of one feed as
carried by 2, 3, 4... feeds and `tidings feeds` counted the feed's stories
as many times.  Now it stays known by link while its guids rotate, and goes
back to guid identity when the guids it had before come back."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, need_programs, TIDINGSD, TIDINGS  # noqa: E402
import invariants  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()
w = Workdir()
items = [{"guid": "r-%d-1" % i, "title": "Rotating item %d about the harbour tunnel" % i,
          "link": "https://rot.example/item/%d" % i, "text": "Item %d." % i} for i in range(5)]
w.write_config([srv.url("/rot.xml")], extra="log_level = info")


def poll(n):
    """One fetch of the feed, every guid stamped with poll n."""
    for i, it in enumerate(items):
        it["guid"] = "r-%d-%d" % (i, n)
    srv.put("/rot.xml", rss_doc("Rot", "http://rot.example/", items))
    r = w.run_once()
    return r, w.sql("SELECT guids_rotate FROM feeds")[0][0]


def cli(*args):
    r = subprocess.run([TIDINGS, "-d", w.db] + list(args), capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else r.stderr


modes, notices = [], 0
for n in range(1, 9):
    r, mode = poll(n)
    if r.returncode:
        print("# " + r.stderr.replace("\n", "\n# "))
    modes.append(mode)
    notices += r.stderr.count("guids are stable again")
t.eq(modes, [0] + [1] * 7, "detected at the second poll, and known by link from then on")
t.eq(notices, 0, "never logged as stable again while its guids keep rotating")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 5, "five items, five stories")
rows = w.sql("SELECT count(*) FROM story_feeds")[0][0]
poll(9)
poll(10)
t.eq(w.sql("SELECT count(*) FROM story_feeds")[0][0], rows,
     "more rotated polls add no story_feeds rows")
stories = cli("stories", "--json")
t.eq(sorted(s["feeds"] for s in stories) if isinstance(stories, list) else stories, [1] * 5,
     "tidings stories: each story is carried by one feed")
feeds = cli("feeds", "--json")
t.eq([f["stories"] for f in feeds] if isinstance(feeds, list) else feeds, [5],
     "tidings feeds: the feed has five stories")

# The guids it had when it was known by guid come back and stay: it is
# known by guid again, and its items are found under them.
poll(2)
r, mode = poll(2)
t.eq(mode, 0, "the guids of poll 2 again, twice: known by guid again")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 5, "still five stories")
t.eq(w.sql("PRAGMA integrity_check")[0][0], "ok", "integrity_check is ok")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
