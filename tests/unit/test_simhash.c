/* tests/unit/test_simhash.c — dedup level 3: fingerprints of the wire
 * story fixtures in tests/data/dedup/ (copies meet, different articles on
 * the same event do not), normalisation, the distinctiveness rule, the
 * dateline/byline skipper, and the banded index against brute force. */
#include "daemon/simhash.h"
#include "tests/unit/tap.h"

#include <stdlib.h>

#define DATA "tests/data/dedup/"

static struct simhash_info info_of(const char *s)
{
	struct simhash_info si;
	memset(&si, 0, sizeof si);
	simhash_text(s, strlen(s), &si);
	return si;
}

static struct simhash_fp fp_of(const char *s)
{
	return info_of(s).fp;
}

static void fixtures(void)
{
	char *orig = tap_slurp(DATA "wire_original.txt", NULL), *edit = tap_slurp(DATA "wire_edited.txt", NULL);
	char *event = tap_slurp(DATA "same_event.txt", NULL), *topic = tap_slurp(DATA "same_topic.txt", NULL);
	char *other = tap_slurp(DATA "unrelated.txt", NULL);
	if (!ok(orig && edit && event && topic && other, "wire story fixtures load"))
		goto done;

	struct simhash_info o = info_of(orig), e = info_of(edit);
	ok(o.distinctive && e.distinctive, "a wire story is distinctive");
	ok(o.words > 350 && o.content_words > 200, "the wire story has its ~380 words");
	ok(simhash_distance(o.fp.bag, e.fp.bag) <= 3,
	   "lightly edited copy (dateline, byline, one sentence): bag distance <= 3");
	ok(simhash_distance(o.fp.seq, e.fp.seq) <= SIMHASH_SEQ_MAX,
	   "lightly edited copy: seq distance within SIMHASH_SEQ_MAX");
	ok(simhash_is_copy(&o.fp, &e.fp, 3), "the edited wire story is a copy");
	ok(simhash_is_copy(&e.fp, &o.fp, 3), "... in both directions");

	/* Only the dateline and byline added: the skipper removes them. */
	size_t n = strlen(orig) + 200;
	char *dated = malloc(n);
	snprintf(dated, n, "SPRINGFIELD (Wire) \xe2\x80\x94 By Maria Okafor, Wire Service\n\n%s", orig);
	struct simhash_fp d = fp_of(dated);
	ok(d.bag == o.fp.bag && d.seq == o.fp.seq,
	   "the same copy with a dateline and byline has identical fingerprints");
	free(dated);

	struct simhash_fp ev = fp_of(event), tp = fp_of(topic), ot = fp_of(other);
	ok(!simhash_is_copy(&o.fp, &ev, 3), "a different report of the same event is not a copy");
	ok(simhash_distance(o.fp.bag, ev.bag) > 8 && simhash_distance(o.fp.seq, ev.seq) > 20,
	   "... and is far on both fingerprints");
	ok(!simhash_is_copy(&o.fp, &tp, 3), "a different article on the same topic is not a copy");
	ok(!simhash_is_copy(&o.fp, &ot, 3), "an unrelated article is not a copy");
	ok(simhash_distance(o.fp.seq, ot.seq) > 20, "unrelated texts are far apart on seq");
done:
	free(orig);
	free(edit);
	free(event);
	free(topic);
	free(other);
}

static void same_fp(const char *a, const char *b, const char *name)
{
	struct simhash_fp x = fp_of(a), y = fp_of(b);
	ok(x.bag == y.bag && x.seq == y.seq, name);
}

static void normalisation(void)
{
	const char *base = "Prime minister promises inquiry into collapsed bridge contract";
	same_fp(base, "PRIME MINISTER PROMISES INQUIRY INTO COLLAPSED BRIDGE CONTRACT",
	        "case is folded");
	same_fp(base, "  Prime minister -- promises: inquiry, into \"collapsed\" bridge contract!  ",
	        "punctuation and spacing only separate words");
	same_fp("Café owners défendent l'été", "CAFE OWNERS DEFENDENT L'ETE",
	        "accents are stripped and case folded beyond ASCII");
	same_fp("Biden\xe2\x80\x99s plan faces Senate test", "Biden's plan faces Senate test",
	        "typographic and straight apostrophes are the same");
	same_fp("Straße gesperrt nach Unfall auf der Brücke", "STRASSE gesperrt nach Unfall auf der Brucke",
	        "ß folds to ss, ü to u");
	same_fp("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 reports record profit this quarter",
	        "abc reports record profit this quarter", "full-width letters are compatibility-folded");
	same_fp("الرَّئِيسُ المِصْرِيُّ يَصِلُ إِلَى مُوسْكُو لِبَحْثِ صَفْقَةِ القَمْحِ",
	        "الرئيس المصري يصل إلى موسكو لبحث صفقة القمح", "Arabic vowel marks are stripped");
	same_fp("الرئيـــس المصـري يصل إلى موسكـو لبحث صفقة القمـح",
	        "الرئيس المصري يصل إلى موسكو لبحث صفقة القمح", "... and so is the tatweel");

	struct simhash_fp a = fp_of("police shot man near the central station on friday");
	struct simhash_fp b = fp_of("man shot police near the central station on friday");
	ok(a.bag == b.bag, "bag ignores word order");
	ok(a.seq != b.seq, "seq keeps word order");

	struct simhash_info si = info_of("東京都知事選");
	is_int(si.words, 6, "each Han character is a word");
	si = info_of("abc\xff" "def \xc3 ghi");
	is_int(si.words, 3, "invalid UTF-8 bytes separate words and do not crash");
	si = info_of("");
	ok(si.words == 0 && si.fp.bag == 0 && si.fp.seq == 0 && !si.distinctive, "empty text");
	struct simhash_info s1 = info_of("Business Highlights"), s2 = info_of("business highlights");
	ok(s1.fp.seq != 0 && s1.fp.seq == s2.fp.seq, "a two-word text still has a stable seq fingerprint");
	ok(simhash_text(NULL, 0, &si) == -1, "NULL text is refused");
}

