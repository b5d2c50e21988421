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
	char *user_agent;
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
 * directory, the feed list beside the default configuration. */
void config_defaults(struct config *c);

/* Loads `path` over the defaults.  Returns 0, or -1 with "FILE:LINE: msg"
 * in err; on error *c is left holding defaults only (still free it). */
int config_load(const char *path, struct config *c, char *err, size_t errlen);

void config_free(struct config *c);

/* "15m" -> 900.  Units s m h d w; a bare number is seconds.  -1 on error. */
int64_t config_parse_duration(const char *s);
/* "8M" -> 8388608.  Units K M G (powers of 1024), optional B.  -1 on error. */
int64_t config_parse_size(const char *s);

/* The default configuration file path (SYSCONFDIR/tidings/tidings.conf). */
const char *config_default_path(void);

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

/* Loads an OPML or plain-text feed list (chosen by content).  Duplicate
 * URLs are one feed.  Returns 0, or -1 with "FILE:LINE: msg" in err. */
int feedlist_load(const char *path, struct feedlist *fl, char *err,
                  size_t errlen);

void feedlist_free(struct feedlist *fl);

#endif
