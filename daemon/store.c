/* daemon/store.c — the only file that speaks SQL.  Owns the schema and its
 * forward-only migrations (MIGRATIONS[], applied in order, each in its own
 * transaction, `PRAGMA user_version` = number applied), and one prepared
 * statement per query, prepared once and reused. */
#include "daemon/store.h"
#include "daemon/ckpt.h"
#include "daemon/fts_tok.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>
#include <unistd.h>

/* Schema versions.  Index i holds the SQL that takes a database from
 * version i to i + 1.  Never edit a released entry: append a new one. */
static const char *const MIGRATIONS[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE feeds (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  url TEXT NOT NULL UNIQUE,\n"
	"  list_url TEXT NOT NULL UNIQUE,\n"   /* as written in the feed list */
	"  previous_url TEXT,\n"               /* before a permanent redirect */
	"  title TEXT, site_url TEXT, category TEXT,\n"
	"  list_title TEXT,\n"
	"  interval INTEGER,\n"                /* per-feed override, seconds */
	"  active INTEGER NOT NULL DEFAULT 1,\n"
	"  gone INTEGER NOT NULL DEFAULT 0,\n"
	"  added INTEGER NOT NULL,\n"
	"  etag TEXT, last_modified TEXT,\n"
	"  last_fetch INTEGER, last_success INTEGER,\n"
	"  last_status INTEGER, last_error TEXT,\n"
	"  consecutive_errors INTEGER NOT NULL DEFAULT 0,\n"
	"  failing_since INTEGER,\n"
	"  next_poll INTEGER,\n"
	"  duration_ms INTEGER, bytes INTEGER,\n"
	"  guids_rotate INTEGER NOT NULL DEFAULT 0,\n" /* items known by link */
	/* How often the feed really brings new items (sched_adapt()). */
	"  adapt_shift INTEGER NOT NULL DEFAULT 0,\n"
	"  new_streak INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE threads (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  title TEXT,\n"
	"  title_story_id INTEGER,\n"
	"  keywords TEXT,\n"
	"  first_seen INTEGER NOT NULL,\n"
	"  last_updated INTEGER NOT NULL,\n"
	"  story_count INTEGER NOT NULL DEFAULT 0,\n"
	"  source_count INTEGER NOT NULL DEFAULT 0,\n"
	"  merged_into INTEGER REFERENCES threads(id),\n"
	"  seq INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE stories (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  feed_id INTEGER NOT NULL REFERENCES feeds(id),\n"
	"  ident TEXT NOT NULL,\n"
	"  guid TEXT, link TEXT, canonical_url TEXT,\n"
	"  title TEXT, author TEXT,\n"
	"  published INTEGER, updated INTEGER,\n"
	"  first_seen INTEGER NOT NULL,\n"
	"  event_time INTEGER NOT NULL,\n"     /* the time clustering used */
	"  summary TEXT, content TEXT, lang TEXT, host TEXT,\n"
	"  simhash INTEGER, simhash_seq INTEGER,\n"
	"  simhash_head INTEGER, simhash_tail INTEGER,\n"
	"  content_hash INTEGER,\n"
	"  duplicate_of INTEGER REFERENCES stories(id) ON DELETE SET NULL,\n"
	"  thread_id INTEGER REFERENCES threads(id),\n"
	"  seq INTEGER NOT NULL DEFAULT 0,\n"
	"  UNIQUE (feed_id, ident)\n"
	");\n"
	"CREATE INDEX stories_canonical ON stories(canonical_url);\n"
	"CREATE INDEX stories_thread ON stories(thread_id);\n"
	"CREATE INDEX stories_seq ON stories(seq);\n"
	"CREATE INDEX stories_event_time ON stories(event_time);\n"
	"CREATE INDEX threads_seq ON threads(seq);\n"
	"CREATE INDEX threads_last_updated ON threads(last_updated);\n"
	"CREATE TABLE story_feeds (\n"
	"  story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,\n"
	"  feed_id INTEGER NOT NULL REFERENCES feeds(id),\n"
	"  ident TEXT NOT NULL,\n"
	"  first_seen INTEGER NOT NULL,\n"
	"  content_hash INTEGER,\n"            /* the item as this feed has it */
	"  PRIMARY KEY (feed_id, ident)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX story_feeds_story ON story_feeds(story_id);\n"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;\n"
	"CREATE TABLE term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;\n"
	/* Full-text search over title and summary.  The store keeps it in
	 * step itself rather than with row triggers: FTS5 flushes its
	 * pending terms at every statement savepoint, so a trigger per
	 * inserted story made each insert a flush and fragmented the index.
	 * New stories are indexed in one statement at commit (see
	 * store_commit); deletes and updates of older rows go through the
	 * trigger below and store_update_story. */
	"CREATE VIRTUAL TABLE stories_fts USING fts5(title, summary,"
	" content='stories', content_rowid='id',"
	" tokenize='unicode61 remove_diacritics 2');\n"
	"CREATE TRIGGER stories_fts_ad AFTER DELETE ON stories BEGIN\n"
	"  INSERT INTO stories_fts(stories_fts, rowid, title, summary)"
	"  VALUES ('delete', old.id, old.title, old.summary);\n"
	"END;\n"
	/* Ready-made reads (docs/schema.md). */
	"CREATE VIEW live_threads AS\n"
	"  SELECT * FROM threads WHERE merged_into IS NULL;\n"
	"CREATE VIEW thread_stories AS\n"
	"  SELECT s.thread_id, s.id AS story_id, s.title, s.link, s.host AS source,\n"
	"         s.published, s.event_time, s.first_seen, s.duplicate_of, s.feed_id\n"
	"  FROM stories s WHERE s.thread_id IS NOT NULL;\n"
	"CREATE VIEW thread_overview AS\n"
	"  SELECT t.id, t.title, t.keywords, t.first_seen, t.last_updated,\n"
	"         t.story_count, t.source_count,\n"
	"         (SELECT group_concat(host, ' ') FROM (SELECT DISTINCT s.host FROM stories s\n"
	"           WHERE s.thread_id = t.id AND s.host IS NOT NULL ORDER BY s.host)) AS sources,\n"
	"         (SELECT s.id FROM stories s WHERE s.thread_id = t.id\n"
	"           ORDER BY s.event_time DESC, s.id DESC LIMIT 1) AS latest_story_id\n"
	"  FROM threads t WHERE t.merged_into IS NULL;\n"
	"INSERT INTO meta VALUES ('seq', 0);\n",
	/* 1 -> 2: the search index follows the stories in batches (see
	 * store_fts_flush): meta 'fts_upto' is the largest story id indexed,
	 * and a deleted story leaves the index only if it was in it. */
	"DROP TRIGGER stories_fts_ad;\n"
	"CREATE TRIGGER stories_fts_ad AFTER DELETE ON stories\n"
	"  WHEN old.id <= (SELECT value FROM meta WHERE key = 'fts_upto') BEGIN\n"
	"  INSERT INTO stories_fts(stories_fts, rowid, title, summary)"
	"  VALUES ('delete', old.id, old.title, old.summary);\n"
	"END;\n"
	"INSERT INTO meta VALUES ('fts_upto', (SELECT coalesce(max(id), 0) FROM stories));\n"
	/* Retention deletes threads no live thread was merged into, and
	 * deleting a story clears the duplicate_of of its copies: without
	 * these, each was a scan of the whole table per row (a first
	 * retention pass over 200k threads ran for minutes).  Partial: most
	 * rows have neither, and cost nothing here. */
	"CREATE INDEX threads_merged_into ON threads(merged_into)"
	" WHERE merged_into IS NOT NULL;\n"
	"CREATE INDEX stories_duplicate_of ON stories(duplicate_of)"
	" WHERE duplicate_of IS NOT NULL;\n",
	/* 2 -> 3: the search index merges its segments 16 at a time instead
	 * of FTS5's default 4.  Merging rewrites every term once per level a
	 * segment climbs, and the levels are log_automerge of the batches
	 * written: re-indexing 100,000 bench stories in batches of 1,024
	 * took 3.2-3.3 s CPU with 4 and 2.1 s with 16 (docs/benchmarks.md).
	 * Queries return the same rows (the index holds the same entries,
	 * in more segments per level); 'crisismerge', the number of
	 * first-level segments merged at once in a flush, goes from 16 to 32
	 * so that it stays a backstop behind the incremental merges rather
	 * than replacing them.  Index pages of 8,000 bytes instead of 4,050
	 * cost 2-4% less again (fewer leaves to write and merge).  Stored in
	 * the index's own config table. */
	"INSERT INTO stories_fts(stories_fts, rank) VALUES ('automerge', 16);\n"
	"INSERT INTO stories_fts(stories_fts, rank) VALUES ('crisismerge', 32);\n"
	"INSERT INTO stories_fts(stories_fts, rank) VALUES ('pgsz', 8000);\n",
	/* 3 -> 4: a 429 or 503 with Retry-After holds every feed of its host
	 * until then.  The hold was the running daemon's alone: a restart,
	 * or the next `--once` from cron, asked the host again at once.  The
	 * feed that was told keeps the time in its row, and the daemon
	 * rebuilds the host's hold from it when it loads the feeds. */
	"ALTER TABLE feeds ADD COLUMN retry_after INTEGER;\n",
	/* 4 -> 5: a story's picture, as its feed names it (Media RSS, an
	 * image enclosure), and its categories (a JSON array): what a reader
	 * shows beside the headline and filters by.  The view of a thread's
	 * stories gives them too (appended: a reader that names its columns
	 * reads the rest as before). */
	"ALTER TABLE stories ADD COLUMN image TEXT;\n"
	"ALTER TABLE stories ADD COLUMN tags TEXT;\n"
	"DROP VIEW thread_stories;\n"
	"CREATE VIEW thread_stories AS\n"
	"  SELECT s.thread_id, s.id AS story_id, s.title, s.link, s.host AS source,\n"
	"         s.published, s.event_time, s.first_seen, s.duplicate_of, s.feed_id,\n"
	"         s.image, s.tags\n"
	"  FROM stories s WHERE s.thread_id IS NOT NULL;\n",
	/* 5 -> 6: the interval a feed's document asks for (<ttl>,
	 * sy:updatePeriod) was known only from a poll that brought the
	 * document: after a 304 the feed was polled on the configured
	 * interval again, though the unchanged document still asked for
	 * longer.  The row keeps it from the last body. */
	"ALTER TABLE feeds ADD COLUMN hint_interval INTEGER;\n",
	/* 6 -> 7: retention picks the stories first seen before the cut.
	 * Without an index on first_seen it walked the table in id order,
	 * and the batch that found fewer than it may take (the last of every
	 * pass that deletes anything: hourly, once the database is older
	 * than `retention`) read every row to the end of the table, four
	 * times (S_PRUNE_*): 0.4 s on the event loop at 300,000 stories,
	 * 1.0-1.2 s at 1M, more when the file is not in the page cache. */
	"CREATE INDEX stories_first_seen ON stories(first_seen);\n",
	/* 7 -> 8: a thread's stories by thread, then host and event time.
	 * With thread_id alone, everything that asks a thread's publishers
	 * (the sources of thread_overview and `tidings threads`, the
	 * source_count of a recount) or its latest story (latest_story_id)
	 * read each of its stories' rows, host and event_time lying past
	 * their content: the documented "threads of the last 24 hours"
	 * query took 190 ms and `tidings threads` 120 ms at 350,000 stories
	 * in threads of up to 26,000 stories, where these columns in the
	 * index answer them from it (30 ms and 10 ms).  It replaces the
	 * index of thread_id alone, which its first column serves as well,
	 * so that a story costs no more index to store or move. */
	"DROP INDEX stories_thread;\n"
	"CREATE INDEX stories_thread ON stories(thread_id, host, event_time);\n",
};

#define N_MIGRATIONS (sizeof MIGRATIONS / sizeof MIGRATIONS[0])
_Static_assert(N_MIGRATIONS == STORE_SCHEMA_VERSION,
               "store.h's STORE_SCHEMA_VERSION is the number of migrations");

/* The host whose Retry-After feeds.retry_after is when a redirect took
 * the feed to another host (store_poll's retry_host), else NULL.  In meta,
 * which needs no new schema version, under "retry_host <feed id>". */
#define RETRY_HOST \
	" (SELECT value FROM meta WHERE key = 'retry_host ' || feeds.id AND feeds.retry_after)"

enum stmt_id {
	S_BEGIN, S_COMMIT, S_ROLLBACK,
	S_FEED_LIST_UPDATE, S_FEED_URL_UPDATE, S_FEED_KEY_UPDATE, S_FEED_INSERT,
	S_FEED_DEACTIVATE_ALL, S_FEED_DROP_UNLISTED,
	S_FEED_LOAD, S_FEED_HOLDS,
	S_POLL, S_RETRY_HOST_SET, S_RETRY_HOST_CLEAR, S_FREE_URL, S_POLL_URL,
	S_FIND_ITEM, S_FIND_CANON,
	S_INSERT_STORY, S_UPDATE_STORY, S_INSERT_STORY_FEED, S_ITEM_HASH,
	S_SEQ_LOAD, S_SEQ_SAVE,
	S_ADAPT, S_DEFER, S_SET_NEXT, S_SET_HOLD, S_SHIFT_HOLDS,
	S_PUT_THREAD, S_NEW_THREAD, S_UPDATE_THREAD, S_MERGE_STORIES, S_MERGE_THREAD, S_MERGE_CHAIN,
	S_SET_STORY_THREAD, S_STORY_THREAD, S_MAX_THREAD,
	S_DF_CLEAR, S_DF_PUT, S_DF_TOTAL, S_DF_UPTO,
	S_PRUNE_STORIES, S_PRUNE_THREADS, S_PRUNE_COPIES, S_PRUNE_THREAD_IDS, S_PRUNE_NEWEST,
	S_STORY_FP, S_STORY_HASH, S_RECOUNT_THREAD, S_SETTLE_THREAD, S_SETTLE_TITLE, S_RETITLE, S_RETITLE_BY,
	S_RETITLE_TO,
	S_RECOPY, S_UNCOPY, S_COPY_OF, S_FTS_BATCH, S_FTS_DELETE, S_FTS_INSERT,
	S_FTS_UPTO_LOAD, S_FTS_UPTO_SAVE, S_MAX_STORY_ID, S_OLDEST_FIRST_SEEN,
	S_FTS_DEAD_LOAD, S_FTS_DEAD_ADD, S_FTS_DEAD_CLEAR, S_FTS_MERGE, S_FTS_PAGES,
	S_STORY_SPAN,
	S_FEED_HAS_CANON, S_STORY_IN_FEED, S_STORY_BYLINE, S_MAX_EVENT_TIME, S_GUIDS_ROTATE_GET,
	S_GUIDS_ROTATE_SET,
	S_FEED_ADDED, S_FEED_AT, S_FIND_REDATED, S_FEED_ITEM_OF, S_FEED_ITEM_SHARED, S_REKEY_ITEM, S_REKEY_STORY,
	S_THREAD_KEYWORDS,
	S_NEXT_STORY_ID,
	N_STMT
};

static const char *const SQL[N_STMT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	/* A list entry is its row by list_url first: a feed that moved
	 * (301/308) is still its list entry.  Then by url: the new URL of a
	 * moved feed, listed, is that feed.  Otherwise a new row.  Three
	 * statements, not one INSERT ... ON CONFLICT DO UPDATE: on an
	 * AUTOINCREMENT table SQLite takes the new id before it finds the
	 * conflict, so every start and reload moved sqlite_sequence on by
	 * the number of feeds and a new feed's id jumped.  A row already
	 * active was listed earlier in the same list (all are inactive
	 * before it is read): a moved feed's new URL came first, and the
	 * first listing's title, category and interval stay, as when its old
	 * URL comes first (S_FEED_URL_UPDATE); the later listing's replaced
	 * them, so the list's order decided.  During a sync active is -1 for
	 * a row listed before it and not met yet (S_FEED_DEACTIVATE_ALL), 0
	 * for one not listed before: a feed gone (410) that was dropped from
	 * the list and is listed again is polled again.  Nothing else could
	 * bring it back, and an operator who lists it anew has seen it
	 * answer once more (a 410 by mistake, a site rebuilt). */
	[S_FEED_LIST_UPDATE] =
		"UPDATE feeds SET active = 1, gone = gone AND active <> 0,"
		" list_title = CASE WHEN active > 0 THEN list_title ELSE ?2 END,"
		" category = CASE WHEN active > 0 THEN category ELSE ?3 END,"
		" interval = CASE WHEN active > 0 THEN interval ELSE ?4 END"
		" WHERE list_url = ?1",
	/* A feed that moved (301/308, or a page's feed) listed under its new
	 * URL: the list's title, category and interval are its own now too,
	 * unless its old URL came first in the same list (active again). */
	[S_FEED_URL_UPDATE] =
		"UPDATE feeds SET active = 1, gone = gone AND active <> 0,"
		" list_title = CASE WHEN active > 0 THEN list_title ELSE ?2 END,"
		" category = CASE WHEN active > 0 THEN category ELSE ?3 END,"
		" interval = CASE WHEN active > 0 THEN interval ELSE ?4 END"
		" WHERE url = ?1",
	/* A list entry written differently from its row's list_url (or
	 * url) but the same URL to the feed list (feedlist_url_key(): the
	 * host's case, a #fragment, ":443", "/" alone): that feed, now
	 * listed as written (also polled so when it has not moved).  A new
	 * row for it restarted the feed under another id without its
	 * validators, its stories linked to it a second time.  The keys of
	 * the rows are in temp.feed_keys (feed_keys()), those of list_url
	 * first. */
	[S_FEED_KEY_UPDATE] =
		"UPDATE feeds SET active = 1, gone = gone AND active <> 0,"
		" list_url = CASE WHEN k.by_list THEN ?1 ELSE list_url END,"
		" url = CASE WHEN k.by_list AND url = list_url THEN ?1 ELSE url END,"
		" list_title = CASE WHEN active > 0 THEN list_title ELSE ?2 END,"
		" category = CASE WHEN active > 0 THEN category ELSE ?3 END,"
		" interval = CASE WHEN active > 0 THEN interval ELSE ?4 END"
		" FROM (SELECT id, by_list FROM temp.feed_keys WHERE key = tidings_url_key(?1)) AS k"
		" WHERE feeds.id = k.id",
	[S_FEED_INSERT] =
		"INSERT INTO feeds (url, list_url, list_title, category, interval, added)"
		" VALUES (?1, ?1, ?2, ?3, ?4, ?5)",
	[S_FEED_DEACTIVATE_ALL] = "UPDATE feeds SET active = -active",
	[S_FEED_DROP_UNLISTED] = "UPDATE feeds SET active = 0 WHERE active < 0",
	[S_FEED_LOAD] =
		"SELECT id, url, etag, last_modified, next_poll, interval,"
		" last_success, failing_since, consecutive_errors, gone,"
		" adapt_shift, new_streak, retry_after, hint_interval," RETRY_HOST ","
		" last_fetch FROM feeds WHERE active AND NOT gone ORDER BY id",
	[S_FEED_HOLDS] =
		"SELECT url, retry_after," RETRY_HOST " FROM feeds"
		" WHERE retry_after > ?1 AND NOT (active AND NOT gone) ORDER BY id",
	[S_POLL] =
		"UPDATE feeds SET last_fetch = ?2, last_status = ?3, last_error = ?4,"
		" etag = CASE WHEN ?15 THEN ?5 ELSE coalesce(?5, etag) END,"
		" last_modified = CASE WHEN ?15 THEN ?6 ELSE coalesce(?6, last_modified) END,"
		" title = coalesce(?7, title), site_url = coalesce(?8, site_url),"
		" next_poll = ?9, duration_ms = ?10, bytes = ?11, gone = ?12,"
		" consecutive_errors = CASE WHEN ?13 THEN 0 ELSE consecutive_errors + 1 END,"
		" last_success = CASE WHEN ?13 THEN ?2 ELSE last_success END,"
		" failing_since = CASE WHEN ?13 THEN NULL ELSE coalesce(failing_since, ?2) END,"
		" retry_after = ?14,"
		" hint_interval = CASE WHEN ?15 THEN ?16 ELSE hint_interval END"
		" WHERE id = ?1",
	[S_RETRY_HOST_SET] =
		"INSERT OR REPLACE INTO meta (key, value) VALUES ('retry_host ' || ?1, ?2)",
	[S_RETRY_HOST_CLEAR] = "DELETE FROM meta WHERE key = 'retry_host ' || ?1",
	/* A feed dropped from the list keeps the URL it had moved to (a
	 * 301, or the feed its page named), and url is unique: the entry the
	 * operator put in its place (the site's address edited, http to
	 * https, another page of the site) was refused the move to that URL
	 * on every poll, a page never read again ("not a feed: text/html;
	 * the page names the feed ...").  The dropped row gives it up and
	 * goes back to its own list address, without the validators of the
	 * URL it gave up, and as an address that has not answered with a
	 * feed yet (last_success) nor been polled (next_poll): listed again,
	 * it is polled soon and follows its page or redirect anew, as a new
	 * entry does (a feed that has worked does not move, daemon.c's
	 * discovered()).  One listed as that URL itself keeps it: listing
	 * the URL again takes that row back (store_sync_feeds). */
	[S_FREE_URL] =
		"UPDATE feeds SET previous_url = url, url = list_url, etag = NULL,"
		" last_modified = NULL, last_success = NULL, next_poll = NULL"
		" WHERE url = ?2 AND id <> ?1 AND NOT active AND list_url <> url"
		" AND NOT EXISTS (SELECT 1 FROM feeds g WHERE g.url = feeds.list_url)",
	[S_POLL_URL] =
		"UPDATE feeds SET previous_url = url, url = ?2 WHERE id = ?1"
		" AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = ?2)",
	[S_FIND_ITEM] =
		"SELECT sf.story_id, sf.content_hash, s.feed_id = sf.feed_id"
		" FROM story_feeds sf JOIN stories s ON s.id = sf.story_id"
		" WHERE sf.feed_id = ?1 AND sf.ident = ?2",
	[S_FIND_CANON] =
		"SELECT id FROM stories WHERE canonical_url = ?1 ORDER BY id LIMIT 2",
	[S_INSERT_STORY] =
		"INSERT INTO stories (feed_id, ident, guid, link, canonical_url, title,"
		" author, published, updated, first_seen, summary, content, lang, host,"
		" simhash, content_hash, duplicate_of, thread_id, seq, event_time,"
		" simhash_seq, simhash_head, simhash_tail, image, tags)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		" ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
	[S_UPDATE_STORY] =
		"UPDATE stories SET guid = ?2, link = ?3, title = ?4, author = ?5,"
		" published = coalesce(?6, published), updated = ?7, summary = ?8,"
		" content = ?9, lang = ?10, simhash = ?11, content_hash = ?12, seq = ?13,"
		" simhash_seq = ?14, simhash_head = ?15, simhash_tail = ?16, image = ?17,"
		" tags = ?18, canonical_url = coalesce(?19, canonical_url) WHERE id = ?1",
	[S_INSERT_STORY_FEED] =
		"INSERT OR IGNORE INTO story_feeds (story_id, feed_id, ident, first_seen,"
		" content_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_ITEM_HASH] =
		"UPDATE story_feeds SET content_hash = ?3 WHERE feed_id = ?1 AND ident = ?2",
	[S_SEQ_LOAD] = "SELECT value FROM meta WHERE key = 'seq'",
	[S_SEQ_SAVE] = "UPDATE meta SET value = ?1 WHERE key = 'seq'",
	[S_ADAPT] = "UPDATE feeds SET adapt_shift = ?2, new_streak = ?3 WHERE id = ?1",
	[S_DEFER] =
		"UPDATE feeds SET next_poll = ?2 WHERE id = ?1"
		" AND (next_poll IS NULL OR next_poll < ?2)",
	[S_SET_NEXT] = "UPDATE feeds SET next_poll = ?2 WHERE id = ?1",
	[S_SET_HOLD] = "UPDATE feeds SET retry_after = ?2 WHERE id = ?1",
	[S_SHIFT_HOLDS] = "UPDATE feeds SET retry_after = retry_after + ?1 WHERE retry_after > 0"
		" AND last_fetch > ?2",
	[S_PUT_THREAD] =
		"INSERT INTO threads (id, title, title_story_id, keywords, first_seen,"
		" last_updated, story_count, source_count, seq)"
		" VALUES (?1, coalesce(?9, (SELECT title FROM stories WHERE id = ?2)),"
		" ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
		" ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
		" title_story_id = excluded.title_story_id, keywords = excluded.keywords,"
		" first_seen = excluded.first_seen, last_updated = excluded.last_updated,"
		" story_count = excluded.story_count, source_count = excluded.source_count,"
		" merged_into = NULL, seq = excluded.seq",
	/* A thread the clusterer just made: a plain INSERT of one row needs
	 * no statement journal, where the upsert above, whose UPDATE touches
	 * a foreign key (merged_into), opens one and copies every page it
	 * changes into it. */
	[S_NEW_THREAD] =
		"INSERT INTO threads (id, title, title_story_id, keywords, first_seen,"
		" last_updated, story_count, source_count, seq)"
		" VALUES (?1, coalesce(?9, (SELECT title FROM stories WHERE id = ?2)),"
		" ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	/* A live thread that gained a story: the same without the upsert's
	 * journal, as long as it changes no foreign key (merged_into stays
	 * NULL, hence the condition; a row missing or merged away goes
	 * through S_PUT_THREAD). */
	[S_UPDATE_THREAD] =
		"UPDATE threads SET title = coalesce(?9, (SELECT title FROM stories WHERE id = ?2)),"
		" title_story_id = ?2, keywords = ?3, first_seen = ?4, last_updated = ?5,"
		" story_count = ?6, source_count = ?7, seq = ?8"
		" WHERE id = ?1 AND merged_into IS NULL",
	[S_MERGE_STORIES] = "UPDATE stories SET thread_id = ?2, seq = ?3 WHERE thread_id = ?1",
	[S_MERGE_THREAD] = "UPDATE threads SET merged_into = ?2, seq = ?3 WHERE id = ?1",
	[S_MERGE_CHAIN] = "UPDATE threads SET merged_into = ?2, seq = ?3 WHERE merged_into = ?1",
	[S_SET_STORY_THREAD] = "UPDATE stories SET thread_id = ?2, seq = ?3 WHERE id = ?1",
	[S_STORY_THREAD] = "SELECT thread_id FROM stories WHERE id = ?1",
	[S_MAX_THREAD] = "SELECT max(coalesce((SELECT max(id) FROM threads), 0),"
		" coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'threads'), 0))",
	[S_DF_CLEAR] = "DELETE FROM term_df",
	[S_FEED_HAS_CANON] =
		"SELECT 1 FROM stories s JOIN story_feeds sf ON sf.story_id = s.id"
		" WHERE s.canonical_url = ?2 AND sf.feed_id = ?1 LIMIT 1",
	[S_STORY_IN_FEED] =
		"SELECT EXISTS (SELECT 1 FROM story_feeds WHERE story_id = ?1 AND feed_id = ?2)"
		" FROM stories WHERE id = ?1",
	[S_STORY_BYLINE] = "SELECT author, COALESCE(canonical_url, link), guid FROM stories WHERE id = ?1",
	[S_MAX_EVENT_TIME] = "SELECT max(event_time) FROM stories",
	/* Oldest first, a bounded batch per transaction: readers and the
	 * poller wait for no long delete.  story_feeds rows cascade, the
	 * search index follows by trigger, copies of a pruned story lose
	 * their duplicate_of (ON DELETE SET NULL).  The batch is a range of
	 * stories_first_seen, in its order (first_seen, then id), so that no
	 * batch reads a row it does not delete; S_PRUNE_COPIES, _THREAD_IDS
	 * and _NEWEST pick the same batch. */
	[S_PRUNE_STORIES] =
		"DELETE FROM stories WHERE id IN (SELECT id FROM stories"
		" WHERE first_seen < ?1 ORDER BY first_seen, id LIMIT ?2)",
	/* The copies of a batch about to be pruned: their duplicate_of is
	 * about to be cleared by the foreign key's ON DELETE SET NULL, an
	 * update of the row that a reader following `seq` must see. */
	[S_PRUNE_COPIES] =
		"UPDATE stories SET seq = ?3 WHERE duplicate_of IN (SELECT id FROM stories"
		" WHERE first_seen < ?1 ORDER BY first_seen, id LIMIT ?2)",
	/* The threads that lose stories in that batch: recounted after it. */
	[S_PRUNE_THREAD_IDS] =
		"SELECT DISTINCT thread_id FROM (SELECT thread_id FROM stories"
		" WHERE first_seen < ?1 ORDER BY first_seen, id LIMIT ?2) WHERE thread_id IS NOT NULL",
	/* The latest event time in that batch: is it in the window? */
	[S_PRUNE_NEWEST] =
		"SELECT max(event_time) FROM (SELECT event_time FROM stories"
		" WHERE first_seen < ?1 ORDER BY first_seen, id LIMIT ?2)",
	/* Threads left without stories (all pruned, or merged away) once
	 * they are older than the cut, and with a live one the threads
	 * merged into it, whatever their age (they hold no story; their
	 * merged_into must not name a deleted row).  A younger thread merged
	 * into it used to keep it: a survivor whose latest story then left it
	 * (rewritten, docs/threads.md) is older than the thread its story
	 * came from, and stayed live with no story, story_count 0, in
	 * live_threads and thread_overview until that one aged too. */
	[S_PRUNE_THREADS] =
		"WITH gone(id) AS (SELECT id FROM threads WHERE last_updated < ?1"
		"  AND merged_into IS NULL AND NOT EXISTS"
		"  (SELECT 1 FROM stories s WHERE s.thread_id = threads.id))"
		" DELETE FROM threads WHERE id IN gone OR merged_into IN gone"
		" OR (merged_into IS NOT NULL AND last_updated < ?1 AND NOT EXISTS"
		"  (SELECT 1 FROM stories s WHERE s.thread_id = threads.id)"
		"  AND NOT EXISTS (SELECT 1 FROM threads t2 WHERE t2.merged_into = threads.id"
		"   AND t2.last_updated >= ?1))",
	[S_FTS_BATCH] =
		"INSERT INTO stories_fts(rowid, title, summary)"
		" SELECT id, title, summary FROM stories WHERE id > ?1 AND id <= ?2",
	[S_FTS_UPTO_LOAD] = "SELECT value FROM meta WHERE key = 'fts_upto'",
	[S_OLDEST_FIRST_SEEN] = "SELECT min(first_seen) FROM stories",
	[S_FTS_UPTO_SAVE] = "UPDATE meta SET value = ?1 WHERE key = 'fts_upto'",
	[S_MAX_STORY_ID] = "SELECT coalesce(max(id), 0) FROM stories",
	/* Stories that left the search index (retention) or were written
	 * into it again (edits) since it was last merged whole: FTS5 keeps
	 * their old entries, with a delete marker, until then (store_fts_tidy). */
	[S_FTS_DEAD_LOAD] = "SELECT value FROM meta WHERE key = 'fts_dead'",
	[S_FTS_DEAD_ADD] =
		"INSERT INTO meta (key, value) VALUES ('fts_dead', ?1)"
		" ON CONFLICT (key) DO UPDATE SET value = value + ?1",
	[S_FTS_DEAD_CLEAR] = "DELETE FROM meta WHERE key = 'fts_dead'",
	/* Negative: every segment is eligible, as in 'optimize', but the
	 * work stops after about that many pages.  Positive: the merge under
	 * way goes on (store_fts_tidy says why not a negative one again). */
	[S_FTS_MERGE] = "INSERT INTO stories_fts(stories_fts, rank) VALUES ('merge', ?1)",
	[S_FTS_PAGES] = "SELECT count(*) FROM stories_fts_data",
	/* About how many stories the index holds, from the newest id back to
	 * that of the story retention deletes next, the first in
	 * stories_first_seen (count(*) reads a whole index, hourly): ids
	 * grow with first_seen and retention deletes the oldest.  Not back
	 * to min(id): stories stored while the clock ran ahead are kept
	 * until that time and the retention after it, and with min(id)
	 * theirs the span grew by a story for each one deleted, so that the
	 * whole merge never came (the index grew with the whole history, as
	 * before it) for as long as they stayed, years for a clock a few
	 * years ahead. */
	[S_STORY_SPAN] =
		"SELECT coalesce((SELECT max(id) FROM stories) -"
		" (SELECT id FROM stories ORDER BY first_seen, id LIMIT 1) + 1, 0)",
	[S_FTS_DELETE] =
		"INSERT INTO stories_fts(stories_fts, rowid, title, summary)"
		" SELECT 'delete', id, title, summary FROM stories WHERE id = ?1",
	[S_FTS_INSERT] =
		"INSERT INTO stories_fts(rowid, title, summary)"
		" SELECT id, title, summary FROM stories WHERE id = ?1",
	[S_STORY_FP] =
		"SELECT simhash, simhash_seq, simhash_head, simhash_tail, title, event_time, host"
		" FROM stories WHERE id = ?1",
	[S_STORY_HASH] =
		"SELECT content_hash FROM stories WHERE id = ?1",
	[S_RECOUNT_THREAD] =
		"UPDATE threads SET"
		" story_count = (SELECT count(*) FROM stories WHERE thread_id = ?1),"
		" source_count = (SELECT count(DISTINCT host) FROM stories WHERE thread_id = ?1),"
		" seq = ?2 WHERE id = ?1",
	/* A thread a story left (its text changed): its row from its own
	 * stories again, times included; a headline taken from the story that
	 * left is replaced by the latest one's that remains, one with a
	 * headline first (when the clusterer, which knows datelines and
	 * headlines cut short, has not chosen: store_title_thread). */
	[S_SETTLE_THREAD] =
		"UPDATE threads SET story_count = x.n, source_count = x.hosts,"
		" first_seen = x.first, last_updated = x.last, seq = ?2"
		" FROM (SELECT count(*) AS n, count(DISTINCT host) AS hosts,"
		"       min(event_time) AS first, max(event_time) AS last"
		"       FROM stories WHERE thread_id = ?1) AS x"
		" WHERE threads.id = ?1 AND x.n > 0",
	[S_SETTLE_TITLE] =
		"UPDATE threads SET title_story_id = x.id, title = x.title"
		" FROM (SELECT id, title FROM stories WHERE thread_id = ?1"
		"       ORDER BY title IS NULL, event_time DESC, id DESC LIMIT 1) AS x"
		" WHERE threads.id = ?1 AND NOT EXISTS (SELECT 1 FROM stories"
		"       WHERE id = threads.title_story_id AND thread_id = ?1)",
	/* A story whose headline was edited in place (same thread): the live
	 * thread it titles shows the headline it has now; one that lost its
	 * headline gives way to the latest member that has one, and an
	 * untitled thread takes the headline a member gained (a thread the
	 * clusterer no longer holds, which alone knows which is the most
	 * central). */
	[S_RETITLE] =
		"UPDATE threads SET title_story_id = x.id, title = x.title, seq = ?3"
		" FROM (SELECT id, title FROM ("
		"   SELECT 0 AS k, id, title, 0 AS t FROM stories WHERE id = ?2 AND title IS NOT NULL"
		"   UNION ALL SELECT 1, id, title, event_time FROM stories"
		"   WHERE thread_id = ?1 AND id <> ?2 AND title IS NOT NULL"
		"   UNION ALL SELECT 2, ?2, NULL, 0)"
		"  ORDER BY k, t DESC, id DESC LIMIT 1) AS x"
		" WHERE threads.id = ?1 AND threads.merged_into IS NULL"
		" AND (threads.title_story_id = ?2 OR (threads.title IS NULL AND x.title IS NOT NULL))"
		" AND (threads.title IS NOT x.title OR threads.title_story_id IS NOT x.id)",
	/* The headline the clusterer picks for a thread its title story
	 * left (the latest story S_SETTLE_TITLE would take may have none, or
	 * a dateline, while another has one); the settle that follows in
	 * the transaction gives the row its new seq. */
	/* Before store_settle_thread, which gives the row its new seq. */
	[S_THREAD_KEYWORDS] =
		"UPDATE threads SET keywords = ?2 WHERE id = ?1 AND merged_into IS NULL",
	[S_RETITLE_BY] =
		"UPDATE threads SET title_story_id = ?2,"
		" title = (SELECT title FROM stories WHERE id = ?2)"
		" WHERE id = ?1 AND merged_into IS NULL"
		" AND NOT EXISTS (SELECT 1 FROM stories"
		"       WHERE id = threads.title_story_id AND thread_id = ?1)"
		" AND EXISTS (SELECT 1 FROM stories WHERE id = ?2 AND thread_id = ?1)",
	/* The headline the clusterer picks for a thread whose title turned
	 * out to recur (docs/threads.md, "Titles"), with a new seq. */
	[S_RETITLE_TO] =
		"UPDATE threads SET title_story_id = ?2,"
		" title = (SELECT title FROM stories WHERE id = ?2), seq = ?3"
		" WHERE id = ?1 AND merged_into IS NULL AND title_story_id IS NOT ?2"
		" AND EXISTS (SELECT 1 FROM stories WHERE id = ?2 AND thread_id = ?1)",
	/* The copies of a story whose text was rewritten copy a text it has
	 * no more: the earliest of them (by time, then id, as the
	 * near-duplicate index picks) is their original now. */
	[S_RECOPY] =
		"UPDATE stories SET seq = ?2, duplicate_of = nullif(x.first, stories.id)"
		" FROM (SELECT id AS first FROM stories WHERE duplicate_of = ?1"
		"       ORDER BY event_time, id LIMIT 1) AS x"
		" WHERE duplicate_of = ?1",
	/* ... and the story itself, when it was a copy, copies nothing now:
	 * it leaves its original's thread, and a reader folding the copies
	 * under their original hid it there.  (The UPDATE of its new text
	 * gave the row its new seq in this transaction.) */
	[S_UNCOPY] =
		"UPDATE stories SET duplicate_of = NULL WHERE id = ?1 AND duplicate_of IS NOT NULL",
	[S_COPY_OF] = "SELECT s.duplicate_of, o.event_time FROM stories s"
	              " JOIN stories o ON o.id = s.duplicate_of WHERE s.id = ?1",
	[S_GUIDS_ROTATE_GET] = "SELECT guids_rotate FROM feeds WHERE id = ?1",
	[S_FEED_ADDED] = "SELECT added FROM feeds WHERE id = ?1",
	/* (The third column: S_FREE_URL's test, that the row gives the URL
	 * up to a listed feed led to it.) */
	[S_FEED_AT] = "SELECT id, gone, NOT active AND list_url <> url AND NOT EXISTS"
	              " (SELECT 1 FROM feeds g WHERE g.url = feeds.list_url)"
	              " FROM feeds WHERE url = ?1",
	/* This feed's own "h:" items with the same content (title, text,
	 * author: the content hash has no date) under another key, dated
	 * within a day of ?4 by a whole number of quarter hours, or undated
	 * (or before the end of 1970's first day: a misreading), or any date
	 * when ?4 is none, first carried or the feed read since at ?4 or
	 * later: see store_find_redated.  (A range, not LIKE, so the primary
	 * key bounds the scan; feeds.last_success is still the poll before
	 * this one.) */
	[S_FIND_REDATED] =
		"SELECT sf.story_id, sf.ident FROM story_feeds sf"
		" JOIN stories s ON s.id = sf.story_id AND s.feed_id = sf.feed_id AND s.ident = sf.ident"
		" JOIN feeds f ON f.id = sf.feed_id"
		" WHERE sf.feed_id = ?1 AND sf.ident >= 'h:' AND sf.ident < 'h;'"
		" AND sf.ident <> ?2 AND sf.content_hash = ?3"
		" AND (sf.first_seen >= ?4 OR f.last_success >= ?4)"
		" AND (coalesce(s.published, 0) < 86400 OR ?4 < 86400 OR"
		"      (abs(s.published - ?4) <= 93600 AND (s.published - ?4) % 900 = 0))",
	/* The feed's keys for a story it carries since ?3, its latest first. */
	[S_FEED_ITEM_OF] =
		"SELECT story_id, ident FROM story_feeds WHERE story_id = ?1 AND feed_id = ?2"
		" AND first_seen >= ?3 ORDER BY first_seen DESC, ident",
	[S_FEED_ITEM_SHARED] =
		"SELECT sf.story_id, sf.ident FROM story_feeds sf JOIN stories s ON s.id = sf.story_id"
		" WHERE s.canonical_url = ?2 AND sf.feed_id = ?1 AND sf.content_hash = ?3"
		" AND sf.first_seen >= ?4",
	[S_REKEY_ITEM] =
		"UPDATE story_feeds SET ident = ?3 WHERE feed_id = ?1 AND ident = ?2",
	[S_REKEY_STORY] =
		"UPDATE stories SET ident = ?3, seq = ?4 WHERE feed_id = ?1 AND ident = ?2",
	[S_GUIDS_ROTATE_SET] = "UPDATE feeds SET guids_rotate = ?2 WHERE id = ?1",
	[S_DF_PUT] = "INSERT OR REPLACE INTO term_df (term, df) VALUES (?1, ?2)",
	[S_DF_TOTAL] = "INSERT OR REPLACE INTO meta (key, value) VALUES ('df_total', ?1)",
	/* Saved outside a feed's transaction, so the stories stored are the
	 * ones the frequencies count. */
	[S_DF_UPTO] = "INSERT OR REPLACE INTO meta (key, value)"
	              " VALUES ('df_upto', (SELECT coalesce(max(id), 0) FROM stories))",
	/* AUTOINCREMENT hands out one more than the largest id ever used:
	 * sqlite_sequence's, or the table's when that row is missing. */
	[S_NEXT_STORY_ID] =
		"SELECT max(coalesce((SELECT max(id) FROM stories), 0),"
		" coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'stories'), 0)) + 1",
};

/* Stories indexed for search in one statement (see struct store). */
#define FTS_BATCH 1024

/* WAL size (pages, ~4 MiB) that asks for a checkpoint, and how many of
 * those the checkpoint thread may fall behind before the writer does one
 * itself.  While responses arrive back to back, the thread never finds
 * the WAL wholly copied at the moment the writer begins a transaction (the
 * writer commits every few milliseconds), so the WAL restarts only after
 * the writer's own checkpoint: it copies what the thread has not and
 * syncs the WAL and the database, on the event loop.  Their wall time in
 * a cold 1,000-feed poll (load 2.5-4): 0.45-0.48 s at 2 (8 MiB, 62-63 of
 * them), 0.23-0.33 s at 3 (12 MiB, 38-41), 0.23-0.25 s at 4 (16 MiB)
 * (docs/benchmarks.md, "Sixth pass").  Not more: a reader inside the WAL
 * holds it back further (t_readers.py, bound 48 MiB, saw up to 46 MiB at
 * 2 and 55 at 4 on a loaded machine, before WAL_HARD below), and WAL_HARD
 * must stay above it. */
#define WAL_PAGES 1000
#define WAL_OUTRUN 3

/* Checkpoint starvation.  A WAL starts over only at a commit when no
 * reader is inside it, so a reader that queries back to back keeps it
 * growing with everything written, whatever the checkpoints copy (a
 * reader looping over a growing database in t_readers.py: 69 MiB for
 * 15,000 stories, 157 MiB without checkpoints).  Past WAL_HARD pages the
 * writer checkpoints in RESTART mode: it copies everything and waits, at
 * most STARVE_WAIT_MS, for the readers inside the WAL to end their
 * statements (new readers read the database file by then, and none is
 * ever blocked); the next commit starts the WAL over.  The wait is spent
 * in checkpoints of STARVE_TRY_MS each (see wal_hook: one long one nearly
 * never succeeds against a reader querying back to back; t_readers.py's
 * WAL reached 53-77 MiB that way, and stays at 24-26 MiB now).  Readers
 * that outstay the wait are tried again WAL_PAGES later, not at every
 * commit, and each wait that fails doubles the next, up to
 * STARVE_WAIT_MAX_MS, for statements longer than the first wait: a reader
 * that holds a transaction open costs the writer at most 800 ms of waiting
 * per 4 MiB it writes (a cold poll of 1,000 feeds writes about 400 MiB; a
 * running daemon takes hours to write 4 MiB). */
#define WAL_HARD (6 * WAL_PAGES)
_Static_assert(WAL_HARD > WAL_OUTRUN * WAL_PAGES, "RESTART only past the PASSIVE threshold");
#define STARVE_WAIT_MS 100
#define STARVE_WAIT_MAX_MS 800
#define STARVE_TRY_MS 25
#define BUSY_MS 5000
#define SETUP_RETRY_MS 20   /* between tries of a new file's setup */

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[N_STMT];
	enum store_mode mode;
	int version;       /* the schema's, once open (user_version) */
	int64_t seq;       /* last change sequence number handed out */
	/* The search index holds the stories with id <= fts_upto (as of this
	 * transaction) and none above; max_id is the largest story id.  The
	 * ones between are indexed in one statement per FTS_BATCH stories or
	 * by store_fts_flush(): FTS5 writes a new segment at every statement,
	 * so indexing each feed response's few stories on its own costs about
	 * twice as much per story as indexing hundreds at once, and leaves
	 * many small segments to merge. */
	int64_t fts_upto, max_id;
	/* The search index was found damaged (SQLITE_CORRUPT): stories are
	 * stored without it until store_fts_flush() gets through. */
	int fts_damaged;
	int last_fts;       /* the last failure was the search index's */
	int prune_threads;  /* stories were pruned since the threads were */
	int64_t tidy_left;  /* pages a whole merge of the index may still
	                       write (store_fts_tidy); 0: none under way */
	int64_t next_story_id; /* id the next inserted story gets; 0: not
	                          asked for in this transaction */
	int seq_dirty;
	int last_rc;
	struct ckpt *ckpt;  /* owned; NULL: SQLite checkpoints inline */
	unsigned long inline_ckpts; /* the WAL outran the checkpoint thread */
	unsigned long starved_ckpts; /* of those, past WAL_HARD (RESTART) */
	int wal_pages;      /* the WAL's size at the last commit */
	int starve_retry;   /* no RESTART checkpoint below this size */
	int starve_wait_ms; /* the next RESTART's wait for readers */
	int busy_ms;        /* the busy timeout in force (store_set_busy_wait) */
	/* The last failure's message, taken when it happened: SQLite's own
	 * is "not an error" again once the rollback after it succeeded, and
	 * that is what a feed list sync or a retention pass that failed on a
	 * read-only database logged.  Cleared at each store_begin(). */
	char errmsg[256];
};

