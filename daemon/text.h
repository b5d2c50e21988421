/* daemon/text.h — turns a title or lead text into index terms for clustering:
 * UTF-8 aware (utf8proc NFKC + case folding), stop words, Snowball stemming,
 * and per-token casing cues (proper nouns, acronyms, numbers). Pure: no I/O. */
#ifndef TIDINGS_TEXT_H
#define TIDINGS_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Per-caller tokenizer state: one stemmer and one stop-word set per language,
 * created on first use and cached.  Owned by the caller (text_new/text_free);
 * not thread-safe (Snowball stemmers keep state), use one per thread. */
struct text;

/* Casing cues read from the original (unfolded) text. */
enum text_flag {
	TEXT_CAP = 1 << 0,        /* first letter upper case */
	TEXT_ACRONYM = 1 << 1,    /* >= 2 letters, all upper case, in mixed-case text */
	TEXT_NUMBER = 1 << 2,     /* made of digits (with inner '.' or ',') */
	TEXT_SENT_START = 1 << 3, /* first word of a sentence or segment */
	TEXT_CASE_OK = 1 << 4,    /* its segment is sentence-cased, so TEXT_CAP is
	                             evidence of a name (not Title Case or ALL CAPS) */
	TEXT_PROPER = 1 << 5,     /* CASE_OK and CAP and not SENT_START */
};

struct text_token {
	uint32_t off;   /* into text_tokens.buf; the term is NUL-terminated there */
	uint32_t len;   /* bytes, without the NUL */
	uint32_t flags; /* enum text_flag */
	uint32_t src_off, src_len; /* the word in the input string, as written */
	uint32_t hash;  /* FNV-1a (32-bit) of the term's len bytes: the
	                   consumer's hash tables need not hash it again */
};

/* Output of text_tokenize; zero-initialise, reuse across calls (reset), free
 * with text_tokens_free.  Owns buf and v. */
struct text_tokens {
	char *buf;
	size_t buf_len, buf_cap;
	struct text_token *v;
	size_t n, cap;
};

struct text *text_new(void);
void text_free(struct text *t);

void text_tokens_reset(struct text_tokens *out);
void text_tokens_free(struct text_tokens *out);


/* Appends the terms of s[0..len) to out: case-folded (and the Arabic and
 * Hebrew marks and the tatweel left out, a letter's Arabic-script forms
 * made one: daemon/rtl_fold.h), stop words dropped,
 * stemmed when lang (BCP 47, e.g. "en-GB"; also an ISO 639-2 code, "deu",
 * or English name, "German"; NULL = unknown) names a language Snowball
 * has.  Unknown languages keep English stop words and no stemming.
 * Han and kana runs become overlapping character bigrams.  Returns 0, or -1
 * when out of memory. */
int text_tokenize(struct text *t, const char *s, size_t len, const char *lang,
		  struct text_tokens *out);

/* text_tokenize into t's own buffers, then *out (emptied first) gets the
 * terms in blocks of exactly their size: for tokens kept a while, e.g. a
 * parsed feed's until the loop stores it.  text_tokenize grows its arrays
 * by doubling from 64 terms and 1 KiB: 2.5 KiB for a headline.  Returns 0
 * or -1 (out of memory; *out empty). */
int text_tokenize_kept(struct text *t, const char *s, size_t len, const char *lang,
		       struct text_tokens *out);

/* Drops from out (the tokens of s[0..len)) each word that its feed cut
 * short: one written right before an ellipsis ("…", "...") that ends
 * its line or the text, as a summary cut at so many characters ends
 * ("... rescued by helicopte…", then perhaps a footer on a line of its
 * own).  What is left of the word is no term of the story's: a thread
 * showed "Hoffm" of "Sheriff Kurt Hoffm…" among its keywords.  For lead
 * text: headlines that feeds cut short are cut between words (Google
 * News's "..."). */
void text_drop_cut(const char *s, size_t len, struct text_tokens *out);

/* Whether lang has a stemmer (for tests and diagnostics). */
int text_has_stemmer(struct text *t, const char *lang);

/* The index in daemon/stop_words.h's stop_more of the stop words of lang
 * (a tag as text_tokenize takes it: "fa-IR", "per", "Persian"), or -1 for
 * a language without a list there, NULL, or no language tag.  Pure: for
 * the dedup's count of content words (daemon/simhash.c). */
int text_stop_more(const char *lang);

#endif
