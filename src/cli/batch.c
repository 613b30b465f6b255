/* batch.c - the pipeline: read -> convert -> write, a window of articles
 * at a time, on every core, with output in input order.  Only a window
 * of documents is ever in memory, and the bytes do not depend on the
 * number of threads.
 *
 * Threads, and what runs on each (the boundaries).  They are made once
 * per run (cli/pool.c):
 *  - workers (c->threads - 1 of them, plus the main thread taking jobs
 *    beside them), one job at a time, each job's data its own: reading
 *    an input and resolving its URLs (read_job), then converting
 *    (convert_unit, one document a task): prepare() for the shared
 *    output, or the whole of a document's own output written to its
 *    temporary file, after which the document is shed on that thread.
 *  - planning output names (plan_unit, the claimed map) in input order:
 *    in a window in one pass (run_pipeline) by whichever worker finds
 *    the next job read, under pipe_mu; in two phases (images to fetch,
 *    or a small window) by the main thread alone between the phases,
 *    with fetching the window's images (fetch_window: one libcurl multi
 *    handle, and cli/images.c).
 *  - the committer (commit_job, on the pool's background thread), one
 *    window at a time, on the window just converted while the next one
 *    is read: syncing, giving outputs their names, messages, freeing the
 *    window (finish_window).  It writes b->exit_code, b->done and
 *    b->empty; the main thread reads them only after commit_wait().
 *    With -j 1, or a shared output (whose add() must not run beside the
 *    next window's prepare()), the main thread commits in place.
 * Image bytes and HTTP exchanges are shared by reference counts across
 * windows (atomic, doc.c); nothing else crosses a boundary unlocked. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "cli/cli.h"
#include "cli/pool.h"
#include "sniff.h"
#include "util/text.h"

#define WINDOW_PER_THREAD 64

/* One document of an input, and its own output when it has one. */
struct unit {
	struct nc_doc *doc;
	struct nc_err err;
	int rc;
	char *out_path;           /* -O or next to the input */
	struct nc_out file;
	struct nc_writer *w;
	unsigned reader;          /* the thread that read it (pool slot) */
	bool taken;               /* by the thread converting it (pipeline) */
};

/* An input read in parts (nc_reader.open: a WARC, a feed), between windows. */
struct part {
	const struct nc_reader *r;
	void *cursor;
	struct input_bytes bytes; /* the input's, which the cursor reads */
	const char *path;         /* the input's, for a file that shrank */
};

/* One input: one document, or several (a feed's items); or one part of
 * an input read in parts, a window's worth of its documents. */
struct job {
	const struct input *in;
	size_t index;
	struct part *part;        /* the rest of an input read in parts */
	size_t k0;                /* its documents given in earlier parts */
	bool more;                /* documents left for the next window */
	struct nc_err err;        /* reading failed */
	int rc;
	bool skipped;             /* a walked file that is not an article */
	bool read_done;           /* read (pipeline: under pipe_mu) */
	unsigned reader;          /* the thread that read it (pool slot) */
	struct nc_doclist docs;
	struct unit *units;       /* one per document */
	size_t nunits;
};

enum phase { PHASE_READ, PHASE_CONVERT };

/* A window of inputs.  Large windows are made durable by one syncfs();
 * a few files are cheaper to fsync one by one (syncfs flushes the whole
 * file system, other programs' data included). */
struct window {
	struct job *jobs;
	size_t njobs;
	bool bulk_sync;
};

/* The window being committed (synced, renamed into place, reported)
 * on its own thread while the next one is read and converted. */
struct committer {
	struct batch *b;
	struct window w;
	bool running;             /* on the pool's background thread */
};

struct batch {
	struct cli *c;
	struct inputs *in;
	struct window win;        /* the one being read and converted */
	atomic_size_t next;
	enum phase phase;
	/* one output for all */
	struct nc_writer *w;
	size_t empty;             /* inputs read fine that held no document (a feed without items) */
	/* per-input outputs: output file (names_key) -> input that claimed it */
	struct nc_map claimed;
	struct nc_buf key;
	struct names_cache key_cache;
	int exit_code;            /* written by the committer */
	bool shared_lost;         /* the one output failed: nothing more is added */
	bool fetch_failed;        /* written by the main thread */
	struct run_images images; /* fetched so far: each image once per run */
	struct committer commit;
	/* progress */
	size_t done;
	double start, last;
	size_t window;            /* inputs, or documents of an input read in parts */
	struct unit **units;      /* the window's documents to convert (list_units) */
	size_t nunits, cap_units;
	struct pool pool;
	bool one_output;
	/* A window in one pass (run_pipeline), under pipe_mu: */
	pthread_mutex_t pipe_mu;
	pthread_cond_t pipe_cv;   /* a job was read: units listed, or the end near */
	size_t rnext;             /* the next job to read */
	size_t reading;           /* jobs being read */
	size_t planned;           /* jobs before it are planned, their units listed */
	size_t ucur;              /* units before it are all taken */
	bool cut;                 /* a planned job has documents left: nothing after it */
};

