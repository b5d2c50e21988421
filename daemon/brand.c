/* daemon/brand.c — publishers' names cut from headlines; see brand.h. */
#include "daemon/brand.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	return cut_name(title, name, seps, TITLE_SEPS);
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