static void distinctive(void)
{
	FILE *f = fopen(DATA "headlines.tsv", "r");
	char line[1024], name[1100];
	int pos = 0, neg = 0;
	if (!ok(f != NULL, "fixture headlines.tsv opens"))
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0' || line[1] != '\t')
			continue;
		int want = line[0] == '1';
		snprintf(name, sizeof name, "%s distinctive: \"%s\"", want ? "is" : "not", line + 2);
		is_int(simhash_distinctive(line + 2), want, name);
		want ? pos++ : neg++;
	}
	fclose(f);
	ok(pos >= 5 && neg >= 10, "headline fixture has positive and negative cases");
	ok(!simhash_distinctive(NULL), "NULL is not distinctive");

	struct simhash_fp fp, t;
	const char *title = "Regional water authority approves first rationing in two decades";
	is_int(simhash_story(title, "Read more.", NULL, &fp), 1, "a story with a short text falls back to its title");
	t = fp_of(title);
	ok(fp.bag == t.bag && fp.seq == t.seq, "... and takes the title's fingerprints");
	is_int(simhash_story("Business Highlights", "Read more at example.com", NULL, &fp), 0,
	       "a generic headline with no text is never a copy");
	is_int(simhash_story(NULL, NULL, NULL, &fp), 0, "no title, no text: not distinctive");
	is_int(simhash_story("x", "y", NULL, NULL), -1, "NULL out-parameter is refused");
}

/* The count of content words by the stop words of a text's language
 * (daemon/stop_words.h), which the fingerprints never depend on. */