const char *store_errmsg(struct store *st)
{
	if (!st || !st->db)
		return "no database";
	if (st->errmsg[0])
		return st->errmsg;
	/* (After a call that succeeded the code is not defined: in practice
	 * SQLITE_OK, maybe a step's ROW or DONE.) */
	switch (sqlite3_errcode(st->db)) {
	case SQLITE_OK: case SQLITE_ROW: case SQLITE_DONE:
		return "out of memory";
	default:
		return sqlite3_errmsg(st->db);
	}
}

int store_last_was_full(struct store *st)
{
	return st->last_rc == SQLITE_FULL;
}

int store_last_was_corrupt(struct store *st)
{
	return (st->last_rc == SQLITE_CORRUPT || st->last_rc == SQLITE_NOTADB) &&
	       !st->last_fts;
}

int store_last_was_busy(struct store *st)
{
	return st->last_rc == SQLITE_BUSY;
}

void store_set_busy_wait(struct store *st, int ms)
{
	st->busy_ms = ms >= 0 ? ms : BUSY_MS;
	sqlite3_busy_timeout(st->db, st->busy_ms);
}

static int fail_rc(struct store *st, int rc)
{
	st->last_rc = rc;
	st->last_fts = 0;
	snprintf(st->errmsg, sizeof st->errmsg, "%s", sqlite3_errcode(st->db) == rc
	         ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	return -1;
}

/* Returns the statement reset, its last bindings still in place: for a
 * caller that binds every one of its parameters.  (Clearing them costs
 * about 180 instructions a call, and a new story runs five such
 * statements.) */
static sqlite3_stmt *stmt_rebind(struct store *st, enum stmt_id id)
{
	sqlite3_stmt *s = st->stmt[id];

	if (!s && sqlite3_prepare_v3(st->db, SQL[id], -1,
	                             SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
		return NULL;
	st->stmt[id] = s;
	sqlite3_reset(s);
	return s;
}

/* Returns the statement, reset and with its bindings cleared. */
static sqlite3_stmt *stmt(struct store *st, enum stmt_id id)
{
	sqlite3_stmt *s = stmt_rebind(st, id);

	if (s)
		sqlite3_clear_bindings(s);
	return s;
}

/* Runs a statement that returns no rows. */
static int step_done(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return fail_rc(st, rc);
	return 0;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	/* NULL means unknown; never store an empty string in its place. */
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static void bind_time(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* A copy of column i's text in *out (NULL for SQL NULL).  -1 when memory
 * ran out: a NULL then would be taken for the column's, and a caller
 * went on with a story's title or host missing. */
static int col_dup(sqlite3_stmt *s, int i, char **out)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	*out = NULL;
	if (!t)
		return sqlite3_column_type(s, i) == SQLITE_NULL ? 0 : -1;
	*out = strdup((const char *)t);
	return *out ? 0 : -1;
}

static int exec(struct store *st, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return fail_rc(st, rc);
	}
	return 0;
}

static int user_version(struct store *st, int *v)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Applies every migration the file lacks, each atomically with the
 * user_version bump so a crash leaves a consistent version.  The version
 * is read again inside each write transaction: another process opening
 * the same new file at the same moment may have applied the step since
 * the first read, and running it twice would fail ("table feeds already
 * exists"). */
static int migrate(struct store *st, const char *path, char *err, size_t errlen)
{
	char sql[64], msg[512];
	int v;

	if (user_version(st, &v) < 0) {
		snprintf(err, errlen, "%s: cannot read schema version: %s", path,
		         sqlite3_errmsg(st->db));
		return -1;
	}
	while (v < (int)N_MIGRATIONS) {
		if (exec(st, "BEGIN IMMEDIATE", msg, sizeof msg) < 0)
			goto fail;
		if (user_version(st, &v) < 0) {
			snprintf(msg, sizeof msg, "cannot read schema version: %s",
			         sqlite3_errmsg(st->db));
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		if (v >= (int)N_MIGRATIONS) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			break;
		}
		if (exec(st, MIGRATIONS[v], msg, sizeof msg) < 0) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (exec(st, sql, msg, sizeof msg) < 0 ||
		    exec(st, "COMMIT", msg, sizeof msg) < 0) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		v++;
	}
	if (v > (int)N_MIGRATIONS) {
		snprintf(err, errlen, "%s: database schema version %d is newer than"
		         " this tidings understands (%d); refusing to touch it",
		         path, v, (int)N_MIGRATIONS);
		return -1;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: migrating the schema to version %d: %s",
	         path, v + 1, msg);
	return -1;
}

/* The directory path is in, in dir. */
static void dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');

	snprintf(dir, size, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
	         slash ? path : ".");
}

/* SQLite's unix VFS opens a database only when its full name (made
 * absolute, symbolic links resolved) with "-journal" after it fits in its
 * mxPathname (512) bytes: a longer one, far below PATH_MAX (a deep
 * directory, a name in a non-Latin script at three bytes a letter, a
 * relative path under a deep working directory), failed with "unable to
 * open database file" and a stale errno ("No such file or directory" of
 * a file that is there, "Inappropriate ioctl for device").  Says so in
 * err and returns 1 when that is why, else 0. */
static int path_too_long(const char *path, char *err, size_t errlen)
{
	sqlite3_vfs *vfs = sqlite3_vfs_find(NULL);
	const char *base = NULL;
	char dir[PATH_MAX], *full;
	size_t len;

	if (!vfs)
		return 0;
	/* The full path as SQLite makes it; a database still to be made has
	 * its directory's and its name. */
	if (!(full = realpath(path, NULL)) && errno == ENOENT) {
		dir_of(path, dir, sizeof dir);
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		full = realpath(dir, NULL);
	}
	if (!full)
		return 0;    /* a loop of links, a directory not searchable: not this */
	len = strlen(full) + (base ? 1 + strlen(base) : 0);
	free(full);
	if (len + strlen("-journal") <= (size_t)vfs->mxPathname)
		return 0;
	snprintf(err, errlen, "%s: cannot open database: its full path (from /, symbolic"
	         " links resolved) is %zu bytes long, and SQLite takes %d at most; use a"
	         " shorter one", path, len, vfs->mxPathname - 8);
	return 1;
}

/* When the database's -wal or -shm is missing and this user may not
 * make them in its directory (SQLite needs both, and a WAL database
 * without them cannot even be read): says so in err and returns 1, else
 * 0.  SQLite's own word, "attempt to write a readonly database", named
 * neither, and `tidings` called the file "not a tidings database". */
static int no_wal_files(const char *path, const char *what, char *err, size_t errlen)
{
	char f[PATH_MAX], dir[PATH_MAX];
	int missing = 0;

	snprintf(f, sizeof f, "%s-wal", path);
	missing |= access(f, F_OK) != 0 && errno == ENOENT;
	snprintf(f, sizeof f, "%s-shm", path);
	missing |= access(f, F_OK) != 0 && errno == ENOENT;
	dir_of(path, dir, sizeof dir);
	if (!missing || access(dir, W_OK | X_OK) == 0)
		return 0;
	snprintf(err, errlen, "%s: cannot %s the database: %s: %s (its -wal and -shm are"
	         " missing and cannot be made there%s)", path, what, dir, strerror(errno),
	         strcmp(what, "read") ? "" : "; tidingsd makes them again when it starts");
	return 1;
}

/* The -wal or -shm beside a database this user may read, that it may not
 * read: the database's mode or group was changed without them (`chmod 640
 * tidings.db` of one made 0600; `chgrp`), and they keep theirs, as the
 * daemon keeps the files (store_open).  SQLite says "unable to open
 * database file", and `tidings` called it "not a tidings database".
 * Returns 1 with err set then, else 0 with err untouched. */
static int wal_unreadable(const char *path, char *err, size_t errlen)
{
	static const char *const ext[] = { "-wal", "-shm" };
	char f[PATH_MAX];

	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(f, sizeof f, "%s%s", path, ext[i]);
		if (access(f, R_OK) == 0 || errno != EACCES)
			continue;
		snprintf(err, errlen, "%s: cannot read the database: %s: %s (readers need"
		         " its -wal and -shm as they need the database: give them its mode"
		         " and group)", path, f, strerror(EACCES));
		return 1;
	}
	return 0;
}

/* A tidings database cut short or overwritten in part is not someone
 * else's file: when SQLite's last error says so, err says what helps.
 * Returns 1 then, else 0 with err untouched. */
static int damaged(struct store *st, const char *path, const char *detail, char *err,
                   size_t errlen)
{
	if (sqlite3_errcode(st->db) != SQLITE_CORRUPT)
		return 0;
	snprintf(err, errlen, "%s: damaged database (%s); restore a backup", path, detail);
	return 1;
}

/* Whether the file is someone else's: -1 with err set
 * when it is, else 0 (a tidings database, an empty file, or one SQLite
 * cannot read: the steps after say why).  Migration 0 creates tables in
 * any file whose user_version is 0, and the journal mode was switched to
 * WAL before any migration ran: another program's database named by a
 * mistyped `database =` got tidings' tables and kept polling into them,
 * and one with a user_version of its own was refused only after its
 * journal mode was changed ("no such table: feeds", "table feeds already
 * exists"); `tidings` called it "empty schema".  Every version has these
 * five tables. */
static int foreign(struct store *st, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int v = 0, objects = -1, ours = 0;

	/* One statement, one snapshot: another opener of a new file may
	 * commit the first schema between two reads, and its tables then
	 * showed beside the version 0 read before. */
	if (sqlite3_prepare_v2(st->db, "SELECT (SELECT user_version FROM pragma_user_version),"
	                       " count(*), count(CASE WHEN type = 'table' AND name IN"
	                       " ('feeds', 'threads', 'stories', 'story_feeds', 'meta')"
	                       " THEN 1 END) FROM sqlite_master", -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		v = sqlite3_column_int(s, 0);
		objects = sqlite3_column_int(s, 1);
		ours = sqlite3_column_int(s, 2);
	}
	sqlite3_finalize(s);
	if (objects < 0 || (v == 0 && objects == 0) || (v > 0 && ours == 5))
		return 0;
	if (v == 0 && ours == 5)
		/* (The sqlite3 shell's .dump does not copy user_version.) */
		snprintf(err, errlen, "%s: tidings' tables without a schema version"
		         " (user_version 0, as in a copy made with .dump); refusing to touch it"
		         " (docs/schema.md, \"Versions\")", path);
	else
		snprintf(err, errlen, "%s: not a tidings database (%s); refusing to touch it",
		         path, v == 0 ? "another program's tables" : "no tidings tables");
	return -1;
}

/* The write connection's settings and the schema.  WAL: readers never
 * block the writer nor see half a feed.  synchronous=NORMAL: in WAL mode
 * a commit survives a process crash (kill -9) and the database never
 * corrupts; only a power loss can roll back the last transactions, which
 * the next poll fetches again.  FULL would fsync every feed response. */
static int setup_writer(struct store *st, const char *path, char *err, size_t errlen)
{
	char msg[512];

	if (exec(st, "PRAGMA journal_mode = WAL", msg, sizeof msg) < 0 ||
	    exec(st, "PRAGMA synchronous = NORMAL", msg, sizeof msg) < 0 ||
	    exec(st, "PRAGMA foreign_keys = ON", msg, sizeof msg) < 0) {
		if (!(st->last_rc == SQLITE_READONLY && no_wal_files(path, "write", err, errlen)) &&
		    !damaged(st, path, msg, err, errlen))
			snprintf(err, errlen, "%s: %s", path, msg);
		return -1;
	}
	/* Checkpoint at ~4 MiB of WAL so it does not grow without bound
	 * while long-lived readers come and go (inline, until
	 * store_checkpoint_thread hands it to a thread). */
	sqlite3_wal_autocheckpoint(st->db, WAL_PAGES);
	return migrate(st, path, err, errlen);
}

static int load_fts(struct store *st);

static void memstatus_off(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int load_seq(struct store *st)
{
	sqlite3_stmt *s = stmt(st, S_SEQ_LOAD);
	int rc;

	if (!s)
		return -1;
	rc = sqlite3_step(s);
	st->seq = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* SQLite counts the bytes it allocates under a process-wide mutex, a
 * lock and an unlock around every malloc and free (about 13k instructions
 * per stored story); nothing here reads the count.  sqlite3_config()
 * must come before SQLite initialises, so the first store_open() does it;
 * later calls are refused harmlessly (SQLITE_MISUSE). */
static void no_memstatus(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, memstatus_off);
}

/* Whether a write transaction can begin: SQLITE_READONLY when the
 * database or its -wal was opened read-only.  Another writer's lock
 * (BUSY) is no answer; the writes to come say so themselves. */
static int writable(struct store *st)
{
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc != SQLITE_READONLY;
}

/* Says which of the database's files this user may not write, else
 * SQLite's own word. */
static void cannot_write(struct store *st, const char *path, char *err, size_t errlen)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char f[PATH_MAX];

	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(f, sizeof f, "%s%s", path, suffix[i]);
		if (access(f, W_OK) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "%s: cannot write the database: %s: %s", path, f,
			         strerror(errno));
			return;
		}
	}
	if (no_wal_files(path, "write", err, errlen))
		return;
	snprintf(err, errlen, "%s: cannot write the database: %s", path, sqlite3_errmsg(st->db));
}

/* tidings_url_key(url): feedlist_url_key() in SQL (S_FEED_KEY_UPDATE). */
static void url_key_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const unsigned char *url = sqlite3_value_text(argv[0]);
	char *key;

	(void)argc;
	if (!url)
		return;
	/* out of memory: an error, not a NULL key (a feed matching none) */
	if (!(key = feedlist_url_key((const char *)url)))
		sqlite3_result_error_nomem(cx);
	else
		sqlite3_result_text(cx, key, -1, free);
}

