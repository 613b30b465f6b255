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
 * (export_dynamic) for the module to call.
 *
 * Loading a module runs its code, so $NEWSCONV_MODULE_DIR is honoured
 * only when it is safe to: never in a set-user-ID or set-group-ID
 * program (secure_getenv), only as an absolute path (".", a relative
 * path, would load whatever the current folder holds), and only when
 * that folder and the module in it belong to root or to the user
 * running newsconv and no one else can write them.  Otherwise the run
 * stops with a line saying why: a module asked for and silently
 * replaced would be as confusing.  A module whose nc_module_abi differs
 * from the program's (another build) is refused in the same way. */
#define _GNU_SOURCE /* secure_getenv */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	char why[700];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[MAX_MODULES];
static size_t nslots;

static const struct nc_module_abi program_abi = NC_MODULE_ABI_INIT;

/* Built for this program?  Else why says so, and false. */
static bool abi_matches(void *h, const char *path, struct slot *s)
{
	const struct nc_module_abi *a = dlsym(h, "nc_module_abi");
	if (a && memcmp(a, &program_abi, sizeof *a) == 0)
		return true;
	if (!a)
		snprintf(s->why, sizeof s->why, "%.400s was built for another version of newsconv "
			 "(it says nothing of its interface); refused", path);
	else
		snprintf(s->why, sizeof s->why, "%.400s was built for another version of newsconv "
			 "(interface %u, this program %u, or structures of other sizes); refused",
			 path, a->version, program_abi.version);
	return false;
}

/* dir/file.  *stop: the search ends here (a module found but refused,
 * why set); a failure's dlerror() goes to why when the file is there
 * (a broken module says more than a missing one) or why is empty. */
static void *try_dir(const char *dir, size_t dirlen, const char *file, struct slot *s, bool *stop)
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
	if (h && !abi_matches(h, path, s)) {
		dlclose(h);
		*stop = true;
		return NULL;
	}
	return h;
}

/* Owned by root or by this user, and writable by no one else. */
static bool trusted(const char *path, struct stat *st)
{
	return stat(path, st) == 0 && (st->st_uid == 0 || st->st_uid == geteuid()) &&
	       !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* NEWSCONV_MODULE_DIR when it may be used for `file`; NULL when unset;
 * *stop with why set when it is set but unsafe. */
static const char *env_dir(const char *file, struct slot *s, bool *stop)
{
	const char *env = secure_getenv("NEWSCONV_MODULE_DIR");
	if (!env || !*env)
		return NULL;
	char path[PATH_MAX];
	struct stat st;
	const char *why = NULL;
	if (env[0] != '/')
		why = "is not an absolute path";
	else if (!trusted(env, &st) || !S_ISDIR(st.st_mode))
		why = "is not a folder of root or of this user that only its owner can write";
	else if (snprintf(path, sizeof path, "%s/%s", env, file) >= (int)sizeof path)
		why = "is too long";
	else if (access(path, F_OK) == 0 && (!trusted(path, &st) || !S_ISREG(st.st_mode)))
		why = "holds a module that is not a file of root or of this user that only its owner can write";
	if (!why)
		return env;
	snprintf(s->why, sizeof s->why, "NEWSCONV_MODULE_DIR '%.200s' %s; not used", env, why);
	*stop = true;
	return NULL;
}

static void *open_module(const char *file, struct slot *s)
{
	bool stop = false;
	const char *env = env_dir(file, s, &stop);
	void *h = env ? try_dir(env, strlen(env), file, s, &stop) : NULL;
	char exe[PATH_MAX];
	ssize_t n = h || stop ? 0 : readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			h = try_dir(exe, (size_t)(slash - exe), file, s, &stop);
	}
	if (!h && !stop)
		h = try_dir(NC_MODULE_DIR, strlen(NC_MODULE_DIR), file, s, &stop);
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
