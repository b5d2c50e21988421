#!/usr/bin/env python3
"""A podcast item's <itunes:summary> is its show notes written again for
Apple's directory, usually as a few lines of plain text.  feedparser
reads it as one more <summary>: after the item's description it became
the first `content`, so that an episode of description, itunes:summary
and content:encoded (Megaphone's order) was stored with the plain
itunes:summary as its `content` and the show notes of content:encoded,
with their links, were lost; one of description and itunes:summary only
(Anchor's) had the itunes:summary as `content` instead of the
description's HTML; and one with the itunes:summary last had it as its
`summary`.  Like a media:description, it is the summary only of an item
with no text of its own (docs/schema.md, `summary`)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, need_programs, stored, parse_json, TIDINGSD, TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()

NOTES = ('<p>We talk to the engineers who rebuilt the '
         '<a href="https://harbour.example/bridge">harbour bridge</a>.</p>')
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour Talk</title><link>https://talk.harbour.example/</link>
<item><title>Episode 12: the bridge</title><guid isPermaLink="false">ep12</guid>
<description>The engineers of the harbour bridge.</description>
<pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate>
<itunes:summary>The engineers of the bridge, and music by Jo.</itunes:summary>
<content:encoded><![CDATA[%(notes)s]]></content:encoded>
<enclosure url="https://cdn.harbour.example/ep12.mp3" length="1000" type="audio/mpeg"/>
</item>
<item><title>Episode 11: the ferries</title><guid isPermaLink="false">ep11</guid>
<description><![CDATA[<p>Fares on the <a href="https://harbour.example/ferry">island ferries</a>.</p>]]></description>
<pubDate>Tue, 03 Nov 2026 08:00:00 GMT</pubDate>
<itunes:summary>Fares on the island ferries.</itunes:summary>
</item>
<item><title>Episode 10: the library</title><guid isPermaLink="false">ep10</guid>
<itunes:summary>A short note on the library.</itunes:summary>
<description>The library gets a new reading room.</description>
<pubDate>Tue, 27 Oct 2026 08:00:00 GMT</pubDate>
</item>
<item><title>Episode 9: the market</title><guid isPermaLink="false">ep9</guid>
<description>The market moves to the quay.</description>
<content:encoded><![CDATA[<p>The market moves to the <b>quay</b>.</p>]]></content:encoded>
<itunes:summary>Market notes.</itunes:summary>
<pubDate>Tue, 20 Oct 2026 08:00:00 GMT</pubDate>
</item>
<item><title>Episode 8: the lighthouse</title><guid isPermaLink="false">ep8</guid>
<itunes:summary>The lighthouse keeper retires.</itunes:summary>
<pubDate>Tue, 13 Oct 2026 08:00:00 GMT</pubDate>
</item>
<item><title>Episode 7: the regatta</title><guid isPermaLink="false">ep7</guid>
<itunes:summary>Forty boats race round the island.</itunes:summary>
<description></description>
<pubDate>Tue, 06 Oct 2026 08:00:00 GMT</pubDate>
</item>
<item><title>Episode 6: the tides</title><guid isPermaLink="false">ep6</guid>
<content:encoded><![CDATA[<p>Why the <i>spring tides</i> are higher.</p>]]></content:encoded>
<itunes:summary>Spring tides, explained.</itunes:summary>
<pubDate>Tue, 29 Sep 2026 08:00:00 GMT</pubDate>
</item>
</channel></rss>
""" % {"notes": NOTES}

w = stored(t, srv, {"/podcast.xml": (RSS, "application/rss+xml")})
rows = {guid: (summary, content) for guid, summary, content in
        w.sql("SELECT guid, summary, content FROM stories")}

t.eq(rows.get("ep12"), ("The engineers of the harbour bridge.", NOTES),
     "description, itunes:summary, content:encoded: the content is content:encoded")
t.eq(rows.get("ep11"),
     ("Fares on the island ferries.",
      '<p>Fares on the <a href="https://harbour.example/ferry">island ferries</a>.</p>'),
     "description, then itunes:summary: the content is the description's HTML")
t.eq(rows.get("ep10"), ("The library gets a new reading room.",
                        "The library gets a new reading room."),
     "itunes:summary, then description: the description is the summary")
t.eq(rows.get("ep9"), ("The market moves to the quay.",
                       "<p>The market moves to the <b>quay</b>.</p>"),
     "itunes:summary after description and content: the description stays the summary")
t.eq(rows.get("ep8"), ("The lighthouse keeper retires.", "The lighthouse keeper retires."),
     "an item with no text but its itunes:summary: that is its summary")
t.eq(rows.get("ep7"), ("Forty boats race round the island.", "Forty boats race round the island."),
     "an empty description after the itunes:summary does not take its place")
t.eq(rows.get("ep6"), ("Spring tides, explained.", "<p>Why the <i>spring tides</i> are higher.</p>"),
     "content:encoded, then itunes:summary: the content stays the content, the itunes:summary is the summary")

parsed = parse_json(RSS, srv.url("/podcast.xml"))
t.eq([(e.get("summary"), [c["value"] for c in e.get("content", [])]) for e in parsed["entries"]],
     [("The engineers of the harbour bridge.", [NOTES]),
      ('<p>Fares on the <a href="https://harbour.example/ferry">island ferries</a>.</p>', []),
      ("The library gets a new reading room.", []),
      ("The market moves to the quay.", ["<p>The market moves to the <b>quay</b>.</p>"]),
      ("The lighthouse keeper retires.", []),
      ("Forty boats race round the island.", []),
      ("Spring tides, explained.", ["<p>Why the <i>spring tides</i> are higher.</p>"])],
     "tidings parse --json reads the same")

srv.stop()
w.cleanup()
t.done()
