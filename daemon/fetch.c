/* daemon/fetch.c — libcurl multi socket interface on libev.
 *
 * curl tells us which sockets to watch (socket_cb) and when to call it
 * back (timer_cb); libev tells us when a socket is ready or the timer
 * fires, and we hand that to curl_multi_socket_action().  Finished
 * transfers are drained with curl_multi_info_read() after every action.
 *
 * Requests wait in per-host queues; a round-robin list of hosts that have
 * work and a free slot decides what starts next, so thousands of feeds on
 * one host never starve the others and no listed host sees more than
 * per_host transfers from us (a redirect's target is not held back: see
 * apply_options). */
#include "daemon/fetch.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <ev.h>

#include "daemon/canon.h"
#include "daemon/decode.h"
#include "daemon/log.h"
#include "feeds/sbuf.h"

struct host {                  /* owned by fetcher->hosts */
	char *name;
	int active;                /* transfers in flight */
	struct request *q_head, *q_tail;
	int in_ready;              /* on the ready ring */
	struct host *next_ready;
	struct host *next_hash;
	int http1_only;            /* its server claimed HTTP/2 over HTTP/1.1 */
};

/* A request waiting in its host's queue: one allocation, its strings
 * after it.  A --once cycle queues every feed at once, so this stays small;
 * the transfer (and curl's handle) exists only once it starts. */
struct request {               /* owned by its host queue, then its transfer */
	struct request *next;      /* host queue link */
	struct host *host;
	int64_t feed_id;
	int from_remote;           /* fetch_request's */
	char *etag, *lm;           /* into url's block, or NULL */
	char url[];
};

struct transfer {              /* owned by curl's multi handle while it runs */
	struct fetcher *f;
	struct host *host;
	struct request *rq;        /* owned */
	struct transfer *run_prev, *run_next; /* in-flight list */
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	size_t len, cap;
	int too_big;
	int too_slow;
	int hdr_oom;               /* a header's copy failed (header_cb) */
	/* Left this machine: a connection to an address that is not
	 * loopback nor link-local (or the URL came from such a host). */
	int remote;
	int reached;               /* a request went out (prereq_cb let it) */
	char refused_ip[64];       /* the local address a redirect led to */
	int sock_oom;              /* socket_cb could not watch its socket */
	int in_headers;            /* a status line came, the header section's
	                              end has not */
	/* Trickle check: bytes and time at the start of the current window,
	 * which opens with the first body byte. */
	double slow_t;
	curl_off_t slow_bytes;
	int statuses[16];
	int n_status;
	/* Headers of the last response in the redirect chain. */
	char *etag, *last_modified, *content_type, *content_location,
	     *content_language, *content_encoding, *retry_after, *cache_control, *expires,
	     *age, *location, *date;
	double started;
	char errbuf[CURL_ERROR_SIZE];
};

struct sock {                  /* one per socket curl asks us to watch */
	ev_io io;
	struct fetcher *f;
	curl_socket_t fd;
};

#define HOST_BUCKETS 1024
/* The longest Retry-After delay taken as it is, in seconds (ten years). */
#define RETRY_AFTER_MAX 315360000LL

struct fetcher {
	struct ev_loop *loop;
	CURLM *multi;
	CURLSH *share;
	ev_timer timer;            /* curl's timeout */
	ev_timer kicker;           /* starts queued transfers from the loop */
	struct fetch_options opt;
	char *user_agent;
	char *ca_file;             /* owned copy of opt.ca_file */
	fetch_done_fn *done;
	void *ctx;
	struct host *hosts[HOST_BUCKETS];
	struct host *ready_head, *ready_tail;
	struct transfer *running_list;
	size_t queued, running;
	size_t held;           /* responses the caller still holds (fetcher_set_held) */
	struct transfer *current;  /* the one whose result is being delivered */
	int sock_oom;              /* some transfer has sock_oom set */
};

static void start_transfers(struct fetcher *f);

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The host part of a URL, lower-cased, an IPv6 literal in one spelling
 * (canon_ipv6_host(): the per-host limit and a Retry-After hold the one
 * server however its feeds write its address); "" when it has none.
 * Caller frees. */
static char *url_host(const char *url)
{
	CURLU *u = curl_url();
	char *h = NULL, *r;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK)
		curl_url_get(u, CURLUPART_HOST, &h, 0);
	curl_url_cleanup(u);
	r = canon_ipv6_host(h ? h : "");
	curl_free(h);
	for (char *p = r; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

char *fetch_url_host(const char *url)
{
	return url_host(url);
}

static struct host *host_get(struct fetcher *f, const char *url)
{
	char *name = url_host(url);
	unsigned b;
	struct host *h;

	if (!name)
		return NULL;
	b = hash_str(name) % HOST_BUCKETS;
	for (h = f->hosts[b]; h; h = h->next_hash)
		if (strcmp(h->name, name) == 0) {
			free(name);
			return h;
		}
	h = calloc(1, sizeof *h);
	if (!h) {
		free(name);
		return NULL;
	}
	h->name = name;
	h->next_hash = f->hosts[b];
	f->hosts[b] = h;
	return h;
}

static void ready_push(struct fetcher *f, struct host *h)
{
	if (h->in_ready || !h->q_head || h->active >= f->opt.per_host)
		return;
	h->in_ready = 1;
	h->next_ready = NULL;
	if (f->ready_tail)
		f->ready_tail->next_ready = h;
	else
		f->ready_head = h;
	f->ready_tail = h;
}

static struct host *ready_pop(struct fetcher *f)
{
	struct host *h = f->ready_head;

	if (!h)
		return NULL;
	f->ready_head = h->next_ready;
	if (!f->ready_head)
		f->ready_tail = NULL;
	h->in_ready = 0;
	return h;
}

static void transfer_free(struct transfer *t)
{
	if (!t)
		return;
	if (t->easy)
		curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	free(t->rq);
	free(t->body);
	free(t->etag); free(t->last_modified); free(t->content_type);
	free(t->content_location); free(t->content_language); free(t->content_encoding);
	free(t->retry_after); free(t->cache_control); free(t->expires);
	free(t->age); free(t->location); free(t->date);
	free(t);
}

/* ---- curl callbacks ---------------------------------------------------- */

static size_t write_cb(char *data, size_t size, size_t nmemb, void *p)
{
	struct transfer *t = p;
	size_t n = size * nmemb;

	/* Enforced on the bytes as they arrive (still compressed: see
	 * decode.h), so a missing Content-Length cannot make us buffer more;
	 * content_decode() holds the decoded body to the same bound. */
	if ((int64_t)(t->len + n) > t->f->opt.max_size) {
		t->too_big = 1;
		return 0;
	}
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 16384;
		char *nb;

		while (cap < t->len + n + 1)
			cap *= 2;
		if (!(nb = realloc(t->body, cap)))
			return 0;
		t->body = nb;
		t->cap = cap;
	}
	memcpy(t->body + t->len, data, n);
	t->len += n;
	t->body[t->len] = '\0';
	return n;
}

