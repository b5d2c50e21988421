/* daemon/cli.c — what the tidings subcommands share: finding and opening
 * the database, relative times, column output sized to the terminal. */
#include "daemon/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <utf8proc.h>

#include "config/config.h"
#include "daemon/log.h"
#include "daemon/store.h"

int cli_open_db(struct cli *cli, struct store **out)
{
	struct config c = { 0 };   /* holds the default config's strings */
	char err[1024];
	const char *path = cli->db_path;
	int rc;

	if (!path) {
		/* A configuration that is there but may not be read (0640, as
		 * one holding feed passwords should be) is reported as the
		 * daemon and "tidings check" report it: it was taken as none,
		 * and the user told of a missing ./tidings.db. */
		int installed = config_resolve_path(NULL) != NULL;

		/* On an installed system the default configuration usually
		 * names no database, and the daemon then uses the unit's
		 * $STATE_DIRECTORY: resolve it as the service does, not to
		 * ./tidings.db. */
		if (installed && !getenv("STATE_DIRECTORY"))
			setenv("STATE_DIRECTORY", TIDINGS_STATEDIR, 0);
		/* The default configuration names the database, if it exists
		 * and is readable; otherwise the built-in default applies.
		 * (config_load() starts from the defaults itself.) */
		if (!installed) {
			if (config_defaults(&c) < 0) {
				fprintf(stderr, "%s: out of memory\n", cli->prog);
				return -1;
			}
		} else if (config_load(config_default_path(), &c, err, sizeof err) < 0) {
			fprintf(stderr, "%s: %s (use -d DB or TIDINGS_DB)\n", cli->prog, err);
			config_free(&c);
			return -1;
		}
		path = c.database;
	}
	if (access(path, F_OK) != 0) {
		int e = errno;

		/* Only a file that is not there is "no such database".  The
		 * service's /var/lib/tidings is 0750: a user outside the
		 * tidings group (README: "or join the group") was told that
		 * there is none, not that it may not be read. */
		if (e == ENOENT || e == ENOTDIR)
			fprintf(stderr, "%s: %s: no such database (use -d DB or TIDINGS_DB)\n",
			        cli->prog, path);
		else
			fprintf(stderr, "%s: %s: cannot open database: %s\n", cli->prog, path,
			        strerror(e));
		config_free(&c);
		return -1;
	}
	rc = store_open(path, STORE_READ, out, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", cli->prog, err);
	config_free(&c);
	return rc;
}

void cli_reltime(char *buf, size_t n, int64_t t, int64_t now)
{
	int64_t d = now - t;
	const char *fmt = d >= 0 ? "%lld %s ago" : "in %lld %s";

	if (t == 0) {
		snprintf(buf, n, "never");
		return;
	}
	if (d < 0)
		d = -d;
	if (d < 60)
		snprintf(buf, n, fmt, (long long)d, "s");
	else if (d < 3600)
		snprintf(buf, n, fmt, (long long)(d / 60), "min");
	else if (d < 86400 * 2)
		snprintf(buf, n, fmt, (long long)(d / 3600), "h");
	else
		snprintf(buf, n, fmt, (long long)(d / 86400), "d");
}

int cli_width(void)
{
	struct winsize ws;

	/* Any width the terminal gives: a narrow one (a split pane) is laid
	 * out for itself, its text columns kept to CLI_MIN_TEXT at least
	 * (cli_text_width), not for 100 columns. */
	if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 100;
}

int cli_text_width(const struct cli_out *o, int used)
{
	return o->width - used > CLI_MIN_TEXT ? o->width - used : CLI_MIN_TEXT;
}

/* One character of s as it is shown: *cp (U+FFFD for a byte that is not
 * UTF-8, a space for a tab or line break) and its width in columns.
 * Other control characters (C0, DEL, C1) become U+FFFD too: they come
 * from feeds, and a story titled "\033]0;...\a" or "\033[2J" must not
 * drive the reader's terminal.  Returns the bytes consumed (>= 1). */
static size_t cell_char(const unsigned char *p, int32_t *cp, int *cols)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t len = utf8proc_iterate(p, -1, &c);

	if (len < 1) {
		c = 0xfffd;
		len = 1;
	}
	if (c == '\t' || c == '\n' || c == '\r')
		c = ' ';
	else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
		c = 0xfffd;
	/* Bidirectional overrides, embeddings, isolates and marks are not
	 * shown at all: "\u202e" in a title reverses the rest of the line on
	 * terminals that do bidi (columns, other feeds' text with it) and
	 * lets "Invoice\u202efdp.exe" pass for "Invoiceexe.pdf". */
	else if (c == 0x061c || c == 0x200e || c == 0x200f ||
	         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		c = -1;
	*cp = c;
	if (c < 0) {
		*cols = 0;
		return (size_t)len;
	}
	*cols = utf8proc_charwidth(c);
	if (*cols < 0)
		*cols = 0;
	return (size_t)len;
}

static void put_char(FILE *out, int32_t cp)
{
	utf8proc_uint8_t buf[4];
	utf8proc_ssize_t n;

	if (cp < 0)
		return;  /* not shown (cell_char) */
	n = utf8proc_encode_char(cp, buf);

	fwrite(buf, 1, (size_t)n, out);
}

/* The grapheme cluster (one character as the reader sees it) at p, as
 * cell_char() shows its parts: its length in bytes and, in *cols, its
 * width, that of its parts.  A cut between code points split a flag (two
 * regional indicators: a lone boxed letter was left before the ellipsis)
 * or an emoji ZWJ sequence (a family, a profession: a dangling U+200D). */
static size_t cell_cluster(const unsigned char *p, int *cols)
{
	utf8proc_int32_t state = 0;
	int32_t prev = -1, cp;
	size_t n = 0;
	int w;

	*cols = 0;
	while (p[n]) {
		size_t len = cell_char(p + n, &cp, &w);

		if (cp >= 0) {     /* what is not shown (cp < 0) joins nothing */
			if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, cp, &state))
				break;
			prev = cp;
		}
		*cols += w;
		n += len;
	}
	return n;
}

