/* tests/unit/test_cluster_backfill.c — memory stays bounded by the window
 * when stories far older than it keep arriving while the clock (the newest
 * story time) stands still: the first poll of new feeds brings weeks of
 * back items.  Old items still group among themselves between passes. */
#include "daemon/cluster_int.h"
#include "tests/unit/tap.h"

#define T0 1700000000LL
#define DAY 86400LL
#define OLD 30000

int main(void)
{
	struct cluster_params p;
	struct cluster_stats st;
	struct cluster_result r;
	struct clusterer *c;
	char title[160], text[320];
	int64_t first_old = 0;
	int rc = 0;

	cluster_params_default(&p);
	c = cluster_new(&p, 1);
	ok(c != NULL, "cluster_new");

	/* Today's story sets the clock. */
	struct cluster_doc now = { .story_id = 1, .time = T0, .lang = "en",
		.title = "Parliament passes the harbour bridge budget",
		.text = "The harbour bridge budget passed parliament on Tuesday." };
	ok(cluster_add(c, &now, &r) == 0, "a story of today");

	/* Then 30,000 back items of the last two months, each its own event
	 * (unique words), none of which can reach today's window. */
	for (int i = 0; i < OLD && rc == 0; i++) {
		snprintf(title, sizeof title, "Item w%dq about x%dz and k%dv", i, i, i);
		snprintf(text, sizeof text, "Report on w%dq: x%dz met k%dv in m%dr.", i, i, i, i);
		struct cluster_doc d = { .story_id = 2 + i, .title = title, .text = text,
			.lang = "en", .time = T0 - 4 * DAY - (int64_t)(i % 60) * DAY };
		rc = cluster_add(c, &d, &r);
		if (i == 0)
			first_old = r.thread_id;
	}
	ok(rc == 0, "30,000 back items added");
	cluster_stats(c, &st);
	ok(st.window_stories < 10000,
	   "threads below the window are swept while the clock stands still");
	printf("#   window stories %zu, threads %zu, memory %.1f MiB\n", st.window_stories,
	       st.active_threads, st.memory_bytes / 1048576.0);

	/* Two tellings of one old event arriving together still meet. */
	struct cluster_doc a = { .story_id = 100001, .time = T0 - 10 * DAY, .lang = "en",
		.title = "Volcano Ketrapuna erupts near Lamberville",
		.text = "The Ketrapuna volcano erupted near Lamberville, ash fell on the town." };
	struct cluster_doc b = { .story_id = 100002, .time = T0 - 10 * DAY + 600, .lang = "en",
		.title = "Ketrapuna volcano eruption covers Lamberville in ash",
		.text = "Ash from the Ketrapuna eruption covered Lamberville." };
	struct cluster_result ra, rb;
	ok(cluster_add(c, &a, &ra) == 0 && cluster_add(c, &b, &rb) == 0, "an old event told twice");
	ok(ra.thread_id == rb.thread_id, "old items still cluster among themselves");
	ok(first_old != 0, "old items get threads");

	/* Today's thread is untouched by the passes. */
	struct cluster_doc again = { .story_id = 100003, .time = T0 + 60, .lang = "en",
		.title = "Harbour bridge budget passes parliament",
		.text = "Parliament passed the budget for the harbour bridge." };
	struct cluster_result rn;
	ok(cluster_add(c, &again, &rn) == 0, "another story of today");
	ok(rn.thread_id == 1 || cluster_resolve(c, 1) == rn.thread_id,
	   "today's story joins today's thread");
	cluster_free(c);

	/* A feed's back items come after its newest: a thread's members are
	 * then not in time order, and the older ones must still leave memory
	 * when the window passes them (not only a run of oldest-first). */
	c = cluster_new(&p, 1);
	struct cluster_doc n1 = { .story_id = 1, .time = T0, .lang = "en",
		.title = "Volcano Ketrapuna erupts near Lamberville",
		.text = "The Ketrapuna volcano erupted near Lamberville, ash fell on the town." };
	struct cluster_doc n2 = { .story_id = 2, .time = T0 - 2 * 3600, .lang = "en",
		.title = "Ketrapuna volcano eruption covers Lamberville in ash",
		.text = "Ash from the Ketrapuna eruption covered Lamberville." };
	struct cluster_doc n3 = { .story_id = 3, .time = T0 + p.window - 3600, .lang = "en",
		.title = "Parliament passes the harbour bridge budget",
		.text = "The harbour bridge budget passed parliament on Tuesday." };
	struct cluster_result r1, r2, r3;
	ok(c && cluster_add(c, &n1, &r1) == 0 && cluster_add(c, &n2, &r2) == 0,
	   "a story, then an earlier telling of it");
	ok(r1.thread_id == r2.thread_id, "the earlier telling joins it");
	ok(cluster_add(c, &n3, &r3) == 0 && r3.thread_id != r1.thread_id,
	   "the clock moves on by almost a window");
	cluster_stats(c, &st);
	ok(st.window_stories == 2, "the member older than the window left, the newer stayed");
	printf("#   window stories %zu\n", st.window_stories);
	ok(cluster_index_check(c) == NULL, "the index is the members' in memory");
	cluster_free(c);

	/* A live stream: one event told every hour for ten days, in time
	 * order, its wording drifting (each telling shares words with the
	 * previous ones, none with those of a week before).  Its thread
	 * forgets the tellings older than the window, only those, and its
	 * centroid and the index drop the words no telling in memory has. */
	c = cluster_new(&p, 1);
	int64_t tid = 0;
	int same = 1, hours = 240;
	for (int i = 0; i < hours && c; i++) {
		snprintf(title, sizeof title, "Ketrapuna volcano: w%dq and w%dq near Lamberville", i,
			 i + 1);
		snprintf(text, sizeof text, "Ash fell as w%dq, w%dq and w%dq met at Lamberville.", i,
			 i + 1, i + 2);
		struct cluster_doc d = { .story_id = 1 + i, .title = title, .text = text,
			.lang = "en", .time = T0 + (int64_t)i * 3600 };
		if (cluster_add(c, &d, &r) < 0) {
			same = 0;
			break;
		}
		if (!tid)
			tid = r.thread_id;
		same &= cluster_resolve(c, tid) == cluster_resolve(c, r.thread_id);
	}
	ok(c && same, "ten days of one event, in time order, stay one thread");
	cluster_stats(c, &st);
	/* The window holds 72 hourly tellings; the expiry passes run every
	 * window/16, so up to 4.5 hours more may still be in memory. */
	ok(st.window_stories >= 72 && st.window_stories <= 78,
	   "the thread keeps the tellings of the window and forgets the older ones");
	ok(st.active_threads == 1, "one thread active");
	/* Core words (volcano, Ketrapuna, Lamberville, ash, fell, met) plus
	 * one drifting word per telling in memory and the last two's, not
	 * the 240 ever seen; a word no telling in memory has leaves the index
	 * as the last one that had it is forgotten (it stayed, weighing
	 * nothing, until a compaction: 101 here). */
	ok(st.terms_held <= st.window_stories + 2 + 10,
	   "the index holds the words of the tellings in memory only");
	printf("#   window stories %zu, terms held %zu, postings %zu\n", st.window_stories,
	       st.terms_held, st.postings);
	const char *why = cluster_index_check(c);
	ok(why == NULL, "the forgetting and compacting thread's index is its members'");
	if (why)
		printf("#   %s\n", why);
	cluster_free(c);
	return done_testing();
}
