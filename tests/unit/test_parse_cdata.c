/* tests/unit/test_parse_cdata.c — the text that feeds/cdata.c reads before
 * libxml2 (which sees a short CDATA section in its place) must not change
 * what the parser sees.  First what cdata_rewrite() takes and leaves;
 * then the
 * whole parse tree (what `tidings parse --json` prints, bozo_exception
 * included) with the rewrite and without it (parse_opts.keep_text) on
 * documents made for the awkward cases, on tests/data, on the feedparser
 * and gofeed corpora when ../shared has them (TIDINGS_SHARED overrides;
 * TIDINGS_CDATA_DIRS adds directories, colon-separated), and on damaged
 * copies of those documents: cut short, and with bytes libxml2 complains
 * about put in at random places (a fixed seed: the same ones each run). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "feeds/cdata.h"
#include "feeds/encoding.h"
#include "feeds/fv.h"
#include "feeds/parse.h"
#include "tests/unit/fv_same.h"
#include "tests/unit/tap.h"

#define DECL "<?xml version='1.0' encoding='utf-8'?>"

/* what the rewrite makes of decl + body, each piece taken shown as
 * "{text}" in place of its mark ("=" when nothing is taken) */
static void rewrites(const char *body, const char *want, const char *name)
{
	char doc[4096], got[4096];
	struct cdata_doc d;
	size_t n = 0, from;
	int r;

	snprintf(doc, sizeof doc, "%s%s", DECL, body);
	r = cdata_rewrite(doc, strlen(doc), &d);
	if (r <= 0) {
		if (!ok(r == 0 && !strcmp(want, "="), name))
			printf("#   not rewritten (%d), want: %s\n", r, want);
		return;
	}
	from = strlen(DECL);
	for (size_t i = 0; i < d.n; i++) {
		const struct cdata_piece *pc = &d.pieces[i];

		size_t ml = strlen(CDATA_MARK_OPEN) + pc->lines + strlen(CDATA_MARK_CLOSE);

		if (pc->at < from || strncmp(d.doc + pc->at, CDATA_MARK_OPEN, strlen(CDATA_MARK_OPEN)) ||
		    strncmp(d.doc + pc->at + ml - 3, CDATA_MARK_CLOSE, 3))
			break;
		n += (size_t)snprintf(got + n, sizeof got - n, "%.*s{%.*s}", (int)(pc->at - from),
		                      d.doc + from, (int)pc->len, d.text + pc->off);
		from = pc->at + ml;
	}
	snprintf(got + n, sizeof got - n, "%.*s", (int)(d.len - from), d.doc + from);
	is_str(got, want, name);
	cdata_free(&d);
}

/* a document of over 1 MiB: the first <d> taken, the rest not */
static void rewrites_long(const char *body, const char *name)
{
	size_t n = strlen(DECL) + strlen(body);
	char *doc = malloc(n + 1);
	struct cdata_doc d;

	if (!doc) {
		ok(0, name);
		return;
	}
	snprintf(doc, n + 1, "%s%s", DECL, body);
	ok(cdata_rewrite(doc, n, &d) == 1 && d.n == 1 && !d.clean &&
	   !strcmp(d.doc + d.len - 14, "&lt;</d></rss>"), name);
	cdata_free(&d);
	free(doc);
}

