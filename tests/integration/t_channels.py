#!/usr/bin/env python3
"""Two channels of one video site are two publishers' items on one host.
Every YouTube channel's videos are youtube.com's, and a channel's feed
gives each upload the same footer for a text ("Subscribe to ...": the
feed's, not the video's, docs/dedup.md).  Two channels' live streams of
one press briefing, under one headline, were taken for one article
reached two ways (level 2, the publisher and the headline): the second
channel's video was stored nowhere, its feed's row pointing at the first
channel's link.  One article has one author: items that name two, neither
through an aggregator, are two stories (a copy, level 3, at most)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, need_programs, stored, youtube_channel, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()


BRIEFING = "LIVE: White House press briefing with Karine Jean-Pierre"
NBC = youtube_channel("UCnbc", "NBC News",
              "Subscribe to NBC News: http://nbcnews.to/SubscribeToNBC Watch more NBC video: "
              "http://bit.ly/MoreNBCNews NBC News Digital is a collection of innovative news brands.",
              [("nbcbriefing", BRIEFING, "2026-11-10T17:00:00+00:00"),
               ("nbcmilton01", "Hurricane Milton makes landfall near Siesta Key",
                "2026-11-10T12:00:00+00:00")])
CBS = youtube_channel("UCcbs", "CBS News",
              "Subscribe to the CBS News channel: https://youtube.com/cbsnews Watch CBS News "
              "live: https://cbsn.ws/1PlLpZ7c Download the free CBS News app for phones.",
              [("cbsbriefing", BRIEFING, "2026-11-10T17:02:00+00:00"),
               ("cbsventura1", "Wildfire forces evacuations in Ventura County",
                "2026-11-10T11:00:00+00:00")])

w = stored(t, srv, {"/nbc.xml": (NBC, "application/atom+xml"),
                    "/cbs.xml": (CBS, "application/atom+xml")})
t.eq(sorted(w.sql("SELECT link, author FROM stories WHERE title = ?", (BRIEFING,))),
     [("https://www.youtube.com/watch?v=cbsbriefing", "CBS News"),
      ("https://www.youtube.com/watch?v=nbcbriefing", "NBC News")],
     "two channels' videos under one headline: two stories, each with its own link")
t.eq(sorted(w.sql("SELECT f.url, s.link FROM story_feeds sf JOIN feeds f ON f.id = sf.feed_id"
                  " JOIN stories s ON s.id = sf.story_id WHERE s.title = ?", (BRIEFING,))),
     [(srv.url("/cbs.xml"), "https://www.youtube.com/watch?v=cbsbriefing"),
      (srv.url("/nbc.xml"), "https://www.youtube.com/watch?v=nbcbriefing")],
     "each channel's feed carries its own video")
(copies,) = w.sql("SELECT count(*) FROM stories WHERE title = ? AND duplicate_of IS NOT NULL",
                  (BRIEFING,))[0]
t.eq(copies, 1, "the later one is marked a copy of the first (level 3, one headline)")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 4, "four videos, four stories")

srv.stop()
w.cleanup()
t.done()
