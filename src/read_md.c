/*
 * read_md.c - front-matter Markdown posts (Hexo, Jekyll, Hugo) into a
 * document: YAML "---" / JSON ";;;" front matter through frontmatter.c,
 * TOML "+++" through a small line-by-line reader here, then a CommonMark
 * + GFM body parsed by cmark-gfm (tables, strikethrough, autolinks, task
 * lists, footnotes).
 *
 * The body goes straight from cmark's tree into the model, walked with
 * cmark's iterator (no recursion).  Raw HTML takes the HTML reader's
 * path: an HTML block is parsed by nc_html_read() and its nodes grafted
 * in place; a paragraph or heading holding inline HTML (<sub>, <kbd>,
 * <span style>) is rendered by cmark_render_html() and read the same
 * way, because its tags only mean something together.  So Markdown
 * keeps its exact structure (list starts, code info, table alignment),
 * and HTML gets the one HTML reader the project has.
 *
 * Template tags ({% ... %}, {{< ... >}}, {{% ... %}}) are not expanded:
 * they stay as text, and the document gets one warning naming the first.
 *
 * cmark-gfm aborts the process when an allocation fails (its default
 * allocator); everything allocated here is checked.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <yaml.h>

#include "newsconv.h"
#include "charset.h"
#include "frontmatter.h"
#include "read.h"
#include "read_md_detect.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/text.h"

/* Model depth the Markdown side builds (grafted HTML adds its own,
 * bounded by read_html.c); deeper containers are unwrapped. */
#define MD_MAX_DEPTH (NC_MAX_TREE_DEPTH / 2)

/* ---- TOML front matter ------------------------------------------------------ */

struct toml {
	struct nc_doc *d;
	yaml_document_t doc;
	int map;
	const char *name;
	struct nc_err *err;
	size_t bad_line;    /* first line not understood (1-based), 0: none */
	size_t unclosed_line; /* first array left open (1-based), 0: none */
};

static int toml_scalar(struct toml *tm, const char *s, size_t n, int *id)
{
	char *c = strndup(s, n);
	if (!c)
		return nc_err_set(tm->err, NC_ERR_NOMEM, tm->name, "out of memory");
	/* libyaml takes UTF-8 only; the text was converted, escapes are
	 * encoded below, so this holds unless the bytes lied. */
	if (!nc_utf8_valid(c, strlen(c))) {
		free(c);
		c = strdup("\xef\xbf\xbd");
		if (!c)
			return nc_err_set(tm->err, NC_ERR_NOMEM, tm->name, "out of memory");
	}
	*id = yaml_document_add_scalar(&tm->doc, NULL, (yaml_char_t *)c, -1, YAML_PLAIN_SCALAR_STYLE);
	free(c);
	if (!*id)
		return nc_err_set(tm->err, NC_ERR_NOMEM, tm->name, "out of memory");
	return NC_OK;
}

static unsigned hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return 16;
}

/* A TOML string starting at p[0] (a quote), up to `end`: its value goes
 * into *out, and *stop gets the offset just past it.  Basic strings
 * ("...", """...""") take escapes; literal ones ('...', '''...''') do
 * not.  An unterminated string takes the rest of the line. */
