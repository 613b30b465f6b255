/*
 * read_html.c - an article's HTML body (libxml2's HTML parser) into the
 * node tree of include/newsconv.h.
 *
 * The DOM is walked without recursion.  Elements map to the nearest
 * semantic node; anything unknown is unwrapped so its text is never
 * dropped.  Block elements met inside inline content (a <div> inside a
 * link) are flattened into that inline content with a line break, since
 * a paragraph cannot hold blocks.  Whitespace collapses as in a browser;
 * U+3000 and U+00A0 are text, not whitespace.
 *
 * Not supported: CSS (display:none content is kept), <ruby> annotations
 * (base text and reading are both kept as text), MathML and SVG
 * (dropped), forms (controls that show text unwrap to it).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "newsconv.h"
#include "extract.h"
#include "pagemeta.h"
#include "util/buf.h"
#include "util/lang.h"
#include "util/date.h"
#include "util/text.h"

enum kind {
	K_UNWRAP,     /* inline wrapper (span, font ...): children only */
	K_DIVLIKE,    /* block wrapper (div, section ...): a paragraph break */
	K_SKIP,       /* element and content dropped */
	K_PARA, K_HEADING, K_BLOCKQUOTE, K_LIST, K_ITEM, K_PRE, K_HR,
	K_TABLE, K_TSECTION, K_ROW, K_CELL, K_TCAPTION,
	K_FIGURE, K_FIGCAPTION,
	K_INLINE,     /* emph, strong ... */
	K_CODE, K_LINK, K_IMG, K_BR, K_EMBED, K_PICTURE
};

struct tagmap {
	const char *name;
	enum kind kind;
	enum nc_node_type type; /* for K_INLINE */
};

static const struct tagmap tags[] = {
	{"p", K_PARA, NC_NODE_PARAGRAPH}, {"dt", K_PARA, NC_NODE_PARAGRAPH},
	{"dd", K_PARA, NC_NODE_PARAGRAPH}, {"address", K_PARA, NC_NODE_PARAGRAPH},
	{"h1", K_HEADING, 0}, {"h2", K_HEADING, 0}, {"h3", K_HEADING, 0},
	{"h4", K_HEADING, 0}, {"h5", K_HEADING, 0}, {"h6", K_HEADING, 0},
	{"blockquote", K_BLOCKQUOTE, 0}, {"ul", K_LIST, 0}, {"ol", K_LIST, 0},
	{"menu", K_LIST, 0}, {"li", K_ITEM, 0}, {"pre", K_PRE, 0},
	{"listing", K_PRE, 0}, {"xmp", K_PRE, 0}, {"plaintext", K_PRE, 0},
	{"hr", K_HR, 0},
	{"table", K_TABLE, 0}, {"thead", K_TSECTION, 0}, {"tbody", K_TSECTION, 0},
	{"tfoot", K_TSECTION, 0}, {"tr", K_ROW, 0}, {"td", K_CELL, 0},
	{"th", K_CELL, 0}, {"caption", K_TCAPTION, 0},
	{"colgroup", K_SKIP, 0}, {"col", K_SKIP, 0},
	{"figure", K_FIGURE, 0}, {"figcaption", K_FIGCAPTION, 0},
	{"em", K_INLINE, NC_NODE_EMPH}, {"i", K_INLINE, NC_NODE_EMPH},
	{"u", K_INLINE, NC_NODE_EMPH}, {"cite", K_INLINE, NC_NODE_EMPH},
	{"dfn", K_INLINE, NC_NODE_EMPH}, {"var", K_INLINE, NC_NODE_EMPH},
	{"ins", K_INLINE, NC_NODE_EMPH},
	{"strong", K_INLINE, NC_NODE_STRONG}, {"b", K_INLINE, NC_NODE_STRONG},
	{"s", K_INLINE, NC_NODE_STRIKE}, {"del", K_INLINE, NC_NODE_STRIKE},
	{"strike", K_INLINE, NC_NODE_STRIKE},
	{"sub", K_INLINE, NC_NODE_SUB}, {"sup", K_INLINE, NC_NODE_SUP},
	{"code", K_CODE, 0}, {"kbd", K_CODE, 0}, {"samp", K_CODE, 0}, {"tt", K_CODE, 0},
	{"a", K_LINK, 0}, {"img", K_IMG, 0}, {"br", K_BR, 0}, {"wbr", K_SKIP, 0},
	{"iframe", K_EMBED, 0}, {"video", K_EMBED, 0}, {"audio", K_EMBED, 0},
	{"picture", K_PICTURE, 0},
	{"script", K_SKIP, 0}, {"style", K_SKIP, 0},
	/* <noscript> is what a reader without scripts sees: often the
	 * real <img> behind a lazy-loading one. */
	{"noscript", K_UNWRAP, 0},
	/* <object>'s children are its fallback, what a reader without the
	 * plugin sees; an unclosed one holds the rest of the item. */
	{"template", K_SKIP, 0}, {"object", K_UNWRAP, 0}, {"embed", K_SKIP, 0},
	{"head", K_SKIP, 0}, {"title", K_SKIP, 0}, {"meta", K_SKIP, 0},
	{"link", K_SKIP, 0}, {"input", K_SKIP, 0}, {"svg", K_SKIP, 0},
	/* MathML keeps its text (x + 1), not its TeX annotation twice */
	{"math", K_UNWRAP, 0}, {"annotation", K_SKIP, 0}, {"annotation-xml", K_SKIP, 0},
	{"canvas", K_SKIP, 0},
	{"param", K_SKIP, 0}, {"track", K_SKIP, 0},
	/* libxml2's HTML 4 parser nests what follows <source> inside it. */
	{"source", K_UNWRAP, 0},
	{"area", K_SKIP, 0}, {"base", K_SKIP, 0},
	{"div", K_DIVLIKE, 0}, {"section", K_DIVLIKE, 0}, {"article", K_DIVLIKE, 0},
	{"main", K_DIVLIKE, 0}, {"header", K_DIVLIKE, 0}, {"footer", K_DIVLIKE, 0},
	{"nav", K_DIVLIKE, 0}, {"aside", K_DIVLIKE, 0}, {"center", K_DIVLIKE, 0},
	{"body", K_DIVLIKE, 0}, {"html", K_DIVLIKE, 0}, {"dl", K_DIVLIKE, 0},
	{"form", K_DIVLIKE, 0}, {"fieldset", K_DIVLIKE, 0}, {"details", K_DIVLIKE, 0},
	{"summary", K_PARA, NC_NODE_PARAGRAPH}, {"hgroup", K_DIVLIKE, 0},
	{"legend", K_PARA, NC_NODE_PARAGRAPH}, {"textarea", K_PARA, NC_NODE_PARAGRAPH},
	{"select", K_DIVLIKE, 0}, {"option", K_PARA, NC_NODE_PARAGRAPH},
	{"optgroup", K_DIVLIKE, 0},
};

static enum kind kind_of(const xmlNode *n, enum nc_node_type *type)
{
	const char *name = (const char *)n->name;
	int first = tolower((unsigned char)name[0]);
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		if (tags[i].name[0] == first && strcasecmp(name, tags[i].name) == 0) {
			*type = tags[i].type;
			return tags[i].kind;
		}
	}
	return K_UNWRAP;
}

struct frame {
	xmlNode *dom;
	enum kind kind;
	struct nc_node *block;   /* saved block container */
	struct nc_node *inl;     /* saved inline container */
	struct nc_node *table;   /* saved current table */
	struct nc_node *row;
	bool in_thead;
	bool opened;             /* this element opened the containers it set */
	const char *srcset;      /* saved <picture> srcset */
};

struct reader {
	struct nc_doc *doc;
	struct nc_node *block;    /* where blocks go */
	struct nc_node *inl;      /* where inlines go, NULL: no open paragraph */
	bool inl_implicit;        /* inl is a paragraph we opened for loose inlines */
	int inline_depth;         /* open inline model nodes inside inl's paragraph */
	struct nc_node *table, *row;
	bool in_thead;
	const char *picture_srcset; /* <source srcset> of the open <picture> */
	struct frame *stack;
	size_t depth, cap;
	int rc;
};

static const char *attr(const xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next) {
		if (strcasecmp((const char *)a->name, name) == 0 && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
		if (strcasecmp((const char *)a->name, name) == 0)
			return "";
	}
	return NULL;
}

static struct nc_node *add(struct reader *r, struct nc_node *parent, enum nc_node_type t)
{
	struct nc_node *n = nc_node_new(t);
	if (!n) {
		r->rc = NC_ERR_NOMEM;
		return NULL;
	}
	nc_node_append(parent, n);
	return n;
}

/* Where a block goes: content straight inside <ul>/<ol> (not in an
 * <li>) joins the list's last item, since a list holds only items. */
