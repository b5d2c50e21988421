/* tests/unit/test_feed.c — feed_parse() on one fixture per format (RSS 2.0,
 * Atom 1.0, RSS 1.0): every field the daemon relies on. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/feed.h"
#include "tests/unit/tap.h"

static struct feed *parse_file(const char *path, const char *uri)
{
	struct feed_context ctx = { .uri = uri };
	struct feed *f = NULL;
	char err[256];
	size_t len;
	char *buf = tap_slurp(path, &len);

	if (!buf)
		return NULL;
	if (feed_parse(buf, len, &ctx, &f, err, sizeof err) < 0)
		printf("# %s: %s\n", path, err);
	free(buf);
	return f;
}

static void test_rss20(void)
{
	struct feed *f = parse_file("tests/data/feeds/rss20.xml", "http://news.example.org/rss.xml");
	struct feed_entry *e;

	ok(f != NULL, "rss20: parsed");
	if (!f)
		return;
	is_str(feed_version_name(f->version), "rss20", "rss20: version");
	is_int(f->bozo, 0, "rss20: not bozo");
	is_str(f->title.value, "Tidings test channel", "rss20: feed title");
	is_str(f->link, "http://news.example.org/", "rss20: feed link");
	is_str(f->language, "en-gb", "rss20: feed language");
	is_int(f->ttl, 45, "rss20: ttl");
	is_int(f->update_period, 1800, "rss20: sy:updatePeriod / updateFrequency");
	is_int(f->n_entries, 2, "rss20: two entries");
	if (f->n_entries < 2)
		goto out;
	e = &f->entries[0];
	is_str(e->id, "urn:tidings:test:1", "rss20: guid");
	is_str(e->link, "http://news.example.org/stories/bridge", "rss20: relative link resolved");
	is_str(e->origlink, "http://origin.example.org/bridge", "rss20: feedburner origLink");
	is_str(e->title_text, "Harbour bridge reopens", "rss20: title_text");
	is_int(e->published, 1055217600, "rss20: pubDate RFC 822");
	is_str(e->author.name, "Ada Byron", "rss20: dc:creator");
	is_str(e->text, "The bridge reopened today.", "rss20: text from description");
	ok(e->html && strstr(e->html, "<em>reopened</em>"), "rss20: html from content:encoded");
	ok(e->html && !strstr(e->html, "script") && !strstr(e->html, "steal"), "rss20: script removed");
	ok(e->html && !strstr(e->html, "onerror"), "rss20: event handler removed");
	ok(e->html && strstr(e->html, "src=\"http://news.example.org/img/b.jpg\""),
	   "rss20: relative URL in HTML resolved");
	is_str(e->language, "en-gb", "rss20: entry language from the feed");
	e = &f->entries[1];
	is_str(e->id, "http://news.example.org/s/2", "rss20: permalink guid");
	is_str(e->link, "http://news.example.org/s/2", "rss20: guid acts as link");
	is_int(e->published, 1055341800, "rss20: two-digit year, no seconds, EST");
	is_int(e->updated, FEED_NO_TIME, "rss20: no updated date is FEED_NO_TIME");
out:
	feed_free(f);
}

static void test_atom10(void)
{
	struct feed *f = parse_file("tests/data/feeds/atom10.xml", "http://atom.example.net/feed");
	struct feed_entry *e;

	ok(f != NULL, "atom10: parsed");
	if (!f)
		return;
	is_str(feed_version_name(f->version), "atom10", "atom10: version");
	is_int(f->bozo, 0, "atom10: not bozo");
	is_str(f->title.value, "Journal de test", "atom10: title");
	is_str(f->link, "http://atom.example.net/blog/", "atom10: link via xml:base");
	is_str(f->language, "fr", "atom10: xml:lang");
	is_int(f->updated, 1122812969, "atom10: feed updated RFC 3339");
	is_int(f->n_entries, 1, "atom10: one entry");
	if (f->n_entries < 1)
		goto out;
	e = &f->entries[0];
	is_str(e->id, "tag:atom.example.net,2005:1", "atom10: id");
	is_str(e->link, "http://atom.example.net/blog/posts/1", "atom10: alternate link");
	is_str(e->title_text, "Premier billet", "atom10: html title as text");
	is_int(e->published, 1122706800, "atom10: published with offset");
	is_int(e->updated, 1122812969, "atom10: updated");
	is_str(e->author.name, "Marie Curie", "atom10: author name");
	is_str(e->author.email, "marie@example.net", "atom10: author email");
	is_str(e->text, "Un r\xc3\xa9sum\xc3\xa9.", "atom10: text from summary");
	is_str(e->html, "<p>Le <a href=\"http://atom.example.net/about\">contenu</a>.</p>",
	       "atom10: xhtml content unwrapped, URL resolved");
	is_str(e->language, "fr", "atom10: entry language");
	ok(e->n_links == 2 && e->links[1].length == 1337 &&
	   e->links[1].rel && !strcmp(e->links[1].rel, "enclosure"), "atom10: enclosure link");
out:
	feed_free(f);
}

static void test_rss10(void)
{
	struct feed *f = parse_file("tests/data/feeds/rss10.xml", NULL);
	struct feed_entry *e;

	ok(f != NULL, "rss10: parsed");
	if (!f)
		return;
	is_str(feed_version_name(f->version), "rss10", "rss10: version");
	is_int(f->bozo, 0, "rss10: not bozo");
	is_str(f->title.value, "RDF site summary", "rss10: title");
	is_str(f->link, "http://rdf.example.com/", "rss10: link");
	is_str(f->language, "de", "rss10: dc:language");
	is_int(f->n_entries, 1, "rss10: item outside channel");
	if (f->n_entries < 1)
		goto out;
	e = &f->entries[0];
	is_str(e->id, "http://rdf.example.com/1", "rss10: rdf:about as id");
	is_str(e->link, "http://rdf.example.com/1", "rss10: link");
	is_int(e->updated, 1031228100, "rss10: dc:date");
	is_str(e->author.name, "Hans", "rss10: author name split from e-mail");
	is_str(e->author.email, "hans@example.com", "rss10: author e-mail");
	is_str(e->text, "Kurz und b\xc3\xbc" "ndig.", "rss10: text");
out:
	feed_free(f);
}

/* The plain-text fields go to the database as they are: no control
 * character a terminal would obey survives in them, whether a character
 * reference decoded with the HTML or written raw (DEL); a raw C1 CSI
 * (U+009B) is read as windows-1252, as feedparser reads it. */
