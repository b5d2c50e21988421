/* tests/unit/test_prune.c — retention and the pipeline's memory.
 *
 * Retention deletes stories by the wall clock (first seen over `retention`
 * ago); the pipeline's indexes (clusterer, near-duplicate index, headlines)
 * hold the stories of the clustering window by story time.  A retention
 * shorter than the window deletes stories memory still holds: a copy of
 * one was marked duplicate_of a row that was gone, and the whole response
 * failed on the foreign key ("FOREIGN KEY constraint failed"); a story of
 * its event joined its thread, which the database had dropped, and brought
 * it back under its old id.  This test goes the daemon's way (store_prune,
 * then ingest_pruned, as prune_some does) through the real pipeline and a
 * real database file, and reads the rows back with SQL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "config/config.h"
#include "daemon/ingest.h"
#include "daemon/store.h"
#include "feeds/feed.h"
#include "ingest_fixture.h"
#include "tap.h"

#define DAY 86400
#define T0 1700000000

static char dir[] = "/tmp/tidings-test-prune-XXXXXX";
static char path[256];

/* Long enough for a fingerprint (level 3), distinct from each other. */
static const char *const HARBOUR =
	"The regional council approved the harbour expansion plan on Monday after a "
	"debate that lasted eleven hours, with fishermen from the northern villages "
	"protesting outside the chamber against the dredging of the bay, which they "
	"say will ruin the spawning grounds of cod and herring for a generation. The "
	"mayor promised an independent study of the seabed before any work begins.";
static const char *const ORCHESTRA =
	"The national orchestra announced its new principal conductor, a violinist "
	"born in Tallinn who trained in Vienna and led youth ensembles across the "
	"Baltic states, and said its winter season would open with Sibelius and a "
	"premiere by a composer from Riga. Subscriptions sold out within two hours "
	"of the announcement, the orchestra's manager said on Thursday evening.";

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

/* One item's RSS response, stored as the daemon stores one.  0, or -1
 * when ingest_feed failed. */
static int store_item(struct store *st, struct ingest *in, int64_t feed_id, const char *guid,
                      const char *link, const char *title, const char *text, int64_t pub,
                      int64_t now)
{
	char xml[4096], date[64];
	time_t tt = (time_t)pub;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(xml, sizeof xml,
	         "<rss version=\"2.0\"><channel><title>t</title><link>http://example.net/</link>"
	         "<language>en</language><item><title>%s</title><guid>%s</guid><link>%s</link>"
	         "<pubDate>%s</pubDate><description>%s</description></item></channel></rss>",
	         title, guid, link, date, text);
	return ingest_response(st, in, feed_id, xml, now);
}

