/* test_output.c - output.c's caches keep its promises (issue 20 scale
 * line): nc_out_mkdirs remembers the last directory it found, and
 * nc_fs_sync the last directory it synced, to spare a stat() per output;
 * an output into a directory removed since is still made, one written
 * in several buffers is whole, and one named again replaces the old. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "output.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 16];
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return buf;
}

static void path_in(char *out, size_t n, const char *root, const char *rest)
{
	snprintf(out, n, "%s/%s", root, rest);
}

/* The remembered directory went between two outputs: made again. */
static void dir_removed(const char *root)
{
	char x[512], y[512], d[512];
	path_in(x, sizeof x, root, "a/b/x.md");
	path_in(y, sizeof y, root, "a/b/y.md");
	path_in(d, sizeof d, root, "a/b");
	struct nc_err err = {0};
	CHECK(nc_out_write_file(x, "x\n", 2, &err) == NC_OK);
	CHECK(unlink(x) == 0 && rmdir(d) == 0);
	int rc = nc_out_write_file(y, "y\n", 2, &err);
	CHECK(rc == NC_OK); /* "removed directory: the second output is made" */
	size_t len = 0;
	const char *got = slurp(y, &len);
	CHECK(got && len == 2 && memcmp(got, "y\n", 2) == 0);
	/* A file where the directory was: refused, as before. */
	CHECK(unlink(y) == 0 && rmdir(d) == 0);
	FILE *f = fopen(d, "w");
	CHECK(f && fclose(f) == 0);
	CHECK(nc_out_write_file(y, "y\n", 2, &err) != NC_OK);
	CHECK(unlink(d) == 0);
}

/* Bytes past the stdio buffer, in odd pieces: all there, in order. */
static void big_output(const char *root)
{
	char p[512];
	path_in(p, sizeof p, root, "big.txt");
	static char want[40000];
	for (size_t i = 0; i < sizeof want; i++)
		want[i] = (char)('a' + i % 23);
	struct nc_out o;
	struct nc_err err = {0};
	CHECK(nc_out_open(&o, p, &err) == NC_OK);
	for (size_t at = 0, step = 1; at < sizeof want; at += step, step = step * 3 % 9001 + 1)
		fwrite(want + at, 1, at + step > sizeof want ? sizeof want - at : step, o.f);
	CHECK(nc_out_close(&o, false, &err) == NC_OK);
	CHECK(nc_out_commit(&o, &err) == NC_OK);
	size_t len = 0;
	const char *got = slurp(p, &len);
	CHECK(got && len == sizeof want && memcmp(got, want, len) == 0);
}

/* An unnamed output named through the /proc/self/fd descriptor: over a
 * free name, then over the old file (the link-then-rename path). */
static void replace_twice(const char *root)
{
	char p[512];
	path_in(p, sizeof p, root, "twice.md");
	struct nc_err err = {0};
	CHECK(nc_out_write_file(p, "first\n", 6, &err) == NC_OK);
	CHECK(nc_out_write_file(p, "second\n", 7, &err) == NC_OK);
	size_t len = 0;
	const char *got = slurp(p, &len);
	CHECK(got && len == 7 && memcmp(got, "second\n", 7) == 0);
}

/* Outputs alternating between two directories, then a directory gone:
 * each sync answers for its own path. */
static void bulk_sync(const char *root)
{
	char a[512], b[512], gone[512];
	path_in(a, sizeof a, root, "s1/x");
	path_in(b, sizeof b, root, "s2/x");
	path_in(gone, sizeof gone, root, "nowhere/x");
	struct nc_err err = {0};
	CHECK(nc_out_mkdirs(a, &err) == NC_OK && nc_out_mkdirs(b, &err) == NC_OK);
	struct nc_fs_sync s = {0};
	for (int i = 0; i < 6; i++)
		CHECK(nc_fs_sync(&s, i % 3 ? a : b, &err) == NC_OK);
	CHECK(s.n == 1); /* one file system, synced once */
	CHECK(nc_fs_sync(&s, gone, &err) != NC_OK);
	CHECK(nc_fs_sync(&s, a, &err) == NC_OK);
	nc_fs_sync_free(&s);
}

int main(void)
{
	char root[] = "/tmp/nc-test-output.XXXXXX";
	if (!mkdtemp(root))
		return 99;
	dir_removed(root);
	big_output(root);
	replace_twice(root);
	bulk_sync(root);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 99;
	return check_done("output");
}
