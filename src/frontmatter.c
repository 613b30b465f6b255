/*
 * frontmatter.c - YAML ("---") and Hexo JSON (";;;") front matter into
 * struct nc_meta, through libyaml's document API (YAML 1.1; JSON is read
 * as YAML flow).
 *
 * Real archives hold front matter that is not valid YAML (stacked
 * quotes, unescaped quotes, titles over several lines).  Such text is
 * not refused: plain `key: value` and `- item` lines are recovered into
 * a libyaml document built by hand, so both paths share one
 * interpretation (apply_key), and the raw text is always kept.
 *
 * Not supported here: YAML tags (kept as plain scalars), multi-document
 * streams (the first document is used).  TOML ("+++") front matter is
 * read by read_md.c into a libyaml document built by hand and applied
 * through nc_frontmatter_apply(), so it shares this key mapping.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "newsconv.h"
#include "read.h"
#include "frontmatter.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/lang.h"
#include "util/text.h"

#define FLOW_MAX_DEPTH 32

/* Deepest nesting (flow [ { plus block levels) handed to libyaml's
 * loader.  Real front matter nests two or three levels. */
#define YAML_MAX_DEPTH 64

struct walk {
	size_t budget;   /* nodes still allowed to be visited (alias bombs) */
	bool exhausted;
};

static bool visit(struct walk *w)
{
	if (w->budget == 0) {
		w->exhausted = true;
		return false;
	}
	w->budget--;
	return true;
}

static const char *scalar_of(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool scalar_needs_quotes(const char *s)
{
	if (!*s)
		return true;
	if (strpbrk(s, ",[]{}:#\"'\n") || isspace((unsigned char)s[0]))
		return true;
	return false;
}

/* YAML flow text of a node, for keys the model has no field for. */
static void flow_text(struct nc_buf *b, yaml_document_t *doc, yaml_node_t *n,
		      int depth, struct walk *w)
{
	if (!n || !visit(w))
		return;
	if (depth > FLOW_MAX_DEPTH) {
		nc_buf_puts(b, "...");
		return;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE: {
		const char *s = (const char *)n->data.scalar.value;
		if (depth > 0 && scalar_needs_quotes(s)) {
			nc_buf_putc(b, '"');
			for (; *s; s++) {
				if (*s == '"' || *s == '\\')
					nc_buf_putc(b, '\\');
				if (*s == '\n')
					nc_buf_puts(b, "\\n");
				else
					nc_buf_putc(b, *s);
			}
			nc_buf_putc(b, '"');
		} else {
			nc_buf_puts(b, s);
		}
		break;
	}
	case YAML_SEQUENCE_NODE: {
		nc_buf_putc(b, '[');
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top && !w->exhausted; it++) {
			if (it != n->data.sequence.items.start)
				nc_buf_puts(b, ", ");
			flow_text(b, doc, yaml_document_get_node(doc, *it), depth + 1, w);
		}
		nc_buf_putc(b, ']');
		break;
	}
	case YAML_MAPPING_NODE: {
		nc_buf_putc(b, '{');
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top && !w->exhausted; p++) {
			if (p != n->data.mapping.pairs.start)
				nc_buf_puts(b, ", ");
			flow_text(b, doc, yaml_document_get_node(doc, p->key), depth + 1, w);
			nc_buf_puts(b, ": ");
			flow_text(b, doc, yaml_document_get_node(doc, p->value), depth + 1, w);
		}
		nc_buf_putc(b, '}');
		break;
	}
	case YAML_NO_NODE:
		break;
	}
}

/* Scalars of a node: a scalar gives one, a sequence gives each scalar
 * item (nested sequences flattened). */
