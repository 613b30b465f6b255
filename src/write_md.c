/*
 * write_md.c - Markdown: CommonMark 0.30 with the GFM table and
 * strikethrough extensions, YAML front matter first.
 *
 * Escaping is minimal but complete: a character is escaped only where
 * CommonMark could read it as markup (see put_text).  Emphasis is
 * written so it parses under the flanking rules even next to CJK
 * punctuation: leading/trailing spaces and punctuation move outside the
 * delimiters, and emphasis that still could not parse is dropped (its
 * text stays).
 *
 * Not supported, and what happens instead:
 *   - sub/sup and underline: no Markdown form; the text is kept plain.
 *   - table cells holding one block or several short paragraphs: joined
 *     with spaces; cells holding more (nested tables, long text) make
 *     the table layout, written as blocks (see render_table);
 *     rowspan/colspan: every position a span covers repeats its text.
 *   - a table with no header row: GFM needs one, so the first row is used.
 *   - embeds (iframe/video/audio): a link to the embedded URL, with the
 *     poster image as the link text when there is one, else a mark and
 *     the title or host ("▶ youtube.com").
 * Never emitted: raw HTML.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "newsconv.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/map.h"
#include "util/text.h"

/* ---- character classes for the flanking rules ----------------------- */

static bool uni_space(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	       c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Unicode P* categories, the blocks that occur in news text. */
static bool uni_punct(unsigned c)
{
	if (c < 0x80)
		return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) ||
		       (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
	return c == 0xa1 || c == 0xa7 || c == 0xab || c == 0xb6 || c == 0xb7 ||
	       c == 0xbb || c == 0xbf || c == 0x37e || c == 0x387 ||
	       (c >= 0x55a && c <= 0x55f) || c == 0x589 || c == 0x5be ||
	       (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205e) ||
	       (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) ||
	       (c >= 0x3014 && c <= 0x301f) || c == 0x3030 || c == 0x303d ||
	       c == 0x30a0 || c == 0x30fb || (c >= 0xfe10 && c <= 0xfe19) ||
	       (c >= 0xfe30 && c <= 0xfe52) || (c >= 0xfe54 && c <= 0xfe61) ||
	       c == 0xfe63 || c == 0xfe68 || c == 0xfe6a || c == 0xfe6b ||
	       (c >= 0xff01 && c <= 0xff03) || (c >= 0xff05 && c <= 0xff0a) ||
	       (c >= 0xff0c && c <= 0xff0f) || c == 0xff1a || c == 0xff1b ||
	       c == 0xff1f || c == 0xff20 || (c >= 0xff3b && c <= 0xff3d) ||
	       c == 0xff3f || c == 0xff5b || c == 0xff5d || (c >= 0xff5f && c <= 0xff65);
}

enum cls { C_SPACE, C_PUNCT, C_OTHER };

static enum cls classify(unsigned c)
{
	return uni_space(c) ? C_SPACE : uni_punct(c) ? C_PUNCT : C_OTHER;
}

/* Class of the last character of s[0..n). */
static enum cls class_before(const char *s, size_t n)
{
	if (n == 0)
		return C_SPACE;
	size_t i = n - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	unsigned cp = 0;
	if (!nc_utf8_decode((const unsigned char *)s + i, n - i, &cp))
		return C_OTHER;
	return classify(cp);
}

/* ---- the writer state -------------------------------------------------- */

/* Bytes of a text node to leave out because they were moved outside an
 * emphasis's delimiters. */
struct trim {
	const struct nc_node *node;
	size_t head, tail;
};

struct md {
	struct nc_buf out;
	const struct nc_write_opts *o;
	struct nc_writer *writer;
	char *files_dir;     /* "out_files" (as linked), NULL: images stay remote */
	char *files_path;    /* its path on disk */
	struct trim *trims;
	size_t ntrims, captrims;
	/* node -> 1 + its index in trims; built and freed per document by
	 * render_blocks, so a lookup is O(1) however many emphases there are. */
	struct nc_map trim_index;
	/* list node -> its rendering (see list_info); per document too. */
	struct nc_map lists;
	/* table node -> 1 data, 2 layout (see render_table); per document. */
	struct nc_map tables;
	char *section;       /* a digest's section written last */
	/* side-file path -> (void *)1: each image file once, found in O(1)
	 * rather than by a scan of the side files so far (review row 23). */
	struct nc_map sides;
	int rc;
};

static struct trim *find_trim(const struct md *m, const struct nc_node *n)
{
	uintptr_t i = (uintptr_t)nc_map_get_ptr(&m->trim_index, n);
	if (i && i <= m->ntrims && m->trims[i - 1].node == n)
		return &m->trims[i - 1];
	return NULL;
}

static struct trim *add_trim(struct md *m, const struct nc_node *n)
{
	struct trim *t = find_trim(m, n);
	if (t)
		return t;
	if (nc_map_put_ptr(&m->trim_index, n, (void *)(uintptr_t)(m->ntrims + 1))) {
		m->rc = NC_ERR_NOMEM;
		return NULL;
	}
	if (m->ntrims == m->captrims) {
		size_t cap = m->captrims ? m->captrims * 2 : 16;
		struct trim *v = realloc(m->trims, cap * sizeof *v);
		if (!v) {
			m->rc = NC_ERR_NOMEM;
			return NULL;
		}
		m->trims = v;
		m->captrims = cap;
	}
	t = &m->trims[m->ntrims++];
	t->node = n;
	t->head = t->tail = 0;
	return t;
}

/* ---- inline rendering -------------------------------------------------- */

enum ctx { CTX_PARA, CTX_HEADING, CTX_CELL };

struct inl {
	struct md *m;
	struct nc_buf *b;
	enum ctx ctx;
	bool line_start;  /* next text starts a line (block-start markup matters) */
	int in_link;      /* inside a link's or image's brackets: no autolinks there */
};

static bool ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* GFM's autolink extension (cmark-gfm -e autolink, GitHub) turns text
 * "https://x" and "www.x" into links the source did not have, so a
 * second conversion would differ.  Its triggers are the ':' of
 * "http://", "https://", "ftp://" and the '.' of "www." after a word
 * boundary; an escape there keeps the text plain.  (Bare e-mail
 * addresses are matched after escapes are resolved: no escape stops
 * them.) */
static bool autolink_trigger(const char *s, size_t n, size_t i)
{
	if (s[i] == ':') {
		if (i + 2 >= n || s[i + 1] != '/' || s[i + 2] != '/')
			return false;
		static const char *const schemes[] = {"http", "https", "ftp", NULL};
		for (const char *const *sc = schemes; *sc; sc++) {
			size_t l = strlen(*sc);
			if (i >= l && strncasecmp(s + i - l, *sc, l) == 0)
				return true;
		}
		return false;
	}
	/* '.' of "www." at the start of a word */
	return s[i] == '.' && i >= 3 && strncmp(s + i - 3, "www", 3) == 0 &&
	       (i == 3 || !ascii_alnum(s[i - 4]));
}

static bool entity_follows(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '#')
		i++;
	size_t start = i;
	while (i < n && i - start < 32 &&
	       ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
		i++;
	return i > start && i < n && s[i] == ';';
}

/* A byte a plain YAML key may hold (UTF-8 letters pass whole). */
static bool key_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (unsigned char)c >= 0x80;
}

/* Class of the character starting at s[i] (a malformed byte counts as
 * a letter: it can be neither space nor punctuation). */
static enum cls class_at(const char *s, size_t n, size_t i)
{
	unsigned cp;
	if (!nc_utf8_decode((const unsigned char *)s + i, n - i, &cp))
		return C_OTHER;
	return classify(cp);
}

/* Bytes put_text copies as they are wherever they stand (but at the
 * start of a line): letters, digits, spaces, most punctuation and every
 * byte of a multi-byte character. */
static bool plain_byte(unsigned char c)
{
	switch (c) {
	case '\\': case '`': case '*': case '[': case ']': case '~': case '_': case '<':
	case '&': case '|': case ':': case '.': case '\n': case '\r':
		return false;
	default:
		return true;
	}
}

/* Block markers at the start of a line ("1." "2)" "-" "+" "=" "#" ">"),
 * escaped: the bytes of s taken, 0 when it starts with none. */
