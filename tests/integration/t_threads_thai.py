#!/usr/bin/env python3
"""Thai through the real daemon: Thai writes no spaces between words, only
between phrases, so its runs are cut into bigrams of letters (with their
vowel and tone marks) as Chinese and Japanese ones are.  Read as words
between spaces, a Thai headline was one or two terms no other report
shared, and one of over 64 bytes no term at all: two outlets' headlines
of one earthquake in Chiang Mai opened two threads, and a thread showed
no keywords."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, outlets  # noqa: E402

FEEDS = {
    "one": [("แผ่นดินไหวรุนแรงถล่มเชียงใหม่ อาคารพังหลายหลัง", "quake"),
            ("นายกรัฐมนตรีเดินทางเยือนญี่ปุ่นเพื่อเจรจาการค้า", "visit")],
    "two": [("เชียงใหม่แผ่นดินไหวรุนแรง อาคารพังเสียหายจำนวนมาก", "quake"),
            ("ราคาน้ำมันปรับขึ้นทั่วประเทศตั้งแต่พรุ่งนี้", "oil")],
}

t = Tap()
srv = Server()
w, rows = outlets(t, srv, FEEDS, lang="th")
t.eq(len(rows), 4, "every story stored")
t.ok(rows.get("https://one.example/quake") is not None and
     rows.get("https://one.example/quake") == rows.get("https://two.example/quake"),
     "two Thai headlines of one earthquake are one thread", rows)
t.eq(len(set(rows.values())), 3, "the other Thai stories have threads of their own")
kw = dict(w.sql("SELECT s.link, o.keywords FROM stories s JOIN thread_overview o"
                " ON o.id = s.thread_id"))
t.ok(kw.get("https://one.example/visit"),
     "a headline of 31 Thai letters without a space has keywords", kw)
srv.stop()
w.cleanup()
t.done()
