/* feeds/html.h — the HTML inside feeds: an sgmllib-style tokenizer, the
 * allowlist sanitizer (which also resolves relative URLs), the plain-text
 * rendering, and feedparser's "does this plain text look like HTML" test.
 * All functions return new strings owned by the caller (NULL on OOM). */
#ifndef TIDINGS_HTML_H
#define TIDINGS_HTML_H

#include <stddef.h>

/* Sanitises html by the allowlist: unknown elements are dropped (their
 * text kept), script/style/applet with their content, disallowed
 * attributes, event handlers, URLs in unsafe schemes, unsafe CSS.  URLs in
 * attributes that take them are resolved against base (when not NULL).
 * `xhtml` says the source is XHTML (affects svg/math namespace defaults). */
char *html_sanitize(const char *html, size_t n, const char *base, int xhtml);

/* Only resolves relative URLs (no sanitising), serialised the same way. */
char *html_resolve(const char *html, size_t n, const char *base);

/* Plain text: tags dropped, entities decoded, script/style skipped, block
 * elements become line breaks, runs of blanks folded, trimmed. */
char *html_to_text(const char *html, size_t n);

/* feedparser's looks_like_html: a close tag or an entity, only allowlisted
 * elements, only known entities. */
int html_looks_like(const char *s);

/* Feed autodiscovery: the first <link rel="alternate"> of an RSS, Atom or
 * RSS 1.0 type in an HTML page (a comment feed only when there is no
 * other), resolved against the page's <base href> and its URL `url`.
 * Returns a new http(s) URL of at most 4096 bytes, or NULL when the page
 * names none (or on OOM). */
char *html_feed_link(const char *html, size_t n, const char *url);

#endif
