#!/usr/bin/env python3
"""tidings search with FTS5's column filters before a phrase or a group:
title:"a phrase" and title:(a OR b) search the titles, as title:word
does, rather than for the word "title" (which found nothing); and the
forms around the words it quotes: e-mail* (a prefix), NEAR(a b, N),
a quoted word next to a phrase, title:-word, a group beside a word,
NEAR with no ( after it (a word)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, need_programs, TIDINGS, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGS, TIDINGSD)
srv = Server()
srv.put("/a.xml", rss_doc("A", "https://a.example/", [
    {"guid": "1", "title": "Mars rover finds water ice", "link": "https://a.example/1",
     "text": "Scientists said the samples were promising."},
    {"guid": "2", "title": "Council budget approved", "link": "https://a.example/2",
     "text": "The mars rover team was not involved."},
    {"guid": "3", "title": "Launch moves to 2027", "link": "https://a.example/3",
     "text": "The Mars mission is delayed as the new rover fails."},
    {"guid": "4", "title": "Leaked e-mails show new plans", "link": "https://a.example/4",
     "text": "COVID-19 rules."},
    {"guid": "5", "title": "Asteroid passes near Earth", "link": "https://a.example/5",
     "text": "No risk, astronomers said."}]))
w = Workdir()
w.write_config([srv.url("/a.xml")])
t.eq(w.run_once().returncode, 0, "the feed is stored")


def search(q):
    r = subprocess.run([TIDINGS, "-d", w.db, "search", q], capture_output=True, text=True)
    return r.returncode, [line.split(None, 1)[0] for line in r.stdout.splitlines()]


ids = dict(w.sql("SELECT guid, id FROM stories"))
rover, council, delayed, mails = str(ids["1"]), str(ids["2"]), str(ids["3"]), str(ids["4"])
asteroid = str(ids["5"])
t.eq(search("title:rover"), (0, [rover]), "title:word searches the titles")
t.eq(search('title:"mars rover"'), (0, [rover]), 'title:"a phrase" searches the titles')
t.eq(search('TITLE:"mars rover"'), (0, [rover]), "in any case")
t.eq(search('summary:"mars rover"'), (0, [council]), 'summary:"a phrase" the summaries')
rc, got = search("title:(budget OR water)")
t.eq((rc, sorted(got)), (0, sorted([rover, council])), "title:(a OR b) searches the titles for either")
t.eq(search("title:")[0], 0, "title: alone is a word, as before")

# '-word' means "without" elsewhere, and is refused with a hint to NOT;
# after a column filter too, where title:-rover searched the titles for
# "rover", the stories it was meant to leave out.
for q in ("-rover", "title:-rover", "summary:-rover", "-title:rover"):
    r = subprocess.run([TIDINGS, "-d", w.db, "search", q], capture_output=True, text=True)
    t.ok(r.returncode == 1 and r.stdout == "" and "use NOT" in r.stderr,
         "%s is refused with a hint to NOT" % q, "status %d, stdout %r, stderr %r" %
         (r.returncode, r.stdout, r.stderr))

# A word with punctuation is quoted (the phrase of its parts), and its
# prefix '*' stays outside the quotes: inside them FTS5 drops it, and
# e-mail* found no "e-mails", COVID-1* no "COVID-19".
for q, want in (("e-mail*", [mails]), ("title:e-mail*", [mails]), ("COVID-1*", [mails]),
                ("e-mails", [mails]), ("e-mail", [])):
    t.eq(search(q), (0, want), "%s searches for that phrase, its last part a prefix" % q)

# NEAR(a b, N): the ',' before the distance passes as it is.  It was
# quoted with "b", and N searched for as a word: NEAR(mars rover, 3)
# found nothing.
rc, got = search("NEAR(mars rover)")
t.eq((rc, sorted(got)), (0, sorted([rover, council, delayed])), "NEAR(a b): within 10 words")
rc, got = search("NEAR(mars rover, 3)")
t.eq((rc, sorted(got)), (0, sorted([rover, council])), "NEAR(a b, 3): within 3 words")
rc, got = search("summary:NEAR (mars rover,10)")
t.eq((rc, sorted(got)), (0, sorted([council, delayed])), "a space before (, none after ,")
t.eq(search("mars, rover"), (0, search("mars rover")[1]), "a ',' elsewhere is still part of a word")

# A quoted word next to a phrase stays apart from it: "e-mails""new"
# is one phrase to FTS5, with a '"' in it (e mails new), which no story has.
t.eq(search('e-mails"new"'), (0, [mails]), 'e-mails"new" is e-mails and "new"')
t.eq(search('"plans"e-mails'), (0, [mails]), '"plans"e-mails is "plans" and e-mails')

# A group beside a word, a phrase or another group is AND, as the same
# words without the parentheses are: FTS5 takes only two phrases side
# by side, and "(budget OR water) mars" was a syntax error.
for q, want in (("(budget OR water) mars", [rover, council]),
                ("mars (budget OR water)", [rover, council]),
                ("(budget OR water) (rover OR samples)", [rover, council]),
                ('(budget OR water) "rover finds"', [rover]),
                ("(delayed OR approved) title:(budget OR launch)", [council, delayed]),
                ("rover title:(budget OR launch)", [council, delayed]),
                ("mars NOT (budget OR water) rover", [delayed]),
                ("NEAR(mars rover) (water OR fails)", [rover, delayed]),
                ("(water OR fails) NEAR(mars rover)", [rover, delayed]),
                ("title:(water OR budget) NEAR(mars rover)", [rover, council]),
                ("(water OR fails) NEAR (mars rover, 3)", [rover])):
    rc, got = search(q)
    t.eq((rc, sorted(got)), (0, sorted(want)), "%s: the group and what is beside it" % q)

# NEAR is FTS5's operator only before a '(': anywhere else a word (an
# all-caps headline pasted in).  It was taken for the operator, so a
# group ending with it or just before it was not joined by AND to what
# is beside it: "(asteroid NEAR) earth" was a syntax error.
for q in ("asteroid NEAR earth", "(asteroid NEAR) earth", "(quake OR NEAR) earth",
          "(asteroid) NEAR earth", "(ASTEROID PASSES NEAR) (EARTH)"):
    t.eq(search(q), (0, [asteroid]), "%s: NEAR without ( is a word" % q)

srv.stop()
w.cleanup()
t.done()
