/* tests/unit/test_headix.c — recent stories by publisher and headline
 * (daemon/headix.h): which headlines are one, the span, reused headlines,
 * texts of their own, the table's growth and expiry. */
#include <stdlib.h>
#include <string.h>

#include "daemon/headix.h"
#include "daemon/simhash.h"
#include "tests/unit/tap.h"

#define T0 1790000000LL
#define FERRY "Harbour council approves new ferry terminal for Port Ellen"
#define HOST "islay-times.example"

static uint64_t key(const char *host, const char *title)
{
	return headix_key(host, title, NULL);
}

static void test_key(void)
{
	uint64_t bag = 1, k = headix_key(HOST, FERRY, &bag);
	struct simhash_info si;
	simhash_text(FERRY, strlen(FERRY), &si);
	ok(k != 0, "a distinctive headline has a key");
	ok(bag == si.fp.bag, "and its SimHash bag is given");
	ok(key(HOST, "Harbour Council Approves New Ferry Terminal For Port Ellen") == k, "case does not matter");
	ok(key(HOST, "  Harbour council approves new ferry-terminal for Port Ellen!") == k,
	   "nor punctuation, dashes and spacing");
	ok(key(HOST, "Harbour council approves new ferry terminal \xe2\x80\x94 for Port Ellen") == k,
	   "nor a dash in UTF-8");
	ok(key("courier.example", FERRY) != k, "another publisher is another key");
	ok(key(HOST, "Harbour council rejects new ferry terminal for Port Ellen") != k,
	   "another word is another headline");
	is_int(headix_key("wire.example", "Business Highlights", &bag), 0, "a plain headline has none");
	is_int(bag, 0, "nor a bag");
	is_int(key("wire.example", "Today in History: Nov. 28"), 0, "nor a recurring one");
	is_int(key(NULL, FERRY), 0, "no publisher: none");
	is_int(key("", FERRY), 0, "an empty one: none");
	is_int(key(HOST, NULL), 0, "no headline: none");
	is_int(headix_text(42, 42, 0), 0, "a story whose fingerprint is its headline's has no text of its own");
	is_int(headix_text(43, 42, 0), 43, "else its text is its fingerprint's bag");
	is_int(headix_text(43, 42, 1), 0, "unless it came through an aggregator: the text is the aggregator's");
	ok(headix_via_aggregator("https://news.agg.example/rss/articles/x?oc=5", "reuters.com"),
	   "a link into the aggregator, a publisher elsewhere: through an aggregator");
	ok(!headix_via_aggregator("https://www.reuters.com/world/x", "reuters.com"), "the publisher's own link: not");
	ok(!headix_via_aggregator("https://reuters.com/world/x", "reuters.com"), "without www: not");
	ok(!headix_via_aggregator("https://user@WWW.Reuters.com:443/x", "reuters.com"),
	   "user info, case and port aside: not");
	ok(headix_via_aggregator("https://notreuters.com/x", "reuters.com"), "a host that only ends alike: through");
	ok(headix_via_aggregator("https://agg.example/?u=https://www.reuters.com/x", "reuters.com"),
	   "the publisher's address in the query: through");
	ok(!headix_via_aggregator(NULL, "reuters.com") && !headix_via_aggregator("https://x.example/", NULL),
	   "no link or no host: not");
}

static void test_span(void)
{
	struct headix *ix = headix_new(72 * 3600);
	uint64_t k = key(HOST, FERRY);
	ok(ix && headix_put(ix, k, 10, T0, 0) == 0 && headix_put(ix, k, 11, T0 + 48 * 3600, 0) == 0,
	   "a headline reused two days later: two stories");
	is_int(headix_get(ix, k, T0 + 1200, 0), 10, "twenty minutes on: the first");
	is_int(headix_get(ix, k, T0 - 3600, 0), 10, "an hour before (an aggregator's clock): the first");
	is_int(headix_get(ix, k, T0 + 47 * 3600, 0), 11, "a day and a bit on: the reuse, the closer");
	is_int(headix_get(ix, k, T0 + 24 * 3600, 0), 0, "a day on: neither (12 h at most)");
	is_int(headix_get(ix, k + 1, T0, 0), 0, "another key: nothing");
	is_int(headix_get(ix, 0, T0, 0), 0, "no key: nothing");
	ok(headix_put(ix, 0, 12, T0, 0) == 0 && headix_count(ix) == 2, "no key is not remembered");
	headix_free(ix);
}

/* An aggregator's item has no text of its own, so it is the article of
 * the publisher's item under that headline; two items that both have
 * texts are one article only when the texts are copies. */
static void test_texts(void)
{
	struct headix *ix = headix_new(72 * 3600);
	uint64_t k = key(HOST, FERRY), lead = 0x0123456789abcdefull;
	ok(headix_put(ix, k, 20, T0, lead) == 0, "the publisher's item, with its lead");
	is_int(headix_get(ix, k, T0 + 600, 0), 20, "the aggregator's item, without text, is it");
	is_int(headix_get(ix, k, T0 + 600, lead ^ 0x5), 20, "an item whose text is a copy (2 bits off) is it");
	is_int(headix_get(ix, k, T0 + 600, ~lead), 0, "an item with another text of its own is not");
	ok(headix_put(ix, k, 21, T0 + 60, 0) == 0, "an aggregator's item stored first");
	is_int(headix_get(ix, k, T0 + 600, ~lead), 21, "a publisher's item is that one");
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
		fail += headix_put(ix, k, i + 1, t, 0) < 0;
		if (i >= 10 && headix_get(ix, 0x9e3779b97f4a7c15ull * (uint64_t)(i - 9) | 1, t, 0) != i - 9)
			lost++;
	}
	is_int(fail, 0, "200,000 stories remembered");
	is_int(lost, 0, "each found ten stories later");
	ok(headix_count(ix) < 4 * 3600, "the table holds about the window, not the history");
	ok(headix_memory(ix) < 8 * 3600 * 32 + 4096, "and its memory with it");
	headix_free(ix);
}

int main(void)
{
	test_key();
	test_span();
	test_texts();
	test_growth();
	return done_testing();
}
