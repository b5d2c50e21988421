/* tests/unit/test_canon.c — canonical URLs (dedup level 2) and publisher
 * hosts: the table in tests/data/dedup/canon_urls.tsv, then the pairs that
 * must meet or stay apart, idempotence, and canon_host(). */
#include "daemon/canon.h"
#include "tests/unit/tap.h"

#include <stdlib.h>

static int same(const char *a, const char *b)
{
	char *ca = NULL, *cb = NULL;
	int r = canon_url(a, &ca) == 0 && canon_url(b, &cb) == 0 && strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	return r;
}

/* canon_url_host() (one parse, as ingest_prepare uses it) gives exactly
 * what canon_url() and canon_host() give apart, refusals included. */
static void same_as_apart(const char *url)
{
	char *c1 = NULL, *h1 = NULL, *c2 = NULL, *h2 = NULL, name[2100];
	int r1 = canon_url(url, &c1), r2 = canon_host(url, &h1);
	int r = canon_url_host(url, &c2, &h2);

	snprintf(name, sizeof name, "canon_url_host(\"%s\") = canon_url + canon_host", url);
	ok(r1 == r2 && r == r1 &&
	   ((!c1 && !c2) || (c1 && c2 && strcmp(c1, c2) == 0)) &&
	   ((!h1 && !h2) || (h1 && h2 && strcmp(h1, h2) == 0)), name);
	free(c1);
	free(h1);
	free(c2);
	free(h2);
}

static void table(void)
{
	FILE *f = fopen("tests/data/dedup/canon_urls.tsv", "r");
	char line[2048];
	int n = 0;
	if (!ok(f != NULL, "fixture tests/data/dedup/canon_urls.tsv opens"))
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab) {
			ok(0, "fixture line has a tab");
			continue;
		}
		*tab = '\0';
		const char *in = line, *want = tab + 1;
		char *got = NULL, name[2100];
		int rc = canon_url(in, &got);
		snprintf(name, sizeof name, "canon_url(\"%s\")", in);
		if (strcmp(want, "-") == 0) {
			ok(rc == -1 && got == NULL, name);
		} else {
			is_str(rc == 0 ? got : "(refused)", want, name);
			/* A canonical URL is a fixed point. */
			char *again = NULL;
			snprintf(name, sizeof name, "canonical form of \"%s\" is stable", in);
			ok(got && canon_url(got, &again) == 0 && strcmp(again, got) == 0, name);
			free(again);
		}
		free(got);
		same_as_apart(in);
		n++;
	}
	fclose(f);
	ok(n >= 40, "fixture has at least 40 cases");
}

