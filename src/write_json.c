/*
 * write_json.c - the whole document model as JSON (RFC 8259), for
 * pipelines and golden tests.  One object per input with "meta",
 * "body" (the node tree, children in "children") and "resources";
 * several inputs give an array.  Keys appear in a fixed order so the
 * output diffs well.
 *
 * Not supported: reading this JSON back.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/text.h"

/* A string, or null: the escaping is util/json.c's, shared with the
 * WARC and WACZ writers. */
static void put_str(struct nc_buf *b, const char *s)
{
	if (s)
		nc_json_str(b, s);
	else
		nc_buf_puts(b, "null");
}

static void put_key(struct nc_buf *b, const char *key, bool *first)
{
	if (!*first)
		nc_buf_putc(b, ',');
	*first = false;
	put_str(b, key);
	nc_buf_putc(b, ':');
}

static void put_field(struct nc_buf *b, const char *key, const char *val, bool *first)
{
	put_key(b, key, first);
	put_str(b, val);
}

static void put_list(struct nc_buf *b, const struct nc_strlist *l)
{
	nc_buf_putc(b, '[');
	for (size_t i = 0; i < l->len; i++) {
		if (i)
			nc_buf_putc(b, ',');
		put_str(b, l->items[i]);
	}
	nc_buf_putc(b, ']');
}

static const char *fm_kind_name(enum nc_fm_kind k)
{
	switch (k) {
	case NC_FM_NONE: return "none";
	case NC_FM_YAML: return "yaml";
	case NC_FM_YAML_RECOVERED: return "yaml-recovered";
	case NC_FM_JSON: return "json";
	case NC_FM_TOML: return "toml";
	}
	return "none";
}

static void put_meta(struct nc_buf *b, const struct nc_meta *m)
{
	bool first = true;
	nc_buf_putc(b, '{');
	put_field(b, "title", m->title, &first);
	put_field(b, "title_raw", m->title_raw, &first);
	put_key(b, "authors", &first);
	put_list(b, &m->authors);
	put_field(b, "date", m->date, &first);
	put_field(b, "date_raw", m->date_raw, &first);
	put_field(b, "updated", m->updated, &first);
	put_field(b, "updated_raw", m->updated_raw, &first);
	put_field(b, "language", m->language, &first);
	put_key(b, "categories", &first);
	nc_buf_putc(b, '[');
	for (size_t i = 0; i < m->ncategories; i++) {
		if (i)
			nc_buf_putc(b, ',');
		put_list(b, &m->categories[i]);
	}
	nc_buf_putc(b, ']');
	put_key(b, "tags", &first);
	put_list(b, &m->tags);
	put_field(b, "cover", m->cover, &first);
	put_field(b, "description", m->description, &first);
	put_field(b, "source_url", m->source_url, &first);
	put_key(b, "extra", &first);
	nc_buf_putc(b, '{');
	bool xfirst = true;
	for (size_t i = 0; i < m->nextra; i++)
		put_field(b, m->extra[i].key, m->extra[i].value, &xfirst);
	nc_buf_putc(b, '}');
	put_field(b, "front_matter", fm_kind_name(m->fm_kind), &first);
	put_field(b, "front_matter_raw", m->fm_raw, &first);
	nc_buf_putc(b, '}');
}

static const char *align_name(enum nc_align a)
{
	switch (a) {
	case NC_ALIGN_NONE: return NULL;
	case NC_ALIGN_LEFT: return "left";
	case NC_ALIGN_CENTER: return "center";
	case NC_ALIGN_RIGHT: return "right";
	}
	return NULL;
}

static const char *embed_name(enum nc_embed_kind k)
{
	switch (k) {
	case NC_EMBED_IFRAME: return "iframe";
	case NC_EMBED_VIDEO: return "video";
	case NC_EMBED_AUDIO: return "audio";
	}
	return "iframe";
}

