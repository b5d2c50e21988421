#!/usr/bin/env python3
"""A text a feed puts on every item is the feed's, not the items' (level 3,
docs/dedup.md): a podcast's description repeated on each episode, a
newspaper's "Click here to read the full story".  Before, every such item
was taken for a copy of the first one stored (duplicate_of set) and placed
in its thread, different stories as they are.  The same text from
different publishers in one document (a planet carrying two outlets' wire
copies) is still a copy, and so is one article listed twice under one
headline: its text is its own, and another outlet's copy of it under
another headline is a copy too (the article's fingerprint was its
headline's, and such copies were missed).  A show's episodes under its
name, dated apart, are no such article."""
import html
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

BLURB = ("Listen to the full episode of the Harbour Report podcast from the Coastal "
         "Daily newsroom, with interviews and analysis every weekday morning.")
CLICK = "Click here to read the full story on our website and subscribe for unlimited access."
WIRE = ("Firefighters battled a wind-driven wildfire that forced thousands of residents "
        "to flee homes in the hills east of the city on Tuesday, officials said, as gusts "
        "of up to 60 mph pushed flames across dry brush and into several neighborhoods.")


def ep(n, title, day):
    return {"guid": "ep-%d" % n, "title": title, "link": "https://coastal.example/pod/%d" % n,
            "text": BLURB, "date": "%s Nov 2026 08:00:00 GMT" % day}


t = Tap()
srv = Server()
pod = [ep(1, "Ferry strike ends after union accepts pay offer", "Mon, 09"),
       ep(2, "Lighthouse restoration finished ahead of winter storms", "Tue, 10")]
