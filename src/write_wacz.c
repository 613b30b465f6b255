/*
 * write_wacz.c - WACZ 1.1.1 (https://specs.webrecorder.net/wacz/1.1.1/),
 * the zip that ReplayWeb.page and other replay tools open directly.
 *
 *   archive/data.warc.gz      the WARC of nc_format_warc, gzip per record,
 *                             STORED so that a reader seeks to a record
 *                             by its CDXJ offset without inflating
 *   indexes/index.cdxj        that WARC's CDXJ index
 *   pages/pages.jsonl         one line per article: url, ts, title and
 *                             its plain text for full-text search
 *   datapackage.json          Frictionless Data Package: every file
 *                             above with its sha256 and size
 *   datapackage-digest.json   the sha256 of datapackage.json
 *
 * Streaming: the WARC writer is driven as it is for --to warc, with a
 * sink into a temporary file beside the output; pages go to another as
 * articles are added, both hashed on the way.  finish() hashes the
 * index, lets libzip read the temporary files, and copies the zip to
 * the sink.  No archive is ever held in memory.
 *
 * Not supported: signing (signedData in datapackage-digest.json),
 * several WARCs per WACZ, compressed CDX (index.cdx.gz + index.idx),
 * which only pays for archives of many millions of records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "newsconv.h"
#include "output.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/text.h"
#include "write_warc.h"
#include "write_zip.h"

/* A scratch file (output.h) written once, hashed as it is written. */
struct spool {
	FILE *f;
	struct nc_sha256_ctx sha;
	bool hashing;
	uint64_t bytes;
	unsigned char digest[32];
};

struct wacz {
	struct nc_writer *warc;   /* the inner WARC writer, into `data` */
	struct spool data, pages;
	FILE *cdx;                /* the WARC writer's index, for the zip */
	int zip;                  /* the zip being built; -1 before */
	int64_t created;
};

/* What prepare() leaves in the document: the WARC writer's part and
 * the article's pages.jsonl line. */
struct wacz_part {
	void *warc;
	void (*warc_free)(void *);
	struct nc_buf line;
};

static const char *where(const struct nc_writer *w)
{
	return w->opts.output_path ? w->opts.output_path : "-";
}

/* ---- temporary files --------------------------------------------------- */

static int spool_open(struct spool *s, const struct nc_writer *w, struct nc_err *err)
{
	if (!(s->f = nc_scratch_fopen(w->opts.output_path, err)))
		return err->code;
	if (nc_sha256_begin(&s->sha))
		return nc_err_set(err, NC_ERR_NOMEM, where(w), "out of memory");
	s->hashing = true;
	return NC_OK;
}

static int spool_write(void *ctx, const void *data, size_t len)
{
	struct spool *s = ctx;
	if (len && fwrite(data, 1, len, s->f) != len)
		return -1;
	nc_sha256_update(&s->sha, data, len);
	s->bytes += len;
	return 0;
}

/* Written whole: libzip reads it through its descriptor. */
static int spool_done(struct spool *s)
{
	nc_sha256_end(&s->sha, s->digest);
	s->hashing = false;
	return fflush(s->f) != 0 || ferror(s->f) ? NC_ERR_IO : NC_OK;
}

static void spool_drop(struct spool *s)
{
	nc_scratch_fclose(s->f);
	if (s->hashing)
		nc_sha256_end(&s->sha, s->digest);
	memset(s, 0, sizeof *s);
}

/* sha256 and size of a finished scratch file. */
static int hash_file(FILE *f, unsigned char digest[32], uint64_t *bytes)
{
	struct nc_sha256_ctx c;
	if (fflush(f) != 0 || ferror(f))
		return NC_ERR_IO;
	if (nc_sha256_begin(&c))
		return NC_ERR_NOMEM;
	char chunk[65536];
	ssize_t n;
	*bytes = 0;
	while ((n = pread(fileno(f), chunk, sizeof chunk, (off_t)*bytes)) > 0) {
		nc_sha256_update(&c, chunk, (size_t)n);
		*bytes += (uint64_t)n;
	}
	nc_sha256_end(&c, digest);
	return n < 0 ? NC_ERR_IO : NC_OK;
}

/* The inner WARC writer names its output "data.warc.gz" (its name
 * inside the WACZ); a message names the file being written. */
