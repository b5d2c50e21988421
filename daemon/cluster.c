/* daemon/cluster.c — the online clusterer behind threads (see cluster.h for
 * the model).  Owns the active threads with their centroids, the inverted
 * index term -> active threads and the stories in the window; scores, joins,
 * merges and expires; the public API.  Its other parts: the vocabulary with
 * document frequencies (daemon/vocab.c), story vectors (cluster_vec.c), the
 * id maps (cluster_imap.c); cluster_int.h has what they share. */
#include "daemon/cluster_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define POST_CAP 256   /* longer postings are probed on candidates only */
#define NCAND 6        /* best candidates kept for the join and merge checks */
#define NPRE 4         /* candidates by centroid that get the member cosine */
#define GEN_TERMS 16   /* heaviest story terms that generate candidates */
#define SHORTLIST 8   /* threads completed with the common terms */
_Static_assert(SHORTLIST <= 8, "clusterer.cfound holds 8 threads' lookups");

void cluster_params_default(struct cluster_params *p)
{
	/* Chosen on the labelled development sets (bench/cluster_replay.py):
	 * one configuration for headlines-only and full-article streams. */
	memset(p, 0, sizeof *p);
	p->window = 72 * 3600;
	p->join_threshold = 0.19;
	p->merge_threshold = 0.35;
	p->title_weight = 3.0;
	p->entity_weight = 1.0;
	p->time_decay = 24.0;
	p->simhash_distance = 3;
	p->member_weight = 1.0;
	p->max_terms = 48;
	p->max_members = 16;
	p->store_terms = 32;
	p->length_exponent = 0.3;
	p->entity_share = 0;
	p->clash_factor = 0.7;
	p->merge_gate = 0.75;
}

/* ---- threads ---------------------------------------------------------- */

/* The filter bit of a term: the high bits of another multiplicative hash
 * than the table's (which takes the low bits), spread over 192. */
static inline uint32_t cf_bit(uint32_t term)
{
	return (uint32_t)(((uint64_t)(term * 0x85ebca6bu) * 192) >> 32);
}

static struct cent *cent_find(const struct thread *t, uint32_t term)
{
	if (!t->ct_cap)
		return NULL;
	uint32_t m = t->ct_cap - 1, i = (term * 2654435761u) & m;
	while (t->ct[i].key) {
		if (t->ct[i].key == term + 1)
			return &t->ct[i];
		i = (i + 1) & m;
	}
	return NULL;
}

static double cent_w(const struct clusterer *c, const struct thread *t, uint32_t term)
{
	const struct cent *e = cent_find(t, term);
	return e ? c->pl[term].post[e->pos].w : 0.0;
}

/* Doubles an open-addressing table of `elem`-byte entries whose first
 * member is a uint32_t key (term + 1; 0 marks a free slot), rehashing
 * every entry.  Both per-thread tables (centroid positions, entity
 * weights) are of this shape. */
static int table_grow(void **tab, uint32_t *cap, size_t elem, uint32_t first)
{
	uint32_t nc = *cap ? *cap * 2 : first;
	char *n = calloc(nc, elem), *old = *tab;
	if (!n)
		return -1;
	for (uint32_t i = 0; i < *cap; i++) {
		uint32_t key;
		memcpy(&key, old + (size_t)i * elem, sizeof key);
		if (!key)
			continue;
		uint32_t j = ((key - 1) * 2654435761u) & (nc - 1);
		for (;;) {
			uint32_t k;
			memcpy(&k, n + (size_t)j * elem, sizeof k);
			if (!k)
				break;
			j = (j + 1) & (nc - 1);
		}
		memcpy(n + (size_t)j * elem, old + (size_t)i * elem, elem);
	}
	free(old);
	*tab = n;
	*cap = nc;
	return 0;
}

static int cent_grow(struct thread *t)
{
	return table_grow((void **)&t->ct, &t->ct_cap, sizeof *t->ct, 32);
}

/* Postings: most terms are held by one thread or a few, so the arrays
 * start at one entry and double (the capacity is kept as a shift), and
 * halve when they fall to a quarter full. */
static uint32_t post_cap(const struct plist *v)
{
	return v->postcap ? 1u << (v->postcap - 1) : 0;
}

static int post_reserve(struct plist *v)
{
	if (v->npost < post_cap(v))
		return 0;
	uint8_t pc = (uint8_t)(v->postcap + 1);
	struct posting *p = realloc(v->post, ((size_t)1 << (pc - 1)) * sizeof *p);
	if (!p)
		return -1;
	v->post = p;
	v->postcap = pc;
	return 0;
}

static void post_shrink(struct plist *v)
{
	if (!v->npost) {
		free(v->post);
		v->post = NULL;
		v->postcap = 0;
	} else if (v->postcap > 3 && (v->npost << 2) <= post_cap(v)) {
		struct posting *p = realloc(v->post, (size_t)post_cap(v) / 2 * sizeof *p);
		if (p) {
			v->post = p;
			v->postcap--;
		}
	}
}

/* Adds w to thread slot's centroid weight of term; call cent_norm() after. */
static int cent_add(struct clusterer *c, uint32_t slot, uint32_t term, double w)
{
	struct thread *t = &c->th[slot];
	struct cent *e = cent_find(t, term);
	struct plist *v = &c->pl[term];
	if (!e) {
		if ((t->ct_n + 1) * 4 > t->ct_cap * 3 && cent_grow(t) < 0)
			return -1;
		if (post_reserve(v) < 0)
			return -1;
		uint32_t m = t->ct_cap - 1, i = (term * 2654435761u) & m;
		while (t->ct[i].key)
			i = (i + 1) & m;
		t->ct[i] = (struct cent){ term + 1, v->npost };
		v->post[v->npost++] = (struct posting){ slot, 0 };
		t->ct_n++;
		uint32_t b = cf_bit(term);
		t->cf[b / 64] |= 1ULL << (b % 64);
		e = &t->ct[i];
	}
	float oldf = v->post[e->pos].w;
	double old = oldf, nw = old + w;
	v->post[e->pos].w = (float)nw;
	t->ct_live += (fabsf((float)nw) > 1e-6f) - (fabsf(oldf) > 1e-6f);
	t->norm2 += nw * nw - old * old;
	if (t->norm2 < 1e-12)
		t->norm2 = 0;
	return 0;
}

/* Refreshes the 1/|centroid| the posting scan reads, after a run of
 * cent_add() calls on slot (its callers do it once, not per term). */
static void cent_norm(struct clusterer *c, uint32_t slot)
{
	double n2 = c->th[slot].norm2;
	c->sc[slot].invn = n2 > 0 ? (float)(1.0 / sqrt(n2)) : 0;
}

static int em_add(struct thread *t, uint32_t term, double w)
{
	if ((t->em_n + 1) * 2 > t->em_cap &&
	    table_grow((void **)&t->em, &t->em_cap, sizeof *t->em, 16) < 0)
		return -1;
	uint32_t m = t->em_cap - 1, i = (term * 2654435761u) & m;
	while (t->em[i].key && t->em[i].key != term + 1)
		i = (i + 1) & m;
	if (!t->em[i].key) {
		t->em[i].key = term + 1;
		t->em_n++;
	}
	double old = t->em[i].w, nw = old + w;
	t->em[i].w = (float)nw;
	t->em_top_stale = 1;
	t->em_norm2 += nw * nw - old * old;
	if (t->em_norm2 < 0)
		t->em_norm2 = 0;
	return 0;
}

