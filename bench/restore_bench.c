/* bench/restore_bench.c — the daemon's start-up restore, for real: a
 * database whose cluster_window holds N stories (filled once through the
 * real pipeline: parse, dedup, cluster, insert), then ingest_new() — which
 * loads the document frequencies and reads the window's stories from SQLite
 * into the clusterer and the near-duplicate index — timed best of 3.
 *
 *   restore_bench DB [N]        e.g. restore_bench /tmp/r.db 100000
 *
 * $RESTORE_CONTENT=BYTES gives every item a content:encoded of about that
 * size besides its description (full-text feeds): the stories.content
 * column then precedes, in each row, columns the restore reads.
 *
 * An existing DB that already holds stories is reused as it is (so a second
 * run only times the restore).  Also printed, to tell the parts apart: the
 * SQL read alone (store_window with a callback that does nothing) and the
 * clusterer's memory, from a rebuild of the same steps through the public
 * API (the pipeline keeps its clusterer to itself).  Times are process CPU
 * (the machine may be shared) and wall clock. */
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "bench/bench.h"
#include "config/config.h"
#include "daemon/cluster.h"
#include "daemon/ingest.h"
#include "daemon/store.h"
#include "feeds/feed.h"

#define ITEMS 50
#define FEEDS 64
#define VOCAB 30000
#define EVENTS 4000
#define BASE 1794000000LL /* 2026-11-07, any fixed time will do */

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	return bench_xorshift(&rng);
}

static double unit(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}

/* Background words drawn with a Zipf law (s = 1), as words are in news;
 * each event has its own words and capitalised names, so that stories form
 * threads of several members as real coverage does (one event is replaced
 * every 25 stories, the popular ones get more stories). */
static double cdf[VOCAB];

static void make_vocab(void)
{
	double sum = 0;

	for (int i = 0; i < VOCAB; i++)
		cdf[i] = (sum += 1.0 / (i + 1));
	for (int i = 0; i < VOCAB; i++)
		cdf[i] /= sum;
}

static unsigned zipf(void)
{
	return (unsigned)bench_zipf_pick(cdf, VOCAB, next());
}

/* A pronounceable word for an index (English suffixes now and then, so
 * the stemmer has work to do). */
static int word(char *dst, unsigned idx, int cap)
{
	static const char *syl[] = { "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo",
		"bri", "dan", "fel", "gor", "hum", "jat", "kol", "pri" };
	static const char *suf[] = { "", "", "", "", "s", "ing", "ed", "ers" };
	int n = 0;
	unsigned v = idx;

	do {
		const char *s = syl[v % 16];
		while (*s)
			dst[n++] = *s++;
		v /= 16;
	} while (v);
	for (const char *s = suf[(idx * 2654435761u) >> 29]; *s;)
		dst[n++] = *s++;
	if (cap)
		dst[0] = (char)(dst[0] - 'a' + 'A');
	dst[n] = '\0';
	return n;
}

struct ev {
	unsigned words[6], names[3];
};

static struct ev ev[EVENTS];
static unsigned next_word = 0;

static void new_event(struct ev *e)
{
	for (int k = 0; k < 6; k++)
		e->words[k] = next_word++;
	for (int k = 0; k < 3; k++)
		e->names[k] = next_word++;
}

/* n words of event e into dst, a full stop every 12; returns the length. */
static size_t words(char *dst, const struct ev *e, int n, int names, int own)
{
	char w[64];
	size_t len = 0;

	for (int k = 0; k < n; k++) {
		int pick = (int)(next() % 10);
		if (pick < names)
			word(w, e->names[next() % 3] + 2000000, 1);
		else if (pick < names + own)
			word(w, e->words[next() % 6] + 1000000, 0);
		else
			word(w, zipf(), 0);
		len += (size_t)sprintf(dst + len, "%s%s%s", k ? " " : "", w,
				       k % 12 == 11 ? "." : "");
	}
	return len;
}