static int named(const struct nc_writer *w, struct nc_err *err, int rc)
{
	if (rc && strcmp(err->where, "data.warc.gz") == 0)
		snprintf(err->where, sizeof err->where, "%s", where(w));
	return rc;
}

/* ---- JSON -------------------------------------------------------------- */

static void hash_text(const unsigned char d[32], char out[72])
{
	memcpy(out, "sha256:", 7);
	nc_hex(d, 32, out + 7);
}

/* ---- pages.jsonl ------------------------------------------------------- */

static bool block_ends_line(enum nc_node_type t)
{
	switch (t) {
	case NC_NODE_PARAGRAPH: case NC_NODE_HEADING: case NC_NODE_BLOCKQUOTE:
	case NC_NODE_ITEM: case NC_NODE_CODE_BLOCK: case NC_NODE_TABLE_ROW:
	case NC_NODE_FIGURE: case NC_NODE_CAPTION: case NC_NODE_LINE_BREAK:
	case NC_NODE_THEMATIC_BREAK:
		return true;
	case NC_NODE_DOCUMENT: case NC_NODE_LIST: case NC_NODE_TABLE:
	case NC_NODE_TABLE_CELL: case NC_NODE_TEXT: case NC_NODE_EMPH:
	case NC_NODE_STRONG: case NC_NODE_STRIKE: case NC_NODE_SUB: case NC_NODE_SUP:
	case NC_NODE_CODE: case NC_NODE_LINK: case NC_NODE_IMAGE: case NC_NODE_EMBED:
		return false;
	}
	return false;
}

static void sep(struct nc_buf *t, char c)
{
	if (t->len && t->data[t->len - 1] != '\n' && t->data[t->len - 1] != ' ')
		nc_buf_putc(t, c);
}

/* The article's text as a reader sees it: one line per block, for a
 * replay tool's full-text search. */
static void plain_text(struct nc_buf *t, struct nc_node *root)
{
	struct nc_iter it;
	nc_iter_init(&it, root);
	enum nc_event ev;
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		struct nc_node *n = it.cur;
		if (ev == NC_EVENT_ENTER) {
			if (n->type == NC_NODE_TEXT || n->type == NC_NODE_CODE)
				nc_buf_put(t, n->as.text.literal, n->as.text.len);
			else if (n->type == NC_NODE_CODE_BLOCK && n->as.code_block.literal)
				nc_buf_put(t, n->as.code_block.literal, n->as.code_block.len);
			else if (n->type == NC_NODE_TABLE_CELL)
				sep(t, ' ');
		}
		if ((ev == NC_EVENT_EXIT || nc_node_is_leaf(n)) && block_ends_line(n->type))
			sep(t, '\n');
	}
	while (t->len && (t->data[t->len - 1] == '\n' || t->data[t->len - 1] == ' '))
		nc_buf_truncate(t, t->len - 1);
}

static int page_line(const struct nc_writer *w, const struct nc_doc *d, struct nc_buf *line)
{
	const struct wacz *z = w->state;
	struct nc_buf url = {0}, text = {0};
	char ts[21], id[41];
	unsigned char h[20];
	nc_warc_page_url(d, w->opts.base_url, &url);
	nc_date_iso(nc_warc_page_date(z->warc, d), ts);
	plain_text(&text, d->root);
	/* An id that does not depend on threads or on the clock. */
	nc_sha1(d->input, d->input_len, h);
	nc_hex(h, 16, id);
	nc_buf_puts(line, "{\"id\": ");
	nc_json_str(line, id);
	nc_buf_puts(line, ", \"url\": ");
	nc_json_str(line, url.data);
	nc_buf_printf(line, ", \"ts\": \"%s\", \"title\": ", ts);
	nc_json_str(line, d->meta.title);
	nc_buf_puts(line, ", \"text\": ");
	nc_json_str(line, text.data);
	nc_buf_puts(line, "}\n");
	int rc = url.oom || text.oom || line->oom ? NC_ERR_NOMEM : NC_OK;
	nc_buf_free(&url);
	nc_buf_free(&text);
	return rc;
}

/* ---- the format -------------------------------------------------------- */

static void part_free(void *arg)
{
	struct wacz_part *p = arg;
	if (p->warc && p->warc_free)
		p->warc_free(p->warc);
	nc_buf_free(&p->line);
	free(p);
}

