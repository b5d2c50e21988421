/* daemon/ingest_prep.c — the parse worker's half of ingesting a feed.
 *
 * Everything about one parsed document that needs no database and no
 * clusterer, done on the parse worker (daemon/workq.c) while the storing
 * thread stores the documents before it: each entry's canonical link and
 * publisher host, its headline and text without the publisher's
 * branding, the content hash that tells an edit, the SimHash
 * fingerprint, the clusterer's tokens, its categories as JSON; and what
 * only the document as a whole shows (ingest_prep's marks): items under
 * one link, a text the feed gives several items, the trailer it puts
 * under each, a lead-in that labels its titles ("Ask HN: ").  ingest.c
 * stores what this prepares. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/brand.h"
#include "daemon/canon.h"
#include "daemon/headix.h"
#include "daemon/ident.h"
#include "daemon/ingest_int.h"
#include "daemon/json.h"
#include "daemon/simhash.h"
#include "daemon/text.h"

uint64_t ingest_fnv1a(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0;

	if (!s)
		return (h ^ 0xff) * 0x100000001b3ull;
	/* The length first, then eight bytes a step: a story's text and HTML
	 * are kilobytes, and the loop that tested each byte for the NUL cost
	 * twice the hash itself (5% of the parse worker). */
	n = strlen(s);
	for (; i + 8 <= n; i += 8) {
		h = (h ^ p[i]) * 0x100000001b3ull;
		h = (h ^ p[i + 1]) * 0x100000001b3ull;
		h = (h ^ p[i + 2]) * 0x100000001b3ull;
		h = (h ^ p[i + 3]) * 0x100000001b3ull;
		h = (h ^ p[i + 4]) * 0x100000001b3ull;
		h = (h ^ p[i + 5]) * 0x100000001b3ull;
		h = (h ^ p[i + 6]) * 0x100000001b3ull;
		h = (h ^ p[i + 7]) * 0x100000001b3ull;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull;
}

/* Changes when anything stored of the item changes, but its picture and
 * categories: a feed that only names another picture (a resized one, a new
 * CDN) or files it elsewhere has not changed the story, and a hash with
 * them would have made every such item "updated" once after the upgrade
 * that began storing them. */
static uint64_t entry_hash(const struct feed_entry *e)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = ingest_fnv1a(h, e->title_text);
	h = ingest_fnv1a(h, e->link);
	h = ingest_fnv1a(h, e->html);
	h = ingest_fnv1a(h, e->text);
	h = ingest_fnv1a(h, e->author.name);
	return h ? h : 1;
}

/* The entry's categories (RSS <category>, Atom's term, else its label,
 * Media RSS's category and keywords: feed_entry.tags) as
 * a JSON array, in the feed's order, each once; NULL when it has none.
 * Bounded against a hostile feed: TAGS_MAX of at most TAG_MAX bytes. */
#define TAGS_MAX 32
#define TAG_MAX 256
static int tags_json(const struct feed_entry *e, char **out)
{
	const char *seen[TAGS_MAX];
	size_t lens[TAGS_MAX], n = 0;

	*out = NULL;
	for (size_t i = 0; i < e->n_tags && n < TAGS_MAX; i++) {
		const char *v;
		size_t k = ident_trimmed(e->tags[i].term && *e->tags[i].term ? e->tags[i].term
		                                                             : e->tags[i].label, &v);
		if (!k || k > TAG_MAX)
			continue;
		size_t m = 0;
		while (m < n && !(lens[m] == k && memcmp(seen[m], v, k) == 0))
			m++;
		if (m < n)
			continue;
		seen[n] = v;
		lens[n++] = k;
	}
	if (!n)
		return 0;
	/* json.c's escapes, and its care of bad UTF-8 */
	return (*out = json_strings(seen, lens, n)) ? 0 : -1;
}

/* What an item is stored and clustered by leaves out its publisher's
 * name (daemon/brand.h): the " - Reuters" an aggregator appends to its
 * headline and its text when that is the item's <source>, else the
 * branding tail its feed puts on every title. */
static void strip_brand(const struct feed_entry *e, struct ingest_entry_prep *pe,
                        const char *tail, size_t ntail)
{
	pe->title = brand_cut_title(e->title_text, e->source_title);
	if (pe->title)
		pe->text = brand_cut_text(e->text, e->source_title);
	else if (ntail)
		pe->title = brand_cut_tail(e->title_text, tail, ntail);
}

