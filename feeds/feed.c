/* feeds/feed.c — the public entry points: bytes + context to the
 * normalized tree (feed_parse_normalized), and from that tree to the
 * daemon's struct feed (feed_parse), plus feed_free. */
#include "feeds/feed.h"

#include "feeds/encoding.h"
#include "feeds/html.h"
#include "feeds/normalized.h"
#include "feeds/parse.h"
#include "feeds/sbuf.h"
#include "feeds/uri.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* fold() copies runs that need no folding 16 bytes at a time. */
#if defined(__SSE2__) && !defined(TIDINGS_NO_SIMD)
#include <emmintrin.h>
#define FEED_SSE2 1
#endif

/* feedparser's bozo exception for a document without a feed in it */
#define NOT_A_FEED "NonXMLContentType: document is not a feed"

/* A struct feed being built.  Its entries array grows as they come
 * (from the heap, not f->mem: an arena would keep every outgrown copy).
 * The short strings that every entry repeats (text types, link
 * relations, languages, an empty xml:base) are kept once (shared). */
#define SHARED_MAX 16
#define SHARED_LEN 32
struct build {
	struct feed *f;
	size_t cap;
	size_t max;         /* entries kept (ctx->max_entries), 0: all */
	char *shared[SHARED_MAX];
	size_t nshared;
	int oom;            /* a copy failed: the parse fails, rather than
	                       store the entry without that field */
	char *base;         /* the document's URI (its Content-Location
	                       resolved), or NULL: the base of an entry whose
	                       texts tell none */
};

static int add_entry(void *arg, struct fv *d);

/* feed_parse_normalized(), streaming the entries into bld when given
 * (the tree's "entries" list then stays empty) */
static int normalize(const char *buf, size_t len, const struct feed_context *ctx,
                     struct build *bld, struct fv **out)
{
	struct feed_context none = { 0 };
	struct enc_result enc;
	struct parse_opts o = { 0 };
	struct fv *res = NULL;
	char *base = NULL;

	*out = NULL;
	if (!ctx)
		ctx = &none;
	if (enc_to_utf8(buf, len, ctx->content_type, &enc) < 0)
		return -1;
	base = enc_base_uri(ctx->uri, ctx->content_location);
	if (!base && ctx->uri) {
		/* out of memory: without its base every relative guid and
		 * link would be stored unresolved (another identity) */
		enc_free(&enc);
		return -1;
	}
	o.base = base;
	o.lang = ctx->content_language;
	o.encoding = enc.encoding;
	if (bld) {
		o.on_entry = add_entry;
		o.on_entry_arg = bld;
	}
	/* the parser frees the UTF-8 copy as soon as it has its own */
	o.own = enc.mem;
	enc.mem = NULL;
	if (parse_feed_xml(enc.utf8, enc.len, &o, &res) < 0) {
		free(base);
		enc_free(&enc);
		return -1;
	}
	free(base);
	fv_set_str(res, "encoding", enc.encoding);
	if (enc.bozo) {
		struct fv *b = fv_get(res, "bozo");

		/* a parse error, when there is one, is what feedparser reports */
		if (b && !b->i) {
			b->i = 1;
			fv_set_str(res, "bozo_exception", enc.bozo_reason);
		}
	}
	if (!fv_get_str(res, "version") || !*fv_get_str(res, "version")) {
		/* not a feed; feedparser also says so when nothing parsed */
		struct fv *f = fv_get(res, "feed"), *e = fv_get(res, "entries");

		if ((!f || !f->n) && (!e || !e->n) && !(bld && bld->f->n_entries) &&
		    !fv_get(res, "bozo_exception")) {
			fv_get(res, "bozo")->i = 1;
			fv_set_str(res, "bozo_exception", NOT_A_FEED);
		}
	}
	enc_free(&enc);
	*out = res;
	return 0;
}

int feed_parse_normalized(const char *buf, size_t len, const struct feed_context *ctx,
                          struct fv **out)
{
	return normalize(buf, len, ctx, NULL, out);
}

/* ------------------------------------------------------------ struct feed */

/* The feed's strings and arrays (but the entries array) all come from
 * its arena (f->mem): one free for the whole feed instead of one per
 * field. */
static char *mdupn(struct build *m, const char *s, size_t n)
{
	char *d = fv_arena_alloc(m->f->mem, n + 1, 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	} else {
		m->oom = 1;
	}
	return d;
}

static char *mdup(struct build *m, const char *s)
{
	return s ? mdupn(m, s, strlen(s)) : NULL;
}

/* a malloc'd string moved into the arena (freed) */
static char *mown(struct build *m, char *s)
{
	char *d = mdup(m, s);

	free(s);
	return d;
}

