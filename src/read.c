/* read.c - nc_read(): one article file into a document.
 *
 * bytes -> UTF-8 (charset.c) -> front matter (frontmatter.c) -> body
 * (read_html.c) -> title fallback.  Only unusable input fails; anything
 * recoverable becomes a warning on the document. */
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"
#include "charset.h"
#include "read.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/text.h"

/* One copy for every reader (front matter, feeds): they disagreed once
 * on blank dates. */
int nc_meta_add_extra(struct nc_meta *m, const char *key, const char *value)
{
	struct nc_kv *v = realloc(m->extra, (m->nextra + 1) * sizeof *v);
	if (!v)
		return NC_ERR_NOMEM;
	m->extra = v;
	v[m->nextra].key = strdup(key);
	v[m->nextra].value = strdup(value ? value : "");
	if (!v[m->nextra].key || !v[m->nextra].value) {
		free(v[m->nextra].key);
		free(v[m->nextra].value);
		return NC_ERR_NOMEM;
	}
	m->nextra++;
	return NC_OK;
}

int nc_meta_set_date(struct nc_doc *d, const char *key, const char *raw, char **norm,
		     char **rawp, int64_t *epoch)
{
	if (nc_str_blank(raw))
		return NC_OK;
	int rc = nc_set_str(rawp, raw);
	if (rc != NC_OK)
		return rc;
	int64_t t;
	if (nc_date_parse(raw, &t) != 0)
		return nc_doc_warn(d, "%s '%s' is not a date I can read; kept as written", key, raw);
	char iso[21];
	nc_date_iso(t, iso);
	if ((rc = nc_set_str(norm, iso)) == NC_OK)
		*epoch = t;
	return rc;
}

char *nc_first_heading_text(struct nc_node *root)
{
	struct nc_iter it;
	enum nc_event ev;
	struct nc_node *h = NULL;
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		if (ev == NC_EVENT_ENTER && it.cur->type == NC_NODE_HEADING) {
			h = it.cur;
			break;
		}
	}
	if (!h)
		return NULL;
	struct nc_buf b = {0};
	nc_iter_init(&it, h);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE)
		if (ev == NC_EVENT_ENTER && (it.cur->type == NC_NODE_TEXT || it.cur->type == NC_NODE_CODE))
			nc_buf_puts(&b, it.cur->as.text.literal);
	char *s = b.data ? nc_str_squash(b.data) : NULL;
	nc_buf_free(&b);
	if (s && !*s) {
		free(s);
		s = NULL;
	}
	return s;
}

/* "dir/My Post.txt" -> "My Post" */
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
	return strndup(base, n);
}

static bool title_is_blank(const char *t)
{
	if (nc_str_blank(t))
		return true;
	/* "title: #" leaves a lone mark, which says nothing. */
	for (const char *p = t; *p; p++)
		if (*p != '#' && *p != ' ' && *p != '\t')
			return false;
	return true;
}

/* A document without a usable title gets its first heading's text, else
 * one made from its file name by `from_name`, with a warning when the
 * front matter had tried. */
int nc_title_fallback(struct nc_doc *d, const char *name,
		      char *(*from_name)(const char *), struct nc_err *err)
{
	if (!title_is_blank(d->meta.title))
		return NC_OK;
	char *t = nc_first_heading_text(d->root);
	const char *why = "first heading";
	if (!t) {
		t = from_name(name);
		why = "file name";
	}
	if (!t)
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	if ((d->meta.fm_kind != NC_FM_NONE || d->meta.title_raw) &&
	    nc_doc_warn(d, "no usable title; using the %s: %s", why, t) != NC_OK) {
		free(t);
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	}
	free(d->meta.title);
	d->meta.title = t;
	return NC_OK;
}

/* Nothing but ASCII white space (or nothing). */
static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n\f\v", s[i]) || !s[i])
			return false;
	return true;
}

bool nc_input_is_binary(const unsigned char *data, size_t len)
{
	return memchr(data, '\0', len < NC_BINARY_SNIFF_BYTES ? len : NC_BINARY_SNIFF_BYTES) != NULL;
}

int nc_input_check(const char *name, const unsigned char *data, size_t len,
		   const char *what, struct nc_err *err)
{
	if (len > NC_MAX_INPUT_BYTES)
		return nc_err_set(err, NC_ERR_LIMIT, name, "larger than the %u MB limit",
				  NC_MAX_INPUT_BYTES / (1024u * 1024u));
	if (nc_input_is_binary(data, len))
		return nc_err_set(err, NC_ERR_PARSE, name, "binary data, not a %s", what);
	return NC_OK;
}

int nc_read(const char *name, const unsigned char *data, size_t len,
	    struct nc_doc **out, struct nc_err *err)
{
	*out = NULL;
	int rc = nc_input_check(name, data, len, "text article", err);
	if (rc)
		return rc;

	struct nc_doc *d = nc_doc_new();
	char *text = NULL;
	size_t tlen = 0, body = 0;
	if (!d || nc_set_str(&d->source_name, name) ||
	    !(d->input = malloc(len ? len : 1))) {
		rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		goto fail;
	}
	if (len)
		memcpy(d->input, data, len);
	d->input_len = len;

	if ((rc = nc_charset_to_utf8(name, data, len, &text, &tlen, d, err)))
		goto fail;
	if (blank(text, tlen) && nc_doc_warn(d, "the file is empty") != NC_OK) {
		rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		goto fail;
	}
	if ((rc = nc_frontmatter_parse(d, text, tlen, &body, err)))
		goto fail;
	if ((rc = nc_html_read_body(d, text + body, tlen - body, NC_BODY_PAGE, err)))
		goto fail;

	if ((rc = nc_title_fallback(d, name, name_title, err)))
		goto fail;
	free(text);
	*out = d;
	return NC_OK;
fail:
	free(text);
	nc_doc_free(d);
	return rc;
}
