/*
 * main.c - the newsconv command line: options, and which inputs go to
 * which output.  Inputs are collected in cli/inputs.c, converted on
 * every core in cli/batch.c and written through cli/files.c, so that an
 * output is either complete or absent.  Formats live in the library.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/lang.h"
#include "write_warc.h"

#define progname nc_progname

static void usage(FILE *f)
{
	fprintf(f,
"Usage: newsconv --to FORMAT [options] FILE|DIR|URL...\n"
"Convert news articles stored as front-matter HTML (YAML or JSON front\n"
"matter followed by an HTML body), front-matter Markdown posts and RSS or\n"
"Atom feeds to EPUB, Markdown, WARC, WACZ or JSON.\n"
"FILE may be - for standard input.  A DIR is walked recursively in sorted\n"
"order; hidden files are skipped, and so are files that do not start\n"
"with front matter, HTML markup or a feed's XML, and are no WARC or\n"
"WACZ archive.\n"
"A URL (http:// or https:// only) is fetched under the image fetcher's\n"
"rules below (address checks, redirects checked hop by hop, 64 MB limit,\n"
"cache, --offline) and read like a file; the final URL is the base of\n"
"its relative links.  Its output goes to the current directory, named\n"
"after the last path segment (.../feed.xml -> feed.epub) or the host.\n"
"\n"
"Inputs (--from, default auto: decided from the bytes):\n"
"  md      Hexo/Jekyll/Hugo post: front matter (YAML, TOML, JSON) followed\n"
"          by a CommonMark + GFM body\n"
"  html    front matter (YAML, JSON) followed by an HTML body, or a page\n"
"  feed    RSS 0.9x/1.0/2.0 or Atom 1.0 feed: one document per item\n"
"  warc    WARC (.warc, .warc.gz) or WACZ: the articles newsconv archived\n"
"          (their original files), or every HTML page of another crawler,\n"
"          with the images the archive holds\n"
"  opml    OPML subscription list: every outline with an xmlUrl is read\n"
"          as a feed URL, its folders as the category; a feed that cannot\n"
"          be read is reported and skipped\n"
"\n"
"Formats (--to):\n"
"  md      CommonMark + GFM tables, YAML front matter first\n"
"  epub    EPUB 3 e-book; several inputs with -o make one book\n"
"  warc    WARC 1.1 archive (.warc.gz: one gzip member per record)\n"
"  wacz    WACZ 1.1.1: the WARC, its index and a page list in one zip\n"
"          that ReplayWeb.page opens as it is\n"
"  json    the whole document model, for pipelines and tests\n"
"\n"
"Reader view (web pages):\n"
"  --extract auto|on|off  keep a page's article, drop its menus, banners,\n"
"                     share bars and comments (default auto: whole pages\n"
"                     without front matter; on: every HTML body, feed\n"
"                     items and front-matter articles too; off: keep all)\n"
"  --full-text        fetch each feed item's link and use the page's article\n"
"                     as its body when longer and sharing the item's text\n"
"                     (60%% of its words); else the feed's body, a warning\n"
"\n"
"Output:\n"
"  -o FILE            write to FILE (- = standard output); several inputs\n"
"                     go into one book or archive; missing directories\n"
"                     of FILE and DIR are created\n"
"  -O DIR             one output per input in DIR, named after the input\n"
"                     (default: next to each input, e.g. a.txt -> a.epub)\n"
"  -q, --quiet        print errors only (no progress line)\n"
"  -v, --verbose      also say what was written\n"
"\n"
"Batches:\n"
"  -j, --threads N    articles converted at once (default: the number of\n"
"                     cores); the output is the same whatever N is\n"
"  --files-from FILE  also read input paths from FILE (- = stdin), one\n"
"                     per line; with -0, separated by NUL bytes\n"
"  --shard I/N        convert only part I (0..N-1) of N, split by a stable\n"
"                     hash of each input path: N runs cover every input\n"
"                     once (WARC shards concatenate; CDXJ shards merge\n"
"                     with sort -m)\n"
"\n"
"Books (epub):\n"
"  --sort date|input|newest   chapter order (default: date, oldest first)\n"
"  --title TEXT  --author TEXT  --lang TAG  --cover IMAGE\n"
"\n"
"Digest books (with -o: several feeds or folders in one book, epub, md\n"
"or json, laid out like a newspaper, with a title page in an EPUB):\n"
"  --since WHEN       only articles dated WHEN or later: a date\n"
"                     (2024-03-01, 2024-03-01T08:00:00Z, RFC 822) or a\n"
"                     time before now, 24h or 7d (now: SOURCE_DATE_EPOCH\n"
"                     when it is set)\n"
"  --until WHEN       only articles dated WHEN or earlier (a bare date:\n"
"                     to the end of that day)\n"
"                     Articles without a date are kept, with a warning.\n"
"  --max-per-source N the newest N articles of each source\n"
"  --group source|category|day|none   sections of the book (default\n"
"                     none); a source is the feed's title, else the\n"
"                     folder or file name the article came from\n"
"  Duplicates (same source URL, or same title and date) are kept once,\n"
"  with a note naming both.\n"
"\n"
"Images (and URL inputs):\n"
"  --fetch-images              download the images so outputs are complete\n"
"  --transfers N               transfers at once (default 8, 4 per host;\n"
"                              --jobs N is the old name)\n"
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
"  --offline                   images and URL inputs from the cache only\n"
"                              (implies --fetch-images; no network)\n"
"  --strict                    a missing image, or a feed of an OPML list\n"
"                              that cannot be read, makes the exit code 1\n"
"\n"
"Archives (warc, wacz):\n"
"  --gzip, --no-gzip           compress each record (default: when the\n"
"                              output name ends in .gz)\n"
"  --cdx FILE                  also write a CDXJ index\n"
"  --base-url URL              (warc, wacz) archive the page of an article\n"
"                              without an http(s) source URL at\n"
"                              URL/YYYY/MM/DD/<title>-<sha1>.html (default\n"
"                              http://newsconv.invalid/: never a real site)\n"
"\n"
"  -h, --help  --version\n"
"\n"
"Exit status: 0 success, 1 some input failed (the others are still\n"
"converted), 2 usage error.  SOURCE_DATE_EPOCH makes outputs reproducible.\n");
}

/* ---- options ---------------------------------------------------------- */