/* one of the few short strings every entry repeats: one copy for all */
static char *mshared(struct build *m, const char *s)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = strlen(s);
	if (n >= SHARED_LEN)
		return mdupn(m, s, n);
	for (size_t i = 0; i < m->nshared; i++)
		if (!strcmp(m->shared[i], s))
			return m->shared[i];
	d = mdupn(m, s, n);
	if (d && m->nshared < SHARED_MAX)
		m->shared[m->nshared++] = d;
	return d;
}

/* the arrays of struct feed: of pointers, sizes and int64_t */
#define ARRAY_ALIGN 8
_Static_assert(_Alignof(struct feed_link) <= ARRAY_ALIGN && _Alignof(struct feed_text) <= ARRAY_ALIGN &&
               _Alignof(struct feed_person) <= ARRAY_ALIGN && _Alignof(struct feed_tag) <= ARRAY_ALIGN,
               "struct feed's arrays are 8-byte aligned");

static void *mzalloc(struct build *m, size_t n, size_t size)
{
	void *p;

	if (n && size > SIZE_MAX / n) {
		m->oom = 1;
		return NULL;
	}
	p = fv_arena_alloc(m->f->mem, n * size, ARRAY_ALIGN);
	if (p)
		memset(p, 0, n * size);
	else
		m->oom = 1;
	return p;
}

static const char *gs(const struct fv *d, const char *k)
{
	return fv_get_str(d, k);
}

static char *take(struct build *m, const struct fv *d, const char *k)
{
	return mdup(m, gs(d, k));
}

static char *take_shared(struct build *m, const struct fv *d, const char *k)
{
	return mshared(m, gs(d, k));
}

/* key + "_detail" (as snprintf would, truncated to cap) */
static void detail_key(char *dkey, size_t cap, const char *key)
{
	size_t n = strlen(key);

	if (n >= cap)
		n = cap - 1;
	memcpy(dkey, key, n);
	for (const char *x = "_detail"; *x && n < cap - 1; x++)
		dkey[n++] = *x;
	dkey[n] = '\0';
}

static void fill_text(struct build *m, struct feed_text *t, const struct fv *d, const char *key)
{
	char dkey[64];
	const struct fv *det;

	detail_key(dkey, sizeof dkey, key);
	det = fv_get(d, dkey);
	if (det && det->type == FV_DICT) {
		t->value = take(m, det, "value");
		t->type = take_shared(m, det, "type");
		t->language = take_shared(m, det, "language");
		t->language_http = fv_get(det, FEED_LANG_HTTP) != NULL;
		t->base = take_shared(m, det, "base");
	} else if (gs(d, key)) {
		t->value = mdup(m, gs(d, key));
		t->type = mshared(m, "text/plain");
	}
}

static void free_text(struct feed_text *t)
{
	free(t->value);
	free(t->type);
	free(t->language);
	free(t->base);
}

static int64_t get_time(const struct fv *d, const char *key)
{
	const struct fv *v = fv_get(d, key);

	return v && v->type == FV_TIME ? v->i : FEED_NO_TIME;
}

static void fill_links(struct build *m, struct feed_link **out, size_t *n, const struct fv *d)
{
	const struct fv *l = fv_get(d, "links");

	*out = NULL;
	*n = 0;
	if (!l || l->type != FV_LIST || !l->n)
		return;
	*out = mzalloc(m, l->n, sizeof **out);
	if (!*out)
		return;
	for (size_t i = 0; i < l->n; i++) {
		const struct fv *x = l->items[i].val;
		struct feed_link *k = &(*out)[*n];
		const char *len;

		if (!x || x->type != FV_DICT || !gs(x, "href"))
			continue;
		k->href = take(m, x, "href");
		k->rel = take_shared(m, x, "rel");
		k->type = take_shared(m, x, "type");
		k->title = take(m, x, "title");
		len = gs(x, "length");
		k->length = len && isdigit((unsigned char)*len) ? strtoll(len, NULL, 10) : -1;
		(*n)++;
	}
}

/* the link, which is nearly always the href of one of the links */
static char *link_of(struct build *m, const struct feed_link *l, size_t n, const char *link)
{
	for (size_t i = 0; link && i < n; i++)
		if (!strcmp(l[i].href, link))
			return l[i].href;
	return mdup(m, link);
}

static void free_links(struct feed_link *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].href);
		free(l[i].rel);
		free(l[i].type);
		free(l[i].title);
	}
	free(l);
}

static char *title_text(struct build *m, const struct feed_text *t);