static void pairs(void)
{
	ok(same("HTTP://Example.COM:80/a?utm_source=x#frag", "http://example.com/a"),
	   "the issue's example meets its canonical form");
	ok(!same("http://example.com/article?id=2", "http://example.com/article?id=3"),
	   "a meaningful query parameter keeps two articles apart");
	ok(!same("http://example.com/a?id=2&utm_source=x", "http://example.com/a?id=3&utm_source=y"),
	   "... also when both carry tracking parameters");
	ok(!same("http://example.com/a?x=1&y=2", "http://example.com/a?y=2&x=1"),
	   "parameter order is kept (servers may read it)");
	ok(!same("http://example.com/a", "https://example.com/a"),
	   "http and https stay distinct");
	ok(!same("http://example.com/a", "http://example.com/a/"),
	   "a trailing slash is part of the path");
	ok(!same("http://example.com/a%2Fb", "http://example.com/a/b"),
	   "an encoded slash is not a path separator");
	ok(!same("http://example.com/A", "http://example.com/a"),
	   "path case is kept");
	ok(!same("http://example.com/#!/story/1", "http://example.com/#!/story/2"),
	   "hash-bang routes stay distinct");
	ok(!same("https://blog.example/post/#comment-42", "https://blog.example/post/"),
	   "a comment's link (a WordPress comment feed's item) is not its post's");
	ok(!same("https://blog.example/post/#comment-42", "https://blog.example/post/#comment-43"),
	   "two comments of one post stay distinct");
	ok(same("https://blog.example/post/#comment-", "https://blog.example/post/") &&
	   same("https://blog.example/post/#comments", "https://blog.example/post/") &&
	   same("https://blog.example/post/#comment-42x", "https://blog.example/post/"),
	   "a fragment that names no one comment is still dropped");
	ok(same("http://example.com/%7Euser", "http://example.com/~user"),
	   "encoded and plain unreserved characters meet");
	ok(same("https://example.com/a?utm_source=feedburner&utm_medium=feed&fbclid=1",
	        "https://EXAMPLE.com:443/a#comments"),
	   "a FeedBurner-tagged link meets the plain one");
	ok(!same("https://example.com/a", "https://example.org/a"), "different hosts differ");
	ok(!same("https://www.example.com/a", "https://example.com/a"),
	   "www is kept in the canonical URL (it can be a different server)");
	ok(same("https://B\xc3\x9c" "CHER.example/a", "https://xn--bcher-kva.example/a"),
	   "an internationalised host in upper case and in its ASCII form meet");
	ok(!same("https://stra\xc3\x9f" "e.de/a", "https://strasse.de/a"),
	   "but two hosts IDNA 2008 tells apart stay apart");
	/* "xn--tthpc" decodes to three parenthesised letters, which IDNA
	 * maps to "(y)(x)(p)": in that Unicode form the canonical URL was no
	 * fixed point (fuzz_text's find). */
	{
		char *c = NULL, *c2 = NULL;
		ok(canon_url("https://xn--tthpc/x", &c) == 0 && c &&
		   canon_url(c, &c2) == 0 && c2 && !strcmp(c, c2) &&
		   !strcmp(c, "https://xn--tthpc/x"),
		   "an ASCII label whose Unicode form IDNA maps otherwise stays ASCII, a fixed point");
		free(c);
		free(c2);
	}
}

static void tracking(void)
{
	ok(canon_is_tracking_param("utm_source", 10), "utm_source is tracking");
	ok(canon_is_tracking_param("utm_whatever", 12), "every utm_* is tracking");
	ok(canon_is_tracking_param("GCLID", 5), "names match case-insensitively");
	ok(canon_is_tracking_param("fbclid=1", 6), "the name is the given length");
	ok(!canon_is_tracking_param("utm_", 4), "a bare prefix is not a name of the family");
	ok(!canon_is_tracking_param("id", 2), "id is not tracking");
	ok(!canon_is_tracking_param("ref", 3), "ref is not tracking (too generic)");
	ok(!canon_is_tracking_param("fbclidx", 7), "exact names do not match longer ones");
}

static void host(const char *url, const char *want)
{
	char *got = NULL, name[512];
	int rc = canon_host(url, &got);
	snprintf(name, sizeof name, "canon_host(\"%s\")", url);
	if (!want)
		ok(rc == -1 && got == NULL, name);
	else
		is_str(rc == 0 ? got : "(refused)", want, name);
	free(got);
	same_as_apart(url);
}

static void hosts(void)
{
	host("https://WWW.Example.com:8080/x", "example.com");
	host("http://www.example.com./", "example.com");
	host("http://news.example.com/a", "news.example.com");
	host("http://wwwexample.com/a", "wwwexample.com");
	host("http://www./a", "www");
	host("https://alice.substack.com/p/x", "alice.substack.com");
	host("http://[2001:DB8::1]/x", "[2001:db8::1]");
	/* An IPv6 address in any spelling is one host: libcurl rewrites a
	 * literal only into a shorter text, so these stayed as written. */
	host("http://[2001:db8::1:1:1:1:1]/x", "[2001:db8:0:1:1:1:1:1]");
	host("http://[2001:db8:0:0:1::1]/x", "[2001:db8::1:0:0:1]");
	host("http://[::ffff:7f00:1]:8080/x", "[::ffff:127.0.0.1]");
	ok(same("http://[2001:db8:0:0:1::1]/a", "http://[2001:DB8::1:0:0:1]:80/a"),
	   "an IPv6 address written two ways of one length: one canonical URL");
	host("https://WWW.B\xc3\x9c" "CHER.example/x", "b\xc3\xbc" "cher.example");
	host("https://xn--bcher-kva.example/x", "b\xc3\xbc" "cher.example");
	/* a percent-encoded host whose bytes are not UTF-8: libcurl decodes
	 * it to them, and they went into the database's text as they were */
	host("http://caf%E9.example/x", NULL);
	host("http://%FF%FE.example/x", NULL);
	host("http://caf%C3%A9.example/x", "caf\xc3\xa9.example");
	host("ftp://www.example.com/", NULL);
	host("not a url", NULL);
	ok(canon_same_site("example.com", "example.com"), "same site: the same host");
	ok(canon_same_site("feeds.example.com", "example.com") &&
	   canon_same_site("example.com", "news.feeds.example.com"), "same site: a subdomain, either way");
	ok(!canon_same_site("news.example.com", "feeds.example.com"), "not: two subdomains");
	ok(!canon_same_site("badexample.com", "example.com"), "not: a name that only ends alike");
	ok(!canon_same_site("example.com", "example.org"), "not: another domain");
}