enum {
	OPT_TO = 256, OPT_VERSION, OPT_SORT, OPT_TITLE, OPT_AUTHOR, OPT_LANG,
	OPT_COVER, OPT_FETCH, OPT_JOBS, OPT_MAXSIZE, OPT_UA, OPT_REFERER,
	OPT_PRIVATE, OPT_CACHE, OPT_NOCACHE, OPT_OFFLINE, OPT_STRICT, OPT_CDX,
	OPT_GZIP, OPT_NOGZIP, OPT_LOOPBACK, OPT_TIMEOUT, OPT_PROXY, OPT_FILES_FROM,
	OPT_SHARD, OPT_FROM, OPT_BASE_URL, OPT_SINCE, OPT_UNTIL, OPT_MAX_PER_SOURCE,
	OPT_GROUP, OPT_EXTRACT, OPT_FULL_TEXT
};

static const struct option long_opts[] = {
	{"to", required_argument, NULL, OPT_TO},
	{"from", required_argument, NULL, OPT_FROM},
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
	{"transfers", required_argument, NULL, OPT_JOBS},
	{"threads", required_argument, NULL, 'j'},
	{"files-from", required_argument, NULL, OPT_FILES_FROM},
	{"shard", required_argument, NULL, OPT_SHARD},
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
	{"base-url", required_argument, NULL, OPT_BASE_URL},
	{"since", required_argument, NULL, OPT_SINCE},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"max-per-source", required_argument, NULL, OPT_MAX_PER_SOURCE},
	{"group", required_argument, NULL, OPT_GROUP},
	{"gzip", no_argument, NULL, OPT_GZIP},
	{"no-gzip", no_argument, NULL, OPT_NOGZIP},
	{"extract", required_argument, NULL, OPT_EXTRACT},
	{"full-text", no_argument, NULL, OPT_FULL_TEXT},
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

