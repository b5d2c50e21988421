#!/usr/bin/env python3
"""Publishers behind an aggregator: a Google News-style feed links every
item into its own site and names the publisher in <source url>; the
story's host, and so its thread's source_count, is that publisher's.  A
link to another site keeps its own host, and a source on the
aggregator's own site changes nothing.  The " - Publisher" the aggregator
appends to each headline, the <source>'s name, is not part of the stored
title, and so is no keyword; nor is the " | Daily Planet" a site puts on
every title of its own feed."""
import os
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGS, rss_doc  # noqa: E402

AGG = "https://news.agg.example"
# Headlines as Google News gives them, and the <source> each names.
CALL = [
    ("Xi and Trump discuss Taiwan, soybean purchases in phone call - Wire",
     ("https://www.wire.example", "Wire")),
    ("Trump and Xi hold phone call on soybeans and Taiwan - BBC",
     ("https://bbc.example/news", "BBC")),
    ("Xi tells Trump in phone call Taiwan is central; soybean purchases on track - Post",
     ("https://post.example/", "Post")),
]


def gnews(link, headline, name):
    """Google News's description: the headline linked, then the publisher
    (escaped HTML)."""
    return ('&lt;a href="%s" target="_blank"&gt;%s&lt;/a&gt;&amp;nbsp;&amp;nbsp;'
            '&lt;font color="#6f6f6f"&gt;%s&lt;/font&gt;' % (link, headline.rsplit(" - ", 1)[0], name))


t = Tap()
srv = Server()
items = [{"title": title, "text": gnews("%s/rss/articles/call%d?oc=5" % (AGG, i), title, src[1]),
          "link": "%s/rss/articles/call%d?oc=5" % (AGG, i),
          "guid": "call%d" % i, "date": "Mon, 24 Nov 2026 %02d:00:00 GMT" % (9 + i), "source": src}
         for i, (title, src) in enumerate(CALL)]
items += [
    # On the aggregator's site, no source named: the aggregator's host.
    {"title": "Glassblowers of Murano elect a furnace maker to chair their guild",
     "text": "The glassblowers of Murano elected Mirela Tanaskovic to chair their guild.",
     "link": AGG + "/rss/articles/murano", "guid": "murano", "date": "Mon, 24 Nov 2026 12:00:00 GMT"},
    # A source on the aggregator's own site (its parent domain): its host stands.
    {"title": "Lighthouse keepers' museum opens on Vlieland - Agg Frisian Desk",
     "text": "A museum for the lighthouse keepers of Vlieland opened on Monday.",
     "link": AGG + "/rss/articles/vlieland", "guid": "vlieland", "date": "Mon, 24 Nov 2026 12:10:00 GMT",
     "source": ("https://agg.example/frisian", "Agg Frisian")},
    # A link to the publisher itself: the link's host, whatever the source
    # says; its title does not end with the source's name, so its text
    # stays whole even though it does.
    {"title": "Orchard growers in Kent count the cost of late frost",
     "text": "Orchard growers in Kent said the late frost cost them half their apple blossom. Other",
     "link": "https://www.orchard.example/frost", "guid": "frost", "date": "Mon, 24 Nov 2026 12:20:00 GMT",
     "source": ("https://other.example/", "Other")},
]
srv.put("/agg.xml", rss_doc("Top stories - Agg", AGG + "/", items, lang="en"))
# A site that brands every title of its feed; one of its stories is the call.
PLANET = [
    ("Xi and Trump talk Taiwan and soybeans by phone | Daily Planet",
     "Xi Jinping and Donald Trump talked about Taiwan and soybean purchases in a phone call."),
    ("Harbour master retires after forty years | Daily Planet",
     "The harbour master of Port Ellen retired after forty years of service."),
    ("Tram line extension approved | Daily Planet",
     "The council approved the extension of the tram line to the airport."),
    ("Letters: the bypass, again",
     "Readers write about the bypass."),
]
srv.put("/planet.xml", rss_doc("Daily Planet", "https://planet.example/", [
    {"title": title, "text": text, "link": "https://planet.example/%d" % i, "guid": "planet%d" % i,
     "date": "Mon, 24 Nov 2026 %02d:30:00 GMT" % (9 + i)} for i, (title, text) in enumerate(PLANET)],
    lang="en"))
