/* tests/fuzz/fuzz_text.c — libFuzzer target for the text functions every
 * entry goes through after the parser: the tokenizer (daemon/text.h), the
 * near-duplicate fingerprints (daemon/simhash.h) and the canonical URL
 * (daemon/canon.h).  The first byte picks the language; the rest is the
 * text, and, up to its first NUL, also a title and a URL.
 *
 * Must hold:
 *  - every token is a non-empty NUL-terminated term inside the output
 *    buffer, its hash the FNV-1a of the term, its source span inside the
 *    input; text_tokenize_kept gives the very terms text_tokenize does;
 *  - simhash_text gives the same fingerprints with and without AVX2
 *    (simhash.h: "the output is the same either way"), all 0 for a text
 *    without words, content words no more than words;
 *  - a canonical URL is its own canonical form (canon.c: after the second
 *    pass "the form is a fixed point"), canon_url_host gives what
 *    canon_url and canon_host give, and a host is lower case. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/canon.h"
#include "daemon/simhash.h"
#include "daemon/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_text: %s\n  '%s'\n  '%s'\n", what, a ? a : "(null)", b ? b : "(null)");
	abort();
}

static void check_tokens(const struct text_tokens *t, size_t len)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct text_token *k = &t->v[i];
		uint32_t h = 2166136261u;

		if (k->len == 0 || (size_t)k->off + k->len >= t->buf_len + 1 ||
		    t->buf[k->off + k->len] != '\0' || strlen(t->buf + k->off) != k->len)
			fail("a token outside its buffer or not NUL-terminated", NULL, NULL);
		if ((size_t)k->src_off + k->src_len > len)
			fail("a token's source span past the input", t->buf + k->off, NULL);
		for (uint32_t j = 0; j < k->len; j++)
			h = (h ^ (unsigned char)t->buf[k->off + j]) * 16777619u;
		if (h != k->hash)
			fail("a token's hash is not the FNV-1a of its term", t->buf + k->off, NULL);
	}
}

static void check_same_tokens(const struct text_tokens *a, const struct text_tokens *b)
{
	if (a->n != b->n)
		fail("text_tokenize_kept and text_tokenize differ in count", NULL, NULL);
	for (size_t i = 0; i < a->n; i++) {
		const struct text_token *x = &a->v[i], *y = &b->v[i];

		if (x->len != y->len || x->flags != y->flags || x->hash != y->hash ||
		    x->src_off != y->src_off || x->src_len != y->src_len ||
		    memcmp(a->buf + x->off, b->buf + y->off, x->len) != 0)
			fail("text_tokenize_kept and text_tokenize differ", a->buf + x->off,
			     b->buf + y->off);
	}
}

static void check_simhash(const char *s, size_t len)
{
	struct simhash_info a, b;

	simhash_set_avx2(1);
	if (simhash_text(s, len, &a) < 0)
		fail("simhash_text refused a text", NULL, NULL);
	simhash_set_avx2(0);
	if (simhash_text(s, len, &b) < 0)
		fail("simhash_text refused a text", NULL, NULL);
	simhash_set_avx2(1);
	if (memcmp(&a.fp, &b.fp, sizeof a.fp) != 0 || a.words != b.words ||
	    a.content_words != b.content_words || a.distinctive != b.distinctive)
		fail("simhash_text differs with and without AVX2", NULL, NULL);
	if (a.content_words > a.words)
		fail("more content words than words", NULL, NULL);
	if (a.words == 0 && (a.fp.bag || a.fp.seq || a.fp.head || a.fp.tail))
		fail("a fingerprint for a text without words", NULL, NULL);
}

static void check_canon(const char *url)
{
	char *c = NULL, *c2 = NULL, *h = NULL, *ch = NULL, *hh = NULL;

	if (canon_url(url, &c) < 0) {
		if (c)
			fail("canon_url failed but gave a string", url, c);
		if (canon_url_host(url, &ch, &hh) == 0)
			fail("canon_url_host takes what canon_url refuses", url, ch);
		return;
	}
	if (canon_url(c, &c2) < 0)
		fail("a canonical URL is refused by canon_url", url, c);
	if (strcmp(c, c2) != 0)
		fail("canon(canon(u)) != canon(u)", c, c2);
	if (canon_host(url, &h) < 0)
		fail("canon_host refuses what canon_url takes", url, c);
	for (const char *p = h; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			fail("a host not in lower case", url, h);
	if (canon_url_host(url, &ch, &hh) < 0 || strcmp(ch, c) != 0 || strcmp(hh, h) != 0)
		fail("canon_url_host differs from canon_url + canon_host", c, ch);
	free(c);
	free(c2);
	free(h);
	free(ch);
	free(hh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = {
		NULL, "en", "en-GB", "de", "fr", "es", "it", "pt", "nl", "sv", "ru",
		"tr", "fi", "ar", "el", "ja", "zh-Hant", "ko", "x-klingon", "", "DE_at",
	};
	static struct text *t;
	struct text_tokens a = { 0 }, b = { 0 };
	const char *s, *lang;
	char *head;
	size_t len, hlen;

	if (size < 1)
		return 0;
	if (!t && !(t = text_new()))
		abort();
	lang = langs[data[0] % (sizeof langs / sizeof langs[0])];
	s = (const char *)data + 1;
	len = size - 1;

	if (text_tokenize(t, s, len, lang, &a) < 0)
		abort();
	check_tokens(&a, len);
	if (text_tokenize_kept(t, s, len, lang, &b) < 0)
		abort();
	check_tokens(&b, len);
	check_same_tokens(&a, &b);
	text_tokens_free(&a);
	text_tokens_free(&b);

	check_simhash(s, len);

	/* The bytes up to the first NUL: a title and a URL. */
	hlen = strnlen(s, len);
	if (!(head = malloc(hlen + 1)))
		abort();
	memcpy(head, s, hlen);
	head[hlen] = '\0';
	{
		struct simhash_fp fp;
		char *text = malloc(len - hlen + 1);

		if (!text)
			abort();
		memcpy(text, s + hlen, len - hlen);
		text[len - hlen] = '\0';
		if (simhash_story(head, hlen < len ? text + 1 : NULL, lang, &fp) < 0)
			fail("simhash_story refused a story", head, NULL);
		free(text);
	}
	check_canon(head);
	free(head);
	return 0;
}