/* 0, or -1 out of memory. */
static int set_hdr(char **slot, const char *v, size_t n)
{
	free(*slot);
	*slot = strndup(v, n);
	return *slot ? 0 : -1;
}

/* set_hdr() for a field whose value becomes text in the database: ETag
 * and Last-Modified (feeds), Content-Language (stories.lang),
 * Content-Location (the base of every relative link and guid).  The
 * database holds UTF-8 (schema.md); a value that is not (a Latin-1 byte,
 * which HTTP's obs-text allows) was stored as it came, and a reader
 * decoding the column failed (Python's sqlite3 raises).  Such a value is
 * dropped, as if the field had not been sent: the feed is then polled
 * without that validator, read without that language or base. */
static int set_text_hdr(char **slot, const char *v, size_t n)
{
	if (utf8_valid(v, n))
		return set_hdr(slot, v, n);
	free(*slot);
	*slot = NULL;
	return 0;
}

/* A list-valued field sent on several lines is one list, joined with
 * commas (RFC 9110 5.3): "Content-Encoding: deflate" then
 * "Content-Encoding: gzip" is "deflate, gzip".  Keeping the last line
 * only undid one coding of two and handed the parser compressed bytes. */
static int add_hdr(char **slot, const char *v, size_t n)
{
	size_t had;
	char *s;

	if (!*slot || !**slot)
		return set_hdr(slot, v, n);
	if (!n)
		return 0;
	had = strlen(*slot);
	if (!(s = realloc(*slot, had + 2 + n + 1)))
		return -1;
	memcpy(s + had, ", ", 2);
	memcpy(s + had + 2, v, n);
	s[had + 2 + n] = '\0';
	*slot = s;
	return 0;
}

static size_t header_cb(char *data, size_t size, size_t nmemb, void *p)
{
	struct transfer *t = p;
	size_t n = size * nmemb, klen;
	const char *colon, *v, *end = data + n;
	int code, rc = 0;

	/* A status line starts each response of a redirect chain: forget the
	 * previous response's headers and remember its status. */
	if (n > 5 && strncmp(data, "HTTP/", 5) == 0) {
		const char *sp = memchr(data, ' ', n);

		/* "HTTP/2.0 200 OK" from a server speaking HTTP/1.1 over TLS
		 * (libcurl's own line for an HTTP/2 answer is "HTTP/2 200 \r\n";
		 * over plain http there is none): its host's later transfers
		 * ask for HTTP/1.1 alone.  See setup_easy(). */
		if ((data[5] == '2' || data[5] == '3') &&
		    (n != 13 || data[6] != ' ' || data[10] != ' ' || data[11] != '\r'))
			t->host->http1_only = 1;
		t->in_headers = 1;
		if (sp && sscanf(sp + 1, "%3d", &code) == 1 && code >= 200) {
			if (t->n_status < (int)(sizeof t->statuses / sizeof t->statuses[0]))
				t->statuses[t->n_status++] = code;
			char **all[] = { &t->etag, &t->last_modified, &t->content_type,
			                 &t->content_location, &t->content_language, &t->content_encoding,
			                 &t->retry_after, &t->cache_control, &t->expires,
			                 &t->age, &t->location, &t->date };
			for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
				free(*all[i]);
				*all[i] = NULL;
			}
		}
		return n;
	}
	/* The empty line that ends a header section. */
	if (n <= 2 && (data[0] == '\r' || data[0] == '\n'))
		t->in_headers = 0;
	if (!(colon = memchr(data, ':', n)))
		return n;
	klen = (size_t)(colon - data);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
#define HDR(name, slot) \
	if (klen == sizeof(name) - 1 && strncasecmp(data, name, klen) == 0) \
		rc = set_hdr(&t->slot, v, (size_t)(end - v))
#define TEXT(name, slot) \
	if (klen == sizeof(name) - 1 && strncasecmp(data, name, klen) == 0) \
		rc = set_text_hdr(&t->slot, v, (size_t)(end - v))
#define LIST(name, slot) \
	if (klen == sizeof(name) - 1 && strncasecmp(data, name, klen) == 0) \
		rc = add_hdr(&t->slot, v, (size_t)(end - v))
	TEXT("ETag", etag);
	else TEXT("Last-Modified", last_modified);
	else HDR("Content-Type", content_type);
	else TEXT("Content-Location", content_location);
	else TEXT("Content-Language", content_language);
	else LIST("Content-Encoding", content_encoding);
	else HDR("Retry-After", retry_after);
	else LIST("Cache-Control", cache_control);
	else HDR("Expires", expires);
	else HDR("Age", age);
	else HDR("Location", location);
	else HDR("Date", date);
#undef HDR
#undef TEXT
#undef LIST
	/* A field lost for want of memory fails the transfer: read without
	 * it, the body was parsed without its base (Content-Location) or
	 * its language, and stored for good under the ETag that came with
	 * it; without its ETag, the feed looked healthy. */
	if (rc < 0) {
		t->hdr_oom = 1;
		return 0;
	}
	return n;
}

/* curl's own low-speed check also counts the wait for the response, so a
 * server that never answers would look like a trickle.  This one starts
 * with the first byte of the body (of the final response: redirect bodies
 * never reach write_cb); before it, only the total timeout applies. */
static int xferinfo_cb(void *p, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
	struct transfer *t = p;
	const struct fetch_options *o = &t->f->opt;
	struct timespec ts;
	double now;

	if (t->len == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (t->slow_t == 0) {
		t->slow_t = now;
		t->slow_bytes = dlnow;
		return 0;
	}
	if (now - t->slow_t < (double)o->low_speed_time)
		return 0;
	if ((double)(dlnow - t->slow_bytes) < (double)o->low_speed_limit * (now - t->slow_t)) {
		t->too_slow = 1;
		return 1;
	}
	t->slow_t = now;
	t->slow_bytes = dlnow;
	return 0;
}

static void check_multi_info(struct fetcher *f);

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sock *s = (struct sock *)w;
	struct fetcher *f = s->f;
	int action = (revents & EV_READ ? CURL_CSELECT_IN : 0) |
	             (revents & EV_WRITE ? CURL_CSELECT_OUT : 0);
	int running;

	curl_multi_socket_action(f->multi, s->fd, action, &running);
	check_multi_info(f);
}