static void distinctive_lang(void)
{
	static const struct {
		const char *lang, *text;
		size_t content;     /* with lang */
	} cases[] = {
		/* two different stories each, mostly function words: with no
		 * language all 7 or 8 words counted, and each pair's fingerprints
		 * are within the copy bounds */
		{ "ru", "Что известно о том, что произошло с пожаром", 3 },
		{ "ru", "Что известно о том, что произошло с Сирией", 3 },
		{ "fa", "از کرونا چه می\u200cدانیم و چه باید کرد", 3 },
		{ "fa", "از دلار چه می\u200cدانیم و چه باید کرد", 3 },
		{ "ar", "ما نعرفه وما لا نعرفه عن الزلزال", 4 },
		{ "ar", "ما نعرفه وما لا نعرفه عن الانتخابات", 4 },
		/* a distinctive headline stays so: Persian's "من" ("I") is
		 * Arabic's "from", and only the tag's list applies */
		{ "fa", "رئیس\u200cجمهور ایران در سفر به چین با شی جین\u200cپینگ دیدار کرد", 8 },
		{ "fa", "من و تو در جنگ سرد شرق و غرب", 6 },
		{ "ar", "زلزال بقوة سبع درجات يضرب جنوب تركيا", 7 },
		{ "tr", "İstanbul'da deprem sonrası okullar bir hafta kapalı kalacak", 7 },
		/* each spelling of an Arabic-script letter: a Persian and an
		 * Arabic keyboard's yeh and kaf, Arabic's alef maksura, hamza
		 * and vowel marks */
		{ "fa", "این که در آن است", 0 },
		{ "fa", "اين كه در ان است", 0 },
		{ "ar", "على إلى حتى لدى التي", 0 },
		{ "ar", "عَلَى الَّذِي فِي", 0 },
		/* folded and marks stripped as the scanner reads them */
		{ "ru", "ЕЁ ВСЁ ЕЩЁ НЕТ", 0 },
		{ "tr", "İÇİN ÇOK ŞU DEĞİL", 0 },
		{ "el", "Τι είναι αυτό που ΔΕΝ έχει", 0 },
		{ "ur", "یہ وہ ہے جو کہا", 0 },
		{ "he", "מה שלא אמר על זה", 0 },
		{ "sr", "Šta je poznato o tome što se dogodilo", 3 },
		{ "sr", "Шта је познато о томе што се догодило", 3 },
		{ "id", "Apa yang perlu Anda ketahui tentang ini", 3 },
		/* but not as a content word of the language reads so: Czech
		 * "byt" (a flat, not "být"), Polish "wiec" (a rally, not
		 * "więc") and "maja" (of May, not "mają"), Catalan "mes" (a
		 * month, not "més"), Hungarian "ok" (a reason, not "ők"),
		 * Finnish "Mika" (not "mikä"): each headline 5, a wire copy */
		{ "cs", "Nový byt v Praze za rekordní cenu", 5 },
		{ "sk", "Nový byt v Bratislave za rekordnú cenu", 5 },
		{ "pl", "Wielki wiec wyborczy Trzaskowskiego w Krakowie", 5 },
		{ "pl", "Marsz 3 Maja przeszedł przez Warszawę", 5 },
		{ "ca", "Barcelona tanca el mes amb rècord turístic", 5 },
		{ "hu", "Ismeretlen ok miatt leállt a Mátrai Erőmű", 5 },
		{ "fi", "Mika Lintilä jättää hallituksen", 4 },
		/* the tag as feeds write it */
		{ "fa-IR", "این که در آن است", 0 },
		{ "per", "این که در آن است", 0 },
		{ "Persian", "این که در آن است", 0 },
		{ " FA ", "این که در آن است", 0 },
		{ "rus", "Что известно о том, что произошло с пожаром", 3 },
		/* Hindi keeps the count of the list above (simhash.c says why):
		 * "पूरा" and "बंद" are no "पर" and "बाद" */
		{ "hi", "शेयर बाजार पूरा दिन बंद रहेगा", 6 },
		/* no list, an unknown tag, none: as without a language */
		{ "ja", "Что известно о том, что произошло с пожаром", 8 },
		{ "x-klingon", "Что известно о том, что произошло с пожаром", 8 },
		{ NULL, "Что известно о том, что произошло с пожаром", 8 },
		/* English's count is the list's, whatever the tag */
		{ "en", "What you need to know today about the storm", 1 },
		{ "ru", "What you need to know today about the storm", 1 },
		{ "fa", "Fed raises interest rates by a quarter point", 6 },
	};
	char name[512];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct simhash_info a, b;
		const char *s = cases[i].text;
		simhash_text_lang(s, strlen(s), cases[i].lang, &a);
		simhash_text(s, strlen(s), &b);
		snprintf(name, sizeof name, "%s \"%s\": %zu content words", cases[i].lang ? cases[i].lang : "NULL",
		         s, cases[i].content);
		is_int((long long)a.content_words, (long long)cases[i].content, name);
		ok(a.distinctive == (cases[i].content >= SIMHASH_MIN_CONTENT_WORDS), "... distinctive so");
		ok(!memcmp(&a.fp, &b.fp, sizeof a.fp) && a.words == b.words,
		   "... and the fingerprints are the text's alone");
	}
	/* Each pair above, told with no language, is a copy of the other:
	 * a story of one, with its language, is never one. */
	for (size_t i = 0; i < 6; i += 2) {
		struct simhash_fp x, y;
		snprintf(name, sizeof name, "untagged, \"%s\" and \"%s\" are copies", cases[i].text,
		         cases[i + 1].text);
		ok(simhash_story(cases[i].text, NULL, NULL, &x) == 1 &&
		   simhash_story(cases[i + 1].text, NULL, NULL, &y) == 1 &&
		   simhash_is_copy(&x, &y, SIMHASH_DEFAULT_K), name);
		snprintf(name, sizeof name, "tagged %s, neither is distinctive", cases[i].lang);
		ok(simhash_story(cases[i].text, NULL, cases[i].lang, &x) == 0 &&
		   simhash_story(cases[i + 1].text, NULL, cases[i].lang, &y) == 0, name);
	}
	/* A story's text counts by its language as its headline does. */
	struct simhash_fp fp;
	is_int(simhash_story("Путин встретился с Си Цзиньпином в Пекине", "Что известно о том, что произошло с пожаром",
	                     "ru", &fp), 1, "a Russian text of function words gives way to its headline");
	struct simhash_fp t = fp_of("Путин встретился с Си Цзиньпином в Пекине");
	ok(fp.bag == t.bag && fp.seq == t.seq, "... whose fingerprints it takes");
	/* The English fixture: the same with English's tag. */
	FILE *f = fopen(DATA "headlines.tsv", "r");
	char line[1024];
	int same = 1;
	while (f && fgets(line, sizeof line, f)) {
		struct simhash_info a, b;
		line[strcspn(line, "\n")] = '\0';
		simhash_text_lang(line, strlen(line), "en-US", &a);
		simhash_text(line, strlen(line), &b);
		same &= !memcmp(&a.fp, &b.fp, sizeof a.fp) && a.words == b.words &&
		        a.content_words == b.content_words && a.distinctive == b.distinctive;
	}
	if (f)
		fclose(f);
	ok(f && same, "headlines.tsv: tagged en-US, each count and fingerprint as untagged");
}

static void preamble(const char *text, const char *rest, const char *name)
{
	size_t off = simhash_skip_preamble(text, strlen(text));
	is_str(text + off, rest, name);
}