static size_t put_line_marker(struct nc_buf *b, const char *s, size_t n)
{
	size_t d = 0;
	while (d < n && d < 10 && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d && d < 10 && d < n && (s[d] == '.' || s[d] == ')')) {
		nc_buf_put(b, s, d);
		nc_buf_putc(b, '\\');
		nc_buf_putc(b, s[d]);
		return d + 1;
	}
	if (s[0] == '-' || s[0] == '+' || s[0] == '=' || s[0] == '#' || s[0] == '>') {
		nc_buf_putc(b, '\\');
		nc_buf_putc(b, s[0]);
		return 1;
	}
	return 0;
}

/* Text with every character that could be markup escaped. */
static void put_text(struct inl *x, const char *s, size_t n)
{
	struct nc_buf *b = x->b;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!x->line_start && plain_byte((unsigned char)c)) {
			size_t j = i + 1; /* a run of them at once */
			while (j < n && plain_byte((unsigned char)s[j]))
				j++;
			nc_buf_put(b, s + i, j - i);
			i = j - 1;
			continue;
		}
		size_t took = x->line_start ? put_line_marker(b, s + i, n - i) : 0;
		x->line_start = false;
		if (took) {
			i += took - 1;
			continue;
		}
		switch (c) {
		case '\\': case '`': case '*': case '[': case ']': case '~':
			nc_buf_putc(b, '\\');
			nc_buf_putc(b, c);
			break;
		case '_':
			/* Between two letters an underscore can neither open
			 * nor close emphasis; next to space or punctuation
			 * (CJK "。" and "“" included) it can, so it is
			 * escaped.  Classes come from the decoded characters,
			 * not from bytes. */
			if (i > 0 && i + 1 < n && class_before(s, i) == C_OTHER &&
			    class_at(s, n, i + 1) == C_OTHER)
				nc_buf_putc(b, c);
			else
				nc_buf_puts(b, "\\_");
			break;
		case '<':
			/* An entity rather than "\<": the text "<div>" must not
			 * even look like a tag. */
			nc_buf_puts(b, "&lt;");
			break;
		case '&':
			if (entity_follows(s + i + 1, n - i - 1))
				nc_buf_puts(b, "\\&");
			else
				nc_buf_putc(b, c);
			break;
		case '|':
			if (x->ctx == CTX_CELL)
				nc_buf_puts(b, "\\|");
			else
				nc_buf_putc(b, c);
			break;
		case '!':
			nc_buf_putc(b, c);
			break;
		case ':':
		case '.':
			if (!x->in_link && autolink_trigger(s, n, i))
				nc_buf_putc(b, '\\');
			nc_buf_putc(b, c);
			break;
		case '\n':
		case '\r':
			nc_buf_putc(b, ' ');
			break;
		default:
			nc_buf_putc(b, c);
		}
	}
}

static size_t longest_run(const char *s, size_t n, char c)
{
	size_t best = 0, cur = 0;
	for (size_t i = 0; i < n; i++) {
		cur = s[i] == c ? cur + 1 : 0;
		if (cur > best)
			best = cur;
	}
	return best;
}

static void put_code_span(struct inl *x, const char *s, size_t n)
{
	if (n == 0)
		return;
	size_t ticks = longest_run(s, n, '`') + 1;
	bool all_space = true;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ')
			all_space = false;
	bool pad = s[0] == '`' || s[n - 1] == '`' || (!all_space && s[0] == ' ' && s[n - 1] == ' ');
	for (size_t i = 0; i < ticks; i++)
		nc_buf_putc(x->b, '`');
	if (pad)
		nc_buf_putc(x->b, ' ');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		char c = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
		if (c == '|' && x->ctx == CTX_CELL)
			nc_buf_putc(x->b, '\\');
		nc_buf_putc(x->b, c);
	}
	if (pad)
		nc_buf_putc(x->b, ' ');
	for (size_t i = 0; i < ticks; i++)
		nc_buf_putc(x->b, '`');
	x->line_start = false;
}

/* A link destination: <...> when it has spaces or unbalanced parens. */
/* A byte of a link destination that put_dest writes unchanged. */
static bool dest_plain(unsigned char c, bool angle)
{
	return c > 0x20 ? c != '<' && c != '>' && c != '\\' && c != 0x7f : c == ' ' && angle;
}

static void put_dest(struct nc_buf *b, const char *url)
{
	int depth = 0;
	bool angle = false;
	for (const char *p = url; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '<' || *p == '>')
			angle = true;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth < 0)
			angle = true;
	}
	if (depth != 0)
		angle = true;
	if (angle)
		nc_buf_putc(b, '<');
	for (const char *p = url; *p; p++) {
		unsigned char c = (unsigned char)*p;
		size_t run = 0; /* bytes written as they are, at once */
		while (dest_plain((unsigned char)p[run], angle))
			run++;
		if (run) {
			nc_buf_put(b, p, run);
			p += run - 1;
			continue;
		}
		if (c == '<')
			nc_buf_puts(b, "%3C");
		else if (c == '>')
			nc_buf_puts(b, "%3E");
		else if (c == '\\')
			nc_buf_puts(b, "%5C");
		else if (c < 0x20 || c == 0x7f)
			nc_buf_printf(b, "%%%02X", c);
		else if (c == ' ' && !angle)
			nc_buf_puts(b, "%20");
		else
			nc_buf_putc(b, (char)c);
	}
	if (angle)
		nc_buf_putc(b, '>');
}

