/* daemon/headix.c — recent stories by (publisher, headline); see headix.h. */
#include "daemon/headix.h"
#include "daemon/rtl_fold.h"

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

/* Bytes of a UTF-8 space, dash, quote or ellipsis at s (U+00A0,
 * U+2000-U+200A, U+2010-U+201F, U+2026, U+202F), else 0: a separator of
 * headline_shape()'s words.  (A no-break space is how many sites write
 * "October&nbsp;12": read as a letter, it made "October\u00a012" one
 * word, and the headline no dated one.) */
static int utf8_punct(const unsigned char *s)
{
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	return s[0] == 0xe2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8a) ||
	                                        (s[2] >= 0x90 && s[2] <= 0x9f) || s[2] == 0xa6 ||
	                                        s[2] == 0xaf) ? 3 : 0;
}

/* Whether the word w[0..n) (lower case) names a month or a weekday, in
 * full or as news abbreviates them ("Oct", "Sept", "Tues"; not "mar",
 * "mon", "wed", "sat", "sun", which are words too): 1 for a month, 4 for
 * a weekday, 2 for "may" and "march", a month or a word (headline_shape()
 * decides by their neighbours). */
static int date_name(const char *w, size_t n)
{
	/* (Every headline's every word comes here: the length and the first
	 * letter turn most away before a name is compared.) */
	static const struct { char s[10]; unsigned char n, kind; } names[] = {
		{ "january", 7, 1 }, { "february", 8, 1 }, { "april", 5, 1 }, { "june", 4, 1 },
		{ "july", 4, 1 }, { "august", 6, 1 }, { "september", 9, 1 }, { "october", 7, 1 },
		{ "november", 8, 1 }, { "december", 8, 1 }, { "jan", 3, 1 }, { "feb", 3, 1 },
		{ "apr", 3, 1 }, { "jun", 3, 1 }, { "jul", 3, 1 }, { "aug", 3, 1 }, { "sep", 3, 1 },
		{ "sept", 4, 1 }, { "oct", 3, 1 }, { "nov", 3, 1 }, { "dec", 3, 1 },
		{ "monday", 6, 4 }, { "tuesday", 7, 4 }, { "wednesday", 9, 4 }, { "thursday", 8, 4 },
		{ "friday", 6, 4 }, { "saturday", 8, 4 }, { "sunday", 6, 4 }, { "tue", 3, 4 },
		{ "tues", 4, 4 }, { "thu", 3, 4 }, { "thur", 4, 4 }, { "thurs", 5, 4 },
		{ "fri", 3, 4 },
	};

	if (n < 3 || n > 9 || !memchr("adfjmnostw", w[0], 10))
		return 0;
	if ((n == 3 && !memcmp(w, "may", 3)) || (n == 5 && !memcmp(w, "march", 5)))
		return 2;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (names[i].n == n && names[i].s[0] == w[0] && !memcmp(names[i].s, w, n))
			return names[i].kind;
	return 0;
}

/* Whether w[0..n) is a number, or a day of the month ("11th", "1st"). */
static int date_number(const char *w, size_t n)
{
	size_t d = 0;
	while (d < n && w[d] >= '0' && w[d] <= '9')
		d++;
	return d && (d == n || (d + 2 == n && (!memcmp(w + d, "st", 2) || !memcmp(w + d, "nd", 2) ||
	                                       !memcmp(w + d, "rd", 2) || !memcmp(w + d, "th", 2))));
}

/* Whether word w[0..n) is one of the short words that put a month after
 * them ("in May", "since March", "mid-May"), any case. */
static int month_before(const unsigned char *w, size_t n)
{
	static const char *const words[] = {
		"in", "of", "on", "since", "until", "till", "from", "by", "early", "late", "mid",
		"last", "next",
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == n && !strncasecmp(words[i], (const char *)w, n))
			return 1;
	return 0;
}

