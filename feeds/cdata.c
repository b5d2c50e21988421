/* feeds/cdata.c — the text of a feed document read before libxml2 reads
 * it; libxml2 sees a short CDATA section in its place.
 *
 * Why: feeds escape their HTML ("<description>&lt;p&gt;...") and libxml2
 * (2.9) reads such text dearly.  It stops at every reference and hands the
 * text before it and the reference's character to the parser's callback
 * as two more pieces (about 500 instructions a reference); once a run of
 * text holds one non-ASCII character it reads the rest of the run
 * character by character (xmlCurrentChar, about 60 instructions a
 * character); and it scans a CDATA section twice (for its end, then its
 * characters: about 15 instructions a byte).  This scan reads the text
 * once, with SSE2 over the ASCII.
 *
 * Exactness: the parser appends whatever its callbacks get, so the tree
 * is the same when it gets the same characters in the same order, and
 * libxml2 reports the same errors: an error ends up in bozo_exception,
 * and after one libxml2 drops the predefined references that follow until
 * its next callback (see keep_recovering() in parse.c).  So the scan
 * checks everything libxml2 reads before a piece it takes (tags,
 * attribute values, comments, instructions) and stops at the first thing
 * it does not check completely (a DOCTYPE, a non-ASCII name, an end tag
 * that does not match, a control character, an entity in an attribute
 * value, ...): the rest of the document is left as it is.  Line numbers
 * in later messages stay the same (a piece's newlines stay in the
 * document, inside its mark).  Left in a run that is taken: a carriage
 * return (libxml2 folds CR LF in text, and this scan does not copy that)
 * and references to other entities (the parser's on_get_entity resolves
 * those); the parts between them are taken.  tests/unit/test_parse_cdata.c
 * compares the trees with and without the rewrite. */
#include "feeds/cdata.h"
#include "feeds/prescan.h"
#include "feeds/sbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && !defined(TIDINGS_NO_SIMD)
#include <emmintrin.h>
#define CDATA_SSE2 1
#endif

/* what the scan follows: under libxml2's limits of 256 open elements,
 * 50,000-byte names and 10,000,000-byte comments, instructions and
 * attribute values (past them it complains) */
#define MAX_OPEN 200
#define MAX_NAME 200
#define MAX_LEN (1 << 20)

/* the declaration enc_to_utf8() puts in front of every document */
static const char utf8_decl[] = "<?xml version='1.0' encoding='utf-8'?>";

