#!/usr/bin/env python3
"""[threads] enabled = no through the real daemon: stories are stored with
every level of deduplication but no thread (thread_id NULL, no thread
rows); turned on again, the stories stored from then on get threads and a
copy of a story stored without one still finds a thread; turned off once
more, threads already made stay as they were."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TIDINGS, Tap, Server, Workdir, rss_doc, thread_rows, thread_truth  # noqa: E402

# One long text and a copy of it with a dateline and a word changed: a
# near-duplicate (level 3) when another publisher prints it.
QUAKE = ("A magnitude 6.1 earthquake struck the mountain province before dawn on "
         "Sunday, collapsing farmhouses in four villages and cutting the only road "
         "to the valley, the regional emergency office said. Rescue teams from the "
         "provincial capital reached the first village by helicopter and pulled "
         "eleven people from the rubble of a school dormitory. The office said at "
         "least nine people were killed and more than sixty injured, most of them "
         "in Ostrava Dolna, where the old stone houses gave way. Aftershocks of up "
         "to magnitude 4.8 kept families outdoors through the morning. The power "
         "company restored electricity to the main town by noon, but water pipes "
         "burst across the district and tankers were sent from the coast. Engineers "
         "will inspect the dam above the valley on Monday, the governor said, "
         "adding that the army had put up tents for eight hundred people.")
QUAKE_COPY = "OSTRAVA (Wire) - " + QUAKE.replace("the governor said", "the governor told reporters")
FERRY = ("The island's ferry operator added two evening sailings for the summer, "
         "after a season in which cars waited up to six hours at the mainland pier. "
         "The new timetable starts in June and the fares stay as they were.")
MUSEUM = ("The city museum reopened its glass wing after three years of repairs to "
          "the roof, with the collection of Roman coins back on display and a new "
          "room for the shipwreck finds raised from the bay last autumn.")


def rss(host, items):
    return rss_doc(host, "https://%s/" % host,
                   [dict(zip(("guid", "title", "link", "text", "date"), it)) for it in items])


D1 = "Sun, 08 Nov 2026 06:00:00 GMT"
D2 = "Sun, 08 Nov 2026 09:00:00 GMT"
north = [("n-1", "Earthquake kills nine in mountain villages",
          "https://north.example/quake", QUAKE, D1),
         ("n-2", "Ferry adds evening sailings", "https://north.example/ferry", FERRY, D1)]
south = [("s-1", "Quake in the mountains: nine dead",
          "https://north.example/quake?utm_source=south#top", QUAKE, D1),
         ("s-2", "Museum glass wing reopens", "https://south.example/museum", MUSEUM, D1)]

t = Tap()
srv = Server()
srv.put("/north.xml", rss("north.example", north))
srv.put("/south.xml", rss("south.example", south))
urls = [srv.url("/north.xml"), srv.url("/south.xml")]
w = Workdir()
count = lambda q, p=(): w.sql(q, p)[0][0]  # noqa: E731

# --- off ------------------------------------------------------------------
w.write_config(urls, threads="enabled = no")
r = w.run_once()
t.ok(r.returncode == 0, "a run with threads off exits 0", r.stderr)
t.eq(count("SELECT count(*) FROM stories"), 3,
     "four items, one article in both feeds: three stories")
t.eq(count("SELECT count(*) FROM story_feeds WHERE story_id ="
           " (SELECT id FROM stories WHERE canonical_url = 'https://north.example/quake')"), 2,
     "the article both feeds carry is listed in both (level 2)")
t.eq(count("SELECT count(*) FROM stories WHERE thread_id IS NOT NULL"), 0,
     "no story has a thread")
t.eq(count("SELECT count(*) FROM threads"), 0, "no thread row is written")

# A wire copy from a third publisher, and a changed item.
srv.put("/east.xml", rss("east.example", [
    ("e-1", "Deadly quake hits mountain province", "https://east.example/world/quake",
     QUAKE_COPY, D2)]))
urls.append(srv.url("/east.xml"))
w.write_config(urls, threads="enabled = no")
north[1] = north[1][:3] + (FERRY + " Bicycles travel free.", D1)
srv.put("/north.xml", rss("north.example", north))
r = w.run_once()
t.ok(r.returncode == 0, "the second run exits 0", r.stderr)
copy = w.sql("SELECT duplicate_of, thread_id FROM stories WHERE link = 'https://east.example/world/quake'")
orig = count("SELECT id FROM stories WHERE canonical_url = 'https://north.example/quake'")
t.eq(copy, [(orig, None)], "the wire copy is duplicate_of the original, with no thread (level 3)")
t.ok("Bicycles" in count("SELECT summary FROM stories WHERE link = 'https://north.example/ferry'"),
     "a changed item updates its row (level 1)")
t.eq(count("SELECT count(*) FROM stories"), 4, "and is no new story")
t.eq(count("SELECT count(*) FROM stories WHERE thread_id IS NOT NULL") +
     count("SELECT count(*) FROM threads"), 0, "still no thread anywhere")
out = subprocess.run([TIDINGS, "-d", w.db, "threads", "--json"], capture_output=True, text=True)
t.ok(out.returncode == 0 and json.loads(out.stdout) == [], "tidings threads lists nothing",
     (out.stdout, out.stderr))

# --- on again -------------------------------------------------------------
srv.put("/west.xml", rss("west.example", [
    ("w-1", "Quake survivors wait for tents in the valley", "https://west.example/quake",
     QUAKE_COPY.replace("OSTRAVA (Wire)", "VALLEY (Wire)"), D2),
    ("w-2", "Orchestra announces winter season", "https://west.example/orchestra",
     "The orchestra's winter season opens with three concerts of music written for "
     "the cathedral, and the conductor returns after a year away.", D2)]))
urls.append(srv.url("/west.xml"))
w.write_config(urls, threads="enabled = yes")
r = w.run_once()
t.ok(r.returncode == 0, "a run with threads on again exits 0", r.stderr)
t.eq(count("SELECT count(*) FROM stories WHERE thread_id IS NULL"), 4,
     "the stories stored with threads off stay without one")
new = w.sql("SELECT duplicate_of, thread_id FROM stories WHERE feed_id ="
            " (SELECT id FROM feeds WHERE url = ?) ORDER BY id", (urls[-1],))
t.eq(len(new), 2, "the new feed's two stories are stored")
t.ok(all(th is not None for _, th in new), "and each has a thread", new)
t.eq(count("SELECT duplicate_of FROM stories WHERE link = 'https://west.example/quake'"), orig,
     "a copy of a story stored without a thread is still its duplicate_of")
t.eq(thread_rows(w), [r for r in thread_truth(w) if r[0] is not None],
     "every thread row counts what its stories say")

# --- off once more ---------------------------------------------------------
before = w.sql("SELECT id, thread_id FROM stories WHERE thread_id IS NOT NULL ORDER BY id")
srv.put("/west.xml", rss("west.example", [
    ("w-3", "Valley road reopens after quake", "https://west.example/road",
     "Crews cleared the landslide from the valley road on Tuesday.", D2)]))
# East's wire copy rewritten into another story altogether.
srv.put("/east.xml", rss("east.example", [
    ("e-1", "Harbour tunnel opening delayed", "https://east.example/world/quake",
     "The harbour tunnel will open in October rather than May, the builders said, after "
     "water seeped into the northern section during the spring storms.", D2)]))
w.write_config(urls, threads="enabled = no")
r = w.run_once()
t.ok(r.returncode == 0, "off once more, the run exits 0", r.stderr)
t.eq(w.sql("SELECT duplicate_of FROM stories WHERE link = 'https://east.example/world/quake'"),
     [(None,)], "a copy rewritten into another text is a copy no more")
t.eq(w.sql("SELECT thread_id FROM stories WHERE link = 'https://west.example/road'"), [(None,)],
     "the new story has no thread")
t.eq(w.sql("SELECT id, thread_id FROM stories WHERE thread_id IS NOT NULL ORDER BY id"), before,
     "the threads made meanwhile keep their stories")
t.eq(count("PRAGMA integrity_check"), "ok", "integrity_check is ok")
t.eq(w.fts_ok(), True, "the search index matches the stories")

# A value that is not yes or no is refused with its line.
w.write_config(urls, threads="enabled = maybe")
r = w.run_once()
t.ok(r.returncode != 0 and "tidings.conf:6: enabled: 'maybe' is neither yes nor no" in r.stderr,
     "enabled = maybe is refused with file:line", r.stderr)

srv.stop()
w.cleanup()
t.done()
