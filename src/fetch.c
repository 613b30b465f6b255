/*
 * fetch.c - the image fetcher: every distinct image of a run through one
 * libcurl multi handle.  The only file that includes curl.h.
 *
 * Safe by default: http and https only, and no connection to loopback,
 * private, link-local, multicast or cloud-metadata addresses unless
 * allow_private is set.  The check runs in CURLOPT_OPENSOCKETFUNCTION,
 * on the address about to be connected to, so neither a redirect nor a
 * DNS answer can get past it.
 *
 * Proxies: the environment (http_proxy, https_proxy, all_proxy,
 * no_proxy) is always ignored.  With opts.proxy the only socket is to
 * the proxy, so the socket check cannot see the target: before each
 * request (each redirect hop included) the target host is resolved here
 * and every address it has must pass the same rules, and the socket
 * check lets through the proxy's own addresses only.  The proxy resolves
 * the name again itself, so a DNS answer that changes in between (DNS
 * rebinding) is not caught through a proxy.  WARC records made through
 * a proxy carry no WARC-IP-Address (the address connected to was the
 * proxy's).
 *
 * Redirects are followed here, not by libcurl (at most MAX_REDIRECTS),
 * so that every hop passes the checks above and the exchange kept for a
 * WARC is the last hop's: its URL, request head and response head.
 * What is read from a response head or a cache entry (Location,
 * Retry-After, Cache-Control, .meta) is parsed in fetch_parse.c, which
 * tests/fuzz/fuzz_fetch.c feeds.
 *
 * Types come from the bytes (sniff.c), never from Content-Type.  Bodies
 * are capped, transfers time out, 5xx / 429 / timeouts / resets are
 * retried with backoff (Retry-After honoured, capped at 10 s).  Failures
 * never abort: the resource is marked failed with a one-line reason.
 *
 * The cache (one directory, files named by the SHA-1 of the URL) keeps
 * body, request and response heads; an entry younger than its max-age
 * (24 h when the server gives none) is used without any transfer, an
 * older one is revalidated with If-None-Match / If-Modified-Since.
 *
 * nc_fetch_url() fetches one input (a feed, an article) through the same
 * machinery as one job: the same address rules, redirects, retries and
 * cache, with NC_MAX_INPUT_BYTES as the cap and any bytes accepted.
 *
 * Not supported: cookies, authentication, redirect chains in the WARC
 * (the final response is kept), HTTP/2 when recording for a WARC (the
 * record must be HTTP/1.1, so those transfers use HTTP/1.1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "newsconv.h"
#include "output.h"
#include "fetch_parse.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/map.h"
#include "util/url.h"
#include "util/text.h"

#define MAX_REDIRECTS 5
#define MAX_RETRY_AFTER 10.0

struct fetcher;

struct user {
	struct nc_doc *doc;
	struct nc_resource *res;
};

struct job {
	struct fetcher *f;
	char *url;               /* as the documents have it; the cache key */
	char *cur_url;           /* the hop being fetched after redirects, or NULL */
	char *location;          /* Location of the last 3xx, absolute */
	int redirects;
	struct user *users;
	size_t nusers;
	const char *referer;
	/* transfer */
	CURL *h;
	struct curl_slist *hdrs;
	struct nc_buf body, head, request;
	bool too_big, blocked, active;
	char blocked_ip[64];
	int attempts;
	double not_before;       /* monotonic seconds, for backoff */
	double retry_after;      /* from the last response, seconds */
	bool done;
	/* cache */
	char key[41];
	bool cached;
	struct nc_buf c_body, c_head, c_request;
	char *c_etag, *c_lastmod, *c_ip;
	char *c_final_url;       /* the URL the cached exchange was for, if not url */
	int64_t c_date;
	long c_max_age;
	int c_status;
	/* result */
	enum nc_res_state state;
	char *error;
	struct nc_blob *blob;
	struct nc_exchange *exchange;
};

struct fetcher {
	const struct nc_fetch_opts *o;
	const char *proxy;       /* NULL: connect directly */
	struct sockaddr_storage *proxy_addrs; /* what opts.proxy resolves to */
	size_t nproxy_addrs;
	struct nc_map host_checks; /* target host -> NULL-free verdict (see check_target) */
	struct job *jobs;
	size_t njobs;
	char *cache_dir;
	struct nc_fetch_stats *st;
	size_t finished, failed;
	bool input;              /* nc_fetch_url: any bytes, up to NC_MAX_INPUT_BYTES */
};

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- address policy --------------------------------------------------- */

static bool v4_blocked(const unsigned char a[4])
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 169 && a[1] == 254) ||
	       (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
	       (a[0] == 100 && (a[1] & 0xc0) == 64) || (a[0] == 192 && a[1] == 0 && a[2] == 0) ||
	       (a[0] == 198 && (a[1] & 0xfe) == 18) || a[0] >= 224;
}

static bool v6_blocked(const unsigned char a[16])
{
	static const unsigned char zero[16] = {0};
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1))
		return true;                      /* :: and ::1 */
	if (!memcmp(a, mapped, 12) || !memcmp(a, zero, 12))
		return v4_blocked(a + 12);        /* ::ffff:a.b.c.d, ::a.b.c.d */
	if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b)
		return v4_blocked(a + 12);        /* 64:ff9b::/96 (NAT64) */
	return (a[0] & 0xfe) == 0xfc ||           /* fc00::/7, incl. fd00:ec2::254 */
	       (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || /* fe80::/10 */
	       a[0] == 0xff;                      /* multicast */
}