static void fill_person(struct build *m, struct feed_person *p, const struct fv *d, const char *key)
{
	char dkey[64];
	const struct fv *det, *all;

	detail_key(dkey, sizeof dkey, key);
	det = fv_get(d, dkey);
	/* Of several (Atom's <author>s, RSS's dc:creators), the first that
	 * has a name: the byline's lead.  feedparser's detail is the last
	 * Atom author ("A One and B Two" stored as B Two) but the first
	 * dc:creator. */
	snprintf(dkey, sizeof dkey, "%ss", key);
	all = fv_get(d, dkey);
	for (size_t i = 0; all && all->type == FV_LIST && i < all->n; i++) {
		const struct fv *x = all->items[i].val;

		if (x && x->type == FV_DICT && gs(x, "name") && *gs(x, "name")) {
			det = x;
			break;
		}
	}
	if (det && det->type == FV_DICT) {
		p->name = mdup(m, gs(det, "name"));
		p->email = mdup(m, gs(det, "email"));
		p->uri = mdup(m, gs(det, "href"));
	}
	if (!p->name && !p->email && gs(d, key) && *gs(d, key))
		p->name = mdup(m, gs(d, key));
	/* A byline written as HTML (arXiv's RSS 1.0 dc:creator: each author
	 * a link, "<a href=...>Jane Doe</a>, <a href=...>John Roe</a>") is
	 * the text of its markup: an author is plain text (docs/schema.md),
	 * and it was stored tags and all. */
	if (p->name && strchr(p->name, '<')) {
		struct feed_text t = { .value = p->name, .type = "text/html" };
		char *r = title_text(m, &t);    /* (in the arena, as the name) */

		p->name = r && *r ? r : NULL;
	}
}

static void free_person(struct feed_person *p)
{
	free(p->name);
	free(p->email);
	free(p->uri);
}

/* Whitespace folded, trimmed, and the other control characters and DEL
 * left out (as html_to_text leaves them out): the text goes to the
 * database as it is, and a title holding ESC [ 2 J would clear the
 * screen of every terminal that prints it.  (C1 controls, U+0080 to
 * U+009F, never get here: the parser reads them as windows-1252, as
 * feedparser does.) */
/* 1 at the two bytes of U+00AD soft hyphen or a C1 control (U+0080 to
 * U+009F), which the text leaves out as html_to_text does */
static int dropped_c2(const char *p)
{
	unsigned char d;

	if ((unsigned char)p[0] != 0xc2)
		return 0;
	d = (unsigned char)p[1];    /* at worst the string's terminator */
	return d == 0xad || (d >= 0x80 && d < 0xa0);
}

/* 1 when fold() would give s back unchanged */
static int folded(const char *s)
{
	const char *p;
	int sp = 1;     /* no blank first */

	for (p = s; *p; p++) {
		if (isspace((unsigned char)*p)) {
			if (*p != ' ' || sp)
				return 0;
			sp = 1;
		} else if ((unsigned char)*p < 0x20 || *p == 0x7f || dropped_c2(p)) {
			return 0;
		} else {
			sp = 0;
		}
	}
	return p == s || !sp;   /* "", or no blank last */
}

/* s: a string of the feed, itself the result when already folded (most
 * titles are) */
static char *fold(struct build *m, char *s)
{
	char *out, *w, *end;
	int sp = 0;

	if (s && folded(s))
		return s;
	if (!s)
		s = "";
	end = s + strlen(s);
	out = w = fv_arena_alloc(m->f->mem, (size_t)(end - s) + 1, 1);
	if (!out) {
		m->oom = 1;
		return NULL;
	}
	while (s < end) {
		unsigned char c = (unsigned char)*s;

#ifdef FEED_SSE2
		/* Sixteen bytes that fold to themselves: no control character,
		 * DEL or blank but single spaces between other bytes (what a
		 * plain-text summary mostly is).  Copied as they are, after the
		 * space a blank before them leaves pending. */
		if (end - s >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
			unsigned ctl = (unsigned)_mm_movemask_epi8(_mm_or_si128(
				_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v),
				_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))));
			unsigned blank = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));

			ctl |= (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xc2)));
			if (!ctl && !(blank & (blank >> 1)) && !(blank & 0x8001u)) {
				if (sp && w > out)
					*w++ = ' ';
				sp = 0;
				memcpy(w, s, 16);
				w += 16;
				s += 16;
				continue;
			}
		}
#endif
		if (dropped_c2(s)) {
			s += 2;
			continue;
		}
		s++;
		if (isspace(c)) {
			sp = 1;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (sp && w > out)
			*w++ = ' ';
		sp = 0;
		*w++ = (char)c;
	}
	*w = '\0';
	return out;
}

static int is_markup(const struct feed_text *t)
{
	return t->type && (!strcmp(t->type, "text/html") || !strcmp(t->type, "application/xhtml+xml"));
}