static int toml_string(const char *p, const char *end, struct nc_buf *out, const char **stop)
{
	char q = p[0];
	bool multi = end - p >= 3 && p[1] == q && p[2] == q;
	const char *s = p + (multi ? 3 : 1);
	if (multi && s < end && *s == '\n')
		s++;
	else if (multi && end - s >= 2 && s[0] == '\r' && s[1] == '\n')
		s += 2;
	while (s < end) {
		if (multi ? (end - s >= 3 && s[0] == q && s[1] == q && s[2] == q) : *s == q) {
			*stop = s + (multi ? 3 : 1);
			return out->oom ? NC_ERR_NOMEM : NC_OK;
		}
		if (!multi && (*s == '\n' || *s == '\r'))
			break;
		if (q == '"' && *s == '\\' && s + 1 < end) {
			char e = s[1];
			s += 2;
			switch (e) {
			case 'n': nc_buf_putc(out, '\n'); break;
			case 't': nc_buf_putc(out, '\t'); break;
			case 'r': nc_buf_putc(out, '\r'); break;
			case 'b': case 'f': break;
			case 'u': case 'U': {
				int digits = e == 'u' ? 4 : 8;
				unsigned cp = 0;
				int i;
				for (i = 0; i < digits && s + i < end && hexval(s[i]) < 16; i++)
					cp = cp * 16 + hexval(s[i]);
				s += i;
				if (i < digits || cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
					cp = 0xfffd;
				char u[4];
				nc_buf_put(out, u, (size_t)nc_utf8_encode(cp, u));
				break;
			}
			case '\n': case '\r': case ' ': case '\t':
				/* line-ending backslash: trim the break and leading space */
				while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
					s++;
				break;
			default: nc_buf_putc(out, e); break;
			}
			continue;
		}
		nc_buf_putc(out, *s);
		s++;
	}
	*stop = s;
	return out->oom ? NC_ERR_NOMEM : NC_OK;
}

/* A line that opens with `key =` (bare or dotted key): inside an array
 * it cannot be, so an array still open there was never closed. */
static bool toml_key_line(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	const char *k = s;
	while (s < end && (isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
		s++;
	if (s == k)
		return false;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s < end && *s == '=';
}

/* Where the value starting at p ends: the end of its line, or for an
 * array or multi-line string, past its close (whatever lines it spans).
 * An array not closed before a line holding the next key ends at that
 * line, with *unclosed set (input row 32).  Linear: one pass, aware of
 * strings and comments. */
static const char *toml_value_end(const char *p, const char *end, bool *unclosed)
{
	*unclosed = false;
	if (end - p >= 3 && (!memcmp(p, "\"\"\"", 3) || !memcmp(p, "'''", 3))) {
		const char *s = p + 3;
		while (end - s >= 3 && memcmp(s, p, 3) != 0)
			s += (*s == '\\' && p[0] == '"' && end - s > 1) ? 2 : 1;
		s = end - s >= 3 ? s + 3 : end;
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		return nl ? nl : end;
	}
	if (*p != '[') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		return nl ? nl : end;
	}
	size_t depth = 0, braces = 0;
	const char *s = p;
	while (s < end) {
		char c = *s;
		if (c == '"' || c == '\'') {
			struct nc_buf dummy = {0};
			const char *stop;
			toml_string(s, end, &dummy, &stop);
			nc_buf_free(&dummy);
			s = stop > s ? stop : s + 1;
			continue;
		}
		if (c == '#') {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			s = nl ? nl : end;
			continue;
		}
		if (c == '{')
			braces++;
		else if (c == '}' && braces)
			braces--;
		else if (c == '\n' && !braces && toml_key_line(s + 1, end)) {
			*unclosed = true;
			return s;
		}
		if (c == '[')
			depth++;
		else if (c == ']' && depth && --depth == 0) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			return nl ? nl : end;
		}
		s++;
	}
	return end;
}

/* The items of an array value [p, e) into sequence `seq`: strings and
 * bare values (numbers, dates); nested arrays are flattened, inline
 * tables kept as their text. */
static int toml_array(struct toml *tm, const char *p, const char *e, int seq)
{
	struct nc_buf v = {0};
	int rc = NC_OK;
	const char *s = p + 1;
	while (s < e && rc == NC_OK) {
		char c = *s;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '[' || c == ']') {
			s++;
			continue;
		}
		if (c == '#') {
			const char *nl = memchr(s, '\n', (size_t)(e - s));
			s = nl ? nl : e;
			continue;
		}
		const char *stop;
		nc_buf_truncate(&v, 0);
		if (c == '"' || c == '\'') {
			rc = toml_string(s, e, &v, &stop);
		} else if (c == '{') {
			const char *close = memchr(s, '}', (size_t)(e - s));
			stop = close ? close + 1 : e;
			nc_buf_put(&v, s, (size_t)(stop - s));
		} else {
			stop = s;
			while (stop < e && !strchr(",]#\n\r", *stop))
				stop++;
			size_t n = (size_t)(stop - s);
			while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
				n--;
			nc_buf_put(&v, s, n);
		}
		if (rc == NC_OK && v.oom)
			rc = NC_ERR_NOMEM;
		if (rc != NC_OK)
			break;
		int id;
		if ((rc = toml_scalar(tm, v.data ? v.data : "", v.len, &id)) != NC_OK)
			break;
		if (!yaml_document_append_sequence_item(&tm->doc, seq, id))
			rc = NC_ERR_NOMEM;
		s = stop > s ? stop : s + 1;
	}
	nc_buf_free(&v);
	if (rc == NC_ERR_NOMEM && !tm->err->code)
		nc_err_set(tm->err, NC_ERR_NOMEM, tm->name, "out of memory");
	return rc;
}

/* One `key = value`: key [k, kn), value [v, ve). */
static int toml_pair(struct toml *tm, const char *prefix, const char *k, size_t kn,
		     const char *v, const char *ve)
{
	struct nc_buf key = {0}, val = {0};
	int rc = NC_OK, kid, vid = 0;
	nc_buf_puts(&key, prefix);
	/* Quoted key parts lose their quotes: "a"."b" -> a.b */
	for (size_t i = 0; i < kn; i++)
		if (k[i] != '"' && k[i] != '\'' && k[i] != ' ' && k[i] != '\t')
			nc_buf_putc(&key, k[i]);
	if (key.oom)
		goto nomem;
	if ((rc = toml_scalar(tm, key.data ? key.data : "", key.len, &kid)) != NC_OK)
		goto out;
	if (v < ve && *v == '[') {
		if (!(vid = yaml_document_add_sequence(&tm->doc, NULL, YAML_FLOW_SEQUENCE_STYLE)))
			goto nomem;
		if ((rc = toml_array(tm, v, ve, vid)) != NC_OK)
			goto out;
	} else {
		if (v < ve && (*v == '"' || *v == '\'')) {
			const char *stop;
			if (toml_string(v, ve, &val, &stop) != NC_OK)
				goto nomem;
		} else {
			/* bare: number, boolean, date, inline table; a comment ends it */
			size_t n = (size_t)(ve - v);
			if (*v != '{') {
				const char *hash = memchr(v, '#', n);
				if (hash)
					n = (size_t)(hash - v);
			}
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
				n--;
			nc_buf_put(&val, v, n);
		}
		if (val.oom)
			goto nomem;
		if ((rc = toml_scalar(tm, val.data ? val.data : "", val.len, &vid)) != NC_OK)
			goto out;
	}
	if (!yaml_document_append_mapping_pair(&tm->doc, tm->map, kid, vid))
		goto nomem;
out:
	nc_buf_free(&key);
	nc_buf_free(&val);
	return rc;
nomem:
	rc = nc_err_set(tm->err, NC_ERR_NOMEM, tm->name, "out of memory");
	goto out;
}

/* TOML front matter, line by line: `key = value`, [table] and
 * [[array.of.tables]] headers (their keys become "table.key"), strings,
 * arrays of strings, dates and other bare values.  A line it cannot
 * read is skipped with one warning, like invalid YAML. */
/* "[table]" or "[[table]]": the prefix of the keys that follow ("a.b."). */
static int toml_table(struct toml *tm, const char *line, size_t i, size_t n, size_t lineno,
		      struct nc_buf *prefix)
{
	size_t a = i;
	while (a < n && line[a] == '[')
		a++;
	size_t b = a;
	while (b < n && line[b] != ']')
		b++;
	if (b == n) {
		if (!tm->bad_line)
			tm->bad_line = lineno;
		return NC_OK;
	}
	nc_buf_truncate(prefix, 0);
	for (size_t j = a; j < b; j++)
		if (line[j] != '"' && line[j] != '\'' && line[j] != ' ' && line[j] != '\t')
			nc_buf_putc(prefix, line[j]);
	if (prefix->len)
		nc_buf_putc(prefix, '.');
	return prefix->oom ? nc_err_set(tm->err, NC_ERR_NOMEM, tm->name, "out of memory") : NC_OK;
}

