/* readers.c - the table of readers, choosing one by content, and the
 * list of documents one input gives. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"
#include "read.h"
#include "sniff.h"
#include "util/buf.h"
#include "util/text.h"

/* front-matter HTML: nc_read() in read.c */
static int html_detect(const unsigned char *data, size_t len)
{
	if (nc_sniff_article(data, len))
		return 2;
	/* Any text is an article without front matter (a plain-text body). */
	return nc_input_is_binary(data, len) ? 0 : 1;
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
	&nc_reader_opml, /* says 3 for <opml>: a subscription list, never an article */
	&nc_reader_md,
	&nc_reader_html,
	NULL
};

int nc_reader_read_whole(const struct nc_reader *r, const char *name, const unsigned char *data,
			 size_t len, struct nc_doclist *out, struct nc_err *err)
{
	void *cursor = NULL;
	bool more;
	int rc = r->open(name, data, len, &cursor, err);
	if (!rc)
		rc = r->next(cursor, 0, out, &more, err);
	if (cursor)
		r->close(cursor);
	return rc;
}

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

/* Every reader hands its documents over here, so this is where their
 * metadata is made valid UTF-8 whatever the input was (a file name, a
 * feed read with recovery, an archive's fields): writers rely on it. */
static int repair_meta(struct nc_meta *m)
{
	int bad = 0;
	char **one[] = { &m->title, &m->title_raw, &m->date_raw, &m->updated_raw, &m->language,
			 &m->cover, &m->description, &m->source_url, &m->fm_raw };
	for (size_t i = 0; i < sizeof one / sizeof *one; i++)
		bad |= nc_utf8_repair(one[i]);
	struct nc_strlist *lists[] = { &m->authors, &m->tags };
	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < lists[i]->len; k++)
			bad |= nc_utf8_repair(&lists[i]->items[k]);
	for (size_t c = 0; c < m->ncategories; c++)
		for (size_t k = 0; k < m->categories[c].len; k++)
			bad |= nc_utf8_repair(&m->categories[c].items[k]);
	for (size_t i = 0; i < m->nextra; i++)
		bad |= nc_utf8_repair(&m->extra[i].key) | nc_utf8_repair(&m->extra[i].value);
	return bad ? NC_ERR_NOMEM : NC_OK;
}

/* The same for the text of the tree (a reader that missed a byte). */
static int repair_tree(struct nc_node *root)
{
	int bad = 0;
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		struct nc_node *n = it.cur;
		if (ev != NC_EVENT_ENTER)
			continue;
		/* Not a switch: only a few types hold text (-Wswitch-enum). */
		enum nc_node_type t = n->type;
		if (t == NC_NODE_TEXT || t == NC_NODE_CODE) {
			if (n->as.text.literal && !nc_utf8_valid(n->as.text.literal, n->as.text.len)) {
				char *text = strndup(n->as.text.literal, n->as.text.len);
				bad |= !text || nc_utf8_repair(&text) || nc_node_set_text(n, text, strlen(text));
				free(text);
			}
		} else if (t == NC_NODE_CODE_BLOCK) {
			if (n->as.code_block.literal &&
			    !nc_utf8_valid(n->as.code_block.literal, n->as.code_block.len)) {
				bad |= nc_utf8_repair(&n->as.code_block.literal);
				if (n->as.code_block.literal)
					n->as.code_block.len = strlen(n->as.code_block.literal);
			}
			bad |= nc_utf8_repair(&n->as.code_block.info);
		} else if (t == NC_NODE_LINK) {
			bad |= nc_utf8_repair(&n->as.link.url) | nc_utf8_repair(&n->as.link.title);
		} else if (t == NC_NODE_IMAGE) {
			bad |= nc_utf8_repair(&n->as.image.url) | nc_utf8_repair(&n->as.image.alt) |
			       nc_utf8_repair(&n->as.image.title);
		} else if (t == NC_NODE_EMBED) {
			bad |= nc_utf8_repair(&n->as.embed.url) | nc_utf8_repair(&n->as.embed.title) |
			       nc_utf8_repair(&n->as.embed.poster);
		}
	}
	return bad ? NC_ERR_NOMEM : NC_OK;
}

int nc_doclist_push(struct nc_doclist *l, struct nc_doc *doc)
{
	int bad = 0;
	for (size_t i = 0; i < doc->nwarnings; i++)
		bad |= nc_utf8_repair(&doc->warnings[i]);
	if (bad || repair_meta(&doc->meta) || (doc->root && repair_tree(doc->root))) {
		nc_doc_free(doc);
		return NC_ERR_NOMEM;
	}
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

int nc_doclist_skip(struct nc_doclist *l, const char *fmt, ...)
{
	struct nc_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	nc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *msg = b.oom || !b.data ? NULL : nc_buf_detach(&b, NULL);
	nc_buf_free(&b);
	char **v = msg && !nc_utf8_repair(&msg) ? realloc(l->skipped, (l->nskipped + 1) * sizeof *v)
					       : NULL;
	if (!v) {
		free(msg);
		return NC_ERR_NOMEM;
	}
	l->skipped = v;
	v[l->nskipped++] = msg;
	return NC_OK;
}

void nc_doclist_free(struct nc_doclist *l)
{
	for (size_t i = 0; i < l->n; i++)
		nc_doc_free(l->v[i]);
	for (size_t i = 0; i < l->nskipped; i++)
		free(l->skipped[i]);
	free(l->skipped);
	free(l->v);
	memset(l, 0, sizeof *l);
}
