/* tests/unit/test_cluster.c — the online clusterer on invented events
 * (tests/data/cluster/events.tsv): outlets telling one event in different
 * words, two same-day events sharing names, updates, merges, near-duplicate
 * copies, restore with persisted document frequencies, window expiry. */
#include "daemon/cluster.h"
#include "tests/unit/tap.h"

#include <stdlib.h>

#define T0 1700000000LL
#define MAXS 64

struct fx {
	char label[8];
	int64_t time;
	char source[64], title[256], text[512];
	int64_t thread;
};

static struct fx fx[MAXS];
static int nfx;

static int load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	if (!f)
		return -1;
	while (nfx < MAXS && fgets(line, sizeof line, f)) {
		char *col[5] = { 0 }, *s = line;
		line[strcspn(line, "\n")] = '\0';
		for (int k = 0; k < 5 && s; k++) {
			col[k] = s;
			s = strchr(s, '\t');
			if (s)
				*s++ = '\0';
		}
		if (!col[3])
			continue;
		struct fx *x = &fx[nfx++];
		snprintf(x->label, sizeof x->label, "%s", col[0]);
		x->time = T0 + (int64_t)(atof(col[1]) * 3600);
		snprintf(x->source, sizeof x->source, "%s", col[2]);
		snprintf(x->title, sizeof x->title, "%s", col[3]);
		snprintf(x->text, sizeof x->text, "%s", col[4] ? col[4] : "");
	}
	fclose(f);
	return nfx ? 0 : -1;
}

static struct cluster_doc doc_of(int i)
{
	return (struct cluster_doc){ .story_id = i + 1, .time = fx[i].time, .title = fx[i].title,
		.text = fx[i].text[0] ? fx[i].text : NULL, .lang = "en", .source = fx[i].source };
}

static int64_t thread_of_label(struct clusterer *c, const char *label, int *consistent)
{
	int64_t t = 0;
	*consistent = 1;
	for (int i = 0; i < nfx; i++) {
		if (strcmp(fx[i].label, label))
			continue;
		int64_t r = cluster_resolve(c, fx[i].thread);
		if (!t)
			t = r;
		else if (r != t)
			*consistent = 0;
	}
	return t;
}

static int df_copy(void *arg, const char *term, int64_t df)
{
	return cluster_df_set(arg, term, df) < 0;
}

