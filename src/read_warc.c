/*
 * read_warc.c - WARC 1.0/1.1 archives (ISO 28500:2017,
 * https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/)
 * and WACZ 1.1 packages (https://specs.webrecorder.net/wacz/1.1.1/) as input.
 *
 * Two kinds of archive give documents:
 *   - newsconv's own: every `resource` record with a target of
 *     urn:newsconv:input:... holds an original article byte for byte
 *     (a feed item: the feed holding that item alone); it is read by the
 *     reader the bytes call for (front-matter HTML, a Markdown post, a
 *     feed) exactly as the file was, so the document is the one
 *     converting the file gives.  Its name comes from the
 *     `input-file` field of the metadata record that refers to the same
 *     page record.
 *   - any other (wget, browsertrix ...): every `response` record of an
 *     HTML page with status 200 is read as a page without front matter
 *     (metadata from <head>), with the WARC-Target-URI as its source URL.
 *     A response that a `conversion` record refers to is newsconv's page
 *     as served: its article is an input record, so it is not read again.
 * Then the images: each document is resolved (nc_resolve) and every
 * resource whose URL has a 200 `response` in the archive (directly,
 * through a `revisit` of identical payload, or through 3xx redirects
 * recorded there) gets the archived bytes, state NC_RES_CACHED, and the
 * exchange (heads as recorded), so a later WARC keeps them.  nc_resolve()
 * run again by the caller finds the same resources by resolved URL, and
 * nc_fetch() leaves resources that already have bytes alone.
 *
 * Records are parsed in two passes (input row 23), gzip member by member
 * (zlib inflate, inflateReset at each member's end; a whole file
 * compressed as one member works as well): the first indexes what the
 * documents need (input names, images, revisits, redirects) and says
 * what is wrong with the records; the second gives the documents in
 * archive order, a part of at most `max` at a time (nc_reader.next), so
 * that a batch holds a window of them and never the whole archive's.
 * Each pass has its own inflation budget.  A WACZ's WARC members are
 * pulled through libzip a chunk at a time (read_wacz.c), never whole;
 * its documents are held and handed out in parts.  Limits: a record of at most WARC_MAX_RECORD
 * bytes, WARC_MAX_INFLATED bytes (or WARC_INFLATE_RATIO times the
 * archive's size, when more) inflated in all each pass (gzip members and HTTP
 * Content-Encoding together: gzip bombs of either kind), a header of at
 * most WARC_MAX_HEADER bytes.  A limit reached, a truncated or corrupt
 * tail keep what was read before, with a warning.  A block must end in
 * CRLF CRLF: when it does not (a wrong Content-Length) reading goes on
 * at the next "CRLF CRLF WARC/1.", warned.  Every record skipped (a body
 * that cannot be decoded) is named in a warning on the archive's first
 * document.  A page's HTTP charset outranks its <meta>, as in browsers.
 *
 * Not supported: segmented (continuation) records, `conversion`
 * records, Brotli-encoded HTTP bodies (such pages and images are
 * skipped), pages answered with a status other than 200, redirects of
 * images in newsconv's own archives (it records the final URL only).
 * The archive's bytes are a view the reader only reads in order: the
 * CLI maps a regular file (util/filemap.h) and each pass lets go of
 * what it has parsed or inflated (nc_filemap_release), so memory holds
 * a record and a few MB of the file, not the archive; stdin and URLs
 * are read whole (NC_MAX_INPUT_BYTES).  The images are held once
 * inflated.
 * The zip side of WACZ is read_wacz.c (libzip, a module of the program).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "charset.h"
#include "newsconv.h"
#include "read_wacz.h"
#include "read.h"
#include "sniff.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/filemap.h"
#include "util/map.h"
#include "util/text.h"
#include "util/url.h"

#define WARC_MAX_RECORD   (128u * 1024u * 1024u)
#define WARC_MAX_INFLATED (1024u * 1024u * 1024u)
/* ... or this many times the archive's size when that is more: read
 * from the file, a large archive costs no memory for what it inflates
 * to, and a real one inflates 2 to 10 fold (a gzip bomb 1000 fold). */
#define WARC_INFLATE_RATIO 16u
#define WARC_MAX_HEADER   (64u * 1024u)
#define WARC_MAX_ALIASES  10    /* revisit / redirect hops followed */
#define INFLATE_CHUNK     (256u * 1024u)
/* Issue 19: the archive's bytes (mapped from the file by the CLI) are
 * let go this much at a time once parsed or inflated, so a pass holds
 * a few MB of them and not the archive (nc_filemap_release: nothing
 * for bytes that are not mapped). */
#define RELEASE_STEP      (8u * 1024u * 1024u)
/* zlib takes at most 4 GB at once: a larger .warc.gz is fed in slices. */
#define FEED_MAX          (1024u * 1024u * 1024u)

/* An archived image: bytes and how they came. */
struct image {
	struct nc_blob *blob;
	struct nc_exchange *x;
};

/* Two passes over the archive's bytes (input row 23: the documents are
 * handed over a window at a time, never all at once):
 *   PASS_INDEX  everything but the documents: input names, images,
 *               revisits, requests, redirects; the records' warnings;
 *   PASS_DOCS   the documents in archive order, each with its images
 *               attached at once, up to `max` per call, then paused. */
enum pass { PASS_INDEX, PASS_DOCS };

struct rd {
	const char *name;            /* the archive, for messages */
	enum pass pass;
	size_t max;                  /* PASS_DOCS: documents this part may still take */
	bool paused;                 /* ... and it has taken them */
	size_t records;              /* PASS_INDEX: input records and pages seen */
	size_t produced;             /* PASS_DOCS: documents given, in all parts */
	struct nc_doclist *out;
	size_t first;                /* out->v[first..] are this archive's */
	struct nc_map input_names;   /* page record id -> char * input-file */
	struct nc_map images;        /* URL -> struct image * */
	struct nc_map by_id;         /* response record id -> struct image * (borrowed) */
	struct nc_map alias;         /* URL -> char * (revisit target, redirect) */
	struct nc_map pages;         /* HTML page URLs read (first capture wins) */
	struct nc_map converted;     /* response ids a conversion record refers to */
	size_t ninputs;
	uint64_t inflated;           /* gzip members and Content-Encoding alike */
	uint64_t budget;             /* of `inflated`, each pass */
	bool stopped;                /* a limit was reached: the rest is skipped */
	struct nc_err *err;
	struct nc_buf tail_warning;  /* records skipped and why reading stopped, a line each */
};

/* One record's header, the fields we use. */
struct whead {
	char type[32];
	char id[128];
	char refers_to[128];
	char concurrent_to[128];
	char content_type[256];
	char ip[64];
	char date[64];
	char *target;                /* malloc'd, NULL if absent */
	char *refers_to_target;
	unsigned long long length;
	bool have_length;
	uint64_t offset;             /* in the (inflated) stream, for messages */
};

/* ---- small helpers ------------------------------------------------------- */

