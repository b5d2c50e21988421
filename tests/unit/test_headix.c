/* tests/unit/test_headix.c — recent stories by publisher and headline
 * (daemon/headix.h): which headlines are one, the span, reused headlines,
 * the table's growth and expiry. */
#include <stdlib.h>

#include "daemon/headix.h"
#include "tests/unit/tap.h"

#define T0 1790000000LL
#define FERRY "Harbour council approves new ferry terminal for Port Ellen"

static void test_key(void)
{
	uint64_t k = headix_key("islay-times.example", FERRY);
	ok(k != 0, "a distinctive headline has a key");
	ok(headix_key("islay-times.example", "Harbour Council Approves New Ferry Terminal For Port Ellen") == k,
	   "case does not matter");
	ok(headix_key("islay-times.example", "  Harbour council approves new ferry-terminal for Port Ellen!") == k,
	   "nor punctuation, dashes and spacing");
	ok(headix_key("islay-times.example", "Harbour council approves new ferry terminal \xe2\x80\x94 for Port Ellen") == k,
	   "nor a dash in UTF-8");
	ok(headix_key("courier.example", FERRY) != k, "another publisher is another key");
	ok(headix_key("islay-times.example", "Harbour council rejects new ferry terminal for Port Ellen") != k,
	   "another word is another headline");
	is_int(headix_key("wire.example", "Business Highlights"), 0, "a plain headline has none");
	is_int(headix_key("wire.example", "Today in History: Nov. 28"), 0, "nor a recurring one");
	is_int(headix_key(NULL, FERRY), 0, "no publisher: none");
	is_int(headix_key("", FERRY), 0, "an empty one: none");
	is_int(headix_key("islay-times.example", NULL), 0, "no headline: none");
}

static void test_span(void)
{
	struct headix *ix = headix_new(72 * 3600);
	uint64_t k = headix_key("islay-times.example", FERRY);
	ok(ix && headix_put(ix, k, 10, T0) == 0 && headix_put(ix, k, 11, T0 + 48 * 3600) == 0,
	   "a headline reused two days later: two stories");
	is_int(headix_get(ix, k, T0 + 1200), 10, "twenty minutes on: the first");
	is_int(headix_get(ix, k, T0 - 3600), 10, "an hour before (an aggregator's clock): the first");
	is_int(headix_get(ix, k, T0 + 47 * 3600), 11, "a day and a bit on: the reuse, the closer");
	is_int(headix_get(ix, k, T0 + 24 * 3600), 0, "a day on: neither (12 h at most)");
	is_int(headix_get(ix, k + 1, T0), 0, "another key: nothing");
	is_int(headix_get(ix, 0, T0), 0, "no key: nothing");
	ok(headix_put(ix, 0, 12, T0) == 0 && headix_count(ix) == 2, "no key is not remembered");
	headix_free(ix);
}

/* Many stories over many windows: the table keeps the window's only. */
static void test_growth(void)
{
	struct headix *ix = headix_new(3600);
	int fail = 0, lost = 0;
	for (int i = 0; i < 200000; i++) {
		uint64_t k = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1) | 1;
		int64_t t = T0 + i; /* one story a second, 3,600 in the window */
		fail += headix_put(ix, k, i + 1, t) < 0;
		if (i >= 10 && headix_get(ix, 0x9e3779b97f4a7c15ull * (uint64_t)(i - 9) | 1, t) != i - 9)
			lost++;
	}
	is_int(fail, 0, "200,000 stories remembered");
	is_int(lost, 0, "each found ten stories later");
	ok(headix_count(ix) < 4 * 3600, "the table holds about the window, not the history");
	ok(headix_memory(ix) < 8 * 3600 * 24 + 4096, "and its memory with it");
	headix_free(ix);
}

int main(void)
{
	test_key();
	test_span();
	test_growth();
	return done_testing();
}
