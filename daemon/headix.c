/* daemon/headix.c — recent stories by (publisher, headline); see headix.h. */
#include "daemon/headix.h"
#include "daemon/rtl_fold.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

struct hentry {
	uint64_t key;        /* 0: free */
	uint64_t text;
	int64_t time;
	int64_t id : 61;     /* SQLite's rowids stay far below 2^60 */
	uint64_t plain : 1, via_aggregator : 1,
	         stem : 1;   /* a publisher's item under its stem_key */
};
_Static_assert(sizeof(struct hentry) == 32, "struct hentry: 32 bytes");

struct headix {
	struct hentry *t;
	size_t mask, n;      /* capacity - 1, entries */
	int64_t window, newest;
};

static uint64_t fnv_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ull;
}

/* Whether code point c (not ASCII) is part of a word: a letter, a mark,
 * a digit.  Spaces, dashes, quotes, guillemets, symbols are separators;
 * so is U+02BC ʼ, an apostrophe as ' and ’ are (daemon/text.c). */
static int word_cp(utf8proc_int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return c != 0x2bc && ((k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_ME) ||
	                      (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO));
}

/* Bytes of a UTF-8 space, dash, quote or ellipsis at s (U+00A0,
 * U+2000-U+200A, U+2010-U+201F, U+2026, U+202F), else 0: a separator of
 * headline_shape()'s words.  (A no-break space is how many sites write
 * "October&nbsp;12": read as a letter, it made "October\u00a012" one
 * word, and the headline no dated one.) */
static int utf8_punct(const unsigned char *s)
{
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	return s[0] == 0xe2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8a) ||
	                                        (s[2] >= 0x90 && s[2] <= 0x9f) || s[2] == 0xa6 ||
	                                        s[2] == 0xaf) ? 3 : 0;
}

/* Whether the word w[0..n) (lower case) names a month or a weekday, in
 * full or as news abbreviates them ("Oct", "Sept", "Tues"; not "mar",
 * "mon", "wed", "sat", "sun", which are words too): 1 for a month, 4 for
 * a weekday, 2 for "may" and "march", a month or a word (headline_shape()
 * decides by their neighbours). */
static int date_name(const char *w, size_t n)
{
	/* (Every headline's every word comes here: the length and the first
	 * letter turn most away before a name is compared.) */
	static const struct { char s[10]; unsigned char n, kind; } names[] = {
		{ "january", 7, 1 }, { "february", 8, 1 }, { "april", 5, 1 }, { "june", 4, 1 },
		{ "july", 4, 1 }, { "august", 6, 1 }, { "september", 9, 1 }, { "october", 7, 1 },
		{ "november", 8, 1 }, { "december", 8, 1 }, { "jan", 3, 1 }, { "feb", 3, 1 },
		{ "apr", 3, 1 }, { "jun", 3, 1 }, { "jul", 3, 1 }, { "aug", 3, 1 }, { "sep", 3, 1 },
		{ "sept", 4, 1 }, { "oct", 3, 1 }, { "nov", 3, 1 }, { "dec", 3, 1 },
		{ "monday", 6, 4 }, { "tuesday", 7, 4 }, { "wednesday", 9, 4 }, { "thursday", 8, 4 },
		{ "friday", 6, 4 }, { "saturday", 8, 4 }, { "sunday", 6, 4 }, { "tue", 3, 4 },
		{ "tues", 4, 4 }, { "thu", 3, 4 }, { "thur", 4, 4 }, { "thurs", 5, 4 },
		{ "fri", 3, 4 },
	};

	if (n < 3 || n > 9 || !memchr("adfjmnostw", w[0], 10))
		return 0;
	if ((n == 3 && !memcmp(w, "may", 3)) || (n == 5 && !memcmp(w, "march", 5)))
		return 2;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (names[i].n == n && names[i].s[0] == w[0] && !memcmp(names[i].s, w, n))
			return names[i].kind;
	return 0;
}

/* Whether w[0..n) is, in any case (lower case beyond ASCII: the
 * headline is case folded), a month's or a weekday's name in one of the
 * languages feeds/date.c reads dates in (German, French, Spanish,
 * Italian, Portuguese, Dutch, Greek, Hungarian) or Russian, Turkish or
 * Arabic: 1; 5 for
 * the first half of a Portuguese weekday ("quarta" of "quarta-feira"),
 * 6 for its "feira", 7 for a month that is a word of English too; else
 * 0.  Many are words too ("Domingo", "sabato", "pazar"):
 * headline_shape() asks only of a day's or a year's neighbours. */
