/* tests/unit/test_cluster_df.c — the document frequencies a daemon saves
 * (cluster_df_whole, cluster_df_foreach_unsaved, cluster_df_saved): a
 * table kept by patching it with the changed terms after every save,
 * and rewriting it whole only when the clusterer says so, must always hold
 * what a whole save would write.  The stream is long enough (4,000 stories
 * over 16 days, 120,000 distinct words) for the vocabulary to be pruned
 * more than once, forgetting saved terms whose threads left the window:
 * the case a patch alone would get wrong.  The saved table is an SQLite
 * table, compared with SQL.
 *
 * And across restarts (restarts()): a daemon run per poll round (tidingsd
 * --once from cron) reloads the table and restores the window's stories
 * before each round; the frequencies it saves must be those of one
 * clusterer that saw every round.  The table leaves out the words of one
 * story only, so a word in one story of each of three runs was never
 * saved, its IDF that of a new word at every run.
 *
 * And edits (edits()): an edited story counts once, in the window or not. */
#include "daemon/cluster.h"
#include "tests/unit/tap.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define NDOCS 4000
#define RARE 20            /* words a story shares with one other story only */
#define ONCE 20            /* words of one story only */

static sqlite3 *db;
static long rows_written;

static int put(void *arg, const char *term, int64_t df)
{
	sqlite3_stmt *s = arg;
	sqlite3_bind_text(s, 1, term, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, df);
	int rc = sqlite3_step(s) != SQLITE_DONE;
	rows_written++;
	sqlite3_reset(s);
	return rc;
}

/* Writes the clusterer's frequencies (min_df 2) into TABLE, emptied
 * first when EMPTY: as the daemon saves them (cluster_df_foreach_unsaved)
 * when PATCH, else every term (cluster_df_foreach), the whole save the
 * patched table must equal. */
