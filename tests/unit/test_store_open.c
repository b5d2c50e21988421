/* tests/unit/test_store_open.c — several writers opening one new database
 * at once (store.c, migrate()).
 *
 * tidingsd keeps a second daemon out with an flock, but anything else that
 * opens the store for writing (two daemons on a filesystem without flock,
 * the benchmarks, a tool) may create the schema at the same moment as
 * another process.  Each migration step reads the version again inside its
 * write transaction, so a step another opener has just applied is skipped
 * instead of failing with "table feeds already exists"; and the setup is
 * tried again while SQLite answers "database is locked" without waiting
 * (two connections of a new file in rollback-journal mode, both wanting
 * its exclusive lock to switch it to WAL).  The threads here have their
 * own SQLite connections, as processes would. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/store.h"
#include "tap.h"

#define OPENERS 4
#define ROUNDS 12

struct opener {
	pthread_barrier_t *go;
	const char *path;
	int rc;
	char err[512];
};

static void *open_store(void *arg)
{
	struct opener *o = arg;
	struct store *st = NULL;

	pthread_barrier_wait(o->go);
	o->rc = store_open(o->path, STORE_WRITE, &st, o->err, sizeof o->err);
	if (st)
		store_close(st);
	return NULL;
}

int main(void)
{
	char dir[] = "/tmp/tidings-test-open-XXXXXX", path[64], first_err[512] = "";
	int failures = 0, opened = 0;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	for (int r = 0; r < ROUNDS; r++) {
		pthread_barrier_t go;
		pthread_t th[OPENERS];
		struct opener o[OPENERS];

		snprintf(path, sizeof path, "%s/new-%d.db", dir, r);
		pthread_barrier_init(&go, NULL, OPENERS);
		for (int i = 0; i < OPENERS; i++) {
			o[i] = (struct opener){ .go = &go, .path = path };
			if (pthread_create(&th[i], NULL, open_store, &o[i]) != 0) {
				perror("pthread_create");
				return 1;
			}
		}
		for (int i = 0; i < OPENERS; i++) {
			pthread_join(th[i], NULL);
			if (o[i].rc < 0 && !failures++)
				snprintf(first_err, sizeof first_err, "%s", o[i].err);
		}
		pthread_barrier_destroy(&go);
	}
	ok(failures == 0, "4 openers at once on each of 12 new databases: every store_open succeeds");
	if (failures)
		printf("#   %d failed, the first: %s\n", failures, first_err);

	/* And each database ends at the current version, usable as one. */
	for (int r = 0; r < ROUNDS; r++) {
		struct store *st = NULL;
		char err[512];

		snprintf(path, sizeof path, "%s/new-%d.db", dir, r);
		if (store_open(path, STORE_READ, &st, err, sizeof err) == 0)
			opened++;
		else
			printf("#   %s\n", err);
		if (st)
			store_close(st);
	}
	ok(opened == ROUNDS, "each opens again read-only as a tidings database");

	for (int r = 0; r < ROUNDS; r++) {
		static const char *const sfx[] = { "", "-wal", "-shm" };
		for (size_t k = 0; k < 3; k++) {
			char f[96];
			snprintf(f, sizeof f, "%s/new-%d.db%s", dir, r, sfx[k]);
			unlink(f);
		}
	}
	rmdir(dir);
	return done_testing();
}