static void put_title(struct nc_buf *b, const char *title)
{
	if (!title || !*title)
		return;
	nc_buf_puts(b, " \"");
	for (const char *p = title; *p; p++) {
		if (*p == '"' || *p == '\\')
			nc_buf_putc(b, '\\');
		/* A line ending in a title would start a line without the
		 * list or quote prefix (and a CR is one, for CommonMark). */
		if (*p == '\r' && p[1] == '\n')
			continue;
		nc_buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
	nc_buf_putc(b, '"');
}

/* Where an image points: its file beside the Markdown when fetched. */
static const char *image_target(struct md *m, const struct nc_resource *r,
				const char *url, struct nc_buf *tmp)
{
	if (!r || !r->blob || !r->blob->ext[0] || !m->files_dir)
		return url;
	if (r->state != NC_RES_FETCHED && r->state != NC_RES_CACHED)
		return url;
	char hex[41];
	nc_hex(r->blob->sha1, 20, hex);
	struct nc_buf path = {0};
	nc_buf_printf(&path, "%s/%s%s", m->files_path, hex, r->blob->ext);
	if (path.data && !nc_map_get(&m->sides, path.data, path.len) &&
	    (nc_map_put(&m->sides, path.data, path.len, (void *)1) ||
	     nc_writer_side(m->writer, path.data, r->blob->data, r->blob->size)))
		m->rc = NC_ERR_NOMEM;
	nc_buf_free(&path);
	nc_buf_truncate(tmp, 0);
	nc_buf_printf(tmp, "%s/%s%s", m->files_dir, hex, r->blob->ext);
	return tmp->data ? tmp->data : url;
}

static void put_image(struct inl *x, const char *alt, const char *url,
		      const char *title, const struct nc_resource *r)
{
	struct nc_buf tmp = {0};
	const char *target = image_target(x->m, r, url ? url : "", &tmp);
	nc_buf_puts(x->b, "![");
	struct inl alt_x = *x;
	alt_x.line_start = false;
	alt_x.in_link++;
	if (alt)
		put_text(&alt_x, alt, strlen(alt));
	nc_buf_puts(x->b, "](");
	put_dest(x->b, target);
	put_title(x->b, title);
	nc_buf_putc(x->b, ')');
	nc_buf_free(&tmp);
	x->line_start = false;
}

static bool is_emph(enum nc_node_type t)
{
	return t == NC_NODE_EMPH || t == NC_NODE_STRONG || t == NC_NODE_STRIKE;
}

/* The delimiter character: emphasis and strong both use '*', so one
 * nested in the other writes one delimiter run ("***x***"), whose
 * flanking is decided by what is outside the whole run. */
static char delim_char(enum nc_node_type t)
{
	return t == NC_NODE_STRIKE ? '~' : '*';
}

/* Per-emphasis decision made on ENTER and used on EXIT, and what its
 * trims moved: head bytes [head0, head1) of its first text leaf went
 * before its opener, tail bytes [len - tail1, len - tail0) of its last
 * text leaf go after its closer (outer emphases own the outer bytes). */
struct open_emph {
	const struct nc_node *node;
	bool emit;
	const struct nc_node *last;  /* last text leaf, or NULL */
	size_t tail0, tail1;
};

/* First visible character class inside n (for the opener), given the
 * trims already decided. */
static enum cls first_class(struct md *m, const struct nc_node *n)
{
	for (const struct nc_node *c = n->first_child; c; c = c->first_child) {
		if (c->type == NC_NODE_TEXT) {
			const struct trim *t = find_trim(m, c);
			size_t skip = t ? t->head : 0;
			if (skip >= c->as.text.len)
				return C_SPACE;
			unsigned cp;
			const char *s = c->as.text.literal + skip;
			if (!nc_utf8_decode((const unsigned char *)s, c->as.text.len - skip, &cp))
				return C_OTHER;
			/* Characters put_text escapes begin with a backslash. */
			return classify(cp);
		}
		if (nc_node_is_leaf(c))
			return C_PUNCT; /* `, ! or [ or \ */
		if (is_emph(c->type) && delim_char(c->type) == delim_char(n->type))
			continue; /* the same delimiter run: look inside */
		if (c->type != NC_NODE_SUB && c->type != NC_NODE_SUP)
			return C_PUNCT; /* a link's [ or another delimiter */
	}
	return C_SPACE;
}

static enum cls last_class(struct md *m, const struct nc_node *n)
{
	for (const struct nc_node *c = n->last_child; c; c = c->last_child) {
		if (c->type == NC_NODE_TEXT) {
			const struct trim *t = find_trim(m, c);
			size_t cut = t ? t->tail : 0;
			size_t head = t ? t->head : 0;
			if (cut + head >= c->as.text.len)
				return C_SPACE;
			return class_before(c->as.text.literal, c->as.text.len - cut);
		}
		if (is_emph(c->type) && delim_char(c->type) == delim_char(n->type))
			continue;
		if (nc_node_is_leaf(c) || (c->type != NC_NODE_SUB && c->type != NC_NODE_SUP))
			return C_PUNCT; /* ` ) ] * ~ */
	}
	return C_SPACE;
}

/* Class of what follows n's closer.  Climbing out of an enclosing
 * emphasis passes its own closer (punctuation when its delimiter
 * differs, the same run when not) and the bytes it moved out. */
static enum cls next_class(struct md *m, const struct nc_node *n, const struct nc_node *container,
			   const struct open_emph *opens, size_t nopen)
{
	size_t k = nopen;
	for (const struct nc_node *p = n; p && p != container; p = p->parent) {
		if (p != n && is_emph(p->type)) {
			while (k && opens[k - 1].node != p)
				k--;
			if (k) {
				const struct open_emph *o = &opens[k - 1];
				if (o->emit && delim_char(p->type) != delim_char(n->type))
					return C_PUNCT;
				if (o->last && o->tail1 > o->tail0)
					return class_at(o->last->as.text.literal, o->last->as.text.len,
							o->last->as.text.len - o->tail1);
			}
		} else if (p != n && p->type == NC_NODE_LINK) {
			return C_PUNCT; /* ] */
		}
		if (!p->next)
			continue;
		const struct nc_node *c = p->next;
		while (c->type == NC_NODE_SUB || c->type == NC_NODE_SUP) {
			if (!c->first_child)
				break;
			c = c->first_child;
		}
		if (c->type == NC_NODE_TEXT) {
			const struct trim *t = find_trim(m, c);
			size_t skip = t ? t->head : 0;
			unsigned cp;
			if (skip >= c->as.text.len)
				return C_SPACE;
			if (!nc_utf8_decode((const unsigned char *)c->as.text.literal + skip,
					    c->as.text.len - skip, &cp))
				return C_OTHER;
			return classify(cp);
		}
		return C_PUNCT;
	}
	return C_SPACE; /* end of line */
}

/* Move leading/trailing whitespace and punctuation of n's outermost text
 * leaves outside the delimiters.  Returns the byte counts moved. */
static void plan_trims(struct md *m, const struct nc_node *n, enum cls before)
{
	const struct nc_node *f = n->first_child;
	while (f && (f->type == NC_NODE_EMPH || f->type == NC_NODE_STRONG || f->type == NC_NODE_STRIKE))
		f = f->first_child;
	if (f && f->type == NC_NODE_TEXT) {
		const char *s = f->as.text.literal;
		size_t len = f->as.text.len, i = 0;
		const struct trim *old = find_trim(m, f);
		if (old)
			i = old->head;
		while (i < len) {
			unsigned cp;
			size_t k = nc_utf8_decode((const unsigned char *)s + i, len - i, &cp);
			if (!k)
				break;
			enum cls c = classify(cp);
			/* Space always moves out; punctuation only when what is
			 * before the opener would stop it from opening. */
			if (c == C_SPACE || (c == C_PUNCT && before == C_OTHER))
				i += k;
			else
				break;
		}
		struct trim *t = add_trim(m, f);
		if (t)
			t->head = i;
	}
	const struct nc_node *l = n->last_child;
	while (l && (l->type == NC_NODE_EMPH || l->type == NC_NODE_STRONG || l->type == NC_NODE_STRIKE))
		l = l->last_child;
	if (l && l->type == NC_NODE_TEXT) {
		const struct trim *old = find_trim(m, l);
		size_t head = old ? old->head : 0;
		size_t end = l->as.text.len - (old ? old->tail : 0);
		const char *s = l->as.text.literal;
		while (end > head) {
			size_t i = end - 1;
			while (i > head && ((unsigned char)s[i] & 0xc0) == 0x80)
				i--;
			unsigned cp;
			if (!nc_utf8_decode((const unsigned char *)s + i, end - i, &cp))
				break;
			/* Trailing punctuation moves out only when a letter
			 * follows; decided later by the caller, so move spaces
			 * here and punctuation in fix_closer(). */
			if (classify(cp) == C_SPACE)
				end = i;
			else
				break;
		}
		struct trim *t = add_trim(m, l);
		if (t)
			t->tail = l->as.text.len - end;
	}
}

static void fix_closer(struct md *m, const struct nc_node *n, enum cls after)
{
	if (after != C_OTHER)
		return;
	const struct nc_node *l = n->last_child;
	while (l && (l->type == NC_NODE_EMPH || l->type == NC_NODE_STRONG || l->type == NC_NODE_STRIKE))
		l = l->last_child;
	if (!l || l->type != NC_NODE_TEXT)
		return;
	struct trim *t = add_trim(m, l);
	if (!t)
		return;
	size_t end = l->as.text.len - t->tail;
	const char *s = l->as.text.literal;
	while (end > t->head) {
		size_t i = end - 1;
		while (i > t->head && ((unsigned char)s[i] & 0xc0) == 0x80)
			i--;
		unsigned cp;
		if (!nc_utf8_decode((const unsigned char *)s + i, end - i, &cp))
			break;
		enum cls c = classify(cp);
		if (c == C_PUNCT || c == C_SPACE)
			end = i;
		else
			break;
	}
	t->tail = l->as.text.len - end;
}

static const char *delim_of(enum nc_node_type t)
{
	return t == NC_NODE_STRONG ? "**" : t == NC_NODE_EMPH ? "*" : "~~";
}

/* Text leaves of n, with trims applied, as one string (for checks). */
static bool has_visible(struct md *m, const struct nc_node *n)
{
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, (struct nc_node *)n);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		const struct nc_node *c = it.cur;
		if (ev != NC_EVENT_ENTER || c == n)
			continue;
		if (c->type == NC_NODE_TEXT) {
			const struct trim *t = find_trim(m, c);
			size_t h = t ? t->head : 0, tl = t ? t->tail : 0;
			if (h + tl < c->as.text.len)
				return true;
		} else if (nc_node_is_leaf(c) && c->type != NC_NODE_LINE_BREAK) {
			return true;
		}
	}
	return false;
}

/* Before a "[": a text "!" right in front would make the link an
 * image ("Wow![more](u)"); put_text never escapes "!", so escape it
 * here, where we know a bracket follows. */
static void guard_bang(struct nc_buf *b)
{
	if (b->len && b->data[b->len - 1] == '!') {
		nc_buf_truncate(b, b->len - 1);
		nc_buf_puts(b, "\\!");
	}
}

static void put_link_open(struct inl *x)
{
	guard_bang(x->b);
	nc_buf_putc(x->b, '[');
	x->line_start = false;
}

/* The host of an absolute URL ("https://www.e.org:8080/x" -> "e.org"),
 * or the address of a mailto:.  False when there is none. */
