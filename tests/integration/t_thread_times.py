#!/usr/bin/env python3
"""The time `tidings thread`, `stories` and `search` show for a story is the
one they are ordered by and its thread counts (stories.event_time;
docs/tidings.1).  They showed the item's date as the feed gives it now: a
story dated three days ahead (a feed's wrong clock), which tidings places
where it first saw it, showed "in 3 d" at the end of a thread "oldest
first" last updated "0 s ago"; a live blog its feed redated at an update
showed "1 min ago" at the head of the same list, and the times of both
lists came out of order.  With --json each story has that time as
"event_time": it had only "published" and "first_seen", and the lists came
in an order none of them explained."""
import email.utils
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, TIDINGS  # noqa: E402
import invariants  # noqa: E402

NOW = int(time.time())
TEXT = ("Storm Ciaran brought winds of 100 mph to Cornwall, cutting power to 150,000 homes; "
        "the Met Office issued a red warning for Cornwall and Devon as Storm Ciaran %s.")
UNIT = {"s": 1, "min": 60, "h": 3600, "d": 86400}


def date(t):
    return email.utils.formatdate(t, usegmt=True)


def put(srv, live_date, live_text):
    srv.put("/a.xml", rss_doc("A", "http://a.example/", [
        dict(title="Live: Storm Ciaran hits Cornwall", link="http://a.example/live", guid="live",
             text=TEXT % live_text, date=date(live_date)),
        dict(title="Storm Ciaran reaches Cornwall early", link="http://a.example/early",
             guid="early", text=TEXT % "arrived early", date=date(NOW + 3 * 86400))]),
        "application/rss+xml")
    srv.put("/b.xml", rss_doc("B", "http://b.example/", [
        dict(title="Storm Ciaran: red warning as 100mph winds hit Cornwall",
             link="http://b.example/r1", guid="r1", text=TEXT % "made landfall",
             date=date(NOW - 3 * 3600))]), "application/rss+xml")


def shown(out):
    """(story id, seconds ago as shown) of each story line, in order."""
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*(\d+) (?:(in) )?(\d+) (s|min|h|d)( ago)?\s", line)
        if m:
            ago = int(m.group(3)) * UNIT[m.group(4)]
            rows.append((int(m.group(1)), -ago if m.group(2) else ago))
    return rows


def cli(w, *args):
    return subprocess.run([TIDINGS, "-d", w.db] + list(args), capture_output=True, text=True)


t = Tap()
srv = Server()
w = Workdir()
w.write_config([srv.url("/a.xml"), srv.url("/b.xml")], extra="retention = 0")
# The live blog first appears five hours ago; at the next poll its feed
# has redated it to a minute ago, with a new text.
put(srv, NOW - 5 * 3600, "arrived overnight")
t.eq(w.run_once().returncode, 0, "first run exits 0")
put(srv, NOW - 60, "moved east and trains were cancelled across Devon")
t.eq(w.run_once().returncode, 0, "second run exits 0")
ids = dict(w.sql("SELECT guid, id FROM stories"))
threads = w.sql("SELECT DISTINCT thread_id FROM stories")
t.ok(len(ids) == 3 and len(threads) == 1, "three stories, one thread", (ids, threads))
when = dict(w.sql("SELECT id, ? - event_time FROM stories", (NOW,)))

r = cli(w, "thread", str(threads[0][0]))
rows = shown(r.stdout)
t.eq([i for i, _ in rows], [ids["live"], ids["r1"], ids["early"]],
     "thread: its stories oldest first, the redated live blog where it was first stored")
t.ok(all(a >= b for (_, a), (_, b) in zip(rows, rows[1:])),
     "thread: the times shown go from oldest to newest", r.stdout)
for guid, name in (("live", "the redated live blog"), ("early", "the story dated ahead")):
    got = dict(rows).get(ids[guid])
    # Shown rounded down to its unit, and the runs took some seconds.
    t.ok(got is not None and got >= 0 and abs(got - when[ids[guid]]) < 3600,
         "thread: %s shows the time the thread counts it at" % name,
         "shown %r s ago, event_time %r s ago\n%s" % (got, when[ids[guid]], r.stdout))

r = cli(w, "stories")
rows = shown(r.stdout)
t.eq([i for i, _ in rows], [ids["early"], ids["r1"], ids["live"]], "stories: newest first")
t.ok(all(a <= b for (_, a), (_, b) in zip(rows, rows[1:])),
     "stories: the times shown go from newest to oldest", r.stdout)

# --json gives that time too: the live blog's "published" is its new date,
# a minute ago, its "first_seen" the first run's, and the lists' order
# was explained by no key they had.
stored = dict(w.sql("SELECT id, event_time FROM stories"))
for args, order in ((["stories", "--json"], -1),
                    (["thread", str(threads[0][0]), "--json"], 1),
                    (["search", "--json", "Ciaran"], 0)):
    r = cli(w, *args)
    v = json.loads(r.stdout) if r.returncode == 0 else None
    got = (v or {}).get("stories") if isinstance(v, dict) else v
    got = got or []
    times = [x.get("event_time") for x in got]
    t.ok(len(got) == 3 and times == [stored[x["id"]] for x in got],
         "%s: each story's event_time, the time the line shows" % " ".join(args),
         "%s\n%s" % (r.stderr, [(x["id"], x.get("event_time")) for x in got]))
    if order:
        t.ok(None not in times and times == sorted(times, reverse=order < 0),
             "%s: the stories in the order of their event_time" % " ".join(args), times)
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")
w.cleanup()
t.done()
