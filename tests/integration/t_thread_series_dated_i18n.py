#!/usr/bin/env python3
"""Dated daily features in other languages are episodes of their
publisher's series too (docs/threads.md, "What joins a thread"), through
the real daemon over six days of story time, a restart (`--once`) a day.

A German site's "Nachrichten vom 3. Dezember 2025", a French one's
"L'essentiel du mercredi 3 d\u00e9cembre", "Las noticias del 3 de
diciembre", "\u041d\u043e\u0432\u043e\u0441\u0442\u0438 3 \u0434\u0435\u043a\u0430\u0431\u0440\u044f", "12\u67083\u65e5\u65b0\u95fb\u8054\u64ad", "Nachrichten am 03.12.2025" come back every
day under a new headline: the same words, another date.  Only English
months and weekdays were a date, so each day's headline was a headline
of its own, and a feature whose text says much the same each day joined
the day before's thread: each series made one thread of all its days.
An English one ("Today in History: December 3") kept a thread a day."""
import calendar
import email.utils
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402
import invariants  # noqa: E402

DAY = 86400
DAYS = 5
T0 = calendar.timegm((2025, 12, 1, 0, 0, 0))  # a Monday
rng = random.Random(7)
SYL = ["ka", "lo", "mi", "ren", "tas", "vo", "dul", "pe", "sar", "qui", "bem", "nor", "tix", "ga", "hul"]
POOL = sorted({"".join(rng.choice(SYL) for _ in range(3)) for _ in range(900)})

DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
IT = ["luned\u00ec", "marted\u00ec", "mercoled\u00ec", "gioved\u00ec", "venerd\u00ec", "sabato", "domenica"]
PT = ["segunda-feira", "ter\u00e7a-feira", "quarta-feira", "quinta-feira", "sexta-feira", "s\u00e1bado", "domingo"]
# publisher: (headline of day d, weekday wd; the lead its text opens with every day)
SERIES = {
    "de1.example": (lambda d, wd: "Nachrichten vom %d. Dezember 2025" % d,
                    "Die wichtigsten Nachrichten des Tages im \u00dcberblick"),
    "de2.example": (lambda d, wd: "Heute im \u00dcberblick \u2013 %s, %d. Dezember" % (DE[wd], d),
                    "Was heute wichtig ist, kompakt zusammengefasst"),
    "fr.example": (lambda d, wd: "L'essentiel du %s %d d\u00e9cembre" % (FR[wd], d),
                   "Voici l'essentiel de l'actualit\u00e9 de ce jour"),
    "es.example": (lambda d, wd: "Las noticias del %d de diciembre" % d,
                   "Estas son las noticias m\u00e1s importantes del d\u00eda"),
    "it.example": (lambda d, wd: "Le notizie di %s %d dicembre" % (IT[wd], d),
                   "Ecco le notizie pi\u00f9 importanti della giornata"),
    "pt.example": (lambda d, wd: "As not\u00edcias desta %s, %d de dezembro" % (PT[wd], d),
                   "Estas s\u00e3o as principais not\u00edcias do dia"),
    "ru.example": (lambda d, wd: "\u041d\u043e\u0432\u043e\u0441\u0442\u0438 %d \u0434\u0435\u043a\u0430\u0431\u0440\u044f" % d,
                   "\u0413\u043b\u0430\u0432\u043d\u044b\u0435 \u043d\u043e\u0432\u043e\u0441\u0442\u0438 \u0434\u043d\u044f \u043a\u043e\u0440\u043e\u0442\u043a\u043e"),
    "tr.example": (lambda d, wd: "%d Aral\u0131k 2025 g\u00fcndem" % d,
                   "G\u00fcn\u00fcn \u00f6ne \u00e7\u0131kan haberleri"),
    "zh.example": (lambda d, wd: "12\u6708%d\u65e5\u65b0\u95fb\u8054\u64ad" % d,
                   "\u4eca\u5929\u7684\u65b0\u95fb\u8054\u64ad\u4e3b\u8981\u5185\u5bb9"),
    "ja.example": (lambda d, wd: "12\u6708%d\u65e5\u306e\u30cb\u30e5\u30fc\u30b9" % d,
                   "\u4eca\u65e5\u306e\u4e3b\u306a\u30cb\u30e5\u30fc\u30b9\u3092\u307e\u3068\u3081\u307e\u3057\u305f"),
    "num.example": (lambda d, wd: "Nachrichten am %02d.12.2025" % d, "Die Meldungen des Tages"),
    "iso.example": (lambda d, wd: "Tagesschau 2025-12-%02d" % d,
                    "Die wichtigsten Meldungen des Tages im \u00dcberblick"),
    "en.example": (lambda d, wd: "Today in History: December %d" % d,
                   "Here are the most important stories of the day"),
}


def news():
    words = rng.sample(POOL, 14)
    return " ".join(words[:6]).capitalize(), " ".join(words).capitalize() + "."


def date(day, hour):
    return email.utils.formatdate(T0 + day * DAY + hour * 3600, usegmt=True)


t = Tap()
srv = Server()
w = Workdir()
feeds = {h: [] for h in list(SERIES) + ["wire.example"]}
w.write_config([srv.url("/%s.xml" % h) for h in feeds], extra="retention = 0\nconcurrency = 1")
for day in range(DAYS):
    for h, (title, lead) in SERIES.items():
        head = title(1 + day, day % 7)
        # The feature's text: its headline, its lead (the same every
        # day) and the day's one story.
        feeds[h].insert(0, {"guid": "%s-%d" % (h, day), "title": head,
                            "link": "https://%s/%d" % (h, day), "date": date(day, 5 + day % 3),
                            "text": "%s. %s. %s: %s" % (head, lead, lead, news()[1])})
    # Background news, so that the features' words weigh what they do live.
    for i in range(30):
        title, text = news()
        feeds["wire.example"].insert(0, {"guid": "n-%d-%d" % (day, i), "title": title, "text": text,
                                         "link": "https://wire.example/%d/%d" % (day, i),
                                         "date": date(day, 6 + i % 12)})
    for h, items in feeds.items():
        srv.put("/%s.xml" % h, rss_doc(h, "https://%s/" % h, items))
    r = w.run_once()
    if r.returncode:
        t.ok(False, "day %d: the run exits 0" % day, r.stderr[-2000:])
        break

for h in SERIES:
    got = w.sql("SELECT count(DISTINCT thread_id), count(*) FROM stories WHERE host = ?", (h,))
    t.eq(got, [(DAYS, DAYS)], "%s: every day's feature in a thread of its own" % h)
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
