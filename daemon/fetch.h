/* daemon/fetch.h — HTTP(S) fetching on the libev loop with libcurl's multi
 * socket interface.  The caller queues requests; the fetcher runs at most
 * `concurrency` transfers at once and at most `per_host` per host, and
 * calls back once per request with everything the scheduler and the
 * ingest pipeline need.  Nothing here blocks the loop. */
#ifndef TIDINGS_FETCH_H
#define TIDINGS_FETCH_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct fetcher;   /* opaque; owns the multi and share handles, watchers,
                     the queue and every transfer in flight */

struct fetch_options {
	int concurrency;           /* transfers in flight at most */
	int per_host;              /* transfers per host at most */
	int64_t timeout;           /* whole transfer, seconds */
	int64_t connect_timeout;   /* seconds */
	int64_t max_size;          /* body bytes (after decoding) at most */
	const char *user_agent;
	/* PEM file of certificate authorities to trust besides the system's
	 * CA directory (libcurl's CA path), or NULL for the system's store
	 * alone.  Peer and host name verification are always on. */
	const char *ca_file;
	/* Below this many bytes/s for low_speed_time seconds, once the
	 * body has begun, is a trickle (waiting for it is the timeout). */
	long low_speed_limit, low_speed_time;
};

struct fetch_request {
	int64_t feed_id;
	const char *url;             /* copied */
	const char *etag;            /* validators, NULL if none; copied */
	const char *last_modified;
	/* The URL was named by a host other than this machine (a web page
	 * on another address, autodiscovery): it may not lead to a loopback
	 * or link-local address either, from its first request on. */
	int from_remote;
};

/* Everything learnt from one request.  Owned by the fetcher and valid only
 * during the callback. */
struct fetch_result {
	int64_t feed_id;
	const char *url;             /* as requested */
	int ok;                      /* transfer completed (any HTTP status) */
	int status;                  /* final HTTP status, 0 if none */
	const char *error;           /* human-readable failure, or NULL */
	const char *body;            /* NUL-terminated; len bytes */
	size_t len;
	const char *effective_url;   /* after redirects, without user:password@ */
	const char *permanent_url;   /* set when every redirect was 301/308 */
	int redirects;
	const char *etag, *last_modified;
	const char *content_type, *content_location, *content_language;
	const char *content_encoding; /* as sent: the body is not decoded
	                                 (decode.h), NULL when none */
	int64_t retry_after;         /* absolute Unix time, 0 if none */
	int64_t max_age;             /* Cache-Control max-age seconds, less
	                                the response's Age, -1 */
	int64_t expires;             /* Expires as Unix time, 0 if none */
	int http_version;            /* of the final response: 10, 11, 20
	                                (HTTP/2), 30; 0 when none came */
	int remote;                  /* the transfer reached an address not
	                                this machine's loopback nor link-local
	                                (or the request was from_remote) */
	int refused_local;           /* refused: it led from such an address
	                                to a loopback or link-local one */
	int reached;                 /* a request went out on a connection
	                                (to an address the guard let pass);
	                                0: none did (no name, no connection,
	                                no TLS, or refused) */
	double duration;             /* seconds */
	int64_t bytes;               /* body bytes received (as sent) */
};

typedef void fetch_done_fn(const struct fetch_result *r, void *ctx);

/* From inside the done callback only: hands over the body (r->body,
 * r->len bytes, NUL-terminated), which the caller then frees; the result
 * stays readable, its body now the caller's.  NULL when there is none.
 * Saves copying every body on the loop thread. */
char *fetch_take_body(struct fetcher *f);

/* "8 MiB", "512 KiB", "1000 bytes": sizes in error texts. */
void fetch_format_size(char *buf, size_t n, int64_t bytes);

int fetcher_new(struct ev_loop *loop, const struct fetch_options *o,
                fetch_done_fn *done, void *ctx, struct fetcher **out);
void fetcher_free(struct fetcher *f);

/* Changes limits for the transfers started from now on (SIGHUP). */
void fetcher_set_options(struct fetcher *f, const struct fetch_options *o);

/* Queues a request.  The callback runs later, from the loop, never from
 * inside this call.  Returns -1 only when out of memory. */
int fetcher_add(struct fetcher *f, const struct fetch_request *req);

/* n responses already handed to the callback are still being processed
 * (parsed on another thread, waiting to be stored): they count against
 * the concurrency limit, so that a fast network cannot pile up bodies
 * and parsed feeds in memory faster than the store takes them. */
void fetcher_set_held(struct fetcher *f, size_t n);

/* Transfers queued or in flight. */
size_t fetcher_pending(const struct fetcher *f);

/* The lower-cased host of a URL ("" when it has none), as the per-host
 * limit sees it.  Caller frees; NULL when out of memory. */
char *fetch_url_host(const char *url);

/* `to` with the "user:password@" of `from` when `from` has them, `to` has
 * none of its own and is on the same scheme, host and port (where curl
 * sends them on): a feed moved for good, or named by the page listed.
 * NULL otherwise, or on error (then `to` as it is).  Caller frees. */
char *fetch_url_with_userinfo(const char *from, const char *to);

/* 1 when ip (numeric, as libcurl reports a connection's address) is this
 * machine's own (loopback, 0.0.0.0/8, ::) or link-local (169.254.0.0/16,
 * fe80::/10, where cloud metadata services answer), IPv4-mapped included;
 * 0 otherwise. */
int fetch_addr_is_local(const char *ip);

/* Takes back the requests for `host` that are queued and not started (the
 * host asked us to wait: they must not go out now).  *ids gets a malloc'ed
 * array of their feed ids, owned by the caller, and *n its length; no
 * callback runs for them.  Returns 0, or -1 when out of memory. */
int fetcher_unqueue_host(struct fetcher *f, const char *host, int64_t **ids,
                         size_t *n);

/* Takes back the request of feed `feed_id`, queued for `host` (as
 * fetch_url_host() gives it) and not started: 1 when it was there, 0 when
 * it was not (running already, or never queued).  No callback runs for it. */
int fetcher_unqueue_feed(struct fetcher *f, const char *host, int64_t feed_id);

/* Drops queued requests that have not started (shutdown). */
void fetcher_drop_queued(struct fetcher *f);

/* Seconds on the monotonic clock, for how long a transfer or a cycle
 * took: libev's ev_now() follows the wall clock, and a transfer of 2.5 s
 * during which it was set back an hour was stored as lasting -3597 s
 * (feeds.duration_ms), the cycle logged as "-3597.5 s". */
double fetch_mono_now(void);

#endif