/* The hash of a dated headline's words less its date (month and weekday
 * names, numbers): "Morning Briefing: Sunday, October 11" and "Morning
 * Briefing: Monday, October 12" are "morning briefing"; 0 for a headline
 * that names no month nor weekday (its shape is its words, h->series).
 * "May" and "March" are a month only beside a day or a year ("May 5",
 * "March 2024", "5th May") or after "in", "since" and their like: the
 * verbs of "Dow may rise 200 points" and "Thousands march in 12 cities"
 * date nothing, and their numbers were left out, so that the next day's
 * "Dow may rise 150 points" was the same headline, a recurring one. */
static uint64_t headline_shape(const char *title)
{
	/* kind: 0 a word, 1 a number (a date's part is left out, below), 2
	 * a month or weekday (left out), 3 "may" or "march"; month: a month's
	 * name */
	struct { const unsigned char *s; size_t n; int kind, month; } w[64];
	size_t nw = 0;
	int dated = 0;
	for (const unsigned char *p = (const unsigned char *)title; *p && nw < 64;) {
		int k = utf8_punct(p);
		unsigned char c = *p;
		if (k || (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		                        (c >= '0' && c <= '9')))) {
			p += k ? k : 1;
			continue;
		}
		w[nw].s = p;
		w[nw].kind = w[nw].month = 0;
		while (*p && !utf8_punct(p) && (*p >= 0x80 || (*p >= 'a' && *p <= 'z') ||
		                                (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			p++;
		w[nw].n = (size_t)(p - w[nw].s);
		char lw[10];
		if (w[nw].n < sizeof lw) {
			for (size_t i = 0; i < w[nw].n; i++)
				lw[i] = (char)(w[nw].s[i] >= 'A' && w[nw].s[i] <= 'Z' ? w[nw].s[i] + 32 : w[nw].s[i]);
			int dn = date_name(lw, w[nw].n);
			w[nw].month = dn == 1;
			if (dn)
				w[nw].kind = dn == 2 ? 3 : 2;
			else if (date_number(lw, w[nw].n))
				w[nw].kind = 1;
		}
		dated |= w[nw].kind == 2;
		nw++;
	}
	/* "may", "march": a month beside a day (1 or 2 digits, or "5th") or
	 * a year (4 digits) or after "in" and its like; "5 May" only as "5th
	 * May" or after "on" and its like ("Over 20 may have died"). */
	for (size_t i = 0; i < nw; i++) {
		if (w[i].kind != 3)
			continue;
		int month = 0;
		if (i + 1 < nw && w[i + 1].kind == 1 && (w[i + 1].n <= 2 || w[i + 1].n == 4 ||
		                                         w[i + 1].s[w[i + 1].n - 1] > '9'))
			month = 1;
		if (i > 0 && month_before(w[i - 1].s, w[i - 1].n))
			month = 1;
		if (i > 0 && w[i - 1].kind == 1 && w[i - 1].n <= 4 &&
		    (w[i - 1].s[w[i - 1].n - 1] > '9' || (i > 1 && month_before(w[i - 2].s, w[i - 2].n))))
			month = 1;
		w[i].kind = month ? 2 : 0;
		w[i].month = month;
		dated |= month;
	}
	if (!dated)
		return 0;
	/* Of the numbers, a date's day and year are left out ("October 12",
	 * "12th May", "the 12th of May", "October 12, 2026") and a serial's
	 * number after '#' (Wordle's "#1577"), which change from one episode
	 * to the next; others are the headline's own ("Storm kills 12 ... on
	 * Monday" and its update "... kills 30 ..." are no series). */
	for (size_t i = 0; i < nw; i++) {
		size_t n = w[i].n;
		int day, near = (i > 0 && w[i - 1].month) || (i + 1 < nw && w[i + 1].month);

		if (w[i].kind != 1)
			continue;
		day = n <= 2 || w[i].s[n - 1] > '9';
		/* An ordinal is beside its month across "of" too: "the 12th of
		 * October" and "the 13th of October" are one series. */
		if (w[i].s[n - 1] > '9' && i + 2 < nw && w[i + 2].month && w[i + 1].n == 2 &&
		    !strncasecmp((const char *)w[i + 1].s, "of", 2))
			near = 1;
		if ((day && near) || (w[i].s > (const unsigned char *)title && w[i].s[-1] == '#'))
			continue;
		if (n == 4 && i > 0 && (w[i - 1].month || (w[i - 1].kind == 1 && i > 1 && w[i - 2].month)))
			continue;
		w[i].kind = 0;
	}
	uint64_t x = 0xcbf29ce484222325ull;
	int any = 0;
	for (size_t i = 0; i < nw; i++) {
		if (w[i].kind)
			continue;
		if (any)
			x = fnv_byte(x, ' ');
		any = 1;
		for (size_t j = 0; j < w[i].n; j++)
			x = fnv_byte(x, w[i].s[j] >= 'A' && w[i].s[j] <= 'Z' ? w[i].s[j] + 32 : w[i].s[j]);
	}
	return any ? (x ? x : 1) : 0;
}

void headix_headline(struct headix_headline *h, const char *title, const char *lang)
{
	struct simhash_info si;
	memset(h, 0, sizeof *h);
	h->plain = 1;
	if (!title)
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
		/* Arabic and Hebrew marks and the tatweel are no part of the
		 * headline, and a letter's forms are one (rtl_fold(), as in
		 * the clusterer's terms): "الرئيـــس" and "الرئيس", "رسمياً"
		 * and "رسميا" are one headline's words. */
		utf8proc_uint8_t rb[4];
		const unsigned char *bytes = p;
		if (cp >= 0x591 && cp <= 0x6ed) {
			utf8proc_int32_t r = rtl_fold(cp);
			if (r < 0) {
				p += k;
				continue;
			}
			if (r != cp) {
				utf8proc_encode_char(r, rb);
				bytes = rb;  /* 2 bytes, as cp's */
			}
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
			x = fnv_byte(x, bytes[j] >= 'A' && bytes[j] <= 'Z' ? bytes[j] + 32 : bytes[j]);
	}
	free(norm);
	if (any)
		h->series = x ? x : 1;
	h->shape = headline_shape(title);
	if (simhash_text_lang(title, strlen(title), lang, &si) < 0)
		return;
	h->fp = si.fp;
	h->plain = !si.distinctive;
	if (si.words >= 3)
		h->hash = h->series;
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

/* Keeps a dated headline's shape (headix_recurs()) apart from every
 * headline's own key. */
#define SHAPE_SALT 0x5bd1e9955bd1e995ull

/* The key of a publisher (host) and a headline's hash; 0 without either. */
static uint64_t site_key(const char *host, uint64_t hash)
{
	if (!host || !*host || !hash)
		return 0;
	uint64_t k = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)host; *p; p++)
		k = fnv_byte(k, *p);
	k = (k ^ hash) * 0x9e3779b97f4a7c15ull;
	k ^= k >> 29;
	return k ? k : 1;
}

uint64_t headix_series(const char *host, const struct headix_headline *h)
{
	/* A dated headline by its shape: "Today in History: October 12"
	 * and "...: October 13" are one series, whose dates differ. */
	return site_key(host, h->shape ? h->shape : h->series);
}

void headix_item(struct headix_item *it, const char *host, const struct headix_headline *h,
                 int via_aggregator, uint64_t story_bag)
{
	/* Every headline is remembered (headix_recurs()); one of fewer than
	 * 3 words names no article (headix_get()).  Two items of one key
	 * have one headline, so both or neither are short. */
	it->key = site_key(host, h->series);
	it->short_headline = !h->hash;
	/* For headix_recurs(): the headlines of its shape, undated (their
	 * key) and dated (under the shape's own key, apart from any
	 * headline's). */
	it->shape_key = site_key(host, h->shape ? h->shape : h->series);
	it->dated_key = site_key(host, (h->shape ? h->shape : h->series) ^ SHAPE_SALT);
	it->dated = h->shape != 0;
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
		live += ix->t[i].key && ix->t[i].id && ix->t[i].time >= horizon;
	size_t cap = ix->mask + 1;
	while (live * 2 > cap)
		cap *= 2;
	struct hentry *t = calloc(cap, sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i <= ix->mask; i++)
		if (ix->t[i].key && ix->t[i].id && ix->t[i].time >= horizon)
			*free_slot(t, cap - 1, ix->t[i].key) = ix->t[i];
	free(ix->t);
	ix->t = t;
	ix->mask = cap - 1;
	ix->n = live;
	return 0;
}

static int put_key(struct headix *ix, const struct headix_item *it, uint64_t key, int64_t story_id,
                   int64_t time);

int headix_put(struct headix *ix, const struct headix_item *it, int64_t story_id, int64_t time)
{
	/* A dated headline is remembered by its shape too (headix_recurs()),
	 * as an entry no other lookup's key meets. */
	if (it->key && it->dated && put_key(ix, it, it->dated_key, story_id, time) < 0)
		return -1;
	return put_key(ix, it, it->key, story_id, time);
}

static int put_key(struct headix *ix, const struct headix_item *it, uint64_t key, int64_t story_id,
                   int64_t time)
{
	if (!key)
		return 0;
	if (time > ix->newest)
		ix->newest = time;
	if ((ix->n + 1) * 4 > (ix->mask + 1) * 3 && rehash(ix) < 0)
		return -1;
	/* The key's run: its entries, its oldest, and the free slot at its
	 * end.  Past HEADIX_SAME_MAX the oldest gives way (in place: the run
	 * stays unbroken), or the story does when it is older still. */
	struct hentry *oldest = NULL, *dead = NULL;
	size_t same = 0, i = home(key, ix->mask);
	for (; ix->t[i].key; i = (i + 1) & ix->mask)
		if (ix->t[i].key == key) {
			if (!ix->t[i].id) {  /* forgotten (headix_forget) */
				if (!dead)
					dead = &ix->t[i];
				continue;
			}
			same++;
			if (!oldest || ix->t[i].time < oldest->time)
				oldest = &ix->t[i];
		}
	struct hentry *slot = &ix->t[i];
	/* A forgotten entry of the key first: a headline edited back and
	 * forth (a live blog's "LIVE: ..." and back) takes no more room. */
	if (dead) {
		slot = dead;
	} else if (same >= HEADIX_SAME_MAX) {
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

/* A forgotten entry keeps its key, so that the run it is part of stays
 * unbroken, with id 0: lookups pass it by, the next rehash drops it. */
static void forget_key(struct headix *ix, uint64_t key, int64_t story_id)
{
	if (!key)
		return;
	for (size_t i = home(key, ix->mask); ix->t[i].key; i = (i + 1) & ix->mask)
		if (ix->t[i].key == key && ix->t[i].id == story_id)
			ix->t[i].id = 0;
}

void headix_forget(struct headix *ix, const struct headix_item *it, int64_t story_id)
{
	if (!it->key || !story_id)
		return;
	if (it->dated)
		forget_key(ix, it->dated_key, story_id);
	forget_key(ix, it->key, story_id);
}

int64_t headix_get(const struct headix *ix, const struct headix_item *it, int64_t time)
{
	int64_t best = 0, best_d = HEADIX_SPAN + 1;
	uint64_t key = it->key;
	if (!key || it->short_headline)
		return 0;
	for (size_t i = home(key, ix->mask); ix->t[i].key; i = (i + 1) & ix->mask) {
		const struct hentry *e = &ix->t[i];
		int64_t d = e->time > time ? e->time - time : time - e->time;
		if (e->key != key || !e->id)
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

int headix_recurs(const struct headix *ix, const struct headix_item *it, int64_t time, int64_t gap,
                  int64_t *ids, int max)
{
	int n = 0;
	if (!it->key)
		return 0;
	/* The undated headlines of its shape (its own, when it is undated),
	 * then the dated ones. */
	for (int pass = 0; pass < 2; pass++) {
		uint64_t key = pass ? it->dated_key : it->shape_key;
		for (size_t i = home(key, ix->mask); key && ix->t[i].key; i = (i + 1) & ix->mask) {
			const struct hentry *e = &ix->t[i];
			int64_t d = e->time > time ? e->time - time : time - e->time;
			if (e->key == key && e->id && d >= gap && d <= ix->window) {
				if (n < max)
					ids[n] = e->id;
				n++;
			}
		}
	}
	return n;
}

size_t headix_count(const struct headix *ix)
{
	return ix->n;
}

size_t headix_memory(const struct headix *ix)
{
	return sizeof *ix + (ix->mask + 1) * sizeof *ix->t;
}
