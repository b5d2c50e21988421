/* daemon/cluster.c — the online clusterer behind threads (see cluster.h for
 * the model): scoring a story against the active threads, the choice to
 * join, open or merge, and the public API.  Its other parts: the threads
 * with their centroids and the inverted index, joins, merges and expiry
 * (cluster_thread.c), story vectors (cluster_vec.c), the vocabulary with
 * document frequencies (daemon/vocab.c), the id maps (cluster_imap.c);
 * cluster_int.h has what they share. */
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
	config_threads_defaults(p);
}

/* ---- scoring ---------------------------------------------------------- */

/* Thread t's name-centroid weight of term (0 when it has none). */
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

/* Whether the story (vector v) holds the thread's heaviest name. */
static int has_top_name(struct thread *t, const struct tw *v, uint32_t n)
{
	uint32_t ttop = em_top(t);
	for (uint32_t i = 0; i < n; i++)
		if (v[i].term == ttop)
			return 1;
	return 0;
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
	return !has_top_name(t, v, n);
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
 * nearest recent members (one member: its cosine); *when gets what those
 * members name of when, together (their headers are read anyway). */
static double member_cos(const struct clusterer *c, const struct thread *t, struct when *when)
{
	double top[2] = { 0, 0 };
	memset(when, 0, sizeof *when);
	uint32_t from = t->nmem > (uint32_t)c->p.max_members ? t->nmem - (uint32_t)c->p.max_members : 0;
	for (uint32_t i = from; i < t->nmem; i++) {
		const struct story *m = t->mem[i];
		double d = 0;
		when->years |= m->w_years;
		when->months |= m->w_months;
		when->days |= m->w_days;
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
	double q2;       /* the story's squared weights of the thread's terms */
};

/* Scores c->q against the active threads sharing terms; fills the best
 * NCAND candidates by final score, returns how many.  skip: a slot to leave
 * out (UINT32_MAX for none). */
static int score(struct clusterer *c, int64_t time, uint32_t skip, struct cand *cands)
{
	uint32_t deferred[256], nd = 0;
	int nd_over = 0;       /* common terms past deferred[]: not in q2 */
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
	/* The scan's state in locals: through c, every store to a slot's
	 * stamp or to touched[] might change c->cur_stamp, c->ntouched or a
	 * posting list's length as far as the compiler knows, so it read
	 * them again for every posting (same sums, fewer instructions). */
	struct slotsc *slots = c->sc;
	uint32_t *touched = c->touched, ntouched = 0, stamp = c->cur_stamp;
	for (uint32_t i = 0; i < c->nq; i++) {
		const struct plist *v = &c->pl[c->q[i].term];
		uint32_t np = v->npost;
		if (np > POST_CAP || c->q[i].w < wmin) {
			if (nd < 256)
				deferred[nd++] = i;
			else
				nd_over = 1;
			continue;
		}
		float qw = c->q[i].w;
		const struct posting *post = v->post;
		for (uint32_t j = 0; j < np; j++) {
			uint32_t s = post[j].slot;
			struct slotsc *e = &slots[s];
			if (e->stamp != stamp) {
				e->stamp = stamp;
				e->acc = 0;
				e->q2 = 0;
				touched[ntouched++] = s;
			}
			e->acc += qw * post[j].w;
			e->q2 += qw * qw;
		}
	}
	c->ntouched = ntouched;
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
			c->sc[s].q2 = 0;
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
		struct cand cd = { s, part, part, 0 };
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
	/* Each shortlisted thread's first line (its table and norm) and its
	 * filter are read next, in a full window a miss each: ask for them
	 * all. */
	for (int k = 0; k < nh; k++) {
		__builtin_prefetch(&c->th[heap[k].slot]);
		__builtin_prefetch(c->th[heap[k].slot].cf);
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
	/* Per common term, once: its filter bit, its key and the start of
	 * its probe in a centroid table (cent_find's), its weight. */
	uint8_t dword[256];
	uint64_t dbit[256];
	uint32_t dkey[256], dhash[256];
	float dw[256];
	for (uint32_t i = 0; i < nd; i++) {
		uint32_t term = c->q[deferred[i]].term, b = cf_bit(term);
		dword[i] = (uint8_t)(b / 64);
		dbit[i] = 1ULL << (b % 64);
		dkey[i] = cent_key(term);
		dhash[i] = cent_hash(term);
		dw[i] = c->q[deferred[i]].w;
	}
	for (int k = 0; k < nh; k++) {
		const struct thread *t = &c->th[heap[k].slot];
		for (uint32_t i = 0; t->ct_cap && i < nd; i++)
			if (t->cf[dword[i]] & dbit[i])
				__builtin_prefetch(&t->ct[dhash[i] & (t->ct_cap - 1)]);
	}
	uint32_t nfound[SHORTLIST];
	for (int k = 0; k < nh; k++) {
		const struct thread *t = &c->th[heap[k].slot];
		const struct posting **found = c->cfound + (size_t)k * 256;
		float *fq = c->cfound_q + (size_t)k * 256;
		uint32_t nf = 0;
		if (!t->ct_cap) {
			nfound[k] = 0;
			continue;
		}
		const struct cent *ct = t->ct;
		uint32_t m = t->ct_cap - 1;
		for (uint32_t i = 0; i < nd; i++) {
			if (!(t->cf[dword[i]] & dbit[i]))
				continue;
			const struct cent *e = cent_probe(ct, m, dkey[i], dhash[i]);
			if (e) {
				found[nf] = &c->pl[dkey[i] - 1].post[e->pos];
				fq[nf++] = dw[i];
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
		double d = c->sc[s].acc, q2 = c->sc[s].q2;
		for (uint32_t i = 0; i < nfound[k]; i++) {
			d += fq[i] * (double)found[i]->w;
			q2 += (double)fq[i] * fq[i];
		}
		double cen = t->norm2 > 0 ? d / sqrt(t->norm2) : 0;
		double sc = cen * damp(c, t, time);
		if (npre < NPRE || sc > pre[npre - 1].score) {
			int j = npre < NPRE ? npre++ : NPRE - 1;
			while (j > 0 && pre[j - 1].score < sc) {
				pre[j] = pre[j - 1];
				j--;
			}
			pre[j] = (struct cand){ s, cen, sc, q2 };
		}
	}
	/* A candidate that cannot reach the merge gate, whatever its members
	 * say, decides nothing (assign() joins at the bar and checks merges
	 * down to merge_gate of it): leave it out before its members are
	 * read, the costliest part of scoring.  Each member's terms are its
	 * thread's, so its cosine with the story is at most the norm of the
	 * story's weights on the thread's terms, sqrt(q2) (Cauchy-Schwarz);
	 * the steps below only raise a score by member_weight, entity_share
	 * (names' cosine at most 1) and when_bonus.  Exact: the margin covers
	 * rounding (q2 summed in float). */
	if (!nd_over && !c->no_prune) {
		double gate = c->p.merge_gate < 1 ? c->p.merge_gate : 1;
		double floor = gate * bar(c, c->p.join_threshold, c->nq);
		int kept = 0;

		for (int i = 0; i < npre; i++) {
			const struct thread *t = &c->th[pre[i].slot];
			double mb = sqrt(pre[i].q2), ub = pre[i].cen;

			if (mb > ub)
				ub += c->p.member_weight * (mb - ub);
			if (c->p.entity_share > 0)
				ub = (1 - c->p.entity_share) * ub + c->p.entity_share;
			ub *= (1 + c->p.when_bonus) * damp(c, t, time);
			if (ub * 1.001 + 1e-9 >= floor)
				pre[kept++] = pre[i];
			else
				c->pruned++;
		}
		npre = kept;
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
		struct when tw;
		double m = member_cos(c, t, &tw);
		double sc = pre[i].cen;
		/* When: two events of one kind are told alike, but they
		 * happened on other days, in other months or years, and news
		 * says when ("on Tuesday", "September 17, 2013").  A year or
		 * a month in common is of the same event as a rule; names of
		 * each kind on both sides and none in common, of another. */
		int w_share = (tw.years & c->qwhen.years) || (tw.months & c->qwhen.months);
		int w_clash = !w_share && ((tw.years && c->qwhen.years) ||
					   (tw.months && c->qwhen.months) ||
					   (tw.days && c->qwhen.days && !(tw.days & c->qwhen.days)));
		if (m > sc)
			sc += c->p.member_weight * (m - sc);
		double e = em_cos(t, c->q, c->nq);
		if (e >= 0)
			sc = (1 - c->p.entity_share) * sc + c->p.entity_share * e;
		if (w_share)
			sc *= 1 + c->p.when_bonus;
		else if (w_clash && c->p.when_clash > 0)
			sc *= c->p.when_clash;
		if (names_clash(t, c->q, c->nq))
			sc *= c->p.clash_factor;
		/* The first story of the second event of a kind (the other
		 * earthquake, the other player arrested) meets the first
		 * event's young thread, often with no thread of its own yet,
		 * and its words fit; once it joins, the rest of its event
		 * follows.  What differs is who and where: its names.  A young
		 * thread's names are few: their cosine, and its main name
		 * absent from the story, tell it (a story naming the thread's
		 * main actor is of its event, however its other names differ).
		 * Headlines name too little to judge. */
		if (e >= 0 && e < c->p.young_names && t->nmem <= (uint32_t)c->p.young_members &&
		    c->nq >= (uint32_t)c->p.lead_terms && !has_top_name(t, c->q, c->nq))
			sc *= c->p.clash_factor;
		sc *= damp(c, t, time);
		struct cand cd = { pre[i].slot, pre[i].cen, sc, pre[i].q2 };
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
	free(c->qsurf);
	free(c->qdense);
	text_tokens_free(&c->toks[0]);
	text_tokens_free(&c->toks[1]);
	free(c->tk_id);
	text_free(c->text);
	free(c);
}

/* Whether thread t holds another episode of series `series` (series_key())
 * than one at `time`: CLUSTER_SERIES_GAP or more away, or at any distance
 * when two of the publisher's own feeds brought them.  Its members are
 * read only when the thread's bits say one may be of the series. */
static int series_member(const struct thread *t, uint64_t series, int64_t time)
{
	if (!(t->series_bits & series_bit(series)))
		return 0;
	for (uint32_t i = 0; i < t->nmem; i++) {
		const struct story *m = t->mem[i];
		uint64_t mf = m->series & SERIES_FEED_BITS, f = series & SERIES_FEED_BITS;
		if ((m->series ^ series) <= SERIES_FEED_BITS &&
		    ((mf && f && mf != f) ||
		     (m->time > time ? m->time - time : time - m->time) >= CLUSTER_SERIES_GAP))
			return 1;
	}
	return 0;
}

/* Whether threads a and b hold two episodes of one series: merged, they
 * would be the series again.  The smaller thread's members are looked up
 * in the other. */
static int series_apart(const struct thread *a, const struct thread *b)
{
	if (!(a->series_bits & b->series_bits))
		return 0;
	if (a->nmem > b->nmem) {
		const struct thread *x = a;
		a = b;
		b = x;
	}
	for (uint32_t i = 0; i < a->nmem; i++)
		if (a->mem[i]->series && series_member(b, a->mem[i]->series, a->mem[i]->time))
			return 1;
	return 0;
}

/* Whether the story in c->q, a text without a title, shares fewer than
 * two of its words with thread t.  A social post's text is a few words,
 * and one of them in common ("@bob thanks!", "@carol thanks!"; "gm",
 * "gm") scored as a headline's whole does: two such posts of one account
 * made a thread.  A headline is the story's summary of what happened,
 * and one name it shares with a thread may be the event ("Ebola"); a
 * post's one word is not. */
static int untitled_apart(const struct clusterer *c, const struct thread *t)
{
	int shared = 0;

	if (!c->quntitled)
		return 0;
	for (uint32_t j = 0; j < c->nq && shared < 2; j++)
		shared += cent_w(c, t, c->q[j].term) > 0;
	return shared < 2;
}

/* Places the story in c->q (already weighed): in the thread of the story
 * it copies, else in the best thread reaching the bar (not `skip`), else
 * in `stay` (UINT32_MAX: a new thread). */
static int assign(struct clusterer *c, const struct cluster_doc *doc, uint32_t skip,
		  uint32_t stay, struct cluster_result *out)
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
		/* The best thread reaching the bar that holds no other
		 * episode of the story's series (and, for a post without a
		 * title, shares two of its words: untitled_apart()). */
		double jb = bar(c, c->p.join_threshold, c->nq);
		for (int i = 0; i < nc && cands[i].score >= jb; i++)
			if ((!doc->series || !series_member(&c->th[cands[i].slot], series_key(doc), doc->time)) &&
			    !untitled_apart(c, &c->th[cands[i].slot])) {
				slot = cands[i].slot;
				break;
			}
		if (slot != UINT32_MAX) {
			/* joins it */
		} else if (stay != UINT32_MAX) {
			slot = stay;
		} else {
			slot = thread_new(c, c->next_id);
			if (slot == UINT32_MAX)
				return -1;
			c->next_id++;
			out->is_new = 1;
		}
	}
	if (thread_enter(c, slot, doc, 0) < 0)
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
		/* Two episodes of a series (above) in two threads stay two;
		 * and a post that could not join y by the one word it shares
		 * with it does not bring its thread into y either. */
		if (series_apart(x, y) || untitled_apart(c, y))
			continue;
		/* Two threads of one kind of event converge in their words as
		 * they grow (the two patches, the two arrests); a merge would
		 * take the whole of both, so with leads to judge by, their
		 * names must agree too. */
		if (c->p.merge_names > 0 && len >= c->p.lead_terms) {
			double en = em_cos2(x, y);
			if (en >= 0 && en < c->p.merge_names)
				continue;
		}
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
	return thread_fill(c, slot, out);
}

/* cluster_add(), counting the story in the document frequencies when
 * count_df. */
static int add(struct clusterer *c, const struct cluster_doc *doc, int count_df,
	       struct cluster_result *out)
{
	memset(out, 0, sizeof *out);
	if (doc->story_id <= 0)
		return -1;
	if (imap_get(&c->stories, doc->story_id))
		return -2;
	window_advance(c, doc->time);
	if (vec_collect(c, doc, count_df) < 0)
		return -1;
	vec_weigh(c);
	return assign(c, doc, UINT32_MAX, UINT32_MAX, out);
}

int cluster_add(struct clusterer *c, const struct cluster_doc *doc, struct cluster_result *out)
{
	return add(c, doc, 1, out);
}

int cluster_update(struct clusterer *c, const struct cluster_doc *doc, struct cluster_result *out)
{
	/* The clock first: a new time can expire the story's own thread
	 * (its last update a window before it), which frees the story. */
	window_advance(c, doc->time);
	struct story *s = imap_get(&c->stories, doc->story_id);
	if (!s) {
		/* The frequencies counted the story when it came, as they
		 * count a story in memory once whatever its edits: counted
		 * again here, each edit of a story older than the window (a
		 * live blog retitled at every poll for days) added one more
		 * story to the total and to each of its words, and the saved
		 * table kept them.  Only a story they never counted
		 * (df_unsaved: stored while threads were off) is counted. */
		int rc = add(c, doc, doc->df_unsaved, out);
		out->placed_anew = rc == 0;
		return rc;
	}
	memset(out, 0, sizeof *out);
	if (vec_collect(c, doc, 0) < 0)
		return -1;
	vec_weigh(c);
	uint32_t slot = s->slot;
	story_detach(c, s);
	imap_del(&c->stories, s->id);
	struct thread *t = &c->th[slot];
	/* Stays if the new text still belongs with the rest of the thread.  A
	 * thread's only story has nothing to compare with: it goes where its
	 * new text scores, and stays when nothing does (the emptied thread is
	 * then the caller's to fold, see cluster_fold). */
	int alone = t->nmem == 0 && t->story_count <= 0;
	double keep = 1;
	if (t->nmem > 0) {
		double cen = cos_centroid(c, t, c->q, c->nq);
		double m = 0;
		if (q_scatter(c) == 0) {
			struct when tw;
			m = member_cos(c, t, &tw);
			q_clear(c);
		}
		keep = cen > m ? cen : cen + c->p.member_weight * (m - cen);
	}
	free(s);
	int64_t old_id = t->id;
	int rc;
	if (doc->copy_of_thread || (!alone && keep >= bar(c, c->p.join_threshold, c->nq))) {
		struct cluster_doc d = *doc;
		if (!d.copy_of_thread)
			d.copy_of_thread = old_id;
		rc = assign(c, &d, UINT32_MAX, UINT32_MAX, out);
	} else {
		rc = assign(c, doc, slot, alone ? slot : UINT32_MAX, out);
	}
	if (rc == 0 && out->thread_id != old_id)
		out->left_thread = cluster_resolve(c, old_id);
	return rc;
}

int cluster_fold(struct clusterer *c, int64_t from, int64_t into)
{
	uint32_t slot;

	from = cluster_resolve(c, from);
	into = cluster_resolve(c, into);
	if (!from || !into || from == into)
		return 0;
	slot = slot_of(c, from);
	if (c->th[slot].nmem)
		return thread_merge(c, slot_of(c, into), slot);
	return thread_forget(c, slot, into);
}

int64_t cluster_recurring(struct clusterer *c, int64_t story_id)
{
	struct story *s = imap_get(&c->stories, story_id);
	if (!s || s->headline != 2)
		return 0;
	s->headline = 1;
	struct thread *t = &c->th[s->slot];
	/* A restored thread has its title to choose yet (title_scan()):
	 * this may be it, as the row says. */
	if (t->title_story != story_id && !t->title_stale)
		return 0;
	t->title_stale = 1;
	return t->id;
}

int cluster_has_story(const struct clusterer *c, int64_t story_id)
{
	return imap_get(&c->stories, story_id) != NULL;
}

int64_t cluster_thread_title(struct clusterer *c, int64_t thread_id)
{
	uint32_t slot = slot_of(c, thread_id);

	if (slot == UINT32_MAX || !c->th[slot].nmem)
		return 0;
	return thread_title(c, slot);
}

int cluster_thread_keywords(struct clusterer *c, int64_t thread_id, const char **kw)
{
	uint32_t slot = slot_of(c, thread_id);
	struct thread *t;

	*kw = NULL;
	if (slot == UINT32_MAX || !c->th[slot].nmem)
		return 0;
	t = &c->th[slot];
	if (kw_refresh(c, t) < 0)
		return -1;
	*kw = t->kw && t->kw->text[0] ? t->kw->text : NULL;
	return 0;
}

/* The saved frequencies count the restored stories already, except for
 * the terms the save leaves out: those seen in one story only
 * (ingest_sync).  Such a term of a story in the window is counted here
 * (DF_RESTORED marks the terms the table had no row for), or a word seen
 * once in each of several runs (a --once per poll round) would start over
 * at every restart and never be saved, its IDF that of a word never seen.
 * Not without a saved table (no total to weigh them against).  A story
 * stored after the last save (the daemon killed, a transaction rolled
 * back before the next save) is counted whole, as cluster_add would. */
static void restore_df(struct clusterer *c, int unsaved)
{
	int changed = 0;

	if (unsaved)
		c->voc.ndocs++;
	else if (c->voc.ndocs <= 0)
		return;
	for (uint32_t j = 0; j < c->nq; j++) {
		struct vterm *v = &c->voc.term[c->q[j].term];
		if (unsaved || v->df == 0 || (v->df_dirty & DF_RESTORED)) {
			v->df_dirty = (uint8_t)(v->df == 0 ? DF_RESTORED | 1 : v->df_dirty | 1);
			v->df++;
			changed = 1;
		}
	}
	if (changed || unsaved)
		vocab_df_changed(&c->voc);
}

int cluster_restore(struct clusterer *c, const struct cluster_doc *doc, int64_t thread_id)
{
	if (doc->story_id <= 0 || thread_id <= 0)
		return -1;
	if (imap_get(&c->stories, doc->story_id))
		return 0;
	window_advance(c, doc->time);
	if (vec_collect(c, doc, 0) < 0)
		return -1;
	restore_df(c, doc->df_unsaved);
	vec_weigh(c);
	uint32_t slot = slot_of(c, thread_id);
	if (slot == UINT32_MAX && (slot = thread_new(c, thread_id)) == UINT32_MAX)
		return -1;
	if (thread_id >= c->next_id)
		c->next_id = thread_id + 1;
	/* A restore touches every window term's postings and every thread's
	 * centroid table in turn: thread_enter() asks for them together. */
	return thread_enter(c, slot, doc, 1);
}

int cluster_count(struct clusterer *c, const struct cluster_doc *doc)
{
	if (vec_collect(c, doc, 0) < 0)
		return -1;
	restore_df(c, 1);
	return 0;
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
                       int64_t first_seen, int64_t last_updated,
                       const char *const *sources, size_t n)
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
		    thread_add_source(t, fnv(sources[i], strlen(sources[i])) | 1u) < 0)
			return -1;
	t->story_count = story_count;
	t->first_seen = first_seen;
	if (last_updated > t->last_updated)
		t->last_updated = last_updated;
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

/* The live terms with df >= min_df, only those whose df changed since
 * the last save when changed_only. */
static void df_each(const struct clusterer *c, int64_t min_df, int changed_only,
		    int (*fn)(void *arg, const char *term, int64_t df), void *arg)
{
	for (uint32_t t = 0; t < c->voc.n; t++) {
		const struct vterm *v = &c->voc.term[t];
		if ((!changed_only || v->df_dirty) && !v->dead && v->df >= min_df &&
		    fn(arg, vocab_name(&c->voc, t), v->df))
			return;
	}
}

void cluster_df_foreach(const struct clusterer *c, int64_t min_df,
			int (*fn)(void *arg, const char *term, int64_t df), void *arg)
{
	df_each(c, min_df, 0, fn, arg);
}

int cluster_df_whole(const struct clusterer *c)
{
	return c->voc.df_full;
}

void cluster_df_foreach_unsaved(const struct clusterer *c, int64_t min_df,
				int (*fn)(void *arg, const char *term, int64_t df), void *arg)
{
	df_each(c, min_df, !c->voc.df_full, fn, arg);
}

void cluster_df_saved(struct clusterer *c)
{
	for (uint32_t t = 0; t < c->voc.n; t++)
		c->voc.term[t].df_dirty = 0;
	c->voc.df_full = 0;
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
				   (t->kw ? sizeof *t->kw + strlen(t->kw->text) + 1 : 0);
		for (uint32_t i = 0; i < t->nmem; i++)
			st->mem_stories += sizeof(struct story) + t->mem[i]->n * sizeof(struct tw);
	}
	size_t m = st->mem_vocab + st->mem_postings + st->mem_centroids + st->mem_stories +
		   st->mem_threads;
	st->memory_bytes = m;
}
