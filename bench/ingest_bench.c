/* bench/ingest_bench.c — ingest rate (parse + dedup + cluster + insert) as
 * the database grows: fills a database through the real pipeline with
 * generated feeds, and reports stories/s and µs/story for each stage.
 * INGEST_CLUSTER=off runs it as `[threads] enabled = no` does: parse +
 * dedup + insert, issue 5's own measure (the clustering step alone is
 * issue 6's, bench/cluster_bench.c).
 *
 *   ingest_bench DB [STAGES...]     e.g. ingest_bench /tmp/b.db 10000 100000 1000000
 *
 * For each stage N it ingests until N stories are stored, then times the
 * next 10,000 (parse + ingest, one transaction per feed of 50 items);
 * $INGEST_MEASURE changes that count (smaller for callgrind).  The timed
 * feeds are written to DB.docs/ first and read from there, as issue 5
 * measures the rate from local files; the texts are bench.h's
 * (BENCH_TEXT=pseudo: those of the passes before session 14).
 *
 * As in the daemon, documents are parsed (and ingest_prepare()d) on worker
 * threads (daemon/workq.h) while the main thread stores the previous ones;
 * INGEST_THREADS=0 runs everything on one thread, in the same order.
 * WAL checkpoints run on the daemon's checkpoint thread (daemon/ckpt.h);
 * INGEST_CKPT=inline leaves them to the storing thread's commits.
 *
 * INGEST_FIRST=N continues a database this benchmark filled with N
 * stories (the generated items go on from there instead of repeating the
 * first ones); the stages then count the stories added, e.g. a callgrind
 * run of a few thousand stories on a copy of the 1M database:
 *   INGEST_FIRST=1010000 INGEST_MEASURE=2000 ingest_bench copy.db 0
 *
 * INGEST_CORPUS=DIR ingests a feed corpus of ../shared/bench/gen_feeds.py
 * instead (DIR/urls.txt, the files under DIR/feeds), each document once,
 * one transaction per feed as a cold `tidingsd --once` over it does: the
 * storing thread's cost per story of the poll benchmark, without the
 * network, e.g. under callgrind (the stages are then ignored). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench.h"
#include "config/config.h"
#include "daemon/ingest.h"
#include "daemon/store.h"
#include "daemon/workq.h"
#include "feeds/feed.h"

#define ITEMS 50

/* The vocabulary's stream.  Documents are generated on the parse workers
 * (in the daemon the bytes come from the network, not from the storing
 * thread), each from a seed of its own (make_doc), so that they do not
 * depend on the threads. */
static uint64_t rng = 88172645463325252ull;

/* The vocabulary and the documents: bench.h's generator (floor_bench
 * makes the same ones). */
static struct bench_vocab vocab;
#define T0 BENCH_T0
#define SPACING BENCH_SPACING

/* The corpus of INGEST_CORPUS: its feed URLs and files, in list order. */
struct corpus {
	char **url, **path;
	long n;
};

static int corpus_load(const char *dir, struct corpus *c)
{
	char path[4096], line[4096];
	FILE *fp;
	long cap = 0;

	snprintf(path, sizeof path, "%s/urls.txt", dir);
	if (!(fp = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, fp)) {
		char *base;

		line[strcspn(line, "\r\n")] = '\0';
		if (!*line || !(base = strrchr(line, '/')))
			continue;
		if (c->n == cap) {
			cap = cap ? cap * 2 : 1024;
			c->url = realloc(c->url, cap * sizeof *c->url);
			c->path = realloc(c->path, cap * sizeof *c->path);
			if (!c->url || !c->path)
				exit(1);
		}
		snprintf(path, sizeof path, "%s/feeds%s", dir, base);
		c->url[c->n] = strdup(line);
		c->path[c->n] = strdup(path);
		if (!c->url[c->n] || !c->path[c->n])
			exit(1);
		c->n++;
	}
	fclose(fp);
	return c->n ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*len = 0;
	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, fp) == (size_t)n)
		*len = (size_t)n;
	fclose(fp);
	return buf;
}