/* ---- reading ------------------------------------------------------------ */

/* How much of a walked file is read to decide whether it is an
 * article: every reader's detect() looks at most this far (a zip's
 * index is at its end: read whole, as a WACZ may be one). */
#define SNIFF_BYTES (128u * 1024u)

/* A file found by walking a folder: a video or a photo among articles
 * must neither fail the run (NC_MAX_INPUT_BYTES) nor be read whole just
 * to be passed over.  Its first bytes decide: *skip when no reader
 * wants them.  Else *data holds the whole file when it was that short
 * (NULL: read it), and *found its reader (NULL: detect it), *found_score
 * that reader's score.  An unreadable file is left to slurp() to report. */
static void sniff_walked(const char *path, bool *skip, unsigned char **data, size_t *len,
			 const struct nc_reader **found, int *found_score)
{
	*skip = false;
	*data = NULL;
	FILE *f = fopen(path, "rb");
	unsigned char *head = f ? malloc(SNIFF_BYTES + 1) : NULL;
	if (!head) {
		if (f)
			fclose(f);
		return;
	}
	size_t n = fread(head, 1, SNIFF_BYTES + 1, f);
	bool whole = !ferror(f) && n <= SNIFF_BYTES;
	fclose(f);
	if (n > SNIFF_BYTES)
		n = SNIFF_BYTES;
	int score = 0;
	bool zip = n >= 4 && !memcmp(head, "PK\3\4", 4);
	const struct nc_reader *r = zip ? NULL : nc_reader_detect(head, n, &score);
	if (!zip && (!r || score < 2)) {
		*skip = true;
	} else if (whole) {
		*data = head;
		*len = n;
		*found = r; /* these very bytes: read_input need not detect again */
		*found_score = score;
		return;
	}
	free(head);
}

static void part_free(struct part *p)
{
	if (!p)
		return;
	p->r->close(p->cursor);
	input_bytes_free(&p->bytes);
	free(p);
}

/* The first `max` documents of an input its reader gives in parts; the
 * part takes `b` when more are left (*pp), else the caller keeps it. */
static int part_open(const struct nc_reader *r, const char *name, struct input_bytes *b,
		     size_t max, struct nc_doclist *docs, struct part **pp, bool *more,
		     struct nc_err *err)
{
	void *cursor;
	int rc = r->open(name, b->data, b->len, &cursor, err);
	if (rc)
		return rc;
	rc = r->next(cursor, max, docs, more, err);
	struct part *p = !rc && *more ? malloc(sizeof *p) : NULL;
	if (!p) {
		r->close(cursor);
		return rc || !*more ? rc : nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	}
	*p = (struct part){ r, cursor, *b, name };
	input_bytes_adopt(b, NULL, 0);
	*pp = p;
	return NC_OK;
}

/* An input's documents: all of them, or (pp set, a reader that gives
 * them in parts) the first `max`, the rest left in *pp. */
static int read_input(const struct cli *c, const struct input *in, size_t max,
		      struct nc_doclist *docs, bool *skipped, struct part **pp, bool *more,
		      struct nc_err *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	struct input_bytes b;
	char *url = NULL; /* the final URL of an input given as a URL */
	struct nc_exchange *x = NULL;
	const struct nc_reader *sniffed = NULL; /* what the whole file, read by the sniff, is */
	int score = 0;
	*skipped = false;
	if (in->walked && !c->reader) {
		sniff_walked(in->path, skipped, &data, &len, &sniffed, &score);
		if (*skipped)
			return NC_OK;
	}
	int rc = data || !url_input_is(in->path) ? NC_OK
	       : url_input_fetch(c, in->path, &data, &len, &url, &x, err);
	if (!rc && data)
		input_bytes_adopt(&b, data, len);
	else if (!rc)
		rc = input_bytes_load(in->path, &b, err);
	if (rc)
		return rc;
	data = b.data;
	len = b.len;
	const struct nc_reader *r = c->reader ? c->reader
				  : sniffed ? sniffed : nc_reader_detect(data, len, &score);
	/* Only a reader that reads in parts keeps a mapped file. */
	if (r && !r->open)
		rc = input_bytes_own(&b, in->path, err);
	data = b.data;
	len = b.len;
	if (rc) {
		/* a mapped file past the limit of a reader that reads it whole */
	} else if (!c->reader && (!r || (in->walked && score < 2))) {
		if (in->walked)
			*skipped = true;
		else
			rc = nc_err_set(err, NC_ERR_PARSE, in->path,
					"not an article, feed or post newsconv can read");
	} else if (r == &nc_reader_opml) { /* its feeds, read as URL inputs */
		rc = opml_input_read(c, url ? url : in->path, data, len, docs, err);
	} else if (pp && r->open && !url) {
		rc = part_open(r, in->path, &b, max, docs, pp, more, err);
		if (!rc)
			rc = input_bytes_intact(*pp ? &(*pp)->bytes : &b, in->path, err);
		if (!rc && c->full_text && r == &nc_reader_feed)
			full_text_apply(c, docs);
	} else {
		rc = r->read(url ? url : in->path, data, len, docs, err);
		if (!rc && url)
			rc = url_input_adopt(docs, url, r, data, len, x, err);
		if (!rc && c->full_text && r == &nc_reader_feed)
			full_text_apply(c, docs);
	}
	if (!rc && r)
		rc = input_bytes_intact(&b, in->path, err);
	nc_exchange_unref(x);
	input_bytes_free(&b);
	free(url);
	return rc;
}

