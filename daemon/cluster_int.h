/* daemon/cluster_int.h — what the clusterer's files share: its structs
 * (story vectors, threads with their centroid tables, postings, the
 * clusterer itself), the small helpers more than one file calls on
 * per-term paths (static inline: gcc does not inline across files here),
 * and the functions of daemon/cluster_vec.c (story vectors) and
 * daemon/cluster_thread.c (threads) that daemon/cluster.c calls.
 * Internal to the clusterer; everything else uses daemon/cluster.h. */
#ifndef TIDINGS_CLUSTER_INT_H
#define TIDINGS_CLUSTER_INT_H

#include <stdint.h>
#include <string.h>

#include "daemon/cluster.h"
#include "daemon/cluster_imap.h"
#include "daemon/cluster_util.h"
#include "daemon/text.h"
#include "daemon/vocab.h"

/* A term's weight in a story vector or a centroid. */
struct tw {
	uint32_t term : 30;  /* < VOCAB_MAX_TERMS */
	uint32_t ent : 1;  /* a name (acronym, number, capitalised mid-sentence) */
	uint32_t hide : 1; /* the term's vterm.kw_hide, here so that keywords()
	                      reads no vocabulary entry; or, in a story, a
	                      desk's label heading its title ("UPDATE 2-") and
	                      not written elsewhere in it (vec_collect()) */
	float w;
};

/* Entity centroid entry: key term+1 (0 empty). */
struct fw {
	uint32_t key;
	float w;
};

/* Inverted index entry: thread slot and its centroid weight for the term.
 * The weight lives only here; the thread's centroid table points at it. */
struct posting {
	uint32_t slot;
	float w;
};

/* Per thread slot, dense: what the posting scan touches. */
struct slotsc {
	uint32_t stamp;  /* == cur_stamp: acc is this story's partial dot */
	float acc;
	float invn;      /* 1/|centroid|, 0 for an empty one */
	float q2;        /* the sum of the squared story weights of the terms
	                    acc saw (a bound on a member's cosine, score()) */
};

/* A term's postings: the active threads holding it.  Apart from the
 * vocabulary entries, in a dense array of 16 bytes a term, because every
 * centroid change reads it (a story's join and, a window later, its
 * forgetting): a 2-3 MiB array stays in cache where the entries (7 MiB)
 * and the centroid tables (20 MiB) do not. */
struct plist {
	struct posting *post;  /* owned */
	uint32_t npost;
	uint8_t postcap;     /* post holds 1 << (postcap - 1) entries; 0: none */
};

/* The time expressions a text names, as sets: years (bit year % 64, for
 * the years from 56 before the story's own year to 7 after it, where no
 * two share a bit), months (bit 0: January) and weekdays (bit 0: Monday);
 * see vocab_when() and vec_collect(). */
struct when {
	uint64_t years;
	uint16_t months;
	uint8_t days;
};

/* A story in the window.  Owned by the clusterer (stories map); the thread
 * lists it among its members. */
struct story {
	int64_t id, time;
	uint64_t w_years;  /* its title's and lead's struct when, as three fields
	                      (8 bytes more a story; the struct would take 16) */
	uint32_t slot;   /* thread slot */
	uint32_t src;    /* source hash, 0 = none */
	uint32_t n;
	uint16_t w_months;
	uint8_t w_days;
	uint8_t headline; /* its title has a word besides numbers and dates: it
	                     can title a thread (see title_better()); 2 when it
	                     is not cut short nor headed by a desk's label nor
	                     recurring (cluster_doc.recurring), 1 when it is,
	                     0 without one */
	uint64_t series; /* series_key(): publisher and headline, 0 none */
	struct tw v[];   /* sorted by term, L2-normalised */
};
_Static_assert(sizeof(struct story) == 48, "struct story: 48 bytes before its terms");

/* A story's series key: cluster_doc.series, its low 16 bits the feed
 * that brought it (cluster_doc.series_feed; 0: an aggregator's or none
 * known).  Two keys are one series when they differ in those bits at
 * most (SERIES_FEED_BITS), and two feeds' when both have them, unalike. */
