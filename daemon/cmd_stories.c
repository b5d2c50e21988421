/* daemon/cmd_stories.c — `tidings stories`: the latest stories. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/cli.h"
#include "daemon/json.h"
#include "daemon/store.h"

static int print_story(const struct store_story_row *r, void *p)
{
	struct cli_out *o = p;
	char when[32];
	int w_src = 18;

	if (o->json) {
		struct json *j = &o->j;
		json_obj_begin(j);
		json_kv_int(j, "id", r->id);
		json_kv_int(j, "feed_id", r->feed_id);
		json_kv_str(j, "feed", r->feed_title);
		json_kv_str(j, "title", r->title);
		json_kv_str(j, "link", r->link);
		json_kv_str(j, "author", r->author);
		json_kv_opt(j, "published", r->published);
		json_kv_int(j, "first_seen", r->first_seen);
		json_kv_opt(j, "thread_id", r->thread_id);
		json_kv_opt(j, "duplicate_of", r->duplicate_of);
		json_kv_int(j, "feeds", r->feeds);
		json_kv_str(j, "summary", r->summary);
		json_obj_end(j);
		return 0;
	}
	cli_reltime(when, sizeof when, r->published ? r->published : r->first_seen, o->now);
	printf("%6lld %s%-12s%s ", (long long)r->id, cli_sgr(o->color, CLI_DIM), when,
	       cli_sgr(o->color, CLI_RESET));
	fputs(cli_sgr(o->color, CLI_YELLOW), stdout);
	cli_cell(stdout, r->feed_title, w_src, 1);
	printf("%s %s", cli_sgr(o->color, CLI_RESET), cli_sgr(o->color, CLI_BOLD));
	cli_cell(stdout, r->title, o->width - 6 - 14 - w_src - 2, 0);
	printf("%s\n", cli_sgr(o->color, CLI_RESET));
	return 0;
}

struct query {
	struct cli_out o;
	int64_t limit;
};

static int list(struct store *st, void *p)
{
	struct query *q = p;
	return store_list_stories(st, q->limit, print_story, &q->o);
}

int cmd_stories(struct cli *cli, int argc, char **argv)
{
	struct query q = { .limit = 50 };

	cli_out_init(&q.o);
	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--json")) {
			q.o.json = 1;
		} else if (cli_flag(argv[i], "--limit") && i + 1 < argc) {
			if (cli_number(cli, "stories", "--limit", argv[++i], &q.limit) < 0)
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