int cli_read_input(const struct cli *c, const struct input *in, struct nc_doclist *docs,
		   bool *skipped, struct nc_err *err)
{
	return read_input(c, in, 0, docs, skipped, NULL, NULL, err);
}

bool cli_said_skipped(const struct cli *c, const char *path, const struct nc_doclist *docs)
{
	for (size_t i = 0; i < docs->nskipped; i++)
		if (c->verbosity >= 0)
			cli_say(path, "warning", docs->skipped[i]);
	return docs->nskipped && (c->strict || !docs->n);
}

static void read_job(struct batch *b, struct job *j)
{
	if (j->part) {
		j->rc = j->part->r->next(j->part->cursor, b->window, &j->docs, &j->more, &j->err);
		if (!j->rc)
			j->rc = input_bytes_intact(&j->part->bytes, j->part->path, &j->err);
		if (!j->rc && b->c->full_text && j->part->r == &nc_reader_feed)
			full_text_apply(b->c, &j->docs);
	} else
		j->rc = read_input(b->c, j->in, b->window, &j->docs, &j->skipped, &j->part, &j->more,
				   &j->err);
	if (j->rc)
		j->more = false; /* the rest of a failed input is not read */
	if (!j->rc && !j->skipped && !(j->units = calloc(j->docs.n ? j->docs.n : 1, sizeof *j->units)))
		j->rc = nc_err_set(&j->err, NC_ERR_NOMEM, j->in->path, "out of memory");
	if (j->rc)
		return;
	j->nunits = j->docs.n;
	for (size_t k = 0; k < j->docs.n; k++) {
		struct unit *u = &j->units[k];
		u->doc = j->docs.v[k];
		/* Stable record ids: the input's position, then the item's. */
		u->doc->index = (j->index << 20) | ((j->k0 + k) & 0xfffff);
		u->rc = nc_resolve(u->doc, &u->err);
	}
}

/* ---- converting ----------------------------------------------------------- */

static struct nc_write_opts opts_for(const struct cli *c, const char *path)
{
	struct nc_write_opts wo = c->wo;
	wo.output_path = path;
	wo.gzip = c->gzip == 1 || (c->gzip == -1 && path && strlen(path) > 3 &&
				   strcmp(path + strlen(path) - 3, ".gz") == 0);
	return wo;
}

/* The document's own output, written to a temporary file; the main
 * thread renames it once the window is durable. */
static void write_own(struct batch *b, struct unit *u)
{
	struct nc_write_opts wo = opts_for(b->c, u->out_path);
	int rc = nc_out_open(&u->file, u->out_path, &u->err);
	if (!rc) {
		struct nc_sink sink = { file_sink, u->file.f };
		rc = nc_writer_new(&u->w, b->c->format, &wo, &sink, &u->err);
	}
	if (!rc)
		rc = nc_writer_add(u->w, u->doc, &u->err);
	if (!rc)
		rc = nc_writer_finish(u->w, &u->err);
	if (!rc)
		rc = nc_out_close(&u->file, !b->win.bulk_sync, &u->err);
	if (rc) {
		nc_out_abort(&u->file);
		nc_writer_free(u->w);
		u->w = NULL;
	}
	u->rc = rc;
}

static void convert_unit(struct batch *b, struct unit *u)
{
	if (u->rc)
		return;
	if (b->w)
		u->rc = nc_writer_prepare(b->w, u->doc, &u->err);
	else if (u->out_path) {
		write_own(b, u);
		nc_doc_shed(u->doc); /* on this thread: kept for its messages only */
	}
}

/* A document to convert, at the end of b->units.  false on OOM. */
static bool push_unit(struct batch *b, struct unit *u)
{
	if (b->nunits == b->cap_units) {
		size_t cap = b->cap_units ? 2 * b->cap_units : 256;
		struct unit **v = realloc(b->units, cap * sizeof *v);
		if (!v)
			return false;
		b->units = v;
		b->cap_units = cap;
	}
	b->units[b->nunits++] = u;
	return true;
}

/* The window's documents to convert, each a task of its own: the items
 * of one feed or the pages of one archive part go to every thread.
 * false on OOM (then the window is converted on this thread). */