static struct nc_node *block_for(struct reader *r)
{
	struct nc_node *b = r->block;
	if (b->type != NC_NODE_LIST)
		return b;
	if (b->last_child && b->last_child->type == NC_NODE_ITEM)
		return b->last_child;
	struct nc_node *it = nc_node_new(NC_NODE_ITEM);
	if (!it) {
		r->rc = NC_ERR_NOMEM;
		return b;
	}
	nc_node_append(b, it);
	return it;
}

/* The inline container, opening an implicit paragraph when needed. */
static struct nc_node *inline_parent(struct reader *r)
{
	if (!r->inl) {
		r->inl = add(r, block_for(r), NC_NODE_PARAGRAPH);
		r->inl_implicit = true;
		r->inline_depth = 0;
	}
	return r->inl;
}

static void close_implicit(struct reader *r)
{
	if (r->inl && r->inl_implicit && r->inline_depth == 0)
		r->inl = NULL;
}

/* Inside a paragraph, heading or inline element: blocks must flatten. */
static bool deep(const struct reader *r)
{
	return r->inl && !(r->inl_implicit && r->inline_depth == 0);
}

static void add_text(struct reader *r, struct nc_node *parent, const char *s, size_t n)
{
	struct nc_node *last = parent->last_child;
	if (last && last->type == NC_NODE_TEXT) {
		size_t old = last->as.text.len;
		/* Two collapsed runs meeting across an unwrapped element. */
		if (old && last->as.text.literal[old - 1] == ' ' && n && s[0] == ' ') {
			s++;
			n--;
		}
		char *p = realloc(last->as.text.literal, old + n + 1);
		if (!p) {
			r->rc = NC_ERR_NOMEM;
			return;
		}
		memcpy(p + old, s, n);
		p[old + n] = '\0';
		last->as.text.literal = p;
		last->as.text.len = old + n;
		return;
	}
	struct nc_node *t = add(r, parent, NC_NODE_TEXT);
	if (t && nc_node_set_text(t, s, n))
		r->rc = NC_ERR_NOMEM;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Collapse ASCII whitespace runs to one space; the trimming at block
 * edges happens in tidy(). */
static void text_node(struct reader *r, const char *s)
{
	size_t n = strlen(s);
	bool blank = true;
	for (size_t i = 0; i < n; i++)
		if (!is_ws(s[i])) {
			blank = false;
			break;
		}
	if (blank && !r->inl)
		return;
	char *buf = malloc(n + 1);
	if (!buf) {
		r->rc = NC_ERR_NOMEM;
		return;
	}
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_ws(s[i])) {
			if (o == 0 || buf[o - 1] != ' ')
				buf[o++] = ' ';
		} else {
			buf[o++] = s[i];
		}
	}
	struct nc_node *p = inline_parent(r);
	if (p)
		add_text(r, p, buf, o);
	free(buf);
}

/* All text under a DOM node (for <pre> and <code>), iteratively. */
static char *dom_text(xmlNode *root, bool collapse)
{
	struct nc_buf b = {0};
	xmlNode *n = root->children;
	while (n && n != root) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			nc_buf_puts(&b, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, "br") == 0) {
			nc_buf_putc(&b, '\n');
		}
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		if (n && n != root)
			n = n->next;
	}
	if (!b.data)
		nc_buf_reserve(&b, 0);
	char *s = nc_buf_detach(&b, NULL);
	if (s && collapse) {
		size_t o = 0;
		for (size_t i = 0; s[i]; i++) {
			if (is_ws(s[i])) {
				if (o == 0 || s[o - 1] != ' ')
					s[o++] = ' ';
			} else {
				s[o++] = s[i];
			}
		}
		s[o] = '\0';
	}
	return s;
}

static char *code_language(xmlNode *pre)
{
	xmlNode *cands[2] = {pre, NULL};
	for (xmlNode *c = pre->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcasecmp((const char *)c->name, "code") == 0) {
			cands[1] = c;
			break;
		}
	for (int i = 1; i >= 0; i--) {
		const char *cls = cands[i] ? attr(cands[i], "class") : NULL;
		if (!cls)
			continue;
		const char *p = cls;
		while (*p) {
			while (*p == ' ')
				p++;
			size_t n = strcspn(p, " ");
			size_t skip = 0;
			if (n > 9 && strncmp(p, "language-", 9) == 0)
				skip = 9;
			else if (n > 5 && strncmp(p, "lang-", 5) == 0)
				skip = 5;
			if (skip)
				return strndup(p + skip, n - skip);
			p += n;
		}
	}
	return NULL;
}

/* A src that stands in for the real image until a script swaps it. */
static bool placeholder_src(const char *s)
{
	if (!s || !*s)
		return true;
	if (strncasecmp(s, "data:image/gif", 14) == 0 || strncasecmp(s, "data:image/svg", 14) == 0)
		return true;
	return strstr(s, "placeholder") || strstr(s, "blank.gif") || strstr(s, "lazyload") ||
	       strstr(s, "loading.gif") || strstr(s, "grey.gif");
}

/* The largest candidate of a srcset ("a.jpg 480w, b.jpg 800w" or 1x/2x). */
static char *srcset_best(const char *set)
{
	char *best = NULL;
	double best_v = -1;
	const char *p = set;
	while (p && *p) {
		while (*p && (is_ws(*p) || *p == ','))
			p++;
		if (!*p)
			break;
		const char *u = p;
		while (*p && !is_ws(*p))
			p++;
		size_t un = (size_t)(p - u);
		/* A URL may itself end with a comma separating candidates. */
		bool ended = un && u[un - 1] == ',';
		if (ended)
			un--;
		double v = 1;
		if (!ended) {
			while (*p && is_ws(*p))
				p++;
			const char *d = p;
			while (*p && *p != ',')
				p++;
			if (p > d) {
				double x = strtod(d, NULL);
				char unit = p[-1];
				while (p > d && is_ws(unit))
					unit = *(--p - 1);
				if (x > 0)
					v = unit == 'w' ? x : x * 1000;
			}
			while (*p && *p != ',')
				p++;
		}
		if (un && v > best_v) {
			free(best);
			best = strndup(u, un);
			best_v = v;
		}
	}
	return best;
}

static void do_image(struct reader *r, xmlNode *n)
{
	const char *src = attr(n, "src");
	static const char *const lazy[] = {"data-src", "data-original", "data-lazy-src",
					   "data-actualsrc", "data-url", NULL};
	if (placeholder_src(src)) {
		for (const char *const *k = lazy; *k; k++) {
			const char *v = attr(n, *k);
			if (v && *v) {
				src = v;
				break;
			}
		}
	}
	/* Order: the image's own largest srcset candidate when it is a
	 * full URL, its real src, its lazy-load attributes, a relative
	 * srcset candidate, and last a <picture> <source>. */
	char *own = NULL, *pic = NULL;
	const char *set = attr(n, "data-srcset");
	if (!set || !*set)
		set = attr(n, "srcset");
	if (set && *set)
		own = srcset_best(set);
	if (r->picture_srcset)
		pic = srcset_best(r->picture_srcset);
	bool own_abs = own && (strncasecmp(own, "http://", 7) == 0 ||
			       strncasecmp(own, "https://", 8) == 0 || strncmp(own, "//", 2) == 0);
	const char *url = own_abs ? own : !placeholder_src(src) ? src : own ? own : pic;
	if (!url && src && *src)
		url = src;
	char *chosen = own;
	if (url == pic) {
		chosen = pic;
		pic = own;
	}
	free(pic);
	if (!url) {
		free(chosen);
		/* Nothing to show but the alt text. */
		const char *alt = attr(n, "alt");
		if (alt && *alt)
			text_node(r, alt);
		return;
	}
	struct nc_node *p = inline_parent(r);
	struct nc_node *img = p ? add(r, p, NC_NODE_IMAGE) : NULL;
	if (img) {
		const char *alt = attr(n, "alt");
		const char *title = attr(n, "title");
		char *a = alt ? nc_str_squash(alt) : NULL;
		if (nc_set_str(&img->as.image.url, url) ||
		    nc_set_str(&img->as.image.alt, a ? a : "") ||
		    (title && *title && nc_set_str(&img->as.image.title, title)))
			r->rc = NC_ERR_NOMEM;
		free(a);
	}
	free(chosen);
}

static void do_embed(struct reader *r, xmlNode *n)
{
	const char *name = (const char *)n->name;
	const char *url = attr(n, "src");
	if (!url || !*url)
		url = attr(n, "data-src");
	if (!url || !*url) {
		for (xmlNode *c = n->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && strcasecmp((const char *)c->name, "source") == 0 &&
			    (url = attr(c, "src")) && *url)
				break;
	}
	if (!url || !*url)
		return;
	struct nc_node *p = inline_parent(r);
	struct nc_node *e = p ? add(r, p, NC_NODE_EMBED) : NULL;
	if (!e)
		return;
	e->as.embed.kind = strcasecmp(name, "video") == 0 ? NC_EMBED_VIDEO
			 : strcasecmp(name, "audio") == 0 ? NC_EMBED_AUDIO : NC_EMBED_IFRAME;
	const char *poster = attr(n, "poster");
	const char *title = attr(n, "title");
	if (!title || !*title)
		title = attr(n, "aria-label");
	if (nc_set_str(&e->as.embed.url, url) ||
	    (poster && *poster && nc_set_str(&e->as.embed.poster, poster)) ||
	    (title && *title && nc_set_str(&e->as.embed.title, title)))
		r->rc = NC_ERR_NOMEM;
}

