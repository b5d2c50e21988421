/* daemon/cluster.h — online clustering of stories into threads (events).
 * Pure and in-memory: the ingest pipeline feeds stories in the order it
 * stores them and persists what comes back; no SQL, no I/O, no globals.
 *
 * Model.  A story is a TF-IDF vector (log(1+tf) x idf, its 48 heaviest
 * terms, L2-normalised) of stemmed title and lead terms (daemon/text.h);
 * title terms count title_weight times, and terms written like names
 * (acronyms, numbers, words capitalised mid-sentence in sentence-cased text,
 * learned per term across stories) weigh up to 1 + entity_weight times.
 * Document frequencies are learned as stories arrive.  Once placed, a story
 * is kept as its 32 heaviest terms (store_terms, renormalised): a thread
 * keeps the sum of those vectors (centroid), a centroid of its name terms,
 * and its recent members.  A new story is scored against the active threads
 * that share its heaviest terms (inverted index term -> active threads): the
 * cosine to the centroid, raised towards the mean cosine of its two nearest
 * members (member_weight), multiplied by clash_factor when the story's
 * heaviest name is missing from the thread and the thread's heaviest name is
 * missing from the story (same kind of event, other people), multiplied by
 * clash_factor again when a story with a lead (lead_terms) meets a young
 * thread (young_members or fewer) whose names it hardly shares (names cosine
 * under young_names) and whose heaviest name it lacks, raised by
 * when_bonus when it shares a year or a month named in the text with the
 * thread's recent members, multiplied by when_clash when it shares none
 * though both sides name years, or both months, or both weekdays (none
 * in common), and damped by the time since the thread was last updated (time_decay).  It
 * joins the best thread whose score clears the bar, else opens a thread.
 * The bar is join_threshold for a headline (~8 terms) and grows as
 * (terms/8)^length_exponent for longer texts, which share background words
 * by chance.  After a join, a candidate thread whose centroid now sits
 * within the merge bar (merge_threshold, scaled the same way) of the joined
 * one is merged into the bigger of the two, unless both hold stories with
 * leads and their names disagree (names cosine under merge_names); the
 * loser's id is reported so the store can set
 * threads.merged_into and move its stories.  Time is the story's own time,
 * never the wall clock, so replays cluster as they would have live.
 *
 * Cost of cluster_add: proportional to the active threads sharing terms with
 * the story (very common terms are only probed on a short list of
 * candidates), never to the number of stories stored.  Threads idle for
 * longer than the window leave memory as time advances, and long-running
 * threads forget their stories older than the window.  The vocabulary keeps
 * the terms the window's threads hold and the common words (document
 * frequency of at least 1 in 1,000); the rest is pruned whenever it has
 * grown by an eighth, so it too is bounded by the window, not the history.
 *
 * What the pipeline stores: threads.id (ids come from here, from
 * next_thread_id on), stories.thread_id, threads.merged_into for merged ids,
 * the display fields of cluster_result, and the document-frequency table
 * (cluster_df_foreach / cluster_df_total) at shutdown or now and then.  At
 * start-up: cluster_new(params, max(threads.id) + 1), cluster_df_set for each
 * stored term and cluster_df_set_total, cluster_count for the stories older
 * than the window that they do not count, then cluster_restore for every story
 * of the window, oldest first, with its stored thread_id, then
 * cluster_set_counts for the threads whose rows count more (stories older
 * than the window).  A result with `revived` set gets its thread's stored
 * counts the same way before its row is written.
 */
#ifndef TIDINGS_CLUSTER_H
#define TIDINGS_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

struct text_tokens;

/* Tunables: struct cluster_params, the [threads] section of the
 * configuration (config/config.h), one field a key. */

/* The defaults (config_threads_defaults()). */
void cluster_params_default(struct cluster_params *p);

