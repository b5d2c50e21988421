#!/usr/bin/env python3
"""A Media RSS <media:description> is the caption of an item's picture or
video, not the item's text.  feedparser reads it as one more
<description> (its issue #53): after the item's own description it
became the content, so that the New York Times' items, which end with
their photo's caption, were stored with the caption as `content`; before
the item's own text it became the summary, the story's text for readers,
search and threads.  It is the summary only of an entry with no text of
its own (a YouTube entry's video description), as before."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, need_programs, stored, parse_json, TIDINGSD, TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour News</title><link>https://harbour.example/</link>
<item><title>Harbour bridge reopens after repairs</title>
<link>https://harbour.example/bridge</link>
<description>The bridge reopened on Monday after two years of repairs.</description>
<pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate>
<media:content height="1800" medium="image" url="https://harbour.example/bridge.jpg" width="1800"/>
<media:credit>Jane Doe for Harbour News</media:credit>
<media:description>Commuters crossed the bridge at dawn.</media:description>
</item>
<item><title>Ferry fares rise for the island routes</title>
<link>https://harbour.example/ferry</link>
<media:content url="https://harbour.example/ferry.jpg" medium="image">
<media:description>A ferry leaves the island pier.</media:description></media:content>
<description>Fares on the island ferries go up by four percent in January.</description>
<pubDate>Tue, 10 Nov 2026 07:00:00 GMT</pubDate>
</item>
<item><title>Council approves the library budget</title>
<link>https://harbour.example/library</link>
<media:thumbnail url="https://harbour.example/library.jpg"/>
<media:description>The old reading room, in 1950.</media:description>
<content:encoded><![CDATA[<p>The library gets a new reading room.</p>]]></content:encoded>
<pubDate>Tue, 10 Nov 2026 06:00:00 GMT</pubDate>
</item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<title>Harbour Video</title><id>urn:harbour:video</id><updated>2026-11-10T08:00:00Z</updated>
<link href="https://video.harbour.example/"/>
<entry><id>urn:harbour:video:1</id><title>Tall ships arrive for the festival</title>
<link rel="alternate" href="https://video.harbour.example/ships"/>
<published>2026-11-10T08:00:00Z</published><updated>2026-11-10T08:00:00Z</updated>
<media:group><media:title>Tall ships arrive for the festival</media:title>
<media:thumbnail url="https://video.harbour.example/ships.jpg"/>
<media:description>Twelve tall ships sailed into the harbour for the weekend festival.</media:description>
</media:group></entry>
</feed>
"""

w = stored(t, srv, {"/feed.xml": (RSS, "application/rss+xml"),
                    "/video.xml": (ATOM, "application/atom+xml")})
rows = {link: (summary, content) for link, summary, content in
        w.sql("SELECT link, summary, content FROM stories")}

t.eq(rows.get("https://harbour.example/bridge"),
     ("The bridge reopened on Monday after two years of repairs.",
      "The bridge reopened on Monday after two years of repairs."),
     "a caption after the description: neither the summary nor the content")
t.eq(rows.get("https://harbour.example/ferry"),
     ("Fares on the island ferries go up by four percent in January.",
      "Fares on the island ferries go up by four percent in January."),
     "a caption before the description: the description is the summary")
t.eq(rows.get("https://harbour.example/library"),
     ("The library gets a new reading room.", "<p>The library gets a new reading room.</p>"),
     "a caption before the content, no description: the content's text is the summary")
t.eq(rows.get("https://video.harbour.example/ships"),
     ("Twelve tall ships sailed into the harbour for the weekend festival.",
      "Twelve tall ships sailed into the harbour for the weekend festival."),
     "an entry with no text but its video's description: that is its summary")

parsed = parse_json(RSS, srv.url("/feed.xml"))
t.eq([(e.get("summary"), [c["value"] for c in e.get("content", [])]) for e in parsed["entries"]],
     [("The bridge reopened on Monday after two years of repairs.", []),
      ("Fares on the island ferries go up by four percent in January.", []),
      ("<p>The library gets a new reading room.</p>", ["<p>The library gets a new reading room.</p>"])],
     "tidings parse --json reads the same")

found = subprocess.run([TIDINGS, "-d", w.db, "search", "pier"], capture_output=True, text=True)
t.eq((found.returncode, found.stdout), (0, ""), "a photo's caption is not the story's text for search")

srv.stop()
w.cleanup()

# An empty description or content is no text of the item's own: the
# caption stays its summary (it was left with none).
srv = Server()
EMPTY = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour Photos</title><link>https://photos.harbour.example/</link>
<item><title>Tall ships at dawn</title><link>https://photos.harbour.example/ships</link>
<media:content url="https://photos.harbour.example/ships.jpg" medium="image">
<media:description>Twelve tall ships moored at the quay.</media:description></media:content>
<description></description><content:encoded><![CDATA[]]></content:encoded>
<pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Fog over the harbour</title><link>https://photos.harbour.example/fog</link>
<description/>
<media:content url="https://photos.harbour.example/fog.jpg" medium="image">
<media:description>The pier in the morning fog.</media:description></media:content>
<pubDate>Tue, 10 Nov 2026 07:00:00 GMT</pubDate></item>
</channel></rss>
"""
w = stored(t, srv, {"/photos.xml": (EMPTY, "application/rss+xml")})
t.eq(dict(w.sql("SELECT link, summary FROM stories")),
     {"https://photos.harbour.example/ships": "Twelve tall ships moored at the quay.",
      "https://photos.harbour.example/fog": "The pier in the morning fog."},
     "an empty description or content before or after the caption: the caption is the summary")

srv.stop()
w.cleanup()
t.done()