static int collect_scalars(struct nc_strlist *out, yaml_document_t *doc,
			   yaml_node_t *n, int depth, struct walk *w)
{
	if (!n || depth > FLOW_MAX_DEPTH || !visit(w))
		return NC_OK;
	if (n->type == YAML_SCALAR_NODE) {
		char *s = nc_str_squash((const char *)n->data.scalar.value);
		if (!s)
			return NC_ERR_NOMEM;
		int rc = *s ? nc_strlist_push(out, s) : NC_OK;
		free(s);
		return rc;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top && !w->exhausted; it++) {
			int rc = collect_scalars(out, doc, yaml_document_get_node(doc, *it), depth + 1, w);
			if (rc != NC_OK)
				return rc;
		}
	}
	return NC_OK;
}

static int add_category_path(struct nc_meta *m, struct nc_strlist *path)
{
	if (!path->len) {
		nc_strlist_free(path);
		return NC_OK;
	}
	struct nc_strlist *v = realloc(m->categories, (m->ncategories + 1) * sizeof *v);
	if (!v) {
		nc_strlist_free(path);
		return NC_ERR_NOMEM;
	}
	m->categories = v;
	v[m->ncategories++] = *path;
	memset(path, 0, sizeof *path);
	return NC_OK;
}

/* Hexo: a flat list is one path (a > b > c); an item that is itself a
 * list starts a path of its own. */
static int apply_categories(struct nc_meta *m, yaml_document_t *doc,
			    yaml_node_t *n, struct walk *w)
{
	struct nc_strlist path = {0};
	int rc = NC_OK;
	if (n->type == YAML_SCALAR_NODE) {
		if ((rc = collect_scalars(&path, doc, n, 0, w)) != NC_OK)
			goto out;
		return add_category_path(m, &path);
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return NC_OK;
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top && !w->exhausted; it++) {
		yaml_node_t *c = yaml_document_get_node(doc, *it);
		if (c && c->type == YAML_SEQUENCE_NODE) {
			struct nc_strlist sub = {0};
			rc = collect_scalars(&sub, doc, c, 1, w);
			if (rc != NC_OK) {
				nc_strlist_free(&sub);
				goto out;
			}
			if ((rc = add_category_path(m, &sub)) != NC_OK)
				goto out;
		} else if ((rc = collect_scalars(&path, doc, c, 1, w)) != NC_OK) {
			goto out;
		}
	}
	return add_category_path(m, &path);
out:
	nc_strlist_free(&path);
	return rc;
}

/* The mappings inside a value whose model field holds only scalars
 * (author, tags, categories), into the extras as dotted keys:
 * `author: {name: A, url: U}` keeps "author.url", a list item's keys
 * get its place ("authors.2.url"), so nothing written is dropped (input
 * row 11).  `skip`: a key the field already took ("name"), or NULL. */
static int mappings_to_extras(struct nc_meta *m, const char *prefix, yaml_document_t *doc,
			      yaml_node_t *n, const char *skip, int depth, struct walk *w)
{
	if (!n || depth > FLOW_MAX_DEPTH || !visit(w))
		return NC_OK;
	int rc = NC_OK;
	struct nc_buf key = {0}, val = {0};
	if (n->type == YAML_SEQUENCE_NODE) {
		size_t i = 0;
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top && !w->exhausted && rc == NC_OK; it++) {
			yaml_node_t *c = yaml_document_get_node(doc, *it);
			i++;
			if (!c || c->type == YAML_SCALAR_NODE)
				continue;
			nc_buf_truncate(&key, 0);
			nc_buf_printf(&key, "%s.%zu", prefix, i);
			rc = key.oom ? NC_ERR_NOMEM
				     : mappings_to_extras(m, key.data, doc, c, skip, depth + 1, w);
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top && !w->exhausted && rc == NC_OK; p++) {
			const char *k = scalar_of(yaml_document_get_node(doc, p->key));
			yaml_node_t *v = yaml_document_get_node(doc, p->value);
			if (!k || !v || (skip && scalar_of(v) && !strcasecmp(k, skip)))
				continue;
			nc_buf_truncate(&key, 0);
			nc_buf_truncate(&val, 0);
			nc_buf_printf(&key, "%s.%s", prefix, k);
			flow_text(&val, doc, v, 0, w);
			rc = key.oom || val.oom ? NC_ERR_NOMEM
				: nc_meta_add_extra(m, key.data, val.data ? val.data : "");
		}
	}
	nc_buf_free(&key);
	nc_buf_free(&val);
	return rc;
}

