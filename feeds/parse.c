/* feeds/parse.c — the XML stage.  libxml2's SAX2 parser (no DTD loading,
 * no network, no entity substitution: we answer entity lookups ourselves,
 * from the internal subset with an expansion budget and from the HTML
 * table) drives a port of the Universal Feed Parser's element handlers
 * (feeds/handlers.c), so the tree it builds has feedparser's keys and
 * precedence rules.  Here: the SAX callbacks, the element stack and the
 * content parameters the handlers use (feeds/parse_int.h), xml:base and
 * xml:lang, namespaces, entities, and the driver, which runs the byte
 * passes of feeds/prescan.c first. */
#include "feeds/parse.h"
#include "feeds/parse_int.h"
#include "feeds/cdata.h"
#include "feeds/date.h"
#include "feeds/entities.h"
#include "feeds/feed.h"
#include "feeds/html.h"
#include "feeds/normalized.h"
#include "feeds/prescan.h"
#include "feeds/sbuf.h"
#include "feeds/uri.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/strtab.h"

#include <pthread.h>

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

/* ------------------------------------------------------------ helpers */

char *fp_xstrdup(struct fp *p, const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		p->oom = 1;
	return d;
}

static void set_bozo(struct fp *p, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	p->bozo = 1;
	if (p->bozo_reason)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* libxml2 messages end in a newline */
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	p->bozo_reason = fp_xstrdup(p, buf);
}

/* Makes room for one more element in a growable array (doubling from
 * `first`).  Returns 0, or -1 with p->oom set: the parse then fails as
 * out of memory rather than losing data silently. */
static int room(struct fp *p, void **arr, size_t *cap, size_t n, size_t elem,
                size_t first)
{
	size_t nc;
	void *t;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : first;
	if (!(t = realloc(*arr, nc * elem))) {
		p->oom = 1;
		return -1;
	}
	*arr = t;
	*cap = nc;
	return 0;
}

void fp_attrs_init(struct attrs *a)
{
	a->a = a->inl;
	a->n = 0;
	a->cap = sizeof a->inl / sizeof a->inl[0];
	a->used = 0;
}

/* a copy of s in the pool while it fits, else on the heap */
static char *attr_dup(struct fp *p, struct attrs *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (n <= sizeof a->pool - a->used) {
		d = a->pool + a->used;
		a->used += n;
		memcpy(d, s, n);
		return d;
	}
	return fp_xstrdup(p, s);
}

static void attr_str_free(struct attrs *a, char *s)
{
	if (s && (s < a->pool || s >= a->pool + sizeof a->pool))
		free(s);
}

void fp_attr_set(struct fp *p, struct attrs *a, const char *k, const char *v)
{
	char *nv;

	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->a[i].k, k) == 0) {
			nv = attr_dup(p, a, v);
			if (!nv)
				return;
			attr_str_free(a, a->a[i].v);
			a->a[i].v = nv;
			return;
		}
	if (a->n == a->cap) {
		struct attr *t = a->a == a->inl ? malloc(a->cap * 2 * sizeof *t)
		                                : realloc(a->a, a->cap * 2 * sizeof *t);

		if (!t) {
			p->oom = 1;
			return;
		}
		if (a->a == a->inl)
			memcpy(t, a->inl, a->n * sizeof *t);
		a->a = t;
		a->cap *= 2;
	}
	a->a[a->n].k = attr_dup(p, a, k);
	a->a[a->n].v = attr_dup(p, a, v);
	if (!a->a[a->n].k || !a->a[a->n].v) {
		attr_str_free(a, a->a[a->n].k);
		attr_str_free(a, a->a[a->n].v);
		return;
	}
	a->n++;
}

void fp_attr_del(struct attrs *a, const char *k)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->a[i].k, k) == 0) {
			attr_str_free(a, a->a[i].k);
			attr_str_free(a, a->a[i].v);
			memmove(a->a + i, a->a + i + 1, (a->n - i - 1) * sizeof *a->a);
			a->n--;
			return;
		}
}

void fp_attrs_free(struct attrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		attr_str_free(a, a->a[i].k);
		attr_str_free(a, a->a[i].v);
	}
	if (a->a != a->inl)
		free(a->a);
	fp_attrs_init(a);
}

struct fv *fp_attrs_dict(const struct attrs *a)
{
	struct fv *d = fv_new(FV_DICT);

