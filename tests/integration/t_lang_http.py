#!/usr/bin/env python3
"""A feed's own language against the server's Content-Language, through
the real daemon: a German RSS channel (<language>de</language>) from a
server that answers "Content-Language: en" (a site-wide default) keeps
its stories German, stored as `lang` 'de' and stemmed as German, so its
report of an event joins another German feed's ("Flughafens ...
Drohnen" and "Drohne über Flughafen").  feedparser puts the header in
scope for every text as if it were an xml:lang, and the daemon took it
for each item's own language: the stories were stored as 'en', stemmed
with the English stemmer, and the two reports stayed apart.  A feed that
names no language still gets the header's."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

ONE = [("Flughafens Frankfurt gesperrt: Drohnen gesichtet",
        "Wegen mehrerer Drohnen ruhte der Betrieb des Flughafens.", "drone"),
       ("Bahnstreik legt Fernverkehr lahm", "Die Lokführer streiken seit Mitternacht.", "strike")]
TWO = [("Drohne über Flughafen: Starts gestoppt",
        "Am Flughafen in Frankfurt wurde eine Drohne entdeckt.", "drone"),
       ("Hochwasser in Bayern: Pegel steigen weiter", "In Passau werden Anwohner evakuiert.", "flood")]
BARE = [("Messerangriff in Solingen", "Die Polizei sucht den Täter.", "knife")]


def doc(name, items, lang):
    return rss_doc(name, "https://%s.example/" % name, [
        {"title": title, "text": text, "date": "Mon, 30 Nov 2026 09:%02d:00 GMT" % (10 + i),
         "link": "https://%s.example/%s" % (name, slug)} for i, (title, text, slug) in enumerate(items)],
        lang=lang).encode("utf-8")


def with_language(body, value):
    return lambda h: h.reply(200, body, "application/rss+xml; charset=utf-8",
                             {"Content-Language": value})


t = Tap()
srv = Server()
srv.put("/one.xml", doc("one", ONE, "de"))
srv.routes["/two.xml"] = with_language(doc("two", TWO, "de"), "en")
srv.routes["/bare.xml"] = with_language(doc("bare", BARE, None), "de-DE")
w = Workdir()
w.write_config([srv.url(p) for p in ("/one.xml", "/two.xml", "/bare.xml")], extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))
lang = dict(w.sql("SELECT link, lang FROM stories"))
t.eq(lang.get("https://two.example/drone"), "de",
     "a German channel served as Content-Language: en keeps its <language>")
t.eq(lang.get("https://bare.example/knife"), "de-DE",
     "a feed naming no language has the Content-Language's")
rows = dict(w.sql("SELECT link, thread_id FROM stories"))
t.ok(rows.get("https://one.example/drone") is not None and
     rows.get("https://one.example/drone") == rows.get("https://two.example/drone"),
     "the two German drone reports are one thread", rows)
t.eq(len(set(rows.values())), 4, "the other stories have threads of their own")
srv.stop()
w.cleanup()
t.done()