static int local_date_name(const unsigned char *w, size_t n)
{
#define N(x) { x, sizeof x - 1, 1 }
#define K(x, kind) { x, sizeof x - 1, kind }
	/* German, French, Spanish, Italian, Portuguese, Dutch, Greek,
	 * Hungarian, Russian, Turkish, Arabic; K(, 7): words of English too ("Mars 2020",
	 * "Mayo 2025"), a month only after a day ("3 mars", "3. Mai");
	 * K(, 5) and K(, 6): "quarta-feira".  Sorted by length, then bytes
	 * (bisected). */
	static const struct { char s[24]; unsigned char n, kind; } names[] = {
		K("mai", 7), K("mei", 7), N("cuma"), K("ekim", 7), N("juin"), N("juli"), N("juni"),
		N("maio"), K("mars", 7), K("mart", 7), K("mayo", 7), K("ocak", 7), N("abril"),
		N("ao\xc3\xbbt"), N("avril"), N("enero"), K("feira", 6), N("jeudi"), N("julho"),
		N("julio"), N("junho"), N("junio"), N("lundi"), N("lunes"), N("maart"), N("mardi"),
		N("marzo"), N("m\xc3\xa4rz"), K("nisan", 7), N("pazar"), N("sal\xc4\xb1"),
		K("sexta", 5), N("agosto"), N("aprile"), N("eyl\xc3\xbcl"), N("giugno"),
		N("januar"), N("jueves"), N("kas\xc4\xb1m"), N("luglio"), N("maggio"), N("martes"),
		N("mar\xc3\xa7o"), N("may\xc4\xb1s"), N("montag"), N("m\xc3\xa1jus"),
		K("quarta", 5), K("quinta", 5), N("sabato"), N("samedi"), N("temmuz"),
		K("ter\xc3\xa7" "a", 5), N("zondag"), N("\xc5\x9fubat"),
		N("\xd0\xbc\xd0\xb0\xd0\xb9"), N("\xd0\xbc\xd0\xb0\xd1\x8f"), N("aral\xc4\xb1k"),
		N("dinsdag"), N("domingo"), N("febrero"), N("februar"), N("freitag"), N("gennaio"),
		N("haziran"), N("janeiro"), N("januari"), N("janu\xc3\xa1r"), N("janvier"),
		N("juillet"), N("j\xc3\xa4nner"), N("j\xc3\xbalius"), N("j\xc3\xbanius"),
		N("luned\xc3\xac"), N("maandag"), N("octobre"), N("octubre"), N("oktober"),
		N("ottobre"), N("outubro"), N("samstag"), K("segunda", 5), N("sonntag"),
		N("s\xc3\xa1" "bado"), N("viernes"), N("vrijdag"), N("augustus"),
		N("a\xc4\x9fustos"), N("dezember"), N("dezembro"), N("dicembre"), N("dienstag"),
		N("dimanche"), N("domenica"), N("febbraio"), N("februari"), N("febru\xc3\xa1r"),
		N("f\xc3\xa9vrier"), N("gioved\xc3\xac"), N("marted\xc3\xac"), N("mercredi"),
		N("mittwoch"), N("m\xc3\xa1rcius"), N("novembre"), N("okt\xc3\xb3" "ber"),
		N("setembro"), N("vendredi"), N("venerd\xc3\xac"), N("woensdag"), N("zaterdag"),
		N("\xc3\xa1prilis"), N("\xd0\xb8\xd1\x8e\xd0\xbb\xd1\x8c"),
		N("\xd0\xb8\xd1\x8e\xd0\xbb\xd1\x8f"), N("\xd0\xb8\xd1\x8e\xd0\xbd\xd1\x8c"),
		N("\xd0\xb8\xd1\x8e\xd0\xbd\xd1\x8f"), N("\xd0\xbc\xd0\xb0\xd1\x80\xd1\x82"),
		N("\xd9\x85\xd8\xa7\xd8\xb1\xd8\xb3"), N("\xd9\x85\xd8\xa7\xd9\x8a\xd9\x88"),
		N("augusztus"), N("cumartesi"), N("diciembre"), N("donderdag"),
		N("d\xc3\xa9" "cembre"), N("fevereiro"), N("noviembre"), N("pazartesi"),
		N("per\xc5\x9f" "embe"), N("septembre"), N("setiembre"), N("settembre"),
		N("sonnabend"), N("donnerstag"), N("mercoled\xc3\xac"), N("mi\xc3\xa9rcoles"),
		N("septiembre"), N("szeptember"), N("\xc3\xa7" "ar\xc5\x9f" "amba"),
		N("\xce\xbc\xce\xb1\xce\x90\xce\xbf\xcf\x85"),
		N("\xd0\xbc\xd0\xb0\xd1\x80\xd1\x82\xd0\xb0"),
		N("\xd8\xa3\xd8\xa8\xd8\xb1\xd9\x8a\xd9\x84"),
		N("\xd8\xa3\xd8\xba\xd8\xb3\xd8\xb7\xd8\xb3"),
		N("\xd8\xa7\xd8\xa8\xd8\xb1\xd9\x8a\xd9\x84"),
		N("\xd8\xa7\xd8\xba\xd8\xb3\xd8\xb7\xd8\xb3"),
		N("\xd9\x8a\xd9\x86\xd8\xa7\xd9\x8a\xd8\xb1"),
		N("\xd9\x8a\xd9\x88\xd9\x84\xd9\x8a\xd9\x88"),
		N("\xd9\x8a\xd9\x88\xd9\x86\xd9\x8a\xd9\x88"),
		N("\xd0\xb0\xd0\xb2\xd0\xb3\xd1\x83\xd1\x81\xd1\x82"),
		N("\xd0\xb0\xd0\xbf\xd1\x80\xd0\xb5\xd0\xbb\xd1\x8c"),
		N("\xd0\xb0\xd0\xbf\xd1\x80\xd0\xb5\xd0\xbb\xd1\x8f"),
		N("\xd0\xbd\xd0\xbe\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8c"),
		N("\xd0\xbd\xd0\xbe\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8f"),
		N("\xd1\x8f\xd0\xbd\xd0\xb2\xd0\xb0\xd1\x80\xd1\x8c"),
		N("\xd1\x8f\xd0\xbd\xd0\xb2\xd0\xb0\xd1\x80\xd1\x8f"),
		N("\xd8\xa3\xd9\x83\xd8\xaa\xd9\x88\xd8\xa8\xd8\xb1"),
		N("\xd8\xa7\xd9\x83\xd8\xaa\xd9\x88\xd8\xa8\xd8\xb1"),
		N("\xd8\xaf\xd9\x8a\xd8\xb3\xd9\x85\xd8\xa8\xd8\xb1"),
		N("\xd8\xb3\xd8\xa8\xd8\xaa\xd9\x85\xd8\xa8\xd8\xb1"),
		N("\xd9\x81\xd8\xa8\xd8\xb1\xd8\xa7\xd9\x8a\xd8\xb1"),
		N("\xd9\x86\xd9\x88\xd9\x81\xd9\x85\xd8\xa8\xd8\xb1"),
		N("\xce\xb9\xce\xbf\xcf\x85\xce\xbb\xce\xaf\xce\xbf\xcf\x85"),
		N("\xce\xb9\xce\xbf\xcf\x85\xce\xbd\xce\xaf\xce\xbf\xcf\x85"),
		N("\xce\xbc\xce\xb1\xcf\x81\xcf\x84\xce\xaf\xce\xbf\xcf\x85"),
		N("\xd0\xb0\xd0\xb2\xd0\xb3\xd1\x83\xd1\x81\xd1\x82\xd0\xb0"),
		N("\xd0\xb4\xd0\xb5\xd0\xba\xd0\xb0\xd0\xb1\xd1\x80\xd1\x8c"),
		N("\xd0\xb4\xd0\xb5\xd0\xba\xd0\xb0\xd0\xb1\xd1\x80\xd1\x8f"),
		N("\xd0\xbe\xd0\xba\xd1\x82\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8c"),
		N("\xd0\xbe\xd0\xba\xd1\x82\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8f"),
		N("\xd1\x84\xd0\xb5\xd0\xb2\xd1\x80\xd0\xb0\xd0\xbb\xd1\x8c"),
		N("\xd1\x84\xd0\xb5\xd0\xb2\xd1\x80\xd0\xb0\xd0\xbb\xd1\x8f"),
		N("\xce\xb1\xcf\x80\xcf\x81\xce\xb9\xce\xbb\xce\xaf\xce\xbf\xcf\x85"),
		N("\xd1\x81\xd0\xb5\xd0\xbd\xd1\x82\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8c"),
		N("\xd1\x81\xd0\xb5\xd0\xbd\xd1\x82\xd1\x8f\xd0\xb1\xd1\x80\xd1\x8f"),
		N("\xce\xb1\xcf\x85\xce\xb3\xce\xbf\xcf\x8d\xcf\x83\xcf\x84\xce\xbf\xcf\x85"),
		N("\xce\xbd\xce\xbf\xce\xb5\xce\xbc\xce\xb2\xcf\x81\xce\xaf\xce\xbf\xcf\x85"),
		N("\xce\xbf\xce\xba\xcf\x84\xcf\x89\xce\xb2\xcf\x81\xce\xaf\xce\xbf\xcf\x85"),
		N("\xce\xb4\xce\xb5\xce\xba\xce\xb5\xce\xbc\xce\xb2\xcf\x81\xce\xaf\xce\xbf\xcf\x85"),
		N("\xce\xb9\xce\xb1\xce\xbd\xce\xbf\xcf\x85\xce\xb1\xcf\x81\xce\xaf\xce\xbf\xcf\x85"),
		N("\xcf\x83\xce\xb5\xcf\x80\xcf\x84\xce\xb5\xce\xbc\xce\xb2\xcf\x81\xce\xaf\xce\xbf\xcf\x85"),
		N("\xcf\x86\xce\xb5\xce\xb2\xcf\x81\xce\xbf\xcf\x85\xce\xb1\xcf\x81\xce\xaf\xce\xbf\xcf\x85"),
	};

	if (n < 3 || n > 24)
		return 0;
	char lw[24];
	for (size_t i = 0; i < n; i++)
		lw[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
	size_t lo = 0, hi = sizeof names / sizeof *names;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = names[mid].n != n ? (names[mid].n < n ? -1 : 1) : memcmp(names[mid].s, lw, n);
		if (!c)
			return names[mid].kind;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
#undef N
#undef K
}

/* Whether w[0..n) is the "de" of "3 de diciembre" ("di", "do", "da",
 * "del"). */
static int date_of(const unsigned char *w, size_t n)
{
	return (n == 2 && (w[0] | 0x20) == 'd' && memchr("eioa", w[1] | 0x20, 4)) ||
	       (n == 3 && !strncasecmp((const char *)w, "del", 3));
}

/* Whether s starts with the three bytes m. */
static int at3(const unsigned char *s, const char *m)
{
	return s[0] == (unsigned char)m[0] && s[1] == (unsigned char)m[1] && s[2] == (unsigned char)m[2];
}

/* Bytes of a Chinese weekday at s, "星期三" (or "周三" when short_ok);
 * else 0. */
static size_t cjk_weekday(const unsigned char *s, int short_ok)
{
	static const char days[][4] = { "\xe4\xb8\x80", "\xe4\xba\x8c", "\xe4\xb8\x89", "\xe5\x9b\x9b",
	                                "\xe4\xba\x94", "\xe5\x85\xad", "\xe6\x97\xa5", "\xe5\xa4\xa9" };
	size_t n = at3(s, "\xe6\x98\x9f") && at3(s + 3, "\xe6\x9c\x9f") ? 6 :
	           short_ok && at3(s, "\xe5\x91\xa8") ? 3 : 0;
	if (n)
		for (size_t j = 0; j < 8; j++)
			if (at3(s + n, days[j]))
				return n + 3;
	return 0;
}

/* Bytes of a year, month or day written the Chinese, Japanese or Korean
 * way at s ("2025年", "12月", "3日", "3号", "12월", "3일"), a weekday
 * after the day ("3日(水)", "3日星期三", "3日周三") with it; else 0. */
static size_t cjk_date(const unsigned char *s)
{
	static const char marks[][4] = { "\xe5\xb9\xb4", "\xe6\x9c\x88", "\xe6\x97\xa5", "\xe5\x8f\xb7",
	                                 "\xeb\x85\x84", "\xec\x9b\x94", "\xec\x9d\xbc" };
	static const char days[][4] = { "\xe6\x9c\x88", "\xe7\x81\xab", "\xe6\xb0\xb4", "\xe6\x9c\xa8",
	                                "\xe9\x87\x91", "\xe5\x9c\x9f", "\xe6\x97\xa5" };
	size_t d = 0;
	while (d < 4 && s[d] >= '0' && s[d] <= '9')
		d++;
	if (!d || s[d] < 0x80)
		return 0;
	for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
		if (at3(s + d, marks[i])) {
			size_t n = d + 3;
			if (i == 2 && s[n] == '(')
				for (size_t j = 0; j < 7; j++)
					if (at3(s + n + 1, days[j]) && s[n + 4] == ')')
						return n + 5;
			return n + (i == 2 || i == 3 ? cjk_weekday(s + n, 1) : 0);
		}
	return 0;
}

/* Bytes of a date in numbers at s: "03.12.2025", "3/12/25",
 * "2025-12-03", and of two numbers of 2 digits, "12/03" and "03.12.";
 * else 0.  (Not "1.2.3", "6.12.25", "24/7", "9/11", "3-1" nor "10.25".) */
static size_t numeric_date(const unsigned char *s)
{
	unsigned v[3], len[3];
	size_t n = 0, k = 0;
	unsigned char sep = 0;
	for (;;) {
		unsigned d = 0, x = 0;
		while (d < 5 && s[n] >= '0' && s[n] <= '9')
			x = x * 10 + (unsigned)(s[n++] - '0'), d++;
		if (!d || d == 3 || d > 4)
			return 0;
		v[k] = x;
		len[k++] = d;
		if (k == 3 || !(s[n] == '.' || s[n] == '/' || s[n] == '-') || (sep && s[n] != sep) ||
		    !(s[n + 1] >= '0' && s[n + 1] <= '9'))
			break;
		sep = s[n++];
	}
	if ((s[n] >= '0' && s[n] <= '9') || ((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z') ||
	    ((s[n] == '.' || s[n] == '/' || s[n] == '-') && s[n + 1] >= '0' && s[n + 1] <= '9'))
		return 0;
	if (k == 3 && len[0] == 4)
		return len[1] <= 2 && len[2] <= 2 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 && v[2] <= 31 ? n : 0;
	/* (A year of 2 digits after "3/10" or "03.12" only: "1.12.25" is
	 * a version's number as often.) */
	if (k == 3 && len[0] <= 2 && len[1] <= 2 &&
	    (len[2] == 4 || (len[2] == 2 && (sep == '/' || len[0] + len[1] == 4))))
		return v[0] >= 1 && v[0] <= 31 && v[1] >= 1 && v[1] <= 31 && (v[0] <= 12 || v[1] <= 12) ? n : 0;
	if (k == 2 && len[0] == 2 && len[1] == 2 && (sep == '/' || (sep == '.' && s[n] == '.')))
		return v[0] >= 1 && v[0] <= 31 && v[1] >= 1 && v[1] <= 31 && (v[0] <= 12 || v[1] <= 12) ? n : 0;
	return 0;
}

/* Whether w[0..n) is a number, or a day of the month ("11th", "1st"). */
static int date_number(const char *w, size_t n)
{
	size_t d = 0;
	while (d < n && w[d] >= '0' && w[d] <= '9')
		d++;
	return d && (d == n || (d + 2 == n && (!memcmp(w + d, "st", 2) || !memcmp(w + d, "nd", 2) ||
	                                       !memcmp(w + d, "rd", 2) || !memcmp(w + d, "th", 2))));
}

/* Whether word w[0..n) is one of the short words that put a month after
 * them ("in May", "since March", "mid-May"), any case. */
static int month_before(const unsigned char *w, size_t n)
{
	static const char *const words[] = {
		"in", "of", "on", "since", "until", "till", "from", "by", "early", "late", "mid",
		"last", "next",
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == n && !strncasecmp(words[i], (const char *)w, n))
			return 1;
	return 0;
}

/* The hash of a dated headline's words less its date (month and weekday
 * names, numbers): "Morning Briefing: Sunday, October 11" and "Morning
 * Briefing: Monday, October 12" are "morning briefing"; 0 for a headline
 * that names no month nor weekday (its shape is its words, h->series).
 * "May" and "March" are a month only beside a day or a year ("May 5",
 * "March 2024", "5th May") or after "in", "since" and their like: the
 * verbs of "Dow may rise 200 points" and "Thousands march in 12 cities"
 * date nothing, and their numbers were left out, so that the next day's
 * "Dow may rise 150 points" was the same headline, a recurring one.
 * Other languages' dates are left out too: "Nachrichten vom 3. Dezember
 * 2025", "Las noticias del 3 de diciembre", "Новости 3 декабря",
 * "12月3日新闻联播" and "Tagesschau 2025-12-03" named no English month nor
 * weekday, so that each day's was a headline of its own and a daily
 * feature joined the day before's thread, day after day. */
static uint64_t headline_shape(const char *title)
{
	/* kind: 0 a word, 1 a number (a date's part is left out, below), 2
	 * a month or weekday (left out), 3 "may" or "march"; month: a month's
	 * name */
	struct { const unsigned char *s; size_t n; int kind, month; } w[64];
	size_t nw = 0;
	int dated = 0;
	for (const unsigned char *p = (const unsigned char *)title; *p && nw < 64;) {
		int k = utf8_punct(p);
		unsigned char c = *p;
		if (k || (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		                        (c >= '0' && c <= '9')))) {
			p += k ? k : 1;
			continue;
		}
		w[nw].s = p;
		w[nw].kind = w[nw].month = 0;
		/* A date in numbers ("03.12.2025", "2025-12-03") or the Chinese
		 * and Japanese way ("12月3日", "星期三"), a word of its own: left
		 * out. */
		size_t dl = c >= '0' && c <= '9' ? numeric_date(p) : c == 0xe6 ? cjk_weekday(p, 0) : 0;
		if (dl || (c >= '0' && c <= '9' && (dl = cjk_date(p)))) {
			p += dl;
			w[nw].n = dl;
			w[nw++].kind = 2;
			dated = 1;
			continue;
		}
		while (*p && !utf8_punct(p) && (*p >= 0x80 || (*p >= 'a' && *p <= 'z') ||
		                                (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) &&
		       !(p > w[nw].s && p[-1] >= 0x80 && *p >= '0' && *p <= '9' && cjk_date(p)))
			p++;
		w[nw].n = (size_t)(p - w[nw].s);
		char lw[10];
		if (w[nw].n < sizeof lw) {
			for (size_t i = 0; i < w[nw].n; i++)
				lw[i] = (char)(w[nw].s[i] >= 'A' && w[nw].s[i] <= 'Z' ? w[nw].s[i] + 32 : w[nw].s[i]);
			int dn = date_name(lw, w[nw].n);
			w[nw].month = dn == 1;
			if (dn)
				w[nw].kind = dn == 2 ? 3 : 2;
			else if (date_number(lw, w[nw].n))
				w[nw].kind = 1;
		}
		dated |= w[nw].kind == 2;
		nw++;
	}
	/* A month's or weekday's name of another language (local_date_name())
	 * is one beside a day or a year only ("3. Dezember 2025", "mercoledì
	 * 3 dicembre", "3 de diciembre", "quarta-feira, 3", "3 декабря",
	 * "3 Aralık 2025"): many are words too ("Mars", "Domingo"). */
	for (size_t i = 0; i < nw; i++) {
		if (w[i].kind != 1 || (w[i].n > 2 && w[i].n != 4))
			continue;
		size_t at[3] = { i - 1, i + 1, i + 2 };
		for (int j = 0; j < 3; j++) {
			size_t a = at[j];
			if ((j == 0 && i == 0) || a >= nw || w[a].kind ||
			    (j == 2 && !date_of(w[i + 1].s, w[i + 1].n)))
				continue;
			int ln = local_date_name(w[a].s, w[a].n);
			if (ln == 7)
				ln = j ? 1 : 0;
			if (ln == 6 && j == 0 && a > 0 && local_date_name(w[a - 1].s, w[a - 1].n) == 5) {
				w[a - 1].kind = 2;
				ln = 1;
			}
			if (ln == 1) {
				w[a].kind = 2;
				w[a].month = 1;
				dated = 1;
			}
		}
	}
	/* "may", "march": a month beside a day (1 or 2 digits, or "5th") or
	 * a year (4 digits) or after "in" and its like; "5 May" only as "5th
	 * May" or after "on" and its like ("Over 20 may have died"). */
	for (size_t i = 0; i < nw; i++) {
		if (w[i].kind != 3)
			continue;
		int month = 0;
		if (i + 1 < nw && w[i + 1].kind == 1 && (w[i + 1].n <= 2 || w[i + 1].n == 4 ||
		                                         w[i + 1].s[w[i + 1].n - 1] > '9'))
			month = 1;
		if (i > 0 && month_before(w[i - 1].s, w[i - 1].n))
			month = 1;
		if (i > 0 && w[i - 1].kind == 1 && w[i - 1].n <= 4 &&
		    (w[i - 1].s[w[i - 1].n - 1] > '9' || (i > 1 && month_before(w[i - 2].s, w[i - 2].n))))
			month = 1;
		w[i].kind = month ? 2 : 0;
		w[i].month = month;
		dated |= month;
	}
	if (!dated)
		return 0;
	/* Of the numbers, a date's day and year are left out ("October 12",
	 * "12th May", "the 12th of May", "October 12, 2026") and a serial's
	 * number after '#' (Wordle's "#1577"), which change from one episode
	 * to the next; others are the headline's own ("Storm kills 12 ... on
	 * Monday" and its update "... kills 30 ..." are no series). */
	for (size_t i = 0; i < nw; i++) {
		size_t n = w[i].n;
		int day, near = (i > 0 && w[i - 1].month) || (i + 1 < nw && w[i + 1].month);

		if (w[i].kind != 1)
			continue;
		day = n <= 2 || w[i].s[n - 1] > '9';
		/* An ordinal is beside its month across "of" too: "the 12th of
		 * October" and "the 13th of October" are one series. */
		if (w[i].s[n - 1] > '9' && i + 2 < nw && w[i + 2].month && w[i + 1].n == 2 &&
		    !strncasecmp((const char *)w[i + 1].s, "of", 2))
			near = 1;
		/* So is any day across "de": "3 de diciembre de 2025". */
		if (i + 2 < nw && w[i + 2].month && date_of(w[i + 1].s, w[i + 1].n))
			near = 1;
		if (n == 4 && i > 1 && w[i - 2].month && date_of(w[i - 1].s, w[i - 1].n))
			continue;
		if ((day && near) || (w[i].s > (const unsigned char *)title && w[i].s[-1] == '#'))
			continue;
		if (n == 4 && i > 0 && (w[i - 1].month || (w[i - 1].kind == 1 && i > 1 && w[i - 2].month)))
			continue;
		w[i].kind = 0;
	}
	uint64_t x = 0xcbf29ce484222325ull;
	int any = 0;
	for (size_t i = 0; i < nw; i++) {
		if (w[i].kind)
			continue;
		if (any)
			x = fnv_byte(x, ' ');
		any = 1;
		for (size_t j = 0; j < w[i].n; j++)
			x = fnv_byte(x, w[i].s[j] >= 'A' && w[i].s[j] <= 'Z' ? w[i].s[j] + 32 : w[i].s[j]);
	}
	return any ? (x ? x : 1) : 0;
}

/* The hash of the words of p[0..end) (NFKC, case folded: see
 * headix_headline()), 0 when it has none; *words: how many. */
static uint64_t words_hash(const unsigned char *p, const unsigned char *end, size_t *words)
{
	uint64_t x = 0xcbf29ce484222325ull;
	int sep = 0, any = 0;
	*words = 0;
	while (p < end) {
		unsigned char c = *p;
		utf8proc_int32_t cp = 0;
		utf8proc_ssize_t k = 1;
		if (c >= 0x80) {
			k = utf8proc_iterate(p, end - p, &cp);
			if (k <= 0)
				k = 1;  /* a byte that is not UTF-8 counts as a letter */
		}
		/* Arabic and Hebrew marks and the tatweel are no part of the
		 * headline, and a letter's forms are one (rtl_fold(), as in
		 * the clusterer's terms): "الرئيـــس" and "الرئيس", "رسمياً"
		 * and "رسميا" are one headline's words. */
		utf8proc_uint8_t rb[4];
		const unsigned char *bytes = p;
		if (cp >= 0x591 && cp <= 0x6ed) {
			utf8proc_int32_t r = rtl_fold(cp);
			if (r < 0) {
				p += k;
				continue;
			}
			if (r != cp) {
				utf8proc_encode_char(r, rb);
				bytes = rb;  /* 2 bytes, as cp's */
			}
		}
		if (c < 0x80 ? !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		                 (c >= '0' && c <= '9'))
		             : cp && !word_cp(cp)) {
			sep = any;
			p += k;
			continue;
		}
		if (sep)
			x = fnv_byte(x, ' ');
		*words += sep || !any;
		sep = 0;
		any = 1;
		for (utf8proc_ssize_t j = 0; j < k; j++, p++)
			x = fnv_byte(x, bytes[j] >= 'A' && bytes[j] <= 'Z' ? bytes[j] + 32 : bytes[j]);
	}
	return any ? (x ? x : 1) : 0;
}

void headix_headline(struct headix_headline *h, const char *title, const char *lang)
{
	struct simhash_info si;
	memset(h, 0, sizeof *h);
	h->plain = 1;
	if (!title)
		return;
	/* A headline with letters beyond ASCII is compared as NFKC with case
	 * folded (and invisible format characters left out): one publisher's
	 * headline comes through an aggregator in another Unicode form than
	 * its own feed's, NFC against NFD ("e" and U+0301: a feed written on
	 * a Mac), a no-break space before a French colon against a space,
	 * full-width letters, "Über" and "über".  Compared byte by byte, each
	 * pair was two stories. */
	const unsigned char *p = (const unsigned char *)title;
	utf8proc_uint8_t *norm = NULL;
	for (const unsigned char *q = p; *q; q++)
		if (*q >= 0x80) {
			if (utf8proc_map(p, 0, &norm, UTF8PROC_NULLTERM | UTF8PROC_STABLE |
			                 UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
			                 UTF8PROC_IGNORE) >= 0)
				p = norm;  /* else (not UTF-8, no memory) the bytes as they are */
			break;
		}
	const unsigned char *end = p + strlen((const char *)p);
	size_t words;
	h->series = words_hash(p, end, &words);
	/* Its stem: the words before its last separator when a name's length
	 * follows it (the separators and the length of brand.c's
	 * title_tail()). */
	const unsigned char *last = NULL;
	static const char *const seps[] = { " - ", " | ", " \xe2\x80\x93 ", " \xe2\x80\x94 " };
	for (size_t i = 0; i < sizeof seps / sizeof *seps; i++) {
		size_t k = strlen(seps[i]);
		for (const unsigned char *q = p; (q = (const unsigned char *)strstr((const char *)q, seps[i]));
		     q++)
			if (q > p && (size_t)(end - q) > k && (!last || q > last))
				last = q;
	}
	if (last && end - last <= 80 && (h->stem = words_hash(p, last, &words)) && words < 3)
		h->stem = 0;
	/* Its shape of the case folded form too: "3 Декабря" as "3 декабря". */
	h->shape = headline_shape(norm ? (const char *)norm : title);
	free(norm);
	if (simhash_text_lang(title, strlen(title), lang, &si) < 0)
		return;
	h->fp = si.fp;
	h->plain = !si.distinctive;
	if (si.words >= 3)
		h->hash = h->series;
}

int headix_via_aggregator(const char *link, const char *host)
{
	if (!link || !host || !*host)
		return 0;
	const char *a = strstr(link, "://");
	if (!a)
		return 0;
	a += 3;
	size_t end = strcspn(a, "/?#"), n = strlen(host);
	/* the authority, less user info and port */
	const char *at = memchr(a, '@', end);
	if (at) {
		end -= (size_t)(at + 1 - a);
		a = at + 1;
	}
	const char *colon = memchr(a, ':', end);
	if (colon)
		end = (size_t)(colon - a);
	if (end < n || strncasecmp(a + end - n, host, n))
		return 1;
	return end > n && a[end - n - 1] != '.';
}

/* Keeps a dated headline's shape (headix_recurs()) apart from every
 * headline's own key. */
#define SHAPE_SALT 0x5bd1e9955bd1e995ull

/* The key of a publisher (host) and a headline's hash; 0 without either. */
static uint64_t site_key(const char *host, uint64_t hash)
{
	if (!host || !*host || !hash)
		return 0;
	uint64_t k = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)host; *p; p++)
		k = fnv_byte(k, *p);
	k = (k ^ hash) * 0x9e3779b97f4a7c15ull;
	k ^= k >> 29;
	return k ? k : 1;
}