static void timer_fired(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fetcher *f = w->data;
	int running;

	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_multi_info(f);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *p)
{
	struct fetcher *f = p;

	ev_timer_stop(f->loop, &f->timer);
	if (timeout_ms >= 0) {
		/* Milliseconds to seconds as a double: integer division here
		 * would turn every sub-second timeout into a busy zero. */
		ev_timer_set(&f->timer, (double)timeout_ms / 1000.0, 0.);
		ev_timer_start(f->loop, &f->timer);
	}
	return 0;
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *p, void *sockp)
{
	struct fetcher *f = p;
	struct sock *s = sockp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (s) {
			ev_io_stop(f->loop, &s->io);
			curl_multi_assign(f->multi, fd, NULL);
			free(s);
		}
		return 0;
	}
	if (!s) {
		if (!(s = calloc(1, sizeof *s))) {
			/* Not -1: that marks the whole multi handle dead, and
			 * a transfer whose socket nobody watches never ends
			 * (tidingsd --once waited forever).  This transfer
			 * alone fails, in check_multi_info(). */
			struct transfer *t = NULL;

			curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
			if (t) {
				t->sock_oom = 1;
				f->sock_oom = 1;
			}
			return 0;
		}
		s->f = f;
		s->fd = fd;
		ev_init(&s->io, io_cb);
		curl_multi_assign(f->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	ev_io_stop(f->loop, &s->io);
	ev_io_set(&s->io, fd, events);
	ev_io_start(f->loop, &s->io);
	return 0;
}

/* ---- results ----------------------------------------------------------- */

void fetch_format_size(char *buf, size_t n, int64_t bytes)
{
	if (bytes >= 1 << 30 && bytes % (1 << 30) == 0)
		snprintf(buf, n, "%lld GiB", (long long)(bytes >> 30));
	else if (bytes >= 1 << 20 && bytes % (1 << 20) == 0)
		snprintf(buf, n, "%lld MiB", (long long)(bytes >> 20));
	else if (bytes >= 1 << 10 && bytes % (1 << 10) == 0)
		snprintf(buf, n, "%lld KiB", (long long)(bytes >> 10));
	else
		snprintf(buf, n, "%lld bytes", (long long)bytes);
}

/* The host a failed connection was for: the feed's, or after a redirect
 * the target's (`eff`, where curl went last).  "cannot resolve host
 * news.example" was said of a feed whose host had just answered with a
 * redirect to a name that does not resolve.  `*prefix` says which. */
static const char *failed_host(struct transfer *t, const char *eff, long redirects,
                               char *buf, size_t n, const char **prefix)
{
	CURLU *u;
	char *h = NULL;

	*prefix = "";
	if (redirects <= 0 || !eff || !(u = curl_url()))
		return t->host->name;
	if (curl_url_set(u, CURLUPART_URL, eff, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK && h) {
		snprintf(buf, n, "%s", h);
		*prefix = "the redirect's target ";
	}
	curl_free(h);
	curl_url_cleanup(u);
	return *prefix ? buf : t->host->name;
}

/* Whether the n bytes at name are an IPv6 address that the literal
 * `host` ("[...]") writes another way: curl's message names the address
 * as the URL wrote it, url_host() in canon_ipv6_host()'s spelling. */
static int same_ipv6(const char *name, size_t n, const char *host)
{
	char lit[INET6_ADDRSTRLEN + 2], *a, *b;
	int same;

	if (n + 2 >= sizeof lit || host[0] != '[')
		return 0;
	snprintf(lit, sizeof lit, "[%.*s]", (int)n, name);
	a = canon_ipv6_host(lit);
	b = canon_ipv6_host(host);
	same = a && b && strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

/* A failure a person can act on, from curl's code and its message. */
static void describe_error(struct transfer *t, CURLcode rc, double elapsed,
                           const char *eff, long redirects, char *buf, size_t n)
{
	struct fetcher *f = t->f;
	char size[32], hbuf[256], proxy[256];
	const char *host, *pre, *p;
	long long most;

	switch (rc) {
	case CURLE_OUT_OF_MEMORY:
		/* libcurl holds one header line in a buffer of at most
		 * CURL_MAX_HTTP_HEADER bytes, and a longer line fails as "Out
		 * of memory", saying nothing else.  Between a status line and
		 * the end of its header section, that is what it was. */
		if (t->in_headers) {
			fetch_format_size(size, sizeof size, CURL_MAX_HTTP_HEADER);
			snprintf(buf, n, "a response header line over %s", size);
			return;
		}
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (t->hdr_oom) {
			snprintf(buf, n, "out of memory reading the response's header fields");
			return;
		}
		if (t->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
			fetch_format_size(size, sizeof size, f->opt.max_size);
			snprintf(buf, n, "body over %s", size);
			return;
		}
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		if (t->refused_ip[0]) {
			if (redirects > 0 && t->location)
				snprintf(buf, n, "refused a redirect to an address of this machine"
				         " or its link: %.300s (%s)", t->location, t->refused_ip);
			else
				snprintf(buf, n, "refused an address of this machine or its link"
				         " (%s): a web page on another host named this feed",
				         t->refused_ip);
			return;
		}
		if (t->too_slow) {
			snprintf(buf, n, "too slow: under %ld bytes/s for %ld s",
			         f->opt.low_speed_limit, f->opt.low_speed_time);
			return;
		}
		break;
	case CURLE_OPERATION_TIMEDOUT:
		/* libcurl keeps the first message of a transfer, and that is
		 * not always the timeout's: a request on a kept-alive
		 * connection the server had just closed is retried on a new
		 * one, "Recv failure: Connection reset by peer" staying.  So
		 * not any "connect": its own words for connecting that ran out
		 * of time ("Failed to connect to h port 80 after 10000 ms:
		 * Timeout was reached", "Connection timed out after",
		 * "SSL connection timeout"). */
		if (strstr(t->errbuf, "Failed to connect") ? strstr(t->errbuf, "Timeout") != NULL :
		    strstr(t->errbuf, "onnection timed out after") ||
		    strstr(t->errbuf, "onnection timeout")) {
			snprintf(buf, n, "connect timeout after %lld s",
			         (long long)f->opt.connect_timeout);
			return;
		}
		snprintf(buf, n, "timeout after %.0f s", elapsed);
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
		host = failed_host(t, eff, redirects, hbuf, sizeof hbuf, &pre);
		snprintf(buf, n, "cannot resolve %shost %s", pre, host);
		return;
	case CURLE_COULDNT_CONNECT:
		host = failed_host(t, eff, redirects, hbuf, sizeof hbuf, &pre);
		/* curl names where it tried to connect: a proxy of the
		 * environment's (https_proxy=...) when that is another name;
		 * the feed's server was never reached, so it is not its fault. */
		proxy[0] = '\0';
		if ((p = strstr(t->errbuf, "Failed to connect to ")) != NULL) {
			const char *name = p + 21, *end = strstr(name, " port ");
			size_t hl = strlen(host), nl = end ? (size_t)(end - name) : 0;
			const char *h = host;

			/* an IPv6 address without its brackets */
			if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
				h++;
				hl -= 2;
			}
			if (end && nl < sizeof proxy && (nl != hl || strncasecmp(name, h, nl) != 0) &&
			    !same_ipv6(name, nl, host))
				snprintf(proxy, sizeof proxy, "%.*s", (int)nl, name);
		}
		/* Bounded so that the three fit the caller's 512 bytes. */
		if (proxy[0])
			snprintf(buf, n, "cannot connect to the proxy %.100s (for %s%.150s): %.180s",
			         proxy, pre, host, t->errbuf);
		else
			snprintf(buf, n, "cannot connect to %s%s: %s", pre, host,
			         t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
		return;
	case CURLE_TOO_MANY_REDIRECTS:
		snprintf(buf, n, "too many redirects (more than 5)");
		return;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* An answer without a status line (curl's "HTTP/0.9"): some
		 * other protocol's server on that port, or garbage.  First:
		 * after a redirect, the Location of the 3xx before it is
		 * still at hand, and the answer was no refused redirect. */
		if (strstr(t->errbuf, "HTTP/0.9")) {
			if (t->location)
				snprintf(buf, n, "not an HTTP response from the redirect's target %s"
				         " (no status line)", t->location);
			else
				snprintf(buf, n, "not an HTTP response from %s (no status line)",
				         t->host->name);
			return;
		}
		/* A status line libcurl cannot read ("HTTP/1.1 20 OK",
		 * "HTTP/1.2 200 OK"): the server's answer, no refused URL. */
		if (strstr(t->errbuf, "Unsupported response code") ||
		    strstr(t->errbuf, "Unsupported HTTP version")) {
			host = failed_host(t, eff, redirects, hbuf, sizeof hbuf, &pre);
			snprintf(buf, n, "bad status line from %s%s: %s", pre, host, t->errbuf);
			return;
		}
		/* Otherwise only a redirect can get here: the feed list holds
		 * http(s) URLs only.  Name where it pointed, not curl's wording. */
		if (t->location) {
			snprintf(buf, n, "refused a redirect to a non-HTTP(S) URL: %s",
			         t->location);
			return;
		}
		snprintf(buf, n, "refused a non-HTTP(S) URL: %s",
		         t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
		return;
	case CURLE_BAD_CONTENT_ENCODING:
		snprintf(buf, n, "bad content encoding: %s",
		         t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
		return;
	case CURLE_RECV_ERROR:
		/* A proxy of the environment's (https_proxy=...) that answers
		 * the CONNECT with an error (407: it wants a password, 403:
		 * not that host): nothing was broken, and the feed's server
		 * was never reached. */
		if ((p = strstr(t->errbuf, "CONNECT tunnel failed")) != NULL) {
			host = failed_host(t, eff, redirects, hbuf, sizeof hbuf, &pre);
			snprintf(buf, n, "the proxy refused the tunnel to %s%s: %s", pre, host, p);
			return;
		}
		/* fall through */
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
		/* Not a broken connection: libcurl's bound on the whole
		 * header section of a response (a flood of Set-Cookie lines). */
		if (sscanf(t->errbuf, "Too large response headers: %*u > %lld", &most) == 1) {
			fetch_format_size(size, sizeof size, most);
			snprintf(buf, n, "response headers over %s", size);
			return;
		}
		/* A chunk size that is no hexadecimal number ("%s in
		 * chunked-encoding", libcurl says) is no broken connection:
		 * the server framed the body wrong, and will again on the
		 * next poll. */
		if ((p = strstr(t->errbuf, " in chunked-encoding")) != NULL) {
			snprintf(buf, n, "bad chunked encoding: %.*s", (int)(p - t->errbuf),
			         t->errbuf);
			return;
		}
		snprintf(buf, n, "connection broken: %s",
		         t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
		return;
	default:
		break;
	}
	if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
	    rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM) {
		/* An http feed that redirects to https (a site that moved)
		 * read "TLS error: ... self-signed certificate" of a URL
		 * without TLS: say whose certificate it was (after the text,
		 * which still starts "TLS error: " as tidingsd(8) says). */
		const char *msg = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);

		host = failed_host(t, eff, redirects, hbuf, sizeof hbuf, &pre);
		if (*pre)
			snprintf(buf, n, "TLS error: %.250s (at %s%.200s)", msg, pre, host);
		else
			snprintf(buf, n, "TLS error: %s", msg);
		return;
	}
	snprintf(buf, n, "%s%s%s", curl_easy_strerror(rc),
	         t->errbuf[0] ? ": " : "", t->errbuf);
}

double fetch_mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t parse_http_date(const char *s)
{
	time_t t = s ? curl_getdate(s, NULL) : -1;
	return t > 0 ? (int64_t)t : 0;
}

/* Times the server names are on its clock, as its Date is: read against
 * this machine's alone, one a day behind waited a day for "Expires" three
 * hours ahead and for a 503's "Retry-After" ten minutes ahead (holding
 * the whole host), and one an hour ahead dropped the Retry-After date and
 * asked again too soon.  0 stays none; without a Date, `t` as it is.
 *
 * Expires as RFC 9111 4.2.1 and 4.2.3 count freshness: Expires - Date,
 * less the response's age, the larger of the time since Date on this
 * clock and the Age a cache in front of the server says it has held it.
 * A clock ahead makes a response look older, so the feed is asked
 * earlier, never later; a cache that sends the origin's Date without an
 * Age (nginx's proxy cache) is read as the local clock alone reads it. */
static int64_t local_expires(int64_t t, const char *date, int64_t age, int64_t now)
{
	int64_t d = parse_http_date(date), seen;

	if (!t || !d)
		return t;
	seen = now > d ? now - d : 0;
	if (age > seen)
		seen = age;
	return now + (t - d) - seen;
}

/* A Retry-After date: the wait the server asks for from its Date (a 503
 * or 429 is the server's own answer, not a cache's copy). */
static int64_t local_retry(int64_t t, const char *date, int64_t now)
{
	int64_t d = parse_http_date(date);

	return t && d ? now + (t > d ? t - d : 0) : t;
}

static int64_t parse_max_age(const char *cc)
{
	const char *p;
	long long v;

	if (!cc)
		return -1;
	for (p = cc; (p = strcasestr(p, "max-age")); p += 7) {
		const char *q = p + 7;
		while (*q == ' ')
			q++;
		if (*q == '=' && sscanf(q + 1, " %lld", &v) == 1 && v >= 0)
			return v;
	}
	if (strcasestr(cc, "no-cache") || strcasestr(cc, "no-store"))
		return 0;
	return -1;
}

static void run_link(struct fetcher *f, struct transfer *t)
{
	t->run_prev = NULL;
	t->run_next = f->running_list;
	if (f->running_list)
		f->running_list->run_prev = t;
	f->running_list = t;
	f->running++;
}

static void run_unlink(struct fetcher *f, struct transfer *t)
{
	if (t->run_prev)
		t->run_prev->run_next = t->run_next;
	else
		f->running_list = t->run_next;
	if (t->run_next)
		t->run_next->run_prev = t->run_prev;
	f->running--;
}

/* CURLINFO_HTTP_VERSION as 10, 11, 20, 30 (0: no response). */
static int http_version_of(CURL *easy)
{
	long v = 0;

	if (curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &v) != CURLE_OK)
		return 0;
	switch (v) {
	case CURL_HTTP_VERSION_1_0: return 10;
	case CURL_HTTP_VERSION_1_1: return 11;
	case CURL_HTTP_VERSION_2_0: return 20;
	case CURL_HTTP_VERSION_3: return 30;
	default: return 0;
	}
}

/* One debug line per transfer: which protocol the server spoke and
 * whether the transfer had to open a connection of its own (0 new ones:
 * it reused one, or was multiplexed onto one as an HTTP/2 stream). */
static void log_transfer(CURL *easy, const struct fetch_result *r)
{
	long conns = 0;
	char proto[32] = "no response";

	if (log_get_level() < LOG_LVL_DEBUG)
		return;
	curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &conns);
	if (r->http_version == 20 || r->http_version == 30)
		snprintf(proto, sizeof proto, "HTTP/%d", r->http_version / 10);
	else if (r->http_version)
		snprintf(proto, sizeof proto, "HTTP/%d.%d", r->http_version / 10,
		         r->http_version % 10);
	/* Without a response and a connection of its own the transfer
	 * reused none either (a host that did not resolve, say). */
	log_debug("%s: %s, status %d, %lld bytes in %.3f s, %s connection",
	          r->url, proto, r->status, (long long)r->bytes, r->duration,
	          conns > 0 ? "new" : r->http_version ? "reused" : "no");
}

/* url without "user:password@", for what the response's URL is used for
 * besides fetching: the base of every relative link in the feed.  Joined
 * to it, a feed's relative links carried the feed's credentials into
 * stories.link, canonical_url and content, which every reader sees.
 * NULL when url has no userinfo (or on error): use url as it is. */
static char *without_userinfo(const char *url)
{
	const char *auth = strstr(url, "://");
	CURLU *u;
	char *out = NULL;

	if (!auth || !memchr(auth, '@', strcspn(auth + 3, "/?#") + 3))
		return NULL;
	u = curl_url();
	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_USER, NULL, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		out = NULL;
	curl_url_cleanup(u);
	return out;
}

/* The URL a feed with "user:password@" moved to (301/308), with them:
 * curl's effective URL never carries them, but curl sent them on to the
 * new URL when it is on the same scheme, host and port, and the answer
 * that made the move came with them.  Stored without, every later poll
 * was refused (401) for good.  NULL when url has no userinfo, moved has
 * its own, it is on another origin (where curl sent none, so none were
 * needed), or on error: moved as it is.  Caller curl_free()s. */
static char *moved_with_userinfo(const char *url, const char *moved)
{
	static const CURLUPart same[] = { CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT };
	CURLU *o = curl_url(), *m = curl_url();
	char *user = NULL, *pass = NULL, *own = NULL, *out = NULL;

	if (!o || !m || curl_url_set(o, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_set(m, CURLUPART_URL, moved, 0) != CURLUE_OK ||
	    curl_url_get(o, CURLUPART_USER, &user, 0) != CURLUE_OK)
		goto done;
	if (curl_url_get(m, CURLUPART_USER, &own, 0) == CURLUE_OK)
		goto done;     /* the new URL names its own user */
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		char *a = NULL, *b = NULL;
		int eq = curl_url_get(o, same[i], &a, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		         curl_url_get(m, same[i], &b, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		         strcasecmp(a, b) == 0;
		curl_free(a);
		curl_free(b);
		if (!eq)
			goto done;
	}
	if (curl_url_get(o, CURLUPART_PASSWORD, &pass, 0) != CURLUE_OK)
		pass = NULL;
	if (curl_url_set(m, CURLUPART_USER, user, 0) != CURLUE_OK ||
	    (pass && curl_url_set(m, CURLUPART_PASSWORD, pass, 0) != CURLUE_OK) ||
	    curl_url_get(m, CURLUPART_URL, &out, 0) != CURLUE_OK)
		out = NULL;
done:
	curl_free(user);
	curl_free(pass);
	curl_free(own);
	curl_url_cleanup(o);
	curl_url_cleanup(m);
	return out;
}

char *fetch_url_with_userinfo(const char *from, const char *to)
{
	char *c = moved_with_userinfo(from, to), *r = c ? strdup(c) : NULL;

	curl_free(c);
	return r;
}

static void finish(struct fetcher *f, CURL *easy, CURLcode rc)
{
	struct transfer *t = NULL;
	struct fetch_result r;
	char err[512];
	long status = 0, redirects = 0;
	char *eff = NULL, *base, *moved = NULL;
	double elapsed;
	int permanent = 1;
	int64_t now = (int64_t)time(NULL), age = 0;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
	curl_multi_remove_handle(f->multi, easy);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &redirects);
	curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &eff);
	elapsed = fetch_mono_now() - t->started;

	memset(&r, 0, sizeof r);
	r.feed_id = t->rq->feed_id;
	r.url = t->rq->url;
	r.ok = rc == CURLE_OK;
	r.status = (int)status;
	r.body = t->body ? t->body : "";
	r.len = t->len;
	r.effective_url = eff ? eff : t->rq->url;
	base = without_userinfo(r.effective_url);
	if (base)
		r.effective_url = base;
	r.redirects = (int)redirects;
	r.remote = t->remote;
	r.reached = t->reached;
	r.refused_local = t->refused_ip[0] != '\0';
	for (int i = 0; i + 1 < t->n_status; i++)
		if (t->statuses[i] != 301 && t->statuses[i] != 308)
			permanent = 0;
	if (redirects > 0 && permanent && t->n_status == redirects + 1 && eff &&
	    strcmp(eff, t->rq->url) != 0) {
		moved = moved_with_userinfo(t->rq->url, eff);
		r.permanent_url = moved ? moved : eff;
	}
	r.etag = t->etag;
	r.last_modified = t->last_modified;
	r.content_type = t->content_type;
	r.content_location = t->content_location;
	r.content_language = t->content_language;
	r.content_encoding = t->content_encoding;
	if (t->age) {
		char *end;
		long long v = strtoll(t->age, &end, 10);

		/* (Up to ten years, as Retry-After: no sum overflows.) */
		if (end != t->age && *end == '\0' && v > 0)
			age = v < RETRY_AFTER_MAX ? v : RETRY_AFTER_MAX;
	}
	if (t->retry_after) {
		char *end;
		long long secs = strtoll(t->retry_after, &end, 10);
		/* A server's delay of centuries is taken as ten years (the
		 * daemon waits max_interval at most anyway): "Retry-After:
		 * 9223372036854775807" overflowed the sum. */
		if (end != t->retry_after && *end == '\0' && secs >= 0)
			r.retry_after = now + (secs < RETRY_AFTER_MAX ? secs : RETRY_AFTER_MAX);
		else
			r.retry_after = local_retry(parse_http_date(t->retry_after), t->date, now);
	}
	r.max_age = parse_max_age(t->cache_control);
	/* RFC 9111 5.3: a max-age makes a recipient ignore Expires, and
	 * no-cache or no-store leave nothing to reuse until then: a feed
	 * sending "max-age=600" with a stale far-off Expires waited a day. */
	r.expires = r.max_age >= 0 ? 0 : local_expires(parse_http_date(t->expires), t->date, age, now);
	/* A cache in front of the server (a CDN) says how long it has held
	 * the response already (RFC 9111 4.2.3): max-age=3600 with Age:
	 * 3500 is fresh for 100 s more, not for an hour. */
	if (r.max_age > 0 && age > 0)
		r.max_age = age < r.max_age ? r.max_age - age : 0;
	r.duration = elapsed;
	r.bytes = (int64_t)t->len;
	r.http_version = status ? http_version_of(easy) : 0;
	if (rc != CURLE_OK) {
		describe_error(t, rc, elapsed, eff, redirects, err, sizeof err);
		r.error = err;
	}
	log_transfer(easy, &r);

	run_unlink(f, t);
	t->host->active--;
	ready_push(f, t->host);
	f->current = t;
	f->done(&r, f->ctx);
	f->current = NULL;
	curl_free(base);
	curl_free(moved);
	transfer_free(t);
}

char *fetch_take_body(struct fetcher *f)
{
	char *b;

	if (!f->current || !f->current->body)
		return NULL;
	b = f->current->body;
	f->current->body = NULL;
	f->current->len = f->current->cap = 0;
	return b;
}

static void check_multi_info(struct fetcher *f)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(f->multi, &left)))
		if (m->msg == CURLMSG_DONE)
			finish(f, m->easy_handle, m->data.result);
	while (f->sock_oom) {
		struct transfer *t;

		f->sock_oom = 0;
		for (t = f->running_list; t && !t->sock_oom; t = t->run_next)
			;
		if (t) {
			f->sock_oom = 1;   /* look again: finish() changes the list */
			t->sock_oom = 0;
			finish(f, t->easy, CURLE_OUT_OF_MEMORY);
		}
	}
	start_transfers(f);
}

