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

#include "daemon/simhash.h"

/* How far apart in story time two items with one publisher and one
 * headline may be and still be one article: an aggregator lists an
 * article within hours of its publication, while a headline a site
 * reuses ("Stock market today: Dow, S&P 500, Nasdaq") comes back a day
 * later for another article. */
#define HEADIX_SPAN (12 * 3600)

/* An item as the index compares it (headix_item() makes one). */
struct headix_item {
	uint64_t key;            /* publisher and headline; 0: not indexed */
	uint64_t text;           /* the bag of its own text's SimHash, 0: none */
	uint8_t plain;           /* its headline is too plain to name one
	                            article by itself */
	uint8_t via_aggregator;  /* it came through an aggregator */
	uint8_t short_headline;  /* fewer than 3 words: remembered for
	                            headix_recurs(), never one article by
	                            headline (headix_get()) */
	uint8_t dated;           /* its headline names a month or a weekday */
	uint64_t shape_key;      /* headix_recurs(): publisher and the
	                            headline's words less its date ... */
	uint64_t dated_key;      /* ... and the key dated headlines of that
	                            shape are remembered by too */
	uint64_t stem_key;       /* a publisher's own item: publisher and its
	                            headline's stem (headix_headline.stem),
	                            which an aggregator's item of it finds
	                            and it finds an aggregator's item by
	                            (headix_get()); 0: none */
};

/* Whether a story came through an aggregator: its publisher (host, from
 * the item's <source>) is not its link's site.  The link's site is its
 * host less user info and port; host or a subdomain of it ("www.host") is
 * the link's own.  NULL link or host: no.  ingest.c passes the canonical
 * URL, whose host is written as `host` is (Unicode, no trailing dot) and
 * is FeedBurner's origLink rather than its redirector. */
int headix_via_aggregator(const char *link, const char *host);

/* What the index needs of a headline, from one pass over it: made where
 * texts are prepared (a parse worker; the start-up replay's tokenizing
 * thread), off the thread that stores.
 *
 * hash: of the headline's words (NFKC with case folded, so that NFD and
 * NFC, a no-break space and a space, full-width and ASCII letters are
 * alike; any run of punctuation, spaces, dashes, quotes or symbols is one
 * separator), so that "Fed raises rates by a quarter point" and "Fed
 * Raises Rates by a Quarter-Point" meet; 0 for a headline of fewer than 3 words ("Business
 * Highlights") or none.  plain: fewer than SIMHASH_MIN_CONTENT_WORDS
 * content words ("10 Things You Need To Know This Morning", "Today in
 * History: Nov. 28"; counted by the stop words of the story's language
 * lang too, simhash_text_lang).  fp: its SimHash fingerprints (simhash_text), which
 * are also the story's when its text is not distinctive (simhash_story()'s
 * rule): the caller need not pass over the headline again. */
struct headix_headline {
	uint64_t hash;
	uint64_t series;   /* the same hash whatever the number of words ("Today's
	                      headlines" too); 0 for a headline without one */
	uint64_t shape;    /* of its words less its date, when it names a
	                      month or a weekday ("Morning Briefing: Sunday,
	                      October 11": "morning briefing"; "3 de
	                      diciembre", "12月3日", "03.12.2025" too),
	                      else 0 */
	uint64_t stem;     /* the hash (as series) of its words before its last
	                      " - ", " | ", " – " or " — " when 3 or more and no
	                      more than 80 bytes follow it, else 0: "X" of "X |
	                      Paper Times", the publisher's name an aggregator
	                      cuts (headix_item()) */
	struct simhash_fp fp;
	uint8_t plain;
};
void headix_headline(struct headix_headline *h, const char *title, const char *lang);

/* The item of a story: its publisher (host, as ingest.c's publisher()
 * gives it), its headline's pass, whether it came through an aggregator
 * (headix_via_aggregator()) and the bag of its fingerprint
 * (simhash_story(): its text's when that is distinctive, else its
 * headline's; 0 without one).  The key is 0 (not indexed) without a host
 * or a headline hash.  text: the fingerprint's bag when the story has a
 * distinctive text besides its headline (the bag is not the headline's)
 * and did not come through an aggregator, whose description is the
 * aggregator's (the headline again, or a list of other outlets'
 * headlines). */
void headix_item(struct headix_item *it, const char *host, const struct headix_headline *h,
                 int via_aggregator, uint64_t story_bag);

/* A story's series key for the clusterer (cluster_doc.series): its
 * publisher (host, as for headix_item) and its headline's words
 * (h->series), so that one site's "Letters to the editor" of every day
 * share one key.  0 without a host or a headline. */
uint64_t headix_series(const char *host, const struct headix_headline *h);

/* Opaque; owns its table. */
struct headix;

/* window: seconds of story time the index remembers, HEADIX_SPAN when
 * shorter (at least; older entries go when the table would grow).  NULL
 * when out of memory. */
struct headix *headix_new(int64_t window);
void headix_free(struct headix *ix);

/* The stories one key (publisher and headline) keeps: its newest this
 * many.  A headline a site gives to every item ("Letters to the Editor",
 * or a server sending 10,000 items under one, poll after poll) made one
 * probe run of every such story of the window, walked by each put and
 * get of the key: a poll of 10,000 such items cost 0.7 s, then 1.3, 2.0,
 * 2.7, 4.0 s as the window filled, and a restart's replay the square of
 * the window.  A site reuses a real headline a few times a day. */
#define HEADIX_SAME_MAX 64

/* Remembers story id (it->key 0: nothing); past HEADIX_SAME_MAX stories
 * of its key, the oldest is forgotten (or this one, when older still).
 * 0, or -1 out of memory. */
int headix_put(struct headix *ix, const struct headix_item *it, int64_t story_id, int64_t time);

/* Forgets story id under the item's keys: its headline before its feed
 * edited it (a restart indexes the headlines the stories have now). */
void headix_forget(struct headix *ix, const struct headix_item *it, int64_t story_id);

/* The story remembered with it's key whose time is closest to time,
 * within HEADIX_SPAN (ties: the earlier story), that is the same article:
 *   - when the two both have texts of their own, the texts are copies
 *     (bags within SIMHASH_DEFAULT_K bits): one publisher's two articles
 *     under one headline have leads of their own;
 *   - when either headline is plain, exactly one of the two came through
 *     an aggregator: the aggregator vouches that the publisher's item
 *     under that headline, that day, is the article it lists.
 * A publisher's own item is also found by an aggregator's item whose
 * headline is its stem ("X | Paper Times", the aggregator's "X - Paper
 * Times" cut of its <source>'s name), and finds such an item by its
 * stem_key, whatever its feed's branding (brand_feed_tail() finds none
 * in a feed of 1 or 2 items); two items through no aggregator never so.
 * 0 when none is.  (A story deleted since, by retention, may still be
 * remembered: the caller checks that it exists.) */
int64_t headix_get(const struct headix *ix, const struct headix_item *it, int64_t time);

/* How many stories remembered under its publisher and headline (any
 * number of words; its date aside, the month, weekday and numbers of a
 * headline that names a month or weekday) are at least gap and at most
 * the index's window away in story time (any text, any way in), their
 * ids in ids[0..max): with any, its headline recurs ("Today's
 * headlines", "Letters to the editor", "Morning Briefing: Sunday,
 * October 11" every day), and names a kind of item, not what it tells
 * (docs/threads.md, "Titles"). */
int headix_recurs(const struct headix *ix, const struct headix_item *it, int64_t time, int64_t gap,
                  int64_t *ids, int max);

size_t headix_count(const struct headix *ix);
size_t headix_memory(const struct headix *ix);

#endif