/* The fields of one node, after "type". */
static void put_node_fields(struct nc_buf *b, const struct nc_node *n, bool *first)
{
	switch (n->type) {
	case NC_NODE_TEXT:
	case NC_NODE_CODE:
		put_field(b, "text", n->as.text.literal, first);
		break;
	case NC_NODE_HEADING:
		put_key(b, "level", first);
		nc_buf_printf(b, "%d", n->as.heading.level);
		break;
	case NC_NODE_LIST:
		put_key(b, "ordered", first);
		nc_buf_puts(b, n->as.list.ordered ? "true" : "false");
		if (n->as.list.ordered) {
			put_key(b, "start", first);
			nc_buf_printf(b, "%d", n->as.list.start);
		}
		put_key(b, "tight", first);
		nc_buf_puts(b, n->as.list.tight ? "true" : "false");
		break;
	case NC_NODE_CODE_BLOCK:
		put_field(b, "info", n->as.code_block.info, first);
		put_field(b, "text", n->as.code_block.literal, first);
		break;
	case NC_NODE_LINK:
		put_field(b, "url", n->as.link.url, first);
		if (n->as.link.title)
			put_field(b, "title", n->as.link.title, first);
		break;
	case NC_NODE_IMAGE:
		put_field(b, "url", n->as.image.url, first);
		put_field(b, "alt", n->as.image.alt, first);
		if (n->as.image.title)
			put_field(b, "title", n->as.image.title, first);
		break;
	case NC_NODE_EMBED:
		put_field(b, "kind", embed_name(n->as.embed.kind), first);
		put_field(b, "url", n->as.embed.url, first);
		if (n->as.embed.poster)
			put_field(b, "poster", n->as.embed.poster, first);
		if (n->as.embed.title)
			put_field(b, "title", n->as.embed.title, first);
		break;
	case NC_NODE_TABLE_ROW:
		if (n->as.row.header) {
			put_key(b, "header", first);
			nc_buf_puts(b, "true");
		}
		break;
	case NC_NODE_TABLE_CELL:
		if (n->as.cell.header) {
			put_key(b, "header", first);
			nc_buf_puts(b, "true");
		}
		if (align_name(n->as.cell.align))
			put_field(b, "align", align_name(n->as.cell.align), first);
		if (n->as.cell.colspan != 1) {
			put_key(b, "colspan", first);
			nc_buf_printf(b, "%d", n->as.cell.colspan);
		}
		if (n->as.cell.rowspan != 1) {
			put_key(b, "rowspan", first);
			nc_buf_printf(b, "%d", n->as.cell.rowspan);
		}
		break;
	case NC_NODE_DOCUMENT:
	case NC_NODE_PARAGRAPH:
	case NC_NODE_BLOCKQUOTE:
	case NC_NODE_ITEM:
	case NC_NODE_THEMATIC_BREAK:
	case NC_NODE_TABLE:
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

static void put_tree(struct nc_buf *b, struct nc_node *root)
{
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		struct nc_node *n = it.cur;
		if (ev == NC_EVENT_EXIT) {
			nc_buf_puts(b, "]}");
			continue;
		}
		if (n != root && n->prev)
			nc_buf_putc(b, ',');
		bool first = true;
		nc_buf_putc(b, '{');
		put_field(b, "type", nc_node_type_name(n->type), &first);
		put_node_fields(b, n, &first);
		if (nc_node_is_leaf(n)) {
			nc_buf_putc(b, '}');
		} else {
			put_key(b, "children", &first);
			nc_buf_putc(b, '[');
		}
	}
}

static const char *state_name(enum nc_res_state s)
{
	switch (s) {
	case NC_RES_REMOTE: return "remote";
	case NC_RES_FETCHED: return "fetched";
	case NC_RES_CACHED: return "cached";
	case NC_RES_FAILED: return "failed";
	}
	return "remote";
}

static void put_resources(struct nc_buf *b, const struct nc_doc *d)
{
	nc_buf_putc(b, '[');
	for (size_t i = 0; i < d->nresources; i++) {
		const struct nc_resource *r = d->resources[i];
		bool first = true;
		if (i)
			nc_buf_putc(b, ',');
		nc_buf_putc(b, '{');
		put_field(b, "url", r->url, &first);
		put_field(b, "resolved", r->resolved, &first);
		put_key(b, "cover", &first);
		nc_buf_puts(b, r->is_cover ? "true" : "false");
		put_field(b, "state", state_name(r->state), &first);
		if (r->error)
			put_field(b, "error", r->error, &first);
		if (r->blob) {
			char hex[41];
			nc_hex(r->blob->sha1, 20, hex);
			put_field(b, "media_type", r->blob->media_type[0] ? r->blob->media_type : NULL, &first);
			put_key(b, "size", &first);
			nc_buf_printf(b, "%zu", r->blob->size);
			put_field(b, "sha1", hex, &first);
		}
		nc_buf_putc(b, '}');
	}
	nc_buf_putc(b, ']');
}

/* What the reader view (extract.c) kept and dropped of a page: the
 * characters of text each way, then every dropped block with its path
 * from the body down, its characters and the rule that dropped it. */
static void put_extract(struct nc_buf *b, const struct nc_doc *d, bool *first)
{
	bool f = true;
	put_key(b, "extract", first);
	nc_buf_printf(b, "{\"kept_chars\":%zu,\"dropped_chars\":%zu", d->kept_chars, d->dropped_chars);
	put_key(b, "dropped", &(bool){false});
	nc_buf_putc(b, '[');
	for (size_t i = 0; i < d->ndropped; i++) {
		const struct nc_dropped *x = &d->dropped[i];
		nc_buf_puts(b, i ? ",{" : "{");
		f = true;
		put_field(b, "path", x->path, &f);
		put_key(b, "chars", &f);
		nc_buf_printf(b, "%zu", x->chars);
		put_field(b, "reason", x->reason, &f);
		nc_buf_putc(b, '}');
	}
	nc_buf_puts(b, "]}");
}

/* The first object is held back until a second one arrives: one
 * article is written as an object, several as an array. */
struct json {
	struct nc_buf first;
};

static void free_prepared(void *p)
{
	struct nc_buf *b = p;
	nc_buf_free(b);
	free(b);
}

static int json_prepare(const struct nc_writer *w, struct nc_doc *d,
			struct nc_err *err)
{
	struct nc_buf *b = calloc(1, sizeof *b);
	if (!b)
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	bool first = true;
	nc_buf_putc(b, '{');
	put_field(b, "source", d->source_name, &first);
	if (d->meta.section) /* a digest's group (--group) */
		put_field(b, "section", d->meta.section, &first);
	put_key(b, "meta", &first);
	put_meta(b, &d->meta);
	put_key(b, "body", &first);
	put_tree(b, d->root);
	put_key(b, "resources", &first);
	put_resources(b, d);
	put_key(b, "warnings", &first);
	struct nc_strlist warn = { d->warnings, d->nwarnings };
	put_list(b, &warn);
	if (d->extracted)
		put_extract(b, d, &first);
	nc_buf_putc(b, '}');
	if (b->oom) {
		free_prepared(b);
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	}
	d->prepared = b;
	d->prepared_free = free_prepared;
	return NC_OK;
}

static int json_begin(struct nc_writer *w, struct nc_err *err)
{
	(void)err;
	w->state = calloc(1, sizeof(struct json));
	return w->state ? NC_OK : nc_err_set(err, NC_ERR_NOMEM, "-", "out of memory");
}

static int json_add(struct nc_writer *w, struct nc_doc *d, struct nc_err *err)
{
	struct json *j = w->state;
	struct nc_buf *b = d->prepared;
	int rc = NC_OK;
	if (w->ndocs == 0)
		return nc_buf_put(&j->first, b->data, b->len)
			? nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory") : NC_OK;
	if (w->ndocs == 1) {
		rc = nc_writer_put(w, "[\n", 2, err);
		if (!rc)
			rc = nc_writer_put(w, j->first.data, j->first.len, err);
		nc_buf_free(&j->first);
	}
	if (!rc)
		rc = nc_writer_put(w, ",\n", 2, err);
	if (!rc)
		rc = nc_writer_put(w, b->data, b->len, err);
	return rc;
}

static int json_finish(struct nc_writer *w, struct nc_err *err)
{
	struct json *j = w->state;
	if (w->ndocs == 1) {
		int rc = nc_writer_put(w, j->first.data, j->first.len, err);
		return rc ? rc : nc_writer_put(w, "\n", 1, err);
	}
	return nc_writer_put(w, "\n]\n", 3, err);
}

static void json_free(struct nc_writer *w)
{
	struct json *j = w->state;
	if (j)
		nc_buf_free(&j->first);
	free(j);
	w->state = NULL;
}

const struct nc_format nc_format_json = {
	.name = "json",
	.extension = ".json",
	.many_in_one = true,
	.prepare = json_prepare,
	.begin = json_begin,
	.add = json_add,
	.finish = json_finish,
	.free = json_free,
};