/* Authors: scalars, or mappings with a "name" (Jekyll's `author: {name,
 * url}`, Hugo's `authors: [{name: ...}]`); what else a mapping says goes
 * to the extras. */
static int apply_authors(struct nc_meta *m, yaml_document_t *doc, yaml_node_t *n,
			 struct walk *w)
{
	int rc = NC_OK;
	if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top && rc == NC_OK; p++) {
			const char *k = scalar_of(yaml_document_get_node(doc, p->key));
			yaml_node_t *v = yaml_document_get_node(doc, p->value);
			if (k && v && scalar_of(v) && !strcasecmp(k, "name"))
				rc = collect_scalars(&m->authors, doc, v, 1, w);
		}
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top && !w->exhausted && rc == NC_OK; it++) {
			yaml_node_t *c = yaml_document_get_node(doc, *it);
			rc = c && c->type == YAML_MAPPING_NODE ? apply_authors(m, doc, c, w)
							       : collect_scalars(&m->authors, doc, c, 1, w);
		}
	} else {
		rc = collect_scalars(&m->authors, doc, n, 0, w);
	}
	return rc;
}

static bool key_is(const char *key, const char *const *names)
{
	for (; *names; names++)
		if (strcasecmp(key, *names) == 0)
			return true;
	return false;
}

/* An image URL as far as text can tell: a URL or path, not a page. */
static bool looks_like_image_url(const char *s)
{
	if (nc_str_blank(s) || strchr(s, ' ') || strchr(s, '\n'))
		return false;
	bool urlish = strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
		      strncmp(s, "//", 2) == 0 || s[0] == '/' || strncasecmp(s, "data:image/", 11) == 0 ||
		      strchr(s, '.') != NULL;
	if (!urlish)
		return false;
	size_t n = strcspn(s, "?#");
	static const char *const pages[] = {".html", ".htm", ".php", ".asp", ".aspx", ".pdf", ".mp4", ".mp3", NULL};
	for (const char *const *p = pages; *p; p++) {
		size_t k = strlen(*p);
		if (n >= k && strncasecmp(s + n - k, *p, k) == 0)
			return false;
	}
	return true;
}

/* `lang: zh_CN` would reach xml:lang and dc:language as written, which
 * EPUB refuses: keep it as BCP 47, or not at all (the value stays among
 * the extra keys either way, so nothing written is lost). */
static int set_language(struct nc_doc *d, const char *key, const char *value)
{
	char *tag;
	int rc = nc_lang_normalize(value, &tag);
	if (rc == NC_OK) {
		rc = nc_set_str(&d->meta.language, tag);
		free(tag);
		return rc;
	}
	if (rc != NC_ERR_PARSE)
		return rc;
	/* Named in the warning, on one line and at a readable length. */
	char *shown = nc_str_squash(value);
	if (!shown)
		return NC_ERR_NOMEM;
	size_t n = strlen(shown);
	if (n > 60) {
		n = 60;
		while (n && ((unsigned char)shown[n] & 0xc0) == 0x80)
			n--;
	}
	rc = nc_doc_warn(d, "%s '%.*s%s' is not a BCP 47 language tag; not used as the language",
			 key, (int)n, shown, shown[n] ? "..." : "");
	free(shown);
	return rc;
}

/* nc_set_str of a copy with whitespace runs squashed. */
static int set_squashed(char **dst, const char *s)
{
	char *c = nc_str_squash(s);
	if (!c)
		return NC_ERR_NOMEM;
	int rc = nc_set_str(dst, c);
	free(c);
	return rc;
}

