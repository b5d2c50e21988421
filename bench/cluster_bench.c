/* bench/cluster_bench.c — cost of cluster_add on a synthetic stream (Zipf
 * background vocabulary, events with their own words and names, ~50k
 * stories in the window once the stream is long enough), measured at 10k,
 * 60k, 100k, 200k and 1M stories added, plus the time to restore 100k stories
 * and the memory of the window index.
 *
 * Each stage measures the same thing: the 10,000 adds that end at its mark
 * (the first 10k for the 10k stage, a cold start whose window holds at most
 * 10k stories; adds 90,001-100,000 for the 100k stage, and so on), expiry
 * passes and vocabulary prunes included.  The machine is shared, so each
 * stage runs REPEAT times from the same state (forked copies run it first,
 * then the bench itself) and the best user CPU time counts: other load
 * only ever slows a run.  (User time: a forked copy's first writes to each
 * page are copy-on-write faults, system time.)  Under callgrind
 * (valgrind --tool=callgrind --collect-atstart=no) only the stages'
 * cluster_add calls are collected, one dump per stage, so the stages'
 * instruction counts can be compared exactly.
 *
 * The daemon tokenizes a story on its parse workers and hands cluster_add
 * the tokens (cluster_doc.title_tokens/text_tokens), so the stream's tokens
 * are made beforehand here too, timed apart.  The restore tokenizes inside,
 * as ingest_new() does.
 * usage: cluster_bench [total_stories] [window_stories] [restore_stories] */
#include "bench/bench.h"
#include "daemon/cluster.h"
#include "daemon/text.h"

#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_DUMP_STATS_AT(s) ((void)(s))
#define RUNNING_ON_VALGRIND 0
#endif

static double user_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
}

#define VOCAB 100000
#define BATCH 10000
#define REPEAT 3

static uint64_t rng = 88172645463325252ULL;
static uint64_t xr(void)
{
	return bench_xorshift(&rng);
}

static double *zcdf;

static int zipf(void)
{
	return bench_zipf_pick(zcdf, VOCAB, xr());
}

/* A pronounceable letter word for an index. */
static int word(char *dst, unsigned idx, int cap)
{
	static const char *syl[] = { "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "bri", "dan",
		"fel", "gor", "hum", "jat", "kol", "pri" };
	int n = 0;
	do {
		const char *s = syl[idx % 16];
		while (*s)
			dst[n++] = *s++;
		idx /= 16;
	} while (idx);
	if (cap)
		dst[0] = (char)(dst[0] - 'a' + 'A');
	dst[n] = '\0';
	return n;
}

/* Resident set of the process now, kB (0 when unknown): the clusterer's
 * own figure leaves out malloc's overhead and counts capacity never touched.
 * Printed as the growth since the first batch of texts and tokens was made
 * (before the first cluster_add): the clusterer's share. */
static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* Checksum of everything cluster_add reports, so that a speed change can
 * be shown not to change any result (compare the printed sums). */
static uint64_t sum = 1469598103934665603ULL;
static void sum_bytes(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum = (sum ^ ((const unsigned char *)p)[i]) * 1099511628211ULL;
}
static void sum_result(const struct cluster_result *r)
{
	sum_bytes(&r->thread_id, sizeof r->thread_id);
	sum_bytes(&r->is_new, sizeof r->is_new);
	sum_bytes(&r->nmerged, sizeof r->nmerged);
	sum_bytes(r->merged, r->nmerged * sizeof r->merged[0]);
	sum_bytes(&r->story_count, 5 * sizeof(int64_t));
	sum_bytes(r->keywords, strlen(r->keywords));
}

struct ev {
	unsigned words[6], names[3];
	int64_t gold;  /* the event's id: new when its words are replaced */
};

/* Per story id: the thread cluster_add gave it, its event. */
static int64_t *story_thread, *story_gold;

