#!/usr/bin/env python3
"""The search index's whole merge with `retention = 0` (docs/schema.md,
"stories_fts"): edits write a story into the index again, its old words
left beside a delete marker, and once as many stories have been rewritten
as the index holds (meta.fts_dead) it is merged whole, as under retention.
With retention 0 the pass that merges it returned before the merge: a feed
whose items were all edited at every `--once` grew the index at each run
and fts_dead with it, for good."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

NOW = int(time.time())
N = 6


def rss(ver):
    items = "".join("<item><title>Harbour report %d, %s edition</title><link>http://a.example/%d</link>"
                    "<guid>g%d</guid><pubDate>%s</pubDate><description>Tide table %d, %s.</description>"
                    "</item>" % (i, ver, i, i, email.utils.formatdate(NOW - 60 * i, usegmt=True), i, ver)
                    for i in range(N))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>A</title>'
            "<link>http://a.example/</link>%s</channel></rss>" % items).encode()


t = Tap()
srv = Server()
w = Workdir()
w.write_config([srv.url("/a.xml")], extra="retention = 0")
for k, ver in enumerate(("morning", "evening", "midnight")):
    srv.put("/a.xml", rss(ver), "application/rss+xml")
    r = w.run_once()
    t.eq(r.returncode, 0, "run %d exits 0" % (k + 1))
t.eq(w.sql("SELECT count(*) FROM stories"), [(N,)], "each item one story, edited twice")
t.eq(w.sql("SELECT count(*) FROM meta WHERE key = 'fts_dead'"), [(0,)],
     "the index merged whole once every story was rewritten in it (fts_dead cleared)")
t.eq(w.sql("SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'midnight'"), [(N,)],
     "the search finds the stories by their last words")
t.eq(w.sql("SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'morning OR evening'"), [(0,)],
     "and by none of their old ones")
t.eq(w.sql("SELECT count(*) FROM stories_fts_data"), [(3,)],
     "the index is one segment again (its structure, averages and one leaf)")
w.cleanup()
srv.stop()
t.done()
