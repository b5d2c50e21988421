/* daemon/ident.c — identity keys of feed entries and the rotating-guid
 * detector.  Keys carry their kind as a prefix so a guid that happens to
 * look like a URL can never collide with a link key. */
#include "daemon/ident.h"
#include "daemon/canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t ident_trimmed(const char *s, const char **start)
{
	if (!s) {
		*start = "";
		return 0;
	}
	while (is_ws(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && is_ws(s[n - 1]))
		n--;
	*start = s;
	return n;
}

static char *prefixed(const char *prefix, const char *s, size_t n)
{
	char *k = malloc(n + 3);
	if (!k)
		return NULL;
	memcpy(k, prefix, 2);
	memcpy(k + 2, s, n);
	k[n + 2] = '\0';
	return k;
}

/* FNV-1a 64 with a final mix; the seed is ours and must never change, as
 * stored keys are compared with new ones. */
struct h64 {
	uint64_t h;
};

static void h_bytes(struct h64 *h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h->h = (h->h ^ (unsigned char)s[i]) * 0x100000001b3ull;
}

/* The text with every run of white space as one space, so a title
 * re-wrapped by the feed's generator keeps its key. */
static void h_folded(struct h64 *h, const char *s, size_t n)
{
	int space = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_ws(s[i])) {
			space = 1;
			continue;
		}
		if (space)
			h_bytes(h, " ", 1);
		space = 0;
		h_bytes(h, s + i, 1);
	}
}

static uint64_t h_final(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* `canon`: the link's canonical URL when `have_canon` (NULL: refused),
 * else computed here if needed. */
static int key(const struct ident_entry *e, int use_link, int have_canon,
               const char *canon, char **out)
{
	const char *guid, *link, *title;
	size_t ng, nl, nt;

	*out = NULL;
	if (!e)
		return -1;
	ng = ident_trimmed(e->guid, &guid);
	nl = ident_trimmed(e->link, &link);
	nt = ident_trimmed(e->title, &title);
	if (nt == 0)
		nt = ident_trimmed(e->text, &title);

	/* Items without guids under one link (a podcast's episodes that all
	 * link to the show's page, a ministry's releases to its press page)
	 * are told apart by their titles and dates: by the link, all the
	 * episodes of a document were one item, and each new one overwrote
	 * the last one's story. */
	if (ng == 0 && e->link_shared && (nt > 0 || e->published != IDENT_NO_TIME))
		nl = 0;
	if (ng > 0 && !(use_link && nl > 0)) {
		*out = prefixed("g:", guid, ng);
	} else if (nl > 0) {
		char *own = NULL;
		if (!have_canon && canon_url(link, &own) == -2)
			return -2;   /* the link as written is not its key */
		if (own)
			canon = own;
		*out = canon ? prefixed("l:", canon, strlen(canon))
		             : prefixed("l:", link, nl);
		free(own);
	} else {
		if (nt == 0 && e->published == IDENT_NO_TIME)
			return -1;
		struct h64 h = { 0x84222325cbf29ce4ull };
		h_folded(&h, title, nt);
		/* A unit separator keeps "title" + "1" apart from "title1". */
		h_bytes(&h, "\x1f", 1);
		if (e->published != IDENT_NO_TIME) {
			char num[24];
			int n = snprintf(num, sizeof num, "%lld", (long long)e->published);
			h_bytes(&h, num, (size_t)n);
		}
		char hex[17];
		snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h_final(h.h));
		*out = prefixed("h:", hex, 16);
	}
	/* -2, not -1: the entry has an identity, memory ran out */
	return *out ? 0 : -2;
}

int ident_key(const struct ident_entry *e, int use_link, char **out)
{
	return key(e, use_link, 0, NULL, out);
}

int ident_key_canon(const struct ident_entry *e, int use_link, const char *canon,
                    char **out)
{
	return key(e, use_link, 1, canon, out);
}

int ident_guids_rotate(const struct ident_poll *p, int previous)
{
	if (!p || p->items < 3)
		return previous;
	/* Links shared between items cannot tell the items apart. */
	if ((uint64_t)p->distinct_links * 10 < (uint64_t)p->items * 9)
		return 0;
	/* At least half the guids came back: they are stable. */
	if ((uint64_t)p->new_guids * 2 <= p->items)
		return 0;
	/* Most guids are new and three in four of those items are old
	 * links: the same items under new guids. */
	if ((uint64_t)p->new_known_link * 4 >= (uint64_t)p->new_guids * 3)
		return 1;
	/* New guids on mostly new links: fresh items, no evidence. */
	return previous;
}
