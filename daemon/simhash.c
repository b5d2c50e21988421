/* daemon/simhash.c — SimHash fingerprints of story text, the
 * distinctiveness rule, and the banded near-duplicate index.  The text
 * pass is one streaming scan with no allocation: words are hashed as they
 * are read and only a short prefix of each is kept. */
#include "daemon/simhash.h"

#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <utf8proc.h>

/* ---- hashing ---------------------------------------------------------- */

/* FNV-1a over the folded word's bytes, from a basis of our own.  Any
 * fixed value works, but it must never change: stored fingerprints would
 * stop matching new ones. */
#define WORD_SEED  0x6c62272e07bb0142ull
#define FNV_PRIME  0x100000001b3ull

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

/* Order matters: "police shot man" and "man shot police" differ. */
static uint64_t shingle_hash(const uint64_t *w, int n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < n; i++)
		h = mix64(h ^ w[i]) + (uint64_t)i;
	return mix64(h);
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

/* The stop words as a set of their word hashes (open addressing; a
 * 64-bit hash collision with a real word is not a practical concern). */
#define STOP_SLOTS 1024
static uint64_t stop_set[STOP_SLOTS];
static once_flag stop_once = ONCE_FLAG_INIT;

static uint64_t word_hash(const char *w)
{
	uint64_t h = WORD_SEED;
	for (; *w; w++)
		h = (h ^ (unsigned char)*w) * FNV_PRIME;
	return h;
}

static void stop_init(void)
{
	for (size_t i = 0; i < sizeof stop_words / sizeof *stop_words; i++) {
		uint64_t h = word_hash(stop_words[i]);
		uint32_t j = (uint32_t)mix64(h) & (STOP_SLOTS - 1);
		while (stop_set[j] && stop_set[j] != h)
			j = (j + 1) & (STOP_SLOTS - 1);
		stop_set[j] = h;
	}
}

