/* daemon/ckpt.c — the WAL checkpoint thread (see ckpt.h): one SQLite
 * connection of its own, woken by the writer's WAL hook. */
#include "ckpt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

struct ckpt {
	sqlite3 *db;               /* owned; used by the thread only */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pages;                 /* threshold, WAL pages */
	int want, stop;            /* under mu */
	int at;                    /* under mu: WAL frames the last checkpoint
	                              left copied */
	unsigned long done, failed; /* under mu */
	int last_rc;               /* under mu */
};

static void *run(void *arg)
{
	struct ckpt *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->want && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->want = 0;
		pthread_mutex_unlock(&c->mu);
		/* PASSIVE: copies what no reader still needs, takes no writer
		 * lock.  BUSY only means another checkpoint (the closing
		 * writer's) is running: the next kick tries again. */
		int nlog = 0, nckpt = 0;
		int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
		                                   &nlog, &nckpt);
		pthread_mutex_lock(&c->mu);
		c->done++;
		c->at = nckpt > 0 ? nckpt : 0;
		if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
			c->failed++;
			c->last_rc = rc;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

int ckpt_start(const char *path, int pages, struct ckpt **out, char *err, unsigned errlen)
{
	struct ckpt *c = calloc(1, sizeof *c);
	int rc, mu = 0, cv = 0;

	*out = NULL;
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->pages = pages > 0 ? pages : 1000;
	rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	/* The checkpoint syncs the database file as the writer's own would
	 * (synchronous=NORMAL, see store.c); a busy timeout only for the
	 * schema read at the first checkpoint. */
	sqlite3_busy_timeout(c->db, 5000);
	rc = sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(c->db));
		goto fail;
	}
	if (pthread_mutex_init(&c->mu, NULL) != 0)
		goto fail_thread;
	mu = 1;
	if (pthread_cond_init(&c->cv, NULL) != 0)
		goto fail_thread;
	cv = 1;
	if (pthread_create(&c->thread, NULL, run, c) != 0)
		goto fail_thread;
	*out = c;
	return 0;
fail_thread:
	snprintf(err, errlen, "cannot start the checkpoint thread");
fail:
	if (cv)
		pthread_cond_destroy(&c->cv);
	if (mu)
		pthread_mutex_destroy(&c->mu);
	sqlite3_close_v2(c->db);
	free(c);
	return -1;
}

void ckpt_kick(struct ckpt *c, int pages)
{
	if (pages < c->pages)
		return;
	pthread_mutex_lock(&c->mu);
	/* The WAL restarted since (it is shorter than what was copied). */
	if (pages < c->at)
		c->at = 0;
	/* Not for every commit past the threshold: for each quarter of it
	 * written since the last checkpoint (each one syncs the file). */
	if (!c->want && pages - c->at >= c->pages / 4) {
		c->want = 1;
		pthread_cond_signal(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
}

void ckpt_stats(struct ckpt *c, unsigned long *done, unsigned long *failed, int *last_rc)
{
	pthread_mutex_lock(&c->mu);
	*done = c->done;
	*failed = c->failed;
	*last_rc = c->last_rc;
	pthread_mutex_unlock(&c->mu);
}

void ckpt_stop(struct ckpt *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	sqlite3_close_v2(c->db);
	free(c);
}
