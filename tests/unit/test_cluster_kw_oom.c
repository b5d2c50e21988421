/* tests/unit/test_cluster_kw_oom.c — a thread's keywords that could not be
 * written for want of memory fail the story's clustering (cluster_add
 * -1: the daemon rolls the response back and stores it again at the next
 * poll).  The old keywords stayed instead, a new thread's none, and were
 * stored as the thread's with the story: for good when no story joined
 * the thread again.  calloc() and realloc() are replaced here by ones
 * that fail once, for the size of the keywords' block (struct kwinfo and
 * the text a run without the failure gives). */
#include "daemon/cluster.h"
#include "daemon/cluster_int.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <string.h>

#include <stdio.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
/* (The sanitizers' own allocator cannot be replaced.) */
int main(void)
{
	printf("1..0 # SKIP calloc() cannot be replaced under a sanitizer\n");
	return 0;
}
#else
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static size_t fail_size;   /* 0: none */
static int failed;

static int fail(size_t size)
{
	if (!fail_size || size != fail_size)
		return 0;
	fail_size = 0;
	failed = 1;
	errno = ENOMEM;
	return 1;
}

void *calloc(size_t n, size_t size)
{
	return n == 1 && fail(size) ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	return p && fail(size) ? NULL : __libc_realloc(p, size);
}

static const struct cluster_doc doc = {
	.story_id = 1, .time = 1700000000, .lang = "en", .source = "a.example",
	.title = "Harbour bridge reopens after storm repairs",
	.text = "The harbour bridge reopened to traffic on Tuesday after engineers finished "
	        "repairing the storm damage, the city council said.",
};

int main(void)
{
	struct cluster_params p;
	struct cluster_result r;
	struct clusterer *c;
	char kw[sizeof r.keywords];
	int rc;

	cluster_params_default(&p);
	c = cluster_new(&p, 1);
	ok(c && cluster_add(c, &doc, &r) == 0 && r.keywords[0], "a new thread has keywords");
	memcpy(kw, r.keywords, sizeof kw);
	cluster_free(c);

	c = cluster_new(&p, 1);
	fail_size = sizeof(struct kwinfo) + strlen(kw) + 1;
	rc = c ? cluster_add(c, &doc, &r) : 0;
	ok(failed, "the keywords' allocation failed");
	ok(rc < 0 || !strcmp(r.keywords, kw),
	   "then the story fails, or its thread has its keywords all the same");
	cluster_free(c);
	return done_testing();
}
#endif
