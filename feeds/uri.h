/* feeds/uri.h — URL resolution the way the Universal Feed Parser does it
 * (Python's urljoin plus its scheme allowlist), without touching the
 * network and without normalising what it does not have to. */
#ifndef TIDINGS_URI_H
#define TIDINGS_URI_H

/* RFC 3986 reference resolution of ref against base (either may be NULL
 * or relative).  Returns a new string (caller frees), NULL on OOM. */
char *uri_join(const char *base, const char *ref);

/* uri_join, but "" when the result's scheme is not on the allowlist
 * (javascript:, data:, vbscript:, ...).  With ref NULL or "", checks base
 * itself.  Returns a new string, NULL on OOM. */
char *uri_safe_join(const char *base, const char *ref);

/* 1 when the scheme of uri (if any) is on the allowlist, or it has none. */
int uri_scheme_ok(const char *uri);

/* 1 when uri is an absolute http or https URL (scheme in any case): what
 * is fetched, and the only links tidings stores for readers to follow
 * (stories.link and image, feeds.site_url), since "javascript:", "data:"
 * or "file:" ones would be live in every reader that trusts them. */
int uri_is_web(const char *uri);

#endif