static int cmp_pair(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* B-cubed precision and recall of stories from..to (ids) against their
 * events: a check that a speed change does not cost clustering quality at
 * a scale the labelled sets do not reach (thousands of threads, long
 * postings).  Threads are resolved through merges; events that began
 * before `from` count only their stories from there on. */
static void bcubed(const struct clusterer *c, long from, long to, double *P, double *R)
{
	long n = to - from + 1;
	int64_t *pg = malloc((size_t)n * 2 * sizeof *pg), *gp = malloc((size_t)n * 2 * sizeof *gp);
	double p = 0, r = 0;
	*P = *R = 0;
	if (!pg || !gp || n <= 0)
		goto out;
	for (long i = 0; i < n; i++) {
		int64_t t = cluster_resolve(c, story_thread[from + i]);
		pg[2 * i] = t ? t : -(from + i); /* not in memory: alone */
		pg[2 * i + 1] = story_gold[from + i];
		gp[2 * i] = pg[2 * i + 1];
		gp[2 * i + 1] = pg[2 * i];
	}
	/* Sorted by (thread, event): runs give |thread & event| and |thread|;
	 * by (event, thread): |event|.  Each story of a pair run of k in a
	 * cluster of m adds k/m, so a run adds k*k/m. */
	for (int pass = 0; pass < 2; pass++) {
		int64_t *a = pass ? gp : pg;
		double *acc = pass ? &r : &p;
		qsort(a, (size_t)n, 2 * sizeof *a, cmp_pair);
		for (long i = 0; i < n;) {
			long j = i;
			while (j < n && a[2 * j] == a[2 * i])
				j++;
			for (long k = i; k < j;) {
				long l = k;
				while (l < j && a[2 * l + 1] == a[2 * k + 1])
					l++;
				*acc += (double)(l - k) * (l - k) / (double)(j - i);
				k = l;
			}
			i = j;
		}
	}
	*P = p / n;
	*R = r / n;
out:
	free(pg);
	free(gp);
}

/* Writes story i's title and lead. */
static void gen(const struct ev *e, char *title, char *lead)
{
	char w[64];
	int n = 0;
	for (int k = 0; k < 7; k++) {
		int pick = (int)(xr() % 10);
		if (pick < 3)
			word(w, e->names[xr() % 3] + 2000000, 1);
		else if (pick < 7)
			word(w, e->words[xr() % 6] + 1000000, 0);
		else
			word(w, (unsigned)zipf(), 0);
		n += sprintf(title + n, "%s%s", k ? " " : "", w);
	}
	n = 0;
	for (int k = 0; k < 35; k++) {
		int pick = (int)(xr() % 10);
		if (pick < 2)
			word(w, e->names[xr() % 3] + 2000000, 1);
		else if (pick < 4)
			word(w, e->words[xr() % 6] + 1000000, 0);
		else
			word(w, (unsigned)zipf(), 0);
		n += sprintf(lead + n, "%s%s", k ? " " : "", w);
		if (k % 12 == 11)
			n += sprintf(lead + n, ".");
	}
}

/* cluster_add of stories done+1 .. done+n (texts and tokens at index
 * 0..n-1), story i at time t0 + i * dt; -1 on failure. */
static int add_batch(struct clusterer *c, long done, long n, double dt, char (*titles)[256],
		     char (*leads)[1024], struct text_tokens (*toks)[2])
{
	for (long i = 0; i < n; i++) {
		long id = done + i + 1;
		struct cluster_doc d = { .story_id = id, .time = 1700000000 + (int64_t)(id * dt),
			.title = titles[i], .text = leads[i], .lang = "en",
			.source = i % 3 ? "a.example" : "b.example",
			.title_tokens = &toks[i][0], .text_tokens = &toks[i][1] };
		struct cluster_result r;
		if (cluster_add(c, &d, &r) < 0)
			return -1;
		story_thread[id] = r.thread_id;
		sum_result(&r);
	}
	return 0;
}

/* User CPU seconds of add_batch in a forked copy of the process (the
 * clusterer as it is now, left unchanged here); -1 when it failed. */
static double add_batch_forked(struct clusterer *c, long done, long n, double dt,
			       char (*titles)[256], char (*leads)[1024],
			       struct text_tokens (*toks)[2])
{
	int fd[2];
	double el = -1;
	if (pipe(fd) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		double t0 = user_cpu();
		el = add_batch(c, done, n, dt, titles, leads, toks) < 0 ? -1 : user_cpu() - t0;
		ssize_t w = write(fd[1], &el, sizeof el);
		_exit(w == sizeof el ? 0 : 1);
	}
	close(fd[1]);
	if (pid > 0) {
		if (read(fd[0], &el, sizeof el) != sizeof el)
			el = -1;
		waitpid(pid, NULL, 0);
	}
	close(fd[0]);
	return el;
}

int main(int argc, char **argv)
{
	long total = argc > 1 ? atol(argv[1]) : 1000000;
	long inwin = argc > 2 ? atol(argv[2]) : 50000;
	zcdf = malloc(VOCAB * sizeof *zcdf);
	double s = 0;
	for (int i = 0; i < VOCAB; i++)
		zcdf[i] = (s += 1.0 / (i + 1));
	for (int i = 0; i < VOCAB; i++)
		zcdf[i] /= s;

	struct cluster_params p;
	cluster_params_default(&p);
	/* Story rate such that the window holds ~inwin stories. */
	double dt = (double)p.window / (double)inwin;
	struct clusterer *c = cluster_new(&p, 1);
	int nev = 4000; /* live events; one is replaced every 25 stories */
	struct ev *ev = malloc(nev * sizeof *ev);
	unsigned next_word = 0;
	for (int i = 0; i < nev; i++) {
		for (int k = 0; k < 6; k++)
			ev[i].words[k] = next_word++;
		for (int k = 0; k < 3; k++)
			ev[i].names[k] = next_word++;
	}
	int64_t next_gold = 1;
	for (int i = 0; i < nev; i++)
		ev[i].gold = next_gold++;
	story_thread = calloc((size_t)total + 1, sizeof *story_thread);
	story_gold = calloc((size_t)total + 1, sizeof *story_gold);
	char (*titles)[256] = malloc(BATCH * sizeof *titles);
	char (*leads)[1024] = malloc(BATCH * sizeof *leads);
	int *evs = malloc(BATCH * sizeof *evs);
	struct text_tokens(*toks)[2] = calloc(BATCH, sizeof *toks);
	struct text *tx = text_new();
	if (!titles || !leads || !evs || !toks || !tx || !story_thread || !story_gold) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	long done = 0;
	double busy = 0, tok_busy = 0;
	long rss0 = 0;
	/* 60k: the smallest history with a full window (10k stories stored
	 * besides the ~50k in it), the "10k stored and 50k in the
	 * window" as nearly as a stream can give it. */
	long marks[] = { 10000, 60000, 100000, 200000, 1000000, 0 };
	enum { NMARKS = 5, AT60K = 1, AT100K = 2, AT1M = 4 };
	double cost[NMARKS] = { 0 };
	int mi = 0;
	printf("# cluster_bench: %ld stories, ~%ld in the %lld h window once %ld are added\n",
	       total, inwin, (long long)p.window / 3600, inwin);
	printf("# each stage: the %d adds ending at its mark, best user CPU time of %d runs%s\n",
	       BATCH, RUNNING_ON_VALGRIND ? 1 : REPEAT,
	       RUNNING_ON_VALGRIND ? " (under valgrind: one dump per stage)" : "");
	printf("# the 10k stage starts cold: its window holds at most 10k stories\n");
	while (done < total) {
		long n = total - done < BATCH ? total - done : BATCH;
		for (long i = 0; i < n; i++) {
			if ((done + i) % 25 == 0) {
				int r = (int)(xr() % nev);
				for (int k = 0; k < 6; k++)
					ev[r].words[k] = next_word++;
				for (int k = 0; k < 3; k++)
					ev[r].names[k] = next_word++;
				ev[r].gold = next_gold++;
			}
			/* Popular events get more stories. */
			double u = (double)(xr() >> 11) / 9007199254740992.0;
			evs[i] = (int)(nev * u * u);
			story_gold[done + i + 1] = ev[evs[i]].gold;
			gen(&ev[evs[i]], titles[i], leads[i]);
		}
		double t0 = bench_cpu();
		for (long i = 0; i < n; i++) {
			text_tokens_reset(&toks[i][0]);
			text_tokens_reset(&toks[i][1]);
			if (text_tokenize(tx, titles[i], strlen(titles[i]), "en", &toks[i][0]) < 0 ||
			    text_tokenize(tx, leads[i], strlen(leads[i]), "en", &toks[i][1]) < 0) {
				fprintf(stderr, "text_tokenize failed\n");
				return 1;
			}
		}
		tok_busy += bench_cpu() - t0;
		if (!rss0)
			rss0 = rss_kb(); /* the bench's own texts and tokens */
		/* A stage: this batch ends at a mark. */
		int stage = marks[mi] && n == BATCH && done + n == marks[mi];
		double best = -1;
		for (int r = 1; stage && r < REPEAT && !RUNNING_ON_VALGRIND; r++) {
			double el = add_batch_forked(c, done, n, dt, titles, leads, toks);
			if (el >= 0 && (best < 0 || el < best))
				best = el;
		}
		if (stage)
			CALLGRIND_TOGGLE_COLLECT;
		t0 = bench_cpu();
		double u0 = user_cpu();
		if (add_batch(c, done, n, dt, titles, leads, toks) < 0) {
			fprintf(stderr, "cluster_add failed\n");
			return 1;
		}
		busy += bench_cpu() - t0;
		double el = user_cpu() - u0;
		if (best < 0 || el < best)
			best = el;
		done += n;
		if (!stage) {
			while (marks[mi] && done >= marks[mi])
				mi++; /* a mark between batches: not measured */
			continue;
		}
		CALLGRIND_TOGGLE_COLLECT;
		char what[32];
		snprintf(what, sizeof what, "stage %ld", done);
		CALLGRIND_DUMP_STATS_AT(what);
		cost[mi] = best / n;
		struct cluster_stats st;
		cluster_stats(c, &st);
		printf("after %7ld stories: %6.0f stories/s (%.1f us a story, best of %d); "
		       "window %zu stories, %zu threads, %zu terms (%zu held), memory %.1f MiB\n",
		       done, 1 / cost[mi], 1e6 * cost[mi], RUNNING_ON_VALGRIND ? 1 : REPEAT,
		       st.window_stories,
		       st.active_threads, st.terms, st.terms_held, st.memory_bytes / 1048576.0);
		struct mallinfo2 mi2 = mallinfo2();
		printf("  memory: vocabulary %.1f, postings %.1f (%zu), centroids %.1f, "
		       "stories %.1f, threads %.1f MiB; process RSS +%.1f MiB; malloc: "
		       "%.1f MiB in use, %.1f free in the heap\n",
		       st.mem_vocab / 1048576.0, st.mem_postings / 1048576.0, st.postings,
		       st.mem_centroids / 1048576.0, st.mem_stories / 1048576.0,
		       st.mem_threads / 1048576.0, (rss_kb() - rss0) / 1024.0,
		       (mi2.uordblks + mi2.hblkhd) / 1048576.0, mi2.fordblks / 1048576.0);
		mi++;
	}
	/* The yardstick is 1M against 10k; but the 10k stage is a cold
	 * start with at most 10k stories in the window, so 1M against 60k
	 * and 100k (stages with a full window) is printed too. */
	for (int k = 1; k < NMARKS; k++)
		if (cost[0] > 0 && cost[k] > 0)
			printf("cost per story at %ld / at 10k: %.2f\n", marks[k], cost[k] / cost[0]);
	if (cost[AT60K] > 0 && cost[AT1M] > 0)
		printf("cost per story at 1M / at 60k: %.2f\n", cost[AT1M] / cost[AT60K]);
	if (cost[AT100K] > 0 && cost[AT1M] > 0)
		printf("cost per story at 1M / at 100k: %.2f\n", cost[AT1M] / cost[AT100K]);
	printf("overall: %.0f stories/s (%.0f/s with tokenizing; tokenizer alone %.0f/s)\n",
	       done / busy, done / (busy + tok_busy), done / tok_busy);
	printf("# results checksum %016llx\n", (unsigned long long)sum);
	long from = total > inwin ? total - inwin + 1 : 1;
	double bp, br;
	bcubed(c, from, total, &bp, &br);
	printf("quality, the last %ld stories against their events: B-cubed P %.4f R %.4f F1 %.4f\n",
	       total - from + 1, bp, br, bp + br > 0 ? 2 * bp * br / (bp + br) : 0);

	/* Restore: 100k stories into a fresh clusterer, as at start-up. */
	struct clusterer *c2 = cluster_new(&p, 1);
	long nres = argc > 3 ? atol(argv[3]) : 100000;
	double rbusy = 0;
	for (long b = 0; b < nres; b += BATCH) {
		long n = nres - b < BATCH ? nres - b : BATCH;
		for (long i = 0; i < n; i++) {
			evs[i] = (int)(xr() % nev);
			gen(&ev[evs[i]], titles[i], leads[i]);
		}
		double t0 = bench_cpu();
		for (long i = 0; i < n; i++) {
			long id = b + i + 1;
			struct cluster_doc d = { .story_id = id, .time = 1800000000 + id, .title = titles[i],
				.text = leads[i], .lang = "en", .source = "a.example" };
			cluster_restore(c2, &d, 1 + evs[i]);
		}
		rbusy += bench_cpu() - t0;
	}
	struct cluster_stats st;
	cluster_stats(c2, &st);

	printf("restore: %ld stories in %.2f s (%zu threads, memory %.1f MiB)\n", nres, rbusy,
	       st.active_threads, st.memory_bytes / 1048576.0);
	/* What the restored state decides: a batch of new stories on top of it
	 * (not timed), checksummed like the adds above. */
	sum = 1469598103934665603ULL;
	for (long i = 0; i < BATCH / 5; i++) {
		evs[i] = (int)(xr() % nev);
		gen(&ev[evs[i]], titles[i], leads[i]);
		struct cluster_doc d = { .story_id = nres + i + 1, .time = 1800000000 + nres + i + 1,
			.title = titles[i], .text = leads[i], .lang = "en", .source = "c.example" };
		struct cluster_result r;
		if (cluster_add(c2, &d, &r) < 0) {
			fprintf(stderr, "cluster_add failed\n");
			return 1;
		}
		sum_result(&r);
	}
	printf("# after restore: %d adds, results checksum %016llx\n", BATCH / 5,
	       (unsigned long long)sum);
	cluster_free(c2);
	cluster_free(c);
	free(titles);
	free(leads);
	free(evs);
	for (long i = 0; i < BATCH; i++) {
		text_tokens_free(&toks[i][0]);
		text_tokens_free(&toks[i][1]);
	}
	free(toks);
	text_free(tx);
	free(ev);
	free(zcdf);
	free(story_thread);
	free(story_gold);
	return 0;
}
