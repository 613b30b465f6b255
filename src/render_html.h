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
	const char *lang;   /* the page's language: the words newsconv adds */
};

/* What an image's text alternative is, decided from the model only:
 * the source's alt; else the text of the caption of the figure holding
 * it; else, for a layout image (a 1x1 pixel, a spacer), an empty alt
 * that is correct as it is; else none.  A description is never made up. */
enum nc_alt { NC_ALT_TEXT, NC_ALT_LAYOUT, NC_ALT_NONE };
enum nc_alt nc_html_image_alt(const struct nc_node *img, struct nc_buf *alt);

/* Append the body under root.  Headings are renumbered from <h2> down
 * with no level skipped, so the caller's <h1> is the article title and
 * the outline stays what the source's relative levels said. */
void nc_html_body(struct nc_buf *x, struct nc_node *root, const struct nc_html_images *im);
void nc_html_attr(struct nc_buf *x, const char *name, const char *value);
/* ` lang="en" xml:lang="en"` when words `w` are not in the page's `lang`. */
struct nc_words;
void nc_html_words_lang(struct nc_buf *x, const struct nc_words *w, const char *lang);
/* Writes ` href="..."` for absolute http(s)/mailto/ftp URLs only. */
bool nc_html_href(struct nc_buf *x, const char *url);

#endif