/* r (malloc'd text made from t's value) moved into the arena, or t's
 * value itself when r is the same text */
static char *mown_or_value(struct build *m, char *r, const struct feed_text *t)
{
	if (!r) {           /* html_to_text ran out of memory */
		m->oom = 1;
		return NULL;
	}
	if (!strcmp(r, t->value)) {
		free(r);
		return t->value;
	}
	return mown(m, r);
}

static char *as_text(struct build *m, const struct feed_text *t)
{
	if (!t->value)
		return NULL;
	if (!is_markup(t))
		return fold(m, t->value);
	/* keep line breaks from block elements, fold everything else */
	return mown_or_value(m, html_to_text(t->value, strlen(t->value)), t);
}

/* A title as plain text on one line. */
static char *title_text(struct build *m, const struct feed_text *t)
{
	char *r;

	if (!t->value)
		return NULL;
	if (!is_markup(t))
		return fold(m, t->value);
	/* html_to_text's only blanks are single separators between words,
	 * ' ' or '\n': folding it is turning '\n' into ' ' */
	r = html_to_text(t->value, strlen(t->value));
	for (char *q = r; q && *q; q++)
		if (*q == '\n')
			*q = ' ';
	return mown_or_value(m, r, t);
}

static char *as_html(struct build *m, const struct feed_text *t)
{
	struct sbuf b;
	char *r;

	if (!t->value)
		return NULL;
	if (is_markup(t))
		return t->value;    /* the same arena: one copy for both fields */
	sbuf_init(&b);
	sbuf_add_escaped(&b, t->value, strlen(t->value), 0);
	/* escaping only ever lengthens: the same length is the same text */
	if (b.oom)
		m->oom = 1;
	r = b.oom ? NULL : b.len == strlen(t->value) ? t->value : mdupn(m, sbuf_str(&b), b.len);
	sbuf_free(&b);
	return r;
}

/* A media:content or enclosure that is a picture: by its medium or type,
 * else (neither given, as many feeds have it) by its name's extension. */
static int is_image(const char *url, const char *medium, const char *type)
{
	static const char *const ext[] = { ".jpg", ".jpeg", ".png", ".gif", ".webp" };

	if (medium && *medium)
		return strcasecmp(medium, "image") == 0;
	if (type && *type)
		return strncasecmp(type, "image/", 6) == 0;
	size_t n = strcspn(url, "?#");
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t k = strlen(ext[i]);
		if (n > k && strncasecmp(url + n - k, ext[i], k) == 0)
			return 1;
	}
	return 0;
}

/* A picture's address as a reader loads it: without the blanks around it,
 * resolved against the entry's base (feedparser leaves Media RSS and RSS
 * enclosure URLs as written, and "/img/1.jpg" or "//cdn.example/1.jpg"
 * were no picture at all), http(s) only.  NULL when it is none (or out of
 * memory, m->oom then set). */
static char *web_url(struct build *m, const char *u, const char *base)
{
	size_t n;
	char *ref, *r;

	if (!u)
		return NULL;
	while (isspace((unsigned char)*u))
		u++;
	n = strlen(u);
	while (n && isspace((unsigned char)u[n - 1]))
		n--;
	if (!n)
		return NULL;
	if (!(ref = strndup(u, n))) {
		m->oom = 1;
		return NULL;
	}
	/* an absolute one as the feed wrote it */
	if (uri_is_web(ref) || !base || !*base) {
		r = ref;
	} else {
		r = uri_join(base, ref);
		free(ref);
		if (!r) {
			m->oom = 1;
			return NULL;
		}
	}
	if (!uri_is_web(r)) {
		free(r);
		return NULL;
	}
	return mown(m, r);
}

/* The entry's picture as its feed names one, in the order news feeds give
 * them: a Media RSS thumbnail (the BBC's), an image in media:content (the
 * Guardian's, the New York Times'), an image enclosure (RSS 2.0's own),
 * a podcast episode's itunes:image.
 * Web addresses only: what a reader puts in <img src>.  A relative one is
 * resolved against the xml:base in scope of the entry's text (its title's,
 * summary's or content's), else against the document's URL. */
