/* tests/unit/test_cluster_prune.c — score() leaves out, before reading
 * their members, the candidates that could not reach the merge gate
 * whatever their members say (a bound by Cauchy-Schwarz on the story's
 * weights of the thread's terms).  That must change nothing: a stream of
 * generated stories (events with words and names of their own over a
 * common vocabulary, long enough for threads of many members and for
 * expiry) goes through a clusterer that prunes and one that scores every
 * candidate, under the defaults and under settings that weigh members,
 * names and dates differently; every result must be the same, and the
 * pruning must have happened. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_stream.h"
#include "daemon/cluster_int.h"
#include "tap.h"

#define STORIES 4000
#define EVENTS 40        /* live at once; one replaced every 25 stories */

struct out {
	int64_t thread;
	int is_new, nmerged;
	int64_t merged[CLUSTER_MAX_MERGES];
};

/* The stream under p, pruning or not; results into o[STORIES]. */
static int run(const struct cluster_params *p, int prune, struct out *o, uint64_t *pruned)
{
	struct clusterer *c = cluster_new(p, 1);
	struct stream st;

	if (!c)
		return -1;
	c->no_prune = !prune;
	stream_init(&st, EVENTS, 25, 0x9e3779b97f4a7c15ULL);
	for (int i = 0; i < STORIES; i++) {
		char title[512], text[2048];

		stream_story(&st, i, title, sizeof title, text, sizeof text);
		struct cluster_doc d = {
			.story_id = i + 1, .time = 1700000000 + (int64_t)i * 90, .lang = "en",
			.source = i % 3 ? "a.example" : "b.example", .title = title, .text = text,
		};
		struct cluster_result r;
		if (cluster_add(c, &d, &r) < 0) {
			cluster_free(c);
			return -1;
		}
		o[i].thread = r.thread_id;
		o[i].is_new = r.is_new;
		o[i].nmerged = r.nmerged;
		memcpy(o[i].merged, r.merged, sizeof o[i].merged);
	}
	*pruned = c->pruned;
	cluster_free(c);
	return 0;
}

static void same(const struct cluster_params *p, const char *what)
{
	static struct out a[STORIES], b[STORIES];
	uint64_t pa = 0, pb = 0;
	char name[160];
	int diff = -1;

	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	snprintf(name, sizeof name, "%s: both streams run", what);
	ok(run(p, 1, a, &pa) == 0 && run(p, 0, b, &pb) == 0, name);
	for (int i = 0; i < STORIES && diff < 0; i++)
		if (a[i].thread != b[i].thread || a[i].is_new != b[i].is_new ||
		    a[i].nmerged != b[i].nmerged ||
		    memcmp(a[i].merged, b[i].merged, sizeof a[i].merged) != 0)
			diff = i;
	snprintf(name, sizeof name, "%s: every story's thread, opening and merges the same"
	         " with and without pruning", what);
	ok(diff < 0, name);
	if (diff >= 0)
		printf("#   story %d: thread %lld (new %d, %d merged) against %lld (new %d,"
		       " %d merged)\n", diff + 1, (long long)a[diff].thread, a[diff].is_new,
		       a[diff].nmerged, (long long)b[diff].thread, b[diff].is_new, b[diff].nmerged);
	snprintf(name, sizeof name, "%s: candidates pruned (%llu of the stream's), none in the"
	         " reference", what, (unsigned long long)pa);
	ok(pa > STORIES / 20 && pb == 0, name);
	{
		int news = 0, merges = 0;
		for (int i = 0; i < STORIES; i++) {
			news += a[i].is_new;
			merges += a[i].nmerged;
		}
		printf("# %s: %d threads opened, %d merges\n", what, news, merges);
	}
}

int main(void)
{
	struct cluster_params p;

	cluster_params_default(&p);
	same(&p, "defaults");
	p.member_weight = 0.5;
	p.entity_share = 0.2;
	p.when_bonus = 0.3;
	p.merge_gate = 0.5;
	same(&p, "members, names and dates weighed otherwise");
	return done_testing();
}
