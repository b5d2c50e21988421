#!/usr/bin/env python3
"""A small WordPress site reinstalled a day after it was first polled: its
posts imported again get new ids (guids "?p=1".."?p=4" for the ones it
had as "?p=5".."?p=8"), which turns the feed to link identity for a poll
(docs/dedup.md, "Feeds whose guids change on every fetch"), and its next
post is "?p=5" again, with the oldest post no longer listed.  That guid
named the old post's story, and the rule for a draft's address replaced
by the final one in the poll whose guids repeat (an item under a new link
and a guid the feed had) took the new post for it: the old post's
headline, link and text were overwritten, and the new post was never a
story of its own.  A guid the feed first had 18 hours or more ago is no
longer taken so.

The daemon runs on a clock moved forward by libfaketime."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, polls_at  # noqa: E402
import invariants  # noqa: E402

HOUR = 3600
t = Tap()
srv = Server()
w = Workdir()
poll = polls_at(t, srv, w, "/feed.xml", "Small", "https://small.example/")
BASE = int(time.time())
POSTS = [("alpha", "Harbour tunnel opens to traffic after six years"),
         ("bravo", "Council votes to keep the public library open"),
         ("charlie", "Storm brings down trees across the old town"),
         ("delta", "Tram drivers accept new pay offer"),
         ("echo", "Museum reopens after the winter fire")]


def post(i, pid):
    slug, head = POSTS[i]
    return {"guid": "https://small.example/?p=%d" % pid, "title": head,
            "link": "https://small.example/%s/" % slug, "text": "All about %s." % slug,
            "date": email.utils.formatdate(BASE - (10 - i) * HOUR, usegmt=True)}



def story(i):
    return w.sql("SELECT title, link FROM stories WHERE link = ?",
                 ("https://small.example/%s/" % POSTS[i][0],))


w.write_config([srv.url("/feed.xml")])
poll(0, [post(i, 5 + i) for i in range(4)][::-1])
r = poll(24, [post(i, 1 + i) for i in range(4)][::-1])      # reinstalled: new ids
t.ok("items are now known by link" in r.stderr, "the new ids: known by link", r.stderr)
r = poll(26, [post(i, 1 + i) for i in range(1, 4)][::-1] + [post(4, 5)][::-1])
t.eq(story(0), [(POSTS[0][1], "https://small.example/alpha/")],
     "the old post under the guid the new one has keeps its headline and link")
t.eq(story(4), [(POSTS[4][1], "https://small.example/echo/")], "the new post is a story of its own")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 5, "five posts, five stories")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
