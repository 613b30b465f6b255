/* test_pool.c - cli/pool.c keeps its promises: pool_run runs its
 * function once on every thread (slot 0 the caller) and returns only
 * when all have returned, run after run; the background job runs beside
 * the caller and pool_bg_wait waits for it; a pool of no threads runs
 * everything on the caller; pool_interrupt reaches a thread blocked in
 * a system call on another thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cli/pool.h"

#define WORKERS 4
#define RUNS 2000

struct tally {
	atomic_int per_slot[WORKERS + 1];
	atomic_int bad_slot;
	atomic_int inside;  /* threads in the current run */
	atomic_int overlap; /* a run began before the last one ended */
};

static void count(void *ctx, unsigned slot)
{
	struct tally *t = ctx;
	if (slot > WORKERS) {
		atomic_fetch_add(&t->bad_slot, 1);
		return;
	}
	atomic_fetch_add(&t->inside, 1);
	atomic_fetch_add(&t->per_slot[slot], 1);
	atomic_fetch_sub(&t->inside, 1);
}

static void runs(void)
{
	struct pool p;
	struct tally t;
	memset(&t, 0, sizeof t);
	pool_start(&p, WORKERS, false);
	pool_run(&p, count, &t, 1); /* one task: on the caller, no thread made */
	CHECK(p.n == 0);
	CHECK(atomic_load(&t.per_slot[0]) == 1);
	atomic_store(&t.per_slot[0], 0);
	for (int r = 0; r < RUNS; r++) {
		pool_run(&p, count, &t, WORKERS + 1);
		if (atomic_load(&t.inside) != 0)
			atomic_fetch_add(&t.overlap, 1);
	}
	CHECK(p.n == WORKERS);
	pool_stop(&p);
	for (int s = 0; s <= WORKERS; s++)
		CHECK(atomic_load(&t.per_slot[s]) == RUNS);
	CHECK(atomic_load(&t.bad_slot) == 0);
	CHECK(atomic_load(&t.overlap) == 0);
}

static void none(void)
{
	struct pool p;
	struct tally t;
	memset(&t, 0, sizeof t);
	pool_start(&p, 0, false);
	pool_run(&p, count, &t, 8);
	CHECK(atomic_load(&t.per_slot[0]) == 1);
	CHECK(!pool_bg_start(&p, count, &t)); /* no background thread: the caller runs it */
	pool_stop(&p);
}

static atomic_int bg_steps;

static void slow_bg(void *ctx, unsigned slot)
{
	(void)ctx;
	(void)slot;
	usleep(20000);
	atomic_fetch_add(&bg_steps, 1);
}

static void background(void)
{
	struct pool p;
	pool_start(&p, 1, true);
	for (int k = 0; k < 5; k++) {
		CHECK(pool_bg_start(&p, slow_bg, NULL));
		CHECK(atomic_load(&bg_steps) == k); /* beside the caller */
		pool_bg_wait(&p);
		CHECK(atomic_load(&bg_steps) == k + 1);
	}
	CHECK(pool_bg_start(&p, slow_bg, NULL));
	pool_stop(&p); /* waits for the job */
	CHECK(atomic_load(&bg_steps) == 6);
}

/* Slot 1 opens a FIFO nobody writes to; the signal goes to this
 * thread, which passes it on: the open must fail with EINTR. */
static const char *fifo_path;
static atomic_int open_errno;

static void on_sig(int sig)
{
	pool_interrupt(sig);
}

static void open_fifo(void *ctx, unsigned slot)
{
	(void)ctx;
	if (slot != 1)
		return;
	int fd = open(fifo_path, O_RDONLY);
	atomic_store(&open_errno, fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
}

static void interrupt(void)
{
	char dir[] = "/tmp/nc-pool-XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/fifo", dir);
	CHECK(mkfifo(path, 0600) == 0);
	fifo_path = path;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	struct pool p;
	pool_start(&p, 1, false);
	atomic_store(&open_errno, -1);
	/* The caller (slot 0) returns at once and waits for slot 1; a child
	 * process signals the caller a moment later. */
	pid_t self = gettid();
	pid_t child = fork();
	if (child == 0) { /* the alarm clock: SIGUSR1 to the caller after 0.2 s */
		usleep(200000);
		syscall(SYS_tgkill, getppid(), self, SIGUSR1);
		/* Not passed on: the open is still waiting; unblock it, so that
		 * the check fails instead of the test hanging. */
		usleep(3000000);
		int fd = open(path, O_WRONLY | O_NONBLOCK);
		if (fd >= 0)
			close(fd);
		_exit(0);
	}
	pool_run(&p, open_fifo, NULL, 2);
	pool_stop(&p);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	CHECK(atomic_load(&open_errno) == EINTR);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	runs();
	none();
	background();
	interrupt();
	return check_done("pool");
}
