/* daemon/text.c — tokenizer behind clustering: word splitting on Unicode
 * categories, NFKC case folding, stop words, Snowball stems, casing cues.
 * Owns the per-language stemmer/stop-word cache (struct text). */
#include "daemon/text.h"
#include "daemon/rtl_fold.h"
#include "daemon/stop_words.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

/* Pass 1 classifies 16 bytes at once with SSE2 (daemon/simd.h). */
#include "daemon/simd.h"

/* Stop words, folded, space-separated.  Short lists on purpose: IDF does the
 * rest once enough stories were seen; these only keep early, small-N IDF from
 * promoting function words.  "said/says" are in English because every news
 * story has them. */
static const char STOP_EN[] =
	"a about above after again against all also am an and any are aren as at "
	"be because been before being below between both but by can cannot could "
	"couldn did didn do does doesn doing don down during each few for from "
	"further had hadn has hasn have haven having he her here hers herself him "
	"himself his how i if in into is isn it its itself just let me more most "
	"mustn my myself no nor not now of off on once only or other ought our "
	"ours ourselves out over own same shan she should shouldn so some such "
	"than that the their theirs them themselves then there these they this "
	"those through to too under until up upon very was wasn we were weren "
	"what when where which while who whom why will with won would wouldn you "
	"your yours yourself yourselves said says say saying told tells via amid "
	"per since s t ll re ve d m";
static const char STOP_FR[] =
	"au aux avec ce ces cet cette dans de des du elle elles en et eux il ils "
	"je la le les leur leurs lui ma mais me meme mes moi mon ne nos notre nous "
	"on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un "
	"une vos votre vous est sont ete etre avoir ont a été être été était "
	"comme plus selon après apres sans sous entre aussi tout tous dont ou où "
	"l d c j n s qu y";
static const char STOP_DE[] =
	"aber alle als also am an auch auf aus bei bin bis da dass das dem den der "
	"des die doch dort du durch ein eine einem einen einer eines er es fur für "
	"hat hatte hier ich ihr ihre im in ist ja kein keine mit nach nicht noch "
	"nur oder ohne sein seine sich sie sind so uber über um und uns unter vom "
	"von vor war waren was wenn werden wie wir wird wurde zu zum zur sei soll "
	"haben habe mehr nun schon";
static const char STOP_ES[] =
	"a al algo como con de del desde donde el ella ellas ellos en entre era es "
	"esa ese esta este esto fue ha han hay la las le les lo los mas más me mi "
	"muy ni no nos o para pero por que qué se sea ser si sí sin sobre su sus "
	"tambien también te tiene un una uno unos y ya está están según tras";
static const char STOP_IT[] =
	"a ad al alla alle agli ai anche che chi ci come con da dal dalla dei del "
	"della delle di e è ed era gli ha hanno i il in la le lo ma mi ne nel "
	"nella non o per più piu se si sono su sua suo sul sulla tra un una uno "
	"questo questa quello quella dopo ancora l d c";
static const char STOP_PT[] =
	"a ao aos as com como da das de do dos e é ela ele eles em entre era foi "
	"há isso mais mas na nas não nem no nos o os ou para pela pelo por que se "
	"sem ser seu sua são também tem um uma à após sobre segundo";
static const char STOP_NL[] =
	"aan al als bij dan dat de der des die dit door een en er had heb heeft "
	"het hij hoe hun ik in is je kan maar met na naar niet nog nu of om ons "
	"ook op over te tot uit van voor was wat we wel werd wordt zal ze zich zij "
	"zijn zo";
static const char STOP_SV[] =
	"att av de den denna det detta dig du en ett efter för från har hon hur "
	"i inte jag kan man med men mot när och om på sig sin som till under upp "
	"ut var vi vid är över";
static const char STOP_DA_NO[] =
	"af at de den der det dette du efter en et for fra han har hun hvad i ikke "
	"jeg kan med men mod og om på seg sig som til ud var vi være er ble blir "
	"av ei etter fra hva ikkje ingen og til var ved";

/* A set of folded words: open addressing over pointers into words (owned). */
struct strset {
	char *words;      /* owns the copied list, NUL-separated */
	const char **tab; /* owns the table; entries point into words */
	uint32_t *th;     /* owns: hash_bytes() of each entry, tested first */
	size_t mask;
};

struct lang_slot {
	char code[8];             /* primary subtag, lower case */
	struct sb_stemmer *stem;  /* owned; NULL when Snowball lacks it */
	const struct strset *stop;
	int turkic;               /* tr, az: I folds to dotless ı, İ to i */
};

/* Language slots; the last LANG_ROOM are only for languages that change
 * something (see lang_get): the 29 libstemmer knows, each under its
 * two-letter code (deu, ger, German are de: lang_alias), az, and the 11
 * others with stop words (daemon/stop_words.h: uk bg pl cs sk hr bs fa ur
 * he ms). */
#define MAX_LANGS 128
#define LANG_ROOM 66
#define STEM_MAX (1u << 18)        /* distinct words memoised; then it starts over */
#define STEM_ARENA_MAX (16u << 20) /* bytes of records; likewise */

/* Stem memo: Snowball costs more than everything else in tokenizing, and
 * news repeats its words (Zipf), so each distinct word is stemmed once.
 * Every distinct word of a start-up restore (100k stories: ~100k words)
 * fits: a smaller direct-mapped cache thrashed and stemmed five times as
 * often.  Open addressing over (hash, offset); the records live in
 * sm_arena as klen, slen, lang, the stem's hash_bytes() (4 bytes, for the
 * token), key bytes, stem bytes.  Bounded: past
 * STEM_MAX words or STEM_ARENA_MAX bytes it is emptied and refills with the
 * words in use (4 MiB of table and 16 MiB of records at most; about 8 MiB
 * for 100k English words). */
#define SM_HEAD 7 /* record head: klen, slen, lang, stem hash */

/* Fold memo: utf8proc's NFKC + case fold costs about 1,500 instructions
 * a word, and the words that need it (accents, other scripts) repeat as
 * all words do.  Direct-mapped by hash_bytes() of the raw word; a slot
 * holds a short word and its folding, a new word evicts the old.  Only
 * successful foldings are kept, and only from calls with the one cap all
 * callers use, so a hit returns what fold() would. */
#define FOLD_SLOTS 1024
#define FOLD_KEY 46
#define FOLD_VAL 62
#define FOLD_CAP 256

struct fold_slot {
	uint32_t hash;
	uint8_t klen, vlen;       /* klen 0: empty */
	char key[FOLD_KEY], val[FOLD_VAL];
};

struct stem_slot {
	uint32_t hash, off; /* off 0: free (sm_arena starts with a pad byte) */
};

struct text {
	struct strset stops[9 + STOP_MORE_N]; /* en fr de es it pt nl sv da/no, stop_more */
	struct lang_slot langs[MAX_LANGS];
	int nlangs;
	utf8proc_int32_t u32[512];
	struct stem_slot *sm;     /* owned, sm_mask + 1 slots */
	uint32_t sm_mask, sm_n;
	unsigned char *sm_arena;  /* owned */
	size_t sm_len, sm_cap;
	char *fb;                 /* owned: one call's folded words */
	size_t fb_cap;
	struct text_tokens scratch; /* text_tokenize_kept's, reused */
	struct fold_slot *fm;       /* owned: the fold memo, FOLD_SLOTS */
};

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int strset_init(struct strset *set, const char *list)
{
	size_t n = 1;
	for (const char *p = list; *p; p++)
		n += *p == ' ';
	size_t cap = 16;
	while (cap < n * 2)
		cap <<= 1;
	set->words = strdup(list);
	set->tab = calloc(cap, sizeof *set->tab);
	set->th = calloc(cap, sizeof *set->th);
	set->mask = cap - 1;
	if (!set->words || !set->tab || !set->th)
		return -1;
	for (char *w = strtok(set->words, " "); w; w = strtok(NULL, " ")) {
		uint32_t h = hash_bytes(w, strlen(w));
		size_t i = h & set->mask;
		while (set->tab[i] && strcmp(set->tab[i], w) != 0)
			i = (i + 1) & set->mask;
		set->tab[i] = w;
		set->th[i] = h;
	}
	return 0;
}

