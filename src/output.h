/* output.h - the one owner of output files (src/output.c).
 *
 * Everything newsconv writes to disk goes through here: the outputs the
 * CLI names, the side files (Markdown images, a CDXJ index), the scratch
 * files of the writers (an EPUB's spool, a WACZ's inner files, the zip
 * being built) and of the CDXJ sorter.  So there is one answer to each
 * of these questions:
 *
 * - Temporary: unnamed (O_TMPFILE) where the file system allows;
 *   otherwise a name ".newsconv-" + 16 hex digits in the same directory:
 *   hidden (ls, and the walk of a folder, pass over dot files), always
 *   within NAME_MAX whatever the output is called, and unlinked on every
 *   failure path.  Only SIGKILL between creating and naming a named
 *   temporary can leave one, and no later run reads it.
 * - Mode: 0666 less the umask, as any program's output.
 * - Place: an output's temporary beside it (same file system, so the
 *   commit is a link or a rename); scratch beside the output too, or
 *   under $TMPDIR (else /tmp) when there is no output path or that
 *   directory refuses.
 * - Commit: linkat() of the unnamed file, or rename() over the old file
 *   (a reader sees the old file or the whole new one); with `sync`, the
 *   file is fsync'ed before and its directory after.  Bulk syncing of
 *   many outputs: nc_fs_sync(), one syncfs() per file system touched.
 * - Devices, FIFOs and standard output (-o /dev/stdout, /dev/null) are
 *   written in place: renaming over them would replace the device.
 * - Identity: files are compared by (device, inode), never by spelling.
 *
 * Descriptors: unnamed outputs stay open until committed and scratch
 * files until closed; both count in one budget (a quarter of
 * RLIMIT_NOFILE).  Past it, outputs fall back to named temporaries,
 * which are closed as soon as they are written.
 *
 * Thread-safe: every function may be called from any thread. */
#ifndef NC_OUTPUT_H
#define NC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "newsconv.h"

/* ---- identity ----------------------------------------------------------- */

struct nc_file_id {
	uint64_t dev, ino;
};

/* The identity of an existing file (symbolic links followed): 0, or -1
 * with errno set. */
int nc_file_id_of(const char *path, struct nc_file_id *id);
int nc_file_id_of_fd(int fd, struct nc_file_id *id);
/* For qsort() and bsearch() of struct nc_file_id. */
int nc_file_id_cmp(const void *a, const void *b);
/* Do two paths name one file, once written?  Both existing: the same
 * identity.  Otherwise: the same directory (by identity) and the same
 * last component.  "a/x.warc", "./a/x.warc" and "l/x.warc" with l a
 * link to a all name one file. */
bool nc_file_same(const char *a, const char *b);

/* ---- outputs ------------------------------------------------------------ */

struct nc_out {
	char *path;               /* the final name */
	char *tmp;                /* a named temporary beside it, while there is one */
	FILE *f;                  /* write the bytes here */
	bool anon;                /* unnamed (O_TMPFILE): named by linkat() on commit */
	bool direct;              /* a device, FIFO or standard output: written in place */
	bool synced;              /* closed with sync: commit syncs the directory too */
	char *buf;                /* f's buffer, while f is open */
};

/* Begin writing `path` (its directories are made): o->f takes the
 * bytes; nothing appears under `path` before nc_out_commit().  err
 * names `path`.  On failure *o is empty (nc_out_abort() is harmless). */
int nc_out_open(struct nc_out *o, const char *path, struct nc_err *err);
/* Flush and check every write; with `sync`, fsync (the caller may
 * instead sync many outputs at once with nc_fs_sync()).  On failure the
 * output is aborted. */
int nc_out_close(struct nc_out *o, bool sync, struct nc_err *err);
/* Give the closed output its name (replacing any old file); then, when
 * closed with sync, fsync its directory.  On failure the output is
 * aborted and `path` is untouched.  *o is empty afterwards. */
int nc_out_commit(struct nc_out *o, struct nc_err *err);
/* Drop an output at any stage: nothing is left.  *o is empty after. */
void nc_out_abort(struct nc_out *o);
/* open + write + close(sync) + commit. */
int nc_out_write_file(const char *path, const void *data, size_t len, struct nc_err *err);
/* Make the directories of `path` (not its last component). */
int nc_out_mkdirs(const char *path, struct nc_err *err);

/* ---- bulk sync ---------------------------------------------------------- */

/* One syncfs() per file system: add the outputs (by path) of a window,
 * each call syncs the file system of that path's directory unless it
 * was synced already, and returns that sync's result (err names the
 * path).  Free with nc_fs_sync_free(). */
struct nc_fs_sync {
	struct nc_fs_synced {
		uint64_t dev;
		int err;          /* errno of its syncfs(), 0 when fine */
	} *v;
	size_t n;
	char *dir;                /* the last path's directory, and its entry v[at] */
	size_t at;
};
int nc_fs_sync(struct nc_fs_sync *s, const char *path, struct nc_err *err);
void nc_fs_sync_free(struct nc_fs_sync *s);

/* ---- scratch ------------------------------------------------------------ */

/* A file for a writer's own use, read and written, that nobody else sees
 * and that is gone when closed (or when the process dies): unnamed in
 * the directory of `near` (an output's path), else in $TMPDIR, else in
 * /tmp; a named one unlinked at once where O_TMPFILE is refused.
 * Counted in the descriptor budget until closed.  Returns the
 * descriptor, or -1 with err set (naming `near`, or "$TMPDIR"). */
int nc_scratch_open(const char *near, struct nc_err *err);
void nc_scratch_close(int fd);
/* The same as a stdio stream ("w+b"); close it with nc_scratch_fclose(). */
FILE *nc_scratch_fopen(const char *near, struct nc_err *err);
int nc_scratch_fclose(FILE *f);

#endif
