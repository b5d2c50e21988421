/* feeds/parse.c — the XML stage.  libxml2's SAX2 parser (no DTD loading,
 * no network, no entity substitution: we answer entity lookups ourselves,
 * from the internal subset with an expansion budget and from the HTML
 * table) drives a port of the Universal Feed Parser's element handlers, so
 * the tree it builds has feedparser's keys and precedence rules. */
#include "feeds/parse.h"
#include "feeds/date.h"
#include "feeds/entities.h"
#include "feeds/feed.h"
#include "feeds/html.h"
#include "feeds/prescan.h"
#include "feeds/sbuf.h"
#include "feeds/uri.h"

#include <ctype.h>
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

/* Total bytes that entity expansion may produce in one document: enough
 * for any honest feed, fatal to billion-laughs. */
#define ENTITY_BUDGET (1u << 20)
#define ENTITY_DEPTH 8
/* deeper documents are refused as malformed (the pre-scan follows as many) */
#define MAX_DEPTH PRESCAN_MAX_DEPTH
#define MAX_TAGS 64     /* categories kept per feed or entry */

struct attr { char *k, *v; };
/* An element's attributes: the first ones and their text live in the
 * struct itself (on on_start's stack), the rest on the heap. */
struct attrs {
	struct attr *a; size_t n, cap;
	struct attr inl[8];
	size_t used;
	char pool[480];
};

/* feedparser's element stack entry: text collected for one element */
struct frame {
	char *name;         /* heap copy when it does not fit in nbuf, else NULL */
	char nbuf[40];
	int expecting;
	/* a slot's buffer stays with it from one element to the next: pop()
	 * copies the text out at its size instead of growing a new buffer
	 * for every element */
	struct sbuf text;
	int pieces;         /* how many data/markup pieces were appended */
	int first_is_div;   /* xhtml: the first piece opened a <div> */
};

/* xml:base and xml:lang in scope, per open XML element */
/* A reference-counted string: the xml:base and xml:lang in scope are
 * shared by every element that does not change them. */
struct rstr {
	unsigned refs;
	char s[];
};

struct level {
	struct rstr *base, *lang;  /* one reference each */
};

struct cparams {
	int active;
	char *type, *language, *base, *src;
	int base64;
	/* type, language and base point here when they fit (src: heap) */
	char tbuf[32], lbuf[32], bbuf[160];
};

/* an entity declared in the internal subset */
struct decl {
	char *name, *content;   /* content NULL: external, never read */
	char *expanded;         /* after expansion, once computed */
	int external;           /* SYSTEM/PUBLIC: never read, expands to "" */
	xmlEntity ent;          /* what we hand back to libxml2 */
};

/* the depth at which an entry key was last stored (feedparser's
 * property_depth_map); short keys live in kbuf (key NULL) */
struct pdepth { char *key; int depth; unsigned h; char kbuf[24]; };

#define NS_CACHE 8

struct fp {
	xmlParserCtxtPtr ctxt;
	struct fv *res, *feed, *entries, *source, *namespaces;
	/* the tree's copy of the text the last pop() stored, or NULL: the
	 * other keys that take the same text point at it (fv_str_ref) */
	struct fv *popped;
	char version[16];
	int infeed, inentry, insource, inimage, intextinput, inauthor;
	int incontributor, inpublisher, incontent, has_content, guidislink;
	int svg_ok, psc_chapters;
	int ingeometry;         /* GML: 1 point, 2 line string, 3 ring */
	int depth, title_depth;
	const char *summary_key;
	struct frame *st; size_t nst, capst, stinit; /* stinit: slots set up */
	struct level *lv; size_t nlv, caplv;
	struct rstr *base, *lang_r; /* xml:base / xml:lang in scope (shared) */
	char *doc_base;         /* owned: the document URI */
	int netscape;           /* DOCTYPE names Netscape's RSS 0.91 */
	const char *encoding;   /* what the document was read as */
	struct cparams cp;
	struct pdepth *pd; size_t npd, cappd;
	struct decl *decls; size_t ndecls, capdecls;
	size_t entity_budget;
	int entity_exhausted;   /* expansion refused from now on */
	xmlEntity tmp_ent;      /* for undeclared (HTML) entities */
	struct sbuf tmp_text;
	int bozo;
	char *bozo_reason;
	int oom, too_deep;
	struct { const xmlChar *uri; const char *prefix; } nsc[NS_CACHE];
	unsigned nsc_next;
};

/* ------------------------------------------------------------ helpers */

/* out = a + b (+ c), truncated to cap; the hot-path replacement for
 * snprintf("%s%s") */
static void cat3(char *out, size_t cap, const char *a, const char *b, const char *c)
{
	size_t n = 0;

	for (const char *parts[3] = { a, b, c }, **pp = parts; pp < parts + 3; pp++)
		for (const char *q = *pp; q && *q && n + 1 < cap; q++)
			out[n++] = *q;
	out[n] = '\0';
}

static char *xstrdup(struct fp *p, const char *s)
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
	p->bozo_reason = xstrdup(p, buf);
}

static const char *attr_get(const struct attrs *a, const char *k)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->a[i].k, k) == 0)
			return a->a[i].v;
	return NULL;
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

static void attrs_init(struct attrs *a)
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
	return xstrdup(p, s);
}

static void attr_str_free(struct attrs *a, char *s)
{
	if (s && (s < a->pool || s >= a->pool + sizeof a->pool))
		free(s);
}

static void attr_set(struct fp *p, struct attrs *a, const char *k, const char *v)
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

static void attr_del(struct attrs *a, const char *k)
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

static void attrs_free(struct attrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		attr_str_free(a, a->a[i].k);
		attr_str_free(a, a->a[i].v);
	}
	if (a->a != a->inl)
		free(a->a);
	attrs_init(a);
}

static struct fv *attrs_dict(const struct attrs *a)
{
	struct fv *d = fv_new(FV_DICT);

	for (size_t i = 0; d && i < a->n; i++)
		fv_set_str(d, a->a[i].k, a->a[i].v);
	return d;
}

static int str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static char *lower_dup(struct fp *p, const char *s)
{
	char *d = xstrdup(p, s);

	for (char *c = d; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return d;
}

/* replaces every occurrence of `from` in s (owned) with `to` */
static char *replace_all(char *s, const char *from, const char *to)
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
	return sbuf_take(&b);
}

static char *strip_dup(const char *s)
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

static const char *rs_str(const struct rstr *r)
{
	return r ? r->s : NULL;
}

#define BASE(p) rs_str((p)->base)
#define LANG(p) rs_str((p)->lang_r)

/* A string the tree keeps, copied into its arena and s freed: a tree
 * with no heap strings on its nodes is freed in one go (fv.c). */
static struct fv *tree_str(char *s)
{
	struct fv *v;

	if (!s)
		return NULL;
	v = fv_str(s);
	free(s);
	return v;
}

/* ------------------------------------------------------------ context */

static struct fv *context(struct fp *p)
{
	struct fv *img;

	if (p->insource)
		return p->source;
	if (p->inimage && (img = fv_get(p->feed, "image")) && img->type == FV_DICT)
		return img;
	if (p->intextinput)
		return fv_dict(p->feed, "textinput");
	if (p->inentry && fv_last(p->entries))
		return fv_last(p->entries);
	return p->feed;
}

static void save(struct fp *p, const char *key, struct fv *v, int overwrite)
{
	struct fv *c = context(p);

	if (!v)
		return;
	if (!overwrite && fv_get(c, key)) {
		fv_free(v);
		return;
	}
	fv_set(c, key, v);
}

static void save_date(struct fp *p, const char *key, const char *value)
{
	int64_t t = feed_date_parse(value);
	struct fv *c = context(p);

	if (t == FEED_NO_TIME)
		fv_set(c, key, fv_new(FV_NULL));
	else
		fv_set(c, key, fv_time(t));
}

/* ------------------------------------------------------------ stack */

static const char *frame_name(const struct frame *f)
{
	return f->name ? f->name : f->nbuf;
}

static void push(struct fp *p, const char *name, int expecting)
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
	} else if (!(f->name = xstrdup(p, name))) {
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

	if (f->text.oom || !f->text.s) {
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

static void handle_data(struct fp *p, const char *s, size_t n, int escape)
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
	return xstrdup(p, s);
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
	c->active = c->base64 = 0;
	c->type = c->language = c->base = c->src = NULL;
}

static const char *cp_type(struct fp *p, const char *dflt)
{
	return p->cp.active && p->cp.type ? p->cp.type : dflt;
}

static char *map_content_type(struct fp *p, const char *t)
{
	char *l = lower_dup(p, t ? t : "");

	if (!l)
		return NULL;
	if (!strcmp(l, "text") || !strcmp(l, "plain")) {
		free(l);
		return xstrdup(p, "text/plain");
	}
	if (!strcmp(l, "html")) {
		free(l);
		return xstrdup(p, "text/html");
	}
	if (!strcmp(l, "xhtml")) {
		free(l);
		return xstrdup(p, "application/xhtml+xml");
	}
	return l;
}

static int is_html_type(const char *t)
{
	return str_eq(t, "text/html") || str_eq(t, "application/xhtml+xml");
}

/* ASCII case-insensitive equality (what lower_dup + strcmp say) */
static int type_eq(const char *t, const char *want)
{
	for (; *t && *want; t++, want++)
		if ((*t >= 'A' && *t <= 'Z' ? *t | 0x20 : *t) != *want)
			return 0;
	return *t == *want;
}

/* is_html_type(map_content_type(t)) and the same for text/plain,
 * without building the mapped string */
static int maps_to_html(const char *t)
{
	return t && (type_eq(t, "html") || type_eq(t, "xhtml") || type_eq(t, "text/html") ||
	             type_eq(t, "application/xhtml+xml"));
}

static int maps_to_plain(const char *t)
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

/* base64 text to bytes; NULL when it is not base64 */
static char *b64decode(const char *s)
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
	else if (!(d->key = xstrdup(p, key)))
		return;
	d->h = h;
	d->depth = depth;
	p->npd++;
}

