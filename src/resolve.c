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
 * left as written (no IDNA here).
 *
 * Link and embed targets, which no one fetches, are made valid URI
 * references and nothing more (uri_form): an EPUB must not hold an
 * invalid one, and a valid one is kept byte for byte. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "newsconv.h"
#include "resolve.h"
#include "util/buf.h"
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

/* The UTF-8 sequence at p when it is a C1 control or a Unicode space
 * (what an IRI may not hold raw, java.net.URI's "other" excluded): its
 * length, else 0.  p is NUL-terminated, so the look-ahead stops there. */
static size_t iri_refused(const unsigned char *p)
{
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0xa0)
		return 2;
	if ((p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80) || (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) ||
	    (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80))
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
		return 3;
	return 0;
}

static bool hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Where the authority of "scheme://authority/..." ends (u when there is
 * none), and whether its host is an IPv6 literal ("[::1]"). */
static const char *authority_end(const char *u, bool *ipv6)
{
	size_t i = 0;
	*ipv6 = false;
	while ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= 'A' && u[i] <= 'Z') ||
	       (i && ((u[i] >= '0' && u[i] <= '9') || u[i] == '+' || u[i] == '-' || u[i] == '.')))
		i++;
	if (!i || strncmp(u + i, "://", 3) != 0)
		return u;
	const char *a = u + i + 3, *e = a + strcspn(a, "/?#");
	const char *at = NULL;
	for (const char *q = a; q < e; q++)
		if (*q == '@')
			at = q;
	*ipv6 = *(at ? at + 1 : a) == '[';
	return e;
}

/* Append url to b as a valid URI reference (RFC 3986; raw non-ASCII
 * kept, as IRIs and EPUB allow): what no URI may hold raw is
 * percent-encoded (spaces, controls, "<>\\^`{|}, Unicode spaces, a '%'
 * that starts no %XX, a second '#', brackets outside an IPv6 host).  A
 * link written in Markdown or HTML takes any text, an autolink inside a
 * template tag "https://site',Label,,x%}" too, and an EPUB must not
 * (epubcheck RSC-020).  A valid URI reference is appended byte for byte,
 * so applying this twice changes nothing.  The one rule for it: the
 * model's link and embed targets here, every href of the XHTML
 * (render_html.c) through it.  False on OOM (b->oom). */
bool nc_uri_put(struct nc_buf *b, const char *url)
{
	const unsigned char *u = (const unsigned char *)url;
	bool ipv6, frag = false;
	const unsigned char *host_end = (const unsigned char *)authority_end(url, &ipv6);
	const unsigned char *run = u; /* start of the bytes not yet appended */
	for (const unsigned char *p = u; *p;) {
		size_t k = iri_refused(p);
		bool enc = k > 0;
		if (!k) {
			unsigned char c = *p;
			k = 1;
			if (c == '#')
				enc = frag, frag = true;
			else if (c == '%')
				enc = !hex(p[1]) || !hex(p[2]);
			else if (c == '[' || c == ']')
				enc = !ipv6 || p >= host_end;
			else
				enc = c <= 0x20 || c == 0x7f || strchr("\"<>\\^`{|}", c);
		}
		if (enc) {
			nc_buf_put(b, run, (size_t)(p - run));
			for (size_t j = 0; j < k; j++)
				nc_buf_printf(b, "%%%02X", p[j]);
			run = p + k;
		}
		p += k;
	}
	nc_buf_puts(b, (const char *)run);
	return !b->oom;
}

/* *url made a valid URI reference in place (nc_uri_put); an already
 * valid one is left as it is.  False on OOM. */
static bool uri_form(char **url)
{
	struct nc_buf b = {0};
	if (!nc_uri_put(&b, *url)) {
		nc_buf_free(&b);
		return false;
	}
	if (b.len == strlen(*url)) { /* nothing encoded: %XX is longer */
		nc_buf_free(&b);
		return true;
	}
	free(*url);
	*url = nc_buf_detach(&b, NULL);
	return *url != NULL;
}

/* Can a browser parse the host of this http(s) or ftp URL (WHATWG URL:
 * no forbidden domain code point once percent-decoded, a port of digits
 * only)?  A URL of another scheme: true. */
static bool host_ok(const char *u)
{
	if (strncasecmp(u, "http://", 7) && strncasecmp(u, "https://", 8) && strncasecmp(u, "ftp://", 6))
		return true;
	const char *a = strstr(u, "://") + 3, *e = a + strcspn(a, "/?#"), *h = a;
	for (const char *q = a; q < e; q++)
		if (*q == '@')
			h = q + 1;
	const char *port;
	if (h < e && *h == '[') { /* an IPv6 literal, as written */
		const char *close = memchr(h, ']', (size_t)(e - h));
		if (!close)
			return false;
		port = close + 1;
	} else {
		port = memchr(h, ':', (size_t)(e - h));
		port = port ? port : e;
		if (port == h)
			return false;
		for (const char *q = h; q < port; q++) {
			unsigned char c = (unsigned char)*q;
			if (c == '%' && hex((unsigned char)q[1]) && hex((unsigned char)q[2])) {
				c = (unsigned char)(((q[1] & 15) + (q[1] > '9' ? 9 : 0)) << 4 |
						    ((q[2] & 15) + (q[2] > '9' ? 9 : 0)));
				q += 2;
			}
			if (c <= 0x20 || c == 0x7f || strchr("#%/:<>?@[\\]^|\"{}`", c))
				return false;
		}
	}
	if (port < e && *port != ':')
		return false;
	for (const char *q = port + (port < e); q < e; q++)
		if (*q < '0' || *q > '9')
			return false;
	return true;
}

/* A link no reader can follow (its host cannot be parsed) becomes its
 * text, the URL itself when it had none: the node goes, its children
 * stay where it was, and the walk goes on after them.  False on OOM. */
static bool link_to_text(struct nc_doc *d, struct nc_iter *it, struct nc_node *link)
{
	const char *url = link->as.link.url;
	if (nc_doc_warn(d, "link target '%.200s' is not a URL a reader can open; kept as text", url) != NC_OK)
		return false;
	if (!link->first_child) {
		struct nc_node *t = nc_node_new(NC_NODE_TEXT);
		if (!t || nc_node_set_text(t, url, strlen(url))) {
			nc_node_free(t);
			return false;
		}
		nc_node_append(link, t);
	}
	struct nc_node *last = link->last_child, *c;
	while ((c = link->first_child)) {
		nc_node_unlink(c);
		nc_node_insert_before(link, c);
	}
	nc_node_free(link);
	it->cur = last;
	it->ev = NC_EVENT_EXIT;
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
		if (ev == NC_EVENT_EXIT && n->type == NC_NODE_LINK && n->as.link.url && !host_ok(n->as.link.url))
			oom |= !link_to_text(d, &it, n);
		if (ev != NC_EVENT_ENTER)
			continue;
		switch (n->type) {
		case NC_NODE_LINK:
			oom |= !resolve_in_place(&n->as.link.url, base) ||
			       (n->as.link.url && !uri_form(&n->as.link.url));
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
			oom |= !resolve_in_place(&n->as.embed.url, base) ||
			       (n->as.embed.url && !uri_form(&n->as.embed.url));
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
