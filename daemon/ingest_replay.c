/* daemon/ingest_replay.c — the window's replay at start-up, tokenizing on a
 * second thread.
 *
 * Tokenizing a story's title and lead is about a third of the replay's
 * time and needs nothing from the clusterer, so a second thread does it:
 * the rows come from SQL in batches, and while this thread replays batch
 * k into the clusterer and the near-duplicate index, the other tokenizes
 * batch k+1.  The tokens are what cluster_restore() would make itself (the
 * parse workers hand the clusterer tokens the same way), so the result is
 * the same.  Measured (restore_bench, 100k stories): wall 2.0-2.8 s ->
 * 1.7-1.9 s, CPU 2.0 -> 2.7-2.9 s: on this machine's two vCPUs a thread
 * runs slower while the other is busy.  A start-up is waited for, so the
 * wall time is what counts here. */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/headix.h"
#include "daemon/ingest_int.h"
#include "daemon/simhash.h"
#include "daemon/text.h"
#include "feeds/sbuf.h"

#define REPLAY_BATCH 128
#define NO_STR UINT32_MAX

/* Appends n bytes to b; their offset, or -1 when out of memory. */
static int64_t put(struct sbuf *b, const void *src, size_t n)
{
	size_t off = b->len;

	if (n)
		sbuf_add(b, src, n);
	return b->oom ? -1 : (int64_t)off;
}

/* One field's tokens, in its batch's token and term buffers. */
struct replay_toks {
	uint32_t v_off, n, buf_off, buf_len;
};

struct replay_row {
	int64_t id, event_time, thread_id;
	uint64_t simhash[4];
	uint32_t str[4];            /* title, summary, lang, host in strs, or NO_STR */
	struct headix_item hi;      /* for the headline index, made by replay_tokenize */
	uint64_t series;            /* cluster_doc.series, made there too */
	int via_aggregator;         /* headix_via_aggregator() of its canonical URL */
	int64_t feed_id;            /* the feed that brought it first */
	struct replay_toks tok[2];  /* title, summary */
	int has_tokens;
	int text_feeds;             /* its summary was its feed's (ingest_entry_prep's) */
};

/* Rows and everything they hold, in a few buffers that are reused from
 * batch to batch: a replay's memory is two batches' worth, whatever the
 * window holds. */
struct replay_batch {
	struct replay_row r[REPLAY_BATCH];
	size_t n;
	struct sbuf strs, tv, tb;   /* strings; tokens; their terms */
};

struct replay {
	struct ingest *in;
	struct text *tok;           /* used by one thread at a time */
	struct text_tokens scratch; /* the same */
	struct replay_batch b[2];
	int cur;                    /* the batch being filled */
	pthread_t th;
	int th_running;             /* tokenizing `job` */
	struct replay_batch *job;   /* set before the thread starts */
	int64_t since;              /* older rows: the headline index's only */
	int64_t df_upto;            /* later stories: not in the saved frequencies */
	int count_only;             /* rows older than the window, to count in
	                               the frequencies only (cluster_count) */
	struct window_title *labels; /* ingest_window_labels(): the feeds' labels, by id */
	size_t nlabels;
	int failed;                 /* window_cb stopped the query on an error */
};

static const char *row_str(const struct replay_batch *b, const struct replay_row *r, int i)
{
	return r->str[i] == NO_STR ? NULL : b->strs.s + r->str[i];
}

static void replay_reset(struct replay_batch *b)
{
	b->n = 0;
	sbuf_reset(&b->strs);
	sbuf_reset(&b->tv);
	sbuf_reset(&b->tb);
}

static void replay_free(struct replay_batch *b)
{
	sbuf_free(&b->strs);
	sbuf_free(&b->tv);
	sbuf_free(&b->tb);
}

/* Copies one row (its strings live only during the callback). */
static int replay_row_set(struct replay_batch *b, const struct store_window_row *r)
{
	struct replay_row *dst = &b->r[b->n];
	const char *src[4] = { r->title, r->summary, r->lang, r->host };

	for (int i = 0; i < 4; i++) {
		int64_t off;

		dst->str[i] = NO_STR;
		if (!src[i])
			continue;
		if ((off = put(&b->strs, src[i], strlen(src[i]) + 1)) < 0)
			return -1;
		dst->str[i] = (uint32_t)off;
	}
	dst->has_tokens = 0;
	dst->via_aggregator = headix_via_aggregator(r->link, r->host);
	dst->feed_id = r->feed_id;
	dst->id = r->id;
	dst->event_time = r->event_time;
	dst->thread_id = r->thread_id;
	memcpy(dst->simhash, r->simhash, sizeof dst->simhash);
	b->n++;
	return 0;
}

