/* config/feedlist.c — the feed list: OPML 1.0/2.0 (libxml2, no network, no
 * entity substitution) or plain text with one URL a line, chosen by
 * content; URL checks and duplicate removal. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "config/config.h"
#include "config/internal.h"

/* Big enough for any real subscription list, small enough to refuse a
 * wrong file (a database, a video) quickly. */
#define FEEDLIST_MAX_BYTES (64u << 20)

/* Bounds of a per-feed interval attribute, as for [daemon] interval but
 * allowing rarely updated feeds a month. */
#define ITEM_MIN_INTERVAL 60
#define ITEM_MAX_INTERVAL (30 * 86400)

/* State of one feedlist_load(): the list being built and a hash set of
 * the URLs seen so far (keys are owned here, values are item indexes). */
struct builder {
	const char *file;
	struct feedlist *fl;
	size_t cap;
	char **seen;            /* open addressing, NULL = empty; owned */
	size_t nseen, seencap;  /* seencap is a power of two */
	char *err;
	size_t errlen;
	int failed;
};

static void fail(struct builder *b, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct builder *b, long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(b->err, b->errlen, "%s:%ld: %s", b->file, line, msg);
	b->failed = 1;
}

/* An allocation that fails fails the load as "out of memory" (at the
 * line being read): a reload (SIGHUP) loads the list in a daemon that
 * must go on, and an abort() here ended it. */
static void out_of_memory(struct builder *b, long line)
{
	fail(b, line, "out of memory");
}

/* Whether the n bytes at s, between an IPv6 literal's '[' and ']', are
 * an IPv6 address (into addr), with or without a zone id after a '%'
 * ("fe80::1%25eth0", RFC 6874; libcurl also takes "%eth0"), which must
 * not be empty.  *zone: the zone id's '%', or s + n. */
static int ipv6_literal(const char *s, size_t n, unsigned char addr[16], const char **zone)
{
	const char *pct = memchr(s, '%', n);
	size_t an = pct ? (size_t)(pct - s) : n;
	char buf[INET6_ADDRSTRLEN + 1];

	*zone = pct ? pct : s + n;
	if (an >= sizeof buf || (pct && pct + 1 == s + n))
		return 0;
	memcpy(buf, s, an);
	buf[an] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

/* url (malloc'd, freed here) with an IPv6 literal host in the one text
 * inet_ntop() gives every spelling of its address (RFC 5952: lower case,
 * no leading zeros, the longest run of zeros as "::"): "[0:0::1]",
 * "[::0001]" and "[::1]" are one host.  Anything else is returned as it
 * is.  NULL (url freed) when out of memory. */
static char *ipv6_normalised(char *url)
{
	char *p = strstr(url, "://"), *end, *open, *close, *out;
	const char *zone;
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN];
	size_t n;

	if (!p)
		return url;
	p += 3;
	end = p + strcspn(p, "/?#");
	open = p;
	/* the last '@' of the authority ends the user's part */
	for (; p < end; p++)
		if (*p == '@')
			open = p + 1;
	if (open >= end || *open != '[' || !(close = memchr(open, ']', (size_t)(end - open))) ||
	    !ipv6_literal(open + 1, (size_t)(close - open - 1), a, &zone) ||
	    !inet_ntop(AF_INET6, a, text, sizeof text))
		return url;
	n = strlen(url) + sizeof text;
	if (!(out = malloc(n))) {
		free(url);
		return NULL;
	}
	snprintf(out, n, "%.*s[%s%.*s%s", (int)(open - url), url, text, (int)(close - zone), zone,
	         close);
	free(url);
	return out;
}

/* The identity of a URL for duplicate detection: scheme and host are
 * case-insensitive, the rest is not (a user name and password in front
 * of the host are the rest: they are sent as written), an IPv6 address
 * is one however written (ipv6_normalised()), a #fragment,
 * which is never sent to the server, is no part of it, and neither is
 * the scheme's own port or an empty one (":80" for http, ":443" for
 * https), nor the difference between an empty path and "/": the same
 * request either way (RFC 3986, 6.2.3).  The database knows a listed
 * feed by it too (store_sync_feeds). */
