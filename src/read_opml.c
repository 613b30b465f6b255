/* read_opml.c - OPML 1.0 and 2.0 subscription lists (opml.org/spec2),
 * as every feed reader exports them.
 *
 * Each <outline> with an xmlUrl is a subscription; the outlines it is
 * nested in are its folders (its category); <head><title> names the
 * list.  An outline of type "link" or "include" is not followed (an
 * include would be a fetch the user did not ask for), nor is a leaf
 * without xmlUrl: both are listed in `skipped`, so the caller can say
 * so.  Not supported: OPML used as an outliner (the text of the
 * outlines is not an article), namespaced attributes.
 *
 * As a reader (nc_reader_opml) an OPML gives one short document per
 * subscription (its title, its URL as the source, its folders as the
 * category); the command line instead reads the feeds themselves
 * (src/cli/opml_input.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "read.h"
#include "util/buf.h"
#include "read_opml.h"
#include "util/text.h"

#define OPML_SNIFF_BYTES 4096
#define MAX_OUTLINES 100000   /* subscriptions in one list */
#define MAX_FOLDERS 16        /* folder levels kept in a category */

/* ---- detecting ---------------------------------------------------------- */

static const unsigned char *skip_to(const unsigned char *p, const unsigned char *end,
				    const char *stop)
{
	size_t k = strlen(stop);
	for (; p + k <= end; p++)
		if (memcmp(p, stop, k) == 0)
			return p + k;
	return end;
}

/* The root element is <opml>, after a BOM, blanks, the declaration,
 * comments and processing instructions. */
static int opml_detect(const unsigned char *data, size_t len)
{
	const unsigned char *p = data, *end = data + (len < OPML_SNIFF_BYTES ? len : OPML_SNIFF_BYTES);
	if (end - p >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (end - p < 6 || *p != '<')
			return 0;
		if (p[1] == '?')
			p = skip_to(p + 2, end, "?>");
		else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
			p = skip_to(p + 4, end, "-->");
		else if (strncasecmp((const char *)p, "<!DOCTYPE", end - p >= 9 ? 9 : (size_t)(end - p)) == 0)
			p = skip_to(p + 2, end, ">");
		else
			break;
	}
	/* 3: an OPML is never an article, whatever html's sniffing says */
	return memcmp(p, "<opml", 5) == 0 && strchr(" \t\r\n>/", p[5]) ? 3 : 0;
}

/* ---- parsing ------------------------------------------------------------ */

static bool named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, (const xmlChar *)name);
}

/* An attribute, trimmed; NULL when absent or blank.  Free with free(). */
static char *attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *s = nc_str_squash((const char *)v);
	xmlFree(v);
	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* The outline's name: title, else text. */
static char *outline_name(xmlNode *n)
{
	char *s = attr(n, "title");
	return s ? s : attr(n, "text");
}

static bool has_outlines(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (named(c, "outline"))
			return true;
	return false;
}

/* The names of the folders above n, outermost first: the outermost
 * MAX_FOLDERS (libxml2 bounds the depth; this only bounds the cost). */
static int folders(xmlNode *n, xmlNode *body, struct nc_strlist *out)
{
	size_t depth = 0;
	for (xmlNode *p = n->parent; p && p != body; p = p->parent)
		depth += named(p, "outline");
	xmlNode *up[MAX_FOLDERS];
	size_t j = depth;
	for (xmlNode *p = n->parent; p && p != body; p = p->parent)
		if (named(p, "outline") && --j < MAX_FOLDERS)
			up[j] = p;
	for (size_t i = 0; i < depth && i < MAX_FOLDERS; i++) {
		char *s = outline_name(up[i]);
		int rc = s ? nc_strlist_push(out, s) : NC_OK;
		free(s);
		if (rc)
			return rc;
	}
	return NC_OK;
}

static int skip(struct nc_opml *o, xmlNode *n, const char *why)
{
	char *name = outline_name(n);
	struct nc_buf line = {0};
	nc_buf_printf(&line, "outline \"%s\" (line %ld): %s; skipped", name ? name : "",
		      (long)xmlGetLineNo(n), why);
	free(name);
	int rc = line.oom ? NC_ERR_NOMEM : nc_strlist_push(&o->skipped, line.data);
	nc_buf_free(&line);
	return rc;
}

static int take(struct nc_opml *o, xmlNode *n, xmlNode *body, char *url, size_t *cap)
{
	if (o->nfeeds == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct nc_opml_feed *v = realloc(o->feeds, c * sizeof *v);
		if (!v)
			return NC_ERR_NOMEM;
		o->feeds = v;
		*cap = c;
	}
	struct nc_opml_feed *f = &o->feeds[o->nfeeds++];
	memset(f, 0, sizeof *f);
	f->url = url;
	f->title = outline_name(n);
	return folders(n, body, &f->category);
}

/* One outline: a subscription, a folder (nothing to do: its children are
 * visited), or something skipped and said so. */
