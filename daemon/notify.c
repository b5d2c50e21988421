/* daemon/notify.c — sd_notify messages from the daemon: READY, STATUS,
 * the watchdog timer, RELOADING and STOPPING.  libsystemd does the socket
 * work ($NOTIFY_SOCKET, abstract names, credentials). */
#include "daemon/notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "daemon/log.h"
#include "daemon/store.h"

struct notify {                /* owns the watchers; borrows loop and st */
	struct ev_loop *loop;
	struct store *st;
	ev_timer watchdog;
	ev_prepare after_reload;   /* READY=1 once the reload handler returned */
	int stopping;
};

void notify_group_digits(char *buf, size_t len, int64_t v)
{
	char raw[32], out[48];
	size_t n, o = 0;
	const char *p = raw;

	snprintf(raw, sizeof raw, "%" PRId64, v);
	if (*p == '-')
		out[o++] = *p++;
	n = strlen(p);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = p[i];
	}
	out[o] = '\0';
	snprintf(buf, len, "%s", out);
}

void notify_format_status(char *buf, size_t len, const struct store_counts *c)
{
	char f[48], x[48], s[48], t[48];

	notify_group_digits(f, sizeof f, c->feeds);
	notify_group_digits(x, sizeof x, c->failing);
	notify_group_digits(s, sizeof s, c->stories);
	notify_group_digits(t, sizeof t, c->threads_since);
	snprintf(buf, len, "%s feed%s, %s failing, %s stor%s, %s thread%s today",
	         f, c->feeds == 1 ? "" : "s", x, s, c->stories == 1 ? "y" : "ies",
	         t, c->threads_since == 1 ? "" : "s");
}

/* Local midnight: "today" as the administrator reading STATUS means it. */
static int64_t start_of_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm))
		return (int64_t)now - (int64_t)now % 86400;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* Sends STATUS= together with `extra` (may be NULL) in one datagram, so
 * that systemd never sees READY=1 with a stale status. */
static void send_status(struct notify *n, const char *extra)
{
	struct store_counts c;
	char status[256];

	if (n->stopping)
		snprintf(status, sizeof status, "stopping");
	else if (store_counts(n->st, start_of_today(), &c) < 0)
		snprintf(status, sizeof status, "database error: %s", store_errmsg(n->st));
	else
		notify_format_status(status, sizeof status, &c);
	sd_notifyf(0, "%s%sSTATUS=%s", extra ? extra : "", extra ? "\n" : "", status);
}

static void watchdog_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	/* Reaching this callback is the proof of life: the loop turns. */
	sd_notify(0, "WATCHDOG=1");
}

static void after_reload_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct notify *n = w->data;

	ev_ref(loop);
	ev_prepare_stop(loop, w);
	if (!n->stopping)
		send_status(n, "READY=1");
}

int notify_start(struct ev_loop *loop, struct store *st, struct notify **out)
{
	struct notify *n = calloc(1, sizeof *n);
	uint64_t usec = 0;

	*out = NULL;
	if (!n) {
		log_err("out of memory: no systemd notifications");
		return -1;
	}
	n->loop = loop;
	n->st = st;
	ev_prepare_init(&n->after_reload, after_reload_cb);
	n->after_reload.data = n;
	ev_timer_init(&n->watchdog, watchdog_cb, 0., 0.);
	n->watchdog.data = n;
	/* sd_watchdog_enabled() also checks $WATCHDOG_PID is this process. */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		double every = (double)usec / 2e6;

		ev_timer_set(&n->watchdog, every, every);
		ev_timer_start(loop, &n->watchdog);
		/* The keep-alive alone must not keep the loop running. */
		ev_unref(loop);
		log_debug("watchdog: keep-alive every %.3f s", every);
	}
	send_status(n, "READY=1");
	*out = n;
	return 0;
}

void notify_reloading(struct notify *n)
{
	struct timespec ts;

	if (!n || n->stopping)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* MONOTONIC_USEC lets systemd (Type=notify-reload) tell this reload
	 * from an earlier one. */
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\nSTATUS=reloading",
	           (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
	if (!ev_is_active(&n->after_reload)) {
		ev_prepare_start(n->loop, &n->after_reload);
		ev_unref(n->loop);
	}
}

void notify_status(struct notify *n)
{
	if (n && !n->stopping)
		send_status(n, NULL);
}

void notify_stopping(struct notify *n)
{
	if (!n || n->stopping)
		return;
	n->stopping = 1;
	send_status(n, "STOPPING=1");
}

void notify_free(struct notify *n)
{
	if (!n)
		return;
	/* Unreferenced watchers get their reference back before stopping. */
	if (ev_is_active(&n->watchdog)) {
		ev_ref(n->loop);
		ev_timer_stop(n->loop, &n->watchdog);
	}
	if (ev_is_active(&n->after_reload)) {
		ev_ref(n->loop);
		ev_prepare_stop(n->loop, &n->after_reload);
	}
	free(n);
}