/* Feed feed_no's document, items item_no on, into buf (DOC_CAP bytes):
 * the same bytes on any thread and at any time, as its stream is seeded
 * from the feed's number alone. */
#define DOC_CAP (1 << 20)
static size_t make_doc(long feed_no, long item_no, char *buf)
{
	uint64_t r = 0x9e3779b97f4a7c15ull * (uint64_t)(feed_no + 1) | 1;

	return bench_news_feed(&vocab, &r, buf, DOC_CAP, feed_no % 64, &item_no, ITEMS);
}

/* One generated document on its way through a parse worker. */
struct bjob {
	char *xml;
	size_t len;
	long feed_no, item_no;
	int64_t now;
	struct feed *f;
	struct ingest_prep prep;
	int rc;
	char err[256];
};

struct bench {
	struct ev_loop *loop;
	struct workq *q;
	struct store *st;
	struct ingest *in;
	long feed_no, item_no, stored, stage, target, measured;
	double t0, c0, m0;
	int failed;
	int threads;             /* parse workers (0: all on this thread) */
	int cluster;             /* [threads] enabled */
	struct corpus corpus;    /* INGEST_CORPUS, or empty */
	int64_t corpus_now;
	long item_off;           /* feed f holds items f * ITEMS + item_off on */
	/* The timed stories are read from local files, as issue 5 measures
	 * them: feeds [file_lo, file_hi) are written to `docs` before the
	 * stage is timed and read there by the parse workers, so that the
	 * generator's own work (a sixth of the CPU a story) is not timed.
	 * The stories that fill the database up to the stage are made on the
	 * workers as they go. */
	char docs[4096];
	long file_lo, file_hi;
};

#define IN_FLIGHT 4

static void bwork(void *p, void *ctx)
{
	struct bjob *j = p;
	struct bench *b = ctx;

	if (b->corpus.n || (j->feed_no >= b->file_lo && j->feed_no < b->file_hi)) {
		char path[4200];
		struct feed_context fc = { .uri = b->corpus.n ? b->corpus.url[j->feed_no] : NULL };

		if (b->corpus.n)
			snprintf(path, sizeof path, "%s", b->corpus.path[j->feed_no]);
		else
			snprintf(path, sizeof path, "%s/%ld.xml", b->docs, j->feed_no);
		j->xml = slurp(path, &j->len);
		j->rc = j->xml ? feed_parse(j->xml, j->len, b->corpus.n ? &fc : NULL, &j->f,
		                            j->err, sizeof j->err)
		               : (snprintf(j->err, sizeof j->err, "%.200s: cannot read", path), -1);
	} else {
		j->xml = malloc(DOC_CAP);
		j->len = make_doc(j->feed_no, j->item_no, j->xml);
		j->rc = feed_parse(j->xml, j->len, NULL, &j->f, j->err, sizeof j->err);
	}
	/* A corpus's tokens are made here even without workers: the storing
	 * thread's cost is then what it is in the daemon (whose workers make
	 * them), also when measured on one thread (callgrind). */
	if (j->rc == 0 && ingest_prepare(j->f, b->cluster && (b->threads || b->corpus.n)
	                                       ? ingest_thread_tokenizer() : NULL,
	                                 &j->prep) < 0)
		ingest_prep_free(&j->prep);
}

/* Writes the documents of feeds [lo, hi) to b->docs, as bwork would
 * make them, and has bwork read them from there. */
static int write_docs(struct bench *b, long lo, long hi)
{
	char *xml = malloc(DOC_CAP), path[4200];
	int rc = -1;

	if (!xml) {
		fprintf(stderr, "out of memory\n");
		return -1;
	}
	for (long f = lo; f < hi; f++) {
		size_t len = make_doc(f, f * ITEMS + b->item_off, xml);
		FILE *fp;

		snprintf(path, sizeof path, "%s/%ld.xml", b->docs, f);
		if (!(fp = fopen(path, "wb")))
			goto out;
		if (fwrite(xml, 1, len, fp) != len) {
			fclose(fp);
			goto out;
		}
		if (fclose(fp) != 0)
			goto out;
	}
	b->file_lo = lo;
	b->file_hi = hi;
	rc = 0;
out:
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
	free(xml);
	return rc;
}