static void test_events(void)
{
	struct cluster_params p;
	struct cluster_result r;
	cluster_params_default(&p);
	struct clusterer *c = cluster_new(&p, 100);
	ok(c != NULL, "cluster_new");
	int fail = 0, created = 0;
	for (int i = 0; i < nfx; i++) {
		struct cluster_doc d = doc_of(i);
		if (cluster_add(c, &d, &r) < 0)
			fail++;
		fx[i].thread = r.thread_id;
		created += r.is_new;
		ok(r.thread_id >= 100, "thread ids start at next_thread_id");
	}
	is_int(fail, 0, "every story added");
	int okA, okB, okC, okD, okE;
	int64_t a = thread_of_label(c, "A", &okA), b = thread_of_label(c, "B", &okB),
		cc = thread_of_label(c, "C", &okC), d = thread_of_label(c, "D", &okD),
		e = thread_of_label(c, "E", &okE);
	ok(okA, "six outlets telling the bridge collapse in different words: one thread");
	ok(okB, "Xi-Trump call: one thread");
	ok(okC, "Xi-Putin video meeting: one thread");
	ok(okD && okE, "background stories keep their own threads");
	ok(b != cc, "two same-day events sharing names (Xi, China, Tuesday) stay apart");
	ok(a != b && a != cc && a != d && a != e && b != d && cc != d && d != e,
	   "different events, different threads");
	is_int(created, 5, "five threads created");

	struct cluster_doc dup = { .story_id = 1000, .time = T0 + 4 * 3600, .title = "Veridian shares jump",
		.source = "copycat.example.com", .lang = "en", .copy_of_thread = b };
	ok(cluster_add(c, &dup, &r) == 0 && r.thread_id == b && !r.is_new,
	   "a near-duplicate copy joins the thread of the story it copies, whatever its words");
	ok(cluster_add(c, &dup, &r) == -2, "adding a known story id again is refused");

	/* Display data of the bridge thread. */
	int first = -1;
	for (int i = 0; i < nfx; i++)
		if (!strcmp(fx[i].label, "A") && first < 0)
			first = i;
	struct cluster_doc up = doc_of(first);
	up.title = "Cargo ship hits Kessler Bridge in Port Aldous, central span collapses, six missing";
	up.time = fx[first].time;
	ok(cluster_update(c, &up, &r) == 0 && r.thread_id == a && !r.is_new && r.left_thread == 0,
	   "an updated story keeps its thread");
	is_int(r.story_count, 6, "story_count");
	is_int(r.source_count, 6, "source_count: distinct hosts");
	is_int(r.first_seen, T0, "first_seen");
	is_int(r.last_updated, T0 + 35 * 360, "last_updated");
	int title_ok = 0;
	for (int i = 0; i < nfx; i++)
		if (r.title_story_id == i + 1 && !strcmp(fx[i].label, "A"))
			title_ok = 1;
	ok(title_ok, "title story is one of the thread's");
	ok(strstr(r.keywords, "Kessler") != NULL, "keywords name the bridge as written");
	printf("# keywords: %s\n", r.keywords);

	/* A rewrite into another story entirely leaves the thread. */
	up.title = "Rovers striker Okafor signs new contract with the club";
	up.text = "Okafor agreed a four-year deal with Rovers after his double against Albion.";
	ok(cluster_update(c, &up, &r) == 0 && r.thread_id != a && r.left_thread == a,
	   "a story whose text changed materially moves, left_thread names the old one");

	/* Now alone in its thread, it is told as the bridge collapse again:
	 * it goes back, and its emptied thread folds into the bridge's. */
	int64_t lone = r.thread_id;
	struct cluster_doc back = doc_of(first);
	ok(cluster_update(c, &back, &r) == 0 && r.thread_id == a && r.left_thread == lone,
	   "a thread's only story rewritten to another event joins that event's thread");
	ok(cluster_fold(c, lone, a) == 0 && cluster_resolve(c, lone) == a,
	   "the emptied thread folds: its id resolves to the thread its story joined");
	ok(cluster_fold(c, 999999, a) == 0, "folding a thread not in memory is no error");

	/* Alone again, and rewritten into news no thread covers: it stays. */
	up.title = "Glassblowers guild of Port Aldous elects a new chair";
	up.text = "The guild's members chose Mirela Tanaskovic, a furnace maker, by show of hands.";
	ok(cluster_update(c, &up, &r) == 0 && r.thread_id != a && r.left_thread == a,
	   "rewritten once more, it leaves the bridge thread");
	lone = r.thread_id;
	up.title = "Harbour ferry timetable changes for the winter season";
	up.text = "Ferries to the outer islands will sail twice a day from November.";
	ok(cluster_update(c, &up, &r) == 0 && r.thread_id == lone && r.left_thread == 0,
	   "an only story rewritten into news no thread covers keeps its thread");

	/* Restore into a fresh clusterer, with the persisted document frequencies. */
	struct clusterer *c2 = cluster_new(&p, 1);
	cluster_df_foreach(c, 1, df_copy, c2);
	cluster_df_set_total(c2, cluster_df_total(c));
	is_int(cluster_df_total(c2), cluster_df_total(c), "df total persisted");
	int rfail = 0;
	int64_t maxid = 0;
	for (int i = 0; i < nfx; i++) {
		struct cluster_doc dd = doc_of(i);
		int64_t t = cluster_resolve(c, fx[i].thread);
		if (t > maxid)
			maxid = t;
		if (cluster_restore(c2, &dd, t) < 0)
			rfail++;
	}
	is_int(rfail, 0, "restore replays stored stories into their threads");
	struct cluster_doc more = { .story_id = 500, .time = T0 + 5 * 3600, .lang = "en",
		.title = "Divers recover victims from river under collapsed Kessler Bridge",
		.text = "Divers recovered the bodies of two road workers near the fallen span of the Kessler Bridge in Port Aldous.",
		.source = "late.example.com" };
	ok(cluster_add(c2, &more, &r) == 0 && r.thread_id == a, "after restore, a new story joins its restored thread");
	struct cluster_doc other = { .story_id = 501, .time = T0 + 5 * 3600, .lang = "en",
		.title = "Heavy snow closes mountain passes in the north",
		.source = "weather.example.com" };
	ok(cluster_add(c2, &other, &r) == 0 && r.is_new && r.thread_id > maxid,
	   "after restore, new thread ids are above the restored ones");

	/* Window: a week later the bridge thread has left memory. */
	struct cluster_doc late = more;
	late.story_id = 502;
	late.time = T0 + 7 * 24 * 3600;
	ok(cluster_add(c2, &late, &r) == 0 && r.is_new && r.thread_id != a,
	   "a story past the window opens a new thread");
	struct cluster_stats st;
	cluster_stats(c2, &st);
	is_int(st.active_threads, 1, "expired threads left memory");
	is_int(st.window_stories, 1, "expired stories left memory");
	ok(st.memory_bytes > 0, "memory reported");
	cluster_free(c2);
	cluster_free(c);
}

