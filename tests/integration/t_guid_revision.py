#!/usr/bin/env python3
"""The BBC's feeds give an article's guid a number after a "#" that grows
each time the article is republished ("...articles/c9dj3k2l1p0o#0", then
"#1"...), under the same link.  Within 18 hours of its first listing the
new guid was taken as the story's new key and the edit stored; later, by
the rule for a "/live" address that points at each day's new live blog
(docs/dedup.md, level 1), it was taken for the same article again and
its edit was not stored: a developing story revised the next morning
kept the previous day's headline and text for good.  A guid that is the
old one with another number after its "#" is a new version of that very
item, however old; a "/live" address under another guid, or another
fragment that is no number, is still not taken for yesterday's story.

The daemon runs on a clock moved forward by libfaketime."""
import email.utils
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, SITE_HEADLINES, polls_at  # noqa: E402
import invariants  # noqa: E402

HOUR = 3600
t = Tap()
srv = Server()
w = Workdir()
poll_at = polls_at(t, srv, w, "/bbc.xml", "BBC News", "https://www.bbc.co.uk/news")
BASE = int(time.time())
ART = "https://www.bbc.com/news/articles/c9dj3k2l1p0o"


def item(guid, title, text, link, hours):
    return {"guid": guid, "title": title, "text": text, "link": link,
            "date": email.utils.formatdate(BASE + hours * HOUR, usegmt=True)}


# The front page's other articles, the same at every poll (with them, the
# new guids are no feed whose guids all change at every fetch).
STEADY = [item("https://www.bbc.com/news/articles/s%d#0" % i, h, "Text of story %d." % i,
               "https://www.bbc.com/news/articles/s%d" % i, -i) for i, h in enumerate(SITE_HEADLINES[:5])]


def doc(rev, title, text, live, notes):
    return [item("%s#%d" % (ART, rev), title, text, ART + "?at_medium=RSS&at_campaign=rss", rev),
            item("https://www.bbc.com/news/live/%s" % live, "Live: %s" % live.replace("-", " "),
                 "Follow the latest on %s." % live.replace("-", " "),
                 "https://www.bbc.com/news/live", 0),
            item("https://www.bbc.com/news/notes#%s" % notes, "Editors' notes for %s" % notes,
                 "Corrections and clarifications of %s." % notes,
                 "https://www.bbc.com/news/notes", 0)] + STEADY


def stored(link):
    return w.sql("SELECT title, summary FROM stories WHERE link = ?", (link,))


w.write_config([srv.url("/bbc.xml")])
poll_at(0, doc(0, "Storm Bert: Flood warnings remain across Wales",
               "Dozens of flood warnings are still in place after heavy rain.",
               "budget-day", "monday"))
poll_at(3, doc(1, "Storm Bert: Man dies as floods hit Wales",
               "A man has died after floods hit south Wales, police say.",
               "budget-day", "monday"))
t.eq(stored(ART + "?at_medium=RSS&at_campaign=rss"),
     [("Storm Bert: Man dies as floods hit Wales",
       "A man has died after floods hit south Wales, police say.")],
     "the article's second version, hours later, is stored")
poll_at(26, doc(2, "Storm Bert: Clean-up begins after deadly floods in Wales",
                "Residents return to flooded homes across south Wales.",
                "election-night", "tuesday"))
t.eq(stored(ART + "?at_medium=RSS&at_campaign=rss"),
     [("Storm Bert: Clean-up begins after deadly floods in Wales",
       "Residents return to flooded homes across south Wales.")],
     "its third version, a day after the first, is stored too")
t.eq(stored("https://www.bbc.com/news/live"),
     [("Live: budget day", "Follow the latest on budget day.")],
     "a /live address's next day's blog under another guid is not yesterday's story")
t.eq(stored("https://www.bbc.com/news/notes"),
     [("Editors' notes for monday", "Corrections and clarifications of monday.")],
     "nor is an item whose guid has another fragment that is no number")
poll_at(27, doc(2, "Storm Bert: Clean-up begins after deadly floods in Wales",
                "Residents return to flooded homes across south Wales.",
                "election-night", "tuesday"))
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 8, "eight stories, none stored twice")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
