#!/usr/bin/env python3
"""A thread's keywords are spelt as its own stories write them
(docs/threads.md: "`threads.keywords` lists its heaviest words as its own
stories write them").  A thread's first story counted its spellings of
its three heaviest words only; the fourth and fifth keyword of a
one-story thread were shown as the vocabulary's first spelling of the
word, another story's: "Business growth in euro zone rises to 32-month
high" showed "highs", "...what being Bitcoin's beloved robber baron"
under "Time for a career change?" showed "changing" (13 of 325 keywords
of the UCI headlines' one-story threads).  Which other story's spelling
came depended on the order the vocabulary met the word, which a restart
changes (the window is replayed oldest first): the same thread showed
"dropped" in one run and "drops" after a restart, its headline "Drop".
The first story now counts the spellings of all the terms a thread
tracks (the shown keywords and the next)."""
import email.utils
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

NOW = int(time.time())
# Other stories write "accounts" first: the vocabulary's spelling of the word.
FIRST = ["Banks freeze thousands of accounts after the breach",
         "Savers move their accounts to online lenders",
         "Regulator audits the accounts of three insurers"]
# A story of its own, its rarer words heavier than "high".
LATER = "Quellor wool exporter opens an account"


def rss(items, site):
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
           "<title>%s</title><link>http://%s/</link><language>en</language>" % (site, site)]
    for n, title in enumerate(items):
        out.append("<item><title>%s</title><link>http://%s/%d</link><guid>%s-%d</guid>"
                   "<pubDate>%s</pubDate></item>"
                   % (title, site, n, site, n, email.utils.formatdate(NOW - 3600 + n * 60, usegmt=True)))
    out.append("</channel></rss>")
    return "".join(out).encode()


def later_keywords(w):
    return w.sql("SELECT keywords FROM threads WHERE title = ?", (LATER,))


t = Tap()
srv = Server()
srv.put("/first.xml", rss(FIRST, "a.example"), "application/rss+xml")
srv.put("/later.xml", rss([LATER], "b.example"), "application/rss+xml")
one, two = Workdir(), Workdir()
one.write_config([srv.url("/first.xml"), srv.url("/later.xml")], extra="concurrency = 1\nretention = 0")
r = one.run_once()
t.eq(r.returncode, 0, "one run of both feeds exits 0")
kw = later_keywords(one)
t.eq(len(kw), 1, "the later story has a thread of its own")
words = set(re.findall(r"\w+", LATER.lower()))
shown = (kw[0][0] or "").split(", ") if kw else []
t.eq(len(shown), 5, "with five keywords")
t.eq([k for k in shown if k.lower() not in words], [],
     "each spelt as its only story writes it (not another story's 'accounts')")

# The same after a restart between the feeds.
two.write_config([srv.url("/first.xml")], extra="concurrency = 1\nretention = 0")
r = two.run_once()
t.eq(r.returncode, 0, "a run of the first feed exits 0")
two.write_config([srv.url("/first.xml"), srv.url("/later.xml")], extra="concurrency = 1\nretention = 0")
r = two.run_once()
t.eq(r.returncode, 0, "a run after a restart with the other feed exits 0")
t.eq(later_keywords(two), kw, "the same keywords after a restart")

# A weekday, a month, a clock time or a small number is no keyword, but one
# among the story's five heaviest words took a spelling's vote from them:
# the fifth keyword showed the vocabulary's "accounts" again.
HIDDEN = "Quellor wool exporter opens an account on Monday"
srv.put("/hidden.xml", rss([HIDDEN], "c.example"), "application/rss+xml")
three = Workdir()
three.write_config([srv.url("/first.xml"), srv.url("/hidden.xml")], extra="concurrency = 1\nretention = 0")
r = three.run_once()
t.eq(r.returncode, 0, "a run with a story that names a weekday exits 0")
kw = three.sql("SELECT keywords FROM threads WHERE title = ?", (HIDDEN,))
words = set(re.findall(r"\w+", HIDDEN.lower()))
shown = (kw[0][0] or "").split(", ") if kw else []
t.eq(len(shown), 5, "five keywords, the weekday not one of them")
t.eq([k for k in shown if k.lower() not in words], [],
     "each spelt as its only story writes it, the weekday among its heaviest words")
one.cleanup()
two.cleanup()
three.cleanup()
srv.stop()
t.done()
