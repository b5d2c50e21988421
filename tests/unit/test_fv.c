/* tests/unit/test_fv.c — dicts of the value tree stay right when they grow
 * past the size where they get a hash index (feeds/fv.c), on the heap and
 * in an arena: every key found with its latest value, replaced keys not
 * duplicated, deleted keys gone and the others still found (a delete moves
 * the positions the index holds), copies searchable, insertion order kept.
 * Under ASan (make unit-san) nothing leaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/fv.h"
#include "tests/unit/tap.h"

#define N 5000

static int all_found(const struct fv *d, int n, int deleted_mod, const char *what)
{
	char k[32], want[32];
	int bad = 0;

	for (int i = 0; i < n; i++) {
		const char *got;

		snprintf(k, sizeof k, "key%d", i);
		got = fv_get_str(d, k);
		if (deleted_mod && i % deleted_mod == 0) {
			bad += got != NULL;
			continue;
		}
		snprintf(want, sizeof want, i % 7 == 0 ? "new%d" : "v%d", i);
		bad += !got || strcmp(got, want) != 0;
	}
	if (bad)
		printf("# %s: %d keys wrong\n", what, bad);
	return bad == 0;
}

static void run(const char *where)
{
	char k[32], v[32], name[96];
	struct fv *d = fv_new(FV_DICT);

	for (int i = 0; i < N; i++) {
		snprintf(k, sizeof k, "key%d", i);
		snprintf(v, sizeof v, "v%d", i);
		fv_set_str(d, k, v);
	}
	/* every 7th replaced: same key, new value, no new item */
	for (int i = 0; i < N; i += 7) {
		snprintf(k, sizeof k, "key%d", i);
		snprintf(v, sizeof v, "new%d", i);
		fv_set_str(d, k, v);
	}
	snprintf(name, sizeof name, "%s: %d keys, one item each", where, N);
	is_int(d->n, N, name);
	snprintf(name, sizeof name, "%s: every key has its latest value", where);
	ok(all_found(d, N, 0, name), name);
	snprintf(name, sizeof name, "%s: a key never set is not found", where);
	ok(fv_get(d, "key-1") == NULL && fv_get(d, "key5000") == NULL, name);
	snprintf(name, sizeof name, "%s: insertion order kept", where);
	ok(!strcmp(d->items[0].key, "key0") && !strcmp(d->items[N - 1].key, "key4999"), name);

	struct fv *c = fv_copy(d);

	snprintf(name, sizeof name, "%s: a copy finds every key", where);
	ok(c && all_found(c, N, 0, name), name);
	fv_free(c);

	/* every 3rd deleted: the items after each one move down */
	for (int i = 0; i < N; i += 3) {
		snprintf(k, sizeof k, "key%d", i);
		fv_del(d, k);
	}
	snprintf(name, sizeof name, "%s: after deletes the rest are found, the deleted not", where);
	ok(all_found(d, N, 3, name), name);
	/* and the dict keeps growing after them */
	fv_set_str(d, "late", "x");
	snprintf(name, sizeof name, "%s: a key added after the deletes", where);
	ok(fv_get_str(d, "late") && !strcmp(fv_get_str(d, "late"), "x") && all_found(d, N, 3, name),
	   name);
	fv_free(d);
}

int main(void)
{
	run("heap");

	/* as the parser builds its trees: everything in one arena, freed
	 * with the root that owns it */
	struct fv *root = fv_new(FV_DICT);

	root->owns = fv_arena_new();
	fv_arena_use(root->owns);
	struct fv *d = fv_dict(root, "big");
	char k[32];

	for (int i = 0; i < N; i++) {
		snprintf(k, sizeof k, "key%d", i);
		fv_set_str(d, k, i % 7 == 0 ? "x" : "y");
	}
	fv_arena_use(NULL);
	int bad = 0;

	for (int i = 0; i < N; i++) {
		snprintf(k, sizeof k, "key%d", i);
		bad += !fv_get_str(d, k) || strcmp(fv_get_str(d, k), i % 7 == 0 ? "x" : "y") != 0;
	}
	is_int(bad, 0, "arena: every key of a 5,000-key dict found");
	fv_free(root);
	return done_testing();
}
