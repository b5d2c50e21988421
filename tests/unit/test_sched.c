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
	is_int(sched_next_poll(&P, &o, 200), now + 86400, "the +10% jitter does not pass max_interval");
	n = sched_next_poll(&P, &o, 0);
	ok(n >= now + 77760 && n < now + 86400, "at max_interval the jitter goes downwards");
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
	is_int(sched_next_poll(&P, &o, 500), now + 86400,
	       "the +25% jitter does not pass max_interval (tidings.conf(5): the cap of the backoff)");
	n = sched_next_poll(&P, &o, 0);
	ok(n >= now + 64800 && n < now + 86400, "at the cap the backoff jitter goes downwards");
	o.consecutive_errors = 3;
	n = sched_next_poll(&P, &o, 0);
	ok(n >= now + 900 && n <= now + 1500, "backoff jitter within 25%");
	o.consecutive_errors = 1;
	o.retry_after = now + 120;
	is_int(sched_next_poll(&P, &o, 250), now + 120, "Retry-After is obeyed");
	/* Answered so again and again: the backoff goes on, never sooner
	 * than the server says. */
	o.consecutive_errors = 3;
	is_int(sched_next_poll(&P, &o, 250), now + 1200,
	       "third error in a row with a Retry-After of 2 minutes: the backoff (20 minutes)");
	o.retry_after = now + 3600;
	is_int(sched_next_poll(&P, &o, 250), now + 3600, "a longer Retry-After than the backoff wins");
	o.retry_after = now + 120;
	o.failing_since = now - 8 * 86400;
	is_int(sched_next_poll(&P, &o, 250), now + 86400,
	       "a Retry-After of 2 minutes past give_up_after: max_interval");
	o.failing_since = now;
	o.consecutive_errors = 3;
	o.retry_after = 0;
	o.failing_since = now - 8 * 86400;
	o.consecutive_errors = 2;
	is_int(sched_next_poll(&P, &o, 250), now + 86400, "failing past give_up_after: max_interval only");
	{
		/* give_up_after = 0 is documented as "never gives up": a feed
		 * failing for a year still backs off from min_interval. */
		struct sched_policy never = P;

		never.give_up_after = 0;
		o.failing_since = now - 365 * 86400;
		is_int(sched_next_poll(&never, &o, 250), now + 600,
		       "give_up_after 0: a long-failing feed keeps its backoff");
		o.failing_since = now;
		o.consecutive_errors = 1;
		is_int(sched_next_poll(&never, &o, 250), now + 300,
		       "give_up_after 0: the first error retries after min_interval");
	}

	/* Learning from how often new items appear. */
	{
		int shift = 0, streak = 0, i;

		sched_adapt(&P, 0, 1, &shift, &streak);
		ok(shift == 0 && streak == 1, "one poll with new items changes nothing yet");
		sched_adapt(&P, 0, 1, &shift, &streak);
		ok(shift == -1 && streak == 0, "two in a row halve the interval");
		is_int(sched_interval(&P, 0, shift), 450, "900 s halved is 450 s");
		sched_adapt(&P, 0, 1, &shift, &streak);
		sched_adapt(&P, 0, 1, &shift, &streak);
		is_int(sched_interval(&P, 0, shift), 300, "halving stops at min_interval");
		for (i = 0; i < 10; i++)
			sched_adapt(&P, 0, 1, &shift, &streak);
		is_int(shift, -2, "a busy feed at min_interval does not run the shift away");
		sched_adapt(&P, 0, 0, &shift, &streak);
		is_int(streak, -1, "a poll without new items starts an empty streak");
		sched_adapt(&P, 0, 1, &shift, &streak);
		is_int(streak, 1, "new items end the empty streak");
		shift = 0;
		streak = 0;
		for (i = 0; i < 3; i++)
			sched_adapt(&P, 0, 0, &shift, &streak);
		is_int(shift, 0, "three empty polls change nothing");
		sched_adapt(&P, 0, 0, &shift, &streak);
		ok(shift == 1 && streak == 0, "the fourth empty poll in a row doubles the interval");
		for (i = 0; i < 200; i++)
			sched_adapt(&P, 0, 0, &shift, &streak);
		is_int(sched_interval(&P, 0, shift), 86400, "doubling stops at max_interval");
		is_int(shift, 7, "and the shift stops one step past it (900 x 2^7 > 86400)");
		shift = 0;
		streak = 0;
		for (i = 0; i < 8; i++)
			sched_adapt(&P, 3600, 0, &shift, &streak);
		is_int(sched_interval(&P, 3600, shift), 14400, "a per-feed interval adapts from its own base");
		o = ok_at(now);
		o.adapt_shift = 2;
		is_int(sched_next_poll(&P, &o, 100), now + 3600, "the learnt interval is used for the next poll");
		o.ttl_minutes = 120;
		is_int(sched_next_poll(&P, &o, 100), now + 7200, "a longer <ttl> still wins over it");
		o = ok_at(now);
		o.adapt_shift = -5;
		is_int(sched_next_poll(&P, &o, 100), now + 300, "a learnt interval never goes below min_interval");
		o = (struct sched_outcome){ .now = now, .consecutive_errors = 1, .failing_since = now,
		                            .max_age = -1, .adapt_shift = 3 };
		is_int(sched_next_poll(&P, &o, 250), now + 300, "errors back off from min_interval, whatever was learnt");
		/* 429/503 without a Retry-After: never sooner than the feed
		 * was asked when healthy, then doubled; the jitter only adds. */
		o = (struct sched_outcome){ .now = now, .consecutive_errors = 1, .failing_since = now,
		                            .max_age = -1, .slow_down = 1 };
		is_int(sched_next_poll(&P, &o, 0), now + 900, "429 without Retry-After: the interval, not min_interval");
		is_int(sched_next_poll(&P, &o, 500), now + 1125, "and its jitter only lengthens it (+25%)");
		o.feed_interval = 3600;
		is_int(sched_next_poll(&P, &o, 0), now + 3600, "429 of a feed polled hourly: an hour");
		o.consecutive_errors = 3;
		is_int(sched_next_poll(&P, &o, 0), now + 14400, "third 429: doubled twice");
		o.feed_interval = 0;
		o.consecutive_errors = 1;
		o.adapt_shift = 2;
		is_int(sched_next_poll(&P, &o, 0), now + 3600, "429: from the learnt interval");
		o.adapt_shift = 0;
		o.update_period = 7200;
		is_int(sched_next_poll(&P, &o, 0), now + 7200, "429: from the interval the document asks for");
		o.retry_after = now + 120;
		is_int(sched_next_poll(&P, &o, 250), now + 120, "a Retry-After is taken at its word");
		o = ok_at(now);
		o.retry_after = now + 5000;
		is_int(sched_next_poll(&P, &o, 100), now + 5000, "a success with a later Retry-After waits for it");
		o = (struct sched_outcome){ .now = now, .consecutive_errors = 1, .failing_since = now,
		                            .max_age = -1, .retry_after = now + 10 * 86400 };
		is_int(sched_next_poll(&P, &o, 250), now + 86400, "Retry-After is capped at max_interval");
		o = ok_at(now);
		o.expires = now + 7200;
		is_int(sched_next_poll(&P, &o, 100), now + 7200, "Expires lengthens the interval");
		o.expires = now - 10;
		is_int(sched_next_poll(&P, &o, 100), now + 900, "an Expires in the past is ignored");
	}

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
	/* Responses that could not be stored: a minute, then as long as the
	 * database has been failing, at most the interval (P: 900 s). */
	is_int(sched_db_retry(&P, 0), 60, "database failing: the first retry in a minute");
	is_int(sched_db_retry(&P, 45), 60, "still a minute within the first minute");
	is_int(sched_db_retry(&P, 300), 300, "failing for 5 minutes: retry in 5 minutes");
	is_int(sched_db_retry(&P, 86400), 900, "failing for a day: never past the interval");
	{
		struct sched_policy q = P;
		q.interval = 30;
		is_int(sched_db_retry(&q, 86400), 60, "an interval under a minute: a minute");
	}
	return done_testing();
}
