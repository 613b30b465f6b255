/* write_zip.h - what the EPUB and WACZ writers share about building a
 * zip with libzip (src/write_zip.c); not library API. */
#ifndef NC_WRITE_ZIP_H
#define NC_WRITE_ZIP_H

#include <stdbool.h>
#include <stdint.h>

#include <zip.h>

/* A new, empty archive written into the scratch file `fd` (output.h
 * nc_scratch_open()), which stays the caller's: zip_open() on a path
 * would have libzip make a named temporary of its own beside it, left
 * behind by SIGKILL.  NULL when libzip refuses. */
zip_t *nc_zip_create(int fd);
/* An entry whose bytes are `len` bytes at `off` of the open file `fd`
 * (len -1: to the end), read when the archive is written. */
zip_source_t *nc_zip_source_fd(zip_t *za, int fd, uint64_t off, int64_t len);
/* Add `s` as `name` (stored or deflated at `level`) with the time
 * `when` (seconds UTC; before 1980 is 1980) written as UTC, so that the
 * bytes never depend on the machine's TZ (libzip's
 * zip_file_set_mtime() uses local time).  0, or -1 (s freed). */
int nc_zip_add(zip_t *za, const char *name, zip_source_t *s, bool store, int level, int64_t when);

#endif