/* One RSS document of ITEMS new articles, item i published at
 * BASE + i * step; returns its length. */
static size_t make_feed(char *buf, size_t cap, long feed_no, long *item_no, double step)
{
	static char body[1 << 16];
	size_t n = 0, content = getenv("RESTORE_CONTENT") ? (size_t)atol(getenv("RESTORE_CONTENT")) : 0;

	n += (size_t)snprintf(buf + n, cap - n,
		"<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content="
		"\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Feed %ld</title>"
		"<link>http://feed%ld.example/</link><language>en</language>", feed_no, feed_no);
	for (int i = 0; i < ITEMS; i++) {
		long id = (*item_no)++;
		char title[512], text[2048], date[64];
		time_t pub = (time_t)(BASE + (long long)(id * step));

		if (id % 25 == 0)
			new_event(&ev[next() % EVENTS]);
		double u = unit();
		const struct ev *e = &ev[(int)(EVENTS * u * u)];
		words(title, e, 8, 3, 4);
		words(text, e, 40, 2, 2);
		strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime(&pub));
		size_t bl = 0;
		while (bl + 2048 < sizeof body && bl < content) {
			bl += (size_t)sprintf(body + bl, "<p>");
			bl += words(body + bl, e, 40, 2, 2);
			bl += (size_t)sprintf(body + bl, "</p>");
		}
		body[bl] = '\0';
		n += (size_t)snprintf(buf + n, cap - n,
			"<item><title>%s</title><link>http://feed%ld.example/a/%ld</link>"
			"<guid>s%ld</guid><pubDate>%s</pubDate><description>%s</description>"
			"%s%s%s</item>",
			title, feed_no, id, id, date, text, bl ? "<content:encoded><![CDATA[" : "",
			body, bl ? "]]></content:encoded>" : "");
	}
	n += (size_t)snprintf(buf + n, cap - n, "</channel></rss>");
	return n;
}

static int fill(struct store *st, const struct config *cfg, long want)
{
	static char buf[1 << 22]; /* 50 items of up to 64 KiB */
	struct ingest *in;
	char err[512];
	long feed_no = 0, item_no = 0, stored = 0;
	/* All stories inside the window (72 h by default), with an hour to
	 * spare at the old end. */
	double step = (double)(cfg->threads.window - 3600) / (double)want;
	int64_t now = BASE + cfg->threads.window;

	for (int i = 0; i < EVENTS; i++)
		new_event(&ev[i]);
	if (bench_sync_feeds(st, FEEDS, BASE) < 0)
		return -1;
	if (ingest_new(st, cfg, &in) < 0)
		return -1;
	while (stored < want) {
		struct feed *f;
		struct ingest_stats s;
		size_t len = make_feed(buf, sizeof buf, feed_no % FEEDS, &item_no, step);

		if (feed_parse(buf, len, NULL, &f, err, sizeof err) < 0) {
			fprintf(stderr, "parse: %s\n", err);
			return -1;
		}
		if (store_begin(st) < 0 ||
		    ingest_feed(in, feed_no % FEEDS + 1, "http://x/", f, NULL, now, &s) < 0 ||
		    store_commit(st) < 0) {
			fprintf(stderr, "ingest: %s\n", store_errmsg(st));
			return -1;
		}
		feed_free(f);
		feed_no++;
		stored += s.new_stories;
	}
	if (ingest_sync(in) < 0)
		return -1;
	ingest_free(in);
	return 0;
}


/* ---- the parts, through the public API -------------------------------- */

struct part {
	struct clusterer *cl;
	long rows, threaded;
};

static int count_row(const struct store_window_row *r, void *p)
{
	struct part *x = p;
	x->rows++;
	x->threaded += r->thread_id != 0;
	return 0;
}

static int df_row(const char *term, int64_t df, void *p)
{
	return cluster_df_set(p, term, df) < 0;
}

