/*
 * main.c - the newsconv command line: options, the batch loop, output
 * files, exit codes.  Everything about formats lives in the library;
 * this file only decides which inputs go to which output file and
 * makes sure an output is either complete or absent (temp + rename).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "newsconv.h"
#include "util/buf.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

struct cli {
	const struct nc_format *format;
	const char *output;      /* -o */
	const char *outdir;      /* -O */
	int verbosity;           /* -1 quiet, 0 normal, 1 verbose */
	bool fetch;
	bool strict;
	int gzip;                /* -1 auto, 0 no, 1 yes */
	struct nc_fetch_opts fo;
	struct nc_write_opts wo;
	struct nc_buf options_text;
};

static const char *progname = "newsconv";

static void usage(FILE *f)
{
	fprintf(f,
"Usage: newsconv --to FORMAT [options] FILE...\n"
"Convert news articles stored as front-matter HTML (YAML or JSON front\n"
"matter followed by an HTML body) to EPUB, Markdown, WARC or JSON.\n"
"FILE may be - for standard input.\n"
"\n"
"Formats (--to):\n"
"  md      CommonMark + GFM tables, YAML front matter first\n"
"  epub    EPUB 3 e-book; several inputs with -o make one book\n"
"  warc    WARC 1.1 archive (.warc.gz: one gzip member per record)\n"
"  json    the whole document model, for pipelines and tests\n"
"\n"
"Output:\n"
"  -o FILE            write to FILE (- = standard output); several inputs\n"
"                     go into one book or archive\n"
"  -O DIR             one output per input in DIR, named after the input\n"
"                     (default: next to each input, e.g. a.txt -> a.epub)\n"
"  -q, --quiet        print errors only\n"
"  -v, --verbose      also say what was written\n"
"\n"
"Books (epub):\n"
"  --sort date|input|newest   chapter order (default: date, oldest first)\n"
"  --title TEXT  --author TEXT  --lang TAG  --cover IMAGE\n"
"\n"
"Images:\n"
"  --fetch-images              download the images so outputs are complete\n"
"  --jobs N                    transfers at once (default 8, 4 per host)\n"
"  --max-image-size BYTES      per image (default 20000000)\n"
"  --timeout SECONDS           per transfer (default 60; retried 3 times)\n"
"  --user-agent TEXT           (default newsconv/" NC_VERSION ")\n"
"  --referer URL|source        send a Referer (default: none)\n"
"  --proxy URL                 fetch through this proxy (default: none;\n"
"                              http_proxy and friends are ignored)\n"
"  --allow-private-network     allow loopback and private addresses\n"
"  --allow-loopback            allow 127.0.0.1 / ::1 only (a local server)\n"
"  --cache-dir DIR             (default $XDG_CACHE_HOME/newsconv)\n"
"  --no-cache                  neither read nor write the cache\n"
"  --offline                   images from the cache only (implies\n"
"                              --fetch-images; no network)\n"
"  --strict                    a missing image makes the exit code 1\n"
"\n"
"Archives (warc):\n"
"  --gzip, --no-gzip           compress each record (default: when the\n"
"                              output name ends in .gz)\n"
"  --cdx FILE                  also write a CDXJ index\n"
"\n"
"  -h, --help  --version\n"
"\n"
"Exit status: 0 success, 1 some input failed (the others are still\n"
"converted), 2 usage error.  SOURCE_DATE_EPOCH makes outputs reproducible.\n");
}

static void say(const char *file, const char *level, const char *msg)
{
	if (level)
		fprintf(stderr, "%s: %s: %s: %s\n", progname, file, level, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", progname, file, msg);
}

static void report(const struct nc_err *err, const char *fallback)
{
	fprintf(stderr, "%s: %s: %s\n", progname,
		err->where[0] ? err->where : fallback,
		err->msg[0] ? err->msg : "failed");
}

/* ---- reading inputs --------------------------------------------------- */

static int slurp(const char *path, unsigned char **data, size_t *len,
		 struct nc_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return nc_err_set(err, NC_ERR_IO, path, "cannot open: %s", strerror(errno));
	struct stat st;
	if (f != stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return nc_err_set(err, NC_ERR_IO, path, "is a directory");
	}
	struct nc_buf b = {0};
	char chunk[65536];
	size_t n;
	int rc = NC_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > NC_MAX_INPUT_BYTES) {
			rc = nc_err_set(err, NC_ERR_LIMIT, path,
					"larger than the %u MB limit",
					NC_MAX_INPUT_BYTES / (1024u * 1024u));
			goto out;
		}
		if (nc_buf_put(&b, chunk, n)) {
			rc = nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
			goto out;
		}
	}
	if (ferror(f))
		rc = nc_err_set(err, NC_ERR_IO, path, "read error: %s", strerror(errno));
