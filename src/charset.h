/* charset.h - input bytes to UTF-8. */
#ifndef NC_CHARSET_H
#define NC_CHARSET_H

#include <stddef.h>

#include "newsconv.h"

/* Convert `in` to UTF-8 into a new malloc'd, NUL-terminated *out: a
 * charset declared in the HTML (<meta charset>, http-equiv) wins; else
 * valid UTF-8 is kept as is; else GB18030 is tried, then Windows-1252.
 * A fallback is recorded as a doc warning.  The result is always valid
 * UTF-8. */
int nc_charset_to_utf8(const char *name, const unsigned char *in, size_t len,
		       char **out, size_t *outlen, struct nc_doc *doc,
		       struct nc_err *err);

#endif