static void strset_free(struct strset *set)
{
	free(set->words);
	free(set->tab);
	free(set->th);
}

/* Whether w[0..n), whose hash_bytes() is h, is in set. */
static int strset_has(const struct strset *set, const char *w, size_t n, uint32_t h)
{
	size_t i = h & set->mask;
	while (set->tab[i]) {
		/* The hash first: a miss rarely gets past it. */
		if (set->th[i] == h && strncmp(set->tab[i], w, n) == 0 && set->tab[i][n] == '\0')
			return 1;
		i = (i + 1) & set->mask;
	}
	return 0;
}

struct text *text_new(void)
{
	static const char *const lists[9] = { STOP_EN, STOP_FR, STOP_DE, STOP_ES,
		STOP_IT, STOP_PT, STOP_NL, STOP_SV, STOP_DA_NO };
	struct text *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	for (int i = 0; i < 9; i++)
		if (strset_init(&t->stops[i], lists[i]) < 0)
			goto fail;
	for (size_t i = 0; i < STOP_MORE_N; i++)
		if (strset_init(&t->stops[9 + i], stop_more[i].words) < 0)
			goto fail;
	t->sm_mask = 4095;
	t->sm = calloc(t->sm_mask + 1, sizeof *t->sm);
	t->sm_cap = 65536;
	t->sm_arena = malloc(t->sm_cap);
	t->fm = calloc(FOLD_SLOTS, sizeof *t->fm);
	if (!t->sm || !t->sm_arena || !t->fm)
		goto fail;
	t->sm_len = 1;
	return t;
fail:
	text_free(t);
	return NULL;
}

void text_free(struct text *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < sizeof t->stops / sizeof t->stops[0]; i++)
		strset_free(&t->stops[i]);
	for (int i = 0; i < t->nlangs; i++)
		if (t->langs[i].stem)
			sb_stemmer_delete(t->langs[i].stem);
	free(t->sm);
	free(t->sm_arena);
	free(t->fb);
	free(t->fm);
	text_tokens_free(&t->scratch);
	free(t);
}

/* The other names feeds give the languages Snowball stems (and
 * Azerbaijani, folded as Turkish): their ISO 639-2 codes, bibliographic
 * and terminological, and English names, as libstemmer knows them ("esl"
 * is its own), and Bokmål's and Nynorsk's codes (nb and nn) and the
 * withdrawn two-letter ones (in, iw, ji, mo: below).  A feed saying
 * <language>deu</language> or "German" is German: the same
 * stems, stop words and folding as "de".  libstemmer stemmed "deu" but
 * English stop words stayed ("die", "und" kept as terms), "tur" lacked
 * the Turkish folding and case endings, and "German" or "English" was
 * not stemmed at all, so one event told under two tags missed its
 * thread, and Turkish headlines joined on a case ending. */
static const char *const lang_alias[][2] = {
	{ "ara", "ar" }, { "arabic", "ar" }, { "arm", "hy" }, { "hye", "hy" },
	{ "armenian", "hy" }, { "aze", "az" }, { "azerbaijani", "az" },
	{ "baq", "eu" }, { "eus", "eu" }, { "basque", "eu" }, { "cat", "ca" },
	{ "catalan", "ca" }, { "dan", "da" }, { "danish", "da" }, { "dut", "nl" },
	{ "nld", "nl" }, { "dutch", "nl" }, { "eng", "en" }, { "english", "en" },
	{ "esl", "es" }, { "spa", "es" }, { "spanish", "es" }, { "fin", "fi" },
	{ "finnish", "fi" }, { "fra", "fr" }, { "fre", "fr" }, { "french", "fr" },
	{ "deu", "de" }, { "ger", "de" }, { "german", "de" }, { "ell", "el" },
	{ "gre", "el" }, { "greek", "el" }, { "gle", "ga" }, { "irish", "ga" },
	{ "hin", "hi" }, { "hindi", "hi" }, { "hun", "hu" }, { "hungarian", "hu" },
	{ "ind", "id" }, { "indonesian", "id" }, { "ita", "it" }, { "italian", "it" },
	{ "lit", "lt" }, { "lithuanian", "lt" }, { "nep", "ne" }, { "nepali", "ne" },
	{ "nob", "no" }, { "nno", "no" },
	{ "nor", "no" }, { "norwegian", "no" }, { "por", "pt" },
	{ "portuguese", "pt" }, { "ron", "ro" }, { "rum", "ro" },
	{ "romanian", "ro" }, { "rus", "ru" }, { "russian", "ru" }, { "srp", "sr" },
	{ "serbian", "sr" }, { "swe", "sv" }, { "swedish", "sv" }, { "tam", "ta" },
	{ "tamil", "ta" }, { "tur", "tr" }, { "turkish", "tr" }, { "yid", "yi" },
	{ "yiddish", "yi" },
	/* and those of the languages with stop words but no stemmer */
	{ "bos", "bs" }, { "bosnian", "bs" }, { "bul", "bg" }, { "bulgarian", "bg" },
	{ "ces", "cs" }, { "cze", "cs" }, { "czech", "cs" }, { "hrv", "hr" },
	{ "croatian", "hr" }, { "fas", "fa" }, { "per", "fa" }, { "persian", "fa" },
	{ "farsi", "fa" }, { "heb", "he" }, { "hebrew", "he" }, { "msa", "ms" },
	{ "may", "ms" }, { "malay", "ms" }, { "pol", "pl" }, { "polish", "pl" },
	{ "slk", "sk" }, { "slo", "sk" }, { "slovak", "sk" }, { "ukr", "uk" },
	{ "ukrainian", "uk" }, { "urd", "ur" }, { "urdu", "ur" },
};

/* The index in struct text's stops of the stop words of the language
 * whose (two-letter) code is code: 0, English's, for one without its own. */
static int stop_index(const char *code)
{
	static const char *const codes[9] = { "en", "fr", "de", "es", "it", "pt",
		"nl", "sv", "da" };
	for (int i = 0; i < 9; i++)
		if (!strcmp(code, codes[i]))
			return i;
	if (!strcmp(code, "no"))
		return 8;
	for (size_t i = 0; i < STOP_MORE_N; i++)
		if (stop_words_for(&stop_more[i], code))
			return 9 + (int)i;
	return 0;
}

/* lang's primary subtag as a two-letter code where it has one (deu, ger,
 * German: de), lower case, in code (16 bytes); returns its length (2 or
 * 3), or 0 for NULL lang or one that is no language tag. */
