/* test_filemap.c - util/filemap.c (issue 19): a mapped input is
 * NUL-terminated like a read one, pages let go come back from the file,
 * only regular files are mapped, and a file that shrinks while mapped
 * reads as zeros with the mapping marked damaged, never a SIGBUS. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util/filemap.h"

static int make_file(char *path, size_t size, int fill)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unsigned char *b = malloc(size);
	if (!b || (memset(b, fill, size), write(fd, b, size)) != (ssize_t)size) {
		free(b);
		close(fd);
		return -1;
	}
	free(b);
	return fd;
}

static bool all_are(const unsigned char *p, size_t n, int c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

int main(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char path[] = "/tmp/nc-filemap-XXXXXX";

	/* A file ending on a page boundary: data[len] is still 0. */
	int fd = make_file(path, 4 * pg, 'A');
	CHECK(fd >= 0);
	struct nc_filemap m;
	CHECK(nc_filemap_open(fd, 4 * pg, &m));
	CHECK(m.len == 4 * pg && all_are(m.data, m.len, 'A') && m.data[m.len] == 0);
	CHECK(!nc_filemap_damaged(&m));
	/* Pages let go are read again from the file. */
	nc_filemap_release(m.data, m.len);
	CHECK(all_are(m.data, m.len, 'A'));
	/* Bytes that are not mapped: nothing happens to them. */
	unsigned char *heap = malloc(8 * pg);
	CHECK(heap != NULL);
	memset(heap, 'B', 8 * pg);
	nc_filemap_release(heap, 8 * pg);
	CHECK(all_are(heap, 8 * pg, 'B'));
	free(heap);
	nc_filemap_close(&m);
	CHECK(m.slot == -1);

	/* A size that is no longer the file's is not mapped. */
	CHECK(!nc_filemap_open(fd, 5 * pg, &m));
	close(fd);
	unlink(path);

	/* Not a regular file: a pipe. */
	int pfd[2];
	CHECK(pipe(pfd) == 0);
	CHECK(!nc_filemap_open(pfd[0], 4096, &m));
	close(pfd[0]);
	close(pfd[1]);

	/* Shrinks while mapped: zeros past the new end, marked damaged. */
	char path2[] = "/tmp/nc-filemap-XXXXXX";
	size_t size = 64 * pg + 100;
	fd = make_file(path2, size, 'C');
	CHECK(fd >= 0);
	CHECK(nc_filemap_open(fd, size, &m));
	CHECK(all_are(m.data, 4 * pg, 'C'));
	nc_filemap_release(m.data, m.len); /* every page faults again */
	CHECK(ftruncate(fd, 8 * pg) == 0);
	CHECK(all_are(m.data, 8 * pg, 'C'));
	CHECK(!nc_filemap_damaged(&m));
	CHECK(all_are(m.data + 8 * pg, size - 8 * pg, 0)); /* a SIGBUS without the guard */
	CHECK(m.data[m.len] == 0);
	CHECK(nc_filemap_damaged(&m));
	nc_filemap_close(&m);
	/* A new mapping in the same slot starts undamaged. */
	CHECK(ftruncate(fd, size) == 0);
	CHECK(nc_filemap_open(fd, size, &m));
	CHECK(!nc_filemap_damaged(&m) && m.data[0] == 'C');
	nc_filemap_close(&m);
	close(fd);
	unlink(path2);
	return check_done("filemap");
}