static int wacz_prepare(const struct nc_writer *w, struct nc_doc *d, struct nc_err *err)
{
	const struct wacz *z = w->state;
	struct wacz_part *p = calloc(1, sizeof *p);
	if (!p)
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	int rc = nc_format_warc.prepare(z->warc, d, err);
	if (rc) {
		free(p);
		return rc;
	}
	p->warc = d->prepared;
	p->warc_free = d->prepared_free;
	d->prepared = p;
	d->prepared_free = part_free;
	if (page_line(w, d, &p->line))
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	return NC_OK;
}

static int wacz_add(struct nc_writer *w, struct nc_doc *d, struct nc_err *err)
{
	struct wacz *z = w->state;
	struct wacz_part *p = d->prepared;
	/* The WARC writer sees its own part, as if it had been called. */
	d->prepared = p->warc;
	d->prepared_free = p->warc_free;
	int rc = named(w, err, nc_format_warc.add(z->warc, d, err));
	d->prepared = p;
	d->prepared_free = part_free;
	z->warc->ndocs++;
	if (!rc && spool_write(&z->pages, p->line.data, p->line.len))
		rc = nc_err_set(err, NC_ERR_IO, where(w), "cannot write: %s", strerror(errno));
	return rc;
}

static int wacz_begin(struct nc_writer *w, struct nc_err *err)
{
	const struct nc_write_opts *o = &w->opts;
	struct wacz *z = calloc(1, sizeof *z);
	if (!z)
		return nc_err_set(err, NC_ERR_NOMEM, where(w), "out of memory");
	w->state = z;
	z->created = o->have_epoch ? o->epoch : (int64_t)time(NULL);
	z->zip = -1;
	if (spool_open(&z->data, w, err) || spool_open(&z->pages, w, err) ||
	    !(z->cdx = nc_scratch_fopen(o->output_path, err)))
		return err->code;
	static const char header[] = "{\"format\": \"json-pages-1.0\", \"id\": \"pages\", \"title\": \"All Pages\"}\n";
	if (spool_write(&z->pages, header, sizeof header - 1))
		return nc_err_set(err, NC_ERR_IO, where(w), "cannot write: %s", strerror(errno));
	/* The name inside the WACZ: the WARC's WARC-Filename and the CDXJ's
	 * "filename" must both say it. */
	struct nc_write_opts inner = *o;
	inner.output_path = "data.warc.gz";
	if (!inner.id_name) {     /* ids of this WACZ, not of every data.warc.gz */
		const char *p = o->output_path ? strrchr(o->output_path, '/') : NULL;
		inner.id_name = o->output_path ? (p ? p + 1 : o->output_path) : "stdout.wacz";
	}
	inner.gzip = true;
	inner.cdx_path = NULL;
	struct nc_sink sink = { spool_write, &z->data };
	int rc = named(w, err, nc_writer_new(&z->warc, &nc_format_warc, &inner, &sink, err));
	if (!rc)
		nc_warc_keep_index(z->warc, o->output_path);
	return rc;
}

static int add_file(zip_t *za, const char *name, FILE *f, bool store, int64_t mtime)
{
	return nc_zip_add(za, name, nc_zip_source_fd(za, fileno(f), 0, -1), store, 6, mtime);
}

static int add_mem(zip_t *za, const char *name, const struct nc_buf *b, int64_t mtime)
{
	return nc_zip_add(za, name, zip_source_buffer(za, b->data, b->len, 0), false, 6, mtime);
}

static void resource(struct nc_buf *b, const char *name, const char *path,
		     const unsigned char digest[32], uint64_t bytes, bool last)
{
	char h[72];
	hash_text(digest, h);
	nc_buf_puts(b, "    {\"name\": ");
	nc_json_str(b, name);
	nc_buf_puts(b, ", \"path\": ");
	nc_json_str(b, path);
	nc_buf_printf(b, ", \"hash\": \"%s\", \"bytes\": %llu}%s\n", h,
		      (unsigned long long)bytes, last ? "" : ",");
}

