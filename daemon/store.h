/* daemon/store.h — the SQLite database: schema, migrations and every SQL
 * statement tidings runs.  No other file speaks SQL.  docs/schema.md is the
 * public contract for what is stored.
 *
 * One writer (the daemon) and any number of readers (the tidings tool,
 * other programs).  The writer groups everything one feed response
 * produces into one transaction: store_begin() ... store_commit(). */
#ifndef TIDINGS_STORE_H
#define TIDINGS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define STORE_SCHEMA_VERSION 8   /* MIGRATIONS[] in store.c: one each */

struct store;   /* opaque; owns the sqlite3 handle and prepared statements */

enum store_mode { STORE_WRITE, STORE_READ };

/* Opens (creating and migrating in write mode) the database at `path`.
 * A database from a newer tidings is refused, not modified.  On error
 * returns -1 with a message in err. */
int store_open(const char *path, enum store_mode mode, struct store **out,
               char *err, size_t errlen);
void store_close(struct store *st);

/* Hands WAL checkpoints to a thread with its own connection to `path`
 * (daemon/ckpt.h), so that commits no longer copy pages into the database
 * file themselves.  For the daemon; a no-op for read-only stores.  Returns
 * 0, or -1 with the reason in err (checkpoints then stay inline). */
int store_checkpoint_thread(struct store *st, const char *path, char *err, size_t errlen);

/* WAL checkpoints so far. */
struct store_ckpt_stats {
	unsigned long thread;   /* by the checkpoint thread */
	unsigned long writer;   /* by the writer, the WAL having outrun the thread */
	unsigned long starved;  /* of those, waiting for readers to leave the WAL */
	unsigned long failed;   /* on the thread */
	const char *last;       /* the last failure's reason, or NULL */
};
void store_checkpoint_stats(struct store *st, struct store_ckpt_stats *out);

/* The last SQLite error, for log lines; "out of memory" when SQLite has
 * none (a caller that failed without the database, such as the ingest
 * pipeline, failed to allocate: SQLite would say "not an error"). */
const char *store_errmsg(struct store *st);
/* 1 if the last failure was the disk (or its quota) being full. */
int store_last_was_full(struct store *st);
/* 1 if the last failure was another connection's lock outlasting the
 * busy wait ("database is locked"). */
int store_last_was_busy(struct store *st);
/* 1 if the last failure met a damaged page of the database (SQLITE_CORRUPT,
 * SQLITE_NOTADB), but not of the search index alone (store_fts_damaged). */
int store_last_was_corrupt(struct store *st);
/* How long a statement waits for another connection's lock, in ms; -1:
 * the default (5 s). */
void store_set_busy_wait(struct store *st, int ms);

int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* The search index (stories_fts) follows the stories in batches: once
 * FTS_BATCH (1,024) stories wait, store_commit() indexes them after its
 * commit, in a transaction of its own (a damaged index does not keep the
 * stories from being stored), and store_fts_flush() indexes the rest.
 * The daemon flushes within a second of the last commit and before it
 * exits; a story is always searchable by then.  Nothing is lost in a
 * crash: the next flush indexes every story above the stored watermark.
 * Returns 0, or -1 on a database error (the stories stay pending). */
int store_fts_flush(struct store *st);
/* Stories not in the search index yet. */
int store_fts_pending(const struct store *st);
/* 1 when the search index was found damaged (SQLITE_CORRUPT) and no flush
 * has got through since: stories are stored, not indexed, meanwhile. */
int store_fts_damaged(const struct store *st);

/* ---- feeds ---------------------------------------------------------- */

/* What the scheduler and fetcher need of one feed.  Strings owned by the
 * array returned from store_load_feeds(); store_feeds_free() frees it. */
struct store_feed {
	int64_t id;
	char *url;
	char *etag, *last_modified;
	int64_t next_poll;          /* 0: never polled */
	int64_t interval;           /* per-feed interval from the list, 0 */
	int64_t last_success;
	int64_t last_fetch;         /* 0: never */
	int64_t failing_since;      /* 0 when healthy */
	int consecutive_errors;
	int gone;
	int adapt_shift, new_streak; /* sched_adapt() state */
	int64_t retry_after;        /* its host asked for no request before
	                               this (429/503 Retry-After), 0: none */
	int64_t hint;               /* the interval its last body asked for
	                               (<ttl>, sy:updatePeriod), 0: none */
	char *retry_host;           /* the host that set retry_after when a
	                               redirect took the feed to another host,
	                               NULL: its own */
};