static void preambles(void)
{
	preamble("WASHINGTON (AP) \xe2\x80\x94 The Senate voted", "The Senate voted", "AP dateline");
	preamble("LONDON, Nov 28 (Reuters) - Britain's economy", "Britain's economy", "Reuters dateline");
	preamble("PARIS \xe2\x80\x93 Les gr\xc3\xa8ves", "Les gr\xc3\xa8ves", "en dash dateline");
	preamble("By Jane Doe, Staff Writer\nThe council met", "The council met", "byline line");
	preamble("By Jane Doe\n\nBERLIN (dpa) -- Die Regierung", "Die Regierung", "byline then dateline");
	preamble("  SPRINGFIELD (Wire) \xe2\x80\x94 By Maria Okafor\n\nThe board", "The board",
	         "dateline then byline");
	preamble("The WHO said - in a statement", "The WHO said - in a statement",
	         "a sentence starting in lower case is no dateline");
	preamble("NASA launched a rocket. It was - late", "NASA launched a rocket. It was - late",
	         "a sentence end before the dash: no dateline");
	preamble("By 2030 the city will need twice as much water, engineers say, and more storage than the valley has ever built",
	         "By 2030 the city will need twice as much water, engineers say, and more storage than the valley has ever built",
	         "'By' without a line break is a sentence, not a byline");
	/* AP's datelines name the state, abbreviated, outside its largest
	 * cities; a period after a short capitalised word is no sentence end. */
	preamble("PORTLAND, Ore. (AP) \xe2\x80\x94 Firefighters battled", "Firefighters battled",
	         "AP dateline with a state abbreviation");
	preamble("ST. LOUIS (AP) \xe2\x80\x94 A jury found", "A jury found", "AP dateline ST. LOUIS");
	preamble("ST. PAUL, Minn. (AP) \xe2\x80\x94 Lawmakers", "Lawmakers", "both abbreviations");
	preamble("WASHINGTON, D.C. (AP) \xe2\x80\x94 The mayor", "The mayor", "D.C.");
	preamble("LONDON, Nov. 28 (Reuters) - Britain's economy", "Britain's economy",
	         "a month abbreviated in a dateline");
	preamble("(CNN) \xe2\x80\x94 The storm", "The storm", "CNN's credit-only dateline");
	preamble("(Bloomberg) -- Stocks fell", "Stocks fell", "Bloomberg's, with two hyphens");
	preamble("(Reuters) Britain's economy - grew", "(Reuters) Britain's economy - grew",
	         "a credit without the dash after it is no dateline");
	preamble("NASA launched a rocket to the Moon. It was - late",
	         "NASA launched a rocket to the Moon. It was - late",
	         "a sentence end after a longer word before the dash: no dateline");
	/* A CMS's time stamp line above the copy, alone or with the rest. */
	preamble("Updated at 3:47 p.m. EST on Dec. 1, 2026\nThe bridge", "The bridge",
	         "an 'Updated at' line");
	preamble("Posted: Dec 1, 2026 / 09:12 AM EST Updated: Dec 1, 2026 / 03:47 PM EST\n\nThe board",
	         "The board", "a 'Posted: ... Updated: ...' line");
	preamble("Last updated 2 hours ago\nBy Jane Doe\nBERLIN (dpa) -- Die Regierung", "Die Regierung",
	         "a stamp, a byline and a dateline");
	preamble("SPRINGFIELD (AP) \xe2\x80\x94 Published Tuesday, December 1, 2026 \xe2\x80\xa2 10:05 a.m.\nThe plant",
	         "The plant", "a dateline above a stamp with a bullet");
	preamble("Updated census figures show the county grew by 4,000\nThe estimates",
	         "Updated census figures show the county grew by 4,000\nThe estimates",
	         "a sentence that starts with 'Updated' is text");
	preamble("Posted 3 photos from the 2026 parade\nThe city", "Posted 3 photos from the 2026 parade\nThe city",
	         "'Posted' and words no stamp has: text");
	preamble("Updated Dec. 1\xd0\xb9 2026\nText", "Updated Dec. 1\xd0\xb9 2026\nText",
	         "a letter of another script in the line: text");
	preamble("Updates on the storm\nText", "Updates on the storm\nText",
	         "'Updates' is not 'Updated'");
	preamble("Updated at 3:47 p.m. EST\xe2\x80", "", "a stamp cut in a dash: no overread");
	preamble("", "", "empty text");
}

/* ---- the index ---------------------------------------------------------- */

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* h with exactly d distinct bits flipped */
static uint64_t flip(uint64_t h, int d)
{
	uint64_t done = 0;
	while (d > 0) {
		uint64_t bit = 1ull << (rnd() % 64);
		if (done & bit)
			continue;
		done |= bit;
		h ^= bit;
		d--;
	}
	return h;
}

