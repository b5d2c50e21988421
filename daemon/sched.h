/* daemon/sched.h — when to poll a feed next: the policy (intervals,
 * backoff, server hints) as pure functions, and a min-heap of due times. */
#ifndef TIDINGS_SCHED_H
#define TIDINGS_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct sched_policy {
	int64_t interval, min_interval, max_interval, give_up_after;
};

/* What one poll taught us about the feed. */
struct sched_outcome {
	int64_t now;
	int64_t feed_interval;   /* per-feed override from the list, 0 */
	int ok;                  /* 200 parsed or 304 */
	int consecutive_errors;  /* including this poll */
	int64_t failing_since;   /* 0 when healthy */
	int64_t retry_after;     /* absolute, 0 */
	int64_t max_age;         /* Cache-Control max-age, -1 */
	int64_t expires;         /* absolute, 0 */
	int ttl_minutes;         /* <ttl>, 0 */
	int64_t update_period;   /* sy:updatePeriod/Frequency seconds, 0 */
};

/* The absolute time of the next poll.  `rnd` is a random 32-bit value
 * for the jitter (the caller owns the randomness, so this is testable). */
int64_t sched_next_poll(const struct sched_policy *p,
                        const struct sched_outcome *o, uint32_t rnd);

/* A min-heap of (due time, key).  Stale entries are the caller's to skip:
 * pushing a feed again is cheaper than finding its old entry. */
struct sched_heap_item { int64_t due; size_t key; };
struct sched_heap {          /* owns items */
	struct sched_heap_item *items;
	size_t n, cap;
};

int sched_heap_push(struct sched_heap *h, int64_t due, size_t key);
int sched_heap_peek(const struct sched_heap *h, struct sched_heap_item *out);
int sched_heap_pop(struct sched_heap *h, struct sched_heap_item *out);
void sched_heap_free(struct sched_heap *h);

#endif
