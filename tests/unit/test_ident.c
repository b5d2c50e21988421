/* tests/unit/test_ident.c — dedup level 1: identity keys of entries, the
 * rotating-guid detector on its own, and both replayed over the polls in
 * tests/data/dedup/ident_polls.tsv against a small in-memory store. */
#include "daemon/ident.h"
#include "daemon/canon.h"
#include "tests/unit/tap.h"

#include <stdio.h>
#include <stdlib.h>

static void key(const struct ident_entry *e, int use_link, const char *want, const char *name)
{
	char *got = NULL;
	int rc = ident_key(e, use_link, &got);
	if (!want)
		ok(rc == -1 && got == NULL, name);
	else
		is_str(rc == 0 ? got : "(refused)", want, name);
	free(got);
	/* With the canonical link made beforehand (by the parse worker) the
	 * key is the same. */
	{
		char *canon = NULL, *k2 = NULL, n2[300];
		if (e && e->link && canon_url(e->link, &canon) < 0)
			canon = NULL;
		rc = ident_key_canon(e, use_link, canon, &k2);
		snprintf(n2, sizeof n2, "%s (canonical link given)", name);
		if (!want)
			ok(rc == -1 && k2 == NULL, n2);
		else
			is_str(rc == 0 ? k2 : "(refused)", want, n2);
		free(canon);
		free(k2);
	}
}

static char *key_of(const struct ident_entry *e)
{
	char *k = NULL;
	ident_key(e, 0, &k);
	return k;
}

static void keys(void)
{
	struct ident_entry e = { .guid = "tag:example.com,2026:42", .link = "http://example.com/42",
	                         .title = "T", .published = 1700000000 };
	key(&e, 0, "g:tag:example.com,2026:42", "a guid is the key");
	key(&e, 1, "l:http://example.com/42", "with use_link the link is the key");
	e.guid = "  \n tag:example.com,2026:42\t";
	key(&e, 0, "g:tag:example.com,2026:42", "the guid is trimmed");
	e.guid = "ABC";
	key(&e, 0, "g:ABC", "guids are case-sensitive (kept as given)");
	e.guid = "   ";
	key(&e, 0, "l:http://example.com/42", "a blank guid is no guid");
	e.guid = NULL;
	e.link = "HTTP://Example.com:80/42?utm_source=rss#top";
	key(&e, 0, "l:http://example.com/42", "no guid: the canonical link is the key");
	e.link = "  /relative/42 ";
	key(&e, 0, "l:/relative/42", "a link canon_url refuses is kept trimmed");
	e.guid = "http://example.com/42";
	e.link = "http://example.com/42";
	char *g = NULL, *l = NULL;
	ident_key(&e, 0, &g);
	ident_key(&e, 1, &l);
	ok(g && l && strcmp(g, l) != 0, "a URL-shaped guid never collides with a link key");
	free(g);
	free(l);
	e.guid = "g1";
	e.link = NULL;
	key(&e, 1, "g:g1", "use_link without a link keeps the guid");

	/* title + date */
	struct ident_entry a = { .title = "Council approves budget", .published = 1700000000 };
	struct ident_entry b = a, c = a, d = a, t = a;
	b.title = "  Council \n approves\tbudget ";
	c.published = 1700000001;
	d.title = "Council approves budget!";
	t.title = NULL;
	t.text = "Council approves budget";
	char *ka = key_of(&a), *kb = key_of(&b), *kc = key_of(&c), *kd = key_of(&d), *kt = key_of(&t);
	ok(ka && strncmp(ka, "h:", 2) == 0 && strlen(ka) == 18, "no guid or link: h: and 16 hex digits");
	ok(ka && kb && strcmp(ka, kb) == 0, "white space in the title does not change the key");
	ok(ka && kc && strcmp(ka, kc) != 0, "another date is another item");
	ok(ka && kd && strcmp(ka, kd) != 0, "another title is another item");
	ok(ka && kt && strcmp(ka, kt) == 0, "no title: the text stands in");
	free(ka); free(kb); free(kc); free(kd); free(kt);

	struct ident_entry nodate = { .title = "Only a title", .published = IDENT_NO_TIME };
	struct ident_entry onlydate = { .published = 1700000000 };
	char *k1 = key_of(&nodate), *k2 = key_of(&onlydate);
	ok(k1 && strncmp(k1, "h:", 2) == 0, "a title without a date has a key");
	ok(k2 && strncmp(k2, "h:", 2) == 0, "a date without a title has a key");
	struct ident_entry t1 = { .title = "x1", .published = IDENT_NO_TIME };
	struct ident_entry t2 = { .title = "x", .published = 1 };
	char *k3 = key_of(&t1), *k4 = key_of(&t2);
	ok(k3 && k4 && strcmp(k3, k4) != 0, "title and date do not run together");
	free(k1); free(k2); free(k3); free(k4);

	/* No guid, and a link other entries of the document have too (a
	 * podcast's episodes under the show's page): title and date. */
	struct ident_entry ep = { .link = "https://radio.example/show", .title = "Episode 4",
	                          .published = 1700000000, .link_shared = 1 };
	struct ident_entry ep_h = ep;
	ep_h.link = NULL;
	char *kep = key_of(&ep), *keph = key_of(&ep_h);
	ok(kep && keph && strcmp(kep, keph) == 0, "no guid, a shared link: title and date");
	free(kep); free(keph);
	ep.guid = "ep4";
	key(&ep, 0, "g:ep4", "a shared link does not change a guid's key");
	key(&ep, 1, "l:https://radio.example/show",
	    "nor the link key of a feed known by link (its guids rotate)");
	ep.guid = NULL;
	ep.title = NULL;
	ep.published = IDENT_NO_TIME;
	key(&ep, 0, "l:https://radio.example/show",
	    "a shared link with no title, text or date to tell it by is still the key");

	struct ident_entry none = { .published = IDENT_NO_TIME };
	key(&none, 0, NULL, "an entry with nothing to be known by has no key");
	key(NULL, 0, NULL, "NULL entry");
}

