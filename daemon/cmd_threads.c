/* daemon/cmd_threads.c — `tidings threads` (threads by activity) and
 * `tidings thread ID` (one thread's stories). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "daemon/cli.h"
#include "daemon/json.h"
#include "daemon/store.h"

/* `thread ID` prints one object, not an array: its own state. */
struct one {
	struct cli_out o;
	int found;
	int64_t resolved;      /* the live thread the id leads to */
};

static void thread_json(struct json *j, const struct store_thread_row *r)
{
	json_kv_int(j, "id", r->id);
	json_kv_str(j, "title", r->title);
	json_kv_str(j, "keywords", r->keywords);
	json_kv_int(j, "first_seen", r->first_seen);
	json_kv_int(j, "last_updated", r->last_updated);
	json_kv_int(j, "story_count", r->story_count);
	json_kv_int(j, "source_count", r->source_count);
	json_key(j, "sources");
	json_arr_begin(j);
	if (r->sources) {
		const char *p = r->sources;
		while (*p) {
			size_t n = strcspn(p, " ");
			json_strn(j, p, n);
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	json_arr_end(j);
}

static int print_thread(const struct store_thread_row *r, void *p)
{
	struct cli_out *o = p;
	char when[32], untitled[200];

	if (o->json) {
		cli_json_row(o);
		json_obj_begin(&o->j);
		thread_json(&o->j, r);
		json_obj_end(&o->j);
		return 0;
	}
	cli_reltime(when, sizeof when, r->last_updated, o->now);
	printf("%6lld %-12s %4lld %4lld  ", (long long)r->id, when,
	       (long long)r->source_count, (long long)r->story_count);
	/* A thread of untitled posts only (microblogs) has no headline:
	 * its keywords say what it is about. */
	const char *title = r->title;
	if (!title && r->keywords) {
		snprintf(untitled, sizeof untitled, "(untitled) %s", r->keywords);
		title = untitled;
	}
	cli_cell(stdout, title, cli_text_width(o, 33), 0);
	putchar('\n');
	return 0;
}

struct query {
	struct cli_out o;
	int64_t since, min_sources, limit;
};

static int list(struct store *st, void *p)
{
	struct query *q = p;

	if (!q->o.json)
		printf("%6s %-12s %4s %4s  %s\n", "ID", "UPDATED", "SRC", "STO", "TITLE");
	/* No thread has more sources than an int holds: more asks for none
	 * (a plain cast made 4294967297 ask for 1, i.e. all). */
	return store_list_threads(st, q->since,
	                          q->min_sources > INT_MAX ? INT_MAX : (int)q->min_sources,
	                          q->limit, print_thread, &q->o);
}

int cmd_threads(struct cli *cli, int argc, char **argv)
{
	struct query q = { .min_sources = 1, .limit = 50 };

	cli_out_init(&q.o);
	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--json")) {
			q.o.json = 1;
		} else if (cli_opt(argv[i], "--since")) {
			const char *v = cli_value(cli, "threads", argc, argv, &i);
			int64_t d = v ? config_parse_duration(v) : -1;

			if (!v)
				return 1;
			if (d < 0) {
				fprintf(stderr, "%s: threads: --since takes a duration like 24h, not '%s'\n",
				        cli->prog, v);
				return 1;
			}
			q.since = q.o.now - d;
		} else if (cli_opt(argv[i], "--min-sources")) {
			const char *v = cli_value(cli, "threads", argc, argv, &i);

			if (!v || cli_number(cli, "threads", "--min-sources", v, &q.min_sources) < 0)
				return 1;
		} else if (cli_opt(argv[i], "--limit")) {
			const char *v = cli_value(cli, "threads", argc, argv, &i);

			if (!v || cli_number(cli, "threads", "--limit", v, &q.limit) < 0)
				return 1;
		} else if (cli_flag(argv[i], "--help") || cli_flag(argv[i], "-h")) {
			printf("usage: %s [-d DB] threads [--since DURATION] [--min-sources N]\n"
			       "                [--limit N] [--json]\n"
			       "Lists threads (one real-world event each) by latest activity, with\n"
			       "their number of sources (publishers) and stories.  --since 24h shows\n"
			       "those updated in the last 24 hours (by story time); --limit 0: all.\n",
			       cli->prog);
			return 0;
		} else {
			fprintf(stderr, "%s: threads: unknown argument '%s'\n", cli->prog, argv[i]);
			return 1;
		}
	}
	return cli_list(cli, "threads", &q.o, list, &q);
}