/* One field's tokens into the batch's buffers; -1 when out of memory. */
static int tokenize_field(struct replay *rp, struct replay_batch *b, const char *s,
                          const char *lang, int lead, struct replay_toks *out)
{
	struct text_tokens *sc = &rp->scratch;
	int64_t v_off, buf_off;

	memset(out, 0, sizeof *out);
	if (!s)
		return 0;
	text_tokens_reset(sc);
	if (text_tokenize(rp->tok, s, strlen(s), lang, sc) < 0)
		return -1;
	if (lead)
		text_drop_cut(s, strlen(s), sc);
	if ((v_off = put(&b->tv, sc->v, sc->n * sizeof *sc->v)) < 0 ||
	    (buf_off = put(&b->tb, sc->buf, sc->buf_len)) < 0)
		return -1;
	*out = (struct replay_toks){ .v_off = (uint32_t)v_off, .n = (uint32_t)sc->n,
	                             .buf_off = (uint32_t)buf_off, .buf_len = (uint32_t)sc->buf_len };
	return 0;
}

/* Tokens of a batch's rows that have a thread, and every row's item for
 * the headline index.  A row whose tokens could not be made (out of
 * memory) is tokenized by cluster_restore itself. */
static void *replay_tokenize(void *p)
{
	struct replay *rp = p;
	struct replay_batch *b = rp->job;

	for (size_t i = 0; i < b->n; i++) {
		struct replay_row *r = &b->r[i];
		const char *lang = row_str(b, r, 2);

		/* A pass over each headline, off the replaying thread too. */
		struct headix_headline hl;
		headix_headline(&hl, row_str(b, r, 0), lang);
		headix_item(&r->hi, row_str(b, r, 3), &hl, r->via_aggregator, r->simhash[0]);
		r->series = headix_series(row_str(b, r, 3), &hl);
		/* A summary that was its feed's, as the story was stored: a
		 * distinctive text whose fingerprint is not the story's, which
		 * is its headline's (or none, a plain headline).  (A summary
		 * that is the headline again has the headline's; a story
		 * fingerprinted by an older version's rules has its text's.) */
		struct simhash_fp tfp;
		const char *sum = row_str(b, r, 1);
		r->text_feeds = r->thread_id && rp->in->cl && sum && *sum &&
		                (r->simhash[0] == 0 || r->simhash[0] == hl.fp.bag) &&
		                simhash_story(NULL, sum, lang, &tfp) == 1 && tfp.bag != r->simhash[0];
		if (rp->tok && r->thread_id && rp->in->cl)
			r->has_tokens = tokenize_field(rp, b, row_str(b, r, 0), lang, 0, &r->tok[0]) == 0 &&
			                tokenize_field(rp, b, r->text_feeds ? NULL : sum, lang, 1,
			                               &r->tok[1]) == 0;
	}
	return NULL;
}

/* A field's tokens as text.h hands them out, pointing into the batch. */
static struct text_tokens toks_view(const struct replay_batch *b, const struct replay_toks *t)
{
	/* A field without tokens may come before any buffer exists. */
	return (struct text_tokens){
		.buf = b->tb.s ? b->tb.s + t->buf_off : NULL, .buf_len = t->buf_len,
		.buf_cap = t->buf_len,
		.v = b->tv.s ? (struct text_token *)(void *)(b->tv.s + t->v_off) : NULL,
		.n = t->n, .cap = t->n,
	};
}

/* Replays one batch into the clusterer and the indexes, oldest first. */
static int replay_apply(struct ingest *in, struct replay_batch *b, int64_t since, int64_t df_upto,
                        int count_only, const struct window_title *labels,
                        size_t nlabels)
{
	for (size_t i = 0; i < b->n; i++) {
		struct replay_row *r = &b->r[i];
		struct text_tokens tt = toks_view(b, &r->tok[0]), xt = toks_view(b, &r->tok[1]);
		struct cluster_doc d = {
			.story_id = r->id, .time = r->event_time, .title = row_str(b, r, 0),
			.text = r->text_feeds ? NULL : row_str(b, r, 1), .lang = row_str(b, r, 2),
			.source = row_str(b, r, 3),
			.title_tokens = r->has_tokens ? &tt : NULL,
			.text_tokens = r->has_tokens ? &xt : NULL,
			.df_unsaved = r->id > df_upto, .series = r->series,
			.series_feed = r->via_aggregator || !r->hi.plain ? 0 : r->feed_id,
			.title_label = ingest_window_label(labels, nlabels, r->id),
		};
		if (count_only) {
			if (r->thread_id && in->cl && cluster_count(in->cl, &d) < 0)
				return -1;
			in->dirty = 1;     /* counted now: the next sync saves it */
			continue;
		}
		if (r->event_time < since) {
			/* Before the window, within HEADIX_SPAN of its end. */
			if (headix_put(in->hx, &r->hi, r->id, r->event_time) < 0)
				return -1;
			continue;
		}
		/* As it came (ingest_entry): its headline recurs by the
		 * stories replayed before it, and theirs by it.  (The index
		 * starts at the window: a story only older ones gave its
		 * headline to, and no newer one, is whole again.) */
		int64_t prev[RECUR_MARK];
		int np = headix_recurs(in->hx, &r->hi, r->event_time, RECUR_GAP, prev, RECUR_MARK);
		d.recurring = np > 0;
		for (int k = 0; in->cl && k < np && k < RECUR_MARK; k++)
			cluster_recurring(in->cl, prev[k]);

		if (r->thread_id && in->cl) {
			if (cluster_restore(in->cl, &d, r->thread_id) < 0)
				return -1;
			/* Counted now: the next sync saves it. */
			if (d.df_unsaved)
				in->dirty = 1;
		}
		if (r->simhash[0] | r->simhash[1] | r->simhash[2] | r->simhash[3]) {
			struct simhash_fp fp = { .bag = r->simhash[0], .seq = r->simhash[1],
			                         .head = r->simhash[2], .tail = r->simhash[3] };
			if (ndindex_insert(in->nd, &fp, r->id, r->event_time, r->thread_id) < 0)
				return -1;
		}
		if (headix_put(in->hx, &r->hi, r->id, r->event_time) < 0)
			return -1;
		if (r->event_time > in->newest)
			in->newest = r->event_time;
	}
	return 0;
}