static const char *const K_TITLE[] = {"title", NULL};
static const char *const K_AUTHOR[] = {"author", "authors", NULL};
static const char *const K_DATE[] = {"date", "published", "pubDate", NULL};
static const char *const K_UPDATED[] = {"updated", "modified", "lastmod", NULL};
static const char *const K_CATEGORIES[] = {"categories", "category", NULL};
static const char *const K_TAGS[] = {"tags", "tag", "keywords", NULL};
static const char *const K_COVER[] = {"headimg", "thumbnail", "cover", "banner", "image", NULL};
static const char *const K_DESC[] = {"description", "excerpt", "summary", NULL};
static const char *const K_SOURCE[] = {"link", "url", "permalink", "source", "canonical", NULL};
static const char *const K_LANG[] = {"lang", "language", NULL};

static int apply_key(struct nc_doc *d, const char *key, yaml_document_t *doc,
		     yaml_node_t *v, struct walk *w, const char *name, struct nc_err *err)
{
	struct nc_meta *m = &d->meta;
	const char *s = scalar_of(v);
	struct nc_buf flow = {0};
	struct nc_buf t = {0};
	struct nc_strlist parts = {0};
	int rc = NC_OK;
	flow_text(&flow, doc, v, 0, w);
	if (flow.oom) {
		rc = NC_ERR_NOMEM;
		goto out;
	}
	const char *text = flow.data ? flow.data : "";

	if (key_is(key, K_TITLE) && !m->title_raw) {
		if ((rc = collect_scalars(&parts, doc, v, 0, w)) != NC_OK)
			goto out;
		for (size_t i = 0; i < parts.len; i++) {
			if (i)
				nc_buf_putc(&t, ' ');
			nc_buf_puts(&t, parts.items[i]);
		}
		if (t.oom || (rc = nc_set_str(&m->title_raw, s ? s : text)) != NC_OK) {
			rc = NC_ERR_NOMEM;
			goto out;
		}
		if (t.data && !nc_str_blank(t.data))
			rc = nc_set_str(&m->title, t.data);
	} else if (key_is(key, K_AUTHOR) && !m->authors.len) {
		if ((rc = apply_authors(m, doc, v, w)) == NC_OK)
			rc = mappings_to_extras(m, key, doc, v, "name", 0, w);
	} else if (key_is(key, K_DATE) && !m->date_raw) {
		rc = nc_meta_set_date(d, key, s, &m->date, &m->date_raw, &m->date_epoch);
	} else if (key_is(key, K_UPDATED) && !m->updated_raw) {
		rc = nc_meta_set_date(d, key, s, &m->updated, &m->updated_raw, &m->updated_epoch);
	} else if (key_is(key, K_CATEGORIES) && !m->ncategories) {
		if ((rc = apply_categories(m, doc, v, w)) == NC_OK)
			rc = mappings_to_extras(m, key, doc, v, NULL, 0, w);
	} else if (key_is(key, K_TAGS) && !m->tags.len) {
		if ((rc = collect_scalars(&m->tags, doc, v, 0, w)) == NC_OK)
			rc = mappings_to_extras(m, key, doc, v, NULL, 0, w);
	} else if (key_is(key, K_COVER) && !m->cover && s && looks_like_image_url(s)) {
		if ((rc = set_squashed(&m->cover, s)) != NC_OK)
			goto out;
		/* The other cover keys usually repeat it; keep this one too
		 * so the input's keys all survive a round trip. */
		rc = nc_meta_add_extra(m, key, text);
	} else if (key_is(key, K_DESC) && !m->description && s && !nc_str_blank(s)) {
		rc = nc_set_str(&m->description, s);
	} else if (key_is(key, K_SOURCE) && !m->source_url && s && !nc_str_blank(s)) {
		rc = set_squashed(&m->source_url, s);
	} else if (key_is(key, K_LANG) && !m->language && s) {
		if ((rc = set_language(d, key, s)) != NC_OK)
			goto out;
		if (!m->language)
			rc = nc_meta_add_extra(m, key, text);
	} else {
		if (key_is(key, K_COVER) && s && !nc_str_blank(s) && !m->cover &&
		    (rc = nc_doc_warn(d, "%s '%s' does not look like an image URL; not used as cover", key, s)) != NC_OK)
			goto out;
		rc = nc_meta_add_extra(m, key, text);
	}
out:
	nc_strlist_free(&parts);
	nc_buf_free(&t);
	nc_buf_free(&flow);
	if (rc != NC_OK)
		return nc_err_set(err, rc, name, "out of memory reading front matter key '%s'", key);
	return NC_OK;
}

