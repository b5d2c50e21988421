/* feeds/html.c — HTML found in feeds.  The tokenizer is deliberately the
 * forgiving sgmllib model (tags, entity and character references, data,
 * comments) rather than an HTML5 tree builder: feed HTML is fragments, and
 * sanitising must re-serialise them predictably, the way the Universal
 * Feed Parser does (sorted attributes, "<br />", references kept). */
#include "feeds/html.h"
#include "feeds/entities.h"
#include "feeds/sbuf.h"
#include "feeds/uri.h"

#include "feeds/strtab.h"

#include <ctype.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__) && !defined(TIDINGS_NO_SIMD)
#include <emmintrin.h>
#define HTML_SSE2 1
#endif

/* ------------------------------------------------------------ tokenizer */

struct hattr {
	char *name;   /* lower case */
	char *value;  /* references to &lt; &gt; &amp; &quot; &apos; and ASCII
	                 character references decoded, like sgmllib */
};

struct htok {
	int want_attrs;     /* 0: start() gets no attributes (cheaper) */
	const char *lt;     /* how data() gets a '<' that starts no tag */
	void (*start)(void *ud, const char *tag, struct hattr *a, size_t n, int empty_close);
	void (*end)(void *ud, const char *tag);
	void (*data)(void *ud, const char *s, size_t n);
	void (*charref)(void *ud, const char *ref, size_t n);
	void (*entityref)(void *ud, const char *name, size_t n);
	void (*comment)(void *ud, const char *s, size_t n);
};

/* Character classes as the C locale's ctype has them (the process never
 * calls setlocale), without a libc call: these run for every tag byte. */
static int is_alpha_c(int c) { return (unsigned)((c | 0x20) - 'a') < 26u; }
static int is_alnum_c(int c) { return is_alpha_c(c) || (unsigned)(c - '0') < 10u; }
static int is_name_start(int c) { return is_alpha_c(c); }
static int is_tag_char(int c) { return is_alnum_c(c) || c == '-' || c == '_' || c == '.' || c == ':'; }
static int is_attr_start(int c) { return is_alpha_c(c) || c == '_'; }
static int is_attr_char(int c) { return is_tag_char(c); }
static char lower_c(char c) { return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c; }

/* Decodes the named references sgmllib decodes inside attribute values
 * (character references stay as written). */
/* into d, which has room for n + 1 bytes (decoding only shortens) */
static char *attr_decode(char *d, const char *s, size_t n)
{
	static const struct { const char *n; char c; } ent[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' }, { "apos", '\'' },
	};
	size_t i = 0, o = 0;

	while (i < n) {
		if (s[i] == '&' && i + 1 < n && isalpha((unsigned char)s[i + 1])) {
			size_t j = i + 1, k = j;

			while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '.'))
				k++;
			for (size_t e = 0; e < 5; e++)
				if (strlen(ent[e].n) == k - j && memcmp(ent[e].n, s + j, k - j) == 0) {
					d[o++] = ent[e].c;
					i = k + (k < n && s[k] == ';');
					goto next;
				}
		}
		d[o++] = s[i++];
next:
		;
	}
	d[o] = '\0';
	return d;
}

/* A tag's attributes: the first eight and their text (HPOOL bytes) on
 * parse_starttag's stack, the rest on the heap. */
#define HPOOL 512
struct hattrs {
	struct hattr *a, inl[8];
	size_t n, cap, used;
	char pool[HPOOL];
};

static char *hattr_mem(struct hattrs *h, size_t need)
{
	if (need <= HPOOL - h->used) {
		h->used += need;
		return h->pool + h->used - need;
	}
	return malloc(need);
}

static void hattr_str_free(struct hattrs *h, char *s)
{
	if (s && (s < h->pool || s >= h->pool + HPOOL))
		free(s);
}

static void free_attrs(struct hattrs *h)
{
	for (size_t i = 0; i < h->n; i++) {
		hattr_str_free(h, h->a[i].name);
		hattr_str_free(h, h->a[i].value);
	}
	if (h->a != h->inl)
		free(h->a);
}

/* Parses "<tag attrs...>" at s[i] (s[i] == '<', s[i+1] alpha).  Returns
 * the index after the tag. */
static size_t parse_starttag(const char *s, size_t n, size_t i, const struct htok *cb, void *ud)
{
	char tag[64];
	size_t k = i + 1, tn = 0;
	struct hattrs h;
	int empty_close = 0, terminated = 1;

	h.a = h.inl;
	h.n = h.used = 0;
	h.cap = sizeof h.inl / sizeof h.inl[0];

	while (k < n && is_tag_char((unsigned char)s[k])) {
		if (tn < sizeof tag - 1)
			tag[tn++] = lower_c(s[k]);
		k++;
	}
	tag[tn] = '\0';
	for (;;) {
		size_t ns, ne, vs = 0, ve = 0;
		int has_val = 0;

		while (k < n && isspace((unsigned char)s[k]))
			k++;
		if (k >= n) {
			terminated = 0;
			break;
		}
		if (s[k] == '>') {
			k++;
			break;
		}
		if (s[k] == '/' && k + 1 < n && s[k + 1] == '>') {
			empty_close = 1;
			k += 2;
			break;
		}
		if (s[k] == '<')
			break; /* sgmllib: a new tag starts, this one ends */
		if (!is_attr_start((unsigned char)s[k])) {
			k++;
			continue;
		}
		ns = k;
		while (k < n && is_attr_char((unsigned char)s[k]))
			k++;
		ne = k;
		{
			size_t m = k;

			while (m < n && isspace((unsigned char)s[m]))
				m++;
			if (m < n && s[m] == '=') {
				m++;
				while (m < n && isspace((unsigned char)s[m]))
					m++;
				has_val = 1;
				if (m < n && (s[m] == '"' || s[m] == '\'')) {
					char q = s[m];
					size_t e = m + 1;

					while (e < n && s[e] != q)
						e++;
					vs = m + 1;
					ve = e;
					k = e < n ? e + 1 : e;
				} else {
					vs = m;
					while (m < n && !isspace((unsigned char)s[m]) && s[m] != '>')
						m++;
					ve = m;
					k = m;
				}
			}
		}
		if (!cb->want_attrs)
			continue;
		if (h.n == h.cap) {
			size_t nc = h.cap * 2;
			struct hattr *t = h.a == h.inl ? malloc(nc * sizeof *t)
			                               : realloc(h.a, nc * sizeof *t);

			if (!t)
				break;
			if (h.a == h.inl)
				memcpy(t, h.inl, h.n * sizeof *t);
			h.a = t;
			h.cap = nc;
		}
		{
			struct hattr *at = &h.a[h.n];
			size_t vn = has_val ? ve - vs : ne - ns;

			at->name = hattr_mem(&h, ne - ns + 1);
			if (!at->name)
				break;
			for (size_t c = 0; c < ne - ns; c++)
				at->name[c] = lower_c(s[ns + c]);
			at->name[ne - ns] = '\0';
			at->value = hattr_mem(&h, vn + 1);
			if (!at->value) {
				hattr_str_free(&h, at->name);
				break;
			}
			if (has_val)
				attr_decode(at->value, s + vs, vn);
			else
				memcpy(at->value, at->name, vn + 1);
			h.n++;
		}
	}
	/* a tag cut off by the end of the text is text (escaped: it must not
	 * merge with whatever markup is put after it) */
	if (!terminated || k > n) {
		free_attrs(&h);
		return 0;
	}
	if (cb->start)
		cb->start(ud, tag, h.a, h.n, empty_close && h.n == 0);
	free_attrs(&h);
	return k;
}