static double em_w(const struct thread *t, uint32_t term)
{
	if (!t->em_cap)
		return 0;
	uint32_t m = t->em_cap - 1, i = (term * 2654435761u) & m;
	while (t->em[i].key) {
		if (t->em[i].key == term + 1)
			return t->em[i].w;
		i = (i + 1) & m;
	}
	return 0;
}

/* Cosine of the story's names with the thread's names; -1 when either has
 * none (then names say nothing either way). */
static double em_cos(const struct thread *t, const struct tw *v, uint32_t n)
{
	double s = 0, qn = 0;
	for (uint32_t i = 0; i < n; i++)
		if (v[i].ent) {
			qn += (double)v[i].w * v[i].w;
			s += v[i].w * em_w(t, v[i].term);
		}
	if (qn <= 0 || t->em_norm2 <= 0)
		return -1;
	return s / sqrt(qn * t->em_norm2);
}

/* The thread's heaviest name (the first in slot order among equal
 * weights), UINT32_MAX for none: a scan of the name table, done again
 * only after the table changed (a thread is scored far more often than
 * it is joined). */
static uint32_t em_top(struct thread *t)
{
	if (t->em_top_stale) {
		uint32_t ttop = UINT32_MAX;
		float tb = 0;
		for (uint32_t i = 0; i < t->em_cap; i++)
			if (t->em[i].key && t->em[i].w > tb) {
				tb = t->em[i].w;
				ttop = t->em[i].key - 1;
			}
		t->em_top1 = ttop + 1; /* UINT32_MAX + 1 == 0: none */
		t->em_top_stale = 0;
	}
	return t->em_top1 - 1;
}

/* Two stories of the same kind of event (two DUI arrests of one team's
 * players, two injured-reserve moves) share everything but who: the name
 * that weighs most in the story is absent from the thread, and the thread's
 * heaviest name is absent from the story.  Then it is another event. */
static int names_clash(struct thread *t, const struct tw *v, uint32_t n)
{
	uint32_t top = UINT32_MAX;
	float best = 0;
	for (uint32_t i = 0; i < n; i++)
		if (v[i].ent && v[i].w > best) {
			best = v[i].w;
			top = v[i].term;
		}
	if (top == UINT32_MAX || t->em_norm2 <= 0)
		return 0;
	if (em_w(t, top) > 0.1 * sqrt(t->em_norm2))
		return 0;
	uint32_t ttop = em_top(t);
	for (uint32_t i = 0; i < n; i++)
		if (v[i].term == ttop)
			return 0;
	return 1;
}

static double em_cos2(const struct thread *a, const struct thread *b)
{
	if (a->em_n > b->em_n) {
		const struct thread *x = a;
		a = b;
		b = x;
	}
	if (a->em_norm2 <= 0 || b->em_norm2 <= 0)
		return -1;
	double s = 0;
	for (uint32_t i = 0; i < a->em_cap; i++)
		if (a->em[i].key)
			s += a->em[i].w * em_w(b, a->em[i].key - 1);
	return s / sqrt(a->em_norm2 * b->em_norm2);
}

static double cos_centroid(const struct clusterer *c, const struct thread *t,
			   const struct tw *v, uint32_t n)
{
	if (t->norm2 <= 0)
		return 0;
	double s = 0;
	for (uint32_t i = 0; i < n; i++)
		s += v[i].w * cent_w(c, t, v[i].term);
	return s / sqrt(t->norm2);
}

static int src_add(struct thread *t, uint32_t h)
{
	if (!h)
		return 0;
	if ((t->nsrc + 1) * 2 > t->capsrc) {
		uint32_t cap = t->capsrc ? t->capsrc * 2 : 8;
		uint32_t *n = calloc(cap, sizeof *n);
		if (!n)
			return -1;
		for (uint32_t i = 0; i < t->capsrc; i++)
			if (t->src[i]) {
				uint32_t j = t->src[i] & (cap - 1);
				while (n[j])
					j = (j + 1) & (cap - 1);
				n[j] = t->src[i];
			}
		free(t->src);
		t->src = n;
		t->capsrc = cap;
	}
	uint32_t j = h & (t->capsrc - 1);
	while (t->src[j] && t->src[j] != h)
		j = (j + 1) & (t->capsrc - 1);
	if (!t->src[j]) {
		t->src[j] = h;
		t->nsrc++;
	}
	return 0;
}

static int ensure_scratch(struct clusterer *c)
{
	if (c->nth <= c->capth)
		return 0;
	uint32_t cap = c->capth ? c->capth : 64;
	while (cap < c->nth)
		cap *= 2;
	struct slotsc *a = realloc(c->sc, cap * sizeof *a);
	if (!a)
		return -1;
	c->sc = a;
	memset(c->sc + c->capth, 0, (cap - c->capth) * sizeof *a);
	uint32_t *t = realloc(c->touched, cap * sizeof *t);
	if (!t)
		return -1;
	c->touched = t;
	c->capth = cap;
	return 0;
}

/* Room for one more thread slot.  realloc() would not keep the array on
 * cache lines. */
static int th_grow(struct clusterer *c)
{
	if (c->nth < c->thcap)
		return 0;
	uint32_t cap = c->thcap ? c->thcap * 2 : 64;
	struct thread *n = aligned_alloc(64, (size_t)cap * sizeof *n);
	if (!n)
		return -1;
	if (c->nth)
		memcpy(n, c->th, (size_t)c->nth * sizeof *n);
	free(c->th);
	c->th = n;
	c->thcap = cap;
	return 0;
}

static uint32_t thread_new(struct clusterer *c, int64_t id)
{
	uint32_t slot;
	if (c->nfree) {
		slot = c->freeslots[--c->nfree];
	} else {
		if (th_grow(c) < 0)
			return UINT32_MAX;
		slot = c->nth++;
		if (ensure_scratch(c) < 0) {
			c->nth--;
			return UINT32_MAX;
		}
	}
	struct thread *t = &c->th[slot];
	memset(t, 0, sizeof *t);
	c->sc[slot].invn = 0;
	t->id = id;
	t->mem_sorted = 1;
	t->kw_stale = 1;
	if (imap_put(&c->threads, id, (void *)(uintptr_t)(slot + 1)) < 0) {
		t->id = 0;
		if (slot == c->nth - 1)
			c->nth--;
		else
			c->freeslots[c->nfree++] = slot; /* room: it was just popped */
		return UINT32_MAX;
	}
	c->live_threads++;
	return slot;
}

/* Removes slot's entries from the postings (swap-remove, fixing the moved
 * entry's back pointer in its own thread). */
static void thread_unindex(struct clusterer *c, uint32_t slot)
{
	struct thread *t = &c->th[slot];
	/* Every entry is a chain of misses (term, its last posting, that
	 * posting's thread, its centroid slot): walked once to ask for the
	 * terms' entries and once for their last postings, the chains overlap. */
	for (uint32_t i = 0; i < t->ct_cap; i++)
		if (t->ct[i].key)
			__builtin_prefetch(&c->pl[t->ct[i].key - 1]);
	for (uint32_t i = 0; i < t->ct_cap; i++)
		if (t->ct[i].key) {
			const struct plist *v = &c->pl[t->ct[i].key - 1];
			__builtin_prefetch(&v->post[v->npost - 1]);
		}
	for (uint32_t i = 0; i < t->ct_cap; i++) {
		if (!t->ct[i].key)
			continue;
		uint32_t term = t->ct[i].key - 1, pos = t->ct[i].pos;
		struct plist *v = &c->pl[term];
		uint32_t last = --v->npost;
		if (pos != last) {
			v->post[pos] = v->post[last];
			struct cent *e = cent_find(&c->th[v->post[pos].slot], term);
			e->pos = pos;
		}
		post_shrink(v);
	}
}

