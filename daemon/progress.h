/* daemon/progress.h — `tidingsd --once` on a terminal: one updating line
 * on stderr (feeds done of total, new stories, errors), erased when the
 * run ends so the summary follows it.  Nothing at all when stderr is not
 * a terminal.  One per process, like stderr itself. */
#ifndef TIDINGS_PROGRESS_H
#define TIDINGS_PROGRESS_H

#include <stddef.h>

/* Starts showing progress of `total` feeds if stderr is a terminal. */
void progress_start(size_t total);

/* Counts so far; redraws at most ten times a second.  Reaching `total`
 * erases the line (and prints a summary when the log level hides the
 * daemon's own summary line).  A no-op when not started. */
void progress_update(int done, int new_stories, int errors);

/* Erases the line if it is still shown (interrupted run). */
void progress_end(void);

/* "[ 12/312] feeds, 30 new stories, 2 errors" cut to `width` columns;
 * exposed for tests. */
void progress_format(char *buf, size_t len, int done, size_t total,
                     int new_stories, int errors, int width);

#endif