/* Makes the feeds table follow the list: adds new URLs, reactivates listed
 * ones, marks unlisted ones inactive (their stories stay). */
int store_sync_feeds(struct store *st, const struct feedlist *fl, int64_t now);

/* Active, not-gone feeds. */
int store_load_feeds(struct store *st, struct store_feed **out, size_t *n);
void store_feeds_free(struct store_feed *f, size_t n);
/* Calls each() with the URL, retry_host and retry_after of every feed store_load_feeds
 * leaves out (removed from the list, or gone) whose server's Retry-After
 * runs past `now`; stops at the first -1 it returns.  -1 on a database
 * error or when each() failed. */
int store_feed_holds(struct store *st, int64_t now,
                     int (*each)(const char *url, const char *host, int64_t until,
                                 void *ctx), void *ctx);

/* The outcome of one poll, written into the feed's row. */
struct store_poll {
	int64_t feed_id;
	int64_t fetched_at;
	int status;                 /* HTTP status, 0 if no response */
	const char *error;          /* NULL on success */
	const char *etag, *last_modified; /* new validators, NULL keeps old */
	int fresh;                  /* 1: a new body (a 200 with a feed): the
	                               validators and hint are its own, NULL
	                               or 0 clears */
	int64_t hint;               /* with fresh: the interval the body asks
	                               for (<ttl>, sy:updatePeriod), 0: none */
	const char *new_url;        /* permanent redirect target, or NULL */
	const char *title, *site_url; /* from the parsed feed, NULL keeps */
	int64_t next_poll;
	int64_t duration_ms, bytes;
	int gone;                   /* 410: retire */
	int ok;                     /* 1: counts as success (200, 304) */
	int64_t retry_after;        /* 429/503 Retry-After still ahead, 0:
	                               none (stored NULL, clearing the last) */
	const char *retry_host;     /* with retry_after: the host that said it
	                               when a redirect took the feed to another
	                               host, NULL: the feed's own */
	int moved;                  /* out: the row's url is new_url now (no
	                               other feed had that URL, or a feed
	                               dropped from the list gave it up) */
};
int store_record_poll(struct store *st, struct store_poll *p);

/* Saves the learnt interval state (sched_adapt()) of a feed. */
int store_record_adapt(struct store *st, int64_t feed_id, int shift, int streak);

/* Moves a feed to `url` (its previous_url becomes the URL it had), in a
 * transaction of its own, unless another feed has that URL (one dropped
 * from the list gives it up, as in store_record_poll).  0, or -1. */
int store_move_feed(struct store *st, int64_t feed_id, const char *url);

/* Moves a feed's next poll to not_before unless it is already later
 * (another feed on its host was told to come back later). */
int store_defer_poll(struct store *st, int64_t feed_id, int64_t not_before);
/* Sets a feed's next poll (a reload that shortened its interval). */
int store_set_next_poll(struct store *st, int64_t feed_id, int64_t next_poll);
/* Sets a feed's stored Retry-After (feeds.retry_after): the one an
 * earlier run stored on a clock since set back, as much from now as it
 * was from that fetch. */
int store_set_retry_after(struct store *st, int64_t feed_id, int64_t until);
/* Moves every stored Retry-After (feeds.retry_after) by `by` seconds: the
 * system clock jumped, and each wait keeps the real time it had left.
 * Only those of feeds last polled after `since` (INT64_MIN: all). */
int store_shift_holds(struct store *st, int64_t by, int64_t since);

/* ---- stories -------------------------------------------------------- */

