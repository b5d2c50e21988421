#!/usr/bin/env python3
"""Language tags written other ways, through the real daemon: a feed's
<language> may be the ISO 639-2 code ("tur", "deu") or the English name
("German") of a language Snowball stems, and its stories are then that
language's, as under "tr" or "de".  "German" was not stemmed at all, so
a German report of an event missed another German feed's ("Flughafens
... Drohnen" and "Drohne über Flughafen"); "tur" was stemmed without the
Turkish folding and case endings, so three Turkish headlines of three
events (Malatya'da deprem, Ankara'da eylem, Bodrum'da tekne) were one
thread whose first keyword was the case ending "da"."""
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
# Headlines only, two outlets: six events, no two alike.
HEAD_A = [("Ankara'da öğretmenler eylem yaptı", "protest"), ("Erdoğan'ın Rusya ziyareti ertelendi", "visit"),
          ("İzmir'de orman yangını", "fire")]
HEAD_B = [("Malatya'da deprem", "quake"), ("Putin'in açıklaması", "putin"), ("Bodrum'da tekne battı", "boat")]


def doc(name, items, lang, minute):
    return rss_doc(name, "https://%s.example/" % name, [
        {"title": title, "text": text,
         "date": "Mon, 30 Nov 2026 %02d:%02d:00 GMT" % (9 + minute // 60, minute % 60 + i),
         "link": "https://%s.example/%s" % (name, slug)} for i, (title, text, slug) in enumerate(items)],
        lang=lang)


t = Tap()
srv = Server()
srv.put("/one.xml", doc("one", ONE, "de", 10))
srv.put("/two.xml", doc("two", TWO, "German", 10))
srv.put("/ha.xml", doc("ha", [(h, "", s) for h, s in HEAD_A], "tur", 70))
srv.put("/hb.xml", doc("hb", [(h, "", s) for h, s in HEAD_B], "tur", 70))
w = Workdir()
# One transfer at a time: the same order on every run.
w.write_config([srv.url(p) for p in ("/one.xml", "/two.xml", "/ha.xml", "/hb.xml")],
               extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))
t.eq(w.sql("SELECT lang FROM stories WHERE link = 'https://two.example/drone'"), [("German",)],
     "the tag is stored as the feed wrote it")
rows = dict(w.sql("SELECT link, thread_id FROM stories"
                  " WHERE link LIKE 'https://one.%' OR link LIKE 'https://two.%'"))
t.ok(rows.get("https://one.example/drone") is not None and
     rows.get("https://one.example/drone") == rows.get("https://two.example/drone"),
     "a German feed tagged 'German': its drone report joins the 'de' feed's", rows)
t.eq(len(set(rows.values())), 3, "the other German stories have threads of their own")
heads = w.sql("SELECT s.link, s.thread_id, t.keywords FROM stories s"
              " JOIN threads t ON t.id = s.thread_id WHERE s.link LIKE 'https://h%'")
t.eq(len(set(r[1] for r in heads)), 6,
     "six Turkish headlines tagged 'tur', six events, each place with a case ending: six threads")
endings = [r for r in heads if any(k.lower() in ("da", "de", "ın", "in")
                                  for k in (r[2] or "").split(", "))]
t.ok(not endings, "no thread's keywords hold a case ending", endings)
srv.stop()
w.cleanup()
t.done()
