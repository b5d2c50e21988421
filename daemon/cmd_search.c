/* daemon/cmd_search.c — `tidings search QUERY`: full-text search over
 * stories' titles and summaries (SQLite FTS5). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <utf8proc.h>

#include "daemon/cli.h"
#include "daemon/json.h"
#include "daemon/store.h"

struct query {
	struct cli_out o;
	const char *text;
	const char *plain;   /* text without its other form (other_form), or NULL */
	int64_t limit;
	int syntax;          /* FTS5 could not read it */
};

/* The most terms a query may have.  FTS5's cost grows with about the
 * square of the terms: 2,000 copies of "h*" took 33 s and 8,000 took 6 minutes on a
 * database of 600 stories, and one argument may be 128 KiB (16,000
 * words).  64 terms hold any headline or question, and keep the square
 * small: on 35,000 stories 64 common words joined by OR took 0.4 s, and
 * the worst found, "t*" 64 times, 5 s where one "t*" takes 0.25 s (32
 * times: 1.2 s).  The length in bytes is not bounded: a single word of
 * 120,000 bytes costs nothing. */
#define MAX_TERMS 64

static int list(struct store *st, void *p)
{
	struct query *q = p;
	int rc = store_search(st, q->text, q->limit, cli_story_row, &q->o);

	/* Where FTS5 stopped in the query as written, not in the
	 * "(...) OR (...)" of its two forms ("élysée OR" stopped near the
	 * ')' of that).  No row was given before the error. */
	if (rc < 0 && q->plain && !strncmp(store_errmsg(st), "fts5: syntax error", 18))
		rc = store_search(st, q->plain, q->limit, cli_story_row, &q->o);
	q->syntax = rc < 0 && !strncmp(store_errmsg(st), "fts5: syntax error", 18);
	return rc;
}

/* A byte FTS5 takes in a bare word: ASCII letters and digits, '_', and
 * every byte of a non-ASCII character. */
static int bare(unsigned char c)
{
	return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Whether the code point at p (in [p, e)) is one the search index's
 * tokenizer (unicode61) keeps in a token: a letter, a digit, a private
 * use character (its categories L*, N* and Co) or a mark (a diacritic,
 * which continues one); *len: its length in bytes.  Bytes that are no
 * UTF-8 count as kept, one at a time. */
static int word_cp(const char *p, const char *e, size_t *len)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)p, e - p, &c);

	if (n <= 0) {
		*len = 1;
		return 1;
	}
	*len = (size_t)n;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_CO:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return 1;
	default:
		return 0;
	}
}

/* The terms in [p, e): the runs of bytes a bare word may hold ("U.S."
 * is two), split as the tokenizer splits them, at non-ASCII punctuation
 * and symbols too.  Counted as bare bytes only, "the—the—..." (em
 * dashes) was one term however long: a word of 8,000 parts, a phrase
 * of 8,000 terms to FTS5, ran 5 s in 266 MB on 5,000 stories, and the
 * square of that for the 21,000 parts one argument holds. */
static size_t terms(const char *p, const char *e)
{
	size_t n = 0, len;
	int in = 0;

	for (; p < e; p += len) {
		int w;

		if ((unsigned char)*p < 0x80) {
			/* '_' is a bare word's byte to FTS5's query syntax but
			 * no token byte to the tokenizer: "strike_strike_..."
			 * was one term here and a phrase of 8,000 to FTS5. */
			len = 1;
			w = *p != '_' && bare((unsigned char)*p);
		} else {
			w = word_cp(p, e, &len);
		}
		n += w && !in;
		in = w;
	}
	return n;
}

/* The query with each blank FTS5's syntax does not know as one written
 * as a space: a no-break space, the ideographic space (U+3000, what a
 * Chinese or Japanese input method types between words), the other
 * Unicode spaces (Zs), the line and paragraph separators and '\r', '\f',
 * '\v'.  FTS5 splits a query only at ' ', '\t', '\n' and '\r', and took
 * "大阪　万博" (U+3000) for one word, searched as the phrase of its two:
 * "万博　大阪" found no story holding both, "mars　OR　venus" was the
 * phrase "mars or venus", and a query of U+3000 alone no blank one.  The
 * tokenizer splits at them all, so inside a phrase this changes nothing.
 * Returns a malloc'd string (never longer), or NULL. */