static void free_values(struct nc_map *m, void (*f)(void *))
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			f(m->slots[i].value);
	nc_map_free(m);
}

static void image_free(void *p)
{
	struct image *im = p;
	if (!im)
		return;
	nc_blob_unref(im->blob);
	nc_exchange_unref(im->x);
	free(im);
}

static int oom(struct rd *r)
{
	return nc_err_set(r->err, NC_ERR_NOMEM, r->name, "out of memory");
}

static void warn_line(struct rd *r, const char *fmt, va_list ap)
{
	nc_buf_vprintf(&r->tail_warning, fmt, ap);
	nc_buf_putc(&r->tail_warning, '\n');
}

/* One line of the archive's warnings (shown on the first document of
 * the part being read).  Records are parsed in both passes: what they
 * say is said in the first only. */
__attribute__((format(printf, 2, 3)))
static void warn(struct rd *r, const char *fmt, ...)
{
	if (r->pass == PASS_DOCS)
		return;
	va_list ap;
	va_start(ap, fmt);
	warn_line(r, fmt, ap);
	va_end(ap);
}

/* A document that could not be read: said when it is met (PASS_DOCS). */
__attribute__((format(printf, 2, 3)))
static void warn_doc(struct rd *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	warn_line(r, fmt, ap);
	va_end(ap);
}

/* Copy a header value, trimmed, into a fixed field (false: too long). */
static bool copy_val(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return true;
}

/* A URI as WARC 1.0 sometimes writes it, in <...>; controls removed so
 * it can go into a message, a header or a file name. */
static char *uri_dup(const char *v, size_t n)
{
	if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
		v++;
		n -= 2;
	}
	char *s = strndup(v, n);
	if (s)
		nc_url_strip_controls(s);
	return s;
}

