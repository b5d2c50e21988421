/* tests/unit/test_feed_encoding.c — every encoding rule: BOMs, UTF-16/32
 * with and without BOM, the XML declaration, the HTTP charset and which
 * one wins for which media type, gb2312 read as gb18030, invalid UTF-8
 * falling back to windows-1252 (bozo), C1 controls as windows-1252. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/feed.h"
#include "tests/unit/tap.h"

#define TITLE "Caf\xc3\xa9 \xe2\x80\x9cZ\xc3\xbcrich\xe2\x80\x9d"
#define TITLE_LATIN "Caf\xc3\xa9 \"Z\xc3\xbcrich\""

static struct feed *load(const char *name, const char *ctype)
{
	char path[256], err[256];
	struct feed_context ctx = { .content_type = ctype };
	struct feed *f = NULL;
	size_t len;
	char *buf;

	snprintf(path, sizeof path, "tests/data/feeds/enc/%s", name);
	buf = tap_slurp(path, &len);
	if (!buf)
		return NULL;
	if (feed_parse(buf, len, &ctx, &f, err, sizeof err) < 0)
		printf("# %s: %s\n", name, err);
	free(buf);
	return f;
}

static void check(const char *name, const char *ctype, const char *enc, int bozo,
                  const char *title, const char *what)
{
	struct feed *f = load(name, ctype);
	char msg[256];

	snprintf(msg, sizeof msg, "%s: parsed", what);
	ok(f != NULL, msg);
	if (!f)
		return;
	snprintf(msg, sizeof msg, "%s: encoding %s", what, enc);
	is_str(f->encoding, enc, msg);
	snprintf(msg, sizeof msg, "%s: bozo %d", what, bozo);
	is_int(f->bozo, bozo, msg);
	if (title) {
		snprintf(msg, sizeof msg, "%s: text decoded", what);
		is_str(f->title.value, title, msg);
	}
	feed_free(f);
}

int main(void)
{
	check("utf8-bom.xml", NULL, "utf-8", 0, TITLE, "UTF-8 BOM");
	check("utf8-nodecl.xml", NULL, "utf-8", 0, TITLE, "UTF-8 by default");
	check("utf16le-bom.xml", NULL, "utf-16le", 0, TITLE, "UTF-16LE BOM");
	check("utf16be-bom.xml", NULL, "utf-16be", 0, TITLE, "UTF-16BE BOM");
	check("utf16le-nobom.xml", NULL, "utf-16le", 0, TITLE, "UTF-16LE sniffed without BOM");
	check("utf32be-nobom.xml", NULL, "utf-32be", 0, TITLE, "UTF-32BE sniffed without BOM");
	check("utf32le-bom.xml", NULL, "utf-32le", 0, TITLE, "UTF-32LE BOM");
	check("latin1-decl.xml", NULL, "iso-8859-1", 0, TITLE_LATIN, "XML declaration ISO-8859-1");
	check("win1252-decl.xml", NULL, "windows-1252", 0, TITLE, "XML declaration windows-1252");
	check("bad-utf8.xml", NULL, "windows-1252", 1, TITLE,
	      "invalid UTF-8 falls back to windows-1252");
	check("http-overrides.xml", "application/rss+xml; charset=utf-8", "utf-8", 0, TITLE,
	      "application/*+xml: HTTP charset beats the declaration");
	check("latin1-decl.xml", "application/xml", "iso-8859-1", 0, TITLE_LATIN,
	      "application/xml without charset: the declaration");
	check("ascii.xml", "text/xml", "us-ascii", 0, NULL, "text/xml without charset: us-ascii");
	check("latin1-decl.xml", "text/xml", "iso-8859-1", 1, TITLE_LATIN,
	      "text/xml ignores the declaration: us-ascii fails, declared one used, bozo");
	check("http-overrides.xml", "text/xml; charset=\"UTF-8\"", "UTF-8", 0, TITLE,
	      "text/xml with a quoted charset");
	check("ascii.xml", "text/plain", "us-ascii", 1, NULL, "text/plain is not a feed type: bozo");
	check("gb2312.xml", NULL, "gb18030", 0,
	      "\xe4\xb8\xad\xe6\x96\x87\xe6\x96\xb0\xe9\x97\xbb", "gb2312 is read as gb18030");

	/* C1 controls are windows-1252 in disguise */
	{
		const char *doc = "<rss version=\"2.0\"><channel><title>don&#146;t</title></channel></rss>";
		struct feed *f = NULL;
		char err[64];

		feed_parse(doc, strlen(doc), NULL, &f, err, sizeof err);
		is_str(f ? f->title.value : NULL, "don\xe2\x80\x99t", "C1 U+0092 becomes U+2019");
		feed_free(f);
	}

	/* A UTF-8 feed served as ISO-8859-1 (a server's default charset):
	 * the HTTP charset wins, so every character comes out as two; the
	 * double-encoding repair undoes that as it does in a UTF-8 document */
	{
		const char *doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">"
		                  "<channel><title>" TITLE "</title><item><title>Z\xc3\xbcrich "
		                  "\xe2\x80\x93 na\xc3\xafve</title></item></channel></rss>";
		struct feed_context ctx = { .content_type = "text/xml; charset=ISO-8859-1" };
		struct feed *f = NULL;
		char err[64];

		feed_parse(doc, strlen(doc), &ctx, &f, err, sizeof err);
		is_str(f ? f->encoding : NULL, "ISO-8859-1", "UTF-8 served as ISO-8859-1: read as the HTTP charset says");
		is_str(f ? f->title.value : NULL, TITLE, "UTF-8 served as ISO-8859-1: feed title repaired");
		is_str(f && f->n_entries ? f->entries[0].title_text : NULL,
		       "Z\xc3\xbcrich \xe2\x80\x93 na\xc3\xafve", "UTF-8 served as ISO-8859-1: entry title repaired");
		feed_free(f);
	}
	return done_testing();
}