/* Where the '=' of "key = value" is, past quoted parts of the key; n
 * when there is none (an unclosed quote stops the search where it is). */
static size_t toml_equals(const char *line, size_t i, size_t n)
{
	size_t k = i;
	while (k < n && line[k] != '=') {
		if (line[k] == '"' || line[k] == '\'') {
			const char *close = memchr(line + k + 1, line[k], n - k - 1);
			if (!close)
				break;
			k = (size_t)(close - line);
		}
		k++;
	}
	return k;
}

static int read_toml(struct nc_doc *d, const char *text, size_t len, struct nc_err *err)
{
	struct toml tm = { .d = d, .name = d->source_name ? d->source_name : "-", .err = err };
	if (!yaml_document_initialize(&tm.doc, NULL, NULL, NULL, 1, 1))
		return nc_err_set(err, NC_ERR_NOMEM, tm.name, "out of memory");
	struct nc_buf prefix = {0};
	int rc = NC_OK;
	if (!(tm.map = yaml_document_add_mapping(&tm.doc, NULL, YAML_BLOCK_MAPPING_STYLE))) {
		rc = nc_err_set(err, NC_ERR_NOMEM, tm.name, "out of memory");
		goto out;
	}
	const char *p = text, *end = text + len;
	size_t lineno = 0;
	while (p < end && rc == NC_OK) {
		lineno++;
		const char *next;
		size_t n = nc_md_line_len(p, end, &next);
		const char *line = p;
		p = next;
		size_t i = 0;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == n || line[i] == '#')
			continue;
		if (line[i] == '[') {
			rc = toml_table(&tm, line, i, n, lineno, &prefix);
			continue;
		}
		/* key = value; the key may be quoted or dotted */
		size_t k = toml_equals(line, i, n);
		size_t kn = k;
		while (kn > i && (line[kn - 1] == ' ' || line[kn - 1] == '\t'))
			kn--;
		if (k >= n || kn == i) {
			if (!tm.bad_line)
				tm.bad_line = lineno;
			continue;
		}
		const char *v = line + k + 1;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		bool unclosed = false;
		const char *ve = v < end ? toml_value_end(v, end, &unclosed) : end;
		if (unclosed && !tm.unclosed_line)
			tm.unclosed_line = lineno;
		if (ve > line + n) {
			/* the value spans lines: count them, continue after it */
			for (const char *q = line + n; q < ve; q++)
				if (*q == '\n')
					lineno++;
			p = ve < end ? ve + 1 : end;
		}
		rc = toml_pair(&tm, prefix.data ? prefix.data : "", line + i, kn - i, v, ve);
	}
	if (rc == NC_OK && tm.unclosed_line &&
	    nc_doc_warn(d, "TOML front matter line %zu: an array is not closed; read up to the next key",
			tm.unclosed_line) != NC_OK)
		rc = nc_err_set(err, NC_ERR_NOMEM, tm.name, "out of memory");
	if (rc == NC_OK && tm.bad_line &&
	    nc_doc_warn(d, "TOML front matter line %zu is not `key = value` or a [table]; skipped", tm.bad_line) != NC_OK)
		rc = nc_err_set(err, NC_ERR_NOMEM, tm.name, "out of memory");
	if (rc == NC_OK)
		rc = nc_frontmatter_apply(d, &tm.doc, err);
out:
	nc_buf_free(&prefix);
	yaml_document_delete(&tm.doc);
	return rc;
}

/* The front matter of `text` into d; *body gets the offset of the body. */
static int read_front_matter(struct nc_doc *d, const char *text, size_t len,
			     size_t *body, struct nc_err *err)
{
	const char *name = d->source_name;
	size_t b, fs, fe;
	enum nc_md_fm st = nc_md_split_fm(text, len, &fs, &fe, &b);
	*body = 0;
	if (st == NC_MD_FM_TOML) {
		size_t n = fe - fs;
		if (!(d->meta.fm_raw = strndup(text + fs, n)))
			return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		d->meta.fm_kind = NC_FM_TOML;
		*body = b;
		return read_toml(d, d->meta.fm_raw, n, err);
	}
	if (st == NC_MD_FM_HEXO_BARE) {
		/* Hexo reads front matter ended by "---" without an opening
		 * one; give frontmatter.c the form it knows. */
		struct nc_buf t = {0};
		nc_buf_puts(&t, "---\n");
		nc_buf_put(&t, text + fs, b - fs);
		if (t.oom) {
			nc_buf_free(&t);
			return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		}
		size_t off;
		int rc = nc_frontmatter_parse(d, t.data, t.len, &off, err);
		nc_buf_free(&t);
		*body = b;
		return rc;
	}
	return nc_frontmatter_parse(d, text, len, body, err);
}

/* ---- the body: cmark-gfm tree -> model ----------------------------------- */

