/* config/config.c — the configuration file: built-in defaults, the key
 * table (one row per key: adding a key is adding a row), the INI loader on
 * top of inih and the value parsers for durations, sizes and levels. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "config/config.h"
#include "config/internal.h"

#ifndef TIDINGS_SYSCONFDIR
#define TIDINGS_SYSCONFDIR "/usr/local/etc"
#endif
#ifndef TIDINGS_VERSION
#define TIDINGS_VERSION "0"
#endif

#define USER_AGENT "tidings/" TIDINGS_VERSION " (+https://github.com/tidings/tidings)"

/* A configuration file larger than this is a mistake (wrong file given). */
#define CONFIG_MAX_BYTES (1 << 20)

#define MIN_ 60
#define HOUR_ 3600
#define DAY_ 86400
#define WEEK_ (7 * DAY_)
#define KIB_ ((int64_t)1024)
#define MIB_ (KIB_ * 1024)
#define GIB_ (MIB_ * 1024)

#define OFF(f) offsetof(struct config, f)

/* Bounds are what the daemon can sensibly run with; cross-key rules
 * (min_interval <= interval <= max_interval, connect_timeout <= timeout)
 * are checked after the whole file is read. */
static const struct config_key keys[] = {
	{ "daemon", "database", CONF_PATH, OFF(database), 0, 0, 0, 0,
	  "SQLite database file" },
	{ "daemon", "feeds", CONF_PATH, OFF(feeds), 0, 0, 0, 0,
	  "feed list: OPML or one URL a line" },
	{ "daemon", "interval", CONF_DURATION, OFF(interval), MIN_, WEEK_, 0, 0,
	  "how often a feed is polled unless it says otherwise" },
	{ "daemon", "min_interval", CONF_DURATION, OFF(min_interval), MIN_, WEEK_, 0, 0,
	  "shortest poll interval a feed can ask for" },
	{ "daemon", "max_interval", CONF_DURATION, OFF(max_interval), MIN_, 30 * DAY_, 0, 0,
	  "longest poll interval, also the cap of error backoff" },
	{ "daemon", "give_up_after", CONF_DURATION, OFF(give_up_after), 0, 365 * DAY_, 0, 0,
	  "a feed failing for this long is retired; 0 never gives up" },
	{ "daemon", "concurrency", CONF_INT, OFF(concurrency), 1, 1024, 0, 0,
	  "transfers in flight at once" },
	{ "daemon", "per_host", CONF_INT, OFF(per_host), 1, 64, 0, 0,
	  "transfers in flight to one host at once" },
	{ "daemon", "timeout", CONF_DURATION, OFF(timeout), 1, HOUR_, 0, 0,
	  "time limit of one whole transfer" },
	{ "daemon", "connect_timeout", CONF_DURATION, OFF(connect_timeout), 1, HOUR_, 0, 0,
	  "time limit of connecting, TLS included" },
	{ "daemon", "max_size", CONF_SIZE, OFF(max_size), KIB_, GIB_, 0, 0,
	  "largest feed document accepted" },
	{ "daemon", "max_items", CONF_INT, OFF(max_items), 1, 1000000, 0, 0,
	  "items read from one feed document, the first ones" },
	{ "daemon", "user_agent", CONF_STRING, OFF(user_agent), 0, 0, 0, 0,
	  "User-Agent header sent with every request" },
	{ "daemon", "ca_file", CONF_PATH, OFF(ca_file), 0, 0, 0, 0,
	  "PEM file of certificate authorities to trust besides the system's" },
	{ "daemon", "log_level", CONF_LOGLEVEL, OFF(log_level), 0, 0, 0, 0,
	  "least important messages logged: err, warning, notice, info or debug" },
	{ "daemon", "retention", CONF_DURATION, OFF(retention), 0, (int64_t)100 * 365 * DAY_, 0, 0,
	  "stories older than this are deleted; 0 keeps everything" },

	{ "threads", "enabled", CONF_BOOL, OFF(threads.enabled), 0, 1, 0, 0,
	  "place stories in threads; no: store them without (thread_id NULL)" },
	{ "threads", "cluster_window", CONF_DURATION, OFF(threads.window), HOUR_, 30 * DAY_, 0, 0,
	  "how far back a new story looks for a thread to join" },
	{ "threads", "join_threshold", CONF_DOUBLE, OFF(threads.join_threshold), 0, 0, 0.0, 1.0,
	  "similarity (0 to 1) a story needs to join a thread" },
	{ "threads", "merge_threshold", CONF_DOUBLE, OFF(threads.merge_threshold), 0, 0, 0.0, 1.0,
	  "similarity (0 to 1) of two threads that merges them" },
	{ "threads", "title_weight", CONF_DOUBLE, OFF(threads.title_weight), 0, 0, 0.0, 100.0,
	  "weight of title words over words of the lead text" },
	{ "threads", "entity_weight", CONF_DOUBLE, OFF(threads.entity_weight), 0, 0, 0.0, 100.0,
	  "extra weight of names and acronyms" },
	{ "threads", "time_decay", CONF_DOUBLE, OFF(threads.time_decay), 0, 0, 0.1, 10000.0,
	  "hours over which similarity to an older story halves" },
	{ "threads", "simhash_distance", CONF_INT, OFF(threads.simhash_distance), 0, 3, 0, 0,
	  "bits two stories may differ by and still be near-duplicates" },
	{ "threads", "member_weight", CONF_DOUBLE, OFF(threads.member_weight), 0, 0, 0.0, 1.0,
	  "how far a thread's nearest recent stories count over its centroid" },
	{ "threads", "max_terms", CONF_INT, OFF(threads.max_terms), 8, 256, 0, 0,
	  "heaviest terms of a new story compared with the threads" },
	{ "threads", "max_members", CONF_INT, OFF(threads.max_members), 1, 256, 0, 0,
	  "recent stories of a thread a new story is compared with" },
	{ "threads", "store_terms", CONF_INT, OFF(threads.store_terms), 1, 256, 0, 0,
	  "heaviest terms of a story kept in memory (at most max_terms)" },
	{ "threads", "length_exponent", CONF_DOUBLE, OFF(threads.length_exponent), 0, 0, 0.0, 2.0,
	  "how the bars rise with a story's length" },
	{ "threads", "entity_share", CONF_DOUBLE, OFF(threads.entity_share), 0, 0, 0.0, 1.0,
	  "share of the names alone in the similarity" },
	{ "threads", "clash_factor", CONF_DOUBLE, OFF(threads.clash_factor), 0, 0, 0.0, 1.0,
	  "similarity factor when the main names differ" },
	{ "threads", "merge_gate", CONF_DOUBLE, OFF(threads.merge_gate), 0, 0, 0.0, 1.0,
	  "threads scoring this share of the join bar are checked for a merge" },
	{ "threads", "lead_terms", CONF_INT, OFF(threads.lead_terms), 1, 256, 0, 0,
	  "terms from which a story counts as having lead text" },
	{ "threads", "young_members", CONF_INT, OFF(threads.young_members), 0, 1000, 0, 0,
	  "stories up to which a thread is young" },
	{ "threads", "young_names", CONF_DOUBLE, OFF(threads.young_names), 0, 0, 0.0, 1.0,
	  "names agreement a story with a lead needs with a young thread" },
	{ "threads", "merge_names", CONF_DOUBLE, OFF(threads.merge_names), 0, 0, 0.0, 1.0,
	  "names agreement two threads with leads need to merge" },
	{ "threads", "when_bonus", CONF_DOUBLE, OFF(threads.when_bonus), 0, 0, 0.0, 1.0,
	  "similarity bonus for a year or month named on both sides" },
	{ "threads", "when_clash", CONF_DOUBLE, OFF(threads.when_clash), 0, 0, 0.0, 1.0,
	  "similarity factor when the times named differ; 0 off" },
};

