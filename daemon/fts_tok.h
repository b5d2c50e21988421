/* daemon/fts_tok.h — FTS5's unicode61 tokenizer with a faster path for
 * ASCII words, giving exactly the tokens of the built-in one.
 *
 * The search index (stories_fts, docs/schema.md) is declared with
 * tokenize='unicode61 ...', and every program that reads it tokenizes
 * queries with SQLite's own unicode61: the index must hold exactly what
 * that tokenizer makes.  fts_tok_register() replaces "unicode61" on one
 * connection with a wrapper that makes the same tokens (bytes, flags,
 * offsets, in the same order) and hands every word holding a byte above
 * 0x7f to the built-in tokenizer itself. */
#ifndef TIDINGS_FTS_TOK_H
#define TIDINGS_FTS_TOK_H

#include <sqlite3.h>

/* Overrides "unicode61" on `db`.  Call it before any statement uses an
 * FTS5 table: a table keeps the tokenizer it was opened with.  Returns 0,
 * or -1 when FTS5 or its built-in unicode61 is missing (nothing changes;
 * the built-in tokenizer stays in use). */
int fts_tok_register(sqlite3 *db);

/* FTS5's API object of `db` (SELECT fts5(?1)), or NULL without FTS5. */
fts5_api *fts_tok_api(sqlite3 *db);

#endif
