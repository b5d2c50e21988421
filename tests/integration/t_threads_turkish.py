#!/usr/bin/env python3
"""Threads through the real daemon in Turkish: one outlet writes its
headlines in capitals, another in sentence case; the same event from both
is one thread, since Turkish folds I to dotless ı and İ to i (the default
folding made KIRMIZI "kirmizi" and İSTİFA "i̇stifa", with a combining dot,
and the two stories shared no terms).  A proper noun's case ending after
an apostrophe (Ankara'da, Malatya'da) is no word: as one, it was the only
term two headlines shared, and a protest in Ankara and an earthquake in
Malatya were one thread, its first keyword "da"."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

CAPS = [
    ("İSTİFA ŞOKU: SIĞINMACI KRİZİNDE İÇİŞLERİ BAKANI GİTTİ",
     "İÇİŞLERİ BAKANI SIĞINMACI KRİZİ NEDENİYLE İSTİFA ETTİ.", "resign"),
    ("Galatasaray derbide Fenerbahçe'yi yendi",
     "Sarı kırmızılılar deplasmanda üç puanı aldı.", "derby"),
]
CASED = [
    ("Sığınmacı krizi: İçişleri Bakanı istifa etti",
     "İçişleri Bakanı, sığınmacı krizi nedeniyle istifa ettiğini açıkladı.", "resign"),
    ("Merkez Bankası faizi sabit tuttu",
     "Para politikası kurulu politika faizini yüzde 50'de bıraktı.", "rates"),
]


def rss(name, items):
    return rss_doc(name, "https://%s.example/" % name, [
        {"title": title, "text": text, "date": "Mon, 30 Nov 2026 09:%02d:00 GMT" % (10 + i),
         "link": "https://%s.example/%s" % (name, slug), "guid": "https://%s.example/%s" % (name, slug)}
        for i, (title, text, slug) in enumerate(items)], lang="tr-TR")


# Headlines only, two outlets: six events, no two alike.
HEAD_A = [("Ankara'da öğretmenler eylem yaptı", "protest"), ("Erdoğan'ın Rusya ziyareti ertelendi", "visit"),
          ("İzmir'de orman yangını", "fire")]
HEAD_B = [("Malatya'da deprem", "quake"), ("Putin'in açıklaması", "putin"), ("Bodrum'da tekne battı", "boat")]


def heads(name, items):
    return rss_doc(name, "https://%s.example/" % name, [
        {"title": title, "text": "", "date": "Mon, 30 Nov 2026 10:%02d:00 GMT" % (10 + i),
         "link": "https://%s.example/%s" % (name, slug), "guid": "https://%s.example/%s" % (name, slug)}
        for i, (title, slug) in enumerate(items)], lang="tr")


t = Tap()
srv = Server()
srv.put("/caps.xml", rss("caps", CAPS))
srv.put("/cased.xml", rss("cased", CASED))
srv.put("/ha.xml", heads("ha", HEAD_A))
srv.put("/hb.xml", heads("hb", HEAD_B))
w = Workdir()
# One transfer at a time: the same order on every run.
w.write_config([srv.url(p) for p in ("/caps.xml", "/cased.xml", "/ha.xml", "/hb.xml")],
               extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))
rows = dict(w.sql("SELECT link, thread_id FROM stories WHERE link LIKE 'https://ca%'"))
t.eq(len(rows), 4, "four stories stored")
t.ok(rows.get("https://caps.example/resign") is not None and
     rows.get("https://caps.example/resign") == rows.get("https://cased.example/resign"),
     "the resignation in capitals and in sentence case is one thread", rows)
t.eq(len(set(rows.values())), 3, "the other two stories have threads of their own")
heads_rows = w.sql("SELECT s.link, s.thread_id, t.keywords FROM stories s"
                   " JOIN threads t ON t.id = s.thread_id WHERE s.link LIKE 'https://h%'")
t.eq(len(set(r[1] for r in heads_rows)), 6,
     "six headlines of six events, each Turkish place with a case ending: six threads")
endings = [r for r in heads_rows if any(k.lower() in ("da", "de", "ın", "in")
                                       for k in (r[2] or "").split(", "))]
t.ok(not endings, "no thread's keywords hold a case ending", endings)
srv.stop()
w.cleanup()
t.done()
