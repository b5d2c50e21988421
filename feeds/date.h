/* feeds/date.h — feed dates to Unix seconds UTC.  The forms and their
 * order follow the Universal Feed Parser: W3C-DTF/RFC 3339 (and MSSQL
 * style with a space), RFC 822/1123 and their corruptions, ISO 8601
 * reduced and ordinal forms, asctime, Perforce, and the Greek, Hungarian
 * and Korean (OnBlog, Nate) forms seen in the wild. */
#ifndef TIDINGS_DATE_H
#define TIDINGS_DATE_H

#include <stdint.h>

/* Returns Unix seconds UTC, or FEED_NO_TIME (see feeds/feed.h) when the
 * string is empty, unreadable or out of the years 1..9999. */
int64_t feed_date_parse(const char *s);

/* The same without the fast path for the two common forms: the readers
 * in turn (the tests' oracle). */
int64_t feed_date_parse_general(const char *s);

/* The single forms, for tests; same return convention. */
int64_t feed_date_w3dtf(const char *s);
int64_t feed_date_rfc822(const char *s);
int64_t feed_date_iso8601(const char *s);

/* Civil time of t (UTC) as feedparser's struct_time:
 * Y, M, D, h, m, s, weekday (Monday 0), day of year (1-based). */
void feed_date_civil(int64_t t, int out[8]);

#endif
