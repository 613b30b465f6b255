/* text.h - UTF-8 checks and XML/HTML escaping shared by the writers. */
#ifndef NC_UTIL_TEXT_H
#define NC_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid. */
size_t nc_utf8_valid_seq(const unsigned char *s, size_t n);
bool nc_utf8_valid(const char *s, size_t n);
/* Make *s valid UTF-8 in place of the old string: each byte that starts
 * no valid sequence becomes U+FFFD.  NC_OK or NC_ERR_NOMEM. */
int nc_utf8_repair(char **s);
/* Decode one code point; returns bytes used (0 on invalid). */
size_t nc_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);
int nc_utf8_encode(unsigned cp, char out[4]); /* returns length */

/* Append s with &, <, > (and " when attr) escaped.  Characters not
 * allowed in XML 1.0 (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF)
 * and invalid UTF-8 bytes are replaced by U+FFFD, so the result is
 * always well-formed XML. */
int nc_buf_put_xml(struct nc_buf *b, const char *s, size_t n, bool attr);
int nc_buf_puts_xml(struct nc_buf *b, const char *s, bool attr);

/* Collapse runs of ASCII whitespace to one space and trim; returns a new
 * malloc'd string (NULL on OOM).  U+3000 is not whitespace here. */
char *nc_str_squash(const char *s);
bool nc_str_blank(const char *s); /* NULL, empty, or ASCII whitespace only */

/* Append a file-name slug of title, at most max bytes: ASCII letters
 * (lower-cased) and digits and every non-ASCII letter (CJK kept), each
 * run of anything else one '-', none at either end; the same bytes
 * whatever the locale.  Appends nothing for a title without letters. */
int nc_slug(struct nc_buf *out, const char *title, size_t max);
/* Append the n bytes of s as a file name, at most max bytes: ASCII
 * letters and digits, "-_.+,=@~" and non-ASCII letters kept as they are
 * (case too); every other byte or character - controls, bidirectional
 * and zero-width marks, punctuation the slug drops - becomes '_'.  No
 * leading dot (no hidden file, no ".."). */
int nc_safe_name(struct nc_buf *out, const char *s, size_t n, size_t max);

#endif
