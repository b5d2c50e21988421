/* daemon/notify.h — the daemon's side of the systemd notification
 * protocol (sd_notify): readiness, STATUS=, the watchdog keep-alive,
 * reloading and stopping.  Without $NOTIFY_SOCKET every call is a no-op,
 * so the daemon calls these unconditionally. */
#ifndef TIDINGS_NOTIFY_H
#define TIDINGS_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include <ev.h>

struct store;
struct store_counts;

/* Owns its libev watchers; borrows the loop and the store, which must
 * outlive it.  Every function accepts NULL (after a failed start). */
struct notify;

/* Sends READY=1 with a first STATUS=, and starts WATCHDOG=1 keep-alives
 * every half of the interval systemd asked for ($WATCHDOG_USEC).  Call it
 * once the database is open and the schedule loaded.  Returns 0, or -1
 * (out of memory; logged, *out NULL, the daemon runs on without). */
int notify_start(struct ev_loop *loop, struct store *st, struct notify **out);

/* RELOADING=1 now; READY=1 and a fresh STATUS= follow by themselves once
 * the current event callback has returned, whichever way the reload went. */
void notify_reloading(struct notify *n);

/* Recomputes STATUS= from the database (a few indexed counts). */
void notify_status(struct notify *n);

/* STOPPING=1: shutdown has begun. */
void notify_stopping(struct notify *n);

/* Stops the watchers (the loop must still exist) and frees n. */
void notify_free(struct notify *n);

/* "312 feeds, 4 failing, 1,204 stories, 87 threads today" (for tests). */
void notify_format_status(char *buf, size_t len, const struct store_counts *c);

/* 1204 -> "1,204". */
void notify_group_digits(char *buf, size_t len, int64_t v);

#endif
