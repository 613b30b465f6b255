/* filemap.c - input files mapped read-only (the rules: filemap.h). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/filemap.h"

/* Mappings open at once: a batch keeps one per input read in parts, a
 * window of them at most; past this, files are read as before. */
#define FILEMAP_SLOTS 1024

/* What the SIGBUS handler may read: atomics only, no lock.  `gen` is
 * odd while a slot changes (a sequence lock), so a reader never pairs
 * one mapping's start with another's span. */
struct slot {
	atomic_uint gen;
	_Atomic uintptr_t start;     /* 0: free */
	_Atomic size_t span;
	atomic_bool damaged;
};

static struct slot slots[FILEMAP_SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction previous;   /* the SIGBUS action before ours */
static bool installed;
static _Atomic size_t page_size;    /* set before the first slot is taken */

static struct slot *slot_of(uintptr_t a, uintptr_t *start, size_t *span)
{
	for (int i = 0; i < FILEMAP_SLOTS; i++) {
		unsigned g = atomic_load(&slots[i].gen);
		uintptr_t s = atomic_load(&slots[i].start);
		size_t n = atomic_load(&slots[i].span);
		if ((g & 1) || g != atomic_load(&slots[i].gen))
			continue; /* changing: not the mapping of an address in use */
		if (s && a >= s && a - s < n) {
			*start = s;
			*span = n;
			return &slots[i];
		}
	}
	return NULL;
}

/* A mapped file shrank under us: zeros from the faulting page to the
 * mapping's end (mmap is a plain system call, safe here in practice:
 * Wayland compositors guard client buffers the same way). */
static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t start, a = (uintptr_t)si->si_addr;
	size_t span;
	struct slot *s = slot_of(a, &start, &span);
	if (s) {
		uintptr_t pg = a & ~(uintptr_t)(page_size - 1);
		if (mmap((void *)pg, start + span - pg, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
			atomic_store(&s->damaged, true);
			return; /* the read is retried and sees zeros */
		}
	}
	if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction) {
		previous.sa_sigaction(sig, si, uc);
	} else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
		previous.sa_handler(sig);
	} else {
		/* Not ours: the fault happens again, with the default action. */
		signal(SIGBUS, SIG_DFL);
	}
}

/* A free slot for [start, start + span), the handler installed first;
 * -1 when none is left. */
static int slot_take(uintptr_t start, size_t span)
{
	int got = -1;
	pthread_mutex_lock(&slots_lock);
	if (!installed) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigemptyset(&sa.sa_mask);
		installed = sigaction(SIGBUS, &sa, &previous) == 0;
	}
	for (int i = 0; installed && i < FILEMAP_SLOTS && got < 0; i++) {
		if (atomic_load(&slots[i].start))
			continue;
		atomic_fetch_add(&slots[i].gen, 1);
		atomic_store(&slots[i].damaged, false);
		atomic_store(&slots[i].span, span);
		atomic_store(&slots[i].start, start);
		atomic_fetch_add(&slots[i].gen, 1);
		got = i;
	}
	pthread_mutex_unlock(&slots_lock);
	return got;
}

static void slot_give_back(int i)
{
	pthread_mutex_lock(&slots_lock);
	atomic_fetch_add(&slots[i].gen, 1);
	atomic_store(&slots[i].start, 0);
	atomic_store(&slots[i].span, 0);
	atomic_fetch_add(&slots[i].gen, 1);
	pthread_mutex_unlock(&slots_lock);
}

static bool same_size(int fd, size_t size)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	       (uint64_t)st.st_size == (uint64_t)size;
}

bool nc_filemap_open(int fd, size_t size, struct nc_filemap *m)
{
	*m = (struct nc_filemap){ .slot = -1 };
	pthread_mutex_lock(&slots_lock);
	if (!page_size)
		page_size = (size_t)sysconf(_SC_PAGESIZE);
	size_t pg = page_size;
	pthread_mutex_unlock(&slots_lock);
	if (size == 0 || size > SIZE_MAX - 2 * pg || !same_size(fd, size))
		return false;
	/* Zeros reserved one byte past the file, the file mapped over their
	 * start: data[len] is 0 even when the file ends on a page boundary
	 * (the rest of a file's last page is zero-filled by the kernel). */
	size_t span = (size + 1 + pg - 1) / pg * pg;
	unsigned char *base = mmap(NULL, span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return false;
	if (mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(base, span);
		return false;
	}
	int slot = slot_take((uintptr_t)base, span);
	/* Mapped now: a file that shrank since fstat is read instead (past
	 * this point the handler covers it). */
	if (slot < 0 || !same_size(fd, size)) {
		if (slot >= 0)
			slot_give_back(slot);
		munmap(base, span);
		return false;
	}
	madvise(base, size, MADV_SEQUENTIAL);
	*m = (struct nc_filemap){ base, size, span, slot };
	return true;
}

bool nc_filemap_damaged(const struct nc_filemap *m)
{
	return m->slot >= 0 && atomic_load(&slots[m->slot].damaged);
}

void nc_filemap_close(struct nc_filemap *m)
{
	if (m->slot < 0)
		return;
	slot_give_back(m->slot);
	munmap((void *)m->data, m->span);
	*m = (struct nc_filemap){ .slot = -1 };
}

void nc_filemap_release(const void *p, size_t n)
{
	uintptr_t start, a = (uintptr_t)p;
	size_t span;
	if (!n || !page_size || !slot_of(a, &start, &span) || n > start + span - a)
		return;
	/* Whole pages inside [p, p + n) only: a page shared with bytes
	 * still in use stays. */
	uintptr_t lo = (a + page_size - 1) & ~(uintptr_t)(page_size - 1);
	uintptr_t hi = (a + n) & ~(uintptr_t)(page_size - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}