static int restore_row(const struct store_window_row *r, void *p)
{
	struct part *x = p;
	struct cluster_doc d = {
		.story_id = r->id, .time = r->event_time, .title = r->title,
		.text = r->summary, .lang = r->lang, .source = r->host,
	};
	return r->thread_id && cluster_restore(x->cl, &d, r->thread_id) < 0;
}

int main(int argc, char **argv)
{
	struct store *st;
	struct config cfg;
	char err[512];
	long want = argc > 2 ? atol(argv[2]) : 100000;
	int64_t newest = 0, next_thread = 0, total = 0;
	double best_cpu = 1e9, best_wall = 1e9;
	int rc = 1;

#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 1);   /* as tidingsd runs (tidingsd.c) */
#endif
	if (argc < 2 || want <= 0) {
		fprintf(stderr, "usage: restore_bench DB [STORIES]\n");
		return 1;
	}
	config_defaults(&cfg);
	make_vocab();
	if (store_open(argv[1], STORE_WRITE, &st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (store_max_event_time(st, &newest) < 0)
		goto out;
	if (newest == 0) {
		double t0 = bench_wall();
		if (fill(st, &cfg, want) < 0) {
			fprintf(stderr, "fill failed: %s\n", store_errmsg(st));
			goto out;
		}
		printf("# filled %s with %ld stories in %.1f s\n", argv[1], want, bench_wall() - t0);
		if (store_max_event_time(st, &newest) < 0)
			goto out;
	} else {
		printf("# reusing %s\n", argv[1]);
	}

	for (int run = 0; run < 3; run++) {
		struct ingest *in;
		double c0 = bench_cpu(), w0 = bench_wall();
		if (ingest_new(st, &cfg, &in) < 0) {
			fprintf(stderr, "ingest_new failed: %s\n", store_errmsg(st));
			goto out;
		}
		double c = bench_cpu() - c0, w = bench_wall() - w0;
		ingest_free(in);
		if (c < best_cpu)
			best_cpu = c;
		if (w < best_wall)
			best_wall = w;
	}

	/* The SQL read alone, then the same rebuild by hand for the memory. */
	struct part x = { 0 };
	double sql_cpu = 1e9;
	for (int run = 0; run < 3; run++) {
		double c0 = bench_cpu();
		x.rows = x.threaded = 0;
		if (store_window(st, newest - cfg.threads.window, count_row, &x) < 0)
			goto out;
		if (bench_cpu() - c0 < sql_cpu)
			sql_cpu = bench_cpu() - c0;
	}
	struct cluster_params p;
	cluster_params_default(&p);
	p.window = cfg.threads.window;
	if (store_max_thread_id(st, &next_thread) < 0 ||
	    !(x.cl = cluster_new(&p, next_thread + 1)))
		goto out;
	double c0 = bench_cpu();
	if (store_df_load(st, &total, df_row, x.cl) < 0)
		goto out;
	cluster_df_set_total(x.cl, total);
	double df_cpu = bench_cpu() - c0;
	c0 = bench_cpu();
	if (store_window(st, newest - cfg.threads.window, restore_row, &x) < 0)
		goto out;
	double cl_cpu = bench_cpu() - c0;
	struct cluster_stats cs;
	cluster_stats(x.cl, &cs);
	cluster_free(x.cl);

	printf("window: %ld stories (%ld with a thread), %zu threads, %zu terms\n",
	       x.rows, x.threaded, cs.active_threads, cs.terms);
	printf("parts (one run each): df load %.3f s, sql read alone %.3f s (best of 3), "
	       "sql read + cluster_restore %.3f s CPU\n", df_cpu, sql_cpu, cl_cpu);
	printf("clusterer memory: %.1f MiB\n", cs.memory_bytes / 1048576.0);
	{
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		printf("peak RSS: %.1f MiB\n", ru.ru_maxrss / 1024.0);
	}
	printf("restore (ingest_new, best of 3): %.3f s CPU, %.3f s wall\n", best_cpu, best_wall);
	rc = 0;
out:
	store_close(st);
	config_free(&cfg);
	return rc;
}