static void remove_docs(struct bench *b)
{
	char path[4200];

	for (long f = b->file_lo; f < b->file_hi; f++) {
		snprintf(path, sizeof path, "%s/%ld.xml", b->docs, f);
		unlink(path);
	}
	b->file_lo = b->file_hi = 0;
}

static void submit_one(struct bench *b)
{
	struct bjob *j = calloc(1, sizeof *j);

	j->feed_no = b->feed_no++;
	j->item_no = b->item_no;
	b->item_no += ITEMS;
	j->now = b->corpus.n ? b->corpus_now : T0 + (long)(b->item_no * SPACING) + 60;
	if (workq_submit(b->q, j) < 0) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
}

static void bdone(void *p, void *ctx)
{
	struct bjob *j = p;
	struct bench *b = ctx;
	struct ingest_stats s;

	if (b->stored >= b->stage && b->t0 == 0) {
		b->t0 = bench_wall();
		b->c0 = bench_cpu();
		b->m0 = bench_thread_cpu();
	}
	if (j->rc < 0) {
		fprintf(stderr, "parse: %s\n", j->err);
		b->failed = 1;
	} else if (store_begin(b->st) < 0 ||
	           ingest_feed(b->in, b->corpus.n ? j->feed_no + 1 : j->feed_no % 64 + 1,
	                       b->corpus.n ? b->corpus.url[j->feed_no] : "http://x/",
	                       j->f, &j->prep, j->now, &s) < 0 ||
	           store_commit(b->st) < 0) {
		fprintf(stderr, "ingest: %s\n", store_errmsg(b->st));
		b->failed = 1;
	} else {
		b->stored += s.new_stories;
		if (b->t0 != 0)
			b->measured += s.new_stories;
	}
	feed_free(j->f);
	ingest_prep_free(&j->prep);
	free(j->xml);
	free(j);
	if (b->corpus.n ? !b->failed && b->feed_no < b->corpus.n
	                : !b->failed && b->stored + (long)workq_pending(b->q) * ITEMS < b->target)
		submit_one(b);
	else if (workq_pending(b->q) == 0)
		ev_break(b->loop, EVBREAK_ALL);
}

