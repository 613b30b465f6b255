/* fetch_parse.c - the response head and cache entry parsing of the
 * fetcher, without libcurl (see fetch_parse.h). */
#include "fetch_parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/date.h"
#include "util/url.h"

char *nc_fetch_head_value(const char *head, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *p = head, *end = head + len;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		if ((size_t)(e - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			/* The value ends at the first CR, as libcurl reads one:
			 * a bare CR must not reach a request header or the
			 * .meta file (fuzz finding fetch-header-bare-cr); and
			 * at a NUL, where the string would end anyway, so the
			 * blanks before it go too (fetch-header-nul-untrimmed). */
			const char *ve = v;
			while (ve < e && *ve != '\r' && *ve != '\0')
				ve++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			return strndup(v, (size_t)(ve - v));
		}
		p = e + 1;
	}
	return NULL;
}

long nc_fetch_max_age(const char *head, size_t len)
{
	char *cc = nc_fetch_head_value(head, len, "Cache-Control");
	long age = NC_FETCH_DEFAULT_MAX_AGE;
	if (cc) {
		const char *m = strstr(cc, "max-age=");
		if (m)
			age = strtol(m + 8, NULL, 10);
		if (strstr(cc, "no-cache") || strstr(cc, "no-store"))
			age = 0;
	}
	free(cc);
	return age < 0 ? 0 : age;
}

double nc_fetch_retry_after(const char *value, int64_t now, double cap)
{
	if (!value || !(cap > 0))
		return 0;
	char *end;
	double r = strtod(value, &end);
	if (end == value) {
		/* Not a number: an HTTP-date (RFC 9110 10.2.3), from now. */
		int64_t when, d;
		r = nc_date_parse(value, &when) == 0 && !__builtin_sub_overflow(when, now, &d) ? (double)d : 0;
	}
	/* Negative, NaN: no wait asked for (fuzz finding
	 * fetch-retry-after-negative); infinite: the cap. */
	if (!(r > 0))
		return 0;
	return r > cap ? cap : r;
}

/* Length of the valid UTF-8 sequence at p (NUL-terminated), or 0. */
static size_t utf8_seq(const unsigned char *p)
{
	size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
		 : p[0] >= 0xe0 && p[0] <= 0xef ? 3 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
		return 0; /* overlong, surrogate */
	if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))
		return 0; /* overlong, beyond U+10FFFF */
	return n;
}

/* A URL as a request line can carry it, the way libcurl and browsers
 * follow a Location: spaces, bytes beyond ASCII and other characters
 * RFC 3986 does not allow there percent-encoded,
 * except valid UTF-8 in the host (an IDN, which curl converts).  Fuzz
 * finding fetch-location-space: a space made curl refuse the next hop. */
static char *encode_for_request(char *s)
{
	if (!s)
		return NULL;
	struct nc_buf b = {0};
	/* The host: after "scheme://" or a leading "//" only
	 * (fetch-location-relative-authority). */
	const char *auth = s[0] == '/' && s[1] == '/' ? s : NULL;
	if (nc_url_is_absolute(s) && !strncmp(strchr(s, ':'), "://", 3))
		auth = strchr(s, ':');
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *host = auth ? (const unsigned char *)strchr(auth, '/') + 2 : NULL;
	const unsigned char *host_end = host ? host + strcspn((const char *)host, "/?#") : NULL;
	bool fragment = false;
	while (*p) {
		bool in_host = host && p >= host && p < host_end;
		size_t n = in_host ? utf8_seq(p) : 0;
		/* What RFC 3986 allows where it stands (else libxml2 gives
		 * up on the reference: fetch-location-relative-unparsed). */
		bool ok = *p > 0x20 && *p < 0x7f && !strchr("\"<>\\^`{|}", *p) &&
			  (*p != '%' || (isxdigit(p[1]) && isxdigit(p[2]))) &&
			  ((*p != '[' && *p != ']') || in_host) && (*p != '#' || !fragment);
		fragment |= *p == '#';
		if (ok) {
			nc_buf_putc(&b, *p++);
		} else if (n > 1) {
			nc_buf_put(&b, p, n);
			p += n;
		} else {
			nc_buf_printf(&b, "%%%02X", *p++);
		}
	}
	free(s);
	if (b.oom) {
		nc_buf_free(&b);
		return NULL;
	}
	return nc_buf_detach(&b, NULL);
}

