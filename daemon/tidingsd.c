/* daemon/tidingsd.c — the daemon's command line. */
#include <malloc.h>
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

int main(int argc, char **argv)
{
	struct daemon_args a = { 0 };
	int allow_root = 0;
	char msg[256];

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
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("tidingsd %s\n", TIDINGS_VERSION);
			return 0;
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
