/* tests/unit/test_feed_stream.c — feed_parse() converts each entry as
 * soon as it ends and drops its part of the parse tree; the struct feed
 * must be the one converted from the whole tree (feed_parse_whole, the
 * old path) for every input.  Compared field by field on documents made
 * for the awkward cases (what the end of a document tells, an entry in
 * an entry, feed-level elements inside an entry), on tests/data, and on
 * the feedparser and gofeed corpora when ../shared has them
 * (TIDINGS_SHARED overrides; TIDINGS_STREAM_DIRS adds directories,
 * colon-separated, TIDINGS_STREAM_MAX caps the files per directory). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "feeds/feed.h"
#include "tests/unit/feed_same.h"
#include "tests/unit/tap.h"

static struct feed *parse_str(const char *doc, const struct feed_context *ctx)
{
	struct feed *f = NULL;
	char err[256];

	if (feed_parse(doc, strlen(doc), ctx, &f, err, sizeof err) < 0)
		printf("# %s\n", err);
	return f;
}

/* The cases the streamed conversion must get right by design. */
static void test_cases(void)
{
	static const struct { const char *name, *doc; } cases[] = {
		{ "language after the items",
		  "<rss version='2.0'><channel><title>t</title>"
		  "<item><title>a</title></item>"
		  "<item><title>b</title><dc:language xmlns:dc='http://purl.org/dc/elements/1.1/'>de"
		  "</dc:language></item>"
		  "<language>fr</language></channel></rss>" },
		{ "an item in an item",
		  "<rss version='2.0'><channel><item><title>outer</title><item><title>inner</title>"
		  "<description>d</description></item><link>http://x.example/after</link>"
		  "<title>late</title></item><item><title>next</title></item></channel></rss>" },
		{ "an item left open",
		  "<rss version='2.0'><channel><item><title>a</title></item><item><title>b</title>"
		  "<description>open &amp; unclosed" },
		{ "source, image, textinput in items",
		  "<rss version='2.0'><channel><title>t</title>"
		  "<item><title>a</title><source url='http://s.example/feed'>Src A</source></item>"
		  "<item><image><url>http://i.example/x.png</url><title>img in item</title>"
		  "<link>http://i.example/</link></image><title>b</title></item>"
		  "<item><textInput><title>ti</title><link>http://t.example/</link></textInput>"
		  "<title>c</title><source url='http://s.example/2'>Src B</source></item>"
		  "<image><url>http://i.example/feed.png</url><title>feed img</title></image>"
		  "</channel></rss>" },
		{ "namespaces and xml:lang declared in entries",
		  "<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>"
		  "<entry xmlns:media='http://search.yahoo.com/mrss/' xml:lang='en'><title>a</title>"
		  "<media:title>m</media:title><id>urn:a</id></entry>"
		  "<entry xmlns:dc='http://purl.org/dc/elements/1.1/'><title xml:lang='pt'>b</title>"
		  "<dc:creator>someone</dc:creator><id>urn:b</id>"
		  "<feed xml:lang='it'><title>feed in an entry</title></feed></entry>"
		  "<entry><title>c</title><id>urn:c</id></entry></feed>" },
		{ "RSS 1.0, items after the channel",
		  "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
		  "xmlns='http://purl.org/rss/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
		  "<channel rdf:about='http://x.example/'><title>t</title><link>http://x.example/</link>"
		  "</channel><item rdf:about='http://x.example/1'><title>one</title>"
		  "<link>http://x.example/1</link></item><item rdf:about='http://x.example/2'>"
		  "<title>two</title><link>http://x.example/2</link></item>"
		  "<dc:language>nl</dc:language></rdf:RDF>" },
	};
	struct feed_context ctx = { .uri = "http://feeds.example.org/path/feed.xml" };
	char name[128];
	struct feed *f;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(name, sizeof name, "streamed == whole: %s", cases[i].name);
		if (!ok(agree(cases[i].doc, strlen(cases[i].doc), &ctx), name))
			printf("#   %s\n", diff);
	}

	/* what the old path gave, spelled out for the first cases */
	f = parse_str(cases[0].doc, &ctx);
	ok(f && f->n_entries == 2, "language after the items: 2 entries");
	if (f && f->n_entries == 2) {
		is_str(f->language, "fr", "language after the items: feed language");
		is_str(f->entries[0].language, "fr", "entry without one gets the feed's");
		is_str(f->entries[1].language, "de", "entry's own dc:language kept");
	}
	feed_free(f);
	f = parse_str(cases[1].doc, &ctx);
	ok(f && f->n_entries == 3, "an item in an item: 3 entries");
	if (f && f->n_entries == 3) {
		is_str(f->entries[0].title.value, "outer", "the outer item ends where the inner begins");
		is_str(f->entries[1].title.value, "inner", "the inner item");
		is_str(f->entries[2].title.value, "next", "the next item");
	}
	feed_free(f);
	f = parse_str(cases[2].doc, &ctx);
	ok(f && f->n_entries == 2 && f->bozo, "an item left open: kept, bozo");
	if (f && f->n_entries == 2)
		is_str(f->entries[1].title.value, "b", "an item left open: its title");
	feed_free(f);
	f = parse_str(cases[3].doc, &ctx);
	ok(f && f->n_entries == 3, "source in items: 3 entries");
	if (f && f->n_entries == 3)
		is_str(f->entries[1].title.value, "b", "image in an item: the item's title");
	feed_free(f);
}