out:
	if (f != stdin)
		fclose(f);
	if (rc) {
		nc_buf_free(&b);
		return rc;
	}
	if (!b.data)
		nc_buf_reserve(&b, 0);
	*data = (unsigned char *)nc_buf_detach(&b, len);
	if (!*data)
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	return NC_OK;
}

static void print_warnings(const struct cli *c, const struct nc_doc *d,
			   const char *file, size_t *printed)
{
	for (size_t i = *printed; i < d->nwarnings; i++)
		if (c->verbosity >= 0)
			say(file, "warning", d->warnings[i]);
	*printed = d->nwarnings;
}

/* ---- writing outputs -------------------------------------------------- */

static int mkdirs_for(const char *path, struct nc_err *err)
{
	char *dir = strdup(path);
	if (!dir)
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return NC_OK;
	}
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
				int rc = nc_err_set(err, NC_ERR_IO, dir,
						    "cannot create directory: %s", strerror(errno));
				free(dir);
				return rc;
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	free(dir);
	return NC_OK;
}

/* Write to PATH.tmp-XXXXXX in the same directory, then rename, so a
 * reader of PATH sees the old file or the complete new one. */
static int write_atomic(const char *path, const void *data, size_t len,
			struct nc_err *err)
{
	if (mkdirs_for(path, err))
		return err->code;
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	snprintf(tmp, n, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int rc = nc_err_set(err, NC_ERR_IO, path, "cannot create: %s", strerror(errno));
		free(tmp);
		return rc;
	}
	const unsigned char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		left -= (size_t)w;
	}
	/* mkstemp makes 0600; an output is an ordinary file. */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	return NC_OK;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return nc_err_set(err, NC_ERR_IO, path, "cannot write: %s", strerror(e));
}

