/* feeds/prescan.c — byte-level passes over a feed document before libxml2
 * reads it: bare ampersands escaped (feedparser keeps them as text), and
 * documents that would keep libxml2 2.9 busy for minutes refused.  Both
 * skip what libxml2 reads no markup in: comments, CDATA sections and
 * processing instructions. */
#include "feeds/prescan.h"
#include "feeds/sbuf.h"

#if defined(__SSE2__) && defined(__x86_64__) && !defined(TIDINGS_NO_SIMD)
#include <emmintrin.h>
#endif
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* An XML name byte as the pre-passes see it: ASCII letters and digits,
 * '_', '-', '.', ':' and every byte of a non-ASCII character (no locale
 * tables: they are on the scan's hot path). */
static inline int name_char(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26 || (unsigned char)(c - '0') < 10 ||
	       c == '_' || c == '-' || c == '.' || c == ':' || c >= 0x80;
}

/* Length of a well-formed reference at s ("&name;", "&#123;", "&#x1f;"),
 * 0 when s starts none.  *upper_x: a "&#X" reference (not XML). */
static size_t ref_len(const char *s, const char *end, int *upper_x)
{
	const char *q = s + 1;

	*upper_x = 0;
	if (q < end && *q == '#') {
		q++;
		if (q < end && (*q == 'x' || *q == 'X')) {
			*upper_x = *q == 'X';
			q++;
			const char *d = q;

			while (q < end && isxdigit((unsigned char)*q))
				q++;
			if (q == d)
				return 0;
		} else {
			const char *d = q;

			while (q < end && isdigit((unsigned char)*q))
				q++;
			if (q == d)
				return 0;
		}
	} else {
		const char *d = q;

		if (q >= end || !(isalpha((unsigned char)*q) || *q == '_' || (unsigned char)*q >= 0x80))
			return 0;
		while (q < end && name_char((unsigned char)*q))
			q++;
		if (q == d)
			return 0;
	}
	return q < end && *q == ';' ? (size_t)(q - s + 1) : 0;
}

const char *prescan_find_close(const char *s, const char *end, const char *close)
{
	size_t cl = strlen(close);

	while ((size_t)(end - s) >= cl) {
		const char *c = memchr(s, close[0], (size_t)(end - s) - (cl - 1));

		if (!c)
			return NULL;
		if (!memcmp(c, close, cl))
			return c;
		s = c + 1;
	}
	return NULL;
}

/* Past the comment, CDATA section or processing instruction that opens at
 * lt (end when it never closes), or NULL when none opens there: libxml2
 * reads no markup inside them, so the pre-passes skip them too. */
static const char *skip_construct(const char *lt, const char *end)
{
	static const struct { const char *open, *close; } skip[] = {
		{ "<![CDATA[", "]]>" }, { "<!--", "-->" }, { "<?", "?>" },
	};

	for (size_t k = 0; k < sizeof skip / sizeof skip[0]; k++) {
		size_t ol = strlen(skip[k].open);

		if ((size_t)(end - lt) >= ol && !memcmp(lt, skip[k].open, ol)) {
			const char *c = prescan_find_close(lt + ol, end, skip[k].close);

			return c ? c + strlen(skip[k].close) : end;
		}
	}
	return NULL;
}

/* 1 + the newlines before buf[off]. */
size_t prescan_line_of(const char *buf, size_t off)
{
	size_t n = 1;

	for (const char *s = buf, *end = buf + off; (s = memchr(s, '\n', (size_t)(end - s))); s++)
		n++;
	return n;
}

/* Documents libxml2 (2.9) would take minutes over, refused before it sees
 * them.  Two of its loops grow with what a document declares:
 * - each attribute of a start tag is checked against the ones before it
 *   (so is it in on_start): a tag with 100,000 attributes (1 MB) kept
 *   xmllint busy for six minutes, and an 8 MiB body holds ten times that;
 * - a prefixed name is looked up through every namespace declaration in
 *   scope: 62,500 declarations on 250 nested elements, then 200,000
 *   elements with a prefix, took 15 s for 2.7 MB.
 * No real feed comes near PRESCAN_MAX_ATTRS attributes on one tag or
 * PRESCAN_MAX_NS_SCOPE
 * declarations in scope.  An attribute needs a '=', so the '=' outside
 * quoted values from "<name" to the tag's '>' (or to a '<' outside quotes,
 * where libxml2 gives up on the tag too) are counted, and those after a
 * name "xmlns" or "xmlns:..." are declarations; an end tag naming the
 * innermost open element takes its declarations out of scope.  Comments,
 * CDATA sections and processing instructions are skipped, as libxml2
 * skips them; everything else is scanned, the DOCTYPE included.  Entities
 * cannot add tags: on_get_entity hands their text over as text.  Every
 * doubt counts more, never less, than libxml2 sees: a '<' in a quoted
 * value does not end the tag here, a mismatched end tag closes nothing,
 * and past PRESCAN_MAX_DEPTH open elements (where libxml2 stops) declarations stay
 * in scope for good. */
/* XML white space, without the locale's tables. */
static inline int xml_space(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

enum prescan_crowd prescan_crowded(const char *buf, size_t len, size_t *at)
{
	struct open_el { const char *name; size_t len; unsigned ns; } open[PRESCAN_MAX_DEPTH];
	size_t depth = 0;
	unsigned scope = 0;
	const char *s = buf, *end = buf + len;

	while (s < end && (s = memchr(s, '<', (size_t)(end - s)))) {
		const char *tag = s++, *name, *attr = NULL;
		unsigned n = 0, ns = 0;

		if (s < end && (*s == '!' || *s == '?')) {
			const char *past = skip_construct(tag, end);

			if (past)
				s = past;
			continue;   /* other "<!" declarations: scanned like text */
		}
		if (s < end && *s == '/') {
			for (name = ++s; s < end && name_char((unsigned char)*s); s++)
				;
			if (depth && open[depth - 1].len == (size_t)(s - name) &&
			    !memcmp(open[depth - 1].name, name, (size_t)(s - name)))
				scope -= open[--depth].ns;
			continue;
		}
		if (s >= end || !(isalpha((unsigned char)*s) || *s == '_' || *s == ':' ||
		                  (unsigned char)*s >= 0x80))
			continue;
		for (name = s; s < end && name_char((unsigned char)*s); s++)
			;
		size_t nlen = (size_t)(s - name);

		/* to the tag's end, over quoted values in one memchr each */
		for (; s < end && *s != '>' && *s != '<'; s++) {
			if (*s == '"' || *s == '\'') {
				const char *q = memchr(s + 1, *s, (size_t)(end - s - 1));

				if (!q)
					break;
				s = q;
				attr = NULL;
			} else if (*s == '=') {
				if (++n > PRESCAN_MAX_ATTRS) {
					*at = (size_t)(tag - buf);
					return PRESCAN_ATTRS;
				}
				if (attr && s - attr >= 5 && !memcmp(attr, "xmlns", 5) &&
				    (attr[5] == ':' || attr + 5 == s || xml_space((unsigned char)attr[5])))
					ns++;
				attr = NULL;
			} else if (xml_space((unsigned char)*s)) {
				if (attr && *attr != 'x')
					attr = NULL;   /* "xmlns =" is one name still */
			} else if (!attr) {
				attr = s;
			}
		}
		if (scope + ns > PRESCAN_MAX_NS_SCOPE) {
			*at = (size_t)(tag - buf);
			return PRESCAN_NS;
		}
		if (s < end && *s == '>' && s[-1] == '/')
			continue;   /* empty: its declarations end with it */
		if (depth < PRESCAN_MAX_DEPTH)
			open[depth++] = (struct open_el){ name, nlen, ns };
		scope += ns;
	}
	return PRESCAN_OK;
}

/* Bare ampersands ("?a=1&b=2") and "&#X41;" make XML parsers give up on
 * the rest of a text node; feedparser's loose parser keeps them as text.
 * Outside CDATA sections, comments, processing instructions and the
 * DOCTYPE, we escape them before parsing. */
int prescan_fix_ampersands(const char *buf, size_t len, char **out, size_t *outlen)
{
	const char *s = buf, *end = buf + len, *run = buf;
	struct sbuf b;
	int changed = 0;

	const char *q = NULL;   /* the next '&' at or after s, once found */

	sbuf_init(&b);
	while (s < end) {
		const char *lt;
		int upper;
		size_t n;

		/* one scan per '&', not one per tag */
		if (!q || q < s)
			q = memchr(s, '&', (size_t)(end - s));
		if (!q)
			break;  /* nothing left to fix */
		/* only "<!" and "<?" can open a construct to skip */
		lt = NULL;
		for (const char *x = s; x < q && (x = memchr(x, '<', (size_t)(q - x))); x++)
			if (x + 1 < end && (x[1] == '!' || x[1] == '?')) {
				lt = x;
				break;
			}
		if (lt) {
			/* skip constructs where '&' is not markup */
			const char *past = skip_construct(lt, end);

			if (past) {
				s = past;
				continue;
			}
			if ((size_t)(end - lt) >= 9 && !memcmp(lt, "<!DOCTYPE", 9)) {
				/* to the end of the internal subset, if any */
				const char *c = lt + 9;
				int in_subset = 0;

				while (c < end && (in_subset || *c != '>')) {
					if (*c == '[')
						in_subset = 1;
					else if (*c == ']')
						in_subset = 0;
					c++;
				}
				s = c < end ? c + 1 : end;
				continue;
			}
			s = lt + 1;
			continue;
		}
		n = ref_len(q, end, &upper);
		if (n && !upper) {
			s = q + n;
			continue;
		}
		changed = 1;
		sbuf_add(&b, run, (size_t)(q - run));
		if (n) {
			sbuf_add(&b, "&#x", 3);
			sbuf_add(&b, q + 3, n - 3);
			s = run = q + n;
		} else {
			sbuf_add(&b, "&amp;", 5);
			s = run = q + 1;
		}
	}
	if (!changed) {
		sbuf_free(&b);
		return 0;
	}
	sbuf_add(&b, run, (size_t)(end - run));
	if (b.oom) {
		sbuf_free(&b);
		return -1;
	}
	*outlen = b.len;
	*out = sbuf_take(&b);
	return 1;
}

/* Length of a character XML 1.0 does not allow at s, 0 for any other
 * byte: a C0 control but tab, line feed and carriage return (U+0000
 * too), or U+FFFE or U+FFFF (EF BF BE, EF BF BF). */
static inline size_t bad_char(const unsigned char *s, const unsigned char *end)
{
	if (*s < 0x20)
		return *s != '\t' && *s != '\n' && *s != '\r';
	if (*s == 0xef && end - s >= 3 && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf))
		return 3;
	return 0;
}

/* The first character XML does not allow in [s, end), or end.  Every
 * document passes here, so sixteen bytes at a time with SSE2 (part of
 * x86-64): a byte under 0x20 but tab, line feed and carriage return, or
 * 0xEF, goes to bad_char (0xEF also starts CJK full-width punctuation).
 * Eight at a time with 64-bit words cost 3 instructions a byte, 4% of a
 * parse, as every line break sent its word to the byte loop. */
static const unsigned char *find_bad_char(const unsigned char *s, const unsigned char *end)
{
#if defined(__SSE2__) && defined(__x86_64__) && !defined(TIDINGS_NO_SIMD)
	const __m128i c1f = _mm_set1_epi8(0x1f), tab = _mm_set1_epi8('\t'),
	              lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
	              ef = _mm_set1_epi8((char)0xef);

	for (; end - s >= 16; s += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v);   /* <= 0x1f */
		__m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab),
		                                       _mm_cmpeq_epi8(v, lf)),
		                          _mm_cmpeq_epi8(v, cr));
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_andnot_si128(ok, low), _mm_cmpeq_epi8(v, ef)));

		for (; m; m &= m - 1)
			if (bad_char(s + __builtin_ctz(m), end))
				return s + __builtin_ctz(m);
	}
#endif
	for (; s < end; s++)
		if (bad_char(s, end))
			return s;
	return end;
}

int prescan_strip_bad_chars(const char *buf, size_t len, char **out, size_t *outlen,
                            size_t *first)
{
	const unsigned char *s = (const unsigned char *)buf, *end = s + len;
	const unsigned char *bad = find_bad_char(s, end);
	char *o;
	size_t n = 0;

	if (bad == end)
		return 0;
	*first = (size_t)(bad - s);
	o = malloc(len + 1);
	if (!o)
		return -1;
	while (bad < end) {
		memcpy(o + n, s, (size_t)(bad - s));
		n += (size_t)(bad - s);
		s = bad + bad_char(bad, end);
		bad = find_bad_char(s, end);
	}
	memcpy(o + n, s, (size_t)(end - s));
	n += (size_t)(end - s);
	o[n] = '\0';
	*out = o;
	*outlen = n;
	return 1;
}
