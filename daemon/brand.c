/* daemon/brand.c — publishers' names cut from headlines; see brand.h. */
#include "daemon/brand.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "feeds/feed.h"

static const char *const seps[] = {
	" - ", " | ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " :: ",
};
enum { TITLE_SEPS = 4, ALL_SEPS = 5 };

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* s without a trailing name after one of seps[0..nseps), malloc'd. */
static char *cut_name(const char *s, const char *name, const char *const *sv, size_t nseps)
{
	if (!s || !name)
		return NULL;
	while (space(*name))
		name++;
	size_t nn = strlen(name), ns = strlen(s);
	while (nn && space(name[nn - 1]))
		nn--;
	if (!nn || ns <= nn || memcmp(s + ns - nn, name, nn))
		return NULL;
	for (size_t i = 0; i < nseps; i++) {
		size_t k = strlen(sv[i]);
		if (ns - nn > k && !memcmp(s + ns - nn - k, sv[i], k))
			return strndup(s, ns - nn - k);
	}
	return NULL;
}

char *brand_cut_title(const char *title, const char *name)
{
	/* The name as often as it ends the title: Google News appends it to
	 * a publisher's headline that carries it already ("X | Paper Times -
	 * Paper Times"), and the publisher's feed's "X | Paper Times" is
	 * cut to "X" when its titles share that tail (ingest_prep.c). */
	char *t = cut_name(title, name, seps, TITLE_SEPS), *u;
	while (t && (u = cut_name(t, name, seps, TITLE_SEPS))) {
		free(t);
		t = u;
	}
	return t;
}

char *brand_cut_text(const char *text, const char *name)
{
	static const char *const blank[] = { " " };
	return cut_name(text, name, blank, 1);
}

char *brand_cut_tail(const char *title, const char *tail, size_t n)
{
	size_t nt = title ? strlen(title) : 0;
	if (!n || nt <= n || memcmp(title + nt - n, tail, n))
		return NULL;
	return strndup(title, nt - n);
}

/* A title's tail from its last separator on, if it has one with text on
 * both sides and no more than 80 bytes after it: a name, not a second
 * headline. */
static size_t title_tail(const char *t, size_t *at)
{
	size_t n = strlen(t), best = 0;
	int found = 0;
	for (size_t i = 0; i < ALL_SEPS; i++) {
		size_t k = strlen(seps[i]);
		for (const char *p = t; (p = strstr(p, seps[i])); p++) {
			size_t pos = (size_t)(p - t);
			if (pos > 0 && n - pos > k && (!found || pos > best)) {
				best = pos;
				found = 1;
			}
		}
	}
	if (!found || n - best > 80)
		return 0;
	*at = best;
	return n - best;
}

struct tail {
	uint64_t hash;
	const char *s;
	size_t n;
};

static int cmp_tail(const void *a, const void *b)
{
	const struct tail *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

long brand_feed_tail(const struct feed *f, const char **tail)
{
	size_t titled = 0, nt = 0;
	*tail = NULL;
	if (f->n_entries < 3)
		return 0;
	struct tail *v = malloc(f->n_entries * sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < f->n_entries; i++) {
		const char *t = f->entries[i].title_text;
		size_t at;
		if (!t || !*t)
			continue;
		titled++;
		size_t n = title_tail(t, &at);
		if (!n)
			continue;
		uint64_t h = 0xcbf29ce484222325ull;
		for (size_t j = at; t[j]; j++)
			h = (h ^ (unsigned char)t[j]) * 0x100000001b3ull;
		v[nt++] = (struct tail){ h, t + at, n };
	}
	qsort(v, nt, sizeof *v, cmp_tail);
	/* The longest run of one tail (equal hashes and lengths, bytes
	 * checked against the run's first). */
	size_t best = 0, bestn = 0;
	for (size_t i = 0; i < nt;) {
		size_t j = i + 1, same = 1;
		while (j < nt && v[j].hash == v[i].hash && v[j].n == v[i].n) {
			same += !memcmp(v[j].s, v[i].s, v[i].n);
			j++;
		}
		if (same > bestn) {
			bestn = same;
			best = i;
		}
		i = j;
	}
	long n = 0;
	if (bestn >= 3 && 2 * bestn >= titled) {
		*tail = v[best].s;
		n = (long)v[best].n;
	}
	free(v);
	return n;
}

/* A text's last line less the item's title, and where it starts. */
struct line {
	struct brand_text *t;
	size_t keep;     /* the text's length without the line */
	char *form;      /* the line less the item's title, malloc'd */
};

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* By form, then by site: a line is the trailer of one site's texts. */
static int cmp_line(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = strcmp(x->form, y->form);
	if (!c)
		c = cmp_str(x->t->site, y->t->site);
	if (!c)
		c = cmp_str(x->t->source, y->t->source);
	return c;
}

/* Whether s[0..n) has a letter or a digit: words, not only the marks
 * around a title ("\"Title\"", "Title.", a no-break space). */
static int has_word(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			return 1; /* not UTF-8: bytes of some word */
		utf8proc_category_t cat = utf8proc_category(c);
		if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
		    (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO))
			return 1;
		i += (size_t)k;
	}
	return 0;
}

