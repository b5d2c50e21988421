/* daemon/simhash.c — SimHash fingerprints of story text, the
 * distinctiveness rule, and the near-duplicate index.  The text
 * pass is one streaming scan with no allocation: words are hashed as they
 * are read and only a short prefix of each is kept. */
#include "daemon/simhash.h"

#include "daemon/stop_words.h"
#include "daemon/text.h"

#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <utf8proc.h>

/* The scanner's run finder and the votes use SSE2 (daemon/simd.h). */
#include "daemon/simd.h"
#ifdef TIDINGS_SSE2
#include <immintrin.h>   /* AVX2, used only in functions built for it */
#endif

/* ---- hashing ---------------------------------------------------------- */

/* Words are hashed eight bytes at a time (multiply-rotate per chunk, one
 * finaliser per word); the seed is ours.  Any fixed value works, but none
 * of this may change: stored fingerprints would stop matching new ones. */
#define WORD_SEED   0x6c62272e07bb0142ull
#define CHUNK_MUL   0x9fb21c651e98df25ull

/* A bijective 64-bit finaliser (splitmix64's): every input bit reaches
 * every output bit, which SimHash needs, since each output bit is a vote. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* The word hashes are already well mixed, so rotating each by its place
 * and adding is enough to make order matter ("police shot man" and "man
 * shot police" differ); one multiply-xorshift breaks the linearity. */
static uint64_t shingle_hash(const uint64_t *w, int n)
{
	uint64_t h = (uint64_t)n;
	for (int i = 0; i < n; i++)
		h += rotl(w[i], 21 * i + 1);
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return h ^ (h >> 29);
}

/* The running state of one word's hash. */
struct wordhash {
	uint64_t h, acc;
	unsigned nacc;
	size_t len;
};

static void wh_reset(struct wordhash *w)
{
	w->h = WORD_SEED;
	w->acc = 0;
	w->nacc = 0;
	w->len = 0;
}

static inline __attribute__((always_inline)) void wh_byte(struct wordhash *w, unsigned char c)
{
	w->acc |= (uint64_t)c << (8 * w->nacc);
	w->len++;
	if (++w->nacc == 8) {
		w->h = rotl((w->h ^ w->acc) * CHUNK_MUL, 29);
		w->acc = 0;
		w->nacc = 0;
	}
}

static uint64_t wh_final(const struct wordhash *w)
{
	return mix64(w->h ^ w->acc ^ ((uint64_t)w->len << 56));
}

/* ---- the stop list ---------------------------------------------------- */

/* Words that say nothing about which story a text is: the commonest
 * function words of English (and a few of German, French, Spanish,
 * Italian, Portuguese and Dutch), plus the generic vocabulary of recurring
 * headlines ("Today's top news", "What you need to know").  They neither
 * count towards distinctiveness nor vote in the bag fingerprint: every
 * text of a language shares them, so their votes would pull all
 * fingerprints towards one pattern and crowd the index's buckets.
 * Written folded, as the scanner folds (no capitals, no accents). */
static const char *const stop_words[] = {
	"a", "about", "after", "all", "also", "am", "an", "and", "any", "are",
	"as", "at", "be", "been", "before", "but", "by", "can", "could", "day",
	"did", "do", "does", "for", "from", "had", "has", "have", "he", "her",
	"here", "heres", "his", "how", "i", "if", "in", "into", "is", "it",
	"its", "just", "know", "latest", "live", "may", "me", "more", "most",
	"my", "need", "new", "news", "no", "not", "now", "of", "on", "one",
	"or", "our", "out", "over", "she", "should", "so", "than", "that",
	"the", "their", "them", "there", "they", "this", "to", "today",
	"todays", "top", "up", "update", "updates", "us", "was", "we", "week",
	"were", "what", "whats", "when", "where", "which", "who", "why",
	"will", "with", "would", "you", "your",
	/* de */ "auf", "das", "dem", "den", "der", "des", "die", "ein", "eine",
	"einen", "fur", "ist", "mit", "nicht", "sich", "und", "von", "zu",
	/* fr */ "au", "aux", "ce", "dans", "du", "elle", "est", "et", "il",
	"la", "le", "les", "par", "pas", "pour", "qui", "que", "sur", "une",
	/* es, it, pt */ "con", "da", "de", "del", "di", "e", "el", "em", "en",
	"los", "las", "o", "os", "para", "per", "por", "se", "su", "um", "uma",
	"un", "una", "che", "non",
	/* nl */ "een", "het", "van", "zijn",
};

/* The stop words of the languages the list above lacks (daemon/
 * stop_words.h: ru uk bg pl cs sk sr hr bs tr az el fi hu ro ca ar fa ur
 * he id ms; not hi, lang_stop_init says why), for a text tagged with one
 * of them, and for its count of content words only.  The list above alone counted "и", "в", "что",
 * "در", "از", "için", "ما" as content, so two different headlines that
 * shared little else ("Что известно о том, что произошло с пожаром" and
 * "... с Сирией"; "از کرونا چه می‌دانیم و چه باید کرد" and "از دلار ...")
 * were distinctive, one was marked a copy of the other and put in its
 * thread.  They do not vote: the fingerprints stay the function of the
 * text alone that the stored ones are (a story's are not computed again,
 * docs/dedup.md), whatever its language tag.  Each word is kept as the
 * scanner reads it (folded, marks stripped: lang_stop_init), in every
 * spelling of its Arabic-script letters that the scanner keeps apart but
 * the lists write as one (their rtl_fold.h forms): a Persian keyboard's
 * "این" and "که" are the list's "اين" and "كه", Arabic's "على" its "علي".
 * A slot holds a word's hash and the lists that have it (bit i: stop_more
 * [i]); 0 marks an empty slot. */
#define LANG_STOP_SLOTS 4096
_Static_assert(STOP_MORE_N <= 32, "a list's bit must fit lang_stop.lists");
static struct lang_stop {
	uint64_t h;
	uint32_t lists;
} lang_stop[LANG_STOP_SLOTS];
static size_t lang_stop_n;

static void lang_stop_init(void);

/* The stop words as a set of their word hashes (open addressing; a
 * 64-bit hash collision with a real word is not a practical concern;
 * 0 marks an empty slot, and no word hashes to 0 in practice). */
#define STOP_SLOTS 1024
static uint64_t stop_set[STOP_SLOTS];
#ifndef TIDINGS_SSE2
static uint64_t spread[256];
#endif
/* Both tables are filled once, before the first text, then only read. */
static once_flag tables_once = ONCE_FLAG_INIT;

static uint64_t word_hash(const char *s)
{
	struct wordhash w;
	wh_reset(&w);
	for (; *s; s++)
		wh_byte(&w, (unsigned char)*s);
	return wh_final(&w);
}

static int votes_pick(int avx2);

static void tables_init(void)
{
#ifndef TIDINGS_SSE2
	for (int b = 0; b < 256; b++) {
		spread[b] = 0;
		for (int i = 0; i < 8; i++)
			spread[b] |= (uint64_t)((b >> i) & 1) << (8 * i);
	}
#endif
	votes_pick(1);
	for (size_t i = 0; i < sizeof stop_words / sizeof *stop_words; i++) {
		uint64_t h = word_hash(stop_words[i]);
		uint32_t j = (uint32_t)h & (STOP_SLOTS - 1);
		while (stop_set[j] && stop_set[j] != h)
			j = (j + 1) & (STOP_SLOTS - 1);
		stop_set[j] = h;
	}
	lang_stop_init();
}

/* `h` is the word's hash as word_hash() computes it. */
static int is_stop_hash(uint64_t h)
{
	uint32_t j = (uint32_t)h & (STOP_SLOTS - 1);
	while (stop_set[j]) {
		if (stop_set[j] == h)
			return 1;
		j = (j + 1) & (STOP_SLOTS - 1);
	}
	return 0;
}

