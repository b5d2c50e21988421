/* tests/unit/test_feed_safety.c — hostile documents: external entities
 * read nothing, entity bombs (deep and wide) stop fast in bounded memory
 * and are reported as bozo, absurd nesting is refused, and so are start
 * tags with more attributes than any feed has (libxml2 checks them
 * pairwise); DTD attribute defaults are not applied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "feeds/feed.h"
#include "tests/unit/tap.h"

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static struct feed *parse(const char *path)
{
	struct feed *f = NULL;
	char err[256];
	size_t len;
	char *buf = tap_slurp(path, &len);

	if (!buf)
		return NULL;
	feed_parse(buf, len, NULL, &f, err, sizeof err);
	free(buf);
	return f;
}

static int mentions_passwd(const char *s)
{
	return s && (strstr(s, "root:") || strstr(s, "/bin/"));
}

/* `n` attributes ' <name><i>="<value><i>"' into a new string (a value
 * such as "v=" holds an '=' that is no attribute). */
static char *attrs(int n, const char *name, const char *value)
{
	char *s = malloc((size_t)n * (strlen(name) + strlen(value) + 28) + 1), *p = s;

	if (!s)
		abort();
	*p = '\0';
	for (int i = 0; i < n; i++)
		p += sprintf(p, " %s%d=\"%s%d\"", name, i, value, i);
	return s;
}

/* A one-item RSS feed: `before` goes in the channel before the item,
 * `item_attrs` into the item's start tag, `desc` is the item's
 * description as written (escape it yourself). */
static int parse_item(const char *before, const char *item_attrs, const char *desc,
                      struct feed **f, char *err, size_t errlen)
{
	const char *fmt = "<rss version=\"2.0\"><channel><title>t</title>%s<item%s><title>x</title>"
	                  "<guid>http://example.com/a</guid><description>%s</description></item>"
	                  "</channel></rss>";
	size_t n = strlen(fmt) + strlen(before) + strlen(item_attrs) + strlen(desc) + 1;
	char *doc = malloc(n);
	int rc;

	*f = NULL;
	if (!doc)
		return -2;
	snprintf(doc, n, fmt, before, item_attrs, desc);
	rc = feed_parse(doc, strlen(doc), NULL, f, err, errlen);
	free(doc);
	return rc;
}

static void test_crowded_tags(void)
{
	struct feed *f;
	char err[256];
	char *a256 = attrs(256, "a", "v="), *a257 = attrs(257, "a", "v=");

	is_int(parse_item("", a256, "d", &f, err, sizeof err), 0, "256 attributes: parsed");
	ok(f && f->n_entries == 1 && !f->bozo, "256 attributes: the item, not bozo");
	feed_free(f);

	is_int(parse_item("", a257, "d", &f, err, sizeof err), -1, "257 attributes: refused");
	is_str(err, "not a feed: an element with more than 256 attributes (line 1), not parsed",
	       "257 attributes: the reason, with the line");

	/* inside a comment or a CDATA section they are no tag */
	size_t n = strlen(a257) + 64;
	char *comment = malloc(n), *cdata = malloc(n);

	snprintf(comment, n, "<!-- <x%s> -->", a257);
	snprintf(cdata, n, "<![CDATA[<p%s>hi</p>]]>", a257);
	is_int(parse_item(comment, "", "d", &f, err, sizeof err), 0, "a crowded tag in a comment: parsed");
	feed_free(f);
	is_int(parse_item("", "", cdata, &f, err, sizeof err), 0, "a crowded tag in CDATA: parsed");
	ok(f && f->n_entries == 1 && f->entries[0].text && !strcmp(f->entries[0].text, "hi"),
	   "a crowded tag in CDATA: the HTML's text kept");
	feed_free(f);
	free(comment);
	free(cdata);
	free(a256);
	free(a257);
}

/* A description's HTML element with 3,000 attributes, the same name
 * written again and again: the last value wins, names sorted, and the
 * sanitiser does it without comparing every pair (that took minutes at
 * 200,000). */
static void test_html_duplicate_attributes(void)
{
	struct feed *f;
	char err[256];
	size_t n = 3000 * 32 + 64;
	char *desc = malloc(n), *p = desc;

	p += sprintf(p, "&lt;p");
	for (int i = 0; i < 3000; i++)
		p += sprintf(p, " title=\"%d\"", i);
	sprintf(p, " DIR=\"ltr\" title=\"last\"&gt;x&lt;/p&gt;");
	is_int(parse_item("", "", desc, &f, err, sizeof err), 0, "3,000 attributes in HTML: parsed");
	ok(f && f->n_entries == 1, "3,000 attributes in HTML: one item");
	if (f && f->n_entries == 1)
		is_str(f->entries[0].html, "<p dir=\"ltr\" title=\"last\">x</p>",
		       "duplicates collapse to the last, names sorted and lower-cased");
	feed_free(f);
	free(desc);
}

