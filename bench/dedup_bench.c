/* bench/dedup_bench.c — throughput of dedup level 3: fingerprinting a
 * story's text (simhash_story) and looking it up in, then adding it to,
 * the near-duplicate index, with the index holding 10k, 50k and 500k
 * stories.  Texts are synthetic (Zipf-distributed words, 150-500 a story,
 * one in ten a copy of a recent one), generated here so the benchmark
 * needs no data.  Never pass/fail: prints figures. */
#include "bench/bench.h"
#include "daemon/simhash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	return bench_xorshift(&rs);
}

#define VOCAB 30000
static char *vocab[VOCAB];
static double cdf[VOCAB];

static const char *const common[] = {
	"the", "of", "and", "to", "a", "in", "that", "is", "for", "on", "said",
	"with", "was", "as", "it", "by", "at", "from", "his", "an", "be", "have",
	"has", "are", "but", "they", "not", "this", "were", "had",
};

static void make_vocab(void)
{
	static const char *syl[] = { "ka", "ro", "mi", "ten", "sul", "ga", "per", "lo", "vi", "dan",
	                             "che", "mor", "ti", "an", "bre", "ust", "ol", "ne", "wa", "fi" };
	size_t nc = sizeof common / sizeof *common;
	double sum = 0;
	for (int i = 0; i < VOCAB; i++) {
		if ((size_t)i < nc) {
			vocab[i] = strdup(common[i]);
		} else {
			char w[32] = "";
			int n = 2 + (int)(rnd() % 3);
			for (int j = 0; j < n; j++)
				strcat(w, syl[rnd() % 20]);
			vocab[i] = strdup(w);
		}
		sum += 1.0 / (i + 1);
		cdf[i] = sum;
	}
	for (int i = 0; i < VOCAB; i++)
		cdf[i] /= sum;
}

static const char *word(void)
{
	return vocab[bench_zipf_pick(cdf, VOCAB, rnd())];
}

/* A story of n words in sentences; the caller frees it. */
static char *story(int n)
{
	size_t cap = (size_t)n * 16 + 16, len = 0;
	char *s = malloc(cap);
	for (int i = 0; i < n; i++) {
		const char *w = word();
		int first = i % 18 == 0;
		len += (size_t)snprintf(s + len, cap - len, "%s%c%s%s", i ? " " : "",
		                        first ? (char)(w[0] - 32) : w[0], w + 1,
		                        i % 18 == 17 ? "." : "");
	}
	return s;
}

/* A copy with a dateline added and, when `rewrite`, its second sentence
 * replaced by 18 other words; the caller frees it. */
static char *copy_of(const char *orig, int rewrite)
{
	size_t n = strlen(orig), cap = n + 512;
	char *s = malloc(cap);
	int len = snprintf(s, cap, "SPRINGFIELD (Wire) \xe2\x80\x94 ");
	const char *a = strchr(orig, '.'), *b = a ? strchr(a + 1, '.') : NULL;
	if (!rewrite || !b) {
		snprintf(s + len, cap - (size_t)len, "%s", orig);
		return s;
	}
	memcpy(s + len, orig, (size_t)(a - orig) + 1);
	len += (int)(a - orig) + 1;
	for (int i = 0; i < 18; i++)
		len += snprintf(s + len, cap - (size_t)len, " %s", word());
	snprintf(s + len, cap - (size_t)len, "%s", b);
	return s;
}

