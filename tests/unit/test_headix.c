/* tests/unit/test_headix.c — recent stories by publisher and headline
 * (daemon/headix.h): which headlines are one, which items came through an
 * aggregator, the span, reused headlines, texts of their own, plain
 * headlines, the table's growth and expiry. */
#include <stdlib.h>
#include <string.h>

#include "daemon/headix.h"
#include "daemon/simhash.h"
#include "tests/unit/tap.h"

#define T0 1790000000LL
#define FERRY "Harbour council approves new ferry terminal for Port Ellen"
#define HOST "islay-times.example"
#define OWN "https://www.islay-times.example/news/ferry"
#define AGG "https://news.agg.example/rss/articles/ferry"

static struct headix_item item(const char *host, const char *title, const char *link, uint64_t bag)
{
	struct headix_item it;
	struct headix_headline h;
	headix_headline(&h, title, NULL);
	headix_item(&it, host, &h, headix_via_aggregator(link, host), bag);
	return it;
}

static uint64_t key(const char *host, const char *title)
{
	return item(host, title, OWN, 0).key;
}

static uint64_t bag_of(const char *s)
{
	struct simhash_info si;
	simhash_text(s, strlen(s), &si);
	return si.fp.bag;
}

static void test_item(void)
{
	uint64_t k = key(HOST, FERRY);
	ok(k != 0, "a headline has a key");
	ok(key(HOST, "Harbour Council Approves New Ferry Terminal For Port Ellen") == k, "case does not matter");
	ok(key(HOST, "  Harbour council approves new ferry-terminal for Port Ellen!") == k,
	   "nor punctuation, dashes and spacing");
	ok(key(HOST, "Harbour council approves new ferry terminal \xe2\x80\x94 for Port Ellen") == k,
	   "nor a dash in UTF-8");
	/* One headline in other Unicode forms: NFD ("u" and U+0308, as a
	 * Mac writes it), a no-break space before a French colon (U+00A0,
	 * U+202F), guillemets, full-width letters, another case beyond
	 * ASCII, a zero-width space, the apostrophe U+02BC. */
	uint64_t z = key(HOST, "Z\xc3\xbcrich council approves \xc3\x9c" "ber tax plan");
	ok(z && key(HOST, "Zu\xcc\x88rich council approves U\xcc\x88" "ber tax plan") == z,
	   "NFD is NFC");
	ok(key(HOST, "Z\xc3\xbcrich Council Approves \xc3\xbc" "ber Tax Plan") == z,
	   "case does not matter beyond ASCII either");
	ok(key(HOST, "\xef\xbc\xa6\xef\xbd\x85\xef\xbd\x84 raises rates by a quarter point") ==
	   key(HOST, "Fed raises rates by a quarter point"), "full-width letters are ASCII ones");
	uint64_t m = key(HOST, "Municipales : la gauche l\xe2\x80\x99" "emporte \xc3\xa0 Marseille");
	ok(m && key(HOST, "Municipales\xc2\xa0: la gauche l\xe2\x80\x99" "emporte \xc3\xa0 Marseille") == m &&
	   key(HOST, "Municipales\xe2\x80\xaf: la gauche l'emporte \xc3\xa0 Marseille") == m &&
	   key(HOST, "Municipales : la gauche l\xca\xbc" "emporte \xc3\xa0 Marseille") == m,
	   "nor a no-break space or another apostrophe");
	ok(key(HOST, "\xc2\xab Municipales \xc2\xbb : la gauche l'emporte \xc3\xa0 Mar\xe2\x80\x8bseille") == m,
	   "nor guillemets or a zero-width space");
	ok(key(HOST, "Municipales : la gauche l'emporte a Marseille") != m, "an accent is a letter");
	/* Arabic and Hebrew: the tatweel and the vowel marks are no letters,
	 * and a letter's forms are one (daemon/rtl_fold.h), as in the
	 * clusterer's terms; an Arabic letter is still a letter. */
	uint64_t ar = key(HOST, "الرئيس المصري يصل إلى موسكو لبحث صفقة القمح");
	ok(ar && key(HOST, "الرئيـــس المصـري يصل إلى موسكـو لبحث صفقة القمـح") == ar,
	   "nor a tatweel");
	ok(key(HOST, "الرَّئِيسُ المِصْرِيُّ يَصِلُ إِلَى مُوسْكُو لِبَحْثِ صَفْقَةِ القَمْحِ") == ar,
	   "nor the Arabic vowel marks");
	ok(key(HOST, "الرئيس المصري يصل الى موسكو لبحث صفقه القمح") == ar,
	   "nor the hamza on an alef, nor teh marbuta for heh");
	ok(key(HOST, "الرئيس المصري يصل إلى موسكو لبحث صفقة الأرز") != ar, "another Arabic word is not");
	ok(key(HOST, "مذاکرات ایران و آمریکا در مسقط") == key(HOST, "مذاكرات ايران و امريكا در مسقط"),
	   "Persian yeh and kaf are the Arabic ones");
	ok(key(HOST, "שָׁלוֹם עַכְשָׁיו מפגינים בירושלים") == key(HOST, "שלום עכשיו מפגינים בירושלים"),
	   "nor Hebrew points");
	ok(key("courier.example", FERRY) != k, "another publisher is another key");
	ok(key(HOST, "Harbour council rejects new ferry terminal for Port Ellen") != k,
	   "another word is another headline");
	struct headix_item two = item("wire.example", "Business Highlights", OWN, 0);
	ok(two.key && two.short_headline, "a headline of two words has a key, marked short");
	is_int(key(NULL, FERRY), 0, "no publisher: none");
	is_int(key("", FERRY), 0, "an empty one: none");
	is_int(key(HOST, NULL), 0, "no headline: none");
	struct headix_item p = item("businessinsider.com", "10 Things You Need To Know This Morning", OWN, 0);
	ok(p.key && p.plain, "a recurring headline has a key and is plain");
	ok(!item(HOST, FERRY, OWN, 0).plain, "a distinctive one is not");
	struct headix_headline h;
	headix_headline(&h, FERRY, NULL);
	ok(h.hash && h.fp.bag == bag_of(FERRY) && !h.plain, "the headline's pass: its words' hash and its bag");
	headix_headline(&h, NULL, NULL);
	ok(!h.hash && h.plain, "no headline: no hash");
	/* Plain by the stop words of the story's language too (simhash_text_lang);
	 * the hash and fingerprints are the headline's alone. */
	struct headix_headline hr;
	const char *ru = "Что известно о том, что произошло с пожаром";
	headix_headline(&h, ru, NULL);
	headix_headline(&hr, ru, "ru-RU");
	ok(!h.plain && hr.plain, "a Russian headline of function words: plain when tagged ru");
	ok(h.hash == hr.hash && h.series == hr.series && !memcmp(&h.fp, &hr.fp, sizeof h.fp),
	   "... with the same hash and fingerprints");
	headix_headline(&hr, FERRY, "ru");
	ok(!hr.plain, "an English headline in a feed tagged ru stays distinctive");

	uint64_t lead = bag_of("Argyll and Bute council approved plans for a new ferry terminal at Port "
	                       "Ellen on Tuesday, ending a five-year wait for islanders.");
	is_int(item(HOST, FERRY, OWN, bag_of(FERRY)).text, 0,
	       "a story fingerprinted by its headline has no text of its own");
	ok(item(HOST, FERRY, OWN, lead).text == lead, "a story with a lead has it");
	struct headix_item a = item(HOST, FERRY, AGG, lead);
	ok(a.via_aggregator && a.text == 0, "an item through an aggregator: the text is the aggregator's");

	ok(item("reuters.com", FERRY, "https://news.agg.example/x?oc=5", 0).via_aggregator,
	   "a link into the aggregator, a publisher elsewhere: through an aggregator");
	ok(!item("reuters.com", FERRY, "https://www.reuters.com/world/x", 0).via_aggregator,
	   "the publisher's own link: not");
	ok(!item("reuters.com", FERRY, "https://reuters.com/world/x", 0).via_aggregator, "without www: not");
	ok(!item("reuters.com", FERRY, "https://user@WWW.Reuters.com:443/x", 0).via_aggregator,
	   "user info, case and port aside: not");
	ok(item("reuters.com", FERRY, "https://notreuters.com/x", 0).via_aggregator,
	   "a host that only ends alike: through");
	ok(item("reuters.com", FERRY, "https://agg.example/?u=https://www.reuters.com/x", 0).via_aggregator,
	   "the publisher's address in the query: through");
	ok(!item("reuters.com", FERRY, NULL, 0).via_aggregator, "no link: not");
}

