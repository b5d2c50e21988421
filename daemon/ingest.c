/* daemon/ingest.c — entries to stories, and stories to threads.
 *
 * For each entry, oldest first: its identity in the feed (ident.h) finds
 * the same item again (level 1: unchanged -> nothing, changed -> update);
 * its canonical URL (canon.h), or its publisher and headline (headix.h:
 * an aggregator's link is its own), finds the same article from another
 * feed (level 2: one more story_feeds row); otherwise it is a new story, whose
 * SimHash (simhash.h) may make it a copy of a recent one from another
 * publisher (level 3: duplicate_of, same thread), and the clusterer
 * (cluster.h) assigns it a thread; with [threads] enabled = no there is
 * no clusterer and the story is stored without one (thread_id NULL), the
 * three levels unchanged.  Everything runs inside the caller's
 * transaction; the in-memory indexes are rebuilt from the database at
 * start-up (ingest_replay.c), so a rolled-back transaction only costs a
 * rebuild.  What each entry needs that no database does was made on the
 * parse worker beforehand (ingest_prep.c). */
#include "daemon/ingest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/canon.h"
#include "daemon/cluster.h"
#include "daemon/headix.h"
#include "daemon/ident.h"
#include "daemon/ingest_int.h"
#include "daemon/log.h"
#include "daemon/simhash.h"
#include "feeds/uri.h"

/* ---- start-up ------------------------------------------------------- */

static int df_cb(const char *term, int64_t df, void *p)
{
	return cluster_df_set(p, term, df) < 0;
}


void ingest_cluster_params(const struct config *c, struct cluster_params *p)
{
	*p = c->threads;
}

/* Threads whose stored counts differ from the clusterer's, collected
 * before their hosts are read (one query at a time on the connection). */
struct count_fix {
	int64_t id, story_count, first_seen;
};

struct count_scan {
	const struct clusterer *cl;
	struct count_fix *v;
	size_t n, cap;
	int oom;
};

static int count_cb(int64_t id, int64_t story_count, int64_t first_seen, void *p)
{
	struct count_scan *cs = p;
	int64_t first = 0, mem = cluster_thread_stories(cs->cl, id, &first, NULL);

	if (mem < 0 || (mem == story_count && first == first_seen))
		return 0;
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 64;
		struct count_fix *v = realloc(cs->v, cap * sizeof *v);
		if (!v) {
			cs->oom = 1;
			return 1;
		}
		cs->v = v;
		cs->cap = cap;
	}
	cs->v[cs->n++] = (struct count_fix){ id, story_count, first_seen };
	return 0;
}

struct host_list {
	char **v;
	size_t n, cap;
	int oom;
};

static int host_cb(const char *host, void *p)
{
	struct host_list *h = p;
	char *d;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		char **v = realloc(h->v, cap * sizeof *v);
		if (!v)
			goto oom;
		h->v = v;
		h->cap = cap;
	}
	if (!(d = strdup(host)))
		goto oom;
	h->v[h->n++] = d;
	return 0;
oom:
	h->oom = 1;
	return 1;
}

/* Empties the list, keeping its array for the next thread's hosts. */
static void host_list_clear(struct host_list *h)
{
	for (size_t j = 0; j < h->n; j++)
		free(h->v[j]);
	h->n = 0;
}

int ingest_sync_counts(struct ingest *in)
{
	int64_t since = in->newest - in->window;
	struct count_scan cs = { .cl = in->cl };
	struct host_list h = { 0 };
	int rc = -1;

	if (!in->cl)
		return 0;
	if (store_window_threads(in->st, since, count_cb, &cs) < 0 || cs.oom)
		goto out;
	for (size_t i = 0; i < cs.n; i++) {
		host_list_clear(&h);
		if (store_thread_hosts(in->st, cs.v[i].id, host_cb, &h) < 0 || h.oom ||
		    cluster_set_counts(in->cl, cs.v[i].id, cs.v[i].story_count, cs.v[i].first_seen,
		                       0, (const char *const *)h.v, h.n) < 0)
			goto out;
	}
	rc = 0;
out:
	host_list_clear(&h);
	free(h.v);
	free(cs.v);
	return rc;
}

/* (Re)builds the clusterer and the near-duplicate index from the
 * database: the window's stories, their threads and the saved document
 * frequencies.  A thread's counts then come from its row: the window
 * holds only its recent stories. */
/* Lets go of the clusterer and the indexes: the next ingest_feed()
 * rebuilds them from the database before it stores anything. */
static void drop(struct ingest *in)
{
	cluster_free(in->cl);
	ndindex_free(in->nd);
	headix_free(in->hx);
	in->cl = NULL;
	in->nd = NULL;
	in->hx = NULL;
	in->newest = 0;
	in->dirty = 0;
}

static int rebuild(struct ingest *in)
{
	int64_t next_thread = 0, newest = 0, total = 0, df_upto = INT64_MAX;

	drop(in);
	in->rebuilds++;
	if (store_max_thread_id(in->st, &next_thread) < 0 ||
	    store_max_event_time(in->st, &newest) < 0)
		return -1;
	if (ndindex_new(in->params.simhash_distance, in->window, &in->nd) < 0 ||
	    !(in->hx = headix_new(in->window)))
		return -1;
	/* With threads off only the near-duplicate index is rebuilt. */
	if (in->params.enabled) {
		if (!(in->cl = cluster_new(&in->params, next_thread + 1)) ||
		    store_df_load(in->st, &total, df_cb, in->cl) < 0 ||
		    store_df_upto(in->st, &df_upto) < 0)
			return -1;
		cluster_df_set_total(in->cl, total);
	}
	if (ingest_replay_window(in, newest - in->window, df_upto) < 0)
		return -1;
	return ingest_sync_counts(in);
}

int ingest_new(struct store *st, const struct config *c, struct ingest **out)
{
	struct ingest *in = calloc(1, sizeof *in);

	*out = NULL;
	if (!in)
		return -1;
	in->st = st;
	ingest_cluster_params(c, &in->params);
	in->window = c->threads.window;
	in->retention = c->retention;
	if (rebuild(in) < 0) {
		ingest_free(in);
		return -1;
	}
	*out = in;
	return 0;
}