/* Frees a thread slot; its stories too when drop_stories. */
static void thread_drop(struct clusterer *c, uint32_t slot, int drop_stories)
{
	struct thread *t = &c->th[slot];
	thread_unindex(c, slot);
	if (drop_stories)
		for (uint32_t i = 0; i < t->nmem; i++) {
			imap_del(&c->stories, t->mem[i]->id);
			free(t->mem[i]);
		}
	imap_del(&c->threads, t->id);
	free(t->ct);
	free(t->mem);
	free(t->src);
	free(t->em);
	free(t->kw);
	memset(t, 0, sizeof *t);
	uint32_t cap = c->capfree;
	if (grow((void **)&c->freeslots, &cap, sizeof *c->freeslots, c->nfree + 1) == 0) {
		c->capfree = cap;
		c->freeslots[c->nfree++] = slot;
	}
	c->live_threads--;
}

/* Rebuilds a centroid without the terms whose weight went to zero as its
 * old stories were forgotten, so that long-running threads do not carry
 * (and index) every word they ever had. */
static void cent_compact(struct clusterer *c, uint32_t slot)
{
	struct thread *t = &c->th[slot];
	/* The count of live entries is kept as weights change: a scan here
	 * would be two misses per entry (term, posting) on a cold thread. */
	uint32_t live = t->ct_live;
	if (live * 2 > t->ct_n)
		return;
	struct tw *keep = malloc((live ? live : 1) * sizeof *keep);
	if (!keep)
		return; /* compaction is an optimisation; skip it */
	uint32_t n = 0;
	for (uint32_t i = 0; i < t->ct_cap; i++) {
		if (!t->ct[i].key)
			continue;
		uint32_t term = t->ct[i].key - 1;
		float w = c->pl[term].post[t->ct[i].pos].w;
		if (fabsf(w) > 1e-6f && n < live)
			keep[n++] = (struct tw){ .term = term, .w = w };
	}
	thread_unindex(c, slot);
	/* The table shrinks to what holds the live terms twice over (the
	 * thread goes on growing); without memory for it, the big one stays. */
	uint32_t cap = t->ct_cap;
	while (cap > 32 && (n * 2 + 1) * 4 <= cap / 2 * 3)
		cap /= 2;
	struct cent *ct = cap < t->ct_cap ? calloc(cap, sizeof *ct) : NULL;
	if (ct) {
		free(t->ct);
		t->ct = ct;
		t->ct_cap = cap;
	} else {
		memset(t->ct, 0, t->ct_cap * sizeof *t->ct);
	}
	t->ct_n = 0;
	t->ct_live = 0;
	memset(t->cf, 0, sizeof t->cf);
	t->norm2 = 0;
	c->sc[slot].invn = 0;
	/* Re-adding fits: the table holds twice as many at 3/4 full. */
	for (uint32_t i = 0; i < n; i++)
		cent_add(c, slot, keep[i].term, keep[i].w);
	cent_norm(c, slot);
	free(keep);
}

/* A long-running thread forgets its stories older than the window: their
 * weight leaves the centroid (which then follows the recent coverage) and
 * their vectors leave memory.  The thread's counts stay.  Members are in
 * the order they joined, which is time order only for a live stream: a
 * first poll brings a feed's back items after its newest ones, so every
 * member is looked at (the thread's oldest time says when none is due),
 * unless the thread knows its members are in time order: then the scan
 * stops at the first one to keep instead of reading every member. */
static void join_prefetch_slots(const struct clusterer *c, uint32_t slot, const struct tw *v,
				uint32_t n);
static void join_prefetch_postings(const struct clusterer *c, uint32_t slot, const struct tw *q,
				   uint32_t n);

static void forget_old(struct clusterer *c, uint32_t slot, int64_t horizon)
{
	struct thread *t = &c->th[slot];
	if (t->oldest >= horizon)
		return;
	uint32_t k = 0, gone = 0;
	int64_t oldest = INT64_MAX;
	for (uint32_t i = 0; i < t->nmem; i++) {
		struct story *s = t->mem[i];
		if (s->time >= horizon && t->mem_sorted) {
			oldest = s->time;
			memmove(&t->mem[k], &t->mem[i], (t->nmem - i) * sizeof *t->mem);
			k += t->nmem - i;
			break;
		}
		if (s->time >= horizon) {
			if (s->time < oldest)
				oldest = s->time;
			t->mem[k++] = s;
			continue;
		}
		/* A story a window old is cold, and so are its centroid slots
		 * and postings: ask for them together, as a join does, and for
		 * the next member. */
		if (i + 1 < t->nmem)
			for (uint32_t j = 0; j < 4; j++)
				__builtin_prefetch((const char *)t->mem[i + 1] + 64 * j);
		join_prefetch_slots(c, slot, s->v, s->n);
		join_prefetch_postings(c, slot, s->v, s->n);
		for (uint32_t j = 0; j < s->n; j++) {
			cent_add(c, slot, s->v[j].term, -s->v[j].w); /* entry exists */
			if (s->v[j].ent)
				em_add(t, s->v[j].term, -s->v[j].w);
		}
		t->terms_sum -= s->n;
		if (t->title_story == s->id)
			t->title_stale = 1;
		imap_del(&c->stories, s->id);
		free(s);
		gone++;
	}
	t->oldest = oldest;
	if (!gone)
		return;
	cent_norm(c, slot);
	t->nmem = k;
	t->kw_stale = 1;
	/* Compact once half of the stories behind the table are gone. */
	t->forgotten += gone;
	if (t->forgotten >= t->nmem) {
		cent_compact(c, slot);
		t->forgotten = 0;
	}
}

/* vocab_prune()'s test: a term some thread in memory holds stays. */
static int term_held(const void *arg, uint32_t t)
{
	const struct clusterer *c = arg;
	return c->pl[t].npost != 0;
}

static void expire(struct clusterer *c)
{
	int64_t horizon = c->now - c->p.window;
	for (uint32_t s = 0; s < c->nth; s++) {
		if (!c->th[s].id)
			continue;
		if (c->th[s].last_updated < horizon)
			thread_drop(c, s, 1);
		else
			forget_old(c, s, horizon);
	}
	c->next_expiry = c->now + (c->p.window / 16 > 0 ? c->p.window / 16 : 1);
	/* (pl covers the vocabulary unless its growth failed for a story) */
	if (vocab_prune_due(&c->voc) && pl_cover(c) == 0)
		vocab_prune(&c->voc, term_held, c);
}

/* Stories older than the window between two expiry passes.  A first poll
 * of a new feed brings weeks of back items while the clock (the newest
 * story time) stands still: each opens or joins a thread already below the
 * horizon, and without a pass every so many of them those threads would
 * pile up until time moved on (hundreds of MiB on a cold poll of 10,000
 * feeds).  Old items still cluster among themselves within a pass. */
#define STALE_SWEEP 4096

static void advance(struct clusterer *c, int64_t time)
{
	if (time > c->now)
		c->now = time;
	else if (time < c->now - c->p.window && ++c->stale_adds >= STALE_SWEEP)
		c->next_expiry = c->now;
	if (c->now >= c->next_expiry) {
		c->stale_adds = 0;
		expire(c);
	}
}