int store_open(const char *path, enum store_mode mode, struct store **out,
               char *err, size_t errlen)
{
	struct store *st;
	int flags = mode == STORE_WRITE
	            ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
	            : SQLITE_OPEN_READONLY;
	int v, known;

	*out = NULL;
	st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	st->mode = mode;
	no_memstatus();
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		/* "unable to open database file" alone does not say why.  A
		 * database to create fails on its directory (missing, or not
		 * the user's to write in), which SQLite's errno, from its
		 * read-only retry, misreports as ENOENT: ask the directory. */
		int sys = st->db ? sqlite3_system_errno(st->db) : 0;
		char dir[PATH_MAX];

		if (path_too_long(path, err, errlen))
			goto fail;
		dir_of(path, dir, sizeof dir);
		if (mode == STORE_WRITE && access(path, F_OK) != 0 && errno == ENOENT &&
		    access(dir, W_OK | X_OK) != 0) {
			snprintf(err, errlen, "%s: cannot create the database: %s: %s", path,
			         dir, strerror(errno));
		} else {
			snprintf(err, errlen, "%s: cannot open database: %s%s%s", path,
			         st->db ? sqlite3_errmsg(st->db) : "out of memory",
			         sys ? ": " : "", sys ? strerror(sys) : "");
		}
		goto fail;
	}
	/* The search index's tokenizer, faster on ASCII words with the same
	 * tokens (daemon/fts_tok.h), before anything opens the index; the
	 * built-in one stays in use should this fail. */
	fts_tok_register(st->db);
	/* A feed list's URL as the list compares it (store_sync_feeds). */
	if (sqlite3_create_function(st->db, "tidings_url_key", 1,
	                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
	                            NULL, url_key_fn, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	/* Readers and the writer wait for each other's short locks rather
	 * than failing; WAL makes these waits rare and brief. */
	st->busy_ms = BUSY_MS;
	sqlite3_busy_timeout(st->db, BUSY_MS);
	sqlite3_extended_result_codes(st->db, 0);
	/* A database from a newer tidings is refused before anything, even
	 * the journal mode, is written to it. */
	known = user_version(st, &v) == 0;
	if (!known && mode == STORE_READ && sqlite3_errcode(st->db) == SQLITE_BUSY) {
		/* Another program locks readers out (in exclusive locking mode,
		 * or writing a file not in WAL mode, as a restored copy is until
		 * tidingsd starts): `tidings` waited out the busy timeout two
		 * more times and then called it "not a tidings database". */
		snprintf(err, errlen, "%s: the database is locked by another program"
		         " (waited %d s); try again when it is done", path, BUSY_MS / 1000);
		goto fail;
	}
	if (known && v > (int)N_MIGRATIONS) {
		snprintf(err, errlen, "%s: database schema version %d is newer than"
		         " this tidings understands (%d); refusing to touch it",
		         path, v, (int)N_MIGRATIONS);
		/* Reading the version opened its WAL: closing as the last
		 * connection would checkpoint the WAL into the file and delete
		 * the -wal and -shm the newer daemon keeps, and readers that may
		 * not write in the directory were then locked out until it ran
		 * again (docs/schema.md, "Basics").  Leave all three as they are. */
		sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
		goto fail;
	}
	/* Another program's database is refused the same way, before the
	 * journal mode is written. */
	if (foreign(st, path, err, errlen) < 0) {
		sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
		goto fail;
	}
	/* SQLite opens a file that this user may not write read-only,
	 * without a word (and its -wal so: every write then fails): the
	 * daemon ran, polled every feed once a minute (the retry after a
	 * database error) and stored nothing, and --once exited 0. */
	if (mode == STORE_WRITE && sqlite3_db_readonly(st->db, "main") == 1) {
		cannot_write(st, path, err, errlen);
		goto fail;
	}
	if (mode == STORE_WRITE) {
		/* Another process creating the same new file at this moment
		 * (in rollback-journal mode until one of us switches it to
		 * WAL) can make SQLite answer "database is locked" at once
		 * rather than wait, to break a lock cycle: try again while
		 * that lasts. */
		for (int tries = 0;; tries++) {
			st->last_rc = SQLITE_OK;
			if (setup_writer(st, path, err, errlen) == 0)
				break;
			if (st->last_rc != SQLITE_BUSY || tries * SETUP_RETRY_MS >= BUSY_MS)
				goto fail;
			usleep(SETUP_RETRY_MS * 1000);
		}
	} else {
		if (user_version(st, &v) < 0) {
			if (!(sqlite3_errcode(st->db) == SQLITE_READONLY &&
			      no_wal_files(path, "read", err, errlen)) &&
			    !(sqlite3_errcode(st->db) == SQLITE_CANTOPEN &&
			      wal_unreadable(path, err, errlen)) &&
			    !damaged(st, path, sqlite3_errmsg(st->db), err, errlen))
				snprintf(err, errlen, "%s: not a tidings database: %s", path,
				         sqlite3_errmsg(st->db));
			goto fail;
		}
		if (v == 0) {
			snprintf(err, errlen, "%s: not a tidings database (empty schema)", path);
			goto fail;
		}
	}
	if (mode == STORE_WRITE && !writable(st)) {
		cannot_write(st, path, err, errlen);
		goto fail;
	}
	/* The first retention pass of a run also looks for threads left
	 * empty (merged away) since the last. */
	st->prune_threads = 1;
	if (mode == STORE_WRITE && (load_seq(st) < 0 || load_fts(st) < 0)) {
		if (!damaged(st, path, sqlite3_errmsg(st->db), err, errlen))
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	/* A reader that may not write in the database's directory (the
	 * tidings group under the service: /var/lib/tidings is 0750) can
	 * open a WAL database only while its -wal and -shm files exist;
	 * SQLite deletes them when the last connection closes, so with the
	 * daemon stopped every such reader failed ("attempt to write a
	 * readonly database").  They are kept (persistent WAL; store_close
	 * empties the WAL), as SQLite's wal.html advises for read-only
	 * readers. */
	if (mode == STORE_WRITE) {
		int one = 1;

		sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	}
	if (user_version(st, &st->version) < 0) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	*out = st;
	return 0;
fail:
	store_close(st);
	return -1;
}

/* The writer's WAL hook once the checkpoint thread runs: after every
 * commit, with the WAL's size in pages.  The thread's PASSIVE checkpoint
 * runs while this connection keeps committing, so it may never find the
 * WAL wholly copied, and the WAL restarts from its beginning only then.
 * Past WAL_OUTRUN thresholds the writer checkpoints here, between its
 * transactions, as SQLite's own hook always does: the WAL stays bounded. */
static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *st = arg;

	if (pages < st->wal_pages) {        /* the WAL started over */
		st->starve_retry = 0;
		st->starve_wait_ms = STARVE_WAIT_MS;
	}
	st->wal_pages = pages;
	if (pages >= WAL_HARD && pages >= st->starve_retry) {
		st->inline_ckpts++;
		st->starved_ckpts++;
		/* The wait in short tries, each a checkpoint of its own: a
		 * RESTART first waits for the readers behind the newest frame,
		 * polling the one lock a reader held when it began, and a reader
		 * querying back to back takes that lock again within
		 * microseconds of each statement's end, so one long try nearly
		 * never finds it free (t_readers.py: statements of 10-20 ms
		 * outlasted waits of 800 ms).  The next try reads the locks
		 * anew: the reader has moved to the newest frame, everything is
		 * copied, and its next statement reads the database file.
		 * A try can also end at once, BUSY, while the checkpoint
		 * thread's own checkpoint runs: the wait is counted on the
		 * clock, not in tries. */
		int rc = SQLITE_BUSY;
		int64_t until = mono_ms() + st->starve_wait_ms;
		do {
			sqlite3_busy_timeout(db, STARVE_TRY_MS);
			rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
		} while (rc == SQLITE_BUSY && mono_ms() < until);
		if (rc == SQLITE_BUSY) {
			st->starve_retry = pages + WAL_PAGES;
			if (st->starve_wait_ms < STARVE_WAIT_MAX_MS)
				st->starve_wait_ms *= 2;
		}
		sqlite3_busy_timeout(db, st->busy_ms);
	} else if (pages >= WAL_OUTRUN * WAL_PAGES) {
		st->inline_ckpts++;
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	} else {
		ckpt_kick(st->ckpt, pages);
	}
	return SQLITE_OK;
}

int store_checkpoint_thread(struct store *st, const char *path, char *err, size_t errlen)
{
	if (st->mode != STORE_WRITE || st->ckpt)
		return 0;
	if (ckpt_start(path, WAL_PAGES, &st->ckpt, err, (unsigned)errlen) < 0)
		return -1;
	st->starve_wait_ms = STARVE_WAIT_MS;
	sqlite3_wal_hook(st->db, wal_hook, st);
	return 0;
}

void store_checkpoint_stats(struct store *st, struct store_ckpt_stats *out)
{
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (st->ckpt)
		ckpt_stats(st->ckpt, &out->thread, &out->failed, &rc);
	out->writer = st->inline_ckpts;
	out->starved = st->starved_ckpts;
	out->last = rc ? sqlite3_errstr(rc) : NULL;
}

/* The WAL copied into the database and emptied as the writer closes.
 * SQLite does it only when it closes the last connection, and any other
 * program that has the database open (a dashboard's connection, idle
 * between its queries) makes the daemon's not the last: it stopped and
 * left every commit since the last checkpoint in the -wal alone (a copy
 * of tidings.db with the daemon stopped held 20 of 100 stories), where
 * docs/schema.md says the -wal it leaves is empty and checkpointed.  An
 * idle connection reads nothing: a TRUNCATE checkpoint copies everything
 * and empties the file.  A reader inside a read transaction at that
 * moment keeps what it reads in the -wal; the wait for it is short (as in
 * wal_hook, in tries), the stop does not hang on it. */
static void wal_empty(struct store *st)
{
	int64_t until = mono_ms() + STARVE_WAIT_MS;
	int rc;

	do {
		sqlite3_busy_timeout(st->db, STARVE_TRY_MS);
		rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	} while (rc == SQLITE_BUSY && mono_ms() < until);
	sqlite3_busy_timeout(st->db, st->busy_ms);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	/* The thread first: closing the last connection checkpoints the
	 * whole WAL, here, once no other checkpoint can be running. */
	if (st->ckpt) {
		sqlite3_wal_hook(st->db, NULL, NULL);
		ckpt_stop(st->ckpt);
		st->ckpt = NULL;
	}
	for (int i = 0; i < N_STMT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (st->db && st->mode == STORE_WRITE) {
		int persist = -1;   /* -1 asks; 0 would clear it */

		sqlite3_exec(st->db, "PRAGMA optimize", NULL, NULL, NULL);
		/* With a persistent WAL, a limit >= 0 makes the last close
		 * truncate the checkpointed WAL to 0 bytes instead of leaving
		 * it at its largest size. */
		sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
		if (persist == 1) {
			sqlite3_exec(st->db, "PRAGMA journal_size_limit = 0", NULL, NULL, NULL);
			wal_empty(st);
		}
	}
	sqlite3_close_v2(st->db);
	free(st);
}

static int simple(struct store *st, enum stmt_id id)
{
	sqlite3_stmt *s = stmt(st, id);
	return s ? step_done(st, s) : fail_rc(st, sqlite3_errcode(st->db));
}

int store_begin(struct store *st)
{
	st->errmsg[0] = '\0';
	st->seq_dirty = 0;
	st->next_story_id = 0;
	return simple(st, S_BEGIN);
}

static int fts_by_id(struct store *st, enum stmt_id id, int64_t story_id)
{
	sqlite3_stmt *s = stmt(st, id);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, story_id);
	return step_done(st, s);
}

/* Indexes the stories above fts_upto, inside the open transaction.  Ids
 * only grow, so they are exactly those not indexed yet. */
static int fts_catch_up(struct store *st)
{
	sqlite3_stmt *s;

	if (st->max_id <= st->fts_upto)
		return 0;
	if (!(s = stmt(st, S_FTS_BATCH)))
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, st->fts_upto);
	sqlite3_bind_int64(s, 2, st->max_id);
	if (step_done(st, s) < 0)
		return -1;
	if (!(s = stmt(st, S_FTS_UPTO_SAVE)))
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, st->max_id);
	if (step_done(st, s) < 0)
		return -1;
	st->fts_upto = st->max_id;
	return 0;
}

