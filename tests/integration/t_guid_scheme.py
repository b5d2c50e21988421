#!/usr/bin/env python3
"""A feed whose CMS moved to another guid scheme (docs/dedup.md, "Feeds
whose guids change on every fetch"): its items came back under new guids
and with `?utm_source=rss` on their links, and it was known by link for
one poll.  The items new in the poll that turned it back to its guids
were stored under their link keys, and the next poll found them only
through their canonical URLs, as another feed's copies: a headline
corrected then was never stored, and a draft's address replaced by the
final one made the article a second story.  Now each item of that
document is known by its guid from then on too.  Likewise the other way:
a feed whose guids rotate, once known by link, found its items of the
poll that showed it only through their canonical URLs at the next, and
a headline corrected then was lost.  And an item whose link was replaced
in the poll that turns the feed back to its guids (the new guids of the
poll before repeating) was known by its new link, a new item: a second
story of the feed's one article, a copy of the first that kept its
first headline for good.  Now it is the story its guid has."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

t = Tap()
srv = Server()
w = Workdir()
w.write_config([srv.url("/site.xml")])
HEADS = ["Council approves new budget for the harbour tunnel project",
         "Storm floods coastal villages after record rainfall overnight",
         "Tram drivers announce strike over pay and working hours",
         "University opens research centre for quantum computing",
         "Police arrest suspect in museum painting theft case"]
items = [{"guid": "old-%d" % i, "title": h, "link": "https://site.example/news/%d" % i,
          "text": "Text of story %d." % i, "date": "Tue, 10 Nov 2026 0%d:00:00 GMT" % i}
         for i, h in enumerate(HEADS)]


def poll():
    srv.put("/site.xml", rss_doc("Site", "https://site.example/", items))
    r = w.run_once()
    if r.returncode:
        print("# " + r.stderr.replace("\n", "\n# "))
    return w.sql("SELECT guids_rotate FROM feeds")[0][0]


poll()
for i, it in enumerate(items):            # the new CMS
    it["guid"] = "https://site.example/?p=%d" % (100 + i)
    it["link"] += "?utm_source=rss"
t.eq(poll(), 1, "the same items under new guids: known by link")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 5, "no story stored again")

items[:0] = [{"guid": "https://site.example/?p=200", "title": "Mayor resigns after expenses scandal",
              "link": "https://site.example/news/mayor?utm_source=rss", "text": "First text.",
              "date": "Tue, 10 Nov 2026 09:00:00 GMT"},
             {"guid": "https://site.example/?p=201", "title": "Ferry service to the islands resumes",
              "link": "https://site.example/?p=201&preview=true", "text": "Ferry text.",
              "date": "Tue, 10 Nov 2026 09:30:00 GMT"}]
t.eq(poll(), 0, "new items under the new guids: known by guid again")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 7, "two new stories")

items[0]["title"] = "Mayor resigns after expenses scandal, deputy takes over"
items[0]["text"] = "Corrected text."
items[1]["link"] = "https://site.example/news/ferry-resumes?utm_source=rss"
poll()
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 7, "the final address is no new story")
t.eq(w.sql("SELECT title, summary FROM stories WHERE guid = 'https://site.example/?p=200'"),
     [("Mayor resigns after expenses scandal, deputy takes over", "Corrected text.")],
     "the corrected headline and text are stored")
t.eq(w.sql("SELECT link FROM stories WHERE guid = 'https://site.example/?p=201'"),
     [("https://site.example/news/ferry-resumes?utm_source=rss",)],
     "the story moved to the final address")
t.eq(w.sql("SELECT count(DISTINCT feed_id) FROM story_feeds")[0][0], 1, "all carried by the one feed")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")


# A feed whose guids rotate at every fetch: the headline corrected in
# the first poll after it is known by link is stored.
w2 = Workdir()
w2.write_config([srv.url("/rot.xml")])
rot = [{"title": h, "link": "https://rot.example/%d" % i, "text": "Rot %d." % i,
        "date": "Tue, 10 Nov 2026 0%d:00:00 GMT" % i} for i, h in enumerate(HEADS)]
for n in range(1, 4):
    for i, it in enumerate(rot):
        it["guid"] = "r-%d-%d" % (i, n)
    if n == 3:
        rot[0]["title"] = "Council approves revised budget for the harbour tunnel"
    srv.put("/rot.xml", rss_doc("Rot", "https://rot.example/", rot))
    w2.run_once()
t.eq(w2.sql("SELECT guids_rotate FROM feeds")[0][0], 1, "rotating guids: known by link")
t.eq(w2.sql("SELECT title FROM stories WHERE link = 'https://rot.example/0'"),
     [("Council approves revised budget for the harbour tunnel",)],
     "rotating guids: the corrected headline is stored")
t.eq(w2.sql("SELECT count(*) FROM stories")[0][0], 5, "rotating guids: five stories")

# The CMS moves to new guids (known by link for a poll), and in the next
# document, whose guids repeat, the last item has its final address.
w3 = Workdir()
w3.write_config([srv.url("/cms.xml")])
cms = [{"guid": "old-%d" % i, "title": h, "link": "https://cms.example/news/%d" % i,
        "text": "Cms %d." % i, "date": "Tue, 10 Nov 2026 0%d:00:00 GMT" % i}
       for i, h in enumerate(HEADS)]
modes = []
for n in range(4):
    if n == 1:
        for i, it in enumerate(cms):
            it["guid"] = "https://cms.example/?p=%d" % (100 + i)
    if n == 2:
        cms[4]["link"] = "https://cms.example/news/painting-theft-arrest"
    if n == 3:
        cms[4]["title"] = "Police charge suspect in museum painting theft case"
    srv.put("/cms.xml", rss_doc("Cms", "https://cms.example/", cms))
    w3.run_once()
    modes.append(w3.sql("SELECT guids_rotate FROM feeds")[0][0])
t.eq(modes, [0, 1, 0, 0], "new guids: known by link for a poll, by guid once they repeat")
t.eq(w3.sql("SELECT count(*) FROM stories")[0][0], 5,
     "the final address in the poll that turns it back is no new story")
t.eq(w3.sql("SELECT link, title FROM stories WHERE guid = 'https://cms.example/?p=104'"),
     [("https://cms.example/news/painting-theft-arrest",
       "Police charge suspect in museum painting theft case")],
     "the story moved to the final address and takes the corrected headline")
t.eq(invariants.check(w3.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w3.cleanup()
w2.cleanup()
w.cleanup()
t.done()
