/* feeds/parse_int.h — what the two halves of the XML stage share:
 * feeds/parse.c (the libxml2 SAX callbacks, the element stack, xml:base
 * and xml:lang, namespaces, entities, the driver) and feeds/handlers.c
 * (feedparser's element handlers and their table).  Internal to feeds/;
 * everything else uses feeds/parse.h. */
#ifndef TIDINGS_FEEDS_PARSE_INT_H
#define TIDINGS_FEEDS_PARSE_INT_H

#include <stddef.h>
#include <string.h>

#include <libxml/entities.h>
#include <libxml/parser.h>

#include "feeds/cdata.h"
#include "feeds/fv.h"
#include "feeds/prescan.h"
#include "feeds/sbuf.h"

/* Total bytes that entity expansion may produce in one document: enough
 * for any honest feed, fatal to billion-laughs. */
#define ENTITY_BUDGET (1u << 20)
#define ENTITY_DEPTH 8
/* References that entity expansion may follow in one document: the bytes
 * alone bound nothing when entities expand to nothing (50 references to
 * an empty entity, nested seven deep, are 50^7 references and no byte: a
 * parse that never ended). */
#define ENTITY_REFS (1u << 14)
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
	int lang_http;          /* language is the HTTP Content-Language's */
	/* type, language and base point here when they fit (src: heap) */
	char tbuf[32], lbuf[32], bbuf[160];
};

/* an entity declared in the internal subset */
struct decl {
	char *name, *content;   /* content NULL: external, never read */
	char *expanded;         /* after expansion, once computed */
	unsigned h;             /* of name (decl_hash), looked at before it */
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
	/* Streaming (on_entry set, see parse.h): the open entry is built in
	 * entry_arena, handed to on_entry when it ends and dropped, and the
	 * entries list stays empty; the rest of the tree is in doc_arena. */
	int (*on_entry)(void *arg, struct fv *entry);
	void *on_entry_arg;
	struct fv *cur_entry;
	struct fv_arena *doc_arena, *entry_arena;
	/* the tree's copy of the text the last pop() stored, or NULL: the
	 * other keys that take the same text point at it (fv_str_ref) */
	struct fv *popped;
	char version[16];
	int infeed, inentry, insource, inimage, intextinput, inauthor;
	int incontributor, inpublisher, incontent, has_content, guidislink;
	int media_summary;      /* the entry's summary is a media:description's (1)
	                           or an itunes:summary's (2) */
	int svg_ok, psc_chapters;
	int ingeometry;         /* GML: 1 point, 2 line string, 3 ring */
	int depth, title_depth;
	const char *summary_key;
	struct frame *st; size_t nst, capst, stinit; /* stinit: slots set up */
	struct level *lv; size_t nlv, caplv;
	struct rstr *base, *lang_r; /* xml:base / xml:lang in scope (shared) */
	struct rstr *lang_http; /* a reference to the HTTP Content-Language's
	                           lang_r: while it is in scope, no xml:lang
	                           of the document is */
	char *doc_base;         /* owned: the document URI */
	struct rstr *entry_base; /* the base in scope around the current
	                           entry (its parent's), or NULL */
	int netscape;           /* DOCTYPE names Netscape's RSS 0.91 */
	const char *encoding;   /* what the document was read as */
	struct cparams cp;
	struct pdepth *pd; size_t npd, cappd;
	struct decl *decls; size_t ndecls, capdecls;
	size_t entity_budget;
	unsigned entity_refs;   /* references followed by expand_ref() */
	int entity_exhausted;   /* expansion refused from now on */
	xmlEntity tmp_ent;      /* for undeclared (HTML) entities */
	struct sbuf tmp_text;
	int bozo;
	char *bozo_reason;
	int oom, too_deep;
	struct { const xmlChar *uri; const char *prefix; } nsc[NS_CACHE];
	unsigned nsc_next;
	/* the text cdata_rewrite() took out, or NULL; the next piece; the
	 * bytes of the last mark libxml2 has still to hand over */
	const struct cdata_doc *marks;
	size_t next_mark, mark_left;
};

static inline const char *rs_str(const struct rstr *r)
{
	return r ? r->s : NULL;
}

/* xml:base and xml:lang in scope */
#define BASE(p) rs_str((p)->base)
#define LANG(p) rs_str((p)->lang_r)

/* The entry being read (when p->inentry): the last one of the list, or
 * the streamed one. */
static inline struct fv *fp_entry(const struct fp *p)
{
	return p->on_entry ? p->cur_entry : fv_last(p->entries);
}

/* An element's handlers: start with its attributes, end. */
typedef void (*start_fn)(struct fp *, struct attrs *);
typedef void (*end_fn)(struct fp *);

struct handler {
	const char *name;
	start_fn start;
	end_fn end;
};

/* The handlers of an element name as feedparser spells it ("dc_creator"),
 * or NULL (handlers.c). */
const struct handler *fp_find_handler(const char *name);

/* out = a + b (+ c), truncated to cap; the hot-path replacement for
 * snprintf("%s%s") */
static inline void fp_cat3(char *out, size_t cap, const char *a, const char *b, const char *c)
{
	size_t n = 0;

	for (const char *parts[3] = { a, b, c }, **pp = parts; pp < parts + 3; pp++)
		for (const char *q = *pp; q && *q && n + 1 < cap; q++)
			out[n++] = *q;
	out[n] = '\0';
}

static inline const char *fp_attr_get(const struct attrs *a, const char *k)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->a[i].k, k) == 0)
			return a->a[i].v;
	return NULL;
}

static inline int fp_str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* parse.c's helpers the handlers call (see each definition). */
void fp_attr_del(struct attrs *a, const char *k);
void fp_attr_set(struct fp *p, struct attrs *a, const char *k, const char *v);
struct fv *fp_attrs_dict(const struct attrs *a);
void fp_attrs_free(struct attrs *a);
void fp_attrs_init(struct attrs *a);
struct fv *fp_doc_dict(struct fp *p);
void fp_entry_begin(struct fp *p);
void fp_entry_end(struct fp *p);
struct fv *fp_context(struct fp *p);
const char *fp_cp_type(struct fp *p, const char *dflt);
void fp_handle_data(struct fp *p, const char *s, size_t n, int escape);
int fp_is_html_type(const char *t);
char *fp_map_content_type(struct fp *p, const char *t);
int fp_maps_to_html(const char *t);
int fp_maps_to_plain(const char *t);
void fp_pd_clear(struct fp *p);
void fp_pd_forget(struct fp *p, const char *key);
char *fp_pop(struct fp *p, const char *element, int strip);
char *fp_pop_content(struct fp *p, const char *tag);
void fp_pop_free(struct fp *p, const char *element);
struct fv *fp_popped_str(struct fp *p, const char *s);
void fp_push(struct fp *p, const char *name, int expecting);
void fp_push_content(struct fp *p, const char *tag, const struct attrs *a, const char *dflt, int expecting);
char *fp_replace_all(char *s, const char *from, const char *to);
void fp_save(struct fp *p, const char *key, struct fv *v, int overwrite);
void fp_save_date(struct fp *p, const char *key, const char *value);
char *fp_strip_dup(const char *s);
struct fv *fp_tree_str(char *s);
char *fp_xstrdup(struct fp *p, const char *s);

#endif