uint64_t headix_series(const char *host, const struct headix_headline *h)
{
	/* A dated headline by its shape: "Today in History: October 12"
	 * and "...: October 13" are one series, whose dates differ. */
	return site_key(host, h->shape ? h->shape : h->series);
}

void headix_item(struct headix_item *it, const char *host, const struct headix_headline *h,
                 int via_aggregator, uint64_t story_bag)
{
	/* Every headline is remembered (headix_recurs()); one of fewer than
	 * 3 words names no article (headix_get()).  Two items of one key
	 * have one headline, so both or neither are short. */
	it->key = site_key(host, h->series);
	it->short_headline = !h->hash;
	/* For headix_recurs(): the headlines of its shape, undated (their
	 * key) and dated (under the shape's own key, apart from any
	 * headline's). */
	it->shape_key = site_key(host, h->shape ? h->shape : h->series);
	it->dated_key = site_key(host, (h->shape ? h->shape : h->series) ^ SHAPE_SALT);
	it->dated = h->shape != 0;
	it->plain = h->plain;
	it->via_aggregator = (uint8_t)!!via_aggregator;
	it->text = it->key && story_bag != h->fp.bag && !it->via_aggregator ? story_bag : 0;
	/* A publisher's own item by its headline's stem too, for an
	 * aggregator's item of it: Google News cuts the " - Paper Times" it
	 * appends (ingest_prep.c, brand_cut_title()), and the publisher's feed
	 * writes "X | Paper Times" on its titles, which ingest cuts only
	 * when 3 or more of them share it.  (Not an aggregator's item: its
	 * headline is cut already, and one aggregator's items are not matched
	 * by a stem with each other.) */
	it->stem_key = !it->via_aggregator && it->key && h->stem && h->stem != h->series ?
	               site_key(host, h->stem) : 0;
}