static bool has_prefix_ci(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

/* Whether `s` (a short header value) contains `w`, ignoring case. */
static bool contains_ci(const char *s, const char *w)
{
	for (; *s; s++)
		if (has_prefix_ci(s, w))
			return true;
	return false;
}

/* Find "\r\n\r\n" (or "\n\n") in p[0..n): the length of the head with
 * its blank line, or 0 when not found. */
static size_t head_end(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Calls f(name, nlen, value, vlen) for each "Name: value" line of a head
 * (the first line skipped when skip_first). */
static void each_field(const unsigned char *p, size_t n, bool skip_first,
		       void (*f)(void *, const char *, size_t, const char *, size_t), void *ctx)
{
	const char *s = (const char *)p, *end = s + n;
	bool first = true;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		const char *te = le;
		if (te > s && te[-1] == '\r')
			te--;
		if (!(first && skip_first)) {
			const char *colon = memchr(s, ':', (size_t)(te - s));
			if (colon) {
				const char *v = colon + 1;
				while (v < te && (*v == ' ' || *v == '\t'))
					v++;
				const char *ve = te;
				while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
					ve--;
				f(ctx, s, (size_t)(colon - s), v, (size_t)(ve - v));
			}
		}
		first = false;
		s = nl ? nl + 1 : end;
	}
}

static bool name_is(const char *n, size_t nl, const char *want)
{
	return strlen(want) == nl && strncasecmp(n, want, nl) == 0;
}

struct whead_ctx {
	struct whead *h;
	bool oom;
};

static void whead_field(void *ctx, const char *n, size_t nl, const char *v, size_t vl)
{
	struct whead_ctx *c = ctx;
	struct whead *h = c->h;
	if (name_is(n, nl, "WARC-Type"))
		copy_val(h->type, sizeof h->type, v, vl); /* too long: no type we use */
	else if (name_is(n, nl, "WARC-Record-ID"))
		copy_val(h->id, sizeof h->id, v, vl);
	else if (name_is(n, nl, "WARC-Refers-To"))
		copy_val(h->refers_to, sizeof h->refers_to, v, vl);
	else if (name_is(n, nl, "WARC-Concurrent-To") && !h->concurrent_to[0])
		copy_val(h->concurrent_to, sizeof h->concurrent_to, v, vl);
	else if (name_is(n, nl, "Content-Type"))
		copy_val(h->content_type, sizeof h->content_type, v, vl);
	else if (name_is(n, nl, "WARC-IP-Address"))
		copy_val(h->ip, sizeof h->ip, v, vl);
	else if (name_is(n, nl, "WARC-Date"))
		copy_val(h->date, sizeof h->date, v, vl);
	else if (name_is(n, nl, "WARC-Target-URI") && !h->target)
		c->oom |= !(h->target = uri_dup(v, vl));
	else if (name_is(n, nl, "WARC-Refers-To-Target-URI") && !h->refers_to_target)
		c->oom |= !(h->refers_to_target = uri_dup(v, vl));
	else if (name_is(n, nl, "Content-Length")) {
		char num[24];
		char *e;
		if (copy_val(num, sizeof num, v, vl) && vl && num[0] >= '0' && num[0] <= '9') {
			h->length = strtoull(num, &e, 10);
			h->have_length = *e == '\0';
		}
	}
}

static void whead_free(struct whead *h)
{
	free(h->target);
	free(h->refers_to_target);
}

/* ---- HTTP messages ------------------------------------------------------- */

struct http {
	int status;
	char content_type[128];
	char transfer_encoding[64];
	char content_encoding[64];
	char *location;
	size_t head_len;             /* bytes of the head, blank line included */
};

static void http_field(void *ctx, const char *n, size_t nl, const char *v, size_t vl)
{
	struct http *h = ctx;
	if (name_is(n, nl, "Content-Type"))
		copy_val(h->content_type, sizeof h->content_type, v, vl);
	else if (name_is(n, nl, "Transfer-Encoding"))
		copy_val(h->transfer_encoding, sizeof h->transfer_encoding, v, vl);
	else if (name_is(n, nl, "Content-Encoding"))
		copy_val(h->content_encoding, sizeof h->content_encoding, v, vl);
	else if (name_is(n, nl, "Location") && !h->location)
		h->location = uri_dup(v, vl);
}

/* false when the block is no HTTP response. */
static bool http_parse(const unsigned char *p, size_t n, struct http *h)
{
	memset(h, 0, sizeof *h);
	size_t lim = n < WARC_MAX_HEADER ? n : WARC_MAX_HEADER;
	if (lim < 12 || memcmp(p, "HTTP/", 5) != 0)
		return false;
	size_t he = head_end(p, lim);
	if (!he)
		return false;
	const unsigned char *sp = memchr(p, ' ', he);
	if (!sp || (size_t)(sp - p) + 4 > he)
		return false;
	int st = 0;
	for (int i = 1; i <= 3; i++) {
		if (sp[i] < '0' || sp[i] > '9')
			return false;
		st = st * 10 + (sp[i] - '0');
	}
	h->status = st;
	h->head_len = he;
	each_field(p, he, true, http_field, h);
	return true;
}

/* Chunked transfer coding removed (RFC 9112 section 7.1); trailers
 * ignored.  false when malformed. */
static bool dechunk(const unsigned char *p, size_t n, struct nc_buf *out)
{
	size_t i = 0;
	for (;;) {
		size_t size = 0;
		bool digits = false;
		while (i < n) {
			int c = p[i], d;
			if (c >= '0' && c <= '9') d = c - '0';
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = (c | 0x20) - 'a' + 10;
			else break;
			if (size > (SIZE_MAX >> 4))
				return false;
			size = size * 16 + (size_t)d;
			digits = true;
			i++;
		}
		const unsigned char *nl = i < n ? memchr(p + i, '\n', n - i) : NULL;
		if (!digits || !nl)
			return false;
		i = (size_t)(nl - p) + 1;
		if (size == 0)
			return true;
		if (size > n - i)
			return false;
		if (nc_buf_put(out, p + i, size))
			return false;
		i += size;
		if (i < n && p[i] == '\r')
			i++;
		if (i < n && p[i] == '\n')
			i++;
	}
}

/* Input row 22: a limit keeps what was read before it. */
static void over_budget(struct rd *r)
{
	if (!r->stopped)
		warn(r, "the archive inflates to more than %llu MB; the rest of it is skipped",
		     (unsigned long long)(r->budget >> 20));
	r->stopped = true;
}

enum decoded { DECODED, UNDECODABLE, TOO_LARGE, OVER_BUDGET };

/* gzip or zlib content coding removed, bounded by the record limit and
 * by what is left of the archive's inflation budget, which it uses up
 * (input row 21: a page inflating 1000-fold costs what it inflates to). */
static enum decoded decode_gzip(struct rd *r, const unsigned char *p, size_t n,
				struct nc_buf *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (n > UINT32_MAX || inflateInit2(&z, 15 + 32) != Z_OK)
		return UNDECODABLE;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	int zr = Z_OK;
	enum decoded res = DECODED;
	while (zr == Z_OK) {
		if (r->inflated > r->budget) {
			res = OVER_BUDGET;
			break;
		}
		if (out->len > WARC_MAX_RECORD) {
			res = TOO_LARGE;
			break;
		}
		if (nc_buf_reserve(out, INFLATE_CHUNK)) {
			res = UNDECODABLE; /* out->oom tells the caller */
			break;
		}
		z.next_out = (unsigned char *)out->data + out->len;
		z.avail_out = INFLATE_CHUNK;
		zr = inflate(&z, Z_NO_FLUSH);
		out->len += INFLATE_CHUNK - z.avail_out;
		r->inflated += INFLATE_CHUNK - z.avail_out;
		out->data[out->len] = '\0';
		if (zr == Z_BUF_ERROR && z.avail_in == 0)
			break; /* truncated: keep what came */
	}
	inflateEnd(&z);
	if (res == DECODED && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
		res = UNDECODABLE;
	return res;
}

/* The body as the page or image was, transfer and content coding
 * removed.  *body points into the block or into `tmp`.  NULL, or why
 * the body cannot be had (the record is then skipped, with that
 * reason); r->stopped when the archive's budget ran out. */
static const char *http_body(struct rd *r, const unsigned char *block, size_t len,
			     const struct http *h, const unsigned char **body, size_t *blen,
			     struct nc_buf *tmp)
{
	const unsigned char *b = block + h->head_len;
	size_t n = len - h->head_len;
	struct nc_buf t1 = {0};
	if (contains_ci(h->transfer_encoding, "chunked")) {
		if (!dechunk(b, n, &t1)) {
			tmp->oom = t1.oom;
			nc_buf_free(&t1);
			return "its chunked transfer coding is malformed";
		}
		b = (const unsigned char *)(t1.data ? t1.data : "");
		n = t1.len;
	}
	const char *ce = h->content_encoding;
	if (*ce && strcasecmp(ce, "identity")) {
		if (strcasecmp(ce, "gzip") && strcasecmp(ce, "x-gzip") && strcasecmp(ce, "deflate")) {
			nc_buf_free(&t1);
			return "its Content-Encoding is not supported (only gzip and deflate are)";
		}
		enum decoded d = decode_gzip(r, b, n, tmp);
		nc_buf_free(&t1);
		if (d != DECODED && d != OVER_BUDGET)
			return d == UNDECODABLE ? "its gzip or deflate content coding is corrupt"
						: "it inflates past the record limit";
		if (d == OVER_BUDGET) {
			over_budget(r);
			return "the archive's inflation budget is spent";
		}
		*body = (const unsigned char *)(tmp->data ? tmp->data : "");
		*blen = tmp->len;
		return NULL;
	}
	if (t1.data) {
		*tmp = t1;
		*body = (const unsigned char *)tmp->data;
		*blen = tmp->len;
	} else {
		*body = b;
		*blen = n;
	}
	return NULL;
}

/* The charset parameter of a Content-Type ("" when none). */
static void content_charset(const char *ct, char *out, size_t cap)
{
	out[0] = '\0';
	for (const char *s = ct; *s; s++) {
		if (!has_prefix_ci(s, "charset="))
			continue;
		s += 8;
		while (*s == '"' || *s == '\'' || *s == ' ')
			s++;
		size_t k = 0;
		while (k + 1 < cap && (isalnum((unsigned char)*s) || strchr("-_.:", *s)) && *s)
			out[k++] = *s++;
		out[k] = '\0';
		return;
	}
}

/* ---- documents ----------------------------------------------------------- */

/* "ARCHIVE#name", with control characters and bytes that are not
 * UTF-8 in `name` replaced: it names outputs and goes into messages. */
static char *member_name(const char *archive, const char *name)
{
	struct nc_buf b = {0};
	nc_buf_printf(&b, "%s#", archive);
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name);
	for (size_t i = 0; i < n && b.len < 4096;) {
		size_t k = p[i] < 0x80 ? 1 : nc_utf8_valid_seq(p + i, n - i);
		if (k > 1)
			nc_buf_put(&b, p + i, k);
		else
			nc_buf_putc(&b, k == 0 || p[i] < 0x20 || p[i] == 0x7f ? '_' : p[i]);
		i += k ? k : 1;
	}
	if (b.oom) {
		nc_buf_free(&b);
		return NULL;
	}
	return nc_buf_detach(&b, NULL);
}

/* Feed items archived by earlier newsconv builds hold the <item> or
 * <entry> alone, without the feed around it or the namespaces it uses:
 * wrap them in one (read_feed.c now archives the feed around the item). */
static const char RSS_OPEN[] =
	"<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
	" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\""
	" xmlns:media=\"http://search.yahoo.com/mrss/\""
	" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>";
static const char ATOM_OPEN[] =
	"<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:media=\"http://search.yahoo.com/mrss/\">";

static char *wrap_fragment(const unsigned char *p, size_t n, size_t *outlen)
{
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	bool rss = n - i > 6 && !memcmp(p + i, "<item", 5) && strchr(" \t\r\n>", p[i + 5]);
	bool atom = n - i > 7 && !memcmp(p + i, "<entry", 6) && strchr(" \t\r\n>", p[i + 6]);
	if (!rss && !atom)
		return NULL;
	struct nc_buf b = {0};
	nc_buf_puts(&b, rss ? RSS_OPEN : ATOM_OPEN);
	nc_buf_put(&b, p, n);
	nc_buf_puts(&b, rss ? "</channel></rss>" : "</feed>");
	return nc_buf_detach(&b, outlen);
}

/* The reader for an input record's bytes, chosen by content as for a
 * file (Markdown posts, feeds, front-matter HTML); never an archive in
 * an archive. */
static const struct nc_reader *input_reader(const unsigned char *p, size_t n)
{
	const struct nc_reader *rd = nc_reader_detect(p, n, NULL);
	return rd && rd != &nc_reader_warc ? rd : &nc_reader_html;
}

/* Follow revisits and redirects to the archived image of `url`. */
static struct image *find_image(const struct rd *r, const char *url)
{
	for (int hop = 0; url && hop <= WARC_MAX_ALIASES; hop++) {
		struct image *im = nc_map_get_str(&r->images, url);
		if (im)
			return im;
		url = nc_map_get_str(&r->alias, url);
	}
	return NULL;
}

static int attach_images(struct rd *r, struct nc_doc *d)
{
	int rc = nc_resolve(d, r->err);
	if (rc)
		return rc;
	for (size_t i = 0; i < d->nresources; i++) {
		struct nc_resource *res = d->resources[i];
		if (res->blob || !res->resolved)
			continue;
		struct image *im = find_image(r, res->resolved);
		if (!im)
			continue;
		nc_blob_ref(im->blob);
		res->blob = im->blob;
		res->state = NC_RES_CACHED;
		if (im->x->request) {
			nc_exchange_ref(im->x);
			res->exchange = im->x;
		}
	}
	return NC_OK;
}

/* The documents an input record gives, read from bytes of the archive;
 * `file` names them as the original input did (a title falls back to
 * that name). */
static int push_doc(struct rd *r, const char *file, const unsigned char *p, size_t n,
		    const char *source_url)
{
	struct nc_doclist got = {0};
	struct nc_err e = {0};
	size_t wlen = 0;
	char *wrapped = source_url ? NULL : wrap_fragment(p, n, &wlen);
	char *full = member_name(r->name, file);
	if (!full) {
		free(wrapped);
		return oom(r);
	}
	const unsigned char *bytes = wrapped ? (const unsigned char *)wrapped : p;
	size_t len = wrapped ? wlen : n;
	const struct nc_reader *rd = source_url ? &nc_reader_html : input_reader(bytes, len);
	int rc = rd->read(file, bytes, len, &got, &e);
	free(wrapped);
	if (rc == NC_ERR_NOMEM) {
		free(full);
		nc_doclist_free(&got);
		return oom(r);
	}
	if (rc) {
		/* One unreadable member does not lose the others. */
		nc_doclist_free(&got);
		warn_doc(r, "%s skipped: %s", full, e.msg);
		rc = r->tail_warning.oom ? oom(r) : NC_OK;
		free(full);
		return rc;
	}
	for (size_t i = 0; i < got.n; i++) {
		struct nc_doc *d = got.v[i];
		got.v[i] = NULL;
		free(d->source_name);
		d->source_name = i + 1 == got.n ? full : strdup(full);
		if (!d->source_name || (source_url && nc_set_str(&d->meta.source_url, source_url))) {
			nc_doc_free(d);
			rc = oom(r);
			break;
		}
		if ((rc = attach_images(r, d)) != NC_OK) {
			nc_doc_free(d);
			break;
		}
		if (nc_doclist_push(r->out, d)) {
			rc = oom(r);
			break;
		}
		r->produced++;
		if (r->max && --r->max == 0)
			r->paused = true; /* an input record's items stay together */
	}
	if (got.n == 0)
		free(full);
	nc_doclist_free(&got);
	return rc;
}

/* A captured page, read in the charset its HTTP response declared
 * (input row 16: the Content-Type header outranks the page's own
 * <meta>, as in a browser); without one the HTML reader decides. */
static int push_page(struct rd *r, const char *url, const struct http *hp,
		     const unsigned char *body, size_t blen)
{
	char label[64];
	content_charset(hp->content_type, label, sizeof label);
	struct nc_buf utf8 = {0};
	if (!label[0] || nc_charset_label_to_utf8(label, body, blen, &utf8) != 0) {
		bool nomem = utf8.oom;
		nc_buf_free(&utf8);
		return nomem ? oom(r) : push_doc(r, url, body, blen, url);
	}
	int rc = push_doc(r, url, (const unsigned char *)(utf8.data ? utf8.data : ""), utf8.len, url);
	nc_buf_free(&utf8);
	return rc;
}

/* "input-file: NAME" in a metadata record's warc-fields. */
static int on_metadata(struct rd *r, const struct whead *h, const unsigned char *p, size_t n)
{
	if (!h->refers_to[0] || !has_prefix_ci(h->content_type, "application/warc-fields"))
		return NC_OK;
	const char *s = (const char *)p, *end = s + n;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		if ((size_t)(le - s) > 12 && strncmp(s, "input-file: ", 12) == 0) {
			const char *v = s + 12, *ve = le;
			if (ve > v && ve[-1] == '\r')
				ve--;
			char *name = strndup(v, (size_t)(ve - v));
			if (!name)
				return oom(r);
			char *old = nc_map_get_str(&r->input_names, h->refers_to);
			if (nc_map_put_str(&r->input_names, h->refers_to, name)) {
				free(name);
				return oom(r);
			}
			free(old);
			return NC_OK;
		}
		s = nl ? nl + 1 : end;
	}
	return NC_OK;
}