static bool list_units(struct batch *b)
{
	b->nunits = 0;
	for (size_t i = 0; i < b->win.njobs; i++) {
		struct job *j = &b->win.jobs[i];
		for (size_t k = 0; !j->rc && !j->skipped && k < j->nunits; k++)
			if (!push_unit(b, &j->units[k]))
				return false;
	}
	return true;
}

/* A phase of the two-pass window (run_phase): every job read, or every
 * document converted, by whichever thread is free. */
static void phase_tasks(void *ctx, unsigned slot)
{
	struct batch *b = ctx;
	size_t i;
	size_t n = b->phase == PHASE_READ ? b->win.njobs : b->nunits;
	while (!cli_stop && (i = atomic_fetch_add(&b->next, 1)) < n) {
		if (b->phase == PHASE_READ) {
			b->win.jobs[i].reader = slot;
			read_job(b, &b->win.jobs[i]);
		} else {
			convert_unit(b, b->units[i]);
		}
	}
}

/* Every job of the window through `phase`, on c->threads threads. */
static void run_phase(struct batch *b, enum phase phase)
{
	b->phase = phase;
	atomic_store(&b->next, 0);
	pool_run(&b->pool, phase_tasks, b, phase == PHASE_READ ? b->win.njobs : b->nunits);
}

/* ---- messages and progress --------------------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(struct batch *b, bool end)
{
	if (!b->c->progress)
		return;
	double t = now();
	if (!end && t - b->last < 0.2)
		return;
	b->last = t;
	double rate = t > b->start ? (double)b->done / (t - b->start) : 0;
	size_t left = b->in->n - b->done;
	if (end) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	if (rate > 0)
		fprintf(stderr, "\r\033[K%zu/%zu articles, %.0f/s, ETA %.0f s", b->done, b->in->n,
			rate, (double)left / rate);
	else
		fprintf(stderr, "\r\033[K%zu/%zu articles", b->done, b->in->n);
}

/* ---- one window ----------------------------------------------------------- */

/* Who claimed the file `path` names, by file and not by spelling
 * (names_key); b->key keeps its key for a claim.  false on OOM. */
static bool claimant(struct batch *b, const char *path, const char **who)
{
	if (names_key(&b->key, path, &b->key_cache))
		return false;
	*who = nc_map_get(&b->claimed, b->key.data, b->key.len);
	return true;
}

/* Decide where each document of the window goes, refusing an output
 * that is an input or that another input of this run already claimed. */
static void plan_unit(struct batch *b, struct job *j, size_t k, const char *ext)
{
	struct unit *u = &j->units[k];
	const char *prev = NULL;
	/* An input read in parts has more than one document. */
	size_t items = j->k0 || j->more ? SIZE_MAX : j->nunits;
	if (u->rc)
		return;
	if (!(u->out_path = names_output(j->in->path, b->c->outdir, ext, u->doc, j->k0 + k, items)) ||
	    !claimant(b, u->out_path, &prev))
		goto oom;
	for (unsigned n = 2; prev && items > 1 && n < 1000; n++) {
		char *v = names_variant(u->out_path, ext, n);
		if (!v || !claimant(b, v, &prev)) {
			free(v);
			goto oom;
		}
		if (!prev) {
			free(u->out_path);
			u->out_path = v;
		} else {
			free(v);
		}
	}
	if (prev)
		u->rc = nc_err_set(&u->err, NC_ERR_USAGE, j->in->path,
				   "its output %s is also the output of %s; not written "
				   "(use -o to combine, or rename one)", u->out_path, prev);
	else if (inputs_contain(b->in, u->out_path))
		u->rc = nc_err_set(&u->err, NC_ERR_USAGE, u->out_path,
				   "refusing to overwrite an input file");
	else if (nc_map_put(&b->claimed, b->key.data, b->key.len, (void *)j->in->path))
		goto oom;
	return;
oom:
	u->rc = nc_err_set(&u->err, NC_ERR_NOMEM, j->in->path, "out of memory");
}

static const char *output_ext(const struct batch *b)
{
	if (b->c->format == &nc_format_warc && b->c->gzip == 1)
		return ".warc.gz";
	return b->c->format->extension;
}

static void plan_outputs(struct batch *b)
{
	const char *ext = output_ext(b);
	for (size_t i = 0; i < b->win.njobs; i++)
		for (size_t k = 0; k < b->win.jobs[i].nunits; k++)
			plan_unit(b, &b->win.jobs[i], k, ext);
}

/* ---- a window in one pass ------------------------------------------------------
 * Without images to fetch, a window needs no barrier between reading
 * and converting: each job is planned as soon as it and every job before
 * it are read (in input order, under pipe_mu), and its documents can be
 * converted at once.  A thread converts what it read itself first (the
 * document's memory is in its malloc arena, still in its cache), then
 * reads the next job, then helps with what others read.  With two phases
 * both cores waited at each barrier for the window's largest article. */

/* Jobs read and not yet planned, in order; a job with documents left
 * ends the window (cut_window releases what was read after it). */