int main(int argc, char **argv)
{
	struct bench b = { 0 };
	struct config cfg;
	char err[512];
	int threads = getenv("INGEST_THREADS") ? atoi(getenv("INGEST_THREADS"))
	                                       : workq_default_threads();

	if (argc < 3) {
		fprintf(stderr, "usage: ingest_bench DB STAGE...\n");
		return 1;
	}
	bench_vocab_make(&vocab, &rng);
	config_defaults(&cfg);
	if (getenv("INGEST_CLUSTER") && strcmp(getenv("INGEST_CLUSTER"), "off") == 0)
		cfg.threads.enabled = 0;
	b.cluster = cfg.threads.enabled;
	if (store_open(argv[1], STORE_WRITE, &b.st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	/* WAL checkpoints on a thread of their own, as in the daemon (the
	 * storing thread's commits then only append to the WAL);
	 * INGEST_CKPT=inline leaves them to the commits, as before. */
	if (!(getenv("INGEST_CKPT") && strcmp(getenv("INGEST_CKPT"), "inline") == 0) &&
	    store_checkpoint_thread(b.st, argv[1], err, sizeof err) < 0)
		fprintf(stderr, "checkpoints stay inline: %s\n", err);
	if (getenv("INGEST_CORPUS")) {
		struct feedlist_item *items;
		struct feedlist fl;

		if (corpus_load(getenv("INGEST_CORPUS"), &b.corpus) < 0) {
			fprintf(stderr, "%s: no urls.txt or empty\n", getenv("INGEST_CORPUS"));
			return 1;
		}
		if (!(items = calloc((size_t)b.corpus.n, sizeof *items)))
			return 1;
		for (long i = 0; i < b.corpus.n; i++)
			items[i].url = b.corpus.url[i];
		fl = (struct feedlist){ items, (size_t)b.corpus.n };
		/* The corpus's items are of 2024: a fixed "now" after them keeps
		 * every run the same. */
		b.corpus_now = 1735689600;     /* 2025-01-01 */
		if (store_sync_feeds(b.st, &fl, b.corpus_now) < 0)
			return 1;
		free(items);
	} else {
		/* 64 feeds, stories spread over them round-robin. */
		bench_sync_feeds(b.st, 64, T0);
	}
	b.loop = ev_default_loop(0);
	b.threads = threads;
	if (getenv("INGEST_FIRST")) {
		b.item_no = atol(getenv("INGEST_FIRST"));
		b.feed_no = b.item_no / ITEMS;
		b.item_off = b.item_no % ITEMS;
	}
	snprintf(b.docs, sizeof b.docs, "%s.docs", argv[1]);
	if (!b.corpus.n && mkdir(b.docs, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s\n", b.docs, strerror(errno));
		return 1;
	}
	if (ingest_new(b.st, &cfg, &b.in) < 0 ||
	    workq_new(b.loop, threads, bwork, bdone, &b, &b.q) < 0) {
		fprintf(stderr, "ingest_new or workq_new failed\n");
		return 1;
	}
	printf("parse threads: %d; threads (clustering): %s\n", threads,
	       b.cluster ? "on" : "off (parse + dedup + insert)");
	/* stories/s and us/story: wall time; CPU story/s: per CPU second of
	 * all threads; store us/story: CPU of the main (storing) thread, which
	 * bounds the rate when a core is free for the parse workers. */
	printf("%-10s %12s %12s %12s %16s %10s\n", "stored", "stories/s", "us/story",
	       "CPU story/s", "store us/story", "db MB");
	for (int a = 2; a < argc && !b.failed && !(b.corpus.n && a > 2); a++) {
		long span = getenv("INGEST_MEASURE") ? atol(getenv("INGEST_MEASURE")) : 10000;

		b.stage = b.corpus.n ? 0 : atol(argv[a]);
		b.target = b.corpus.n ? LONG_MAX : b.stage + span;
		b.t0 = b.c0 = b.m0 = 0;
		b.measured = 0;
		/* The feeds the stage times: every story is new, so the first
		 * is the one stored from b.stage on. */
		if (!b.corpus.n) {
			long lo = b.feed_no + (b.stage > b.stored
			                       ? (b.stage - b.stored + ITEMS - 1) / ITEMS : 0);
			if (write_docs(&b, lo, lo + (span + ITEMS - 1) / ITEMS + IN_FLIGHT) < 0)
				return 1;
		}
		for (int i = 0; i < IN_FLIGHT && b.stored + i * ITEMS < b.target &&
		                (!b.corpus.n || b.feed_no < b.corpus.n); i++)
			submit_one(&b);
		ev_run(b.loop, 0);
		/* The last stories of the stage into the search index, as the
		 * daemon does within a second. */
		remove_docs(&b);
		if (b.failed || store_fts_flush(b.st) < 0)
			return 1;
		{
			double dt = bench_wall() - b.t0, dc = bench_cpu() - b.c0,
			       dm = bench_thread_cpu() - b.m0;
			FILE *fp = fopen(argv[1], "rb");
			long size = 0;
			if (fp) { fseek(fp, 0, SEEK_END); size = ftell(fp); fclose(fp); }
			printf("%-10ld %12.0f %12.1f %12.0f %16.1f %10.1f\n", b.stage,
			       b.measured / dt, dt * 1e6 / b.measured, b.measured / dc,
			       dm * 1e6 / b.measured, size / 1048576.0);
			fflush(stdout);
		}
	}
	{
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		printf("peak RSS %.1f MiB\n", ru.ru_maxrss / 1024.0);
	}
	rmdir(b.docs);
	workq_free(b.q);
	ingest_sync(b.in);
	ingest_free(b.in);
	store_close(b.st);
	config_free(&cfg);
	return 0;
}