static bool host_of(const char *url, const char **host, size_t *len)
{
	const char *p = strstr(url, "://");
	if (!p && strncmp(url, "mailto:", 7) == 0) {
		*host = url + 7;
		*len = strcspn(*host, "?#");
		return *len > 0;
	}
	if (!p)
		return false;
	p += 3;
	size_t n = strcspn(p, "/?#");
	const char *at = memchr(p, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	size_t h = n;
	if (n && p[0] == '[') { /* [v6]:port */
		const char *close = memchr(p, ']', n);
		h = close ? (size_t)(close + 1 - p) : n;
	} else {
		const char *colon = memchr(p, ':', n);
		if (colon)
			h = (size_t)(colon - p);
	}
	if (h > 4 && strncmp(p, "www.", 4) == 0) {
		p += 4;
		h -= 4;
	}
	*host = p;
	*len = h;
	return h > 0;
}

/* A short label for links and embeds that show no text of their own:
 * the host, else the whole URL. */
static void put_host_label(struct inl *x, const char *url)
{
	const char *host;
	size_t len;
	if (host_of(url, &host, &len))
		put_text(x, host, len);
	else if (strncasecmp(url, "mailto:", 7) == 0)
		put_text(x, "e-mail", 6); /* a share-by-mail button: no address, a long query */
	else
		put_text(x, url, strlen(url));
}

static void put_link_close(struct inl *x, const struct nc_node *n, bool empty)
{
	if (empty) {
		/* An icon-only link (share buttons, <img src="">) keeps its
		 * target; its host is a short, readable label (kept short:
		 * it is text the article did not have). */
		struct inl t = *x;
		t.in_link++;
		const char *frag = strchr(n->as.link.url, '#');
		if (frag && frag[1])
			put_text(&t, "#", 1); /* a heading's permalink: the usual mark */
		else
			put_host_label(&t, n->as.link.url);
	}
	nc_buf_puts(x->b, "](");
	put_dest(x->b, n->as.link.url);
	put_title(x->b, n->as.link.title);
	nc_buf_putc(x->b, ')');
}

static bool host_is(const char *url, const char *const *hosts)
{
	const char *p;
	size_t n;
	if (!host_of(url, &p, &n))
		return false;
	for (; *hosts; hosts++) {
		size_t h = strlen(*hosts);
		/* the host itself or a subdomain of it */
		if (n >= h && strncmp(p + n - h, *hosts, h) == 0 && (n == h || p[n - h - 1] == '.'))
			return true;
	}
	return false;
}

enum embed_what { EMBED_VIDEO, EMBED_AUDIO, EMBED_PAGE };

/* What an embed is, when it has no title of its own. */
static enum embed_what embed_what(const struct nc_node *n)
{
	static const char *const video[] = {"youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com",
					    "dailymotion.com", "bilibili.com", "youku.com", "v.qq.com",
					    "ted.com", "twitch.tv", NULL};
	static const char *const audio[] = {"soundcloud.com", "spotify.com", "bandcamp.com",
					    "podcasts.apple.com", "music.163.com", NULL};
	switch (n->as.embed.kind) {
	case NC_EMBED_VIDEO: return EMBED_VIDEO;
	case NC_EMBED_AUDIO: return EMBED_AUDIO;
	case NC_EMBED_IFRAME: break;
	}
	if (host_is(n->as.embed.url, video))
		return EMBED_VIDEO;
	if (host_is(n->as.embed.url, audio))
		return EMBED_AUDIO;
	return EMBED_PAGE;
}

/* The host an embed label shows: a player's own subdomain
 * ("player.youku.com", "w.soundcloud.com") says no more than the site. */
static void embed_host(const char *url, struct nc_buf *label)
{
	static const char *const players[] = {"player.", "w.", "embed.", "m.", NULL};
	const char *host;
	size_t len;
	if (!host_of(url, &host, &len)) {
		nc_buf_puts(label, url);
		return;
	}
	for (const char *const *p = players; *p; p++) {
		size_t l = strlen(*p);
		/* only when a dot remains: "w.org" stays */
		if (len > l && strncmp(host, *p, l) == 0 && memchr(host + l, '.', len - l)) {
			host += l;
			len -= l;
			break;
		}
	}
	nc_buf_put(label, host, len);
}

/* "[▶ title](url)", or "[▶ youtube.com](url)" without a title: the URL is
 * the link's target already, so it is not repeated as text.  The mark
 * says what it is in one character (▶ video, ♪ audio, ↗ another page),
 * kept short because every word here is text the article did not have;
 * a poster image's alt text, which shows only in its place, says it in
 * words ("video on youtube.com"). */
static void put_embed(struct inl *x, const struct nc_node *n)
{
	static const char *const marks[] = {"\xe2\x96\xb6 ", "\xe2\x99\xaa ", "\xe2\x86\x97 "};
	static const char *const words[] = {"video on ", "audio on ", "embedded page on "};
	const char *title = n->as.embed.title && *n->as.embed.title ? n->as.embed.title : NULL;
	enum embed_what what = title ? EMBED_VIDEO : embed_what(n);
	guard_bang(x->b);
	nc_buf_putc(x->b, '[');
	x->line_start = false;
	struct nc_buf label = {0};
	if (title) {
		nc_buf_puts(&label, title);
	} else {
		if (n->as.embed.poster)
			nc_buf_puts(&label, words[what]);
		embed_host(n->as.embed.url, &label);
	}
	const char *text = label.data ? label.data : "";
	if (n->as.embed.poster) {
		put_image(x, text, n->as.embed.poster, NULL, n->as.embed.poster_res);
	} else {
		struct nc_buf w = {0};
		nc_buf_printf(&w, "%s%s", marks[what], text);
		struct inl in = *x;
		in.in_link++;
		if (w.data)
			put_text(&in, w.data, w.len);
		nc_buf_free(&w);
	}
	nc_buf_free(&label);
	nc_buf_puts(x->b, "](");
	put_dest(x->b, n->as.embed.url);
	nc_buf_putc(x->b, ')');
}

/* Render the inline content under `container` (blocks inside it, as in
 * table cells, are joined with spaces). */
static void render_inlines(struct md *m, struct nc_node *container, enum ctx ctx,
			   struct nc_buf *b)
{
	struct inl x = { m, b, ctx, ctx != CTX_CELL, 0 };
	struct nc_iter it;
	enum nc_event ev;
	struct open_emph *opens = NULL;
	size_t nopen = 0, capopen = 0;
	bool need_sep = false;

	nc_iter_init(&it, container);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE && !m->rc) {
		struct nc_node *n = it.cur;
		if (n == container)
			continue;
		if (nc_node_is_block(n->type)) {
			/* Only in flattened cells. */
			if (ev == NC_EVENT_ENTER && b->len)
				need_sep = true;
			if (n->type == NC_NODE_CODE_BLOCK && ev == NC_EVENT_ENTER) {
				if (need_sep)
					nc_buf_putc(b, ' ');
				need_sep = false;
				put_code_span(&x, n->as.code_block.literal, n->as.code_block.len);
			}
			continue;
		}
		if (ev == NC_EVENT_ENTER && need_sep) {
			nc_buf_putc(b, ' ');
			need_sep = false;
		}
		switch (n->type) {
		case NC_NODE_TEXT: {
			const struct trim *t = find_trim(m, n);
			size_t h = t ? t->head : 0, tl = t ? t->tail : 0;
			if (h + tl < n->as.text.len)
				put_text(&x, n->as.text.literal + h, n->as.text.len - h - tl);
			break;
		}
		case NC_NODE_EMPH:
		case NC_NODE_STRONG:
		case NC_NODE_STRIKE:
			if (ev == NC_EVENT_ENTER) {
				if (nopen == capopen) {
					size_t cap = capopen ? capopen * 2 : 8;
					struct open_emph *v = realloc(opens, cap * sizeof *v);
					if (!v) {
						m->rc = NC_ERR_NOMEM;
						break;
					}
					opens = v;
					capopen = cap;
				}
				struct open_emph *o = &opens[nopen++];
				*o = (struct open_emph){ .node = n };
				/* <em><em>x</em></em> is still emphasis, not strong:
				 * inside an emitted one of the same kind, write none. */
				bool nested_same = false;
				for (size_t i = 0; i + 1 < nopen; i++)
					if (opens[i].emit && opens[i].node->type == n->type)
						nested_same = true;
				if (nested_same)
					break;
				const struct nc_node *f = n->first_child;
				while (f && is_emph(f->type))
					f = f->first_child;
				if (f && f->type != NC_NODE_TEXT)
					f = NULL;
				const struct nc_node *l = n->last_child;
				while (l && is_emph(l->type))
					l = l->last_child;
				if (l && l->type != NC_NODE_TEXT)
					l = NULL;
				const struct trim *ft = f ? find_trim(m, f) : NULL;
				size_t head0 = ft ? ft->head : 0;
				const struct trim *lt = l ? find_trim(m, l) : NULL;
				o->last = l;
				o->tail0 = lt ? lt->tail : 0;
				/* Text moved out in front of the opener (the part an
				 * enclosing emphasis did not move already). */
				plan_trims(m, n, class_before(b->data ? b->data : "", b->len));
				fix_closer(m, n, next_class(m, n, container, opens, nopen - 1));
				ft = f ? find_trim(m, f) : NULL;
				if (ft && ft->head > head0)
					put_text(&x, f->as.text.literal + head0, ft->head - head0);
				lt = l ? find_trim(m, l) : NULL;
				o->tail1 = lt ? lt->tail : o->tail0;
				enum cls before = class_before(b->data ? b->data : "", b->len);
				enum cls first = first_class(m, n), last = last_class(m, n);
				enum cls after = next_class(m, n, container, opens, nopen - 1);
				bool opens_ok = first != C_SPACE && (first != C_PUNCT || before != C_OTHER);
				bool closes_ok = last != C_SPACE && (last != C_PUNCT || after != C_OTHER);
				o->emit = has_visible(m, n) && opens_ok && closes_ok;
				if (o->emit) {
					nc_buf_puts(b, delim_of(n->type));
					x.line_start = false;
				}
			} else if (nopen) {
				const struct open_emph *o = &opens[--nopen];
				if (o->emit)
					nc_buf_puts(b, delim_of(n->type));
				if (o->last && o->tail1 > o->tail0 && o->tail1 <= o->last->as.text.len)
					put_text(&x, o->last->as.text.literal + o->last->as.text.len - o->tail1,
						 o->tail1 - o->tail0);
			}
			break;
		case NC_NODE_SUB:
		case NC_NODE_SUP:
			break;
		case NC_NODE_CODE:
			put_code_span(&x, n->as.text.literal, n->as.text.len);
			break;
		case NC_NODE_LINK:
			if (ev == NC_EVENT_ENTER) {
				put_link_open(&x);
				x.in_link++;
			} else {
				x.in_link--;
				put_link_close(&x, n, !n->first_child || !has_visible(m, n));
			}
			break;
		case NC_NODE_IMAGE:
			put_image(&x, n->as.image.alt, n->as.image.url, n->as.image.title, n->as.image.res);
			break;
		case NC_NODE_EMBED:
			put_embed(&x, n);
			break;
		case NC_NODE_LINE_BREAK:
			if (ctx == CTX_PARA) {
				nc_buf_puts(b, "\\\n");
				x.line_start = true;
			} else {
				nc_buf_putc(b, ' ');
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
			break;
		}
	}
	free(opens);
	/* A hard break needs something after it; trailing spaces would
	 * become one. */
	while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n')) {
		if (b->data[b->len - 1] == '\n' && b->len >= 2 && b->data[b->len - 2] == '\\')
			nc_buf_truncate(b, b->len - 2);
		else
			nc_buf_truncate(b, b->len - 1);
	}
	if (ctx == CTX_HEADING && b->len && b->data[b->len - 1] == '#') {
		/* A closing run of # would be stripped as the heading's end. */
		nc_buf_truncate(b, b->len - 1);
		nc_buf_puts(b, "\\#");
	}
}