struct headix *headix_new(int64_t window)
{
	struct headix *ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	ix->t = calloc(1024, sizeof *ix->t);
	if (!ix->t) {
		free(ix);
		return NULL;
	}
	ix->mask = 1023;
	/* A lookup reaches HEADIX_SPAN back whatever the window: an entry
	 * younger than that must outlive a rehash (and a restart, which
	 * replays as much, ingest_replay.c), or whether an aggregator's item finds
	 * its publisher's would depend on when the table grew. */
	ix->window = window > HEADIX_SPAN ? window : HEADIX_SPAN;
	return ix;
}

void headix_free(struct headix *ix)
{
	if (!ix)
		return;
	free(ix->t);
	free(ix);
}

static size_t home(uint64_t key, size_t mask)
{
	return (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & mask;
}

/* The first free slot of key's run (entries of one key are kept side by
 * side with others: a headline a site reuses has one per story). */
static struct hentry *free_slot(struct hentry *t, size_t mask, uint64_t key)
{
	size_t i = home(key, mask);
	while (t[i].key)
		i = (i + 1) & mask;
	return &t[i];
}

/* Three quarters full: the entries still in the window move to a table
 * they fill at most half of (the same size when expiry freed enough,
 * else twice).  Expiry happens only here: a lookup checks the times
 * anyway. */
static int rehash(struct headix *ix)
{
	int64_t horizon = ix->newest - ix->window;
	size_t live = 0;
	for (size_t i = 0; i <= ix->mask; i++)
		live += ix->t[i].key && ix->t[i].id && ix->t[i].time >= horizon;
	size_t cap = ix->mask + 1;
	while (live * 2 > cap)
		cap *= 2;
	struct hentry *t = calloc(cap, sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i <= ix->mask; i++)
		if (ix->t[i].key && ix->t[i].id && ix->t[i].time >= horizon)
			*free_slot(t, cap - 1, ix->t[i].key) = ix->t[i];
	free(ix->t);
	ix->t = t;
	ix->mask = cap - 1;
	ix->n = live;
	return 0;
}

static int put_key(struct headix *ix, const struct headix_item *it, uint64_t key, int stem,
                   int64_t story_id, int64_t time);

int headix_put(struct headix *ix, const struct headix_item *it, int64_t story_id, int64_t time)
{
	/* A dated headline is remembered by its shape too (headix_recurs()),
	 * as an entry no other lookup's key meets. */
	if (it->key && it->dated && put_key(ix, it, it->dated_key, 0, story_id, time) < 0)
		return -1;
	if (it->stem_key && put_key(ix, it, it->stem_key, 1, story_id, time) < 0)
		return -1;
	return put_key(ix, it, it->key, 0, story_id, time);
}

static int put_key(struct headix *ix, const struct headix_item *it, uint64_t key, int stem,
                   int64_t story_id, int64_t time)
{
	if (!key)
		return 0;
	if (time > ix->newest)
		ix->newest = time;
	if ((ix->n + 1) * 4 > (ix->mask + 1) * 3 && rehash(ix) < 0)
		return -1;
	/* The key's run: its entries, its oldest, and the free slot at its
	 * end.  Past HEADIX_SAME_MAX the oldest gives way (in place: the run
	 * stays unbroken), or the story does when it is older still. */
	struct hentry *oldest = NULL, *dead = NULL;
	size_t same = 0, i = home(key, ix->mask);
	for (; ix->t[i].key; i = (i + 1) & ix->mask)
		if (ix->t[i].key == key) {
			if (!ix->t[i].id) {  /* forgotten (headix_forget) */
				if (!dead)
					dead = &ix->t[i];
				continue;
			}
			same++;
			if (!oldest || ix->t[i].time < oldest->time)
				oldest = &ix->t[i];
		}
	struct hentry *slot = &ix->t[i];
	/* A forgotten entry of the key first: a headline edited back and
	 * forth (a live blog's "LIVE: ..." and back) takes no more room. */
	if (dead) {
		slot = dead;
	} else if (same >= HEADIX_SAME_MAX) {
		if (time < oldest->time)
			return 0;
		slot = oldest;
	} else {
		ix->n++;
	}
	*slot = (struct hentry){ .key = key, .text = it->text, .time = time, .id = story_id,
	                         .plain = it->plain, .via_aggregator = it->via_aggregator,
	                         .stem = (uint64_t)!!stem };
	return 0;
}

/* A forgotten entry keeps its key, so that the run it is part of stays
 * unbroken, with id 0: lookups pass it by, the next rehash drops it. */
static void forget_key(struct headix *ix, uint64_t key, int64_t story_id)
{
	if (!key)
		return;
	for (size_t i = home(key, ix->mask); ix->t[i].key; i = (i + 1) & ix->mask)
		if (ix->t[i].key == key && ix->t[i].id == story_id)
			ix->t[i].id = 0;
}

void headix_forget(struct headix *ix, const struct headix_item *it, int64_t story_id)
{
	if (!it->key || !story_id)
		return;
	if (it->dated)
		forget_key(ix, it->dated_key, story_id);
	forget_key(ix, it->stem_key, story_id);
	forget_key(ix, it->key, story_id);
}

/* headix_get() by one key: by its headline (stem 0), where a
 * publisher's item under its stem answers an aggregator's only, or by
 * its stem (1), where an aggregator's item answers, not another's stem. */
static int64_t get_key(const struct headix *ix, const struct headix_item *it, uint64_t key,
                       int stem, int64_t time)
{
	int64_t best = 0, best_d = HEADIX_SPAN + 1;
	for (size_t i = home(key, ix->mask); ix->t[i].key; i = (i + 1) & ix->mask) {
		const struct hentry *e = &ix->t[i];
		int64_t d = e->time > time ? e->time - time : time - e->time;
		if (e->key != key || !e->id)
			continue;
		if (stem ? !e->via_aggregator || e->stem : e->stem && !it->via_aggregator)
			continue;
		if (it->text && e->text && simhash_distance(it->text, e->text) > SIMHASH_DEFAULT_K)
			continue; /* two leads of their own, not copies */
		if ((it->plain || e->plain) && it->via_aggregator == e->via_aggregator)
			continue; /* a plain headline, and no aggregator's word for it */
		if (d < best_d || (d == best_d && e->id < best)) {
			best = e->id;
			best_d = d;
		}
	}
	return best;
}

int64_t headix_get(const struct headix *ix, const struct headix_item *it, int64_t time)
{
	if (!it->key || it->short_headline)
		return 0;
	int64_t best = get_key(ix, it, it->key, 0, time);
	return best || !it->stem_key ? best : get_key(ix, it, it->stem_key, 1, time);
}

int headix_recurs(const struct headix *ix, const struct headix_item *it, int64_t time, int64_t gap,
                  int64_t *ids, int max)
{
	int n = 0;
	if (!it->key)
		return 0;
	/* The undated headlines of its shape (its own, when it is undated),
	 * then the dated ones. */
	for (int pass = 0; pass < 2; pass++) {
		uint64_t key = pass ? it->dated_key : it->shape_key;
		for (size_t i = home(key, ix->mask); key && ix->t[i].key; i = (i + 1) & ix->mask) {
			const struct hentry *e = &ix->t[i];
			int64_t d = e->time > time ? e->time - time : time - e->time;
			if (e->key == key && e->id && !e->stem && d >= gap && d <= ix->window) {
				if (n < max)
					ids[n] = e->id;
				n++;
			}
		}
	}
	return n;
}

size_t headix_count(const struct headix *ix)
{
	return ix->n;
}

size_t headix_memory(const struct headix *ix)
{
	return sizeof *ix + (ix->mask + 1) * sizeof *ix->t;
}
