/* feeds/prescan.h — byte-level passes over a feed document before libxml2
 * reads it (feeds/parse.c runs them).  Pure functions of the bytes: no
 * allocation but prescan_fix_ampersands' result, no locale. */
#ifndef TIDINGS_FEEDS_PRESCAN_H
#define TIDINGS_FEEDS_PRESCAN_H

#include <stddef.h>

#define PRESCAN_MAX_DEPTH 256     /* open elements the parser follows */
#define PRESCAN_MAX_ATTRS 256     /* a start tag with more is refused */
#define PRESCAN_MAX_NS_SCOPE 256  /* namespace declarations in scope at once */

enum prescan_crowd { PRESCAN_OK, PRESCAN_ATTRS, PRESCAN_NS };

/* Whether the document declares more than libxml2 can take in reasonable
 * time: a start tag with over PRESCAN_MAX_ATTRS attributes
 * (PRESCAN_ATTRS), or over PRESCAN_MAX_NS_SCOPE namespace declarations in
 * scope at once (PRESCAN_NS).  *at: the byte offset of the offending tag. */
enum prescan_crowd prescan_crowded(const char *buf, size_t len, size_t *at);

/* 1 + the newlines before buf[off]: the line of an offset, for messages. */
size_t prescan_line_of(const char *buf, size_t off);

/* Bare '&' escaped as "&amp;" and "&#X" references as "&#x", outside
 * comments, CDATA sections, processing instructions and the DOCTYPE.
 * Returns 1 with *out (malloc'd, the caller frees it) and *outlen when
 * something was fixed, 0 when nothing needed fixing, -1 when out of
 * memory. */
int prescan_fix_ampersands(const char *buf, size_t len, char **out, size_t *outlen);

/* Characters XML 1.0 does not allow (U+0000, the other C0 controls but
 * tab, line feed and carriage return, U+FFFE and U+FFFF) taken out of buf
 * (UTF-8).  libxml2 drops one in element text and goes on, but one in a
 * CDATA section, a comment or an attribute value, and U+0000 anywhere,
 * ends its parse there, in recovery mode too: every item after it was
 * lost.  *first: the byte offset of the first one.  Returns 1 with *out
 * (malloc'd, the caller frees it) and *outlen when there was one, 0 when
 * there was none, -1 when out of memory. */
int prescan_strip_bad_chars(const char *buf, size_t len, char **out, size_t *outlen,
                            size_t *first);

/* The first `close` (a short string: "--", "?>", "]]>") in [s, end), or
 * NULL: memchr on its first byte, which is rare in the text these
 * constructs hold (the pre-scans here and feeds/cdata.c). */
const char *prescan_find_close(const char *s, const char *end, const char *close);

#endif