#define KW_MEMBERS 16
#define KW_SLOTS 1024  /* > KW_MEMBERS x max_terms used in practice */

/* Top terms of the thread's recent coverage: the sum of its last stories'
 * vectors (cheap, in cache) rather than a pass over the whole centroid. */
static void keywords(struct clusterer *c, struct thread *t)
{
	/* A bitmap of the used slots stands for zeroing the whole table and
	 * scanning it: the scan visits the used slots in slot order, which
	 * decides the order of equal weights, as a full scan would. */
	struct fw acc[KW_SLOTS];
	uint64_t used[KW_SLOTS / 64];
	struct tw best[5];
	int nb = 0;
	memset(used, 0, sizeof used);
	uint32_t from = t->nmem > KW_MEMBERS ? t->nmem - KW_MEMBERS : 0;
	for (uint32_t i = from; i < t->nmem; i++) {
		const struct story *m = t->mem[i];
		for (uint32_t j = 0; j < m->n; j++) {
			uint32_t term = m->v[j].term, k = (term * 2654435761u) & (KW_SLOTS - 1), probes = 0;
			while ((used[k / 64] >> (k % 64) & 1) && acc[k].key != term + 1 && probes++ < KW_SLOTS)
				k = (k + 1) & (KW_SLOTS - 1);
			if (probes >= KW_SLOTS)
				break; /* full: enough terms for five keywords */
			if (!(used[k / 64] >> (k % 64) & 1)) {
				used[k / 64] |= 1ULL << (k % 64);
				acc[k].key = term + 1;
				acc[k].w = 0;
			}
			acc[k].w += m->v[j].w;
		}
	}
	for (uint32_t wi = 0; wi < KW_SLOTS / 64; wi++) {
		for (uint64_t bits = used[wi]; bits; bits &= bits - 1) {
			uint32_t k = wi * 64 + (uint32_t)__builtin_ctzll(bits);
			float w = acc[k].w;
			if (nb < 5 || w > best[nb - 1].w) {
				int j = nb < 5 ? nb++ : 4;
				while (j > 0 && best[j - 1].w < w) {
					best[j] = best[j - 1];
					j--;
				}
				best[j] = (struct tw){ .term = acc[k].key - 1, .w = w };
			}
		}
	}
	char kw[sizeof ((struct cluster_result *)0)->keywords];
	size_t len = 0;
	kw[0] = '\0';
	for (int i = 0; i < nb; i++) {
		const char *s = vocab_surface(&c->voc, best[i].term);
		size_t n = strlen(s);
		if (len + n + 3 >= sizeof kw)
			break;
		if (i) {
			memcpy(kw + len, ", ", 2);
			len += 2;
		}
		memcpy(kw + len, s, n);
		len += n;
		kw[len] = '\0';
	}
	char *k = realloc(t->kw, len + 1);
	if (!k)
		return; /* the old keywords stay, and stay stale */
	memcpy(k, kw, len + 1);
	t->kw = k;
	t->kw_stale = 0;
}

static void title_scan(struct clusterer *c, struct thread *t)
{
	/* Restored threads pick their title once, from the recent members. */
	uint32_t from = t->nmem > (uint32_t)c->p.max_members ? t->nmem - (uint32_t)c->p.max_members : 0;
	t->title_score = -1;
	for (uint32_t i = from; i < t->nmem; i++) {
		double sc = cos_centroid(c, t, t->mem[i]->v, t->mem[i]->n);
		if (sc > t->title_score) {
			t->title_score = sc;
			t->title_story = t->mem[i]->id;
		}
	}
	t->title_stale = 0;
}

static void fill(struct clusterer *c, uint32_t slot, struct cluster_result *out)
{
	struct thread *t = &c->th[slot];
	if (t->title_stale)
		title_scan(c, t);
	/* Keywords settle quickly and cost a pass over the centroid: refresh
	 * while tiny, at powers of two, then every 64 stories. */
	int64_t n = t->story_count;
	if (t->kw_stale || n <= 4 || (n & (n - 1)) == 0 || (n & 63) == 0)
		keywords(c, t);
	out->thread_id = t->id;
	out->story_count = t->story_count;
	out->source_count = t->nsrc;
	out->title_story_id = t->title_story;
	out->first_seen = t->first_seen;
	out->last_updated = t->last_updated;
	if (t->kw)
		memcpy(out->keywords, t->kw, strlen(t->kw) + 1);
}

/* cent_add() over a story's terms is two cache misses per term, one after
 * the other: the thread's centroid slot, then the posting it points at.
 * Asked for together first (the slots, then through them the postings),
 * the misses overlap.  Callers put other work between the two calls. */
static void join_prefetch_slots(const struct clusterer *c, uint32_t slot, const struct tw *v,
				uint32_t n)
{
	const struct thread *th = &c->th[slot];
	if (th->ct_cap)
		for (uint32_t j = 0; j < n; j++)
			__builtin_prefetch(&th->ct[(v[j].term * 2654435761u) & (th->ct_cap - 1)]);
}

static void join_prefetch_postings(const struct clusterer *c, uint32_t slot, const struct tw *q,
				   uint32_t n)
{
	const struct thread *th = &c->th[slot];
	for (uint32_t j = 0; j < n; j++) {
		const struct plist *v = &c->pl[q[j].term];
		const struct cent *e = cent_find(th, q[j].term);
		if (e)
			__builtin_prefetch(&v->post[e->pos], 1);
		else if (v->npost < post_cap(v))
			__builtin_prefetch(&v->post[v->npost], 1);
	}
}

/* Adds story s (vector in s->v) to thread slot. */
static int thread_join(struct clusterer *c, uint32_t slot, struct story *s, int restoring)
{
	struct thread *t = &c->th[slot];
	for (uint32_t i = 0; i < s->n; i++) {
		if (cent_add(c, slot, s->v[i].term, s->v[i].w) < 0 ||
		    (s->v[i].ent && em_add(t, s->v[i].term, s->v[i].w) < 0)) {
			cent_norm(c, slot);
			return -1;
		}
	}
	cent_norm(c, slot);
	if (grow((void **)&t->mem, &t->capmem, sizeof *t->mem, t->nmem + 1) < 0)
		return -1;
	/* A story older than the thread's newest one is older than its last
	 * member only if that member says so (last_updated can be a story no
	 * longer in memory, or the one just merged in). */
	if (t->nmem && s->time < t->last_updated && s->time < t->mem[t->nmem - 1]->time)
		t->mem_sorted = 0;
	t->mem[t->nmem++] = s;
	t->terms_sum += s->n;
	s->slot = slot;
	if (t->nmem == 1 || s->time < t->oldest)
		t->oldest = s->time;
	if (src_add(t, s->src) < 0)
		return -1;
	if (!t->story_count || s->time < t->first_seen)
		t->first_seen = s->time;
	if (!t->story_count || s->time > t->last_updated)
		t->last_updated = s->time;
	t->story_count++;
	if (restoring) {
		t->title_stale = 1;
		return 0;
	}
	if (t->title_stale)
		title_scan(c, t);
	/* Title: the member closest to the centroid; compare the newcomer with
	 * the current title under the updated centroid. */
	double sc = cos_centroid(c, t, s->v, s->n);
	struct story *cur = t->title_story ? imap_get(&c->stories, t->title_story) : NULL;
	if (cur && cur->slot == slot)
		t->title_score = cos_centroid(c, t, cur->v, cur->n);
	if (!cur || cur->slot != slot || sc > t->title_score) {
		t->title_story = s->id;
		t->title_score = sc;
	}
	return 0;
}

