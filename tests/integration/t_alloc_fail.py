#!/usr/bin/env python3
"""An allocation that fails while a feed is parsed (a daemon near its
memory limit: ulimit -v, LimitAS=) fails the parse as out of memory: the
feed's error says so and the next poll reads the document again.  What
the failure left half done is never stored, and never for good (the
next poll's 304 kept it):

- link: a relative link whose path's copy (feeds/uri.c) ran out of
  memory went on without the path, reading the copy's length from ""
  past its end: "/x/../OOMMARK/aaa..." was stored as the site's root;
- markup: HTML the sanitizer could not finish was kept as written, and
  its <script> went into stories.content, which docs/schema.md calls
  sanitised;
- text: an element's text cut short was taken as "": the story was
  stored without its summary;
- style: a style attribute whose copy (feeds/html.c's sanitize_style)
  ran out of memory was judged cut short, and stored so: "font-size:
  12px; width: 1000px" as "font-size: 1;";
- entity: a reference to an entity XML does not know ("&name;", kept
  as text) whose copy ran out of memory was taken as "": the text was
  stored without it;
- declared: the expansion of an entity the document declares, made by
  the parser (feeds/parse.c's expand), was taken as "" when it ran out
  of memory: the text was stored without it;
- base64: a base64 content (mode="base64", or of a type not text)
  whose decoded bytes ran out of memory was taken as "": the story was
  stored with no text at all;
- author: an author's name whose copy without its e-mail address
  ("Name (jo@x.example)") ran out of memory was taken as "": the
  story was stored with no author;
- xhtml: an XHTML start tag cut short while written out again for the
  sanitizer was passed on as its full length read from "" (past its
  end), and the content stored without the tag;
- xmlattr: libxml2 itself ran out of memory (growing its copy of an
  attribute's value) and stopped reading there: what it had read was
  taken for a malformed document recovered ("(malformed, recovered)",
  0 errors), and the item stored with its title alone, for good.

realloc() is replaced (LD_PRELOAD) by one that fails for a block whose
text starts with a marker (at its first or second byte), so that only
the buffers holding these documents' marked text fail, however the rest
of the daemon allocates."""
import base64
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, preload_shim  # noqa: E402

SHIM = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern void *__libc_realloc(void *, size_t);

/* Growing a block whose text starts with MARK ("MARK..." or "/MARK...",
 * any case) fails as out of memory; everything else is glibc's realloc. */
