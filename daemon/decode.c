/* daemon/decode.c — content codings undone on a parse worker; see
 * decode.h for why here and not in libcurl. */
#include "daemon/decode.h"

#include <brotli/decode.h>
#include <libdeflate.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>

/* At most this many codings in one Content-Encoding (curl allows 5);
 * a longer chain is no honest server's. */
#define MAX_CODINGS 5
/* zstd frames may ask for a window of up to 2 GiB of decoder memory.
 * RFC 9659 caps HTTP's at 8 MiB, which is what this allows. */
#define ZSTD_WINDOW_LOG_MAX 23

enum coding { C_GZIP, C_DEFLATE, C_BR, C_ZSTD };
static const char *const coding_name[] = { "gzip", "deflate", "br", "zstd" };

/* The decoded bytes of one stage, never more than max + 1 of them (one
 * past max is how "too big" is noticed), plus room for a NUL. */
struct obuf {
	char *p;
	size_t len, cap, max;
};

/* Room for more output; DECODE_TOO_BIG once past max. */
static int room(struct obuf *o)
{
	size_t cap;
	char *np;

	if (o->len > o->max)
		return DECODE_TOO_BIG;
	if (o->len + 1 < o->cap)
		return DECODE_OK;
	cap = o->cap * 2;
	if (cap < o->cap || cap > o->max + 2)
		cap = o->max + 2;
	if (!(np = realloc(o->p, cap)))
		return DECODE_NOMEM;
	o->p = np;
	o->cap = cap;
	return DECODE_OK;
}

/* Bytes the decoder may write now: all but the NUL's byte, and no more
 * than one past max. */
static size_t avail(const struct obuf *o)
{
	size_t n = o->cap - 1 - o->len;
	return n > o->max + 1 - o->len ? o->max + 1 - o->len : n;
}

static int bad(char *err, size_t errlen, enum coding c, const char *why)
{
	snprintf(err, errlen, "%s: %s", coding_name[c], why);
	return DECODE_BAD;
}

/* gzip and deflate.  A gzip body may be several members one after the
 * other (RFC 1952); bytes after the last are ignored, as curl does.
 * "deflate" is meant to be zlib-wrapped (RFC 9110), but servers send raw
 * deflate too: a body whose first bytes are no zlib header is tried raw. */
static int undo_zlib(const unsigned char *in, size_t len, enum coding c,
                     struct obuf *o, char *err, size_t errlen)
{
	z_stream z;
	int rc, zr, raw = 0;
	size_t in_left;   /* input not yet handed to zlib */

again:
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, c == C_GZIP ? 16 + MAX_WBITS : raw ? -MAX_WBITS : MAX_WBITS) != Z_OK)
		return DECODE_NOMEM;
	z.next_in = (Bytef *)in;
	in_left = len;
	for (;;) {
		size_t give;

		if ((rc = room(o)) != DECODE_OK)
			goto out;
		/* zlib counts in 32-bit units: feed and drain in slices. */
		if (z.avail_in == 0 && in_left > 0) {
			z.avail_in = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
			in_left -= z.avail_in;
		}
		give = avail(o) > UINT_MAX ? UINT_MAX : avail(o);
		z.next_out = (Bytef *)o->p + o->len;
		z.avail_out = (uInt)give;
		zr = inflate(&z, Z_NO_FLUSH);
		o->len += give - z.avail_out;
		if (zr == Z_STREAM_END) {
			if (c == C_GZIP && z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
				inflateReset(&z);
				continue;
			}
			rc = DECODE_OK;
			goto out;
		}
		if (zr == Z_DATA_ERROR && c == C_DEFLATE && !raw && z.total_out == 0) {
			inflateEnd(&z);
			raw = 1;
			goto again;
		}
		if (zr == Z_NEED_DICT) {
			rc = bad(err, errlen, c, "needs a preset dictionary");
			goto out;
		}
		if (zr == Z_MEM_ERROR) {
			rc = DECODE_NOMEM;
			goto out;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			rc = bad(err, errlen, c, z.msg ? z.msg : "corrupt data");
			goto out;
		}
		/* Output room was given, so no progress means no more input. */
		if (in_left == 0 && z.avail_in == 0 && z.avail_out > 0) {
			rc = bad(err, errlen, c, "unexpected end of data");
			goto out;
		}
	}
