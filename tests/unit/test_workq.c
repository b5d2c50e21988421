/* tests/unit/test_workq.c — worker threads hand jobs back to the loop in
 * submission order, whatever order the workers finish them in; drain and
 * free deliver everything; without workers the same contract holds. */
#include "tap.h"

#include <time.h>

#include "daemon/workq.h"

#define NJOBS 200

struct job {
	int seq;
	int worked;              /* set on the worker */
	unsigned delay_us;
};

struct run {
	struct ev_loop *loop;
	struct workq *q;
	int next_expected;       /* the seq done() must see next */
	int out_of_order, unworked, delivered;
	int stop_after;          /* ev_break once this many are delivered */
};

static void work(void *p, void *ctx)
{
	struct job *j = p;
	struct timespec ts = { 0, (long)j->delay_us * 1000 };

	(void)ctx;
	nanosleep(&ts, NULL);   /* later jobs often finish first */
	j->worked = 1;
}

static void done(void *p, void *ctx)
{
	struct job *j = p;
	struct run *r = ctx;

	if (j->seq != r->next_expected)
		r->out_of_order++;
	if (!j->worked)
		r->unworked++;
	r->next_expected = j->seq + 1;
	r->delivered++;
	free(j);
	if (r->delivered == r->stop_after)
		ev_break(r->loop, EVBREAK_ALL);
}

static void submit_all(struct run *r, int n, unsigned seed)
{
	for (int i = 0; i < n; i++) {
		struct job *j = calloc(1, sizeof *j);
		seed = seed * 1103515245u + 12345u;
		j->seq = i;
		/* Big delays early, small late: without the ordering the late
		 * ones would overtake. */
		j->delay_us = (seed >> 16) % (i < n / 2 ? 3000 : 50);
		if (workq_submit(r->q, j) < 0) {
			free(j);
			break;
		}
	}
}

static void run_loop(int nthreads, const char *what)
{
	struct run r = { 0 };
	char name[160];

	r.loop = ev_loop_new(EVFLAG_AUTO);
	r.stop_after = NJOBS;
	ok(workq_new(r.loop, nthreads, work, done, &r, &r.q) == 0, "workq_new");
	submit_all(&r, NJOBS, 7);
	is_int(workq_pending(r.q), NJOBS, "all jobs pending right after submit (done() never runs inside submit)");
	ev_run(r.loop, 0);
	snprintf(name, sizeof name, "%s: every job delivered on the loop", what);
	is_int(r.delivered, NJOBS, name);
	snprintf(name, sizeof name, "%s: in submission order", what);
	is_int(r.out_of_order, 0, name);
	snprintf(name, sizeof name, "%s: each after its work ran", what);
	is_int(r.unworked, 0, name);
	is_int(workq_pending(r.q), 0, "nothing pending afterwards");
	workq_free(r.q);
	ev_loop_destroy(r.loop);
}

static void drain_without_loop(int nthreads, const char *what)
{
	struct run r = { 0 };
	char name[160];

	r.loop = ev_loop_new(EVFLAG_AUTO);
	r.stop_after = -1;
	ok(workq_new(r.loop, nthreads, work, done, &r, &r.q) == 0, "workq_new");
	submit_all(&r, 50, 11);
	/* Shutdown: the loop no longer runs, jobs are still delivered. */
	workq_drain(r.q);
	snprintf(name, sizeof name, "%s: drain delivers every job, in order", what);
	ok(r.delivered == 50 && r.out_of_order == 0 && r.unworked == 0, name);
	submit_all(&r, 20, 13);
	r.next_expected = 0;
	workq_free(r.q);          /* free drains as well */
	snprintf(name, sizeof name, "%s: free delivers what is left", what);
	ok(r.delivered == 70 && r.out_of_order == 0 && r.unworked == 0, name);
	ev_loop_destroy(r.loop);
}

int main(void)
{
	ok(workq_default_threads() >= 1 && workq_default_threads() <= 4,
	   "default worker count is 1..4");
	run_loop(3, "3 workers");
	run_loop(1, "1 worker");
	run_loop(0, "no workers");
	drain_without_loop(2, "2 workers");
	drain_without_loop(0, "no workers");
	workq_free(NULL);
	return done_testing();
}
