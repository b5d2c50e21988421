/* tests/unit/test_decode.c — content codings: every coding we advertise
 * comes back byte for byte, alone and chained; a body that expands past the
 * bound stops at it (one byte under is fine); corrupt, truncated and
 * unknown codings are refused with a reason; gzip members follow one
 * another; zstd frames asking for more than an 8 MiB window are refused.
 * The bodies are compressed here with zlib, libbrotlienc and libzstd. */
#include "tap.h"

#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

#include "daemon/decode.h"

/* A feed-like text of n bytes that compresses the way feeds do. */
static char *feed_text(size_t n)
{
	char *s = malloc(n + 1);
	size_t i = 0;
	unsigned k = 0;

	while (i < n) {
		char item[160];
		int m = snprintf(item, sizeof item,
		                 "<item><title>Story %u about harbour %u</title><guid>g%u</guid></item>\n",
		                 k, k * 7919u % 1000u, k);
		for (int j = 0; j < m && i < n; j++)
			s[i++] = item[j];
		k++;
	}
	s[n] = '\0';
	return s;
}

/* windowBits: 16 + 15 gzip, 15 zlib, -15 raw deflate. */
static char *zlib_pack(const char *in, size_t len, int wbits, size_t *out_len)
{
	z_stream z = { 0 };
	size_t cap = len + len / 100 + 64;
	char *out = malloc(cap);

	deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static char *br_pack(const char *in, size_t len, size_t *out_len)
{
	size_t cap = BrotliEncoderMaxCompressedSize(len);
	char *out = malloc(cap);

	*out_len = cap;
	BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, len,
	                      (const uint8_t *)in, out_len, (uint8_t *)out);
	return out;
}

static char *zstd_pack(const char *in, size_t len, int window_log, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(len);
	char *out = malloc(cap);
	ZSTD_CCtx *cc = ZSTD_createCCtx();

	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 1);
	if (window_log) {
		ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, window_log);
		ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 0);
	}
	*out_len = ZSTD_compress2(cc, out, cap, in, len);
	ZSTD_freeCCtx(cc);
	return out;
}

/* Decodes and checks that the result is `want` exactly. */
static void round_trip(const char *coding, const char *packed, size_t plen,
                       const char *want, size_t wlen, const char *name)
{
	char *out = (char *)1, err[200];
	size_t olen = 0;
	int rc = content_decode(coding, packed, plen, 8u << 20, &out, &olen, err, sizeof err);

	if (!ok(rc == DECODE_OK && out && olen == wlen && memcmp(out, want, wlen) == 0 &&
	        out[olen] == '\0', name))
		printf("#   rc %d, %zu bytes (want %zu), err '%s'\n", rc, olen, wlen, err);
	free(out);
}

static int decode_rc(const char *coding, const char *in, size_t len, size_t max,
                     char *err, size_t errlen)
{
	char *out = NULL;
	size_t olen;
	int rc = content_decode(coding, in, len, max, &out, &olen, err, errlen);

	if (rc != DECODE_OK && out)
		rc = 99;  /* a failure must not hand anything out */
	free(out);
	return rc;
}

static void test_identity(void)
{
	char *out = (char *)1, err[64];
	size_t olen = 7;

	is_int(content_decode(NULL, "abc", 3, 10, &out, &olen, err, sizeof err), DECODE_OK,
	       "no Content-Encoding: nothing to do");
	ok(out == NULL && olen == 0, "no Content-Encoding: the body is used as it is");
	is_int(content_decode(" identity ", "abc", 3, 10, &out, &olen, err, sizeof err),
	       DECODE_OK, "identity: nothing to do");
	ok(out == NULL, "identity: no copy");
	is_int(content_decode("", "abc", 3, 10, &out, &olen, err, sizeof err), DECODE_OK,
	       "empty value: nothing to do");
}

