/* daemon/log.c — stderr logging with journald priority prefixes. */
#include "daemon/log.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int cur_level = LOG_LVL_INFO;
static int to_journal;
static void (*hook_clear)(void), (*hook_redraw)(void);
static atomic_ulong dropped;   /* lines stderr had no room for */
static int stderr_may_stall;   /* 1 a pipe, 2 a socket (write_line) */

/* $JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected; stderr is
 * the journal only if it is still that very file (not redirected since). */
static int stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(2, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void log_init(int level)
{
	struct stat st;

	cur_level = level;
	to_journal = stderr_is_journal();
	stderr_may_stall = fstat(2, &st) < 0 ? 0 : S_ISFIFO(st.st_mode) ? 1
	                   : S_ISSOCK(st.st_mode) ? 2 : 0;
}

void log_set_level(int level) { cur_level = level; }

void log_set_line_hooks(void (*clear)(void), void (*redraw)(void))
{
	hook_clear = clear;
	hook_redraw = redraw;
}
int log_get_level(void) { return cur_level; }

static const char *level_name(int level)
{
	switch (level) {
	case LOG_LVL_ERR: return "error";
	case LOG_LVL_WARNING: return "warning";
	case LOG_LVL_NOTICE: return "notice";
	case LOG_LVL_INFO: return "info";
	default: return "debug";
	}
}

/* When src starts with "://" and an authority holding "user:password@":
 * the colon before the password and the '@' after it.  The authority ends
 * where a URL parser ends it ('/', '?', '#') or at a blank, not at a quote
 * or '<' '>': a password may hold them (libcurl sends "it's" and "a\"b" as
 * written; an OPML list holds the latter as &quot;), and a scan that
 * stopped there saw no '@', so the log, `tidings feeds` and `check` showed
 * such a password whole, and the warning about readable files counted no
 * password in it.  Masking too much of an odd line is the safe side. */
static int password_at(const char *src, const char **colon, const char **at)
{
	const char *auth, *end;

	if (strncmp(src, "://", 3) != 0)
		return 0;
	auth = src + 3;
	end = auth + strcspn(auth, "/?# \t\r\n");
	*at = NULL;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			*at = p;
	*colon = *at ? memchr(auth, ':', (size_t)(*at - auth)) : NULL;
	return *colon != NULL;
}

int log_has_password(const char *s)
{
	const char *colon, *at;

	for (; s && *s; s++)
		if (password_at(s, &colon, &at))
			return 1;
	return 0;
}

char *log_redact(char *dst, size_t n, const char *src)
{
	size_t o = 0;

	if (!n)
		return dst;
	while (*src && o + 1 < n) {
		const char *at, *colon;

		if (!password_at(src, &colon, &at)) {
			dst[o++] = *src++;
			continue;
		}
		/* "://user:" as written, then "***", then "@host..." */
		for (const char *p = src; p <= colon && o + 1 < n; p++)
			dst[o++] = *p;
		for (const char *p = "***"; *p && o + 1 < n; p++)
			dst[o++] = *p;
		src = at;
	}
	dst[o] = '\0';
	return dst;
}

/* Writes one whole line to stderr, or nothing.  A reader that stopped
 * reading (a stalled log collector, journald hung, `tidingsd 2>&1 | less`
 * left waiting) filled the pipe or socket, and the next line's write
 * blocked the event loop for good: no poll, no SIGTERM heard, only SIGKILL
 * ended it.  On a pipe or a socket a line now waits LOG_WAIT_MS at most
 * for room (a reader a moment behind), none while lines are being
 * dropped, and is dropped when there is none.  poll()'s POLLOUT means
 * room for a whole line there: a pipe takes up to PIPE_BUF at once, a
 * socket a quarter of its buffer.  A terminal or a file is written as
 * before. */
#define LOG_WAIT_MS 100

static int write_line(const char *buf, size_t len)
{
	struct pollfd pfd = { .fd = 2, .events = POLLOUT };
	ssize_t n;

	if (!stderr_may_stall)
		return write(2, buf, len) < 0 ? -1 : 0;
	if (poll(&pfd, 1, atomic_load(&dropped) ? 0 : LOG_WAIT_MS) != 1 ||
	    !(pfd.revents & POLLOUT))
		return -1;
	n = stderr_may_stall == 2 ? send(2, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL)
	                          : write(2, buf, len);
	return n < 0 ? -1 : 0;
}

/* 0, or -1 when the line was dropped (counted). */
static int emit(int level, const char *text)
{
	char out[2100];
	int len;

	if (to_journal)
		len = snprintf(out, sizeof out, "<%d>%s\n", level, text);
	else
		len = snprintf(out, sizeof out, "%s: %s\n", level_name(level), text);
	if (len < 0)
		return 0;
	if ((size_t)len >= sizeof out)
		len = (int)sizeof out - 1;
	if (write_line(out, (size_t)len) < 0) {
		atomic_fetch_add(&dropped, 1);
		return -1;
	}
	return 0;
}

void log_msg(int level, const char *fmt, ...)
{
	char raw[2048], line[2048];
	unsigned long lost;
	va_list ap;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	log_redact(line, sizeof line, raw);
	/* Messages carry text from feeds and servers; a control character
	 * in one would drive the terminal or break the journal's line. */
	for (unsigned char *c = (unsigned char *)line; *c; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			*c = '?';
	if (hook_clear)
		hook_clear();
	/* Said before the next line that gets through. */
	if ((lost = atomic_exchange(&dropped, 0)) > 0) {
		char note[96];

		snprintf(note, sizeof note, "%lu log message%s dropped: stderr was not being read",
		         lost, lost == 1 ? "" : "s");
		/* Still no room: the count goes on (emit() counted the
		 * note itself as one more). */
		if (emit(LOG_LVL_WARNING, note) < 0)
			atomic_fetch_add(&dropped, lost - 1);
	}
	/* One write per line so concurrent writers never interleave mid-line. */
	emit(level, line);
	if (hook_redraw)
		hook_redraw();
}
