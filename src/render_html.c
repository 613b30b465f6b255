/*
 * render_html.c - an article body as XHTML-compatible HTML5, shared by
 * the EPUB writer (XHTML content documents) and the WARC writer (the
 * archived page).  Rendered from the model only: no source attribute
 * ever reaches the output.  What images become is the caller's choice.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render_html.h"
#include "util/text.h"

void nc_html_attr(struct nc_buf *x, const char *name, const char *value)
{
	nc_buf_printf(x, " %s=\"", name);
	nc_buf_puts_xml(x, value, true);
	nc_buf_putc(x, '"');
}

/* An href a reading system can follow: absolute, with the characters
 * URLs may not hold percent-encoded. */
bool nc_html_href(struct nc_buf *x, const char *url)
{
	if (!url || !(strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0 ||
		      strncasecmp(url, "mailto:", 7) == 0 || strncasecmp(url, "ftp://", 6) == 0))
		return false;
	nc_buf_puts(x, " href=\"");
	struct nc_buf enc = {0};
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f || strchr("\"<>\\^`{|}", *p))
			nc_buf_printf(&enc, "%%%02X", *p);
		else
			nc_buf_putc(&enc, (char)*p);
	}
	if (enc.data)
		nc_buf_put_xml(x, enc.data, enc.len, true);
	nc_buf_free(&enc);
	nc_buf_putc(x, '"');
	return true;
}

static const char *embed_label(enum nc_embed_kind k)
{
	switch (k) {
	case NC_EMBED_IFRAME: return "Embedded content";
	case NC_EMBED_VIDEO: return "Video";
	case NC_EMBED_AUDIO: return "Audio";
	}
	return "Embedded content";
}

static void put_image(const struct nc_html_images *im, struct nc_buf *x,
		      const struct nc_node *n, bool in_link)
{
	const char *src = im->src(im->ctx, n->as.image.res, n->as.image.url);
	const char *alt = n->as.image.alt ? n->as.image.alt : "";
	if (src) {
		nc_buf_puts(x, "<img");
		nc_html_attr(x, "src", src);
		nc_html_attr(x, "alt", alt);
		if (n->as.image.title)
			nc_html_attr(x, "title", n->as.image.title);
		nc_buf_puts(x, "/>");
		return;
	}
	/* No image to show: say where it was. */
	size_t mark = x->len;
	bool linked = false;
	if (!in_link) {
		nc_buf_puts(x, "<a class=\"image-placeholder\"");
		linked = nc_html_href(x, n->as.image.url);
		if (linked)
			nc_buf_putc(x, '>');
		else
			nc_buf_truncate(x, mark);
	}
	if (!linked)
		nc_buf_puts(x, "<span class=\"image-placeholder\">");
	nc_buf_puts(x, "[Image");
	if (*alt) {
		nc_buf_puts(x, ": ");
		nc_buf_puts_xml(x, alt, false);
	}
	nc_buf_puts(x, "]");
	nc_buf_puts(x, linked ? "</a>" : "</span>");
}

static void put_embed(const struct nc_html_images *im, struct nc_buf *x,
		      const struct nc_node *n, bool in_link)
{
	const char *poster = n->as.embed.poster
		? im->src(im->ctx, n->as.embed.poster_res, n->as.embed.poster) : NULL;
	size_t mark = x->len;
	bool linked = false;
	if (!in_link) {
		nc_buf_puts(x, "<a class=\"embed\"");
		linked = nc_html_href(x, n->as.embed.url);
		if (linked)
			nc_buf_putc(x, '>');
		else
			nc_buf_truncate(x, mark);
	}
	if (!linked)
		nc_buf_puts(x, "<span class=\"embed\">");
	if (poster) {
		nc_buf_puts(x, "<img");
		nc_html_attr(x, "src", poster);
		nc_html_attr(x, "alt", n->as.embed.title ? n->as.embed.title : embed_label(n->as.embed.kind));
		nc_buf_puts(x, "/><br/>");
	}
	nc_buf_puts(x, "\xe2\x96\xb6 ");
	nc_buf_puts(x, embed_label(n->as.embed.kind));
	nc_buf_puts(x, ": ");
	nc_buf_puts_xml(x, n->as.embed.title ? n->as.embed.title : n->as.embed.url, false);
	nc_buf_puts(x, linked ? "</a>" : "</span>");
}

static const char *align_style(enum nc_align a)
{
	switch (a) {
	case NC_ALIGN_NONE: return NULL;
	case NC_ALIGN_LEFT: return "text-align: left";
	case NC_ALIGN_CENTER: return "text-align: center";
	case NC_ALIGN_RIGHT: return "text-align: right";
	}
	return NULL;
}

static int shifted(int level)
{
	return level + 1 > 6 ? 6 : level + 1 < 2 ? 2 : level + 1;
}