/* ---- starting ---------------------------------------------------------- */

static char *header_line(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 3;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s: %s", name, value);
	return s;
}

static int add_header(struct transfer *t, const char *name, const char *value)
{
	char *line = header_line(name, value);
	struct curl_slist *l;

	if (!line)
		return -1;
	l = curl_slist_append(t->headers, line);
	free(line);
	if (!l)
		return -1;
	t->headers = l;
	return 0;
}

/* Whether a validator the server sent can go back in a request header:
 * curl splits a response's headers at LF only, so "ETag: \"v1\"\rX: 1"
 * arrives as one value with a bare CR in it, and sent back it split our
 * If-None-Match into two header lines for a lenient server or proxy (RFC
 * 9112 2.2: a sender never generates a bare CR).  Such a value is not
 * sent at all: the feed is fetched in full, as without a validator. */
static int field_value_ok(const char *v)
{
	for (; *v; v++)
		if (((unsigned char)*v < ' ' && *v != '\t') || *v == 0x7f)
			return 0;
	return 1;
}

int fetch_addr_is_local(const char *ip)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	unsigned char a[16];

	if (inet_pton(AF_INET, ip, a) == 1)
		return a[0] == 127 || a[0] == 0 || (a[0] == 169 && a[1] == 254);
	if (inet_pton(AF_INET6, ip, a) != 1)
		return 0;
	if (memcmp(a, mapped, 12) == 0)
		return a[12] == 127 || a[12] == 0 || (a[12] == 169 && a[13] == 254);
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return 1;                      /* fe80::/10 */
	for (int i = 0; i < 15; i++)
		if (a[i])
			return 0;
	return a[15] <= 1;                     /* :: and ::1 */
}

