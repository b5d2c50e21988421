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

static int run_rc(const char *sql)
{
	sqlite3 *db;
	int rc;
	sqlite3_open(path, &db);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void run(const char *sql)
{
	run_rc(sql);
}

/* The query plan of sql (?1 bound to 1), its lines joined by " ; ". */
static void plan_of(const char *sql, char *out, size_t n)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	size_t len = 0;

	out[0] = '\0';
	sqlite3_open(path, &db);
	if (q && sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int(s, 1, 1);
		while (sqlite3_step(s) == SQLITE_ROW && len < n)
			len += (size_t)snprintf(out + len, n - len, "%s ; ",
			                        (const char *)sqlite3_column_text(s, 3));
		sqlite3_finalize(s);
	}
	sqlite3_free(q);
	sqlite3_close(db);
}

/* Every step of plan p that reads threads (as t or threads) finds one row
 * by its id, and no Bloom filter is built (from a scan of the table). */
static int threads_by_id(const char *p)
{
	if (strstr(p, "BLOOM"))
		return 0;
	for (const char *l = p; *l; ) {
		const char *end = strstr(l, " ; ");
		size_t len = end ? (size_t)(end - l) : strlen(l);
		char line[512];

		snprintf(line, sizeof line, "%.*s", (int)len, l);
		if ((!strcmp(line, "SCAN t") || !strncmp(line, "SCAN t ", 7) ||
		     !strncmp(line, "SEARCH t ", 9) || !strncmp(line, "SCAN threads", 12) ||
		     !strncmp(line, "SEARCH threads", 14)) &&
		    !strstr(line, "INTEGER PRIMARY KEY (rowid=?)"))
			return 0;
		l += len + (end ? 3 : 0);
	}
	return 1;
}

/* Does the plan of sql (?1 bound to 20, ?2 to 'strike') rank the matches
 * of stories_fts in a subquery of its own (MATERIALIZE or CO-ROUTINE) that
 * reads nothing else, so that the stories and their feeds are read for
 * the hits it keeps only? */
static int ranks_alone(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	int id[64], parent[64], n = 0, fts = -1, sub = -1, alone = 1;
	char detail[64][128];

	sqlite3_open(path, &db);
	if (q && sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int(s, 1, 20);
		sqlite3_bind_text(s, 2, "strike", -1, SQLITE_STATIC);
		while (sqlite3_step(s) == SQLITE_ROW && n < 64) {
			id[n] = sqlite3_column_int(s, 0);
			parent[n] = sqlite3_column_int(s, 1);
			snprintf(detail[n], sizeof detail[n], "%s", (const char *)sqlite3_column_text(s, 3));
			if (strstr(detail[n], "stories_fts VIRTUAL TABLE"))
				fts = n;
			n++;
		}
		sqlite3_finalize(s);
	}
	sqlite3_free(q);
	sqlite3_close(db);
	/* The subquery the scan of the index is in. */
	for (int i = fts; i >= 0 && sub < 0; ) {
		int up = -1;
		for (int j = 0; j < n; j++)
			if (id[j] == parent[i])
				up = j;
		if (up >= 0 && (!strncmp(detail[up], "MATERIALIZE", 11) ||
		                !strncmp(detail[up], "CO-ROUTINE", 10)))
			sub = up;
		i = up;
	}
	if (sub < 0)
		return 0;
	/* Nothing under it but the index and its sort. */
	for (int i = 0; i < n; i++)
		for (int a = i; a >= 0; ) {
			int up = -1;
			if (id[a] == id[sub]) {
				if (i != sub && i != fts && !strstr(detail[i], "TEMP B-TREE"))
					alone = 0;
				break;
			}
			for (int j = 0; j < n; j++)
				if (id[j] == parent[a])
					up = j;
			a = up;
		}
	return alone;
}

static int thread_found(const struct store_thread_row *r, void *ctx)
{
	*(int64_t *)ctx = r->id;
	return 0;
}

static int listed_none(const char *ident, void *ctx)
{
	(void)ident;
	(void)ctx;
	return 0;
}

