/* daemon/ingest_item.c — which of its feed's items an entry is (level 1).
 *
 * docs/dedup.md, "Level 1", says what users see; this is the order the
 * rules are applied in.  A feed is in one of two states, kept in
 * feeds.guids_rotate: known by guid (its items' keys are "g:" + guid,
 * else "l:" + canonical link, else "h:" + title and date: ident.h) or
 * known by link (every item with a link is "l:", whatever its guid).
 * For one entry under its key:
 *
 *  1. item_by_key: the feed's row under that key; else, for a guid, the
 *     row under the key an older version gave a relative guid
 *     (legacy_guid); for "h:", the feed's own story re-dated by a zone
 *     read otherwise (find_redated); for an item without a guid, its row
 *     under its other key of "l:" and "h:" when the document began or
 *     ceased to share its link (shared_link_key); its row under its web
 *     address before the site moved to https or to or from "www."
 *     (moved_site); known by link, the story of the entry's guid under
 *     a new link, when the document lists that story under no other key
 *     and the guid is recent or still the story's newest key in the
 *     feed.
 *  2. (ingest.c: the same article by canonical URL or headline, level 2.)
 *  3. item_count_guid: the entry, when it has a guid and a canonical link
 *     and is not left out for its age, counts for the poll's verdict on
 *     the feed's guids (ident_guids_rotate): a guid the feed had, or a new
 *     one, on a link it had or not.
 *  4. item_rekeyed: not found yet, and known by guid: the feed's own story
 *     under the entry's link, or under a link it gives several items with
 *     this very content, under a key the document no longer has and
 *     first carried less than RECUR_GAP ago (or, at any age, under the
 *     entry's guid with another number after its '#'), takes the
 *     entry's key.
 *
 * After the poll, ingest_feed asks ident_guids_rotate whether the feed
 * changes state, and known_anew gives each entry a row under its key of
 * the new kind, so that the next poll finds every item by it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ident.h"
#include "daemon/ingest_int.h"

/* Whether the document being stored has an entry under key `ident`
 * (store_find_redated's `listed`). */