static int one_int(struct store *st, enum stmt_id id, int64_t arg, int64_t *out);

static int commit_tx(struct store *st);

static int fts_dead_add(struct store *st, int64_t n)
{
	sqlite3_stmt *s = stmt(st, S_FTS_DEAD_ADD);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, n);
	return step_done(st, s);
}

/* Pages one step of a whole merge writes: about 2 MB, a few tens of ms. */
#define FTS_TIDY_PAGES 256

int store_fts_tidy(struct store *st, int *more)
{
	int64_t dead = 0, n = 0, before;
	int whole = 0;
	sqlite3_stmt *s;

	*more = 0;
	if (st->fts_damaged)
		return 0;
	if (store_begin(st) < 0)
		return -1;
	if (!st->tidy_left) {
		/* FTS5 leaves a deleted or rewritten story's entries in the
		 * index beside a delete marker, and drops both only when a
		 * merge reaches the oldest segment; 16 segments a level
		 * (automerge), that merge came ever more rarely, and under
		 * retention the index grew with the whole history (16 times
		 * what it held after 120 days of a steady state).  Once as
		 * many stories have left it as it holds, it is merged whole:
		 * at most about twice its size, and each story rewritten
		 * about once more for each one deleted. */
		if (one_int(st, S_FTS_DEAD_LOAD, 0, &dead) < 0 ||
		    (dead > 0 && one_int(st, S_STORY_SPAN, 0, &n) < 0))
			goto fail;
		if (dead <= 0 || dead < n)
			return commit_tx(st) < 0 ? (store_rollback(st), -1) : 0;
		/* The work is bounded, at twice the index's pages: new
		 * segments keep coming while it goes (a flush a second). */
		if (one_int(st, S_FTS_PAGES, 0, &n) < 0)
			goto fail;
		st->tidy_left = 2 * n + FTS_TIDY_PAGES;
		whole = 1;
	}
	if (!(s = stmt(st, S_FTS_MERGE)))
		goto fail_rc;
	/* Only the first step asks for every segment: a negative 'merge'
	 * finding a segment that is not in the merge under way (each flush
	 * of new stories writes one) starts the whole merge over, from the
	 * first term, and with a flush a second a large index (a few
	 * hundred steps) was never merged, its budget spent rewriting the
	 * same first pages.  A positive one goes on with the merge under
	 * way, the new segments left to automerge. */
	sqlite3_bind_int(s, 1, whole ? -FTS_TIDY_PAGES : FTS_TIDY_PAGES);
	before = sqlite3_total_changes64(st->db);
	if (step_done(st, s) < 0)
		goto fail;
	st->tidy_left -= FTS_TIDY_PAGES;
	/* The command counts as one change; a merge that wrote nothing
	 * (one segment left, or the merge under way finished) counts no
	 * more. */
	if (sqlite3_total_changes64(st->db) - before <= 1 || st->tidy_left <= 0) {
		if (simple(st, S_FTS_DEAD_CLEAR) < 0)
			goto fail;
		st->tidy_left = 0;
	} else {
		*more = 1;
	}
	if (commit_tx(st) < 0)
		goto fail;
	return 0;
fail_rc:
	fail_rc(st, sqlite3_errcode(st->db));
fail:
	if (st->last_rc == SQLITE_CORRUPT)
		st->fts_damaged = 1;
	st->last_fts = 1;
	store_rollback(st);
	st->tidy_left = 0;
	*more = 0;
	return -1;
}