static void index_basics(void)
{
	struct ndindex *ix = NULL;
	struct nd_match m;
	ok(ndindex_new(4, 3600, &ix) == -1 && ix == NULL, "k > 3 is refused");
	ok(ndindex_new(-1, 3600, &ix) == -1, "k < 0 is refused");
	ok(ndindex_new(3, 0, &ix) == -1, "an empty window is refused");
	if (!ok(ndindex_new(3, 72 * 3600, &ix) == 0 && ix, "an index for k=3 and 72 h"))
		return;

	char *orig = tap_slurp(DATA "wire_original.txt", NULL), *edit = tap_slurp(DATA "wire_edited.txt", NULL);
	char *event = tap_slurp(DATA "same_event.txt", NULL);
	if (orig && edit && event) {
		struct simhash_fp o = fp_of(orig), e = fp_of(edit), ev = fp_of(event);
		ndindex_insert(ix, &o, 1, 1000, 77);
		ok(ndindex_lookup(ix, &e, 5000, &m) == 1 && m.story_id == 1 && m.thread_id == 77 &&
		   m.time == 1000 && m.distance <= 3, "the edited copy finds the wire original");
		ok(ndindex_lookup(ix, &ev, 5000, &m) == 0, "the other report of the event finds nothing");
	}
	free(orig);
	free(edit);
	free(event);

	/* bag equal, seq far: no copy */
	struct simhash_fp a = { .bag = 0x0123456789abcdefull, .seq = 0x1111111111111111ull };
	struct simhash_fp b = { .bag = a.bag, .seq = ~a.seq };
	ndindex_insert(ix, &a, 2, 2000, 0);
	ok(ndindex_lookup(ix, &b, 2000, &m) == 0, "same bag with a far seq is not a copy");
	b.seq = flip(a.seq, SIMHASH_SEQ_MAX);
	ok(ndindex_lookup(ix, &b, 2000, &m) == 1 && m.seq_distance == SIMHASH_SEQ_MAX,
	   "seq at exactly SIMHASH_SEQ_MAX is a copy");
	b.seq = flip(a.seq, SIMHASH_SEQ_MAX + 1);
	ok(ndindex_lookup(ix, &b, 2000, &m) == 0, "seq one past SIMHASH_SEQ_MAX is not");

	/* halves: a far bag still meets through a close head or tail */
	struct simhash_fp h = { .bag = 0x5555aaaa5555aaaaull, .seq = 0x3333333333333333ull,
	                        .head = 0x0f0f0f0f0f0f0f0full, .tail = 0x7777777777777777ull };
	ndindex_insert(ix, &h, 3, 2000, 0);
	struct simhash_fp h2 = { .bag = flip(h.bag, 9), .seq = h.seq, .head = flip(h.head, 3),
	                         .tail = flip(h.tail, 12) };
	ok(ndindex_lookup(ix, &h2, 2000, &m) == 1 && m.story_id == 3 && m.part == 1,
	   "a far bag with a close head is a copy, met through the head");
	h2.head = flip(h.head, 12);
	h2.tail = flip(h.tail, 2);
	ok(ndindex_lookup(ix, &h2, 2000, &m) == 1 && m.part == 2, "... or through the tail");
	h2.tail = flip(h.tail, 4);
	ok(ndindex_lookup(ix, &h2, 2000, &m) == 0, "all three far: no copy");
	struct simhash_fp h3 = { .bag = h2.bag, .seq = h.seq, .head = h.tail, .tail = h.head };
	ok(ndindex_lookup(ix, &h3, 2000, &m) == 0, "a head never meets a tail");
	h2.head = 0;
	h2.tail = h.tail;
	ok(ndindex_lookup(ix, &h2, 2000, &m) == 1, "a query without a head still meets by tail");

	/* the earliest wins, then the closer, then the lower id */
	struct simhash_fp c = { .bag = 0xfedcba9876543210ull, .seq = 0x2222222222222222ull };
	struct simhash_fp c1 = { .bag = flip(c.bag, 1), .seq = c.seq };
	ndindex_insert(ix, &c1, 10, 3000, 0);
	ndindex_insert(ix, &c, 11, 3500, 0);
	ndindex_insert(ix, &c, 9, 2900, 0);
	ok(ndindex_lookup(ix, &c, 3600, &m) == 1 && m.story_id == 9, "the earliest story wins");
	ndindex_insert(ix, &c, 8, 2900, 0);
	ok(ndindex_lookup(ix, &c, 3600, &m) == 1 && m.story_id == 8, "same time: the lower id");
	ndindex_insert(ix, &c1, 7, 2800, 0);
	ndindex_insert(ix, &c, 12, 2800, 0);
	ok(ndindex_lookup(ix, &c, 3600, &m) == 1 && m.story_id == 12 && m.distance == 0,
	   "same time: the closer before the lower id");
	is_int(ndindex_count(ix), 9, "count of stories");

	/* the window, both ways, and expiry */
	ok(ndindex_lookup(ix, &a, 2000 + 72 * 3600 + 1, &m) == 0,
	   "a story further than the window in time is not matched");
	ok(ndindex_lookup(ix, &a, 2000 - 72 * 3600, &m) == 1, "... exactly the window is");
	is_int(ndindex_expire(ix, 2500 + 72 * 3600), 3, "expire forgets the stories older than the window");
	ok(ndindex_lookup(ix, &a, 2500 + 72 * 3600, &m) == 0, "an expired story is gone");
	is_int(ndindex_count(ix), 6, "count after expiry");
	is_int(ndindex_expire(ix, 0), 0, "time going back forgets nothing");
	is_int(ndindex_expire(ix, INT64_MAX / 2), 6, "far ahead: everything goes");
	is_int(ndindex_count(ix), 0, "empty");
	ok(ndindex_lookup(ix, &c, 3600, &m) == 0, "an empty index finds nothing");
	ndindex_free(ix);
	ndindex_free(NULL);
}

/* Back items older than the window, inserted behind a story of today (the
 * first poll of new feeds), do not pile up: the index sweeps them. */