static pthread_once_t ext_once = PTHREAD_ONCE_INIT;
static void ext_register(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

struct md {
	struct nc_doc *d;
	const char *name;
	struct nc_err *err;
	int rc;
	int options;
	cmark_llist *exts;          /* the parser's, for rendering */
	struct nc_node *cur;        /* where children go */
	int depth;                  /* containers open in the model */
	uint8_t *aligns;            /* of the current table */
	uint16_t ncols, col;
	bool header_row;
	const char *task;           /* "[x] " for the next paragraph of a task item */
	struct nc_buf text;         /* text not yet in a node (cmark splits it) */
	struct nc_node *text_parent;
	struct nc_map fn_numbers;   /* footnote label -> number (first reference) */
	size_t nfn;
	struct nc_node *fn_list;    /* the list of footnote definitions */
	int fn_line;                /* first line of the added reference paragraph, 0: none */
};

static int oom(struct md *m)
{
	if (!m->rc)
		m->rc = nc_err_set(m->err, NC_ERR_NOMEM, m->name, "out of memory");
	return m->rc;
}

static void flush_text(struct md *m);
static void leave(struct md *m, cmark_node *c);

static struct nc_node *add_node(struct md *m, enum nc_node_type type)
{
	flush_text(m);
	struct nc_node *n = nc_node_new(type);
	if (!n) {
		oom(m);
		return NULL;
	}
	nc_node_append(m->cur, n);
	return n;
}

/* Put the pending text into one text node. */
static void flush_text(struct md *m)
{
	if (!m->text_parent)
		return;
	if (m->text.oom) {
		oom(m);
	} else if (m->text.len) {
		struct nc_node *n = nc_node_new(NC_NODE_TEXT);
		if (!n || nc_node_set_text(n, m->text.data, m->text.len)) {
			nc_node_free(n);
			oom(m);
		} else {
			nc_node_append(m->text_parent, n);
		}
	}
	nc_buf_truncate(&m->text, 0);
	m->text_parent = NULL;
}

/* Text into the current node: runs that cmark split (at every special
 * character) are gathered in a buffer and become one node. */
static void add_text(struct md *m, const char *s, size_t len)
{
	if (m->text_parent != m->cur)
		flush_text(m);
	m->text_parent = m->cur;
	nc_buf_put(&m->text, s, len);
}

/* Open a container for cmark node `c`, unless too deep (then its
 * children go to the current node: text is never dropped). */
static struct nc_node *open_node(struct md *m, cmark_node *c, enum nc_node_type type)
{
	if (m->depth >= MD_MAX_DEPTH)
		return NULL;
	struct nc_node *n = add_node(m, type);
	if (!n)
		return NULL;
	cmark_node_set_user_data(c, n);
	m->cur = n;
	m->depth++;
	return n;
}

/* Parse HTML with the HTML reader and put its nodes at the current
 * place. */
static void graft_html(struct md *m, const char *html, size_t len)
{
	flush_text(m);
	if (m->rc || !len)
		return;
	struct nc_doc *t = nc_doc_new();
	if (!t || nc_set_str(&t->source_name, m->name)) {
		nc_doc_free(t);
		oom(m);
		return;
	}
	t->meta.fm_kind = NC_FM_YAML; /* a fragment: no <head> metadata */
	int rc = nc_html_read(t, html, len, m->err);
	if (rc) {
		m->rc = rc;
		nc_doc_free(t);
		return;
	}
	for (size_t i = 0; i < t->nwarnings; i++)
		if (nc_doc_warn(m->d, "%s", t->warnings[i]) != NC_OK)
			oom(m);
	struct nc_node *c;
	while ((c = t->root->first_child)) {
		nc_node_unlink(c);
		nc_node_append(m->cur, c);
	}
	nc_doc_free(t);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Inside a paragraph or heading: turn HTML that is really a template
 * tag ({{<youtube id>}}: cmark sees the tag <youtube id>) back into
 * text, and say whether real inline HTML remains. */
static bool fix_inline_html(struct md *m, cmark_node *block)
{
	bool html = false;
	cmark_iter *it = cmark_iter_new(block);
	cmark_node *pending = NULL; /* freed once the iterator has left it */
	cmark_event_type ev;
	if (!it) {
		oom(m);
		return false;
	}
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (pending && pending != c) {
			cmark_node_free(pending);
			pending = NULL;
		}
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(c) != CMARK_NODE_HTML_INLINE)
			continue;
		cmark_node *prev = cmark_node_previous(c);
		const char *pl = prev && cmark_node_get_type(prev) == CMARK_NODE_TEXT ? cmark_node_get_literal(prev) : NULL;
		if (!pl || !ends_with(pl, "{{")) {
			html = true;
			continue;
		}
		cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
		if (!t || !cmark_node_set_literal(t, cmark_node_get_literal(c)) || !cmark_node_insert_before(c, t)) {
			if (t)
				cmark_node_free(t);
			oom(m);
			break;
		}
		/* leave c in the tree until the iterator moves on */
		pending = c;
	}
	cmark_iter_free(it);
	if (pending)
		cmark_node_free(pending);
	return html;
}

/* Footnote number of a label, given by the order of first reference
 * (the order cmark-gfm lists the definitions in). */
static size_t footnote_number(struct md *m, const char *label)
{
	void *v = nc_map_get_str(&m->fn_numbers, label);
	if (v)
		return (size_t)(uintptr_t)v;
	if (nc_map_put_str(&m->fn_numbers, label, (void *)(uintptr_t)(m->nfn + 1)) != NC_OK)
		return oom(m), 0;
	return ++m->nfn;
}

/* All text under `c` (an image's alt), without recursion. */
static char *plain_text(struct md *m, cmark_node *c)
{
	struct nc_buf b = {0};
	cmark_iter *it = cmark_iter_new(c);
	cmark_event_type ev;
	if (!it) {
		oom(m);
		return NULL;
	}
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || n == c)
			continue;
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
			nc_buf_puts(&b, cmark_node_get_literal(n));
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			nc_buf_putc(&b, ' ');
	}
	cmark_iter_free(it);
	if (b.oom) {
		nc_buf_free(&b);
		oom(m);
		return NULL;
	}
	char *s = nc_buf_detach(&b, NULL);
	if (!s && !(s = strdup("")))
		oom(m);
	return s;
}

/* Footnote references inside a block rendered as HTML become
 * "<sup>[n]</sup>" with this reader's numbers, so the numbering runs on
 * in order through such blocks (input row 20). */
