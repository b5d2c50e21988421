/* daemon/fts_tok.c — unicode61 with a faster path, the same tokens.
 *
 * On the poll corpus SQLite's unicode61 cost 28k instructions a story
 * (24 a byte of title and summary, a binary search of its Unicode tables
 * for each non-ASCII character), a third of the search index's cost
 * (docs/benchmarks.md, "Ingest, sixth pass").
 *
 * Why the tokens are exactly the built-in ones: in unicode61 an ASCII
 * byte is either a token character or a separator (a table set from the
 * tokenizer's arguments), and an ASCII separator always ends a token; so
 * the text falls into runs between ASCII separators, and each run is
 * tokenized alone, whatever surrounds it.  A run of ASCII token
 * characters is one token, each byte folded by itself ('A'-'Z' to lower
 * case).  A run holding bytes above 0x7f is read as the built-in loop
 * reads it, code point by code point: whether a code point begins a
 * token, continues one (letters, digits, diacritics) or ends it, and what
 * it folds to, depend on the code point alone, and a memo holds the
 * built-in tokenizer's answers for those met so far.  A run with a code
 * point the memo cannot hold (a four-byte form, broken UTF-8, an answer
 * of an unexpected shape) goes to the built-in tokenizer itself, its
 * offsets moved by where the run starts.
 *
 * Nothing of unicode61 is assumed beyond that structure: the ASCII table
 * and each code point's answers are asked of a built-in instance made
 * with the same arguments, by tokenizing the byte or code point alone and
 * after an "a"; should an ASCII answer ever not be one token of one byte,
 * the instance hands everything to the built-in one.
 * tests/unit/test_store_fts_tok.c compares the two token by token and
 * the indexes they build byte by byte. */
#include "daemon/fts_tok.h"
#include "daemon/simd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The built-in tokenizer, found before it was replaced. */
struct fts_tok_mod {
	fts5_tokenizer inner;
	void *inner_ctx;
};

/* What a byte is, as bits (a run's bits are or'ed together). */
#define C_SEP  0    /* ASCII separator */
#define C_KEEP 1    /* ASCII token character, folds to itself */
#define C_FOLD 2    /* ASCII token character, folds to fold[] */
#define C_HIGH 4    /* above 0x7f */

/* What the built-in tokenizer does with one non-ASCII code point,
 * learnt by asking it (see learn_cp).  Direct-mapped by code point. */
#define MEMO 1024
#define M_START 1   /* begins a token (a letter, a digit, ...) */
#define M_CONT  2   /* continues one (those, and diacritics) */
#define M_ASK   4   /* the built-in tokenizer's runs only (unexpected answer) */

struct memo {
	uint32_t cp;                /* 0: empty (0 is ASCII, never kept here) */
	uint8_t flags, flen;
	char fold[6];               /* what it folds to (flen bytes) */
};

struct fts_tok {
	const struct fts_tok_mod *mod;
	Fts5Tokenizer *inner;       /* the built-in one, same arguments */
	int fast;                   /* 0: everything goes to `inner` */
	int std;                    /* the ASCII table is [0-9A-Za-z], A-Z folded */
	unsigned char cls[256];
	unsigned char fold[128];
	char *buf;                  /* a folded token */
	size_t cap;
	struct memo memo[MEMO];
};

/* What the built-in tokenizer made of one probe: its first token. */
struct probe {
	int n, flags, len, start, end;
	char tok[16];
};

static int probe_cb(void *p, int tflags, const char *tok, int n, int start, int end)
{
	struct probe *pr = p;

	if (pr->n++ == 0) {
		pr->flags = tflags;
		pr->len = n;
		if (n > 0)
			memcpy(pr->tok, tok, n < (int)sizeof pr->tok ? (size_t)n : sizeof pr->tok);
		pr->start = start;
		pr->end = end;
	}
	return SQLITE_OK;
}

static int probe(const struct fts_tok *t, const char *s, int n, struct probe *pr)
{
	memset(pr, 0, sizeof *pr);
	return t->mod->inner.xTokenize(t->inner, pr, FTS5_TOKENIZE_DOCUMENT, s, n, probe_cb);
}

/* Fills cls[] and fold[] from the built-in tokenizer's answers; 0 when
 * any answer is not what the fast path assumes. */