static char *spaced(const char *in)
{
	size_t n = strlen(in);
	char *out = malloc(n + 1), *o = out;
	const char *p = in, *e = in + n;

	if (!out)
		return NULL;
	while (p < e) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = 1;

		if ((unsigned char)*p >= 0x80)
			k = utf8proc_iterate((const utf8proc_uint8_t *)p, e - p, &c);
		if (*p == '\r' || *p == '\f' || *p == '\v' ||
		    (k > 1 && (utf8proc_category(c) == UTF8PROC_CATEGORY_ZS ||
		               utf8proc_category(c) == UTF8PROC_CATEGORY_ZL ||
		               utf8proc_category(c) == UTF8PROC_CATEGORY_ZP))) {
			*o++ = ' ';
		} else {
			if (k < 1)         /* no UTF-8: the byte as it is */
				k = 1;
			memcpy(o, p, (size_t)k);
			o += k;
		}
		p += k;
	}
	*o = '\0';
	return out;
}

/* An operator word outside a phrase: no term of its own. */
static int operator(const char *w, const char *e)
{
	static const char *const ops[] = { "AND", "OR", "NOT", "NEAR" };

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if ((size_t)(e - w) == strlen(ops[i]) && !memcmp(w, ops[i], (size_t)(e - w)))
			return 1;
	return 0;
}

/* " AND " before what comes next, with no blank doubled. */
static char *and(char *o)
{
	if (o[-1] != ' ')
		*o++ = ' ';
	memcpy(o, "AND ", 4);
	return o + 4;
}

/* The query as FTS5 should see it.  News is full of words FTS5's syntax
 * refuses bare: "e-mail", "U.S.", "it's", "COVID-19", "c++" failed with
 * "no such column: mail" or "syntax error near '.'".  Such a word is
 * quoted, i.e. searched as the phrase of its parts, which is what the
 * tokenizer makes of the same text in a story.  Quoted phrases, ( ),
 * OR / AND / NOT / NEAR, prefix* and the title: / summary: column
 * filters pass as they are.  A word starting with '-' is refused with a
 * hint instead of being searched for: it means "without" elsewhere.
 * A quoted word keeps a final '*' outside its quotes ("e-ma"*: the
 * phrase whose last part is a prefix): inside them FTS5 drops it, and
 * e-ma* found no "e-mail".  Inside NEAR( ) the ',' before the distance
 * passes too: NEAR(mars rover, 3) became NEAR(mars "rover," 3), which
 * searched for a "3" near the two within the default 10 tokens.
 * *n_terms counts the terms searched for (see MAX_TERMS): the words of
 * phrases too, not the operators or column names; *ops whether there
 * is an operator or a '(' or ')' outside the phrases.  Returns a malloc'd
 * string, or NULL with *why set.
 *
 * FTS5 takes two operands side by side as AND only when both are
 * phrases: "(strike OR walkout) port", "port (strike OR walkout)" and
 * "port title:(strike OR walkout)" were syntax errors.  An AND is
 * written between a group and the operand beside it, which is what the
 * same words without the parentheses mean. */
