#!/usr/bin/env python3
"""What the real daemon stores of an item is what the parser reads of it
(`tidings parse --json`): the headline is the item's own <title>, not the
one of a picture nested in it, and a summary with no text in it (empty,
or only a picture) beside the full text leaves the story the content's
text, which search finds (docs/schema.md: "plain-text summary (or the
content's text)")."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, need_programs, stored, parse_json, TIDINGSD, TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()

DOC = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour News</title><link>https://harbour.example/</link>
<item><title>Harbour bridge reopens after repairs</title>
<link>https://harbour.example/bridge</link><guid>https://harbour.example/bridge</guid>
<pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate>
<description>The bridge reopened on Monday.</description>
<image><url>https://harbour.example/bridge.jpg</url><title>Photo: the bridge at dawn</title></image>
</item>
<item><title>Ferry fares rise for the island routes</title>
<link>https://harbour.example/ferry</link><guid>https://harbour.example/ferry</guid>
<pubDate>Tue, 10 Nov 2026 07:00:00 GMT</pubDate>
<description><![CDATA[<img src="https://harbour.example/ferry.jpg" />]]></description>
<content:encoded><![CDATA[<p>Fares on the island <b>ferries</b> go up by four percent from January.</p>]]></content:encoded>
</item>
<item><title>Council approves the library budget</title>
<link>https://harbour.example/library</link><guid>https://harbour.example/library</guid>
<pubDate>Tue, 10 Nov 2026 06:00:00 GMT</pubDate>
<description></description>
<content:encoded><![CDATA[<p>The library gets a new reading room.</p>]]></content:encoded>
</item>
</channel></rss>
"""
w = stored(t, srv, {"/feed.xml": (DOC, "application/rss+xml")})

rows = dict(w.sql("SELECT link, title FROM stories"))
t.eq(rows.get("https://harbour.example/bridge"), "Harbour bridge reopens after repairs",
     "the item's own title is stored, not its picture's <image><title>")
parsed = parse_json(DOC, srv.url("/feed.xml"))
t.eq(sorted(rows.values()), sorted(e["title"] for e in parsed["entries"]),
     "every stored title is the one tidings parse --json reads")

summ = dict(w.sql("SELECT link, summary FROM stories"))
t.eq(summ.get("https://harbour.example/ferry"),
     "Fares on the island ferries go up by four percent from January.",
     "a description that is only a picture: the summary is the content's text")
t.eq(summ.get("https://harbour.example/library"), "The library gets a new reading room.",
     "an empty description: the summary is the content's text")
t.eq(summ.get("https://harbour.example/bridge"), "The bridge reopened on Monday.",
     "a description with text is the summary")
t.eq(w.sql("SELECT content FROM stories WHERE link = 'https://harbour.example/ferry'"),
     [('<p>Fares on the island <b>ferries</b> go up by four percent from January.</p>',)],
     "the content column keeps the content's HTML")
found = subprocess.run([TIDINGS, "-d", w.db, "search", "ferries"], capture_output=True, text=True)
t.ok("Ferry fares rise" in found.stdout, "tidings search finds the story by its text", found.stdout + found.stderr)

srv.stop()
w.cleanup()

# An empty content is no body: the summary's HTML is the story's content
# (docs/schema.md: "sanitised HTML of the content (or summary)").  An
# Atom entry whose content is out of line (<content src>, RFC 4287
# 4.1.3.2) must carry a summary; generators also write an empty
# <content:encoded/> or <content/> beside the description.  Such a story
# was stored with no content at all.
srv = Server()
EMPTY_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour News</title><link>https://harbour.example/</link>
<item><title>Harbour bridge reopens after repairs</title>
<link>https://harbour.example/bridge</link>
<pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate>
<description><![CDATA[<p>The <a href="https://harbour.example/bridge/map">bridge</a> reopened on Monday.</p>]]></description>
<content:encoded><![CDATA[]]></content:encoded>
</item>
<item><title>Ferry fares rise for the island routes</title>
<link>https://harbour.example/ferry</link>
<pubDate>Tue, 10 Nov 2026 07:00:00 GMT</pubDate>
<content:encoded>
</content:encoded>
<description>Fares go up by four percent from January.</description>
</item>
</channel></rss>
"""
EMPTY_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Harbour Radio</title><id>urn:harbour:radio</id><updated>2026-11-10T08:00:00Z</updated>
<link href="https://radio.harbour.example/"/>
<entry><id>urn:harbour:radio:12</id><title>The harbour hour, episode 12</title>
<link href="https://radio.harbour.example/12"/><updated>2026-11-10T08:00:00Z</updated>
<summary type="html">&lt;p&gt;The engineers of the &lt;b&gt;bridge&lt;/b&gt;.&lt;/p&gt;</summary>
<content type="audio/mpeg" src="https://radio.harbour.example/12.mp3"/>
</entry>
</feed>
"""
w = stored(t, srv, {"/empty.xml": (EMPTY_RSS, "application/rss+xml"),
                    "/radio.xml": (EMPTY_ATOM, "application/atom+xml")})
rows = {link: (summary, content) for link, summary, content in
        w.sql("SELECT link, summary, content FROM stories")}
t.eq(rows.get("https://harbour.example/bridge"),
     ("The bridge reopened on Monday.",
      '<p>The <a href="https://harbour.example/bridge/map">bridge</a> reopened on Monday.</p>'),
     "an empty content:encoded beside the description: the content is the description's HTML")
t.eq(rows.get("https://harbour.example/ferry"),
     ("Fares go up by four percent from January.", "Fares go up by four percent from January."),
     "a blank content:encoded before the description: the content is the description")
t.eq(rows.get("https://radio.harbour.example/12"),
     ("The engineers of the bridge.", "<p>The engineers of the <b>bridge</b>.</p>"),
     "an Atom content out of line (src): the content is the summary's HTML")

srv.stop()
w.cleanup()
t.done()