/* Time damping factor between a story and a thread. */
static double damp(const struct clusterer *c, const struct thread *t, int64_t time)
{
	if (c->p.time_decay <= 0)
		return 1;
	int64_t dt = 0;
	if (time > t->last_updated)
		dt = time - t->last_updated;
	else if (time < t->first_seen)
		dt = t->first_seen - time;
	return exp2(-(double)dt / (c->p.time_decay * 3600.0));
}

/* Scatters the story vector into a dense array indexed by term, so that a
 * member's dot product is one lookup per member term. */
static int q_scatter(struct clusterer *c)
{
	if (c->qdense_cap < c->voc.n) {
		uint32_t cap = c->voc.cap;
		float *d = realloc(c->qdense, cap * sizeof *d);
		if (!d)
			return -1;
		memset(d + c->qdense_cap, 0, (cap - c->qdense_cap) * sizeof *d);
		c->qdense = d;
		c->qdense_cap = cap;
	}
	for (uint32_t i = 0; i < c->nq; i++) {
		uint32_t t = c->q[i].term % QBITS;
		c->qdense[c->q[i].term] = c->q[i].w;
		c->qbits[t / 64] |= 1ULL << (t % 64);
	}
	return 0;
}

static void q_clear(struct clusterer *c)
{
	for (uint32_t i = 0; i < c->nq; i++) {
		uint32_t t = c->q[i].term % QBITS;
		c->qdense[c->q[i].term] = 0;
		c->qbits[t / 64] = 0;
	}
}

/* Mean cosine of the scattered story (q_scatter) to the thread's two
 * nearest recent members (one member: its cosine). */
static double member_cos(const struct clusterer *c, const struct thread *t)
{
	double top[2] = { 0, 0 };
	uint32_t from = t->nmem > (uint32_t)c->p.max_members ? t->nmem - (uint32_t)c->p.max_members : 0;
	for (uint32_t i = from; i < t->nmem; i++) {
		const struct story *m = t->mem[i];
		double d = 0;
		/* The rest of this member's vector and the next member's. */
		for (uint32_t j = 8; j < m->n; j += 8)
			__builtin_prefetch(&m->v[j]);
		if (i + 1 < t->nmem)
			for (uint32_t j = 0; j < 64; j += 8)
				__builtin_prefetch(&t->mem[i + 1]->v[j]);
		/* Most member terms are not the story's: a 4 KiB bitmap, always
		 * in cache, says so without a read of the dense array (1 MiB and
		 * more).  Skipped terms would add 0 to d. */
		for (uint32_t j = 0; j < m->n; j++) {
			uint32_t term = m->v[j].term, b = term % QBITS;
			if (c->qbits[b / 64] >> (b % 64) & 1)
				d += c->qdense[term] * m->v[j].w;
		}
		if (d > top[0]) {
			top[1] = top[0];
			top[0] = d;
		} else if (d > top[1]) {
			top[1] = d;
		}
	}
	uint32_t k = t->nmem - from;
	return k >= 2 ? (top[0] + top[1]) / 2 : top[0];
}

/* The bar scales with the length of what is compared: two long texts share
 * background words by chance (and same-kind events share their vocabulary),
 * two headlines share little unless they tell the same story. */
static double bar(const struct clusterer *c, double base, double nterms)
{
	if (nterms < 4)
		nterms = 4;
	return base * pow(nterms / 8.0, c->p.length_exponent);
}

struct cand {
	uint32_t slot;
	double cen, score;
};

/* Scores c->q against the active threads sharing terms; fills the best
 * NCAND candidates by final score, returns how many.  skip: a slot to leave
 * out (UINT32_MAX for none). */
