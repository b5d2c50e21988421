/* tests/unit/test_cluster_sort.c — the sorts of daemon/cluster_vec.c.
 * vec_sort_term(), a story vector by term: against qsort on every size it
 * takes (0-64) and on spreads of term ids that fill its 64 buckets
 * evenly, crowd them into one (a few common terms with small ids and one
 * rare term with a large id), or use the whole 31-bit range; every entry
 * keeps its weight and name flag.  vec_top_sorted(), the heaviest
 * weights of a story in order: against the selection and insertion sort
 * it stands for, on spread, tied, zero (and -0.0) and crowded weights,
 * and it declines (w unchanged) only when they crowd. */
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

/* What vec_weigh() did before vec_top_sorted(): select, then sort. */
static void top_ref(float *w, uint32_t n, uint32_t keep)
{
	vec_kth_largest(w, n, keep - 1);
	for (uint32_t i = 1; i < keep; i++) {
		float x = w[i];
		uint32_t j = i;
		for (; j > 0 && w[j - 1] < x; j--)
			w[j] = w[j - 1];
		w[j] = x;
	}
}

/* n weights by kind: 0 spread (0.01-100), 1 few values (ties), 2 zeros
 * (either sign) among spread ones, 3 a few large and many close
 * together (crowding the first buckets). */
static float weight(int kind, uint32_t i)
{
	uint64_t r = tap_xorshift(&rng);
	switch (kind) {
	case 0: return (float)(r % 1000000) / 10000.0f + 0.01f;
	case 1: return (float)(r % 5) * 0.25f;
	case 2: return r % 3 == 0 ? (r & 8 ? -0.0f : 0.0f) : (float)(r % 1000) / 10.0f;
	default: return i < 2 ? 1000.0f + (float)i : 1.0f + (float)(r % 1000) * 1e-6f;
	}
}

static void test_top_sorted(void)
{
	int bad = 0, took = 0, declined = 0, declined_changed = 0;
	for (int kind = 0; kind < 4; kind++)
		for (uint32_t n = 2; n <= 256; n += 1 + n / 8)
			for (int rep = 0; rep < 10; rep++) {
				float w[256], want[256], orig[256];
				uint32_t keep = 1 + (uint32_t)(tap_xorshift(&rng) % n);
				if (rep < 5 && n > 48)
					keep = 48;
				for (uint32_t i = 0; i < n; i++)
					w[i] = weight(kind, i);
				memcpy(want, w, n * sizeof *w);
				memcpy(orig, w, n * sizeof *w);
				top_ref(want, n, keep);
				if (!vec_top_sorted(w, n, keep)) {
					declined++;
					declined_changed += memcmp(w, orig, n * sizeof *w) != 0;
					continue;
				}
				took++;
				for (uint32_t i = 0; i < keep; i++)
					if (w[i] != want[i]) {
						bad++;
						break;
					}
			}
	is_int(bad, 0, "vec_top_sorted: the keep largest in the same order as select + sort");
	ok(took > 0 && declined > 0, "vec_top_sorted sorts spread weights, declines crowded ones");
	is_int(declined_changed, 0, "declining leaves the weights as they were");
}

int main(void)
{
	test_top_sorted();

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
	struct tw v[3] = { { .term = 5, .w = 1 }, { .term = 3, .w = 2 }, { .term = 1u << 29, .w = 3 } };
	vec_sort_term(v, 3);
	ok(v[0].term == 3 && v[1].term == 5 && v[2].term == 1u << 29 && v[0].w == 2,
	   "two terms in one bucket, one far off");
	return done_testing();
}