void ingest_set_retention(struct ingest *in, int64_t retention)
{
	in->retention = retention;
}

int ingest_rollback(struct ingest *in)
{
	/* The clusterer and the index learnt stories that the rolled-back
	 * transaction took away again (and whose ids SQLite will hand out
	 * anew): forget them by rebuilding from what is committed. */
	return rebuild(in);
}

int ingest_pruned(struct ingest *in, int64_t newest)
{
	/* The indexes let go of a story lazily, a window or so after it
	 * leaves (one that came late sits behind younger ones in the
	 * near-duplicate index's age list): twice the window is clear of
	 * all of them, and the headline index holds HEADIX_SPAN at least. */
	int64_t reach = in->window > HEADIX_SPAN ? in->window : HEADIX_SPAN;
	if (newest != INT64_MIN && newest >= in->newest - 2 * reach) {
		/* Rebuilt when next needed (ingest_feed), not here: a pass
		 * deletes in steps of a quarter second, and a rebuild after
		 * each step rebuilt the window dozens of times a pass. */
		if (ingest_sync(in) < 0)
			return -1;
		drop(in);
		return 0;
	}
	return ingest_sync_counts(in);
}

void ingest_free(struct ingest *in)
{
	if (!in)
		return;
	cluster_free(in->cl);
	ndindex_free(in->nd);
	headix_free(in->hx);
	free(in);
}

struct df_save {
	struct store *st;
	int failed;
};

static int df_put(void *p, const char *term, int64_t df)
{
	struct df_save *s = p;

	if (store_df_put(s->st, term, df) < 0) {
		s->failed = 1;
		return 1;
	}
	return 0;
}

int ingest_sync(struct ingest *in)
{
	struct df_save s = { in->st, 0 };

	if (!in->dirty || !in->cl)
		return 0;
	if (store_begin(in->st) < 0)
		return -1;
	/* Terms seen once are most of the vocabulary and carry no IDF signal
	 * worth a restart; keeping them would make this table grow forever.
	 * A sync comes whenever the fetcher falls idle, so in a daemon polling
	 * feeds one by one after every response that brought stories: the
	 * table is patched with the terms those stories changed, and rewritten
	 * only after the vocabulary was pruned (every ~40k stories). */
	if (store_df_begin_save(in->st, cluster_df_total(in->cl), cluster_df_whole(in->cl)) < 0)
		goto fail;
	cluster_df_foreach_unsaved(in->cl, 2, df_put, &s);
	if (s.failed || store_commit(in->st) < 0)
		goto fail;
	cluster_df_saved(in->cl);
	in->dirty = 0;
	return 0;
fail:
	store_rollback(in->st);
	return -1;
}

unsigned long ingest_rebuilds(const struct ingest *in)
{
	return in->rebuilds;
}

void ingest_log_memory(const struct ingest *in)
{
	struct cluster_stats cs;
	const double mib = 1024.0 * 1024.0;

	/* cluster_stats() walks the whole window: not for a line unseen. */
	if (log_get_level() < LOG_LVL_DEBUG)
		return;
	if (!in->nd || !in->hx) {
		log_debug("clustering state: not loaded (let go after retention, or a rebuild"
		          " failed): rebuilt before the next response is stored");
		return;
	}
	if (!in->cl) {
		log_debug("clusterer: off ([threads] enabled = no)");
	} else {
		cluster_stats(in->cl, &cs);
		log_debug("clusterer: %zu stories in the window, %zu threads, %zu terms, "
		          "%.1f MiB (vocabulary %.1f, postings %.1f, centroids %.1f, "
		          "stories %.1f, threads %.1f)", cs.window_stories, cs.active_threads,
		          cs.terms, cs.memory_bytes / mib, cs.mem_vocab / mib,
		          cs.mem_postings / mib, cs.mem_centroids / mib, cs.mem_stories / mib,
		          cs.mem_threads / mib);
	}
	log_debug("near-duplicate index: %zu stories, %.1f MiB", ndindex_count(in->nd),
	          ndindex_memory(in->nd) / mib);
	log_debug("headline index: %zu stories, %.1f MiB", headix_count(in->hx),
	          headix_memory(in->hx) / mib);
}

/* ---- one feed ------------------------------------------------------- */


static int64_t t_or_0(int64_t t)
{
	return t == FEED_NO_TIME ? 0 : t;
}

/* The first day of 1970, which no item is from: the epoch, a feed's
 * missing date (a timestamp of 0), as it is written in a zone's local
 * time without its offset ("1970-01-01T01:00:00" in Berlin, "Thu, 01 Jan
 * 1970 05:30:00" in India: 3600 and 19800 read as UTC).  Believed, such
 * an item was placed in 1970 ("20788 d ago" in tidings stories, a thread
 * last updated then), and in a feed listed for longer than `retention`
 * taken for one retention deleted and not stored at all, where the same
 * date written in UTC (0) is no date. */
#define EPOCH_DAY 86400

/* The time clustering uses: published, else first seen; a date in the
 * future (a feed's clock or time zone wrong) is not believed, nor one
 * before EPOCH_DAY. */
