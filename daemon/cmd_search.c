/* daemon/cmd_search.c — `tidings search QUERY`: full-text search over
 * stories' titles and summaries (SQLite FTS5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/cli.h"
#include "daemon/json.h"
#include "daemon/store.h"

struct out {
	struct json j;
	int json;
	int width;
	int64_t now;
	int n;
};

static int print_hit(const struct store_story_row *r, void *p)
{
	struct out *o = p;
	char when[32];

	o->n++;
	if (o->json) {
		struct json *j = &o->j;
		json_obj_begin(j);
		json_kv_int(j, "id", r->id);
		json_kv_str(j, "title", r->title);
		json_kv_str(j, "link", r->link);
		json_kv_str(j, "source", r->host);
		json_key(j, "published");
		r->published ? json_int(j, r->published) : json_null(j);
		json_key(j, "thread_id");
		r->thread_id ? json_int(j, r->thread_id) : json_null(j);
		json_obj_end(j);
		return 0;
	}
	cli_reltime(when, sizeof when, r->published ? r->published : r->first_seen, o->now);
	printf("%6lld %-12s ", (long long)r->id, when);
	cli_cell(stdout, r->host ? r->host : r->feed_title, 20, 1);
	putchar(' ');
	cli_cell(stdout, r->title, o->width - 6 - 14 - 20 - 2, 0);
	putchar('\n');
	return 0;
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	struct out o = { .width = cli_width(), .now = (int64_t)time(NULL) };
	struct store *st;
	const char *q = NULL;
	long long limit = 20;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--json")) {
			o.json = 1;
		} else if (cli_flag(argv[i], "--limit") && i + 1 < argc) {
			char *end;
			limit = strtoll(argv[++i], &end, 10);
			if (*end || limit < 0) {
				fprintf(stderr, "%s: search: --limit takes a number, not '%s'\n",
				        cli->prog, argv[i]);
				return 1;
			}
		} else if (cli_flag(argv[i], "--help") || cli_flag(argv[i], "-h")) {
			printf("usage: %s [-d DB] search [--limit N] [--json] QUERY\n"
			       "Full-text search in titles and summaries, best match first.\n"
			       "QUERY uses SQLite FTS5 syntax: words (all must match), \"a phrase\",\n"
			       "OR, NOT, prefix*.  Case and accents are ignored.\n", cli->prog);
			return 0;
		} else if (!q) {
			q = argv[i];
		} else {
			fprintf(stderr, "%s: search: one query, quoted; extra '%s'\n", cli->prog, argv[i]);
			return 1;
		}
	}
	if (!q || !*q) {
		fprintf(stderr, "%s: search: what to search for? usage: %s search QUERY\n",
		        cli->prog, cli->prog);
		return 1;
	}
	if (cli_open_db(cli, &st) < 0)
		return 1;
	if (o.json) {
		json_init(&o.j, stdout, 1);
		json_arr_begin(&o.j);
	}
	rc = store_search(st, q, limit, print_hit, &o);
	if (o.json) {
		json_arr_end(&o.j);
		json_end(&o.j);
	}
	if (rc < 0)
		fprintf(stderr, "%s: search: %s\n", cli->prog, store_errmsg(st));
	store_close(st);
	return rc < 0 ? 1 : 0;
}
