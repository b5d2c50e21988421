/* daemon/cmd_search.c — `tidings search QUERY`: full-text search over
 * stories' titles and summaries (SQLite FTS5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/cli.h"
#include "daemon/json.h"
#include "daemon/store.h"

struct query {
	struct cli_out o;
	const char *text;
	int64_t limit;
};

static int list(struct store *st, void *p)
{
	struct query *q = p;
	return store_search(st, q->text, q->limit, cli_story_row, &q->o);
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	struct query q = { .limit = 20 };

	cli_out_init(&q.o);
	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--json")) {
			q.o.json = 1;
		} else if (cli_flag(argv[i], "--limit")) {
			const char *v = cli_value(cli, "search", argc, argv, &i);

			if (!v || cli_number(cli, "search", "--limit", v, &q.limit) < 0)
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
