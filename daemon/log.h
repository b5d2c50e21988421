/* daemon/log.h — one line per event on stderr.  Under journald (stderr is
 * the journal, per $JOURNAL_STREAM) lines carry "<N>" syslog priority
 * prefixes; otherwise "LEVEL: message". */
#ifndef TIDINGS_LOG_H
#define TIDINGS_LOG_H

#include "config/config.h"

void log_init(int level);          /* enum log_level; detects the journal */
void log_set_level(int level);
int log_get_level(void);

/* A transient line on the terminal (progress.c): `clear` erases it before
 * each log line, `redraw` puts it back after.  NULL, NULL: none. */
void log_set_line_hooks(void (*clear)(void), void (*redraw)(void));

/* Copies src to dst (n bytes, always terminated) with the password of
 * every "scheme://user:password@host" replaced by "***": feed URLs may
 * carry credentials, and logs and listings are read by more people than
 * the configuration file.  Returns dst. */
char *log_redact(char *dst, size_t n, const char *src);
/* Nonzero when s holds a URL with a password in it (what log_redact
 * hides). */
int log_has_password(const char *s);

void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)     log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LVL_WARNING, __VA_ARGS__)
#define log_notice(...)  log_msg(LOG_LVL_NOTICE, __VA_ARGS__)
#define log_info(...)    log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)   log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
