/* daemon/cluster_thread.c — the clusterer's threads (see cluster.h for
 * the model): a thread's centroid table and its entries in the postings
 * (the inverted index term -> active threads), its name centroid, sources
 * and recent members; a story joining, leaving or being forgotten; two
 * threads merging; threads idle past the window leaving memory; and the
 * title of a thread's row (its keywords are cluster_kw.c's). */
#include "daemon/cluster_int.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * start at two entries and double (the capacity is kept as a shift), and
 * halve when they fall to a quarter full.  Two, not one: malloc's
 * smallest chunk holds 24 bytes, so an array of one posting (8 bytes)
 * takes the same memory as one of two, and a term's second thread then
 * needs no realloc() (a third of the calls to it on the ingest bench). */
static int post_reserve(struct plist *v)
{
	if (v->npost < post_cap(v))
		return 0;
	uint8_t pc = (uint8_t)(v->postcap ? v->postcap + 1 : 2);
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

/* Adds w to thread slot's centroid weight of term and returns its entry;
 * NULL without memory.  Call cent_norm() after. */
static struct cent *cent_entry_add(struct clusterer *c, uint32_t slot, uint32_t term, double w)
{
	struct thread *t = &c->th[slot];
	struct cent *e = cent_find(t, term);
	struct plist *v = &c->pl[term];
	if (!e) {
		if ((t->ct_n + 1) * 4 > t->ct_cap * 3 && cent_grow(t) < 0)
			return NULL;
		if (post_reserve(v) < 0)
			return NULL;
		uint32_t m = t->ct_cap - 1, i = cent_hash(term) & m;
		while (t->ct[i].key)
			i = (i + 1) & m;
		t->ct[i] = (struct cent){ cent_key(term), v->npost };
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
	return e;
}

static int cent_add(struct clusterer *c, uint32_t slot, uint32_t term, double w)
{
	return cent_entry_add(c, slot, term, w) ? 0 : -1;
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

double cos_centroid(const struct clusterer *c, const struct thread *t,
			   const struct tw *v, uint32_t n)
{
	if (t->norm2 <= 0)
		return 0;
	double s = 0;
	for (uint32_t i = 0; i < n; i++)
		s += v[i].w * cent_w(c, t, v[i].term);
	return s / sqrt(t->norm2);
}

/* cos_centroid() of v to a centroid that is v itself (see thread_join):
 * the same sum in the same order, each weight read from v instead of
 * looked up in the centroid table. */
static double cos_self(const struct thread *t, const struct tw *v, uint32_t n)
{
	if (t->norm2 <= 0)
		return 0;
	double s = 0;
	for (uint32_t i = 0; i < n; i++)
		s += v[i].w * (double)v[i].w;
	return s / sqrt(t->norm2);
}

int thread_add_source(struct thread *t, uint32_t h)
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

uint32_t thread_new(struct clusterer *c, int64_t id)
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

/* Removes the posting at pos of term's list (swap-remove, fixing the moved
 * entry's back pointer in its own thread's table). */
static void post_remove(struct clusterer *c, uint32_t term, uint32_t pos)
{
	struct plist *v = &c->pl[term];
	uint32_t last = --v->npost;
	if (pos != last) {
		v->post[pos] = v->post[last];
		struct cent *e = cent_find(&c->th[v->post[pos].slot], term);
		e->pos = pos;
	}
	post_shrink(v);
}

/* Takes thread slot's postings of terms[0..n) out of their lists.  Each
 * removal is a chain of misses: the term's list, its last posting (which
 * takes the hole), that posting's thread, and the slot of that thread's
 * table to point at the posting's new place.  Asked for a link at a time
 * over all the terms, the chains overlap. */
static void posts_remove(struct clusterer *c, uint32_t slot, const uint32_t *term, uint32_t n)
{
	const struct thread *t = &c->th[slot];

	for (uint32_t i = 0; i < n; i++)
		__builtin_prefetch(&c->pl[term[i]]);
	for (uint32_t i = 0; i < n; i++) {
		const struct plist *v = &c->pl[term[i]];
		__builtin_prefetch(&v->post[v->npost - 1]);
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct plist *v = &c->pl[term[i]];
		__builtin_prefetch(&c->th[v->post[v->npost - 1].slot]);
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct plist *v = &c->pl[term[i]];
		const struct thread *o = &c->th[v->post[v->npost - 1].slot];
		if (o->ct_cap)
			__builtin_prefetch(&o->ct[cent_hash(term[i]) & (o->ct_cap - 1)], 1);
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct cent *e = cent_find(t, term[i]);
		if (e)
			post_remove(c, term[i], e->pos);
	}
}

/* Takes entry e out of thread t's table (its posting is gone).  A
 * backward-shift delete keeps the probe runs unbroken; its filter bit may
 * stay set: that only costs a probe, until the table is rebuilt. */
static void cent_unlink(struct thread *t, struct cent *e)
{
	uint32_t m = t->ct_cap - 1, i = (uint32_t)(e - t->ct), j = i;

	for (;;) {
		j = (j + 1) & m;
		if (!t->ct[j].key)
			break;
		uint32_t home = cent_hash(t->ct[j].key - 1) & m;
		if (((j - home) & m) >= ((j - i) & m)) {
			t->ct[i] = t->ct[j];
			i = j;
		}
	}
	t->ct[i] = (struct cent){ 0, 0 };
	t->ct_n--;
}

/* Terms whose entries in one thread died (their weight is what rounding
 * left of nothing, |w| <= 1e-6), to be taken out together (dead_flush). */
struct dead {
	uint32_t n;
	uint32_t term[128];
};

/* Takes d's entries out of thread slot's norm, the postings and its
 * table. */
static void dead_flush(struct clusterer *c, uint32_t slot, struct dead *d)
{
	struct thread *t = &c->th[slot];

	for (uint32_t i = 0; i < d->n; i++) {
		const struct cent *e = cent_find(t, d->term[i]);
		double w = c->pl[d->term[i]].post[e->pos].w;
		t->norm2 -= w * w;
		if (t->norm2 < 1e-12)
			t->norm2 = 0;
	}
	posts_remove(c, slot, d->term, d->n);
	for (uint32_t i = 0; i < d->n; i++)
		cent_unlink(t, cent_find(t, d->term[i]));
	d->n = 0;
}

/* Takes a story's weight w of term off thread slot's centroid (the entry
 * exists: no allocation, cannot fail).  A term no story in memory has any
 * more leaves the table and the postings with d at the next dead_flush()
 * (the caller's, after the story's terms, or when d is full), instead of
 * staying in both, scanned and probed, until a compaction.  Call
 * cent_norm() after the flush. */
static void cent_sub(struct clusterer *c, uint32_t slot, uint32_t term, double w, struct dead *d)
{
	const struct cent *e = cent_entry_add(c, slot, term, -w);

	if (!e || fabsf(c->pl[term].post[e->pos].w) > 1e-6f)
		return;
	d->term[d->n++] = term;
	if (d->n == sizeof d->term / sizeof d->term[0])
		dead_flush(c, slot, d);
}

/* Removes slot's entries from the postings (its table goes with it). */
static void thread_unindex(struct clusterer *c, uint32_t slot)
{
	const struct thread *t = &c->th[slot];
	uint32_t term[128], n = 0;

	for (uint32_t i = 0; i < t->ct_cap; i++) {
		if (!t->ct[i].key)
			continue;
		term[n++] = t->ct[i].key - 1;
		if (n == sizeof term / sizeof term[0]) {
			posts_remove(c, slot, term, n);
			n = 0;
		}
	}
	posts_remove(c, slot, term, n);
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

/* Rebuilds a centroid table without the terms whose weight went to zero
 * as its old stories were forgotten, and at the size its live terms need,
 * so that long-running threads do not carry (and index) every word they
 * ever had.  Only the dead terms leave the postings: the live ones keep
 * theirs, where their weights are, and only the table that points at
 * them is rebuilt (taking them out and back in would be two chains of
 * misses an entry, for weights that do not change). */
static void cent_compact(struct clusterer *c, uint32_t slot)
{
	struct thread *t = &c->th[slot];
	/* The count of live entries is kept as weights change: a scan here
	 * would be two misses per entry (term, posting) on a cold thread. */
	uint32_t live = t->ct_live;
	/* Most dead entries leave as they die (cent_sub): what is left is a
	 * table the thread has outgrown (the rebuild below would halve it),
	 * or one a merge filled with another thread's dead entries. */
	int outgrown = t->ct_cap > 32 && (live * 2 + 1) * 4 <= t->ct_cap / 2 * 3;
	if (live * 2 > t->ct_n && !outgrown)
		return;
	struct cent *keep = malloc((live ? live : 1) * sizeof *keep);
	if (!keep)
		return; /* compaction is an optimisation; skip it */
	for (uint32_t i = 0; i < t->ct_cap; i++)
		if (t->ct[i].key)
			__builtin_prefetch(&c->pl[t->ct[i].key - 1]);
	/* The dead leave their lists first, while the old table still finds
	 * every entry: a removal moves another thread's posting, never this
	 * thread's (a thread is in a list once). */
	uint32_t n = 0;
	for (uint32_t i = 0; i < t->ct_cap; i++) {
		if (!t->ct[i].key)
			continue;
		uint32_t term = t->ct[i].key - 1;
		float w = c->pl[term].post[t->ct[i].pos].w;
		if (fabsf(w) > 1e-6f && n < live) {
			n++;
		} else {
			post_remove(c, term, t->ct[i].pos);
			t->ct[i].pos = UINT32_MAX;
		}
	}
	n = 0;
	for (uint32_t i = 0; i < t->ct_cap; i++)
		if (t->ct[i].key && t->ct[i].pos != UINT32_MAX)
			keep[n++] = t->ct[i];
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
	memset(t->cf, 0, sizeof t->cf);
	/* The norm summed afresh from the entries, in the old table's order:
	 * the running sum's drift goes too. */
	double norm2 = 0;
	uint32_t m = t->ct_cap - 1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t term = keep[i].key - 1, j = cent_hash(term) & m, b = cf_bit(term);
		while (t->ct[j].key)
			j = (j + 1) & m;
		t->ct[j] = keep[i];
		t->cf[b / 64] |= 1ULL << (b % 64);
		double w = c->pl[term].post[keep[i].pos].w;
		norm2 += w * w;
		if (norm2 < 1e-12)
			norm2 = 0;
	}
	t->ct_n = n;
	t->ct_live = n;
	t->norm2 = norm2;
	cent_norm(c, slot);
	free(keep);
	c->compactions++;
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
	struct dead dead;
	dead.n = 0;
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
			cent_sub(c, slot, s->v[j].term, s->v[j].w, &dead);
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
	dead_flush(c, slot, &dead);
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
	if (vocab_prune_due(&c->voc) && pl_cover(c) == 0) {
		vocab_prune(&c->voc, term_held, c);
		kw_forget_dead(c);
	}
}

/* Stories older than the window between two expiry passes.  A first poll
 * of a new feed brings weeks of back items while the clock (the newest
 * story time) stands still: each opens or joins a thread already below the
 * horizon, and without a pass every so many of them those threads would
 * pile up until time moved on (hundreds of MiB on a cold poll of 10,000
 * feeds).  Old items still cluster among themselves within a pass. */
#define STALE_SWEEP 4096

void window_advance(struct clusterer *c, int64_t time)
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

/* Whether story s, sc from the centroid, titles a thread better than cur
 * (NULL: none), cur_sc from it.  The thread's title is the headline most
 * central to it: a story without one (no title, or only a date: feeds of
 * posts without titles, datelines for titles) never displaces one that
 * has, however central its text; nor does a headline cut short or headed
 * by a desk's label ("Mt. Gox files for bankruptcy protection in U.S.
 * to halt ...", "UPDATE 2-...") displace a whole one. */
static int title_better(const struct story *s, double sc, const struct story *cur, double cur_sc)
{
	if (!cur || s->headline != cur->headline)
		return !cur || s->headline > cur->headline;
	return sc > cur_sc;
}

static void title_scan(struct clusterer *c, struct thread *t)
{
	/* Restored threads pick their title once, from the recent members. */
	uint32_t from = t->nmem > (uint32_t)c->p.max_members ? t->nmem - (uint32_t)c->p.max_members : 0;
	const struct story *best = NULL;
	t->title_score = -1;
	for (uint32_t i = from; i < t->nmem; i++) {
		double sc = cos_centroid(c, t, t->mem[i]->v, t->mem[i]->n);
		if (title_better(t->mem[i], sc, best, t->title_score)) {
			best = t->mem[i];
			t->title_score = sc;
			t->title_story = best->id;
		}
	}
	t->title_stale = 0;
}

int64_t thread_title(struct clusterer *c, uint32_t slot)
{
	struct thread *t = &c->th[slot];

	if (t->title_stale)
		title_scan(c, t);
	return t->title_story;
}

int thread_fill(struct clusterer *c, uint32_t slot, struct cluster_result *out)
{
	struct thread *t = &c->th[slot];
	if (t->title_stale)
		title_scan(c, t);
	if (kw_refresh(c, t) < 0)
		return -1;
	out->thread_id = t->id;
	out->story_count = t->story_count;
	out->source_count = t->nsrc;
	out->title_story_id = t->title_story;
	out->first_seen = t->first_seen;
	out->last_updated = t->last_updated;
	if (t->kw)
		memcpy(out->keywords, t->kw->text, strlen(t->kw->text) + 1);
	return 0;
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
			__builtin_prefetch(&th->ct[cent_hash(v[j].term) & (th->ct_cap - 1)]);
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
	/* An empty centroid (a new thread's) becomes the story's own vector:
	 * each entry starts at 0 and 0.0 + w rounds back to w exactly. */
	int fresh = t->ct_n == 0;
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
	t->series_bits |= series_bit(s->series);
	s->slot = slot;
	if (t->nmem == 1 || s->time < t->oldest)
		t->oldest = s->time;
	if (thread_add_source(t, s->src) < 0)
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
	double sc = fresh ? cos_self(t, s->v, s->n) : cos_centroid(c, t, s->v, s->n);
	struct story *cur = t->title_story ? imap_get(&c->stories, t->title_story) : NULL;
	if (cur && cur->slot != slot)
		cur = NULL;
	if (cur)
		t->title_score = cos_centroid(c, t, cur->v, cur->n);
	if (title_better(s, sc, cur, t->title_score)) {
		t->title_story = s->id;
		t->title_score = sc;
	}
	return 0;
}

/* Moves everything of slot `from` into slot `to`, frees `from`. */
int thread_merge(struct clusterer *c, uint32_t to, uint32_t from)
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
		if (f->src[i] && thread_add_source(t, f->src[i]) < 0)
			return -1;
	if (f->first_seen < t->first_seen)
		t->first_seen = f->first_seen;
	if (f->oldest < t->oldest)
		t->oldest = f->oldest;
	if (f->last_updated > t->last_updated)
		t->last_updated = f->last_updated;
	t->story_count += f->story_count;
	t->terms_sum += f->terms_sum;
	t->series_bits |= f->series_bits;
	struct story *a = imap_get(&c->stories, t->title_story);
	struct story *b = imap_get(&c->stories, f->title_story);
	double sa = a ? cos_centroid(c, t, a->v, a->n) : -1;
	double sb = b ? cos_centroid(c, t, b->v, b->n) : -1;
	if (b && title_better(b, sb, a, sa)) {
		t->title_story = f->title_story;
		t->title_score = sb;
	} else {
		t->title_score = sa;
	}
	if (kw_merge(t, f) < 0)
		return -1;
	t->kw_stale = 1;
	t->title_stale |= f->title_stale;
	int64_t fid = f->id;
	f->nmem = 0;
	thread_drop(c, from, 0);
	return imap_put(&c->merged, fid, (void *)(intptr_t)t->id);
}

int thread_forget(struct clusterer *c, uint32_t slot, int64_t into)
{
	int64_t id = c->th[slot].id;

	thread_drop(c, slot, 0);
	return imap_put(&c->merged, id, (void *)(intptr_t)into);
}

/* Makes the story of doc (its vector is c->q) and joins it to thread
 * `slot`: what a new story and a restored one both do once their thread
 * is known.  The centroid slots, then through them the postings, are
 * asked for first, so that their cache misses arrive together. */
int thread_enter(struct clusterer *c, uint32_t slot, const struct cluster_doc *doc, int restoring)
{
	join_prefetch_slots(c, slot, c->q, c->nq);
	/* The join scores the thread's title story again under the new
	 * centroid (thread_join): in a full window it is an old member, cold,
	 * and so are the centroid's entries of its words that the story
	 * lacks.  Asked for here, they come while the story is made. */
	const struct thread *th = &c->th[slot];
	const struct story *cur = NULL;
	if (!restoring && th->title_story && !th->title_stale &&
	    (cur = imap_get(&c->stories, th->title_story)) != NULL)
		for (uint32_t j = 0; j < cur->n; j += 8)
			__builtin_prefetch(&cur->v[j]);
	/* kw_vote() reads the thread's spellings and keywords, cold too. */
	if (th->kw)
		for (size_t j = 0; j < offsetof(struct kwinfo, text); j += 64)
			__builtin_prefetch((const char *)th->kw + j);
	struct story *s = vec_story_make(c, doc);
	if (!s)
		return -1;
	if (imap_put(&c->stories, s->id, s) < 0) {
		free(s);
		return -1;
	}
	if (cur && cur->slot == slot)
		join_prefetch_slots(c, slot, cur->v, cur->n);
	/* The story keeps its store_terms heaviest of q's terms (32 of 48 by
	 * default): only those join the centroid, so only their postings. */
	join_prefetch_postings(c, slot, s->v, s->n);
	if (cur && cur->slot == slot)
		join_prefetch_postings(c, slot, cur->v, cur->n);
	if (thread_join(c, slot, s, restoring) < 0)
		return -1;
	return kw_vote(c, &c->th[slot], s, doc);
}

/* Takes story s out of its thread (centroid and members). */
void story_detach(struct clusterer *c, struct story *s)
{
	struct thread *t = &c->th[s->slot];
	struct dead dead;
	dead.n = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		cent_sub(c, s->slot, s->v[i].term, s->v[i].w, &dead);
		if (s->v[i].ent)
			em_add(t, s->v[i].term, -s->v[i].w);
	}
	dead_flush(c, s->slot, &dead);
	cent_norm(c, s->slot);
	for (uint32_t i = 0; i < t->nmem; i++)
		if (t->mem[i] == s) {
			memmove(&t->mem[i], &t->mem[i + 1], (t->nmem - i - 1) * sizeof *t->mem);
			t->nmem--;
			break;
		}
	t->story_count--;
	t->terms_sum -= s->n;
	if (t->title_story == s->id) {
		t->title_story = t->nmem ? t->mem[t->nmem - 1]->id : 0;
		t->title_stale = t->nmem > 0;
	}
	/* Members are in time order (unless a late story came in:
	 * mem_sorted) and memory forgets the oldest first, so the last member
	 * left is the thread's latest story; out of order, the latest is
	 * looked for. */
	if (t->nmem) {
		t->last_updated = t->mem[t->nmem - 1]->time;
		for (uint32_t i = 0; !t->mem_sorted && i + 1 < t->nmem; i++)
			if (t->mem[i]->time > t->last_updated)
				t->last_updated = t->mem[i]->time;
	}
	t->kw_stale = 1;
}

const char *cluster_index_check(const struct clusterer *c)
{
	static char why[160];
	double *sum = NULL;

#define BAD(...) do { snprintf(why, sizeof why, __VA_ARGS__); goto fail; } while (0)
	for (uint32_t term = 0; term < c->npl; term++) {
		const struct plist *v = &c->pl[term];
		for (uint32_t j = 0; j < v->npost; j++) {
			uint32_t s = v->post[j].slot;
			const struct cent *e = s < c->nth && c->th[s].id ? cent_find(&c->th[s], term) : NULL;
			if (!e || e->pos != j)
				BAD("term %u: posting %u (slot %u) has no entry pointing at it",
				    term, j, s);
		}
	}
	sum = calloc(c->npl ? c->npl : 1, sizeof *sum);
	if (!sum)
		BAD("out of memory");
	for (uint32_t s = 0; s < c->nth; s++) {
		const struct thread *t = &c->th[s];
		uint32_t n = 0, live = 0;
		double norm2 = 0;

		if (!t->id) {
			if (t->ct_cap || t->nmem)
				BAD("slot %u: free, with a table or members", s);
			continue;
		}
		for (uint32_t i = 0; i < t->nmem; i++)
			for (uint32_t j = 0; j < t->mem[i]->n; j++)
				sum[t->mem[i]->v[j].term] += t->mem[i]->v[j].w;
		for (uint32_t i = 0; i < t->ct_cap; i++) {
			if (!t->ct[i].key)
				continue;
			uint32_t term = t->ct[i].key - 1, b = cf_bit(term);
			if (term >= c->npl || t->ct[i].pos >= c->pl[term].npost ||
			    c->pl[term].post[t->ct[i].pos].slot != s)
				BAD("thread %lld: entry of term %u points at no posting of its own",
				    (long long)t->id, term);
			if (cent_find(t, term) != &t->ct[i])
				BAD("thread %lld: term %u not found where it is", (long long)t->id, term);
			if (!(t->cf[b / 64] >> (b % 64) & 1))
				BAD("thread %lld: term %u missing from the filter", (long long)t->id, term);
			/* Weights are floats that rose and fell by every member's:
			 * a thread of hundreds drifts by a few in 10,000. */
			double w = c->pl[term].post[t->ct[i].pos].w;
			if (fabs(w - sum[term]) > 1e-4 + 1e-3 * fabs(sum[term]))
				BAD("thread %lld: term %u weighs %g, its members %g",
				    (long long)t->id, term, w, sum[term]);
			sum[term] = 0;
			n++;
			live += fabsf((float)w) > 1e-6f;
			norm2 += w * w;
		}
		/* What is left is the members' terms the table lacks. */
		for (uint32_t i = 0; i < t->nmem; i++)
			for (uint32_t j = 0; j < t->mem[i]->n; j++) {
				uint32_t term = t->mem[i]->v[j].term;
				if (sum[term] != 0)
					BAD("thread %lld: a member's term %u not in the centroid",
					    (long long)t->id, term);
			}
		if (n != t->ct_n || live != t->ct_live)
			BAD("thread %lld: %u entries (%u live), counted %u (%u)", (long long)t->id,
			    n, live, t->ct_n, t->ct_live);
		if (fabs(norm2 - t->norm2) > 1e-4 * (norm2 > 1 ? norm2 : 1))
			BAD("thread %lld: norm2 %g, its entries %g", (long long)t->id, t->norm2, norm2);
		float invn = t->norm2 > 0 ? (float)(1.0 / sqrt(t->norm2)) : 0;
		if (c->sc[s].invn != invn)
			BAD("thread %lld: 1/norm %g, not %g", (long long)t->id, c->sc[s].invn, invn);
	}
	free(sum);
	return NULL;
#undef BAD
fail:
	free(sum);
	return why;
}
