/* tests/unit/thread_oracle.h — the thread oracle of the integration tests
 * (harness.py thread_rows() == thread_truth()) in C, for test_fuzz_found
 * and fuzz_ingest: every live thread's row says what its stories say
 * (docs/schema.md).  Header-only, like feed_same.h. */
#ifndef TIDINGS_TEST_THREAD_ORACLE_H
#define TIDINGS_TEST_THREAD_ORACLE_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

/* What the stories say of their threads, and what the threads' rows say
 * (id, stories, distinct hosts, first and last time).  A story stored with
 * threads off has none (thread_id NULL): _THREADED leaves those out, for a
 * database that had threads off for a while. */
#define ORACLE_TRUTH_FROM \
	"SELECT thread_id, count(*), count(DISTINCT host), min(event_time)," \
	" max(event_time) FROM stories"
#define ORACLE_TRUTH_SQL ORACLE_TRUTH_FROM " GROUP BY thread_id ORDER BY thread_id"
#define ORACLE_TRUTH_THREADED_SQL \
	ORACLE_TRUTH_FROM " WHERE thread_id IS NOT NULL GROUP BY thread_id ORDER BY thread_id"
#define ORACLE_ROWS_SQL \
	"SELECT id, story_count, source_count, first_seen, last_updated" \
	" FROM threads WHERE merged_into IS NULL AND story_count > 0 ORDER BY id"

/* The rows of a query as text, a line a row (malloc'd), or NULL when the
 * query fails. */
static char *oracle_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q;
	char *out = NULL;
	size_t len = 0;
	FILE *m;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return NULL;
	if (!(m = open_memstream(&out, &len))) {
		sqlite3_finalize(q);
		return NULL;
	}
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(q); i++)
			fprintf(m, "%s%s", i ? " " : "", sqlite3_column_type(q, i) == SQLITE_NULL
			        ? "NULL" : (const char *)sqlite3_column_text(q, i));
		fputc('\n', m);
	}
	sqlite3_finalize(q);
	fclose(m);
	return out;
}

#endif