/* Whether the options forbid a connection to this address (a struct
 * sockaddr of any family); its text goes to ip either way. */
static bool addr_refused(const struct nc_fetch_opts *o, const struct sockaddr *sa, char ip[64])
{
	bool blocked = true, loopback = false;
	snprintf(ip, 64, "?");
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
		const unsigned char *a = (const unsigned char *)&s->sin_addr;
		blocked = v4_blocked(a);
		loopback = a[0] == 127;
		inet_ntop(AF_INET, &s->sin_addr, ip, 64);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
		blocked = v6_blocked((const unsigned char *)&s->sin6_addr);
		loopback = IN6_IS_ADDR_LOOPBACK(&s->sin6_addr);
		inet_ntop(AF_INET6, &s->sin6_addr, ip, 64);
	}
	return blocked && !o->allow_private && !(loopback && o->allow_loopback);
}

static bool same_host_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, sizeof(struct in_addr));
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
	return false;
}

static curl_socket_t open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct job *j = ctx;
	const struct fetcher *f = j->f;
	(void)purpose;
	const struct sockaddr *sa = &addr->addr;
	bool to_proxy = false;
	/* The user chose the proxy; its targets were checked in start(). */
	for (size_t i = 0; f->proxy && i < f->nproxy_addrs && !to_proxy; i++)
		to_proxy = same_host_addr(sa, (const struct sockaddr *)&f->proxy_addrs[i]);
	char ip[64];
	if (!to_proxy && addr_refused(f->o, sa, ip)) {
		j->blocked = true;
		snprintf(j->blocked_ip, sizeof j->blocked_ip, "%s", ip);
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* The host of a URL as libcurl will read it (no parser differential),
 * without IPv6 brackets, malloc'd; NULL if there is none. */
static char *url_host(const char *url, bool guess_scheme)
{
	CURLU *u = curl_url();
	char *host = NULL, *out = NULL;
	unsigned flags = guess_scheme ? CURLU_DEFAULT_SCHEME | CURLU_NON_SUPPORT_SCHEME : 0;
	if (!u || curl_url_set(u, CURLUPART_URL, url, flags) != CURLUE_OK)
		goto done;
	unsigned get = 0;
#ifdef CURLU_PUNYCODE
	get = CURLU_PUNYCODE; /* what the resolver is asked for IDN hosts */
#endif
	if (curl_url_get(u, CURLUPART_HOST, &host, get) != CURLUE_OK || !host)
		goto done;
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		out = strndup(host + 1, n - 2);
	else
		out = strdup(host);
done:
	curl_free(host);
	curl_url_cleanup(u);
	return out;
}

static struct addrinfo *resolve_host(const char *host)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai = NULL;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0)
		return NULL;
	return ai;
}

static void resolve_proxy(struct fetcher *f)
{
	char *host = url_host(f->proxy, true);
	struct addrinfo *ai = host ? resolve_host(host) : NULL;
	size_t n = 0;
	for (struct addrinfo *p = ai; p; p = p->ai_next)
		n++;
	f->proxy_addrs = n ? calloc(n, sizeof *f->proxy_addrs) : NULL;
	for (struct addrinfo *p = ai; p && f->proxy_addrs; p = p->ai_next)
		if (p->ai_addrlen <= sizeof *f->proxy_addrs)
			memcpy(&f->proxy_addrs[f->nproxy_addrs++], p->ai_addr, p->ai_addrlen);
	/* Unresolvable here: curl fails to reach the proxy, or connects to
	 * an address that then has to pass the ordinary rules. */
	if (ai)
		freeaddrinfo(ai);
	free(host);
}

static char verdict_ok[] = "ok";

/* Through a proxy: may the target of this hop be fetched?  Every address
 * the host has must pass (the proxy may pick any).  One verdict per host
 * per run, kept in f->host_checks. */
static const char *check_target(struct fetcher *f, const char *url)
{
	char *host = url_host(url, false);
	if (!host)
		return "cannot find the host of the URL";
	char *v = nc_map_get_str(&f->host_checks, host);
	if (v) {
		free(host);
		return v == verdict_ok ? NULL : v;
	}
	struct nc_buf why = {0};
	struct addrinfo *ai = resolve_host(host);
	if (!ai)
		nc_buf_printf(&why, "cannot resolve %s (checked before using the proxy)", host);
	for (struct addrinfo *p = ai; p && !why.len; p = p->ai_next) {
		char ip[64];
		if (addr_refused(f->o, p->ai_addr, ip))
			nc_buf_printf(&why, "refused to connect to private address %s (use --allow-private-network)", ip);
	}
	if (ai)
		freeaddrinfo(ai);
	v = why.len ? nc_buf_detach(&why, NULL) : verdict_ok;
	nc_buf_free(&why);
	if (!v || nc_map_put_str(&f->host_checks, host, v) != NC_OK) {
		if (v != verdict_ok)
			free(v);
		free(host);
		return "out of memory";
	}
	free(host);
	return v == verdict_ok ? NULL : v;
}

