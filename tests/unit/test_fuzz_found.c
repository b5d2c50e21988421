/* tests/unit/test_fuzz_found.c — defects the libFuzzer targets past the
 * parser found (tests/fuzz/fuzz_ingest.c, fuzz_config.c, fuzz_text.c),
 * each reduced to the call that showed it.  Several were undefined
 * behaviour that only UBSan reports: they fail under `make unit-san`. */
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config/config.h"
#include "daemon/canon.h"
#include "daemon/cluster.h"
#include "daemon/ingest.h"
#include "daemon/store.h"
#include "feeds/feed.h"
#include "tests/unit/tap.h"
#include "tests/unit/thread_oracle.h"

#define T0 1700000000LL

/* A restore into a fresh clusterer of a story without a single term (a
 * title and text of stop words and punctuation only): its vector is empty
 * and the clusterer's query buffer not yet allocated, and the story was
 * copied from that NULL buffer (memcpy with a NULL source is undefined even
 * for 0 bytes).  Found by fuzz_ingest after ingest_new's replay. */
static void restore_empty_story(void)
{
	struct cluster_params p;
	struct clusterer *c;
	struct cluster_doc d = { .story_id = 1, .time = T0, .title = "the", .text = "...",
	                         .lang = "en", .source = "a.example" };
	struct cluster_result r;

	cluster_params_default(&p);
	c = cluster_new(&p, 1);
	ok(c != NULL, "clusterer made");
	ok(cluster_restore(c, &d, 1) == 0, "a story without terms restores");
	d.story_id = 2;
	d.title = "A later story about Zurich";
	ok(cluster_add(c, &d, &r) == 0, "and the clusterer takes the next story");
	cluster_free(c);
}

/* An update whose time moves the clusterer's clock a window past the
 * story's own thread: cluster_update looked the story up, then advanced
 * the clock, whose expiry pass dropped that thread and freed the story,
 * and then read the freed story (heap use after free).  Found by
 * fuzz_ingest: an item first seen long ago, changed, with a new date. */
static void update_past_window(void)
{
	struct cluster_params p;
	struct clusterer *c;
	struct cluster_doc d = { .story_id = 1, .time = T0, .lang = "en",
	                         .title = "Flooding closes the harbour bridge in Zurich",
	                         .text = "The harbour bridge stays closed after the flooding.",
	                         .source = "a.example" };
	struct cluster_result r;

	cluster_params_default(&p);
	c = cluster_new(&p, 1);
	ok(c && cluster_add(c, &d, &r) == 0, "a story");
	d.time = T0 + 2 * p.window;
	d.title = "Harbour bridge in Zurich opens again after the flooding";
	ok(cluster_update(c, &d, &r) == 0, "its update two windows later is taken");
	ok(r.thread_id > 0 && r.story_count == 1,
	   "into a thread of its own (the old one left memory)");
	cluster_free(c);
}

/* canon.c promises a fixed point, and a host's trailing root dot is
 * dropped; only one was, so "example.com.." became "example.com." and only
 * a second canon_url() gave "example.com": two links to one article
 * compared unequal.  Found by fuzz_text (a host of many dots). */
static void canon_trailing_dots(void)
{
	const char *in[] = { "http://Example.com../a", "http://example.com./a",
	                     "http://example.com.../a?x=1#!/s" };
	const char *want[] = { "http://example.com/a", "http://example.com/a",
	                       "http://example.com/a?x=1#!/s" };

	for (int i = 0; i < 3; i++) {
		char *c = NULL, *c2 = NULL, *h = NULL;

		ok(canon_url(in[i], &c) == 0, "a host with trailing dots is canonical");
		is_str(c, want[i], "without any of the dots");
		ok(c && canon_url(c, &c2) == 0 && strcmp(c, c2) == 0, "and is a fixed point");
		ok(canon_host(in[i], &h) == 0 && strcmp(h, "example.com") == 0,
		   "its publisher host has none either");
		free(c);
		free(c2);
		free(h);
	}
}

/* A thread's members are in time order until a story older than its
 * newest arrives late (mem_sorted then clears); a story leaving it took
 * the last member's time as the thread's newest all the same, so the
 * thread's last_updated fell behind the stories it still held.  Found by
 * fuzz_ingest's thread oracle (an update after a late story). */