/* One story as the pipeline knows it.  Strings are borrowed for the call. */
struct cluster_doc {
	int64_t story_id;
	int64_t time;            /* Unix s: published, or first seen if missing/future */
	const char *title;       /* may be NULL */
	const char *text;        /* plain-text lead or summary; may be NULL */
	const char *lang;        /* BCP 47 or NULL (then: no stemming) */
	const char *source;      /* publisher host, for source_count; may be NULL */
	int64_t copy_of_thread;  /* thread of the story this near-duplicates, or 0 */
	uint64_t series;         /* its publisher and headline (headix_series()),
	                            0: none; see CLUSTER_SERIES_GAP */
	int64_t series_feed;     /* the feed of the publisher's that brought
	                            it, 0 for an aggregator's listing of it,
	                            for a headline that is not plain (docs/
	                            dedup.md: 5 content words or more) or
	                            none known: two of a series that two of
	                            the publisher's own feeds brought, no
	                            copies of each other, are two items
	                            however close (a code host's "v1.0.0" of
	                            two repositories); see CLUSTER_SERIES_GAP */
	int recurring;           /* its publisher gave its headline to another
	                            story a day or so away ("Today's headlines"
	                            every day): a lesser headline to title a
	                            thread with, as a desk's label's is */
	size_t title_label;      /* bytes heading the title that are its feed's
	                            label ("Ask HN: ", "Episode 12: ", which
	                            other items of the feed are headed by): a
	                            lesser headline, and no words of the
	                            story's; 0: none */
	/* Optional: title and text already through text_tokenize() with this
	 * lang (a parse worker does it beside the parse); NULL: done here. */
	const struct text_tokens *title_tokens, *text_tokens;
	/* cluster_restore: the frequencies set (cluster_df_set) do not count
	 * this story yet: it is counted as cluster_add counts one.
	 * cluster_update of a story not in memory: the frequencies never
	 * counted it (stored while threads were off), so it is counted;
	 * else it is not counted again. */
	int df_unsaved;
};

#define CLUSTER_MAX_MERGES 4

/* One publisher's stories under one headline (one doc.series) this far
 * apart in story time or more are episodes of a series ("Letters to the
 * editor", "Today's headlines", "Stock market today: Dow, S&P 500,
 * Nasdaq" every day), not one event told again: a story does not join a
 * thread that holds another episode of its series, and two threads that
 * hold one each are not merged.  Closer than that they may be one
 * article (an aggregator lists it within hours, docs/dedup.md's 12 hours)
 * or its update, and are placed by their words; unless two of the
 * publisher's own feeds brought them (doc.series_feed): one article in
 * two of a site's feeds is one story or a copy (docs/dedup.md), so two
 * that are neither are two items the site headed alike ("v1.0.0" of two
 * repositories, "Update README.md" of two), episodes at any distance.
 * Under a plain headline only: under a distinctive one, two such items
 * can be two posts of one article on a host many publish on (reddit.com:
 * two Redditors' posts of one report in two subreddits, each stored, by
 * its guid), which are one event.  18 hours is above those
 * 12 and below a day less the drift of a daily item's hour (a morning
 * newsletter at 05:00, then at 09:00: 28 hours; at 09:00, then 05:00: 20). */
#define CLUSTER_SERIES_GAP (18 * 3600)

/* What changed; owned by the caller, filled by cluster_add/_update. */
struct cluster_result {
	int64_t thread_id;       /* the story's thread (after any merge) */
	int is_new;              /* thread created by this story */
	int nmerged;             /* threads absorbed into thread_id by this call */
	int64_t merged[CLUSTER_MAX_MERGES]; /* their ids: set merged_into = thread_id,
	                                      move their stories (ids are not
	                                      always contiguous: a thread opened
	                                      and absorbed in one call is skipped) */
	/* Display data of thread_id, to write to the threads row. */
	int64_t story_count;     /* stories this clusterer saw in the thread (restored
	                            + added, or as cluster_set_counts set them); a
	                            thread revived by a late copy after leaving
	                            memory restarts from 1 (see revived) */
	int64_t source_count;    /* distinct sources among them */
	int64_t title_story_id;  /* story whose headline is most central */
	int64_t first_seen;      /* min story time */
	int64_t last_updated;    /* max story time */
	char keywords[160];      /* top terms, ", "-separated, as written */
	int64_t left_thread;     /* cluster_update only: the thread the story
	                            left (recount its row), else 0 */
	int revived;             /* thread_id had left memory and was taken up
	                            again by a copy of one of its stories: its
	                            counts are this story's alone until
	                            cluster_set_counts gives it the stored ones */
	int placed_anew;         /* cluster_update only: the story was not in
	                            memory (older than the window) and was
	                            placed as a new one; thread_id's counts add
	                            it, even when that thread already counted it
	                            (the caller recounts from the store) */
};