/* Whether the word whose hash is h is a stop word of a list in `lists`. */
static int is_lang_stop(uint64_t h, uint32_t lists)
{
	uint32_t j = (uint32_t)h & (LANG_STOP_SLOTS - 1);
	while (lang_stop[j].h) {
		if (lang_stop[j].h == h)
			return (lang_stop[j].lists & lists) != 0;
		j = (j + 1) & (LANG_STOP_SLOTS - 1);
	}
	return 0;
}

/* ---- datelines and bylines -------------------------------------------- */

static int ascii_ncaseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

static size_t skip_space(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* Whether the ". " at t[j] ends an abbreviation that a dateline holds
 * rather than a sentence: it follows a word of 1 to 5 ASCII letters that
 * starts with a capital, and what follows is the credit "(", a number or
 * a word in capitals ("ST. LOUIS (AP)", "PORTLAND, Ore. (AP)",
 * "WASHINGTON, D.C. (AP)", "LONDON, Nov. 28").  AP writes the state so in
 * most of its datelines outside the largest cities. */
static int dateline_abbrev(const char *t, size_t len, size_t start, size_t j)
{
	size_t k = j;
	while (k > start && ((t[k - 1] >= 'a' && t[k - 1] <= 'z') || (t[k - 1] >= 'A' && t[k - 1] <= 'Z')))
		k--;
	if (j - k < 1 || j - k > 5 || t[k] < 'A' || t[k] > 'Z')
		return 0;
	k = j + 2;
	if (k < len && (t[k] == '(' || (t[k] >= '0' && t[k] <= '9')))
		return 1;
	return len - k >= 2 && t[k] >= 'A' && t[k] <= 'Z' && t[k + 1] >= 'A' && t[k + 1] <= 'Z';
}

/* "WASHINGTON (AP) — ", "LONDON, Nov 28 (Reuters) - ", "ST. LOUIS (AP) — ",
 * "PORTLAND, Ore. (AP) — ": a first word in capitals, then a dash within
 * the first 100 bytes and no sentence end before it (a period after a
 * short capitalised word is an abbreviation, not an end).  Returns the
 * offset after the dash, or `i`. */
static size_t skip_dateline(const char *t, size_t len, size_t i)
{
	size_t j = i, caps = 0;
	/* "(CNN) — ", "(Bloomberg) -- ": the credit alone, closed on its
	 * line within 40 bytes and followed by the dash. */
	if (i < len && t[i] == '(') {
		for (j = i + 1; j < len && j < i + 40 && t[j] != ')' && t[j] != '\n' && t[j] != '('; j++)
			;
		if (j == i + 1 || j >= len || t[j] != ')')
			return i;
		j = skip_space(t, len, j + 1);
		if (len - j >= 3 && (unsigned char)t[j] == 0xE2 && (unsigned char)t[j + 1] == 0x80 &&
		    ((unsigned char)t[j + 2] == 0x94 || (unsigned char)t[j + 2] == 0x93))
			return j + 3;
		if (len - j >= 2 && t[j] == '-' && (t[j + 1] == ' ' || t[j + 1] == '-'))
			return j + 2;
		return i;
	}
	while (j < len && ((t[j] >= 'A' && t[j] <= 'Z') || (unsigned char)t[j] >= 0x80)) {
		caps += t[j] >= 'A' && t[j] <= 'Z';
		j++;
	}
	if (caps < 2 || (j < len && t[j] != ' ' && t[j] != ',' && t[j] != '(' && t[j] != '.'))
		return i;
	for (; j < len && j < i + 100; j++) {
		if (t[j] == '\n' || (t[j] == '.' && j + 1 < len && t[j + 1] == ' ' &&
		                     !dateline_abbrev(t, len, i, j)))
			return i;
		if (len - j >= 3 && (unsigned char)t[j] == 0xE2 && (unsigned char)t[j + 1] == 0x80 &&
		    ((unsigned char)t[j + 2] == 0x94 || (unsigned char)t[j + 2] == 0x93))
			return j + 3;  /* em or en dash */
		if (len - j >= 3 && t[j] == ' ' && t[j + 1] == '-' && (t[j + 2] == ' ' || t[j + 2] == '-'))
			return j + 3;
	}
	return i;
}

/* "By Jane Doe, Wire Service" on a line of its own (under 100 bytes). */
static size_t skip_byline(const char *t, size_t len, size_t i)
{
	if (len - i < 4 || !ascii_ncaseeq(t + i, "by ", 3))
		return i;
	for (size_t j = i + 3; j < len && j < i + 100; j++)
		if (t[j] == '\n')
			return j + 1;
	return i;
}

/* Whether the n bytes at w are a word a time stamp line is made of: a
 * month's or a weekday's name or its abbreviation, a.m. or p.m. (read as
 * "a", "m", "p"), a zone in capitals (EST, GMT, CEST), a few linking
 * words ("at", "on", "ago") and a stamp's own words. */
static int stamp_word(const char *w, size_t n)
{
	static const char *const words[] = {
		"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may",
		"jun", "june", "jul", "july", "aug", "august", "sep", "sept", "september",
		"oct", "october", "nov", "november", "dec", "december",
		"mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur",
		"thurs", "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday",
		"a", "p", "m", "am", "pm", "at", "on", "ago", "min", "mins", "minute", "minutes",
		"hr", "hrs", "hour", "hours", "day", "days", "updated", "posted", "published",
		"modified", "last", "first", "and", "today", "yesterday",
	};
	int caps = 1;
	for (size_t i = 0; i < n; i++)
		caps &= w[i] >= 'A' && w[i] <= 'Z';
	if (caps && n >= 2 && n <= 5)
		return 1;
	for (size_t k = 0; k < sizeof words / sizeof *words; k++)
		if (strlen(words[k]) == n && ascii_ncaseeq(w, words[k], n))
			return 1;
	return 0;
}

/* "Updated at 3:47 p.m. EST on Dec. 1, 2026", "Posted: Dec 1, 2026 /
 * 09:12 AM EST Updated: ...", "Last updated 2 hours ago": a line of its
 * own (under 160 bytes) that a CMS puts above the story it prints and
 * the agency's copy lacks.  It starts with "Updated", "Posted",
 * "Published" or "Last updated", holds a number, and its other words are
 * all stamp_word()s, so that a sentence that only starts so ("Updated
 * census figures show ...") is text.  Returns the offset after the
 * line, or `i`. */
static size_t skip_stamp(const char *t, size_t len, size_t i)
{
	static const char *const starts[] = { "updated", "posted", "published", "last updated" };
	size_t k, j, end;
	int digit = 0;

	for (k = 0; k < sizeof starts / sizeof *starts; k++) {
		size_t n = strlen(starts[k]);
		if (len - i > n && ascii_ncaseeq(t + i, starts[k], n) &&
		    !((t[i + n] | 0x20) >= 'a' && (t[i + n] | 0x20) <= 'z'))
			break;
	}
	if (k == sizeof starts / sizeof *starts)
		return i;
	for (end = i; end < len && t[end] != '\n'; end++)
		if (end - i >= 160)
			return i;
	for (j = i; j < end;) {
		unsigned char c = (unsigned char)t[j];
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			size_t w = j;
			while (j < end && ((t[j] | 0x20) >= 'a' && (t[j] | 0x20) <= 'z'))
				j++;
			if (!stamp_word(t + w, j - w))
				return i;
		} else if (c >= '0' && c <= '9') {
			digit = 1;
			j++;
		} else if (c < 0x80 || c == 0xE2) {
			/* punctuation (: / , . | - ( )), white space, and the
			 * dashes and bullets of U+2000..U+2FFF ("•", "—") */
			j += c == 0xE2 ? 3 : 1;
		} else {
			return i;   /* a letter of another script: text */
		}
	}
	return digit ? skip_space(t, len, end) : i;
}

size_t simhash_skip_preamble(const char *text, size_t len)
{
	size_t i = skip_space(text, len, 0);
	/* Either order: "By X\nCITY (AP) — ..." and "CITY (AP) — By X\n...",
	 * each under a time stamp line or above one. */
	for (int round = 0; round < 2; round++) {
		size_t j = skip_dateline(text, len, skip_stamp(text, len, i));
		j = skip_byline(text, len, skip_space(text, len, j));
		j = skip_space(text, len, j);
		if (j == i)
			break;
		i = j;
	}
	return i;
}

