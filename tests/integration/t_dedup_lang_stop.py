#!/usr/bin/env python3
"""Level 3's "distinctive" rule (docs/dedup.md) in languages beyond the
stop list of English and a few others, through the real daemon: two
sites' headline-only items that share mostly function words ("что", "о",
"с"; "از", "چه", "و"; "ما", "لا", "عن") and one word of their own each.
Counted as content, those words made both headlines distinctive; their
fingerprints were within the copy bounds, so the second was marked a copy
(duplicate_of) of the first and put in its thread, its own words never
looked at.  A feed tagged with the language now counts by that language's
stop words (daemon/stop_words.h); an untagged one as before.  A
distinctive headline stays so: the wire headline two sites print alike is
a copy, in the running daemon and after a restart."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

PAIRS = {
    # "What is known about what happened with the fire / with Syria"
    "ru": ("Что известно о том, что произошло с пожаром",
           "Что известно о том, что произошло с Сирией"),
    # "What do we know about corona / the dollar, and what must be done"
    "fa": ("از کرونا چه می\u200cدانیم و چه باید کرد",
           "از دلار چه می\u200cدانیم و چه باید کرد"),
    # "What we know and what we do not about the earthquake / the elections"
    "ar": ("ما نعرفه وما لا نعرفه عن الزلزال",
           "ما نعرفه وما لا نعرفه عن الانتخابات"),
}
# One wire headline, word for word, on two Persian sites (Persian yeh and
# kaf, and a ZWNJ inside words, as Persian keyboards type them).
WIRE_FA = "رئیس\u200cجمهور ایران در سفر به چین با شی جین\u200cپینگ دیدار کرد"


def item(site, n, title, hour):
    return {"guid": "%s-%d" % (site, n), "title": title, "text": "",
            "link": "https://%s.example/news/%d" % (site, n),
            "date": "Tue, 10 Nov 2026 %02d:00:00 GMT" % hour}


t = Tap()
srv = Server()
urls = {"tagged": [], "untagged": []}
for lang, (a, b) in PAIRS.items():
    for tag in (lang, None):
        # one site's item, then the other site's an hour later
        name = "%s-%s" % (lang, "tagged" if tag else "untagged")
        for side, title, hour in (("one", a, 8), ("two", b, 9)):
            site = "%s-%s" % (name, side)
            srv.put("/%s.xml" % site, rss_doc(site, "https://%s.example/" % site,
                                              [item(site, 1, title, hour)], lang=tag))
            urls["tagged" if tag else "untagged"].append(srv.url("/%s.xml" % site))
for side, hour in (("one", 8), ("two", 9)):
    site = "wire-%s" % side
    srv.put("/%s.xml" % site, rss_doc(site, "https://%s.example/" % site,
                                      [item(site, 1, WIRE_FA, hour)], lang="fa-IR"))
# And one on two Czech sites, of five content words, one of them "byt" (a
# flat), which the stop word "být" reads as with its mark stripped: it was
# left out of the count, the headline not distinctive, and its copy none.
WIRE_CS = "Nový byt v Praze za rekordní cenu"
for side, hour in (("one", 8), ("two", 9)):
    site = "wirecs-%s" % side
    srv.put("/%s.xml" % site, rss_doc(site, "https://%s.example/" % site,
                                      [item(site, 1, WIRE_CS, hour)], lang="cs"))
# The untagged pairs in a database of their own: the tagged items have
# the same headlines, and so the same fingerprints.
wu = Workdir()
wu.write_config(urls["untagged"])
r = wu.run_once()
t.eq(r.returncode, 0, "the run of the untagged feeds exits 0")
w = Workdir()
# The wire's first site now, its second after a restart: the copy is
# found by the fingerprint stored with the first.
w.write_config(urls["tagged"] + [srv.url("/wire-one.xml"), srv.url("/wirecs-one.xml"),
                                 srv.url("/wirecs-two.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "the run exits 0")
if r.returncode:
    print("# " + r.stderr[-2000:].replace("\n", "\n# "))


def story(site, w=w):
    rows = w.sql("SELECT id, duplicate_of, thread_id, simhash FROM stories WHERE link = ?",
                 ("https://%s.example/news/1" % site,))
    return rows[0] if rows else None


for lang in PAIRS:
    one, two = story("%s-tagged-one" % lang), story("%s-tagged-two" % lang)
    t.ok(one and two and one[1] is None and two[1] is None,
         "%s: two different headlines of mostly function words, feeds tagged %s: neither "
         "is a copy" % (lang, lang), (one, two))
    t.ok(one and two and one[3] is None and two[3] is None,
         "%s: and neither is stored with a fingerprint (not distinctive)" % lang, (one, two))
    # Untagged, the count is the one of the list for English and the
    # European languages, as before: the pair's fingerprints (which no
    # tag changes) are within the copy bounds.
    one, two = story("%s-untagged-one" % lang, wu), story("%s-untagged-two" % lang, wu)
    # (the feeds' fetches race: either may be stored first)
    t.ok(one and two and (two[1] == one[0] or one[1] == two[0]) and two[2] == one[2],
         "%s: untagged, the same two headlines count as before (a copy)" % lang, (one, two))

one, two = story("wirecs-one"), story("wirecs-two")
t.ok(one and two and (two[1] == one[0] or one[1] == two[0]) and two[2] == one[2],
     "cs: a wire headline with \"byt\" (a flat, not the stop word \"být\") on two sites "
     "is a copy, in one thread", (one, two))
wire1 = story("wire-one")
t.ok(wire1 and wire1[3] is not None, "a distinctive Persian headline, tagged fa-IR, has a fingerprint",
     wire1)
# a restart (--once again), then the second site's copy
w.write_config(urls["tagged"] + [srv.url("/wire-one.xml"), srv.url("/wire-two.xml"),
                                 srv.url("/wirecs-one.xml"), srv.url("/wirecs-two.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "the run after a restart exits 0")
wire2 = story("wire-two")
t.ok(wire1 and wire2 and wire2[1] == wire1[0] and wire2[2] == wire1[2],
     "its copy from another site is a copy of it, in its thread", (wire1, wire2))
for lang in PAIRS:
    one, two = story("%s-tagged-one" % lang), story("%s-tagged-two" % lang)
    t.ok(one and two and one[1] is None and two[1] is None,
         "%s: after the restart, still no copies" % lang, (one, two))
t.done()