static size_t lang_code(const char *lang, char *code)
{
	size_t n = 0;
	if (!lang)
		return 0;
	/* Blanks around the tag are no part of it: xml:lang=" de " keeps
	 * them (as feedparser does), an HTTP header may too. */
	while (isspace((unsigned char)*lang))
		lang++;
	while (lang[n] && lang[n] != '-' && lang[n] != '_' && !isspace((unsigned char)lang[n])) {
		if (!isalpha((unsigned char)lang[n]) || n == 15)
			return 0;
		code[n] = (char)tolower((unsigned char)lang[n]);
		n++;
	}
	code[n] = '\0';
	if (n < 2)
		return 0;
	/* Bokmål and Nynorsk are Norwegian to Snowball; "in", "iw", "ji" and
	 * "mo" are the codes ISO 639-1 had for Indonesian, Hebrew, Yiddish
	 * and Romanian (as Moldavian), which Java wrote until version 17 (its
	 * Locale gave "in_ID" for "id-ID", "iw_IL" for "he-IL"): an
	 * Indonesian feed so tagged was not stemmed, and missed the threads
	 * of one tagged "id".  "in" only with the region ID: alone it may be
	 * a feed's word for India. */
	static const char *const two[][2] = {
		{ "nb", "no" }, { "nn", "no" }, { "in", "id" }, { "iw", "he" }, { "ji", "yi" },
		{ "mo", "ro" },
	};
	for (size_t i = 0; n == 2 && i < sizeof two / sizeof two[0]; i++)
		if (!strcmp(code, two[i][0])) {
			if (!strcmp(code, "in") &&
			    !((lang[2] == '-' || lang[2] == '_') && tolower((unsigned char)lang[3]) == 'i' &&
			      tolower((unsigned char)lang[4]) == 'd' && !isalnum((unsigned char)lang[5])))
				break;
			memcpy(code, two[i][1], 3);
			break;
		}
	for (size_t i = 0; n > 2 && i < sizeof lang_alias / sizeof lang_alias[0]; i++)
		if (!strcmp(code, lang_alias[i][0])) {
			n = 2;
			memcpy(code, lang_alias[i][1], 3);
			break;
		}
	/* a name that is none of those is no language tag */
	return n > 3 ? 0 : n;
}

int text_stop_more(const char *lang)
{
	char code[16];
	if (!lang_code(lang, code))
		return -1;
	for (size_t i = 0; i < STOP_MORE_N; i++)
		if (stop_words_for(&stop_more[i], code))
			return (int)i;
	return -1;
}

/* The slot for lang's primary subtag; NULL lang or a malformed one gives
 * NULL (English stop words, no stemming), and so does a failure for want
 * of memory, which sets *oom. */
static const struct lang_slot *lang_get(struct text *t, const char *lang, int *oom)
{
	char code[16];
	size_t n = lang_code(lang, code);
	if (!n)
		return NULL;
	for (int i = 0; i < t->nlangs; i++)
		if (!strcmp(t->langs[i].code, code))
			return &t->langs[i];
	/* A language with neither a stemmer, Turkic folding nor stop words
	 * of its own is as none: it is remembered (libstemmer takes 0.2 us to
	 * say no) only while that leaves LANG_ROOM slots.  Slots taken by
	 * every code seen (ja, zh, ko, a feed's made-up one...) filled the
	 * table, after which a language seen first got no stemmer, in one
	 * parse worker and not in another. */
	int turkic = !strcmp(code, "tr") || !strcmp(code, "az");
	int stop = stop_index(code);
	errno = 0;
	struct sb_stemmer *stem = sb_stemmer_new(code, "UTF_8");
	/* libstemmer gives NULL for a language it has no stemmer for and for
	 * want of memory alike; only the second sets errno (its calloc).
	 * Remembered as a language without a stemmer, the language went
	 * unstemmed in this tokenizer (a parse worker's, for the daemon's
	 * life): its stories' terms, and so their threads and keywords, were
	 * others than a restart gave them, with nothing said. */
	if (!stem && errno == ENOMEM) {
		*oom = 1;
		return NULL;
	}
	if ((!stem && !turkic && !stop && t->nlangs >= MAX_LANGS - LANG_ROOM) ||
	    t->nlangs == MAX_LANGS) {
		if (stem)
			sb_stemmer_delete(stem);
		return NULL;
	}
	struct lang_slot *s = &t->langs[t->nlangs++];
	memcpy(s->code, code, n + 1);
	s->stem = stem;
	s->stop = &t->stops[stop];
	s->turkic = turkic;
	return s;
}

/* The stem memo key of a word whose hash_bytes() is wh. */
static inline uint32_t stem_key(const struct text *t, const struct lang_slot *ls, uint32_t wh)
{
	return wh ^ ((uint32_t)(ls - t->langs) * 0x9e3779b1u);
}

static void stem_memo_clear(struct text *t)
{
	memset(t->sm, 0, (t->sm_mask + 1) * sizeof *t->sm);
	t->sm_n = 0;
	t->sm_len = 1;
}

/* Doubles the memo's table; or empties the memo when it holds STEM_MAX
 * words (or the table cannot grow). */
static void stem_memo_grow(struct text *t)
{
	uint32_t cap = (t->sm_mask + 1) * 2;
	struct stem_slot *n = t->sm_n < STEM_MAX ? calloc(cap, sizeof *n) : NULL;
	if (!n) {
		stem_memo_clear(t);
		return;
	}
	for (uint32_t k = 0; k <= t->sm_mask; k++) {
		if (!t->sm[k].off)
			continue;
		uint32_t j = t->sm[k].hash & (cap - 1);
		while (n[j].off)
			j = (j + 1) & (cap - 1);
		n[j] = t->sm[k];
	}
	free(t->sm);
	t->sm = n;
	t->sm_mask = cap - 1;
}

/* Remembers stem st[0..sl) of w[0..n) under key h; a failure to grow only
 * leaves the word out. */
static void stem_memo_put(struct text *t, uint8_t lang, uint32_t h, const char *w, size_t n,
			  const char *st, size_t sl, uint32_t sh)
{
	if (n > 255 || sl > 255)
		return;
	if ((t->sm_n + 1) * 2 > t->sm_mask + 1)
		stem_memo_grow(t);
	if (t->sm_len + SM_HEAD + n + sl > t->sm_cap) {
		size_t cap = t->sm_cap * 2;
		if (cap > STEM_ARENA_MAX) {
			stem_memo_clear(t);
			cap = t->sm_cap;
		}
		unsigned char *a = realloc(t->sm_arena, cap);
		if (!a)
			return;
		t->sm_arena = a;
		t->sm_cap = cap;
	}
	uint32_t i = h & t->sm_mask;
	while (t->sm[i].off)
		i = (i + 1) & t->sm_mask;
	unsigned char *e = t->sm_arena + t->sm_len;
	e[0] = (unsigned char)n;
	e[1] = (unsigned char)sl;
	e[2] = lang;
	memcpy(e + 3, &sh, sizeof sh);
	memcpy(e + SM_HEAD, w, n);
	memcpy(e + SM_HEAD + n, st, sl);
	t->sm[i] = (struct stem_slot){ h, (uint32_t)t->sm_len };
	t->sm_len += SM_HEAD + n + sl;
	t->sm_n++;
}

/* Stem of w[0..n) (hash_bytes() wh) in language slot ls, through the
 * memo; *len gets its length, *sh its hash_bytes().  The result is valid
 * until the next call.  Returns NULL when Snowball fails (out of memory:
 * its only failure). */
static const char *stem_word(struct text *t, const struct lang_slot *ls, const char *w,
			     size_t n, uint32_t wh, size_t *len, uint32_t *sh)
{
	uint8_t lang = (uint8_t)(ls - t->langs);
	uint32_t h = stem_key(t, ls, wh);
	for (uint32_t i = h & t->sm_mask; t->sm[i].off; i = (i + 1) & t->sm_mask) {
		if (t->sm[i].hash != h)
			continue;
		const unsigned char *e = t->sm_arena + t->sm[i].off;
		if (e[0] == n && e[2] == lang && !memcmp(e + SM_HEAD, w, n)) {
			*len = e[1];
			memcpy(sh, e + 3, sizeof *sh);
			return (const char *)e + SM_HEAD + n;
		}
	}
	const sb_symbol *st = sb_stemmer_stem(ls->stem, (const sb_symbol *)w, (int)n);
	if (!st)
		return NULL;
	size_t sl = (size_t)sb_stemmer_length(ls->stem);
	*len = sl;
	*sh = hash_bytes((const char *)st, sl);
	stem_memo_put(t, lang, h, w, n, (const char *)st, sl, *sh);
	return (const char *)st;
}

