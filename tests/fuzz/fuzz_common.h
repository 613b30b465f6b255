/* fuzz_common.h - invariant checks shared by the libFuzzer harnesses.
 * A broken invariant prints what and where, then abort()s so libFuzzer
 * saves the input as a crash. */
#ifndef NC_FUZZ_COMMON_H
#define NC_FUZZ_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>

#pragma GCC diagnostic ignored "-Wswitch-enum"

#include "newsconv.h"
#include "util/date.h"

#define FUZZ_FAIL(...) do { \
	fprintf(stderr, "INVARIANT %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

#define FUZZ_ASSERT(cond, ...) do { if (!(cond)) FUZZ_FAIL(__VA_ARGS__); } while (0)

/* Strict UTF-8 (no overlongs, no surrogates, <= U+10FFFF).  Returns the
 * offset of the first bad byte, or (size_t)-1 when the text is valid. */
static inline size_t fuzz_utf8_bad(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned min, cp;
		if (c < 0x80) { i++; continue; }
		else if ((c & 0xe0) == 0xc0) { k = 1; min = 0x80; cp = c & 0x1f; }
		else if ((c & 0xf0) == 0xe0) { k = 2; min = 0x800; cp = c & 0x0f; }
		else if ((c & 0xf8) == 0xf0) { k = 3; min = 0x10000; cp = c & 0x07; }
		else return i;
		if (n - i <= k) return i;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80) return i;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
		i += k + 1;
	}
	return (size_t)-1;
}

static inline bool fuzz_utf8_ok(const void *s, size_t n)
{
	return fuzz_utf8_bad((const unsigned char *)s, n) == (size_t)-1;
}

#define FUZZ_UTF8(s, n, what) do { \
	size_t bad_ = fuzz_utf8_bad((const unsigned char *)(s), (n)); \
	FUZZ_ASSERT(bad_ == (size_t)-1, "%s: invalid UTF-8 at byte %zu of %zu", (what), bad_, (size_t)(n)); \
} while (0)

#define FUZZ_UTF8_STR(s, what) do { \
	if (s) FUZZ_UTF8((s), strlen(s), (what)); \
} while (0)

/* A NUL-terminated copy in which every invalid UTF-8 sequence becomes
 * '?': nc_frontmatter_parse() and nc_html_read() receive the output of
 * nc_charset_to_utf8() in nc_read(), which is always valid UTF-8. */
static inline char *fuzz_utf8_copy(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1);
	if (!t)
		abort();
	memcpy(t, data, size);
	t[size] = '\0';
	size_t i = 0;
	while (i < size) {
		size_t bad = fuzz_utf8_bad((unsigned char *)t + i, size - i);
		if (bad == (size_t)-1)
			break;
		t[i + bad] = '?';
		i += bad + 1;
	}
	return t;
}

/* NC_FUZZ_MASK_KNOWN=1 steers around bugs already reported (see
 * findings/) so a long run can look past them: NUL bytes in text inputs
 * become spaces, control bytes in resolved URLs are not checked. */
static inline bool fuzz_mask_known(void)
{
	static int v = -1;
	if (v < 0) {
		const char *e = getenv("NC_FUZZ_MASK_KNOWN");
		v = e && *e == '1';
	}
	return v;
}

static inline void fuzz_mask_nul(char *t, size_t n)
{
	if (fuzz_mask_known())
		for (size_t i = 0; i < n; i++)
			if (t[i] == '\0')
				t[i] = ' ';
}

/* The fuzz bytes as nc_read() would hand them on (valid UTF-8, NULs
 * masked when asked), and an empty document named `name` to read them
 * into; aborts when out of memory. */
static inline struct nc_doc *fuzz_doc(const uint8_t *data, size_t size, const char *name,
				      char **text)
{
	*text = fuzz_utf8_copy(data, size);
	fuzz_mask_nul(*text, size);
	struct nc_doc *d = nc_doc_new();
	if (!d || nc_set_str(&d->source_name, name))
		abort();
	return d;
}

static void fuzz_xml_quiet(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }

static inline void fuzz_quiet_libxml(void)
{
	xmlSetGenericErrorFunc(NULL, fuzz_xml_quiet);
}

/* Structural checks of a node tree: links consistent, leaves childless,
 * depth bounded, every string valid UTF-8.  Walks without recursion. */