static void test_rewrite(void)
{
	rewrites("<rss><d>&lt;p&gt;caf\xc3\xa9&lt;/p&gt;</d></rss>",
	         "<rss><d>{<p>caf\xc3\xa9</p>}</d></rss>", "references and UTF-8 as one piece");
	rewrites("<rss><d>plain ASCII</d><e a='1'>x</e></rss>", "=", "plain text left alone");
	rewrites("<rss><d>a &amp; b &#233; &#x2013; &quot;&apos;</d></rss>",
	         "<rss><d>{a & b \xc3\xa9 \xe2\x80\x93 \"'}</d></rss>",
	         "predefined and character references");
	rewrites("<rss><d>&lt;b&gt;&eacute;t&eacute;&lt;/b&gt;</d></rss>",
	         "<rss><d>{<b>}&eacute;t&eacute;{</b>}</d></rss>",
	         "other entities stay references between the pieces");
	rewrites("<rss><d>&lt;p&gt;\r\n</d><e>&lt;i&gt;&#13;</e><f>&lt;x&gt;</f></rss>",
	         "<rss><d>&lt;p&gt;\r\n</d><e>{<i>\r}</e><f>{<x>}</f></rss>",
	         "a run with CR left as it is");
	rewrites("<rss><d>]]&gt; &lt;</d><e>&#93;]&gt;</e></rss>",
	         "<rss><d>{]]> <}</d><e>{]]>}</e></rss>", "\"]]>\" from references");
	rewrites("<rss><d>&lt;]]>x</d></rss>", "=", "stops at \"]]>\" in text");
	rewrites("<!DOCTYPE rss [<!ENTITY lt2 '&lt;'>]><rss><d>&lt;</d></rss>", "=", "DOCTYPE: left alone");
	rewrites("<rss><a>&lt;</b><d>&lt;</d></rss>", "<rss><a>{<}</b><d>&lt;</d></rss>",
	         "stops at a mismatched end tag");
	rewrites("<rss><d>&lt;\x01</d><e>&lt;</e></rss>", "=", "stops at a control character");
	rewrites("<rss><d>&lt;</d><!-- a -- b --><e>&lt;</e></rss>",
	         "<rss><d>{<}</d><!-- a -- b --><e>&lt;</e></rss>",
	         "stops at a comment libxml2 complains about");
	rewrites("<rss><d x=\"&nbsp;\">&lt;</d></rss>", "=", "stops at an entity in an attribute");
	rewrites("<rss><d\xc3\xa9>&lt;</d\xc3\xa9></rss>", "=", "stops at a non-ASCII name");
	rewrites("<rss><d>&lt;\xef\xbf\xbe</d></rss>", "=", "stops at U+FFFE");
	rewrites("<rss><d>&lt;\xc3</d></rss>", "=", "stops at malformed UTF-8");
	rewrites("<rss><d>&lt;&#0;</d></rss>", "=", "stops at a reference to no character");
	rewrites("<rss><d><![CDATA[a\x01]]></d></rss>", "=", "stops at a control character in a section");
	rewrites("<rss><d>&lt;</d></rss>&lt;", "<rss><d>{<}</d></rss>&lt;", "nothing after the root");
	{
		/* past 1 MiB, an attribute value or a comment stops the scan */
		size_t n = (1 << 20) + 16;
		char *big = malloc(n + 64), *out = malloc(n + 128);

		if (big && out) {
			memset(big, 'v', n);
			snprintf(big + n, 64, "'>&lt;</d></rss>");
			snprintf(out, n + 128, "<rss><d>&lt;</d><d a='%s", big);
			rewrites_long(out, "stops at an attribute value past 1 MiB");
			memcpy(big + n, " --><d>&lt;</d></rss>", 22);
			snprintf(out, n + 128, "<rss><d>&lt;</d><!-- %s", big);
			rewrites_long(out, "stops at a comment past 1 MiB");
		}
		free(big);
		free(out);
	}
	rewrites("<rss><d>a&lt;", "=", "nor text that the document ends in");
	rewrites("<?pi x?><!-- c --><rss a='&amp;' b=\"&#60;\"><d><![CDATA[x&lt;]]>&lt;<?p?><e/>&gt;"
	         "<![CDATA[]]></d></rss>",
	         "<?pi x?><!-- c --><rss a='&amp;' b=\"&#60;\"><d>{x&lt;}{<}<?p?><e/>{>}{}</d></rss>",
	         "comments, instructions, sections, empty tags");
}

/* ------------------------------------------------------------ trees */

/* 1 when the parse tree of buf is the same with and without the rewrite */
static int agree(const char *buf, size_t len)
{
	struct enc_result enc;
	struct parse_opts o = { .base = "http://feeds.example.org/dir/feed.xml" };
	struct fv *with = NULL, *without = NULL;
	int r;

	where[0] = '\0';
	if (enc_to_utf8(buf, len, NULL, &enc) < 0)
		return 0;
	o.encoding = enc.encoding;
	r = parse_feed_xml(enc.utf8, enc.len, &o, &with);
	o.keep_text = 1;
	r |= parse_feed_xml(enc.utf8, enc.len, &o, &without);
	r = r == 0 && same_fv(with, without, "");
	fv_free(with);
	fv_free(without);
	enc_free(&enc);
	return r;
}