static int find_thread(const struct store_thread_row *r, void *p)
{
	struct one *t = p;

	t->found = 1;
	t->resolved = r->id;
	return 0;
}

static int print_thread_head(const struct store_thread_row *r, void *p)
{
	struct one *t = p;
	struct cli_out *o = &t->o;

	if (o->json) {
		thread_json(&o->j, r);
		return 0;
	}
	/* Title and keywords come from feeds: through cli_cell, uncut, so
	 * that no control character reaches the terminal. */
	printf("Thread %lld: ", (long long)r->id);
	cli_cell(stdout, r->title ? r->title : "(untitled)", INT_MAX, 0);
	printf("\n%lld stor%s from %lld source%s", (long long)r->story_count,
	       r->story_count == 1 ? "y" : "ies", (long long)r->source_count,
	       r->source_count == 1 ? "" : "s");
	if (r->keywords) {
		fputs("; ", stdout);
		cli_cell(stdout, r->keywords, INT_MAX, 0);
	}
	printf("\n\n");
	return 0;
}

static int print_member(const struct store_story_row *r, void *p)
{
	struct cli_out *o = p;

	if (o->json)
		o->oom = cli_story_json(&o->j, r) < 0;
	else
		o->oom = cli_story_line(o, r, r->duplicate_of ? "=" : NULL) < 0;
	return o->oom;       /* ends the list; cmd_thread fails */
}

int cmd_thread(struct cli *cli, int argc, char **argv)
{
	struct one t = { .found = 0 };
	struct store *st;
	int64_t id = -1;
	int rc;

	cli_out_init(&t.o);
	for (int i = 1; i < argc; i++) {
		if (cli_flag(argv[i], "--json")) {
			t.o.json = 1;
		} else if (cli_flag(argv[i], "--help") || cli_flag(argv[i], "-h")) {
			printf("usage: %s [-d DB] thread ID [--json]\n"
			       "Shows one thread and its stories, oldest first, with their\n"
			       "publisher and time; '=' marks a copy of an earlier story\n"
			       "(syndicated text).  A merged thread's id shows its survivor.\n",
			       cli->prog);
			return 0;
		} else if (id < 0 && argv[i][0] != '-') {
			if (cli_number(cli, "thread", "ID", argv[i], &id) < 0)
				return 1;
		} else {
			fprintf(stderr, "%s: thread: unknown argument '%s'\n", cli->prog, argv[i]);
			return 1;
		}
	}
	if (id < 0) {
		fprintf(stderr, "%s: thread: which thread? usage: %s thread ID\n", cli->prog, cli->prog);
		return 1;
	}
	if (cli_open_db(cli, &st) < 0)
		return 1;
	/* The three reads below in one snapshot: the daemon commits between
	 * them, and the head counted one story while the list showed two
	 * (t_cli_snapshot.py), or the survivor found was merged away before
	 * its stories were read. */
	rc = store_read_begin(st);
	if (rc == 0)
		rc = store_get_thread(st, id, find_thread, &t);
	if (rc == 0 && !t.found) {
		fprintf(stderr, "%s: thread: no thread %lld\n", cli->prog, (long long)id);
		store_close(st);
		return 1;
	}
	if (t.o.json) {
		json_init(&t.o.j, stdout, 1);
		json_obj_begin(&t.o.j);
	}
	/* The head followed any merge; print it, then the survivor's stories. */
	if (rc == 0)
		rc = store_get_thread(st, t.resolved, print_thread_head, &t);
	if (t.o.json) {
		json_key(&t.o.j, "stories");
		json_arr_begin(&t.o.j);
	}
	if (rc == 0)
		rc = store_thread_stories(st, t.resolved, print_member, &t.o);
	if (t.o.json) {
		json_arr_end(&t.o.j);
		json_obj_end(&t.o.j);
		json_end(&t.o.j);
	}
	if (t.o.oom)
		fprintf(stderr, "%s: thread: out of memory\n", cli->prog);
	else if (rc < 0)
		fprintf(stderr, "%s: thread: %s\n", cli->prog, store_errmsg(st));
	store_read_end(st);
	store_close(st);
	return rc < 0 || t.o.oom ? 1 : 0;
}