static void test_merge(void)
{
	struct cluster_params p;
	struct cluster_result r1, r2, r3, r4;
	cluster_params_default(&p);
	p.merge_threshold = 0.2;
	p.length_exponent = 0;
	struct clusterer *c = cluster_new(&p, 1);
	struct cluster_doc d1 = { .story_id = 1, .time = T0, .title = "alpha bravo charlie delta", .source = "a" };
	struct cluster_doc d2 = { .story_id = 2, .time = T0, .title = "echo foxtrot golf hotel", .source = "b" };
	struct cluster_doc d3 = { .story_id = 3, .time = T0,
		.title = "alpha bravo charlie delta echo foxtrot golf hotel", .source = "c" };
	cluster_add(c, &d1, &r1);
	cluster_add(c, &d2, &r2);
	ok(r1.thread_id != r2.thread_id, "unrelated stories: two threads");
	cluster_add(c, &d3, &r3);
	ok(r3.nmerged == 1, "a bridging story merges the two threads");
	int64_t loser = r3.merged[0];
	ok((loser == r1.thread_id || loser == r2.thread_id) && loser != r3.thread_id,
	   "the loser is one of the two, the story is in the survivor");
	is_int(cluster_resolve(c, loser), r3.thread_id, "the merged id resolves to the survivor");
	is_int(r3.story_count, 3, "survivor holds all stories");
	is_int(r3.source_count, 3, "and their sources");
	struct cluster_doc d4 = { .story_id = 4, .time = T0, .title = "zulu", .source = "d",
		.copy_of_thread = loser };
	cluster_add(c, &d4, &r4);
	is_int(r4.thread_id, r3.thread_id, "a copy of a merged thread lands in the survivor");
	/* A week later both have left memory; a late copy of the merged id
	 * revives the survivor's id, never the merged one. */
	struct cluster_doc d5 = { .story_id = 5, .time = T0 + 7 * 86400, .title = "yankee", .source = "e" };
	struct cluster_doc d6 = { .story_id = 6, .time = T0 + 7 * 86400, .title = "xray", .source = "f",
		.copy_of_thread = loser };
	struct cluster_result r5, r6;
	cluster_add(c, &d5, &r5);
	ok(cluster_add(c, &d6, &r6) == 0 && r6.thread_id == r3.thread_id && !r6.is_new,
	   "a copy of a thread gone from memory revives its survivor id");
	is_int(r6.story_count, 1, "the revived thread counts what is in memory");
	ok(r6.revived && !r5.revived && !r3.revived, "and says it was revived (only it)");
	/* The pipeline then hands it the stored counts (ingest.c). */
	const char *hosts[] = { "a", "b", "c", "d", "f" };
	int64_t first = 0, sources = 0;
	ok(cluster_set_counts(c, r6.thread_id, 5, T0, T0 + 7 * 86400 + 600, hosts, 5) == 0,
	   "cluster_set_counts");
	is_int(cluster_thread_stories(c, r6.thread_id, &first, &sources), 5,
	       "the thread counts the stored stories");
	ok(first == T0 && sources == 5, "with their first time and sources");
	struct cluster_doc d7 = { .story_id = 7, .time = T0 + 7 * 86400, .title = "whiskey",
		.source = "a", .copy_of_thread = r6.thread_id };
	struct cluster_result r7;
	ok(cluster_add(c, &d7, &r7) == 0 && r7.thread_id == r6.thread_id && !r7.revived,
	   "the next copy joins it in memory");
	ok(r7.story_count == 6 && r7.source_count == 5 && r7.first_seen == T0,
	   "counting on from the stored counts (a known source adds none)");
	is_int(r7.last_updated, T0 + 7 * 86400 + 600,
	       "and from the stored newest time, later than the copies'");
	is_int(cluster_thread_stories(c, 999999, NULL, NULL), -1, "a thread not in memory: -1");
	ok(cluster_set_counts(c, 999999, 3, T0, 0, hosts, 1) == 0, "and setting its counts is no error");
	cluster_free(c);
}