#define SERIES_FEED_BITS 0xffffull
static inline uint64_t series_key(const struct cluster_doc *doc)
{
	if (!doc->series || !(doc->series & ~SERIES_FEED_BITS))
		return 0;
	uint64_t feed = doc->series_feed > 0 ?
	                (uint64_t)doc->series_feed % SERIES_FEED_BITS + 1 : 0;
	return (doc->series & ~SERIES_FEED_BITS) | feed;
}

/* A series key's bit in struct thread.series_bits. */
static inline uint64_t series_bit(uint64_t series)
{
	return series ? 1ull << (series >> 58) : 0;
}

/* Centroid table entry: key term+1 (0 empty), pos in pl[term].post. */
struct cent {
	uint32_t key, pos;
};

/* A thread's own spelling of its words, for its keywords: a word's
 * surface in the vocabulary is one for all threads ("banking" for the
 * stem of Jos. A. Bank), so each thread counts how its stories spell its
 * keywords and their own heaviest terms (a new keyword is one of those).
 * (The heaviest terms after the shown ones are counted too: they are
 * the next keywords.)  A spelling is counted regardless of case; its case is the one written
 * mid-sentence in sentence-cased text, where a capital means a name (the
 * least shouting such letters, the first capital if most are).  A
 * fixed table of KW_FORMS spellings; when it is full a new one takes the
 * place of the least counted that is not a keyword's, and its count (the
 * space-saving count: spellings that keep coming stay), while `seen`
 * counts its own occurrences only, which decide what is shown.
 * Spellings longer than KW_FORM_MAX bytes are not counted; their terms
 * show the vocabulary's surface. */
#define KW_FORMS 12
#define KW_FORM_MAX 18
#define KW_SHOWN 5
#define KW_TRACK 8   /* the heaviest terms counted: the shown and the next */
struct kwform {
	uint32_t term;
	uint16_t count;      /* for the replacement: seen + what it replaced */
	uint16_t seen;
	uint8_t len;
	uint8_t good;        /* s is as written mid-sentence in sentence-cased text */
	int8_t capbal;       /* of those occurrences, capitalised less lower case */
	uint8_t shown;       /* term is one of the keywords */
	char s[KW_FORM_MAX];
};
_Static_assert(sizeof(struct kwform) == 32, "struct kwform: 32 bytes");

struct kwinfo {
	struct kwform f[KW_FORMS];
	uint64_t mask;       /* bit kw_bit(term) of the terms of f and kw (and
	                        maybe of some that were) */
	uint32_t nf, nkw, nshown;
	uint32_t kw[KW_TRACK]; /* the heaviest terms when text was made; the
	                        first nshown are text's */
	uint32_t respell;    /* a shown term was counted since text was made */
	char text[];         /* the keywords, ", "-separated ("": none yet) */
};

/* A term of the story under construction: where its best surface is
 * (field 0 title, 1 text), kept beside c->q by vec_collect(). */
struct qsurf {
	uint32_t term, off;
	uint16_t len;
	uint8_t field, good;
};

/* 256 bytes, in an array aligned to cache lines.  The first line and the
 * fourth (the filter) are what completing a shortlisted candidate reads
 * (centroid table, norm, times); the second what the member and name
 * scores read. */
