/* tests/unit/test_replay.c — the start-up replay restores the clusterer as
 * its contract says (daemon/cluster.h: document frequencies reloaded, then
 * every story of the window restored oldest first into its stored thread).
 *
 * The pipeline's replay (ingest_new) reads the window in batches and has a
 * second thread tokenize each batch; nothing else would notice tokens
 * handed to the wrong story or field, or a batch left out, since the
 * restored threads keep their ids either way.  So this test stores a few
 * hundred stories through the real pipeline, restarts it, and then stores
 * probe stories through it, while a reference clusterer rebuilt here
 * straight from the documented calls (store_df_load, store_window,
 * cluster_restore tokenizing each story itself, then cluster_set_counts
 * with each thread's stored counts) is given the same probes:
 * the threads, keywords, counts and titles the pipeline writes must be the
 * ones the reference computes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config/config.h"
#include "daemon/cluster.h"
#include "daemon/ingest.h"
#include "daemon/store.h"
#include "feeds/feed.h"
#include "ingest_fixture.h"
#include "tap.h"

#define NFEEDS 8
#define NEVENTS 14
#define DAY 86400
#define T0 1700000000

static char dir[] = "/tmp/tidings-test-replay-XXXXXX";
static char path[256];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(tap_xorshift(&rng) % n);
}

/* Made-up words: each event has its own names (capitalised, for titles)
 * and its own lead words; every story also carries common words. */
static void word(char *out, int kind, int event, int i)
{
	static const char *syl[] = { "ka", "lo", "mi", "ren", "sto", "vu", "dar", "pel",
	                             "qui", "zan", "tor", "bex", "nu", "ghi", "sal", "wen" };
	unsigned x = (unsigned)(kind * 7919 + event * 131 + i * 17 + 3);

	snprintf(out, 32, "%s%s%s", syl[x % 16], syl[(x / 16) % 16], syl[(x / 256 + (unsigned)kind) % 16]);
	if (kind == 0)
		out[0] = (char)(out[0] - 'a' + 'A');
}

static void append(char *buf, size_t cap, const char *w)
{
	size_t l = strlen(buf);

	snprintf(buf + l, cap - l, "%s%s", l ? " " : "", w);
}

/* A title from event `te` and a lead from event `le` (equal for ordinary
 * stories; different for the probes, so that which field weighs more
 * decides their thread). */
static void story_text(int te, int le, char *title, char *lead)
{
	char w[32];

	title[0] = lead[0] = 0;
	for (int i = 0; i < 3; i++) {
		word(w, 0, te, (int)rnd(6));
		append(title, 256, w);
	}
	word(w, 1, te, (int)rnd(10));
	append(title, 256, w);
	word(w, 2, 0, (int)rnd(40));
	append(title, 256, w);
	for (int i = 0; i < 14; i++) {
		int r = (int)rnd(10);

		if (r < 5)
			word(w, 1, le, (int)rnd(10));
		else if (r < 7)
			word(w, 0, le, (int)rnd(6));
		else
			word(w, 2, 0, (int)rnd(40));
		append(lead, 1024, w);
		if (i == 6)
			append(lead, 1024, "and");
	}
	strcat(lead, ".");
}

/* One RSS document of n items; ids from *serial. */
static char *rss(int n, const int *te, const int *le, const int64_t *t, int *serial)
{
	size_t cap = 4096 + (size_t)n * 2048, len = 0;
	char *x = malloc(cap), title[256], lead[1024], date[64];

	len += (size_t)snprintf(x + len, cap - len,
	                        "<rss version=\"2.0\"><channel><title>t</title>"
	                        "<link>http://example.net/</link><language>en</language>\n");
	for (int i = 0; i < n; i++) {
		time_t tt = (time_t)t[i];
		struct tm tm;
		int id = (*serial)++;

		gmtime_r(&tt, &tm);
		strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
		story_text(te[i], le[i], title, lead);
		len += (size_t)snprintf(x + len, cap - len,
		                        "<item><title>%s</title><guid>s%d</guid>"
		                        "<link>https://pub%d.example/news/%d</link>"
		                        "<pubDate>%s</pubDate><description>%s</description></item>\n",
		                        title, id, id % 5, id, date, lead);
	}
	snprintf(x + len, cap - len, "</channel></rss>\n");
	return x;
}