	for (size_t i = 0; d && i < a->n; i++)
		fv_set_str(d, a->a[i].k, a->a[i].v);
	return d;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static char *lower_dup(struct fp *p, const char *s)
{
	char *d = fp_xstrdup(p, s);

	for (char *c = d; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return d;
}

/* replaces every occurrence of `from` in s (owned) with `to`; NULL (s
 * freed) out of memory */
char *fp_replace_all(char *s, const char *from, const char *to)
{
	struct sbuf b;
	const char *p = s, *q;
	size_t fl = strlen(from);

	if (!s || !strstr(s, from))
		return s;
	sbuf_init(&b);
	while ((q = strstr(p, from))) {
		sbuf_add(&b, p, (size_t)(q - p));
		sbuf_adds(&b, to);
		p = q + fl;
	}
	sbuf_adds(&b, p);
	free(s);
	/* (cut short, it was taken as "": an author stored without a name) */
	if (b.oom) {
		sbuf_free(&b);
		return NULL;
	}
	return sbuf_take(&b);
}

char *fp_strip_dup(const char *s)
{
	const char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return strndup(s, (size_t)(e - s));
}

static struct rstr *rs_new(struct fp *p, const char *s)
{
	size_t n;
	struct rstr *r;

	if (!s)
		return NULL;
	n = strlen(s);
	r = malloc(sizeof *r + n + 1);
	if (!r) {
		p->oom = 1;
		return NULL;
	}
	r->refs = 1;
	memcpy(r->s, s, n + 1);
	return r;
}

static struct rstr *rs_ref(struct rstr *r)
{
	if (r)
		r->refs++;
	return r;
}

static void rs_unref(struct rstr *r)
{
	if (r && !--r->refs)
		free(r);
}

/* replaces *slot by r (taking r's reference) */
static void rs_set(struct rstr **slot, struct rstr *r)
{
	rs_unref(*slot);
	*slot = r;
}

/* A string the tree keeps, copied into its arena and s freed: a tree
 * with no heap strings on its nodes is freed in one go (fv.c). */
struct fv *fp_tree_str(char *s)
{
	struct fv *v;

	if (!s)
		return NULL;
	v = fv_str(s);
	free(s);
	return v;
}

/* ------------------------------------------------------------ context */

struct fv *fp_context(struct fp *p)
{
	struct fv *img;

	if (p->insource)
		return p->source;
	if (p->inimage && (img = fv_get(p->feed, "image")) && img->type == FV_DICT)
		return img;
	if (p->intextinput)
		return fv_dict(p->feed, "textinput");
	if (p->inentry && fp_entry(p))
		return fp_entry(p);
	return p->feed;
}

void fp_save(struct fp *p, const char *key, struct fv *v, int overwrite)
{
	struct fv *c = fp_context(p);

	if (!v)
		return;
	if (!overwrite && fv_get(c, key)) {
		fv_free(v);
		return;
	}
	fv_set(c, key, v);
}

void fp_save_date(struct fp *p, const char *key, const char *value)
{
	int64_t t = feed_date_parse(value);
	struct fv *c = fp_context(p);

	if (t == FEED_NO_TIME)
		fv_set(c, key, fv_new(FV_NULL));
	else
		fv_set(c, key, fv_time(t));
}

/* ------------------------------------------------------------ entries */

/* A new dict in the document's arena, whichever is in use: one that
 * outlives the entry being read (p->source). */
struct fv *fp_doc_dict(struct fp *p)
{
	struct fv_arena *was = fv_arena_current();
	struct fv *d;

	fv_arena_use(p->doc_arena);
	d = fv_new(FV_DICT);
	fv_arena_use(was);
	return d;
}

/* An entry's element opens.  Streaming, its dict and everything put into
 * it come from the entry arena until fp_entry_end(); what goes elsewhere
 * meanwhile (the feed's image, namespaces, p->source) is copied into the
 * document's arena by fv_set/fv_push. */
void fp_entry_begin(struct fp *p)
{
	/* The base around the entry, before an xml:base of its own: a
	 * relative guid is kept as written only under it (fp_pop). */
	rs_set(&p->entry_base, p->nlv >= 2 ? rs_ref(p->lv[p->nlv - 2].base)
	                                    : rs_new(p, p->doc_base));
	if (!p->on_entry) {
		fv_push(p->entries, fv_new(FV_DICT));
		return;
	}
	/* one still open (an <item> in an <item>): nothing reaches it any
	 * more, as nothing reaches any but the last entry of the list */
	fp_entry_end(p);
	fv_arena_use(p->entry_arena);
	p->cur_entry = fv_new(FV_DICT);
	if (!p->cur_entry) {
		p->oom = 1;
		fv_arena_use(p->doc_arena);
	}
}

/* The streamed entry is complete: once its element has closed nothing
 * writes to it (p->inentry is 0 until the next entry), and no later
 * element changes what it holds.  Hands it over and drops it. */
void fp_entry_end(struct fp *p)
{
	struct fv *e = p->cur_entry;

	if (!e)
		return;
	p->cur_entry = NULL;
	p->popped = NULL;   /* may be a node of the entry */
	if (!p->oom && p->on_entry(p->on_entry_arg, e) < 0)
		p->oom = 1;
	fv_free(e);         /* what of it is on the heap (an index, a text) */
	fv_arena_reset(p->entry_arena);
	fv_arena_use(p->doc_arena);
}

/* ------------------------------------------------------------ stack */

static const char *frame_name(const struct frame *f)
{
	return f->name ? f->name : f->nbuf;
}

void fp_push(struct fp *p, const char *name, int expecting)
{
	struct frame *f;
	size_t nl = strlen(name);

	if (room(p, (void **)&p->st, &p->capst, p->nst, sizeof *p->st, 16) < 0)
		return;
	f = &p->st[p->nst];
	if (p->nst == p->stinit) {
		sbuf_init(&f->text);
		p->stinit++;
	}
	f->name = NULL;
	if (nl < sizeof f->nbuf) {
		memcpy(f->nbuf, name, nl + 1);
	} else if (!(f->name = fp_xstrdup(p, name))) {
		return;
	}
	f->expecting = expecting;
	f->pieces = f->first_is_div = 0;
	sbuf_reset(&f->text);
	p->nst++;
}

/* the text collected in frame f, as a new string; the frame keeps its
 * buffer (NULL on OOM) */
static char *frame_take(struct frame *f)
{
	char *out;

	/* Text cut short by a failed allocation is NULL (fp_pop fails the
	 * parse), not "": a description stored as nothing, for good. */
	if (f->text.oom) {
		sbuf_free(&f->text);
		return NULL;
	}
	if (!f->text.s) {
		sbuf_free(&f->text);
		return strdup("");
	}
	out = malloc(f->text.len + 1);
	if (out)
		memcpy(out, f->text.s, f->text.len + 1);
	sbuf_reset(&f->text);
	if (f->text.cap > 65536)    /* a huge element: do not keep that */
		sbuf_free(&f->text);
	return out;
}

/* Text or markup for the innermost open element (on_chars' hot path,
 * inlined there; the handlers call fp_handle_data). */
static inline void handle_data(struct fp *p, const char *s, size_t n, int escape)
{
	struct frame *f;

	if (!p->nst)
		return;
	f = &p->st[p->nst - 1];
	if (escape && p->cp.active && p->cp.type && p->cp.type[0] == 'a' &&
	    !strcmp(p->cp.type, "application/xhtml+xml"))
		sbuf_add_escaped(&f->text, s, n, 0);
	else
		sbuf_add(&f->text, s, n);
	if (f->pieces == 0 && !escape && (strncmp(s, "<div>", 5) == 0 || strncmp(s, "<div ", 5) == 0))
		f->first_is_div = 1;
	f->pieces++;
}

void fp_handle_data(struct fp *p, const char *s, size_t n, int escape)
{
	handle_data(p, s, n, escape);
}

/* s copied into buf when it fits, else to the heap (NULL stays NULL) */
static char *cp_store(struct fp *p, char *buf, size_t cap, const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (n < cap) {
		memcpy(buf, s, n + 1);
		return buf;
	}
	return fp_xstrdup(p, s);
}

static void cp_drop(char *s, const char *buf)
{
	if (s != buf)
		free(s);
}

static void cp_set_type(struct fp *p, const char *s)
{
	cp_drop(p->cp.type, p->cp.tbuf);
	p->cp.type = cp_store(p, p->cp.tbuf, sizeof p->cp.tbuf, s);
}

static void cp_clear(struct cparams *c)
{
	cp_drop(c->type, c->tbuf);
	cp_drop(c->language, c->lbuf);
	cp_drop(c->base, c->bbuf);
	free(c->src);
	c->active = c->base64 = c->lang_http = 0;
	c->type = c->language = c->base = c->src = NULL;
}

const char *fp_cp_type(struct fp *p, const char *dflt)
{
	return p->cp.active && p->cp.type ? p->cp.type : dflt;
}

char *fp_map_content_type(struct fp *p, const char *t)
{
	char *l = lower_dup(p, t ? t : "");

	if (!l)
		return NULL;
	if (!strcmp(l, "text") || !strcmp(l, "plain")) {
		free(l);
		return fp_xstrdup(p, "text/plain");
	}
	if (!strcmp(l, "html")) {
		free(l);
		return fp_xstrdup(p, "text/html");
	}
	if (!strcmp(l, "xhtml")) {
		free(l);
		return fp_xstrdup(p, "application/xhtml+xml");
	}
	return l;
}

int fp_is_html_type(const char *t)
{
	return fp_str_eq(t, "text/html") || fp_str_eq(t, "application/xhtml+xml");
}

/* ASCII case-insensitive equality (what lower_dup + strcmp say) */
static int type_eq(const char *t, const char *want)
{
	for (; *t && *want; t++, want++)
		if ((*t >= 'A' && *t <= 'Z' ? *t | 0x20 : *t) != *want)
			return 0;
	return *t == *want;
}

/* fp_is_html_type(fp_map_content_type(t)) and the same for text/plain,
 * without building the mapped string */
int fp_maps_to_html(const char *t)
{
	return t && (type_eq(t, "html") || type_eq(t, "xhtml") || type_eq(t, "text/html") ||
	             type_eq(t, "application/xhtml+xml"));
}

int fp_maps_to_plain(const char *t)
{
	return t && (type_eq(t, "text") || type_eq(t, "plain") || type_eq(t, "text/plain"));
}

/* xhtml content wrapped in one <div>: drop the wrapper, as feedparser
 * does when all the content is nested under it */
static char *strip_div(char *s)
{
	size_t n = strlen(s), i, depth = 0;
	const char *body;

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	body = s;
	while (isspace((unsigned char)*body))
		body++;
	if (strncmp(body, "<div", 4) != 0 || (body[4] != '>' && body[4] != ' '))
		return s;
	if (n < 6 || strncmp(s + n - 6, "</div>", 6) != 0)
		return s;
	/* the first element must close exactly at the end */
	for (i = (size_t)(body - s); i < n; i++) {
		if (s[i] != '<')
			continue;
		if (s[i + 1] == '/') {
			depth--;
			if (depth == 0)
				break;
		} else {
			size_t j = i;

			while (j < n && s[j] != '>')
				j++;
			if (j > i && s[j - 1] != '/')
				depth++;
		}
	}
	if (i != n - 6)
		return s;
	{
		const char *gt = strchr(body, '>');
		char *r;

		if (!gt)
			return s;
		r = strndup(gt + 1, (size_t)((s + n - 6) - (gt + 1)));
		if (!r)
			return s;
		free(s);
		return r;
	}
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* base64 text to bytes; NULL when it is not base64, or (*oom set) out of
 * memory */
static char *b64decode(const char *s, int *oom)
{
	struct sbuf b;
	unsigned acc = 0;
	int bits = 0, pad = 0;

	sbuf_init(&b);
	for (; *s; s++) {
		int v;

		if (isspace((unsigned char)*s))
			continue;
		if (*s == '=') {
			pad++;
			continue;
		}
		v = b64val((unsigned char)*s);
		if (v < 0 || pad) {
			sbuf_free(&b);
			return NULL;
		}
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sbuf_addc(&b, (char)(acc >> bits & 0xff));
		}
	}
	/* (cut short, the bytes were taken as "": a content stored empty) */
	if (b.oom) {
		sbuf_free(&b);
		*oom = 1;
		return NULL;
	}
	return sbuf_take(&b);
}

static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
		        (*p & 0xf8) == 0xf0 ? 3 : -1;

		if (n < 0 || (n == 1 && *p < 0xc2))
			return 0;
		p++;
		while (n--) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			p++;
		}
	}
	return 1;
}

static unsigned pd_hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct pdepth *pd_find(struct fp *p, const char *key, unsigned h)
{
	for (size_t i = 0; i < p->npd; i++) {
		struct pdepth *d = &p->pd[i];

		if (d->h == h && !strcmp(d->key ? d->key : d->kbuf, key))
			return d;
	}
	return NULL;
}

static int pd_get(struct fp *p, const char *key)
{
	struct pdepth *d = pd_find(p, key, pd_hash(key));

	return d ? d->depth : -1;
}

static void pd_set(struct fp *p, const char *key, int depth)
{
	unsigned h = pd_hash(key);
	struct pdepth *d = pd_find(p, key, h);
	size_t kl = strlen(key);

	if (d) {
		d->depth = depth;
		return;
	}
	if (room(p, (void **)&p->pd, &p->cappd, p->npd, sizeof *p->pd, 8) < 0)
		return;
	d = &p->pd[p->npd];
	d->key = NULL;
	if (kl < sizeof d->kbuf)
		memcpy(d->kbuf, key, kl + 1);
	else if (!(d->key = fp_xstrdup(p, key)))
		return;
	d->h = h;
	d->depth = depth;
	p->npd++;
}

