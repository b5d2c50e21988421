/* tests/fuzz/fuzz_decode.c — libFuzzer target for the content decoder,
 * which reads bytes straight from any server.  The first byte picks the
 * Content-Encoding (each coding alone, two chained, an unknown one) and
 * a bound; the rest is the body. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const codings[] = {
		"gzip", "deflate", "br", "zstd", "gzip, gzip", "deflate, br",
		"x-gzip, identity", "compress",
	};
	char *out = NULL, err[200];
	size_t olen = 0, max;
	int rc;

	if (size < 1)
		return 0;
	max = (data[0] & 0x80) ? 4096 : (1u << 20);
	rc = content_decode(codings[data[0] % 8], (const char *)data + 1, size - 1, max,
	                    &out, &olen, err, sizeof err);
	if (rc == DECODE_OK && out) {
		/* What is handed out is NUL-terminated and within the bound. */
		if (olen > max || out[olen] != '\0' || strlen(err) != 0)
			abort();
	} else if (out || (rc == DECODE_BAD && err[0] == '\0')) {
		abort();
	}
	free(out);
	return 0;
}
