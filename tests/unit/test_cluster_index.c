/* tests/unit/test_cluster_index.c — the clusterer's window index stays
 * what it is built from while threads grow, forget their old stories,
 * compact their centroids, merge, take updated stories and leave memory.
 * A generated stream with a short window and events that last many
 * windows goes through a clusterer, and every so many stories
 * cluster_index_check() compares the postings, the centroid tables and
 * each centroid's weights with the members in memory.  The check itself
 * must see damage: a weight moved, a posting pointing elsewhere. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_stream.h"
#include "daemon/cluster_int.h"
#include "tap.h"

#define STORIES 6000
#define STEP 60          /* seconds between stories */
#define CHECK_EVERY 250

struct tally {
	int news, merges, updates, moved;
	const char *bad;     /* the first inconsistency seen, NULL: none */
	int bad_at;
};

/* The stream under p (window short against the events' lives); returns
 * the clusterer for the caller's own checks, NULL on a failed add. */
static struct clusterer *run(const struct cluster_params *p, int nevents, int every,
                             struct tally *t)
{
	struct clusterer *c = cluster_new(p, 1);
	struct stream st;
	int64_t t0 = 1700000000;

	memset(t, 0, sizeof *t);
	if (!c)
		return NULL;
	stream_init(&st, nevents, every, 0x2545f4914f6cdd1dULL);
	for (int i = 0; i < STORIES; i++) {
		char title[512], text[2048];
		struct cluster_result r;
		int rc;

		stream_story(&st, i, title, sizeof title, text, sizeof text);
		/* Every 37th story is an earlier one (still in the window)
		 * sent again with this story's text: an update whose text
		 * changed, which may move it to another thread. */
		int upd = i % 37 == 36;
		struct cluster_doc d = {
			.story_id = upd ? i - 20 : i + 1, .time = t0 + (int64_t)i * STEP,
			.lang = "en", .source = i % 3 ? "a.example" : "b.example",
			.title = title, .text = text,
		};
		rc = upd ? cluster_update(c, &d, &r) : cluster_add(c, &d, &r);
		if (rc < 0) {
			cluster_free(c);
			return NULL;
		}
		t->news += r.is_new;
		t->merges += r.nmerged;
		t->updates += upd;
		t->moved += upd && r.left_thread != 0;
		if (!t->bad && (i % CHECK_EVERY == 0 || i == STORIES - 1)) {
			t->bad = cluster_index_check(c);
			t->bad_at = i;
		}
	}
	return c;
}

static void stream_case(const struct cluster_params *p, int nevents, int every,
                        const char *what)
{
	struct tally t;
	char name[200];
	struct clusterer *c = run(p, nevents, every, &t);

	snprintf(name, sizeof name, "%s: the stream runs", what);
	if (!ok(c != NULL, name))
		return;
	printf("# %s: %d threads opened, %d merges, %d updates (%d moved), %llu centroids"
	       " compacted, %zu threads and %zu stories in memory at the end\n", what, t.news,
	       t.merges, t.updates, t.moved, (unsigned long long)c->compactions,
	       c->live_threads, (size_t)c->stories.n);
	snprintf(name, sizeof name, "%s: the index matches the members at every check", what);
	ok(t.bad == NULL, name);
	if (t.bad)
		printf("#   after story %d: %s\n", t.bad_at + 1, t.bad);
	snprintf(name, sizeof name, "%s: centroids were compacted (%llu)", what,
	         (unsigned long long)c->compactions);
	ok(c->compactions >= 20, name);
	snprintf(name, sizeof name, "%s: threads left memory (%zu in it of %d opened)", what,
	         c->live_threads, t.news);
	ok(c->live_threads < (size_t)t.news / 2, name);
	cluster_free(c);
}

/* One thread forgets hundreds of stories in one pass, each with words of
 * its own: 1,500 entries die at once, many batches of them (dead_flush),
 * and only the words of the stories kept stay.  The stories are put in
 * the thread as a start-up's restore does (they would not join one
 * thread by their words: each has more of its own than in common). */
