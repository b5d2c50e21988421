/* tests/unit/test_store.c — schema creation, versions, feed-list sync,
 * same-item and canonical lookups, on a real SQLite file. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "daemon/store.h"
#include "tap.h"

static char dir[] = "/tmp/tidings-test-store-XXXXXX";
static char path[256];

static int scalar(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int v = -1;

	sqlite3_open(path, &db);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

static void run(const char *sql)
{
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
}

int main(void)
{
	struct store *st;
	char err[512];
	struct feedlist_item items[2] = {
		{ .url = "http://a.example/feed", .title = "A" },
		{ .url = "http://b.example/feed" },
	};
	struct feedlist fl = { items, 2 };
	struct store_feed *feeds;
	size_t n;
	int64_t id = 0, id2 = 0;
	uint64_t h;
	int owner;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);

	ok(store_open(path, STORE_READ, &st, err, sizeof err) < 0, "read mode does not create a database");
	ok(store_open(path, STORE_WRITE, &st, err, sizeof err) == 0, "write mode creates and migrates");
	is_int(scalar("PRAGMA user_version"), STORE_SCHEMA_VERSION, "user_version is the schema version");
	{
		sqlite3 *db; sqlite3_stmt *q; const char *m = NULL;
		sqlite3_open(path, &db);
		sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL);
		if (sqlite3_step(q) == SQLITE_ROW) m = (const char *)sqlite3_column_text(q, 0);
		is_str(m, "wal", "the database is in WAL mode");
		sqlite3_finalize(q); sqlite3_close(db);
	}
	ok(store_sync_feeds(st, &fl, 1000) == 0, "feed list synced");
	ok(store_load_feeds(st, &feeds, &n) == 0 && n == 2, "two active feeds");
	is_str(n ? feeds[0].url : NULL, "http://a.example/feed", "first feed URL");
	store_feeds_free(feeds, n);

	fl.n = 1;
	ok(store_sync_feeds(st, &fl, 2000) == 0, "shorter list synced");
	ok(store_load_feeds(st, &feeds, &n) == 0 && n == 1, "the unlisted feed is inactive");
	store_feeds_free(feeds, n);
	is_int(scalar("SELECT count(*) FROM feeds"), 2, "its row stays");

	{
		struct store_story s = {
			.feed_id = 1, .ident = "g:one", .guid = "one", .link = "http://a.example/1",
			.canonical_url = "http://a.example/1", .title = "One", .first_seen = 1000,
			.summary = "", .content_hash = 42,
		};
		ok(store_begin(st) == 0, "begin");
		ok(store_insert_story(st, &s, &id) == 0 && id > 0, "story inserted");
		ok(store_commit(st) == 0, "commit");
		ok(store_find_item(st, 1, "g:one", &id2, &h, &owner) == 0 && id2 == id && h == 42 && owner,
		   "same item found by (feed, ident) with its hash, in its own feed");
		ok(store_find_item(st, 2, "g:one", &id2, &h, &owner) == 0 && id2 == 0,
		   "the same ident in another feed is another item");
		ok(store_find_canonical(st, "http://a.example/1", &id2) == 0 && id2 == id,
		   "found by canonical URL");
		is_int(scalar("SELECT count(*) FROM stories WHERE summary IS NULL"), 1,
		       "an empty string is stored as NULL");
		is_int(scalar("SELECT count(*) FROM story_feeds"), 1, "story_feeds row written");
		is_int(scalar("SELECT seq FROM stories"), 1, "seq set on insert");

		ok(store_begin(st) == 0, "begin");
		s.ident = "g:two";
		ok(store_insert_story(st, &s, &id2) == 0, "second insert");
		store_rollback(st);
		is_int(scalar("SELECT count(*) FROM stories"), 1, "rolled back insert is gone");
		ok(store_begin(st) == 0 && store_update_story(st, id, &s) == 0 && store_commit(st) == 0,
		   "update committed");
		is_int(scalar("SELECT seq FROM stories"), 2, "seq continues after a rollback without a gap");
	}
	store_close(st);

	run("PRAGMA user_version = 99");
	ok(store_open(path, STORE_WRITE, &st, err, sizeof err) < 0, "a newer schema is refused");
	ok(strstr(err, "newer") != NULL, "with a message saying so");
	is_int(scalar("PRAGMA user_version"), 99, "and the file is not modified");

	unlink(path);
	{
		char p2[300];
		snprintf(p2, sizeof p2, "%s-wal", path); unlink(p2);
		snprintf(p2, sizeof p2, "%s-shm", path); unlink(p2);
	}
	rmdir(dir);
	return done_testing();
}
