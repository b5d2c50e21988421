/* daemon/vocab.c — the clusterer's term vocabulary (see vocab.h): an
 * arena of the terms' strings, the entries by id, and an open-addressing
 * table from strings to ids. */
#include "daemon/vocab.h"

#include <stdlib.h>
#include <string.h>

int vocab_init(struct vocab *voc)
{
	memset(voc, 0, sizeof *voc);
	voc->df_epoch = 1;
	voc->mask = 1023;
	voc->prune_at = 65536;
	voc->df_full = 1;
	voc->hash = calloc(1024, sizeof *voc->hash);
	return voc->hash ? 0 : -1;
}

void vocab_free(struct vocab *voc)
{
	free(voc->term);
	free(voc->freeterms);
	free(voc->hash);
	free(voc->arena);
}

static inline int arena_put(struct vocab *voc, const char *s, size_t n, uint32_t *off)
{
	if (voc->arena_len + n + 1 > voc->arena_cap) {
		size_t cap = voc->arena_cap ? voc->arena_cap * 2 : 65536;
		while (cap < voc->arena_len + n + 1)
			cap *= 2;
		char *a = realloc(voc->arena, cap);
		if (!a)
			return -1;
		voc->arena = a;
		voc->arena_cap = cap;
	}
	memcpy(voc->arena + voc->arena_len, s, n);
	voc->arena[voc->arena_len + n] = '\0';
	*off = (uint32_t)voc->arena_len;
	voc->arena_len += n + 1;
	return 0;
}

/* Whether slot e holds the term s[0..n), whose fnv() is h. */
static int vslot_is(const struct vocab *voc, const struct vslot *e, uint32_t h,
		    const char *s, size_t n)
{
	if (e->hash != h)
		return 0;
	if (n < sizeof e->name)
		return memcmp(e->name, s, n) == 0 && e->name[n] == '\0';
	const char *t = voc->arena + voc->term[e->id1 - 1].name;
	return memcmp(t, s, n) == 0 && t[n] == '\0';
}

/* Rehashes the vocabulary table into cap slots.  It fills up to 3/4: with
 * 32-byte slots, two to a cache line, a probe run of a few slots costs
 * little more than one, and the table is a third of the vocabulary's
 * memory. */
static int vhash_resize(struct vocab *voc, size_t cap)
{
	struct vslot *nh = calloc(cap, sizeof *nh);
	if (!nh)
		return -1;
	for (size_t k = 0; k <= voc->mask; k++) {
		if (!voc->hash[k].id1)
			continue;
		size_t j = voc->hash[k].hash & (cap - 1);
		while (nh[j].id1)
			j = (j + 1) & (cap - 1);
		nh[j] = voc->hash[k];
	}
	free(voc->hash);
	voc->hash = nh;
	voc->mask = cap - 1;
	return 0;
}

/* struct vterm.kw_hide for the term s[0..n) whose vocab_when() is when. */
static int kw_hidden(uint8_t when, const char *s, size_t n)
{
	if ((when >= VOCAB_WEEKDAY && when < VOCAB_YEAR) || when == VOCAB_CLOCK)
		return 1;
	return (n == 1 || (n == 2 && s[1] >= '0' && s[1] <= '9')) && s[0] >= '0' && s[0] <= '9';
}

/* The rest of vocab_intern_h() (daemon/vocab.h): a long term's lookup
 * from slot i, or a new term's entry at the empty slot i where a short
 * one's probe ended.  Apart, so that the lookup of a known short term,
 * nearly every call, runs without this part's registers to save and
 * restore. */
__attribute__((noinline)) uint32_t vocab_intern_from(struct vocab *voc, const char *s,
						     size_t n, uint32_t h, size_t i)
{
	while (voc->hash[i].id1) {
		if (vslot_is(voc, &voc->hash[i], h, s, n))
			return voc->hash[i].id1 - 1;
		i = (i + 1) & voc->mask;
	}
	if ((size_t)(voc->live + 1) * 4 > (voc->mask + 1) * 3) {
		if (vhash_resize(voc, (voc->mask + 1) * 2) < 0)
			return UINT32_MAX;
		i = h & voc->mask;
		while (voc->hash[i].id1)
			i = (i + 1) & voc->mask;
	}
	uint32_t id;
	if (voc->nfreeterms) {
		id = voc->freeterms[voc->nfreeterms - 1];
	} else {
		if (voc->n >= VOCAB_MAX_TERMS ||
		    grow((void **)&voc->term, &voc->cap, sizeof *voc->term, voc->n + 1) < 0)
			return UINT32_MAX;
		id = voc->n;
	}
	struct vterm *v = &voc->term[id];
	memset(v, 0, sizeof *v);
	if (arena_put(voc, s, n, &v->name) < 0) {
		v->dead = 1;
		return UINT32_MAX;
	}
	if (voc->nfreeterms)
		voc->nfreeterms--;
	else
		voc->n++;
	voc->live++;
	v->surf = v->name;
	v->when = vocab_when(s, n);
	v->kw_hide = kw_hidden(v->when, s, n);
	struct vslot *e = &voc->hash[i];
	memset(e, 0, sizeof *e);
	e->id1 = id + 1;
	e->hash = h;
	if (n < sizeof e->name)
		memcpy(e->name, s, n);
	return id;
}