static void pd_clear(struct fp *p)
{
	for (size_t i = 0; i < p->npd; i++)
		free(p->pd[i].key);
	p->npd = 0;
}

/* A node for the text pop() stores: the first one copies it into the
 * tree, the others (summary and summary_detail, content and summary)
 * share that copy; the tree is one arena, so the copy lives as long as
 * every node that points at it. */
static struct fv *popped_str(struct fp *p, const char *s)
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
	if (p->cp.language)
		fv_set_str(d, "language", p->cp.language);
	else
		fv_set(d, "language", fv_new(FV_NULL));
	fv_set_str(d, "base", p->cp.base ? p->cp.base : "");
	if (p->cp.src)
		fv_set_str(d, "src", p->cp.src);
	fv_set(d, "value", popped_str(p, value));
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
 * for "\u2026") is repaired in documents read as UTF-8, and the C1 controls
 * U+0080..U+009F, which are always windows-1252 in disguise, become the
 * characters windows-1252 meant (feedparser does both). */
static char *fix_c1(struct fp *p, char *s)
{
	static const unsigned short cp1252[32] = {
		0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
		0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
	};
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
	if (dbl && latin1 && str_eq(p->encoding, "utf-8")) {
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
		if (u[i] == 0xc2 && u[i + 1] >= 0x80 && u[i + 1] < 0xa0 && cp1252[u[i + 1] - 0x80]) {
			sbuf_add_utf8(&b, cp1252[u[i + 1] - 0x80]);
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

/* feedparser's pop(): ends the collection for `element`, post-processes
 * the text and stores it where it belongs.  Returns the text (owned by the
 * caller) or NULL when the stack top is not `element`. */
static char *pop(struct fp *p, const char *element, int strip)
{
	struct frame f;
	char *out;

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
	if (str_eq(p->version, "atom10") && str_eq(cp_type(p, "text"), "application/xhtml+xml") &&
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
		char *d = b64decode(out);

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

		if (r) {
			free(out);
			out = r;
		}
	}
	/* (feedparser's loose parser re-decodes entities here; its strict
	 * parser, which this one mirrors, does not) */
	if (p->cp.active && strncmp(p->version, "atom", 4) != 0 &&
	    str_eq(p->cp.type, "text/plain") && html_looks_like(out)) {
		cp_set_type(p, "text/html");
	}
	p->cp.base64 = 0;

	/* the type is looked at only for elements that may hold markup */
	if (in_set(can_contain_markup, element)) {
		if (maps_to_html(cp_type(p, "text/html"))) {
			char *s = html_sanitize(out, strlen(out), BASE(p),
			                        str_eq(cp_type(p, ""), "application/xhtml+xml"));

			if (s) {
				free(out);
				out = s;
			}
		}
	}

	out = fix_c1(p, out);
	if (!out)
		return NULL;

	if (!strcmp(element, "category") || !strcmp(element, "tags") ||
	    !strcmp(element, "itunes_keywords") || !strcmp(element, "media_keywords"))
		return out;
	if (!strcmp(element, "title") && p->title_depth > -1 && p->title_depth <= p->depth)
		return out;

	if (p->inentry && !p->insource) {
		struct fv *e = fv_last(p->entries);

		if (!e)
			return out;
		if (!strcmp(element, "content")) {
			fv_push(fv_list(e, "content"), detail_from_cp(p, out));
		} else if (!strcmp(element, "link")) {
			if (!p->inimage) {
				char *v = replace_all(xstrdup(p, out), "&amp;", "&");
				struct fv *links, *last;

				if (!v)
					return out;
				v = unref_query(v);
				if (!v)
					return out;
				links = fv_get(e, "links");
				last = fv_last(links);
				/* an alternate link wins over the others */
				if (!fv_get_str(e, "link") || !*fv_get_str(e, "link") ||
				    (last && str_eq(fv_get_str(last, "rel"), "alternate")))
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
				fv_set(e, key, popped_str(p, out));
			}
			if (p->incontent) {
				cat3(dkey, sizeof dkey, key, "_detail", NULL);
				fv_set(e, dkey, detail_from_cp(p, out));
			}
		}
	} else if (p->infeed || p->insource) {
		struct fv *c = context(p);
		const char *key = !strcmp(element, "description") ? "subtitle" : element;

		if (!strcmp(key, "link")) {
			struct fv *last = fv_last(fv_get(c, "links"));
			char *v = unref_query(xstrdup(p, out));

			if (!v)
				return out;
			fv_set_str(c, key, v);
			if (last && last->type == FV_DICT)
				fv_set_str(last, "href", v);
			free(v);
		} else {
			fv_set(c, key, popped_str(p, out));
			if (p->incontent) {
			char dkey[128];

				cat3(dkey, sizeof dkey, key, "_detail", NULL);
				fv_set(c, dkey, detail_from_cp(p, out));
			}
		}
	}
	return out;
}

static void pop_free(struct fp *p, const char *element)
{
	free(pop(p, element, 1));
}

static int is_base64(struct fp *p, const struct attrs *a)
{
	const char *t = p->cp.type ? p->cp.type : "";

	if (str_eq(attr_get(a, "mode"), "base64"))
		return 1;
	if (!strncmp(t, "text/", 5) || ends_with(t, "+xml") || ends_with(t, "/xml"))
		return 0;
	return 1;
}

static void push_content(struct fp *p, const char *tag, const struct attrs *a,
                         const char *dflt, int expecting)
{
	const char *t = attr_get(a, "type");

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
			p->cp.type = map_content_type(p, mt);
		}
	}
	if (LANG(p)) {
		p->cp.language = cp_store(p, p->cp.lbuf, sizeof p->cp.lbuf, LANG(p));
		for (char *c = p->cp.language; c && *c; c++)
			if (*c == '_')
				*c = '-';
	}
	p->cp.base = cp_store(p, p->cp.bbuf, sizeof p->cp.bbuf, BASE(p) ? BASE(p) : "");
	p->cp.base64 = is_base64(p, a);
	push(p, tag, expecting);
}

static char *pop_content(struct fp *p, const char *tag)
{
	char *v = pop(p, tag, 1);

	p->incontent--;
	cp_clear(&p->cp);
	return v;
}

/* ------------------------------------------------------------ authors */

/* feedparser's e-mail pattern: local@(labels.)+tld, optional ?subject= */
static int find_email(const char *s, size_t *start, size_t *len)
{
	for (const char *at = strchr(s, '@'); at; at = strchr(at + 1, '@')) {
		const char *b = at, *q = at + 1, *tld;
		int labels = 0;

		while (b > s && (isalnum((unsigned char)b[-1]) || strchr("_-.+", b[-1])))
			b--;
		if (b == at)
			continue;
		/* domain labels each followed by '.', then a 2-4 letter tld */
		for (;;) {
			const char *l = q;

			while (isalnum((unsigned char)*q) || *q == '-')
				q++;
			if (q > l && *q == '.') {
				q++;
				labels++;
				continue;
			}
			q = l;
			break;
		}
		if (!labels)
			continue;
		/* back off labels until a tld fits (regex backtracking) */
		for (;;) {
			int n = 0;

			tld = q;
			while (n < 4 && isalpha((unsigned char)tld[n]))
				n++;
			if (n >= 2) {
				q = tld + n;
				break;
			}
			n = 0;
			while (n < 3 && isdigit((unsigned char)tld[n]))
				n++;
			if (n >= 1) {
				q = tld + n;
				break;
			}
			/* try giving back one label */
			if (labels <= 1)
				goto next;
			labels--;
			q--;
			while (q > at + 1 && q[-1] != '.')
				q--;
		}
		if (!strncmp(q, "?subject=", 9) && q[9] && !isspace((unsigned char)q[9])) {
			q += 9;
			while (*q && !isspace((unsigned char)*q))
				q++;
		}
		*start = (size_t)(b - s);
		*len = (size_t)(q - b);
		return 1;
next:
		;
	}
	return 0;
}

/* feedparser's _sync_author_detail: the detail is the last of the
 * context's "<key>s" list (a fresh dict when there is none).  A filled
 * detail gives the flat "<key>" string; an empty one is filled by splitting
 * the flat string into name and e-mail. */
static void sync_author_detail(struct fp *p, const char *key)
{
	struct fv *c = context(p), *list, *detail, *fresh = NULL;
	char dkey[64], lkey[64];

	cat3(dkey, sizeof dkey, key, "_detail", NULL);
	cat3(lkey, sizeof lkey, key, "s", NULL);
	list = fv_get(c, lkey);
	detail = list && list->type == FV_LIST ? fv_last(list) : NULL;
	if (!detail || detail->type != FV_DICT)
		detail = fresh = fv_new(FV_DICT);
	if (!detail)
		return;
	if (detail->n) {
		const char *name = fv_get_str(detail, "name"), *email = fv_get_str(detail, "email");

		if (name && *name && email && *email) {
			struct sbuf b;

			sbuf_init(&b);
			sbuf_printf(&b, "%s (%s)", name, email);
			fv_set(c, key, tree_str(sbuf_take(&b)));
		} else if (name && *name) {
			fv_set_str(c, key, name);
		} else if (email && *email) {
			fv_set_str(c, key, email);
		}
	} else {
		const char *author = fv_get_str(c, key);
		char *name = NULL, *email = NULL;
		size_t st, ln;

		if (!author || !*author)
			goto out;
		name = xstrdup(p, author);
		if (!name)
			goto out;
		if (find_email(author, &st, &ln)) {
			email = strndup(author + st, ln);
			if (email) {
				char *t;

				name = replace_all(name, email, "");
				name = replace_all(name, "()", "");
				name = replace_all(name, "<>", "");
				name = replace_all(name, "&lt;&gt;", "");
				t = strip_dup(name ? name : "");
				free(name);
				name = t;
				if (name && name[0] == '(')
					memmove(name, name + 1, strlen(name));
				if (name && *name && name[strlen(name) - 1] == ')')
					name[strlen(name) - 1] = '\0';
				t = strip_dup(name ? name : "");
				free(name);
				name = t;
			}
		}
		if (name && *name)
			fv_set_str(detail, "name", name);
		if (email)
			fv_set_str(detail, "email", email);
		if (((name && *name) || email) && !fv_get(c, dkey))
			fv_set(c, dkey, fv_copy(detail));
		free(name);
		free(email);
	}
out:
	fv_free(fresh);
}

static void save_author(struct fp *p, const char *key, const char *value, const char *prefix)
{
	struct fv *c = context(p), *authors;
	char dkey[64];

	cat3(dkey, sizeof dkey, prefix, "_detail", NULL);
	fv_set_str(fv_dict(c, dkey), key, value);
	sync_author_detail(p, "author");
	authors = fv_get(c, "authors");
	if (!authors || authors->type != FV_LIST) {
		authors = fv_list(c, "authors");
		fv_push(authors, fv_new(FV_DICT));
	}
	if (!authors->n)
		fv_push(authors, fv_new(FV_DICT));
	fv_set_str(fv_last(authors), key, value);
}

static void save_contributor(struct fp *p, const char *key, const char *value)
{
	struct fv *c = context(p), *l = fv_get(c, "contributors");

	if (!l || l->type != FV_LIST) {
		l = fv_list(c, "contributors");
		fv_push(l, fv_new(FV_DICT));
	}
	if (!l->n)
		fv_push(l, fv_new(FV_DICT));
	fv_set_str(fv_last(l), key, value);
}

/* A tag's term, scheme and label.  add_tag makes every tag a dict of
 * exactly these three keys in this order, so they are read in place, not
 * looked up: the check for repeats reads them for every tag before. */
static void tag_parts(const struct fv *t, const char **term, const char **scheme,
                      const char **label)
{
	const char **out[3] = { term, scheme, label };
	static const char *const keys[3] = { "term", "scheme", "label" };

	for (int k = 0; k < 3; k++) {
		const struct fv *v = t && t->type == FV_DICT && t->n == 3 &&
		                     t->items[k].key[0] == keys[k][0] ? t->items[k].val
		                                                      : fv_get(t, keys[k]);

		*out[k] = v && v->type == FV_STR ? v->s : NULL;
	}
}

static void add_tag(struct fp *p, const char *term, const char *scheme, const char *label)
{
	struct fv *tags = fv_list(context(p), "tags"), *t;

	if ((!term || !*term) && (!scheme || !*scheme) && (!label || !*label))
		return;
	/* Each tag is compared with the ones before it (feedparser drops
	 * repeats): 100,000 categories on one item took minutes.  Feeds give
	 * a few, a tag cloud a few dozen; the rest of a longer list is left
	 * out. */
	if (tags && tags->n >= MAX_TAGS)
		return;
	for (size_t i = 0; tags && i < tags->n; i++) {
		const char *ot, *os, *ol;

		tag_parts(tags->items[i].val, &ot, &os, &ol);
		if (((!ot && !term) || str_eq(ot, term)) && ((!os && !scheme) || str_eq(os, scheme)) &&
		    ((!ol && !label) || str_eq(ol, label)))
			return;
	}
	t = fv_new(FV_DICT);
	if (!t)
		return;
	fv_set(t, "term", term ? fv_str(term) : fv_new(FV_NULL));
	fv_set(t, "scheme", scheme ? fv_str(scheme) : fv_new(FV_NULL));
	fv_set(t, "label", label ? fv_str(label) : fv_new(FV_NULL));
	fv_push(tags, t);
}

/* ------------------------------------------------------------ handlers */

typedef void (*start_fn)(struct fp *, struct attrs *);
typedef void (*end_fn)(struct fp *);

static void s_rss(struct fp *p, struct attrs *a)
{
	const char *v = attr_get(a, "version");

	if (p->version[0] && !strncmp(p->version, "rss", 3))
		return;
	if (!v)
		v = "";
	if (!strcmp(v, "0.91"))
		snprintf(p->version, sizeof p->version, p->netscape ? "rss091n" : "rss091u");
	else if (!strcmp(v, "0.92"))
		snprintf(p->version, sizeof p->version, "rss092");
	else if (!strcmp(v, "0.93"))
		snprintf(p->version, sizeof p->version, "rss093");
	else if (!strcmp(v, "0.94"))
		snprintf(p->version, sizeof p->version, "rss094");
	else if (!strncmp(v, "2.", 2))
		snprintf(p->version, sizeof p->version, "rss20");
	else
		snprintf(p->version, sizeof p->version, "rss");
}

static void s_updated(struct fp *p, struct attrs *a);
static void e_updated(struct fp *p);
static void s_link(struct fp *p, struct attrs *a);
static void e_link(struct fp *p);

static void cdf_common(struct fp *p, struct attrs *a)
{
	const char *v;
	struct attrs none;

	attrs_init(&none);
	if ((v = attr_get(a, "lastmod"))) {
		s_updated(p, &none);
		if (p->nst) {
			sbuf_reset(&p->st[p->nst - 1].text);
			sbuf_adds(&p->st[p->nst - 1].text, v);
		}
		e_updated(p);
	}
	if ((v = attr_get(a, "href"))) {
		s_link(p, &none);
		if (p->nst) {
			sbuf_reset(&p->st[p->nst - 1].text);
			sbuf_adds(&p->st[p->nst - 1].text, v);
		}
		e_link(p);
	}
	attrs_free(&none);
}

static void s_channel(struct fp *p, struct attrs *a)
{
	p->infeed = 1;
	cdf_common(p, a);
}

static void e_channel(struct fp *p)
{
	p->infeed = 0;
}

static void s_feed(struct fp *p, struct attrs *a)
{
	const char *v = attr_get(a, "version");

	p->infeed = 1;
	if (p->version[0])
		return;
	if (str_eq(v, "0.1"))
		snprintf(p->version, sizeof p->version, "atom01");
	else if (str_eq(v, "0.2"))
		snprintf(p->version, sizeof p->version, "atom02");
	else if (str_eq(v, "0.3"))
		snprintf(p->version, sizeof p->version, "atom03");
	else
		snprintf(p->version, sizeof p->version, "atom");
}

static void s_image(struct fp *p, struct attrs *a)
{
	struct fv *c = context(p);

	if (!p->inentry)
		fv_dict(c, "image");
	p->inimage = 1;
	p->title_depth = -1;
	push(p, "image", 0);
}

static void e_image(struct fp *p)
{
	pop_free(p, "image");
	p->inimage = 0;
}

static void s_textinput(struct fp *p, struct attrs *a)
{
	fv_dict(context(p), "textinput");
	p->intextinput = 1;
	p->title_depth = -1;
	push(p, "textinput", 0);
}

static void e_textinput(struct fp *p)
{
	pop_free(p, "textinput");
	p->intextinput = 0;
}

static void s_author(struct fp *p, struct attrs *a)
{
	p->inauthor = 1;
	push(p, "author", 1);
	fv_push(fv_list(context(p), "authors"), fv_new(FV_DICT));
}

static void e_author(struct fp *p)
{
	pop_free(p, "author");
	p->inauthor = 0;
	sync_author_detail(p, "author");
}

static void s_itunes_owner(struct fp *p, struct attrs *a)
{
	p->inpublisher = 1;
	push(p, "publisher", 0);
}

static void e_itunes_owner(struct fp *p)
{
	pop_free(p, "publisher");
	p->inpublisher = 0;
	sync_author_detail(p, "publisher");
}

static void s_contributor(struct fp *p, struct attrs *a)
{
	p->incontributor = 1;
	fv_push(fv_list(context(p), "contributors"), fv_new(FV_DICT));
	push(p, "contributor", 0);
}

static void e_contributor(struct fp *p)
{
	pop_free(p, "contributor");
	p->incontributor = 0;
}

static void e_name(struct fp *p);

static void s_dc_contributor(struct fp *p, struct attrs *a)
{
	p->incontributor = 1;
	fv_push(fv_list(context(p), "contributors"), fv_new(FV_DICT));
	push(p, "name", 0);
}

static void e_dc_contributor(struct fp *p)
{
	e_name(p);
	p->incontributor = 0;
}

static void s_name(struct fp *p, struct attrs *a)
{
	push(p, "name", 0);
}

static void e_name(struct fp *p)
{
	char *v = pop(p, "name", 1);

	if (!v)
		return;
	if (p->inpublisher)
		save_author(p, "name", v, "publisher");
	else if (p->inauthor)
		save_author(p, "name", v, "author");
	else if (p->incontributor)
		save_contributor(p, "name", v);
	else if (p->intextinput)
		fv_set_str(context(p), "name", v);
	free(v);
}

static void s_width(struct fp *p, struct attrs *a) { push(p, "width", 0); }
static void s_height(struct fp *p, struct attrs *a) { push(p, "height", 0); }

static void end_dimension(struct fp *p, const char *key)
{
	char *v = pop(p, key, 1);
	int64_t n = 0;
	char *end;

	if (!v)
		return;
	n = strtoll(v, &end, 10);
	if (end == v || *end)
		n = 0;
	if (p->inimage)
		fv_set(context(p), key, fv_int(n));
	free(v);
}

static void e_width(struct fp *p) { end_dimension(p, "width"); }
static void e_height(struct fp *p) { end_dimension(p, "height"); }

static void s_url(struct fp *p, struct attrs *a) { push(p, "href", 1); }

static void e_url(struct fp *p)
{
	char *v = pop(p, "href", 1);

	if (!v)
		return;
	if (p->inauthor)
		save_author(p, "href", v, "author");
	else if (p->incontributor)
		save_contributor(p, "href", v);
	free(v);
}

static void s_email(struct fp *p, struct attrs *a) { push(p, "email", 0); }

static void e_email(struct fp *p)
{
	char *v = pop(p, "email", 1);

	if (!v)
		return;
	if (p->inpublisher)
		save_author(p, "email", v, "publisher");
	else if (p->inauthor)
		save_author(p, "email", v, "author");
	else if (p->incontributor)
		save_contributor(p, "email", v);
	free(v);
}

static void s_subtitle(struct fp *p, struct attrs *a) { push_content(p, "subtitle", a, "text/plain", 1); }
static void e_subtitle(struct fp *p) { free(pop_content(p, "subtitle")); }
static void s_rights(struct fp *p, struct attrs *a) { push_content(p, "rights", a, "text/plain", 1); }
static void e_rights(struct fp *p) { free(pop_content(p, "rights")); }

static void s_item(struct fp *p, struct attrs *a)
{
	const char *id = attr_get(a, "rdf:about");

	fv_push(p->entries, fv_new(FV_DICT));
	pd_clear(p);
	push(p, "item", 0);
	p->inentry = 1;
	p->guidislink = 0;
	p->title_depth = -1;
	if (id)
		fv_set_str(context(p), "id", id);
	cdf_common(p, a);
}

static void e_item(struct fp *p)
{
	pop_free(p, "item");
	p->inentry = 0;
	p->has_content = 0;
}

static void s_language(struct fp *p, struct attrs *a) { push(p, "language", 1); }

static void e_language(struct fp *p)
{
	/* feedparser sets the language in scope here, and the end of this
	 * very element restores the parent's: no lasting effect */
	free(pop(p, "language", 1));
}

static void s_webmaster(struct fp *p, struct attrs *a) { push(p, "publisher", 1); }

static void e_webmaster(struct fp *p)
{
	pop_free(p, "publisher");
	sync_author_detail(p, "publisher");
}

/* A date element: its text is kept as written under `key` and parsed
 * into `key`_parsed. */
static void end_date(struct fp *p, const char *key, const char *parsed_key)
{
	char *v = pop(p, key, 1);

	if (v)
		save_date(p, parsed_key, v);
	free(v);
}

static void s_published(struct fp *p, struct attrs *a) { push(p, "published", 1); }
static void e_published(struct fp *p) { end_date(p, "published", "published_parsed"); }
static void s_updated(struct fp *p, struct attrs *a) { push(p, "updated", 1); }
static void e_updated(struct fp *p) { end_date(p, "updated", "updated_parsed"); }
static void s_created(struct fp *p, struct attrs *a) { push(p, "created", 1); }
static void e_created(struct fp *p) { end_date(p, "created", "created_parsed"); }
static void s_expirationdate(struct fp *p, struct attrs *a) { push(p, "expired", 1); }
static void e_expirationdate(struct fp *p) { end_date(p, "expired", "expired_parsed"); }

static void s_dcterms_valid(struct fp *p, struct attrs *a) { push(p, "validity", 1); }

static void e_dcterms_valid(struct fp *p)
{
	char *v = pop(p, "validity", 1), *save_ptr = NULL, *tok;

	if (!v)
		return;
	for (tok = strtok_r(v, ";", &save_ptr); tok; tok = strtok_r(NULL, ";", &save_ptr)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (!strcmp(tok, "start")) {
			save(p, "validity_start", fv_str(eq + 1), 1);
			save_date(p, "validity_start_parsed", eq + 1);
		} else if (!strcmp(tok, "end")) {
			save(p, "validity_end", fv_str(eq + 1), 1);
			save_date(p, "validity_end_parsed", eq + 1);
		}
	}
	free(v);
}

static void s_cc_license(struct fp *p, struct attrs *a)
{
	const char *v = attr_get(a, "rdf:resource");
	struct fv *d = fv_new(FV_DICT);

	if (!d)
		return;
	fv_set_str(d, "rel", "license");
	if (v)
		fv_set_str(d, "href", v);
	fv_push(fv_list(context(p), "links"), d);
}

static void s_cc_lic2(struct fp *p, struct attrs *a) { push(p, "license", 1); }

static void e_cc_lic2(struct fp *p)
{
	char *v = pop(p, "license", 1);
	struct fv *c = context(p), *d;

	if (!v)
		return;
	d = fv_new(FV_DICT);
	if (d) {
		fv_set_str(d, "rel", "license");
		if (*v)
			fv_set_str(d, "href", v);
		fv_push(fv_list(c, "links"), d);
	}
	fv_del(c, "license");
	free(v);
}

static void s_tags(struct fp *p, struct attrs *a) { push(p, "tags", 1); }

static void e_tags(struct fp *p)
{
	char *v = pop(p, "tags", 1), *sp = NULL, *tok;

	if (!v)
		return;
	for (tok = strtok_r(v, ",", &sp); tok; tok = strtok_r(NULL, ",", &sp)) {
		char *t = strip_dup(tok);

		if (t)
			add_tag(p, t, NULL, NULL);
		free(t);
	}
	free(v);
}

static void s_category(struct fp *p, struct attrs *a)
{
	const char *scheme = attr_get(a, "scheme");

	if (!scheme)
		scheme = attr_get(a, "domain");
	add_tag(p, attr_get(a, "term"), scheme, attr_get(a, "label"));
	push(p, "category", 1);
}

static void e_category(struct fp *p)
{
	char *v = pop(p, "category", 1);
	struct fv *tags, *last;

	if (!v)
		return;
	if (!*v) {
		free(v);
		return;
	}
	tags = fv_list(context(p), "tags");
	last = fv_last(tags);
	if (last && !fv_get_str(last, "term"))
		fv_set_str(last, "term", v);
	else if (last && !*fv_get_str(last, "term"))
		fv_set_str(last, "term", v);
	else
		add_tag(p, v, NULL, NULL);
	free(v);
}

static void s_media_category(struct fp *p, struct attrs *a)
{
	if (!attr_get(a, "scheme"))
		attr_set(p, a, "scheme", "http://search.yahoo.com/mrss/category_schema");
	s_category(p, a);
}

static void s_itunes_category(struct fp *p, struct attrs *a)
{
	add_tag(p, attr_get(a, "text"), "http://www.itunes.com/", NULL);
	push(p, "category", 1);
}

static void e_itunes_keywords(struct fp *p)
{
	char *v = pop(p, "itunes_keywords", 1), *sp = NULL, *tok;

	if (!v)
		return;
	for (tok = strtok_r(v, ",", &sp); tok; tok = strtok_r(NULL, ",", &sp)) {
		char *t = strip_dup(tok);

		if (t && *t)
			add_tag(p, t, "http://www.itunes.com/", NULL);
		free(t);
	}
	free(v);
}

static void e_media_keywords(struct fp *p)
{
	char *v = pop(p, "media_keywords", 1), *sp = NULL, *tok;

	if (!v)
		return;
	for (tok = strtok_r(v, ",", &sp); tok; tok = strtok_r(NULL, ",", &sp)) {
		char *t = strip_dup(tok);

		if (t && *t)
			add_tag(p, t, NULL, NULL);
		free(t);
	}
	free(v);
}

static void s_cloud(struct fp *p, struct attrs *a)
{
	fv_set(context(p), "cloud", attrs_dict(a));
}

static void enforce_href(struct fp *p, struct attrs *a)
{
	const char *h = attr_get(a, "url");
	char *href;

	if (!h)
		h = attr_get(a, "uri");
	if (!h)
		h = attr_get(a, "href");
	if (!h || !*h)
		return;
	href = xstrdup(p, h);
	if (!href)
		return;
	attr_del(a, "url");
	attr_del(a, "uri");
	attr_set(p, a, "href", href);
	free(href);
}

static void s_link(struct fp *p, struct attrs *a)
{
	struct fv *c = context(p);
	const char *href;
	int expecting = p->infeed || p->inentry || p->insource;

	if (!attr_get(a, "rel"))
		attr_set(p, a, "rel", "alternate");
	if (!attr_get(a, "type"))
		attr_set(p, a, "type", str_eq(attr_get(a, "rel"), "self") ? "application/atom+xml" : "text/html");
	enforce_href(p, a);
	if ((href = attr_get(a, "href"))) {
		char *r = uri_join(BASE(p) ? BASE(p) : "", href);

		if (r) {
			attr_set(p, a, "href", r);
			free(r);
		}
	}
	fv_list(c, "links");
	if (!(p->inentry && p->inimage))
		fv_push(fv_get(c, "links"), attrs_dict(a));
	if ((href = attr_get(a, "href"))) {
		char *t = map_content_type(p, attr_get(a, "type"));

		if (str_eq(attr_get(a, "rel"), "alternate") && is_html_type(t))
			fv_set_str(c, "link", href);
		free(t);
	} else {
		push(p, "link", expecting);
	}
}

static void e_link(struct fp *p) { pop_free(p, "link"); }

static void s_guid(struct fp *p, struct attrs *a)
{
	const char *v = attr_get(a, "ispermalink");

	p->guidislink = !v || !strcmp(v, "true");
	push(p, "id", 1);
}

static void e_guid(struct fp *p)
{
	char *v = pop(p, "id", 1);
	struct fv *c;

	if (!v)
		return;
	c = context(p);
	fv_set(c, "guidislink", fv_new(FV_BOOL));
	if (fv_get(c, "guidislink"))
		fv_get(c, "guidislink")->i = p->guidislink && !fv_get(c, "link");
	if (p->guidislink)
		save(p, "link", fv_str(v), 0);
	free(v);
}

static void s_title(struct fp *p, struct attrs *a)
{
	push_content(p, "title", a, "text/plain", p->infeed || p->inentry || p->insource);
}

static void e_title(struct fp *p)
{
	char *v;

	if (p->svg_ok)
		return;
	v = pop_content(p, "title");
	if (v && *v)
		p->title_depth = p->depth;
	free(v);
}

static void s_content(struct fp *p, struct attrs *a);
static void e_content(struct fp *p);

static void s_description(struct fp *p, struct attrs *a)
{
	struct fv *c = context(p);

	if (fv_get(c, "summary") && !p->has_content) {
		p->summary_key = "content";
		s_content(p, a);
	} else {
		push_content(p, "description", a, "text/html", p->infeed || p->inentry || p->insource);
	}
}

static void s_abstract(struct fp *p, struct attrs *a)
{
	push_content(p, "description", a, "text/plain", p->infeed || p->inentry || p->insource);
}

static void e_description(struct fp *p)
{
	if (str_eq(p->summary_key, "content"))
		e_content(p);
	else
		free(pop_content(p, "description"));
	p->summary_key = NULL;
}

static void s_info(struct fp *p, struct attrs *a) { push_content(p, "info", a, "text/plain", 1); }
static void e_info(struct fp *p) { free(pop_content(p, "info")); }

static void s_generator(struct fp *p, struct attrs *a)
{
	const char *h;

	if (a->n) {
		enforce_href(p, a);
		if ((h = attr_get(a, "href"))) {
			char *r = uri_join(BASE(p) ? BASE(p) : "", h);

			if (r) {
				attr_set(p, a, "href", r);
				free(r);
			}
		}
	}
	fv_set(context(p), "generator_detail", attrs_dict(a));
	push(p, "generator", 1);
}

static void e_generator(struct fp *p)
{
	char *v = pop(p, "generator", 1);
	struct fv *d;

	if (!v)
		return;
	d = fv_get(context(p), "generator_detail");
	if (d && d->type == FV_DICT)
		fv_set_str(d, "name", v);
	free(v);
}

static void s_admin_generatoragent(struct fp *p, struct attrs *a)
{
	const char *v = attr_get(a, "rdf:resource");
	struct fv *d;

	push(p, "generator", 1);
	if (v && p->nst)
		handle_data(p, v, strlen(v), 0);
	pop_free(p, "generator");
	d = fv_new(FV_DICT);
	if (d) {
		if (v)
			fv_set_str(d, "href", v);
		else
			fv_set(d, "href", fv_new(FV_NULL));
		fv_set(context(p), "generator_detail", d);
	}
}

static void s_admin_errorreportsto(struct fp *p, struct attrs *a)
{
	const char *v = attr_get(a, "rdf:resource");

	push(p, "errorreportsto", 1);
	if (v)
		handle_data(p, v, strlen(v), 0);
	pop_free(p, "errorreportsto");
}

static void s_summary(struct fp *p, struct attrs *a)
{
	struct fv *c = context(p);

	if (fv_get(c, "summary") && !p->has_content) {
		p->summary_key = "content";
		s_content(p, a);
	} else {
		p->summary_key = "summary";
		push_content(p, "summary", a, "text/plain", 1);
	}
}

static void e_summary(struct fp *p)
{
	if (str_eq(p->summary_key, "content"))
		e_content(p);
	else
		free(pop_content(p, p->summary_key ? p->summary_key : "summary"));
	p->summary_key = NULL;
}

static void s_enclosure(struct fp *p, struct attrs *a)
{
	struct fv *d;

	enforce_href(p, a);
	attr_set(p, a, "rel", "enclosure");
	d = attrs_dict(a);
	fv_push(fv_list(context(p), "links"), d);
}

static void s_source(struct fp *p, struct attrs *a)
{
	const char *u = attr_get(a, "url");

	if (u)
		fv_set_str(p->source, "href", u);
	push(p, "source", 1);
	p->insource = 1;
	p->title_depth = -1;
}

static void e_source(struct fp *p)
{
	char *v;

	p->insource = 0;
	v = pop(p, "source", 1);
	if (v && *v)
		fv_set_str(p->source, "title", v);
	free(v);
	fv_set(context(p), "source", fv_copy(p->source));
	fv_free(p->source);
	p->source = fv_new(FV_DICT);
	if (!p->source)
		p->oom = 1;
}

static void s_content(struct fp *p, struct attrs *a)
{
	const char *src = attr_get(a, "src");

	p->has_content = 1;
	push_content(p, "content", a, "text/plain", 1);
	if (src && *src) {
		free(p->cp.src);
		p->cp.src = xstrdup(p, src);
	}
}

static void s_body(struct fp *p, struct attrs *a)
{
	push_content(p, "content", a, "application/xhtml+xml", 1);
}

static void s_content_encoded(struct fp *p, struct attrs *a)
{
	p->has_content = 1;
	push_content(p, "content", a, "text/html", 1);
}

static void e_content(struct fp *p)
{
	const char *t = cp_type(p, "");
	int copy = maps_to_plain(t) || maps_to_html(t);
	char *v;

	v = pop_content(p, "content");
	/* (the summary is only added when there is none yet: no copy else) */
	if (v && copy && !fv_get(context(p), "summary"))
		save(p, "summary", p->popped ? popped_str(p, v) : fv_str(v), 0);
	free(v);
}

static void s_newlocation(struct fp *p, struct attrs *a) { push(p, "newlocation", 1); }

static void e_newlocation(struct fp *p)
{
	char *v = pop(p, "newlocation", 1), *s, *u;

	if (!v)
		return;
	if (context(p) == p->feed) {
		s = strip_dup(v);
		u = s ? uri_safe_join(BASE(p), s) : NULL;
		if (u)
			fv_set(p->feed, "newlocation", tree_str(u));
		free(s);
	}
	free(v);
}

static void s_itunes_image(struct fp *p, struct attrs *a)
{
	const char *h = attr_get(a, "href");
	struct fv *d;

	push(p, "itunes_image", 0);
	if (!h || !*h)
		h = attr_get(a, "url");
	if (h && *h) {
		d = fv_new(FV_DICT);
		if (d) {
			fv_set_str(d, "href", h);
			fv_set(context(p), "image", d);
		}
	}
}

static void e_itunes_block(struct fp *p)
{
	char *v = pop(p, "itunes_block", 0);

	if (!v)
		return;
	fv_set(context(p), "itunes_block", fv_int(!strcmp(v, "yes") || !strcmp(v, "Yes")));
	free(v);
}

static void e_itunes_explicit(struct fp *p)
{
	char *v = pop(p, "itunes_explicit", 0);
	struct fv *b;

	if (!v)
		return;
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "clean") ||
	    !strcmp(v, "no") || !strcmp(v, "false")) {
		b = fv_new(FV_BOOL);
		if (b)
			b->i = !strcmp(v, "yes") || !strcmp(v, "true");
		fv_set(context(p), "itunes_explicit", b);
	} else {
		fv_set(context(p), "itunes_explicit", fv_new(FV_NULL));
	}
	free(v);
}

