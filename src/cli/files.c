/* files.c - outputs that are complete or absent: every output is written
 * to a temporary file beside its final name and renamed into place. */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
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

int file_open(struct out_file *o, const char *path, struct nc_err *err)
{
	memset(o, 0, sizeof *o);
	if (file_mkdirs_for(path, err))
		return err->code;
	size_t n = strlen(path) + 16;
	o->path = strdup(path);
	o->tmp = malloc(n);
	if (!o->path || !o->tmp) {
		file_abort(o);
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	}
	snprintf(o->tmp, n, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		int e = errno;
		free(o->tmp);
		o->tmp = NULL;
		file_abort(o);
		return nc_err_set(err, NC_ERR_IO, path, "cannot create: %s", strerror(e));
	}
	/* mkstemp makes 0600; an output is an ordinary file. */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "wb"))) {
		int e = errno;
		close(fd);
		file_abort(o);
		return nc_err_set(err, NC_ERR_IO, path, "cannot create: %s", strerror(e));
	}
	return NC_OK;
}

int file_close(struct out_file *o, bool sync, struct nc_err *err)
{
	FILE *f = o->f;
	o->f = NULL;
	int bad = fflush(f) != 0 || ferror(f) || (sync && fsync(fileno(f)) != 0);
	int e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		int rc = nc_err_set(err, NC_ERR_IO, o->path ? o->path : "-", "cannot write: %s", strerror(e));
		file_abort(o);
		return rc;
	}
	return NC_OK;
}

int file_commit(struct out_file *o, struct nc_err *err)
{
	if (rename(o->tmp, o->path) != 0) {
		int e = errno;
		int rc = nc_err_set(err, NC_ERR_IO, o->path, "cannot write: %s", strerror(e));
		file_abort(o);
		return rc;
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
