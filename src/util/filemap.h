/* filemap.h - an input file's bytes mapped read-only instead of read
 * into memory (issue 19: an archive is read record by record from the
 * file, never buffered whole).
 *
 * The one owner of mappings: nc_filemap_open() maps, nc_filemap_close()
 * unmaps, and a reader that is done with a stretch of its bytes calls
 * nc_filemap_release() without knowing whether they are mapped (for
 * malloc'd bytes it does nothing).  A mapped view is NUL-terminated
 * like a slurped buffer: data[len] is 0.
 *
 * The rule that keeps a mapping from killing the process (SIGBUS):
 *   - only regular files are mapped (not pipes, devices, /proc), and
 *     their size is checked again after mapping: a file that shrank in
 *     between is not mapped (the caller reads it instead);
 *   - a file that shrinks later, while mapped, makes the pages past its
 *     new end fault: a SIGBUS handler (installed with the first
 *     mapping) puts zero pages there and marks the mapping damaged, so
 *     the reader sees zeros and nc_filemap_damaged() tells the caller,
 *     which reports the input as changed while it was read.  A fault in
 *     any other address goes to the handler that was there before.
 *   - bytes rewritten in place while mapped are seen as rewritten: the
 *     readers check every length against the view, never trust it. */
#ifndef NC_UTIL_FILEMAP_H
#define NC_UTIL_FILEMAP_H

#include <stdbool.h>
#include <stddef.h>

struct nc_filemap {
	const unsigned char *data; /* len bytes, then a 0 */
	size_t len;
	size_t span;               /* bytes reserved (len + 1, in whole pages) */
	int slot;                  /* in the SIGBUS handler's table; -1: none */
};

/* Maps the regular file open on `fd` (its size `size` from fstat)
 * whole, read-only, for reading in order.  false when it cannot be
 * mapped (not regular, empty, changed size, out of table slots or
 * address space): the caller reads the file instead. */
bool nc_filemap_open(int fd, size_t size, struct nc_filemap *m);
/* Whether the file shrank while it was mapped (zeros were read). */
bool nc_filemap_damaged(const struct nc_filemap *m);
void nc_filemap_close(struct nc_filemap *m);

/* The bytes [p, p + n) are not needed again soon: when they are part of
 * a mapped file, their whole pages leave the process's memory (they
 * come back from the file if touched again); else nothing happens. */
void nc_filemap_release(const void *p, size_t n);

#endif
