/* read_wacz.h - the zip side of read_warc.c: the WARC members of a WACZ
 * package.  In the newsconv program this lives in the module
 * newsconv-zip.so (module_stubs.c loads it); the library links it. */
#ifndef NC_READ_WACZ_H
#define NC_READ_WACZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "newsconv.h"
#include "util/buf.h"

/* The next bytes of a member into buf (at most cap): how many, 0 at
 * its end, -1 when it is damaged (read_wacz.c says so). */
typedef long (*nc_wacz_pull_fn)(void *src, unsigned char *buf, size_t cap);

/* What reading a package shares with the WARC reader that parses its
 * members. */
struct nc_wacz_in {
	const char *name;            /* the package, for messages */
	uint64_t *inflated;          /* bytes inflated so far, in all */
	uint64_t max_inflated;       /* limit of *inflated */
	struct nc_buf *tail_warning; /* members that could not be read, a line each */
	/* Called for each WARC member, in the package's order, to pull its
	 * bytes with fn(src, ...) as it parses them (issue 19: a member is
	 * never whole in memory); non-zero stops reading and is returned. */
	int (*member)(void *ctx, nc_wacz_pull_fn fn, void *src);
	void *ctx;
	struct nc_err *err;
};

/* A zip holding at least one archive/NAME.warc(.gz) member. */
bool nc_wacz_detect(const unsigned char *data, size_t len);
/* Each WARC member of the package to in->member(). */
int nc_wacz_read(const struct nc_wacz_in *in, const unsigned char *data, size_t len);

#endif