static void html_tokenize(const char *s, size_t n, const struct htok *cb, void *ud)
{
	size_t i = 0, run = 0;
	char last[64] = "???";
	/* the next '<' and '&' at or after i (NULL: none left), found once
	 * each rather than at every text run */
	const char *next_lt = memchr(s, '<', n), *next_amp = memchr(s, '&', n);

#define FLUSH() do { if (i > run && cb->data) cb->data(ud, s + run, i - run); } while (0)
	while (i < n) {
		char c = s[i];

		if (c != '<' && c != '&') {
			/* plain text: jump to the next '<' or '&' */
			if (next_lt && next_lt < s + i)
				next_lt = memchr(s + i, '<', n - i);
			if (next_amp && next_amp < s + i)
				next_amp = memchr(s + i, '&', n - i);
			const char *lt = next_lt, *amp = next_amp;
			const char *nx = !lt ? amp : !amp ? lt : lt < amp ? lt : amp;

			i = nx ? (size_t)(nx - s) : n;
			continue;
		}
		if (c == '<' && i + 1 < n) {
			char d = s[i + 1];

			/* SGML shorthand "<>" / "</>": the last tag again */
			if (d == '>' || (d == '/' && i + 2 < n && s[i + 2] == '>')) {
				FLUSH();
				if (d == '>' && cb->start)
					cb->start(ud, last, NULL, 0, 0);
				else if (d == '/' && cb->end)
					cb->end(ud, last);
				i = run = i + (d == '>' ? 2 : 3);
				continue;
			}

			if (is_name_start((unsigned char)d)) {
				size_t t = 0;

				FLUSH();
				for (size_t k = i + 1; k < n && t < sizeof last - 1 && is_tag_char((unsigned char)s[k]); k++)
					last[t++] = lower_c(s[k]);
				last[t] = '\0';
				size_t end = parse_starttag(s, n, i, cb, ud);

				if (!end) {
					if (cb->data)
						cb->data(ud, cb->lt, strlen(cb->lt));
					i = run = i + 1;
					continue;
				}
				i = run = end;
				continue;
			}
			if (d == '/' && i + 2 < n && is_name_start((unsigned char)s[i + 2])) {
				char tag[64];
				size_t k = i + 2, tn = 0;

				FLUSH();
				while (k < n && is_tag_char((unsigned char)s[k])) {
					if (tn < sizeof tag - 1)
						tag[tn++] = lower_c(s[k]);
					k++;
				}
				tag[tn] = '\0';
				while (k < n && s[k] != '>' && s[k] != '<')
					k++;
				if (k >= n) {
					/* cut off by the end of the text */
					if (cb->data)
						cb->data(ud, cb->lt, strlen(cb->lt));
					i = run = i + 1;
					continue;
				}
				if (s[k] == '>')
					k++;
				if (cb->end)
					cb->end(ud, tag);
				i = run = k;
				continue;
			}
			if (d == '!' && i + 3 < n && s[i + 2] == '-' && s[i + 3] == '-') {
				const char *e;

				FLUSH();
				/* a comment ends at "--" blanks ">" */
				e = s + i + 4;
				for (;;) {
					const char *dd = memmem(e, (size_t)(s + n - e), "--", 2), *q;

					if (!dd) {
						e = NULL;
						break;
					}
					q = dd + 2;
					while (q < s + n && isspace((unsigned char)*q))
						q++;
					if (q < s + n && *q == '>') {
						if (cb->comment)
							cb->comment(ud, s + i + 4, (size_t)(dd - (s + i + 4)));
						e = q + 1;
						break;
					}
					e = dd + 1;
				}
				if (e) {
					i = run = (size_t)(e - s);
				} else {
					/* malformed: skip to the first "--...>", never emit
					 * it; unclosed: swallow the rest */
					const char *dd = memmem(s + i + 4, n - i - 4, "--", 2);
					const char *gt = dd ? memchr(dd, '>', (size_t)(s + n - dd)) : NULL;

					i = run = gt ? (size_t)(gt - s) + 1 : n;
				}
				continue;
			}
			if (d == '!' && i + 8 < n && !memcmp(s + i + 2, "[CDATA[", 7)) {
				/* CDATA is not HTML: its opening is text */
				FLUSH();
				if (cb->data)
					cb->data(ud, "&lt;![CDATA[", 12);
				i = run = i + 9;
				continue;
			}
			if (d == '!' && n - i >= 9 && !strncasecmp(s + i + 2, "DOCTYPE", 7)) {
				/* a DOCTYPE is dropped; one with characters no
				 * declaration has is text, its '<' escaped */
				size_t k = i + 9;
				int bad = 0;
				char q = 0;

				while (k < n && (q || s[k] != '>')) {
					unsigned char ch = (unsigned char)s[k];

					if (q) {
						if (ch == (unsigned char)q)
							q = 0;
					} else if (ch == '"' || ch == '\'') {
						q = (char)ch;
					} else if (!(isalnum(ch) || isspace(ch) || strchr("-._:/[]%;#=", ch))) {
						bad = 1;
						break;
					}
					k++;
				}
				FLUSH();
				if (k < n && !bad) {
					i = run = k + 1;
				} else {
					/* unterminated, or not a declaration: text, its '<'
					 * escaped like a tag's cut off by the end (the text
					 * before it is flushed already: run moves on too) */
					if (cb->data)
						cb->data(ud, cb->lt, strlen(cb->lt));
					i = run = i + 1;
				}
				continue;
			}
			if (d == '!' && strncasecmp(s + i + 2, "DOCTYPE", n - i - 2 < 7 ? n - i - 2 : 7) != 0 &&
			    s[i + 2] != '[') {
				/* "<!" that starts no declaration is text */
				FLUSH();
				if (cb->data)
					cb->data(ud, "&lt;!", 5);
				i = run = i + 2;
				continue;
			}
			if (d == '!' || d == '?') {
				/* declarations and processing instructions are dropped;
				 * unterminated, they are text */
				size_t k = i + 2;

				while (k < n && s[k] != '>')
					k++;
				if (k < n) {
					FLUSH();
					i = run = k + 1;
					continue;
				}
			}
			if (d == '!' || d == '?' || d == '/') {
				/* what a browser reads as the start of a bogus comment
				 * or a declaration, left as text here (unterminated, or
				 * "</" before no name): its '<' escaped, so that it
				 * cannot swallow the markup that follows the fragment */
				FLUSH();
				if (cb->data)
					cb->data(ud, cb->lt, strlen(cb->lt));
				i = run = i + 1;
				continue;
			}
		} else if (c == '<') {
			/* a '<' that ends the text: the start of whatever tag the
			 * markup after the fragment begins with */
			FLUSH();
			if (cb->data)
				cb->data(ud, cb->lt, strlen(cb->lt));
			i = run = i + 1;
			continue;
		} else if (c == '&' && i + 1 < n) {
			size_t k = i + 1;

			if (s[k] == '#') {
				size_t st = ++k;

				if (k < n && (s[k] == 'x' || s[k] == 'X')) {
					k++;
					while (k < n && isxdigit((unsigned char)s[k]))
						k++;
					if (k == st + 1)
						k = st; /* "&#x" alone */
				} else {
					while (k < n && isdigit((unsigned char)s[k]))
						k++;
				}
				if (k > st && k < n && s[k] == ';') {
					FLUSH();
					if (cb->charref)
						cb->charref(ud, s + st, k - st);
					i = run = k + 1;
					continue;
				}
			} else if (isalpha((unsigned char)s[k])) {
				size_t st = k;

				while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '.'))
					k++;
				if (k < n) {
					FLUSH();
					if (cb->entityref)
						cb->entityref(ud, s + st, k - st);
					i = run = k + (s[k] == ';');
					continue;
				}
			}
		}
		i++;
	}
	FLUSH();
#undef FLUSH
}

/* ------------------------------------------------------------ sanitizer */

static int in_list(const char *const *list, size_t n, const char *s)
{
	/* lists are sorted */
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s, list[mid]);

		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}
#define IN(list, s) in_list(list, sizeof list / sizeof list[0], s)

/* Allowed elements: feedparser's list without the form controls and
 * frames (the daemon renders this HTML; forms have no place in it). */
static const char *const ok_elements[] = {
	"a", "abbr", "acronym", "address", "area", "article", "aside", "audio",
	"b", "big", "blockquote", "br", "canvas", "caption", "center",
	"cite", "code", "col", "colgroup", "command", "datagrid",
	"dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em",
	"event-source", "figcaption", "figure", "font", "footer",
	"h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img",
	"ins", "kbd", "label", "legend", "li", "m", "map",
	"menu", "meter", "multicol", "nav", "nextid", "noscript", "ol",
	"p", "pre", "progress", "q", "s", "samp",
	"section", "small", "sound", "source", "spacer", "span",
	"strike", "strong", "sub", "sup", "table", "tbody", "td",
	"tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video",
};

/* feedparser's list, for html_looks_like() */
static const char *const fp_elements[] = {
	"a", "abbr", "acronym", "address", "area", "article", "aside", "audio",
	"b", "big", "blockquote", "br", "button", "canvas", "caption", "center",
	"cite", "code", "col", "colgroup", "command", "datagrid", "datalist",
	"dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em",
	"event-source", "fieldset", "figcaption", "figure", "font", "footer",
	"form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img",
	"input", "ins", "kbd", "keygen", "label", "legend", "li", "m", "map",
	"menu", "meter", "multicol", "nav", "nextid", "noscript", "ol",
	"optgroup", "option", "output", "p", "pre", "progress", "q", "s", "samp",
	"section", "select", "small", "sound", "source", "spacer", "span",
	"strike", "strong", "sub", "sup", "table", "tbody", "td", "textarea",
	"tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video",
};

