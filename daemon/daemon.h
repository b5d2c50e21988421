/* daemon/daemon.h — the daemon proper: one libev loop that schedules
 * polls, fetches, parses and ingests, and handles signals. */
#ifndef TIDINGS_DAEMON_H
#define TIDINGS_DAEMON_H

struct daemon_args {
	const char *config_path;  /* NULL: built-in defaults */
	int once;                 /* poll every feed once, then exit */
	int verbose;              /* -v: one more log level per count */
};

/* Exit status: 0 ok, 1 configuration error, 2 database error. */
int daemon_run(const struct daemon_args *a);

#endif
