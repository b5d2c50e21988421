/* bench/parse_bench.c — parse throughput of feed_parse() on a directory of
 * feed files (gen_feeds.py), all preloaded into memory; best of R rounds.
 * Prints MB/s, feeds/s and entries/s; with --sax, the same files through
 * libxml2's SAX2 parser with empty handlers (the floor under any
 * libxml2-based parser); with --each, a line per file (the hostile
 * documents of bench/hostile_feeds.py).  Times are CPU seconds of this
 * process, which other load on the machine does not inflate.
 *
 *   parse_bench DIR [ROUNDS] [--sax | --each] */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "bench/bench.h"
#include "feeds/feed.h"

struct file { char *buf; size_t len; char name[256]; };

static int load(const char *dir, struct file **out, size_t *n, size_t *bytes)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*out = NULL;
	*n = *bytes = 0;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[4096];
		FILE *f;
		long sz;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		rewind(f);
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*out = realloc(*out, cap * sizeof **out);
		}
		snprintf((*out)[*n].name, sizeof (*out)[*n].name, "%s", e->d_name);
		(*out)[*n].buf = malloc((size_t)sz);
		(*out)[*n].len = fread((*out)[*n].buf, 1, (size_t)sz, f);
		*bytes += (*out)[*n].len;
		(*n)++;
		fclose(f);
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp/parser-corpus/feeds";
	int rounds = argc > 2 ? atoi(argv[2]) : 3, sax = argc > 3 && !strcmp(argv[3], "--sax");
	int each = argc > 3 && !strcmp(argv[3], "--each");
	struct file *files;
	size_t n, bytes, entries = 0, bozo = 0;
	double best = 1e9;

	if (load(dir, &files, &n, &bytes) < 0 || !n) {
		fprintf(stderr, "parse_bench: no files in %s\n", dir);
		return 1;
	}
	for (size_t i = 0; each && i < n; i++) {
		double t1 = 1e9;
		struct feed *f = NULL;
		char err[160] = "";

		for (int r = 0; r < rounds; r++) {
			double t0 = bench_cpu();

			feed_free(f);
			f = NULL;
			feed_parse(files[i].buf, files[i].len, NULL, &f, err, sizeof err);
			if (bench_cpu() - t0 < t1)
				t1 = bench_cpu() - t0;
		}
		printf("%-24s\tMB %.2f\tsecs %.3f\tentries %zu\t%s\n", files[i].name,
		       files[i].len / 1e6, t1, f ? f->n_entries : 0,
		       f ? (f->bozo ? f->bozo_reason : "") : err);
		feed_free(f);
	}
	for (int r = 0; !each && r < rounds; r++) {
		double t0 = bench_cpu();

		entries = bozo = 0;
		for (size_t i = 0; i < n; i++) {
			if (sax) {
				xmlSAXHandler h;

				memset(&h, 0, sizeof h);
				h.initialized = XML_SAX2_MAGIC;
				xmlSAXUserParseMemory(&h, NULL, files[i].buf, (int)files[i].len);
				continue;
			}
			struct feed *f = NULL;
			char err[128];

			if (feed_parse(files[i].buf, files[i].len, NULL, &f, err, sizeof err) == 0) {
				entries += f->n_entries;
				bozo += f->bozo;
				feed_free(f);
			}
		}
		double t = bench_cpu() - t0;

		if (t < best)
			best = t;
	}
	if (!each)
		printf("%s\tfiles %zu\tMB %.2f\tsecs %.3f\tMB/s %.1f\tfeeds/s %.0f\tentries %zu\tbozo %zu\n",
		       sax ? "libxml2-sax-empty" : "tidings-feed_parse", n, bytes / 1e6, best,
		       bytes / 1e6 / best, n / best, entries, bozo);
	for (size_t i = 0; i < n; i++)
		free(files[i].buf);
	free(files);
	return 0;
}
