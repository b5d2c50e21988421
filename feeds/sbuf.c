/* feeds/sbuf.c — growable string buffer.  On allocation failure the
 * buffer stops growing and sets `oom`; callers check it once at the end
 * instead of after every append. */
#include "feeds/sbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_init(struct sbuf *b)
{
	memset(b, 0, sizeof *b);
}

void sbuf_free(struct sbuf *b)
{
	free(b->s);
	sbuf_init(b);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static int grow(struct sbuf *b, size_t need)
{
	size_t cap;
	char *s;

	if (b->oom)
		return -1;
	if (b->len + need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + need + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->oom = 1;
		return -1;
	}
	s[b->len] = '\0';   /* stays a string even before the first append */
	b->s = s;
	b->cap = cap;
	return 0;
}

int sbuf_reserve(struct sbuf *b, size_t extra)
{
	return grow(b, extra);
}

void sbuf_add_slow(struct sbuf *b, const char *s, size_t n)
{
	if (grow(b, n) < 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_addc_slow(struct sbuf *b, char c)
{
	if (grow(b, 1) < 0)
		return;
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

size_t utf8_put(char u[4], unsigned cp)
{
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp < 0x110000) {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

unsigned cp1252_c1(unsigned cp)
{
	static const unsigned short c1[32] = {
		0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
		0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
	};

	return cp >= 0x80 && cp < 0xa0 ? c1[cp - 0x80] : cp;
}

size_t utf8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) { len = 2; cp = s[0] & 0x1f; }
	else if (s[0] >= 0xe0 && s[0] <= 0xef) { len = 3; cp = s[0] & 0x0f; }
	else if (s[0] >= 0xf0 && s[0] <= 0xf4) { len = 4; cp = s[0] & 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];

		if (c < 0x80) {
			/* ASCII runs, eight bytes at a time */
			i++;
			while (i + 8 <= n) {
				uint64_t w;

				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			continue;
		}
		/* the common sequences that need no range check: any two-byte
		 * one (U+0080..U+07FF), and three-byte ones whose lead byte
		 * rules out overlong forms and surrogates (not E0, not ED) */
		if (c >= 0xc2 && c <= 0xdf && i + 1 < n && (s[i + 1] & 0xc0) == 0x80) {
			i += 2;
			continue;
		}
		if (c >= 0xe1 && c <= 0xef && c != 0xed && i + 2 < n &&
		    (s[i + 1] & 0xc0) == 0x80 && (s[i + 2] & 0xc0) == 0x80) {
			i += 3;
			continue;
		}
		size_t len = utf8_len((const char *)s + i, n - i);

		if (!len)
			return 0;
		i += len;
	}
	return 1;
}

void sbuf_add_utf8(struct sbuf *b, unsigned cp)
{
	char u[4];
	size_t n = utf8_put(u, cp);

	if (n == 1)
		sbuf_addc(b, u[0]);
	else if (n)
		sbuf_add(b, u, n);
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbuf_add_escaped(struct sbuf *b, const char *s, size_t n, int attr)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = attr ? "&quot;" : NULL; break;
		default: rep = NULL; break;
		}
		if (!rep)
			continue;
		sbuf_add(b, s + run, i - run);
		sbuf_adds(b, rep);
		run = i + 1;
	}
	sbuf_add(b, s + run, n - run);
}

char *sbuf_take(struct sbuf *b)
{
	char *s = b->s;

	if (!s || b->oom) {
		free(s);
		s = strdup("");
	}
	sbuf_init(b);
	return s;
}

/* The contents, cut short when an allocation failed (b->len bytes either
 * way): callers read sbuf_str(b) with b->len, and a "" for a failed buffer
 * of some length had them read past the literal's end. */
const char *sbuf_str(const struct sbuf *b)
{
	return b->s ? b->s : "";
}