static void test_codings(void)
{
	size_t n = 200000, plen, p2len;
	char *text = feed_text(n), *p, *p2;

	p = zlib_pack(text, n, 16 + 15, &plen);
	ok(plen < n / 4, "the gzip fixture really is compressed");
	round_trip("gzip", p, plen, text, n, "gzip");
	round_trip("X-GZIP", p, plen, text, n, "x-gzip, any case");
	round_trip("identity, gzip", p, plen, text, n, "identity in a list is skipped");
	free(p);

	p = zlib_pack(text, n, 15, &plen);
	round_trip("deflate", p, plen, text, n, "deflate, zlib-wrapped (RFC 9110)");
	free(p);
	p = zlib_pack(text, n, -15, &plen);
	round_trip("deflate", p, plen, text, n, "deflate, raw (as some servers send it)");
	free(p);

	p = br_pack(text, n, &plen);
	round_trip("br", p, plen, text, n, "br");
	free(p);
	p = zstd_pack(text, n, 0, &plen);
	round_trip("zstd", p, plen, text, n, "zstd");
	free(p);

	/* Content-Encoding: deflate, br  means deflate first, then br. */
	p = zlib_pack(text, n, 15, &plen);
	p2 = br_pack(p, plen, &p2len);
	round_trip("deflate,br", p2, p2len, text, n, "a chain is undone last coding first");
	free(p2);
	free(p);

	/* Two gzip members, one after the other (RFC 1952), then junk. */
	{
		size_t l1, l2;
		char *a = zlib_pack(text, n / 2, 16 + 15, &l1);
		char *b = zlib_pack(text + n / 2, n - n / 2, 16 + 15, &l2);
		char *both = malloc(l1 + l2 + 4);

		memcpy(both, a, l1);
		memcpy(both + l1, b, l2);
		round_trip("gzip", both, l1 + l2, text, n, "gzip members are decoded in turn");
		memcpy(both + l1 + l2, "\0\0\0\0", 4);
		round_trip("gzip", both, l1 + l2 + 4, text, n,
		           "bytes after the last gzip member are ignored (as curl does)");
		free(both);
		free(b);
		free(a);
	}
	free(text);
}

static void test_bounds(void)
{
	size_t n = 16u << 20, plen;
	char *spaces = malloc(n), err[200], *p;

	memset(spaces, ' ', n);
	/* The fault test's gzip bomb: 16 KiB that expands to 16 MiB. */
	p = zlib_pack(spaces, n, 16 + 15, &plen);
	ok(plen < 64 * 1024, "the gzip bomb is small");
	is_int(decode_rc("gzip", p, plen, 1u << 20, err, sizeof err), DECODE_TOO_BIG,
	       "gzip bomb: stops at max_size");
	free(p);
	p = br_pack(spaces, n, &plen);
	is_int(decode_rc("br", p, plen, 1u << 20, err, sizeof err), DECODE_TOO_BIG,
	       "br bomb: stops at max_size");
	free(p);
	p = zstd_pack(spaces, n, 0, &plen);
	is_int(decode_rc("zstd", p, plen, 1u << 20, err, sizeof err), DECODE_TOO_BIG,
	       "zstd bomb: stops at max_size");
	free(p);

	/* Exactly max_size is allowed; one more byte is not. */
	p = zlib_pack(spaces, 1000, 16 + 15, &plen);
	is_int(decode_rc("gzip", p, plen, 1000, err, sizeof err), DECODE_OK,
	       "a body of exactly max_size decodes");
	is_int(decode_rc("gzip", p, plen, 999, err, sizeof err), DECODE_TOO_BIG,
	       "a body one byte over max_size does not");
	free(p);

	/* A frame that needs a 128 MiB window (over 8 MiB of content, so the
	 * encoder cannot shrink it): refused, not allocated. */
	p = zstd_pack(spaces, n, 27, &plen);
	err[0] = '\0';
	is_int(decode_rc("zstd", p, plen, 64u << 20, err, sizeof err), DECODE_BAD,
	       "zstd: a window over 8 MiB is refused");
	ok(strncmp(err, "zstd: ", 6) == 0, "zstd: the reason names the coding");
	free(p);
	free(spaces);
}

