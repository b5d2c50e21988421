#!/usr/bin/env python3
"""A thread's keywords in other scripts, through the real daemon
(docs/threads.md, "Titles, keywords, counts"): spelt as its stories write
them, "in the case written mid-sentence in sentence-cased text", whatever
the script.  One outlet shouts its headlines in capitals, the other writes
sentence case: the keywords are "взрыв", "Κρήτη", "fünf", as in English
("Crete", not "CRETE"), not the capitals of the shouting headline
("ВЗРЫВ", "ΚΡΗΤΗ", "FÜNF"): only ASCII letters were compared regardless
of case, and a Greek capital, which drops its accent, not at all."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

# (language, outlet, slug, title, lead)
STORIES = [
    ("en", "a", "quake", "EARTHQUAKE OF 5.2 HITS CRETE", "FELT IN HERAKLION AND CHANIA."),
    ("en", "b", "quake", "Earthquake of 5.2 hits Crete", "The earthquake was felt in Heraklion and Chania."),
    ("el", "a", "quake", "ΣΕΙΣΜΟΣ 5,2 ΡΙΧΤΕΡ ΣΤΗΝ ΚΡΗΤΗ", "ΑΙΣΘΗΤΟΣ ΣΤΟ ΗΡΑΚΛΕΙΟ ΚΑΙ ΣΤΑ ΧΑΝΙΑ."),
    ("el", "b", "quake", "Σεισμός 5,2 Ρίχτερ στην Κρήτη", "Ο σεισμός έγινε αισθητός στο Ηράκλειο και στα Χανιά."),
    ("ru", "a", "blast", "ВЗРЫВ НА ЗАВОДЕ В ЧЕЛЯБИНСКЕ", "ПОГИБЛИ ПЯТЬ ЧЕЛОВЕК, СООБЩИЛИ СПАСАТЕЛИ."),
    ("ru", "b", "blast", "Взрыв на заводе в Челябинске",
     "На химическом заводе произошёл взрыв, погибли пять человек, сообщили спасатели."),
    ("de", "a", "blast", "EXPLOSION IN CHEMIEWERK: FÜNF TOTE", "RETTER MELDEN FÜNF TOTE IN LUDWIGSHAFEN."),
    ("de", "b", "blast", "Explosion in Chemiewerk in Ludwigshafen",
     "Bei der Explosion starben fünf Menschen, melden die Retter."),
]

t = Tap()
srv = Server()
urls = []
for lang in sorted(set(s[0] for s in STORIES)):
    for outlet in "ab":
        items = [{"title": title, "text": text, "link": "https://%s%s.example/%s" % (lang, outlet, slug),
                  "date": "Mon, 30 Nov 2026 09:%02d:00 GMT" % (10 + i)}
                 for i, (l, o, slug, title, text) in enumerate(STORIES) if l == lang and o == outlet]
        path = "/%s%s.xml" % (lang, outlet)
        srv.put(path, rss_doc(lang + outlet, "https://%s%s.example/" % (lang, outlet), items, lang=lang))
        urls.append(srv.url(path))
w = Workdir()
# One transfer at a time: the same order on every run.
w.write_config(urls, extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))


def keywords(link):
    rows = w.sql("SELECT t.keywords FROM stories s JOIN threads t ON t.id = s.thread_id"
                 " WHERE s.link = ?", (link,))
    return rows[0][0].split(", ") if rows and rows[0][0] else []


for lang, link, want, shout in (
        ("en", "https://ena.example/quake", ["Crete", "earthquake"], ["CRETE", "EARTHQUAKE"]),
        ("el", "https://ela.example/quake", ["Κρήτη", "σεισμός"], ["ΚΡΗΤΗ", "ΣΕΙΣΜΟΣ"]),
        ("ru", "https://rua.example/blast", ["взрыв", "заводе"], ["ВЗРЫВ", "ЗАВОДЕ"]),
        ("de", "https://dea.example/blast", ["fünf"], ["FÜNF"])):
    kw = keywords(link)
    t.ok(all(k in kw for k in want) and not any(k in kw for k in shout),
         "%s: keywords as written mid-sentence (%s), not shouted" % (lang, ", ".join(want)), kw)

t.done()