static char *image_of(struct build *m, const struct fv *d, const struct feed_entry *e)
{
	const struct fv *l = fv_get(d, "media_thumbnail");
	const char *base = e->title.base ? e->title.base : e->summary.base ? e->summary.base :
	                   e->n_content ? e->content[0].base : NULL;
	char *u;

	/* An item of a link and a picture only (no title, no description: a
	 * photo feed's) has no text to take the base from: the document's
	 * URL is the base then, as its link's.  Without it "/photos/3.jpg"
	 * was no picture at all. */
	if (!base)
		base = m->base;

	for (size_t i = 0; l && l->type == FV_LIST && i < l->n; i++)
		if ((u = web_url(m, gs(l->items[i].val, "url"), base)) || m->oom)
			return u;
	l = fv_get(d, "media_content");
	for (size_t i = 0; l && l->type == FV_LIST && i < l->n; i++) {
		const struct fv *x = l->items[i].val;
		const char *v = gs(x, "url");

		if (v && is_image(v, gs(x, "medium"), gs(x, "type")) &&
		    ((u = web_url(m, v, base)) || m->oom))
			return u;
	}
	for (size_t i = 0; i < e->n_links; i++) {
		const struct feed_link *k = &e->links[i];

		if (k->rel && strcmp(k->rel, "enclosure") == 0 && is_image(k->href, NULL, k->type) &&
		    ((u = web_url(m, k->href, base)) || m->oom))
			return u;
	}
	/* A podcast episode's own artwork, <itunes:image href> in the item
	 * (feedparser's entry `image`): its enclosure is the audio, and
	 * without this the episode had no picture at all.  (The channel's
	 * itunes:image is the show's, not the episode's.) */
	l = fv_get(d, "image");
	if (l && l->type == FV_DICT)
		return web_url(m, gs(l, "href"), base);
	return NULL;
}