static enum nc_align align_of(xmlNode *n)
{
	const char *a = attr(n, "align");
	const char *style = attr(n, "style");
	char buf[16] = "";
	if (style) {
		const char *t = strstr(style, "text-align");
		if (t) {
			t += 10;
			while (*t == ' ' || *t == ':')
				t++;
			size_t k = 0;
			while (k + 1 < sizeof buf && isalpha((unsigned char)t[k])) {
				buf[k] = t[k];
				k++;
			}
			buf[k] = '\0';
			a = buf;
		}
	}
	if (!a)
		return NC_ALIGN_NONE;
	if (strcasecmp(a, "left") == 0)
		return NC_ALIGN_LEFT;
	if (strcasecmp(a, "center") == 0)
		return NC_ALIGN_CENTER;
	if (strcasecmp(a, "right") == 0)
		return NC_ALIGN_RIGHT;
	return NC_ALIGN_NONE;
}

static int span_of(xmlNode *n, const char *name)
{
	const char *v = attr(n, name);
	if (!v)
		return 1;
	long x = strtol(v, NULL, 10);
	return x < 1 ? 1 : x > 1000 ? 1000 : (int)x;
}

/* A line break between flattened blocks, unless at the start. */
static void soft_break(struct reader *r)
{
	if (r->inl && r->inl->last_child && r->inl->last_child->type != NC_NODE_LINE_BREAK)
		add(r, r->inl, NC_NODE_LINE_BREAK);
}

static bool push(struct reader *r, xmlNode *dom, enum kind k)
{
	if (r->depth == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct frame *s = realloc(r->stack, cap * sizeof *s);
		if (!s) {
			r->rc = NC_ERR_NOMEM;
			return false;
		}
		r->stack = s;
		r->cap = cap;
	}
	struct frame *f = &r->stack[r->depth++];
	f->dom = dom;
	f->kind = k;
	f->block = r->block;
	f->inl = r->inl;
	f->table = r->table;
	f->row = r->row;
	f->in_thead = r->in_thead;
	f->opened = false;
	f->srcset = NULL;
	return true;
}

/* The common start of a block element: past inline content it is
 * flattened into that content; otherwise any loose paragraph ends. */
enum block_start { BLOCK_FAILED, BLOCK_FLATTENED, BLOCK_OPEN };

static enum block_start begin_block(struct reader *r, xmlNode *n, enum kind k, bool is_deep)
{
	if (!push(r, n, k))
		return BLOCK_FAILED;
	if (is_deep) {
		soft_break(r);
		return BLOCK_FLATTENED;
	}
	close_implicit(r);
	return BLOCK_OPEN;
}

/* Start an element.  Returns true when its children should be walked. */
/* ---- enter(): one function per kind of element ------------------------- */

/* <pre>: a code block, or inline code when blocks are out of reach. */
static void do_pre(struct reader *r, xmlNode *n, bool is_deep)
{
	char *text = dom_text(n, is_deep);
	if (!text) {
		r->rc = NC_ERR_NOMEM;
		return;
	}
	if (is_deep) {
		struct nc_node *c = add(r, r->inl, NC_NODE_CODE);
		if (c && nc_node_set_text(c, text, strlen(text)))
			r->rc = NC_ERR_NOMEM;
	} else {
		close_implicit(r);
		struct nc_node *c = add(r, block_for(r), NC_NODE_CODE_BLOCK);
		/* HTML drops one newline right after <pre>. */
		const char *t = text[0] == '\n' ? text + 1 : text;
		size_t len = strlen(t);
		while (len && (t[len - 1] == '\n' || t[len - 1] == ' '))
			len--;
		if (c && nc_node_set_text(c, t, len))
			r->rc = NC_ERR_NOMEM;
		if (c)
			c->as.code_block.info = code_language(n);
	}
	free(text);
}

static void do_code(struct reader *r, xmlNode *n)
{
	char *text = dom_text(n, true);
	if (!text) {
		r->rc = NC_ERR_NOMEM;
		return;
	}
	if (*text) {
		struct nc_node *p = inline_parent(r);
		struct nc_node *c = p ? add(r, p, NC_NODE_CODE) : NULL;
		if (c && nc_node_set_text(c, text, strlen(text)))
			r->rc = NC_ERR_NOMEM;
	}
	free(text);
}

/* <picture>: its first <source srcset> is the image's, for the <img>. */
static bool open_picture(struct reader *r, xmlNode *n, enum kind k)
{
	const char *saved = r->picture_srcset;
	r->picture_srcset = NULL;
	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcasecmp((const char *)c->name, "source") == 0) {
			const char *s = attr(c, "srcset");
			if (!s || !*s)
				s = attr(c, "data-srcset");
			if (s && *s && !r->picture_srcset)
				r->picture_srcset = s;
		}
	if (!push(r, n, k))
		return false;
	r->stack[r->depth - 1].srcset = saved;
	return true;
}

/* The element is open: what leave() closes. */
static void opened(struct reader *r)
{
	r->stack[r->depth - 1].opened = true;
}

/* Blocks read from here on go into b (false: b could not be made). */
static bool into_block(struct reader *r, struct nc_node *b)
{
	if (!b)
		return false;
	r->block = b;
	r->inl = NULL;
	opened(r);
	return true;
}

/* <p>, <h1>-<h6>, <figcaption>, <caption>: a block of inline content. */
static bool open_text_block(struct reader *r, xmlNode *n, enum kind k, bool is_deep)
{
	enum block_start b = begin_block(r, n, k, is_deep);
	if (b != BLOCK_OPEN)
		return b == BLOCK_FLATTENED;
	enum nc_node_type t = k == K_HEADING ? NC_NODE_HEADING
			    : k == K_FIGCAPTION && r->block->type == NC_NODE_FIGURE ? NC_NODE_CAPTION
			    : NC_NODE_PARAGRAPH;
	struct nc_node *p = add(r, block_for(r), t);
	if (!p)
		return false;
	/* <li><p>a</p></li>: the author asked for a paragraph, which
	 * CommonMark writes as a loose list. */
	if (strcasecmp((const char *)n->name, "p") == 0 && p->parent->type == NC_NODE_ITEM &&
	    p->parent->parent && p->parent->parent->type == NC_NODE_LIST)
		p->parent->parent->as.list.tight = false;
	if (t == NC_NODE_HEADING)
		p->as.heading.level = n->name[1] - '0';
	r->inl = p;
	r->inl_implicit = false;
	r->inline_depth = 0;
	opened(r);
	return true;
}

/* <blockquote>, <figure>, <ul>, <ol>: blocks holding blocks. */
static bool open_container(struct reader *r, xmlNode *n, enum kind k, bool is_deep)
{
	enum block_start bs = begin_block(r, n, k, is_deep);
	if (bs != BLOCK_OPEN)
		return bs == BLOCK_FLATTENED;
	struct nc_node *b = add(r, block_for(r), k == K_BLOCKQUOTE ? NC_NODE_BLOCKQUOTE
				: k == K_FIGURE ? NC_NODE_FIGURE : NC_NODE_LIST);
	if (b && k == K_LIST) {
		b->as.list.ordered = strcasecmp((const char *)n->name, "ol") == 0;
		/* Loose once an item shows it is (see mark_loose). */
		b->as.list.tight = true;
		const char *st = attr(n, "start");
		if (st) {
			long v = strtol(st, NULL, 10);
			b->as.list.start = v < 0 ? 0 : v > 999999999 ? 999999999 : (int)v;
		}
	}
	return into_block(r, b);
}

static bool open_item(struct reader *r, xmlNode *n, enum kind k, bool is_deep)
{
	enum block_start b = begin_block(r, n, k, is_deep);
	if (b != BLOCK_OPEN)
		return b == BLOCK_FLATTENED;
	struct nc_node *list = r->block;
	if (list->type != NC_NODE_LIST) {
		/* An <li> outside a list: give it one. */
		bool reuse = list->last_child && list->last_child->type == NC_NODE_LIST;
		list = reuse ? list->last_child : add(r, block_for(r), NC_NODE_LIST);
		if (!list)
			return false;
		if (!reuse)
			list->as.list.tight = true;
	}
	return into_block(r, add(r, list, NC_NODE_ITEM));
}

static bool open_table(struct reader *r, xmlNode *n, enum kind k, bool is_deep)
{
	enum block_start b = begin_block(r, n, k, is_deep);
	if (b != BLOCK_OPEN)
		return b == BLOCK_FLATTENED;
	struct nc_node *t = add(r, block_for(r), NC_NODE_TABLE);
	if (!t)
		return false;
	r->table = t;
	r->row = NULL;
	r->in_thead = false;
	opened(r);
	return true;
}