static int on_input(struct rd *r, const struct whead *h, const unsigned char *p, size_t n)
{
	if (r->pass == PASS_INDEX) {
		r->records++;
		return NC_OK;
	}
	const char *name = h->concurrent_to[0] ? nc_map_get_str(&r->input_names, h->concurrent_to) : NULL;
	char fallback[48];
	r->ninputs++;
	if (!name || !*name) {
		snprintf(fallback, sizeof fallback, "input-%zu", r->ninputs);
		name = fallback;
	}
	return push_doc(r, name, p, n, NULL);
}

static struct nc_exchange *exchange_new(const struct whead *h, int status,
					const unsigned char *head, size_t head_len)
{
	struct nc_exchange *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->refs = 1;
	x->status = status;
	int64_t when = 0;
	if (h->date[0] && nc_date_parse(h->date, &when) == 0)
		x->date = when;
	if (!(x->url = strdup(h->target)) || (h->ip[0] && !(x->ip = strdup(h->ip))) ||
	    !(x->response_head = malloc(head_len ? head_len : 1))) {
		nc_exchange_unref(x);
		return NULL;
	}
	memcpy(x->response_head, head, head_len);
	x->response_head_len = head_len;
	return x;
}

static int put_alias(struct rd *r, const char *from, const char *to)
{
	if (!to || !*to || !strcmp(from, to) || nc_map_get_str(&r->alias, from))
		return NC_OK;
	char *t = strdup(to);
	if (!t || nc_map_put_str(&r->alias, from, t)) {
		free(t);
		return oom(r);
	}
	return NC_OK;
}

