/* daemon/ingest_int.h — what the ingest modules share, and nothing else
 * includes.
 *
 * ingest.c stores a parsed feed's entries (levels 1-3 of docs/dedup.md,
 * then the clusterer); ingest_prep.c is the parse worker's half, the
 * per-document work that needs no database (canonical links, branding,
 * hashes, fingerprints, tokens, a feed's shared texts and title labels);
 * ingest_item.c tells which of its feed's items an entry is (level 1);
 * ingest_replay.c rebuilds the in-memory indexes from the database's
 * window at start-up and after a rollback. */
#ifndef TIDINGS_INGEST_INT_H
#define TIDINGS_INGEST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/cluster.h"
#include "daemon/ident.h"
#include "daemon/ingest.h"
#include "daemon/simhash.h"
#include "daemon/store.h"
#include "feeds/feed.h"

struct ingest {
	struct store *st;          /* borrowed */
	struct cluster_params params;
	struct clusterer *cl;      /* owned; NULL while threads are off */
	struct ndindex *nd;        /* owned */
	struct headix *hx;         /* owned: level 2 by publisher and headline */
	int64_t window;
	int64_t retention;         /* the configuration's, 0: keeps everything */
	int64_t newest;            /* newest event time seen */
	int dirty;                 /* clusterer changed since the last sync */
	unsigned long rebuilds;    /* from the database, start-up included */
};

/* How far apart in story time one publisher's two stories under one
 * headline make it a recurring one (cluster_doc.recurring): as far as
 * they are episodes of a series (CLUSTER_SERIES_GAP, which says why). */
#define RECUR_GAP CLUSTER_SERIES_GAP
/* The stories a new one finds under its headline that learn so: a
 * daily item's window holds three. */
#define RECUR_MARK 8

/* The title and text an item is stored and clustered by. */
static inline const char *ingest_entry_title(const struct feed_entry *e,
                                             const struct ingest_entry_prep *pe)
{
	return pe->title ? pe->title : e->title_text;
}

static inline const char *ingest_entry_text(const struct feed_entry *e,
                                            const struct ingest_entry_prep *pe)
{
	return pe->text ? pe->text : e->text;
}

/* FNV-1a of a string and its end (NULL hashes apart from ""), chained
 * from h; the entries' content hashes are made of it. */
uint64_t ingest_fnv1a(uint64_t h, const char *s);

/* ---- ingest_prep.c: the feeds' title labels of the window ----------- */

/* A story of the window whose title begins with its feed's label. */
struct window_title;

/* The feeds' labels of the window's stories since `since`, for the
 * replay: it does not see the feeds' documents, so each feed's stories
 * in the window stand for its document (ingest_prepare's
 * title_label).  *out (free() it): the labelled ones, by id; -1 on a
 * database error or out of memory. */
int ingest_window_labels(struct store *st, int64_t since, struct window_title **out,
                         size_t *nout);
/* The label ingest_window_labels() found for story id, 0 none. */
size_t ingest_window_label(const struct window_title *v, size_t n, int64_t id);

/* ---- ingest.c and ingest_item.c: one document being stored ------- */

/* An entry's identity key, and its place in the document's order. */
struct keyed {
	char *ident;       /* NULL: nothing to know it by */
	size_t pos;
};

/* The document being stored, and what its poll counts. */
struct entry_ctx {
	struct ingest *in;
	int64_t feed_id;
	const struct feed *f;
	const char *feed_host;
	int64_t now;
	int use_link;
	struct ident_poll poll;
	uint64_t *link_hash;       /* canonical links of guid items, counted */
	struct ingest_stats *stats;
	int64_t old_before;        /* new items dated before this are not
	                              stored (ingest_feed), 0: all are */
	const struct keyed *keys;  /* the document's keys, sorted (cmp_keyed) */
	size_t n_keys;
	int decided;               /* the poll's kind of key is settled
	                              (known_anew): an entry stored again
	                              is not counted again */
};

/* What an entry is known by in its feed (docs/dedup.md, level 1). */
struct ident_entry ingest_entry_ident(const struct feed_entry *e,
                                      const struct ingest_entry_prep *pe);

/* ---- ingest_item.c: which of the feed's items an entry is ---------- */

/* The feed's item an entry was found to be: its story (0: none), the
 * content hash of the feed's row for it, whether the story is the feed's
 * own (its text is this feed's to change). */
struct item {
	int64_t id;
	uint64_t hash;
	int owner;
};

/* The item under the entry's key s->ident, or a key it had before (the
 * top of ingest_item.c, 1).  s->ident may become that older key, held in
 * *legacy (the caller frees it).  -1 on a database error or out of
 * memory. */
int item_by_key(struct entry_ctx *x, const struct feed_entry *e,
                const struct ingest_entry_prep *pe, struct store_story *s, char **legacy,
                struct item *it);
/* Counts the entry for the poll's verdict on the feed's guids (3). */
int item_count_guid(struct entry_ctx *x, const struct feed_entry *e,
                    const struct ingest_entry_prep *pe, const char *ident,
                    const struct item *it, int64_t canon_id);
/* The feed's own story under the entry's link that takes its key (4). */
int item_rekeyed(struct entry_ctx *x, const struct store_story *s, const char *canon,
                 int link_shared, int64_t *canon_id, struct item *it);

/* ---- ingest_replay.c ----------------------------------------------- */

/* Replays every stored story of the window since `since` (and the
 * headline index's span before it) into in's clusterer and indexes,
 * oldest first; stories after df_upto are counted in the document
 * frequencies as they are replayed (INT64_MAX: none).  -1 on a database
 * error or out of memory (the caller drops what was rebuilt). */
int ingest_replay_window(struct ingest *in, int64_t since, int64_t df_upto);

#endif
