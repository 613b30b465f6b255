/* url.h - the small amount of URL handling the pipeline needs. */
#ifndef NC_UTIL_URL_H
#define NC_UTIL_URL_H

#include <stdbool.h>

/* Resolve `ref` against `base` (RFC 3986 section 5); base may be NULL.
 * Protocol-relative "//host/x" becomes "https://host/x".  Returns a
 * malloc'd string, or NULL when ref is empty or on OOM. */
char *nc_url_resolve(const char *base, const char *ref);
bool nc_url_is_http(const char *url);       /* http: or https: */
bool nc_url_is_absolute(const char *url);   /* has a scheme */
/* Lower-cased host of an absolute URL, malloc'd, or NULL. */
char *nc_url_host(const char *url);

#endif
