/* fuzz_fetch: what the fetcher reads from a server and from its cache
 * (src/fetch_parse.c), and the sniffing of the bytes it gets
 * (nc_blob_new, nc_sniff_image).  Input:
 *
 *   request URL "\n" response head "\r\n\r\n" body
 *
 * The first line is the URL that was requested (a default one when it
 * is not an http(s) URL the fetcher could have asked for); the head runs
 * to its first empty line, and is read a second time as a cache entry's
 * .meta text; the rest is the body.  Invariants:
 *   - header values have no CR or LF and no blanks at either end;
 *   - Retry-After gives a finite wait in [0, cap] for every cap;
 *   - max-age is >= 0, and freshness is decided without overflow;
 *   - a resolved Location is absolute (the request URL is); one the
 *     fetcher would follow is an absolute http(s) URL
 *     with a host, valid UTF-8, without control characters or spaces,
 *     and resolving it again gives itself;
 *   - values read from a .meta file have no CR or LF; its final-url is
 *     one the fetcher could have redirected to;
 *   - the sniffed type is one of sniff.c's, the blob holds the bytes
 *     and their SHA-1.
 * No crash, no undefined behaviour, no leak. */
#include <math.h>

#include "fuzz_common.h"
#include "fetch_parse.h"
#include "sniff.h"
#include "util/digest.h"
#include "util/url.h"

#define DEFAULT_BASE "https://example.com/img/a.png"
#define NOW ((int64_t)1700000000)

static const char *const header_names[] = {
	"Location", "Retry-After", "ETag", "Last-Modified", "Cache-Control",
	"Content-Type", "Content-Length", "Date", "Set-Cookie", "",
};

static const char *const image_types[][2] = {
	{"image/jpeg", ".jpg"}, {"image/png", ".png"}, {"image/gif", ".gif"},
	{"image/webp", ".webp"}, {"image/avif", ".avif"}, {"image/svg+xml", ".svg"},
};

static bool has_ctrl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void check_value(const char *v, const char *name, const char *what)
{
	FUZZ_ASSERT(!strpbrk(v, "\r\n"), "%s %s \"%s\" holds CR or LF", what, name, v);
}

static void check_retry_after(const char *v)
{
	static const double caps[] = {10.0, 0.0, 1e9};
	for (size_t i = 0; i < sizeof caps / sizeof *caps; i++) {
		double w = nc_fetch_retry_after(v, NOW, caps[i]);
		FUZZ_ASSERT(isfinite(w) && w >= 0 && w <= caps[i],
			    "Retry-After \"%s\" (cap %g) gives %g", v ? v : "(none)", caps[i], w);
	}
}

/* What the fetcher would request next: checked as start() and curl see it. */
static void check_follow(const char *url, const char *what, const char *base)
{
	FUZZ_ASSERT(nc_url_is_http(url) && nc_url_is_absolute(url),
		    "%s \"%s\" (base \"%s\") is followed but not an absolute http(s) URL", what, url, base);
	FUZZ_ASSERT(!has_ctrl(url), "%s \"%s\" (base \"%s\") has control characters", what, url, base);
	FUZZ_ASSERT(!strchr(url, ' '), "%s \"%s\" (base \"%s\") has a space", what, url, base);
	FUZZ_UTF8_STR(url, what);
	char *host = nc_url_host(url);
	FUZZ_ASSERT(host && *host, "%s \"%s\" (base \"%s\") has no host", what, url, base);
	free(host);
}

static void check_location(const char *head, size_t len, const char *base)
{
	char *loc = nc_fetch_location(head, len, base);
	if (!loc)
		return;
	/* The request URL is absolute: so is every resolved Location. */
	FUZZ_ASSERT(nc_url_is_absolute(loc), "Location \"%s\" (base \"%s\") left relative", loc, base);
	if (!nc_fetch_redirect_refused(loc)) {
		check_follow(loc, "Location", base);
		/* The next hop's own Location to itself stays put. */
		size_t n = strlen(loc);
		char *h2 = malloc(n + 64);
		if (!h2)
			abort();
		int hl = snprintf(h2, n + 64, "HTTP/1.1 302 Found\r\nLocation: %s\r\n\r\n", loc);
		char *again = nc_fetch_location(h2, (size_t)hl, loc);
		FUZZ_ASSERT(again && !strcmp(again, loc), "Location \"%s\" resolves again to \"%s\"",
			    loc, again ? again : "(null)");
		free(again);
		free(h2);
	}
	free(loc);
}