/* --since, --until, --max-per-source, --group; -1 when not one of them. */
static int parse_digest(struct cli *c, int opt, const char *arg)
{
	unsigned long long v;
	int64_t t;
	switch (opt) {
	case OPT_SINCE:
	case OPT_UNTIL:
		if (digest_when(arg, 0, false, &t))
			return usage_error("'%s' is not a date (2024-03-01) or a time ago (24h, 7d)", arg);
		*(opt == OPT_SINCE ? &c->since : &c->until) = arg;
		break;
	case OPT_MAX_PER_SOURCE:
		if (!parse_size(arg, &v) || v < 1 || v > 1000000)
			return usage_error("--max-per-source: '%s' is not a number from 1 to 1000000", arg);
		c->max_per_source = (size_t)v;
		break;
	case OPT_GROUP:
		if (!strcmp(arg, "source")) c->group = GROUP_SOURCE;
		else if (!strcmp(arg, "category")) c->group = GROUP_CATEGORY;
		else if (!strcmp(arg, "day")) c->group = GROUP_DAY;
		else if (!strcmp(arg, "none")) c->group = GROUP_NONE;
		else return usage_error("--group: '%s' is not source, category, day or none", arg);
		break;
	default:
		return -1;
	}
	c->digest = true;
	return EXIT_OK;
}

/* The options of fetching (images and URL inputs). */
static int fetch_option(struct cli *c, int opt, const char *arg)
{
	unsigned long long v;
	switch (opt) {
	case OPT_FETCH: c->fetch = true; note_option(c, "--fetch-images", NULL); break;
	case OPT_JOBS:
		if (!parse_size(arg, &v) || v < 1 || v > 256)
			return usage_error("--transfers: '%s' is not a number from 1 to 256", arg);
		c->fo.jobs = (int)v;
		break;
	case OPT_MAXSIZE:
		if (!parse_size(arg, &v) || v < 1)
			return usage_error("--max-image-size: '%s' is not a positive number of bytes", arg);
		c->fo.max_image_size = (size_t)v;
		note_option(c, "--max-image-size", arg);
		break;
	case OPT_UA: c->fo.user_agent = arg; note_option(c, "--user-agent", arg); break;
	case OPT_REFERER: c->fo.referer = arg; note_option(c, "--referer", arg); break;
	case OPT_PROXY: c->fo.proxy = arg; break;
	case OPT_PRIVATE: c->fo.allow_private = true; break;
	case OPT_LOOPBACK: c->fo.allow_loopback = true; break;
	case OPT_TIMEOUT:
		if (!parse_size(arg, &v) || v < 1 || v > 3600)
			return usage_error("--timeout: '%s' is not a number of seconds from 1 to 3600", arg);
		c->fo.total_timeout_ms = (long)v * 1000;
		if (c->fo.connect_timeout_ms > c->fo.total_timeout_ms)
			c->fo.connect_timeout_ms = c->fo.total_timeout_ms;
		break;
	case OPT_CACHE: c->fo.cache_dir = arg; break;
	case OPT_NOCACHE: c->fo.no_cache = true; break;
	case OPT_OFFLINE: /* images from the cache: implies fetching them */
		c->fo.offline = true;
		c->fetch = true;
		note_option(c, "--offline", NULL);
		break;
	}
	return EXIT_OK;
}

/* The options of what is written: order, book metadata, archives. */
static int output_option(struct cli *c, int opt, const char *arg)
{
	switch (opt) {
	case OPT_SORT:
		if (strcmp(arg, "date") == 0) c->wo.sort = NC_SORT_DATE;
		else if (strcmp(arg, "input") == 0) c->wo.sort = NC_SORT_INPUT;
		else if (strcmp(arg, "newest") == 0) c->wo.sort = NC_SORT_NEWEST;
		else return usage_error("--sort: '%s' is not date, input or newest", arg);
		note_option(c, "--sort", arg);
		break;
	case OPT_TITLE: c->wo.title = arg; break;
	case OPT_AUTHOR: c->wo.author = arg; break;
	case OPT_LANG: {
		static char *tag;
		free(tag);
		tag = NULL;
		if (nc_lang_normalize(arg, &tag) != NC_OK)
			return usage_error("--lang: '%s' is not a BCP 47 language tag (e.g. en, zh-CN)", arg);
		c->wo.lang = tag;
		note_option(c, "--lang", tag);
		break;
	}
	case OPT_COVER: c->wo.cover_file = arg; break;
	case OPT_CDX: c->wo.cdx_path = arg; break;
	case OPT_BASE_URL:
		if (!nc_warc_base_ok(arg))
			return usage_error("--base-url: '%s' is not an http(s) URL without query, fragment or spaces", arg);
		c->wo.base_url = arg;
		note_option(c, "--base-url", arg);
		break;
	case OPT_GZIP: c->gzip = 1; break;
	case OPT_NOGZIP: c->gzip = 0; break;
	}
	return EXIT_OK;
}

