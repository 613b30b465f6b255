/* read_opml.h - an OPML subscription list, parsed (read_opml.c). */
#ifndef NC_READ_OPML_H
#define NC_READ_OPML_H

#include "newsconv.h"

/* One subscription: an outline with an xmlUrl. */
struct nc_opml_feed {
	char *url;                  /* xmlUrl, as written (trimmed) */
	char *title;                /* title, else text; may be NULL */
	struct nc_strlist category; /* the folders it is nested in, outermost first */
};

struct nc_opml {
	char *title;                /* <head><title>, NULL when absent or blank */
	struct nc_opml_feed *feeds;
	size_t nfeeds;
	struct nc_strlist skipped;  /* one line per outline not taken, and why */
};

/* The subscriptions of an OPML 1.0 / 2.0 document, in document order.
 * NC_ERR_PARSE when it is not OPML at all; err names `name`. */
int nc_opml_parse(const char *name, const unsigned char *data, size_t len,
		  struct nc_opml *out, struct nc_err *err);
void nc_opml_free(struct nc_opml *o);

#endif