static void detector(void)
{
	struct ident_poll p;
#define POLL(i, n, k, d) (p = (struct ident_poll){ (i), (n), (k), (d) }, &p)
	is_int(ident_guids_rotate(POLL(10, 10, 10, 10), 0), 1, "all guids new, all links known: rotating");
	is_int(ident_guids_rotate(POLL(10, 10, 8, 10), 0), 1, "three in four known links is enough");
	is_int(ident_guids_rotate(POLL(10, 10, 7, 10), 0), 0, "fewer known links: no evidence, keep guids");
	is_int(ident_guids_rotate(POLL(10, 10, 7, 10), 1), 1, "... and no evidence keeps link identity");
	is_int(ident_guids_rotate(POLL(10, 10, 0, 10), 0), 0, "all new guids on new links are fresh items");
	is_int(ident_guids_rotate(POLL(10, 1, 1, 10), 1), 0, "guids repeating: stable again");
	is_int(ident_guids_rotate(POLL(10, 5, 5, 10), 0), 0, "half the guids repeat: stable");
	is_int(ident_guids_rotate(POLL(10, 6, 6, 10), 0), 1, "most guids new, their links known: rotating");
	is_int(ident_guids_rotate(POLL(2, 2, 2, 2), 0), 0, "two items are too few to decide");
	is_int(ident_guids_rotate(POLL(2, 2, 2, 2), 1), 1, "... either way");
	is_int(ident_guids_rotate(POLL(0, 0, 0, 0), 1), 1, "an empty poll changes nothing");
	is_int(ident_guids_rotate(POLL(10, 10, 10, 1), 0), 0, "all items on one link: never link identity");
	is_int(ident_guids_rotate(POLL(10, 10, 10, 8), 1), 0, "links not distinct enough: back to guids");
	is_int(ident_guids_rotate(POLL(10, 10, 10, 9), 0), 1, "nine in ten distinct links is enough");
	is_int(ident_guids_rotate(NULL, 1), 1, "NULL keeps the previous decision");
#undef POLL
}

/* ---- replaying the fixture ------------------------------------------------ */

struct strset {
	char **v;
	size_t n;
};

static int has(const struct strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return 1;
	return 0;
}

static void add(struct strset *s, const char *x)
{
	if (!x || has(s, x))
		return;
	s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = strdup(x);
}

