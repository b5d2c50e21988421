#!/usr/bin/env python3
"""A story whose text changes materially is clustered again (issue 6: "a
story that updates keeps its thread unless its text changed materially"):
it moves to the thread its new text belongs to, and both threads' rows
stay true to their stories. A small edit keeps its thread.  A thread
whose title story leaves takes a headline of its own as a join would pick
one: it used to take the latest story's, which may have none while another
story of the thread has one (docs/threads.md, "Titles")."""
import email.utils
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, thread_rows, thread_truth  # noqa: E402
from updates import first_feeds, FIRE, FIRE2, NOW, QUAKE2, QUAKE3, item, rss  # noqa: E402
import invariants  # noqa: E402

def thread_of(w, guid):
    r = w.sql("SELECT thread_id FROM stories WHERE link LIKE ?", ('%/' + guid,))
    return r[0][0] if r else None


t = Tap()
srv = Server()
feeds = first_feeds()
for path, items in feeds.items():
    srv.put(path, rss(items), "application/rss+xml")
w = Workdir()
w.write_config([srv.url(p) for p in feeds], extra="retention = 0")
r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")
fire, quake = thread_of(w, "g1"), thread_of(w, "q1")
t.ok(fire and fire == thread_of(w, "f2"), "the two wildfire reports are one thread")
t.ok(quake and quake == thread_of(w, "q2") and quake != fire,
     "the two earthquake reports are another")
title_before = w.sql("SELECT title FROM threads WHERE id = ?", (fire,))

# A small edit: a word added, the headline kept.  The story keeps its thread.
srv.put("/a.xml", rss([item("g1", "Kelowna wildfire evacuation orders extended",
                            FIRE.replace("battled", "bravely battled"), "a.example", 30)]),
        "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "second run exits 0")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 4, "an edit updates the story, adds none")
t.eq(thread_of(w, "g1"), fire, "a small edit keeps the story's thread")

# The same item (same guid) now tells the earthquake: it changed materially.
srv.put("/a.xml", rss([item("g1", "Sumatra earthquake: Banda Aceh residents flee to higher"
                            " ground", QUAKE3, "a.example", 30)]), "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "third run exits 0")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 4, "still four stories")
t.eq(thread_of(w, "g1"), quake, "the rewritten story moves to the earthquake thread")
t.eq(thread_of(w, "f2"), fire, "the other wildfire report stays")
t.eq(thread_rows(w), thread_truth(w),
     "both threads' rows count their stories, publishers and times")
bad = w.sql("SELECT t.id, t.title_story_id, s.thread_id FROM threads t"
            " JOIN stories s ON s.id = t.title_story_id"
            " WHERE t.merged_into IS NULL AND s.thread_id IS NOT t.id")
t.eq(bad, [], "every live thread's title comes from one of its own stories")
t.eq(w.sql("SELECT count(*) FROM threads WHERE merged_into IS NULL AND story_count = 0")[0][0],
     0, "no live thread is left empty")

# Now the last wildfire report turns into an earthquake report too: the
# wildfire thread loses its last story.
srv.put("/b.xml", rss([item("f2", "Aceh tsunami warning lifted after Sumatra earthquake",
                            QUAKE2.replace("Indonesia", "Jakarta officials"), "b.example",
                            20)]), "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "fourth run exits 0")
t.eq(thread_of(w, "f2"), quake, "it joins the earthquake thread")
empty = w.sql("SELECT id, merged_into FROM threads WHERE id = ?", (fire,))
t.eq([tuple(x) for x in empty], [(fire, quake)],
     "the emptied thread points at the thread its last story went to")
t.eq(w.sql("SELECT count(*) FROM stories s JOIN threads t ON t.id = s.thread_id"
           " WHERE t.merged_into IS NOT NULL")[0][0], 0,
     "every story's thread is a live one")
t.eq(w.sql("SELECT count(*) FROM threads WHERE merged_into IS NULL AND story_count = 0")[0][0],
     0, "no live thread is left empty")
t.eq(thread_rows(w), thread_truth(w), "the rows add up")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")
w.cleanup()

# A wildfire thread of three: g1 and e3 with headlines, f2 (the latest) a
# post without a title.  e3, its title story, is rewritten into an
# earthquake report and leaves: g1's headline titles the thread, not f2's
# missing one.
untitled = ("<item><link>http://b.example/f2</link><guid>f2</guid><pubDate>%s</pubDate>"
            "<description>%s</description></item>"
            % (email.utils.formatdate(NOW - 5 * 60, usegmt=True), FIRE2))
feeds = first_feeds()
feeds["/b.xml"] = [untitled]
feeds["/e.xml"] = [item("e3", "Kelowna evacuation orders extended as fire nears lake shore",
                        FIRE2.replace("overnight", "through the night"), "e.example", 20)]
for path, items in feeds.items():
    srv.put(path, rss(items), "application/rss+xml")
w = Workdir()
w.write_config([srv.url(p) for p in sorted(feeds)], extra="retention = 0\nconcurrency = 1")
t.eq(w.run_once().returncode, 0, "untitled: first run exits 0")
fire = thread_of(w, "g1")
t.ok(fire and thread_of(w, "f2") == fire and thread_of(w, "e3") == fire,
     "g1, the untitled f2 and e3 are one thread")
t.eq(w.sql("SELECT s.link FROM threads t JOIN stories s ON s.id = t.title_story_id"
           " WHERE t.id = ?", (fire,)), [("http://e.example/e3",)], "e3 titles it")
srv.put("/e.xml", rss([item("e3", "Sumatra earthquake: Banda Aceh residents flee to higher"
                            " ground", QUAKE3, "e.example", 20)]), "application/rss+xml")
t.eq(w.run_once().returncode, 0, "untitled: second run exits 0")
t.ok(thread_of(w, "e3") != fire, "the rewritten e3 leaves the wildfire thread")
t.eq(w.sql("SELECT title FROM threads WHERE id = ?", (fire,)),
     [("Kelowna wildfire evacuation orders extended",)],
     "the thread it left takes g1's headline, not the untitled latest story's none")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")
w.cleanup()
t.done()