#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const sections[] = { "daemon", "threads" };

static const char *const level_names[] = {
	[LOG_LVL_ERR] = "err", [LOG_LVL_WARNING] = "warning",
	[LOG_LVL_NOTICE] = "notice", [LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

const struct config_key *config_keys(size_t *n)
{
	*n = NKEYS;
	return keys;
}

int config_section_equal(const struct config *a, const struct config *b, const char *section)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct config_key *k = &keys[i];
		const char *pa = (const char *)a + k->offset, *pb = (const char *)b + k->offset;

		if (strcmp(k->section, section) != 0)
			continue;
		switch (k->type) {
		case CONF_PATH:
		case CONF_STRING: {
			const char *sa = *(char *const *)pa, *sb = *(char *const *)pb;
			if (sa != sb && (!sa || !sb || strcmp(sa, sb) != 0))
				return 0;
			break;
		}
		case CONF_DURATION:
		case CONF_SIZE:
			if (*(const int64_t *)pa != *(const int64_t *)pb)
				return 0;
			break;
		case CONF_INT:
		case CONF_LOGLEVEL:
		case CONF_BOOL:
			if (*(const int *)pa != *(const int *)pb)
				return 0;
			break;
		case CONF_DOUBLE:
			if (*(const double *)pa != *(const double *)pb)
				return 0;
			break;
		}
	}
	return 1;
}

const char *config_default_path(void)
{
	return TIDINGS_SYSCONFDIR "/tidings/tidings.conf";
}

