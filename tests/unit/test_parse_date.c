/* tests/unit/test_parse_date.c — feed_date_parse() reads the two forms
 * nearly every feed writes ("2024-06-01T05:39:00Z", "Sat, 01 Jun 2024
 * 05:39:00 +0000") at fixed places; it must give what the general readers
 * give (feed_date_parse_general, the oracle) for every string: those
 * forms with every field in and out of range, in any case, with other
 * zones, and one byte changed, dropped or put in (a fixed seed: the same
 * strings each run). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "feeds/date.h"
#include "feeds/feed.h"
#include "tests/unit/tap.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static unsigned next(unsigned n)
{
	return (unsigned)(tap_xorshift(&rng) % n);
}

/* a field of two digits: mostly in range, sometimes just out of it */
static unsigned field(unsigned lo, unsigned hi)
{
	switch (next(8)) {
	case 0: return lo ? lo - 1 : 99;
	case 1: return hi + 1;
	case 2: return next(100);
	default: return lo + next(hi - lo + 1);
	}
}

static void random_case(char *s)
{
	for (; *s; s++)
		if (next(4) == 0 && ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))
			*s ^= 0x20;
}

static void make_w3dtf(char *s, size_t cap)
{
	static const char *const zones[] = { "Z", "+00:00", "-05:00", "+05:30", "+14:00", "-23:59",
	                                     "+99:99", "z", "+0000", "UTC", "-00:30" };
	int k = snprintf(s, cap, "%04u-%02u-%02uT%02u:%02u:%02u%s",
	                 next(4) ? 1990 + next(50) : next(10000), field(1, 12), field(1, 31),
	                 field(0, 23), field(0, 59), field(0, 59), zones[next(11)]);

	if (k > 10 && next(4) == 0)
		s[10] = 't';
}

static void make_rfc822(char *s, size_t cap)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Xyz" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	                                      "Aug", "Sep", "Oct", "Nov", "Dec", "Foo" };
	static const char *const zones[] = { "+0000", "GMT", "-0500", "+0530", "+1400", "-2359",
	                                     "+9999", "EST", "UT", "Z", "+00:00", "gmt" };

	snprintf(s, cap, "%s, %02u %s %04u %02u:%02u:%02u %s", days[next(8)], field(1, 31),
	         months[next(13)], next(4) ? 1990 + next(50) : next(10000), field(0, 23),
	         field(0, 59), field(0, 59), zones[next(12)]);
}

/* one byte changed, dropped or put in */
static void damage(char *s, size_t cap)
{
	static const char put[] = "0123456789 :-+,TZtzJan";
	size_t n = strlen(s), at = next((unsigned)n + 1);

	switch (next(3)) {
	case 0:
		if (at < n)
			s[at] = put[next(sizeof put - 1)];
		break;
	case 1:
		if (at < n)
			memmove(s + at, s + at + 1, n - at);
		break;
	default:
		if (n + 1 < cap) {
			memmove(s + at + 1, s + at, n - at + 1);
			s[at] = put[next(sizeof put - 1)];
		}
		break;
	}
}

int main(void)
{
	static const struct { const char *s; int64_t t; } known[] = {
		{ "2024-06-01T05:39:00Z", 1717220340 },
		{ "2024-06-01t05:39:00z", 1717220340 },
		{ "2024-06-01T05:39:00+05:30", 1717220340 - 19800 },
		{ "2024-06-01T05:39:00-05:00", 1717220340 + 18000 },
		{ "Sat, 01 Jun 2024 05:39:00 +0000", 1717220340 },
		{ "sat, 01 JUN 2024 05:39:00 gmt", 1717220340 },
		{ "Sat, 01 Jun 2024 05:39:00 -0130", 1717220340 + 5400 },
		{ "Mon, 30 Feb 2024 05:39:00 +0000", FEED_NO_TIME },
		{ "2024-02-30T05:39:00Z", 1709271540 },   /* the ISO 8601 reader: March 1st */
	};
	size_t bad = 0, n = 0, common = 0;

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		char name[96];

		snprintf(name, sizeof name, "%s", known[i].s);
		is_int(feed_date_parse(known[i].s), known[i].t, name);
	}
	for (int i = 0; i < 200000; i++) {
		char s[96];
		int64_t fast, general;

		if (i % 2)
			make_w3dtf(s, sizeof s);
		else
			make_rfc822(s, sizeof s);
		if (next(3) == 0)
			random_case(s);
		if (next(3) == 0)
			damage(s, sizeof s);
		fast = feed_date_parse(s);
		general = feed_date_parse_general(s);
		n++;
		common += fast != FEED_NO_TIME;
		if (fast != general && ++bad <= 5)
			printf("# '%s': %lld vs %lld\n", s, (long long)fast, (long long)general);
	}
	printf("# %zu strings, %zu read to an instant\n", n, common);
	ok(bad == 0 && common > n / 4, "feed_date_parse == the general readers on 200,000 strings");
	return done_testing();
}
