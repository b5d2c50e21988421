/* daemon/log.c — stderr logging with journald priority prefixes. */
#include "daemon/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cur_level = LOG_LVL_INFO;
static int to_journal;
static void (*hook_clear)(void), (*hook_redraw)(void);

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
	cur_level = level;
	to_journal = stderr_is_journal();
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
 * the colon before the password and the '@' after it. */
static int password_at(const char *src, const char **colon, const char **at)
{
	const char *auth, *end;

	if (strncmp(src, "://", 3) != 0)
		return 0;
	auth = src + 3;
	end = auth + strcspn(auth, "/?# \t\"'<>");
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

void log_msg(int level, const char *fmt, ...)
{
	char raw[2048], line[2048];
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
	/* One fprintf per line so concurrent writers never interleave mid-line. */
	if (to_journal)
		fprintf(stderr, "<%d>%s\n", level, line);
	else
		fprintf(stderr, "%s: %s\n", level_name(level), line);
	if (hook_redraw)
		hook_redraw();
}
