/* tests/fuzz/fuzz_ingest.c — libFuzzer target for everything a hostile
 * feed drives after the parser: feed_parse() -> ingest_prepare() ->
 * ingest_feed() into a real SQLite store, with the clusterer, the
 * near-duplicate index and the search index live (canonical URLs, identity
 * keys, SimHash, the tokenizer with the document's xml:lang, the
 * clusterer's join/merge/update paths, the story rows).
 *
 * The first byte picks the HTTP context as in fuzz_feed (content type,
 * Content-Language, a cap of 2 entries) and what happens around the
 * ingest; the rest is the document.  Each input is stored:
 *   1. into feed 1 (prepared on a tokenizer, as a parse worker does),
 *   2. into feed 2 (the cross-feed path: same canonical URLs),
 *   3. into feed 1 again with the entries' titles and texts rotated by one
 *      (same identities, changed content: the update path, where a story
 *      can leave its thread), prepared by ingest_feed() itself;
 * each in a transaction of its own that must commit: a feed that makes
 * the store fail loses its stories, which the daemon must never do.
 * After each commit the live threads' rows must say what their stories say
 * (docs/schema.md: story_count, source_count, first_seen, last_updated;
 * the integration tests' thread_rows() == thread_truth()), read on a
 * connection of its own.  Bit 0x10 of the first byte rolls the third
 * transaction back instead
 * (store_rollback + ingest_rollback, as the daemon does on a database
 * error) and the state must still take the next input.  Bit 0x08 rebuilds
 * the pipeline from the database between the second and the third pass
 * (ingest_new's restore of the window from the stored rows, as at a
 * restart), so the update path also runs on restored threads; with bit
 * 0x80 too the pipeline comes back with [threads] enabled = no (and with
 * threads on again at the next such rebuild without it), so stories are
 * stored, updated and copied with threads off, and threads resume over
 * stories that have none.  Bit 0x04
 * makes the third pass four days later (an item changed after its thread
 * left the clustering window).
 *
 * The database is a file in /dev/shm (else /tmp) made once per process and
 * made anew every RECREATE inputs, so that it stays small; what an input
 * does thus depends on the ones before it in the same process only through
 * the stored stories (a crash found this way may need its predecessors: the
 * bits above make each path reachable from a fresh database too).  "now"
 * moves on an hour per input, so stories age out of the clustering window.
 *
 * To reproduce such a crash: FUZZ_INGEST_HISTORY=DIR keeps in DIR every
 * execution since the database was last made (DIR/00000, ...; libFuzzer
 * runs an input twice when it suspects a leak, and both are kept); the
 * target run on those files in order with -detect_leaks=0 (no repeats
 * then) replays it, and leaves its database behind to look at. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config/config.h"
#include "daemon/ingest.h"
#include "daemon/store.h"
#include "feeds/feed.h"
#include "tests/unit/thread_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RECREATE 100
#define T0 1700000000

static char path[256];
static struct config cfg;
static int ever_off;            /* threads were off since the database was made */
static struct store *st;
static struct ingest *in;
static struct text *tok;
static sqlite3 *ro;       /* the oracle's connection */
static unsigned long runs;
static int64_t now = T0;

static void die(const char *what)
{
	fprintf(stderr, "fuzz_ingest: %s: %s\n", what, st ? store_errmsg(st) : "");
	abort();
}

