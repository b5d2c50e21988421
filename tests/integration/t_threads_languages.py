#!/usr/bin/env python3
"""Stemming through the real daemon after many languages: a parse worker
that has tokenized stories in 32 other languages (ja, zh, ko, ...) still
stems German, so two German reports of one event, "Flughafens ...
Drohnen" and "Drohne über Flughafen", join (the first 32 language codes
seen used to fill the tokenizer's table, and the German stories were then
compared unstemmed, sharing one word)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

CODES = ("ja zh ko vi th id ms hi bn ur fa he ar tr el bg ru uk pl cs sk hu ro hr sr sl "
         "lt lv et fi sv no").split()
ONE = [("Flughafens Frankfurt gesperrt: Drohnen gesichtet",
        "Wegen mehrerer Drohnen ruhte der Betrieb des Flughafens.", "drone"),
       ("Bahnstreik legt Fernverkehr lahm", "Die Lokführer streiken seit Mitternacht.", "strike")]
TWO = [("Drohne über Flughafen: Starts gestoppt",
        "Am Flughafen in Frankfurt wurde eine Drohne entdeckt.", "drone"),
       ("Hochwasser in Bayern: Pegel steigen weiter", "In Passau werden Anwohner evakuiert.", "flood")]

t = Tap()
srv = Server()
urls = []
for i, code in enumerate(CODES):
    srv.put("/l%02d.xml" % i, rss_doc("l%d" % i, "https://l%d.example/" % i, [
        {"title": "Item %s number %d" % (code, i), "text": "Text %d in %s" % (i, code),
         "link": "https://l%d.example/1" % i, "date": "Mon, 30 Nov 2026 07:00:00 GMT"}], lang=code))
    urls.append(srv.url("/l%02d.xml" % i))
for name, items in (("one", ONE), ("two", TWO)):
    srv.put("/%s.xml" % name, rss_doc(name, "https://%s.example/" % name, [
        {"title": title, "text": text, "date": "Mon, 30 Nov 2026 09:%02d:00 GMT" % (10 + i),
         "link": "https://%s.example/%s" % (name, slug)} for i, (title, text, slug) in enumerate(items)],
        lang="de"))
    urls.append(srv.url("/%s.xml" % name))
w = Workdir()
# One transfer at a time: the other languages first, then the German feeds.
w.write_config(urls, extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], len(CODES) + 4, "every story stored")
rows = dict(w.sql("SELECT link, thread_id FROM stories WHERE lang = 'de'"))
t.ok(rows.get("https://one.example/drone") is not None and
     rows.get("https://one.example/drone") == rows.get("https://two.example/drone"),
     "after 32 other languages, the German drone reports are one thread", rows)
t.eq(len(set(rows.values())), 3, "the other German stories have threads of their own")
srv.stop()
w.cleanup()
t.done()