int text_has_stemmer(struct text *t, const char *lang)
{
	int oom = 0;
	const struct lang_slot *s = lang_get(t, lang, &oom);
	return s && s->stem;
}

void text_tokens_reset(struct text_tokens *out)
{
	out->buf_len = 0;
	out->n = 0;
}

void text_tokens_free(struct text_tokens *out)
{
	free(out->buf);
	free(out->v);
	memset(out, 0, sizeof *out);
}

/* A word as found in the original text, before folding. */
struct raw {
	uint32_t off, len;
	uint16_t seg;
	uint8_t letters, upper_first, all_upper, number, sent_start, cjk;
	uint8_t stop, ascii;
	uint8_t suffix; /* Turkish: a case ending after an apostrophe */
	int32_t flen;  /* folded length in text.fb (from foff), -1: unfoldable */
	uint32_t foff, hash; /* hash_bytes() of the folded word */
};

/* Makes room in out for one more term of n bytes. */
static int emit_grow(struct text_tokens *out, size_t n)
{
	if (out->buf_len + n + 1 > out->buf_cap) {
		size_t cap = out->buf_cap ? out->buf_cap * 2 : 1024;
		while (cap < out->buf_len + n + 1)
			cap *= 2;
		char *b = realloc(out->buf, cap);
		if (!b)
			return -1;
		out->buf = b;
		out->buf_cap = cap;
	}
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;
		struct text_token *v = realloc(out->v, cap * sizeof *v);
		if (!v)
			return -1;
		out->v = v;
		out->cap = cap;
	}
	return 0;
}

/* h: hash_bytes(s, n), carried in the token for its consumer's tables. */
static inline int emit(struct text_tokens *out, const char *s, size_t n, uint32_t h,
		       uint32_t flags, const struct raw *w)
{
	if ((out->buf_len + n + 1 > out->buf_cap || out->n == out->cap) && emit_grow(out, n) < 0)
		return -1;
	out->v[out->n++] = (struct text_token){ (uint32_t)out->buf_len, (uint32_t)n, flags,
						 w->off, w->len, h };
	memcpy(out->buf + out->buf_len, s, n);
	out->buf[out->buf_len + n] = '\0';
	out->buf_len += n + 1;
	return 0;
}

/* Whether c is written in runs without spaces between the words: Han,
 * kana, and the letters and vowel and tone marks of Thai, Lao, Myanmar and
 * Khmer (not their digits or punctuation).  Such a run is cut into
 * bigrams (pass 4).  Thai was read as words between spaces, which Thai
 * writes between phrases: a headline was one or two "words" that no
 * other report shared, and one of over 64 bytes (21 letters) no term at
 * all, so two Thai reports of one event shared a number at best. */
static inline int is_cjk(utf8proc_int32_t c)
{
	if (c < 0x0e01)  /* every word of Latin, Greek, Cyrillic, Arabic... */
		return 0;
	if (c < 0x3040)
		return (c <= 0x0e3a) || (c >= 0x0e40 && c <= 0x0e4e) ||   /* Thai */
		       (c >= 0x0e81 && c <= 0x0ece) ||                     /* Lao */
		       (c >= 0x1000 && c <= 0x103f) ||                     /* Myanmar */
		       (c >= 0x1050 && c <= 0x108f) ||
		       (c >= 0x1780 && c <= 0x17d3);                       /* Khmer */
	return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	       (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0x20000 && c <= 0x2ffff);
}

/* The value of c, a decimal digit (category Nd) of any script.  Unicode
 * encodes each script's digits 0 to 9 in a row (and sets of them side by
 * side, as the mathematical ones), so it is the distance from the first
 * digit of the row, modulo 10. */
static int digit_value(utf8proc_int32_t c)
{
	int d = 0;
	while (d < 100 && utf8proc_category(c - d - 1) == UTF8PROC_CATEGORY_ND)
		d++;
	return d % 10;
}

/* Bytes of the decimal digit of any script at s[i..len) (digit_value),
 * or 0 when none starts there. */
static size_t digit_len(const char *s, size_t i, size_t len)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k;

	if (i >= len)
		return 0;
	if ((unsigned char)s[i] < 0x80)
		return isdigit((unsigned char)s[i]) ? 1 : 0;
	k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
	return k > 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_ND ? (size_t)k : 0;
}

/* A combining mark: it belongs to the letter before it. */
static inline int is_mark(utf8proc_int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);
	return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

static int is_wordchar(utf8proc_category_t c)
{
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	       (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
	       c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NL;
}

/* utf8proc's category of c, but U+02BC ʼ, the apostrophe that Ukrainian
 * writes and some sites for English ("Macronʼs"), is punctuation as ' and
 * ’ are: as a modifier letter it glued the words together, so one word
 * spelt with ʼ and with ' gave different terms. */
static inline utf8proc_category_t category(utf8proc_int32_t c)
{
	return c == 0x2bc ? UTF8PROC_CATEGORY_PO : utf8proc_category(c);
}

/* The next code point and its category; ASCII without a library call,
 * since it is most of the text. */
static inline utf8proc_ssize_t next_cp(const char *s, size_t len, utf8proc_int32_t *c,
				       utf8proc_category_t *cat)
{
	unsigned char b = (unsigned char)s[0];
	if (b < 0x80) {
		*c = b;
		if (b >= 'a' && b <= 'z')
			*cat = UTF8PROC_CATEGORY_LL;
		else if (b >= 'A' && b <= 'Z')
			*cat = UTF8PROC_CATEGORY_LU;
		else if (b >= '0' && b <= '9')
			*cat = UTF8PROC_CATEGORY_ND;
		else
			*cat = UTF8PROC_CATEGORY_PO;
		return 1;
	}
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, c);
	if (k > 0)
		*cat = category(*c);
	return k;
}

/* Ends a sentence or headline segment ("Foo: bar", "Foo | Site", "foo - bar"). */
static inline int is_break(utf8proc_int32_t c, utf8proc_int32_t prev)
{
	/* . ! ? ; : \n as bits of the first 64 code points, | of the next */
	const uint64_t lo = 1ull << '.' | 1ull << '!' | 1ull << '?' | 1ull << ';' | 1ull << ':' |
			    1ull << '\n';
	if (c < 0x80 && c >= 0)
		return (c < 64 ? lo >> c & 1 : c == '|') || (c == '-' && (prev == ' ' || prev == 0));
	return c == '.' || c == '!' || c == '?' || c == ';' || c == ':' ||
	       c == '|' || c == '\n' || c == 0x2013 || c == 0x2014 ||
	       c == 0x3002 || c == 0xff01 || c == 0xff1f || c == 0x2026 ||
	       (c == '-' && (prev == ' ' || prev == 0));
}

/* Turkish and Azerbaijani case pairs: I/ı and İ/i (Unicode's "T" case
 * foldings).  The default folding makes KIRMIZI "kirmizi" and KİŞİ "ki̇şi̇"
 * (i and a combining dot), neither of them the word as written in lower
 * case, so an all-caps headline shared no terms with the same story in
 * sentence case. */
static utf8proc_int32_t turkic_map(utf8proc_int32_t c, void *data)
{
	(void)data;
	return c == 'I' ? 0x131 : c == 0x130 ? 'i' : c;
}