const char *config_resolve_path(const char *path)
{
	if (path)
		return path;
	if (access(config_default_path(), F_OK) != 0 && (errno == ENOENT || errno == ENOTDIR))
		return NULL;
	return config_default_path();
}

const char *config_log_level_name(int level)
{
	if (level < LOG_LVL_ERR || level > LOG_LVL_DEBUG)
		return NULL;
	return level_names[level];
}

/* Every allocation of a load may fail, and the load then fails as "out
 * of memory": the same code runs on SIGHUP, where it aborted a daemon
 * that was running fine (the reload is refused instead, the running
 * configuration kept). */

/* $STATE_DIRECTORY may list several directories separated by ':' when a
 * unit has several StateDirectory= entries; ours is the first.  NULL when
 * out of memory. */
static char *default_database(void)
{
	const char *sd = getenv("STATE_DIRECTORY");
	size_t len;
	char *p;

	if (!sd || !*sd)
		return strdup("./tidings.db");
	len = strcspn(sd, ":");
	if (len == 0)
		return strdup("./tidings.db");
	p = malloc(len + sizeof "/tidings.db");
	if (!p)
		return NULL;
	memcpy(p, sd, len);
	strcpy(p + len, "/tidings.db");
	return p;
}

int config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->database = default_database();
	c->feeds = strdup(TIDINGS_SYSCONFDIR "/tidings/feeds.opml");
	c->interval = 15 * MIN_;
	c->min_interval = 5 * MIN_;
	c->max_interval = 24 * HOUR_;
	c->give_up_after = 7 * DAY_;
	c->concurrency = 32;
	c->per_host = 2;
	c->timeout = 30;
	c->connect_timeout = 10;
	c->max_size = 8 * MIB_;
	c->max_items = 10000;
	c->user_agent = strdup(USER_AGENT);
	c->log_level = LOG_LVL_INFO;
	c->retention = 90 * DAY_;

	config_threads_defaults(&c->threads);
	if (!c->database || !c->feeds || !c->user_agent) {
		config_free(c);
		return -1;
	}
	return 0;
}

void config_threads_defaults(struct cluster_params *p)
{
	/* Chosen on the labelled development sets (bench/cluster_replay.py,
	 * docs/threads.md): one configuration for headlines-only and
	 * full-article streams. */
	memset(p, 0, sizeof *p);
	p->enabled = 1;
	p->window = 72 * HOUR_;
	p->join_threshold = 0.19;
	p->merge_threshold = 0.32;
	p->title_weight = 2.0;
	p->entity_weight = 1.0;
	p->time_decay = 24.0;
	p->simhash_distance = 3;
	p->member_weight = 1.0;
	p->max_terms = 48;
	p->max_members = 16;
	/* 48 gained ECB+ no more than noise and cost the cold 10,000-feed
	 * poll 4 MiB of peak RSS, over issue 4's 64 MiB (docs/threads.md). */
	p->store_terms = 32;
	p->length_exponent = 0.3;
	p->entity_share = 0;
	p->clash_factor = 0.7;
	p->merge_gate = 0.75;
	p->lead_terms = 12;
	p->young_members = 3;
	p->young_names = 0.4;
	p->merge_names = 0.55;
	p->when_bonus = 0.1;
	p->when_clash = 0.7;
}

void config_free(struct config *c)
{
	free(c->path);
	free(c->database);
	free(c->feeds);
	free(c->user_agent);
	free(c->ca_file);
	memset(c, 0, sizeof *c);
}

/* ---- value parsers ---------------------------------------------------- */

/* Reads a run of decimal digits into *v; returns the end or NULL (no digit
 * or overflow). */
static const char *parse_digits(const char *s, int64_t *v)
{
	int64_t n = 0;

	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (INT64_MAX - (*s - '0')) / 10)
			return NULL;
		n = n * 10 + (*s - '0');
	}
	*v = n;
	return s;
}

/* "90", "15m", "1h30m", "2w".  Each number takes a unit except that a lone
 * number is seconds. */
int64_t config_parse_duration(const char *s)
{
	const char *start = s, *num;
	int64_t total = 0, n, mul;

	if (!s || !*s)
		return -1;
	while (*s) {
		num = s;
		s = parse_digits(s, &n);
		if (!s)
			return -1;
		switch (*s) {
		case 's': mul = 1; break;
		case 'm': mul = MIN_; break;
		case 'h': mul = HOUR_; break;
		case 'd': mul = DAY_; break;
		case 'w': mul = WEEK_; break;
		case '\0':
			/* a bare number only when it is the whole value: not
			 * after a unit, even one of 0 ("0m30" is no more 30 s
			 * than "1m30" is 90) */
			if (num != start)
				return -1;
			mul = 1;
			s--;
			break;
		default:
			return -1;
		}
		s++;
		if (n > INT64_MAX / mul || total > INT64_MAX - n * mul)
			return -1;
		total += n * mul;
	}
	return total;
}