/* 1 when a text construct holds nothing but white space. */
static int blank_text(const struct feed_text *t)
{
	for (const char *s = t->value; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* The entry's body: its first content that holds anything, else its
 * summary.  An empty content is no body: an Atom <content src="..."/>
 * (the text is elsewhere; RFC 4287, 4.1.1.1, has the entry carry a
 * summary then), an empty <content:encoded/> or <content/> a generator
 * writes beside the description.  Taken as the body, it left the story
 * without any `content` while its summary's HTML was at hand. */
static const struct feed_text *body_of(const struct feed_entry *e)
{
	for (size_t i = 0; i < e->n_content; i++)
		if (!blank_text(&e->content[i]))
			return &e->content[i];
	return e->summary.value ? &e->summary : e->n_content ? &e->content[0] : NULL;
}

/* Everything of an entry but one thing only the end of the document
 * tells: the feed's language, its language when it has none of its own
 * (set by feed_parse once the document is read). */
static void fill_entry(struct build *m, struct feed_entry *e, const struct fv *d)
{
	const struct fv *c = fv_get(d, "content"), *tags, *contrib;
	const struct feed_text *body;

	e->id = take(m, d, "id");
	e->id_written = e->id ? take(m, d, FEED_ID_WRITTEN) : NULL;
	e->origlink = take(m, d, "feedburner_origlink");
	const struct fv *src = fv_get(d, "source");
	if (src && src->type == FV_DICT) {
		e->source_link = take(m, src, gs(src, "href") ? "href" : "link");
		e->source_title = take(m, src, "title");
	}
	e->comments = take(m, d, "comments");
	fill_text(m, &e->title, d, "title");
	fill_text(m, &e->summary, d, "summary");
	if (c && c->type == FV_LIST && c->n) {
		e->content = mzalloc(m, c->n, sizeof *e->content);
		for (size_t i = 0; e->content && i < c->n; i++) {
			const struct fv *x = c->items[i].val;

			e->content[i].value = take(m, x, "value");
			e->content[i].type = take_shared(m, x, "type");
			e->content[i].language = take_shared(m, x, "language");
			e->content[i].language_http = fv_get(x, FEED_LANG_HTTP) != NULL;
			e->content[i].base = take_shared(m, x, "base");
			e->n_content++;
		}
	}
	/* feedparser copies an entry's first plain or HTML content into its
	 * summary when it has none, as the bare value, with no
	 * summary_detail: that summary is the content, of its type and
	 * language (not text/plain, or its markup would be the entry's text) */
	if (e->summary.value && !fv_get(d, "summary_detail") && e->n_content &&
	    e->content[0].value && !strcmp(e->summary.value, e->content[0].value)) {
		e->summary.type = e->content[0].type;
		e->summary.language = e->content[0].language;
		e->summary.language_http = e->content[0].language_http;
		e->summary.base = e->content[0].base;
	}
	fill_links(m, &e->links, &e->n_links, d);
	/* An empty <link></link> is no link: a permalink guid is, as when
	 * the item has no <link> at all (feedparser's link stays empty) */
	const char *link = gs(d, "link");
	if ((!link || !*link) && gs(d, FEED_ID_PERMALINK))
		link = gs(d, FEED_ID_PERMALINK);
	e->link = link_of(m, e->links, e->n_links, link);
	e->image = image_of(m, d, e);
	fill_person(m, &e->author, d, "author");
	/* An Atom entry without an author of its own has its <source>'s
	 * (RFC 4287, 4.2.1), else its feed's (parse(), at the end) */
	if (!e->author.name && !e->author.email && !e->author.uri && src && src->type == FV_DICT)
		fill_person(m, &e->author, src, "author");
	contrib = fv_get(d, "contributors");
	if (contrib && contrib->type == FV_LIST && contrib->n) {
		e->contributors = mzalloc(m, contrib->n, sizeof *e->contributors);
		for (size_t i = 0; e->contributors && i < contrib->n; i++) {
			const struct fv *x = contrib->items[i].val;

			e->contributors[i].name = mdup(m, gs(x, "name"));
			e->contributors[i].email = mdup(m, gs(x, "email"));
			e->contributors[i].uri = mdup(m, gs(x, "href"));
			e->n_contributors++;
		}
	}
	tags = fv_get(d, "tags");
	if (tags && tags->type == FV_LIST && tags->n) {
		e->tags = mzalloc(m, tags->n, sizeof *e->tags);
		for (size_t i = 0; e->tags && i < tags->n; i++) {
			const struct fv *x = tags->items[i].val;

			e->tags[i].term = mdup(m, gs(x, "term"));
			e->tags[i].scheme = mdup(m, gs(x, "scheme"));
			e->tags[i].label = mdup(m, gs(x, "label"));
			e->n_tags++;
		}
	}
	e->published = get_time(d, "published_parsed");
	e->updated = get_time(d, "updated_parsed");
	e->published_raw = take(m, d, "published");
	e->updated_raw = take(m, d, "updated");
	/* The language the document gives the entry.  Not the HTTP
	 * Content-Language feedparser puts in scope for its texts: it is
	 * the server's word for the whole document, and an RSS channel's
	 * own <language> (the feed's, below) says better what its items
	 * are written in (a German feed from a server saying "en" had its
	 * stories stored as English and stemmed so). */
	if (e->title.language && !e->title.language_http)
		e->language = e->title.language;
	else if (e->summary.language && !e->summary.language_http)
		e->language = e->summary.language;
	else if (gs(d, "language"))
		e->language = take_shared(m, d, "language");

	e->title_text = title_text(m, &e->title);
	/* The summary's text, else the content's: a summary with no text in
	 * it (an empty <description/>, one that is only a picture) beside
	 * the article's full text left the story without any, for search
	 * and clustering alike. */
	body = body_of(e);
	e->text = e->summary.value ? as_text(m, &e->summary) : NULL;
	if ((!e->text || !e->text[0]) && body && body != &e->summary)
		e->text = as_text(m, body);
	e->html = body ? as_html(m, body) : NULL;
}

static int add_entry(void *arg, struct fv *d)
{
	struct build *b = arg;
	struct feed *f = b->f;

	/* A document of a million empty items costs a million entries: the
	 * cap bounds what one response holds whatever its size. */
	if (b->max && f->n_entries >= b->max) {
		f->n_entries_over++;
		return 0;
	}
	if (f->n_entries == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct feed_entry *x = cap < SIZE_MAX / sizeof *x ?
		                       realloc(f->entries, cap * sizeof *x) : NULL;

		if (!x)
			return -1;
		f->entries = x;
		b->cap = cap;
	}
	memset(&f->entries[f->n_entries], 0, sizeof *f->entries);
	fill_entry(b, &f->entries[f->n_entries], d);
	f->n_entries++;
	return b->oom ? -1 : 0;
}

static void free_entry(struct feed_entry *e)
{
	free(e->id);
	free(e->id_written);
	free(e->link);
	free(e->origlink);
	free(e->source_link);
	free(e->source_title);
	free(e->comments);
	free(e->image);
	free_text(&e->title);
	free_text(&e->summary);
	for (size_t i = 0; i < e->n_content; i++)
		free_text(&e->content[i]);
	free(e->content);
	free_links(e->links, e->n_links);
	free_person(&e->author);
	for (size_t i = 0; i < e->n_contributors; i++)
		free_person(&e->contributors[i]);
	free(e->contributors);
	for (size_t i = 0; i < e->n_tags; i++) {
		free(e->tags[i].term);
		free(e->tags[i].scheme);
		free(e->tags[i].label);
	}
	free(e->tags);
	free(e->published_raw);
	free(e->updated_raw);
	free(e->language);
	free(e->title_text);
	free(e->text);
	free(e->html);
}

static const struct { const char *name; enum feed_version v; } versions[] = {
	{ "rss090", FEED_RSS090 }, { "rss091n", FEED_RSS091N }, { "rss091u", FEED_RSS091U },
	{ "rss092", FEED_RSS092 }, { "rss093", FEED_RSS093 }, { "rss094", FEED_RSS094 },
	{ "rss20", FEED_RSS20 }, { "rss10", FEED_RSS10 }, { "rss", FEED_RSS },
	{ "atom01", FEED_ATOM01 }, { "atom02", FEED_ATOM02 }, { "atom03", FEED_ATOM03 },
	{ "atom10", FEED_ATOM10 }, { "atom", FEED_ATOM }, { "cdf", FEED_CDF },
};

const char *feed_version_name(enum feed_version v)
{
	for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
		if (versions[i].v == v)
			return versions[i].name;
	return "";
}

static int64_t update_period(const struct fv *f)
{
	const char *per = gs(f, "sy_updateperiod"), *freq = gs(f, "sy_updatefrequency");
	int64_t secs = 0, n = 1;

	if (!per && !freq)
		return 0;
	if (!per || !strcasecmp(per, "daily"))
		secs = 86400;
	else if (!strcasecmp(per, "hourly"))
		secs = 3600;
	else if (!strcasecmp(per, "weekly"))
		secs = 7 * 86400;
	else if (!strcasecmp(per, "monthly"))
		secs = 30 * 86400;
	else if (!strcasecmp(per, "yearly"))
		secs = 365 * 86400;
	else
		return 0;
	if (freq) {
		n = strtoll(freq, NULL, 10);
		if (n < 1)
			n = 1;
	}
	return secs / n;
}

/* The reason in a bozo exception, for people: without feedparser's
 * exception class ("SAXParseException: ", "NonXMLContentType: ", ...). */
static const char *why_not(const char *exc, const char *buf, size_t len)
{
	const char *p = exc;

	/* feedparser's complaint about the media type ("text/plain is not an
	 * accepted media type") takes the place of NOT_A_FEED when the body
	 * is XML without a feed in it; it is not why: a feed served as
	 * text/plain or application/octet-stream is read all the same. */
	if (!exc || !strncmp(exc, "NonXMLContentType: ", 19))
		return "no RSS, RDF or Atom element";
	/* libxml2's word for a body with no element in it at all, which is
	 * no empty document (the daemon says "empty response" of those):
	 * most often a JSON Feed, else plain text. */
	if (strstr(exc, ": Document is empty")) {
		size_t i = len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
			i++;
		return i < len && (buf[i] == '{' || buf[i] == '[')
		       ? "JSON, not RSS or Atom (JSON Feed is not read)" : "not XML";
	}
	while (isalpha((unsigned char)*p))
		p++;
	return p > exc && p[0] == ':' && p[1] == ' ' ? p + 2 : exc;
}

/* feed_parse(), streaming the entries (each converted as it ends and its
 * part of the tree dropped) or not (the whole tree first, then the
 * entries: how feed_parse worked before, kept as the oracle of the
 * streamed conversion in tests/unit/test_feed_stream.c) */
static int parse(const char *buf, size_t len, const struct feed_context *ctx, int stream,
                 struct feed **out, char *err, size_t errlen)
{
	struct fv *res = NULL, *fd, *entries, *img;
	struct build b = { 0 };
	struct feed *f;
	const char *v, *ttl;
	char *lang;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (!buf || !len) {
		if (errlen)
			snprintf(err, errlen, "empty document");
		return -1;
	}
	f = calloc(1, sizeof *f);
	if (!f || !(f->mem = fv_arena_new()))
		goto oom;
	b.f = f;
	b.max = ctx ? ctx->max_entries : 0;
	if (ctx && ctx->uri && !(b.base = enc_base_uri(ctx->uri, ctx->content_location)))
		goto oom;
	if (normalize(buf, len, ctx, stream ? &b : NULL, &res) < 0)
		goto oom;
	fd = fv_get(res, "feed");
	entries = fv_get(res, "entries");
	v = gs(res, "version");
	if ((!v || !*v) && (!entries || !entries->n) && !f->n_entries) {
		if (errlen)
			snprintf(err, errlen, "not a feed: %s",
			         why_not(gs(res, "bozo_exception"), buf, len));
		fv_free(res);
		free(b.base);
		feed_free(f);
		return -1;
	}
	for (size_t i = 0; v && i < sizeof versions / sizeof versions[0]; i++)
		if (!strcmp(versions[i].name, v))
			f->version = versions[i].v;
	f->encoding = mdup(&b, gs(res, "encoding"));
	f->bozo = fv_get(res, "bozo") ? (int)fv_get(res, "bozo")->i : 0;
	f->bozo_reason = mdup(&b, gs(res, "bozo_exception"));
	fill_text(&b, &f->title, fd, "title");
	f->title_text = title_text(&b, &f->title);
	fill_text(&b, &f->subtitle, fd, "subtitle");
	fill_text(&b, &f->rights, fd, "rights");
	f->link = mdup(&b, gs(fd, "link"));
	fill_links(&b, &f->links, &f->n_links, fd);
	f->id = mdup(&b, gs(fd, "id"));
	f->language = mdup(&b, gs(fd, "language"));
	f->generator = mdup(&b, gs(fd, "generator"));
	f->icon = mdup(&b, gs(fd, "icon"));
	f->logo = mdup(&b, gs(fd, "logo"));
	img = fv_get(fd, "image");
	f->image.length = -1;
	if (img && img->type == FV_DICT) {
		f->image.href = mdup(&b, gs(img, "href") ? gs(img, "href") : gs(img, "url"));
		f->image.title = mdup(&b, gs(img, "title"));
		f->image.rel = mdup(&b, gs(img, "link"));
	}
	fill_person(&b, &f->author, fd, "author");
	f->updated = get_time(fd, "updated_parsed");
	if (f->updated == FEED_NO_TIME)
		f->updated = get_time(fd, "published_parsed");
	f->updated_raw = mdup(&b, gs(fd, "updated") ? gs(fd, "updated") : gs(fd, "published"));
	ttl = gs(fd, "ttl");
	f->ttl = ttl ? atoi(ttl) : 0;
	if (f->ttl < 0)
		f->ttl = 0;
	f->update_period = update_period(fd);
	for (size_t i = 0; entries && i < entries->n; i++)
		if (add_entry(&b, entries->items[i].val) < 0)
			goto oom;
	if (b.oom)
		goto oom;
	fv_free(res);
	res = NULL;
	free(b.base);
	b.base = NULL;
	/* the feed's language, known now, for the entries without one (one
	 * copy for all: the arena frees them together); that is the HTTP
	 * Content-Language unless the document names one, and that too
	 * when it names an empty one, as feedparser's entry texts have it */
	lang = f->language;
	if ((!lang || !*lang) && ctx && ctx->content_language && *ctx->content_language) {
		if (!(lang = mdup(&b, ctx->content_language)))
			goto oom;
		for (char *c = lang; *c; c++)
			if (*c == '_')
				*c = '-';
	}
	for (size_t i = 0; lang && i < f->n_entries; i++)
		if (!f->entries[i].language)
			f->entries[i].language = lang;
	/* Likewise an Atom feed's author is the author of its entries that
	 * name none (RFC 4287, 4.2.1: a one-author blog names it once, at
	 * the top), whose stories had no author.  Not RSS's: a channel's
	 * managingEditor or dc:creator is not every item's author. */
	if (f->version >= FEED_ATOM01 && f->version <= FEED_ATOM &&
	    (f->author.name || f->author.email || f->author.uri))
		for (size_t i = 0; i < f->n_entries; i++) {
			struct feed_person *a = &f->entries[i].author;

			if (!a->name && !a->email && !a->uri)
				*a = f->author;
		}
	if (b.cap > f->n_entries && f->n_entries) {
		struct feed_entry *x = realloc(f->entries, f->n_entries * sizeof *x);

		if (x)
			f->entries = x;
	}
	*out = f;
	return 0;
oom:
	fv_free(res);
	free(b.base);
	feed_free(f);
	if (errlen)
		snprintf(err, errlen, "out of memory");
	return -1;
}

int feed_parse(const char *buf, size_t len, const struct feed_context *ctx,
               struct feed **out, char *err, size_t errlen)
{
	return parse(buf, len, ctx, 1, out, err, errlen);
}

int feed_parse_whole(const char *buf, size_t len, const struct feed_context *ctx,
                     struct feed **out, char *err, size_t errlen)
{
	return parse(buf, len, ctx, 0, out, err, errlen);
}

void feed_free(struct feed *f)
{
	if (!f)
		return;
	if (f->mem) {
		fv_arena_free(f->mem);
		free(f->entries);   /* the one part on the heap */
		free(f);
		return;
	}
	free(f->encoding);
	free(f->bozo_reason);
	free_text(&f->title);
	free(f->title_text);
	free_text(&f->subtitle);
	free_text(&f->rights);
	free(f->link);
	free_links(f->links, f->n_links);
	free(f->id);
	free(f->language);
	free(f->generator);
	free(f->icon);
	free(f->logo);
	free(f->image.href);
	free(f->image.rel);
	free(f->image.type);
	free(f->image.title);
	free_person(&f->author);
	free(f->updated_raw);
	for (size_t i = 0; i < f->n_entries; i++)
		free_entry(&f->entries[i]);
	free(f->entries);
	free(f);
}