/* Writes a title of 25 words never seen before (numbered from `word`, five
 * letters and a trailing q, which no stem takes) into title[>= 176];
 * returns the next word number. */
static unsigned one_off_title(char *title, unsigned word)
{
	size_t n = 0;
	for (int k = 0; k < 25; k++) {
		unsigned w = word++;
		for (int l = 0; l < 5; l++, w /= 26)
			title[n++] = (char)('a' + w % 26);
		title[n++] = 'q';
		title[n++] = ' ';
	}
	title[n] = '\0';
	return word;
}

/* The vocabulary forgets one-off terms once no thread holds them. */
static void test_prune(void)
{
	struct cluster_params p;
	struct cluster_result r;
	struct cluster_stats st;
	char title[512];
	cluster_params_default(&p);
	struct clusterer *c = cluster_new(&p, 1);
	unsigned word = 0;
	for (int i = 0; i < 3000; i++) {
		word = one_off_title(title, word);
		struct cluster_doc d = { .story_id = i + 1, .time = T0 + i, .title = title, .lang = "en" };
		cluster_add(c, &d, &r);
	}
	cluster_stats(c, &st);
	ok(st.terms >= 70000, "every word is a term while its stories are in memory");
	struct cluster_doc late = { .story_id = 9999, .time = T0 + 8 * 86400, .title = "fresh news", .lang = "en" };
	cluster_add(c, &late, &r);
	cluster_stats(c, &st);
	ok(st.terms < 100, "one-off terms are forgotten with their threads");
	struct cluster_doc again = { .story_id = 10000, .time = T0 + 8 * 86400, .title = title, .lang = "en" };
	ok(cluster_add(c, &again, &r) == 0 && r.is_new, "forgotten terms come back as new ones");
	cluster_stats(c, &st);
	ok(st.terms >= 25, "and are counted again");
	cluster_free(c);
}

/* Over a long stream the vocabulary stays near what the window's threads
 * hold: one-off terms of expired threads are pruned when the live terms
 * grow by an eighth (above the 65,536 floor), however many stories came
 * before. */
static void test_prune_bound(void)
{
	struct cluster_params p;
	struct cluster_result r;
	struct cluster_stats st;
	char title[512];
	cluster_params_default(&p);
	struct clusterer *c = cluster_new(&p, 1);
	/* 3,000 stories of 25 one-off words in the window: 75,000 terms held. */
	int64_t dt = p.window / 3000;
	unsigned word = 0;
	double worst = 0;
	size_t held_min = SIZE_MAX;
	int ok_add = 1;
	for (int i = 0; i < 15000; i++) {
		word = one_off_title(title, word);
		struct cluster_doc d = { .story_id = i + 1, .time = T0 + i * dt, .title = title,
			.lang = "en" };
		ok_add &= cluster_add(c, &d, &r) == 0;
		if (i >= 3000 && i % 100 == 0) {
			cluster_stats(c, &st);
			if (st.terms_held < held_min)
				held_min = st.terms_held;
			if (st.terms_held && (double)st.terms / st.terms_held > worst)
				worst = (double)st.terms / st.terms_held;
		}
	}
	char name[128];
	ok(ok_add, "15,000 stories of one-off words added");
	snprintf(name, sizeof name, "the window's threads hold about 75,000 terms (at least %zu)",
		 held_min);
	ok(held_min >= 70000, name);
	snprintf(name, sizeof name,
		 "the vocabulary stays within a quarter of them over five windows (%.3f)", worst);
	ok(worst <= 1.25, name);
	cluster_free(c);
}