static void test_no_controls(void)
{
	const char *doc = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
	                  "<title>Feed &amp;#27;[2J&amp;#155;1mName &amp;amp; Co</title>"
	                  "<item><title>Esc &amp;#27;[31mRed&amp;#7; &lt;b&gt;bold&lt;/b&gt;</title>"
	                  "<description>Line&amp;#27;[0m one \xc2\x9b" "2Jtwo\x7f</description></item>"
	                  "</channel></rss>";
	struct feed *f = NULL;
	char err[128];

	is_int(feed_parse(doc, strlen(doc), NULL, &f, err, sizeof err), 0, "controls: parsed");
	if (!f || f->n_entries != 1)
		return;
	is_str(f->title_text, "Feed [2J\xe2\x80\xba" "1mName & Co",
	       "controls: the feed title decoded, its escape gone");
	is_str(f->entries[0].title_text, "Esc [31mRed bold", "controls: ESC and BEL gone from a title");
	is_str(f->entries[0].text, "Line[0m one \xe2\x80\xba" "2Jtwo",
	       "controls: ESC and DEL gone from the text, a raw CSI read as windows-1252");
	feed_free(f);
}

/* U+00AD soft hyphen is invisible but where a line breaks: the plain
 * text leaves it out, or "Bundes-regierung" would be two words to the
 * search index, the fingerprints and the clusters.  So are the C1
 * controls windows-1252 leaves unmapped (U+009D is a terminal's OSC),
 * from an HTML reference or an XML one in plain text. */
