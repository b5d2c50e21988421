/* bench/prep_bench.c — the parse worker's per-story text work alone: the
 * SimHash fingerprint (simhash_story) and the clusterer's tokens
 * (text_tokenize_kept of title and text), as ingest_prepare() does them,
 * over the items of a feed corpus (../shared/bench/gen_feeds.py's).
 *
 *   prep_bench FEEDDIR [FEEDS [ROUNDS]]   e.g. prep_bench /tmp/pb/corpus/feeds 100 5
 *
 * Parses the first FEEDS files (sorted by name; default 100), then times
 * ROUNDS passes (default 5) over their items and prints the best pass's
 * ns a story of each part.  For instruction counts, run one round under
 * callgrind with --toggle-collect=prep_pass. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/simhash.h"
#include "daemon/text.h"
#include "feeds/feed.h"

struct item {
	const char *title, *text, *lang;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One pass over the items; the times of each part are added to t[0..2). */
__attribute__((noinline)) static size_t prep_pass(struct text *tx, const struct item *it, size_t n,
                                                  double *t)
{
	struct text_tokens a = { 0 }, b = { 0 };
	size_t sink = 0;
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct simhash_fp fp;
		sink += (size_t)simhash_story(it[i].title, it[i].text, NULL, &fp) + (size_t)(fp.bag & 1);
	}
	double t1 = now();
	for (size_t i = 0; i < n; i++) {
		if (it[i].title && text_tokenize_kept(tx, it[i].title, strlen(it[i].title), it[i].lang, &a) < 0)
			exit(1);
		if (it[i].text && text_tokenize_kept(tx, it[i].text, strlen(it[i].text), it[i].lang, &b) < 0)
			exit(1);
		sink += a.n + b.n;
	}
	double t2 = now();
	t[0] += t1 - t0;
	t[1] += t2 - t1;
	text_tokens_free(&a);
	text_tokens_free(&b);
	return sink;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: prep_bench FEEDDIR [FEEDS [ROUNDS]]\n");
		return 2;
	}
	size_t want = argc > 2 ? strtoul(argv[2], NULL, 10) : 100;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	DIR *d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 1;
	}
	char **names = NULL;
	size_t nn = 0;
	for (struct dirent *de; (de = readdir(d));)
		if (de->d_name[0] != '.') {
			names = realloc(names, (nn + 1) * sizeof *names);
			names[nn++] = strdup(de->d_name);
		}
	closedir(d);
	qsort(names, nn, sizeof *names, cmp_name);

	struct feed **feeds = calloc(want, sizeof *feeds);
	struct item *it = NULL;
	size_t n = 0, nf = 0, bytes = 0;
	for (size_t k = 0; k < nn && nf < want; k++) {
		char path[4096], err[256];
		snprintf(path, sizeof path, "%s/%s", argv[1], names[k]);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		long len = ftell(f);
		fseek(f, 0, SEEK_SET);
		char *buf = malloc((size_t)len + 1);
		if (fread(buf, 1, (size_t)len, f) != (size_t)len)
			len = 0;
		fclose(f);
		if (feed_parse(buf, (size_t)len, NULL, &feeds[nf], err, sizeof err) == 0) {
			struct feed *fd = feeds[nf++];
			it = realloc(it, (n + fd->n_entries) * sizeof *it);
			for (size_t i = 0; i < fd->n_entries; i++) {
				const struct feed_entry *e = &fd->entries[i];
				it[n++] = (struct item){ e->title_text, e->text,
				                         e->language ? e->language : fd->language };
				bytes += (e->title_text ? strlen(e->title_text) : 0) +
				         (e->text ? strlen(e->text) : 0);
			}
		}
		free(buf);
	}
	struct text *tx = text_new();
	double best[2] = { 1e9, 1e9 };
	size_t sink = 0;
	for (int r = 0; r < rounds; r++) {
		double t[2] = { 0, 0 };
		sink += prep_pass(tx, it, n, t);
		for (int j = 0; j < 2; j++)
			if (t[j] < best[j])
				best[j] = t[j];
	}
	printf("%zu feeds, %zu stories, %.0f bytes of text a story; best of %d passes:\n", nf, n,
	       n ? (double)bytes / (double)n : 0.0, rounds);
	printf("  simhash_story       %8.0f ns/story\n", best[0] / (double)n * 1e9);
	printf("  text_tokenize_kept  %8.0f ns/story\n", best[1] / (double)n * 1e9);
	printf("  both                %8.0f ns/story (%.0f stories/s)   [%zu]\n",
	       (best[0] + best[1]) / (double)n * 1e9, (double)n / (best[0] + best[1]), sink % 10);
	text_free(tx);
	for (size_t k = 0; k < nf; k++)
		feed_free(feeds[k]);
	for (size_t k = 0; k < nn; k++)
		free(names[k]);
	free(names);
	free(feeds);
	free(it);
	return 0;
}