static void advance(struct batch *b)
{
	const char *ext = output_ext(b);
	while (!b->cut && b->planned < b->win.njobs && b->win.jobs[b->planned].read_done) {
		struct job *j = &b->win.jobs[b->planned++];
		for (size_t k = 0; !j->rc && !j->skipped && k < j->nunits; k++) {
			struct unit *u = &j->units[k];
			if (!b->one_output)
				plan_unit(b, j, k, ext);
			u->reader = j->reader;
			if (!push_unit(b, u)) { /* not listed: never converted */
				u->rc = nc_err_set(&u->err, NC_ERR_NOMEM, j->in->path, "out of memory");
				u->taken = true;
			}
		}
		if (j->more) {
			b->cut = true;
			b->rnext = b->win.njobs;
		}
	}
	pthread_cond_broadcast(&b->pipe_cv);
}

/* A listed document nobody took: this thread's own (`own`), or any. */
static struct unit *take_unit(struct batch *b, unsigned slot, bool own)
{
	for (size_t i = b->ucur; i < b->nunits; i++) {
		struct unit *u = b->units[i];
		if (u->taken || (own && u->reader != slot))
			continue;
		u->taken = true;
		while (b->ucur < b->nunits && b->units[b->ucur]->taken)
			b->ucur++;
		return u;
	}
	return NULL;
}

static void pipe_tasks(void *ctx, unsigned slot)
{
	struct batch *b = ctx;
	pthread_mutex_lock(&b->pipe_mu);
	while (!cli_stop) {
		struct unit *u = take_unit(b, slot, true);
		if (!u && b->rnext < b->win.njobs) {
			struct job *j = &b->win.jobs[b->rnext++];
			b->reading++;
			pthread_mutex_unlock(&b->pipe_mu);
			j->reader = slot;
			read_job(b, j);
			pthread_mutex_lock(&b->pipe_mu);
			b->reading--;
			j->read_done = true;
			advance(b);
			continue;
		}
		if (!u)
			u = take_unit(b, slot, false);
		if (u) {
			pthread_mutex_unlock(&b->pipe_mu);
			convert_unit(b, u);
			pthread_mutex_lock(&b->pipe_mu);
		} else if (b->reading) {
			pthread_cond_wait(&b->pipe_cv, &b->pipe_mu); /* a read may list more */
		} else {
			break; /* everything read, planned and taken */
		}
	}
	pthread_mutex_unlock(&b->pipe_mu);
}

/* The window read, planned and converted in one pass; its jobs are cut
 * as in two phases. */
static void run_pipeline(struct batch *b)
{
	b->nunits = b->ucur = b->rnext = b->reading = b->planned = 0;
	b->cut = false;
	pool_run(&b->pool, pipe_tasks, b, b->win.njobs);
}

static void fetch_window(struct batch *b, struct nc_fetch_stats *total)
{
	size_t units = 0, n = 0;
	for (size_t i = 0; i < b->win.njobs; i++)
		units += b->win.jobs[i].nunits;
	struct nc_doc **docs = calloc(units ? units : 1, sizeof *docs);
	if (!docs) {
		fprintf(stderr, "%s: out of memory\n", nc_progname);
		b->fetch_failed = true;
		return;
	}
	for (size_t i = 0; i < b->win.njobs; i++)
		for (size_t k = 0; k < b->win.jobs[i].nunits; k++)
			if (!b->win.jobs[i].units[k].rc)
				docs[n++] = b->win.jobs[i].units[k].doc;
	struct nc_err err = {0};
	struct nc_fetch_stats st = {0};
	run_images_lend(&b->images, docs, n);
	if (n && nc_fetch(docs, n, &b->c->fo, &st, &err) != NC_OK) {
		cli_report(&err, "fetch");
		b->fetch_failed = true;
	}
	run_images_keep(&b->images);
	total->total += st.total;
	total->fetched += st.fetched;
	total->cached += st.cached;
	total->failed += st.failed;
	total->bytes += st.bytes;
	free(docs);
}

/* A document's place in the one shared output, in input order.  The
 * first failure loses that output: nothing more is added. */
static void add_to_shared(struct batch *b, struct unit *u)
{
	if (b->shared_lost)
		return;
	if (nc_writer_add(b->w, u->doc, &u->err) != NC_OK) {
		cli_report(&u->err, b->c->output);
		b->shared_lost = true;
		u->rc = NC_OK; /* said already */
	}
}

/* A document's own output, written already: its notes, then its name
 * (and its side files') given to it. */
static void commit_own(struct batch *b, struct unit *u)
{
	const struct cli *c = b->c;
	for (size_t k = 0; k < u->w->nnotes; k++)
		if (c->verbosity >= 0)
			cli_say(u->out_path, NULL, u->w->notes[k]);
	u->rc = file_commit_parts(u->w, &u->err);
	if (!u->rc)
		u->rc = nc_out_commit(&u->file, &u->err);
	if (!u->rc)
		u->rc = file_commit_index(u->w, &u->err);
	if (!u->rc && c->verbosity > 0)
		fprintf(stderr, "%s: wrote %s\n", nc_progname, u->out_path);
}