/* ---- transfer callbacks ---------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct job *j = ctx;
	size_t len = size * n;
	/* MAXFILESIZE cannot see chunked bodies: count here too. */
	if (j->body.len + len > j->f->o->max_image_size) {
		j->too_big = true;
		return 0;
	}
	return nc_buf_put(&j->body, p, len) ? 0 : len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct job *j = ctx;
	size_t len = size * n;
	/* A new status line (after a redirect or 100 Continue) starts the
	 * head of the response that counts. */
	if (len >= 5 && !strncmp(p, "HTTP/", 5))
		nc_buf_truncate(&j->head, 0);
	nc_buf_put(&j->head, p, len);
	return len;
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
	struct job *j = ctx;
	(void)h;
	if (type == CURLINFO_HEADER_OUT) {
		/* Each request head arrives whole; keep the last one sent. */
		nc_buf_truncate(&j->request, 0);
		nc_buf_put(&j->request, data, size);
	}
	return 0;
}

/* ---- the cache -------------------------------------------------------- */

static char *cache_path(const struct fetcher *f, const struct job *j, const char *ext)
{
	struct nc_buf b = {0};
	nc_buf_printf(&b, "%s/%s%s", f->cache_dir, j->key, ext);
	return nc_buf_detach(&b, NULL);
}

static bool read_file(const char *path, struct nc_buf *out, size_t limit)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	bool ok = nc_buf_read_file(out, fp, limit) == NC_OK;
	fclose(fp);
	return ok;
}

/* A cache entry is whole or absent (output.c: temporary, fsync, rename). */
static bool write_file_atomic(const char *path, const void *data, size_t len)
{
	struct nc_err err;
	return nc_out_write_file(path, data, len, &err) == NC_OK;
}

static void mkdirs(const char *dir)
{
	char *d = strdup(dir);
	if (!d)
		return;
	for (char *p = d + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(d, 0700);
			*p = '/';
		}
	mkdir(d, 0700);
	free(d);
}

static void cache_load(struct fetcher *f, struct job *j)
{
	if (!f->cache_dir)
		return;
	char *pm = cache_path(f, j, ".meta"), *pb = cache_path(f, j, ".body"),
	     *ph = cache_path(f, j, ".head"), *pr = cache_path(f, j, ".req");
	struct nc_buf meta = {0};
	if (pm && pb && ph && pr && read_file(pm, &meta, 65536) && meta.data &&
	    read_file(pb, &j->c_body, f->o->max_image_size) &&
	    read_file(ph, &j->c_head, 1 << 20) && read_file(pr, &j->c_request, 1 << 20)) {
		struct nc_fetch_meta m;
		/* A hash collision or a stale layout is a miss, not an error. */
		if (nc_fetch_meta_parse(meta.data, j->url, &m)) {
			j->cached = true;
			j->c_date = m.date;
			j->c_max_age = m.max_age;
			j->c_status = m.status;
			j->c_etag = m.etag;
			j->c_lastmod = m.last_modified;
			j->c_ip = m.ip;
			j->c_final_url = m.final_url;
		}
	}
	if (!j->cached) {
		nc_buf_free(&j->c_body);
		nc_buf_free(&j->c_head);
		nc_buf_free(&j->c_request);
	}
	nc_buf_free(&meta);
	free(pm);
	free(pb);
	free(ph);
	free(pr);
}

/* The one freshness decision for images and inputs alike (input row
 * 29: the input's copy subtracted without the overflow check): a cache
 * entry answers without the network when offline or still fresh. */
static bool cache_usable(const struct fetcher *f, const struct job *j, int64_t now)
{
	return j->cached && (f->o->offline || nc_fetch_fresh(j->c_date, j->c_max_age, now));
}

static void cache_store(struct fetcher *f, struct job *j, const char *ip, int status, int64_t date)
{
	if (!f->cache_dir)
		return;
	mkdirs(f->cache_dir);
	char *etag = nc_fetch_head_value(j->head.data ? j->head.data : "", j->head.len, "ETag");
	char *lm = nc_fetch_head_value(j->head.data ? j->head.data : "", j->head.len, "Last-Modified");
	struct nc_buf meta = {0};
	nc_buf_printf(&meta, "url: %s\ndate: %lld\nmax-age: %ld\nstatus: %d\n", j->url, (long long)date,
		      nc_fetch_max_age(j->head.data ? j->head.data : "", j->head.len), status);
	if (etag)
		nc_buf_printf(&meta, "etag: %s\n", etag);
	if (lm)
		nc_buf_printf(&meta, "last-modified: %s\n", lm);
	if (ip && *ip)
		nc_buf_printf(&meta, "ip: %s\n", ip);
	if (j->cur_url)
		nc_buf_printf(&meta, "final-url: %s\n", j->cur_url);
	char *pm = cache_path(f, j, ".meta"), *pb = cache_path(f, j, ".body"),
	     *ph = cache_path(f, j, ".head"), *pr = cache_path(f, j, ".req");
	/* The meta file goes last: without it an entry does not exist. */
	if (pm && pb && ph && pr && !meta.oom &&
	    write_file_atomic(pb, j->body.data ? j->body.data : "", j->body.len) &&
	    write_file_atomic(ph, j->head.data ? j->head.data : "", j->head.len) &&
	    write_file_atomic(pr, j->request.data ? j->request.data : "", j->request.len))
		write_file_atomic(pm, meta.data, meta.len);
	free(pm);
	free(pb);
	free(ph);
	free(pr);
	free(etag);
	free(lm);
	nc_buf_free(&meta);
}