static void test_span(void)
{
	struct headix *ix = headix_new(72 * 3600);
	struct headix_item own = item(HOST, FERRY, OWN, 0), agg = item(HOST, FERRY, AGG, 0);
	ok(ix && headix_put(ix, &own, 10, T0) == 0 && headix_put(ix, &own, 11, T0 + 48 * 3600) == 0,
	   "a headline reused two days later: two stories");
	is_int(headix_get(ix, &agg, T0 + 1200), 10, "twenty minutes on: the first");
	is_int(headix_get(ix, &agg, T0 - 3600), 10, "an hour before (an aggregator's clock): the first");
	is_int(headix_get(ix, &agg, T0 + 47 * 3600), 11, "a day and a bit on: the reuse, the closer");
	is_int(headix_get(ix, &agg, T0 + 24 * 3600), 0, "a day on: neither (12 h at most)");
	struct headix_item other = item(HOST, "Harbour council rejects new ferry terminal for Port Ellen", AGG, 0);
	is_int(headix_get(ix, &other, T0), 0, "another headline: nothing");
	struct headix_item none = item(HOST, "Ferry news", AGG, 0), none2 = item(HOST, "Ferry news", OWN, 0);
	ok(headix_put(ix, &none, 12, T0) == 0 && headix_count(ix) == 3 && headix_get(ix, &none, T0) == 0 &&
	   headix_get(ix, &none2, T0) == 0,
	   "a headline of two words: remembered, never found as one article");
	headix_free(ix);
}