/* ---- blocks ------------------------------------------------------------ */

struct prefix {
	const struct nc_node *node;
	char first[16];   /* for the first line: "- ", "12. ", "> " */
	char rest[16];    /* for the other lines: "  ", "    ", "> " */
	bool first_used;
};

/* An open list: whether it is tight, the next item's number and its
 * marker, decided once on entering it (per item it was quadratic). */
struct open_list {
	const struct nc_node *node;
	bool tight;
	long num;
	char mark;        /* '-' or '*'; '.' or ')' when ordered */
};

struct blocks {
	struct md *m;
	struct prefix *pre;
	size_t npre, cappre;
	struct open_list *lists;
	size_t nlists, caplists;
	bool started;     /* something was written already */
};

static void line_prefix(struct blocks *s, bool blank)
{
	struct nc_buf line = {0};
	for (size_t i = 0; i < s->npre; i++) {
		struct prefix *p = &s->pre[i];
		nc_buf_puts(&line, p->first_used ? p->rest : p->first);
		if (!blank)
			p->first_used = true;
	}
	if (blank)
		while (line.len && line.data[line.len - 1] == ' ')
			nc_buf_truncate(&line, line.len - 1);
	if (line.data)
		nc_buf_put(&s->m->out, line.data, line.len);
	nc_buf_free(&line);
}

static void push_prefix(struct blocks *s, const struct nc_node *n, const char *first, const char *rest)
{
	if (s->npre == s->cappre) {
		size_t cap = s->cappre ? s->cappre * 2 : 16;
		struct prefix *v = realloc(s->pre, cap * sizeof *v);
		if (!v) {
			s->m->rc = NC_ERR_NOMEM;
			return;
		}
		s->pre = v;
		s->cappre = cap;
	}
	struct prefix *p = &s->pre[s->npre++];
	p->node = n;
	snprintf(p->first, sizeof p->first, "%s", first);
	snprintf(p->rest, sizeof p->rest, "%s", rest);
	p->first_used = false;
}

static void pop_prefix(struct blocks *s, const struct nc_node *n)
{
	if (s->npre && s->pre[s->npre - 1].node == n)
		s->npre--;
}

/* Tight when the model says so (the reader decides: <li><p>a</p></li>
 * is loose, <li>a</li> tight) and the items allow it: no item may hold
 * more than one paragraph-like block, since a tight list cannot (a
 * paragraph followed by nested lists still reads as one line each). */
static bool tight_list(const struct nc_node *list)
{
	if (!list->as.list.tight)
		return false;
	for (const struct nc_node *it = list->first_child; it; it = it->next)
		for (const struct nc_node *c = it->first_child; c; c = c->next)
			if (c != it->first_child && c->type != NC_NODE_LIST)
				return false;
	return true;
}

static const struct open_list *find_list(const struct blocks *s, const struct nc_node *list)
{
	for (size_t i = s->nlists; i > 0; i--)
		if (s->lists[i - 1].node == list)
			return &s->lists[i - 1];
	return NULL;
}

static bool is_tight(const struct blocks *s, const struct nc_node *list)
{
	const struct open_list *l = find_list(s, list);
	return l ? l->tight : tight_list(list);
}

/* Two lists in a row would merge into one: CommonMark ends a list when
 * the bullet character (or the ordered delimiter) changes, so a list
 * right after one of its kind takes the other character. */
static void open_list(struct blocks *s, const struct nc_node *list)
{
	struct md *m = s->m;
	bool ordered = list->as.list.ordered;
	char mark = ordered ? '.' : '-';
	const struct nc_node *prev = list->prev;
	if (prev && prev->type == NC_NODE_LIST && prev->as.list.ordered == ordered) {
		uintptr_t pm = (uintptr_t)nc_map_get_ptr(&m->lists, prev);
		if (pm == (uintptr_t)mark)
			mark = ordered ? ')' : '*';
	}
	if (nc_map_put_ptr(&m->lists, list, (void *)(uintptr_t)mark)) {
		m->rc = NC_ERR_NOMEM;
		return;
	}
	if (s->nlists == s->caplists) {
		size_t cap = s->caplists ? s->caplists * 2 : 8;
		struct open_list *v = realloc(s->lists, cap * sizeof *v);
		if (!v) {
			m->rc = NC_ERR_NOMEM;
			return;
		}
		s->lists = v;
		s->caplists = cap;
	}
	s->lists[s->nlists++] = (struct open_list){
		.node = list, .tight = tight_list(list), .num = list->as.list.start, .mark = mark,
	};
}

static void close_list(struct blocks *s, const struct nc_node *list)
{
	if (s->nlists && s->lists[s->nlists - 1].node == list)
		s->nlists--;
}

/* Blank line (or, between items of a tight list, just the new line)
 * before every block that is not the first of the output. */
static void separate(struct blocks *s, const struct nc_node *n)
{
	if (!s->started) {
		s->started = true;
		return;
	}
	bool pending_marker = s->npre && !s->pre[s->npre - 1].first_used;
	if (pending_marker && !n->prev)
		return; /* first block of an item goes on the marker's line */
	if (n->type == NC_NODE_ITEM && (!n->prev || (n->parent && is_tight(s, n->parent))))
		return; /* the list itself was separated */
	if (n->parent && n->parent->type == NC_NODE_ITEM && n->parent->parent &&
	    is_tight(s, n->parent->parent))
		return; /* a nested list right under its item's line */
	line_prefix(s, true);
	nc_buf_putc(&s->m->out, '\n');
}