/* Entries of every size: one of many distinct keys (a dict with an
 * index on the heap), one bigger than an arena block, and enough of
 * them for the entries array to grow many times. */
static void test_sizes(void)
{
	struct feed_context ctx = { .uri = "http://feeds.example.org/", .content_language = "en_GB" };
	size_t cap = 4 << 20, n = 0;
	char *doc = malloc(cap);
	struct feed *f;

	if (!doc) {
		ok(0, "sizes: memory");
		return;
	}
	n += (size_t)snprintf(doc + n, cap - n, "<rss version='2.0'><channel><title>big</title>");
	n += (size_t)snprintf(doc + n, cap - n, "<item><title>keys</title>");
	for (int k = 0; k < 200; k++)
		n += (size_t)snprintf(doc + n, cap - n, "<x%d>v</x%d>", k, k);
	n += (size_t)snprintf(doc + n, cap - n, "</item><item><title>long</title><description>");
	for (int k = 0; k < 20000; k++)
		n += (size_t)snprintf(doc + n, cap - n, "word%d ", k);
	n += (size_t)snprintf(doc + n, cap - n, "</description></item>");
	for (int k = 0; k < 3000; k++)
		n += (size_t)snprintf(doc + n, cap - n,
		                      "<item><title>t%d</title><link>/p/%d</link><guid>g%d</guid>"
		                      "<category>c</category><pubDate>Mon, 02 Jan 2006 15:04:05 GMT"
		                      "</pubDate></item>", k, k, k);
	n += (size_t)snprintf(doc + n, cap - n, "</channel></rss>");
	if (!ok(agree(doc, n, &ctx), "streamed == whole: 3,002 entries, one of 200 keys, one long"))
		printf("#   %s\n", diff);
	f = parse_str(doc, &ctx);
	ok(f && f->n_entries == 3002, "sizes: every entry");
	if (f && f->n_entries == 3002) {
		is_str(f->entries[3001].link, "http://feeds.example.org/p/2999", "sizes: last link");
		is_str(f->entries[3001].language, "en-GB", "sizes: Content-Language for the entries");
		ok(f->entries[1].text && strlen(f->entries[1].text) > 100000, "sizes: long text whole");
	}
	feed_free(f);

	/* max_entries: the first ones kept, the rest counted; both paths. */
	ctx.max_entries = 10;
	if (!ok(agree(doc, n, &ctx), "streamed == whole with max_entries 10"))
		printf("#   %s\n", diff);
	f = parse_str(doc, &ctx);
	ok(f && f->n_entries == 10 && f->n_entries_over == 2992,
	   "max_entries 10: 10 entries kept, 2,992 counted and dropped");
	if (f && f->n_entries == 10) {
		is_str(f->entries[0].title.value, "keys", "max_entries: the first entry kept");
		is_str(f->entries[9].link, "http://feeds.example.org/p/7", "max_entries: the tenth");
	}
	feed_free(f);
	free(doc);
}

struct walk {
	size_t max, bad, seen;
};

/* One file: streamed and whole must agree; stops after max files. */
static int check_file(const char *path, char *buf, size_t len, void *arg)
{
	struct walk *w = arg;
	/* every other file with an HTTP Content-Language: the feed
	 * language the entries fall back to */
	struct feed_context ctx = {
		.uri = "http://feeds.example.org/dir/feed.xml",
		.content_language = w->seen % 2 ? "de-AT" : NULL,
	};

	w->seen++;
	if (len && !agree(buf, len, &ctx) && ++w->bad <= 5)
		printf("# %s: %s\n", path, diff);
	return w->max && w->seen >= w->max;
}

static void test_dir(const char *dir, size_t max, int required)
{
	struct walk w = { .max = max };
	char name[600];
	size_t files;

	if (!tap_dir_present(dir, required))
		return;
	files = tap_walk(dir, check_file, &w);
	snprintf(name, sizeof name, "streamed == whole on %zu files of %s", files, dir);
	ok(files > 0 && w.bad == 0, name);
	if (w.bad)
		printf("#   %zu differ\n", w.bad);
}

int main(void)
{
	const char *shared = getenv("TIDINGS_SHARED") ? getenv("TIDINGS_SHARED") : "../shared";
	const char *extra = getenv("TIDINGS_STREAM_DIRS");
	size_t max = getenv("TIDINGS_STREAM_MAX") ? strtoul(getenv("TIDINGS_STREAM_MAX"), NULL, 10) : 0;
	char path[1024];

	test_cases();
	test_sizes();
	test_dir("tests/data", 0, 1);
	snprintf(path, sizeof path, "%s/corpora/feedparser", shared);
	test_dir(path, 0, 0);
	snprintf(path, sizeof path, "%s/corpora/gofeed", shared);
	test_dir(path, 0, 0);
	if (extra) {
		char *list = strdup(extra), *save = NULL;

		for (char *d = list ? strtok_r(list, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save))
			test_dir(d, max, 1);
		free(list);
	}
	return done_testing();
}
