/*
 * json_read.c - a bounded JSON reader (RFC 8259) for JSON-LD in pages.
 *
 * One pass over the text with an explicit stack (NC_JSON_MAX_DEPTH
 * levels), no recursion; values go into one growing array and are
 * linked by index (first child, next sibling), so a lookup never copies.
 * Strings are decoded only when asked for.  Lenient where real pages
 * are sloppy (see json_read.h); anything else is a parse error, never a
 * crash, and the limits bound both memory and time.
 *
 * Not supported: comments inside the JSON, NaN/Infinity, single quotes.
 */
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"
#include "util/buf.h"
#include "util/json_read.h"
#include "util/text.h"

enum state { ST_VALUE, ST_VALUE_OR_END, ST_KEY_OR_END, ST_AFTER };

struct level {
	int idx;   /* the container */
	int last;  /* its last child, -1 */
};

struct parser {
	struct nc_jdoc *j;
	const char *s;
	size_t len, pos;
	struct level st[NC_JSON_MAX_DEPTH];
	int depth;
	int key;   /* the key waiting for its value, -1 */
	int rc;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && is_space(p->s[p->pos]))
		p->pos++;
}

static bool at(const struct parser *p, const char *lit)
{
	size_t n = strlen(lit);
	return p->len - p->pos >= n && memcmp(p->s + p->pos, lit, n) == 0;
}

/* Appends a value and links it to its parent (the waiting key, or the
 * container on top of the stack).  Returns its index, -1 on failure. */
static int add(struct parser *p, enum nc_jtype t, size_t start, size_t len)
{
	struct nc_jdoc *j = p->j;
	if (j->n >= NC_JSON_MAX_VALUES) {
		p->rc = NC_ERR_PARSE;
		return -1;
	}
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 32;
		struct nc_jval *v = realloc(j->v, cap * sizeof *v);
		if (!v) {
			p->rc = NC_ERR_NOMEM;
			return -1;
		}
		j->v = v;
		j->cap = cap;
	}
	int i = (int)j->n++;
	j->v[i] = (struct nc_jval){ .type = t, .start = start, .len = len, .first = -1, .next = -1 };
	if (p->key >= 0) {
		j->v[p->key].first = i;
		p->key = -1;
	} else if (p->depth > 0) {
		struct level *l = &p->st[p->depth - 1];
		if (l->last >= 0)
			j->v[l->last].next = i;
		else
			j->v[l->idx].first = i;
		l->last = i;
	}
	return i;
}

/* A string starting at the quote at p->pos; returns its index or -1. */
static int string(struct parser *p)
{
	size_t start = ++p->pos;
	bool esc = false;
	while (p->pos < p->len && p->s[p->pos] != '"') {
		if (p->s[p->pos] == '\\') {
			esc = true;
			p->pos++;
		}
		p->pos++;
	}
	if (p->pos >= p->len) {
		p->rc = NC_ERR_PARSE;
		return -1;
	}
	int i = add(p, NC_J_STRING, start, p->pos - start);
	p->pos++;
	if (i >= 0)
		p->j->v[i].escaped = esc;
	return i;
}

static bool scalar(struct parser *p)
{
	static const struct { const char *lit; enum nc_jtype t; } lits[] = {
		{"true", NC_J_TRUE}, {"false", NC_J_FALSE}, {"null", NC_J_NULL},
	};
	for (size_t k = 0; k < sizeof lits / sizeof lits[0]; k++)
		if (at(p, lits[k].lit)) {
			size_t n = strlen(lits[k].lit);
			p->pos += n;
			return add(p, lits[k].t, p->pos - n, n) >= 0;
		}
	size_t start = p->pos;
	while (p->pos < p->len && strchr("+-0123456789.eE", p->s[p->pos]) && p->s[p->pos])
		p->pos++;
	if (p->pos == start) {
		p->rc = NC_ERR_PARSE;
		return false;
	}
	return add(p, NC_J_NUMBER, start, p->pos - start) >= 0;
}

/* A value at p->pos: a scalar (then ST_AFTER) or an opened container. */
static enum state value(struct parser *p)
{
	char c = p->s[p->pos];
	if (c == '{' || c == '[') {
		if (p->depth >= NC_JSON_MAX_DEPTH) {
			p->rc = NC_ERR_PARSE;
			return ST_AFTER;
		}
		int i = add(p, c == '{' ? NC_J_OBJECT : NC_J_ARRAY, p->pos, 1);
		p->pos++;
		if (i < 0)
			return ST_AFTER;
		p->st[p->depth++] = (struct level){ .idx = i, .last = -1 };
		return c == '{' ? ST_KEY_OR_END : ST_VALUE_OR_END;
	}
	if (c == '"')
		string(p);
	else
		scalar(p);
	return ST_AFTER;
}

static bool top_is_object(const struct parser *p)
{
	return p->depth > 0 && p->j->v[p->st[p->depth - 1].idx].type == NC_J_OBJECT;
}

/* A closing bracket: it must match the open container. */
static enum state close(struct parser *p, char c)
{
	if (p->depth == 0 || (c == '}') != top_is_object(p)) {
		p->rc = NC_ERR_PARSE;
		return ST_AFTER;
	}
	p->depth--;
	p->pos++;
	return ST_AFTER;
}

/* A key, its colon: the value comes next. */
static enum state key(struct parser *p)
{
	int k = string(p);
	if (k < 0)
		return ST_AFTER;
	skip_space(p);
	if (p->pos >= p->len || p->s[p->pos] != ':') {
		p->rc = NC_ERR_PARSE;
		return ST_AFTER;
	}
	p->pos++;
	p->key = k;
	return ST_VALUE;
}

