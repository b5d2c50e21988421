/* feeds/sbuf.h — a growable byte string, always NUL-terminated.  Used by
 * every stage of the parser that builds text.  The sbuf owns `s`;
 * sbuf_take() hands it over to the caller. */
#ifndef TIDINGS_SBUF_H
#define TIDINGS_SBUF_H

#include <stddef.h>

struct sbuf {
	char *s;        /* NULL until the first append */
	size_t len, cap;
	int oom;        /* an allocation failed; contents are truncated */
};

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);          /* empty, keeps the memory */
void sbuf_add_slow(struct sbuf *b, const char *s, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc_slow(struct sbuf *b, char c);
void sbuf_add_utf8(struct sbuf *b, unsigned cp);
/* Code point cp as UTF-8 in u: its length, 0 (nothing written) past
 * U+10FFFF.  What sbuf_add_utf8 appends. */
size_t utf8_put(char u[4], unsigned cp);
/* The length of the character at s (at most n bytes, n >= 1): 1 for
 * ASCII, 2 to 4 for a valid UTF-8 sequence (no overlong form, no
 * surrogate, nothing past U+10FFFF), 0 for a byte that starts none. */
size_t utf8_len(const char *s, size_t n);
/* Whether s[0..n) is all UTF-8 (utf8_len's rules; ASCII and the common
 * two- and three-byte forms on a fast path). */
int utf8_valid(const char *s, size_t n);
/* What windows-1252 means by the C1 code point cp (U+0080..U+009F):
 * the character ("\x93" is U+201C), 0 for its five unassigned bytes;
 * any other cp as it is.  Text calling itself something else that holds
 * these is windows-1252 in disguise. */
unsigned cp1252_c1(unsigned cp);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s with &, <, > (and " when attr) escaped as XML entities. */
void sbuf_add_escaped(struct sbuf *b, const char *s, size_t n, int attr);
int sbuf_reserve(struct sbuf *b, size_t extra); /* room for extra more; 0 / -1 */
char *sbuf_take(struct sbuf *b);          /* owned string ("" if empty) */
const char *sbuf_str(const struct sbuf *b); /* "" if empty; len bytes */

/* The common case (room left) inline; growth out of line. */
static inline void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 <= b->cap) {
		__builtin_memcpy(b->s + b->len, s, n);
		b->len += n;
		b->s[b->len] = '\0';
		return;
	}
	sbuf_add_slow(b, s, n);
}

static inline void sbuf_addc(struct sbuf *b, char c)
{
	if (b->len + 2 <= b->cap) {
		b->s[b->len++] = c;
		b->s[b->len] = '\0';
		return;
	}
	sbuf_addc_slow(b, c);
}

#endif