int64_t config_parse_size(const char *s)
{
	int64_t n, mul = 1;

	if (!s)
		return -1;
	s = parse_digits(s, &n);
	if (!s)
		return -1;
	switch (*s) {
	case 'k': case 'K': mul = KIB_; s++; break;
	case 'm': case 'M': mul = MIB_; s++; break;
	case 'g': case 'G': mul = GIB_; s++; break;
	default: break;
	}
	if (*s == 'b' || *s == 'B')
		s++;
	if (*s != '\0' || n > INT64_MAX / mul)
		return -1;
	return n * mul;
}

static int parse_level(const char *s)
{
	for (int l = LOG_LVL_ERR; l <= LOG_LVL_DEBUG; l++)
		if (strcmp(s, level_names[l]) == 0)
			return l;
	return -1;
}

/* yes/no and their usual spellings, in any case; -1 for anything else. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* A whole-string integer, optional leading '-'. */
static int parse_int64(const char *s, int64_t *v)
{
	int neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	s = parse_digits(s, v);
	if (!s || *s)
		return -1;
	if (neg)
		*v = -*v;
	return 0;
}

static int parse_double(const char *s, double *v)
{
	char *end;

	if (!*s || strchr(" \t", *s))
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	if (*end || errno || !isfinite(*v))
		return -1;
	return 0;
}

void config_format_duration(int64_t secs, char *buf, size_t len)
{
	static const struct { int64_t mul; char unit; } units[] = {
		{ WEEK_, 'w' }, { DAY_, 'd' }, { HOUR_, 'h' }, { MIN_, 'm' },
	};

	if (secs > 0)
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
			if (secs % units[i].mul == 0) {
				snprintf(buf, len, "%" PRId64 "%c", secs / units[i].mul,
				         units[i].unit);
				return;
			}
	snprintf(buf, len, "%" PRId64 "s", secs);
}

void config_format_size(int64_t bytes, char *buf, size_t len)
{
	if (bytes > 0 && bytes % GIB_ == 0)
		snprintf(buf, len, "%" PRId64 "G", bytes / GIB_);
	else if (bytes > 0 && bytes % MIB_ == 0)
		snprintf(buf, len, "%" PRId64 "M", bytes / MIB_);
	else if (bytes > 0 && bytes % KIB_ == 0)
		snprintf(buf, len, "%" PRId64 "K", bytes / KIB_);
	else
		snprintf(buf, len, "%" PRId64, bytes);
}

int config_format_value(const struct config *c, const struct config_key *k,
                        char *buf, size_t len)
{
	const char *base = (const char *)c + k->offset;
	int n = 0;

	switch (k->type) {
	case CONF_PATH:
	case CONF_STRING:
		/* An optional path that is not set (ca_file) is empty. */
		n = snprintf(buf, len, "%s", *(char *const *)base ? *(char *const *)base : "");
		break;
	case CONF_DURATION:
		config_format_duration(*(const int64_t *)base, buf, len);
		n = (int)strlen(buf);
		break;
	case CONF_SIZE:
		config_format_size(*(const int64_t *)base, buf, len);
		n = (int)strlen(buf);
		break;
	case CONF_INT:
		n = snprintf(buf, len, "%d", *(const int *)base);
		break;
	case CONF_DOUBLE:
		n = snprintf(buf, len, "%g", *(const double *)base);
		break;
	case CONF_BOOL:
		n = snprintf(buf, len, "%s", *(const int *)base ? "yes" : "no");
		break;
	case CONF_LOGLEVEL: {
		const char *name = config_log_level_name(*(const int *)base);
		n = snprintf(buf, len, "%s", name ? name : "?");
		break;
	}
	}
	return n >= 0 && (size_t)n < len ? 0 : -1;
}

void config_format_bound(const struct config_key *k, int64_t v, char *buf, size_t len)
{
	if (k->type == CONF_DURATION)
		config_format_duration(v, buf, len);
	else if (k->type == CONF_SIZE)
		config_format_size(v, buf, len);
	else
		snprintf(buf, len, "%" PRId64, v);
}

/* ---- the loader -------------------------------------------------------- */

/* State of one config_load(): the text being fed to inih line by line and
 * the first error found, by line number. */