/* Forgets the depth `key` was stored at: the next value, however deeply
 * nested, is stored (an empty summary taken away by a handler). */
void fp_pd_forget(struct fp *p, const char *key)
{
	struct pdepth *d = pd_find(p, key, pd_hash(key));

	if (d)
		d->depth = INT_MAX;
}

void fp_pd_clear(struct fp *p)
{
	for (size_t i = 0; i < p->npd; i++)
		free(p->pd[i].key);
	p->npd = 0;
}

/* A node for the text fp_pop() stores: the first one copies it into the
 * tree, the others (summary and summary_detail, content and summary)
 * share that copy; the tree is one arena, so the copy lives as long as
 * every node that points at it. */
struct fv *fp_popped_str(struct fp *p, const char *s)
{
	if (p->popped && p->popped->in_arena)
		return fv_str_ref(p->popped->s);
	p->popped = fv_str(s);
	return p->popped;
}

static struct fv *detail_from_cp(struct fp *p, const char *value)
{
	struct fv *d = fv_new(FV_DICT);

	if (!d)
		return NULL;
	fv_set_str(d, "type", p->cp.type);
	if (p->cp.language) {
		fv_set_str(d, "language", p->cp.language);
		if (p->cp.lang_http)
			fv_set(d, FEED_LANG_HTTP, fv_int(1));
	} else
		fv_set(d, "language", fv_new(FV_NULL));
	fv_set_str(d, "base", p->cp.base ? p->cp.base : "");
	if (p->cp.src)
		fv_set_str(d, "src", p->cp.src);
	fv_set(d, "value", fp_popped_str(p, value));
	return d;
}

static int in_set(const char *const *set, const char *s)
{
	for (; *set; set++)
		if (**set == *s && !strcmp(*set, s))   /* first byte: skips most calls */
			return 1;
	return 0;
}

static const char *const can_be_relative_uri[] = {
	"comments", "docs", "href", "icon", "id", "link", "logo", "url",
	"wfw_comment", "wfw_commentrss", NULL,
};
static const char *const can_contain_markup[] = {
	"content", "copyright", "description", "info", "rights", "subtitle",
	"summary", "tagline", "title", NULL,
};

/* Text that is UTF-8 read as ISO-8859-1 and encoded again ("\u00e2\u0080\u00a6"
 * for "\u2026") is repaired whatever the document was read as (feedparser
 * asks its parser's encoding, which is always "utf-8" once the document is
 * converted, not the detected one: a UTF-8 feed served as "text/xml;
 * charset=ISO-8859-1" is where such text comes from most), and the C1
 * controls U+0080..U+009F, which are always windows-1252 in disguise,
 * become the characters windows-1252 meant (feedparser does both). */
static char *fix_c1(struct fp *p, char *s)
{
	const unsigned char *u = (const unsigned char *)s, *end, *q;
	int latin1 = 1, c1 = 0, dbl = 0;
	struct sbuf b;
	size_t n = strlen(s);

	/* both patterns need a 0xc2 byte: most text has none */
	end = u + n;
	q = memchr(u, 0xc2, n);
	if (!q)
		return s;
	for (; q; q = q + 1 < end ? memchr(q + 1, 0xc2, (size_t)(end - q - 1)) : NULL) {
		if (q + 1 < end && q[1] >= 0x80 && q[1] < 0xa0)
			c1 = 1;
		/* "\u00c2".."\u00f4" then a continuation: a UTF-8 lead byte
		 * that was read as ISO-8859-1 */
		if (q >= u + 2 && q[-2] == 0xc3 && q[-1] >= 0x82 && q[-1] <= 0xb4 &&
		    q + 1 < end && q[1] >= 0x80 && q[1] <= 0xbf)
			dbl = 1;
	}
	if (dbl) {
		for (const unsigned char *r = u; r < end && latin1; r++)
			if (*r >= 0x80 && (*r & 0xc0) != 0x80 && *r != 0xc2 && *r != 0xc3)
				latin1 = 0;
	}
	if (!c1 && !(dbl && latin1))
		return s;
	if (dbl && latin1) {
		/* the code points as bytes: valid UTF-8? */
		struct sbuf raw;

		sbuf_init(&raw);
		for (size_t i = 0; u[i]; i++) {
			if (u[i] < 0x80) {
				sbuf_addc(&raw, (char)u[i]);
			} else {
				sbuf_addc(&raw, (char)(((u[i] & 0x1f) << 6) | (u[i + 1] & 0x3f)));
				i++;
			}
		}
		if (!raw.oom && utf8_ok(sbuf_str(&raw))) {
			free(s);
			return sbuf_take(&raw);
		}
		sbuf_free(&raw);
	}
	if (!c1)
		return s;
	sbuf_init(&b);
	for (size_t i = 0; u[i]; i++) {
		if (u[i] == 0xc2 && u[i + 1] >= 0x80 && u[i + 1] < 0xa0 && cp1252_c1(u[i + 1])) {
			sbuf_add_utf8(&b, cp1252_c1(u[i + 1]));
			i++;
		} else {
			sbuf_addc(&b, (char)u[i]);
		}
	}
	if (b.oom) {
		sbuf_free(&b);
		return s;
	}
	free(s);
	return sbuf_take(&b);
}