struct thread {
	struct cent *ct;     /* owned, open addressing */
	uint32_t ct_n, ct_cap;
	double norm2;        /* squared norm of the centroid */
	int64_t first_seen, last_updated;
	uint64_t series_bits; /* series_bit() of its members' series keys (and
	                         maybe of some that left): a clear bit says no
	                         member is of that series, without reading them */
	uint64_t pad1[2];    /* free: keeps the second line's fields on it */
	/* second line */
	struct story **mem;  /* owned array (stories owned by the map) */
	uint32_t nmem, capmem;
	struct fw *em;       /* owned: centroid of the name terms only */
	uint32_t em_n, em_cap;
	double em_norm2;
	uint32_t em_top1;    /* heaviest name + 1 (0: none), unless em_top_stale */
	uint8_t kw_stale, title_stale, em_top_stale;
	uint8_t mem_sorted;  /* members are in time order (a live stream's) */
	int64_t id;          /* 0: free slot */
	int64_t story_count;
	/* third line */
	int64_t oldest;      /* <= the time of every member in memory */
	int64_t title_story;
	double title_score;
	double terms_sum;    /* sum of member vector lengths (for the bar) */
	uint32_t *src;       /* owned set of source hashes, open addressing */
	uint32_t nsrc, capsrc;
	struct kwinfo *kw;   /* owned: keywords and the forms they are written
	                        in here (NULL: none yet); outside the slot, so
	                        that a slot keeps to three lines */
	uint32_t forgotten;  /* stories forgotten since the last compaction */
	uint32_t ct_live;    /* centroid entries whose weight is not residue
	                        (|w| > 1e-6): kept by cent_add, so that the
	                        compaction check reads no posting */
	/* fourth line: a one-hash Bloom filter of the terms in ct (bit
	 * cf_bit(term)): a clear bit says a term is absent without a probe of
	 * the table.  Most shortlist lookups are of absent terms, and at 3/4
	 * full an absent term's probe run is long and, in a cold table, a
	 * cache miss of its own.  512 bits: a full window's threads hold
	 * ~160 terms, which left 192 (in the first line) 56% set, 512 27%.
	 * Set as entries enter ct, rebuilt when it is compacted; an entry
	 * leaving ct otherwise leaves its bit set (a probe, not an error). */
	uint64_t cf[8];
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct thread) == 256, "struct thread: four cache lines");

#define TF_LOGS 64
#define QBITS 32768

struct clusterer {
	struct cluster_params p;
	int64_t next_id, now, next_expiry;
	uint32_t stale_adds;           /* stories older than the window since the
	                                  last expiry pass (see advance) */
	struct text *text;             /* owned */
	struct text_tokens toks[2];    /* owned scratch: title, text */
	uint32_t *tk_id;               /* owned scratch: a story's token term ids */
	uint32_t cap_tk_id;
	double tf_logs[TF_LOGS];       /* log1p(k), see tf_log() */

	struct vocab voc;              /* owned: the terms, by id */
	struct plist *pl;              /* owned: per term id, npl of them */
	uint32_t npl, cappl;

	struct thread *th;             /* owned: slots */
	uint32_t nth, thcap, capth;    /* capth: size of the scratch arrays */
	uint32_t *freeslots;           /* owned */
	uint32_t nfree, capfree;
	size_t live_threads;

	struct imap stories;           /* story id -> struct story * (owned) */
	struct imap threads;           /* thread id -> slot + 1 */
	struct imap merged;            /* merged thread id -> survivor id */

	/* Per slot, sized by capth: the scoring scratch and 1/|centroid|
	 * side by side, so that a posting costs one cache miss, not three. */
	struct slotsc *sc;
	uint32_t cur_stamp;
	uint32_t *touched;
	uint32_t ntouched;
	struct tw *q;                  /* story vector under construction */
	float *qdense;                 /* owned: q scattered by term, else zero */
	uint32_t qdense_cap;
	uint64_t qbits[QBITS / 64];    /* bit term % QBITS: maybe in q (see member_cos) */
	/* score()'s candidates left out before their member cosines, which
	 * could not have reached the merge gate (exact); no_prune: score
	 * them all, as test_cluster_prune's reference does. */
	uint64_t pruned;
	int no_prune;
	uint64_t compactions;          /* centroids rebuilt (cent_compact) */
	const struct posting *cfound[8 * 256]; /* score(): the shortlist's postings
	                                  of the common terms it holds */
	float cfound_q[8 * 256];       /* and the story's weights of those terms */
	uint32_t nq, capq;
	struct qsurf *qsurf;           /* owned: by q's place in vec_collect() */
	uint32_t nqsurf, capqsurf;
	/* vec_weigh(), when it cut q to max_terms: the kept weights before
	 * normalising, heaviest first (q's nq weights are these divided by
	 * qnorm, an order-keeping map), so that score() and vec_story_make()
	 * read a k-th largest weight instead of selecting it again.
	 * qsorted_n == 0: not available for this q. */
	float qsorted[256];
	uint32_t qsorted_n;
	double qnorm;
	struct when qwhen;             /* vec_collect(): the story's time expressions */
	uint8_t qheadline;             /* vec_collect(): struct story.headline */
	uint8_t quntitled;             /* vec_collect(): the story has no title's
	                                  words, only a text (a social post) */
	/* vec_collect(): the terms of the desk's labels heading the title
	 * ("UPDATE 2-", "REFILE-"), with the weight their label occurrences
	 * gave them; those written nowhere else in the story are hidden
	 * from its thread's keywords (vec_weigh(), struct tw.hide). */
	uint8_t nqlab;
	uint32_t qlab[4];
	float qlab_w[4];
};