/* An aggregator's item has no text of its own, so it is the article of
 * the publisher's item under that headline; two items that both have
 * texts are one article only when the texts are copies. */
static void test_texts(void)
{
	struct headix *ix = headix_new(72 * 3600);
	uint64_t lead = 0x0123456789abcdefull;
	struct headix_item pub = item(HOST, FERRY, OWN, 0), agg = item(HOST, FERRY, AGG, 0);
	pub.text = lead;
	ok(headix_put(ix, &pub, 20, T0) == 0, "the publisher's item, with its lead");
	is_int(headix_get(ix, &agg, T0 + 600), 20, "the aggregator's item, without text, is it");
	struct headix_item copy = pub, other = pub;
	copy.text = lead ^ 0x5;
	other.text = ~lead;
	is_int(headix_get(ix, &copy, T0 + 600), 20, "another feed's item whose text is a copy (2 bits off) is it");
	is_int(headix_get(ix, &other, T0 + 600), 0, "an item with another text of its own is not");
	ok(headix_put(ix, &agg, 21, T0 + 60) == 0, "an aggregator's item stored first");
	is_int(headix_get(ix, &other, T0 + 600), 21, "a publisher's item is that one");
	headix_free(ix);
}

/* A plain headline names one article only with an aggregator's word for
 * it: the aggregator's item and the publisher's, never two of either. */
static void test_plain(void)
{
	struct headix *ix = headix_new(72 * 3600);
	const char *h = "10 Things You Need To Know This Morning", *bi = "businessinsider.com";
	struct headix_item own = item(bi, h, "https://www.businessinsider.com/10-things", 0);
	struct headix_item own2 = item(bi, h, "https://www.businessinsider.com/10-things-2", 0);
	struct headix_item agg = item(bi, h, AGG, 0);
	ok(headix_put(ix, &own, 30, T0) == 0, "the publisher's plain headline");
	is_int(headix_get(ix, &own2, T0 + 600), 0, "another of its items under it: not the same");
	is_int(headix_get(ix, &agg, T0 + 600), 30, "the aggregator's item under it: the same");
	ok(headix_put(ix, &agg, 31, T0 + 600) == 0, "an aggregator's, stored");
	struct headix_item agg2 = agg;
	ok(headix_get(ix, &agg2, T0 + 700) == 30, "a second aggregator's item finds the publisher's, not the first's");
	headix_free(ix);
}

/* Many stories over many windows: the table keeps the window's only, or
 * HEADIX_SPAN's when the window is shorter, the span a lookup reaches (a
 * window of an hour used to lose, at each growth of the table, stories
 * that a lookup 2 hours later finds when the table has not grown). */