static int on_response(struct rd *r, const struct whead *h, const unsigned char *p, size_t n)
{
	struct http hp;
	if (!h->target || !http_parse(p, n, &hp))
		return NC_OK;
	int rc = NC_OK;
	if (hp.status >= 300 && hp.status < 400 && hp.location) {
		char *to = nc_url_resolve(h->target, hp.location);
		rc = to ? put_alias(r, h->target, to) : NC_OK;
		free(to);
		free(hp.location);
		return rc;
	}
	free(hp.location);
	if (hp.status != 200)
		return NC_OK;
	bool html = contains_ci(hp.content_type, "text/html") ||
		    contains_ci(hp.content_type, "application/xhtml+xml");
	/* newsconv's page as served: its article is the input record's. */
	if (html && r->pass == PASS_DOCS && h->id[0] && nc_map_get_str(&r->converted, h->id))
		return NC_OK;
	if (nc_map_get_str(html ? &r->pages : &r->images, h->target))
		return NC_OK; /* the first capture of a URL wins */
	if (html && r->pass == PASS_INDEX) { /* counted; read in PASS_DOCS */
		r->records++;
		return nc_map_put_str(&r->pages, h->target, (void *)1) ? oom(r) : NC_OK;
	}
	if (!html && r->pass == PASS_DOCS)
		return NC_OK; /* images are PASS_INDEX's */
	struct nc_buf tmp = {0};
	const unsigned char *body;
	size_t blen;
	const char *why = http_body(r, p, n, &hp, &body, &blen, &tmp);
	if (why) {
		/* Input row 18: never dropped without a word. */
		bool nomem = tmp.oom;
		nc_buf_free(&tmp);
		if (nomem)
			return oom(r);
		(html ? warn_doc : warn)(r, "%s record %s (%s) at byte %llu skipped: %s", html ? "page" : "image",
		     h->id[0] ? h->id : "without id", h->target, (unsigned long long)h->offset, why);
		return NC_OK;
	}
	if (html) {
		if (nc_map_put_str(&r->pages, h->target, (void *)1))
			rc = oom(r);
		else
			rc = push_page(r, h->target, &hp, body, blen);
	} else if (nc_sniff_image(body, blen)) {
		struct image *im = calloc(1, sizeof *im);
		if (!im || !(im->blob = nc_blob_new(body, blen)) ||
		    !(im->x = exchange_new(h, hp.status, p, hp.head_len)) ||
		    nc_map_put_str(&r->images, h->target, im)) {
			image_free(im);
			rc = oom(r);
		} else if (h->id[0] && nc_map_put_str(&r->by_id, h->id, im)) {
			rc = oom(r);
		}
	}
	nc_buf_free(&tmp);
	return rc;
}

/* The same payload under another URL: its own image entry sharing the
 * bytes (so a WARC written from this one has the revisit again), or an
 * alias when the payload comes later in the archive. */
static int on_revisit(struct rd *r, const struct whead *h, const unsigned char *p, size_t n)
{
	struct image *to = h->refers_to_target ? nc_map_get_str(&r->images, h->refers_to_target) : NULL;
	struct http hp;
	if (!to || nc_map_get_str(&r->images, h->target) || !http_parse(p, n, &hp))
		return put_alias(r, h->target, h->refers_to_target);
	free(hp.location);
	if (hp.status != 200)
		return NC_OK;
	struct image *im = calloc(1, sizeof *im);
	if (!im || !(im->x = exchange_new(h, hp.status, p, hp.head_len)) ||
	    nc_map_put_str(&r->images, h->target, im)) {
		image_free(im);
		return oom(r);
	}
	nc_blob_ref(to->blob);
	im->blob = to->blob;
	if (h->id[0] && nc_map_put_str(&r->by_id, h->id, im))
		return oom(r);
	return NC_OK;
}

/* The request that got an image, for a WARC written from this one. */
static int on_request(struct rd *r, const struct whead *h, const unsigned char *p, size_t n)
{
	struct image *im = h->concurrent_to[0] ? nc_map_get_str(&r->by_id, h->concurrent_to) : NULL;
	if (!im || im->x->request)
		return NC_OK;
	if (!(im->x->request = malloc(n ? n : 1)))
		return oom(r);
	memcpy(im->x->request, p, n);
	im->x->request_len = n;
	return NC_OK;
}

static int on_record(struct rd *r, const struct whead *h, const unsigned char *p, size_t n)
{
	if (!strcmp(h->type, "resource") && h->target &&
	    !strncmp(h->target, "urn:newsconv:input:", 19))
		return on_input(r, h, p, n);
	if (r->pass == PASS_INDEX && !strcmp(h->type, "conversion") && h->refers_to[0])
		return nc_map_put_str(&r->converted, h->refers_to, (void *)1) ? oom(r) : NC_OK;
	if (r->pass == PASS_DOCS) /* the pages only */
		return !strcmp(h->type, "response") && has_prefix_ci(h->content_type, "application/http")
		       ? on_response(r, h, p, n) : NC_OK;
	if (!strcmp(h->type, "metadata"))
		return on_metadata(r, h, p, n);
	if (!strcmp(h->type, "response") && has_prefix_ci(h->content_type, "application/http"))
		return on_response(r, h, p, n);
	if (!strcmp(h->type, "revisit") && h->target)
		return on_revisit(r, h, p, n);
	if (!strcmp(h->type, "request"))
		return on_request(r, h, p, n);
	return NC_OK;
}

/* ---- records ------------------------------------------------------------- */

enum { PARSED, NEED_MORE, BAD, PAUSED };

/* Where the record after a block of `len` bytes at p[at] starts: the
 * block must end in CRLF CRLF (WARC 1.1 section 4; "\n\n" tolerated)
 * followed by the next record or by the end.  0 when it does not, or
 * NEED_MORE's worth of bytes are missing (*more). */
static size_t block_end_ok(const unsigned char *p, size_t n, size_t at, bool final, bool *more)
{
	*more = false;
	size_t left = n - at;
	if (left >= 4 && !memcmp(p + at, "\r\n\r\n", 4))
		return at + 4;
	if (left >= 2 && !memcmp(p + at, "\n\n", 2))
		return at + 2;
	size_t k = at;
	while (k < n && (p[k] == '\r' || p[k] == '\n'))
		k++;
	if (k == n) {
		*more = !final;
		return final ? n : 0; /* the last record, its blank lines trimmed */
	}
	return 0;
}

/* After a wrong Content-Length (input row 17): the first
 * "CRLF CRLF WARC/1." after the block's start, where the block really
 * ends; n when there is none. */