w = Workdir()
w.write_config([srv.url("/agg.xml"), srv.url("/planet.xml")], extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))

host = dict(w.sql("SELECT link, host FROM stories"))
t.eq(len(host), 10, "ten stories stored")
t.eq([host.get("%s/rss/articles/call%d?oc=5" % (AGG, i)) for i in range(3)],
     ["wire.example", "bbc.example", "post.example"],
     "an aggregator's item counts for the publisher its <source> names")
t.eq(host.get(AGG + "/rss/articles/murano"), "news.agg.example", "no source named: the aggregator's host")
t.eq(host.get(AGG + "/rss/articles/vlieland"), "news.agg.example",
     "a source on the aggregator's own site changes nothing")
t.eq(host.get("https://www.orchard.example/frost"), "orchard.example",
     "a link to another site keeps its host")

title = dict(w.sql("SELECT link, title FROM stories"))
t.eq([title.get("%s/rss/articles/call%d?oc=5" % (AGG, i)) for i in range(3)],
     [c[0].rsplit(" - ", 1)[0] for c in CALL], "the headline is stored without the publisher's name")
summary = dict(w.sql("SELECT link, summary FROM stories"))
t.eq([summary.get("%s/rss/articles/call%d?oc=5" % (AGG, i)) for i in range(3)],
     [c[0].rsplit(" - ", 1)[0] for c in CALL], "and its summary without the name after the headline")
t.eq(summary.get("https://www.orchard.example/frost"),
     "Orchard growers in Kent said the late frost cost them half their apple blossom. Other",
     "a summary is left whole when the title does not end with the name")
t.eq(title.get(AGG + "/rss/articles/vlieland"), "Lighthouse keepers' museum opens on Vlieland - Agg Frisian Desk",
     "a suffix that is not the <source>'s name stays")

t.eq([title.get("https://planet.example/%d" % i) for i in range(4)],
     [p[0].replace(" | Daily Planet", "") for p in PLANET],
     "a feed's branding on 3 of its 4 titles is not part of them")

call = w.sql("SELECT DISTINCT thread_id FROM stories WHERE link LIKE '%/call%'")
planet_call = w.sql("SELECT thread_id FROM stories WHERE link = 'https://planet.example/0'")
t.eq(len(call), 1, "the three reports of the call are one thread")
t.ok(planet_call and call and planet_call[0][0] == call[0][0], "the branded site's report joins it",
     (planet_call, call))
if len(call) == 1:
    tc = w.sql("SELECT story_count, source_count FROM threads WHERE id = ?", (call[0][0],))
    t.eq(tc[0] if tc else None, (4, 4), "with four sources, not one aggregator")
    kw = w.sql("SELECT keywords FROM threads WHERE id = ?", (call[0][0],))
    t.ok(kw and kw[0][0] and not any(n in kw[0][0].split(", ") for n in ("Wire", "BBC", "Post", "Planet")),
         "its keywords are the event's, not the publishers' names", kw)
    r = subprocess.run([TIDINGS, "-d", w.db, "thread", str(call[0][0])], capture_output=True, text=True)
    t.ok(r.returncode == 0 and all(h in r.stdout for h in ("wire.example", "bbc.example", "post.example")),
         "tidings thread shows each story's publisher", r.stdout)

# Items known by their titles (no guid, no link): the branding seen in
# one response and not in the next (2 branded titles of 3) must not make
# them new items.
def bare(titles):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Bare</title><link>https://bare.example/</link>%s</channel></rss>" % "".join(
                "<item><title>%s</title><description>%s.</description>"
                "<pubDate>Mon, 24 Nov 2026 15:00:00 GMT</pubDate></item>" % (x, x) for x in titles))


srv.put("/bare.xml", bare(["Ferry timetable changes | Bare Post", "Library reopens | Bare Post",
                           "Market day moves | Bare Post"]))
w2 = Workdir()
w2.write_config([srv.url("/bare.xml")])
w2.run_once()
first = sorted(x for (x,) in w2.sql("SELECT title FROM stories"))
t.eq(first, ["Ferry timetable changes", "Library reopens", "Market day moves"],
     "a feed known by titles: its branding is cut")