static int64_t event_time(const struct feed_entry *e, int64_t now)
{
	int64_t t = e->published != FEED_NO_TIME ? e->published : e->updated;

	if (t == FEED_NO_TIME || t > now + 600 || t < EPOCH_DAY)
		return now;
	return t;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static unsigned count_distinct(uint64_t *v, unsigned n)
{
	unsigned d = 0;

	qsort(v, n, sizeof *v, cmp_u64);
	for (unsigned i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			d++;
	return d;
}

struct order {
	int64_t time;
	size_t idx;
};

static int cmp_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	/* Feeds list newest first: among equal times, later in the document
	 * is older. */
	return x->idx > y->idx ? -1 : 1;
}

/* Entries by identity key (struct keyed, ingest_int.h), then by their
 * place in the order entries are stored. */
static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c;

	if (!x->ident || !y->ident)
		c = !!x->ident - !!y->ident;
	else
		c = strcmp(x->ident, y->ident);
	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Gives the clusterer the stored counts of thread `id` (story count,
 * first and last story time, publishers), plus those of `pending` when
 * not NULL: a story about to be stored in it.  *stored is how many
 * stories it holds besides `pending`, *last its newest time; with none,
 * the clusterer is left as it is. */
static int load_counts(struct ingest *in, int64_t id, const struct cluster_doc *pending,
                       int64_t *stored, int64_t *last)
{
	struct host_list h = { 0 };
	int64_t first = 0;
	int rc = -1;

	if (store_thread_stats(in->st, id, pending ? pending->story_id : 0, stored, &first,
	                       last) < 0 ||
	    store_thread_hosts(in->st, id, host_cb, &h) < 0 || h.oom)
		goto out;
	if (*stored == 0) {
		rc = 0;
		goto out;
	}
	if (pending && pending->source && *pending->source && host_cb(pending->source, &h) != 0)
		goto out;
	if (pending && pending->time < first)
		first = pending->time;
	if (pending && pending->time > *last)
		*last = pending->time;
	if (cluster_set_counts(in->cl, id, *stored + (pending != NULL), first, *last,
	                       (const char *const *)h.v, h.n) < 0)
		goto out;
	rc = 0;
out:
	host_list_clear(&h);
	free(h.v);
	return rc;
}

/* A thread that had left memory and is taken up again by a late copy
 * counts the copy alone; its row counts every story.  The clusterer
 * gets the stored counts plus this story's, and so does the row: its
 * first and its last time too (the copy of an older story is not the
 * thread's newest). */
static int revived_counts(struct ingest *in, struct cluster_result *r,
                          const struct cluster_doc *d)
{
	int64_t n, last, sources = 0;

	if (load_counts(in, r->thread_id, d, &n, &last) < 0)
		return -1;
	/* With nothing stored, what the clusterer counted stands. */
	if (n > 0) {
		r->story_count = cluster_thread_stories(in->cl, r->thread_id, &r->first_seen,
		                                        &sources);
		r->source_count = sources;
		if (last > r->last_updated)
			r->last_updated = last;
	}
	return 0;
}

/* A story left thread `from` for thread `into` (its text changed
 * materially).  The row and the clusterer count what `from` still holds;
 * a thread left with no story is folded into `into`, as a merge would, so
 * that its id keeps leading readers to a live thread. */
static int left_thread(struct ingest *in, int64_t from, int64_t into)
{
	int64_t n, last;

	if (load_counts(in, from, NULL, &n, &last) < 0)
		return -1;
	if (n > 0) {
		/* Its headline, if it was the leaving story's, is chosen as a
		 * join chooses one: the settle's latest story may have no
		 * headline while another has (docs/threads.md, "Titles"). */
		int64_t title = cluster_thread_title(in->cl, from);
		/* Its keywords are its remaining stories' words: left as they
		 * were, they kept the leaving story's ("crews, hold" from a
		 * live blog no longer in it) until a story joined. */
		const char *kw;

		if (cluster_thread_keywords(in->cl, from, &kw) < 0)
			return -1;
		if (title && store_title_thread(in->st, from, title) < 0)
			return -1;
		if (kw && store_thread_keywords(in->st, from, kw) < 0)
			return -1;
		return store_settle_thread(in->st, from);
	}
	if (cluster_fold(in->cl, from, into) < 0)
		return -1;
	return store_merge_thread(in->st, from, into);
}

/* Writes the thread row of a clustering result and applies its merges.
 * `pending` is the story clustered: about to be inserted (its id and
 * title set; the row comes first, as the story will reference it), or
 * updated. */
static int persist_thread(struct ingest *in, struct cluster_result *r,
                          const struct cluster_doc *pending)
{
	if (r->revived && pending && revived_counts(in, r, pending) < 0)
		return -1;

	struct store_thread t = {
		.id = r->thread_id, .title_story_id = r->title_story_id,
		.title = pending && pending->story_id == r->title_story_id
		         ? pending->title : NULL,
		.keywords = r->keywords[0] ? r->keywords : NULL,
		.first_seen = r->first_seen, .last_updated = r->last_updated,
		.story_count = r->story_count, .source_count = r->source_count,
		.is_new = r->is_new,
	};

	if (store_put_thread(in->st, &t) < 0)
		return -1;
	for (int i = 0; i < r->nmerged; i++)
		if (store_merge_thread(in->st, r->merged[i], r->thread_id) < 0)
			return -1;
	return 0;
}

/* An item seen before whose content changed.  The story's text is its own
 * feed's: another feed's version changing is only noted.  It has changed
 * materially only when its headline changed and its text is no near copy
 * of the old one: a correction, a line added, a reworded paragraph under
 * the same headline keep the thread without asking the clusterer. */
static int update_item(struct entry_ctx *x, int64_t id, int owner,
                       const struct store_story *s, struct cluster_doc *doc,
                       const struct simhash_fp *fp)
{
	struct ingest *in = x->in;
	struct cluster_result cr;
	struct simhash_fp ofp;
	int64_t old_thread, time, n, last;
	uint64_t o[4];
	char *old_title = NULL, *old_host = NULL;
	const char *source = doc->source;
	int same, same_title, rc = -1;

	if (store_set_item_hash(in->st, x->feed_id, s->ident, s->content_hash) < 0)
		return -1;
	if (!owner)
		return 0;
	if (store_story_fingerprint(in->st, id, o, &old_title, &old_host, &time) < 0 ||
	    store_story_thread(in->st, id, &old_thread) < 0 ||
	    store_update_story(in->st, id, s) < 0)
		goto out;
	x->stats->updated++;
	same = same_title = (!old_title && !s->title) ||
	       (old_title && s->title && strcmp(old_title, s->title) == 0);
	ofp = (struct simhash_fp){ .bag = o[0], .seq = o[1], .head = o[2], .tail = o[3] };
	if (fp && !same)
		same = simhash_is_copy(&ofp, fp, in->params.simhash_distance);
	/* Its copies are of the text it had: they keep their thread, under
	 * the earliest of them (docs/dedup.md, level 3); and if it was a
	 * copy, it is one no more.  With or without threads. */
	if (!same && store_recopy(in->st, id) < 0)
		goto out;
	/* A story whose headline changed (the text kept) stays in its
	 * thread too, but the clusterer is told, for the headline decides
	 * what may title a thread (docs/threads.md, "Titles"): one that
	 * lost its headline, or whose feed headed it with a desk's label
	 * ("UPDATE 1-", as wire items are retitled in place) or cut it
	 * short, gives way to a member's whole headline, now and at its
	 * next join.  Told only of lost headlines, the clusterer kept the
	 * story as a whole headline, and the thread showed "UPDATE 1-..."
	 * beside a member's unlabelled one until its title story left the
	 * window.  Only while the clusterer holds the story (below). */
	if (same && old_thread && in->cl && !same_title && cluster_has_story(in->cl, id))
		doc->copy_of_thread = old_thread;
	else if ((same && old_thread) || !in->cl) {
		/* The story stays where it is; a thread it titles shows its
		 * headline as corrected, or another member's when it has none.
		 * So does a thread the clusterer no longer holds (idle longer
		 * than the window): told of the story, it revived the thread
		 * with that story alone in memory, which then titled it, so
		 * that a member losing its headline left the thread untitled
		 * beside the others' headlines. */
		if (old_thread && !same_title && store_retitle_thread(in->st, old_thread, id) < 0)
			goto out;
		goto done;
	}
	rc = -1;
	doc->story_id = id;
	/* The story keeps the event_time and host it was stored with (an
	 * undated item's time is when it was first seen, not now; an update
	 * rewrites neither): its thread's times and sources are its stories'
	 * (docs/schema.md). */
	if (time)
		doc->time = time;
	doc->source = old_host;
	/* A story with a thread was counted in the frequencies when it
	 * came; one stored while threads were off never was. */
	doc->df_unsaved = !old_thread;
	if (cluster_update(in->cl, doc, &cr) < 0)
		goto out;
	in->dirty = 1;
	if (persist_thread(in, &cr, doc) < 0)
		goto out;
	if (cr.thread_id != old_thread && store_set_story_thread(in->st, id, cr.thread_id) < 0)
		goto out;
	/* A story the clusterer no longer held (its thread left the window)
	 * was placed as a new one, naming no thread it left: it left the
	 * stored one, whose row still counts it (unless this very call merged
	 * that thread into its new one). */
	if (!cr.left_thread && old_thread && cr.thread_id != old_thread &&
	    cluster_resolve(in->cl, old_thread) != cr.thread_id)
		cr.left_thread = old_thread;
	if (cr.left_thread && cr.left_thread != cr.thread_id &&
	    left_thread(in, cr.left_thread, cr.thread_id) < 0)
		goto out;
	/* Placed anew, the story was counted as an addition to a thread that
	 * may count it already (its own, which a later story kept in memory
	 * or a copy revived): that row, and the clusterer, take what the
	 * stored stories say. */
	if (cr.placed_anew && !cr.is_new &&
	    (store_settle_thread(in->st, cr.thread_id) < 0 ||
	     load_counts(in, cr.thread_id, NULL, &n, &last) < 0))
		goto out;
	old_thread = cr.thread_id;
done:
	/* Copies are found by the text the story has now, and join the
	 * thread it is in now (as after a restart, which reads both back). */
	if (ndindex_update(in->nd, (o[0] | o[1] | o[2] | o[3]) ? &ofp : NULL, id, fp,
	                   time, old_thread) < 0)
		goto out;
	/* So is the article through an aggregator (level 2): by the
	 * headline and text it has now, as after a restart.  Left under its
	 * first headline, an aggregator's item under the edited one was a
	 * second story of the article until the daemon restarted, and one
	 * under the old headline was this story only until then. */
	{
		struct headix_headline oh, nh;
		struct headix_item ohi, nhi;

		headix_headline(&oh, old_title, s->lang);
		headix_item(&ohi, old_host, &oh, 0, 0);
		headix_forget(in->hx, &ohi, id);
		headix_headline(&nh, s->title, s->lang);
		headix_item(&nhi, old_host, &nh,
		            headix_via_aggregator(s->canonical_url ? s->canonical_url : s->link,
		                                  old_host), fp ? fp->bag : 0);
		if (headix_put(in->hx, &nhi, id, time ? time : s->event_time) < 0)
			goto out;
	}
	rc = 0;
out:
	doc->source = source;
	free(old_title);
	free(old_host);
	return rc;
}


/* An item's publisher, for threads.source_count: its link's host, else
 * its feed's.  But an aggregator (Google News) links its items into its
 * own site and names each one's publisher in <source>: when the link is
 * on the feed's site and the source on another, the source's host.  (A
 * planet's items link to the blogs themselves: their hosts stand.) */
static const char *publisher(const char *link_host, const char *source_host,
                             const char *feed_host)
{
	const char *h = link_host ? link_host : feed_host;
	if (!h)
		return source_host;
	if (source_host && feed_host && canon_same_site(h, feed_host) && !canon_same_site(source_host, h))
		return source_host;
	return h;
}

/* 1 when the text that made story m a match for s is its site's and
 * not an article's: m is the same publisher's (host) under another
 * headline.  A site's template, which no one feed document shows twice:
 * Reddit's "submitted by /u/name [link] [comments]" on every post of
 * one poster, in every subreddit's feed.  Taken for a copy, a post on a
 * wildfire was marked a copy of the same bot's post on interest rates
 * and put in its thread.  (Level 3 is the same text from different
 * publishers, docs/dedup.md; one publisher's one article under two
 * headlines then counts twice, which hides nothing.)  0 when not, -1 on
 * a database error or out of memory. */
static int site_text(struct ingest *in, const struct nd_match *m, const struct store_story *s,
                     const struct headix_headline *hl)
{
	uint64_t ofp[4];
	char *title = NULL, *host = NULL;
	int64_t t;
	int rc = 0;

	if (!s->host)
		return 0;
	if (store_story_fingerprint(in->st, m->story_id, ofp, &title, &host, &t) < 0)
		return -1;
	if (host && strcmp(host, s->host) == 0) {
		struct headix_headline oh;
		headix_headline(&oh, title, s->lang);
		rc = oh.hash || hl->hash ? oh.hash != hl->hash
		                         : strcmp(title ? title : "", s->title ? s->title : "") != 0;
	}
	free(title);
	free(host);
	return rc;
}

/* The next name of a byline from *p on (*name, *len bytes), or 0 at its
 * end: names are cut at ',', ';', '&', '/', '|', parentheses and the word
 * "and", a leading "By " and blanks left out.  A site's feeds write one
 * article's byline several ways: "Jane Doe" (the first of its
 * dc:creator elements), "By Jane Doe and John Roe", "JANE DOE",
 * "Jane Doe, Associated Press". */
static int byline_name(const char **p, const char **name, size_t *len)
{
	static const char seps[] = ",;&/|()";
	const char *s = *p, *e;
	size_t n;

	for (;;) {
		while (*s == ' ' || *s == '\t' || (*s && strchr(seps, *s)))
			s++;
		if (!strncasecmp(s, "and", 3) && (s[3] == ' ' || s[3] == '\t'))
			s += 3;
		else if (!strncasecmp(s, "by", 2) && (s[2] == ' ' || s[2] == '\t'))
			s += 2;
		else
			break;
	}
	if (!*s) {
		*p = s;
		return 0;
	}
	for (e = s; *e && !strchr(seps, *e); e++)
		if ((*e == ' ' || *e == '\t') && !strncasecmp(e + 1, "and", 3) &&
		    (e[4] == ' ' || e[4] == '\t'))
			break;
	for (n = (size_t)(e - s); n && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
		;
	*name = s;
	*len = n;
	*p = e;
	return 1;
}

/* Whether bylines a and b name an author in common (ASCII case aside). */
static int byline_shared(const char *a, const char *b)
{
	const char *n, *m;
	size_t nl, ml;

	for (const char *p = a; byline_name(&p, &n, &nl);)
		for (const char *q = b; byline_name(&q, &m, &ml);)
			if (nl == ml && !strncasecmp(n, m, nl))
				return 1;
	return 0;
}

/* Whether guid g is an id in a scheme of its own, not a web address:
 * "tag:github.com,2008:Grit::Commit/...", "yt:video:...", "at://...",
 * "urn:uuid:...".  A site gives one item one such id, in all its feeds. */
static int guid_opaque(const char *g)
{
	size_t n;

	if (!g || !((*g | 0x20) >= 'a' && (*g | 0x20) <= 'z'))
		return 0;
	n = strspn(g, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	return g[n] == ':' && !uri_is_web(g);
}

/* Whether link is a site's redirector to another address, which its
 * query carries whole, as written or percent-encoded (Google Alerts'
 * "https://www.google.com/url?rct=j&sa=t&url=https://news.example/a
 * &ct=ga&cd=..."): its item is another publisher's article, through an
 * aggregator whose links are its own, and that aggregator's ids are its
 * own too, one each alert (Google Alerts' "tag:google.com,2013:
 * googlealerts/feed:..."). */
static int link_redirects(const char *link)
{
	const char *q = link ? strchr(link, '?') : NULL;

	for (; q; q = strpbrk(q + 1, "&;")) {
		const char *v = q + 1 + strcspn(q + 1, "=&;#");

		if (*v != '=')
			continue;
		v++;
		if (!strncasecmp(v, "http://", 7) || !strncasecmp(v, "https://", 8) ||
		    !strncasecmp(v, "http%3a%2f%2f", 13) || !strncasecmp(v, "https%3a%2f%2f", 14))
			return 1;
	}
	return 0;
}

/* 1 when story `same`, which has s's publisher (host) and headline, is
 * another article by its byline or its guid: neither came through an
 * aggregator and the two name no author in common (byline_name: one
 * article's byline written two ways, in two of its site's feeds, was
 * taken for two), or both have ids of the site's own scheme
 * (guid_opaque) and not the same one.  One article has one author and
 * one id; a host can publish many (every YouTube channel's videos are
 * youtube.com's: two channels' live streams of one press briefing,
 * under one headline and with only each channel's footer for a text,
 * were one story, and the second channel's video was stored nowhere;
 * every repository's commits are github.com's, and a bot's commit of
 * one headline to two repositories, "chore(deps): update dependency
 * eslint to v9.16.0" by one author, was the first repository's commit
 * in the second's feed).  An aggregator's item names the aggregator or
 * no one, and says nothing so.  0 when not, -1 on a database error or
 * out of memory. */
static int other_byline(struct ingest *in, int64_t same, const struct store_story *s,
                        const struct headix_item *hi)
{
	char *author = NULL, *link = NULL, *guid = NULL;
	int rc = 0;

	if (hi->via_aggregator)
		return 0;
	if (store_story_byline(in->st, same, &author, &link, &guid) < 0)
		return -1;
	/* The guids only of items not through a redirector (link_redirects):
	 * one article in two Google Alerts, under two ids of Google's, was
	 * two stories, the later marked a copy, where it had been one story
	 * of the two feeds. */
	if (!headix_via_aggregator(link, s->host) &&
	    ((s->author && *s->author && author && *author && !byline_shared(author, s->author)) ||
	     (guid_opaque(s->guid) && guid_opaque(guid) && strcmp(s->guid, guid) != 0 &&
	      !link_redirects(link) &&
	      !link_redirects(s->canonical_url ? s->canonical_url : s->link))))
		rc = 1;
	free(author);
	free(link);
	free(guid);
	return rc;
}

/* Stores one entry under its identity key `ident` (ingest_feed's). */
static int ingest_entry(struct entry_ctx *x, const struct feed_entry *e,
                        const struct ingest_entry_prep *pe, const char *ident)
{
	struct ingest *in = x->in;
	struct store_story s;
	const struct simhash_fp *fp = pe->has_fp ? &pe->fp : NULL;
	struct cluster_doc doc;
	struct cluster_result cr;
	struct nd_match m;
	const char *canon = pe->canon;
	struct item it;
	int64_t id = 0, canon_id = 0;
	int rc = -1, too_old = 0;
	char *legacy = NULL;

	memset(&s, 0, sizeof s);
	s.feed_id = x->feed_id;
	s.ident = ident;
	s.guid = e->id;
	/* What readers put in <a href>: http(s) only (uri_is_web); the
	 * identity still uses the link as the feed gave it. */
	s.link = uri_is_web(e->link) ? e->link : NULL;
	s.canonical_url = canon;
	s.title = ingest_entry_title(e, pe);
	s.author = e->author.name;
	/* Many feeds give one date only (RSS 1.0's dc:date, Atom's updated):
	 * that is the publication time as far as anyone can tell. */
	s.published = t_or_0(e->published != FEED_NO_TIME ? e->published : e->updated);
	s.updated = t_or_0(e->updated);
	s.first_seen = x->now;
	s.event_time = event_time(e, x->now);
	s.summary = ingest_entry_text(e, pe);
	s.content = e->html;
	s.image = e->image;
	s.tags = pe->tags;
	s.lang = e->language ? e->language : x->f->language;
	s.host = publisher(pe->host, pe->source_host, x->feed_host);
	s.content_hash = pe->content_hash;
	if (fp) {
		s.simhash[0] = fp->bag;
		s.simhash[1] = fp->seq;
		s.simhash[2] = fp->head;
		s.simhash[3] = fp->tail;
	}

	memset(&doc, 0, sizeof doc);
	doc.time = s.event_time;
	doc.title = s.title;
	/* A text the feed gives its other items too (a YouTube channel's
	 * footer, a podcast's blurb on every episode) says nothing of what
	 * the item tells: threaded by it, a channel's video of a hurricane
	 * and its next one, of a budget vote, shared a thread.  The item is
	 * threaded by its headline, as an item without a text. */
	doc.text = pe->text_feeds ? NULL : s.summary;
	doc.lang = s.lang;
	doc.source = s.host;
	doc.series = headix_series(s.host, &pe->headline);
	/* Two of the publisher's feeds' items under a plain headline are two
	 * items when they are no one story (docs/threads.md, "A series is
	 * not one event"); under a distinctive one they may be two posts of
	 * one article on a host many publish on (two subreddits' posts of
	 * one report), which dedup keeps apart: placed by their words. */
	doc.series_feed = !pe->headline.plain ||
	                  headix_via_aggregator(canon ? canon : s.link, s.host) ? 0 : x->feed_id;
	doc.title_label = pe->title_label;
	if (pe->has_tokens) {
		doc.title_tokens = &pe->title_tokens;
		doc.text_tokens = &pe->text_tokens;
	}

	/* Level 1 by its key (daemon/ingest_item.c says in what order). */
	if (item_by_key(x, e, pe, &s, &legacy, &it) < 0)
		goto out;
	ident = s.ident;
	/* A new item's canonical URL: the story that has it already (level
	 * 2), if any; only then can this feed have carried it before. */
	if (!it.id && canon && store_find_canonical(in->st, canon, &canon_id) < 0)
		goto out;
	/* Two items of one document under one link (a live blog's posts, a
	 * podcast's episodes that all link to its home page) are two items,
	 * not one article seen twice: a story this feed already carries is
	 * not this item.  (A feed that changes its guids has one item per
	 * link, and keeps finding its own stories here.) */
	if (canon_id && pe->link_shared) {
		int state = 0;
		if (store_story_in_feed(in->st, canon_id, x->feed_id, &state) < 0)
			goto out;
		if (state == 2)
			canon_id = 0;
	}
	/* Nor by its link: the same publisher's article under the same
	 * headline, hours apart, is one article reached two ways (through
	 * an aggregator, whose links are its own, and the publisher's feed;
	 * see headix.h).  Not an item of this very feed: a feed's items are
	 * its own to tell apart. */
	struct headix_item hi = { 0 };
	/* Through an aggregator by the link the item is known by (its
	 * canonical URL: FeedBurner's origLink, not the feedproxy redirector
	 * it shows; the host in the form `host` has), as the start-up replay
	 * reads it back.  By the visible link, a publisher's own FeedBurner
	 * feed, or its links written in punycode, counted as an aggregator:
	 * its own lead was ignored (another article under its headline
	 * merged into it) and it could not vouch for a plain headline. */
	if (!it.id && !canon_id)
		headix_item(&hi, s.host, &pe->headline,
		            headix_via_aggregator(canon ? canon : s.link, s.host), fp ? fp->bag : 0);
	if (hi.key) {
		int64_t same = headix_get(in->hx, &hi, s.event_time);
		int state = 0;
		if (same && store_story_in_feed(in->st, same, x->feed_id, &state) < 0)
			goto out;
		int other = state == 1 ? other_byline(in, same, &s, &hi) : 0;
		if (other < 0)
			goto out;
		if (state == 1 && !other) {
			canon_id = same;
			x->stats->same_headline++;
		}
	}
	/* Retention deleted this feed's stories first seen before its cut,
	 * and a feed lists its latest items whatever their age (a blog's
	 * last ten posts span a year, a podcast's feed every episode): the
	 * next document brought them back as new stories, new ids and seq,
	 * new threads, and the pass after deleted them again, every
	 * `retention` for as long as the feed lists them.  An item dated
	 * before the cut that is new to a feed listed for longer than
	 * `retention` is such an item, and is left out.  Dated by the later
	 * of its dates (an old post updated since is news again); undated
	 * or dated at the epoch (a feed's broken clock, EPOCH_DAY), it is
	 * stored. */
	if (!it.id && !canon_id && x->old_before) {
		int64_t dated = s.updated > s.published ? s.updated : s.published;

		too_old = dated >= EPOCH_DAY && dated < x->old_before;
	}
	/* What the item says of the feed's guids (an item left out for its
	 * age says nothing: item_count_guid); then, not found by its key,
	 * whether it is the feed's own story under its link, re-keyed. */
	if (!too_old && item_count_guid(x, e, pe, ident, &it, canon_id) < 0)
		goto out;
	if (!it.id && item_rekeyed(x, &s, canon, pe->link_shared, &canon_id, &it) < 0)
		goto out;
	if (it.id) {                         /* level 1: the same item */
		rc = it.hash == s.content_hash ? 0
		     : update_item(x, it.id, it.owner, &s, &doc, fp);
		goto out;
	}
	if (canon_id) {                      /* level 2: the same article */
		/* Counted apart when the story is this feed's own (a CMS that
		 * moved to another guid scheme, a feed known by link since
		 * its guids rotate): "seen in other feeds" said so of a feed
		 * alone. */
		int state = 0;
		if (store_story_in_feed(in->st, canon_id, x->feed_id, &state) < 0)
			goto out;
		rc = store_add_story_feed(in->st, canon_id, x->feed_id, ident, x->now,
		                          s.content_hash);
		if (state == 2)
			x->stats->own_by_link++;
		else
			x->stats->cross_feed++;
		goto out;
	}
	if (too_old) {                       /* (above) */
		x->stats->too_old++;
		rc = 0;
		goto out;
	}
	/* A new story.  Level 3: a copy of a recent story's text. */
	int copy = fp && ndindex_lookup(in->nd, fp, s.event_time, &m) == 1, site = 0;
	if (copy && pe->fp_text && (site = site_text(in, &m, &s, &pe->headline)) < 0)
		goto out;
	if (copy && !site) {
		/* The earliest match can be a copy itself (stored after its
		 * original but dated before it): its original is this one's
		 * too.  Copies never point at a copy, or a reader folding them
		 * under the story they name lost the second one's. */
		int64_t orig = 0, orig_time = 0;
		if (store_story_copy_of(in->st, m.story_id, &orig, &orig_time) < 0)
			goto out;
		/* A copy is one of a story within the window of its own time
		 * (docs/dedup.md), and the original it would point at is
		 * looked at too: the index only vouches for the copy it met.
		 * A headline a site reuses every day ("Stock market today:
		 * Dow, S&P 500, Nasdaq", no text) met yesterday's item, a
		 * copy of the first one's; pointing at that one made every
		 * day's article a copy of an article weeks old, in its
		 * thread without a look at the words.  Past the window it is
		 * no copy, and is placed by its words. */
		int64_t dt = orig_time > s.event_time ? orig_time - s.event_time
		                                      : s.event_time - orig_time;
		if (!orig || dt <= in->window) {
			s.duplicate_of = orig ? orig : m.story_id;
			doc.copy_of_thread = m.thread_id;
			x->stats->duplicates++;
		}
	}
	/* Clustered before it is inserted, so that the row is written once,
	 * with its thread (an UPDATE afterwards rewrote the whole row and
	 * two indexes).  Should anything below fail, the caller rolls back
	 * and ingest_rollback forgets what the clusterer learnt. */
	if (in->cl) {
		if (store_next_story_id(in->st, &id) < 0)
			goto out;
		doc.story_id = id;
		/* A headline its publisher gave to another story a day or so
		 * away recurs: a lesser one to title a thread with, this
		 * story's and the others' (docs/threads.md, "Titles"). */
		int64_t prev[RECUR_MARK], retitle[RECUR_MARK];
		int np = headix_recurs(in->hx, &hi, s.event_time, RECUR_GAP, prev, RECUR_MARK), nr = 0;
		doc.recurring = np > 0;
		for (int k = 0; k < np && k < RECUR_MARK; k++)
			if ((retitle[nr] = cluster_recurring(in->cl, prev[k])) != 0)
				nr++;
		if (cluster_add(in->cl, &doc, &cr) < 0)
			goto out;
		in->dirty = 1;
		x->stats->new_threads += cr.is_new;
		/* The thread row first: stories.thread_id references it. */
		if (persist_thread(in, &cr, &doc) < 0)
			goto out;
		s.thread_id = cr.thread_id;
		/* The other threads such a story titled (the story's own is
		 * written above). */
		for (int k = 0; k < nr; k++) {
			int64_t tid = cluster_resolve(in->cl, retitle[k]), title;
			if (tid && tid != cr.thread_id && (title = cluster_thread_title(in->cl, tid)) &&
			    store_retitle_to(in->st, tid, title) < 0)
				goto out;
		}
	}
	if (store_insert_story(in->st, &s, &id) < 0)
		goto out;
	x->stats->new_stories++;
	if (fp && ndindex_insert(in->nd, fp, id, s.event_time, s.thread_id) < 0)
		goto out;
	if (headix_put(in->hx, &hi, id, s.event_time) < 0)
		goto out;
	if (s.event_time > in->newest) {
		in->newest = s.event_time;
		ndindex_expire(in->nd, in->newest);
	}
	rc = 0;
out:
	free(legacy);
	return rc;
}


/* The feed is known by link from now on (use_link 1), or by guid again
 * (0): each item of this document that has a row under the key it was
 * stored or found under in this poll gets one under its key of the new
 * kind too, with that row's content hash, so that the next poll finds
 * it as the same item (level 1).  Found only through its canonical URL
 * (level 2), the item was another feed's copy: a row was added, its
 * edits at that poll were never stored, and when its link changed with
 * it (a draft's address replaced by the final one) it became a second
 * story.  An item new in the poll that turned a feed whose guids had
 * rotated (a CMS that moved to another guid scheme) back to its guids
 * was stored under its link key, and so met the next poll: its first
 * corrected headline was lost for good.  A key of the same kind (no
 * guid: the link in both; neither: title and date) is the row itself,
 * and INSERT OR IGNORE leaves a row already there as it is.  The
 * feed's own story found only through its canonical URL (first carried
 * RECUR_GAP or more ago: a CMS that moved to another guid scheme) was
 * taken for the same article again, its edit of this poll not stored:
 * under the new key the row has the story's hash, and the entry is
 * stored again under it, as an edit of the item seen before.  With the
 * row's hash, the next poll found nothing changed, and a headline
 * corrected in the poll of the new guids was lost for good.  -1 on a
 * database error or out of memory. */
static int known_anew(struct entry_ctx *x, const struct feed *f, const struct order *order,
                      const char *const *ident_at, const struct ingest_prep *prep,
                      int use_link)
{
	struct keyed *nk = calloc(f->n_entries, sizeof *nk);
	int rc = -1;

	if (!nk)
		return -1;
	for (size_t i = 0; i < f->n_entries; i++) {
		size_t k = order[i].idx;
		struct ident_entry ie = ingest_entry_ident(&f->entries[k], &prep->e[k]);

		nk[i].pos = i;
		if (ident_key_canon(&ie, use_link, prep->e[k].canon, &nk[i].ident) == -2)
			goto out;
	}
	qsort(nk, f->n_entries, sizeof *nk, cmp_keyed);
	for (size_t i = 0; i < f->n_entries; i++) {
		const char *key = nk[i].ident, *was = ident_at[nk[i].pos];
		size_t k = order[nk[i].pos].idx;
		int64_t id;
		uint64_t hash, stored;
		int owner;

		/* Two entries under one new key (items that share a link, a
		 * guid given to several) are one item to the next poll: the
		 * last of them, which ingest_feed stores (ident_at: sorted as
		 * these are).  The key is that one's, when it was stored in
		 * this poll; given to none, the next poll made that entry a
		 * new story, a copy of its own. */
		if (!key || !was || strcmp(key, was) == 0 ||
		    (i + 1 < f->n_entries && nk[i + 1].ident && strcmp(nk[i + 1].ident, key) == 0))
			continue;
		if (store_find_item(x->in->st, x->feed_id, was, &id, &hash, &owner) < 0)
			goto out;
		if (!id)
			continue;
		stored = hash;
		if (owner && store_story_hash(x->in->st, id, &stored) < 0)
			goto out;
		if (stored == prep->e[k].content_hash)
			stored = hash;    /* the story holds the item as it is */
		if (store_add_story_feed(x->in->st, id, x->feed_id, key, x->now, stored) < 0)
			goto out;
		if (stored != hash &&
		    (store_set_item_hash(x->in->st, x->feed_id, key, stored) < 0 ||
		     ingest_entry(x, &f->entries[k], &prep->e[k], key) < 0))
			goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < f->n_entries; i++)
		free(nk[i].ident);
	free(nk);
	return rc;
}

int ingest_feed(struct ingest *in, int64_t feed_id, const char *feed_url,
                const struct feed *f, const struct ingest_prep *prep,
                int64_t now, struct ingest_stats *stats)
{
	struct entry_ctx x = { .in = in, .feed_id = feed_id, .f = f, .now = now,
	                       .stats = stats };
	struct ingest_prep own = { NULL, 0 };
	char *feed_host = NULL;
	struct order *order = NULL;
	struct keyed *keys = NULL;
	const char **ident_at = NULL;
	int rc = -1, rotate;

	memset(stats, 0, sizeof *stats);
	stats->entries = (int)f->n_entries;
	if (f->n_entries == 0)
		return 0;
	/* A failed rebuild (database error) is retried before any use. */
	if (((in->params.enabled && !in->cl) || !in->nd) && rebuild(in) < 0)
		return -1;
	if (!prep || prep->n != f->n_entries) {
		if (ingest_prepare(f, NULL, &own) < 0)
			return -1;
		prep = &own;
	}
	if (store_feed_guids_rotate(in->st, feed_id, &x.use_link) < 0)
		goto out;
	/* See ingest_entry: a feed listed for less than `retention` has no
	 * item retention could have deleted, and all of its items are new. */
	if (in->retention > 0 && now - in->retention > 0) {
		int64_t added;

		if (store_feed_added(in->st, feed_id, &added) < 0)
			goto out;
		if (added && added < now - in->retention)
			x.old_before = now - in->retention;
	}
	if (canon_host(f->link ? f->link : feed_url, &feed_host) == -2)
		goto out;    /* (-1: no host, feed_host NULL) */
	x.feed_host = feed_host;
	/* Oldest first: the clusterer sees time move forward. */
	if (!(order = malloc(f->n_entries * sizeof *order)) ||
	    !(x.link_hash = malloc(f->n_entries * sizeof *x.link_hash)))
		goto out;
	for (size_t i = 0; i < f->n_entries; i++) {
		order[i].time = event_time(&f->entries[i], now);
		order[i].idx = i;
	}
	qsort(order, f->n_entries, sizeof *order, cmp_order);
	/* Entries of one document under one key (a feed that gives all its
	 * items one guid, two items with one title and no date) are one
	 * item, and only the last of them stored is: stored each in turn,
	 * every poll of the unchanged document rewrote the row once per
	 * entry, with a new seq and "updated" each time.  The last is the
	 * one the row held after the first poll, so the rows stored before
	 * this rule stay as they are. */
	if (!(keys = calloc(f->n_entries, sizeof *keys)) ||
	    !(ident_at = calloc(f->n_entries, sizeof *ident_at)))
		goto out;
	for (size_t i = 0; i < f->n_entries; i++) {
		size_t k = order[i].idx;
		struct ident_entry ie = ingest_entry_ident(&f->entries[k], &prep->e[k]);

		keys[i].pos = i;
		if (ident_key_canon(&ie, x.use_link, prep->e[k].canon, &keys[i].ident) == -2)
			goto out;    /* out of memory; -1: nothing to know it by */
	}
	qsort(keys, f->n_entries, sizeof *keys, cmp_keyed);
	x.keys = keys;
	x.n_keys = f->n_entries;
	for (size_t i = 0; i < f->n_entries; i++)
		if (keys[i].ident && (i + 1 == f->n_entries ||
		                      strcmp(keys[i].ident, keys[i + 1].ident) != 0))
			ident_at[keys[i].pos] = keys[i].ident;
	for (size_t i = 0; i < f->n_entries; i++)
		if (ident_at[i] &&
		    ingest_entry(&x, &f->entries[order[i].idx], &prep->e[order[i].idx],
		                 ident_at[i]) < 0)
			goto out;
	x.poll.distinct_links = count_distinct(x.link_hash, x.poll.items);
	rotate = ident_guids_rotate(&x.poll, x.use_link);
	if (rotate != x.use_link) {
		log_notice("%s: %s", feed_url, rotate
		           ? "guids change on every fetch; items are now known by link"
		           : "guids are stable again; items are known by guid");
		x.decided = 1;
		if (store_set_feed_guids_rotate(in->st, feed_id, rotate) < 0 ||
		    known_anew(&x, f, order, ident_at, prep, rotate) < 0)
			goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; keys && i < f->n_entries; i++)
		free(keys[i].ident);
	free(keys);
	free(ident_at);
	free(order);
	free(x.link_hash);
	free(feed_host);
	ingest_prep_free(&own);
	return rc;
}
