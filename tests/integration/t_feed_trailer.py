#!/usr/bin/env python3
"""WordPress ends every item's text with "The post <title> appeared first
on <site>.", other feeds with "Read more »" or "Continue reading
<title>": a line the feed gives each item, the same but for the item's
own title (daemon/brand.h).  Sites that republish each other's articles
(a newsroom network, each on WordPress) carry one article under one
headline and one lede, each with its own site's footer: the footers
made the copies' texts differ, and none was found a copy (docs/dedup.md,
level 3); an item whose text was the footer alone had a "distinctive"
text of its own and was not compared by its headline either.  The line
is the feed's: cut from the stored summary and from what the item is
compared and threaded by; a text that is nothing else stays stored and
the item is compared by its headline, as one whose text the feed gives
other items word for word."""
import html
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

t = Tap()
srv = Server()

FLOOD = ("Flood waters rise along the Ogeechee River",
         "Residents of three counties were told to leave their homes on Tuesday as the "
         "Ogeechee River rose past its banks after four days of rain")
PRISON = ("Audit finds staffing shortfall at state prisons", None)
OTHERS = [("Lawmakers weigh tax rebate for rural hospitals",
           "A House committee heard testimony on a plan to send rebates to hospitals "
           "serving counties with fewer than fifty thousand people"),
          ("School board approves new literacy curriculum",
           "The state school board voted to adopt a reading curriculum built on phonics "
           "for kindergarten through third grade"),
          ("Utility regulators delay vote on rate increase",
           "The Public Service Commission postponed a decision on the power company's "
           "request until after the hearings next month")]


def item(site, host, n, title, lede, hour):
    link = "https://%s/2026/11/10/%d/" % (host, n)
    body = '<p>%s [&#8230;]</p>' % lede if lede else ""
    body += ('<p>The post <a href="%s">%s</a> appeared first on <a href="https://%s">%s</a>.</p>'
             % (link, title, host, site))
    return {"title": title, "link": link, "text": html.escape(body),
            "date": "Tue, 10 Nov 2026 %02d:00:00 GMT" % hour}


def site_feed(site, host, stories, hour):
    return rss_doc(site, "https://%s/" % host,
                   [item(site, host, n, ti, le, hour + n) for n, (ti, le) in enumerate(stories)])


srv.put("/recorder.xml", site_feed("Georgia Recorder", "georgiarecorder.example",
                                   [FLOOD, PRISON] + OTHERS[:2], 8))
srv.put("/current.xml", site_feed("Coastal Current", "coastalcurrent.example",
                                  [FLOOD, PRISON] + OTHERS[2:], 12))
# A theme's "Continue reading" in the lede's own paragraph, after the
# ellipsis that cuts it: the end of the line after the ellipsis is the
# feed's.
LEDES = ["Crews spent the night clearing fallen trees from the coastal highway",
         "The county commission voted to extend the beach curfew through the weekend",
         "Volunteers filled sandbags at the fairgrounds as forecasters warned of"]
srv.put("/islander.xml", rss_doc("Islander", "https://islander.example/", [
    {"title": "Story %d of the storm" % n, "link": "https://islander.example/%d/" % n,
     "text": html.escape('<p>%s&#8230; <a href="https://islander.example/%d/">Continue reading '
                         '<span class="meta-nav">&#8594;</span></a></p>' % (lede, n)),
     "date": "Tue, 10 Nov 2026 0%d:00:00 GMT" % n} for n, lede in enumerate(LEDES)]))
w = Workdir()
w.write_config([srv.url("/recorder.xml"), srv.url("/current.xml"), srv.url("/islander.xml")],
               extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")


def copies(title):
    return w.sql("SELECT s.host, o.host FROM stories s JOIN stories o ON o.id = s.duplicate_of"
                 " WHERE s.title = ?", (title,))


t.eq(copies(FLOOD[0]), [("coastalcurrent.example", "georgiarecorder.example")],
     "the republished article, its lede and another site's footer: a copy of the first")
t.eq(copies(PRISON[0]), [("coastalcurrent.example", "georgiarecorder.example")],
     "one whose text is the footer alone: a copy by its headline")
t.eq(w.sql("SELECT count(*) FROM stories WHERE duplicate_of IS NOT NULL")[0][0], 2,
     "and nothing else is a copy")
t.eq(w.sql("SELECT count(DISTINCT thread_id) FROM stories WHERE title = ?", (FLOOD[0],))[0][0], 1,
     "the copies share a thread")
t.eq(w.sql("SELECT summary FROM stories WHERE title = ? AND host = ?",
           (FLOOD[0], "georgiarecorder.example")),
     [(FLOOD[1] + " [\u2026]",)], "the summary is stored without the footer, its lede whole")
t.eq(w.sql("SELECT summary FROM stories WHERE title = ? AND host = ?",
           (PRISON[0], "georgiarecorder.example")),
     [("The post %s appeared first on Georgia Recorder." % PRISON[0],)],
     "a summary that is the footer alone is stored as it is")

t.eq(w.sql("SELECT summary FROM stories WHERE host = 'islander.example' ORDER BY id"),
     [(lede + "\u2026",) for lede in LEDES],
     "a feed's 'Continue reading' after the ellipsis: cut, the ellipsis kept")

# Polled again after a restart: nothing changed, nothing is updated.
before = w.sql("SELECT id, thread_id, duplicate_of, summary, seq FROM stories ORDER BY id")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once again exits 0")
t.eq(w.sql("SELECT id, thread_id, duplicate_of, summary, seq FROM stories ORDER BY id"), before,
     "the same feeds again: every story as it was")

srv.stop()
w.cleanup()
t.done()