/* Called with the address of the connection each request of the
 * transfer goes out on, the redirects' included, before it is sent.  A
 * server on another machine that redirects to 127.0.0.1, localhost or
 * 169.254.169.254 names an address of ours, not of its own: followed,
 * any feed server made the daemon send requests to the services that
 * listen on this machine's loopback only, and to a cloud host's metadata
 * service, and a 301 to a feed there moved the feed in for good.  So a
 * transfer that has left this machine does not come back to it.  A feed
 * listed on localhost, and its redirects there, are fetched as ever.
 * (Through a proxy the address is the proxy's: it decides.) */
static int prereq_cb(void *p, char *ip, char *local_ip, int port, int local_port)
{
	struct transfer *t = p;
	int local;

	(void)local_ip;
	(void)port;
	(void)local_port;
	if (!ip || !*ip)
		return CURL_PREREQFUNC_OK;     /* no address known: no change */
	local = fetch_addr_is_local(ip);
	if (local && t->remote) {
		snprintf(t->refused_ip, sizeof t->refused_ip, "%s", ip);
		return CURL_PREREQFUNC_ABORT;
	}
	if (!local)
		t->remote = 1;
	t->reached = 1;
	return CURL_PREREQFUNC_OK;
}

static int setup_easy(struct fetcher *f, struct transfer *t)
{
	CURL *e = curl_easy_init();
	int https = strncasecmp(t->rq->url, "https:", 6) == 0, h2;

	if (!e)
		return -1;
	t->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, (const char *)t->rq->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	curl_easy_setopt(e, CURLOPT_SHARE, f->share);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* A transfer given up while its host name is still being looked up
	 * (connect_timeout passed, or dropped at shutdown) leaves libcurl's
	 * resolver thread to end by itself.  By default libcurl joined it,
	 * here on the event loop, until getaddrinfo() returned: with a name
	 * server that does not answer (5 s times 2 attempts per server by
	 * default, more with resolv.conf's `options timeout:`) the loop stood
	 * still, no watchdog keep-alive included, and SIGTERM took that long
	 * on top of its 5 s grace.  The detached thread frees its own state
	 * when the lookup ends. */
	curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
	/* http and https only, also after redirects: no file://, ftp://. */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, prereq_cb);
	curl_easy_setopt(e, CURLOPT_PREREQDATA, t);
	/* Compressed bodies are welcome, but undone on a parse worker, not
	 * by curl on this thread (decode.h). */
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, DECODE_ACCEPT);
	curl_easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	/* HTTP/2 where the server offers it in the TLS handshake (ALPN);
	 * HTTP/1.1 otherwise.  Where HTTP/2 cannot be had, the transfer asks
	 * for HTTP/1.1 alone, and libcurl then never sends it down a
	 * connection in use.  Asking for HTTP/2 everywhere, one answer with
	 * the status line "HTTP/2.0 200 OK" over HTTP/1.1 was taken at its
	 * word (libcurl 7.88): the host's connections were deemed to carry
	 * several requests at once, the next feeds' requests went down
	 * connections still waiting for their own answer, and a feed was
	 * given another feed's document.  So HTTP/1.1 alone for a feed listed
	 * with http:// (also where a redirect takes it to https, until a 301
	 * or 308 moves it there), and for a host whose server has claimed
	 * HTTP/2 over HTTP/1.1 (header_cb). */
	h2 = https && !t->host->http1_only;
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
	                 h2 ? (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_1_1);
	/* A second transfer to a host whose first connection is still being
	 * set up waits to learn whether it can be a stream on it, instead of
	 * opening a connection (and a TLS handshake) of its own.  Not over
	 * HTTP/1.1, never multiplexed here: waiting would gain nothing. */
	if (h2)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, f->user_agent);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)f->opt.connect_timeout);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)f->opt.timeout);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, t);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->opt.max_size);
	/* Verification is never switched off; ca_file only adds trust.
	 * (CURLOPT_CAINFO replaces libcurl's default bundle file, but its
	 * CA directory, /etc/ssl/certs on Debian, stays in use.) */
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (f->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, f->ca_file);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	if (add_header(t, "Accept", "application/rss+xml, application/atom+xml, "
	               "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, "
	               "*/*;q=0.5") < 0)
		return -1;
	if (t->rq->etag && field_value_ok(t->rq->etag) &&
	    add_header(t, "If-None-Match", t->rq->etag) < 0)
		return -1;
	if (t->rq->lm && field_value_ok(t->rq->lm) &&
	    add_header(t, "If-Modified-Since", t->rq->lm) < 0)
		return -1;
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
	return 0;
}

