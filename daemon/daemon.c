/* daemon/daemon.c — the loop: feeds due -> fetcher -> parser -> ingest ->
 * store, one transaction per response, and the signals (SIGHUP reloads,
 * SIGTERM/SIGINT finish in-flight work and exit 0). */
#include "daemon/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <utf8proc.h>

#include "config/config.h"
#include "daemon/canon.h"
#include "feeds/uri.h"
#include "daemon/decode.h"
#include "daemon/fetch.h"
#include "daemon/ingest.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "daemon/progress.h"
#include "daemon/sched.h"
#include "daemon/store.h"
#include "daemon/workq.h"
#include "feeds/feed.h"
#include "feeds/html.h"

/* How long in-flight transfers may run on after SIGTERM. */
#define SHUTDOWN_GRACE 5.0
/* Parsed responses that may wait for the loop to store them, beyond one
 * in the hands of each parse worker.  When storing is the slower side (a
 * cold poll: clustering and SQLite), everything fetched waits for it; a
 * parsed feed with its tokens is several times its body (~450 KB against
 * ~75 KB for a 35-item feed, ~15 KB gzipped), so the rest wait as bodies,
 * still compressed.  A few keep the loop from ever waiting on a parse
 * while the workers keep up. */
#define PARSE_AHEAD 3

/* parse_response(): the body itself could not be read (its content
 * coding was corrupt, or it decoded to over max_size or to nothing). */
#define BAD_BODY (-2)
/* The wall clock (time(NULL)) places the polls: next_poll is stored, and
 * means a time of day across restarts.  The wake-up timer counts on the
 * monotonic clock, so it never waits longer than this before the schedule
 * is looked at again against the wall clock, and a jump of more than
 * CLOCK_JUMP seconds between two looks moves every feed's next poll with
 * it (see clock_check()). */
#define WAKE_MAX 60.
#define CLOCK_JUMP 30
/* After a database error the feed is retried this soon. */
#define DB_RETRY 60
/* Another program (a sqlite3 shell left inside a transaction, a script
 * writing to the file) can hold the database's write lock for longer than
 * the busy timeout (5 s, store.c).  Every write then waited those 5 s on
 * the event loop before it failed, one response after the other: 19
 * responses arriving during a 25 s lock held the loop for all of it,
 * transfers in progress were charged the wait, and a cycle's worth of
 * responses outlasts the service's WatchdogSec=60s.  After the first such
 * failure writes wait this long only, until one succeeds again. */
#define LOCKED_WAIT_MS 100
/* A cycle ends when the fetcher falls idle: then its summary line is
 * logged, STATUS= refreshed and the clusterer's state saved.  A long list
 * may keep it busy for hours: with 5,000 feeds, 100 of them on a host
 * that accepts connections and never answers (each holds a slot for the
 * whole timeout, and they come back on their backoff before the host's
 * queue is through), the first summary had not come after 20 minutes,
 * systemd's STATUS= still said what it said at start ("0 failing, 0
 * stories") and no clustering state was saved.  A cycle that runs this
 * long is summed up as it goes, once per this many seconds. */
#define CYCLE_REPORT 60.

struct dfeed {               /* owns its strings */
	int64_t id;
	char *url;
	char *host;              /* of url, for per-host Retry-After */
	char *etag, *last_modified;
	int64_t next_poll, interval, failing_since;
	int errors;
	int shift, streak;       /* sched_adapt() state */
	int64_t hint;            /* the interval its last body asked for, 0 */
	int in_flight;
	int retired;             /* gone (410) or dropped from the list */
	int fed;                 /* has answered with a feed (or a 304) */
	int hops;                /* web pages followed to their feed, this run */
	/* The web page, on another machine, whose feed this one follows and
	 * has not fetched yet (this run), or NULL: that feed may not be on
	 * a loopback or link-local address (fetch.h's from_remote). */
	char *page;
	/* Moved to the feed `page` names, and no answer from that feed
	 * stored yet: its row holds the feed's URL, the guard lives here. */
	int followed;
	/* Said this run that its permanent redirect goes to another
	 * feed's URL (moved_to_taken()). */
	int told_taken;
	/* next_poll is the one an earlier run stored, set against that
	 * run's clock, not yet replaced by this run (clock_check()). */
	int stored_before;
	/* Its last answer was a 429 or 503 whose Retry-After holds (or
	 * held) its host: that time (feeds.retry_after), else 0.  It asks
	 * after the host's other feeds (start_once(), on_response()). */
	int64_t held_host;
	/* That answer came through a redirect to another host: the host
	 * that asked (a feed service the site sends its feed to), whose
	 * wait it is, else NULL: its own (held_by()). */
	char *retry_host;
};

/* A host that answered 429/503 with Retry-After: none of its feeds is
 * polled before `until`.  Few at a time, so a short array. */
struct hold {                /* owns host */
	char *host;
	int64_t until;
	/* Known only from a row an earlier run stored (load_schedule at
	 * the start): set against that run's clock, which a jump of this
	 * one says nothing of (clock_check). */
	int stored_before;
};

struct daemon {
	struct daemon_args args;
	struct config cfg;
	struct store *st;
	struct ingest *in;
	struct fetcher *fx;
	struct workq *wq;          /* parses responses off the loop thread */
	pthread_t loop_thread;
	struct notify *nt;
	struct ev_loop *loop;
	ev_signal sig_term, sig_int, sig_hup;
	ev_timer wake, grace;
	ev_timer prune;          /* retention */
	ev_timer report;         /* a cycle's summary while it goes on */
	ev_timer fts;            /* indexes new stories for search */
	unsigned long ckpt_failed; /* WAL checkpoint failures already logged */
	int db_locked;           /* another program holds the write lock */
	int db_full;             /* writes fail on a full disk */
	int fts_damaged;         /* the search index was found damaged */
	int64_t db_failing_since; /* first of the storing failures in a row, 0 */
	int64_t clock_offset;    /* wall clock minus time since boot, at the last look */
	/* The start, moved back with the clock: the rows whose last poll is
	 * not later were stored by an earlier run (clock_check; one of this
	 * run's first second then waits less, never longer). */
	int64_t run_start;
	struct { dev_t dev; ino_t ino; int known; } db_files[3]; /* db_moved() */
	int db_gone;             /* they were removed or replaced: stopping */
	struct dfeed *feeds;     /* sorted by id */
	size_t n_feeds;
	int64_t *orphans;        /* ids of feeds dropped from the list by a
	                            reload while their request was out */
	size_t n_orphans;
	struct sched_heap due;
	struct hold *holds;      /* owns the array and its entries */
	size_t n_holds;
	int stopping;
	int exit_code;
	unsigned rnd;
	/* this cycle, for the summary line */
	int c_polled, c_new, c_threads, c_errors;
	double c_started;
};

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* Wall clock minus the time since boot, in seconds: constant while the
 * wall clock does not jump.  CLOCK_BOOTTIME and not CLOCK_MONOTONIC,
 * which stands still while the machine sleeps (clock_gettime(2)): after a
 * night suspended every feed's next poll moved a night ahead as if the
 * clock had been set forward, and the feeds due meanwhile were not polled
 * on waking but an interval later.  The wake-up timer (libev's, on
 * CLOCK_MONOTONIC) looks again within WAKE_MAX of waking either way. */
#ifdef CLOCK_BOOTTIME
#define SINCE_BOOT CLOCK_BOOTTIME
#else
#define SINCE_BOOT CLOCK_MONOTONIC
#endif
static int64_t clock_offset(void)
{
	struct timespec ts;

	clock_gettime(SINCE_BOOT, &ts);
	return now_s() - (int64_t)ts.tv_sec;
}

static uint32_t rnd32(struct daemon *d)
{
	/* xorshift: jitter needs spread, not secrecy. */
	d->rnd ^= d->rnd << 13;
	d->rnd ^= d->rnd >> 17;
	d->rnd ^= d->rnd << 5;
	return d->rnd;
}

static struct dfeed *find_feed(struct dfeed *a, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo].id == id ? &a[lo] : NULL;
}

static struct dfeed *feed_by_id(struct daemon *d, int64_t id)
{
	return find_feed(d->feeds, d->n_feeds, id);
}

/* The active feed polled at `url`, or NULL. */
static struct dfeed *feed_by_url(struct daemon *d, const char *url)
{
	for (size_t i = 0; i < d->n_feeds; i++)
		if (strcmp(d->feeds[i].url, url) == 0)
			return &d->feeds[i];
	return NULL;
}

/* The feed is polled at `url` from now on (its row says so already). */
static void feed_move(struct dfeed *f, const char *url)
{
	char *u = strdup(url), *h = u ? fetch_url_host(u) : NULL;

	if (!h) {
		free(u);
		log_err("%s: out of memory moving it to %s", f->url, url);
		return;
	}
	free(f->url);
	free(f->host);
	f->url = u;
	f->host = h;
}

/* A feed that a page on another machine named and that has not answered
 * yet goes back to its page when the run ends (the run stopped while the
 * page's answer was on its way, or with the feed's request still queued)
 * or a reload drops it from the schedule (its page left the list).  Its
 * row held the feed's URL and the guard (page) is this run's memory: the
 * next start, or the reload that listed the page again, fetched the feed
 * unguarded, one on 127.0.0.1 too, and stored its stories.  The page
 * leads to it again, guarded.  (Feeds a reload keeps have page NULL here:
 * load_schedule took it.) */
static void unfollow(struct daemon *d, struct dfeed *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct dfeed *f = &v[i];

		if (!f->followed || !f->page || f->fed)
			continue;
		if (store_move_feed(d->st, f->id, f->page) < 0) {
			log_err("%s: moving it back to the web page that named it, %s: %s", f->url,
			        f->page, store_errmsg(d->st));
			continue;
		}
		log_info("%s: not read yet; back to the web page that named it, %s", f->url,
		         f->page);
	}
}

static void free_feeds(struct dfeed *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].url);
		free(f[i].host);
		free(f[i].etag);
		free(f[i].last_modified);
		free(f[i].page);
		free(f[i].retry_host);
	}
	free(f);
}

static void replace_str(char **slot, const char *v)
{
	char *n = v ? strdup(v) : NULL;
	if (v && !n)
		return;       /* keep the old value rather than lose it */
	free(*slot);
	*slot = n;
}

static struct sched_policy policy(const struct daemon *d)
{
	struct sched_policy p = {
		.interval = d->cfg.interval, .min_interval = d->cfg.min_interval,
		.max_interval = d->cfg.max_interval,
		.give_up_after = d->cfg.give_up_after,
	};
	return p;
}

/* A trickle is under 10 bytes/s for half the timeout (at most 20 s), so
 * that it is told apart from a server that never answers at all. */
static long low_speed_time(int64_t timeout)
{
	int64_t t = timeout / 2;
	return (long)(t < 1 ? 1 : t > 20 ? 20 : t);
}

static struct fetch_options fetch_opts(const struct config *c)
{
	struct fetch_options o = {
		.concurrency = c->concurrency, .per_host = c->per_host,
		.timeout = c->timeout, .connect_timeout = c->connect_timeout,
		.max_size = c->max_size, .user_agent = c->user_agent,
		.ca_file = c->ca_file,
		.low_speed_limit = 10, .low_speed_time = low_speed_time(c->timeout),
	};
	return o;
}

/* Open files.  A transfer holds up to FDS_PER_TRANSFER descriptors at
 * once (its socket, a second one while IPv6 and IPv4 race, the pair of
 * sockets of a name being looked up, and the connection it leaves open,
 * idle, for the next request to its host: fetch.c keeps as many of those
 * as transfers run at once); the rest of the daemon up to
 * FDS_RESERVE (the database's files for two connections, the event loop,
 * the parse threads, files read on a reload).  Past the limit (ulimit -n;
 * systemd's default soft limit is 1024) every transfer started failed at
 * once with "Couldn't connect to server", charged to its feed as an error
 * of the server: a `concurrency = 1024` under that default failed 9 of
 * 10 feeds of a cycle. */
