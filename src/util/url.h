/* url.h - the small amount of URL handling the pipeline needs. */
#ifndef NC_UTIL_URL_H
#define NC_UTIL_URL_H

#include <stdbool.h>

/* Resolve `ref` against `base` (RFC 3986 section 5); base may be NULL.
 * Protocol-relative "//host/x" becomes "https://host/x".  The result
 * never holds an ASCII control character (they are removed).  Returns
 * a malloc'd string, or NULL when ref is blank (nc_url_is_blank) or on
 * OOM: callers tell the two apart with nc_url_is_blank(ref). */
char *nc_url_resolve(const char *base, const char *ref);
/* Only spaces and ASCII control characters (or NULL): no URL at all. */
bool nc_url_is_blank(const char *s);
/* Remove ASCII control characters (C0 and DEL) in place: what is left of
 * a URL from the input can go into a header or a file safely. */
void nc_url_strip_controls(char *s);
bool nc_url_is_http(const char *url);       /* http: or https: */
bool nc_url_is_absolute(const char *url);   /* has a scheme */
/* Lower-cased host of an absolute URL, malloc'd, or NULL. */
char *nc_url_host(const char *url);

#endif
