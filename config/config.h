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

	/* [threads] */
	int64_t cluster_window; /* seconds */
	double join_threshold;  /* cosine similarity to join a thread */
	double merge_threshold; /* centroid similarity to merge two threads */
	double title_weight;    /* weight of title tokens over lead text */
	double entity_weight;   /* extra weight of proper nouns, acronyms */
	double time_decay;      /* similarity halves every this many hours */
	int simhash_distance;   /* near-duplicate bar, Hamming distance */
};

/* Built-in defaults: a database in $STATE_DIRECTORY or the current
 * directory, the feed list beside the default configuration.  *c is
 * overwritten, not freed. */
void config_defaults(struct config *c);

/* Loads `path` over the defaults (it calls config_defaults() itself, so
 * pass a struct that holds nothing to free).  Relative `database` and
 * `feeds` paths are taken relative to the directory of `path`; when the
 * file sets no `feeds`, it is feeds.opml in that directory.  Returns 0,
 * or -1 with "FILE:LINE: msg" in err; on error *c is left holding defaults
 * only (still free it). */
int config_load(const char *path, struct config *c, char *err, size_t errlen);

void config_free(struct config *c);

/* "15m" -> 900.  Units s m h d w; a bare number is seconds.  -1 on error. */
int64_t config_parse_duration(const char *s);
/* "8M" -> 8388608.  Units K M G (powers of 1024), optional B.  -1 on error. */
int64_t config_parse_size(const char *s);

/* The default configuration file path (SYSCONFDIR/tidings/tidings.conf). */
const char *config_default_path(void);

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

/* Writes c's value of key k as it would be written in the file ("15m",
 * "8M", "info", ...).  Returns 0, or -1 if it did not fit. */
int config_format_value(const struct config *c, const struct config_key *k,
                        char *buf, size_t len);
/* 900 -> "15m": the largest unit that divides it exactly. */
void config_format_duration(int64_t secs, char *buf, size_t len);
/* 8388608 -> "8M". */
void config_format_size(int64_t bytes, char *buf, size_t len);
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
 * first one listed; scheme and host compare case-insensitively).  Only
 * http and https URLs are accepted.  OPML: every <outline> with an xmlUrl
 * is a feed; its category is its `category` attribute, else the text of
 * its enclosing folder outlines joined with '/'; an `interval` attribute
 * ("30m") sets its poll interval.  Plain text: one URL a line, blank lines
 * and '#' comments ignored.  Returns 0, or -1 with "FILE:LINE: msg" in err
 * (on error *fl is empty; still free it). */
int feedlist_load(const char *path, struct feedlist *fl, char *err,
                  size_t errlen);

void feedlist_free(struct feedlist *fl);

#endif
