#!/usr/bin/env python3
"""tidings search as readers in many languages type it: the blanks of
other scripts and input methods (U+3000, a no-break space) separate
words as a space does; a query of no word (an emoji, a symbol) is
refused with the reason rather than finding nothing; a query FTS5
cannot read comes with how to write it; a query finds a story whether
either is written composed (NFC) or decomposed (NFD)."""
import os
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, need_programs, TIDINGS, TIDINGSD  # noqa: E402


def nfd(s):
    return unicodedata.normalize("NFD", s)


def nfc(s):
    return unicodedata.normalize("NFC", s)


t = Tap()
need_programs(t, TIDINGS, TIDINGSD)
srv = Server()
srv.put("/a.xml", rss_doc("A", "https://a.example/", [
    {"guid": "expo", "title": "大阪　万博　開幕", "link": "https://a.example/1",
     "text": "来場者　多数"},
    {"guid": "hanoi", "title": "Hà Nội mưa lớn", "link": "https://a.example/2",
     "text": "Thành phố Hồ Chí Minh"},
    {"guid": "elysee", "title": "Macron reçu à l'Élysée", "link": "https://a.example/3",
     "text": "Le président a déclaré qu'il était très heureux."},
    {"guid": "cup", "title": "Fans 🎉 celebrate the cup 🏆", "link": "https://a.example/4",
     "text": "Prices up 3.5% to €1,000 or more (*)"},
    # The same words composed (NFC, as most feeds write) and decomposed
    # (NFD: a feed written on a Mac), in Korean, Japanese, Russian, Greek.
    {"guid": "nfc", "title": nfc("서울 시위 ガス料金 новый закон Αθήνα"),
     "link": "https://a.example/5", "text": "composed"},
    {"guid": "nfd", "title": nfd("서울 시위 ガス料金 новый закон Αθήνα"),
     "link": "https://a.example/6", "text": "decomposed"}]))
w = Workdir()
w.write_config([srv.url("/a.xml")])
t.eq(w.run_once().returncode, 0, "the feed is stored")
ids = {g: str(i) for g, i in w.sql("SELECT guid, id FROM stories")}


def search(q):
    r = subprocess.run([TIDINGS, "-d", w.db, "search", "--", q], capture_output=True, text=True)
    return r.returncode, sorted(line.split(None, 1)[0] for line in r.stdout.splitlines()), r.stderr


# ---- blanks other than ' ', '\t', '\n' ------------------------------------
# FTS5 splits a query only at ASCII blanks: "開幕　大阪" (the ideographic
# space U+3000 a Japanese or Chinese input method types) was one word, the
# phrase of its two, which no story holds in that order; an operator
# between such blanks was a word of the phrase too.
for q, want in (("開幕\u3000大阪", ["expo"]), ("開幕 大阪", ["expo"]),
                ("多数\u3000万博", ["expo"]), ("noi\u00a0ha", ["hanoi"]),
                ("minh\u2003hà", ["hanoi"]), ("minh\rha", ["hanoi"]),
                ("minh\u3000OR\u3000xyzzy", ["hanoi"]),
                ("xyzzy\u00a0OR\u00a0開幕", ["expo"]),
                ("title:ha\u3000minh", ["hanoi"]), ("万博\u3000NOT\u3000来場者", [])):
    rc, got, err = search(q)
    t.eq((rc, got, err), (0, sorted(ids[g] for g in want), ""),
         "%r: its words apart, as with spaces" % q)
# After such a blank, '-word' is refused as after a space (it was a
# phrase of the two words, the one to leave out searched for).
rc, got, err = search("minh\u3000-hà")
t.ok(rc == 1 and "use NOT" in err, "'-word' after U+3000 is refused with a hint to NOT",
     "status %d, stdout %r, stderr %r" % (rc, got, err))
# Inside a phrase a blank is a blank, as before.
t.eq(search('"ha\u3000noi"')[:2], (0, [ids["hanoi"]]), "a phrase with U+3000 in it")
t.eq(search('"noi\u3000ha"')[:2], (0, []), "its words still in order")
# A query of such blanks alone is blank, as one of spaces is.
for q in ("\u3000", "\u00a0\r\u3000"):
    rc, got, err = search(q)
    t.ok(rc == 1 and "what to search for?" in err, "%r asks what to search for" % q,
         "status %d, stderr %r" % (rc, err))

