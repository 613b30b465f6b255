/* charset.h - input bytes to UTF-8. */
#ifndef NC_CHARSET_H
#define NC_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "newsconv.h"
#include "util/buf.h"

/* Convert `in` to UTF-8 into a new malloc'd, NUL-terminated *out: a
 * charset declared in the HTML (<meta charset>, http-equiv) wins; else
 * valid UTF-8 is kept as is; else GB18030 is tried, then Windows-1252.
 * A fallback is recorded as a doc warning.  The result is always valid
 * UTF-8. */
int nc_charset_to_utf8(const char *name, const unsigned char *in, size_t len,
		       char **out, size_t *outlen, struct nc_doc *doc,
		       struct nc_err *err);

/* Convert `in`, labelled `label` by its transport (an archived HTTP
 * response's Content-Type charset), to UTF-8 into `out` with the same
 * label table as above (Latin-1 labels as Windows-1252, GB2312/GBK as
 * GB18030); undecodable bytes become U+FFFD.  -1 when the label is
 * unknown or UTF-8 (nothing converted: read the bytes as usual). */
int nc_charset_label_to_utf8(const char *label, const unsigned char *in, size_t len,
			     struct nc_buf *out);

/* The name iconv decodes a charset label by, from the one label table
 * (WHATWG Encoding: ISO-8859-1 and ASCII labels are windows-1252, GBK
 * labels GB18030): "UTF-8", "WINDOWS-1252", "GB18030", or the label as
 * it is.  *ascii (may be NULL): the label promises ASCII only. */
const char *nc_charset_name(const char *label, bool *ascii);
bool nc_charset_is_utf8(const char *label);
bool nc_charset_is_cp1252(const char *label);

/* Undeclared bytes that are not UTF-8: "KOI8-R" or "WINDOWS-1251" when
 * they read as Cyrillic text (heuristic stated in charset.c), else NULL. */
const char *nc_charset_guess_legacy(const unsigned char *in, size_t len);

/* Windows-1252 bytes as UTF-8 onto out (the five undefined bytes U+FFFD). */
void nc_charset_from_cp1252(const unsigned char *in, size_t len, struct nc_buf *out);

#endif
