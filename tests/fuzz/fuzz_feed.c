/* tests/fuzz/fuzz_feed.c — libFuzzer target for the feed parser.  The
 * first byte picks an HTTP context (none, text/xml, application/atom+xml
 * with a charset, text/plain), so the encoding rules are fuzzed too, and
 * whether the entries are capped (max_items); the rest is the document.  Both entry points run: the normalized tree and
 * the daemon's struct feed, which must equal the one converted from the
 * whole tree (feed_parse streams entries; a difference aborts).  And the
 * parse tree with the text read before libxml2 (feeds/cdata.c) must equal
 * the one libxml2 makes reading the document itself (parse_opts.keep_text):
 * the scan decides alone what it may take, and a hostile document is where
 * it would be wrong.  A document that is no feed is searched for the feed
 * it names, as the daemon does (html_feed_link: an http(s) URL or none). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feeds/encoding.h"
#include "feeds/feed.h"
#include "feeds/html.h"
#include "feeds/normalized.h"
#include "feeds/parse.h"
#include "tests/unit/feed_same.h"
#include "tests/unit/fv_same.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rewrite's oracle: the same tree with the text taken out first and
 * without (as test_parse_cdata.c's agree()). */
static void cdata_agrees(const char *buf, size_t len, const char *content_type)
{
	struct enc_result enc;
	struct parse_opts o = { .base = "http://fuzz.example/feed/x.xml" };
	struct fv *with = NULL, *without = NULL;

	if (enc_to_utf8(buf, len, content_type, &enc) < 0)
		return;
	o.encoding = enc.encoding;
	if (parse_feed_xml(enc.utf8, enc.len, &o, &with) == 0) {
		o.keep_text = 1;
		if (parse_feed_xml(enc.utf8, enc.len, &o, &without) == 0 &&
		    !same_fv(with, without, "")) {
			fprintf(stderr, "the text read before libxml2 changed the tree: %s\n", where);
			abort();
		}
	}
	fv_free(with);
	fv_free(without);
	enc_free(&enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		NULL, "text/xml", "application/atom+xml; charset=iso-8859-1",
		"text/plain", "application/rss+xml; charset=utf-16",
	};
	struct feed_context ctx = { .uri = "http://fuzz.example/feed/x.xml" };
	struct fv *tree = NULL;

	if (size < 1)
		return 0;
	ctx.content_type = types[data[0] % 5];
	if (data[0] & 0x80)
		ctx.content_location = "../other/";
	if (data[0] & 0x40)
		ctx.content_language = "en_GB";
	if (data[0] & 0x20)
		ctx.max_entries = 2;    /* the daemon's max_items, on both paths */
	data++;
	size--;
	if (feed_parse_normalized((const char *)data, size, &ctx, &tree) == 0)
		fv_free(tree);
	if (!agree((const char *)data, size, &ctx)) {
		fprintf(stderr, "feed_parse and feed_parse_whole differ: %s\n", diff);
		abort();
	}
	cdata_agrees((const char *)data, size, ctx.content_type);
	{
		char *link = html_feed_link((const char *)data, size, ctx.uri);

		if (link && strncasecmp(link, "http://", 7) != 0 && strncasecmp(link, "https://", 8) != 0) {
			fprintf(stderr, "html_feed_link gave no web address: %s\n", link);
			abort();
		}
		free(link);
	}
	return 0;
}