/* Rewrite only the date of a revalidated entry. */
static void cache_touch(struct fetcher *f, struct job *j, int64_t date)
{
	if (!f->cache_dir)
		return;
	char *pm = cache_path(f, j, ".meta");
	struct nc_buf meta = {0};
	nc_buf_printf(&meta, "url: %s\ndate: %lld\nmax-age: %ld\nstatus: %d\n", j->url, (long long)date,
		      nc_fetch_max_age(j->head.data ? j->head.data : "", j->head.len), j->c_status);
	if (j->c_etag)
		nc_buf_printf(&meta, "etag: %s\n", j->c_etag);
	if (j->c_lastmod)
		nc_buf_printf(&meta, "last-modified: %s\n", j->c_lastmod);
	if (j->c_ip)
		nc_buf_printf(&meta, "ip: %s\n", j->c_ip);
	if (j->c_final_url)
		nc_buf_printf(&meta, "final-url: %s\n", j->c_final_url);
	if (pm && !meta.oom)
		write_file_atomic(pm, meta.data, meta.len);
	free(pm);
	nc_buf_free(&meta);
}

/* ---- results ---------------------------------------------------------- */

static void fail(struct job *j, const char *fmt, const char *arg)
{
	struct nc_buf b = {0};
	nc_buf_printf(&b, fmt, arg);
	free(j->error);
	j->error = nc_buf_detach(&b, NULL);
	j->state = NC_RES_FAILED;
	j->done = true;
}

static struct nc_exchange *make_exchange(const char *url, const char *ip, int64_t date, int status,
					 const struct nc_buf *req, const struct nc_buf *head)
{
	struct nc_exchange *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->refs = 1;
	x->url = strdup(url);
	x->ip = ip && *ip ? strdup(ip) : NULL;
	x->date = date;
	x->status = status;
	x->request = malloc(req->len + 1);
	x->response_head = malloc(head->len + 1);
	if (!x->url || !x->request || !x->response_head) {
		nc_exchange_unref(x);
		return NULL;
	}
	memcpy(x->request, req->data ? req->data : "", req->len);
	x->request_len = req->len;
	memcpy(x->response_head, head->data ? head->data : "", head->len);
	x->response_head_len = head->len;
	return x;
}

/* Take bytes as the image: only if they are one. */
static void accept_bytes(struct fetcher *f, struct job *j, const unsigned char *p, size_t n,
			 enum nc_res_state state, const char *url, const char *ip, int64_t date, int status,
			 const struct nc_buf *req, const struct nc_buf *head)
{
	struct nc_blob *b = nc_blob_new(p, n);
	if (!b) {
		fail(j, "%s", "out of memory");
		return;
	}
	if (!b->media_type[0] && !f->input) {
		nc_blob_unref(b);
		fail(j, "%s", n == 0 ? "empty response" : "not an image (the server sent something else, e.g. an HTML page)");
		return;
	}
	j->blob = b;
	j->state = state;
	j->done = true;
	if (f->o->keep_exchange && req && head && head->len)
		j->exchange = make_exchange(url, ip, date, status, req, head);
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* data: URIs (RFC 2397) are decoded here; no network. */
static void decode_data_uri(struct fetcher *f, struct job *j)
{
	const char *comma = strchr(j->url, ',');
	if (!comma) {
		fail(j, "%s", "malformed data: URI");
		return;
	}
	bool b64 = false;
	for (const char *p = j->url + 5; p < comma; p++)
		if (!strncasecmp(p, ";base64", 7))
			b64 = true;
	struct nc_buf out = {0};
	const char *s = comma + 1;
	if (b64) {
		unsigned acc = 0;
		int bits = 0;
		for (; *s; s++) {
			int v = b64val((unsigned char)*s);
			if (v < 0)
				continue; /* padding, whitespace */
			acc = (acc << 6) | (unsigned)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				nc_buf_putc(&out, (int)((acc >> bits) & 0xff));
			}
		}
	} else {
		for (; *s; s++) {
			if (*s == '%' && hexval((unsigned char)s[1]) >= 0 && hexval((unsigned char)s[2]) >= 0) {
				nc_buf_putc(&out, hexval((unsigned char)s[1]) * 16 + hexval((unsigned char)s[2]));
				s += 2;
			} else {
				nc_buf_putc(&out, *s);
			}
		}
	}
	if (out.len > f->o->max_image_size)
		fail(j, "%s", "data: URI larger than --max-image-size");
	else
		accept_bytes(f, j, (unsigned char *)(out.data ? out.data : ""), out.len, NC_RES_FETCHED,
			     j->url, NULL, 0, 0, NULL, NULL);
	nc_buf_free(&out);
}

static void use_cache(struct fetcher *f, struct job *j, const char *why)
{
	(void)why;
	accept_bytes(f, j, (unsigned char *)(j->c_body.data ? j->c_body.data : ""), j->c_body.len,
		     NC_RES_CACHED, j->c_final_url ? j->c_final_url : j->url, j->c_ip, j->c_date, j->c_status,
		     &j->c_request, &j->c_head);
}

/* ---- transfers -------------------------------------------------------- */

/* A header value with CR or LF would end the header and start another
 * (request-header injection): such a value is never sent. */