static const char *const ok_attributes[] = {
	"abbr", "accept", "accept-charset", "accesskey", "action", "align",
	"alt", "autocomplete", "autofocus", "axis", "background", "balance",
	"bgcolor", "bgproperties", "border", "bordercolor", "bordercolordark",
	"bordercolorlight", "bottompadding", "cellpadding", "cellspacing",
	"ch", "challenge", "char", "charoff", "charset", "checked", "choff",
	"cite", "class", "clear", "color", "cols", "colspan", "compact",
	"contenteditable", "controls", "coords", "data", "datafld",
	"datapagesize", "datasrc", "datetime", "default", "delay", "dir",
	"disabled", "draggable", "dynsrc", "enctype", "end", "face", "for",
	"form", "frame", "galleryimg", "gutter", "headers", "height", "hidden",
	"hidefocus", "high", "href", "hreflang", "hspace", "icon", "id", "inputmode",
	"ismap", "keytype", "label", "lang", "leftspacing", "list", "longdesc",
	"loop", "loopcount", "loopend", "loopstart", "low", "lowsrc", "max",
	"maxlength", "media", "method", "min", "multiple", "name", "nohref",
	"noshade", "nowrap", "open", "optimum", "pattern", "ping", "point-size",
	"poster", "pqg", "preload", "prompt", "radiogroup", "readonly", "rel",
	"repeat-max", "repeat-min", "replace", "required", "rev", "rightspacing",
	"rows", "rowspan", "rules", "scope", "selected", "shape", "size", "span",
	"src", "start", "step", "style", "summary", "suppress", "tabindex",
	"target", "template", "title", "toppadding", "type", "unselectable",
	"urn", "usemap", "valign", "value", "variable", "volume", "vrml", "vspace",
	"width", "wrap", "xml:lang",
};

static const char *const void_elements[] = {
	"area", "base", "basefont", "br", "col", "command", "embed", "frame",
	"hr", "img", "input", "isindex", "keygen", "link", "meta", "param",
	"source", "track", "wbr",
};

static const char *const dropped_with_content[] = {
	"applet", "script", "style",
};

static const char *const css_properties[] = {
	"azimuth", "background-color", "border-bottom-color", "border-collapse",
	"border-color", "border-left-color", "border-right-color",
	"border-top-color", "clear", "color", "cursor", "direction", "display",
	"elevation", "float", "font", "font-family", "font-size", "font-style",
	"font-variant", "font-weight", "height", "letter-spacing", "line-height",
	"overflow", "pause", "pause-after", "pause-before", "pitch",
	"pitch-range", "richness", "speak", "speak-header", "speak-numeral",
	"speak-punctuation", "speech-rate", "stress", "text-align",
	"text-decoration", "text-indent", "unicode-bidi", "vertical-align",
	"voice-family", "volume", "white-space", "width",
};

static const char *const css_keywords[] = {
	"!important", "aqua", "auto", "black", "block", "blue", "bold", "both",
	"bottom", "brown", "center", "collapse", "dashed", "dotted", "fuchsia",
	"gray", "green", "italic", "left", "lime", "maroon", "medium", "navy",
	"none", "normal", "nowrap", "olive", "pointer", "purple", "red", "right",
	"silver", "solid", "teal", "top", "transparent", "underline", "white",
	"yellow",
};

/* (tag, attribute) pairs that hold a URL, sorted as "tag attr". */
static const char *const uri_attrs[] = {
	"a href", "applet codebase", "area href", "audio src", "blockquote cite",
	"body background", "del cite", "form action", "frame longdesc",
	"frame src", "head profile", "iframe longdesc", "iframe src",
	"img longdesc", "img src", "img usemap", "input src", "input usemap",
	"ins cite", "link href", "object classid", "object codebase",
	"object data", "object usemap", "q cite", "script src", "source src",
	"video poster", "video src",
};

/* MathML and SVG Tiny, allowed inside <math> and <svg> as feedparser
 * allows them (SVG names keep their camelCase on output). */
static const char *const mathml_elements[] = {
	"annotation", "annotation-xml", "maction", "maligngroup", "malignmark",
	"math", "menclose", "merror", "mfenced", "mfrac", "mglyph", "mi",
	"mlabeledtr", "mlongdiv", "mmultiscripts", "mn", "mo", "mover", "mpadded",
	"mphantom", "mprescripts", "mroot", "mrow", "ms", "mscarries",
	"mscarry", "msgroup", "msline", "mspace", "msqrt", "msrow", "mstack",
	"mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr",
	"munder", "munderover", "none", "semantics",
};

static const char *const mathml_attributes[] = {
	"accent", "accentunder", "actiontype", "align", "alignmentscope",
	"altimg", "altimg-height", "altimg-valign", "altimg-width", "alttext",
	"bevelled", "charalign", "close", "columnalign", "columnlines",
	"columnspacing", "columnspan", "columnwidth", "crossout", "decimalpoint",
	"denomalign", "depth", "dir", "display", "displaystyle", "edge",
	"encoding", "equalcolumns", "equalrows", "fence", "fontstyle",
	"fontweight", "form", "frame", "framespacing", "groupalign", "height",
	"href", "id", "indentalign", "indentalignfirst", "indentalignlast",
	"indentshift", "indentshiftfirst", "indentshiftlast", "indenttarget",
	"infixlinebreakstyle", "largeop", "length", "linebreak",
	"linebreakmultchar", "linebreakstyle", "lineleading", "linethickness",
	"location", "longdivstyle", "lquote", "lspace", "mathbackground",
	"mathcolor", "mathsize", "mathvariant", "maxsize", "minlabelspacing",
	"minsize", "movablelimits", "notation", "numalign", "open", "other",
	"overflow", "position", "rowalign", "rowlines", "rowspacing", "rowspan",
	"rquote", "rspace", "scriptlevel", "scriptminsize",
	"scriptsizemultiplier", "selection", "separator", "separators", "shift",
	"side", "src", "stackalign", "stretchy", "subscriptshift",
	"superscriptshift", "symmetric", "voffset", "width", "xlink:href",
	"xlink:show", "xlink:type", "xmlns", "xmlns:xlink",
};

static const char *const svg_elements[] = {
	"a", "animate", "animateColor", "animateMotion", "animateTransform",
	"circle", "defs", "desc", "ellipse", "font-face", "font-face-name",
	"font-face-src", "foreignObject", "g", "glyph", "hkern",
	"linearGradient", "line", "marker", "metadata", "missing-glyph", "mpath",
	"path", "polygon", "polyline", "radialGradient", "rect", "set", "stop",
	"svg", "switch", "text", "title", "tspan", "use",
};

static const char *const svg_attributes[] = {
	"accent-height", "accumulate", "additive", "alphabetic",
	"arabic-form", "ascent", "attributeName", "attributeType",
	"baseProfile", "bbox", "begin", "by", "calcMode", "cap-height",
	"class", "color", "color-rendering", "content", "cx", "cy", "d", "dx",
	"dy", "descent", "display", "dur", "end", "fill", "fill-opacity",
	"fill-rule", "font-family", "font-size", "font-stretch", "font-style",
	"font-variant", "font-weight", "from", "fx", "fy", "g1", "g2",
	"glyph-name", "gradientUnits", "hanging", "height", "horiz-adv-x",
	"horiz-origin-x", "id", "ideographic", "k", "keyPoints", "keySplines",
	"keyTimes", "lang", "mathematical", "marker-end", "marker-mid",
	"marker-start", "markerHeight", "markerUnits", "markerWidth", "max",
	"min", "name", "offset", "opacity", "orient", "origin",
	"overline-position", "overline-thickness", "panose-1", "path",
	"pathLength", "points", "preserveAspectRatio", "r", "refX", "refY",
	"repeatCount", "repeatDur", "requiredExtensions", "requiredFeatures",
	"restart", "rotate", "rx", "ry", "slope", "stemh", "stemv",
	"stop-color", "stop-opacity", "strikethrough-position",
	"strikethrough-thickness", "stroke", "stroke-dasharray",
	"stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
	"stroke-miterlimit", "stroke-opacity", "stroke-width", "systemLanguage",
	"target", "text-anchor", "to", "transform", "type", "u1", "u2",
	"underline-position", "underline-thickness", "unicode", "unicode-range",
	"units-per-em", "values", "version", "viewBox", "visibility", "width",
	"widths", "x", "x-height", "x1", "x2", "xlink:actuate", "xlink:arcrole",
	"xlink:href", "xlink:role", "xlink:show", "xlink:title", "xlink:type",
	"xml:base", "xml:lang", "xml:space", "xmlns", "xmlns:xlink", "y", "y1",
	"y2", "zoomAndPan",
};

enum {
	T_OK = 1, T_VOID = 2, T_DROP = 4, T_BLOCK = 8, T_FP = 16, /* elements */
	T_MATHML = 128, T_SVG = 256,
	A_OK = 32, A_URI = 64, A_MATHML = 512, A_SVG = 1024,      /* attributes */
};

#define MATHML_NS "http://www.w3.org/1998/Math/MathML"
#define SVG_NS "http://www.w3.org/2000/svg"
#define XLINK_NS "http://www.w3.org/1999/xlink"

/* Elements that end a line of plain text: the words on either side of
 * one are two words ("<p>one</p><p>two</p>"), not "onetwo". */
static const char *const block_elements[] = {
	"address", "article", "aside", "blockquote", "br", "caption", "center",
	"dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
	"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
	"h6", "header", "hgroup", "hr", "legend", "li", "main", "menu", "nav",
	"ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
	"th", "thead", "tr", "ul",
};
static const size_t n_block_elements = sizeof block_elements / sizeof block_elements[0];
static struct strtab tags, attrs, uris;
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;