struct clusterer; /* opaque; owned by the caller (cluster_new/cluster_free) */

/* next_thread_id: the first id to hand out (store: max(threads.id) + 1). */
struct clusterer *cluster_new(const struct cluster_params *p, int64_t next_thread_id);
void cluster_free(struct clusterer *c);

/* Assigns a new story to a thread.  Updates document frequencies first (the
 * story counts in its own IDF).  A doc with copy_of_thread joins that thread
 * (or the thread it was merged into) without scoring.  Returns 0, -1 on
 * allocation failure, -2 on a story id already known (use cluster_update). */
int cluster_add(struct clusterer *c, const struct cluster_doc *doc,
		struct cluster_result *out);

/* A known story's title or text changed.  It keeps its thread unless its new
 * vector no longer scores join_threshold against that thread (without it),
 * in which case it is reassigned like a new story (out->thread_id differs
 * from the old one, out->left_thread names it).  A thread's only story is
 * placed again among the other threads and stays when none reaches the
 * bar; the thread it leaves then holds 0 stories (see cluster_fold).  An
 * unknown story (outside the window) is added, but counted in the
 * document frequencies only when doc->df_unsaved: an edit never counts a
 * story again, in memory or not.  Same returns as cluster_add. */
int cluster_update(struct clusterer *c, const struct cluster_doc *doc,
		   struct cluster_result *out);

/* Thread `from` holds no story any more (its last one moved on, see
 * cluster_update): it is forgotten, and its id resolves to `into` from now
 * on, as a merged thread's does (the store sets its merged_into).  Threads
 * not in memory are left alone.  0 or -1 (out of memory). */
int cluster_fold(struct clusterer *c, int64_t from, int64_t into);

/* Start-up: replays a stored story (oldest first, the window's stories)
 * into thread_id without scoring or merging.  The document frequencies are
 * reloaded first (cluster_df_set, cluster_df_set_total) and count the
 * story already, except the terms a save leaves out (those of one story
 * only), which a restore counts again, and all of a doc->df_unsaved
 * story's.  Also raises the next thread id above thread_id.  Returns 0 or
 * -1. */
int cluster_restore(struct clusterer *c, const struct cluster_doc *doc, int64_t thread_id);

/* Start-up, before the window's stories: a story the reloaded frequencies
 * do not count (stored after the last save) that is older than the
 * window, so not restored, is counted in them as cluster_add counted it
 * (its words' casing too), without being placed.  0 or -1. */
int cluster_count(struct clusterer *c, const struct cluster_doc *doc);

/* A thread's stories (and first time and sources, when asked) as the
 * clusterer counts them, or -1 when the thread is not in memory (closed,
 * merged, never seen). */
int64_t cluster_thread_stories(const struct clusterer *c, int64_t thread_id,
                               int64_t *first_seen, int64_t *sources);

/* Story `story_id`'s headline turned out to recur (its publisher gave it
 * to a story placed since: cluster_doc.recurring): a lesser one to title
 * its thread with from now on.  The thread it titled (or may title: a
 * restored thread's title is chosen when first needed), whose title is
 * to be chosen again (cluster_thread_title), else 0 (not in memory, or
 * no thread's title). */