static int write_stdout(const void *data, size_t len, struct nc_err *err)
{
	if (len && fwrite(data, 1, len, stdout) != len)
		return nc_err_set(err, NC_ERR_IO, "-", "cannot write to standard output");
	if (fflush(stdout) != 0)
		return nc_err_set(err, NC_ERR_IO, "-", "cannot write to standard output");
	return NC_OK;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return false;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* "dir/name.txt" -> "OUTDIR/name" + ext (or "dir/name" + ext). */
static char *output_name(const char *input, const char *outdir, const char *ext)
{
	const char *base = strrchr(input, '/');
	base = base ? base + 1 : input;
	size_t stem = strlen(base);
	const char *dot = strrchr(base, '.');
	if (dot && dot != base)
		stem = (size_t)(dot - base);
	struct nc_buf b = {0};
	if (outdir) {
		nc_buf_puts(&b, outdir);
		if (b.len && b.data[b.len - 1] != '/')
			nc_buf_putc(&b, '/');
	} else {
		nc_buf_put(&b, input, (size_t)(base - input));
	}
	if (strcmp(input, "-") == 0)
		nc_buf_puts(&b, "stdin");
	else
		nc_buf_put(&b, base, stem);
	nc_buf_puts(&b, ext);
	return nc_buf_detach(&b, NULL);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Convert `docs` with the chosen format into `path` (NULL = stdout). */
static int emit(struct cli *c, struct nc_doc *const *docs, size_t n,
		const char *path, char *const *inputs, size_t ninputs)
{
	struct nc_err err = {0};
	struct nc_output out = {0};
	int rc = NC_OK;

	for (size_t i = 0; path && i < ninputs; i++) {
		if (same_file(path, inputs[i])) {
			rc = nc_err_set(&err, NC_ERR_USAGE, path,
					"refusing to overwrite an input file");
			goto done;
		}
	}

	struct nc_write_opts wo = c->wo;
	wo.output_path = path;
	wo.gzip = c->gzip == 1 || (c->gzip == -1 && path && ends_with(path, ".gz"));
	rc = c->format->write(docs, n, &wo, &out, &err);
	if (rc)
		goto done;
	for (size_t i = 0; i < out.nnotes; i++)
		if (c->verbosity >= 0)
			say(path ? path : "-", NULL, out.notes[i]);
	for (size_t i = 0; i < out.nside; i++) {
		rc = write_atomic(out.side[i].path, out.side[i].data, out.side[i].size, &err);
		if (rc)
			goto done;
	}
	rc = path ? write_atomic(path, out.data, out.size, &err)
		  : write_stdout(out.data, out.size, &err);
	if (!rc && path && c->verbosity > 0)
		fprintf(stderr, "%s: wrote %s (%zu bytes)\n", progname, path, out.size);
done:
	if (rc)
		report(&err, path ? path : "-");
	nc_output_free(&out);
	return rc;
}

/* ---- options ---------------------------------------------------------- */

enum {
	OPT_TO = 256, OPT_VERSION, OPT_SORT, OPT_TITLE, OPT_AUTHOR, OPT_LANG,
	OPT_COVER, OPT_FETCH, OPT_JOBS, OPT_MAXSIZE, OPT_UA, OPT_REFERER,
	OPT_PRIVATE, OPT_CACHE, OPT_NOCACHE, OPT_OFFLINE, OPT_STRICT, OPT_CDX,
	OPT_GZIP, OPT_NOGZIP, OPT_LOOPBACK, OPT_TIMEOUT, OPT_PROXY
};

static const struct option long_opts[] = {
	{"to", required_argument, NULL, OPT_TO},
	{"output", required_argument, NULL, 'o'},
	{"output-dir", required_argument, NULL, 'O'},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{"sort", required_argument, NULL, OPT_SORT},
	{"title", required_argument, NULL, OPT_TITLE},
	{"author", required_argument, NULL, OPT_AUTHOR},
	{"lang", required_argument, NULL, OPT_LANG},
	{"cover", required_argument, NULL, OPT_COVER},
	{"fetch-images", no_argument, NULL, OPT_FETCH},
	{"jobs", required_argument, NULL, OPT_JOBS},
	{"max-image-size", required_argument, NULL, OPT_MAXSIZE},
	{"user-agent", required_argument, NULL, OPT_UA},
	{"referer", required_argument, NULL, OPT_REFERER},
	{"proxy", required_argument, NULL, OPT_PROXY},
	{"allow-private-network", no_argument, NULL, OPT_PRIVATE},
	{"allow-loopback", no_argument, NULL, OPT_LOOPBACK},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"cache-dir", required_argument, NULL, OPT_CACHE},
	{"no-cache", no_argument, NULL, OPT_NOCACHE},
	{"offline", no_argument, NULL, OPT_OFFLINE},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"cdx", required_argument, NULL, OPT_CDX},
	{"gzip", no_argument, NULL, OPT_GZIP},
	{"no-gzip", no_argument, NULL, OPT_NOGZIP},
	{NULL, 0, NULL, 0}
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", progname);
	return EXIT_USAGE;
}