static char lowered[512][32];   /* lower-case copies of the SVG names */
static size_t n_lowered;

/* Adds each name; a camelCase name goes in lower case (the tokenizer
 * folds case), pointing back at its real spelling. */
static void add_all(struct strtab *t, const char *const *l, size_t n, unsigned f)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(l[i]);
		int upper = 0;

		for (size_t k = 0; k < len; k++)
			upper |= isupper((unsigned char)l[i][k]);
		if (!upper || len >= sizeof lowered[0] || n_lowered == 512) {
			strtab_add(t, l[i], NULL, f);
			continue;
		}
		for (size_t k = 0; k <= len; k++)
			lowered[n_lowered][k] = (char)tolower((unsigned char)l[i][k]);
		strtab_add(t, lowered[n_lowered++], l[i], f);
	}
}
#define ADD(t, l, f) add_all(t, l, sizeof l / sizeof l[0], f)

static void tabs_init(void)
{
	ADD(&tags, ok_elements, T_OK);
	ADD(&tags, void_elements, T_VOID);
	ADD(&tags, dropped_with_content, T_DROP);
	add_all(&tags, block_elements, n_block_elements, T_BLOCK);
	ADD(&tags, fp_elements, T_FP);
	ADD(&tags, mathml_elements, T_MATHML);
	ADD(&tags, svg_elements, T_SVG);
	ADD(&attrs, ok_attributes, A_OK);
	ADD(&attrs, mathml_attributes, A_MATHML);
	ADD(&attrs, svg_attributes, A_SVG);
	ADD(&uris, uri_attrs, A_URI);
	/* attribute names that can hold a URL somewhere */
	for (size_t i = 0; i < sizeof uri_attrs / sizeof uri_attrs[0]; i++)
		strtab_add(&attrs, strchr(uri_attrs[i], ' ') + 1, NULL, A_URI);
}

static unsigned tag_flags(const char *tag)
{
	const struct strtab_slot *s;

	pthread_once(&tabs_once, tabs_init);
	s = strtab_get(&tags, tag, strlen(tag));
	return s ? s->flags : 0;
}

static unsigned attr_flags(const char *a)
{
	const struct strtab_slot *s;

	pthread_once(&tabs_once, tabs_init);
	s = strtab_get(&attrs, a, strlen(a));
	return s ? s->flags : 0;
}

/* The camelCase spelling of an SVG element or attribute name. */
static const char *svg_name(struct strtab *t, const char *name)
{
	const struct strtab_slot *s = strtab_get(t, name, strlen(name));

	return s && s->ptr ? s->ptr : name;
}

static int is_uri_attr(const char *tag, const char *attr)
{
	char key[160];
	size_t t = strlen(tag), a = strlen(attr);

	if (!(attr_flags(attr) & A_URI) || t + a + 2 > sizeof key)
		return 0;
	memcpy(key, tag, t);
	key[t] = ' ';
	memcpy(key + t + 1, attr, a + 1);
	return strtab_get(&uris, key, t + a + 1) != NULL;
}

/* valid_css_values: #hex, rgb(...), or a short number with a unit */
static int css_value_ok(const char *w)
{
	const char *p = w;
	int n;

	if (*p == '#') {
		p++;
		if (!*p)
			return 0;
		for (; *p; p++)
			if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
				return 0;
		return 1;
	}
	if (strncmp(p, "rgb(", 4) == 0) {
		p += 4;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p)) p++;
		if (*p == '%') p++;
		if (*p++ != ',') return 0;
		while (isdigit((unsigned char)*p)) p++;
		if (*p == '%') p++;
		if (*p == ',') p++;
		while (isdigit((unsigned char)*p)) p++;
		if (*p == '%') p++;
		if (*p == ')') p++;
		return *p == '\0';
	}
	for (n = 0; n < 2 && isdigit((unsigned char)*p); n++)
		p++;
	if (*p == '.')
		p++;
	for (n = 0; n < 2 && isdigit((unsigned char)*p); n++)
		p++;
	if (!*p)
		return 1;
	static const char *const units[] = { "cm", "em", "ex", "in", "mm", "pc", "pt", "px", "%", ",", ")" };
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(p, units[i]) == 0)
			return 1;
	return 0;
}

static int is_word(int c) { return isalnum(c) || c == '_' || c >= 0x80; }

/* feedparser's sanitize_style: returns a new string, "" when refused,
 * NULL out of memory. */
static char *sanitize_style(const char *style)
{
	struct sbuf s, out;
	const char *p;

	sbuf_init(&s);
	sbuf_init(&out);
	/* drop url(...) */
	for (p = style; *p;) {
		if (strncasecmp(p, "url", 3) == 0) {
			const char *q = p + 3;

			while (isspace((unsigned char)*q)) q++;
			if (*q == '(') {
				const char *r = q + 1, *st;

				while (isspace((unsigned char)*r)) r++;
				st = r;
				while (*r && !isspace((unsigned char)*r) && *r != ')') r++;
				if (r > st) {
					while (isspace((unsigned char)*r)) r++;
					if (*r == ')') {
						r++;
						while (isspace((unsigned char)*r)) r++;
						sbuf_addc(&s, ' ');
						p = r;
						continue;
					}
				}
			}
		}
		sbuf_addc(&s, *p++);
	}
	/* Cut short, the declarations would be judged and kept cut
	 * ("font-size: 12px" as "font-size: 1", the rest gone): the text
	 * fails instead, as for any other allocation. */
	if (s.oom)
		goto oom;
	/* the gauntlet: only harmless characters and constructs */
	for (p = sbuf_str(&s); *p;) {
		unsigned char c = (unsigned char)*p;

		if (strchr(":,;#%.!", c) || isspace(c) || isalnum(c)) {
			p++;
		} else if (c == '-' && p > sbuf_str(&s) && is_word((unsigned char)p[-1]) &&
		           is_word((unsigned char)p[1])) {
			p++;
		} else if (c == '\'' || c == '"') {
			const char *q = p + 1;

			while (*q && (isspace((unsigned char)*q) || is_word((unsigned char)*q)))
				q++;
			if (*q != (char)c || q == p + 1)
				goto refuse;
			p = q + 1;
		} else if (c == '(') {
			const char *q = p + 1;

			while (*q && (isdigit((unsigned char)*q) || *q == ',' || isspace((unsigned char)*q)))
				q++;
			if (*q != ')' || q == p + 1)
				goto refuse;
			p = q + 1;
		} else {
			goto refuse;
		}
	}
	/* declarations: prop ':' value (no ':' or ';' inside) ';'? ... */
	for (p = sbuf_str(&s);;) {
		const char *ps, *pe, *vs, *ve;
		char prop[64];

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		ps = p;
		while (*p == '-' || is_word((unsigned char)*p))
			p++;
		pe = p;
		if (pe == ps)
			goto refuse;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != ':')
			goto refuse;
		p++;
		while (isspace((unsigned char)*p))
			p++;
		vs = p;
		while (*p && *p != ':' && *p != ';')
			p++;
		ve = p;
		if (*p == ';')
			p++;
		else if (*p == ':')
			goto refuse;
		if (ve == vs || (size_t)(pe - ps) >= sizeof prop)
			continue;
		for (size_t i = 0; i < (size_t)(pe - ps); i++)
			prop[i] = (char)tolower((unsigned char)ps[i]);
		prop[pe - ps] = '\0';
		int keep = IN(css_properties, prop);
		if (!keep) {
			char head[64];
			const char *dash = strchr(prop, '-');
			size_t hn = dash ? (size_t)(dash - prop) : strlen(prop);

			memcpy(head, prop, hn);
			head[hn] = '\0';
			if (!strcmp(head, "background") || !strcmp(head, "border") ||
			    !strcmp(head, "margin") || !strcmp(head, "padding")) {
				const char *w = vs;

				keep = 1;
				while (w < ve) {
					char word[64];
					size_t wn = 0;

					while (w < ve && isspace((unsigned char)*w)) w++;
					if (w >= ve) break;
					while (w < ve && !isspace((unsigned char)*w)) {
						if (wn < sizeof word - 1) word[wn++] = *w;
						w++;
					}
					word[wn] = '\0';
					if (!IN(css_keywords, word) && !css_value_ok(word)) {
						keep = 0;
						break;
					}
				}
			}
		}
		if (keep) {
			if (out.len)
				sbuf_addc(&out, ' ');
			sbuf_add(&out, ps, (size_t)(pe - ps));
			sbuf_adds(&out, ": ");
			sbuf_add(&out, vs, (size_t)(ve - vs));
			sbuf_addc(&out, ';');
		}
	}
	if (out.oom)
		goto oom;
	sbuf_free(&s);
	return sbuf_take(&out);
refuse:
	sbuf_free(&s);
	sbuf_free(&out);
	return strdup("");
oom:
	sbuf_free(&s);
	sbuf_free(&out);
	return NULL;
}

