/* tests/unit/test_feed_safety.c — hostile documents: external entities
 * read nothing, entity bombs (deep and wide) stop fast in bounded memory
 * and are reported as bozo, absurd nesting is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "feeds/feed.h"
#include "tests/unit/tap.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static struct feed *parse(const char *path, double *secs)
{
	struct feed *f = NULL;
	char err[256];
	size_t len;
	char *buf = tap_slurp(path, &len);
	double t0;

	if (!buf)
		return NULL;
	t0 = now();
	feed_parse(buf, len, NULL, &f, err, sizeof err);
	*secs = now() - t0;
	free(buf);
	return f;
}

static int mentions_passwd(const char *s)
{
	return s && (strstr(s, "root:") || strstr(s, "/bin/"));
}

int main(void)
{
	struct feed *f;
	double secs;
	long rss0 = maxrss_kb();

	f = parse("tests/data/feeds/xxe.xml", &secs);
	ok(f != NULL, "xxe: parsed");
	if (f) {
		is_str(f->title.value, "before  after", "xxe: external entity expands to nothing");
		ok(f->n_entries == 1 && !mentions_passwd(f->entries[0].text) &&
		   !mentions_passwd(f->entries[0].html), "xxe: nothing of /etc/passwd in the entry");
		is_int(f->bozo, 1, "xxe: reported as bozo");
		ok(f->bozo_reason && strstr(f->bozo_reason, "external entity"), "xxe: reason names the entity");
		feed_free(f);
	}

	f = parse("tests/data/feeds/laughs.xml", &secs);
	ok(f != NULL, "billion laughs: still a feed");
	ok(secs < 1.0, "billion laughs: finishes in under a second");
	if (f) {
		is_int(f->bozo, 1, "billion laughs: bozo");
		ok(f->n_entries == 1 && (!f->entries[0].title_text || strlen(f->entries[0].title_text) < 2000000),
		   "billion laughs: not expanded");
		feed_free(f);
	}

	f = parse("tests/data/feeds/wide_laughs.xml", &secs);
	ok(f != NULL, "wide entity bomb: still a feed");
	ok(secs < 1.0, "wide entity bomb: finishes in under a second");
	if (f) {
		is_int(f->bozo, 1, "wide entity bomb: bozo");
		ok(f->bozo_reason && strstr(f->bozo_reason, "expansion"), "wide entity bomb: budget reason");
		is_str(f->entries[0].text, "ok", "wide entity bomb: the rest of the feed survives");
		feed_free(f);
	}
	ok(maxrss_kb() - rss0 < 64 * 1024, "entity bombs: memory stays under 64 MB");

	/* 100000 nested elements: refused as malformed, not a stack overflow */
	{
		size_t n = 100000, len = 0;
		char *doc = malloc(n * 7 + 64), *err = malloc(256);
		struct feed *g = NULL;

		len += (size_t)sprintf(doc, "<rss version=\"2.0\"><channel>");
		for (size_t i = 0; i < n; i++)
			len += (size_t)sprintf(doc + len, "<a>");
		feed_parse(doc, len, NULL, &g, err, 256);
		ok(g == NULL || g->bozo, "deep nesting: refused or bozo");
		feed_free(g);
		free(doc);
		free(err);
	}
	return done_testing();
}