static size_t resync(const unsigned char *p, size_t n, size_t from, size_t *next)
{
	for (size_t i = from; i + 7 <= n; i++) {
		const unsigned char *w = memchr(p + i, 'W', n - 7 - i + 1);
		if (!w)
			break;
		size_t q = (size_t)(w - p);
		if (memcmp(w, "WARC/1.", 7)) {
			i = q;
			continue;
		}
		if (q >= from + 4 && !memcmp(p + q - 4, "\r\n\r\n", 4)) {
			*next = q;
			return q - 4;
		}
		if (q >= from + 2 && !memcmp(p + q - 2, "\n\n", 2)) {
			*next = q;
			return q - 2;
		}
		i = q;
	}
	*next = n;
	return n;
}

/* The record at p[pos] has a header of `he` bytes and claims h->length
 * bytes of block: its true length and where the next record starts.
 * NEED_MORE when that cannot be told from the bytes at hand. */
static int record_extent(struct rd *r, const unsigned char *p, size_t n, size_t pos, size_t he,
			 const struct whead *h, bool final, size_t *blen, size_t *next)
{
	size_t start = pos + he;
	bool more;
	if (h->length <= n - start) {
		size_t e = block_end_ok(p, n, start + (size_t)h->length, final, &more);
		if (more)
			return NEED_MORE;
		if (e) {
			*blen = (size_t)h->length;
			*next = e;
			return PARSED;
		}
	} else if (!final) {
		return NEED_MORE;
	}
	size_t end = resync(p, n, start, next);
	if (end == n && !final)
		return NEED_MORE;
	if (end == n && h->length > n - start) {
		warn(r, "record %s at byte %llu is truncated; skipped",
		     h->id[0] ? h->id : "without id", (unsigned long long)h->offset);
		return BAD;
	}
	while (end == n && end > start && (p[end - 1] == '\r' || p[end - 1] == '\n'))
		end--;
	*blen = end - start;
	warn(r, "record %s at byte %llu: its Content-Length (%llu) %s; read as %zu bytes, up to %s",
	     h->id[0] ? h->id : "without id", (unsigned long long)h->offset, h->length,
	     h->length > n - start ? "runs past the end" : "does not end at a record boundary",
	     *blen, *next < n ? "the next record" : "the end");
	return PARSED;
}

/* The header of the record at p[pos] (he bytes): BAD when it cannot
 * be used. */
static int record_head(struct rd *r, const unsigned char *p, size_t pos, size_t he,
		       uint64_t offset, struct whead *h, int *rc)
{
	memset(h, 0, sizeof *h);
	h->offset = offset;
	struct whead_ctx c = { h, false };
	each_field(p + pos, he, true, whead_field, &c);
	if (c.oom) {
		*rc = oom(r);
		return BAD;
	}
	if (!h->have_length || h->length > WARC_MAX_RECORD) {
		warn(r, "record at byte %llu: %s; the rest of the archive is skipped",
		     (unsigned long long)offset,
		     h->have_length ? "larger than the record limit" : "no Content-Length");
		return BAD;
	}
	return PARSED;
}

/* Every complete record in p[0..n); *used says how far.  `final`: no
 * more bytes follow.  `base` is p's offset in the (inflated) stream. */
static int parse_records(struct rd *r, const unsigned char *p, size_t n, bool final,
			 uint64_t base, size_t *used, int *rc)
{
	size_t pos = 0, released = 0;
	*rc = NC_OK;
	for (;;) {
		if (pos - released >= RELEASE_STEP) {
			nc_filemap_release(p + released, pos - released);
			released = pos;
		}
		while (pos < n && (p[pos] == '\r' || p[pos] == '\n'))
			pos++;
		*used = pos;
		if (r->stopped)
			return BAD;
		if (pos == n)
			return final ? PARSED : NEED_MORE;
		size_t avail = n - pos;
		if (avail < 8 && !final)
			return NEED_MORE;
		if (avail < 8 || memcmp(p + pos, "WARC/", 5) != 0) {
			/* Zero padding after the last record is harmless. */
			size_t k = pos;
			while (k < n && p[k] == 0)
				k++;
			if (k == n && final)
				return PARSED;
			warn(r, "no WARC record at byte %llu; the rest of the archive is skipped",
			     (unsigned long long)(base + pos));
			return BAD;
		}
		size_t lim = avail < WARC_MAX_HEADER ? avail : WARC_MAX_HEADER;
		size_t he = head_end(p + pos, lim);
		if (!he) {
			if (!final && avail < WARC_MAX_HEADER)
				return NEED_MORE;
			warn(r, "%s record header at byte %llu; the rest of the archive is skipped",
			     final && avail < WARC_MAX_HEADER ? "truncated" : "oversized",
			     (unsigned long long)(base + pos));
			return BAD;
		}
		struct whead h;
		if (record_head(r, p, pos, he, base + pos, &h, rc) == BAD) {
			whead_free(&h);
			return BAD;
		}
		size_t blen = 0, next = 0;
		int st = record_extent(r, p, n, pos, he, &h, final, &blen, &next);
		if (st != PARSED) {
			whead_free(&h);
			return st;
		}
		*rc = on_record(r, &h, p + pos + he, blen);
		whead_free(&h);
		if (*rc)
			return BAD;
		pos = next;
		if (r->paused) {
			*used = pos;
			return PAUSED;
		}
	}
}

/* Where reading a (.gz) WARC stands between two parts. */
struct stream {
	const unsigned char *data;
	size_t len;
	size_t fed, released;        /* gzip: bytes given to zlib, and let go */
	/* A WACZ member: its bytes pulled a chunk at a time (data unused). */
	nc_wacz_pull_fn pull;
	void *src;
	unsigned char *in;           /* pull + gzip: the chunk zlib reads */
	bool eof;
	bool gz, started, done;
	bool final, over;            /* gzip: no more input; the budget is spent */
	z_stream z;
	struct nc_buf pend;          /* gzip: inflated, not yet parsed */
	uint64_t base;               /* gzip: pend's offset in the inflated stream */
	size_t pos;                  /* plain: the next record */
};

static void stream_end(struct stream *s)
{
	if (s->gz && s->started)
		inflateEnd(&s->z);
	nc_buf_free(&s->pend);
	free(s->in);
	s->in = NULL;
	s->started = false;
	s->done = true;
}

/* The next chunk of a pulled member; 0 at its end (or damage, which
 * read_wacz.c reports). */
static size_t pull(struct stream *s, unsigned char *buf)
{
	long n = s->eof ? 0 : s->pull(s->src, buf, INFLATE_CHUNK);
	s->eof = n <= 0;
	return n > 0 ? (size_t)n : 0;
}

/* The compressed bytes zlib has not had yet, a slice at most. */
static void feed(struct stream *s)
{
	if (!s->z.avail_in && s->pull) {
		size_t n = pull(s, s->in);
		s->z.next_in = s->in;
		s->z.avail_in = (uInt)n;
		s->fed += n;
	}
	if (s->z.avail_in || s->fed == s->len || s->pull)
		return;
	size_t n = s->len - s->fed < FEED_MAX ? s->len - s->fed : FEED_MAX;
	s->z.next_in = (unsigned char *)s->data + s->fed;
	s->z.avail_in = (uInt)n;
	s->fed += n;
}

