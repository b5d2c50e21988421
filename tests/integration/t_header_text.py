#!/usr/bin/env python3
"""HTTP header values that become text in the database are UTF-8 there
(docs/schema.md: "Text is UTF-8"), whatever bytes the server sent.

HTTP allows any byte from 0x80 up in a field value (obs-text), and a
server that writes a Latin-1 name into one sends "caf\\xe9".  The daemon
stored such values as they came: feeds.etag and feeds.last_modified,
stories.lang (from Content-Language), and stories.link, guid and ident
resolved against a Content-Location; a reader decoding the columns then
failed (Python's sqlite3 raises "Could not decode to UTF-8").  A value
that is not UTF-8 is now ignored, as if the field had not been sent; one
that is UTF-8 is kept and sent back as it came."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

t = Tap()
srv = Server()


def doc(name):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            '<title>%s</title><link>/</link><item><title>A story from %s</title>'
            '<link>story/1</link><guid>g1</guid><description>Some text of the story.'
            '</description></item></channel></rss>' % (name, name)).encode()


# http.server writes header values as Latin-1: "\xe9" goes out as the
# byte 0xE9, "\xc3\xa9" as the two bytes of UTF-8 "é".
def latin1(h):
    h.reply(200, doc("latin1"), "application/rss+xml",
            {"ETag": '"caf\xe9"', "Last-Modified": "Tue, 14 Nov 2023 22:13:20 GMT\xe9",
             "Content-Language": "fr\xe9", "Content-Location": "/dir\xe9/feed.xml"})


seen_inm = []


def utf8(h):
    seen_inm.append(h.headers.get("If-None-Match"))
    if h.headers.get("If-None-Match") == '"caf\xc3\xa9"':
        return h.reply(304, b"", None, {"ETag": '"caf\xc3\xa9"'})
    h.reply(200, doc("utf8"), "application/rss+xml",
            {"ETag": '"caf\xc3\xa9"', "Content-Location": "/d\xc3\xa9j\xc3\xa0/feed.xml"})


srv.routes["/latin1.xml"] = latin1
srv.routes["/utf8.xml"] = utf8
w = Workdir()
w.write_config([srv.url("/latin1.xml"), srv.url("/utf8.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "both feeds are polled")

# Every text column of every row, read as Python reads text.
con = sqlite3.connect("file:%s?mode=ro" % w.db, uri=True)
try:
    for table in ("feeds", "stories", "threads"):
        for row in con.execute("SELECT * FROM %s" % table):
            pass
    t.ok(True, "every row of feeds, stories and threads decodes as UTF-8")
except sqlite3.OperationalError as e:
    t.ok(False, "every row of feeds, stories and threads decodes as UTF-8", str(e))
con.close()

t.eq(w.sql("SELECT etag, last_modified FROM feeds WHERE url = ?", (srv.url("/latin1.xml"),)),
     [(None, None)], "an ETag and a Last-Modified that are not UTF-8 are not kept")
base = srv.base
t.eq(w.sql("SELECT s.link, s.guid, s.lang FROM stories s JOIN feeds f ON f.id = s.feed_id"
           " WHERE f.url = ?", (srv.url("/latin1.xml"),)),
     [(base + "/story/1", base + "/g1", None)],
     "a Content-Location and a Content-Language that are not UTF-8 are ignored")
t.eq(w.sql("SELECT etag FROM feeds WHERE url = ?", (srv.url("/utf8.xml"),)),
     [('"caf\u00e9"',)], "a UTF-8 ETag is kept")
t.eq(w.sql("SELECT s.link FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE f.url = ?",
           (srv.url("/utf8.xml"),)),
     [(base + "/d\u00e9j\u00e0/story/1",)], "a UTF-8 Content-Location is the base")
r = w.run_once()
t.eq(seen_inm, [None, '"caf\xc3\xa9"'], "and the UTF-8 ETag goes back byte for byte")
w.cleanup()
srv.stop()
t.done()
