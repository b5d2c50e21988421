/* daemon/simhash.h — dedup level 3 (the same text from different
 * publishers): 64-bit SimHash fingerprints of normalised text (Charikar
 * 2002; Manku, Jain, Das Sarma 2007), the rule for which texts are
 * distinctive enough to count, and a near-duplicate index over a time
 * window whose lookup cost does not grow with the database. */
#ifndef TIDINGS_SIMHASH_H
#define TIDINGS_SIMHASH_H

#include <stddef.h>
#include <stdint.h>

/* A story's fingerprint is four 64-bit SimHashes of its normalised text
 * (docs/dedup.md has the measurements behind this design):
 *   bag:  over its content words (stop words left out), each occurrence a
 *         vote.  Robust: a light edit moves it by a few bits, so it is
 *         indexed and looked up within Hamming distance k <= 3.
 *   head, tail: the same over the first and second half of the text (the
 *         tail starts at an anchor word past the middle).  An edit in one
 *         half leaves the other as it was, so a copy with one sentence
 *         rewritten is still found.  0 when the half has fewer than
 *         SIMHASH_MIN_PART_WORDS content words.
 *   seq:  over its shingles of SIMHASH_SHINGLE consecutive words (all
 *         words), which keeps word order.  Two different articles on the
 *         same event share vocabulary, not sentences; seq confirms a
 *         candidate with a looser bound, SIMHASH_SEQ_MAX.
 * b is a copy of a when bag, head or tail is within k of the same one of
 * a (head and tail only when both are present) and seq within
 * SIMHASH_SEQ_MAX.  The four values are a pure function of the text, so
 * the store can keep them with the story (as signed 64-bit integers) and
 * refill the index at start-up from the stories of the last window. */
struct simhash_fp {
	uint64_t bag, seq, head, tail;
};

/* Words per shingle for the seq fingerprint. */
#define SIMHASH_SHINGLE 3
/* A text is distinctive with at least this many content words (words not
 * in the stop list in simhash.c, nor, for a text tagged with one of the
 * languages of daemon/stop_words.h, in that language's).  Five keeps "Business Highlights",
 * "Today in History" and "What you need to know" out and a real headline
 * like "Fed raises rates by a quarter point" in. */
#define SIMHASH_MIN_CONTENT_WORDS 5
/* Content words a half needs to get its own fingerprint. */
#define SIMHASH_MIN_PART_WORDS 20
/* Hamming distances at or under which two fingerprints are copies. */
#define SIMHASH_DEFAULT_K 3
#define SIMHASH_MAX_K 3
#define SIMHASH_SEQ_MAX 14

/* What one pass over a text found. */
struct simhash_info {
	struct simhash_fp fp;   /* all 0 for a text without words */
	size_t words;           /* words after normalisation */
	size_t content_words;   /* of those, not stop words */
	int distinctive;        /* content_words >= SIMHASH_MIN_CONTENT_WORDS */
};

/* Fingerprints of UTF-8 text.  Normalisation: a leading dateline
 * ("WASHINGTON (AP) — ") and byline line ("By Jane Doe\n") are skipped,
 * since outlets add or drop them on the same wire copy; then Unicode case
 * folding, compatibility decomposition, marks stripped (é -> e); words are
 * runs of letters and digits (apostrophes inside a word dropped, so
 * "Biden's" -> "bidens"); each Han, kana or Thai character is a word of
 * its own, since those scripts do not separate words with spaces.
 * Invalid UTF-8 bytes separate words.  Returns 0, or -1 for NULL text. */
int simhash_text(const char *text, size_t len, struct simhash_info *out);

/* simhash_text for a text in language lang (a tag as text_tokenize takes
 * it; NULL: unknown): the same fingerprints, but content_words and
 * distinctive leave out lang's stop words too when daemon/stop_words.h
 * has them ("и", "что", "در", "için", "في"). */
int simhash_text_lang(const char *text, size_t len, const char *lang, struct simhash_info *out);

/* Whether simhash_text casts its votes with AVX2 (1) or with SSE2 or
 * portable code (0).  By default AVX2 where the CPU has it; asking for it
 * elsewhere changes nothing.  The output is the same either way: this is
 * for the tests and benchmarks that check and time both.  Returns the
 * previous choice.  Not thread-safe: call before any text. */