void *realloc(void *p, size_t n)
{
	static const char mark[] = "OOMMARK";

	if (p && malloc_usable_size(p) > sizeof mark &&
	    (!strncasecmp(p, mark, sizeof mark - 1) || !strncasecmp((char *)p + 1, mark, sizeof mark - 1))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}
"""

RSS = ('<?xml version="1.0" encoding="UTF-8"?>\n%s<rss version="2.0"><channel>'
       '<title>%s</title><link>http://alloc.example/</link><description>d</description>'
       '<item><title>%s item</title><link>%s</link><guid>%s</guid>'
       '<pubDate>Tue, 10 Nov 2026 08:15:00 +0000</pubDate>'
       '<description>%s</description></item></channel></rss>\n')

# (An element of another namespace, which the parser skips, holds the
# marked attribute: libxml2 alone copies it.)
RSS_ATTR = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:x="urn:x"><channel>'
            '<title>%s</title><link>http://alloc.example/</link><description>d</description>'
            '<item><title>%s item</title><x:note v="OOMMARK %s"/><link>%s</link><guid>%s</guid>'
            '<pubDate>Tue, 10 Nov 2026 08:15:00 +0000</pubDate>'
            '<description>%s</description></item></channel></rss>\n')

ATOM = ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        '<title>%s</title><id>urn:alloc:%s</id><updated>2026-11-10T08:15:00Z</updated>'
        '<entry><title>%s item</title><id>urn:alloc:%s:1</id><link href="%s"/>'
        '<updated>2026-11-10T08:15:00Z</updated>'
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">%s</div></content>'
        '</entry></feed>\n')

# (RSS) an item's author, beside a description of its own.
RSS_AUTHOR = RSS.replace('<description>%s</description></item>',
                         '<author>%s</author><description>Hello</description></item>')

# (Atom) a content in base64.
ATOM64 = ATOM.replace('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">%s</div>',
                      '<content type="text/plain" mode="base64">%s')

PATH = "/OOMMARK/" + "a" * 200
# name: (link, description, what the next run stores: a column and a test of it)
CASES = {
    # The path after its "x/.." is gone starts with the marker and
    # outgrows the first 64 bytes of its copy.
    "link": ("/x/.." + PATH, "Plain text.",
             ("link", lambda v, base: v == base + PATH)),
    # The sanitized text starts with the marker once the <script> is out,
    # and outgrows the room made for it (every href resolved is longer).
    "markup": ("http://alloc.example/2",
               "&lt;script&gt;alert(1)&lt;/script&gt;OOMMARK " + "&lt;a href=a&gt;x&lt;/a&gt; " * 300,
               ("content", lambda v, base: v.startswith('OOMMARK <a href="%s/a">' % base)
                and "<script" not in v)),
    # The text in pieces (the comment splits it) outgrows its first buffer.
    "text": ("http://alloc.example/3", "OOMMARK <!-- c -->" + " word" * 100,
             ("summary", lambda v, base: v == "OOMMARK" + " word" * 100)),
    # A style attribute's copy starts with the marker (a declaration the
    # sanitizer drops) and outgrows its first 64 bytes in font-size's value.
    "style": ("http://alloc.example/5",
              '&lt;p style="OOMMARK:10000000000; color: red; text-align: left; font-size: 12px; '
              'width: 1000px"&gt;Hello&lt;/p&gt;',
              ("content", lambda v, base: v == '<p style="color: red; text-align: left; '
               'font-size: 12px; width: 1000px;">Hello</p>')),
    # A declared entity's expansion starts with the marker and outgrows
    # its first buffer (the declarations, short, are libxml2's to read).
    "declared": ("http://alloc.example/7", "Start &big; end",
                 ("summary", lambda v, base: v == "Start OOMMARK " + "word word word word word" * 6
                  + " end")),
    # The decoded bytes start with the marker and outgrow their first
    # buffer.
    "base64": ("http://alloc.example/8", base64.b64encode(b"OOMMARK" + b" word" * 40).decode(),
               ("summary", lambda v, base: v == "OOMMARK" + " word" * 40)),
    # (<author>) The name without its address ("OOMMARK a... (") is 127
    # bytes, its buffer's 128 in one piece; the ")" after it grows it.
    "author": ("http://alloc.example/9", "OOMMARK " + "a" * 117 + " (jo@x.example)",
               ("author", lambda v, base: v == "OOMMARK " + "a" * 117)),
    # An unknown entity's reference, written into the parser's buffer
    # for them where a shorter one with the marker was, outgrows it.
    "entity": ("http://alloc.example/6", "Start &OOMMARKa; mid &OOMMARK" + "a" * 100 + "; end",
               ("summary", lambda v, base: v == "Start &OOMMARKa mid &OOMMARK" + "a" * 100
                + " end")),
    # (Atom) XHTML content's start tag, written out again for the
    # sanitizer, outgrows its first buffer.
    "xhtml": ("http://alloc.example/4",
              '<p>Before.</p><oommark class="%s">Bold</oommark><p>After.</p>' % ("a" * 100),
              ("content", lambda v, base: v == "<p>Before.</p>Bold<p>After.</p>")),
    # (RSS_ATTR) An attribute's value with a reference in it, longer than
    # the 100 bytes libxml2 first makes room for.
    "xmlattr": ("http://alloc.example/10", "Plain text.",
                ("summary", lambda v, base: v == "Plain text.")),
}

t = Tap()
lib, shim_dir = preload_shim(t, SHIM, "failing realloc() shim", allocator=True)
srv = Server()
w = Workdir()
try:
    urls = {}
    for name, (link, desc, _) in sorted(CASES.items()):
        if name in ("xhtml", "base64"):
            srv.put("/%s.xml" % name, (ATOM if name == "xhtml" else ATOM64) %
                    (name, name, name, name, link, desc), "application/atom+xml")
        elif name == "xmlattr":
            srv.put("/%s.xml" % name, RSS_ATTR % (name, name, "a &amp; b " * 40, link, name,
                                                  desc), "application/rss+xml")
        else:
            dtd = ('<!DOCTYPE rss [<!ENTITY w "word word word word word">'
                   '<!ENTITY big "OOMMARK &w;&w;&w;&w;&w;&w;">]>\n' if name == "declared" else "")
            srv.put("/%s.xml" % name, (RSS_AUTHOR if name == "author" else RSS) %
                    (dtd, name, name, link, name, desc), "application/rss+xml")
        urls[name] = srv.url("/%s.xml" % name)
    w.write_config(sorted(urls.values()))

    r = w.run_once(env=dict(os.environ, LD_PRELOAD=lib))
    t.eq(r.returncode, 0, "a run with allocations failing exits 0")
    errors = dict(w.sql("SELECT url, last_error FROM feeds"))
    for name in sorted(CASES):
        t.eq(errors.get(urls[name]), "out of memory", "%s: the feed's error is out of memory" % name)
        t.eq(w.sql("SELECT link, summary, content FROM stories WHERE title = ?", (name + " item",)),
             [], "%s: nothing stored half done" % name)

    # Memory back: the next poll reads the documents again and stores them whole.
    r = w.run_once()
    t.eq(r.returncode, 0, "the next run exits 0")
    for name, (_, _, (column, good)) in sorted(CASES.items()):
        rows = w.sql("SELECT %s FROM stories WHERE title = ?" % column, (name + " item",))
        t.ok(len(rows) == 1 and rows[0][0] is not None and good(rows[0][0], srv.base),
             "%s: then stored whole" % name, rows and str(rows[0][0])[:120])
    t.eq(w.sql("SELECT count(*) FROM feeds WHERE last_error IS NOT NULL"), [(0,)],
         "and every feed healthy")
finally:
    srv.stop()
    w.cleanup()
    shutil.rmtree(shim_dir)
t.done()