/* Apply every pair of a mapping document.  Returns NC_ERR_LIMIT when the
 * node budget (alias expansion) runs out. */
static int apply_document(struct nc_doc *d, yaml_document_t *doc, const char *name,
			  struct nc_err *err)
{
	struct walk w = { NC_MAX_YAML_NODES, false };
	yaml_node_t *root = yaml_document_get_root_node(doc);
	if (!root)
		return NC_OK;
	if (root->type != YAML_MAPPING_NODE) {
		if (nc_doc_warn(d, "front matter is not a key: value map; kept as raw text") != NC_OK)
			return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		return NC_OK;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const char *key = scalar_of(yaml_document_get_node(doc, p->key));
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		if (!key || !v)
			continue;
		int rc = apply_key(d, key, doc, v, &w, name, err);
		if (rc != NC_OK)
			return rc;
		if (w.exhausted)
			return nc_err_set(err, NC_ERR_LIMIT, name,
					  "front matter expands to more than %u YAML nodes (alias bomb?)",
					  NC_MAX_YAML_NODES);
	}
	return NC_OK;
}

int nc_frontmatter_apply(struct nc_doc *d, yaml_document_t *doc, struct nc_err *err)
{
	return apply_document(d, doc, d->source_name ? d->source_name : "-", err);
}

/* ---- recovery of invalid YAML ---------------------------------------- */

static char *strip_quotes(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	/* Stacked quotes ("""'x'""") come from generators quoting twice;
	 * strip as many from each end as both ends have. */
	size_t lead = 0, trail = 0;
	while (lead < n && (s[lead] == '"' || s[lead] == '\''))
		lead++;
	while (trail < n - lead && (s[n - 1 - trail] == '"' || s[n - 1 - trail] == '\''))
		trail++;
	size_t k = lead < trail ? lead : trail;
	if (lead == n) /* '' or "" or a run of quotes: an empty value */
		k = n / 2, n = 2 * k;
	char *out = malloc(n - 2 * k + 1);
	if (!out)
		return NULL;
	memcpy(out, s + k, n - 2 * k);
	out[n - 2 * k] = '\0';
	return out;
}

static bool is_key_line(const char *line, size_t n, size_t *keylen)
{
	size_t i = 0;
	while (i < n && (isalnum((unsigned char)line[i]) || line[i] == '_' || line[i] == '-'))
		i++;
	if (i == 0 || i >= n || line[i] != ':')
		return false;
	if (i + 1 < n && line[i + 1] != ' ' && line[i + 1] != '\t')
		return false;
	*keylen = i;
	return true;
}

/* A plain scalar node holding s; returns NC_OK and *id, or the failure.
 * libyaml refuses text that is not UTF-8 (readers convert to it first). */
static int add_scalar(yaml_document_t *doc, const char *s, int *id,
		      const char *name, struct nc_err *err)
{
	*id = yaml_document_add_scalar(doc, NULL, (yaml_char_t *)s, -1, YAML_PLAIN_SCALAR_STYLE);
	if (*id)
		return NC_OK;
	if (!nc_utf8_valid(s, strlen(s)))
		return nc_err_set(err, NC_ERR_PARSE, name, "front matter is not UTF-8");
	return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
}

