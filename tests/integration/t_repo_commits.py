#!/usr/bin/env python3
"""Repositories of one code host are many publishers' items on one host,
as YouTube's channels are (t_channels.py), but one bot commits to all of
them under one name.  A dependency bot's commit of one headline to two
repositories ("chore(deps): update dependency eslint to v9.16.0", author
renovate[bot], GitHub's commits Atom feed) was taken for one article
reached two ways (level 2, the publisher and the headline, docs/dedup.md):
the second repository's commit was stored nowhere, its feed's row pointing
at the first repository's commit.  One article has one id: two items whose
guids are both ids of the site's own scheme (`tag:github.com,2008:...`)
and differ are two stories (a copy, level 3, at most).  One article in a
site's two feeds under two links and one web guid (Medium's author and
publication feeds, `?source=` apart) is still one story, and so is one
article in two Google Alerts: their items are an aggregator's, each alert
with ids of its own and a link through Google's redirector (it was two
stories, the later marked a copy)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, need_programs, stored, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()

BUMP = "chore(deps): update dependency eslint to v9.16.0"


def commits(repo, entries):
    body = "".join("""
<entry><id>tag:github.com,2008:Grit::Commit/%s</id>
<link type="text/html" rel="alternate" href="https://github.com/%s/commit/%s"/>
<title>%s</title><updated>%s</updated>
<media:thumbnail height="30" width="30" url="https://avatars.githubusercontent.com/in/2740?s=30&amp;v=4"/>
<author><name>%s</name><uri>https://github.com/apps/renovate</uri></author>
<content type="html">&lt;pre style=&#39;white-space:pre-wrap;width:81ex&#39;&gt;%s&lt;/pre&gt;</content>
</entry>""" % (sha, repo, sha, title, date, author, title) for sha, title, author, date in entries)
    return """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="en-US">
<id>tag:github.com,2008:/%s/commits/main</id>
<link type="text/html" rel="alternate" href="https://github.com/%s/commits/main"/>
<title>Recent Commits to %s:main</title><updated>2026-11-10T12:00:00Z</updated>%s
</feed>""" % (repo, repo, repo.split("/")[1], body)


def sha(n):
    return "%040x" % (0x5eed0000 + n)


ACME = commits("acme/api", [(sha(1), BUMP, "renovate[bot]", "2026-11-10T10:00:00Z"),
                            (sha(2), "Fix the retry loop when the upstream times out",
                             "jane", "2026-11-10T09:00:00Z")])
WIDGETS = commits("widgets/web", [(sha(3), BUMP, "renovate[bot]", "2026-11-10T10:40:00Z")])
TOOLS = commits("acme/tools", [(sha(4), BUMP, "renovate[bot]", "2026-11-10T11:15:00Z")])

ARTICLE = "https://medium.com/@alice/whales-changed-their-routes-3f2a1b9c8d7e"
TEXT = ("Scientists tracking humpback whales in the northern harbour found that the animals "
        "changed their migration routes after the dredging began, according to a study.")


def medium(title, source):
    return """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>%s</title><link>https://medium.com/@alice?source=%s</link>
<item><title>Whales changed their routes after the harbour dredging</title>
<link>%s?source=%s</link><guid isPermaLink="false">https://medium.com/p/3f2a1b9c8d7e</guid>
<dc:creator>Alice</dc:creator><pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate>
<description>%s</description></item></channel></rss>""" % (title, source, ARTICLE, source, TEXT)


def alert(n, query, title, entry, cd, text):
    """A Google Alert: Google's ids, one each alert, and its redirector's
    links to the article, apart by their cd and usg."""
    return """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