static enum state step(struct parser *p, enum state st)
{
	char c = p->s[p->pos];
	switch (st) {
	case ST_VALUE_OR_END:
		if (c == ']')
			return close(p, c);
		return value(p);
	case ST_VALUE:
		return value(p);
	case ST_KEY_OR_END:
		if (c == '}')
			return close(p, c);
		if (c == '"')
			return key(p);
		break;
	case ST_AFTER:
		if (c == '}' || c == ']')
			return close(p, c);
		if (c == ',') {
			p->pos++;
			/* a trailing comma before the close is accepted */
			return top_is_object(p) ? ST_KEY_OR_END : ST_VALUE_OR_END;
		}
		break;
	}
	p->rc = NC_ERR_PARSE;
	return st;
}

/* Skips a BOM and the "<!--" / "<![CDATA[" / "//<![CDATA[" wrappers
 * pages put around a script's text. */
static void skip_wrappers(struct parser *p)
{
	static const char *const marks[] = { "\xEF\xBB\xBF", "<!--", "//<![CDATA[", "<![CDATA[" };
	bool moved = true;
	while (moved) {
		moved = false;
		skip_space(p);
		for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
			if (at(p, marks[k])) {
				p->pos += strlen(marks[k]);
				moved = true;
			}
	}
}

int nc_jdoc_parse(struct nc_jdoc *j, const char *s, size_t len)
{
	memset(j, 0, sizeof *j);
	j->src = s;
	struct parser p = { .j = j, .s = s, .len = len, .key = -1 };
	skip_wrappers(&p);
	enum state st = ST_VALUE;
	bool started = false;
	for (;;) {
		skip_space(&p);
		if (started && p.depth == 0 && p.rc == NC_OK)
			break; /* what follows the top value (";", "-->") is ignored */
		if (p.pos >= p.len || p.rc != NC_OK) {
			if (p.rc == NC_OK)
				p.rc = NC_ERR_PARSE;
			break;
		}
		st = step(&p, st);
		started = true;
	}
	if (p.rc != NC_OK)
		j->n = 0;
	return p.rc;
}

void nc_jdoc_free(struct nc_jdoc *j)
{
	free(j->v);
	memset(j, 0, sizeof *j);
}

static bool raw_is(const struct nc_jdoc *j, int i, const char *s)
{
	const struct nc_jval *v = &j->v[i];
	return !v->escaped && strlen(s) == v->len && memcmp(j->src + v->start, s, v->len) == 0;
}

bool nc_jdoc_str_is(const struct nc_jdoc *j, int idx, const char *s)
{
	if (idx < 0 || (size_t)idx >= j->n || j->v[idx].type != NC_J_STRING)
		return false;
	if (!j->v[idx].escaped)
		return raw_is(j, idx, s);
	char *t = NULL;
	if (nc_jdoc_text(j, idx, &t) != NC_OK || !t)
		return false;
	bool eq = strcmp(t, s) == 0;
	free(t);
	return eq;
}

int nc_jdoc_get(const struct nc_jdoc *j, int obj, const char *key)
{
	if (obj < 0 || (size_t)obj >= j->n || j->v[obj].type != NC_J_OBJECT)
		return -1;
	for (int k = j->v[obj].first; k >= 0; k = j->v[k].next)
		if (j->v[k].first >= 0 && nc_jdoc_str_is(j, k, key))
			return j->v[k].first;
	return -1;
}

static int hex4(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	if (n < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + (unsigned)d;
	}
	*out = v;
	return 0;
}

/* One \u escape at s (after the "\u"), a surrogate pair joined; returns
 * the characters of input used past the "\u". */
static size_t unicode_escape(const char *s, size_t n, struct nc_buf *b)
{
	unsigned cp, lo;
	char out[4];
	if (hex4(s, n, &cp) != 0) {
		nc_buf_putc(b, 'u');
		return 0;
	}
	size_t used = 4;
	if (cp >= 0xD800 && cp < 0xDC00 && n >= 10 && s[4] == '\\' && s[5] == 'u' &&
	    hex4(s + 6, n - 6, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		used = 10;
	} else if ((cp >= 0xD800 && cp < 0xE000) || cp == 0) {
		cp = 0xFFFD;
	}
	nc_buf_put(b, out, (size_t)nc_utf8_encode(cp, out));
	return used;
}

int nc_jdoc_text(const struct nc_jdoc *j, int idx, char **out)
{
	*out = NULL;
	if (idx < 0 || (size_t)idx >= j->n)
		return NC_OK;
	const struct nc_jval *v = &j->v[idx];
	if (v->type != NC_J_STRING && v->type != NC_J_NUMBER)
		return NC_OK;
	const char *s = j->src + v->start;
	struct nc_buf b = {0};
	nc_buf_reserve(&b, v->len + 1);
	for (size_t i = 0; i < v->len; i++) {
		if (s[i] != '\\' || i + 1 >= v->len) {
			nc_buf_putc(&b, s[i]);
			continue;
		}
		char c = s[++i];
		switch (c) {
		case 'b': nc_buf_putc(&b, '\b'); break;
		case 'f': nc_buf_putc(&b, '\f'); break;
		case 'n': nc_buf_putc(&b, '\n'); break;
		case 'r': nc_buf_putc(&b, '\r'); break;
		case 't': nc_buf_putc(&b, '\t'); break;
		case 'u': i += unicode_escape(s + i + 1, v->len - i - 1, &b); break;
		default: nc_buf_putc(&b, c); break; /* \" \\ \/ and unknown ones */
		}
	}
	if (b.oom) {
		nc_buf_free(&b);
		return NC_ERR_NOMEM;
	}
	*out = nc_buf_detach(&b, NULL);
	return *out ? NC_OK : NC_ERR_NOMEM;
}
