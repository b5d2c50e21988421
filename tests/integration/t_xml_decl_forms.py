#!/usr/bin/env python3
"""The encoding an XML declaration names is read however the declaration
is spelt.

XML allows white space around the '=' (encoding = "Shift_JIS") and line
breaks between the pseudo-attributes; a PHP script that prints a blank
line before the declaration (not XML, but libxml2 reads on) sends white
space first.  None of these declarations was seen: with no HTTP charset
the feed was read by the fallback chain (UTF-8, windows-1252,
ISO-8859-2), so a Japanese, Russian or Korean feed was stored as mojibake
("\u201c\u00fa\u2013{..." for "\u65e5\u672c...").  A Latin-1 feed came
out right only because windows-1252 is in the fallback chain."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

t = Tap()
srv = Server()

TEXTS = {
    "shift_jis": ("\u65e5\u672c\u8a9e\u306e\u30cb\u30e5\u30fc\u30b9", "\u6771\u4eac\u3067\u4f1a\u8b70"),
    "cp1251": ("\u041d\u043e\u0432\u043e\u0441\u0442\u0438 \u0420\u043e\u0441\u0441\u0438\u0438",
               "\u041c\u043e\u0441\u043a\u0432\u0430, \u0441\u043e\u0432\u0435\u0449\u0430\u043d\u0438\u0435"),
    "euc_kr": ("\ud55c\uad6d\uc5b4 \ub274\uc2a4", "\uc11c\uc6b8\uc5d0\uc11c \ud68c\uc758"),
    "koi8_r": ("\u041d\u043e\u0432\u043e\u0441\u0442\u0438 \u0434\u043d\u044f",
               "\u0412\u0441\u0451 \u043e \u0433\u043b\u0430\u0432\u043d\u043e\u043c"),
}
# path: (codec, declaration as sent)
DOCS = {
    "/spaces.xml": ("shift_jis", '<?xml version="1.0" encoding = "Shift_JIS"?>\n'),
    "/lines.xml": ("cp1251", '<?xml version="1.0"\n      encoding="windows-1251"\n      standalone="yes"?>\n'),
    "/blank.xml": ("euc_kr", '\n\n<?xml version="1.0" encoding="EUC-KR"?>\n'),
    "/both.xml": ("koi8_r", "\r\n<?xml version='1.0'\r\n encoding = 'KOI8-R' ?>\r\n"),
}


def feed(site, codec, decl):
    title, text = TEXTS[codec]
    return (decl + '<rss version="2.0"><channel><title>%s</title><link>http://%s/</link>'
            '<item><title>%s</title><link>http://%s/1</link><description>%s</description>'
            '</item></channel></rss>' % (site, site, title, site, text)).encode(codec)


for path, (codec, decl) in DOCS.items():
    srv.put(path, feed(path[1:-4] + ".example", codec, decl), "application/rss+xml")
w = Workdir()
w.write_config([srv.url(path) for path in DOCS])
r = w.run_once()
t.eq(r.returncode, 0, "the feeds are polled")
for path, (codec, decl) in DOCS.items():
    got = w.sql("SELECT s.title, s.summary FROM stories s JOIN feeds f ON f.id = s.feed_id"
                " WHERE f.url = ?", (srv.url(path),))
    t.eq(got, [TEXTS[codec]], "%s: read as its declaration says (%s)" % (path[1:], codec))
w.cleanup()
srv.stop()
t.done()