#define FDS_PER_TRANSFER 4
#define FDS_RESERVE 32

/* The transfers that may run at once for `want`: the soft limit on open
 * files is raised (up to the hard one) to what they need, and where that
 * is not enough they are cut to what it allows, with a warning. */
static int usable_concurrency(int want)
{
	rlim_t need = (rlim_t)want * FDS_PER_TRANSFER + FDS_RESERVE;
	struct rlimit rl;
	int n;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= need)
		return want;
	{
		struct rlimit up = rl;

		up.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need
		              : rl.rlim_max;
		if (up.rlim_cur > rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	if (rl.rlim_cur >= need)
		return want;
	n = rl.rlim_cur > FDS_RESERVE + FDS_PER_TRANSFER
	    ? (int)((rl.rlim_cur - FDS_RESERVE) / FDS_PER_TRANSFER) : 1;
	log_warning("concurrency = %d needs about %llu open files, and the limit is %llu"
	            " (ulimit -n, LimitNOFILE=): %d transfer%s at once", want,
	            (unsigned long long)need, (unsigned long long)rl.rlim_cur, n,
	            n == 1 ? "" : "s");
	return n;
}

/* ---- per-host holds (Retry-After) ------------------------------------ */

/* The feeds of a host that asked for patience are polled again over this
 * many seconds after the wait, so that the host gets no burst when it
 * ends; the feed whose answer set the wait asks last, after the spread.
 * Asking first, it was the only feed of its host ever asked when its own
 * URL keeps answering 503 with a Retry-After (one broken feed of 200 on a
 * host): each answer held the host again, and the others, pushed behind
 * every new wait, were polled only when their place in the spread fell on
 * the second the wait ended (one in 30). */
#define HOLD_SPREAD 30

static int64_t hold_until(struct daemon *d, const char *host, int64_t now)
{
	for (size_t i = 0; i < d->n_holds; i++)
		if (d->holds[i].until > now && strcmp(d->holds[i].host, host) == 0)
			return d->holds[i].until;
	return 0;
}

/* The host whose wait a feed's last Retry-After was: the one that
 * answered, which a redirect may have taken to another host. */
static const char *held_by(const struct dfeed *f)
{
	return f->retry_host ? f->retry_host : f->host;
}

/* Until when f may not be asked: its host asked for patience, or the
 * other host its last answer came from (a redirect's) still does; 0 when
 * neither.  *who: which. */
static int64_t feed_held(struct daemon *d, const struct dfeed *f, int64_t now,
                         const char **who)
{
	int64_t held = hold_until(d, f->host, now), there;

	*who = f->host;
	if (f->retry_host && (there = hold_until(d, f->retry_host, now)) > held) {
		held = there;
		*who = f->retry_host;
	}
	return held;
}

/* A host's Retry-After as held: never past max_interval, as the feed's
 * own next poll (sched_next_poll); a Retry-After of ten years held every
 * feed of the host for ten years. */
static int64_t hold_limit(const struct daemon *d, int64_t until, int64_t now)
{
	return until < now + d->cfg.max_interval ? until : now + d->cfg.max_interval;
}

/* Records that `host` asked us to wait until `until`.  Returns 1 when that
 * is later than what was known (the host's other feeds must move). */
static int hold_host(struct daemon *d, const char *host, int64_t until, int64_t now)
{
	struct hold *nh;
	size_t i, j = 0;

	/* Expired holds go first, so the array stays as small as the
	 * number of hosts currently asking for patience. */
	for (i = 0; i < d->n_holds; i++) {
		if (d->holds[i].until <= now) {
			free(d->holds[i].host);
			continue;
		}
		d->holds[j++] = d->holds[i];
	}
	d->n_holds = j;
	for (i = 0; i < d->n_holds; i++)
		if (strcmp(d->holds[i].host, host) == 0) {
			if (d->holds[i].until >= until)
				return 0;
			d->holds[i].until = until;
			d->holds[i].stored_before = 0;
			return 1;
		}
	if (!(nh = realloc(d->holds, (d->n_holds + 1) * sizeof *nh)))
		return 0;
	d->holds = nh;
	if (!(nh[d->n_holds].host = strdup(host)))
		return 0;
	nh[d->n_holds].stored_before = 0;
	nh[d->n_holds++].until = until;
	return 1;
}

static void free_holds(struct daemon *d)
{
	for (size_t i = 0; i < d->n_holds; i++)
		free(d->holds[i].host);
	free(d->holds);
	d->holds = NULL;
	d->n_holds = 0;
}

/* ---- the database's files ------------------------------------------ */

/* An admin who deletes tidings.db (or moves a copy over it, or removes its
 * -wal) while the daemon runs left it writing on into files no one would
 * open again: every story stored after that was lost when it stopped, and
 * it said nothing.  The files are compared with those opened at start
 * before each response is stored; once they differ the daemon stores
 * nothing more, says so and stops (exit 3), and its next start opens what
 * the path names then.  Not exit 2 (a database that cannot be opened or
 * migrated): the service's RestartPreventExitStatus= holds 1 and 2, which
 * need a person, and after this one systemd is to start the daemon again
 * by itself, on the new file.  SQLite itself never replaces them while a
 * connection is open (the WAL persists, see store.c). */
static const char *const db_suffix[3] = { "", "-wal", "-shm" };

static int stat_db_file(const struct daemon *d, int i, struct stat *sb)
{
	char f[PATH_MAX];

	snprintf(f, sizeof f, "%s%s", d->cfg.database, db_suffix[i]);
	return stat(f, sb);
}

static void note_db_files(struct daemon *d)
{
	struct stat sb;

	for (int i = 0; i < 3; i++)
		if (stat_db_file(d, i, &sb) == 0) {
			d->db_files[i].dev = sb.st_dev;
			d->db_files[i].ino = sb.st_ino;
			d->db_files[i].known = 1;
		}
}

/* The first file no longer the one opened, or -1.  Only its absence or
 * another file counts: a directory made unreadable leaves the open files
 * working. */
static int db_moved(const struct daemon *d)
{
	struct stat sb;

	for (int i = 0; i < 3; i++) {
		if (!d->db_files[i].known)
			continue;
		if (stat_db_file(d, i, &sb) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				return i;
			continue;
		}
		if (sb.st_dev != d->db_files[i].dev || sb.st_ino != d->db_files[i].ino)
			return i;
	}
	return -1;
}

static void begin_stop(struct daemon *d);

/* 1 when nothing may be stored any more (see above). */
static int db_gone(struct daemon *d)
{
	int i;

	if (d->db_gone)
		return 1;
	if ((i = db_moved(d)) < 0)
		return 0;
	d->db_gone = 1;
	d->exit_code = 3;
	log_err("%s%s: removed or replaced while tidingsd ran; nothing more is stored"
	        " in the files it had open, and it stops (exit 3): its next start"
	        " opens what %s names then", d->cfg.database, db_suffix[i], d->cfg.database);
	begin_stop(d);
	return 1;
}

/* A damaged database (a page overwritten: an SD card's flipped bits, a
 * power loss on storage that lies about its writes, a -wal of another
 * copy replayed into it) fails every transaction that meets the damage,
 * at every poll, for ever: the daemon ran on, fetched every feed at each
 * retry and stored nothing, --once exited 0, and under systemd the
 * service looked healthy.  It stops instead, with exit 2 (the unit does
 * not restart it), as when the database cannot be opened: a person must
 * put a backup back.  Writing on into it could only spread the damage.
 * Called after a write failed; 1 when nothing may be stored any more. */
static int db_damaged(struct daemon *d)
{
	if (d->db_gone)
		return 1;
	if (!store_last_was_corrupt(d->st))
		return 0;
	d->db_gone = 1;
	d->exit_code = 2;
	log_err("%s: damaged database (%s): nothing more is stored, and tidingsd stops"
	        " (exit 2); restore a backup (README, \"Backing up\")", d->cfg.database,
	        store_errmsg(d->st));
	begin_stop(d);
	return 1;
}

/* After db_gone(), with SQLite closed: the -wal at the path, when it is
 * still the one the daemon wrote while the database it belongs to is no
 * longer there, holds pages of that database.  SQLite replays a -wal into
 * whatever file the path names at the next open (a new database, a copy
 * put back), which corrupts it: emptied, its pages belong to a file no
 * one will open again. */
static void disown_wal(const struct daemon *d)
{
	struct stat sb;
	char f[PATH_MAX];

	if (!d->db_files[1].known || db_moved(d) != 0)
		return;                  /* the database is still there: its own */
	if (stat_db_file(d, 1, &sb) < 0 || sb.st_dev != d->db_files[1].dev ||
	    sb.st_ino != d->db_files[1].ino)
		return;
	snprintf(f, sizeof f, "%s-wal", d->cfg.database);
	if (truncate(f, 0) < 0)
		log_err("%s: cannot empty it (%s): delete it before tidingsd starts again,"
		        " or SQLite replays it into %s", f, strerror(errno), d->cfg.database);
	else
		log_notice("%s: emptied; it belonged to the database that was there", f);
}

/* ---- the schedule -------------------------------------------------- */

static void schedule_wake(struct daemon *d);
static void set_next(struct daemon *d, struct dfeed *f, int64_t next);

static void start_poll(struct daemon *d, struct dfeed *f)
{
	struct fetch_request rq = {
		.feed_id = f->id, .url = f->url,
		.etag = f->etag, .last_modified = f->last_modified,
		.from_remote = f->page != NULL,
	};

	if (f->in_flight || f->retired)
		return;
	if (fetcher_add(d->fx, &rq) < 0) {
		log_err("%s: out of memory queueing the request", f->url);
		return;
	}
	f->in_flight = 1;
	if (d->c_polled == 0 && fetcher_pending(d->fx) == 1)
		d->c_started = fetch_mono_now();
	if (!d->args.once && !ev_is_active(&d->report)) {
		ev_timer_set(&d->report, CYCLE_REPORT, 0.);
		ev_timer_start(d->loop, &d->report);
	}
}

static void start_once_feed(struct daemon *d, struct dfeed *f, int64_t now)
{
	const char *who;
	int64_t held = feed_held(d, f, now, &who);

	if (held)
		log_info("%s: not polled: %s asked for no request for %lld s more (Retry-After)",
		         f->url, who, (long long)(held - now));
	else
		start_poll(d, f);
}

/* The feeds whose last answer held their host: the one told longest ago
 * first, then list order. */
static int by_held_host(const void *a, const void *b)
{
	const struct dfeed *f = *(struct dfeed *const *)a, *g = *(struct dfeed *const *)b;

	if (f->held_host != g->held_host)
		return f->held_host < g->held_host ? -1 : 1;
	return f < g ? -1 : f > g;
}

/* --once: every active feed, except those whose host asked for no request
 * yet (a 429 or 503 Retry-After, from this run's load or an earlier one):
 * a run from cron every few minutes must not ask a host that said "in an
 * hour".  The feeds whose last answer set such a wait start after all the
 * others, so in their host's queue after its other feeds (HOLD_SPREAD):
 * started in list order, one feed that keeps answering 503 with a
 * Retry-After held its host again at every run, and the feeds listed after
 * it on that host, taken back from the queue each time, were never polled.
 * Among those feeds the one told longest ago goes first: with two of them
 * on a host (and per_host = 1) the second, taken back behind the first at
 * every run, was never asked again either.  Returns the number of polls
 * started. */
static size_t start_once(struct daemon *d)
{
	int64_t now = now_s();
	size_t n = 0, k = 0;
	struct dfeed **last;

	for (size_t i = 0; i < d->n_feeds; i++) {
		const char *who;

		n += feed_held(d, &d->feeds[i], now, &who) == 0;
		k += d->feeds[i].held_host != 0;
	}
	progress_start(n);
	for (size_t i = 0; i < d->n_feeds; i++)
		if (!d->feeds[i].held_host)
			start_once_feed(d, &d->feeds[i], now);
	/* Out of memory: in list order, after the others still. */
	if (k && (last = malloc(k * sizeof *last))) {
		k = 0;
		for (size_t i = 0; i < d->n_feeds; i++)
			if (d->feeds[i].held_host)
				last[k++] = &d->feeds[i];
		qsort(last, k, sizeof *last, by_held_host);
		for (size_t i = 0; i < k; i++)
			start_once_feed(d, last[i], now);
		free(last);
	} else {
		for (size_t i = 0; i < d->n_feeds; i++)
			if (d->feeds[i].held_host)
				start_once_feed(d, &d->feeds[i], now);
	}
	if (n < d->n_feeds)
		log_notice("%zu feeds not polled: their host asked to wait (Retry-After)",
		           d->n_feeds - n);
	return n;
}

/* The system clock was set back or forward (a clock that was wrong being
 * corrected, a VM restored, a manual `date -s`).  The next polls are wall
 * clock times: set back by a day, every feed waited a day more (and the
 * wake-up timer, monotonic, kept that wait even when the clock was put
 * right again a minute later); set forward, every feed became due at once.
 * Every feed's next poll moves with the clock instead, in memory and in
 * the database, as do the hosts' Retry-After holds, live and stored (a
 * restart rebuilds them from feeds.retry_after): each waits the real time
 * it had left.  A machine that slept did not jump: the time passed, and
 * the feeds due meanwhile are due (clock_offset). */
static void clock_check(struct daemon *d)
{
	int64_t off = clock_offset(), jump = off - d->clock_offset;
	int saved;

	d->clock_offset = off;
	if (jump >= -CLOCK_JUMP && jump <= CLOCK_JUMP)
		return;
	log_notice("the system clock jumped %+lld s; the feeds' next polls move with it",
	           (long long)jump);
	/* Like a next poll, a Retry-After an earlier run stored only moves
	 * back: the machine that starts on the clock it had when shut down
	 * and is put right a moment later waited, for a host told "in an
	 * hour" before the night it was off, another hour after it. */
	for (size_t i = 0; i < d->n_holds; i++)
		if (!d->holds[i].stored_before || jump < 0)
			d->holds[i].until += jump;
	if (jump < 0)
		d->run_start += jump;
	saved = store_begin(d->st) == 0 &&
	        store_shift_holds(d->st, jump, jump > 0 ? d->run_start : INT64_MIN) == 0;
	sched_heap_free(&d->due);
	for (size_t i = 0; i < d->n_feeds; i++) {
		struct dfeed *f = &d->feeds[i];

		if (f->retired || f->in_flight)
			continue;
		/* A next poll an earlier run stored was set against that
		 * run's clock, and a jump in this run says nothing of it.  The
		 * common jump is the first synchronisation after boot, soon
		 * after the start: a machine without a battery-backed clock
		 * starts at the time it was shut down (fake-hwclock,
		 * systemd-timesyncd's saved clock), and its feeds, overdue by
		 * the night it was off, moved a night ahead and waited what
		 * they had left in the evening.  Such a time only
		 * moves back: were the clock at the start the right one, the
		 * feed polls early once, never late. */
		if (f->stored_before && jump > 0) {
			set_next(d, f, f->next_poll);
			f->stored_before = 1;
			continue;
		}
		if (saved && store_set_next_poll(d->st, f->id, f->next_poll + jump) < 0)
			saved = 0;
		set_next(d, f, f->next_poll + jump);
	}
	if (saved && store_commit(d->st) < 0)
		saved = 0;
	if (!saved) {
		log_warning("%s: saving the moved next polls: %s; a restart now polls"
		            " on the old times", d->cfg.database, store_errmsg(d->st));
		store_rollback(d->st);
	}
}

/* Whether a feed of the host f's last wait was of (held_by()), other
 * than f, is due at `now`. */
static int other_due(const struct daemon *d, const struct dfeed *f, int64_t now)
{
	for (size_t i = 0; i < d->n_feeds; i++) {
		const struct dfeed *g = &d->feeds[i];

		if (g != f && g->next_poll <= now && g->host && f->host &&
		    !strcmp(g->host, held_by(f)))
			return 1;
	}
	return 0;
}

static void wake_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;
	struct sched_heap_item it;
	int64_t now;

	clock_check(d);
	now = now_s();

	while (!d->stopping && sched_heap_peek(&d->due, &it) == 0 && it.due <= now) {
		struct dfeed *f;

		sched_heap_pop(&d->due, &it);
		if (it.key >= d->n_feeds)
			continue;
		f = &d->feeds[it.key];
		/* Entries go stale when a feed is rescheduled; skip those. */
		if (f->next_poll != it.due)
			continue;
		/* A feed that became due while its host asked for patience
		 * (one added by SIGHUP, say) waits with the others. */
		{
			const char *who;
			int64_t held = feed_held(d, f, now, &who), next;
			if (held) {
				log_info("%s: waits %lld s for %s's Retry-After", f->url,
				         (long long)(held - now), who);
				next = held + (int64_t)(rnd32(d) % HOLD_SPREAD);
				/* The row says so too: a reader saw a next poll
				 * long past (or none, for a new feed) while the
				 * daemon waited an hour. */
				if (store_defer_poll(d->st, f->id, next) < 0)
					log_warning("%s: saving its next poll: %s", f->url,
					            store_errmsg(d->st));
				set_next(d, f, next);
				continue;
			}
		}
		/* The feed whose answer set its host's last wait asks after
		 * the host's other feeds due with it (HOLD_SPREAD): all
		 * overdue at once (a clock set forward, a start after a
		 * night), its earlier next poll put it first, its 503 held
		 * the host again and took the others back from the queue. */
		if (f->held_host && other_due(d, f, now)) {
			set_next(d, f, now + 1);
			continue;
		}
		start_poll(d, f);
	}
	schedule_wake(d);
}

