/* tests/unit/test_text.c — the clustering tokenizer: folding, stop words,
 * stems per language, casing cues, numbers, CJK bigrams, bad input. */
#include "daemon/text.h"
#include "daemon/stop_words.h"
#include "tests/unit/tap.h"

#include <stdlib.h>

static struct text *T;
static struct text_tokens toks;

/* Terms of s joined by spaces (static buffer). */
static const char *terms(const char *s, const char *lang)
{
	static char out[1024];
	size_t n = 0;
	text_tokens_reset(&toks);
	if (text_tokenize(T, s, strlen(s), lang, &toks) < 0)
		return "ERROR";
	out[0] = '\0';
	for (size_t i = 0; i < toks.n && n + toks.v[i].len + 2 < sizeof out; i++) {
		if (i)
			out[n++] = ' ';
		memcpy(out + n, toks.buf + toks.v[i].off, toks.v[i].len);
		n += toks.v[i].len;
		out[n] = '\0';
	}
	return out;
}

/* Flags of the token whose term is t in the last call, or -1. */
static int flags_of(const char *t)
{
	for (size_t i = 0; i < toks.n; i++)
		if (!strcmp(toks.buf + toks.v[i].off, t))
			return (int)toks.v[i].flags;
	return -1;
}

/* Whether every token of the last call carries FNV-1a (32-bit) of its
 * term, as text.h promises (the clusterer's tables use it as is). */
static int hashes_ok(void)
{
	for (size_t i = 0; i < toks.n; i++) {
		const unsigned char *p = (const unsigned char *)toks.buf + toks.v[i].off;
		uint32_t h = 2166136261u;
		for (uint32_t k = 0; k < toks.v[i].len; k++)
			h = (h ^ p[k]) * 16777619u;
		if (h != toks.v[i].hash)
			return 0;
	}
	return toks.n > 0;
}

