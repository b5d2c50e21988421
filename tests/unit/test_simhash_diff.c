/* tests/unit/test_simhash_diff.c — the daemon's SimHash text pass against
 * the reference copy of the original (tests/unit/ref/simhash_v1.c) on
 * real and generated text: every simhash_info field, the preamble skip
 * and simhash_story must agree bit for bit, since fingerprints are stored
 * and compared with new ones.  diff_inputs.h says what is fed and how to
 * run the full-size check (TIDINGS_DIFF_FULL=1). */
#include "daemon/simhash.h"
#include "tests/unit/diff_inputs.h"
#include "tests/unit/ref/simhash_v1.c"

static void show(const struct diff_text *t)
{
	printf("#   input (%zu bytes, lang %s):", t->len, t->lang ? t->lang : "NULL");
	for (size_t i = 0; i < t->len && i < 400; i++)
		printf(i % 32 ? " %02x" : "\n#     %02x", (unsigned char)t->s[i]);
	printf("\n");
}

static int same_info(const struct simhash_info *a, const struct simhash_info *b)
{
	return a->fp.bag == b->fp.bag && a->fp.seq == b->fp.seq && a->fp.head == b->fp.head &&
	       a->fp.tail == b->fp.tail && a->words == b->words &&
	       a->content_words == b->content_words && a->distinctive == b->distinctive;
}

int main(void)
{
	struct diff_inputs in = { 0 };
	size_t bad_text = 0, bad_pre = 0, bad_story = 0, words = 0, heads = 0, tails = 0;

	diff_inputs_load(&in);
	/* Both vote codes: AVX2 (where the CPU has it), then SSE2/portable. */
	simhash_set_avx2(1);
	int have_avx2 = simhash_set_avx2(1);
	for (int pass = 0; pass < 1 + have_avx2; pass++) {
		simhash_set_avx2(pass == 0 && have_avx2);
		for (size_t i = 0; i < in.n; i++) {
			const struct diff_text *t = &in.v[i];
			struct simhash_info a, b;
			memset(&a, 0x55, sizeof a);
			memset(&b, 0xaa, sizeof b);
			if (simhash_text(t->s, t->len, &a) != ref_simhash_text(t->s, t->len, &b) ||
			    !same_info(&a, &b)) {
				if (!bad_text++) {
					printf("# simhash_text differs: bag %016llx/%016llx seq %016llx/%016llx "
					       "head %016llx/%016llx tail %016llx/%016llx words %zu/%zu content %zu/%zu\n",
					       (unsigned long long)a.fp.bag, (unsigned long long)b.fp.bag,
					       (unsigned long long)a.fp.seq, (unsigned long long)b.fp.seq,
					       (unsigned long long)a.fp.head, (unsigned long long)b.fp.head,
					       (unsigned long long)a.fp.tail, (unsigned long long)b.fp.tail,
					       a.words, b.words, a.content_words, b.content_words);
					show(t);
				}
			}
			if (pass == 0) {
				words += b.words;
				heads += b.fp.head != 0;
				tails += b.fp.tail != 0;
			}
			if (simhash_skip_preamble(t->s, t->len) != ref_simhash_skip_preamble(t->s, t->len) &&
			    !bad_pre++)
				show(t);
			/* simhash_story on NUL-terminated strings: this text as the
			 * body, the previous one as the title. */
			const char *title = i ? in.v[i - 1].s : NULL;
			struct simhash_fp fa = { 1, 2, 3, 4 }, fb = { 1, 2, 3, 4 };
			if ((simhash_story(title, t->s, NULL, &fa) != ref_simhash_story(title, t->s, &fb) ||
			     memcmp(&fa, &fb, sizeof fa) != 0) && !bad_story++)
				show(t);
		}
	}
	printf("# votes cast with %s\n", have_avx2 ? "AVX2, then SSE2" : "SSE2 or portable code only");
	printf("# %zu texts: %zu shared%s, %zu feed items, %zu cuts, %zu generated; "
	       "%zu words, %zu heads, %zu tails\n", in.n, in.shared,
	       in.have_shared ? "" : " (no ../shared/data: skipped)", in.feeds, in.cuts,
	       in.generated, words, heads, tails);
	ok(in.n > 1000, "inputs gathered");
	ok(heads > 0 && tails > 0, "some texts are long enough for head and tail");
	is_int(bad_text, 0, "simhash_text: every field identical to the reference");
	is_int(bad_pre, 0, "simhash_skip_preamble: identical");
	is_int(bad_story, 0, "simhash_story: identical");
	diff_inputs_free(&in);
	return done_testing();
}