/* The clusterer's tokens of an entry, as cluster_add would make them. */
static int tokenize_entry(struct text *t, const struct feed *f, const struct feed_entry *e,
                          struct ingest_entry_prep *pe)
{
	const char *lang = e->language ? e->language : f->language;
	const char *title = ingest_entry_title(e, pe);

	/* They wait with the parsed feed until the loop stores it: at
	 * text_tokenize's growth sizes a feed of 40,000 items held 204 MB
	 * of empty room here. */
	if (title && text_tokenize_kept(t, title, strlen(title), lang, &pe->title_tokens) < 0)
		return -1;
	const char *text = ingest_entry_text(e, pe);
	if (text && text_tokenize_kept(t, text, strlen(text), lang, &pe->text_tokens) < 0)
		return -1;
	if (text)
		text_drop_cut(text, strlen(text), &pe->text_tokens);
	pe->has_tokens = 1;
	return 0;
}

static int cmp_canon(const void *a, const void *b)
{
	const struct ingest_entry_prep *x = *(const struct ingest_entry_prep *const *)a,
	                               *y = *(const struct ingest_entry_prep *const *)b;
	return strcmp(x->canon, y->canon);
}

/* The entries of p that `keep` picks, in *v (malloc'd, *n of them)
 * sorted by `cmp`; none when p has fewer than two (no malloc(0), which
 * may give NULL).  -1 when out of memory. */
static int sorted_entries(struct ingest_prep *p, int (*keep)(const struct ingest_entry_prep *),
                          int (*cmp)(const void *, const void *),
                          struct ingest_entry_prep ***v, size_t *n)
{
	*v = NULL;
	*n = 0;
	if (p->n < 2)
		return 0;
	if (!(*v = malloc(p->n * sizeof **v)))
		return -1;
	for (size_t i = 0; i < p->n; i++)
		if (keep(&p->e[i]))
			(*v)[(*n)++] = &p->e[i];
	qsort(*v, *n, sizeof **v, cmp);
	return 0;
}

static int has_canon(const struct ingest_entry_prep *e)
{
	return e->canon != NULL;
}

static int has_text_fp(const struct ingest_entry_prep *e)
{
	return e->fp_text;
}

/* Marks the entries whose canonical URL another entry of the document
 * has too.  -1 when out of memory. */
static int mark_shared_links(struct ingest_prep *p)
{
	struct ingest_entry_prep **v;
	size_t n;

	if (sorted_entries(p, has_canon, cmp_canon, &v, &n) < 0)
		return -1;
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1]->canon, v[i]->canon) == 0)
			v[i - 1]->link_shared = v[i]->link_shared = 1;
	free(v);
	return 0;
}

static int cmp_text_fp(const void *a, const void *b)
{
	const struct ingest_entry_prep *x = *(const struct ingest_entry_prep *const *)a,
	                               *y = *(const struct ingest_entry_prep *const *)b;
	int c = memcmp(&x->fp, &y->fp, sizeof x->fp);
	if (!c)
		c = strcmp(x->host ? x->host : "", y->host ? y->host : "");
	if (!c)
		c = strcmp(x->source_host ? x->source_host : "", y->source_host ? y->source_host : "");
	return c;
}

static int same_text_site(const struct ingest_entry_prep *x, const struct ingest_entry_prep *y)
{
	return cmp_text_fp(&x, &y) == 0;
}

/* An entry's date as its story has it (published, else updated). */
static int64_t entry_date(const struct feed_entry *e)
{
	return e->published != FEED_NO_TIME ? e->published : e->updated;
}

/* Whether two entries have one headline (no headline is none in common). */
static int same_headline(const struct ingest_entry_prep *x, const struct ingest_entry_prep *y)
{
	const struct simhash_fp *a = &x->headline.fp;

	return (a->bag | a->seq | a->head | a->tail) != 0 &&
	       memcmp(a, &y->headline.fp, sizeof *a) == 0;
}

/* A text that several entries of one document, on one site, share word
 * for word is the feed's, not theirs: a podcast's description on every
 * episode, "Click here to read the full story on our website".  Level 3
 * would take every such entry for a copy of the first one stored and put
 * it in that one's thread, different stories as they are; they are
 * compared by their headlines instead (simhash_story()'s rule for a text
 * that is not distinctive).  An aggregator's or a planet's entries from
 * different publishers (other hosts or sources) keep their texts: two of
 * them alike are wire copies.  So do entries that share their headline
 * and their date too: one article listed twice.  Entries of f (p's
 * feed).  -1 when out of memory. */
