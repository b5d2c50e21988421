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

#include "daemon/cluster_int.h"
#include "tap.h"

#define STORIES 4000
#define EVENTS 40        /* live at once; one replaced every 25 stories */
#define FACETS 8         /* word sets of an event: its stories' centroid is
                            far from each, a member of one close to it */

static uint64_t rng;

static uint32_t pick(uint32_t n)
{
	return (uint32_t)(tap_xorshift(&rng) % n);
}

/* A word for an index: letters only, so the tokenizer keeps it whole. */
static void word(char *dst, uint32_t idx, int cap)
{
	static const char *const syl[] = { "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo",
		"bri", "dan", "fel", "gor" };
	int n = 0;

	do {
		const char *s = syl[idx % 12];
		for (; *s; s++)
			dst[n++] = *s;
		idx /= 12;
	} while (idx);
	if (cap)
		dst[0] = (char)(dst[0] - 'a' + 'A');
	dst[n] = '\0';
}

static void add_words(char *buf, size_t cap, uint32_t base, uint32_t spread, int n)
{
	char w[32];

	for (int i = 0; i < n; i++) {
		word(w, base + pick(spread), 0);
		size_t len = strlen(buf);
		snprintf(buf + len, cap - len, "%s%s", len ? " " : "", w);
	}
}

struct out {
	int64_t thread;
	int is_new, nmerged;
	int64_t merged[CLUSTER_MAX_MERGES];
};

/* The stream under p, pruning or not; results into o[STORIES]. */
static int run(const struct cluster_params *p, int prune, struct out *o, uint64_t *pruned)
{
	struct clusterer *c = cluster_new(p, 1);
	int events[EVENTS];
	int next_event = EVENTS;

	if (!c)
		return -1;
	c->no_prune = !prune;
	rng = 0x9e3779b97f4a7c15ULL;
	for (int e = 0; e < EVENTS; e++)
		events[e] = e;
	for (int i = 0; i < STORIES; i++) {
		char title[512] = "", text[2048] = "";
		int ev = events[pick(EVENTS)];

		if (i % 25 == 24)
			events[pick(EVENTS)] = next_event++;
		/* Its event's words and names: half from one of the event's
		 * FACETS facets (6 words each: the thread's centroid mixes them,
		 * a member of the same facet is much closer), a third from the
		 * 4 every story of the event has, the rest from the 6 it shares
		 * with the other event of its pair (same names, another event);
		 * then the common vocabulary's. */
		uint32_t facet = pick(FACETS);
		for (int k = 0; k < 16; k++) {
			uint32_t j = pick(12), w = j < 6 ? 100000u + ((uint32_t)ev * FACETS + facet) * 6u + j
			                         : j < 10 ? 4000000u + (uint32_t)ev * 4u + j - 6
			                                  : 5000000u + (uint32_t)(ev / 2) * 6u + pick(6);
			char *dst = k < 6 ? title : text;
			size_t cap = k < 6 ? sizeof title : sizeof text, len = strlen(dst);
			char wd[32];

			word(wd, w, j % 3 == 0);
			snprintf(dst + len, cap - len, "%s%s", len ? " " : "", wd);
		}
		add_words(title, sizeof title, 0, 3000, 2);
		add_words(text, sizeof text, 0, 3000 + (uint32_t)(i % 7) * 500, 12);
		if (i % 5 == 0)   /* a year now and then: the when channel */
			snprintf(text + strlen(text), sizeof text - strlen(text), " in %d",
			         2000 + ev % 20);
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