static void index_backfill(void)
{
	struct ndindex *ix = NULL;
	struct nd_match m;
	const int64_t day = 86400, now = 100 * day;
	int errors = 0;

	if (!ok(ndindex_new(3, 3 * day, &ix) == 0, "an index for the backfill"))
		return;
	struct simhash_fp today = { .bag = rnd(), .seq = rnd(), .head = rnd(), .tail = rnd() };
	ndindex_insert(ix, &today, 1, now, 0);
	struct simhash_fp last = today;
	for (int i = 0; i < 20000; i++) {
		struct simhash_fp fp = { .bag = rnd(), .seq = rnd(), .head = rnd(), .tail = rnd() };
		if (ndindex_insert(ix, &fp, 2 + i, now - 4 * day - (i % 50) * day, 0) < 0)
			errors++;
		last = fp;
	}
	is_int(errors, 0, "20,000 back items inserted");
	ok(ndindex_count(ix) < 5000, "back items older than the window are swept");
	ok(ndindex_lookup(ix, &today, now, &m) == 1 && m.story_id == 1,
	   "today's story is kept and found");
	/* The one inserted last may still sit unswept; either way a lookup
	 * at today's time never returns it. */
	ok(ndindex_lookup(ix, &last, now, &m) == 0, "a back item is never matched from today");
	ndindex_free(ix);
}

/* The banded lookup finds exactly what a scan of every entry finds; in a
 * second round the entries and story records the first round's expiry
 * freed are reused, and the lookups must still report the right story. */
static void index_vs_brute_force(int k)
{
	enum { N = 6000, Q = 3000 };
	struct ndindex *ix = NULL;
	struct simhash_fp *fps = malloc(N * sizeof *fps);
	int64_t *times = malloc(N * sizeof *times);
	char name[128];

	if (ndindex_new(k, 1000, &ix) < 0 || !fps || !times) {
		ok(0, "setup");
		goto done;
	}
	for (int round = 0; round < 2; round++) {
		int errors = 0, hits = 0, misses_near = 0;
		int64_t t0 = round * 4000, id0 = round * N;
		size_t before = ndindex_count(ix);
		for (int i = 0; i < N; i++) {
			fps[i].bag = rnd();
			fps[i].seq = rnd();
			/* most with halves, some without */
			fps[i].head = i % 5 ? rnd() : 0;
			fps[i].tail = i % 3 ? rnd() : 0;
			/* some clustered entries so several candidates compete */
			if (i > 0 && i % 7 == 0) {
				fps[i].bag = flip(fps[i - 1].bag, (int)(rnd() % 5));
				fps[i].seq = flip(fps[i - 1].seq, (int)(rnd() % 16));
				fps[i].head = fps[i - 1].head ? flip(fps[i - 1].head, (int)(rnd() % 5)) : 0;
				fps[i].tail = fps[i - 1].tail ? flip(fps[i - 1].tail, (int)(rnd() % 5)) : 0;
			}
			times[i] = t0 + i / 3;  /* 2000 seconds of stories; window 1000 */
			if (ndindex_insert(ix, &fps[i], id0 + i + 1, times[i], 0) < 0)
				errors++;
		}
		/* the second half of the time span: expire the first */
		size_t gone = ndindex_expire(ix, times[N - 1]);
		for (int q = 0; q < Q; q++) {
			int src = (int)(rnd() % N);
			struct simhash_fp qf = { .bag = flip(fps[src].bag, (int)(rnd() % (k + 6))),
			                         .seq = flip(fps[src].seq, (int)(rnd() % 18)),
			                         .head = flip(fps[src].head, (int)(rnd() % (k + 6))),
			                         .tail = flip(fps[src].tail, (int)(rnd() % (k + 6))) };
			if (q % 4 == 0)
				qf.head = 0;  /* a query without a head */
			int64_t qt = times[N - 1] - (int64_t)(rnd() % 500);
			struct nd_match m;
			int got = ndindex_lookup(ix, &qf, qt, &m);
			/* brute force over what should remain */
			int best = -1;
			for (int i = 0; i < N; i++) {
				if (times[i] < times[N - 1] - 1000)
					continue;
				int64_t dt = times[i] > qt ? times[i] - qt : qt - times[i];
				if (dt > 1000 || !simhash_is_copy(&fps[i], &qf, k))
					continue;
				if (best < 0 || times[i] < times[best])
					best = i;  /* ids ascend with i: ties go to the first */
				else if (times[i] == times[best] &&
				         simhash_distance(fps[i].bag, qf.bag) < simhash_distance(fps[best].bag, qf.bag))
					best = i;
			}
			if (got != (best >= 0) || (got && m.story_id != id0 + best + 1))
				errors++;
			hits += got;
			misses_near += !got && simhash_distance(fps[src].bag, qf.bag) <= k;
		}
		snprintf(name, sizeof name, "k=%d, round %d: banded lookup agrees with brute force (%d hits of %d)",
		         k, round + 1, hits, Q);
		is_int(errors, 0, name);
		snprintf(name, sizeof name, "k=%d, round %d: expiry removed everything before the window",
		         k, round + 1);
		ok(gone > N / 3 && ndindex_count(ix) == before + N - gone, name);
		(void)misses_near;
	}
done:
	ndindex_free(ix);
	free(fps);
	free(times);
}

/* Stories crowded on a few values of each 16-bit block, so that every
 * chain holds many entries of the same block that do not match (and
 * expiry unlinks entries from the middle of long chains): the lookup
 * still agrees with brute force, before and after expiry (all at once, and
 * story by story while stories are added) and when freed records are
 * reused. */
