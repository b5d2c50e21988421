/* tests/unit/test_cluster_sort.c — vec_sort_term(), the sort of a story
 * vector by term (daemon/cluster_vec.c): against qsort on every size it
 * takes (0-64) and on spreads of term ids that fill its 64 buckets
 * evenly, crowd them into one (a few common terms with small ids and one
 * rare term with a large id), or use the whole 31-bit range; every entry
 * keeps its weight and name flag. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cluster_int.h"
#include "tap.h"

static uint64_t rng = 88172645463325252ULL;

static int cmp_term(const void *a, const void *b)
{
	uint32_t x = ((const struct tw *)a)->term, y = ((const struct tw *)b)->term;
	return (x > y) - (x < y);
}

/* n distinct terms drawn by kind: 0 dense small ids, 1 anywhere in 31
 * bits, 2 small ids and one large, 3 consecutive ids from a large base. */
static void fill(struct tw *v, uint32_t n, int kind)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t t;
		for (;;) {
			uint64_t r = tap_xorshift(&rng);
			switch (kind) {
			case 0: t = (uint32_t)(r % 200); break;
			case 1: t = (uint32_t)(r & 0x7fffffff); break;
			case 2: t = i == n / 2 ? 0x7fffffffu - (uint32_t)(r % 7) : (uint32_t)(r % 100); break;
			default: t = 1000000u + i * 3u; break;
			}
			uint32_t j = 0;
			while (j < i && v[j].term != t)
				j++;
			if (j == i)
				break;
		}
		v[i].term = t;
		v[i].ent = (unsigned)(tap_xorshift(&rng) & 1);
		v[i].w = (float)(tap_xorshift(&rng) % 1000) / 7.0f;
	}
	if (kind == 3) /* consecutive ids, in a shuffled order */
		for (uint32_t i = n; i > 1; i--) {
			uint32_t j = (uint32_t)(tap_xorshift(&rng) % i);
			struct tw x = v[i - 1];
			v[i - 1] = v[j];
			v[j] = x;
		}
}

int main(void)
{
	int bad = 0, runs = 0;
	for (int kind = 0; kind < 4; kind++)
		for (uint32_t n = 0; n <= 64; n++)
			for (int rep = 0; rep < 20; rep++) {
				struct tw v[64] = { { 0 } }, want[64];
				fill(v, n, kind);
				memcpy(want, v, n * sizeof *v);
				qsort(want, n, sizeof *want, cmp_term);
				vec_sort_term(v, n);
				runs++;
				for (uint32_t i = 0; i < n; i++)
					if (v[i].term != want[i].term || v[i].ent != want[i].ent ||
					    v[i].w != want[i].w) {
						bad++;
						break;
					}
			}
	is_int(bad, 0, "vec_sort_term gives qsort's order, weights and flags kept");
	ok(runs == 4 * 65 * 20, "every size 0-64 and spread ran");

	/* Ids that differ only below the bucket width land in one bucket. */
	struct tw v[3] = { { .term = 5, .w = 1 }, { .term = 3, .w = 2 }, { .term = 1u << 30, .w = 3 } };
	vec_sort_term(v, 3);
	ok(v[0].term == 3 && v[1].term == 5 && v[2].term == 1u << 30 && v[0].w == 2,
	   "two terms in one bucket, one far off");
	return done_testing();
}