out:
	inflateEnd(&z);
	return rc;
}

/* gzip_whole() could not decode the body: undo_zlib() does, and says why. */
#define NOT_WHOLE 1

static int whole_on = 1;

void content_decode_set_whole(int on)
{
	whole_on = on;
}

/* A gzip body in one call of libdeflate, the common case: one member,
 * nothing after it.  libdeflate decodes a body whole, about twice as fast
 * as zlib's inflate and with a CRC-32 that costs next to nothing (zlib's
 * inflate and CRC were 12% of a cold poll's parse worker).  The gzip
 * trailer's ISIZE is the size of the output (mod 2^32), so the buffer is
 * allocated once at its size; ISIZE is the sender's word only, so the
 * buffer is never more than max + 1 bytes and libdeflate never writes past
 * ISIZE bytes.
 *
 * Anything else goes to undo_zlib() from the start, whose results
 * (decoded bytes, "too big", the reason a body is refused) this must not
 * change: libdeflate refusing the body, more output than ISIZE (a lying
 * trailer, bytes after the member, a body over max), a second member
 * after the first, and a header with FHCRC (zlib checks the header's
 * CRC-16, libdeflate skips it).  What libdeflate decodes, zlib decodes to
 * the same bytes.  The difference left: DEFLATE data no encoder writes
 * can be refused by zlib and decoded by libdeflate, whose output then
 * still has to match the trailer's CRC-32 and ISIZE: length codes 286 and
 * 287 (libdeflate reads them as length 258; tests/unit/test_decode.c),
 * more than 286 literal/length or 30 distance code lengths in a block
 * header.
 *
 * Returns DECODE_OK (o holds the output) or NOT_WHOLE (o untouched). */
static int gzip_whole(const unsigned char *in, size_t len, struct obuf *o)
{
	struct libdeflate_decompressor *d;
	enum libdeflate_result r;
	size_t want, used = 0, got = 0;
	char *p;

	/* A member is at least a 10-byte header and an 8-byte trailer. */
	if (!whole_on || len < 18 || in[0] != 0x1f || in[1] != 0x8b || (in[3] & 0x02))
		return NOT_WHOLE;
	want = (size_t)in[len - 4] | (size_t)in[len - 3] << 8 | (size_t)in[len - 2] << 16 |
	       (size_t)in[len - 1] << 24;
	if (want > o->max)
		return NOT_WHOLE;
	/* A decompressor is about 11 KiB and 2k instructions to make: per
	 * body, against the 1M that decoding a feed costs. */
	if (!(p = malloc(want + 1)))
		return NOT_WHOLE;
	if (!(d = libdeflate_alloc_decompressor())) {
		free(p);
		return NOT_WHOLE;
	}
	r = libdeflate_gzip_decompress_ex(d, in, len, p, want, &used, &got);
	libdeflate_free_decompressor(d);
	/* undo_zlib() goes on to a next member when two more bytes are its
	 * magic, and ignores anything else after the first. */
	if (r != LIBDEFLATE_SUCCESS ||
	    (len - used >= 2 && in[used] == 0x1f && in[used + 1] == 0x8b)) {
		free(p);
		return NOT_WHOLE;
	}
	o->p = p;
	o->cap = want + 1;
	o->len = got;
	return DECODE_OK;
}

static int undo_br(const unsigned char *in, size_t len, struct obuf *o,
                   char *err, size_t errlen)
{
	BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	const uint8_t *next_in = in;
	size_t in_left = len;
	int rc;

	if (!s)
		return DECODE_NOMEM;
	for (;;) {
		BrotliDecoderResult r;
		uint8_t *next_out;
		size_t out_left;

		if ((rc = room(o)) != DECODE_OK)
			break;
		next_out = (uint8_t *)o->p + o->len;
		out_left = avail(o);
		r = BrotliDecoderDecompressStream(s, &in_left, &next_in, &out_left, &next_out, NULL);
		o->len = (size_t)((char *)next_out - o->p);
		if (r == BROTLI_DECODER_RESULT_SUCCESS) {
			rc = DECODE_OK;
			break;
		}
		if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
			continue;
		if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
			rc = bad(err, errlen, C_BR, "unexpected end of data");
			break;
		}
		rc = bad(err, errlen, C_BR,
		         BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)));
		break;
	}
	BrotliDecoderDestroyInstance(s);
	return rc;
}

