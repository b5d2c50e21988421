/* daemon/tidings.c — the reader tool: dispatches to the subcommands in
 * daemon/cmd_*.c.  It only reads the database (and files it is given). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cli.h"

struct command {
	const char *name;
	int (*fn)(struct cli *, int, char **);
	const char *summary;
	int reads_db;          /* takes -d after its name too */
};

static const struct command commands[] = {
	{ "threads", cmd_threads, "threads (events) by latest activity", 1 },
	{ "thread",  cmd_thread,  "one thread and its stories", 1 },
	{ "feeds",   cmd_feeds,   "feeds and their health", 1 },
	{ "stories", cmd_stories, "latest stories", 1 },
	{ "search",  cmd_search,  "full-text search in stories", 1 },
	{ "export-opml", cmd_export_opml, "the feed list as OPML 2.0", 1 },
	{ "check",   cmd_check,   "validate the configuration and feed list", 0 },
	{ "parse",   cmd_parse,   "parse one feed file and print what the parser sees", 0 },
};

/* "tidings stories -d DB" is how many people write it: -d DB among a
 * database command's arguments is taken out as if given before it, up to
 * a "--" (what follows it is not an option: search's query).
 * Returns the new argc, or -1 after saying that -d lacks its value. */
static int take_db_option(struct cli *cli, int argc, char **argv)
{
	int n = 1, opts = 1;

	for (int j = 1; j < argc; j++) {
		if (strcmp(argv[j], "--") == 0)
			opts = 0;
		if (opts && strcmp(argv[j], "-d") == 0) {
			if (!(cli->db_path = cli_value(cli, argv[0], argc, argv, &j)))
				return -1;
			continue;
		}
		argv[n++] = argv[j];
	}
	argv[n] = NULL;
	return n;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: tidings [-d DB] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'tidings COMMAND --help' describes one command.\n");
}

/* A listing redirected to a full disk (or any output that fails) must not
 * exit 0 as if the file were complete: stdio keeps the error until here.
 * So must --help and --version (`tidings --version > VERSION`). */
static int finish(int rc)
{
	int failed, e;

	/* errno is only the cause when this flush failed; an earlier write
	 * error leaves just the stream's error flag. */
	errno = 0;
	failed = fflush(stdout) != 0;
	e = errno;
	if (failed || ferror(stdout)) {
		if (rc == 0)
			fprintf(stderr, "tidings: error writing standard output%s%s\n",
			        failed && e ? ": " : "", failed && e ? strerror(e) : "");
		return 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct cli cli = { .prog = "tidings", .db_path = getenv("TIDINGS_DB") };
	int i = 1;

	/* TIDINGS_DB= (set but empty) is unset, as for NO_COLOR: not a
	 * database named "". */
	if (cli.db_path && !*cli.db_path)
		cli.db_path = NULL;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-d") == 0) {
			if (!(cli.db_path = cli_value(&cli, NULL, argc, argv, &i)))
				return 1;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return finish(0);
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("tidings %s\n", TIDINGS_VERSION);
			return finish(0);
		} else {
			fprintf(stderr, "tidings: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 1;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
		int n = argc - i;

		if (strcmp(argv[i], commands[k].name) != 0)
			continue;
		if (commands[k].reads_db && (n = take_db_option(&cli, n, argv + i)) < 0)
			return 1;
		return finish(commands[k].fn(&cli, n, argv + i));
	}
	fprintf(stderr, "tidings: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return 1;
}
