/* config/config.h — the configuration file (INI, parsed with inih) and the
 * feed list (OPML 1.0/2.0 or one URL a line).  Every key, its type and its
 * default are in docs/tidings.conf.5; this module is the only place that
 * knows them.
 *
 * Errors are reported as "FILE:LINE: message" (LINE 0 when the problem is
 * the file as a whole, e.g. it cannot be opened). */
#ifndef TIDINGS_CONFIG_H
#define TIDINGS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_LVL_ERR = 3, LOG_LVL_WARNING = 4, LOG_LVL_NOTICE = 5,
                 LOG_LVL_INFO = 6, LOG_LVL_DEBUG = 7 };

/* The [threads] section: the clusterer's tunables (daemon/cluster.h
 * explains what they do; docs/threads.md how their defaults were chosen on
 * labelled news).  Each field is a key of the same name, but `window`,
 * which is cluster_window. */
struct cluster_params {
	int enabled;             /* 0: stories are stored without threads (thread_id
	                            NULL) and the clusterer is not built at all */
	int64_t window;          /* cluster_window, s: threads idle longer leave memory */
	double join_threshold;   /* min score to join a thread */
	double merge_threshold;  /* centroid cosine to merge two threads */
	double title_weight;     /* a title term counts this many lead terms */
	double entity_weight;    /* extra weight of a certain name/acronym/number */
	double time_decay;       /* hours: score halves per this idle time; 0 = off */
	int simhash_distance;    /* near-duplicate bar (dedup's, not the clusterer's) */
	double member_weight;    /* how far the score moves from the centroid cosine
	                            towards the mean cosine of the two nearest members */
	int max_terms;           /* terms kept per story vector (highest weights) */
	int max_members;         /* recent members kept per thread for member cosine */
	int store_terms;         /* terms of a story kept in memory once it joined
	                            (its heaviest, renormalised): what the centroid,
	                            the member cosine and the inverted index hold;
	                            the new story is scored with max_terms; at most
	                            max_terms (a larger value is max_terms) */
	double length_exponent;  /* thresholds are for ~8-term stories (headlines) and
	                            scale by (terms/8)^this for longer ones */
	double entity_share;     /* share of the names-only cosine in the score */
	double clash_factor;     /* score factor when the main names differ */
	double merge_gate;       /* merge check only for candidates scoring this x
	                            the join bar */
	/* Names agreement where the words mislead (two events of one kind);
	 * for stories with a lead only, headlines carry too few names (0:
	 * off; docs/threads.md, "names where the words mislead"). */
	int lead_terms;          /* a story of this many terms or more has a lead */
	int young_members;       /* a thread of this many members or fewer is young */
	double young_names;      /* joining a young thread: score x clash_factor when
	                            the names cosine is under this and the story
	                            lacks the thread's heaviest name */
	double merge_names;      /* threads with leads merge only when their names
	                            cosine reaches this */
	/* When the texts say it happened (docs/threads.md, "when the text
	 * says"): the years, months and weekdays a story names against
	 * those its thread's recent members name. */
	double when_bonus;       /* a year or a month shared: score x (1 + this) */
	double when_clash;       /* none shared, though both sides name years, or
	                            both months, or both weekdays (then none
	                            shared either): score x this (0: off) */
};

/* The [threads] defaults: the values measured best on labelled news. */
void config_threads_defaults(struct cluster_params *p);

/* Owns every string in it; config_free() releases them. */
struct config {
	char *path;          /* file it was loaded from, NULL for defaults */

	/* [daemon] */
	char *database;      /* path of the SQLite file */
	char *feeds;         /* path of the feed list */
	int64_t interval;    /* seconds */
	int64_t min_interval, max_interval, give_up_after;
	int concurrency, per_host;
	int64_t timeout;     /* seconds, whole transfer */
	int64_t connect_timeout;
	int64_t max_size;    /* bytes */
	int max_items;       /* entries read from one document */
	char *user_agent;
	char *ca_file;       /* PEM file of extra trusted CAs; NULL = the
	                        system's store only (verification is always on) */
	int log_level;       /* enum log_level */
	int64_t retention;   /* seconds; 0 keeps everything */

	/* [threads]: every key of the section, as the clusterer takes them */
	struct cluster_params threads;
};

/* Built-in defaults: a database in $STATE_DIRECTORY or the current
 * directory, the feed list beside the default configuration.  *c is
 * overwritten, not freed.  Returns 0, or -1 when out of memory: then *c
 * holds nothing (config_free() on it is harmless). */
int config_defaults(struct config *c);

