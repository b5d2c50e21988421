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
int cmd_export_opml(struct cli *cli, int argc, char **argv);
int cmd_threads(struct cli *cli, int argc, char **argv);
int cmd_thread(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);


#include <stdint.h>
#include <stdio.h>

struct store;

/* Opens the database read-only: cli->db_path, else the database named by
 * the default configuration (or the built-in default).  A missing file is
 * an error on stderr, never an empty result.  Returns 0 or -1. */
int cli_open_db(struct cli *cli, struct store **out);

/* "12 min ago", "3 h ago", "in 5 min", "never" (t == 0). */
void cli_reltime(char *buf, size_t n, int64_t t, int64_t now);

/* Terminal width for human output (100 when not a terminal). */
int cli_width(void);

/* Prints s cut to at most `width` terminal columns (wide and combining
 * characters counted as such; a cut ends in an ellipsis), padded when pad.
 * Control characters and bytes that are not UTF-8 print as U+FFFD, tabs
 * and line breaks as spaces: nothing from a feed reaches the terminal as
 * an escape sequence. */
void cli_cell(FILE *out, const char *s, int width, int pad);

/* 1 when output on fd may be coloured: fd is a terminal, $NO_COLOR is
 * unset or empty (no-color.org) and $TERM is not "dumb". */
int cli_use_color(int fd);

/* ANSI SGR sequences for the few styles the listings use; "" when `on`
 * is 0, so callers print them unconditionally. */
enum cli_style { CLI_RESET, CLI_BOLD, CLI_DIM, CLI_RED, CLI_GREEN, CLI_YELLOW };
const char *cli_sgr(int on, enum cli_style style);

/* Recognises --json and --help style flags shared by every listing. */
int cli_flag(const char *arg, const char *name);

/* Recognises option `name` that takes a value, given as "--name VALUE"
 * or, for a long option, "--name=VALUE" (getopt_long's two spellings);
 * cli_value then returns the value either way. */
int cli_opt(const char *arg, const char *name);

#include "daemon/json.h"

/* Where a command's rows go: one JSON document, or aligned columns. */
struct cli_out {
	struct json j;
	int json;          /* --json */
	int color;         /* colour allowed (a terminal, no NO_COLOR) */
	int width;         /* columns for human output */
	int64_t now;
	int oom;           /* a row ran out of memory: cli_list fails */
	int64_t rows;      /* rows printed (--json: the array is open) */
};

void cli_out_init(struct cli_out *o);

/* The columns left for a listing's text after `used` columns of fixed
 * fields, but never fewer than CLI_MIN_TEXT: on a terminal narrower than
 * the fixed fields and a little text (40 columns, half of an 80-column
 * one) the line is wider than the terminal and wraps, rather than a
 * headline column of 0 columns showing no headline at all. */
#define CLI_MIN_TEXT 8
int cli_text_width(const struct cli_out *o, int used);

/* The value of the option argv[*i]: what follows its '=' when it is
 * "--name=VALUE", else argv[*i + 1], stepping *i over it; when it is missing, says "OPTION needs a value" on stderr (for
 * command `cmd`, NULL for a global option) and returns NULL. */
const char *cli_value(const struct cli *cli, const char *cmd, int argc, char **argv,
                      int *i);

/* Parses the non-negative number `val` given to option `opt` of command
 * `cmd`; on error says so on stderr and returns -1. */
int cli_number(const struct cli *cli, const char *cmd, const char *opt,
               const char *val, int64_t *out);

struct store_story_row;

/* One story, the same way in every command: a JSON object with every
 * field of struct store_story_row, or one line (id, relative time,
 * publisher, `mark` — one character, e.g. "=" for a copy — and title).
 * A password in the feed's URL (its name when untitled) shows as "***".
 * 0, or -1 out of memory (nothing printed). */
int cli_story_json(struct json *j, const struct store_story_row *r);
int cli_story_line(const struct cli_out *o, const struct store_story_row *r,
                   const char *mark);

/* s with the password of each URL in it shown as "***" (log_redact), in
 * a malloc'd buffer sized for s; NULL for NULL, or with *oom set. */
char *cli_redacted(const char *s, int *oom);
/* Either of the two, as the listing asks: a store_story_cb over a
 * struct cli_out. */
int cli_story_row(const struct store_story_row *r, void *cli_out);

/* Called by a cli_list listing before each of its rows in --json mode:
 * the first opens the array. */
void cli_json_row(struct cli_out *o);

/* The body of every listing: opens the database, runs list(st, ctx)
 * inside a JSON array in --json mode, reports a database error on
 * stderr (then with no JSON at all when no row came: not "[]", which
 * reads as no result).  Returns the exit status. */
int cli_list(struct cli *cli, const char *cmd, struct cli_out *o,
             int (*list)(struct store *st, void *ctx), void *ctx);

#endif