static const char *const awkward[] = {
	/* predefined references after an error: libxml2 drops them until
	 * its next callback, so text after a complaint must not be
	 * rewritten */
	"<rss version='2.0'><channel><item><title>a</title><description>x</descriptio>"
	"&lt;b&gt;after &amp; mismatch</description></item></channel></rss>",
	"<rss version='2.0'><channel><item><!-- a -- b -->&lt;i&gt;c&lt;/i&gt;"
	"<description><!--x-- -->&lt;p&gt;caf\xc3\xa9</description></item></channel></rss>",
	"<rss version='2.0'><channel><item><description a='1' a='2'>&lt;p&gt;dup attr</description>"
	"<title x:y='1'>&lt;ns&gt;</title></item></channel></rss>",
	"<rss version='2.0'><channel><item><description>&lt;p&gt;\x01&lt;b&gt;ctl</description>"
	"<title>&#0;&lt;b&gt;</title><link>&#xD800;&amp;</link></item></channel></rss>",
	"<rss version='2.0'><channel><item><description>]]>&lt;p&gt;</description>"
	"<title>a]]&gt;&lt;</title></item></channel></rss>",
	"<rss version='2.0'><channel><item><title>&lt;a&gt;&undefined;&eacute;&#13;&#10;\r\n"
	"caf\xc3\xa9\r&lt;</title><description>\r\n&lt;p&gt;\r\n</description></item></channel></rss>",
	"<feed xmlns='http://www.w3.org/2005/Atom'><entry><content type='xhtml'>"
	"<div xmlns='http://www.w3.org/1999/xhtml'>&lt;b&gt; caf\xc3\xa9 <b>bold</b> &amp;</div>"
	"</content><summary type='html'>&lt;p&gt;&lt;script&gt;x&lt;/script&gt;</summary>"
	"<title type='text'>&lt;p&gt; \xe2\x80\x94</title></entry></feed>",
	"<rss version='2.0'><channel><item><description>&lt;p&gt;open \xc3\xa9",
	"<rss version='2.0'><channel><item><description>&lt;p&gt;x</description></item></channel>"
	"</rss>&lt;trailing&gt;<rss>",
	"<rss version='2.0'><channel><item><description>&lt;p&gt;</item><item>&lt;x&gt;"
	"</channel></rss>",
	"<?xml-stylesheet href='x.xsl'?><rss version='2.0'><channel><item>"
	"<description>&lt;![CDATA[x]]&gt;&lt;p&gt;\xf0\x9f\x98\x80</description></item></channel></rss>",
	"<rss version='2.0'><channel><item><description><![CDATA[\x01]]>&lt;p&gt;</description>"
	"</item></channel></rss>",
	"<rss version='2.0'><channel><item><description>&lt;p&gt;<?pi?>&lt;i&gt;<?xml x?>&lt;</description>"
	"</item></channel></rss>",
};

/* a document of n items past 1 MiB: libxml2 gets it in pieces, and a
 * section may straddle two */
static char *big_doc(size_t *len)
{
	size_t cap = 3 << 20, n = 0;
	char *d = malloc(cap);

	if (!d)
		return NULL;
	n += (size_t)snprintf(d, cap, "<rss version='2.0'><channel><title>big</title>");
	for (int k = 0; n + 512 < cap - 64 && k < 9000; k++)
		n += (size_t)snprintf(d + n, cap - n, "<item><title>t%d &amp; caf\xc3\xa9</title><description>"
		                      "&lt;p&gt;word %d \xe6\x97\xa5\xe6\x9c\xac &lt;b&gt;b&lt;/b&gt; "
		                      "&amp;amp; &#8217;q&#8217; padding padding padding padding padding"
		                      "&lt;/p&gt;</description></item>", k, k);
	n += (size_t)snprintf(d + n, cap - n, "</channel></rss>");
	*len = n;
	return d;
}

/* A document of n attributes on one tag, or of n namespace declarations
 * in scope (half on the root, half on an item), with "&" text; with
 * bare, a bare '&' in it. */
