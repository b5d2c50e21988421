/* daemon/workq.c — worker threads with in-order delivery to the loop
 * (see workq.h). */
#include "daemon/workq.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

enum { QUEUED, RUNNING, DONE };

struct node {
	void *job;
	int state;               /* under mu */
	struct node *next;
};

struct workq {
	struct ev_loop *loop;
	ev_async wake;           /* a worker finished a job */
	workq_fn *work, *done;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t more;     /* a job was queued, or stop */
	pthread_cond_t finished; /* a job became DONE */
	/* Every job not yet delivered, in submission order; `todo` is the
	 * first one no worker has taken (the list's links are under mu). */
	struct node *head, *tail, *todo;
	size_t pending;          /* loop thread only */
	size_t ahead, max_ahead; /* jobs taken by a worker whose done() has not
	                            returned, and their bound (0: none); under mu */
	int stop;
	int nthreads;
	pthread_t *threads;
};

int workq_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 2)
		return 1;
	return n - 1 > 4 ? 4 : (int)(n - 1);
}

/* Runs the first job no one has taken, with mu held on entry and exit
 * (released while the job runs). */
static void run_next(struct workq *q)
{
	struct node *n = q->todo;

	q->todo = n->next;
	n->state = RUNNING;
	q->ahead++;
	pthread_mutex_unlock(&q->mu);
	q->work(n->job, q->ctx);
	pthread_mutex_lock(&q->mu);
	n->state = DONE;
}

static void *worker(void *p)
{
	struct workq *q = p;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->stop && (!q->todo || (q->max_ahead && q->ahead >= q->max_ahead)))
			pthread_cond_wait(&q->more, &q->mu);
		if (!q->todo)
			break;           /* stopping, nothing left */
		run_next(q);
		pthread_cond_broadcast(&q->finished);
		ev_async_send(q->loop, &q->wake);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Takes the head off when it is done (or, without workers, does its work
 * here first); NULL when the head is still being worked on. */
static struct node *take_head(struct workq *q, int wait)
{
	struct node *n;

	pthread_mutex_lock(&q->mu);
	n = q->head;
	if (n && q->nthreads == 0 && n->state == QUEUED)
		run_next(q);             /* n is q->todo: jobs run in order */
	while (wait && n && n->state != DONE)
		pthread_cond_wait(&q->finished, &q->mu);
	if (n && n->state == DONE) {
		q->head = n->next;
		if (!q->head)
			q->tail = NULL;
	} else {
		n = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	return n;
}

static void deliver(struct workq *q, int wait)
{
	struct node *n;

	while ((n = take_head(q, wait))) {
		void *job = n->job;

		free(n);
		q->pending--;
		q->done(job, q->ctx);
		/* Only now is its result gone (done() frees it): room ahead
		 * again, a worker waiting for it may go on. */
		pthread_mutex_lock(&q->mu);
		q->ahead--;
		if (q->max_ahead && q->ahead < q->max_ahead)
			pthread_cond_signal(&q->more);
		pthread_mutex_unlock(&q->mu);
	}
}

static void wake_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)loop;
	(void)revents;
	deliver(w->data, 0);
}

int workq_new(struct ev_loop *loop, int nthreads, workq_fn *work, workq_fn *done,
              void *ctx, struct workq **out)
{
	struct workq *q = calloc(1, sizeof *q);
	sigset_t all, old;

	*out = NULL;
	if (!q)
		return -1;
	q->loop = loop;
	q->work = work;
	q->done = done;
	q->ctx = ctx;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->finished, NULL);
	ev_async_init(&q->wake, wake_cb);
	q->wake.data = q;
	ev_async_start(loop, &q->wake);
	if (nthreads > 0 && !(q->threads = calloc((size_t)nthreads, sizeof *q->threads)))
		goto fail;
	/* Signals belong to the loop thread (libev's watchers): workers
	 * start with all of them blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (; q->nthreads < nthreads; q->nthreads++)
		if (pthread_create(&q->threads[q->nthreads], NULL, worker, q) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (q->nthreads < nthreads)
		goto fail;
	*out = q;
	return 0;
fail:
	workq_free(q);
	return -1;
}

int workq_submit(struct workq *q, void *job)
{
	struct node *n = malloc(sizeof *n);

	if (!n)
		return -1;
	n->job = job;
	n->state = QUEUED;
	n->next = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	if (!q->todo)
		q->todo = n;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
	q->pending++;
	if (q->nthreads == 0)
		ev_async_send(q->loop, &q->wake);
	return 0;
}

void workq_set_ahead(struct workq *q, size_t n)
{
	pthread_mutex_lock(&q->mu);
	q->max_ahead = n;
	pthread_cond_broadcast(&q->more);
	pthread_mutex_unlock(&q->mu);
}

size_t workq_pending(const struct workq *q)
{
	return q ? q->pending : 0;
}

void workq_drain(struct workq *q)
{
	if (q)
		deliver(q, 1);
}

void workq_free(struct workq *q)
{
	if (!q)
		return;
	workq_drain(q);
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_broadcast(&q->more);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	ev_async_stop(q->loop, &q->wake);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->finished);
	pthread_mutex_destroy(&q->mu);
	free(q->threads);
	free(q);
}