static void test_bad(void)
{
	size_t n = 50000, plen;
	char *text = feed_text(n), *p, err[200];

	p = zlib_pack(text, n, 16 + 15, &plen);
	is_int(decode_rc("gzip", p, plen / 2, 1u << 20, err, sizeof err), DECODE_BAD,
	       "truncated gzip is refused");
	is_str(err, "gzip: unexpected end of data", "truncated gzip: the reason");
	is_int(decode_rc("gzip", p, plen - 4, 1u << 20, err, sizeof err), DECODE_BAD,
	       "gzip without its length trailer is refused");
	free(p);

	is_int(decode_rc("gzip", "not gzip at all, just text", 26, 1u << 20, err, sizeof err),
	       DECODE_BAD, "not gzip: refused");
	ok(strncmp(err, "gzip: ", 6) == 0 && strlen(err) > 6, "not gzip: zlib's reason");
	is_int(decode_rc("deflate", "\xff\xff\xff\xff\xff\xff", 6, 1u << 20, err, sizeof err),
	       DECODE_BAD, "corrupt deflate: refused (zlib and raw both fail)");

	p = br_pack(text, n, &plen);
	is_int(decode_rc("br", p, plen - 3, 1u << 20, err, sizeof err), DECODE_BAD,
	       "truncated br is refused");
	free(p);
	is_int(decode_rc("br", "\xff\xff\xff\xff", 4, 1u << 20, err, sizeof err), DECODE_BAD,
	       "corrupt br is refused");
	ok(strncmp(err, "br: ", 4) == 0, "corrupt br: the reason names the coding");
	p = zstd_pack(text, n, 0, &plen);
	is_int(decode_rc("zstd", p, plen - 3, 1u << 20, err, sizeof err), DECODE_BAD,
	       "truncated zstd is refused");
	free(p);
	is_int(decode_rc("zstd", "\x28\xb5\x2f\xfd\xff\xff", 6, 1u << 20, err, sizeof err),
	       DECODE_BAD, "corrupt zstd is refused");

	is_int(decode_rc("compress", "x", 1, 100, err, sizeof err), DECODE_BAD,
	       "unknown coding: refused");
	is_str(err, "unsupported coding \"compress\"", "unknown coding: named");
	is_int(decode_rc("gzip, gzip, gzip, gzip, gzip, gzip", "x", 1, 100, err, sizeof err),
	       DECODE_BAD, "more than five codings: refused");
	free(text);
}

/* One decode's whole result, to compare the two gzip paths. */
struct result {
	int rc;
	char *out;
	size_t olen;
	char err[200];
};

static struct result decode_with(int whole, const char *coding, const char *in, size_t len,
                                 size_t max)
{
	struct result r;

	content_decode_set_whole(whole);
	r.rc = content_decode(coding, in, len, max, &r.out, &r.olen, r.err, sizeof r.err);
	content_decode_set_whole(1);
	return r;
}

/* Whether libdeflate's path and zlib's give the same; prints the first
 * difference. */
static int same_both_ways(const char *coding, const char *in, size_t len, size_t max)
{
	struct result a = decode_with(1, coding, in, len, max);
	struct result b = decode_with(0, coding, in, len, max);
	int same = a.rc == b.rc && a.olen == b.olen && !strcmp(a.err, b.err) &&
	           !a.out == !b.out && (!a.out || !memcmp(a.out, b.out, a.olen + 1));

	if (!same)
		printf("#   whole: rc %d, %zu bytes, '%s'; zlib: rc %d, %zu bytes, '%s'\n",
		       a.rc, a.olen, a.err, b.rc, b.olen, b.err);
	free(a.out);
	free(b.out);
	return same;
}

static void put_le32(char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (char)(v >> (8 * i));
}

/* The same result from both paths on what a server might send: each
 * case is decoded with libdeflate on and off and compared whole. */