/* Loads `path` over the defaults (it calls config_defaults() itself, so
 * pass a struct that holds nothing to free).  Relative `database` and
 * `feeds` paths are taken relative to the directory of `path`; when the
 * file sets no `feeds`, it is feeds.opml in that directory.  Returns 0,
 * or -1 with "FILE:LINE: msg" in err; on error *c is left holding defaults
 * only, or nothing when out of memory (still free it).  An allocation
 * that fails is such an error ("FILE:LINE: KEY: out of memory", LINE 0
 * when no line is to blame), never the end of the process: a reload
 * (SIGHUP) runs this in a daemon that must go on. */
int config_load(const char *path, struct config *c, char *err, size_t errlen);

void config_free(struct config *c);

/* "15m" -> 900.  Units s m h d w; a bare number is seconds.  -1 on error. */
int64_t config_parse_duration(const char *s);
/* "8M" -> 8388608.  Units K M G (powers of 1024), optional B.  -1 on error. */
int64_t config_parse_size(const char *s);

/* The default configuration file path (SYSCONFDIR/tidings/tidings.conf). */
const char *config_default_path(void);

/* The file to read for -c `path`: `path` itself when given; without -c
 * the default file, or NULL (the built-in defaults) when it does not
 * exist.  Only "no such file" means the defaults: a file that exists but
 * cannot be reached (EACCES) is still named, so that loading it reports
 * why rather than running silently on defaults.  One rule for the daemon,
 * its reload and `tidings check`. */
const char *config_resolve_path(const char *path);

/* The key table: one row per key, in file order.  Documentation and tests
 * walk it so that no key goes undocumented. */
enum config_type {
	CONF_PATH,      /* string; relative = relative to the config file */
	CONF_STRING,    /* non-empty string */
	CONF_DURATION,  /* int64_t seconds, bounds in seconds */
	CONF_SIZE,      /* int64_t bytes, bounds in bytes */
	CONF_INT,       /* int */
	CONF_DOUBLE,    /* double, bounds in dmin/dmax */
	CONF_LOGLEVEL,  /* int, enum log_level */
	CONF_BOOL,      /* int, 0 or 1: yes/no, true/false, on/off, 1/0 */
};

struct config_key {
	const char *section;
	const char *name;
	enum config_type type;
	size_t offset;          /* into struct config */
	int64_t min, max;       /* CONF_INT, CONF_DURATION, CONF_SIZE */
	double dmin, dmax;      /* CONF_DOUBLE */
	const char *doc;        /* one line, for tidings.conf and the man page */
};

const struct config_key *config_keys(size_t *n);

/* 1 when a and b hold the same value for every key of `section`. */
int config_section_equal(const struct config *a, const struct config *b,
                         const char *section);

/* Writes c's value of key k as it would be written in the file ("15m",
 * "8M", "info", ...).  Returns 0, or -1 if it did not fit. */
int config_format_value(const struct config *c, const struct config_key *k,
                        char *buf, size_t len);
/* 900 -> "15m": the largest unit that divides it exactly. */
void config_format_duration(int64_t secs, char *buf, size_t len);
/* 8388608 -> "8M". */
void config_format_size(int64_t bytes, char *buf, size_t len);
/* Bound `v` of key `k` as the messages and tidings.conf(5) write it: a
 * duration or a size in its units, else the number. */
void config_format_bound(const struct config_key *k, int64_t v, char *buf, size_t len);
/* LOG_LVL_INFO -> "info"; NULL for anything else. */
const char *config_log_level_name(int level);

struct feedlist_item {
	char *url;
	char *title;         /* OPML text/title, or NULL */
	char *category;      /* OPML category attribute or enclosing folders */
	int64_t interval;    /* per-feed interval in seconds, 0 = default */
};

/* Owns its items; feedlist_free() releases them. */
struct feedlist {
	struct feedlist_item *items;
	size_t n;
};

/* Loads an OPML or plain-text feed list (chosen by content: OPML when the
 * first non-blank character is '<').  Duplicate URLs are one feed (the
 * first one listed; see feedlist_url_key()).  Only
 * http and https URLs are accepted.  OPML: every <outline> with an xmlUrl
 * is a feed; its category is its `category` attribute, else the text of
 * its enclosing folder outlines joined with '/'; an `interval` attribute
 * ("30m") sets its poll interval.  Plain text: one URL a line, blank lines
 * and '#' comments ignored.  Returns 0, or -1 with "FILE:LINE: msg" in err
 * (on error *fl is empty; still free it). */
int feedlist_load(const char *path, struct feedlist *fl, char *err,
                  size_t errlen);

void feedlist_free(struct feedlist *fl);

/* The identity of a feed URL (malloc'd; NULL when out of memory): two
 * URLs with the same key are one feed.  Scheme and host in lower case,
 * without a #fragment, the scheme's default port or an empty one; an
 * empty path is "/". */
char *feedlist_url_key(const char *url);

#endif
