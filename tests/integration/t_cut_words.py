#!/usr/bin/env python3
"""A summary its feed cut at so many characters ends in the middle of a
word: "... said Sarasota Sheriff Kurt Hoffm…", often with the site's
footer on a line of its own after it (WordPress's "The post ... appeared
first on ...").  What is left of that word is no word the story writes,
and a rare one, so it weighed as a name: "Hoffm" was among the keywords
of the story's thread (docs/threads.md: keywords are the words its
stories write).  The word an ellipsis cuts at the end of a line of lead
text is no term of the story's, live and in the replay a restart makes;
the summary is stored as the feed gave it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

t = Tap()
srv = Server()

MILTON = "Milton floods Florida coast, millions lose power"
SENATE = "Senate passes stopgap funding bill"
STORM = "Storm topples trees across central Ohio"
herald = [
    {"title": MILTON, "link": "https://gulfherald.example/milton/",
     "date": "Tue, 10 Nov 2026 12:00:00 GMT",
     "text": "&lt;p&gt;Hurricane Milton flooded roads and cut power to millions of homes "
             "across the state, said Sarasota Sheriff Kurt Hoffm&amp;#8230;&lt;/p&gt;"
             "&lt;p&gt;&lt;a href=\"https://gulfherald.example/milton/\"&gt;Read more "
             "&amp;#187;&lt;/a&gt;&lt;/p&gt;"},
    {"title": SENATE, "link": "https://gulfherald.example/senate/",
     "date": "Tue, 10 Nov 2026 13:00:00 GMT",
     "text": "The Senate approved a short-term spending measure late Friday, sending the "
             "bill to Joe Bidenhaus\u2026"},
    {"title": STORM, "link": "https://gulfherald.example/storm/",
     "date": "Tue, 10 Nov 2026 14:00:00 GMT",
     "text": "Severe thunderstorms swept through Columbus on Friday, toppling trees, "
             "said Mayor Andrew Ginth..."},
]
srv.put("/herald.xml", rss_doc("Gulf Herald", "https://gulfherald.example/", herald))
w = Workdir()
w.write_config([srv.url("/herald.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")

FRAGMENTS = {"hoffm", "bidenhaus", "ginth"}


def keywords(title):
    rows = w.sql("SELECT t.story_count, t.keywords FROM threads t JOIN stories s"
                 " ON s.thread_id = t.id WHERE s.title = ?", (title,))
    return rows[0][0], {k.strip().lower() for k in rows[0][1].split(",")}


for title in (MILTON, SENATE, STORM):
    n, kw = keywords(title)
    t.ok(not kw & FRAGMENTS, "no word cut short among the keywords of '%s'" % title, kw)
summary = w.sql("SELECT summary FROM stories WHERE title = ?", (MILTON,))[0][0]
t.ok("Kurt Hoffm\u2026\nRead more \u00bb" in summary, "the summary is stored as the feed wrote it", summary)

# A restart replays the window's stories; a follow-up that joins the
# Milton thread has its keywords made again from them.
srv.put("/wire.xml", rss_doc("Wire", "https://wire.example/", [
    {"title": "Milton floods Florida coast as millions lose power", "link": "https://wire.example/m",
     "date": "Tue, 10 Nov 2026 15:00:00 GMT",
     "text": ""}]))
w.write_config([srv.url("/herald.xml"), srv.url("/wire.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once again, with a follow-up: exits 0")
n, kw = keywords(MILTON)
t.ok(n == 2 and not kw & FRAGMENTS,
     "the follow-up joined the Milton thread, its keywords without the cut word", (n, kw))

srv.stop()
w.cleanup()
t.done()
