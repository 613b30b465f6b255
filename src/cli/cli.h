/* cli.h - the parts of the newsconv command line, shared between its
 * files: options (main.c), messages and the stop flag (report.c),
 * inputs (inputs.c), output files (files.c) and the batch pipeline
 * (batch.c).  None of this is library API. */
#ifndef NC_CLI_H
#define NC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "newsconv.h"
#include "util/buf.h"
#include "util/filemap.h"
#include "util/map.h"
#include "output.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

enum digest_group { GROUP_NONE, GROUP_SOURCE, GROUP_CATEGORY, GROUP_DAY };

struct cli {
	const struct nc_format *format;
	const struct nc_reader *reader; /* --from; NULL: by content */
	const char *output;      /* -o */
	const char *outdir;      /* -O */
	int verbosity;           /* -1 quiet, 0 normal, 1 verbose */
	bool fetch;
	bool strict;
	int gzip;                /* -1 auto, 0 no, 1 yes */
	int threads;             /* -j: articles converted at once */
	unsigned shard_i, shard_n; /* --shard I/N; shard_n 0: no sharding */
	const char *files_from;  /* --files-from FILE|- */
	bool nul;                /* -0: that list is NUL-separated */
	bool progress;           /* the live line on stderr */
	struct nc_fetch_opts fo;
	struct nc_write_opts wo;
	struct nc_buf options_text;
	/* digest books (cli/digest.c) */
	const char *since, *until;   /* as given: a date, or N h / N d ago */
	size_t max_per_source;       /* 0: no limit */
	enum digest_group group;
	bool digest;                 /* any of the four was given */
	bool full_text;              /* --full-text (cli/full_text.c) */
};

extern const char *nc_progname;
/* The signal (SIGINT, SIGTERM, SIGHUP) that asked the run to stop, or 0:
 * the batch then stops between articles, removes its temporary files,
 * keeps every output already finished, and exits with 128 + signal. */
extern volatile sig_atomic_t cli_stop;
void cli_say(const char *file, const char *level, const char *msg);
void cli_report(const struct nc_err *err, const char *fallback);
/* A document's warnings (unless -q), then with -v what the reader view
 * kept and dropped of it. */
void cli_doc_notes(const struct cli *c, const char *file, const struct nc_doc *d);
/* The handlers that set cli_stop (report.c). */
void cli_signals_install(void);

/* ---- full_text.c: --full-text, a feed item's page's article as its body */
void full_text_apply(const struct cli *c, struct nc_doclist *docs);
size_t full_text_failures(void); /* warnings given so far (--strict) */

/* ---- inputs.c ---------------------------------------------------------- */

struct input {
	char *path;
	bool walked;    /* found in a directory: skipped quietly if not an article */
};

struct inputs {
	struct input *v;
	size_t n, cap;
	/* (device, inode) of every input, sorted, for output checks: 16
	 * bytes an input (a million inputs: 16 MB; a hash map took 96 MB) */
	struct inode_id { uint64_t dev, ino; } *inodes;
	size_t ninodes;
};

/* Arguments, directories walked in sorted order, --files-from; then the
 * shard's part.  Problems are reported here; returns an exit code or -1. */
int inputs_collect(struct inputs *in, const struct cli *c, char **args, size_t nargs);
/* Is `path` one of the inputs (same device and inode)? */
bool inputs_contain(const struct inputs *in, const char *path);
void inputs_free(struct inputs *in);
uint64_t inputs_shard_hash(const char *path);

/* ---- files.c ----------------------------------------------------------- */

/* Outputs are made, named and synced by src/output.c (output.h). */
int file_sink(void *ctx, const void *data, size_t len); /* ctx: FILE* */
/* Side files of a finished writer: its parts (images) before the main
 * output is named, its index (CDXJ) after. */
int file_commit_parts(struct nc_writer *w, struct nc_err *err);
int file_commit_index(struct nc_writer *w, struct nc_err *err);

/* ---- url_input.c ------------------------------------------------------- */

/* "scheme://...": an input to fetch, never a path to stat. */
bool url_input_is(const char *arg);
/* The input's bytes (http and https only; other schemes are refused) and
 * the final URL after redirects, both malloc'd; err names the URL. */
int url_input_fetch(const struct cli *c, const char *url, unsigned char **data, size_t *len,
		    char **final_url, struct nc_exchange **exchange, struct nc_err *err);
/* *out: a resource holding the bytes and the exchange x as fetched, for
 * a WARC to record as served; NULL when x has no request or response
 * head to record (no WARC output). */
int url_input_keep(const unsigned char *data, size_t len, struct nc_exchange *x,
		   struct nc_resource **out);
/* Documents read by r from data under final_url: an article with no
 * absolute source URL of its own gets (or is resolved against)
 * final_url; a feed's first item keeps the exchange x (may be NULL) and
 * the bytes as its origin, a web page as served, for a WARC. */
int url_input_adopt(struct nc_doclist *docs, const char *final_url, const struct nc_reader *r,
		    const unsigned char *data, size_t len, struct nc_exchange *x, struct nc_err *err);
/* "http://h/a/feed.xml" -> "feed" (the host when the last segment is
 * empty), made safe as a file name; appended to b. */
void url_input_put_stem(struct nc_buf *b, const char *url);

/* ---- names.c ----------------------------------------------------------- */