static void e_media_title(struct fp *p)
{
	int d = p->title_depth;

	e_title(p);
	p->title_depth = d;
}

static void s_nothing(struct fp *p, struct attrs *a) { }

/* media:rating, media:restriction, media:license: the first one's
 * attributes become the dict `key`, its text is collected under `text`. */
static void start_media_dict(struct fp *p, struct attrs *a, const char *key,
                             const char *text)
{
	struct fv *c = context(p);

	if (!fv_get(c, key))
		fv_set(c, key, attrs_dict(a));
	push(p, text, 1);
}

/* ...and the text becomes that dict's "content". */
static void end_media_dict(struct fp *p, const char *key, const char *text)
{
	char *v = pop(p, text, 1);
	struct fv *d;

	if (v && *v && (d = fv_get(context(p), key)) && d->type == FV_DICT)
		fv_set_str(d, "content", v);
	free(v);
}

static void s_media_rating(struct fp *p, struct attrs *a)
{
	start_media_dict(p, a, "media_rating", "rating");
}

static void e_media_rating(struct fp *p) { end_media_dict(p, "media_rating", "rating"); }

static void s_media_credit(struct fp *p, struct attrs *a)
{
	fv_push(fv_list(context(p), "media_credit"), attrs_dict(a));
	push(p, "credit", 1);
}