static int listed_ep2(const char *ident, void *ctx)
{
	(void)ctx;
	return !strcmp(ident, "g:ep2");
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
	/* Version 3: the search index's merge settings (queries unchanged). */
	is_int(scalar("SELECT v FROM stories_fts_config WHERE k = 'automerge'"), 16,
	       "the search index merges 16 segments at a time");
	is_int(scalar("SELECT v FROM stories_fts_config WHERE k = 'crisismerge'"), 32,
	       "and 32 first-level segments at once at most");
	is_int(scalar("SELECT v FROM stories_fts_config WHERE k = 'pgsz'"), 8000,
	       "in pages of 8,000 bytes");
	ok(store_sync_feeds(st, &fl, 1000) == 0, "feed list synced");
	ok(store_load_feeds(st, &feeds, &n) == 0 && n == 2, "two active feeds");
	is_str(n ? feeds[0].url : NULL, "http://a.example/feed", "first feed URL");
	store_feeds_free(feeds, n);

	/* Version 4: a 429/503's Retry-After stays with the feed until its
	 * next poll, so that a restart still holds the host. */
	{
		struct store_poll p = { .feed_id = 1, .fetched_at = 1500, .status = 429,
		                        .error = "HTTP 429, retry after 600 s", .next_poll = 2100,
		                        .retry_after = 2100 };
		ok(store_begin(st) == 0 && store_record_poll(st, &p) == 0 && store_commit(st) == 0,
		   "a 429 with Retry-After recorded");
		ok(store_load_feeds(st, &feeds, &n) == 0 && n == 2, "loaded again");
		is_int(n ? feeds[0].retry_after : -1, 2100, "the feed keeps its retry_after");
		is_int(n > 1 ? feeds[1].retry_after : -1, 0, "another feed has none");
		store_feeds_free(feeds, n);
		p = (struct store_poll){ .feed_id = 1, .fetched_at = 2200, .status = 304, .ok = 1,
		                         .next_poll = 3100 };
		ok(store_begin(st) == 0 && store_record_poll(st, &p) == 0 && store_commit(st) == 0,
		   "the next poll recorded");
		is_int(scalar("SELECT count(*) FROM feeds WHERE retry_after IS NOT NULL"), 0,
		       "and it clears retry_after");
	}

	/* The same feeds written otherwise, as the feed list takes them for
	 * the same (feedlist_url_key()): their rows, the URLs as written. */
	{
		struct feedlist_item again[2] = {
			{ .url = "HTTP://A.Example:80/feed#top", .title = "A" },
			{ .url = "http://b.example:/feed" },
		};
		struct feedlist fl2 = { again, 2 };

		ok(store_sync_feeds(st, &fl2, 1500) == 0, "feed list written otherwise synced");
		is_int(scalar("SELECT count(*) FROM feeds"), 2, "no new row");
		is_int(scalar("SELECT count(*) FROM feeds WHERE id = 1 AND active AND list_url ="
		              " 'HTTP://A.Example:80/feed#top' AND url = list_url"), 1,
		       "feed 1 listed and polled as written");
		is_int(scalar("SELECT id FROM feeds WHERE list_url = 'http://b.example:/feed'"), 2,
		       "feed 2 as written");
		again[0].url = "http://a.example/feed";
		again[1].url = "http://b.example/feed";
		ok(store_sync_feeds(st, &fl2, 1600) == 0, "and back");
		is_int(scalar("SELECT count(*) FROM feeds WHERE id < 3 AND active"), 2, "the same two");
	}

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
	{
		/* A feed's key for a story, under a key the document being
		 * stored no longer lists (unlisted_key()): one such story is
		 * found, two are none (which of them, nobody can tell). */
		struct store_story s = {
			.feed_id = 1, .ident = "g:ep1", .link = "http://a.example/show",
			.canonical_url = "http://a.example/show", .title = "Episode 1",
			.first_seen = 1000, .content_hash = 99,
		};
		int64_t a = 0, b = 0, got = -1;
		char *old = NULL;

		ok(store_begin(st) == 0 && store_insert_story(st, &s, &a) == 0, "an episode");
		s.ident = "g:ep2";
		s.title = "Episode 2";
		ok(store_insert_story(st, &s, &b) == 0 && store_commit(st) == 0,
		   "another under the same link, the same content hash");
		ok(store_feed_item_shared(st, 1, "http://a.example/show", 99, 0, listed_ep2, NULL,
		                          &got, &old) == 0 && got == a && old && !strcmp(old, "g:ep1"),
		   "the one story under the link whose key is no longer listed");
		free(old);
		old = NULL;
		ok(store_feed_item_shared(st, 1, "http://a.example/show", 99, 0, listed_none, NULL,
		                          &got, &old) == 0 && got == 0 && !old,
		   "two whose keys are no longer listed: none of them");
		ok(store_feed_item_of(st, 1, b, 0, listed_none, NULL, &old) == 0 && old &&
		   !strcmp(old, "g:ep2"), "a story's own unlisted key");
		free(old);
	}
	{
		/* The search index follows in batches: store_fts_flush, or a
		 * commit once FTS_BATCH (1,024) stories wait. */
		const char *q = "SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'walrus'";
		struct store_story s = {
			.feed_id = 1, .ident = "g:w1", .link = "http://a.example/w1",
			.title = "Walrus seen in the harbour", .first_seen = 1000, .content_hash = 7,
		};
		ok(store_fts_flush(st) == 0 && !store_fts_pending(st), "flushed: nothing pending");
		ok(store_begin(st) == 0 && store_insert_story(st, &s, &id) == 0 && store_commit(st) == 0,
		   "a story committed");
		ok(store_fts_pending(st), "it waits for the search index");
		is_int(scalar(q), 0, "not searchable yet");
		ok(store_begin(st) == 0, "begin");
		s.title = "Walrus seen in the harbour again";
		ok(store_update_story(st, id, &s) == 0 && store_commit(st) == 0,
		   "an update of a story not indexed yet");
		ok(store_fts_flush(st) == 0 && !store_fts_pending(st), "store_fts_flush indexes it");
		is_int(scalar(q), 1, "searchable once flushed");
		is_int(scalar("SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'again'"), 1,
		       "with its words as they are now");
		is_int(scalar("SELECT value FROM meta WHERE key = 'fts_upto'"), id,
		       "the watermark is the last story indexed");
		/* An indexed story updated: old words out, new in, at once. */
		s.title = "Seal seen in the harbour";
		ok(store_begin(st) == 0 && store_update_story(st, id, &s) == 0 && store_commit(st) == 0,
		   "an indexed story updated");
		is_int(scalar(q), 0, "its old words are gone from the index");
		is_int(scalar("SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'seal'"), 1,
		       "its new words are in");
		/* A rollback takes back what it indexed. */
		ok(store_begin(st) == 0, "begin");
		s.ident = "g:w2";
		s.title = "Walrus again";
		ok(store_insert_story(st, &s, &id2) == 0, "insert");
		store_rollback(st);
		ok(!store_fts_pending(st), "a rolled-back story is not pending");
		/* A big transaction indexes at commit. */
		ok(store_begin(st) == 0, "begin");
		int bad = 0;
		for (int i = 0; i < 1100; i++) {
			char ident[32], link[64];
			snprintf(ident, sizeof ident, "g:b%d", i);
			snprintf(link, sizeof link, "http://a.example/b%d", i);
			struct store_story b = { .feed_id = 1, .ident = ident, .link = link,
				.title = "Walrus colony count", .first_seen = 1000, .content_hash = 9 };
			bad += store_insert_story(st, &b, &id2) < 0;
		}
		ok(bad == 0 && store_commit(st) == 0, "1,100 stories in one transaction");
		ok(!store_fts_pending(st), "indexed at commit (over the batch size)");
		is_int(scalar(q), 1100, "all searchable");
		/* Deleting a story not indexed yet leaves the index intact. */
		ok(store_begin(st) == 0 && store_insert_story(st, &s, &id2) == 0 && store_commit(st) == 0,
		   "one more, pending");
		is_int(run_rc("DELETE FROM stories WHERE id = (SELECT max(id) FROM stories)"), SQLITE_OK,
		       "a story not indexed yet deleted");
		is_int(run_rc("INSERT INTO stories_fts(stories_fts, rank) VALUES ('integrity-check', 1)"),
		       SQLITE_OK, "the index still matches the stories (FTS5 integrity-check)");
	}
	{
		/* Thread rows: a new one is a plain INSERT; should its id have a
		 * row after all, it is rewritten as an existing one is. */
		struct store_thread t = {
			.id = 500, .title = "Harbour strike", .keywords = "harbour strike",
			.first_seen = 1000, .last_updated = 1000, .story_count = 1,
			.source_count = 1, .is_new = 1,
		};
		const char *row = "SELECT story_count * 100 + source_count FROM threads"
		                  " WHERE id = 500 AND merged_into IS NULL";
		ok(store_begin(st) == 0 && store_put_thread(st, &t) == 0 && store_commit(st) == 0,
		   "a new thread row inserted");
		is_int(scalar(row), 101, "with its counts");
		t.story_count = 2;
		ok(store_begin(st) == 0 && store_put_thread(st, &t) == 0 && store_commit(st) == 0,
		   "a 'new' thread whose row exists does not fail");
		is_int(scalar(row), 201, "it is rewritten");
		is_int(scalar("SELECT count(*) FROM threads WHERE id = 500"), 1, "one row");
		run("UPDATE threads SET merged_into = 1 WHERE id = 500");
		t.is_new = 0;
		t.story_count = 3;
		t.source_count = 2;
		ok(store_begin(st) == 0 && store_put_thread(st, &t) == 0 && store_commit(st) == 0,
		   "an existing thread rewritten");
		is_int(scalar(row), 302, "with its new counts, and live again");
		t.story_count = 4;
		ok(store_begin(st) == 0 && store_put_thread(st, &t) == 0 && store_commit(st) == 0,
		   "a live thread updated");
		is_int(scalar(row), 402, "its row follows");
		is_int(scalar("SELECT (SELECT max(seq) FROM threads) - (SELECT value FROM meta"
		              " WHERE key = 'seq')"), 0, "each change took one seq, the last the thread's");
		is_int(scalar("SELECT count(DISTINCT seq) = count(*) FROM (SELECT seq FROM stories"
		              " UNION ALL SELECT seq FROM threads)"), 1, "no seq given twice");
	}
	{
		/* The insert statements keep their last bindings (stmt_rebind):
		 * a story with every optional field, then one with none, must
		 * leave the second's NULL, and so must a thread row after one
		 * with a title and keywords. */
		struct store_story full = {
			.feed_id = 1, .ident = "g:full", .guid = "full", .link = "http://a.example/f",
			.canonical_url = "http://a.example/f", .title = "Full", .author = "Ann",
			.published = 900, .updated = 950, .first_seen = 1000, .event_time = 900,
			.summary = "s", .content = "<p>c</p>", .lang = "en", .host = "a.example",
			.simhash = { 1, 2, 3, 4 }, .duplicate_of = id, .thread_id = 500,
			.content_hash = 7,
		};
		struct store_story bare = {
			.feed_id = 1, .ident = "g:bare", .first_seen = 1001, .content_hash = 8,
		};
		struct store_thread named = {
			.id = 600, .title = "Named", .keywords = "k", .first_seen = 1, .last_updated = 1,
			.story_count = 1, .source_count = 1, .is_new = 1,
		}, plain = { .id = 601, .first_seen = 1, .last_updated = 1, .is_new = 1 };
		int64_t a, b;

		ok(store_begin(st) == 0 && store_insert_story(st, &full, &a) == 0 &&
		   store_insert_story(st, &bare, &b) == 0 && store_put_thread(st, &named) == 0 &&
		   store_put_thread(st, &plain) == 0 && store_commit(st) == 0,
		   "a full and a bare story, a named and a plain thread");
		is_int(scalar("SELECT count(*) FROM stories WHERE ident = 'g:full' AND guid = 'full'"
		              " AND author = 'Ann' AND published = 900 AND updated = 950"
		              " AND simhash = 1 AND simhash_seq = 2 AND simhash_head = 3"
		              " AND simhash_tail = 4 AND duplicate_of IS NOT NULL AND thread_id = 500"
		              " AND lang = 'en' AND host = 'a.example' AND event_time = 900"), 1,
		       "the full story has every field");
		is_int(scalar("SELECT count(*) FROM stories WHERE ident = 'g:bare' AND guid IS NULL"
		              " AND link IS NULL AND canonical_url IS NULL AND title IS NULL"
		              " AND author IS NULL AND published IS NULL AND updated IS NULL"
		              " AND summary IS NULL AND content IS NULL AND lang IS NULL"
		              " AND host IS NULL AND simhash IS NULL AND simhash_seq IS NULL"
		              " AND simhash_head IS NULL AND simhash_tail IS NULL"
		              " AND duplicate_of IS NULL AND thread_id IS NULL AND event_time = 1001"
		              " AND content_hash = 8"), 1,
		       "the bare story after it has none of them");
		is_int(scalar("SELECT count(*) FROM story_feeds WHERE ident = 'g:bare'"
		              " AND content_hash = 8 AND first_seen = 1001"), 1,
		       "and its own story_feeds row");
		is_int(scalar("SELECT count(*) FROM threads WHERE id = 601 AND title IS NULL"
		              " AND keywords IS NULL AND title_story_id IS NULL"), 1,
		       "the plain thread after the named one has no title or keywords");
	}
	{
		/* `tidings thread ID` follows a merged id to its survivor.  In a
		 * database with statistics (the daemon's PRAGMA optimize writes
		 * them; ANALYZE here) the chain, written as a join of threads
		 * with itself, had SQLite build a Bloom filter from the whole
		 * threads table at every call: 50-100 ms at 200,000 threads. */
		char p[2048];
		int64_t got = 0;

		run("INSERT INTO threads (id, title, first_seen, last_updated, story_count,"
		    " source_count, seq) VALUES (700, 'a', 1, 1, 0, 0, 0),"
		    " (701, 'b', 1, 1, 0, 0, 0), (702, 'c', 1, 1, 1, 1, 0);"
		    "UPDATE threads SET merged_into = id + 1 WHERE id IN (700, 701);"
		    "ANALYZE");
		ok(store_get_thread(st, 700, thread_found, &got) == 0 && got == 702,
		   "a merged thread's id leads through the chain to its survivor");
		got = 0;
		ok(store_get_thread(st, 702, thread_found, &got) == 0 && got == 702,
		   "a live thread's id to itself");
		got = 0;
		ok(store_get_thread(st, 9999, thread_found, &got) == 0 && got == 0,
		   "an unknown id to nothing");
		plan_of(STORE_GET_THREAD_SQL, p, sizeof p);
		ok(threads_by_id(p), "the chain looks up its threads by id, it reads no more of them");
		/* `tidings search` ranks the matches in the index alone: joined
		 * to stories first, a word most stories have read every row and
		 * counted every story's feeds before the LIMIT. */
		ok(ranks_alone(store_search_sql(st, p, sizeof p)),
		   "search reads the stories of the hits it keeps only");
		if (!ranks_alone(p)) {
			char why[2048];
			plan_of(p, why, sizeof why);
			printf("# plan: %s\n", why);
		}
		if (!threads_by_id(p))
			printf("# plan: %s\n", p);
		/* `tidings export-opml` writes no story counts: with them it
		 * read every story_feeds row (0.2 s at a million) for nothing. */
		plan_of(STORE_FEEDS_SQL, p, sizeof p);
		ok(strstr(p, " sf ") != NULL, "the feeds' listing counts their stories");
		plan_of(STORE_FEED_LIST_SQL, p, sizeof p);
		ok(p[0] && strstr(p, " sf ") == NULL && strstr(p, "story_feeds") == NULL,
		   "the feed list alone reads no story_feeds row");
		if (strstr(p, " sf "))
			printf("# plan: %s\n", p);
	}
	store_close(st);

	run("PRAGMA user_version = 99");
	ok(store_open(path, STORE_WRITE, &st, err, sizeof err) < 0, "a newer schema is refused");
	ok(strstr(err, "newer") != NULL, "with a message saying so");
	is_int(scalar("PRAGMA user_version"), 99, "and the file is not modified");

	/* A database cut short (a full disk while copying it, a bad
	 * restore) is named damaged, not "not a tidings database". */
	{
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
		run(sql);
	}
	ok(store_open(path, STORE_WRITE, &st, err, sizeof err) == 0, "the database opens again");
	store_close(st);
	ok(truncate(path, 3000) == 0, "the file cut at 3,000 bytes");
	ok(store_open(path, STORE_READ, &st, err, sizeof err) < 0, "a damaged database is refused");
	ok(strstr(err, "damaged database") && !strstr(err, "not a tidings database"),
	   "as damaged, not as someone else's file");
	ok(store_open(path, STORE_WRITE, &st, err, sizeof err) < 0 &&
	   strstr(err, "damaged database"), "the daemon's open names it damaged too");

	tap_remove_db(dir, path);
	return done_testing();
}
