/* write_zip.c - see write_zip.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "write_zip.h"

/* libzip's write protocol over a descriptor it does not own. */
struct fd_sink {
	int fd;
	uint64_t rpos, wpos;
	zip_error_t error;
};

static zip_int64_t io_error(struct fd_sink *s, int code)
{
	zip_error_set(&s->error, code, errno);
	return -1;
}

static zip_int64_t sink_size(struct fd_sink *s)
{
	struct stat st;
	return fstat(s->fd, &st) == 0 ? (zip_int64_t)st.st_size : io_error(s, ZIP_ER_READ);
}

static zip_int64_t seek_to(struct fd_sink *s, uint64_t *pos, void *data, zip_uint64_t len)
{
	zip_int64_t size = sink_size(s);
	if (size < 0)
		return -1;
	zip_int64_t to = zip_source_seek_compute_offset(*pos, (zip_uint64_t)size, data, len, &s->error);
	if (to < 0)
		return -1;
	*pos = (uint64_t)to;
	return 0;
}

static zip_int64_t sink_stat(struct fd_sink *s, void *data, zip_uint64_t len)
{
	zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &s->error);
	zip_int64_t size = st ? sink_size(s) : -1;
	if (size < 0)
		return -1;
	zip_stat_init(st);
	st->size = (zip_uint64_t)size;
	st->valid |= ZIP_STAT_SIZE;
	return sizeof *st;
}

/* All of `len`, or -1 with the reason: libzip takes a short write for
 * an error it reports as EINTR, which hides a full disk (review row 25). */
static zip_int64_t sink_write(struct fd_sink *s, const void *data, zip_uint64_t len)
{
	const unsigned char *p = data;
	zip_uint64_t done = 0;
	while (done < len) {
		ssize_t n = pwrite(s->fd, p + done, len - done, (off_t)(s->wpos + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return io_error(s, ZIP_ER_WRITE);
		}
		done += (zip_uint64_t)n;
	}
	s->wpos += done;
	return (zip_int64_t)done;
}

static zip_int64_t sink_cb(void *ctx, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct fd_sink *s = ctx;
	ssize_t n;
	switch (cmd) {
	case ZIP_SOURCE_OPEN: s->rpos = 0; return 0;
	case ZIP_SOURCE_READ:
		n = pread(s->fd, data, len, (off_t)s->rpos);
		if (n < 0)
			return io_error(s, ZIP_ER_READ);
		s->rpos += (uint64_t)n;
		return n;
	case ZIP_SOURCE_CLOSE: return 0;
	case ZIP_SOURCE_STAT: return sink_stat(s, data, len);
	case ZIP_SOURCE_ERROR: return zip_error_to_data(&s->error, data, len);
	case ZIP_SOURCE_FREE: zip_error_fini(&s->error); free(s); return 0;
	case ZIP_SOURCE_SEEK: return seek_to(s, &s->rpos, data, len);
	case ZIP_SOURCE_TELL: return (zip_int64_t)s->rpos;
	case ZIP_SOURCE_BEGIN_WRITE:
	case ZIP_SOURCE_ROLLBACK_WRITE:
	case ZIP_SOURCE_REMOVE:
		s->wpos = 0;
		return ftruncate(s->fd, 0) == 0 ? 0 : io_error(s, ZIP_ER_WRITE);
	case ZIP_SOURCE_COMMIT_WRITE: return 0;
	case ZIP_SOURCE_WRITE: return sink_write(s, data, len);
	case ZIP_SOURCE_SEEK_WRITE: return seek_to(s, &s->wpos, data, len);
	case ZIP_SOURCE_TELL_WRITE: return (zip_int64_t)s->wpos;
	case ZIP_SOURCE_SUPPORTS: return ZIP_SOURCE_SUPPORTS_WRITABLE;
	case ZIP_SOURCE_RESERVED_1:
	case ZIP_SOURCE_BEGIN_WRITE_CLONING:
	case ZIP_SOURCE_ACCEPT_EMPTY:
	case ZIP_SOURCE_GET_FILE_ATTRIBUTES:
	default:
		zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

zip_t *nc_zip_create(int fd)
{
	struct fd_sink *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->fd = fd;
	zip_error_init(&s->error);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_function_create(sink_cb, s, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE, &ze) : NULL;
	if (!za) {
		if (src)
			zip_source_free(src); /* frees s */
		else
			free(s);
	}
	zip_error_fini(&ze);
	return za;
}

zip_source_t *nc_zip_source_fd(zip_t *za, int fd, uint64_t off, int64_t len)
{
	/* By name, so that libzip opens it only while it copies the entry:
	 * a book of thousands of chapters never holds thousands of
	 * descriptors. */
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	return zip_source_file(za, proc, off, len);
}

int nc_zip_add(zip_t *za, const char *name, zip_source_t *s, bool store, int level, int64_t when)
{
	if (!s)
		return -1;
	zip_int64_t idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		zip_source_free(s);
		return -1;
	}
	/* DOS time cannot go before 1980; fields in UTC. */
	time_t t = when < 315532800 ? 315532800 : (time_t)when;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_year > 2107 - 1900)
		return -1;
	zip_uint16_t dtime = (zip_uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	zip_uint16_t ddate = (zip_uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	if (zip_set_file_compression(za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
				     (zip_uint32_t)level) < 0 ||
	    zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) < 0)
		return -1;
	return 0;
}
