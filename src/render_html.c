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
#include "resolve.h"
#include "util/words.h"
#include "util/text.h"

void nc_html_attr(struct nc_buf *x, const char *name, const char *value)
{
	nc_buf_printf(x, " %s=\"", name);
	nc_buf_puts_xml(x, value, true);
	nc_buf_putc(x, '"');
}

/* An href a reading system can follow: absolute, and a valid URI
 * (resolve.c's one rule for it: link targets already are; an image's
 * URL, encoded as a browser fetches it, or the source URL may not be). */
bool nc_html_href(struct nc_buf *x, const char *url)
{
	if (!url || !(strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0 ||
		      strncasecmp(url, "mailto:", 7) == 0 || strncasecmp(url, "ftp://", 6) == 0))
		return false;
	nc_buf_puts(x, " href=\"");
	struct nc_buf enc = {0};
	if (nc_uri_put(&enc, url) && enc.data)
		nc_buf_put_xml(x, enc.data, enc.len, true);
	x->oom |= enc.oom;
	nc_buf_free(&enc);
	nc_buf_putc(x, '"');
	return true;
}

void nc_html_words_lang(struct nc_buf *x, const struct nc_words *w, const char *lang)
{
	if (nc_words_foreign(w, lang)) {
		nc_html_attr(x, "lang", w->lang);
		nc_html_attr(x, "xml:lang", w->lang);
	}
}

static const char *embed_label(const struct nc_words *w, enum nc_embed_kind k)
{
	switch (k) {
	case NC_EMBED_IFRAME: return w->embedded;
	case NC_EMBED_VIDEO: return w->video;
	case NC_EMBED_AUDIO: return w->audio;
	}
	return w->embedded;
}

/* Width and height from a PNG or GIF header; false for anything else. */
static bool image_size(const struct nc_blob *b, unsigned long *w, unsigned long *h)
{
	const unsigned char *p = b ? b->data : NULL;
	if (!p)
		return false;
	if (b->size >= 24 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8) && !memcmp(p + 12, "IHDR", 4)) {
		*w = (unsigned long)p[16] << 24 | (unsigned long)p[17] << 16 | (unsigned long)p[18] << 8 | p[19];
		*h = (unsigned long)p[20] << 24 | (unsigned long)p[21] << 16 | (unsigned long)p[22] << 8 | p[23];
		return true;
	}
	if (b->size >= 10 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6))) {
		*w = p[6] | (unsigned long)p[7] << 8;
		*h = p[8] | (unsigned long)p[9] << 8;
		return true;
	}
	return false;
}

/* A spacer or tracking pixel by its file name: spacer.gif, pixel.png,
 * blank.gif, 1x1.gif ... */
static bool spacer_name(const char *url)
{
	static const char *const names[] = {"spacer", "pixel", "blank", "transparent", "clear",
					    "shim", "1x1", "px", "trans", "tracking", "tracker"};
	if (!url || !strncasecmp(url, "data:", 5))
		return false;
	size_t end = strcspn(url, "?#");
	size_t start = end;
	while (start > 0 && url[start - 1] != '/')
		start--;
	size_t stem = start;
	while (stem < end && url[stem] != '.')
		stem++;
	size_t len = stem - start;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (len == strlen(names[i]) && !strncasecmp(url + start, names[i], len))
			return true;
	return len >= 6 && !strncasecmp(url + start, "spacer", 6);
}

/* The text of a caption, whitespace squashed. */
static void caption_text(const struct nc_node *cap, struct nc_buf *out)
{
	struct nc_buf raw = {0};
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, (struct nc_node *)cap);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		const struct nc_node *n = it.cur;
		if (ev != NC_EVENT_ENTER)
			continue;
		if (n->type == NC_NODE_TEXT || n->type == NC_NODE_CODE)
			nc_buf_put(&raw, n->as.text.literal, n->as.text.len);
		else if (n->type == NC_NODE_LINE_BREAK)
			nc_buf_putc(&raw, ' ');
	}
	char *sq = raw.data ? nc_str_squash(raw.data) : NULL;
	if (sq)
		nc_buf_puts(out, sq);
	free(sq);
	nc_buf_free(&raw);
}

