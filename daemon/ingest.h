/* daemon/ingest.h — the ingest pipeline: one parsed feed in, rows out.
 * For every entry: same-item identity in its feed, canonical URL across
 * feeds, then a new story, an updated story or one more story_feeds row.
 * Runs inside the caller's transaction (one per feed response). */
#ifndef TIDINGS_INGEST_H
#define TIDINGS_INGEST_H

#include <stdint.h>

#include "config/config.h"
#include "daemon/cluster.h"
#include "daemon/headix.h"
#include "daemon/simhash.h"
#include "daemon/store.h"
#include "daemon/text.h"
#include "feeds/feed.h"

struct ingest;   /* opaque; borrows the store, owns the in-memory indexes */

struct ingest_stats {
	int entries;       /* entries in the document */
	int new_stories;
	int updated;       /* changed items rewritten */
	int cross_feed;    /* already stored from another feed */
	int own_by_link;   /* stories of this feed's own found by canonical
	                      URL under a new key (its guids changed) */
	int same_headline; /* of those, known by publisher and headline */
	int duplicates;    /* near-duplicate copies (duplicate_of set) */
	int new_threads;
	int too_old;       /* new to the feed but dated before the retention
	                      cut: not stored (ingest_feed) */
};

/* Creates the pipeline and rebuilds its in-memory indexes (threads and
 * near-duplicates of the last cluster_window, document frequencies) from
 * the database; with c->threads.enabled off, the near-duplicates only:
 * stories are then stored without a thread. */
int ingest_new(struct store *st, const struct config *c, struct ingest **out);
void ingest_free(struct ingest *in);
/* The configuration's `retention` after a reload (ingest_new takes the
 * one it is given): see ingest_feed. */
void ingest_set_retention(struct ingest *in, int64_t retention);

/* The clusterer's settings the pipeline uses: the defaults, with the
 * [threads] keys of the configuration. */
void ingest_cluster_params(const struct config *c, struct cluster_params *p);

/* What the pipeline works out for each entry without the database: its
 * canonical URL and publisher host, a hash of what is stored of it, and
 * its near-duplicate fingerprint.  Pure and thread-safe, so the daemon's
 * parse workers compute it beside the parse and the loop thread, which
 * stores, does not. */
struct ingest_entry_prep {
	char *canon;              /* canonical URL of the link, or NULL */
	char *host;               /* publisher host of the link, or NULL */
	char *source_host;        /* host of the source the item names
	                             (feed_entry.source_link), or NULL */
	char *title;              /* the title without its publisher's name
	                             (daemon/brand.h), or NULL: title_text */
	char *text;               /* the text without the name an aggregator's
	                             ends with or its feed's trailer (daemon/
	                             brand.h), or NULL: text as it is */
	uint64_t content_hash;    /* changes when anything stored changes */
	char *tags;               /* its categories as a JSON array, or NULL */
	struct simhash_fp fp;
	int has_fp;               /* enough text for a fingerprint */
	int fp_text;              /* fp is the text's, not the headline's: the
	                             text is distinctive, and no other entry of
	                             the document on the same site has it too */
	int text_feeds;           /* its text is the feed's (other entries of the
	                             document on the same site have it word for
	                             word): not the item's to be threaded by */
	int text_trailer;         /* its text is nothing but its feed's trailer
	                             (brand_text_trailer): the feed's too */
	int link_shared;          /* another entry of the same document has
	                             the same canonical URL */
	size_t title_label;       /* bytes heading its title that are the
	                             feed's label ("Ask HN: ", "Episode 12: "),
	                             which other entries of the document are
	                             headed by too; 0: none (mark_title_labels) */
	struct headix_headline headline; /* the title's, for level 2 by headline */
	int has_tokens;           /* the two below were filled */
	struct text_tokens title_tokens, text_tokens; /* for the clusterer */
};

struct ingest_prep {
	struct ingest_entry_prep *e;   /* one per entry of the feed, owned */
	size_t n;
};

/* Fills *out for every entry of f; with a tokenizer `t` (owned by the
 * calling thread, see text.h) also the clusterer's tokens of each title
 * and text.  Returns 0, or -1 when out of memory (*out is then empty).
 * Free with ingest_prep_free. */
int ingest_prepare(const struct feed *f, struct text *t, struct ingest_prep *out);
void ingest_prep_free(struct ingest_prep *p);

/* The calling thread's own tokenizer for ingest_prepare(), made on first
 * use and freed when the thread exits: for worker threads (one that never
 * exits, like the main thread, would keep it until the process ends).
 * NULL when out of memory. */
struct text *ingest_thread_tokenizer(void);

/* Stores every entry of `f`, read from feed `feed_id` at time `now`, but
 * for one new to a feed listed for longer than `retention` and dated
 * before its cut (stats->too_old): retention deleted it, and the feed
 * still lists it.
 * `prep` is ingest_prepare(f), or NULL to have it worked out here.
 * Returns 0, or -1 on a database error (the caller rolls back). */
int ingest_feed(struct ingest *in, int64_t feed_id, const char *feed_url,
                const struct feed *f, const struct ingest_prep *prep,
                int64_t now, struct ingest_stats *stats);

/* After the caller rolled back a transaction that ingest_feed() wrote
 * into: brings the in-memory state back in line with the database.
 * Returns -1 on a database error (the state is then empty but valid). */
int ingest_rollback(struct ingest *in);

/* After retention deleted stories (store_prune; `newest` the latest event
 * time among them, INT64_MIN for none): what memory holds of them must go,
 * or a copy of one would point at a row that is gone (the response failed
 * on its foreign key), a headline would find it, and a thread the
 * database dropped would come back under its old id.  When they reach
 * into the window, the indexes are let go (the document frequencies
 * saved first) and rebuilt from what is committed by the next
 * ingest_feed(), once however many batches a pass deletes; otherwise only the threads that lost
 * older stories take their counts over (ingest_sync_counts).  Returns -1
 * on a database error. */
int ingest_pruned(struct ingest *in, int64_t newest);

/* Gives the clusterer's threads of the window the counts their rows hold (story_count, source_count's hosts, first_seen) where they
 * differ: after a restore, which replays the window's stories only, and
 * after retention deleted stories of threads still in memory. */
int ingest_sync_counts(struct ingest *in);

/* Persists what the clusterer learnt that is not in the story rows (the
 * document frequencies), in its own transaction.  Cheap when nothing
 * changed; call it at the end of a cycle and at shutdown. */
int ingest_sync(struct ingest *in);

/* Logs, at debug level, what the in-memory indexes hold and their heap:
 * the clusterer's window (by part) and the near-duplicate index. */
void ingest_log_memory(const struct ingest *in);
/* How many times the clustering state was built from the database (at
 * start-up, after a rollback, after retention reached into the window). */
unsigned long ingest_rebuilds(const struct ingest *in);

#endif