static char *fts_query(const char *in, size_t *n_terms, int *ops, const char **why)
{
	size_t n = strlen(in);
	/* Each byte quoted and doubled, or a '(' after " AND ": a generous
	 * bound (")(", ".(" ...), a query being short. */
	char *out = malloc(8 * n + 8), *o = out;
	const char *p = in;
	/* NEAR( ): 1 after the word NEAR, 2 inside its ( ), 3 after its ','
	 * (the distance, a number, not a term). */
	int near = 0;
	/* What was written last: 0 nothing or an operator, 1 a word or a
	 * phrase, 2 a group's ')'. */
	int last = 0;

	*why = "out of memory";
	*n_terms = 0;
	*ops = 0;
	if (!out)
		return NULL;
	while (*p) {
		const char *w, *e;
		int plain = 1, star;

		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '(' || *p == ')' ||
		    (*p == ',' && near == 2)) {
			*ops |= *p == '(' || *p == ')';
			if (*p == '(') {
				if (near != 1 && last)
					o = and(o);
				last = 0;
				near = near == 1 ? 2 : 0;
			} else if (*p == ')') {
				last = near ? 1 : 2;
				near = 0;
			} else if (*p == ',') {
				near = 3;
			}
			*o++ = *p++;
			continue;
		}
		if (near == 1)
			near = 0;
		if (*p == '"') {               /* a phrase, "" inside it escaped */
			if (last == 2)
				o = and(o);
			last = 1;
			*o++ = *p++;
			w = p;
			while (*p && (*p != '"' || p[1] == '"')) {
				if (*p == '"')
					*o++ = *p++;
				*o++ = *p++;
			}
			*n_terms += terms(w, p);
			*o++ = '"';        /* closes an unterminated one too */
			if (*p)
				p++;
			if (*p == '*')     /* "phrase"*: a prefix phrase */
				*o++ = *p++;
			continue;
		}
		w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '(' &&
		       *p != ')' && *p != '"' && (*p != ',' || near != 2))
			p++;
		e = p;
		/* A column filter: before a word, or before the phrase or the
		 * group that follows at once (title:"mars rover",
		 * title:(mars OR venus)). */
		if ((e - w >= 6 && !strncasecmp(w, "title:", 6) && (e - w > 6 || *e == '"' || *e == '(')) ||
		    (e - w >= 8 && !strncasecmp(w, "summary:", 8) && (e - w > 8 || *e == '"' || *e == '('))) {
			const char *c = (const char *)memchr(w, ':', (size_t)(e - w)) + 1;

			if (last == 2 || (last && *e == '('))
				o = and(o);
			last = 0;
			memcpy(o, w, (size_t)(c - w));
			o += c - w;
			w = c;
			if (w == e)
				continue;
		}
		/* After a column filter too: title:-mars searched the titles
		 * for "mars". */
		if (*w == '-' && e - w > 1) {
			*why = "a word starting with '-': to leave out stories with a word,"
			       " use NOT (strike NOT port)";
			free(out);
			return NULL;
		}
		/* NEAR is FTS5's operator only before a '(' (blanks between
		 * allowed): anywhere else it is a word, and "(asteroid NEAR)
		 * earth" or "(quake OR NEAR) tokyo" a group beside a word, for
		 * which the AND was left out ("syntax error near earth"). */
		if (!operator(w, e) ||
		    (e - w == 4 && !memcmp(w, "NEAR", 4) && e[strspn(e, " \t\n")] != '(')) {
			if (near != 3)
				*n_terms += terms(w, e);
			if (last == 2)
				o = and(o);
			last = 1;
		} else {
			/* NEAR(a b) is an operand beside a group as a word is:
			 * "(strike OR walkout) NEAR(port union)" was a syntax
			 * error (and so is a bare NEAR, a word to FTS5) */
			*ops = 1;
			if (e - w == 4 && !memcmp(w, "NEAR", 4)) {
				near = 1;
				if (last == 2)
					o = and(o);
			}
			last = 0;
		}
		for (const char *c = w; c < e; c++)
			if (!bare((unsigned char)*c) && !(*c == '*' && c == e - 1 && c > w))
				plain = 0;
		if (plain) {
			memcpy(o, w, (size_t)(e - w));
			o += e - w;
			continue;
		}
		/* Quoted, next to a phrase it is apart from it: "x""e-mail"
		 * would be one phrase with a '"' in it (x e mail). */
		star = e - w > 1 && e[-1] == '*';
		if (o > out && o[-1] == '"')
			*o++ = ' ';
		*o++ = '"';
		memcpy(o, w, (size_t)(e - star - w));
		o += e - star - w;
		*o++ = '"';
		if (star)
			*o++ = '*';
		else if (*e == '"')
			*o++ = ' ';
	}
	*o = '\0';
	return out;
}

/* An operand of a query as fts_query writes it, from p: a phrase
 * ("..." with "" inside, and its '*'), a word (and its '*'), or a
 * NEAR(...) group; its end. */
static const char *operand_end(const char *p)
{
	if (*p == '"') {
		for (p++; *p && (*p != '"' || p[1] == '"'); p += *p == '"' ? 2 : 1)
			;
		p += *p == '"';
		return p + (*p == '*');
	}
	const char *e = p;
	while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '(' && *e != ')' &&
	       *e != '"')
		e++;
	if (e - p == 4 && !memcmp(p, "NEAR", 4) && e[strspn(e, " \t\n")] == '(') {
		int quoted = 0;
		for (e += strspn(e, " \t\n") + 1; *e && (quoted || *e != ')'); e++)
			if (*e == '"')
				quoted = !quoted;    /* "" inside: out and in again */
		return e + (*e == ')');
	}
	return e;
}

