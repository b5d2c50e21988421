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
t.done()
