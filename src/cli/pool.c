/* pool.c - the batch's threads (see pool.h).  One mutex guards the
 * pool's fields; the functions it runs share nothing through it. */
#define _GNU_SOURCE /* gettid */
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/pool.h"

/* The running pool's threads (Linux thread ids, 0 until known) for
 * pool_interrupt; a batch runs one pool at a time. */
static volatile pid_t pool_tids[POOL_MAX + 2];
static volatile sig_atomic_t pool_ntids;
static volatile sig_atomic_t pool_interrupted;

void pool_interrupt(int sig)
{
	if (pool_interrupted)
		return; /* the threads it reached are here again */
	pool_interrupted = 1;
	pid_t self = gettid(), pid = getpid();
	for (sig_atomic_t i = 0; i < pool_ntids; i++)
		if (pool_tids[i] && pool_tids[i] != self)
			syscall(SYS_tgkill, pid, pool_tids[i], sig);
}

static void *work_loop(void *arg)
{
	struct pool_arg *a = arg;
	struct pool *p = a->p;
	unsigned seen = 0;
	pool_tids[a->slot] = gettid();
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->quit)
			break;
		seen = p->gen;
		pool_fn fn = p->fn;
		void *ctx = p->ctx;
		pthread_mutex_unlock(&p->mu);
		fn(ctx, a->slot);
		pthread_mutex_lock(&p->mu);
		if (--p->out == 0)
			pthread_cond_signal(&p->back);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void *bg_loop(void *arg)
{
	struct pool *p = arg;
	pool_tids[POOL_MAX + 1] = gettid();
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->bg_fn && !p->quit)
			pthread_cond_wait(&p->bg_go, &p->mu);
		if (!p->bg_fn)
			break; /* quit, and nothing left to run */
		pool_fn fn = p->bg_fn;
		void *ctx = p->bg_ctx;
		pthread_mutex_unlock(&p->mu);
		fn(ctx, 0);
		pthread_mutex_lock(&p->mu);
		p->bg_fn = NULL;
		p->bg_busy = false;
		pthread_cond_signal(&p->bg_back);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void pool_start(struct pool *p, size_t workers, bool background)
{
	*p = (struct pool){0};
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->back, NULL);
	pthread_cond_init(&p->bg_go, NULL);
	pthread_cond_init(&p->bg_back, NULL);
	p->ready = true;
	for (size_t i = 0; i < POOL_MAX + 2; i++)
		pool_tids[i] = 0;
	pool_tids[0] = gettid();
	pool_interrupted = 0;
	pool_ntids = POOL_MAX + 2;
	p->want = workers < POOL_MAX ? workers : POOL_MAX;
	p->want_bg = background;
}

/* Workers up to `k`.  A thread the system refuses is not asked for
 * again: the caller takes its share. */
static void grow(struct pool *p, size_t k)
{
	for (; p->n < k && p->n < p->want; p->n++) {
		p->arg[p->n] = (struct pool_arg){ p, (unsigned)p->n + 1 };
		if (pthread_create(&p->t[p->n], NULL, work_loop, &p->arg[p->n]) != 0) {
			p->want = p->n;
			break;
		}
	}
}

void pool_run(struct pool *p, pool_fn fn, void *ctx, size_t tasks)
{
	if (tasks > 1)
		grow(p, tasks - 1);
	bool share = p->n && tasks > 1;
	if (share) {
		pthread_mutex_lock(&p->mu);
		p->fn = fn;
		p->ctx = ctx;
		p->out = p->n;
		p->gen++;
		pthread_cond_broadcast(&p->go);
		pthread_mutex_unlock(&p->mu);
	}
	fn(ctx, 0);
	if (share) {
		pthread_mutex_lock(&p->mu);
		while (p->out)
			pthread_cond_wait(&p->back, &p->mu);
		pthread_mutex_unlock(&p->mu);
	}
}

bool pool_bg_start(struct pool *p, pool_fn fn, void *ctx)
{
	if (p->want_bg && !p->has_bg) {
		p->has_bg = pthread_create(&p->bg, NULL, bg_loop, p) == 0;
		p->want_bg = p->has_bg;
	}
	if (!p->has_bg)
		return false;
	pthread_mutex_lock(&p->mu);
	p->bg_fn = fn;
	p->bg_ctx = ctx;
	p->bg_busy = true;
	pthread_cond_signal(&p->bg_go);
	pthread_mutex_unlock(&p->mu);
	return true;
}

void pool_bg_wait(struct pool *p)
{
	if (!p->has_bg)
		return;
	pthread_mutex_lock(&p->mu);
	while (p->bg_busy)
		pthread_cond_wait(&p->bg_back, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void pool_stop(struct pool *p)
{
	if (!p->ready)
		return;
	pool_bg_wait(p);
	pool_ntids = 0;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->go);
	pthread_cond_signal(&p->bg_go);
	pthread_mutex_unlock(&p->mu);
	for (size_t k = 0; k < p->n; k++)
		pthread_join(p->t[k], NULL);
	if (p->has_bg)
		pthread_join(p->bg, NULL);
	pthread_cond_destroy(&p->bg_go);
	pthread_cond_destroy(&p->bg_back);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->back);
	pthread_mutex_destroy(&p->mu);
	p->ready = false;
}
