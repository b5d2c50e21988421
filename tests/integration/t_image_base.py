#!/usr/bin/env python3
"""stories.image when the feed names its picture by a relative address
("/img/a.jpg", "//cdn.example/a.jpg", "b.jpg" under an xml:base): it is
resolved as the item's link and the pictures in its content are (against
the xml:base in scope, else the feed's own URL without its password), so
the column holds the picture the feed names, not NULL (docs/schema.md:
`image`, "NULL when the feed names none").  Blanks around the address are
not part of it; a data: picture is still no web address.  An item of a
link and a picture only (a photo feed's: no title, no description) has
no text whose xml:base could serve: its picture is resolved against the
feed's URL all the same (it was left unresolved, and so NULL)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>Harbour News</title><link>https://harbour.example/</link>
<item><title>Bridge works resume</title><link>https://harbour.example/bridge</link>
<guid>https://harbour.example/bridge</guid>
<media:thumbnail url="/img/bridge.jpg" width="240" height="160"/>
<description>Crews returned to the bridge.</description></item>
<item><title>Ferry fares rise</title><link>https://harbour.example/ferry</link>
<guid>https://harbour.example/ferry</guid>
<media:content url="//cdn.harbour.example/ferry.jpg" medium="image"/>
<description>Fares go up by four percent.</description></item>
<item><title>Library budget approved</title><link>https://harbour.example/library</link>
<guid>https://harbour.example/library</guid>
<enclosure url="pics/library.png" type="image/png" length="1"/>
<description>A new reading room.</description></item>
<item><title>Tram timetable changes</title><link>https://harbour.example/tram</link>
<guid>https://harbour.example/tram</guid>
<media:thumbnail url="
  https://img.harbour.example/tram.jpg
"/>
<description>Trams run every six minutes.</description></item>
<item><title>Market moves indoors</title><link>https://harbour.example/market</link>
<guid>https://harbour.example/market</guid>
<media:thumbnail url="data:image/gif;base64,R0lGODlhAQABAAAAACw="/>
<description>The winter market opens.</description></item>
<item><link>https://harbour.example/pier</link><guid>https://harbour.example/pier</guid>
<media:content url="/photos/pier.jpg" medium="image"/></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"
      xml:base="https://blog.example/2026/">
<title>Blog</title><id>urn:blog</id><updated>2026-11-10T08:00:00Z</updated>
<entry xml:base="nov/"><title>Night swim</title><id>urn:blog:swim</id>
<updated>2026-11-10T08:00:00Z</updated><link href="swim"/>
<media:thumbnail url="swim.jpg"/><summary>Cold water.</summary></entry>
</feed>
"""
srv.put("/news/feed.xml", RSS, "application/rss+xml")
srv.put("/blog.atom", ATOM, "application/atom+xml")
w = Workdir()
w.write_config([srv.url("/news/feed.xml").replace("://", "://reader:s3cret@"), srv.url("/blog.atom")])
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")

got = dict(w.sql("SELECT link, image FROM stories"))
t.eq(got.get("https://harbour.example/bridge"), srv.url("/img/bridge.jpg"),
     "a thumbnail by its path is resolved against the feed's URL, without its password")
t.eq(got.get("https://harbour.example/ferry"), "http://cdn.harbour.example/ferry.jpg",
     "a scheme-relative media:content takes the feed's scheme")
t.eq(got.get("https://harbour.example/library"), srv.url("/news/pics/library.png"),
     "a relative image enclosure is resolved")
t.eq(got.get("https://harbour.example/tram"), "https://img.harbour.example/tram.jpg",
     "the blanks around an address are not part of it")
t.eq(got.get("https://harbour.example/market"), None, "a data: picture is no web address: NULL")
t.eq(got.get("https://harbour.example/pier"), srv.url("/photos/pier.jpg"),
     "an item without title or description: its picture against the feed's URL")
t.eq(got.get("https://blog.example/2026/nov/swim"), "https://blog.example/2026/nov/swim.jpg",
     "in Atom, against the xml:base in scope, as the entry's link")
t.eq(w.sql("SELECT count(*) FROM stories WHERE image LIKE '%s3cret%' OR link LIKE '%s3cret%'"),
     [(0,)], "no stored address holds the feed's password")

srv.stop()
w.cleanup()
t.done()