static void failed(struct batch *b, const struct nc_err *err, const char *fallback)
{
	cli_report(err, fallback);
	if (b->exit_code == EXIT_OK)
		b->exit_code = EXIT_INPUT;
}

/* What a unit holds besides its document (the job frees that). */
static void release_unit(struct unit *u)
{
	nc_out_abort(&u->file);
	nc_writer_free(u->w);
	free(u->out_path);
}

static void release_job(struct job *j)
{
	for (size_t k = 0; k < j->nunits; k++)
		release_unit(&j->units[k]);
	nc_doclist_free(&j->docs);
	free(j->units);
	part_free(j->part);
	memset(j, 0, sizeof *j);
}

/* One document, in order: its warnings, then into the shared output or
 * its own file into place. */
static void finish_unit(struct batch *b, struct job *j, struct unit *u)
{
	cli_doc_notes(b->c, j->in->path, u->doc); /* once: fetching may add warnings */
	if (!u->rc && b->w)
		add_to_shared(b, u);
	else if (!u->rc && u->w)
		commit_own(b, u);
	if (u->rc)
		failed(b, &u->err, j->in->path);
}

/* What is said of an input as a whole: it failed, was passed over, or
 * held nothing (an empty feed is a feed, not an error). */
static void report_job(struct batch *b, struct job *j)
{
	const struct cli *c = b->c;
	if (j->rc) {
		failed(b, &j->err, j->in->path);
	} else if (j->skipped && c->verbosity > 0) {
		fprintf(stderr, "%s: %s: not an article, skipped\n", nc_progname, j->in->path);
	} else if (cli_said_skipped(c, j->in->path, &j->docs) &&
		   (c->strict || j->k0 + j->nunits == 0)) { /* a later part: not empty */
		if (b->exit_code == EXIT_OK)
			b->exit_code = EXIT_INPUT;
	} else if (!j->skipped && j->nunits == 0 && !j->docs.nskipped && !j->k0 && !j->more) {
		b->empty++;
		if (c->verbosity >= 0)
			fprintf(stderr, "%s: %s: no items; nothing to convert\n", nc_progname, j->in->path);
	}
}

/* A large window of own outputs made durable at once (see struct window). */
static void sync_window(struct batch *b, struct window *w)
{
	if (b->w || !w->bulk_sync)
		return;
	/* One syncfs() per file system the window wrote to; an output
	 * whose sync failed is reported and not named (output.c). */
	struct nc_fs_sync fs = {0};
	for (size_t i = 0; i < w->njobs; i++)
		for (size_t k = 0; k < w->jobs[i].nunits; k++) {
			struct unit *u = &w->jobs[i].units[k];
			if (u->w && !u->rc && nc_fs_sync(&fs, u->out_path, &u->err))
				u->rc = u->err.code;
		}
	nc_fs_sync_free(&fs);
}

/* In input order: messages, then each document to its output. */
static void finish_window(struct batch *b, struct window *w)
{
	sync_window(b, w);
	for (size_t i = 0; i < w->njobs; i++) {
		struct job *j = &w->jobs[i];
		report_job(b, j);
		for (size_t k = 0; k < j->nunits; k++)
			finish_unit(b, j, &j->units[k]);
		b->done += !j->more;
		release_job(j);
	}
	progress(b, false);
}

/* Stopped by a signal: nothing of the window is written, and no
 * temporary file is left. */
static void abort_window(struct window *w)
{
	for (size_t i = 0; i < w->njobs; i++)
		release_job(&w->jobs[i]);
}

/* The committer: finish_window() of the window just converted, on its
 * own thread, so that syncing and renaming one window overlaps reading
 * and converting the next.  One thread (-j 1) means one thread: the
 * window is committed in place.  A shared output is too: its add()
 * must not run beside the next window's prepare(). */
static void commit_job(void *ctx, unsigned slot)
{
	struct committer *k = ctx;
	(void)slot;
	finish_window(k->b, &k->w);
}

static void commit_wait(struct batch *b)
{
	if (b->commit.running)
		pool_bg_wait(&b->pool);
	b->commit.running = false;
}

/* Hands the current window to the committer; the caller gets the other
 * job array for the next window.  The last window is committed in place:
 * nothing is left to overlap it with. */
static void commit_start(struct batch *b, struct job *spare, bool last)
{
	struct committer *k = &b->commit;
	k->b = b;
	k->w = b->win;
	b->win.jobs = spare;
	b->win.njobs = 0;
	if (!b->w && !last && pool_bg_start(&b->pool, commit_job, k))
		k->running = true;
	else
		finish_window(b, &k->w);
}

/* ---- the run ---------------------------------------------------------------- */

