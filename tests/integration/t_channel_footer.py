#!/usr/bin/env python3
"""A text that a feed gives its other items too (a YouTube channel's
footer on every upload, a podcast's blurb on every episode) is the
feed's, not the item's (docs/dedup.md), and says nothing of what the
item tells.  Threaded by it, a channel's video of a hurricane and its
next one, of a budget vote, shared a thread.  It is left out of
threading, live and in the replay a restart makes (docs/threads.md)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, youtube_channel, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD)
srv = Server()


# One channel, unrelated videos, one footer: a thread each.
TOPICS = ["Hurricane Milton makes landfall near Siesta Key",
          "Senate passes stopgap funding bill averting shutdown",
          "Wildfire forces evacuations in Ventura County",
          "Jobs report shows unemployment steady at four percent",
          "Lakers beat Celtics in overtime thriller"]
FOOTER = ("Subscribe to Harbour Daily on YouTube for breaking news, live coverage and "
          "exclusive interviews every weekday. Follow Harbour Daily on Instagram, TikTok "
          "and Facebook. Harbour Daily is an independent newsroom covering politics, "
          "weather, business and sports.")


def uploads(n):
    return youtube_channel("UChd", "Harbour Daily", FOOTER,
                   [("hd%02d" % i, TOPICS[i], "2026-11-10T%02d:00:00+00:00" % (8 + i))
                    for i in range(n)])


srv.put("/hd.xml", uploads(3), "application/atom+xml")
w = Workdir()
w.write_config([srv.url("/hd.xml")])
t.eq(w.run_once().returncode, 0, "tidingsd --once exits 0")
srv.put("/hd.xml", uploads(5), "application/atom+xml")
t.eq(w.run_once().returncode, 0, "tidingsd --once again (a restart's replay) exits 0")
threads = w.sql("SELECT thread_id, group_concat(title, ' / ') FROM stories"
                " GROUP BY thread_id HAVING count(*) > 1")
t.eq(threads, [], "a channel's unrelated videos with one footer: no thread holds two")
t.eq(w.sql("SELECT count(*) FROM stories WHERE duplicate_of IS NOT NULL")[0][0], 0,
     "and none is a copy of another")
w.cleanup()

# The stories a restart replays are threaded as they were stored, without
# their footer: a follow-up that joins one's thread after a restart
# leaves keywords from the headlines, as it did without the restart.
FOLLOW = ("hd09", "Hurricane Milton landfall near Siesta Key leaves millions without power",
          "2026-11-10T13:00:00+00:00")
srv.put("/hd.xml", uploads(2), "application/atom+xml")
w = Workdir()
w.write_config([srv.url("/hd.xml")])
t.eq(w.run_once().returncode, 0, "tidingsd --once exits 0")
srv.put("/hd.xml", youtube_channel("UChd", "Harbour Daily", FOOTER,
                           [FOLLOW] + [("hd%02d" % i, TOPICS[i],
                                        "2026-11-10T%02d:00:00+00:00" % (8 + i))
                                       for i in range(2)]),
        "application/atom+xml")
t.eq(w.run_once().returncode, 0, "tidingsd --once again, with a follow-up: exits 0")
rows = w.sql("SELECT t.story_count, t.keywords FROM threads t JOIN stories s"
             " ON s.thread_id = t.id WHERE s.title = ?", (FOLLOW[1],))
footer_words = {x.strip(".,:").lower() for x in FOOTER.split()}
t.ok(len(rows) == 1 and rows[0][0] == 2 and
     not {k.strip().lower() for k in rows[0][1].split(",")} & footer_words,
     "the follow-up joined the first report's thread, its keywords none of the footer's",
     rows)

srv.stop()
w.cleanup()
t.done()