/* <tr>: a row of the table being read; outside one, a line break. */
static bool open_row(struct reader *r, xmlNode *n, enum kind k, bool is_deep)
{
	if (!push(r, n, k))
		return false;
	if (!r->table || is_deep) {
		soft_break(r);
		return true;
	}
	struct nc_node *row = add(r, r->table, NC_NODE_TABLE_ROW);
	if (!row)
		return false;
	row->as.row.header = r->in_thead;
	r->row = row;
	opened(r);
	return true;
}

/* <td>, <th>: a cell of the row being read; outside one, a space. */
static bool open_cell(struct reader *r, xmlNode *n, enum kind k, bool is_deep)
{
	if (!push(r, n, k))
		return false;
	if (!r->row || is_deep) {
		if (is_deep && r->inl && r->inl->last_child)
			add_text(r, r->inl, " ", 1);
		return true;
	}
	struct nc_node *c = add(r, r->row, NC_NODE_TABLE_CELL);
	if (!c)
		return false;
	c->as.cell.header = strcasecmp((const char *)n->name, "th") == 0 || r->in_thead;
	c->as.cell.align = align_of(n);
	c->as.cell.colspan = span_of(n, "colspan");
	c->as.cell.rowspan = span_of(n, "rowspan");
	r->table = NULL; /* a nested table starts its own */
	r->row = NULL;
	return into_block(r, c);
}

/* The href of a link that can go somewhere outside the page, blanks
 * skipped; NULL for in-page anchors and script URLs (their text stays). */
static const char *link_target(xmlNode *n)
{
	const char *href = attr(n, "href");
	while (href && is_ws(*href))
		href++;
	if (!href || !*href || href[0] == '#' || strncasecmp(href, "javascript:", 11) == 0 ||
	    strncasecmp(href, "vbscript:", 9) == 0 || strncasecmp(href, "data:", 5) == 0)
		return NULL;
	return href;
}

/* <em>, <strong> ... (type) and <a href>. */
static bool open_inline(struct reader *r, xmlNode *n, enum kind k, enum nc_node_type type)
{
	const char *href = k == K_LINK ? link_target(n) : NULL;
	if (k == K_LINK && !href)
		return push(r, n, K_UNWRAP);
	/* Open the paragraph first, so leaving this element returns to it
	 * rather than to no paragraph at all. */
	struct nc_node *p = inline_parent(r);
	if (!p || !push(r, n, k))
		return false;
	struct nc_node *e = add(r, p, k == K_LINK ? NC_NODE_LINK : type);
	if (!e)
		return false;
	if (k == K_LINK) {
		const char *title = attr(n, "title");
		if (nc_set_str(&e->as.link.url, href) ||
		    (title && *title && nc_set_str(&e->as.link.title, title)))
			r->rc = NC_ERR_NOMEM;
	}
	r->inl = e;
	r->inline_depth++;
	opened(r);
	return true;
}

/* An element's start: true when its children are to be read (leave()
 * then closes it), false when it was read whole or skipped. */
static bool enter(struct reader *r, xmlNode *n)
{
	enum nc_node_type type = NC_NODE_PARAGRAPH;
	enum kind k = kind_of(n, &type);
	/* Past the depth limit, elements only pass their text on. */
	if (r->depth >= NC_MAX_TREE_DEPTH && k != K_SKIP)
		k = k == K_DIVLIKE || k == K_PARA || k == K_HEADING ? K_DIVLIKE : K_UNWRAP;
	bool is_deep = deep(r);

	switch (k) {
	case K_SKIP:
		return false;
	case K_HR:
		if (!is_deep) {
			close_implicit(r);
			add(r, block_for(r), NC_NODE_THEMATIC_BREAK);
		}
		return false;
	case K_BR:
		if (r->inl)
			add(r, r->inl, NC_NODE_LINE_BREAK);
		return false;
	case K_IMG:
		do_image(r, n);
		return false;
	case K_EMBED:
		do_embed(r, n);
		return false;
	case K_PRE:
		do_pre(r, n, is_deep);
		return false;
	case K_CODE:
		do_code(r, n);
		return false;
	case K_PICTURE:
		return open_picture(r, n, k);
	case K_UNWRAP:
		return push(r, n, k);
	case K_DIVLIKE:
		if (!push(r, n, k))
			return false;
		if (is_deep)
			soft_break(r);
		else
			close_implicit(r);
		return true;
	case K_PARA:
	case K_HEADING:
	case K_FIGCAPTION:
	case K_TCAPTION:
		return open_text_block(r, n, k, is_deep);
	case K_BLOCKQUOTE:
	case K_FIGURE:
	case K_LIST:
		return open_container(r, n, k, is_deep);
	case K_ITEM:
		return open_item(r, n, k, is_deep);
	case K_TABLE:
		return open_table(r, n, k, is_deep);
	case K_TSECTION:
		if (!push(r, n, k))
			return false;
		r->in_thead = strcasecmp((const char *)n->name, "thead") == 0;
		return true;
	case K_ROW:
		return open_row(r, n, k, is_deep);
	case K_CELL:
		return open_cell(r, n, k, is_deep);
	case K_INLINE:
	case K_LINK:
		return open_inline(r, n, k, type);
	}
	return push(r, n, K_UNWRAP);
}

/* A finished item holding several blocks besides nested lists (two
 * paragraphs, a paragraph and a quote) makes its list loose: a tight
 * list cannot hold them.  A nested list under the item's line does not. */
static void mark_loose(struct nc_node *item)
{
	if (!item || item->type != NC_NODE_ITEM || !item->parent || item->parent->type != NC_NODE_LIST)
		return;
	size_t blocks = 0;
	for (const struct nc_node *c = item->first_child; c; c = c->next)
		if (nc_node_is_block(c->type) && c->type != NC_NODE_LIST && ++blocks > 1) {
			item->parent->as.list.tight = false;
			return;
		}
}

static void leave(struct reader *r)
{
	struct frame *f = &r->stack[--r->depth];
	switch (f->kind) {
	case K_PICTURE:
		r->picture_srcset = f->srcset;
		return;
	case K_INLINE:
	case K_LINK:
		if (f->opened) {
			r->inl = f->inl;
			r->inline_depth--;
		}
		return;
	case K_PARA:
	case K_HEADING:
	case K_FIGCAPTION:
	case K_TCAPTION:
		if (f->opened)
			r->inl = NULL;
		return;
	case K_DIVLIKE:
		close_implicit(r);
		return;
	case K_BLOCKQUOTE:
	case K_FIGURE:
	case K_LIST:
	case K_ITEM:
	case K_CELL:
		if (f->opened && f->kind == K_ITEM)
			mark_loose(r->block);
		if (f->opened) {
			r->block = f->block;
			r->inl = NULL;
			r->table = f->table;
			r->row = f->row;
		}
		return;
	case K_TABLE:
		if (f->opened) {
			r->table = f->table;
			r->row = f->row;
			r->in_thead = f->in_thead;
			r->inl = NULL;
		}
		return;
	case K_TSECTION:
		r->in_thead = f->in_thead;
		return;
	case K_ROW:
		if (f->opened)
			r->row = f->row;
		return;
	case K_UNWRAP:
	case K_SKIP:
	case K_PRE:
	case K_HR:
	case K_CODE:
	case K_IMG:
	case K_BR:
	case K_EMBED:
		return;
	}
}

static void walk(struct reader *r, xmlNode *root)
{
	xmlNode *n = root;
	while (n && r->rc == NC_OK) {
		bool descend = false;
		if (n->type == XML_ELEMENT_NODE)
			descend = enter(r, n) && n->children;
		else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
			text_node(r, (const char *)n->content);
		if (descend) {
			n = n->children;
			continue;
		}
		/* An element whose children are not walked left its frame
		 * pushed only if enter() pushed one and it has no children. */
		if (n->type == XML_ELEMENT_NODE && r->depth && r->stack[r->depth - 1].dom == n)
			leave(r);
		while (n && n != root && !n->next) {
			n = n->parent;
			if (n && r->depth && r->stack[r->depth - 1].dom == n)
				leave(r);
		}
		if (!n || n == root)
			break;
		n = n->next;
	}
	while (r->depth)
		leave(r);
}

/* ---- tidy: trim whitespace at block edges, drop empty nodes --------- */

static bool inline_container(enum nc_node_type t)
{
	return t == NC_NODE_PARAGRAPH || t == NC_NODE_HEADING || t == NC_NODE_CAPTION;
}

/* Text leaves of one inline container in order: trim leading space at the
 * start and after line breaks, trailing space at the end and before line
 * breaks, and double spaces across element boundaries. */
