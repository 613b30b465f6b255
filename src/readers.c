/* readers.c - the table of readers, choosing one by content, and the
 * list of documents one input gives. */
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"
#include "sniff.h"

/* front-matter HTML: nc_read() in read.c */
static int html_detect(const unsigned char *data, size_t len)
{
	if (nc_sniff_article(data, len))
		return 2;
	/* Any text is an article without front matter (a plain-text body). */
	return memchr(data, '\0', len < 8192 ? len : 8192) ? 0 : 1;
}

static int html_read(const char *name, const unsigned char *data, size_t len,
		     struct nc_doclist *out, struct nc_err *err)
{
	struct nc_doc *d = NULL;
	int rc = nc_read(name, data, len, &d, err);
	if (rc)
		return rc;
	if (nc_doclist_push(out, d))
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	return NC_OK;
}

const struct nc_reader nc_reader_html = {
	.name = "html",
	.detect = html_detect,
	.read = html_read,
};

/* WARC first: an archive is never also an article.  md before html: both
 * say 2 for front matter, and md only says 2 when the body is Markdown,
 * so ties on front-matter HTML still go to html by md's lower score, and
 * Markdown posts to md by order.  A feed starting with <rss is HTML-ish
 * too, so feed comes before html. */
const struct nc_reader *const nc_readers[] = {
	&nc_reader_warc,
	&nc_reader_feed,
	&nc_reader_md,
	&nc_reader_html,
	NULL
};

const struct nc_reader *nc_reader_find(const char *name)
{
	for (size_t i = 0; nc_readers[i]; i++)
		if (strcmp(nc_readers[i]->name, name) == 0)
			return nc_readers[i];
	return NULL;
}

const struct nc_reader *nc_reader_detect(const unsigned char *data, size_t len,
					 int *score)
{
	const struct nc_reader *best = NULL;
	int top = 0;
	for (size_t i = 0; nc_readers[i]; i++) {
		int s = nc_readers[i]->detect(data, len);
		if (s > top) {
			top = s;
			best = nc_readers[i];
		}
	}
	if (score)
		*score = top;
	return best;
}

int nc_doclist_push(struct nc_doclist *l, struct nc_doc *doc)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct nc_doc **v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			nc_doc_free(doc);
			return NC_ERR_NOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = doc;
	return NC_OK;
}

void nc_doclist_free(struct nc_doclist *l)
{
	for (size_t i = 0; i < l->n; i++)
		nc_doc_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