static void test_growth(void)
{
	struct headix *ix = headix_new(3600);
	int fail = 0, lost = 0, lost_far = 0;
	struct headix_item it = item(HOST, FERRY, OWN, 0);
	for (int i = 0; i < 200000; i++) {
		int64_t t = T0 + i; /* one story a second, 3,600 in the window */
		it.key = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1) | 1;
		fail += headix_put(ix, &it, i + 1, t) < 0;
		struct headix_item q = it;
		q.key = 0x9e3779b97f4a7c15ull * (uint64_t)(i - 9) | 1;
		q.via_aggregator = 1;
		if (i >= 10 && headix_get(ix, &q, t) != i - 9)
			lost++;
		q.key = 0x9e3779b97f4a7c15ull * (uint64_t)(i - 7199) | 1;
		if (i >= 7200 && headix_get(ix, &q, t) != i - 7199)
			lost_far++;
	}
	is_int(fail, 0, "200,000 stories remembered");
	is_int(lost, 0, "each found ten stories later");
	is_int(lost_far, 0, "and 2 hours later, past the window of an hour");
	ok(headix_count(ix) < 4 * HEADIX_SPAN, "the table holds about the span, not the history");
	ok(headix_memory(ix) < 8 * HEADIX_SPAN * 40 + 4096, "and its memory with it");
	headix_free(ix);
}

/* One site, one headline on thousands of items ("Letters to the
 * Editor", or a server sending 10,000 under one): the key keeps its
 * newest HEADIX_SAME_MAX stories, so that a put or a get walks those, not
 * every story of the window; the closest in time is still found. */
static void test_reused_headline(void)
{
	struct headix *ix = headix_new(72 * 3600);
	struct headix_item own = item(HOST, FERRY, OWN, 0), agg = item(HOST, FERRY, AGG, 0);
	int fail = 0;
	for (int i = 0; i < 20000; i++)
		fail += headix_put(ix, &own, i + 1, T0 + i) < 0;
	is_int(fail, 0, "20,000 stories under one headline");
	is_int(headix_count(ix), HEADIX_SAME_MAX, "the headline keeps its newest HEADIX_SAME_MAX");
	is_int(headix_get(ix, &agg, T0 + 19990), 19991, "the closest in time is found");
	is_int(headix_get(ix, &agg, T0 + 30000), 20000, "and after them, the newest");
	ok(headix_put(ix, &own, 30000, T0 - 10) == 0 && headix_count(ix) == HEADIX_SAME_MAX &&
	   headix_get(ix, &agg, T0 + 19990) == 19991, "an older one than all kept changes nothing");
	struct headix_item other = item(HOST, "Harbour council rejects new ferry terminal for Port Ellen", OWN, 0);
	struct headix_item other_agg = item(HOST, "Harbour council rejects new ferry terminal for Port Ellen", AGG, 0);
	ok(headix_put(ix, &other, 40000, T0 + 5) == 0 && headix_get(ix, &other_agg, T0) == 40000,
	   "another headline of the site is remembered beside them");
	headix_free(ix);
}

/* A story whose feed edits its headline is known by the one it has now
 * (headix_forget): its first headline leads nowhere, another story's
 * under it still does, and a headline edited back and forth takes no
 * more room. */
static void test_forget(void)
{
	struct headix *ix = headix_new(72 * 3600);
	const char *live = "LIVE: Harbour council votes on the ferry terminal";
	struct headix_item first = item(HOST, live, OWN, 0), first_agg = item(HOST, live, AGG, 0);
	struct headix_item edited = item(HOST, FERRY, OWN, 0), edited_agg = item(HOST, FERRY, AGG, 0);
	ok(ix && headix_put(ix, &first, 1, T0) == 0 && headix_put(ix, &first, 2, T0 + 60) == 0,
	   "two stories under one headline");
	headix_forget(ix, &first, 1);
	ok(headix_put(ix, &edited, 1, T0) == 0 && headix_get(ix, &edited_agg, T0) == 1,
	   "the edited headline finds the story");
	is_int(headix_get(ix, &first_agg, T0), 2, "its first headline finds the other story only");
	size_t n = headix_count(ix);
	int fail = 0;
	for (int i = 0; i < 1000; i++) {
		headix_forget(ix, i % 2 ? &first : &edited, 1);
		fail += headix_put(ix, i % 2 ? &edited : &first, 1, T0) < 0;
	}
	is_int(fail, 0, "edited back and forth 1,000 times");
	is_int(headix_count(ix), n, "no more entries than before");
	is_int(headix_get(ix, &first_agg, T0), 2, "the other story is still found");
	headix_free(ix);
}