/* The watermarks as committed (after a rollback, or at open). */
static int load_fts(struct store *st)
{
	return one_int(st, S_FTS_UPTO_LOAD, 0, &st->fts_upto) < 0 ||
	       one_int(st, S_MAX_STORY_ID, 0, &st->max_id) < 0 ? -1 : 0;
}

int store_fts_pending(const struct store *st)
{
	return st->max_id > st->fts_upto;
}

int store_fts_flush(struct store *st)
{
	if (!store_fts_pending(st))
		return 0;
	if (store_begin(st) < 0)
		return -1;
	/* The watermark as the file has it: a search index made again with
	 * the README's recipe while the daemon ran (it says to stop it, but
	 * nothing keeps one from it) holds every story, its fts_upto the
	 * last; the one in memory, from before, indexed the stories stored
	 * meanwhile a second time, and the index was malformed again. */
	if (one_int(st, S_FTS_UPTO_LOAD, 0, &st->fts_upto) < 0 || fts_catch_up(st) < 0 ||
	    commit_tx(st) < 0) {
		if (st->last_rc == SQLITE_CORRUPT)
			st->fts_damaged = 1;
		store_rollback(st);
		st->last_fts = 1;
		return -1;
	}
	st->fts_damaged = 0;
	return 0;
}

int store_fts_damaged(const struct store *st)
{
	return st->fts_damaged;
}

/* The sequence number and COMMIT. */
static int commit_tx(struct store *st)
{
	if (st->seq_dirty) {
		sqlite3_stmt *s = stmt(st, S_SEQ_SAVE);
		if (!s)
			return fail_rc(st, sqlite3_errcode(st->db));
		sqlite3_bind_int64(s, 1, st->seq);
		if (step_done(st, s) < 0)
			return -1;
		st->seq_dirty = 0;
	}
	return simple(st, S_COMMIT);
}

int store_commit(struct store *st)
{
	if (commit_tx(st) < 0)
		return -1;
	/* The FTS_BATCH stories waiting are indexed in a transaction of
	 * their own, after the one that stored the last of them.  They were
	 * indexed inside it, and a damaged search index (a page of
	 * stories_fts_data or _config overwritten: SQLITE_CORRUPT, or
	 * "vtable constructor failed") then failed that commit and every
	 * later one (SQLite refuses to COMMIT a transaction that met a
	 * corrupt page, even after the statement is undone): from 1,024
	 * stories on nothing more was stored, every poll a "database
	 * error", for ever.  The index is made from the stories and can be
	 * made again; the stories cannot.  A flush that fails leaves them
	 * waiting (the daemon retries and says why), and a damaged index is
	 * not tried again here until a flush gets through. */
	if (st->max_id - st->fts_upto >= FTS_BATCH && !st->fts_damaged)
		(void)store_fts_flush(st);
	return 0;
}

void store_rollback(struct store *st)
{
	int64_t seq = st->seq;

	/* A write that failed on a full disk (SQLITE_FULL, as IOERR and
	 * NOMEM) may have rolled the transaction back already, inside
	 * SQLite: memory must forget what it did all the same.  It used to
	 * keep the watermarks of the transaction lost (a COMMIT refused
	 * after fts_catch_up() had moved fts_upto in memory), and once space
	 * was back the stories below that mark stayed out of the search
	 * index for good, which FTS5's integrity-check calls malformed. */
	if (!sqlite3_get_autocommit(st->db))
		simple(st, S_ROLLBACK);
	st->next_story_id = 0;
	if (load_fts(st) < 0)
		st->fts_upto = st->max_id = 0;
	/* The sequence numbers handed out in the rolled-back transaction are
	 * reloaded from the file so the next commit continues without gaps. */
	if (load_seq(st) < 0)
		st->seq = seq;
	st->seq_dirty = 0;
}

static int64_t next_seq(struct store *st)
{
	st->seq_dirty = 1;
	return ++st->seq;
}

/* ---- feeds ---------------------------------------------------------- */

/* Runs one of the S_FEED_* statements for a list entry: 1 when it
 * changed a row, 0 when none, -1 on error.  The statements take the same
 * parameters, each as many as it needs from the front. */
