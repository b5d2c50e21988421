#!/usr/bin/env python3
"""Deduplication through the real daemon: the same item again (changed or
not), the same article in two feeds, a wire copy from another publisher,
and the negative cases (same headline, different articles; a meaningful
query parameter), read back with SQL."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

WIRE = ("Negotiators from the two countries agreed on Tuesday to extend the "
        "grain corridor through the strait for another 120 days, officials said, "
        "after three days of talks hosted by the port authority. Shipping "
        "companies welcomed the deal, which keeps insurance premiums capped and "
        "allows inspections at sea rather than in harbour. Farmers' groups said "
        "the extension would let the autumn harvest reach buyers before winter. "
        "Under the agreement, vessels carrying wheat, maize and sunflower oil will "
        "continue to sail in convoys escorted by coast guard patrols, and a joint "
        "coordination centre will keep publishing daily schedules of departures. "
        "The centre's staff of forty inspectors will be expanded to sixty by the "
        "end of the month, according to a statement released after the signing. "
        "Exporters had warned that a lapse would strand more than two million "
        "tonnes of grain in silos along the coast and push up bread prices in "
        "importing countries across North Africa and the Middle East. Futures for "
        "wheat fell almost three percent in early trading after the announcement, "
        "their steepest one-day drop since the spring. The United Nations food "
        "agency said the deal was an important step for global food security and "
        "urged both sides to make the arrangement permanent. Diplomats said a "
        "further round of talks on mine clearance and compensation for damaged "
        "ships would begin next month in Geneva, with insurers and shipowners "
        "invited to attend as observers for the first time.")
WIRE_COPY = ("ISTANBUL (Wire) — " + WIRE.replace("officials said", "officials told reporters"))
OTHER = ("The city council approved a new budget for road repairs on Tuesday, "
         "with most of the money going to bridges damaged in last spring's "
         "floods. Work on the river crossing starts in March and should take "
         "eighteen months, the council's engineer said at the meeting.")


def rss(title, items):
    return rss_doc(title, "http://%s.example/" % title.lower(), items)


t = Tap()
srv = Server()
alpha = [
    {"guid": "a-1", "title": "Grain corridor extended for 120 days",
     "link": "https://alpha.example/news/grain-corridor", "text": WIRE},
    {"guid": "a-2", "title": "Business Highlights",
     "link": "https://alpha.example/news/highlights?id=2", "text": "Markets."},
    {"guid": "a-3", "title": "Council approves road budget",
     "link": "https://alpha.example/news/roads", "text": OTHER},
]
# Beta carries alpha's grain story (tracking parameters, other scheme case)
# and its own items.
beta = [
    {"guid": "b-1", "title": "Grain corridor extended",
     "link": "HTTPS://Alpha.Example/news/grain-corridor?utm_source=beta&utm_medium=rss#top",
     "text": WIRE},
    {"guid": "b-2", "title": "Business Highlights",
     "link": "https://alpha.example/news/highlights?id=3", "text": "Bonds."},
]
# Gamma, another publisher, prints the wire copy under its own URL.
gamma = [
    {"guid": "g-1", "title": "Strait grain deal extended by four months",
     "link": "https://gamma.example/world/grain", "text": WIRE_COPY,
     "date": "Tue, 10 Nov 2026 09:30:00 GMT"},
    {"guid": "g-2", "title": "Business Highlights",
     "link": "https://gamma.example/biz/highlights", "text": "Stocks."},
]
srv.put("/alpha.xml", rss("Alpha", alpha))
srv.put("/beta.xml", rss("Beta", beta))
srv.put("/gamma.xml", rss("Gamma", gamma))
w = Workdir()
w.write_config([srv.url("/alpha.xml"), srv.url("/beta.xml"), srv.url("/gamma.xml")])

r = w.run_once()
t.eq(r.returncode, 0, "first run exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))
count = lambda q, p=(): w.sql(q, p)[0][0]  # noqa: E731
t.eq(count("SELECT count(*) FROM stories"), 6,
     "seven items, one of them the same article in two feeds: six stories")
sid = w.sql("SELECT id FROM stories WHERE canonical_url = 'https://alpha.example/news/grain-corridor'")
t.eq(len(sid), 1, "the canonical URL drops tracking parameters, fragment and case")
feeds_of = count("SELECT count(*) FROM story_feeds WHERE story_id = ?", (sid[0][0] if sid else 0,))
t.eq(feeds_of, 2, "that story is listed in both feeds (story_feeds)")
t.eq(count("SELECT count(*) FROM stories WHERE link LIKE '%highlights?id=%'"), 2,
     "the same URL with a meaningful query parameter stays two stories")

copy = w.sql("SELECT duplicate_of, thread_id FROM stories WHERE link = 'https://gamma.example/world/grain'")
orig = w.sql("SELECT id, thread_id FROM stories WHERE canonical_url = 'https://alpha.example/news/grain-corridor'")
t.ok(copy and orig and copy[0][0] == orig[0][0],
     "the wire copy from another publisher is duplicate_of the original", (copy, orig))
t.ok(copy and orig and copy[0][1] is not None and copy[0][1] == orig[0][1],
     "and lands in the original's thread", (copy, orig))
t.eq(count("SELECT count(*) FROM stories WHERE title = 'Business Highlights' AND duplicate_of IS NOT NULL"), 0,
     "generic headlines are never copies")
t.eq(count("SELECT count(*) FROM stories WHERE link = 'https://alpha.example/news/roads' AND duplicate_of IS NOT NULL"), 0,
     "a different article is not a copy")

# Level 1: the same items again; one changed.
seq_before = count("SELECT max(seq) FROM stories")
alpha[2]["text"] = OTHER + " The vote was 21 to 4."
srv.put("/alpha.xml", rss("Alpha", alpha))
r = w.run_once()
t.eq(r.returncode, 0, "second run exits 0")
t.eq(count("SELECT count(*) FROM stories"), 6, "the same items again are not new stories")
t.ok("21 to 4" in (w.sql("SELECT summary FROM stories WHERE link = 'https://alpha.example/news/roads'")[0][0] or ""),
     "a changed item updates its row")
t.ok(count("SELECT seq FROM stories WHERE link = 'https://alpha.example/news/roads'") > seq_before,
     "and its seq moves past every earlier change")
t.eq(count("SELECT count(*) FROM stories WHERE seq > ?", (seq_before,)), 1,
     "only the changed story has a new seq")
t.eq(w.sql("SELECT s.link FROM stories_fts JOIN stories s ON s.id = stories_fts.rowid"
           " WHERE stories_fts MATCH '\"21 to 4\"'"), [("https://alpha.example/news/roads",)],
     "the search index has the updated text")
t.eq(w.fts_ok(), True, "the search index matches the stories (FTS5 integrity-check)")

# A feed that gives every item a new guid on every fetch.
rot = [{"guid": "r-%d-1" % i, "title": "Rotating item %d about the harbour tunnel" % i,
        "link": "https://rot.example/item/%d" % i, "text": "Item %d." % i} for i in range(5)]
srv.put("/rot.xml", rss("Rot", rot))
w.write_config([srv.url("/alpha.xml"), srv.url("/beta.xml"), srv.url("/gamma.xml"), srv.url("/rot.xml")])
# Each run's exit status is checked: what follows says that nothing
# changed, which a run that failed (under `make integration-san`, a memory
# error or leak: status 1) satisfies as well.
r = w.run_once()
t.ok(r.returncode == 0, "a run with the rotating feed exits 0", r.stderr[-2000:])
before = count("SELECT count(*) FROM stories")
for n in (2, 3):
    for i, it in enumerate(rot):
        it["guid"] = "r-%d-%d" % (i, n)
    srv.put("/rot.xml", rss("Rot", rot))
    r = w.run_once()
    t.ok(r.returncode == 0, "its guids all new (%d): the run exits 0" % n, r.stderr[-2000:])
t.eq(count("SELECT count(*) FROM stories"), before, "rotating guids never make new stories")
t.eq(w.sql("SELECT guids_rotate FROM feeds WHERE url = ?", (srv.url("/rot.xml"),)), [(1,)],
     "the feed is detected as rotating its guids and known by link")
# One guid on several items of one document (a generator that stamps the
# same guid on every item): one item by the documented rule, and the same
# document again changes nothing.  Served without validators, so that
# every run parses and stores the body again.
same_doc = rss("Same", [{"guid": "urn:same:notice", "title": "Ferry timetable notice %d" % i,
                         "link": "https://same.example/notice/%d" % i,
                         "text": "Sailings on route %d change from Monday." % i,
                         "date": "Tue, 10 Nov 2026 0%d:00:00 GMT" % (7 - i)}
                        for i in range(3)]).encode()
srv.routes["/same.xml"] = lambda h: h.reply(200, same_doc, "application/rss+xml")
w.write_config([srv.url("/same.xml")])
r = w.run_once()
t.ok(r.returncode == 0, "a run with one guid on several items exits 0", r.stderr[-2000:])
same_rows = w.sql("SELECT id, title, seq FROM stories WHERE guid = 'urn:same:notice'")
t.eq([row[1] for row in same_rows], ["Ferry timetable notice 0"],
     "items sharing one guid are one story: the newest of them")
seq_before = count("SELECT value FROM meta WHERE key = 'seq'")
for n in (2, 3):
    r = w.run_once()
    t.ok(r.returncode == 0, "that document again (%d): the run exits 0" % n, r.stderr[-2000:])
t.eq(w.sql("SELECT id, title, seq FROM stories WHERE guid = 'urn:same:notice'"), same_rows,
     "the unchanged document polled again leaves that story as it was (no update, same seq)")
t.eq(count("SELECT value FROM meta WHERE key = 'seq'"), seq_before, "nothing in the database changed")

t.eq(count("PRAGMA integrity_check"), "ok", "integrity_check is ok")
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