static void footnote_refs_as_html(struct md *m, cmark_node *block)
{
	cmark_iter *it = cmark_iter_new(block);
	cmark_node *pending = NULL; /* freed once the iterator has left it */
	cmark_event_type ev;
	if (!it) {
		oom(m);
		return;
	}
	while (!m->rc && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (pending && pending != c) {
			cmark_node_free(pending);
			pending = NULL;
		}
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(c) != CMARK_NODE_FOOTNOTE_REFERENCE)
			continue;
		const char *lit = cmark_node_get_literal(c);
		size_t k = footnote_number(m, lit ? lit : "");
		char html[48];
		snprintf(html, sizeof html, "<sup>[%zu]</sup>", k);
		cmark_node *h = cmark_node_new(CMARK_NODE_HTML_INLINE);
		if (!h || !cmark_node_set_literal(h, html) || !cmark_node_insert_before(c, h)) {
			if (h)
				cmark_node_free(h);
			oom(m);
			break;
		}
		pending = c;
	}
	cmark_iter_free(it);
	if (pending)
		cmark_node_free(pending);
}

/* Render one block (with its inline HTML) as HTML and graft it. */
static void block_as_html(struct md *m, cmark_node *c)
{
	footnote_refs_as_html(m, c);
	if (m->rc)
		return;
	char *html = cmark_render_html(c, m->options, m->exts);
	if (!html) {
		oom(m);
		return;
	}
	graft_html(m, html, strlen(html));
	free(html);
}

/* ---- enter(): one function per kind of cmark node ----------------------- */

static void enter_list(struct md *m, cmark_node *c)
{
	struct nc_node *n = open_node(m, c, NC_NODE_LIST);
	if (n) {
		n->as.list.ordered = cmark_node_get_list_type(c) == CMARK_ORDERED_LIST;
		n->as.list.start = n->as.list.ordered ? cmark_node_get_list_start(c) : 1;
		n->as.list.tight = cmark_node_get_list_tight(c); /* input row 28 */
	}
}

static void enter_code_block(struct md *m, cmark_node *c)
{
	struct nc_node *n = add_node(m, NC_NODE_CODE_BLOCK);
	if (!n)
		return;
	const char *lit = cmark_node_get_literal(c);
	size_t len = lit ? strlen(lit) : 0;
	if (len && lit[len - 1] == '\n')
		len--;
	const char *info = cmark_node_get_fence_info(c);
	if (nc_node_set_text(n, lit ? lit : "", len) ||
	    (info && *info && nc_set_str(&n->as.code_block.info, info)))
		oom(m);
}

/* A task list item's box, at the start of its first paragraph. */
static void put_task(struct md *m)
{
	if (m->task) {
		add_text(m, m->task, strlen(m->task));
		m->task = NULL;
	}
}

/* A paragraph or heading; one holding raw HTML goes through the HTML
 * reader whole (and its children are skipped). */
static void enter_text_block(struct md *m, cmark_iter *it, cmark_node *c, cmark_node_type t)
{
	if (fix_inline_html(m, c)) {
		put_task(m);
		block_as_html(m, c);
		cmark_iter_reset(it, c, CMARK_EVENT_EXIT);
		return;
	}
	struct nc_node *n = open_node(m, c, t == CMARK_NODE_HEADING ? NC_NODE_HEADING : NC_NODE_PARAGRAPH);
	if (n && t == CMARK_NODE_HEADING)
		n->as.heading.level = cmark_node_get_heading_level(c);
	put_task(m);
}

/* At the end of the document (cmark-gfm moves them there, in order of
 * reference): one ordered list after a rule. */
static void enter_footnote(struct md *m, cmark_node *c)
{
	struct nc_node *keep = m->cur;
	if (!m->fn_list) {
		m->cur = m->d->root;
		if (!add_node(m, NC_NODE_THEMATIC_BREAK) || !(m->fn_list = add_node(m, NC_NODE_LIST))) {
			m->cur = keep;
			return;
		}
		m->fn_list->as.list.ordered = true;
		m->fn_list->as.list.start = 1;
	}
	m->cur = m->fn_list;
	if (!open_node(m, c, NC_NODE_ITEM))
		m->cur = keep;
}

/* A literal as a leaf of `type` (inline code). */
static void add_literal(struct md *m, cmark_node *c, enum nc_node_type type)
{
	struct nc_node *n = add_node(m, type);
	const char *lit = cmark_node_get_literal(c);
	if (n && nc_node_set_text(n, lit ? lit : "", lit ? strlen(lit) : 0))
		oom(m);
}

static void enter_link(struct md *m, cmark_node *c)
{
	struct nc_node *n = open_node(m, c, NC_NODE_LINK);
	const char *title = cmark_node_get_title(c);
	if (n && (nc_set_str(&n->as.link.url, cmark_node_get_url(c)) ||
		  (title && *title && nc_set_str(&n->as.link.title, title))))
		oom(m);
}

/* An image: its alt is the plain text of its children (skipped). */
static void enter_image(struct md *m, cmark_iter *it, cmark_node *c)
{
	struct nc_node *n = add_node(m, NC_NODE_IMAGE);
	if (n) {
		const char *title = cmark_node_get_title(c);
		n->as.image.alt = plain_text(m, c);
		if (nc_set_str(&n->as.image.url, cmark_node_get_url(c)) ||
		    (title && *title && nc_set_str(&n->as.image.title, title)))
			oom(m);
	}
	cmark_iter_reset(it, c, CMARK_EVENT_EXIT);
}

/* A footnote reference: its number, superscript, "[2]". */
static void enter_footnote_ref(struct md *m, cmark_node *c)
{
	const char *lit = cmark_node_get_literal(c);
	size_t k = footnote_number(m, lit ? lit : "");
	struct nc_node *n = k ? add_node(m, NC_NODE_SUP) : NULL;
	if (!n)
		return;
	char num[24];
	int len = snprintf(num, sizeof num, "[%zu]", k);
	struct nc_node *keep = m->cur;
	m->cur = n;
	add_text(m, num, (size_t)len);
	flush_text(m);
	m->cur = keep;
}