static int learn_ascii(struct fts_tok *t)
{
	t->std = 1;
	for (int c = 0; c < 128; c++) {
		char ch = (char)c;
		struct probe pr;
		int alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

		if (probe(t, &ch, 1, &pr) != SQLITE_OK)
			return 0;
		if (pr.n == 0) {
			t->cls[c] = C_SEP;
			t->std &= !alnum;
			continue;
		}
		if (pr.n != 1 || pr.flags != 0 || pr.len != 1 || pr.start != 0 || pr.end != 1 ||
		    (unsigned char)pr.tok[0] >= 0x80)
			return 0;
		t->fold[c] = (unsigned char)pr.tok[0];
		t->cls[c] = pr.tok[0] == ch ? C_KEEP : C_FOLD;
		t->std &= alnum && pr.tok[0] == (c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	memset(t->cls + 128, C_HIGH, 128);
	return 1;
}

/* A code point as the built-in tokenizer reads it (its READ_UTF8), for
 * the well-formed two- and three-byte forms only: *cp and the bytes it
 * takes, or 0 for anything else (four bytes, a stray continuation byte,
 * an overlong or cut form, a surrogate, U+FFFE/FFFF), whose run the
 * built-in tokenizer then reads itself. */
static inline int decode(const unsigned char *s, int n, uint32_t *cp)
{
	uint32_t c0 = s[0], c;

	/* READ_UTF8 takes every continuation byte that follows: the form
	 * must end where a well-formed one does. */
	if (c0 >= 0xc2 && c0 <= 0xdf) {
		if (n < 2 || (s[1] & 0xc0) != 0x80 || (n > 2 && (s[2] & 0xc0) == 0x80))
			return 0;
		*cp = (c0 & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (c0 >= 0xe0 && c0 <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (n > 3 && (s[3] & 0xc0) == 0x80))
			return 0;
		c = (c0 & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe)
			return 0;
		*cp = c;
		return 3;
	}
	return 0;
}

/* What the built-in tokenizer does with code point cp (its bytes b, n):
 * alone, it is a token (a letter: M_START) or nothing; after "a", it
 * extends that token (M_CONT) or ends it.  The folded bytes come from the
 * same answers.  Anything else marks it M_ASK. */
static __attribute__((noinline)) void learn_cp(struct fts_tok *t, uint32_t cp,
                                                const unsigned char *b, int n, struct memo *m)
{
	char two[8] = "a";
	struct probe p1, p2;

	memcpy(two + 1, b, (size_t)n);
	m->cp = cp;
	m->flags = M_ASK;
	m->flen = 0;
	if (probe(t, (const char *)b, n, &p1) != SQLITE_OK ||
	    probe(t, two, n + 1, &p2) != SQLITE_OK || p2.n != 1 || p2.flags || p2.start ||
	    p2.len < 1 || p2.tok[0] != 'a')
		return;
	if (p2.end == 1 && p2.len == 1) {            /* ends the token */
		if (p1.n == 0)
			m->flags = 0;
		return;
	}
	if (p2.end != n + 1 || p2.len - 1 > (int)sizeof m->fold)
		return;
	if (p1.n == 0) {
		m->flags = M_CONT;
	} else {
		if (p1.n != 1 || p1.flags || p1.start || p1.end != n || p1.len != p2.len - 1 ||
		    memcmp(p1.tok, p2.tok + 1, (size_t)p1.len) != 0)
			return;
		m->flags = M_START | M_CONT;
	}
	m->flen = (uint8_t)(p2.len - 1);
	memcpy(m->fold, p2.tok + 1, m->flen);
}

/* The memo entry of the code point at s (within a run of n bytes), and
 * its length; NULL when the run must go to the built-in tokenizer. */
static inline const struct memo *cp_at(struct fts_tok *t, const unsigned char *s, int n, int *len)
{
	uint32_t cp;
	struct memo *m;

	if (!(*len = decode(s, n, &cp)))
		return NULL;
	m = &t->memo[cp % MEMO];
	if (m->cp != cp)
		learn_cp(t, cp, s, *len, m);
	return m->flags & M_ASK ? NULL : m;
}

static void tok_delete(Fts5Tokenizer *p)
{
	struct fts_tok *t = (struct fts_tok *)p;

	if (!t)
		return;
	if (t->inner)
		t->mod->inner.xDelete(t->inner);
	free(t->buf);
	free(t);
}

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	const struct fts_tok_mod *mod = ctx;
	struct fts_tok *t = calloc(1, sizeof *t);
	int rc;

	*out = NULL;
	if (!t)
		return SQLITE_NOMEM;
	t->mod = mod;
	/* The built-in one judges the arguments (and refuses the same). */
	if ((rc = mod->inner.xCreate(mod->inner_ctx, argv, argc, &t->inner)) != SQLITE_OK) {
		t->inner = NULL;
		tok_delete((Fts5Tokenizer *)t);
		return rc;
	}
	t->fast = learn_ascii(t);
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

/* Room for a token of n bytes (and 16 more, for a vector store). */
static int room(struct fts_tok *t, size_t n)
{
	if (n + 16 > t->cap) {
		size_t cap = n + 16 < 64 ? 64 : (n + 16) * 2;
		char *b = realloc(t->buf, cap);

		if (!b)
			return -1;
		t->buf = b;
		t->cap = cap;
	}
	return 0;
}

typedef int token_fn(void *, int, const char *, int, int, int);

/* A run handed to the built-in tokenizer: its tokens' offsets are the
 * run's plus where it starts, and the caller's answer is kept to stop
 * where the built-in tokenizer over the whole text would have. */
struct shift {
	void *ctx;
	token_fn *x_token;
	int off, rc;
};

static int shifted(void *p, int tflags, const char *tok, int n, int start, int end)
{
	struct shift *sh = p;

	return sh->rc = sh->x_token(sh->ctx, tflags, tok, n, start + sh->off, end + sh->off);
}

static int run_inner(struct fts_tok *t, void *ctx, int flags, const char *text, int start,
                     int end, token_fn *x_token)
{
	struct shift sh = { ctx, x_token, start, SQLITE_OK };
	int rc = t->mod->inner.xTokenize(t->inner, &sh, flags, text + start, end - start,
	                                 shifted);

	return sh.rc != SQLITE_OK ? sh.rc : rc;
}

/* A run (between ASCII separators) holding bytes above 0x7f, tokenized as
 * the built-in tokenizer's loop does, code point by code point from the
 * memo: a token begins at an M_START code point or an ASCII token
 * character, goes on through M_CONT ones and ASCII token characters, and
 * a code point that is neither ends it (and is passed over). */
static int run_memo(struct fts_tok *t, void *ctx, int flags, const char *text, int start,
                    int end, token_fn *x_token)
{
	const unsigned char *s = (const unsigned char *)text;
	int i, len, rc = SQLITE_OK;

	/* Every code point known first, so that no token is given before
	 * the run turns out to be the built-in tokenizer's. */
	for (i = start; i < end; i += len) {
		len = 1;
		if (s[i] >= 0x80 && !cp_at(t, s + i, end - i, &len))
			return run_inner(t, ctx, flags, text, start, end, x_token);
	}
	if (room(t, (size_t)(end - start) * 3) < 0)
		return SQLITE_NOMEM;
	i = start;
	while (rc == SQLITE_OK && i < end) {
		const struct memo *m = NULL;
		int is, ie = i;
		size_t out = 0;

		/* In a run every ASCII byte is a token character.  (A code
		 * point asked about again, its memo slot having been taken by
		 * another of the run, gets the same answer; only running out
		 * of memory while asking could make it NULL.) */
		while (i < end && s[i] >= 0x80) {
			if (!(m = cp_at(t, s + i, end - i, &len)))
				return SQLITE_NOMEM;
			if (m->flags & M_START)
				break;
			i += len;
		}
		if (i >= end)
			break;
		is = i;
		while (i < end) {
			if (s[i] < 0x80) {
				t->buf[out++] = (char)t->fold[s[i++]];
			} else {
				if (!(m = cp_at(t, s + i, end - i, &len)))
					return SQLITE_NOMEM;
				i += len;
				if (!(m->flags & M_CONT))
					break;
				memcpy(t->buf + out, m->fold, m->flen);
				out += m->flen;
			}
			ie = i;
		}
		rc = x_token(ctx, 0, t->buf, (int)out, is, ie);
	}
	return rc;
}

/* One run from i (separators first), for any table and near the end of
 * the text; i moves past it.  Returns what the callback said, or 
 * SQLITE_DONE when no run is left. */
static int one_run(struct fts_tok *t, void *ctx, int flags, const char *text, int len,
                   token_fn *x_token, int *pi)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *cls = t->cls;
	int i = *pi, start, end, k = 0;

	while (i < len && cls[s[i]] == C_SEP)
		i++;
	if (i >= len) {
		*pi = i;
		return SQLITE_DONE;
	}
	start = i;
	for (; i < len && cls[s[i]] != C_SEP; i++)
		k |= cls[s[i]];
	*pi = end = i;
	if (k & C_HIGH)
		return run_memo(t, ctx, flags, text, start, end, x_token);
	if (k & C_FOLD) {
		size_t n = (size_t)(end - start);

		if (room(t, n) < 0)
			return SQLITE_NOMEM;
		for (size_t j = 0; j < n; j++)
			t->buf[j] = (char)t->fold[s[start + (int)j]];
		return x_token(ctx, 0, t->buf, (int)n, start, end);
	}
	/* Nothing to fold: the token is the text itself. */
	return x_token(ctx, 0, text + start, end - start, start, end);
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int len,
                        token_fn *x_token)
{
	struct fts_tok *t = (struct fts_tok *)p;
	int i = 0, rc = SQLITE_OK;

	if (!t->fast || len < 0)
		return t->mod->inner.xTokenize(t->inner, ctx, flags, text, len, x_token);
	if (room(t, 0) < 0)
		return SQLITE_NOMEM;
	while (rc == SQLITE_OK) {
#ifdef TIDINGS_SSE2
		/* With the standard table ([0-9A-Za-z], capitals folded), 16
		 * bytes at a time, never past the text's end: a word that
		 * begins and ends within them (most do) is one load.  Its
		 * bytes, or'ed with 0x20, are its folded form: that lowers
		 * the capitals and leaves digits and small letters alone. */
		if (t->std && i + 16 <= len) {
			const unsigned char *s = (const unsigned char *)text + i;
			__m128i v = _mm_loadu_si128((const void *)s);
			__m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
			unsigned hi = (unsigned)_mm_movemask_epi8(v);
			unsigned word = hi | (unsigned)_mm_movemask_epi8(_mm_or_si128(
			                sse2_range(lo, 'a', 'z'), sse2_range(v, '0', '9')));
			unsigned off, stop;

			if (!word) {
				i += 16;
				continue;
			}
			off = (unsigned)__builtin_ctz(word);
			if ((stop = (~word & 0xffff) >> off)) {
				unsigned n = (unsigned)__builtin_ctz(stop);
				int start = i + (int)off;

				i = start + (int)n;
				if ((hi >> off) & ((1u << n) - 1)) {
					rc = run_memo(t, ctx, flags, text, start, i, x_token);
				} else {
					_mm_storeu_si128((void *)t->buf, lo);
					rc = x_token(ctx, 0, t->buf + off, (int)n, start, i);
				}
				continue;
			}
			if (off) {          /* the word goes on: load from its start */
				i += (int)off;
				continue;
			}
			/* A word of 16 bytes or more: the byte loop. */
		}
#endif
		rc = one_run(t, ctx, flags, text, len, x_token, &i);
	}
	/* As the built-in tokenizer: a callback's SQLITE_DONE stops it
	 * without an error (one_run's, when the text is done). */
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

fts5_api *fts_tok_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(s);
	}
	sqlite3_finalize(s);
	return api;
}

int fts_tok_register(sqlite3 *db)
{
	static const fts5_tokenizer ours = { tok_create, tok_delete, tok_tokenize };
	fts5_api *api = fts_tok_api(db);
	struct fts_tok_mod *mod;

	if (!api || api->iVersion < 2 || !(mod = calloc(1, sizeof *mod)))
		return -1;
	if (api->xFindTokenizer(api, "unicode61", &mod->inner_ctx, &mod->inner) != SQLITE_OK) {
		free(mod);
		return -1;
	}
	/* FTS5 looks tokenizers up newest first: this one now answers to
	 * the name.  It keeps `mod` until the connection closes. */
	if (api->xCreateTokenizer(api, "unicode61", mod, (fts5_tokenizer *)&ours, free) !=
	    SQLITE_OK) {
		free(mod);
		return -1;
	}
	return 0;
}
