/* tests/unit/test_feed_xml.c — the XML stage on small inline documents:
 * HTML entities XML does not declare, internal entities, namespaces by URI
 * not prefix, nested xml:base, xml:lang, text construct types, the older
 * formats (RSS 0.91/0.92, Atom 0.3), and the modules (Dublin Core,
 * content:encoded, atom:link in RSS, Media RSS, iTunes, FeedBurner). */
#include <stdlib.h>
#include <string.h>

#include "feeds/feed.h"
#include "feeds/normalized.h"
#include "tests/unit/tap.h"

static struct feed *P(const char *doc, const char *uri)
{
	struct feed_context ctx = { .uri = uri };
	struct feed *f = NULL;
	char err[128];

	if (feed_parse(doc, strlen(doc), &ctx, &f, err, sizeof err) < 0)
		printf("# %s\n", err);
	return f;
}

static const char *tree_str(const struct fv *d, const char *k)
{
	return fv_get_str(d, k);
}

int main(void)
{
	struct feed *f;

	f = P("<rss version=\"2.0\"><channel><title>caf&eacute; &hellip; &nbsp;x</title></channel></rss>", NULL);
	is_str(f ? f->title.value : NULL, "caf\xc3\xa9 \xe2\x80\xa6 \xc2\xa0x", "undeclared HTML entities resolved");
	is_int(f ? f->bozo : -1, 1, "undeclared entities: bozo");
	feed_free(f);

	/* After a well-formedness error libxml2 (2.9) dropped every entity
	 * reference: "a &lt; b" came out as "a  b". */
	f = P("<rss version=\"2.0\"><channel><item><title>x</titl>"
	      "<description>a &lt; b &amp; c &eacute;</description></item>"
	      "<item><title>&quot;q&quot; &gt; r</title></item></channel></rss>", NULL);
	is_int(f ? f->bozo : -1, 1, "mismatched end tag: bozo");
	is_str(f && f->n_entries > 0 ? f->entries[0].text : NULL, "a < b & c \xc3\xa9",
	       "entity references after the error still resolved");
	is_str(f && f->n_entries > 1 ? f->entries[1].title_text : NULL, "\"q\" > r",
	       "and in the next item");
	feed_free(f);

	f = P("<!DOCTYPE rss [<!ENTITY org \"Example Org\"><!ENTITY full \"&org; News\">]>"
	      "<rss version=\"2.0\"><channel><title>&full;</title><link>http://e/?a=1&b=2</link></channel></rss>", NULL);
	is_str(f ? f->title.value : NULL, "Example Org News", "internal entities, nested, expanded");
	is_str(f ? f->link : NULL, "http://e/?a=1&b=2", "bare ampersand in a URL kept");
	feed_free(f);

	f = P("<x:feed xmlns:x=\"http://www.w3.org/2005/Atom\"><x:title>by URI</x:title>"
	      "<x:entry><x:title>e</x:title><x:id>i</x:id></x:entry></x:feed>", NULL);
	is_str(f ? feed_version_name(f->version) : NULL, "atom10", "Atom with an odd prefix: version");
	is_str(f ? f->title.value : NULL, "by URI", "elements matched by namespace URI");
	feed_free(f);

	f = P("<rss version=\"2.0\" xmlns:dc=\"urn:not-dublin-core\"><channel><item>"
	      "<dc:creator>not an author</dc:creator></item></channel></rss>", NULL);
	ok(f && f->n_entries == 1 && !f->entries[0].author.name, "prefix dc on another URI is not Dublin Core");
	feed_free(f);

	f = P("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"http://x.example/a/\">"
	      "<entry xml:base=\"b/\"><link href=\"c\"/><id>i</id>"
	      "<content type=\"html\" xml:base=\"/root/\">&lt;a href=\"d\"&gt;d&lt;/a&gt;</content>"
	      "</entry></feed>", "http://doc.example/feed");
	is_str(f && f->n_entries ? f->entries[0].link : NULL, "http://x.example/a/b/c", "nested xml:base");
	is_str(f && f->n_entries ? f->entries[0].html : NULL, "<a href=\"http://x.example/root/d\">d</a>",
	       "xml:base applies inside HTML content");
	feed_free(f);

	f = P("<rss version=\"2.0\"><channel><item><link>rel/page</link></item></channel></rss>",
	      "http://doc.example/dir/feed.xml");
	is_str(f && f->n_entries ? f->entries[0].link : NULL, "http://doc.example/dir/rel/page",
	       "document URI is the base");
	feed_free(f);

	f = P("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\"><entry xml:lang=\"de_AT\">"
	      "<title>t</title><id>i</id></entry></feed>", NULL);
	is_str(f && f->n_entries ? f->entries[0].language : NULL, "de-AT", "xml:lang inherited, _ to -");
	feed_free(f);

	f = P("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>i</id>"
	      "<title type=\"text\">a &lt;b&gt; c</title><summary type=\"xhtml\">"
	      "<div xmlns=\"http://www.w3.org/1999/xhtml\">x <b>y</b></div></summary></entry></feed>", NULL);
	is_str(f && f->n_entries ? f->entries[0].title.value : NULL, "a <b> c", "text construct stays text");
	is_str(f && f->n_entries ? f->entries[0].title.type : NULL, "text/plain", "text type");
	is_str(f && f->n_entries ? f->entries[0].summary.type : NULL, "application/xhtml+xml", "xhtml type");
	is_str(f && f->n_entries ? f->entries[0].summary.value : NULL, "x <b>y</b>", "xhtml div unwrapped");
	feed_free(f);

	f = P("<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><title>old</title>"
	      "<entry><title>e</title><issued>2004-01-01T00:00:00Z</issued>"
	      "<content type=\"text/html\" mode=\"base64\">PGI+aGk8L2I+</content></entry></feed>", NULL);
	is_str(f ? feed_version_name(f->version) : NULL, "atom03", "Atom 0.3 version");
	is_str(f && f->n_entries ? f->entries[0].html : NULL, "<b>hi</b>", "Atom 0.3 base64 content");
	is_int(f && f->n_entries ? f->entries[0].published : 0, 1072915200, "Atom 0.3 issued");
	feed_free(f);

	f = P("<rss version=\"0.91\"><channel><title>t</title><item><title>i</title></item></channel></rss>", NULL);
	is_str(f ? feed_version_name(f->version) : NULL, "rss091u", "RSS 0.91");
	feed_free(f);
	f = P("<rss version=\"0.92\"><channel><item><enclosure url=\"http://e/a.mp3\" length=\"12\" "
	      "type=\"audio/mpeg\"/></item></channel></rss>", NULL);
	is_str(f ? feed_version_name(f->version) : NULL, "rss092", "RSS 0.92");
	ok(f && f->n_entries && f->entries[0].n_links == 1 && f->entries[0].links[0].length == 12 &&
	   !strcmp(f->entries[0].links[0].rel, "enclosure"), "RSS enclosure as link rel=enclosure");
	feed_free(f);

	f = P("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
	      "xmlns:media=\"http://search.yahoo.com/mrss/\" "
	      "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">"
	      "<channel><atom:link rel=\"self\" href=\"http://e/feed\"/><link>http://e/</link>"
	      "<itunes:author>Pod Author</itunes:author>"
	      "<item><title>m</title><media:content url=\"http://e/v.mp4\" type=\"video/mp4\"/>"
	      "<media:thumbnail url=\"http://e/t.jpg\"/><itunes:duration>1:00</itunes:duration>"
	      "</item></channel></rss>", NULL);
	ok(f && f->n_links == 2 && !strcmp(f->links[0].rel, "self"), "atom:link in RSS");
	is_str(f ? f->link : NULL, "http://e/", "RSS link still the site link");
	is_str(f ? f->author.name : NULL, "Pod Author", "iTunes author");
	feed_free(f);
	{
		const char *doc = "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><item>"
		                  "<media:content url=\"http://e/v.mp4\"/><media:thumbnail url=\"http://e/t.jpg\"/>"
		                  "</item></channel></rss>";
		struct fv *t = NULL;
		const struct fv *e, *mc, *mt;

		feed_parse_normalized(doc, strlen(doc), NULL, &t);
		e = t ? fv_last(fv_get(t, "entries")) : NULL;
		mc = fv_last(fv_get(e, "media_content"));
		mt = fv_last(fv_get(e, "media_thumbnail"));
		is_str(tree_str(mc, "url"), "http://e/v.mp4", "Media RSS content");
		is_str(tree_str(mt, "url"), "http://e/t.jpg", "Media RSS thumbnail");
		fv_free(t);
	}
	return done_testing();
}