/* Reports a request that could not even start, from the loop. */
static void fail_now(struct fetcher *f, const struct request *q, const char *why)
{
	struct fetch_result r;

	memset(&r, 0, sizeof r);
	r.feed_id = q->feed_id;
	r.url = q->url;
	r.effective_url = q->url;
	r.error = why;
	r.body = "";
	r.max_age = -1;
	f->done(&r, f->ctx);
}

/* RFC 6761: names under .invalid never resolve, so no DNS query is sent
 * (it could only leave the machine to fail). */
static int host_is_invalid(const char *name)
{
	size_t n = strlen(name);

	if (n && name[n - 1] == '.')
		n--;
	return n >= 8 && strncmp(name + n - 8, ".invalid", 8) == 0;
}

/* Starts request q of host h: the transfer takes q.  -1 when out of
 * memory (q is still the caller's). */
static int transfer_start(struct fetcher *f, struct host *h, struct request *q)
{
	struct transfer *t = calloc(1, sizeof *t);

	if (!t)
		return -1;
	t->f = f;
	t->host = h;
	t->rq = q;
	t->remote = q->from_remote;
	t->started = fetch_mono_now();
	if (setup_easy(f, t) < 0 || curl_multi_add_handle(f->multi, t->easy) != CURLM_OK) {
		t->rq = NULL;
		transfer_free(t);
		return -1;
	}
	run_link(f, t);
	h->active++;
	return 0;
}

