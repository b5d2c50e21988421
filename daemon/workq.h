/* daemon/workq.h — runs CPU-bound jobs (parsing a fetched feed) on worker
 * threads and hands them back to the event loop in submission order.
 *
 * Why: the loop thread stores every response (SQLite, clustering).  Parsing
 * the next responses meanwhile on another core overlaps the two, and a huge
 * feed's parse no longer stalls the loop.  Results come back in the order
 * the jobs were submitted, so the database sees responses in the order they
 * completed, exactly as when everything ran on the loop (clustering depends
 * on arrival order; see docs/threads.md).
 *
 * Threads: work() runs on a worker and must touch nothing but its job;
 * done() runs on the loop thread, from an ev_async watcher (never inside
 * workq_submit).  With nthreads == 0 both run on the loop thread, work()
 * from the same watcher. */
#ifndef TIDINGS_WORKQ_H
#define TIDINGS_WORKQ_H

#include <stddef.h>

#include <ev.h>

struct workq;

typedef void workq_fn(void *job, void *ctx);

/* A good worker count for this machine: one per core but the loop's own,
 * at least 1, at most 4. */
int workq_default_threads(void);

/* Starts nthreads workers (0: none, see above).  Returns 0, or -1 when
 * threads or memory cannot be had. */
int workq_new(struct ev_loop *loop, int nthreads, workq_fn *work, workq_fn *done,
              void *ctx, struct workq **out);

/* At most `n` jobs worked on, or done but their done() not returned, at
 * once (0, the default: no bound).  Why: when done() is the slower side, the workers'
 * results pile up waiting for it, and a result (a parsed feed) is several
 * times the size of the job that made it (its body); jobs beyond the
 * bound wait unworked, small.  n must be at least the number of workers
 * for all of them to be busy. */
void workq_set_ahead(struct workq *q, size_t n);

/* Queues a job (owned by the caller until done() returns; done() may free
 * it).  Returns 0, or -1 when out of memory (nothing queued). */
int workq_submit(struct workq *q, void *job);

/* Jobs submitted whose done() has not returned yet. */
size_t workq_pending(const struct workq *q);

/* Waits for every queued job and runs its done() here, in order (shutdown:
 * the loop has stopped, but responses already received are still stored).
 * done() may submit no new jobs from here. */
void workq_drain(struct workq *q);

/* Drains, stops the workers and frees.  NULL is a no-op. */
void workq_free(struct workq *q);

#endif
