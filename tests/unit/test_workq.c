/* tests/unit/test_workq.c — worker threads hand jobs back to the loop in
 * submission order, whatever order the workers finish them in; drain and
 * free deliver everything; without workers the same contract holds; with a
 * bound on the jobs ahead, no more than that many are being worked on or
 * waiting for done() at any moment. */
#include "tap.h"

#include <stdatomic.h>
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

/* Jobs whose work() has started and whose done() has not ended, and the
 * most seen at once. */
static atomic_int outstanding, most_outstanding;

static void work(void *p, void *ctx)
{
	struct job *j = p;
	struct timespec ts = { 0, (long)j->delay_us * 1000 };
	int now = atomic_fetch_add(&outstanding, 1) + 1;
	int most = atomic_load(&most_outstanding);

	(void)ctx;
	while (now > most && !atomic_compare_exchange_weak(&most_outstanding, &most, now))
		;
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
	atomic_fetch_sub(&outstanding, 1);
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

static void run_loop(int nthreads, size_t ahead, const char *what)
{
	struct run r = { 0 };
	char name[160];

	r.loop = ev_loop_new(EVFLAG_AUTO);
	r.stop_after = NJOBS;
	atomic_store(&outstanding, 0);
	atomic_store(&most_outstanding, 0);
	ok(workq_new(r.loop, nthreads, work, done, &r, &r.q) == 0, "workq_new");
	if (ahead)
		workq_set_ahead(r.q, ahead);
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
	if (ahead) {
		snprintf(name, sizeof name, "%s: never more than %zu jobs ahead of the loop",
		         what, ahead);
		ok(atomic_load(&most_outstanding) <= (int)ahead, name);
	}
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

/* The loop stalls (it never runs): the workers work `ahead` jobs and wait;
 * the rest stay unworked until the results are delivered. */
static void stalled_loop(void)
{
	struct run r = { 0 };
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	r.loop = ev_loop_new(EVFLAG_AUTO);
	r.stop_after = -1;
	atomic_store(&outstanding, 0);
	atomic_store(&most_outstanding, 0);
	ok(workq_new(r.loop, 2, work, done, &r, &r.q) == 0, "workq_new");
	workq_set_ahead(r.q, 3);
	submit_all(&r, 30, 17);
	/* Long enough for unbounded workers to work far more than 3. */
	for (int i = 0; i < 4; i++)
		nanosleep(&ts, NULL);
	ok(atomic_load(&most_outstanding) <= 3, "stalled loop: the workers stop 3 jobs ahead");
	workq_drain(r.q);
	ok(r.delivered == 30 && r.out_of_order == 0 && r.unworked == 0,
	   "stalled loop: drain then works and delivers the rest, in order");
	workq_free(r.q);
	ev_loop_destroy(r.loop);
}

int main(void)
{
	ok(workq_default_threads() >= 1 && workq_default_threads() <= 4,
	   "default worker count is 1..4");
	run_loop(3, 0, "3 workers");
	run_loop(1, 0, "1 worker");
	run_loop(0, 0, "no workers");
	run_loop(3, 3, "3 workers, 3 ahead");
	run_loop(2, 4, "2 workers, 4 ahead");
	run_loop(1, 1, "1 worker, 1 ahead");
	run_loop(0, 2, "no workers, 2 ahead");
	stalled_loop();
	drain_without_loop(2, "2 workers");
	drain_without_loop(0, "no workers");
	workq_free(NULL);
	return done_testing();
}