/* A GFM cell holding raw HTML: a cell cannot hold blocks, so posts put
 * a list in one as "<ul><li>actual</li><li><a href>Otros</a></li></ul>",
 * or break its line with "<br>".  Those tags only mean something
 * together (dropped one by one, "actual" and "Otros" ran into one word
 * and the link was lost, issue 19), so the cell's content goes through
 * the HTML reader whole, as a paragraph's does.  A lone paragraph that
 * comes back is unwrapped: the cell is shaped as any GFM cell.  False
 * when the cell holds no HTML. */
static bool cell_as_html(struct md *m, cmark_node *c)
{
	if (!fix_inline_html(m, c))
		return false;
	footnote_refs_as_html(m, c);
	struct nc_buf html = {0};
	for (cmark_node *k = cmark_node_first_child(c); k && !m->rc; k = cmark_node_next(k)) {
		char *s = cmark_render_html(k, m->options, m->exts);
		if (!s) {
			oom(m);
			break;
		}
		nc_buf_puts(&html, s);
		free(s);
	}
	if (html.oom)
		oom(m);
	else if (!m->rc)
		graft_html(m, html.data, html.len);
	nc_buf_free(&html);
	struct nc_node *cell = m->cur, *p = cell->first_child, *k;
	if (!m->rc && cell->type == NC_NODE_TABLE_CELL && p && !p->next && p->type == NC_NODE_PARAGRAPH) {
		while ((k = p->first_child)) {
			nc_node_unlink(k);
			nc_node_append(cell, k);
		}
		nc_node_free(p);
	}
	return true;
}

static void enter_cell(struct md *m, cmark_iter *it, cmark_node *c)
{
	struct nc_node *n = open_node(m, c, NC_NODE_TABLE_CELL);
	if (n) {
		uint8_t a = m->aligns && m->col < m->ncols ? m->aligns[m->col] : 0;
		n->as.cell.header = m->header_row;
		n->as.cell.align = a == 'l' ? NC_ALIGN_LEFT : a == 'c' ? NC_ALIGN_CENTER :
				   a == 'r' ? NC_ALIGN_RIGHT : NC_ALIGN_NONE;
		n->as.cell.colspan = n->as.cell.rowspan = 1;
	}
	m->col++;
	if (cell_as_html(m, c)) {
		/* its children are read: skip them, and leave the cell here
		 * (the iterator goes on after its exit event) */
		cmark_iter_reset(it, c, CMARK_EVENT_EXIT);
		leave(m, c);
	}
}

/* Extension nodes: tables and strikethrough; anything else (custom
 * nodes) only passes its children on. */
static void enter_extension(struct md *m, cmark_iter *it, cmark_node *c)
{
	const char *ts = cmark_node_get_type_string(c);
	if (strcmp(ts, "table") == 0) {
		m->ncols = cmark_gfm_extensions_get_table_columns(c);
		m->aligns = cmark_gfm_extensions_get_table_alignments(c);
		open_node(m, c, NC_NODE_TABLE);
	} else if (strcmp(ts, "table_row") == 0 || strcmp(ts, "table_header") == 0) {
		m->col = 0;
		m->header_row = cmark_gfm_extensions_get_table_row_is_header(c);
		struct nc_node *n = open_node(m, c, NC_NODE_TABLE_ROW);
		if (n)
			n->as.row.header = m->header_row;
	} else if (strcmp(ts, "table_cell") == 0) {
		enter_cell(m, it, c);
	} else if (strcmp(ts, "strikethrough") == 0) {
		open_node(m, c, NC_NODE_STRIKE);
	}
}

static void enter(struct md *m, cmark_iter *it, cmark_node *c)
{
	cmark_node_type t = cmark_node_get_type(c);
	const char *lit;
	switch (t) {
	case CMARK_NODE_NONE:
	case CMARK_NODE_DOCUMENT:
	case CMARK_NODE_CUSTOM_BLOCK:
	case CMARK_NODE_CUSTOM_INLINE:
		break; /* custom nodes: their children go on */
	case CMARK_NODE_BLOCK_QUOTE:
		open_node(m, c, NC_NODE_BLOCKQUOTE);
		break;
	case CMARK_NODE_LIST:
		enter_list(m, c);
		break;
	case CMARK_NODE_ITEM:
		open_node(m, c, NC_NODE_ITEM);
		if (strcmp(cmark_node_get_type_string(c), "tasklist") == 0)
			m->task = cmark_gfm_extensions_get_tasklist_item_checked(c) ? "[x] " : "[ ] ";
		break;
	case CMARK_NODE_CODE_BLOCK:
		enter_code_block(m, c);
		break;
	case CMARK_NODE_HTML_BLOCK:
		lit = cmark_node_get_literal(c);
		graft_html(m, lit ? lit : "", lit ? strlen(lit) : 0);
		break;
	case CMARK_NODE_PARAGRAPH:
		if (m->fn_line && cmark_node_get_start_line(c) >= m->fn_line &&
		    cmark_node_parent(c) && cmark_node_get_type(cmark_node_parent(c)) == CMARK_NODE_DOCUMENT) {
			/* the references added to keep unreferenced notes */
			cmark_iter_reset(it, c, CMARK_EVENT_EXIT);
			break;
		}
		enter_text_block(m, it, c, t);
		break;
	case CMARK_NODE_HEADING:
		enter_text_block(m, it, c, t);
		break;
	case CMARK_NODE_THEMATIC_BREAK:
		add_node(m, NC_NODE_THEMATIC_BREAK);
		break;
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		enter_footnote(m, c);
		break;
	case CMARK_NODE_TEXT:
		lit = cmark_node_get_literal(c);
		if (lit)
			add_text(m, lit, strlen(lit));
		break;
	case CMARK_NODE_SOFTBREAK:
		add_text(m, " ", 1);
		break;
	case CMARK_NODE_LINEBREAK:
		add_node(m, NC_NODE_LINE_BREAK);
		break;
	case CMARK_NODE_CODE:
		add_literal(m, c, NC_NODE_CODE);
		break;
	case CMARK_NODE_HTML_INLINE:
		/* Not reached: paragraphs, headings and table cells holding
		 * HTML go through the HTML reader whole (enter_text_block,
		 * cell_as_html); a tag met anyway says nothing alone. */
		break;
	case CMARK_NODE_EMPH:
		open_node(m, c, NC_NODE_EMPH);
		break;
	case CMARK_NODE_STRONG:
		open_node(m, c, NC_NODE_STRONG);
		break;
	case CMARK_NODE_LINK:
		enter_link(m, c);
		break;
	case CMARK_NODE_IMAGE:
		enter_image(m, it, c);
		break;
	case CMARK_NODE_FOOTNOTE_REFERENCE:
		enter_footnote_ref(m, c);
		break;
	default:
		enter_extension(m, it, c);
		break;
	}
}

