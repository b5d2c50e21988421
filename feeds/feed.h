/* feeds/feed.h — the feed format library: bytes + context in, one
 * `struct feed` out.  RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0.
 * Pure: no network, no database, no global state; safe to call from any
 * thread on distinct inputs.
 *
 * Ownership: feed_parse() returns one struct feed that owns every string
 * and array reachable from it; feed_free() releases all of it.  They are
 * not separate heap blocks: never free or realloc one on its own (and
 * two fields may share one string). */
#ifndef TIDINGS_FEED_H
#define TIDINGS_FEED_H

#include <stddef.h>
#include <stdint.h>

struct fv_arena;

/* A time that the document did not give, or gave in a form we could not
 * read.  Never 0 (that would be 1970). */
#define FEED_NO_TIME INT64_MIN

enum feed_version {
	FEED_VERSION_UNKNOWN = 0,
	FEED_RSS090, FEED_RSS091N, FEED_RSS091U, FEED_RSS092, FEED_RSS093,
	FEED_RSS094, FEED_RSS20, FEED_RSS10, FEED_RSS, /* RSS, version unknown */
	FEED_ATOM01, FEED_ATOM02, FEED_ATOM03, FEED_ATOM10, FEED_ATOM,
	FEED_CDF,
};

/* What the caller knows about the bytes: all fields optional (NULL). */
struct feed_context {
	const char *uri;              /* document URI: base for relative links */
	const char *content_type;     /* HTTP Content-Type, with any charset */
	const char *content_location; /* HTTP Content-Location */
	const char *content_language; /* HTTP Content-Language */
	size_t max_entries;           /* feed_parse keeps this many entries,
	                                 the first in the document; 0: all */
};

/* A text construct (title, summary, content, ...).  `value` is UTF-8; for
 * html/xhtml it is already sanitised and its URLs resolved. */
struct feed_text {
	char *value;
	char *type;     /* "text/plain", "text/html", "application/xhtml+xml" */
	char *language; /* xml:lang in scope, or NULL */
	char *base;     /* xml:base in scope, or NULL */
	int language_http; /* language is the HTTP Content-Language's (in
	                      scope as feedparser puts it), none the
	                      document wrote */
};

struct feed_link {
	char *href;     /* absolute */
	char *rel;      /* "alternate", "enclosure", "self", ... */
	char *type;
	char *title;
	int64_t length; /* -1 when unknown */
};

struct feed_person {
	char *name, *email, *uri;
};

struct feed_tag {
	char *term, *scheme, *label;
};

struct feed_entry {
	char *id;               /* guid / atom:id, or NULL */
	char *id_written;       /* that guid as the document wrote it when
	                           it was a relative reference ("1002",
	                           "/news/1002"), which id has resolved
	                           against the document's URL; else NULL */
	char *link;             /* alternate link, absolute, or NULL */
	char *origlink;         /* FeedBurner feedburner:origLink, or NULL */
	char *source_link;      /* where the item comes from, as an aggregator
	                           names it: RSS <source url>, or the alternate
	                           link of Atom's <source>; or NULL */
	char *source_title;     /* that source's name: RSS <source>'s text,
	                           Atom <source>'s title; or NULL */
	char *comments;
	char *image;            /* the entry's picture as the feed names it
	                           (Media RSS thumbnail or image, an image
	                           enclosure): an http(s) URL, a relative
	                           one resolved, or NULL */
	struct feed_text title, summary;
	struct feed_text *content; size_t n_content;
	struct feed_link *links;   size_t n_links;
	struct feed_person author;
	struct feed_person *contributors; size_t n_contributors;
	struct feed_tag *tags;     size_t n_tags;
	int64_t published, updated;   /* Unix seconds UTC, or FEED_NO_TIME */
	char *published_raw, *updated_raw; /* the date strings as written */
	char *language;         /* entry's language (xml:lang, dc:language,
	                           else the feed's, else the HTTP
	                           Content-Language), or NULL */

	/* Ready for the daemon: */
	char *title_text;       /* title as plain text, whitespace folded */
	char *text;             /* plain-text rendering of summary, else (when
	                           the summary has no text) of content */
	char *html;             /* sanitised HTML of content, else summary */
};

struct feed {
	enum feed_version version;
	char *encoding;         /* the encoding the document was read in */
	int bozo;               /* 1: malformed, recovered */
	char *bozo_reason;      /* "ClassName: message" in feedparser's spirit */

	struct feed_text title, subtitle, rights;
	char *title_text;       /* title as plain text, whitespace folded */
	char *link;             /* the site (alternate) link, absolute */
	struct feed_link *links; size_t n_links;
	char *id, *language, *generator, *icon, *logo;
	struct feed_link image; /* RSS <image>: href, title, link in rel */
	struct feed_person author;
	int64_t updated;        /* or FEED_NO_TIME */
	char *updated_raw;
	int ttl;                /* minutes, 0 when absent */
	int64_t update_period;  /* seconds from sy:updatePeriod/Frequency, 0 */

	struct feed_entry *entries; size_t n_entries;
	size_t n_entries_over;  /* entries past ctx->max_entries: read, dropped */

	/* private: feed_parse() puts every string and array of the feed in
	 * this one arena, which feed_free() releases in one go (NULL: a feed
	 * built by hand, whose parts feed_free() frees one by one) */
	struct fv_arena *mem;
};

/* Parses `len` bytes.  On success returns 0 and *out owns a new feed (even
 * a recovered, bozo one).  Returns -1 with *out NULL only when there is no
 * feed at all (empty input, not XML, not a feed: HTML page, ...), and then
 * writes a human-readable reason into err (errlen bytes, may be 0). */
int feed_parse(const char *buf, size_t len, const struct feed_context *ctx,
               struct feed **out, char *err, size_t errlen);

/* feed_parse() converts each entry as soon as it ends and drops its part
 * of the parse tree, so a document of many entries costs one entry's
 * tree at a time on top of its struct feed.  feed_parse_whole() gives the
 * same struct feed from the whole tree, converted at the end (as
 * feed_parse() once did): the tests' oracle for the streamed path. */
int feed_parse_whole(const char *buf, size_t len, const struct feed_context *ctx,
                     struct feed **out, char *err, size_t errlen);

void feed_free(struct feed *f);

const char *feed_version_name(enum feed_version v); /* "rss20", "atom10", "" */

#endif