paper = [
    {"guid": "n-1", "title": "Council approves harbour dredging contract",
     "link": "https://paper.example/news/dredging", "text": CLICK},
    {"guid": "n-2", "title": "Regional hospital opens new cancer wing",
     "link": "https://paper.example/news/hospital", "text": CLICK},
    {"guid": "n-3", "title": "Wildfire forces thousands to flee homes",
     "link": "https://paper.example/news/wildfire", "text": WIRE},
    {"guid": "n-4", "title": "Wildfire forces thousands to flee homes",
     "link": "https://paper.example/news/wildfire-2", "text": WIRE},
]
# A planet: one document, items of two publishers, the same wire text.
planet = [
    {"guid": "pl-1", "title": "Storm cuts power to thousands",
     "link": "https://one.example/storm", "text": WIRE.replace("wildfire", "grass fire")},
    {"guid": "pl-2", "title": "Thousands lose power in storm",
     "link": "https://two.example/storm", "text": WIRE.replace("wildfire", "grass fire"),
     "date": "Tue, 10 Nov 2026 09:00:00 GMT"},
]
srv.put("/pod.xml", rss_doc("Pod", "https://coastal.example/", pod))
srv.put("/paper.xml", rss_doc("Paper", "https://paper.example/", paper))
srv.put("/planet.xml", rss_doc("Planet", "https://planet.example/", planet))
w = Workdir()
w.write_config([srv.url("/pod.xml"), srv.url("/paper.xml"), srv.url("/planet.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))


def row(link):
    got = w.sql("SELECT id, duplicate_of, thread_id FROM stories WHERE link = ?", (link,))
    return got[0] if got else (None, None, None)


e1, e2 = row("https://coastal.example/pod/1"), row("https://coastal.example/pod/2")
t.eq((e1[1], e2[1]), (None, None), "two episodes with the podcast's description are no copies")
t.ok(e1[2] is not None and e2[2] is not None and e1[2] != e2[2],
     "and are not in one thread", (e1, e2))
d, h = row("https://paper.example/news/dredging"), row("https://paper.example/news/hospital")
t.eq((d[1], h[1]), (None, None), "two articles with the feed's \"click here\" text are no copies")
a, b = row("https://paper.example/news/wildfire"), row("https://paper.example/news/wildfire-2")
t.ok(a[0] is not None and b[0] is not None and (b[1] == a[0] or a[1] == b[0]),
     "one article listed twice under one headline is still a copy", (a, b))
p1, p2 = row("https://one.example/storm"), row("https://two.example/storm")
t.ok(p1[0] is not None and p2[1] == p1[0] and p2[2] == p1[2],
     "two publishers' wire copies in one document are still copies, in one thread", (p1, p2))

# The next episode, in a document that still has the others; and another
# publisher's copy of the paper's wire story, under a headline of its own.
pod.insert(0, ep(3, "Fishing quotas cut as cod stocks fall again", "Wed, 11"))
srv.put("/pod.xml", rss_doc("Pod", "https://coastal.example/", pod))
srv.put("/wire.xml", rss_doc("Wire", "https://wire.example/", [
    {"guid": "w-1", "title": "Evacuations ordered as blaze spreads in eastern hills",
     "link": "https://wire.example/x/1", "text": WIRE, "date": "Tue, 10 Nov 2026 09:00:00 GMT"}]))
w.write_config([srv.url("/pod.xml"), srv.url("/paper.xml"), srv.url("/planet.xml"),
                srv.url("/wire.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "second run exits 0")
e3 = row("https://coastal.example/pod/3")
t.eq(e3[1], None, "the next episode is no copy either")
t.ok(e3[2] is not None and e3[2] not in (e1[2], e2[2]), "and has a thread of its own", (e1, e2, e3))
# The article the paper listed twice keeps its text's fingerprint (its text
# is its own, not the feed's): a copy under another headline is found.
orig = a[0] if a[1] is None else b[0]
c = row("https://wire.example/x/1")
t.ok(c[0] is not None and c[1] == orig and c[2] == a[2],
     "an article listed twice keeps its text: another outlet's copy of it is a copy",
     (a, b, c))
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

# A show's episodes under its name, with its blurb, dated apart, are not
# one article listed twice: each is a story, none a copy of another (kept
# by their text, five of the six hourly newscasts were copies of the first).
NEWS = ("The latest news from the region: politics, business, sport and the "
        "weather, every hour on the hour. Listen to the whole bulletin in our app.")
show = [{"guid": "nb-%d" % h, "title": "News bulletin",
         "link": "https://radio.example/audio/%d" % h, "text": NEWS,
         "date": "Tue, 10 Nov 2026 %02d:00:00 GMT" % h} for h in range(6, 12)]
srv.put("/show.xml", rss_doc("Radio", "https://radio.example/", show))
# The same in Atom, dated by <updated> alone.
srv.put("/show.atom", '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>TV</title><id>urn:tv</id>'
        '<updated>2026-11-10T12:00:00Z</updated>' + "".join(
            '<entry><id>urn:tv:%d</id><title>Evening news</title>'
            '<link href="https://tv.example/watch/%d"/><updated>2026-11-%02dT19:00:00Z</updated>'
            '<summary>%s</summary></entry>' % (d, d, d, NEWS.replace("hour", "evening"))
            for d in range(4, 10)) + '</feed>')
w2 = Workdir()
w2.write_config([srv.url("/show.xml"), srv.url("/show.atom")])
r = w2.run_once()
t.eq(r.returncode, 0, "the shows' feeds are read")
t.eq(w2.sql("SELECT feed_id, count(*), count(duplicate_of) FROM stories GROUP BY feed_id"),
     [(1, 6, 0), (2, 6, 0)],
     "six hourly bulletins, six evening news (dated by <updated>): six stories each, no copies")

# A site's template that no one document shows twice: Reddit gives every
# post "submitted by /u/name [link] [comments]", and a poster's posts in
# two subreddits are in two feeds.  One publisher's two posts under two
# headlines with that text are no copies (level 3 is the same text from
# different publishers): a bot's post on a wildfire was marked a copy of
# its post on interest rates and put in that thread.
def reddit_entry(pid, sub, title, user, target, date):
    post = "https://www.reddit.com/r/%s/comments/%s/x/" % (sub, pid)
    body = ('<table> <tr><td> &#32; submitted by &#32; <a href="https://www.reddit.com/user/%s">'
            ' /u/%s </a> <br/> <span><a href="%s">[link]</a></span> &#32; <span><a href="%s">'
            '[comments]</a></span> </td></tr></table>' % (user, user, target, post))
    return ('<entry><author><name>/u/%s</name></author><content type="html">%s</content>'
            '<id>t3_%s</id><link href="%s"/><updated>%s</updated><published>%s</published>'
            '<title>%s</title></entry>' % (user, html.escape(body), pid, post, date, date, title))


def subreddit(sub, entries):
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            '<id>/r/%s/.rss</id><link rel="alternate" href="https://www.reddit.com/r/%s/"/>'
            '<updated>2026-11-10T12:00:00+00:00</updated><title>%s</title>%s</feed>'
            % (sub, sub, sub, "".join(entries)))


srv.put("/worldnews.atom", subreddit("worldnews", [reddit_entry(
    "1aaa", "worldnews", "Fed raises interest rates by a quarter point as inflation cools",
    "Saltedline", "https://www.reuters.com/markets/fed-raises", "2026-11-10T08:00:00+00:00")]))
srv.put("/news.atom", subreddit("news", [reddit_entry(
    "1bbb", "news", "Wildfire forces evacuation of thousands near Kelowna lakeside homes",
    "Saltedline", "https://okanagan.example/fire", "2026-11-10T09:00:00+00:00")]))
w3 = Workdir()
w3.write_config([srv.url("/worldnews.atom"), srv.url("/news.atom")], extra="concurrency = 1")
r = w3.run_once()
t.eq(r.returncode, 0, "the subreddits' feeds are read")
rows = w3.sql("SELECT host, duplicate_of, thread_id FROM stories ORDER BY id")
t.eq([(h, d) for h, d, _ in rows], [("reddit.com", None), ("reddit.com", None)],
     "one poster's posts in two subreddits, under two headlines: two stories, no copy")
t.ok(len(rows) == 2 and rows[0][2] != rows[1][2], "in two threads", rows)
w3.cleanup()

srv.stop()
w.cleanup()
w2.cleanup()
t.done()