/* What a thread shows.  Its title is a headline: a story without one (no
 * title, or a title that is only a date) never supplies it, however
 * central its text, while a member with a headline exists.  Its keywords
 * leave out weekdays and numbers of one or two digits. */
static void test_title(void)
{
	struct cluster_params p;
	cluster_params_default(&p);
	const char *lead = "An earthquake of magnitude 5.6 struck Qeshm island in the Gulf off southern "
		"Iran on Sunday, damaging homes in several villages; rescuers reached Qeshm by boat.";
	struct cluster_doc d[] = {
		{ .story_id = 1, .time = T0, .lang = "en", .source = "a.example",
		  .title = "Quake damages villages on Iran's Qeshm island",
		  .text = "Rescuers reached villages on Qeshm island after the earthquake." },
		{ .story_id = 2, .time = T0 + 60, .lang = "en", .source = "b.example", .text = lead },
		{ .story_id = 3, .time = T0 + 120, .lang = "en", .source = "c.example",
		  .title = "Sunday, November 27, 2005", .text = lead },
		/* A dateline with its clock and labels, and a link, as titles. */
		{ .story_id = 6, .time = T0 + 130, .lang = "en", .source = "f.example",
		  .title = "Posted: Nov 27th, 2005 8:20 AM ET Last Updated: Nov 27, 2005 8:10PM GMT",
		  .text = lead },
		{ .story_id = 7, .time = T0 + 140, .lang = "en", .source = "g.example",
		  .title = "https://news.example/world/2005/11/27/quake-qeshm-island-iran", .text = lead },
		{ .story_id = 4, .time = T0 + 180, .lang = "en", .source = "d.example",
		  .title = "Rescuers reach Qeshm after earthquake",
		  .text = "Boats carried rescuers to Qeshm island in the Gulf after the magnitude 5.6 earthquake." },
	};
	int n = (int)(sizeof d / sizeof d[0]);
	struct clusterer *c = cluster_new(&p, 1);
	struct cluster_result r;
	int64_t t = 0;
	int one = 1, headline = 1;
	for (int i = 0; i < n; i++) {
		one &= cluster_add(c, &d[i], &r) == 0 && (i == 0 || r.thread_id == t);
		t = r.thread_id;
		headline &= r.title_story_id == 1 || r.title_story_id == 4;
	}
	ok(one, "the six reports of the quake are one thread");
	ok(headline, "its title is always a headline, never the untitled, dated or linked story's");
	is_int(r.story_count, n, "six stories");

	/* Keywords: a weekday and a day of the month in every report weigh
	 * as much as the teams, and are not shown. */
	struct cluster_doc g[] = {
		{ .story_id = 11, .time = T0 + 3600, .lang = "en", .source = "a.example",
		  .title = "Colts beat Jaguars 24-17 on Sunday, November 27 (4:25 PM ET)" },
		{ .story_id = 12, .time = T0 + 3660, .lang = "en", .source = "b.example",
		  .title = "Sunday, November 27, 4:25PM ET: Colts 24, Jaguars 17" },
		{ .story_id = 13, .time = T0 + 3720, .lang = "en", .source = "c.example",
		  .title = "Jaguars fall 24-17 to the Colts on Sunday November 27, 4:25 pm ET" },
	};
	int one_g = 1;
	int64_t tg = 0;
	for (int i = 0; i < 3; i++) {
		one_g &= cluster_add(c, &g[i], &r) == 0 && (i == 0 || r.thread_id == tg);
		tg = r.thread_id;
	}
	printf("# keywords: %s\n", r.keywords);
	ok(one_g, "three reports of the game are one thread");
	ok(strstr(r.keywords, "Colts") && strstr(r.keywords, "Jaguars"), "its keywords name the teams");
	ok(!strstr(r.keywords, "Sunday") && !strstr(r.keywords, "24") && !strstr(r.keywords, "17") &&
	   !strstr(r.keywords, "27"), "not the weekday, the score or the day of the month");
	ok(!strstr(r.keywords, "PM") && !strstr(r.keywords, "pm") && !strstr(r.keywords, "ET"),
	   "nor the kick-off's time and zone");

	/* A headline cut short by its feed, or headed by a desk's label,
	 * titles a thread only while no whole one is there, however central. */
	struct cluster_doc h[] = {
		{ .story_id = 31, .time = T0 + 7200, .lang = "en", .source = "a.example",
		  .title = "Mt. Gox files for U.S. bankruptcy protection to halt lawsuits against ...",
		  .text = "Mt. Gox, the failed bitcoin exchange, filed for bankruptcy protection in the "
		          "U.S. to halt lawsuits by customers who lost bitcoins." },
		{ .story_id = 32, .time = T0 + 7260, .lang = "en", .source = "b.example",
		  .title = "UPDATE 2-Mt. Gox files for U.S. bankruptcy protection, halting lawsuits",
		  .text = "Failed bitcoin exchange Mt. Gox filed for U.S. bankruptcy protection to halt "
		          "lawsuits by customers who lost bitcoins." },
		{ .story_id = 33, .time = T0 + 7320, .lang = "en", .source = "c.example",
		  .title = "Tokyo exchange seeks court shield in Dallas",
		  .text = "Mt. Gox asked a court in Dallas for bankruptcy protection from lawsuits by "
		          "customers who lost bitcoins when the exchange failed." },
		{ .story_id = 34, .time = T0 + 7380, .lang = "en", .source = "d.example",
		  .title = "Watch: Mt. Gox files for U.S. bankruptcy protection to halt lawsuits",
		  .text = "The failed bitcoin exchange Mt. Gox filed for U.S. bankruptcy protection to "
		          "halt lawsuits by customers who lost bitcoins." },
	};
	int one_h = 1;
	int64_t th = 0;
	for (int i = 0; i < 4; i++) {
		one_h &= cluster_add(c, &h[i], &r) == 0 && (i == 0 || r.thread_id == th);
		th = r.thread_id;
		if (i == 1)
			ok(r.title_story_id == 32 || r.title_story_id == 31, "two lesser headlines: the more central titles");
	}
	ok(one_h, "four reports of the filing are one thread");
	is_int(r.title_story_id, 33, "its title is the whole headline without a label, not the more "
	       "central ones cut short or labelled");

	/* Restored, the thread picks its title again from its members. */
	struct clusterer *c2 = cluster_new(&p, 1);
	int rfail = 0;
	for (int i = 0; i < n; i++)
		rfail += cluster_restore(c2, &d[i], t) < 0;
	is_int(rfail, 0, "restored");
	struct cluster_doc d5 = { .story_id = 5, .time = T0 + 240, .lang = "en", .source = "e.example",
		.text = lead };
	ok(cluster_add(c2, &d5, &r) == 0 && r.thread_id == t, "an untitled fifth report joins it");
	ok(r.title_story_id == 1 || r.title_story_id == 4, "and the restored thread's title is a headline");

	/* With no headline among its members, the most central story. */
	struct clusterer *c3 = cluster_new(&p, 1);
	ok(cluster_add(c3, &d[1], &r) == 0 && r.title_story_id == 2, "an untitled story titles its own thread");
	cluster_free(c3);
	cluster_free(c2);
	cluster_free(c);
}

