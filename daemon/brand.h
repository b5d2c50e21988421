/* daemon/brand.h — publishers' names that headlines carry and that say
 * nothing of the story: an aggregator's " - Reuters" (the item's
 * <source>), a site's " | Daily Planet" on every title of its feed.  Such
 * a name is a word every story of one publisher shares across events and
 * that other outlets' reports of an event lack, so it draws the wrong
 * stories together and the right ones apart (docs/threads.md, "headlines
 * through an aggregator").  Ingest stores and clusters titles without it.
 * Pure functions over strings. */
#ifndef TIDINGS_BRAND_H
#define TIDINGS_BRAND_H

#include <stddef.h>

struct feed;

/* title without a trailing " - name" (or " | ", " – ", " — "; as many
 * times as it ends so: "X | name - name" is "X"), malloc'd;
 * name is compared exactly, white space around it aside.  NULL when
 * title does not end so, when nothing would be left, when title or name
 * is NULL, or out of memory (then the title as it is). */
char *brand_cut_title(const char *title, const char *name);

/* The same for a plain text ending with " name" (Google News's
 * descriptions: the headline, then the publisher). */
char *brand_cut_text(const char *text, const char *name);

/* The branding of a feed's titles: the tail, from a separator (" - ",
 * " | ", " – ", " — ", " :: ") on, that at least 3 of its titled entries
 * and at least half of them end with, the same to the byte ("| Daily
 * Planet").  Its length, with *tail pointing into one of the titles, or 0
 * when there is none.  A title that is the tail and nothing before it
 * does not count.  -1 out of memory. */
long brand_feed_tail(const struct feed *f, const char **tail);

/* title without tail[0..n) at its end, malloc'd; NULL when it does not
 * end so, nothing would be left, or out of memory. */
char *brand_cut_tail(const char *title, const char *tail, size_t n);

/* An item's text as brand_text_trailer() reads it. */
struct brand_text {
	const char *title;        /* its headline as the feed wrote it, or NULL */
	const char *text;         /* its plain text (lines: '\n'), or NULL */
	const char *site, *source; /* its link's host and its <source>'s, or NULL */
	size_t keep;              /* out: see below */
};

/* The trailer of a feed's texts: a last line (after a text's last line
 * break) that at least 3 of the n texts of one site (site and source)
 * and at least half of all those that are not empty end with, the same
 * to the byte once the item's own title is taken out of it: WordPress's
 * "The post <title> appeared first on <site>.", "Continue reading
 * <title>", "Read more »", "Sign up for our newsletter"; else, so
 * shared, the end of a last line after its last ellipsis ("... cut
 * short… Continue reading →", the ellipsis kept).  It is the feed's,
 * not the item's.  A text that is such a line alone counts when
 * the line holds the item's title; a line that is only the title is
 * none.  v[i].keep gets the length of v[i].text before that line (0: the
 * text is nothing else), or (size_t)-1 when it does not end so.  Returns
 * how many texts end so (0: none), -1 out of memory. */
long brand_text_trailer(struct brand_text *v, size_t n);

#endif