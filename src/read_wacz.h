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

/* What reading a package shares with the WARC reader that parses its
 * members. */
struct nc_wacz_in {
	const char *name;            /* the package, for messages */
	uint64_t *inflated;          /* bytes inflated so far, in all */
	uint64_t max_inflated;       /* limit of *inflated */
	struct nc_buf *tail_warning; /* members that could not be read, a line each */
	/* Called with each WARC member's bytes, in the package's order;
	 * non-zero stops reading and is returned. */
	int (*member)(void *ctx, const unsigned char *data, size_t len);
	void *ctx;
	struct nc_err *err;
};

/* A zip holding at least one archive/NAME.warc(.gz) member. */
bool nc_wacz_detect(const unsigned char *data, size_t len);
/* Each WARC member of the package to in->member(). */
int nc_wacz_read(const struct nc_wacz_in *in, const unsigned char *data, size_t len);

#endif