struct san {
	struct sbuf out;
	const char *base;
	int sanitize;
	int html;           /* escaped HTML (not XHTML): svg/math get xmlns */
	int svg_ok, mathml_ok;
	int unacceptable;   /* depth inside script/style/applet */
	int noscript;       /* <noscript> written and not yet closed */
};

/* Writes an attribute value the way feedparser's serializer does. */
static void put_attr_value(struct sbuf *b, const char *v)
{
	for (const char *p = v; *p; p++) {
		size_t run = strcspn(p, "<>\"&");

		if (run) {
			sbuf_add(b, p, run);
			p += run - 1;
			continue;
		}
		switch (*p) {
		case '>': sbuf_adds(b, "&gt;"); break;
		case '<': sbuf_adds(b, "&lt;"); break;
		case '"': sbuf_adds(b, "&quot;"); break;
		case '&': {
			/* a bare ampersand, not starting a reference */
			const char *q = p + 1;

			if (*q == '#') {
				q++;
				if (*q == 'x' || *q == 'X') {
					const char *h = ++q;

					while (isxdigit((unsigned char)*q)) q++;
					if (q > h && *q == ';') { sbuf_addc(b, '&'); break; }
					/* fall through to the decimal test of "#x"? no */
				} else {
					const char *d = q;

					while (isdigit((unsigned char)*q)) q++;
					if (q > d && *q == ';') { sbuf_addc(b, '&'); break; }
				}
			} else {
				const char *w = q;

				while (is_word((unsigned char)*q)) q++;
				if (q > w && *q == ';') { sbuf_addc(b, '&'); break; }
			}
			sbuf_adds(b, "&amp;");
			break;
		}
		default: sbuf_addc(b, *p); break;
		}
	}
}

/* Attributes that a browser follows as a URL wherever they appear, beyond
 * the (tag, attribute) pairs of uri_attrs that feedparser resolves. */
static int is_url_attr(const char *a)
{
	static const char *const extra[] = {
		"action", "altimg", "background", "dynsrc", "formaction", "icon",
		"lowsrc", "ping", "poster", "vrml", "xlink:href", "xml:base",
	};

	if (attr_flags(a) & A_URI)
		return 1;
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (!strcmp(a, extra[i]))
			return 1;
	return 0;
}

/* The value of an attribute as the reader's browser reads it once
 * put_attr_value has serialised v: the character references it keeps
 * ("&#106;", "&colon;", and "&#106;" made of a source "&amp;#106;") are
 * decoded into url, the ASCII ones as themselves and every other
 * character as 0x80 (only ASCII matters to a scheme or a name; anything
 * else ends it).  Returns -1 on OOM. */
static int browser_value(struct sbuf *url, const char *v)
{
	struct sbuf ser;
	int r = -1;

	sbuf_init(&ser);
	put_attr_value(&ser, v);
	if (ser.oom)
		goto out;
	for (const char *p = sbuf_str(&ser); *p; ) {
		long cp = -1;
		const char *q = p + 1;

		if (*p == '&' && *q == '#') {
			int hex = q[1] == 'x' || q[1] == 'X';
			char *e;

			cp = strtol(q + 1 + hex, &e, hex ? 16 : 10);
			if (e > q + 1 + hex && *e == ';')
				q = e + 1;
			else
				cp = -1;
		} else if (*p == '&') {
			const char *w = q;

			while (is_word((unsigned char)*q))
				q++;
			cp = *q == ';' ? entity_lookup_n(w, (size_t)(q - w), 0) : -1;
			q++;
		}
		if (cp < 0) {
			sbuf_addc(url, *p++);
			continue;
		}
		sbuf_addc(url, cp > 0 && cp < 0x80 ? (char)cp : (char)0x80);
		p = q;
	}
	r = url->oom ? -1 : 0;
out:
	sbuf_free(&ser);
	return r;
}

/* Whether the URL a browser makes of v, once serialised by
 * put_attr_value, is in an allowed scheme (or relative).  The browser
 * decodes the character references (browser_value), then drops tabs and
 * newlines anywhere and C0 controls and spaces at the ends; so
 * "&#106;avascript:" and "java&Tab;script:" are "javascript:" to it. */
static int url_safe_for_browser(const char *v)
{
	struct sbuf url;
	int ok = 0, plain = 1, scheme = 1;

	/* Most URLs have no reference, no blank or control character and a
	 * lower-case scheme: the browser sees them as written. */
	for (const unsigned char *p = (const unsigned char *)v; *p && plain; p++) {
		if (*p == ':' || *p == '/')
			scheme = 0;
		plain = *p != '&' && *p > 0x20 && !(scheme && *p >= 'A' && *p <= 'Z');
	}
	if (plain)
		return uri_scheme_ok(v);
	sbuf_init(&url);
	if (browser_value(&url, v) < 0)
		goto out;
	if (url.len == 0) {
		ok = 1; /* an empty URL is the document itself */
		goto out;
	}
	{
		char *u = (char *)sbuf_str(&url), *o = u;
		size_t len;

		for (char *p = u; *p; p++)
			if (*p != '\t' && *p != '\n' && *p != '\r')
				*o++ = *p;
		*o = '\0';
		while (*u && (unsigned char)*u <= 0x20)
			u++;
		len = strlen(u);
		while (len && (unsigned char)u[len - 1] <= 0x20)
			u[--len] = '\0';
		for (char *p = u; *p && *p != ':'; p++)
			*p = lower_c(*p);
		ok = uri_scheme_ok(u);
	}
out:
	sbuf_free(&url);
	return ok;
}

/* url_safe_for_browser for each URL of a list a browser splits at its
 * blanks once it has decoded the references (<a ping>): a "&#32;" or a
 * "&Tab;" starts another URL there. */