int main(void)
{
	struct config cfg;
	struct store *st = NULL;
	struct ingest *in = NULL;
	struct feedlist_item items[2];
	struct feedlist fl = { items, 2 };
	char err[512], sql[256];
	sqlite3 *db = NULL;
	int deleted = 0;
	int64_t newest = 0, old_thread, now = T0;
	unsigned long rebuilds;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	config_defaults(&cfg);
	memset(items, 0, sizeof items);
	items[0].url = "http://one.example/rss";
	items[1].url = "http://two.example/rss";
	ok(cfg.threads.window == 3 * DAY, "the default window is 3 days");

	ok(store_open(path, STORE_WRITE, &st, err, sizeof err) == 0, "database created");
	ok(store_sync_feeds(st, &fl, now) == 0, "feed list synced");
	ok(ingest_new(st, &cfg, &in) == 0, "pipeline started");
	ok(sqlite3_open(path, &db) == SQLITE_OK, "database opened for reading");

	/* Day 0: the harbour story; day 1: the orchestra's.  Both in the
	 * window of a 3-day cluster_window. */
	ok(store_item(st, in, 1, "h1", "https://one.example/harbour",
	              "Council approves harbour expansion despite fishermen's protest",
	              HARBOUR, T0, now) == 0, "day 0: the harbour story stored");
	old_thread = scalar(db, "SELECT thread_id FROM stories WHERE guid = 'h1'");
	ok(old_thread > 0, "it has a thread");
	now = T0 + DAY;
	ok(store_item(st, in, 1, "o1", "https://one.example/orchestra",
	              "National orchestra names Estonian violinist as principal conductor",
	              ORCHESTRA, T0 + DAY, now) == 0, "day 1: the orchestra story stored");

	/* A batch that fails after its DELETE (here the recount of a thread
	 * it touched) is rolled back and says nothing was deleted: taken for
	 * a full batch, the caller would try again at once, for ever. */
	now = T0 + DAY + 60;
	ok(sqlite3_exec(db, "CREATE TRIGGER no_recount BEFORE UPDATE ON threads"
	                    " BEGIN SELECT RAISE(ABORT, 'refused'); END", NULL, NULL, NULL) == SQLITE_OK,
	   "a trigger that refuses the recount");
	deleted = 7;
	newest = 7;
	ok(store_prune(st, now - DAY / 2, 1, &deleted, &newest) < 0, "the failing batch fails");
	ok(deleted == 0 && newest == INT64_MIN, "and reports nothing deleted");
	is_int(scalar(db, "SELECT count(*) FROM stories WHERE guid = 'h1'"), 1, "the story is still there");
	ok(sqlite3_exec(db, "DROP TRIGGER no_recount", NULL, NULL, NULL) == SQLITE_OK, "trigger dropped");

	/* Retention of 12 hours, a day and a minute after the first story:
	 * the harbour story goes (first seen on day 0), the orchestra's
	 * stays.  Its time is a day before the newest: inside the window. */
	now = T0 + DAY + 60;
	ok(store_prune(st, now - DAY / 2, 500, &deleted, &newest) == 0,
	   "store_prune ran");
	is_int(deleted, 1, "one story deleted");
	is_int(newest, T0, "the newest event time deleted is the harbour story's");
	is_int(scalar(db, "SELECT count(*) FROM stories WHERE guid = 'h1'"), 0, "the harbour story is gone");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM threads WHERE id = %lld", (long long)old_thread);
	is_int(scalar(db, sql), 0, "and its thread, left empty, with it");
	/* A pass deletes in steps (a quarter second each): the window is
	 * rebuilt once, when the next response is stored, not after each
	 * step (a pass over a day of news rebuilt it dozens of times). */
	rebuilds = ingest_rebuilds(in);
	ok(ingest_pruned(in, newest) == 0, "the pipeline takes the prune in");
	ok(ingest_pruned(in, newest) == 0, "and the pass's next step");
	is_int((long long)(ingest_rebuilds(in) - rebuilds), 0, "nothing is rebuilt during the pass");

	/* Feed two, a minute later: a report of the harbour event in words
	 * of its own, a wire copy of the deleted harbour story (its time
	 * inside the window), a copy of the orchestra story. */
	now += 60;
	ok(store_item(st, in, 2, "h3", "https://two.example/harbour-report",
	              "Harbour expansion approved as fishermen protest dredging of the bay",
	              "Councillors approved the harbour expansion late on Monday while fishermen "
	              "protested the dredging outside, warning that the cod and herring spawning "
	              "grounds of the bay would be lost; the mayor promised a seabed study.",
	              T0 + 300, now) == 0, "a report of the harbour event is stored");
	snprintf(sql, sizeof sql, "SELECT thread_id != %lld FROM stories WHERE guid = 'h3'",
	         (long long)old_thread);
	is_int(scalar(db, sql), 1, "in a thread of its own, not the dropped one");
	ok(store_item(st, in, 2, "h2", "https://two.example/harbour-copy",
	              "Council approves harbour expansion despite fishermen's protest",
	              HARBOUR, T0 + 600, now) == 0,
	   "a copy of the deleted story is stored (no foreign key failure)");
	is_int(scalar(db, "SELECT count(*) FROM stories WHERE guid = 'h2' AND duplicate_of IS NULL"), 1,
	       "it is a story of its own: what it copied is gone");
	ok(store_item(st, in, 2, "o2", "https://two.example/orchestra-copy",
	              "National orchestra names Estonian violinist as principal conductor",
	              ORCHESTRA, T0 + DAY + 300, now) == 0, "a copy of the kept story is stored");
	is_int(scalar(db, "SELECT duplicate_of = (SELECT id FROM stories WHERE guid = 'o1')"
	                  " FROM stories WHERE guid = 'o2'"), 1,
	       "it is marked a copy of the kept story (the rebuilt index has it)");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM threads WHERE id = %lld", (long long)old_thread);
	is_int(scalar(db, sql), 0, "the dropped thread did not come back under its old id");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM stories WHERE thread_id = %lld",
	         (long long)old_thread);
	is_int(scalar(db, sql), 0, "no story points at it");
	is_int(scalar(db, "SELECT count(*) FROM stories s LEFT JOIN threads t ON t.id = s.thread_id"
	                  " WHERE s.thread_id IS NOT NULL AND t.id IS NULL"), 0,
	       "every story's thread_id is a thread");
	is_int(scalar(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0, "foreign_key_check is clean");
	is_int((long long)(ingest_rebuilds(in) - rebuilds), 1, "the window was rebuilt once");

	/* A prune outside the window changes no index: the kept stories'
	 * copies are still found. */
	ok(ingest_pruned(in, T0 - 10 * DAY) == 0, "a prune far behind the window");
	ok(store_item(st, in, 2, "o3", "https://two.example/orchestra-copy-2",
	              "National orchestra names Estonian violinist as principal conductor",
	              ORCHESTRA, T0 + DAY + 400, now) == 0, "another copy of the kept story");
	is_int(scalar(db, "SELECT duplicate_of = (SELECT id FROM stories WHERE guid = 'o1')"
	                  " FROM stories WHERE guid = 'o3'"), 1, "is marked a copy of it");

	sqlite3_close(db);
	ingest_free(in);
	store_close(st);
	config_free(&cfg);
	tap_remove_db(dir, path);
	return done_testing();
}