/* fold()'s modes: Turkic case pairs; Snowball's Arabic stemmer follows,
 * which reads the hamza forms, teh marbuta and alef maksura itself, by
 * their place in the word (a suffix ة, a final ى that keeps its word's
 * ending on, a final أ or ؤ that is a hamza): made the bare letters
 * first, its stems changed (الحكومة "حكومه", not "حكوم" as الحكومات; نبأ
 * "نبا"), so they stay as they are for it. */
#define FOLD_TURKIC 1
#define FOLD_ARABIC 2

/* rtl_fold(c) in fold()'s mode. */
static inline utf8proc_int32_t rtl_fold_mode(utf8proc_int32_t c, int mode)
{
	if ((mode & FOLD_ARABIC) && ((c >= 0x622 && c <= 0x626) || c == 0x629 || c == 0x649 ||
	                             (c >= 0x653 && c <= 0x655)))
		return c;
	return rtl_fold(c);
}

/* Before decomposition (data: the mode): the letters rtl_fold() makes
 * another that decomposition would take apart (ۀ is ە and a hamza, where
 * the hamza would go and leave ە rather than ه); Turkic's I and İ.  What
 * rtl_fold() leaves out goes after decomposition, in fold(). */
static utf8proc_int32_t fold_map(utf8proc_int32_t c, void *data)
{
	int mode = *(const int *)data;
	if (c >= 0x591 && c <= 0x6ed) {
		utf8proc_int32_t r = rtl_fold_mode(c, mode);
		return r < 0 ? c : r;
	}
	return mode & FOLD_TURKIC ? turkic_map(c, NULL) : c;
}

/* Folds s[0..n) (NFKC + case fold, rtl_fold(), mode FOLD_*) into dst (cap
 * bytes); returns its length, or -1 when it does not fit (the word is then
 * dropped). */
static long fold(struct text *t, const char *s, size_t n, char *dst, size_t cap, int mode)
{
	int turkic = mode & FOLD_TURKIC;
	size_t i;
	for (i = 0; i < n && (unsigned char)s[i] < 0x80 && !(turkic && s[i] == 'I'); i++)
		;
	if (i == n) {
		if (n >= cap)
			return -1;
		for (i = 0; i < n; i++)
			dst[i] = (char)tolower((unsigned char)s[i]);
		return (long)n;
	}
	utf8proc_option_t o = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
			      UTF8PROC_COMPOSE;
	size_t u32cap = sizeof t->u32 / sizeof t->u32[0];
	char nfc[512];
	if (turkic && n <= sizeof nfc && memmem(s, n, "I\xcc\x87", 3)) {
		/* I and a combining dot above is İ decomposed (NFD): İ, or
		 * turkic_map would make it a dotted ı. */
		size_t m = 0;
		for (i = 0; i < n; i++) {
			if (s[i] == 'I' && i + 2 < n && !memcmp(s + i + 1, "\xcc\x87", 2)) {
				memcpy(nfc + m, "\xc4\xb0", 2);
				m += 2;
				i += 2;
			} else {
				nfc[m++] = s[i];
			}
		}
		s = nfc;
		n = m;
	}
	utf8proc_ssize_t k = utf8proc_decompose_custom((const utf8proc_uint8_t *)s,
						       (utf8proc_ssize_t)n, t->u32,
						       (utf8proc_ssize_t)u32cap, o, fold_map,
						       &mode);
	if (k < 0 || (size_t)k > u32cap)
		return -1;
	/* Outside Turkic, İ is I with a dot that says nothing (English sites
	 * in Turkey write İstanbul, İzmir; Reuters writes Istanbul), and case
	 * folding makes it i and a combining dot above, as it does I and that
	 * dot (İ in NFD): the dot left, one city was two terms, and a thread
	 * showed both ("Istanbul, İstanbul").  That dot after i goes.  So do
	 * the Arabic and Hebrew marks and the tatweel, and the letter forms
	 * rtl_fold() makes one are one, whatever the language tag: without
	 * one (as many Arabic feeds are) or in Persian, Urdu or Hebrew, which
	 * have no stemmer, الرئيـــس and الرئيس, رسمياً and رسميا, ایران and
	 * ايران were two terms each, and two reports of one event that met
	 * on those names missed their thread.  (ە and a hamza is ۀ in NFD.) */
	utf8proc_ssize_t m = 0;
	for (utf8proc_ssize_t j = 0; j < k; j++) {
		utf8proc_int32_t c = t->u32[j];
		if (c == 0x307 && !turkic && m > 0 && t->u32[m - 1] == 'i')
			continue;
		if (c >= 0x591 && c <= 0x6ed) {
			if (c == 0x654 && m > 0 && t->u32[m - 1] == 0x6d5) {
				t->u32[m - 1] = 0x647;
				continue;
			}
			c = rtl_fold_mode(c, mode);
			if (c < 0)
				continue;
		}
		t->u32[m++] = c;
	}
	k = m;
	k = utf8proc_reencode(t->u32, k, o);
	if (k < 0 || (size_t)k >= cap)
		return -1;
	memcpy(dst, t->u32, (size_t)k);
	return (long)k;
}

/* fold() through the memo (see struct fold_slot); dst has FOLD_CAP bytes. */
static long fold_memo(struct text *t, const char *s, size_t n, char *dst)
{
	if (n == 0 || n > FOLD_KEY)
		return fold(t, s, n, dst, FOLD_CAP, 0);
	uint32_t h = hash_bytes(s, n);
	struct fold_slot *m = &t->fm[h & (FOLD_SLOTS - 1)];
	if (m->klen == n && m->hash == h && !memcmp(m->key, s, n)) {
		memcpy(dst, m->val, m->vlen);
		return m->vlen;
	}
	long fl = fold(t, s, n, dst, FOLD_CAP, 0);
	if (fl >= 0 && fl <= FOLD_VAL) {
		m->hash = h;
		m->klen = (uint8_t)n;
		m->vlen = (uint8_t)fl;
		memcpy(m->key, s, n);
		memcpy(m->val, dst, (size_t)fl);
	}
	return fl;
}

static inline int ascii_lower(unsigned b) { return b - 'a' < 26u; }
static inline int ascii_upper(unsigned b) { return b - 'A' < 26u; }
static inline int ascii_digit(unsigned b) { return b - '0' < 10u; }
static inline int ascii_alnum(unsigned b)
{
	return ascii_lower(b) || ascii_upper(b) || ascii_digit(b);
}

/* Bytes of a space at s[0..n) that may group a number's thousands: a
 * space, or a no-break, narrow no-break or thin one (U+00A0, U+202F,
 * U+2009); else 0. */
static size_t group_space(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n >= 1 && u[0] == ' ')
		return 1;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xaf || u[2] == 0x89))
		return 3;
	return 0;
}

/* Whether the group space of k bytes at s[i] (group_space) groups the
 * thousands of the number that starts at s[off]: 1 to 3 digits before it
 * from the start (3 after another such space), exactly 3 after it.  French,
 * Russian, Polish, Czech... write 2 000, 1 250 000 (a no-break space, which
 * a summary's HTML turns into a space): the groups were numbers of their
 * own, "2" (too short: no term) and "000", and every story with a round
 * number shared a term "000", weighed as a number and shown as a thread's
 * keyword, while 2000 and 2,000 were "2000". */
static int groups_digits(const char *s, size_t off, size_t i, size_t k, size_t len)
{
	size_t d = 0, j = i + k;
	while (i - d > off && ascii_digit((unsigned char)s[i - d - 1]))
		d++;
	if (d < 1 || d > 3)
		return 0;
	if (i - d > off) {
		size_t b = i - d;
		int g = group_space(s + b - 1, 1) == 1 ||
		        (b - off >= 2 && group_space(s + b - 2, 2) == 2) ||
		        (b - off >= 3 && group_space(s + b - 3, 3) == 3);
		if (d != 3 || !g)
			return 0;
	}
	return j + 3 <= len && ascii_digit((unsigned char)s[j]) &&
	       ascii_digit((unsigned char)s[j + 1]) && ascii_digit((unsigned char)s[j + 2]) &&
	       (j + 3 == len || !ascii_digit((unsigned char)s[j + 3]));
}