static void trim_container(struct nc_node *c)
{
	struct nc_iter it;
	enum nc_event ev;
	bool at_start = true;        /* nothing visible yet on this line */
	struct nc_node *last_text = NULL; /* last text leaf on this line */
	nc_iter_init(&it, c);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		struct nc_node *n = it.cur;
		if (ev != NC_EVENT_ENTER || n == c)
			continue;
		if (n->type == NC_NODE_LINE_BREAK) {
			if (last_text) {
				size_t l = last_text->as.text.len;
				while (l && last_text->as.text.literal[l - 1] == ' ')
					l--;
				last_text->as.text.literal[l] = '\0';
				last_text->as.text.len = l;
			}
			at_start = true;
			last_text = NULL;
			continue;
		}
		if (n->type != NC_NODE_TEXT) {
			if (n->type == NC_NODE_IMAGE || n->type == NC_NODE_EMBED || n->type == NC_NODE_CODE) {
				at_start = false;
				last_text = NULL;
			}
			continue;
		}
		char *s = n->as.text.literal;
		size_t len = n->as.text.len, skip = 0;
		bool prev_space = at_start || (last_text && last_text->as.text.len &&
					       last_text->as.text.literal[last_text->as.text.len - 1] == ' ');
		if (prev_space)
			while (skip < len && s[skip] == ' ')
				skip++;
		if (skip) {
			memmove(s, s + skip, len - skip + 1);
			n->as.text.len = len - skip;
		}
		if (n->as.text.len) {
			at_start = false;
			last_text = n;
		}
	}
	if (last_text) {
		size_t l = last_text->as.text.len;
		while (l && last_text->as.text.literal[l - 1] == ' ')
			l--;
		last_text->as.text.literal[l] = '\0';
		last_text->as.text.len = l;
	}
}

static bool removable(struct nc_node *n)
{
	switch (n->type) {
	case NC_NODE_TEXT:
		return n->as.text.len == 0;
	case NC_NODE_PARAGRAPH:
	case NC_NODE_HEADING:
	case NC_NODE_CAPTION:
	case NC_NODE_EMPH:
	case NC_NODE_STRONG:
	case NC_NODE_STRIKE:
	case NC_NODE_SUB:
	case NC_NODE_SUP:
		return n->first_child == NULL;
	case NC_NODE_LINK:
		return n->first_child == NULL && !n->as.link.url;
	case NC_NODE_LIST:
	case NC_NODE_TABLE_ROW:
	case NC_NODE_TABLE:
	case NC_NODE_BLOCKQUOTE:
	case NC_NODE_FIGURE:
		return n->first_child == NULL;
	case NC_NODE_DOCUMENT:
	case NC_NODE_ITEM:
	case NC_NODE_CODE_BLOCK:
	case NC_NODE_THEMATIC_BREAK:
	case NC_NODE_TABLE_CELL:
	case NC_NODE_CODE:
	case NC_NODE_IMAGE:
	case NC_NODE_EMBED:
	case NC_NODE_LINE_BREAK:
		return false;
	}
	return false;
}

static void tidy(struct nc_node *root)
{
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE)
		if (ev == NC_EVENT_ENTER && inline_container(it.cur->type))
			trim_container(it.cur);

	/* Line breaks at the start or end of a container say nothing. */
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		if (ev != NC_EVENT_EXIT || !inline_container(it.cur->type))
			continue;
		struct nc_node *c = it.cur;
		for (;;) {
			struct nc_node *l = c->last_child;
			while (l && l->type == NC_NODE_TEXT && l->as.text.len == 0)
				l = l->prev;
			if (!l || l->type != NC_NODE_LINE_BREAK)
				break;
			nc_node_free(l);
		}
		while (c->first_child && (c->first_child->type == NC_NODE_LINE_BREAK ||
		       (c->first_child->type == NC_NODE_TEXT && c->first_child->as.text.len == 0)))
			nc_node_free(c->first_child);
	}

	/* Remove empty nodes bottom-up: a post-order pass, repeated while
	 * removals empty their parents (bounded by the tree's height). */
	bool changed = true;
	while (changed) {
		changed = false;
		nc_iter_init(&it, root);
		ev = nc_iter_next(&it);
		while (ev != NC_EVENT_NONE) {
			struct nc_node *n = it.cur;
			bool is_exit_or_leaf = ev == NC_EVENT_EXIT || nc_node_is_leaf(n);
			if (is_exit_or_leaf && n != root && removable(n)) {
				/* Step the iterator past n before freeing it. */
				struct nc_node *next = n->next, *parent = n->parent;
				nc_node_free(n);
				changed = true;
				if (next) {
					it.cur = next;
					it.ev = NC_EVENT_ENTER;
					ev = NC_EVENT_ENTER;
				} else {
					it.cur = parent;
					it.ev = NC_EVENT_EXIT;
					ev = NC_EVENT_EXIT;
				}
				continue;
			}
			ev = nc_iter_next(&it);
		}
	}
}

/* ---- tree-building pre-pass ------------------------------------------- */

/* libxml2 2.9's HTML parser follows HTML 4 and nests misnested markup
 * unlike a browser (an end tag never closes a <div> opened inside its
 * element, so text after </blockquote> or </li> stays inside), and it
 * stops building past 256 open elements.  So one linear pass over the
 * tag stream first does what HTML5 tree construction (WHATWG HTML
 * 13.2.6, "in body" / "in table" / "in row" / "in cell") does for the
 * misnestings real pages have, and writes every implied end tag out, so
 * libxml2 only sees properly nested markup:
 *   - an end tag closes an element only if one is open in the right
 *     scope, closing the elements opened inside it first; one that
 *     closes nothing is dropped;
 *   - p, li, dd, dt, option, headings, td/th, tr and tbody close where
 *     HTML5 implies it, and tables get their implied tbody and tr;
 *   - comments, <!...> and <?...> (bogus comments in HTML5) are removed;
 *   - script/style are copied; the text of title, textarea, xmp, iframe,
 *     noembed, noframes and plaintext is escaped, since it is not markup;
 *   - past MAX_OPEN open elements, start and end tags are dropped (their
 *     text kept) and the caller warns.
 * Not done: the adoption agency (an end tag of a formatting element
 * with a block opened inside it is dropped), reconstructing formatting
 * elements, foster parenting, the "in select" mode, leaving foreign
 * content.  Each tag costs at most one walk of the bounded stack. */

enum { MAX_OPEN = NC_MAX_TREE_DEPTH - 16, MAX_OVERFLOW = 65536 };

enum tag_id {
	T_OTHER, T_A, T_ADDRESS, T_BODY, T_BR, T_BUTTON, T_CAPTION, T_COL,
	T_COLGROUP, T_DD, T_DIV, T_DT, T_H, T_HEAD, T_HTML, T_LI, T_MATH, T_OL,
	T_OPTGROUP, T_OPTION, T_P, T_PLAINTEXT, T_SVG, T_TABLE, T_TSECT, T_CELL,
	T_TEMPLATE, T_TR, T_UL
};

enum tag_flag {
	F_SPECIAL = 1,   /* HTML5 "special" category */
	F_VOID = 2,
	F_CLOSE_P = 4,   /* start tag closes a p in button scope */
	F_IMPLIED = 8,   /* in "generate implied end tags" */
	F_SCOPE = 16,    /* bounds the default scope */
	F_BLOCKEND = 32, /* end tag: in scope, then pop to it */
	F_RAW = 64,      /* content copied verbatim (libxml2 knows it as raw) */
	F_ESCAPE = 128   /* content is text: escaped for libxml2 */
};

struct tag_info {
	const char *name;
	unsigned char id;
	unsigned char flags;
};

