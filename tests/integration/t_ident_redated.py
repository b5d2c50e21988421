#!/usr/bin/env python3
"""Items with neither guid nor link are known by their title and date
(docs/dedup.md, level 1, "h:").  A date read otherwise than when the item
was stored made another key, and the item a second story, text for text
the first: an upgrade that reads "10:00:00 CEST" as 08:00 UTC where the
version before read 10:00 UTC, or "Monday, 30 Nov 2026 10:00:00" at all,
stored every such item still listed again (and a feed whose server moved
to another zone did the same).  Here the stored state an older version
left is made by serving the dates it read; the same items dated as the
new reading has them must find their stories.  Items that really differ
keep apart: a recurring headline with other text, two entries of one
document alike but for their dates, a date moved by days, the same words
posted again a day later by a feed that lists its newest item alone."""
import email.utils
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, TIDINGSD  # noqa: E402
import invariants  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()
w = Workdir()
w.write_config([srv.url("/h.xml")], extra="retention = 0")

TEXT = ("The harbour board approved the ferry timetable for the winter after a long debate "
        "about fares, crews and the terminal's opening hours, item %s.")


def doc(items):
    """RSS whose items have a title, a text and maybe a date; no guid, no link."""
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
           '<title>H</title><link>http://h.example/</link>']
    for title, text, date in items:
        out.append("<item><title>%s</title>%s<description>%s</description></item>" % (
            title, "<pubDate>%s</pubDate>" % date if date else "", text))
    out.append("</channel></rss>")
    return "".join(out)


failed_runs = []


def poll(items):
    srv.put("/h.xml", doc(items))
    r = w.run_once()
    if r.returncode:
        failed_runs.append(r.stderr)
    return r


def stories():
    return w.sql("SELECT id, title, ident FROM stories ORDER BY id")


# As an older version stored them: the zone name not read (10:00 UTC),
# the day name without a zone not read at all.
before = [("Ferry timetable approved", TEXT % "a", "Mon, 30 Nov 2026 10:00:00 GMT"),
          ("Bridge works start", TEXT % "b", None),
          ("Library opens late", TEXT % "c", "Sun, 29 Nov 2026 22:15:00 +0000"),
          ("Weekly digest", TEXT % "d1", "Mon, 23 Nov 2026 09:00:00 GMT"),
          ("Market moves", TEXT % "e", "Mon, 30 Nov 2026 07:00:00 GMT")]
poll(before)
first = stories()
t.eq(len(first), 5, "five items, five stories")
ids = {title: i for i, title, _ in first}

# As the new reading has them.
after = [("Ferry timetable approved", TEXT % "a", "Mon, 30 Nov 2026 10:00:00 CEST"),
         ("Bridge works start", TEXT % "b", "Monday, 30 Nov 2026 10:00:00"),
         ("Library opens late", TEXT % "c", "Sun, 29 Nov 2026 22:15:00 BST"),
         # another week's digest: the same headline, another text
         ("Weekly digest", TEXT % "d2", "Mon, 30 Nov 2026 09:00:00 GMT"),
         # the same text a feed dated three days later: a new item
         ("Market moves", TEXT % "e", "Thu, 03 Dec 2026 07:00:00 GMT")]
poll(after)
second = stories()
t.eq(len(second), 7, "the re-dated items are their stories; a new digest and a moved date are new")
now = {}
for i, title, ident in second:
    now.setdefault(title, []).append(i)
for title in ("Ferry timetable approved", "Bridge works start", "Library opens late"):
    t.eq(now.get(title), [ids[title]], "%r: one story, the one stored first" % title)
t.eq(len(now.get("Weekly digest", [])), 2, "a recurring headline with another text is another story")
t.eq(len(now.get("Market moves", [])), 2, "a date moved by days makes another item")
t.eq(w.sql("SELECT count(*) FROM story_feeds")[0][0], 7, "one story_feeds row a story")
t.eq(w.sql("SELECT count(*) FROM stories s JOIN story_feeds sf ON sf.story_id = s.id"
           " AND sf.feed_id = s.feed_id AND sf.ident = s.ident")[0][0], 7,
     "each story's ident is its story_feeds row's")

snap = invariants.Snapshot(w.db)
poll(after)
t.eq(len(stories()), 7, "the same document again: no new story")
t.eq(invariants.Snapshot(w.db).since(snap), [], "and nothing rewritten without a new seq")