int simhash_set_avx2(int on);

/* Where the text starts after a leading dateline and byline: an offset
 * into `text` (0 when there is neither). */
size_t simhash_skip_preamble(const char *text, size_t len);

/* Nonzero when `text` (NUL-terminated) is long enough to be distinctive:
 * only then may it make a story a copy of another.  A headline-only item
 * counts when its headline passes this rule. */
int simhash_distinctive(const char *text);

/* The fingerprints a story is compared by: its text's when the text is
 * distinctive, else its title's when that is (distinctive as
 * simhash_text_lang counts for the story's language lang).  Returns 1
 * with *fp set, 0 when neither is distinctive (the story is never a
 * copy), -1 on bad arguments.  title, text and lang may be NULL. */
int simhash_story(const char *title, const char *text, const char *lang, struct simhash_fp *fp);

/* Number of differing bits. */
int simhash_distance(uint64_t a, uint64_t b);

/* Nonzero when b is a copy of a (see struct simhash_fp); symmetric. */
int simhash_is_copy(const struct simhash_fp *a, const struct simhash_fp *b, int k);

/* The near-duplicate index: fingerprints of the stories seen in the last
 * `window` seconds of story time.  Opaque; owns every entry. */
struct ndindex;

struct nd_match {
	int64_t story_id, time, thread_id;
	struct simhash_fp fp;
	int distance;       /* on bag */
	int seq_distance;   /* on seq */
	int part;           /* what met: 0 bag, 1 head, 2 tail */
	uint32_t visited;   /* entries the lookup walked (set when none met) */
};

/* k: the largest Hamming distance that matches (0..SIMHASH_MAX_K).
 * window: seconds; entries older than the newest time given to
 * ndindex_expire() minus this go.  Returns 0 or -1 (bad k or window,
 * out of memory). */
int ndindex_new(int k, int64_t window, struct ndindex **out);
void ndindex_free(struct ndindex *ix);

/* Remembers one story (up to three entries: bag, head, tail).  Returns 0,
 * or -1 when out of memory. */
int ndindex_insert(struct ndindex *ix, const struct simhash_fp *fp,
                   int64_t story_id, int64_t time, int64_t thread_id);

/* Story `story_id`, remembered under fingerprint `old` (NULL: it had
 * none), was updated: it is remembered by `fp` from now on, in thread
 * `thread_id` (fp NULL: no text to be a copy of, never returned again).
 * Its time stays `time`.  Returns 0, or -1 when out of memory. */
int ndindex_update(struct ndindex *ix, const struct simhash_fp *old, int64_t story_id,
                   const struct simhash_fp *fp, int64_t time, int64_t thread_id);

/* The earliest remembered story (ties: the closer, then the lower id)
 * that `fp` is a copy of (simhash_is_copy with the index's k) and whose
 * time is within the window of `time`.  Returns 1 with *out filled, 0
 * when there is none; out->visited is set either way.  Cost: a fixed
 * number of probes (3 keys times 4 tables for k = 3) and the entries that
 * share a 16-bit block by chance, about 12 x (stories in the window) /
 * 65,536; it never depends on the database.  Texts nearly alike share
 * blocks not by chance: a chain's walk stops after 4,096 entries (its
 * newest, then its oldest on), so a window full of near-copies costs a
 * lookup at most 12 x 4,096 entries, not the window. */
int ndindex_lookup(const struct ndindex *ix, const struct simhash_fp *fp,
                   int64_t time, struct nd_match *out);

/* Forgets the stories older than now - window, in the order they were
 * inserted (a story inserted late with an old time waits for the ones
 * before it, or for the sweep that ndindex_insert runs after every few
 * thousand such stories; lookups never return it once it is out of the
 * window).  Returns how many stories were forgotten here. */
size_t ndindex_expire(struct ndindex *ix, int64_t now);

/* Stories remembered. */
size_t ndindex_count(const struct ndindex *ix);

/* Heap the index holds (record chunks, bucket heads), bytes: about 150
 * a story. */
size_t ndindex_memory(const struct ndindex *ix);

#endif
