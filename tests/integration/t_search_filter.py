#!/usr/bin/env python3
"""tidings search with FTS5's column filters before a phrase or a group:
title:"a phrase" and title:(a OR b) search the titles, as title:word
does, rather than for the word "title" (which found nothing)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, need_programs, TIDINGS, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGS, TIDINGSD)
srv = Server()
srv.put("/a.xml", rss_doc("A", "https://a.example/", [
    {"guid": "1", "title": "Mars rover finds water ice", "link": "https://a.example/1",
     "text": "Scientists said the samples were promising."},
    {"guid": "2", "title": "Council budget approved", "link": "https://a.example/2",
     "text": "The mars rover team was not involved."}]))
w = Workdir()
w.write_config([srv.url("/a.xml")])
t.eq(w.run_once().returncode, 0, "the feed is stored")


def search(q):
    r = subprocess.run([TIDINGS, "-d", w.db, "search", q], capture_output=True, text=True)
    return r.returncode, [line.split(None, 1)[0] for line in r.stdout.splitlines()]


ids = dict(w.sql("SELECT guid, id FROM stories"))
rover, council = str(ids["1"]), str(ids["2"])
t.eq(search("title:rover"), (0, [rover]), "title:word searches the titles")
t.eq(search('title:"mars rover"'), (0, [rover]), 'title:"a phrase" searches the titles')
t.eq(search('TITLE:"mars rover"'), (0, [rover]), "in any case")
t.eq(search('summary:"mars rover"'), (0, [council]), 'summary:"a phrase" the summaries')
rc, got = search("title:(budget OR water)")
t.eq((rc, sorted(got)), (0, sorted([rover, council])), "title:(a OR b) searches the titles for either")
t.eq(search("title:")[0], 0, "title: alone is a word, as before")

srv.stop()
w.cleanup()
t.done()