static void detach_unsorted(void)
{
	static const char *title = "Flooding closes the harbour bridge in Zurich";
	static const char *text = "The harbour bridge in Zurich stays closed after the flooding, "
	                          "the city said on Tuesday.";
	struct cluster_params p;
	struct clusterer *c;
	struct cluster_doc d = { .title = title, .text = text, .lang = "en", .source = "a.example" };
	struct cluster_result r;
	int64_t times[] = { T0, T0 + 3 * 3600, T0 + 3600 };   /* the third one late */

	cluster_params_default(&p);
	c = cluster_new(&p, 1);
	for (int i = 0; i < 3; i++) {
		d.story_id = i + 1;
		d.time = times[i];
		ok(cluster_add(c, &d, &r) == 0 && r.thread_id == 1, "one story of the event");
	}
	is_int(r.last_updated, T0 + 3 * 3600, "the thread's newest is the second story");
	d.story_id = 1;
	d.time = T0;
	ok(cluster_update(c, &d, &r) == 0 && r.thread_id == 1, "the first story, updated, stays");
	is_int(r.last_updated, T0 + 3 * 3600, "and the thread's newest is still the second story");
	cluster_free(c);
}

/* ---- the pipeline into a real database ---------------------------------- */

static char dbdir[] = "/tmp/tidings-test-fuzz-found-XXXXXX";
static char dbpath[300];

struct pipe {
	struct config cfg;
	struct store *st;
	struct ingest *in;
};

static int pipe_open(struct pipe *p)
{
	static char *urls[] = { "http://one.example/rss", "http://two.example/rss" };
	struct feedlist_item items[2] = { { .url = urls[0] }, { .url = urls[1] } };
	struct feedlist fl = { items, 2 };
	char err[256];

	memset(p, 0, sizeof *p);
	config_defaults(&p->cfg);
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dbdir);
	return store_open(dbpath, STORE_WRITE, &p->st, err, sizeof err) < 0 ||
	       store_sync_feeds(p->st, &fl, T0) < 0 ||
	       ingest_new(p->st, &p->cfg, &p->in) < 0 ? -1 : 0;
}

static void pipe_close(struct pipe *p)
{
	ingest_free(p->in);
	store_close(p->st);
	config_free(&p->cfg);
	/* Its -wal and -shm too: the store keeps them when it closes (for
	 * readers, SQLITE_FCNTL_PERSIST_WAL).  Left there, the next
	 * pipe_open() met the old database's files beside its new one, and
	 * rmdir() at the end failed: every run left a directory in /tmp. */
	for (int i = 0; i < 3; i++) {
		char f[320];

		snprintf(f, sizeof f, "%s%s", dbpath, (const char *[]){ "", "-wal", "-shm" }[i]);
		unlink(f);
	}
}

/* One RSS document through parse, ingest and commit. */
static int pipe_feed(struct pipe *p, int64_t feed_id, const char *xml, int64_t now)
{
	struct feed *f = NULL;
	struct ingest_stats stats;
	char err[256];
	int rc = -1;

	if (feed_parse(xml, strlen(xml), NULL, &f, err, sizeof err) < 0)
		return -1;
	if (store_begin(p->st) == 0) {
		rc = ingest_feed(p->in, feed_id, "http://one.example/rss", f, NULL, now, &stats);
		if (rc == 0)
			rc = store_commit(p->st);
		else
			store_rollback(p->st);
	}
	feed_free(f);
	return rc;
}

static char *query_rows(const char *sql)
{
	sqlite3 *db;
	char *out;

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    !(out = oracle_rows(db, sql)))
		abort();
	sqlite3_close(db);
	return out;
}

/* The live threads' rows say what their stories say (docs/schema.md; the
 * integration tests' thread_rows() == thread_truth()). */
static void threads_true(const char *name)
{
	char *truth = query_rows(ORACLE_TRUTH_SQL);
	char *rows = query_rows(ORACLE_ROWS_SQL);

	is_str(rows, truth, name);
	free(truth);
	free(rows);
}

static char *rss_item_at(const char *host, const char *guid, const char *title, const char *date)
{
	char *x = NULL;

	if (asprintf(&x, "<rss version=\"2.0\"><channel><title>t</title><link>http://one.example/</link>"
	             "<item><guid>%s</guid><title>%s</title><link>http://%s/%s</link>%s%s%s"
	             "</item></channel></rss>", guid, title, host, guid,
	             date ? "<pubDate>" : "", date ? date : "", date ? "</pubDate>" : "") < 0)
		abort();
	return x;
}

static char *rss_item(const char *guid, const char *title, const char *date)
{
	return rss_item_at("one.example", guid, title, date);
}

/* An undated item that changes: its story keeps its event_time (when it
 * was first seen), and so must its thread; the clusterer was given the
 * time of the change instead, and wrote it into the thread's first_seen
 * and last_updated.  Found by fuzz_ingest's thread oracle. */
