/* daemon/headix.h — dedup level 2 where the link cannot tell: one
 * publisher's article reached through an aggregator and through the
 * publisher's own feed.  A Google News item links to news.google.com and
 * names its publisher in <source>; the publisher's feed links to the
 * article itself.  The two links never canonicalise alike, but the
 * publisher (by host, daemon/ingest.c's publisher()) and the headline
 * are the same, within hours of each other.  This is an index of the
 * recent stories by (publisher, headline), over a time window, whose
 * lookups cost a hash probe whatever the database holds. */
#ifndef TIDINGS_HEADIX_H
#define TIDINGS_HEADIX_H

#include <stddef.h>
#include <stdint.h>

/* How far apart in story time two items with one publisher and one
 * headline may be and still be one article: an aggregator lists an
 * article within hours of its publication, while a headline a site
 * reuses ("Stock market today: Dow, S&P 500, Nasdaq") comes back a day
 * later for another article. */
#define HEADIX_SPAN (12 * 3600)

/* The key of a publisher's headline: a 64-bit hash of host and of the
 * headline's words (ASCII letters folded to lower case; any run of
 * punctuation, spaces, dashes or quotes is one separator), so that
 * "Fed raises rates by a quarter point" and "Fed Raises Rates by a
 * Quarter-Point" meet.  0 (no key) when either is missing or the headline
 * is too plain to name one article (fewer than
 * SIMHASH_MIN_CONTENT_WORDS content words: "Business Highlights", "Today
 * in History").  *title_bag (may be NULL): the headline's SimHash bag
 * (simhash.h), 0 without a key. */
uint64_t headix_key(const char *host, const char *title, uint64_t *title_bag);

/* Whether a story came through an aggregator: its publisher (host, from
 * the item's <source>) is not its link's site.  Its text is then the
 * aggregator's (the headline again, or a list of other outlets'
 * headlines), never the article's.  The link's site is its host (less
 * user info and port): host or a subdomain of it ("www.host") is the
 * link's own. */
int headix_via_aggregator(const char *link, const char *host);

/* What a story's own text says, for headix_put and headix_get: the bag of
 * its fingerprint (simhash_story()) when that is not its headline's, i.e.
 * it has a distinctive text besides its headline; 0 when it has none or
 * came through an aggregator. */
static inline uint64_t headix_text(uint64_t story_bag, uint64_t title_bag, int via_aggregator)
{
	return story_bag != title_bag && !via_aggregator ? story_bag : 0;
}

/* Opaque; owns its table. */
struct headix;

/* window: seconds of story time the index remembers (at least; older
 * entries go when the table would grow).  NULL when out of memory. */
struct headix *headix_new(int64_t window);
void headix_free(struct headix *ix);

/* Remembers story id under key (0: nothing), text as headix_text() gives
 * it.  0, or -1 out of memory. */
int headix_put(struct headix *ix, uint64_t key, int64_t story_id, int64_t time, uint64_t text);

/* The story remembered under key whose time is closest to time, within
 * HEADIX_SPAN (ties: the earlier story), or 0: a story that is the same
 * article.  Two items with texts of their own are one article only when
 * the texts are copies (bags within SIMHASH_DEFAULT_K bits): one
 * publisher's two articles under one headline have leads of their own,
 * while an aggregator's item has none.  (A story deleted since, by
 * retention, may still be remembered: the caller checks that it
 * exists.) */
int64_t headix_get(const struct headix *ix, uint64_t key, int64_t time, uint64_t text);

size_t headix_count(const struct headix *ix);
size_t headix_memory(const struct headix *ix);

#endif
