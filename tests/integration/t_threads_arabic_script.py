#!/usr/bin/env python3
"""Arabic-script and Hebrew words written several ways, through the real
daemon, in feeds without a language tag (as many Arabic feeds are): the
tatweel (ـ, which stretches a word for emphasis: الرئيـــس), the vowel
marks (harakat: رسمياً, الخَارِجِيَّةِ), the Persian and Arabic forms of
yeh and kaf (daemon/rtl_fold.h).  Each spelling was a word of its own to
the clusterer, the headline key and (the tatweel) the copy detector: two
reports of one event that met on names so written opened two threads, a
thread showed one word twice among its keywords, a wire headline printed
with a tatweel was no copy of itself, and a publisher's item with one was
not the article an aggregator listed without."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, outlets, rss_doc  # noqa: E402

AGG = "https://news.agg.example"
# The wire headline shares no word with the others: a copy of another
# story's near-identical headline stored first (the Moscow visit, in an
# order of the feeds that varies) would not be this check's.
WIRE = "وزارة الصحة تعلن حملة تطعيم وطنية ضد شلل الأطفال في جميع المحافظات"
WIRE_T = "وزارة الصحـــة تعلـن حملـة تطعيـم وطنيـة ضد شلـل الأطفـال في جميـع المحافظـات"
PETRA = "افتتاح مشروع الناقل الوطني للمياه في العقبة بحضور الملك"
PETRA_T = "افتتـاح مشـروع الناقـل الوطنـي للميـاه في العقبـة بحضور الملك"
FEEDS = {
    # Two reports of one visit, in words of their own, that share the
    # names: one outlet writes them with tatweels.
    "one": [("عاجل: السيسـي يصل موسكـو لبحث صفقة القمـح مع بوتيـن", "sisi"),
            ("ارتفاع أسعار النفط بعد قرار أوبك", "oil"),
            # one event, the headline fully vowelled
            ("وَزِيرُ الخَارِجِيَّةِ الأُرْدُنِيُّ يَلْتَقِي نَظِيرَهُ التُّرْكِيَّ", "minister",
             "اِلْتَقَى وَزِيرُ الخَارِجِيَّةِ الأُرْدُنِيُّ نَظِيرَهُ."),
            (WIRE_T, "wire")],
    "two": [("السيسي في موسكو: محادثات مع بوتين حول القمح", "sisi"),
            ("تعادل الأهلي والزمالك في الدوري", "match"),
            ("وزير الخارجية الأردني يلتقي نظيره التركي", "minister", "التقى وزير الخارجية الأردني نظيره."),
            (WIRE, "wire")],
    # Persian written with Arabic yeh and kaf (an Arabic keyboard), and
    # with Persian ones.
    "three": [("ديدار عراقچي و ويتكاف؛ مسقط ميزبان", "talks"),
              ("زلزله شدید کرمان را لرزاند", "quake")],
    "four": [("عراقچی و ویتکاف دیدار کردند", "talks"),
             ("افزایش قیمت طلا و سکه", "gold")],
}

t = Tap()
srv = Server()
# One publisher's article through an aggregator (its headline without
# the tatweels) and in its own feed (with them).
srv.put("/agg.xml", rss_doc("Agg", AGG + "/", [
    {"title": PETRA + " - بترا", "text": "", "link": AGG + "/articles/petra", "guid": "petra",
     "date": "Mon, 30 Nov 2026 09:00:00 GMT", "source": ("https://petra.example", "بترا")}]))
srv.put("/petra.xml", rss_doc("Petra", "https://petra.example/", [
    {"title": PETRA_T, "text": "", "link": "https://petra.example/news/1",
     "date": "Mon, 30 Nov 2026 08:50:00 GMT"}]))
w, threads = outlets(t, srv, FEEDS, extra=[srv.url("/agg.xml"), srv.url("/petra.xml")])


def thread(name, slug):
    return threads.get("https://%s.example/%s" % (name, slug))


t.ok(thread("one", "sisi") is not None and thread("one", "sisi") == thread("two", "sisi"),
     "'السيسـي يصل موسكـو' and 'السيسي في موسكو': one thread", threads)
t.ok(thread("three", "talks") is not None and thread("three", "talks") == thread("four", "talks"),
     "Persian with Arabic and with Persian yeh and kaf: one thread", threads)
t.ok(thread("one", "minister") is not None and thread("one", "minister") == thread("two", "minister"),
     "a vowelled headline and a plain one: one thread", threads)
kw = w.sql("SELECT keywords FROM thread_overview WHERE id = ?", (thread("one", "minister"),))
words = (kw[0][0] or "").split(", ") if kw else []
bare = ["".join(c for c in k if not ("\u064b" <= c <= "\u0652")) for k in words]
t.ok(len(words) == 5 and len(set(bare)) == len(bare),
     "... whose keywords show each word once, not as vowelled and as not", words)
ids = dict(w.sql("SELECT link, id FROM stories"))
first, second = sorted((ids["https://one.example/wire"], ids["https://two.example/wire"]))
dup = dict(w.sql("SELECT id, duplicate_of FROM stories"))
t.eq(dup[second], first, "a wire headline printed with tatweels is a copy of itself without")
t.eq(dup[first], None, "... and the first stored is the original")
petra = w.sql("SELECT s.id, COUNT(*) FROM stories s JOIN story_feeds f ON f.story_id = s.id "
              "WHERE s.link IN (?, ?) GROUP BY s.id",
              (AGG + "/articles/petra", "https://petra.example/news/1"))
t.ok(len(petra) == 1 and petra[0][1] == 2,
     "a publisher's headline with tatweels is the article the aggregator lists without: one story, "
     "two feeds", petra)
t.eq(len(set(threads.values())), 9,
     "the other stories have threads of their own (and the wire copy its original's)")
srv.stop()
w.cleanup()
t.done()
