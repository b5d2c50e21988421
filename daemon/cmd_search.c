/* daemon/cmd_search.c — `tidings search QUERY`: full-text search over
 * stories' titles and summaries (SQLite FTS5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/cli.h"
#include "daemon/json.h"
#include "daemon/store.h"

static int print_hit(const struct store_story_row *r, void *p)
{
	struct cli_out *o = p;
	char when[32];

	if (o->json) {
		struct json *j = &o->j;
		json_obj_begin(j);
		json_kv_int(j, "id", r->id);
		json_kv_str(j, "title", r->title);
		json_kv_str(j, "link", r->link);
		json_kv_str(j, "source", r->host);
		json_kv_opt(j, "published", r->published);
		json_kv_opt(j, "thread_id", r->thread_id);
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

struct query {
	struct cli_out o;
	const char *text;
	int64_t limit;
};

static int list(struct store *st, void *p)
{
	struct query *q = p;
	return store_search(st, q->text, q->limit, print_hit, &q->o);
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	struct query q = { .limit = 20 };

	cli_out_init(&q.o);
	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--json")) {
			q.o.json = 1;
		} else if (cli_flag(argv[i], "--limit") && i + 1 < argc) {
			if (cli_number(cli, "search", "--limit", argv[++i], &q.limit) < 0)
				return 1;
		} else if (cli_flag(argv[i], "--help") || cli_flag(argv[i], "-h")) {
			printf("usage: %s [-d DB] search [--limit N] [--json] QUERY\n"
			       "Full-text search in titles and summaries, best match first.\n"
			       "QUERY uses SQLite FTS5 syntax: words (all must match), \"a phrase\",\n"
			       "OR, NOT, prefix*.  Case and accents are ignored.\n", cli->prog);
			return 0;
		} else if (!q.text) {
			q.text = argv[i];
		} else {
			fprintf(stderr, "%s: search: one query, quoted; extra '%s'\n", cli->prog, argv[i]);
			return 1;
		}
	}
	if (!q.text || !*q.text) {
		fprintf(stderr, "%s: search: what to search for? usage: %s search QUERY\n",
		        cli->prog, cli->prog);
		return 1;
	}
	return cli_list(cli, "search", &q.o, list, &q);
}