static void index_crowded_blocks(void)
{
	enum { N = 4000, Q = 2000, W = 1000, STALE_N = 10000 };
	struct ndindex *ix = NULL;
	struct simhash_fp *fps = malloc((2 * N + STALE_N) * sizeof *fps);
	int64_t *times = malloc((2 * N + STALE_N) * sizeof *times);
	int errors = 0, hits = 0, n = 0;
	int64_t now = 0;

	if (ndindex_new(3, W, &ix) < 0 || !fps || !times) {
		ok(0, "setup");
		goto done;
	}
	for (int round = 0; round < 3; round++) {
		int64_t t0 = now;
		for (int i = 0; i < (round < 2 ? N : STALE_N); i++, n++) {
			uint64_t common = 0x5a5aull * (1 + rnd() % 3);
			fps[n].bag = (rnd() & ~0xffffull) | common;           /* block 0 */
			fps[n].head = i % 4 ? (rnd() & ~(0xffffull << 16)) | common << 16 : 0;
			fps[n].tail = i % 3 ? (rnd() & ~(0xffffull << 48)) | common << 48 : 0;
			fps[n].seq = rnd() & 0xff00ff00ff00ff00ull;  /* seqs often close */
			times[n] = n / 2;  /* pairs of stories at the same time */
			/* The third round's every other story is a back item
			 * older than the window: ndindex_insert sweeps them out
			 * after a few thousand, from anywhere in their chains
			 * (often the newest entry), and the records they free
			 * are taken again by the stories after them. */
			if (round == 2)
				times[n] = i % 2 ? t0 - 5 * W - i : t0 + i / 2;
			if (ndindex_insert(ix, &fps[n], n + 1, times[n], 1000 + n) < 0)
				errors++;
			/* The second round expires as it goes, as the daemon
			 * does: each chain's oldest entries leave while new
			 * ones join it. */
			if (round >= 1)
				ndindex_expire(ix, times[n]);
		}
		now = times[n - (round == 2 ? 2 : 1)];  /* the newest */
		ndindex_expire(ix, now);
		int live = 0;
		for (int i = 0; i < n; i++)
			live += times[i] >= now - W;
		/* the back items after the last sweep are still held */
		if (round < 2 ? ndindex_count(ix) != (size_t)live
		              : ndindex_count(ix) < (size_t)live ||
		                ndindex_count(ix) > (size_t)live + 4096)
			errors++;
		for (int q = 0; q < Q; q++) {
			int src = (int)(rnd() % (uint64_t)n);
			struct simhash_fp qf = { .bag = flip(fps[src].bag, (int)(rnd() % 6)),
			                         .seq = flip(fps[src].seq, (int)(rnd() % 18)),
			                         .head = flip(fps[src].head, (int)(rnd() % 6)),
			                         .tail = flip(fps[src].tail, (int)(rnd() % 6)) };
			if (q % 3 == 0)
				qf.bag = (rnd() & ~0xffffull) | 0x5a5aull;  /* only a shared block */
			int64_t qt = now - (int64_t)(rnd() % W);
			struct nd_match m;
			int got = ndindex_lookup(ix, &qf, qt, &m);
			int best = -1;
			for (int i = 0; i < n; i++) {
				int64_t dt = times[i] > qt ? times[i] - qt : qt - times[i];
				if (times[i] < now - W || dt > W || !simhash_is_copy(&fps[i], &qf, 3))
					continue;
				if (best < 0 || times[i] < times[best] ||
				    (times[i] == times[best] &&
				     simhash_distance(fps[i].bag, qf.bag) < simhash_distance(fps[best].bag, qf.bag)))
					best = i;  /* ids ascend with i: ties go to the first */
			}
			if (got != (best >= 0) ||
			    (got && (m.story_id != best + 1 || m.thread_id != 1000 + best ||
			             m.fp.bag != fps[best].bag || m.fp.seq != fps[best].seq ||
			             m.fp.head != fps[best].head || m.fp.tail != fps[best].tail)))
				errors++;
			hits += got;
		}
	}
	is_int(errors, 0, "crowded blocks: lookups agree with brute force");
	ok(hits > Q / 4, "crowded blocks: many lookups found a copy");
done:
	ndindex_free(ix);
	free(fps);
	free(times);
}

/* Arbitrary bytes: no crash (the sanitiser build watches), the same
 * fingerprints twice, the preamble inside the text, a shorter prefix of
 * the buffer never read past. */
