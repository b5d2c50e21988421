/* tests/unit/cluster_fixture.h — hand-written stories through a fresh
 * clusterer, for the tests of what joins and what stays apart
 * (test_cluster_names.c, test_cluster_when.c). */
#ifndef TIDINGS_TEST_CLUSTER_FIXTURE_H
#define TIDINGS_TEST_CLUSTER_FIXTURE_H

#include <stdint.h>

#include "daemon/cluster.h"

/* One story: its publisher's host, headline and lead. */
struct fixture_story {
	const char *src, *title, *text;
};

/* Adds st[0..n) in order to a new clusterer with p, a second apart from
 * t0, in English; threads[i] gets story i's thread once all are in
 * (merges may have moved earlier stories: they are followed).  Returns 0
 * or -1. */
static inline int fixture_run(const struct cluster_params *p, const struct fixture_story *st,
                              int n, int64_t t0, int64_t *threads)
{
	struct clusterer *c = cluster_new(p, 1);
	struct cluster_result r;
	int rc = 0;

	if (!c)
		return -1;
	for (int i = 0; i < n; i++) {
		struct cluster_doc d = {
			.story_id = i + 1, .time = t0 + i, .lang = "en", .source = st[i].src,
			.title = st[i].title, .text = st[i].text,
		};
		if (cluster_add(c, &d, &r) < 0) {
			rc = -1;
			break;
		}
		threads[i] = r.thread_id;
	}
	for (int i = 0; rc == 0 && i < n; i++)
		threads[i] = cluster_resolve(c, threads[i]);
	cluster_free(c);
	return rc;
}

#endif
