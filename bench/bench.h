/* bench/bench.h — what the benchmark programs share: their random stream,
 * their clocks and the generated feed list.  Each program keeps its own
 * stream state and seed, so its generated data is what it always was. */
#ifndef TIDINGS_BENCH_H
#define TIDINGS_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "daemon/store.h"

/* One step of Marsaglia's xorshift64 on *s (never 0). */
static inline uint64_t bench_xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A Zipf draw: the index whose cumulative share cdf[0..n) first reaches
 * the uniform number made of r's top 53 bits. */
static inline int bench_zipf_pick(const double *cdf, int n, uint64_t r)
{
	double u = (double)(r >> 11) / 9007199254740992.0;
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline double bench_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall time; CPU time of the process (steadier on a shared machine); CPU
 * time of the calling thread. */
static inline double bench_wall(void) { return bench_clock(CLOCK_MONOTONIC); }
static inline double bench_cpu(void) { return bench_clock(CLOCK_PROCESS_CPUTIME_ID); }
static inline double bench_thread_cpu(void) { return bench_clock(CLOCK_THREAD_CPUTIME_ID); }

/* Makes the feed list of a generated set: n feeds (at most 64),
 * http://feedI.example/rss, ids 1..n in a fresh database. */
static inline int bench_sync_feeds(struct store *st, int n, int64_t now)
{
	struct feedlist_item items[64];
	char urls[64][64];
	struct feedlist fl = { items, (size_t)n };

	if (n > 64)
		return -1;
	memset(items, 0, sizeof items);
	for (int i = 0; i < n; i++) {
		snprintf(urls[i], sizeof urls[i], "http://feed%d.example/rss", i);
		items[i].url = urls[i];
	}
	return store_sync_feeds(st, &fl, now);
}

/* ---- issue 5's generated news (ingest_bench, floor_bench) ----------
 * A vocabulary drawn with a Zipf law (s = 1), as words are in news text:
 * a few very common, a long tail of rare ones.  Random unique tokens
 * would make every story's vocabulary new and measure a clusterer and FTS
 * index that no real feed set produces.  The stream state is the
 * caller's: ingest_bench keeps one per thread.
 *
 * The commonest ranks are the commonest words of English news, most of
 * them function words, and the rest pseudo-words.  In real news the
 * function words are about two fifths of the text and the stop lists of
 * the near-duplicate fingerprint and the clusterer leave them out; under
 * s = 1 the top 100 ranks are 48% of the draws, and as pseudo-words no
 * stop list knew them, so they voted in every fingerprint and weighed in
 * every vector: the fingerprints' bits were three times as biased as
 * real news's and crowded the near-duplicate index's chains (docs/dedup.md,
 * "Chains in insertion order").  BENCH_TEXT=pseudo makes the earlier
 * vocabulary, pseudo-words at every rank, to compare with figures
 * measured before session 14. */
#define BENCH_VOCAB 30000

static const char *const bench_common_words[] = {
	"the", "of", "to", "and", "a", "in", "that", "on", "for", "was",
	"said", "is", "with", "he", "it", "as", "at", "by", "his", "from",
	"has", "be", "have", "an", "were", "are", "had", "but", "not", "this",
	"been", "who", "they", "its", "after", "will", "we", "their", "one",
	"two", "would", "year", "which", "she", "more", "her", "i", "or",
	"about", "also", "up", "when", "there", "new", "people", "out", "last",
	"than", "first", "three", "years", "all", "into", "over", "so", "told",
	"could", "him", "police", "can", "time", "no", "if", "what", "other",
	"our", "before", "some", "do", "them", "you", "while", "my", "did",
	"state", "just", "during", "back", "being", "because", "since", "where",
	"against", "then", "only", "any", "made", "week", "government", "officials",
};

struct bench_vocab {
	char words[BENCH_VOCAB][12];
	double cdf[BENCH_VOCAB];
};

static inline void bench_vocab_make(struct bench_vocab *v, uint64_t *rng)
{
	static const char *syl[] = { "ka", "lo", "mi", "ne", "su", "ta", "ri",
		"po", "de", "ba", "vu", "gri", "sto", "len", "mar", "tis" };
	double sum = 0;

	for (int i = 0; i < BENCH_VOCAB; i++) {
		int n = 2 + (int)(bench_xorshift(rng) % 3);
		v->words[i][0] = '\0';
		for (int k = 0; k < n; k++)
			strcat(v->words[i], syl[bench_xorshift(rng) % 16]);
		sum += 1.0 / (i + 1);
		v->cdf[i] = sum;
	}
	for (int i = 0; i < BENCH_VOCAB; i++)
		v->cdf[i] /= sum;
	/* Drawn above all the same, so that the other ranks keep their words. */
	const char *text = getenv("BENCH_TEXT");
	if (!text || strcmp(text, "pseudo") != 0)
		for (size_t i = 0; i < sizeof bench_common_words / sizeof *bench_common_words; i++)
			snprintf(v->words[i], sizeof v->words[i], "%s", bench_common_words[i]);
}

static inline const char *bench_vocab_word(const struct bench_vocab *v, uint64_t *rng)
{
	return v->words[bench_zipf_pick(v->cdf, BENCH_VOCAB, bench_xorshift(rng))];
}

/* Stories are published BENCH_SPACING seconds apart, so that the 72-hour
 * clustering window holds about 50,000 of them however many are stored,
 * as with a real feed set whose stories age out of the window (the
 * clustering benchmark's "50k in the window").  All in one instant would
 * keep every stored story in the window and measure a clusterer no real
 * feed set has. */
#define BENCH_T0 1794000000L
#define BENCH_SPACING 5.184 /* 72 h / 50,000 */

/* One RSS document of `items` new articles, numbered from *item_no on;
 * returns its length. */
static inline size_t bench_news_feed(const struct bench_vocab *v, uint64_t *rng,
                                     char *buf, size_t cap, long feed_no,
                                     long *item_no, int items)
{
	size_t n = 0;

	n += (size_t)snprintf(buf + n, cap - n,
		"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed %ld</title>"
		"<link>http://feed%ld.example/</link>", feed_no, feed_no);
	for (int i = 0; i < items; i++) {
		long id = (*item_no)++;
		char text[1200];
		size_t tn = 0;

		time_t t = (time_t)(BENCH_T0 + (long)(id * BENCH_SPACING));
		char date[40];
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
		for (int w = 0; w < 60; w++)
			tn += (size_t)snprintf(text + tn, sizeof text - tn, "%s ",
			                       bench_vocab_word(v, rng));
		n += (size_t)snprintf(buf + n, cap - n,
			"<item><title>Story %ld %.60s</title><link>http://feed%ld.example/a/%ld</link>"
			"<guid>s%ld</guid><pubDate>%s</pubDate><description>%s</description></item>",
			id, text, feed_no, id, id, date, text);
	}
	n += (size_t)snprintf(buf + n, cap - n, "</channel></rss>");
	return n;
}

#endif
