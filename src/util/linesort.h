/* linesort.h - sort text lines in bounded memory (for the CDXJ index).
 *
 * Lines are kept in memory up to NC_LINESORT_RUN bytes, then sorted and
 * spilled to a scratch file (output.h: beside `near`, or in $TMPDIR);
 * the end merges the runs.  The
 * order is bytewise (LC_ALL=C sort), so shards made separately merge
 * with `sort -m`.  Errors are sticky in `rc`. */
#ifndef NC_UTIL_LINESORT_H
#define NC_UTIL_LINESORT_H

#include <stddef.h>
#include <stdio.h>

#define NC_LINESORT_RUN (8u * 1024u * 1024u)

struct nc_linesort {
	char **lines;
	size_t n, cap, bytes;
	FILE **runs;
	size_t nruns;
	int rc;
	const char *near;         /* an output path, borrowed; NULL: $TMPDIR */
};

/* `line` has no newline; it is copied. */
int nc_linesort_add(struct nc_linesort *s, const char *line, size_t len);
/* Every line, sorted, each followed by '\n'. */
int nc_linesort_write(struct nc_linesort *s, FILE *out);
void nc_linesort_free(struct nc_linesort *s);

#endif