void cli_cell(FILE *out, const char *s, int width, int pad)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "-");
	int32_t cp;
	int w, cols = 0, total = 0, room = width;

	/* Columns, not bytes or code points: CJK takes two, combining marks
	 * none.  A string too wide is cut one column early so that an
	 * ellipsis marks the cut, and only between grapheme clusters. */
	for (const unsigned char *q = p; *q && total <= width; total += w)
		q += cell_cluster(q, &w);
	if (total > width)
		room = width - 1;
	while (*p) {
		size_t len = cell_cluster(p, &w);

		if (cols + w > room)
			break;
		for (const unsigned char *e = p + len; p < e;) {
			int part;

			p += cell_char(p, &cp, &part);
			put_char(out, cp);
		}
		cols += w;
	}
	if (total > width && width > 0) {
		fputs("\xe2\x80\xa6", out);
		cols++;
	}
	if (pad)
		for (; cols < width; cols++)
			fputc(' ', out);
}

int cli_flag(const char *arg, const char *name)
{
	return strcmp(arg, name) == 0;
}

int cli_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 &&
	       (arg[n] == '\0' || (arg[n] == '=' && strncmp(name, "--", 2) == 0));
}

int cli_use_color(int fd)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc && *nc)
		return 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fd);
}

const char *cli_sgr(int on, enum cli_style style)
{
	static const char *const sgr[] = {
		[CLI_RESET] = "\033[0m", [CLI_BOLD] = "\033[1m", [CLI_DIM] = "\033[2m",
		[CLI_RED] = "\033[31m", [CLI_GREEN] = "\033[32m",
		[CLI_YELLOW] = "\033[33m",
	};

	return on && (unsigned)style < sizeof sgr / sizeof sgr[0] ? sgr[style] : "";
}

void cli_out_init(struct cli_out *o)
{
	memset(o, 0, sizeof *o);
	o->width = cli_width();
	o->color = cli_use_color(1);
	o->now = (int64_t)time(NULL);
}

