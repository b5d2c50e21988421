/* tests/unit/test_text_diff.c — the daemon's tokenizer against the
 * reference copy of the original (tests/unit/ref/text_v1.c) on real and
 * generated text in many languages: every token (term bytes, flags, hash,
 * source span, order) must be identical, or the clusterer's threads
 * change.  diff_inputs.h says what is fed and how to run the full-size
 * check (TIDINGS_DIFF_FULL=1). */
#include "daemon/text.h"
#include "tests/unit/diff_inputs.h"
#include "tests/unit/ref/text_v1.c"

static void show(const struct diff_text *t)
{
	printf("#   input (%zu bytes, lang %s):", t->len, t->lang ? t->lang : "NULL");
	for (size_t i = 0; i < t->len && i < 400; i++)
		printf(i % 32 ? " %02x" : "\n#     %02x", (unsigned char)t->s[i]);
	printf("\n");
}

/* Index of the first token that differs, or SIZE_MAX when a and b are the
 * same tokens over the same bytes. */
static size_t first_diff(const struct text_tokens *a, const struct text_tokens *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	for (size_t i = 0; i < n; i++) {
		const struct text_token *x = &a->v[i], *y = &b->v[i];
		if (x->off != y->off || x->len != y->len || x->flags != y->flags ||
		    x->src_off != y->src_off || x->src_len != y->src_len || x->hash != y->hash ||
		    memcmp(a->buf + x->off, b->buf + y->off, x->len + 1) != 0)
			return i;
	}
	if (a->n != b->n || a->buf_len != b->buf_len ||
	    (a->buf_len && memcmp(a->buf, b->buf, a->buf_len) != 0))
		return n;
	return SIZE_MAX;
}

int main(void)
{
	struct diff_inputs in = { 0 };
	struct text *t = text_new();
	struct ref_text *r = ref_text_new();
	struct text_tokens ka = { 0 }, kb = { 0 }, aa = { 0 }, ab = { 0 };
	size_t bad_kept = 0, bad_append = 0, tokens = 0, fails = 0;

	ok(t && r, "tokenizers made");
	if (!t || !r)
		return done_testing();
	diff_inputs_load(&in);
	for (size_t i = 0; i < in.n; i++) {
		const struct diff_text *x = &in.v[i];
		int ra = text_tokenize_kept(t, x->s, x->len, x->lang, &ka);
		int rb = ref_text_tokenize_kept(r, x->s, x->len, x->lang, &kb);
		size_t d;
		fails += ra != 0;
		if ((ra != rb || (d = first_diff(&ka, &kb)) != SIZE_MAX) && !bad_kept++) {
			printf("# text_tokenize_kept differs (rc %d/%d, %zu/%zu tokens) at token %zu\n",
			       ra, rb, ka.n, kb.n, ra == rb ? d : 0);
			if (ra == rb && d < ka.n && d < kb.n)
				printf("#   '%s' flags %u hash %08x src %u+%u / '%s' flags %u hash %08x src %u+%u\n",
				       ka.buf + ka.v[d].off, ka.v[d].flags, ka.v[d].hash, ka.v[d].src_off,
				       ka.v[d].src_len, kb.buf + kb.v[d].off, kb.v[d].flags, kb.v[d].hash,
				       kb.v[d].src_off, kb.v[d].src_len);
			show(x);
		}
		tokens += kb.n;
		/* text_tokenize appends: runs of texts into one output, as the
		 * clusterer's scratch use does, reset every 50. */
		if (i % 50 == 0) {
			text_tokens_reset(&aa);
			text_tokens_reset(&ab);
		}
		ra = text_tokenize(t, x->s, x->len, x->lang, &aa);
		rb = ref_text_tokenize(r, x->s, x->len, x->lang, &ab);
		if ((ra != rb || first_diff(&aa, &ab) != SIZE_MAX) && !bad_append++) {
			printf("# text_tokenize (appending) differs\n");
			show(x);
		}
	}
	printf("# %zu texts: %zu shared%s, %zu feed items, %zu cuts, %zu generated; %zu tokens\n",
	       in.n, in.shared, in.have_shared ? "" : " (no ../shared/data: skipped)", in.feeds,
	       in.cuts, in.generated, tokens);
	ok(in.n > 1000 && tokens > 10000, "inputs gathered, tokens made");
	is_int(fails, 0, "no tokenizer failures");
	is_int(bad_kept, 0, "text_tokenize_kept: every token identical to the reference");
	is_int(bad_append, 0, "text_tokenize appending: identical");
	text_tokens_free(&ka);
	text_tokens_free(&kb);
	text_tokens_free(&aa);
	text_tokens_free(&ab);
	text_free(t);
	ref_text_free(r);
	diff_inputs_free(&in);
	return done_testing();
}