static void schedule_wake(struct daemon *d)
{
	struct sched_heap_item it;
	double in;

	ev_timer_stop(d->loop, &d->wake);
	if (d->stopping || d->args.once || sched_heap_peek(&d->due, &it) < 0)
		return;
	in = (double)(it.due - now_s());
	if (in > WAKE_MAX)
		in = WAKE_MAX;
	ev_timer_set(&d->wake, in > 0 ? in : 0., 0.);
	ev_timer_start(d->loop, &d->wake);
}

static void set_next(struct daemon *d, struct dfeed *f, int64_t next)
{
	f->next_poll = next;
	f->stored_before = 0;
	if (!d->args.once && sched_heap_push(&d->due, next, (size_t)(f - d->feeds)) < 0)
		log_err("out of memory scheduling %s", f->url);
}

/* A reload that shortens a feed's interval (the configured `interval` or
 * `max_interval`, or the feed's own in the list) would otherwise leave it
 * waiting for the next poll the old interval set: an interval cut from an
 * hour to a minute still waited the hour.  Such a feed is polled within
 * its new interval, at a random point of it so that a whole list does
 * not fire at once.  A feed whose document asks for longer than both
 * keeps its time: compared without that, a shorter `interval` pulled in
 * every feed asking for an hour (WordPress's sy:updatePeriod), polled
 * more often than it asks.  A failing feed is only held to the new
 * max_interval; a host's Retry-After is kept (wake_cb honours it). */
static int64_t pulled_in(struct daemon *d, const struct sched_policy *was,
                         const struct dfeed *old, const struct dfeed *f, int64_t now)
{
	struct sched_policy is = policy(d);
	int64_t before, after;

	if (f->errors) {
		before = was->max_interval;
		after = is.max_interval;
	} else {
		before = sched_hinted(was, old->interval, old->shift, old->hint);
		after = sched_hinted(&is, f->interval, f->shift, f->hint);
	}
	if (after >= before || after <= 0 || f->next_poll <= now + after)
		return f->next_poll;
	return now + (int64_t)(rnd32(d) % (uint32_t)after);
}

/* A feed dropped from the list by a reload while its request was out
 * still gets its answer (on_response() drops it).  Listed again before
 * that, by a later reload, it came back as a new feed, not in flight, and
 * was polled a second time while the first request was still out.  The
 * ids of such feeds are kept until their answer comes; `nf` (n feeds) is
 * the new list, d->feeds the old.  Out of memory: the old record stays.
 * A request still waiting in the fetcher's queue (its host busy with
 * others) is taken back instead: it went out after the reload, to a feed
 * no longer listed, and its answer was thrown away. */
static void track_orphans(struct daemon *d, struct dfeed *nf, size_t n)
{
	size_t cap = d->n_orphans, k = 0;
	int64_t *o;

	for (size_t i = 0; i < d->n_feeds; i++) {
		struct dfeed *f = &d->feeds[i];

		if (!f->in_flight || find_feed(nf, n, f->id))
			continue;
		if (fetcher_unqueue_feed(d->fx, f->host, f->id))
			f->in_flight = 0;
		else
			cap++;
	}
	if (!cap) {
		free(d->orphans);
		d->orphans = NULL;
		d->n_orphans = 0;
		return;
	}
	if (!(o = malloc(cap * sizeof *o)))
		return;
	for (size_t i = 0; i < d->n_orphans; i++) {
		struct dfeed *f = find_feed(nf, n, d->orphans[i]);

		if (f)
			f->in_flight = 1;
		else
			o[k++] = d->orphans[i];
	}
	for (size_t i = 0; i < d->n_feeds; i++)
		if (d->feeds[i].in_flight && !find_feed(nf, n, d->feeds[i].id))
			o[k++] = d->feeds[i].id;
	free(d->orphans);
	d->orphans = o;
	d->n_orphans = k;
}

/* The answer to an orphan's request came: it is no longer out. */
static void orphan_answered(struct daemon *d, int64_t id)
{
	for (size_t i = 0; i < d->n_orphans; i++)
		if (d->orphans[i] == id) {
			d->orphans[i] = d->orphans[--d->n_orphans];
			return;
		}
}

/* store_feed_holds's: a Retry-After that a feed no longer polled (removed
 * from the list, or gone) was told holds its host too.  -1 out of memory. */
static int hold_unpolled(const char *url, const char *asker, int64_t until, void *ctx)
{
	struct daemon *d = ctx;
	int64_t now = now_s();
	char *host = asker ? strdup(asker) : fetch_url_host(url);

	if (!host)
		return -1;
	hold_host(d, host, hold_limit(d, until, now), now);
	free(host);
	return 0;
}

/* Loads the feeds from the database into the schedule, keeping the state
 * of feeds already known (in flight, validators).  `was`: on a reload,
 * the policy before it (NULL at start-up). */