static void leave(struct md *m, cmark_node *c)
{
	struct nc_node *n = cmark_node_get_user_data(c);
	flush_text(m);
	if (!n)
		return;
	m->cur = n->parent && cmark_node_get_type(c) != CMARK_NODE_FOOTNOTE_DEFINITION ? n->parent : m->d->root;
	m->depth--;
	if (n->type == NC_NODE_ITEM)
		m->task = NULL;
	if (n->type == NC_NODE_TABLE)
		m->aligns = NULL;
	cmark_node_set_user_data(c, NULL);
	/* A container left empty (an empty emphasis, a paragraph of one
	 * template HTML tag that said nothing) is not kept. */
	if (!n->first_child && n->type != NC_NODE_TABLE_CELL && n->type != NC_NODE_ITEM &&
	    n->type != NC_NODE_LINK)
		nc_node_free(n);
}

/* The first template tag in the model's text, for the warning. */
static const char *find_template(const char *s, size_t *len)
{
	for (const char *p = s; (p = strchr(p, '{')); p++) {
		const char *close = NULL;
		if (p[1] == '%')
			close = "%}";
		else if (p[1] == '{' && (p[2] == '<' || p[2] == '%'))
			close = p[2] == '<' ? ">}}" : "%}}";
		if (!close)
			continue;
		size_t max = strnlen(p, 120);
		const char *e = NULL;
		for (size_t i = 2; i + strlen(close) <= max; i++)
			if (!memcmp(p + i, close, strlen(close))) {
				e = p + i + strlen(close);
				break;
			}
		size_t n = e ? (size_t)(e - p) : max;
		if (!e) /* cut at a character boundary */
			while (n && ((unsigned char)p[n] & 0xc0) == 0x80)
				n--;
		*len = n;
		return p;
	}
	return NULL;
}

static int warn_templates(struct nc_doc *d)
{
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, d->root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		if (ev != NC_EVENT_ENTER || it.cur->type != NC_NODE_TEXT || !it.cur->as.text.literal)
			continue;
		size_t n;
		const char *t = find_template(it.cur->as.text.literal, &n);
		if (t)
			return nc_doc_warn(d, "template tags are kept as text, not expanded (first: %.*s)", (int)n, t);
	}
	return NC_OK;
}

/* cmark-gfm drops a footnote definition nothing refers to.  To keep it
 * (input row 20), the labels of every "[^label]:" line outside code
 * fences get one reference each in a paragraph after the body, which
 * the walk skips: referenced notes keep their numbers, the others
 * follow in order.  *lines: the line endings of the body, as cmark
 * counts them.  NC_OK or NC_ERR_NOMEM. */
static int unreferenced_notes(const char *text, size_t len, struct nc_buf *refs, int *lines)
{
	struct nc_map seen = {0};
	const char *p = text, *end = text + len, *next;
	char fence = 0;
	int rc = NC_OK;
	*lines = 0;
	for (const char *q = text; q < end; q++)
		if (*q == '\n' || (*q == '\r' && (q + 1 == end || q[1] != '\n')))
			++*lines;
	for (; p < end && rc == NC_OK; p = next) {
		size_t n = nc_md_line_len(p, end, &next);
		size_t i = 0;
		while (i < n && i < 3 && p[i] == ' ')
			i++;
		if (n - i >= 3 && (p[i] == '`' || p[i] == '~') && p[i + 1] == p[i] && p[i + 2] == p[i]) {
			fence = fence == p[i] ? 0 : fence ? fence : p[i];
			continue;
		}
		if (fence || n - i < 5 || p[i] != '[' || p[i + 1] != '^')
			continue;
		const char *close = memchr(p + i + 2, ']', n - i - 2);
		if (!close || close == p + i + 2 || close + 1 >= p + n || close[1] != ':' ||
		    memchr(p + i + 2, ' ', (size_t)(close - p - i - 2)) || memchr(p + i + 2, '[', (size_t)(close - p - i - 2)))
			continue;
		size_t kn = (size_t)(close - (p + i));
		char *key = strndup(p + i, kn + 1); /* "[^label]" */
		if (!key)
			rc = NC_ERR_NOMEM;
		else if (!nc_map_get_str(&seen, key)) {
			rc = nc_map_put_str(&seen, key, (void *)1);
			nc_buf_puts(refs, refs->len ? " " : "\n\n");
			nc_buf_puts(refs, key);
		}
		free(key);
	}
	nc_map_free(&seen);
	if (fence) /* the references would land in the open fence */
		nc_buf_truncate(refs, 0);
	return rc != NC_OK || refs->oom ? NC_ERR_NOMEM : NC_OK;
}

/* cmark-gfm is not thread-safe with extensions: attaching one adds its
 * special characters ('~') to a table shared by every parser, and freeing
 * a parser takes them out again, so a parse on another thread loses its
 * strikethrough.  One Markdown body is parsed at a time (found by the
 * -j determinism test). */
static pthread_mutex_t cmark_lock = PTHREAD_MUTEX_INITIALIZER;

static int read_body_locked(struct nc_doc *d, const char *text, size_t len, struct nc_err *err);

static int read_body(struct nc_doc *d, const char *text, size_t len, struct nc_err *err)
{
	pthread_once(&ext_once, ext_register);
	pthread_mutex_lock(&cmark_lock);
	int rc = read_body_locked(d, text, len, err);
	pthread_mutex_unlock(&cmark_lock);
	return rc;
}