struct loader {
	const char *file;       /* as given, for messages */
	const char *dir;        /* directory of file, for relative paths; owned */
	const char *text;       /* whole file, NUL-terminated; owned by caller */
	const char *pos;
	const char *end;        /* text + its length: a NUL byte is not the end */
	int line;               /* line last handed to inih */
	int err_line;           /* first error we found, 0 = none */
	char err[512];
	int set_line[sizeof keys / sizeof keys[0]];  /* line each key was set on */
	struct config *c;
};

static void fail(struct loader *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct loader *L, const char *fmt, ...)
{
	va_list ap;

	if (L->err_line)
		return;     /* the first error is the one worth reading */
	L->err_line = L->line;
	va_start(ap, fmt);
	vsnprintf(L->err, sizeof L->err, fmt, ap);
	va_end(ap);
}

static int known_section(const char *name)
{
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
		if (strcmp(name, sections[i]) == 0)
			return 1;
	return 0;
}

/* Section headers never reach the handler (inih only reports keys), so an
 * unknown empty section is caught here, on its own line.  So is text after
 * the ']', which inih drops unread: "[threads] enabled = no" set nothing
 * and said nothing.  Only blanks and a ';' comment may follow. */
static void check_section_line(struct loader *L, const char *s, size_t len)
{
	char name[128];
	const char *close, *rest, *end = s + len;
	size_t n;

	if (len == 0 || s[0] != '[')
		return;
	close = memchr(s, ']', len);
	if (!close)
		return;     /* inih reports the syntax error */
	n = (size_t)(close - s - 1);
	if (n >= sizeof name)
		n = sizeof name - 1;
	memcpy(name, s + 1, n);
	name[n] = '\0';
	if (!known_section(name)) {
		fail(L, "unknown section [%s]", name);
		return;
	}
	for (rest = close + 1; rest < end && (*rest == ' ' || *rest == '\t'); rest++)
		;
	if (rest < end && *rest != ';') {
		/* up to a control character: a file of bare CRs is one line */
		for (n = 0; rest + n < end && (unsigned char)rest[n] >= ' '; n++)
			;
		fail(L, "text after [%s]: '%.*s' (a section header is alone on its line)",
		     name, (int)n, rest);
	}
}

/* inih's reader: hands over one line at a time so that L->line is always
 * the line the handler is called for.  Leading blanks are dropped, which
 * turns off inih's indented continuation lines: an indented line is an
 * ordinary line. */
static char *reader(char *str, int num, void *stream)
{
	struct loader *L = stream;
	const char *s = L->pos, *eol;
	size_t len;

	if (s >= L->end)
		return NULL;
	eol = memchr(s, '\n', (size_t)(L->end - s));
	len = eol ? (size_t)(eol - s) : (size_t)(L->end - s);
	L->pos = eol ? eol + 1 : s + len;
	L->line++;
	if (L->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		len -= 3;
	}
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len && s[len - 1] == '\r')
		len--;
	if (memchr(s, '\0', len)) {
		fail(L, "NUL byte in line");
		len = 0;
	}
	if (len >= (size_t)num) {
		fail(L, "line too long (more than %d characters)", num - 1);
		len = 0;
	}
	check_section_line(L, s, len);
	memcpy(str, s, len);
	str[len] = '\0';
	return str;
}

/* "dir/" + value unless value is absolute or the file has no directory.
 * NULL when out of memory. */
static char *resolve_path(const struct loader *L, const char *value)
{
	char *p;

	if (value[0] == '/' || !L->dir)
		return strdup(value);
	if (asprintf(&p, "%s/%s", L->dir, value) < 0)
		return NULL;
	return p;
}

/* user_agent with each "VERSION" replaced by the version: the shipped
 * tidings.conf shows the default as "tidings/VERSION (...)", and a user
 * who uncommented that line sent the word VERSION to every server.  NULL
 * when out of memory. */
static char *with_version(const char *v)
{
	static const char word[] = "VERSION";
	const size_t wl = sizeof word - 1, vl = strlen(TIDINGS_VERSION);
	size_t n = 0;
	char *out, *o;

	for (const char *p = strstr(v, word); p; p = strstr(p + wl, word))
		n++;
	out = o = malloc(strlen(v) + n * (vl > wl ? vl - wl : 0) + 1);
	if (!out)
		return NULL;
	for (const char *p; (p = strstr(v, word)); v = p + wl) {
		memcpy(o, v, (size_t)(p - v));
		o += p - v;
		memcpy(o, TIDINGS_VERSION, vl);
		o += vl;
	}
	strcpy(o, v);
	return out;
}

/* A path whose last element is empty, "." or "..": it can only name a
 * directory, never the file a path key wants. */
static int names_directory(const char *v)
{
	const char *last = strrchr(v, '/');

	last = last ? last + 1 : v;
	return !*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0;
}