static int load_schedule(struct daemon *d, const struct sched_policy *was)
{
	struct store_feed *sf;
	struct dfeed *nf;
	size_t n, overdue = 0;
	int64_t now = now_s(), spread;

	if (store_load_feeds(d->st, &sf, &n) < 0) {
		log_err("%s: loading feeds: %s", d->cfg.database, store_errmsg(d->st));
		return -1;
	}
	if (!(nf = calloc(n ? n : 1, sizeof *nf))) {
		store_feeds_free(sf, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct dfeed *old = feed_by_id(d, sf[i].id);

		nf[i].id = sf[i].id;
		nf[i].url = sf[i].url;
		nf[i].etag = sf[i].etag;
		nf[i].last_modified = sf[i].last_modified;
		sf[i].url = sf[i].etag = sf[i].last_modified = NULL;
		nf[i].next_poll = sf[i].next_poll;
		nf[i].interval = sf[i].interval;
		nf[i].failing_since = sf[i].failing_since;
		nf[i].errors = sf[i].consecutive_errors;
		nf[i].shift = sf[i].adapt_shift;
		nf[i].fed = sf[i].last_success != 0;
		nf[i].streak = sf[i].new_streak;
		nf[i].hint = sf[i].hint;
		nf[i].stored_before = 1;
		/* Stored on a clock since set back: the clock was ahead while
		 * an earlier run polled, and was put right while the daemon was
		 * stopped (a wrong clock fixed at boot, a virtual machine
		 * restored on an earlier time), so the feed was last fetched
		 * after now.  It waits, from now, what it had left after that
		 * fetch, as clock_check() moves it in a running daemon; taken
		 * as stored, nothing was polled for as long as the clock had
		 * been ahead, days past max_interval.  And no stored next poll
		 * is further away than max_interval (the longest a feed waits,
		 * as a Retry-After is held: hold_limit).  Both only move it
		 * back.  (A feed this run schedules already moved with the
		 * clock: clock_check.)  So does the Retry-After that fetch was
		 * told, which holds the host: kept as stored, a server that
		 * asked for an hour was left alone for max_interval (hold_limit),
		 * and each --once from cron said so. */
		if (!old && sf[i].last_fetch > now + CLOCK_JUMP) {
			int64_t left = nf[i].next_poll - sf[i].last_fetch;

			if (nf[i].next_poll > now)
				nf[i].next_poll = now + (left > 0 ? left : 0);
			left = sf[i].retry_after - sf[i].last_fetch;
			if (sf[i].retry_after > now) {
				sf[i].retry_after = now + (left > 0 ? left : 0);
				if (store_set_retry_after(d->st, nf[i].id, sf[i].retry_after) < 0)
					log_warning("%s: saving its host's Retry-After: %s", nf[i].url,
					            store_errmsg(d->st));
			}
		}
		if (!old && nf[i].next_poll > now + d->cfg.max_interval)
			nf[i].next_poll = now + d->cfg.max_interval;
		if (nf[i].next_poll != sf[i].next_poll &&
		    store_set_next_poll(d->st, nf[i].id, nf[i].next_poll) < 0)
			log_warning("%s: saving its next poll: %s", nf[i].url, store_errmsg(d->st));
		nf[i].held_host = sf[i].retry_after;
		nf[i].retry_host = sf[i].retry_host;
		sf[i].retry_host = NULL;
		if (!(nf[i].host = fetch_url_host(nf[i].url))) {
			store_feeds_free(sf, n);
			free_feeds(nf, i + 1);
			return -1;
		}
		/* A Retry-After told to an earlier run still holds the host:
		 * its other feeds, and a --once from cron, wait for it too. */
		if (sf[i].retry_after > now)
			hold_host(d, held_by(&nf[i]), hold_limit(d, sf[i].retry_after, now), now);
		if (old) {
			nf[i].in_flight = old->in_flight;
			nf[i].hops = old->hops;
			nf[i].page = old->page;
			old->page = NULL;
			nf[i].followed = old->followed;
			nf[i].told_taken = old->told_taken;
			nf[i].next_poll = old->next_poll;
			nf[i].stored_before = old->stored_before;
			if (was && !old->in_flight && !old->retired) {
				int64_t next = pulled_in(d, was, old, &nf[i], now);

				if (next != nf[i].next_poll && store_set_next_poll(d->st, nf[i].id, next) < 0)
					log_warning("%s: saving its next poll: %s", nf[i].url,
					            store_errmsg(d->st));
				if (next != nf[i].next_poll)
					nf[i].stored_before = 0;
				nf[i].next_poll = next;
			}
		}
		if (nf[i].next_poll <= now)
			overdue++;
	}
	store_feeds_free(sf, n);
	/* Nor does the host's wait end when the feed told it is taken off
	 * the list: the server asked for no request from us, and the next
	 * --once asked its other feeds at once. */
	if (store_feed_holds(d->st, now, hold_unpolled, d) < 0)
		log_warning("%s: loading the hosts' Retry-After: %s", d->cfg.database,
		            store_errmsg(d->st));
	if (!was)
		for (size_t i = 0; i < d->n_holds; i++)
			d->holds[i].stored_before = 1;
	track_orphans(d, nf, n);
	unfollow(d, d->feeds, d->n_feeds);
	free_feeds(d->feeds, d->n_feeds);
	d->feeds = nf;
	d->n_feeds = n;

	sched_heap_free(&d->due);
	if (d->args.once)
		return 0;
	/* Overdue and new feeds are spread over a window that grows with
	 * their number (about 50 starts a second), never more than the
	 * interval: a restart is no thundering herd. */
	spread = (int64_t)(overdue / 50) + 1;
	if (spread > d->cfg.interval)
		spread = d->cfg.interval;
	for (size_t i = 0; i < n; i++) {
		int64_t next = d->feeds[i].next_poll;
		int stored = d->feeds[i].stored_before && next > now;

		if (next <= now)
			next = now + (int64_t)(rnd32(d) % (uint32_t)spread);
		set_next(d, &d->feeds[i], next);
		d->feeds[i].stored_before = stored;
	}
	return 0;
}

/* ---- responses ------------------------------------------------------ */

static const char *reason(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return NULL;
	}
}

static void maybe_finish(struct daemon *d);

/* Moves every feed of `host` but f (the one told) to `until` or later, in memory and
 * in the database (so a restart keeps waiting too).  Feeds in flight get
 * the same treatment when their answer arrives. */
static void defer_host(struct daemon *d, struct dfeed *f, const char *host, int64_t until)
{
	size_t moved = 0;

	if (store_begin(d->st) < 0)
		return;
	for (size_t i = 0; i < d->n_feeds; i++) {
		struct dfeed *g = &d->feeds[i];
		int64_t next;

		if (g == f || g->in_flight || g->retired || g->next_poll >= until ||
		    strcmp(g->host, host) != 0)
			continue;
		/* Spread over half a minute: the host gets no burst when the
		 * wait ends. */
		next = until + (int64_t)(rnd32(d) % HOLD_SPREAD);
		if (store_defer_poll(d->st, g->id, next) < 0) {
			store_rollback(d->st);
			return;
		}
		set_next(d, g, next);
		moved++;
	}
	if (store_commit(d->st) < 0) {
		store_rollback(d->st);
		return;
	}
	if (moved)
		log_info("%s: %zu more feeds on %s wait until the server's Retry-After",
		         f->url, moved, host);
}

/* Takes the media type out of a Content-Type ("text/html; charset=x"). */
static void media_type(const char *ct, char *buf, size_t n)
{
	size_t i = 0;

	if (!ct) {
		snprintf(buf, n, "no content type");
		return;
	}
	/* The server's bytes go into the feed's error text, the log and the
	 * database: anything a media type cannot hold (control characters,
	 * an escape sequence for the reader's terminal) shows as '?'. */
	for (; ct[i] && ct[i] != ';' && ct[i] != ' ' && i + 1 < n; i++)
		buf[i] = ct[i] > 0x20 && ct[i] < 0x7f ? ct[i] : '?';
	buf[i] = '\0';
}

/* Stories stored but not yet in the search index are indexed within
 * FTS_LAG seconds of the commit that stored them (store_fts_flush): one
 * statement for every story of that second, rather than one per response. */
#define FTS_LAG 1.0

/* Follows a write's outcome (rc < 0: it failed) for LOCKED_WAIT_MS: said
 * once when the lock is found held, once when a write gets through; and
 * a full disk's end. */
static void db_outcome(struct daemon *d, int rc)
{
	if (rc < 0 && !d->db_failing_since)
		d->db_failing_since = now_s();
	else if (rc == 0)
		d->db_failing_since = 0;
	if (rc < 0 && store_last_was_busy(d->st)) {
		if (d->db_locked)
			return;
		d->db_locked = 1;
		store_set_busy_wait(d->st, LOCKED_WAIT_MS);
		log_warning("%s: another program holds the database's write lock; nothing is"
		            " stored until it lets go (feeds polled meanwhile are fetched"
		            " again later)", d->cfg.database);
	} else if (rc == 0 && d->db_locked) {
		d->db_locked = 0;
		store_set_busy_wait(d->st, -1);
		log_notice("%s: the database's write lock is free again", d->cfg.database);
	}
	/* A full disk is said at each write refused ("(disk full)"); that
	 * space came back was said nowhere, and the errors simply stopped. */
	if (rc < 0 && store_last_was_full(d->st))
		d->db_full = 1;
	else if (rc == 0 && d->db_full) {
		d->db_full = 0;
		log_notice("%s: the disk has room again; storing resumes (feeds refused"
		           " meanwhile are fetched again at their retry)", d->cfg.database);
	}
}

static void fts_flush(struct daemon *d)
{
	int rc;

	if (!store_fts_pending(d->st))
		return;
	rc = store_fts_flush(d->st);
	db_outcome(d, rc);
	/* A damaged index is no reason to stop storing (store_commit), but
	 * a person must make it again: said once, with where to read how. */
	if (rc < 0 && store_fts_damaged(d->st) && !d->fts_damaged)
		log_err("%s: the search index (stories_fts) is damaged (%s): new stories"
		        " are stored but not found by search until it is made again, with"
		        " tidingsd stopped (README, \"Backing up\"); will retry",
		        d->cfg.database, store_errmsg(d->st));
	else if (rc < 0 && !store_fts_damaged(d->st))
		/* (not at every retry, once a minute, of an index said damaged) */
		log_err("%s: indexing new stories for search, will retry: %s",
		        d->cfg.database, store_errmsg(d->st));
	else if (d->fts_damaged)
		log_notice("%s: the search index takes new stories again", d->cfg.database);
	d->fts_damaged = store_fts_damaged(d->st);
}

/* Returns the heap's free pages to the system.  glibc gives back only the
 * top of the heap by itself; the holes a burst of parsing and clustering
 * leaves stay resident otherwise.  Called at most once a second while
 * stories arrive (after the search index catches up, the timer below) and
 * after a cycle.  With one malloc arena (tidingsd.c) a cold poll of
 * 10,000 feeds peaked at 87 MiB instead of 93-95, for about 2% more CPU
 * (the kernel faults the pages back in). */
static void give_back_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* WAL checkpoints fail on the checkpoint thread, which cannot log: say so
 * here, once per new run of failures, while the daemon runs (the -wal file
 * grows until one succeeds). */
static void check_checkpoints(struct daemon *d)
{
	struct store_ckpt_stats cs;

	store_checkpoint_stats(d->st, &cs);
	if (cs.failed > d->ckpt_failed) {
		log_warning("%s: copying the WAL into the database failed (%s); "
		            "the -wal file grows until it succeeds", d->cfg.database,
		            cs.last);
		d->ckpt_failed = cs.failed;
	}
}

static void fts_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;

	fts_flush(d);
	check_checkpoints(d);
	give_back_memory();
	if (store_fts_pending(d->st)) {
		w->repeat = DB_RETRY;
		ev_timer_again(loop, w);
	}
}

static void fts_soon(struct daemon *d)
{
	if (store_fts_pending(d->st) && !ev_is_active(&d->fts)) {
		ev_timer_set(&d->fts, FTS_LAG, 0.);
		ev_timer_start(d->loop, &d->fts);
	}
}

/* A feed's error text as the database holds text (UTF-8, schema.md) and
 * the log shows it.  It quotes what the server sent (a Location header in
 * Latin-1) and what libxml2 said of the document (an element's name),
 * cut to the buffers on the way: a byte that is no UTF-8 and a control
 * character show as '?', and a character cut short at the end is left
 * out.  Last_error held the raw 0xE9 of "café", or the first byte of an
 * "é" cut in two, and a reader decoding the column failed. */
static void error_text_clean(char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(len - i), &c);
		size_t j;

		if (k > 0) {
			if (c < 0x20 || c == 0x7f)
				s[i] = '?';
			i += (size_t)k;
			continue;
		}
		/* A lead byte followed only by continuation bytes up to the
		 * end: a character cut short. */
		for (j = i + 1; j < len && ((unsigned char)s[j] & 0xC0) == 0x80; j++)
			;
		if (j == len && (unsigned char)s[i] >= 0xC2 && (unsigned char)s[i] <= 0xF4) {
			s[i] = '\0';
			return;
		}
		s[i++] = '?';
	}
}

