/* daemon/cmd_stories.c — `tidings stories`: the latest stories. */
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
	int color;
	int width;
	int64_t now;
};

static void kv_time(struct json *j, const char *k, int64_t t)
{
	json_key(j, k);
	t ? json_int(j, t) : json_null(j);
}

static int print_story(const struct store_story_row *r, void *p)
{
	struct out *o = p;
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
		kv_time(j, "published", r->published);
		json_kv_int(j, "first_seen", r->first_seen);
		json_key(j, "thread_id");
		r->thread_id ? json_int(j, r->thread_id) : json_null(j);
		json_key(j, "duplicate_of");
		r->duplicate_of ? json_int(j, r->duplicate_of) : json_null(j);
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

int cmd_stories(struct cli *cli, int argc, char **argv)
{
	struct out o = { .width = cli_width(), .now = (int64_t)time(NULL),
	                 .color = cli_use_color(1) };
	struct store *st;
	long long limit = 50;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--json")) {
			o.json = 1;
		} else if (cli_flag(argv[i], "--limit") && i + 1 < argc) {
			char *end;
			limit = strtoll(argv[++i], &end, 10);
			if (*end || limit < 0) {
				fprintf(stderr, "%s: stories: --limit takes a number, not '%s'\n",
				        cli->prog, argv[i]);
				return 1;
			}
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
	if (cli_open_db(cli, &st) < 0)
		return 1;
	if (o.json) {
		json_init(&o.j, stdout, 1);
		json_arr_begin(&o.j);
	}
	rc = store_list_stories(st, limit, print_story, &o);
	if (o.json) {
		json_arr_end(&o.j);
		json_end(&o.j);
	}
	if (rc < 0)
		fprintf(stderr, "%s: stories: %s\n", cli->prog, store_errmsg(st));
	store_close(st);
	return rc < 0 ? 1 : 0;
}