srv.put("/bare.xml", bare(["Ferry timetable changes | Bare Post", "Library reopens | Bare Post",
                           "Bridge repairs start"]))
w2.run_once()
t.eq(w2.sql("SELECT count(*) FROM stories")[0][0], 4,
     "the next response, without enough branded titles, adds only its new item")
w2.cleanup()

# One publisher's article through the aggregator and through the
# publisher's own feed: the links never meet, the publisher and headline
# do.  One story, carried by both feeds, whichever comes first, and after
# a restart too; a plain headline too ("Today in History: Nov. 25"), the
# aggregator vouching for it.  Not a headline of two words ("Business
# Highlights"), nor the same headline two days later, nor two items under
# one headline that each have a text of their own, and different ones.
FERRY = "Harbour council approves new ferry terminal for Port Ellen"
ORCH = "Orchestra names Ilse Vandermeer as its first woman conductor"
STRIKE = "Distillery workers vote to strike over pay at Lagavulin"
TIH = "Today in History: Nov. 25"
agg2 = [{"title": FERRY + " - Islay Times", "text": gnews(AGG + "/rss/articles/ferry", FERRY, "Islay Times"),
         "link": AGG + "/rss/articles/ferry", "guid": "ferry", "date": "Tue, 25 Nov 2026 10:00:00 GMT",
         "source": ("https://www.islay-times.example", "Islay Times")},
        # A "full coverage" item: its description lists other outlets'
        # headlines, a text that is the aggregator's, not the article's.
        {"title": ORCH + " - Courier", "text": "&lt;ol&gt;&lt;li&gt;" + gnews(AGG + "/rss/articles/orch", ORCH, "Courier")
         + "&lt;/li&gt;&lt;li&gt;" + gnews(AGG + "/rss/articles/orch2",
                                           "City orchestra's new chief conductor makes history", "Gazette")
         + "&lt;/li&gt;&lt;li&gt;" + gnews(AGG + "/rss/articles/orch3",
                                           "Vandermeer to lead symphony from next season", "Herald")
         + "&lt;/li&gt;&lt;/ol&gt;",
         "link": AGG + "/rss/articles/orch", "guid": "orch", "date": "Tue, 25 Nov 2026 10:00:00 GMT",
         "source": ("https://courier.example", "Courier")},
        {"title": "Business Highlights - Wire", "text": gnews(AGG + "/rss/articles/bh", "Business Highlights", "Wire"),
         "link": AGG + "/rss/articles/bh", "guid": "bh", "date": "Tue, 25 Nov 2026 10:00:00 GMT",
         "source": ("https://wire.example", "Wire")},
        # A plain headline: the aggregator vouches for the publisher's item.
        {"title": "Today in History: Nov. 25 - Wire", "text": gnews(AGG + "/rss/articles/tih", TIH, "Wire"),
         "link": AGG + "/rss/articles/tih", "guid": "tih", "date": "Tue, 25 Nov 2026 06:00:00 GMT",
         "source": ("https://wire.example", "Wire")}]
srv.put("/agg2.xml", rss_doc("Top stories - Agg", AGG + "/", agg2, lang="en"))
srv.put("/islay.xml", rss_doc("Islay Times", "https://www.islay-times.example/", [
    {"title": FERRY, "link": "https://www.islay-times.example/news/ferry-terminal", "guid": "it-1",
     "date": "Tue, 25 Nov 2026 09:40:00 GMT",
     "text": "Argyll and Bute council approved plans for a new ferry terminal at Port Ellen on "
             "Tuesday, ending a five-year wait for islanders and distillers."},
    {"title": FERRY, "link": "https://www.islay-times.example/news/ferry-terminal-2", "guid": "it-2",
     "date": "Thu, 27 Nov 2026 09:00:00 GMT",
     "text": "Two days on, the council's approval of the Port Ellen terminal drew objections from "
             "the harbour's fishermen."},
    {"title": STRIKE, "link": "https://www.islay-times.example/news/strike", "guid": "it-3",
     "date": "Tue, 25 Nov 2026 08:00:00 GMT",
     "text": "Workers at the Lagavulin distillery voted to strike over pay, their union said on "
             "Tuesday morning after a ballot of the site's staff."}], lang="en"))