static bool has_crlf(const char *s)
{
	return s && strpbrk(s, "\r\n") != NULL;
}

static bool has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void add_header(struct job *j, const char *name, const char *value)
{
	if (has_crlf(value))
		return; /* only validators: without them the transfer is a full GET */
	struct nc_buf hv = {0};
	nc_buf_printf(&hv, "%s: %s", name, value);
	if (hv.data && !hv.oom) {
		struct curl_slist *l = curl_slist_append(j->hdrs, hv.data);
		if (l)
			j->hdrs = l;
	}
	nc_buf_free(&hv);
}

/* false: not started, and the job has failed for good. */
static bool start(struct fetcher *f, CURLM *multi, struct job *j)
{
	const struct nc_fetch_opts *o = f->o;
	const char *ua = o->user_agent ? o->user_agent : "newsconv/" NC_VERSION;
	if (has_crlf(ua)) {
		fail(j, "%s", "refused to send a User-Agent containing CR or LF");
		return false;
	}
	if (has_crlf(j->referer)) {
		fail(j, "%s", "refused to send a Referer containing CR or LF");
		return false;
	}
	const char *url = j->cur_url ? j->cur_url : j->url;
	if (has_control(url)) {
		fail(j, "%s", "refused a URL containing control characters");
		return false;
	}
	if (f->proxy && !o->allow_private) {
		const char *why = check_target(f, url);
		if (why) {
			fail(j, "%s", why);
			return false;
		}
	}
	CURL *h = curl_easy_init();
	if (!h) {
		fail(j, "%s", "cannot start the transfer");
		return false;
	}
	nc_buf_truncate(&j->body, 0);
	nc_buf_truncate(&j->head, 0);
	nc_buf_truncate(&j->request, 0);
	j->too_big = j->blocked = false;
	j->blocked_ip[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	/* "" and not NULL: NULL would let http_proxy & co. decide. */
	curl_easy_setopt(h, CURLOPT_PROXY, f->proxy ? f->proxy : "");
	curl_easy_setopt(h, CURLOPT_NOPROXY, "");
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* finish() follows, hop by hop */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->total_timeout_ms);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 100L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 20L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_image_size);
	curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
	if (j->referer)
		curl_easy_setopt(h, CURLOPT_REFERER, j->referer);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, o->keep_exchange ? (long)CURL_HTTP_VERSION_1_1
								    : (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, j);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, j);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* the debug callback needs it */
	curl_slist_free_all(j->hdrs);
	j->hdrs = NULL;
	if (j->cached) {
		if (j->c_etag)
			add_header(j, "If-None-Match", j->c_etag);
		if (j->c_lastmod)
			add_header(j, "If-Modified-Since", j->c_lastmod);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->hdrs);
	}
	if (curl_multi_add_handle(multi, h) != CURLM_OK) {
		curl_easy_cleanup(h);
		fail(j, "%s", "cannot start the transfer");
		return false;
	}
	j->h = h;
	j->active = true;
	j->attempts++;
	return true;
}

static bool retryable(CURLcode rc, long status)
{
	if (rc == CURLE_OK)
		return status >= 500 || status == 429;
	return rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
	       rc == CURLE_PARTIAL_FILE || rc == CURLE_GOT_NOTHING || rc == CURLE_COULDNT_CONNECT;
}

/* A transfer newsconv stopped itself (a private address, too large):
 * the job fails with why; false when it was not stopped. */