/* A headline its publisher gave to another story a day or so away
 * recurs (docs/threads.md, "Titles"); hours away it may be one article,
 * and past the window it is forgotten. */
static void test_recurs(void)
{
	struct headix *ix = headix_new(72 * 3600);
	struct headix_item hl = item(HOST, "Today's headlines", OWN, 0);
	struct headix_item letters = item(HOST, "Letters to the editor", OWN, 0);
	struct headix_item other = item("courier.example", "Today's headlines", OWN, 0);
	int64_t gap = 18 * 3600, ids[4];
	ok(ix && headix_put(ix, &hl, 1, T0) == 0 && headix_put(ix, &letters, 2, T0) == 0,
	   "two headlines remembered");
	is_int(headix_recurs(ix, &hl, T0, gap, ids, 4), 0, "itself: no recurrence");
	is_int(headix_recurs(ix, &hl, T0 + 6 * 3600, gap, ids, 4), 0, "six hours on: not yet");
	ids[0] = 0;
	is_int(headix_recurs(ix, &hl, T0 + 24 * 3600, gap, ids, 4), 1, "a day on: recurs (two words too)");
	is_int(ids[0], 1, "... and says which story it was given to");
	is_int(headix_recurs(ix, &hl, T0 - 24 * 3600, gap, ids, 4), 1, "a day before: recurs");
	is_int(headix_recurs(ix, &letters, T0 + 30 * 3600, gap, ids, 4), 1, "the other headline too");
	is_int(headix_recurs(ix, &other, T0 + 24 * 3600, gap, ids, 4), 0, "another publisher's: no");
	is_int(headix_recurs(ix, &hl, T0 + 4 * 24 * 3600, gap, ids, 4), 0, "past the window: no");
	/* Dated: the date aside. */
	struct headix_item b1 = item(HOST, "Morning Briefing: Sunday, October 11", OWN, 0);
	struct headix_item b2 = item(HOST, "Morning Briefing: Monday, Oct. 12th", OWN, 0);
	struct headix_item b0 = item(HOST, "Morning briefing", OWN, 0);
	struct headix_item d1 = item(HOST, "Dow rises 200 points as oil slides", OWN, 0);
	struct headix_item d2 = item(HOST, "Dow rises 150 points as oil slides", OWN, 0);
	ok(b1.key != b2.key && b1.dated && !b0.dated && !d1.dated, "a dated headline is its own for level 2");
	ok(headix_put(ix, &b1, 3, T0) == 0 && headix_put(ix, &d1, 4, T0) == 0, "dated and undated remembered");
	is_int(headix_recurs(ix, &b2, T0 + 24 * 3600, gap, ids, 4), 1, "the next day's briefing recurs");
	is_int(headix_recurs(ix, &b0, T0 + 24 * 3600, gap, ids, 4), 1, "... and an undated one of that shape");
	is_int(headix_get(ix, &b2, T0 + 3600), 0, "no article by a dated headline's shape (level 2)");
	is_int(headix_recurs(ix, &d2, T0 + 24 * 3600, gap, ids, 4), 0,
	       "numbers alone are no date: another headline");
	/* "may" and "march" are verbs as often as months: only beside a
	 * day or a year, or after "in" and its like, do they date a
	 * headline (else its numbers were left out, and the next day's
	 * other figure was the same headline). */
	static const char *const verbs[][2] = {
		{ "Dow may rise 200 points as oil slides", "Dow may rise 150 points as oil slides" },
		{ "Thousands march in 12 cities against pension reform",
		  "Thousands march in 30 cities against pension reform" },
		{ "Over 100 may have died in Kerala floods", "Over 300 may have died in Kerala floods" },
		{ "Theresa May survives confidence vote by 19", "Theresa May survives confidence vote by 200" },
	};
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
		struct headix_item v1 = item(HOST, verbs[i][0], OWN, 0), v2 = item(HOST, verbs[i][1], OWN, 0);
		ok(headix_put(ix, &v1, 10 + (int64_t)i, T0) == 0 && !v1.dated, verbs[i][0]);
		is_int(headix_recurs(ix, &v2, T0 + 24 * 3600, gap, ids, 4), 0,
		       "... and the next day's other figure is another headline");
	}
	static const char *const months[][2] = {
		{ "Markets on May 5: what moved stocks", "Markets on May 6: what moved stocks" },
		{ "Parliament digest: 5th March", "Parliament digest: 6th March" },
		{ "Best new books of May", "Best new books of June" },
		{ "Weekly letters, March 2026", "Weekly letters, April 2026" },
	};
	for (size_t i = 0; i < sizeof months / sizeof *months; i++) {
		struct headix_item m1 = item(HOST, months[i][0], OWN, 0), m2 = item(HOST, months[i][1], OWN, 0);
		ok(headix_put(ix, &m1, 20 + (int64_t)i, T0) == 0 && m1.dated && m2.dated, months[i][0]);
		is_int(headix_recurs(ix, &m2, T0 + 24 * 3600, gap, ids, 4), 1, "... and recurs the next day");
	}
	headix_free(ix);
}