#ifdef TIDINGS_SSE2
/* Bit i: byte i of p[0..16) is a lower-case letter, a capital, a digit.
 * Signed compares: bytes >= 0x80 are negative and in no range. */
struct ascii_masks {
	unsigned lower, upper, digit;
};

static inline struct ascii_masks ascii_masks(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	struct ascii_masks m = { sse2_in_range(v, 'a', 'z'), sse2_in_range(v, 'A', 'Z'),
				 sse2_in_range(v, '0', '9') };
	return m;
}
#endif

/* Folds a word that pass 1 found all ASCII: lower case, and its hash in
 * the same loop.  Same result as fold() + hash_bytes(). */
static long fold_ascii(const char *s, size_t n, char *dst, size_t cap, uint32_t *hash)
{
	uint32_t h = 2166136261u;
	if (n >= cap)
		return -1;
	/* Pass 1 put only letters and digits in such a word: | 0x20 lowers a
	 * capital and keeps the rest. */
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)(s[i] | 0x20);
		dst[i] = (char)b;
		h = (h ^ b) * 16777619u;
	}
	*hash = h;
	return (long)n;
}

/* Whether s[0..n) holds I or İ, which Turkic folding treats its own way. */
static int has_turkic_i(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == 'I' || ((unsigned char)s[i] == 0xc4 && i + 1 < n &&
				    (unsigned char)s[i + 1] == 0xb0))
			return 1;
	return 0;
}

/* Whether s[0..n) may hold, folded, a letter fold() keeps for Snowball's
 * Arabic stemmer (FOLD_ARABIC): آ أ ؤ إ ئ (U+0622-U+0626), ة, ى, a madda
 * or hamza mark (U+0653-U+0655), a letter with a hamza above that
 * decomposes to one (ۂ, ۓ), or a presentation form (U+FB50-U+FEFF, bytes
 * EF AD-BB) that is one of them. */
static int has_arabic_tail(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i + 1 < n; i++)
		if ((u[i] == 0xd8 && ((u[i + 1] >= 0xa2 && u[i + 1] <= 0xa6) || u[i + 1] == 0xa9)) ||
		    (u[i] == 0xd9 && (u[i + 1] == 0x89 || (u[i + 1] >= 0x93 && u[i + 1] <= 0x95))) ||
		    (u[i] == 0xdb && (u[i + 1] == 0x82 || u[i + 1] == 0x93)) ||
		    (u[i] == 0xef && u[i + 1] >= 0xad && u[i + 1] <= 0xbb))
			return 1;
	return 0;
}

/* Whether s[0..n) holds an ASCII digit. */
static int memchr_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ascii_digit((unsigned char)s[i]))
			return 1;
	return 0;
}

/* Makes room for one more folded word (at most 256 bytes) in t->fb. */
static int fb_reserve(struct text *t, size_t used)
{
	if (used + 256 <= t->fb_cap)
		return 0;
	size_t cap = t->fb_cap ? t->fb_cap * 2 : 4096;
	while (cap < used + 256)
		cap *= 2;
	char *b = realloc(t->fb, cap);
	if (!b)
		return -1;
	t->fb = b;
	t->fb_cap = cap;
	return 0;
}

int text_tokenize(struct text *t, const char *s, size_t len, const char *lang,
		  struct text_tokens *out)
{
	int oom = 0;
	const struct lang_slot *ls = lang_get(t, lang, &oom);
	/* A plain space groups a number's thousands ("2 000") in languages
	 * that write them so, named by the feed; not in English, nor in text
	 * of no known language: "May 5 100 protesters" is two numbers. */
	const int space_groups = ls && strcmp(ls->code, "en") != 0;
	struct sb_stemmer *stem = ls ? ls->stem : NULL;
	const struct strset *stop = ls ? ls->stop : &t->stops[0];
	int turkic = ls && ls->turkic;
	int arabic = stem && !strcmp(ls->code, "ar");
	int fold_mode = (turkic ? FOLD_TURKIC : 0) | (arabic ? FOLD_ARABIC : 0);
	struct raw stackraw[256], *raw = stackraw;
	size_t nraw = 0, capraw = 256;
	int rc = -1, any_lower = 0;
	uint16_t seg = 0;
	int sent_start = 1;
	utf8proc_int32_t prev = 0;

	if (oom)
		return -1;

