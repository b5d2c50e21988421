/* daemon/canon.c — canonical article URLs and publisher hosts.  libcurl
 * parses (and resolves dot segments, checks the syntax); this file
 * rebuilds the URL from its parts so every normalisation is ours and
 * visible here. */
#include "daemon/canon.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feeds/sbuf.h"

/* Query parameters that only say how a reader arrived (campaign, click and
 * mail-list identifiers, analytics cookies passed by URL).  Removing them
 * never changes which article a URL names.  Generic names that sites also
 * use for content ("ref", "source", "id", "page") are deliberately absent:
 * merging two different articles is worse than missing one duplicate.
 * Matched case-insensitively on the name before '='. */
static const char *const tracking_exact[] = {
	/* click identifiers of ad networks and social sites */
	"fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid",
	"yclid", "twclid", "ttclid", "li_fat_id", "igshid", "s_kwcid",
	/* Mailchimp, HubSpot, Marketo, Vero, Olytics, Wicked Reports */
	"mc_cid", "mc_eid", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp",
	"hsctatracking", "mkt_tok", "vero_id", "vero_conv", "oly_anon_id",
	"oly_enc_id", "wickedid",
	/* Google Analytics linker, Matomo/Piwik campaigns, Webtrends */
	"_ga", "_gl", "pk_campaign", "pk_kwd", "pk_keyword", "pk_source",
	"pk_medium", "pk_content", "pk_cid", "wt.mc_id", "wt.mc_ev",
	/* share and referral markers of publishers and platforms */
	"ref_src", "ref_url", "spm", "cmpid", "ncid", "sr_share", "smid",
	"smtyp", "ocid", "at_medium", "at_campaign", "at_custom1", "ito",
};
/* Whole families: every parameter starting with one of these. */
static const char *const tracking_prefix[] = {
	"utm_",     /* Urchin/Google Analytics campaign tags */
	"mtm_",     /* Matomo campaign tags */
};

int canon_is_tracking_param(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof tracking_exact / sizeof *tracking_exact; i++)
		if (strlen(tracking_exact[i]) == len &&
		    strncasecmp(name, tracking_exact[i], len) == 0)
			return 1;
	for (size_t i = 0; i < sizeof tracking_prefix / sizeof *tracking_prefix; i++) {
		size_t pl = strlen(tracking_prefix[i]);
		if (len > pl && strncasecmp(name, tracking_prefix[i], pl) == 0)
			return 1;
	}
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int is_unreserved(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Characters a path or query may hold as they are: unreserved, the
 * sub-delimiters and ":@/?" (RFC 3986 pchar plus the query's extras). */
static int is_raw_ok(int c)
{
	return is_unreserved(c) || (c && strchr("!$&'()*+,;=:@/?", c) != NULL);
}

static void put_pct(struct sbuf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = { '%', hex[c >> 4], hex[c & 15] };
	sbuf_add(b, e, 3);
}

/* Percent-encoding made uniform (RFC 3986 6.2.2.1 and 6.2.2.2): the only
 * decoding done is of unreserved characters, which never changes meaning;
 * a reserved character written encoded stays encoded. */
static void put_normalised(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			unsigned char d = (unsigned char)(hexval((unsigned char)s[i + 1]) * 16 +
			                                  hexval((unsigned char)s[i + 2]));
			if (is_unreserved(d))
				sbuf_addc(b, (char)d);
			else
				put_pct(b, d);
			i += 2;
		} else if (is_raw_ok(c)) {
			sbuf_addc(b, (char)c);
		} else {
			put_pct(b, c); /* also a '%' that starts no escape */
		}
	}
}

/* The query without tracking parameters and empty ones, normalised; the
 * others in their order.  Leaves nothing in `b` when nothing remains. */