static int feed_step(struct store *st, enum stmt_id id,
                     const struct feedlist_item *it, int64_t now)
{
	sqlite3_stmt *s = stmt(st, id);
	int n;

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	n = sqlite3_bind_parameter_count(s);
	sqlite3_bind_text(s, 1, it->url, -1, SQLITE_STATIC);
	if (n >= 4) {
		bind_text(s, 2, it->title);
		bind_text(s, 3, it->category);
		bind_time(s, 4, it->interval);
	}
	if (n >= 5)
		sqlite3_bind_int64(s, 5, now);
	if (step_done(st, s) < 0)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

/* The keys of the feeds' rows, each row's list_url's, then its url's,
 * the lowest id first: built once per sync, at the first list entry no
 * row has as written (a new feed, or one written differently), so that
 * no entry pays for a scan of the table. */
static int feed_keys(struct store *st)
{
	char err[256];

	return exec(st, "CREATE TEMP TABLE IF NOT EXISTS feed_keys"
	            " (key TEXT PRIMARY KEY, id INTEGER NOT NULL, by_list INTEGER NOT NULL);"
	            "DELETE FROM temp.feed_keys;"
	            "INSERT OR IGNORE INTO temp.feed_keys"
	            " SELECT tidings_url_key(list_url), id, 1 FROM feeds ORDER BY id;"
	            "INSERT OR IGNORE INTO temp.feed_keys"
	            " SELECT tidings_url_key(url), id, 0 FROM feeds ORDER BY id;",
	            err, sizeof err);
}

int store_sync_feeds(struct store *st, const struct feedlist *fl, int64_t now)
{
	int keyed = 0;

	if (store_begin(st) < 0)
		return -1;
	if (simple(st, S_FEED_DEACTIVATE_ALL) < 0)
		goto fail;
	for (size_t i = 0; i < fl->n; i++) {
		const struct feedlist_item *it = &fl->items[i];
		int rc = feed_step(st, S_FEED_LIST_UPDATE, it, now);

		if (rc == 0)
			rc = feed_step(st, S_FEED_URL_UPDATE, it, now);
		if (rc == 0 && !keyed) {
			if (feed_keys(st) < 0)
				goto fail;
			keyed = 1;
		}
		if (rc == 0)
			rc = feed_step(st, S_FEED_KEY_UPDATE, it, now);
		if (rc == 0)
			rc = feed_step(st, S_FEED_INSERT, it, now);
		if (rc < 0)
			goto fail;
	}
	if (simple(st, S_FEED_DROP_UNLISTED) < 0)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return -1;
}

int store_load_feeds(struct store *st, struct store_feed **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, S_FEED_LOAD);
	struct store_feed *v = NULL, *nv;
	size_t cap = 0, len = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_feed *f;

		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(nv = realloc(v, cap * sizeof *v)))
				goto fail;
			v = nv;
		}
		f = &v[len++];
		memset(f, 0, sizeof *f);
		f->id = sqlite3_column_int64(s, 0);
		if (col_dup(s, 1, &f->url) < 0 || col_dup(s, 2, &f->etag) < 0 ||
		    col_dup(s, 3, &f->last_modified) < 0)
			goto fail;
		f->next_poll = sqlite3_column_int64(s, 4);
		f->interval = sqlite3_column_int64(s, 5);
		f->last_success = sqlite3_column_int64(s, 6);
		f->failing_since = sqlite3_column_int64(s, 7);
		f->consecutive_errors = sqlite3_column_int(s, 8);
		f->gone = sqlite3_column_int(s, 9);
		f->adapt_shift = sqlite3_column_int(s, 10);
		f->new_streak = sqlite3_column_int(s, 11);
		f->retry_after = sqlite3_column_int64(s, 12);
		f->hint = sqlite3_column_int64(s, 13);
		if (col_dup(s, 14, &f->retry_host) < 0)
			goto fail;
		f->last_fetch = sqlite3_column_int64(s, 15);
		if (!f->url)
			goto fail;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		fail_rc(st, rc);
		goto fail_noreset;
	}
	*out = v;
	*n = len;
	return 0;
fail:
	sqlite3_reset(s);
fail_noreset:
	store_feeds_free(v, len);
	return -1;
}

int store_feed_holds(struct store *st, int64_t now,
                     int (*each)(const char *url, const char *host, int64_t until,
                                 void *ctx), void *ctx)
{
	sqlite3_stmt *s = stmt(st, S_FEED_HOLDS);
	int rc;

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, now);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *url = (const char *)sqlite3_column_text(s, 0);

		if (url && each(url, (const char *)sqlite3_column_text(s, 2),
		                sqlite3_column_int64(s, 1), ctx) < 0) {
			sqlite3_reset(s);
			return -1;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail_rc(st, rc);
}

void store_feeds_free(struct store_feed *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].url);
		free(f[i].etag);
		free(f[i].last_modified);
		free(f[i].retry_host);
	}
	free(f);
}

/* Moves feed `id` to `url` unless a feed still listed (or listed as that
 * URL) has it (S_FREE_URL): *moved says whether it did.  In the caller's
 * transaction.  0, or -1. */
static int move_url(struct store *st, int64_t id, const char *url, int *moved)
{
	static const enum stmt_id steps[] = { S_FREE_URL, S_POLL_URL };

	*moved = 0;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		sqlite3_stmt *s = stmt(st, steps[i]);

		if (!s)
			return fail_rc(st, sqlite3_errcode(st->db));
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, url, -1, SQLITE_STATIC);
		if (step_done(st, s) < 0)
			return -1;
	}
	*moved = sqlite3_changes(st->db) > 0;
	return 0;
}

int store_record_poll(struct store *st, struct store_poll *p)
{
	sqlite3_stmt *s = stmt(st, S_POLL);
	p->moved = 0;

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, p->feed_id);
	sqlite3_bind_int64(s, 2, p->fetched_at);
	if (p->status)
		sqlite3_bind_int(s, 3, p->status);
	bind_text(s, 4, p->error);
	bind_text(s, 5, p->etag);
	bind_text(s, 6, p->last_modified);
	bind_text(s, 7, p->title);
	bind_text(s, 8, p->site_url);
	bind_time(s, 9, p->next_poll);
	sqlite3_bind_int64(s, 10, p->duration_ms);
	sqlite3_bind_int64(s, 11, p->bytes);
	sqlite3_bind_int(s, 12, p->gone);
	sqlite3_bind_int(s, 13, p->ok);
	bind_time(s, 14, p->retry_after);
	sqlite3_bind_int(s, 15, p->fresh);
	bind_time(s, 16, p->hint);
	if (step_done(st, s) < 0)
		return -1;
	/* Whose wait retry_after is: another host's, or (none kept) the
	 * feed's own. */
	if (!(s = stmt(st, p->retry_after && p->retry_host ? S_RETRY_HOST_SET
	                                                    : S_RETRY_HOST_CLEAR)))
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, p->feed_id);
	if (p->retry_after && p->retry_host)
		bind_text(s, 2, p->retry_host);
	if (step_done(st, s) < 0)
		return -1;
	if (p->new_url && move_url(st, p->feed_id, p->new_url, &p->moved) < 0)
		return -1;
	return 0;
}

int store_move_feed(struct store *st, int64_t feed_id, const char *url)
{
	int moved;

	if (store_begin(st) < 0)
		return -1;
	if (move_url(st, feed_id, url, &moved) < 0 || store_commit(st) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int store_record_adapt(struct store *st, int64_t feed_id, int shift, int streak)
{
	sqlite3_stmt *s = stmt(st, S_ADAPT);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, feed_id);
	sqlite3_bind_int(s, 2, shift);
	sqlite3_bind_int(s, 3, streak);
	return step_done(st, s);
}

/* Runs statement `id` on two values, ?1 and ?2, and a new seq as ?3 when
 * it takes one. */
static int exec_ids(struct store *st, enum stmt_id id, int64_t a, int64_t b)
{
	sqlite3_stmt *s = stmt(st, id);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	if (sqlite3_bind_parameter_count(s) >= 3)
		sqlite3_bind_int64(s, 3, next_seq(st));
	return step_done(st, s);
}

int store_defer_poll(struct store *st, int64_t feed_id, int64_t not_before)
{
	return exec_ids(st, S_DEFER, feed_id, not_before);
}

int store_set_next_poll(struct store *st, int64_t feed_id, int64_t next_poll)
{
	return exec_ids(st, S_SET_NEXT, feed_id, next_poll);
}

int store_set_retry_after(struct store *st, int64_t feed_id, int64_t until)
{
	return exec_ids(st, S_SET_HOLD, feed_id, until);
}

int store_shift_holds(struct store *st, int64_t by, int64_t since)
{
	sqlite3_stmt *s = stmt(st, S_SHIFT_HOLDS);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, by);
	sqlite3_bind_int64(s, 2, since);
	return step_done(st, s);
}

/* ---- stories -------------------------------------------------------- */

int store_find_item(struct store *st, int64_t feed_id, const char *ident,
                    int64_t *story_id, uint64_t *hash, int *owner)
{
	sqlite3_stmt *s = stmt_rebind(st, S_FIND_ITEM);
	int rc;

	*story_id = 0;
	*hash = 0;
	*owner = 0;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, feed_id);
	sqlite3_bind_text(s, 2, ident, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*story_id = sqlite3_column_int64(s, 0);
		*hash = (uint64_t)sqlite3_column_int64(s, 1);
		*owner = sqlite3_column_int(s, 2);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail_rc(st, rc);
}

int store_find_canonical(struct store *st, const char *canonical_url,
                         int64_t *story_id)
{
	sqlite3_stmt *s = stmt_rebind(st, S_FIND_CANON);
	int rc;

	*story_id = 0;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_text(s, 1, canonical_url, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	/* A link that several stories have (a podcast's episodes that all
	 * link to the show's page, docs/dedup.md) names none of them: the
	 * oldest was taken, and another feed's episode under that page (the
	 * show's video feed) was stored as an episode it is not. */
	if (rc == SQLITE_ROW) {
		*story_id = sqlite3_column_int64(s, 0);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			*story_id = 0;
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail_rc(st, rc);
}

/* The fingerprint: bag at `i`, seq/head/tail at `rest`, rest+1, rest+2;
 * NULL when the story has none (bound, not left to a cleared binding:
 * S_INSERT_STORY keeps its last bindings, see stmt_rebind). */
static void bind_fp(sqlite3_stmt *s, int i, int rest, const uint64_t fp[4])
{
	int none = !(fp[0] | fp[1] | fp[2] | fp[3]);

	for (int k = 0; k < 4; k++) {
		int at = k ? rest + k - 1 : i;

		if (none)
			sqlite3_bind_null(s, at);
		else
			sqlite3_bind_int64(s, at, (int64_t)fp[k]);
	}
}

static void bind_id(sqlite3_stmt *s, int i, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

int store_insert_story(struct store *st, const struct store_story *x,
                       int64_t *id)
{
	sqlite3_stmt *s = stmt_rebind(st, S_INSERT_STORY);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, x->feed_id);
	sqlite3_bind_text(s, 2, x->ident, -1, SQLITE_STATIC);
	bind_text(s, 3, x->guid);
	bind_text(s, 4, x->link);
	bind_text(s, 5, x->canonical_url);
	bind_text(s, 6, x->title);
	bind_text(s, 7, x->author);
	bind_time(s, 8, x->published);
	bind_time(s, 9, x->updated);
	sqlite3_bind_int64(s, 10, x->first_seen);
	bind_text(s, 11, x->summary);
	bind_text(s, 12, x->content);
	bind_text(s, 13, x->lang);
	bind_text(s, 14, x->host);
	bind_fp(s, 15, 21, x->simhash);
	sqlite3_bind_int64(s, 16, (int64_t)x->content_hash);
	bind_id(s, 17, x->duplicate_of);
	bind_id(s, 18, x->thread_id);
	sqlite3_bind_int64(s, 19, next_seq(st));
	sqlite3_bind_int64(s, 20, x->event_time ? x->event_time : x->first_seen);
	bind_text(s, 24, x->image);
	bind_text(s, 25, x->tags);
	if (step_done(st, s) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	if (st->next_story_id) {
		/* The caller already gave this id to the clusterer. */
		if (*id != st->next_story_id)
			return fail_rc(st, SQLITE_INTERNAL);
		st->next_story_id = *id + 1;
	}
	if (*id > st->max_id)
		st->max_id = *id;
	return store_add_story_feed(st, *id, x->feed_id, x->ident, x->first_seen,
	                            x->content_hash);
}


int store_next_story_id(struct store *st, int64_t *id)
{
	int rc = 0;

	if (!st->next_story_id)
		rc = one_int(st, S_NEXT_STORY_ID, 0, &st->next_story_id);
	*id = st->next_story_id;
	return rc;
}

int store_update_story(struct store *st, int64_t id,
                       const struct store_story *x)
{
	sqlite3_stmt *s;
	/* A story in the index leaves it with its old words and comes back
	 * with the new; one not indexed yet is indexed later as it is then.
	 * A damaged index (store_commit) is left alone: a transaction that
	 * met its corrupt page cannot commit, and the story and the rest of
	 * its feed's response were refused with it at every poll. */
	int indexed = id <= st->fts_upto && !st->fts_damaged;

	if (indexed && fts_by_id(st, S_FTS_DELETE, id) < 0) {
		if (st->last_rc == SQLITE_CORRUPT)
			st->fts_damaged = 1;     /* (the retry goes without) */
		st->last_fts = 1;
		return -1;
	}
	if (!(s = stmt(st, S_UPDATE_STORY)))
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, x->guid);
	bind_text(s, 3, x->link);
	bind_text(s, 4, x->title);
	bind_text(s, 5, x->author);
	bind_time(s, 6, x->published);
	bind_time(s, 7, x->updated);
	bind_text(s, 8, x->summary);
	bind_text(s, 9, x->content);
	bind_text(s, 10, x->lang);
	bind_fp(s, 11, 14, x->simhash);
	sqlite3_bind_int64(s, 12, (int64_t)x->content_hash);
	sqlite3_bind_int64(s, 13, next_seq(st));
	bind_text(s, 17, x->image);
	bind_text(s, 18, x->tags);
	/* The link it has now is the one other feeds carry it under. */
	bind_text(s, 19, x->canonical_url);
	if (step_done(st, s) < 0)
		return -1;
	if (indexed && fts_by_id(st, S_FTS_INSERT, id) < 0) {
		if (st->last_rc == SQLITE_CORRUPT)
			st->fts_damaged = 1;
		st->last_fts = 1;
		return -1;
	}
	/* Its old words stay in the index, marked deleted, until a merge. */
	if (indexed && fts_dead_add(st, 1) < 0)
		return -1;
	return 0;
}

int store_add_story_feed(struct store *st, int64_t story_id, int64_t feed_id,
                         const char *ident, int64_t first_seen, uint64_t hash)
{
	sqlite3_stmt *s = stmt_rebind(st, S_INSERT_STORY_FEED);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, story_id);
	sqlite3_bind_int64(s, 2, feed_id);
	sqlite3_bind_text(s, 3, ident, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, first_seen);
	sqlite3_bind_int64(s, 5, (int64_t)hash);
	return step_done(st, s);
}

int store_set_item_hash(struct store *st, int64_t feed_id, const char *ident,
                        uint64_t hash)
{
	sqlite3_stmt *s = stmt(st, S_ITEM_HASH);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, feed_id);
	sqlite3_bind_text(s, 2, ident, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)hash);
	return step_done(st, s);
}

/* Runs s, whose rows are (story id, key), for the first row whose key
 * `listed` says the document being stored does not have: its story in
 * *story_id and its key, malloc'd, in *old_ident.  unique: only when no
 * other row's key is unlisted too (which of them, nobody can tell); else
 * none.  0 (nothing found: *story_id 0, *old_ident NULL), or -1 on an
 * error or out of memory. */
static int unlisted_key(struct store *st, sqlite3_stmt *s, int unique,
                        int (*listed)(const char *ident, void *ctx), void *ctx,
                        int64_t *story_id, char **old_ident)
{
	int rc, n = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 1);

		if (!k || listed(k, ctx))
			continue;
		if (++n > 1)
			break;
		*story_id = sqlite3_column_int64(s, 0);
		if (!(*old_ident = strdup(k))) {
			sqlite3_reset(s);
			*story_id = 0;
			return -1;
		}
		if (!unique)
			break;
	}
	sqlite3_reset(s);
	if ((rc != SQLITE_ROW && rc != SQLITE_DONE) || n > 1) {
		free(*old_ident);
		*old_ident = NULL;
		*story_id = 0;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return fail_rc(st, rc);
	}
	return 0;
}

int store_find_redated(struct store *st, int64_t feed_id, const char *ident,
                       uint64_t hash, int64_t published,
                       int (*listed)(const char *ident, void *ctx), void *ctx,
                       int64_t *story_id, char **old_ident)
{
	sqlite3_stmt *s = stmt_rebind(st, S_FIND_REDATED);

	*story_id = 0;
	*old_ident = NULL;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, feed_id);
	sqlite3_bind_text(s, 2, ident, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)hash);
	sqlite3_bind_int64(s, 4, published);
	return unlisted_key(st, s, 1, listed, ctx, story_id, old_ident);
}

int store_feed_item_of(struct store *st, int64_t feed_id, int64_t story_id, int64_t since,
                       int (*listed)(const char *ident, void *ctx), void *ctx,
                       char **old_ident)
{
	sqlite3_stmt *s = stmt(st, S_FEED_ITEM_OF);
	int64_t id = 0;

	*old_ident = NULL;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, story_id);
	sqlite3_bind_int64(s, 2, feed_id);
	sqlite3_bind_int64(s, 3, since);
	return unlisted_key(st, s, 0, listed, ctx, &id, old_ident);
}