struct store_story {
	int64_t feed_id;
	const char *ident;          /* identity in its feed (see ident.h) */
	const char *guid, *link, *canonical_url, *title, *author;
	int64_t published, updated; /* 0: unknown (stored NULL) */
	int64_t first_seen;
	int64_t event_time;         /* published, else first seen; 0: first_seen */
	const char *summary, *content, *lang, *host;
	const char *image;          /* the feed's picture for it, or NULL */
	const char *tags;           /* its categories, a JSON array, or NULL */
	uint64_t simhash[4];        /* near-duplicate fingerprint: bag, seq,
	                               head, tail (simhash.h); all 0: none */
	int64_t duplicate_of;       /* 0: original */
	int64_t thread_id;          /* 0: none yet */
	uint64_t content_hash;      /* detects changed items */
};

/* Looks the item up by (feed, ident).  When found, *story_id is its story,
 * *hash the item's content hash as this feed last had it, and *owner 1 if
 * this feed is the story's own (first) feed. */
int store_find_item(struct store *st, int64_t feed_id, const char *ident,
                    int64_t *story_id, uint64_t *hash, int *owner);
/* An "h:" item (neither guid nor link: known by its title and date) not
 * found under `ident` may be one of this feed's own stories whose date
 * alone reads otherwise now: the same content hash, an "h:" key that
 * `listed` (called with each candidate's key) says the document being
 * stored does not have, a published date within a day of `published`
 * by whole quarter hours (a zone read differently) or none (or one
 * before the end of 1970's first day), or any when `published` is none
 * (a date an older version misread: "01-12-2026" was 2001), and carried
 * by this feed at or after `published`: first seen then, or the feed read
 * since (the last poll before this one; an item published after it is
 * another, however alike: a daily "Backup completed").  When exactly
 * one story is such, *story_id is it and *old_ident its key (malloc'd);
 * else 0 and NULL.  Returns 0, or -1 on an error or out of memory. */
int store_find_redated(struct store *st, int64_t feed_id, const char *ident,
                       uint64_t hash, int64_t published,
                       int (*listed)(const char *ident, void *ctx), void *ctx,
                       int64_t *story_id, char **old_ident);
/* A key under which the feed carries story_id, first seen there at
 * `since` or later, that `listed` (called with each of them, the latest
 * first) says the document being stored does not have: *old_ident
 * (malloc'd), or NULL when there is none.  Returns 0, or -1 on an error or
 * out of memory. */
int store_feed_item_of(struct store *st, int64_t feed_id, int64_t story_id, int64_t since,
                       int (*listed)(const char *ident, void *ctx), void *ctx,
                       char **old_ident);
/* An item of a link the feed gives several of its items (a podcast's
 * episodes under its home page) under a key the document being stored
 * does not have (`listed`, as above): the one key under which the feed
 * carries a story with that canonical URL and content hash `hash`, first
 * seen there at `since` or later.  When exactly one is such, *story_id
 * is its story and *old_ident its key (malloc'd); else 0 and NULL.
 * Returns 0, or -1 on an error or out of memory. */
int store_feed_item_shared(struct store *st, int64_t feed_id, const char *canonical_url,
                           uint64_t hash, int64_t since,
                           int (*listed)(const char *ident, void *ctx), void *ctx,
                           int64_t *story_id, char **old_ident);
/* The feed's item `old_ident` is known as `ident` from now on (its
 * story_feeds row, and its story's ident with a new seq when the story is
 * the feed's own). */
int store_rekey_item(struct store *st, int64_t feed_id, const char *old_ident,
                     const char *ident);
/* Remembers a changed item's hash in a feed that is not the story's own. */
int store_set_item_hash(struct store *st, int64_t feed_id, const char *ident,
                        uint64_t hash);
/* Looks a story up by canonical URL; 0 in *story_id when absent, or when
 * several stories have it (a link that names none of them). */
int store_find_canonical(struct store *st, const char *canonical_url,
                         int64_t *story_id);

/* The id the next store_insert_story of this transaction will give (the
 * daemon is the only writer; ids only grow).  A story inserted after this
 * was asked must get exactly that id, else the insert fails. */
int store_next_story_id(struct store *st, int64_t *id);
/* Inserts a new story and its story_feeds row; *id gets its id. */
int store_insert_story(struct store *st, const struct store_story *s,
                       int64_t *id);
/* Rewrites a changed item's fields (title, content, updated, ...). */
int store_update_story(struct store *st, int64_t id,
                       const struct store_story *s);
/* Whether feed `feed_id` already carries a story with this canonical URL
 * (evidence for a feed that rotates its guids). */
