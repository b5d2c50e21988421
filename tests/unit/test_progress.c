/* tests/unit/test_progress.c — the progress line's text and its cut to
 * the terminal width; nothing is drawn when stderr is not a terminal. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon/progress.h"
#include "tap.h"

int main(void)
{
	char buf[256];

	progress_format(buf, sizeof buf, 3, 12, 30, 2, 200);
	is_str(buf, "[ 3/12] feeds, 30 new stories, 2 errors", "the line");
	progress_format(buf, sizeof buf, 0, 312, 1, 1, 200);
	is_str(buf, "[  0/312] feeds, 1 new story, 1 error", "singulars, width of the total");
	progress_format(buf, sizeof buf, 5, 1500, 0, 0, 200);
	is_str(buf, "[   5/1500] feeds, 0 new stories, 0 errors", "four-digit totals");
	progress_format(buf, sizeof buf, 3, 12, 30, 2, 20);
	is_int(strlen(buf), 19, "cut one column short of a 20-column terminal");
	is_str(buf, "[ 3/12] feeds, 30 n", "cut text");

	/* With stderr on a regular file (not a terminal) nothing is drawn. */
	{
		char path[] = "/tmp/tidings-test-progress-XXXXXX";
		int fd = mkstemp(path), saved = dup(2);
		off_t size;

		ok(fd >= 0 && saved >= 0, "stderr moved to a file");
		dup2(fd, 2);
		progress_start(10);
		progress_update(1, 0, 0);
		progress_update(10, 5, 0);
		progress_end();
		fflush(stderr);
		size = lseek(fd, 0, SEEK_END);
		dup2(saved, 2);
		close(saved);
		close(fd);
		unlink(path);
		is_int(size, 0, "not a terminal: nothing written");
	}
	return done_testing();
}