#define SP F_SPECIAL
#define BLK (F_SPECIAL | F_CLOSE_P | F_BLOCKEND)
static const struct tag_info tag_infos[] = {
	{"a", T_A, 0}, {"address", T_ADDRESS, BLK}, {"applet", T_OTHER, SP | F_SCOPE | F_BLOCKEND},
	{"area", T_OTHER, SP | F_VOID}, {"article", T_OTHER, BLK}, {"aside", T_OTHER, BLK},
	{"base", T_OTHER, SP | F_VOID}, {"basefont", T_OTHER, SP | F_VOID},
	{"bgsound", T_OTHER, SP | F_VOID}, {"blockquote", T_OTHER, BLK},
	{"body", T_BODY, SP}, {"br", T_BR, SP | F_VOID}, {"button", T_BUTTON, SP | F_BLOCKEND},
	{"caption", T_CAPTION, SP | F_SCOPE}, {"center", T_OTHER, BLK},
	{"col", T_COL, SP | F_VOID}, {"colgroup", T_COLGROUP, SP},
	{"dd", T_DD, SP | F_IMPLIED}, {"details", T_OTHER, BLK},
	{"dialog", T_OTHER, F_CLOSE_P | F_BLOCKEND}, {"dir", T_OTHER, BLK},
	{"div", T_DIV, BLK}, {"dl", T_OTHER, BLK}, {"dt", T_DT, SP | F_IMPLIED},
	{"embed", T_OTHER, SP | F_VOID}, {"fieldset", T_OTHER, BLK},
	{"figcaption", T_OTHER, BLK}, {"figure", T_OTHER, BLK}, {"footer", T_OTHER, BLK},
	{"form", T_OTHER, BLK}, {"frame", T_OTHER, SP | F_VOID}, {"frameset", T_OTHER, SP},
	{"h1", T_H, SP | F_CLOSE_P}, {"h2", T_H, SP | F_CLOSE_P}, {"h3", T_H, SP | F_CLOSE_P},
	{"h4", T_H, SP | F_CLOSE_P}, {"h5", T_H, SP | F_CLOSE_P}, {"h6", T_H, SP | F_CLOSE_P},
	{"head", T_HEAD, SP}, {"header", T_OTHER, BLK}, {"hgroup", T_OTHER, BLK},
	{"hr", T_OTHER, SP | F_VOID | F_CLOSE_P}, {"html", T_HTML, SP | F_SCOPE},
	{"iframe", T_OTHER, SP | F_ESCAPE}, {"img", T_OTHER, SP | F_VOID},
	{"input", T_OTHER, SP | F_VOID}, {"keygen", T_OTHER, SP | F_VOID},
	{"li", T_LI, SP | F_IMPLIED}, {"link", T_OTHER, SP | F_VOID},
	{"listing", T_OTHER, BLK}, {"main", T_OTHER, BLK},
	{"marquee", T_OTHER, SP | F_SCOPE | F_BLOCKEND}, {"math", T_MATH, 0},
	{"menu", T_OTHER, BLK}, {"meta", T_OTHER, SP | F_VOID}, {"nav", T_OTHER, BLK},
	{"noembed", T_OTHER, SP | F_ESCAPE}, {"noframes", T_OTHER, SP | F_ESCAPE},
	{"noscript", T_OTHER, SP}, {"object", T_OTHER, SP | F_SCOPE | F_BLOCKEND},
	{"ol", T_OL, BLK}, {"optgroup", T_OPTGROUP, F_IMPLIED}, {"option", T_OPTION, F_IMPLIED},
	{"p", T_P, SP | F_CLOSE_P | F_IMPLIED}, {"param", T_OTHER, SP | F_VOID},
	{"plaintext", T_PLAINTEXT, SP | F_CLOSE_P | F_ESCAPE}, {"pre", T_OTHER, BLK},
	{"rb", T_OTHER, F_IMPLIED}, {"rp", T_OTHER, F_IMPLIED}, {"rt", T_OTHER, F_IMPLIED},
	{"rtc", T_OTHER, F_IMPLIED}, {"script", T_OTHER, SP | F_RAW},
	{"search", T_OTHER, BLK}, {"section", T_OTHER, BLK}, {"select", T_OTHER, SP},
	{"source", T_OTHER, SP | F_VOID}, {"style", T_OTHER, SP | F_RAW},
	{"summary", T_OTHER, BLK}, {"svg", T_SVG, 0},
	{"table", T_TABLE, SP | F_SCOPE | F_CLOSE_P}, {"tbody", T_TSECT, SP},
	{"td", T_CELL, SP | F_SCOPE}, {"template", T_TEMPLATE, SP | F_SCOPE},
	{"textarea", T_OTHER, SP | F_ESCAPE}, {"tfoot", T_TSECT, SP}, {"th", T_CELL, SP | F_SCOPE},
	{"thead", T_TSECT, SP}, {"title", T_OTHER, SP | F_ESCAPE}, {"tr", T_TR, SP},
	{"track", T_OTHER, SP | F_VOID}, {"ul", T_UL, BLK}, {"wbr", T_OTHER, SP | F_VOID},
	{"xmp", T_OTHER, SP | F_CLOSE_P | F_ESCAPE},
};
#undef SP
#undef BLK

static struct tag_info tag_lookup(const char *name, size_t n)
{
	int first = tolower((unsigned char)name[0]);
	for (size_t i = 0; i < sizeof tag_infos / sizeof tag_infos[0]; i++) {
		const char *t = tag_infos[i].name;
		if (t[0] == first && strlen(t) == n && strncasecmp(t, name, n) == 0)
			return tag_infos[i];
	}
	return (struct tag_info){NULL, T_OTHER, 0};
}

struct open_el {
	const char *name;  /* into the input, or a literal for implied ones */
	size_t len;
	unsigned char id, flags;
};

enum scope { SC_DEFAULT, SC_BUTTON, SC_LIST, SC_TABLE };

struct prepass {
	const char *s;
	size_t len;
	struct nc_buf out;
	struct open_el st[MAX_OPEN];
	int depth;
	int foreign;          /* open svg/math elements */
	/* Elements past MAX_OPEN: name hashes, then a bare count. */
	uint32_t *ovf;
	size_t novf, ovf_extra;
	bool flattened;
	size_t last_break;    /* out.len after the last break written for dropped tags */
};

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == ':' || c == '-' || c == '_' || c == '.';
}

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint32_t)tolower((unsigned char)s[i])) * 16777619u;
	return h;
}

static bool same_name(const struct open_el *e, const char *name, size_t n)
{
	return e->len == n && strncasecmp(e->name, name, n) == 0;
}

static bool scope_boundary(const struct open_el *e, enum scope sc)
{
	if (sc == SC_TABLE)
		return e->id == T_HTML || e->id == T_TABLE || e->id == T_TEMPLATE;
	if (e->flags & F_SCOPE)
		return true;
	return (sc == SC_BUTTON && e->id == T_BUTTON) ||
	       (sc == SC_LIST && (e->id == T_OL || e->id == T_UL));
}

/* Index of the innermost open element with this id (or, when `name` is
 * set, this name) in scope `sc`, or -1. */
static int in_scope(const struct prepass *pp, int id, const char *name, size_t n, enum scope sc)
{
	for (int i = pp->depth - 1; i >= 0; i--) {
		const struct open_el *e = &pp->st[i];
		if (name ? same_name(e, name, n) : e->id == id)
			return i;
		if (scope_boundary(e, sc))
			return -1;
	}
	return -1;
}

static void emit_end(struct prepass *pp, const struct open_el *e)
{
	nc_buf_put(&pp->out, "</", 2);
	nc_buf_put(&pp->out, e->name, e->len);
	nc_buf_putc(&pp->out, '>');
}

/* Close the open elements down to and including index i. */
static void pop_to(struct prepass *pp, int i)
{
	while (pp->depth > i) {
		struct open_el *e = &pp->st[--pp->depth];
		if (e->id == T_SVG || e->id == T_MATH)
			pp->foreign--;
		emit_end(pp, e);
	}
	/* Elements past the limit were inside the ones just closed. */
	pp->novf = pp->ovf_extra = 0;
}

static void close_p(struct prepass *pp)
{
	int i = in_scope(pp, T_P, NULL, 0, SC_BUTTON);
	if (i >= 0)
		pop_to(pp, i);
}

static int top_id(const struct prepass *pp)
{
	return pp->depth ? pp->st[pp->depth - 1].id : -1;
}

static bool overflowing(const struct prepass *pp)
{
	return pp->novf || pp->ovf_extra;
}

/* Opens an element whose start tag the caller then writes; false when
 * it is past the depth limit and its tag must be dropped. */
static bool pp_push(struct prepass *pp, const char *name, size_t n, struct tag_info ti)
{
	if (pp->depth < MAX_OPEN && !overflowing(pp)) {
		pp->st[pp->depth++] = (struct open_el){name, n, ti.id, ti.flags};
		if (ti.id == T_SVG || ti.id == T_MATH)
			pp->foreign++;
		return true;
	}
	pp->flattened = true;
	if (!pp->ovf && !pp->ovf_extra)
		pp->ovf = malloc(MAX_OVERFLOW * sizeof *pp->ovf);
	if (pp->ovf && pp->novf < MAX_OVERFLOW)
		pp->ovf[pp->novf++] = name_hash(name, n);
	else
		pp->ovf_extra++;
	return false;
}

static void push_implied(struct prepass *pp, const char *name)
{
	if (pp_push(pp, name, strlen(name), tag_lookup(name, strlen(name))))
		nc_buf_printf(&pp->out, "<%s>", name);
}

/* Table parts (HTML5 "in table", "in table body", "in row", "in cell"):
 * close the cell, row or section they end, add the implied tbody and tr.
 * Returns false when the tag is to be dropped (no table open). */
static bool table_part(struct prepass *pp, int id)
{
	int t = in_scope(pp, T_TABLE, NULL, 0, SC_TABLE);
	if (t < 0)
		return false;
	int i = in_scope(pp, T_CELL, NULL, 0, SC_TABLE);
	if (i > t)
		pop_to(pp, i);
	i = in_scope(pp, T_CAPTION, NULL, 0, SC_TABLE);
	if (i > t)
		pop_to(pp, i);
	if (id != T_CELL && (i = in_scope(pp, T_TR, NULL, 0, SC_TABLE)) > t)
		pop_to(pp, i);
	if (id != T_CELL && id != T_TR && (i = in_scope(pp, T_TSECT, NULL, 0, SC_TABLE)) > t)
		pop_to(pp, i);
	/* "Clear the stack back to a table / body / row context." */
	while (pp->depth > t + 1 && top_id(pp) != T_TSECT && top_id(pp) != T_TR &&
	       !(id == T_COL && top_id(pp) == T_COLGROUP))
		pop_to(pp, pp->depth - 1);
	if (id == T_CELL && top_id(pp) == T_TABLE)
		push_implied(pp, "tbody");
	if (id == T_CELL && top_id(pp) == T_TSECT)
		push_implied(pp, "tr");
	if (id == T_TR && top_id(pp) == T_TABLE)
		push_implied(pp, "tbody");
	return true;
}