/* Keywords are spelt as the thread's own stories spell them: the
 * vocabulary has one surface per stem for all threads ("banking", met
 * first), and a capital heading a title-cased headline, or a shouted
 * word, says nothing of its case. */
static void test_keyword_spelling(void)
{
	struct cluster_params p;
	cluster_params_default(&p);
	struct cluster_doc d[] = {
		{ .story_id = 1, .time = T0, .lang = "en", .source = "a.example",
		  .title = "Outage leaves online banking customers locked out",
		  .text = "Customers of three lenders could not reach their online banking accounts "
		          "for most of Tuesday after a data centre failed." },
		{ .story_id = 2, .time = T0 + 3600, .lang = "en", .source = "b.example",
		  .title = "DEUTSCHE BANK FINED OVER LIBOR RIGGING",
		  .text = "Regulators in London and New York fined Deutsche Bank for rigging "
		          "interest rates; Deutsche Bank said it would not appeal." },
		{ .story_id = 3, .time = T0 + 3660, .lang = "en", .source = "c.example",
		  .title = "Deutsche Bank to pay record fine for rigging rates",
		  .text = "US and British regulators ordered Deutsche Bank to settle over Libor "
		          "manipulation by Deutsche Bank traders." },
		{ .story_id = 4, .time = T0 + 3720, .lang = "en", .source = "d.example",
		  .title = "Deutsche Bank Settles Over Libor Rigging",
		  .text = "The fine against Deutsche Bank is the largest yet in the Libor rigging "
		          "scandal, regulators said." },
		{ .story_id = 5, .time = T0 + 3780, .lang = "en", .source = "e.example",
		  .title = "Regulators fine Deutsche Bank over Libor",
		  .text = "Deutsche Bank will fire seven traders over Libor, regulators said of the "
		          "Deutsche Bank settlement." },
	};
	int n = (int)(sizeof d / sizeof d[0]);
	struct clusterer *c = cluster_new(&p, 1);
	struct cluster_result r;
	ok(cluster_add(c, &d[0], &r) == 0, "the banking outage");
	int64_t outage = r.thread_id, t = 0;
	int one = 1;
	for (int i = 1; i < n; i++) {
		one &= cluster_add(c, &d[i], &r) == 0 && r.thread_id != outage && (i == 1 || r.thread_id == t);
		t = r.thread_id;
	}
	ok(one, "the four reports of the fine are one thread, not the outage's");
	/* Four more short reports: the thread's keywords are counted again at
	 * eight stories. */
	struct cluster_doc more = { .time = T0 + 3800, .lang = "en",
		.title = "Deutsche Bank fined over Libor",
		.text = "Regulators fined Deutsche Bank over Libor rigging." };
	char src[4][24];
	for (int i = 0; i < 4; i++) {
		snprintf(src[i], sizeof src[i], "m%d.example", i);
		more.story_id = 20 + i;
		more.source = src[i];
		one &= cluster_add(c, &more, &r) == 0 && r.thread_id == t;
	}
	printf("# keywords: %s\n", r.keywords);
	ok(one && r.story_count == 8, "and eight with four more");
	ok(strstr(r.keywords, "Bank") && !strstr(r.keywords, "banking"),
	   "its keywords spell Deutsche Bank as its stories do, not as the outage did");
	ok(!strstr(r.keywords, "BANK") && !strstr(r.keywords, "DEUTSCHE") && !strstr(r.keywords, "LIBOR"),
	   "a name shouted in a headline is shown as written mid-sentence");
	ok(strstr(r.keywords, "Deutsche") && strstr(r.keywords, "Libor"), "Deutsche, Libor");

	/* The same after a restart: the window's stories replayed in order. */
	struct clusterer *c2 = cluster_new(&p, 1);
	int rfail = cluster_restore(c2, &d[0], outage) < 0;
	for (int i = 1; i < n; i++)
		rfail += cluster_restore(c2, &d[i], t) < 0;
	is_int(rfail, 0, "restored");
	struct cluster_doc d7 = { .story_id = 7, .time = T0 + 3900, .lang = "en", .source = "g.example",
		.title = "Deutsche Bank settles Libor case with US and UK regulators",
		.text = "Deutsche Bank settled with regulators over Libor, paying $2.5 billion." };
	ok(cluster_add(c2, &d7, &r) == 0 && r.thread_id == t, "another report joins the restored thread");
	printf("# keywords after restore: %s\n", r.keywords);
	ok(strstr(r.keywords, "Bank") && !strstr(r.keywords, "banking") && !strstr(r.keywords, "BANK"),
	   "still spelt its own way");
	cluster_free(c2);
	cluster_free(c);
}

int main(void)
{
	const char *dir = getenv("TIDINGS_SRCDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/tests/data/cluster/events.tsv", dir ? dir : ".");
	if (load(path) < 0) {
		ok(0, "fixture tests/data/cluster/events.tsv readable");
		return done_testing();
	}
	test_events();
	test_merge();
	test_title();
	test_keyword_spelling();
	test_prune();
	test_prune_bound();
	return done_testing();
}
