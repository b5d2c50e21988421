#!/usr/bin/env python3
"""`tidings export-opml` reads the feeds table and nothing else.

It wrote no story counts but had them counted, as `tidings feeds` does:
every story_feeds row read, 150-250 ms of its run at a million stories
(docs/benchmarks.md, "Readers at scale"), and a damaged page among the
stories failed the export of the feed list with "damaged database".
Here the pages of stories and story_feeds are overwritten: `tidings feeds`,
which counts, meets the damage; the export gives the same feed list as
before it."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Tap, Server, Workdir, TIDINGS, TIDINGSD,  # noqa: E402
                     need_programs, serve_generated)

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()
urls = serve_generated(srv, 12, 10)
w = Workdir()
w.write_config(urls)
t.eq(w.run_once().returncode, 0, "the daemon fills a database")


def tidings(*args):
    return subprocess.run([TIDINGS, "-d", w.db] + list(args), capture_output=True,
                          text=True, timeout=60)


def feed_list(out):
    return re.sub(r"<dateCreated>.*?</dateCreated>", "", out)


before = tidings("export-opml", "--all")
t.ok(before.returncode == 0 and before.stdout.count('type="rss"') == 12,
     "export-opml lists the 12 feeds", before.stderr)
t.eq(w.sql("SELECT count(*) FROM story_feeds")[0][0], 120, "120 stories stored")

w.damage("story_feeds", seed=3)
w.damage("stories", seed=5)
r = tidings("feeds")
t.ok(r.returncode == 1 and "malformed" in r.stderr,
     "`tidings feeds`, which counts each feed's stories, meets the damaged pages",
     (r.returncode, r.stderr))
r = tidings("export-opml", "--all")
t.ok(r.returncode == 0 and not r.stderr, "export-opml reads none of them", r.stderr)
t.eq(feed_list(r.stdout), feed_list(before.stdout), "and writes the same feed list")
srv.stop()
w.cleanup()
t.done()
