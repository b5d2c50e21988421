#!/usr/bin/env python3
"""A seeded random world of feeds, polled round after round by the real
`tidingsd --once` on a clock that libfaketime moves forward (10 minutes
to 10 hours a round, retention 2 days), with everything a real feed list
does to a daemon: new items, edited headlines, texts and links, items
that drop out and come back, rotated guids and a CMS that moves to
another guid scheme, one article in two feeds (with tracking parameters),
wire copies, one guid in two feeds, an entry twice in one document, an
item that moves to another feed, two items under one link, RSS with and
without guids or links and Atom, feeds removed from the list and listed
again, a 301 to another listed feed, and HTTP 500, 404, 410, 429 with
Retry-After, truncated bodies and broken XML.  After every round: the
documented invariants (invariants.py, Snapshot.since), integrity_check,
foreign_key_check, the search index, the log, feeds.last_error, and a
model of what each feed serves: every item stored, findable under its
key with its latest headline, one story per item.

The world of seed 109 (30 rounds, 10 feeds) found a draft's address
replaced by the final one in the poll where a CMS's new guids repeat
(t_guid_scheme.py).  TIDINGS_WORLD="SEED ROUNDS FEEDS" runs another."""
import email.utils
import hashlib
import os
import random
import socket
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, FAKETIME_LIB, faked_clock  # noqa: E402
import invariants  # noqa: E402

t = Tap()
if not FAKETIME_LIB:
    t.skip_all("no libfaketime (apt-get install faketime)")
SEED, ROUNDS, NF = (int(x) for x in os.environ.get("TIDINGS_WORLD", "109 30 10").split())
rnd = random.Random(SEED)
HOUR = 3600
RET = 2 * 86400
BASE = int(time.time())
VOCAB = ("harbour council river budget tunnel election market festival ministry court "
         "storm railway museum vaccine league bridge school factory airport reservoir "
         "orchestra glacier senate treaty farmer pilot nurse miner island desert forest "
         "volcano comet bakery library stadium convoy embassy pension tariff drought "
         "satellite protest verdict merger strike lottery carnival mayor governor").split()


def words(n):
    return " ".join("%s%d" % (rnd.choice(VOCAB), rnd.randrange(100000)) for _ in range(n))


def title():
    return " ".join(rnd.choice(VOCAB).capitalize() for _ in range(rnd.randrange(3, 8))) + \
        " %d" % rnd.randrange(1000)


srv = Server()
w = Workdir()
clock, env = faked_clock(w)
offset = 0


def now():
    return BASE + offset + (int(time.time()) - BASE)


class Feed:
    def __init__(self, k):
        self.k = k
        self.path = "/f%d.xml" % k
        self.url = srv.url(self.path)
        self.host = "f%d.example" % k
        self.items = []       # served, newest first: dicts
        self.dropped = []     # items out of the feed for now
        self.listed = True
        self.fault = None     # None or name of fault for this round
        self.redirect = None  # Feed it 301s to
        self.added = None     # fake time first listed
        self.kind = rnd.choice(["rss", "rss", "atom", "noguid", "nolink"])
        self.collided = set()

    def doc(self):
        if self.kind == "atom":
            out = ['<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                   '<title>Feed %d</title><id>urn:feed:%d</id><link href="http://%s/"/>'
                   % (self.k, self.k, self.host)]
            for it in self.items:
                out.append("<entry><id>%s</id><title>%s</title><link href=\"%s\"/>%s"
                           "<summary>%s</summary></entry>" % (
                               it["guid"], it["title"], it["link"].replace("&", "&amp;"),
                               "<updated>%s</updated>" % time.strftime(
                                   "%Y-%m-%dT%H:%M:%SZ", time.gmtime(it["date"]))
                               if it["date"] is not None else "", it["text"]))
            out.append("</feed>")
            return "".join(out).encode()
        out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
               '<title>Feed %d</title><link>http://%s/</link>' % (self.k, self.host)]
        for it in self.items:
            out.append("<item><title>%s</title>%s%s%s"
                       "<description>%s</description></item>" % (
                           it["title"], "" if self.kind == "nolink" else
                           "<link>%s</link>" % it["link"].replace("&", "&amp;"),
                           "" if self.kind in ("noguid", "nolink") else
                           "<guid isPermaLink=\"false\">%s</guid>" % it["guid"],
                           "<pubDate>%s</pubDate>" % email.utils.formatdate(it["date"], usegmt=True)
                           if it["date"] is not None else "", it["text"]))
        out.append("</channel></rss>")
        return "".join(out).encode()


