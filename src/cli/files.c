/* files.c - outputs that are complete or absent: every output is written
 * to a temporary file beside its final name and renamed into place. */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

int file_mkdirs_for(const char *path, struct nc_err *err)
{
	char *dir = strdup(path);
	if (!dir)
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return NC_OK;
	}
	*slash = '\0';
	struct stat st;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) { /* the common case */
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
	free(dir);
	return NC_OK;
}

/* Unnamed files stay open until their window is committed, up to two
 * windows of them; past a quarter of the descriptor limit, or where
 * O_TMPFILE or /proc/self/fd is missing, a named temporary is used. */
static atomic_long anon_open;

static bool anon_allowed(void)
{
	static atomic_long cap = -1;
	long c = atomic_load(&cap);
	if (c < 0) {
		struct rlimit rl;
		c = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur / 4 : 256;
		if (access("/proc/self/fd", X_OK) != 0)
			c = 0;
		atomic_store(&cap, c);
	}
	return atomic_load(&anon_open) < c;
}

/* An unnamed file in the output's directory: nothing is ever left
 * behind, and the file system allocates its inode without locking the
 * directory (threads creating thousands of outputs in one directory
 * contend for that lock, ext4 more than most). */
static int open_anon(const char *path)
{
#ifdef O_TMPFILE
	if (!anon_allowed())
		return -1;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return -1;
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666); /* the umask applies */
	free(dir);
	if (fd >= 0)
		atomic_fetch_add(&anon_open, 1);
	return fd;
#else
	(void)path;
	return -1;
#endif
}

static int open_named(struct out_file *o, const char *path)
{
	size_t n = strlen(path) + 16;
	if (!(o->tmp = malloc(n)))
		return -1;
	snprintf(o->tmp, n, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	/* mkstemp makes 0600; an output is an ordinary file. */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0) {
		close(fd);
		unlink(o->tmp);
		return -1;
	}
	return fd;
}

int file_open(struct out_file *o, const char *path, struct nc_err *err)
{
	memset(o, 0, sizeof *o);
	if (file_mkdirs_for(path, err))
		return err->code;
	if (!(o->path = strdup(path)))
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	/* A device or a FIFO (-o /dev/null, -o /dev/stdout) is written to as
	 * it is: renaming a file over it would replace the device. */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		int dfd = S_ISDIR(st.st_mode) ? -1 : open(path, O_WRONLY | O_CLOEXEC);
		int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
		if (dfd < 0 || !(o->f = fdopen(dfd, "wb"))) {
			if (dfd >= 0)
				close(dfd);
			file_abort(o);
			return nc_err_set(err, NC_ERR_IO, path, "cannot write: %s", strerror(e));
		}
		o->direct = true;
		return NC_OK;
	}
	int fd = open_anon(path);
	o->anon = fd >= 0;
	if (fd < 0)
		fd = open_named(o, path);
	if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (o->anon)
			atomic_fetch_sub(&anon_open, 1);
		o->anon = false;
		file_abort(o);
		return nc_err_set(err, NC_ERR_IO, path, "cannot create: %s", strerror(e));
	}
	return NC_OK;
}

int file_close(struct out_file *o, bool sync, struct nc_err *err)
{
	int bad = fflush(o->f) != 0 || ferror(o->f) || (sync && fsync(fileno(o->f)) != 0);
	int e = errno;
	if (sync && bad && o->direct && errno == EINVAL)
		bad = fflush(o->f) != 0 || ferror(o->f); /* a device without fsync */
	if (!bad && !o->anon) { /* a named file need not stay open */
		FILE *f = o->f;
		o->f = NULL;
		if (fclose(f) != 0) {
			bad = 1;
			e = errno;
		}
	}
	if (bad) {
		int rc = nc_err_set(err, NC_ERR_IO, o->path ? o->path : "-", "cannot write: %s", strerror(e));
		file_abort(o);
		return rc;
	}
	return NC_OK;
}

/* An unnamed file gets its name: linkat() when the name is free, else a
 * link under a temporary name renamed over the old file. */
static int link_anon(struct out_file *o)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fileno(o->f));
	if (linkat(AT_FDCWD, proc, AT_FDCWD, o->path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	size_t n = strlen(o->path) + 16;
	if (!(o->tmp = malloc(n)))
		return -1;
	for (int tries = 0; tries < 100; tries++) {
		snprintf(o->tmp, n, "%s.tmp-%06x", o->path, (unsigned)(random() & 0xffffff));
		if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW) == 0)
			return rename(o->tmp, o->path);
		if (errno != EEXIST)
			break;
	}
	free(o->tmp);
	o->tmp = NULL;
	return -1;
}

int file_commit(struct out_file *o, struct nc_err *err)
{
	bool anon = o->anon;
	if (o->direct) {
		free(o->path);
		memset(o, 0, sizeof *o);
		return NC_OK;
	}
	if (anon ? link_anon(o) != 0 : rename(o->tmp, o->path) != 0) {
		int e = errno;
		int rc = nc_err_set(err, NC_ERR_IO, o->path, "cannot write: %s", strerror(e));
		file_abort(o);
		return rc;
	}
	if (anon) {
		fclose(o->f);
		atomic_fetch_sub(&anon_open, 1);
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
	return NC_OK;
}

void file_abort(struct out_file *o)
{
	if (o->f)
		fclose(o->f);
	if (o->anon)
		atomic_fetch_sub(&anon_open, 1);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
}

int file_sink(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

int file_write_atomic(const char *path, const void *data, size_t len,
		      struct nc_err *err)
{
	struct out_file o;
	int rc = file_open(&o, path, err);
	if (rc)
		return rc;
	if (len && fwrite(data, 1, len, o.f) != len) {
		int e = errno;
		file_abort(&o);
		return nc_err_set(err, NC_ERR_IO, path, "cannot write: %s", strerror(e));
	}
	if ((rc = file_close(&o, true, err)) != NC_OK)
		return rc;
	return file_commit(&o, err);
}

/* One syncfs() makes a whole window of outputs durable: far cheaper
 * than an fsync() per file when there are thousands. */
void file_sync_dir_of(const char *path)
{
	char *dir = strdup(path);
	if (!dir)
		return;
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		syncfs(fd);
		close(fd);
	}
	free(dir);
}

int file_commit_sides(struct nc_writer *w, struct nc_err *err)
{
	for (size_t i = 0; i < w->nside; i++) {
		struct nc_sidefile *s = &w->side[i];
		if (s->tmp) {
			if (rename(s->tmp, s->path) != 0)
				return nc_err_set(err, NC_ERR_IO, s->path, "cannot write: %s", strerror(errno));
			free(s->tmp);
			s->tmp = NULL;
		} else {
			int rc = file_write_atomic(s->path, s->data, s->size, err);
			if (rc)
				return rc;
		}
	}
	return NC_OK;
}
