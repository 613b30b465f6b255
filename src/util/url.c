/* TEMPORARY placeholder so the tree builds while this part is written. */
#include "newsconv.h"
#include "util/url.h"
#include <stddef.h>
char *nc_url_resolve(const char *base, const char *ref) { (void)base; (void)ref; return NULL; }
bool nc_url_is_http(const char *url) { (void)url; return false; }
bool nc_url_is_absolute(const char *url) { (void)url; return false; }
char *nc_url_host(const char *url) { (void)url; return NULL; }