static bool stopped(struct fetcher *f, struct job *j, CURLcode rc)
{
	char msg[160];
	if (j->blocked)
		snprintf(msg, sizeof msg, "refused to connect to private address %s (use --allow-private-network)",
			 j->blocked_ip);
	else if ((j->too_big || rc == CURLE_FILESIZE_EXCEEDED) && f->input)
		snprintf(msg, sizeof msg, "larger than the %u MB limit", NC_MAX_INPUT_BYTES / (1024u * 1024u));
	else if (j->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(msg, sizeof msg, "larger than %zu bytes (--max-image-size)", f->o->max_image_size);
	else
		return false;
	fail(j, "%s", msg);
	return true;
}

/* libcurl failed: the cached copy if there is one, else why. */
static void transfer_failed(struct fetcher *f, struct job *j, CURLcode rc)
{
	if (j->cached) {
		use_cache(f, j, "network failed");
		return;
	}
	const char *why = rc == CURLE_OPERATION_TIMEDOUT ? "timed out"
			: rc == CURLE_TOO_MANY_REDIRECTS ? "too many redirects"
			: rc == CURLE_PARTIAL_FILE ? "truncated response"
			: rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ? "connection reset"
			: rc == CURLE_UNSUPPORTED_PROTOCOL ? "not an http or https URL"
			: curl_easy_strerror(rc);
	fail(j, "%s", why);
}

/* A redirect: the next hop starts over (checks, retries and all), or
 * the job fails when there were too many or the target is refused. */
static void follow(struct job *j)
{
	const char *why = j->redirects >= MAX_REDIRECTS ? "too many redirects"
			: nc_fetch_redirect_refused(j->location);
	if (why) {
		fail(j, "%s", why);
		return;
	}
	free(j->cur_url);
	j->cur_url = j->location;
	j->location = NULL;
	j->redirects++;
	j->attempts = 0;
	j->not_before = 0;
}

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* A transfer ended: retry it later, follow its redirect, or settle the
 * job (the bytes, the cache's, or a failure). */
static void finish(struct fetcher *f, CURLM *multi, struct job *j, CURLcode rc)
{
	long status = 0;
	char *ipp = NULL;
	curl_easy_getinfo(j->h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(j->h, CURLINFO_PRIMARY_IP, &ipp);
	free(j->location);
	j->location = status >= 300 && status < 400
		? nc_fetch_location(j->head.data ? j->head.data : "", j->head.len, j->cur_url ? j->cur_url : j->url)
		: NULL;
	char ip[64];
	/* Through a proxy the address connected to was the proxy's. */
	snprintf(ip, sizeof ip, "%s", ipp && !f->proxy ? ipp : "");
	curl_multi_remove_handle(multi, j->h);
	curl_easy_cleanup(j->h);
	j->h = NULL;
	j->active = false;
	int64_t date = (int64_t)time(NULL);

	if (stopped(f, j, rc))
		return;
	char *ra = nc_fetch_head_value(j->head.data ? j->head.data : "", j->head.len, "Retry-After");
	j->retry_after = nc_fetch_retry_after(ra, date, MAX_RETRY_AFTER);
	free(ra);
	if (retryable(rc, status) && j->attempts <= f->o->retries) {
		double wait = 0.25 * (double)(1 << (j->attempts - 1));
		if (j->retry_after > wait)
			wait = j->retry_after;
		j->not_before = now_mono() + wait;
	} else if (rc != CURLE_OK) {
		transfer_failed(f, j, rc);
	} else if (is_redirect(status) && j->location) {
		follow(j);
	} else if (status == 304 && j->cached) {
		cache_touch(f, j, date);
		use_cache(f, j, "not modified");
	} else if (status != 200) {
		char msg[32];
		snprintf(msg, sizeof msg, "HTTP %ld", status);
		fail(j, "%s", msg);
	} else {
		accept_bytes(f, j, (unsigned char *)(j->body.data ? j->body.data : ""), j->body.len,
			     NC_RES_FETCHED, j->cur_url ? j->cur_url : j->url, ip, date, (int)status,
			     &j->request, &j->head);
		if (j->state == NC_RES_FETCHED) {
			f->st->bytes += j->body.len;
			cache_store(f, j, ip, (int)status, date);
		}
	}
}

static void progress(struct fetcher *f, bool end)
{
	if (!f->o->progress)
		return;
	if (end) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	fprintf(stderr, "\rimages: %zu/%zu, %.1f MB, %zu failed\033[K", f->finished, f->njobs,
		(double)f->st->bytes / 1e6, f->failed);
}

static void job_finished(struct fetcher *f, const struct job *j, bool show)
{
	f->finished++;
	f->failed += j->state == NC_RES_FAILED;
	if (show)
		progress(f, false);
}

static bool stop_asked(const struct fetcher *f)
{
	return f->o->stop && *f->o->stop;
}

/* Asked to stop (a signal): every transfer still running or waiting
 * is abandoned at once, its job failed; nothing is written by it. */
static void abandon(struct fetcher *f, CURLM *multi)
{
	for (size_t i = 0; i < f->njobs; i++) {
		struct job *j = &f->jobs[i];
		if (j->h) {
			curl_multi_remove_handle(multi, j->h);
			curl_easy_cleanup(j->h);
			j->h = NULL;
			j->active = false;
		}
		if (!j->done) {
			fail(j, "%s", "stopped");
			f->finished++;
			f->failed++;
		}
	}
}

/* Jobs are started in order from f->jobs (a cursor) and retries from a
 * short waiting list, so each turn of the loop costs what is waiting or
 * running, never the whole run (DESIGN rule 8). */
static int run_transfers(struct fetcher *f, struct nc_err *err)
{
	struct job **waiting = calloc(f->njobs ? f->njobs : 1, sizeof *waiting);
	CURLM *multi = waiting ? curl_multi_init() : NULL;
	if (!multi) {
		free(waiting);
		return nc_err_set(err, NC_ERR_NETWORK, "fetch", "cannot start libcurl");
	}
	curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)f->o->jobs);
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)(f->o->per_host > 0 ? f->o->per_host : 4));
	curl_multi_setopt(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	/* Queue up to twice the connection limit; curl itself keeps the
	 * per-host and total connection limits. */
	size_t limit = (size_t)(f->o->jobs > 0 ? f->o->jobs : 1) * 2;
	size_t active = 0, next = 0, nwaiting = 0;
	for (;;) {
		double now = now_mono(), next_wake = 1.0;
		if (stop_asked(f)) {
			abandon(f, multi);
			break;
		}
		/* Retries first: they have waited already. */
		for (size_t i = 0; i < nwaiting && active < limit;) {
			struct job *j = waiting[i];
			if (j->not_before > now) {
				if (j->not_before - now < next_wake)
					next_wake = j->not_before - now;
				i++;
				continue;
			}
			waiting[i] = waiting[--nwaiting];
			if (start(f, multi, j))
				active++;
			else
				job_finished(f, j, true);
		}
		while (next < f->njobs && active < limit) {
			struct job *j = &f->jobs[next++];
			if (j->done)
				continue;
			if (start(f, multi, j))
				active++;
			else
				job_finished(f, j, true);
		}
		if (next == f->njobs && nwaiting == 0 && active == 0)
			break;
		int running = 0;
		curl_multi_perform(multi, &running);
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			struct job *j = NULL;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
			CURLcode rc = m->data.result;
			finish(f, multi, j, rc);
			active--;
			if (j->done)
				job_finished(f, j, true);
			else
				waiting[nwaiting++] = j; /* a retry or the next hop */
			if (!j->done && j->not_before <= now)
				next_wake = 0; /* a next hop starts at once, not after a 1 s poll */
		}
		if (active > 0 || nwaiting > 0)
			curl_multi_poll(multi, NULL, 0, (int)(next_wake * 1000) + 1, NULL);
	}
	curl_multi_cleanup(multi);
	free(waiting);
	progress(f, true);
	return NC_OK;
}