/* A dated headline's series is its shape: its date's day and year and a
 * serial's '#' number left out, its other numbers kept. */
static void test_series_shape(void)
{
	static const struct { const char *a, *b; int same; } cases[] = {
		{ "Today in History: October 12", "Today in History: October 13", 1 },
		{ "Your horoscope for Monday, October 12", "Your horoscope for Tuesday, October 13", 1 },
		{ "Wordle hints and answer for #1570, October 5",
		  "Wordle hints and answer for #1571, October 6", 1 },
		{ "Weekly letters: October 12, 2026", "Weekly letters: October 19, 2026", 1 },
		{ "Your horoscope for the 12th of October", "Your horoscope for the 13th of October", 1 },
		{ "Today in History: 21st of March", "Today in History: 22nd of March", 1 },
		{ "Saturday 12th of October 2026: the briefing", "Sunday 13th of October 2026: the briefing", 1 },
		{ "Storm kills 12 of 30 on October 12", "Storm kills 20 of 30 on October 13", 0 },
		/* a no-break space (U+00A0, U+202F) between month and day */
		{ "Today in History: October\u00a012", "Today in History: October\u00a013", 1 },
		{ "Today in History: October 12", "Today in History: October\u202f13", 1 },
		{ "Storm kills 12 in Florida on Monday", "Storm kills 30 in Florida on Monday", 0 },
		{ "Markets close 200 points higher on October 12",
		  "Markets close 150 points higher on October 13", 0 },
		/* other languages' months and weekdays beside a day or a year,
		 * and dates in numbers */
		{ "Nachrichten vom 3. Dezember 2025", "Nachrichten vom 4. Dezember 2025", 1 },
		{ "Heute im \u00dcberblick \u2013 Mittwoch, 3. Dezember",
		  "Heute im \u00dcberblick \u2013 Donnerstag, 4. Dezember", 1 },
		{ "L'essentiel du mercredi 3 d\u00e9cembre", "L'essentiel du jeudi 4 d\u00e9cembre", 1 },
		{ "Las noticias del 3 de diciembre", "Las noticias del 4 de diciembre", 1 },
		{ "Resumen: 30 de noviembre de 2025", "Resumen: 1 de diciembre de 2025", 1 },
		{ "Le notizie di mercoled\u00ec 3 dicembre", "Le notizie di gioved\u00ec 4 dicembre", 1 },
		{ "As not\u00edcias desta quarta-feira, 3 de dezembro",
		  "As not\u00edcias desta quinta-feira, 4 de dezembro", 1 },
		{ "Het nieuws van woensdag 3 december", "Het nieuws van donderdag 4 december", 1 },
		{ "\u041d\u043e\u0432\u043e\u0441\u0442\u0438 3 \u0434\u0435\u043a\u0430\u0431\u0440\u044f",
		  "\u041d\u043e\u0432\u043e\u0441\u0442\u0438 4 \u0414\u0415\u041a\u0410\u0411\u0420\u042f", 1 },
		{ "Ειδήσεις 3 Δεκεμβρίου", "Ειδήσεις 4 Δεκεμβρίου", 1 },
		{ "Hírek, Március 3.", "Hírek, Március 4.", 1 },
		{ "3 Aral\u0131k 2025 g\u00fcndem", "4 Aral\u0131k 2025 g\u00fcndem", 1 },
		{ "\u0623\u062e\u0628\u0627\u0631 \u0627\u0644\u064a\u0648\u0645 3 \u062f\u064a\u0633\u0645\u0628\u0631 2025",
		  "\u0623\u062e\u0628\u0627\u0631 \u0627\u0644\u064a\u0648\u0645 4 \u062f\u064a\u0633\u0645\u0628\u0631 2025", 1 },
		{ "12\u67083\u65e5\u65b0\u95fb\u8054\u64ad", "12\u67084\u65e5\u65b0\u95fb\u8054\u64ad", 1 },
		{ "12\u67083\u65e5\uff08\u6c34\uff09\u306e\u30cb\u30e5\u30fc\u30b9",
		  "12\u67084\u65e5\uff08\u6728\uff09\u306e\u30cb\u30e5\u30fc\u30b9", 1 },
		{ "12\u67083\u65e5\u661f\u671f\u4e09\u65b0\u95fb", "12\u67084\u65e5\u661f\u671f\u56db\u65b0\u95fb", 1 },
		{ "12\u67083\u65e5 \u661f\u671f\u4e09 \u65b0\u95fb", "12\u67084\u65e5 \u661f\u671f\u56db \u65b0\u95fb", 1 },
		{ "\u65b0\u95fb12\u67083\u65e5\u5468\u4e09", "\u65b0\u95fb12\u67084\u65e5\u5468\u56db", 1 },
		{ "\u30cb\u30e5\u30fc\u30b92025\u5e7412\u67083\u65e5", "\u30cb\u30e5\u30fc\u30b92025\u5e7412\u67084\u65e5", 1 },
		{ "Nachrichten am 03.12.2025", "Nachrichten am 04.12.2025", 1 },
		{ "Tagesschau 2025-12-03", "Tagesschau 2025-12-04", 1 },
		{ "Daily digest 12/03", "Daily digest 12/04", 1 },
		{ "Die Lage am 03.12.", "Die Lage am 04.12.", 1 },
		/* numbers that are no date, and words that are names too */
		{ "Linux 6.1 released", "Linux 6.2 released", 0 },
		{ "Open 24/7 stores", "Open 24/8 stores", 0 },
		{ "Rates rise to 10.25", "Rates rise to 10.26", 0 },
		{ "NASA's Mars 2020 rover lands", "NASA's Mars 2021 rover lands", 0 },
		{ "Version 1.12.25 released", "Version 1.12.26 released", 0 },
		{ "Les march\u00e9s du 3 mars", "Les march\u00e9s du 4 mars", 1 },
		{ "Plácido Domingo sings 3 arias", "Plácido Domingo sings 4 arias", 0 },
		{ "Erdbeben der St\u00e4rke 5 ersch\u00fcttert Region", "Erdbeben der St\u00e4rke 6 ersch\u00fcttert Region", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct headix_headline ha, hb;
		headix_headline(&ha, cases[i].a, NULL);
		headix_headline(&hb, cases[i].b, NULL);
		is_int(headix_series(HOST, &ha) == headix_series(HOST, &hb), cases[i].same, cases[i].a);
	}
}

/* Every month's and weekday's name of another language that
 * local_date_name() knows (its table is bisected: one out of order would
 * be missed) is one beside a day, in any case. */
static void test_local_names(void)
{
	static const char *const names[] = {
		"mai", "mei", "cuma", "ekim", "juin", "juli", "juni", "maio", "mars", "mart",
		"mayo", "ocak", "abril", "août", "avril", "enero", "jeudi", "julho", "julio",
		"junho", "junio", "lundi", "lunes", "maart", "mardi", "marzo", "märz", "nisan",
		"pazar", "salı", "agosto", "aprile", "eylül", "giugno", "januar", "jueves", "kasım",
		"luglio", "maggio", "martes", "março", "mayıs", "montag", "május", "sabato",
		"samedi", "temmuz", "zondag", "şubat", "май", "мая", "aralık", "dinsdag", "domingo",
		"febrero", "februar", "freitag", "gennaio", "haziran", "janeiro", "januari",
		"január", "janvier", "juillet", "jänner", "július", "június", "lunedì", "maandag",
		"octobre", "octubre", "oktober", "ottobre", "outubro", "samstag", "sonntag",
		"sábado", "viernes", "vrijdag", "augustus", "ağustos", "dezember", "dezembro",
		"dicembre", "dienstag", "dimanche", "domenica", "febbraio", "februari", "február",
		"février", "giovedì", "martedì", "mercredi", "mittwoch", "március", "novembre",
		"október", "setembro", "vendredi", "venerdì", "woensdag", "zaterdag", "április",
		"июль", "июля", "июнь", "июня", "март", "مارس", "مايو", "augusztus", "cumartesi",
		"diciembre", "donderdag", "décembre", "fevereiro", "noviembre", "pazartesi",
		"perşembe", "septembre", "setiembre", "settembre", "sonnabend", "donnerstag",
		"mercoledì", "miércoles", "septiembre", "szeptember", "çarşamba", "μαΐου", "марта",
		"أبريل", "أغسطس", "ابريل", "اغسطس", "يناير", "يوليو", "يونيو", "август", "апрель",
		"апреля", "ноябрь", "ноября", "январь", "января", "أكتوبر", "اكتوبر", "ديسمبر",
		"سبتمبر", "فبراير", "نوفمبر", "ιουλίου", "ιουνίου", "μαρτίου", "августа", "декабрь",
		"декабря", "октябрь", "октября", "февраль", "февраля", "απριλίου", "сентябрь",
		"сентября", "αυγούστου", "νοεμβρίου", "οκτωβρίου", "δεκεμβρίου", "ιανουαρίου",
		"σεπτεμβρίου", "φεβρουαρίου",
	};
	int missed = 0;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char a[64], b[64];
		struct headix_headline ha, hb;
		snprintf(a, sizeof a, "Die Lage am 3 %s", names[i]);
		snprintf(b, sizeof b, "Die Lage am 4 %s", names[i]);
		headix_headline(&ha, a, NULL);
		headix_headline(&hb, b, NULL);
		if (headix_series(HOST, &ha) != headix_series(HOST, &hb) || !ha.shape) {
			printf("# not a date: %s\n", names[i]);
			missed++;
		}
	}
	is_int(missed, 0, "other languages' months and weekdays beside a day are a date");
}