/* The body of one article as XHTML. */
void nc_html_body(struct nc_buf *x, struct nc_node *root, const struct nc_html_images *im)
{
	struct nc_iter it;
	enum nc_event ev;
	int link_depth = 0;       /* links inside links are not allowed */
	struct nc_buf opened = {0};
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		struct nc_node *n = it.cur;
		bool enter = ev == NC_EVENT_ENTER;
		switch (n->type) {
		case NC_NODE_DOCUMENT:
			break;
		case NC_NODE_PARAGRAPH:
			nc_buf_puts(x, enter ? "<p>" : "</p>\n");
			break;
		case NC_NODE_HEADING:
			nc_buf_printf(x, enter ? "<h%d>" : "</h%d>\n", shifted(n->as.heading.level));
			break;
		case NC_NODE_BLOCKQUOTE:
			nc_buf_puts(x, enter ? "<blockquote>\n" : "</blockquote>\n");
			break;
		case NC_NODE_LIST:
			if (!enter)
				nc_buf_puts(x, n->as.list.ordered ? "</ol>\n" : "</ul>\n");
			else if (!n->as.list.ordered)
				nc_buf_puts(x, "<ul>\n");
			else if (n->as.list.start != 1)
				nc_buf_printf(x, "<ol start=\"%d\">\n", n->as.list.start);
			else
				nc_buf_puts(x, "<ol>\n");
			break;
		case NC_NODE_ITEM:
			nc_buf_puts(x, enter ? "<li>" : "</li>\n");
			break;
		case NC_NODE_CODE_BLOCK:
			nc_buf_puts(x, "<pre><code");
			if (n->as.code_block.info && *n->as.code_block.info) {
				struct nc_buf cls = {0};
				nc_buf_puts(&cls, "language-");
				for (const char *p = n->as.code_block.info; *p; p++)
					if (*p != ' ')
						nc_buf_putc(&cls, *p);
				nc_html_attr(x, "class", cls.data);
				nc_buf_free(&cls);
			}
			nc_buf_putc(x, '>');
			nc_buf_put_xml(x, n->as.code_block.literal ? n->as.code_block.literal : "",
				       n->as.code_block.len, false);
			nc_buf_puts(x, "</code></pre>\n");
			break;
		case NC_NODE_THEMATIC_BREAK:
			nc_buf_puts(x, "<hr/>\n");
			break;
		case NC_NODE_TABLE:
			nc_buf_puts(x, enter ? "<table>\n" : "</table>\n");
			break;
		case NC_NODE_TABLE_ROW:
			nc_buf_puts(x, enter ? "<tr>" : "</tr>\n");
			break;
		case NC_NODE_TABLE_CELL: {
			const char *tag = n->as.cell.header ? "th" : "td";
			if (!enter) {
				nc_buf_printf(x, "</%s>", tag);
				break;
			}
			nc_buf_printf(x, "<%s", tag);
			if (n->as.cell.colspan > 1)
				nc_buf_printf(x, " colspan=\"%d\"", n->as.cell.colspan);
			if (n->as.cell.rowspan > 1)
				nc_buf_printf(x, " rowspan=\"%d\"", n->as.cell.rowspan);
			if (align_style(n->as.cell.align))
				nc_html_attr(x, "style", align_style(n->as.cell.align));
			nc_buf_putc(x, '>');
			break;
		}
		case NC_NODE_FIGURE:
			nc_buf_puts(x, enter ? "<figure>\n" : "</figure>\n");
			break;
		case NC_NODE_CAPTION: {
			/* figcaption must be a figure's first or last child. */
			bool edge = n->parent && n->parent->type == NC_NODE_FIGURE && (!n->prev || !n->next);
			if (enter)
				nc_buf_puts(x, edge ? "<figcaption>" : "<p class=\"caption\">");
			else
				nc_buf_puts(x, edge ? "</figcaption>\n" : "</p>\n");
			break;
		}
		case NC_NODE_TEXT:
			nc_buf_put_xml(x, n->as.text.literal, n->as.text.len, false);
			break;
		case NC_NODE_EMPH:
			nc_buf_puts(x, enter ? "<em>" : "</em>");
			break;
		case NC_NODE_STRONG:
			nc_buf_puts(x, enter ? "<strong>" : "</strong>");
			break;
		case NC_NODE_STRIKE:
			nc_buf_puts(x, enter ? "<s>" : "</s>");
			break;
		case NC_NODE_SUB:
			nc_buf_puts(x, enter ? "<sub>" : "</sub>");
			break;
		case NC_NODE_SUP:
			nc_buf_puts(x, enter ? "<sup>" : "</sup>");
			break;
		case NC_NODE_CODE:
			nc_buf_puts(x, "<code>");
			nc_buf_put_xml(x, n->as.text.literal, n->as.text.len, false);
			nc_buf_puts(x, "</code>");
			break;
		case NC_NODE_LINK:
			/* A link is written only when it can be followed and is
			 * not inside another; its text is written either way.
			 * `opened` remembers, per open link, which tag it got. */
			if (enter) {
				size_t mark = x->len;
				bool a = false;
				nc_buf_puts(x, "<a");
				if (link_depth == 0 && nc_html_href(x, n->as.link.url)) {
					if (n->as.link.title)
						nc_html_attr(x, "title", n->as.link.title);
					nc_buf_putc(x, '>');
					if (!n->first_child)
						nc_buf_puts_xml(x, n->as.link.url, false);
					a = true;
					link_depth++;
				} else {
					nc_buf_truncate(x, mark);
					nc_buf_puts(x, "<span>");
				}
				nc_buf_putc(&opened, a ? 'a' : 's');
			} else {
				bool a = opened.len && opened.data[opened.len - 1] == 'a';
				if (opened.len)
					nc_buf_truncate(&opened, opened.len - 1);
				if (a)
					link_depth--;
				nc_buf_puts(x, a ? "</a>" : "</span>");
			}
			break;
		case NC_NODE_IMAGE:
			put_image(im, x, n, link_depth > 0);
			break;
		case NC_NODE_EMBED:
			put_embed(im, x, n, link_depth > 0);
			break;
		case NC_NODE_LINE_BREAK:
			nc_buf_puts(x, "<br/>");
			break;
		}
	}
	nc_buf_free(&opened);
}

