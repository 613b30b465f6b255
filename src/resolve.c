/* resolve.c - the step between reading and writing that makes URLs
 * absolute and lists the images a document needs.
 *
 * Links, images, embeds and the cover are resolved against the article's
 * source URL (RFC 3986 section 5); protocol-relative URLs become https.
 * Every distinct http(s) or data: image gets one nc_resource, shared by
 * all nodes that show it.  Relative URLs with no base stay as written
 * and get no resource: there is nothing to fetch them from.  A blank
 * URL (src=" ") is no URL: it becomes "" and gets no resource.
 *
 * Every URL the document holds leaves this step without ASCII control
 * characters, the source URL included: it is sent as the Referer with
 * --referer source, and a CR/LF in it would be a header of its own.
 *
 * The URLs of what is fetched (images, posters, the cover) are then
 * percent-encoded as a browser does before it requests them (WHATWG URL,
 * the path, query and fragment percent-encode sets): "sp ace.png"
 * becomes "sp%20ace.png", a raw UTF-8 path its %XX bytes.  So the
 * request, the WARC record and every output name one URL.  The host is
 * left as written (no IDNA here). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "newsconv.h"
#include "util/url.h"

static bool fetchable(const char *url)
{
	return nc_url_is_http(url) || strncasecmp(url, "data:", 5) == 0;
}

/* Does a browser percent-encode byte c in this part of a URL? */
static bool encoded_in(unsigned char c, char part)
{
	if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>')
		return true;
	switch (part) {
	case '/': return c == '`' || c == '{' || c == '}';
	case '?': return c == '\'';
	default:  return c == '`'; /* '#': the fragment */
	}
}

/* *url with what a browser would encode percent-encoded; false on OOM.
 * An already-encoded %XX stays as it is. */
static bool browser_form(char **url)
{
	const char *u = *url;
	const char *p = strstr(u, "://");
	p = p ? p + 3 + strcspn(p + 3, "/?#") : u;
	size_t extra = 0;
	char part = '/';
	for (const char *q = p; *q; q++) {
		if (part == '/' && *q == '?')
			part = '?';
		else if (part != '#' && *q == '#')
			part = '#';
		else
			extra += encoded_in((unsigned char)*q, part) ? 2 : 0;
	}
	if (!extra)
		return true;
	char *out = malloc(strlen(u) + extra + 1), *o = out;
	if (!out)
		return false;
	memcpy(o, u, (size_t)(p - u));
	o += p - u;
	part = '/';
	for (const char *q = p; *q; q++) {
		unsigned char c = (unsigned char)*q;
		bool delim = (part == '/' && c == '?') || (part != '#' && c == '#');
		if (delim)
			part = (char)c;
		if (!delim && encoded_in(c, part)) {
			*o++ = '%';
			*o++ = "0123456789ABCDEF"[c >> 4];
			*o++ = "0123456789ABCDEF"[c & 15];
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	free(*url);
	*url = out;
	return true;
}

/* Resolve *url in place; returns false on OOM. */
static bool resolve_in_place(char **url, const char *base)
{
	if (!*url)
		return true;
	nc_url_strip_controls(*url);
	if (nc_url_is_blank(*url)) {
		(*url)[0] = '\0';
		return true;
	}
	char *r = nc_url_resolve(base, *url);
	if (!r)
		return false;
	free(*url);
	*url = r;
	return true;
}

static struct nc_resource *resource_for(struct nc_doc *d, const char *written,
					const char *resolved, bool *oom)
{
	if (!resolved || !fetchable(resolved))
		return NULL;
	struct nc_resource *r = nc_doc_resource(d, written, resolved);
	if (!r)
		*oom = true;
	return r;
}

int nc_resolve(struct nc_doc *d, struct nc_err *err)
{
	nc_url_strip_controls(d->meta.source_url);
	nc_url_strip_controls(d->meta.cover);
	const char *base = d->meta.source_url;
	if (base && !nc_url_is_http(base))
		base = NULL;
	bool oom = false;

	/* The cover first, so it is resource 0 when there is one. */
	if (d->meta.cover && !nc_url_is_blank(d->meta.cover)) {
		char *c = nc_url_resolve(base, d->meta.cover);
		oom |= !c || (fetchable(c) && !browser_form(&c));
		struct nc_resource *r = c ? resource_for(d, d->meta.cover, c, &oom) : NULL;
		if (r)
			r->is_cover = true;
		free(c);
	}

	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, d->root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE && !oom) {
		struct nc_node *n = it.cur;
		if (ev != NC_EVENT_ENTER)
			continue;
		switch (n->type) {
		case NC_NODE_LINK:
			oom |= !resolve_in_place(&n->as.link.url, base);
			break;
		case NC_NODE_IMAGE: {
			nc_url_strip_controls(n->as.image.url);
			char *written = n->as.image.url ? strdup(n->as.image.url) : NULL;
			oom |= n->as.image.url && !written;
			oom |= !resolve_in_place(&n->as.image.url, base);
			if (n->as.image.url && fetchable(n->as.image.url))
				oom |= !browser_form(&n->as.image.url);
			if (written && n->as.image.url)
				n->as.image.res = resource_for(d, written, n->as.image.url, &oom);
			free(written);
			break;
		}
		case NC_NODE_EMBED:
			oom |= !resolve_in_place(&n->as.embed.url, base);
			if (n->as.embed.poster) {
				nc_url_strip_controls(n->as.embed.poster);
				char *written = strdup(n->as.embed.poster);
				oom |= !written;
				oom |= !resolve_in_place(&n->as.embed.poster, base);
				if (n->as.embed.poster && fetchable(n->as.embed.poster))
					oom |= !browser_form(&n->as.embed.poster);
				if (written)
					n->as.embed.poster_res = resource_for(d, written, n->as.embed.poster, &oom);
				free(written);
			}
			break;
		case NC_NODE_DOCUMENT:
		case NC_NODE_PARAGRAPH:
		case NC_NODE_HEADING:
		case NC_NODE_BLOCKQUOTE:
		case NC_NODE_LIST:
		case NC_NODE_ITEM:
		case NC_NODE_CODE_BLOCK:
		case NC_NODE_THEMATIC_BREAK:
		case NC_NODE_TABLE:
		case NC_NODE_TABLE_ROW:
		case NC_NODE_TABLE_CELL:
		case NC_NODE_FIGURE:
		case NC_NODE_CAPTION:
		case NC_NODE_TEXT:
		case NC_NODE_EMPH:
		case NC_NODE_STRONG:
		case NC_NODE_STRIKE:
		case NC_NODE_SUB:
		case NC_NODE_SUP:
		case NC_NODE_CODE:
		case NC_NODE_LINE_BREAK:
			break;
		}
	}
	if (oom)
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	return NC_OK;
}
