/* daemon/sched.c — polling policy and the due-time heap. */
#include "daemon/sched.h"

#include <stdlib.h>

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

#define SHIFT_MAX 16           /* 2^16 x 1 s is past any max_interval */
#define HALVE_AFTER 2           /* polls in a row with new items */
#define DOUBLE_AFTER 4          /* polls in a row with nothing new */

static int64_t scaled(int64_t base, int shift)
{
	if (shift > SHIFT_MAX)
		shift = SHIFT_MAX;
	if (shift < -SHIFT_MAX)
		shift = -SHIFT_MAX;
	return shift >= 0 ? base << shift : base >> -shift;
}

int64_t sched_interval(const struct sched_policy *p, int64_t feed_interval,
                       int shift)
{
	int64_t base = feed_interval > 0 ? feed_interval : p->interval;
	return clamp(scaled(base, shift), p->min_interval, p->max_interval);
}

int64_t sched_hinted(const struct sched_policy *p, int64_t feed_interval, int shift,
                     int64_t hint)
{
	int64_t iv = sched_interval(p, feed_interval, shift);

	return clamp(hint > iv ? hint : iv, p->min_interval, p->max_interval);
}

void sched_adapt(const struct sched_policy *p, int64_t feed_interval,
                 int got_new, int *shift, int *streak)
{
	int64_t base = feed_interval > 0 ? feed_interval : p->interval;

	if (got_new) {
		*streak = *streak > 0 ? *streak + 1 : 1;
		/* Halving stops once it would change nothing, so the shift
		 * never runs away past the bounds and back costs one step. */
		if (*streak >= HALVE_AFTER && scaled(base, *shift) > p->min_interval &&
		    *shift > -SHIFT_MAX) {
			(*shift)--;
			*streak = 0;
		}
	} else {
		*streak = *streak < 0 ? *streak - 1 : -1;
		if (*streak <= -DOUBLE_AFTER && scaled(base, *shift) < p->max_interval &&
		    *shift < SHIFT_MAX) {
			(*shift)++;
			*streak = 0;
		}
	}
}

int64_t sched_next_poll(const struct sched_policy *p,
                        const struct sched_outcome *o, uint32_t rnd)
{
	int64_t iv, next, hint;

	if (!o->ok) {
		/* Exponential backoff with +-25% jitter so that feeds failing
		 * together (one host down) do not retry together.  Past
		 * give_up_after only the maximum interval remains (0: never). */
		int n = o->consecutive_errors > 0 ? o->consecutive_errors - 1 : 0;
		int64_t back;

		if (p->give_up_after > 0 && o->failing_since &&
		    o->now - o->failing_since >= p->give_up_after) {
			back = p->max_interval;
		} else {
			/* First error: retry after a fraction of the interval,
			 * then double up to max_interval.  A server that said
			 * "too many requests" or "unavailable" (429, 503) with no
			 * Retry-After is asked no sooner than when it answered,
			 * and the jitter only lengthens that: from min_interval,
			 * a feed polled hourly asked it again after 5, 10 and 20
			 * minutes, four requests in the hour it asked for fewer. */
			int64_t jit = (int64_t)(rnd % 501) - 250;

			back = p->min_interval;
			if (o->slow_down) {
				back = sched_hinted(p, o->feed_interval, o->adapt_shift,
				                    o->update_period);
				jit = (jit + 250) / 2;
			}
			while (n-- > 0 && back < p->max_interval)
				back *= 2;
			back = clamp(back, p->min_interval, p->max_interval);
			back += (int64_t)(back * jit / 1000);
			/* max_interval is the cap, jitter included: at the
			 * cap a failing feed waited up to 30 h of a 24 h
			 * max_interval, longer than once it gave up. */
			if (back > p->max_interval)
				back = p->max_interval;
		}
		next = o->now + back;
		/* A server that says when to come back (429/503 Retry-After)
		 * is taken at its word, within max_interval, the first time.
		 * When it keeps answering so, the backoff goes on as without
		 * one, never sooner than it says: a feed polled hourly whose
		 * server answered every request "429, Retry-After: 60" was
		 * asked every 90 s for good, past give_up_after too. */
		if (o->retry_after > o->now) {
			int64_t ra = clamp(o->retry_after - o->now, 1, p->max_interval);

			next = o->now + (o->consecutive_errors > 1 && back > ra ? back : ra);
		}
		return next;
	}

	/* What the feed's history taught, then the feed's own hints, which
	 * may lengthen the interval (never below what they ask), within
	 * bounds. */
	hint = o->ttl_minutes > 0 ? (int64_t)o->ttl_minutes * 60 : 0;
	if (o->update_period > hint)
		hint = o->update_period;
	if (o->max_age > hint)
		hint = o->max_age;
	if (o->expires > o->now && o->expires - o->now > hint)
		hint = o->expires - o->now;
	iv = sched_hinted(p, o->feed_interval, o->adapt_shift, hint);
	/* +-10% jitter keeps a restart's feeds from polling in lockstep;
	 * at max_interval only downwards, as it is the longest interval. */
	iv += (int64_t)(iv * ((int64_t)(rnd % 201) - 100) / 1000);
	if (iv > p->max_interval)
		iv = p->max_interval;
	next = o->now + iv;
	if (o->retry_after > next)
		next = o->retry_after;
	return next;
}

static void swap(struct sched_heap_item *a, struct sched_heap_item *b)
{
	struct sched_heap_item t = *a;
	*a = *b;
	*b = t;
}

int sched_heap_push(struct sched_heap *h, int64_t due, size_t key)
{
	size_t i;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		struct sched_heap_item *n = realloc(h->items, cap * sizeof *n);
		if (!n)
			return -1;
		h->items = n;
		h->cap = cap;
	}
	i = h->n++;
	h->items[i].due = due;
	h->items[i].key = key;
	while (i > 0 && h->items[(i - 1) / 2].due > h->items[i].due) {
		swap(&h->items[(i - 1) / 2], &h->items[i]);
		i = (i - 1) / 2;
	}
	return 0;
}

int sched_heap_peek(const struct sched_heap *h, struct sched_heap_item *out)
{
	if (!h->n)
		return -1;
	*out = h->items[0];
	return 0;
}

int sched_heap_pop(struct sched_heap *h, struct sched_heap_item *out)
{
	size_t i = 0;

	if (!h->n)
		return -1;
	*out = h->items[0];
	h->items[0] = h->items[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && h->items[l].due < h->items[m].due)
			m = l;
		if (r < h->n && h->items[r].due < h->items[m].due)
			m = r;
		if (m == i)
			break;
		swap(&h->items[i], &h->items[m]);
		i = m;
	}
	return 0;
}

void sched_heap_free(struct sched_heap *h)
{
	free(h->items);
	h->items = NULL;
	h->n = h->cap = 0;
}

int64_t sched_db_retry(const struct sched_policy *p, int64_t failing_for)
{
	int64_t most = p->interval > SCHED_DB_RETRY ? p->interval : SCHED_DB_RETRY;

	if (failing_for < SCHED_DB_RETRY)
		return SCHED_DB_RETRY;
	return failing_for < most ? failing_for : most;
}