static void clear(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

struct row {
	char feed[32], guid[128], link[256], title[128];
	int poll;
};

/* One feed's store: the stories (by key), and the guids and canonical
 * links it has seen, which is what the detector's numbers are made of. */
struct feedstore {
	struct strset keys, guids, links;
	int use_link;
	size_t stories;
};

static char *canon_or_copy(const char *link)
{
	char *c = NULL;
	if (!link)
		return NULL;
	if (canon_url(link, &c) < 0)
		c = strdup(link);
	return c;
}

/* Ingests one poll's rows; with `detect` off, guid identity throughout. */
static void ingest(struct feedstore *fs, const struct row *r, size_t n, int detect)
{
	struct ident_poll p = { 0 };
	struct strset polllinks = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (!r[i].guid[0])
			continue;
		char *cl = canon_or_copy(r[i].link[0] ? r[i].link : NULL);
		p.items++;
		if (!has(&fs->guids, r[i].guid)) {
			p.new_guids++;
			p.new_known_link += cl && has(&fs->links, cl);
		}
		if (cl)
			add(&polllinks, cl);
		free(cl);
	}
	p.distinct_links = (unsigned)polllinks.n;
	clear(&polllinks);
	if (detect)
		fs->use_link = ident_guids_rotate(&p, fs->use_link);

	for (size_t i = 0; i < n; i++) {
		struct ident_entry e = { .guid = r[i].guid[0] ? r[i].guid : NULL,
		                         .link = r[i].link[0] ? r[i].link : NULL,
		                         .title = r[i].title, .published = 1700000000 };
		char *k = NULL, *cl = canon_or_copy(e.link);
		ident_key(&e, fs->use_link, &k);
		/* In link mode a story stored under its guid is found by its
		 * canonical link (the store's canonical_url column). */
		int known = k && (has(&fs->keys, k) ||
		                  (fs->use_link && strncmp(k, "l:", 2) == 0 && has(&fs->links, k + 2)));
		if (!known)
			fs->stories++;
		add(&fs->keys, k);
		add(&fs->guids, e.guid);
		add(&fs->links, cl);
		free(k);
		free(cl);
	}
}

static size_t load(struct row **rows)
{
	FILE *f = fopen("tests/data/dedup/ident_polls.tsv", "r");
	char line[1024];
	size_t n = 0;
	*rows = NULL;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		struct row r = { 0 };
		char *f1 = strtok(line, "\t"), *f2 = strtok(NULL, "\t"), *f3 = strtok(NULL, "\t");
		char *f4 = strtok(NULL, "\t"), *f5 = strtok(NULL, "\t");
		if (!f1 || !f2 || !f3 || !f4 || !f5)
			continue;
		snprintf(r.feed, sizeof r.feed, "%s", f1);
		r.poll = atoi(f2);
		snprintf(r.guid, sizeof r.guid, "%s", strcmp(f3, "-") ? f3 : "");
		snprintf(r.link, sizeof r.link, "%s", strcmp(f4, "-") ? f4 : "");
		snprintf(r.title, sizeof r.title, "%s", f5);
		*rows = realloc(*rows, (n + 1) * sizeof **rows);
		(*rows)[n++] = r;
	}
	fclose(f);
	return n;
}

/* Stories the feed ends with after all its polls; *after[i] after poll i+1. */
static size_t replay(const struct row *rows, size_t n, const char *feed, int detect, size_t after[3])
{
	struct feedstore fs = { 0 };
	for (int poll = 1; poll <= 3; poll++) {
		struct row batch[16];
		size_t m = 0;
		for (size_t i = 0; i < n && m < 16; i++)
			if (strcmp(rows[i].feed, feed) == 0 && rows[i].poll == poll)
				batch[m++] = rows[i];
		ingest(&fs, batch, m, detect);
		after[poll - 1] = fs.stories;
	}
	clear(&fs.keys);
	clear(&fs.guids);
	clear(&fs.links);
	return fs.stories;
}

static void polls(void)
{
	struct row *rows;
	size_t n = load(&rows), a[3];
	if (!ok(n >= 30, "fixture ident_polls.tsv loads"))
		return;
	replay(rows, n, "rotating", 1, a);
	ok(a[0] == 4 && a[1] == 4 && a[2] == 5,
	   "rotating guids: detected, four stories, then one more for the new item");
	is_int(replay(rows, n, "rotating", 0, a), 13, "... which guid identity alone would store 13 times");
	replay(rows, n, "stable", 1, a);
	ok(a[0] == 3 && a[1] == 3 && a[2] == 4,
	   "stable guids with changing link parameters: three, three, four stories");
	is_int(replay(rows, n, "homepage", 1, a), 6,
	       "every item linking to the home page: no merge by link (6, not 1)");
	is_int(replay(rows, n, "noguid", 1, a), 3, "no guid, no link: title + date identify the items");
	free(rows);
}

int main(void)
{
	keys();
	detector();
	polls();
	return done_testing();
}