/* The batch being filled is complete (or the rows ended): the previous
 * one, tokenized meanwhile, is replayed while this one is tokenized. */
static int replay_turn(struct replay *rp)
{
	int rc = 0;

	if (rp->th_running) {
		pthread_join(rp->th, NULL);
		rp->th_running = 0;
	}
	rp->cur = !rp->cur;      /* the full batch is now b[!cur] */
	rp->job = &rp->b[!rp->cur];
	if (rp->job->n) {
		if (pthread_create(&rp->th, NULL, replay_tokenize, rp) == 0)
			rp->th_running = 1;
		else
			replay_tokenize(rp);
	}
	/* b[cur] is the batch tokenized before: replay it, empty it. */
	if (replay_apply(rp->in, &rp->b[rp->cur], rp->since, rp->df_upto, rp->count_only,
	                 rp->labels, rp->nlabels) < 0)
		rc = -1;
	replay_reset(&rp->b[rp->cur]);
	return rc;
}

static int window_cb(const struct store_window_row *r, void *p)
{
	struct replay *rp = p;
	struct replay_batch *b = &rp->b[rp->cur];

	/* A stopped query is no error to store_window (it returns 0): the
	 * failure is kept here for ingest_replay_window, or a row that could not be
	 * kept (out of memory) ended the replay there and the daemon went on
	 * as if the window were whole: the stories after it in no thread's
	 * memory (new ones about them made threads of their own), and those
	 * the frequencies did not count never counted, once saved. */
	if (replay_row_set(b, r) < 0 || (b->n == REPLAY_BATCH && replay_turn(rp) < 0)) {
		rp->failed = 1;
		return 1;
	}
	return 0;
}

/* Every story of the window since `since`, oldest first; the headline
 * index's lookups reach HEADIX_SPAN back, so when the window is shorter
 * it is given the stories of that span too, as it would hold them had
 * the daemon not restarted (docs/dedup.md: "within 12 hours"). */
int ingest_replay_window(struct ingest *in, int64_t since, int64_t df_upto)
{
	struct replay *rp = calloc(1, sizeof *rp);
	int64_t from = since;
	int rc;

	if (!rp)
		return -1;
	if (in->window < HEADIX_SPAN)
		from = since - (HEADIX_SPAN - in->window);
	rp->in = in;
	rp->since = since;
	rp->df_upto = df_upto;
	rp->tok = text_new();    /* NULL: cluster_restore tokenizes */
	rc = in->cl ? ingest_window_labels(in->st, since, &rp->labels, &rp->nlabels) : 0;
	/* First the stories the saved frequencies do not count and the
	 * window leaves out (older than it), counted as when they came: a
	 * daemon killed in its first poll, which brought weeks of back
	 * items, restarted with those never counted, for good.  Then the
	 * window.  (After the two turns that end a pass no row is left.) */
	rp->count_only = rc == 0 && in->cl && df_upto < INT64_MAX;
	if (rp->count_only && (rc = store_unsaved_before(in->st, df_upto, since, window_cb, rp)) == 0 &&
	    rp->failed)
		rc = -1;
	for (int i = 0; i < 2 && rc == 0 && rp->count_only; i++)
		if (replay_turn(rp) < 0)
			rc = -1;
	rp->count_only = 0;
	if (rc == 0 && (rc = store_window(in->st, from, window_cb, rp)) == 0 && rp->failed)
		rc = -1;
	/* The last rows: two more turns replay the partial batch too. */
	for (int i = 0; i < 2 && rc == 0; i++)
		if (replay_turn(rp) < 0)
			rc = -1;
	if (rp->th_running)
		pthread_join(rp->th, NULL);
	replay_free(&rp->b[0]);
	replay_free(&rp->b[1]);
	text_tokens_free(&rp->scratch);
	text_free(rp->tok);
	free(rp->labels);
	free(rp);
	return rc;
}
