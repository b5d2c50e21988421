/* tests/unit/ingest_fixture.h — one feed response stored as the daemon
 * stores one (daemon.c's on_response): parsed, ingested in one
 * transaction, rolled back with the pipeline's memory on an error. */
#ifndef TIDINGS_INGEST_FIXTURE_H
#define TIDINGS_INGEST_FIXTURE_H

#include <string.h>

#include "daemon/ingest.h"
#include "daemon/store.h"
#include "feeds/feed.h"

/* Stores the RSS document `xml` as feed `feed_id`'s response at `now`.
 * Returns 0, or -1 when it did not parse or ingest_feed failed. */
static int ingest_response(struct store *st, struct ingest *in, int64_t feed_id,
                           const char *xml, int64_t now)
{
	struct feed *f = NULL;
	struct ingest_stats stats;
	char err[256];
	int rc = -1;

	if (feed_parse(xml, strlen(xml), NULL, &f, err, sizeof err) < 0)
		goto out;
	memset(&stats, 0, sizeof stats);
	if (store_begin(st) < 0)
		goto out;
	if (ingest_feed(in, feed_id, "http://example.net/rss", f, NULL, now, &stats) < 0) {
		store_rollback(st);
		ingest_rollback(in);
		goto out;
	}
	rc = store_commit(st);
out:
	feed_free(f);
	return rc;
}

#endif
