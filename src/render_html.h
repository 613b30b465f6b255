/* render_html.h - article bodies as XHTML-compatible HTML5. */
#ifndef NC_RENDER_HTML_H
#define NC_RENDER_HTML_H

#include <stdbool.h>

#include "newsconv.h"
#include "util/buf.h"

struct nc_html_images {
	/* The src for an image (res may be NULL), or NULL to show a
	 * placeholder that links to `url`. */
	const char *(*src)(void *ctx, const struct nc_resource *res, const char *url);
	void *ctx;
};

/* Append the body under root; headings shift down one level so the
 * caller's <h1> is the article title. */
void nc_html_body(struct nc_buf *x, struct nc_node *root, const struct nc_html_images *im);
void nc_html_attr(struct nc_buf *x, const char *name, const char *value);
/* Writes ` href="..."` for absolute http(s)/mailto/ftp URLs only. */
bool nc_html_href(struct nc_buf *x, const char *url);

#endif