/* VOCAB_CLOCK, VOCAB_LABEL or 0 for s[0..n): see daemon/vocab.h.  The
 * zones are the abbreviations news sites print after a time; labels as
 * Snowball's English stemmer leaves them, and as written. */
static uint8_t dateline_word(const char *s, size_t n)
{
	static const char *const clock[] = {
		"am", "pm", "gmt", "utc", "bst", "cet", "cest", "eet", "eest", "wet", "msk",
		"et", "pt", "ct", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt",
		"akst", "akdt", "hst", "jst", "kst", "hkt", "sgt", "aest", "aedt", "awst",
	};
	static const char *const label[] = {
		"post", "posted", "updat", "updated", "publish", "published", "modifi",
		"modified", "last",
	};
	if (n < 2 || n > 9)
		return 0;
	/* A time of day, "8pm", "19pm", "45am" (the tokenizer splits
	 * 8:45am), or a day of the month, "28th", "1st". */
	if ((n == 3 || n == 4) && s[0] >= '0' && s[0] <= '9' &&
	    (n == 3 || (s[1] >= '0' && s[1] <= '9'))) {
		const char *x = s + n - 2;
		int day = n == 3 ? s[0] - '0' : (s[0] - '0') * 10 + s[1] - '0';
		if ((x[0] == 'a' || x[0] == 'p') && x[1] == 'm')
			return VOCAB_CLOCK;
		if (day >= 1 && day <= 31 && (!memcmp(x, "st", 2) || !memcmp(x, "nd", 2) ||
					      !memcmp(x, "rd", 2) || !memcmp(x, "th", 2)))
			return VOCAB_CLOCK;
	}
	for (size_t i = 0; i < sizeof clock / sizeof clock[0]; i++)
		if (strlen(clock[i]) == n && !memcmp(clock[i], s, n))
			return VOCAB_CLOCK;
	for (size_t i = 0; i < sizeof label / sizeof label[0]; i++)
		if (strlen(label[i]) == n && !memcmp(label[i], s, n))
			return VOCAB_LABEL;
	return 0;
}

uint8_t vocab_when(const char *s, size_t n)
{
	/* Every new term comes here once: its first three letters are
	 * compared as one word with the twelve months' and seven days', and
	 * only a term starting like one of them is compared whole. */
	static const char prefix[19][4] = {
		"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
		"mon", "tue", "wed", "thu", "fri", "sat", "sun",
	};
	/* The rest of each name as Snowball's English stemmer leaves it, as
	 * written, and "" where the abbreviation counts too (not "mar",
	 * "mon", "wed", "sat", "sun": words or names as well). */
	static const char *const rest[19][3] = {
		{ "uari", "uary", "" }, { "ruari", "ruary", "" }, { "ch", NULL, NULL },
		{ "il", NULL, "" }, { "", NULL, NULL }, { "e", NULL, "" }, { "i", "y", "" },
		{ "ust", NULL, "" }, { "temb", "tember", "" }, { "ob", "ober", "" },
		{ "emb", "ember", "" }, { "emb", "ember", "" },
		{ "day", NULL, NULL }, { "sday", NULL, "" }, { "nesday", NULL, NULL },
		{ "rsday", NULL, "" }, { "day", NULL, "" }, { "urday", NULL, NULL },
		{ "day", NULL, NULL },
	};
	uint8_t d = dateline_word(s, n);
	if (d || n < 3 || n > 9)
		return d;
	if (n == 4 && s[0] >= '1' && s[0] <= '2') {
		int y = 0;
		for (size_t i = 0; i < 4; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			y = y * 10 + (s[i] - '0');
		}
		return y >= VOCAB_YEAR0 && y <= VOCAB_YEAR0 + 255 - VOCAB_YEAR ?
		       (uint8_t)(VOCAB_YEAR + y - VOCAB_YEAR0) : 0;
	}
	for (int k = 0; k < 19; k++) {
		if (s[0] != prefix[k][0] || s[1] != prefix[k][1] || s[2] != prefix[k][2])
			continue;
		uint8_t code = (uint8_t)(k < 12 ? k + 1 : VOCAB_WEEKDAY + k - 12);
		for (int j = 0; j < 3; j++)
			if (rest[k][j] && strlen(rest[k][j]) == n - 3 && !memcmp(rest[k][j], s + 3, n - 3))
				return code;
		/* "sept" */
		return k == 8 && n == 4 && s[3] == 't' ? code : 0;
	}
	return 0;
}

int vocab_set_surface(struct vocab *voc, uint32_t t, const char *s, size_t n, int good)
{
	uint32_t off;
	if (arena_put(voc, s, n, &off) < 0)
		return -1;
	voc->term[t].surf = off;
	voc->term[t].surf_good = good != 0;
	return 0;
}