static int store_rss(struct store *st, struct ingest *in, int64_t feed_id, char *xml, int64_t now)
{
	int rc = ingest_response(st, in, feed_id, xml, now);

	free(xml);
	return rc;
}

/* ---- the reference: the contract of cluster.h, step by step ---------- */

static int ref_df(const char *term, int64_t df, void *p)
{
	return cluster_df_set(p, term, df) < 0;
}

static int ref_row(const struct store_window_row *r, void *p)
{
	struct cluster_doc d = {
		.story_id = r->id, .time = r->event_time, .title = r->title, .text = r->summary,
		.lang = r->lang, .source = r->host,
	};
	int *restored = (int *)((void **)p)[1];

	if (!r->thread_id)
		return 0;
	(*restored)++;
	return cluster_restore(((void **)p)[0], &d, r->thread_id) < 0;
}

/* The threads' stored counts, then each one's hosts (one query at a
 * time), given to the clusterer: the documented last step of a restore. */
struct ref_thread { int64_t id, n, first; };
struct ref_threads { struct ref_thread v[512]; size_t n; };
struct ref_hosts { char *v[512]; size_t n; };

static int ref_thread_row(int64_t id, int64_t n, int64_t first, void *p)
{
	struct ref_threads *t = p;

	if (t->n == 512)
		return 1;
	t->v[t->n++] = (struct ref_thread){ id, n, first };
	return 0;
}

static int ref_host(const char *host, void *p)
{
	struct ref_hosts *h = p;

	return h->n == 512 || !(h->v[h->n++] = strdup(host));
}

static int ref_counts(struct store *st, struct clusterer *c, int64_t since)
{
	static struct ref_threads t;
	struct ref_hosts h;
	int rc = 0;

	t.n = 0;
	if (store_window_threads(st, since, ref_thread_row, &t) < 0 || t.n == 512)
		return -1;
	for (size_t i = 0; i < t.n && rc == 0; i++) {
		h.n = 0;
		rc = store_thread_hosts(st, t.v[i].id, ref_host, &h) < 0 || h.n == 512 ||
		     cluster_set_counts(c, t.v[i].id, t.v[i].n, t.v[i].first, 0,
		                        (const char *const *)h.v, h.n) < 0 ? -1 : 0;
		for (size_t j = 0; j < h.n; j++)
			free(h.v[j]);
	}
	return rc;
}

static struct clusterer *reference(struct store *st, const struct config *cfg, int *restored)
{
	struct cluster_params p;
	struct clusterer *c;
	int64_t next = 0, newest = 0, total = 0;
	void *ctx[2];

	ingest_cluster_params(cfg, &p);
	if (store_max_thread_id(st, &next) < 0 || store_max_event_time(st, &newest) < 0 ||
	    !(c = cluster_new(&p, next + 1)))
		return NULL;
	ctx[0] = c;
	ctx[1] = restored;
	if (store_df_load(st, &total, ref_df, c) < 0 ||
	    (cluster_df_set_total(c, total), store_window(st, newest - cfg->threads.window,
	                                                  ref_row, ctx) < 0) ||
	    ref_counts(st, c, newest - cfg->threads.window) < 0) {
		cluster_free(c);
		return NULL;
	}
	return c;
}

/* ---- reading back ----------------------------------------------------- */

struct stored {
	int64_t id, time, thread_id, dup, story_count, source_count;
	char title[256], summary[1024], lang[16], host[64], keywords[160], thread_title[256];
};

static void copy_col(sqlite3_stmt *s, int i, char *out, size_t cap)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	snprintf(out, cap, "%s", v ? (const char *)v : "");
}

