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

RSS = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
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
    # (Atom) XHTML content's start tag, written out again for the
    # sanitizer, outgrows its first buffer.
    "xhtml": ("http://alloc.example/4",
              '<p>Before.</p><oommark class="%s">Bold</oommark><p>After.</p>' % ("a" * 100),
              ("content", lambda v, base: v == "<p>Before.</p>Bold<p>After.</p>")),
    # (RSS_ATTR) An attribute's value with a reference in it, longer than
    # the 100 bytes libxml2 first makes room for.
    "xmlattr": ("http://alloc.example/5", "Plain text.",
                ("summary", lambda v, base: v == "Plain text.")),
}

t = Tap()
lib, shim_dir = preload_shim(t, SHIM, "failing realloc() shim")
srv = Server()
w = Workdir()
try:
    urls = {}
    for name, (link, desc, _) in sorted(CASES.items()):
        if name == "xhtml":
            srv.put("/%s.xml" % name, ATOM % (name, name, name, name, link, desc),
                    "application/atom+xml")
        elif name == "xmlattr":
            srv.put("/%s.xml" % name, RSS_ATTR % (name, name, "a &amp; b " * 40, link, name,
                                                  desc), "application/rss+xml")
        else:
            srv.put("/%s.xml" % name, RSS % (name, name, link, name, desc), "application/rss+xml")
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