static char *crowded(unsigned n, int ns, const char *amp, size_t *len)
{
	size_t cap = 64 + (size_t)n * 64 + 512, k = 0;
	char *d = malloc(cap);

	if (!d)
		return NULL;
	k += (size_t)snprintf(d + k, cap - k, "<rss version='2.0'");
	for (unsigned i = 0; ns && i < n / 2; i++)
		k += (size_t)snprintf(d + k, cap - k, " xmlns:a%u='urn:a%u'", i, i);
	k += (size_t)snprintf(d + k, cap - k, "><channel><item");
	for (unsigned i = 0; i < (ns ? n - n / 2 : n); i++)
		k += (size_t)snprintf(d + k, cap - k, ns ? " xmlns:b%u='urn:b%u'" : " a%u='%u'", i, i);
	k += (size_t)snprintf(d + k, cap - k, "><title>caf\xc3\xa9 %s &lt;b&gt;</title></item>"
	                      "</channel></rss>\n", amp);
	*len = k;
	return d;
}

/* the scan reads a document to its end only when neither pre-pass
 * (bare ampersands, crowded tags) would find anything in it */
static void test_clean(void)
{
	static const struct { unsigned n; int ns; const char *amp; int clean; const char *name; } c[] = {
		{ 10, 0, "&amp;", 1, "a plain document: read to the end" },
		{ 256, 0, "&amp;", 1, "256 attributes on a tag: read to the end" },
		{ 257, 0, "&amp;", 0, "257 attributes: prescan_crowded's" },
		{ 256, 1, "&amp;", 1, "256 namespaces in scope: read to the end" },
		{ 257, 1, "&amp;", 0, "257 namespaces in scope: prescan_crowded's" },
		{ 10, 0, "a & b", 0, "a bare ampersand: prescan_fix_ampersands'" },
		{ 10, 0, "&#X41;", 0, "&#X41;: prescan_fix_ampersands'" },
		{ 10, 0, "&eacute;", 1, "an HTML entity: read to the end" },
	};
	char name[160];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		size_t len;
		char *d = crowded(c[i].n, c[i].ns, c[i].amp, &len);
		struct enc_result enc;
		struct cdata_doc cd;
		int clean = -1;

		if (d && enc_to_utf8(d, len, NULL, &enc) == 0) {
			if (cdata_rewrite(enc.utf8, enc.len, &cd) >= 0)
				clean = cd.clean;
			cdata_free(&cd);
			enc_free(&enc);
		}
		snprintf(name, sizeof name, "%s (clean %d)", c[i].name, c[i].clean);
		is_int(clean, c[i].clean, name);
		snprintf(name, sizeof name, "same tree: %s", c[i].name);
		if (!ok(d && agree(d, len), name))
			printf("#   %s\n", where);
		free(d);
	}
	{
		const char *tail = "<rss><channel><item><title>&lt;</title></item></channel></rss>"
		                   "\n<!-- c --><?p x?>\n";
		char doc[256];
		struct cdata_doc cd;

		snprintf(doc, sizeof doc, "%s%s", DECL, tail);
		ok(cdata_rewrite(doc, strlen(doc), &cd) == 1 && cd.clean,
		   "comments, instructions and blanks after the root: read to the end");
		cdata_free(&cd);
		snprintf(doc, sizeof doc, "%s%s<x/>", DECL, tail);
		ok(cdata_rewrite(doc, strlen(doc), &cd) == 1 && !cd.clean, "a second root: not");
		cdata_free(&cd);
		snprintf(doc, sizeof doc, "%s%sx", DECL, tail);
		ok(cdata_rewrite(doc, strlen(doc), &cd) == 1 && !cd.clean, "text after the root: not");
		cdata_free(&cd);
	}
}

/* a document whose marks are most of it: libxml2 gets it in pieces of
 * 1 MiB (parse.c), and one of them ends inside a mark, which libxml2
 * then hands over in several calls */
