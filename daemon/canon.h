/* daemon/canon.h — canonical article URLs (dedup level 2: the same article
 * in two feeds) and the publisher host used to count distinct sources.
 * Pure functions over strings; parsing is libcurl's URL API. */
#ifndef TIDINGS_CANON_H
#define TIDINGS_CANON_H

#include <stddef.h>

/* The canonical form of an http(s) URL, so that two links to one article
 * compare equal with strcmp():
 *   - scheme and host lower-cased, a trailing dot on the host dropped,
 *     an internationalised host in the Unicode form IDNA maps it to
 *     ("xn--bcher-kva.example" and "B\xc3\x9cCHER.example" are
 *     "b\xc3\xbccher.example"), an IPv6 literal as canon_ipv6_host()
 *     writes it,
 *     the default port (80/443) dropped, an empty path made "/",
 *     "." and ".." path segments resolved;
 *   - the fragment dropped, except a "#!" hash-bang route, which some
 *     sites use as the article's identity;
 *   - tracking query parameters removed (see the table in canon.c),
 *     the remaining parameters kept in their order with their exact bytes,
 *     empty parameters and a bare trailing "?" removed;
 *   - percent-encoding made uniform: hex digits upper-case, unreserved
 *     characters (A-Z a-z 0-9 - . _ ~) decoded, spaces, control bytes,
 *     non-ASCII bytes and characters a URL cannot hold encoded.  Reserved
 *     characters are never decoded (%2F stays %2F).
 * Returns 0 and a malloc'd string in *out (the caller frees it), or -1
 * with *out = NULL for a URL that is not a valid absolute http(s) URL,
 * -2 (*out = NULL) when memory ran out: the URL may have one, and a
 * caller that took it for none stored the link as written, or none. */
int canon_url(const char *url, char **out);

/* The publisher of a URL: its host lower-cased (an IDN in its Unicode
 * form, as canon_url gives it), without a trailing dot,
 * without a leading "www.", without port.  "https://WWW.Example.com:8080/x"
 * -> "example.com".  Returns 0 and a malloc'd string in *out, or -1 for
 * anything canon_url() refuses, -2 out of memory. */
int canon_host(const char *url, char **out);

/* Both of the above from one parse of `url` (the parse is most of their
 * cost): 0 with both malloc'd, or -1 (refused) or -2 (out of memory) with
 * both NULL. */
int canon_url_host(const char *url, char **canon, char **host);

/* `host` (as libcurl's URL API gives it, brackets included) when it is
 * an IPv6 literal: in the one text inet_ntop() gives its address (RFC
 * 5952: lower case, no leading zeros, the longest run of zeros "::").
 * libcurl rewrites a literal only when that text is shorter, so
 * "[::ffff:7f00:1]" and "[::ffff:127.0.0.1]", or "[2001:db8::1:1:1:1:1]"
 * and "[2001:db8:0:1:1:1:1:1]", stayed two hosts.  Any other host is
 * copied as it is.  Malloc'd (NULL when out of memory). */
char *canon_ipv6_host(const char *host);

/* Nonzero when hosts a and b (as canon_host gives them) are one site: the
 * same, or one a subdomain of the other ("feeds.example.com" and
 * "example.com"; not "news.example.com" and "feeds.example.com"). */
int canon_same_site(const char *a, const char *b);

/* Nonzero when `name` (a query parameter name, as written, not decoded) is
 * a tracking parameter canon_url() removes.  Exposed for the tests and for
 * `tidings` to explain itself. */
int canon_is_tracking_param(const char *name, size_t len);

#endif
