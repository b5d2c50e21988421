#!/usr/bin/env python3
"""Threads through the real daemon in Turkish: one outlet writes its
headlines in capitals, another in sentence case; the same event from both
is one thread, since Turkish folds I to dotless ı and İ to i (the default
folding made KIRMIZI "kirmizi" and İSTİFA "i̇stifa", with a combining dot,
and the two stories shared no terms)."""
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


t = Tap()
srv = Server()
srv.put("/caps.xml", rss("caps", CAPS))
srv.put("/cased.xml", rss("cased", CASED))
w = Workdir()
# One transfer at a time: the same order on every run.
w.write_config([srv.url("/caps.xml"), srv.url("/cased.xml")], extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))
rows = dict(w.sql("SELECT link, thread_id FROM stories"))
t.eq(len(rows), 4, "four stories stored")
t.ok(rows.get("https://caps.example/resign") is not None and
     rows.get("https://caps.example/resign") == rows.get("https://cased.example/resign"),
     "the resignation in capitals and in sentence case is one thread", rows)
t.eq(len(set(rows.values())), 3, "the other two stories have threads of their own")
t.done()