/* Compressed bytes before zlib's position are not read again this pass. */
static void release_inflated(struct stream *s)
{
	if (s->pull)
		return;
	size_t at = (size_t)(s->z.next_in - s->data);
	if (at - s->released >= RELEASE_STEP) {
		nc_filemap_release(s->data + s->released, at - s->released);
		s->released = at;
	}
}

/* Where zlib is in the compressed bytes, for messages. */
static size_t in_offset(const struct stream *s)
{
	return s->pull ? s->fed - s->z.avail_in : (size_t)(s->z.next_in - s->data);
}

/* Whether only zero padding follows zlib's position. */
static bool only_padding(struct stream *s)
{
	if (s->pull) {
		for (;;) {
			for (uInt k = 0; k < s->z.avail_in; k++)
				if (s->z.next_in[k])
					return false;
			s->z.avail_in = 0;
			feed(s);
			if (!s->z.avail_in)
				return true;
		}
	}
	for (size_t k = (size_t)(s->z.next_in - s->data); k < s->len; k++)
		if (s->data[k])
			return false;
	return true;
}

/* One chunk more of the gzip stream into s->pend, member after member. */
static int inflate_chunk(struct rd *r, struct stream *s)
{
	if (nc_buf_reserve(&s->pend, INFLATE_CHUNK))
		return oom(r);
	feed(s);
	s->z.next_out = (unsigned char *)s->pend.data + s->pend.len;
	s->z.avail_out = INFLATE_CHUNK;
	int zr = inflate(&s->z, Z_NO_FLUSH);
	size_t got = INFLATE_CHUNK - s->z.avail_out;
	s->pend.len += got;
	s->pend.data[s->pend.len] = '\0';
	r->inflated += got;
	release_inflated(s);
	/* Past the budget, the records whole in `pend` are still read
	 * (a partial one is left, as if more were to come). */
	s->over = r->inflated > r->budget;
	if (s->over) {
		/* nothing more is inflated */
	} else if (zr == Z_STREAM_END) {
		/* The next member, unless only padding follows. */
		if (only_padding(s) || inflateReset(&s->z) != Z_OK)
			s->final = true;
	} else if (zr == Z_BUF_ERROR && s->z.avail_in == 0 && (s->pull ? s->eof : s->fed == s->len)) {
		s->final = true;
		warn(r, "gzip stream cut off at byte %zu", s->pull ? s->fed : s->len);
	} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
		s->final = true;
		warn(r, "corrupt gzip data near byte %zu; the rest of the archive is skipped",
		     in_offset(s));
	}
	return NC_OK;
}

/* A plain member: one chunk more of it into s->pend. */
static int pull_chunk(struct rd *r, struct stream *s)
{
	if (nc_buf_reserve(&s->pend, INFLATE_CHUNK))
		return oom(r);
	size_t n = pull(s, (unsigned char *)s->pend.data + s->pend.len);
	s->pend.len += n;
	s->pend.data[s->pend.len] = '\0';
	s->final = s->eof;
	return NC_OK;
}

/* Records from s->pend, refilled by inflating (.warc.gz) or pulling (a
 * plain WACZ member) a chunk at a time. */
static int buffered_run(struct rd *r, struct stream *s)
{
	if (!s->started && s->gz) {
		memset(&s->z, 0, sizeof s->z);
		if (inflateInit2(&s->z, 15 + 16) != Z_OK)
			return oom(r);
		s->started = true;
		s->z.next_in = s->pull ? s->in : (unsigned char *)s->data;
		s->z.avail_in = (uInt)(s->pull ? s->fed : 0);
	}
	for (;;) {
		int rc = NC_OK;
		if (!s->final && !s->over && (rc = (s->gz ? inflate_chunk : pull_chunk)(r, s)) != NC_OK)
			return rc;
		size_t used = 0;
		int st = parse_records(r, (unsigned char *)s->pend.data, s->pend.len, s->final,
				       s->base, &used, &rc);
		if (st != PAUSED && s->over)
			over_budget(r);
		if (st != PAUSED && (st == BAD || s->final || s->over)) {
			stream_end(s);
			return rc;
		}
		if (st != PAUSED && s->pend.len - used > WARC_MAX_RECORD + WARC_MAX_HEADER) {
			warn(r, "record at byte %llu larger than the record limit; the rest of the archive is skipped",
			     (unsigned long long)s->base);
			stream_end(s);
			return rc;
		}
		memmove(s->pend.data, s->pend.data + used, s->pend.len - used);
		s->pend.len -= used;
		s->base += used;
		if (st == PAUSED)
			return rc;
	}
}

/* Records until the part is full (r->paused) or the archive ends. */
static int stream_run(struct rd *r, struct stream *s)
{
	if (s->done)
		return NC_OK;
	if (s->gz || s->pull)
		return buffered_run(r, s);
	size_t used = 0;
	int rc;
	int st = parse_records(r, s->data + s->pos, s->len - s->pos, true, s->pos, &used, &rc);
	s->pos += used;
	if (st != PAUSED)
		s->done = true;
	return rc;
}

static void stream_start(struct stream *s, const unsigned char *data, size_t len)
{
	stream_end(s);
	*s = (struct stream){ .data = data, .len = len,
			      .gz = len >= 2 && data[0] == 0x1f && data[1] == 0x8b };
}

/* A whole WARC (a WACZ member): a pass never paused. */
static int read_stream(struct rd *r, const unsigned char *data, size_t len)
{
	struct stream s = {0};
	stream_start(&s, data, len);
	int rc = stream_run(r, &s);
	stream_end(&s);
	return rc;
}

/* ---- WACZ ---------------------------------------------------------------- */

/* A WACZ member, pulled from libzip a chunk at a time: never whole in
 * memory (a pass never paused). */
static int on_wacz_member(void *ctx, nc_wacz_pull_fn fn, void *src)
{
	struct rd *r = ctx;
	struct stream s = { .pull = fn, .src = src, .in = malloc(INFLATE_CHUNK) };
	if (!s.in)
		return oom(r);
	/* The first chunk says whether it is gzip: it stays zlib's input,
	 * or becomes the first bytes to parse. */
	s.fed = pull(&s, s.in);
	s.gz = s.fed >= 2 && s.in[0] == 0x1f && s.in[1] == 0x8b;
	int rc = NC_OK;
	if (!s.gz) {
		if (nc_buf_put(&s.pend, s.in, s.fed))
			rc = oom(r);
		s.final = s.eof;
	}
	if (!rc)
		rc = stream_run(r, &s);
	stream_end(&s);
	return rc;
}

/* A pass over every WARC member of the package; what the package says
 * of its members is said in the first pass only. */