static int outline(struct nc_opml *o, xmlNode *n, xmlNode *body, size_t *cap)
{
	char *type = attr(n, "type");
	char *url = attr(n, "xmlUrl");
	int rc = NC_OK;
	if (type && (!strcasecmp(type, "link") || !strcasecmp(type, "include")))
		rc = skip(o, n, !strcasecmp(type, "link") ? "a link, not a feed" : "an include, not followed");
	else if (!url && !has_outlines(n))
		rc = skip(o, n, "no xmlUrl");
	else if (url && o->nfeeds == MAX_OUTLINES)
		rc = skip(o, n, "more than 100000 subscriptions");
	else if (url) {
		rc = take(o, n, body, url, cap);
		url = NULL;
	}
	free(type);
	free(url);
	return rc;
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/* Every outline under body, in document order, without recursion:
 * down into an outline holding outlines, else on to the next. */
static int walk(struct nc_opml *o, xmlNode *body)
{
	size_t cap = 0;
	xmlNode *n = body->children;
	while (n) {
		if (named(n, "outline")) {
			int rc = outline(o, n, body, &cap);
			if (rc)
				return rc;
			if (has_outlines(n)) {
				n = n->children;
				continue;
			}
		}
		while (n != body && !n->next)
			n = n->parent;
		n = n == body ? NULL : n->next;
	}
	return NC_OK;
}

int nc_opml_parse(const char *name, const unsigned char *data, size_t len,
		  struct nc_opml *out, struct nc_err *err)
{
	memset(out, 0, sizeof *out);
	if (len > (size_t)INT32_MAX)
		return nc_err_set(err, NC_ERR_LIMIT, name, "too large for an OPML file");
	/* No network; recovering, as exports often carry a bare "&" in a URL. */
	xmlDoc *x = xmlReadMemory((const char *)data, (int)len, NULL, NULL,
				  XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
				  XML_PARSE_NOWARNING);
	xmlNode *root = x ? xmlDocGetRootElement(x) : NULL;
	if (!root || !named(root, "opml")) {
		xmlFreeDoc(x);
		return nc_err_set(err, NC_ERR_PARSE, name, "not a well-formed OPML document");
	}
	xmlNode *title = child(child(root, "head"), "title");
	xmlNode *body = child(root, "body");
	int rc = NC_OK;
	if (title) {
		xmlChar *t = xmlNodeGetContent(title);
		out->title = t ? nc_str_squash((const char *)t) : NULL;
		xmlFree(t);
		if (out->title && !*out->title) {
			free(out->title);
			out->title = NULL;
		}
	}
	if (body)
		rc = walk(out, body);
	xmlFreeDoc(x);
	if (rc) {
		nc_opml_free(out);
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	}
	return NC_OK;
}

void nc_opml_free(struct nc_opml *o)
{
	for (size_t i = 0; i < o->nfeeds; i++) {
		free(o->feeds[i].url);
		free(o->feeds[i].title);
		nc_strlist_free(&o->feeds[i].category);
	}
	free(o->feeds);
	free(o->title);
	nc_strlist_free(&o->skipped);
	memset(o, 0, sizeof *o);
}

/* ---- as a reader --------------------------------------------------------- */

/* A subscription as a document: its name, and a paragraph linking to it. */
static struct nc_doc *feed_doc(const char *name, const struct nc_opml_feed *f)
{
	struct nc_doc *d = nc_doc_new();
	struct nc_node *p = nc_node_new(NC_NODE_PARAGRAPH);
	struct nc_node *a = nc_node_new(NC_NODE_LINK);
	struct nc_node *t = nc_node_new(NC_NODE_TEXT);
	bool ok = d && p && a && t && !nc_set_str(&d->meta.title, f->title ? f->title : f->url) &&
		  !nc_set_str(&d->meta.source_url, f->url) && !nc_set_str(&d->source_name, name) &&
		  !nc_set_str(&a->as.link.url, f->url) && !nc_node_set_text(t, f->url, strlen(f->url));
	struct nc_strlist cat = {0};
	for (size_t i = 0; ok && i < f->category.len; i++)
		ok = !nc_strlist_push(&cat, f->category.items[i]);
	if (ok && cat.len) {
		ok = (d->meta.categories = calloc(1, sizeof *d->meta.categories)) != NULL;
		if (ok) {
			d->meta.categories[0] = cat;
			d->meta.ncategories = 1;
			memset(&cat, 0, sizeof cat);
		}
	}
	nc_strlist_free(&cat);
	if (!ok) {
		nc_doc_free(d);
		nc_node_free(p);
		nc_node_free(a);
		nc_node_free(t);
		return NULL;
	}
	nc_node_append(a, t);
	nc_node_append(p, a);
	nc_node_append(d->root, p);
	return d;
}

static int opml_read(const char *name, const unsigned char *data, size_t len,
		     struct nc_doclist *out, struct nc_err *err)
{
	struct nc_opml o;
	int rc = nc_opml_parse(name, data, len, &o, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < o.nfeeds && !rc; i++) {
		struct nc_doc *d = feed_doc(name, &o.feeds[i]);
		/* What was skipped, said once: on the first subscription. */
		for (size_t k = 0; d && i == 0 && k < o.skipped.len; k++)
			if (nc_doc_warn(d, "%s", o.skipped.items[k])) {
				nc_doc_free(d);
				d = NULL;
			}
		if (!d || nc_doclist_push(out, d))
			rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	}
	nc_opml_free(&o);
	return rc;
}

const struct nc_reader nc_reader_opml = {
	.name = "opml",
	.detect = opml_detect,
	.read = opml_read,
};