/* The postings follow the vocabulary's ids: room for every id handed
 * out, the new entries empty.  An id the vocabulary reuses is empty too:
 * it only prunes terms no thread holds (term_held), and a term's postings
 * array is freed when its last posting goes (post_shrink). */
static inline int pl_cover(struct clusterer *c)
{
	uint32_t old = c->npl;
	if (c->voc.n <= old)
		return 0;
	if (grow((void **)&c->pl, &c->cappl, sizeof *c->pl, c->voc.n) < 0)
		return -1;
	memset(c->pl + old, 0, (size_t)(c->voc.n - old) * sizeof *c->pl);
	c->npl = c->voc.n;
	return 0;
}

/* The weight at index k (0-based) of q's weights sorted heaviest first,
 * from vec_weigh()'s sorted weights; 0 when it did not keep them.
 * Dividing by the norm and rounding to float keeps the order, so the k-th
 * largest of q is the k-th largest before normalising, normalised as
 * vec_weigh() did. */
static inline int q_kth(const struct clusterer *c, uint32_t k, float *w)
{
	if (k >= c->qsorted_n)
		return 0;
	*w = c->qnorm > 0 ? (float)(c->qsorted[k] / c->qnorm) : 0;
	return 1;
}

/* The filter bit of a term: the high bits of another multiplicative hash
 * than the table's (which takes the low bits), 512 of them. */
static inline uint32_t cf_bit(uint32_t term)
{
	return (term * 0x85ebca6bu) >> 23;
}

/* A term's key and hash in the centroid tables. */
static inline uint32_t cent_key(uint32_t term) { return term + 1; }
static inline uint32_t cent_hash(uint32_t term) { return term * 2654435761u; }

/* The entry of KEY (hash HASH) in the centroid table ct of mask m (its
 * capacity less one), NULL when absent.  Apart from cent_find() for a
 * caller that probes many tables for the same terms with their keys and
 * hashes computed once, and the table in locals. */
static inline const struct cent *cent_probe(const struct cent *ct, uint32_t m, uint32_t key,
                                            uint32_t hash)
{
	uint32_t i = hash & m;
	while (ct[i].key) {
		if (ct[i].key == key)
			return &ct[i];
		i = (i + 1) & m;
	}
	return NULL;
}

/* Thread t's centroid table entry of term, NULL when it has none. */
static inline struct cent *cent_find(const struct thread *t, uint32_t term)
{
	return t->ct_cap ? (struct cent *)cent_probe(t->ct, t->ct_cap - 1, cent_key(term),
	                                             cent_hash(term))
	                 : NULL;
}

/* Thread t's centroid weight of term (0 when it has none). */
static inline double cent_w(const struct clusterer *c, const struct thread *t, uint32_t term)
{
	const struct cent *e = cent_find(t, term);
	return e ? c->pl[term].post[e->pos].w : 0.0;
}