static int score(struct clusterer *c, int64_t time, uint32_t skip, struct cand *cands)
{
	uint32_t deferred[256], nd = 0;
	if (++c->cur_stamp == 0) {
		for (uint32_t i = 0; i < c->capth; i++)
			c->sc[i].stamp = 0;
		c->cur_stamp = 1;
	}
	c->ntouched = 0;
	/* Candidates come from the story's heaviest terms; the light ones only
	 * complete the scores of the shortlist. */
	float wmin = 0;
	if (c->nq > GEN_TERMS && (c->nq > 256 || !q_kth(c, GEN_TERMS - 1, &wmin))) {
		/* The GEN_TERMS-th largest of the first 256 weights (counting
		 * equal ones): the value a full sort would put at that place,
		 * found by selection without sorting them all. */
		float ws[256];
		uint32_t n = c->nq < 256 ? c->nq : 256;
		for (uint32_t i = 0; i < n; i++)
			ws[i] = c->q[i].w;
		wmin = vec_kth_largest(ws, n, GEN_TERMS - 1);
	}
	/* Each term's postings are a miss of their own: ask for them all. */
	for (uint32_t i = 0; i < c->nq; i++) {
		const struct plist *v = &c->pl[c->q[i].term];
		if (v->npost <= POST_CAP && c->q[i].w >= wmin)
			for (uint32_t j = 0; j < v->npost && j < 32; j += 8)
				__builtin_prefetch(&v->post[j]);
	}
	for (uint32_t i = 0; i < c->nq; i++) {
		const struct plist *v = &c->pl[c->q[i].term];
		if (v->npost > POST_CAP || c->q[i].w < wmin) {
			if (nd < 256)
				deferred[nd++] = i;
			continue;
		}
		float qw = c->q[i].w;
		for (uint32_t j = 0; j < v->npost; j++) {
			uint32_t s = v->post[j].slot;
			struct slotsc *e = &c->sc[s];
			if (e->stamp != c->cur_stamp) {
				e->stamp = c->cur_stamp;
				e->acc = 0;
				c->touched[c->ntouched++] = s;
			}
			e->acc += qw * v->post[j].w;
		}
	}
	/* Threads that share only very common terms with the story: look at
	 * the newest few holding its rarest common term, so that a story made of
	 * common words still finds its thread. */
	if (c->ntouched == 0 && nd > 0) {
		uint32_t best = deferred[0];
		for (uint32_t i = 1; i < nd; i++)
			if (c->pl[c->q[deferred[i]].term].npost < c->pl[c->q[best].term].npost)
				best = deferred[i];
		const struct plist *v = &c->pl[c->q[best].term];
		for (uint32_t j = v->npost > POST_CAP ? v->npost - POST_CAP : 0; j < v->npost; j++) {
			uint32_t s = v->post[j].slot;
			c->sc[s].stamp = c->cur_stamp;
			c->sc[s].acc = 0;
			c->touched[c->ntouched++] = s;
		}
	}
	/* Shortlist by the partial cosine (rare terms only), then complete it
	 * with the common terms for the shortlist alone: probing every touched
	 * thread for every common term is what would cost. */
	struct cand heap[SHORTLIST];
	int nh = 0;
	for (uint32_t k = 0; k < c->ntouched; k++) {
		uint32_t s = c->touched[k];
		if (s == skip)
			continue;
		double part = c->sc[s].acc * c->sc[s].invn;
		struct cand cd = { s, part, part };
		if (nh < SHORTLIST) {
			/* sift up (min-heap on score) */
			int j = nh++;
			while (j > 0 && heap[(j - 1) / 2].score > cd.score) {
				heap[j] = heap[(j - 1) / 2];
				j = (j - 1) / 2;
			}
			heap[j] = cd;
		} else if (part > heap[0].score) {
			int j = 0;
			for (;;) {
				int l = 2 * j + 1, r = l + 1, m = j;
				double ms = cd.score;
				if (l < nh && heap[l].score < ms) {
					m = l;
					ms = heap[l].score;
				}
				if (r < nh && heap[r].score < ms)
					m = r;
				if (m == j)
					break;
				heap[j] = heap[m];
				j = m;
			}
			heap[j] = cd;
		}
	}
	int nc = 0;
	struct cand pre[NPRE];
	int npre = 0;
	/* Completing the shortlist is a centroid lookup per thread and common
	 * term, each two misses in a row (slot, then posting): ask for all the
	 * slots, then for the postings they point at, then add up.  (Reading
	 * the postings of the terms few threads hold instead was measured: as
	 * many cache misses, more instructions.)  Most of those terms are not
	 * in the thread: its filter, in the line already read, says so for
	 * most of them without a probe of the table.  The second pass keeps
	 * what it found, so the third does not probe again. */
	uint8_t dword[256];
	uint64_t dbit[256];
	for (uint32_t i = 0; i < nd; i++) {
		uint32_t b = cf_bit(c->q[deferred[i]].term);
		dword[i] = (uint8_t)(b / 64);
		dbit[i] = 1ULL << (b % 64);
	}
	for (int k = 0; k < nh; k++) {
		const struct thread *t = &c->th[heap[k].slot];
		for (uint32_t i = 0; t->ct_cap && i < nd; i++)
			if (t->cf[dword[i]] & dbit[i])
				__builtin_prefetch(&t->ct[(c->q[deferred[i]].term * 2654435761u) & (t->ct_cap - 1)]);
	}
	uint32_t nfound[SHORTLIST];
	for (int k = 0; k < nh; k++) {
		const struct thread *t = &c->th[heap[k].slot];
		const struct posting **found = c->cfound + (size_t)k * 256;
		float *fq = c->cfound_q + (size_t)k * 256;
		uint32_t nf = 0;
		for (uint32_t i = 0; i < nd; i++) {
			if (!(t->cf[dword[i]] & dbit[i]))
				continue;
			uint32_t term = c->q[deferred[i]].term;
			const struct cent *e = cent_find(t, term);
			if (e) {
				found[nf] = &c->pl[term].post[e->pos];
				fq[nf++] = c->q[deferred[i]].w;
				__builtin_prefetch(found[nf - 1]);
			}
		}
		nfound[k] = nf;
	}
	for (int k = 0; k < nh; k++) {
		uint32_t s = heap[k].slot;
		const struct thread *t = &c->th[s];
		const struct posting **found = c->cfound + (size_t)k * 256;
		const float *fq = c->cfound_q + (size_t)k * 256;
		/* In the order of the terms, as before; an absent term added
		 * +0.0, which changes no sum (d is never -0.0: it starts from
		 * +0.0 and weights are never -0.0). */
		double d = c->sc[s].acc;
		for (uint32_t i = 0; i < nfound[k]; i++)
			d += fq[i] * (double)found[i]->w;
		double cen = t->norm2 > 0 ? d / sqrt(t->norm2) : 0;
		double sc = cen * damp(c, t, time);
		if (npre < NPRE || sc > pre[npre - 1].score) {
			int j = npre < NPRE ? npre++ : NPRE - 1;
			while (j > 0 && pre[j - 1].score < sc) {
				pre[j] = pre[j - 1];
				j--;
			}
			pre[j] = (struct cand){ s, cen, sc };
		}
	}
	/* The member cosines read up to max_members stories of each of the
	 * npre threads, scattered over the heap: ask for them all first. */
	for (int i = 0; i < npre; i++) {
		const struct thread *t = &c->th[pre[i].slot];
		uint32_t from = t->nmem > (uint32_t)c->p.max_members ? t->nmem - (uint32_t)c->p.max_members : 0;
		for (uint32_t j = from; j < t->nmem; j++)
			__builtin_prefetch(t->mem[j]);
	}
	if (npre > 0 && q_scatter(c) < 0)
		npre = 0; /* no memory: no candidates, the story opens a thread */
	for (int i = 0; i < npre; i++) {
		struct thread *t = &c->th[pre[i].slot];
		double m = member_cos(c, t);
		double sc = pre[i].cen;
		if (m > sc)
			sc += c->p.member_weight * (m - sc);
		double e = em_cos(t, c->q, c->nq);
		if (e >= 0)
			sc = (1 - c->p.entity_share) * sc + c->p.entity_share * e;
		if (names_clash(t, c->q, c->nq))
			sc *= c->p.clash_factor;
		sc *= damp(c, t, time);
		struct cand cd = { pre[i].slot, pre[i].cen, sc };
		if (nc < NCAND || sc > cands[nc - 1].score) {
			int j = nc < NCAND ? nc++ : NCAND - 1;
			while (j > 0 && cands[j - 1].score < sc) {
				cands[j] = cands[j - 1];
				j--;
			}
			cands[j] = cd;
		}
	}
	if (npre > 0)
		q_clear(c);
	return nc;
}

static double cent_cos(const struct clusterer *c, const struct thread *a, const struct thread *b)
{
	if (a->ct_n > b->ct_n) {
		const struct thread *x = a;
		a = b;
		b = x;
	}
	if (a->norm2 <= 0 || b->norm2 <= 0)
		return 0;
	double s = 0;
	for (uint32_t i = 0; i < a->ct_cap; i++) {
		if (!a->ct[i].key)
			continue;
		uint32_t term = a->ct[i].key - 1;
		s += c->pl[term].post[a->ct[i].pos].w * cent_w(c, b, term);
	}
	return s / sqrt(a->norm2 * b->norm2);
}

/* Moves everything of slot `from` into slot `to`, frees `from`. */
static int thread_merge(struct clusterer *c, uint32_t to, uint32_t from)
{
	struct thread *f = &c->th[from];
	for (uint32_t i = 0; i < f->ct_cap; i++) {
		if (!f->ct[i].key)
			continue;
		uint32_t term = f->ct[i].key - 1;
		if (cent_add(c, to, term, c->pl[term].post[f->ct[i].pos].w) < 0) {
			cent_norm(c, to);
			return -1;
		}
	}
	cent_norm(c, to);
	f = &c->th[from];
	struct thread *t = &c->th[to];
	for (uint32_t i = 0; i < f->em_cap; i++)
		if (f->em[i].key && em_add(t, f->em[i].key - 1, f->em[i].w) < 0)
			return -1;
	if (grow((void **)&t->mem, &t->capmem, sizeof *t->mem, t->nmem + f->nmem) < 0)
		return -1;
	/* Keep members in time order so "recent members" stays meaningful. */
	for (uint32_t i = 0; i < f->nmem; i++) {
		struct story *s = f->mem[i];
		uint32_t j = t->nmem++;
		while (j > 0 && t->mem[j - 1]->time > s->time) {
			t->mem[j] = t->mem[j - 1];
			j--;
		}
		t->mem[j] = s;
		s->slot = to;
	}
	for (uint32_t i = 0; i < f->capsrc; i++)
		if (f->src[i] && src_add(t, f->src[i]) < 0)
			return -1;
	if (f->first_seen < t->first_seen)
		t->first_seen = f->first_seen;
	if (f->oldest < t->oldest)
		t->oldest = f->oldest;
	if (f->last_updated > t->last_updated)
		t->last_updated = f->last_updated;
	t->story_count += f->story_count;
	t->terms_sum += f->terms_sum;
	struct story *a = imap_get(&c->stories, t->title_story);
	struct story *b = imap_get(&c->stories, f->title_story);
	double sa = a ? cos_centroid(c, t, a->v, a->n) : -1;
	double sb = b ? cos_centroid(c, t, b->v, b->n) : -1;
	if (sb > sa) {
		t->title_story = f->title_story;
		t->title_score = sb;
	} else {
		t->title_score = sa;
	}
	t->kw_stale = 1;
	t->title_stale |= f->title_stale;
	int64_t fid = f->id;
	f->nmem = 0;
	thread_drop(c, from, 0);
	return imap_put(&c->merged, fid, (void *)(intptr_t)t->id);
}

