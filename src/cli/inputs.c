/* inputs.c - which files a run converts: the arguments (URLs as they
 * are, see url_input.c), directories walked recursively in sorted order,
 * --files-from lists, then the part that belongs to this --shard.
 * Linear in the number of inputs. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

#define MAX_WALK_DEPTH 64

static int push(struct inputs *in, const char *path, size_t len, bool walked)
{
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 64;
		struct input *v = realloc(in->v, cap * sizeof *v);
		if (!v)
			return NC_ERR_NOMEM;
		in->v = v;
		in->cap = cap;
	}
	char *p = malloc(len + 1);
	if (!p)
		return NC_ERR_NOMEM;
	memcpy(p, path, len);
	p[len] = '\0';
	in->v[in->n].path = p;
	in->v[in->n].walked = walked;
	in->n++;
	return NC_OK;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file under `dir`, in byte order of names, hidden files
 * and directories skipped, symbolic links to directories not followed
 * (no loops). */
/* The names in dir, hidden ones left out, in byte order: 0, or -1
 * (errno: cannot open) or -2 (out of memory), names freed. */
static int sorted_names(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	size_t cap = 0;
	struct dirent *e;
	int rc = 0;
	*names = NULL;
	*n = 0;
	errno = 0;
	while (!rc && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			char **v = realloc(*names, cap * sizeof *v);
			if (!v) {
				rc = -2;
				break;
			}
			*names = v;
		}
		if (!((*names)[*n] = strdup(e->d_name)))
			rc = -2;
		else
			(*n)++;
		errno = 0;
	}
	if (!rc && errno) /* a folder that could not be read to its end */
		rc = -1;
	int saved = errno;
	closedir(d);
	errno = saved;
	if (rc) {
		for (size_t i = 0; i < *n; i++)
			free((*names)[i]);
		free(*names);
		*names = NULL;
		*n = 0;
		return rc;
	}
	if (*n > 1) /* an empty folder (or one of hidden files) has no array: qsort(NULL) is UB */
		qsort(*names, *n, sizeof **names, cmp_names);
	return 0;
}

static int inode_of(const char *path, struct inode_id *id);

/* A walk: where inputs go, and what the run says. */
struct walker {
	struct inputs *in;
	const struct cli *c;
	/* This run's outputs, when they exist already (an earlier run's):
	 * never inputs.  have: which of them are set. */
	struct inode_id outdir, output, cdx;
	bool have_outdir, have_output, have_cdx;
};

static bool same_id(const struct stat *st, const struct inode_id *id)
{
	return (uint64_t)st->st_dev == id->dev && (uint64_t)st->st_ino == id->ino;
}

/* newsconv's own outputs met by a walk, by identity: the -O folder, the
 * -o file, the --cdx index.  Named with -v. */
static bool own_output(const struct walker *wk, const struct stat *st, const char *path)
{
	bool own = S_ISDIR(st->st_mode) ? wk->have_outdir && same_id(st, &wk->outdir)
		 : (wk->have_output && same_id(st, &wk->output)) || (wk->have_cdx && same_id(st, &wk->cdx));
	if (own && wk->c->verbosity > 0)
		fprintf(stderr, "%s: %s: an output of this run, not an input\n", nc_progname, path);
	return own;
}

static int walk(struct walker *wk, const char *dir, int depth);

/* One name of a walked directory: a subdirectory is walked (a symbolic
 * link to one is not followed), a regular file (or a link to one) taken.
 * An entry that cannot be examined (a folder that can be listed but not
 * searched, a path longer than the system allows) is an input lost:
 * said, and the exit code is 1.  A symbolic link to nothing is no input
 * (named with -v). */
static int walk_entry(struct walker *wk, const char *dir, const char *name, int depth,
		      struct nc_buf *path)
{
	nc_buf_truncate(path, 0);
	nc_buf_puts(path, dir);
	if (path->len && path->data[path->len - 1] != '/')
		nc_buf_putc(path, '/');
	nc_buf_puts(path, name);
	struct stat st;
	if (path->oom)
		goto oom;
	if (lstat(path->data, &st) != 0) {
		fprintf(stderr, "%s: %s: cannot examine, not converted: %s\n", nc_progname,
			path->data, strerror(errno));
		return EXIT_INPUT;
	}
	bool link = S_ISLNK(st.st_mode);
	if (link && stat(path->data, &st) != 0) {
		if (errno != ENOENT) {
			fprintf(stderr, "%s: %s: cannot follow this link, not converted: %s\n",
				nc_progname, path->data, strerror(errno));
			return EXIT_INPUT;
		}
		if (wk->c->verbosity > 0)
			fprintf(stderr, "%s: %s: a link to nothing, skipped\n", nc_progname, path->data);
		return EXIT_OK;
	}
	if (own_output(wk, &st, path->data))
		return EXIT_OK;
	if (S_ISDIR(st.st_mode))
		return link ? EXIT_OK : walk(wk, path->data, depth + 1);
	if (S_ISREG(st.st_mode) && push(wk->in, path->data, path->len, true))
		goto oom;
	return EXIT_OK;
oom:
	fprintf(stderr, "%s: %s: out of memory\n", nc_progname, dir);
	return EXIT_USAGE;
}

