/* input_bytes.c - how an input file's bytes reach a reader: read into
 * memory (slurp), or mapped (util/filemap.h) when the file is regular
 * and large enough for that to pay.  A mapped file stays mapped for a
 * reader that reads in parts (nc_reader.open: WARC, feeds), which lets go of
 * what it has read, so an archive of any size takes a few MB (issue
 * 19); any other reader gets a copy, within NC_MAX_INPUT_BYTES as
 * before.  stdin, pipes and devices are always slurped. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* Smaller files are read: mapping costs more than it saves. */
#define MAP_MIN_BYTES (64u * 1024u)

static int read_all(FILE *f, const char *path, unsigned char **data, size_t *len,
		    struct nc_err *err)
{
	struct nc_buf b = {0};
	int rc = nc_buf_read_file(&b, f, NC_MAX_INPUT_BYTES);
	if (rc == NC_ERR_LIMIT)
		rc = nc_err_set(err, NC_ERR_LIMIT, path, "larger than the %u MB limit",
				NC_MAX_INPUT_BYTES / (1024u * 1024u));
	else if (rc == NC_ERR_NOMEM)
		rc = nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	else if (rc)
		rc = nc_err_set(err, NC_ERR_IO, path, "read error: %s", strerror(errno));
	if (!rc && !b.data && nc_buf_reserve(&b, 0))
		rc = nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	if (rc) {
		nc_buf_free(&b);
		return rc;
	}
	*data = (unsigned char *)nc_buf_detach(&b, len);
	return NC_OK;
}

/* The file open on `fd` (closed here), mapped or read. */
static int load_fd(int fd, const char *path, struct input_bytes *b, struct nc_err *err)
{
	struct stat st;
	bool known = fstat(fd, &st) == 0; /* else read as a stream */
	if (known && S_ISDIR(st.st_mode)) {
		close(fd);
		return nc_err_set(err, NC_ERR_IO, path, "is a directory");
	}
	if (known && S_ISREG(st.st_mode) && st.st_size >= (off_t)MAP_MIN_BYTES &&
	    (uint64_t)st.st_size < SIZE_MAX && nc_filemap_open(fd, (size_t)st.st_size, &b->map)) {
		close(fd);
		b->data = (unsigned char *)b->map.data;
		b->len = b->map.len;
		return NC_OK;
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	}
	int rc = read_all(f, path, &b->data, &b->len, err);
	fclose(f);
	return rc;
}

int slurp(const char *path, unsigned char **data, size_t *len, struct nc_err *err)
{
	struct input_bytes b;
	int rc = input_bytes_load(path, &b, err);
	if (!rc)
		rc = input_bytes_own(&b, path, err);
	if (rc)
		return rc;
	*data = b.data;
	*len = b.len;
	return NC_OK;
}

int input_bytes_load(const char *path, struct input_bytes *b, struct nc_err *err)
{
	*b = (struct input_bytes){ .map = { .slot = -1 } };
	if (strcmp(path, "-") == 0)
		return read_all(stdin, path, &b->data, &b->len, err);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nc_err_set(err, NC_ERR_IO, path, "cannot open: %s", strerror(errno));
	return load_fd(fd, path, b, err);
}

void input_bytes_adopt(struct input_bytes *b, unsigned char *data, size_t len)
{
	*b = (struct input_bytes){ data, len, { .slot = -1 } };
}

int input_bytes_intact(const struct input_bytes *b, const char *path, struct nc_err *err)
{
	if (!nc_filemap_damaged(&b->map))
		return NC_OK;
	return nc_err_set(err, NC_ERR_IO, path,
			  "the file shrank while it was read (it was changed or truncated); its end was lost");
}

int input_bytes_own(struct input_bytes *b, const char *path, struct nc_err *err)
{
	if (b->map.slot < 0)
		return NC_OK;
	int rc = NC_OK;
	unsigned char *copy = NULL;
	if (b->len > NC_MAX_INPUT_BYTES)
		rc = nc_err_set(err, NC_ERR_LIMIT, path, "larger than the %u MB limit",
				NC_MAX_INPUT_BYTES / (1024u * 1024u));
	else if (!(copy = malloc(b->len + 1)))
		rc = nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	if (copy) {
		memcpy(copy, b->data, b->len + 1); /* the mapping's 0 too */
		rc = input_bytes_intact(b, path, err);
	}
	size_t len = b->len;
	input_bytes_free(b);
	if (rc) {
		free(copy);
		return rc;
	}
	input_bytes_adopt(b, copy, len);
	return NC_OK;
}

void input_bytes_free(struct input_bytes *b)
{
	if (b->map.slot >= 0)
		nc_filemap_close(&b->map);
	else
		free(b->data);
	*b = (struct input_bytes){ .map = { .slot = -1 } };
}