static void mass_forgetting(void)
{
	struct cluster_params p;
	char title[160], text[320];
	int64_t t0 = 1700000000;
	int rc = 0;

	cluster_params_default(&p);
	p.window = 6 * 3600;
	struct clusterer *c = cluster_new(&p, 1);
	if (!ok(c != NULL, "mass forgetting: cluster_new"))
		return;
	/* 300 tellings in the first hour, then one at 5 h; the one at 7 h
	 * moves the horizon past the first hour. */
	for (int i = 0; i < 302 && rc == 0; i++) {
		int64_t at = i < 300 ? t0 + i * 12 : i == 300 ? t0 + 5 * 3600 : t0 + 7 * 3600;
		snprintf(title, sizeof title, "Ketrapuna volcano erupts near Lamberville, w%dq says", i);
		snprintf(text, sizeof text, "Ash from the Ketrapuna volcano fell on Lamberville; "
		         "x%dz and k%dv and m%dr and b%dn reported.", i, i, i, i);
		struct cluster_doc d = { .story_id = i + 1, .time = at, .lang = "en",
			.title = title, .text = text };
		rc = cluster_restore(c, &d, 7);
	}
	ok(rc == 0 && cluster_thread_stories(c, 7, NULL, NULL) == 302,
	   "mass forgetting: 302 tellings of one event in one thread");
	struct cluster_stats st;
	cluster_stats(c, &st);
	printf("#   window stories %zu, terms held %zu, postings %zu\n", st.window_stories,
	       st.terms_held, st.postings);
	ok(st.window_stories == 2, "mass forgetting: the first hour's 300 left memory");
	/* The two tellings kept: the words they share and five of their own
	 * each. */
	ok(st.postings == st.terms_held && st.postings <= 10 + 2 * 5,
	   "mass forgetting: the others' words left the index");
	const char *why = cluster_index_check(c);
	ok(why == NULL, "mass forgetting: the index is the two members'");
	if (why)
		printf("#   %s\n", why);
	cluster_free(c);
}

/* The check sees what it is there to see. */
static void damage(void)
{
	struct cluster_params p;
	struct tally t;

	cluster_params_default(&p);
	p.window = 6 * 3600;
	struct clusterer *c = run(&p, 12, 200, &t);
	if (!ok(c != NULL && t.bad == NULL, "damage: a sound index to start from"))
		goto out;
	const struct thread *th = NULL;
	uint32_t slot = 0, at = 0;
	for (slot = 0; slot < c->nth && !th; slot++)
		for (at = 0; c->th[slot].id && at < c->th[slot].ct_cap; at++)
			if (c->th[slot].ct[at].key) {
				th = &c->th[slot];
				break;
			}
	if (!ok(th != NULL, "damage: a thread with entries"))
		goto out;
	uint32_t term = th->ct[at].key - 1, pos = th->ct[at].pos;
	struct posting *post = &c->pl[term].post[pos];
	const char *why;

	post->w += 0.01f;
	why = cluster_index_check(c);
	ok(why && strstr(why, "weighs"), "damage: a centroid weight moved off its members' sum");
	if (why)
		printf("#   %s\n", why);
	post->w -= 0.01f;
	ok(cluster_index_check(c) == NULL, "damage: put back, the index is sound again");
	post->slot ^= 1;
	why = cluster_index_check(c);
	ok(why && strstr(why, "posting"), "damage: a posting pointing at another thread");
	if (why)
		printf("#   %s\n", why);
	post->slot ^= 1;
out:
	cluster_free(c);
}

int main(void)
{
	struct cluster_params p;

	cluster_params_default(&p);
	p.window = 6 * 3600;   /* 360 stories; an event lasts 2,400 */
	stream_case(&p, 12, 200, "defaults, a 6 h window");
	p.merge_gate = 0.5;
	p.join_threshold *= 0.8;
	stream_case(&p, 12, 200, "readier joins and merges");
	p.window = 2 * 3600;
	stream_case(&p, 40, 50, "a 2 h window, more events");
	mass_forgetting();
	damage();
	return done_testing();
}