/* The error of a 2xx response without a body (none sent, or one that
 * decoded to nothing). */
static void empty_response(char *err, size_t n, int status)
{
	snprintf(err, n, "empty response (HTTP %d with no body)", status);
}

/* Feed autodiscovery.  A list that names a site's page (the address a
 * browser shows) instead of its feed gets the feed the page links to, as
 * a browser's subscribe button would: the feed moves there, keeping its
 * row (the page stays its list_url and becomes its previous_url), and is
 * polled again at once.  Only a feed that has never answered with a feed
 * moves: one that worked and now serves a page (the site's error page, a
 * login wall) may come back, so it stays where it is and its error names
 * the page's feed.  Two pages at most a run, so that pages naming each
 * other cannot keep a feed busy.  Adds to `err` (the feed's error for
 * this poll, either way) what the page names; returns 1 to follow it. */
#define FOLLOW_MAX 2
static int discovered(struct daemon *d, struct dfeed *f, const char *found, char *err,
                      size_t n)
{
	size_t len = strlen(err);
	int64_t id;
	int gone, yields;

	if (feed_by_url(d, found)) {
		snprintf(err + len, n - len, "; the feed the page names, %s, is in the list already",
		         found);
		return 0;
	}
	/* A feed removed from the list that was listed as that URL itself
	 * (or is gone) keeps its row and URL, and the page's feed cannot
	 * move there (feeds.url is unique): the page stayed the feed, never
	 * read, its error saying only that it names the feed, as if that were
	 * about to be followed.  One that had only moved there gives it up
	 * (`yields`, S_FREE_URL): followed. */
	if (store_feed_at(d->st, found, &id, &gone, &yields) == 0 && id && !yields) {
		snprintf(err + len, n - len, "; the page names the feed %s, feed %lld, %s", found,
		         (long long)id, gone ? "gone (HTTP 410)"
		         : "no longer in the list: list it in the page's place");
		return 0;
	}
	snprintf(err + len, n - len, "; the page names the feed %s", found);
	return !f->fed && f->hops < FOLLOW_MAX;
}

/* A permanent redirect to a URL another feed's row holds (one in the
 * list, or one removed from it or gone): the feed cannot move there
 * (feeds.url is unique), and was fetched through the redirect at every
 * poll without a word, the same document twice a cycle when the other
 * is listed.  Said once a run. */
static void moved_to_taken(struct daemon *d, struct dfeed *f, const char *url)
{
	struct dfeed *g = feed_by_url(d, url);
	int64_t id = 0;
	int gone = 0, yields;

	f->told_taken = 1;
	if (g)
		log_warning("%s: moved permanently to %s, which feed %lld of the list polls too:"
		            " both fetch it (remove %s from the list)", f->url, url,
		            (long long)g->id, f->url);
	else if (store_feed_at(d->st, url, &id, &gone, &yields) == 0 && id && gone)
		log_warning("%s: moved permanently to %s, the URL of feed %lld, gone (HTTP 410):"
		            " fetched through the redirect", f->url, url, (long long)id);
	else if (id)
		log_warning("%s: moved permanently to %s, the URL of feed %lld, no longer in the"
		            " list: fetched through the redirect (list %s in its place)", f->url,
		            url, (long long)id, url);
}

/* The interval a feed's document asks for, in seconds (0: none): the
 * longer of its <ttl> and its sy:updatePeriod/updateFrequency, as
 * sched_next_poll() takes them. */
static int64_t feed_hint(const struct feed *parsed)
{
	int64_t ttl = parsed->ttl > 0 ? (int64_t)parsed->ttl * 60 : 0;

	return parsed->update_period > ttl ? parsed->update_period : ttl;
}

/* Stores one response: the feed's new state, and its entries when it was
 * a feed (`parsed`, owned and freed here, with `prep` its ingest_prepare()
 * or NULL; `parse_rc` and `perr` say why not when a 2xx body was no feed,
 * or, for BAD_BODY, could not be read).  Runs on the loop thread, responses
 * in the order they completed. */
static void on_response(struct daemon *d, const struct fetch_result *r,
                        struct feed *parsed, const struct ingest_prep *prep,
                        int parse_rc, const char *perr, const char *found)
{
	struct dfeed *f = feed_by_id(d, r->feed_id);
	struct store_poll poll;
	struct sched_outcome so;
	struct sched_policy pol = policy(d);
	struct ingest_stats stats = { 0 };
	char err[600] = "";
	int64_t now = now_s(), held = 0, hold_to = 0;
	int rc, shift, streak, new_hold = 0, ingested = 0, follow = 0, fts_was_damaged;
	char *cred = NULL;          /* the followed feed's URL with userinfo */
	char *there = NULL;         /* the redirect's host that answered, if another */
	const char *asker;          /* the host that answered: f's or `there` */

	if (!f) {
		feed_free(parsed);
		orphan_answered(d, r->feed_id);
		maybe_finish(d);  /* dropped from the list while in flight */
		return;
	}
	/* The clock may have jumped since the wake-up timer last looked (up
	 * to WAKE_MAX ago): move the other feeds' times first, while this
	 * one is still in flight, so that the next poll set below from the
	 * new clock is not moved a second time by the next look. */
	clock_check(d);
	now = now_s();
	f->in_flight = 0;
	d->c_polled++;
	if (db_gone(d)) {
		d->c_errors++;
		goto out;
	}

	memset(&poll, 0, sizeof poll);
	memset(&so, 0, sizeof so);
	poll.feed_id = f->id;
	poll.fetched_at = now;
	poll.status = r->status;
	poll.duration_ms = (int64_t)(r->duration * 1000.0);
	poll.bytes = r->bytes;
	so.now = now;
	so.feed_interval = f->interval;
	so.max_age = r->max_age;
	so.expires = r->expires;

	if (r->error) {
		snprintf(err, sizeof err, "%s", r->error);
	} else if (r->status == 304 && !f->etag && !f->last_modified) {
		/* Not Modified since nothing: the request asked for no
		 * comparison (the validators start_poll sent are these).
		 * Taken as a success, the feed looked healthy and never got
		 * a story. */
		snprintf(err, sizeof err, "HTTP 304 Not Modified, but no ETag or Last-Modified"
		         " was sent to compare with");
	} else if (r->status == 304) {
		poll.ok = 1;
		poll.new_url = r->permanent_url;
		/* The document not sent again still asks for what it did
		 * (<ttl>, sy:updatePeriod): a feed asking for two hours
		 * was polled every `interval` from its first 304 on. */
		so.update_period = f->hint;
	} else if (r->status >= 200 && r->status < 300) {
		char mt[64];

		if (r->len == 0) {
			empty_response(err, sizeof err, r->status);
		} else if (parse_rc == BAD_BODY) {
			snprintf(err, sizeof err, "%s", perr);
		} else if (parse_rc < 0) {
			media_type(r->content_type, mt, sizeof mt);
			/* feed_parse says "not a feed: " and why */
			if (strcasestr(mt, "html") || !perr[0])
				snprintf(err, sizeof err, "not a feed: %s", mt);
			else
				snprintf(err, sizeof err, "%s", perr);
			if (found && strcmp(found, f->url) != 0)
				follow = discovered(d, f, found, err, sizeof err);
			/* A page listed with "user:password@" naming a feed on
			 * its own origin: the feed wants them too. */
			if (follow && !(poll.new_url = cred = fetch_url_with_userinfo(f->url, found)))
				poll.new_url = found;
		} else {
			poll.ok = 1;
			/* This body's validators replace the old ones, also
			 * when it has none: a server that dropped its ETag
			 * was sent the stale one on every later start and
			 * --once, and one that puts If-None-Match before
			 * If-Modified-Since (RFC 9110) never answered 304. */
			poll.fresh = 1;
			poll.etag = r->etag;
			poll.last_modified = r->last_modified;
			poll.title = parsed->title_text;
			/* readers link to it: http(s) only, like stories.link */
			if (uri_is_web(parsed->link))
				poll.site_url = parsed->link;
			poll.new_url = r->permanent_url;
			so.ttl_minutes = parsed->ttl;
			so.update_period = parsed->update_period;
			poll.hint = feed_hint(parsed);
		}
	} else {
		const char *why = reason(r->status);
		int64_t ra = r->retry_after;

		if (ra > now && (r->status == 429 || r->status == 503))
			snprintf(err, sizeof err, "HTTP %d, retry after %lld s", r->status,
			         (long long)(ra - now));
		/* curl follows every redirect that names where to (and
		 * says so when there are too many): a 3xx that ends the
		 * transfer named nowhere.  "HTTP 302" alone read as if
		 * redirects were not followed. */
		else if (r->status >= 300 && r->status < 400)
			snprintf(err, sizeof err, "HTTP %d, a redirect without a Location", r->status);
		else
			snprintf(err, sizeof err, "HTTP %d%s%s", r->status, why ? " " : "",
			         why ? why : "");
		if (r->status == 429 || r->status == 503) {
			so.retry_after = ra;
			/* Without a Retry-After (or one past), the backoff
			 * starts from what the feed asked for when healthy. */
			so.slow_down = 1;
			so.update_period = f->hint;
			/* The whole host asked for patience, not just this feed
			 * (within hold_limit); the row keeps it for the next start
			 * (load_schedule).  The host that answered: a redirect
			 * to another (a feed service the site sends its feed to)
			 * answered for itself, not for the site, whose other
			 * feeds were held, while the service's own were asked. */
			if (r->redirects > 0 && r->effective_url &&
			    (there = fetch_url_host(r->effective_url)) && !strcmp(there, f->host)) {
				free(there);
				there = NULL;
			}
			hold_to = hold_limit(d, ra, now);
			if (hold_to > now) {
				new_hold = hold_host(d, there ? there : f->host, hold_to, now);
				poll.retry_after = hold_to;
				poll.retry_host = there;
			}
		}
		if (r->status == 410)
			poll.gone = 1;
	}

	/* The feed a page on another machine named led to an address of
	 * this machine or its link: refused (fetch.c), and the feed is the
	 * page again, so that no later start fetches that feed unguarded.
	 * So when no request went out at all (its name did not resolve, its
	 * port was closed): the row holds the feed's URL and the guard
	 * (f->page) lives in this run only, so a feed on 127.0.0.1 whose
	 * port was closed at first was fetched unguarded at the next start,
	 * its stories stored.  A feed that answered, even with an error,
	 * is on another machine: it stays. */
	if (f->page && !f->fed && (r->refused_local || (!r->reached && !poll.ok && !follow)))
		poll.new_url = f->page;
	if (!poll.ok) {
		error_text_clean(err);
		poll.error = err;
		so.consecutive_errors = f->errors + 1;
		so.failing_since = f->failing_since ? f->failing_since : now;
	}
	so.ok = poll.ok;

	/* The clustering state is read from the database on the first
	 * response that has entries to ingest: a cycle of 304s (the common
	 * --once run from cron) never pays for it. */
	if (parsed && !d->in && ingest_new(d->st, &d->cfg, &d->in) < 0) {
		int64_t wait;

		db_outcome(d, -1);
		if (db_damaged(d)) {
			d->c_errors++;
			goto out;
		}
		wait = sched_db_retry(&pol, now - d->db_failing_since);
		log_err("%s: loading the clustering state, will retry in %lld s: %s",
		        f->url, (long long)wait, store_errmsg(d->st));
		d->c_errors++;
		set_next(d, f, now + wait);
		goto out;
	}
	fts_was_damaged = store_fts_damaged(d->st);
store:
	rc = store_begin(d->st);
	if (rc == 0 && parsed) {
		ingested = 1;
		rc = ingest_feed(d->in, f->id, f->url, parsed, prep, now, &stats);
	}
	/* The next poll depends on whether this one brought anything new. */
	shift = f->shift;
	streak = f->streak;
	if (poll.ok)
		sched_adapt(&pol, f->interval, stats.new_stories > 0, &shift, &streak);
	so.adapt_shift = shift;
	if (!poll.gone) {
		poll.next_poll = sched_next_poll(&pol, &so, rnd32(d));
		/* Another feed on this host may have been told to wait.  This
		 * one's own answer setting the wait: after the others (see
		 * HOLD_SPREAD), or later on its own backoff, else among them. */
		held = hold_until(d, f->host, now);
		/* (Its answer from a redirect's host: that host's wait, or
		 * its own host's when that is longer.) */
		if (poll.retry_after && there && hold_until(d, there, now) >= held)
			held = hold_until(d, there, now);
		if (hold_to > now && hold_to == held && poll.next_poll < held + HOLD_SPREAD)
			poll.next_poll = held + HOLD_SPREAD;
		else if (held > poll.next_poll)
			poll.next_poll = held + (int64_t)(rnd32(d) % HOLD_SPREAD);
	}
	if (rc == 0)
		rc = store_record_poll(d->st, &poll);
	if (rc == 0 && poll.ok && (shift != f->shift || streak != f->streak))
		rc = store_record_adapt(d->st, f->id, shift, streak);
	if (rc == 0)
		rc = store_commit(d->st);
	/* A story updated in a search index found damaged just now (its
	 * first write since the start) failed the transaction, which SQLite
	 * cannot commit any more: stored again at once, without the index
	 * (store_update_story).  Left to the retry, the response of the
	 * feed that first edited an item was refused at every start, and a
	 * --once run from cron never stored that feed again. */
	if (rc < 0 && !fts_was_damaged && store_fts_damaged(d->st)) {
		fts_was_damaged = 1;
		store_rollback(d->st);
		if (ingested && ingest_rollback(d->in) < 0)
			log_err("rebuilding the thread index: %s", store_errmsg(d->st));
		ingested = 0;
		goto store;
	}
	db_outcome(d, rc);
	if (rc < 0 && db_damaged(d)) {
		store_rollback(d->st);
		d->c_errors++;
		goto out;
	}
	if (rc < 0) {
		/* Nothing of this response is kept: the next poll refetches it
		 * in full (the old validators stay), so nothing is lost. */
		int64_t wait = sched_db_retry(&pol, now - d->db_failing_since);

		log_err("%s: database error, will retry in %lld s: %s%s", f->url,
		        (long long)wait, store_errmsg(d->st),
		        store_last_was_full(d->st) ? " (disk full)" : "");
		store_rollback(d->st);
		/* Only when the clusterer saw the entries: a rebuild replays the
		 * whole window, for each response refused while the lock lasts. */
		if (ingested && ingest_rollback(d->in) < 0)
			log_err("rebuilding the thread index: %s", store_errmsg(d->st));
		d->c_errors++;
		set_next(d, f, now + wait);
		goto out;
	}

	fts_soon(d);
	f->followed = 0;                     /* (stored: its guard is done) */
	f->held_host = poll.retry_after;
	free(f->retry_host);
	f->retry_host = poll.retry_after ? there : NULL;
	if (f->retry_host)
		there = NULL;
	asker = held_by(f);
	if (poll.ok) {
		f->errors = 0;
		f->failing_since = 0;
		f->fed = 1;
		f->shift = shift;
		f->streak = streak;
		if (parsed) {
			replace_str(&f->etag, r->etag);
			replace_str(&f->last_modified, r->last_modified);
			f->hint = poll.hint;
		}
		if (poll.moved) {
			log_notice("%s: moved permanently to %s", f->url, poll.new_url);
			feed_move(f, poll.new_url);
		} else if (poll.new_url && !f->told_taken) {
			moved_to_taken(d, f, poll.new_url);
		}
		free(f->page);
		f->page = NULL;
		d->c_new += stats.new_stories;
		d->c_threads += stats.new_threads;
		/* Its own stories found again by their link are not "seen in
		 * other feeds"; said apart, when there are any. */
		char own_by_link[64] = "";
		if (stats.own_by_link)
			snprintf(own_by_link, sizeof own_by_link, ", %d of its own found by link",
			         stats.own_by_link);
		if (parsed)
			log_info("%s: %d entries, %d new (%d copies), %d updated, %d seen in other feeds%s%s%s",
			         f->url, stats.entries, stats.new_stories, stats.duplicates,
			         stats.updated, stats.cross_feed,
			         stats.same_headline ? " (some by publisher and headline)" : "",
			         own_by_link, parsed->bozo ? " (malformed, recovered)" : "");
		else
			log_debug("%s: not modified", f->url);
		if (stats.too_old)
			log_debug("%s: %d items dated before the retention period not stored"
			          " (retention deleted them; the feed still lists them)",
			          f->url, stats.too_old);
		if (parsed && parsed->n_entries_over)
			log_warning("%s: %zu items in one document; the first %zu read (max_items)",
			            f->url, parsed->n_entries + parsed->n_entries_over,
			            parsed->n_entries);
	} else {
		f->errors++;
		if (!f->failing_since)
			f->failing_since = now;
		if (follow && poll.moved) {
			/* Not counted as an error: the poll starts over at the
			 * address the page gave (--once's count is of feeds). */
			d->c_polled--;
			log_notice("%s: a web page, not a feed; polling the feed it names, %s",
			           f->url, poll.new_url);
			/* Named from another machine: guarded (start_poll). */
			free(f->page);
			f->page = r->remote ? strdup(f->url) : NULL;
			f->followed = f->page != NULL;
			feed_move(f, poll.new_url);
		} else if (f->page && poll.new_url == f->page) {
			d->c_errors++;
			log_warning("%s: %s", f->url, err);
			if (poll.moved) {
				log_notice("%s: back to the web page that named it, %s", f->url,
				           f->page);
				feed_move(f, f->page);
				free(f->page);
				f->page = NULL;
				/* Not refused, only not reached (a host down for
				 * now): the page may lead to it again this run,
				 * FOLLOW_MAX is for pages that lead to pages. */
				if (!r->refused_local && f->hops > 0)
					f->hops--;
			}     /* else still guarded at the page's feed */
		} else {
			d->c_errors++;
			log_warning("%s: %s", f->url, err);
		}
	}
	if (poll.gone) {
		f->retired = 1;
		log_notice("%s: gone (HTTP 410), no longer polled", f->url);
	} else if (follow && poll.moved) {
		/* At once, unless the feed's host asked for patience (then as
		 * wake_cb and start_once have it). */
		int64_t wait = hold_until(d, f->host, now);

		f->hops++;
		set_next(d, f, wait ? wait + (int64_t)(rnd32(d) % HOLD_SPREAD) : now);
		if (d->args.once && !wait)
			start_poll(d, f);
	} else {
		set_next(d, f, poll.next_poll);
	}
	if (new_hold) {
		/* Requests to this host still waiting in the fetcher's queue
		 * must not go out now either: take them back and reschedule. */
		int64_t *ids = NULL;
		size_t n_ids = 0;

		if (fetcher_unqueue_host(d->fx, asker, &ids, &n_ids) == 0) {
			for (size_t i = 0; i < n_ids; i++) {
				struct dfeed *g = feed_by_id(d, ids[i]);
				if (g)
					g->in_flight = 0;
			}
			if (n_ids)
				log_info("%s: %zu queued requests to %s taken back", f->url,
				         n_ids, asker);
		}
		free(ids);
		held = hold_until(d, asker, now);
		defer_host(d, f, asker, held ? held : hold_to);
	}
out:
	free(there);
	free(cred);
	feed_free(parsed);
	progress_update(d->c_polled, d->c_new, d->c_errors);
	schedule_wake(d);
	maybe_finish(d);
}