static int walk(struct walker *wk, const char *dir, int depth)
{
	if (depth > MAX_WALK_DEPTH) {
		fprintf(stderr, "%s: %s: deeper than %d directories, not walked\n",
			nc_progname, dir, MAX_WALK_DEPTH);
		return EXIT_INPUT;
	}
	char **names;
	size_t n;
	int got = sorted_names(dir, &names, &n);
	if (got == -1) {
		fprintf(stderr, "%s: %s: cannot read directory, not converted: %s\n", nc_progname, dir,
			strerror(errno));
		return EXIT_INPUT;
	}
	if (got == -2) {
		fprintf(stderr, "%s: %s: out of memory\n", nc_progname, dir);
		return EXIT_USAGE;
	}
	struct nc_buf path = {0};
	int rc = EXIT_OK;
	for (size_t i = 0; i < n && rc != EXIT_USAGE; i++) {
		int r = walk_entry(wk, dir, names[i], depth, &path);
		if (r)
			rc = r;
	}
	nc_buf_free(&path);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int add_arg(struct walker *wk, const char *arg)
{
	struct stat st;
	if (!url_input_is(arg) && strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return walk(wk, arg, 0);
	/* Files that do not exist are reported when read, in order. */
	if (push(wk->in, arg, strlen(arg), false)) {
		fprintf(stderr, "%s: out of memory\n", nc_progname);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int files_from(struct walker *wk, const char *list, bool nul)
{
	FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	if (!f) {
		fprintf(stderr, "%s: %s: cannot open: %s\n", nc_progname, list, strerror(errno));
		return EXIT_USAGE;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = EXIT_OK;
	while (rc != EXIT_USAGE && (len = getdelim(&line, &cap, nul ? '\0' : '\n', f)) > 0) {
		if (line[len - 1] == (nul ? '\0' : '\n'))
			line[--len] = '\0';
		if (!nul && len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0)
			continue;
		int r = add_arg(wk, line);
		if (r)
			rc = r;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: %s: cannot read: %s\n", nc_progname, list, strerror(errno));
		rc = EXIT_USAGE;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* nc_hash_stable() of the path as given (FNV-1a 64, then h ^ h >> 29;
 * README "Archive scale"): stable across runs, machines and versions,
 * unlike the map's seeded hash. */
uint64_t inputs_shard_hash(const char *path)
{
	return nc_hash_stable(path, strlen(path));
}

/* An input's group (names_group_key, hashed) and place. */
struct grouped { uint64_t group; size_t at; };

static int cmp_grouped(const void *pa, const void *pb)
{
	const struct grouped *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* Each input's shard hash: its path's, except that inputs whose outputs
 * would have one name (the same folder, or -O, and the same stem: a/x.txt
 * and a/x.md, or in/a/x.txt and in/b/x.txt with -O) all take the hash
 * of the first of them.  Then the one shard that has them decides, as
 * one run does, which keeps the name and which is refused (a shard
 * cannot see the others).  The groups depend only on the paths as
 * given and walked, so every shard on every machine agrees.  A hash
 * collision between two groups only puts them in one shard.  O(n log n);
 * NULL on OOM. */
/* Every input with a group key, sorted by group then place; *k of them.
 * Only for per-input outputs (with -o nothing shares a name).  -1 on OOM. */
static int group_inputs(const struct inputs *in, const struct cli *c, struct grouped **out, size_t *k)
{
	struct grouped *g = malloc((in->n ? in->n : 1) * sizeof *g);
	struct nc_buf key = {0};
	*k = 0;
	for (size_t j = 0; g && !c->output && j < in->n && !key.oom; j++)
		if (names_group_key(&key, in->v[j].path, c->outdir) == 0) {
			g[*k].group = nc_hash_stable(key.data, key.len);
			g[(*k)++].at = j;
		}
	bool oom = !g || key.oom;
	nc_buf_free(&key);
	if (oom) {
		free(g);
		return -1;
	}
	if (*k)
		qsort(g, *k, sizeof *g, cmp_grouped);
	*out = g;
	return 0;
}

static uint64_t *shard_hashes(const struct inputs *in, const struct cli *c)
{
	uint64_t *h = malloc((in->n ? in->n : 1) * sizeof *h);
	struct grouped *g;
	size_t k;
	if (!h || group_inputs(in, c, &g, &k)) {
		free(h);
		return NULL;
	}
	for (size_t j = 0; j < in->n; j++)
		h[j] = inputs_shard_hash(in->v[j].path);
	for (size_t j = 1; j < k; j++)
		if (g[j].group == g[j - 1].group)
			h[g[j].at] = h[g[j - 1].at]; /* sorted by place: the first's */
	free(g);
	return h;
}

/* Is the walked file `path` named as this run names an output, where
 * it would write one (its folder, or -O's), and does it begin as
 * newsconv's own output of that format: Markdown front matter opened by
 * a quoted title (write_md.c always quotes), JSON, a zip for EPUB?  Then
 * it is an earlier run's output, not an input.  A user's post a.md
 * beside a.txt is none of these and stays an input (and is refused as
 * an output).  WARC and WACZ outputs are archives newsconv reads: they
 * stay inputs. */
static bool earlier_output(const char *path, const struct cli *c)
{
	const char *ext = c->format->extension;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t n = strlen(base), e = strlen(ext);
	if (n <= e || strcmp(base + n - e, ext) != 0)
		return false;
	if (c->outdir) {
		struct nc_buf a = {0}, b = {0};
		names_group_key(&a, path, NULL);
		names_group_key(&b, "x", c->outdir);
		bool inside = a.data && b.data && !strcmp(a.data, b.data); /* the folder parts, up to the NUL */
		nc_buf_free(&a);
		nc_buf_free(&b);
		if (!inside)
			return false;
	}
	unsigned char head[4096];
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(head, 1, sizeof head - 1, f) : 0;
	if (f)
		fclose(f);
	head[got] = '\0';
	if (c->format == &nc_format_md)
		return got > 12 && !memcmp(head, "---\ntitle: \"", 12);
	if (c->format == &nc_format_json)
		return got && (head[0] == '{' || head[0] == '[');
	if (c->format == &nc_format_epub)
		return got >= 4 && !memcmp(head, "PK\3\4", 4);
	return false;
}

/* An earlier run's outputs met by the walk where this run writes them
 * again (the same command run twice): not inputs, so the run refreshes
 * them.  That is a file sharing a group with another input (whose
 * output it would be), or one whose own output would be itself (a.md
 * under --to md: an earlier `-O` folder walked again).  Only walked
 * files named with the output's extension are read (4 KB each). */
static int drop_earlier_outputs(struct inputs *in, const struct cli *c)
{
	struct grouped *g;
	size_t k, dropped = 0;
	if (group_inputs(in, c, &g, &k))
		return -1;
	for (size_t j = 0; j < k; j++) {
		struct input *x = &in->v[g[j].at];
		if (!x->walked || !earlier_output(x->path, c))
			continue;
		if (c->verbosity > 0)
			fprintf(stderr, "%s: %s: an earlier output of this command, refreshed\n",
				nc_progname, x->path);
		free(x->path);
		x->path = NULL;
		dropped++;
	}
	free(g);
	if (dropped) {
		size_t kept = 0;
		for (size_t j = 0; j < in->n; j++)
			if (in->v[j].path)
				in->v[kept++] = in->v[j];
		in->n = kept;
	}
	return 0;
}

static int keep_shard(struct inputs *in, const struct cli *c)
{
	uint64_t *h = shard_hashes(in, c);
	if (!h)
		return -1;
	size_t k = 0;
	for (size_t j = 0; j < in->n; j++) {
		if (h[j] % c->shard_n == c->shard_i)
			in->v[k++] = in->v[j];
		else
			free(in->v[j].path);
	}
	in->n = k;
	free(h);
	return 0;
}

static int inode_of(const char *path, struct inode_id *id)
{
	struct stat st;
	if (strcmp(path, "-") == 0 || url_input_is(path) || stat(path, &st) != 0)
		return -1;
	id->dev = (uint64_t)st.st_dev;
	id->ino = (uint64_t)st.st_ino;
	return 0;
}

static int cmp_inode(const void *pa, const void *pb)
{
	const struct inode_id *a = pa, *b = pb;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	return a->ino < b->ino ? -1 : a->ino > b->ino;
}

/* An input's identity and its place, to find the same file given twice:
 * the same file under the same name.  Hard links under other names stay
 * inputs of their own (they name outputs of their own). */
struct placed { struct inode_id id; const char *name; size_t at; };

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int cmp_same(const struct placed *a, const struct placed *b)
{
	int c = cmp_inode(&a->id, &b->id);
	return c ? c : strcmp(a->name, b->name);
}

static int cmp_placed(const void *pa, const void *pb)
{
	const struct placed *a = pa, *b = pb;
	int c = cmp_same(a, b);
	return c ? c : a->at < b->at ? -1 : a->at > b->at;
}

/* One stat per input, once, over every input of the run (before the
 * shard split: a shard must refuse to overwrite another shard's input
 * just as one run does).  The same file reached twice (a folder and a
 * file in it, "./x" and "x", overlapping lists) is kept once, where it
 * came first.  In input order, then sorted: O(n log n). */
static int collect_inodes(struct inputs *in, const struct cli *c)
{
	struct placed *p = in->n ? malloc(in->n * sizeof *p) : NULL;
	if (in->n && (!p || !(in->inodes = malloc(in->n * sizeof *in->inodes)))) {
		free(p);
		return -1;
	}
	size_t k = 0;
	for (size_t i = 0; i < in->n; i++)
		if (inode_of(in->v[i].path, &p[k].id) == 0) {
			p[k].name = base_name(in->v[i].path);
			p[k++].at = i;
		}
	if (k)
		qsort(p, k, sizeof *p, cmp_placed);
	size_t u = 0, first = 0; /* first: the kept one of the current run of equals */
	for (size_t i = 0; i < k; i++) {
		if (i && cmp_same(&p[i], &p[first]) == 0) {
			struct input *dup = &in->v[p[i].at];
			if (c->verbosity > 0)
				fprintf(stderr, "%s: %s: given twice; converted once\n", nc_progname, dup->path);
			free(dup->path);
			dup->path = NULL; /* p[i].name is not read again */
			continue;
		}
		first = i;
		if (!u || cmp_inode(&p[i].id, &in->inodes[u - 1]) != 0)
			in->inodes[u++] = p[i].id;
	}
	free(p);
	in->ninodes = u;
	size_t kept = 0;
	for (size_t i = 0; i < in->n; i++)
		if (in->v[i].path)
			in->v[kept++] = in->v[i];
	in->n = kept;
	return 0;
}

int inputs_collect(struct inputs *in, const struct cli *c, char **args, size_t nargs)
{
	int rc = EXIT_OK;
	struct walker wk = { .in = in, .c = c };
	wk.have_outdir = c->outdir && inode_of(c->outdir, &wk.outdir) == 0;
	wk.have_output = c->output && strcmp(c->output, "-") && inode_of(c->output, &wk.output) == 0;
	wk.have_cdx = c->wo.cdx_path && inode_of(c->wo.cdx_path, &wk.cdx) == 0;
	for (size_t i = 0; i < nargs && rc != EXIT_USAGE; i++) {
		int r = add_arg(&wk, args[i]);
		if (r)
			rc = r;
	}
	if (c->files_from && rc != EXIT_USAGE) {
		int r = files_from(&wk, c->files_from, c->nul);
		if (r)
			rc = r;
	}
	if (rc == EXIT_USAGE)
		return rc;
	if (drop_earlier_outputs(in, c) || collect_inodes(in, c)) {
		fprintf(stderr, "%s: out of memory\n", nc_progname);
		return EXIT_USAGE;
	}
	if (c->shard_n && keep_shard(in, c)) {
		fprintf(stderr, "%s: out of memory\n", nc_progname);
		return EXIT_USAGE;
	}
	return rc;
}

bool inputs_contain(const struct inputs *in, const char *path)
{
	struct inode_id id;
	return in->ninodes && inode_of(path, &id) == 0 &&
	       bsearch(&id, in->inodes, in->ninodes, sizeof id, cmp_inode) != NULL;
}

void inputs_free(struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->v[i].path);
	free(in->v);
	free(in->inodes);
	memset(in, 0, sizeof *in);
}
