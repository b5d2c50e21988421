/* tests/unit/test_cluster_headlines.c — headlines only: the reports of one
 * event share a word or two and no names, so the first ones open threads
 * of their own; as more arrive, two such threads come close enough for
 * the headline merge rule (headline_merge, headline_growth) to make them
 * one, which the rule of threads with leads does not.  Another event of
 * the same day that shares the maker's name stays apart.  Each check of
 * the rule runs once with it off, so that it fails if the rule does
 * nothing. */
#include "daemon/cluster.h"
#include "tests/unit/cluster_fixture.h"
#include "tests/unit/tap.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define T0 1394500000LL

static const struct fixture_story stories[] = {
	/* Background, so that common words weigh less than the rest. */
	{ "bg1.example", "Central bank holds interest rates steady", NULL },
	{ "bg2.example", "Local team wins the cup final in extra time", NULL },
	{ "bg3.example", "New phone goes on sale with a better camera", NULL },
	{ "bg4.example", "Oil prices fall as supply rises", NULL },
	{ "bg5.example", "Film festival opens with a comedy", NULL },
	{ "bg6.example", "Storm brings snow to the north", NULL },
	/* 6..: one event, told in other words by each outlet. */
	{ "a.example", "Malaysia Airlines jet missing with 239 aboard", NULL },
	{ "b.example", "Search for vanished Boeing 777 widens", NULL },
	{ "c.example", "Missing Malaysia Airlines jet: search widens", NULL },
	{ "d.example", "Vanished jet search widens to Andaman Sea", NULL },
	{ "e.example", "Malaysia Airlines flight still missing as search widens", NULL },
	{ "f.example", "No trace of missing jet as Boeing 777 search widens", NULL },
	/* 12: another event of the same day, sharing the maker's name and
	 * "jets".  (Headlines that share the event's own words, "search
	 * widens for missing hiker", join the merged thread: the rule's known
	 * cost, docs/threads.md.) */
	{ "g.example", "Boeing wins order for 50 jets from Emirates", NULL },
};
#define N (sizeof stories / sizeof stories[0])

int main(void)
{
	struct cluster_params on, off;
	int64_t th_on[N], th_off[N];

	cluster_params_default(&on);
	off = on;
	off.headline_merge = 0;
	ok(fixture_run(&on, stories, N, T0, th_on) == 0, "stories added, rule on");
	ok(fixture_run(&off, stories, N, T0, th_off) == 0, "stories added, rule off");
	for (size_t i = 0; i < N; i++)
		printf("# story %zu: thread %lld on, %lld off\n", i, (long long)th_on[i],
		       (long long)th_off[i]);

	int one_on = 1, one_off = 1;
	for (size_t i = 7; i < 12; i++) {
		one_on &= th_on[i] == th_on[6];
		one_off &= th_off[i] == th_off[6];
	}
	ok(one_on, "with the rule, the event's headlines are one thread");
	ok(!one_off, "without it, they are not (the test would pass without the rule otherwise)");
	ok(th_on[12] != th_on[6] && th_off[12] != th_off[6],
	   "another event of the day, sharing a name, stays apart");
	int apart = 1;
	for (size_t i = 0; i < 6; i++)
		apart &= th_on[i] != th_on[6];
	ok(apart, "the background stays apart");
	return done_testing();
}