/* ---- responses through the parse workers ---------------------------- */

/* A response on its way through a parse worker: a copy of the fetch result
 * (the fetcher frees its own when the callback returns) and the parse. */
struct pjob {
	struct fetch_result r;   /* its strings point into `strs` and `body` */
	char *body;
	char *strs[10];
	struct feed *parsed;
	struct ingest_prep prep;  /* ingest's per-entry work, done here too */
	int64_t max_size;         /* the configuration's, when it was fetched */
	int max_items;            /* likewise */
	int tokenize;             /* threads on: the clusterer's tokens too */
	int parse_rc;
	char perr[256];
	char *found;              /* no feed: the one the page names, or NULL */
};

static void pjob_free(struct pjob *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < sizeof j->strs / sizeof j->strs[0]; i++)
		free(j->strs[i]);
	free(j->body);
	free(j->found);
	feed_free(j->parsed);
	ingest_prep_free(&j->prep);
	free(j);
}

/* Whether a response carries a body to parse. */
static int wants_parse(const struct fetch_result *r)
{
	return !r->error && r->status >= 200 && r->status < 300 && r->len > 0;
}

static struct pjob *pjob_new(struct daemon *d, const struct fetch_result *r)
{
	struct pjob *j = calloc(1, sizeof *j);

	if (!j)
		return NULL;
	j->r = *r;
	const char **slot[] = {
		&j->r.url, &j->r.error, &j->r.effective_url, &j->r.permanent_url,
		&j->r.etag, &j->r.last_modified, &j->r.content_type,
		&j->r.content_location, &j->r.content_language, &j->r.content_encoding,
	};
	_Static_assert(sizeof slot / sizeof slot[0] == sizeof j->strs / sizeof j->strs[0],
	               "one owned copy per string of the result");
	for (size_t i = 0; i < sizeof slot / sizeof slot[0]; i++) {
		if (!*slot[i])
			continue;
		if (!(j->strs[i] = strdup(*slot[i])))
			goto fail;
		*slot[i] = j->strs[i];
	}
	/* The fetcher's own (NUL-terminated) buffer, not a copy. */
	if (!(j->body = fetch_take_body(d->fx)))
		goto fail;
	j->r.body = j->body;
	j->max_size = d->cfg.max_size;
	j->max_items = d->cfg.max_items;
	/* The running value: a reload keeps [threads] until a restart. */
	j->tokenize = d->cfg.threads.enabled;
	return j;
fail:
	pjob_free(j);
	return NULL;
}

/* The body as a feed, in the context the response gives it, once its
 * content coding is undone (here, not on the loop: decode.h).  Returns 0;
 * -1 when it is no feed (`err` says why, or is empty); BAD_BODY when the
 * body itself cannot be read, `err` then being the feed's error text.
 * r->bytes becomes the decoded size (feeds.bytes) when it was decoded. */
static int parse_response(struct fetch_result *r, int64_t max_size, int max_items,
                          struct feed **out, char **found, char *err, size_t errlen)
{
	struct feed_context fc = {
		.uri = r->effective_url, .content_type = r->content_type,
		.content_location = r->content_location,
		.content_language = r->content_language,
		.max_entries = max_items > 0 ? (size_t)max_items : 0,
	};
	char *dec = NULL, why[200], size[32];
	size_t len;
	int rc;

	*out = NULL;
	rc = content_decode(r->content_encoding, r->body, r->len, (size_t)max_size,
	                    &dec, &len, why, sizeof why);
	if (rc == DECODE_TOO_BIG) {
		fetch_format_size(size, sizeof size, max_size);
		snprintf(err, errlen, "body over %s", size);
		return BAD_BODY;
	}
	if (rc == DECODE_NOMEM) {
		snprintf(err, errlen, "out of memory decompressing the body (%s)",
		         r->content_encoding);
		return BAD_BODY;
	}
	if (rc != DECODE_OK) {
		snprintf(err, errlen, "bad content encoding: %s", why);
		return BAD_BODY;
	}
	if (!dec)
		len = r->len;
	r->bytes = (int64_t)len;
	if (len == 0) {
		empty_response(err, errlen, r->status);
		return BAD_BODY;
	}
	rc = feed_parse(dec ? dec : r->body, len, &fc, out, err, errlen);
	/* A web page where a feed was expected (a site's address in the
	 * list): the feed it names, if any. */
	if (rc < 0)
		*found = html_feed_link(dec ? dec : r->body, len,
		                        r->effective_url ? r->effective_url : r->url);
	free(dec);
	return rc;
}