/* ---- the scanner ------------------------------------------------------ */

/* Votes of features on the 64 bits, counted in byte lanes (one per bit)
 * that are emptied into the totals before a byte could overflow.  With
 * SSE2 (every x86-64 has it) a feature's 64 bits become 64 bytes of 0 or
 * -1 in four unpacks, an and and a compare per 16, subtracted from the
 * lanes: 20 instructions a vote.  Without it, spread[b] (see tables_init)
 * has byte i = bit i of b, so adding it to a 64-bit lane counts eight
 * bits at once.  Either way the totals are the same numbers. */

struct votes {
#ifdef TIDINGS_SSE2
	__m128i lane[4];     /* byte k of lane j counts bit 16j + k */
#else
	uint64_t lane[8];    /* byte i of lane j counts bit 8j + i */
#endif
	uint32_t pending, n;
	uint32_t ones[64];
};

static void votes_flush(struct votes *v)
{
#ifdef TIDINGS_SSE2
	const __m128i z = _mm_setzero_si128();
	for (int j = 0; j < 4; j++) {
		__m128i w[2] = { _mm_unpacklo_epi8(v->lane[j], z), _mm_unpackhi_epi8(v->lane[j], z) };
		for (int h = 0; h < 2; h++) {
			uint32_t *o = &v->ones[16 * j + 8 * h];
			__m128i a = _mm_loadu_si128((const __m128i *)(void *)o);
			__m128i b = _mm_loadu_si128((const __m128i *)(void *)(o + 4));
			a = _mm_add_epi32(a, _mm_unpacklo_epi16(w[h], z));
			b = _mm_add_epi32(b, _mm_unpackhi_epi16(w[h], z));
			_mm_storeu_si128((__m128i *)(void *)o, a);
			_mm_storeu_si128((__m128i *)(void *)(o + 4), b);
		}
		v->lane[j] = z;
	}
#else
	for (int j = 0; j < 8; j++) {
		for (int i = 0; i < 8; i++)
			v->ones[j * 8 + i] += (uint32_t)(v->lane[j] >> (8 * i)) & 0xff;
		v->lane[j] = 0;
	}
#endif
	v->pending = 0;
}

static inline __attribute__((always_inline)) void vote(struct votes *v, uint64_t f)
{
#ifdef TIDINGS_SSE2
	/* byte k of every 8: bit k */
	const __m128i bit = _mm_set1_epi64x((long long)0x8040201008040201ull);
	__m128i x = _mm_cvtsi64_si128((long long)f);
	x = _mm_unpacklo_epi8(x, x);                     /* b0 b0 b1 b1 .. b7 b7 */
	__m128i lo = _mm_unpacklo_epi16(x, x), hi = _mm_unpackhi_epi16(x, x);
	/* Written out: GCC at -O2 keeps a loop here and spills the four. */
#define VOTE_LANE(j, e) \
	v->lane[j] = _mm_sub_epi8(v->lane[j], _mm_cmpeq_epi8(_mm_and_si128((e), bit), bit))
	VOTE_LANE(0, _mm_unpacklo_epi32(lo, lo));   /* b0 x8, b1 x8 */
	VOTE_LANE(1, _mm_unpackhi_epi32(lo, lo));
	VOTE_LANE(2, _mm_unpacklo_epi32(hi, hi));
	VOTE_LANE(3, _mm_unpackhi_epi32(hi, hi));
#undef VOTE_LANE
#else
	for (int j = 0; j < 8; j++)
		v->lane[j] += spread[(f >> (8 * j)) & 0xff];
#endif
	v->n++;
	if (++v->pending == 255)
		votes_flush(v);
}

/* Bit b is set when more features had it set than clear. */
static uint64_t votes_fold(struct votes *v)
{
	uint64_t h = 0;
	votes_flush(v);
#ifdef TIDINGS_SSE2
	if (v->n < (1u << 30)) {  /* then 2 * ones[b] <= 2 * n fits a signed compare */
		const __m128i n = _mm_set1_epi32((int)v->n);
		for (int b = 0; b < 64; b += 4) {
			__m128i o = _mm_loadu_si128((const __m128i *)(const void *)&v->ones[b]);
			__m128i gt = _mm_cmpgt_epi32(_mm_add_epi32(o, o), n);
			h |= (uint64_t)_mm_movemask_ps(_mm_castsi128_ps(gt)) << b;
		}
		return h;
	}
#endif
	for (int b = 0; b < 64; b++)
		if (2 * (uint64_t)v->ones[b] > v->n)
			h |= 1ull << b;
	return h;
}

struct scan {
	struct votes seq, part[2];   /* bag = the two parts' votes together */
	uint64_t ring[SIMHASH_SHINGLE];  /* the last words' hashes, oldest first */
	size_t words, content, shingles, part_content[2];
	struct wordhash w;   /* the word being read */
	size_t pos, wstart;  /* byte offsets: the input, the word's start */
	size_t mid;          /* the tail starts at an anchor word from here */
	int in_tail;
	uint32_t lang;       /* lang_stop lists the content count leaves out too */
};

#ifdef TIDINGS_SSE2
/* The vote with AVX2: the feature broadcast, two byte shuffles make the
 * 64 bytes, 32 at a time (about 14 instructions against SSE2's 30).  The
 * lanes are the same bytes in the same order as vote()'s. */
__attribute__((target("avx2"))) static inline void vote_avx2(struct votes *v, uint64_t f)
{
	const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ull);
	/* in each 128-bit half, which byte of f goes to each byte */
	const __m256i lo = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
	                                    2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
	const __m256i hi = _mm256_setr_epi8(4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5,
	                                    6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);
	__m256i x = _mm256_set1_epi64x((long long)f);
	__m256i *l = (__m256i *)(void *)v->lane;
	__m256i a = _mm256_loadu_si256(l), b = _mm256_loadu_si256(l + 1);
	a = _mm256_sub_epi8(a, _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(x, lo), bit), bit));
	b = _mm256_sub_epi8(b, _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(x, hi), bit), bit));
	_mm256_storeu_si256(l, a);
	_mm256_storeu_si256(l + 1, b);
	v->n++;
	if (++v->pending == 255)
		votes_flush(v);
}
#endif

/* A word ends: its hash, the tail's start, its votes (with AVX2 when
 * `avx2`, a constant of each caller below). */
static inline __attribute__((always_inline)) void end_word_with(struct scan *s, int avx2)
{
	uint64_t h = wh_final(&s->w);
	/* The tail starts at the first anchor word (1 in 8 words, by hash)
	 * past the middle: an edit in one part moves the middle a little,
	 * but rarely past an anchor, so the other part stays identical. */
	if (!s->in_tail && s->wstart >= s->mid && (h >> 61) == 0)
		s->in_tail = 1;
	if (!is_stop_hash(h)) {
		/* counted by the language's stop words too; votes as before */
		s->content += !s->lang || !is_lang_stop(h, s->lang);
#ifdef TIDINGS_SSE2
		if (avx2)
			vote_avx2(&s->part[s->in_tail], h);
		else
#endif
			vote(&s->part[s->in_tail], h);
		s->part_content[s->in_tail]++;
	}
	/* The ring holds the first words in order, then slides. */
	if (s->words < SIMHASH_SHINGLE) {
		s->ring[s->words] = h;
	} else {
		for (int i = 0; i + 1 < SIMHASH_SHINGLE; i++)
			s->ring[i] = s->ring[i + 1];
		s->ring[SIMHASH_SHINGLE - 1] = h;
	}
	s->words++;
	if (s->words >= SIMHASH_SHINGLE) {
		uint64_t f = shingle_hash(s->ring, SIMHASH_SHINGLE);
#ifdef TIDINGS_SSE2
		if (avx2)
			vote_avx2(&s->seq, f);
		else
#endif
			vote(&s->seq, f);
		s->shingles++;
	}
	wh_reset(&s->w);
}

