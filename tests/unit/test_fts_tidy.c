/* tests/unit/test_fts_tidy.c — the search index merged whole while new
 * stories keep arriving (store_fts_tidy, docs/schema.md "stories_fts").
 *
 * Once as many stories have left the index as it holds, retention merges
 * it whole, a step of a few hundred pages per transaction, so that the
 * deleted stories' entries leave it.  The daemon indexes new stories
 * within a second of storing them, each time in a segment of their own,
 * and such a segment arrived between most steps.  Each step asked FTS5
 * for a merge of every segment ('merge' with a negative count), which,
 * finding one that was not in the merge under way, began it again from
 * the first term: an index of more than a few steps was never merged
 * (at 1M stories, 300 steps rewrote the same first pages), the work
 * stopped at its budget and the deleted entries stayed.
 *
 * Here a page is 64 bytes (FTS5's 'pgsz'), so that a few hundred stories
 * make an index of several steps, and a new story is stored and indexed
 * after every step, as the daemon's flush does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "daemon/store.h"
#include "tap.h"

#define OLD 1000   /* stories retention deletes */
#define KEPT 1000  /* stories it keeps */
#define T0 1700000000

static char dir[] = "/tmp/tidings-test-fts-tidy-XXXXXX";
static char path[256], copy[300];

static int64_t scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_type(s, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	return v;
}

/* Words of their own for each story, and one its batch shares. */
static int add_stories(struct store *st, int from, int n, const char *tag, int64_t seen)
{
	char ident[32], link[64], title[128], summary[512];
	int64_t id;

	if (store_begin(st) < 0)
		return -1;
	for (int i = from; i < from + n; i++) {
		struct store_story s = {
			.feed_id = 1, .ident = ident, .guid = ident, .link = link,
			.canonical_url = link, .title = title, .summary = summary,
			.first_seen = seen, .content_hash = (uint64_t)i + 1,
		};

		snprintf(ident, sizeof ident, "g:%d", i);
		snprintf(link, sizeof link, "http://a.example/%d", i);
		snprintf(title, sizeof title, "%s story%d about harbour%d", tag, i, i % 97);
		snprintf(summary, sizeof summary,
		         "council%d voted on plan%d after debate%d with fishermen%d of village%d",
		         i % 89, i % 83, i % 79, i % 73, i);
		if (store_insert_story(st, &s, &id) < 0) {
			store_rollback(st);
			return -1;
		}
	}
	/* Indexed at once, in a segment of their own: the daemon's flush. */
	return store_commit(st) < 0 || store_fts_flush(st) < 0 ? -1 : 0;
}

static int64_t fts_bytes(sqlite3 *db)
{
	return scalar(db, "SELECT sum(length(block)) FROM stories_fts_data");
}

int main(void)
{
	struct store *st = NULL;
	struct feedlist_item items[1];
	struct feedlist fl = { items, 1 };
	char err[512], sql[400];
	sqlite3 *db = NULL, *cp = NULL;
	int deleted = 0, more = 1, steps = 0, fresh = 0, failed = 0;
	int64_t newest = 0, merged, least;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	snprintf(copy, sizeof copy, "%s/copy.db", dir);
	memset(items, 0, sizeof items);
	items[0].url = "http://a.example/rss";

	ok(store_open(path, STORE_WRITE, &st, err, sizeof err) == 0, "database created");
	ok(store_sync_feeds(st, &fl, T0) == 0, "feed list synced");
	ok(sqlite3_open(path, &db) == SQLITE_OK, "database opened beside it");
	sqlite3_busy_timeout(db, 5000);
	ok(sqlite3_exec(db, "INSERT INTO stories_fts(stories_fts, rank) VALUES ('pgsz', 64)",
	                NULL, NULL, NULL) == SQLITE_OK, "index pages of 64 bytes");

	/* In batches, a segment each, as the daemon's flushes write them. */
	for (int i = 0; i < OLD; i += 50)
		failed |= add_stories(st, i, 50, "old", T0) < 0;
	for (int i = OLD; i < OLD + KEPT; i += 50)
		failed |= add_stories(st, i, 50, "kept", T0 + 7200) < 0;
	ok(!failed, "2,000 stories stored and indexed, 50 a segment");

	do
		failed |= store_prune(st, T0 + 3600, 500, &deleted, &newest) < 0;
	while (!failed && deleted == 500);
	is_int(scalar(db, "SELECT count(*) FROM stories"), KEPT, "retention deleted the old ones");
	is_int(scalar(db, "SELECT value FROM meta WHERE key = 'fts_dead'"), OLD,
	       "and counted them as left the index");

	/* The retention pass's steps, a flush of one new story between any
	 * two (the daemon: a flush a second, steps every quarter second). */
	while (more && steps < 1000) {
		if (store_fts_tidy(st, &more) < 0) {
			failed = 1;
			break;
		}
		steps++;
		if (more && add_stories(st, OLD + KEPT + fresh, 1, "fresh", T0 + 7300) == 0)
			fresh++;
	}
	printf("# %d steps, %d stories stored meanwhile\n", steps, fresh);
	ok(!failed && !more, "the whole merge ended");
	ok(steps > 3, "over several steps");
	is_int(scalar(db, "SELECT count(*) FROM meta WHERE key = 'fts_dead'"), 0,
	       "the count of stories that left the index starts again");

	/* What the same stories need: a copy merged whole in one go.  The
	 * whole merge must have let go of the deleted stories' entries (the
	 * new stories' segments, left to automerge, cost little beside). */
	merged = fts_bytes(db);
	snprintf(sql, sizeof sql, "VACUUM INTO '%s'", copy);
	ok(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "a copy made");
	ok(sqlite3_open(copy, &cp) == SQLITE_OK &&
	   sqlite3_exec(cp, "INSERT INTO stories_fts(stories_fts) VALUES ('optimize')",
	                NULL, NULL, NULL) == SQLITE_OK, "and merged whole in one go");
	least = fts_bytes(cp);
	printf("# index %lld bytes, merged in one go %lld\n", (long long)merged, (long long)least);
	ok(least > 0 && merged * 4 <= least * 5,
	   "the index holds no more than 1.25 times what its stories need");

	is_int(scalar(db, "SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'old'"), 0,
	       "a search finds none of the deleted stories");
	is_int(scalar(db, "SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'kept'"), KEPT,
	       "and every kept one");
	is_int(scalar(db, "SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'fresh'"), fresh,
	       "and every one stored during the merge");
	ok(sqlite3_exec(db, "INSERT INTO stories_fts(stories_fts, rank) VALUES ('integrity-check', 1)",
	                NULL, NULL, NULL) == SQLITE_OK, "the index passes FTS5's integrity-check");

	sqlite3_close(cp);
	sqlite3_close(db);
	store_close(st);
	remove(copy);
	tap_remove_db(dir, path);
	return done_testing();
}
