#!/usr/bin/env python3
"""A blog's comment feed beside its post feed (WordPress: "Comments for
Site", an item "Comment on <post> by <name>" linking to
<post>#comment-42).  A comment is not its post: the post and its comments
are stories of their own, whichever feed is read first.  Before, the
fragment was dropped from the canonical URL, so the post was taken for
the comment stored before it (or the comment for the post), one of the
two stored nowhere; two comments of one post in another feed (the post's
own comment feed) are still one story each."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

POST = "https://blog.example/2026/11/30/harbour-plan/"

MAIN = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:wfw="http://wellformedweb.org/CommentAPI/">
<channel><title>Harbour Blog</title><link>https://blog.example</link><description>Notes</description>
<item><title>The council approves the harbour plan</title><link>%s</link>
<comments>%s#comments</comments><dc:creator><![CDATA[Jane]]></dc:creator>
<pubDate>Tue, 10 Nov 2026 08:00:00 +0000</pubDate>
<guid isPermaLink="false">https://blog.example/?p=100</guid>
<description><![CDATA[The regional council approved the new harbour expansion plan on
Monday after a long debate about costs and the environmental impact on the bay.]]></description>
<wfw:commentRss>%sfeed/</wfw:commentRss></item>
</channel></rss>""" % (POST, POST, POST)


def comment(n, name, minute, text):
    return """<item><title>%s by %s</title><link>%s#comment-%d</link>
<dc:creator><![CDATA[%s]]></dc:creator><pubDate>Tue, 10 Nov 2026 09:%02d:00 +0000</pubDate>
<guid isPermaLink="false">https://blog.example/?p=100#comment-%d</guid>
<description><![CDATA[%s]]></description></item>""" % ("%s", name, POST, n, name, minute, n, text)


COMMENTS = [(42, "Bob Smith", 5, "I think the costs were understated; the dredging alone will "
             "take two years according to the engineers I spoke to last week."),
            (43, "Ann Lee", 20, "The fishermen were never asked. Their catches fell by a third "
             "since the spring and nobody on the council mentioned it once.")]


def comment_feed(title, item_title, comments):
    items = "".join(comment(*c) % item_title for c in comments)
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>%s</title>
<link>%s</link><description>Notes</description>%s</channel></rss>""" % (title, POST, items))


t = Tap()
srv = Server()
srv.put("/feed/", MAIN)
# The site's comment feed: its latest comment only.
srv.put("/comments/feed/", comment_feed(
    "Comments for Harbour Blog", "Comment on The council approves the harbour plan", COMMENTS[:1]))
# The post's own comment feed: both, titled "By: name".
srv.put("/post/feed/", comment_feed(
    "Comments on: The council approves the harbour plan", "By:", COMMENTS))


def titles(w):
    return sorted(r[0] for r in w.sql("SELECT title FROM stories"))


WANT = ["Comment on The council approves the harbour plan by Bob Smith",
        "The council approves the harbour plan"]
for first, second in (("/feed/", "/comments/feed/"), ("/comments/feed/", "/feed/")):
    w = Workdir()
    try:
        w.write_config([srv.url(first)])
        r = w.run_once()
        t.eq(r.returncode, 0, "%s alone: exit 0" % first)
        w.write_config([srv.url(first), srv.url(second)])
        r = w.run_once()
        t.eq(r.returncode, 0, "then %s too: exit 0" % second)
        t.eq(titles(w), WANT, "%s, then %s: the post and the comment are a story each"
             % (first, second))
        t.eq(w.sql("SELECT count(*) FROM story_feeds")[0][0], 2,
             "each is carried by its own feed only")
        t.eq(w.sql("SELECT canonical_url FROM stories WHERE title LIKE 'Comment on %'"),
             [(POST + "#comment-42",)], "the comment's canonical URL names the comment")
        t.eq(w.sql("SELECT count(*) FROM stories WHERE duplicate_of IS NOT NULL")[0][0], 0,
             "neither is marked a copy")
    finally:
        w.cleanup()

# All three feeds: the comment in the site's and the post's comment feeds
# is one story (same link), its neighbour a story of its own.
w = Workdir()
try:
    w.write_config([srv.url("/feed/"), srv.url("/comments/feed/"), srv.url("/post/feed/")])
    r = w.run_once()
    t.eq(r.returncode, 0, "three feeds: exit 0")
    t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 3, "the post and its two comments")
    t.eq(w.sql("SELECT count(*) FROM story_feeds sf JOIN stories s ON s.id = sf.story_id"
               " WHERE s.canonical_url = ?", (POST + "#comment-42",))[0][0], 2,
         "the comment in both comment feeds is one story with two feeds")
    t.eq(w.sql("SELECT count(*) FROM story_feeds sf JOIN stories s ON s.id = sf.story_id"
               " WHERE s.canonical_url = ?", (POST,))[0][0], 1,
         "the post is its own feed's only")
finally:
    w.cleanup()
srv.stop()
t.done()
