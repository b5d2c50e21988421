/* bench/bench.h — what the benchmark programs share: their random stream,
 * their clocks and the generated feed list.  Each program keeps its own
 * stream state and seed, so its generated data is what it always was. */
#ifndef TIDINGS_BENCH_H
#define TIDINGS_BENCH_H

#include <stdint.h>
#include <stdio.h>
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

#endif