/* "dir/name.txt" -> "OUTDIR/name" + ext (or "dir/name" + ext); item k of
 * a feed of `items` (> 1) by its date and title, else numbered
 * (feed-001.md ...).  malloc'd; NULL on OOM. */
char *names_output(const char *input, const char *outdir, const char *ext,
		   const struct nc_doc *d, size_t item, size_t items);
/* "x.md" -> "x-N.md", for items of feeds with the same date and title. */
char *names_variant(const char *path, const char *ext, unsigned n);
/* The key of the file `path` names once written: the identity of its
 * nearest existing directory and the rest of the path, so that two
 * spellings of one file have one key.  cache: the last directory. */
struct names_cache {
	char *dir;
	struct nc_buf prefix;
};
int names_key(struct nc_buf *key, const char *path, struct names_cache *cache);
void names_cache_free(struct names_cache *cache);
/* The output's directory and stem as the command line spells them
 * (tidied), the same in every shard and on every machine: inputs with
 * one group key are kept in one shard.  -1 for stdin or OOM. */
int names_group_key(struct nc_buf *key, const char *input, const char *outdir);

/* ---- images.c ---------------------------------------------------------- */

/* The results of the images fetched so far in this run, by URL. */
struct run_images {
	struct nc_map by_url;        /* resolved URL -> what it gave */
	size_t bytes;                /* image bytes kept */
	struct nc_resource **fresh;  /* this window's, left to fetch */
	size_t nfresh, cap;
};
/* Before a window's fetch: every image fetched earlier in the run gets
 * that result (bytes, exchange, state); the others are noted. */
void run_images_lend(struct run_images *ri, struct nc_doc *const *docs, size_t n);
/* After it: what the noted ones gave is kept for later windows. */
void run_images_keep(struct run_images *ri);
void run_images_free(struct run_images *ri);

/* ---- opml_input.c ------------------------------------------------------ */

/* The documents of every feed an OPML list names, each read as a URL
 * input; the list's folders become their first category.  A feed that
 * cannot be read is reported and counted, not an error. */
int opml_input_read(const struct cli *c, const char *name, const unsigned char *data,
		    size_t len, struct nc_doclist *docs, struct nc_err *err);
/* Feeds of OPML lists that could not be read (--strict: exit 1). */
unsigned opml_input_failures(void);
/* The title of the first OPML list read, or NULL: a digest's default. */
const char *opml_input_title(void);

/* ---- input_bytes.c ---------------------------------------------------- */

/* An input's bytes, NUL-terminated: malloc'd, or a mapped file
 * (map.slot >= 0), which only readers with open() are given. */
struct input_bytes {
	unsigned char *data;
	size_t len;
	struct nc_filemap map;
};
/* The whole of one input, within NC_MAX_INPUT_BYTES ("-": stdin). */
int slurp(const char *path, unsigned char **data, size_t *len, struct nc_err *err);
/* A file's bytes ("-": stdin): a regular file of 64 KB or more mapped
 * (no size limit: the reader decides), anything else read. */
int input_bytes_load(const char *path, struct input_bytes *b, struct nc_err *err);
/* Takes malloc'd bytes. */
void input_bytes_adopt(struct input_bytes *b, unsigned char *data, size_t len);
/* For a reader that reads its input whole: a mapped file becomes a
 * malloc'd copy, within NC_MAX_INPUT_BYTES. */
int input_bytes_own(struct input_bytes *b, const char *path, struct nc_err *err);
/* An error when the mapped file shrank while it was read. */
int input_bytes_intact(const struct input_bytes *b, const char *path, struct nc_err *err);
void input_bytes_free(struct input_bytes *b);

/* ---- batch.c ----------------------------------------------------------- */

/* Read, convert and write every input; returns the exit code. */
int batch_run(struct cli *c, struct inputs *in, bool one_output, const char *single);
/* An input's documents: its bytes (a file, "-" or a URL), read by --from's
 * reader or the one the bytes call for; a URL's documents adopt its final
 * URL (url_input_adopt).  *skipped: a file found by walking a folder that
 * is no article (quietly passed over).  Returns the error code, err set. */
int cli_read_input(const struct cli *c, const struct input *in, struct nc_doclist *docs,
		   bool *skipped, struct nc_err *err);
/* Says each part of the input its reader left out (docs->skipped); true
 * when that fails the run: under --strict, or when nothing was left. */
bool cli_said_skipped(const struct cli *c, const char *path, const struct nc_doclist *docs);

/* ---- digest.c ---------------------------------------------------------- */

/* "2024-03-01", any form nc_date_parse() reads, or "24h" / "7d": that
 * long before `now`.  `end`: a bare date stands for the end of its day
 * (--until 2024-03-01 keeps that day).  0, or -1 when unreadable. */
int digest_when(const char *s, int64_t now, bool end, int64_t *out);
/* "Now" for --since 24h: SOURCE_DATE_EPOCH when set, else the clock. */
int64_t digest_now(const struct cli *c);
/* Does --since/--until drop this item?  Undated items are kept (false). */
bool digest_outside(const struct cli *c, int64_t now, const struct nc_meta *m);
/* Several feeds or folders into one output, newspaper-like: every input
 * read, then --since/--until, duplicates dropped, --max-per-source,
 * sorted and grouped, then written in that order.  The exit code. */
int digest_run(struct cli *c, struct inputs *in, const char *single);

#endif