char *feedlist_url_key(const char *url)
{
	char *k = strdup(url), *out, *p, *frag, *end, *at, *host, *colon = NULL;
	int https;

	if (!k)
		return NULL;
	if ((frag = strchr(k, '#')))
		*frag = '\0';
	if (!(k = ipv6_normalised(k)))
		return NULL;
	p = strstr(k, "://");

	if (!p)
		return k;
	for (char *q = k; q < p; q++)
		*q = (char)tolower((unsigned char)*q);
	https = p - k == 5 && memcmp(k, "https", 5) == 0;
	p += 3;
	end = p + strcspn(p, "/?#");
	/* the last '@' of the authority ends the user's part */
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	host = p;
	for (; p < end; p++)
		*p = (char)tolower((unsigned char)*p);
	/* the port: after an IPv6 literal's ']', else the host's ':' */
	if (*host == '[')
		host = memchr(host, ']', (size_t)(end - host));
	if (host)
		colon = memchr(host, ':', (size_t)(end - host));
	if (colon) {
		long port = 0;

		for (p = colon + 1; p < end && port >= 0; p++)
			port = *p >= '0' && *p <= '9' && port <= 65535 ? port * 10 + (*p - '0') : -1;
		if (colon + 1 == end || port == (https ? 443 : 80)) {
			memmove(colon, end, strlen(end) + 1);
			end = colon;
		}
	}
	if (*end == '/')
		return k;
	/* "http://host" and "http://host?q": the path is "/" */
	if (!(out = malloc(strlen(k) + 2))) {
		free(k);
		return NULL;
	}
	memcpy(out, k, (size_t)(end - k));
	out[end - k] = '/';
	strcpy(out + (end - k) + 1, end);
	free(k);
	return out;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Adds key to the set unless present; returns 1 if it was new (the set
 * owns it then), -1 when out of memory. */
static int seen_add(struct builder *b, char *key)
{
	size_t i;

	if ((b->nseen + 1) * 2 > b->seencap) {
		size_t ncap = b->seencap ? b->seencap * 2 : 64;
		char **n = calloc(ncap, sizeof *n);

		if (!n)
			return -1;
		for (size_t j = 0; j < b->seencap; j++) {
			if (!b->seen[j])
				continue;
			for (i = hash_str(b->seen[j]) & (ncap - 1); n[i]; i = (i + 1) & (ncap - 1))
				;
			n[i] = b->seen[j];
		}
		free(b->seen);
		b->seen = n;
		b->seencap = ncap;
	}
	for (i = hash_str(key) & (b->seencap - 1); b->seen[i];
	     i = (i + 1) & (b->seencap - 1))
		if (strcmp(b->seen[i], key) == 0)
			return 0;
	b->seen[i] = key;
	b->nseen++;
	return 1;
}

static void builder_free(struct builder *b)
{
	for (size_t i = 0; i < b->seencap; i++)
		free(b->seen[i]);
	free(b->seen);
}

/* 0 when the authority that starts `a` (up to '/', '?', '#' or the end)
 * names a host, -1 when it is empty once "user:password@" and ":port" are
 * taken off, -2 when the port is no number from 1 to 65535 (curl would
 * refuse it at every poll), -3 when a host in brackets is no IPv6
 * address (likewise).  An empty port is the scheme's (RFC 3986). */
static int check_authority(const char *a)
{
	size_t len = strcspn(a, "/?#");
	const char *host = a, *end = a + len, *colon = NULL, *p, *zone;
	unsigned char addr[16];
	long port = 0;

	for (p = a; p < end; p++)
		if (*p == '@')
			host = p + 1;
	if (host < end && *host == '[') {
		const char *close = memchr(host, ']', (size_t)(end - host));

		if (!close || close - host < 2)
			return -1;
		if (close + 1 < end && close[1] != ':')
			return -1;
		/* libcurl refuses any other text in brackets ("[127.0.0.1]",
		 * "[fe80:1]", "[v1.x]") at every poll, as a bad port. */
		if (!ipv6_literal(host + 1, (size_t)(close - host - 1), addr, &zone))
			return -3;
		colon = close + 1 < end ? close + 1 : NULL;
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
		if ((colon ? colon : end) == host)
			return -1;
	}
	if (!colon || colon + 1 == end)
		return 0;
	for (p = colon + 1; p < end; p++) {
		if (*p < '0' || *p > '9' || (port = port * 10 + (*p - '0')) > 65535)
			return -2;
	}
	return port ? 0 : -2;
}

/* A refused URL as its error quotes it, the password as "***" up to the
 * last '@'.  The log and `tidings check` mask "://user:password@" too,
 * but only within the authority: a password holding a '/', '?', '#' or
 * a blank (not written %2F, %3F, %23, %20) ends it early, and the whole
 * password was shown, with the misleading reason its bad "port" gave. */
static const char *shown_url(const char *url, char *buf, size_t n)
{
	const char *auth = strstr(url, "://"), *colon, *at;

	if (!auth)
		return url;
	auth += 3;
	if (!(at = strrchr(auth, '@')))
		return url;
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (!colon || colon > auth + strcspn(auth, "/?# \t"))
		return url;
	snprintf(buf, n, "%.*s***%s", (int)(colon + 1 - url), url, at);
	return buf;
}

/* The length of the UTF-8 character at s, 0 for a byte that starts none
 * (libxml2's reader, as the OPML's text is read). */
static size_t utf8_char(const char *s)
{
	int len = 4;

	if ((unsigned char)*s < 0x80)
		return 1;
	return xmlGetUTF8Char((const unsigned char *)s, &len) < 0 ? 0 : (size_t)len;
}

/* The length of the Unicode space at s in UTF-8, else 0, its code point
 * in *cp: the no-break spaces U+00A0, U+202F, the spaces U+1680, U+2000
 * to U+200B (zero width), U+205F, U+3000, the line and paragraph
 * separators, and U+FEFF (a byte order mark inside a file).  Copied from
 * a web page, a URL often ends in one, and files joined with cat hold
 * the second one's byte order mark: invisible in the log, such a URL was
 * polled with "%C2%A0" at its end (404), or refused as "unsupported URL
 * 'https://...'" for the mark before its scheme. */
static size_t uspace(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c = 0;
	size_t n = 0;

	if (u[0] == 0xC2 && u[1] == 0xA0)
		c = 0xA0, n = 2;
	else if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
		c = 0x1680, n = 3;
	else if (u[0] == 0xE2 && u[1] == 0x80 &&
	         ((u[2] >= 0x80 && u[2] <= 0x8B) || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
		c = 0x2000 + (u[2] - 0x80), n = 3;
	else if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
		c = 0x205F, n = 3;
	else if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		c = 0x3000, n = 3;
	else if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		c = 0xFEFF, n = 3;
	if (cp)
		*cp = c;
	return n;
}

/* s past its leading blanks, ASCII or Unicode. */
static char *skip_blanks(char *s)
{
	for (size_t n;;) {
		if (isspace((unsigned char)*s))
			s++;
		else if ((n = uspace(s, NULL)))
			s += n;
		else
			return s;
	}
}

/* The end of the text from s to end without its trailing blanks, ASCII
 * or Unicode (s[end - s] is readable: a NUL or more text). */
static char *trim_blanks(char *s, char *end)
{
	for (;;) {
		size_t k = 0;

		if (end > s && isspace((unsigned char)end[-1]))
			k = 1;
		else if (end - s >= 2 && uspace(end - 2, NULL) == 2)
			k = 2;
		else if (end - s >= 3 && uspace(end - 3, NULL) == 3)
			k = 3;
		if (!k)
			return end;
		end -= k;
	}
}

/* 0 if url is an http or https URL with a host and no blanks, else -1
 * with the error set. */
static int check_url(struct builder *b, long line, const char *url)
{
	const char *rest, *show;
	char masked[512];

	show = shown_url(url, masked, sizeof masked);
	if (strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else {
		fail(b, line, "unsupported URL '%s' (only http and https)", show);
		return -1;
	}
	/* The host is what the authority holds after any "user:password@"
	 * and before any ":port"; without one (http://:8080/, a password
	 * whose host was left out) every poll of the feed would fail. */
	switch (check_authority(rest)) {
	case -1:
		fail(b, line, "bad URL '%s' (no host)", show);
		return -1;
	case -2:
		/* "user:pass/word@host": the authority ends at the '/', and
		 * "pass" is taken for the port. */
		if (strchr(rest + strcspn(rest, "/?#"), '@'))
			fail(b, line, "bad URL '%s' (port is not a number from 1 to 65535,"
			     " or a password holds '/', '?' or '#': write them %%2F, %%3F, %%23)",
			     show);
		else
			fail(b, line, "bad URL '%s' (port is not a number from 1 to 65535)", show);
		return -1;
	case -3:
		fail(b, line, "bad URL '%s' (no IPv6 address between '[' and ']')", show);
		return -1;
	}
	for (const char *p = url; *p; p++) {
		unsigned cp;

		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			fail(b, line, "bad URL '%s' (blank or control character)", show);
			return -1;
		}
		if (uspace(p, &cp)) {
			fail(b, line, "bad URL '%s' (Unicode space U+%04X)", show, cp);
			return -1;
		}
	}
	/* The URL is stored (feeds.url, list_url) and logged as text, which
	 * is UTF-8: a list saved in Latin-1 put the raw byte of "caf\xe9"
	 * in the database, and a reader decoding the column failed. */
	for (const unsigned char *p = (const unsigned char *)url; *p;) {
		size_t k = utf8_char((const char *)p);
		char quoted[512];
		size_t n = 0;

		if (k) {
			p += k;
			continue;
		}
		/* quoted with '?' for each byte that is not UTF-8 */
		for (const unsigned char *q = (const unsigned char *)show; *q && n + 5 < sizeof quoted;) {
			size_t m = utf8_char((const char *)q);

			if (!m) {
				quoted[n++] = '?';
				q++;
				continue;
			}
			memcpy(quoted + n, q, m);
			n += m;
			q += m;
		}
		quoted[n] = '\0';
		fail(b, line, "bad URL '%s' (not UTF-8: byte 0x%02X; save the list as UTF-8, "
		     "or write the byte %%%02X)", quoted, *p, *p);
		return -1;
	}
	return 0;
}

/* Takes ownership of title and category.  Duplicates are dropped. */
static int add_item(struct builder *b, long line, const char *url, char *title,
                    char *category, int64_t interval)
{
	struct feedlist *fl = b->fl;
	struct feedlist_item *it;
	char *key, *copy;

	if (check_url(b, line, url) < 0)
		goto drop;
	if (!(key = feedlist_url_key(url)))
		goto oom;
	switch (seen_add(b, key)) {
	case 0:
		free(key);
		goto drop;
	case -1:
		free(key);
		goto oom;
	}
	if (fl->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 32;
		struct feedlist_item *n = realloc(fl->items, ncap * sizeof *n);

		if (!n)
			goto oom;
		fl->items = n;
		b->cap = ncap;
	}
	if (!(copy = strdup(url)))
		goto oom;
	it = &fl->items[fl->n++];
	it->url = copy;
	it->title = title;
	it->category = category;
	it->interval = interval;
	return 0;
oom:
	out_of_memory(b, line);
drop:
	free(title);
	free(category);
	return b->failed ? -1 : 0;
}

/* ---- plain text --------------------------------------------------------- */

static int load_text(struct builder *b, char *text)
{
	long line = 0;
	char *next;

	for (char *s = text; s; s = next) {
		char *end, *tok_end;

		line++;
		next = strchr(s, '\n');
		if (next)
			*next++ = '\0';
		s = skip_blanks(s);
		/* a comment is '#' at the start or after a blank: a URL may
		 * carry a #fragment */
		for (end = s; *end; end++)
			if (*end == '#' && (end == s || end[-1] == ' ' || end[-1] == '\t'))
				break;
		end = trim_blanks(s, end);
		*end = '\0';
		if (!*s)
			continue;
		tok_end = s + strcspn(s, " \t");
		if (*tok_end) {
			char masked[512];

			fail(b, line, "expected one URL a line, got '%s'",
			     shown_url(s, masked, sizeof masked));
			return -1;
		}
		if (add_item(b, line, s, NULL, NULL, 0) < 0)
			return -1;
	}
	return 0;
}

/* ---- OPML ---------------------------------------------------------------- */

/* An attribute into *out as a malloc'd string with blanks trimmed, NULL
 * when absent or empty.  Returns 0, or -1 when out of memory (the error
 * set).  libxml2 returns NULL for an attribute it could not copy as for
 * one absent: the attribute node, which costs no allocation, tells them
 * apart (a feed's outline was otherwise taken for a folder). */
static int attr(struct builder *b, long line, xmlNode *n, const char *name, char **out)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s, *e;

	*out = NULL;
	if (!v) {
		if (!xmlHasNsProp(n, (const xmlChar *)name, NULL))
			return 0;
		out_of_memory(b, line);
		return -1;
	}
	s = skip_blanks((char *)v);
	e = trim_blanks(s, s + strlen(s));
	*out = e > s ? strndup(s, (size_t)(e - s)) : NULL;
	xmlFree(v);
	if (e > s && !*out) {
		out_of_memory(b, line);
		return -1;
	}
	return 0;
}

static int is_elem(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* NULL when out of memory. */
static char *join_path(const char *folder, const char *name)
{
	char *p;

	if (!folder)
		return strdup(name);
	if (asprintf(&p, "%s/%s", folder, name) < 0)
		return NULL;
	return p;
}

/* What the parser's callbacks report, at the parser context's _private. */
struct opml_parse {
	xmlError first;
	long entity_line;       /* of the first entity declaration, else 0 */
	startElementNsSAX2Func start;   /* libxml2's, which builds the tree */
};

/* libxml2's line of an element is the one its start tag ends on: an
 * outline written over several lines, as in tidings.conf(5)'s example,
 * had an error of its interval or xmlUrl on its first line reported on
 * its last.  Each element gets the line of its '<' in _private, found
 * back from where the parser stands at the tag's end (no '<' can be in
 * between: attribute values may not hold one). */
static void start_element(void *data, const xmlChar *localname, const xmlChar *prefix,
                          const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                          int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxt *ctxt = data;
	struct opml_parse *op = ctxt->_private;
	const xmlChar *p = ctxt->input->cur;
	long line = ctxt->input->line;

	while (p > ctxt->input->base && *p != '<')
		line -= *--p == '\n';
	op->start(data, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
	          nb_defaulted, attributes);
	if (*p == '<' && line > 0 && ctxt->node && ctxt->node->type == XML_ELEMENT_NODE)
		ctxt->node->_private = (void *)(intptr_t)line;
}

/* The line an element starts on, for its errors. */
static long elem_line(xmlNode *n)
{
	return n->_private ? (long)(intptr_t)n->_private : xmlGetLineNo(n);
}

/* Walks the outlines under parent; folder is the '/'-joined text of the
 * enclosing folder outlines (NULL at the top). */
static int walk(struct builder *b, xmlNode *parent, const char *folder)
{
	for (xmlNode *n = parent->children; n; n = n->next) {
		long line;
		char *url = NULL, *title = NULL, *cat = NULL, *iv = NULL;
		int64_t interval = 0;
		int r;

		if (!is_elem(n, "outline"))
			continue;
		line = elem_line(n);
		if (attr(b, line, n, "xmlUrl", &url) < 0 || attr(b, line, n, "text", &title) < 0 ||
		    (!title && attr(b, line, n, "title", &title) < 0))
			goto fail;
		if (!url) {
			if (xmlHasNsProp(n, (const xmlChar *)"xmlUrl", NULL)) {
				fail(b, line, "outline with an empty xmlUrl");
				goto fail;
			}
			/* a folder: its children are filed under its name */
			cat = title ? join_path(folder, title) : folder ? strdup(folder) : NULL;
			if (!cat && (title || folder)) {
				out_of_memory(b, line);
				goto fail;
			}
			free(title);
			r = walk(b, n, cat);
			free(cat);
			if (r < 0)
				return -1;
			continue;
		}
		if (attr(b, line, n, "interval", &iv) < 0)
			goto fail;
		if (iv) {
			char lo[16], hi[16];

			interval = config_parse_duration(iv);
			if (interval < 0) {
				fail(b, line, "interval: bad duration '%s' (use a number with s, m, h, d or w)", iv);
			} else if (interval < ITEM_MIN_INTERVAL || interval > ITEM_MAX_INTERVAL) {
				config_format_duration(ITEM_MIN_INTERVAL, lo, sizeof lo);
				config_format_duration(ITEM_MAX_INTERVAL, hi, sizeof hi);
				fail(b, line, "interval: %s is out of range (%s to %s)", iv, lo, hi);
			}
			if (b->failed)
				goto fail;
			free(iv);
			iv = NULL;
		}
		if (attr(b, line, n, "category", &cat) < 0)
			goto fail;
		if (!cat && folder && !(cat = strdup(folder))) {
			out_of_memory(b, line);
			goto fail;
		}
		r = add_item(b, line, url, title, cat, interval);
		free(url);
		if (r < 0)
			return -1;
		/* outlines nested in a feed's outline are still feeds */
		if (n->children && walk(b, n, folder) < 0)
			return -1;
		continue;
fail:
		free(url);
		free(title);
		free(cat);
		free(iv);
		return -1;
	}
	return 0;
}

/* The line of the first "<!ENTITY" in text, counting from 1. */
static long entity_line(const char *text)
{
	const char *e = strstr(text, "<!ENTITY");
	long line = 1;

	if (!e)
		return 0;
	for (const char *p = text; p < e; p++)
		line += *p == '\n';
	return line;
}

/* libxml2 goes on after the first error and lastError holds the last
 * one; the first is the one that explains the others.  userData is the
 * parser context, whose _private points at our copy.  (An error of the
 * input's encoding has no line: the input is converted ahead of the
 * parser, a chunk at a time, so it is the file's as a whole, line 0.) */
static void first_error(void *data, xmlError *e)
{
	xmlParserCtxt *ctxt = data;
	struct opml_parse *op = ctxt->_private;

	if (!op->first.message && e->level >= XML_ERR_ERROR)
		xmlCopyError(e, &op->first);
}

/* The parser's own report of an entity declaration stops it there,
 * before any entity is defined or used.  The search for "<!ENTITY" in
 * the bytes only sees encodings that write ASCII as ASCII: a UTF-16
 * file's declarations were defined and substituted into the attributes
 * read (an xmlUrl="&internal;" became the URL polled). */
static void entity_decl(void *data, const xmlChar *name, int type,
                        const xmlChar *public_id, const xmlChar *system_id,
                        xmlChar *content)
{
	xmlParserCtxt *ctxt = data;
	struct opml_parse *op = ctxt->_private;

	(void)name, (void)type, (void)public_id, (void)system_id, (void)content;
	if (!op->entity_line)
		op->entity_line = xmlSAX2GetLineNumber(ctxt);
	xmlStopParser(ctxt);
}

static void unparsed_entity_decl(void *data, const xmlChar *name,
                                 const xmlChar *public_id, const xmlChar *system_id,
                                 const xmlChar *notation)
{
	(void)notation;
	entity_decl(data, name, 0, public_id, system_id, NULL);
}

static int load_opml(struct builder *b, const char *text, size_t len)
{
	/* NONET: never fetch anything; no NOENT/DTDLOAD: entities are not
	 * substituted and no external DTD is read. */
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                 XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
	xmlParserCtxt *ctxt = NULL;
	struct opml_parse op = { { 0 }, 0, NULL };
	xmlStructuredErrorFunc old_handler;
	void *old_data;
	xmlDoc *doc = NULL;
	xmlNode *root, *body = NULL;
	int rc = -1;

	if (len > INT32_MAX) {
		fail(b, 0, "file too large");
		return -1;
	}
	/* Refused before parsing: an OPML file has no use for entities, and
	 * this keeps both external entities and expansion bombs out. */
	if (strstr(text, "<!ENTITY")) {
		fail(b, entity_line(text), "entity declarations are not accepted");
		return -1;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		out_of_memory(b, 0);
		return -1;
	}
	ctxt->sax->serror = first_error;
	ctxt->sax->entityDecl = entity_decl;
	op.start = ctxt->sax->startElementNs;
	ctxt->sax->startElementNs = start_element;
	ctxt->sax->unparsedEntityDecl = unparsed_entity_decl;
	ctxt->_private = &op;
	/* Errors of the encoding layer ("input conversion failed") are
	 * raised without the parser context, so XML_PARSE_NOERROR and serror
	 * miss them and libxml2 prints them to stderr: the thread's handler
	 * (per thread in libxml2) takes them for the parse, so that the one
	 * message is ours, with the file. */
	old_handler = xmlStructuredError;
	old_data = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(ctxt, first_error);
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, NULL, opts);
	xmlSetStructuredErrorFunc(old_data, old_handler);
	if (op.entity_line) {
		fail(b, op.entity_line, "entity declarations are not accepted");
		goto out;
	}
	/* libxml2 stops where an allocation failed: the file is not to
	 * blame ("malformed OPML: Memory allocation failed" sent the user
	 * looking for a mistake in it), and what was read of it is no list
	 * to go by. */
	if ((op.first.message && op.first.code == XML_ERR_NO_MEMORY) ||
	    ctxt->errNo == XML_ERR_NO_MEMORY || ctxt->lastError.code == XML_ERR_NO_MEMORY) {
		out_of_memory(b, op.first.message ? op.first.line : ctxt->lastError.line);
		goto out;
	}
	if (!doc || !ctxt->wellFormed) {
		const xmlError *e = op.first.message ? &op.first : &ctxt->lastError;
		const char *m = e->message ? e->message : "not well-formed";
		char msg[256];
		size_t n = 0;

		/* One line: libxml2's messages end in a newline and some hold
		 * one ("indicate encoding !\nBytes: ..."). */
		for (; *m && n + 1 < sizeof msg; m++)
			if (!isspace((unsigned char)*m))
				msg[n++] = *m;
			else if (n && msg[n - 1] != ' ')
				msg[n++] = ' ';
		while (n && msg[n - 1] == ' ')
			n--;
		msg[n] = '\0';
		/* libxml2's words ("input conversion failed due to input
		 * error") do not say what to mend: the bytes or the
		 * declaration. */
		if (e->domain == XML_FROM_I18N && ctxt->input && ctxt->input->encoding)
			fail(b, e->line, "malformed OPML: not in the encoding it declares (%s): %s",
			     (const char *)ctxt->input->encoding, msg);
		else
			fail(b, e->line, "malformed OPML: %s", msg);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !is_elem(root, "opml")) {
		fail(b, root ? elem_line(root) : 0, "not OPML (root element is <%s>)",
		     root ? (const char *)root->name : "");
		goto out;
	}
	for (xmlNode *n = root->children; n; n = n->next)
		if (is_elem(n, "body")) {
			body = n;
			break;
		}
	if (!body) {
		fail(b, elem_line(root), "OPML without <body>");
		goto out;
	}
	rc = walk(b, body, NULL);
out:
	xmlResetError(&op.first);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* ---- entry points ----------------------------------------------------------- */

void feedlist_free(struct feedlist *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		free(fl->items[i].url);
		free(fl->items[i].title);
		free(fl->items[i].category);
	}
	free(fl->items);
	fl->items = NULL;
	fl->n = 0;
}

/* The first character other than a blank of a file in UTF-16 with a byte
 * order mark (as Windows tools write "Unicode" text), 0 when there is
 * none, -1 when the file has no such mark.  libxml2 reads an OPML file
 * in UTF-16 by its mark, as the XML declaration says it may be: it used
 * to be refused as a binary file for the zero bytes of its ASCII. */
static int utf16_first(const char *text, size_t len)
{
	const unsigned char *u = (const unsigned char *)text;
	int be;

	if (len < 2 || !((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return -1;
	be = u[0] == 0xFE;
	for (size_t i = 2; i + 1 < len; i += 2) {
		unsigned c = be ? (unsigned)u[i] << 8 | u[i + 1] : (unsigned)u[i + 1] << 8 | u[i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return c < 0x80 ? (int)c : 0x80;
	}
	return 0;
}

int feedlist_load(const char *path, struct feedlist *fl, char *err, size_t errlen)
{
	struct builder b = { .file = path, .fl = fl, .err = err, .errlen = errlen };
	char why[256], *text;
	const char *p;
	size_t len, bom = 0;
	int rc;

	fl->items = NULL;
	fl->n = 0;
	if (errlen)
		err[0] = '\0';
	text = config_slurp(path, FEEDLIST_MAX_BYTES, &len, why, sizeof why);
	if (!text) {
		fail(&b, 0, "%s", why);
		return -1;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		bom = 3;
	p = text + bom;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '<' || utf16_first(text, len) == '<') {
		rc = load_opml(&b, text, len);
	} else if (utf16_first(text, len) >= 0) {
		fail(&b, 0, "a plain text feed list in UTF-16 (save it as UTF-8)");
		rc = -1;
	} else if (memchr(text, '\0', len)) {
		fail(&b, 0, "not a feed list (binary file)");
		rc = -1;
	} else {
		rc = load_text(&b, text + bom);
	}
	if (rc == 0 && fl->n == 0) {
		fail(&b, 0, "empty feed list");
		rc = -1;
	}
	builder_free(&b);
	free(text);
	if (rc < 0)
		feedlist_free(fl);
	return rc;
}
