/* fetch_loader.c - nc_fetch() and nc_fetch_url() for the newsconv
 * program: the fetcher (fetch.c) is the module newsconv-fetch.so, loaded
 * through module.c the first time something is fetched.  libcurl and the
 * thirty-odd libraries it pulls in cost more start-up time than a whole
 * one-article conversion, and most runs fetch nothing; git keeps HTTP
 * out of its main binary for the same reason.  The library libnewsconv
 * links fetch.c directly. */
#include <stdint.h>

#include "module.h"
#include "newsconv.h"

typedef int (*fetch_fn)(struct nc_doc *const *, size_t, const struct nc_fetch_opts *,
			struct nc_fetch_stats *, struct nc_err *);
typedef int (*fetch_url_fn)(const char *, const struct nc_fetch_opts *, unsigned char **,
			    size_t *, char **, struct nc_exchange **, struct nc_err *);

int nc_fetch(struct nc_doc *const *docs, size_t ndocs, const struct nc_fetch_opts *o,
	     struct nc_fetch_stats *stats, struct nc_err *err)
{
	void *sym = nc_module_sym(NC_MODULE_FETCH, "nc_fetch", err);
	return sym ? ((fetch_fn)(uintptr_t)sym)(docs, ndocs, o, stats, err) : err->code;
}

int nc_fetch_url(const char *url, const struct nc_fetch_opts *o, unsigned char **data,
		 size_t *len, char **final_url, struct nc_exchange **exchange, struct nc_err *err)
{
	*data = NULL;
	*len = 0;
	if (final_url)
		*final_url = NULL;
	if (exchange)
		*exchange = NULL;
	void *sym = nc_module_sym(NC_MODULE_FETCH, "nc_fetch_url", err);
	return sym ? ((fetch_url_fn)(uintptr_t)sym)(url, o, data, len, final_url, exchange, err)
		   : err->code;
}