static void put_query(struct sbuf *b, const char *q)
{
	struct sbuf n = { 0 };
	put_normalised(&n, q, strlen(q));
	if (n.oom) {
		b->oom = 1;
		goto done;
	}
	const char *p = n.s ? n.s : "";
	int first = 1;
	while (*p) {
		size_t len = strcspn(p, "&");
		size_t name = strcspn(p, "=&");
		if (len > 0 && !canon_is_tracking_param(p, name)) {
			sbuf_addc(b, first ? '?' : '&');
			sbuf_add(b, p, len);
			first = 0;
		}
		p += len;
		if (*p == '&')
			p++;
	}
done:
	free(n.s);
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Whether libcurl gave a URL part; a part it could not give for want of
 * memory sets *oom (it is there: taken as absent, a path or a query lost
 * made another article's canonical URL). */
static int got(CURLUcode rc, int *oom)
{
	if (rc == CURLUE_OUT_OF_MEMORY)
		*oom = 1;
	return rc == CURLUE_OK;
}

/* Parses `url` with libcurl and checks it is absolute http(s).  On success
 * *hp owns the handle and *scheme is "http" or "https" (static); a failure
 * for want of memory sets *oom. */
static int parse(const char *url, CURLU **hp, const char **scheme, int *oom)
{
	CURLU *h = curl_url();
	char *sch = NULL, *trimmed = NULL;
	*hp = NULL;
	if (!h)
		*oom = 1;
	if (!h || !url)
		goto fail;
	/* Feed links often come with white space around them. */
	while (*url && (unsigned char)*url <= ' ')
		url++;
	size_t n = strlen(url);
	while (n > 0 && (unsigned char)url[n - 1] <= ' ')
		n--;
	if (!(trimmed = strndup(url, n))) {
		*oom = 1;
		goto fail;
	}
	/* Spaces inside are common too; they are encoded below. */
	if (!got(curl_url_set(h, CURLUPART_URL, trimmed, CURLU_ALLOW_SPACE), oom))
		goto fail;
	free(trimmed);
	trimmed = NULL;
	if (!got(curl_url_get(h, CURLUPART_SCHEME, &sch, 0), oom))
		goto fail;
	lower_ascii(sch);
	if (strcmp(sch, "http") == 0)
		*scheme = "http";
	else if (strcmp(sch, "https") == 0)
		*scheme = "https";
	else
		goto fail;
	curl_free(sch);
	*hp = h;
	return 0;
fail:
	free(trimmed);
	curl_free(sch);
	curl_url_cleanup(h);
	return -1;
}

/* Whether a host name holds a byte or a character no URL host may: a
 * delimiter, a blank, a control byte, a '%', or a byte that is not UTF-8
 * (libcurl decodes "caf%E9.example" to the byte 0xE9, and that host went
 * into stories.host, canonical_url and ident, text the database holds as
 * UTF-8, where a reader decoding them failed; browsers refuse the URL). */
static int bad_host(const char *host)
{
	for (const unsigned char *p = (const unsigned char *)host; *p; p++) {
		if (*p <= ' ' || *p == 0x7f || strchr("%/?#@[]\\:", *p))
			return 1;
		if (*p >= 0x80) {
			size_t k = utf8_len((const char *)p, 4);

			if (!k)
				return 1;
			p += k - 1;
		}
	}
	return 0;
}

/* The ASCII ("xn--") form IDNA gives host: non-transitional first (IDNA
 * 2008: "stra\xc3\x9f" stays itself), transitional for what only that
 * accepts, as libcurl resolves.  An idn2 return code; *ace NULL unless
 * IDN2_OK. */
static int ace_of(const char *host, uint8_t **ace)
{
	int rc = idn2_lookup_u8((const uint8_t *)host, ace, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);

	if (rc != IDN2_OK && rc != IDN2_MALLOC)
		rc = idn2_lookup_u8((const uint8_t *)host, ace, IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
	if (rc != IDN2_OK)
		*ace = NULL;
	return rc;
}

/* An internationalised host name has spellings that name one host: its
 * Unicode form in any case or normalisation, and its ASCII ("xn--") form.
 * They all become the Unicode form IDNA (UTS #46, as browsers apply it)
 * maps them to: "B\xc3\x9cCHER.example" and "xn--bcher-kva.example" are
 * "b\xc3\xbccher.example".  The Unicode form, not the ASCII one: the one
 * most feeds write, so canonical URLs stored before stay what they were.
 * NULL (the host keeps its bytes) for a plain ASCII name, a name IDNA
 * refuses, one it maps to a character no host may hold, or an "xn--"
 * label whose Unicode form IDNA would map to another name
 * ("xn--tthpc" is "\xe2\x92\xb4\xe2\x92\xb3\xe2\x92\xab", which
 * UTS #46 reads as "(y)(x)(p)"): the canonical form must be a fixed
 * point, and that one was not (the fuzzer's find). */
static char *idn_host(const char *host, int *oom)
{
	int idn = !strncmp(host, "xn--", 4) || strstr(host, ".xn--");
	uint8_t *ace = NULL, *again = NULL;
	char *u = NULL, *r = NULL;

	for (const char *p = host; *p && !idn; p++)
		idn = (unsigned char)*p >= 0x80;
	if (!idn)
		return NULL;
	int rc = ace_of(host, &ace);
	if (ace && (rc = idn2_to_unicode_8z8z((const char *)ace, &u, 0)) != IDN2_OK)
		u = NULL;
	if (u && *u && (rc = ace_of(u, &again)) == IDN2_OK && strcmp((char *)again, (char *)ace) != 0) {
		idn2_free(u);
		u = NULL;
	}
	/* (The host as written is another spelling of it: not the same.) */
	if (rc == IDN2_MALLOC)
		*oom = 1;
	idn2_free(ace);
	idn2_free(again);
	if (u && *u && !bad_host(u) && !(r = strdup(u)))
		*oom = 1;
	idn2_free(u);
	return r;
}

char *canon_ipv6_host(const char *host)
{
	size_t n = strlen(host);
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN], in[INET6_ADDRSTRLEN], *r;

	if (n < 3 || host[0] != '[' || host[n - 1] != ']' || n - 2 >= sizeof in)
		return strdup(host);
	memcpy(in, host + 1, n - 2);
	in[n - 2] = '\0';
	if (inet_pton(AF_INET6, in, a) != 1 || !inet_ntop(AF_INET6, a, text, sizeof text))
		return strdup(host);
	if ((r = malloc(strlen(text) + 3)))
		sprintf(r, "[%s]", text);
	return r;
}

/* The host lower-cased (an IDN host in its Unicode form, idn_host) without
 * trailing root dots (all of them: one at a time, canon_url's output
 * would not be a fixed point), an IPv6 literal as canon_ipv6_host() writes
 * it; a malloc'd copy the caller frees.  *dots
 * is set when some were dropped: libcurl did not see the host it now is
 * ("7.." is a name, "7" the address 0.0.0.7). */
static char *get_host(CURLU *h, int *dots, int *oom)
{
	char *host = NULL, *r = NULL;
	if (!got(curl_url_get(h, CURLUPART_HOST, &host, 0), oom) || !*host)
		goto done;
	/* libcurl decodes a percent-encoded host: a '%' left (it would decode
	 * one level more at every parse, so no canonical form would be a
	 * fixed point), or a delimiter or blank decoded, is no host name.  An
	 * IPv6 literal keeps its brackets; libcurl checked it. */
	if (host[0] != '[' && bad_host(host))
		goto done;
	lower_ascii(host);
	size_t n = strlen(host);
	while (n > 1 && host[n - 1] == '.') {
		host[--n] = '\0';
		*dots = 1;
	}
	/* A name whose Unicode form is ASCII (full-width "\xef\xbc\x91.2.3.4")
	 * may be one libcurl reads otherwise: the check below sees it. */
	if (host[0] != '[' && (r = idn_host(host, oom))) {
		/* IDNA maps other full stops ("\xe3\x80\x82", U+3002) to '.':
		 * one may end the name now. */
		n = strlen(r);
		while (n > 1 && r[n - 1] == '.') {
			r[--n] = '\0';
			*dots = 1;
		}
	} else if (*oom || !(r = host[0] == '[' ? canon_ipv6_host(host) : strdup(host))) {
		*oom = 1;
		goto done;
	}
	/* A host that was decoded ("%34") or lost its dots may be a number
	 * that libcurl reads as an IPv4 address ("0.0.0.4") only next time. */
	if (strspn(r, "0123456789abcdefx.") == n)
		*dots = 1;
done:
	curl_free(host);
	return r;
}

/* Whether fragment f names one comment of a page: "comment-" and a
 * number, as WordPress and Drupal link each comment of a comment feed
 * ("#comments", the list of them, is the page's). */
static int is_comment_fragment(const char *f)
{
	if (strncmp(f, "comment-", 8) || !f[8])
		return 0;
	return f[8 + strspn(f + 8, "0123456789")] == '\0';
}

/* One parse; *hostp, when not NULL, receives the host as get_host() gives
 * it (the caller owns it); *again is set when the result needs another
 * pass (see second_pass).  0, -1 for a URL refused, -2 out of memory. */
static int canon_once(const char *url, char **out, char **hostp, int *again)
{
	CURLU *h = NULL;
	const char *scheme;
	char *host = NULL, *port = NULL, *user = NULL, *pass = NULL;
	char *path = NULL, *query = NULL, *frag = NULL;
	struct sbuf b = { 0 };
	int oom = 0;

	*out = NULL;
	if (parse(url, &h, &scheme, &oom) < 0)
		goto fail;
	if (!(host = get_host(h, again, &oom)))
		goto fail;

	sbuf_adds(&b, scheme);
	sbuf_adds(&b, "://");
	/* Credentials are kept: they can select what the server returns. */
	if (got(curl_url_get(h, CURLUPART_USER, &user, 0), &oom)) {
		sbuf_adds(&b, user);
		if (got(curl_url_get(h, CURLUPART_PASSWORD, &pass, 0), &oom)) {
			sbuf_addc(&b, ':');
			sbuf_adds(&b, pass);
		}
		sbuf_addc(&b, '@');
	}
	sbuf_adds(&b, host);
	if (got(curl_url_get(h, CURLUPART_PORT, &port, 0), &oom)) {
		long pn = strtol(port, NULL, 10);
		int dflt = (pn == 80 && scheme[4] == '\0') || (pn == 443 && scheme[4] == 's');
		if (!dflt) {
			char num[16];
			snprintf(num, sizeof num, ":%ld", pn);
			sbuf_adds(&b, num);
		}
	}

	if (!got(curl_url_get(h, CURLUPART_PATH, &path, 0), &oom) || !*path)
		sbuf_addc(&b, '/');
	else {
		if (path[0] != '/')
			sbuf_addc(&b, '/');
		put_normalised(&b, path, strlen(path));
	}

	if (got(curl_url_get(h, CURLUPART_QUERY, &query, 0), &oom))
		put_query(&b, query);

	/* "#!/story/123" is how some single-page sites name an article, and
	 * "#comment-42" is how WordPress and Drupal name one comment of it:
	 * a comment feed's items link there, and without the fragment each
	 * would be the article itself (the post, in the blog's own feed,
	 * found as the comment stored before it, or the reverse). */
	if (got(curl_url_get(h, CURLUPART_FRAGMENT, &frag, 0), &oom) &&
	    (frag[0] == '!' || is_comment_fragment(frag))) {
		sbuf_addc(&b, '#');
		put_normalised(&b, frag, strlen(frag));
	}

	if (b.oom || oom) {
		oom = 1;
		goto fail;
	}
	if (!b.s)
		goto fail;
	*out = b.s;
	b.s = NULL;
	if (hostp) {
		*hostp = host;
		host = NULL;
	}
fail:
	free(b.s);
	free(host);
	curl_free(port);
	curl_free(user);
	curl_free(pass);
	curl_free(path);
	curl_free(query);
	curl_free(frag);
	curl_url_cleanup(h);
	return *out ? 0 : oom ? -2 : -1;
}

/* An encoded dot ("%2E%2E") is decoded after libcurl resolved the dot
 * segments, so the result may hold new ones, and a host without its
 * trailing dots may parse differently (`again`): one more pass resolves
 * them, and then the form is a fixed point. */
static int second_pass(char **out, int again_host)
{
	if (again_host || strstr(*out, "/.")) {
		char *again = NULL;
		int more = 0, rc = canon_once(*out, &again, NULL, &more);

		if (rc == 0) {
			free(*out);
			*out = again;
		} else if (rc == -2) {
			/* the first pass's form is not the canonical one */
			free(*out);
			*out = NULL;
			return -2;
		}
	}
	return 0;
}

int canon_url(const char *url, char **out)
{
	int again = 0, rc;

	if ((rc = canon_once(url, out, NULL, &again)) < 0)
		return rc;
	return second_pass(out, again);
}

/* "www." names the same publisher as the bare domain.  Other labels
 * stay: on hosting sites (x.blogspot.com, x.substack.com) each subdomain
 * is a different publisher. */
static void strip_www(char *host)
{
	if (strncmp(host, "www.", 4) == 0 && host[4])
		memmove(host, host + 4, strlen(host + 4) + 1);
}

int canon_same_site(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na == nb)
		return !strcmp(a, b);
	if (na < nb) {
		const char *t = a;
		a = b;
		b = t;
		na = nb;
		nb = strlen(b);
	}
	return a[na - nb - 1] == '.' && !strcmp(a + na - nb, b);
}

int canon_host(const char *url, char **out)
{
	CURLU *h = NULL;
	const char *scheme;
	char *host = NULL;
	int dots = 0, oom = 0;

	*out = NULL;
	if (parse(url, &h, &scheme, &oom) < 0)
		goto fail;
	if (!(host = get_host(h, &dots, &oom)))
		goto fail;
	strip_www(host);
	*out = host;
	host = NULL;
fail:
	free(host);
	curl_url_cleanup(h);
	return *out ? 0 : oom ? -2 : -1;
}

int canon_url_host(const char *url, char **canon, char **host)
{
	int again = 0, rc;

	*host = NULL;
	if ((rc = canon_once(url, canon, host, &again)) < 0)
		return rc;
	strip_www(*host);
	if ((rc = second_pass(canon, again)) < 0) {
		free(*host);
		*host = NULL;
	}
	return rc;
}

