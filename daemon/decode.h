/* daemon/decode.h — HTTP content codings (RFC 9110, 8.4) undone off the
 * event loop.
 *
 * The fetcher asks for compressed bodies but does not let libcurl inflate
 * them: curl would do it inside its write path, on the loop thread, where
 * it was about 6% of that thread's time in a cold poll (the thread that
 * also stores, and so sets the pace).  The loop keeps the body as it came
 * and a parse worker calls content_decode() just before parsing.
 *
 * Supported: gzip (x-gzip), deflate (zlib-wrapped, or raw as some servers
 * send it), br and zstd: the codings Debian's libcurl accepts, so nothing
 * is lost by decoding here instead.  identity is a no-op. */
#ifndef TIDINGS_DECODE_H
#define TIDINGS_DECODE_H

#include <stddef.h>

/* The Accept-Encoding value that matches what content_decode() undoes. */
#define DECODE_ACCEPT "gzip, deflate, br, zstd"

enum {
	DECODE_OK = 0,
	DECODE_BAD = -1,       /* unknown coding, corrupt or truncated data */
	DECODE_TOO_BIG = -2,   /* the decoded body would pass `max` bytes */
	DECODE_NOMEM = -3,
};

/* Undoes `coding` (a Content-Encoding value: a list applied in order, so
 * undone last to first; NULL, empty or identity means nothing to do) on
 * `in`.  On DECODE_OK, *out is a malloc'd NUL-terminated copy of `*outlen`
 * decoded bytes, or NULL when there was nothing to undo (use `in`).  Never
 * produces more than `max` bytes: a small body that expands past it stops
 * with DECODE_TOO_BIG as soon as it would.  On failure *out is NULL and,
 * for DECODE_BAD, `err` says what was wrong ("gzip: invalid block type",
 * "unsupported coding \"compress\""). */
int content_decode(const char *coding, const char *in, size_t len, size_t max,
                   char **out, size_t *outlen, char *err, size_t errlen);

/* For tests: 0 turns off the whole-body gzip path (libdeflate), so that
 * every gzip body goes through zlib's streaming inflate; 1 (the default)
 * turns it back on.  Not thread-safe: call before decoding. */
void content_decode_set_whole(int on);

#endif
