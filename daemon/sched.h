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
	int adapt_shift;         /* learnt: interval x 2^shift (sched_adapt) */
	/* The server asked for fewer requests (429 Too Many Requests, 503
	 * Service Unavailable) without saying when to come back: the backoff
	 * starts from the feed's healthy interval, not min_interval. */
	int slow_down;
};

/* The absolute time of the next poll.  `rnd` is a random 32-bit value
 * for the jitter (the caller owns the randomness, so this is testable). */
int64_t sched_next_poll(const struct sched_policy *p,
                        const struct sched_outcome *o, uint32_t rnd);

/* Learning how often a feed really brings something new, after each
 * successful poll (200 or 304).  Two polls in a row with new items halve
 * the feed's interval, four in a row with nothing new double it, never
 * past min_interval/max_interval; the interval is then the base one
 * (per-feed or configured) times 2^shift.  *streak counts polls in a row
 * with new items (> 0) or without (< 0).  Both live in the feeds table. */
void sched_adapt(const struct sched_policy *p, int64_t feed_interval,
                 int got_new, int *shift, int *streak);

/* How long a feed waits before it is fetched again after its response
 * could not be stored (disk full, the database locked or unwritable),
 * the database having failed for `failing_for` seconds: a minute at
 * first, then as long as the failures have lasted, never more than the
 * configured interval.  Nothing of a refused response is kept, so each
 * retry refetches the body in full: an outage of hours must not turn
 * into a full download of every feed every minute. */
#define SCHED_DB_RETRY 60
int64_t sched_db_retry(const struct sched_policy *p, int64_t failing_for);

/* The base interval scaled by 2^shift, within the policy's bounds. */
int64_t sched_interval(const struct sched_policy *p, int64_t feed_interval,
                       int shift);
/* A healthy feed's interval: sched_interval(), or what its document
 * and its server ask for when that is longer (`hint`: <ttl>,
 * sy:updatePeriod, max-age, Expires), within the policy's bounds. */
int64_t sched_hinted(const struct sched_policy *p, int64_t feed_interval, int shift,
                     int64_t hint);

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
