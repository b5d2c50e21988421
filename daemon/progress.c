/* daemon/progress.c — the one updating progress line of `tidingsd --once`
 * on a terminal, and the hooks that keep log lines from writing over it. */
#include "daemon/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"

/* A redraw costs a write(2) to the terminal; ten a second reads as live. */
#define REDRAW_EVERY 0.1

static struct {
	int on;                   /* a line may be on screen */
	size_t total;
	int done, new_stories, errors;
	double started, drawn_at;
	char line[256];
} P;

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int term_width(void)
{
	struct winsize ws;

	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

void progress_format(char *buf, size_t len, int done, size_t total,
                     int new_stories, int errors, int width)
{
	int n = snprintf(buf, len, "[%*d/%zu] feeds, %d new stor%s, %d error%s",
	                 total >= 1000 ? 4 : total >= 100 ? 3 : 2, done, total,
	                 new_stories, new_stories == 1 ? "y" : "ies",
	                 errors, errors == 1 ? "" : "s");

	/* A line that wraps cannot be redrawn with \r: keep it one column
	 * short of the terminal. */
	if (width > 1 && n >= width && (size_t)(width - 1) < len)
		buf[width - 1] = '\0';
}

static void clear_line(void)
{
	fputs("\r\033[K", stderr);
}

static void draw(void)
{
	progress_format(P.line, sizeof P.line, P.done, P.total, P.new_stories,
	                P.errors, term_width());
	fprintf(stderr, "\r\033[K%s", P.line);
	fflush(stderr);
	P.drawn_at = mono();
}

void progress_start(size_t total)
{
	/* A terminal that says it knows no escapes (TERM=dumb: Emacs's shell,
	 * some CI runners) showed each redraw's ESC [ K as text. */
	const char *term = getenv("TERM");
	if (!isatty(2) || total == 0 || (term && !strcmp(term, "dumb")))
		return;
	memset(&P, 0, sizeof P);
	P.on = 1;
	P.total = total;
	P.started = mono();
	log_set_line_hooks(clear_line, draw);
	draw();
}

void progress_update(int done, int new_stories, int errors)
{
	if (!P.on)
		return;
	P.done = done;
	P.new_stories = new_stories;
	P.errors = errors;
	if ((size_t)done >= P.total) {
		progress_end();
		/* The daemon's cycle summary is a notice; say it here when the
		 * log level hides notices. */
		if (log_get_level() < LOG_LVL_NOTICE)
			fprintf(stderr, "%d feed%s polled, %d new stor%s, %d error%s, %.1f s\n",
			        done, done == 1 ? "" : "s", new_stories, new_stories == 1 ? "y" : "ies",
			        errors, errors == 1 ? "" : "s", mono() - P.started);
		return;
	}
	if (mono() - P.drawn_at >= REDRAW_EVERY)
		draw();
}

void progress_end(void)
{
	if (!P.on)
		return;
	P.on = 0;
	log_set_line_hooks(NULL, NULL);
	clear_line();
	fflush(stderr);
}
