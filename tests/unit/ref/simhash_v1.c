/* tests/unit/ref/simhash_v1.c — the text pass of daemon/simhash.c as it
 * was before the fast scanner (commit b1571a7), kept only as the
 * reference the differential tests compare against: every simhash_info
 * field must stay bit-identical, since fingerprints are stored in users'
 * databases.  Included by the tests (not a test of its own); the public
 * names carry a ref_ prefix and are static.  Do not optimise this file. */
#include "daemon/simhash.h"

#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <utf8proc.h>

/* ---- hashing ---------------------------------------------------------- */

/* Words are hashed eight bytes at a time (multiply-rotate per chunk, one
 * finaliser per word); the seed is ours.  Any fixed value works, but none
 * of this may change: stored fingerprints would stop matching new ones. */
#define WORD_SEED   0x6c62272e07bb0142ull
#define CHUNK_MUL   0x9fb21c651e98df25ull

/* A bijective 64-bit finaliser (splitmix64's): every input bit reaches
 * every output bit, which SimHash needs, since each output bit is a ref_vote. */
static uint64_t ref_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static uint64_t ref_rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* The word hashes are already well mixed, so rotating each by its place
 * and adding is enough to make order matter ("police shot man" and "man
 * shot police" differ); one multiply-xorshift breaks the linearity. */
static uint64_t ref_shingle_hash(const uint64_t *w, int n)
{
	uint64_t h = (uint64_t)n;
	for (int i = 0; i < n; i++)
		h += ref_rotl(w[i], 21 * i + 1);
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return h ^ (h >> 29);
}

/* The running state of one word's hash. */
struct ref_wordhash {
	uint64_t h, acc;
	unsigned nacc;
	size_t len;
};

static void ref_wh_reset(struct ref_wordhash *w)
{
	w->h = WORD_SEED;
	w->acc = 0;
	w->nacc = 0;
	w->len = 0;
}

static inline __attribute__((always_inline)) void ref_wh_byte(struct ref_wordhash *w, unsigned char c)
{
	w->acc |= (uint64_t)c << (8 * w->nacc);
	w->len++;
	if (++w->nacc == 8) {
		w->h = ref_rotl((w->h ^ w->acc) * CHUNK_MUL, 29);
		w->acc = 0;
		w->nacc = 0;
	}
}

static uint64_t ref_wh_final(const struct ref_wordhash *w)
{
	return ref_mix64(w->h ^ w->acc ^ ((uint64_t)w->len << 56));
}

/* ---- the stop list ---------------------------------------------------- */

/* Words that say nothing about which story a text is: the commonest
 * function words of English (and a few of German, French, Spanish,
 * Italian, Portuguese and Dutch), plus the generic vocabulary of recurring
 * headlines ("Today's top news", "What you need to know").  They neither
 * count towards distinctiveness nor ref_vote in the bag fingerprint: every
 * text of a language shares them, so their ref_votes would pull all
 * fingerprints towards one pattern and crowd the index's buckets.
 * Written folded, as the scanner folds (no capitals, no accents). */
static const char *const ref_stop_words[] = {
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

/* The stop words as a set of their word hashes (open addressing; a
 * 64-bit hash collision with a real word is not a practical concern;
 * 0 marks an empty slot, and no word hashes to 0 in practice). */
#define STOP_SLOTS 1024
static uint64_t ref_stop_set[STOP_SLOTS];
static uint64_t ref_spread[256];
/* Both tables are filled once, before the first text, then only read. */
static once_flag ref_tables_once = ONCE_FLAG_INIT;

static uint64_t ref_word_hash(const char *s)
{
	struct ref_wordhash w;
	ref_wh_reset(&w);
	for (; *s; s++)
		ref_wh_byte(&w, (unsigned char)*s);
	return ref_wh_final(&w);
}

static void ref_tables_init(void)
{
	for (int b = 0; b < 256; b++) {
		ref_spread[b] = 0;
		for (int i = 0; i < 8; i++)
			ref_spread[b] |= (uint64_t)((b >> i) & 1) << (8 * i);
	}
	for (size_t i = 0; i < sizeof ref_stop_words / sizeof *ref_stop_words; i++) {
		uint64_t h = ref_word_hash(ref_stop_words[i]);
		uint32_t j = (uint32_t)h & (STOP_SLOTS - 1);
		while (ref_stop_set[j] && ref_stop_set[j] != h)
			j = (j + 1) & (STOP_SLOTS - 1);
		ref_stop_set[j] = h;
	}
}

/* `h` is the word's hash as ref_word_hash() computes it. */
static int ref_is_stop_hash(uint64_t h)
{
	uint32_t j = (uint32_t)h & (STOP_SLOTS - 1);
	while (ref_stop_set[j]) {
		if (ref_stop_set[j] == h)
			return 1;
		j = (j + 1) & (STOP_SLOTS - 1);
	}
	return 0;
}

/* ---- datelines and bylines -------------------------------------------- */

static int ref_ascii_ncaseeq(const char *a, const char *b, size_t n)
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

static size_t ref_skip_space(const char *t, size_t len, size_t i)
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
static int ref_dateline_abbrev(const char *t, size_t len, size_t start, size_t j)
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
static size_t ref_skip_dateline(const char *t, size_t len, size_t i)
{
	size_t j = i, caps = 0;
	/* "(CNN) — ", "(Bloomberg) -- ": the credit alone, closed on its
	 * line within 40 bytes and followed by the dash. */
	if (i < len && t[i] == '(') {
		for (j = i + 1; j < len && j < i + 40 && t[j] != ')' && t[j] != '\n' && t[j] != '('; j++)
			;
		if (j == i + 1 || j >= len || t[j] != ')')
			return i;
		j = ref_skip_space(t, len, j + 1);
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
		                     !ref_dateline_abbrev(t, len, i, j)))
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
static size_t ref_skip_byline(const char *t, size_t len, size_t i)
{
	if (len - i < 4 || !ref_ascii_ncaseeq(t + i, "by ", 3))
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
static int ref_stamp_word(const char *w, size_t n)
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
		if (strlen(words[k]) == n && ref_ascii_ncaseeq(w, words[k], n))
			return 1;
	return 0;
}

/* "Updated at 3:47 p.m. EST on Dec. 1, 2026", "Posted: Dec 1, 2026 /
 * 09:12 AM EST Updated: ...", "Last updated 2 hours ago": a line of its
 * own (under 160 bytes) that a CMS puts above the story it prints and
 * the agency's copy lacks.  It starts with "Updated", "Posted",
 * "Published" or "Last updated", holds a number, and its other words are
 * all ref_stamp_word()s, so that a sentence that only starts so ("Updated
 * census figures show ...") is text.  Returns the offset after the
 * line, or `i`. */
static size_t ref_skip_stamp(const char *t, size_t len, size_t i)
{
	static const char *const starts[] = { "updated", "posted", "published", "last updated" };
	size_t k, j, end;
	int digit = 0;

	for (k = 0; k < sizeof starts / sizeof *starts; k++) {
		size_t n = strlen(starts[k]);
		if (len - i > n && ref_ascii_ncaseeq(t + i, starts[k], n) &&
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
			if (!ref_stamp_word(t + w, j - w))
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
	return digit ? ref_skip_space(t, len, end) : i;
}

static size_t ref_simhash_skip_preamble(const char *text, size_t len)
{
	size_t i = ref_skip_space(text, len, 0);
	/* Either order: "By X\nCITY (AP) — ..." and "CITY (AP) — By X\n...". */
	for (int round = 0; round < 2; round++) {
		size_t j = ref_skip_dateline(text, len, ref_skip_stamp(text, len, i));
		j = ref_skip_byline(text, len, ref_skip_space(text, len, j));
		j = ref_skip_space(text, len, j);
		if (j == i)
			break;
		i = j;
	}
	return i;
}

/* ---- the scanner ------------------------------------------------------ */

/* Votes of features on the 64 bits.  Counting the set bits of each
 * feature eight at a time: ref_spread[b] (see ref_tables_init) has byte i = bit i
 * of b, so adding it to a lane counts eight bits at once; lanes are
 * emptied into the totals before a byte could overflow. */

struct ref_votes {
	uint64_t lane[8];
	uint32_t pending, n;
	uint32_t ones[64];
};

static void ref_votes_flush(struct ref_votes *v)
{
	for (int j = 0; j < 8; j++) {
		for (int i = 0; i < 8; i++)
			v->ones[j * 8 + i] += (uint32_t)(v->lane[j] >> (8 * i)) & 0xff;
		v->lane[j] = 0;
	}
	v->pending = 0;
}

static inline __attribute__((always_inline)) void ref_vote(struct ref_votes *v, uint64_t f)
{
	for (int j = 0; j < 8; j++)
		v->lane[j] += ref_spread[(f >> (8 * j)) & 0xff];
	v->n++;
	if (++v->pending == 255)
		ref_votes_flush(v);
}

/* Bit b is set when more features had it set than clear. */
static uint64_t ref_votes_fold(struct ref_votes *v)
{
	uint64_t h = 0;
	ref_votes_flush(v);
	for (int b = 0; b < 64; b++)
		if (2 * (uint64_t)v->ones[b] > v->n)
			h |= 1ull << b;
	return h;
}

struct ref_scan {
	struct ref_votes seq, part[2];   /* bag = the two parts' ref_votes together */
	uint64_t ring[SIMHASH_SHINGLE];  /* the last words' hashes */
	size_t words, content, shingles, part_content[2];
	struct ref_wordhash w;   /* the word being read */
	size_t pos, wstart;  /* byte offsets: the input, the word's start */
	size_t mid;          /* the tail starts at an anchor word from here */
	int in_tail;
};

static void ref_end_word(struct ref_scan *s)
{
	if (s->w.len == 0)
		return;
	uint64_t h = ref_wh_final(&s->w);
	/* The tail starts at the first anchor word (1 in 8 words, by hash)
	 * past the middle: an edit in one part moves the middle a little,
	 * but rarely past an anchor, so the other part stays identical. */
	if (!s->in_tail && s->wstart >= s->mid && (h >> 61) == 0)
		s->in_tail = 1;
	if (!ref_is_stop_hash(h)) {
		s->content++;
		ref_vote(&s->part[s->in_tail], h);
		s->part_content[s->in_tail]++;
	}
	s->ring[s->words % SIMHASH_SHINGLE] = h;
	s->words++;
	if (s->words >= SIMHASH_SHINGLE) {
		uint64_t w[SIMHASH_SHINGLE];
		for (int i = 0; i < SIMHASH_SHINGLE; i++)
			w[i] = s->ring[(s->words + (size_t)i) % SIMHASH_SHINGLE];
		ref_vote(&s->seq, ref_shingle_hash(w, SIMHASH_SHINGLE));
		s->shingles++;
	}
	ref_wh_reset(&s->w);
}

static inline __attribute__((always_inline)) void ref_add_byte(struct ref_scan *s, unsigned char c)
{
	if (s->w.len == 0)
		s->wstart = s->pos;
	ref_wh_byte(&s->w, c);
}

static void ref_add_cp(struct ref_scan *s, int32_t cp)
{
	utf8proc_uint8_t u[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, u);
	for (utf8proc_ssize_t i = 0; i < n; i++)
		ref_add_byte(s, u[i]);
}

/* Scripts written without spaces between words. */
static int ref_is_unspaced(int32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) ||   /* hiragana, katakana */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility */
	       (cp >= 0x20000 && cp <= 0x2FA1F) || /* CJK extensions B.. */
	       (cp >= 0x0E00 && cp <= 0x0E7F);     /* Thai */
}

static int ref_is_word_cat(int32_t cp)
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

/* One code point of the input: folded, decomposed, marks stripped, then
 * each resulting code point extends the word or ends it. */
static void ref_feed_cp(struct ref_scan *s, int32_t cp)
{
	if (cp < 0x80) {  /* the common case, without table lookups */
		if (cp >= 'A' && cp <= 'Z')
			ref_add_byte(s, (unsigned char)(cp - 'A' + 'a'));
		else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			ref_add_byte(s, (unsigned char)cp);
		else if (cp != '\'')
			ref_end_word(s);
		return;
	}
	if (cp == 0x2019 || cp == 0x02BC || cp == 0x0640)  /* apostrophes, tatweel */
		return;
	utf8proc_int32_t d[16];
	int bound = 0;
	utf8proc_ssize_t n = utf8proc_decompose_char(cp, d, 16,
		UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
		UTF8PROC_STRIPMARK | UTF8PROC_IGNORE, &bound);
	if (n < 0 || n > 16) {
		ref_end_word(s);
		return;
	}
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		if (ref_is_unspaced(d[i])) {
			ref_end_word(s);
			ref_add_cp(s, d[i]);
			ref_end_word(s);
		} else if (d[i] < 0x80) {
			ref_feed_cp(s, d[i]);  /* e.g. the "e" left of "é" */
		} else if (ref_is_word_cat(d[i])) {
			ref_add_cp(s, d[i]);
		} else {
			ref_end_word(s);
		}
	}
}

static int ref_simhash_text(const char *text, size_t len, struct simhash_info *out)
{
	struct ref_scan s;

	if (!text || !out)
		return -1;
	call_once(&ref_tables_once, ref_tables_init);
	memset(&s, 0, sizeof s);
	ref_wh_reset(&s.w);
	size_t i = ref_simhash_skip_preamble(text, len);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text + i;
	len -= i;
	s.mid = len / 2;
	while (len > 0) {
		unsigned char c = *p;
		s.pos = (size_t)(p - (const utf8proc_uint8_t *)text) - i;
		if (c < 0x80) {  /* ASCII inline: most news text is */
			if (c >= 'a' && c <= 'z')
				ref_add_byte(&s, c);
			else if (c >= 'A' && c <= 'Z')
				ref_add_byte(&s, (unsigned char)(c - 'A' + 'a'));
			else
				ref_feed_cp(&s, c);
			p++;
			len--;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);
		if (n <= 0) {  /* an invalid byte: a separator */
			ref_end_word(&s);
			p++;
			len--;
			continue;
		}
		ref_feed_cp(&s, cp);
		p += n;
		len -= (size_t)n;
	}
	ref_end_word(&s);

	/* Too few words for one full shingle: the words together are one
	 * feature, so even a two-word headline has a stable fingerprint. */
	if (s.shingles == 0 && s.words > 0)
		ref_vote(&s.seq, ref_shingle_hash(s.ring, (int)s.words));
	ref_votes_flush(&s.part[0]);
	ref_votes_flush(&s.part[1]);
	struct ref_votes bag = { .n = s.part[0].n + s.part[1].n };
	for (int b = 0; b < 64; b++)
		bag.ones[b] = s.part[0].ones[b] + s.part[1].ones[b];
	out->fp.bag = ref_votes_fold(&bag);
	out->fp.seq = ref_votes_fold(&s.seq);
	/* A part too short to stand for the text is left out (0). */
	out->fp.head = s.part_content[0] >= SIMHASH_MIN_PART_WORDS ? ref_votes_fold(&s.part[0]) : 0;
	out->fp.tail = s.part_content[1] >= SIMHASH_MIN_PART_WORDS ? ref_votes_fold(&s.part[1]) : 0;
	out->words = s.words;
	out->content_words = s.content;
	out->distinctive = s.content >= SIMHASH_MIN_CONTENT_WORDS;
	return 0;
}

static int ref_simhash_story(const char *title, const char *text, struct simhash_fp *fp)
{
	struct simhash_info si;
	if (!fp)
		return -1;
	if (text && ref_simhash_text(text, strlen(text), &si) == 0 && si.distinctive) {
		*fp = si.fp;
		return 1;
	}
	if (title && ref_simhash_text(title, strlen(title), &si) == 0 && si.distinctive) {
		*fp = si.fp;
		return 1;
	}
	return 0;
}