static void close_db(void)
{
	char p[300];

	if (ro)
		sqlite3_close(ro);
	ro = NULL;
	if (in)
		ingest_free(in);
	in = NULL;
	if (st)
		store_close(st);
	st = NULL;
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static void close_keep(void)
{
	if (ro)
		sqlite3_close(ro);
	if (in)
		ingest_free(in);
	if (st)
		store_close(st);
	fprintf(stderr, "fuzz_ingest: database kept: %s\n", path);
}

static void open_db(void)
{
	static char *urls[] = { "http://fuzz.example/feed/one.xml",
	                        "https://other.example/rss" };
	struct feedlist_item items[2] = { { .url = urls[0] }, { .url = urls[1] } };
	struct feedlist fl = { items, 2 };
	char err[512];

	if (store_open(path, STORE_WRITE, &st, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz_ingest: %s\n", err);
		abort();
	}
	if (store_sync_feeds(st, &fl, now) < 0)
		die("store_sync_feeds");
	/* A new database starts with threads on, whatever the inputs
	 * before it did. */
	cfg.threads.enabled = 1;
	ever_off = 0;
	if (ingest_new(st, &cfg, &in) < 0)
		die("ingest_new");
	if (sqlite3_open_v2(path, &ro, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("sqlite3_open_v2");
}

static void check_threads(void)
{
	/* With threads on all along, no story may lack a thread. */
	char *truth = oracle_rows(ro, ever_off ? ORACLE_TRUTH_THREADED_SQL : ORACLE_TRUTH_SQL);
	char *row = oracle_rows(ro, ORACLE_ROWS_SQL);

	if (!truth || !row)
		die(sqlite3_errmsg(ro));

	if (strcmp(truth, row) != 0) {
		fprintf(stderr, "fuzz_ingest: thread rows differ from their stories\n"
		        "stories say (id n hosts first last):\n%s"
		        "threads say:\n%s", truth, row);
		abort();
	}
	free(truth);
	free(row);
}

static void setup(void)
{
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(path, sizeof path, "%s/tidings-fuzz-ingest-%ld.db", dir, (long)getpid());
	config_defaults(&cfg);
	if (!(tok = text_new()))
		abort();
	/* A replayed history leaves its database behind, to look at. */
	atexit(getenv("FUZZ_INGEST_HISTORY") ? close_keep : close_db);
	open_db();
}

/* The third pass's copy: entry i gets entry i+1's title and texts (the
 * strings live in the feed's arena: only pointers move).  A single entry
 * keeps its identity and gets its title as its text instead. */
static void rotate(struct feed *f)
{
	size_t n = f->n_entries;

	if (n == 1) {
		struct feed_entry *e = &f->entries[0];
		char *t = e->text;

		e->text = e->title_text;
		e->title_text = t;
		return;
	}
	for (size_t i = 0; i + 1 < n; i++) {
		struct feed_entry *a = &f->entries[i], *b = &f->entries[i + 1];
		struct feed_text tt = a->title, ts = a->summary;
		char *t1 = a->title_text, *t2 = a->text, *t3 = a->html;

		a->title = b->title;
		a->summary = b->summary;
		a->title_text = b->title_text;
		a->text = b->text;
		a->html = b->html;
		b->title = tt;
		b->summary = ts;
		b->title_text = t1;
		b->text = t2;
		b->html = t3;
	}
}

static void store_pass(int64_t feed_id, const char *url, const struct feed *f,
                       const struct ingest_prep *prep, int roll_back)
{
	struct ingest_stats stats = { 0 };

	if (store_begin(st) < 0)
		die("store_begin");
	if (ingest_feed(in, feed_id, url, f, prep, now, &stats) < 0)
		die("ingest_feed failed on a parsed feed");
	if (stats.new_stories + stats.updated > stats.entries)
		die("more stories than entries");
	if (roll_back) {
		store_rollback(st);
		if (ingest_rollback(in) < 0)
			die("ingest_rollback");
		return;
	}
	if (store_commit(st) < 0)
		die("store_commit");
	check_threads();
}

static void keep_history(const uint8_t *data, size_t size)
{
	const char *dir = getenv("FUZZ_INGEST_HISTORY");
	char p[4096];
	FILE *fp;

	if (!dir)
		return;
	if (runs % RECREATE == 0)
		for (unsigned i = 0; i < RECREATE; i++) {
			snprintf(p, sizeof p, "%s/%05u", dir, i);
			unlink(p);
		}
	snprintf(p, sizeof p, "%s/%05lu", dir, runs % RECREATE);
	if ((fp = fopen(p, "wb"))) {
		fwrite(data, 1, size, fp);
		fclose(fp);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		NULL, "text/xml", "application/atom+xml; charset=iso-8859-1",
		"text/plain", "application/rss+xml; charset=utf-16",
	};
	struct feed_context ctx = { .uri = "http://fuzz.example/feed/one.xml" };
	struct ingest_prep prep = { 0 };
	struct feed *f = NULL;
	char err[256];
	uint8_t mode;

	if (size < 1)
		return 0;
	if (!st)
		setup();
	mode = data[0];
	ctx.content_type = types[mode % 5];
	if (mode & 0x40)
		ctx.content_language = "de";
	if (mode & 0x20)
		ctx.max_entries = 2;
	if (feed_parse((const char *)data + 1, size - 1, &ctx, &f, err, sizeof err) < 0)
		return 0;

	/* A fresh database every RECREATE inputs, the clock back at T0: the
	 * first input of a process and the one after each RECREATE - 1 others
	 * see the same state, so the kept history replays exactly. */
	if (runs % RECREATE == 0 && runs > 0) {
		close_db();
		now = T0;
		open_db();
	}
	keep_history(data, size);
	runs++;
	now += 3600;

	if (ingest_prepare(f, tok, &prep) < 0)
		die("ingest_prepare: out of memory");
	if (prep.n != f->n_entries)
		die("ingest_prepare: one prep per entry");
	store_pass(1, "http://fuzz.example/feed/one.xml", f, &prep, 0);
	store_pass(2, "https://other.example/rss", f, &prep, 0);
	ingest_prep_free(&prep);
	if (mode & 0x08) {
		if (ingest_sync(in) < 0)
			die("ingest_sync");
		ingest_free(in);
		in = NULL;
		cfg.threads.enabled = !(mode & 0x80);
		ever_off |= !cfg.threads.enabled;
		if (ingest_new(st, &cfg, &in) < 0)
			die("ingest_new (restore)");
	}
	rotate(f);
	now += (mode & 0x04) ? 4 * 86400 : 60;
	store_pass(1, "http://fuzz.example/feed/one.xml", f, NULL, mode & 0x10);
	if (runs % 8 == 0 && store_fts_flush(st) < 0)
		die("store_fts_flush");
	feed_free(f);
	return 0;
}