/* ---- entry ------------------------------------------------------------ */

static char *default_cache_dir(void)
{
	struct nc_buf b = {0};
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		nc_buf_printf(&b, "%s/newsconv", xdg);
	else if (home && *home)
		nc_buf_printf(&b, "%s/.cache/newsconv", home);
	else
		return NULL;
	return nc_buf_detach(&b, NULL);
}

/* Everything a job owns (an image's job and an input's alike). */
static void job_free(struct job *j)
{
	nc_blob_unref(j->blob);
	nc_exchange_unref(j->exchange);
	free(j->url);
	free(j->cur_url);
	free(j->location);
	free(j->c_final_url);
	free(j->users);
	free(j->error);
	curl_slist_free_all(j->hdrs);
	nc_buf_free(&j->body);
	nc_buf_free(&j->head);
	nc_buf_free(&j->request);
	nc_buf_free(&j->c_body);
	nc_buf_free(&j->c_head);
	nc_buf_free(&j->c_request);
	free(j->c_etag);
	free(j->c_lastmod);
	free(j->c_ip);
}

int nc_fetch(struct nc_doc *const *docs, size_t ndocs, const struct nc_fetch_opts *o,
	     struct nc_fetch_stats *st, struct nc_err *err)
{
	struct fetcher f = { .o = o, .st = st };
	int rc = NC_OK;

	memset(st, 0, sizeof *st);
	static bool curl_ready;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return nc_err_set(err, NC_ERR_NETWORK, "fetch", "cannot initialise libcurl");
		curl_ready = true;
	}
	if (!o->no_cache)
		f.cache_dir = o->cache_dir ? strdup(o->cache_dir) : default_cache_dir();
	if (o->proxy && *o->proxy && !o->offline) {
		f.proxy = o->proxy;
		resolve_proxy(&f);
	}

	/* One job per distinct URL across every document of the run, found
	 * by URL in the map (jobs never move: the array is sized up front). */
	size_t total = 0;
	for (size_t d = 0; d < ndocs; d++)
		total += docs[d]->nresources;
	f.jobs = calloc(total ? total : 1, sizeof *f.jobs);
	if (!f.jobs)
		return nc_err_set(err, NC_ERR_NOMEM, "fetch", "out of memory");
	struct nc_map by_url = {0};
	for (size_t d = 0; d < ndocs; d++) {
		for (size_t r = 0; r < docs[d]->nresources; r++) {
			struct nc_resource *res = docs[d]->resources[r];
			/* Bytes a reader found already (an archive's images) are
			 * what the input says: not fetched again. */
			if (res->blob)
				continue;
			struct job *j = nc_map_get_str(&by_url, res->resolved);
			if (!j) {
				j = &f.jobs[f.njobs++];
				if (nc_map_put_str(&by_url, res->resolved, j) != NC_OK) {
					rc = nc_err_set(err, NC_ERR_NOMEM, "fetch", "out of memory");
					goto done;
				}
				j->f = &f;
				j->url = strdup(res->resolved);
				if (o->referer && !strcmp(o->referer, "source"))
					j->referer = docs[d]->meta.source_url;
				else
					j->referer = o->referer;
				unsigned char h[20];
				nc_sha1(res->resolved, strlen(res->resolved), h);
				nc_hex(h, 20, j->key);
			}
			struct user *u = realloc(j->users, (j->nusers + 1) * sizeof *u);
			if (u)
				j->users = u;
			if (!u || !j->url) {
				rc = nc_err_set(err, NC_ERR_NOMEM, "fetch", "out of memory");
				goto done;
			}
			u[j->nusers].doc = docs[d];
			u[j->nusers++].res = res;
		}
	}
	st->total = f.njobs;

	/* Local answers first: data: URIs and fresh cache entries. */
	int64_t now = (int64_t)time(NULL);
	for (size_t i = 0; i < f.njobs; i++) {
		struct job *j = &f.jobs[i];
		if (!strncasecmp(j->url, "data:", 5)) {
			decode_data_uri(&f, j);
			job_finished(&f, j, false);
			continue;
		}
		cache_load(&f, j);
		if (cache_usable(&f, j, now)) {
			use_cache(&f, j, "fresh");
			job_finished(&f, j, false);
		} else if (o->offline) {
			fail(j, "%s", "not in the cache (--offline)");
			job_finished(&f, j, false);
		}
	}
	rc = run_transfers(&f, err);