static void undated_update(void)
{
	struct pipe p;
	char *a = rss_item("x", "Flooding closes the harbour bridge in Zurich", NULL);
	char *b = rss_item("x", "Elections in Norway end with a narrow result", NULL);

	ok(pipe_open(&p) == 0, "pipeline open");
	ok(pipe_feed(&p, 1, a, T0) == 0, "an undated item");
	ok(pipe_feed(&p, 1, b, T0 + 3600) == 0, "changed an hour later");
	threads_true("its thread's times are its story's");
	pipe_close(&p);
	free(a);
	free(b);
}

/* An item whose thread has left the clustering window changes: the
 * clusterer no longer knows the story and places it as a new one, in
 * another thread, without naming the thread it left; the old thread's
 * row went on counting it.  Found by fuzz_ingest's thread oracle. */
static void update_after_window(void)
{
	struct pipe p;
	char *a = rss_item("x", "Flooding closes the harbour bridge in Zurich",
	                   "Tue, 14 Nov 2023 22:13:20 GMT");                  /* T0 */
	char *z = rss_item("z", "Volcano erupts near Reykjavik after weeks of quakes",
	                   "Sat, 18 Nov 2023 22:13:20 GMT");                  /* T0 + 4 d */
	char *b = rss_item("x", "Elections in Norway end with a narrow result",
	                   "Tue, 14 Nov 2023 22:13:20 GMT");

	ok(pipe_open(&p) == 0, "pipeline open");
	ok(pipe_feed(&p, 1, a, T0) == 0, "an item");
	ok(pipe_feed(&p, 2, z, T0 + 4 * 86400) == 0, "four days later another (its thread leaves memory)");
	ok(pipe_feed(&p, 1, b, T0 + 4 * 86400 + 60) == 0, "then the first item changes");
	threads_true("the thread it left counts it no more");
	pipe_close(&p);
	free(a);
	free(z);
	free(b);
}

/* An item whose link moves to another publisher's host as it changes:
 * the update keeps the story's stored host, but the clusterer was given
 * the new one and counted two sources for a thread of one story.  Found
 * by fuzz_ingest's thread oracle (a channel link that became invalid). */
static void update_new_host(void)
{
	struct pipe p;
	char *a = rss_item_at("a.example", "x", "Flooding closes the harbour bridge in Zurich",
	                      "Tue, 14 Nov 2023 22:13:20 GMT");
	char *b = rss_item_at("b.example", "x", "Elections in Norway end with a narrow result",
	                      "Tue, 14 Nov 2023 22:13:20 GMT");

	ok(pipe_open(&p) == 0, "pipeline open");
	ok(pipe_feed(&p, 1, a, T0) == 0, "an item");
	ok(pipe_feed(&p, 1, b, T0 + 60) == 0, "changed, with a link on another host");
	threads_true("its thread counts the story's one stored host");
	pipe_close(&p);
	free(a);
	free(b);
}

/* A host that is a number once its trailing dots are gone ("7..") is an
 * IPv4 address to libcurl the next time ("0.0.0.7"): the canonical form
 * of the first call was not a fixed point.  Found by fuzz_text. */
static void canon_dots_to_address(void)
{
	char *c = NULL, *c2 = NULL;

	ok(canon_url("http:/7..?8exa[ple.com/%", &c) == 0, "a host of a number and dots");
	ok(c && canon_url(c, &c2) == 0, "its canonical form is canonical");
	is_str(c2, c, "and a fixed point");
	free(c);
	free(c2);
}

/* A host holding a '%' that libcurl could not decode ("%%d44") decoded
 * one level further at each parse, so canon_url() had no fixed point: such
 * a host is no host name, and the URL is refused.  Found by fuzz_text. */
static void canon_percent_host(void)
{
	char *c = NULL, *h = NULL;

	ok(canon_url("http://example.4%%d44/a", &c) < 0 && !c, "a host with an undecodable '%' is refused");
	ok(canon_host("http://example.4%%d44/a", &h) < 0 && !h, "by canon_host too");
	ok(canon_url("http://ex%61mple.com/a", &c) == 0, "a percent-encoded letter is still taken");
	free(c);
	ok(canon_url("http://a%2Fb/x", &c) < 0 && !c, "a host with a decoded '/' is refused");
	ok(canon_url("http:///%34#5", &c) == 0 && canon_url(c, &h) == 0 && strcmp(c, h) == 0,
	   "a host that decodes to a number is canonical at once");
	is_str(c, "http://0.0.0.4/", "as the IPv4 address libcurl reads");
	free(c);
	free(h);
}

