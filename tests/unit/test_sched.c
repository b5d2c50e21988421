/* tests/unit/test_sched.c — polling policy and the due-time heap. */
#include "daemon/sched.h"
#include "tap.h"

static const struct sched_policy P = {
	.interval = 900, .min_interval = 300, .max_interval = 86400,
	.give_up_after = 7 * 86400,
};

static struct sched_outcome ok_at(int64_t now)
{
	struct sched_outcome o = { .now = now, .ok = 1, .max_age = -1 };
	return o;
}

int main(void)
{
	const int64_t now = 1800000000;
	struct sched_outcome o;
	int64_t n;

	/* rnd 100 for the +-10% jitter is exactly 0 jitter. */
	o = ok_at(now);
	is_int(sched_next_poll(&P, &o, 100), now + 900, "healthy feed: the configured interval");
	n = sched_next_poll(&P, &o, 0);
	ok(n >= now + 810 && n <= now + 990, "jitter stays within 10%");
	o.feed_interval = 3600;
	is_int(sched_next_poll(&P, &o, 100), now + 3600, "per-feed interval wins");
	o = ok_at(now);
	o.ttl_minutes = 60;
	is_int(sched_next_poll(&P, &o, 100), now + 3600, "<ttl> lengthens the interval");
	o = ok_at(now);
	o.max_age = 1800;
	is_int(sched_next_poll(&P, &o, 100), now + 1800, "Cache-Control max-age lengthens it");
	o = ok_at(now);
	o.update_period = 7 * 86400;
	is_int(sched_next_poll(&P, &o, 100), now + 86400, "capped at max_interval");
	o = ok_at(now);
	o.feed_interval = 10;
	is_int(sched_next_poll(&P, &o, 100), now + 300, "never below min_interval");

	/* Errors: rnd 250 is zero jitter for the +-25% backoff jitter. */
	o = (struct sched_outcome){ .now = now, .consecutive_errors = 1, .failing_since = now, .max_age = -1 };
	is_int(sched_next_poll(&P, &o, 250), now + 300, "first error: min_interval");
	o.consecutive_errors = 3;
	is_int(sched_next_poll(&P, &o, 250), now + 1200, "third error: doubled twice");
	o.consecutive_errors = 30;
	is_int(sched_next_poll(&P, &o, 250), now + 86400, "backoff capped at max_interval");
	o.consecutive_errors = 3;
	n = sched_next_poll(&P, &o, 0);
	ok(n >= now + 900 && n <= now + 1500, "backoff jitter within 25%");
	o.retry_after = now + 120;
	is_int(sched_next_poll(&P, &o, 250), now + 120, "Retry-After is obeyed");
	o.retry_after = 0;
	o.failing_since = now - 8 * 86400;
	o.consecutive_errors = 2;
	is_int(sched_next_poll(&P, &o, 250), now + 86400, "failing past give_up_after: max_interval only");

	{
		struct sched_heap h = { 0 };
		struct sched_heap_item it;
		int64_t dues[] = { 50, 10, 40, 30, 20, 10 };
		int64_t last = 0, sorted = 1;

		for (size_t i = 0; i < sizeof dues / sizeof dues[0]; i++)
			sched_heap_push(&h, dues[i], i);
		for (int i = 0; i < 1000; i++)
			sched_heap_push(&h, (i * 7919) % 1000 + 100, 100 + (size_t)i);
		is_int(h.n, 1006, "heap holds every push");
		while (sched_heap_pop(&h, &it) == 0) {
			if (it.due < last)
				sorted = 0;
			last = it.due;
		}
		ok(sorted, "heap pops in due order");
		ok(sched_heap_peek(&h, &it) < 0, "empty heap has nothing to peek");
		sched_heap_free(&h);
	}
	return done_testing();
}