static uint32_t slot_of(const struct clusterer *c, int64_t id)
{
	void *v = imap_get(&c->threads, id);
	return v ? (uint32_t)((uintptr_t)v - 1) : UINT32_MAX;
}

int64_t cluster_resolve(const struct clusterer *c, int64_t id)
{
	for (int hops = 0; id && hops < 64; hops++) {
		if (slot_of(c, id) != UINT32_MAX)
			return id;
		id = (int64_t)(intptr_t)imap_get(&c->merged, id);
	}
	return 0;
}

/* ---- public ----------------------------------------------------------- */

struct clusterer *cluster_new(const struct cluster_params *p, int64_t next_thread_id)
{
	struct clusterer *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (p)
		c->p = *p;
	else
		cluster_params_default(&c->p);
	if (c->p.max_terms < 1)
		c->p.max_terms = 48;
	if (c->p.max_members < 1)
		c->p.max_members = 1;
	if (c->p.store_terms < 1 || c->p.store_terms > c->p.max_terms)
		c->p.store_terms = c->p.max_terms;
	if (c->p.window <= 0)
		c->p.window = 72 * 3600;
	c->next_id = next_thread_id > 0 ? next_thread_id : 1;
	c->now = INT64_MIN / 2;
	c->next_expiry = INT64_MIN / 2;
	c->text = text_new();
	for (int k = 0; k < TF_LOGS; k++)
		c->tf_logs[k] = log1p((double)(float)k);
	if (!c->text || vocab_init(&c->voc) < 0 || imap_init(&c->stories) < 0 ||
	    imap_init(&c->threads) < 0 || imap_init(&c->merged) < 0)
		goto fail;
	return c;
fail:
	cluster_free(c);
	return NULL;
}

void cluster_free(struct clusterer *c)
{
	if (!c)
		return;
	for (uint32_t s = 0; s < c->nth; s++) {
		struct thread *t = &c->th[s];
		if (!t->id)
			continue;
		for (uint32_t i = 0; i < t->nmem; i++)
			free(t->mem[i]);
		free(t->ct);
		free(t->mem);
		free(t->src);
		free(t->em);
		free(t->kw);
	}
	for (uint32_t i = 0; i < c->npl; i++)
		free(c->pl[i].post);
	free(c->pl);
	free(c->th);
	free(c->freeslots);
	vocab_free(&c->voc);
	imap_free(&c->stories);
	imap_free(&c->threads);
	imap_free(&c->merged);
	free(c->sc);
	free(c->touched);
	free(c->q);
	free(c->qmap);
	free(c->qdense);
	text_tokens_free(&c->toks[0]);
	text_tokens_free(&c->toks[1]);
	free(c->tk_id);
	text_free(c->text);
	free(c);
}

/* Assigns the story in c->q (already weighed) to a thread. */
/* Makes the story of doc (its vector is c->q) and joins it to thread
 * `slot`: what a new story and a restored one both do once their thread
 * is known.  The centroid slots, then through them the postings, are
 * asked for first, so that their cache misses arrive together. */
static int enter(struct clusterer *c, uint32_t slot, const struct cluster_doc *doc, int restoring)
{
	join_prefetch_slots(c, slot, c->q, c->nq);
	struct story *s = vec_story_make(c, doc);
	if (!s)
		return -1;
	if (imap_put(&c->stories, s->id, s) < 0) {
		free(s);
		return -1;
	}
	join_prefetch_postings(c, slot, c->q, c->nq);
	return thread_join(c, slot, s, restoring);
}

static int assign(struct clusterer *c, const struct cluster_doc *doc, uint32_t skip,
		  struct cluster_result *out)
{
	struct cand cands[NCAND];
	int nc = 0;
	uint32_t slot = UINT32_MAX;
	if (doc->copy_of_thread) {
		int64_t id = cluster_resolve(c, doc->copy_of_thread);
		if (id) {
			slot = slot_of(c, id);
		} else {
			/* The thread left memory: revive it under its final id (a
			 * merged id must not take stories again). */
			id = doc->copy_of_thread;
			for (int hops = 0; hops < 64 && imap_get(&c->merged, id); hops++)
				id = (int64_t)(intptr_t)imap_get(&c->merged, id);
			if ((slot = thread_new(c, id)) == UINT32_MAX)
				return -1;
			out->is_new = 0;
			out->revived = 1;
			if (id >= c->next_id)
				c->next_id = id + 1;
		}
	} else {
		nc = score(c, doc->time, skip, cands);
		if (nc > 0 && cands[0].score >= bar(c, c->p.join_threshold, c->nq)) {
			slot = cands[0].slot;
		} else {
			slot = thread_new(c, c->next_id);
			if (slot == UINT32_MAX)
				return -1;
			c->next_id++;
			out->is_new = 1;
		}
	}
	if (enter(c, slot, doc, 0) < 0)
		return -1;
	/* Merge: a candidate whose centroid now sits close to ours. */
	for (int i = 0; i < nc && out->nmerged < CLUSTER_MAX_MERGES; i++) {
		uint32_t o = cands[i].slot;
		if (o == slot || !c->th[o].id)
			continue;
		/* A story that bridges two threads scores well with both; the
		 * centroid comparison (the costly part) only for those. */
		if (cands[i].score < c->p.merge_gate * bar(c, c->p.join_threshold, c->nq))
			break;
		const struct thread *x = &c->th[slot], *y = &c->th[o];
		double len = x->terms_sum / (x->nmem ? x->nmem : 1);
		double leny = y->terms_sum / (y->nmem ? y->nmem : 1);
		if (leny < len)
			len = leny;
		double sim = cent_cos(c, x, y), e = c->p.entity_share > 0 ? em_cos2(x, y) : -1;
		if (e >= 0)
			sim = (1 - c->p.entity_share) * sim + c->p.entity_share * e;
		if (sim * damp(c, y, doc->time) < bar(c, c->p.merge_threshold, len))
			continue;
		/* Survivor: the bigger thread, on a tie the older id. */
		uint32_t win = slot, lose = o;
		if (c->th[o].story_count > c->th[slot].story_count ||
		    (c->th[o].story_count == c->th[slot].story_count && c->th[o].id < c->th[slot].id)) {
			win = o;
			lose = slot;
		}
		int64_t lose_id = c->th[lose].id;
		if (thread_merge(c, win, lose) < 0)
			return -1;
		/* A thread opened by this very story and absorbed at once never
		 * reached the store: its id is just skipped. */
		if (!(out->is_new && lose == slot))
			out->merged[out->nmerged++] = lose_id;
		slot = win;
		out->is_new = 0;
	}
	fill(c, slot, out);
	return 0;
}

int cluster_add(struct clusterer *c, const struct cluster_doc *doc, struct cluster_result *out)
{
	memset(out, 0, sizeof *out);
	if (doc->story_id <= 0)
		return -1;
	if (imap_get(&c->stories, doc->story_id))
		return -2;
	advance(c, doc->time);
	if (vec_collect(c, doc, 1) < 0)
		return -1;
	vec_weigh(c);
	return assign(c, doc, UINT32_MAX, out);
}

