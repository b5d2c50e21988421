#!/usr/bin/env python3
"""An allocation that fails on the way from a response to the stored
stories (a daemon near its memory limit: ulimit -v, LimitAS=) fails that
response: the feed is fetched and stored whole at its next poll.  Each
of these was taken for an answer instead, and the story stored with it
said nothing, and for good (the ETag kept, the next poll's 304 kept it):

- canon: libcurl out of memory giving a link's path: the canonical URL
  was the link's site alone ("http://host/"), or none; other articles of
  the site with the same loss would all be one story to level 2;
- header: a response header's copy (daemon/fetch.c) failed, and the
  body was read as if the field had not been sent: its Content-Location,
  the base of the feed's relative links, lost, the links pointed
  elsewhere (and without its ETag, the feed looked healthy);
- stemmer: libstemmer could not make a language's stemmer, and the
  language was remembered as one without (for the life of that parse
  worker): its stories' words went unstemmed into the clusterer and
  term_df, their threads and keywords others than a restart gave them.

Each library call is replaced (LD_PRELOAD) by one that fails as out of
memory only for what a test document marks: a link on the host
oommark.example, a header value starting with "oommark", Danish."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, preload_shim  # noqa: E402

SHIM = r"""
#define _GNU_SOURCE
/* (Its declaration's first parameter is const in some versions only.) */
#define curl_url_get curl_url_get_declared
#include <curl/curl.h>
#undef curl_url_get
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* libcurl giving a part of a URL on the host oommark.example. */
CURLUcode curl_url_get(const CURLU *h, CURLUPart what, char **part, unsigned int flags)
{
	static CURLUcode (*real)(const CURLU *, CURLUPart, char **, unsigned int);
	char *host = NULL;
	int marked;

	if (!real)
		real = (CURLUcode (*)(const CURLU *, CURLUPart, char **, unsigned int))
		       dlsym(RTLD_NEXT, "curl_url_get");
	if (what == CURLUPART_PATH && real(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		marked = strstr(host, "oommark") != NULL;
		curl_free(host);
		if (marked) {
			*part = NULL;
			return CURLUE_OUT_OF_MEMORY;
		}
	}
	return real(h, what, part, flags);
}

/* A copy of text that starts with "oommark". */
char *strndup(const char *s, size_t n)
{
	char *r;
	size_t k = strnlen(s, n);

	if (k >= 7 && !strncasecmp(s, "oommark", 7)) {
		errno = ENOMEM;
		return NULL;
	}
	if (!(r = malloc(k + 1)))
		return NULL;
	memcpy(r, s, k);
	r[k] = '\0';
	return r;
}

/* Danish's stemmer, as libstemmer fails for want of memory. */
struct sb_stemmer;
struct sb_stemmer *sb_stemmer_new(const char *algorithm, const char *charenc)
{
	static struct sb_stemmer *(*real)(const char *, const char *);

	if (!real)
		real = (struct sb_stemmer *(*)(const char *, const char *))
		       dlsym(RTLD_NEXT, "sb_stemmer_new");
	if (!strcmp(algorithm, "da")) {
		errno = ENOMEM;
		return NULL;
	}
	return real(algorithm, charenc);
}
"""

ITEM = ('<item><title>%s</title><link>%s</link><guid>%s</guid>'
        '<pubDate>Tue, 10 Nov 2026 0%d:15:00 +0000</pubDate>'
        '<description>%s</description></item>')


def rss(name, lang, items):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            '<title>%s</title><link>http://alloc.example/</link><description>d</description>'
            '<language>%s</language>%s</channel></rss>\n' % (name, lang, "".join(items)))


def header_doc(h):
    # Content-Location names where the document is; its relative links
    # resolve against it (RFC 9110 8.7; feedparser).
    if h.headers.get("If-None-Match") == '"h1"':
        return h.reply(304, b"", None, {"ETag": '"h1"'})
    h.reply(200, rss("header", "en", [
        ITEM % ("header item", "story/1", "header-1", 1, "Ferries run again.")]).encode(),
        "application/rss+xml", {"Content-Location": "oommark/feed.xml", "ETag": '"h1"'})


STORY = "SELECT s.%s FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE f.url = ?"

# name: (the document, or a route serving it; the error its feed's row
# says, None when the response failed on the way to the store: its
# transaction is rolled back, the log says "out of memory"; a query, with
# the feed's URL, and what the next run gives for it, with the server's)
CASES = {
    "canon": (rss("canon", "en", [
        ITEM % ("canon item", "http://oommark.example/news/2026/harbour-bridge-reopens",
                "canon-1", 1, "The harbour bridge reopened on Tuesday.")]), None,
        (STORY % "canonical_url", lambda base: [
            ("http://oommark.example/news/2026/harbour-bridge-reopens",)])),
    "header": (header_doc, "out of memory reading the response's header fields",
               (STORY % "link", lambda base: [(base + "/oommark/story/1",)])),
    # Two stories, so that their terms are saved in term_df.
    "stemmer": (rss("stemmer", "da", [
        ITEM % ("Bilerne holdt stille", "http://alloc.example/da/%d" % i, "da-%d" % i, i,
                "Bilerne holdt stille på broen, og bilisterne ventede på færgerne.")
        for i in (1, 2)]), None,
        ("SELECT term FROM term_df WHERE term IN ('bil', 'bilerne') AND ? IS NOT NULL",
         lambda base: [("bil",)])),
}

t = Tap()
lib, shim_dir = preload_shim(t, SHIM, "failing libcurl, strndup() and libstemmer shim", allocator=True)
srv = Server()
w = Workdir()
try:
    urls = {}
    for name, (doc, _, _) in sorted(CASES.items()):
        if callable(doc):
            srv.routes["/%s.xml" % name] = doc
        else:
            srv.put("/%s.xml" % name, doc, "application/rss+xml")
        urls[name] = srv.url("/%s.xml" % name)
    w.write_config(sorted(urls.values()))

    r = w.run_once(env=dict(os.environ, LD_PRELOAD=lib))
    t.eq(r.returncode, 0, "a run with allocations failing exits 0")
    errors = dict(w.sql("SELECT url, last_error FROM feeds"))
    said = [line for line in r.stderr.splitlines() if "out of memory" in line]
    for name, (_, error, _) in sorted(CASES.items()):
        if error:
            t.eq(errors.get(urls[name]), error, "%s: the feed's error says so" % name)
        else:
            t.ok(any(urls[name] in line for line in said), "%s: out of memory is said" % name,
                 r.stderr)
        t.eq(w.sql("SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id"
                   " WHERE f.url = ?", (urls[name],)), [(0,)], "%s: nothing stored" % name)
    t.eq(w.sql("SELECT count(*) FROM term_df"), [(0,)], "no term counted")

    # Memory back: the next poll stores them whole.
    r = w.run_once()
    t.eq(r.returncode, 0, "the next run exits 0")
    for name, (_, _, (query, want)) in sorted(CASES.items()):
        t.eq(w.sql(query, (urls[name],)), want(srv.base), "%s: then stored whole" % name)
    t.eq(w.sql("SELECT count(*) FROM feeds WHERE last_error IS NOT NULL"), [(0,)],
         "and every feed healthy")
finally:
    srv.stop()
    w.cleanup()
    shutil.rmtree(shim_dir)
t.done()