static bool parse_size(const char *s, unsigned long long *v)
{
	char *end;
	errno = 0;
	if (!*s || *s == '-')
		return false;
	*v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* The options that shape the output, for the WARC's warcinfo record.
 * Values that are local paths are left out on purpose. */
static void note_option(struct cli *c, const char *name, const char *value)
{
	if (c->options_text.len)
		nc_buf_putc(&c->options_text, ' ');
	nc_buf_puts(&c->options_text, name);
	if (value)
		nc_buf_printf(&c->options_text, "=%s", value);
}

static int parse_args(struct cli *c, int argc, char **argv)
{
	int opt;
	unsigned long long v;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:O:qvh", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_TO:
			if (!(c->format = nc_format_find(optarg)))
				return usage_error("unknown format '%s' (md, epub, warc, json)", optarg);
			note_option(c, "--to", optarg);
			break;
		case 'o': c->output = optarg; break;
		case 'O': c->outdir = optarg; break;
		case 'q': c->verbosity = -1; c->wo.quiet = true; break;
		case 'v': c->verbosity = 1; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case OPT_VERSION:
			printf("newsconv %s\n", NC_VERSION);
			exit(EXIT_OK);
		case OPT_SORT:
			if (strcmp(optarg, "date") == 0) c->wo.sort = NC_SORT_DATE;
			else if (strcmp(optarg, "input") == 0) c->wo.sort = NC_SORT_INPUT;
			else if (strcmp(optarg, "newest") == 0) c->wo.sort = NC_SORT_NEWEST;
			else return usage_error("--sort: '%s' is not date, input or newest", optarg);
			note_option(c, "--sort", optarg);
			break;
		case OPT_TITLE: c->wo.title = optarg; break;
		case OPT_AUTHOR: c->wo.author = optarg; break;
		case OPT_LANG: c->wo.lang = optarg; note_option(c, "--lang", optarg); break;
		case OPT_COVER: c->wo.cover_file = optarg; break;
		case OPT_FETCH: c->fetch = true; note_option(c, "--fetch-images", NULL); break;
		case OPT_JOBS:
			if (!parse_size(optarg, &v) || v < 1 || v > 256)
				return usage_error("--jobs: '%s' is not a number from 1 to 256", optarg);
			c->fo.jobs = (int)v;
			break;
		case OPT_MAXSIZE:
			if (!parse_size(optarg, &v) || v < 1)
				return usage_error("--max-image-size: '%s' is not a positive number of bytes", optarg);
			c->fo.max_image_size = (size_t)v;
			note_option(c, "--max-image-size", optarg);
			break;
		case OPT_UA: c->fo.user_agent = optarg; note_option(c, "--user-agent", optarg); break;
		case OPT_REFERER: c->fo.referer = optarg; note_option(c, "--referer", optarg); break;
		case OPT_PROXY: c->fo.proxy = optarg; break;
		case OPT_PRIVATE: c->fo.allow_private = true; break;
		case OPT_LOOPBACK: c->fo.allow_loopback = true; break;
		case OPT_TIMEOUT:
			if (!parse_size(optarg, &v) || v < 1 || v > 3600)
				return usage_error("--timeout: '%s' is not a number of seconds from 1 to 3600", optarg);
			c->fo.total_timeout_ms = (long)v * 1000;
			if (c->fo.connect_timeout_ms > c->fo.total_timeout_ms)
				c->fo.connect_timeout_ms = c->fo.total_timeout_ms;
			break;
		case OPT_CACHE: c->fo.cache_dir = optarg; break;
		case OPT_NOCACHE: c->fo.no_cache = true; break;
		case OPT_OFFLINE: /* images from the cache: implies fetching them */
			c->fo.offline = true;
			c->fetch = true;
			note_option(c, "--offline", NULL);
			break;
		case OPT_STRICT: c->strict = true; break;
		case OPT_CDX: c->wo.cdx_path = optarg; break;
		case OPT_GZIP: c->gzip = 1; break;
		case OPT_NOGZIP: c->gzip = 0; break;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		case '?':
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!c->format)
		return usage_error("%s", "no output format: say --to md, epub, warc or json");
	if (optind >= argc)
		return usage_error("%s", "no input files");
	if (c->output && c->outdir)
		return usage_error("%s", "-o and -O cannot be used together");
	if (c->fo.offline && c->fo.no_cache)
		return usage_error("%s", "--offline needs the cache; drop --no-cache");
	if (c->wo.cdx_path && c->format != &nc_format_warc)
		return usage_error("%s", "--cdx only applies to --to warc");
	return -1;
}

static bool read_epoch(int64_t *epoch)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "%s: SOURCE_DATE_EPOCH: '%s' is not a number of seconds, ignored\n",
			progname, s);
		return false;
	}
	*epoch = v;
	return true;
}

static int run(struct cli *c, int argc, char **argv);

/* ---- reading inputs, on both cores ------------------------------------ */

struct slot {
	const char *name;
	struct nc_doc *doc;
	struct nc_err err;
	int rc;
};

struct share {
	struct slot *slots;
	size_t n, first, step;
};

static void read_one(struct slot *s)
{
	unsigned char *data = NULL;
	size_t len = 0;
	s->rc = slurp(s->name, &data, &len, &s->err);
	if (!s->rc)
		s->rc = nc_read(s->name, data, len, &s->doc, &s->err);
	if (!s->rc)
		s->rc = nc_resolve(s->doc, &s->err);
	free(data);
}

static void *read_share(void *arg)
{
	struct share *sh = arg;
	for (size_t i = sh->first; i < sh->n; i += sh->step)
		read_one(&sh->slots[i]);
	return NULL;
}

/* Inputs are independent, so a second thread reads every other one.
 * Each document is built by one thread only; libxml2 is initialised
 * here first, as its thread-safety requires. */
static void read_all(struct slot *slots, size_t n)
{
	struct share odd = { slots, n, 1, 2 }, even = { slots, n, 0, 2 };
	pthread_t t;
	xmlInitParser();
	if (n >= 4 && pthread_create(&t, NULL, read_share, &odd) == 0) {
		read_share(&even);
		pthread_join(t, NULL);
		return;
	}
	struct share all = { slots, n, 0, 1 };
	read_share(&all);
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	c.gzip = -1;
	nc_fetch_opts_default(&c.fo);
	int rc = parse_args(&c, argc, argv);
	if (rc >= 0) {
		nc_buf_free(&c.options_text);
		return rc;
	}
	rc = run(&c, argc, argv);
	nc_buf_free(&c.options_text);
	return rc;
}