/* A parser with the GFM extensions attached; NULL: out of memory. */
static cmark_parser *new_parser(int options)
{
	cmark_parser *p = cmark_parser_new(options);
	if (!p)
		return NULL;
	static const char *const exts[] = {"table", "strikethrough", "autolink", "tasklist"};
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	return p;
}

/* Did the added references stay a paragraph of their own after the
 * body?  Not when the body ends inside a block that only a closing tag
 * ends (an unclosed <pre> or comment): it took them in. */
static bool refs_apart(cmark_node *doc, int fn_line)
{
	cmark_node *c = cmark_node_last_child(doc);
	while (c && cmark_node_get_type(c) == CMARK_NODE_FOOTNOTE_DEFINITION)
		c = cmark_node_previous(c);
	return c && cmark_node_get_type(c) == CMARK_NODE_PARAGRAPH && cmark_node_get_start_line(c) >= fn_line;
}

/* Parse the body, with the references keeping unreferenced notes when
 * they can stay apart (else without: such notes are then dropped).
 * *pp: the parser (its extensions render HTML later); the document, or
 * NULL with *pp NULL when out of memory. */
static cmark_node *parse_body(struct md *m, const char *text, size_t len, cmark_parser **pp)
{
	struct nc_buf refs = {0};
	int lines;
	cmark_node *doc = NULL;
	*pp = NULL;
	if (unreferenced_notes(text, len, &refs, &lines) != NC_OK)
		goto out;
	for (int pass = refs.len ? 0 : 1; pass < 2 && !doc; pass++) {
		if (!(*pp = new_parser(m->options)))
			break;
		cmark_parser_feed(*pp, text, len);
		if (pass == 0)
			cmark_parser_feed(*pp, refs.data, refs.len);
		m->fn_line = pass == 0 ? lines + 2 : 0;
		doc = cmark_parser_finish(*pp);
		if (doc && pass == 0 && !refs_apart(doc, m->fn_line)) {
			cmark_node_free(doc);
			doc = NULL;
		}
		if (!doc) {
			cmark_parser_free(*pp);
			*pp = NULL;
		}
	}
out:
	nc_buf_free(&refs);
	return doc;
}

static int read_body_locked(struct nc_doc *d, const char *text, size_t len, struct nc_err *err)
{
	const char *name = d->source_name;
	struct md m = { .d = d, .name = name, .err = err, .cur = d->root,
			.options = CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8 };
	cmark_parser *p;
	cmark_node *doc = parse_body(&m, text, len, &p);
	if (!doc)
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	m.exts = cmark_parser_get_syntax_extensions(p);
	cmark_iter *it = cmark_iter_new(doc);
	if (!it)
		oom(&m);
	cmark_event_type ev;
	while (it && !m.rc && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER)
			enter(&m, it, c);
		else if (ev == CMARK_EVENT_EXIT)
			leave(&m, c);
	}
	flush_text(&m);
	nc_buf_free(&m.text);
	if (it)
		cmark_iter_free(it);
	cmark_node_free(doc);
	cmark_parser_free(p);
	nc_map_free(&m.fn_numbers);
	if (!m.rc && warn_templates(d) != NC_OK)
		oom(&m);
	return m.rc;
}

/* ---- the reader ------------------------------------------------------------- */

/* "_posts/2009-09-05-edge-case-no-yaml-title.md" -> "edge case no yaml
 * title" (Jekyll's date-slug names); else the base name without its
 * extension. */
static char *name_title(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	size_t n = strlen(base);
	const char *dot = strrchr(base, '.');
	if (dot && dot != base)
		n = (size_t)(dot - base);
	if (n == 0 || strcmp(name, "-") == 0)
		return strdup("Untitled");
	if (n > 11 && isdigit((unsigned char)base[0]) && base[4] == '-' && base[7] == '-' && base[10] == '-' &&
	    isdigit((unsigned char)base[5]) && isdigit((unsigned char)base[8])) {
		char *t = strndup(base + 11, n - 11);
		if (t)
			for (char *q = t; *q; q++)
				if (*q == '-')
					*q = ' ';
		return t;
	}
	return strndup(base, n);
}

/* Remove NUL bytes from text[0, len); the new length. */
static size_t drop_nul(char *text, size_t len)
{
	char *w = memchr(text, '\0', len);
	if (!w)
		return len;
	for (const char *r = w; r < text + len; r++)
		if (*r)
			*w++ = *r;
	*w = '\0';
	return (size_t)(w - text);
}

static int md_read(const char *name, const unsigned char *data, size_t len,
		   struct nc_doclist *out, struct nc_err *err)
{
	int rc = nc_input_check(name, data, len, "Markdown post", err);
	if (rc)
		return rc;
	struct nc_doc *d = nc_doc_new();
	char *text = NULL;
	size_t tlen = 0, body = 0;
	if (!d || nc_set_str(&d->source_name, name) || !(d->input = malloc(len ? len : 1))) {
		rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		goto fail;
	}
	if (len)
		memcpy(d->input, data, len);
	d->input_len = len;
	if ((rc = nc_charset_to_utf8(name, data, len, &text, &tlen, d, err)))
		goto fail;
	/* cmark reads up to a NUL as text; the HTML reader (libxml2) drops a
	 * stray NUL and reads on, and so does this one (input row 10). */
	tlen = drop_nul(text, tlen);
	if ((rc = read_front_matter(d, text, tlen, &body, err)))
		goto fail;
	if ((rc = read_body(d, text + body, tlen - body, err)))
		goto fail;
	if ((rc = nc_title_fallback(d, name, name_title, err)))
		goto fail;
	free(text);
	if (nc_doclist_push(out, d))
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	return NC_OK;
fail:
	free(text);
	nc_doc_free(d);
	return rc;
}

const struct nc_reader nc_reader_md = {
	.name = "md",
	.detect = nc_md_detect,
	.read = md_read,
};