/* The closing a start tag implies.  Returns false when the tag itself is
 * to be dropped. */
static bool start_tag(struct prepass *pp, struct tag_info ti)
{
	int id = ti.id;
	if (overflowing(pp))
		return true;
	if (id == T_CAPTION || id == T_COLGROUP || id == T_COL || id == T_TSECT ||
	    id == T_TR || id == T_CELL)
		return table_part(pp, id);
	if (ti.flags & F_CLOSE_P)
		close_p(pp);
	switch (id) {
	case T_H:
		if (top_id(pp) == T_H)
			pop_to(pp, pp->depth - 1);
		break;
	case T_LI:
	case T_DD:
	case T_DT:
		for (int i = pp->depth - 1; i >= 0; i--) {
			const struct open_el *e = &pp->st[i];
			if (id == T_LI ? e->id == T_LI : e->id == T_DD || e->id == T_DT) {
				pop_to(pp, i);
				break;
			}
			if ((e->flags & F_SPECIAL) && e->id != T_ADDRESS && e->id != T_DIV && e->id != T_P)
				break;
		}
		close_p(pp);
		break;
	case T_A:
		/* A link inside a link closes the first one. */
		for (int i = pp->depth - 1; i >= 0; i--) {
			if (pp->st[i].id == T_A) {
				pop_to(pp, i);
				break;
			}
			if (pp->st[i].flags & F_SPECIAL)
				break;
		}
		break;
	case T_BUTTON: {
		int i = in_scope(pp, T_BUTTON, NULL, 0, SC_DEFAULT);
		if (i >= 0)
			pop_to(pp, i);
		break;
	}
	case T_OPTION:
	case T_OPTGROUP:
		if (top_id(pp) == T_OPTION)
			pop_to(pp, pp->depth - 1);
		if (id == T_OPTGROUP && top_id(pp) == T_OPTGROUP)
			pop_to(pp, pp->depth - 1);
		break;
	default:
		break;
	}
	return true;
}

/* An end tag is never copied: it closes what it closes by writing the
 * end tags of the elements popped. */
static void end_tag(struct prepass *pp, const char *name, size_t n, struct tag_info ti)
{
	if (overflowing(pp)) {
		if (pp->ovf_extra) {
			pp->ovf_extra--;
			return;
		}
		if (pp->ovf[pp->novf - 1] == name_hash(name, n)) {
			pp->novf--;
			return;
		}
	}
	int i = -1;
	switch (ti.id) {
	case T_HTML: case T_BODY:
		return;
	case T_HEAD:
		if (pp->depth == 0)
			nc_buf_puts(&pp->out, "</head>");
		return;
	case T_BR:
		nc_buf_puts(&pp->out, "<br />");
		return;
	case T_P:
		i = in_scope(pp, T_P, NULL, 0, SC_BUTTON);
		break;
	case T_LI:
		i = in_scope(pp, T_LI, NULL, 0, SC_LIST);
		break;
	case T_H:
		i = in_scope(pp, T_H, NULL, 0, SC_DEFAULT);
		break;
	case T_CELL: case T_TSECT:
		i = in_scope(pp, 0, name, n, SC_TABLE);
		break;
	case T_TR: case T_TABLE: case T_CAPTION:
		i = in_scope(pp, ti.id, NULL, 0, SC_TABLE);
		break;
	case T_COLGROUP:
		if (top_id(pp) == T_COLGROUP)
			i = pp->depth - 1;
		break;
	default:
		if (ti.flags & (F_VOID | F_RAW | F_ESCAPE))
			break;
		if (ti.flags & F_BLOCKEND || ti.id == T_DD || ti.id == T_DT) {
			i = in_scope(pp, 0, name, n, SC_DEFAULT);
			break;
		}
		/* "Any other end tag": the innermost element of that name,
		 * unless a special element is open inside it. */
		for (int k = pp->depth - 1; k >= 0; k--) {
			if (same_name(&pp->st[k], name, n)) {
				i = k;
				break;
			}
			if (pp->st[k].flags & F_SPECIAL)
				break;
		}
		break;
	}
	if (i >= 0)
		pop_to(pp, i);
}

/* Scans a tag's attributes from j (HTML5 tokenizer: quotes count only
 * at the start of a value).  Returns the index after the tag, and in
 * *slash the index of a self-closing "/>" or 0. */
static size_t tag_end(const char *s, size_t len, size_t j, size_t *slash)
{
	*slash = 0;
	for (;;) {
		while (j < len && is_ws(s[j]))
			j++;
		if (j >= len)
			return len;
		if (s[j] == '>')
			return j + 1;
		if (s[j] == '/') {
			if (j + 1 < len && s[j + 1] == '>') {
				*slash = j;
				return j + 2;
			}
			j++;
			continue;
		}
		j++; /* a name may start with '=' */
		while (j < len && !is_ws(s[j]) && s[j] != '/' && s[j] != '>' && s[j] != '=')
			j++;
		while (j < len && is_ws(s[j]))
			j++;
		if (j >= len || s[j] != '=')
			continue;
		j++;
		while (j < len && is_ws(s[j]))
			j++;
		if (j < len && (s[j] == '"' || s[j] == '\'')) {
			const char *q = memchr(s + j + 1, s[j], len - j - 1);
			j = q ? (size_t)(q - s) + 1 : len;
		} else {
			while (j < len && !is_ws(s[j]) && s[j] != '>')
				j++;
		}
	}
}

/* Where the end tag </name> of a raw text element starts, or len. */
static size_t raw_end(const char *s, size_t len, size_t from, const char *name, size_t n)
{
	for (size_t i = from; i < len; i++) {
		const char *lt = memchr(s + i, '<', len - i);
		if (!lt)
			break;
		i = (size_t)(lt - s);
		if (i + 2 + n <= len && s[i + 1] == '/' && strncasecmp(s + i + 2, name, n) == 0 &&
		    (i + 2 + n == len || is_ws(s[i + 2 + n]) || s[i + 2 + n] == '/' || s[i + 2 + n] == '>'))
			return i;
	}
	return len;
}

/* Copies text, escaped so that libxml2 reads it as text. */
static void put_escaped(struct nc_buf *b, const char *s, size_t n, bool amp)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<' || (amp && s[i] == '&')) {
			nc_buf_put(b, s + run, i - run);
			nc_buf_puts(b, s[i] == '<' ? "&lt;" : "&amp;");
			run = i + 1;
		}
	}
	nc_buf_put(b, s + run, n - run);
}

/* Where the comment or bogus comment starting at s[i] == '<' ends. */
static size_t comment_end(const struct prepass *pp, size_t i)
{
	const char *s = pp->s;
	size_t len = pp->len;
	if (i + 3 < len && s[i + 1] == '!' && s[i + 2] == '-' && s[i + 3] == '-') {
		size_t j = i + 4;
		if (j < len && s[j] == '>')
			return j + 1;          /* <!--> */
		if (j + 1 < len && s[j] == '-' && s[j + 1] == '>')
			return j + 2;          /* <!---> */
		for (; j + 2 < len; j++) {
			if (s[j] != '-' || s[j + 1] != '-')
				continue;
			if (s[j + 2] == '>')
				return j + 3;
			if (s[j + 2] == '!' && j + 3 < len && s[j + 3] == '>')
				return j + 4;
		}
		return len;
	}
	if (pp->foreign && i + 8 < len && memcmp(s + i, "<![CDATA[", 9) == 0) {
		for (size_t j = i + 9; j + 2 < len; j++)
			if (s[j] == ']' && s[j + 1] == ']' && s[j + 2] == '>')
				return j + 3;
		return len;
	}
	const char *gt = memchr(s + i, '>', len - i);
	return gt ? (size_t)(gt - s) + 1 : len;
}

/* Rewrites the body as described above.  Returns a malloc'd string, or
 * NULL when out of memory (the caller then parses the original). */
/* <script>, <style>, <title>, <textarea>, <plaintext> ...: start tag,
 * content as text, end tag, written at once.  Returns where reading goes
 * on, or 0 when the element is not closed (it is then opened as any
 * other). */
static size_t raw_element(struct prepass *pp, size_t name, size_t n, size_t end, struct tag_info ti)
{
	const char *s = pp->s;
	size_t len = pp->len, slash;
	size_t cend = ti.id == T_PLAINTEXT ? len : raw_end(s, len, end, s + name, n);
	if (cend >= len && ti.id != T_PLAINTEXT)
		return 0;
	nc_buf_put(&pp->out, s + name - 1, end - (name - 1));
	if (ti.flags & F_RAW)
		nc_buf_put(&pp->out, s + end, cend - end);
	else
		put_escaped(&pp->out, s + end, cend - end,
			    !(n == 5 && strncasecmp(s + name, "title", 5) == 0) &&
			    !(n == 8 && strncasecmp(s + name, "textarea", 8) == 0));
	nc_buf_printf(&pp->out, "</%.*s>", (int)n, s + name);
	return cend < len ? tag_end(s, len, cend + 2 + n, &slash) : cend;
}

