/* tests/unit/feed_same.h — struct feed compared field by field, for the
 * tests that hold feed_parse() to feed_parse_whole() (test_feed_stream.c,
 * tests/fuzz/fuzz_feed.c).  Static: each program has its own copy. */
#ifndef TIDINGS_TESTS_FEED_SAME_H
#define TIDINGS_TESTS_FEED_SAME_H

#include <stdio.h>
#include <string.h>

#include "feeds/feed.h"

/* the first difference found, for the diagnostics */
static char diff[512];

static int same_str(const char *a, const char *b, const char *what)
{
	if ((!a && !b) || (a && b && !strcmp(a, b)))
		return 1;
	snprintf(diff, sizeof diff, "%s: '%.100s' vs '%.100s'", what, a ? a : "(null)",
	         b ? b : "(null)");
	return 0;
}

static int same_int(long long a, long long b, const char *what)
{
	if (a == b)
		return 1;
	snprintf(diff, sizeof diff, "%s: %lld vs %lld", what, a, b);
	return 0;
}

static int same_text(const struct feed_text *a, const struct feed_text *b, const char *what)
{
	char w[64];

	snprintf(w, sizeof w, "%s.value", what);
	if (!same_str(a->value, b->value, w))
		return 0;
	snprintf(w, sizeof w, "%s.type", what);
	if (!same_str(a->type, b->type, w))
		return 0;
	snprintf(w, sizeof w, "%s.language", what);
	if (!same_str(a->language, b->language, w))
		return 0;
	snprintf(w, sizeof w, "%s.language_http", what);
	if (!same_int(a->language_http, b->language_http, w))
		return 0;
	snprintf(w, sizeof w, "%s.base", what);
	return same_str(a->base, b->base, w);
}

static int same_link(const struct feed_link *a, const struct feed_link *b)
{
	return same_str(a->href, b->href, "link.href") && same_str(a->rel, b->rel, "link.rel") &&
	       same_str(a->type, b->type, "link.type") && same_str(a->title, b->title, "link.title") &&
	       same_int(a->length, b->length, "link.length");
}

static int same_links(const struct feed_link *a, size_t na, const struct feed_link *b, size_t nb)
{
	if (!same_int((long long)na, (long long)nb, "n_links"))
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!same_link(&a[i], &b[i]))
			return 0;
	return 1;
}

static int same_person(const struct feed_person *a, const struct feed_person *b)
{
	return same_str(a->name, b->name, "person.name") &&
	       same_str(a->email, b->email, "person.email") && same_str(a->uri, b->uri, "person.uri");
}

static int same_entry(const struct feed_entry *a, const struct feed_entry *b)
{
	if (!same_str(a->id, b->id, "id") || !same_str(a->id_written, b->id_written, "id_written") ||
	    !same_str(a->link, b->link, "link") ||
	    !same_str(a->origlink, b->origlink, "origlink") ||
	    !same_str(a->source_link, b->source_link, "source_link") ||
	    !same_str(a->source_title, b->source_title, "source_title") ||
	    !same_str(a->comments, b->comments, "comments") ||
	    !same_str(a->image, b->image, "image") ||
	    !same_text(&a->title, &b->title, "title") ||
	    !same_text(&a->summary, &b->summary, "summary") ||
	    !same_int((long long)a->n_content, (long long)b->n_content, "n_content"))
		return 0;
	for (size_t i = 0; i < a->n_content; i++)
		if (!same_text(&a->content[i], &b->content[i], "content"))
			return 0;
	if (!same_links(a->links, a->n_links, b->links, b->n_links) ||
	    !same_person(&a->author, &b->author) ||
	    !same_int((long long)a->n_contributors, (long long)b->n_contributors, "n_contributors"))
		return 0;
	for (size_t i = 0; i < a->n_contributors; i++)
		if (!same_person(&a->contributors[i], &b->contributors[i]))
			return 0;
	if (!same_int((long long)a->n_tags, (long long)b->n_tags, "n_tags"))
		return 0;
	for (size_t i = 0; i < a->n_tags; i++)
		if (!same_str(a->tags[i].term, b->tags[i].term, "tag.term") ||
		    !same_str(a->tags[i].scheme, b->tags[i].scheme, "tag.scheme") ||
		    !same_str(a->tags[i].label, b->tags[i].label, "tag.label"))
			return 0;
	return same_int(a->published, b->published, "published") &&
	       same_int(a->updated, b->updated, "updated") &&
	       same_str(a->published_raw, b->published_raw, "published_raw") &&
	       same_str(a->updated_raw, b->updated_raw, "updated_raw") &&
	       same_str(a->language, b->language, "language") &&
	       same_str(a->title_text, b->title_text, "title_text") &&
	       same_str(a->text, b->text, "text") && same_str(a->html, b->html, "html");
}

static int same_feed(const struct feed *a, const struct feed *b)
{
	if (!same_int(a->version, b->version, "version") ||
	    !same_str(a->encoding, b->encoding, "encoding") || !same_int(a->bozo, b->bozo, "bozo") ||
	    !same_str(a->bozo_reason, b->bozo_reason, "bozo_reason") ||
	    !same_text(&a->title, &b->title, "feed title") ||
	    !same_text(&a->subtitle, &b->subtitle, "subtitle") ||
	    !same_text(&a->rights, &b->rights, "rights") ||
	    !same_str(a->title_text, b->title_text, "feed title_text") ||
	    !same_str(a->link, b->link, "feed link") ||
	    !same_links(a->links, a->n_links, b->links, b->n_links) ||
	    !same_str(a->id, b->id, "feed id") || !same_str(a->language, b->language, "feed language") ||
	    !same_str(a->generator, b->generator, "generator") || !same_str(a->icon, b->icon, "icon") ||
	    !same_str(a->logo, b->logo, "logo") || !same_link(&a->image, &b->image) ||
	    !same_person(&a->author, &b->author) || !same_int(a->updated, b->updated, "feed updated") ||
	    !same_str(a->updated_raw, b->updated_raw, "feed updated_raw") ||
	    !same_int(a->ttl, b->ttl, "ttl") ||
	    !same_int(a->update_period, b->update_period, "update_period") ||
	    !same_int((long long)a->n_entries, (long long)b->n_entries, "n_entries"))
		return 0;
	for (size_t i = 0; i < a->n_entries; i++)
		if (!same_entry(&a->entries[i], &b->entries[i])) {
			size_t n = strlen(diff);

			snprintf(diff + n, sizeof diff - n, " (entry %zu)", i);
			return 0;
		}
	return 1;
}

/* Both paths on one document: 1 when they agree (also on refusing it,
 * with the same reason). */
static int agree(const char *buf, size_t len, const struct feed_context *ctx)
{
	struct feed *s = NULL, *w = NULL;
	char es[256], ew[256];
	int rs = feed_parse(buf, len, ctx, &s, es, sizeof es);
	int rw = feed_parse_whole(buf, len, ctx, &w, ew, sizeof ew);
	int r;

	diff[0] = '\0';
	if (rs != rw || (rs < 0 && strcmp(es, ew)))
		r = same_int(rs, rw, "result") && same_str(es, ew, "error");
	else
		r = rs < 0 || same_feed(s, w);
	feed_free(s);
	feed_free(w);
	return r;
}

#endif
