/* output.c - the one owner of output files: see output.h. */
#define _GNU_SOURCE /* O_TMPFILE, syncfs */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output.h"

/* ---- identity ----------------------------------------------------------- */

int nc_file_id_of(const char *path, struct nc_file_id *id)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	id->dev = (uint64_t)st.st_dev;
	id->ino = (uint64_t)st.st_ino;
	return 0;
}

int nc_file_id_of_fd(int fd, struct nc_file_id *id)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -1;
	id->dev = (uint64_t)st.st_dev;
	id->ino = (uint64_t)st.st_ino;
	return 0;
}

int nc_file_id_cmp(const void *a, const void *b)
{
	const struct nc_file_id *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* "a/b/c" -> "a/b" (malloc'd); "c" -> "."; "/c" -> "/". */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

bool nc_file_same(const char *a, const char *b)
{
	struct nc_file_id x, y;
	bool ax = nc_file_id_of(a, &x) == 0, bx = nc_file_id_of(b, &y) == 0;
	if (ax || bx)
		return ax && bx && nc_file_id_cmp(&x, &y) == 0;
	if (strcmp(base_of(a), base_of(b)) != 0)
		return false;
	char *da = dir_of(a), *db = dir_of(b);
	bool same = da && db && nc_file_id_of(da, &x) == 0 && nc_file_id_of(db, &y) == 0 &&
		    nc_file_id_cmp(&x, &y) == 0;
	if (da && db && !same && strcmp(da, db) == 0)
		same = true; /* a directory still to be made */
	free(da);
	free(db);
	return same;
}

/* ---- the descriptor budget ---------------------------------------------- */

static atomic_long held; /* unnamed outputs open, and scratch files */

static long budget(void)
{
	static atomic_long cap = -1;
	long c = atomic_load(&cap);
	if (c < 0) {
		struct rlimit rl;
		c = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
			    ? (long)rl.rlim_cur / 4 : 256;
		/* linkat() of an unnamed file goes through /proc. */
		if (access("/proc/self/fd", X_OK) != 0)
			c = 0;
		atomic_store(&cap, c);
	}
	return c;
}

/* ---- temporary names ---------------------------------------------------- */

#define TMP_PREFIX ".newsconv-"

/* "dir/.newsconv-0123456789abcdef": never derived from the output's
 * name, so it fits NAME_MAX whenever the directory does. */
static char *tmp_name(const char *dir)
{
	static atomic_uint_fast64_t counter;
	uint64_t r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		r = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15u ^ (uint64_t)getpid() << 32 ^
		    (uint64_t)ts.tv_sec;
	}
	r ^= atomic_fetch_add(&counter, 1) * 0xbf58476d1ce4e5b9u;
	size_t n = strlen(dir) + sizeof TMP_PREFIX + 18;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s/" TMP_PREFIX "%016llx", dir, (unsigned long long)r);
	return s;
}

/* A new named file in dir, 0666 less the umask; *name is malloc'd. */
static int open_named(const char *dir, int flags, char **name)
{
	for (int tries = 0; tries < 100; tries++) {
		char *s = tmp_name(dir);
		if (!s) {
			errno = ENOMEM;
			return -1;
		}
		int fd = open(s, flags | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			*name = s;
			return fd;
		}
		free(s);
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static int open_unnamed(const char *dir, int flags)
{
#ifdef O_TMPFILE
	return open(dir, O_TMPFILE | flags | O_CLOEXEC, 0666); /* the umask applies */
#else
	(void)dir;
	(void)flags;
	errno = EOPNOTSUPP;
	return -1;
#endif
}

/* ---- outputs ------------------------------------------------------------ */

/* The directory this thread last found or made: a batch writes thousands
 * of outputs into one -O folder, and a stat() of it per output was a
 * tenth of the system time.  Only a hint: nc_out_open forgets it and
 * makes the directories again when the open says they are gone. */
static _Thread_local char made_dir[512];

static void remember_dir(const char *dir)
{
	size_t n = strlen(dir);
	if (n < sizeof made_dir)
		memcpy(made_dir, dir, n + 1);
	else
		made_dir[0] = '\0';
}

int nc_out_mkdirs(const char *path, struct nc_err *err)
{
	char *dir = dir_of(path);
	if (!dir)
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	struct stat st;
	if (strcmp(dir, made_dir) == 0 || (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))) {
		remember_dir(dir); /* the common case */
		free(dir);
		return NC_OK;
	}
	for (char *p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
				int rc = nc_err_set(err, NC_ERR_IO, dir,
						    "cannot create directory: %s", strerror(errno));
				free(dir);
				return rc;
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	remember_dir(dir);
	free(dir);
	return NC_OK;
}

/* A device, a FIFO, or a name for standard output (/dev/stdout,
 * /proc/self/fd/1 ...) whatever stdout is: written in place.  Returns
 * the descriptor, -1 with errno when it cannot be opened, -2 when the
 * path is an ordinary output. */
static int open_direct(const char *path)
{
	struct stat st, out;
	if (stat(path, &st) != 0)
		return -2;
	bool special = strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0;
	if (S_ISREG(st.st_mode) && !special)
		return -2;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	/* Standard output itself keeps its offset and O_APPEND. */
	if (fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st.st_dev && out.st_ino == st.st_ino)
		return fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
	return open(path, O_WRONLY | O_CLOEXEC);
}

static int fail_open(struct nc_out *o, int fd, const char *path, struct nc_err *err)
{
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (o->anon)
		atomic_fetch_sub(&held, 1);
	o->anon = false;
	nc_out_abort(o);
	return nc_err_set(err, e == ENOMEM ? NC_ERR_NOMEM : NC_ERR_IO, path, "cannot %s: %s",
			  o->direct ? "write" : "create", strerror(e));
}

#define OUT_BUF 8192

/* The temporary of an ordinary output in dir: unnamed while the budget
 * allows, else named (o->tmp). */
static int open_temp(struct nc_out *o, const char *dir)
{
	int fd = -1;
	if (atomic_fetch_add(&held, 1) < budget()) {
		fd = open_unnamed(dir, O_WRONLY);
		o->anon = fd >= 0;
	}
	if (!o->anon) {
		atomic_fetch_sub(&held, 1);
		fd = open_named(dir, O_WRONLY, &o->tmp);
	}
	return fd;
}

int nc_out_open(struct nc_out *o, const char *path, struct nc_err *err)
{
	memset(o, 0, sizeof *o);
	if (nc_out_mkdirs(path, err))
		return err->code;
	if (!(o->path = strdup(path)))
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	int fd = open_direct(path);
	if (fd != -2) {
		o->direct = true;
		if (fd < 0 || !(o->f = fdopen(fd, "wb")))
			return fail_open(o, fd, path, err);
		return NC_OK;
	}
	char *dir = dir_of(path);
	if (!dir)
		return fail_open(o, -1, path, err);
	fd = open_temp(o, dir);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		/* The directory went since nc_out_mkdirs remembered it. */
		made_dir[0] = '\0';
		if (nc_out_mkdirs(path, err)) {
			free(dir);
			nc_out_abort(o);
			return err->code;
		}
		fd = open_temp(o, dir);
	}
	free(dir);
	if (fd < 0 || !(o->f = fdopen(fd, "wb")))
		return fail_open(o, fd, path, err);
	/* Our own buffer: stdio would fstat() the new file for its size. */
	if ((o->buf = malloc(OUT_BUF)) != NULL)
		setvbuf(o->f, o->buf, _IOFBF, OUT_BUF);
	return NC_OK;
}

int nc_out_close(struct nc_out *o, bool sync, struct nc_err *err)
{
	int bad = fflush(o->f) != 0 || ferror(o->f) || (sync && fsync(fileno(o->f)) != 0);
	int e = errno;
	if (sync && bad && o->direct && (e == EINVAL || e == EROFS)) {
		clearerr(o->f);
		bad = 0; /* a device or pipe without fsync */
	}
	o->synced = sync;
	if (!bad && !o->anon) { /* a named file need not stay open */
		FILE *f = o->f;
		o->f = NULL;
		if (fclose(f) != 0) {
			bad = 1;
			e = errno;
		}
		free(o->buf);
		o->buf = NULL;
	}
	if (bad) {
		int rc = nc_err_set(err, NC_ERR_IO, o->path ? o->path : "-", "cannot write: %s", strerror(e));
		nc_out_abort(o);
		return rc;
	}
	return NC_OK;
}

/* /proc/self/fd, opened once: linkat() of "N" in it walks one name
 * instead of four ("/proc", "self", its link, "fd") per output, the
 * larger part of each commit's system time.  -1: use the full path. */
static int proc_fd_dir(void)
{
	static atomic_int dir = -2; /* -2: not opened yet */
	int d = atomic_load(&dir);
	if (d != -2)
		return d;
	int mine = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mine < 0)
		mine = -1;
	int expected = -2;
	if (!atomic_compare_exchange_strong(&dir, &expected, mine)) {
		if (mine >= 0)
			close(mine); /* another thread's is in place */
		return expected;
	}
	return mine;
}

/* An unnamed file gets its name: linkat() when the name is free, else a
 * link under a temporary name renamed over the old file. */
static int link_anon(struct nc_out *o, const char *dir)
{
	char proc[64];
	int pd = proc_fd_dir();
	snprintf(proc, sizeof proc, pd >= 0 ? "%d" : "/proc/self/fd/%d", fileno(o->f));
	if (pd < 0)
		pd = AT_FDCWD;
	if (linkat(pd, proc, AT_FDCWD, o->path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	for (int tries = 0; tries < 100; tries++) {
		if (!(o->tmp = tmp_name(dir))) {
			errno = ENOMEM;
			return -1;
		}
		if (linkat(pd, proc, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW) == 0)
			return rename(o->tmp, o->path);
		free(o->tmp);
		o->tmp = NULL;
		if (errno != EEXIST)
			break;
	}
	return -1;
}

/* A new name is durable once its directory is. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc != 0 && e != EINVAL ? -1 : 0;
}

int nc_out_commit(struct nc_out *o, struct nc_err *err)
{
	if (o->direct) {
		nc_out_abort(o);
		return NC_OK;
	}
	char *dir = dir_of(o->path);
	int bad = !dir || (o->anon ? link_anon(o, dir) : rename(o->tmp, o->path)) != 0;
	if (!bad) { /* named now: nothing for abort to unlink */
		free(o->tmp);
		o->tmp = NULL;
		bad = o->synced && sync_dir(dir) != 0;
	}
	int e = dir ? errno : ENOMEM;
	free(dir);
	if (bad) {
		int rc = nc_err_set(err, NC_ERR_IO, o->path, "cannot write: %s", strerror(e));
		nc_out_abort(o);
		return rc;
	}
	nc_out_abort(o); /* closes the unnamed file, frees */
	return NC_OK;
}

void nc_out_abort(struct nc_out *o)
{
	if (o->f)
		fclose(o->f);
	if (o->anon)
		atomic_fetch_sub(&held, 1);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	free(o->buf);
	memset(o, 0, sizeof *o);
}

int nc_out_write_file(const char *path, const void *data, size_t len, struct nc_err *err)
{
	struct nc_out o;
	int rc = nc_out_open(&o, path, err);
	if (rc)
		return rc;
	if (len && fwrite(data, 1, len, o.f) != len) {
		int e = errno;
		nc_out_abort(&o);
		return nc_err_set(err, NC_ERR_IO, path, "cannot write: %s", strerror(e));
	}
	if ((rc = nc_out_close(&o, true, err)) != NC_OK)
		return rc;
	return nc_out_commit(&o, err);
}

/* ---- bulk sync ---------------------------------------------------------- */

int nc_fs_sync(struct nc_fs_sync *s, const char *path, struct nc_err *err)
{
	char *dir = dir_of(path);
	size_t i = 0;
	if (dir && s->dir && strcmp(dir, s->dir) == 0) {
		i = s->at; /* the directory of the last output: one stat() a run of them */
		free(dir);
		goto synced;
	}
	struct stat st;
	if (!dir || stat(dir, &st) != 0) {
		int e = dir ? errno : ENOMEM;
		free(dir);
		return nc_err_set(err, NC_ERR_IO, path, "cannot sync: %s", strerror(e));
	}
	while (i < s->n && s->v[i].dev != (uint64_t)st.st_dev)
		i++; /* a window's outputs live on one or two file systems */
	if (i == s->n) {
		struct nc_fs_synced *v = realloc(s->v, (s->n + 1) * sizeof *v);
		if (!v) {
			free(dir);
			return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
		}
		s->v = v;
		v[i].dev = (uint64_t)st.st_dev;
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		v[i].err = fd < 0 ? errno : syncfs(fd) != 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		s->n++;
	}
	free(s->dir);
	s->dir = dir;
	s->at = i;
synced:
	if (s->v[i].err)
		return nc_err_set(err, NC_ERR_IO, path, "cannot write: %s", strerror(s->v[i].err));
	return NC_OK;
}

void nc_fs_sync_free(struct nc_fs_sync *s)
{
	free(s->v);
	free(s->dir);
	s->v = NULL;
	s->dir = NULL;
	s->n = s->at = 0;
}

/* ---- scratch ------------------------------------------------------------ */

static int scratch_in(const char *dir)
{
	int fd = open_unnamed(dir, O_RDWR);
	if (fd >= 0)
		return fd;
	char *name = NULL;
	if ((fd = open_named(dir, O_RDWR, &name)) >= 0)
		unlink(name); /* gone when closed, whatever happens */
	free(name);
	return fd;
}

int nc_scratch_open(const char *near, struct nc_err *err)
{
	int fd = -1, e = 0;
	if (near) {
		char *dir = dir_of(near);
		fd = dir ? scratch_in(dir) : -1;
		e = errno;
		free(dir);
	}
	const char *t = getenv("TMPDIR");
	if (fd < 0 && t && *t)
		fd = scratch_in(t);
	if (fd < 0 && (!t || !*t))
		fd = scratch_in("/tmp");
	if (fd < 0) {
		if (!e)
			e = errno;
		return nc_err_set(err, NC_ERR_IO, near ? near : t && *t ? t : "/tmp",
				  "cannot create a temporary file: %s", strerror(e)), -1;
	}
	atomic_fetch_add(&held, 1);
	return fd;
}

void nc_scratch_close(int fd)
{
	if (fd < 0)
		return;
	close(fd);
	atomic_fetch_sub(&held, 1);
}

FILE *nc_scratch_fopen(const char *near, struct nc_err *err)
{
	int fd = nc_scratch_open(near, err);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w+b");
	if (!f) {
		nc_err_set(err, NC_ERR_NOMEM, near ? near : "-", "out of memory");
		nc_scratch_close(fd);
	}
	return f;
}

int nc_scratch_fclose(FILE *f)
{
	if (!f)
		return 0;
	int rc = fclose(f);
	atomic_fetch_sub(&held, 1);
	return rc;
}