static void start_transfers(struct fetcher *f)
{
	struct host *h;

	while (f->running + f->held < (size_t)f->opt.concurrency && (h = ready_pop(f))) {
		struct request *q = h->q_head;
		char why[300];

		if (!q)
			continue;   /* its queue was taken back since it was pushed */

		h->q_head = q->next;
		if (!h->q_head)
			h->q_tail = NULL;
		f->queued--;
		if (host_is_invalid(h->name))
			snprintf(why, sizeof why, "cannot resolve host %s", h->name);
		else if (transfer_start(f, h, q) == 0) {
			ready_push(f, h);
			continue;
		} else
			snprintf(why, sizeof why, "out of memory starting the transfer");
		fail_now(f, q, why);
		free(q);
		ready_push(f, h);
	}
}

int fetcher_add(struct fetcher *f, const struct fetch_request *req)
{
	size_t nu = strlen(req->url) + 1;
	size_t ne = req->etag ? strlen(req->etag) + 1 : 0;
	size_t nl = req->last_modified ? strlen(req->last_modified) + 1 : 0;
	struct request *q = malloc(sizeof *q + nu + ne + nl);
	char *p;

	if (!q)
		return -1;
	q->next = NULL;
	q->feed_id = req->feed_id;
	q->from_remote = req->from_remote;
	p = q->url;
	memcpy(p, req->url, nu);
	p += nu;
	q->etag = ne ? memcpy(p, req->etag, ne) : NULL;
	p += ne;
	q->lm = nl ? memcpy(p, req->last_modified, nl) : NULL;
	if (!(q->host = host_get(f, req->url))) {
		free(q);
		return -1;
	}
	if (q->host->q_tail)
		q->host->q_tail->next = q;
	else
		q->host->q_head = q;
	q->host->q_tail = q;
	f->queued++;
	ready_push(f, q->host);
	/* Started from a zero timer so that the callback never runs inside
	 * fetcher_add() and many adds in a row batch into one start. */
	if (!ev_is_active(&f->kicker))
		ev_timer_start(f->loop, &f->kicker);
	return 0;
}

static void kick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	start_transfers(w->data);
}

void fetcher_set_held(struct fetcher *f, size_t n)
{
	size_t was = f->held;

	f->held = n;
	if (n < was && f->queued && !ev_is_active(&f->kicker))
		ev_timer_start(f->loop, &f->kicker);
}