int64_t cluster_recurring(struct clusterer *c, int64_t story_id);

/* Whether the clusterer holds story `story_id` (its thread is active,
 * and the story in the window). */
int cluster_has_story(const struct clusterer *c, int64_t story_id);

/* The story whose headline titles a thread by the rules of a join (the
 * most central, a whole headline before none, a dateline or one cut
 * short), among the members in memory; 0 when the thread is not in
 * memory or holds none there. */
int64_t cluster_thread_title(struct clusterer *c, int64_t thread_id);

/* A thread's keywords counted again from the members in memory (after one
 * left it), ", "-separated as in cluster_result.keywords, in *kw; NULL
 * when the thread is not in memory, holds none there, or has no keywords.
 * 0, or -1 out of memory. */
int cluster_thread_keywords(struct clusterer *c, int64_t thread_id, const char **kw);

/* Sets a thread's counts to the stored ones: story_count, first_seen and
 * its sources (publisher hosts, n of them) replace what the clusterer
 * counted, and a later last_updated (0: none) raises its newest time (a
 * thread revived by a late copy knows the copy's time alone).  A restore replays only the window's stories, so a thread with
 * older ones needs it, and so does one whose old stories retention
 * deleted; otherwise its next story would write counts of the replayed
 * stories alone.  A thread not in memory is left alone.  0 or -1 (out of
 * memory). */
int cluster_set_counts(struct clusterer *c, int64_t thread_id, int64_t story_count,
                       int64_t first_seen, int64_t last_updated,
                       const char *const *sources, size_t n);

/* Document frequencies, to persist (e.g. table term_df(term TEXT PRIMARY KEY,
 * df INTEGER) plus the total in a meta row) and reload at start-up before
 * cluster_restore.  Terms are stems as produced by text.h. */
int64_t cluster_df_total(const struct clusterer *c);
void cluster_df_set_total(struct clusterer *c, int64_t ndocs);
int cluster_df_set(struct clusterer *c, const char *term, int64_t df);
/* Calls fn for every term with df >= min_df; stops early when fn returns nonzero. */
void cluster_df_foreach(const struct clusterer *c, int64_t min_df,
			int (*fn)(void *arg, const char *term, int64_t df), void *arg);
/* A saved table can be patched instead of rewritten: frequencies only
 * grow, so between two saves with no prune of the vocabulary in between,
 * the terms with df >= min_df are those of the last save plus those
 * whose df changed.  cluster_df_whole() is 1 when the next save must be
 * whole (a prune since the last one, which may have removed saved terms,
 * or none saved since cluster_new): the table is emptied first, and
 * cluster_df_foreach_unsaved() gives every term, as cluster_df_foreach;
 * else it gives only the changed ones.  cluster_df_saved() says the save
 * was committed. */
int cluster_df_whole(const struct clusterer *c);
void cluster_df_foreach_unsaved(const struct clusterer *c, int64_t min_df,
				int (*fn)(void *arg, const char *term, int64_t df), void *arg);
void cluster_df_saved(struct clusterer *c);

/* Statistics for benchmarks and logs. */
struct cluster_stats {
	size_t active_threads, window_stories, terms;
	size_t memory_bytes; /* heap held by the clusterer, approximately */
	/* Its parts: vocabulary (entries, hash table, names), postings (the
	 * inverted index), centroids (per-thread term and name tables),
	 * stories (window vectors and the id map), threads (the rest). */
	size_t mem_vocab, mem_postings, mem_centroids, mem_stories, mem_threads;
	size_t postings;     /* (thread, term) pairs indexed */
	size_t terms_held;   /* terms some thread in memory holds (the rest of
	                        `terms`: the common vocabulary, and terms not
	                        used since the last prune) */
};
void cluster_stats(const struct clusterer *c, struct cluster_stats *st);

/* The live thread a (possibly merged) thread id resolves to; 0 when it is
 * not in memory. */
int64_t cluster_resolve(const struct clusterer *c, int64_t thread_id);

#endif
