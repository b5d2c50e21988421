#!/usr/bin/env python3
"""A character XML does not allow, where real feeds have one, costs the
feed nothing but that character.

libxml2 drops such a character (a C0 control, U+FFFE, U+FFFF) from
element text and reads on, but one inside a CDATA section, a comment or
an attribute value, and U+0000 anywhere, ended its parse, recovery mode
or not: a vertical tab pasted from a word processor into one item's
<description><![CDATA[...]]> (what WordPress writes) lost that item's text
and every item after it, on every poll, with only "(malformed, recovered)"
in the log.  feedparser's loose parser keeps them all."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402

t = Tap()
srv = Server()


def feed(site, odd):
    items = []
    for i in range(1, 6):
        title, body = "Story %d on %s" % (i, site), "The text of story %d." % i
        if i in odd:
            body = body.replace("text", "text" + odd[i])
        items.append('<item><title>%s</title><link>http://%s/%d</link>'
                     '<description><![CDATA[<p>%s</p>]]></description></item>'
                     % (title, site, i, body))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            '<title>%s</title><link>http://%s/</link>\n%s\n</channel></rss>'
            % (site, site, "\n".join(items))).encode()


srv.put("/vt.xml", feed("vt.example", {2: "\x0b"}))
srv.put("/nul.xml", feed("nul.example", {2: "\x00"}))
srv.put("/fffe.xml", feed("fffe.example", {3: "\ufffe"}))
w = Workdir()
w.write_config([srv.url("/vt.xml"), srv.url("/nul.xml"), srv.url("/fffe.xml")])
r = w.run_once()
t.eq(r.returncode, 0, "the feeds are polled")
for path, site in (("/vt.xml", "vt.example"), ("/nul.xml", "nul.example"),
                   ("/fffe.xml", "fffe.example")):
    got = w.sql("SELECT s.title, s.summary FROM stories s JOIN feeds f ON f.id = s.feed_id"
                " WHERE f.url = ? ORDER BY s.link", (srv.url(path),))
    t.eq(got, [("Story %d on %s" % (i, site), "The text of story %d." % i) for i in range(1, 6)],
         "%s: every item kept, the odd character dropped" % path[1:])
t.ok("malformed, recovered" in r.stderr, "the feeds are reported malformed", r.stderr)
w.cleanup()
srv.stop()
t.done()