char *nc_fetch_location(const char *head, size_t len, const char *base)
{
	char *loc = nc_fetch_head_value(head, len, "Location");
	if (!loc)
		return NULL;
	nc_url_strip_controls(loc);
	size_t skip = strspn(loc, " \t"), n = strlen(loc);
	while (n > skip && (loc[n - 1] == ' ' || loc[n - 1] == '\t'))
		n--;
	memmove(loc, loc + skip, n - skip);
	loc[n - skip] = '\0';
	/* Encoded before resolving too: nc_url_resolve() keeps a reference
	 * libxml2 cannot parse (a space, raw UTF-8) as written, relative
	 * (fuzz finding fetch-location-relative-non-ascii). */
	loc = encode_for_request(loc);
	if (!loc)
		return NULL;
	char *r;
	size_t seg = strcspn(loc, "/?#");
	if (!nc_url_is_absolute(loc) && memchr(loc, ':', seg)) {
		/* ":x" is a path, but not one RFC 3986 lets stand first
		 * (section 4.2): "./:x" (fetch-location-colon-segment). */
		struct nc_buf b = {0};
		nc_buf_printf(&b, "./%s", loc);
		free(loc);
		loc = nc_buf_detach(&b, NULL);
		if (!loc)
			return NULL;
	}
	if (loc[0] == '/' && loc[1] == '/' && nc_url_is_absolute(base)) {
		/* A network-path reference takes the scheme of the request
		 * (RFC 3986 5.2.2), not the https nc_url_resolve() gives
		 * one in an article. */
		struct nc_buf b = {0};
		nc_buf_printf(&b, "%.*s%s", (int)(strchr(base, ':') - base + 1), base, loc);
		char *abs = nc_buf_detach(&b, NULL);
		r = abs ? nc_url_resolve(NULL, abs) : NULL;
		free(abs);
	} else {
		r = nc_url_resolve(base, loc);
	}
	free(loc);
	if (r && !nc_url_is_absolute(r)) {
		/* libxml2 could not resolve it (a base it cannot parse:
		 * fetch-location-bad-base): no Location to follow. */
		free(r);
		return NULL;
	}
	return encode_for_request(r);
}

const char *nc_fetch_redirect_refused(const char *url)
{
	if (!nc_url_is_http(url))
		return "redirected to a URL that is not http or https";
	/* "http:///x": fuzz finding fetch-location-no-host. */
	char *host = nc_url_host(url);
	bool empty = !host || !*host;
	free(host);
	if (empty)
		return "redirected to a URL without a host";
	return NULL;
}

char *nc_fetch_meta_value(const char *meta, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = meta; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, kl) && p[kl] == ':' && p[kl + 1] == ' ') {
			const char *v = p + kl + 2;
			return strndup(v, strcspn(v, "\n"));
		}
	}
	return NULL;
}

/* A decimal integer and nothing else, in [lo, hi]. */
static bool parse_int(const char *s, long long lo, long long hi, long long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A URL the fetcher could have requested: http(s) with a host (fuzz
 * finding fetch-meta-final-url-no-host), no blanks or controls, valid
 * UTF-8. */
static bool fit_for_request(const char *url)
{
	if (nc_fetch_redirect_refused(url))
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; ) {
		size_t n = utf8_seq(p);
		if (n == 0 || *p <= 0x20 || *p == 0x7f)
			return false;
		p += n;
	}
	return true;
}

bool nc_fetch_meta_parse(const char *meta, const char *url, struct nc_fetch_meta *m)
{
	memset(m, 0, sizeof *m);
	char *u = nc_fetch_meta_value(meta, "url");
	char *date = nc_fetch_meta_value(meta, "date");
	char *age = nc_fetch_meta_value(meta, "max-age");
	char *status = nc_fetch_meta_value(meta, "status");
	long long d = 0, st = 0;
	/* Only what cache_store() writes is an entry: numbers in range
	 * (fuzz findings fetch-meta-date-overflow, fetch-meta-status-range),
	 * values without CR or other controls, which would reach request
	 * headers and WARC headers (fetch-meta-etag-cr), and a final URL
	 * the fetcher could have asked for
	 * (fetch-meta-final-url-invalid-utf8). */
	bool ok = u && !strcmp(u, url) && parse_int(date, INT64_MIN, INT64_MAX, &d) &&
		  parse_int(status, 100, 599, &st);
	if (ok) {
		m->date = d;
		m->max_age = age ? strtol(age, NULL, 10) : NC_FETCH_DEFAULT_MAX_AGE;
		if (m->max_age < 0)
			m->max_age = 0;
		m->status = (int)st;
		m->etag = nc_fetch_meta_value(meta, "etag");
		m->last_modified = nc_fetch_meta_value(meta, "last-modified");
		m->ip = nc_fetch_meta_value(meta, "ip");
		m->final_url = nc_fetch_meta_value(meta, "final-url");
		ok = !has_control(m->etag) && !has_control(m->last_modified) && !has_control(m->ip) &&
		     (!m->final_url || fit_for_request(m->final_url));
		if (!ok)
			nc_fetch_meta_free(m);
	}
	free(u);
	free(date);
	free(age);
	free(status);
	return ok;
}

void nc_fetch_meta_free(struct nc_fetch_meta *m)
{
	free(m->etag);
	free(m->last_modified);
	free(m->ip);
	free(m->final_url);
	memset(m, 0, sizeof *m);
}

bool nc_fetch_fresh(int64_t date, long max_age, int64_t now)
{
	int64_t age;
	/* A date no run could have written (fuzz finding
	 * fetch-meta-date-overflow) is stale. */
	if (__builtin_sub_overflow(now, date, &age))
		return false;
	return age < max_age;
}
