/* feeds/uri.c — RFC 3986 section 5 reference resolution on plain strings,
 * with the deviations of Python's urljoin that feeds depend on (a base in a
 * non-hierarchical scheme does not resolve; "http:///x" loses extra
 * slashes), plus the scheme allowlist used for anything we emit. */
#include "feeds/uri.h"
#include "feeds/sbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct parts {
	const char *scheme; size_t scheme_n;
	const char *auth; size_t auth_n; int has_auth;
	const char *path; size_t path_n;
	const char *query; size_t query_n; int has_query;
	const char *frag; size_t frag_n; int has_frag;
};

static void split_uri(const char *s, struct parts *p)
{
	const char *q = s;

	memset(p, 0, sizeof *p);
	if (isalpha((unsigned char)*q)) {
		const char *c = q;

		while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.')
			c++;
		if (*c == ':') {
			p->scheme = s;
			p->scheme_n = (size_t)(c - s);
			q = c + 1;
		}
	}
	if (q[0] == '/' && q[1] == '/') {
		q += 2;
		p->auth = q;
		p->has_auth = 1;
		while (*q && *q != '/' && *q != '?' && *q != '#')
			q++;
		p->auth_n = (size_t)(q - p->auth);
	}
	p->path = q;
	while (*q && *q != '?' && *q != '#')
		q++;
	p->path_n = (size_t)(q - p->path);
	if (*q == '?') {
		p->has_query = 1;
		p->query = ++q;
		while (*q && *q != '#')
			q++;
		p->query_n = (size_t)(q - p->query);
	}
	if (*q == '#') {
		p->has_frag = 1;
		p->frag = q + 1;
		p->frag_n = strlen(q + 1);
	}
}

/* RFC 3986 5.2.4 on a buffer: removes "." and ".." segments in place. */
static void remove_dots(struct sbuf *out, const char *in, size_t n)
{
	struct sbuf b;
	size_t i = 0;

	sbuf_init(&b);
	while (i < n) {
		const char *s = in + i;
		size_t left = n - i;

		if (left >= 3 && memcmp(s, "../", 3) == 0) { i += 3; continue; }
		if (left >= 2 && memcmp(s, "./", 2) == 0) { i += 2; continue; }
		if (left >= 3 && memcmp(s, "/./", 3) == 0) { i += 2; continue; }
		if (left == 2 && memcmp(s, "/.", 2) == 0) { sbuf_addc(&b, '/'); break; }
		if ((left >= 4 && memcmp(s, "/../", 4) == 0) || (left == 3 && memcmp(s, "/..", 3) == 0)) {
			/* drop the last segment of the output */
			while (b.len && b.s[b.len - 1] != '/')
				b.len--;
			if (b.len)
				b.len--;
			if (b.s)
				b.s[b.len] = '\0';
			if (left == 3) {
				sbuf_addc(&b, '/');
				break;
			}
			i += 3;
			continue;
		}
		if ((left == 1 && s[0] == '.') || (left == 2 && memcmp(s, "..", 2) == 0))
			break;
		/* move the first segment (with its leading '/') to the output */
		size_t k = s[0] == '/' ? 1 : 0;

		while (k < left && s[k] != '/')
			k++;
		sbuf_add(&b, s, k);
		i += k;
	}
	/* A path cut short by a failed allocation fails the whole URI: its
	 * sbuf_str() is "", not b.len bytes, and a shorter path is another
	 * address ("http://host/a/b" stored as "http://host"). */
	if (b.oom)
		out->oom = 1;
	else
		sbuf_add(out, sbuf_str(&b), b.len);
	sbuf_free(&b);
}

static int scheme_is(const struct parts *p, const char *name)
{
	return p->scheme && strlen(name) == p->scheme_n &&
	       strncasecmp(p->scheme, name, p->scheme_n) == 0;
}

/* Python's urljoin only resolves in these schemes. */
static int hierarchical(const struct parts *p)
{
	static const char *const uses_relative[] = {
		"ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https",
		"shttp", "mms", "prospero", "rtsp", "rtspu", "sftp", "svn",
		"svn+ssh", "ws", "wss",
	};

	if (!p->scheme)
		return 1;
	for (size_t i = 0; i < sizeof uses_relative / sizeof uses_relative[0]; i++)
		if (scheme_is(p, uses_relative[i]))
			return 1;
	return 0;
}

