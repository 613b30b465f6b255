/* module.c - the newsconv program's loadable modules.  Libraries that
 * only some runs need (libzip with libcrypto, bz2 and lzma for EPUB and
 * WACZ; cmark-gfm for Markdown posts) cost start-up time on every run,
 * `newsconv --version` included, so the program opens them on first use
 * instead (module_stubs.c); git keeps HTTP out of its main binary for
 * the same reason.  The library libnewsconv links everything directly.
 *
 * A module is looked for in $NEWSCONV_MODULE_DIR, beside the running
 * program (the build directory), then in the installed module directory
 * NC_MODULE_DIR.  It is opened RTLD_LOCAL (its symbols never replace
 * the program's) and stays open; the program exports its own symbols
 * (export_dynamic) for the module to call. */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "module.h"

#ifndef NC_MODULE_DIR
#define NC_MODULE_DIR "/usr/local/lib/newsconv"
#endif
#define MAX_MODULES 8

/* A module opened, or that failed to open (handle NULL, why says why:
 * not tried again). */
struct slot {
	const char *file;
	void *handle;
	char why[300];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[MAX_MODULES];
static size_t nslots;

/* dir/file; a failure's dlerror() goes to why when the file is there
 * (a broken module says more than a missing one) or why is empty. */
static void *try_dir(const char *dir, size_t dirlen, const char *file, struct slot *s)
{
	char path[PATH_MAX];
	if (!dir || dirlen == 0 || dirlen + strlen(file) + 2 > sizeof path)
		return NULL;
	int k = snprintf(path, sizeof path, "%.*s/%s", (int)dirlen, dir, file);
	if (k < 0 || (size_t)k >= sizeof path)
		return NULL;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h && (!s->why[0] || access(path, F_OK) == 0)) {
		const char *e = dlerror();
		snprintf(s->why, sizeof s->why, "%s", e ? e : "cannot be opened");
	}
	return h;
}

static void *open_module(const char *file, struct slot *s)
{
	const char *env = getenv("NEWSCONV_MODULE_DIR");
	void *h = env ? try_dir(env, strlen(env), file, s) : NULL;
	char exe[PATH_MAX];
	ssize_t n = h ? 0 : readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			h = try_dir(exe, (size_t)(slash - exe), file, s);
	}
	if (!h)
		h = try_dir(NC_MODULE_DIR, strlen(NC_MODULE_DIR), file, s);
	if (h)
		s->why[0] = '\0';
	return h;
}

/* The slot of `file`, opening it the first time; NULL when full. */
static struct slot *find_slot(const char *file)
{
	for (size_t i = 0; i < nslots; i++)
		if (strcmp(slots[i].file, file) == 0)
			return &slots[i];
	if (nslots == MAX_MODULES)
		return NULL;
	struct slot *s = &slots[nslots++];
	s->file = file;
	s->handle = open_module(file, s);
	return s;
}

void *nc_module_sym(const char *module_file, const char *symbol, struct nc_err *err)
{
	pthread_mutex_lock(&lock);
	struct slot *s = find_slot(module_file);
	void *p = s && s->handle ? dlsym(s->handle, symbol) : NULL;
	if (!s)
		nc_err_set(err, NC_ERR_UNSUPPORTED, module_file, "too many modules");
	else if (!s->handle)
		nc_err_set(err, NC_ERR_UNSUPPORTED, module_file, "cannot load this module: %s",
			   s->why[0] ? s->why : "not found");
	else if (!p)
		nc_err_set(err, NC_ERR_UNSUPPORTED, module_file, "this module has no %s", symbol);
	pthread_mutex_unlock(&lock);
	return p;
}