/* The pending `key: value` as a pair of the map. */
static int add_pair(yaml_document_t *doc, int map, const char *key,
		    const char *value, size_t n, const char *name, struct nc_err *err)
{
	char *v = strip_quotes(value, n);
	if (!v)
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	int k, s;
	int rc = add_scalar(doc, key, &k, name, err);
	if (rc == NC_OK)
		rc = add_scalar(doc, v, &s, name, err);
	free(v);
	if (rc == NC_OK && !yaml_document_append_mapping_pair(doc, map, k, s))
		rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	return rc;
}

/* Build a libyaml document from `key: value` / `- item` lines. */
static int recover(struct nc_doc *d, const char *text, size_t len,
		   const char *name, struct nc_err *err)
{
	yaml_document_t doc;
	if (!yaml_document_initialize(&doc, NULL, NULL, NULL, 1, 1))
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	int cur_seq = 0;       /* sequence node of the current key, if any */
	struct nc_buf value = {0};
	char *pending_key = NULL;
	const char *p = text, *end = text + len;
	int rc = NC_OK;
	int map = yaml_document_add_mapping(&doc, NULL, YAML_BLOCK_MAPPING_STYLE);
	if (!map) {
		rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		goto out;
	}

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *line = p;
		p = nl ? nl + 1 : end;
		if (n && line[n - 1] == '\r')
			n--;
		size_t keylen;
		size_t ind = 0;
		while (ind < n && (line[ind] == ' ' || line[ind] == '\t'))
			ind++;
		if (ind == n)
			continue;
		if (ind == 0 && is_key_line(line, n, &keylen)) {
			if (pending_key &&
			    (rc = add_pair(&doc, map, pending_key, value.data ? value.data : "", value.len, name, err)) != NC_OK)
				goto out;
			free(pending_key);
			nc_buf_truncate(&value, 0);
			cur_seq = 0;
			if (!(pending_key = strndup(line, keylen))) {
				rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
				goto out;
			}
			const char *v = line + keylen + 1;
			size_t vn = n - keylen - 1;
			while (vn && (*v == ' ' || *v == '\t'))
				v++, vn--;
			nc_buf_put(&value, v, vn);
			continue;
		}
		if (line[ind] == '-' && (ind + 1 == n || line[ind + 1] == ' ') && (pending_key || cur_seq)) {
			if (pending_key && nc_str_blank(value.data)) {
				int k;
				if ((rc = add_scalar(&doc, pending_key, &k, name, err)) != NC_OK)
					goto out;
				cur_seq = yaml_document_add_sequence(&doc, NULL, YAML_BLOCK_SEQUENCE_STYLE);
				if (!cur_seq || !yaml_document_append_mapping_pair(&doc, map, k, cur_seq)) {
					rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
					goto out;
				}
				free(pending_key);
				pending_key = NULL;
				nc_buf_truncate(&value, 0);
			}
			if (cur_seq) {
				char *item = strip_quotes(line + ind + 1, n - ind - 1);
				int s = 0;
				if (!item)
					rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
				else if ((rc = add_scalar(&doc, item, &s, name, err)) == NC_OK &&
					 !yaml_document_append_sequence_item(&doc, cur_seq, s))
					rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
				free(item);
				if (rc != NC_OK)
					goto out;
				continue;
			}
		}
		/* A continuation line: titles that span lines. */
		if (pending_key) {
			if (value.len)
				nc_buf_putc(&value, ' ');
			nc_buf_put(&value, line + ind, n - ind);
		}
	}
	if (pending_key &&
	    (rc = add_pair(&doc, map, pending_key, value.data ? value.data : "", value.len, name, err)) != NC_OK)
		goto out;
	if (value.oom) {
		rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		goto out;
	}
	rc = apply_document(d, &doc, name, err);
out:
	free(pending_key);
	nc_buf_free(&value);
	yaml_document_delete(&doc);
	return rc;
}

/* ---- splitting -------------------------------------------------------- */