int store_feed_item_shared(struct store *st, int64_t feed_id, const char *canonical_url,
                           uint64_t hash, int64_t since,
                           int (*listed)(const char *ident, void *ctx), void *ctx,
                           int64_t *story_id, char **old_ident)
{
	sqlite3_stmt *s = stmt_rebind(st, S_FEED_ITEM_SHARED);

	*story_id = 0;
	*old_ident = NULL;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, feed_id);
	sqlite3_bind_text(s, 2, canonical_url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)hash);
	sqlite3_bind_int64(s, 4, since);
	return unlisted_key(st, s, 1, listed, ctx, story_id, old_ident);
}

int store_rekey_item(struct store *st, int64_t feed_id, const char *old_ident,
                     const char *ident)
{
	sqlite3_stmt *s = stmt(st, S_REKEY_ITEM);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, feed_id);
	sqlite3_bind_text(s, 2, old_ident, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ident, -1, SQLITE_STATIC);
	if (step_done(st, s) < 0)
		return -1;
	if (!(s = stmt(st, S_REKEY_STORY)))
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, feed_id);
	sqlite3_bind_text(s, 2, old_ident, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ident, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, next_seq(st));
	return step_done(st, s);
}

/* ---- reading --------------------------------------------------------- */

static int64_t col_i64(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, i);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* Runs a one-off reader query; readers prepare per call (they run once).
 * Parameters ?1..?nargs are bound from args (integers) in order, and
 * ?nargs+1 from text when given. */