/* On a worker thread: touches the job only (feed_parse and ingest_prepare
 * are pure). */
static void pjob_work(void *job, void *ctx)
{
	struct daemon *d = ctx;
	struct pjob *j = job;

	j->parse_rc = parse_response(&j->r, j->max_size, j->max_items, &j->parsed, &j->found,
	                             j->perr, sizeof j->perr);
	/* The parse is all that is stored; the body would only wait in the
	 * queue beside it (r.len stays: on_response reads it). */
	free(j->body);
	j->body = NULL;
	j->r.body = "";
	/* Out of memory here only means the loop thread does it instead.
	 * The clusterer's tokens too, on a worker (whose tokenizer goes with
	 * it); with no workers this runs on the loop, which tokenizes later. */
	if (j->parse_rc == 0 &&
	    ingest_prepare(j->parsed,
	                   !j->tokenize || pthread_equal(pthread_self(), d->loop_thread) ? NULL
	                   : ingest_thread_tokenizer(), &j->prep) < 0)
		ingest_prep_free(&j->prep);
}

/* Back on the loop thread, in the order the responses completed. */
static void pjob_done(void *job, void *ctx)
{
	struct daemon *d = ctx;
	struct pjob *j = job;
	struct feed *parsed = j->parsed;

	j->parsed = NULL;          /* on_response owns it now */
	fetcher_set_held(d->fx, workq_pending(d->wq));
	on_response(d, &j->r, parsed, &j->prep, j->parse_rc, j->perr, j->found);
	pjob_free(j);
}

static void on_done(const struct fetch_result *r, void *ctx)
{
	struct daemon *d = ctx;
	struct pjob *j;

	/* Only bodies to parse go through the workers.  The rest (304s,
	 * errors, a 429 that holds its host) are stored at once, as the
	 * fetcher must hear about a host's Retry-After before it starts the
	 * next request queued for that host. */
	if (!wants_parse(r)) {
		on_response(d, r, NULL, NULL, 0, "", NULL);
		return;
	}
	j = pjob_new(d, r);
	if (j && workq_submit(d->wq, j) == 0) {
		fetcher_set_held(d->fx, workq_pending(d->wq));
		return;
	}
	/* Out of memory: do it all here, now (the order still holds: the
	 * queue cannot be delivering while the fetcher calls back).  A job
	 * that was made holds the body by now. */
	log_err("%s: out of memory queueing the response; storing it now", r->url);
	{
		struct fetch_result rr = j ? j->r : *r;
		struct feed *parsed = NULL;
		char perr[256] = "", *found = NULL;
		int rc = parse_response(&rr, d->cfg.max_size, d->cfg.max_items, &parsed, &found,
		                        perr, sizeof perr);
		on_response(d, &rr, parsed, NULL, rc, perr, found);
		free(found);
	}
	pjob_free(j);
}

/* ---- start, reload, stop -------------------------------------------- */

/* `going`: the polls still queued or in flight when the cycle is summed
 * up before its end (CYCLE_REPORT), else 0. */
static void cycle_summary(struct daemon *d, size_t going)
{
	char more[64] = "";

	if (!d->c_polled)
		return;
	if (going)
		snprintf(more, sizeof more, "; %zu more under way", going);
	log_notice("cycle: %d feed%s polled, %d new stor%s, %d new thread%s, %d error%s, %.1f s%s",
	           d->c_polled, d->c_polled == 1 ? "" : "s", d->c_new, d->c_new == 1 ? "y" : "ies",
	           d->c_threads, d->c_threads == 1 ? "" : "s", d->c_errors,
	           d->c_errors == 1 ? "" : "s", fetch_mono_now() - d->c_started, more);
	notify_status(d->nt);
	d->c_polled = d->c_new = d->c_threads = d->c_errors = 0;
}

/* The fetcher has not fallen idle for CYCLE_REPORT seconds: what the
 * cycle did so far, as at its end (maybe_finish), and the clock of the
 * next report starts. */
static void report_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;
	size_t going = fetcher_pending(d->fx) + workq_pending(d->wq);

	if (d->stopping || !going)
		return;              /* maybe_finish() has it */
	if (d->in && !db_gone(d) && ingest_sync(d->in) < 0)
		log_err("%s: saving clustering state: %s", d->cfg.database,
		        store_errmsg(d->st));
	cycle_summary(d, going);
	d->c_started = fetch_mono_now();
	ev_timer_set(w, CYCLE_REPORT, 0.);
	ev_timer_start(loop, w);
}

/* ---- retention ------------------------------------------------------ */

#define PRUNE_BATCH 500          /* stories per transaction */
/* Batches on the event loop for at most this long at a time (each about
 * 130 ms on a large database, nearly all of it the search index's delete
 * trigger): 20 batches in a row held responses and the watchdog's
 * keep-alive for 2.6 s. */
#define PRUNE_TICK_SECONDS 0.25

/* Deletes batches for up to PRUNE_TICK_SECONDS; 1 when more remain. */
static int prune_some(struct daemon *d)
{
	int64_t cut = now_s() - d->cfg.retention, newest = INT64_MIN, n;
	int deleted = 0, total = 0, failed = 0, tidy = 0;
	ev_tstamp start = ev_time();

	/* retention = 0 deletes nothing, but edits still leave old entries
	 * in the search index, which its whole merge (below) lets go of. */
	while (d->cfg.retention > 0 && ev_time() - start < PRUNE_TICK_SECONDS) {
		if (store_prune(d->st, cut, PRUNE_BATCH, &deleted, &n) < 0) {
			log_err("retention: %s%s", store_errmsg(d->st),
			        store_last_was_full(d->st) ? " (disk full)" : "");
			failed = 1;
			break;  /* the batches before it are committed: memory
			         * must still forget them (below) */
		}
		total += deleted;
		if (n > newest)
			newest = n;
		if (deleted < PRUNE_BATCH)
			break;
	}
	/* The pass done, the search index lets go of what it deleted (in
	 * steps, in the same turns; one at least, however long the pass
	 * took, or a pass that fills its turn would never get to it). */
	while (!failed && deleted < PRUNE_BATCH) {
		if (store_fts_tidy(d->st, &tidy) < 0) {
			log_err("retention: merging the search index: %s%s", store_errmsg(d->st),
			        store_last_was_full(d->st) ? " (disk full)" : "");
			break;
		}
		if (!tidy || ev_time() - start >= PRUNE_TICK_SECONDS)
			break;
	}
	if (total) {
		/* In days as a whole number of days is written; a retention
		 * of hours or minutes said "over 0 days ago". */
		char ago[32];

		if (d->cfg.retention % 86400 == 0)
			snprintf(ago, sizeof ago, "%lld days", (long long)(d->cfg.retention / 86400));
		else
			config_format_duration(d->cfg.retention, ago, sizeof ago);
		log_info("retention: %d stories first seen over %s ago deleted", total, ago);
	}
	/* Memory must forget what the database no longer has before the
	 * next response is stored: a thread still in the window that lost
	 * old stories was recounted in the database and takes its counts
	 * over; stories deleted from inside the window (a retention shorter
	 * than cluster_window) make the indexes be rebuilt. */
	if (total && d->in && ingest_pruned(d->in, newest) < 0)
		log_err("retention: bringing the clustering state in line: %s",
		        store_errmsg(d->st));
	return deleted == PRUNE_BATCH || tidy;
}

static void prune_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;

	/* More to do: come back in a moment, letting responses in between;
	 * else look again in an hour. */
	w->repeat = prune_some(d) ? PRUNE_TICK_SECONDS : 3600.;
	ev_timer_again(loop, w);
}

static void maybe_finish(struct daemon *d)
{
	if (fetcher_pending(d->fx) > 0 || workq_pending(d->wq) > 0)
		return;
	if (d->in && !db_gone(d) && ingest_sync(d->in) < 0)
		log_err("%s: saving clustering state: %s", d->cfg.database,
		        store_errmsg(d->st));
	if (!d->db_gone)
		fts_flush(d);
	ev_timer_stop(d->loop, &d->fts);
	ev_timer_stop(d->loop, &d->report);
	cycle_summary(d, 0);
	give_back_memory();
	if (d->args.once || d->stopping)
		ev_break(d->loop, EVBREAK_ALL);
}

static int load_config(const char *path, struct config *c)
{
	char err[1024];

	/* Without -c: the installed configuration when there is one, else
	 * the built-in defaults.  config_load() starts from the defaults. */
	if (!(path = config_resolve_path(path))) {
		if (config_defaults(c) < 0) {
			log_err("built-in defaults: out of memory");
			return -1;
		}
		return 0;
	}
	if (config_load(path, c, err, sizeof err) < 0) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

/* Feed URLs may carry passwords (https://user:secret@host/feed), and the
 * feed list and the database (feeds.url) then hold them.  Said, as ssh
 * says it of a key, when every local user can read either: a file
 * installed 0644, or a database made before tidings created them 0640. */
static void check_exposure(const struct config *c, const struct feedlist *fl)
{
	char wal[PATH_MAX];
	const char *files[3] = { c->feeds, c->database, NULL };
	size_t n = 0;
	struct stat sb;
	int db_open = 0;

	for (size_t i = 0; i < fl->n; i++)
		n += log_has_password(fl->items[i].url) != 0;
	if (!n)
		return;
	/* The -wal holds the feeds' rows too (every poll rewrites them)
	 * until a checkpoint, and it stays open 0644 while the daemon runs
	 * when `chmod o-r` closed tidings.db alone: that silenced this
	 * warning, with the passwords still readable beside it. */
	if (c->database && (size_t)snprintf(wal, sizeof wal, "%s-wal", c->database) < sizeof wal)
		files[2] = wal;
	for (int i = 0; i < 3; i++) {
		if (!files[i] || stat(files[i], &sb) != 0 || !(sb.st_mode & S_IROTH))
			continue;
		if (i == 2 && db_open)
			break;          /* said of the database already */
		db_open |= i == 1;
		log_warning("%s: every local user can read it, and it holds the passwords"
		            " of %zu feed%s; chmod o-r %s%s", files[i], n, n == 1 ? "" : "s",
		            files[i == 2 ? 1 : i], i ? " and its -wal and -shm files" : "");
	}
}

static int sync_list(struct daemon *d, const struct config *c)
{
	struct feedlist fl = { 0 };
	/* The database is the one open, also on a reload whose file names
	 * another (taken at the next start): the warning of check_exposure
	 * named that file, not the one holding the passwords. */
	struct config in_use = *c;
	char err[1024];
	int rc;

	in_use.database = d->cfg.database;
	if (feedlist_load(c->feeds, &fl, err, sizeof err) < 0) {
		log_err("%s", err);
		return 1;
	}
	check_exposure(&in_use, &fl);
	rc = store_sync_feeds(d->st, &fl, now_s());
	if (rc < 0)
		log_err("%s: syncing the feed list: %s", in_use.database, store_errmsg(d->st));
	else
		log_info("%zu feeds in %s", fl.n, c->feeds);
	feedlist_free(&fl);
	return rc < 0 ? 2 : 0;
}

static void on_hup(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon *d = w->data;
	/* Name what load_config() reads: without -c, the installed file. */
	const char *path = config_resolve_path(d->args.config_path);
	struct sched_policy was = policy(d);
	struct config nc;

	notify_reloading(d->nt);
	log_notice("SIGHUP: reloading %s", path ? path : "built-in defaults");
	/* Before the feeds' times are compared with it (pulled_in()). */
	clock_check(d);
	if (load_config(d->args.config_path, &nc) < 0) {
		log_err("reload refused; the running configuration is kept");
		config_free(&nc);
		return;
	}
	if (strcmp(nc.database, d->cfg.database) != 0)
		log_warning("database path changes take effect at restart only");
	/* The [threads] values live in the clusterer, built once (ingest_new)
	 * with a replay of the whole window: a reload does not rebuild it,
	 * and the running values stay the configuration's until a restart
	 * (the parse workers read `enabled` from it).  Also before it is
	 * built (no story stored since the start): whether a reload applied
	 * them must not hang on whether the first polls brought entries. */
	if (!config_section_equal(&d->cfg, &nc, "threads")) {
		log_warning("[threads] changes take effect at restart only");
		nc.threads = d->cfg.threads;
	}
	if (sync_list(d, &nc) != 0) {
		log_err("reload refused; the running configuration is kept");
		config_free(&nc);
		return;
	}
	/* The database path in use stays the one opened. */
	free(nc.database);
	nc.database = d->cfg.database;
	d->cfg.database = NULL;
	config_free(&d->cfg);
	d->cfg = nc;
	log_set_level(d->cfg.log_level + d->args.verbose);
	if (d->in)
		ingest_set_retention(d->in, d->cfg.retention);
	{
		struct fetch_options o = fetch_opts(&d->cfg);

		o.concurrency = usable_concurrency(o.concurrency);
		fetcher_set_options(d->fx, &o);
	}
	if (load_schedule(d, &was) < 0)
		log_err("reload: could not load the feeds; keeping the old schedule");
	schedule_wake(d);
	log_notice("reloaded: %zu feeds", d->n_feeds);
}

static void grace_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;

	log_warning("shutdown: %zu transfers still running after %.0f s; abandoned",
	            fetcher_pending(d->fx), SHUTDOWN_GRACE);
	ev_break(loop, EVBREAK_ALL);
}