static int read_story(sqlite3 *db, int serial, struct stored *o)
{
	sqlite3_stmt *s;
	char guid[32];
	int rc = -1;

	snprintf(guid, sizeof guid, "s%d", serial);
	if (sqlite3_prepare_v2(db,
	        "SELECT s.id, s.event_time, s.thread_id, coalesce(s.duplicate_of, 0),"
	        " s.title, s.summary, s.lang, s.host, t.keywords, t.story_count,"
	        " t.source_count, t.title"
	        " FROM stories s JOIN threads t ON t.id = s.thread_id WHERE s.guid = ?",
	        -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, guid, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		o->id = sqlite3_column_int64(s, 0);
		o->time = sqlite3_column_int64(s, 1);
		o->thread_id = sqlite3_column_int64(s, 2);
		o->dup = sqlite3_column_int64(s, 3);
		copy_col(s, 4, o->title, sizeof o->title);
		copy_col(s, 5, o->summary, sizeof o->summary);
		copy_col(s, 6, o->lang, sizeof o->lang);
		copy_col(s, 7, o->host, sizeof o->host);
		copy_col(s, 8, o->keywords, sizeof o->keywords);
		o->story_count = sqlite3_column_int64(s, 9);
		o->source_count = sqlite3_column_int64(s, 10);
		copy_col(s, 11, o->thread_title, sizeof o->thread_title);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	return v;
}

static void title_of(sqlite3 *db, int64_t story_id, char *out, size_t cap)
{
	sqlite3_stmt *s;

	out[0] = 0;
	if (sqlite3_prepare_v2(db, "SELECT title FROM stories WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, story_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		copy_col(s, 0, out, cap);
	sqlite3_finalize(s);
}

int main(void)
{
	struct config cfg;
	struct store *st = NULL;
	struct ingest *in = NULL;
	struct clusterer *ref = NULL;
	struct feedlist_item items[NFEEDS];
	char urls[NFEEDS][48], err[512];
	struct feedlist fl = { items, NFEEDS };
	sqlite3 *db = NULL;
	int serial = 1, restored = 0, in_window, nprobe = 0, same = 0, mixed_kept = 0;
	int fail = 0, joined_restored = 0;
	int64_t now = T0 + 6 * DAY, last_restored;
	char sql[200];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	config_defaults(&cfg);
	memset(items, 0, sizeof items);
	for (int i = 0; i < NFEEDS; i++) {
		snprintf(urls[i], sizeof urls[i], "http://feed%d.example/rss", i);
		items[i].url = urls[i];
	}

	/* 1. Five days of stories through the real pipeline: 24 responses of
	 * 20, so that the window (3 days) holds about 300 of the 480, more
	 * than two replay batches, and the oldest fall outside it. */
	ok(store_open(path, STORE_WRITE, &st, err, sizeof err) == 0, "database created");
	ok(store_sync_feeds(st, &fl, T0) == 0, "feed list synced");
	ok(ingest_new(st, &cfg, &in) == 0, "pipeline started on an empty database");
	for (int k = 0; k < 24; k++) {
		int te[20];
		int64_t t[20];

		for (int i = 0; i < 20; i++) {
			/* events come and go: each lives about two days */
			te[i] = (k / 4 + (int)rnd(5)) % NEVENTS;
			t[i] = T0 + (int64_t)k * 5 * 3600 + i * 600;
		}
		fail |= store_rss(st, in, 1 + k % NFEEDS, rss(20, te, te, t, &serial), now) < 0;
		/* Saved as the daemon does whenever the fetcher falls idle:
		 * whole the first time, then patched with the changed terms (a
		 * row no term has stays: the patch rewrote nothing else). */
		if (k == 11) {
			ok(ingest_sync(in) == 0, "document frequencies saved whole");
			ok(sqlite3_open(path, &db) == SQLITE_OK &&
			   sqlite3_exec(db, "INSERT INTO term_df VALUES ('zzsentinel', 7)", NULL,
			                NULL, NULL) == SQLITE_OK, "a row no term has, from outside");
		}
	}
	ok(!fail, "480 stories stored through ingest_feed");
	ok(ingest_sync(in) == 0, "document frequencies saved");
	ok(scalar(db, "SELECT count(*) FROM term_df WHERE term = 'zzsentinel'") == 1,
	   "the second save patched the table: the outside row is still there");
	ok(sqlite3_exec(db, "DELETE FROM term_df WHERE term = 'zzsentinel'", NULL, NULL, NULL) ==
	   SQLITE_OK, "and is taken away again");
	sqlite3_close(db);
	db = NULL;
	ingest_free(in);
	in = NULL;

	/* 2. Restart: the pipeline replays the window with its tokenizing
	 * thread; the reference replays it by the book. */
	ok(ingest_new(st, &cfg, &in) == 0, "pipeline restarted (window replayed)");
	ref = reference(st, &cfg, &restored);
	ok(ref != NULL, "reference clusterer rebuilt from store_df_load + store_window");
	ok(sqlite3_open(path, &db) == SQLITE_OK, "database opened for reading");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM stories WHERE event_time >= "
	         "(SELECT max(event_time) FROM stories) - %lld", (long long)cfg.threads.window);
	in_window = (int)scalar(db, sql);
	/* The replay reads the window in batches of 128 (REPLAY_BATCH). */
	ok(in_window > 2 * 128 && in_window < 480,
	   "the window holds more than two replay batches, and not every story");
	last_restored = scalar(db, "SELECT max(id) FROM threads");
	is_int(restored, in_window, "the reference restored every story of the window");

	/* 3. Probes, one response each, half with a title of one event and a
	 * lead of another: the pipeline's threads must be the reference's. */
	for (int k = 0; k < 60 && !fail; k++) {
		/* the events of the last day, as the stories above */
		int te = 5 + (int)rnd(5), le = k % 2 ? (te + 1 + (int)rnd(3)) % NEVENTS : te;
		int64_t t = T0 + 24 * 5 * 3600 + k * 300;
		struct stored o;
		struct cluster_result r;
		struct cluster_doc d;
		char ref_title[256];
		int probe = serial;

		if (store_rss(st, in, 1 + k % NFEEDS, rss(1, &te, &le, &t, &serial), now) < 0 ||
		    read_story(db, probe, &o) < 0) {
			fail = 1;
			break;
		}
		nprobe++;
		d = (struct cluster_doc){ .story_id = o.id, .time = o.time, .title = o.title,
		                          .text = o.summary, .lang = o.lang, .source = o.host };
		if (o.dup || cluster_add(ref, &d, &r) < 0) {
			fail = 1;
			break;
		}
		title_of(db, r.title_story_id, ref_title, sizeof ref_title);
		if (r.thread_id == o.thread_id && strcmp(r.keywords, o.keywords) == 0 &&
		    r.story_count == o.story_count && r.source_count == o.source_count &&
		    strcmp(ref_title, o.thread_title) == 0)
			same++;
		else
			printf("# probe %d: pipeline thread %lld (%lld stories, \"%s\"), reference "
			       "%lld (%lld, \"%s\")\n", probe, (long long)o.thread_id,
			     (long long)o.story_count, o.keywords, (long long)r.thread_id,
			     (long long)r.story_count, r.keywords);
		joined_restored += o.thread_id <= last_restored;
		mixed_kept += k % 2 && !r.is_new;
	}
	ok(!fail, "60 probe stories stored, none a near-duplicate");
	is_int(same, nprobe, "every probe got the reference's thread, keywords, counts and title");
	/* The probes test something only if they join restored threads. */
	printf("# %d of %d probes joined restored threads, %d mixed ones joined\n", joined_restored, nprobe, mixed_kept);
	ok(joined_restored >= 30, "most probes joined threads restored from before the restart");
	ok(mixed_kept > 0, "some probes with mixed title and lead joined a thread");

	sqlite3_close(db);
	cluster_free(ref);
	ingest_free(in);
	store_close(st);
	config_free(&cfg);
	tap_remove_db(dir, path);
	return done_testing();
}
