#!/usr/bin/env python3
"""A feed that moves (301) to a URL another feed's row holds cannot move
there: feeds.url is unique, also for a feed removed from the list, whose
row stays.  Such a feed was fetched through the redirect at every poll
without a word (the same document twice a cycle when the other URL is
listed too), and a site's page listed in place of a feed removed from the
list was never followed, its error naming the feed as if it were about to
be.  Now the log says which feed holds the URL and what to list."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, generated_rss, \
    TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()
srv.put("/a.xml", generated_rss(1, 3), "application/rss+xml")
srv.put("/b.xml", generated_rss(2, 3), "application/rss+xml")
A, B, PAGE = srv.url("/a.xml"), srv.url("/b.xml"), srv.url("/")
srv.put("/", '<!DOCTYPE html><html><head><title>Site</title>'
        '<link rel="alternate" type="application/rss+xml" href="%s"></head>'
        '<body>News</body></html>' % B, "text/html; charset=utf-8")
w = Workdir()


def rows():
    return w.sql("SELECT id, url, list_url, active FROM feeds ORDER BY id")


w.write_config([A, B])
r = w.run_once()
t.eq((r.returncode, rows()), (0, [(1, A, A, 1), (2, B, B, 1)]), "two feeds")

# A now moves to B, which is listed too.
srv.routes["/a.xml"] = lambda h: h.reply(301, b"", None, {"Location": B})
r = w.run_once()
t.eq((r.returncode, rows()), (0, [(1, A, A, 1), (2, B, B, 1)]),
     "moved to a listed feed's URL: the rows stay")
t.ok("%s: moved permanently to %s, which feed 2 of the list polls too: both fetch it"
     " (remove %s from the list)" % (A, B, A) in r.stderr,
     "the log says both fetch it and which to remove", r.stderr)

# B removed from the list: its row keeps the URL.
w.write_config([A])
r = w.run_once()
t.eq((r.returncode, rows()), (0, [(1, A, A, 1), (2, B, B, 0)]),
     "moved to a feed's URL no longer listed: the rows stay")
t.ok("%s: moved permanently to %s, the URL of feed 2, no longer in the list: fetched"
     " through the redirect (list %s in its place)" % (A, B, B) in r.stderr,
     "the log says which feed holds the URL and what to list", r.stderr)

# As the log says: feed 2 again, under its id.
w.write_config([B])
r = w.run_once()
t.eq((r.returncode, rows()), (0, [(1, A, A, 0), (2, B, B, 1)]),
     "listed in its place: feed 2 is polled again")
t.ok("moved permanently" not in r.stderr, "and nothing more is said", r.stderr)

# A site's page naming a feed no longer listed.
w.write_config([PAGE])
r = w.run_once()
err = "not a feed: text/html; the page names the feed %s, feed 2, no longer in the list:" \
      " list it in the page's place" % B
t.eq((r.returncode, w.sql("SELECT id, url, last_error FROM feeds WHERE active")),
     (0, [(3, PAGE, err)]), "a page naming a feed no longer listed: its error says so")
w.cleanup()
srv.stop()
t.done()
