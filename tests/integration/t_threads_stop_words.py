#!/usr/bin/env python3
"""Stop words of languages other than the nine first lists' (en fr de es
it pt nl sv da/no), through the real daemon: a story tagged Russian,
Turkish, Persian... took the English list, so its function words ("что",
"это", "было", "bir", "bu", "در", "به", "في", "من") were terms.  Two
unrelated headlines that shared only those joined one thread, and its
keywords were those words.  Per language, two outlets' headlines of two
unrelated events, whose only common words are function words: two
threads, and no thread keyword is a function word."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

# language tag: (headline of one event, of another), function words shared
PAIRS = [
    ("ru", ("Пожар на складе в Казани: что это было и кто за это ответит",
            "Забастовка на заводе в Самаре: что это было и кто за это заплатит"),
     "что это было кто за на в и"),
    ("uk", ("Що відомо про пожежу на складі у Львові та хто за це відповість",
            "Що відомо про страйк на заводі у Дніпрі та хто за це заплатить"),
     "що про на у та хто за це"),
    ("pl", ("Co wiadomo o pożarze w magazynie w Łodzi i kto za to odpowie",
            "Co wiadomo o strajku w fabryce w Gdańsku i kto za to zapłaci"),
     "co o w i kto za to"),
    ("tr", ("Ve bir de bu: İzmir'de köprü çöktü",
            "Ve bir de bu: Ankara'da konser iptal edildi"),
     "ve bir de bu"),
    ("el", ("Τι είναι αυτό που έγινε στην Πάτρα με τη φωτιά και ποιος θα πληρώσει",
            "Τι είναι αυτό που έγινε στη Λάρισα με την απεργία και ποιος θα αποζημιώσει"),
     "τι είναι αυτό που στην στη με τη την και ποιος θα"),
    ("ar", ("ارتفاع أسعار الخبز في القاهرة على الرغم من الدعم",
            "فيضانات في الخرطوم على الرغم من التحذيرات"),
     "في على الرغم من"),
    ("fa", ("افزایش قیمت نان در تهران و واکنش مردم به این تصمیم",
            "سیل در شمال کشور و خسارت به این مزارع از باران"),
     "در و به این از"),
    ("ur", ("کراچی میں آٹے کی قیمت میں اضافہ اور یہ بھی کہا گیا کہ",
            "لاہور میں بارش سے سیلاب اور یہ بھی کہا گیا کہ"),
     "میں اور یہ بھی کہا گیا کہ"),
    ("he", ("הוא לא היה שם: שריפה במחסן בחיפה",
            "הוא לא היה שם: שביתה בנמל אשדוד"),
     "הוא לא היה שם"),
    ("id", ("Kebakaran gudang di Surabaya, ini dia siapa yang akan bertanggung jawab",
            "Banjir bandang di Medan, ini dia siapa yang akan membayar"),
     "di ini dia yang siapa akan"),
]


def doc(name, title, slug):
    return rss_doc(name, "https://%s.example/" % name, [
        {"title": title, "text": "", "date": "Mon, 30 Nov 2026 09:10:00 GMT",
         "link": "https://%s.example/%s" % (name, slug)}], lang=LANG[name])


t = Tap()
srv = Server()
urls = []
LANG = {}
for lang, heads, _ in PAIRS:
    for k, head in enumerate(heads):
        name = "%s%d" % (lang, k)
        LANG[name] = lang
        srv.put("/%s.xml" % name, doc(name, head, "story"))
        urls.append(srv.url("/%s.xml" % name))
w = Workdir()
# One transfer at a time: the same order on every run.
w.write_config(urls, extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))
rows = w.sql("SELECT s.link, s.thread_id, t.keywords FROM stories s"
             " JOIN threads t ON t.id = s.thread_id")
by = {link.split("/")[2].split(".")[0]: (tid, kw or "") for link, tid, kw in rows}
for lang, _, stops in PAIRS:
    a, b = by.get(lang + "0"), by.get(lang + "1")
    t.ok(a and b and a[0] != b[0],
         "%s: two unrelated headlines sharing only function words, two threads" % lang, (a, b))
    words = set(stops.split())
    bad = [k for s in (a, b) if s for k in s[1].split(", ") if k.lower() in words]
    t.ok(a and b and not bad, "%s: no function word among the threads' keywords" % lang, bad)
srv.stop()
w.cleanup()
t.done()
