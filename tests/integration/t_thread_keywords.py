#!/usr/bin/env python3
"""A thread's keywords in other languages and scripts, through the real
daemon (docs/threads.md, "Titles, keywords, counts": its heaviest words
as its own stories write them).

Case: "in the case written mid-sentence in sentence-cased text", whatever
the script.  One outlet shouts its headlines in capitals, the other writes
sentence case: the keywords are "взрыв", "Κρήτη", "fünf", as in English
("Crete", not "CRETE"), not the capitals of the shouting headline
("ВЗРЫВ", "ΚΡΗΤΗ", "FÜNF"): only ASCII letters were compared regardless
of case, and a Greek capital, which drops its accent, not at all.

Chinese and Japanese: the clusterer cuts a run of Han and kana into
overlapping bigrams; each keyword is such a bigram as written.  Every
bigram of a run carried the whole run as its spelling, so a thread showed
its headline as a keyword, several times over: "能登半島で震度,
能登半島で震度, 能登半島で震度, 石川県能登地方で震度, ...".

İ outside Turkish: "İstanbul" and "Istanbul" are one word, shown once."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

# (language, outlet, slug, title, lead).  The Greek quake is another than
# the English one: one quake told in both shares its magnitude alone, and
# its Greek reports (their "στην", "και" no terms) join the English
# thread, whose first keywords are English.
STORIES = [
    ("en", "a", "quake", "EARTHQUAKE OF 5.2 HITS CRETE", "FELT IN HERAKLION AND CHANIA."),
    ("en", "b", "quake", "Earthquake of 5.2 hits Crete", "The earthquake was felt in Heraklion and Chania."),
    ("el", "a", "quake", "ΣΕΙΣΜΟΣ 4,9 ΡΙΧΤΕΡ ΣΤΗΝ ΚΡΗΤΗ", "ΑΙΣΘΗΤΟΣ ΣΤΟ ΗΡΑΚΛΕΙΟ ΚΑΙ ΣΤΑ ΧΑΝΙΑ."),
    ("el", "b", "quake", "Σεισμός 4,9 Ρίχτερ στην Κρήτη", "Ο σεισμός έγινε αισθητός στο Ηράκλειο και στα Χανιά."),
    ("ru", "a", "blast", "ВЗРЫВ НА ЗАВОДЕ В ЧЕЛЯБИНСКЕ", "ПОГИБЛИ ПЯТЬ ЧЕЛОВЕК, СООБЩИЛИ СПАСАТЕЛИ."),
    ("ru", "b", "blast", "Взрыв на заводе в Челябинске",
     "На химическом заводе произошёл взрыв, погибли пять человек, сообщили спасатели."),
    ("de", "a", "blast", "EXPLOSION IN CHEMIEWERK: FÜNF TOTE", "RETTER MELDEN FÜNF TOTE IN LUDWIGSHAFEN."),
    ("de", "b", "blast", "Explosion in Chemiewerk in Ludwigshafen",
     "Bei der Explosion starben fünf Menschen, melden die Retter."),
    ("ja", "a", "quake", "能登半島で震度6強の地震", "気象庁によると、石川県能登地方で強い揺れを観測した。"),
    ("ja", "b", "quake", "石川県能登地方で震度6強", "能登半島地震で気象庁が会見した。"),
    ("zh", "a", "quake", "四川发生6.1级地震", "中国地震台网测定，四川雅安发生地震。"),
    ("zh", "a", "stats", "国家统计局公布十一月经济数据", "消费和投资增速回升。"),
    ("zh", "b", "quake", "四川雅安6.1级地震 暂无人员伤亡报告", "据中国地震台网，雅安市发生6.1级地震。"),
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


def cjk(word):
    return sum(1 for ch in word if ord(ch) >= 0x3040)


for link in ("https://jaa.example/quake", "https://zha.example/quake", "https://zha.example/stats"):
    kw = keywords(link)
    t.ok(kw and len(set(kw)) == len(kw) and all(cjk(k) <= 2 for k in kw),
         "%s: keywords are distinct bigrams as written" % link, kw)
t.ok("四川" in keywords("https://zha.example/quake"), "... the Sichuan quake's include 四川",
     keywords("https://zha.example/quake"))
t.ok("能登" in keywords("https://jaa.example/quake"), "... the Noto quake's include 能登",
     keywords("https://jaa.example/quake"))

# One city spelt İstanbul by an English-language site in Turkey and
# Istanbul by a wire: one word.  Case folding made İ an i with a combining
# dot, another term, and the thread showed both: "Istanbul, İstanbul".
IST = [("sabah", "Magnitude 5.8 earthquake shakes \u0130stanbul, residents rush into streets",
        "A magnitude 5.8 earthquake shook \u0130stanbul on Monday, sending residents of "
        "\u0130stanbul rushing into the streets."),
       ("wire", "Istanbul earthquake of magnitude 5.8 sends residents into streets",
        "An earthquake of magnitude 5.8 struck Istanbul on Monday; Istanbul residents rushed "
        "into the streets.")]
for outlet, title, text in IST:
    srv.put("/ist-%s.xml" % outlet, rss_doc(outlet, "https://%s.example/" % outlet, [
        {"title": title, "text": text, "link": "https://%s.example/quake" % outlet,
         "date": "Mon, 30 Nov 2026 09:10:00 GMT"}], lang="en"))
wi = Workdir()
wi.write_config([srv.url("/ist-%s.xml" % o) for o, _, _ in IST], extra="concurrency = 1")
r = wi.run_once()
kw = wi.sql("SELECT DISTINCT t.keywords FROM stories s JOIN threads t ON t.id = s.thread_id")
kw = kw[0][0].split(", ") if len(kw) == 1 and kw[0][0] else kw
t.ok(r.returncode == 0 and isinstance(kw[0], str) and
     sum(1 for k in kw if k.replace("\u0130", "I") == "Istanbul") == 1,
     "İstanbul and Istanbul: one thread, the city once in its keywords", kw)
wi.cleanup()

srv.stop()
w.cleanup()
t.done()