static int query_n(struct store *st, const char *sql, const int64_t *args,
                   int nargs, const char *text, int (*row)(sqlite3_stmt *, void *),
                   void *ctx)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL)) != SQLITE_OK)
		return fail_rc(st, rc);
	for (int i = 0; i < nargs && i < sqlite3_bind_parameter_count(s); i++)
		sqlite3_bind_int64(s, i + 1, args[i]);
	if (text)      /* the text parameter comes after the integers */
		sqlite3_bind_text(s, nargs + 1, text, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (row(s, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : fail_rc(st, rc);
}

static int query(struct store *st, const char *sql, int64_t arg,
                 int (*row)(sqlite3_stmt *, void *), void *ctx)
{
	return query_n(st, sql, &arg, 1, NULL, row, ctx);
}

struct cb_ctx {
	void *cb;
	void *ctx;
};

static int feed_row(sqlite3_stmt *s, void *p)
{
	struct cb_ctx *c = p;
	struct store_feed_row r = {
		.id = col_i64(s, 0), .url = col_text(s, 1), .title = col_text(s, 2),
		.site_url = col_text(s, 3), .category = col_text(s, 4),
		.last_error = col_text(s, 5), .active = (int)col_i64(s, 6),
		.gone = (int)col_i64(s, 7), .last_fetch = col_i64(s, 8),
		.last_success = col_i64(s, 9), .next_poll = col_i64(s, 10),
		.last_status = (int)col_i64(s, 11),
		.consecutive_errors = (int)col_i64(s, 12), .stories = col_i64(s, 13),
		.duration_ms = col_i64(s, 14), .bytes = col_i64(s, 15),
		.interval = col_i64(s, 16),
		.list_title = col_text(s, 17),
	};
	return ((store_feed_cb *)c->cb)(&r, c->ctx);
}

/* Stories, not rows: a feed can carry one story under several
 * identities (a guid it rotated before that was noticed, then the story's
 * link: docs/dedup.md).  The count reads every story_feeds row (150-250 ms
 * at a million); the feed list alone (export-opml) asks for none. */
#define FEEDS_SQL(stories) \
	"SELECT f.id, f.url, coalesce(f.title, f.list_title), f.site_url," \
	" f.category, f.last_error, f.active, f.gone, f.last_fetch," \
	" f.last_success, f.next_poll, f.last_status, f.consecutive_errors," \
	" " stories ", f.duration_ms, f.bytes, f.interval, f.list_title" \
	" FROM feeds f ORDER BY f.active DESC, f.id"
const char STORE_FEEDS_SQL[] = FEEDS_SQL(
	"(SELECT count(DISTINCT sf.story_id) FROM story_feeds sf WHERE sf.feed_id = f.id)");
const char STORE_FEED_LIST_SQL[] = FEEDS_SQL("0");

int store_list_feeds(struct store *st, int stories, store_feed_cb *cb, void *ctx)
{
	struct cb_ctx c = { (void *)cb, ctx };

	return query(st, stories ? STORE_FEEDS_SQL : STORE_FEED_LIST_SQL, 0, feed_row, &c);
}

/* The columns story_row reads, then `tail`.  A reader may open a database
 * the daemon has not migrated yet (tidings upgraded, the service not yet
 * restarted): a column newer than its schema reads as NULL. */
static const char *story_sql(const struct store *st, char *buf, size_t n, const char *tail)
{
	/* Feeds, not rows: one feed can carry the story under several
	 * identities (see store_list_feeds). */
	snprintf(buf, n,
	         "SELECT s.id, s.feed_id, s.thread_id, s.duplicate_of, s.title, s.link,"
	         " s.author, coalesce(f.title, f.list_title, f.url), s.host, s.summary,"
	         " s.published, s.first_seen,"
	         " (SELECT count(DISTINCT sf.feed_id) FROM story_feeds sf WHERE sf.story_id = s.id),"
	         " %s, %s, s.event_time %s",
	         st->version >= 5 ? "s.image" : "NULL",
	         st->version >= 5 ? "(SELECT group_concat(value, char(31)) FROM json_each(s.tags))"
	                          : "NULL", tail);
	return buf;
}

static int story_row(sqlite3_stmt *s, void *p)
{
	struct cb_ctx *c = p;
	struct store_story_row r = {
		.id = col_i64(s, 0), .feed_id = col_i64(s, 1),
		.thread_id = col_i64(s, 2), .duplicate_of = col_i64(s, 3),
		.title = col_text(s, 4), .link = col_text(s, 5),
		.author = col_text(s, 6), .feed_title = col_text(s, 7),
		.host = col_text(s, 8), .summary = col_text(s, 9),
		.published = col_i64(s, 10), .first_seen = col_i64(s, 11),
		.feeds = (int)col_i64(s, 12), .image = col_text(s, 13),
		.tags = col_text(s, 14), .event_time = col_i64(s, 15),
	};
	return ((store_story_cb *)c->cb)(&r, c->ctx);
}

int store_list_stories(struct store *st, int64_t limit, store_story_cb *cb,
                       void *ctx)
{
	struct cb_ctx c = { (void *)cb, ctx };
	char sql[1024];

	return query(st, story_sql(st, sql, sizeof sql,
		"FROM stories s JOIN feeds f ON f.id = s.feed_id"
		/* event_time, not the feed's published: a story dated years
		 * ahead (a feed's wrong clock) topped the list until then.
		 * Its index also spares sorting every story. */
		" ORDER BY s.event_time DESC, s.id DESC"
		" LIMIT ?1"), limit > 0 ? limit : -1, story_row, &c);
}

/* ---- threads --------------------------------------------------------- */

static int put_thread(struct store *st, enum stmt_id id, const struct store_thread *t)
{
	sqlite3_stmt *s = stmt_rebind(st, id);   /* binds all nine */

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, t->id);
	bind_id(s, 2, t->title_story_id);
	bind_text(s, 3, t->keywords);
	sqlite3_bind_int64(s, 4, t->first_seen);
	sqlite3_bind_int64(s, 5, t->last_updated);
	sqlite3_bind_int64(s, 6, t->story_count);
	sqlite3_bind_int64(s, 7, t->source_count);
	sqlite3_bind_int64(s, 8, next_seq(st));
	bind_text(s, 9, t->title);
	return step_done(st, s);
}

int store_put_thread(struct store *st, const struct store_thread *t)
{
	/* A new thread whose id has a row after all (it cannot, as the
	 * clusterer numbers threads after every stored one; but were it to)
	 * is rewritten as an existing one rather than failing the feed. */
	if (t->is_new) {
		if (put_thread(st, S_NEW_THREAD, t) == 0)
			return 0;
		if (st->last_rc != SQLITE_CONSTRAINT)
			return -1;
		st->seq--;      /* nothing was written with it */
	}
	if (put_thread(st, S_UPDATE_THREAD, t) < 0)
		return -1;
	if (sqlite3_changes(st->db) == 1)
		return 0;
	/* No live row by that id (the clusterer's threads always have one;
	 * this keeps the upsert's meaning whatever happened). */
	st->seq--;
	return put_thread(st, S_PUT_THREAD, t);
}

int store_merge_thread(struct store *st, int64_t loser, int64_t survivor)
{
	if (loser == survivor)
		return 0;
	if (exec_ids(st, S_MERGE_STORIES, loser, survivor) < 0 ||
	    exec_ids(st, S_MERGE_CHAIN, loser, survivor) < 0 ||
	    exec_ids(st, S_MERGE_THREAD, loser, survivor) < 0)
		return -1;
	return 0;
}

int store_set_story_thread(struct store *st, int64_t story_id, int64_t thread_id)
{
	return exec_ids(st, S_SET_STORY_THREAD, story_id, thread_id);
}

/* Steps statement s, bound by the caller, for at most one row: its first
 * n integer columns in out[] (all 0 without a row). */
static int row_ints(struct store *st, sqlite3_stmt *s, int64_t *out, int n)
{
	int rc;

	for (int i = 0; i < n; i++)
		out[i] = 0;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		for (int i = 0; i < n; i++)
			out[i] = col_i64(s, i);
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail_rc(st, rc);
}

static int one_int(struct store *st, enum stmt_id id, int64_t arg, int64_t *out)
{
	sqlite3_stmt *s = stmt(st, id);

	*out = 0;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	if (sqlite3_bind_parameter_count(s) > 0)
		sqlite3_bind_int64(s, 1, arg);
	return row_ints(st, s, out, 1);
}

int store_story_thread(struct store *st, int64_t story_id, int64_t *thread_id)
{
	return one_int(st, S_STORY_THREAD, story_id, thread_id);
}

int store_max_thread_id(struct store *st, int64_t *out)
{
	return one_int(st, S_MAX_THREAD, 0, out);
}

struct window_ctx {
	store_window_cb *cb;
	void *ctx;
};

/* The columns window_row reads. */
#define WINDOW_COLS \
	"id, event_time, thread_id, duplicate_of, title, summary, lang," \
	" host, simhash, simhash_seq, simhash_head, simhash_tail," \
	" coalesce(canonical_url, link), feed_id"

static int window_row(sqlite3_stmt *s, void *p)
{
	struct window_ctx *c = p;
	struct store_window_row r = {
		.id = col_i64(s, 0), .event_time = col_i64(s, 1),
		.thread_id = col_i64(s, 2), .duplicate_of = col_i64(s, 3),
		.title = col_text(s, 4), .summary = col_text(s, 5),
		.lang = col_text(s, 6), .host = col_text(s, 7),
		.simhash = { (uint64_t)col_i64(s, 8), (uint64_t)col_i64(s, 9),
		             (uint64_t)col_i64(s, 10), (uint64_t)col_i64(s, 11) },
		.link = col_text(s, 12), .feed_id = col_i64(s, 13),
	};
	return c->cb(&r, c->ctx);
}

int store_window(struct store *st, int64_t since, store_window_cb *cb, void *ctx)
{
	struct window_ctx c = { cb, ctx };

	return query(st,
		"SELECT " WINDOW_COLS " FROM stories WHERE event_time >= ?1"
		" ORDER BY event_time, id", since, window_row, &c);
}

int store_unsaved_before(struct store *st, int64_t after, int64_t before,
                         store_window_cb *cb, void *ctx)
{
	struct window_ctx c = { cb, ctx };
	const int64_t args[2] = { after, before };

	/* A range of the rowid: the stories since the last save, few but
	 * after a daemon killed in its first poll of many feeds. */
	return query_n(st,
		"SELECT " WINDOW_COLS " FROM stories WHERE id > ?1 AND event_time < ?2 AND thread_id IS NOT NULL"
		" ORDER BY id", args, 2, NULL, window_row, &c);
}

static int window_title_row(sqlite3_stmt *s, void *p)
{
	struct cb_ctx *c = p;
	store_window_title_cb *cb = (store_window_title_cb *)c->cb;

	return cb(col_i64(s, 0), col_i64(s, 1), col_text(s, 2), c->ctx);
}

int store_window_titles(struct store *st, int64_t since, store_window_title_cb *cb, void *ctx)
{
	struct cb_ctx c = { (void *)cb, ctx };

	/* Only titles that may have a lead-in ("Ask HN: ..."). */
	return query(st,
		"SELECT id, feed_id, title FROM stories"
		" WHERE event_time >= ?1 AND instr(title, ': ') > 0", since, window_title_row, &c);
}

static int thread_count_row(sqlite3_stmt *s, void *p)
{
	struct cb_ctx *c = p;
	return ((store_thread_count_cb *)c->cb)(col_i64(s, 0), col_i64(s, 1), col_i64(s, 2),
	                                         c->ctx);
}

int store_window_threads(struct store *st, int64_t since, store_thread_count_cb *cb,
                         void *ctx)
{
	struct cb_ctx c = { (void *)cb, ctx };

	return query(st,
		"SELECT id, story_count, first_seen FROM threads"
		" WHERE last_updated >= ?1 AND merged_into IS NULL", since, thread_count_row, &c);
}

struct stats_ctx {
	int64_t *stories, *first_seen, *last_updated;
};

static int stats_row(sqlite3_stmt *s, void *p)
{
	struct stats_ctx *c = p;

	*c->stories = col_i64(s, 0);
	*c->first_seen = col_i64(s, 1);
	*c->last_updated = col_i64(s, 2);
	return 1;
}

int store_thread_stats(struct store *st, int64_t thread_id, int64_t except_story,
                       int64_t *stories, int64_t *first_seen, int64_t *last_updated)
{
	struct stats_ctx c = { stories, first_seen, last_updated };
	int64_t args[2] = { thread_id, except_story };

	*stories = *first_seen = *last_updated = 0;
	return query_n(st,
		"SELECT count(*), coalesce(min(event_time), 0), coalesce(max(event_time), 0)"
		" FROM stories"
		" WHERE thread_id = ?1 AND id <> ?2", args, 2, NULL, stats_row, &c);
}

static int host_row(sqlite3_stmt *s, void *p)
{
	struct cb_ctx *c = p;
	return ((store_host_cb *)c->cb)(col_text(s, 0), c->ctx);
}

int store_thread_hosts(struct store *st, int64_t thread_id, store_host_cb *cb, void *ctx)
{
	struct cb_ctx c = { (void *)cb, ctx };

	return query(st,
		"SELECT DISTINCT host FROM stories WHERE thread_id = ?1 AND host IS NOT NULL",
		thread_id, host_row, &c);
}

int store_df_begin_save(struct store *st, int64_t total, int whole)
{
	sqlite3_stmt *s;

	if ((whole && simple(st, S_DF_CLEAR) < 0) || simple(st, S_DF_UPTO) < 0 ||
	    !(s = stmt(st, S_DF_TOTAL)))
		return -1;
	sqlite3_bind_int64(s, 1, total);
	return step_done(st, s);
}

int store_df_put(struct store *st, const char *term, int64_t df)
{
	sqlite3_stmt *s = stmt(st, S_DF_PUT);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_text(s, 1, term, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, df);
	return step_done(st, s);
}

struct df_ctx {
	store_df_cb *cb;
	void *ctx;
};

static int df_row(sqlite3_stmt *s, void *p)
{
	struct df_ctx *c = p;
	return c->cb(col_text(s, 0), col_i64(s, 1), c->ctx);
}

static int total_row(sqlite3_stmt *s, void *p)
{
	*(int64_t *)p = col_i64(s, 0);
	return 0;
}

int store_df_load(struct store *st, int64_t *total, store_df_cb *cb, void *ctx)
{
	struct df_ctx c = { cb, ctx };

	*total = 0;
	if (query(st, "SELECT value FROM meta WHERE key = 'df_total'", 0,
	          total_row, total) < 0)
		return -1;
	return query(st, "SELECT term, df FROM term_df", 0, df_row, &c);
}

int store_df_upto(struct store *st, int64_t *upto)
{
	int64_t saved = -1;

	/* Nothing saved yet: no story is counted.  A total without the mark
	 * (a table saved before there was one): every story is. */
	*upto = -1;
	if (query(st, "SELECT value FROM meta WHERE key = 'df_upto'", 0, total_row, upto) < 0 ||
	    query(st, "SELECT value FROM meta WHERE key = 'df_total'", 0, total_row, &saved) < 0)
		return -1;
	if (*upto < 0)
		*upto = saved < 0 ? 0 : INT64_MAX;
	return 0;
}

int store_feed_has_canonical(struct store *st, int64_t feed_id,
                             const char *canonical_url, int *has)
{
	sqlite3_stmt *s = stmt(st, S_FEED_HAS_CANON);
	int rc;

	*has = 0;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, feed_id);
	sqlite3_bind_text(s, 2, canonical_url, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	*has = rc == SQLITE_ROW;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail_rc(st, rc);
}

int store_story_in_feed(struct store *st, int64_t story_id, int64_t feed_id, int *state)
{
	sqlite3_stmt *s = stmt(st, S_STORY_IN_FEED);
	int rc;

	*state = 0;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, story_id);
	sqlite3_bind_int64(s, 2, feed_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*state = 1 + (sqlite3_column_int(s, 0) != 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail_rc(st, rc);
}

int store_story_byline(struct store *st, int64_t story_id, char **author, char **link,
                       char **guid)
{
	sqlite3_stmt *s = stmt(st, S_STORY_BYLINE);
	int rc;

	*author = *link = *guid = NULL;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, story_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && (col_dup(s, 0, author) < 0 || col_dup(s, 1, link) < 0 ||
	                         col_dup(s, 2, guid) < 0)) {
		sqlite3_reset(s);
		free(*author);
		free(*link);
		*author = *link = NULL;
		return -1;    /* out of memory */
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail_rc(st, rc);
}

int store_max_event_time(struct store *st, int64_t *out)
{
	return one_int(st, S_MAX_EVENT_TIME, 0, out);
}

int store_feed_guids_rotate(struct store *st, int64_t feed_id, int *rotate)
{
	int64_t v;
	int rc = one_int(st, S_GUIDS_ROTATE_GET, feed_id, &v);

	*rotate = (int)v;
	return rc;
}

int store_set_feed_guids_rotate(struct store *st, int64_t feed_id, int rotate)
{
	return exec_ids(st, S_GUIDS_ROTATE_SET, feed_id, rotate);
}

int store_feed_added(struct store *st, int64_t feed_id, int64_t *added)
{
	return one_int(st, S_FEED_ADDED, feed_id, added);
}

int store_feed_at(struct store *st, const char *url, int64_t *feed_id, int *gone,
                  int *yields)
{
	sqlite3_stmt *s = stmt(st, S_FEED_AT);
	int64_t v[3] = { 0, 0, 0 };
	int rc;

	if (s) {
		sqlite3_bind_text(s, 1, url, -1, SQLITE_STATIC);
		rc = row_ints(st, s, v, 3);
	} else {
		rc = fail_rc(st, sqlite3_errcode(st->db));
	}
	*feed_id = v[0];
	*gone = v[1] != 0;
	*yields = v[2] != 0;
	return rc;
}

/* ---- reading threads -------------------------------------------------- */

#define THREAD_COLS \
	"t.id, t.title_story_id, t.merged_into, t.title, t.keywords," \
	" (SELECT group_concat(host, ' ') FROM (SELECT DISTINCT s.host FROM stories s" \
	"   WHERE s.thread_id = t.id AND s.host IS NOT NULL ORDER BY s.host))," \
	" t.first_seen, t.last_updated, t.story_count, t.source_count"

static int thread_row(sqlite3_stmt *s, void *p)
{
	struct cb_ctx *c = p;
	struct store_thread_row r = {
		.id = col_i64(s, 0), .title_story_id = col_i64(s, 1),
		.merged_into = col_i64(s, 2), .title = col_text(s, 3),
		.keywords = col_text(s, 4), .sources = col_text(s, 5),
		.first_seen = col_i64(s, 6), .last_updated = col_i64(s, 7),
		.story_count = col_i64(s, 8), .source_count = col_i64(s, 9),
	};
	return ((store_thread_cb *)c->cb)(&r, c->ctx);
}

int store_list_threads(struct store *st, int64_t since, int min_sources,
                       int64_t limit, store_thread_cb *cb, void *ctx)
{
	struct cb_ctx c = { (void *)cb, ctx };
	int64_t args[3] = { since, min_sources, limit > 0 ? limit : -1 };

	return query_n(st,
		"SELECT " THREAD_COLS " FROM threads t"
		" WHERE t.merged_into IS NULL AND t.last_updated >= ?1"
		" AND t.source_count >= ?2"
		" ORDER BY t.last_updated DESC, t.id DESC LIMIT ?3",
		args, 3, NULL, thread_row, &c);
}

/* Merges chain (a survivor can be merged later): follow to the end.  Each
 * step looks its thread up in a scalar subquery, not in a join of threads
 * with chain: once the database has statistics (the daemon's PRAGMA
 * optimize writes them), SQLite took the recursive table for a big one and
 * put a Bloom filter on the join, built by reading the whole threads
 * table, at every `tidings thread` (50-100 ms at 200,000 threads, for
 * a one-story thread).  A step from a thread that is not merged (or has
 * no row) gives NULL, where the chain ends. */
const char STORE_GET_THREAD_SQL[] =
	"WITH RECURSIVE chain(id, n) AS (SELECT ?1, 0 UNION ALL"
	"  SELECT (SELECT merged_into FROM threads WHERE id = chain.id), n + 1"
	"  FROM chain WHERE id IS NOT NULL AND n < 100)"
	" SELECT " THREAD_COLS " FROM threads t"
	" WHERE t.id = (SELECT id FROM chain WHERE id IS NOT NULL"
	"  ORDER BY n DESC LIMIT 1)";

int store_get_thread(struct store *st, int64_t id, store_thread_cb *cb, void *ctx)
{
	struct cb_ctx c = { (void *)cb, ctx };

	return query(st, STORE_GET_THREAD_SQL, id, thread_row, &c);
}

int store_thread_stories(struct store *st, int64_t thread_id,
                         store_story_cb *cb, void *ctx)
{
	struct cb_ctx c = { (void *)cb, ctx };
	char sql[1024];

	return query(st, story_sql(st, sql, sizeof sql,
		"FROM stories s JOIN feeds f ON f.id = s.feed_id"
		" WHERE s.thread_id = ?1 ORDER BY s.event_time, s.id"),
		thread_id, story_row, &c);
}

/* Without it each statement of a reader reads the database as the
 * writer last committed it: `tidings thread` printed a thread's head
 * (1 story) and then its stories from a later commit (2 stories). */
int store_read_begin(struct store *st)
{
	int rc = sqlite3_exec(st->db, "BEGIN DEFERRED", NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : fail_rc(st, rc);
}

void store_read_end(struct store *st)
{
	/* Nothing to keep: a read transaction ends as well by a rollback,
	 * which also succeeds after an error ended it already. */
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The hits are ranked in the index alone, and only those kept read their
 * stories: joined to stories before the LIMIT, every match read its row
 * (summary and content included) and counted its feeds and split its tags
 * before the sort, so that a word most stories have took 2.0 s at a
 * million stories where ranking them takes 0.9 s.  rowid DESC is s.id
 * DESC, the order among equal scores. */
const char *store_search_sql(const struct store *st, char *buf, size_t n)
{
	return story_sql(st, buf, n,
		"FROM (SELECT rowid AS id, bm25(stories_fts, 3.0, 1.0) AS score"
		"      FROM stories_fts WHERE stories_fts MATCH ?2"
		"      ORDER BY score, rowid DESC LIMIT ?1) AS hit"
		" JOIN stories s ON s.id = hit.id"
		" JOIN feeds f ON f.id = s.feed_id"
		" ORDER BY hit.score, s.id DESC");
}

int store_search(struct store *st, const char *q, int64_t limit,
                 store_story_cb *cb, void *ctx)
{
	struct cb_ctx c = { (void *)cb, ctx };
	int64_t args[1] = { limit > 0 ? limit : -1 };
	char sql[1024];

	return query_n(st, store_search_sql(st, sql, sizeof sql), args, 1, q, story_row, &c);
}

/* ---- status ---------------------------------------------------------- */

static int counts_row(sqlite3_stmt *s, void *p)
{
	struct store_counts *c = p;

	c->feeds = col_i64(s, 0);
	c->failing = col_i64(s, 1);
	c->stories = col_i64(s, 2);
	c->threads_since = col_i64(s, 3);
	return 0;
}

int store_counts(struct store *st, int64_t since, struct store_counts *out)
{
	memset(out, 0, sizeof *out);
	/* count(*) on stories walks its smallest index; the threads count
	 * is a range of threads_last_updated. */
	return query(st,
		"SELECT"
		" (SELECT count(*) FROM feeds WHERE active AND NOT gone),"
		" (SELECT count(*) FROM feeds WHERE active AND NOT gone"
		"   AND consecutive_errors > 0),"
		" (SELECT count(*) FROM stories),"
		" (SELECT count(*) FROM threads WHERE last_updated >= ?1"
		"   AND merged_into IS NULL)", since, counts_row, out);
}

int store_story_fingerprint(struct store *st, int64_t id, uint64_t fp[4],
                            char **title, char **host, int64_t *event_time)
{
	sqlite3_stmt *s = stmt(st, S_STORY_FP);
	int rc;

	memset(fp, 0, 4 * sizeof *fp);
	*title = NULL;
	*host = NULL;
	*event_time = 0;
	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		for (int i = 0; i < 4; i++)
			fp[i] = (uint64_t)col_i64(s, i);
		*event_time = col_i64(s, 5);
		if (col_dup(s, 4, title) < 0 || col_dup(s, 6, host) < 0) {
			sqlite3_reset(s);
			free(*title);
			*title = NULL;
			return -1;    /* out of memory (store_errmsg says so) */
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail_rc(st, rc);
}

/* Runs statement `id` on a row id (?1) that takes a new seq (?2). */
static int step_with_seq(struct store *st, enum stmt_id id, int64_t row)
{
	sqlite3_stmt *s = stmt(st, id);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_int64(s, 2, next_seq(st));
	return step_done(st, s);
}

int store_recount_thread(struct store *st, int64_t thread_id)
{
	return step_with_seq(st, S_RECOUNT_THREAD, thread_id);
}

int store_settle_thread(struct store *st, int64_t thread_id)
{
	sqlite3_stmt *s = stmt(st, S_SETTLE_THREAD), *t = stmt(st, S_SETTLE_TITLE);

	if (!s || !t)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, thread_id);
	sqlite3_bind_int64(s, 2, next_seq(st));
	if (step_done(st, s) < 0)
		return -1;
	sqlite3_bind_int64(t, 1, thread_id);
	return step_done(st, t);
}

int store_thread_keywords(struct store *st, int64_t thread_id, const char *keywords)
{
	sqlite3_stmt *s = stmt(st, S_THREAD_KEYWORDS);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, thread_id);
	bind_text(s, 2, keywords);
	return step_done(st, s);
}

int store_title_thread(struct store *st, int64_t thread_id, int64_t story_id)
{
	return exec_ids(st, S_RETITLE_BY, thread_id, story_id);
}

int store_retitle_to(struct store *st, int64_t thread_id, int64_t story_id)
{
	return exec_ids(st, S_RETITLE_TO, thread_id, story_id);
}

int store_recopy(struct store *st, int64_t story_id)
{
	sqlite3_stmt *s;

	if (step_with_seq(st, S_RECOPY, story_id) < 0)
		return -1;
	if (!(s = stmt(st, S_UNCOPY)))
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, story_id);
	return step_done(st, s);
}

int store_story_hash(struct store *st, int64_t story_id, uint64_t *hash)
{
	sqlite3_stmt *s = stmt(st, S_STORY_HASH);
	int64_t v = 0;
	int rc;

	if (s) {
		sqlite3_bind_int64(s, 1, story_id);
		rc = row_ints(st, s, &v, 1);
	} else {
		rc = fail_rc(st, sqlite3_errcode(st->db));
	}
	*hash = (uint64_t)v;
	return rc;
}

int store_story_copy_of(struct store *st, int64_t story_id, int64_t *original,
                        int64_t *original_time)
{
	sqlite3_stmt *s = stmt(st, S_COPY_OF);
	int64_t v[2] = { 0, 0 };
	int rc;

	if (s) {
		sqlite3_bind_int64(s, 1, story_id);
		rc = row_ints(st, s, v, 2);
	} else {
		rc = fail_rc(st, sqlite3_errcode(st->db));
	}
	*original = v[0];
	*original_time = v[1];
	return rc;
}

int store_retitle_thread(struct store *st, int64_t thread_id, int64_t story_id)
{
	sqlite3_stmt *s = stmt(st, S_RETITLE);

	if (!s)
		return fail_rc(st, sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, thread_id);
	sqlite3_bind_int64(s, 2, story_id);
	sqlite3_bind_int64(s, 3, next_seq(st));
	if (step_done(st, s) < 0)
		return -1;
	if (sqlite3_changes(st->db) == 0)
		st->seq--;      /* nothing was written with it */
	return 0;
}

int store_prune(struct store *st, int64_t cut, int batch, int *deleted, int64_t *newest)
{
	sqlite3_stmt *s;
	int64_t oldest = 0, *threads = NULL;
	size_t nthreads = 0;
	int threads_done = 0, rc;

	*deleted = 0;
	*newest = INT64_MIN;
	if (store_begin(st) < 0)
		return -1;
	/* The oldest story (one end of stories_first_seen): when it is
	 * inside the retention period there is nothing to prune.  (It was
	 * the lowest id's first_seen, which is the oldest but for a clock
	 * that was wrong: a first story stored while the clock ran days
	 * ahead held every pass back until that day came, deleting nothing
	 * however old the stories after it.) */
	if (one_int(st, S_OLDEST_FIRST_SEEN, 0, &oldest) < 0)
		goto fail;
	if (oldest && oldest < cut) {
		/* The threads losing stories, before they lose them. */
		if (!(threads = malloc((size_t)batch * sizeof *threads)) ||
		    !(s = stmt(st, S_PRUNE_THREAD_IDS)))
			goto fail;
		sqlite3_bind_int64(s, 1, cut);
		sqlite3_bind_int(s, 2, batch);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW && nthreads < (size_t)batch)
			threads[nthreads++] = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			fail_rc(st, rc);
			goto fail;
		}
		if (!(s = stmt(st, S_PRUNE_NEWEST)))
			goto fail;
		sqlite3_bind_int64(s, 1, cut);
		sqlite3_bind_int(s, 2, batch);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
			*newest = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			fail_rc(st, rc);
			goto fail;
		}
		if (!(s = stmt(st, S_PRUNE_COPIES)))
			goto fail;
		sqlite3_bind_int64(s, 1, cut);
		sqlite3_bind_int(s, 2, batch);
		sqlite3_bind_int64(s, 3, next_seq(st));
		if (step_done(st, s) < 0)
			goto fail;
		if (!(s = stmt(st, S_PRUNE_STORIES)))
			goto fail;
		sqlite3_bind_int64(s, 1, cut);
		sqlite3_bind_int(s, 2, batch);
		if (step_done(st, s) < 0)
			goto fail;
		*deleted = sqlite3_changes(st->db);
		st->prune_threads |= *deleted > 0;
		if (*deleted > 0 && fts_dead_add(st, *deleted) < 0)
			goto fail;
		/* A thread that keeps some of its stories counts what is left
		 * (one emptied goes below, once older than the cut). */
		for (size_t i = 0; i < nthreads; i++)
			if (store_recount_thread(st, threads[i]) < 0)
				goto fail;
	}
	/* Threads only empty when their stories go (or when merged away,
	 * and those wait for the next pass that prunes stories). */
	if (*deleted < batch && st->prune_threads) {
		/* The last batch: now the threads that emptied. */
		if (!(s = stmt(st, S_PRUNE_THREADS)))
			goto fail;
		sqlite3_bind_int64(s, 1, cut);
		if (step_done(st, s) < 0)
			goto fail;
		threads_done = 1;
	}
	if (store_commit(st) < 0)
		goto fail;
	if (threads_done)
		st->prune_threads = 0;
	free(threads);
	return 0;
fail:
	store_rollback(st);
	free(threads);
	/* Rolled back: nothing was deleted (a caller that took *deleted as
	 * a full batch would try again at once, for ever on a full disk). */
	*deleted = 0;
	*newest = INT64_MIN;
	return -1;
}