static inline int xml_space(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* ASCII name bytes: 1 can start a name (letters, '_'), 2 can follow */
static const unsigned char name_class[256] = {
	['-'] = 2, ['.'] = 2,
	['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2,
	['5'] = 2, ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2,
	['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3, ['G'] = 3,
	['H'] = 3, ['I'] = 3, ['J'] = 3, ['K'] = 3, ['L'] = 3, ['M'] = 3, ['N'] = 3,
	['O'] = 3, ['P'] = 3, ['Q'] = 3, ['R'] = 3, ['S'] = 3, ['T'] = 3, ['U'] = 3,
	['V'] = 3, ['W'] = 3, ['X'] = 3, ['Y'] = 3, ['Z'] = 3, ['_'] = 3,
	['a'] = 3, ['b'] = 3, ['c'] = 3, ['d'] = 3, ['e'] = 3, ['f'] = 3, ['g'] = 3,
	['h'] = 3, ['i'] = 3, ['j'] = 3, ['k'] = 3, ['l'] = 3, ['m'] = 3, ['n'] = 3,
	['o'] = 3, ['p'] = 3, ['q'] = 3, ['r'] = 3, ['s'] = 3, ['t'] = 3, ['u'] = 3,
	['v'] = 3, ['w'] = 3, ['x'] = 3, ['y'] = 3, ['z'] = 3,
};

static inline int name_start(unsigned char c)
{
	return name_class[c] & 1;
}

/* The end of an ASCII name at s (with colon_ok, at most one ':' between
 * two parts), or NULL: names libxml2 reads without a complaint.  A name
 * with other bytes is not checked here, so NULL. */
static const char *name_end(const char *s, const char *end, int colon_ok)
{
	const char *st = s;
	int colons = 0;

	if (s >= end || !name_start((unsigned char)*s))
		return NULL;
	for (s++; s < end; s++) {
		if (name_class[(unsigned char)*s] & 2)
			continue;
		if (*s == ':' && colon_ok && !colons && s + 1 < end && name_start((unsigned char)s[1])) {
			colons++;
			continue;
		}
		break;
	}
	if (s - st > MAX_NAME || (s < end && (*s == ':' || (unsigned char)*s >= 0x80)))
		return NULL;
	return s;
}

static inline const char *skip_space(const char *s, const char *end)
{
	while (s < end && xml_space((unsigned char)*s))
		s++;
	return s;
}

static inline int xml_char(unsigned cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
	       (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* The length of the UTF-8 sequence of one XML Char at s, 0 when there is
 * none (a control character, malformed UTF-8, U+FFFE, U+FFFF). */
static size_t char_len(const unsigned char *s, const unsigned char *end)
{
	unsigned c = s[0], cp;
	size_t len;

	if (c < 0x80)
		return xml_char(c);
	if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
	else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
	else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
	else return 0;
	if ((size_t)(end - s) < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || !xml_char(cp))
		return 0;
	return len;
}

/* char_len() for the common sequences, inline: two-byte ones from C2,
 * three-byte ones whose lead byte rules out overlong forms, surrogates
 * and U+FFFE/U+FFFF (not E0, ED, EF); the rest through char_len(). */
static inline size_t char_len_fast(const unsigned char *s, const unsigned char *end)
{
	unsigned c = s[0];

	if (c >= 0xc2 && c <= 0xdf && end - s >= 2 && (s[1] & 0xc0) == 0x80)
		return 2;
	if (c >= 0xe1 && c <= 0xee && c != 0xed && end - s >= 3 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80)
		return 3;
	return char_len(s, end);
}

/* The first byte in [p, e) that is not printable ASCII (from 0x20 to
 * 0x7f) or is one of the two given ones, or e.  Up to lim the bytes may
 * be read (past e: the runs between references are short). */
static inline const char *plain_end(const char *p, const char *e, const char *lim, char x, char y)
{
#ifdef CDATA_SSE2
	const __m128i sp = _mm_set1_epi8(0x20), vx = _mm_set1_epi8(x), vy = _mm_set1_epi8(y);

	/* signed compare: bytes from 0x80 are below 0x20 too */
	while (p < e && lim - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_cmplt_epi8(v, sp), _mm_or_si128(_mm_cmpeq_epi8(v, vx), _mm_cmpeq_epi8(v, vy))));

		if (m)
			return p + __builtin_ctz(m) < e ? p + __builtin_ctz(m) : e;
		p += 16;
	}
	if (p >= e)
		return e;
#else
	(void)lim;
#endif
	while (p < e && (unsigned char)(*p - 0x20) < 0x60 && *p != x && *p != y)
		p++;
	return p;
}

/* 1 when [s, end) is UTF-8 of XML Chars only */
static int chars_ok(const char *s, const char *end)
{
	const char *p = s;

	while ((p = plain_end(p, end, end, 0x7f, 0x7f)) < end) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n' || c == '\t' || c == '\r' || c == 0x7f) {
			p++;
			continue;
		}
		size_t n = char_len_fast((const unsigned char *)p, (const unsigned char *)end);

		if (!n)
			return 0;
		p += n;
	}
	return 1;
}

static inline int hexval(unsigned char c)
{
	if ((unsigned char)(c - '0') < 10)
		return c - '0';
	if ((unsigned char)((c | 0x20) - 'a') < 6)
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* A character reference at s ("&#...;") to an XML Char, as libxml2 reads
 * it without a complaint: its length and the character in *cp, else 0
 * (also for leading zeros past a few digits: not worth reading). */
static size_t char_ref(const char *s, const char *end, unsigned *cp)
{
	const char *q = s + 2;
	unsigned v = 0;
	int digits = 0;

	if (end - s < 4 || s[1] != '#')
		return 0;
	if (*q == 'x') {
		for (q++; q < end && digits < 6 && hexval((unsigned char)*q) >= 0; q++, digits++)
			v = v * 16 + (unsigned)hexval((unsigned char)*q);
	} else {
		for (; q < end && digits < 7 && (unsigned char)(*q - '0') < 10; q++, digits++)
			v = v * 10 + (unsigned)(*q - '0');
	}
	if (!digits || q >= end || *q != ';' || !xml_char(v))
		return 0;
	*cp = v;
	return (size_t)(q + 1 - s);
}

/* A reference at s ('&') that libxml2 replaces by its character without a
 * complaint and without asking the parser: one of the five predefined
 * entities, or a character reference to an XML Char.  Its length, and
 * the character in *cp; 0 when s starts something else. */
static size_t simple_ref(const char *s, const char *end, unsigned *cp)
{
	size_t n = (size_t)(end - s);

	if (n >= 4 && s[2] == 't' && s[3] == ';' && (s[1] == 'l' || s[1] == 'g')) {
		*cp = s[1] == 'l' ? '<' : '>';
		return 4;
	}
	if (n >= 5 && !memcmp(s + 1, "amp;", 4)) {
		*cp = '&';
		return 5;
	}
	if (n >= 6 && (!memcmp(s + 1, "quot;", 5) || !memcmp(s + 1, "apos;", 5))) {
		*cp = s[1] == 'q' ? '"' : '\'';
		return 6;
	}
	return char_ref(s, end, cp);
}

/* A reference at s that libxml2 reads without a complaint but that the
 * rewrite leaves as it is: another entity (the parser resolves it, in
 * content always to some text).  Its length, else 0. */
static size_t other_ref(const char *s, const char *end)
{
	const char *q = name_end(s + 1, end, 0);

	return q && q < end && *q == ';' ? (size_t)(q + 1 - s) : 0;
}

struct rw {
	struct sbuf b;          /* the document for libxml2 */
	struct sbuf text;       /* the pieces' characters */
	struct cdata_doc *d;    /* its pieces */
	const char *copied;     /* the input is in b up to here */
	int oom;
};

/* The construct [from, to) out of the document, a mark with `lines`
 * newlines in its place, and text + off (len bytes) as its piece. */
static void take(struct rw *w, const char *from, const char *to, size_t off, size_t len,
                 size_t lines)
{
	struct cdata_doc *d = w->d;
	struct cdata_piece *pc;

	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		struct cdata_piece *np = realloc(d->pieces, cap * sizeof *np);

		if (!np) {
			w->oom = 1;
			return;
		}
		d->pieces = np;
		d->cap = cap;
	}
	sbuf_add(&w->b, w->copied, (size_t)(from - w->copied));
	pc = &d->pieces[d->n++];
	pc->at = (uint32_t)w->b.len;
	pc->off = (uint32_t)off;
	pc->len = (uint32_t)len;
	pc->lines = (uint32_t)lines;
	sbuf_add(&w->b, CDATA_MARK_OPEN, sizeof CDATA_MARK_OPEN - 1);
	if (sbuf_reserve(&w->b, lines) == 0) {
		memset(w->b.s + w->b.len, '\n', lines);
		w->b.len += lines;
	}
	sbuf_add(&w->b, CDATA_MARK_CLOSE, sizeof CDATA_MARK_CLOSE - 1);
	w->copied = to;
}

/* A run of element content [s, lt), up to the '<' at lt: its parts worth
 * it taken (the document's bytes may be read up to lim).  -1 when libxml2
 * might complain about it.  A part's characters go to the text as they
 * are read, and back out when it is not taken. */
static int text_run(struct rw *w, const char *s, const char *lt, const char *lim)
{
	const char *seg = s, *p = s, *copy = s;   /* in the text up to copy */
	size_t start = w->text.len, lines = 0, n = 0;
	int worth = 0, cr = 0;
	unsigned cp;

	for (;;) {
		p = plain_end(p, lt, lim, '&', ']');
		if (p < lt) {
			unsigned char c = (unsigned char)*p;

			if (c >= 0x80) {
				if (!(n = char_len_fast((const unsigned char *)p, (const unsigned char *)lt)))
					return -1;
				worth = 1;
				p += n;
				continue;
			}
			if (c == ']') {
				/* "]]>" in text is an error (lt - p >= 3 keeps it inside) */
				if (lt - p >= 3 && p[1] == ']' && p[2] == '>')
					return -1;
				p++;
				continue;
			}
			if (c == '\n') {
				lines++;
				p++;
				continue;
			}
			if (c == '\t') {
				p++;
				continue;
			}
			if (c == '\r') {
				cr = 1;
				p++;
				continue;
			}
			if (c != '&')
				return -1;
			if ((n = simple_ref(p, lt, &cp))) {
				sbuf_add(&w->text, copy, (size_t)(p - copy));
				if (cp < 0x80)
					sbuf_addc(&w->text, (char)cp);
				else
					sbuf_add_utf8(&w->text, cp);
				worth = 1;
				p += n;
				copy = p;
				continue;
			}
			if (!(n = other_ref(p, lt)))
				return -1;
		}
		/* the end of a part: the run's, or another entity's reference */
		if (worth && !cr) {
			sbuf_add(&w->text, copy, (size_t)(p - copy));
			take(w, seg, p, start, w->text.len - start, lines);
		} else {
			w->text.len = start;
		}
		if (p >= lt)
			return 0;
		p += n;
		seg = copy = p;
		start = w->text.len;
		lines = 0;
		worth = cr = 0;
	}
}

/* Past the comment at s ("<!--"), or NULL when libxml2 might complain. */
static const char *comment(const char *s, const char *end)
{
	const char *c = s + 4, *close;

	close = prescan_find_close(c, end, "--");
	if (!close || close + 2 >= end || close[2] != '>' || (close > c && close[-1] == '-') ||
	    close - c > MAX_LEN)
		return NULL;
	return chars_ok(c, close) ? close + 3 : NULL;
}

/* Past the processing instruction at s ("<?"), or NULL. */
static const char *pi(const char *s, const char *end)
{
	const char *t = s + 2, *te = name_end(t, end, 0), *close;

	if (!te || (te - t == 3 && (t[0] | 0x20) == 'x' && (t[1] | 0x20) == 'm' && (t[2] | 0x20) == 'l'))
		return NULL;
	if (te < end && *te != '?' && !xml_space((unsigned char)*te))
		return NULL;
	close = prescan_find_close(te, end, "?>");
	return close && close - te <= MAX_LEN && chars_ok(te, close) ? close + 2 : NULL;
}

/* Past the attribute value at s (the quote), or NULL: no '<', and no
 * reference that asks the parser. */
static const char *attr_value(const char *s, const char *end)
{
	const char *q = memchr(s + 1, *s, (size_t)(end - s - 1)), *a;
	unsigned cp;

	if (!q || q - s > MAX_LEN || memchr(s + 1, '<', (size_t)(q - s - 1)) || !chars_ok(s + 1, q))
		return NULL;
	for (a = s + 1; (a = memchr(a, '&', (size_t)(q - a))); a++)
		if (!simple_ref(a, q, &cp))
			return NULL;
	return q + 1;
}

/* Past the start tag at s ('<' and a name), or NULL; *empty: it ends in
 * "/>"; its name in [s + 1, *ne); *nattr attributes, *nns of them
 * namespace declarations ("xmlns", "xmlns:..."). */
static const char *start_tag(const char *s, const char *end, const char **ne, int *empty,
                             unsigned *nattr, unsigned *nns)
{
	const char *p = name_end(s + 1, end, 1), *a;

	if (!p)
		return NULL;
	*ne = p;
	*nattr = *nns = 0;
	for (;;) {
		const char *q = skip_space(p, end);

		if (q >= end)
			return NULL;
		if (*q == '>') {
			*empty = 0;
			return q + 1;
		}
		if (*q == '/') {
			*empty = 1;
			return q + 1 < end && q[1] == '>' ? q + 2 : NULL;
		}
		/* an attribute, after white space */
		if (q == p || !(q = name_end(a = q, end, 1)))
			return NULL;
		(*nattr)++;
		if (q - a >= 5 && !memcmp(a, "xmlns", 5) && (q - a == 5 || a[5] == ':'))
			(*nns)++;
		q = skip_space(q, end);
		if (q >= end || *q != '=')
			return NULL;
		q = skip_space(q + 1, end);
		if (q >= end || (*q != '"' && *q != '\'') || !(p = attr_value(q, end)))
			return NULL;
	}
}

/* b with room for cap bytes exactly (sbuf_reserve rounds up to a power
 * of two: up to twice a big document's size); on failure it grows as
 * usual */
static void presize(struct sbuf *b, size_t cap)
{
	if ((b->s = malloc(cap))) {
		b->cap = cap;
		b->s[0] = '\0';
	}
}

/* b's string at its size (the room presize() gave is mostly unused) */
static char *shrunk(struct sbuf *b)
{
	char *s = b->s ? realloc(b->s, b->len + 1) : NULL;

	if (!s)
		return sbuf_take(b);
	sbuf_init(b);
	return s;
}

int cdata_rewrite(const char *buf, size_t len, struct cdata_doc *d)
{
	struct { const char *name; size_t len; unsigned ns; } open[MAX_OPEN];
	size_t depth = 0;
	unsigned scope = 0;     /* namespace declarations in scope */
	const char *s = buf, *end = buf + len;
	int root = 0;
	struct rw w;

	memset(d, 0, sizeof *d);
	if (len < sizeof utf8_decl - 1 || memcmp(buf, utf8_decl, sizeof utf8_decl - 1) ||
	    len >= (1u << 30))
		return 0;
	s += sizeof utf8_decl - 1;
	sbuf_init(&w.b);
	sbuf_init(&w.text);
	/* about what they will hold, so that they do not grow by copies: the
	 * text is never longer than the document, and the document for
	 * libxml2 longer only by what marks add to what they stand for */
	presize(&w.b, len + 4096);
	presize(&w.text, len + 1);
	w.d = d;
	w.copied = buf;
	w.oom = 0;
	while (s < end) {
		const char *lt, *past, *ne;
		unsigned nattr, nns;
		int empty;

		if (*s != '<') {
			lt = memchr(s, '<', (size_t)(end - s));
			if (!depth) {
				/* before and after the root, only white space */
				if (skip_space(s, lt ? lt : end) != (lt ? lt : end))
					break;
			} else if (!lt || text_run(&w, s, lt, end) < 0) {
				break;  /* (text to the end: libxml2 complains) */
			}
			s = lt ? lt : end;
			continue;
		}
		if (end - s >= 2 && s[1] == '/') {
			if (!depth || !(ne = name_end(s + 2, end, 1)) ||
			    (size_t)(ne - s - 2) != open[depth - 1].len ||
			    memcmp(s + 2, open[depth - 1].name, open[depth - 1].len))
				break;
			ne = skip_space(ne, end);
			if (ne >= end || *ne != '>')
				break;
			s = ne + 1;
			scope -= open[--depth].ns;
			continue;
		}
		if (end - s >= 4 && !memcmp(s, "<!--", 4)) {
			if (!(past = comment(s, end)))
				break;
			s = past;
			continue;
		}
		if (end - s >= 9 && !memcmp(s, "<![CDATA[", 9)) {
			const char *close = depth ? prescan_find_close(s + 9, end, "]]>") : NULL;

			size_t lines = 0, off = w.text.len;

			if (!close || !chars_ok(s + 9, close))
				break;
			for (const char *nl = s + 9; (nl = memchr(nl, '\n', (size_t)(close - nl))); nl++)
				lines++;
			sbuf_add(&w.text, s + 9, (size_t)(close - s - 9));
			take(&w, s, close + 3, off, (size_t)(close - s - 9), lines);
			s = close + 3;
			continue;
		}
		if (end - s >= 2 && s[1] == '?') {
			if (!(past = pi(s, end)))
				break;
			s = past;
			continue;
		}
		if (root && !depth)
			break;  /* a second root */
		if (!(past = start_tag(s, end, &ne, &empty, &nattr, &nns)))
			break;
		/* what prescan_crowded() refuses, it finds itself */
		if (nattr > PRESCAN_MAX_ATTRS || scope + nns > PRESCAN_MAX_NS_SCOPE)
			break;
		root = 1;
		if (!empty) {
			if (depth == MAX_OPEN)
				break;
			open[depth].name = s + 1;
			open[depth].len = (size_t)(ne - s - 1);
			open[depth].ns = nns;
			scope += nns;
			depth++;
		}
		s = past;
	}
	d->clean = s >= end && root && !depth;
	if (!d->n) {
		sbuf_free(&w.b);
		sbuf_free(&w.text);
		return 0;
	}
	sbuf_add(&w.b, w.copied, (size_t)(end - w.copied));
	/* the text buffer exists even when every piece is empty */
	sbuf_addc(&w.text, '\0');
	if (w.oom || w.b.oom || w.text.oom) {
		sbuf_free(&w.b);
		sbuf_free(&w.text);
		cdata_free(d);
		return -1;
	}
	d->len = w.b.len;
	d->doc = shrunk(&w.b);
	d->text = shrunk(&w.text);
	if (!d->doc || !d->text) {
		cdata_free(d);
		return -1;
	}
	return 1;
}

void cdata_free(struct cdata_doc *d)
{
	free(d->doc);
	free(d->text);
	free(d->pieces);
	memset(d, 0, sizeof *d);
}