/* <!ATTLIST> defaults would be added to every such element (and checked
 * pairwise against its attributes): they are not applied.  Here one would
 * make every guid a non-permalink, so the item would lose its link. */
static void test_dtd_defaults_ignored(void)
{
	const char *doc = "<?xml version=\"1.0\"?>\n"
	                  "<!DOCTYPE rss [<!ATTLIST guid isPermaLink CDATA \"false\">]>\n"
	                  "<rss version=\"2.0\"><channel><title>t</title><item><title>x</title>"
	                  "<guid>http://example.com/a</guid></item></channel></rss>";
	struct feed *f = NULL;
	char err[256];

	is_int(feed_parse(doc, strlen(doc), NULL, &f, err, sizeof err), 0, "ATTLIST: parsed");
	ok(f && f->n_entries == 1 && f->entries[0].link &&
	   !strcmp(f->entries[0].link, "http://example.com/a"),
	   "ATTLIST default isPermaLink=\"false\" not applied: the guid is the link");
	feed_free(f);
}

/* Namespace declarations in scope (libxml2 looks each prefix up through
 * all of them): 2 x 200 nested is refused; 200 on each of 300 siblings,
 * open and closed in turn or empty, never more than 200 at once, is not. */
static void test_namespace_scope(void)
{
	struct feed *f;
	char err[256];
	char *a = attrs(200, "xmlns:a", "urn:a"), *b = attrs(200, "xmlns:b", "urn:b");
	size_t n = strlen(a) + strlen(b) + 64;
	char *nested = malloc(n), *siblings = malloc(300 * (strlen(a) + 32) + 1), *p;

	snprintf(nested, n, "<x%s><y%s>z</y></x>", a, b);
	is_int(parse_item(nested, "", "d", &f, err, sizeof err), -1, "400 declarations in scope: refused");
	is_str(err, "not a feed: more than 256 namespace declarations in scope (line 1), not parsed",
	       "400 declarations in scope: the reason");
	p = siblings;
	for (int i = 0; i < 300; i++)
		p += sprintf(p, i % 2 ? "<x%s>z</x>" : "<x%s/>", a);
	is_int(parse_item(siblings, "", "d", &f, err, sizeof err), 0,
	       "200 declarations on each of 300 siblings: parsed");
	ok(f && f->n_entries == 1, "200 declarations on each of 300 siblings: the item");
	feed_free(f);
	free(nested);
	free(siblings);
	free(a);
	free(b);
}

/* Repeated categories are dropped (feedparser's rule), by comparing each
 * with the ones before: past MAX_TAGS (64) the rest are left out. */
static void test_many_categories(void)
{
	struct feed *f;
	char err[256];
	char *cats = malloc(300 * 64), *p = cats;

	for (int i = 0; i < 300; i++)
		p += sprintf(p, "<category>c%d</category><category>c%d</category>", i % 150, i % 150);
	/* inside the item: parse_item puts `before` in the channel */
	size_t n = strlen(cats) + 256;
	char *doc = malloc(n);

	snprintf(doc, n, "<rss version=\"2.0\"><channel><title>t</title><item><title>x</title>%s"
	         "</item></channel></rss>", cats);
	f = NULL;
	is_int(feed_parse(doc, strlen(doc), NULL, &f, err, sizeof err), 0, "600 categories: parsed");
	ok(f && f->n_entries == 1 && f->entries[0].n_tags == 64,
	   "600 categories, 150 distinct: the first 64 distinct kept");
	if (f && f->n_entries == 1 && f->entries[0].n_tags == 64)
		ok(!strcmp(f->entries[0].tags[0].term, "c0") && !strcmp(f->entries[0].tags[63].term, "c63"),
		   "categories kept in document order, repeats dropped");
	feed_free(f);
	free(doc);
	free(cats);
}

/* One entity of 50 KB, referenced 4,000 times (a document of 62 KB): the
 * budget counted each entity's expansion once, not each use, and the
 * item's text came to 200 MB (the daemon took 4.4 GB and 17 s storing
 * it; 10 references in each of 4,000 items, 104 s).  Every use counts:
 * the text stops at the budget, the document is bozo, and the items after
 * it are read. */
