#!/usr/bin/env python3
"""A podcast names each episode's artwork with <itunes:image href> in the
item, and its enclosure is the audio: stories.image was NULL for every
episode.  It is the episode's picture when the item names none of the
kinds news feeds use (a Media RSS thumbnail stays first), resolved as
the others are; an episode without one has none (the channel's
itunes:image is the show's logo, not the episode's)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, stored  # noqa: E402

t = Tap()
srv = Server()

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>Harbour Talk</title><link>https://talk.harbour.example/</link>
<itunes:image href="https://talk.harbour.example/show.jpg"/>
<item><title>Episode 4: the bridge</title><guid isPermaLink="false">ep4</guid>
<description>The engineers of the harbour bridge.</description>
<enclosure url="https://cdn.harbour.example/ep4.mp3" length="1000" type="audio/mpeg"/>
<itunes:image href="https://assets.harbour.example/ep4.jpg"/></item>
<item><title>Episode 3: the ferries</title><guid isPermaLink="false">ep3</guid>
<description>Fares on the island ferries.</description>
<enclosure url="https://cdn.harbour.example/ep3.mp3" length="1000" type="audio/mpeg"/>
<itunes:image href="/art/ep3.png"/></item>
<item><title>Episode 2: the library</title><guid isPermaLink="false">ep2</guid>
<description>The library gets a new reading room.</description>
<enclosure url="https://cdn.harbour.example/ep2.mp3" length="1000" type="audio/mpeg"/>
<media:thumbnail url="https://assets.harbour.example/ep2-thumb.jpg"/>
<itunes:image href="https://assets.harbour.example/ep2.jpg"/></item>
<item><title>Episode 1: the market</title><guid isPermaLink="false">ep1</guid>
<description>The market moves to the quay.</description>
<enclosure url="https://cdn.harbour.example/ep1.mp3" length="1000" type="audio/mpeg"/></item>
</channel></rss>
"""

w = stored(t, srv, {"/podcast.xml": (RSS, "application/rss+xml")})
t.eq(w.sql("SELECT guid, image FROM stories ORDER BY guid"), [
    ("ep1", None),
    ("ep2", "https://assets.harbour.example/ep2-thumb.jpg"),
    ("ep3", srv.url("/art/ep3.png")),
    ("ep4", "https://assets.harbour.example/ep4.jpg")],
    "an episode's itunes:image is its picture (a thumbnail first; none: none, not the show's)")

srv.stop()
w.cleanup()
t.done()
