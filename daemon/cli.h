/* daemon/cli.h — the subcommands of the `tidings` reader tool.  Each lives
 * in its own daemon/cmd_*.c and gets argv from the subcommand name on;
 * each returns the process exit status (0 ok, 1 error). */
#ifndef TIDINGS_CLI_H
#define TIDINGS_CLI_H

/* Options shared by the commands that read the database. */
struct cli {
	const char *db_path;   /* -d, $TIDINGS_DB, else the default config's */
	const char *prog;      /* "tidings" */
};

int cmd_feeds(struct cli *cli, int argc, char **argv);
int cmd_stories(struct cli *cli, int argc, char **argv);
int cmd_parse(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);

#endif