char *uri_join(const char *base, const char *ref)
{
	struct parts b, r;
	struct sbuf out, tmp;
	const char *fixed;

	if (!ref)
		ref = "";
	if (!base || !*base)
		return strdup(ref);
	if (!*ref)
		return strdup(base);
	/* "http:////host" -> "http://host" (feedparser's _urifixer) */
	split_uri(ref, &r);
	if (r.scheme && r.has_auth && r.auth_n == 0 && r.path_n && r.path[0] == '/') {
		fixed = r.path;
		while (*fixed == '/')
			fixed++;
		sbuf_init(&tmp);
		sbuf_add(&tmp, ref, r.scheme_n);
		sbuf_adds(&tmp, "://");
		sbuf_adds(&tmp, fixed);
		char *fx, *res;

		if (tmp.oom) {
			sbuf_free(&tmp);
			return NULL;
		}
		fx = sbuf_take(&tmp);
		res = uri_join(base, fx);
		free(fx);
		return res;
	}
	split_uri(base, &b);
	if (!hierarchical(&b))
		return strdup(ref);
	if (r.scheme && !(b.scheme && r.scheme_n == b.scheme_n &&
	                  strncasecmp(r.scheme, b.scheme, b.scheme_n) == 0))
		return strdup(ref);
	if (r.scheme && !hierarchical(&r))
		return strdup(ref);

	sbuf_init(&out);
	if (b.scheme) {
		sbuf_add(&out, b.scheme, b.scheme_n);
		sbuf_addc(&out, ':');
	}
	if (r.has_auth) {
		sbuf_adds(&out, "//");
		sbuf_add(&out, r.auth, r.auth_n);
		remove_dots(&out, r.path, r.path_n);
		if (r.has_query) {
			sbuf_addc(&out, '?');
			sbuf_add(&out, r.query, r.query_n);
		}
	} else {
		if (b.has_auth) {
			sbuf_adds(&out, "//");
			sbuf_add(&out, b.auth, b.auth_n);
		}
		if (r.path_n == 0) {
			sbuf_add(&out, b.path, b.path_n);
			if (r.has_query) {
				sbuf_addc(&out, '?');
				sbuf_add(&out, r.query, r.query_n);
			} else if (b.has_query) {
				sbuf_addc(&out, '?');
				sbuf_add(&out, b.query, b.query_n);
			}
		} else {
			if (r.path[0] == '/') {
				remove_dots(&out, r.path, r.path_n);
			} else {
				struct sbuf merged;
				size_t keep = b.path_n;

				sbuf_init(&merged);
				if (b.has_auth && b.path_n == 0) {
					sbuf_addc(&merged, '/');
				} else {
					while (keep && b.path[keep - 1] != '/')
						keep--;
					sbuf_add(&merged, b.path, keep);
				}
				sbuf_add(&merged, r.path, r.path_n);
				if (merged.oom)
					out.oom = 1;
				else
					remove_dots(&out, sbuf_str(&merged), merged.len);
				sbuf_free(&merged);
			}
			if (r.has_query) {
				sbuf_addc(&out, '?');
				sbuf_add(&out, r.query, r.query_n);
			}
		}
	}
	if (r.has_frag) {
		sbuf_addc(&out, '#');
		sbuf_add(&out, r.frag, r.frag_n);
	}
	if (out.oom) {
		sbuf_free(&out);
		return NULL;
	}
	return sbuf_take(&out);
}

static int scheme_listed(const char *uri, int strict)
{
	static const char *const ok[] = {
		"file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap",
		"magnet", "mailto", "mms", "news", "nntp", "prospero", "rsync",
		"rtsp", "rtspu", "sftp", "shttp", "sip", "sips", "snews", "svn",
		"svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime",
		"feed", "git", "gtalk", "irc", "ircs", "irc6", "itms", "msnim",
		"skype", "ssh", "smb", "ymsg",
	};
	const char *c;
	size_t n;

	while (isspace((unsigned char)*uri))
		uri++;
	c = strchr(uri, ':');
	if (!c)
		return !strict;
	n = (size_t)(c - uri);
	/* anything before ':' that is not a scheme (a path) is harmless */
	for (size_t i = 0; i < n && !strict; i++)
		if (!(isalnum((unsigned char)uri[i]) || uri[i] == '+' || uri[i] == '-' || uri[i] == '.'))
			return 0;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strlen(ok[i]) == n && strncmp(ok[i], uri, n) == 0)
			return 1;
	return 0;
}

int uri_scheme_ok(const char *uri)
{
	return scheme_listed(uri, 0);
}

int uri_is_web(const char *uri)
{
	return uri && (strncasecmp(uri, "http://", 7) == 0 || strncasecmp(uri, "https://", 8) == 0);
}

char *uri_safe_join(const char *base, const char *ref)
{
	char *u;

	if (!base || !*base)
		return strdup(ref ? ref : "");
	if (!ref || !*ref) {
		struct parts p;

		split_uri(base, &p);
		if (!p.scheme || uri_scheme_ok(base))
			return strdup(base);
		return strdup("");
	}
	/* like feedparser: the joined result must name an allowed scheme */
	u = uri_join(base, ref);
	if (u && !scheme_listed(u, 1)) {
		free(u);
		return strdup("");
	}
	return u;
}
