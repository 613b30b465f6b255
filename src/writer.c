/* writer.c - what every format shares: the nc_writer that streams
 * documents one at a time into a sink, its side files and notes, and
 * the table of formats. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsconv.h"
#include "output.h"
#include "util/buf.h"

const struct nc_format *const nc_formats[] = {
	&nc_format_md,
	&nc_format_epub,
	&nc_format_warc,
	&nc_format_json,
	&nc_format_wacz,
	NULL
};

const struct nc_format *nc_format_find(const char *name)
{
	for (size_t i = 0; nc_formats[i]; i++)
		if (strcmp(nc_formats[i]->name, name) == 0)
			return nc_formats[i];
	return NULL;
}

static const char *where(const struct nc_writer *w)
{
	return w->opts.output_path ? w->opts.output_path : "-";
}

int nc_writer_new(struct nc_writer **out, const struct nc_format *f,
		  const struct nc_write_opts *o, const struct nc_sink *sink,
		  struct nc_err *err)
{
	*out = NULL;
	struct nc_writer *w = calloc(1, sizeof *w);
	if (!w)
		return nc_err_set(err, NC_ERR_NOMEM, o->output_path ? o->output_path : "-",
				  "out of memory");
	w->format = f;
	w->opts = *o;
	w->sink = *sink;
	int rc = f->begin(w, err);
	if (rc) {
		nc_writer_free(w);
		return rc;
	}
	*out = w;
	return NC_OK;
}

/* What prepare() made belongs to one writer and one add(). */
static void drop_prepared(struct nc_doc *doc)
{
	if (doc->prepared && doc->prepared_free)
		doc->prepared_free(doc->prepared);
	doc->prepared = NULL;
	doc->prepared_free = NULL;
	doc->prepared_by = NULL;
}

int nc_writer_prepare(const struct nc_writer *w, struct nc_doc *doc,
		      struct nc_err *err)
{
	if (!w->format->prepare || (doc->prepared && doc->prepared_by == w))
		return NC_OK;
	drop_prepared(doc);
	int rc = w->format->prepare(w, doc, err);
	if (!rc)
		doc->prepared_by = w;
	return rc;
}

int nc_writer_add(struct nc_writer *w, struct nc_doc *doc, struct nc_err *err)
{
	int rc;
	if ((rc = nc_writer_prepare(w, doc, err)) != NC_OK)
		return rc;
	rc = w->format->add(w, doc, err);
	drop_prepared(doc);
	w->ndocs++;
	return rc;
}

int nc_writer_finish(struct nc_writer *w, struct nc_err *err)
{
	if (w->ndocs == 0)
		return nc_err_set(err, NC_ERR_USAGE, where(w), "no articles to write");
	return w->format->finish(w, err);
}

void nc_writer_free(struct nc_writer *w)
{
	if (!w)
		return;
	if (w->format->free)
		w->format->free(w);
	for (size_t i = 0; i < w->nside; i++) {
		if (w->side[i].out)
			nc_out_abort(w->side[i].out); /* unless committed */
		free(w->side[i].out);
		free(w->side[i].path);
		free(w->side[i].data);
	}
	free(w->side);
	for (size_t i = 0; i < w->nnotes; i++)
		free(w->notes[i]);
	free(w->notes);
	free(w);
}

int nc_writer_put(struct nc_writer *w, const void *data, size_t len,
		  struct nc_err *err)
{
	if (len == 0)
		return NC_OK;
	if (w->sink.write(w->sink.ctx, data, len) != 0)
		return nc_err_set(err, NC_ERR_IO, where(w), "cannot write: %s",
				  strerror(errno));
	w->offset += len;
	return NC_OK;
}

int nc_writer_put_fd(struct nc_writer *w, int fd, struct nc_err *err)
{
	char chunk[65536];
	off_t off = 0;
	ssize_t n;
	int rc = NC_OK;
	while (!rc && (n = pread(fd, chunk, sizeof chunk, off)) > 0) {
		rc = nc_writer_put(w, chunk, (size_t)n, err);
		off += n;
	}
	if (!rc && n < 0)
		rc = nc_err_set(err, NC_ERR_IO, where(w), "cannot read the finished output back: %s",
				strerror(errno));
	return rc;
}

static struct nc_sidefile *new_side(struct nc_writer *w, const char *path)
{
	/* Capacity: the next power of two, so thousands of images cost
	 * amortised constant time each. */
	struct nc_sidefile *v = w->side;
	if ((w->nside & (w->nside - 1)) == 0) {
		size_t cap = w->nside ? w->nside * 2 : 1;
		if (!(v = realloc(w->side, cap * sizeof *v)))
			return NULL;
		w->side = v;
	}
	struct nc_sidefile *f = &v[w->nside];
	memset(f, 0, sizeof *f);
	if (!(f->path = strdup(path)))
		return NULL;
	w->nside++;
	return f;
}

int nc_writer_side(struct nc_writer *w, const char *path, const void *data,
		   size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);
	struct nc_sidefile *f = copy ? new_side(w, path) : NULL;
	if (!f) {
		free(copy);
		return NC_ERR_NOMEM;
	}
	if (len)
		memcpy(copy, data, len);
	f->data = copy;
	f->size = len;
	return NC_OK;
}

int nc_writer_side_out(struct nc_writer *w, const char *path, struct nc_out *out)
{
	struct nc_sidefile *f = new_side(w, path);
	if (!f) {
		nc_out_abort(out);
		free(out);
		return NC_ERR_NOMEM;
	}
	f->out = out;
	return NC_OK;
}

int nc_writer_note(struct nc_writer *w, const char *fmt, ...)
{
	struct nc_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	nc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *line = nc_buf_detach(&b, NULL);
	char **v = line ? realloc(w->notes, (w->nnotes + 1) * sizeof *v) : NULL;
	if (!v) {
		free(line);
		return NC_ERR_NOMEM;
	}
	w->notes = v;
	v[w->nnotes++] = line;
	return NC_OK;
}

/* ---- everything into memory ------------------------------------------- */

static int to_buf(void *ctx, const void *data, size_t len)
{
	if (nc_buf_put(ctx, data, len)) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int nc_write_all(const struct nc_format *f, struct nc_doc *const *docs,
		 size_t ndocs, const struct nc_write_opts *o,
		 unsigned char **data, size_t *size, struct nc_err *err)
{
	struct nc_buf b = {0};
	struct nc_sink sink = { to_buf, &b };
	struct nc_writer *w = NULL;
	int rc = nc_writer_new(&w, f, o, &sink, err);
	for (size_t i = 0; !rc && i < ndocs; i++)
		rc = nc_writer_add(w, docs[i], err);
	if (!rc)
		rc = nc_writer_finish(w, err);
	nc_writer_free(w);
	if (!rc && !b.data && nc_buf_reserve(&b, 0))
		rc = nc_err_set(err, NC_ERR_NOMEM, "-", "out of memory");
	if (rc) {
		nc_buf_free(&b);
		return rc;
	}
	*data = (unsigned char *)nc_buf_detach(&b, size);
	return NC_OK;
}