static int open_shared(struct batch *b, const char *single, struct nc_out *file)
{
	const struct cli *c = b->c;
	struct nc_err err = {0};
	struct nc_write_opts wo = opts_for(c, single);
	struct nc_sink sink = { file_sink, stdout };
	if (single) {
		if (inputs_contain(b->in, single) ||
		    (c->wo.cdx_path && inputs_contain(b->in, c->wo.cdx_path))) {
			fprintf(stderr, "%s: %s: refusing to overwrite an input file\n", nc_progname,
				inputs_contain(b->in, single) ? single : c->wo.cdx_path);
			return EXIT_INPUT;
		}
		if (nc_out_open(file, single, &err)) {
			cli_report(&err, single);
			return EXIT_INPUT;
		}
		sink.ctx = file->f;
	}
	if (nc_writer_new(&b->w, c->format, &wo, &sink, &err)) {
		cli_report(&err, single ? single : "-");
		nc_out_abort(file);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

static int close_shared(struct batch *b, const char *single, struct nc_out *file)
{
	const struct cli *c = b->c;
	struct nc_err err = {0};
	const char *where = single ? single : "-";
	int rc = EXIT_OK;
	if (b->w->ndocs == 0 && b->exit_code == EXIT_OK && !b->shared_lost && b->empty) {
		/* every input was read, none held a document: nothing to do */
		if (c->verbosity >= 0)
			fprintf(stderr, "%s: %s: nothing written: the input held no items\n",
				nc_progname, where);
	} else if (b->shared_lost || b->w->ndocs == 0) {
		if (b->w->ndocs == 0 && !b->shared_lost)
			fprintf(stderr, "%s: %s: nothing written: no article was converted\n",
				nc_progname, where);
		rc = EXIT_INPUT;
	} else if (nc_writer_finish(b->w, &err) != NC_OK ||
		   (single ? nc_out_close(file, true, &err) || file_commit_parts(b->w, &err) ||
				     nc_out_commit(file, &err)
			   : fflush(stdout) != 0 && nc_err_set(&err, NC_ERR_IO, "-", "cannot write to standard output")) ||
		   (!single && file_commit_parts(b->w, &err)) || file_commit_index(b->w, &err)) {
		cli_report(&err, where);
		rc = EXIT_INPUT;
	} else {
		for (size_t k = 0; k < b->w->nnotes; k++)
			if (c->verbosity >= 0)
				cli_say(where, NULL, b->w->notes[k]);
		if (single && c->verbosity > 0)
			fprintf(stderr, "%s: wrote %s (%llu bytes)\n", nc_progname, single,
				(unsigned long long)b->w->offset);
	}
	nc_out_abort(file);
	nc_writer_free(b->w);
	b->w = NULL;
	return rc;
}

/* The window's jobs from input `first` on, or (*carry) the next part of
 * an input read in parts alone. */
static void fill_window(struct batch *b, size_t first, struct job *carry)
{
	struct window *w = &b->win;
	if (carry->part) {
		w->jobs[0] = (struct job){ .in = carry->in, .index = carry->index,
					   .part = carry->part, .k0 = carry->k0 };
		*carry = (struct job){0};
		w->njobs = 1;
		return;
	}
	w->njobs = b->in->n - first < b->window ? b->in->n - first : b->window;
	for (size_t i = 0; i < w->njobs; i++)
		w->jobs[i] = (struct job){ .in = &b->in->v[first + i], .index = first + i };
}

/* After reading: an input with documents left ends the window (output
 * stays in input order); the inputs read after it are read again in a
 * later window.  Returns the input to read next. */
static size_t cut_window(struct batch *b, size_t first, bool carried, bool converted)
{
	struct window *w = &b->win;
	size_t keep = 0, units = 0;
	while (keep < w->njobs && !w->jobs[keep].more)
		units += w->jobs[keep++].nunits;
	if (keep < w->njobs)
		units += w->jobs[keep++].nunits;
	for (size_t i = keep; i < w->njobs; i++)
		release_job(&w->jobs[i]);
	size_t next = carried ? first : w->jobs[keep - 1].index + 1;
	w->njobs = keep;
	if (!converted) /* else it was decided before converting (work_window) */
		w->bulk_sync = units >= 16;
	return next;
}

/* The part left of the window's last input, for the next window. */
static void take_carry(struct batch *b, struct job *carry)
{
	struct job *j = &b->win.jobs[b->win.njobs - 1];
	if (!j->more)
		return;
	*carry = (struct job){ .in = j->in, .index = j->index, .part = j->part,
			       .k0 = j->k0 + j->nunits };
	j->part = NULL;
}

/* One window read, planned, fetched and converted; returns the input to
 * read next.  In one pass (run_pipeline) when no images are fetched and
 * the window has enough inputs to be synced at once, else in two phases
 * with the main thread alone in between (plan_outputs, fetch_window). */
static size_t work_window(struct batch *b, size_t first, bool carried,
			  struct nc_fetch_stats *fetched)
{
	struct window *w = &b->win;
	if (!b->c->fetch && w->njobs >= 16) {
		w->bulk_sync = true;
		run_pipeline(b);
		return cut_window(b, first, carried, true);
	}
	run_phase(b, PHASE_READ);
	first = cut_window(b, first, carried, false);
	if (!b->one_output && !cli_stop)
		plan_outputs(b); /* in input order: the first claim wins */
	if (b->c->fetch && !cli_stop)
		fetch_window(b, fetched);
	if (!cli_stop && list_units(b)) {
		run_phase(b, PHASE_CONVERT);
	} else if (!cli_stop) { /* no memory for the list: one by one */
		for (size_t i = 0; i < w->njobs; i++)
			for (size_t k = 0; !w->jobs[i].rc && !w->jobs[i].skipped &&
					   k < w->jobs[i].nunits; k++)
				convert_unit(b, &w->jobs[i].units[k]);
	}
	return first;
}

/* Every window through work_window; each converted window is committed
 * while the next one is worked on.  Two job arrays take turns.  Returns
 * false when a signal stopped the run. */
static bool run_windows(struct batch *b, struct job *arrays[2], struct nc_fetch_stats *fetched)
{
	struct job carry = {0};
	b->win.jobs = arrays[0];
	for (size_t first = 0; first < b->in->n || carry.part;) {
		struct window *w = &b->win;
		bool carried = carry.part != NULL;
		fill_window(b, first, &carry);
		first = work_window(b, first, carried, fetched);
		commit_wait(b); /* the window before: its array is free again */
		if (cli_stop) {
			abort_window(w);
			return false;
		}
		take_carry(b, &carry);
		commit_start(b, w->jobs == arrays[0] ? arrays[1] : arrays[0],
			     first >= b->in->n && !carry.part);
		/* A lost shared output is known at once: it is committed in place. */
		if (!b->commit.running && b->shared_lost)
			break;
	}
	part_free(carry.part);
	commit_wait(b);
	return !cli_stop;
}

int batch_run(struct cli *c, struct inputs *in, bool one_output, const char *single)
{
	struct batch b = { .c = c, .in = in };
	struct nc_out shared = {0};
	struct nc_fetch_stats fetched = {0};
	xmlInitParser(); /* before threads, as libxml2 requires */
	if (one_output && c->digest) /* needs every item first: cli/digest.c */
		return digest_run(c, in, single);
	b.window = (size_t)(c->threads > 0 ? c->threads : 1) * WINDOW_PER_THREAD;
	struct job *arrays[2] = { calloc(b.window, sizeof **arrays), calloc(b.window, sizeof **arrays) };
	int exit_code = EXIT_INPUT;
	if (!arrays[0] || !arrays[1]) {
		fprintf(stderr, "%s: out of memory\n", nc_progname);
		goto out;
	}
	b.start = b.last = now();
	if (one_output && open_shared(&b, single, &shared) != EXIT_OK)
		goto out;
	/* -j N: N threads take jobs (this one too).  The committer runs
	 * beside them, except with -j 1 (one thread means one) and with a
	 * shared output (its add() must not run beside a prepare()). */
	size_t threads = c->threads > 1 ? (size_t)c->threads : 1;
	b.one_output = one_output;
	pthread_mutex_init(&b.pipe_mu, NULL);
	pthread_cond_init(&b.pipe_cv, NULL);
	pool_start(&b.pool, threads - 1, threads > 1 && !one_output);
	bool finished = run_windows(&b, arrays, &fetched);
	pool_stop(&b.pool);
	pthread_cond_destroy(&b.pipe_cv);
	pthread_mutex_destroy(&b.pipe_mu);
	progress(&b, true);
	if (!finished) {
		if (one_output) {
			nc_out_abort(&shared);
			nc_writer_free(b.w);
		}
		fprintf(stderr, "%s: stopped by signal %d after %zu of %zu inputs; "
			"finished outputs kept, nothing half-written\n",
			nc_progname, (int)cli_stop, b.done, in->n);
		exit_code = 128 + cli_stop;
		goto out;
	}
	exit_code = b.shared_lost ? EXIT_INPUT : b.exit_code;
	if (b.fetch_failed && exit_code == EXIT_OK)
		exit_code = EXIT_INPUT;
	if (one_output && close_shared(&b, single, &shared) != EXIT_OK)
		exit_code = EXIT_INPUT;
	if (c->fetch && c->verbosity >= 0 && fetched.total)
		fprintf(stderr, "%s: images: %zu fetched, %zu from cache, %zu failed (%llu bytes)\n",
			nc_progname, fetched.fetched, fetched.cached, fetched.failed,
			(unsigned long long)fetched.bytes);
	if (c->strict && (fetched.failed || full_text_failures()))
		exit_code = EXIT_INPUT;
out:
	free(b.units);
	run_images_free(&b.images);
	nc_map_free(&b.claimed);
	nc_buf_free(&b.key);
	names_cache_free(&b.key_cache);
	free(arrays[0]);
	free(arrays[1]);
	return exit_code;
}