/* Everything after the options: read, fetch, write. */
static int run(struct cli *c_, int argc, char **argv)
{
	struct cli c = *c_;
	c.wo.have_epoch = read_epoch(&c.wo.epoch);
	c.wo.options_text = c.options_text.data ? c.options_text.data : "";
	c.fo.progress = !c.verbosity && isatty(STDERR_FILENO);
	c.fo.keep_exchange = c.format == &nc_format_warc;

	char **inputs = argv + optind;
	size_t ninputs = (size_t)(argc - optind);
	size_t nstdin = 0;
	for (size_t i = 0; i < ninputs; i++)
		nstdin += strcmp(inputs[i], "-") == 0;
	if (nstdin > 1)
		return usage_error("%s", "standard input (-) can be read only once");

	bool one_output = c.output != NULL;
	if (one_output && ninputs > 1 && !c.format->many_in_one)
		return usage_error("--to %s makes one file per input: use -O DIR for several inputs",
				   c.format->name);
	const char *single = c.output && strcmp(c.output, "-") == 0 ? NULL : c.output;
	if (!c.output && !c.outdir && nstdin)
		one_output = true, single = NULL; /* stdin alone goes to stdout */
	if (one_output && !single && isatty(STDOUT_FILENO) &&
	    (c.format == &nc_format_epub || (c.format == &nc_format_warc && c.gzip == 1)))
		return usage_error("%s", "refusing to write a binary format to a terminal; use -o FILE");

	struct nc_doc **docs = calloc(ninputs, sizeof *docs);
	char **names = calloc(ninputs, sizeof *names);
	if (!docs || !names) {
		free(docs);
		free(names);
		fprintf(stderr, "%s: out of memory\n", progname);
		return EXIT_INPUT;
	}
	size_t *printed = calloc(ninputs, sizeof *printed);
	size_t ndocs = 0;
	int exit_code = EXIT_OK;

	struct slot *slots = calloc(ninputs, sizeof *slots);
	if (!slots) {
		fprintf(stderr, "%s: out of memory\n", progname);
		free(docs);
		free(names);
		free(printed);
		return EXIT_INPUT;
	}
	for (size_t i = 0; i < ninputs; i++)
		slots[i].name = inputs[i];
	read_all(slots, ninputs);
	/* Messages in input order, whatever order the reading took. */
	for (size_t i = 0; i < ninputs; i++) {
		struct slot *sl = &slots[i];
		if (sl->rc == NC_OK) {
			print_warnings(&c, sl->doc, inputs[i], &printed[ndocs]);
			names[ndocs] = inputs[i];
			docs[ndocs++] = sl->doc;
		} else {
			report(&sl->err, inputs[i]);
			if (sl->doc) {
				size_t p = 0;
				print_warnings(&c, sl->doc, inputs[i], &p);
			}
			nc_doc_free(sl->doc);
			exit_code = EXIT_INPUT;
		}
	}
	free(slots);

	if (c.fetch && ndocs) {
		struct nc_err err = {0};
		struct nc_fetch_stats st = {0};
		if (nc_fetch(docs, ndocs, &c.fo, &st, &err) != NC_OK) {
			report(&err, "fetch");
			exit_code = EXIT_INPUT;
		}
		for (size_t i = 0; i < ndocs; i++)
			print_warnings(&c, docs[i], names[i], &printed[i]);
		if (c.verbosity >= 0 && st.total)
			fprintf(stderr, "%s: images: %zu fetched, %zu from cache, %zu failed (%llu bytes)\n",
				progname, st.fetched, st.cached, st.failed,
				(unsigned long long)st.bytes);
		if (c.strict && st.failed)
			exit_code = EXIT_INPUT;
	}

	if (one_output) {
		if (ndocs && emit(&c, docs, ndocs, single, inputs, ninputs) != NC_OK)
			exit_code = EXIT_INPUT;
	} else {
		for (size_t i = 0; i < ndocs; i++) {
			const char *ext = c.format->extension;
			if (c.format == &nc_format_warc && c.gzip == 1)
				ext = ".warc.gz";
			char *path = output_name(names[i], c.outdir, ext);
			if (!path || emit(&c, &docs[i], 1, path, inputs, ninputs) != NC_OK)
				exit_code = EXIT_INPUT;
			free(path);
		}
	}

	for (size_t i = 0; i < ndocs; i++)
		nc_doc_free(docs[i]);
	free(docs);
	free(names);
	free(printed);
	return exit_code;
}
