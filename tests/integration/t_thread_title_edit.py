#!/usr/bin/env python3
"""A headline corrected in place: the story keeps its thread (its text is
the same), and the thread it titles shows the headline as it is now
(docs/threads.md: a thread's title is the headline of one of its
stories).  The row used to keep the old, misspelt headline, which no
story had any more, until another story happened to join the thread.
A title story whose headline is removed (the text kept) gives way to a
member's headline: the thread used to show none (docs/threads.md, "only
a story with a headline can title a thread while another member has
one").  Nor does a title story whose feed retitles it in place with a
desk's label ("UPDATE 1-", as wire items are) or cuts it short: it used to
keep the thread's title, the clusterer knowing only of lost headlines."""
import email.utils
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TIDINGS, Tap, Server, Workdir, thread_rows, thread_truth  # noqa: E402
from updates import FIRE, FIRE2, NOW, item, rss  # noqa: E402
import invariants  # noqa: E402

t = Tap()
srv = Server()
srv.put("/a.xml", rss([item("g1", "Kelowna wildfre evacuation orders extnded", FIRE,
                            "a.example", 30)]), "application/rss+xml")
srv.put("/b.xml", rss([item("f2", "Kelowna evacuation orders extended as wildfire nears lake",
                            FIRE2, "b.example", 20)]), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/a.xml"), srv.url("/b.xml")], extra="retention = 0")
r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")
titles = lambda: {x[0] for x in w.sql("SELECT title FROM stories")}  # noqa: E731
rows = w.sql("SELECT id, title, title_story_id FROM threads WHERE merged_into IS NULL")
t.ok(len(rows) == 1 and rows[0][1] in titles(), "one thread, titled by one of its headlines", rows)
tid, _, title_story = rows[0] if rows else (None, None, None)

# Every story corrects its headline: the text stays, so does the thread.
srv.put("/a.xml", rss([item("g1", "Kelowna wildfire evacuation orders extended", FIRE,
                            "a.example", 30)]), "application/rss+xml")
srv.put("/b.xml", rss([item("f2", "Kelowna evacuation orders extended as the wildfire nears"
                            " the lake", FIRE2, "b.example", 20)]), "application/rss+xml")
seq_before = w.sql("SELECT seq FROM threads WHERE id = ?", (tid,))[0][0]
r = w.run_once()
t.eq(r.returncode, 0, "second run exits 0")
t.eq(w.sql("SELECT count(DISTINCT thread_id) FROM stories"), [(1,)],
     "the corrected stories keep their thread")
row = w.sql("SELECT title, title_story_id, seq FROM threads WHERE id = ?", (tid,))[0]
now = dict(w.sql("SELECT id, title FROM stories"))
t.eq(row[0], now.get(row[1]), "the thread's title is its title story's headline as corrected")
t.ok(row[0] in titles(), "one of its stories' headlines", (row, titles()))
t.ok(row[2] > seq_before, "and the row's seq moved, so that readers following seq see it")
t.eq(thread_rows(w), thread_truth(w), "the counts still add up")
out = subprocess.run([TIDINGS, "-d", w.db, "threads", "--since", "3650d", "--json"],
                     capture_output=True, text=True)
doc = json.loads(out.stdout or "[]")
t.ok(len(doc) == 1 and doc[0]["title"] == row[0], "tidings threads shows the corrected title",
     doc)

# The title story's item loses its headline; its text stays.
link = w.sql("SELECT link FROM stories WHERE id = ?", (row[1],))[0][0]
guid = link.rsplit("/", 1)[1]
path, text, host, ago = {"g1": ("/a.xml", FIRE, "a.example", 30),
                         "f2": ("/b.xml", FIRE2, "b.example", 20)}[guid]
srv.put(path, rss(["<item><link>http://%s/%s</link><guid>%s</guid><pubDate>%s</pubDate>"
                   "<description>%s</description></item>"
                   % (host, guid, guid, email.utils.formatdate(NOW - ago * 60, usegmt=True),
                      text)]), "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "third run exits 0")
t.eq(w.sql("SELECT count(DISTINCT thread_id) FROM stories"), [(1,)],
     "the story without a headline keeps its thread")
other = w.sql("SELECT id, title FROM stories WHERE title IS NOT NULL")
t.eq(w.sql("SELECT title_story_id, title FROM threads WHERE id = ?", (tid,)),
     [tuple(x) for x in other], "the thread takes the other story's headline")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

w.cleanup()

# The title story's item is retitled in place, its text kept: headed by
# a desk's label, then cut short.  Each time the thread takes the other
# story's whole headline (docs/threads.md, "Titles").
HEAD = {"g1": "Kelowna wildfire evacuation orders extended",
        "f2": "Kelowna evacuation orders extended as wildfire nears lake"}
FEED = {"g1": ("/a.xml", FIRE, "a.example", 30), "f2": ("/b.xml", FIRE2, "b.example", 20)}
for guid, (path, text, host, ago) in FEED.items():
    srv.put(path, rss([item(guid, HEAD[guid], text, host, ago)]), "application/rss+xml")
w = Workdir()
w.write_config([srv.url("/a.xml"), srv.url("/b.xml")], extra="retention = 0")
t.eq(w.run_once().returncode, 0, "a new database: first run exits 0")
rows = w.sql("SELECT id, title_story_id FROM threads WHERE merged_into IS NULL")
t.eq(len(rows), 1, "the two reports are one thread")
tid, title_story = rows[0] if rows else (None, None)
link = w.sql("SELECT link FROM stories WHERE id = ?", (title_story,))[0][0]
guid = link.rsplit("/", 1)[1]
other = [g for g in HEAD if g != guid][0]
path, text, host, ago = FEED[guid]
for new, what in (("UPDATE 1-" + HEAD[guid], "headed by a desk's label"),
                  (HEAD[guid][:30] + " ...", "cut short")):
    srv.put(path, rss([item(guid, new, text, host, ago)]), "application/rss+xml")
    t.eq(w.run_once().returncode, 0, "the title story %s: run exits 0" % what)
    t.eq(w.sql("SELECT count(DISTINCT thread_id) FROM stories"), [(1,)],
         "the story %s keeps its thread" % what)
    t.eq(w.sql("SELECT title FROM threads WHERE id = ?", (tid,)), [(HEAD[other],)],
         "the thread takes the other story's whole headline when the title story's is %s"
         % what)
    out = subprocess.run([TIDINGS, "-d", w.db, "threads", "--since", "3650d", "--json"],
                         capture_output=True, text=True)
    doc = json.loads(out.stdout or "[]")
    t.ok(len(doc) == 1 and doc[0]["title"] == HEAD[other], "tidings threads shows it", doc)
    t.eq(thread_rows(w), thread_truth(w), "the counts still add up")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