static void arbitrary_bytes(void)
{
	static const char *const pieces[] = { "WASHINGTON (AP) \xe2\x80\x94 ", "By X\n", "\xc3", "\xa9",
	                                      "\xe2\x80", "\xf0\x9f\x98\x80", "word ", "\xff", "\x00",
	                                      "\xe6\x9d\xb1", "'", "-", " ", "Z", "\xcc\x81" };
	int bad = 0;
	for (int i = 0; i < 3000; i++) {
		char buf[400];
		size_t n = 0;
		int parts = (int)(rnd() % 40);
		for (int j = 0; j < parts; j++) {
			const char *p = pieces[rnd() % (sizeof pieces / sizeof *pieces)];
			size_t l = strlen(p) ? strlen(p) : 1;  /* "\x00" is one NUL byte */
			if (n + l >= sizeof buf)
				break;
			memcpy(buf + n, p, l);
			n += l;
		}
		size_t cut = n ? (size_t)(rnd() % (n + 1)) : 0;
		char *exact = malloc(cut ? cut : 1);  /* exactly `cut` bytes: ASan sees overreads */
		memcpy(exact, buf, cut);
		struct simhash_info a, b;
		int ra = simhash_text(exact, cut, &a), rb = simhash_text(exact, cut, &b);
		size_t off = simhash_skip_preamble(exact, cut);
		if (ra || rb || a.fp.bag != b.fp.bag || a.fp.seq != b.fp.seq || a.fp.head != b.fp.head ||
		    a.fp.tail != b.fp.tail || off > cut)
			bad++;
		free(exact);
	}
	is_int(bad, 0, "arbitrary bytes: deterministic, no overread");
}

/* A story updated in place: found by its new fingerprint, in its new
 * thread, never by the old one; one left without a fingerprint is never
 * found again, and expiry still takes it out. */
static void index_update(void)
{
	struct ndindex *ix = NULL;
	struct nd_match m;
	if (!ok(ndindex_new(3, 3600, &ix) == 0, "an index for updates"))
		return;
	struct simhash_fp a = { .bag = 0x0123456789abcdefull, .seq = 0x1111111111111111ull,
	                        .head = 0x0f0f0f0f0f0f0f0full };
	struct simhash_fp b = { .bag = 0xfedcba9876543210ull, .seq = 0x2222222222222222ull,
	                        .tail = 0x7777777777777777ull };
	struct simhash_fp other = { .bag = 0x5555aaaa5555aaaaull, .seq = 0x3333333333333333ull };
	ndindex_insert(ix, &other, 1, 1000, 10);
	ndindex_insert(ix, &a, 2, 1100, 20);
	ok(ndindex_update(ix, &a, 2, &b, 1100, 30) == 0, "an update is taken");
	ok(ndindex_lookup(ix, &a, 1200, &m) == 0, "the old text finds nothing");
	ok(ndindex_lookup(ix, &b, 1200, &m) == 1 && m.story_id == 2 && m.thread_id == 30 &&
	   m.time == 1100, "the new text finds the story, in its new thread, at its time");
	ok(ndindex_lookup(ix, &other, 1200, &m) == 1 && m.story_id == 1, "the others are kept");
	is_int(ndindex_count(ix), 2, "no story added");
	ok(ndindex_update(ix, &b, 2, NULL, 1100, 30) == 0 && ndindex_lookup(ix, &b, 1200, &m) == 0,
	   "a story left without a fingerprint is found no more");
	ok(ndindex_update(ix, NULL, 3, &a, 1150, 40) == 0 && ndindex_lookup(ix, &a, 1200, &m) == 1 &&
	   m.story_id == 3, "one that had none is found by the one it has now");
	is_int(ndindex_expire(ix, 1151 + 3600), 3, "expiry takes them all out");
	ndindex_free(ix);
}

/* A window full of near-copies (a feed of template items, or a server
 * sending 10,000 an item list, poll after poll): each differs from the
 * others by a bit or two, so they all share three of the four blocks of
 * their bag and crowd those chains.  A lookup still finds the earliest
 * (all are copies of the first), but walks a bounded number of entries,
 * not every story of the window: walked to the end, each poll of such a
 * feed cost (stories in the window) x (items) and grew poll after poll. */
static void index_near_copies(void)
{
	enum { N = 60000 };
	struct ndindex *ix = NULL;
	struct nd_match m;
	const uint64_t bag = 0x0123456789abcdefull, seq = 0x1111222233334444ull;
	int errors = 0;

	if (!ok(ndindex_new(3, 1000000, &ix) == 0, "an index for near-copies"))
		return;
	for (int i = 0; i < N; i++) {
		struct simhash_fp f = { .bag = bag ^ (1ull << (16 + i % 48)), .seq = seq ^ (1ull << (i % 64)) };
		if (ndindex_insert(ix, &f, i + 1, 1000 + i, 7) < 0)
			errors++;
	}
	is_int(errors, 0, "60,000 near-copies inserted");
	struct simhash_fp q = { .bag = bag ^ 1, .seq = seq };
	ok(ndindex_lookup(ix, &q, 1000 + N, &m) == 1 && m.story_id == 1 && m.thread_id == 7,
	   "a near-copy finds the earliest of them");
	/* 4 tables for the bag alone; 4,096 a chain (WALK_MAX) */
	ok(m.visited <= 4 * 4096, "the lookup walks at most 4,096 entries a chain, not the window");
	if (m.visited > 4 * 4096)
		printf("# visited %u entries\n", (unsigned)m.visited);
	ndindex_free(ix);
}

int main(void)
{
	fixtures();
	normalisation();
	distinctive();
	distinctive_lang();
	preambles();
	arbitrary_bytes();
	index_basics();
	for (int k = 0; k <= SIMHASH_MAX_K; k++)
		index_vs_brute_force(k);
	index_crowded_blocks();
	index_backfill();
	index_update();
	index_near_copies();
	return done_testing();
}
