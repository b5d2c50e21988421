#!/usr/bin/env python3
"""A lead-in that heads three or more of a feed's titles ("Ask HN: ",
"Show HN: ", "Episode 12: ") says what kind of item each is, not what
happened: its words are the feed's, not the item's, and thread nothing
together (docs/threads.md, "What joins a thread"), through the real
daemon, over two polls and a restart.

Hacker News's feed: "Show HN: A tiny feed reader in C", "Ask HN: What
are you working on?", "Ask HN: Who is hiring? (December 2026)" and "Ask
HN: How do you back up your photos?" made one thread of four, keywords
"HN, Ask": the only word they share is the capitalised "HN", weighed as
a name.  "Tell HN" and "Launch HN", one item each, shared one by "HN"
too: a word of a lead-in that three of the feed's titles have is the
feed's, whatever lead-in it is in.  The rest of a labelled title is
still the item's: "Show HN: Postgres 18 adds asynchronous I/O" joins a
news site's story of the release."""
import email.utils
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

T0 = 1796083200  # Tue 1 Dec 2026 00:00 UTC

FIRST = ["Show HN: A tiny feed reader in C",
         "Ask HN: What are you working on?",
         "Ask HN: Who is hiring? (December 2026)",
         "Ask HN: How do you back up your photos?",
         "Tell HN: My startup failed after ten years",
         "Launch HN: Acme (YC W26) - Payroll for farms",
         "The physics of soap bubbles"]
LATER = ["Ask HN: What is your favourite text editor?",
         "Show HN: Postgres 18 adds asynchronous I/O"]


def date(minutes):
    return email.utils.formatdate(T0 + minutes * 60, usegmt=True)


def hn(titles):
    items = []
    for i, title in enumerate(titles):
        items.insert(0, {"title": title, "link": "https://site%d.example/p" % i,
                         "guid": "https://news.ycombinator.com/item?id=4200%03d" % i,
                         "text": '&lt;a href="https://news.ycombinator.com/item?id=4200%03d"&gt;'
                                 'Comments&lt;/a&gt;' % i,
                         "date": date(20 * i)})
    return rss_doc("Hacker News", "https://news.ycombinator.com/", items)


t = Tap()
srv = Server()
w = Workdir()
w.write_config([srv.url("/hn.xml"), srv.url("/news.xml")], extra="retention = 0\nconcurrency = 1")
srv.put("/hn.xml", hn(FIRST))
srv.put("/news.xml", rss_doc("News", "https://news.example/", []))
r = w.run_once()
t.eq(r.returncode, 0, "the first run exits 0")
srv.put("/hn.xml", hn(FIRST + LATER))
srv.put("/news.xml", rss_doc("News", "https://news.example/", [
    {"guid": "n-1", "title": "Postgres 18 adds asynchronous I/O",
     "link": "https://news.example/postgres-18",
     "text": "The Postgres 18 release adds asynchronous I/O for sequential scans and vacuum.",
     "date": date(200)}]))
r = w.run_once()
t.eq(r.returncode, 0, "the second run (a restart) exits 0")

rows = w.sql("SELECT s.title, s.thread_id, t.story_count, t.keywords FROM stories s"
             " JOIN threads t ON t.id = s.thread_id WHERE s.host LIKE 'site%'")
t.eq(len(rows), len(FIRST) + len(LATER), "every item stored")
pg = [x for x in rows if x[0].startswith("Show HN: Postgres")]
others = [x for x in rows if not x[0].startswith("Show HN: Postgres")]
shared = sorted(x[0] for x in others if sum(y[1] == x[1] for y in others) > 1)
t.eq(shared, [], "no two of the feed's items share a thread")
kw = sorted({k for x in others for k in (x[3] or "").split(", ")} & {"HN", "Hn", "hn", "Ask", "Show"})
t.eq(kw, [], "the lead-ins' words are no thread's keywords")
news = w.sql("SELECT thread_id FROM stories WHERE host = 'news.example'")
t.eq([pg[0][1]] if pg else None, [x[0] for x in news],
     "the rest of a labelled title is the item's: the release's two stories share a thread")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