/* text's last line (from after its last line break, or its start, to
 * its end, white space at either end left out; inline_: from after its
 * last ellipsis, the ellipsis kept in the text) less the first occurrence
 * of title in it, malloc'd in *out, the title's place marked; *keep the
 * length of text before the line.  *out NULL when the line is nothing
 * but the title (and marks around it: a text that is its headline), or
 * when it is the whole text and holds no title (a text
 * several items share word for word is ingest's mark_shared_texts()'s to
 * judge: a wire story in a planet's items is no trailer).  -1 out of
 * memory. */
static int last_line(const char *text, const char *title, int inline_, char **out, size_t *keep)
{
	size_t n = strlen(text), s, e = n, k;
	*out = NULL;
	while (e && space(text[e - 1]))
		e--;
	const char *nl = e ? memrchr(text, '\n', e) : NULL;
	s = nl ? (size_t)(nl - text) + 1 : 0;
	k = s;
	while (k && space(text[k - 1]))
		k--;
	if (inline_) {
		/* The line's end from after its last ellipsis on, the
		 * ellipsis kept: "... the helicopte… Continue reading →". */
		size_t after = 0;
		/* (From the end back: every document's every text comes
		 * here, and its last ellipsis is the one wanted.) */
		for (size_t i = e; i >= s + 3; i--) {
			const unsigned char *p = (const unsigned char *)text + i - 3;
			if ((p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xa6) ||
			    (p[0] == '.' && p[1] == '.' && p[2] == '.')) {
				after = i;
				break;
			}
		}
		if (!after)
			return 0;
		while (after < e && text[after] == '.')
			after++;
		if (after < e && (text[after] == ']' || text[after] == ')'))
			after++;
		k = s = after;
	}
	while (s < e && space(text[s]))
		s++;
	if (s == e)
		return 0;
	size_t tn = title ? strlen(title) : 0, a = 0;
	const char *found = tn ? memmem(text + s, e - s, title, tn) : NULL;
	int at = found != NULL;
	if (at)
		a = (size_t)(found - (text + s));
	size_t ln = e - s - (at ? tn : 0);
	if (!ln || (!k && !at) ||
	    !(has_word(text + s, at ? a : ln) || (at && has_word(text + s + a + tn, e - s - a - tn))))
		return 0;
	char *f = malloc(ln + 2);
	if (!f)
		return -1;
	if (at) {
		/* The title's place kept (\1): "The post X appeared first"
		 * and "The post appeared first X" are two lines. */
		memcpy(f, text + s, a);
		f[a] = '\1';
		memcpy(f + a + 1, text + s + a + tn, e - s - a - tn);
		f[ln + 1] = '\0';
	} else {
		memcpy(f, text + s, ln);
		f[ln] = '\0';
	}
	*out = f;
	*keep = k;
	return 0;
}

/* brand_text_trailer() for last lines (inline_ 0) or for the ends of
 * last lines after an ellipsis (1). */
static long trailer(struct brand_text *v, size_t n, int inline_)
{
	size_t with_text = 0, nl = 0;
	long found = 0;
	struct line *l = n ? malloc(n * sizeof *l) : NULL;
	if (n && !l)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v[i].keep = (size_t)-1;
		if (!v[i].text || !*v[i].text)
			continue;
		with_text++;
		char *f;
		size_t k;
		if (last_line(v[i].text, v[i].title, inline_, &f, &k) < 0) {
			found = -1;
			goto out;
		}
		if (f)
			l[nl++] = (struct line){ &v[i], k, f };
	}
	qsort(l, nl, sizeof *l, cmp_line);
	/* The longest run of one line on one site. */
	size_t best = 0, bestn = 0;
	for (size_t i = 0; i < nl;) {
		size_t j = i + 1;
		while (j < nl && !cmp_line(&l[j], &l[i]))
			j++;
		if (j - i > bestn) {
			bestn = j - i;
			best = i;
		}
		i = j;
	}
	if (bestn >= 3 && 2 * bestn >= with_text) {
		for (size_t i = best; i < best + bestn; i++)
			l[i].t->keep = l[i].keep;
		found = (long)bestn;
	}
out:
	for (size_t i = 0; i < nl; i++)
		free(l[i].form);
	free(l);
	return found;
}

long brand_text_trailer(struct brand_text *v, size_t n)
{
	long found = trailer(v, n, 0);
	return found ? found : trailer(v, n, 1);
}
