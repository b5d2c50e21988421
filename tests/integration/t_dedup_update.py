#!/usr/bin/env python3
"""Level 3 after an update: a story whose text is rewritten is a copy's
original by the text it has now, in the thread it is in now.  The
near-duplicate index used to keep the story's first fingerprint and thread
until the next start: within the run, a copy of the old text was marked
duplicate_of the rewritten story and sent to its old thread (docs/
threads.md: a copy always joins the thread of the story it copies), and a
copy of the new text was not found; after a restart the same copies were
judged the other way."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, thread_rows, thread_truth  # noqa: E402
from updates import first_feeds, FIRE, QUAKE3, item, rss  # noqa: E402

def story(w, guid):
    r = w.sql("SELECT id, duplicate_of, thread_id FROM stories WHERE link LIKE ?", ('%/' + guid,))
    return r[0] if r else (None, None, None)


t = Tap()
srv = Server()
feeds = first_feeds()
feeds.update({"/e.xml": [], "/f.xml": [],
              # two wire copies of g1's first text, stored after it
              "/h.xml": [item("h1", "Kelowna orders extended", "KELOWNA (Wire) - " + FIRE,
                              "h.example", 28)],
              "/i.xml": [item("i1", "Kelowna evacuation orders extended", "VANCOUVER (Wire) - " + FIRE,
                              "i.example", 26)]})
for path, items in feeds.items():
    srv.put(path, rss(items), "application/rss+xml")
w = Workdir()
# One transfer at a time, in list order: the update (a) is stored before
# the copies (e, f) in the same run.
w.write_config([srv.url(p) for p in sorted(feeds)], extra="retention = 0\nconcurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")
g1, _, fire = story(w, "g1")
quake = story(w, "q1")[2]
t.ok(fire and quake and fire != quake and story(w, "f2")[2] == fire,
     "a wildfire thread and an earthquake thread")
t.eq((story(w, "h1")[1:], story(w, "i1")[1:]), ((g1, fire), (g1, fire)),
     "two wire copies of g1, in its thread")

# g1 is rewritten: it now tells the earthquake and moves to its thread.
# In the same run e prints a copy of g1's new text, f a copy of its old one.
srv.put("/a.xml", rss([item("g1", "Sumatra earthquake: Banda Aceh residents flee to higher"
                            " ground", QUAKE3, "a.example", 30)]), "application/rss+xml")
srv.put("/e.xml", rss([item("e1", "Banda Aceh residents flee after quake",
                            "JAKARTA (Wire) - " + QUAKE3, "e.example", 10)]),
        "application/rss+xml")
srv.put("/f.xml", rss([item("f1", "Kelowna orders extended", "KELOWNA (Wire) - " + FIRE,
                            "f.example", 10)]), "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "second run exits 0")
t.eq(story(w, "g1")[2], quake, "the rewritten story moved to the earthquake thread")
t.eq(story(w, "e1")[1:], (g1, quake),
     "a copy of its new text is its duplicate_of, in its thread")
t.ok(story(w, "f1")[1] != g1,
     "a copy of the text it no longer has is not its copy", story(w, "f1"))
h1 = story(w, "h1")[0]
t.eq((story(w, "h1")[1:], story(w, "i1")[1:]), ((None, fire), (h1, fire)),
     "the copies of its old text stay in the wildfire thread, the earliest their original")
t.eq(w.sql("SELECT c.id FROM stories c JOIN stories o ON o.id = c.duplicate_of"
           " WHERE c.thread_id IS NOT o.thread_id"), [],
     "every copy is in the thread of the story it copies")
t.eq(thread_rows(w), thread_truth(w), "the threads' rows add up")

# After a restart the index is read back from the database: the same
# copies from other publishers are judged the same way.
srv.put("/e.xml", rss([item("e2", "Banda Aceh residents flee after quake",
                            "MEDAN (Wire) - " + QUAKE3, "e2.example", 5)]),
        "application/rss+xml")
srv.put("/f.xml", rss([item("f3", "Kelowna orders extended", "VERNON (Wire) - " + FIRE,
                            "f2.example", 5)]), "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "third run exits 0")
t.eq(story(w, "e2")[1:], (g1, quake), "after a restart, a copy of the new text is the same")
t.ok(story(w, "f3")[1] != g1, "and a copy of the old text is no copy of it either",
     story(w, "f3"))

# A copy rewritten in turn: e1 now tells another event altogether.  It
# copies nothing now, and leaves g1's thread; it used to keep its
# duplicate_of, so that a reader folding copies under their original hid
# a story about the council's budget under the earthquake.
srv.put("/e.xml", rss([item("e1", "Council approves road budget for flood-damaged bridges",
                            "The city council approved a new budget for road repairs on "
                            "Tuesday, with most of the money going to bridges damaged in last "
                            "spring's floods; work on the river crossing starts in March.",
                            "e.example", 10)]), "application/rss+xml")
r = w.run_once()
t.eq(r.returncode, 0, "fourth run exits 0")
e1 = story(w, "e1")
t.ok(e1[1] is None and e1[2] != quake, "a rewritten copy is a copy no more, out of the thread",
     e1)
t.eq(w.sql("SELECT c.id FROM stories c JOIN stories o ON o.id = c.duplicate_of"
           " WHERE c.thread_id IS NOT o.thread_id"), [],
     "every copy is still in the thread of the story it copies")
t.eq(thread_rows(w), thread_truth(w), "the threads' rows add up")
srv.stop()
w.cleanup()
t.done()