static int build_zip(struct nc_writer *w, FILE *cdx, const unsigned char cdx_sha[32],
		     uint64_t cdx_bytes, struct nc_err *err)
{
	struct wacz *z = w->state;
	char date[21];
	nc_date_iso(z->created, date);
	struct nc_buf pkg = {0}, digest = {0};
	nc_buf_puts(&pkg, "{\n  \"profile\": \"data-package\",\n  \"wacz_version\": \"1.1.1\",\n");
	if (w->opts.title) {
		nc_buf_puts(&pkg, "  \"title\": ");
		nc_json_str(&pkg, w->opts.title);
		nc_buf_puts(&pkg, ",\n");
	}
	nc_buf_printf(&pkg, "  \"software\": \"newsconv/%s\",\n  \"created\": \"%s\",\n"
		      "  \"modified\": \"%s\",\n  \"resources\": [\n", NC_VERSION, date, date);
	resource(&pkg, "pages.jsonl", "pages/pages.jsonl", z->pages.digest, z->pages.bytes, false);
	resource(&pkg, "data.warc.gz", "archive/data.warc.gz", z->data.digest, z->data.bytes, false);
	resource(&pkg, "index.cdxj", "indexes/index.cdxj", cdx_sha, cdx_bytes, true);
	nc_buf_puts(&pkg, "  ]\n}\n");
	unsigned char pkg_sha[32];
	char h[72];
	nc_sha256(pkg.data, pkg.len, pkg_sha);
	hash_text(pkg_sha, h);
	nc_buf_printf(&digest, "{\n  \"path\": \"datapackage.json\",\n  \"hash\": \"%s\"\n}\n", h);
	if (pkg.oom || digest.oom) {
		nc_buf_free(&pkg);
		nc_buf_free(&digest);
		return nc_err_set(err, NC_ERR_NOMEM, where(w), "out of memory");
	}

	int rc = NC_OK;
	zip_t *za = nc_zip_create(z->zip);
	if (!za) {
		rc = nc_err_set(err, NC_ERR_IO, where(w), "cannot create the zip archive");
	} else {
		int64_t mtime = z->created;
		bool ok = add_file(za, "archive/data.warc.gz", z->data.f, true, mtime) == 0 &&
			  add_file(za, "indexes/index.cdxj", cdx, false, mtime) == 0 &&
			  add_file(za, "pages/pages.jsonl", z->pages.f, false, mtime) == 0 &&
			  add_mem(za, "datapackage.json", &pkg, mtime) == 0 &&
			  add_mem(za, "datapackage-digest.json", &digest, mtime) == 0;
		if (!ok) {
			rc = nc_err_set(err, NC_ERR_INTERNAL, where(w), "cannot build the WACZ: %s",
					zip_strerror(za));
			zip_discard(za);
		} else if (zip_close(za) < 0) {
			rc = nc_err_set(err, NC_ERR_IO, where(w), "cannot finish the WACZ: %s",
					zip_strerror(za));
			zip_discard(za);
		}
	}
	nc_buf_free(&pkg);
	nc_buf_free(&digest);
	return rc;
}

static int wacz_finish(struct nc_writer *w, struct nc_err *err)
{
	struct wacz *z = w->state;
	int rc = named(w, err, nc_writer_finish(z->warc, err));
	if (rc)
		return rc;
	unsigned char cdx_sha[32];
	uint64_t cdx_bytes = 0;
	if ((rc = nc_warc_write_index(z->warc, z->cdx)) != NC_OK ||
	    (rc = hash_file(z->cdx, cdx_sha, &cdx_bytes)) != NC_OK) {
		/* Say why: a full disk is the usual cause (review row 25). */
		int e = errno;
		return nc_err_set(err, rc, where(w), "cannot index the archive: %s",
				  rc == NC_ERR_NOMEM ? "out of memory" : e ? strerror(e) : "write error");
	}
	if (spool_done(&z->data) || spool_done(&z->pages))
		return nc_err_set(err, NC_ERR_IO, where(w), "cannot write: %s", strerror(errno));
	if ((z->zip = nc_scratch_open(w->opts.output_path, err)) < 0)
		return err->code;
	rc = build_zip(w, z->cdx, cdx_sha, cdx_bytes, err);
	if (!rc)
		rc = nc_writer_put_fd(w, z->zip, err);
	return rc;
}

static void wacz_free(struct nc_writer *w)
{
	struct wacz *z = w->state;
	if (!z)
		return;
	nc_writer_free(z->warc);
	spool_drop(&z->data);
	spool_drop(&z->pages);
	nc_scratch_fclose(z->cdx);
	nc_scratch_close(z->zip);
	free(z);
	w->state = NULL;
}

const struct nc_format nc_format_wacz = {
	.name = "wacz",
	.extension = ".wacz",
	.many_in_one = true,
	.prepare = wacz_prepare,
	.begin = wacz_begin,
	.add = wacz_add,
	.finish = wacz_finish,
	.free = wacz_free,
};
