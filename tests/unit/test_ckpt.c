/* tests/unit/test_ckpt.c — the checkpoint thread copies the WAL into the
 * database file when the writer's WAL hook says it is past the threshold,
 * not before; the writer keeps committing meanwhile; stop is clean. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "daemon/ckpt.h"

#define THRESHOLD 64 /* pages */

static int hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	ckpt_kick(arg, pages);
	return SQLITE_OK;
}

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Waits up to 10 s for `want` checkpoints. */
static unsigned long wait_done(struct ckpt *c, unsigned long want)
{
	unsigned long done = 0, failed;
	int rc;
	for (int i = 0; i < 1000; i++) {
		ckpt_stats(c, &done, &failed, &rc);
		if (done >= want)
			break;
		nap_ms(10);
	}
	return done;
}

int main(void)
{
	char dir[] = "/tmp/tidings-ckpt-XXXXXX", path[64], wal[80], err[256];
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	struct ckpt *c = NULL;
	unsigned long done, failed;
	int rc, ok_all = 1;
	char blob[1000];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	snprintf(wal, sizeof wal, "%s-wal", path);
	memset(blob, 'x', sizeof blob);

	ok(sqlite3_open(path, &db) == SQLITE_OK &&
	   sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	                    "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)",
	                NULL, NULL, NULL) == SQLITE_OK, "a WAL database");
	/* The writer waits on a busy lock as the store's does (BUSY_MS,
	 * store_set_busy_wait): a checkpointer that reads a wal-index header
	 * the writer is in the middle of writing takes the WAL's write lock
	 * for an instant to read it again (SQLite's walIndexReadHdr), and a
	 * writer with no busy handler would fail its next transaction there
	 * (once in a clean-clone CI run; not again in 1,250 runs, four at a
	 * time beside two busy loops). */
	sqlite3_busy_timeout(db, 5000);
	ok(ckpt_start("/nonexistent/dir/t.db", THRESHOLD, &c, err, sizeof err) < 0 && !c &&
	   strstr(err, "/nonexistent/dir/t.db"), "a database that cannot be opened is refused");
	ok(ckpt_start(path, THRESHOLD, &c, err, sizeof err) == 0 && c, "started");
	sqlite3_wal_hook(db, hook, c);
	off_t db0 = file_size(path);

	/* Below the threshold: nothing happens. */
	ckpt_kick(c, THRESHOLD - 1);
	nap_ms(100);
	ckpt_stats(c, &done, &failed, &rc);
	ok(done == 0, "no checkpoint below the threshold");

	/* ~600 pages in 60 commits: the thread checkpoints while they go on. */
	sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES (?)", -1, &ins, NULL);
	char first_err[160] = "";
	for (int txn = 0; txn < 60; txn++) {
		rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (int r = 0; rc == SQLITE_OK && r < 40; r++) {
			sqlite3_bind_blob(ins, 1, blob, sizeof blob, SQLITE_STATIC);
			rc = sqlite3_step(ins);
			if (rc == SQLITE_DONE)
				rc = SQLITE_OK;
			sqlite3_reset(ins);
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK && ok_all) {
			ok_all = 0;
			snprintf(first_err, sizeof first_err, "transaction %d: %s (%d)", txn,
				 sqlite3_errmsg(db), rc);
		}
		if (rc != SQLITE_OK)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	if (!ok(ok_all, "every commit succeeded while checkpoints ran"))
		printf("#   first failure: %s\n", first_err);
	done = wait_done(c, 1);
	ok(done >= 1, "the thread checkpointed");
	ckpt_stats(c, &done, &failed, &rc);
	ok(failed == 0 && rc == 0, "no checkpoint failed");
	/* Checkpoints may still be under way: wait for the pages, up to 10 s
	 * (the commits wrote ~600). */
	for (int i = 0; i < 1000 && file_size(path) <= db0 + 100 * 4096; i++)
		nap_ms(10);
	ok(file_size(path) > db0 + 100 * 4096, "pages reached the database file");

	/* A reader sees every row. */
	sqlite3 *rd = NULL;
	sqlite3_stmt *cnt = NULL;
	int rows = -1;
	if (sqlite3_open_v2(path, &rd, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(rd, "SELECT count(*) FROM t", -1, &cnt, NULL) == SQLITE_OK &&
	    sqlite3_step(cnt) == SQLITE_ROW)
		rows = sqlite3_column_int(cnt, 0);
	ok(rows == 60 * 40, "a reader counts every row");
	sqlite3_finalize(cnt);
	sqlite3_close(rd);

	sqlite3_wal_hook(db, NULL, NULL);
	ckpt_stop(c);
	ckpt_stop(NULL);
	sqlite3_finalize(ins);
	ok(sqlite3_close(db) == SQLITE_OK, "closed after the thread stopped");
	ok(file_size(wal) <= 0, "the last close removed the WAL");
	tap_remove_db(dir, path);
	return done_testing();
}
