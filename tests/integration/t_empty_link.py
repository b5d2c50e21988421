#!/usr/bin/env python3
"""An RSS item's empty <link></link> (a feed template whose link field was
not filled) is no link: the item's permalink guid is its link, as it is
when the item has no <link> at all.  feedparser keeps the empty link, so
that such a story was stored with no `link` (nothing for a reader to
open, no canonical URL to find it in other feeds), whether the empty
<link> came before the guid or after it.  A guid with isPermaLink="false"
is no link."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, need_programs, stored, parse_json, TIDINGSD, TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Harbour Notices</title><link>https://notices.example/</link>
<item><title>Harbour bridge reopens after repairs</title><link></link>
<guid>https://harbour.example/notices/bridge</guid>
<pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Ferry fares rise for the island routes</title>
<guid isPermaLink="true">https://harbour.example/notices/ferry</guid><link/>
<pubDate>Tue, 10 Nov 2026 07:00:00 GMT</pubDate></item>
<item><title>Council approves the library budget</title><link>
</link><guid isPermaLink="false">notice-1003</guid>
<pubDate>Tue, 10 Nov 2026 06:00:00 GMT</pubDate></item>
<item><title>Market moves to the quay</title>
<guid>https://harbour.example/notices/market</guid>
<pubDate>Tue, 10 Nov 2026 05:00:00 GMT</pubDate></item>
</channel></rss>
"""

w = stored(t, srv, {"/notices.xml": (RSS, "application/rss+xml")})
rows = dict(w.sql("SELECT guid, link FROM stories"))
t.eq(rows.get("https://harbour.example/notices/bridge"), "https://harbour.example/notices/bridge",
     "an empty <link> before a permalink guid: the guid is the link")
t.eq(rows.get("https://harbour.example/notices/ferry"), "https://harbour.example/notices/ferry",
     "an empty <link/> after a permalink guid: the guid is the link")
t.eq(rows.get("notice-1003"), None, "a guid that is no permalink is no link")
t.eq(rows.get("https://harbour.example/notices/market"), "https://harbour.example/notices/market",
     "no <link> at all: the permalink guid is the link, as before")
t.eq(w.sql("SELECT host FROM stories WHERE guid = 'https://harbour.example/notices/bridge'"),
     [("harbour.example",)], "the story's host is its link's")

parsed = parse_json(RSS, srv.url("/notices.xml"))
t.eq([e.get("link") for e in parsed["entries"]],
     ["", "", "", "https://harbour.example/notices/market"],
     "tidings parse --json keeps feedparser's empty links")

srv.stop()
w.cleanup()
t.done()