/* The other Unicode form of [p, e) (NFC, else NFD), NULL when it has
 * none (ASCII, most text) or no memory (*oom). */
static char *other_form_of(const char *p, const char *e, int *oom)
{
	char *s = strndup(p, (size_t)(e - p)), *f = NULL;

	if (!s)
		return *oom = 1, NULL;
	for (int nfd = 0; nfd < 2; nfd++) {
		f = (char *)(nfd ? utf8proc_NFD : utf8proc_NFC)((const utf8proc_uint8_t *)s);
		if (!f || strcmp(f, s))
			break;
		free(f);
		f = NULL;
	}
	free(s);
	return f;
}

/* Room in *out (*cap bytes) for `need` bytes in all: 0, or -1 out of
 * memory. */
static int room(char **out, size_t *cap, size_t need)
{
	size_t c = *cap * 2 > need ? *cap * 2 : need;
	char *t;

	if (need <= *cap)
		return 0;
	if (!(t = realloc(*out, c)))
		return -1;
	*out = t;
	*cap = c;
	return 0;
}

/* other_form's ')' after operands side by side it grouped, the last of
 * them ending at `end` in out (before the blanks after it); the new
 * length. */
static size_t close_run(char *out, size_t len, size_t end)
{
	memmove(out + end + 1, out + end, len - end);
	out[end] = ')';
	return len + 1;
}

/* Whether [p, e), an operand as fts_query writes it, holds no word:
 * punctuation standing alone, which the tokenizer makes nothing of.
 * fts_query quotes ASCII punctuation ("-", "&", "+") and leaves
 * non-ASCII bytes bare, as FTS5's syntax allows (an en dash). */
static int no_word(const char *p, const char *e)
{
	if (e - p >= 2 && *p == '"' && e[-1] == '"')
		return terms(p + 1, e - 1) == 0;
	return e > p && terms(p, e) == 0;
}

/* Whether the operand after p (past blanks) is AND, OR or NOT. */
static int operator_next(const char *p)
{
	const char *e;

	p += strspn(p, " \t\n");
	e = operand_end(p);
	return (e - p == 3 && (!memcmp(p, "AND", 3) || !memcmp(p, "NOT", 3))) ||
	       (e - p == 2 && !memcmp(p, "OR", 2));
}

/* The query (q, as fts_query made it of s) with each operand that has
 * another Unicode form searched in both: a story's text is kept as its
 * feed wrote it, most in composed form (NFC), some decomposed (NFD: a
 * feed written on a Mac, a file name pasted), and the index's tokenizer
 * takes a letter and its mark apart for some scripts: "서울" typed found
 * no "서울" written as its Hangul letters, "ガス" no "カ" and U+3099,
 * "новый" no "и" and U+0306, and the decomposed query none of the
 * composed stories.  Each such word, phrase or NEAR group x becomes
 * "(x OR x')", and the operands side by side are joined by an explicit
 * AND (FTS5 reads two operands apart by a blank as AND only when neither
 * is a group).  Not the query as a whole, "(q) OR (q')": "composed NOT
 * 서울" then found a story with both words by its second half, whose 서울
 * that story has not.  A Latin accent folds away in either form.
 *
 * Operands side by side that are given an AND are grouped too, "(a AND
 * b)": FTS5 binds them tighter than any operator, and an AND less than
 * NOT.  "grève NOT port métro" is grève NOT (port métro) to FTS5, as
 * written or in ASCII; with the AND alone it was "(grève NOT port) AND
 * métro", and found only the strikes on the metro, none of those
 * without it, wherever an accent or a Hangul, kana, Cyrillic or Greek
 * word gave the query another form.
 *
 * Returns q, or a new string and q in *plain, or NULL out of memory (q
 * freed). */
