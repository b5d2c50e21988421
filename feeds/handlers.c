/* feeds/handlers.c — feedparser's element handlers: what each element
 * of RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF, Dublin Core, iTunes, Media RSS,
 * GeoRSS, GML, Podlove chapters and Creative Commons stores in the tree,
 * ported from the Universal Feed Parser's _FeedParserMixin with its keys
 * and precedence rules.  parse.c's SAX callbacks look them up by name
 * (fp_find_handler) and call them with the element stack it keeps. */
#include "feeds/parse_int.h"
#include "feeds/date.h"
#include "feeds/entities.h"
#include "feeds/feed.h"
#include "feeds/html.h"
#include "feeds/normalized.h"
#include "feeds/strtab.h"
#include "feeds/uri.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ authors */

/* feedparser's e-mail pattern: local@(labels.)+tld, optional ?subject=;
 * but the tld is all its letters.  feedparser's takes 2 to 4 of them, so
 * of "jane@news.media (Jane Doe)" it took "jane@news.medi" for the address
 * and left "a (Jane Doe" for the name, which was the author stored. */
static int find_email(const char *s, size_t *start, size_t *len)
{
	for (const char *at = strchr(s, '@'); at; at = strchr(at + 1, '@')) {
		const char *b = at, *q = at + 1, *tld;
		int labels = 0;

		while (b > s && (isalnum((unsigned char)b[-1]) || strchr("_-.+", b[-1])))
			b--;
		if (b == at)
			continue;
		/* domain labels each followed by '.', then a tld of letters */
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
			size_t n = 0;

			tld = q;
			while (isalpha((unsigned char)tld[n]))
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
	struct fv *c = fp_context(p), *list, *detail, *fresh = NULL;
	char dkey[64], lkey[64];

	fp_cat3(dkey, sizeof dkey, key, "_detail", NULL);
	fp_cat3(lkey, sizeof lkey, key, "s", NULL);
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
			fv_set(c, key, fp_tree_str(sbuf_take(&b)));
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
		name = fp_xstrdup(p, author);
		if (!name)
			goto out;
		if (find_email(author, &st, &ln)) {
			email = strndup(author + st, ln);
			if (email) {
				char *t;

				name = fp_replace_all(name, email, "");
				name = fp_replace_all(name, "()", "");
				name = fp_replace_all(name, "<>", "");
				name = fp_replace_all(name, "&lt;&gt;", "");
				/* (out of memory: not an author without a name) */
				if (!name)
					p->oom = 1;
				t = fp_strip_dup(name ? name : "");
				free(name);
				name = t;
				if (name && name[0] == '(')
					memmove(name, name + 1, strlen(name));
				if (name && *name && name[strlen(name) - 1] == ')')
					name[strlen(name) - 1] = '\0';
				t = fp_strip_dup(name ? name : "");
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
	struct fv *c = fp_context(p), *authors;
	char dkey[64];

	fp_cat3(dkey, sizeof dkey, prefix, "_detail", NULL);
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
	struct fv *c = fp_context(p), *l = fv_get(c, "contributors");

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
	struct fv *tags = fv_list(fp_context(p), "tags"), *t;

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
		if (((!ot && !term) || fp_str_eq(ot, term)) && ((!os && !scheme) || fp_str_eq(os, scheme)) &&
		    ((!ol && !label) || fp_str_eq(ol, label)))
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


static void s_rss(struct fp *p, struct attrs *a)
{
	const char *v = fp_attr_get(a, "version");

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

	fp_attrs_init(&none);
	if ((v = fp_attr_get(a, "lastmod"))) {
		s_updated(p, &none);
		if (p->nst) {
			sbuf_reset(&p->st[p->nst - 1].text);
			sbuf_adds(&p->st[p->nst - 1].text, v);
		}
		e_updated(p);
	}
	if ((v = fp_attr_get(a, "href"))) {
		s_link(p, &none);
		if (p->nst) {
			sbuf_reset(&p->st[p->nst - 1].text);
			sbuf_adds(&p->st[p->nst - 1].text, v);
		}
		e_link(p);
	}
	fp_attrs_free(&none);
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
	const char *v = fp_attr_get(a, "version");

	p->infeed = 1;
	if (p->version[0])
		return;
	if (fp_str_eq(v, "0.1"))
		snprintf(p->version, sizeof p->version, "atom01");
	else if (fp_str_eq(v, "0.2"))
		snprintf(p->version, sizeof p->version, "atom02");
	else if (fp_str_eq(v, "0.3"))
		snprintf(p->version, sizeof p->version, "atom03");
	else
		snprintf(p->version, sizeof p->version, "atom");
}

static void s_image(struct fp *p, struct attrs *a)
{
	struct fv *c = fp_context(p);

	if (!p->inentry)
		fv_dict(c, "image");
	p->inimage = 1;
	p->title_depth = -1;
	fp_push(p, "image", 0);
}

static void e_image(struct fp *p)
{
	fp_pop_free(p, "image");
	p->inimage = 0;
}

static void s_textinput(struct fp *p, struct attrs *a)
{
	fv_dict(fp_context(p), "textinput");
	p->intextinput = 1;
	p->title_depth = -1;
	fp_push(p, "textinput", 0);
}

static void e_textinput(struct fp *p)
{
	fp_pop_free(p, "textinput");
	p->intextinput = 0;
}

static void s_author(struct fp *p, struct attrs *a)
{
	p->inauthor = 1;
	fp_push(p, "author", 1);
	fv_push(fv_list(fp_context(p), "authors"), fv_new(FV_DICT));
}

static void e_author(struct fp *p)
{
	fp_pop_free(p, "author");
	p->inauthor = 0;
	sync_author_detail(p, "author");
}

static void s_itunes_owner(struct fp *p, struct attrs *a)
{
	p->inpublisher = 1;
	fp_push(p, "publisher", 0);
}

static void e_itunes_owner(struct fp *p)
{
	fp_pop_free(p, "publisher");
	p->inpublisher = 0;
	sync_author_detail(p, "publisher");
}

static void s_contributor(struct fp *p, struct attrs *a)
{
	p->incontributor = 1;
	fv_push(fv_list(fp_context(p), "contributors"), fv_new(FV_DICT));
	fp_push(p, "contributor", 0);
}

static void e_contributor(struct fp *p)
{
	fp_pop_free(p, "contributor");
	p->incontributor = 0;
}

static void e_name(struct fp *p);

static void s_dc_contributor(struct fp *p, struct attrs *a)
{
	p->incontributor = 1;
	fv_push(fv_list(fp_context(p), "contributors"), fv_new(FV_DICT));
	fp_push(p, "name", 0);
}

static void e_dc_contributor(struct fp *p)
{
	e_name(p);
	p->incontributor = 0;
}

static void s_name(struct fp *p, struct attrs *a)
{
	fp_push(p, "name", 0);
}

static void e_name(struct fp *p)
{
	char *v = fp_pop(p, "name", 1);

	if (!v)
		return;
	if (p->inpublisher)
		save_author(p, "name", v, "publisher");
	else if (p->inauthor)
		save_author(p, "name", v, "author");
	else if (p->incontributor)
		save_contributor(p, "name", v);
	else if (p->intextinput)
		fv_set_str(fp_context(p), "name", v);
	free(v);
}

static void s_width(struct fp *p, struct attrs *a) { fp_push(p, "width", 0); }
static void s_height(struct fp *p, struct attrs *a) { fp_push(p, "height", 0); }

static void end_dimension(struct fp *p, const char *key)
{
	char *v = fp_pop(p, key, 1);
	int64_t n = 0;
	char *end;

	if (!v)
		return;
	n = strtoll(v, &end, 10);
	if (end == v || *end)
		n = 0;
	if (p->inimage)
		fv_set(fp_context(p), key, fv_int(n));
	free(v);
}

static void e_width(struct fp *p) { end_dimension(p, "width"); }
static void e_height(struct fp *p) { end_dimension(p, "height"); }

static void s_url(struct fp *p, struct attrs *a) { fp_push(p, "href", 1); }

static void e_url(struct fp *p)
{
	char *v = fp_pop(p, "href", 1);

	if (!v)
		return;
	if (p->inauthor)
		save_author(p, "href", v, "author");
	else if (p->incontributor)
		save_contributor(p, "href", v);
	free(v);
}

static void s_email(struct fp *p, struct attrs *a) { fp_push(p, "email", 0); }

static void e_email(struct fp *p)
{
	char *v = fp_pop(p, "email", 1);

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

static void s_subtitle(struct fp *p, struct attrs *a) { fp_push_content(p, "subtitle", a, "text/plain", 1); }
static void e_subtitle(struct fp *p) { free(fp_pop_content(p, "subtitle")); }
static void s_rights(struct fp *p, struct attrs *a) { fp_push_content(p, "rights", a, "text/plain", 1); }
static void e_rights(struct fp *p) { free(fp_pop_content(p, "rights")); }

static void s_item(struct fp *p, struct attrs *a)
{
	const char *id = fp_attr_get(a, "rdf:about");

	fp_entry_begin(p);
	fp_pd_clear(p);
	fp_push(p, "item", 0);
	p->inentry = 1;
	p->media_summary = 0;
	p->guidislink = 0;
	p->title_depth = -1;
	if (id)
		fv_set_str(fp_context(p), "id", id);
	cdf_common(p, a);
}

static void e_item(struct fp *p)
{
	fp_pop_free(p, "item");
	p->inentry = 0;
	p->has_content = 0;
	fp_entry_end(p);
}

static void s_language(struct fp *p, struct attrs *a) { fp_push(p, "language", 1); }

static void e_language(struct fp *p)
{
	/* feedparser sets the language in scope here, and the end of this
	 * very element restores the parent's: no lasting effect */
	free(fp_pop(p, "language", 1));
}

static void s_webmaster(struct fp *p, struct attrs *a) { fp_push(p, "publisher", 1); }

static void e_webmaster(struct fp *p)
{
	fp_pop_free(p, "publisher");
	sync_author_detail(p, "publisher");
}

/* A date element: its text is kept as written under `key` and parsed
 * into `key`_parsed. */
static void end_date(struct fp *p, const char *key, const char *parsed_key)
{
	char *v = fp_pop(p, key, 1);

	if (v)
		fp_save_date(p, parsed_key, v);
	free(v);
}

static void s_published(struct fp *p, struct attrs *a) { fp_push(p, "published", 1); }
static void e_published(struct fp *p) { end_date(p, "published", "published_parsed"); }
static void s_updated(struct fp *p, struct attrs *a) { fp_push(p, "updated", 1); }
static void e_updated(struct fp *p) { end_date(p, "updated", "updated_parsed"); }
static void s_created(struct fp *p, struct attrs *a) { fp_push(p, "created", 1); }
static void e_created(struct fp *p) { end_date(p, "created", "created_parsed"); }
static void s_expirationdate(struct fp *p, struct attrs *a) { fp_push(p, "expired", 1); }
static void e_expirationdate(struct fp *p) { end_date(p, "expired", "expired_parsed"); }

static void s_dcterms_valid(struct fp *p, struct attrs *a) { fp_push(p, "validity", 1); }

static void e_dcterms_valid(struct fp *p)
{
	char *v = fp_pop(p, "validity", 1), *save_ptr = NULL, *tok;

	if (!v)
		return;
	for (tok = strtok_r(v, ";", &save_ptr); tok; tok = strtok_r(NULL, ";", &save_ptr)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (!strcmp(tok, "start")) {
			fp_save(p, "validity_start", fv_str(eq + 1), 1);
			fp_save_date(p, "validity_start_parsed", eq + 1);
		} else if (!strcmp(tok, "end")) {
			fp_save(p, "validity_end", fv_str(eq + 1), 1);
			fp_save_date(p, "validity_end_parsed", eq + 1);
		}
	}
	free(v);
}

static void s_cc_license(struct fp *p, struct attrs *a)
{
	const char *v = fp_attr_get(a, "rdf:resource");
	struct fv *d = fv_new(FV_DICT);

	if (!d)
		return;
	fv_set_str(d, "rel", "license");
	if (v)
		fv_set_str(d, "href", v);
	fv_push(fv_list(fp_context(p), "links"), d);
}

static void s_cc_lic2(struct fp *p, struct attrs *a) { fp_push(p, "license", 1); }

static void e_cc_lic2(struct fp *p)
{
	char *v = fp_pop(p, "license", 1);
	struct fv *c = fp_context(p), *d;

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

static void s_tags(struct fp *p, struct attrs *a) { fp_push(p, "tags", 1); }

static void e_tags(struct fp *p)
{
	char *v = fp_pop(p, "tags", 1), *sp = NULL, *tok;

	if (!v)
		return;
	for (tok = strtok_r(v, ",", &sp); tok; tok = strtok_r(NULL, ",", &sp)) {
		char *t = fp_strip_dup(tok);

		if (t)
			add_tag(p, t, NULL, NULL);
		free(t);
	}
	free(v);
}

static void s_category(struct fp *p, struct attrs *a)
{
	const char *scheme = fp_attr_get(a, "scheme");

	if (!scheme)
		scheme = fp_attr_get(a, "domain");
	add_tag(p, fp_attr_get(a, "term"), scheme, fp_attr_get(a, "label"));
	fp_push(p, "category", 1);
}

static void e_category(struct fp *p)
{
	char *v = fp_pop(p, "category", 1);
	struct fv *tags, *last;

	if (!v)
		return;
	if (!*v) {
		free(v);
		return;
	}
	tags = fv_list(fp_context(p), "tags");
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
	if (!fp_attr_get(a, "scheme"))
		fp_attr_set(p, a, "scheme", "http://search.yahoo.com/mrss/category_schema");
	s_category(p, a);
}

static void s_itunes_category(struct fp *p, struct attrs *a)
{
	add_tag(p, fp_attr_get(a, "text"), "http://www.itunes.com/", NULL);
	fp_push(p, "category", 1);
}

static void e_itunes_keywords(struct fp *p)
{
	char *v = fp_pop(p, "itunes_keywords", 1), *sp = NULL, *tok;

	if (!v)
		return;
	for (tok = strtok_r(v, ",", &sp); tok; tok = strtok_r(NULL, ",", &sp)) {
		char *t = fp_strip_dup(tok);

		if (t && *t)
			add_tag(p, t, "http://www.itunes.com/", NULL);
		free(t);
	}
	free(v);
}

static void e_media_keywords(struct fp *p)
{
	char *v = fp_pop(p, "media_keywords", 1), *sp = NULL, *tok;

	if (!v)
		return;
	for (tok = strtok_r(v, ",", &sp); tok; tok = strtok_r(NULL, ",", &sp)) {
		char *t = fp_strip_dup(tok);

		if (t && *t)
			add_tag(p, t, NULL, NULL);
		free(t);
	}
	free(v);
}

static void s_cloud(struct fp *p, struct attrs *a)
{
	fv_set(fp_context(p), "cloud", fp_attrs_dict(a));
}

static void enforce_href(struct fp *p, struct attrs *a)
{
	const char *h = fp_attr_get(a, "url");
	char *href;

	if (!h)
		h = fp_attr_get(a, "uri");
	if (!h)
		h = fp_attr_get(a, "href");
	if (!h || !*h)
		return;
	href = fp_xstrdup(p, h);
	if (!href)
		return;
	fp_attr_del(a, "url");
	fp_attr_del(a, "uri");
	fp_attr_set(p, a, "href", href);
	free(href);
}

static void s_link(struct fp *p, struct attrs *a)
{
	struct fv *c = fp_context(p);
	const char *href;
	int expecting = p->infeed || p->inentry || p->insource;

	if (!fp_attr_get(a, "rel"))
		fp_attr_set(p, a, "rel", "alternate");
	if (!fp_attr_get(a, "type"))
		fp_attr_set(p, a, "type", fp_str_eq(fp_attr_get(a, "rel"), "self") ? "application/atom+xml" : "text/html");
	enforce_href(p, a);
	if ((href = fp_attr_get(a, "href"))) {
		char *r = uri_join(BASE(p) ? BASE(p) : "", href);

		if (r) {
			fp_attr_set(p, a, "href", r);
			free(r);
		} else {
			p->oom = 1;   /* not the link as written: fail the parse */
		}
	}
	fv_list(c, "links");
	if (!(p->inentry && p->inimage))
		fv_push(fv_get(c, "links"), fp_attrs_dict(a));
	if ((href = fp_attr_get(a, "href"))) {
		char *t = fp_map_content_type(p, fp_attr_get(a, "type"));

		if (fp_str_eq(fp_attr_get(a, "rel"), "alternate") && fp_is_html_type(t))
			fv_set_str(c, "link", href);
		free(t);
	} else {
		fp_push(p, "link", expecting);
	}
}

static void e_link(struct fp *p) { fp_pop_free(p, "link"); }

static void s_guid(struct fp *p, struct attrs *a)
{
	const char *v = fp_attr_get(a, "ispermalink");

	p->guidislink = !v || !strcmp(v, "true");
	fp_push(p, "id", 1);
}

static void e_guid(struct fp *p)
{
	char *v = fp_pop(p, "id", 1);
	struct fv *c;

	if (!v)
		return;
	c = fp_context(p);
	fv_set(c, "guidislink", fv_new(FV_BOOL));
	if (fv_get(c, "guidislink"))
		fv_get(c, "guidislink")->i = p->guidislink && !fv_get(c, "link");
	if (p->guidislink && *v)
		fv_set_str(c, FEED_ID_PERMALINK, v);
	if (p->guidislink)
		fp_save(p, "link", fv_str(v), 0);
	free(v);
}

static void s_title(struct fp *p, struct attrs *a)
{
	fp_push_content(p, "title", a, "text/plain", p->infeed || p->inentry || p->insource);
}

static void e_title(struct fp *p)
{
	char *v;

	if (p->svg_ok)
		return;
	v = fp_pop_content(p, "title");
	if (v && *v)
		p->title_depth = p->depth;
	free(v);
}

static void s_content(struct fp *p, struct attrs *a);
static void e_content(struct fp *p);

/* The summary a media:description or an itunes:summary gave the entry
 * (below), kept aside while the entry's own description, summary or
 * content may still take its place: an empty one does not (an
 * itunes:summary, then an empty <description/>, left the episode
 * without any text).  Keys of tidings' own (normalized.h). */
#define MEDIA_SUMMARY ".media_summary"
#define MEDIA_SUMMARY_DETAIL ".media_summary_detail"
#define MEDIA_SUMMARY_KIND ".media_summary_kind"   /* p->media_summary's value */

static int blank_str(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* 1 when the entry has a summary or a content with text in it */
static int entry_has_text(struct fp *p)
{
	struct fv *c = fp_context(p);
	const struct fv *l = fv_get(c, "content");

	if (!blank_str(fv_get_str(c, "summary")))
		return 1;
	for (size_t i = 0; l && l->type == FV_LIST && i < l->n; i++)
		if (!blank_str(fv_get_str(l->items[i].val, "value")))
			return 1;
	return 0;
}

static void media_summary_keep(struct fp *p)
{
	struct fv *c = fp_context(p);
	const struct fv *s = fv_get(c, "summary"), *d = fv_get(c, "summary_detail");

	if (s)
		fv_set(c, MEDIA_SUMMARY, fv_copy(s));
	if (d)
		fv_set(c, MEDIA_SUMMARY_DETAIL, fv_copy(d));
	fv_set(c, MEDIA_SUMMARY_KIND, fv_int(p->media_summary));
}

static void media_summary_drop(struct fp *p)
{
	struct fv *c = fp_context(p);

	fv_del(c, MEDIA_SUMMARY);
	fv_del(c, MEDIA_SUMMARY_DETAIL);
	fv_del(c, MEDIA_SUMMARY_KIND);
}

/* After a description or summary that took a media summary's place: an
 * empty one gives it back. */
static void media_summary_settle(struct fp *p)
{
	struct fv *c = fp_context(p);
	const struct fv *s = fv_get(c, MEDIA_SUMMARY), *d = fv_get(c, MEDIA_SUMMARY_DETAIL);
	const struct fv *k = fv_get(c, MEDIA_SUMMARY_KIND);

	if (!s)
		return;
	if (!blank_str(fv_get_str(c, "summary"))) {
		media_summary_drop(p);
		return;
	}
	fv_set(c, "summary", fv_copy(s));
	if (d)
		fv_set(c, "summary_detail", fv_copy(d));
	else
		fv_del(c, "summary_detail");
	p->media_summary = k && k->type == FV_INT ? (int)k->i : 1;
}

static void s_description(struct fp *p, struct attrs *a)
{
	struct fv *c = fp_context(p);

	if (fv_get(c, "summary") && !p->has_content && !p->media_summary) {
		p->summary_key = "content";
		s_content(p, a);
	} else {
		/* (after a media:description's summary: the item's own
		 * replaces it, below) */
		p->media_summary = 0;
		fp_push_content(p, "description", a, "text/html", p->infeed || p->inentry || p->insource);
	}
}

static void s_abstract(struct fp *p, struct attrs *a)
{
	fp_push_content(p, "description", a, "text/plain", p->infeed || p->inentry || p->insource);
}

static void e_description(struct fp *p)
{
	if (fp_str_eq(p->summary_key, "content")) {
		e_content(p);
	} else {
		free(fp_pop_content(p, "description"));
		media_summary_settle(p);
	}
	p->summary_key = NULL;
}

/* A Media RSS media:description is the caption of the item's picture or
 * video.  feedparser reads it as one more <description>: beside the
 * item's own description it became the content (the New York Times puts
 * its photo's caption after each item's description: the caption was
 * stored as the story's body; feedparser issue #53), and before the
 * item's own text, the summary (the caption was the story's text for
 * search and threads).  It is the entry's summary only while the entry
 * has no text of its own (a YouTube entry has none but it): a
 * description, summary or content that follows takes its place. */
static void s_media_description(struct fp *p, struct attrs *a)
{
	if (p->inentry && !p->insource) {
		if (entry_has_text(p)) {
			fp_push(p, "media_description", 0);
			return;
		}
		/* an empty description before it is no text of the entry's */
		fv_del(fp_context(p), "summary");
		fv_del(fp_context(p), "summary_detail");
		fp_pd_forget(p, "summary");
	}
	s_description(p, a);
	p->media_summary = p->inentry && !p->insource;
}

static void e_media_description(struct fp *p)
{
	char *v = fp_pop(p, "media_description", 1);   /* NULL: not set aside */

	if (v) {
		free(v);
	} else if (!p->oom) {
		e_description(p);
		if (p->media_summary)
			media_summary_keep(p);
	}
}

static void s_info(struct fp *p, struct attrs *a) { fp_push_content(p, "info", a, "text/plain", 1); }
static void e_info(struct fp *p) { free(fp_pop_content(p, "info")); }

static void s_generator(struct fp *p, struct attrs *a)
{
	const char *h;

	if (a->n) {
		enforce_href(p, a);
		if ((h = fp_attr_get(a, "href"))) {
			char *r = uri_join(BASE(p) ? BASE(p) : "", h);

			if (r) {
				fp_attr_set(p, a, "href", r);
				free(r);
			} else {
				p->oom = 1;
			}
		}
	}
	fv_set(fp_context(p), "generator_detail", fp_attrs_dict(a));
	fp_push(p, "generator", 1);
}

static void e_generator(struct fp *p)
{
	char *v = fp_pop(p, "generator", 1);
	struct fv *d;

	if (!v)
		return;
	d = fv_get(fp_context(p), "generator_detail");
	if (d && d->type == FV_DICT)
		fv_set_str(d, "name", v);
	free(v);
}

static void s_admin_generatoragent(struct fp *p, struct attrs *a)
{
	const char *v = fp_attr_get(a, "rdf:resource");
	struct fv *d;

	fp_push(p, "generator", 1);
	if (v && p->nst)
		fp_handle_data(p, v, strlen(v), 0);
	fp_pop_free(p, "generator");
	d = fv_new(FV_DICT);
	if (d) {
		if (v)
			fv_set_str(d, "href", v);
		else
			fv_set(d, "href", fv_new(FV_NULL));
		fv_set(fp_context(p), "generator_detail", d);
	}
}

static void s_admin_errorreportsto(struct fp *p, struct attrs *a)
{
	const char *v = fp_attr_get(a, "rdf:resource");

	fp_push(p, "errorreportsto", 1);
	if (v)
		fp_handle_data(p, v, strlen(v), 0);
	fp_pop_free(p, "errorreportsto");
}

static void s_summary(struct fp *p, struct attrs *a)
{
	struct fv *c = fp_context(p);

	if (fv_get(c, "summary") && !p->has_content && !p->media_summary) {
		p->summary_key = "content";
		s_content(p, a);
	} else {
		p->media_summary = 0;
		p->summary_key = "summary";
		fp_push_content(p, "summary", a, "text/plain", 1);
	}
}

static void e_summary(struct fp *p)
{
	if (fp_str_eq(p->summary_key, "content")) {
		e_content(p);
	} else {
		free(fp_pop_content(p, p->summary_key ? p->summary_key : "summary"));
		media_summary_settle(p);
	}
	p->summary_key = NULL;
}

/* An item's iTunes <itunes:summary> is its show notes again, for Apple's
 * directory.  feedparser reads it as one more <summary>: after the item's
 * description it became the first content, which the daemon stores as
 * the story's body (an episode of description, itunes:summary and
 * content:encoded, Megaphone's order, lost the show notes and links of
 * its content:encoded to a few plain lines), and after a description and
 * content it replaced the description as the summary.  It is the entry's
 * summary only while the entry has no description or summary with text
 * in it (an empty one, or the copy of the content feedparser makes, is
 * none), it takes the place of a picture's caption, and a description or
 * summary that follows takes its place; it never becomes the content. */
static void s_itunes_summary(struct fp *p, struct attrs *a)
{
	if (p->inentry && !p->insource) {
		struct fv *c = fp_context(p);

		if (p->media_summary != 1) {
			if (fv_get(c, "summary_detail") && !blank_str(fv_get_str(c, "summary"))) {
				fp_push(p, "itunes_summary", 0);
				return;
			}
			fv_del(c, "summary");
			fv_del(c, "summary_detail");
			fp_pd_forget(p, "summary");
		}
	}
	s_summary(p, a);
	if (p->inentry && !p->insource)
		p->media_summary = 2;
}

static void e_itunes_summary(struct fp *p)
{
	char *v = fp_pop(p, "itunes_summary", 1);   /* NULL: not set aside */

	if (v) {
		free(v);
	} else if (!p->oom) {
		e_summary(p);
		if (p->media_summary)
			media_summary_keep(p);
	}
}

static void s_enclosure(struct fp *p, struct attrs *a)
{
	struct fv *d;

	enforce_href(p, a);
	fp_attr_set(p, a, "rel", "enclosure");
	d = fp_attrs_dict(a);
	fv_push(fv_list(fp_context(p), "links"), d);
}

static void s_source(struct fp *p, struct attrs *a)
{
	const char *u = fp_attr_get(a, "url");

	if (u)
		fv_set_str(p->source, "href", u);
	fp_push(p, "source", 1);
	p->insource = 1;
	p->title_depth = -1;
}

static void e_source(struct fp *p)
{
	char *v;

	p->insource = 0;
	v = fp_pop(p, "source", 1);
	if (v && *v)
		fv_set_str(p->source, "title", v);
	free(v);
	fv_set(fp_context(p), "source", fv_copy(p->source));
	fv_free(p->source);
	p->source = fp_doc_dict(p);
	if (!p->source)
		p->oom = 1;
}

static void s_content(struct fp *p, struct attrs *a)
{
	const char *src = fp_attr_get(a, "src");

	p->has_content = 1;
	fp_push_content(p, "content", a, "text/plain", 1);
	if (src && *src) {
		free(p->cp.src);
		p->cp.src = fp_xstrdup(p, src);
	}
}

static void s_body(struct fp *p, struct attrs *a)
{
	fp_push_content(p, "content", a, "application/xhtml+xml", 1);
}

static void s_content_encoded(struct fp *p, struct attrs *a)
{
	p->has_content = 1;
	fp_push_content(p, "content", a, "text/html", 1);
}

static void e_content(struct fp *p)
{
	const char *t = fp_cp_type(p, "");
	int copy = fp_maps_to_plain(t) || fp_maps_to_html(t);
	char *v;

	v = fp_pop_content(p, "content");
	/* a media:description's summary gives way to the entry's content,
	 * unless that is empty */
	if (v && copy && p->media_summary == 1 && !blank_str(v)) {
		fv_del(fp_context(p), "summary");
		fv_del(fp_context(p), "summary_detail");
		media_summary_drop(p);
		p->media_summary = 0;
	}
	/* (the summary is only added when there is none yet: no copy else) */
	if (v && copy && !fv_get(fp_context(p), "summary"))
		fp_save(p, "summary", p->popped ? fp_popped_str(p, v) : fv_str(v), 0);
	free(v);
}

static void s_newlocation(struct fp *p, struct attrs *a) { fp_push(p, "newlocation", 1); }

static void e_newlocation(struct fp *p)
{
	char *v = fp_pop(p, "newlocation", 1), *s, *u;

	if (!v)
		return;
	if (fp_context(p) == p->feed) {
		s = fp_strip_dup(v);
		u = s ? uri_safe_join(BASE(p), s) : NULL;
		if (u)
			fv_set(p->feed, "newlocation", fp_tree_str(u));
		free(s);
	}
	free(v);
}

static void s_itunes_image(struct fp *p, struct attrs *a)
{
	const char *h = fp_attr_get(a, "href");
	struct fv *d;

	fp_push(p, "itunes_image", 0);
	if (!h || !*h)
		h = fp_attr_get(a, "url");
	if (h && *h) {
		d = fv_new(FV_DICT);
		if (d) {
			fv_set_str(d, "href", h);
			fv_set(fp_context(p), "image", d);
		}
	}
}

static void e_itunes_block(struct fp *p)
{
	char *v = fp_pop(p, "itunes_block", 0);

	if (!v)
		return;
	fv_set(fp_context(p), "itunes_block", fv_int(!strcmp(v, "yes") || !strcmp(v, "Yes")));
	free(v);
}

static void e_itunes_explicit(struct fp *p)
{
	char *v = fp_pop(p, "itunes_explicit", 0);
	struct fv *b;

	if (!v)
		return;
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "clean") ||
	    !strcmp(v, "no") || !strcmp(v, "false")) {
		b = fv_new(FV_BOOL);
		if (b)
			b->i = !strcmp(v, "yes") || !strcmp(v, "true");
		fv_set(fp_context(p), "itunes_explicit", b);
	} else {
		fv_set(fp_context(p), "itunes_explicit", fv_new(FV_NULL));
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
	struct fv *c = fp_context(p);

	if (!fv_get(c, key))
		fv_set(c, key, fp_attrs_dict(a));
	fp_push(p, text, 1);
}

/* ...and the text becomes that dict's "content". */
static void end_media_dict(struct fp *p, const char *key, const char *text)
{
	char *v = fp_pop(p, text, 1);
	struct fv *d;

	if (v && *v && (d = fv_get(fp_context(p), key)) && d->type == FV_DICT)
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
	fv_push(fv_list(fp_context(p), "media_credit"), fp_attrs_dict(a));
	fp_push(p, "credit", 1);
}

static void e_media_credit(struct fp *p)
{
	char *v = fp_pop(p, "credit", 1);
	struct fv *l;

	if (v && *v && (l = fv_get(fp_context(p), "media_credit")) && fv_last(l))
		fv_set_str(fv_last(l), "content", v);
	free(v);
}

static void s_media_restriction(struct fp *p, struct attrs *a)
{
	start_media_dict(p, a, "media_restriction", "restriction");
}

static void e_media_restriction(struct fp *p)
{
	char *v = fp_pop(p, "restriction", 1), *sp = NULL, *tok;
	struct fv *d, *l;

	if (v && *v && (d = fv_get(fp_context(p), "media_restriction")) && d->type == FV_DICT) {
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
	fv_push(fv_list(fp_context(p), "media_content"), fp_attrs_dict(a));
}

static void s_media_thumbnail(struct fp *p, struct attrs *a)
{
	struct fv *l = fv_list(fp_context(p), "media_thumbnail");

	fp_push(p, "url", 1);
	fv_push(l, fp_attrs_dict(a));
}

static void e_media_thumbnail(struct fp *p)
{
	char *v = fp_pop(p, "url", 1);
	struct fv *l, *last;

	if (v && *v && (l = fv_get(fp_context(p), "media_thumbnail")) && (last = fv_last(l)) &&
	    !fv_get(last, "url"))
		fv_set_str(last, "url", v);
	free(v);
}

static void s_media_player(struct fp *p, struct attrs *a)
{
	fp_push(p, "media_player", 0);
	fv_set(fp_context(p), "media_player", fp_attrs_dict(a));
}

static void e_media_player(struct fp *p)
{
	char *v = fp_pop(p, "media_player", 1);
	struct fv *d;

	if (v && (d = fv_get(fp_context(p), "media_player")) && d->type == FV_DICT)
		fv_set_str(d, "content", v);
	free(v);
}

static void s_psc_chapters(struct fp *p, struct attrs *a)
{
	struct fv *c = fp_context(p), *d;

	if (fv_get(c, "psc_chapters"))
		return;
	p->psc_chapters = 1;
	d = fp_attrs_dict(a);
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
	c = fv_get(fp_context(p), "psc_chapters");
	if (!c)
		return;
	d = fp_attrs_dict(a);
	start = fp_attr_get(a, "start");
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
	struct fv *w = fv_dict(fp_context(p), "where");

	fv_set_str(w, "type", type);
	fv_set(w, "coordinates", coords);
}

static void s_georss_geom(struct fp *p, struct attrs *a)
{
	fp_push(p, "geometry", 0);
	fv_set(fp_context(p), "where", fv_new(FV_DICT));
}

static void georss_end(struct fp *p, const char *kind)
{
	char *v = fp_pop(p, "geometry", 1);
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
	fp_push(p, "where", 0);
	fv_set(fp_context(p), "where", fv_new(FV_DICT));
}

static void e_where(struct fp *p) { fp_pop_free(p, "where"); }

static void gml_srs(struct fp *p, struct attrs *a)
{
	const char *name = fp_attr_get(a, "srsname"), *dim = fp_attr_get(a, "srsdimension");
	struct fv *w = fv_dict(fp_context(p), "where");
	int64_t d = dim ? strtoll(dim, NULL, 10) : 2;

	if (name)
		fv_set_str(w, "srsName", name);
	else
		fv_set(w, "srsName", fv_new(FV_NULL));
	fv_set(w, "srsDimension", fv_int(d == 3 ? 3 : d > 0 ? d : 2));
}

static void s_gml_point(struct fp *p, struct attrs *a) { gml_srs(p, a); p->ingeometry = 1; fp_push(p, "geometry", 0); }
static void s_gml_linestring(struct fp *p, struct attrs *a) { gml_srs(p, a); p->ingeometry = 2; fp_push(p, "geometry", 0); }
static void s_gml_polygon(struct fp *p, struct attrs *a) { gml_srs(p, a); fp_push(p, "geometry", 0); }
static void s_gml_exterior(struct fp *p, struct attrs *a) { fp_push(p, "geometry", 0); }
static void s_gml_linearring(struct fp *p, struct attrs *a) { p->ingeometry = 3; fp_push(p, "geometry", 0); }
static void s_gml_pos(struct fp *p, struct attrs *a) { fp_push(p, "pos", 0); }

static void e_gml_geom(struct fp *p)
{
	p->ingeometry = 0;
	fp_pop_free(p, "geometry");
}

/* latitude first (to be swapped) unless the CRS is a projected one */
static void gml_axes(struct fp *p, int *swap, int *dims)
{
	struct fv *w = fv_get(fp_context(p), "where");
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
	char *v = fp_pop(p, "pos", 1);
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
	{ "itunes_summary", s_itunes_summary, e_itunes_summary },
	{ "keywords", s_category, e_category },
	{ "language", s_language, e_language },
	{ "lastbuilddate", s_updated, e_updated },
	{ "link", s_link, e_link },
	{ "managingeditor", s_author, e_author },
	{ "media_category", s_media_category, e_category },
	{ "media_content", s_media_content, NULL },
	{ "media_credit", s_media_credit, e_media_credit },
	{ "media_description", s_media_description, e_media_description },
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

static struct strtab handler_tab;
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;

static void tabs_init(void)
{
	for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
		strtab_add(&handler_tab, handlers[i].name, &handlers[i], 0);
}

const struct handler *fp_find_handler(const char *name)
{
	const struct strtab_slot *s;

	pthread_once(&tabs_once, tabs_init);
	s = strtab_get(&handler_tab, name, strlen(name));
	return s ? s->ptr : NULL;
}
