/* tests/unit/test_store_fts_tok.c — daemon/fts_tok.c gives exactly the
 * tokens of SQLite's built-in unicode61.
 *
 * Two connections: one with the built-in tokenizer, one where
 * fts_tok_register() replaced it.  Every input of diff_inputs.h (real
 * news, feed items, cuts at random bytes, generated strings with mixed
 * scripts, combining marks and invalid UTF-8, every UTF-8 lead byte), all
 * 256 single bytes and all pairs of them go through both under several
 * argument sets, and each token's flags, bytes and offsets must match, as
 * must the return codes when a callback stops early (SQLITE_DONE) or
 * fails.  Then the same texts are indexed through FTS5 tables on both
 * connections, and the tables' stored index (the %_data blocks) must be
 * byte for byte the same.  TIDINGS_DIFF_FULL=1 and TIDINGS_DIFF_FEEDS
 * make the inputs larger (diff_inputs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "daemon/fts_tok.h"
#include "tests/unit/diff_inputs.h"

/* Everything a tokenizer said, as bytes; stops after `stop_after`
 * tokens with `stop_rc` when stop_after >= 0. */
struct log {
	char *s;
	size_t len, cap;
	int n, stop_after, stop_rc;
};

static void log_add(struct log *l, const void *p, size_t n)
{
	if (l->len + n > l->cap) {
		l->cap = (l->len + n) * 2 + 64;
		if (!(l->s = realloc(l->s, l->cap)))
			abort();
	}
	memcpy(l->s + l->len, p, n);
	l->len += n;
}

static int log_cb(void *p, int tflags, const char *tok, int n, int start, int end)
{
	struct log *l = p;
	int head[4] = { tflags, n, start, end };

	log_add(l, head, sizeof head);
	log_add(l, tok, (size_t)n);
	if (l->stop_after >= 0 && ++l->n > l->stop_after)
		return l->stop_rc;
	return SQLITE_OK;
}

struct side {
	fts5_tokenizer x;
	Fts5Tokenizer *t;
};

/* Both tokenizers' output for one text; 1 when it is the same. */
static int same(struct side *a, struct side *b, const char *s, int len, int stop_after,
                int stop_rc)
{
	struct log la = { .stop_after = stop_after, .stop_rc = stop_rc };
	struct log lb = la;
	int ra = a->x.xTokenize(a->t, &la, FTS5_TOKENIZE_DOCUMENT, s, len, log_cb);
	int rb = b->x.xTokenize(b->t, &lb, FTS5_TOKENIZE_DOCUMENT, s, len, log_cb);
	int eq = ra == rb && la.len == lb.len && (la.len == 0 || memcmp(la.s, lb.s, la.len) == 0);

	free(la.s);
	free(lb.s);
	return eq;
}

static int make(sqlite3 *db, const char **argv, int argc, struct side *out)
{
	fts5_api *api = fts_tok_api(db);
	void *ctx = NULL;

	if (!api || api->xFindTokenizer(api, "unicode61", &ctx, &out->x) != SQLITE_OK)
		return -1;
	return out->x.xCreate(ctx, argv, argc, &out->t);
}

/* Rows of a table's %_data shadow table (the index itself), in order. */
static char *index_blocks(sqlite3 *db, const char *table, size_t *len)
{
	char sql[128];
	sqlite3_stmt *s;
	struct log l = { .stop_after = -1 };

	snprintf(sql, sizeof sql, "SELECT id, block FROM %s_data ORDER BY id", table);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	while (sqlite3_step(s) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(s, 0);
		int n = sqlite3_column_bytes(s, 1);

		log_add(&l, &id, sizeof id);
		log_add(&l, &n, sizeof n);
		if (n)
			log_add(&l, sqlite3_column_blob(s, 1), (size_t)n);
	}
	sqlite3_finalize(s);
	*len = l.len;
	return l.s ? l.s : calloc(1, 1);
}