	/* Pass 1: word spans and their original casing.  ASCII bytes are
	 * classified inline: they are most of the text, and utf8proc's
	 * per-code-point calls cost more than the rest of the pass. */
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_category_t cat;
		unsigned char b0 = (unsigned char)s[i];
		if (b0 < 0x80 && !ascii_alnum(b0)) {
			if (is_break(b0, prev)) {
				seg++;
				sent_start = 1;
			}
			prev = b0;
			i++;
			continue;
		}
		utf8proc_ssize_t k = next_cp(s + i, len - i, &c, &cat);
		if (k <= 0) { /* invalid byte: skip it, it separates words */
			i++;
			prev = ' ';
			continue;
		}
		if (!is_cjk(c) && !is_wordchar(cat)) {
			if (is_break(c, prev)) {
				seg++;
				sent_start = 1;
			}
			prev = c;
			i += (size_t)k;
			continue;
		}
		if (nraw == capraw) {
			struct raw *r = malloc(capraw * 2 * sizeof *r);
			if (!r)
				goto fail;
			memcpy(r, raw, nraw * sizeof *r);
			if (raw != stackraw)
				free(raw);
			raw = r;
			capraw *= 2;
		}
		struct raw *w = &raw[nraw];
		memset(w, 0, sizeof *w);
		w->off = (uint32_t)i;
		/* Turkish writes a proper noun's case ending after an
		 * apostrophe: İstanbul'da, ABD'nin, NATO'ya, 2023'te.  The
		 * ending is no word: as one, every Turkish story had terms
		 * "da", "nin", "ya" (in a headline in capitals "DA", an
		 * acronym, weighed as a name and shown as a thread's
		 * keyword). */
		if (turkic && nraw > 0) {
			const struct raw *pw = &raw[nraw - 1];
			size_t pe = pw->off + pw->len;
			w->suffix = (pe + 1 == i && s[pe] == '\'') ||
			            (pe + 2 == i && !memcmp(s + pe, "\xca\xbc", 2)) ||     /* ʼ */
			            (pe + 3 == i && !memcmp(s + pe, "\xe2\x80\x99", 3)); /* ’ */
		}
		w->seg = seg;
		w->sent_start = (uint8_t)sent_start;
		/* "UPDATE 7-Oil sinks": a leading number does not use up the
		 * sentence start, so "Oil" is not taken for a name. */
		if (!(cat == UTF8PROC_CATEGORY_ND))
			sent_start = 0;
		if (is_cjk(c)) {
			/* A run of Han/kana: one raw entry, split into bigrams below. */
			w->cjk = 1;
			while (i < len) {
				k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						     (utf8proc_ssize_t)(len - i), &c);
				if (k <= 0 || !is_cjk(c))
					break;
				i += (size_t)k;
			}
			w->len = (uint32_t)(i - w->off);
			nraw++;
			prev = 0x4e00;
			continue;
		}
		/* Counted in locals, stored after: read-modify-writes of *w per
		 * byte would chain through memory. */
		int first = 1, upper_letters = 0, upper_first = 0, all_upper = 1, ascii = 1;
		unsigned letters = 0;
		w->number = cat == UTF8PROC_CATEGORY_ND;
		while (i < len) {
			unsigned char b = (unsigned char)s[i];
#ifdef TIDINGS_SSE2
			/* A run of ASCII letters and digits in one step. */
			if (b < 0x80 && len - i >= 16) {
				struct ascii_masks m = ascii_masks(s + i);
				unsigned r = (unsigned)__builtin_ctz(~(m.lower | m.upper | m.digit));
				if (r) {  /* 1..16: ~mask has bit 16 set */
					unsigned rm = (1u << r) - 1, lo = m.lower & rm, up = m.upper & rm,
						 dg = m.digit & rm;
					if (lo)
						all_upper = 0;
					if (up) {
						upper_first |= first & (int)(up & 1);
						/* only "two or more" is asked */
						upper_letters += up & (up - 1) ? 2 : 1;
					}
					letters += r - (dg ? (unsigned)__builtin_popcount(dg) : 0);
					first = 0;
					i += r;
					/* What ends the run ends the word, unless it is
					 * a number's '.', ',' or ' ' or not ASCII. */
					if (r == 16)
						continue;
					b = (unsigned char)s[i];  /* i < len: r < 16 */
					if (b < 0x80 && !(w->number && (b == '.' || b == ',' || b == ' ')))
						break;
					continue;
				}
			}
#endif
			if (b < 0x80) {
				if (ascii_lower(b)) {
					all_upper = 0;
					letters++;
				} else if (ascii_upper(b)) {
					upper_first |= first;
					upper_letters++;
					letters++;
				} else if (!ascii_digit(b)) {
					/* 13.8 and 14,000 stay one number, and so do
					 * ३.५ and १४,००० (Hindi sites write the comma
					 * and point between Devanagari digits). */
					if (w->number && (b == '.' || b == ',') &&
					    digit_len(s, i + 1, len)) {
						i++;
						continue;
					}
					if (w->number && b == ' ' && space_groups &&
					    groups_digits(s, w->off, i, 1, len)) {
						i++;  /* 2 000 */
						continue;
					}
					break;
				}
				first = 0;
				i++;
				continue;
			}
			k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					     (utf8proc_ssize_t)(len - i), &c);
			if (k <= 0 || is_cjk(c))
				break;
			if (w->number && (c == 0xa0 || c == 0x202f || c == 0x2009) &&
			    groups_digits(s, w->off, i, (size_t)k, len)) {
				i += (size_t)k;
				continue;
			}
			/* Arabic's decimal point and thousands separator,
			 * ٣٫٥ and ١٤٬٠٠٠ (pass 4 reads them as . and ,). */
			if (w->number && (c == 0x66b || c == 0x66c) && digit_len(s, i + (size_t)k, len)) {
				i += (size_t)k;
				continue;
			}
			cat = category(c);
			if (!is_wordchar(cat))
				break;
			if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) {
				upper_first |= first;
				upper_letters++;
				letters++;
			} else if (cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LO ||
				   (cat == UTF8PROC_CATEGORY_LM && c != 0x640)) {
				/* (the tatweel ـ stretches a letter; fold()
				 * leaves it out) */
				if (cat == UTF8PROC_CATEGORY_LL)
					all_upper = 0;
				letters++;
			}
			ascii = 0;
			first = 0;
			i += (size_t)k;
		}
		/* A lower-case letter clears all_upper, so it also tells any_lower. */
		if (!all_upper)
			any_lower = 1;
		w->letters = (uint8_t)letters; /* wraps past 255 as it always did */
		w->upper_first = (uint8_t)upper_first;
		w->ascii = (uint8_t)ascii;
		w->all_upper = (uint8_t)(all_upper && upper_letters >= 2);
		w->len = (uint32_t)(i - w->off);
		nraw++;
		prev = 'a';
	}

	/* Pass 2: fold (kept for pass 4), mark stop words; pass 3 needs them
	 * for the casing test.  The stem memo slot of a word that will be
	 * stemmed is prefetched here: the table is larger than the caches, and
	 * by pass 4 the lines of the whole text have arrived together. */
	size_t fb_len = 0;
	for (size_t j = 0; j < nraw; j++) {
		struct raw *w = &raw[j];
		if (w->cjk || w->number)
			continue;
		if (fb_reserve(t, fb_len) < 0)
			goto fail;
		char *f = t->fb + fb_len;
		long fl;
		if ((turkic && has_turkic_i(s + w->off, w->len)) ||
		    (arabic && has_arabic_tail(s + w->off, w->len))) {
			/* Not through the memo, which keys on the word alone. */
			fl = fold(t, s + w->off, w->len, f, FOLD_CAP, fold_mode);
			if (fl >= 0)
				w->hash = hash_bytes(f, (size_t)fl);
		} else if (w->ascii) {
			fl = fold_ascii(s + w->off, w->len, f, 256, &w->hash);
		} else {
			fl = fold_memo(t, s + w->off, w->len, f);
			if (fl >= 0)
				w->hash = hash_bytes(f, (size_t)fl);
		}
		w->flen = (int32_t)fl;
		w->foff = (uint32_t)fb_len;
		if (fl < 0) {
			w->stop = 1;
			continue;
		}
		fb_len += (size_t)fl;
		w->stop = (uint8_t)strset_has(stop, f, (size_t)fl, w->hash);
		if (w->suffix) {
			w->stop = 1;
			continue;
		}
		if (stem && !w->stop && w->letters >= 2)
			__builtin_prefetch(&t->sm[stem_key(t, ls, w->hash) & t->sm_mask]);
	}

	/* A segment is sentence-cased when some content word after its first
	 * starts lower case: then a capital letter there marks a name.  In Title
	 * Case or ALL CAPS headlines capitals say nothing. */
	for (size_t j = 0; j < nraw;) {
		size_t e = j;
		int lower_content = 0;
		while (e < nraw && raw[e].seg == raw[j].seg) {
			if (!raw[e].stop && !raw[e].sent_start && raw[e].letters >= 3 &&
			    !raw[e].upper_first && !raw[e].number && !raw[e].cjk)
				lower_content = 1;
			e++;
		}
		for (size_t q = j; q < e; q++)
			raw[q].seg = (uint16_t)lower_content; /* reuse: case ok */
		j = e;
	}

	/* Pass 4: emit terms. */
	char folded[FOLD_CAP];
	for (size_t j = 0; j < nraw; j++) {
		struct raw *w = &raw[j];
		const char *ws = s + w->off;
		if (w->cjk) {
			/* Overlapping bigrams of the folded run; a lone char alone.
			 * A char is a letter with the marks after it: Thai
			 * writes vowels and tones as marks on a consonant
			 * (ที่ is three code points), and a bigram of a mark
			 * and the next letter is no part of any word. */
			long fl = fold_memo(t, ws, w->len, folded);
			if (fl < 0)
				continue;
			size_t cs[128], nc = 0, nall = 0;
			for (long p = 0; p < fl;) {
				utf8proc_int32_t c;
				utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)folded + p,
								      fl - p, &c);
				if (k <= 0)
					break;
				if (p == 0 || !is_mark(c)) {
					if (nc < 128)
						cs[nc++] = (size_t)p;
					nall++;
				}
				p += k;
			}
			/* Each bigram's place in the text as written, which its
			 * thread's keywords show: the whole run made every
			 * bigram of a headline show as that headline, several
			 * times over ("能登半島で震度, 能登半島で震度, ...").
			 * Folding keeps one char for one nearly always (Thai ำ
			 * becomes two code points, a mark and a letter: still
			 * one char); when it did not (a ligature such as ゟ),
			 * the run. */
			size_t ss[129], ns = 0;
			for (size_t p = 0; p < w->len && ns <= nall;) {
				utf8proc_int32_t c;
				utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)ws + p,
								      (utf8proc_ssize_t)(w->len - p), &c);
				if (k <= 0)
					break;
				if (p == 0 || !is_mark(c)) {
					if (ns < 129)
						ss[ns] = p;
					ns++;
				}
				p += (size_t)k;
			}
			int mapped = ns == nall;
			if (nc == 1 && emit(out, folded, (size_t)fl, hash_bytes(folded, (size_t)fl), 0, w) < 0)
				goto fail;
			for (size_t q = 0; q + 1 < nc; q++) {
				size_t end = q + 2 < nc ? cs[q + 2] : (size_t)fl;
				struct raw bw = *w;
				if (mapped) {
					bw.off = w->off + (uint32_t)ss[q];
					bw.len = (uint32_t)((q + 2 < ns ? ss[q + 2] : w->len) - ss[q]);
				}
				if (emit(out, folded + cs[q], end - cs[q],
					 hash_bytes(folded + cs[q], end - cs[q]), 0, &bw) < 0)
					goto fail;
			}
			continue;
		}
		uint32_t flags = 0;
		int case_ok = w->seg;
		if (w->upper_first)
			flags |= TEXT_CAP;
		if (w->sent_start)
			flags |= TEXT_SENT_START;
		if (case_ok)
			flags |= TEXT_CASE_OK;
		if (w->all_upper && any_lower)
			flags |= TEXT_ACRONYM;
		if (case_ok && w->upper_first && !w->sent_start)
			flags |= TEXT_PROPER;
		if (w->number) {
			/* Digits only, separators dropped except a decimal point.
			 * A comma before three digits groups thousands (14,000),
			 * but after a lone 0; before any other number of them it
			 * is the decimal comma of most European languages,
			 * written '.': 3,5 is 3.5, which dropping the comma made
			 * 35, and 0,125 is 0.125. */
			char num[64];
			size_t nn = 0, digits = 0;
			for (size_t p = 0; p < w->len && nn < sizeof num - 1; p++) {
				char c = ws[p];
				size_t g = group_space(ws + p, w->len - p);
				if (g) {  /* 2 000 is 2000 (pass 1 took it in) */
					p += g - 1;
					continue;
				}
				/* ٬ is Arabic's thousands separator, ٫ its
				 * decimal point (pass 1 kept them between
				 * digits only). */
				int asep = c == '\xd9' && p + 1 < w->len &&
				             (ws[p + 1] == '\xab' || ws[p + 1] == '\xac');
				if (asep && ws[p + 1] == '\xac') {
					p++;
					continue;
				}
				if (asep)
					p++;
				if (c == ',') {
					/* The digits after it, of any script: १४,०००
					 * is 14000 as 14,000 is. */
					size_t q = p + 1, nd = 0, dl;
					while ((dl = digit_len(ws, q, w->len)) != 0) {
						q += dl;
						nd++;
					}
					if (nd == 3 && !(nn == 1 && num[0] == '0'))
						continue;
					c = '.';
				} else if (asep) {
					c = '.';
				}
				if (isdigit((unsigned char)c)) {
					digits++;
				} else if ((unsigned char)c >= 0xc0) {
					/* Digits of other forms count too, and are
					 * the ASCII digit they mean: full-width ２０２６
					 * (which NFKC would make 2026), Arabic-Indic
					 * ٢٠٢٦ and Persian ۲۰۲۶, Devanagari २०२६ are
					 * 2026.  Counting ASCII ones only dropped
					 * them; kept as written, one number was two
					 * terms (Arabic sites write either) and ٢٠٢٦
					 * no year. */
					utf8proc_int32_t cp;
					utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)ws + p,
									      (utf8proc_ssize_t)(w->len - p), &cp);
					if (k > 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_ND) {
						digits++;
						num[nn++] = (char)('0' + digit_value(cp));
						p += (size_t)k - 1;
						continue;
					}
				}
				num[nn++] = c;
			}
			if (digits < 2 && w->letters == 0)
				continue;
			if (w->letters == 0)
				flags |= TEXT_NUMBER;
			long fl = fold(t, num, nn, folded, sizeof folded, fold_mode);
			if (fl > 0 && emit(out, folded, (size_t)fl, hash_bytes(folded, (size_t)fl),
					   flags, w) < 0)
				goto fail;
			continue;
		}
		/* Acronyms are kept even when they spell a stop word (US, IT);
		 * a Turkish case ending in capitals is none. */
		if (w->suffix || (w->stop && !(flags & TEXT_ACRONYM)))
			continue;
		if (w->flen <= 0 || w->flen > 64)
			continue;
		/* One letter is no word ("s", "x"), but a letter with digits
		 * is a name: G7, F1, A380 (5G, 4K start with a digit and are
		 * kept as numbers). */
		if (w->letters < 2 &&
		    !(w->letters == 1 && memchr_digit(t->fb + w->foff, (size_t)w->flen)))
			continue;
		const char *term = t->fb + w->foff;
		size_t tl = (size_t)w->flen;
		uint32_t th = w->hash;
		if (stem) {
			size_t sl;
			const char *st = stem_word(t, ls, term, tl, w->hash, &sl, &th);
			/* (Kept unstemmed, the word was another term than the
			 * same word in every other story.) */
			if (!st)
				goto fail;
			term = st;
			tl = sl;
		}
		if (tl == 0)
			continue;
		if (emit(out, term, tl, th, flags, w) < 0)
			goto fail;
	}
	rc = 0;
