#!/usr/bin/env python3
"""A feed's lead-in ("Show HN: ", docs/threads.md, "What joins a thread")
is the feed's label after a restart too: the replay reads each feed's
stories in the window as the feed's document, so a labelled story
restored into its thread neither titles it while a member has a whole
headline nor gives it the lead-in's words as keywords, through the real
daemon.

Hacker News's "Show HN: Postgres 18 adds asynchronous I/O", threaded
with two news sites' stories of the release, made a thread titled by a
news site's whole headline, without "Show" or "HN" among its keywords.
After a restart the replay, which does not see the feed's document,
restored the story with its lead-in as its words and as a whole
headline: the next story to join retitled the thread "Show HN: Postgres
18 adds asynchronous I/O", keywords "Postgres, asynchronous, adds, Show,
skip"."""
import email.utils
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

T0 = 1796083200  # Tue 1 Dec 2026 00:00 UTC
HN = ["Ask HN: What are you working on?", "Ask HN: Who is hiring? (December 2026)",
      "Ask HN: How do you back up your photos?", "Show HN: Postgres 18 adds asynchronous I/O"]
NEWS = [("news", "Postgres 18 adds asynchronous I/O and a faster vacuum",
         "The release adds asynchronous I/O for sequential scans, and vacuum runs faster on large tables."),
        ("more", "Postgres 18 is out with asynchronous I/O and skip scans",
         "Postgres 18 brings asynchronous I/O and skip scans on multicolumn indexes."),
        ("third", "Asynchronous I/O arrives in Postgres 18",
         "Postgres 18 ships asynchronous I/O, the headline feature of the release.")]


def date(minutes):
    return email.utils.formatdate(T0 + minutes * 60, usegmt=True)


def outlet(k, with_item):
    name, title, text = NEWS[k]
    items = [{"guid": name, "title": title, "link": "https://%s.example/pg" % name, "text": text,
              "date": date(100 + 10 * k)}] if with_item else []
    return rss_doc(name, "https://%s.example/" % name, items)


t = Tap()
srv = Server()
w = Workdir()
srv.put("/hn.xml", rss_doc("Hacker News", "https://news.ycombinator.com/", list(reversed([
    {"title": x, "link": "https://site%d.example/p" % i, "guid": "hn-%d" % i, "text": "",
     "date": date(20 * i)} for i, x in enumerate(HN)]))))
for k, (name, _, _) in enumerate(NEWS):
    srv.put("/%s.xml" % name, outlet(k, k < 2))
w.write_config([srv.url("/hn.xml")] + [srv.url("/%s.xml" % n) for n, _, _ in NEWS],
               extra="retention = 0\nconcurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "the first run exits 0")
srv.put("/third.xml", outlet(2, True))
r = w.run_once()
t.eq(r.returncode, 0, "the second run (a restart) exits 0")

rows = w.sql("SELECT t.title, t.keywords, t.story_count FROM stories s JOIN threads t ON t.id = s.thread_id"
             " WHERE s.title LIKE 'Show HN:%'")
t.eq([n for _, _, n in rows], [4], "the release's four stories share a thread")
t.ok(rows and not rows[0][0].startswith("Show HN"),
     "after the restart a whole headline still titles it", rows)
kw = rows[0][1].split(", ") if rows and rows[0][1] else []
t.eq(sorted(set(kw) & {"Show", "show", "HN", "Hn", "hn"}), [], "the lead-in's words are no keyword")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
