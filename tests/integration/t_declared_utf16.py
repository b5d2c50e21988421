#!/usr/bin/env python3
"""A UTF-8 feed that says it is UTF-16 is read as UTF-8, whatever its
length.

.NET's XmlWriter over a StringWriter writes encoding="utf-16" in the
declaration, and the page then sends the text as UTF-8: a common sight
(SharePoint, ASP.NET sites).  Its first bytes, "<?xml" in ASCII, cannot be
UTF-16.  It was decoded as UTF-16 all the same when its length was even
(garbage: "not a feed: not XML", every item lost) and as UTF-8 when it was
odd (iconv stops at the half unit left over), so such a feed came and went
from one poll to the next with the length of its text.  A real UTF-16
document with no byte order mark and no declaration, which the HTTP
charset names, is still read as UTF-16."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

t = Tap()
srv = Server()


def items(site):
    return [("Caf\u00e9 \u201cstory\u201d %d on %s" % (i, site), "Z\u00fcrich \u2013 text %d." % i)
            for i in range(1, 4)]


def feed(site, decl, parity=None):
    body = "".join('<item><title>%s</title><link>http://%s/%d</link>'
                   '<description>%s</description></item>' % (title, site, i, text)
                   for i, (title, text) in enumerate(items(site), 1))
    for pad in ("", " "):
        doc = ('%s<rss version="2.0"><channel><title>%s%s</title><link>http://%s/</link>'
               '%s</channel></rss>' % (decl, site, pad, site, body)).encode("utf-8")
        if parity is None or len(doc) % 2 == parity:
            return doc
    raise AssertionError("no document of that parity")


decl16 = '<?xml version="1.0" encoding="utf-16"?>\n'
docs = {
    # the same feed, its length even and odd
    "/even.xml": (feed("even.example", decl16, 0), "application/rss+xml"),
    "/odd.xml": (feed("odd.example", decl16, 1), "application/rss+xml"),
    "/unicode.xml": (feed("unicode.example", '<?xml version="1.0" encoding="Unicode"?>\n', 0),
                     "application/rss+xml"),
    # the HTTP charset says so, in the media type where it outranks the
    # document's own declaration
    "/http.xml": (feed("http.example", '<?xml version="1.0" encoding="utf-8"?>\n', 0),
                  "application/rss+xml; charset=utf-16"),
    # really UTF-16, no byte order mark, no declaration: the charset
    # is right
    "/real.xml": (feed("real.example", "").decode("utf-8").encode("utf-16-le"),
                  "application/rss+xml; charset=utf-16le"),
}
for path, (doc, ctype) in docs.items():
    srv.put(path, doc, ctype)
w = Workdir()
w.write_config([srv.url(path) for path in docs])
r = w.run_once()
t.eq(r.returncode, 0, "the feeds are polled")
for path in docs:
    site = path[1:-4] + ".example"
    got = w.sql("SELECT s.title, s.summary FROM stories s JOIN feeds f ON f.id = s.feed_id"
                " WHERE f.url = ? ORDER BY s.link", (srv.url(path),))
    t.eq(got, items(site), "%s: every item, its text as written" % path[1:])
    t.eq(w.sql("SELECT last_error, title FROM feeds WHERE url = ?", (srv.url(path),)),
         [(None, site)], "%s: no error, the feed's title" % path[1:])
w.cleanup()
srv.stop()
t.done()