fail:
	if (raw != stackraw)
		free(raw);
	return rc;
}

int text_tokenize_kept(struct text *t, const char *s, size_t len, const char *lang,
		       struct text_tokens *out)
{
	struct text_tokens *sc = &t->scratch;

	text_tokens_reset(sc);
	if (text_tokenize(t, s, len, lang, sc) < 0)
		return -1;
	text_tokens_free(out);
	if (!sc->n)
		return 0;
	/* Exactly the room they need, from fresh blocks: shrinking the
	 * grown ones in place instead left the heap fragmented (a cold poll
	 * of 10,000 feeds peaked 2-3 MB higher). */
	out->buf = malloc(sc->buf_len + 1);
	out->v = malloc(sc->n * sizeof *out->v);
	if (!out->buf || !out->v) {
		text_tokens_free(out);
		return -1;
	}
	memcpy(out->buf, sc->buf, sc->buf_len);
	out->buf[sc->buf_len] = '\0';
	memcpy(out->v, sc->v, sc->n * sizeof *out->v);
	out->buf_len = sc->buf_len;
	out->buf_cap = sc->buf_len + 1;
	out->n = out->cap = sc->n;
	return 0;
}

/* Whether s[i..len) is an ellipsis ("…", "...") that ends its line:
 * spaces or tabs after it, then a line break or the end of the text. */
static int ellipsis_ends_line(const char *s, size_t len, size_t i)
{
	if (i + 3 <= len && (!memcmp(s + i, "\xe2\x80\xa6", 3) || !memcmp(s + i, "...", 3)))
		i += 3;
	else
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == len || s[i] == '\n' || s[i] == '\r';
}

void text_drop_cut(const char *s, size_t len, struct text_tokens *out)
{
	size_t k = 0;

	for (size_t i = 0; i < out->n; i++) {
		const struct text_token *tk = &out->v[i];
		size_t end = (size_t)tk->src_off + tk->src_len;
		if (end > 0 && end < len && ellipsis_ends_line(s, len, end))
			continue;
		out->v[k++] = *tk;
	}
	out->n = k;
}