int store_feed_has_canonical(struct store *st, int64_t feed_id,
                             const char *canonical_url, int *has);

/* Whether story_id is stored and feed_id carries it: *state 0 no such
 * story (retention deleted it), 1 stored and not carried by the feed, 2
 * carried by it. */
int store_story_in_feed(struct store *st, int64_t story_id, int64_t feed_id, int *state);
/* A story's author, its canonical URL, else its link, and its guid
 * (malloc'd, the caller frees them; NULL when none, or no such story). */
int store_story_byline(struct store *st, int64_t story_id, char **author, char **link,
                       char **guid);
/* Whether the feed's items are known by link because its guids rotate. */
int store_feed_guids_rotate(struct store *st, int64_t feed_id, int *rotate);
int store_set_feed_guids_rotate(struct store *st, int64_t feed_id, int rotate);
/* When the feed was first listed (feeds.added), 0 when there is no such
 * feed. */
int store_feed_added(struct store *st, int64_t feed_id, int64_t *added);
/* The feed whose row has `url` as its URL (active or not): its id,
 * whether it is gone and whether it gives the URL up to a listed feed led
 * there (a feed dropped from the list that had moved to it, see
 * store_record_poll), or id 0. */
int store_feed_at(struct store *st, const char *url, int64_t *feed_id, int *gone,
                  int *yields);
/* The newest event_time stored, 0 when there are no stories. */
int store_max_event_time(struct store *st, int64_t *out);

/* Records that feed `feed_id` carries story `story_id` too. */
int store_add_story_feed(struct store *st, int64_t story_id, int64_t feed_id,
                         const char *ident, int64_t first_seen, uint64_t hash);


/* Retention: deletes up to `batch` stories first seen before `cut` (and
 * what hangs off them), in one transaction; when fewer remained, also the
 * threads left empty.  *deleted counts the stories; call again while it
 * equals batch.  *newest gets the latest event time among them (INT64_MIN
 * when none): whether they reach into the in-memory window
 * (ingest_pruned).  On failure the batch is rolled back: *deleted 0,
 * *newest INT64_MIN. */
int store_prune(struct store *st, int64_t cut, int batch, int *deleted, int64_t *newest);

/* After retention: once as many stories have left the search index (or
 * been rewritten in it) as it holds, merges it whole, a step of a few
 * hundred pages per call (its own transaction), so that deleted stories'
 * entries leave it.  *more is 1 while steps remain.  0 when there was
 * nothing to do or the step was done; -1 on failure (nothing changed). */
int store_fts_tidy(struct store *st, int *more);

/* ---- threads -------------------------------------------------------- */

struct store_thread {
	int64_t id;
	int64_t title_story_id;     /* its headline becomes the thread title */
	const char *title;          /* that headline when the title story is
	                               not inserted yet; NULL: read it */
	const char *keywords;
	int64_t first_seen, last_updated, story_count, source_count;
	int is_new;                 /* the clusterer just made it: no row yet */
};

/* Inserts or rewrites a thread row (ids come from the clusterer). */
int store_put_thread(struct store *st, const struct store_thread *t);
/* Merges `loser` into `survivor`: its stories move, it points at the
 * survivor, and so does every thread that pointed at it. */
int store_merge_thread(struct store *st, int64_t loser, int64_t survivor);
int store_set_story_thread(struct store *st, int64_t story_id, int64_t thread_id);
/* The thread of a story, 0 when none. */
int store_story_thread(struct store *st, int64_t story_id, int64_t *thread_id);
int store_max_thread_id(struct store *st, int64_t *out);
/* Recounts a thread's stories and sources from the stories table (after
 * a story left it). */
int store_recount_thread(struct store *st, int64_t thread_id);
/* The row of a thread that a story left because its text changed, made
 * true to the stories it still holds: counts, first and last story time,
 * and a headline of its own when it had the leaving story's.  A thread
 * holding none is left alone (the caller folds it, see cluster_fold). */
int store_settle_thread(struct store *st, int64_t thread_id);
/* Before store_settle_thread, in its transaction: a live thread whose
 * title story is no story of it any more takes the headline of story
 * `story_id`, one of its own. */
