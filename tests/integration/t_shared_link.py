#!/usr/bin/env python3
"""Items of one feed that share one link (a live blog's posts, a podcast's
episodes that all link to its home page) are items of their own: each
with its own guid is its own story, in the first poll and when more come
later; the same article in another feed is still one story (level 2),
and a feed that changes its guids still makes no new stories
(t_dedup.py).  Such a link names none of those items for another feed
either: the show's video feed, whose episodes link to the same page, had
its oldest one stored as the oldest audio episode, whatever episode it
was."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

TEXTS = [
    "The regional council approved the new harbour expansion plan on Monday "
    "after a long debate about costs and the environmental impact on the bay.",
    "Fishermen in the northern villages protested against the new quotas, "
    "saying their catches had fallen by a third since the spring.",
    "A new exhibition of early photography opens at the city museum this "
    "weekend with prints from three continents and a dozen private collections.",
    "The railway operator said the night trains to the coast would run again "
    "from March, after the bridge over the estuary was repaired.",
]


def post(i, link):
    return {"guid": "post-%d" % i, "title": "Live: update %d on the day's news" % i,
            "link": link, "text": TEXTS[i], "date": "Tue, 10 Nov 2026 0%d:00:00 GMT" % i}


t = Tap()
srv = Server()
LIVE = "https://blog.example/live"
HOME = "https://pod.example/"
srv.put("/live.xml", rss_doc("Live", "https://blog.example/", [post(1, LIVE), post(0, LIVE)]))
srv.put("/pod.xml", rss_doc("Pod", HOME, [post(i, HOME) for i in (2, 1, 0)]))
w = Workdir()
w.write_config([srv.url("/live.xml"), srv.url("/pod.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")


def guids(feed):
    return [g for (g,) in w.sql(
        "SELECT s.guid FROM stories s JOIN feeds f ON f.id = s.feed_id"
        " WHERE f.url = ? ORDER BY s.guid", (srv.url(feed),))]


t.eq(guids("/live.xml"), ["post-0", "post-1"], "two posts under one link are two stories")
t.eq(guids("/pod.xml"), ["post-0", "post-1", "post-2"],
     "episodes that all link to the home page are a story each")

# A new post under the same link, later.
srv.put("/live.xml", rss_doc("Live", "https://blog.example/",
                             [post(3, LIVE), post(1, LIVE), post(0, LIVE)]))
r = w.run_once()
t.eq(r.returncode, 0, "second run exits 0")
t.eq(guids("/live.xml"), ["post-0", "post-1", "post-3"], "a later post under that link is new too")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 6, "the same items again make no new stories")

# Another feed carrying one of those articles under its own link: level 2.
srv.put("/other.xml", rss_doc("Other", "https://other.example/", [
    {"guid": "o-1", "title": "Harbour plan approved", "link": "https://blog.example/solo?utm_source=x",
     "text": TEXTS[0]}]))
srv.put("/solo.xml", rss_doc("Solo", "https://blog.example/", [
    {"guid": "s-1", "title": "Harbour plan approved", "link": "https://blog.example/solo",
     "text": TEXTS[0]}]))
w.write_config([srv.url("/live.xml"), srv.url("/pod.xml"), srv.url("/solo.xml")])
w.run_once()
w.write_config([srv.url("/live.xml"), srv.url("/pod.xml"), srv.url("/solo.xml"),
                srv.url("/other.xml")])
w.run_once()
t.eq(w.sql("SELECT count(*) FROM story_feeds sf JOIN stories s ON s.id = sf.story_id"
           " WHERE s.canonical_url = 'https://blog.example/solo'")[0][0], 2,
     "one article in two feeds is still one story with two feeds")

# The show's video feed: its two latest episodes, under the same page.
srv.put("/video.xml", rss_doc("Pod video", HOME, [
    {"guid": "video-%d" % i, "title": "Live: update %d on the day's news (video)" % i,
     "link": HOME, "text": TEXTS[i], "date": "Tue, 10 Nov 2026 0%d:30:00 GMT" % i}
    for i in (2, 1)]))
w.write_config([srv.url("/live.xml"), srv.url("/pod.xml"), srv.url("/solo.xml"),
                srv.url("/other.xml"), srv.url("/video.xml")])
t.eq(w.run_once().returncode, 0, "a run with the video feed exits 0")
carried = w.sql("SELECT sf.ident, s.guid FROM story_feeds sf JOIN feeds f ON f.id = sf.feed_id"
                " JOIN stories s ON s.id = sf.story_id WHERE f.url = ? ORDER BY sf.ident",
                (srv.url("/video.xml"),))
t.eq(carried, [("g:video-1", "video-1"), ("g:video-2", "video-2")],
     "another feed's episodes under the show's page are stories of their own, not its episodes")
t.eq(guids("/pod.xml"), ["post-0", "post-1", "post-2"], "the audio episodes are as they were")
t.eq(w.sql("PRAGMA integrity_check")[0][0], "ok", "integrity_check is ok")

srv.stop()
w.cleanup()
t.done()
