#!/usr/bin/env python3
"""Threads through the real daemon: four outlets telling one event in
different words form one thread; a same-day event sharing its names is
another; a story update keeps its thread; the reader tool shows them."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGS, rss_doc  # noqa: E402
import invariants  # noqa: E402

CALL = [
    ("wire", "Xi and Trump discuss Taiwan, soybean purchases in phone call",
     "Chinese President Xi Jinping and U.S. President Donald Trump spoke by phone on "
     "Monday, discussing Taiwan and China's purchases of American soybeans, state media said.",
     "Mon, 24 Nov 2026 09:10:00 GMT"),
    ("bbc", "Trump and Xi hold call on trade, Taiwan",
     "Donald Trump said he had a very good phone call with Xi Jinping in which the two "
     "leaders covered soybeans, fentanyl and Taiwan, weeks after their meeting in Busan.",
     "Mon, 24 Nov 2026 10:02:00 GMT"),
    ("xinhua", "Xi Jinping speaks with U.S. President Trump on the phone",
     "Xi Jinping on Monday held a phone conversation with U.S. President Donald Trump. "
     "Xi stressed that Taiwan's return to China is an integral part of the post-war order.",
     "Mon, 24 Nov 2026 09:40:00 GMT"),
    ("post", "China's Xi tells Trump Taiwan is a red line in call; soybean deal on track",
     "In a phone call with Donald Trump, Xi Jinping said the Taiwan question was central "
     "while Beijing kept buying soybeans from U.S. farmers under the trade truce.",
     "Mon, 24 Nov 2026 11:30:00 GMT"),
]
PUTIN = [
    ("wire", "Xi and Putin hold video meeting, pledge closer ties",
     "Chinese President Xi Jinping and Russian President Vladimir Putin held a video "
     "meeting on Monday, pledging to deepen energy cooperation and coordination.",
     "Mon, 24 Nov 2026 08:00:00 GMT"),
    ("bbc", "Putin and Xi talk by video link about energy and Ukraine",
     "Vladimir Putin told Xi Jinping by video link that Russia was ready to expand gas "
     "supplies to China through the Power of Siberia pipeline.",
     "Mon, 24 Nov 2026 08:45:00 GMT"),
    ("xinhua", "Xi holds virtual talks with Russian President Putin",
     "Xi Jinping held virtual talks with Russian President Vladimir Putin on Monday, "
     "calling for stronger strategic coordination between China and Russia.",
     "Mon, 24 Nov 2026 08:30:00 GMT"),
]


def rss(name, items):
    """Items are (title, text, date, slug); a title of None: untitled."""
    return rss_doc(name, "https://%s.example/" % name, [
        {"title": title, "text": text, "date": date, "link": "https://%s.example/%s" % (name, slug),
         "guid": "https://%s.example/%s" % (name, slug)} for title, text, date, slug in items], lang="en")


t = Tap()
srv = Server()
outlets = {}
for i, (o, title, text, date) in enumerate(CALL):
    outlets.setdefault(o, []).append((title, text, date, "call-%d" % i))
for i, (o, title, text, date) in enumerate(PUTIN):
    outlets.setdefault(o, []).append((title, text, date, "putin-%d" % i))
for o, items in outlets.items():
    srv.put("/%s.xml" % o, rss(o, items))
w = Workdir()
# One transfer at a time: the feeds arrive in list order, so the online
# clusterer sees the same sequence on every run.
w.write_config([srv.url("/%s.xml" % o) for o in sorted(outlets)], extra="concurrency = 1")
r = w.run_once()
t.eq(r.returncode, 0, "tidingsd --once exits 0")
if r.returncode:
    print("# " + r.stderr.replace("\n", "\n# "))

rows = w.sql("SELECT link, thread_id FROM stories")
t.eq(len(rows), 7, "seven stories stored")
t.ok(all(tid is not None for _, tid in rows), "every story has a thread")
call = {tid for link, tid in rows if "/call-" in link}
putin = {tid for link, tid in rows if "/putin-" in link}
t.eq(len(call), 1, "the Xi-Trump call from four outlets is one thread")
t.eq(len(putin), 1, "the Xi-Putin meeting is one thread")
t.ok(not (call & putin), "and the two events, sharing names on one day, are apart", (call, putin))
live = w.sql("SELECT count(*) FROM stories s JOIN threads t ON t.id = s.thread_id WHERE t.merged_into IS NULL")
t.eq(live[0][0], 7, "every story points at a live thread")
if call:
    tc = w.sql("SELECT story_count, source_count, title FROM threads WHERE id = ?", (list(call)[0],))
    t.eq(tc[0][:2] if tc else None, (4, 4), "the call's thread counts 4 stories from 4 sources")
    t.ok(tc and tc[0][2] in [c[1] for c in CALL], "its title is one of its headlines", tc)

# An update of a story keeps its thread.
before = dict(rows)
items = outlets["bbc"]
items[0] = (items[0][0], items[0][1] + " The White House confirmed the call.", items[0][2], items[0][3])
srv.put("/bbc.xml", rss("bbc", items))
r = w.run_once()
after = dict(w.sql("SELECT link, thread_id FROM stories"))
t.eq(after, before, "an updated story keeps its thread")

r = subprocess.run([TIDINGS, "-d", w.db, "threads", "--json"], capture_output=True, text=True)
try:
    doc = json.loads(r.stdout)
except ValueError:
    doc = None
t.ok(isinstance(doc, list) and len(doc) >= 2, "tidings threads --json lists the threads", r.stdout[:300])
big = [th for th in (doc or []) if th.get("source_count") == 4]
t.ok(len(big) == 1 and sorted(big[0]["sources"]) == ["bbc.example", "post.example", "wire.example", "xinhua.example"],
     "with their sources", big)
r = subprocess.run([TIDINGS, "-d", w.db, "threads", "--min-sources", "4", "--json"], capture_output=True, text=True)
t.eq(len(json.loads(r.stdout or "[]")), 1, "--min-sources 4 keeps only the call")
if call:
    r = subprocess.run([TIDINGS, "-d", w.db, "thread", str(list(call)[0]), "--json"],
                       capture_output=True, text=True)
    try:
        th = json.loads(r.stdout)
    except ValueError:
        th = {}
    t.eq(len(th.get("stories", [])), 4, "tidings thread ID --json lists its four stories")
r = subprocess.run([TIDINGS, "-d", w.db, "search", "soybeans"], capture_output=True, text=True)
t.ok(r.returncode == 0 and "soybean" in r.stdout.lower(), "tidings search finds stories by text", r.stdout + r.stderr)

# A post without a title (a microblog's feed) joins the call's thread; the
# thread keeps a headline for its title, however central the post's text.
POST = ("Xi Jinping and Donald Trump discussed Taiwan and soybean purchases in a phone "
        "call on Monday; Xi said Taiwan's return to China is part of the post-war order, "
        "and Trump said China keeps buying American soybeans under the trade truce.")
srv.put("/posts.xml", rss("posts", [
    (None, POST, "Mon, 24 Nov 2026 12:00:00 GMT", "1"),
    (None, "Glassblowers of Murano elected Mirela Tanaskovic, a furnace maker, to chair their guild.",
     "Mon, 24 Nov 2026 12:30:00 GMT", "2"),
    # A title that is only a dateline: no headline either.
    ("Updated 1:05PM ET",
     "In a phone call on Monday, Donald Trump and Xi Jinping discussed Taiwan and purchases of "
     "soybeans; Xi called Taiwan's return to China part of the post-war order, and Trump said "
     "China keeps buying American soybeans under the truce on trade.",
     "Mon, 24 Nov 2026 12:40:00 GMT", "3")]))
w.write_config([srv.url("/%s.xml" % o) for o in sorted(outlets) + ["posts"]], extra="concurrency = 1")
r = w.run_once()
t.ok(r.returncode == 0, "the run with the untitled posts exits 0", r.stderr[-2000:])
post = w.sql("SELECT s.title, s.thread_id FROM stories s WHERE link = 'https://posts.example/1'")
t.ok(post and post[0][0] is None and post[0][1] in call, "an untitled post joins the call's thread", post)
dated = w.sql("SELECT thread_id FROM stories WHERE link = 'https://posts.example/3'")
t.ok(dated and dated[0][0] in call, "so does a post titled by its dateline", dated)
if call:
    tc = w.sql("SELECT story_count, title FROM threads WHERE id = ?", (list(call)[0],))
    t.ok(tc and tc[0][0] == 6 and tc[0][1] in [c[1] for c in CALL],
         "and the thread's title stays one of its headlines", tc)
    r = subprocess.run([TIDINGS, "-d", w.db, "thread", str(list(call)[0])], capture_output=True, text=True)
    t.ok(r.returncode == 0 and "Xi Jinping and Donald Trump discussed" in r.stdout,
         "tidings thread shows the untitled post by the start of its text", r.stdout)
r = subprocess.run([TIDINGS, "-d", w.db, "threads", "--since", "3650d"], capture_output=True, text=True)
t.ok(r.returncode == 0 and any("(untitled)" in line and "Murano" in line for line in r.stdout.splitlines()),
     "tidings threads shows a thread of untitled posts by its keywords", r.stdout)

# Keywords are spelt as the thread's own stories spell them: "banking",
# met first in another thread, is one stem with Deutsche Bank, and a
# shouting headline's LIBOR is the stories' Libor.
BANK = [
    ("Outage leaves online banking customers locked out",
     "Customers of three lenders could not reach their online banking accounts for most "
     "of Monday after a data centre failed.", "Mon, 24 Nov 2026 13:00:00 GMT"),
    ("DEUTSCHE BANK FINED OVER LIBOR RIGGING",
     "Regulators in London and New York fined Deutsche Bank for rigging interest rates; "
     "Deutsche Bank said it would not appeal.", "Mon, 24 Nov 2026 14:00:00 GMT"),
    ("Deutsche Bank to pay record fine for rigging rates",
     "US and British regulators ordered Deutsche Bank to settle over Libor manipulation by "
     "Deutsche Bank traders.", "Mon, 24 Nov 2026 14:01:00 GMT"),
    ("Deutsche Bank Settles Over Libor Rigging",
     "The fine against Deutsche Bank is the largest yet in the Libor rigging scandal, "
     "regulators said.", "Mon, 24 Nov 2026 14:02:00 GMT"),
    ("Regulators fine Deutsche Bank over Libor",
     "Deutsche Bank will fire seven traders over Libor, regulators said of the Deutsche "
     "Bank settlement.", "Mon, 24 Nov 2026 14:03:00 GMT"),
] + [("Deutsche Bank fined over Libor", "Regulators fined Deutsche Bank over Libor rigging "
      "on Monday, outlet %d reported." % i, "Mon, 24 Nov 2026 14:%02d:00 GMT" % (10 + i))
     for i in range(4)]
bank_feeds = []
for i, (title, text, date) in enumerate(BANK):
    name = "bank%d" % i
    srv.put("/%s.xml" % name, rss(name, [(title, text, date, "b%d" % i)]))
    bank_feeds.append(name)
w.write_config([srv.url("/%s.xml" % o) for o in sorted(outlets) + ["posts"] + bank_feeds],
               extra="concurrency = 1")
r = w.run_once()
t.ok(r.returncode == 0, "the run with the bank's reports exits 0", r.stderr[-2000:])
fine = w.sql("SELECT DISTINCT thread_id FROM stories WHERE link LIKE 'https://bank%.example/b%' "
             "AND link NOT LIKE 'https://bank0.%'")
t.eq(len(fine), 1, "the eight reports of the bank's fine are one thread")
if fine:
    kw = w.sql("SELECT keywords, story_count FROM threads WHERE id = ?", (fine[0][0],))
    kw = kw[0] if kw else ("", 0)
    t.ok(kw[1] == 8 and "Bank" in kw[0].split(", ") and "banking" not in kw[0],
         "its keywords spell Deutsche Bank as its stories do, not as the outage did", kw)
    t.ok("Libor" in kw[0] and "LIBOR" not in kw[0] and "DEUTSCHE" not in kw[0],
         "and the names as written mid-sentence, not as a headline shouts them", kw)

t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")
srv.stop()
w.cleanup()
t.done()