static int doc_has_key(const char *ident, void *ctx)
{
	const struct entry_ctx *x = ctx;
	size_t lo = 0, hi = x->n_keys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = x->keys[mid].ident ? strcmp(x->keys[mid].ident, ident) : -1;

		if (!c)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* An item with neither guid nor link is known by its title and date
 * ("h:"), and a date read otherwise than when it was stored makes
 * another key: an upgrade that reads a zone name (CEST, JST), a zone
 * word after the time or a day name without a zone as the instant it
 * names gave every such item still listed a second story, text for
 * text the first.  Not found under its key, the item is the feed's own
 * story with the same content, dated within a day of it by whole
 * quarter hours (a zone's difference) or undated (or misread: a date
 * before the end of 1970's first day; or any date when the item has none
 * now, "01-12-2026" an older version read as 2001), whose key no entry of
 * this document has, and that the feed carried already at the item's
 * date (a re-dated item was there before its new date; the same words
 * posted again the next day, a daily "Backup completed" from a feed
 * that lists its newest item alone, are dated after the feed was last
 * read, and each such day was taken for yesterday's item re-dated: no
 * new story, the day lost).  "Carried": first seen at that date or
 * later, or the feed read at or after it, the story still stored: a
 * new reading can be later than the story was first seen (a server
 * whose zone went from +02:00 to UTC, local times without a zone read
 * as UTC east of it), and a feed polled within the hour of its posts
 * stored all of them twice.  That story is re-keyed and is the item
 * from now on
 * (it keeps the date it has, as an item known by guid keeps its date
 * when only its date changes; entry_hash has none).  *id stays 0 when
 * there is no such story, or more than one.  -1 on a database error. */
static int find_redated(struct entry_ctx *x, const struct store_story *s, int64_t *id,
                        uint64_t *hash, int *owner)
{
	char *old_ident = NULL;
	int64_t found;

	if (store_find_redated(x->in->st, x->feed_id, s->ident, s->content_hash, s->published,
	                       doc_has_key, x, &found, &old_ident) < 0)
		return -1;
	if (found && store_rekey_item(x->in->st, x->feed_id, old_ident, s->ident) < 0) {
		free(old_ident);
		return -1;
	}
	free(old_ident);
	if (found) {
		*id = found;
		*hash = s->content_hash;
		*owner = 1;
	}
	return 0;
}

/* An item known by a relative guid was stored under that guid resolved
 * against the feed's URL before it was known by the guid as written
 * (entry_ident): not found under its key, it is the row under the key it
 * had then, and keeps that key (re-keyed, every such story would change
 * once after the upgrade, a new seq for nothing).  When found, *ident
 * becomes that key (in *legacy, which the caller frees).  -1 on a
 * database error or out of memory. */
static int legacy_guid(struct entry_ctx *x, const struct feed_entry *e, const char **ident,
                       char **legacy, int64_t *id, uint64_t *hash, int *owner)
{
	struct ident_entry ie = { .guid = e->id, .published = IDENT_NO_TIME };
	char *k = NULL;
	int rc;

	if (!e->id_written)
		return 0;
	rc = ident_key(&ie, 0, &k);
	if (rc == -2)
		return -1;
	if (rc < 0 || strncmp(k, "g:", 2) != 0 || strcmp(k, *ident) == 0) {
		free(k);
		return 0;
	}
	if (store_find_item(x->in->st, x->feed_id, k, id, hash, owner) < 0) {
		free(k);
		return -1;
	}
	if (!*id) {
		free(k);
		return 0;
	}
	*ident = *legacy = k;
	return 0;
}

/* The feed's item under this entry's guid key ("g:", from a poll that
 * knew its items by guid): its story in *id (0 when none, or when the
 * guid is blank: the entry is known by its link either way), with its
 * hash and owner as store_find_item gives them.  -1 on error. */
static int guid_item(struct entry_ctx *x, const struct feed_entry *e,
                     const struct ident_entry *ie, int64_t *id, uint64_t *hash, int *owner)
{
	char *gk = NULL, *legacy = NULL;
	const char *k;
	int rc = ident_key(ie, 0, &gk);

	*id = 0;
	if (rc == -2)
		return -1;
	rc = 0;
	if (gk && strncmp(gk, "g:", 2) == 0) {
		k = gk;
		if (store_find_item(x->in->st, x->feed_id, gk, id, hash, owner) < 0 ||
		    (!*id && legacy_guid(x, e, &k, &legacy, id, hash, owner) < 0))
			rc = -1;
	}
	free(gk);
	free(legacy);
	return rc;
}

/* 1 when the feed has an item under this entry's guid key (guid_item),
 * 0 when not, -1 on error. */
static int guid_known(struct entry_ctx *x, const struct feed_entry *e,
                      const struct ident_entry *ie)
{
	int64_t id;
	uint64_t hash;
	int owner;

	if (guid_item(x, e, ie, &id, &hash, &owner) < 0)
		return -1;
	return id != 0;
}

/* 1 when story `id` holds `guid` as its guid (stories.guid: its own
 * feed's item as last stored), 0 when not, -1 on error. */
static int story_guid_is(struct entry_ctx *x, int64_t id, const char *guid)
{
	char *author, *link, *had;
	int rc;

	if (store_story_byline(x->in->st, id, &author, &link, &had) < 0)
		return -1;
	rc = had && guid && strcmp(had, guid) == 0;
	free(author);
	free(link);
	free(had);
	return rc;
}

/* Whether key `ident` is another than the key `ctx` (store_feed_item_of's
 * `listed`, to ask for that one key only). */
static int other_key(const char *ident, void *ctx)
{
	return strcmp(ident, ctx) != 0;
}

/* Any key (store_feed_item_of's `listed`, to ask for its newest row). */
static int no_key(const char *ident, void *ctx)
{
	(void)ident;
	(void)ctx;
	return 0;
}

/* Whether the document being stored has no entry under key `ident`. */
static int doc_lacks_key(const char *ident, void *ctx)
{
	return !doc_has_key(ident, ctx);
}

/* 1 when keys a and b are one guid but for a fragment of digits, other
 * in each: "g:https://www.bbc.com/news/articles/c9dj3k2l1p0o#0" and
 * "...#3", the BBC's guid of one article at its first and fourth
 * version. */
static int guid_revision(const char *a, const char *b)
{
	const char *ha = strrchr(a, '#'), *hb = strrchr(b, '#');
	size_t n;

	if (strncmp(a, "g:", 2) != 0 || strncmp(b, "g:", 2) != 0 || !ha || !hb ||
	    (n = (size_t)(ha - a)) != (size_t)(hb - b) || memcmp(a, b, n) != 0 ||
	    !memchr(a, '/', n) || !ha[1] || !hb[1] || strcmp(ha, hb) == 0)
		return 0;
	return strspn(ha + 1, "0123456789") == strlen(ha + 1) &&
	       strspn(hb + 1, "0123456789") == strlen(hb + 1);
}

struct revision_ctx {
	struct entry_ctx *x;
	const char *ident;       /* the entry's key */
};

/* Whether key `ident` is not an earlier version of the entry's own guid
 * that the document no longer lists (store_feed_item_of's `listed`). */
static int no_revision(const char *ident, void *ctx)
{
	const struct revision_ctx *r = ctx;

	return !guid_revision(ident, r->ident) || doc_has_key(ident, r->x);
}

/* What an entry is known by in its feed (docs/dedup.md, level 1): the
 * guid, link, or title and text as the feed gives them (whether its
 * branding is seen can change from one response to the next).  A
 * relative guid as it is written: resolved, it was another key once the
 * feed moved (a permanent redirect to https or another path), and every
 * item of the feed a new one to it, as if its guids rotated. */
struct ident_entry ingest_entry_ident(const struct feed_entry *e,
                                      const struct ingest_entry_prep *pe)
{
	struct ident_entry ie = {
		.guid = e->id_written ? e->id_written : e->id,
		.link = e->origlink ? e->origlink : e->link,
		.title = e->title_text, .text = e->text, .published = e->published,
		.link_shared = pe->link_shared,
	};
	return ie;
}

/* The feed's item under key `old` (malloc'd, freed here; NULL: none) is
 * known as `ident` from now on: its story in *id, with its hash and
 * owner as store_find_item gives them.  -1 on a database error. */
static int take_key(struct entry_ctx *x, char *old, const char *ident, int64_t *id,
                    uint64_t *hash, int *owner)
{
	int rc = 0;

	if (old && (store_rekey_item(x->in->st, x->feed_id, old, ident) < 0 ||
	            store_find_item(x->in->st, x->feed_id, ident, id, hash, owner) < 0))
		rc = -1;
	free(old);
	return rc;
}


/* An item without a guid under a link another entry of the document
 * has too is known by its title and date (ident.h), where an older
 * version knew it by that link: the row under the link key holds the
 * one item of them it stored last (a podcast's newest episode of the
 * time).  The entry with that very content is that row's item, and
 * takes it under its new key (else the first poll after the upgrade
 * stored that episode a second time); the others are new to the feed.
 * So is the item of a feed that listed it alone before (one episode,
 * then two), and the other way round: listed alone again (a feed cut
 * to its newest item), the item is its row under its title and date.
 * -1 on a database error or out of memory. */
static int shared_link_key(struct entry_ctx *x, const struct ident_entry *ie, const char *canon,
                           const char *ident, uint64_t content_hash, int64_t *id,
                           uint64_t *hash, int *owner)
{
	struct ident_entry other = *ie;
	const char *guid;
	char *k = NULL;
	int64_t was;
	uint64_t had;
	int was_owner, rc;

	if (ident_trimmed(ie->guid, &guid) > 0)
		return 0;
	other.link_shared = !ie->link_shared;
	rc = ident_key_canon(&other, 0, canon, &k);
	if (rc == -2)
		return -1;
	if (rc < 0 || strncmp(k, ie->link_shared ? "l:" : "h:", 2) != 0 || doc_has_key(k, x)) {
		free(k);
		return 0;
	}
	if (store_find_item(x->in->st, x->feed_id, k, &was, &had, &was_owner) < 0) {
		free(k);
		return -1;
	}
	/* (Under the link, any of the items; under its title and date, the
	 * item.) */
	if (!was || (ie->link_shared && had != content_hash)) {
		free(k);
		return 0;
	}
	return take_key(x, k, ident, id, hash, owner);
}

/* The feed's item under key `ident` as the site wrote it before it moved
 * to https, or from example.org to www.example.org (or back): "g:" or
 * "l:" and a web address, with the other scheme, the other host, or
 * both.  A static site (Hugo, Jekyll) whose guids are its pages'
 * addresses regenerates its feed with every guid and link on the new
 * scheme: each item was new to the feed (new guids on new links are
 * fresh news to the rotating-guid detector), and every post it listed
 * was stored a second time.  Within one feed the two addresses are one
 * page (across feeds they may not be: docs/dedup.md, level 2).  Only a
 * key the document does not list itself.  The row found is known as
 * `ident` from now on (take_key); *id stays 0 when there is none.  -1
 * on a database error or out of memory. */
static int moved_site(struct entry_ctx *x, const char *ident, int64_t *id, uint64_t *hash,
                      int *owner)
{
	const char *rest, *host;
	size_t n = strlen(ident);
	int https;

	if (strncmp(ident, "g:", 2) != 0 && strncmp(ident, "l:", 2) != 0)
		return 0;
	if (strncmp(ident + 2, "http://", 7) == 0)
		https = 0;
	else if (strncmp(ident + 2, "https://", 8) == 0)
		https = 1;
	else
		return 0;
	host = ident + 2 + (https ? 8 : 7);
	rest = host + (strncmp(host, "www.", 4) == 0 ? 4 : 0);
	if (!*rest || *rest == '/')
		return 0;
	for (int v = 1; v < 4 && !*id; v++) {
		/* v: 1 the other scheme, 2 the other host, 3 both */
		int sch = v & 1 ? !https : https, www = v & 2 ? rest == host : rest != host;
		char *k = malloc(n + 8);

		if (!k)
			return -1;
		snprintf(k, n + 8, "%.2s%s%s%s", ident, sch ? "https://" : "http://",
		         www ? "www." : "", rest);
		if (doc_has_key(k, x)) {
			free(k);
			continue;
		}
		if (store_find_item(x->in->st, x->feed_id, k, id, hash, owner) < 0) {
			free(k);
			return -1;
		}
		if (!*id) {
			free(k);
			continue;
		}
		*id = 0;
		if (take_key(x, k, ident, id, hash, owner) < 0)    /* (frees k) */
			return -1;
	}
	return 0;
}

/* See the top: 1. */
int item_by_key(struct entry_ctx *x, const struct feed_entry *e,
                const struct ingest_entry_prep *pe, struct store_story *s, char **legacy,
                struct item *it)
{
	struct ingest *in = x->in;
	struct ident_entry ie = ingest_entry_ident(e, pe);
	const char *ident = s->ident;
	int rc = -1;

	it->id = 0;
	it->hash = 0;
	it->owner = 0;
	if (store_find_item(in->st, x->feed_id, ident, &it->id, &it->hash, &it->owner) < 0)
		return -1;
	if (!it->id && strncmp(ident, "g:", 2) == 0 &&
	    legacy_guid(x, e, &ident, legacy, &it->id, &it->hash, &it->owner) < 0)
		return -1;
	s->ident = ident;
	if (!it->id && strncmp(ident, "h:", 2) == 0 &&
	    find_redated(x, s, &it->id, &it->hash, &it->owner) < 0)
		return -1;
	if (!it->id && strncmp(ident, ie.link_shared ? "h:" : "l:", 2) == 0 &&
	    shared_link_key(x, &ie, pe->canon, ident, s->content_hash, &it->id, &it->hash,
	                    &it->owner) < 0)
		return -1;
	if (!it->id && moved_site(x, ident, &it->id, &it->hash, &it->owner) < 0)
		return -1;
	/* Known by link, an item under a new link and a guid the feed had
	 * while it was known by guid: its story, which the document lists
	 * under no other key (a draft's address replaced by the final one in
	 * the poll that shows a CMS's new guids repeating, which turns the
	 * feed back to them).  Its row under the new link key has the
	 * story's hash, and the edit is stored as any item's.  Taken for a
	 * new item, it was a second story of the feed's one article, a copy
	 * of the first that kept its first headline for good.  Only a guid
	 * the feed first had less than RECUR_GAP ago (the new guids of the
	 * poll before, or of the last few): a small site whose database was
	 * reset numbers its new articles from "1" again, and the new article
	 * under the guid of an old one that the document no longer lists
	 * (its guid kept for it since its CMS's switch, 18 hours or more
	 * after its first poll) overwrote that story, never a story of its
	 * own: the old article's headline, link and text were gone. */
	if (it->id || !x->use_link || strncmp(ident, "l:", 2) != 0 || !e->id)
		return 0;

	int64_t gid;
	uint64_t ghash;
	int gowner;
	char *listed = NULL, *gk = NULL, *recent = NULL;

	/* Or the newest key the feed has for that story, however old (the
	 * guid came with the poll before, a day ago for a feed that cron
	 * polls once a day): the reinstalled blog's old post was found by
	 * its link after the guid it had. */
	if (guid_item(x, e, &ie, &gid, &ghash, &gowner) < 0 ||
	    (gid && (ident_key(&ie, 0, &gk) == -2 ||
	             (gk && store_feed_item_of(in->st, x->feed_id, gid, x->now - RECUR_GAP,
	                                       other_key, gk, &recent) < 0) ||
	             (gk && !recent &&
	              store_feed_item_of(in->st, x->feed_id, gid, 0, no_key, NULL, &recent) < 0) ||
	             store_feed_item_of(in->st, x->feed_id, gid, 0, doc_lacks_key, x,
	                                &listed) < 0)))
		goto out;
	if (!recent || strcmp(recent, gk) != 0)
		gid = 0;
	if (gid && !listed) {
		if (store_add_story_feed(in->st, gid, x->feed_id, ident, x->now, ghash) < 0)
			goto out;
		it->id = gid;
		it->hash = ghash;
		it->owner = gowner;
	}
	rc = 0;
out:
	free(gk);
	free(recent);
	free(listed);
	return rc;
}

/* See the top: 3.  Items dated before the retention cut are not
 * counted (the caller's): their guids are new to the feed and their
 * links unknown whether the feed's guids rotate or not (they have no
 * row).  Counted, the items retention deleted outnumbered the ones still
 * stored, and a feed whose guids began to rotate was never switched to
 * link identity: one story_feeds row more for each of its recent items
 * at every poll. */
int item_count_guid(struct entry_ctx *x, const struct feed_entry *e,
                    const struct ingest_entry_prep *pe, const char *ident,
                    const struct item *it, int64_t canon_id)
{
	struct ident_entry ie = ingest_entry_ident(e, pe);
	const char *canon = pe->canon;
	int had_guid = it->id != 0, has = 0;

	if (!e->id || !canon || x->decided)
		return 0;
	x->link_hash[x->poll.items] = ingest_fnv1a(0xcbf29ce484222325ull, canon);
	x->poll.items++;
	/* Known by link, the item was looked up by its link: finding it
	 * says nothing of its guid, which is one the feed had only when a
	 * row holds it under its own key.  (Counted as a repeat, every
	 * rotated guid turned the feed back to guid identity, and the next
	 * poll to link identity again, one story_feeds row more for every
	 * item every other poll.) */
	if (x->use_link && strncmp(ident, "l:", 2) == 0 && (had_guid = guid_known(x, e, &ie)) < 0)
		return -1;
	/* Nor is a guid first seen while the feed was known by link new
	 * when its story, found by its link, holds it (the feed's own item
	 * as stored, stories.guid): a rotated one never is.  Counted as new,
	 * the items a CMS's new guid scheme published in the poll after the
	 * switch, more of them than the items it still listed from before,
	 * were "new guids on known links" at every poll from then on, and
	 * the feed, whose guids no longer changed, stayed known by link for
	 * good (a link corrected then was a second story). */
	if (!had_guid && x->use_link && it->id && it->owner && strncmp(ident, "l:", 2) == 0 &&
	    (had_guid = story_guid_is(x, it->id, e->id)) < 0)
		return -1;
	if (had_guid)
		return 0;
	x->poll.new_guids++;
	if (it->id)
		has = 1;     /* found by its link: a link the feed had */
	else if (canon_id && store_feed_has_canonical(x->in->st, x->feed_id, canon, &has) < 0)
		return -1;
	x->poll.new_known_link += has;
	return 0;
}

/* See the top: 4.  Called for an entry item_by_key did not find, with
 * the story level 2 found for it in *canon_id (0 none), which is 0
 * again when it is the item. */
int item_rekeyed(struct entry_ctx *x, const struct store_story *s, const char *canon,
                 int link_shared, int64_t *canon_id, struct item *it)
{
	struct ingest *in = x->in;
	char *old = NULL;

	if (x->use_link)
		return 0;
	/* This feed's own item under a new key: a CMS that gives an item a
	 * new guid at every edit and keeps its link (a live blog), a feed
	 * that adds guids to items it listed without.  The story is the one
	 * the feed carries under that link, under a key this document does
	 * not have (two items under one link were told apart by ingest.c):
	 * it takes the new key, and its edit is stored as any item's.  Taken
	 * for the same article again, it kept its first text for good (the
	 * headline "LIVE: ..." after the feed said "As it happened: ...",
	 * the search index the first version's words) and gained one
	 * story_feeds row at every edit.  Not while the feed is known by
	 * link: the rows it had under its guids are how it is found to have
	 * gone back to them (guid_known).  Nor when the feed first carried
	 * the story RECUR_GAP or more ago: a site that points one address
	 * ("/live") at each day's new live blog, under a new guid, would
	 * have had yesterday's story overwritten by today's (that one is
	 * still taken for the same article again, as before).  But a guid
	 * that is the old one with another number after its "#" is a new
	 * version of that very item, however old (the BBC's "#0", "#1"...
	 * at each republication of an article): a developing story revised
	 * a day after it was first listed kept its first day's headline for
	 * good. */
	if (*canon_id) {
		int state = 0;
		struct revision_ctx rev = { x, s->ident };

		if (store_story_in_feed(in->st, *canon_id, x->feed_id, &state) < 0 ||
		    (state == 2 && store_feed_item_of(in->st, x->feed_id, *canon_id, x->now - RECUR_GAP,
		                                      doc_has_key, x, &old) < 0) ||
		    (state == 2 && !old &&
		     store_feed_item_of(in->st, x->feed_id, *canon_id, 0, no_revision, &rev, &old) < 0) ||
		    take_key(x, old, s->ident, &it->id, &it->hash, &it->owner) < 0)
			return -1;
		if (it->id)
			*canon_id = 0;
		return 0;
	}
	/* The same for an item under a link the feed gives several items,
	 * told from them by its content: a feed whose guids rotate, at the
	 * poll that finds it out (a podcast's episodes under its home page,
	 * a feed's two items under one address), made a new story, a copy,
	 * of each such item.  Its story is the one the feed carries under
	 * that link with that very content, under a key this document does
	 * not have (a link several stories have names none of them to
	 * store_find_canonical); when more than one is, a new story, as
	 * before. */
	if (canon && link_shared) {
		int64_t was = 0;

		if (store_feed_item_shared(in->st, x->feed_id, canon, s->content_hash,
		                           x->now - RECUR_GAP, doc_has_key, x, &was, &old) < 0 ||
		    take_key(x, old, s->ident, &it->id, &it->hash, &it->owner) < 0)
			return -1;
	}
	return 0;
}