static void end_word_plain(struct scan *s)
{
	end_word_with(s, 0);
}

#ifdef TIDINGS_SSE2
__attribute__((target("avx2"))) static void end_word_avx2(struct scan *s)
{
	end_word_with(s, 1);
}
#endif

/* end_word_avx2 where the CPU has AVX2 (tables_init decides), else the
 * SSE2 or portable votes.  Set once, before the first text. */
static void (*end_word_fn)(struct scan *) = end_word_plain;

/* Sets end_word_fn: AVX2 when asked for and the CPU has it.  Returns
 * whether it was AVX2. */
static int votes_pick(int avx2)
{
	int was = 0;
#ifdef TIDINGS_SSE2
	was = end_word_fn == end_word_avx2;
	end_word_fn = avx2 && __builtin_cpu_supports("avx2") ? end_word_avx2 : end_word_plain;
#endif
	return was;
}

static inline __attribute__((always_inline)) void end_word(struct scan *s)
{
	if (s->w.len)
		end_word_fn(s);
}

static inline __attribute__((always_inline)) void add_byte(struct scan *s, unsigned char c)
{
	if (s->w.len == 0)
		s->wstart = s->pos;
	wh_byte(&s->w, c);
}

/* Scripts written without spaces between words. */
static int is_unspaced(int32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) ||   /* hiragana, katakana */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility */
	       (cp >= 0x20000 && cp <= 0x2FA1F) || /* CJK extensions B.. */
	       (cp >= 0x0E00 && cp <= 0x0E7F);     /* Thai */
}

static int is_word_cat(int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* What a non-ASCII code point does to the scan, as a program: bytes to
 * add to the word (UTF-8, or folded ASCII letters and digits) and OP_END
 * (0xFF, never a byte of UTF-8) to end the word.  Folded, decomposed,
 * marks stripped, then each resulting code point extends the word or
 * ends it. */
#define OP_END 0xFF
#define CP_OPS_MAX (16 * 6)   /* 16 code points, each at most END + 4 bytes + END */

static int cp_ops(int32_t cp, uint8_t *op)
{
	int k = 0;
	/* Typographic apostrophes; and the Arabic tatweel, which stretches
	 * a word for emphasis or justification and is no letter: one
	 * outlet's "الرئيـــس" is another's "الرئيس" (as its vowel marks,
	 * which STRIPMARK leaves out), and one wire headline so printed was
	 * no copy of itself. */
	if (cp == 0x2019 || cp == 0x02BC || cp == 0x0640)
		return 0;
	utf8proc_int32_t d[16];
	int bound = 0;
	utf8proc_ssize_t n = utf8proc_decompose_char(cp, d, 16,
		UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
		UTF8PROC_STRIPMARK | UTF8PROC_IGNORE, &bound);
	if (n < 0 || n > 16) {
		op[k++] = OP_END;
		return k;
	}
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		int32_t c = d[i];
		if (c < 0x80 && !is_unspaced(c)) {  /* e.g. the "e" left of "é" */
			if (c >= 'A' && c <= 'Z')
				op[k++] = (uint8_t)(c - 'A' + 'a');
			else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				op[k++] = (uint8_t)c;
			else if (c != '\'')
				op[k++] = OP_END;
		} else if (is_unspaced(c) || is_word_cat(c)) {
			int alone = is_unspaced(c);
			if (alone)
				op[k++] = OP_END;
			k += (int)utf8proc_encode_char(c, op + k);
			if (alone)
				op[k++] = OP_END;
		} else {
			op[k++] = OP_END;
		}
	}
	return k;
}

/* The programs of recent code points, per thread: decomposing costs some
 * 300 instructions a code point, and a text's non-ASCII letters and
 * punctuation repeat.  Direct-mapped; cp 0 marks an empty slot (only
 * code points >= 0x80 come here). */
#define CP_SLOTS 512
#define CP_SLOT_OPS 11

struct cp_slot {
	int32_t cp;
	uint8_t n, op[CP_SLOT_OPS];
};

static _Thread_local struct cp_slot cp_memo[CP_SLOTS];

static void run_ops(struct scan *s, const uint8_t *op, int n)
{
	for (int i = 0; i < n; i++) {
		if (op[i] == OP_END)
			end_word(s);
		else
			add_byte(s, op[i]);
	}
}

/* One non-ASCII code point of the input, at s->pos. */
static void feed_cp(struct scan *s, int32_t cp)
{
	struct cp_slot *m = &cp_memo[((uint32_t)cp * 0x9e3779b1u) >> 23];  /* 9 bits */
	if (m->cp == cp) {
		run_ops(s, m->op, m->n);
		return;
	}
	uint8_t op[CP_OPS_MAX];
	int n = cp_ops(cp, op);
	if (n <= CP_SLOT_OPS) {
		m->cp = cp;
		m->n = (uint8_t)n;
		memcpy(m->op, op, (size_t)n);
	}
	run_ops(s, op, n);
}

/* The next code point of well-formed 2- and 3-byte UTF-8 (Unicode's table
 * 3-7), where utf8proc_iterate gives the same; 0 for anything else (4
 * bytes, malformed, at the end), which then goes to utf8proc_iterate. */
static inline int utf8_next23(const unsigned char *p, const unsigned char *end, int32_t *cp)
{
	unsigned b0 = p[0];
	if (b0 >= 0xC2 && b0 <= 0xDF && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
		*cp = (int32_t)((b0 & 0x1F) << 6 | (p[1] & 0x3Fu));
		return 2;
	}
	if (b0 >= 0xE0 && b0 <= 0xEF && end - p >= 3 && (p[1] & 0xC0) == 0x80 &&
	    (p[2] & 0xC0) == 0x80 && (b0 != 0xE0 || p[1] >= 0xA0) && (b0 != 0xED || p[1] <= 0x9F)) {
		*cp = (int32_t)((b0 & 0x0F) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu));
		return 3;
	}
	return 0;
}

/* The ASCII classes of the scan loop; every byte >= 0x80 is AS_HIGH. */
enum { AS_END, AS_ALNUM, AS_APOS, AS_HIGH };
static const uint8_t ascii_class[256] = {
	['0' ... '9'] = AS_ALNUM, ['A' ... 'Z'] = AS_ALNUM, ['a' ... 'z'] = AS_ALNUM,
	['\''] = AS_APOS, [0x80 ... 0xff] = AS_HIGH,
};

/* Appends n (1..8) bytes b (its bytes past n zero) to the word's hash: the
 * same chunks as n calls of wh_byte. */
static inline __attribute__((always_inline)) void wh_bytes(struct wordhash *w, uint64_t b, unsigned n)
{
	unsigned sh = 8 * w->nacc, end = sh + 8 * n;
	w->acc |= b << sh;
	w->len += n;
	if (end >= 64) {
		w->h = rotl((w->h ^ w->acc) * CHUNK_MUL, 29);
		w->acc = sh ? b >> (64 - sh) : 0;
		end -= 64;
	}
	w->nacc = end / 8;
}

/* A run of ASCII letters and digits from p (which is one): folded (| 0x20
 * lowers a capital and keeps a digit) into the word's hash, the word's
 * start noted once.  Returns the end of the run.  Sixteen bytes at a time
 * where the buffer has them: the run's length from one compare mask, its
 * bytes into the hash eight at a time. */
static inline const unsigned char *scan_run(struct scan *s, const unsigned char *base,
                                            const unsigned char *p, const unsigned char *end)
{
	if (s->w.len == 0)
		s->wstart = (size_t)(p - base);
#ifdef TIDINGS_SSE2
	const __m128i c20 = _mm_set1_epi8(0x20);
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i l = _mm_or_si128(v, c20);   /* capitals lowered */
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(sse2_range(v, '0', '9'),
		                                                      sse2_range(l, 'a', 'z')));
		unsigned r = (unsigned)__builtin_ctz(~m);  /* 0..16: ~m has bit 16 set */
		uint64_t lo = (uint64_t)_mm_cvtsi128_si64(l);
		uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(l, l));
		if (r <= 8) {
			if (r)
				wh_bytes(&s->w, r == 8 ? lo : lo & ((1ull << (8 * r)) - 1), r);
			return p + r;
		}
		wh_bytes(&s->w, lo, 8);
		wh_bytes(&s->w, r == 16 ? hi : hi & ((1ull << (8 * (r - 8))) - 1), r - 8);
		p += r;
		if (r < 16)
			return p;
	}
