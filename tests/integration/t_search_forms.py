#!/usr/bin/env python3
"""tidings search with a query that has another Unicode form (a Latin
accent, a Hangul, kana, Cyrillic or Greek word: each such operand is
searched as "(x OR x')", composed and decomposed) means what the same
query means without one: what FTS5 finds for it as written, and for the
same words in ASCII.  Operands side by side bind tighter than any
operator, "a NOT b c" being a NOT (b c)."""
import os
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, need_programs, TIDINGS, TIDINGSD  # noqa: E402


def nfd(s):
    return unicodedata.normalize("NFD", s)


t = Tap()
need_programs(t, TIDINGS, TIDINGSD)
srv = Server()
# The same four stories in French (accents), Korean and plain ASCII:
# a strike, at the port, on the metro, at both.
items = []
for lang, strike, port, metro in (("fr", "grève", "port", "métro"),
                                  ("ko", "파업", "항구", "지하철"),
                                  ("en", "strike", "harbour", "subway")):
    for tag, words in (("a", [strike]), ("ap", [strike, port]), ("am", [strike, metro]),
                       ("apm", [strike, port, metro])):
        items.append({"guid": lang + "-" + tag, "title": " ".join(words),
                      "link": "https://a.example/%s/%s" % (lang, tag), "text": "news " + lang})
srv.put("/a.xml", rss_doc("A", "https://a.example/", items))
w = Workdir()
w.write_config([srv.url("/a.xml")])
t.eq(w.run_once().returncode, 0, "the feed is stored")
guid = {str(i): g for g, i in w.sql("SELECT guid, id FROM stories")}


def search(q):
    r = subprocess.run([TIDINGS, "-d", w.db, "search", "--", q], capture_output=True, text=True)
    return r.returncode, sorted(guid[line.split(None, 1)[0]] for line in r.stdout.splitlines()), r.stderr


# ---- NOT before words side by side ------------------------------------------
# FTS5 reads "strike NOT harbour subway" as strike NOT (harbour subway):
# the strikes but the one at both.  With an accent or a Korean word the
# words side by side were joined by an AND, which binds less than NOT:
# "(grève NOT port) AND métro", the strike on the metro alone.
for lang, q in (("en", "strike NOT harbour subway"), ("fr", "grève NOT port métro"),
                ("ko", "파업 NOT 항구 지하철")):
    want = [lang + "-a", lang + "-am", lang + "-ap"]
    for form, f in (("composed", str), ("decomposed", nfd)):
        t.eq(search(f(q)), (0, want, ""), "%r %s: NOT leaves out the words side by side" % (q, form))
# Side by side after NOT, before an OR, in a group, with a column filter.
for lang, q, want in (
        ("fr", "grève NOT port métro OR xyzzy", ["a", "am", "ap"]),
        ("fr", "(grève NOT port métro) news", ["a", "am", "ap"]),
        ("fr", "grève NOT title:port métro", ["a", "am", "ap"]),
        ("fr", "grève port NOT métro", ["ap"]),
        ("fr", "grève NOT port métro NOT port", ["a", "am"]),
        ("ko", "지하철 항구 OR 파업 NOT 항구 지하철", ["a", "am", "ap", "apm"]),
        ("ko", "NEAR(파업 항구) 지하철 OR 파업 NOT NEAR(항구 지하철) 파업", ["a", "am", "ap", "apm"])):
    want = [lang + "-" + g for g in want]
    for form, f in (("composed", str), ("decomposed", nfd)):
        t.eq(search(f(q)), (0, want, ""), "%r %s: as FTS5 reads it" % (q, form))

# ---- a word written against a phrase ----------------------------------------
# FTS5 reads port"news" as port "news".  Given its AND, the word was
# "portAND": nothing found, or, when that made the query one FTS5 cannot
# read, the query as written alone, without the other form.
for lang, q, want in (("fr", 'grève port"news"', ["ap", "apm"]),
                      ("fr", 'grève port"news fr"*', ["ap", "apm"]),
                      ("ko", 'news"파업"', ["a", "am", "ap", "apm"]),
                      ("ko", '항구"news" 파업', ["ap", "apm"])):
    want = [lang + "-" + g for g in want]
    for form, f in (("composed", str), ("decomposed", nfd)):
        t.eq(search(f(q)), (0, want, ""), "%r %s: the word and the phrase" % (q, form))

# ---- punctuation standing alone ----------------------------------------------
# A headline pasted with its dash ("grève – port"), or words joined by
# "-", "&", "+", "/": the punctuation is no word, as in a story's text,
# and FTS5 finds "strike - harbour" as "strike harbour".  Given its AND,
# the empty phrase it is quoted as matched no story: with an accent or a
# Korean word the query found nothing at all.
for lang, q, want in (("en", "strike - harbour", ["ap", "apm"]),
                      ("fr", "grève - port", ["ap", "apm"]),
                      ("fr", "grève \u2013 port", ["ap", "apm"]),
                      ("fr", "grève & port / métro", ["apm"]),
                      ("fr", "- grève + métro ...", ["am", "apm"]),
                      ("fr", "(grève - port) OR xyzzy", ["ap", "apm"]),
                      ("ko", "파업 - 항구", ["ap", "apm"])):
    want = [lang + "-" + g for g in want]
    for form, f in (("composed", str), ("decomposed", nfd)):
        t.eq(search(f(q)), (0, want, ""), "%r %s: the punctuation is no word" % (q, form))

srv.stop()
w.cleanup()
t.done()
