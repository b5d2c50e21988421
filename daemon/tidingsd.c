/* daemon/tidingsd.c — the daemon's command line. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/rootcheck.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: tidingsd [-c FILE] [--once] [-v] [--allow-root]\n"
	        "  -c FILE       configuration file (default: %s\n"
	        "                if it exists, else built-in defaults)\n"
	        "  --once        poll every feed once, then exit\n"
	        "  -v            more log output (repeatable)\n"
	        "  --allow-root  run as root outside systemd (refused otherwise)\n"
	        "  --version     print the version\n", config_default_path());
}

/* --help or --version into a full disk or a closed pipe: stdio keeps the
 * write error until here, and the exit status must not say it was shown
 * (a packaging script's `tidingsd --version > VERSION` was left empty
 * and went on).  As `tidings` does after its listings. */
static int stdout_closed;  /* open_std_fds() made it /dev/null */

static int printed(void)
{
	int failed, e;

	errno = 0;
	failed = fflush(stdout) != 0;
	e = errno;
	/* Closed (`tidingsd --version >&-`), it is /dev/null by now: the
	 * write went nowhere, as `tidings --version >&-` says it did. */
	if (!failed && stdout_closed) {
		failed = 1;
		e = EBADF;
	}
	if (failed || ferror(stdout)) {
		fprintf(stderr, "tidingsd: error writing standard output%s%s\n",
		        failed && e ? ": " : "", failed && e ? strerror(e) : "");
		return 1;
	}
	return 0;
}

/* Started with a standard descriptor closed (`tidingsd 2>&-`, a cron line
 * or a supervisor that closes them), the first files opened took their
 * numbers: the database, new, was opened read-write as descriptor 2 by
 * lock_database() (daemon.c), and every log line went into it, over its
 * header and pages, until `PRAGMA integrity_check` found it malformed.
 * Closed ones are /dev/null from the start.  Returns -1 when one cannot
 * be (nothing can be said then: stderr is one of them). */
static int open_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		stdout_closed |= fd == 1;
		/* The lowest free number: this one, the ones below are open. */
		n = open("/dev/null", O_RDWR);
		if (n < 0)
			return -1;
		if (n != fd) {
			close(n);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct daemon_args a = { 0 };
	int allow_root = 0;
	char msg[256];

	if (open_std_fds() < 0)
		return 1;
	/* stderr a pipe whose reader went away (`tidingsd --once 2>&1 | head`,
	 * a log collector that died): the next log line's SIGPIPE ended the
	 * run between two feeds.  The write fails with EPIPE instead, and the
	 * daemon goes on without its log (systemd's IgnoreSIGPIPE=yes does
	 * the same for the service). */
	signal(SIGPIPE, SIG_IGN);

#ifdef M_ARENA_MAX
	/* One malloc arena for all threads, so that the daemon's periodic
	 * malloc_trim (daemon.c, give_back_memory) reaches every free page:
	 * feeds parsed on a worker are freed by the main thread, and with an
	 * arena per thread their holes stayed in the worker's.  Both together
	 * lowered a cold 10,000-feed poll's peak RSS 93-95 -> 87 MiB; either
	 * alone did not measurably. */
	mallopt(M_ARENA_MAX, 1);
#endif
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "tidingsd: -c needs a value (the configuration file)\n");
				return 1;
			}
			a.config_path = argv[++i];
		} else if (strcmp(argv[i], "--once") == 0) {
			a.once = 1;
		} else if (strcmp(argv[i], "--allow-root") == 0) {
			allow_root = 1;
		} else if (strcmp(argv[i], "--verbose") == 0) {
			a.verbose++;
		} else if (argv[i][0] == '-' && argv[i][1] == 'v' &&
		           strspn(argv[i] + 1, "v") == strlen(argv[i] + 1)) {
			/* "repeatable": -v -v, and -vv as people write it */
			a.verbose += (int)strlen(argv[i] + 1);
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return printed();
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("tidingsd %s\n", TIDINGS_VERSION);
			return printed();
		} else {
			fprintf(stderr, "tidingsd: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return 1;
		}
	}
	if (rootcheck(geteuid(), rootcheck_under_systemd(), allow_root, msg,
	              sizeof msg) < 0) {
		fprintf(stderr, "tidingsd: %s\n", msg);
		return 1;
	}
	return daemon_run(&a);
}
