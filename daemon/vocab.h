/* daemon/vocab.h — the clusterer's term vocabulary: stems as produced by
 * daemon/text.h to dense ids (reused after a prune), with per term its
 * document frequency and IDF, the casing evidence that says whether it is
 * written like a name, and a surface form for keywords.  The clusterer
 * (daemon/cluster*.c) owns one, keeps arrays of its own by term id beside
 * it (the postings), and reads and updates the entries directly on its
 * per-token paths: the structs are public for that. */
#ifndef TIDINGS_VOCAB_H
#define TIDINGS_VOCAB_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/cluster_util.h"

/* 40 bytes: one entry per term ever seen since the last prune, so its
 * size is most of the vocabulary's memory. */
struct vterm {
	double idf_val;
	uint32_t name;       /* offset of the stem in vocab arena */
	uint32_t surf;       /* offset of a surface form, for keywords */
	uint32_t df;
	float cap_yes, cap_no; /* casing evidence: written as a name or not */
	uint32_t idf_epoch;    /* == vocab.df_epoch: idf_val is current */
	uint8_t surf_good;   /* surf came from a mid-sentence occurrence */
	uint8_t dead;        /* pruned; the id waits in freeterms for reuse */
	uint8_t when;        /* a time expression (vocab_when), 0: none */
	/* The clusterer's scratch, in what was padding: the term's place in
	 * the story being collected, valid only while that place holds the
	 * term (daemon/cluster_vec.c checks), so it is never cleared. */
	uint32_t qslot;
};
_Static_assert(sizeof(struct vterm) == 40, "struct vterm: 40 bytes");

/* Vocabulary hash slot: short terms inline so that a lookup touches one
 * cache line. */
struct vslot {
	uint32_t id1;   /* term id + 1, 0 = empty */
	uint32_t hash;
	char name[24];  /* the term if shorter than 24 bytes (NUL-padded) */
};

struct vocab {
	int64_t ndocs;                 /* documents counted in df */
	uint32_t df_epoch;             /* bumped whenever ndocs or a df changes:
	                                  stamps the idf cached per term */
	char *arena;                   /* owned: NUL-terminated strings of terms */
	size_t arena_len, arena_cap;
	struct vterm *term;            /* owned: entries by id */
	uint32_t n, cap;               /* ids handed out (some dead), allocated */
	uint32_t live, prune_at;       /* live terms; prune when above */
	uint32_t *freeterms;           /* owned: ids of pruned terms */
	uint32_t nfreeterms, capfreeterms;
	struct vslot *hash;            /* owned: open addressing over terms */
	size_t mask;
};

/* What a term says of when (struct vterm.when): a month 1-12, a weekday
 * VOCAB_WEEKDAY + 0-6 (Monday first), a year VOCAB_YEAR + year -
 * VOCAB_YEAR0 (1900-2123), 0 for anything else.  English month and weekday names, as
 * Snowball's English stemmer leaves them or unstemmed, and their usual
 * abbreviations; the clusterer counts a name only where it is written
 * with a capital. */
enum { VOCAB_WEEKDAY = 16, VOCAB_YEAR = 32, VOCAB_YEAR0 = 1900 };
uint8_t vocab_when(const char *s, size_t n);

/* An empty vocabulary: 0, or -1 out of memory (vocab_free it then). */
int vocab_init(struct vocab *v);
void vocab_free(struct vocab *v);

/* The id of the term s[0..n), whose fnv() is h (the tokenizer's
 * text_token.hash), added with df 0 when new; UINT32_MAX out of memory.
 * New ids are v->n - 1 after the call, or reused ids of pruned terms. */
uint32_t vocab_intern_h(struct vocab *v, const char *s, size_t n, uint32_t h);

static inline uint32_t vocab_intern(struct vocab *v, const char *s, size_t n)
{
	return vocab_intern_h(v, s, n, fnv(s, n));
}

/* Gives term t the surface form s[0..n) (for keywords); good: it came
 * from a mid-sentence occurrence.  0, or -1 out of memory. */
int vocab_set_surface(struct vocab *v, uint32_t t, const char *s, size_t n, int good);

static inline const char *vocab_name(const struct vocab *v, uint32_t t)
{
	return v->arena + v->term[t].name;
}

static inline const char *vocab_surface(const struct vocab *v, uint32_t t)
{
	return v->arena + v->term[t].surf;
}

/* To call after ndocs or any df changed: the cached IDFs are stale. */
void vocab_df_changed(struct vocab *v);

/* The log is the dearest part of weighing a story; while no frequency
 * changes (a whole start-up restore) each term's is computed once. */
static inline double vocab_idf(struct vocab *v, uint32_t t)
{
	struct vterm *e = &v->term[t];
	if (e->idf_epoch != v->df_epoch) {
		double df = e->df;
		e->idf_val = log((v->ndocs + 1.0) / (df + 0.5));
		e->idf_epoch = v->df_epoch;
	}
	return e->idf_val;
}

/* Whether the vocabulary has grown enough since the last prune. */
static inline int vocab_prune_due(const struct vocab *v)
{
	return v->live > v->prune_at;
}

/* Forgets the rare terms (df of 1, or under 1 in 1,000 documents) for
 * which held(arg, id) is 0, and compacts the names.  Their ids go back to
 * the pool: the owner's arrays by id must hold nothing for them. */
void vocab_prune(struct vocab *v, int (*held)(const void *arg, uint32_t t), const void *arg);

/* Heap held, in bytes. */
size_t vocab_memory(const struct vocab *v);

#endif