static void test_whole_same(void)
{
	size_t n = 120000, plen, bad = 0, cases = 0;
	char *text = feed_text(n), *p = zlib_pack(text, n, 16 + 15, &plen);
	char *q = malloc(plen + 64);
	uint32_t seed = 12345;

#define CASE(coding, buf, len, max) do { \
		cases++; \
		if (!same_both_ways((coding), (buf), (len), (max))) { \
			bad++; \
			printf("#   case %zu, line %d\n", cases, __LINE__); \
		} \
	} while (0)

	CASE("gzip", p, plen, 1u << 20);
	CASE("gzip", p, plen, n);           /* exactly max */
	CASE("gzip", p, plen, n - 1);       /* one byte over */
	CASE("gzip", p, plen, 0);
	CASE("gzip, gzip", p, plen, 1u << 20);
	for (size_t cut = 0; cut < plen; cut += cut < 64 ? 1 : plen / 97)
		CASE("gzip", p, cut, 1u << 20);
	for (size_t cut = plen - 12; cut < plen; cut++)
		CASE("gzip", p, cut, 1u << 20);
	/* ISIZE lying: smaller, larger, zero, past max, past 2^31. */
	{
		uint32_t lies[] = { 0, 1, (uint32_t)n - 1, (uint32_t)n + 1, (uint32_t)n * 2,
		                    1u << 20, (1u << 20) + 1, 0x80000000u, 0xffffffffu };
		for (size_t k = 0; k < sizeof lies / sizeof lies[0]; k++) {
			memcpy(q, p, plen);
			put_le32(q + plen - 4, lies[k]);
			CASE("gzip", q, plen, 1u << 20);
		}
	}
	/* The CRC-32 wrong. */
	memcpy(q, p, plen);
	q[plen - 6] ^= 1;
	CASE("gzip", q, plen, 1u << 20);
	/* After the member: junk, a lone 0x1f, a magic alone, a second member. */
	{
		static const char *const tails[] = { "\0\0\0\0", "\x1f", "\x1f\x8b", "\x1f\x8bjunk",
		                                     "x", "\x8b\x1f" };
		static const size_t tlen[] = { 4, 1, 2, 6, 1, 2 };
		for (size_t k = 0; k < sizeof tails / sizeof tails[0]; k++) {
			memcpy(q, p, plen);
			memcpy(q + plen, tails[k], tlen[k]);
			CASE("gzip", q, plen + tlen[k], 1u << 20);
		}
		size_t l1;
		char *a = zlib_pack(text, 500, 16 + 15, &l1), *two = malloc(plen + l1);
		memcpy(two, p, plen);
		memcpy(two + plen, a, l1);
		CASE("gzip", two, plen + l1, 1u << 20);
		CASE("gzip", two, plen + l1, n);  /* the second member passes max */
		CASE("gzip", two, plen + l1 - 1, 1u << 20);
		free(two);
		free(a);
	}
	/* Header flags: FHCRC with a right and a wrong CRC-16 (zlib checks
	 * it), FEXTRA, FNAME, FCOMMENT, reserved bits; another method. */
	{
		size_t body = plen - 10;
		unsigned char h[64];
		size_t hl;
		uLong crc;

		for (int variant = 0; variant < 9; variant++) {
			memcpy(h, p, 10);
			hl = 10;
			switch (variant) {
			case 0: /* FHCRC, right */
			case 1: /* FHCRC, wrong */
				h[3] = 0x02;
				crc = crc32(0, h, 10);
				h[10] = (unsigned char)(crc ^ (variant == 1));
				h[11] = (unsigned char)(crc >> 8);
				hl = 12;
				break;
			case 2: /* FEXTRA */
				h[3] = 0x04;
				memcpy(h + 10, "\x04\0abcd", 6);
				hl = 16;
				break;
			case 3: /* FEXTRA longer than the body */
				h[3] = 0x04;
				memcpy(h + 10, "\xff\xff", 2);
				hl = 12;
				break;
			case 4: /* FNAME and FCOMMENT */
				h[3] = 0x18;
				memcpy(h + 10, "feed.xml\0note\0", 14);
				hl = 24;
				break;
			case 5: /* a reserved flag */
				h[3] = 0x20;
				break;
			case 6: /* FTEXT */
				h[3] = 0x01;
				break;
			case 7: /* method 7 */
				h[2] = 7;
				break;
			case 8: /* no magic */
				h[1] = 0x8c;
				break;
			}
			char *g = malloc(hl + body);
			memcpy(g, h, hl);
			memcpy(g + hl, p + 10, body);
			CASE("gzip", g, hl + body, 1u << 20);
			free(g);
		}
	}
	/* Bytes changed at random places: both refuse, or both decode. */
	for (int k = 0; k < 400; k++) {
		memcpy(q, p, plen);
		for (int j = 0; j < 1 + k % 3; j++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (k & 1) ? (seed >> 8) % plen : (seed >> 8) % 40;
			seed = seed * 1103515245u + 12345u;
			q[at] ^= (char)(1 + (seed >> 16) % 255);
		}
		CASE("gzip", q, plen, 1u << 20);
	}
	/* The bomb and an empty body. */
	{
		size_t bn = 4u << 20, bl, el;
		char *sp = malloc(bn), *bomb, *empty;
		memset(sp, ' ', bn);
		bomb = zlib_pack(sp, bn, 16 + 15, &bl);
		CASE("gzip", bomb, bl, 1u << 20);
		CASE("gzip", bomb, bl, bn);
		empty = zlib_pack(sp, 0, 16 + 15, &el);
		CASE("gzip", empty, el, 1u << 20);
		free(empty);
		free(bomb);
		free(sp);
	}