static void test_soft_hyphen_c1(void)
{
	const char *doc = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
	                  "<title>B</title><id>urn:b</id><updated>2024-06-01T00:00:00Z</updated>"
	                  "<entry><id>urn:b:1</id><updated>2024-06-01T00:00:00Z</updated>"
	                  "<title type=\"text\">Die Bundes\xc2\xadregierung &#x9d;]0;plant</title>"
	                  "<summary type=\"html\">&lt;p&gt;Die Bundes&amp;shy;regierung&amp;#x9d;]0;x"
	                  " \xc2\xa9 2024&lt;/p&gt;</summary></entry></feed>";
	struct feed *f = NULL;
	char err[128];

	is_int(feed_parse(doc, strlen(doc), NULL, &f, err, sizeof err), 0, "soft hyphen: parsed");
	if (f && f->n_entries == 1) {
		is_str(f->entries[0].title_text, "Die Bundesregierung ]0;plant",
		       "soft hyphen and C1 control gone from a plain-text title");
		is_str(f->entries[0].text, "Die Bundesregierung]0;x \xc2\xa9 2024",
		       "soft hyphen and C1 control gone from the text of HTML");
	}
	feed_free(f);
}

/* An entry with a content but no summary (an Atom entry with only
 * <content type="html">, an RSS item with only content:encoded): the
 * summary feedparser makes of that content is HTML, so the entry's text
 * is the content's text, not its markup; and its language is the
 * content's. */
static void test_content_only(void)
{
	const char *doc = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"de\">"
	                  "<title>Blog</title><id>urn:b</id><updated>2024-06-01T00:00:00Z</updated>"
	                  "<entry xml:lang=\"en\"><id>urn:b:1</id><updated>2024-06-01T00:00:00Z</updated>"
	                  "<content type=\"html\">&lt;p&gt;Bug &lt;b&gt;fixes&lt;/b&gt; &amp;amp; speed.&lt;/p&gt;"
	                  "</content></entry></feed>";
	const char *rss = "<?xml version=\"1.0\"?><rss version=\"2.0\" "
	                  "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>C</title>"
	                  "<item><title>Story</title><content:encoded><![CDATA[<p>Bug <b>fixes</b> &amp; "
	                  "speed.</p>]]></content:encoded></item></channel></rss>";
	struct feed *f = NULL;
	char err[128];

	is_int(feed_parse(doc, strlen(doc), NULL, &f, err, sizeof err), 0, "content only: Atom parsed");
	if (f && f->n_entries == 1) {
		is_str(f->entries[0].text, "Bug fixes & speed.", "content only: Atom text without markup");
		is_str(f->entries[0].summary.type, "text/html", "content only: Atom summary is HTML");
		is_str(f->entries[0].language, "en", "content only: Atom language from the content's xml:lang");
		ok(f->entries[0].html && strstr(f->entries[0].html, "<b>fixes</b>"),
		   "content only: Atom html keeps the markup");
	}
	feed_free(f);
	f = NULL;
	is_int(feed_parse(rss, strlen(rss), NULL, &f, err, sizeof err), 0, "content only: RSS parsed");
	if (f && f->n_entries == 1)
		is_str(f->entries[0].text, "Bug fixes & speed.", "content only: content:encoded text without markup");
	feed_free(f);
}

/* A summary with no text in it beside the full text: the text is the
 * content's (the story's summary, what search and clustering read). */
static void test_textless_summary(void)
{
	static const char rss[] =
		"<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
		"<title>News</title>"
		"<item><title>Bridge</title><description><![CDATA[<img src='https://news.example/1.jpg'/>]]>"
		"</description><content:encoded><![CDATA[<p>The bridge <b>reopened</b>.</p>]]>"
		"</content:encoded></item>"
		"<item><title>Ferry</title><description></description>"
		"<content:encoded>Fares rise.</content:encoded></item>"
		"<item><title>Roads</title><description>Road works.</description>"
		"<content:encoded>The full story of the road works.</content:encoded></item>"
		"</channel></rss>";
	static const char atom[] =
		"<feed xmlns='http://www.w3.org/2005/Atom'><title>Blog</title>"
		"<entry><title>Post</title><id>urn:p</id><summary>  </summary>"
		"<content type='html'>&lt;p&gt;Full text.&lt;/p&gt;</content></entry></feed>";
	struct feed *f = NULL;
	char err[128];

	ok(feed_parse(rss, sizeof rss - 1, NULL, &f, err, sizeof err) == 0 && f && f->n_entries == 3,
	   "textless summary: RSS parsed");
	if (f && f->n_entries == 3) {
		is_str(f->entries[0].text, "The bridge reopened.",
		       "textless summary: a description that is only a picture gives way to the content");
		is_str(f->entries[1].text, "Fares rise.",
		       "textless summary: an empty description gives way to the content");
		is_str(f->entries[2].text, "Road works.", "textless summary: a summary with text stays");
		ok(f->entries[0].html && strstr(f->entries[0].html, "<b>reopened</b>"),
		   "textless summary: the HTML is the content's, as before");
	}
	feed_free(f);
	f = NULL;
	ok(feed_parse(atom, sizeof atom - 1, NULL, &f, err, sizeof err) == 0 && f && f->n_entries == 1,
	   "textless summary: Atom parsed");
	if (f && f->n_entries == 1)
		is_str(f->entries[0].text, "Full text.", "textless summary: a blank Atom summary gives way to the content");
	feed_free(f);
}