/* Write text that may hold newlines, each line with the prefix. */
static void put_lines(struct blocks *s, const char *lead, const char *text, size_t n)
{
	line_prefix(s, false);
	if (lead)
		nc_buf_puts(&s->m->out, lead);
	for (size_t i = 0; i < n;) { /* a line at a time */
		const char *nl = memchr(text + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - text) + 1 : n;
		nc_buf_put(&s->m->out, text + i, end - i);
		i = end;
		if (nl && i < n)
			line_prefix(s, false);
	}
	nc_buf_putc(&s->m->out, '\n');
}

/* Characters (not bytes) of text under n, counting stops past `limit`. */
static size_t text_chars(const struct nc_node *n, size_t limit)
{
	size_t chars = 0;
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, (struct nc_node *)n);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE && chars <= limit) {
		const struct nc_node *c = it.cur;
		if (ev != NC_EVENT_ENTER || (c->type != NC_NODE_TEXT && c->type != NC_NODE_CODE))
			continue;
		for (size_t i = 0; i < c->as.text.len; i++)
			if (((unsigned char)c->as.text.literal[i] & 0xc0) != 0x80)
				chars++;
	}
	return chars;
}

/* Most text a cell of several paragraphs may hold and still be data
 * ("Date" / "(15 June)" in a timetable): joined with a space, it stays
 * one readable line.  Longer is page layout. */
#define CELL_JOIN_MAX 120

/* A cell holds block content when it has a nested table, or several
 * blocks that are not all paragraphs, or paragraphs with more text than
 * CELL_JOIN_MAX together: GFM cells are one line. */
static bool cell_has_blocks(const struct nc_node *cell)
{
	size_t blocks = 0;
	bool all_para = true;
	for (const struct nc_node *c = cell->first_child; c; c = c->next) {
		if (c->type == NC_NODE_TABLE)
			return true;
		if (!nc_node_is_block(c->type))
			continue;
		blocks++;
		if (c->type != NC_NODE_PARAGRAPH)
			all_para = false;
		/* a table further down (in a list or quote) */
		if (c->type != NC_NODE_PARAGRAPH) {
			struct nc_iter it;
			enum nc_event ev;
			nc_iter_init(&it, (struct nc_node *)c);
			while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE)
				if (ev == NC_EVENT_ENTER && it.cur->type == NC_NODE_TABLE)
					return true;
		}
	}
	if (blocks <= 1)
		return false;
	return !all_para || text_chars(cell, CELL_JOIN_MAX) > CELL_JOIN_MAX;
}

/* See render_table; decided once per table and remembered, since every
 * cell of a layout table asks. */
static bool layout_table(struct md *m, const struct nc_node *table)
{
	uintptr_t v = (uintptr_t)nc_map_get_ptr(&m->tables, table);
	if (v)
		return v == 2;
	size_t rows = 0, most = 0;
	bool blocks = false;
	for (const struct nc_node *r = table->first_child; r; r = r->next) {
		size_t c = 0;
		for (const struct nc_node *cell = r->first_child; cell; cell = cell->next) {
			c += (size_t)(cell->as.cell.colspan > 1 ? cell->as.cell.colspan : 1);
			if (!blocks && cell_has_blocks(cell))
				blocks = true;
		}
		if (c > most)
			most = c;
		rows++;
	}
	bool layout = rows <= 1 || most <= 1 || blocks;
	if (nc_map_put_ptr(&m->tables, table, (void *)(uintptr_t)(layout ? 2 : 1)))
		m->rc = NC_ERR_NOMEM;
	return layout;
}

/* A cell still covering later rows (rowspan), rendered once. */
struct carry {
	char *text;
	size_t len;
	int rows;       /* rows still to cover */
};

/*
 * Layout or data?  A table with one column, or one row, or whose cells
 * hold block content (a nested table, several blocks that are not all
 * paragraphs, paragraphs longer than CELL_JOIN_MAX together) is layout:
 * its cells' content is written as ordinary blocks, in reading order
 * (render_blocks walks into it), not as a GFM table.  Anything else is
 * data and becomes a GFM table.
 *
 * Spans: GFM has none, so the grid is expanded and every position a
 * rowspan/colspan cell covers repeats the cell's text.  Repeating (not
 * leaving it empty) because a GFM row is read on its own: an empty
 * cell would say "no value" where the source said "same as above", and
 * every cell keeps its row and column either way.
 */
#define MAX_COLS 1000

/* The table's width: rowspans of earlier rows take their columns
 * (O(rows * cols) time, `busy` of MAX_COLS entries). */
static size_t table_width(struct nc_node *table, int *busy)
{
	size_t cols = 0;
	for (struct nc_node *r = table->first_child; r; r = r->next) {
		size_t c = 0;
		for (struct nc_node *cell = r->first_child; cell; cell = cell->next) {
			while (c < MAX_COLS && busy[c])
				c++;
			int cs = cell->as.cell.colspan > 1 ? cell->as.cell.colspan : 1;
			int rs = cell->as.cell.rowspan > 1 ? cell->as.cell.rowspan : 1;
			for (int k = 0; k < cs && c < MAX_COLS; k++, c++)
				busy[c] = rs; /* decremented below, this row included */
		}
		for (size_t k = 0; k < MAX_COLS; k++) {
			if (busy[k] && k + 1 > cols)
				cols = k + 1;
			if (busy[k])
				busy[k]--;
		}
	}
	return cols;
}

/* "| --- | :-: |": the line under the first row. */
static void put_delimiter_row(struct blocks *s, const enum nc_align *align, size_t cols)
{
	struct nc_buf d = {0};
	nc_buf_putc(&d, '|');
	for (size_t i = 0; i < cols; i++) {
		switch (align[i]) {
		case NC_ALIGN_LEFT: nc_buf_puts(&d, " :-- |"); break;
		case NC_ALIGN_CENTER: nc_buf_puts(&d, " :-: |"); break;
		case NC_ALIGN_RIGHT: nc_buf_puts(&d, " --: |"); break;
		case NC_ALIGN_NONE: nc_buf_puts(&d, " --- |"); break;
		}
	}
	put_lines(s, NULL, d.data ? d.data : "", d.len);
	nc_buf_free(&d);
}

/* One row as a line: a cell spanning columns repeats in each (GFM has no
 * spans), a cell spanning rows repeats below (`carry`); missing cells
 * are blank.  The first row sets the columns' alignment. */
static void put_row(struct blocks *s, struct nc_node *r, bool first, size_t cols,
		    struct carry *carry, enum nc_align *align)
{
	struct nc_buf line = {0};
	nc_buf_putc(&line, '|');
	struct nc_node *cell = r->first_child;
	for (size_t c = 0; c < cols;) {
		if (carry[c].rows > 0) {
			nc_buf_putc(&line, ' ');
			nc_buf_put(&line, carry[c].text ? carry[c].text : "", carry[c].len);
			nc_buf_puts(&line, " |");
			if (--carry[c].rows == 0) {
				free(carry[c].text);
				carry[c].text = NULL;
			}
			c++;
			continue;
		}
		if (!cell) {
			nc_buf_puts(&line, "  |");
			c++;
			continue;
		}
		struct nc_buf cb = {0};
		render_inlines(s->m, cell, CTX_CELL, &cb);
		int cs = cell->as.cell.colspan > 1 ? cell->as.cell.colspan : 1;
		int rs = cell->as.cell.rowspan > 1 ? cell->as.cell.rowspan : 1;
		for (int k = 0; k < cs && c < cols; k++, c++) {
			if (first)
				align[c] = cell->as.cell.align;
			nc_buf_putc(&line, ' ');
			if (cb.data)
				nc_buf_put(&line, cb.data, cb.len);
			nc_buf_puts(&line, " |");
			if (rs > 1) {
				free(carry[c].text);
				carry[c].text = cb.data ? strndup(cb.data, cb.len) : NULL;
				carry[c].len = carry[c].text ? cb.len : 0;
				carry[c].rows = rs - 1;
			}
		}
		nc_buf_free(&cb);
		cell = cell->next;
	}
	put_lines(s, NULL, line.data ? line.data : "", line.len);
	nc_buf_free(&line);
}