/* Takes story s out of its thread (centroid and members). */
static void story_detach(struct clusterer *c, struct story *s)
{
	struct thread *t = &c->th[s->slot];
	for (uint32_t i = 0; i < s->n; i++) {
		/* Entries exist: no allocation, cannot fail. */
		cent_add(c, s->slot, s->v[i].term, -s->v[i].w);
		if (s->v[i].ent)
			em_add(t, s->v[i].term, -s->v[i].w);
	}
	cent_norm(c, s->slot);
	for (uint32_t i = 0; i < t->nmem; i++)
		if (t->mem[i] == s) {
			memmove(&t->mem[i], &t->mem[i + 1], (t->nmem - i - 1) * sizeof *t->mem);
			t->nmem--;
			break;
		}
	t->story_count--;
	t->terms_sum -= s->n;
	if (t->title_story == s->id)
		t->title_story = t->nmem ? t->mem[t->nmem - 1]->id : 0;
	t->kw_stale = 1;
}

int cluster_update(struct clusterer *c, const struct cluster_doc *doc, struct cluster_result *out)
{
	struct story *s = imap_get(&c->stories, doc->story_id);
	if (!s)
		return cluster_add(c, doc, out);
	memset(out, 0, sizeof *out);
	advance(c, doc->time);
	if (vec_collect(c, doc, 0) < 0)
		return -1;
	vec_weigh(c);
	uint32_t slot = s->slot;
	story_detach(c, s);
	imap_del(&c->stories, s->id);
	struct thread *t = &c->th[slot];
	/* Stays if the new text still belongs with the rest of the thread (an
	 * only story always does: nothing to compare with). */
	double keep = 1;
	if (t->nmem > 0) {
		double cen = cos_centroid(c, t, c->q, c->nq);
		double m = 0;
		if (q_scatter(c) == 0) {
			m = member_cos(c, t);
			q_clear(c);
		}
		keep = cen > m ? cen : cen + c->p.member_weight * (m - cen);
	}
	free(s);
	int64_t old_id = t->id;
	int rc;
	if (keep >= bar(c, c->p.join_threshold, c->nq) || doc->copy_of_thread) {
		struct cluster_doc d = *doc;
		if (!d.copy_of_thread)
			d.copy_of_thread = old_id;
		rc = assign(c, &d, UINT32_MAX, out);
	} else {
		rc = assign(c, doc, slot, out);
	}
	if (rc == 0 && out->thread_id != old_id)
		out->left_thread = cluster_resolve(c, old_id);
	return rc;
}

int cluster_restore(struct clusterer *c, const struct cluster_doc *doc, int64_t thread_id)
{
	if (doc->story_id <= 0 || thread_id <= 0)
		return -1;
	if (imap_get(&c->stories, doc->story_id))
		return 0;
	advance(c, doc->time);
	if (vec_collect(c, doc, 0) < 0)
		return -1;
	vec_weigh(c);
	uint32_t slot = slot_of(c, thread_id);
	if (slot == UINT32_MAX && (slot = thread_new(c, thread_id)) == UINT32_MAX)
		return -1;
	if (thread_id >= c->next_id)
		c->next_id = thread_id + 1;
	/* A restore touches every window term's postings and every thread's
	 * centroid table in turn: enter() asks for them together. */
	return enter(c, slot, doc, 1);
}

int64_t cluster_thread_stories(const struct clusterer *c, int64_t thread_id,
                               int64_t *first_seen, int64_t *sources)
{
	uint32_t slot = slot_of(c, thread_id);

	if (slot == UINT32_MAX)
		return -1;
	if (first_seen)
		*first_seen = c->th[slot].first_seen;
	if (sources)
		*sources = c->th[slot].nsrc;
	return c->th[slot].story_count;
}

int cluster_set_counts(struct clusterer *c, int64_t thread_id, int64_t story_count,
                       int64_t first_seen, const char *const *sources, size_t n)
{
	uint32_t slot = slot_of(c, thread_id);
	struct thread *t;

	if (slot == UINT32_MAX)
		return 0;
	t = &c->th[slot];
	if (t->capsrc)
		memset(t->src, 0, t->capsrc * sizeof *t->src);
	t->nsrc = 0;
	for (size_t i = 0; i < n; i++)
		if (sources[i] && *sources[i] &&
		    src_add(t, fnv(sources[i], strlen(sources[i])) | 1u) < 0)
			return -1;
	t->story_count = story_count;
	t->first_seen = first_seen;
	return 0;
}

int64_t cluster_df_total(const struct clusterer *c)
{
	return c->voc.ndocs;
}

void cluster_df_set_total(struct clusterer *c, int64_t ndocs)
{
	c->voc.ndocs = ndocs > 0 ? ndocs : 0;
	vocab_df_changed(&c->voc);
}

int cluster_df_set(struct clusterer *c, const char *term, int64_t df)
{
	uint32_t t = vocab_intern(&c->voc, term, strlen(term));
	if (t == UINT32_MAX || pl_cover(c) < 0)
		return -1;
	c->voc.term[t].df = df > 0 ? (uint32_t)(df > UINT32_MAX ? UINT32_MAX : df) : 0;
	vocab_df_changed(&c->voc);
	return 0;
}

void cluster_df_foreach(const struct clusterer *c, int64_t min_df,
			int (*fn)(void *arg, const char *term, int64_t df), void *arg)
{
	for (uint32_t t = 0; t < c->voc.n; t++)
		if (!c->voc.term[t].dead && c->voc.term[t].df >= min_df &&
		    fn(arg, vocab_name(&c->voc, t), c->voc.term[t].df))
			return;
}

void cluster_stats(const struct clusterer *c, struct cluster_stats *st)
{
	memset(st, 0, sizeof *st);
	st->active_threads = c->live_threads;
	st->window_stories = c->stories.n;
	st->terms = c->voc.live;
	st->mem_vocab = vocab_memory(&c->voc) + (size_t)c->cappl * sizeof *c->pl +
			(size_t)c->qdense_cap * sizeof *c->qdense;
	for (uint32_t i = 0; i < c->npl; i++) {
		st->mem_postings += post_cap(&c->pl[i]) * sizeof(struct posting);
		st->postings += c->pl[i].npost;
		st->terms_held += c->pl[i].npost > 0;
	}
	st->mem_stories = (c->stories.mask + 1) * 16;
	st->mem_threads = sizeof *c + (size_t)c->thcap * sizeof *c->th +
			  (size_t)c->capth * (sizeof *c->sc + sizeof *c->touched) +
			  (c->threads.mask + 1) * 16 + (c->merged.mask + 1) * 16;
	for (uint32_t s = 0; s < c->nth; s++) {
		const struct thread *t = &c->th[s];
		st->mem_centroids += t->ct_cap * sizeof *t->ct + t->em_cap * sizeof *t->em;
		st->mem_threads += t->capmem * sizeof *t->mem + t->capsrc * 4 +
				   (t->kw ? strlen(t->kw) + 1 : 0);
		for (uint32_t i = 0; i < t->nmem; i++)
			st->mem_stories += sizeof(struct story) + t->mem[i]->n * sizeof(struct tw);
	}
	size_t m = st->mem_vocab + st->mem_postings + st->mem_centroids + st->mem_stories +
		   st->mem_threads;
	st->memory_bytes = m;
}
