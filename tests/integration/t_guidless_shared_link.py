#!/usr/bin/env python3
"""Items with no guid that all link to one page (a podcast whose episodes
link to the show's page and carry no <guid>, a ministry's press releases
that all link to its press page) are an item each, known by their titles
and dates: known by the link, every episode of the document was one item,
the first poll stored one episode of four, and each new episode
overwrote the last one's story (its title, text and enclosure gone).
A feed whose one item was stored under its link (an older version, or a
feed that listed one episode alone) keeps that story for that item when
more come, and the other way round when the feed is cut to one item;
items under links of their own are still known by their links."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

SHOW = "https://radio.example/shows/morning-talk"
TOPICS = ["the harbour tunnel budget", "the tram drivers' strike", "the new quantum lab",
          "the museum painting theft", "the airport expansion appeal", "the drought harvest"]


def episode(n, title=None):
    return """<item><title>%s</title><link>%s</link>
<description>This week we talk about %s with our guests.</description>
<pubDate>%s Nov 2026 07:00:00 GMT</pubDate>
<enclosure url="https://cdn.radio.example/morning/ep%d.mp3" length="%d" type="audio/mpeg"/>
<itunes:duration>00:52:10</itunes:duration></item>""" % (
        title or "Episode %d: %s" % (n, TOPICS[n - 1]), SHOW, TOPICS[n - 1],
        ["Mon, 02", "Mon, 09", "Mon, 16", "Mon, 23", "Mon, 30", "Mon, 30"][n - 1], n, 1000 + n)


def podcast(numbers, **titles):
    return """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Morning Talk</title><link>%s</link><language>en</language>
<itunes:author>Radio Example</itunes:author>%s</channel></rss>""" % (
        SHOW, "".join(episode(n, titles.get("ep%d" % n)) for n in numbers))


def blog(title):
    return """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>Notebook</title><link>https://notes.example/</link>
<item><title>%s</title><link>https://notes.example/2026/rails</link>
<description>On the night trains to the coast.</description></item>
<item><title>On bridges</title><link>https://notes.example/2026/bridges</link>
<description>The estuary bridge reopens in March.</description></item>
</channel></rss>""" % title


t = Tap()
srv = Server()
w = Workdir()
srv.put("/show.xml", podcast([4, 3, 2, 1]))
srv.put("/one.xml", podcast([1]).replace(SHOW, SHOW + "/one"))
srv.put("/blog.xml", blog("Night trains"))
w.write_config([srv.url(p) for p in ("/show.xml", "/one.xml", "/blog.xml")])


def poll(what):
    r = w.run_once()
    t.eq(r.returncode, 0, "%s: tidingsd --once exits 0" % what)


def titles(path):
    return [x for (x,) in w.sql(
        "SELECT s.title FROM stories s JOIN story_feeds sf ON sf.story_id = s.id"
        " JOIN feeds f ON f.id = sf.feed_id WHERE f.url = ? ORDER BY s.title",
        (srv.url(path),))]


poll("first poll")
t.eq(titles("/show.xml"), ["Episode %d: %s" % (n, TOPICS[n - 1]) for n in (1, 2, 3, 4)],
     "four episodes without guids under the show's page are four stories")
ep4 = w.sql("SELECT id, seq FROM stories WHERE title LIKE 'Episode 4:%'")

srv.put("/show.xml", podcast([5, 4, 3, 2, 1]))
poll("a new episode")
t.eq(titles("/show.xml"), ["Episode %d: %s" % (n, TOPICS[n - 1]) for n in (1, 2, 3, 4, 5)],
     "the next episode is a story of its own")
t.eq(w.sql("SELECT id, seq FROM stories WHERE title LIKE 'Episode 4:%'"), ep4,
     "the episode before it is untouched")
seqs = w.sql("SELECT id, seq FROM stories ORDER BY id")
poll("the same document again")
t.eq(w.sql("SELECT id, seq FROM stories ORDER BY id"), seqs, "the same document changes nothing")

# One episode listed alone, under its link; then with the next one.
srv.put("/one.xml", podcast([2, 1]).replace(SHOW, SHOW + "/one"))
poll("the one-episode feed's second episode")
t.eq(titles("/one.xml"), ["Episode 1: the harbour tunnel budget",
                          "Episode 2: the tram drivers' strike"],
     "an episode listed alone, then with the next: two stories, not three")
srv.put("/one.xml", podcast([2]).replace(SHOW, SHOW + "/one"))
poll("the one-episode feed cut to its newest")
srv.put("/one.xml", podcast([3, 2]).replace(SHOW, SHOW + "/one"))
poll("and with the next again")
t.eq(titles("/one.xml"), ["Episode 1: the harbour tunnel budget",
                          "Episode 2: the tram drivers' strike",
                          "Episode 3: the new quantum lab"],
     "cut to its newest episode and back: no episode stored twice")

# Items under links of their own are known by them: a retitled post is
# the same story.
srv.put("/blog.xml", blog("Night trains return"))
poll("a retitled post")
t.eq(titles("/blog.xml"), ["Night trains return", "On bridges"],
     "a post without a guid under its own link is updated when retitled")
t.eq(w.sql("SELECT count(*) FROM stories WHERE ident LIKE 'l:%'"), [(2,)],
     "posts under links of their own are known by link")
t.eq(w.sql("PRAGMA integrity_check")[0][0], "ok", "integrity_check is ok")

srv.stop()
w.cleanup()
t.done()