feeds = [Feed(k) for k in range(NF)]
serial = [0]


def new_item(f, text=None, link=None, date="now"):
    serial[0] += 1
    n = serial[0]
    if date == "now":
        d = now() - rnd.randrange(0, 2 * HOUR)
    elif date == "past":
        d = now() - rnd.randrange(3, 30) * 86400
    elif date == "future":
        d = now() + rnd.randrange(1, 48) * HOUR
    else:
        d = None
    it = {"guid": "g-%d-%d" % (f.k, n), "link": link or "http://%s/a/%d" % (f.host, n),
          "title": title(), "text": text or words(rnd.randrange(20, 60)), "date": d,
          "n": n, "shared": link is not None, "wire": text is not None, "born": None}
    f.items.insert(0, it)
    return it


def route_for(f):
    def h(req):
        if f.redirect is not None:
            return req.reply(301, b"", None, {"Location": f.redirect.url})
        fault = f.fault
        if fault in ("500", "404", "410"):
            return req.reply(int(fault), b"oops", "text/plain")
        if fault == "429":
            return req.reply(429, b"slow down", "text/plain", {"Retry-After": "3600"})
        if fault == "truncated":
            body = f.doc()
            req.send_response(200)
            req.send_header("Content-Type", "application/rss+xml")
            req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            req.wfile.write(body[:len(body) // 2])
            req.wfile.flush()
            req.close_connection = True
            try:
                req.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if fault == "badxml":
            return req.reply(200, f.doc()[:-30] + b"<item><title>x</titl", "application/rss+xml")
        body = f.doc()
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        if req.headers.get("If-None-Match") == etag:
            return req.reply(304, b"", None, {"ETag": etag})
        return req.reply(200, body, "application/rss+xml", {"ETag": etag})
    return h


for f in feeds:
    srv.routes[f.path] = route_for(f)
    for _ in range(rnd.randrange(2, 8)):
        new_item(f)


def write_list():
    w.write_config([f.url for f in feeds if f.listed], extra="retention = 2d\nconcurrency = 4")


found = []


def problem(rd, msg):
    found.append(msg)


def events(rd):
    log = []
    for f in feeds:
        f.fault = None
    for f in feeds:
        if rnd.random() < 0.5:
            for _ in range(rnd.randrange(1, 4)):
                r = rnd.random()
                date = "now" if r < 0.8 else "past" if r < 0.88 else "future" if r < 0.94 else None
                it = new_item(f, date=date)
                log.append("new %d/%s %s" % (f.k, it["guid"], date))
        if f.items and rnd.random() < 0.2:
            it = rnd.choice(f.items)
            what = rnd.choice(["title", "text", "link", "title"])
            if what == "title":
                it["title"] = title()
            elif what == "text":
                it["text"] = words(rnd.randrange(20, 60))
            elif what == "link" and not it["shared"]:
                it["link"] = it["link"] + "-v2"
            log.append("edit %d/%s %s" % (f.k, it["guid"], what))
        if f.items and rnd.random() < 0.1:
            it = rnd.choice(f.items)
            f.items.remove(it)
            f.dropped.append(it)
            log.append("drop %d/%s" % (f.k, it["guid"]))
        if f.dropped and rnd.random() < 0.15:
            it = f.dropped.pop(rnd.randrange(len(f.dropped)))
            f.items.insert(rnd.randrange(len(f.items) + 1), it)
            log.append("back %d/%s" % (f.k, it["guid"]))
        if f.items and f.kind != "noguid" and rnd.random() < 0.05:
            it = rnd.choice(f.items)
            old = it["guid"]
            it["guid"] = "%s-r%d" % (old.split("-r")[0], rd)
            it["rotated"] = True
            log.append("rotate %d/%s -> %s" % (f.k, old, it["guid"]))
        if len(f.items) > 25:
            for it in f.items[25:]:
                f.dropped.append(it)
            del f.items[25:]
        if rnd.random() < 0.06:
            f.fault = rnd.choice(["500", "404", "410", "429", "timeout", "truncated", "badxml"])
            if f.fault == "timeout" and rnd.random() < 0.5:
                f.fault = "500"
            if f.fault == "timeout":    # (a 30 s wait: a 500 here)
                f.fault = "500"
            log.append("fault %d %s" % (f.k, f.fault))
    # shared article
    if rnd.random() < 0.2:
        a, b = rnd.sample(feeds, 2)
        link = "http://%s/shared/%d" % (a.host, rd)
        text = words(40)
        i1 = new_item(a, link=link)
        i1["text"] = text
        i2 = new_item(b, link=link + ("?utm_source=rss" if rnd.random() < 0.5 else ""))
        i2["text"] = text
        i2["title"] = i1["title"]
        log.append("shared %d %d %s" % (a.k, b.k, link))
    # wire copy
    if rnd.random() < 0.2:
        fs = rnd.sample(feeds, rnd.randrange(2, 4))
        text = words(80)
        t = title()
        for f in fs:
            it = new_item(f, text=text)
            it["title"] = t
        log.append("wire %s" % [f.k for f in fs])
    # an entry twice in one document
    if rnd.random() < 0.08:
        f = rnd.choice(feeds)
        if f.items:
            it = rnd.choice(f.items)
            twin = dict(it)
            twin["title"] = title()
            it["dupe"] = twin["dupe"] = True
            f.collided.add(it["link"])
            f.items.insert(rnd.randrange(len(f.items) + 1), twin)
            log.append("twice %d/%s" % (f.k, it["guid"]))
    # an item moves from one feed to another
    if rnd.random() < 0.08:
        a, b = rnd.sample(feeds, 2)
        if a.items and a.kind == b.kind and a.kind in ("rss", "atom"):
            it = rnd.choice(a.items)
            a.items.remove(it)
            it["shared"] = True
            b.items.insert(0, dict(it))
            log.append("move %d -> %d %s" % (a.k, b.k, it["guid"]))
    # an item takes the link of another of its feed's
    if rnd.random() < 0.06:
        f = rnd.choice(feeds)
        if len(f.items) >= 2 and f.kind in ("rss", "atom"):
            x, y = rnd.sample(f.items, 2)
            if not x["shared"] and not y["shared"]:
                x["link"] = y["link"]
                f.collided.add(y["link"])
                log.append("collide %d %s %s" % (f.k, x["guid"], y["link"]))
    # same guid in two feeds
    if rnd.random() < 0.1:
        a, b = rnd.sample(feeds, 2)
        i1 = new_item(a)
        i2 = new_item(b)
        i1["guid"] = i2["guid"] = "%d" % (100000 + rd)
        log.append("sameguid %d %d %s" % (a.k, b.k, i1["guid"]))
    # an item's text copied by another publisher, later edited there
    if rnd.random() < 0.1:
        a, b = rnd.sample(feeds, 2)
        if a.items:
            src = rnd.choice(a.items)
            it = new_item(b, text=src["text"])
            log.append("copy %d/%s -> %d/%s" % (a.k, src["guid"], b.k, it["guid"]))
    # whole-feed guid migration
    if rnd.random() < 0.04:
        f = rnd.choice(feeds)
        for it in f.items:
            it["guid"] = "https://%s/?p=%d" % (f.host, it["n"])
            it["rotated"] = True
        if f.kind == "noguid":
            f.kind = "rss"
        log.append("migrate guids %d" % f.k)
    # list changes
    if rnd.random() < 0.12:
        f = rnd.choice(feeds)
        f.listed = not f.listed
        log.append("%s %d" % ("relist" if f.listed else "unlist", f.k))
    if rnd.random() < 0.03:
        a, b = rnd.sample(feeds, 2)
        if a.redirect is None and b.redirect is None:
            a.redirect = b
            log.append("redirect %d -> %d" % (a.k, b.k))
    return log


def check(rd, r, fetched):
    if r.returncode != 0:
        problem(rd, "exit %d: %s" % (r.returncode, r.stderr[-500:]))
    cut = now() - RET
    for p in invariants.check(w.db, pruned=True, cut=cut):
        problem(rd, "invariant: " + p)
    con = sqlite3.connect("file:%s?mode=ro" % w.db, uri=True)
    try:
        ic = con.execute("PRAGMA integrity_check").fetchall()
        if ic != [("ok",)]:
            problem(rd, "integrity_check %r" % ic[:3])
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problem(rd, "foreign_key_check %r" % fk[:3])
        bad = con.execute("SELECT story_id, feed_id FROM story_feeds WHERE feed_id NOT IN"
                          " (SELECT id FROM feeds)").fetchall()
        if bad:
            problem(rd, "story_feeds of missing feed %r" % bad[:3])
        bad = con.execute("SELECT id FROM stories WHERE feed_id NOT IN (SELECT id FROM feeds)").fetchall()
        if bad:
            problem(rd, "story of missing feed %r" % bad[:3])
        # duplicate_of cycles
        dup = dict(con.execute("SELECT id, duplicate_of FROM stories WHERE duplicate_of IS NOT NULL"))
        for s, d in dup.items():
            seen = {s}
            while d in dup:
                if d in seen:
                    problem(rd, "duplicate_of cycle at %d" % s)
                    break
                seen.add(d)
                d = dup[d]
        # fts
        upto = con.execute("SELECT value FROM meta WHERE key='fts_upto'").fetchall()
        mx = con.execute("SELECT max(id) FROM stories").fetchone()[0]
        if mx is not None and (not upto or int(upto[0][0]) < mx):
            problem(rd, "fts_upto %r below max id %r after --once" % (upto, mx))
        # each story findable via its own title term
        for sid, ttl in con.execute("SELECT id, title FROM stories WHERE title IS NOT NULL"
                                    " ORDER BY random() LIMIT 20").fetchall():
            term = ttl.split()[-1]
            q = con.execute("SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?",
                            ('title:"%s"' % term,)).fetchall()
            if (sid,) not in q:
                problem(rd, "story %d not found in search by title term %r" % (sid, term))
    finally:
        con.close()
    ok = w.fts_ok()
    if ok is not True:
        problem(rd, "fts integrity: %s" % ok)
    # feed errors
    injected = {f.url for f in feeds if f.fault or f.redirect}
    for line in r.stderr.splitlines():
        if ("error:" in line or "warning:" in line) and not any(u in line for u in injected):
            problem(rd, "log: " + line)
    # model
    for f in feeds:
        if srv.hits.get(f.path) and f.fault in (None, "badxml"):
            for it in f.items:
                if it["born"] is None:
                    it["born"] = now()
    for f in feeds:
        if f.k not in fetched or f.redirect is not None or not f.listed:
            continue
        row = w.sql("SELECT id, last_error, consecutive_errors FROM feeds WHERE list_url = ?", (f.url,))
        if not row:
            problem(rd, "feed %d fetched but has no row" % f.k)
            continue
        feed_id, last_error, nerr = row[0]
        if f.fault == "badxml":
            continue
        if f.fault:
            if last_error is None and f.fault != "410":
                problem(rd, "feed %d fault %s but last_error NULL" % (f.k, f.fault))
            continue
        if last_error is not None:
            problem(rd, "feed %d fetched fine but last_error %r" % (f.k, last_error))
        for it in f.items:
            if it["born"] is None:
                it["born"] = now()
            if it["born"] < cut + 1200:
                continue
            if it["date"] is not None and it["date"] < cut and f.added < cut:
                continue
            if it.get("dupe"):
                continue
            if f.kind == "nolink" and it["shared"]:
                continue
            if f.kind == "nolink":
                rows = w.sql("SELECT s.id, s.title, s.link, s.feed_id FROM story_feeds sf JOIN stories s"
                             " ON s.id = sf.story_id WHERE sf.feed_id = ? AND s.title = ?",
                             (feed_id, it["title"]))
                if not rows:
                    problem(rd, "feed %d nolink item %s (%s) not stored" % (f.k, it["guid"], it["title"]))
                continue
            rows = w.sql("SELECT s.id, s.title, s.link, s.feed_id FROM story_feeds sf JOIN stories s"
                         " ON s.id = sf.story_id WHERE sf.feed_id = ? AND sf.ident = ?",
                         (feed_id, ("l:" + it["link"].replace("?utm_source=rss", "")) if f.kind == "noguid" else "g:" + it["guid"]))
            if not rows:
                rows = w.sql("SELECT s.id, NULL, s.link, -1 FROM story_feeds sf JOIN stories s"
                             " ON s.id = sf.story_id WHERE sf.feed_id = ? AND s.link = ?",
                             (feed_id, it["link"]))
                if rows and not it.get("rotated"):
                    problem(rd, "feed %d item %s found only by link %r" % (f.k, it["guid"], rows))
            if not rows:
                # maybe known by link
                gr = w.sql("SELECT guids_rotate FROM feeds WHERE id = ?", (feed_id,))[0][0]
                problem(rd, "feed %d item %s (%s) not stored (guids_rotate %r)"
                        % (f.k, it["guid"], it["title"], gr))
                continue
            if len(rows) > 1:
                problem(rd, "feed %d item %s has %d rows" % (f.k, it["guid"], len(rows)))
            sid, ttl, link, sfeed = rows[0]
            if it.get("rotated") and sfeed == feed_id:
                own = w.sql("SELECT ident FROM stories WHERE id = ?", (sid,))[0][0]
                if own != "g:" + it["guid"]:
                    continue    # a new guid 18 h or more after: the same article again
            if sfeed == feed_id and not it["shared"] and ttl != it["title"]:
                problem(rd, "feed %d item %s story %d title %r want %r"
                        % (f.k, it["guid"], sid, ttl, it["title"]))
        # no two stories of this feed with the same link (model links are unique per item)
        dups = w.sql("SELECT link, count(*) FROM stories WHERE feed_id = ? GROUP BY link"
                     " HAVING count(*) > 1", (feed_id,))
        mine = {it["link"] for it in f.items + f.dropped}
        dups = [d for d in dups if d[0] not in f.collided and f.kind != "nolink" and d[0] in mine]
        if dups:
            problem(rd, "feed %d has several stories per link %r" % (f.k, dups[:3]))


retry_until = [0]
write_list()
snap = None
for rd in range(ROUNDS):
    found = []
    log = events(rd) if rd else []
    offset += rnd.choice([600, 1800, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 10 * HOUR])
    with open(clock, "w") as fh:
        fh.write("+%ds\n" % offset)
    write_list()
    for f in feeds:
        if f.listed and f.added is None:
            f.added = now()
    with srv.lock:
        srv.hits.clear()
    before = dict(w.sql("SELECT list_url, last_fetch FROM feeds")) if os.path.exists(w.db) else {}
    r = w.run_once(env=env)
    after = dict(w.sql("SELECT list_url, last_fetch FROM feeds"))
    hit_any = sum(srv.hits.values())
    if hit_any and now() < retry_until[0] - 120:
        problem(rd, "%d requests while the host's Retry-After runs (%d s more)"
                % (hit_any, retry_until[0] - now()))
    for f in feeds:
        if f.fault == "429" and srv.hits.get(f.path) and f.redirect is None:
            retry_until[0] = max(retry_until[0], now() + 3600)
    fetched = {f.k for f in feeds if srv.hits.get(f.path) and after.get(f.url) is not None
               and after.get(f.url) != before.get(f.url)}
    check(rd, r, fetched)
    s = invariants.Snapshot(w.db)
    if snap is not None:
        for p in s.since(snap):
            problem(rd, "snapshot: " + p)
    snap = s
    t.ok(not found, "round %d (+%d h, %d events): the database keeps its promises"
         % (rd, offset // HOUR, len(log)), "\n".join(found + ["events: " + "; ".join(log)]))
    for f in feeds:
        if f.redirect is not None and rnd.random() < 0.3:
            f.redirect = None
w.cleanup()
srv.stop()
t.done()
