/* fetch_opts.c - the fetcher's defaults.  Apart from fetch.c so that a
 * program can set options without loading libcurl (see fetch_loader.c). */
#include <string.h>

#include "newsconv.h"

void nc_fetch_opts_default(struct nc_fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	o->jobs = 8;
	o->per_host = 4;
	o->max_image_size = 20u * 1000 * 1000;
	o->connect_timeout_ms = 10000;
	o->total_timeout_ms = 60000;
	o->retries = 3;
	o->user_agent = "newsconv/" NC_VERSION;
}