static char *other_form(char *q, char **plain)
{
	/* Grown as it is written: 16 bytes to spare at each step, for the
	 * ')' that closes operands side by side, the '(' that opens them,
	 * "AND ", a blank or a group's '(' or ')'; then room for what an
	 * operand or an operator adds. */
	size_t cap = 2 * strlen(q) + 16, len = 0;
	char *out = malloc(cap);
	const char *p = q;
	int oom = 0, changed = 0, operand = 0, column = 0;
	int after_op = 0;    /* AND, OR or NOT written last */
	/* Operands side by side: where the first of them began in out
	 * (SIZE_MAX: after a group's ')', which is given an AND and no '('),
	 * where the last ended, and whether their '(' is written. */
	size_t run = SIZE_MAX, run_end = 0;
	int grouped = 0;

	if (!out)
		goto fail;
	while (*p) {
		const char *e;
		char *alt;

		if (room(&out, &cap, len + 16) < 0)
			goto fail;
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			out[len++] = *p++;
			continue;
		}
		if (*p == ')' || *p == '(') {
			if (grouped)
				len = close_run(out, len, run_end);
			grouped = 0;
			run = SIZE_MAX;
		}
		if (*p == ')') {
			out[len++] = *p++;
			operand = 1;
			continue;
		}
		e = *p == '(' ? p + 1 : operand_end(p);
		if (room(&out, &cap, len + (size_t)(e - p) + 16) < 0)
			goto fail;
		if ((e - p == 3 && (!memcmp(p, "AND", 3) || !memcmp(p, "NOT", 3))) ||
		    (e - p == 2 && !memcmp(p, "OR", 2))) {
			if (grouped)
				len = close_run(out, len, run_end);
			grouped = 0;
			memcpy(out + len, p, (size_t)(e - p));
			len += (size_t)(e - p);
			p = e;
			operand = 0;
			after_op = 1;
			continue;
		}
		/* Punctuation standing alone beside other operands ("grève - port",
		 * a headline's dash) is left out: FTS5 drops such an empty
		 * phrase between operands side by side, as the tokenizer drops
		 * the dash in a story, but given the AND below it matched no
		 * story, and the query found nothing.  (An operand of AND, OR,
		 * NOT or a column filter stays as written.) */
		if (*p != '(' && !column && !after_op && no_word(p, e) && !operator_next(e)) {
			p = e;
			continue;
		}
		after_op = 0;
		/* An operand, a group or a column filter after an operand: the
		 * AND FTS5 would have read between them, written out, the
		 * operands side by side in a group of their own. */
		if (operand && !column) {
			if (run != SIZE_MAX && !grouped) {
				memmove(out + run + 1, out + run, len - run);
				out[run] = '(';
				len++;
				grouped = 1;
			}
			/* Apart from a word written against the phrase after it
			 * (fts_query passes port"x" as it is): "portAND" was a
			 * word of its own, found nowhere. */
			if (out[len - 1] != ' ' && out[len - 1] != '\t' && out[len - 1] != '\n')
				out[len++] = ' ';
			memcpy(out + len, "AND ", 4);
			len += 4;
		} else if (!operand) {
			run = len;
		}
		operand = column = 0;
		if (*p == '(') {
			out[len++] = *p++;
			continue;
		}
		const char *colon = memchr(p, ':', (size_t)(e - p));
		if (*p != '"' && colon && (colon - p == 5 || colon - p == 7) &&
		    (!strncasecmp(p, "title:", 6) || !strncasecmp(p, "summary:", 8))) {
			memcpy(out + len, p, (size_t)(colon + 1 - p));
			len += (size_t)(colon + 1 - p);
			p = colon + 1;
			column = 1;
			operand = 1;
			continue;
		}
		operand = 1;
		if (!(alt = other_form_of(p, e, &oom))) {
			if (oom)
				goto fail;
			memcpy(out + len, p, (size_t)(e - p));
			len += (size_t)(e - p);
			run_end = len;
			p = e;
			continue;
		}
		if (room(&out, &cap, len + (size_t)(e - p) + strlen(alt) + 16) < 0) {
			free(alt);
			goto fail;
		}
		len += (size_t)sprintf(out + len, "(%.*s OR %s)", (int)(e - p), p, alt);
		run_end = len;
		free(alt);
		changed = 1;
		p = e;
	}
	if (grouped)
		len = close_run(out, len, run_end);
	out[len] = '\0';
	if (!changed) {
		free(out);
		return q;
	}
	*plain = q;
	return out;