static int mark_shared_texts(struct ingest_prep *p, const struct feed *f)
{
	struct ingest_entry_prep **v;
	size_t n;

	if (sorted_entries(p, has_text_fp, cmp_text_fp, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; ) {
		size_t j = i + 1;
		int one_headline = 1;
		while (j < n && same_text_site(v[i], v[j])) {
			/* Under one headline and one date the text is one
			 * article's, listed twice (under two sections' links,
			 * or one guid twice): its fingerprint is its text's,
			 * which finds its copies in other feeds under other
			 * headlines.  Dated apart they are a show's episodes
			 * ("News at noon", "Nachrichten" every hour, with the
			 * show's blurb): kept by their text, each was taken
			 * for a copy of the first. */
			one_headline &= same_headline(v[i], v[j]) &&
			                entry_date(&f->entries[v[i] - p->e]) ==
			                entry_date(&f->entries[v[j] - p->e]);
			j++;
		}
		for (size_t k = i; !one_headline && k < j; k++) {
			v[k]->fp_text = 0;
			v[k]->text_feeds = 1;
			v[k]->fp = v[k]->headline.fp;
			v[k]->has_fp = !v[k]->headline.plain;
		}
		i = j;
	}
	free(v);
	return 0;
}

/* The trailer lines a feed ends its items' texts with (brand.h: "The
 * post <title> appeared first on <site>.", "Read more »"), up to 3 of
 * them, one under the other, are cut from the texts the entries are
 * stored, fingerprinted and threaded by: two sites' copies of one article
 * differed by their footers and were not found copies, and a site's
 * articles shared the footer's words.  An entry whose text is nothing
 * but such lines keeps it stored, and is compared and threaded by its
 * headline, as one whose text other entries have word for word
 * (mark_shared_texts).  -1 when out of memory. */
static int cut_trailers(struct ingest_prep *p, const struct feed *f)
{
	struct brand_text *v = calloc(p->n, sizeof *v);
	char **cut = calloc(p->n, sizeof *cut); /* the text cut so far, or NULL */
	int rc = -1;

	if (!v || !cut)
		goto out;
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < p->n; i++) {
			const struct feed_entry *e = &f->entries[i];
			struct ingest_entry_prep *pe = &p->e[i];
			v[i] = (struct brand_text){
				.title = e->title_text, .site = pe->host, .source = pe->source_host,
				.text = pe->text_trailer ? NULL : cut[i] ? cut[i] : ingest_entry_text(e, pe),
			};
		}
		long found = brand_text_trailer(v, p->n);
		if (found < 0)
			goto out;
		if (!found)
			break;
		for (size_t i = 0; i < p->n; i++) {
			if (v[i].keep == (size_t)-1)
				continue;
			char *c = NULL;
			if (v[i].keep == 0)
				p->e[i].text_trailer = 1;
			else if (!(c = strndup(v[i].text, v[i].keep)))
				goto out;
			free(cut[i]);
			cut[i] = c;
		}
	}
	for (size_t i = 0; i < p->n; i++) {
		if (!cut[i])
			continue;
		free(p->e[i].text);
		p->e[i].text = cut[i];
		cut[i] = NULL;
	}
	rc = 0;
out:
	for (size_t i = 0; cut && i < p->n; i++)
		free(cut[i]);
	free(cut);
	free(v);
	return rc;
}

/* Where a title's lead-in ends: one to three words and a colon heading
 * it ("Ask HN: ", "Podcast: ", "Episode 12: "), the offset past the
 * colon and the spaces after it; 0 when it has none, or nothing after
 * it.  *key_len: the lead-in's length without the colon. */
static size_t title_lead_in(const char *s, size_t *key_len)
{
	size_t i = 0, words = 1;

	if (!s)
		return 0;
	for (; s[i] && s[i] != ':' && i < 40; i++) {
		if (s[i] == ' ' && (i == 0 || s[i - 1] == ' ' || ++words > 3))
			return 0;
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			return 0;
	}
	if (s[i] != ':' || i == 0 || s[i - 1] == ' ' || s[i + 1] != ' ')
		return 0;
	*key_len = i;
	for (i++; s[i] == ' '; i++)
		;
	for (size_t j = i; s[j]; j++)
		if ((unsigned char)s[j] >= 0x80 || ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z') ||
		    (s[j] >= '0' && s[j] <= '9'))
			return i;
	return 0;
}