static int undo_zstd(const unsigned char *in, size_t len, struct obuf *o,
                     char *err, size_t errlen)
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, len, 0 };
	int rc;

	if (!dc)
		return DECODE_NOMEM;
	ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
	for (;;) {
		ZSTD_outBuffer ob;
		size_t r;

		if ((rc = room(o)) != DECODE_OK)
			break;
		ob = (ZSTD_outBuffer){ o->p + o->len, avail(o), 0 };
		r = ZSTD_decompressStream(dc, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(r)) {
			rc = bad(err, errlen, C_ZSTD, ZSTD_getErrorName(r));
			break;
		}
		/* 0: a frame ended; frames may follow one another. */
		if (r == 0 && ib.pos == ib.size) {
			rc = DECODE_OK;
			break;
		}
		if (ib.pos == ib.size && ob.pos < ob.size) {
			rc = bad(err, errlen, C_ZSTD, "unexpected end of data");
			break;
		}
	}
	ZSTD_freeDCtx(dc);
	return rc;
}

/* The codings of a Content-Encoding value, in the order applied;
 * identity dropped.  -1 (err set) for one we do not know or too many. */
static int parse_codings(const char *v, enum coding *c, char *err, size_t errlen)
{
	int n = 0;

	while (*v) {
		const char *s, *e;
		size_t len;

		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (!*v)
			break;
		s = v;
		while (*v && *v != ',')
			v++;
		e = v;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		len = (size_t)(e - s);
#define IS(name) (len == sizeof(name) - 1 && strncasecmp(s, name, len) == 0)
		if (IS("identity"))
			continue;
		if (n == MAX_CODINGS) {
			snprintf(err, errlen, "more than %d codings", MAX_CODINGS);
			return -1;
		}
		if (IS("gzip") || IS("x-gzip"))
			c[n++] = C_GZIP;
		else if (IS("deflate"))
			c[n++] = C_DEFLATE;
		else if (IS("br"))
			c[n++] = C_BR;
		else if (IS("zstd"))
			c[n++] = C_ZSTD;
		else {
			snprintf(err, errlen, "unsupported coding \"%.*s\"",
			         len > 40 ? 40 : (int)len, s);
			return -1;
		}
#undef IS
	}
	return n;
}

int content_decode(const char *coding, const char *in, size_t len, size_t max,
                   char **out, size_t *outlen, char *err, size_t errlen)
{
	enum coding c[MAX_CODINGS];
	struct obuf prev = { 0 };
	int n, rc = DECODE_OK;

	*out = NULL;
	*outlen = 0;
	if (errlen)
		err[0] = '\0';
	if (!coding || (n = parse_codings(coding, c, err, errlen)) == 0)
		return DECODE_OK;
	if (n < 0)
		return DECODE_BAD;
	if (max > SIZE_MAX - 2)
		max = SIZE_MAX - 2;
	/* Applied first, undone last. */
	for (int i = n - 1; i >= 0; i--) {
		struct obuf o = { .max = max };
		size_t guess = len < SIZE_MAX / 4 ? 4 * len : len;

		if (c[i] == C_GZIP &&
		    gzip_whole((const unsigned char *)in, len, &o) == DECODE_OK) {
			free(prev.p);
			prev = o;
			in = o.p;
			len = o.len;
			continue;
		}
		o.cap = guess < 16384 ? 16384 : guess;
		if (o.cap > max + 2)
			o.cap = max + 2;
		if (!(o.p = malloc(o.cap))) {
			rc = DECODE_NOMEM;
			break;
		}
		if (c[i] == C_BR)
			rc = undo_br((const unsigned char *)in, len, &o, err, errlen);
		else if (c[i] == C_ZSTD)
			rc = undo_zstd((const unsigned char *)in, len, &o, err, errlen);
		else
			rc = undo_zlib((const unsigned char *)in, len, c[i], &o, err, errlen);
		if (rc == DECODE_OK && o.len > max)
			rc = DECODE_TOO_BIG;
		free(prev.p);
		prev = o;
		if (rc != DECODE_OK)
			break;
		in = o.p;
		len = o.len;
	}
	if (rc != DECODE_OK) {
		free(prev.p);
		return rc;
	}
	prev.p[prev.len] = '\0';
	*out = prev.p;
	*outlen = prev.len;
	return DECODE_OK;
}