static void run(size_t prefill, int minw, int maxw)
{
	enum { N = 20000 };
	struct ndindex *ix;
	char **texts = malloc(N * sizeof *texts);
	int *kind = calloc(N, sizeof *kind);   /* 0 original, 1 dateline copy, 2 edited copy */
	struct simhash_fp *fps = malloc(N * sizeof *fps);
	const int64_t window = 72 * 3600;

	if (ndindex_new(SIMHASH_DEFAULT_K, window, &ix) < 0)
		exit(1);
	/* The stories already in the window: fingerprints of synthetic texts
	 * are as random as real ones, so random pairs stand in for them. */
	for (size_t i = 0; i < prefill; i++) {
		struct simhash_fp fp = { .bag = rnd(), .seq = rnd(), .head = rnd(), .tail = rnd() };
		ndindex_insert(ix, &fp, (int64_t)i + 1, (int64_t)(i * (size_t)window / prefill), 0);
	}
	/* Every prefilled story has both halves: three entries, the most. */
	double per_story = (double)ndindex_memory(ix) / (double)ndindex_count(ix);
	/* One story in ten copies one of the last 1,500 originals. */
	for (int i = 0; i < N; i++) {
		if (i >= 2000 && i % 10 == 0) {
			int j = i - 1 - (int)(rnd() % 1500);
			while (kind[j])
				j--;
			kind[i] = i % 20 == 0 ? 1 : 2;
			texts[i] = copy_of(texts[j], kind[i] == 2);
		} else {
			texts[i] = story(minw + (int)(rnd() % (unsigned)(maxw - minw + 1)));
		}
	}
	size_t bytes = 0;
	for (int i = 0; i < N; i++)
		bytes += strlen(texts[i]);

	double t0 = bench_cpu();
	for (int i = 0; i < N; i++)
		simhash_story(NULL, texts[i], NULL, &fps[i]);
	double th = bench_cpu() - t0;

	/* Lookups alone, against the prefilled index (they find nothing). */
	struct nd_match m;
	int stray = 0;
	t0 = bench_cpu();
	for (int i = 0; i < N; i++)
		stray += ndindex_lookup(ix, &fps[i], window, &m);
	double tl = bench_cpu() - t0;

	/* The pipeline's step: look up, remember, forget the oldest. */
	int found[3] = { 0 }, total[3] = { 0 };
	int64_t t = window;
	t0 = bench_cpu();
	for (int i = 0; i < N; i++) {
		found[kind[i]] += ndindex_lookup(ix, &fps[i], t, &m);
		total[kind[i]]++;
		ndindex_insert(ix, &fps[i], (int64_t)(prefill + (size_t)i + 1), t, 0);
		ndindex_expire(ix, t);
		t += window / (int64_t)prefill + 1;  /* about one story leaves per story added */
	}
	double tm = bench_cpu() - t0;

	printf("%3d-%3d %7zu | %6.2f us (%3.0f MB/s) | %6.2f us | %6.2f us | %9.0f | %5.0f B | %5.1f%% %5.1f%% %5.2f%%\n",
	       minw, maxw, prefill, th / N * 1e6, bytes / th / 1e6, tl / N * 1e6, tm / N * 1e6, N / (th + tm),
	       per_story,
	       100.0 * found[1] / total[1], 100.0 * found[2] / total[2], 100.0 * found[0] / total[0]);
	if (stray)
		printf("         (%d lookups met a random prefilled story)\n", stray);
	for (int i = 0; i < N; i++)
		free(texts[i]);
	free(texts);
	free(kind);
	free(fps);
	ndindex_free(ix);
}

int main(void)
{
	make_vocab();
	printf("dedup level 3: simhash_story, then ndindex lookup + insert + expire (k=%d, seq<=%d);\n"
	       "20000 synthetic stories per row; one in 20 a copy with a dateline added, one in 20\n"
	       "a copy with a dateline and one sentence (18 words) rewritten.  window: stories\n"
	       "already in the index; lookup: a lookup alone; +insert: lookup, insert and expire;\n"
	       "index: ndindex_memory per story of the prefilled window (all with both halves).\n\n",
	       SIMHASH_DEFAULT_K, SIMHASH_SEQ_MAX);
	printf("  words  window | simhash/story      | lookup    | +insert   | stories/s | index   | copies found: dateline, edited; false\n");
	run(10000, 150, 500);
	run(50000, 150, 500);
	run(500000, 150, 500);
	run(50000, 40, 100);
	for (int i = 0; i < VOCAB; i++)
		free(vocab[i]);
	return 0;
}