/* Compares two lead-ins as one feed's label: without regard to case, and
 * a run of digits as any other ("Episode 12", "Episode 13"). */
static int lead_in_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0, j = 0;

	while (i < na && j < nb) {
		int da = a[i] >= '0' && a[i] <= '9', db = b[j] >= '0' && b[j] <= '9';
		if (da && db) {
			while (i < na && a[i] >= '0' && a[i] <= '9')
				i++;
			while (j < nb && b[j] >= '0' && b[j] <= '9')
				j++;
			continue;
		}
		int x = (unsigned char)a[i], y = (unsigned char)b[j];
		if (x >= 'A' && x <= 'Z')
			x |= 0x20;
		if (y >= 'A' && y <= 'Z')
			y |= 0x20;
		if (x != y || da || db)
			return da ? -1 : db ? 1 : x - y;
		i++;
		j++;
	}
	return (i < na) - (j < nb);
}

/* A word of a title's lead-in. */
struct lead_in {
	const char *title;
	size_t word, len, end;
	size_t *label;            /* where the title's label goes */
};

static int cmp_lead_in(const void *a, const void *b)
{
	const struct lead_in *x = a, *y = b;
	int c = lead_in_cmp(x->title + x->word, x->len, y->title + y->word, y->len);
	return c ? c : strcmp(x->title, y->title);
}

/* Whether ch is a byte of a word: an ASCII letter or digit, or a byte
 * of another script. */
static int word_byte(char ch)
{
	return (unsigned char)ch >= 0x80 || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') ||
	       (ch >= '0' && ch <= '9');
}

/* Whether two strings share a word of 5 bytes or more (ASCII letters
 * without regard to case): one of 4 or fewer is as often a function
 * word ("what", "your", "with"). */
static int share_word(const char *a, const char *b)
{
	for (size_t i = 0; a[i]; ) {
		size_t la = 0;
		while (a[i + la] && word_byte(a[i + la]))
			la++;
		for (size_t j = 0; la >= 5 && b[j]; ) {
			size_t lb = 0;
			while (b[j + lb] && word_byte(b[j + lb]))
				lb++;
			if (lb == la && !strncasecmp(a + i, b + j, la))
				return 1;
			j += lb ? lb : 1;
		}
		i += la ? la : 1;
	}
	return 0;
}

/* Appends the words of title t's lead-in (3 at most) to v, which holds
 * n; the new n.  label: where the title's label goes (lead_in_labels). */
static size_t lead_in_words(struct lead_in *v, size_t n, const char *t, size_t *label)
{
	size_t key = 0, end = title_lead_in(t, &key);

	for (size_t w = 0; end && w < key; ) {
		size_t l = 0, letters = 0;
		for (; w + l < key && t[w + l] != ' '; l++)
			letters += word_byte(t[w + l]) && !(t[w + l] >= '0' && t[w + l] <= '9');
		/* A number is no kind of item ("Top 10: ", "2026: "). */
		if (letters)
			v[n++] = (struct lead_in){ t, w, l, end, label };
		w += l + 1;
	}
	return n;
}

static void lead_in_labels(struct lead_in *v, size_t n);

/* A word that heads the titles of one document's entries, in a lead-in,
 * over three or more titles whose rests share no word with the others'
 * ("Ask HN: What are you working on?", "Ask HN: Who is hiring?", "Show
 * HN: A tiny feed reader"; "Episode 12: ...", "Episode 13: ..."), says
 * what kind of item the feed's entry is, not what happened, as a desk's
 * label does: the lead-ins it is in are the feed's, and those items are
 * threaded by the rest of their titles.  (Threaded by it, a feed's "Ask
 * HN" questions shared a thread by the one word "HN".)  A lead-in over
 * titles of one subject ("MARKET SNAPSHOT: US Stocks Edge Up ...",
 * "MARKET SNAPSHOT: US Stocks Wobble ...") or over fewer of the feed's
 * titles ("Ukraine crisis: ...") names what they tell and stays the
 * items'.  -1 when out of memory. */
static int mark_title_labels(struct ingest_prep *p, const struct feed *f)
{
	struct lead_in *v;
	size_t n = 0;

	if (p->n < 3)
		return 0;
	if (!(v = malloc(p->n * 3 * sizeof *v)))
		return -1;
	for (size_t i = 0; i < p->n; i++)
		n = lead_in_words(v, n, ingest_entry_title(&f->entries[i], &p->e[i]), &p->e[i].title_label);
	lead_in_labels(v, n);
	free(v);
	return 0;
}

