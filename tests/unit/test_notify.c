/* tests/unit/test_notify.c — the STATUS= line: digit grouping, wording,
 * and store_counts() on a real SQLite file (feeds, failing, stories,
 * threads updated since a time, merged threads left out). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/notify.h"
#include "daemon/store.h"
#include "tap.h"

static char dir[] = "/tmp/tidings-test-notify-XXXXXX";

int main(void)
{
	char buf[128], path[256], err[512];
	struct store_counts c = { 312, 4, 1204, 87 };
	struct feedlist_item items[3] = {
		{ .url = "http://a.example/feed" },
		{ .url = "http://b.example/feed" },
		{ .url = "http://c.example/feed" },
	};
	struct feedlist fl = { items, 3 };
	struct store *st;
	struct store_feed *feeds;
	size_t n = 0;

	notify_group_digits(buf, sizeof buf, 0);
	is_str(buf, "0", "0");
	notify_group_digits(buf, sizeof buf, 999);
	is_str(buf, "999", "three digits: no comma");
	notify_group_digits(buf, sizeof buf, 1000);
	is_str(buf, "1,000", "four digits");
	notify_group_digits(buf, sizeof buf, 1234567);
	is_str(buf, "1,234,567", "seven digits");
	notify_group_digits(buf, sizeof buf, -45678);
	is_str(buf, "-45,678", "negative");

	notify_format_status(buf, sizeof buf, &c);
	is_str(buf, "312 feeds, 4 failing, 1,204 stories, 87 threads today", "the status line");
	c = (struct store_counts){ 1, 0, 1, 1 };
	notify_format_status(buf, sizeof buf, &c);
	is_str(buf, "1 feed, 0 failing, 1 story, 1 thread today", "singulars");

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	ok(store_open(path, STORE_WRITE, &st, err, sizeof err) == 0, "database created");
	ok(store_counts(st, 0, &c) == 0 && c.feeds == 0 && c.stories == 0 &&
	   c.threads_since == 0, "empty database: all zero");
	ok(store_sync_feeds(st, &fl, 1000) == 0, "three feeds");
	ok(store_load_feeds(st, &feeds, &n) == 0 && n == 3, "loaded");
	{
		struct store_poll p = { .feed_id = feeds[1].id, .fetched_at = 1100,
		                        .status = 500, .error = "HTTP 500",
		                        .next_poll = 2000 };
		struct store_story s = { .feed_id = feeds[0].id, .ident = "g:1",
		                         .title = "one", .first_seen = 1100 };
		struct store_thread th = { .first_seen = 1100, .last_updated = 5000,
		                           .story_count = 1, .source_count = 1 };
		int64_t id;

		ok(store_record_poll(st, &p) == 0, "a failed poll recorded");
		ok(store_insert_story(st, &s, &id) == 0, "story 1");
		s.ident = "g:2";
		ok(store_insert_story(st, &s, &id) == 0, "story 2");
		th.id = 1;
		ok(store_put_thread(st, &th) == 0, "thread 1, updated at 5000");
		th.id = 2;
		th.last_updated = 4000;
		ok(store_put_thread(st, &th) == 0, "thread 2, updated at 4000");
		th.id = 3;
		th.last_updated = 6000;
		ok(store_put_thread(st, &th) == 0, "thread 3, updated at 6000");
		ok(store_merge_thread(st, 3, 1) == 0, "thread 3 merged into 1");
	}
	store_feeds_free(feeds, n);
	fl.n = 2;
	ok(store_sync_feeds(st, &fl, 2000) == 0, "feed c dropped from the list");

	ok(store_counts(st, 4500, &c) == 0, "counts");
	is_int(c.feeds, 2, "active feeds only");
	is_int(c.failing, 1, "one failing");
	is_int(c.stories, 2, "two stories");
	is_int(c.threads_since, 1, "threads updated since 4500, merged one left out");
	ok(store_counts(st, 0, &c) == 0 && c.threads_since == 2, "since 0: both live threads");

	store_close(st);
	unlink(path);
	{
		char p2[300];
		snprintf(p2, sizeof p2, "%s-wal", path); unlink(p2);
		snprintf(p2, sizeof p2, "%s-shm", path); unlink(p2);
	}
	rmdir(dir);
	return done_testing();
}