# The same site's other feed: another article under the same headline,
# with a lead of its own, is a story of its own.
srv.put("/islay2.xml", rss_doc("Islay Times Business", "https://www.islay-times.example/business", [
    {"title": STRIKE, "link": "https://www.islay-times.example/business/strike-talks", "guid": "itb-1",
     "date": "Tue, 25 Nov 2026 16:00:00 GMT",
     "text": "Management at the distillery offered new talks with the union in the evening, "
             "hoping to avert the first stoppage in its history."}], lang="en"))
srv.put("/courier.xml", rss_doc("Courier", "https://courier.example/", [
    {"title": "Orchestra Names Ilse Vandermeer As Its First Woman Conductor",
     "link": "https://courier.example/arts/vandermeer", "guid": "c-1", "date": "Tue, 25 Nov 2026 11:30:00 GMT",
     "text": "The city orchestra named Ilse Vandermeer its chief conductor, the first woman in the post."}],
    lang="en"))
srv.put("/wire.xml", rss_doc("Wire", "https://wire.example/", [
    {"title": "Business Highlights", "link": "https://wire.example/business-highlights-1125", "guid": "w-1",
     "date": "Tue, 25 Nov 2026 10:30:00 GMT",
     "text": "Stocks rose, oil fell and the dollar was steady in a quiet session."},
    {"title": TIH, "link": "https://wire.example/today-in-history-1125", "guid": "w-2",
     "date": "Tue, 25 Nov 2026 05:00:00 GMT",
     "text": "Today is Tuesday, Nov. 25, the 329th day of 2026. There are 36 days left in the year."}],
    lang="en"))


def same_article(order, restart, label):
    wk = Workdir()
    feeds = {name: srv.url("/%s.xml" % name) for name in ("agg2", "islay", "courier", "wire", "islay2")}
    if restart:
        # The first feeds in one run, the rest in the next: the index
        # comes back from the database.
        wk.write_config([feeds[n] for n in order[:1]], extra="concurrency = 1")
        wk.run_once()
        wk.write_config([feeds[n] for n in order], extra="concurrency = 1")
    else:
        wk.write_config([feeds[n] for n in order], extra="concurrency = 1")
    r = wk.run_once()
    t.eq(r.returncode, 0, "%s: tidingsd --once exits 0" % label)
    rows = wk.sql("SELECT s.host, s.title, count(sf.feed_id) FROM stories s"
                  " JOIN story_feeds sf ON sf.story_id = s.id GROUP BY s.id ORDER BY s.host, s.event_time")
    t.eq(rows, [("courier.example", ORCH if order[0] == "agg2" else
                 "Orchestra Names Ilse Vandermeer As Its First Woman Conductor", 2),
                ("islay-times.example", STRIKE, 1),
                ("islay-times.example", FERRY, 2),
                ("islay-times.example", STRIKE, 1),
                ("islay-times.example", FERRY, 1),
                ("wire.example", TIH, 2),
                ("wire.example", "Business Highlights", 1),
                ("wire.example", "Business Highlights", 1)],
         "%s: an article through the aggregator and its publisher's feed is one story carried by "
         "both, a plain headline too; a headline of two words, the same headline two days later and "
         "another article of the publisher's under the same headline are stories of their own" % label)
    wk.cleanup()


same_article(["agg2", "islay", "courier", "wire", "islay2"], False, "aggregator first")
same_article(["islay", "courier", "wire", "islay2", "agg2"], False, "publisher first")
same_article(["islay", "courier", "wire", "islay2", "agg2"], True, "publisher first, then a restart")