/* Sets the label of each title of v[0..n) (one document's, or one
 * feed's in the window) whose lead-in has a word that is the feed's
 * (mark_title_labels() says which). */
static void lead_in_labels(struct lead_in *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_lead_in);
	for (size_t i = 0; i < n; ) {
		size_t j = i + 1, apart = 0;
		while (j < n && !lead_in_cmp(v[i].title + v[i].word, v[i].len,
		                             v[j].title + v[j].word, v[j].len))
			j++;
		/* Titles of the group whose rests share no word with another's
		 * (the first 64 looked at). */
		for (size_t a = i; a < j && a < i + 64 && apart < 3; a++) {
			int alone = !(a > i && !strcmp(v[a - 1].title, v[a].title));
			for (size_t b = i; alone && b < j && b < i + 64; b++)
				if (strcmp(v[a].title, v[b].title) &&
				    share_word(v[a].title + v[a].end, v[b].title + v[b].end))
					alone = 0;
			apart += alone;
		}
		for (size_t k = i; apart >= 3 && k < j; k++)
			*v[k].label = v[k].end;
		i = j;
	}
}

/* A title of the window with a lead-in, for ingest_window_labels(). */
struct window_title {
	int64_t id, feed_id;
	char *title;
	size_t label;
};

struct window_titles {
	struct window_title *v;
	size_t n, cap;
	int oom;                  /* a row could not be kept (a stopped query is no error) */
};

static int window_title_row(int64_t id, int64_t feed_id, const char *title, void *p)
{
	struct window_titles *w = p;
	size_t key;

	if (!title || !title_lead_in(title, &key))
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 256;
		struct window_title *v = realloc(w->v, cap * sizeof *v);
		if (!v)
			return w->oom = 1;
		w->v = v;
		w->cap = cap;
	}
	char *t = strdup(title);
	if (!t)
		return w->oom = 1;
	w->v[w->n++] = (struct window_title){ id, feed_id, t, 0 };
	return 0;
}

static int cmp_window_feed(const void *a, const void *b)
{
	const struct window_title *x = a, *y = b;
	return x->feed_id != y->feed_id ? (x->feed_id > y->feed_id ? 1 : -1)
	                                : (x->id > y->id) - (x->id < y->id);
}

