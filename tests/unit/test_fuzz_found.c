/* tests/unit/test_fuzz_found.c — defects the libFuzzer targets past the
 * parser found (tests/fuzz/fuzz_ingest.c, fuzz_config.c, fuzz_text.c),
 * each reduced to the call that showed it.  Several were undefined
 * behaviour that only UBSan reports: they fail under `make unit-san`. */
#include <stdlib.h>

#include "daemon/canon.h"
#include "daemon/cluster.h"
#include "tests/unit/tap.h"

#define T0 1700000000LL

/* A restore into a fresh clusterer of a story without a single term (a
 * title and text of stop words and punctuation only): its vector is empty
 * and the clusterer's query buffer not yet allocated, and the story was
 * copied from that NULL buffer (memcpy with a NULL source is undefined even
 * for 0 bytes).  Found by fuzz_ingest after ingest_new's replay. */
static void restore_empty_story(void)
{
	struct cluster_params p;
	struct clusterer *c;
	struct cluster_doc d = { .story_id = 1, .time = T0, .title = "the", .text = "...",
	                         .lang = "en", .source = "a.example" };
	struct cluster_result r;

	cluster_params_default(&p);
	c = cluster_new(&p, 1);
	ok(c != NULL, "clusterer made");
	ok(cluster_restore(c, &d, 1) == 0, "a story without terms restores");
	d.story_id = 2;
	d.title = "A later story about Zurich";
	ok(cluster_add(c, &d, &r) == 0, "and the clusterer takes the next story");
	cluster_free(c);
}

/* An update whose time moves the clusterer's clock a window past the
 * story's own thread: cluster_update looked the story up, then advanced
 * the clock, whose expiry pass dropped that thread and freed the story,
 * and then read the freed story (heap use after free).  Found by
 * fuzz_ingest: an item first seen long ago, changed, with a new date. */
static void update_past_window(void)
{
	struct cluster_params p;
	struct clusterer *c;
	struct cluster_doc d = { .story_id = 1, .time = T0, .lang = "en",
	                         .title = "Flooding closes the harbour bridge in Zurich",
	                         .text = "The harbour bridge stays closed after the flooding.",
	                         .source = "a.example" };
	struct cluster_result r;

	cluster_params_default(&p);
	c = cluster_new(&p, 1);
	ok(c && cluster_add(c, &d, &r) == 0, "a story");
	d.time = T0 + 2 * p.window;
	d.title = "Harbour bridge in Zurich opens again after the flooding";
	ok(cluster_update(c, &d, &r) == 0, "its update two windows later is taken");
	ok(r.thread_id > 0 && r.story_count == 1,
	   "into a thread of its own (the old one left memory)");
	cluster_free(c);
}

/* canon.c promises a fixed point, and a host's trailing root dot is
 * dropped; only one was, so "example.com.." became "example.com." and only
 * a second canon_url() gave "example.com": two links to one article
 * compared unequal.  Found by fuzz_text (a host of many dots). */
static void canon_trailing_dots(void)
{
	const char *in[] = { "http://Example.com../a", "http://example.com./a",
	                     "http://example.com.../a?x=1#!/s" };
	const char *want[] = { "http://example.com/a", "http://example.com/a",
	                       "http://example.com/a?x=1#!/s" };

	for (int i = 0; i < 3; i++) {
		char *c = NULL, *c2 = NULL, *h = NULL;

		ok(canon_url(in[i], &c) == 0, "a host with trailing dots is canonical");
		is_str(c, want[i], "without any of the dots");
		ok(c && canon_url(c, &c2) == 0 && strcmp(c, c2) == 0, "and is a fixed point");
		ok(canon_host(in[i], &h) == 0 && strcmp(h, "example.com") == 0,
		   "its publisher host has none either");
		free(c);
		free(c2);
		free(h);
	}
}

int main(void)
{
	canon_trailing_dots();
	restore_empty_story();
	update_past_window();
	return done_testing();
}