# A window shorter than the 12 hours the headline index looks back: the
# index used to be rebuilt at start-up with the window's stories only, so
# an article seen through the aggregator 2 hours before its publisher's
# item, with another story an hour after that, was one story in one run
# and two stories with a restart between them.
FIRE = "Kelowna wildfire evacuation orders extended for lakeside homes"
srv.put("/agg3.xml", rss_doc("Top stories - Agg", AGG + "/", [
    {"title": FIRE + " - Okanagan Daily", "text": gnews(AGG + "/rss/articles/fire", FIRE, "Okanagan Daily"),
     "link": AGG + "/rss/articles/fire", "guid": "fire", "date": "Wed, 26 Nov 2026 06:00:00 GMT",
     "source": ("https://okanagan.example", "Okanagan Daily")},
    {"title": "Council approves budget for road repairs downtown - Courier",
     "text": gnews(AGG + "/rss/articles/roads", "Council approves budget for road repairs downtown",
                   "Courier"),
     "link": AGG + "/rss/articles/roads", "guid": "roads", "date": "Wed, 26 Nov 2026 09:00:00 GMT",
     "source": ("https://courier.example", "Courier")}], lang="en"))
srv.put("/okanagan.xml", rss_doc("Okanagan Daily", "https://okanagan.example/", [
    {"title": FIRE, "link": "https://okanagan.example/news/fire-orders", "guid": "od-1",
     "date": "Wed, 26 Nov 2026 08:00:00 GMT",
     "text": "Evacuation orders for lakeside homes near Kelowna were extended as the wildfire "
             "grew overnight, officials said."}], lang="en"))
for restart in (False, True):
    wk = Workdir()
    feeds = [srv.url("/agg3.xml"), srv.url("/okanagan.xml")]
    wk.write_config(feeds[:1] if restart else feeds, extra="concurrency = 1",
                    threads="cluster_window = 1h")
    wk.run_once()
    if restart:
        wk.write_config(feeds, extra="concurrency = 1", threads="cluster_window = 1h")
        wk.run_once()
    t.eq(wk.sql("SELECT s.host, count(sf.feed_id) FROM stories s JOIN story_feeds sf"
                " ON sf.story_id = s.id GROUP BY s.id ORDER BY s.id"),
         [("okanagan.example", 2), ("courier.example", 1)],
         "cluster_window = 1h%s: the publisher's item 2 hours after the aggregator's is the same "
         "story" % (", a restart between" if restart else ""))
    wk.cleanup()

# A publisher's own feed served through FeedBurner: its links go through
# feedproxy, its feedburner:origLink is the article.  Such an item did not
# come through an aggregator (its link is its origLink, on the publisher's
# site, docs/dedup.md), nor does one whose link spells the publisher's
# internationalised name in punycode: its lead is its own, so another
# article of the publisher's under the same headline stays a story of its
# own, and it can be the publisher's side of a plain headline the
# aggregator vouches for.  After a restart too (the index is rebuilt from
# the stored stories, whose link is the redirector's).
def feedburner(title, site, items):
    out = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"'
           ' xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel>'
           "<title>%s</title><link>%s</link><language>en</language>" % (title, site)]
    for it in items:
        out.append("<item><title>%s</title><link>%s</link><guid isPermaLink=\"false\">%s</guid>"
                   "<pubDate>%s</pubDate><description>%s</description>"
                   "<feedburner:origLink>%s</feedburner:origLink></item>" % (
                       it["title"], it["proxy"], it["guid"], it["date"], it["text"], it["orig"]))
    out.append("</channel></rss>")
    return "".join(out)


STRIKE_LEAD = ("Workers at the Lagavulin distillery voted to strike over pay, their union said on "
               "Tuesday morning after a ballot of the site's staff.")
TALKS_LEAD = ("Management at the distillery offered new talks with the union in the evening, "
              "hoping to avert the first stoppage in its history.")
srv.put("/islay-fb.xml", feedburner("Islay Times", "https://www.islay-times.example/", [
    {"title": STRIKE, "proxy": "http://feedproxy.google.com/~r/IslayTimes/~3/aB3dE/strike",
     "orig": "https://www.islay-times.example/news/strike", "guid": "it-3",
     "date": "Tue, 25 Nov 2026 08:00:00 GMT", "text": STRIKE_LEAD}]))
srv.put("/wire-fb.xml", feedburner("Wire", "https://wire.example/", [
    {"title": TIH, "proxy": "http://feedproxy.google.com/~r/Wire/~3/xY1/tih",
     "orig": "https://wire.example/today-in-history-1125", "guid": "w-2",
     "date": "Tue, 25 Nov 2026 05:00:00 GMT",
     "text": "Today is Tuesday, Nov. 25, the 329th day of 2026. There are 36 days left in the year."}]))