static int url_list_safe_for_browser(const char *v)
{
	struct sbuf d;
	int ok = 0;

	sbuf_init(&d);
	if (browser_value(&d, v) < 0)
		goto out;
	ok = 1;
	for (char *p = (char *)sbuf_str(&d); *p && ok; ) {
		char *e, c;
		const char *u;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\f' || *p == '\r')
			p++;
		for (e = p; *e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\f' && *e != '\r'; e++)
			;
		c = *e;
		*e = '\0';
		for (u = p; *u && (unsigned char)*u < 0x20; u++)
			;
		for (char *q = (char *)u; *q && *q != ':'; q++)
			*q = lower_c(*q);
		ok = uri_scheme_ok(u);
		*e = c;
		p = e;
	}
out:
	sbuf_free(&d);
	return ok;
}

/* SVG animation elements set another attribute of their parent: with
 * attributeName="href" they turn <a> into a javascript: link that no
 * href check sees (values="javascript:...").  Such a target is dropped,
 * judged as the browser reads the name: "&#104;ref" and "xlink&colon;href"
 * are "href" and "xlink:href" to it (and so is any prefix, to be safe). */
static int animates_href(const char *tag, const char *attr, const char *v)
{
	struct sbuf name;
	const char *p, *colon;
	int r;

	if (strcmp(attr, "attributename") != 0 ||
	    (strncmp(tag, "animate", 7) != 0 && strcmp(tag, "set") != 0))
		return 0;
	sbuf_init(&name);
	if (browser_value(&name, v) < 0) {
		sbuf_free(&name);
		return 1;  /* out of memory: drop it rather than keep it unjudged */
	}
	p = sbuf_str(&name);
	while (*p && (unsigned char)*p <= 0x20)
		p++;
	colon = strrchr(p, ':');
	if (colon)
		p = colon + 1;
	while (*p && (unsigned char)*p <= 0x20)
		p++;
	r = !strncasecmp(p, "href", 4);
	sbuf_free(&name);
	return r;
}

/* An attribute and where it stood in its tag, for collapsing duplicates. */
struct hattr_pos {
	struct hattr a;
	size_t pos;
};

/* By name, then by position. */
static int attr_pos_cmp(const void *x, const void *y)
{
	const struct hattr_pos *a = x, *b = y;
	int c = strcmp(a->a.name, b->a.name);

	return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

static void san_end(void *ud, const char *tag);

static void san_start(void *ud, const char *tag, struct hattr *a, size_t n, int empty_close)
{
	struct san *s = ud;
	struct hattr *at;
	size_t na = 0;

	unsigned tf = tag_flags(tag), aok = A_OK;
	int foreign = 0;    /* 1 MathML, 2 SVG attribute rules */
	const char *xmlns = NULL, *out_tag = tag;
	struct hattr extra[2];
	size_t nextra = 0;

	if (s->sanitize && (!(tf & T_OK) || s->svg_ok)) {
		if (tf & T_DROP)
			s->unacceptable++;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(a[i].name, "xmlns"))
				xmlns = a[i].value;
		/* HTML5 inline svg/math have implicit namespaces */
		if (s->html && !xmlns && (!strcmp(tag, "svg") || !strcmp(tag, "math"))) {
			xmlns = !strcmp(tag, "svg") ? SVG_NS : MATHML_NS;
			extra[nextra].name = "xmlns";
			extra[nextra++].value = (char *)xmlns;
		}
		if (!strcmp(tag, "math") && xmlns && !strcmp(xmlns, MATHML_NS))
			s->mathml_ok++;
		if (!strcmp(tag, "svg") && xmlns && !strcmp(xmlns, SVG_NS))
			s->svg_ok++;
		if (s->mathml_ok && (tf & T_MATHML)) {
			aok = A_MATHML;
			foreign = 1;
		} else if (s->svg_ok && (tf & T_SVG)) {
			aok = A_SVG;
			foreign = 2;
			out_tag = svg_name(&tags, tag);
		} else if (!(tf & T_OK)) {
			return;
		}
	}
	if (!strcmp(tag, "noscript"))
		s->noscript++;
	if (s->mathml_ok || s->svg_ok) {
		int has_xlink = 0, has_decl = 0;

		for (size_t i = 0; i < n; i++) {
			has_xlink |= !strncmp(a[i].name, "xlink:", 6);
			has_decl |= !strcmp(a[i].name, "xmlns:xlink");
		}
		if (has_xlink && !has_decl) {
			extra[nextra].name = "xmlns:xlink";
			extra[nextra++].value = XLINK_NS;
		}
	}
	/* Collapse duplicates (the last one wins) and sort by name: sorted by
	 * name and then by position, the last of each run of one name is kept.
	 * Comparing every attribute with the ones kept before it made a tag
	 * with 200,000 attributes (5 MB) cost three minutes. */
	struct hattr_pos sorted_stack[16], *sorted;
	struct hattr at_stack[16];
	size_t ns = n + nextra;

	sorted = ns <= 16 ? sorted_stack : calloc(ns, sizeof *sorted);
	at = ns <= 16 ? at_stack : calloc(ns, sizeof *at);
	if (!sorted || !at) {
		if (sorted != sorted_stack)
			free(sorted);
		if (at != at_stack)
			free(at);
		s->out.oom = 1;   /* the text fails, not the tag left out */
		return;
	}
	for (size_t i = 0; i < ns; i++) {
		sorted[i].a = i < n ? a[i] : extra[i - n];
		sorted[i].pos = i;
	}
	if (ns > 1)
		qsort(sorted, ns, sizeof *sorted, attr_pos_cmp);
	for (size_t i = 0; i < ns; i++)
		if (i + 1 == ns || strcmp(sorted[i].a.name, sorted[i + 1].a.name) != 0)
			at[na++] = sorted[i].a;
	if (sorted != sorted_stack)
		free(sorted);
	sbuf_addc(&s->out, '<');
	sbuf_adds(&s->out, out_tag);
	for (size_t i = 0; i < na; i++) {
		char *val = NULL, *tmp;
		const char *v = at[i].value;

		if (!strcmp(at[i].name, "rel") || !strcmp(at[i].name, "type")) {
			val = strdup(v);
			if (!val) {
				s->out.oom = 1;
				continue;
			}
			for (char *p = val; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			v = val;
		}
		/* inline images as data: URLs are fine; no other data: URL is */
		if (!strcmp(tag, "img") && !strcmp(at[i].name, "src") &&
		    !strncasecmp(v, "data:image/", 11)) {
			/* keep as written */
		} else if (s->base && is_uri_attr(tag, at[i].name)) {
			const char *st = v, *en;

			while (isspace((unsigned char)*st)) st++;
			en = st + strlen(st);
			while (en > st && isspace((unsigned char)en[-1])) en--;
			char *trim = strndup(st, (size_t)(en - st));

			tmp = trim ? uri_safe_join(s->base, trim) : NULL;
			free(trim);
			free(val);
			val = tmp;
			/* (uri_safe_join fails only out of memory: the text
			 * fails with it, rather than lose the link) */
			if (!val) {
				s->out.oom = 1;
				continue;
			}
			v = val;
		}
		const char *aname = at[i].name;

		if (s->sanitize) {
			if (!(attr_flags(at[i].name) & aok)) {
				free(val);
				continue;
			}
			if (foreign == 2)
				aname = svg_name(&attrs, at[i].name);
			if (!strcmp(at[i].name, "style")) {
				tmp = sanitize_style(v);
				free(val);
				val = tmp;
				if (!val)
					s->out.oom = 1;  /* the text fails, not the style left out */
				if (!val || !*val) {
					free(val);
					continue;
				}
				v = val;
			} else if (animates_href(tag, at[i].name, v)) {
				free(val);
				continue;
			} else if (is_url_attr(at[i].name) &&
			           !(strcmp(at[i].name, "ping") ? url_safe_for_browser(v)
			                                        : url_list_safe_for_browser(v)) &&
			           !(!strcmp(tag, "img") && !strcmp(at[i].name, "src") &&
			             !strncasecmp(v, "data:image/", 11))) {
				v = "";
			}
		}
		sbuf_addc(&s->out, ' ');
		sbuf_adds(&s->out, aname);
		sbuf_adds(&s->out, "=\"");
		put_attr_value(&s->out, v);
		sbuf_addc(&s->out, '"');
		free(val);
	}
	if (at != at_stack)
		free(at);
	if (tf & T_VOID) {
		sbuf_adds(&s->out, " />");
		return;
	}
	sbuf_addc(&s->out, '>');
	/* "<svg/>" ends where it starts: closed by san_end, which also leaves
	 * the SVG (MathML) rules it entered, else the rest of the content
	 * would be judged as SVG (links losing their href) */
	if (empty_close)
		san_end(ud, tag);
}

static void san_end(void *ud, const char *tag)
{
	struct san *s = ud;

	unsigned tf = tag_flags(tag);
	const char *out_tag = tag;

	if (s->sanitize && !(tf & T_OK)) {
		/* like feedparser, a stray end tag may take the count below
		 * zero; text shows only at exactly zero, and only ever as
		 * text, never as markup */
		if (tf & T_DROP)
			s->unacceptable--;
		if (s->mathml_ok && (tf & T_MATHML)) {
			if (!strcmp(tag, "math"))
				s->mathml_ok--;
		} else if (s->svg_ok && (tf & T_SVG)) {
			out_tag = svg_name(&tags, tag);
			if (!strcmp(tag, "svg"))
				s->svg_ok--;
		} else {
			return;
		}
	}
	if (tf & T_VOID)
		return;
	if (!strcmp(tag, "noscript") && s->noscript > 0)
		s->noscript--;
	sbuf_adds(&s->out, "</");
	sbuf_adds(&s->out, out_tag);
	sbuf_addc(&s->out, '>');
}

static void san_data(void *ud, const char *t, size_t n)
{
	struct san *s = ud;

	if (s->unacceptable == 0)
		sbuf_add(&s->out, t, n);
}

static void san_charref(void *ud, const char *ref, size_t n)
{
	struct san *s = ud;
	unsigned long v;
	char buf[32];

	if (s->unacceptable != 0)
		return;
	if (n >= sizeof buf - 1)
		n = sizeof buf - 2;
	memcpy(buf, ref, n);
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	v = buf[0] == 'x' ? strtoul(buf + 1, NULL, 16) : strtoul(buf, NULL, 10);
	/* windows-1252's characters for the C1 range, as feedparser remaps them */
	if (v >= 0x80 && v < 0xa0 && cp1252_c1(v)) {
		sbuf_printf(&s->out, "&#x%x;", cp1252_c1(v));
	} else {
		/* "&#%s;" without the printf machinery */
		sbuf_add(&s->out, "&#", 2);
		sbuf_add(&s->out, buf, strlen(buf));
		sbuf_addc(&s->out, ';');
	}
}

static void san_entityref(void *ud, const char *name, size_t n)
{
	struct san *s = ud;
	int cp;

	if (s->unacceptable != 0)
		return;
	if (entity_lookup_n(name, n, 1) >= 0 || (n == 4 && !memcmp(name, "apos", 4))) {
		sbuf_addc(&s->out, '&');
		sbuf_add(&s->out, name, n);
		sbuf_addc(&s->out, ';');
	} else if (name[n] == ';' && (cp = entity_lookup_n(name, n, 0)) >= 0) {
		/* an HTML5 name feedparser's HTML 4 table lacks ("&comma;",
		 * "&period;", "&NewLine;": what PHP's htmlentities(ENT_HTML5)
		 * writes), with its ';' as HTML5 wants it: its character, as a
		 * numeric reference, rather than "&amp;comma" with the ';'
		 * lost, in the content and in the plain text made from it */
		sbuf_printf(&s->out, "&#x%x;", (unsigned)cp);
	} else {
		sbuf_adds(&s->out, "&amp;");
		sbuf_add(&s->out, name, n);
	}
}

static void san_comment(void *ud, const char *t, size_t n)
{
	struct san *s = ud;

	/* comments are inert and kept (as feedparser does), except Internet
	 * Explorer's conditional comments, which are markup in disguise */
	if (s->unacceptable != 0 || memmem(t, n, "[if", 3) || memmem(t, n, "endif]", 6))
		return;
	/* nor a comment holding markup: a browser may end it sooner than this
	 * tokenizer did ("<!-->", "<!--->" and "--!>" close it in HTML5), or
	 * not see it as a comment at all (<noscript> is raw text to a browser
	 * that runs scripts, so "<noscript><!-- </noscript><img onerror=...>"
	 * ends the noscript there); either way the "comment text" would be
	 * live markup */
	if (memchr(t, '<', n) || memchr(t, '>', n))
		return;
	sbuf_adds(&s->out, "<!--");
	sbuf_add(&s->out, t, n);
	sbuf_adds(&s->out, "-->");
}

static char *run_sanitizer(const char *html, size_t n, const char *base, int sanitize, int xhtml)
{
	static const struct htok cb = {
		1, "&lt;", san_start, san_end, san_data, san_charref, san_entityref, san_comment,
	};
	struct san s;
	char *r;
	size_t a, b;

	memset(&s, 0, sizeof s);
	sbuf_init(&s.out);
	s.base = base && *base ? base : NULL;
	s.sanitize = sanitize;
	s.html = !xhtml;
	/* the output is close to the input's size: allocate once, mostly */
	sbuf_reserve(&s.out, n + n / 8 + 64);
	html_tokenize(html, n, &cb, &s);
	/* To a browser that runs scripts, what follows <noscript> up to its
	 * </noscript> is raw text: left open, it would turn the rest of the
	 * reader's own page, after this content, into text. */
	while (s.noscript-- > 0)
		sbuf_adds(&s.out, "</noscript>");
	if (s.out.oom) {
		sbuf_free(&s.out);
		return NULL;
	}
	if (!sanitize)
		return sbuf_take(&s.out);
	/* strip and normalise CRLF, like feedparser's _sanitize_html */
	b = s.out.len;
	r = sbuf_take(&s.out);
	a = 0;
	while (a < b && isspace((unsigned char)r[a])) a++;
	while (b > a && isspace((unsigned char)r[b - 1])) b--;
	if (!memchr(r + a, '\r', b - a)) {
		if (a)
			memmove(r, r + a, b - a);
		r[b - a] = '\0';
		return r;
	}
	size_t o = 0;
	for (size_t i = a; i < b; i++) {
		if (r[i] == '\r' && i + 1 < b && r[i + 1] == '\n')
			continue;
		r[o++] = r[i];
	}
	r[o] = '\0';
	return r;
}

char *html_sanitize(const char *html, size_t n, const char *base, int xhtml)
{
	return run_sanitizer(html, n, base, 1, xhtml);
}

char *html_resolve(const char *html, size_t n, const char *base)
{
	return run_sanitizer(html, n, base, 0, 0);
}

/* ------------------------------------------------------------ plain text */



struct txt {
	struct sbuf out;
	int skip;        /* inside script/style */
	int pending_sp;  /* a blank is due before the next word */
	int pending_nl;  /* a line break is due */
	int pre;         /* inside <pre>: its line breaks are the text's */
};

/* 1 for the ASCII blanks, 2 for 0xc2 (maybe U+00A0), 3 for the other
 * control characters and DEL, which the text leaves out: it goes to the
 * database as plain text, and a decoded "&#27;[2J" would be an escape
 * sequence to every terminal that prints it. */
static const unsigned char blank_class[256] = {
	[0x01] = 3, [0x02] = 3, [0x03] = 3, [0x04] = 3, [0x05] = 3, [0x06] = 3, [0x07] = 3,
	[0x08] = 3, ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [0x0e] = 3,
	[0x0f] = 3, [0x10] = 3, [0x11] = 3, [0x12] = 3, [0x13] = 3, [0x14] = 3, [0x15] = 3,
	[0x16] = 3, [0x17] = 3, [0x18] = 3, [0x19] = 3, [0x1a] = 3, [0x1b] = 3, [0x1c] = 3,
	[0x1d] = 3, [0x1e] = 3, [0x1f] = 3, [' '] = 1, [0x7f] = 3, [0xc2] = 2,
};

static inline int blank_at(const char *s, size_t i, size_t n)
{
	unsigned char k = blank_class[(unsigned char)s[i]];

	if (k == 1)
		return 1;
	/* U+00A0 no-break space folds like a blank */
	if (k == 2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0)
		return 2;
	return 0;
}

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The length of s up to its first byte with a blank_class (n if none),
 * copied to w (which has room for that and 8 bytes more).  Eight bytes
 * at a time: a byte below 0x21, 0x7f or 0xc2 stops the run (the lowest
 * byte flagged by these tests is exact), then blank_class decides. */
static size_t word_len(const char *s, size_t n, char *w)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t x, y, z, m;

		memcpy(&x, s + i, 8);
		memcpy(w + i, &x, 8);
		y = x ^ (ONES * 0xc2);
		z = x ^ (ONES * 0x7f);
		m = ((x - ONES * 0x21) & ~x & HIGHS) | ((y - ONES) & ~y & HIGHS) |
		    ((z - ONES) & ~z & HIGHS);
		if (m)
			return i + (size_t)__builtin_ctzll(m) / 8;
		i += 8;
	}
	while (i < n && !blank_class[(unsigned char)s[i]]) {
		w[i] = s[i];
		i++;
	}
	return i;
}