/* Returns the offset just past a line equal to `fence` (allowing trailing
 * blanks), searching from `from`; 0 when there is none.  *fence_start
 * gets where that line starts. */
static size_t find_fence(const char *t, size_t len, size_t from, const char *fence,
			 const char *alt, size_t *fence_start)
{
	size_t i = from;
	while (i < len) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - t) : len;
		size_t n = e - i;
		while (n && (t[i + n - 1] == ' ' || t[i + n - 1] == '\t' || t[i + n - 1] == '\r'))
			n--;
		if ((n == strlen(fence) && memcmp(t + i, fence, n) == 0) ||
		    (alt && n == strlen(alt) && memcmp(t + i, alt, n) == 0)) {
			*fence_start = i;
			return nl ? e + 1 : len;
		}
		i = nl ? e + 1 : len;
	}
	return 0;
}

/* libyaml re-checks every open flow level on each token, so its time
 * grows with the square of the nesting depth: 40,000 '[' take seconds and
 * a megabyte of them minutes.  This pass reads tokens only until the
 * depth passes YAML_MAX_DEPTH, so no token costs more than that and the
 * pass is linear; deeper text never reaches the loader.  Tokens rather
 * than a count of raw '[' '{' bytes, so brackets inside quoted or block
 * scalars and comments neither count nor (as ']' in a string would)
 * hide real nesting.  *too_deep stays false when the text is invalid
 * before that depth: the loader then stops at the same error. */
static int nesting_too_deep(const char *text, size_t n, bool *too_deep,
			    const char *name, struct nc_err *err)
{
	yaml_parser_t parser;
	*too_deep = false;
	if (!yaml_parser_initialize(&parser))
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
	int depth = 0;
	int rc = NC_OK;
	for (;;) {
		yaml_token_t tok;
		if (!yaml_parser_scan(&parser, &tok)) {
			if (parser.error == YAML_MEMORY_ERROR)
				rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
			break;
		}
		yaml_token_type_t type = tok.type;
		yaml_token_delete(&tok);
		if (type == YAML_STREAM_END_TOKEN)
			break;
		if (type == YAML_FLOW_SEQUENCE_START_TOKEN || type == YAML_FLOW_MAPPING_START_TOKEN ||
		    type == YAML_BLOCK_SEQUENCE_START_TOKEN || type == YAML_BLOCK_MAPPING_START_TOKEN)
			depth++;
		else if ((type == YAML_FLOW_SEQUENCE_END_TOKEN || type == YAML_FLOW_MAPPING_END_TOKEN ||
			  type == YAML_BLOCK_END_TOKEN) && depth > 0)
			depth--;
		if (depth > YAML_MAX_DEPTH) {
			*too_deep = true;
			break;
		}
	}
	yaml_parser_delete(&parser);
	return rc;
}

static int parse_yaml_text(struct nc_doc *d, const char *text, size_t n,
			   const char *name, bool json, struct nc_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	bool too_deep;
	int rc = nesting_too_deep(text, n, &too_deep, name, err);
	if (rc != NC_OK)
		return rc;
	if (too_deep) {
		if (nc_doc_warn(d, "front matter nests deeper than %d levels; not read as %s, recovered its key: value lines",
				YAML_MAX_DEPTH, json ? "JSON" : "YAML") != NC_OK)
			return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		d->meta.fm_kind = NC_FM_YAML_RECOVERED;
		return recover(d, text, n, name, err);
	}
	if (!yaml_parser_initialize(&parser))
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
	int ok = yaml_parser_load(&parser, &doc);
	if (ok) {
		d->meta.fm_kind = json ? NC_FM_JSON : NC_FM_YAML;
		rc = apply_document(d, &doc, name, err);
		yaml_document_delete(&doc);
	} else if (parser.error == YAML_MEMORY_ERROR) {
		rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	} else if (nc_doc_warn(d, "front matter is not valid %s (%s at line %zu); recovered its key: value lines",
			       json ? "JSON" : "YAML",
			       parser.problem ? parser.problem : "error",
			       parser.problem_mark.line + 1) != NC_OK) {
		rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	} else {
		d->meta.fm_kind = NC_FM_YAML_RECOVERED;
		rc = recover(d, text, n, name, err);
	}
	yaml_parser_delete(&parser);
	return rc;
}