/* Options that do not go together, once all are read; -1 when fine. */
static int check_args(const struct cli *c, int argc)
{
	if (!c->format)
		return usage_error("%s", "no output format: say --to md, epub, warc, wacz or json");
	if (optind >= argc && !c->files_from)
		return usage_error("%s", "no input files");
	if (c->nul && !c->files_from)
		return usage_error("%s", "-0 applies to --files-from");
	if (c->output && c->outdir)
		return usage_error("%s", "-o and -O cannot be used together");
	if (c->fo.offline && c->fo.no_cache)
		return usage_error("%s", "--offline needs the cache; drop --no-cache");
	if (c->wo.cdx_path && c->format != &nc_format_warc)
		return usage_error("%s", "--cdx only applies to --to warc (a WACZ holds its index)");
	if (c->wo.base_url && c->format != &nc_format_warc && c->format != &nc_format_wacz)
		return usage_error("%s", "--base-url only applies to --to warc and wacz");
	if (c->digest && !c->output)
		return usage_error("%s", "--since, --until, --max-per-source and --group make one book: say -o FILE");
	return -1;
}

static int parse_shard(struct cli *c, const char *arg)
{
	unsigned i, n;
	char end;
	if (sscanf(arg, "%u/%u%c", &i, &n, &end) != 2 || n < 1 || i >= n)
		return usage_error("--shard: '%s' is not I/N with 0 <= I < N", arg);
	c->shard_i = i;
	c->shard_n = n;
	/* In the warcinfo: it also keeps the shards' warcinfo ids apart
	 * under SOURCE_DATE_EPOCH, so their cat is valid. */
	note_option(c, "--shard", arg);
	return EXIT_OK;
}