int store_title_thread(struct store *st, int64_t thread_id, int64_t story_id);
/* Likewise: live thread `thread_id`'s keywords, counted again from the
 * stories it kept (cluster_thread_keywords). */
int store_thread_keywords(struct store *st, int64_t thread_id, const char *keywords);
/* Live thread `thread_id` takes the headline of story `story_id`, one of
 * its own (the clusterer chose it again: cluster_recurring()). */
int store_retitle_to(struct store *st, int64_t thread_id, int64_t story_id);
/* Thread `thread_id`, when live and titled by story `story_id` (or
 * untitled), takes the story's headline as it is now (after an edit that
 * kept its thread), or, when it has none now, the latest headline of its
 * other stories. */
int store_retitle_thread(struct store *st, int64_t thread_id, int64_t story_id);
/* Story `story_id`'s text was rewritten (no near copy of the old): its
 * copies copy a text it has no more.  The earliest of them becomes the
 * others' original (duplicate_of NULL for it, its id for them); they
 * keep their thread.  The story itself, if it was a copy, is one no more
 * (duplicate_of NULL). */
int store_recopy(struct store *st, int64_t story_id);
/* The content hash of story `story_id` as stored (its own feed's item
 * as last stored there), 0 when the story is absent. */
int store_story_hash(struct store *st, int64_t story_id, uint64_t *hash);
/* The story that story `story_id` copies (duplicate_of) and that story's
 * event_time, both 0 when none. */
int store_story_copy_of(struct store *st, int64_t story_id, int64_t *original,
                        int64_t *original_time);
/* The stored near-duplicate fingerprint of a story (all 0: none), its
 * title and host (malloc'd, the caller frees them; NULL when none) and its
 * event_time (0 when the story is absent). */
int store_story_fingerprint(struct store *st, int64_t id, uint64_t fp[4],
                            char **title, char **host, int64_t *event_time);

/* Stories with event_time >= since, oldest first, for rebuilding the
 * in-memory indexes at start-up. */
struct store_window_row {   /* valid during the callback only */
	int64_t id, event_time, thread_id, duplicate_of;
	int64_t feed_id;           /* the feed that brought it first */
	const char *title, *summary, *lang, *host;
	const char *link;          /* its canonical URL, else its link */
	uint64_t simhash[4];       /* bag, seq, head, tail; all 0: none */
};
typedef int store_window_cb(const struct store_window_row *r, void *ctx);
int store_window(struct store *st, int64_t since, store_window_cb *cb, void *ctx);
/* The stories with a thread stored after story `after` and older than
 * `before` (event_time), by id: those a restore of the window leaves out
 * that the saved document frequencies do not count. */
int store_unsaved_before(struct store *st, int64_t after, int64_t before,
                         store_window_cb *cb, void *ctx);
/* The id, first feed and title of the stories with event_time >= since
 * whose titles hold ": " (a lead-in's colon), in no order. */
typedef int store_window_title_cb(int64_t id, int64_t feed_id, const char *title, void *ctx);
int store_window_titles(struct store *st, int64_t since, store_window_title_cb *cb, void *ctx);

/* The live threads with a story since `since`, with their stored
 * story_count and first_seen (for the clusterer's counts, which a
 * restore builds from the window's stories only). */
typedef int store_thread_count_cb(int64_t id, int64_t story_count, int64_t first_seen,
                                  void *ctx);
int store_window_threads(struct store *st, int64_t since, store_thread_count_cb *cb,
                         void *ctx);
/* How many stories a thread holds besides `except_story` (0: none
 * excepted), and the oldest and newest one's event_time (0 when it holds
 * none). */
int store_thread_stats(struct store *st, int64_t thread_id, int64_t except_story,
                       int64_t *stories, int64_t *first_seen, int64_t *last_updated);
/* The distinct publisher hosts of a thread's stories. */
typedef int store_host_cb(const char *host, void *ctx);
int store_thread_hosts(struct store *st, int64_t thread_id, store_host_cb *cb, void *ctx);

