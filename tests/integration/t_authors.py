#!/usr/bin/env python3
"""stories.author as a reader expects it (docs/schema.md: `author`, the
author's name), through the real daemon.

An RSS <author> is an e-mail address with the name beside it
("news@daily.media (Jane Doe)", RSS 2.0's own form): the stored author is
the name, whatever the length of the address's top-level domain.
feedparser's address pattern takes 2 to 4 letters of it, so of
"jane@daily.media" it took "jane@daily.medi" and left "a (Jane Doe" for
the name, which was the author stored (docs/schema.md: `author`, "author
name").

stories.author of an Atom entry that names no author of its own: its
<source>'s author, else its feed's (RFC 4287, 4.2.1: a one-author blog
names its author once, at the top, and every entry is hers), where the
stories had no author at all.  An RSS channel's managingEditor or
dc:creator is not every item's author: RSS items without one stay
without.

stories.author of an item with several authors (Atom's <author>s, a
WordPress co-authored post; RSS's dc:creators) is the first named: the
byline's lead, in Atom as in RSS.  feedparser's author_detail is the last
Atom author but the first dc:creator, so "A and B" was stored as B from an
Atom feed and as A from an RSS one."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, need_programs, stored, parse_json, TIDINGSD, TIDINGS  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()

# ---- an RSS author's e-mail address and name ------------------------------
DOC = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Daily Media</title><link>https://daily.media/</link>
<item><title>Tram line extended to the airport</title>
<link>https://daily.media/tram</link><guid>https://daily.media/tram</guid>
<author>jane@daily.media (Jane Doe)</author>
<description>The new line opens in May.</description></item>
<item><title>Museum reopens its east wing</title>
<link>https://daily.media/museum</link><guid>https://daily.media/museum</guid>
<author>Sam Lee (sam@press.agency)</author>
<description>The wing was closed for two years.</description></item>
<item><title>Harbour fees unchanged</title>
<link>https://daily.media/harbour</link><guid>https://daily.media/harbour</guid>
<author>bob@news.com (Bob Roe)</author>
<description>The port authority kept its fees.</description></item>
<item><title>Library hours extended</title>
<link>https://daily.media/library</link><guid>https://daily.media/library</guid>
<author>Ann Poe &lt;ann.poe@city.london&gt;</author>
<description>Open until nine on weekdays.</description></item>
</channel></rss>
"""
w = stored(t, srv, {"/feed.xml": (DOC, "application/rss+xml")})

authors = dict(w.sql("SELECT link, author FROM stories"))
t.eq(authors.get("https://daily.media/tram"), "Jane Doe",
     "address (name) with a five-letter top-level domain: the name is stored")
t.eq(authors.get("https://daily.media/museum"), "Sam Lee",
     "name (address) with a six-letter top-level domain: the name is stored")
t.eq(authors.get("https://daily.media/harbour"), "Bob Roe",
     "address (name) with a three-letter top-level domain: the name is stored")
t.eq(authors.get("https://daily.media/library"), "Ann Poe",
     "name <address> with a six-letter top-level domain: the name is stored")

parsed = parse_json(DOC, srv.url("/feed.xml"))
t.eq([e.get("author_detail") for e in parsed["entries"]],
     [{"name": "Jane Doe", "email": "jane@daily.media"},
      {"name": "Sam Lee", "email": "sam@press.agency"},
      {"name": "Bob Roe", "email": "bob@news.com"},
      {"name": "Ann Poe", "email": "ann.poe@city.london"}],
     "tidings parse --json splits the whole address from the name")
w.cleanup()


# ---- an Atom entry without an author: its source's, else its feed's ---------
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Notes from the harbour</title><id>urn:notes</id><updated>2026-11-10T08:00:00Z</updated>
<link href="https://notes.example/"/>
<author><name>Jane Doe</name><uri>https://notes.example/about</uri></author>
<entry><title>Night swim in November</title><id>urn:notes:swim</id>
<updated>2026-11-10T08:00:00Z</updated><link href="https://notes.example/swim"/>
<summary>The water was nine degrees.</summary></entry>
<entry><title>A guest on the ferry timetable</title><id>urn:notes:ferry</id>
<updated>2026-11-09T08:00:00Z</updated><link href="https://notes.example/ferry"/>
<author><name>Sam Lee</name></author>
<summary>Sam looks at the new winter timetable.</summary></entry>
<entry><title>Reposted: the lighthouse keeper</title><id>urn:notes:lighthouse</id>
<updated>2026-11-08T08:00:00Z</updated><link href="https://notes.example/lighthouse"/>
<source><id>urn:coast</id><title>Coast Weekly</title><author><name>Ann Poe</name></author></source>
<summary>An interview from Coast Weekly.</summary></entry>
</feed>
"""
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Harbour News</title><link>https://harbour.example/</link>
<managingEditor>desk@harbour.example (News Desk)</managingEditor>
<item><title>Bridge works resume</title><link>https://harbour.example/bridge</link>
<description>Crews returned to the bridge.</description></item>
</channel></rss>
"""
w = stored(t, srv, {"/notes.atom": (ATOM, "application/atom+xml"),
                    "/news.xml": (RSS, "application/rss+xml")})

got = dict(w.sql("SELECT link, author FROM stories"))
t.eq(got.get("https://notes.example/swim"), "Jane Doe",
     "an Atom entry without an author has its feed's")
t.eq(got.get("https://notes.example/ferry"), "Sam Lee", "an entry's own author stands")
t.eq(got.get("https://notes.example/lighthouse"), "Ann Poe",
     "an entry without an author of its own has its <source>'s")
t.eq(got.get("https://harbour.example/bridge"), None,
     "an RSS item does not take its channel's managingEditor")
w.cleanup()


# ---- several authors: the first named ---------------------------------------
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Harbour Review</title><id>urn:review</id><updated>2026-11-10T08:00:00Z</updated>
<entry><title>The ferry timetable, line by line</title><id>urn:review:ferry</id>
<updated>2026-11-10T08:00:00Z</updated><link href="https://review.example/ferry"/>
<author><name>Ann Poe</name><uri>https://review.example/ann</uri></author>
<author><name>Sam Lee</name></author>
<summary>Two reporters rode every crossing.</summary></entry>
<entry><title>Who pays for the bridge</title><id>urn:review:bridge</id>
<updated>2026-11-09T08:00:00Z</updated><link href="https://review.example/bridge"/>
<author><email>desk@review.example</email></author>
<author><name>Jane Doe</name></author>
<summary>The council's figures, checked.</summary></entry>
</feed>
"""
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Harbour News</title><link>https://harbour.example/</link>
<item><title>The ferry timetable, line by line</title><link>https://harbour.example/ferry</link>
<dc:creator>Ann Poe</dc:creator><dc:creator>Sam Lee</dc:creator>
<description>Two reporters rode every crossing.</description></item>
</channel></rss>
"""
w = stored(t, srv, {"/review.atom": (ATOM, "application/atom+xml"),
                    "/harbour.xml": (RSS, "application/rss+xml")})

got = dict(w.sql("SELECT link, author FROM stories"))
t.eq(got.get("https://review.example/ferry"), "Ann Poe", "of two Atom authors, the first")
t.eq(got.get("https://harbour.example/ferry"), "Ann Poe", "of two dc:creators, the first")
t.eq(got.get("https://review.example/bridge"), "Jane Doe",
     "the first author that has a name, not an address alone")
w.cleanup()

srv.stop()
t.done()
