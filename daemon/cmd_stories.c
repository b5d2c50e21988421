/* daemon/cmd_stories.c — `tidings stories`: the latest stories. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/cli.h"
#include "daemon/json.h"
#include "daemon/store.h"

struct query {
	struct cli_out o;
	int64_t limit;
};

static int list(struct store *st, void *p)
{
	struct query *q = p;
	return store_list_stories(st, q->limit, cli_story_row, &q->o);
}

int cmd_stories(struct cli *cli, int argc, char **argv)
{
	struct query q = { .limit = 50 };

	cli_out_init(&q.o);
	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--json")) {
			q.o.json = 1;
		} else if (cli_opt(argv[i], "--limit")) {
			const char *v = cli_value(cli, "stories", argc, argv, &i);

			if (!v || cli_number(cli, "stories", "--limit", v, &q.limit) < 0)
				return 1;
		} else if (cli_flag(argv[i], "--help") || cli_flag(argv[i], "-h")) {
			printf("usage: %s [-d DB] stories [--limit N] [--json]\n"
			       "Lists the newest stories (default 50; --limit 0 for all).\n",
			       cli->prog);
			return 0;
		} else {
			fprintf(stderr, "%s: stories: unknown argument '%s'\n", cli->prog, argv[i]);
			return 1;
		}
	}
	return cli_list(cli, "stories", &q.o, list, &q);
}