/* The names of pruned terms, and surfaces replaced by better ones, stay
 * in the arena, which only grows: a daemon running for months would keep
 * every word it ever saw.  After a prune, the live terms' strings move to
 * a fresh arena (all or nothing: without memory for it, the old one
 * stays). */
static void arena_compact(struct vocab *voc)
{
	size_t need = 0, len = 0, cap = 65536;
	char *a;

	for (uint32_t t = 0; t < voc->n; t++) {
		const struct vterm *v = &voc->term[t];
		if (v->dead)
			continue;
		need += strlen(voc->arena + v->name) + 1;
		if (v->surf != v->name)
			need += strlen(voc->arena + v->surf) + 1;
	}
	while (cap < need + 1)
		cap *= 2;
	if (cap >= voc->arena_cap || !(a = malloc(cap)))
		return;
	for (uint32_t t = 0; t < voc->n; t++) {
		struct vterm *v = &voc->term[t];
		if (v->dead)
			continue;
		size_t n = strlen(voc->arena + v->name) + 1;
		uint32_t name = (uint32_t)len;
		memcpy(a + len, voc->arena + v->name, n);
		len += n;
		if (v->surf != v->name) {
			n = strlen(voc->arena + v->surf) + 1;
			memcpy(a + len, voc->arena + v->surf, n);
			v->surf = (uint32_t)len;
			len += n;
		} else {
			v->surf = name;
		}
		v->name = name;
	}
	free(voc->arena);
	voc->arena = a;
	voc->arena_len = len;
	voc->arena_cap = cap;
}

/* Forgets rare terms that no thread in memory holds: the vocabulary would
 * otherwise grow with every name and typo ever seen.  When such a term comes
 * back its frequency starts over, so a word that was rare and is suddenly
 * everywhere again counts as news, which is what it is. */
void vocab_prune(struct vocab *voc, int (*held)(const void *arg, uint32_t t), const void *arg)
{
	/* A pruned term may have a row in the saved table, and its id may
	 * come back as another term: the next save is whole. */
	voc->df_full = 1;
	for (uint32_t t = 0; t < voc->n; t++) {
		struct vterm *v = &voc->term[t];
		/* Kept: terms a thread in memory holds (held), and the common
		 * vocabulary (df of at least 1 in 1000 stories), whose frequency
		 * matters. */
		if (v->dead || held(arg, t) || (v->df > 1 && (int64_t)v->df * 1000 >= voc->ndocs))
			continue;
		uint32_t cap = voc->capfreeterms;
		if (grow((void **)&voc->freeterms, &cap, sizeof *voc->freeterms, voc->nfreeterms + 1) < 0)
			break;
		voc->capfreeterms = cap;
		const char *nm = voc->arena + v->name;
		uint32_t h = fnv(nm, strlen(nm));
		size_t i = h & voc->mask;
		while (voc->hash[i].id1 && voc->hash[i].id1 != t + 1)
			i = (i + 1) & voc->mask;
		if (!voc->hash[i].id1)
			continue; /* cannot happen: every live term is in the table */
		/* Backward-shift delete keeps probe runs unbroken. */
		size_t j = i;
		for (;;) {
			j = (j + 1) & voc->mask;
			if (!voc->hash[j].id1)
				break;
			size_t home = voc->hash[j].hash & voc->mask;
			if (((j - home) & voc->mask) >= ((j - i) & voc->mask)) {
				voc->hash[i] = voc->hash[j];
				i = j;
			}
		}
		memset(&voc->hash[i], 0, sizeof voc->hash[i]);
		v->dead = 1;
		voc->freeterms[voc->nfreeterms++] = t;
		voc->live--;
	}
	/* The next prune when an eighth as many terms again have come: the
	 * vocabulary stays within 1/8 of what the window's threads hold plus
	 * the common words, however long the stream ran.  The table, the
	 * entries and the names are sized by the peak, and a bigger table is
	 * a cache miss more per lookup; a prune costs a pass over the entries
	 * and a copy of the live names, a few ms every ~40k stories at 50k in
	 * the window. */
	uint32_t next = voc->live + voc->live / 8;
	voc->prune_at = next > 65536 ? next : 65536;
	/* The table shrinks with the vocabulary, to the size that holds it up
	 * to the next prune (3/4 full at most, as vocab_intern_h grows it). */
	size_t cap = voc->mask + 1;
	while (cap > 1024 && (size_t)voc->prune_at * 4 <= cap / 2 * 3)
		cap /= 2;
	if (cap < voc->mask + 1)
		vhash_resize(voc, cap); /* without memory, the big one stays */
	arena_compact(voc);
}

void vocab_df_changed(struct vocab *voc)
{
	if (++voc->df_epoch == 0) {
		for (uint32_t t = 0; t < voc->n; t++)
			voc->term[t].idf_epoch = 0;
		voc->df_epoch = 1;
	}
}

size_t vocab_memory(const struct vocab *voc)
{
	return voc->arena_cap + (size_t)voc->cap * sizeof *voc->term +
	       (voc->mask + 1) * sizeof *voc->hash + (size_t)voc->capfreeterms * 4;
}
