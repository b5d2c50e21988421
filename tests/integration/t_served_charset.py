#!/usr/bin/env python3
"""A UTF-8 feed that a server labels with its default charset is stored
as written, on every poll.

The HTTP charset outranks the document's own declaration (RFC 3023), and
PHP and Apache add theirs to a text/xml reply: a Russian host's
windows-1251 or KOI8-R, a Chinese host's GB2312, a European one's
ISO-8859-15 or windows-1252.  A UTF-8 feed (its declaration says so, and
every byte of it is UTF-8) was read as that charset, every item stored as
mojibake ("Р\u045cРѕРІРѕСЃС‚Рё" for "Новости").  Where that charset
cannot read some byte of the UTF-8 (0x9D, the last of "\u201d", in
windows-1252) the document was read as UTF-8 instead, so the same item
was right on one poll and mojibake on the next, an edit each time.  A
document really in the served charset stays so, even when its declaration
wrongly says UTF-8; a UTF-8 feed served as ISO-8859-1 has its own repair
(tests/unit/test_feed_encoding.c)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

t = Tap()
srv = Server()

RU = [(1, "Новости России: совещание в Москве", "Президент провёл совещание."),
      (2, "Погода на неделю", "Синоптики обещают снег.")]
ZH = [(1, "中文新闻标题：北京会议召开", "国务院总理在北京出席会议。")]
DE = [(1, "Münchner Straße gesperrt – It’s €5m", "Naïve résumé — déjà vu, © Köln ™"),
      (2, "Café ‘Zürich’ … opens", "¿Qué pasó? Ångström Œuvre")]
QUOTED = (3, "“No”, says the mayor", "He said “no” to the plan.")


def feed(site, items, codec="utf-8", decl="UTF-8"):
    body = "".join('<item><title>%s</title><link>http://%s/%d</link>'
                   '<description>%s</description></item>' % (title, site, i, text)
                   for i, title, text in items)
    return ('<?xml version="1.0" encoding="%s"?>\n<rss version="2.0"><channel>'
            '<title>%s</title><link>http://%s/</link>%s</channel></rss>'
            % (decl, site, site, body)).encode(codec)


def stories(w, path):
    return w.sql("SELECT s.title, s.summary, s.seq FROM stories s JOIN feeds f"
                 " ON f.id = s.feed_id WHERE f.url = ? ORDER BY s.link", (srv.url(path),))


# path: (document, media type, the items stored)
DOCS = {
    "/cp1251.xml": (feed("cp1251.example", RU), "text/xml; charset=windows-1251", RU),
    "/koi8.xml": (feed("koi8.example", RU), "text/xml; charset=KOI8-R", RU),
    "/gb2312.xml": (feed("gb2312.example", ZH), "text/xml; charset=gb2312", ZH),
    "/latin9.xml": (feed("latin9.example", DE), "application/rss+xml; charset=ISO-8859-15", DE),
    "/cp1252.xml": (feed("cp1252.example", [QUOTED] + DE), "text/xml; charset=windows-1252",
                    DE + [QUOTED]),
    # really windows-1251, its declaration wrong: the server is right
    "/real.xml": (feed("real.example", RU, "cp1251"), "text/xml; charset=windows-1251", RU),
}
for path, (doc, ctype, _) in DOCS.items():
    srv.put(path, doc, ctype)
w = Workdir()
w.write_config([srv.url(path) for path in DOCS])
r = w.run_once()
t.eq(r.returncode, 0, "first poll")
for path, (_, ctype, items) in DOCS.items():
    t.eq([row[:2] for row in stories(w, path)], [item[1:] for item in items],
         "%s (%s): every item as written" % (path[1:], ctype))

# the item with the \u201d leaves the windows-1252 feed
before = stories(w, "/cp1252.xml")
srv.put("/cp1252.xml", feed("cp1252.example", DE), "text/xml; charset=windows-1252")
r = w.run_once()
t.eq(r.returncode, 0, "second poll")
t.eq(stories(w, "/cp1252.xml"), before, "the items left are as they were, not edited")
t.ok("/cp1252.xml: 2 entries, 0 new (0 copies), 0 updated" in r.stderr, "no update logged",
     r.stderr)
w.cleanup()
srv.stop()
t.done()