<id>tag:google.com,2005:reader/user/06807031914929345698/state/com.google/alert/%d</id>
<title>Google Alert - %s</title>
<link href="https://www.google.com/alerts/feeds/06807031914929345698/%d" rel="self"></link>
<updated>2026-11-10T10:00:00Z</updated>
<entry><id>tag:google.com,2013:googlealerts/feed:%d</id>
<title type="html">%s</title>
<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://news.example/2026/11/10/harbour-plan&amp;ct=ga&amp;cd=%s&amp;usg=AOvVaw%s"></link>
<published>2026-11-10T09:00:00Z</published><updated>2026-11-10T09:00:00Z</updated>
<content type="html">%s</content><author><name></name></author></entry>
</feed>""" % (n, query, n, entry, title, cd, cd, text)


HARBOUR = ("The regional council approved the new harbour expansion plan on Monday after a "
           "long debate about costs and the environmental impact on the bay.")
ALERTS = {"/alert-harbour.atom": (alert(10427263953423871285, "harbour",
                                        "Council approves new &lt;b&gt;harbour&lt;/b&gt; expansion plan",
                                        1234567890123456789, "CAIyGmE0",
                                        HARBOUR.replace("harbour", "&lt;b&gt;harbour&lt;/b&gt;")),
                                  "application/atom+xml"),
          "/alert-council.atom": (alert(10427263953423871999, "council",
                                        "&lt;b&gt;Council&lt;/b&gt; approves new harbour expansion plan",
                                        9876543210987654321, "CAIyGmX9",
                                        HARBOUR.replace("council", "&lt;b&gt;council&lt;/b&gt;")),
                                  "application/atom+xml")}

w = stored(t, srv, {**ALERTS,
                    "/acme-api.atom": (ACME, "application/atom+xml"),
                    "/widgets-web.atom": (WIDGETS, "application/atom+xml"),
                    "/acme-tools.atom": (TOOLS, "application/atom+xml"),
                    "/alice.xml": (medium("Stories by Alice on Medium", "rss-abc123------2"),
                                   "application/rss+xml"),
                    "/whales.xml": (medium("Whale Science", "rss----98765fedcba---4"),
                                    "application/rss+xml")})
t.eq(sorted(r[0] for r in w.sql("SELECT link FROM stories WHERE title = ?", (BUMP,))),
     ["https://github.com/acme/api/commit/" + sha(1),
      "https://github.com/acme/tools/commit/" + sha(4),
      "https://github.com/widgets/web/commit/" + sha(3)],
     "one bot's commit of one headline to three repositories: three stories, each its own link")
t.eq(sorted(w.sql("SELECT f.url, s.link FROM story_feeds sf JOIN feeds f ON f.id = sf.feed_id"
                  " JOIN stories s ON s.id = sf.story_id WHERE s.title = ?", (BUMP,))),
     sorted([(srv.url("/acme-api.atom"), "https://github.com/acme/api/commit/" + sha(1)),
             (srv.url("/widgets-web.atom"), "https://github.com/widgets/web/commit/" + sha(3)),
             (srv.url("/acme-tools.atom"), "https://github.com/acme/tools/commit/" + sha(4))]),
     "each repository's feed carries its own commit")
t.eq(w.sql("SELECT count(*) FROM stories WHERE title = ? AND duplicate_of IS NOT NULL",
           (BUMP,))[0][0], 2, "the later two are marked copies of the first (level 3, one text)")
t.eq(w.sql("SELECT count(*) FROM stories WHERE link LIKE 'https://medium.com/%'")[0][0], 1,
     "one Medium article in its author's and its publication's feeds: one story")
t.eq(w.sql("SELECT count(*) FROM story_feeds sf JOIN stories s ON s.id = sf.story_id"
           " WHERE s.link LIKE 'https://medium.com/%'")[0][0], 2, "carried by both feeds")
t.eq(w.sql("SELECT count(*), count(duplicate_of) FROM stories WHERE link LIKE"
           " 'https://www.google.com/url?%'"), [(1, 0)],
     "one article in two Google Alerts, under two ids of Google's: one story")
t.eq(w.sql("SELECT count(*) FROM story_feeds sf JOIN stories s ON s.id = sf.story_id"
           " WHERE s.link LIKE 'https://www.google.com/url?%'")[0][0], 2,
     "carried by both alerts")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 6,
     "four commits, an article and an alert's, six stories")

srv.stop()
w.cleanup()
t.done()