/* A late copy of a story whose thread has left the clusterer's memory
 * revives that thread; the clusterer then knows the copy alone and was
 * given the stored counts and first time, but not the stored last one:
 * the row's last_updated fell back to the copy's time, older than the
 * thread's newest story.  Found by fuzz_ingest's thread oracle. */
static void late_copy_keeps_last(void)
{
	static const char *text =
		"<description>The harbour bridge in Zurich stays closed after the flooding of the "
		"old town, the city said on Tuesday; ferries replace the trams until the water "
		"falls and engineers have checked the piers.</description>";
	struct pipe p;
	char *a = NULL, *b = NULL, *c = NULL;
	char *w = NULL;

	if (asprintf(&w, "<rss version=\"2.0\"><channel><title>t</title><link>http://two.example/</link>"
	             "<item><guid>w</guid><title>Storm warning for the Baltic coast</title>"
	             "<link>http://two.example/w</link><pubDate>Tue, 14 Nov 2023 21:13:20 GMT</pubDate>"
	             "<description>Gales of up to ninety kilometres an hour are expected on the Baltic "
	             "coast tonight, and the weather service warns of flooding in Kiel and Rostock."
	             "</description></item></channel></rss>") < 0 ||                /* T0 - 1 h */
	    asprintf(&a, "<rss version=\"2.0\"><channel><title>t</title><link>http://one.example/</link>"
	             "<item><guid>a</guid><title>Flooding closes the harbour bridge in Zurich</title>"
	             "<link>http://one.example/a</link><pubDate>Thu, 05 Sep 2002 12:14:00 GMT</pubDate>%s</item>"
	             "<item><guid>b</guid><title>Zurich harbour bridge closed by flooding</title>"
	             "<link>http://one.example/b</link><pubDate>Thu, 05 Sep 2002 12:15:00 GMT</pubDate>%s</item>"
	             "<item><guid>z</guid><title>Volcano erupts near Reykjavik after weeks of quakes</title>"
	             "<link>http://one.example/z</link><pubDate>Wed, 15 Nov 2023 04:13:20 GMT</pubDate>"
	             "</item></channel></rss>", text, text) < 0 ||
	    asprintf(&b, "<rss version=\"2.0\"><channel><title>t</title><link>http://two.example/</link>"
	             "<item><guid>a2</guid><title>Flooding closes the harbour bridge in Zurich</title>"
	             "<link>http://two.example/a</link><pubDate>Thu, 05 Sep 2002 12:14:00 GMT</pubDate>%s</item>"
	             "</channel></rss>", text) < 0 ||
	    asprintf(&c, "<rss version=\"2.0\"><channel><title>t</title><link>http://one.example/</link>"
	             "<item><guid>b</guid><title>Flooding closes the harbour bridge in Zurich</title>"
	             "<link>http://one.example/b</link><pubDate>Thu, 05 Sep 2002 12:15:00 GMT</pubDate>"
	             "<description>Zurich: the harbour bridge is closed. Flooding of the old town "
	             "stopped the trams; ferries run instead.</description></item></channel></rss>") < 0)
		abort();
	ok(pipe_open(&p) == 0, "pipeline open");
	/* A story of today stored first keeps those of 2002 in the
	 * near-duplicate index, which forgets in the order it was given
	 * stories (simhash.h); the clusterer forgets their thread. */
	ok(pipe_feed(&p, 2, w, T0) == 0, "a report of today");
	ok(pipe_feed(&p, 1, a, T0 + 6 * 3600) == 0,
	   "two reports of 2002, and one six hours later (the clusterer's expiry pass runs)");
	ok(pipe_feed(&p, 2, b, T0 + 6 * 3600 + 60) == 0, "then another publisher's copy of the older report");
	threads_true("the thread's last_updated is still its newest story's");
	/* Days later the second report is rewritten (headline and text): the
	 * clusterer had forgotten it, placed it as a new story, and it joined
	 * its own thread, which the copy had brought back, again: the row
	 * counted it twice.  Found by fuzz_ingest's thread oracle too. */
	ok(pipe_feed(&p, 1, c, T0 + 4 * 86400) == 0, "the second report rewritten days later");
	threads_true("its thread counts it once");
	pipe_close(&p);
	free(w);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	if (!mkdtemp(dbdir))
		return 1;
	undated_update();
	update_after_window();
	update_new_host();
	late_copy_keeps_last();
	canon_trailing_dots();
	canon_dots_to_address();
	canon_percent_host();
	restore_empty_story();
	update_past_window();
	detach_unsorted();
	rmdir(dbdir);
	return done_testing();
}
