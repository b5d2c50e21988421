/* daemon/headix.c — recent stories by (publisher, headline); see headix.h. */
#include "daemon/headix.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

struct hentry {
	uint64_t key;        /* 0: free */
	uint64_t text;
	int64_t time;
	int64_t id : 62;     /* SQLite's rowids stay far below 2^61 */
	uint64_t plain : 1, via_aggregator : 1;
};
_Static_assert(sizeof(struct hentry) == 32, "struct hentry: 32 bytes");

struct headix {
	struct hentry *t;
	size_t mask, n;      /* capacity - 1, entries */
	int64_t window, newest;
};

static uint64_t fnv_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ull;
}

/* Whether code point c (not ASCII) is part of a word: a letter, a mark,
 * a digit.  Spaces, dashes, quotes, guillemets, symbols are separators;
 * so is U+02BC ʼ, an apostrophe as ' and ’ are (daemon/text.c). */
static int word_cp(utf8proc_int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return c != 0x2bc && ((k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_ME) ||
	                      (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO));
}

void headix_headline(struct headix_headline *h, const char *title)
{
	struct simhash_info si;
	memset(h, 0, sizeof *h);
	h->plain = 1;
	if (!title || simhash_text(title, strlen(title), &si) < 0)
		return;
	h->fp = si.fp;
	h->plain = !si.distinctive;
	if (si.words < 3)
		return;
	/* A headline with letters beyond ASCII is compared as NFKC with case
	 * folded (and invisible format characters left out): one publisher's
	 * headline comes through an aggregator in another Unicode form than
	 * its own feed's, NFC against NFD ("e" and U+0301: a feed written on
	 * a Mac), a no-break space before a French colon against a space,
	 * full-width letters, "Über" and "über".  Compared byte by byte, each
	 * pair was two stories. */
	const unsigned char *p = (const unsigned char *)title;
	utf8proc_uint8_t *norm = NULL;
	for (const unsigned char *q = p; *q; q++)
		if (*q >= 0x80) {
			if (utf8proc_map(p, 0, &norm, UTF8PROC_NULLTERM | UTF8PROC_STABLE |
			                 UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
			                 UTF8PROC_IGNORE) >= 0)
				p = norm;  /* else (not UTF-8, no memory) the bytes as they are */
			break;
		}
	const unsigned char *end = p + strlen((const char *)p);
	uint64_t x = 0xcbf29ce484222325ull;
	int sep = 0, any = 0;
	while (p < end) {
		unsigned char c = *p;
		utf8proc_int32_t cp = 0;
		utf8proc_ssize_t k = 1;
		if (c >= 0x80) {
			k = utf8proc_iterate(p, end - p, &cp);
			if (k <= 0)
				k = 1;  /* a byte that is not UTF-8 counts as a letter */
		}
		if (c < 0x80 ? !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		                 (c >= '0' && c <= '9'))
		             : cp && !word_cp(cp)) {
			sep = any;
			p += k;
			continue;
		}
		if (sep)
			x = fnv_byte(x, ' ');
		sep = 0;
		any = 1;
		for (utf8proc_ssize_t j = 0; j < k; j++, p++)
			x = fnv_byte(x, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	free(norm);
	h->hash = x ? x : 1;
}

int headix_via_aggregator(const char *link, const char *host)
{
	if (!link || !host || !*host)
		return 0;
	const char *a = strstr(link, "://");
	if (!a)
		return 0;
	a += 3;
	size_t end = strcspn(a, "/?#"), n = strlen(host);
	/* the authority, less user info and port */
	const char *at = memchr(a, '@', end);
	if (at) {
		end -= (size_t)(at + 1 - a);
		a = at + 1;
	}
	const char *colon = memchr(a, ':', end);
	if (colon)
		end = (size_t)(colon - a);
	if (end < n || strncasecmp(a + end - n, host, n))
		return 1;
	return end > n && a[end - n - 1] != '.';
}

void headix_item(struct headix_item *it, const char *host, const struct headix_headline *h,
                 int via_aggregator, uint64_t story_bag)
{
	it->key = 0;
	if (host && *host && h->hash) {
		uint64_t k = 0xcbf29ce484222325ull;
		for (const unsigned char *p = (const unsigned char *)host; *p; p++)
			k = fnv_byte(k, *p);
		k = (k ^ h->hash) * 0x9e3779b97f4a7c15ull;
		k ^= k >> 29;
		it->key = k ? k : 1;
	}
	it->plain = h->plain;
	it->via_aggregator = (uint8_t)!!via_aggregator;
	it->text = it->key && story_bag != h->fp.bag && !it->via_aggregator ? story_bag : 0;
}

struct headix *headix_new(int64_t window)
{
	struct headix *ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	ix->t = calloc(1024, sizeof *ix->t);
	if (!ix->t) {
		free(ix);
		return NULL;
	}
	ix->mask = 1023;
	/* A lookup reaches HEADIX_SPAN back whatever the window: an entry
	 * younger than that must outlive a rehash (and a restart, which
	 * replays as much, ingest.c), or whether an aggregator's item finds
	 * its publisher's would depend on when the table grew. */
	ix->window = window > HEADIX_SPAN ? window : HEADIX_SPAN;
	return ix;
}

void headix_free(struct headix *ix)
{
	if (!ix)
		return;
	free(ix->t);
	free(ix);
}

static size_t home(uint64_t key, size_t mask)
{
	return (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & mask;
}

/* The first free slot of key's run (entries of one key are kept side by
 * side with others: a headline a site reuses has one per story). */
static struct hentry *free_slot(struct hentry *t, size_t mask, uint64_t key)
{
	size_t i = home(key, mask);
	while (t[i].key)
		i = (i + 1) & mask;
	return &t[i];
}

/* Three quarters full: the entries still in the window move to a table
 * they fill at most half of (the same size when expiry freed enough,
 * else twice).  Expiry happens only here: a lookup checks the times
 * anyway. */
static int rehash(struct headix *ix)
{
	int64_t horizon = ix->newest - ix->window;
	size_t live = 0;
	for (size_t i = 0; i <= ix->mask; i++)
		live += ix->t[i].key && ix->t[i].time >= horizon;
	size_t cap = ix->mask + 1;
	while (live * 2 > cap)
		cap *= 2;
	struct hentry *t = calloc(cap, sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i <= ix->mask; i++)
		if (ix->t[i].key && ix->t[i].time >= horizon)
			*free_slot(t, cap - 1, ix->t[i].key) = ix->t[i];
	free(ix->t);
	ix->t = t;
	ix->mask = cap - 1;
	ix->n = live;
	return 0;
}

int headix_put(struct headix *ix, const struct headix_item *it, int64_t story_id, int64_t time)
{
	uint64_t key = it->key;
	if (!key)
		return 0;
	if (time > ix->newest)
		ix->newest = time;
	if ((ix->n + 1) * 4 > (ix->mask + 1) * 3 && rehash(ix) < 0)
		return -1;
	/* The key's run: its entries, its oldest, and the free slot at its
	 * end.  Past HEADIX_SAME_MAX the oldest gives way (in place: the run
	 * stays unbroken), or the story does when it is older still. */
	struct hentry *oldest = NULL;
	size_t same = 0, i = home(key, ix->mask);
	for (; ix->t[i].key; i = (i + 1) & ix->mask)
		if (ix->t[i].key == key) {
			same++;
			if (!oldest || ix->t[i].time < oldest->time)
				oldest = &ix->t[i];
		}
	struct hentry *slot = &ix->t[i];
	if (same >= HEADIX_SAME_MAX) {
		if (time < oldest->time)
			return 0;
		slot = oldest;
	} else {
		ix->n++;
	}
	*slot = (struct hentry){ .key = key, .text = it->text, .time = time, .id = story_id,
	                         .plain = it->plain, .via_aggregator = it->via_aggregator };
	return 0;
}

int64_t headix_get(const struct headix *ix, const struct headix_item *it, int64_t time)
{
	int64_t best = 0, best_d = HEADIX_SPAN + 1;
	uint64_t key = it->key;
	if (!key)
		return 0;
	for (size_t i = home(key, ix->mask); ix->t[i].key; i = (i + 1) & ix->mask) {
		const struct hentry *e = &ix->t[i];
		int64_t d = e->time > time ? e->time - time : time - e->time;
		if (e->key != key)
			continue;
		if (it->text && e->text && simhash_distance(it->text, e->text) > SIMHASH_DEFAULT_K)
			continue; /* two leads of their own, not copies */
		if ((it->plain || e->plain) && it->via_aggregator == e->via_aggregator)
			continue; /* a plain headline, and no aggregator's word for it */
		if (d < best_d || (d == best_d && e->id < best)) {
			best = e->id;
			best_d = d;
		}
	}
	return best;
}

size_t headix_count(const struct headix *ix)
{
	return ix->n;
}

size_t headix_memory(const struct headix *ix)
{
	return sizeof *ix + (ix->mask + 1) * sizeof *ix->t;
}