int main(void)
{
	T = text_new();
	ok(T != NULL, "text_new");

	is_str(terms("The runners were running and jumping", "en"), "runner run jump",
	       "English: stop words dropped, Snowball stems");
	ok(hashes_ok(), "each token carries FNV-1a of its term (stemmed)");
	terms("Zürich's Ärzte streiken; 東京 marathon 2026", "de");
	ok(hashes_ok(), "... also for folded, CJK and number terms");
	terms("The runners were running and jumping", "en");
	ok(hashes_ok(), "... and for stems served from the memo");
	is_str(terms("The runners were running", NULL), "runners running",
	       "unknown language: English stop words, no stemming");
	is_str(terms("Die Straße und die STRASSE", "de-DE"), "strass strass",
	       "German: ß folds to ss, stems agree, German stop words");
	is_str(terms("Ｆｕｌｌｗｉｄｔｈ text", "en"), "fullwidth text", "NFKC folds fullwidth letters");
	is_str(terms("Éric Zemmour à Paris, manifestations", "fr"), "éric zemmour paris manifest",
	       "French: accents kept, case folded, stop word à dropped");
	is_str(terms("American dropped 14,000 flights, 13.8 million, 7 days", "en"),
	       "american drop 14000 flight 13.8 million day",
	       "numbers keep inner separators, lone digits dropped");
	is_str(terms("東京の天気", NULL), "東京 京の の天 天気", "Han/kana runs become bigrams");
	/* Thai, Lao, Khmer and Myanmar do not separate words either: their
	 * runs become bigrams too, of letters with their marks (ที่ is one),
	 * where a Thai headline was one term, or none past 64 bytes. */
	is_str(terms("แผ่นดินไหวที่เชียงใหม่", "th"),
	       "แผ่ ผ่น นดิ ดิน นไ ไห หว วที่ ที่เ เชี ชีย ยง งใ ให หม่",
	       "Thai runs become bigrams of letters with their marks");
	is_str(terms("นายกรัฐมนตรีเดินทางเยือนญี่ปุ่น", "th"),
	       "นา าย ยก กรั รัฐ ฐม มน นต ตรี รีเ เดิ ดิน นท ทา าง งเ เยื ยือ อน นญี่ ญี่ปุ่ ปุ่น",
	       "... also past 64 bytes");
	is_str(terms("ທ່າ ប្រទេស", NULL), "ທ່າ ប្រ រទេ ទេស", "... and Lao and Khmer runs");
	is_str(terms("McDonald's sales slip", "en"), "mcdonald sale slip",
	       "possessive 's is not a term");
	/* Apostrophes in every spelling: ' ’ and ʼ (U+02BC, Ukrainian's). */
	is_str(terms("Macron’s et Macronʼs plan, l’économie", "fr"), "macron macron plan économ",
	       "’ and ʼ apostrophes split as ' does");
	{
		char straight[128];
		snprintf(straight, sizeof straight, "%s", terms("об'єднання м'ясо", "uk"));
		is_str(terms("обʼєднання мʼясо", "uk"), straight, "Ukrainian ʼ as '");
	}

	terms("Officials said Putin met Xi in Beijing on Tuesday.", "en");
	ok(flags_of("putin") >= 0 && (flags_of("putin") & TEXT_PROPER), "mid-sentence capital is a name");
	ok(flags_of("offici") >= 0 && (flags_of("offici") & TEXT_SENT_START) &&
	   !(flags_of("offici") & TEXT_PROPER), "sentence start is not a name");
	ok(flags_of("met") >= 0 && !(flags_of("met") & TEXT_CAP), "lower-case word has no CAP");

	terms("Metro-North Worker Killed After Being Struck By Train", "en");
	ok(flags_of("worker") >= 0 && !(flags_of("worker") & (TEXT_CASE_OK | TEXT_PROPER)),
	   "Title Case headline: capitals are no evidence");

	terms("NTSB opens probe into crash of US airliner", "en");
	ok(flags_of("ntsb") >= 0 && (flags_of("ntsb") & TEXT_ACRONYM), "acronym flagged");
	ok(flags_of("us") >= 0 && (flags_of("us") & TEXT_ACRONYM), "acronym US kept though 'us' is a stop word");
	terms("BREAKING NEWS FROM THE COAST", "en");
	ok(flags_of("coast") >= 0 && !(flags_of("coast") & TEXT_ACRONYM), "all-caps text has no acronyms");
	terms("Flights fell 14,000", "en");
	ok(flags_of("14000") >= 0 && (flags_of("14000") & TEXT_NUMBER), "number flagged");

	/* Surface form points back into the input as written. */
	const char *in = "Shares of Veridian rose";
	terms(in, "en");
	int found = 0;
	for (size_t i = 0; i < toks.n; i++)
		if (!strcmp(toks.buf + toks.v[i].off, "veridian"))
			found = toks.v[i].src_len == 8 && !memcmp(in + toks.v[i].src_off, "Veridian", 8);
	ok(found, "token carries its original spelling");
	/* A bigram's own two characters, as written: each bigram of a run
	 * carried the whole run, which a thread's keywords then showed
	 * ("能登半島で震度" several times over). */
	{
		const char *cj = "能登半島で地震、\xef\xa4\x80国";  /* U+F900 folds to U+8C48 */
		terms(cj, "ja");
		int spans = toks.n == 7;
		for (size_t i = 0; i < toks.n; i++)
			spans &= toks.v[i].src_len == 6;
		spans &= toks.n == 7 && !memcmp(cj + toks.v[0].src_off, "能登", 6) &&
			 !memcmp(cj + toks.v[5].src_off, "地震", 6) &&
			 !memcmp(cj + toks.v[6].src_off, "\xef\xa4\x80国", 6);
		ok(spans, "a CJK bigram's source span is its two characters");
	}

	/* Turkish and Azerbaijani fold I to dotless ı and İ to i: an all-caps
	 * headline has the terms of the same words in lower case (the default
	 * folding gave "kirmizi" for KIRMIZI, "ki̇şi̇" with a combining dot for
	 * KİŞİ).  Other languages keep Unicode's default. */
	{
		char lower[256];
		snprintf(lower, sizeof lower, "%s",
			 terms("İzmir'de deprem: kırmızı alarm, kişi sayısı", "tr"));
		is_str(terms("İZMİR'DE DEPREM: KIRMIZI ALARM, KİŞİ SAYISI", "tr-TR"), lower,
		       "Turkish: all caps gives the lower-case terms");
		is_str(lower, "izmir depre kırmız alarm kiş sayıs",
		       "Turkish: İ folds to i, I to ı, stemmed, the case ending 'de no term");
		is_str(terms("KIRMIZI İSTANBUL", "az"), "kırmızı istanbul", "Azerbaijani folds alike");
		is_str(terms("KIRMIZI", "tr"), "kırmız", "... also an all-ASCII word");
		is_str(terms("KIRMIZI Istanbul", "en"), "kirmizi istanbul",
		       "other languages: I folds to i");
		is_str(terms("KIRMIZI", "tr"), "kırmız", "... and Turkish again after that");
		is_str(terms("I\xcc\x87ZMI\xcc\x87R KIRMIZI", "tr"), "izmir kırmız",
		       "... İ decomposed (I and a combining dot, NFD) as İ");
		/* Outside Turkic, the dot of İ says nothing: English sites in
		 * Turkey write İstanbul, Reuters Istanbul.  Case folding made
		 * it i and a combining dot, another term than Istanbul's. */
		is_str(terms("İstanbul İZMİR I\xcc\x87stanbul i\xcc\x87zmir", NULL),
		       "istanbul izmir istanbul izmir",
		       "other languages: İ folds to i, as do I and i with a combining dot");
		is_str(terms("İstanbul Istanbul", "en"), "istanbul istanbul", "... stemmed too");
	}
	/* Turkish writes a proper noun's case ending after an apostrophe; it
	 * is no term, in capitals no acronym either. */
	is_str(terms("Erdoğan, ABD'nin NATO'ya çağrısını eleştirdi", "tr"),
	       "erdoğa abd nato çağrı eleştir", "Turkish: 'nin, 'ya are no terms");
	is_str(terms("MALATYA'DA DEPREM: Ankara’dan açıklama", "tr"), "malatya depre ankar açıkla",
	       "... nor 'DA in capitals, nor ’dan");
	is_str(terms("Stau am Ku'damm", "de"), "stau ku damm", "other languages keep the word after one");
	/* Digits of other forms are digits: full-width ones fold to ASCII,
	 * and so do Arabic-Indic, Persian and Devanagari ones (both were
	 * dropped; then the Arabic-Indic ones were kept as written, one
	 * number two terms and ٢٠٢٦ no year). */
	is_str(terms("東京マラソン２０２６ 参加者３８０００人", "ja"),
	       "東京 京マ マラ ラソ ソン 2026 参加 加者 38000 人",
	       "full-width digits: the terms of ASCII ones");
	ok(flags_of("2026") >= 0 && (flags_of("2026") & TEXT_NUMBER), "... a number");
	is_str(terms("東京マラソン2026 参加者38000人", "ja"),
	       "東京 京マ マラ ラソ ソン 2026 参加 加者 38000 人", "... (as ASCII digits give)");
	is_str(terms("زلزال ٢٠٢٦", NULL), "زلزال 2026", "Arabic-Indic digits are ASCII ones");
	ok(flags_of("2026") >= 0 && (flags_of("2026") & TEXT_NUMBER), "... a number");
	is_str(terms("زلزله ۷ ریشتری در ۱۴۰۳، ۳۵۰۰ کشته؛ भूकंप २०२६", NULL),
	       "زلزله ريشتري در 1403 3500 كشته भूकंप 2026", "... so are Persian and Devanagari ones");
	is_str(terms("๒๕๖๘", "th"), "2568", "... and Thai ones (a Buddhist-era year)");
	/* ... and their numbers keep their separators as ASCII ones do:
	 * Hindi sites write १४,००० and ३.५, Arabic and Persian ones their own
	 * ٬ and ٫ (or , and .).  Cut at the separator, ३.५ was no term at all
	 * and १४,००० the terms "14" and "000", which 14,000 did not share. */
	is_str(terms("भूकंप में १४,००० लोग, ३.५ प्रतिशत; 14,000 लोग, 3.5 प्रतिशत", "hi"),
	       "भूकंप 14000 लोग 3.5 प्रतिशत 14000 लोग 3.5 प्रतिशत",
	       "Devanagari digits with ',' and '.': the numbers of ASCII ones");
	is_str(terms("مقتل ١٤٬٠٠٠ أو ١٤,٠٠٠ ونمو ٣٫٥ أو ٣,٥ أو ٠,١٢٥", NULL),
	       "مقتل 14000 او 14000 ونمو 3.5 او 3.5 او 0.125", "... Arabic-Indic with ٬ and ٫ (أ folded, rtl_fold.h)");
	is_str(terms("کشته ۱۴٬۰۰۰ رشد ۳٫۵", NULL), "كشته 14000 رشد 3.5",
	       "... and Persian ones (ک the Arabic letter, rtl_fold.h)");
	/* Arabic-script and Hebrew words written several ways are one term
	 * whatever the language tag (daemon/rtl_fold.h): the vowel marks and
	 * the tatweel go, the hamza forms of alef, Persian yeh and kaf, alef
	 * maksura and teh marbuta are the bare Arabic letters.  Kept, each
	 * spelling was a term of its own, and two reports that met on a name
	 * so written missed their thread. */
	{
		static const char *const same[][2] = {
			{ "عاجل: السيسـي يصل موسكـو", "عاجل: السيسي يصل موسكو" },   /* tatweel */
			{ "الرئيـــس مُحَمَّد", "الرئيس محمد" },                       /* tatweel, harakat */
			{ "رسمياً أيضاً", "رسميا ايضا" },                              /* tanween */
			{ "أحمد إسرائيل آمن مسؤول", "احمد اسرائيل امن مسوول" },        /* hamza forms */
			{ "السيسى فى القاهرة", "السيسي في القاهره" },                  /* ى ة */
			{ "مذاکرات ایران و آمریکا", "مذاكرات ايران و امريكا" },       /* ی ک */
			{ "خانۀ", "خانه" },                                            /* ۀ */
			{ "\xd8\xae\xd8\xa7\xd9\x86\xdb\x95\xd9\x94", "خانه" },  /* ۀ in NFD */
			{ "שָׁלוֹם לְכֻלָּם", "שלום לכלם" },                            /* niqqud */
			{ "בְּרֵאשִׁ֖ית", "בראשית" },                                    /* and a cantillation mark */
		};
		char want[256], name[256];
		for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
			snprintf(want, sizeof want, "%s", terms(same[i][1], NULL));
			snprintf(name, sizeof name, "one word however written: %s", same[i][0]);
			is_str(terms(same[i][0], NULL), want, name);
			snprintf(want, sizeof want, "%s", terms(same[i][1], "fa"));
			snprintf(name, sizeof name, "... so in Persian: %s", same[i][0]);
			is_str(terms(same[i][0], "fa"), want, name);
		}
		is_str(terms("ـــ بـ ٢٠٢٦", NULL), "2026", "a tatweel is no letter (\"بـ\" is one)");
		/* Under "ar", Snowball's stemmer reads the hamza forms, ة and ى
		 * by their place: they reach it as written, marks and tatweel
		 * gone (its own normalisation, so its stems are as they were). */
		is_str(terms("الحكومة الحكومات نبأ الرئيـــس مُحَمَّد", "ar"), "حكوم حكوم نبء رييس محمد",
		       "Arabic: Snowball's stems as they were");
		snprintf(want, sizeof want, "%s", terms("ايران كشور", "ar"));
		is_str(terms("ایران کشور", "ar"), want, "... and Persian letters are Arabic ones for it");
		is_str(terms("Café İstanbul ÉCOLE", NULL), "café istanbul école",
		       "Latin letters are as they were");
	}
	/* A decimal comma is a decimal point, not a thousands separator. */
	is_str(terms("Inflation bei 3,5 Prozent, 35 Tote, 0,25 Punkte, 0,125 Punkte, 14,000 Euro", "de"),
	       "inflation 3.5 prozent 35 tot 0.25 punkt 0.125 punkt 14000 euro", "3,5 is 3.5, not 35");
	/* Thousands grouped with a space, no-break, narrow no-break or thin
	 * (French, Russian...) are one number, as 2,000 is: the groups gave
	 * a term "000" shared by every story with a round number. */
	is_str(terms("3\xe2\x80\xaf" "000 hectares, 2\xc2\xa0" "000 pompiers, 1\xe2\x80\xaf" "250\xe2\x80\xaf"
	             "000,5 euros, 7\xe2\x80\x89" "500 km, 10 000 trains, 200 000 voyageurs", "fr"),
	       "3000 hectar 2000 pompi 1250000.5 euros 7500 km 10000 train 200000 voyageur",
	       "2 000 (a space of any width) is 2000");
	ok(flags_of("7500") >= 0 && (flags_of("7500") & TEXT_NUMBER), "... a number");
	is_str(terms("2019\xc2\xa0" "300 personnes, 12\xc2\xa0" "3456, 1\xc2\xa0" "25 ans, en 2023 150 000 morts",
	             "fr"),
	       "2019 300 person 12 3456 25 an 2023 150000 mort", "... but not groups of other sizes");
	is_str(terms("May 5 100 protesters marched, 7\xc2\xa0" "500 km", "en"),
	       "may 100 protest march 7500 km",
	       "... and in English (or no language) only a no-break or thin space groups them");
	is_str(terms("Le 5 100 manifestants", NULL), "le 100 manifestants", "... none without a language");
	/* A letter with digits is a name, as digits with a letter are. */
	is_str(terms("G20 summit: G7, F1 and A380 talk; 5G, 4K, MH17, s x", "en"),
	       "g20 summit g7 f1 a380 talk 5g 4k mh17", "G20, F1, A380 kept as 5G and MH17 are");
	/* Blanks around a language tag (an xml:lang=" de-DE ") do not lose it. */
	ok(text_has_stemmer(T, " de-DE ") && text_has_stemmer(T, "\n  en-us\n"),
	   "blanks around a language tag");
	is_str(terms("Die Läufer liefen", " de "), "lauf lief", "... stemmed as without them");

	/* Every language code a long-running worker meets (here every two-
	 * and three-letter one) leaves the languages Snowball has stemmed:
	 * the first 32 codes seen used to fill the table for good. */
	{
		struct text *u = text_new();
		char code[4] = { 0 };
		for (int i = 0; u && i < 26 * 26 * 27; i++) {
			code[0] = (char)('a' + i / (26 * 27));
			code[1] = (char)('a' + i / 27 % 26);
			code[2] = i % 27 ? (char)('a' + i % 27 - 1) : '\0';
			text_has_stemmer(u, code);
		}
		struct text_tokens k = { 0 };
		ok(u && text_has_stemmer(u, "de") && text_has_stemmer(u, "sv") &&
		   text_has_stemmer(u, "deu") && text_has_stemmer(u, "tr") && !text_has_stemmer(u, "ja"),
		   "after 18,252 language codes, each Snowball language has its stemmer");
		ok(u && text_tokenize(u, "Flughafens", 10, "de-AT", &k) == 0 && k.n == 1 &&
		   !strcmp(k.buf, "flughaf"), "... and stems with it");
		/* Polish has no stemmer, but stop words of its own. */
		text_tokens_reset(&k);
		ok(u && text_tokenize(u, "oraz jest się", 14, "pl", &k) == 0 && k.n == 0,
		   "... and a language with stop words but no stemmer has them");
		text_tokens_free(&k);
		text_free(u);
	}
	/* Stop words of the news languages the nine first lists leave out
	 * (daemon/stop_words.h): such a story took the English list, so
	 * "что", "на", "bir", "bu", "در", "به" were terms, two unrelated
	 * headlines that shared only them joined, and a thread's keywords
	 * were those words. */
	{
		static const char *const cases[][3] = {
			{ "ru", "Что известно о пожаре на складе в Казани и кто за это ответит",
			  "известн пожар склад казан ответ" },
			{ "uk", "Що відомо про пожежу на складі у Львові та хто за це відповість",
			  "відомо пожежу складі львові відповість" },
			{ "bg", "Какво се знае за пожара в склада във Варна и кой ще плати",
			  "знае пожара склада варна плати" },
			{ "pl", "Co wiadomo o pożarze w magazynie w Łodzi i kto za to odpowie",
			  "wiadomo pożarze magazynie łodzi odpowie" },
			{ "cs", "Co je známo o požáru skladu v Brně a kdo za to může",
			  "známo požáru skladu brně" },
			{ "sk", "Čo je známe o požiari skladu v Košiciach a kto za to môže",
			  "známe požiari skladu košiciach" },
			{ "hr", "Što se zna o požaru u skladištu u Splitu i tko je za to kriv",
			  "zna požaru skladištu splitu kriv" },
			{ "sr", "Шта се зна о пожару у складишту у Нишу и ко је за то крив",
			  "zna požar skladišt niš kriv" },
			{ "tr", "Bu yıl İstanbul'da bir köprü ve bir tünel için de karar verildi",
			  "yıl istanbul köprü tünel karar veril" },
			{ "el", "Τι είναι γνωστό για τη φωτιά στην αποθήκη της Πάτρας και ποιος θα πληρώσει",
			  "γνωστ φωτ αποθηκ πατρ πληρωσ" },
			{ "fi", "Mitä tiedetään varaston tulipalosta Tampereella ja kuka on vastuussa",
			  "tiede varasto tulipalo tamper vastu" },
			{ "hu", "Mit tudunk a győri raktártűzről és ki a felelős érte",
			  "tud győr raktártűz felelős ért" },
			{ "ro", "Ce se știe despre incendiul de la depozitul din Cluj și cine este vinovat",
			  "știe incend depoz cluj vinov" },
			{ "ar", "ارتفاع أسعار الخبز في القاهرة على الرغم من الدعم الذي قدمته الحكومة",
			  "ارتفاع اسعار خبز قاهر دعم قدم حكوم" },
			{ "fa", "افزایش قیمت نان در تهران و واکنش مردم به این تصمیم که از امروز اجرا شد",
			  "افزايش قيمت نان تهران واكنش مردم تصميم امروز اجرا" },
			{ "ur", "کراچی میں آٹے کی قیمت میں اضافہ اور عوام کا ردعمل بھی سامنے آیا",
			  "كراچي اٹے قيمت اضافہ عوام ردعمل سامنے ايا" },
			{ "he", "שריפה במחסן בחיפה: מה ידוע על האירוע ומי אחראי לו",
			  "שריפה במחסן בחיפה ידוע האירוע אחראי" },
			{ "hi", "दिल्ली में गोदाम में आग लगी और पुलिस ने जांच के लिए टीम भेजी है",
			  "दिल्ल गोदाम आग लग पुलिस जांच टीम भेज" },
			{ "id", "Kebakaran di gudang di Surabaya dan siapa yang bertanggung jawab atas hal itu",
			  "bakar gudang surabaya tanggung jawab hal" },
			{ "ms", "Kebakaran di gudang di Johor dan siapa yang bertanggungjawab atas perkara itu",
			  "kebakaran gudang johor bertanggungjawab perkara" },
		};
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			char what[64];
			snprintf(what, sizeof what, "%s: its own stop words", cases[i][0]);
			is_str(terms(cases[i][1], cases[i][0]), cases[i][2], what);
		}
		/* Each list is as the tokenizer folds, under each of its codes:
		 * a word written otherwise would never match. */
		for (size_t i = 0; i < STOP_MORE_N; i++) {
			const char *c = stop_more[i].codes;
			while (*c) {
				char code[4] = { 0 }, what[64];
				memcpy(code, c, 2);
				snprintf(what, sizeof what, "%s: every word of its list is a stop word", code);
				is_str(terms(stop_more[i].words, code), "", what);
				c += c[2] ? 3 : 2;
			}
		}
		/* No language tag: the English list, whatever the script (no
		 * language is guessed). */
		is_str(terms("Что известно о пожаре, the fire", NULL), "что известно пожаре fire",
		       "no language: English stop words only");
		/* Under the other names of the language. */
		static const char *const names[][2] = {
			{ "rus", "ru" }, { "Russian", "ru" }, { "ukr", "uk" }, { "Ukrainian", "uk" },
			{ "pol", "pl" }, { "Polish", "pl" }, { "cze", "cs" }, { "ces", "cs" },
			{ "slk", "sk" }, { "bul", "bg" }, { "hrv", "hr" }, { "fas", "fa" },
			{ "per", "fa" }, { "Persian", "fa" }, { "Farsi", "fa" }, { "urd", "ur" },
			{ "heb", "he" }, { "Hebrew", "he" }, { "iw-IL", "he" }, { "ell", "el" },
			{ "ara", "ar" }, { "tur", "tr" }, { "msa", "ms" }, { "Malay", "ms" },
		};
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			size_t j = 0;
			while (strcmp(cases[j][0], names[i][1]))
				j++;
			char what[64];
			snprintf(what, sizeof what, "%s is %s: its stop words", names[i][0], names[i][1]);
			is_str(terms(cases[j][1], names[i][0]), cases[j][2], what);
		}
	}

	ok(text_has_stemmer(T, "en-GB"), "en-GB has a stemmer");
	ok(text_has_stemmer(T, "nb"), "nb maps to Norwegian");
	ok(!text_has_stemmer(T, "xx"), "no stemmer for xx");

	/* The other ways feeds name a language: ISO 639-2 codes and English
	 * names are the two-letter code's language, its stop words and
	 * folding too (a "deu" story kept "die" and "und" as terms, a "tur"
	 * one folded İ to i with a combining dot; "German" was unstemmed). */
	{
		static const char *const de[] = { "deu", "ger", "German", "GERMAN", "german-DE" };
		const char *want = "soldat angriff stadt";
		char *got;
		for (size_t i = 0; i < sizeof de / sizeof de[0]; i++) {
			char what[64];
			snprintf(what, sizeof what, "%s is de: stems and stop words", de[i]);
			got = strdup(terms("Die Soldaten bei den Angriffen auf die Städte", de[i]));
			is_str(got, want, what);
			free(got);
		}
		got = strdup(terms("İSTİFA: Ankara'da Irak", "tr"));
		is_str(terms("İSTİFA: Ankara'da Irak", "tur"), got, "tur is tr: folding, case endings");
		is_str(terms("İSTİFA: Ankara'da Irak", "Turkish"), got, "Turkish is tr");
		free(got);
		is_str(terms("The soldiers were killed", "English"), "soldier kill", "English is en");
		is_str(terms("Les soldats sont dans les villes", "fra"), "soldat vill", "fra is fr");
		/* ISO 639-1's withdrawn codes, which Java wrote until 17
		 * (Locale: "in_ID" for Indonesian): that language's, as "id";
		 * "in" alone may mean India, and stays unknown. */
		got = strdup(terms("Para tentara menyerang kota-kota di perbatasan", "id"));
		is_str(terms("Para tentara menyerang kota-kota di perbatasan", "in_ID"), got, "in_ID is id");
		is_str(terms("Para tentara menyerang kota-kota di perbatasan", "in-id"), got, "in-id is id");
		free(got);
		is_str(terms("The soldiers were killed", "in"), "soldiers killed", "in alone: no language");
		is_str(terms("The soldiers were killed", "in-IDX"), "soldiers killed", "in-IDX: no language");
		got = strdup(terms("Soldatii au atacat orasele de la granita", "ro"));
		is_str(terms("Soldatii au atacat orasele de la granita", "mo"), got, "mo is ro");
		free(got);
		ok(text_has_stemmer(T, "nob") && text_has_stemmer(T, "nno-NO") &&
		   text_has_stemmer(T, "Norwegian"), "nob, nno, Norwegian map to Norwegian");
		ok(!text_has_stemmer(T, "Japanese") && !text_has_stemmer(T, "jpn") &&
		   !text_has_stemmer(T, "x-default") && !text_has_stemmer(T, "*") &&
		   !text_has_stemmer(T, "") && !text_has_stemmer(T, "aVeryLongLanguageName"),
		   "other names and codes: none");
	}
	ok(!text_has_stemmer(T, NULL), "no stemmer without a language");

	const char bad[] = "caf\xc3 \xff\xfe ok\xe2\x82 words";
	ok(strcmp(terms(bad, "en"), "ERROR") != 0, "invalid UTF-8 does not fail");
	is_str(terms("", "en"), "", "empty input, no terms");

	/* Long input grows the internal arrays. */
	size_t big = 200000;
	char *s = malloc(big + 1);
	for (size_t i = 0; i < big; i++)
		s[i] = "alpha bravo "[i % 12];
	s[big] = '\0';
	text_tokens_reset(&toks);
	ok(text_tokenize(T, s, big, "en", &toks) == 0 && toks.n > 30000, "long input tokenized");
	free(s);

	/* The stem memo keys on the language: one word, two stemmers. */
	char en1[64], de1[64];
	snprintf(en1, sizeof en1, "%s", terms("Stationen und Aktionen", "en"));
	snprintf(de1, sizeof de1, "%s", terms("Stationen und Aktionen", "de"));
	ok(strcmp(en1, de1) != 0, "English and German stems differ");
	is_str(terms("Stationen und Aktionen", "en"), en1, "memoised English stem again");
	is_str(terms("Stationen und Aktionen", "de"), de1, "memoised German stem again");

	/* More distinct words than the memo keeps (262,144): it starts over
	 * and stems stay right. */
	size_t nw = 300000, cap = nw * 8;
	char *many = malloc(cap), *p = many;
	for (size_t k = 0; k < nw; k++) {
		size_t v = k;
		*p++ = 'q';
		do {
			*p++ = (char)('a' + v % 26);
			v /= 26;
		} while (v);
		*p++ = 's';
		*p++ = ' ';
	}
	text_tokens_reset(&toks);
	ok(text_tokenize(T, many, (size_t)(p - many), "en", &toks) == 0 && toks.n == nw,
	   "300,000 distinct words tokenized");
	{
		/* The last word's stem, from the memo, is the one a fresh
		 * tokenizer gives. */
		struct text *fresh = text_new();
		struct text_tokens one = { 0 };
		const struct text_token *last = &toks.v[toks.n - 1];
		ok(fresh && text_tokenize(fresh, many + last->src_off, last->src_len, "en", &one) == 0 &&
		   one.n == 1 && !strcmp(one.buf, toks.buf + last->off) && last->len + 1 == last->src_len,
		   "last of them stemmed as by a fresh tokenizer");
		text_tokens_free(&one);
		text_free(fresh);
	}
	free(many);
	is_str(terms("The runners were running and jumping", "en"), "runner run jump",
	       "stems right after the memo started over");

	/* Long words fill the memo's 16 MiB of records before its word count:
	 * it starts over on bytes too. */
	nw = 150000;
	many = malloc(nw * 64);
	p = many;
	for (size_t k = 0; k < nw; k++) {
		size_t v = k;
		for (int d = 0; d < 55; d++) {
			*p++ = (char)('a' + v % 26);
			v /= 26;
		}
		memcpy(p, "ing ", 4);
		p += 4;
	}
	text_tokens_reset(&toks);
	ok(text_tokenize(T, many, (size_t)(p - many), "en", &toks) == 0 && toks.n == nw,
	   "150,000 long distinct words tokenized");
	free(many);
	is_str(terms("The runners were running and jumping", "en"), "runner run jump",
	       "stems right after the memo started over on bytes");

	/* Kept tokens (a parsed feed keeps them until it is stored) hold
	 * just their terms, the same terms as text_tokenize's; refilling
	 * them replaces what they held. */
	{
		struct text_tokens a = { 0 };
		const char *call = "Reuters and AP report the call on Taiwan and soybeans";

		text_tokens_reset(&toks);
		ok(text_tokenize(T, call, strlen(call), "en", &toks) == 0 && toks.n == 6, "six terms");
		ok(text_tokenize_kept(T, call, strlen(call), "en", &a) == 0, "kept: tokenized");
		ok(a.n == 6 && a.cap == 6 && a.buf_len == toks.buf_len && a.buf_cap == toks.buf_len + 1,
		   "kept: room for its six terms only");
		ok(a.n == toks.n && !memcmp(a.buf, toks.buf, toks.buf_len) &&
		   !memcmp(a.v, toks.v, toks.n * sizeof *a.v), "kept: the same terms and tokens");
		ok(text_tokenize_kept(T, "Soybeans", 8, "en", &a) == 0 && a.n == 1 &&
		   !strcmp(a.buf + a.v[0].off, "soybean"), "kept: refilled, the old terms gone");
		ok(text_tokenize_kept(T, "the and", 7, "en", &a) == 0 && a.n == 0 && !a.v,
		   "kept: no terms, nothing held");
		text_tokens_free(&a);
	}

	/* A summary cut at so many characters: the word an ellipsis cuts
	 * at the end of a line or of the text is no term; an ellipsis
	 * inside a line, or after a space, leaves the word before it. */
	{
		static const struct {
			const char *s, *want;
		} cut[] = {
			{ "said Sheriff Kurt Hoffm\xe2\x80\xa6", "sheriff kurt" },
			{ "rescued by helicopte...", "rescu" },
			{ "by helicopte\xe2\x80\xa6 \nThe post Milton appeared first", "post milton appear first" },
			{ "by helicopte...\r\nRead more", "read" },
			{ "Wait... the helicopter landed", "wait helicopt land" },
			{ "the helicopter landed \xe2\x80\xa6", "helicopt land" },
			{ "the helicopter landed [\xe2\x80\xa6]", "helicopt land" },
			{ "the helicopter landed.", "helicopt land" },
			{ "\xe2\x80\xa6", "" },
		};
		for (size_t i = 0; i < sizeof cut / sizeof *cut; i++) {
			char got[256] = "";
			size_t n = 0;
			text_tokens_reset(&toks);
			ok(text_tokenize(T, cut[i].s, strlen(cut[i].s), "en", &toks) == 0, "cut: tokenized");
			text_drop_cut(cut[i].s, strlen(cut[i].s), &toks);
			for (size_t k = 0; k < toks.n && n + toks.v[k].len + 2 < sizeof got; k++) {
				if (k)
					got[n++] = ' ';
				memcpy(got + n, toks.buf + toks.v[k].off, toks.v[k].len);
				n += toks.v[k].len;
				got[n] = '\0';
			}
			is_str(got, cut[i].want, "cut: the terms left");
		}
	}
	text_tokens_free(&toks);
	text_free(T);
	return done_testing();
}
