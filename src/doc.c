/* doc.c - the document model: nodes, resources, the document, the
 * iterator, and errors.  Everything here is format-neutral. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/map.h"
#include "util/text.h"
#include "sniff.h"

/* ---- errors ----------------------------------------------------------- */

int nc_err_set(struct nc_err *err, int code, const char *where,
	       const char *fmt, ...)
{
	if (!err || err->code)
		return err && err->code ? err->code : code;
	err->code = code;
	snprintf(err->where, sizeof err->where, "%s", where ? where : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void nc_err_clear(struct nc_err *err)
{
	memset(err, 0, sizeof *err);
}

/* ---- strings ---------------------------------------------------------- */

int nc_set_str(char **dst, const char *s)
{
	char *copy = NULL;
	if (s && !(copy = strdup(s)))
		return NC_ERR_NOMEM;
	free(*dst);
	*dst = copy;
	return NC_OK;
}

int nc_strlist_push(struct nc_strlist *l, const char *s)
{
	char **items = realloc(l->items, (l->len + 1) * sizeof *items);
	if (!items)
		return NC_ERR_NOMEM;
	l->items = items;
	if (!(items[l->len] = strdup(s)))
		return NC_ERR_NOMEM;
	l->len++;
	return NC_OK;
}

void nc_strlist_free(struct nc_strlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

/* ---- nodes ------------------------------------------------------------ */

static const char *const type_names[NC_NODE_TYPE_COUNT] = {
	[NC_NODE_DOCUMENT] = "document",
	[NC_NODE_PARAGRAPH] = "paragraph",
	[NC_NODE_HEADING] = "heading",
	[NC_NODE_BLOCKQUOTE] = "blockquote",
	[NC_NODE_LIST] = "list",
	[NC_NODE_ITEM] = "item",
	[NC_NODE_CODE_BLOCK] = "code_block",
	[NC_NODE_THEMATIC_BREAK] = "thematic_break",
	[NC_NODE_TABLE] = "table",
	[NC_NODE_TABLE_ROW] = "table_row",
	[NC_NODE_TABLE_CELL] = "table_cell",
	[NC_NODE_FIGURE] = "figure",
	[NC_NODE_CAPTION] = "caption",
	[NC_NODE_TEXT] = "text",
	[NC_NODE_EMPH] = "emph",
	[NC_NODE_STRONG] = "strong",
	[NC_NODE_STRIKE] = "strikethrough",
	[NC_NODE_SUB] = "sub",
	[NC_NODE_SUP] = "sup",
	[NC_NODE_CODE] = "code",
	[NC_NODE_LINK] = "link",
	[NC_NODE_IMAGE] = "image",
	[NC_NODE_EMBED] = "embed",
	[NC_NODE_LINE_BREAK] = "line_break",
};

const char *nc_node_type_name(enum nc_node_type type)
{
	if ((unsigned)type < NC_NODE_TYPE_COUNT)
		return type_names[type];
	return "unknown";
}

bool nc_node_is_block(enum nc_node_type type)
{
	return type <= NC_NODE_CAPTION;
}

bool nc_node_is_leaf(const struct nc_node *n)
{
	switch (n->type) {
	case NC_NODE_TEXT:
	case NC_NODE_CODE:
	case NC_NODE_CODE_BLOCK:
	case NC_NODE_THEMATIC_BREAK:
	case NC_NODE_IMAGE:
	case NC_NODE_EMBED:
	case NC_NODE_LINE_BREAK:
		return true;
	case NC_NODE_DOCUMENT:
	case NC_NODE_PARAGRAPH:
	case NC_NODE_HEADING:
	case NC_NODE_BLOCKQUOTE:
	case NC_NODE_LIST:
	case NC_NODE_ITEM:
	case NC_NODE_TABLE:
	case NC_NODE_TABLE_ROW:
	case NC_NODE_TABLE_CELL:
	case NC_NODE_FIGURE:
	case NC_NODE_CAPTION:
	case NC_NODE_EMPH:
	case NC_NODE_STRONG:
	case NC_NODE_STRIKE:
	case NC_NODE_SUB:
	case NC_NODE_SUP:
	case NC_NODE_LINK:
		return false;
	}
	return false;
}

struct nc_node *nc_node_new(enum nc_node_type type)
{
	struct nc_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->type = type;
	if (type == NC_NODE_HEADING)
		n->as.heading.level = 1;
	if (type == NC_NODE_LIST)
		n->as.list.start = 1;
	if (type == NC_NODE_TABLE_CELL)
		n->as.cell.colspan = n->as.cell.rowspan = 1;
	return n;
}

void nc_node_unlink(struct nc_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else if (n->parent)
		n->parent->first_child = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else if (n->parent)
		n->parent->last_child = n->prev;
	n->parent = n->prev = n->next = NULL;
}

void nc_node_append(struct nc_node *parent, struct nc_node *child)
{
	nc_node_unlink(child);
	child->parent = parent;
	child->prev = parent->last_child;
	if (parent->last_child)
		parent->last_child->next = child;
	else
		parent->first_child = child;
	parent->last_child = child;
}

void nc_node_insert_before(struct nc_node *sibling, struct nc_node *node)
{
	nc_node_unlink(node);
	node->parent = sibling->parent;
	node->next = sibling;
	node->prev = sibling->prev;
	if (sibling->prev)
		sibling->prev->next = node;
	else if (sibling->parent)
		sibling->parent->first_child = node;
	sibling->prev = node;
}

static void free_payload(struct nc_node *n)
{
	switch (n->type) {
	case NC_NODE_TEXT:
	case NC_NODE_CODE:
		free(n->as.text.literal);
		break;
	case NC_NODE_CODE_BLOCK:
		free(n->as.code_block.info);
		free(n->as.code_block.literal);
		break;
	case NC_NODE_LINK:
		free(n->as.link.url);
		free(n->as.link.title);
		break;
	case NC_NODE_IMAGE:
		free(n->as.image.url);
		free(n->as.image.alt);
		free(n->as.image.title);
		break;
	case NC_NODE_EMBED:
		free(n->as.embed.url);
		free(n->as.embed.poster);
		free(n->as.embed.title);
		break;
	case NC_NODE_DOCUMENT:
	case NC_NODE_PARAGRAPH:
	case NC_NODE_HEADING:
	case NC_NODE_BLOCKQUOTE:
	case NC_NODE_LIST:
	case NC_NODE_ITEM:
	case NC_NODE_THEMATIC_BREAK:
	case NC_NODE_TABLE:
	case NC_NODE_TABLE_ROW:
	case NC_NODE_TABLE_CELL:
	case NC_NODE_FIGURE:
	case NC_NODE_CAPTION:
	case NC_NODE_EMPH:
	case NC_NODE_STRONG:
	case NC_NODE_STRIKE:
	case NC_NODE_SUB:
	case NC_NODE_SUP:
	case NC_NODE_LINE_BREAK:
		break;
	}
}

/* Iterative so that a deep tree cannot exhaust the stack. */
void nc_node_free(struct nc_node *n)
{
	if (!n)
		return;
	nc_node_unlink(n);
	struct nc_node *cur = n;
	while (cur) {
		if (cur->first_child) {
			cur = cur->first_child;
			continue;
		}
		struct nc_node *next = cur->next ? cur->next : cur->parent;
		if (cur == n)
			next = NULL;
		else
			nc_node_unlink(cur);
		free_payload(cur);
		free(cur);
		cur = next;
	}
}

int nc_node_set_text(struct nc_node *n, const char *s, size_t len)
{
	char *p = malloc(len + 1);
	if (!p)
		return NC_ERR_NOMEM;
	memcpy(p, s, len);
	p[len] = '\0';
	if (n->type == NC_NODE_CODE_BLOCK) {
		free(n->as.code_block.literal);
		n->as.code_block.literal = p;
		n->as.code_block.len = len;
	} else {
		free(n->as.text.literal);
		n->as.text.literal = p;
		n->as.text.len = len;
	}
	return NC_OK;
}

/* ---- iterator --------------------------------------------------------- */

void nc_iter_init(struct nc_iter *it, struct nc_node *root)
{
	it->root = root;
	it->cur = NULL;
	it->ev = NC_EVENT_NONE;
}

enum nc_event nc_iter_next(struct nc_iter *it)
{
	struct nc_node *c = it->cur;
	if (it->ev == NC_EVENT_NONE && !c) {
		if (!it->root)
			return NC_EVENT_NONE;
		it->cur = it->root;
		return it->ev = NC_EVENT_ENTER;
	}
	if (!c)
		return NC_EVENT_NONE;
	if (it->ev == NC_EVENT_ENTER && !nc_node_is_leaf(c)) {
		if (c->first_child) {
			it->cur = c->first_child;
			return it->ev = NC_EVENT_ENTER;
		}
		return it->ev = NC_EVENT_EXIT;
	}
	if (c == it->root) {
		it->cur = NULL;
		return it->ev = NC_EVENT_NONE;
	}
	if (c->next) {
		it->cur = c->next;
		return it->ev = NC_EVENT_ENTER;
	}
	it->cur = c->parent;
	return it->ev = it->cur ? NC_EVENT_EXIT : NC_EVENT_NONE;
}

/* ---- blobs and exchanges ---------------------------------------------- */

struct nc_blob *nc_blob_new(const unsigned char *data, size_t size)
{
	struct nc_blob *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->data = malloc(size ? size : 1);
	if (!b->data) {
		free(b);
		return NULL;
	}
	if (size)
		memcpy(b->data, data, size);
	b->size = size;
	b->refs = 1;
	nc_sha1(data, size, b->sha1);
	const struct nc_image_type *t = nc_sniff_image(data, size);
	if (t) {
		snprintf(b->media_type, sizeof b->media_type, "%s", t->media_type);
		snprintf(b->ext, sizeof b->ext, "%s", t->ext);
	}
	return b;
}

/* Atomic: the CLI lends one image's bytes to the pages of later windows
 * (cli/images.c) while an earlier window's pages are released on the
 * committer thread. */
void nc_blob_ref(struct nc_blob *b)
{
	if (b)
		__atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
}

void nc_blob_unref(struct nc_blob *b)
{
	if (b && __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		free(b->data);
		free(b);
	}
}

void nc_exchange_ref(struct nc_exchange *x)
{
	if (x)
		__atomic_add_fetch(&x->refs, 1, __ATOMIC_RELAXED);
}

void nc_exchange_unref(struct nc_exchange *x)
{
	if (x && __atomic_sub_fetch(&x->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		free(x->url);
		free(x->ip);
		free(x->request);
		free(x->response_head);
		free(x);
	}
}

/* ---- the document ----------------------------------------------------- */

struct nc_doc *nc_doc_new(void)
{
	struct nc_doc *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	if (!(d->root = nc_node_new(NC_NODE_DOCUMENT))) {
		free(d);
		return NULL;
	}
	return d;
}

static void meta_free(struct nc_meta *m)
{
	free(m->title);
	free(m->title_raw);
	nc_strlist_free(&m->authors);
	free(m->date);
	free(m->date_raw);
	free(m->updated);
	free(m->updated_raw);
	free(m->language);
	for (size_t i = 0; i < m->ncategories; i++)
		nc_strlist_free(&m->categories[i]);
	free(m->categories);
	nc_strlist_free(&m->tags);
	free(m->cover);
	free(m->description);
	free(m->source_url);
	for (size_t i = 0; i < m->nextra; i++) {
		free(m->extra[i].key);
		free(m->extra[i].value);
	}
	free(m->extra);
	free(m->fm_raw);
	free(m->section);
}

static void resource_free(struct nc_resource *r)
{
	free(r->url);
	free(r->resolved);
	free(r->error);
	nc_blob_unref(r->blob);
	nc_exchange_unref(r->exchange);
	free(r);
}

void nc_doc_shed(struct nc_doc *d)
{
	meta_free(&d->meta);
	memset(&d->meta, 0, sizeof d->meta);
	nc_node_free(d->root);
	d->root = NULL;
	for (size_t i = 0; i < d->nresources; i++)
		resource_free(d->resources[i]);
	free(d->resources);
	d->resources = NULL;
	d->nresources = 0;
	if (d->origin)
		resource_free(d->origin);
	if (d->served)
		resource_free(d->served);
	d->origin = d->served = NULL;
	if (d->res_index) {
		nc_map_free(d->res_index);
		free(d->res_index);
		d->res_index = NULL;
	}
	free(d->input);
	d->input = NULL;
	d->input_len = 0;
}

void nc_doc_free(struct nc_doc *d)
{
	if (!d)
		return;
	nc_doc_shed(d);
	free(d->source_name);
	for (size_t i = 0; i < d->nwarnings; i++)
		free(d->warnings[i]);
	free(d->warnings);
	for (size_t i = 0; i < d->ndropped; i++)
		free(d->dropped[i].path);
	free(d->dropped);
	if (d->prepared && d->prepared_free)
		d->prepared_free(d->prepared);
	free(d);
}

int nc_doc_warn(struct nc_doc *d, const char *fmt, ...)
{
	struct nc_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	nc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *line = nc_buf_detach(&b, NULL);
	/* Warnings quote the input (names, tags, archive fields): they are
	 * printed and written into outputs, so they are made valid UTF-8. */
	if (!line || nc_utf8_repair(&line)) {
		free(line);
		return NC_ERR_NOMEM;
	}
	char **w = realloc(d->warnings, (d->nwarnings + 1) * sizeof *w);
	if (!w) {
		free(line);
		return NC_ERR_NOMEM;
	}
	d->warnings = w;
	w[d->nwarnings++] = line;
	return NC_OK;
}

struct nc_resource *nc_doc_resource(struct nc_doc *d, const char *url,
				    const char *resolved)
{
	if (!d->res_index && !(d->res_index = calloc(1, sizeof *d->res_index)))
		return NULL;
	struct nc_resource *known = nc_map_get_str(d->res_index, resolved);
	if (known)
		return known;
	struct nc_resource *r = calloc(1, sizeof *r);
	/* Capacity doubles: it is the next power of two of nresources. */
	size_t n = d->nresources, cap = 1;
	while (cap < n + 1)
		cap *= 2;
	struct nc_resource **v = d->resources;
	if (n == 0 || (n & (n - 1)) == 0)
		v = realloc(d->resources, cap * sizeof *v);
	if (!r || !v) {
		free(r);
		if (v)
			d->resources = v;
		return NULL;
	}
	d->resources = v;
	if (nc_set_str(&r->url, url) || nc_set_str(&r->resolved, resolved) ||
	    nc_map_put_str(d->res_index, r->resolved, r)) {
		resource_free(r);
		return NULL;
	}
	v[d->nresources++] = r;
	return r;
}
