/* tests/unit/test_cluster_imap.c — the int64 -> pointer map behind the
 * clusterer's story, thread and merge maps: get/put/del against a plain
 * array as the model, through growth and through deletes in the middle of
 * probe runs (backward shift must keep every other key reachable). */
#include <stdint.h>
#include <stdlib.h>

#include "daemon/cluster_imap.h"
#include "tap.h"

#define NKEYS 5000

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	return tap_xorshift(&rng);
}

int main(void)
{
	struct imap m;
	static int64_t keys[NKEYS];
	static uintptr_t model[NKEYS]; /* value + 1 of keys[i], 0: absent */

	ok(imap_init(&m) == 0, "init");
	is_int(m.n, 0, "empty");
	ok(imap_get(&m, 1) == NULL, "absent key: NULL");
	imap_del(&m, 1); /* absent: nothing happens */
	is_int(m.n, 0, "deleting an absent key changes nothing");

	ok(imap_put(&m, 7, (void *)70) == 0 && imap_get(&m, 7) == (void *)70, "put, get");
	ok(imap_put(&m, 7, (void *)71) == 0 && imap_get(&m, 7) == (void *)71 && m.n == 1,
	   "put on a present key replaces its value");
	ok(imap_put(&m, -7, (void *)72) == 0 && imap_get(&m, -7) == (void *)72 &&
	   imap_get(&m, 7) == (void *)71, "negative keys are keys");
	imap_del(&m, 7);
	ok(imap_get(&m, 7) == NULL && imap_get(&m, -7) == (void *)72 && m.n == 1, "del");
	imap_del(&m, -7);

	/* Distinct nonzero keys; many of them, so the map grows from 64 slots
	 * and its runs get long. */
	for (int i = 0; i < NKEYS; i++) {
		int64_t k;
		int dup;
		do {
			k = (int64_t)(next() >> 1) * ((next() & 1) ? 1 : -1);
			if (i % 3 == 0)
				k = i + 1; /* and a dense range, as story ids are */
			dup = !k;
			for (int j = 0; j < i && !dup; j++)
				dup = keys[j] == k;
		} while (dup);
		keys[i] = k;
	}
	int bad = 0;
	size_t live = 0;
	for (int round = 0; round < 200000; round++) {
		int i = (int)(next() % NKEYS);
		switch (next() % 3) {
		case 0:
		case 1:
			if (imap_put(&m, keys[i], (void *)(uintptr_t)(round + 1)) < 0)
				bad++;
			live += !model[i];
			model[i] = (uintptr_t)round + 2;
			break;
		default:
			imap_del(&m, keys[i]);
			live -= !!model[i];
			model[i] = 0;
			break;
		}
		if (round % 20000 == 0 || round == 199999)
			for (int j = 0; j < NKEYS; j++) {
				void *want = model[j] ? (void *)(model[j] - 1) : NULL;
				bad += imap_get(&m, keys[j]) != want;
			}
	}
	is_int(bad, 0, "200,000 random puts and dels: every key reads as the model says");
	is_int(m.n, live, "the count follows");
	ok(m.n * 2 <= m.mask + 1, "at most half full");

	for (int j = 0; j < NKEYS; j++)
		imap_del(&m, keys[j]);
	is_int(m.n, 0, "all deleted");
	bad = 0;
	for (size_t s = 0; s <= m.mask; s++)
		bad += m.k[s] != 0 || m.v[s] != NULL;
	is_int(bad, 0, "every slot free again");
	imap_free(&m);
	return done_testing();
}