#endif
	for (; p < end && ascii_class[*p] == AS_ALNUM; p++)
		wh_byte(&s->w, (unsigned char)(*p | 0x20));
	return p;
}

/* The hash the scanner gives w[0..n) when it reads it as one word: 1 with
 * *h set, 0 when it reads none or several.  The loop of simhash_text,
 * byte by byte. */
static int scan_word_hash(const char *w, size_t n, uint64_t *h)
{
	struct wordhash wh;
	uint8_t op[CP_OPS_MAX];
	int words = 0;

	wh_reset(&wh);
	for (size_t i = 0; i <= n;) {
		unsigned char c = i < n ? (unsigned char)w[i] : ' ';
		int k = 0;
		if (c < 0x80 || i == n) {
			i++;
			if (ascii_class[c] == AS_ALNUM)
				op[k++] = (uint8_t)(c | 0x20);
			else if (ascii_class[c] != AS_APOS)
				op[k++] = OP_END;
		} else {
			int32_t cp;
			utf8proc_ssize_t m = utf8proc_iterate((const uint8_t *)w + i,
			                                      (utf8proc_ssize_t)(n - i), &cp);
			if (m <= 0) {
				op[k++] = OP_END;
				i++;
			} else {
				k = cp_ops(cp, op);
				i += (size_t)m;
			}
		}
		for (int j = 0; j < k; j++) {
			if (op[j] != OP_END) {
				wh_byte(&wh, op[j]);
			} else if (wh.len) {
				words++;
				*h = wh_final(&wh);
				wh_reset(&wh);
			}
		}
	}
	return words == 1;
}

/* Content words of the lists' languages that a stop word of theirs reads
 * as once the scanner has stripped its marks (as for Hindi, below, but
 * for a few words): Czech and Slovak "byt" (a flat) of "být", "byť";
 * Polish "maja" (of May: "3 maja") of "mają", "wiec" (a rally) of
 * "więc"; Finnish "mika" (Mika, a name) of "mikä"; Hungarian "ok" (a
 * reason) of "ők"; Catalan "mes" (a month) of "més".  Left out of the
 * count, they made a wire headline of five content words, "Nový byt v
 * Praze za rekordní cenu", four: not distinctive, and its copy on
 * another site no copy.  Such a stop word counts as content, as it did
 * before the lists counted at all. */
static const char *const mark_clash[] = { "byt", "maja", "wiec", "mika", "ok", "mes" };

static int clashes(const char *w, size_t n, uint64_t h)
{
	for (size_t i = 0; i < sizeof mark_clash / sizeof mark_clash[0]; i++) {
		size_t k = strlen(mark_clash[i]);
		uint64_t c;
		if ((k != n || memcmp(w, mark_clash[i], n)) &&
		    scan_word_hash(mark_clash[i], k, &c) && c == h)
			return 1;
	}
	return 0;
}

static void lang_stop_put(const char *w, size_t n, int list)
{
	uint64_t h;
	/* never fuller than half: the lists hold about 1,400 spellings */
	if (!scan_word_hash(w, n, &h) || lang_stop_n >= LANG_STOP_SLOTS / 2 || clashes(w, n, h))
		return;
	uint32_t j = (uint32_t)h & (LANG_STOP_SLOTS - 1);
	while (lang_stop[j].h && lang_stop[j].h != h)
		j = (j + 1) & (LANG_STOP_SLOTS - 1);
	lang_stop_n += !lang_stop[j].h;
	lang_stop[j].h = h;
	lang_stop[j].lists |= 1u << list;
}

/* The letters the lists write in their rtl_fold() form, and the others
 * the scanner keeps apart from it (ئ and ؤ it reads as ي and و). */
static const int32_t rtl_spellings[][4] = {
	{ 0x64a, 0x6cc, 0x649, 0 },   /* ي ی ى */
	{ 0x643, 0x6a9, 0 },          /* ك ک */
	{ 0x647, 0x629, 0 },          /* ه ة */
};

/* List `list`'s word w[0..n), in each spelling of its Arabic-script
 * letters (at most 81; a word with more is kept as written). */
static void lang_stop_word(const char *w, size_t n, int list)
{
	int32_t cp[32];
	int alt[32], nalt[32];
	size_t ncp = 0, variants = 1;

	for (size_t i = 0; i < n;) {
		utf8proc_ssize_t m = utf8proc_iterate((const uint8_t *)w + i,
		                                      (utf8proc_ssize_t)(n - i), &cp[ncp]);
		if (m <= 0 || ncp == 31) {
			lang_stop_put(w, n, list);
			return;
		}
		i += (size_t)m;
		alt[ncp] = -1;
		nalt[ncp] = 1;
		for (int r = 0; r < 3; r++)
			if (cp[ncp] == rtl_spellings[r][0]) {
				alt[ncp] = r;
				for (nalt[ncp] = 0; rtl_spellings[r][nalt[ncp]]; nalt[ncp]++)
					;
				variants *= (size_t)nalt[ncp];
			}
		ncp++;
	}
	if (variants > 81) {
		lang_stop_put(w, n, list);
		return;
	}
	for (size_t v = 0; v < variants; v++) {
		uint8_t buf[32 * 4];
		size_t len = 0, x = v;
		for (size_t i = 0; i < ncp; i++) {
			int32_t c = cp[i];
			if (alt[i] >= 0) {
				c = rtl_spellings[alt[i]][x % (size_t)nalt[i]];
				x /= (size_t)nalt[i];
			}
			len += (size_t)utf8proc_encode_char(c, buf + len);
		}
		lang_stop_put((const char *)buf, len, list);
	}
}

static void lang_stop_init(void)
{
	for (size_t i = 0; i < STOP_MORE_N; i++) {
		const char *p = stop_more[i].words;
		/* Not Hindi's: the scanner strips Devanagari's vowel signs (as
		 * marks), so its stop words read as the consonants that content
		 * words read as too ("पूरा" as "पर", "बंद" as "बाद", "सभा" as
		 * "सभी"), and a distinctive headline such as "शेयर बाजार पूरा
		 * दिन बंद रहेगा" counted 4. */
		if (stop_words_for(&stop_more[i], "hi"))
			continue;
		while (*p) {
			size_t k = strcspn(p, " ");
			if (k)
				lang_stop_word(p, k, (int)i);
			p += k;
			p += *p == ' ';
		}
	}
}

/* The words of a text, with the content count of lang_stop `lists` too. */
static int scan_text(const char *text, size_t len, uint32_t lists, struct simhash_info *out)
{
	struct scan s;

	if (!text || !out)
		return -1;
	call_once(&tables_once, tables_init);
	memset(&s, 0, sizeof s);
	s.lang = lists;
	wh_reset(&s.w);
	size_t i = simhash_skip_preamble(text, len);
	const unsigned char *base = (const unsigned char *)text + i, *p = base, *end = base + (len - i);
	s.mid = (len - i) / 2;
	while (p < end) {
		/* ASCII inline, by runs: most news text is. */
		switch (ascii_class[*p]) {
		case AS_ALNUM:
			p = scan_run(&s, base, p, end);
			continue;
		case AS_END:
			end_word(&s);
			p++;
			continue;
		case AS_APOS:
			p++;
			continue;
		}
		int32_t cp;
		utf8proc_ssize_t n = utf8_next23(p, end, &cp);
		if (!n)
			n = utf8proc_iterate(p, (utf8proc_ssize_t)(end - p), &cp);
		if (n <= 0) {  /* an invalid byte: a separator */
			end_word(&s);
			p++;
			continue;
		}
		s.pos = (size_t)(p - base);
		feed_cp(&s, cp);
		p += n;
	}
	end_word(&s);

	/* Too few words for one full shingle: the words together are one
	 * feature, so even a two-word headline has a stable fingerprint. */
	if (s.shingles == 0 && s.words > 0)
		vote(&s.seq, shingle_hash(s.ring, (int)s.words));
	votes_flush(&s.part[0]);
	votes_flush(&s.part[1]);
	struct votes bag = { .n = s.part[0].n + s.part[1].n };
	for (int b = 0; b < 64; b++)
		bag.ones[b] = s.part[0].ones[b] + s.part[1].ones[b];
	out->fp.bag = votes_fold(&bag);
	out->fp.seq = votes_fold(&s.seq);
	/* A part too short to stand for the text is left out (0). */
	out->fp.head = s.part_content[0] >= SIMHASH_MIN_PART_WORDS ? votes_fold(&s.part[0]) : 0;
	out->fp.tail = s.part_content[1] >= SIMHASH_MIN_PART_WORDS ? votes_fold(&s.part[1]) : 0;
	out->words = s.words;
	out->content_words = s.content;
	out->distinctive = s.content >= SIMHASH_MIN_CONTENT_WORDS;
	return 0;
}

