/* names.c - what outputs are called, and when two names are one file.
 *
 * An input's output is named after it ("dir/name.txt" -> "OUTDIR/name"
 * + ext, or "dir/name" + ext beside it); a feed's items after their date
 * and title.  Two outputs are the same file when their directories are
 * (device and inode of the nearest existing one) and the rest of the
 * path is: "a/x.md", "./a/x.md" and "l/x.md" with l a link to a are one
 * (names_key).  --shard keeps the inputs whose outputs would share a
 * name together (names_group_key), so that the one shard that has them
 * all decides as one run would. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "util/text.h"

/* An item of a many-document input (a feed) is named from its date and
 * title: "2024-03-01-some-title", CJK kept; "" when it has neither. */
static void put_item_name(struct nc_buf *b, const struct nc_doc *d)
{
	const char *t = d->meta.date; /* "2024-01-02T03:04:05Z" */
	size_t before = b->len;
	if (t && strlen(t) >= 10 && t[4] == '-' && t[7] == '-')
		nc_buf_put(b, t, 10);
	size_t dated = b->len;
	if (dated > before)
		nc_buf_putc(b, '-');
	size_t titled = b->len;
	nc_slug(b, d->meta.title_raw ? d->meta.title : NULL, 120);
	if (b->len == titled)
		b->len = dated; /* no title: no dash after the date either */
}

/* "dir/name.txt" -> "OUTDIR/name" + ext (or "dir/name" + ext); a feed's
 * items by date and title, else numbered (feed-001.md ...). */
char *names_output(const char *input, const char *outdir, const char *ext,
			 const struct nc_doc *d, size_t item, size_t items)
{
	bool url = url_input_is(input);
	const char *base = strrchr(input, '/');
	base = base && !url ? base + 1 : input;
	struct nc_buf b = {0};
	if (outdir) {
		nc_buf_puts(&b, outdir);
		if (b.len && b.data[b.len - 1] != '/')
			nc_buf_putc(&b, '/');
	} else if (!url) {
		nc_buf_put(&b, input, (size_t)(base - input));
	}
	size_t dir = b.len;
	if (items > 1)
		put_item_name(&b, d);
	if (b.len == dir) {
		if (url)
			url_input_put_stem(&b, input);
		else if (strcmp(input, "-") == 0)
			nc_buf_puts(&b, "stdin");
		else {
			const char *dot = strrchr(base, '.');
			nc_buf_put(&b, base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
		}
		if (items > 1)
			nc_buf_printf(&b, "-%03zu", item + 1);
	}
	nc_buf_puts(&b, ext);
	if (b.oom) {
		nc_buf_free(&b);
		return NULL;
	}
	return nc_buf_detach(&b, NULL);
}

/* Two items of feeds with the same date and title: the later gets "-2",
 * "-3" ... before the extension. */
char *names_variant(const char *path, const char *ext, unsigned n)
{
	size_t stem = strlen(path) - strlen(ext);
	struct nc_buf b = {0};
	nc_buf_put(&b, path, stem);
	nc_buf_printf(&b, "-%u%s", n, ext);
	return b.oom ? (nc_buf_free(&b), NULL) : nc_buf_detach(&b, NULL);
}

/* path's directory part, lexically tidied: "./a//b/" -> "a/b", "" for
 * the current directory.  ".." is kept (a link may stand before it). */
static void put_tidy_dir(struct nc_buf *b, const char *path, size_t len)
{
	size_t start = b->len;
	bool rooted = len && path[0] == '/';
	if (rooted)
		nc_buf_putc(b, '/');
	for (size_t i = 0; i < len;) {
		size_t k = i;
		while (k < len && path[k] != '/')
			k++;
		size_t n = k - i;
		if (n && !(n == 1 && path[i] == '.')) {
			if (b->len > start + rooted)
				nc_buf_putc(b, '/');
			nc_buf_put(b, path + i, n);
		}
		i = k + 1;
	}
}

int names_group_key(struct nc_buf *key, const char *input, const char *outdir)
{
	nc_buf_truncate(key, 0);
	if (strcmp(input, "-") == 0)
		return -1;
	bool url = url_input_is(input);
	const char *base = strrchr(input, '/');
	base = base && !url ? base + 1 : input;
	if (outdir)
		put_tidy_dir(key, outdir, strlen(outdir));
	else if (!url)
		put_tidy_dir(key, input, (size_t)(base - input));
	nc_buf_putc(key, '\0'); /* no stem can end a directory's name */
	if (url) {
		url_input_put_stem(key, input);
	} else {
		const char *dot = strrchr(base, '.');
		nc_buf_put(key, base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
	}
	return key->oom ? -1 : 0;
}

int names_key(struct nc_buf *key, const char *path, struct names_cache *cache)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = !slash ? strdup(".") : slash == path ? strdup("/")
		  : strndup(path, (size_t)(slash - path));
	if (!dir)
		return -1;
	nc_buf_truncate(key, 0);
	if (cache->dir && strcmp(cache->dir, dir) == 0) {
		free(dir);
	} else {
		/* The nearest directory that exists, then the rest as written. */
		struct nc_buf rest = {0};
		struct stat st;
		size_t cut = strlen(dir);
		for (;;) {
			char keep = dir[cut];
			dir[cut] = '\0';
			int ok = stat(cut ? dir : ".", &st) == 0;
			dir[cut] = keep;
			if (ok)
				break;
			if (cut == 0) {
				free(dir);
				return -1;
			}
			while (cut > 0 && dir[cut - 1] != '/')
				cut--; /* the last component off */
			while (cut > 1 && dir[cut - 1] == '/')
				cut--; /* its slashes too, but "/" itself */
		}
		size_t from = cut;
		while (dir[from] == '/')
			from++;
		nc_buf_free(&cache->prefix);
		nc_buf_printf(&cache->prefix, "%llx:%llx/", (unsigned long long)st.st_dev,
			      (unsigned long long)st.st_ino);
		put_tidy_dir(&rest, dir + from, strlen(dir) - from);
		if (rest.len) {
			nc_buf_put(&cache->prefix, rest.data, rest.len);
			nc_buf_putc(&cache->prefix, '/');
		}
		nc_buf_free(&rest);
		free(cache->dir);
		cache->dir = dir;
		if (cache->prefix.oom)
			return -1;
	}
	nc_buf_put(key, cache->prefix.data, cache->prefix.len);
	nc_buf_puts(key, base);
	return key->oom ? -1 : 0;
}

void names_cache_free(struct names_cache *cache)
{
	free(cache->dir);
	nc_buf_free(&cache->prefix);
	memset(cache, 0, sizeof *cache);
}
