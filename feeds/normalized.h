/* feeds/normalized.h — the parser's full view of a document in the
 * Universal Feed Parser's normalized shape (bozo, encoding, version,
 * namespaces, feed, entries), for `tidings parse --json` and tests.  The
 * daemon uses feed_parse() (feeds/feed.h), which is derived from this. */
#ifndef TIDINGS_NORMALIZED_H
#define TIDINGS_NORMALIZED_H

#include <stddef.h>

#include "feeds/feed.h"
#include "feeds/fv.h"

/* The tree's keys that are tidings' own, not feedparser's, begin with a
 * '.' (no XML name does): `tidings parse --json` leaves them out.
 * FEED_ID_WRITTEN: an entry's guid / atom:id as the document wrote it,
 * when that was a relative reference (its "id" is then resolved against
 * the document's URL, as feedparser does). */
#define FEED_ID_WRITTEN ".id_written"
/* FEED_LANG_HTTP: set in a text construct's detail whose "language" is
 * the HTTP Content-Language's, not an xml:lang of the document (which
 * feedparser puts in scope the same way) */
#define FEED_LANG_HTTP ".lang_http"
/* FEED_ID_PERMALINK: an RSS item's guid that is a permalink (no
 * isPermaLink="false"), resolved: its link when the item's own <link> is
 * empty, which feedparser's link then is (an empty <link></link> from a
 * template whose link field was not filled, before or after the guid) */
#define FEED_ID_PERMALINK ".id_permalink"

/* Parses len bytes with their HTTP context into *out (owned by the
 * caller, fv_free()).  Never fails on bad input (that is bozo); returns
 * -1 only on OOM.  headers: optional "Name: value" strings (n of them),
 * used for ETag / Last-Modified / Content-Location / Content-Language. */
int feed_parse_normalized(const char *buf, size_t len, const struct feed_context *ctx,
                          struct fv **out);

#endif
