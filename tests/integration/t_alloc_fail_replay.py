#!/usr/bin/env python3
"""An allocation that fails while the daemon reads its clustering state
back from the database (the start-up replay, daemon/ingest_replay.c's
ingest_replay_window: a daemon near its memory limit, ulimit -v, LimitAS=, at
its peak of memory) fails the loading: the response waits, and the next
poll loads the state again ("loading the clustering state, will retry").

It ended the replay instead, with no error: a row of the window that
could not be kept stopped the query, and a stopped query is no error to
the store, so the daemon went on with the window's stories from there on
in no thread's memory:

- window: a third site's report of an event two stories of the window
  were about made a thread of its own, for good;
- counted: after a daemon killed before it saved its document
  frequencies, the stories its first poll brought (older than the window
  or in it), which the restart counts, were never counted: the table was
  saved without them (df_total two stories short), for good.

realloc() is replaced (LD_PRELOAD) by one that fails for a block whose
text starts with a marker: the replay's buffer of a batch's strings,
which starts with the batch's first title, when its summary makes it
grow."""
import email.utils
import os
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, preload_shim, rss_doc  # noqa: E402

SHIM = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <strings.h>

extern void *__libc_realloc(void *, size_t);

/* Growing a block whose text starts with "OOMMARK" fails as out of
 * memory; everything else is glibc's realloc. */
void *realloc(void *p, size_t n)
{
	static const char mark[] = "OOMMARK";

	if (p && malloc_usable_size(p) > sizeof mark && !strncasecmp(p, mark, sizeof mark - 1)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}
"""

NOW = int(time.time())
TEXT = ("The Vexbrook dam spillway cracked on Monday and engineers ordered the reservoir "
        "lowered, the water board said.")


def date(minutes):
    return email.utils.formatdate(NOW - minutes * 60, usegmt=True)


def item(host, title, text, minutes):
    return {"title": title, "link": "https://%s/dam" % host, "guid": host, "text": text,
            "date": date(minutes)}


def feed(host, items):
    return rss_doc(host, "https://%s/" % host, items)


t = Tap()
lib, shim_dir = preload_shim(t, SHIM, "failing realloc() shim", allocator=True)
shim = dict(os.environ, LD_PRELOAD=lib)
srv = Server()
w, clean, killed = Workdir(), Workdir(), Workdir()
try:
    # window: two stories of one event; the oldest, the replay's first
    # row, has the marked title.
    srv.put("/a.xml", feed("a.example", [item("a.example", "OOMMARK Vexbrook dam spillway cracks,"
                                              " reservoir lowered", TEXT, 120)]))
    srv.put("/b.xml", feed("b.example", [item("b.example", "Vexbrook dam spillway cracked,"
                                              " reservoir to be lowered",
                                              TEXT.replace("Monday", "Monday morning"), 100)]))
    srv.put("/c.xml", feed("c.example", []))
    w.write_config([srv.url("/a.xml"), srv.url("/b.xml"), srv.url("/c.xml")], extra="retention = 0")
    r = w.run_once()
    t.eq(r.returncode, 0, "window: the first run exits 0")
    t.eq(w.sql("SELECT count(DISTINCT thread_id) FROM stories"), [(1,)],
         "window: its two stories share a thread")
    srv.put("/a.xml", feed("a.example", []))
    srv.put("/c.xml", feed("c.example", [item("c.example", "Vexbrook dam spillway cracks;"
                                              " reservoir is lowered",
                                              TEXT.replace("said", "said on Monday"), 60)]))
    r = w.run_once(env=shim)
    t.ok("loading the clustering state" in r.stderr,
         "window: a replay out of memory fails the loading", r.stderr[-300:])
    t.eq(w.sql("SELECT count(*) FROM stories"), [(2,)],
         "window: and the response waits for the next poll")
    r = w.run_once()
    t.eq(r.returncode, 0, "window: the next run exits 0")
    t.eq(w.sql("SELECT count(*), count(DISTINCT thread_id) FROM stories"), [(3, 1)],
         "window: the third report joins the event's thread")

    # counted: a first poll killed before its save; the restart counts
    # the stories it brought, the first of them marked.
    gate = threading.Event()

    def held(h):
        gate.wait(60)
        h.reply(200, feed("e.example", [item("e.example", "Harbour works resume in Qorvane",
                                             "The Qorvane harbour works resumed on Tuesday.", 30)]
                          ).encode(), "application/rss+xml")

    # (Posts 6 and 5 days old, older than the window, and one of today;
    # the oldest, the count's first row, is marked.)
    srv.put("/d.xml", feed("d.example", [
        dict(item("d.example", "OOMMARK Qorvane harbour works, part %d" % i,
                  "Notes on the Qorvane harbour works, week %d, from the site office." % i,
                  60 + i * 1440), guid="d-%d" % i, link="https://d.example/p%d" % i)
        for i in (6, 5, 0)]))
    srv.put("/e.xml", feed("e.example", [item("e.example", "Harbour works resume in Qorvane",
                                              "The Qorvane harbour works resumed on Tuesday.", 30)]))
    srv.routes["/e-held.xml"] = held
    clean.write_config([srv.url("/d.xml"), srv.url("/e.xml")], extra="retention = 0")
    r = clean.run_once()
    t.eq(r.returncode, 0, "counted: a clean first poll exits 0")
    killed.write_config([srv.url("/d.xml"), srv.url("/e-held.xml")], extra="retention = 0")
    stored = killed.start_killed_at(3)
    t.eq(stored, 3, "counted: feed D's three stories are stored while feed E's response is awaited")
    gate.set()
    r = killed.run_once(env=shim)
    t.ok("loading the clustering state" in r.stderr,
         "counted: a replay out of memory fails the loading", r.stderr[-300:])
    t.eq(killed.sql("SELECT value FROM meta WHERE key = 'df_total'"), [],
         "counted: and no frequencies are saved without the stories")
    r = killed.run_once()
    t.eq(r.returncode, 0, "counted: the next run exits 0")
    t.eq(killed.sql("SELECT count(*) FROM stories"), [(4,)], "counted: it stores feed E's story")
    t.eq(killed.sql("SELECT value FROM meta WHERE key = 'df_total'"),
         clean.sql("SELECT value FROM meta WHERE key = 'df_total'"),
         "counted: its frequencies count all four stories")
    t.eq(sorted(killed.sql("SELECT term, df FROM term_df")), sorted(clean.sql("SELECT term, df FROM term_df")),
         "counted: the same frequencies as the first poll never killed")
finally:
    srv.stop()
    for x in (w, clean, killed):
        x.cleanup()
    shutil.rmtree(shim_dir)
t.done()