/* An item's <image> has a <title> of its own (feedparser's node
 * precedence cases): the item keeps its headline whichever comes first,
 * in the title the daemon stores as in parse --json's `title`. */
static void test_nested_title(void)
{
	static const char rss[] =
		"<rss version='2.0'><channel><title>News</title>"
		"<item><title>Harbour bridge reopens</title><link>https://news.example/1</link>"
		"<image><url>https://news.example/1.jpg</url><title>Photo: the bridge</title></image></item>"
		"<item><image><url>https://news.example/2.jpg</url><title>Photo: the ferry</title></image>"
		"<title>Ferry fares rise</title><link>https://news.example/2</link></item>"
		"</channel></rss>";
	struct feed *f = NULL;
	char err[128];

	ok(feed_parse(rss, sizeof rss - 1, NULL, &f, err, sizeof err) == 0 && f && f->n_entries == 2,
	   "nested title: parsed");
	if (f && f->n_entries == 2) {
		is_str(f->entries[0].title_text, "Harbour bridge reopens",
		       "nested title: an <image><title> after the item's does not replace it");
		is_str(f->entries[0].title.value, "Harbour bridge reopens",
		       "nested title: nor its title detail");
		is_str(f->entries[1].title_text, "Ferry fares rise",
		       "nested title: one before it gives way to it");
	}
	feed_free(f);
}

static void test_not_a_feed(void)
{
	struct feed *f = (struct feed *)1;
	char err[128];
	const char *html = "<html><body><p>hello</p></body></html>";

	is_int(feed_parse("", 0, NULL, &f, err, sizeof err), -1, "empty input refused");
	ok(f == NULL, "empty input: no feed");
	is_int(feed_parse(html, strlen(html), NULL, &f, err, sizeof err), -1, "HTML page refused");
	ok(strstr(err, "not a feed") != NULL, "HTML page: reason given");
}

/* feed_parse() from several threads at once gives every thread the same
 * result (shared tables are built once, each parse has its own arena) */
struct job { char *buf; size_t len; int same; };

static void *worker(void *arg)
{
	struct job *j = arg;

	j->same = 1;
	for (int i = 0; i < 50; i++) {
		struct feed *f = NULL;
		char err[64];

		if (feed_parse(j->buf, j->len, NULL, &f, err, sizeof err) < 0 || f->n_entries != 2 ||
		    strcmp(f->entries[0].title_text, "Harbour bridge reopens") != 0)
			j->same = 0;
		feed_free(f);
	}
	return NULL;
}

