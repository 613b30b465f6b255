/* fetch_loader.c - nc_fetch() for the newsconv program: the fetcher
 * (fetch.c) is a loadable module, opened the first time something is
 * fetched.  libcurl and the thirty-odd libraries it pulls in cost more
 * start-up time than a whole one-article conversion, and most runs fetch
 * nothing; git keeps HTTP out of its main binary for the same reason.
 *
 * The module is looked for in $NEWSCONV_FETCH_MODULE, beside the running
 * program (the build directory), then in the installed module directory.
 * The library libnewsconv itself links fetch.c directly.  nc_fetch_url()
 * (inputs given as URLs) comes from the same module. */
#include <dlfcn.h>
#include <stdint.h>
#include <limits.h>
#include <pthread.h>
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
typedef int (*fetch_url_fn)(const char *, const struct nc_fetch_opts *, unsigned char **,
			    size_t *, char **, struct nc_err *);

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

/* Opened once, whichever thread fetches first (URL inputs are fetched
 * on the reading threads). */
static pthread_once_t module_once = PTHREAD_ONCE_INIT;
static void *module;
static char module_why[256];

static void load_module(void)
{
	module = open_module(module_why, sizeof module_why);
}

static int module_symbol(const char *name, void **sym, struct nc_err *err)
{
	pthread_once(&module_once, load_module);
	if (!module)
		return nc_err_set(err, NC_ERR_UNSUPPORTED, MODULE_NAME, "cannot load the fetcher: %s",
				  module_why);
	if (!(*sym = dlsym(module, name)))
		return nc_err_set(err, NC_ERR_UNSUPPORTED, MODULE_NAME, "the fetcher has no %s", name);
	return NC_OK;
}

int nc_fetch(struct nc_doc *const *docs, size_t ndocs, const struct nc_fetch_opts *o,
	     struct nc_fetch_stats *stats, struct nc_err *err)
{
	void *sym = NULL;
	int rc = module_symbol("nc_fetch", &sym, err);
	return rc ? rc : ((fetch_fn)(uintptr_t)sym)(docs, ndocs, o, stats, err);
}

int nc_fetch_url(const char *url, const struct nc_fetch_opts *o, unsigned char **data,
		 size_t *len, char **final_url, struct nc_err *err)
{
	void *sym = NULL;
	*data = NULL;
	*len = 0;
	if (final_url)
		*final_url = NULL;
	int rc = module_symbol("nc_fetch_url", &sym, err);
	return rc ? rc : ((fetch_url_fn)(uintptr_t)sym)(url, o, data, len, final_url, err);
}