int simhash_text(const char *text, size_t len, struct simhash_info *out)
{
	return scan_text(text, len, 0, out);
}

/* The lang_stop lists of a language tag: its stop_more list's bit, or 0. */
static uint32_t lang_lists(const char *lang)
{
	int i = lang ? text_stop_more(lang) : -1;
	return i < 0 ? 0 : 1u << i;
}

int simhash_text_lang(const char *text, size_t len, const char *lang, struct simhash_info *out)
{
	return scan_text(text, len, lang_lists(lang), out);
}

int simhash_set_avx2(int on)
{
	call_once(&tables_once, tables_init);
	return votes_pick(on);
}

int simhash_distinctive(const char *text)
{
	struct simhash_info si;
	return text && simhash_text(text, strlen(text), &si) == 0 && si.distinctive;
}

int simhash_story(const char *title, const char *text, const char *lang, struct simhash_fp *fp)
{
	struct simhash_info si;
	if (!fp)
		return -1;
	uint32_t lists = lang_lists(lang);
	if (text && scan_text(text, strlen(text), lists, &si) == 0 && si.distinctive) {
		*fp = si.fp;
		return 1;
	}
	if (title && scan_text(title, strlen(title), lists, &si) == 0 && si.distinctive) {
		*fp = si.fp;
		return 1;
	}
	return 0;
}