enum nc_alt nc_html_image_alt(const struct nc_node *img, struct nc_buf *alt)
{
	if (!nc_str_blank(img->as.image.alt)) {
		nc_buf_puts(alt, img->as.image.alt);
		return NC_ALT_TEXT;
	}
	/* A figure's caption is the figure's first or last child; looking at
	 * those two only keeps this O(1) per image. */
	const struct nc_node *fig = img->parent;
	while (fig && fig->type != NC_NODE_FIGURE && fig->type != NC_NODE_DOCUMENT)
		fig = fig->parent;
	if (fig && fig->type == NC_NODE_FIGURE) {
		const struct nc_node *cap = fig->first_child && fig->first_child->type == NC_NODE_CAPTION
			? fig->first_child
			: fig->last_child && fig->last_child->type == NC_NODE_CAPTION ? fig->last_child : NULL;
		if (cap) {
			size_t mark = alt->len;
			caption_text(cap, alt);
			if (alt->len > mark)
				return NC_ALT_TEXT;
		}
	}
	const struct nc_resource *r = img->as.image.res;
	unsigned long w, h;
	if ((r && r->blob && image_size(r->blob, &w, &h) && w <= 1 && h <= 1) ||
	    spacer_name(img->as.image.url))
		return NC_ALT_LAYOUT;
	return NC_ALT_NONE;
}