static void check_meta(const char *text, const char *url)
{
	struct nc_fetch_meta m;
	if (!nc_fetch_meta_parse(text, url, &m)) {
		FUZZ_ASSERT(!m.etag && !m.last_modified && !m.ip && !m.final_url, "a miss left values");
		return;
	}
	FUZZ_ASSERT(m.max_age >= 0, "max-age %ld read from the cache", m.max_age);
	FUZZ_ASSERT(m.status >= 100 && m.status <= 599, "status %d read from the cache", m.status);
	if (m.etag)
		check_value(m.etag, "etag", "cache");
	if (m.last_modified)
		check_value(m.last_modified, "last-modified", "cache");
	if (m.ip)
		check_value(m.ip, "ip", "cache");
	if (m.final_url)
		check_follow(m.final_url, "cached final-url", url);
	static const int64_t nows[] = {NOW, 0, (int64_t)1 << 40};
	for (size_t i = 0; i < sizeof nows / sizeof *nows; i++)
		(void)nc_fetch_fresh(m.date, m.max_age, nows[i]);
	nc_fetch_meta_free(&m);
}

static void check_body(const unsigned char *p, size_t n)
{
	const struct nc_image_type *t = nc_sniff_image(p, n);
	struct nc_blob *b = nc_blob_new(p, n);
	if (!b)
		abort();
	FUZZ_ASSERT(b->size == n && (n == 0 || !memcmp(b->data, p, n)), "blob does not hold the bytes");
	unsigned char sha[20];
	nc_sha1(p, n, sha);
	FUZZ_ASSERT(!memcmp(sha, b->sha1, 20), "blob SHA-1 differs");
	if (!t) {
		FUZZ_ASSERT(!b->media_type[0] && !b->ext[0], "type \"%s\" without a sniffed one", b->media_type);
	} else {
		bool known = false;
		for (size_t i = 0; i < sizeof image_types / sizeof *image_types; i++)
			if (!strcmp(t->media_type, image_types[i][0]) && !strcmp(t->ext, image_types[i][1]))
				known = true;
		FUZZ_ASSERT(known, "unknown sniffed type \"%s\" \"%s\"", t->media_type, t->ext);
		FUZZ_ASSERT(!strcmp(b->media_type, t->media_type) && !strcmp(b->ext, t->ext),
			    "blob type \"%s\" \"%s\" is not the sniffed \"%s\"", b->media_type, b->ext, t->media_type);
	}
	nc_blob_unref(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	const char *in = (const char *)data, *end = in + size;
	const char *nl = memchr(in, '\n', size);
	size_t ul = nl ? (size_t)(nl - in) : 0;
	char *base = strndup(nl ? in : "", ul);
	if (!base)
		abort();
	/* start() refuses a URL with control characters; a request URL is
	 * resolved and http(s). */
	if (strlen(base) != ul || !nc_url_is_http(base) || has_ctrl(base) || strchr(base, ' ') ||
	    !fuzz_utf8_ok(base, ul)) {
		free(base);
		base = strdup(DEFAULT_BASE);
		if (!base)
			abort();
	}
	const char *head = nl ? nl + 1 : in;
	size_t rest = (size_t)(end - head), hl = rest;
	for (size_t i = 0; i + 4 <= rest; i++)
		if (!memcmp(head + i, "\r\n\r\n", 4)) {
			hl = i + 4;
			break;
		}
	const unsigned char *body = (const unsigned char *)head + hl;
	size_t bl = rest - hl;

	/* The head as the fetcher holds it (nc_buf: NUL after the bytes). */
	char *h = malloc(hl + 1);
	if (!h)
		abort();
	memcpy(h, head, hl);
	h[hl] = '\0';

	for (size_t i = 0; i < sizeof header_names / sizeof *header_names; i++) {
		char *v = nc_fetch_head_value(h, hl, header_names[i]);
		if (!v)
			continue;
		check_value(v, header_names[i], "header");
		size_t vl = strlen(v);
		FUZZ_ASSERT(vl == 0 || (v[0] != ' ' && v[0] != '\t' && v[vl - 1] != ' ' && v[vl - 1] != '\t'),
			    "header %s \"%s\" not trimmed", header_names[i], v);
		free(v);
	}
	char *ra = nc_fetch_head_value(h, hl, "Retry-After");
	check_retry_after(ra);
	free(ra);
	long age = nc_fetch_max_age(h, hl);
	FUZZ_ASSERT(age >= 0, "max-age %ld", age);
	check_location(h, hl, base);
	/* The stored heads and .meta of a cache entry are text read back. */
	check_meta(h, base);
	check_body(body, bl);

	free(h);
	free(base);
	return 0;
}