static int read_wacz(struct rd *r, const unsigned char *data, size_t len)
{
	struct nc_buf said_already = {0};
	struct nc_wacz_in in = {
		.name = r->name,
		.inflated = &r->inflated,
		.max_inflated = r->budget,
		.tail_warning = r->pass == PASS_INDEX ? &r->tail_warning : &said_already,
		.member = on_wacz_member,
		.ctx = r,
		.err = r->err,
	};
	int rc = nc_wacz_read(&in, data, len);
	nc_buf_free(&said_already);
	return rc;
}

/* ---- the reader ------------------------------------------------------------ */

static int warc_detect(const unsigned char *data, size_t len)
{
	if (len >= 8 && (!memcmp(data, "WARC/1.0", 8) || !memcmp(data, "WARC/1.1", 8)))
		return 2;
	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		unsigned char out[16];
		z_stream z;
		memset(&z, 0, sizeof z);
		if (inflateInit2(&z, 15 + 16) != Z_OK)
			return 0;
		z.next_in = (unsigned char *)data;
		z.avail_in = (uInt)(len < 4096 ? len : 4096);
		z.next_out = out;
		z.avail_out = sizeof out;
		int zr = inflate(&z, Z_SYNC_FLUSH);
		size_t got = sizeof out - z.avail_out;
		inflateEnd(&z);
		return (zr == Z_OK || zr == Z_STREAM_END || zr == Z_BUF_ERROR) && got >= 7 &&
		       !memcmp(out, "WARC/1.", 7) ? 2 : 0;
	}
	return len >= 4 && !memcmp(data, "PK\3\4", 4) && nc_wacz_detect(data, len) ? 2 : 0;
}

/* The warnings so far, a line each, on the first document of this part
 * (out->v[r->first]); with no document in it they wait for the next
 * part, and at the end they are the error when the archive gave no
 * document at all, else each a skipped part (nc_doclist_skip). */
static int put_warnings(struct rd *r, struct nc_doclist *out, bool end)
{
	if (r->tail_warning.oom)
		return oom(r);
	if (!r->tail_warning.len || (out->n == r->first && !end))
		return NC_OK;
	char *all = r->tail_warning.data;
	struct nc_buf one = {0};
	int rc = NC_OK;
	for (char *line = all, *nl; *line && !rc; line = nl + 1) {
		nl = strchr(line, '\n'); /* every line ends in one */
		*nl = '\0';
		if (out->n > r->first)
			rc = nc_doc_warn(out->v[r->first], "archive %s: %s", r->name, line) ? oom(r) : NC_OK;
		else if (r->produced)
			rc = nc_doclist_skip(out, "archive %s: %s", r->name, line) ? oom(r) : NC_OK;
		else
			nc_buf_printf(&one, "%s%s", one.len ? "; " : "", line);
	}
	if (!rc && out->n == r->first && !r->produced)
		rc = one.oom ? oom(r) : nc_err_set(r->err, NC_ERR_PARSE, r->name, "%s", one.data);
	nc_buf_free(&one);
	nc_buf_free(&r->tail_warning);
	return rc;
}

/* An archive being read in parts (nc_reader.open/next/close). */
struct cursor {
	struct rd r;
	struct stream s;
	bool wacz;
	struct nc_doclist held;      /* WACZ: every document, handed out in parts */
	size_t given;
};

static void warc_close(void *p)
{
	struct cursor *c = p;
	if (!c)
		return;
	struct rd *r = &c->r;
	stream_end(&c->s);
	nc_doclist_free(&c->held);
	free_values(&r->input_names, free);
	free_values(&r->images, image_free);
	nc_map_free(&r->by_id);
	free_values(&r->alias, free);
	nc_map_free(&r->pages);
	nc_map_free(&r->converted);
	nc_buf_free(&r->tail_warning);
	free((char *)r->name);
	free(c);
}

static int no_article(struct rd *r)
{
	return nc_err_set(r->err, NC_ERR_PARSE, r->name,
			  "no article in this archive (no newsconv input record, no HTML page with status 200)");
}

/* PASS_INDEX over the whole archive, then PASS_DOCS made ready (for a
 * WACZ: run whole, its documents held). */
static int warc_open(const char *name, const unsigned char *data, size_t len, void **out,
		     struct nc_err *err)
{
	*out = NULL;
	if (!warc_detect(data, len))
		return nc_err_set(err, NC_ERR_PARSE, name, "not a WARC or WACZ file");
	struct cursor *c = calloc(1, sizeof *c);
	if (!c || !(c->r.name = strdup(name))) {
		free(c);
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	}
	struct rd *r = &c->r;
	r->err = err;
	c->wacz = len >= 4 && !memcmp(data, "PK\3\4", 4);
	r->budget = len / WARC_INFLATE_RATIO < WARC_MAX_INFLATED / WARC_INFLATE_RATIO
		    ? WARC_MAX_INFLATED : (uint64_t)len * WARC_INFLATE_RATIO;
	int rc = c->wacz ? read_wacz(r, data, len) : read_stream(r, data, len);
	if (!rc && r->records == 0)
		rc = put_warnings(r, &c->held, true) ? r->err->code : no_article(r);
	if (!rc) { /* PASS_DOCS from the start, budget and pages anew */
		r->pass = PASS_DOCS;
		r->inflated = 0;
		r->stopped = false;
		nc_map_free(&r->pages);
		if (c->wacz) {
			r->out = &c->held;
			rc = read_wacz(r, data, len);
		} else {
			stream_start(&c->s, data, len);
		}
	}
	if (rc) {
		warc_close(c);
		return rc;
	}
	*out = c;
	return NC_OK;
}

/* The next at most `max` documents (0: all) into `out`; *more says
 * whether some are left. */
static int warc_next(void *p, size_t max, struct nc_doclist *out, bool *more, struct nc_err *err)
{
	struct cursor *c = p;
	struct rd *r = &c->r;
	r->err = err;
	r->out = out;
	r->first = out->n;
	int rc = NC_OK;
	if (c->wacz) {
		size_t n = c->held.n - c->given;
		if (max && n > max)
			n = max;
		for (size_t i = 0; i < n && !rc; i++, c->given++) {
			rc = nc_doclist_push(out, c->held.v[c->given]) ? oom(r) : NC_OK;
			c->held.v[c->given] = NULL;
		}
		*more = c->given < c->held.n;
	} else {
		r->max = max;
		r->paused = false;
		rc = stream_run(r, &c->s);
		*more = !c->s.done;
	}
	if (!rc)
		rc = put_warnings(r, out, !*more);
	if (!rc && !*more && !r->produced && !(c->wacz && c->held.n))
		rc = no_article(r);
	return rc;
}

static int warc_read(const char *name, const unsigned char *data, size_t len,
		     struct nc_doclist *out, struct nc_err *err)
{
	return nc_reader_read_whole(&nc_reader_warc, name, data, len, out, err);
}

const struct nc_reader nc_reader_warc = {
	.name = "warc",
	.detect = warc_detect,
	.read = warc_read,
	.open = warc_open,
	.next = warc_next,
	.close = warc_close,
};