static void put_image(const struct nc_html_images *im, struct nc_buf *x,
		      const struct nc_node *n, bool in_link)
{
	const char *src = im->src(im->ctx, n->as.image.res, n->as.image.url);
	struct nc_buf altb = {0};
	enum nc_alt kind = nc_html_image_alt(n, &altb);
	if (src) {
		const char *alt = altb.data ? altb.data : "";
		nc_buf_puts(x, "<img");
		nc_html_attr(x, "src", src);
		nc_html_attr(x, "alt", alt);
		if (kind == NC_ALT_LAYOUT)
			nc_buf_puts(x, " role=\"presentation\"");
		if (n->as.image.title)
			nc_html_attr(x, "title", n->as.image.title);
		nc_buf_puts(x, "/>");
		nc_buf_free(&altb);
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
	/* The source's own alt only: a caption used as the alt is shown
	 * next to the placeholder anyway. */
	const struct nc_words *w = nc_words_for(im->lang);
	nc_buf_putc(x, '[');
	if (nc_words_foreign(w, im->lang)) {
		nc_buf_puts(x, "<span");
		nc_html_words_lang(x, w, im->lang);
		nc_buf_putc(x, '>');
		nc_buf_puts(x, w->image);
		nc_buf_puts(x, "</span>");
	} else {
		nc_buf_puts(x, w->image);
	}
	if (!nc_str_blank(n->as.image.alt)) {
		nc_buf_puts(x, ": ");
		nc_buf_puts_xml(x, n->as.image.alt, false);
	}
	nc_buf_puts(x, "]");
	nc_buf_puts(x, linked ? "</a>" : "</span>");
	nc_buf_free(&altb);
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
	/* The poster is decoration: the text after it names the link. */
	if (poster) {
		nc_buf_puts(x, "<img");
		nc_html_attr(x, "src", poster);
		nc_buf_puts(x, " alt=\"\" role=\"presentation\"/><br/>");
	}
	const struct nc_words *w = nc_words_for(im->lang);
	bool foreign = nc_words_foreign(w, im->lang);
	nc_buf_puts(x, "<span aria-hidden=\"true\">\xe2\x96\xb6</span> ");
	if (foreign) {
		nc_buf_puts(x, "<span");
		nc_html_words_lang(x, w, im->lang);
		nc_buf_putc(x, '>');
	}
	nc_buf_puts(x, embed_label(w, n->as.embed.kind));
	nc_buf_puts(x, foreign ? "</span>: " : ": ");
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

/* Heading levels as written map to levels with none skipped: a heading
 * goes one below the nearest earlier heading of a higher source level
 * (h1 -> h4 becomes h2 -> h3), and the outermost start at <h2>.  The
 * stack holds strictly increasing source levels, so at most six. */
struct outline {
	int src[7], out[7];
	int depth;
};

static int heading_level(struct outline *o, int level)
{
	while (o->depth > 0 && o->src[o->depth - 1] >= level)
		o->depth--;
	int out = o->depth ? o->out[o->depth - 1] + 1 : 2;
	if (out > 6)
		out = 6;
	if (o->depth < 7) {
		o->src[o->depth] = level;
		o->out[o->depth] = out;
		o->depth++;
	}
	return out;
}

/* A header cell heads its column unless it starts a row of data cells. */
static const char *header_scope(const struct nc_node *cell)
{
	const struct nc_node *row = cell->parent;
	if (row && row->type == NC_NODE_TABLE_ROW && !row->as.row.header && !cell->prev && cell->next &&
	    cell->next->type == NC_NODE_TABLE_CELL && !cell->next->as.cell.header)
		return "row";
	return "col";
}

/* The body of one article as XHTML. */
/* What the walk carries from node to node. */
struct html_walk {
	struct nc_buf *x;
	const struct nc_html_images *im;
	int link_depth;          /* links inside links are not allowed */
	struct outline outline;
	int heading;             /* the level of the open heading */
	struct nc_buf opened;    /* per open link: 'a' or 's' (a <span> instead) */
};

static void put_list(struct nc_buf *x, const struct nc_node *n, bool enter)
{
	if (!enter)
		nc_buf_puts(x, n->as.list.ordered ? "</ol>\n" : "</ul>\n");
	else if (!n->as.list.ordered)
		nc_buf_puts(x, "<ul>\n");
	else if (n->as.list.start != 1)
		nc_buf_printf(x, "<ol start=\"%d\">\n", n->as.list.start);
	else
		nc_buf_puts(x, "<ol>\n");
}

static void put_code_block(struct nc_buf *x, const struct nc_node *n)
{
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
}

static void put_cell(struct nc_buf *x, const struct nc_node *n, bool enter)
{
	const char *tag = n->as.cell.header ? "th" : "td";
	if (!enter) {
		nc_buf_printf(x, "</%s>", tag);
		return;
	}
	nc_buf_printf(x, "<%s", tag);
	if (n->as.cell.header)
		nc_buf_printf(x, " scope=\"%s\"", header_scope(n));
	if (n->as.cell.colspan > 1)
		nc_buf_printf(x, " colspan=\"%d\"", n->as.cell.colspan);
	if (n->as.cell.rowspan > 1)
		nc_buf_printf(x, " rowspan=\"%d\"", n->as.cell.rowspan);
	if (align_style(n->as.cell.align))
		nc_html_attr(x, "style", align_style(n->as.cell.align));
	nc_buf_putc(x, '>');
}

/* A link is written only when it can be followed and is not inside
 * another; its text is written either way. */
static void put_link(struct html_walk *w, const struct nc_node *n, bool enter)
{
	struct nc_buf *x = w->x;
	if (!enter) {
		bool a = w->opened.len && w->opened.data[w->opened.len - 1] == 'a';
		if (w->opened.len)
			nc_buf_truncate(&w->opened, w->opened.len - 1);
		if (a)
			w->link_depth--;
		nc_buf_puts(x, a ? "</a>" : "</span>");
		return;
	}
	size_t mark = x->len;
	bool a = false;
	nc_buf_puts(x, "<a");
	if (w->link_depth == 0 && nc_html_href(x, n->as.link.url)) {
		if (n->as.link.title)
			nc_html_attr(x, "title", n->as.link.title);
		nc_buf_putc(x, '>');
		if (!n->first_child)
			nc_buf_puts_xml(x, n->as.link.url, false);
		a = true;
		w->link_depth++;
	} else {
		nc_buf_truncate(x, mark);
		nc_buf_puts(x, "<span>");
	}
	nc_buf_putc(&w->opened, a ? 'a' : 's');
}

/* An element with no attributes: its open or close tag. */
static void tag(struct nc_buf *x, bool enter, const char *open, const char *close)
{
	nc_buf_puts(x, enter ? open : close);
}

static void put_node(struct html_walk *w, const struct nc_node *n, bool enter)
{
	struct nc_buf *x = w->x;
	switch (n->type) {
	case NC_NODE_DOCUMENT:
		break;
	case NC_NODE_PARAGRAPH: tag(x, enter, "<p>", "</p>\n"); break;
	case NC_NODE_HEADING:
		if (enter)
			w->heading = heading_level(&w->outline, n->as.heading.level);
		nc_buf_printf(x, enter ? "<h%d>" : "</h%d>\n", w->heading);
		break;
	case NC_NODE_BLOCKQUOTE: tag(x, enter, "<blockquote>\n", "</blockquote>\n"); break;
	case NC_NODE_LIST: put_list(x, n, enter); break;
	case NC_NODE_ITEM: tag(x, enter, "<li>", "</li>\n"); break;
	case NC_NODE_CODE_BLOCK: put_code_block(x, n); break;
	case NC_NODE_THEMATIC_BREAK: nc_buf_puts(x, "<hr/>\n"); break;
	case NC_NODE_TABLE: tag(x, enter, "<table>\n", "</table>\n"); break;
	case NC_NODE_TABLE_ROW: tag(x, enter, "<tr>", "</tr>\n"); break;
	case NC_NODE_TABLE_CELL: put_cell(x, n, enter); break;
	case NC_NODE_FIGURE: tag(x, enter, "<figure>\n", "</figure>\n"); break;
	case NC_NODE_CAPTION: {
		/* figcaption must be a figure's first or last child, and a
		 * figure has one: with a caption first and another last, the
		 * last is a paragraph (review row 11). */
		const struct nc_node *fig = n->parent;
		bool in_fig = fig && fig->type == NC_NODE_FIGURE;
		bool edge = in_fig && (!n->prev || (!n->next && fig->first_child->type != NC_NODE_CAPTION));
		if (edge)
			tag(x, enter, "<figcaption>", "</figcaption>\n");
		else
			tag(x, enter, "<p class=\"caption\">", "</p>\n");
		break;
	}
	case NC_NODE_TEXT: nc_buf_put_xml(x, n->as.text.literal, n->as.text.len, false); break;
	case NC_NODE_EMPH: tag(x, enter, "<em>", "</em>"); break;
	case NC_NODE_STRONG: tag(x, enter, "<strong>", "</strong>"); break;
	case NC_NODE_STRIKE: tag(x, enter, "<s>", "</s>"); break;
	case NC_NODE_SUB: tag(x, enter, "<sub>", "</sub>"); break;
	case NC_NODE_SUP: tag(x, enter, "<sup>", "</sup>"); break;
	case NC_NODE_CODE:
		nc_buf_puts(x, "<code>");
		nc_buf_put_xml(x, n->as.text.literal, n->as.text.len, false);
		nc_buf_puts(x, "</code>");
		break;
	case NC_NODE_LINK: put_link(w, n, enter); break;
	case NC_NODE_IMAGE: put_image(w->im, x, n, w->link_depth > 0); break;
	case NC_NODE_EMBED: put_embed(w->im, x, n, w->link_depth > 0); break;
	case NC_NODE_LINE_BREAK: nc_buf_puts(x, "<br/>"); break;
	}
}

void nc_html_body(struct nc_buf *x, struct nc_node *root, const struct nc_html_images *im)
{
	struct html_walk w = { .x = x, .im = im, .heading = 2 };
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE)
		put_node(&w, it.cur, ev == NC_EVENT_ENTER);
	nc_buf_free(&w.opened);
}

