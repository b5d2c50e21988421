#!/usr/bin/env python3
"""A restart does not reorder a thread's keywords (docs/threads.md,
"What a restart still changes").  Keywords of equal weight (the words of a
one-story thread, each written once) came in the order of their slots in a
hash of the clusterer's term numbers, and those numbers depend on the
order the terms reached the vocabulary: a daemon restarted between two
feeds numbered them otherwise than one run of both, and the same headline
showed "interview, exec" in one and "exec, interview" in the other.  Ties
are now broken by the word itself."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

NOW = int(time.time())
# The first feed: eight stories, each with two of the shared words (seen
# twice, so saved in term_df and numbered in its order at a restart) and
# four of its own.
FILL = ("amber basil cobalt dune ember fjord garnet hazel indigo jasper kelp lilac marble nectar "
        "onyx pumice russet sienna topaz umber vellum willow xenon yarrow zinnia acorn bramble "
        "cinder dahlia elm fennel gorse").split()
SHARED = "zebra yacht walnut violin umbrella tulip saddle quartz".split()
FIRST = [" ".join([SHARED[j], SHARED[(j + 1) % 8]] + FILL[4 * j:4 * j + 4]) for j in range(8)]
# The later feed: the shared words, each once a story, so equal weights.
LATER = [" ".join(SHARED[k:] + SHARED[:k]) for k in range(3)]


def rss(items, site):
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
           "<title>%s</title><link>http://%s/</link>" % (site, site)]
    for n, (title, guid) in enumerate(items):
        out.append("<item><title>%s</title><link>http://%s/%s</link><guid>%s</guid>"
                   "<pubDate>%s</pubDate></item>"
                   % (title, site, guid, guid, email.utils.formatdate(NOW - 3600 + n * 60, usegmt=True)))
    out.append("</channel></rss>")
    return "".join(out).encode()


def keywords(w):
    return sorted(w.sql("SELECT t.title, t.keywords FROM threads t WHERE t.merged_into IS NULL"))


t = Tap()
srv = Server()
srv.put("/first.xml", rss([(x, "first-%d" % n) for n, x in enumerate(FIRST)], "a.example"),
        "application/rss+xml")
srv.put("/later.xml", rss([(x, "later-%d" % n) for n, x in enumerate(LATER)], "b.example"),
        "application/rss+xml")

one, two = Workdir(), Workdir()
one.write_config([srv.url("/first.xml"), srv.url("/later.xml")], extra="concurrency = 1\nretention = 0")
r = one.run_once()
t.eq(r.returncode, 0, "one run of both feeds exits 0")
two.write_config([srv.url("/first.xml")], extra="concurrency = 1\nretention = 0")
r = two.run_once()
t.eq(r.returncode, 0, "a run of the first feed exits 0")
two.write_config([srv.url("/first.xml"), srv.url("/later.xml")], extra="concurrency = 1\nretention = 0")
r = two.run_once()
t.eq(r.returncode, 0, "a second run, after a restart, with the other feed exits 0")
t.eq(two.sql("SELECT count(*) FROM stories")[0][0], one.sql("SELECT count(*) FROM stories")[0][0],
     "both store the same stories")
t.eq(keywords(two), keywords(one),
     "a restart between the feeds gives the same titles and keywords, in the same order")
one.cleanup()
two.cleanup()
srv.stop()
t.done()
