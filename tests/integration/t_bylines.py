#!/usr/bin/env python3
"""One article in two of a site's feeds, under two links, names its
authors two ways: "Jane Doe" (the first of its dc:creator elements) in one,
"By Jane Doe and John Roe" in the other, or an agency after the name.  It
is one article reached two ways (level 2, the publisher and the headline,
docs/dedup.md): the rule that two items naming different authors are two
articles (two YouTube channels' videos under one title, t_channels) took
each such pair for two, the later a copy of the first.  Two bylines name
one author when they share a name, "By " and ASCII case aside."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, need_programs, stored, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()


def rss(items):
    body = "".join("""
<item><title>%s</title><link>%s</link><guid>%s</guid>
%s<pubDate>%s</pubDate><description>%s</description></item>""" % (
        title, link, link, "".join("<dc:creator>%s</dc:creator>" % a for a in authors), date, text)
        for title, link, authors, date, text in items)
    return """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Example Tribune</title><link>https://www.example.com/</link>%s
</channel></rss>
""" % body


FED = "Fed raises rates by a quarter point as inflation cools"
FED_TEXT = ("The Federal Reserve raised its benchmark rate by a quarter of a percentage point "
            "on Wednesday, its third increase this year, as inflation cooled for a fifth month.")
PORT = "Port strike ends after dockworkers approve six-year contract"
PORT_TEXT = ("Dockworkers at 36 ports on the East and Gulf coasts approved a six-year contract "
             "on Tuesday, ending a strike that had halted container traffic for three days.")
FIRE = "Wildfire forces evacuations in three canyon towns overnight"
FIRE_TEXT = ("Thousands of residents of three canyon towns were ordered to leave overnight as a "
             "wildfire driven by dry winds jumped a highway and burned toward their homes.")

NEWS = rss([(FED, "https://www.example.com/news/2026/11/10/fed-raises-rates",
             ["Jane Doe", "John Roe"], "Tue, 10 Nov 2026 14:00:00 GMT", FED_TEXT),
            (PORT, "https://www.example.com/news/2026/11/10/port-strike-ends",
             ["Maria Lopez"], "Tue, 10 Nov 2026 12:00:00 GMT", PORT_TEXT),
            (FIRE, "https://www.example.com/news/2026/11/10/wildfire-evacuations",
             ["Sam Lee"], "Tue, 10 Nov 2026 10:00:00 GMT", FIRE_TEXT)])
SECTION = rss([(FED, "https://www.example.com/business/economy/fed-raises-rates-1234",
                ["By Jane Doe and John Roe"], "Tue, 10 Nov 2026 14:00:00 GMT", FED_TEXT),
               (PORT, "https://www.example.com/business/port-strike-ends-5678",
                ["BY MARIA LOPEZ"], "Tue, 10 Nov 2026 12:00:00 GMT", PORT_TEXT),
               (FIRE, "https://www.example.com/us/wildfire-evacuations-9012",
                ["Sam Lee, Associated Press"], "Tue, 10 Nov 2026 10:00:00 GMT", FIRE_TEXT)])

w = stored(t, srv, {"/news.xml": (NEWS, "application/rss+xml"),
                    "/business.xml": (SECTION, "application/rss+xml")})
for title, how in ((FED, "'Jane Doe' (of two dc:creator) and 'By Jane Doe and John Roe'"),
                   (PORT, "'Maria Lopez' and 'BY MARIA LOPEZ'"),
                   (FIRE, "'Sam Lee' and 'Sam Lee, Associated Press'")):
    t.eq(w.sql("SELECT count(*) FROM stories WHERE title = ?", (title,))[0][0], 1,
         "one article under two links, bylines %s: one story" % how)
    t.eq(w.sql("SELECT count(*) FROM story_feeds sf JOIN stories s ON s.id = sf.story_id"
               " WHERE s.title = ?", (title,))[0][0], 2,
         "both feeds carry it (%s)" % title[:20])
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 3, "three articles, three stories")

srv.stop()
w.cleanup()
t.done()