static int save(struct clusterer *c, const char *table, int empty, int patch)
{
	char sql[96];
	sqlite3_stmt *s = NULL;

	snprintf(sql, sizeof sql, "DELETE FROM %s", table);
	if (empty && sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO %s VALUES (?1, ?2)", table);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (patch)
		cluster_df_foreach_unsaved(c, 2, put, s);
	else
		cluster_df_foreach(c, 2, put, s);
	sqlite3_finalize(s);
	return 0;
}

static long count(const char *sql)
{
	sqlite3_stmt *s = NULL;
	long n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static size_t cluster_stats_stories(const struct clusterer *c)
{
	struct cluster_stats st;
	cluster_stats(c, &st);
	return st.window_stories + st.active_threads;
}

/* Word k as letters only (the tokenizer keeps it whole): "zq" + base 26. */
static void word(char *out, unsigned k)
{
	out[0] = 'z';
	out[1] = 'q';
	for (int i = 0; i < 4; i++, k /= 26)
		out[2 + i] = (char)('a' + k % 26);
	out[6] = ' ';
	out[7] = '\0';
}

/* One story of restarts(): a word of every round, one of its own. */
static void restart_doc(int i, char *title, size_t tcap, char *text, size_t cap,
			struct cluster_doc *d)
{
	char own[8];

	word(own, 900000u + (unsigned)i);
	snprintf(title, tcap, "Vexbrook report %d", i);
	snprintf(text, cap, "The zqvexbrook inquiry heard %s witnesses, analysts said.", own);
	*d = (struct cluster_doc){ .story_id = i + 1, .time = 1700000000 + (int64_t)i * 600,
		.lang = "en", .source = "a.example", .title = title, .text = text };
}

static int load_cb(void *arg, int64_t *total)
{
	struct clusterer *c = arg;
	sqlite3_stmt *s = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT term, df FROM r_saved", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
		rc = cluster_df_set(c, (const char *)sqlite3_column_text(s, 0),
		                    sqlite3_column_int64(s, 1));
	sqlite3_finalize(s);
	cluster_df_set_total(c, *total);
	return rc;
}

#define ROUNDS 3

static void restarts(void)
{
	struct cluster_params p;
	struct cluster_result r;
	int64_t thread[ROUNDS] = { 0 }, total = 0;
	struct clusterer *one;
	int fail = 0;

	cluster_params_default(&p);
	sqlite3_exec(db, "CREATE TABLE r_saved (term TEXT PRIMARY KEY, df INTEGER);"
	                 "CREATE TABLE r_one (term TEXT PRIMARY KEY, df INTEGER);", NULL, NULL, NULL);
	/* A run per round: the saved table and the window's stories first. */
	for (int round = 0; round < ROUNDS && !fail; round++) {
		struct clusterer *c = cluster_new(&p, 100);
		char title[64], text[160];
		struct cluster_doc d;

		if (!c || load_cb(c, &total) < 0) {
			fail = 1;
			cluster_free(c);
			break;
		}
		for (int i = 0; i < round && !fail; i++) {
			restart_doc(i, title, sizeof title, text, sizeof text, &d);
			fail = cluster_restore(c, &d, thread[i]) < 0;
		}
		restart_doc(round, title, sizeof title, text, sizeof text, &d);
		if (fail || cluster_add(c, &d, &r) < 0 || save(c, "r_saved", cluster_df_whole(c), 1) < 0)
			fail = 1;
		thread[round] = r.thread_id;
		total = cluster_df_total(c);
		cluster_df_saved(c);
		cluster_free(c);
	}
	/* One run that saw every round. */
	one = cluster_new(&p, 100);
	for (int i = 0; one && i < ROUNDS && !fail; i++) {
		char title[64], text[160];
		struct cluster_doc d;

		restart_doc(i, title, sizeof title, text, sizeof text, &d);
		fail = cluster_add(one, &d, &r) < 0;
	}
	if (!one || fail || save(one, "r_one", 1, 0) < 0)
		fail = 1;
	ok(!fail, "three runs, one story each, and one run of all three");
	ok(count("SELECT df FROM r_saved WHERE term = 'zqvexbrook'") == ROUNDS,
	   "a word in one story of each run is saved with the stories it is in");
	ok(count("SELECT count(*) FROM (SELECT * FROM r_saved EXCEPT SELECT * FROM r_one)") == 0 &&
	   count("SELECT count(*) FROM (SELECT * FROM r_one EXCEPT SELECT * FROM r_saved)") == 0 &&
	   total == cluster_df_total(one),
	   "the runs save the frequencies of one clusterer that saw every round");
	ok(count("SELECT count(*) FROM r_saved WHERE term LIKE 'zq%' AND term <> 'zqvexbrook'") == 0,
	   "each story's own word (seen once) is still left out");

	/* Killed before its first save: the stories are restored as not yet
	 * counted (df_unsaved), and counted as cluster_add counted them. */
	struct clusterer *k = cluster_new(&p, 100);
	sqlite3_exec(db, "CREATE TABLE r_killed (term TEXT PRIMARY KEY, df INTEGER);", NULL, NULL, NULL);
	for (int i = 0; k && i < ROUNDS && !fail; i++) {
		char title[64], text[160];
		struct cluster_doc d;

		restart_doc(i, title, sizeof title, text, sizeof text, &d);
		d.df_unsaved = 1;
		fail = cluster_restore(k, &d, thread[i]) < 0;
	}
	ok(k && !fail && save(k, "r_killed", 1, 0) == 0 &&
	   count("SELECT count(*) FROM (SELECT * FROM r_killed EXCEPT SELECT * FROM r_one)") == 0 &&
	   count("SELECT count(*) FROM (SELECT * FROM r_one EXCEPT SELECT * FROM r_killed)") == 0 &&
	   cluster_df_total(k) == cluster_df_total(one),
	   "stories stored after the last save are counted by the restore");
	cluster_free(k);
	/* The same stories older than the window (a first poll's back
	 * items): not restored, counted alone (cluster_count). */
	k = cluster_new(&p, 100);
	sqlite3_exec(db, "CREATE TABLE r_old (term TEXT PRIMARY KEY, df INTEGER);", NULL, NULL, NULL);
	for (int i = 0; k && i < ROUNDS && !fail; i++) {
		char title[64], text[160];
		struct cluster_doc d;

		restart_doc(i, title, sizeof title, text, sizeof text, &d);
		fail = cluster_count(k, &d) < 0;
	}
	ok(k && !fail && save(k, "r_old", 1, 0) == 0 &&
	   count("SELECT count(*) FROM (SELECT * FROM r_old EXCEPT SELECT * FROM r_one)") == 0 &&
	   count("SELECT count(*) FROM (SELECT * FROM r_one EXCEPT SELECT * FROM r_old)") == 0 &&
	   cluster_df_total(k) == cluster_df_total(one) && cluster_stats_stories(k) == 0,
	   "stories older than the window, counted alone, count as cluster_add counted them");
	cluster_free(k);
	cluster_free(one);
}

struct df_of {
	const char *term;
	int64_t df;
};

static int df_cb(void *arg, const char *term, int64_t df)
{
	struct df_of *f = arg;
	if (strcmp(term, f->term))
		return 0;
	f->df = df;
	return 1;
}

static int64_t df_of(const struct clusterer *c, const char *term)
{
	struct df_of f = { term, 0 };
	cluster_df_foreach(c, 1, df_cb, &f);
	return f.df;
}

/* An edited story is counted once, as it first came: in memory
 * (cluster_update of a story in the window) and out of it (a story older
 * than the window, placed again).  Out of it, each edit counted the story
 * again: a live blog retitled at every poll for days after it left the
 * window added a story to the total and to each of its words every time,
 * and the daemon saved them. */
static void edits(void)
{
	struct cluster_params p;
	struct cluster_result r;
	struct clusterer *c;
	const int64_t t0 = 1700000000;

	cluster_params_default(&p);
	c = cluster_new(&p, 1);
	struct cluster_doc d = { .story_id = 1, .time = t0, .lang = "en", .source = "a.example",
		.title = "Live: zqvexbrook dam breach, the latest",
		.text = "Engineers at the zqvexbrook dam reported cracks in the spillway." };
	ok(c && cluster_add(c, &d, &r) == 0 && cluster_df_total(c) == 1 &&
	   df_of(c, "zqvexbrook") == 1, "a story is counted once");
	d.title = "Live: zqvexbrook dam breach, evacuation ordered";
	d.text = "Residents below the zqvexbrook dam were told to leave as rain fell.";
	ok(cluster_update(c, &d, &r) == 0 && cluster_df_total(c) == 1 &&
	   df_of(c, "zqvexbrook") == 1, "its edit in the window does not count it again");
	/* Time moves on past the window: the story leaves memory. */
	struct cluster_doc o = { .story_id = 2, .time = t0 + p.window + 7200, .lang = "en",
		.source = "b.example", .title = "Harbour ferry timetable changes",
		.text = "The ferry company published its winter timetable." };
	ok(cluster_add(c, &o, &r) == 0 && !cluster_has_story(c, 1) && cluster_df_total(c) == 2,
	   "a later story moves the window past the first");
	int fine = 1;
	char title[96];
	for (int k = 0; k < 5; k++) {
		snprintf(title, sizeof title, "Live: zqvexbrook dam breach, day %d of repairs", k + 2);
		d.title = title;
		d.text = k % 2 ? "Repairs to the zqvexbrook spillway will take weeks, officials said."
		               : "The zqvexbrook water board met to discuss the repairs.";
		if (cluster_update(c, &d, &r) < 0 || !r.placed_anew)
			fine = 0;
		/* Placed, it leaves memory again with the next story's time. */
		o.story_id = 3 + k;
		o.time += p.window / 4;  /* past the next expiry pass */
		if (cluster_add(c, &o, &r) < 0)
			fine = 0;
	}
	ok(fine, "five edits of the story out of the window, each placed anew");
	ok(cluster_df_total(c) == 7 && df_of(c, "zqvexbrook") == 1,
	   "they do not count it again (7 stories, its word in 1)");
	/* A story the frequencies never counted (stored while threads were
	 * off) is counted when its edit places it. */
	struct cluster_doc n = d;
	n.story_id = 100;
	n.df_unsaved = 1;
	ok(cluster_update(c, &n, &r) == 0 && r.placed_anew && cluster_df_total(c) == 8 &&
	   df_of(c, "zqvexbrook") == 2, "a story never counted is counted by its edit");
	cluster_free(c);
}

int main(void)
{
	struct cluster_params p;
	struct clusterer *c;
	int wholes = 0, patches = 0, differ = 0, checks = 0, sentinel_kept = 1;
	long whole_rows = 0, patch_rows = 0;
	int patch_small = 1;
	long most_dead = 0;

	cluster_params_default(&p);
	c = cluster_new(&p, 1);
	ok(c != NULL, "clusterer");
	ok(sqlite3_open(":memory:", &db) == SQLITE_OK &&
	   sqlite3_exec(db, "CREATE TABLE saved (term TEXT PRIMARY KEY, df INTEGER);"
	                    "CREATE TABLE whole (term TEXT PRIMARY KEY, df INTEGER);",
	                NULL, NULL, NULL) == SQLITE_OK, "tables");
	ok(cluster_df_whole(c), "a new clusterer's first save is whole");

	for (int i = 0; i < NDOCS && c; i++) {
		char title[64], text[(RARE + ONCE) * 8 + 64];
		struct cluster_result r;
		size_t n = 0;

		/* A few common words, and RARE words story i shares with story
		 * i ^ 1 only (df 2): saved, and pruned once their threads
		 * leave the window and the stream has 1,000 stories per. */
		snprintf(title, sizeof title, "Report %d on the markets", i % 7);
		for (int k = 0; k < RARE; k++) {
			word(text + n, (unsigned)((i / 2) * RARE + k));
			n += 7;
		}
		for (int k = 0; k < ONCE; k++) {
			word(text + n, (unsigned)(NDOCS / 2 * RARE + i * ONCE + k));
			n += 7;
		}
		snprintf(text + n, sizeof text - n, "analysts said");
		struct cluster_doc d = { .story_id = i + 1, .time = 1700000000 + (int64_t)i * 350,
			.lang = "en", .source = "a.example", .title = title, .text = text };
		if (cluster_add(c, &d, &r) < 0) {
			ok(0, "cluster_add");
			break;
		}
		if (i % 50 != 49)
			continue;
		/* Every 50 stories: the patched table saved as the daemon
		 * does, and a whole save beside it to compare. */
		int w = cluster_df_whole(c);
		wholes += w;
		patches += !w;
		if (!w)   /* a row only a whole save would remove */
			sqlite3_exec(db, "INSERT INTO saved VALUES ('sentinel', 1)", NULL, NULL, NULL);
		/* The comparison every 500 stories, and once more at the end. */
		int check = i % 500 == 499 || i == NDOCS - 1;
		long before = rows_written;
		if (save(c, "saved", w, 1) < 0) {
			ok(0, "saves");
			break;
		}
		*(w ? &whole_rows : &patch_rows) += rows_written - before;
		/* 50 stories change at most ~1,000 rare words: a patch that
		 * wrote the whole table (past 5,000 rows) rewrote what stood. */
		if (!w && rows_written - before > 2000)
			patch_small = 0;
		if (check && save(c, "whole", 1, 0) < 0) {
			ok(0, "saves");
			break;
		}
		cluster_df_saved(c);
		if (!w && count("SELECT count(*) FROM saved WHERE term = 'sentinel'") != 1)
			sentinel_kept = 0;
		sqlite3_exec(db, "DELETE FROM saved WHERE term = 'sentinel'", NULL, NULL, NULL);
		if (check) {
			checks++;
			differ += count("SELECT count(*) FROM (SELECT * FROM saved EXCEPT "
			                "SELECT * FROM whole)") != 0 ||
			          count("SELECT count(*) FROM (SELECT * FROM whole EXCEPT "
			                "SELECT * FROM saved)") != 0;
		}
		long dead = count("SELECT count(*) FROM saved WHERE term LIKE 'zq%'");
		if (dead > most_dead)
			most_dead = dead;
	}
	printf("# %d whole saves (%ld rows a save), %d patches (%ld rows), up to %ld rare words "
	       "saved at once\n", wholes, wholes ? whole_rows / wholes : 0, patches,
	       patches ? patch_rows / patches : 0, most_dead);
	ok(wholes >= 3, "the vocabulary was pruned (a whole save after each prune)");
	ok(patches > wholes, "most saves are patches");
	ok(sentinel_kept, "a patch leaves the other rows alone (it is not a whole save)");
	ok(patch_small && most_dead > 5000, "a patch writes only the changed terms");
	ok(checks == NDOCS / 500 && differ == 0,
	   "every 500 stories the patched table is what a whole save writes");
	ok(count("SELECT count(*) FROM whole") > 0 &&
	   count("SELECT count(*) FROM whole WHERE term LIKE 'zq%'") < most_dead,
	   "saved rare words were pruned: a patch alone would have kept them");
	cluster_free(c);
	restarts();
	edits();
	sqlite3_close(db);
	return done_testing();
}