/* Entries the postings array v has room for (see post_reserve). */
static inline uint32_t post_cap(const struct plist *v)
{
	return v->postcap ? 1u << (v->postcap - 1) : 0;
}

/* ---- daemon/cluster_vec.c: story vectors ----------------------------- */

/* Counts doc's terms into c->q (and their document frequencies when
 * count_df): 0 or -1. */
int vec_collect(struct clusterer *c, const struct cluster_doc *doc, int count_df);
/* c->q's counts to its L2-normalised max_terms heaviest weights. */
void vec_weigh(struct clusterer *c);
/* The story as kept in the window, from doc and c->q; NULL out of memory. */
struct story *vec_story_make(struct clusterer *c, const struct cluster_doc *doc);
/* Sorts v[0..n) by term: n <= 64, terms distinct. */
void vec_sort_term(struct tw *v, uint32_t n);
/* The keep largest of w[0..n) (n <= 256, >= 0) into w[0..keep), heaviest
 * first: 1, or 0 with w unchanged when they crowd (select and sort
 * then). */
int vec_top_sorted(float *w, uint32_t n, uint32_t keep);
/* The value at index k (0-based) of a[0..n) sorted in descending order;
 * reorders a. */
float vec_kth_largest(float *a, uint32_t n, uint32_t k);

/* ---- daemon/cluster_thread.c: threads --------------------------------- */

/* Opens a thread with this id in a free slot: the slot, UINT32_MAX out of
 * memory. */
uint32_t thread_new(struct clusterer *c, int64_t id);
/* Makes the story of doc (vector c->q) and joins it to thread slot
 * (restoring: without scoring its title yet): 0 or -1. */
int thread_enter(struct clusterer *c, uint32_t slot, const struct cluster_doc *doc, int restoring);

/* cluster_kw.c: story s (doc, just collected by vec_collect) joined
 * thread t: it counts its spellings.  0, or -1 out of memory. */
int kw_vote(struct clusterer *c, struct thread *t, const struct story *s,
            const struct cluster_doc *doc);
/* Thread f merges into t: t counts f's spellings too. */
int kw_merge(struct thread *t, const struct thread *f);
/* After a vocabulary prune: spellings of pruned terms go, before their
 * ids are handed out to other words. */
void kw_forget_dead(struct clusterer *c);
/* t's keywords, counted again when due, else re-spelt when a count
 * changed which spelling leads. */
int kw_refresh(struct clusterer *c, struct thread *t);
/* Takes story s out of its thread (centroid and members). */
void story_detach(struct clusterer *c, struct story *s);
/* Moves everything of slot `from` into slot `to`, frees `from`: 0 or -1. */
int thread_merge(struct clusterer *c, uint32_t to, uint32_t from);
/* Frees slot, a thread without members, and resolves its id to thread
 * `into` from now on, as a merged thread's: 0 or -1. */
int thread_forget(struct clusterer *c, uint32_t slot, int64_t into);
/* Adds source hash h (0: none) to the thread's set: 0 or -1. */
int thread_add_source(struct thread *t, uint32_t h);
/* The story that titles thread slot now (0: it holds no member). */
int64_t thread_title(struct clusterer *c, uint32_t slot);
/* The display fields of thread slot into out. */
int thread_fill(struct clusterer *c, uint32_t slot, struct cluster_result *out);
/* Moves the clock to a story's time; expires and prunes when due. */
void window_advance(struct clusterer *c, int64_t time);

/* For the tests: checks the window index against what it is built from.
 * Every posting points at a live thread whose table points back at it;
 * every table entry at its posting; each thread's counts, filter, norm
 * and 1/norm agree with its entries; and each centroid weight is the sum
 * of the thread's members' weights of the term.  NULL when all hold, else
 * what does not (the first, in a static buffer). */
const char *cluster_index_check(const struct clusterer *c);
/* Cosine of story vector v to thread t's centroid. */
double cos_centroid(const struct clusterer *c, const struct thread *t,
		    const struct tw *v, uint32_t n);

#endif
