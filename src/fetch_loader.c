/* fetch_loader.c - nc_fetch() for the newsconv program: the fetcher
 * (fetch.c) is a loadable module, opened the first time something is
 * fetched.  libcurl and the thirty-odd libraries it pulls in cost more
 * start-up time than a whole one-article conversion, and most runs fetch
 * nothing; git keeps HTTP out of its main binary for the same reason.
 *
 * The module is looked for in $NEWSCONV_FETCH_MODULE, beside the running
 * program (the build directory), then in the installed module directory.
 * The library libnewsconv itself links fetch.c directly. */
#include <dlfcn.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsconv.h"

#ifndef NC_MODULE_DIR
#define NC_MODULE_DIR "/usr/local/lib/newsconv"
#endif
#define MODULE_NAME "newsconv-fetch.so"

typedef int (*fetch_fn)(struct nc_doc *const *, size_t, const struct nc_fetch_opts *,
			struct nc_fetch_stats *, struct nc_err *);

static void *try_open(const char *path)
{
	/* RTLD_LOCAL: the module's nc_fetch must not replace this one. */
	return path && *path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
}

static void *open_module(char *why, size_t whylen)
{
	void *h = try_open(getenv("NEWSCONV_FETCH_MODULE"));
	if (h)
		return h;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash && (size_t)(slash - exe) + sizeof MODULE_NAME + 1 < sizeof exe) {
			strcpy(slash + 1, MODULE_NAME);
			if ((h = try_open(exe)))
				return h;
		}
	}
	if ((h = try_open(NC_MODULE_DIR "/" MODULE_NAME)))
		return h;
	const char *e = dlerror();
	snprintf(why, whylen, "%s", e ? e : "not found");
	return NULL;
}

int nc_fetch(struct nc_doc *const *docs, size_t ndocs, const struct nc_fetch_opts *o,
	     struct nc_fetch_stats *stats, struct nc_err *err)
{
	static fetch_fn fn; /* called from the main thread only */
	if (!fn) {
		char why[256];
		void *h = open_module(why, sizeof why);
		if (!h)
			return nc_err_set(err, NC_ERR_UNSUPPORTED, MODULE_NAME,
					  "cannot load the image fetcher: %s", why);
		fn = (fetch_fn)(uintptr_t)dlsym(h, "nc_fetch");
		if (!fn)
			return nc_err_set(err, NC_ERR_UNSUPPORTED, MODULE_NAME,
					  "the image fetcher has no nc_fetch");
	}
	return fn(docs, ndocs, o, stats, err);
}
