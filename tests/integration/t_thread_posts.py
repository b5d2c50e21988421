#!/usr/bin/env python3
"""A post without a title (Mastodon's and Bluesky's RSS) is compared by
its text alone, and a few words of it in common with a thread are no
event: it joins a thread, or brings its own into one, only by two or
more of its words (docs/threads.md, "What joins a thread"), through the
real daemon, over two polls and a restart.

One account's "@bob thanks!" and "@carol thanks!" within the hour made
one thread (the one word "thanks"), "@bob yes, exactly!" joined it by
"bob", and two "gm" posts of another account made one.  Posts that tell
one thing ("The regional council approved the harbour expansion
plan ...", its corrected repost, another account's "Reading about the
new harbour plan approved on Monday ...") still share a thread."""
import email.utils
import html
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

T0 = 1796101200  # Tue 1 Dec 2026 05:00 UTC
HARBOUR = ("The regional council approved the new harbour expansion plan on Monday after a "
           "long debate about costs")


def mention(who, rest):
    return ('<p><span class="h-card" translate="no"><a href="https://fosstodon.org/@%s" '
            'class="u-url mention">@<span>%s</span></a></span> %s</p>' % (who, who, rest))


FIRST = [mention("bob", "thanks!"), mention("carol", "thanks!"), "<p>Good morning! Coffee time.</p>",
         "<p>%s</p>" % HARBOUR]
LATER = [mention("bob", "yes, exactly!"), mention("dave", "thanks!"),
         "<p>%s (corrected link)</p>" % HARBOUR]
BSKY = ["gm", "gm", "Reading about the new harbour plan approved on Monday after a long debate"]


def masto(posts):
    items = [{"title": None, "text": html.escape(p), "date": email.utils.formatdate(T0 + 300 * i, usegmt=True),
              "link": "https://mastodon.social/@alice/1134567890%02d" % i,
              "guid": "https://mastodon.social/@alice/1134567890%02d" % i} for i, p in enumerate(posts)]
    return rss_doc("Alice", "https://mastodon.social/@alice", list(reversed(items)))


def bsky(posts):
    items = [{"title": None, "text": p, "date": email.utils.formatdate(T0 + 420 * i, usegmt=True),
              "link": "https://bsky.app/profile/did:plc:abcd/post/3kabc%02d" % i,
              "guid": "at://did:plc:abcd/app.bsky.feed.post/3kabc%02d" % i} for i, p in enumerate(posts)]
    return rss_doc("@bob.bsky.social", "https://bsky.app/profile/bob.bsky.social", list(reversed(items)))


t = Tap()
srv = Server()
w = Workdir()
w.write_config([srv.url("/alice.rss"), srv.url("/bob.rss")], extra="retention = 0\nconcurrency = 1")
srv.put("/alice.rss", masto(FIRST))
srv.put("/bob.rss", bsky(BSKY[:1]))
r = w.run_once()
t.eq(r.returncode, 0, "the first run exits 0")
srv.put("/alice.rss", masto(FIRST + LATER))
srv.put("/bob.rss", bsky(BSKY))
r = w.run_once()
t.eq(r.returncode, 0, "the second run (a restart) exits 0")

rows = w.sql("SELECT summary, thread_id FROM stories")
t.eq(len(rows), len(FIRST) + len(LATER) + len(BSKY), "every post stored")
harbour = {tid for s, tid in rows if "harbour" in (s or "")}
t.eq(len(harbour), 1, "the three harbour posts share a thread")
short = [(s, tid) for s, tid in rows if "harbour" not in (s or "")]
together = sorted(s for s, tid in short if sum(x[1] == tid for x in short) > 1)
t.eq(together, [], "no two of the other posts share a thread")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