int nc_frontmatter_parse(struct nc_doc *d, const char *t, size_t len,
			 size_t *body_offset, struct nc_err *err)
{
	const char *name = d->source_name ? d->source_name : "-";
	size_t i = 0;
	*body_offset = 0;
	if (len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	/* Leading blank lines (the seed starts with one). */
	size_t line_start = i;
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n')) {
		if (t[i] == '\n')
			line_start = i + 1;
		i++;
	}
	i = line_start;
	*body_offset = i;

	const char *fence = NULL, *alt = NULL;
	bool json = false;
	size_t open_end = 0;
	if (len - i >= 3 && memcmp(t + i, "---", 3) == 0) {
		fence = "---";
		alt = "...";
	} else if (len - i >= 3 && memcmp(t + i, ";;;", 3) == 0) {
		fence = ";;;";
		json = true;
	}
	if (fence) {
		size_t dummy;
		open_end = find_fence(t, len, i, fence, NULL, &dummy);
		if (open_end == 0 || open_end - i > 5 + 3) /* the opening line must be just the fence */
			fence = NULL;
	}
	if (!fence && i < len && (t[i] == '"' || t[i] == '{')) {
		/* Hexo's JSON front matter has only the closing ";;;". */
		size_t cs;
		if (find_fence(t, len, i, ";;;", NULL, &cs)) {
			fence = ";;;";
			json = true;
			open_end = i;
		}
	}
	if (!fence) {
		d->meta.fm_kind = NC_FM_NONE;
		return NC_OK;
	}
	size_t close_start;
	size_t close_end = find_fence(t, len, open_end, fence, alt, &close_start);
	if (!close_end) {
		d->meta.fm_kind = NC_FM_NONE;
		if (nc_doc_warn(d, "front matter opened with '%s' is never closed; read the whole file as body", fence) != NC_OK)
			return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		return NC_OK;
	}
	size_t n = close_start - open_end;
	if (n > NC_MAX_FRONTMATTER)
		return nc_err_set(err, NC_ERR_LIMIT, name, "front matter is larger than %u bytes",
				  NC_MAX_FRONTMATTER);
	char *raw = malloc(n + 1);
	if (!raw)
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	memcpy(raw, t + open_end, n);
	raw[n] = '\0';
	/* Front matter is text: a NUL byte ends it, and every length below
	 * must agree with the string (fuzz finding frontmatter-nul-in-yaml). */
	if (strlen(raw) < n) {
		n = strlen(raw);
		if (nc_doc_warn(d, "front matter contains a NUL byte; read up to it") != NC_OK) {
			free(raw);
			return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
		}
	}
	free(d->meta.fm_raw);
	d->meta.fm_raw = raw;
	*body_offset = close_end;
	if (nc_str_blank(raw)) {
		d->meta.fm_kind = json ? NC_FM_JSON : NC_FM_YAML;
		return NC_OK;
	}
	if (json) {
		/* The braces are optional in Hexo; YAML flow needs them. */
		const char *q = raw;
		while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
			q++;
		if (*q != '{') {
			struct nc_buf b = {0};
			nc_buf_putc(&b, '{');
			nc_buf_put(&b, raw, n);
			nc_buf_puts(&b, "\n}");
			int rc = b.oom ? nc_err_set(err, NC_ERR_NOMEM, name, "out of memory")
				       : parse_yaml_text(d, b.data, b.len, name, true, err);
			nc_buf_free(&b);
			return rc;
		}
	}
	return parse_yaml_text(d, raw, n, name, json, err);
}