/* `database` naming a directory.  SQLite drops a trailing "/" and "."
 * elements: "/var/lib/tidings/", not there yet, became a database file
 * of that name, while the daemon's one-daemon-per-database lock
 * (lock_database(), daemon.c), taken on the path as written, could not
 * open it, and a second daemon ran on the same file.  An existing
 * directory was refused only by store_open(), with no line of the file.
 * Both on the key's line, before anything is made.  -1 when refused. */
static int check_database_path(struct loader *L, const struct config_key *k,
                               const char *v, const char *resolved)
{
	struct stat st;

	if (names_directory(v) || (stat(resolved, &st) == 0 && S_ISDIR(st.st_mode))) {
		fail(L, "%s: '%s' names a directory; give the database file's name "
		     "(tidings.db in it, say)", k->name, v);
		return -1;
	}
	return 0;
}

static int set_value(struct loader *L, const struct config_key *k, const char *v)
{
	char *base = (char *)L->c + k->offset;
	char lo[32], hi[32];
	int64_t n;
	double d;

	switch (k->type) {
	case CONF_PATH:
	case CONF_STRING:
		if (!*v) {
			fail(L, "%s: empty value", k->name);
			return -1;
		}
		/* The User-Agent goes into every request as it is: a bare CR
		 * (a line break only CR ends, which this reader keeps) split
		 * the header there, and a lenient server or proxy read what
		 * followed as a header of its own (RFC 9112 2.2: never sent). */
		if (k->offset == OFF(user_agent))
			for (const char *p = v; *p; p++)
				if (((unsigned char)*p < ' ' && *p != '\t') || *p == 0x7f) {
					fail(L, "%s: control character 0x%02x in the value (it "
					     "would break the request's header)", k->name,
					     (unsigned char)*p);
					return -1;
				}
		free(*(char **)base);
		if (k->type == CONF_PATH)
			*(char **)base = resolve_path(L, v);
		else if (k->offset == OFF(user_agent))
			*(char **)base = with_version(v);
		else
			*(char **)base = strdup(v);
		if (!*(char **)base) {
			fail(L, "%s: out of memory", k->name);
			return -1;
		}
		if (k->offset == OFF(database))
			return check_database_path(L, k, v, *(char **)base);
		return 0;
	case CONF_LOGLEVEL:
		n = parse_level(v);
		if (n < 0) {
			fail(L, "%s: unknown level '%s' (use err, warning, notice, info or debug)",
			     k->name, v);
			return -1;
		}
		*(int *)base = (int)n;
		return 0;
	case CONF_BOOL:
		n = parse_bool(v);
		if (n < 0) {
			fail(L, "%s: '%s' is neither yes nor no", k->name, v);
			return -1;
		}
		*(int *)base = (int)n;
		return 0;
	case CONF_DOUBLE:
		if (parse_double(v, &d) < 0) {
			fail(L, "%s: bad number '%s'", k->name, v);
			return -1;
		}
		if (d < k->dmin || d > k->dmax) {
			fail(L, "%s: %s is out of range (%g to %g)", k->name, v, k->dmin, k->dmax);
			return -1;
		}
		*(double *)base = d;
		return 0;
	case CONF_DURATION:
		n = config_parse_duration(v);
		if (n < 0) {
			fail(L, "%s: bad duration '%s' (use a number with s, m, h, d or w)",
			     k->name, v);
			return -1;
		}
		/* A bare number is seconds.  For the two keys whose range starts
		 * at 0 (off) and that count in days, a few seconds is a unit left
		 * out: `retention = 30` deleted every story older than 30 s at
		 * the next pass, `give_up_after = 14` retired a feed 14 s into
		 * its first outage.  The other durations refuse so short a value
		 * by their range. */
		if ((k->offset == OFF(retention) || k->offset == OFF(give_up_after)) &&
		    n > 0 && n < HOUR_ && v[strspn(v, "0123456789")] == '\0') {
			fail(L, "%s: a bare %s is %s seconds; write the unit meant: "
			     "%sd, %sh or %sm (or %ss if seconds)", k->name, v, v, v, v, v, v);
			return -1;
		}
		break;
	case CONF_SIZE:
		n = config_parse_size(v);
		if (n < 0) {
			fail(L, "%s: bad size '%s' (use a number with K, M or G)", k->name, v);
			return -1;
		}
		break;
	case CONF_INT:
		if (parse_int64(v, &n) < 0) {
			fail(L, "%s: bad integer '%s'", k->name, v);
			return -1;
		}
		break;
	default:
		return -1;
	}
	if (n < k->min || n > k->max) {
		config_format_bound(k, k->min, lo, sizeof lo);
		config_format_bound(k, k->max, hi, sizeof hi);
		fail(L, "%s: %s is out of range (%s to %s)", k->name, v, lo, hi);
		return -1;
	}
	if (k->type == CONF_INT)
		*(int *)base = (int)n;
	else
		*(int64_t *)base = n;
	return 0;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
	struct loader *L = user;

	if (!*section) {
		fail(L, "key '%s' outside of any section", name);
		return 0;
	}
	if (!known_section(section))
		return 1;   /* already reported on the section's line */
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) || strcmp(keys[i].name, name))
			continue;
		if (L->set_line[i]) {
			fail(L, "duplicate key '%s' (first set on line %d)", name,
			     L->set_line[i]);
			return 0;
		}
		L->set_line[i] = L->line;
		return set_value(L, &keys[i], value) == 0;
	}
	fail(L, "unknown key '%s' in [%s]", name, section);
	return 0;
}

