/* daemon/cmd_export.c — `tidings export-opml`: the feeds table as an OPML
 * 2.0 subscription list on stdout, categories as nested folders, in a
 * form config/feedlist.c reads back to the same feeds, titles,
 * categories and intervals. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "config/config.h"
#include "daemon/cli.h"
#include "daemon/store.h"

struct xfeed {                 /* owns its strings */
	int64_t id;
	char *url, *title, *site_url, *category;
	int64_t interval;
};

struct xlist {                 /* owns the array and its feeds */
	struct xfeed *v;
	size_t n, cap;
	int all;                   /* include inactive and gone feeds */
	int oom;
};

static char *dup_or_null(const char *s, int *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = 1;
	return d;
}

static int collect(const struct store_feed_row *r, void *p)
{
	struct xlist *l = p;
	struct xfeed *f;

	if (!l->all && (!r->active || r->gone))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct xfeed *v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			l->oom = 1;
			return 1;
		}
		l->v = v;
		l->cap = cap;
	}
	f = &l->v[l->n++];
	f->id = r->id;
	f->interval = r->interval;
	f->url = dup_or_null(r->url, &l->oom);
	/* The name the user gave in the list wins over the feed's own. */
	f->title = dup_or_null(r->list_title ? r->list_title : r->title, &l->oom);
	f->site_url = dup_or_null(r->site_url, &l->oom);
	f->category = dup_or_null(r->category && *r->category ? r->category : NULL, &l->oom);
	return l->oom;
}

static void xlist_free(struct xlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].url);
		free(l->v[i].title);
		free(l->v[i].site_url);
		free(l->v[i].category);
	}
	free(l->v);
}

/* A category nests as folders only if every '/'-separated part is
 * non-empty and neither starts nor ends with a blank: folders of "a//b"
 * or "/a" would read back differently, and so would those of a folder
 * named "Science / Tech" (the list's reader trims each folder's name,
 * and it read back as "Science/Tech"), so such a category is written as
 * a category attribute instead. */
static int foldable(const char *cat)
{
	if (!cat)
		return 1;
	for (const char *p = cat;; p++) {
		size_t len = strcspn(p, "/");

		if (len == 0 || isspace((unsigned char)p[0]) ||
		    isspace((unsigned char)p[len - 1]))
			return 0;
		p += len;
		if (!*p)
			return 1;
	}
}

/* Folder paths compare part by part, so "News/World" sorts right after
 * "News" and no folder is opened twice; uncategorised feeds come first. */
static int cmp_path(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	for (;;) {
		size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
		int c = strncmp(a, b, la < lb ? la : lb);

		if (c == 0 && la != lb)
			c = la < lb ? -1 : 1;
		if (c != 0 || (!a[la] && !b[lb]))
			return c ? c : 0;
		if (!a[la] || !b[lb])
			return a[la] ? 1 : -1;
		a += la + 1;
		b += lb + 1;
	}
}

static const char *folder_of(const struct xfeed *f)
{
	return foldable(f->category) ? f->category : NULL;
}

static int cmp_feed(const void *pa, const void *pb)
{
	const struct xfeed *a = pa, *b = pb;
	int c = cmp_path(folder_of(a), folder_of(b));

	if (c)
		return c;
	return (a->id > b->id) - (a->id < b->id);
}

/* Writes the n bytes at s (fewer at a NUL) as the value of an XML
 * attribute: markup and the characters attribute normalisation would
 * fold are escaped; other control characters are not allowed in XML 1.0
 * at all and are dropped.  So are
 * U+FFFE and U+FFFF (a feed's title may hold them, from "&#xFFFE;" in
 * its escaped HTML), and bytes that are not UTF-8: U+FFFD stands for
 * them, or the file is no XML to read back. */
static void put_attr_n(FILE *out, const char *s, size_t n)
{
	const unsigned char *e = (const unsigned char *)s + n;

	for (const unsigned char *p = (const unsigned char *)s; p < e && *p; p++) {
		if (*p >= 0x80) {
			utf8proc_int32_t cp;
			utf8proc_ssize_t len = utf8proc_iterate(p, e - p, &cp);

			if (len < 1)
				len = 1;
			if (len == 1 || cp == 0xfffe || cp == 0xffff)
				fputs("\xef\xbf\xbd", out);
			else
				fwrite(p, 1, (size_t)len, out);
			p += len - 1;
			continue;
		}
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\t': fputs("&#9;", out); break;
		case '\n': fputs("&#10;", out); break;
		case '\r': fputs("&#13;", out); break;
		default:
			if (*p >= 0x20)
				fputc(*p, out);
		}
	}
}

static void put_attr(FILE *out, const char *s)
{
	put_attr_n(out, s, strlen(s));
}

static void indent(FILE *out, size_t depth)
{
	for (size_t i = 0; i < depth + 2; i++)
		fputs("  ", out);
}