static size_t pick(uint64_t *r, size_t n)
{
	*r = *r * 6364136223846793005ull + 1442695040888963407ull;
	return (size_t)(*r >> 33) % n;
}

/* Random links assembled from awkward pieces: every accepted one has a
 * canonical form that is a fixed point, is plain ASCII without spaces,
 * and has lost its tracking parameters. */
static void properties(void)
{
	static const char *const scheme[] = { "http://", "HTTPS://", "ftp://", "http:/", "" };
	static const char *const host[] = { "Example.COM", "www.x.org.", "[::1]", "h", "EXAMPLE.com" };
	static const char *const port[] = { "", ":80", ":443", ":8080", ":" };
	static const char *const seg[] = { "a", "%7e", "%2e%2e", "..", ".", "caf\xc3\xa9", "%2F", "A b",
	                                   "%zz", "%", "x%41y", "{}", "" };
	static const char *const param[] = { "utm_source=x", "id=2", "", "fbclid=1", "q=a+b", "x=%41",
	                                     "UTM_MEDIUM=rss", "k", "a=%2f" };
	static const char *const frag[] = { "", "#f", "#!/r", "#" };
	uint64_t r = 0x853c49e6748fea9bull;
#define PICK(a) (a[pick(&r, sizeof a / sizeof *a)])
	int accepted = 0, bad = 0;
	for (int i = 0; i < 3000; i++) {
		char url[512];
		size_t n = (size_t)snprintf(url, sizeof url, "%s%s%s", PICK(scheme), PICK(host), PICK(port));
		for (int j = (int)((r >> 40) % 4); j > 0; j--)
			n += (size_t)snprintf(url + n, sizeof url - n, "/%s", PICK(seg));
		int np = (int)((r >> 45) % 4);
		for (int j = 0; j < np; j++)
			n += (size_t)snprintf(url + n, sizeof url - n, "%c%s", j == 0 ? '?' : '&', PICK(param));
		snprintf(url + n, sizeof url - n, "%s", PICK(frag));

		char *c1 = NULL, *c2 = NULL;
		if (canon_url(url, &c1) < 0)
			continue;
		accepted++;
		int fixed = canon_url(c1, &c2) == 0 && strcmp(c1, c2) == 0;
		int clean = 1;
		for (const unsigned char *p = (const unsigned char *)c1; *p; p++)
			clean &= *p > ' ' && *p < 0x7f;
		const char *q = strchr(c1, '?');
		if (!fixed || !clean || (q && (strcasestr(q, "utm_") || strstr(q, "fbclid")))) {
			if (bad++ < 5)
				printf("#   %s -> %s -> %s\n", url, c1, c2 ? c2 : "(refused)");
		}
		free(c1);
		free(c2);
	}
	ok(accepted > 1000, "most assembled links are accepted");
	is_int(bad, 0, "canonical forms are fixed points, plain ASCII, without tracking");
#undef PICK
}

int main(void)
{
	table();
	pairs();
	tracking();
	hosts();
	properties();
	return done_testing();
}
