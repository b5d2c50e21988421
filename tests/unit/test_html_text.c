/* tests/unit/test_html_text.c — html_to_text() copies runs of words and
 * single spaces sixteen bytes at a time (SSE2, feeds/html.c); the text
 * must be the byte-by-byte loop's.  This program compiles its own copy of
 * html.c without SIMD (TIDINGS_NO_SIMD, its functions renamed) beside the
 * library's and compares the two on generated HTML (words, every kind of
 * blank and control byte, U+00A0 and a lone 0xc2, references, tags, at
 * every length around the block size) and on whole files read as HTML
 * (tests/data, and the directories TIDINGS_HTML_DIRS names,
 * colon-separated), with cuts of their first bytes. */
#define TIDINGS_NO_SIMD 1
#define html_sanitize portable_html_sanitize
#define html_resolve portable_html_resolve
#define html_to_text portable_html_to_text
#define html_looks_like portable_html_looks_like
#define html_feed_link portable_html_feed_link
#include "feeds/html.c"
#undef html_sanitize
#undef html_resolve
#undef html_to_text
#undef html_looks_like
#undef html_feed_link

#include <dirent.h>
#include <sys/stat.h>

#include "tests/unit/tap.h"

/* the library's (feeds/html.h was read above, under the other names) */
char *html_to_text(const char *html, size_t n);

static uint64_t rng = 0x853c49e6748fea9bULL;

static unsigned next(unsigned n)
{
	return (unsigned)(tap_xorshift(&rng) % n);
}

static size_t bad;

static void same(const char *s, size_t n, const char *what)
{
	char *a = html_to_text(s, n), *b = portable_html_to_text(s, n);

	if ((!a || !b || strcmp(a, b)) && ++bad <= 5)
		printf("# %s (%zu bytes): '%.60s' vs '%.60s'\n", what, n, a ? a : "(null)",
		       b ? b : "(null)");
	free(a);
	free(b);
}

/* HTML of words and separators chosen to hit every branch */
static size_t generate(char *s, size_t cap)
{
	static const char *const bits[] = {
		"word", "x", "longerwordhere", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", " ", " ",
		" ", "  ", "\t", "\n", "\r\n", "\v", "\f", "\x01", "\x1b[2J", "\x7f", "\xc2\xa0",
		"\xc2", "\xc2\xa9", "&amp;", "&nbsp;", "&#160;", "&#27;", "<p>", "</p>", "<br />",
		"<b>", "</b>", "<script>x</script>", "<div class=\"a  b\">", "</div>", "<", "&",
		"0123456789abcdef", "                ", "a a a a a a a a ",
	};
	size_t n = 0, want = next(200);

	while (n < want) {
		const char *b = bits[next(sizeof bits / sizeof bits[0])];
		size_t l = strlen(b);

		if (n + l >= cap)
			break;
		memcpy(s + n, b, l);
		n += l;
	}
	s[n] = '\0';
	return n;
}

/* One file: its bytes as HTML, and every cut of its first few hundred
 * bytes. */
static int check_file(const char *path, char *buf, size_t len, void *arg)
{
	(void)arg;
	same(buf, len, path);
	for (size_t cut = 0; cut < len && cut < 300; cut += 1 + next(7))
		same(buf + cut, len - cut < 200 ? len - cut : 200, path);
	return 0;
}

int main(void)
{
	char s[4096], name[256];
	const char *dirs = getenv("TIDINGS_HTML_DIRS");
	size_t files;

	for (int i = 0; i < 100000; i++) {
		size_t n = generate(s, sizeof s);

		same(s, n, "generated");
		if (n > 20)
			same(s + next(16), n - 16 - next(4), "generated, cut");
	}
	ok(bad == 0, "html_to_text == the byte loop on 100,000 generated fragments and cuts");
	bad = 0;
	files = tap_walk("tests/data", check_file, NULL);
	if (dirs) {
		char *list = strdup(dirs), *save = NULL;

		for (char *d = list ? strtok_r(list, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save))
			files += tap_walk(d, check_file, NULL);
		free(list);
	}
	snprintf(name, sizeof name, "html_to_text == the byte loop on %zu files and their cuts", files);
	ok(files > 0 && bad == 0, name);
	return done_testing();
}