fail:
	free(out);
	free(q);
	return NULL;
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	struct query q = { .limit = 20 };
	char *sp = NULL;       /* the query, its blanks spaces (spaced) */
	int opts = 1;          /* options still read: no "--" yet */

	cli_out_init(&q.o);
	for (int i = 1; i < argc; i++) {
		/* "--" ends the options, as for any command: scripts write
		 * `tidings search -- "$q"`, and "--" was taken for the query,
		 * the query then refused as an extra word.  After it every
		 * argument is the query, whatever it starts with (`a` is then ""
		 * and matches no option). */
		const char *a = opts ? argv[i] : "";

		if (opts && strcmp(argv[i], "--") == 0) {
			opts = 0;
		} else if (cli_flag(a, "--json")) {
			q.o.json = 1;
		} else if (cli_opt(a, "--limit")) {
			const char *v = cli_value(cli, "search", argc, argv, &i);

			if (!v || cli_number(cli, "search", "--limit", v, &q.limit) < 0)
				return 1;
		} else if (cli_flag(a, "--help") || cli_flag(a, "-h")) {
			printf("usage: %s [-d DB] search [--limit N] [--json] [--] QUERY\n"
			       "Full-text search in titles and summaries, best match first.\n"
			       "QUERY uses SQLite FTS5 syntax: words (all must match), \"a phrase\",\n"
			       "OR, NOT, ( ), prefix*, title:word.  Case and accents are ignored.\n"
			       "A word with punctuation (e-mail, U.S., COVID-19) is searched as a\n"
			       "phrase; to leave a word out use NOT (strike NOT port), not -word.\n"
			       "At most %d terms (the words of phrases count, OR and NOT do not).\n",
			       cli->prog, MAX_TERMS);
			return 0;
		} else if (a[0] == '-' && a[1] == '-' && a[2]) {
			/* No query starts so ("-word" is refused with a hint to
			 * NOT): a mistyped option, which was taken for the query
			 * and the query then for an extra word. */
			fprintf(stderr, "%s: search: unknown option '%s' (see --help)\n",
			        cli->prog, argv[i]);
			return 1;
		} else if (!q.text) {
			q.text = argv[i];
		} else {
			fprintf(stderr, "%s: search: one query, quoted; extra '%s'\n", cli->prog, argv[i]);
			return 1;
		}
	}
	if (q.text && !(sp = spaced(q.text))) {
		fprintf(stderr, "%s: search: out of memory\n", cli->prog);
		return 1;
	}
	/* Blank (a stray space, "$q" of an empty line) is no query either:
	 * FTS5 said "syntax error near """. */
	if (!q.text || !sp[strspn(sp, " \t\n")]) {
		fprintf(stderr, "%s: search: what to search for? usage: %s search QUERY\n",
		        cli->prog, cli->prog);
		free(sp);
		return 1;
	}
	{
		const char *why;
		size_t n;
		int ops;
		char *text = fts_query(sp, &n, &ops, &why), *plain = NULL;
		int rc;

		if (!text) {
			fprintf(stderr, "%s: search: %s\n", cli->prog, why);
			free(sp);
			return 1;
		}
		/* No word at all ("🎉", "*", "€", '""'): the index keeps words of
		 * letters and digits only, and FTS5 found nothing, which said
		 * that no story has the emoji or the symbol.  With an operator
		 * or a group, FTS5 says what is wrong with it ("OR", "()"). */
		if (n == 0 && !ops) {
			fprintf(stderr, "%s: search: nothing to search for: the index holds words"
			        " (letters, digits), not punctuation, symbols or emoji\n", cli->prog);
			free(text);
			free(sp);
			return 1;
		}
		if (n > MAX_TERMS) {
			fprintf(stderr, "%s: search: query too long (%zu terms, at most %d):"
			        " search for its most distinctive words\n", cli->prog, n, MAX_TERMS);
			free(text);
			free(sp);
			return 1;
		}
		text = other_form(text, &plain);
		free(sp);
		if (!text) {
			fprintf(stderr, "%s: search: out of memory\n", cli->prog);
			return 1;
		}
		q.text = text;
		q.plain = plain;
		rc = cli_list(cli, "search", &q.o, list, &q);
		/* FTS5 names only where it stopped: 'syntax error near ""' for
		 * "strike OR" or "(strike", near "OR" for a search for the
		 * word OR (Oregon), with no word of how to write it. */
		if (q.syntax)
			fprintf(stderr, "%s: search: AND, OR and NOT go between two words or"
			        " groups (strike NOT port), and each '(' needs its ')'; in lower"
			        " case (or) they are words\n", cli->prog);
		free(text);
		free(plain);
		return rc;
	}
}