/* Document frequencies of the clustering, saved and reloaded whole. */
int store_df_begin_save(struct store *st, int64_t total, int whole);
int store_df_put(struct store *st, const char *term, int64_t df);
typedef int store_df_cb(const char *term, int64_t df, void *ctx);
int store_df_load(struct store *st, int64_t *total, store_df_cb *cb, void *ctx);
/* The largest story id the saved frequencies count (every save records
 * it): a story after it was stored but not counted in a save, as when
 * the daemon was killed or a transaction rolled back before its next
 * save.  0 when nothing was saved, INT64_MAX for a table saved before
 * the mark existed. */
int store_df_upto(struct store *st, int64_t *upto);

/* ---- reading (the tidings tool) ------------------------------------- */

struct store_feed_row {        /* valid during the callback only */
	int64_t id;
	const char *url, *title, *site_url, *category, *last_error;
	const char *list_title;    /* the title given in the feed list */
	int active, gone;
	int64_t last_fetch, last_success, next_poll; /* 0: never / none */
	int last_status;           /* 0: none */
	int consecutive_errors;
	int64_t stories, duration_ms, bytes;
	int64_t interval;          /* per-feed interval from the list, 0 */
};

struct store_story_row {       /* valid during the callback only */
	int64_t id, feed_id, thread_id, duplicate_of;
	const char *title, *link, *author, *feed_title, *host, *summary;
	const char *image;         /* its picture, or NULL */
	const char *tags;          /* its categories separated by \x1f
	                              (stories.tags read out), or NULL */
	int64_t published, first_seen;
	int64_t event_time;        /* the time lists and threads go by */
	int feeds;                 /* how many feeds carry it */
};

typedef int store_feed_cb(const struct store_feed_row *r, void *ctx);
typedef int store_story_cb(const struct store_story_row *r, void *ctx);

/* Every feed, listed ones first.  With `stories` 0 the rows' stories
 * are 0, not counted: counting reads every story_feeds row. */
int store_list_feeds(struct store *st, int stories, store_feed_cb *cb, void *ctx);
/* Their statements, with and without the counts, for the tests of their
 * query plans. */
extern const char STORE_FEEDS_SQL[], STORE_FEED_LIST_SQL[];
/* Newest first (by event_time); limit <= 0: all. */
int store_list_stories(struct store *st, int64_t limit, store_story_cb *cb,
                       void *ctx);

struct store_thread_row {      /* valid during the callback only */
	int64_t id, title_story_id, merged_into;
	const char *title, *keywords, *sources;
	int64_t first_seen, last_updated, story_count, source_count;
};
typedef int store_thread_cb(const struct store_thread_row *r, void *ctx);

/* Live threads updated at or after `since` with at least `min_sources`
 * sources, most recently updated first; limit <= 0: all. */
int store_list_threads(struct store *st, int64_t since, int min_sources,
                       int64_t limit, store_thread_cb *cb, void *ctx);
/* One thread (following merged_into to the survivor); 0 rows if none. */
int store_get_thread(struct store *st, int64_t id, store_thread_cb *cb, void *ctx);
/* Its statement (?1 the id), for the tests of its query plan. */
extern const char STORE_GET_THREAD_SQL[];
/* Its stories, oldest first. */
int store_thread_stories(struct store *st, int64_t thread_id,
                         store_story_cb *cb, void *ctx);
/* A reader's statements between these see one snapshot of the database:
 * the one of the first that reads (a deferred transaction, which a
 * read-only connection may open). */
int store_read_begin(struct store *st);
void store_read_end(struct store *st);
/* Full-text search (FTS5 query syntax), best match first. */
int store_search(struct store *st, const char *q, int64_t limit,
                 store_story_cb *cb, void *ctx);
/* Its statement in buf (?1 the limit, ?2 the query), for the tests of its
 * query plan; returns buf. */
const char *store_search_sql(const struct store *st, char *buf, size_t n);

/* The daemon's one-line status (sd_notify STATUS=): a handful of counts,
 * each answered from an index or a small table, cheap enough to run after
 * every poll cycle. */
struct store_counts {
	int64_t feeds;             /* active, not gone */
	int64_t failing;           /* of those, with consecutive errors */
	int64_t stories;
	int64_t threads_since;     /* unmerged threads updated at or after `since` */
};
int store_counts(struct store *st, int64_t since, struct store_counts *out);

#endif
