/* tests/fuzz/fuzz_config.c — libFuzzer target for the files a user writes:
 * the configuration (config_load) and the feed list (feedlist_load, OPML
 * or one URL a line).  The first byte picks which (bit 0) and the rest is
 * the file, written to a temporary directory (both take a path).
 *
 * Must hold (tidings.conf(5), config/config.h):
 *  - an error is "FILE:LINE: message" on one line, LINE a number from 0
 *    (the file as a whole) to the file's last line, with a message after
 *    it;
 *  - a configuration that loads has every key within its documented range,
 *    and written back (config_format_value of each key) loads again to the
 *    same values;
 *  - a feed list that loads is not empty and holds http(s) URLs without
 *    blanks or control characters, no two the same (scheme and host
 *    without regard to case, no #fragment), intervals 0 or 1m to 30d. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/tidings-fuzz-config-XXXXXX";
static char conf_path[300], list_path[300], back_path[300];

static void cleanup(void)
{
	unlink(conf_path);
	unlink(list_path);
	unlink(back_path);
	rmdir(dir);
}

static void setup(void)
{
	static int done;

	if (done++)
		return;
	if (!mkdtemp(dir))
		abort();
	snprintf(conf_path, sizeof conf_path, "%s/tidings.conf", dir);
	snprintf(list_path, sizeof list_path, "%s/feeds.opml", dir);
	snprintf(back_path, sizeof back_path, "%s/back.conf", dir);
	atexit(cleanup);
}

static void put(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "wb");

	if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
}

static void fail(const char *what, const char *err)
{
	fprintf(stderr, "fuzz_config: %s%s%s\n", what, err ? ": " : "", err ? err : "");
	abort();
}

/* "PATH:LINE: message" with 0 <= LINE <= the file's lines. */
static void check_error(const char *path, const char *err, const uint8_t *data, size_t size)
{
	size_t plen = strlen(path), lines = 1;
	const char *p = err;
	char *end;
	long line;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (strncmp(p, path, plen) != 0 || p[plen] != ':')
		fail("error does not start with FILE:", err);
	p += plen + 1;
	if (!isdigit((unsigned char)*p))
		fail("error has no LINE after FILE:", err);
	line = strtol(p, &end, 10);
	if (end[0] != ':' || end[1] != ' ' || !end[2])
		fail("error is not FILE:LINE: message", err);
	if (line < 0 || (size_t)line > lines)
		fail("error names a line past the end of the file", err);
	if (strchr(err, '\n'))
		fail("error is more than one line", err);
}

static int64_t get_int(const struct config *c, const struct config_key *k)
{
	const char *p = (const char *)c + k->offset;
	int v;

	switch (k->type) {
	case CONF_DURATION:
	case CONF_SIZE:
		return *(const int64_t *)(const void *)p;
	default:
		memcpy(&v, p, sizeof v);
		return v;
	}
}

static void check_config(const struct config *c)
{
	size_t n;
	const struct config_key *keys = config_keys(&n);
	char val[512];
	FILE *fp;
	struct config back;
	char err[1024];

	for (size_t i = 0; i < n; i++) {
		const struct config_key *k = &keys[i];
		const char *p = (const char *)c + k->offset;

		switch (k->type) {
		case CONF_DURATION:
		case CONF_SIZE:
		case CONF_INT:
		case CONF_BOOL: {
			int64_t v = get_int(c, k);
			if (v < k->min || v > k->max)
				fail("a value out of its documented range", k->name);
			break;
		}
		case CONF_DOUBLE: {
			double v = *(const double *)(const void *)p;
			if (!(v >= k->dmin && v <= k->dmax))
				fail("a value out of its documented range", k->name);
			break;
		}
		default:
			break;
		}
	}
	/* Written back key by key, it reads the same. */
	if (!(fp = fopen(back_path, "w")))
		abort();
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(keys[i].section, keys[i - 1].section) != 0)
			fprintf(fp, "[%s]\n", keys[i].section);
		/* An unset optional path (ca_file) formats as "".  A relative
		 * path is a default's, relative to the working directory,
		 * which the file would make relative to itself. */
		if (config_format_value(c, &keys[i], val, sizeof val) < 0 || !val[0] ||
		    (keys[i].type == CONF_PATH && val[0] != '/'))
			continue;
		fprintf(fp, "%s = %s\n", keys[i].name, val);
	}
	if (fclose(fp) != 0)
		abort();
	if (config_load(back_path, &back, err, sizeof err) < 0) {
		/* A ca_file that was readable a moment ago still is; a value
		 * that does not fit a line is the only excuse. */
		if (!strstr(err, "line too long"))
			fail("the configuration written back does not load", err);
		config_free(&back);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char a[512], b[512];
		int ra = config_format_value(c, &keys[i], a, sizeof a);
		int rb = config_format_value(&back, &keys[i], b, sizeof b);

		if (keys[i].type == CONF_PATH && ra == 0 && a[0] != '/')
			continue;
		if (ra != rb || (ra == 0 && strcmp(a, b) != 0)) {
			fprintf(stderr, "%s: '%s' became '%s'\n", keys[i].name, ra ? "" : a, rb ? "" : b);
			fail("a value written back reads differently", keys[i].name);
		}
	}
	config_free(&back);
}

/* The duplicate key of feedlist_load's contract: scheme and host folded,
 * no #fragment. */
static char *url_key(const char *url)
{
	char *k = strdup(url), *p, *frag;

	if (!k)
		abort();
	if ((frag = strchr(k, '#')))
		*frag = '\0';
	if ((p = strstr(k, "://"))) {
		for (char *q = k; q < p; q++)
			*q = (char)tolower((unsigned char)*q);
		for (p += 3; *p && !strchr("/?#", *p); p++)
			*p = (char)tolower((unsigned char)*p);
	}
	return k;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_list(const struct feedlist *fl)
{
	char **keys;

	if (fl->n == 0)
		fail("an empty feed list loaded", NULL);
	if (!(keys = calloc(fl->n, sizeof *keys)))
		abort();
	for (size_t i = 0; i < fl->n; i++) {
		const struct feedlist_item *it = &fl->items[i];

		if (strncasecmp(it->url, "http://", 7) != 0 && strncasecmp(it->url, "https://", 8) != 0)
			fail("a feed URL that is not http(s)", it->url);
		for (const char *p = it->url; *p; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f)
				fail("a feed URL with a blank or control character", it->url);
		if (it->interval != 0 && (it->interval < 60 || it->interval > 30 * 86400))
			fail("a feed interval out of range", it->url);
		keys[i] = url_key(it->url);
	}
	qsort(keys, fl->n, sizeof *keys, cmp_str);
	for (size_t i = 0; i + 1 < fl->n; i++)
		if (strcmp(keys[i], keys[i + 1]) == 0)
			fail("a feed listed twice", keys[i]);
	for (size_t i = 0; i < fl->n; i++)
		free(keys[i]);
	free(keys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];

	if (size < 1)
		return 0;
	setup();
	if (data[0] & 1) {
		struct feedlist fl;

		put(list_path, data + 1, size - 1);
		err[0] = '\0';
		if (feedlist_load(list_path, &fl, err, sizeof err) == 0)
			check_list(&fl);
		else
			check_error(list_path, err, data + 1, size - 1);
		feedlist_free(&fl);
	} else {
		struct config c;

		put(conf_path, data + 1, size - 1);
		if (config_load(conf_path, &c, err, sizeof err) == 0)
			check_config(&c);
		else
			check_error(conf_path, err, data + 1, size - 1);
		config_free(&c);
	}
	return 0;
}