/* -1 to go on and convert, else the exit code. */
static int parse_args(struct cli *c, int argc, char **argv)
{
	int opt, rc = EXIT_OK;
	unsigned long long v;
	opterr = 0;
	while (rc == EXIT_OK && (opt = getopt_long(argc, argv, ":o:O:j:qvh0", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_TO:
			if (!(c->format = nc_format_find(optarg)))
				return usage_error("unknown format '%s' (md, epub, warc, wacz, json)", optarg);
			note_option(c, "--to", optarg);
			break;
		case OPT_FROM:
			if (strcmp(optarg, "auto") == 0)
				c->reader = NULL;
			else if (!(c->reader = nc_reader_find(optarg)))
				return usage_error("unknown input kind '%s' (auto, html, md, feed, warc, opml)", optarg);
			break;
		case 'o': c->output = optarg; break;
		case 'O': c->outdir = optarg; break;
		case 'q': c->verbosity = -1; c->wo.quiet = true; break;
		case 'v': c->verbosity = 1; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case OPT_VERSION:
			printf("newsconv %s\n", NC_VERSION);
			exit(EXIT_OK);
		case OPT_SORT: case OPT_TITLE: case OPT_AUTHOR: case OPT_LANG: case OPT_COVER:
		case OPT_CDX: case OPT_BASE_URL: case OPT_GZIP: case OPT_NOGZIP:
			rc = output_option(c, opt, optarg);
			break;
		case OPT_FETCH: case OPT_JOBS: case OPT_MAXSIZE: case OPT_UA: case OPT_REFERER:
		case OPT_PROXY: case OPT_PRIVATE: case OPT_LOOPBACK: case OPT_TIMEOUT: case OPT_CACHE:
		case OPT_NOCACHE: case OPT_OFFLINE:
			rc = fetch_option(c, opt, optarg);
			break;
		case OPT_STRICT: c->strict = true; break;
		case OPT_FULL_TEXT:
			c->full_text = true;
			note_option(c, "--full-text", NULL);
			break;
		case OPT_EXTRACT:
			if (!strcmp(optarg, "auto")) nc_extract_mode = NC_EXTRACT_AUTO;
			else if (!strcmp(optarg, "on")) nc_extract_mode = NC_EXTRACT_ON;
			else if (!strcmp(optarg, "off")) nc_extract_mode = NC_EXTRACT_OFF;
			else return usage_error("--extract: '%s' is not auto, on or off", optarg);
			if (nc_extract_mode != NC_EXTRACT_AUTO)
				note_option(c, "--extract", optarg);
			break;
		case 'j':
			if (!parse_size(optarg, &v) || v < 1 || v > 256)
				return usage_error("-j: '%s' is not a number from 1 to 256", optarg);
			c->threads = (int)v;
			break;
		case '0': c->nul = true; break;
		case OPT_FILES_FROM: c->files_from = optarg; break;
		case OPT_SHARD: rc = parse_shard(c, optarg); break;
		case OPT_SINCE: case OPT_UNTIL: case OPT_MAX_PER_SOURCE: case OPT_GROUP:
			rc = parse_digest(c, opt, optarg) == EXIT_OK ? EXIT_OK : EXIT_USAGE;
			break;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		case '?':
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	return rc == EXIT_OK ? check_args(c, argc) : rc;
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

static int cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	c.gzip = -1;
	nc_fetch_opts_default(&c.fo);
	int rc = parse_args(&c, argc, argv);
	if (rc < 0) {
		cli_signals_install();
		rc = run(&c, argc, argv);
	}
	nc_buf_free(&c.options_text);
	return rc;
}

/* Everything after the options: which inputs, which outputs, then the
 * batch. */
static int run(struct cli *c, int argc, char **argv)
{
	c->wo.have_epoch = read_epoch(&c->wo.epoch);
	c->wo.options_text = c->options_text.data ? c->options_text.data : "";
	c->fo.keep_exchange = c->format == &nc_format_warc || c->format == &nc_format_wacz;
	c->fo.stop = &cli_stop; /* a signal ends the transfers too */
	if (!c->threads)
		c->threads = cores();

	struct inputs in = {0};
	int collected = inputs_collect(&in, c, argv + optind, (size_t)(argc - optind));
	if (collected == EXIT_USAGE) {
		inputs_free(&in);
		return EXIT_USAGE;
	}
	size_t nstdin = 0;
	for (size_t i = 0; i < in.n; i++)
		nstdin += strcmp(in.v[i].path, "-") == 0;
	int rc = EXIT_OK;
	if (nstdin > 1) {
		rc = usage_error("%s", "standard input (-) can be read only once");
		goto out;
	}
	bool several = in.n > 1 || (size_t)(argc - optind) > 1 || c->files_from;
	bool one_output = c->output != NULL;
	if (one_output && several && !c->format->many_in_one && !c->digest) {
		rc = usage_error("--to %s makes one file per input: use -O DIR for several inputs",
				 c->format->name);
		goto out;
	}
	if (c->wo.cdx_path && !one_output) {
		/* Each output would write its own index over the one file. */
		rc = usage_error("%s", "--cdx indexes one archive: use -o FILE (several inputs then go "
				 "into that one archive), not -O DIR or outputs beside the inputs");
		goto out;
	}
	const char *single = c->output && strcmp(c->output, "-") == 0 ? NULL : c->output;
	if (!c->output && !c->outdir && nstdin)
		one_output = true, single = NULL; /* stdin alone goes to stdout */
	if (one_output && !single && isatty(STDOUT_FILENO) &&
	    (c->format == &nc_format_epub || c->format == &nc_format_wacz || (c->format == &nc_format_warc && c->gzip == 1))) {
		rc = usage_error("%s", "refusing to write a binary format to a terminal; use -o FILE");
		goto out;
	}
	if (in.n == 0) {
		if (c->verbosity >= 0)
			fprintf(stderr, "%s: no input files%s\n", progname,
				c->shard_n ? " in this shard" : "");
		rc = collected ? collected : (c->shard_n ? EXIT_OK : EXIT_INPUT);
		goto out;
	}
	/* Progress for batches, on a terminal, unless quiet. */
	c->progress = !c->verbosity && in.n > 1 && isatty(STDERR_FILENO);
	c->fo.progress = !c->verbosity && !c->progress && isatty(STDERR_FILENO);
	rc = batch_run(c, &in, one_output, single);
	if (!rc && c->strict && opml_input_failures())
		rc = EXIT_INPUT;
	if (collected && !rc)
		rc = collected;
out:
	inputs_free(&in);
	return rc;
}