static void test_split_mark(void)
{
	size_t cap = 3 << 20, n = 0, lines = 5000, crossing = 0;
	char *d = malloc(cap);
	struct enc_result enc;
	struct cdata_doc cd;

	if (!d) {
		ok(0, "split mark: memory");
		return;
	}
	n += (size_t)snprintf(d, cap, "<rss version='2.0'><channel><title>t</title>");
	for (int k = 0; n + lines + 512 < cap; k++) {
		n += (size_t)snprintf(d + n, cap - n, "<item><title>%d</title><description>&lt;p&gt;", k);
		memset(d + n, '\n', lines);
		n += lines;
		n += (size_t)snprintf(d + n, cap - n, "caf\xc3\xa9 %d&lt;/p&gt;</description></item>", k);
	}
	n += (size_t)snprintf(d + n, cap - n, "</channel></rss>");
	if (enc_to_utf8(d, n, NULL, &enc) == 0) {
		if (cdata_rewrite(enc.utf8, enc.len, &cd) == 1) {
			for (size_t i = 0; i < cd.n; i++)
				if (cd.pieces[i].at < (1u << 20) &&
				    cd.pieces[i].at + 13 + cd.pieces[i].lines > (1u << 20))
					crossing++;
			cdata_free(&cd);
		}
		enc_free(&enc);
	}
	ok(crossing == 1, "split mark: one mark crosses the first MiB");
	if (!ok(agree(d, n), "same tree: a mark across libxml2's pieces"))
		printf("#   %s\n", where);
	free(d);
}

static void test_awkward(void)
{
	char name[128];
	size_t len;
	char *d;

	for (size_t i = 0; i < sizeof awkward / sizeof awkward[0]; i++) {
		snprintf(name, sizeof name, "same tree with and without: awkward document %zu", i);
		if (!ok(agree(awkward[i], strlen(awkward[i])), name))
			printf("#   %s\n", where);
	}
	d = big_doc(&len);
	if (!ok(d && len > (1 << 20) && agree(d, len), "same tree: a document past 1 MiB, in pieces"))
		printf("#   %s\n", where);
	free(d);
}

/* ------------------------------------------------------------ corpora */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	return tap_xorshift(&rng);
}

/* damaged copies of buf: cut short, and a byte libxml2 may complain
 * about (or one the rewrite treats apart) put in at random places */
static size_t damaged(const char *path, const char *buf, size_t len)
{
	static const char put[] = { '&', '<', '>', ']', '\r', '\x01', '\xc3', '\xbf', '-', '"', ';', '#' };
	size_t bad = 0;
	char *d = malloc(len + 4);

	if (!d)
		return 1;
	for (int k = 0; k < 6 && len; k++) {
		size_t at = (size_t)(next() % len), n = len;

		memcpy(d, buf, len);
		if (k < 2) {
			n = at;                 /* cut short */
		} else {
			memmove(d + at + 1, d + at, len - at);
			d[at] = put[next() % sizeof put];
			n = len + 1;
		}
		if (!agree(d, n) && ++bad <= 3)
			printf("# %s (damaged %d at %zu): %s\n", path, k, at, where);
	}
	free(d);
	return bad;
}

struct walk {
	size_t files, bad, dbad;
};

static int check_file(const char *path, char *buf, size_t len, void *arg)
{
	struct walk *w = arg;

	w->files++;
	if (!agree(buf, len) && ++w->bad <= 5)
		printf("# %s: %s\n", path, where);
	/* damaged copies of every fourth file */
	if (w->files % 4 == 0)
		w->dbad += damaged(path, buf, len);
	return 0;
}

static void test_dir(const char *dir, int required)
{
	struct walk w = { 0 };
	char name[600];

	if (!tap_dir_present(dir, required))
		return;
	tap_walk(dir, check_file, &w);
	snprintf(name, sizeof name, "same tree with and without on %zu files of %s", w.files, dir);
	ok(w.files > 0 && w.bad == 0, name);
	snprintf(name, sizeof name, "and on %zu damaged copies", (w.files / 4) * 6);
	ok(w.dbad == 0, name);
}

int main(void)
{
	const char *shared = getenv("TIDINGS_SHARED") ? getenv("TIDINGS_SHARED") : "../shared";
	const char *extra = getenv("TIDINGS_CDATA_DIRS");
	char path[1024];

	test_rewrite();
	test_awkward();
	test_split_mark();
	test_clean();
	test_dir("tests/data", 1);
	snprintf(path, sizeof path, "%s/corpora/feedparser", shared);
	test_dir(path, 0);
	snprintf(path, sizeof path, "%s/corpora/gofeed", shared);
	test_dir(path, 0);
	if (extra) {
		char *list = strdup(extra), *save = NULL;

		for (char *d = list ? strtok_r(list, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save))
			test_dir(d, 1);
		free(list);
	}
	return done_testing();
}