#undef CASE
	if (!ok(bad == 0, "gzip: libdeflate's path and zlib's give the same result"))
		printf("#   %zu of %zu cases differ\n", bad, cases);
	printf("# %zu cases\n", cases);
	free(q);
	free(p);
	free(text);
}

/* DEFLATE bits, least significant first; Huffman codes most significant
 * bit first (RFC 1951, 3.1.1). */
struct bits {
	unsigned char b[1024];
	size_t at;
};

static void bits_put(struct bits *w, unsigned v, int n)
{
	for (int i = 0; i < n; i++, w->at++)
		if (v >> i & 1)
			w->b[w->at / 8] |= (unsigned char)(1u << (w->at % 8));
}

static void bits_code(struct bits *w, unsigned code, int n)
{
	for (int i = n - 1; i >= 0; i--)
		bits_put(w, code >> i & 1, 1);
}

/* Shows that the whole-body path is the one taken, and the one known
 * difference (decode.c, gzip_whole): a fixed-code block using length code
 * 286, which RFC 1951 says "will never actually occur": zlib refuses it,
 * libdeflate reads a length of 258. */
static void test_whole_taken(void)
{
	struct bits w = { { 0 }, 0 };
	char want[400], g[1100], err[200], *out;
	size_t glen, olen;
	uLong crc;
	int rc;

	bits_put(&w, 1, 1);           /* BFINAL */
	bits_put(&w, 1, 2);           /* fixed Huffman codes */
	bits_code(&w, 0x30 + 'a', 8); /* literal 'a' */
	bits_code(&w, 0xc0 + 6, 8);   /* length code 286 */
	bits_code(&w, 0, 5);          /* distance 1 */
	bits_code(&w, 0, 7);          /* end of block */
	memset(want, 'a', 259);
	crc = crc32(0, (const Bytef *)want, 259);
	memcpy(g, "\x1f\x8b\x08\0\0\0\0\0\0\x03", 10);
	memcpy(g + 10, w.b, (w.at + 7) / 8);
	glen = 10 + (w.at + 7) / 8;
	put_le32(g + glen, (uint32_t)crc);
	put_le32(g + glen + 4, 259);
	glen += 8;

	rc = content_decode("gzip", g, glen, 1u << 20, &out, &olen, err, sizeof err);
	ok(rc == DECODE_OK && olen == 259 && !memcmp(out, want, 259),
	   "gzip: length code 286 decodes whole (libdeflate: 258)");
	free(out);
	content_decode_set_whole(0);
	rc = content_decode("gzip", g, glen, 1u << 20, &out, &olen, err, sizeof err);
	content_decode_set_whole(1);
	is_int(rc, DECODE_BAD, "gzip: length code 286 is refused by zlib");
	is_str(err, "gzip: invalid literal/length code", "gzip: zlib's reason");
}

int main(void)
{
	test_identity();
	test_codings();
	test_bounds();
	test_bad();
	test_whole_same();
	test_whole_taken();
	return done_testing();
}