static inline void fuzz_check_tree(const struct nc_node *root)
{
	FUZZ_ASSERT(root && root->type == NC_NODE_DOCUMENT, "root is not a DOCUMENT");
	FUZZ_ASSERT(root->parent == NULL, "root has a parent");
	const struct nc_node *n = root;
	int depth = 0;
	while (n) {
		FUZZ_ASSERT((unsigned)n->type < NC_NODE_TYPE_COUNT, "node type %d out of range", (int)n->type);
		FUZZ_ASSERT(n == root || n->type != NC_NODE_DOCUMENT, "DOCUMENT below the root");
		FUZZ_ASSERT(depth <= NC_MAX_TREE_DEPTH + 8, "tree depth %d beyond NC_MAX_TREE_DEPTH", depth);
		if (nc_node_is_leaf(n))
			FUZZ_ASSERT(!n->first_child, "leaf %s has children", nc_node_type_name(n->type));
		FUZZ_ASSERT(!n->first_child == !n->last_child, "first/last child disagree");
		if (n->first_child) {
			FUZZ_ASSERT(n->first_child->prev == NULL, "first child has prev");
			FUZZ_ASSERT(n->last_child->next == NULL, "last child has next");
		}
		if (n->next)
			FUZZ_ASSERT(n->next->prev == n, "next->prev broken");
		if (n != root)
			FUZZ_ASSERT(n->parent != NULL, "non-root node without parent");
		switch (n->type) {
		case NC_NODE_TEXT:
		case NC_NODE_CODE:
			FUZZ_ASSERT(n->as.text.literal || n->as.text.len == 0, "text without literal");
			if (n->as.text.literal)
				FUZZ_UTF8(n->as.text.literal, n->as.text.len, "text node");
			break;
		case NC_NODE_CODE_BLOCK:
			if (n->as.code_block.literal)
				FUZZ_UTF8(n->as.code_block.literal, n->as.code_block.len, "code block");
			FUZZ_UTF8_STR(n->as.code_block.info, "code info");
			break;
		case NC_NODE_HEADING:
			FUZZ_ASSERT(n->as.heading.level >= 1 && n->as.heading.level <= 6,
				    "heading level %d", n->as.heading.level);
			break;
		case NC_NODE_LINK:
			FUZZ_UTF8_STR(n->as.link.url, "link url");
			FUZZ_UTF8_STR(n->as.link.title, "link title");
			break;
		case NC_NODE_IMAGE:
			FUZZ_UTF8_STR(n->as.image.url, "image url");
			FUZZ_UTF8_STR(n->as.image.alt, "image alt");
			FUZZ_UTF8_STR(n->as.image.title, "image title");
			break;
		case NC_NODE_EMBED:
			FUZZ_UTF8_STR(n->as.embed.url, "embed url");
			FUZZ_UTF8_STR(n->as.embed.poster, "embed poster");
			FUZZ_UTF8_STR(n->as.embed.title, "embed title");
			break;
		default:
			break;
		}
		/* next in document order */
		if (n->first_child) {
			FUZZ_ASSERT(n->first_child->parent == n, "child->parent broken");
			n = n->first_child;
			depth++;
			continue;
		}
		while (n && n != root && !n->next) {
			n = n->parent;
			depth--;
		}
		if (!n || n == root)
			break;
		FUZZ_ASSERT(n->next->parent == n->parent, "sibling with another parent");
		n = n->next;
	}
}

static inline void fuzz_check_strlist(const struct nc_strlist *l, const char *what)
{
	for (size_t i = 0; i < l->len; i++) {
		FUZZ_ASSERT(l->items[i], "%s[%zu] is NULL", what, i);
		FUZZ_UTF8_STR(l->items[i], what);
	}
}

/* Every metadata string valid UTF-8; dates normalised as documented. */
static inline void fuzz_check_meta(const struct nc_meta *m)
{
	FUZZ_ASSERT((unsigned)m->fm_kind <= NC_FM_TOML, "fm_kind %d", (int)m->fm_kind);
	FUZZ_UTF8_STR(m->title, "title");
	FUZZ_UTF8_STR(m->title_raw, "title_raw");
	FUZZ_UTF8_STR(m->date_raw, "date_raw");
	FUZZ_UTF8_STR(m->updated_raw, "updated_raw");
	FUZZ_UTF8_STR(m->language, "language");
	FUZZ_UTF8_STR(m->cover, "cover");
	FUZZ_UTF8_STR(m->description, "description");
	FUZZ_UTF8_STR(m->source_url, "source_url");
	FUZZ_UTF8_STR(m->fm_raw, "fm_raw");
	fuzz_check_strlist(&m->authors, "authors");
	fuzz_check_strlist(&m->tags, "tags");
	for (size_t i = 0; i < m->ncategories; i++)
		fuzz_check_strlist(&m->categories[i], "categories");
	for (size_t i = 0; i < m->nextra; i++) {
		FUZZ_ASSERT(m->extra[i].key, "extra[%zu].key NULL", i);
		FUZZ_UTF8_STR(m->extra[i].key, "extra key");
		FUZZ_UTF8_STR(m->extra[i].value, "extra value");
	}
	const char *dates[2] = { m->date, m->updated };
	for (int k = 0; k < 2; k++) {
		const char *d = dates[k];
		if (!d)
			continue;
		/* "2022-07-29T04:55:15Z" */
		static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
		FUZZ_ASSERT(strlen(d) == 20, "%s \"%s\" is not YYYY-MM-DDTHH:MM:SSZ", k ? "updated" : "date", d);
		for (int i = 0; i < 20; i++)
			FUZZ_ASSERT(shape[i] == 'd' ? (d[i] >= '0' && d[i] <= '9') : d[i] == shape[i],
				    "%s \"%s\" is not YYYY-MM-DDTHH:MM:SSZ", k ? "updated" : "date", d);
		char iso[21];
		nc_date_iso(k ? m->updated_epoch : m->date_epoch, iso);
		FUZZ_ASSERT(strcmp(iso, d) == 0, "%s \"%s\" but its epoch gives \"%s\"", k ? "updated" : "date", d, iso);
	}
}

#endif
