/* tests/unit/wal_fixture.h — what the two tests of the writer's
 * checkpoints (test_store_wal, test_store_wal_busy) share: a database in a
 * fresh directory with one feed and the checkpoint thread running, stories
 * of about ten pages written one a transaction, and the WAL's size. */
#ifndef TIDINGS_WAL_FIXTURE_H
#define TIDINGS_WAL_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"
#include "daemon/store.h"
#include "tap.h"

#define CONTENT 40000       /* bytes a story: about ten pages */

struct wal_fixture {
	char dir[64], path[80], wal[96];
	struct store *st;
	char *content;      /* CONTENT bytes of 'x' */
};

static off_t file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/* A database in a new directory made from TEMPLATE (mkdtemp's XXXXXX at
 * its end), one feed, the checkpoint thread started: three checks. */
static int wal_fixture_open(struct wal_fixture *fx, const char *template)
{
	struct feedlist_item item = { .url = "http://a.example/feed" };
	struct feedlist fl = { &item, 1 };
	char err[256];

	memset(fx, 0, sizeof *fx);
	snprintf(fx->dir, sizeof fx->dir, "%s", template);
	fx->content = malloc(CONTENT + 1);
	if (!fx->content || !mkdtemp(fx->dir))
		return -1;
	memset(fx->content, 'x', CONTENT);
	fx->content[CONTENT] = '\0';
	snprintf(fx->path, sizeof fx->path, "%s/t.db", fx->dir);
	snprintf(fx->wal, sizeof fx->wal, "%s-wal", fx->path);
	ok(store_open(fx->path, STORE_WRITE, &fx->st, err, sizeof err) == 0, "database created");
	ok(store_sync_feeds(fx->st, &fl, 1000) == 0, "a feed");
	ok(store_checkpoint_thread(fx->st, fx->path, err, sizeof err) == 0,
	   "checkpoint thread started");
	return fx->st ? 0 : -1;
}

static void wal_fixture_close(struct wal_fixture *fx)
{
	store_close(fx->st);
	tap_remove_db(fx->dir, fx->path);
	free(fx->content);
}

/* Story N, alone in its transaction; -1 on any failure. */
static int write_story(struct wal_fixture *fx, int n)
{
	char ident[32];
	int64_t id;
	struct store_story s = {
		.feed_id = 1, .ident = ident, .title = "t", .first_seen = 1000 + n,
		.content = fx->content, .content_hash = (uint64_t)n,
	};

	snprintf(ident, sizeof ident, "g:%d", n);
	if (store_begin(fx->st) < 0)
		return -1;
	if (store_insert_story(fx->st, &s, &id) < 0) {
		store_rollback(fx->st);
		return -1;
	}
	return store_commit(fx->st);
}

#endif
