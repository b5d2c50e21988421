/* tests/unit/fv_same.h — two parse trees (feeds/fv.h) compared node by
 * node, for the tests that hold the text read before libxml2
 * (feeds/cdata.c) to libxml2 reading it itself (test_parse_cdata.c,
 * tests/fuzz/fuzz_feed.c).  Static: each program has its own copy. */
#ifndef TIDINGS_TESTS_FV_SAME_H
#define TIDINGS_TESTS_FV_SAME_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "feeds/fv.h"

/* where the first difference was found, for the diagnostics */
static char where[512];

static int same_fv(const struct fv *a, const struct fv *b, const char *path)
{
	if (!a || !b || a->type != b->type) {
		snprintf(where, sizeof where, "%s: type", path);
		return a == b;
	}
	switch (a->type) {
	case FV_STR:
		if (strcmp(a->s ? a->s : "", b->s ? b->s : "")) {
			snprintf(where, sizeof where, "%s: '%.80s' vs '%.80s'", path, a->s, b->s);
			return 0;
		}
		return 1;
	case FV_NUM:
		return a->d == b->d || (snprintf(where, sizeof where, "%s: number", path), 0);
	case FV_DICT:
	case FV_LIST:
		if (a->n != b->n) {
			snprintf(where, sizeof where, "%s: %u items vs %u", path, a->n, b->n);
			return 0;
		}
		for (uint32_t i = 0; i < a->n; i++) {
			char sub[400];

			snprintf(sub, sizeof sub, "%.300s/%s", path,
			         a->items[i].key ? a->items[i].key : "[]");
			if ((a->items[i].key || b->items[i].key) &&
			    (!a->items[i].key || !b->items[i].key || strcmp(a->items[i].key, b->items[i].key))) {
				snprintf(where, sizeof where, "%s: key", sub);
				return 0;
			}
			if (!same_fv(a->items[i].val, b->items[i].val, sub))
				return 0;
		}
		return 1;
	default:
		return a->i == b->i || (snprintf(where, sizeof where, "%s: %lld vs %lld", path,
		                                 (long long)a->i, (long long)b->i), 0);
	}
}

#endif
