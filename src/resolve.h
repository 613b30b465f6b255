/* resolve.h - what resolve.c shares with the writers. */
#ifndef NC_RESOLVE_H
#define NC_RESOLVE_H

#include <stdbool.h>

#include "util/buf.h"

/* Append url to b as a valid URI reference (what no URI may hold raw
 * percent-encoded; a valid one byte for byte).  False on OOM. */
bool nc_uri_put(struct nc_buf *b, const char *url);

#endif