const char *cli_value(const struct cli *cli, const char *cmd, int argc, char **argv,
                      int *i)
{
	const char *eq = strncmp(argv[*i], "--", 2) == 0 ? strchr(argv[*i], '=') : NULL;

	if (eq)
		return eq + 1;
	if (*i + 1 >= argc) {
		fprintf(stderr, "%s: %s%s%s needs a value\n", cli->prog, cmd ? cmd : "",
		        cmd ? ": " : "", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

int cli_number(const struct cli *cli, const char *cmd, const char *opt,
               const char *val, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(val, &end, 10);
	if (!*val || *end || v < 0 || errno == ERANGE) {
		fprintf(stderr, "%s: %s: %s takes a number, not '%s'\n", cli->prog, cmd,
		        opt, val);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_list(struct cli *cli, const char *cmd, struct cli_out *o,
             int (*list)(struct store *st, void *ctx), void *ctx)
{
	struct store *st;
	int rc;

	if (cli_open_db(cli, &st) < 0)
		return 1;
	if (o->json)
		json_init(&o->j, stdout, 1);
	rc = list(st, ctx);
	/* The array opens with its first row (cli_json_row): a query that
	 * fails at once (a search FTS5 cannot parse, "OR strike") printed
	 * "[]" and exit 1, and `tidings search --json "$q" | jq` took the
	 * error for no hits.  After rows the array is closed as before. */
	if (o->json && (o->rows || (rc >= 0 && !o->oom))) {
		if (!o->rows)
			json_arr_begin(&o->j);
		json_arr_end(&o->j);
		json_end(&o->j);
	}
	if (o->oom)
		fprintf(stderr, "%s: %s: out of memory\n", cli->prog, cmd);
	else if (rc < 0)
		fprintf(stderr, "%s: %s: %s\n", cli->prog, cmd, store_errmsg(st));
	store_close(st);
	return rc < 0 || o->oom ? 1 : 0;
}

/* In a buffer sized for s: a fixed one cut a feed URL of over 2 KiB (a
 * long query string) in `feeds --json`, where it is data, not a column.
 * log_redact turns each "://user:password@" (4 bytes at least) into at
 * most 3 more bytes, so twice the length always holds it. */
char *cli_redacted(const char *s, int *oom)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = 2 * strlen(s) + 4;
	if (!(d = malloc(n))) {
		*oom = 1;
		return NULL;
	}
	return log_redact(d, n, s);
}

int cli_story_json(struct json *j, const struct store_story_row *r)
{
	/* A feed with no title, its own or the list's, is named by its URL
	 * (the store's feed_title), and that may hold a password: `feeds`
	 * masked it, and `stories --json` gave it whole to the readers'
	 * group and to bug reports.  Masked here too. */
	int oom = 0;
	char *feed = cli_redacted(r->feed_title, &oom);

	if (oom)
		return -1;
	json_obj_begin(j);
	json_kv_int(j, "id", r->id);
	json_kv_int(j, "feed_id", r->feed_id);
	json_kv_str(j, "feed", feed);
	json_kv_str(j, "source", r->host);
	json_kv_str(j, "title", r->title);
	json_kv_str(j, "link", r->link);
	json_kv_str(j, "author", r->author);
	json_kv_str(j, "image", r->image);
	json_key(j, "tags");
	json_arr_begin(j);
	for (const char *p = r->tags; p;) {
		const char *q = strchr(p, '\x1f');
		json_strn(j, p, q ? (size_t)(q - p) : strlen(p));
		p = q ? q + 1 : NULL;
	}
	json_arr_end(j);
	json_kv_opt(j, "published", r->published);
	json_kv_int(j, "first_seen", r->first_seen);
	/* The time the lines show and the lists go by (cli_story_line):
	 * without it a program had the list in an order none of the times
	 * it was given explains (a live blog redated a minute ago, listed
	 * where it was first stored hours ago). */
	json_kv_int(j, "event_time", r->event_time);
	json_kv_opt(j, "thread_id", r->thread_id);
	json_kv_opt(j, "duplicate_of", r->duplicate_of);
	json_kv_int(j, "feeds", r->feeds);
	json_kv_str(j, "summary", r->summary);
	json_obj_end(j);
	free(feed);
	return 0;
}

int cli_story_line(const struct cli_out *o, const struct store_story_row *r,
                   const char *mark)
{
	char when[32], *feed = NULL;
	const int w_src = 20;
	int oom = 0;

	/* The feed's name (a URL, its password masked: cli_story_json)
	 * when the story has no publisher host. */
	if (!r->host && !(feed = cli_redacted(r->feed_title, &oom)) && oom)
		return -1;

	/* The time the lists are ordered by and threads count
	 * (stories.event_time), not the item's date as it is now: a story
	 * dated days ahead (a feed's wrong clock) showed "in 3 d" where it
	 * was placed as first seen, and a live blog redated at every update
	 * "1 min ago" at the head of a thread last updated hours ago, the
	 * times of a list "oldest first" out of order. */
	cli_reltime(when, sizeof when, r->event_time ? r->event_time
	            : r->published ? r->published : r->first_seen, o->now);
	printf("%6lld %s%-12s%s ", (long long)r->id, cli_sgr(o->color, CLI_DIM), when,
	       cli_sgr(o->color, CLI_RESET));
	fputs(cli_sgr(o->color, CLI_YELLOW), stdout);
	cli_cell(stdout, r->host ? r->host : feed, w_src, 1);
	free(feed);
	/* An untitled item (a microblog's post) shows the start of its
	 * summary instead, not in bold: a row of "-" says nothing. */
	const char *head = r->title ? r->title : r->summary;
	printf("%s %s %s", cli_sgr(o->color, CLI_RESET), mark ? mark : " ",
	       r->title ? cli_sgr(o->color, CLI_BOLD) : "");
	cli_cell(stdout, head, cli_text_width(o, 6 + 14 + w_src + 4), 0);
	printf("%s\n", cli_sgr(o->color, CLI_RESET));
	return 0;
}

void cli_json_row(struct cli_out *o)
{
	if (!o->rows++)
		json_arr_begin(&o->j);
}

int cli_story_row(const struct store_story_row *r, void *p)
{
	struct cli_out *o = p;

	if (o->json) {
		cli_json_row(o);
		o->oom = cli_story_json(&o->j, r) < 0;
	} else {
		o->oom = cli_story_line(o, r, NULL) < 0;
	}
	return o->oom;       /* ends the listing; cli_list fails it */
}