IDN = "https://www.xn--bcher-kva.example"
srv.put("/idn.xml", rss_doc("Buecher", IDN + "/", [
    {"title": STRIKE, "link": IDN + "/news/strike", "guid": "b-1",
     "date": "Tue, 25 Nov 2026 08:00:00 GMT", "text": STRIKE_LEAD}], lang="en"))
srv.put("/idn2.xml", rss_doc("Buecher Business", IDN + "/business", [
    {"title": STRIKE, "link": IDN + "/business/strike-talks", "guid": "bb-1",
     "date": "Tue, 25 Nov 2026 16:00:00 GMT", "text": TALKS_LEAD}], lang="en"))
for names, want, what in (
        (["islay-fb", "islay2"], [("islay-times.example", 1), ("islay-times.example", 1)],
         "the publisher's FeedBurner item and its other article under the same headline are two stories"),
        (["agg2", "wire-fb"], [("courier.example", 1), ("islay-times.example", 1), ("wire.example", 1),
                               ("wire.example", 2)],
         "a plain headline through the aggregator and the publisher's FeedBurner feed is one story"),
        (["idn", "idn2"], [("bücher.example", 1), ("bücher.example", 1)],
         "two articles under one headline, links in punycode, are two stories")):
    for restart in (False, True):
        wk = Workdir()
        feeds = [srv.url("/%s.xml" % n) for n in names]
        if restart:
            wk.write_config(feeds[:1], extra="concurrency = 1")
            wk.run_once()
        wk.write_config(feeds, extra="concurrency = 1")
        r = wk.run_once()
        t.eq((r.returncode, wk.sql("SELECT s.host, count(sf.feed_id) FROM stories s JOIN story_feeds sf"
                                   " ON sf.story_id = s.id GROUP BY s.id ORDER BY s.host, 2")),
             (0, want), what + (", a restart between" if restart else ""))
        wk.cleanup()

# One publisher's headline in another Unicode form through the
# aggregator than in its own feed: NFD (a feed written on a Mac: "u" and
# a combining diaeresis), a space where the publisher put a no-break
# space before a French colon.  Compared byte by byte, each was two
# stories; whichever form comes first.
ZUR = "Z\u00fcrich council approves new tram line to the airport"
MUN = "Municipales\u00a0: la gauche l\u2019emporte \u00e0 Marseille apr\u00e8s un long suspense"
for form, own, agg in (("NFD", ZUR, unicodedata.normalize("NFD", ZUR)),
                       ("a space for a no-break space", MUN, MUN.replace("\u00a0", " "))):
    srv.put("/form-own.xml", rss_doc("Limmat Post", "https://www.limmat.example/", [
        {"title": own, "link": "https://www.limmat.example/news/a1", "guid": "lp-1",
         "date": "Tue, 25 Nov 2026 09:40:00 GMT",
         "text": "Councillors voted on Tuesday after a debate that lasted well into the evening."}]))
    srv.put("/form-agg.xml", rss_doc("Top stories - Agg", AGG + "/", [
        {"title": agg + " - Limmat Post", "text": gnews(AGG + "/rss/articles/lp1", agg, "Limmat Post"),
         "link": AGG + "/rss/articles/lp1", "guid": "lp1", "date": "Tue, 25 Nov 2026 10:00:00 GMT",
         "source": ("https://www.limmat.example", "Limmat Post")}]))
    for names in (("form-own", "form-agg"), ("form-agg", "form-own")):
        wk = Workdir()
        wk.write_config([srv.url("/%s.xml" % n) for n in names], extra="concurrency = 1")
        r = wk.run_once()
        t.eq((r.returncode, wk.sql("SELECT s.host, count(sf.feed_id) FROM stories s JOIN story_feeds sf"
                                   " ON sf.story_id = s.id GROUP BY s.id")),
             (0, [("limmat.example", 2)]),
             "the headline through the aggregator in %s, %s first: one story carried by both "
             "feeds" % (form, names[0]))
        wk.cleanup()

srv.stop()
w.cleanup()
t.done()
