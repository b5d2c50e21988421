/* daemon/cmd_feeds.c — `tidings feeds`: every feed with its health. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/cli.h"
#include "daemon/json.h"
#include "daemon/store.h"

/* The columns of a line but for its two texts (title, error or URL):
 * id, status, stories, fetched, and the blanks between. */
#define FIXED (4 + 9 + 8 + 13 + 4)

/* The title's column: half of what the fixed fields leave, CLI_MIN_TEXT
 * at least (at 40 columns every title was a lone ellipsis). */
static int title_width(const struct cli_out *o)
{
	int w = (o->width - FIXED) / 2;

	return w > CLI_MIN_TEXT ? w : CLI_MIN_TEXT;
}

static int print_feed(const struct store_feed_row *r, void *p)
{
	struct cli_out *o = p;
	char when[32], status[16], *url, *site, *error;
	int w_title, oom = 0;
	enum cli_style style;

	/* A feed URL may carry user:password; this listing is for anyone in
	 * the readers' group and ends up in bug reports: the password is
	 * shown as "***" (export-opml, a copy of the feed list, keeps it). */
	url = cli_redacted(r->url, &oom);
	site = cli_redacted(r->site_url, &oom);
	error = cli_redacted(r->last_error, &oom);
	if (oom) {
		free(url);
		free(site);
		free(error);
		o->oom = 1;
		return 1;       /* ends the listing; cli_list fails it */
	}

	if (o->json) {
		struct json *j = &o->j;
		cli_json_row(o);
		json_obj_begin(j);
		json_kv_int(j, "id", r->id);
		json_kv_str(j, "url", url);
		json_kv_str(j, "title", r->title);
		json_kv_str(j, "site_url", r->site_url ? site : NULL);
		json_kv_str(j, "category", r->category);
		json_kv_bool(j, "active", r->active);
		json_kv_bool(j, "gone", r->gone);
		json_kv_opt(j, "last_fetch", r->last_fetch);
		json_kv_opt(j, "last_status", r->last_status);
		json_kv_str(j, "last_error", r->last_error ? error : NULL);
		json_kv_int(j, "consecutive_errors", r->consecutive_errors);
		json_kv_opt(j, "next_poll", r->next_poll);
		json_kv_int(j, "stories", r->stories);
		json_kv_int(j, "duration_ms", r->duration_ms);
		json_kv_int(j, "bytes", r->bytes);
		json_obj_end(j);
		goto out;
	}
	cli_reltime(when, sizeof when, r->last_fetch, o->now);
	if (r->gone)
		snprintf(status, sizeof status, "gone");
	else if (!r->active)
		snprintf(status, sizeof status, "inactive");
	else if (r->last_status)
		snprintf(status, sizeof status, "%d", r->last_status);
	else
		snprintf(status, sizeof status, "-");
	/* Red: failing now; yellow: retired; green: last poll fine. */
	if (r->gone || !r->active)
		style = CLI_YELLOW;
	else if (r->consecutive_errors > 0)
		style = CLI_RED;
	else if (r->last_status)
		style = CLI_GREEN;
	else
		style = CLI_RESET;
	w_title = title_width(o);
	printf("%4lld ", (long long)r->id);
	cli_cell(stdout, r->title ? r->title : url, w_title, 1);
	printf(" %s%-8s%s %7lld %s%-12s%s ", cli_sgr(o->color, style), status,
	       cli_sgr(o->color, CLI_RESET), (long long)r->stories,
	       cli_sgr(o->color, CLI_DIM), when, cli_sgr(o->color, CLI_RESET));
	if (r->last_error)
		fputs(cli_sgr(o->color, CLI_RED), stdout);
	cli_cell(stdout, r->last_error ? error : url, cli_text_width(o, w_title + FIXED), 0);
	printf("%s\n", r->last_error ? cli_sgr(o->color, CLI_RESET) : "");
out:
	free(url);
	free(site);
	free(error);
	return 0;
}

static int list(struct store *st, void *p)
{
	struct cli_out *o = p;

	if (!o->json) {
		printf("%s%4s ", cli_sgr(o->color, CLI_BOLD), "ID");
		cli_cell(stdout, "FEED", title_width(o), 1);
		printf(" %-8s %7s %-12s %s%s\n", "STATUS", "STORIES", "FETCHED", "ERROR / URL",
		       cli_sgr(o->color, CLI_RESET));
	}
	return store_list_feeds(st, 1, print_feed, o);
}

int cmd_feeds(struct cli *cli, int argc, char **argv)
{
	struct cli_out o;

	cli_out_init(&o);
	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--json")) {
			o.json = 1;
		} else if (cli_flag(argv[i], "--help") || cli_flag(argv[i], "-h")) {
			printf("usage: %s [-d DB] feeds [--json]\n"
			       "Lists every feed: title, last HTTP status, stories, last fetch,\n"
			       "and the last error (or the URL when healthy).\n", cli->prog);
			return 0;
		} else {
			fprintf(stderr, "%s: feeds: unknown argument '%s'\n", cli->prog, argv[i]);
			return 1;
		}
	}
	return cli_list(cli, "feeds", &o, list, &o);
}