/* A publisher whose own feed writes its name after its headlines ("X |
 * Islay Times") and an aggregator's item of the article, its " - Islay
 * Times" cut: found by the headline's stem, in either order; never two
 * items through no aggregator, nor two through one. */
static void test_stem(void)
{
	struct headix *ix = headix_new(86400);
	struct headix_item own = item(HOST, FERRY " | Islay Times", OWN, bag_of(FERRY " today"));
	struct headix_item agg = item(HOST, FERRY, AGG, 0);
	struct headix_item bare = item(HOST, FERRY, OWN "-2", bag_of(FERRY " today"));
	struct headix_headline h;

	ok(own.stem_key && own.stem_key == agg.key, "the stem's key is the aggregator's item's key");
	is_int(agg.stem_key, 0, "an aggregator's item has no stem key");
	headix_headline(&h, "Ferry vote | Islay Times", NULL);
	is_int(h.stem, 0, "a stem of fewer than 3 words is none");
	headix_headline(&h, FERRY " - a very long second part of the headline that says much more than "
	                "any site's name would ever say", NULL);
	is_int(h.stem, 0, "more than 80 bytes after the separator: a second headline, no name");
	headix_put(ix, &own, 1, T0);
	is_int(headix_get(ix, &agg, T0 + 60), 1, "the aggregator's item finds the publisher's");
	is_int(headix_get(ix, &bare, T0 + 60), 0, "an item through no aggregator does not");
	is_int(headix_recurs(ix, &agg, T0 + 7200, 3600, NULL, 0), 0,
	       "the stem is no recurring headline");
	headix_forget(ix, &own, 1);
	is_int(headix_get(ix, &agg, T0 + 60), 0, "forgotten under its stem too");
	headix_free(ix);

	ix = headix_new(86400);
	headix_put(ix, &agg, 2, T0);
	is_int(headix_get(ix, &own, T0 + 60), 2, "the publisher's item finds the aggregator's");
	headix_free(ix);

	ix = headix_new(86400);
	headix_put(ix, &bare, 3, T0);
	is_int(headix_get(ix, &own, T0 + 60), 0, "not another item through no aggregator");
	headix_free(ix);
}

int main(void)
{
	test_recurs();
	test_series_shape();
	test_local_names();
	test_item();
	test_span();
	test_texts();
	test_plain();
	test_growth();
	test_reused_headline();
	test_forget();
	test_stem();
	return done_testing();
}
