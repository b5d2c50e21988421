/* daemon/cmd_parse.c — `tidings parse --json [--base-uri URI]
 * [--content-type CT] [--header 'Name: value']... FILE`: the parser's view
 * of one document, in the Universal Feed Parser's normalized shape (see
 * docs/parse-json.md), so it can be scored against feedparser's corpus. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cli.h"
#include "daemon/json.h"
#include "feeds/date.h"
#include "feeds/normalized.h"

#define MAX_HEADERS 32
#define MAX_INPUT (64u << 20)

static void usage(FILE *out, const char *prog)
{
	fprintf(out, "usage: %s parse --json [--base-uri URI] [--content-type CT]\n"
	             "           [--header 'Name: value']... FILE\n", prog);
}

static void write_value(struct json *j, const struct fv *v)
{
	int civ[8];

	if (!v) {
		json_null(j);
		return;
	}
	switch (v->type) {
	case FV_NULL: json_null(j); break;
	case FV_STR: json_str(j, v->s); break;
	case FV_INT: json_int(j, v->i); break;
	case FV_BOOL: json_bool(j, (int)v->i); break;
	case FV_MSEC: json_double(j, (double)v->i / 1000.0); break;
	case FV_NUM: json_double(j, v->d); break;
	case FV_TIME:
		feed_date_civil(v->i, civ);
		json_arr_begin(j);
		for (int i = 0; i < 8; i++)
			json_int(j, civ[i]);
		json_int(j, 0);
		json_arr_end(j);
		break;
	case FV_DICT:
		json_obj_begin(j);
		for (size_t i = 0; i < v->n; i++) {
			/* tidings' own keys (normalized.h) are no feedparser's */
			if (v->items[i].key && v->items[i].key[0] == '.')
				continue;
			json_key(j, v->items[i].key);
			write_value(j, v->items[i].val);
		}
		json_obj_end(j);
		break;
	case FV_LIST:
		json_arr_begin(j);
		for (size_t i = 0; i < v->n; i++)
			write_value(j, v->items[i].val);
		json_arr_end(j);
		break;
	}
}

/* The whole file, or NULL with *why set to what went wrong. */
static char *read_file(const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *t;
	size_t cap = 0, n = 0, r;

	if (!f) {
		*why = strerror(errno);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > 2 * (size_t)MAX_INPUT) {
				*why = "larger than 64 MiB";
				goto fail;
			}
			if (!(t = realloc(buf, cap))) {
				*why = "out of memory";
				goto fail;
			}
			buf = t;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		*why = strerror(errno);
		goto fail;
	}
	if (n > MAX_INPUT) {
		*why = "larger than 64 MiB";
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf ? buf : calloc(1, 1);
fail:
	free(buf);
	fclose(f);
	return NULL;
}

int cmd_parse(struct cli *cli, int argc, char **argv)
{
	struct feed_context ctx = { 0 };
	const char *hname[MAX_HEADERS], *file = NULL, *etag = NULL, *lastmod = NULL, *href;
	const char *why = NULL;
	char *hval[MAX_HEADERS];
	int nh = 0, json = 0, rc = 1;
	struct fv *res = NULL;
	char *buf = NULL;
	size_t len = 0;
	struct json j;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json")) {
			json = 1;
		} else if (cli_opt(a, "--base-uri")) {
			if (!(ctx.uri = cli_value(cli, "parse", argc, argv, &i)))
				goto out;
		} else if (cli_opt(a, "--content-type")) {
			if (!(ctx.content_type = cli_value(cli, "parse", argc, argv, &i)))
				goto out;
		} else if (cli_opt(a, "--header")) {
			const char *v = cli_value(cli, "parse", argc, argv, &i);
			char *h, *colon;

			if (!v)
				goto out;
			/* the value is in argv ("--header" "N: V", or after the
			 * '=' of "--header=N: V"), which is ours to cut */
			h = argv[i] + (v - argv[i]);
			colon = strchr(h, ':');
			if (!colon || nh == MAX_HEADERS) {
				fprintf(stderr, "%s: parse: bad or too many --header '%s'\n", cli->prog, h);
				goto out;
			}
			*colon = '\0';
			hname[nh] = h;
			hval[nh] = colon + 1;
			while (isspace((unsigned char)*hval[nh]))
				hval[nh]++;
			nh++;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout, cli->prog);
			return 0;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "%s: parse: unknown option '%s'\n", cli->prog, a);
			usage(stderr, cli->prog);
			goto out;
		} else if (!file) {
			file = a;
		} else {
			usage(stderr, cli->prog);
			goto out;
		}
	}
	if (!file || !json) {
		usage(stderr, cli->prog);
		goto out;
	}
	for (int i = 0; i < nh; i++) {
		if (!strcasecmp(hname[i], "Content-Location"))
			ctx.content_location = hval[i];
		else if (!strcasecmp(hname[i], "Content-Language"))
			ctx.content_language = hval[i];
		else if (!strcasecmp(hname[i], "Content-Type") && !ctx.content_type)
			ctx.content_type = hval[i];
		else if (!strcasecmp(hname[i], "ETag"))
			etag = hval[i];
		else if (!strcasecmp(hname[i], "Last-Modified"))
			lastmod = hval[i];
	}
	if (ctx.uri && !*ctx.uri)
		ctx.uri = NULL;
	href = ctx.uri;
	/* An explicitly empty Content-Type says the bytes did not come from
	 * an HTTP response: like feedparser reading a local file, the
	 * document then has no URI of its own to resolve against (xml:base
	 * still applies).  This is how feedparser's own suite is run. */
	if (ctx.content_type && !*ctx.content_type) {
		ctx.content_type = NULL;
		ctx.uri = NULL;
	}
	buf = read_file(strcmp(file, "-") ? file : "/dev/stdin", &len, &why);
	if (!buf) {
		fprintf(stderr, "%s: parse: cannot read '%s': %s\n", cli->prog, file, why);
		goto out;
	}
	if (feed_parse_normalized(buf, len, &ctx, &res) < 0) {
		fprintf(stderr, "%s: parse: out of memory\n", cli->prog);
		goto out;
	}
	if (nh || ctx.content_type) {
		struct fv *h = fv_dict(res, "headers");

		if (ctx.content_type)
			fv_set_str(h, "content-type", ctx.content_type);
		for (int i = 0; i < nh; i++) {
			char key[128];

			snprintf(key, sizeof key, "%s", hname[i]);
			for (char *c = key; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			fv_set_str(h, key, hval[i]);
		}
	}
	if (href)
		fv_set_str(res, "href", href);
	if (etag)
		fv_set_str(res, "etag", etag);
	if (lastmod && *lastmod) {
		int64_t t = feed_date_parse(lastmod);

		fv_set_str(res, "modified", lastmod);
		if (t != FEED_NO_TIME)
			fv_set(res, "modified_parsed", fv_time(t));
	}
	json_init(&j, stdout, 0);
	write_value(&j, res);
	json_end(&j);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	fv_free(res);
	free(buf);
	return rc;
}