static size_t key_index(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return i;
	abort();
}

/* lo <= hi for two keys of the table; reported on the later of the two
 * lines that set them (one of them was set, or the defaults are wrong). */
static void check_order(struct loader *L, const char *lo_name, const char *hi_name)
{
	size_t a = key_index(lo_name), b = key_index(hi_name);
	int64_t lo = *(const int64_t *)((const char *)L->c + keys[a].offset);
	int64_t hi = *(const int64_t *)((const char *)L->c + keys[b].offset);
	char ls[32], hs[32];

	if (lo <= hi)
		return;
	L->line = L->set_line[a] > L->set_line[b] ? L->set_line[a] : L->set_line[b];
	config_format_duration(lo, ls, sizeof ls);
	config_format_duration(hi, hs, sizeof hs);
	fail(L, "%s (%s) is greater than %s (%s)", lo_name, ls, hi_name, hs);
}

/* Reads a whole regular file, NUL-terminated.  On error returns NULL with
 * the reason in err ("cannot open: ...").  The buffer starts at the size
 * fstat gives and grows only if the file does (a pipe, a file being
 * written): `max` bounds it, it is not what is allocated. */
static char *slurp(const char *path, size_t max, size_t *lenp, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL, *nb;
	size_t len = 0, cap;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "cannot open: %s", strerror(EISDIR));
		goto fail;
	}
	/* One byte more than the file, so that its end is seen without a
	 * reallocation, and a file grown past max is noticed. */
	cap = (st.st_size > 0 && (uint64_t)st.st_size < max ? (size_t)st.st_size : 4095) + 1;
	if (cap > max + 1)
		cap = max + 1;
	if (!(buf = malloc(cap)))
		goto oom;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				snprintf(err, errlen, "file too large (more than %zu bytes)", max);
				goto fail;
			}
			size_t ncap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			if (!(nb = realloc(buf, ncap)))
				goto oom;
			buf = nb;
			cap = ncap;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read: %s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	/* The loop reads only while len < cap and ends on a read of 0 bytes,
	 * so len < cap <= max + 1 here: within the bound, with room for the
	 * NUL. */
	close(fd);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
oom:
	snprintf(err, errlen, "cannot read: %s", strerror(ENOMEM));
fail:
	free(buf);
	close(fd);
	return NULL;
}

char *config_slurp(const char *path, size_t max, size_t *lenp, char *err,
                   size_t errlen)
{
	return slurp(path, max, lenp, err, errlen);
}

/* A CA file that cannot be read would fail every https feed, one by one
 * and only at fetch time: refuse it at load time (start-up, SIGHUP and
 * `tidings check`), on the line that set it.  Holding at least one PEM
 * certificate is what can be checked without a TLS library; libcurl
 * reports anything worse on the feeds themselves. */
#define CA_FILE_MAX_BYTES (16 << 20)

/* Whether every PEM block of a CA file has its END line.  OpenSSL, under
 * libcurl, refuses the whole file for one bad block, so a bundle cut
 * short by a copy and paste failed every https feed ("error setting
 * certificate file"), those of public CAs too, after `tidings check` had
 * said ok.  (What is between BEGIN and END is left to OpenSSL: a block
 * damaged inside is reported on the feeds, as before.)  0 when whole;
 * else -1 and `why` names the block by the line it starts on. */
