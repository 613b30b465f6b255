/* json_read.h - a small bounded JSON reader (RFC 8259) for what pages
 * embed (JSON-LD): the text becomes a flat array of values linked by
 * index, read without recursion.  The writer's escaper is util/json.h. */
#ifndef NC_UTIL_JSON_READ_H
#define NC_UTIL_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

enum nc_jtype { NC_J_NULL, NC_J_FALSE, NC_J_TRUE, NC_J_NUMBER, NC_J_STRING,
		NC_J_ARRAY, NC_J_OBJECT };

/* One value.  An object's children are its keys (strings), each key's
 * one child its value; an array's children are its elements.  Indexes
 * are into nc_jdoc.v; -1 is "none". */
struct nc_jval {
	enum nc_jtype type;
	size_t start, len;   /* in the source: a string without its quotes */
	int first, next;     /* first child, next sibling */
	bool escaped;        /* a string holding backslash escapes */
};

struct nc_jdoc {
	const char *src;     /* borrowed: must outlive the jdoc */
	struct nc_jval *v;   /* v[0] is the top value */
	size_t n, cap;
};

/* Limits: nesting past NC_JSON_MAX_DEPTH or more than NC_JSON_MAX_VALUES
 * values is a parse error (no partial tree). */
enum { NC_JSON_MAX_DEPTH = 64, NC_JSON_MAX_VALUES = 200000 };

/* Parses s[0..len).  Lenient where pages are: trailing commas, raw
 * control characters inside strings, a UTF-8 BOM, and HTML comment or
 * CDATA markers around the text are accepted.  NC_OK, NC_ERR_PARSE
 * (the jdoc is then empty) or NC_ERR_NOMEM.  Free with nc_jdoc_free
 * either way. */
int nc_jdoc_parse(struct nc_jdoc *j, const char *s, size_t len);
void nc_jdoc_free(struct nc_jdoc *j);

/* The value of `key` in object `obj`, or -1 (not an object, no key). */
int nc_jdoc_get(const struct nc_jdoc *j, int obj, const char *key);

/* A string's decoded text (escapes resolved, \u surrogate pairs joined,
 * lone surrogates and \u0000 as U+FFFD), or a number's text, in a new
 * malloc'd string in *out; *out is NULL for other types.  NC_OK or
 * NC_ERR_NOMEM. */
int nc_jdoc_text(const struct nc_jdoc *j, int idx, char **out);

/* Whether value idx is a string equal to `s` (as decoded). */
bool nc_jdoc_str_is(const struct nc_jdoc *j, int idx, const char *s);

#endif