/* Lets in-flight work finish (SHUTDOWN_GRACE at most), then leaves the
 * loop. */
static void begin_stop(struct daemon *d)
{
	d->stopping = 1;
	notify_stopping(d->nt);
	fetcher_drop_queued(d->fx);
	ev_timer_stop(d->loop, &d->wake);
	ev_timer_stop(d->loop, &d->prune);
	ev_timer_stop(d->loop, &d->report);
	if (fetcher_pending(d->fx) == 0 && workq_pending(d->wq) == 0) {
		ev_break(d->loop, EVBREAK_ALL);
		return;
	}
	ev_timer_start(d->loop, &d->grace);
}

static void on_term(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon *d = w->data;

	if (d->stopping)
		return;
	log_notice("%s: finishing in-flight work, then exiting",
	           w->signum == SIGINT ? "SIGINT" : "SIGTERM");
	begin_stop(d);
}

/* One daemon per database.  Two at once (a cron --once overlapping the
 * service, or the previous --once) each number story seq and threads on
 * from what they read at start: readers following seq miss rows whose
 * seq the other daemon also used, and stories of unrelated events share
 * a thread.  An flock on the database file keeps the second out.  It is
 * taken before SQLite opens the file, creating it empty when it does not
 * exist yet (SQLite takes an empty file for a new database), so that two
 * daemons started at once on a new path do not both create the schema.
 * The descriptor stays open until SQLite has closed the database:
 * closing any descriptor of the file would drop the POSIX locks SQLite
 * holds on it.  Returns -1 when another daemon holds the lock; 0
 * otherwise, with *fd -1 when the file could not be opened (store_open
 * then says why, in its words).
 *
 * A new database is created 0640, not SQLite's 0644: feeds.url keeps the
 * passwords of the feeds that need one, and under the usual umask 022
 * every local user could read them.  The group keeps read access (the
 * service's readers join the tidings group; its UMask=0027 gives the
 * same), and the umask can still narrow it.  SQLite creates the -wal and
 * -shm files with the database file's mode, so they follow.  An existing
 * file keeps the mode its owner gave it. */
static int lock_database(const char *path, int *fd)
{
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT)
		*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (*fd < 0)
		return 0;
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			log_err("%s: another tidingsd is using this database; one daemon"
			        " per database", path);
			return -1;
		}
		/* A filesystem without flock: run, as before the lock. */
		log_warning("%s: cannot lock the database (%s); make sure no other"
		            " tidingsd uses it", path, strerror(errno));
	}
	return 0;
}

int daemon_run(const struct daemon_args *a)
{
	struct daemon d;
	struct fetch_options fo;
	char err[1024];
	int rc, lock_fd = -1;
	sigset_t hup;

	memset(&d, 0, sizeof d);
	d.args = *a;
	/* SIGHUP's default action ends the process, and its watcher starts
	 * only once the database is open and the feeds loaded (seconds, or a
	 * migration's minutes, on a large database): a reload asked for that
	 * early (a deployment script that edits the list right after starting
	 * the daemon) killed it, with nothing in the log.  Blocked until its
	 * watcher runs, a reload asked for meanwhile is done then.  (Threads
	 * started meanwhile keep it blocked, so it reaches the loop's
	 * thread.)  With --once it is not caught. */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	if (!a->once)
		pthread_sigmask(SIG_BLOCK, &hup, NULL);
	d.rnd = (unsigned)time(NULL) ^ (unsigned)getpid() << 16;
	if (!d.rnd)
		d.rnd = 1;
	log_init(LOG_LVL_INFO + a->verbose);
	if (load_config(a->config_path, &d.cfg) < 0) {
		config_free(&d.cfg);
		return 1;
	}
	log_set_level(d.cfg.log_level + a->verbose);
	{
		/* The feed list is validated before the database is touched:
		 * a bad configuration writes nothing. */
		struct feedlist fl = { 0 };
		if (feedlist_load(d.cfg.feeds, &fl, err, sizeof err) < 0) {
			log_err("%s", err);
			config_free(&d.cfg);
			return 1;
		}
		feedlist_free(&fl);
	}
	if (lock_database(d.cfg.database, &lock_fd) < 0) {
		close(lock_fd);
		config_free(&d.cfg);
		return 2;
	}
	if (store_open(d.cfg.database, STORE_WRITE, &d.st, err, sizeof err) < 0) {
		log_err("%s", err);
		if (lock_fd >= 0)
			close(lock_fd);
		config_free(&d.cfg);
		return 2;
	}
	/* The file could not be opened before SQLite's open (a race with
	 * its removal, say): lock it now. */
	if (lock_fd < 0 && lock_database(d.cfg.database, &lock_fd) < 0) {
		store_close(d.st);
		close(lock_fd);
		config_free(&d.cfg);
		return 2;
	}
	note_db_files(&d);
	if (store_checkpoint_thread(d.st, d.cfg.database, err, sizeof err) < 0)
		log_warning("%s; checkpointing the WAL on the main thread", err);
	/* The list was validated above, so a failure here is the database's
	 * (a full disk, say): carry on with the feeds it already holds.  Not
	 * in a damaged one (db_damaged). */
	rc = 2;
	if (sync_list(&d, &d.cfg) != 0) {
		if (store_last_was_corrupt(d.st)) {
			/* (see db_damaged) */
			log_err("%s: damaged database; restore a backup (README, \"Backing up\")",
			        d.cfg.database);
			goto out;
		}
		log_warning("continuing with the feeds already in the database");
	}
	d.loop = ev_default_loop(EVFLAG_AUTO);
	fo = fetch_opts(&d.cfg);
	fo.concurrency = usable_concurrency(fo.concurrency);
	if (fetcher_new(d.loop, &fo, on_done, &d, &d.fx) < 0) {
		log_err("cannot initialise libcurl");
		goto out;
	}
	d.loop_thread = pthread_self();
	if (workq_new(d.loop, workq_default_threads(), pjob_work, pjob_done, &d, &d.wq) < 0) {
		log_err("cannot start the parse threads");
		goto out;
	}
	workq_set_ahead(d.wq, (size_t)workq_default_threads() + PARSE_AHEAD);
	d.clock_offset = clock_offset();
	d.run_start = now_s();
	if (load_schedule(&d, NULL) < 0)
		goto out;

	ev_signal_init(&d.sig_term, on_term, SIGTERM);
	ev_signal_init(&d.sig_int, on_term, SIGINT);
	ev_signal_init(&d.sig_hup, on_hup, SIGHUP);
	d.sig_term.data = d.sig_int.data = d.sig_hup.data = &d;
	ev_signal_start(d.loop, &d.sig_term);
	ev_signal_start(d.loop, &d.sig_int);
	if (!a->once) {
		ev_signal_start(d.loop, &d.sig_hup);
		pthread_sigmask(SIG_UNBLOCK, &hup, NULL);
	}
	ev_timer_init(&d.wake, wake_cb, 0., 0.);
	d.wake.data = &d;
	ev_timer_init(&d.grace, grace_cb, SHUTDOWN_GRACE, 0.);
	d.grace.data = &d;
	ev_timer_init(&d.prune, prune_cb, 60., 0.);
	d.prune.data = &d;
	ev_timer_init(&d.fts, fts_cb, FTS_LAG, 0.);
	d.fts.data = &d;
	ev_timer_init(&d.report, report_cb, CYCLE_REPORT, 0.);
	d.report.data = &d;
	if (!a->once)
		ev_timer_start(d.loop, &d.prune);
	notify_start(d.loop, d.st, &d.nt);

	if (a->once) {
		/* Nothing to poll (every listed feed gone, or its host's
		 * Retry-After still ahead): no loop to run, but the retention
		 * pass below is still the run's.  It used to end here, and a
		 * cron install whose feeds had all gone kept every story for
		 * ever. */
		if (start_once(&d) == 0)
			log_notice(d.n_feeds ? "no feed to poll before its host's Retry-After"
			                     : "no feeds to poll");
		else
			ev_run(d.loop, 0);
	} else {
		log_notice("tidingsd %s: %zu feeds, database %s", TIDINGS_VERSION,
		           d.n_feeds, d.cfg.database);
		schedule_wake(&d);
		ev_run(d.loop, 0);
	}
	/* Responses received and parsed but not stored yet are stored now. */
	workq_drain(d.wq);
	/* When SIGTERM's grace ran out, the loop ended before the cycle did
	 * and maybe_finish() never said what it brought: a --once run (after
	 * Ctrl-C, or from cron under `timeout`) ended without its summary
	 * line.  Said now; nothing when maybe_finish() said it. */
	cycle_summary(&d, 0);
	if (!db_gone(&d)) {
		unfollow(&d, d.feeds, d.n_feeds);
		fts_flush(&d);
		if (d.in && ingest_sync(d.in) < 0)
			log_err("%s: saving clustering state: %s", d.cfg.database,
			        store_errmsg(d.st));
		/* A cron-driven --once install gets its retention here.  Not
		 * after SIGTERM or SIGINT, which the loop hears between the
		 * batches (each is whole; the next run goes on): a first pass
		 * over a large database takes minutes. */
		if (a->once)
			while (!d.stopping && prune_some(&d))
				ev_run(d.loop, EVRUN_NOWAIT);
	}
	rc = d.exit_code;
	check_checkpoints(&d);
	{
		struct store_ckpt_stats cs;

		store_checkpoint_stats(d.st, &cs);
		log_debug("WAL checkpoints: %lu on the checkpoint thread, %lu by the writer "
		          "(%lu waiting for readers), %lu failed", cs.thread, cs.writer,
		          cs.starved, cs.failed);
	}
	if (d.in)
		ingest_log_memory(d.in);
out:
	progress_end();
	notify_free(d.nt);
	workq_free(d.wq);
	fetcher_free(d.fx);
	ingest_free(d.in);
	store_close(d.st);
	if (d.db_gone)
		disown_wal(&d);
	close(lock_fd);            /* after SQLite's own descriptors */
	free_feeds(d.feeds, d.n_feeds);
	free(d.orphans);
	free_holds(&d);
	sched_heap_free(&d.due);
	config_free(&d.cfg);
	if (d.loop)
		ev_loop_destroy(d.loop);
	return rc;
}
