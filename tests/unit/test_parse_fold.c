/* tests/unit/test_parse_fold.c — plain text (type="text") is folded as it
 * goes into struct feed: blanks runs become one space, the ends are
 * trimmed, control characters and DEL left out.  feeds/feed.c's fold()
 * copies sixteen bytes at a time where nothing needs folding (SSE2); the
 * result must be the byte loop's.  This compares feed_parse()'s titles
 * and texts with that loop (written out below) on generated Atom entries:
 * words, single and double spaces, tabs, newlines, CR and DEL as
 * references, non-ASCII letters, at every length around the block size
 * and with the blanks at every place in a block. */
#include <ctype.h>

#include "feeds/feed.h"
#include "tests/unit/tap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned next(unsigned n)
{
	return (unsigned)(tap_xorshift(&rng) % n);
}

/* fold() as it was, byte by byte: the oracle. */
static char *ref_fold(const char *s)
{
	char *out = malloc(strlen(s) + 1), *w = out;
	int sp = 0;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			sp = 1;
			continue;
		}
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			continue;
		if (sp && w > out)
			*w++ = ' ';
		sp = 0;
		*w++ = *s;
	}
	*w = '\0';
	return out;
}

struct piece {
	const char *raw, *xml;   /* the text, and as written in the document */
};

/* Mostly what plain text is (words and single spaces), and now and then
 * what must be folded.  No U+00A0: after "\u00e9" it makes text that
 * parse.c's fix_c1() takes for UTF-8 read as ISO-8859-1 and repairs
 * before folding (as feedparser does), which the oracle does not know. */
static const struct piece pieces[] = {
	{ "a", "a" }, { "word", "word" }, { "longerword", "longerword" }, { "x", "x" },
	{ " ", " " }, { " ", " " }, { " ", " " }, { " ", " " },
	{ "  ", "  " }, { "\t", "\t" }, { "\n", "\n" }, { "\r", "&#13;" },
	{ "\x7f", "&#127;" }, { "\xc3\xa9", "\xc3\xa9" }, { "\xe2\x80\x94", "&#8212;" },
	{ "&", "&amp;" }, { "<", "&lt;" }, { " \n ", " \n " },
};

static size_t bad, cases;
static const char *cur_xml;

static void check(const char *got, const char *raw, const char *what)
{
	char *want = ref_fold(raw);

	cases++;
	if ((!got ? *want != '\0' : strcmp(got, want) != 0) && ++bad <= 5)
		printf("# %s: got '%s', want '%s' (%s)\n", what, got ? got : "(null)", want, cur_xml);
	free(want);
}

static void one(const char *raw, const char *xml)
{
	static const char head[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	                           "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>f</title>"
	                           "<entry><id>i</id><title type=\"text\">";
	size_t cap = strlen(xml) * 2 + 256;
	char *doc = malloc(cap), err[128];
	struct feed *f = NULL;
	int n;

	cur_xml = xml;
	n = snprintf(doc, cap, "%s%s</title><summary type=\"text\">%s</summary></entry></feed>",
	                 head, xml, xml);

	if (feed_parse(doc, (size_t)n, NULL, &f, err, sizeof err) < 0 || !f || f->n_entries != 1) {
		if (++bad <= 5)
			printf("# not parsed: %s\n", err);
		cases++;
	} else {
		check(f->entries[0].title_text, raw, "title");
		check(f->entries[0].text, raw, "text");
	}
	feed_free(f);
	free(doc);
}

int main(void)
{
	char raw[2048], xml[8192];

	/* Random mixtures. */
	for (int k = 0; k < 6000; k++) {
		size_t r = 0, x = 0;
		int plain = k % 3 != 0;   /* two in three: words and single spaces only */
		unsigned len = 1 + next(k % 10 == 0 ? 600 : 80);

		while (r < len && r + 16 < sizeof raw && x + 16 < sizeof xml) {
			const struct piece *p = &pieces[plain ? next(8) : next(sizeof pieces / sizeof pieces[0])];
			size_t rl = strlen(p->raw), xl = strlen(p->xml);

			memcpy(raw + r, p->raw, rl);
			memcpy(xml + x, p->xml, xl);
			r += rl;
			x += xl;
		}
		raw[r] = xml[x] = '\0';
		one(raw, xml);
	}
	/* One blank (or two) at every place of the first blocks, in text of
	 * every length up to 80 bytes. */
	static const char *const blanks[][2] = { { " ", " " }, { "  ", "  " }, { "\n", "\n" },
	                                         { "\x7f", "&#127;" } };
	for (size_t len = 1; len <= 80; len++)
		for (size_t at = 0; at < len; at++)
			for (size_t b = 0; b < 4; b++) {
				size_t r = 0, x = 0;

				for (size_t i = 0; i < len; i++) {
					if (i == at) {
						memcpy(raw + r, blanks[b][0], strlen(blanks[b][0]));
						memcpy(xml + x, blanks[b][1], strlen(blanks[b][1]));
						r += strlen(blanks[b][0]);
						x += strlen(blanks[b][1]);
					} else {
						raw[r++] = xml[x++] = (char)('a' + (i * 7 + at) % 26);
					}
				}
				raw[r] = xml[x] = '\0';
				one(raw, xml);
			}
	if (!ok(bad == 0, "plain text: fold() gives the byte loop's text"))
		printf("#   %zu of %zu differ\n", bad, cases);
	printf("# %zu texts\n", cases);
	return done_testing();
}