/* `h` is the word's FNV-1a hash as word_hash() computes it. */
static int is_stop_hash(uint64_t h)
{
	uint32_t j = (uint32_t)mix64(h) & (STOP_SLOTS - 1);
	while (stop_set[j]) {
		if (stop_set[j] == h)
			return 1;
		j = (j + 1) & (STOP_SLOTS - 1);
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

/* "WASHINGTON (AP) — ", "LONDON, Nov 28 (Reuters) - ": a first word in
 * capitals, then a dash within the first 100 bytes and no sentence end
 * before it.  Returns the offset after the dash, or `i`. */
static size_t skip_dateline(const char *t, size_t len, size_t i)
{
	size_t j = i, caps = 0;
	while (j < len && ((t[j] >= 'A' && t[j] <= 'Z') || (unsigned char)t[j] >= 0x80)) {
		caps += t[j] >= 'A' && t[j] <= 'Z';
		j++;
	}
	if (caps < 2 || (j < len && t[j] != ' ' && t[j] != ',' && t[j] != '('))
		return i;
	for (; j < len && j < i + 100; j++) {
		if (t[j] == '\n' || (t[j] == '.' && j + 1 < len && t[j + 1] == ' '))
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

size_t simhash_skip_preamble(const char *text, size_t len)
{
	size_t i = skip_space(text, len, 0);
	/* Either order: "By X\nCITY (AP) — ..." and "CITY (AP) — By X\n...". */
	for (int round = 0; round < 2; round++) {
		size_t j = skip_dateline(text, len, i);
		j = skip_byline(text, len, skip_space(text, len, j));
		j = skip_space(text, len, j);
		if (j == i)
			break;
		i = j;
	}
	return i;
}

/* ---- the scanner ------------------------------------------------------ */

struct scan {
	int32_t bag[64], seq[64];        /* votes per bit */
	uint64_t ring[SIMHASH_SHINGLE];  /* the last words' hashes */
	size_t words, content, shingles;
	uint64_t wh;   /* FNV-1a of the word being read */
	size_t wlen;
};

static void vote(int32_t *v, uint64_t f)
{
	for (int b = 0; b < 64; b++)
		v[b] += (int32_t)((f >> b) & 1) * 2 - 1;
}

static void end_word(struct scan *s)
{
	if (s->wlen == 0)
		return;
	uint64_t h = mix64(s->wh);
	if (!is_stop_hash(s->wh)) {
		s->content++;
		vote(s->bag, h);
	}
	s->ring[s->words % SIMHASH_SHINGLE] = h;
	s->words++;
	if (s->words >= SIMHASH_SHINGLE) {
		uint64_t w[SIMHASH_SHINGLE];
		for (int i = 0; i < SIMHASH_SHINGLE; i++)
			w[i] = s->ring[(s->words + (size_t)i) % SIMHASH_SHINGLE];
		vote(s->seq, shingle_hash(w, SIMHASH_SHINGLE));
		s->shingles++;
	}
	s->wlen = 0;
	s->wh = WORD_SEED;
}

static void add_byte(struct scan *s, unsigned char c)
{
	s->wh = (s->wh ^ c) * FNV_PRIME;
	s->wlen++;
}

static void add_cp(struct scan *s, int32_t cp)
{
	utf8proc_uint8_t u[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, u);
	for (utf8proc_ssize_t i = 0; i < n; i++)
		add_byte(s, u[i]);
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

/* One code point of the input: folded, decomposed, marks stripped, then
 * each resulting code point extends the word or ends it. */
static void feed_cp(struct scan *s, int32_t cp)
{
	if (cp < 0x80) {  /* the common case, without table lookups */
		if (cp >= 'A' && cp <= 'Z')
			add_byte(s, (unsigned char)(cp - 'A' + 'a'));
		else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			add_byte(s, (unsigned char)cp);
		else if (cp != '\'')
			end_word(s);
		return;
	}
	if (cp == 0x2019 || cp == 0x02BC)  /* typographic apostrophes */
		return;
	utf8proc_int32_t d[16];
	int bound = 0;
	utf8proc_ssize_t n = utf8proc_decompose_char(cp, d, 16,
		UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
		UTF8PROC_STRIPMARK | UTF8PROC_IGNORE, &bound);
	if (n < 0 || n > 16) {
		end_word(s);
		return;
	}
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		if (is_unspaced(d[i])) {
			end_word(s);
			add_cp(s, d[i]);
			end_word(s);
		} else if (d[i] < 0x80) {
			feed_cp(s, d[i]);  /* e.g. the "e" left of "é" */
		} else if (is_word_cat(d[i])) {
			add_cp(s, d[i]);
		} else {
			end_word(s);
		}
	}
}

static uint64_t fold_votes(const int32_t *v)
{
	uint64_t h = 0;
	for (int b = 0; b < 64; b++)
		if (v[b] > 0)
			h |= 1ull << b;
	return h;
}

int simhash_text(const char *text, size_t len, struct simhash_info *out)
{
	struct scan s;

	if (!text || !out)
		return -1;
	call_once(&stop_once, stop_init);
	memset(&s, 0, sizeof s);
	s.wh = WORD_SEED;
	size_t i = simhash_skip_preamble(text, len);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text + i;
	len -= i;
	while (len > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);
		if (n <= 0) {  /* an invalid byte: a separator */
			end_word(&s);
			p++;
			len--;
			continue;
		}
		feed_cp(&s, cp);
		p += n;
		len -= (size_t)n;
	}
	end_word(&s);

	/* Too few words for one full shingle: the words together are one
	 * feature, so even a two-word headline has a stable fingerprint. */
	if (s.shingles == 0 && s.words > 0)
		vote(s.seq, shingle_hash(s.ring, (int)s.words));
	out->fp.bag = fold_votes(s.bag);
	out->fp.seq = fold_votes(s.seq);
	out->words = s.words;
	out->content_words = s.content;
	out->distinctive = s.content >= SIMHASH_MIN_CONTENT_WORDS;
	return 0;
}

int simhash_distinctive(const char *text)
{
	struct simhash_info si;
	return text && simhash_text(text, strlen(text), &si) == 0 && si.distinctive;
}

int simhash_story(const char *title, const char *text, struct simhash_fp *fp)
{
	struct simhash_info si;
	if (!fp)
		return -1;
	if (text && simhash_text(text, strlen(text), &si) == 0 && si.distinctive) {
		*fp = si.fp;
		return 1;
	}
	if (title && simhash_text(title, strlen(title), &si) == 0 && si.distinctive) {
		*fp = si.fp;
		return 1;
	}
	return 0;
}

int simhash_distance(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

int simhash_is_copy(const struct simhash_fp *a, const struct simhash_fp *b, int k)
{
	return simhash_distance(a->bag, b->bag) <= k &&
	       simhash_distance(a->seq, b->seq) <= SIMHASH_SEQ_MAX;
}

/* ---- the near-duplicate index ----------------------------------------- */

/* Pigeonhole (Manku et al. 2007): split the 64 bits of the bag
 * fingerprint into k+1 bands; two fingerprints within distance k agree
 * exactly on at least one band.  One hash table per band maps a band's
 * value to the entries holding it, so a lookup visits only the entries
 * sharing a band, then checks both distances.
 * Entries live in one slab, linked into a chain per band (doubly, so
 * expiry unlinks in O(1)) and into one FIFO in insertion order. */

#define NIL UINT32_MAX

struct nd_entry {
	struct simhash_fp fp;
	int64_t story_id, time, thread_id;
	uint32_t next[SIMHASH_MAX_K + 1], prev[SIMHASH_MAX_K + 1];
	uint32_t age_next;  /* FIFO by insertion; also the free list */
};

struct ndindex {
	int k, bands;
	int64_t window;
	int shift[SIMHASH_MAX_K + 1], width[SIMHASH_MAX_K + 1];
	struct nd_entry *e;   /* the slab; owned */
	uint32_t cap, count, free_head;
	uint32_t age_head, age_tail;
	uint32_t *heads[SIMHASH_MAX_K + 1];  /* bucket heads per band; owned */
	uint32_t nbuckets, max_buckets;      /* a power of two each */
};

static uint64_t band_value(const struct ndindex *ix, uint64_t h, int b)
{
	uint64_t mask = ix->width[b] == 64 ? UINT64_MAX : (1ull << ix->width[b]) - 1;
	return (h >> ix->shift[b]) & mask;
}

static uint32_t bucket_of(const struct ndindex *ix, uint64_t h, int b)
{
	uint64_t v = band_value(ix, h, b);
	/* Narrow bands index directly; wider ones are mixed first. */
	if (ix->width[b] > 20)
		v = mix64(v);
	return (uint32_t)(v & (ix->nbuckets - 1));
}

static void link_entry(struct ndindex *ix, uint32_t i)
{
	struct nd_entry *e = &ix->e[i];
	for (int b = 0; b < ix->bands; b++) {
		uint32_t *head = &ix->heads[b][bucket_of(ix, e->fp.bag, b)];
		e->prev[b] = NIL;
		e->next[b] = *head;
		if (*head != NIL)
			ix->e[*head].prev[b] = i;
		*head = i;
	}
}

static void unlink_entry(struct ndindex *ix, uint32_t i)
{
	struct nd_entry *e = &ix->e[i];
	for (int b = 0; b < ix->bands; b++) {
		if (e->prev[b] != NIL)
			ix->e[e->prev[b]].next[b] = e->next[b];
		else
			ix->heads[b][bucket_of(ix, e->fp.bag, b)] = e->next[b];
		if (e->next[b] != NIL)
			ix->e[e->next[b]].prev[b] = e->prev[b];
	}
}

/* New bucket arrays of `n` heads per band, with every live entry relinked. */
static int rehash(struct ndindex *ix, uint32_t n)
{
	uint32_t *nh[SIMHASH_MAX_K + 1] = { 0 };
	for (int b = 0; b < ix->bands; b++) {
		if (!(nh[b] = malloc((size_t)n * sizeof **nh))) {
			for (int c = 0; c < b; c++)
				free(nh[c]);
			return -1;
		}
		memset(nh[b], 0xff, (size_t)n * sizeof **nh);  /* NIL */
	}
	for (int b = 0; b < ix->bands; b++) {
		free(ix->heads[b]);
		ix->heads[b] = nh[b];
	}
	ix->nbuckets = n;
	for (uint32_t i = ix->age_head; i != NIL; i = ix->e[i].age_next)
		link_entry(ix, i);
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
	ix->bands = k + 1;
	ix->window = window;
	int minw = 64;
	for (int b = 0; b < ix->bands; b++) {
		ix->shift[b] = b * 64 / ix->bands;
		ix->width[b] = (b + 1) * 64 / ix->bands - ix->shift[b];
		if (ix->width[b] < minw)
			minw = ix->width[b];
	}
	/* More buckets than a band has values would stay empty. */
	ix->max_buckets = 1u << (minw < 24 ? minw : 24);
	ix->free_head = ix->age_head = ix->age_tail = NIL;
	if (rehash(ix, 1024 < ix->max_buckets ? 1024 : ix->max_buckets) < 0)
		goto fail;
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
	for (int b = 0; b < ix->bands; b++)
		free(ix->heads[b]);
	free(ix->e);
	free(ix);
}

int ndindex_insert(struct ndindex *ix, const struct simhash_fp *fp, int64_t story_id,
                   int64_t time, int64_t thread_id)
{
	uint32_t i;
	/* Keep chains short: about one entry per bucket while a band's
	 * width allows it. */
	if (ix->count >= ix->nbuckets && ix->nbuckets < ix->max_buckets &&
	    rehash(ix, ix->nbuckets * 2) < 0)
		return -1;
	if (ix->free_head != NIL) {
		i = ix->free_head;
		ix->free_head = ix->e[i].age_next;
	} else {
		if (ix->count == ix->cap) {
			if (ix->cap == NIL - 1)
				return -1;  /* indices are 32-bit, NIL excluded */
			uint32_t cap = ix->cap ? (ix->cap > (NIL - 1) / 2 ? NIL - 1 : ix->cap * 2) : 256;
			struct nd_entry *ne = realloc(ix->e, (size_t)cap * sizeof *ne);
			if (!ne)
				return -1;
			ix->e = ne;
			ix->cap = cap;
		}
		i = ix->count;  /* no free slot: the slab is dense up to count */
	}
	struct nd_entry *e = &ix->e[i];
	e->fp = *fp;
	e->story_id = story_id;
	e->time = time;
	e->thread_id = thread_id;
	e->age_next = NIL;
	if (ix->age_tail != NIL)
		ix->e[ix->age_tail].age_next = i;
	else
		ix->age_head = i;
	ix->age_tail = i;
	link_entry(ix, i);
	ix->count++;
	return 0;
}

/* Is a better (earlier, then closer, then lower id) than b? */
static int better(const struct nd_entry *a, int da, const struct nd_match *b)
{
	if (a->time != b->time)
		return a->time < b->time;
	if (da != b->distance)
		return da < b->distance;
	return a->story_id < b->story_id;
}

int ndindex_lookup(const struct ndindex *ix, const struct simhash_fp *fp, int64_t time,
                   struct nd_match *out)
{
	int found = 0;
	for (int b = 0; b < ix->bands; b++) {
		uint64_t want = band_value(ix, fp->bag, b);
		for (uint32_t i = ix->heads[b][bucket_of(ix, fp->bag, b)]; i != NIL;
		     i = ix->e[i].next[b]) {
			const struct nd_entry *e = &ix->e[i];
			if (band_value(ix, e->fp.bag, b) != want)
				continue;  /* shares the bucket, not the band */
			int d = simhash_distance(e->fp.bag, fp->bag);
			if (d > ix->k)
				continue;
			int ds = simhash_distance(e->fp.seq, fp->seq);
			if (ds > SIMHASH_SEQ_MAX)
				continue;
			int64_t dt = e->time > time ? e->time - time : time - e->time;
			if (dt > ix->window)
				continue;
			if (!found || better(e, d, out)) {
				out->story_id = e->story_id;
				out->time = e->time;
				out->thread_id = e->thread_id;
				out->fp = e->fp;
				out->distance = d;
				out->seq_distance = ds;
				found = 1;
			}
		}
	}
	return found;
}

size_t ndindex_expire(struct ndindex *ix, int64_t now)
{
	size_t n = 0;
	while (ix->age_head != NIL && ix->e[ix->age_head].time < now - ix->window) {
		uint32_t i = ix->age_head;
		ix->age_head = ix->e[i].age_next;
		if (ix->age_head == NIL)
			ix->age_tail = NIL;
		unlink_entry(ix, i);
		ix->e[i].age_next = ix->free_head;
		ix->free_head = i;
		ix->count--;
		n++;
	}
	return n;
}

size_t ndindex_count(const struct ndindex *ix)
{
	return ix->count;
}