/* Any other start tag: written self-closed when void, else opened (or
 * dropped past the limits, a break standing for a dropped block). */
static void open_element(struct prepass *pp, size_t name, size_t n, size_t end, size_t slash,
			 struct tag_info ti)
{
	const char *s = pp->s;
	bool is_void = (ti.flags & F_VOID) || (pp->foreign && slash) || (ti.flags & (F_RAW | F_ESCAPE));
	if (is_void) {
		/* Written self-closed: libxml2 2.9 does not know <source>,
		 * <track>, <wbr> as empty, and the rest stays in sync. */
		nc_buf_put(&pp->out, s + name - 1, (slash ? slash : end - 1) - (name - 1));
		nc_buf_puts(&pp->out, " />");
		return;
	}
	if (!pp_push(pp, s + name, n, ti)) {
		/* A dropped block still parts the words around it (one break
		 * for a run of dropped tags). */
		if ((ti.flags & F_SPECIAL) && pp->out.len != pp->last_break) {
			nc_buf_puts(&pp->out, "<br />");
			pp->last_break = pp->out.len;
		}
		return;
	}
	/* HTML5 ignores "/>" on other HTML elements. */
	nc_buf_put(&pp->out, s + name - 1, (slash ? slash : end - 1) - (name - 1));
	nc_buf_putc(&pp->out, '>');
}

/* NUL bytes out of the pre-pass's copy, in place: an HTML parser drops
 * them in text, and libxml2's stops at one in markup (a page with a few
 * NULs between two tags lost everything after them).  The new length. */
static size_t drop_nuls(char *s, size_t n)
{
	char *z = memchr(s, '\0', n);
	if (!z)
		return n;
	size_t o = (size_t)(z - s);
	for (size_t i = o; i < n; i++)
		if (s[i])
			s[o++] = s[i];
	s[o] = '\0';
	return o;
}

static char *tree_prepass(const char *s, size_t len, size_t *outlen, bool *flattened)
{
	struct prepass *pp = calloc(1, sizeof *pp);
	if (!pp)
		return NULL;
	pp->s = s;
	pp->len = len;
	nc_buf_reserve(&pp->out, len + len / 8 + 64);
	size_t i = 0, run = 0;
	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);
		if (!lt)
			break;
		i = (size_t)(lt - s);
		nc_buf_put(&pp->out, s + run, i - run);
		char c = i + 1 < len ? s[i + 1] : 0;
		if (c == '!' || c == '?' || (c == '/' && i + 2 < len && !isalpha((unsigned char)s[i + 2]))) {
			i = run = comment_end(pp, i);
			continue;
		}
		bool closing = c == '/';
		size_t name = i + 1 + closing, ne = name;
		if (ne >= len || !isalpha((unsigned char)s[ne])) {
			nc_buf_puts(&pp->out, "&lt;"); /* a '<' that starts no tag is text */
			i = run = i + 1;
			continue;
		}
		while (ne < len && is_name_char(s[ne]))
			ne++;
		size_t slash, end = tag_end(s, len, ne, &slash);
		i = run = end;
		if (s[end - 1] != '>')
			break; /* a tag cut by the end of input is dropped, as in HTML5 */
		size_t n = ne - name;
		struct tag_info ti = tag_lookup(s + name, n);
		if (closing) {
			end_tag(pp, s + name, n, ti);
			continue;
		}
		if (ti.id == T_HTML || ti.id == T_HEAD || ti.id == T_BODY) {
			/* The document's own are copied, never opened here (they
			 * bound nothing in a body); later ones are ignored. */
			if (pp->depth == 0 && !overflowing(pp))
				nc_buf_put(&pp->out, s + name - 1, end - (name - 1));
			continue;
		}
		if (!start_tag(pp, ti))
			continue;
		size_t next = (ti.flags & (F_RAW | F_ESCAPE)) && !slash ? raw_element(pp, name, n, end, ti) : 0;
		if (next)
			i = run = next;
		else
			open_element(pp, name, n, end, slash, ti);
	}
	if (run < len)
		nc_buf_put(&pp->out, s + run, len - run);
	pop_to(pp, 0);
	*flattened = pp->flattened;
	free(pp->ovf);
	char *out = NULL;
	if (!pp->out.oom)
		out = nc_buf_detach(&pp->out, outlen);
	nc_buf_free(&pp->out);
	free(pp);
	return out;
}

int nc_html_read(struct nc_doc *doc, const char *html, size_t len, struct nc_err *err)
{
	return nc_html_read_body(doc, html, len, NC_BODY_FRAGMENT, err);
}

/* The reader view runs on a whole page under --extract auto, on any
 * page or feed item body under --extract on. */
/* A whole web page: what --extract auto extracts from, and what page
 * metadata (pagemeta.c) is read from. */
static bool is_page(const struct nc_doc *doc, enum nc_body_kind kind, xmlNode *root, xmlNode *body)
{
	return kind == NC_BODY_PAGE && body && doc->meta.fm_kind == NC_FM_NONE &&
	       nc_extract_is_page(root, body);
}

static bool extracting(const struct nc_doc *doc, enum nc_body_kind kind, xmlNode *root, xmlNode *body)
{
	if (nc_extract_mode == NC_EXTRACT_OFF || kind == NC_BODY_FRAGMENT || !body)
		return false;
	if (nc_extract_mode == NC_EXTRACT_ON)
		return true;
	return is_page(doc, kind, root, body);
}

int nc_html_read_body(struct nc_doc *doc, const char *html, size_t len,
		      enum nc_body_kind kind, struct nc_err *err)
{
	const char *name = doc->source_name ? doc->source_name : "-";
	/* A body that is only "null" is what some generators write for an
	 * empty item; it is kept as the text it is. */
	if (len > INT32_MAX)
		return nc_err_set(err, NC_ERR_LIMIT, name, "body too large");
	size_t skip = 0;
	while (skip < len && is_ws(html[skip]))
		skip++;
	if (skip == len)
		return NC_OK;
	size_t flen = 0;
	bool flattened = false;
	char *flat = tree_prepass(html, len, &flen, &flattened);
	if (flattened &&
	    nc_doc_warn(doc, "HTML nested deeper than %d elements; the deepest tags were removed, their text kept",
			MAX_OPEN) != NC_OK) {
		free(flat);
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	}
	if (flat) {
		html = flat;
		len = drop_nuls(flat, flen);
	}
	/* Nothing left once the pre-pass has dropped what a body cannot hold
	 * (an orphan <td>, <col>, <caption>, a bogus "<!' ...>" comment):
	 * an empty body, as a browser shows it.  libxml2 gives no document
	 * at all for an input without content, which is no parse error. */
	skip = 0;
	while (skip < len && is_ws(html[skip]))
		skip++;
	if (skip == len) {
		free(flat);
		return NC_OK;
	}
	/* XML_PARSE_HUGE (2.9 has no HTML_PARSE_ name for it) lifts
	 * libxml2's 10 MB cap on one text run, which cut text silently
	 * below our own NC_MAX_INPUT_BYTES.  Nesting stays bounded by our
	 * own pre-pass (NC_MAX_TREE_DEPTH). */
	htmlDocPtr dom = htmlReadMemory(html, (int)len, NULL, "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
					HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
					HTML_PARSE_COMPACT | XML_PARSE_HUGE);
	free(flat);
	if (!dom)
		return nc_err_set(err, NC_ERR_PARSE, name, "the HTML body cannot be parsed");
	xmlNode *root = xmlDocGetRootElement(dom);
	struct reader r = { .doc = doc, .block = doc->root };
	if (root) {
		xmlNode *body = NULL;
		for (xmlNode *c = root->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && strcasecmp((const char *)c->name, "body") == 0)
				body = c;
		/* Metadata before the reader view frees anything: the whole
		 * page's rules for a web page, the <head>'s for other bodies. */
		if (doc->meta.fm_kind == NC_FM_NONE &&
		    nc_pagemeta(doc, root, is_page(doc, kind, root, body)) != NC_OK)
			r.rc = NC_ERR_NOMEM;
		xmlNode *content = body ? body : root;
		if (r.rc == NC_OK && extracting(doc, kind, root, body) &&
		    nc_extract(doc, body, doc->meta.title, &content) != NC_OK)
			r.rc = NC_ERR_NOMEM;
		if (r.rc == NC_OK)
			walk(&r, content);
	}
	free(r.stack);
	xmlFreeDoc(dom);
	if (r.rc)
		return nc_err_set(err, r.rc, name, "out of memory while reading the body");
	tidy(doc->root);
	return NC_OK;
}