/* The number of leading path parts a and b share. */
static size_t common_parts(const char *a, const char *b)
{
	size_t k = 0;

	if (!a || !b)
		return 0;
	for (;;) {
		size_t la = strcspn(a, "/"), lb = strcspn(b, "/");

		if (la != lb || strncmp(a, b, la) != 0)
			return k;
		k++;
		if (!a[la] || !b[lb])
			return k;
		a += la + 1;
		b += lb + 1;
	}
}

static size_t count_parts(const char *p)
{
	size_t k = 0;

	if (!p)
		return 0;
	for (k = 1; *p; p++)
		k += *p == '/';
	return k;
}

static void write_opml(FILE *out, const struct xlist *l)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	const char *open = NULL;   /* the folder path currently open */
	size_t depth = 0;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	fprintf(out,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<opml version=\"2.0\">\n"
	        "  <head>\n"
	        "    <title>tidings subscriptions</title>\n"
	        "    <dateCreated>%s</dateCreated>\n"
	        "    <docs>http://opml.org/spec2.opml</docs>\n"
	        "  </head>\n"
	        "  <body>\n", date);
	for (size_t i = 0; i < l->n; i++) {
		const struct xfeed *f = &l->v[i];
		const char *want = folder_of(f);
		size_t keep = common_parts(open, want), nwant = count_parts(want);
		const char *seg = want;

		for (; depth > keep; depth--) {
			indent(out, depth - 1);
			fputs("</outline>\n", out);
		}
		for (size_t k = 0; k < keep; k++)
			seg += strcspn(seg, "/") + 1;
		for (; depth < nwant; depth++) {
			size_t len = strcspn(seg, "/");

			/* The part in place: a copy into a fixed buffer cut a
			 * folder name of over 1 KiB, mid-character even, and the
			 * file no longer read back to the same category. */
			indent(out, depth);
			fputs("<outline text=\"", out);
			put_attr_n(out, seg, len);
			fputs("\">\n", out);
			seg += len + (seg[len] ? 1 : 0);
		}
		open = want;

		indent(out, depth);
		fputs("<outline type=\"rss\" text=\"", out);
		put_attr(out, f->title ? f->title : f->url);
		if (f->title) {
			fputs("\" title=\"", out);
			put_attr(out, f->title);
		}
		fputs("\" xmlUrl=\"", out);
		put_attr(out, f->url);
		fputc('"', out);
		if (f->site_url) {
			fputs(" htmlUrl=\"", out);
			put_attr(out, f->site_url);
			fputc('"', out);
		}
		if (f->category && !want) {
			fputs(" category=\"", out);
			put_attr(out, f->category);
			fputc('"', out);
		}
		if (f->interval > 0) {
			char iv[32];

			config_format_duration(f->interval, iv, sizeof iv);
			fprintf(out, " interval=\"%s\"", iv);
		}
		fputs("/>\n", out);
	}
	for (; depth > 0; depth--) {
		indent(out, depth - 1);
		fputs("</outline>\n", out);
	}
	fputs("  </body>\n</opml>\n", out);
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
	        "usage: %s [-d DB] export-opml [--all]\n"
	        "\n"
	        "Writes the feeds as an OPML 2.0 subscription list on standard\n"
	        "output: categories become nested folders, per-feed intervals an\n"
	        "interval attribute.  The file works as a tidings feed list.\n"
	        "\n"
	        "  --all       include feeds dropped from the list and gone (410)\n"
	        "  -h, --help\n", prog);
}

int cmd_export_opml(struct cli *cli, int argc, char **argv)
{
	struct xlist l = { 0 };
	struct store *st = NULL;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--all")) {
			l.all = 1;
		} else if (cli_flag(argv[i], "--help") || cli_flag(argv[i], "-h")) {
			usage(stdout, cli->prog);
			return 0;
		} else {
			fprintf(stderr, "%s: export-opml: unknown argument '%s'\n", cli->prog,
			        argv[i]);
			usage(stderr, cli->prog);
			return 1;
		}
	}
	if (cli_open_db(cli, &st) < 0)
		return 1;
	/* Without the feeds' story counts, which the list does not hold:
	 * counting them read every story_feeds row, 0.2 s at a million. */
	if (store_list_feeds(st, 0, collect, &l) < 0 && !l.oom) {
		fprintf(stderr, "%s: export-opml: %s\n", cli->prog, store_errmsg(st));
		goto fail;
	}
	if (l.oom) {
		fprintf(stderr, "%s: export-opml: out of memory\n", cli->prog);
		goto fail;
	}
	qsort(l.v, l.n, sizeof *l.v, cmp_feed);
	write_opml(stdout, &l);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("tidings: export-opml: writing standard output");
		goto fail;
	}
	rc = 0;
fail:
	xlist_free(&l);
	store_close(st);
	return rc;
}
