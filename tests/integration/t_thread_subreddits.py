#!/usr/bin/env python3
"""Two items of one host under one distinctive headline that two of its
feeds brought, each its own story, may be one event: a host many publish
on (reddit.com, every subreddit's feed) carries one report posted by two
people in two subreddits, and those posts join one thread, with the
publisher's own story of it (docs/threads.md, "A series is not one
event"), through the real daemon, over two polls and a restart.

Three Redditors posted one Reuters report, under its headline, to
r/worldnews, r/europe and r/ukpolitics within the hour; each post is a
story of its own (its guid, t3_..., is an id of Reddit's own scheme,
docs/dedup.md), and being one host's items under one headline from
three feeds, they were held apart as "two items the site headed alike":
three threads, one of them with Reuters' story, and none could merge.
(Under a plain headline, "v1.0.0" of two repositories, they stay two
threads: t_thread_repo_releases.py.)"""
import email.utils
import html
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

TITLE = "Starmer sacks his deputy prime minister in cabinet reshuffle"
ARTICLE = "https://www.reuters.com/world/uk/starmer-sacks-deputy-2026-12-01/"
T0 = 1796112000  # Tue 1 Dec 2026 08:00 UTC


def date(minutes):
    return email.utils.formatdate(T0 + minutes * 60, usegmt=True)


def post(pid, sub, user, minutes):
    link = "https://www.reddit.com/r/%s/comments/%s/starmer_sacks_his_deputy/" % (sub, pid)
    body = ('<table> <tr><td> &#32; submitted by &#32; <a href="https://www.reddit.com/user/%s">'
            ' /u/%s </a> <br/> <span><a href="%s">[link]</a></span> &#32; <span><a href="%s">'
            '[comments]</a></span> </td></tr></table>' % (user, user, ARTICLE, link))
    when = "2026-12-01T08:%02d:00+00:00" % minutes
    return ('<entry><author><name>/u/%s</name></author><content type="html">%s</content>'
            '<id>t3_%s</id><link href="%s"/><updated>%s</updated><published>%s</published>'
            '<title>%s</title></entry>' % (user, html.escape(body), pid, link, when, when, TITLE))


def subreddit(sub, entries):
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            '<id>/r/%s/.rss</id><link rel="alternate" href="https://www.reddit.com/r/%s/"/>'
            '<updated>2026-12-01T09:00:00+00:00</updated><title>%s</title>%s</feed>'
            % (sub, sub, sub, "".join(entries)))


t = Tap()
srv = Server()
w = Workdir()
subs = ["worldnews", "europe", "ukpolitics"]
w.write_config([srv.url("/reuters.xml")] + [srv.url("/%s.atom" % s) for s in subs],
               extra="retention = 0\nconcurrency = 1")
srv.put("/reuters.xml", rss_doc("Reuters", "https://www.reuters.com/", [
    {"title": TITLE, "link": ARTICLE, "date": date(0),
     "text": "Prime Minister Keir Starmer sacked his deputy on Tuesday in a cabinet reshuffle "
             "after weeks of tension over the budget, government sources said."}]))
srv.put("/worldnews.atom", subreddit("worldnews", [post("1h3aaa", "worldnews", "Saltedline", 5)]))
for s in subs[1:]:
    srv.put("/%s.atom" % s, subreddit(s, []))
r = w.run_once()
t.eq(r.returncode, 0, "the first run exits 0")
srv.put("/europe.atom", subreddit("europe", [post("1h3bbb", "europe", "EuroFan99", 25)]))
srv.put("/ukpolitics.atom", subreddit("ukpolitics", [post("1h3ccc", "ukpolitics", "Westminster_Watcher", 40)]))
r = w.run_once()
t.eq(r.returncode, 0, "the second run (a restart) exits 0")

rows = w.sql("SELECT host, feed_id, thread_id FROM stories ORDER BY id")
t.eq([h for h, _, _ in rows], ["reuters.com"] + ["reddit.com"] * 3,
     "Reuters' story and the three posts stored, each a story of its own")
t.ok(len(rows) == 4 and len({tid for _, _, tid in rows}) == 1,
     "the three subreddits' posts of the report share its thread", rows)
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
