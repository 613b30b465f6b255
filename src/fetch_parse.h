/* fetch_parse.h - what the fetcher (fetch.c) reads from a server's
 * response head and from its cache entries, as functions of bytes with
 * no libcurl in them, so that tests/fuzz/fuzz_fetch.c can feed them
 * directly.  Internal: not part of newsconv.h. */
#ifndef NC_FETCH_PARSE_H
#define NC_FETCH_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Without a Cache-Control max-age, an entry is fresh for a day. */
#define NC_FETCH_DEFAULT_MAX_AGE (24 * 3600)

/* The value of the first header `name` (case-insensitive) in a response
 * head of len bytes, without surrounding blanks, malloc'd; NULL when
 * there is none. */
char *nc_fetch_head_value(const char *head, size_t len, const char *name);

/* Seconds an entry stays fresh from the head's Cache-Control (max-age,
 * no-cache, no-store); NC_FETCH_DEFAULT_MAX_AGE without one.  >= 0. */
long nc_fetch_max_age(const char *head, size_t len);

/* Seconds to wait before a retry from a Retry-After value (NULL: none):
 * delta-seconds, or an HTTP-date taken from now (epoch seconds).  0 for
 * none, garbage, a negative number or a date past; never above cap. */
double nc_fetch_retry_after(const char *value, int64_t now, double cap);

/* The Location of a redirect response resolved against base (the URL
 * that was requested), malloc'd, with spaces, non-ASCII bytes (but in
 * the host) and characters RFC 3986 does not allow percent-encoded, as
 * libcurl encodes a redirect; NULL when there is none or it cannot be
 * resolved.  Absolute, but not always http(s): see
 * nc_fetch_redirect_refused(). */
char *nc_fetch_location(const char *head, size_t len, const char *base);

/* NULL when a redirect to url may be followed, else why not. */
const char *nc_fetch_redirect_refused(const char *url);

/* A cache entry's .meta file: "key: value" lines. */
struct nc_fetch_meta {
	int64_t date;           /* when it was fetched or revalidated */
	long max_age;
	int status;
	char *etag, *last_modified, *ip;
	char *final_url;        /* the URL the exchange was for, if not the key's */
};

/* The value of "key: value" in a .meta text, malloc'd, or NULL. */
char *nc_fetch_meta_value(const char *meta, const char *key);
/* Read a .meta text kept for url.  false (and *m cleared) when it is not
 * an entry for url: a hash collision or a stale layout is a miss. */
bool nc_fetch_meta_parse(const char *meta, const char *url, struct nc_fetch_meta *m);
void nc_fetch_meta_free(struct nc_fetch_meta *m);
/* May an entry stored at `date` with max_age be used at `now` without
 * asking the server? */
bool nc_fetch_fresh(int64_t date, long max_age, int64_t now);

#endif