size_t fetcher_pending(const struct fetcher *f)
{
	return f->queued + f->running;
}

int fetcher_unqueue_host(struct fetcher *f, const char *host, int64_t **ids,
                         size_t *n)
{
	struct host *h;
	struct request *q, *next;
	size_t k = 0;

	*ids = NULL;
	*n = 0;
	for (h = f->hosts[hash_str(host) % HOST_BUCKETS]; h; h = h->next_hash)
		if (strcmp(h->name, host) == 0)
			break;
	if (!h || !h->q_head)
		return 0;
	for (q = h->q_head; q; q = q->next)
		k++;
	if (!(*ids = malloc(k * sizeof **ids)))
		return -1;
	for (q = h->q_head; q; q = next) {
		next = q->next;
		(*ids)[(*n)++] = q->feed_id;
		free(q);
		f->queued--;
	}
	h->q_head = h->q_tail = NULL;
	return 0;
}

int fetcher_unqueue_feed(struct fetcher *f, const char *host, int64_t feed_id)
{
	struct host *h;
	struct request *q, *prev = NULL;

	for (h = f->hosts[hash_str(host) % HOST_BUCKETS]; h; h = h->next_hash)
		if (strcmp(h->name, host) == 0)
			break;
	if (!h)
		return 0;
	for (q = h->q_head; q; prev = q, q = q->next)
		if (q->feed_id == feed_id) {
			if (prev)
				prev->next = q->next;
			else
				h->q_head = q->next;
			if (h->q_tail == q)
				h->q_tail = prev;
			free(q);
			f->queued--;
			return 1;
		}
	return 0;
}

void fetcher_drop_queued(struct fetcher *f)
{
	for (int b = 0; b < HOST_BUCKETS; b++)
		for (struct host *h = f->hosts[b]; h; h = h->next_hash) {
			struct request *q, *next;
			for (q = h->q_head; q; q = next) {
				next = q->next;
				free(q);
				f->queued--;
			}
			h->q_head = h->q_tail = NULL;
		}
	f->ready_head = f->ready_tail = NULL;
	for (int b = 0; b < HOST_BUCKETS; b++)
		for (struct host *h = f->hosts[b]; h; h = h->next_hash)
			h->in_ready = 0;
}

static void apply_options(struct fetcher *f, const struct fetch_options *o)
{
	f->opt = *o;
	if (f->opt.concurrency < 1)
		f->opt.concurrency = 1;
	if (f->opt.per_host < 1)
		f->opt.per_host = 1;
	if (f->opt.low_speed_limit <= 0)
		f->opt.low_speed_limit = 1;
	if (f->opt.low_speed_time <= 0)
		f->opt.low_speed_time = f->opt.timeout < 30 ? f->opt.timeout : 30;
	free(f->user_agent);
	f->user_agent = strdup(o->user_agent ? o->user_agent : "tidings/" TIDINGS_VERSION);
	f->opt.user_agent = f->user_agent;
	free(f->ca_file);
	f->ca_file = xstrdup(o->ca_file);
	f->opt.ca_file = f->ca_file;
	/* Connections open at once, idle ones included: those of the
	 * transfers in flight, and as many again kept for the next request
	 * to their host.  At `concurrency`, a connection left idle was the
	 * first closed for another host's transfer: with more hosts at work
	 * than concurrency / per_host (20 hosts of 10 feeds each, per_host
	 * 2, concurrency 32), the round robin of the hosts (start_transfers)
	 * found none left, and 200 requests opened 190 connections, a TCP
	 * and TLS handshake each, where 40 served them all.  The cache
	 * (MAXCONNECTS, by default four per transfer) is held to the same,
	 * so that the open files stay what the daemon budgets for
	 * (FDS_PER_TRANSFER). */
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 2L * f->opt.concurrency);
	curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, 2L * f->opt.concurrency);
	/* per_host is the host queues' (start_transfers), never libcurl's
	 * CURLMOPT_MAX_HOST_CONNECTIONS: that one also caps the host a
	 * redirect leads to, queueing the transfer inside libcurl with its
	 * CURLOPT_TIMEOUT running, so feeds of many sites redirected to one
	 * shared host failed "timeout" behind each other's transfers. */
}

void fetcher_set_options(struct fetcher *f, const struct fetch_options *o)
{
	apply_options(f, o);
	/* A host is put in the ready list only while it has room under
	 * per_host: one whose transfers filled the old limit waited for one
	 * of them to end (its whole timeout, for the slow host a raised
	 * per_host was meant for) before its queue used the new one. */
	for (int b = 0; b < HOST_BUCKETS; b++)
		for (struct host *h = f->hosts[b]; h; h = h->next_hash)
			ready_push(f, h);
	start_transfers(f);
}

int fetcher_new(struct ev_loop *loop, const struct fetch_options *o,
                fetch_done_fn *done, void *ctx, struct fetcher **out)
{
	struct fetcher *f;
	static int global_done;

	*out = NULL;
	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return -1;
		global_done = 1;
	}
	if (!(f = calloc(1, sizeof *f)))
		return -1;
	f->loop = loop;
	f->done = done;
	f->ctx = ctx;
	if (!(f->multi = curl_multi_init()) || !(f->share = curl_share_init()))
		goto fail;
	/* One DNS cache and TLS session cache for every transfer; the multi
	 * handle already shares its connection pool. */
	curl_share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	ev_timer_init(&f->timer, timer_fired, 0., 0.);
	f->timer.data = f;
	ev_timer_init(&f->kicker, kick_cb, 0., 0.);
	f->kicker.data = f;
	apply_options(f, o);
	if (!f->user_agent || (o->ca_file && !f->ca_file))
		goto fail;
	*out = f;
	return 0;
fail:
	fetcher_free(f);
	return -1;
}

void fetcher_free(struct fetcher *f)
{
	if (!f)
		return;
	fetcher_drop_queued(f);
	while (f->running_list) {
		struct transfer *t = f->running_list;
		run_unlink(f, t);
		curl_multi_remove_handle(f->multi, t->easy);
		transfer_free(t);
	}
	ev_timer_stop(f->loop, &f->timer);
	ev_timer_stop(f->loop, &f->kicker);
	curl_multi_cleanup(f->multi);
	curl_share_cleanup(f->share);
	for (int b = 0; b < HOST_BUCKETS; b++) {
		struct host *h, *next;
		for (h = f->hosts[b]; h; h = next) {
			next = h->next_hash;
			free(h->name);
			free(h);
		}
	}
	free(f->user_agent);
	free(f->ca_file);
	free(f);
}