static int cmp_window_id(const void *a, const void *b)
{
	const struct window_title *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* The feeds' labels of the window's stories since `since`, for the
 * replay: it does not see the feeds' documents, so each feed's stories
 * in the window stand for its document (mark_title_labels()).  Without
 * them a restart put "Show HN: " back among a story's words: its thread
 * was titled by it and took "Show" as a keyword (docs/threads.md).
 * *out: the labelled ones (label > 0), by id; -1 on a database error or
 * out of memory. */
int ingest_window_labels(struct store *st, int64_t since, struct window_title **out,
                         size_t *nout)
{
	struct window_titles w = { 0 };
	struct lead_in *v = NULL;
	size_t nl = 0;
	int rc = -1;

	*out = NULL;
	*nout = 0;
	if (store_window_titles(st, since, window_title_row, &w) != 0 || w.oom)
		goto fail;
	if (w.n && !(v = malloc(w.n * 3 * sizeof *v)))
		goto fail;
	if (w.n)    /* (qsort's array may not be NULL, even empty) */
		qsort(w.v, w.n, sizeof *w.v, cmp_window_feed);
	for (size_t i = 0; i < w.n; ) {
		size_t j = i, n = 0;
		for (; j < w.n && w.v[j].feed_id == w.v[i].feed_id; j++)
			n = lead_in_words(v, n, w.v[j].title, &w.v[j].label);
		lead_in_labels(v, n);
		i = j;
	}
	for (size_t i = 0; i < w.n; i++) {
		free(w.v[i].title);
		w.v[i].title = NULL;
		if (w.v[i].label)
			w.v[nl++] = w.v[i];
	}
	if (nl)
		qsort(w.v, nl, sizeof *w.v, cmp_window_id);
	*out = w.v;
	*nout = nl;
	w.v = NULL;
	w.n = 0;
	rc = 0;
fail:
	for (size_t i = 0; i < w.n; i++)
		free(w.v[i].title);
	free(w.v);
	free(v);
	return rc;
}

/* The label ingest_window_labels() found for story id, 0 none. */
size_t ingest_window_label(const struct window_title *v, size_t n, int64_t id)
{
	const struct window_title key = { .id = id };
	const struct window_title *x = n ? bsearch(&key, v, n, sizeof *v, cmp_window_id) : NULL;

	return x ? x->label : 0;
}

int ingest_prepare(const struct feed *f, struct text *t, struct ingest_prep *out)
{
	const char *tail;
	long ntail;

	out->n = 0;
	out->e = NULL;
	if (f->n_entries == 0)
		return 0;
	if ((ntail = brand_feed_tail(f, &tail)) < 0 ||
	    !(out->e = calloc(f->n_entries, sizeof *out->e)))
		return -1;
	out->n = f->n_entries;
	for (size_t i = 0; i < f->n_entries; i++) {
		const struct feed_entry *e = &f->entries[i];
		struct ingest_entry_prep *pe = &out->e[i];
		const char *link = e->origlink ? e->origlink : e->link;

		/* A link curl cannot parse has no canonical form: the item is
		 * then known in its own feed only.  Not so one that memory ran
		 * out for (-2): taken for such a link, the story was stored
		 * with no canonical URL and its copies in other feeds never
		 * found it, for good (the next poll's 304). */
		if ((link && canon_url_host(link, &pe->canon, &pe->host) == -2) ||
		    (e->source_link && canon_host(e->source_link, &pe->source_host) == -2)) {
			ingest_prep_free(out);
			return -1;
		}
		strip_brand(e, pe, tail, (size_t)ntail);
	}
	if (cut_trailers(out, f) < 0) {
		ingest_prep_free(out);
		return -1;
	}
	for (size_t i = 0; i < f->n_entries; i++) {
		const struct feed_entry *e = &f->entries[i];
		struct ingest_entry_prep *pe = &out->e[i];

		pe->content_hash = entry_hash(e);
		/* The story's fingerprint is its text's, else its headline's
		 * (simhash_story()'s rule), the headline's from the pass the
		 * headline index makes anyway. */
		const char *lang = e->language ? e->language : f->language;
		headix_headline(&pe->headline, ingest_entry_title(e, pe), lang);
		pe->has_fp = pe->fp_text = simhash_story(NULL, ingest_entry_text(e, pe), lang, &pe->fp) == 1;
		/* A text that is its feed's trailer alone: as mark_shared_texts
		 * treats one the feed gives other items word for word (and a
		 * restart's replay tells it so too: a distinctive text whose
		 * fingerprint is not the story's). */
		if (pe->fp_text && pe->text_trailer) {
			pe->has_fp = pe->fp_text = 0;
			pe->text_feeds = 1;
		}
		if (!pe->has_fp && !pe->headline.plain) {
			pe->fp = pe->headline.fp;
			pe->has_fp = 1;
		}
		if (tags_json(e, &pe->tags) < 0 || (t && tokenize_entry(t, f, e, pe) < 0)) {
			ingest_prep_free(out);
			return -1;
		}
	}
	if (mark_shared_links(out) < 0 || mark_shared_texts(out, f) < 0 ||
	    mark_title_labels(out, f) < 0) {
		ingest_prep_free(out);
		return -1;
	}
	return 0;
}

static pthread_key_t tokenizer_key;
static int tokenizer_key_ok;
static pthread_once_t tokenizer_once = PTHREAD_ONCE_INIT;

static void tokenizer_destroy(void *t)
{
	text_free(t);
}

static void tokenizer_key_init(void)
{
	tokenizer_key_ok = pthread_key_create(&tokenizer_key, tokenizer_destroy) == 0;
}

struct text *ingest_thread_tokenizer(void)
{
	struct text *t;

	pthread_once(&tokenizer_once, tokenizer_key_init);
	if (!tokenizer_key_ok)
		return NULL;
	if (!(t = pthread_getspecific(tokenizer_key)) && (t = text_new()) &&
	    pthread_setspecific(tokenizer_key, t) != 0) {
		text_free(t);
		t = NULL;
	}
	return t;
}

void ingest_prep_free(struct ingest_prep *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->e[i].canon);
		free(p->e[i].host);
		free(p->e[i].source_host);
		free(p->e[i].title);
		free(p->e[i].text);
		free(p->e[i].tags);
		text_tokens_free(&p->e[i].title_tokens);
		text_tokens_free(&p->e[i].text_tokens);
	}
	free(p->e);
	p->e = NULL;
	p->n = 0;
}
