#!/usr/bin/env python3
"""Numbers whose thousands are grouped with a narrow no-break, no-break or
thin space, as French (and Russian, Polish, Czech...) write them (a
summary's HTML makes a no-break space a space): "3 000 hectares" is 3000,
as "3000" and "3,000" are.  Each group was a number of
its own: "3" (too short, no term) and "000", so every story with a round
number shared a term "000", weighed as a number, which a thread showed as
its first keyword, and two reports of one fire, "3 000 hectares" and "3000
hectares", were two threads."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

N = "\u202f"  # NARROW NO-BREAK SPACE, before a colon and between groups
A = [("Incendie dans le Var%s: 3%s000 hectares brûlés" % (N, N),
      "Plus de 3%s000 hectares ont brûlé près de Fréjus, 1%s000 pompiers sont mobilisés." % (N, N), "feu"),
     ("Grève à la SNCF%s: 10\u00a0000 trains annulés" % N,
      "Près de 10\u00a0000 trains sont annulés mardi, 200\u00a0000 voyageurs touchés.", "greve")]
B = [("Incendie dans le Var : 3000 hectares partis en fumée",
      "Le feu a détruit 3000 hectares près de Fréjus, selon les pompiers.", "feu"),
     ("Salon de l'agriculture%s: 600\u2009000 visiteurs attendus" % N,
      "Les organisateurs attendent 600\u2009000 visiteurs porte de Versailles.", "salon")]

t = Tap()
srv = Server()
for name, items in (("a", A), ("b", B)):
    srv.put("/%s.xml" % name, rss_doc(name, "https://%s.example/" % name, [
        {"title": title, "text": text, "link": "https://%s.example/%s" % (name, slug),
         "date": "Mon, 30 Nov 2026 09:%02d:00 GMT" % (10 + i)}
        for i, (title, text, slug) in enumerate(items)], lang="fr"))
w = Workdir()
# One transfer at a time: the same order on every run.
w.write_config([srv.url("/a.xml"), srv.url("/b.xml")], extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))
rows = {link: (thread, kw.split(", ") if kw else []) for link, thread, kw in w.sql(
    "SELECT s.link, s.thread_id, t.keywords FROM stories s JOIN threads t ON t.id = s.thread_id")}
t.eq(len(rows), 4, "four stories with threads")
fire = [rows.get("https://%s.example/feu" % n, (None, []))[0] for n in "ab"]
t.ok(fire[0] is not None and fire[0] == fire[1], "3 000 hectares and 3000 hectares: one fire, one thread",
     rows)
others = [rows.get("https://a.example/greve", (None,))[0], rows.get("https://b.example/salon", (None,))[0]]
t.ok(None not in others and len(set(others)) == 2 and fire[0] not in others,
     "the strike and the fair have threads of their own", rows)
kws = [k for v in rows.values() for k in v[1]]
t.ok(kws and not any(k.strip("0") == "" or k in ("200", "600") for k in kws),
     "no keyword is a group of a number (000, the 200 of 200 000)", kws)
t.ok("3%s000" % N in rows.get("https://a.example/feu", (None, []))[1],
     "the number is a keyword as written", rows.get("https://a.example/feu"))
srv.stop()
w.cleanup()
t.done()