static void txt_add(struct txt *t, const char *s, size_t n)
{
	char *w;
	size_t i = 0;

	/* room for the text, one separator and word_len's 8 bytes of
	 * overshoot, then a tight loop */
	if (sbuf_reserve(&t->out, n + 9) < 0)
		return;
	w = t->out.s + t->out.len;
	while (i < n) {
		unsigned char k = blank_class[(unsigned char)s[i]];

		if (k == 3) {
			i++;
			continue;
		}
		/* U+00AD soft hyphen, invisible but where a line breaks ("Bundes&shy;
		 * regierung"), and the C1 controls U+0080 to U+009F ("&#x9d;", which
		 * windows-1252 leaves unmapped): left out, like the C0 ones.  Kept,
		 * the hyphen would split the word for search, fingerprints and
		 * clustering, which all read it as a separator. */
		if (k == 2 && i + 1 < n &&
		    ((unsigned char)s[i + 1] == 0xad || (unsigned char)s[i + 1] < 0xa0) &&
		    (unsigned char)s[i + 1] >= 0x80) {
			i += 2;
			continue;
		}
		if (k == 1 || (k == 2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0)) {
			t->pending_sp = 1;
			i += k;
			continue;
		}
		if (t->pending_nl || t->pending_sp) {
			if (w > t->out.s)
				*w++ = t->pending_nl ? '\n' : ' ';
			t->pending_nl = t->pending_sp = 0;
		}
		/* the rest of the word: copy until the next possible blank (a
		 * lone 0xc2 is copied by the loop above, one byte at a time) */
		*w++ = s[i++];
		for (;;) {
#ifdef HTML_SSE2
			/* Sixteen bytes at a time while they are words and single
			 * spaces before a word byte: all the loops below would do
			 * is copy them.  Not: a byte below 0x20, 0x7f, 0xc2, or a
			 * space whose next byte has a blank_class. */
			while (i + 17 <= n) {
				const __m128i flip = _mm_set1_epi8((char)0x80);
				__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
				__m128i v1 = _mm_loadu_si128((const __m128i *)(s + i + 1));
				__m128i vf = _mm_xor_si128(v, flip), v1f = _mm_xor_si128(v1, flip);
				/* unsigned x < 0x20 as signed (x ^ 0x80) < (0x20 ^ 0x80) */
				__m128i bad = _mm_or_si128(
					_mm_or_si128(_mm_cmplt_epi8(vf, _mm_set1_epi8((char)0xa0)),
					             _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
					_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xc2)));
				/* the next byte blank: below 0x21, 0x7f or 0xc2 */
				__m128i nb = _mm_or_si128(
					_mm_or_si128(_mm_cmplt_epi8(v1f, _mm_set1_epi8((char)0xa1)),
					             _mm_cmpeq_epi8(v1, _mm_set1_epi8(0x7f))),
					_mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xc2)));

				bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), nb));
				if (_mm_movemask_epi8(bad))
					break;
				_mm_storeu_si128((__m128i *)w, v);
				w += 16;
				i += 16;
			}
#endif
			size_t wl = word_len(s + i, n - i, w);

			w += wl;
			i += wl;
			/* one space, then a word: what the loop above would do
			 * (a pending blank, then the separator), directly */
			if (i + 1 < n && s[i] == ' ' && !blank_class[(unsigned char)s[i + 1]]) {
				*w++ = ' ';
				*w++ = s[i + 1];
				i += 2;
				continue;
			}
			break;
		}
	}
	*w = '\0';
	t->out.len = (size_t)(w - t->out.s);
}

static void txt_start(void *ud, const char *tag, struct hattr *a, size_t n, int e)
{
	struct txt *t = ud;

	unsigned tf = tag_flags(tag);

	(void)a; (void)n;
	if (tf & T_DROP)
		t->skip++;
	else if (tf & T_BLOCK)
		t->pending_nl = 1;
	if (!e && !strcmp(tag, "pre"))
		t->pre++;
}

