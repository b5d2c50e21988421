#!/usr/bin/env python3
"""Digits of other scripts through the real daemon: Arabic sites write
numbers in Arabic-Indic digits (٢٠٢٦) or in ASCII ones (2026), Persian
sites in Persian ones (۲۰۲۶); the clusterer reads each as the number it
is.  Kept as written, one outlet's ٢٠٢٦ and another's 2026 were two
terms, the year no year, and two reports of one election opened two
threads."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, outlets  # noqa: E402

FEEDS = {
    "one": [("الانتخابات الرئاسية ٢٠٢٦: النتائج الأولية", "vote",
             "أعلنت اللجنة النتائج الأولية للانتخابات."),
            ("ارتفاع أسعار الذهب في الأسواق", "gold", "ارتفعت أسعار الذهب اليوم.")],
    "two": [("نتائج انتخابات 2026 الرئاسية", "vote", "النتائج الأولية تظهر تقدم المرشح."),
            ("هطول أمطار غزيرة في القاهرة", "rain", "شهدت القاهرة أمطارا غزيرة.")],
}

t = Tap()
srv = Server()
w, rows = outlets(t, srv, FEEDS, lang="ar")
t.eq(len(rows), 4, "every story stored")
t.ok(rows.get("https://one.example/vote") is not None and
     rows.get("https://one.example/vote") == rows.get("https://two.example/vote"),
     "'٢٠٢٦' and '2026': two reports of one election are one thread", rows)
t.eq(len(set(rows.values())), 3, "the other stories have threads of their own")
kw = w.sql("SELECT keywords FROM thread_overview WHERE id = ?", (rows["https://one.example/vote"],))
words = (kw[0][0] or "").split(", ") if kw else []
t.eq(sum(k in ("2026", "٢٠٢٦") for k in words), 1, "the thread's keywords show the number once")
srv.stop()
w.cleanup()
t.done()