static int index_texts(sqlite3 *db, const struct diff_inputs *in)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(a, b,"
	                 " tokenize='unicode61 remove_diacritics 2');"
	                 "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t(rowid, a, b) VALUES (?1, ?2, ?3)", -1, &s,
	                       NULL) != SQLITE_OK)
		return -1;
	for (size_t i = 0; i < in->n && rc == 0; i++) {
		const struct diff_text *t = &in->v[i];
		size_t half = t->len / 3;

		sqlite3_bind_int64(s, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(s, 2, t->s, (int)half, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, t->s + half, (int)(t->len - half), SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
	return rc;
}

int main(void)
{
	static const char *args_d2[] = { "remove_diacritics", "2" };
	static const char *args_d0[] = { "remove_diacritics", "0" };
	static const char *args_tc[] = { "tokenchars", "-_.", "remove_diacritics", "1" };
	static const char *args_sep[] = { "separators", "xQ\xc3\xa9" };
	static const char *args_cat[] = { "categories", "L* N* Co Mn Pd" };
	static const char *args_ntc[] = { "tokenchars", "\xe2\x80\x99" };
	static const char *args_bad[] = { "remove_diacritics", "3" };
	static const struct { const char **v; int n; const char *name; } sets[] = {
		{ args_d2, 2, "remove_diacritics 2 (the index's)" },
		{ NULL, 0, "no arguments" },
		{ args_d0, 2, "remove_diacritics 0" },
		{ args_tc, 4, "ASCII tokenchars" },
		{ args_sep, 2, "separators" },
		{ args_cat, 2, "categories" },
		{ args_ntc, 2, "a non-ASCII tokenchar" },
	};
	sqlite3 *plain = NULL, *fast = NULL;
	struct diff_inputs in = { 0 };

	if (sqlite3_open(":memory:", &plain) != SQLITE_OK ||
	    sqlite3_open(":memory:", &fast) != SQLITE_OK)
		return 1;
	ok(fts_tok_register(fast) == 0, "fts_tok_register replaces unicode61");
	diff_inputs_load(&in);
	printf("# %zu texts (%zu shared, %zu feed items, %zu cuts, %zu generated)\n", in.n,
	       in.shared, in.feeds, in.cuts, in.generated);

	{
		struct side a, b;
		fts5_api *api = fts_tok_api(fast);
		void *ctx = NULL;
		fts5_tokenizer x;

		a.t = b.t = NULL;
		ok(api && api->xFindTokenizer(api, "unicode61", &ctx, &x) == SQLITE_OK &&
		   make(plain, args_d2, 2, &a) == 0 && x.xTokenize != a.x.xTokenize,
		   "the connection's unicode61 is no longer the built-in one");
		if (a.t)
			a.x.xDelete(a.t);
		a.t = NULL;
		is_int(make(fast, args_bad, 2, &b), make(plain, args_bad, 2, &a),
		       "bad arguments are refused as by the built-in one");
		ok(!a.t && !b.t, "and no tokenizer is made");
	}

	for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
		struct side a = { 0 }, b = { 0 };
		size_t bad = 0, stops = 0;
		char name[160];
		int made = make(plain, sets[k].v, sets[k].n, &a) == SQLITE_OK &&
		           make(fast, sets[k].v, sets[k].n, &b) == SQLITE_OK;

		snprintf(name, sizeof name, "%s: both tokenizers made", sets[k].name);
		if (!ok(made, name))
			continue;
		for (size_t i = 0; i < in.n; i++) {
			const struct diff_text *t = &in.v[i];
			if (!same(&a, &b, t->s, (int)t->len, -1, 0))
				bad++;
			/* Stopped by the caller somewhere inside. */
			if (i % 7 == 0) {
				int after = (int)(diff_rand() % 40);
				stops++;
				if (!same(&a, &b, t->s, (int)t->len, after, SQLITE_DONE) ||
				    !same(&a, &b, t->s, (int)t->len, after, SQLITE_ABORT))
					bad++;
			}
		}
		for (int c = 0; c < 256; c++)
			for (int d = -1; d < 256; d++) {
				char w[4] = { (char)c, (char)d, 'z', 0 };
				if (!same(&a, &b, w, d < 0 ? 1 : 2, -1, 0) || !same(&a, &b, w, 3, -1, 0))
					bad++;
			}
		snprintf(name, sizeof name, "%s: the same tokens for %zu texts, %zu early stops"
		         " and every byte pair", sets[k].name, in.n, stops);
		is_int(bad, 0, name);
		a.x.xDelete(a.t);
		b.x.xDelete(b.t);
	}

	{
		size_t la = 0, lb = 0;
		char *ia = NULL, *ib = NULL;
		int built = index_texts(plain, &in) == 0 && index_texts(fast, &in) == 0;

		ok(built, "the texts indexed through FTS5 on both connections");
		if (built) {
			ia = index_blocks(plain, "t", &la);
			ib = index_blocks(fast, "t", &lb);
		}
		ok(ia && ib && la > 1000 && la == lb && memcmp(ia, ib, la) == 0,
		   "the stored index is byte for byte the same");
		free(ia);
		free(ib);
	}

	diff_inputs_free(&in);
	sqlite3_close(plain);
	sqlite3_close(fast);
	return done_testing();
}