static int pem_blocks_ok(const char *pem, char *why, size_t n)
{
	static const char begin[] = "-----BEGIN ", dashes[] = "-----";
	const char *p = pem, *counted = pem;
	int line = 1;

	while ((p = strstr(p, begin)) != NULL) {
		char end[96];
		const char *lab = p + sizeof begin - 1, *le = strstr(lab, dashes), *stop, *next;
		size_t ll;

		for (; counted < p; counted++)
			line += *counted == '\n';
		/* not at the start of a line, or no closing dashes on it: text,
		 * as OpenSSL reads it, not a block */
		if ((p != pem && p[-1] != '\n') || !le || (ll = (size_t)(le - lab)) >= 64 ||
		    memchr(lab, '\n', ll)) {
			p = lab;
			continue;
		}
		snprintf(end, sizeof end, "-----END %.*s-----", (int)ll, lab);
		stop = strstr(le + sizeof dashes - 1, end);
		/* its END must come before the next block's BEGIN line: OpenSSL
		 * reads on to an END and finds that BEGIN line where the base64
		 * should be, and a certificate cut short with a whole one pasted
		 * after it took the next one's END as its own here */
		next = strstr(le + sizeof dashes - 1, "\n-----BEGIN ");
		if (!stop || (next && next < stop)) {
			snprintf(why, n, "the %s on line %d is cut short (no %s%s)",
			         memmem(lab, ll, "CERTIFICATE", 11) ? "certificate" : "PEM block",
			         line, end, stop ? " before the next block" : "");
			return -1;
		}
		p = stop + strlen(end);
	}
	return 0;
}

static void check_ca_file(struct loader *L)
{
	char why[256], *pem;

	if (!L->c->ca_file)
		return;
	L->line = L->set_line[key_index("ca_file")];
	pem = slurp(L->c->ca_file, CA_FILE_MAX_BYTES, NULL, why, sizeof why);
	if (!pem) {
		fail(L, "ca_file: %s: %s", L->c->ca_file, why);
		return;
	}
	if (!strstr(pem, "-----BEGIN CERTIFICATE-----") &&
	    !strstr(pem, "-----BEGIN TRUSTED CERTIFICATE-----"))
		fail(L, "ca_file: %s: no PEM certificate in it "
		     "(expected -----BEGIN CERTIFICATE-----)", L->c->ca_file);
	else if (pem_blocks_ok(pem, why, sizeof why) < 0)
		fail(L, "ca_file: %s: %s", L->c->ca_file, why);
	free(pem);
}

int config_load(const char *path, struct config *c, char *err, size_t errlen)
{
	struct loader L = { .file = path, .c = c };
	char why[256], *text = NULL, *dir = NULL;
	const char *slash;
	size_t len = 0;
	int r;

	if (config_defaults(c) < 0) {
		snprintf(err, errlen, "%s:0: out of memory", path);
		return -1;
	}
	text = slurp(path, CONFIG_MAX_BYTES, &len, why, sizeof why);
	if (!text) {
		snprintf(err, errlen, "%s:0: %s", path, why);
		goto fail;
	}
	slash = strrchr(path, '/');
	if (slash) {
		dir = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
		if (!dir) {
			snprintf(err, errlen, "%s:0: out of memory", path);
			goto fail;
		}
		/* "/x.conf" gives "/", and "/" + "/" + value reads oddly */
		if (strcmp(dir, "/") == 0)
			dir[0] = '\0';
	}
	L.dir = dir;
	L.text = L.pos = text;
	L.end = text + len;
	r = ini_parse_stream(reader, &L, handler, &L);
	if (r < 0) {
		snprintf(err, errlen, "%s:0: cannot read: %s", path, strerror(ENOMEM));
		goto fail;
	}
	/* inih returns the first line it failed on: a handler refusal (ours,
	 * already described) or a line it could not parse at all. */
	if (r > 0 && (L.err_line == 0 || r < L.err_line)) {
		snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)",
		         path, r);
		goto fail;
	}
	/* The feed list of a configuration file that names none is the one
	 * beside it, so an installed tree is consistent whatever SYSCONFDIR
	 * the binary was built with. */
	if (!L.err_line && !L.set_line[key_index("feeds")]) {
		free(c->feeds);
		if (!(c->feeds = resolve_path(&L, "feeds.opml"))) {
			snprintf(err, errlen, "%s:0: out of memory", path);
			goto fail;
		}
	}
	if (!L.err_line) {
		check_order(&L, "min_interval", "interval");
		check_order(&L, "interval", "max_interval");
		check_order(&L, "connect_timeout", "timeout");
	}
	if (!L.err_line)
		check_ca_file(&L);
	if (L.err_line) {
		snprintf(err, errlen, "%s:%d: %s", path, L.err_line, L.err);
		goto fail;
	}
	if (!(c->path = strdup(path))) {
		snprintf(err, errlen, "%s:0: out of memory", path);
		goto fail;
	}
	free(text);
	free(dir);
	return 0;
fail:
	free(text);
	free(dir);
	config_free(c);
	/* the defaults, or nothing when memory is short (as the header says) */
	(void)config_defaults(c);
	return -1;
}
