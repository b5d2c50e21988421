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
#include <string.h>

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
	uint8_t surf_good : 1; /* surf came from a mid-sentence occurrence */
	/* Never a thread keyword: a weekday, a time of day or zone
	 * (VOCAB_CLOCK), or a number of one or two digits (a day of the
	 * month, an hour, a minute) says nothing of the event (all still count
	 * in the clustering).  Known when the term is made, so that keywords
	 * need no look at its entry. */
	uint8_t kw_hide : 1;
	uint8_t dead;        /* pruned; the id waits in freeterms for reuse */
	uint8_t when;        /* a time expression (vocab_when), 0: none */
	uint8_t df_dirty;    /* df changed since the last cluster_df_saved()
	                        (non-zero); DF_RESTORED set: a term the saved
	                        table had no row for, counted by a restore
	                        (cluster.c) */
	/* The clusterer's scratch, in what was padding: the term's place in
	 * the story being collected, valid only while that place holds the
	 * term (daemon/cluster_vec.c checks), so it is never cleared. */
	uint32_t qslot;
};
#define DF_RESTORED 2  /* a bit of vterm.df_dirty */

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
	int df_full;                   /* a prune since the last saved table
	                                  (or no table saved yet): its next
	                                  save is whole, not the changed terms */
};

/* What a term says of when (struct vterm.when): a month 1-12, a weekday
 * VOCAB_WEEKDAY + 0-6 (Monday first), a year VOCAB_YEAR + year -
 * VOCAB_YEAR0 (1900-2123), 0 for anything else.  English month and weekday names, as
 * Snowball's English stemmer leaves them or unstemmed, and their usual
 * abbreviations; the clusterer counts a name only where it is written
 * with a capital.
 *
 * Two more codes name the other words of a dateline ("Posted: Nov 27,
 * 2005 8:20 AM ET", "Last updated at 13:59 GMT"), which say no date:
 * VOCAB_CLOCK a time of day, a time zone or a day of the month ("am",
 * "8pm", "gmt", "est", "28th"),
 * VOCAB_LABEL a dateline's label ("posted", "updated", "last").  Neither
 * counts in the when channel nor makes a title a headline; a clock word
 * is no keyword either (a label may be: "Post"). */
enum {
	VOCAB_CLOCK = 13, VOCAB_LABEL = 14,
	VOCAB_WEEKDAY = 16, VOCAB_YEAR = 32, VOCAB_YEAR0 = 1900
};
uint8_t vocab_when(const char *s, size_t n);

/* Term ids stay below this: the clusterer keeps an id in 30 bits of a
 * story vector's entry (a vocabulary that big would take 40 GiB). */
#define VOCAB_MAX_TERMS (1u << 30)

/* An empty vocabulary: 0, or -1 out of memory (vocab_free it then). */
int vocab_init(struct vocab *v);
void vocab_free(struct vocab *v);

/* vocab_intern_h() from hash slot i on: a long term's lookup, or a new
 * term's entry (i: the empty slot where a short term's probe ended). */
uint32_t vocab_intern_from(struct vocab *v, const char *s, size_t n, uint32_t h, size_t i);

/* The id of the term s[0..n), whose fnv() is h (the tokenizer's
 * text_token.hash), added with df 0 when new; UINT32_MAX out of memory.
 * New ids are v->n - 1 after the call, or reused ids of pruned terms.
 * Inline: the clusterer looks up every token of a story (the call and
 * its argument moves were a fifth of a lookup's instructions), and gcc
 * does not inline across files here.  A known short term, nearly every
 * token, is found here; vocab_intern_from() does the rest. */
static inline uint32_t vocab_intern_h(struct vocab *voc, const char *s, size_t n, uint32_t h)
{
	size_t i = h & voc->mask;
	if (n < sizeof voc->hash[0].name) {
		/* Short terms: the slot holds the term NUL-padded, so equality
		 * is three word compares against the term padded alike. */
		uint64_t key[3] = { 0, 0, 0 };
		char *kb = (char *)key;
		/* Copies of fixed sizes, overlapping, instead of a call to
		 * memcpy for n bytes: the bytes past n stay zero. */
		if (n >= 8) {
			memcpy(kb, s, 8);
			if (n >= 16)
				memcpy(kb + 8, s + 8, 8);
			memcpy(kb + n - 8, s + n - 8, 8);
		} else if (n >= 4) {
			memcpy(kb, s, 4);
			memcpy(kb + n - 4, s + n - 4, 4);
		} else if (n) {
			kb[0] = s[0];
			kb[n / 2] = s[n / 2];
			kb[n - 1] = s[n - 1];
		}
		while (voc->hash[i].id1) {
			const struct vslot *e = &voc->hash[i];
			uint64_t nm[3];
			memcpy(nm, e->name, sizeof nm);
			if (e->hash == h && !((nm[0] ^ key[0]) | (nm[1] ^ key[1]) | (nm[2] ^ key[2])))
				return e->id1 - 1;
			i = (i + 1) & voc->mask;
		}
	}
	return vocab_intern_from(voc, s, n, h, i);
}

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