# Two entries of one document alike but for their dates (2 hours apart)
# are two items, and the stored one is not taken for the other.
w2 = Workdir()
w2.write_config([srv.url("/two.xml")], extra="retention = 0")
pair = [("Tide warning", TEXT % "t", "Tue, 01 Dec 2026 06:00:00 GMT")]
srv.put("/two.xml", doc(pair))
failed_runs += [r.stderr for r in [w2.run_once()] if r.returncode]
srv.put("/two.xml", doc(pair + [("Tide warning", TEXT % "t", "Tue, 01 Dec 2026 08:00:00 GMT")]))
failed_runs += [r.stderr for r in [w2.run_once()] if r.returncode]
t.eq(w2.sql("SELECT count(*) FROM stories")[0][0], 2,
     "an entry alike but for its date beside the stored one is a second item")

# A feed whose list has room for its newest item alone, posting the same
# words every day ("Backup completed"): each day's item is dated after the
# story of the day before was first seen, so it is another item, not that
# one re-dated (it took that story's key, and the day was lost).
w3 = Workdir()
w3.write_config([srv.url("/daily.xml")], extra="retention = 0")
day1 = int(time.time()) // 900 * 900 - 86400
daily = ("Backup completed", TEXT % "backup", None)


def rfc822(ts):
    return email.utils.formatdate(ts, usegmt=True)


srv.put("/daily.xml", doc([daily[:2] + (rfc822(day1),)]))
failed_runs += [r.stderr for r in [w3.run_once()] if r.returncode]
# As if polled when it was posted, a day ago, and read last ten minutes
# before the next day's post.
con = sqlite3.connect(w3.db)
con.execute("UPDATE stories SET first_seen = ?", (day1 + 300,))
con.execute("UPDATE story_feeds SET first_seen = ?", (day1 + 300,))
con.execute("UPDATE feeds SET last_fetch = ?1, last_success = ?1", (day1 + 86400 - 600,))
con.commit()
con.close()
srv.put("/daily.xml", doc([daily[:2] + (rfc822(day1 + 86400),)]))
failed_runs += [r.stderr for r in [w3.run_once()] if r.returncode]
t.eq(w3.sql("SELECT published FROM stories ORDER BY id"), [(day1,), (day1 + 86400,)],
     "the same words a day later, the day before no longer listed: two stories, each its day")

# A new reading later than the story was first seen: a feed polled
# within the hour of its posts, whose server's zone went from +02:00 to
# UTC (the same wall-clock time, "+0000" now: two hours later), or whose
# zoneless local times east of UTC an upgrade reads as UTC at all (an
# hour later for CET).  The feed was read after the new date, the story
# listed: it is the story still, not another (each was stored twice).
posted = int(time.time()) // 3600 * 3600 - 3 * 3600
for what, old, new, seen in [
        ("a server's zone from +02:00 to UTC",
         time.strftime("%a, %d %b %Y %H:%M:%S +0200", time.gmtime(posted + 7200)),
         time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(posted + 7200)), posted + 300),
        ("a CET local time without a zone newly read",
         None, time.strftime("%A, %d %b %Y %H:%M:%S", time.gmtime(posted + 3600)), posted + 300)]:
    w4 = Workdir()
    w4.write_config([srv.url("/late.xml")], extra="retention = 0")
    srv.put("/late.xml", doc([("Ferry timetable approved", TEXT % "late", old)]))
    failed_runs += [r.stderr for r in [w4.run_once()] if r.returncode]
    con = sqlite3.connect(w4.db)
    con.execute("UPDATE stories SET first_seen = ?", (seen,))
    con.execute("UPDATE story_feeds SET first_seen = ?", (seen,))
    con.commit()
    con.close()
    srv.put("/late.xml", doc([("Ferry timetable approved", TEXT % "late", new)]))
    failed_runs += [r.stderr for r in [w4.run_once()] if r.returncode]
    t.eq(w4.sql("SELECT count(*) FROM stories")[0][0], 1,
         "%s, read later than first seen: one story" % what)
    w4.cleanup()

t.eq(failed_runs, [], "every tidingsd --once run exited 0")
t.eq(invariants.check(w.db), [], "invariants hold")
t.eq(w.fts_ok(), True, "search index intact")
srv.stop()
w.cleanup()
w2.cleanup()
w3.cleanup()
t.done()
