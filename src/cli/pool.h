/* pool.h - the batch's threads: workers that live for the whole run and
 * run one function on every thread at once (pool_run), and one helper
 * thread that runs a job in the background (pool_bg_start/wait: the
 * committer).  Threads are made once: a thread made per window started
 * malloc cold each time, and its memory came from a new arena. */
#ifndef NC_CLI_POOL_H
#define NC_CLI_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define POOL_MAX 255

typedef void (*pool_fn)(void *ctx, unsigned slot);

struct pool;
struct pool_arg {
	struct pool *p;
	unsigned slot;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t go, back;      /* a pool_run started; a worker left it */
	pthread_cond_t bg_go, bg_back; /* the background job: started; finished */
	pthread_t t[POOL_MAX], bg;
	struct pool_arg arg[POOL_MAX];
	size_t n;                     /* workers beside the caller, made so far */
	size_t want;                  /* workers asked for (pool_start) */
	unsigned gen;                 /* runs handed out */
	size_t out;                   /* workers still in the run */
	pool_fn fn, bg_fn;
	void *ctx, *bg_ctx;
	bool want_bg, has_bg, bg_busy, quit, ready;
};

/* Up to `workers` threads beside the caller (slots 1..workers; fewer
 * when the system refuses one) and, when `background`, the background
 * thread.  Each is made when first needed: a run of one article makes
 * none. */
void pool_start(struct pool *p, size_t workers, bool background);

/* fn(ctx, slot) on the caller (slot 0) and, when there are `tasks` > 1
 * to share, on up to tasks - 1 workers; returns when all have returned.
 * Only the thread that called pool_start calls it. */
void pool_run(struct pool *p, pool_fn fn, void *ctx, size_t tasks);

/* fn(ctx, 0) on the background thread; false when there is none (the
 * caller runs it itself).  One job at a time: pool_bg_wait() first. */
bool pool_bg_start(struct pool *p, pool_fn fn, void *ctx);
void pool_bg_wait(struct pool *p);

/* Waits for the background job, ends every thread. */
void pool_stop(struct pool *p);

/* From a signal handler: `sig` sent on to every thread of the running
 * pool but the caller, once, so that a call blocking on any of them (an
 * open of a FIFO, a read of standard input) returns EINTR.  The stop
 * signal reaches one thread of the process, not necessarily the one
 * that blocks.  Async-signal-safe. */
void pool_interrupt(int sig);

#endif
