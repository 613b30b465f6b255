/* json.h - the one JSON string escaper, shared by the JSON writer, the
 * WARC writer's CDXJ index and the WACZ's pages.jsonl and datapackage,
 * so that one string is written the same way everywhere. */
#ifndef NC_UTIL_JSON_H
#define NC_UTIL_JSON_H

#include "util/buf.h"

/* `s` (NULL: "") as a quoted JSON string (RFC 8259): '"' and '\\'
 * escaped, \n \r \t as such, other C0 controls as \u00XX, valid UTF-8
 * as is, each invalid byte as \ufffd, so that the result always parses
 * and is valid UTF-8. */
void nc_json_str(struct nc_buf *b, const char *s);

#endif