int simhash_distance(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

static int part_close(uint64_t a, uint64_t b, int k)
{
	return a && b && simhash_distance(a, b) <= k;
}

int simhash_is_copy(const struct simhash_fp *a, const struct simhash_fp *b, int k)
{
	return (simhash_distance(a->bag, b->bag) <= k || part_close(a->head, b->head, k) ||
	        part_close(a->tail, b->tail, k)) &&
	       simhash_distance(a->seq, b->seq) <= SIMHASH_SEQ_MAX;
}

/* ---- the near-duplicate index ----------------------------------------- */

/* Pigeonhole (Manku et al. 2007): cut the 64 bits into k+1 blocks (16
 * bits each for k = 3); two keys within distance k differ in at most k
 * blocks, so at least one block agrees exactly.  One hash table per
 * block maps the block's bits to the entries holding them; a lookup
 * probes every table and checks the distances of what it finds there.
 *
 * Why k+1 tables and not the (k+2)(k+1)/2 tables of the two-block form
 * (10 for k = 3, keyed on pairs of blocks, ~26 bits): every table costs a
 * link per entry, and ten tables made the index 320 bytes a story, a
 * sixth of the daemon's peak in a cold poll of 10,000 feeds.  The price
 * of 16-bit keys is the entries that share a block by chance: about
 * (entries of that kind in the window) / 65,536 per probe, so a lookup
 * (up to 3 keys x 4 tables) meets about 5 stray entries at a window of
 * 35,000 stories and about 70 at 500,000, besides those that only share
 * the bucket (LOAD a probe on average; fewer buckets are less memory).
 * The cost is bounded by the window, never by the database, and the
 * chains are walked side by side so that their cache misses overlap.
 *
 * A story is one record: its three keys (bag, head, tail), each an entry
 * of its own (entry i is key i & 3 of record i >> 2; keys only meet keys
 * of the same kind), each entry's link in one chain per table, what a
 * match reports, and its place in one FIFO in insertion order.
 *
 * A chain is a circular singly-linked list in insertion order, and the
 * bucket holds its newest entry, whose link leads to its oldest: a new
 * entry goes in after the newest, and the oldest, which is what expiry
 * takes out, is unlinked at once.  Chains are short for fingerprints
 * whose bits are near random (real news with its stop words left out),
 * but not when the texts share their most common words: the generated
 * texts of the benchmarks, or a language the stop list does not cover,
 * make chains of a hundred entries and more.  A plain list with its
 * newest entry first put the entry that expires last in its chain, and
 * walking there cost a sixth of the storing thread's time at a full
 * window (docs/dedup.md).  A record
 * keeps room for all three entries: 61 % of stories in a real cold poll
 * have a tail, 91 % a head, and separate head and tail entries (key, four
 * links, a record index) would cost more than the room they save.
 *
 * Memory: records live in fixed-size chunks that are never moved, and the
 * bucket arrays grow by splitting each bucket in place.  A slab that
 * doubles by copying held the old and the new copy at once, 1.5 times the
 * index, just when it was largest (the start-up refill of a 35,000-story
 * window, or the middle of a cold poll); chunks add one load from a small
 * array per entry visited. */

#define NIL UINT32_MAX
#define SLOTS 3                                   /* bag, head, tail */
#define MAX_TABLES (SIMHASH_MAX_K + 1)
/* Entries per bucket, on average, before the buckets double. */
#define LOAD 4

/* One story: 112 bytes.  An entry's key and its links are side by side,
 * since a chain walk reads both and nothing else of a stray entry. */
struct nd_rec {
	struct {
		uint64_t key;                 /* a head or tail of 0 has no entry */
		uint32_t next[MAX_TABLES];    /* the chain link in each table */
	} e[SLOTS];                           /* bag, head, tail */
	uint64_t seq;
	int64_t time, story_id, thread_id;
	uint32_t age_next;                    /* FIFO by insertion; also the free list */
};

/* Entry i: key i & 3 of record i >> 2. */
#define ENTRY(r, slot) ((uint32_t)(r) << 2 | (uint32_t)(slot))

/* Record r lives in chunk r >> CHUNK_SHIFT at r & CHUNK_MASK: 112 KiB a
 * chunk, small enough that the last chunk's unused part stays small. */
#define CHUNK_SHIFT 10
#define CHUNK_SIZE (1u << CHUNK_SHIFT)
#define CHUNK_MASK (CHUNK_SIZE - 1)
/* Records stay below this, so that no entry number is NIL. */
#define MAX_RECORDS (1u << 30)

struct ndindex {
	int k, tables;
	int64_t window;
	uint64_t mask[MAX_TABLES];            /* the bits of each table's block */
	struct nd_rec **c;                    /* record chunks; owned, each too */
	uint32_t n_chunks, high, free_head;
	uint32_t age_head, age_tail;
	size_t stories, entries;
	int64_t newest;                       /* the newest time inserted */
	uint32_t stale;                       /* inserts older than the window
	                                         since the last sweep */
	uint32_t *heads[MAX_TABLES];          /* per table, each bucket's newest
	                                         entry or NIL; owned */
	uint32_t nbuckets;                    /* a power of two */
};

static inline struct nd_rec *rec(const struct ndindex *ix, uint32_t r)
{
	return &ix->c[r >> CHUNK_SHIFT][r & CHUNK_MASK];
}

static inline uint32_t *link_of(const struct ndindex *ix, uint32_t i, int t)
{
	return &rec(ix, i >> 2)->e[i & 3].next[t];
}

static uint64_t slot_key(const struct simhash_fp *fp, int slot)
{
	return slot == 0 ? fp->bag : slot == 1 ? fp->head : fp->tail;
}

static uint32_t bucket_of(const struct ndindex *ix, uint64_t key, int t, int slot)
{
	uint64_t v = (key & ix->mask[t]) ^ ((uint64_t)(t * SLOTS + slot) << 58);
	return (uint32_t)(mix64(v) & (ix->nbuckets - 1));
}

/* The entries a record has: the bag, and a head and tail when not 0. */
static int has_entry(const struct nd_rec *s, int slot)
{
	return slot == 0 || s->e[slot].key;
}

/* Entry i becomes the newest of the circular chain whose newest entry
 * is *newest (NIL: empty). */
static void ring_append(struct ndindex *ix, uint32_t *newest, uint32_t i, int t)
{
	uint32_t *link = link_of(ix, i, t);

	if (*newest == NIL)
		*link = i;
	else {
		uint32_t *last = link_of(ix, *newest, t);
		*link = *last;
		*last = i;
	}
	*newest = i;
}

static void link_entry(struct ndindex *ix, uint32_t r, int slot)
{
	const struct nd_rec *s = rec(ix, r);
	for (int t = 0; t < ix->tables; t++)
		ring_append(ix, &ix->heads[t][bucket_of(ix, s->e[slot].key, t, slot)],
		            ENTRY(r, slot), t);
}

/* Walks from the chain's newest entry to the one before i: the first
 * step when i is the oldest, as it is for every story expiry takes out
 * in insertion order. */
static void unlink_entry(struct ndindex *ix, uint32_t r, int slot)
{
	const struct nd_rec *s = rec(ix, r);
	uint32_t i = ENTRY(r, slot);
	for (int t = 0; t < ix->tables; t++) {
		uint32_t *newest = &ix->heads[t][bucket_of(ix, s->e[slot].key, t, slot)];
		uint32_t p = *newest, next;
		while ((next = *link_of(ix, p, t)) != i)
			p = next;
		if (p == i)                      /* its chain's only entry */
			*newest = NIL;
		else {
			*link_of(ix, p, t) = *link_of(ix, i, t);
			if (*newest == i)
				*newest = p;
		}
	}
}

/* Twice the buckets: every array grows first (realloc, in place where
 * malloc can), then each old bucket b splits into b and b + nbuckets by
 * the one more bit of the hash that now counts.  A failed realloc leaves
 * the arrays larger but the index as it was. */
static int grow_buckets(struct ndindex *ix)
{
	uint32_t n = ix->nbuckets;

	for (int t = 0; t < ix->tables; t++) {
		uint32_t *nh = realloc(ix->heads[t], 2 * (size_t)n * sizeof *nh);
		if (!nh)
			return -1;
		ix->heads[t] = nh;
	}
	ix->nbuckets = 2 * n;
	for (int t = 0; t < ix->tables; t++) {
		uint32_t *h = ix->heads[t];
		for (uint32_t b = 0; b < n; b++) {
			uint32_t newest = h[b], i;
			if (newest == NIL) {
				h[b + n] = NIL;
				continue;
			}
			/* Oldest first, each entry appended to the chain it
			 * now belongs to: both stay in insertion order. */
			h[b] = h[b + n] = NIL;
			i = *link_of(ix, newest, t);
			for (;;) {
				uint32_t next = *link_of(ix, i, t);
				int slot = (int)(i & 3);
				uint32_t nb = bucket_of(ix, rec(ix, i >> 2)->e[slot].key, t, slot);
				ring_append(ix, &h[nb], i, t);
				if (i == newest)
					break;
				i = next;
			}
		}
	}
	return 0;
}

int ndindex_new(int k, int64_t window, struct ndindex **out)
{
	struct ndindex *ix = NULL;
	*out = NULL;
	if (k < 0 || k > SIMHASH_MAX_K || window <= 0)
		goto fail;
	if (!(ix = calloc(1, sizeof *ix)))
		goto fail;
	ix->k = k;
	ix->window = window;
	ix->tables = k + 1;
	for (int b = 0; b < ix->tables; b++) {
		int lo = b * 64 / ix->tables, hi = (b + 1) * 64 / ix->tables;
		ix->mask[b] = (hi == 64 ? UINT64_MAX : (1ull << hi) - 1) & ~((1ull << lo) - 1);
	}
	ix->free_head = ix->age_head = ix->age_tail = NIL;
	ix->nbuckets = 1024;
	for (int t = 0; t < ix->tables; t++) {
		if (!(ix->heads[t] = malloc(ix->nbuckets * sizeof **ix->heads)))
			goto fail;
		memset(ix->heads[t], 0xff, ix->nbuckets * sizeof **ix->heads);  /* NIL */
	}
	*out = ix;
	return 0;
fail:
	ndindex_free(ix);
	return -1;
}

void ndindex_free(struct ndindex *ix)
{
	if (!ix)
		return;
	for (int t = 0; t < ix->tables; t++)
		free(ix->heads[t]);
	for (uint32_t i = 0; i < ix->n_chunks; i++)
		free(ix->c[i]);
	free(ix->c);
	free(ix);
}

/* A free record, or NIL when out of memory (or of record numbers). */
static uint32_t rec_new(struct ndindex *ix)
{
	if (ix->free_head != NIL) {
		uint32_t r = ix->free_head;
		ix->free_head = rec(ix, r)->age_next;
		return r;
	}
	if (ix->high == ix->n_chunks << CHUNK_SHIFT) {
		struct nd_rec **nc, *ch;
		if (ix->high >= MAX_RECORDS)
			return NIL;
		if (!(nc = realloc(ix->c, (ix->n_chunks + 1) * sizeof *nc)))
			return NIL;
		ix->c = nc;
		if (!(ch = malloc(CHUNK_SIZE * sizeof *ch)))
			return NIL;
		ix->c[ix->n_chunks++] = ch;
	}
	return ix->high++;
}

/* Forgets record r, whose predecessor in the age list is prev. */
static void forget(struct ndindex *ix, uint32_t prev, uint32_t r)
{
	struct nd_rec *s = rec(ix, r);
	uint32_t next = s->age_next;

	if (prev == NIL)
		ix->age_head = next;
	else
		rec(ix, prev)->age_next = next;
	if (ix->age_tail == r)
		ix->age_tail = prev;
	for (int slot = 0; slot < SLOTS; slot++)
		if (has_entry(s, slot)) {
			unlink_entry(ix, r, slot);
			ix->entries--;
		}
	ix->stories--;
	s->age_next = ix->free_head;
	ix->free_head = r;
}

/* Every story older than the window, wherever it sits in the age list. */
static void sweep(struct ndindex *ix)
{
	uint32_t prev = NIL, r = ix->age_head;

	while (r != NIL) {
		uint32_t next = rec(ix, r)->age_next;
		if (rec(ix, r)->time < ix->newest - ix->window)
			forget(ix, prev, r);
		else
			prev = r;
		r = next;
	}
}

/* Inserts older than the window between two sweeps.  The age list is in
 * insertion order, so expiry stops at the first story still in the window;
 * a first poll of new feeds inserts weeks of back items behind today's,
 * which would stay until today's expire.  A sweep every so many of them
 * bounds the index by the window (the cost, a pass over the index, is
 * spread over the inserts). */
#define STALE_SWEEP 4096

int ndindex_insert(struct ndindex *ix, const struct simhash_fp *fp, int64_t story_id,
                   int64_t time, int64_t thread_id)
{
	size_t n = 1 + (fp->head != 0) + (fp->tail != 0);
	uint32_t r;

	if (time > ix->newest)
		ix->newest = time;
	else if (time < ix->newest - ix->window && ++ix->stale >= STALE_SWEEP) {
		ix->stale = 0;
		sweep(ix);
	}
	/* Keep chains short: at most LOAD entries per bucket on average.
	 * Growing first means nothing below can fail half-way. */
	while (ix->entries + n > LOAD * (size_t)ix->nbuckets && ix->nbuckets < (1u << 30))
		if (grow_buckets(ix) < 0)
			return -1;
	if ((r = rec_new(ix)) == NIL)
		return -1;
	struct nd_rec *s = rec(ix, r);
	s->e[0].key = fp->bag;
	s->e[1].key = fp->head;
	s->e[2].key = fp->tail;
	s->seq = fp->seq;
	s->time = time;
	s->story_id = story_id;
	s->thread_id = thread_id;
	s->age_next = NIL;
	for (int slot = 0; slot < SLOTS; slot++)
		if (has_entry(s, slot))
			link_entry(ix, r, slot);
	if (ix->age_tail != NIL)
		rec(ix, ix->age_tail)->age_next = r;
	else
		ix->age_head = r;
	ix->age_tail = r;
	ix->stories++;
	ix->entries += n;
	return 0;
}

/* The record of story `story_id` reached through its bag `bag` (table 0),
 * or NIL. */
static uint32_t find_story(const struct ndindex *ix, uint64_t bag, int64_t story_id)
{
	uint32_t start = ix->heads[0][bucket_of(ix, bag, 0, 0)], i = start;

	if (start == NIL)
		return NIL;
	do {
		const struct nd_rec *s = rec(ix, i >> 2);
		if ((i & 3) == 0 && s->story_id == story_id && s->e[0].key == bag)
			return i >> 2;
		i = *link_of(ix, i, 0);
	} while (i != start);
	return NIL;
}

int ndindex_update(struct ndindex *ix, const struct simhash_fp *old, int64_t story_id,
                   const struct simhash_fp *fp, int64_t time, int64_t thread_id)
{
	uint32_t r = old ? find_story(ix, old->bag, story_id) : NIL;
	size_t n = fp ? 1 + (fp->head != 0) + (fp->tail != 0) : 0;

	if (r == NIL) {
		/* Not remembered (it had no fingerprint, or left the window):
		 * remembered now if it has one and is in the window. */
		if (!fp || time < ix->newest - ix->window)
			return 0;
		return ndindex_insert(ix, fp, story_id, time, thread_id);
	}
	struct nd_rec *s = rec(ix, r);
	if (!fp) {
		/* No text to be copied any more: it stays in the age list
		 * until it expires, but no lookup returns it. */
		s->story_id = 0;
		return 0;
	}
	/* Growing first means nothing below can fail half-way. */
	while (ix->entries + n > LOAD * (size_t)ix->nbuckets && ix->nbuckets < (1u << 30))
		if (grow_buckets(ix) < 0)
			return -1;
	for (int slot = 0; slot < SLOTS; slot++)
		if (has_entry(s, slot)) {
			unlink_entry(ix, r, slot);
			ix->entries--;
		}
	s->e[0].key = fp->bag;
	s->e[1].key = fp->head;
	s->e[2].key = fp->tail;
	s->seq = fp->seq;
	s->thread_id = thread_id;
	for (int slot = 0; slot < SLOTS; slot++)
		if (has_entry(s, slot))
			link_entry(ix, r, slot);
	ix->entries += n;
	return 0;
}

/* The entries a lookup visits in one chain, at most.  A chain is this
 * long only when thousands of stories of the window share a 16-bit block
 * of a key: texts nearly alike, a feed of template items ("Weather for
 * Portland: ...") or a server that sends near-copies on purpose, 10,000
 * an item list (max_items).  Walked to its end, every lookup met every
 * one of them: each poll of such a feed cost the storing thread
 * (stories in the window) x (items), and the next poll more (10,000
 * near-copies a poll: 1.5 s of CPU, then 3.2, 5.7, 8.2, 10.1...).  The
 * walk starts at the chain's newest entry, then goes from its oldest in
 * insertion order, so the earliest stories, which win, are met first;
 * in a chain of near-copies they are all copies of the same original.
 * Among 50,000 stories under one headline with texts nearly alike, 1,024
 * found 4 % fewer copies than the whole walk, 2,048 0.3 % fewer, 4,096
 * the same ones. */
#define WALK_MAX 4096

/* Is a better (earlier, then closer, then lower id) than b?  The same
 * story met through two keys counts by the first kind (bag, head, tail),
 * whatever order the chains were walked in. */
static int better(const struct nd_rec *a, int da, int part, const struct nd_match *b)
{
	if (a->time != b->time)
		return a->time < b->time;
	if (da != b->distance)
		return da < b->distance;
	if (a->story_id != b->story_id)
		return a->story_id < b->story_id;
	return part < b->part;
}

/* The lookup walks its up to 12 chains side by side, one entry of each in
 * turn, fetching the next entry of each before it is needed: the chains'
 * cache misses overlap instead of following one another.  In a window of
 * hundreds of thousands of stories a chain holds ten entries or more,
 * nearly all of them misses. */
int ndindex_lookup(const struct ndindex *ix, const struct simhash_fp *fp, int64_t time,
                   struct nd_match *out)
{
	struct {
		uint64_t q;
		uint32_t i, start;   /* the entry next visited; where the ring began */
		uint32_t left;       /* entries it may still visit (WALK_MAX) */
		int slot, t;
	} w[SLOTS * MAX_TABLES];
	int n = 0, found = 0;
	uint32_t visited = 0;

	for (int slot = 0; slot < SLOTS; slot++) {
		uint64_t q = slot_key(fp, slot);
		if (slot && !q)
			continue;
		for (int t = 0; t < ix->tables; t++) {
			uint32_t i = ix->heads[t][bucket_of(ix, q, t, slot)];
			if (i == NIL)
				continue;
			__builtin_prefetch(rec(ix, i >> 2));
			w[n].q = q;
			w[n].i = w[n].start = i;
			w[n].left = WALK_MAX;
			w[n].slot = slot;
			w[n].t = t;
			n++;
		}
	}
	while (n > 0) {
		for (int j = 0; j < n;) {
			const struct nd_rec *s = rec(ix, w[j].i >> 2);
			int es = (int)(w[j].i & 3), slot = w[j].slot, t = w[j].t;
			uint64_t q = w[j].q;
			visited++;
			if ((w[j].i = s->e[es].next[t]) == w[j].start || --w[j].left == 0)
				w[j] = w[--n];  /* j now holds a chain not yet visited this turn */
			else {
				__builtin_prefetch(rec(ix, w[j].i >> 2));
				j++;
			}
			if (es != slot || ((s->e[slot].key ^ q) & ix->mask[t]))
				continue;  /* shares the bucket, not the block */
			if (!s->story_id)
				continue;  /* an updated story's text no more */
			if (simhash_distance(s->e[slot].key, q) > ix->k)
				continue;
			int ds = simhash_distance(s->seq, fp->seq);
			if (ds > SIMHASH_SEQ_MAX)
				continue;
			int64_t dt = s->time > time ? s->time - time : time - s->time;
			if (dt > ix->window)
				continue;
			int d = simhash_distance(s->e[0].key, fp->bag);
			if (!found || better(s, d, slot, out)) {
				out->story_id = s->story_id;
				out->time = s->time;
				out->thread_id = s->thread_id;
				out->fp = (struct simhash_fp){ .bag = s->e[0].key, .seq = s->seq,
				                               .head = s->e[1].key, .tail = s->e[2].key };
				out->distance = d;
				out->seq_distance = ds;
				out->part = slot;
				found = 1;
			}
		}
	}
	out->visited = visited;
	return found;
}

size_t ndindex_expire(struct ndindex *ix, int64_t now)
{
	size_t n = 0;
	if (now > ix->newest)
		ix->newest = now;
	while (ix->age_head != NIL && rec(ix, ix->age_head)->time < now - ix->window) {
		forget(ix, NIL, ix->age_head);
		n++;
	}
	return n;
}

size_t ndindex_count(const struct ndindex *ix)
{
	return ix->stories;
}

size_t ndindex_memory(const struct ndindex *ix)
{
	return sizeof *ix + (size_t)ix->n_chunks * (CHUNK_SIZE * sizeof(struct nd_rec) + sizeof *ix->c) +
	       (size_t)ix->tables * ix->nbuckets * sizeof(uint32_t);
}