static void render_table(struct blocks *s, struct nc_node *table)
{
	struct md *m = s->m;
	int *busy = calloc(MAX_COLS, sizeof *busy);
	struct carry *carry = calloc(MAX_COLS, sizeof *carry);
	enum nc_align *align = calloc(MAX_COLS, sizeof *align);
	size_t cols = busy && carry && align ? table_width(table, busy) : 0;
	if (!busy || !carry || !align)
		m->rc = NC_ERR_NOMEM;
	bool first = true;
	for (struct nc_node *r = table->first_child; cols && r && !m->rc; r = r->next) {
		put_row(s, r, first, cols, carry, align);
		if (first)
			put_delimiter_row(s, align, cols);
		first = false;
	}
	if (carry)
		for (size_t k = 0; k < MAX_COLS; k++)
			free(carry[k].text);
	free(carry);
	free(busy);
	free(align);
}

static void render_code_block(struct blocks *s, const struct nc_node *n)
{
	/* CR and CRLF become LF: put_lines prefixes lines after an LF only,
	 * so a bare CR would end a line inside a list or quote unprefixed. */
	const char *raw = n->as.code_block.literal ? n->as.code_block.literal : "";
	struct nc_buf norm = {0};
	for (size_t i = 0; i < n->as.code_block.len; i++) {
		if (raw[i] != '\r')
			nc_buf_putc(&norm, raw[i]);
		else if (i + 1 >= n->as.code_block.len || raw[i + 1] != '\n')
			nc_buf_putc(&norm, '\n');
	}
	const char *lit = norm.data ? norm.data : "";
	size_t len = norm.len;
	size_t ticks = longest_run(lit, len, '`') + 1;
	if (ticks < 3)
		ticks = 3;
	struct nc_buf fence = {0};
	for (size_t i = 0; i < ticks; i++)
		nc_buf_putc(&fence, '`');
	struct nc_buf open = {0};
	nc_buf_puts(&open, fence.data);
	if (n->as.code_block.info) {
		/* The info string may not hold backticks or spaces. */
		for (const char *p = n->as.code_block.info; *p; p++)
			if (*p != '`' && *p != ' ' && *p != '\n')
				nc_buf_putc(&open, *p);
	}
	put_lines(s, NULL, open.data, open.len);
	if (len)
		put_lines(s, NULL, lit, len);
	put_lines(s, NULL, fence.data, fence.len);
	nc_buf_free(&fence);
	nc_buf_free(&open);
	nc_buf_free(&norm);
}

/* ---- render_blocks(): one function per kind of block --------------------- */

/* A paragraph, caption or heading: its inlines, then its lines. */
static void block_text(struct blocks *s, struct nc_node *n)
{
	struct nc_buf b = {0};
	render_inlines(s->m, n, n->type == NC_NODE_HEADING ? CTX_HEADING : CTX_PARA, &b);
	if (b.len) {
		separate(s, n);
		char lead[8] = "";
		if (n->type == NC_NODE_HEADING) {
			int lv = n->as.heading.level < 1 ? 1 : n->as.heading.level > 6 ? 6 : n->as.heading.level;
			memset(lead, '#', (size_t)lv);
			lead[lv] = ' ';
			lead[lv + 1] = '\0';
		}
		put_lines(s, lead, b.data, b.len);
	}
	nc_buf_free(&b);
}

/* Inlines shown as one paragraph of their own. */
static void block_of_inlines(struct blocks *s, struct nc_node *n, struct nc_node *holder)
{
	struct nc_buf b = {0};
	render_inlines(s->m, holder, CTX_PARA, &b);
	if (b.len) {
		separate(s, n);
		put_lines(s, NULL, b.data, b.len);
	}
	nc_buf_free(&b);
}

static void enter_item(struct blocks *s, struct nc_node *n)
{
	separate(s, n);
	char first[16], rest[16];
	struct open_list *l = s->nlists && s->lists[s->nlists - 1].node == n->parent
				      ? &s->lists[s->nlists - 1] : NULL;
	if (l && n->parent->as.list.ordered) {
		long num = l->num < 0 ? 0 : l->num > 999999999 ? 999999999 : l->num;
		l->num++;
		snprintf(first, sizeof first, "%ld%c ", num, l->mark);
	} else {
		snprintf(first, sizeof first, "%c ", l ? l->mark : '-');
	}
	memset(rest, ' ', strlen(first));
	rest[strlen(first)] = '\0';
	push_prefix(s, n, first, rest);
	s->started = true;
	if (!n->first_child) {
		line_prefix(s, false);
		nc_buf_putc(&s->m->out, '\n');
	}
}

/* A row or cell met outside a data table (layout tables, stray rows):
 * true when it is a container to walk into; else its inlines are one
 * paragraph. */
static bool cell_is_container(const struct nc_node *n)
{
	if (n->type == NC_NODE_TABLE_ROW)
		return n->parent && n->parent->type == NC_NODE_TABLE;
	for (const struct nc_node *c = n->first_child; c; c = c->next)
		if (nc_node_is_block(c->type))
			return true;
	return false;
}

/* Inline content directly under a block container: the reader wraps it
 * in paragraphs, so this is a hand-built document; it is shown as its
 * own paragraph, rendered by borrowing the node into one. */
static void stray_inline(struct blocks *s, struct nc_node *n)
{
	struct nc_node *tmp = nc_node_new(NC_NODE_PARAGRAPH);
	if (!tmp) {
		s->m->rc = NC_ERR_NOMEM;
		return;
	}
	struct nc_node *parent = n->parent, *next = n->next;
	nc_node_append(tmp, n);
	struct nc_buf b = {0};
	render_inlines(s->m, tmp, CTX_PARA, &b);
	if (next)
		nc_node_insert_before(next, n);
	else
		nc_node_append(parent, n);
	nc_node_free(tmp);
	if (b.len) {
		separate(s, n);
		put_lines(s, NULL, b.data, b.len);
	}
	nc_buf_free(&b);
}

/* One step of the walk; may set it->ev to NC_EVENT_EXIT to skip the
 * children (rendered already). */
static void render_block(struct blocks *s, struct nc_iter *it, enum nc_event ev)
{
	struct md *m = s->m;
	struct nc_node *n = it->cur;
	bool enter = ev == NC_EVENT_ENTER;
	switch (n->type) {
	case NC_NODE_DOCUMENT:
	case NC_NODE_FIGURE:
		break;
	case NC_NODE_PARAGRAPH:
	case NC_NODE_CAPTION:
	case NC_NODE_HEADING:
		block_text(s, n);
		it->ev = NC_EVENT_EXIT; /* children rendered above */
		break;
	case NC_NODE_BLOCKQUOTE:
		if (!enter) {
			pop_prefix(s, n);
			break;
		}
		separate(s, n);
		push_prefix(s, n, "> ", "> ");
		if (!n->first_child) /* an empty quote still needs its line */
			put_lines(s, NULL, "", 0);
		break;
	case NC_NODE_LIST:
		if (!enter) {
			close_list(s, n);
			break;
		}
		separate(s, n);
		s->started = true;
		open_list(s, n);
		break;
	case NC_NODE_ITEM:
		if (enter)
			enter_item(s, n);
		else
			pop_prefix(s, n);
		break;
	case NC_NODE_CODE_BLOCK:
		separate(s, n);
		render_code_block(s, n);
		break;
	case NC_NODE_THEMATIC_BREAK:
		separate(s, n);
		put_lines(s, NULL, "* * *", 5);
		break;
	case NC_NODE_TABLE:
		if (n->first_child && layout_table(m, n))
			break; /* its cells' blocks are walked in turn */
		if (enter && n->first_child) {
			separate(s, n);
			render_table(s, n);
		}
		it->ev = NC_EVENT_EXIT;
		break;
	case NC_NODE_TABLE_ROW:
	case NC_NODE_TABLE_CELL:
		if (enter && !cell_is_container(n)) {
			block_of_inlines(s, n, n);
			it->ev = NC_EVENT_EXIT;
		}
		break;
	case NC_NODE_TEXT:
	case NC_NODE_EMPH:
	case NC_NODE_STRONG:
	case NC_NODE_STRIKE:
	case NC_NODE_SUB:
	case NC_NODE_SUP:
	case NC_NODE_CODE:
	case NC_NODE_LINK:
	case NC_NODE_IMAGE:
	case NC_NODE_EMBED:
	case NC_NODE_LINE_BREAK:
		if (enter) {
			stray_inline(s, n);
			it->ev = nc_node_is_leaf(n) ? NC_EVENT_ENTER : NC_EVENT_EXIT;
		}
		break;
	}
}