static void e_media_credit(struct fp *p)
{
	char *v = pop(p, "credit", 1);
	struct fv *l;

	if (v && *v && (l = fv_get(context(p), "media_credit")) && fv_last(l))
		fv_set_str(fv_last(l), "content", v);
	free(v);
}

static void s_media_restriction(struct fp *p, struct attrs *a)
{
	start_media_dict(p, a, "media_restriction", "restriction");
}

static void e_media_restriction(struct fp *p)
{
	char *v = pop(p, "restriction", 1), *sp = NULL, *tok;
	struct fv *d, *l;

	if (v && *v && (d = fv_get(context(p), "media_restriction")) && d->type == FV_DICT) {
		l = fv_set(d, "content", fv_new(FV_LIST));
		for (tok = strtok_r(v, " ", &sp); tok; tok = strtok_r(NULL, " ", &sp)) {
			for (char *c = tok; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			fv_push(l, fv_str(tok));
		}
	}
	free(v);
}

static void s_media_license(struct fp *p, struct attrs *a)
{
	start_media_dict(p, a, "media_license", "license");
}

static void e_media_license(struct fp *p) { end_media_dict(p, "media_license", "license"); }

static void s_media_content(struct fp *p, struct attrs *a)
{
	fv_push(fv_list(context(p), "media_content"), attrs_dict(a));
}

static void s_media_thumbnail(struct fp *p, struct attrs *a)
{
	struct fv *l = fv_list(context(p), "media_thumbnail");

	push(p, "url", 1);
	fv_push(l, attrs_dict(a));
}

static void e_media_thumbnail(struct fp *p)
{
	char *v = pop(p, "url", 1);
	struct fv *l, *last;

	if (v && *v && (l = fv_get(context(p), "media_thumbnail")) && (last = fv_last(l)) &&
	    !fv_get(last, "url"))
		fv_set_str(last, "url", v);
	free(v);
}

static void s_media_player(struct fp *p, struct attrs *a)
{
	push(p, "media_player", 0);
	fv_set(context(p), "media_player", attrs_dict(a));
}

static void e_media_player(struct fp *p)
{
	char *v = pop(p, "media_player", 1);
	struct fv *d;

	if (v && (d = fv_get(context(p), "media_player")) && d->type == FV_DICT)
		fv_set_str(d, "content", v);
	free(v);
}

static void s_psc_chapters(struct fp *p, struct attrs *a)
{
	struct fv *c = context(p), *d;

	if (fv_get(c, "psc_chapters"))
		return;
	p->psc_chapters = 1;
	d = attrs_dict(a);
	fv_list(d, "chapters");
	fv_set(c, "psc_chapters", d);
}

static void e_psc_chapters(struct fp *p) { p->psc_chapters = 0; }

/* "hh:mm:ss.mmm" (hours and milliseconds optional) to seconds */
static int psc_start(const char *s, double *out)
{
	int h = 0, m = 0, sec = 0, ms = 0, n = 0;
	const char *q = s;

	if (sscanf(q, "%d:%d:%d%n", &h, &m, &sec, &n) == 3) {
		q += n;
	} else if (sscanf(q, "%d:%d%n", &m, &sec, &n) == 2) {
		q += n;
	} else {
		return -1;
	}
	if (*q == '.') {
		int digits = 0;

		q++;
		while (isdigit((unsigned char)*q) && digits < 3) {
			ms = ms * 10 + (*q++ - '0');
			digits++;
		}
		while (digits++ < 3)
			ms *= 10;
	}
	if (*q)
		return -1;
	*out = h * 3600.0 + m * 60.0 + sec + ms / 1000.0;
	return 0;
}

static void s_psc_chapter(struct fp *p, struct attrs *a)
{
	struct fv *c, *d;
	const char *start;
	double secs;

	if (!p->psc_chapters)
		return;
	c = fv_get(context(p), "psc_chapters");
	if (!c)
		return;
	d = attrs_dict(a);
	start = attr_get(a, "start");
	if (d && start && psc_start(start, &secs) == 0) {
		struct fv *v = fv_new(FV_MSEC);

		if (v)
			v->i = (int64_t)(secs * 1000 + 0.5);
		fv_set(d, "start_parsed", v);
	} else if (d) {
		fv_set(d, "start_parsed", fv_new(FV_NULL));
	}
	fv_push(fv_list(c, "chapters"), d);
}


/* ---- GeoRSS (simple and GML): entries[i]["where"] = {type, coordinates} */

/* Parses "lat lon lat lon ..." (commas allowed) into a list of
 * coordinate lists, swapped to (lon, lat) unless !swap; dims 2 or 3.
 * Returns NULL on a malformed number or an incomplete tuple. */
static struct fv *geo_coords(const char *s, int swap, int dims)
{
	struct fv *list = fv_new(FV_LIST);
	double v[3];
	int k = 0;

	if (!list)
		return NULL;
	for (;;) {
		char *end;

		while (*s && (isspace((unsigned char)*s) || *s == ','))
			s++;
		if (!*s)
			break;
		v[k] = strtod(s, &end);
		if (end == s || (*end && !isspace((unsigned char)*end) && *end != ',')) {
			fv_free(list);
			return NULL;
		}
		s = end;
		if (++k == dims) {
			struct fv *t = fv_new(FV_LIST);

			fv_push(t, fv_num(swap ? v[1] : v[0]));
			fv_push(t, fv_num(swap ? v[0] : v[1]));
			if (dims == 3)
				fv_push(t, fv_num(v[2]));
			fv_push(list, t);
			k = 0;
		}
	}
	return list;
}

static void save_where(struct fp *p, const char *type, struct fv *coords)
{
	struct fv *w = fv_dict(context(p), "where");

	fv_set_str(w, "type", type);
	fv_set(w, "coordinates", coords);
}

static void s_georss_geom(struct fp *p, struct attrs *a)
{
	push(p, "geometry", 0);
	fv_set(context(p), "where", fv_new(FV_DICT));
}

static void georss_end(struct fp *p, const char *kind)
{
	char *v = pop(p, "geometry", 1);
	struct fv *c;

	if (!v)
		return;
	c = geo_coords(v, 1, 2);
	free(v);
	if (!c)
		return;
	if (!strcmp(kind, "Point")) {
		struct fv *first = c->n ? c->items[0].val : NULL;

		if (first) {
			c->items[0].val = NULL;
			c->n = 0;
			save_where(p, "Point", first);
		}
		fv_free(c);
	} else if (!strcmp(kind, "Polygon")) {
		struct fv *outer;

		if (c->n < 4) {
			fv_free(c);
			return;
		}
		outer = fv_new(FV_LIST);
		fv_push(outer, c);
		save_where(p, "Polygon", outer);
	} else {
		save_where(p, kind, c);
	}
}

static void e_georss_point(struct fp *p) { georss_end(p, "Point"); }
static void e_georss_line(struct fp *p) { georss_end(p, "LineString"); }
static void e_georss_polygon(struct fp *p) { georss_end(p, "Polygon"); }
static void e_georss_box(struct fp *p) { georss_end(p, "Box"); }

static void s_where(struct fp *p, struct attrs *a)
{
	push(p, "where", 0);
	fv_set(context(p), "where", fv_new(FV_DICT));
}

static void e_where(struct fp *p) { pop_free(p, "where"); }

static void gml_srs(struct fp *p, struct attrs *a)
{
	const char *name = attr_get(a, "srsname"), *dim = attr_get(a, "srsdimension");
	struct fv *w = fv_dict(context(p), "where");
	int64_t d = dim ? strtoll(dim, NULL, 10) : 2;

	if (name)
		fv_set_str(w, "srsName", name);
	else
		fv_set(w, "srsName", fv_new(FV_NULL));
	fv_set(w, "srsDimension", fv_int(d == 3 ? 3 : d > 0 ? d : 2));
}

static void s_gml_point(struct fp *p, struct attrs *a) { gml_srs(p, a); p->ingeometry = 1; push(p, "geometry", 0); }
static void s_gml_linestring(struct fp *p, struct attrs *a) { gml_srs(p, a); p->ingeometry = 2; push(p, "geometry", 0); }
static void s_gml_polygon(struct fp *p, struct attrs *a) { gml_srs(p, a); push(p, "geometry", 0); }
static void s_gml_exterior(struct fp *p, struct attrs *a) { push(p, "geometry", 0); }
static void s_gml_linearring(struct fp *p, struct attrs *a) { p->ingeometry = 3; push(p, "geometry", 0); }
static void s_gml_pos(struct fp *p, struct attrs *a) { push(p, "pos", 0); }

static void e_gml_geom(struct fp *p)
{
	p->ingeometry = 0;
	pop_free(p, "geometry");
}

/* latitude first (to be swapped) unless the CRS is a projected one */
static void gml_axes(struct fp *p, int *swap, int *dims)
{
	struct fv *w = fv_get(context(p), "where");
	const char *srs = fv_get_str(w, "srsName");
	struct fv *d = fv_get(w, "srsDimension");

	*swap = 1;
	*dims = d && d->type == FV_INT && d->i == 3 ? 3 : 2;
	if (srs && strstr(srs, "EPSG")) {
		const char *c = strrchr(srs, ':');
		long code = c ? strtol(c + 1, NULL, 10) : 0;

		/* EPSG 4000-4999 (and 38xx/39xx) are geographic lat/lon */
		*swap = (code >= 4000 && code < 5000) || (code >= 3819 && code <= 3906);
	}
}

/* The coordinates of the gml:pos or gml:posList element just ended, in
 * the axis order its srsName gives; NULL when it has none. */
static struct fv *gml_end_coords(struct fp *p)
{
	char *v = pop(p, "pos", 1);
	int swap, dims;
	struct fv *c;

	if (!v)
		return NULL;
	gml_axes(p, &swap, &dims);
	c = geo_coords(v, swap, dims);
	free(v);
	return c;
}

static void e_gml_pos(struct fp *p)
{
	struct fv *c = gml_end_coords(p);

	if (c && c->n) {
		struct fv *first = c->items[0].val;

		c->items[0].val = NULL;
		c->n = 0;
		save_where(p, "Point", first);
	}
	fv_free(c);
}

static void e_gml_poslist(struct fp *p)
{
	struct fv *c = gml_end_coords(p);

	if (!c)
		return;
	if (p->ingeometry == 2) {
		save_where(p, "LineString", c);
	} else if (p->ingeometry == 3) {
		struct fv *outer = fv_new(FV_LIST);

		fv_push(outer, c);
		save_where(p, "Polygon", outer);
	} else {
		fv_free(c);
	}
}

struct handler {
	const char *name;
	start_fn start;
	end_fn end;
};

/* sorted by name for bsearch */
static const struct handler handlers[] = {
	{ "abstract", s_abstract, e_description },
	{ "admin_errorreportsto", s_admin_errorreportsto, NULL },
	{ "admin_generatoragent", s_admin_generatoragent, NULL },
	{ "author", s_author, e_author },
	{ "body", s_body, e_content },
	{ "category", s_category, e_category },
	{ "cc_license", s_cc_license, NULL },
	{ "channel", s_channel, e_channel },
	{ "cloud", s_cloud, NULL },
	{ "content", s_content, e_content },
	{ "content_encoded", s_content_encoded, e_content },
	{ "contributor", s_contributor, e_contributor },
	{ "copyright", s_rights, e_rights },
	{ "created", s_created, e_created },
	{ "creativecommons_license", s_cc_lic2, e_cc_lic2 },
	{ "dc_author", s_author, e_author },
	{ "dc_contributor", s_dc_contributor, e_dc_contributor },
	{ "dc_creator", s_author, e_author },
	{ "dc_date", s_updated, e_updated },
	{ "dc_description", s_description, e_description },
	{ "dc_language", s_language, e_language },
	{ "dc_publisher", s_webmaster, e_webmaster },
	{ "dc_rights", s_rights, e_rights },
	{ "dc_subject", s_category, e_category },
	{ "dc_title", s_title, e_title },
	{ "dcterms_created", s_created, e_created },
	{ "dcterms_issued", s_published, e_published },
	{ "dcterms_modified", s_updated, e_updated },
	{ "dcterms_valid", s_dcterms_valid, e_dcterms_valid },
	{ "description", s_description, e_description },
	{ "email", s_email, e_email },
	{ "enclosure", s_enclosure, NULL },
	{ "entry", s_item, e_item },
	{ "expirationdate", s_expirationdate, e_expirationdate },
	{ "feed", s_feed, e_channel },
	{ "feedburner_browserfriendly", s_info, e_info },
	{ "fullitem", s_content_encoded, e_content },
	{ "generator", s_generator, e_generator },
	{ "georss_box", s_georss_geom, e_georss_box },
	{ "georss_line", s_georss_geom, e_georss_line },
	{ "georss_point", s_georss_geom, e_georss_point },
	{ "georss_polygon", s_georss_geom, e_georss_polygon },
	{ "georss_where", s_where, e_where },
	{ "gml_exterior", s_gml_exterior, e_gml_geom },
	{ "gml_linearring", s_gml_linearring, e_gml_geom },
	{ "gml_linestring", s_gml_linestring, e_gml_geom },
	{ "gml_point", s_gml_point, e_gml_geom },
	{ "gml_polygon", s_gml_polygon, e_gml_geom },
	{ "gml_pos", s_gml_pos, e_gml_pos },
	{ "gml_poslist", s_gml_pos, e_gml_poslist },
	{ "guid", s_guid, e_guid },
	{ "height", s_height, e_height },
	{ "homepage", s_url, e_url },
	{ "id", s_guid, e_guid },
	{ "image", s_image, e_image },
	{ "info", s_info, e_info },
	{ "issued", s_published, e_published },
	{ "item", s_item, e_item },
	{ "itunes_author", s_author, e_author },
	{ "itunes_block", NULL, e_itunes_block },
	{ "itunes_category", s_itunes_category, e_category },
	{ "itunes_email", s_email, e_email },
	{ "itunes_explicit", NULL, e_itunes_explicit },
	{ "itunes_image", s_itunes_image, NULL },
	{ "itunes_keywords", NULL, e_itunes_keywords },
	{ "itunes_link", s_itunes_image, NULL },
	{ "itunes_name", s_name, e_name },
	{ "itunes_owner", s_itunes_owner, e_itunes_owner },
	{ "itunes_subtitle", s_subtitle, e_subtitle },
	{ "itunes_summary", s_summary, e_summary },
	{ "keywords", s_category, e_category },
	{ "language", s_language, e_language },
	{ "lastbuilddate", s_updated, e_updated },
	{ "link", s_link, e_link },
	{ "managingeditor", s_author, e_author },
	{ "media_category", s_media_category, e_category },
	{ "media_content", s_media_content, NULL },
	{ "media_credit", s_media_credit, e_media_credit },
	{ "media_description", s_description, e_description },
	{ "media_group", s_nothing, NULL },
	{ "media_keywords", NULL, e_media_keywords },
	{ "media_license", s_media_license, e_media_license },
	{ "media_player", s_media_player, e_media_player },
	{ "media_rating", s_media_rating, e_media_rating },
	{ "media_restriction", s_media_restriction, e_media_restriction },
	{ "media_thumbnail", s_media_thumbnail, e_media_thumbnail },
	{ "media_title", s_title, e_media_title },
	{ "modified", s_updated, e_updated },
	{ "name", s_name, e_name },
	{ "newlocation", s_newlocation, e_newlocation },
	{ "psc_chapter", s_psc_chapter, NULL },
	{ "psc_chapters", s_psc_chapters, e_psc_chapters },
	{ "pubdate", s_published, e_published },
	{ "published", s_published, e_published },
	{ "rights", s_rights, e_rights },
	{ "rss", s_rss, NULL },
	{ "source", s_source, e_source },
	{ "subtitle", s_subtitle, e_subtitle },
	{ "summary", s_summary, e_summary },
	{ "tagline", s_subtitle, e_subtitle },
	{ "tags", s_tags, e_tags },
	{ "textinput", s_textinput, e_textinput },
	{ "title", s_title, e_title },
	{ "updated", s_updated, e_updated },
	{ "uri", s_url, e_url },
	{ "url", s_url, e_url },
	{ "webmaster", s_webmaster, e_webmaster },
	{ "where", s_where, e_where },
	{ "width", s_width, e_width },
	{ "xhtml_body", s_body, e_content },
};

static struct strtab handler_tab, ns_tab;
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;
static void tabs_init(void);

static const struct handler *find_handler(const char *name)
{
	const struct strtab_slot *s;

	pthread_once(&tabs_once, tabs_init);
	s = strtab_get(&handler_tab, name, strlen(name));
	return s ? s->ptr : NULL;
}

/* ------------------------------------------------------------ namespaces */

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
	for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
		strtab_add(&handler_tab, handlers[i].name, &handlers[i], 0);
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

static struct decl *find_decl(struct fp *p, const char *name)
{
	for (size_t i = 0; i < p->ndecls; i++)
		if (!strcmp(p->decls[i].name, name))
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
	d->name = xstrdup(p, (const char *)name);
	/* external entities are never read: they expand to nothing */
	d->content = xstrdup(p, type == XML_INTERNAL_GENERAL_ENTITY && content ? (const char *)content : "");
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
		}
		content = d->expanded;
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

static void on_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **at)
{
	struct fp *p = ud;
	struct attrs a;
	char tag[256], name[256], key[256];
	const char *xb, *xl, *colon;
	const struct handler *h;

	attrs_init(&a);
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
	if (!strcasecmp((const char *)local, "math") &&
	    str_eq((const char *)uri, "http://www.w3.org/1998/Math/MathML"))
		attr_set(p, &a, "xmlns", (const char *)uri);
	if (!strcasecmp((const char *)local, "svg") && str_eq((const char *)uri, "http://www.w3.org/2000/svg"))
		attr_set(p, &a, "xmlns", (const char *)uri);
	for (int i = 0; i < nns; i++)
		if (ns[2 * i] && str_eq((const char *)ns[2 * i + 1], "http://www.w3.org/1999/xlink")) {
			snprintf(key, sizeof key, "xmlns:%s", (const char *)ns[2 * i]);
			attr_set(p, &a, key, "http://www.w3.org/1999/xlink");
		}
	for (int i = 0; i < nattr; i++) {
		const xmlChar *al = at[5 * i], *ap = at[5 * i + 1], *au = at[5 * i + 2];
		char *v = attr_value(p, at[5 * i + 3], at[5 * i + 4]);
		const char *canon = ns_prefix_cached(p, au);

		if (!v)
			continue;
		/* feedparser: rel and type values are case-folded, "&amp;"
		 * left over after XML decoding becomes "&" */
		v = replace_all(v, "&amp;", "&");
		if (!v)
			continue;
		if (!strcasecmp((const char *)al, "rel") || !strcasecmp((const char *)al, "type"))
			for (char *c = v; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		if (canon && *canon)
			cat3(key, sizeof key, canon, ":", (const char *)al);
		else
			cat3(key, sizeof key, (const char *)al, NULL, NULL);
		for (char *c = key; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		attr_set(p, &a, key, v);
		if (ap) {
			cat3(key, sizeof key, (const char *)ap, ":", (const char *)al);
			for (char *c = key; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			attr_set(p, &a, key, v);
		}
		free(v);
	}

	/* xml:base and xml:lang */
	xb = attr_get(&a, "xml:base");
	if (!xb)
		xb = attr_get(&a, "base");
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
		free(nb);
	}
	xl = attr_get(&a, "xml:lang");
	if (!xl)
		xl = attr_get(&a, "lang");
	if (xl) {
		rs_set(&p->lang_r, *xl ? rs_new(p, xl) : NULL);
	}
	if (LANG(p) && (!strcmp(tag, "feed") || !strcmp(tag, "rss"))) {
		char *l = xstrdup(p, LANG(p));

		for (char *c = l; c && *c; c++)
			if (*c == '_')
				*c = '-';
		fv_set(p->feed, "language", tree_str(l));
	}
	add_level(p);

	/* inline markup inside content */
	if (p->incontent && p->cp.active && !ends_with(cp_type(p, "xml"), "xml")) {
		if (!strcmp(tag, "xhtml:div") || !strcmp(tag, "div"))
			goto out;
		cp_set_type(p, "application/xhtml+xml");
	}
	if (p->incontent && p->cp.active && str_eq(p->cp.type, "application/xhtml+xml")) {
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
		handle_data(p, sbuf_str(&m), m.len, 0);
		sbuf_free(&m);
		goto out;
	}

	/* dispatch: "prefix_local" */
	cat3(name, sizeof name, tag, NULL, NULL);
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
	h = uri && prefix && !ns_prefix_cached(p, uri) ? NULL : find_handler(name);
	if (h && h->start) {
		h->start(p, &a);
	} else if (a.n == 0) {
		push(p, name, 1);
	} else {
		fv_set(context(p), name, attrs_dict(&a));
	}
out:
	attrs_free(&a);
	return;
halt:
	attrs_free(&a);
	xmlStopParser(p->ctxt);
}

static void on_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct fp *p = ud;
	char tag[256], name[256];
	const char *colon, *t;
	const struct handler *h;
	struct level *l;

	if (p->too_deep || p->oom)
		return;
	qualified(p, tag, sizeof tag, local, prefix, uri);
	cat3(name, sizeof name, tag, NULL, NULL);
	if ((colon = strchr(name, ':')))
		*(char *)colon = '_';
	t = (colon = strchr(tag, ':')) ? colon + 1 : tag;
	if (!strcmp(t, "svg") && p->svg_ok)
		p->svg_ok--;
	h = uri && prefix && !ns_prefix_cached(p, uri) ? NULL : find_handler(name);
	if (p->svg_ok)
		pop_free(p, name);
	else if (h && h->end)
		h->end(p);
	else
		pop_free(p, name);

	if (p->incontent && p->cp.active && !ends_with(cp_type(p, "xml"), "xml")) {
		if (!strcmp(tag, "xhtml:div") || !strcmp(tag, "div"))
			goto levels;
		cp_set_type(p, "application/xhtml+xml");
	}
	if (p->incontent && p->cp.active && str_eq(p->cp.type, "application/xhtml+xml")) {
		struct sbuf m;

		sbuf_init(&m);
		sbuf_printf(&m, "</%s>", t);
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

	if (n > 0)
		handle_data(p, (const char *)s, (size_t)n, 1);
}

static void on_error(void *ud, xmlErrorPtr e)
{
	struct fp *p = ud;

	if (!e || e->level == XML_ERR_WARNING)
		goto keep_going;
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
	/* libxml2 stops resolving entity references once a document is
	 * known to be malformed; we keep recovering like feedparser's
	 * loose parser does */
	if (p->ctxt && p->ctxt->instate != XML_PARSER_EOF)
		p->ctxt->wellFormed = 1;
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
	pd_clear(p);
	free(p->pd);
	cp_clear(&p->cp);
	rs_unref(p->base);
	free(p->doc_base);
	rs_unref(p->lang_r);
	free(p->bozo_reason);
	sbuf_free(&p->tmp_text);
	fv_free(p->source);
}

/* libxml2 sets up its globals (mutexes, dictionaries) in xmlInitParser();
 * run lazily from several threads at once it races and leaks.  Once per
 * process, whichever thread parses first. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

int parse_feed_xml(const char *buf, size_t len, const struct parse_opts *o, struct fv **out)
{
	struct fp p;
	xmlSAXHandler sax;
	int rc = -1;
	char *fixed_buf = NULL;

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
	p.feed = fv_set(p.res, "feed", fv_new(FV_DICT));
	p.entries = fv_set(p.res, "entries", fv_new(FV_LIST));
	p.namespaces = fv_set(p.res, "namespaces", fv_new(FV_DICT));
	p.source = fv_new(FV_DICT);
	if (!p.feed || !p.entries || !p.namespaces || !p.source)
		goto fail;
	if (o->base) {
		p.base = rs_new(&p, o->base);
		p.doc_base = xstrdup(&p, o->base);
	}
	if (o->lang) {
		p.lang_r = rs_new(&p, o->lang);
		char *l = xstrdup(&p, o->lang);

		for (char *c = l; c && *c; c++)
			if (*c == '_')
				*c = '-';
		fv_set(p.feed, "language", tree_str(l));
	}

	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_chars;
	sax.cdataBlock = on_chars;
	sax.ignorableWhitespace = on_chars;
	sax.entityDecl = on_entity_decl;
	sax.getEntity = on_get_entity;
	sax.resolveEntity = on_resolve_entity;
	sax.internalSubset = on_internal_subset;
	sax.externalSubset = on_subset_end;
	sax.serror = on_error;

	{
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
		}
	}
	size_t at = 0;
	enum prescan_crowd crowd = len <= INT32_MAX ? prescan_crowded(buf, len, &at) : PRESCAN_OK;

	if (len > INT32_MAX) {
		set_bozo(&p, "SAXParseException: document too large");
	} else if (crowd == PRESCAN_ATTRS) {
		set_bozo(&p, "SAXParseException: an element with more than %d attributes (line %zu), "
		         "not parsed", PRESCAN_MAX_ATTRS, prescan_line_of(buf, at));
	} else if (crowd == PRESCAN_NS) {
		set_bozo(&p, "SAXParseException: more than %d namespace declarations in scope "
		         "(line %zu), not parsed", PRESCAN_MAX_NS_SCOPE, prescan_line_of(buf, at));
	} else {
		p.ctxt = xmlCreatePushParserCtxt(&sax, &p, NULL, 0, NULL);
		if (!p.ctxt)
			goto fail;
		xmlCtxtUseOptions(p.ctxt, XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOWARNING |
		                               XML_PARSE_NOERROR);
		xmlParseChunk(p.ctxt, buf, (int)len, 1);
		if (p.ctxt->myDoc)
			xmlFreeDoc(p.ctxt->myDoc);
		xmlFreeParserCtxt(p.ctxt);
		p.ctxt = NULL;
	}
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
	fp_free(&p);    /* before the tree: p.source lives in its arena */
	fv_arena_use(NULL);
	fv_free(p.res);
	return rc;
}