/* "?a=1&b;=2" (a query taken for references) back to "?a=1&b=2" */
static char *unref_query(char *s)
{
	char *r = s, *w = s;

	if (!s)
		return NULL;
	while (*r) {
		if (*r == '&') {
			char *q = r + 1;

			while (isalnum((unsigned char)*q) || *q == '_')
				q++;
			if (q > r + 1 && *q == ';') {
				memmove(w, r, (size_t)(q - r));
				w += q - r;
				r = q + 1;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return s;
}

/* 1 when s begins with a URI scheme ("http:", "tag:", "urn:"): an
 * absolute reference, which resolving leaves as it is */
static int has_scheme(const char *s)
{
	const char *q = s;

	if (!isalpha((unsigned char)*q))
		return 0;
	while (isalnum((unsigned char)*q) || *q == '+' || *q == '-' || *q == '.')
		q++;
	return *q == ':';
}

/* feedparser's fp_pop(): ends the collection for `element`, post-processes
 * the text and stores it where it belongs.  Returns the text (owned by the
 * caller) or NULL when the stack top is not `element`. */
char *fp_pop(struct fp *p, const char *element, int strip)
{
	struct frame f;
	char *out, *written = NULL;

	p->popped = NULL;
	if (!p->nst || strcmp(frame_name(&p->st[p->nst - 1]), element) != 0)
		return NULL;
	f = p->st[--p->nst];
	out = frame_take(&p->st[p->nst]);
	free(f.name);
	if (!out) {
		p->oom = 1;
		return NULL;
	}
	if (fp_str_eq(p->version, "atom10") && fp_str_eq(fp_cp_type(p, "text"), "application/xhtml+xml") &&
	    f.first_is_div)
		out = strip_div(out);
	if (strip) {
		/* trim in place */
		size_t a = 0, b = strlen(out);

		while (a < b && isspace((unsigned char)out[a]))
			a++;
		while (b > a && isspace((unsigned char)out[b - 1]))
			b--;
		if (a)
			memmove(out, out + a, b - a);
		out[b - a] = '\0';
	}
	if (!f.expecting)
		return out;

	if (p->cp.active && p->cp.base64) {
		int oom = 0;
		char *d = b64decode(out, &oom);

		if (oom) {
			free(out);
			p->oom = 1;
			return NULL;
		}
		if (d && !utf8_ok(d)) {
			free(d);
			d = NULL;
		}
		if (d) {
			free(out);
			out = d;
		}
	}
	if (in_set(can_be_relative_uri, element) && *out &&
	    (strcmp(element, "id") != 0 || p->guidislink)) {
		char *r = uri_join(BASE(p) ? BASE(p) : "", out);

		/* Out of memory (uri_join's only failure): the parse fails, as
		 * for any other allocation, rather than keep the value as
		 * written, a relative link the story then lost. */
		if (!r) {
			free(out);
			p->oom = 1;
			return NULL;
		}
		/* A relative guid ("1002", "/news/1002", "//host/1002") is kept
		 * as written too: resolved, it changes with the URL the
		 * document is read from (a feed moved to https or to another
		 * path, another Content-Location), the item it names does not.
		 * Not under an xml:base of the entry's own (an aggregator's
		 * items, each under its blog's address): the guid is then what
		 * it resolves to, as it tells the items apart; as written, two
		 * blogs' "2024/06/hello" were one item and one of the two was
		 * never stored. */
		if (!strcmp(element, "id") && !has_scheme(out) && strcmp(r, out) != 0 &&
		    fp_str_eq(BASE(p), rs_str(p->entry_base)))
			written = out;
		else
			free(out);
		out = r;
	}
	/* (feedparser's loose parser re-decodes entities here; its strict
	 * parser, which this one mirrors, does not) */
	if (p->cp.active && strncmp(p->version, "atom", 4) != 0 &&
	    fp_str_eq(p->cp.type, "text/plain") && html_looks_like(out)) {
		cp_set_type(p, "text/html");
	}
	p->cp.base64 = 0;

	/* the type is looked at only for elements that may hold markup */
	if (in_set(can_contain_markup, element)) {
		if (fp_maps_to_html(fp_cp_type(p, "text/html"))) {
			char *s = html_sanitize(out, strlen(out), BASE(p),
			                        fp_str_eq(fp_cp_type(p, ""), "application/xhtml+xml"));

			/* Out of memory (its only failure): the parse fails.
			 * Kept as written, the markup went unsanitised, its
			 * <script> and all, into stories.content. */
			if (!s) {
				free(out);
				free(written);
				p->oom = 1;
				return NULL;
			}
			free(out);
			out = s;
		}
	}

	out = fix_c1(p, out);
	if (!out) {
		free(written);
		return NULL;
	}

	if (!strcmp(element, "category") || !strcmp(element, "tags") ||
	    !strcmp(element, "itunes_keywords") || !strcmp(element, "media_keywords"))
		return out;
	if (!strcmp(element, "title") && p->title_depth > -1 && p->title_depth <= p->depth)
		return out;

	if (p->inentry && !p->insource) {
		struct fv *e = fp_entry(p);

		if (!e) {
			free(written);
			return out;
		}
		if (!strcmp(element, "content")) {
			fv_push(fv_list(e, "content"), detail_from_cp(p, out));
		} else if (!strcmp(element, "link")) {
			if (!p->inimage) {
				char *v = fp_replace_all(fp_xstrdup(p, out), "&amp;", "&");
				struct fv *links, *last;

				if (!v) {
					p->oom = 1;
					return out;
				}
				v = unref_query(v);
				if (!v)
					return out;
				links = fv_get(e, "links");
				last = fv_last(links);
				/* an alternate link wins over the others */
				if (!fv_get_str(e, "link") || !*fv_get_str(e, "link") ||
				    (last && fp_str_eq(fv_get_str(last, "rel"), "alternate")))
					fv_set_str(e, "link", v);
				if (*v && last && last->type == FV_DICT)
					fv_set_str(last, "href", v);
				free(v);
			}
		} else {
			const char *key = !strcmp(element, "description") ? "summary" : element;
			int old = pd_get(p, key);
			char dkey[128];

			if (old < 0 || p->depth <= old) {
				pd_set(p, key, p->depth);
				fv_set(e, key, fp_popped_str(p, out));
				/* the guid as written goes with the one it is */
				if (!strcmp(key, "id")) {
					if (written)
						fv_set_str(e, FEED_ID_WRITTEN, written);
					else
						fv_del(e, FEED_ID_WRITTEN);
				}
				/* The detail goes with the value it describes.
				 * feedparser writes it for the nested element too
				 * (an item's <image><title> after its <title>), and
				 * the daemon stores title_detail's value: the
				 * picture's caption became the headline. */
				if (p->incontent) {
					fp_cat3(dkey, sizeof dkey, key, "_detail", NULL);
					fv_set(e, dkey, detail_from_cp(p, out));
				}
			}
		}
	} else if (p->infeed || p->insource) {
		struct fv *c = fp_context(p);
		const char *key = !strcmp(element, "description") ? "subtitle" : element;

		if (!strcmp(key, "link")) {
			struct fv *last = fv_last(fv_get(c, "links"));
			char *v = unref_query(fp_xstrdup(p, out));

			if (!v)
				return out;
			fv_set_str(c, key, v);
			if (last && last->type == FV_DICT)
				fv_set_str(last, "href", v);
			free(v);
		} else {
			fv_set(c, key, fp_popped_str(p, out));
			if (p->incontent) {
			char dkey[128];

				fp_cat3(dkey, sizeof dkey, key, "_detail", NULL);
				fv_set(c, dkey, detail_from_cp(p, out));
			}
		}
	}
	free(written);
	return out;
}

void fp_pop_free(struct fp *p, const char *element)
{
	free(fp_pop(p, element, 1));
}

static int is_base64(struct fp *p, const struct attrs *a)
{
	const char *t = p->cp.type ? p->cp.type : "";

	if (fp_str_eq(fp_attr_get(a, "mode"), "base64"))
		return 1;
	if (!strncmp(t, "text/", 5) || ends_with(t, "+xml") || ends_with(t, "/xml"))
		return 0;
	return 1;
}

void fp_push_content(struct fp *p, const char *tag, const struct attrs *a,
                         const char *dflt, int expecting)
{
	const char *t = fp_attr_get(a, "type");

	p->incontent++;
	cp_clear(&p->cp);
	p->cp.active = 1;
	{
		/* map_content_type, into the slot when it fits */
		const char *mt = t ? t : dflt;
		size_t n = strlen(mt);

		if (n < sizeof p->cp.tbuf) {
			char *l = p->cp.tbuf;

			for (size_t i = 0; i <= n; i++)
				l[i] = (char)tolower((unsigned char)mt[i]);
			if (!strcmp(l, "text") || !strcmp(l, "plain"))
				strcpy(l, "text/plain");
			else if (!strcmp(l, "html"))
				strcpy(l, "text/html");
			else if (!strcmp(l, "xhtml"))
				strcpy(l, "application/xhtml+xml");
			p->cp.type = l;
		} else {
			p->cp.type = fp_map_content_type(p, mt);
		}
	}
	if (LANG(p)) {
		p->cp.language = cp_store(p, p->cp.lbuf, sizeof p->cp.lbuf, LANG(p));
		for (char *c = p->cp.language; c && *c; c++)
			if (*c == '_')
				*c = '-';
		p->cp.lang_http = p->lang_r == p->lang_http;
	}
	p->cp.base = cp_store(p, p->cp.bbuf, sizeof p->cp.bbuf, BASE(p) ? BASE(p) : "");
	p->cp.base64 = is_base64(p, a);
	fp_push(p, tag, expecting);
}

char *fp_pop_content(struct fp *p, const char *tag)
{
	char *v = fp_pop(p, tag, 1);

	p->incontent--;
	cp_clear(&p->cp);
	return v;
}

/* ------------------------------------------------------------ namespaces */

static struct strtab ns_tab;
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;
static void tabs_init(void);

static const struct { const char *uri, *prefix; } known_ns[] = {
	{ "http://backend.userland.com/rss", "" },
	{ "http://blogs.law.harvard.edu/tech/rss", "" },
	{ "http://purl.org/rss/1.0/", "" },
	{ "http://my.netscape.com/rdf/simple/0.9/", "" },
	{ "http://example.com/newformat#", "" },
	{ "http://example.com/necho", "" },
	{ "http://purl.org/echo/", "" },
	{ "uri/of/echo/namespace#", "" },
	{ "http://purl.org/pie/", "" },
	{ "http://purl.org/atom/ns#", "" },
	{ "http://www.w3.org/2005/atom", "" },
	{ "http://purl.org/rss/1.0/modules/rss091#", "" },
	{ "http://webns.net/mvcb/", "admin" },
	{ "http://purl.org/rss/1.0/modules/aggregation/", "ag" },
	{ "http://purl.org/rss/1.0/modules/annotate/", "annotate" },
	{ "http://media.tangent.org/rss/1.0/", "audio" },
	{ "http://backend.userland.com/blogchannelmodule", "blogChannel" },
	{ "http://creativecommons.org/ns#license", "cc" },
	{ "http://web.resource.org/cc/", "cc" },
	{ "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html", "creativeCommons" },
	{ "http://backend.userland.com/creativecommonsrssmodule", "creativeCommons" },
	{ "http://purl.org/rss/1.0/modules/company", "co" },
	{ "http://purl.org/rss/1.0/modules/content/", "content" },
	{ "http://my.theinfo.org/changed/1.0/rss/", "cp" },
	{ "http://purl.org/dc/elements/1.1/", "dc" },
	{ "http://purl.org/dc/terms/", "dcterms" },
	{ "http://purl.org/rss/1.0/modules/email/", "email" },
	{ "http://purl.org/rss/1.0/modules/event/", "ev" },
	{ "http://rssnamespace.org/feedburner/ext/1.0", "feedburner" },
	{ "http://freshmeat.net/rss/fm/", "fm" },
	{ "http://xmlns.com/foaf/0.1/", "foaf" },
	{ "http://www.w3.org/2003/01/geo/wgs84_pos#", "geo" },
	{ "http://www.georss.org/georss", "georss" },
	{ "http://www.opengis.net/gml", "gml" },
	{ "http://postneo.com/icbm/", "icbm" },
	{ "http://purl.org/rss/1.0/modules/image/", "image" },
	{ "http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes" },
	{ "http://example.com/dtds/podcast-1.0.dtd", "itunes" },
	{ "http://purl.org/rss/1.0/modules/link/", "l" },
	{ "http://search.yahoo.com/mrss", "media" },
	{ "http://search.yahoo.com/mrss/", "media" },
	{ "http://madskills.com/public/xml/rss/module/pingback/", "pingback" },
	{ "http://prismstandard.org/namespaces/1.2/basic/", "prism" },
	{ "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf" },
	{ "http://www.w3.org/2000/01/rdf-schema#", "rdfs" },
	{ "http://purl.org/rss/1.0/modules/reference/", "ref" },
	{ "http://purl.org/rss/1.0/modules/richequiv/", "reqv" },
	{ "http://purl.org/rss/1.0/modules/search/", "search" },
	{ "http://purl.org/rss/1.0/modules/slash/", "slash" },
	{ "http://schemas.xmlsoap.org/soap/envelope/", "soap" },
	{ "http://purl.org/rss/1.0/modules/servicestatus/", "ss" },
	{ "http://hacks.benhammersley.com/rss/streaming/", "str" },
	{ "http://purl.org/rss/1.0/modules/subscription/", "sub" },
	{ "http://purl.org/rss/1.0/modules/syndication/", "sy" },
	{ "http://schemas.pocketsoap.com/rss/mydescmodule/", "szf" },
	{ "http://purl.org/rss/1.0/modules/taxonomy/", "taxo" },
	{ "http://purl.org/rss/1.0/modules/threading/", "thr" },
	{ "http://purl.org/rss/1.0/modules/textinput/", "ti" },
	{ "http://madskills.com/public/xml/rss/module/trackback/", "trackback" },
	{ "http://wellformedweb.org/commentapi/", "wfw" },
	{ "http://purl.org/rss/1.0/modules/wiki/", "wiki" },
	{ "http://www.w3.org/1999/xhtml", "xhtml" },
	{ "http://www.w3.org/1999/xlink", "xlink" },
	{ "http://www.w3.org/xml/1998/namespace", "xml" },
	{ "http://podlove.org/simple-chapters", "psc" },
};

/* The canonical prefix of a namespace URI, or NULL when unknown.  The
 * match is case-insensitive, and every backend.userland.com/rss URI is
 * RSS itself. */
static const char *ns_prefix(const char *uri)
{
	char low[256];
	size_t n;

	if (!uri)
		return NULL;
	n = strlen(uri);
	if (n >= sizeof low)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)uri[i]);
	if (strstr(low, "backend.userland.com/rss"))
		return "";
	{
		const struct strtab_slot *sl;

		pthread_once(&tabs_once, tabs_init);
		sl = strtab_get(&ns_tab, low, n);
		return sl ? sl->ptr : NULL;
	}
}

static void tabs_init(void)
{
	for (size_t i = 0; i < sizeof known_ns / sizeof known_ns[0]; i++)
		strtab_add(&ns_tab, known_ns[i].uri, known_ns[i].prefix, 0);
}

static void track_namespace(struct fp *p, const char *prefix, const char *uri)
{
	const char *canon;
	char low[256];
	size_t n = strlen(uri);

	if (!*uri)
		return;
	if (n < sizeof low) {
		for (size_t i = 0; i <= n; i++)
			low[i] = (char)tolower((unsigned char)uri[i]);
		if (!p->version[0]) {
			if (!prefix && !strcmp(low, "http://my.netscape.com/rdf/simple/0.9/"))
				snprintf(p->version, sizeof p->version, "rss090");
			else if (!strcmp(low, "http://purl.org/rss/1.0/"))
				snprintf(p->version, sizeof p->version, "rss10");
			else if (!strcmp(low, "http://www.w3.org/2005/atom"))
				snprintf(p->version, sizeof p->version, "atom10");
		}
	}
	canon = ns_prefix(uri);
	if (canon) {
		if (strstr(low, "backend.userland.com/rss"))
			uri = "http://backend.userland.com/rss";
		fv_set_str(p->namespaces, canon, uri);
	} else {
		fv_set_str(p->namespaces, prefix ? prefix : "", uri);
	}
}

/* The canonical prefix for a namespace URI pointer.  libxml2 interns
 * namespace names in its dictionary, so the same URI is the same pointer
 * for the whole document: a few cached pointers save the lookups. */
static const char *ns_prefix_cached(struct fp *p, const xmlChar *uri)
{
	size_t i;
	const char *pf;

	if (!uri)
		return NULL;
	for (i = 0; i < NS_CACHE; i++)
		if (p->nsc[i].uri == uri)
			return p->nsc[i].prefix;
	pf = ns_prefix((const char *)uri);
	i = p->nsc_next++ % NS_CACHE;
	p->nsc[i].uri = uri;
	p->nsc[i].prefix = pf;
	return pf;
}

/* "prefix:local" (lower case) for an element, feedparser's way: known
 * namespaces get their canonical prefix ("" for the feed vocabularies),
 * unknown ones the prefix the document used. */
static void qualified(struct fp *p, char *out, size_t cap, const xmlChar *local,
                      const xmlChar *prefix, const xmlChar *uri)
{
	const char *pf = ns_prefix_cached(p, uri);
	size_t n = 0;

	if (!pf)
		pf = prefix ? (const char *)prefix : "";
	if (*pf) {
		for (const char *q = pf; *q && n + 2 < cap; q++)
			out[n++] = (char)tolower((unsigned char)*q);
		out[n++] = ':';
	}
	for (const char *q = (const char *)local; *q && n + 1 < cap; q++)
		out[n++] = (char)tolower((unsigned char)*q);
	out[n] = '\0';
}

/* ------------------------------------------------------------ entities */

static unsigned decl_hash(const char *name)
{
	unsigned h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

/* (a document may declare thousands: the hash is compared first) */
static struct decl *find_decl(struct fp *p, const char *name)
{
	unsigned h = decl_hash(name);

	for (size_t i = 0; i < p->ndecls; i++)
		if (p->decls[i].h == h && !strcmp(p->decls[i].name, name))
			return &p->decls[i];
	return NULL;
}

static void on_entity_decl(void *ud, const xmlChar *name, int type, const xmlChar *pid,
                           const xmlChar *sid, xmlChar *content)
{
	struct fp *p = ud;
	struct decl *d;

	if (type != XML_INTERNAL_GENERAL_ENTITY && type != XML_EXTERNAL_GENERAL_PARSED_ENTITY)
		return;
	if (find_decl(p, (const char *)name))
		return; /* the first declaration binds */
	if (p->ndecls == p->capdecls && p->capdecls * 2 > 4096)
		return;
	if (room(p, (void **)&p->decls, &p->capdecls, p->ndecls, sizeof *p->decls, 8) < 0)
		return;
	d = &p->decls[p->ndecls];
	memset(d, 0, sizeof *d);
	d->name = fp_xstrdup(p, (const char *)name);
	d->h = decl_hash((const char *)name);
	/* external entities are never read: they expand to nothing */
	d->content = fp_xstrdup(p, type == XML_INTERNAL_GENERAL_ENTITY && content ? (const char *)content : "");
	d->external = type != XML_INTERNAL_GENERAL_ENTITY;
	if (!d->name || !d->content) {
		free(d->name);
		free(d->content);
		return;
	}
	p->ndecls++;
}

static int expand(struct fp *p, const char *s, struct sbuf *out, int depth);

/* Appends the replacement text of entity `name`; -1 when unknown. */
static int expand_ref(struct fp *p, const char *name, struct sbuf *out, int depth)
{
	struct decl *d = find_decl(p, name);
	int cp;

	if (!strcmp(name, "lt")) { sbuf_addc(out, '<'); return 0; }
	if (!strcmp(name, "gt")) { sbuf_addc(out, '>'); return 0; }
	if (!strcmp(name, "amp")) { sbuf_addc(out, '&'); return 0; }
	if (!strcmp(name, "quot")) { sbuf_addc(out, '"'); return 0; }
	if (!strcmp(name, "apos")) { sbuf_addc(out, '\''); return 0; }
	if (d) {
		if (p->entity_exhausted)
			return 0;
		if (++p->entity_refs > ENTITY_REFS) {
			set_bozo(p, "SAXParseException: entity expansion follows over %u references",
			         ENTITY_REFS);
			p->entity_exhausted = 1;
			return 0;
		}
		if (depth >= ENTITY_DEPTH) {
			set_bozo(p, "SAXParseException: entity nesting too deep (%s)", name);
			p->entity_exhausted = 1;
			return 0;
		}
		return expand(p, d->content, out, depth + 1);
	}
	cp = entity_lookup(name, 0);
	if (cp < 0)
		return -1;
	sbuf_add_utf8(out, (unsigned)cp);
	return 0;
}

/* Expands &name; references in s (an entity's replacement text). */
static int expand(struct fp *p, const char *s, struct sbuf *out, int depth)
{
	while (*s) {
		const char *semi;

		if (p->entity_exhausted)
			return 0;
		if (out->len > p->entity_budget) {
			set_bozo(p, "SAXParseException: entity expansion exceeds %u bytes",
			         ENTITY_BUDGET);
			p->entity_exhausted = 1;
			return 0;
		}
		if (*s == '&' && s[1] != '#' && (semi = strchr(s, ';')) && semi - s < 64) {
			char name[64];

			memcpy(name, s + 1, (size_t)(semi - s - 1));
			name[semi - s - 1] = '\0';
			if (expand_ref(p, name, out, depth) < 0)
				sbuf_add(out, s, (size_t)(semi - s + 1));
			s = semi + 1;
			continue;
		}
		sbuf_addc(out, *s++);
	}
	return 0;
}

static xmlEntityPtr on_get_entity(void *ud, const xmlChar *name)
{
	struct fp *p = ud;
	struct decl *d = find_decl(p, (const char *)name);
	int in_attr = p->ctxt && p->ctxt->instate == XML_PARSER_ATTRIBUTE_VALUE;
	const char *content;
	xmlEntity *e;

	/* libxml2 looks entities up while reading their declarations; they
	 * are expanded when used, not then */
	if (p->ctxt && p->ctxt->inSubset)
		return NULL;
	if (d) {
		if (!d->expanded) {
			struct sbuf b;

			sbuf_init(&b);
			expand(p, d->content, &b, 1);
			/* Cut short, the expansion was taken as "" (sbuf_take)
			 * and each reference went into the text as nothing:
			 * the parse fails instead. */
			if (b.oom) {
				sbuf_free(&b);
				p->oom = 1;
				return NULL;
			}
			if (p->entity_exhausted)
				b.len = 0;
			p->entity_budget -= b.len < p->entity_budget ? b.len : p->entity_budget;
			if (b.s)
				b.s[b.len] = '\0';
			d->expanded = sbuf_take(&b);
			if (!d->expanded) {
				p->oom = 1;
				return NULL;
			}
		} else if (!p->entity_exhausted) {
			/* Each reference hands the whole expansion over again:
			 * the budget counts every use, the first one when it was
			 * expanded.  Counted once, one entity of 50 KB used 4,000
			 * times (a document of 62 KB) made a text of 200 MB,
			 * which took 4.4 GB and 17 s to store. */
			size_t len = strlen(d->expanded);

			if (len > p->entity_budget) {
				set_bozo(p, "SAXParseException: entity expansion exceeds %u bytes",
				         ENTITY_BUDGET);
				p->entity_exhausted = 1;
			} else {
				p->entity_budget -= len;
			}
		}
		content = p->entity_exhausted ? "" : d->expanded;
		e = &d->ent;
		if (d->external)
			set_bozo(p, "SAXParseException: external entity &%s; not loaded", d->name);
	} else {
		int cp = entity_lookup((const char *)name, 0);

		/* an HTML entity XML does not know: resolve it, but the
		 * document is not well-formed; an unknown one stays text */
		set_bozo(p, "SAXParseException: undefined entity &%s;", (const char *)name);
		sbuf_reset(&p->tmp_text);
		if (cp >= 0) {
			sbuf_add_utf8(&p->tmp_text, (unsigned)cp);
		} else {
			if (in_attr)
				return NULL;
			sbuf_printf(&p->tmp_text, "&%s;", (const char *)name);
		}
		/* Cut short (an allocation failed), the reference would go
		 * into the text as "" or in part: the parse fails instead. */
		if (p->tmp_text.oom) {
			p->oom = 1;
			return NULL;
		}
		content = sbuf_str(&p->tmp_text);
		e = &p->tmp_ent;
	}
	memset(e, 0, sizeof *e);
	e->type = XML_ENTITY_DECL;
	e->name = name;
	e->content = (xmlChar *)content;
	e->orig = (xmlChar *)content;
	e->length = (int)strlen(content);
	e->checked = 2;
	/* in content, a "predefined" entity is inlined as text by libxml2;
	 * in attribute values it would keep only the first byte, so there it
	 * stays a reference that attribute decoding resolves */
	e->etype = in_attr ? XML_INTERNAL_GENERAL_ENTITY : XML_INTERNAL_PREDEFINED_ENTITY;
	return e;
}

static void on_internal_subset(void *ud, const xmlChar *name, const xmlChar *ext,
                               const xmlChar *sys)
{
	struct fp *p = ud;

	if (ext && strcasestr((const char *)ext, "netscape"))
		p->netscape = 1;
	if (sys && strcasestr((const char *)sys, "netscape"))
		p->netscape = 1;
}

/* The end of the DOCTYPE (libxml2 calls this after the internal subset).
 * Attribute defaults declared there (<!ATTLIST item a CDATA "x">) would be
 * added to every such element, each one checked against the element's
 * other attributes: 100,000 declared defaults cost minutes an element.
 * Feeds do not use them, so they are dropped. */
static void on_subset_end(void *ud, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	struct fp *p = ud;

	if (p->ctxt && p->ctxt->attsDefault) {
		xmlHashFree(p->ctxt->attsDefault, xmlHashDefaultDeallocator);
		p->ctxt->attsDefault = NULL;
	}
}

static xmlParserInputPtr on_resolve_entity(void *ud, const xmlChar *pub, const xmlChar *sys)
{
	return NULL; /* never read anything external */
}

/* Attribute values arrive with '&' as "&#38;" and general entity
 * references unexpanded (we never let libxml2 substitute). */
static char *attr_value(struct fp *p, const xmlChar *b, const xmlChar *e)
{
	struct sbuf out;
	const char *s = (const char *)b, *end = (const char *)e;

	sbuf_init(&out);
	while (s < end) {
		if (*s == '&') {
			if (end - s >= 5 && !memcmp(s, "&#38;", 5)) {
				sbuf_addc(&out, '&');
				s += 5;
				continue;
			}
			const char *semi = memchr(s, ';', (size_t)(end - s));

			if (semi && semi - s < 64 && s[1] != '#') {
				char name[64];

				memcpy(name, s + 1, (size_t)(semi - s - 1));
				name[semi - s - 1] = '\0';
				if (expand_ref(p, name, &out, 1) == 0) {
					s = semi + 1;
					continue;
				}
			}
		}
		sbuf_addc(&out, *s++);
	}
	if (out.oom) {
		p->oom = 1;
		sbuf_free(&out);
		return NULL;
	}
	return sbuf_take(&out);
}

/* ------------------------------------------------------------ SAX */

static void add_level(struct fp *p)
{
	struct level *l;

	if (room(p, (void **)&p->lv, &p->caplv, p->nlv, sizeof *p->lv, 16) < 0)
		return;
	l = &p->lv[p->nlv++];
	l->base = rs_ref(p->base);
	l->lang = rs_ref(p->lang_r);
}

/* libxml2 (2.9) stops resolving entity references once a document is
 * known to be malformed: after a mismatched end tag, "a &lt; b" came out
 * as "a  b".  We keep recovering like feedparser's loose parser does, by
 * saying the document is still well-formed (our own bozo flag keeps the
 * truth).  The error callback alone is not enough: a fatal error clears
 * the flag after calling it, so every SAX event sets it again, and an
 * entity reference always comes after one. */
static inline void keep_recovering(struct fp *p)
{
	if (p->ctxt && !p->ctxt->wellFormed && p->ctxt->instate != XML_PARSER_EOF)
		p->ctxt->wellFormed = 1;
}

static void on_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **at)
{
	struct fp *p = ud;
	struct attrs a;
	char tag[256], name[256], key[256];
	const char *xb, *xl, *colon;
	const struct handler *h;

	fp_attrs_init(&a);
	keep_recovering(p);
	if (p->too_deep || p->oom)
		goto halt;
	p->depth++;
	if (p->depth > MAX_DEPTH) {
		set_bozo(p, "SAXParseException: elements nested deeper than %d", MAX_DEPTH);
		p->too_deep = 1;
		goto halt;
	}
	for (int i = 0; i < nns; i++)
		track_namespace(p, (const char *)ns[2 * i], ns[2 * i + 1] ? (const char *)ns[2 * i + 1] : "");

	qualified(p, tag, sizeof tag, local, prefix, uri);
	/* (the first letter, any case, before strcasecmp: every element
	 * passes here) */
	if ((local[0] | 0x20) == 'm' && !strcasecmp((const char *)local, "math") &&
	    fp_str_eq((const char *)uri, "http://www.w3.org/1998/Math/MathML"))
		fp_attr_set(p, &a, "xmlns", (const char *)uri);
	if ((local[0] | 0x20) == 's' && !strcasecmp((const char *)local, "svg") &&
	    fp_str_eq((const char *)uri, "http://www.w3.org/2000/svg"))
		fp_attr_set(p, &a, "xmlns", (const char *)uri);
	for (int i = 0; i < nns; i++)
		if (ns[2 * i] && fp_str_eq((const char *)ns[2 * i + 1], "http://www.w3.org/1999/xlink")) {
			snprintf(key, sizeof key, "xmlns:%s", (const char *)ns[2 * i]);
			fp_attr_set(p, &a, key, "http://www.w3.org/1999/xlink");
		}
	for (int i = 0; i < nattr; i++) {
		const xmlChar *al = at[5 * i], *ap = at[5 * i + 1], *au = at[5 * i + 2];
		char *v = attr_value(p, at[5 * i + 3], at[5 * i + 4]);
		const char *canon = ns_prefix_cached(p, au);

		if (!v)
			continue;
		/* feedparser: rel and type values are case-folded, "&amp;"
		 * left over after XML decoding becomes "&" */
		v = fp_replace_all(v, "&amp;", "&");
		if (!v) {
			p->oom = 1;   /* not the attribute left out */
			continue;
		}
		if (((al[0] | 0x20) == 'r' && !strcasecmp((const char *)al, "rel")) ||
		    ((al[0] | 0x20) == 't' && !strcasecmp((const char *)al, "type")))
			for (char *c = v; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		if (canon && *canon)
			fp_cat3(key, sizeof key, canon, ":", (const char *)al);
		else
			fp_cat3(key, sizeof key, (const char *)al, NULL, NULL);
		for (char *c = key; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		fp_attr_set(p, &a, key, v);
		if (ap) {
			fp_cat3(key, sizeof key, (const char *)ap, ":", (const char *)al);
			for (char *c = key; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			fp_attr_set(p, &a, key, v);
		}
		free(v);
	}

	/* xml:base and xml:lang */
	xb = fp_attr_get(&a, "xml:base");
	if (!xb)
		xb = fp_attr_get(&a, "base");
	if (xb) {
		char *nb;

		if (BASE(p) && *BASE(p)) {
			nb = uri_safe_join(BASE(p), xb);
			if (nb && *nb)
				rs_set(&p->base, rs_new(p, nb));
		} else {
			nb = uri_join(BASE(p), xb);
			if (nb)
				rs_set(&p->base, rs_new(p, nb));
		}
		/* Both fail only out of memory: the links below would resolve
		 * against the base outside. */
		if (!nb)
			p->oom = 1;
		free(nb);
	}
	xl = fp_attr_get(&a, "xml:lang");
	if (!xl)
		xl = fp_attr_get(&a, "lang");
	if (xl) {
		rs_set(&p->lang_r, *xl ? rs_new(p, xl) : NULL);
	}
	if (LANG(p) && (!strcmp(tag, "feed") || !strcmp(tag, "rss"))) {
		char *l = fp_xstrdup(p, LANG(p));

		for (char *c = l; c && *c; c++)
			if (*c == '_')
				*c = '-';
		fv_set(p->feed, "language", fp_tree_str(l));
	}
	add_level(p);

	/* inline markup inside content */
	if (p->incontent && p->cp.active && !ends_with(fp_cp_type(p, "xml"), "xml")) {
		if (!strcmp(tag, "xhtml:div") || !strcmp(tag, "div"))
			goto out;
		cp_set_type(p, "application/xhtml+xml");
	}
	if (p->incontent && p->cp.active && fp_str_eq(p->cp.type, "application/xhtml+xml")) {
		struct sbuf m;
		const char *t = tag;

		if ((colon = strchr(tag, ':')))
			t = colon + 1;
		if (!strcmp(t, "svg"))
			p->svg_ok++;
		sbuf_init(&m);
		sbuf_addc(&m, '<');
		sbuf_adds(&m, t);
		for (size_t i = 0; i < a.n; i++) {
			sbuf_printf(&m, " %s=\"", a.a[i].k);
			sbuf_add_escaped(&m, a.a[i].v, strlen(a.a[i].v), 1);
			sbuf_addc(&m, '"');
		}
		sbuf_addc(&m, '>');
		/* (cut short, sbuf_str(&m) is "", not m.len bytes) */
		if (m.oom)
			p->oom = 1;
		else
			handle_data(p, sbuf_str(&m), m.len, 0);
		sbuf_free(&m);
		goto out;
	}

	/* dispatch: "prefix_local" */
	fp_cat3(name, sizeof name, tag, NULL, NULL);
	if ((colon = strchr(name, ':')))
		*(char *)colon = '_';
	if (!colon) {
		/* feedparser's textinput/image tracking: an unprefixed element
		 * that cannot belong to them ends them (for broken feeds that
		 * never close <image> or <textinput>) */
		static const char *const ti_ok[] = { "title", "link", "description", "name", NULL };
		static const char *const im_ok[] = { "title", "link", "description", "url", "href",
		                                     "width", "height", NULL };

		if (!in_set(ti_ok, tag))
			p->intextinput = 0;
		if (!in_set(im_ok, tag))
			p->inimage = 0;
	}
	/* a prefix bound to a namespace we do not know never selects the
	 * handler of a vocabulary that happens to use the same prefix */
	h = uri && prefix && !ns_prefix_cached(p, uri) ? NULL : fp_find_handler(name);
	if (h && h->start) {
		h->start(p, &a);
	} else if (a.n == 0) {
		fp_push(p, name, 1);
	} else {
		fv_set(fp_context(p), name, fp_attrs_dict(&a));
	}
out:
	fp_attrs_free(&a);
	return;
halt:
	fp_attrs_free(&a);
	xmlStopParser(p->ctxt);
}

static void on_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct fp *p = ud;
	char tag[256], name[256];
	const char *colon, *t;
	const struct handler *h;
	struct level *l;

	keep_recovering(p);
	if (p->too_deep || p->oom)
		return;
	qualified(p, tag, sizeof tag, local, prefix, uri);
	fp_cat3(name, sizeof name, tag, NULL, NULL);
	if ((colon = strchr(name, ':')))
		*(char *)colon = '_';
	t = (colon = strchr(tag, ':')) ? colon + 1 : tag;
	if (!strcmp(t, "svg") && p->svg_ok)
		p->svg_ok--;
	h = uri && prefix && !ns_prefix_cached(p, uri) ? NULL : fp_find_handler(name);
	if (p->svg_ok)
		fp_pop_free(p, name);
	else if (h && h->end)
		h->end(p);
	else
		fp_pop_free(p, name);

	if (p->incontent && p->cp.active && !ends_with(fp_cp_type(p, "xml"), "xml")) {
		if (!strcmp(tag, "xhtml:div") || !strcmp(tag, "div"))
			goto levels;
		cp_set_type(p, "application/xhtml+xml");
	}
	if (p->incontent && p->cp.active && fp_str_eq(p->cp.type, "application/xhtml+xml")) {
		struct sbuf m;

		sbuf_init(&m);
		sbuf_printf(&m, "</%s>", t);
		if (m.oom)
			p->oom = 1;
		else
			handle_data(p, sbuf_str(&m), m.len, 0);
		sbuf_free(&m);
	}
levels:
	if (p->nlv) {
		l = &p->lv[--p->nlv];
		rs_unref(l->base);
		rs_unref(l->lang);
		if (p->nlv) {
			l = &p->lv[p->nlv - 1];
			/* feedparser keeps the current base when the parent's is
			 * empty */
			if (l->base && *l->base->s)
				rs_set(&p->base, rs_ref(l->base));
			rs_set(&p->lang_r, rs_ref(l->lang));
		}
	}
	p->depth--;
}

static void on_chars(void *ud, const xmlChar *s, int n)
{
	struct fp *p = ud;

	keep_recovering(p);
	if (n > 0)
		handle_data(p, (const char *)s, (size_t)n, 1);
}

/* A CDATA section: the mark cdata_rewrite() put in place of a piece of
 * text gives that text.  libxml2 hands the marks over in document order,
 * before any error (nothing before the last one could give one), each in
 * one call or, where a piece of the input ends inside one, in several
 * whose bytes add up to its content's ("x" and its newlines); the
 * document's own sections come after the last mark. */
static void on_cdata(void *ud, const xmlChar *s, int n)
{
	struct fp *p = ud;

	keep_recovering(p);
	if (p->mark_left) {
		/* the rest of a mark */
		p->mark_left -= (size_t)n < p->mark_left ? (size_t)n : p->mark_left;
		return;
	}
	if (p->marks && p->next_mark < p->marks->n) {
		const struct cdata_piece *m = &p->marks->pieces[p->next_mark++];
		size_t whole = 1 + m->lines;

		p->mark_left = whole - ((size_t)n < whole ? (size_t)n : whole);
		s = (const xmlChar *)p->marks->text + m->off;
		n = (int)m->len;
	}
	if (n > 0)
		handle_data(p, (const char *)s, (size_t)n, 1);
}

static void on_error(void *ud, xmlErrorPtr e)
{
	struct fp *p = ud;

	if (!e || e->level == XML_ERR_WARNING)
		goto keep_going;
	/* libxml2 ran out of memory: it stops there (XML_PARSER_EOF), and
	 * what it read so far is no recovered document but a cut one.
	 * Taken for a malformed feed, the items after the cut were gone
	 * with "0 errors", and the ETag kept them gone. */
	if (e->code == XML_ERR_NO_MEMORY) {
		p->oom = 1;
		return;
	}
	/* an external parameter entity we deliberately do not read */
	if ((e->code == XML_ERR_UNDECLARED_ENTITY || e->code == XML_WAR_UNDECLARED_ENTITY) &&
	    e->message && strstr(e->message, "PEReference"))
		goto keep_going;
	{
		char msg[256];
		size_t n;

		snprintf(msg, sizeof msg, "%s", e->message ? e->message : "error");
		n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		set_bozo(p, "SAXParseException: %s (line %d)", msg, e->line);
	}
keep_going:
	keep_recovering(p);
}

/* ------------------------------------------------------------ driver */

static void fp_free(struct fp *p)
{
	for (size_t i = 0; i < p->stinit; i++) {
		if (i < p->nst)
			free(p->st[i].name);
		sbuf_free(&p->st[i].text);
	}
	free(p->st);
	for (size_t i = 0; i < p->nlv; i++) {
		rs_unref(p->lv[i].base);
		rs_unref(p->lv[i].lang);
	}
	free(p->lv);
	for (size_t i = 0; i < p->ndecls; i++) {
		free(p->decls[i].name);
		free(p->decls[i].content);
		free(p->decls[i].expanded);
	}
	free(p->decls);
	fp_pd_clear(p);
	free(p->pd);
	cp_clear(&p->cp);
	rs_unref(p->base);
	free(p->doc_base);
	rs_unref(p->entry_base);
	rs_unref(p->lang_r);
	rs_unref(p->lang_http);
	free(p->bozo_reason);
	sbuf_free(&p->tmp_text);
	fv_free(p->source);
	fv_free(p->cur_entry);  /* the parse failed inside a streamed entry */
	fv_arena_free(p->entry_arena);
}

/* what parse_feed_xml gives libxml2's push parser at a time: most feeds
 * are smaller and go in one piece */
#define PUSH_CHUNK (1024 * 1024)

/* libxml2 sets up its globals (mutexes, dictionaries) in xmlInitParser();
 * run lazily from several threads at once it races and leaks.  Once per
 * process, whichever thread parses first. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

int parse_feed_xml(const char *buf, size_t len, const struct parse_opts *o, struct fv **out)
{
	struct fp p;
	xmlSAXHandler sax;
	int rc = -1;
	char *fixed_buf = NULL, *own = o->own;
	struct cdata_doc cd = { 0 };

	pthread_once(&xml_once, xmlInitParser);
	*out = NULL;
	memset(&p, 0, sizeof p);
	p.title_depth = -1;
	p.entity_budget = ENTITY_BUDGET;
	p.encoding = o->encoding;
	sbuf_init(&p.tmp_text);
	p.res = fv_new(FV_DICT);
	if (!p.res)
		goto fail;
	/* the whole tree lives in one arena owned by its root */
	p.res->owns = fv_arena_new();
	if (!p.res->owns)
		goto fail;
	fv_arena_use(p.res->owns);
	p.doc_arena = p.res->owns;
	if (o->on_entry) {
		p.on_entry = o->on_entry;
		p.on_entry_arg = o->on_entry_arg;
		p.entry_arena = fv_arena_new();
		if (!p.entry_arena)
			goto fail;
	}
	p.feed = fv_set(p.res, "feed", fv_new(FV_DICT));
	p.entries = fv_set(p.res, "entries", fv_new(FV_LIST));
	p.namespaces = fv_set(p.res, "namespaces", fv_new(FV_DICT));
	p.source = fv_new(FV_DICT);
	if (!p.feed || !p.entries || !p.namespaces || !p.source)
		goto fail;
	if (o->base) {
		p.base = rs_new(&p, o->base);
		p.doc_base = fp_xstrdup(&p, o->base);
	}
	if (o->lang) {
		p.lang_r = rs_new(&p, o->lang);
		p.lang_http = rs_ref(p.lang_r);
		char *l = fp_xstrdup(&p, o->lang);

		for (char *c = l; c && *c; c++)
			if (*c == '_')
				*c = '-';
		fv_set(p.feed, "language", fp_tree_str(l));
	}

	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_chars;
	sax.cdataBlock = on_cdata;
	sax.ignorableWhitespace = on_chars;
	sax.entityDecl = on_entity_decl;
	sax.getEntity = on_get_entity;
	sax.resolveEntity = on_resolve_entity;
	sax.internalSubset = on_internal_subset;
	sax.externalSubset = on_subset_end;
	sax.serror = on_error;

	/* Characters XML does not allow out first: libxml2 stops at one in a
	 * CDATA section, a comment or an attribute value, and at U+0000
	 * anywhere, and the items after it were lost (feedparser's loose
	 * parser keeps them).  In element text it drops them itself. */
	if (len <= INT32_MAX) {
		char *clean = NULL;
		size_t clen = 0, first = 0;
		int sr = prescan_strip_bad_chars(buf, len, &clean, &clen, &first);

		if (sr < 0) {
			p.oom = 1;
			goto fail;
		}
		if (sr > 0) {
			const unsigned char *c = (const unsigned char *)buf + first;

			set_bozo(&p, "SAXParseException: not well-formed (invalid token): "
			         "U+%04X (line %zu)", *c < 0x20 ? *c : c[2] == 0xbe ? 0xfffeu : 0xffffu,
			         prescan_line_of(buf, first));
			free(own);      /* buf lay in it */
			own = clean;
			buf = clean;
			len = clen;
		}
	}

	/* The text read before libxml2 reads the rest (cdata.h).  A document
	 * that scan reads to its end needs neither pre-pass: it found every
	 * '&' a reference and no tag crowded. */
	if (!o->keep_text && len <= INT32_MAX && cdata_rewrite(buf, len, &cd) < 0) {
		p.oom = 1;
		goto fail;
	}
	if (!cd.clean) {
		size_t flen = 0;
		char *fixed = NULL;
		int fx = prescan_fix_ampersands(buf, len, &fixed, &flen);

		if (fx < 0) {
			p.oom = 1;
			goto fail;
		}
		if (fx > 0) {
			set_bozo(&p, "SAXParseException: not well-formed (invalid token): "
			         "bare '&' or bad reference");
			fixed_buf = fixed;
			buf = fixed;
			len = flen;
			/* read again, the fixed document */
			cdata_free(&cd);
			if (!o->keep_text && len <= INT32_MAX && cdata_rewrite(buf, len, &cd) < 0) {
				p.oom = 1;
				goto fail;
			}
		}
	}
	size_t at = 0;
	enum prescan_crowd crowd = len <= INT32_MAX && !cd.clean ? prescan_crowded(buf, len, &at)
	                                                         : PRESCAN_OK;

	if (len > INT32_MAX) {
		set_bozo(&p, "SAXParseException: document too large");
	} else if (crowd == PRESCAN_ATTRS) {
		set_bozo(&p, "SAXParseException: an element with more than %d attributes (line %zu), "
		         "not parsed", PRESCAN_MAX_ATTRS, prescan_line_of(buf, at));
	} else if (crowd == PRESCAN_NS) {
		set_bozo(&p, "SAXParseException: more than %d namespace declarations in scope "
		         "(line %zu), not parsed", PRESCAN_MAX_NS_SCOPE, prescan_line_of(buf, at));
	} else {
		if (cd.n) {
			buf = cd.doc;
			len = cd.len;
			p.marks = &cd;
			/* what libxml2 reads is a copy now */
			free(own);
			free(fixed_buf);
			own = fixed_buf = NULL;
		}
		p.ctxt = xmlCreatePushParserCtxt(&sax, &p, NULL, 0, NULL);
		if (!p.ctxt)
			goto fail;
		xmlCtxtUseOptions(p.ctxt, XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOWARNING |
		                               XML_PARSE_NOERROR);
		/* In pieces: libxml2 copies what it is given into its input
		 * buffer and drops what it has parsed, so the copy is one
		 * piece, not the whole document.  Not in smaller ones: before
		 * the last piece (terminate) it looks ahead for the end of
		 * every tag, 2% more instructions with pieces of 64 KiB. */
		size_t off = 0;

		do {
			size_t n = len - off < PUSH_CHUNK ? len - off : PUSH_CHUNK;

			xmlParseChunk(p.ctxt, buf + off, (int)n, off + n == len);
			off += n;
		} while (off < len && !p.oom);
		/* (Some of its allocations, its input buffer's, say so only
		 * here, not to on_error.) */
		if (p.ctxt->errNo == XML_ERR_NO_MEMORY)
			p.oom = 1;
		if (p.ctxt->myDoc)
			xmlFreeDoc(p.ctxt->myDoc);
		xmlFreeParserCtxt(p.ctxt);
		p.ctxt = NULL;
	}
	fp_entry_end(&p);   /* one left open at the end of the document */
	if (p.oom)
		goto fail;

	fv_set(p.res, "bozo", fv_int(p.bozo));
	if (fv_get(p.res, "bozo"))
		fv_get(p.res, "bozo")->type = FV_BOOL;
	if (p.bozo)
		fv_set_str(p.res, "bozo_exception", p.bozo_reason ? p.bozo_reason : "SAXParseException");
	fv_set_str(p.res, "version", p.version);
	*out = p.res;
	p.res = NULL;
	rc = 0;
fail:
	free(fixed_buf);
	free(own);
	cdata_free(&cd);
	fp_free(&p);    /* before the tree: p.source lives in its arena */
	fv_arena_use(NULL);
	fv_free(p.res);
	return rc;
}