static void txt_end(void *ud, const char *tag)
{
	struct txt *t = ud;

	unsigned tf = tag_flags(tag);

	if (tf & T_DROP) {
		if (t->skip)
			t->skip--;
	} else if (tf & T_BLOCK) {
		t->pending_nl = 1;
	}
	if (t->pre && !strcmp(tag, "pre"))
		t->pre--;
}

static void txt_data(void *ud, const char *s, size_t n)
{
	struct txt *t = ud;
	const char *nl;

	if (t->skip)
		return;
	/* preformatted text keeps its lines (a poem, a code sample, a
	 * plain-text story wrapped in <pre>); their blanks still fold */
	while (t->pre && (nl = memchr(s, '\n', n)) != NULL) {
		txt_add(t, s, (size_t)(nl - s));
		t->pending_nl = 1;
		n -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
	txt_add(t, s, n);
}

static void txt_cp(struct txt *t, unsigned long cp)
{
	char u[4];
	size_t n;

	if (t->skip)
		return;
	if (cp >= 0x80 && cp < 0xa0 && cp1252_c1(cp))
		cp = cp1252_c1(cp);
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	/* its UTF-8 on the stack, not in a heap buffer of its own */
	n = utf8_put(u, (unsigned)cp);
	txt_add(t, u, n);
}

static void txt_charref(void *ud, const char *ref, size_t n)
{
	char buf[16];

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, ref, n);
	buf[n] = '\0';
	txt_cp(ud, buf[0] == 'x' || buf[0] == 'X' ? strtoul(buf + 1, NULL, 16)
	                                          : strtoul(buf, NULL, 10));
}

static void txt_entityref(void *ud, const char *name, size_t n)
{
	struct txt *t = ud;
	int cp = entity_lookup_n(name, n, 0);

	if (cp < 0) {
		if (n == 4 && !memcmp(name, "apos", 4)) {
			txt_cp(t, '\'');
			return;
		}
		txt_add(t, "&", 1);
		txt_add(t, name, n);
		return;
	}
	txt_cp(t, (unsigned long)cp);
}

char *html_to_text(const char *html, size_t n)
{
	static const struct htok cb = {
		0, "<", txt_start, txt_end, txt_data, txt_charref, txt_entityref, NULL,
	};
	struct txt t;

	memset(&t, 0, sizeof t);
	sbuf_init(&t.out);
	/* the text is about as long as the markup at most: one allocation */
	sbuf_reserve(&t.out, n + 16);
	html_tokenize(html, n, &cb, &t);
	if (t.out.oom) {
		sbuf_free(&t.out);
		return NULL;
	}
	return sbuf_take(&t.out);
}

/* ------------------------------------------------------------ feed links */

/* RSS/Atom autodiscovery: <link rel="alternate" type="application/rss+xml"
 * href="...">, the convention every blog engine and news site follows.
 * The whole document is read (a few pages put their links in the body);
 * a page's own <base href> applies to all of them, wherever it stands. */
#define FEED_LINK_MAX 4096

struct flinks {
	char *href;        /* the first feed link, raw */
	char *comments;    /* the first comment feed's, raw, in case it is all */
	char *base;        /* the first <base href>, raw */
	int oom;
};

/* 1 when `list` (space-separated, any case) has the token `tok`. */
static int has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		const char *w = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if ((size_t)(p - w) == n && strncasecmp(w, tok, n) == 0)
			return 1;
	}
	return 0;
}

/* The media types of the feeds tidings reads, parameters ignored. */
static int feed_type(const char *t)
{
	static const char *const types[] = {
		"application/rss+xml", "application/atom+xml", "application/rdf+xml",
	};

	while (isspace((unsigned char)*t))
		t++;
	size_t n = strcspn(t, "; \t");
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strlen(types[i]) == n && strncasecmp(t, types[i], n) == 0)
			return 1;
	return 0;
}

static const char *attr_of(const struct hattr *a, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].name, name) == 0)
			return a[i].value ? a[i].value : "";
	return NULL;
}

/* Keeps the first value for a slot, as a browser reads a URL attribute:
 * blanks around it dropped, tabs and line breaks inside it too. */
static void keep(struct flinks *f, char **slot, const char *v)
{
	if (*slot || !v)
		return;
	while (*v && isspace((unsigned char)*v))
		v++;
	size_t n = strlen(v), o = 0;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (!n)
		return;
	if (!(*slot = malloc(n + 1))) {
		f->oom = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i] != '\t' && v[i] != '\n' && v[i] != '\r')
			(*slot)[o++] = v[i];
	(*slot)[o] = '\0';
}

static void fl_start(void *ud, const char *tag, struct hattr *a, size_t n, int e)
{
	struct flinks *f = ud;

	(void)e;
	if (strcmp(tag, "base") == 0) {
		keep(f, &f->base, attr_of(a, n, "href"));
		return;
	}
	if (strcmp(tag, "link") != 0)
		return;
	const char *rel = attr_of(a, n, "rel"), *type = attr_of(a, n, "type");
	const char *href = attr_of(a, n, "href"), *title = attr_of(a, n, "title");
	if (!rel || !type || !href || !has_token(rel, "alternate") || !feed_type(type))
		return;
	/* WordPress and others list the site's feed first, then the comments'
	 * ("Comments Feed", "… » Comments Feed"): the site's is the news. */
	keep(f, title && strcasestr(title, "comment") ? &f->comments : &f->href, href);
}

/* u with each byte that is not UTF-8 percent-encoded ("%E9"), as curl
 * sends it: the page is read as bytes, and a Latin-1 page's "caf\xe9"
 * became the feed's URL as it was, in the database's text (feeds.url,
 * UTF-8) and the log.  u itself when it is all UTF-8, NULL on OOM (u
 * freed either way when not returned). */
static char *escape_non_utf8(char *u)
{
	struct sbuf b;
	const unsigned char *p = (const unsigned char *)u;
	size_t i = 0;

	while (p[i] && utf8_len(u + i, 4))
		i += utf8_len(u + i, 4);
	if (!p[i])
		return u;
	sbuf_init(&b);
	sbuf_add(&b, u, i);
	while (p[i]) {
		size_t k = utf8_len(u + i, 4);

		if (k) {
			sbuf_add(&b, u + i, k);
			i += k;
		} else {
			static const char hex[] = "0123456789ABCDEF";
			char e[3] = { '%', hex[p[i] >> 4], hex[p[i] & 15] };

			sbuf_add(&b, e, 3);
			i++;
		}
	}
	free(u);
	if (b.oom) {
		sbuf_free(&b);
		return NULL;
	}
	return sbuf_take(&b);
}

char *html_feed_link(const char *html, size_t n, const char *url)
{
	static const struct htok cb = { 1, "<", fl_start, NULL, NULL, NULL, NULL, NULL };
	struct flinks f;
	char *base = NULL, *r = NULL;

	memset(&f, 0, sizeof f);
	html_tokenize(html, n, &cb, &f);
	const char *href = f.href ? f.href : f.comments;
	if (f.oom || !href)
		goto out;
	base = f.base ? uri_join(url, f.base) : NULL;
	if (f.base && !base)
		goto out;
	r = uri_join(base ? base : url, href);
	if (r)
		r = escape_non_utf8(r);
	/* Only a web address is a feed to poll (not javascript:, not a
	 * relative one left so by a page without a URL), and one of a length
	 * people write (a hostile page's megabyte of href is none). */
	if (r && (!uri_is_web(r) || strlen(r) > FEED_LINK_MAX)) {
		free(r);
		r = NULL;
	}
out:
	free(f.href);
	free(f.comments);
	free(f.base);
	free(base);
	return r;
}

/* ------------------------------------------------------------ guessing */

int html_looks_like(const char *s)
{
	int has_close = 0, has_ent = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (p[0] == '<' && p[1] == '/') {
			const char *q = p + 2;

			while (is_word((unsigned char)*q))
				q++;
			if (q > p + 2 && *q == '>')
				has_close = 1;
		} else if (p[0] == '&') {
			const char *q = p + 1;

			if (*q == '#')
				q++;
			const char *w = q;
			while (is_word((unsigned char)*q))
				q++;
			if (q > w && *q == ';')
				has_ent = 1;
		}
	}
	if (!has_close && !has_ent)
		return 0;
	for (p = s; *p; p++) {
		if (*p == '<') {
			const char *q = p + 1, *w;
			char tag[64];
			size_t n = 0;

			if (*q == '/')
				q++;
			w = q;
			while (is_word((unsigned char)*q)) {
				if (n < sizeof tag - 1)
					tag[n++] = (char)tolower((unsigned char)*q);
				q++;
			}
			tag[n] = '\0';
			if (q > w && !(tag_flags(tag) & T_FP))
				return 0;
		} else if (*p == '&') {
			const char *q = p + 1, *w = q;

			while (is_word((unsigned char)*q))
				q++;
			if (q > w && *q == ';' && entity_lookup_n(w, (size_t)(q - w), 1) < 0)
				return 0;
		}
	}
	return 1;
}