# ---- a query with no word -------------------------------------------------
# The index holds words of letters and digits: "🎉" or "*" found nothing,
# exit 0, as if no story had them (this one has both).  It is refused and
# says why; a word beside them is searched for as before.
for q in ("🎉", "🏆", "*", "€", '""', "-", "title:🏆", '"🎉" "🏆"'):
    rc, got, err = search(q)
    t.ok(rc == 1 and got == [] and "nothing to search for" in err and "emoji" in err,
         "%r: nothing to search for, said so" % q, "status %d, stdout %r, stderr %r" % (rc, got, err))
for q in ("🎉 celebrate", "celebrate 🏆", "3.5%", "€1,000", "cup*"):
    t.eq(search(q), (0, [ids["cup"]], ""), "%r: its words searched for" % q)

# ---- a query FTS5 cannot read ---------------------------------------------
# It said only where it stopped ('syntax error near ""' for "cup OR" or
# "(cup"), and near "OR" for a search for the word OR: now how to write it
# too, and the word in lower case is a word.
for q in ("OR", "AND", "NOT cup", "cup OR", "(cup", "()", "NEAR(cup"):
    rc, got, err = search(q)
    t.ok(rc == 1 and got == [] and "syntax error" in err and
         "AND, OR and NOT go between two words" in err and "each '(' needs its ')'" in err,
         "%r: the error, and how to write the query" % q,
         "status %d, stdout %r, stderr %r" % (rc, got, err))
t.eq(search("CUP or")[:2], (0, [ids["cup"]]), "'or' is a word (and found)")
t.eq(search("cup or xyzzy")[:2], (0, []), "all of them must match")
rc, got, err = search("cup OR xyzzy")
t.eq((rc, got, err), (0, [ids["cup"]], ""), "OR between two words: no hint")

# ---- composed and decomposed text -------------------------------------------
# The index keeps each story's text as its feed wrote it, and its tokenizer
# takes a Hangul syllable's letters, a kana and its voicing mark, Cyrillic
# "и" and its breve, Greek "η" and its accent apart: "서울" typed (NFC)
# found no story written decomposed, and a decomposed query (pasted from
# a Mac's file name) none written composed.  Either form finds both.
both = sorted([ids["nfc"], ids["nfd"]])
for word in ("서울", "서울*", "ガス料金", "ガス*", "новый", "Αθήνα", "title:시위",
             '"новый закон"', "NEAR(서울 закон, 5)", "서울 NOT xyzzy", "(서울 OR xyzzy) закон"):
    for form, f in (("composed", nfc), ("decomposed", nfd)):
        t.eq(search(f(word)), (0, both, ""), "%r %s finds both forms" % (word, form))
t.eq(search(nfd("서울 NOT decomposed")), (0, [ids["nfc"]], ""), "NOT applies to both forms")
# A word left out is left out in either form: searched as "(q) OR (q')",
# "composed NOT 서울" found the composed story, which has 서울, by its
# other half ("composed NOT" the decomposed 서울, which it has not).
for q in ("composed NOT 서울", "(composed NOT новый) OR xyzzy", "decomposed NOT title:Αθήνα"):
    for form, f in (("composed", nfc), ("decomposed", nfd)):
        t.eq(search(f(q)), (0, [], ""), "%r %s: the word left out in either form" % (q, form))
# A query FTS5 cannot read is reported where it stopped in the query as
# written, not in the two forms joined with OR ('near ")"').
rc, got, err = search(nfd("서울 OR"))
t.ok(rc == 1 and got == [] and 'syntax error near ""' in err, "the error of the query as written",
     "status %d, stdout %r, stderr %r" % (rc, got, err))
# Latin accents fold away in either form, as before.
t.eq(search(nfd("élysée")), (0, [ids["elysee"]], ""), "a decomposed élysée finds Élysée")

srv.stop()
w.cleanup()
t.done()