done:
	nc_map_free(&by_url);
	for (size_t i = 0; i < f.njobs; i++) {
		struct job *j = &f.jobs[i];
		if (j->state == NC_RES_FETCHED)
			st->fetched++;
		else if (j->state == NC_RES_CACHED)
			st->cached++;
		else if (j->state == NC_RES_FAILED)
			st->failed++;
		for (size_t u = 0; u < j->nusers; u++) {
			struct nc_resource *res = j->users[u].res;
			res->state = j->state;
			if (j->error && (nc_set_str(&res->error, j->error) ||
					 nc_doc_warn(j->users[u].doc, "image %s: %s", j->url, j->error)) &&
			    rc == NC_OK)
				rc = nc_err_set(err, NC_ERR_NOMEM, j->url, "out of memory");
			if (j->blob) {
				nc_blob_ref(j->blob);
				nc_blob_unref(res->blob);
				res->blob = j->blob;
			}
			if (j->exchange) {
				nc_exchange_ref(j->exchange);
				nc_exchange_unref(res->exchange);
				res->exchange = j->exchange;
			}
		}
		job_free(j);
	}
	free(f.jobs);
	free(f.cache_dir);
	free(f.proxy_addrs);
	for (size_t i = 0; i < f.host_checks.cap; i++)
		if (f.host_checks.slots[i].key && f.host_checks.slots[i].value != verdict_ok)
			free(f.host_checks.slots[i].value);
	nc_map_free(&f.host_checks);
	return rc;
}

/* ---- one input by URL -------------------------------------------------- */

/* nc_fetch_url() runs on the CLI's reading threads: libcurl is set up
 * once for all of them. */
static pthread_once_t input_curl_once = PTHREAD_ONCE_INIT;
static bool input_curl_ok;

static void input_curl_init(void)
{
	input_curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

/* The job's bytes and the URL they came from, handed to the caller. */
static int input_result(struct job *j, unsigned char **data, size_t *len, char **final_url,
			struct nc_exchange **exchange, struct nc_err *err)
{
	if (j->state == NC_RES_FAILED || !j->blob)
		return nc_err_set(err, NC_ERR_NETWORK, j->url, "%s", j->error ? j->error : "fetch failed");
	const char *final = j->state == NC_RES_CACHED ? j->c_final_url : j->cur_url;
	char *fu = NULL;
	if (final_url && !(fu = strdup(final ? final : j->url)))
		return nc_err_set(err, NC_ERR_NOMEM, j->url, "out of memory");
	/* The blob is this job's alone: its bytes move to the caller. */
	*data = j->blob->data;
	*len = j->blob->size;
	j->blob->data = NULL;
	if (final_url)
		*final_url = fu;
	if (exchange) {
		*exchange = j->exchange;
		j->exchange = NULL;
	}
	return NC_OK;
}

int nc_fetch_url(const char *url, const struct nc_fetch_opts *opts, unsigned char **data,
		 size_t *len, char **final_url, struct nc_exchange **exchange, struct nc_err *err)
{
	*data = NULL;
	*len = 0;
	if (final_url)
		*final_url = NULL;
	if (exchange)
		*exchange = NULL;
	if (!nc_url_is_http(url))
		return nc_err_set(err, NC_ERR_UNSUPPORTED, url, "not an http or https URL");
	if (pthread_once(&input_curl_once, input_curl_init) != 0 || !input_curl_ok)
		return nc_err_set(err, NC_ERR_NETWORK, url, "cannot initialise libcurl");
	/* An input, not an image: the input size limit, no live line, the
	 * exchange only for a caller that takes it, no article to name as
	 * Referer. */
	struct nc_fetch_opts o = *opts;
	o.max_image_size = NC_MAX_INPUT_BYTES;
	o.progress = false;
	o.keep_exchange = opts->keep_exchange && exchange;
	o.jobs = 1;
	if (o.referer && !strcmp(o.referer, "source"))
		o.referer = NULL;
	struct nc_fetch_stats st = {0};
	struct job j = {0};
	struct fetcher f = { .o = &o, .st = &st, .input = true, .jobs = &j, .njobs = 1 };
	j.f = &f;
	j.referer = o.referer;
	j.url = strdup(url);
	if (!o.no_cache)
		f.cache_dir = o.cache_dir ? strdup(o.cache_dir) : default_cache_dir();
	int rc = NC_OK;
	if (!j.url) {
		rc = nc_err_set(err, NC_ERR_NOMEM, url, "out of memory");
		goto done;
	}
	unsigned char h[20];
	nc_sha1(url, strlen(url), h);
	nc_hex(h, 20, j.key);
	if (o.proxy && *o.proxy && !o.offline) {
		f.proxy = o.proxy;
		resolve_proxy(&f);
	}
	cache_load(&f, &j);
	if (cache_usable(&f, &j, (int64_t)time(NULL)))
		use_cache(&f, &j, "fresh");
	else if (o.offline)
		fail(&j, "%s", "not in the cache (--offline)");
	else
		rc = run_transfers(&f, err);
	if (!rc)
		rc = input_result(&j, data, len, final_url, exchange, err);
done:
	job_free(&j);
	free(f.cache_dir);
	free(f.proxy_addrs);
	for (size_t i = 0; i < f.host_checks.cap; i++)
		if (f.host_checks.slots[i].key && f.host_checks.slots[i].value != verdict_ok)
			free(f.host_checks.slots[i].value);
	nc_map_free(&f.host_checks);
	return rc;
}