static void test_threads(void)
{
	struct job jobs[4];
	pthread_t t[4];
	size_t len;
	char *buf = tap_slurp("tests/data/feeds/rss20.xml", &len);
	int same = 1;

	for (int i = 0; i < 4; i++) {
		jobs[i].buf = buf;
		jobs[i].len = len;
		pthread_create(&t[i], NULL, worker, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		same &= jobs[i].same;
	}
	ok(buf && same, "four threads parsing at once agree");
	free(buf);
}

/* A feed outlives the thread that parsed it (the daemon parses on a
 * worker and stores elsewhere): the thread's spare arena blocks, freed at
 * its exit, must not include any the feed still uses (ASan in unit-san). */
struct handoff { char *buf; size_t len; struct feed *f[3]; };

static void *parse_and_keep(void *arg)
{
	struct handoff *h = arg;
	char err[64];

	for (int i = 0; i < 3; i++) {
		struct feed *tmp = NULL;

		/* a parse and free first, so that the thread has spare blocks
		 * that the next parse takes */
		if (feed_parse(h->buf, h->len, NULL, &tmp, err, sizeof err) == 0)
			feed_free(tmp);
		if (feed_parse(h->buf, h->len, NULL, &h->f[i], err, sizeof err) < 0)
			h->f[i] = NULL;
	}
	return NULL;
}

static void test_feed_outlives_thread(void)
{
	struct handoff h = { 0 };
	pthread_t t;
	int good = 1;

	h.buf = tap_slurp("tests/data/feeds/rss20.xml", &h.len);
	pthread_create(&t, NULL, parse_and_keep, &h);
	pthread_join(t, NULL);
	for (int i = 0; i < 3; i++) {
		good &= h.f[i] && h.f[i]->n_entries == 2 &&
		        !strcmp(h.f[i]->entries[1].title_text, h.f[0]->entries[1].title_text);
	}
	ok(h.buf && good, "feeds parsed on an ended thread are intact");
	for (int i = 0; i < 3; i++)
		feed_free(h.f[i]);
	free(h.buf);
}

/* An aggregator's items name where they come from: RSS <source url>
 * (Google News's publisher), Atom <source> (a planet's original blog). */
static void test_source(void)
{
	static const char rss[] =
		"<rss version='2.0'><channel><title>News</title><link>https://agg.example/</link>"
		"<item><title>Xi and Trump talk - Wire</title>"
		"<link>https://agg.example/articles/1</link>"
		"<source url='https://www.wire.example'>Wire</source></item>"
		"<item><title>No source</title><link>https://agg.example/articles/2</link></item>"
		"</channel></rss>";
	static const char atom[] =
		"<feed xmlns='http://www.w3.org/2005/Atom'><title>Planet</title><id>urn:p</id>"
		"<entry><title>Post</title><id>urn:e</id><link href='https://blog.example/post'/>"
		"<source><title>A blog</title><id>urn:b</id>"
		"<link rel='self' href='https://blog.example/feed.atom'/>"
		"<link rel='alternate' href='https://blog.example/'/></source></entry></feed>";
	struct feed_context ctx = { .uri = "https://agg.example/feed" };
	struct feed *f = NULL;
	char err[256];

	ok(feed_parse(rss, sizeof rss - 1, &ctx, &f, err, sizeof err) == 0 && f && f->n_entries == 2,
	   "source: RSS parsed");
	if (f && f->n_entries == 2) {
		is_str(f->entries[0].source_link, "https://www.wire.example", "source: RSS <source url>");
		is_str(f->entries[0].source_title, "Wire", "source: RSS <source>'s text");
		ok(f->entries[1].source_link == NULL, "source: none named, NULL");
	}
	feed_free(f);
	f = NULL;
	ok(feed_parse(atom, sizeof atom - 1, &ctx, &f, err, sizeof err) == 0 && f && f->n_entries == 1,
	   "source: Atom parsed");
	if (f && f->n_entries == 1) {
		is_str(f->entries[0].source_link, "https://blog.example/",
		       "source: Atom <source>'s alternate link, not its self link");
		is_str(f->entries[0].source_title, "A blog", "source: Atom <source>'s title");
	}
	feed_free(f);
}

/* An entry's picture, as news feeds name one. */
static void test_image(void)
{
	static const char rss[] =
		"<rss version='2.0' xmlns:media='http://search.yahoo.com/mrss/'><channel>"
		"<title>News</title><link>https://news.example/</link>"
		/* the BBC's: a thumbnail */
		"<item><title>1</title><link>https://news.example/1</link>"
		"<media:thumbnail width='240' height='135' url='https://img.example/1.jpg'/></item>"
		/* the Guardian's: media:content of medium image, thumbnail after */
		"<item><title>2</title><link>https://news.example/2</link>"
		"<media:content width='140' url='https://img.example/2-140.jpg' medium='image'/>"
		"<media:content width='460' url='https://img.example/2-460.jpg' medium='image'/></item>"
		/* a video first, then the picture (by type), in a media:group */
		"<item><title>3</title><link>https://news.example/3</link><media:group>"
		"<media:content url='https://vid.example/3.mp4' type='video/mp4'/>"
		"<media:content url='https://img.example/3.png' type='image/png'/></media:group></item>"
		/* no medium or type: by the name's extension */
		"<item><title>4</title><link>https://news.example/4</link>"
		"<media:content url='https://img.example/4.JPEG?w=600'/>"
		"<media:content url='https://img.example/4b'/></item>"
		/* RSS 2.0's own: an image enclosure (a podcast's audio is none) */
		"<item><title>5</title><link>https://news.example/5</link>"
		"<enclosure url='https://cdn.example/5.mp3' type='audio/mpeg' length='1'/>"
		"<enclosure url='https://cdn.example/5.webp' type='image/webp' length='2'/></item>"
		/* none: no picture, a data: thumbnail, an audio enclosure */
		"<item><title>6</title><link>https://news.example/6</link>"
		"<media:thumbnail url='data:image/png;base64,AAAA'/>"
		"<enclosure url='https://cdn.example/6.mp3' type='audio/mpeg'/></item>"
		"</channel></rss>";
	static const char *const want[] = {
		"https://img.example/1.jpg", "https://img.example/2-140.jpg",
		"https://img.example/3.png", "https://img.example/4.JPEG?w=600",
		"https://cdn.example/5.webp", NULL,
	};
	struct feed_context ctx = { .uri = "https://news.example/feed" };
	struct feed *f = NULL;
	char err[256];

	ok(feed_parse(rss, sizeof rss - 1, &ctx, &f, err, sizeof err) == 0 && f &&
	   f->n_entries == 6, "image: parsed");
	for (size_t i = 0; f && i < f->n_entries && i < 6; i++) {
		char what[64];

		snprintf(what, sizeof what, "image: item %zu", i + 1);
		is_str(f->entries[i].image, want[i], what);
	}
	feed_free(f);
}

/* A relative guid: id resolved against the document's URL (feedparser's
 * way), id_written as the feed wrote it, what the item is known by
 * wherever the feed is read from.  Absolute guids and those that say
 * isPermaLink="false" (left as they are) have no id_written, nor has
 * one under an xml:base of its own (the feed's URL does not change it). */
static void test_id_written(void)
{
	static const char rss[] =
		"<rss version='2.0'><channel><title>News</title><link>https://news.example/</link>"
		"<item><title>1</title><guid> 1002 </guid></item>"
		"<item><title>2</title><guid>/news/1003</guid><link>https://news.example/3</link></item>"
		"<item><title>3</title><guid isPermaLink='false'>1004</guid></item>"
		"<item><title>4</title><guid>https://news.example/5</guid></item>"
		"<item><title>5</title><guid>tag:news.example,2026:6</guid></item>"
		/* an aggregator's items, each under its blog's xml:base: the
		 * same guid as written, two items (as written, one key) */
		"<item xml:base='http://alice.example/'><title>6</title><guid>2026/hello</guid></item>"
		"<item xml:base='http://bob.example/'><title>7</title><guid>2026/hello</guid></item>"
		"</channel></rss>";
	static const char *const id[] = {
		"https://news.example/a/1002", "https://news.example/news/1003", "1004",
		"https://news.example/5", "tag:news.example,2026:6",
		"http://alice.example/2026/hello", "http://bob.example/2026/hello",
	};
	static const char *const written[] = { "1002", "/news/1003", NULL, NULL, NULL, NULL, NULL };
	struct feed_context ctx = { .uri = "https://news.example/a/feed" };
	struct feed *f = NULL;
	char err[256];

	ok(feed_parse(rss, sizeof rss - 1, &ctx, &f, err, sizeof err) == 0 && f &&
	   f->n_entries == 7, "id_written: parsed");
	for (size_t i = 0; f && i < f->n_entries && i < 7; i++) {
		char what[64];

		snprintf(what, sizeof what, "id_written: item %zu id", i + 1);
		is_str(f->entries[i].id, id[i], what);
		snprintf(what, sizeof what, "id_written: item %zu as written", i + 1);
		is_str(f->entries[i].id_written, written[i], what);
	}
	feed_free(f);

	/* An xml:base around all the items (the feed's, as WordPress writes
	 * it) is no item's own: the guid is still kept as written. */
	static const char based[] =
		"<rss version='2.0'><channel xml:base='https://news.example/blog/'><title>News</title>"
		"<item><title>1</title><guid>1002</guid></item></channel></rss>";
	f = NULL;
	ok(feed_parse(based, sizeof based - 1, &ctx, &f, err, sizeof err) == 0 && f &&
	   f->n_entries == 1, "id_written: a feed's xml:base: parsed");
	is_str(f && f->n_entries == 1 ? f->entries[0].id : NULL, "https://news.example/blog/1002",
	       "id_written: a feed's xml:base: id");
	is_str(f && f->n_entries == 1 ? f->entries[0].id_written : NULL, "1002",
	       "id_written: a feed's xml:base: as written");
	feed_free(f);
}

/* The entry's language against the HTTP Content-Language, which
 * feedparser puts in scope for the texts as if it were an xml:lang: the
 * document's own word wins (a German RSS channel from a server saying
 * "en" had every item stored as English and stemmed so); the header is
 * the language only where the document names none. */
static void test_lang_http(void)
{
	static const char rss[] =
		"<rss version='2.0'><channel><title>Nachrichten</title><language>de-DE</language>"
		"<item><title>Eins</title><description>Text</description></item>"
		"<item xml:lang='fr'><title>Deux</title></item>"
		"<item xmlns:dc='http://purl.org/dc/elements/1.1/'><title>Three</title>"
		"<dc:language>en-GB</dc:language></item>"
		"<item><description>Nur Text</description></item>"
		"</channel></rss>";
	static const char bare[] =
		"<rss version='2.0'><channel><title>News</title><item><title>One</title></item></channel></rss>";
	static const char empty[] =
		"<rss version='2.0'><channel><title>News</title><language></language>"
		"<item><title>One</title></item></channel></rss>";
	static const char atom[] =
		"<feed xmlns='http://www.w3.org/2005/Atom' xml:lang='nl'><title>Nieuws</title>"
		"<entry><title>Een</title><id>urn:a:1</id></entry></feed>";
	static const char *const want[] = { "de-DE", "fr", "en-GB", "de-DE" };
	struct feed_context ctx = { .uri = "https://news.example/feed", .content_language = "en_US" };
	struct feed *f = NULL;
	char err[256];

	ok(feed_parse(rss, sizeof rss - 1, &ctx, &f, err, sizeof err) == 0 && f &&
	   f->n_entries == 4, "lang_http: parsed");
	for (size_t i = 0; f && i < f->n_entries && i < 4; i++) {
		char what[64];

		snprintf(what, sizeof what, "lang_http: item %zu: the document's language", i + 1);
		is_str(f->entries[i].language, want[i], what);
	}
	if (f && f->n_entries)
		is_str(f->entries[0].title.language, "en-US", "lang_http: title_detail keeps feedparser's");
	feed_free(f);
	f = NULL;
	ok(feed_parse(bare, sizeof bare - 1, &ctx, &f, err, sizeof err) == 0 && f && f->n_entries == 1 &&
	   f->entries[0].language && !strcmp(f->entries[0].language, "en-US"),
	   "lang_http: no language in the document: the header's");
	feed_free(f);
	f = NULL;
	ok(feed_parse(empty, sizeof empty - 1, &ctx, &f, err, sizeof err) == 0 && f && f->n_entries == 1 &&
	   f->entries[0].language && !strcmp(f->entries[0].language, "en-US"),
	   "lang_http: an empty <language>: the header's");
	feed_free(f);
	f = NULL;
	ok(feed_parse(atom, sizeof atom - 1, &ctx, &f, err, sizeof err) == 0 && f && f->n_entries == 1 &&
	   f->entries[0].language && !strcmp(f->entries[0].language, "nl"),
	   "lang_http: an Atom feed's xml:lang");
	feed_free(f);
}

int main(void)
{
	test_lang_http();
	test_image();
	test_id_written();
	test_source();
	test_rss20();
	test_atom10();
	test_rss10();
	test_not_a_feed();
	test_no_controls();
	test_soft_hyphen_c1();
	test_content_only();
	test_textless_summary();
	test_nested_title();
	test_threads();
	test_feed_outlives_thread();
	return done_testing();
}