static void render_blocks(struct md *m, struct nc_node *root)
{
	struct blocks s = { .m = m };
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE && !m->rc)
		render_block(&s, &it, ev);
	free(s.pre);
	free(s.lists);
	/* Per-document state: write_md resets ntrims, the maps go here. */
	nc_map_free(&m->trim_index);
	nc_map_free(&m->lists);
	nc_map_free(&m->tables);
	memset(&m->tables, 0, sizeof m->tables);
	memset(&m->trim_index, 0, sizeof m->trim_index);
	memset(&m->lists, 0, sizeof m->lists);
	m->ntrims = 0;
}

/* ---- front matter ------------------------------------------------------ */

static void yaml_str(struct nc_buf *b, const char *s)
{
	nc_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t run = 0; /* bytes that need no escape, at once */
		while (p[run] >= 0x20 && p[run] != 0x7f && p[run] != '"' && p[run] != '\\')
			run++;
		if (run) {
			nc_buf_put(b, p, run);
			p += run - 1;
			continue;
		}
		switch (*p) {
		case '"': nc_buf_puts(b, "\\\""); break;
		case '\\': nc_buf_puts(b, "\\\\"); break;
		case '\n': nc_buf_puts(b, "\\n"); break;
		case '\t': nc_buf_puts(b, "\\t"); break;
		case '\r': nc_buf_puts(b, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				nc_buf_printf(b, "\\x%02x", *p);
			else
				nc_buf_putc(b, (char)*p);
		}
	}
	nc_buf_putc(b, '"');
}

static void yaml_list(struct nc_buf *b, const struct nc_strlist *l)
{
	nc_buf_putc(b, '[');
	for (size_t i = 0; i < l->len; i++) {
		if (i)
			nc_buf_puts(b, ", ");
		yaml_str(b, l->items[i]);
	}
	nc_buf_putc(b, ']');
}

static bool yaml_plain_ok(const char *v)
{
	if (!strcmp(v, "true") || !strcmp(v, "false"))
		return true;
	if (!*v)
		return false;
	for (const char *p = v; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return strlen(v) < 16;
}

static bool key_plain(const char *k)
{
	if (!*k)
		return false;
	for (const char *p = k; *p; p++)
		if (!key_byte(*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

/* "key: "value"\n" when value is set. */
static void field_str(struct nc_buf *b, const char *key, const char *value)
{
	if (!value)
		return;
	nc_buf_printf(b, "%s: ", key);
	yaml_str(b, value);
	nc_buf_putc(b, '\n');
}

/* "key: [a, b]\n" */
static void field_list(struct nc_buf *b, const char *key, const struct nc_strlist *l)
{
	nc_buf_printf(b, "%s: ", key);
	yaml_list(b, l);
	nc_buf_putc(b, '\n');
}

/* The front matter's other fields, as read, unless a normalised field
 * above already says it. */
static void extra_fields(struct nc_buf *b, const struct nc_meta *m)
{
	static const char *const taken[] = {"title", "author", "date", "date_original", "updated",
					    "lang", "categories", "tags", "cover", "description",
					    "source", NULL};
	for (size_t i = 0; i < m->nextra; i++) {
		const char *k = m->extra[i].key;
		bool clash = false;
		for (const char *const *t = taken; *t; t++)
			if (!strcmp(*t, k))
				clash = true;
		if (clash)
			continue;
		if (key_plain(k))
			nc_buf_puts(b, k);
		else
			yaml_str(b, k);
		nc_buf_puts(b, ": ");
		if (yaml_plain_ok(m->extra[i].value))
			nc_buf_puts(b, m->extra[i].value);
		else
			yaml_str(b, m->extra[i].value);
		nc_buf_putc(b, '\n');
	}
}

static void front_matter(struct nc_buf *b, const struct nc_meta *m)
{
	nc_buf_puts(b, "---\n");
	field_str(b, "title", m->title ? m->title : "");
	if (m->authors.len == 1)
		field_str(b, "author", m->authors.items[0]);
	else if (m->authors.len > 1)
		field_list(b, "author", &m->authors);
	field_str(b, "date", m->date ? m->date : m->date_raw);
	if (m->date && m->date_raw && strcmp(m->date, m->date_raw))
		field_str(b, "date_original", m->date_raw);
	field_str(b, "updated", m->updated ? m->updated : m->updated_raw);
	field_str(b, "lang", m->language);
	if (m->ncategories == 1) {
		field_list(b, "categories", &m->categories[0]);
	} else if (m->ncategories > 1) {
		nc_buf_puts(b, "categories:\n");
		for (size_t i = 0; i < m->ncategories; i++) {
			nc_buf_puts(b, "  - ");
			yaml_list(b, &m->categories[i]);
			nc_buf_putc(b, '\n');
		}
	}
	if (m->tags.len)
		field_list(b, "tags", &m->tags);
	field_str(b, "cover", m->cover);
	field_str(b, "description", m->description);
	field_str(b, "source", m->source_url);
	extra_fields(b, m);
	nc_buf_puts(b, "---\n\n");
}

/* ---- entry ------------------------------------------------------------- */

/* "dir/name.md" -> link "name_files", path "dir/name_files". */
static void files_dir(struct md *m, const char *out)
{
	const char *base = strrchr(out, '/');
	base = base ? base + 1 : out;
	size_t stem = strlen(base);
	const char *dot = strrchr(base, '.');
	if (dot && dot != base)
		stem = (size_t)(dot - base);
	struct nc_buf link = {0}, path = {0};
	nc_buf_put(&link, base, stem);
	nc_buf_puts(&link, "_files");
	nc_buf_put(&path, out, (size_t)(base - out));
	nc_buf_puts(&path, link.data ? link.data : "");
	m->files_dir = nc_buf_detach(&link, NULL);
	m->files_path = nc_buf_detach(&path, NULL);
}

static int md_begin(struct nc_writer *w, struct nc_err *err)
{
	struct md *m = calloc(1, sizeof *m);
	if (!m)
		return nc_err_set(err, NC_ERR_NOMEM, "-", "out of memory");
	m->o = &w->opts;
	m->writer = w;
	if (w->opts.output_path)
		files_dir(m, w->opts.output_path);
	w->state = m;
	return NC_OK;
}

/* A digest's group heading, "# Name", before the first article of each
 * section: rendered from a heading node, so the name is escaped as any
 * heading text is. */
static void section_heading(struct md *m, const struct nc_doc *d)
{
	const char *s = d->meta.section;
	if (!m->o->digest || !m->o->digest->grouped || !s || (m->section && !strcmp(m->section, s)))
		return;
	if (nc_set_str(&m->section, s)) {
		m->rc = NC_ERR_NOMEM;
		return;
	}
	struct nc_node *root = nc_node_new(NC_NODE_DOCUMENT);
	struct nc_node *h = nc_node_new(NC_NODE_HEADING);
	struct nc_node *t = nc_node_new(NC_NODE_TEXT);
	if (!root || !h || !t || nc_node_set_text(t, s, strlen(s))) {
		m->rc = NC_ERR_NOMEM;
	} else {
		h->as.heading.level = 1;
		nc_node_append(h, t);
		nc_node_append(root, h);
		h = t = NULL;
		render_blocks(m, root);
		nc_buf_puts(&m->out, "\n");
	}
	nc_node_free(t);
	nc_node_free(h);
	nc_node_free(root);
}

/* Several articles in one Markdown stream are separated by a blank line. */
static int md_add(struct nc_writer *w, struct nc_doc *d, struct nc_err *err)
{
	struct md *m = w->state;
	nc_buf_truncate(&m->out, 0);
	if (w->ndocs)
		nc_buf_puts(&m->out, "\n");
	section_heading(m, d);
	front_matter(&m->out, &d->meta);
	render_blocks(m, d->root);
	m->ntrims = 0;
	if (!m->rc && m->out.oom)
		m->rc = NC_ERR_NOMEM;
	if (m->rc)
		return nc_err_set(err, m->rc, d->source_name, "out of memory");
	return nc_writer_put(w, m->out.data, m->out.len, err);
}

static int md_finish(struct nc_writer *w, struct nc_err *err)
{
	(void)w;
	(void)err;
	return NC_OK;
}

static void md_free(struct nc_writer *w)
{
	struct md *m = w->state;
	if (!m)
		return;
	nc_buf_free(&m->out);
	free(m->files_dir);
	free(m->files_path);
	free(m->section);
	free(m->trims);
	nc_map_free(&m->sides);
	free(m);
	w->state = NULL;
}

const struct nc_format nc_format_md = {
	.name = "md",
	.extension = ".md",
	.many_in_one = false,
	.begin = md_begin,
	.add = md_add,
	.finish = md_finish,
	.free = md_free,
};
