/* daemon/ingest.c — entries to stories: identity, canonical URL, insert
 * or update.  Pure bookkeeping over the store; the parser has already
 * produced plain text and sanitised HTML. */
#include "daemon/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ingest {
	struct store *st;
	const struct config *cfg;
};

int ingest_new(struct store *st, const struct config *c, struct ingest **out)
{
	struct ingest *in = calloc(1, sizeof *in);

	*out = NULL;
	if (!in)
		return -1;
	in->st = st;
	in->cfg = c;
	*out = in;
	return 0;
}

void ingest_free(struct ingest *in)
{
	free(in);
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	if (!s)
		return h ^ 0xff;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull;
}

/* Identity of an entry inside its feed: guid, else link, else a hash of
 * title and date.  Written into buf. */
static const char *entry_ident(const struct feed_entry *e, char *buf, size_t n)
{
	if (e->id && *e->id) {
		snprintf(buf, n, "g:%s", e->id);
	} else if (e->link && *e->link) {
		snprintf(buf, n, "l:%s", e->link);
	} else {
		char date[32];
		snprintf(date, sizeof date, "%lld", (long long)
		         (e->published != FEED_NO_TIME ? e->published : e->updated));
		snprintf(buf, n, "h:%016llx", (unsigned long long)
		         fnv1a(fnv1a(0xcbf29ce484222325ull, e->title_text), date));
	}
	return buf;
}

static uint64_t entry_hash(const struct feed_entry *e)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = fnv1a(h, e->title_text);
	h = fnv1a(h, e->link);
	h = fnv1a(h, e->html);
	h = fnv1a(h, e->text);
	h = fnv1a(h, e->author.name);
	return h ? h : 1;
}

static int64_t t_or_0(int64_t t)
{
	return t == FEED_NO_TIME ? 0 : t;
}

int ingest_feed(struct ingest *in, int64_t feed_id, const char *feed_url,
                const struct feed *f, int64_t now, struct ingest_stats *stats)
{
	char ident[4096];

	memset(stats, 0, sizeof *stats);
	stats->entries = (int)f->n_entries;
	for (size_t i = 0; i < f->n_entries; i++) {
		const struct feed_entry *e = &f->entries[i];
		struct store_story s;
		int64_t id = 0;
		uint64_t old_hash = 0;
		const char *link = e->origlink ? e->origlink : e->link;

		memset(&s, 0, sizeof s);
		s.feed_id = feed_id;
		s.ident = entry_ident(e, ident, sizeof ident);
		s.guid = e->id;
		s.link = e->link;
		s.canonical_url = link;
		s.title = e->title_text;
		s.author = e->author.name;
		s.published = t_or_0(e->published);
		s.updated = t_or_0(e->updated);
		s.first_seen = now;
		s.summary = e->text;
		s.content = e->html;
		s.lang = e->language ? e->language : f->language;
		s.content_hash = entry_hash(e);

		if (store_find_item(in->st, feed_id, s.ident, &id, &old_hash) < 0)
			return -1;
		if (id) {
			if (old_hash == s.content_hash)
				continue;
			if (store_update_story(in->st, id, &s) < 0)
				return -1;
			stats->updated++;
			continue;
		}
		if (s.canonical_url && store_find_canonical(in->st, s.canonical_url, &id) < 0)
			return -1;
		if (id) {
			if (store_add_story_feed(in->st, id, feed_id, s.ident, now) < 0)
				return -1;
			stats->cross_feed++;
			continue;
		}
		if (store_insert_story(in->st, &s, &id) < 0)
			return -1;
		stats->new_stories++;
	}
	(void)feed_url;
	return 0;
}
