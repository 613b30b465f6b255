/* charset.h - input bytes to UTF-8. */
#ifndef NC_CHARSET_H
#define NC_CHARSET_H

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

#endif
