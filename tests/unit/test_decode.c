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

int main(void)
{
	test_identity();
	test_codings();
	test_bounds();
	test_bad();
	return done_testing();
}
