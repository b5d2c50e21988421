/* daemon/ident.h — dedup level 1 (the same item again in one feed): the
 * identity key of a feed entry, and the detector for feeds that give the
 * same item a new guid on every fetch.  Pure functions; the store keeps
 * (feed, key) and the pipeline counts what the detector needs. */
#ifndef TIDINGS_IDENT_H
#define TIDINGS_IDENT_H

#include <stddef.h>
#include <stdint.h>

/* What an entry says about itself; every field optional (NULL, or
 * IDENT_NO_TIME for the date: the value of FEED_NO_TIME in feeds/feed.h). */
#define IDENT_NO_TIME INT64_MIN
struct ident_entry {
	const char *guid;       /* guid / atom:id */
	const char *link;       /* the entry's link (origLink when given) */
	const char *title;      /* plain text */
	const char *text;       /* plain text, used only when there is no title */
	int64_t published;      /* Unix seconds UTC or IDENT_NO_TIME */
	int link_shared;        /* another entry of the same document has the
	                           same link: without a guid, the link does
	                           not tell this one from it */
};

/* The key, a NUL-terminated string whose first two bytes say its kind:
 *   "g:" + the guid, trimmed of surrounding white space, bytes as given
 *         (guids are opaque and case-sensitive);
 *   "l:" + the link's canonical URL (canon_url; the trimmed link itself
 *         when it is no http(s) URL), when there is no guid or when
 *         `use_link` says the feed's guids cannot be trusted;
 *   "h:" + 16 hex digits of a 64-bit hash of the title (white space
 *         folded) or else the text, and the published date, when there is
 *         neither guid nor link, or no guid and a link that is
 *         `link_shared` (and a title, text or date to hash).
 * Returns 0 and a malloc'd key in *out (the caller frees it), -1 with
 * *out = NULL when the entry has nothing to be known by (no guid, link,
 * title, text or date), or -2 with *out = NULL when memory ran out. */
int ident_key(const struct ident_entry *e, int use_link, char **out);

/* The span of `s` without surrounding white space, as an item's guid,
 * link and title are compared (0 when NULL or blank); *start gets where
 * it begins. */
size_t ident_trimmed(const char *s, const char **start);

/* The same key, given `canon`: what canon_url() makes of e->link (NULL
 * when it refuses it or there is no link), as ingest_prepare() has it
 * already; the link is then not parsed again (on the storing thread). */
int ident_key_canon(const struct ident_entry *e, int use_link, const char *canon,
                    char **out);

/* One poll of one feed, as the pipeline counted it against what the store
 * already holds for that feed. */
struct ident_poll {
	unsigned items;          /* entries in the response that have a guid */
	unsigned new_guids;      /* of those, guids the feed never had before */
	unsigned new_known_link; /* of the new-guid ones, links the feed had */
	unsigned distinct_links; /* distinct canonical links among `items` */
};

/* Whether the feed's items should be known by link rather than guid from
 * this poll on.  `previous` is what the last poll decided (0 at first).
 * Rotating guids show as most items carrying a new guid while their links
 * are already known.  A poll too small (under 3 items) or without evidence
 * either way (new guids on new links: fresh items) keeps `previous`; a poll
 * where at least half the guids repeat says the guids are stable.  Link
 * identity is never chosen when the items' links are not distinct (feeds
 * that link every item to their home page), since it would merge them.
 * When a feed turns to link identity, its stories stored under "g:" keys
 * are found by their canonical link (the store's canonical URL column);
 * and while it is, an item found by its link says nothing of its guid:
 * `new_guids` counts the guids the feed has no "g:" key for. */
int ident_guids_rotate(const struct ident_poll *p, int previous);

#endif
