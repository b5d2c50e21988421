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
	/* one stray windows-1252 byte in a UTF-8 feed: the feed is still
	 * UTF-8 (its title was "Caf\u00c3\u00a9 \u00e2\u20ac\u0153Z..."), the byte
	 * windows-1252's */
	check("utf8-stray.xml", NULL, "utf-8", 1, TITLE, "UTF-8 with one stray byte stays UTF-8");
	{
		struct feed *f = load("utf8-stray.xml", NULL);

		is_str(f && f->n_entries == 4 ? f->entries[3].title.value : NULL,
		       "It\xe2\x80\x99s here", "the stray byte is its windows-1252 character");
		is_str(f && f->n_entries == 4 ? f->entries[0].title.value : NULL,
		       "R\xc3\xa9sum\xc3\xa9 0", "and the other items are UTF-8");
		feed_free(f);
	}
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

	/* A UTF-8 feed whose publisher cuts summaries to so many bytes, in
	 * the middle of a character: read as windows-1252 for that, every
	 * item's text was mojibake ("Gr\u00c3\u00bc\u00c3\u0178e").  UTF-8 still, the cut
	 * characters U+FFFD, as a browser shows them; bozo. */
	{
		static const char doc[] =
			"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
			"<title>Zeitung</title>"
			"<item><title>Gr\xc3\xbc\xc3\x9f" "e</title><link>http://z.example/1</link>"
			"<description>Gr\xc3\xbc\xc3\x9f" "e aus M\xc3\xbcnchen \xe2\x80\x9cHallo\xe2\x80\x9d"
			"</description></item>"
			"<item><title>Cut</title><link>http://z.example/2</link>"
			"<description>Der B\xc3\xbcrgermeister sagte in M\xc3</description></item>"
			"<item><title>Cut 2</title><link>http://z.example/3</link>"
			"<description>Er sagte \xe2\x80</description></item>"
			"<item><title>Stra\xc3\x9f" "e</title><link>http://z.example/4</link>"
			"<description>Sp\xc3\xa4ter \xe2\x80\x93 Z\xc3\xbcrich</description></item>"
			"</channel></rss>";
		struct feed *f = NULL;
		char err[64];

		feed_parse(doc, sizeof doc - 1, NULL, &f, err, sizeof err);
		is_str(f ? f->encoding : NULL, "utf-8", "characters cut short: read as UTF-8");
		is_int(f ? f->bozo : -1, 1, "characters cut short: bozo");
		is_int(f ? (long long)f->n_entries : -1, 4, "characters cut short: every item");
		if (f && f->n_entries == 4) {
			is_str(f->entries[0].text,
			       "Gr\xc3\xbc\xc3\x9f" "e aus M\xc3\xbcnchen \xe2\x80\x9cHallo\xe2\x80\x9d",
			       "characters cut short: an item before them keeps its text");
			is_str(f->entries[1].text, "Der B\xc3\xbcrgermeister sagte in M\xef\xbf\xbd",
			       "characters cut short: a cut one is U+FFFD");
			is_str(f->entries[2].text, "Er sagte \xef\xbf\xbd",
			       "characters cut short: two bytes of three, one U+FFFD");
			is_str(f->entries[3].title_text, "Stra\xc3\x9f" "e",
			       "characters cut short: an item after them keeps its title");
			is_str(f->entries[3].text, "Sp\xc3\xa4ter \xe2\x80\x93 Z\xc3\xbcrich",
			       "characters cut short: and its text");
		}
		feed_free(f);
	}

	/* An accented letter pasted as windows-1252 into a UTF-8 feed is
	 * that letter, though its byte would begin a UTF-8 character and
	 * ASCII follows: the feed writes no character of that lead byte, so
	 * nothing of one was cut ("Caf\xe9", "S\xe3o" were U+FFFD).  A cut
	 * of a character the feed does write is still U+FFFD. */
	{
		static const char doc[] =
			"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
			"<title>Zeitung</title>"
			"<item><title>Gr\xc3\xbc\xc3\x9f" "e aus M\xc3\xbcnchen</title><link>http://z.example/1</link>"
			"<description>Sp\xc3\xa4ter \xe2\x80\x93 Z\xc3\xbcrich, K\xc3\xb6ln, D\xc3\xbcsseldorf"
			"</description></item>"
			"<item><title>Gr\xc3\xb6\xc3\x9f" "ere Br\xc3\xbc" "cken f\xc3\xbcr L\xc3\xbc" "beck</title>"
			"<link>http://z.example/3</link><description>Die Stadt \xc3\xa4ndert die Pl\xc3\xa4ne "
			"f\xc3\xbcr \xc3\xbc" "ber zw\xc3\xb6lf Br\xc3\xbc" "cken</description></item>"
			"<item><title>Neues Caf\xe9 in S\xe3o Paulo</title><link>http://z.example/2</link>"
			"<description>\xc3\x9c" "ber das Caf\xe9 am Stra\xc3\x9f" "enrand, \xc3\xb6" "ffnet am "
			"Montag in M\xc3</description></item>"
			"</channel></rss>";
		struct feed *f = NULL;
		char err[64];

		feed_parse(doc, sizeof doc - 1, NULL, &f, err, sizeof err);
		is_str(f ? f->encoding : NULL, "utf-8", "a pasted accent before ASCII: UTF-8");
		if (f && f->n_entries == 3) {
			is_str(f->entries[2].title_text, "Neues Caf\xc3\xa9 in S\xc3\xa3o Paulo",
			       "a pasted accent before ASCII: its windows-1252 letter");
			is_str(f->entries[2].text,
			       "\xc3\x9c" "ber das Caf\xc3\xa9 am Stra\xc3\x9f" "enrand, \xc3\xb6" "ffnet am "
			       "Montag in M\xef\xbf\xbd",
			       "... beside a character of the feed's cut short: U+FFFD");
		} else {
			ok(0, "a pasted accent before ASCII: three items");
		}
		feed_free(f);
	}

	/* but a windows-1252 feed labelled UTF-8 is still read as
	 * windows-1252, though its accented letters before ASCII look cut */
	{
		static const char doc[] =
			"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
			"<title>Caf\xe9 na\xefve</title><item><title>Men\xfc \xe0 la carte \xc3\xa9t\xe9"
			"</title></item></channel></rss>";
		struct feed *f = NULL;
		char err[64];

		feed_parse(doc, sizeof doc - 1, NULL, &f, err, sizeof err);
		is_str(f ? f->encoding : NULL, "windows-1252",
		       "windows-1252 labelled UTF-8: still windows-1252");
		is_str(f ? f->title.value : NULL, "Caf\xc3\xa9 na\xc3\xafve",
		       "windows-1252 labelled UTF-8: decoded");
		feed_free(f);
	}

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

	/* Labels iconv does not know by that name, which Python's codecs or
	 * browsers read: they fell through to windows-1252 (mojibake) */
	{
		static const struct { const char *label, *bytes, *utf8; } lab[] = {
			/* the last Hangul syllable is in CP949 only, not EUC-KR */
			{ "ks_c_5601-1987", "\xc7\xd1\xb1\xb9\xbe\xee \xb4\xba\xbd\xba \x8c" "c",
			  "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \xeb\x89\xb4\xec\x8a\xa4 \xeb\x98\xa0" },
			{ "x-sjis", "\x93\xfa\x96{\x8c\xea", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" },
			{ "x-euc-jp", "\xc6\xfc\xcb\xdc\xb8\xec", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e" },
			{ "x-gbk", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87" },
			{ "latin-1", "Caf\xe9", "Caf\xc3\xa9" },
			{ "x-cp1251", "\xcd\xee\xe2", "\xd0\x9d\xd0\xbe\xd0\xb2" },
			{ "x-mac-roman", "Caf\x8e", "Caf\xc3\xa9" },
			{ "iso-8859-8-i", "\xf9\xec\xe5\xed", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d" },
		};

		for (size_t i = 0; i < sizeof lab / sizeof lab[0]; i++) {
			char doc[512], msg[128], err[64];
			struct feed *f = NULL;

			/* declared in the document, then in the HTTP header */
			for (int http = 0; http < 2; http++) {
				char ct[64];
				struct feed_context ctx = { .content_type = ct };

				snprintf(ct, sizeof ct, "application/rss+xml%s%s", http ? "; charset=" : "",
				         http ? lab[i].label : "");
				snprintf(doc, sizeof doc, "<?xml version=\"1.0\" encoding=\"%s\"?>"
				         "<rss version=\"2.0\"><channel><title>%s</title></channel></rss>",
				         http ? "utf-8" : lab[i].label, lab[i].bytes);
				feed_parse(doc, strlen(doc), &ctx, &f, err, sizeof err);
				snprintf(msg, sizeof msg, "label %s%s: decoded", lab[i].label,
				         http ? " (HTTP)" : "");
				is_str(f ? f->title.value : NULL, lab[i].utf8, msg);
				snprintf(msg, sizeof msg, "label %s%s: not bozo", lab[i].label,
				         http ? " (HTTP)" : "");
				is_int(f ? f->bozo : -1, 0, msg);
				feed_free(f);
				f = NULL;
			}
		}
	}

	/* Characters XML does not allow, where libxml2 stopped at them and
	 * every later item was lost: a vertical tab pasted into a CDATA
	 * section, U+0000 in a title, U+FFFE in an attribute value, a
	 * control character in a comment.  They are dropped, as libxml2
	 * drops them in element text; the items after them are kept. */
	{
		static const char doc[] =
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
			"<title>Feed</title>\n"
			"<item><title>One</title><link>http://e.example/1</link>"
			"<description><![CDATA[<p>Pasted\x0b from Word</p>]]></description></item>\n"
			"<item><title>Two\0 nul</title><link>http://e.example/2</link></item>\n"
			"<item><title>Three</title><category domain=\"x\xef\xbf\xbe\">c</category>"
			"<link>http://e.example/3</link><!-- a \x01 comment --></item>\n"
			"<item><title>Four \x1b[2J</title><link>http://e.example/4</link></item>"
			"</channel></rss>";
		struct feed *f = NULL;
		char err[64];

		feed_parse(doc, sizeof doc - 1, NULL, &f, err, sizeof err);
		is_int(f ? (long long)f->n_entries : -1, 4, "control characters: every item kept");
		if (f && f->n_entries == 4) {
			is_str(f->entries[0].text, "Pasted from Word",
			       "control characters: a vertical tab in a CDATA section dropped");
			is_str(f->entries[1].title_text, "Two nul", "control characters: U+0000 dropped");
			is_str(f->entries[2].link, "http://e.example/3",
			       "control characters: the item after U+FFFE in an attribute");
			is_str(f->entries[3].title_text, "Four [2J",
			       "control characters: ESC dropped from element text");
		}
		is_int(f ? f->bozo : -1, 1, "control characters: bozo");
		is_str(f ? f->bozo_reason : NULL,
		       "SAXParseException: not well-formed (invalid token): U+000B (line 3)",
		       "control characters: the first one named, with its line");
		feed_free(f);
	}

	/* A UTF-8 feed declared encoding="utf-16" (.NET's XmlWriter over a
	 * StringWriter): its first bytes, an ASCII '<', are in no 16- or
	 * 32-bit encoding.  Read as UTF-16 when its length was even, it was
	 * "not XML" and lost every item.  An encoding that reads the byte
	 * '<' as '<' is still read as declared: UTF-7, which writes '<' as
	 * "+ADw-" but reads it as written. */
	{
		static const char even[] =
			"<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<rss version=\"2.0\"><channel>"
			"<title>" TITLE "</title><item><title>One</title>"
			"<link>http://u.example/1</link></item></channel></rss>";
		static const char utf7[] =
			"<?xml version=\"1.0\" encoding=\"utf-7\"?>\n<rss version=\"2.0\"><channel>"
			"<title>Caf+AOk-</title></channel></rss>";
		struct feed *f = NULL;
		char err[64];

		ok((sizeof even - 1) % 2 == 0, "declared utf-16: the document's length is even");
		feed_parse(even, sizeof even - 1, NULL, &f, err, sizeof err);
		is_str(f ? f->encoding : NULL, "utf-8", "declared utf-16, written in UTF-8: UTF-8");
		is_str(f ? f->title.value : NULL, TITLE, "declared utf-16: the title as written");
		is_int(f ? (long long)f->n_entries : -1, 1, "declared utf-16: its item");
		is_int(f ? f->bozo : -1, 1, "declared utf-16: bozo");
		feed_free(f);
		f = NULL;
		feed_parse(utf7, sizeof utf7 - 1, NULL, &f, err, sizeof err);
		is_str(f ? f->encoding : NULL, "utf-7", "declared utf-7: read as declared");
		is_str(f ? f->title.value : NULL, "Caf\xc3\xa9", "declared utf-7: decoded");
		feed_free(f);
	}
	return done_testing();
}