static void test_entity_reused(void)
{
	enum { ENT = 50000, REFS = 4000 };
	size_t n = ENT + REFS * 3 + 512;
	char *doc = malloc(n), *p = doc, err[256];
	struct feed *f = NULL;

	p += sprintf(p, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY e \"");
	memset(p, 'x', ENT);
	p += ENT;
	p += sprintf(p, "\">]>\n<rss version=\"2.0\"><channel><title>t</title>"
	             "<item><title>a</title><description>");
	for (int i = 0; i < REFS; i++)
		p += sprintf(p, "&e;");
	sprintf(p, "</description></item><item><title>b</title><description>ok</description>"
	        "</item></channel></rss>");
	is_int(feed_parse(doc, strlen(doc), NULL, &f, err, sizeof err), 0, "reused entity: parsed");
	if (f && f->n_entries == 2) {
		ok(f->entries[0].text && strlen(f->entries[0].text) <= (1u << 20),
		   "reused entity: the text stops at the 1 MiB budget, not 200 MB");
		is_int(f->bozo, 1, "reused entity: bozo");
		ok(f->bozo_reason && strstr(f->bozo_reason, "expansion exceeds"),
		   "reused entity: the budget is the reason");
		is_str(f->entries[1].text, "ok", "reused entity: the next item survives");
	} else {
		ok(0, "reused entity: two entries");
	}
	feed_free(f);
	free(doc);
}

int main(void)
{
	struct feed *f;
	long rss0 = maxrss_kb();

	f = parse("tests/data/feeds/xxe.xml");
	ok(f != NULL, "xxe: parsed");
	if (f) {
		is_str(f->title.value, "before  after", "xxe: external entity expands to nothing");
		ok(f->n_entries == 1 && !mentions_passwd(f->entries[0].text) &&
		   !mentions_passwd(f->entries[0].html), "xxe: nothing of /etc/passwd in the entry");
		is_int(f->bozo, 1, "xxe: reported as bozo");
		ok(f->bozo_reason && strstr(f->bozo_reason, "external entity"), "xxe: reason names the entity");
		feed_free(f);
	}

	f = parse("tests/data/feeds/laughs.xml");
	ok(f != NULL, "billion laughs: still a feed");
	if (f) {
		is_int(f->bozo, 1, "billion laughs: bozo");
		/* (what bounds its work: no nested expansion at all, so the
		 * time is that of reading the document once) */
		ok(f->bozo_reason && strstr(f->bozo_reason, "entity nesting too deep"),
		   "billion laughs: stopped at the first nested reference");
		ok(f->n_entries == 1 && (!f->entries[0].title_text || strlen(f->entries[0].title_text) < 2000000),
		   "billion laughs: not expanded");
		feed_free(f);
	}

	f = parse("tests/data/feeds/wide_laughs.xml");
	ok(f != NULL, "wide entity bomb: still a feed");
	if (f) {
		is_int(f->bozo, 1, "wide entity bomb: bozo");
		ok(f->bozo_reason && strstr(f->bozo_reason, "expansion"), "wide entity bomb: budget reason");
		is_str(f->entries[0].text, "ok", "wide entity bomb: the rest of the feed survives");
		feed_free(f);
	}
	/* Found by fuzz_feed: entities that expand to nothing grow no byte
	 * budget, and 50^7 references never ended. */
	f = parse("tests/data/feeds/empty_laughs.xml");
	ok(f != NULL, "empty entity bomb: still a feed");
	if (f) {
		is_int(f->bozo, 1, "empty entity bomb: bozo");
		ok(f->bozo_reason && strstr(f->bozo_reason, "16384 references"),
		   "empty entity bomb: stopped by the count of references");
		ok(f->n_entries == 1 && f->entries[0].text && !strcmp(f->entries[0].text, "ok"),
		   "empty entity bomb: the rest of the feed survives");
		feed_free(f);
	}
	test_entity_reused();
	ok(maxrss_kb() - rss0 < 64 * 1024, "entity bombs: memory stays under 64 MB");

	/* 100000 nested elements: refused as malformed, not a stack overflow */
	{
		size_t n = 100000, len = 0;
		char *doc = malloc(n * 7 + 64), *err = malloc(256);
		struct feed *g = NULL;

		len += (size_t)sprintf(doc, "<rss version=\"2.0\"><channel>");
		for (size_t i = 0; i < n; i++)
			len += (size_t)sprintf(doc + len, "<a>");
		feed_parse(doc, len, NULL, &g, err, 256);
		ok(g == NULL || g->bozo, "deep nesting: refused or bozo");
		feed_free(g);
		free(doc);
		free(err);
	}
	test_crowded_tags();
	test_html_duplicate_attributes();
	test_dtd_defaults_ignored();
	test_namespace_scope();
	test_many_categories();
	return done_testing();
}
