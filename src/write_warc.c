/*
 * write_warc.c - WARC 1.1 (ISO 28500:2017,
 * https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/)
 * and a CDXJ index as pywb reads it.
 *
 * Records, in order: one warcinfo; per article a resource record holding
 * an HTML5 page rendered from the model, a metadata record with every
 * front-matter field (original and normalised), and a resource record
 * with the input file byte for byte; then per fetched image a request
 * and a response record (or a revisit when the same payload was already
 * stored under another URL).  With gzip, each record is its own gzip
 * member.  Record IDs are UUID v5 of the record's content and position
 * when SOURCE_DATE_EPOCH is set, random (v4) otherwise.
 *
 * Not supported: continuation and conversion records, segmentation,
 * redirect chains (a fetched image is recorded as its final response),
 * HTTP/2 framing (requests and responses are written as HTTP/1.1).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "newsconv.h"
#include "render_html.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/digest.h"
#include "util/lang.h"
#include "util/text.h"
#include "util/url.h"

#define WARC_PROFILE_IDENTICAL "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"

struct stored {            /* an image payload already in the archive */
	unsigned char sha1[20];
	const char *url;
	char id[48];
	char date[21];
};

struct cdx_line {
	char *key;      /* SURT + " " + timestamp: what the index sorts by */
	char *line;     /* JSON up to the digest; length and offset come last */
	size_t rec;     /* the record it indexes */
};

struct warc {
	const struct nc_write_opts *o;
	struct nc_output *out;
	int64_t now;
	char warcinfo_id[48];
	unsigned long seq;         /* records written, for deterministic ids */
	const char *filename;
	struct stored *stored;
	size_t nstored, capstored;
	struct nc_strlist urls_done; /* image URLs already recorded */
	struct cdx_line *cdx;
	size_t ncdx, capcdx;
	struct nc_buf *recs;       /* records, uncompressed, until finish() */
	size_t nrecs, caprecs;     /* caprecs is fixed up front: no realloc */
	size_t *rec_off, *rec_len; /* where each record landed in the output */
	/* gzip: a second thread compresses records while later ones are
	 * still being rendered; `next` is the first record nobody took. */
	struct nc_buf *zs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next;
	bool closed, worker;
	pthread_t tid;
	int zrc;
	int rc;
};

/* ---- ids and text ------------------------------------------------------ */

static void record_id(struct warc *w, const void *block, size_t len, char out[48])
{
	char uuid[37];
	if (w->o->have_epoch) {
		unsigned char h[20];
		struct nc_sha1_ctx c;
		char seq[32];
		int n = snprintf(seq, sizeof seq, "newsconv-record-%lu:", w->seq);
		nc_sha1_begin(&c);
		nc_sha1_update(&c, seq, (size_t)n);
		nc_sha1_update(&c, block, len);
		nc_sha1_end(&c, h);
		nc_uuid5(nc_uuid_ns_url, h, sizeof h, uuid);
	} else {
		unsigned char r[16] = {0};
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, r, sizeof r) != (ssize_t)sizeof r) {
			/* Fall back to a name-based id that is still unique here. */
			unsigned char h[20];
			char seed[64];
			int n = snprintf(seed, sizeof seed, "%ld-%lu-%ld", (long)getpid(), w->seq, (long)time(NULL));
			nc_sha1(seed, (size_t)n, h);
			memcpy(r, h, 16);
		}
		if (fd >= 0)
			close(fd);
		r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
		r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
		snprintf(uuid, sizeof uuid,
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
			 r[12], r[13], r[14], r[15]);
	}
	w->seq++;
	snprintf(out, 48, "<urn:uuid:%s>", uuid);
}

/* A header value on one line: CR and LF become spaces. */
static void field(struct nc_buf *b, const char *name, const char *value)
{
	nc_buf_puts(b, name);
	nc_buf_puts(b, ": ");
	for (const char *p = value; *p; p++)
		nc_buf_putc(b, *p == '\r' || *p == '\n' ? ' ' : *p);
	nc_buf_puts(b, "\r\n");
}

/* ---- CDXJ -------------------------------------------------------------- */

/* SURT form of a URL as pywb writes it: "com,example)/path?q". */
static void surt(struct nc_buf *b, const char *url)
{
	const char *p = strstr(url, "://");
	if (!p || !(strncasecmp(url, "http", 4) == 0)) {
		nc_buf_puts(b, url);
		return;
	}
	p += 3;
	const char *host_end = p + strcspn(p, "/?#");
	const char *at = memchr(p, '@', (size_t)(host_end - p));
	if (at)
		p = at + 1;
	const char *port = memchr(p, ':', (size_t)(host_end - p));
	const char *he = port ? port : host_end;
	/* Lower-cased host, "www." dropped, labels reversed. */
	char host[256];
	size_t hn = (size_t)(he - p) < sizeof host - 1 ? (size_t)(he - p) : sizeof host - 1;
	for (size_t i = 0; i < hn; i++)
		host[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
	host[hn] = '\0';
	char *h = host;
	if (strncmp(h, "www.", 4) == 0)
		h += 4;
	size_t len = strlen(h);
	size_t end = len;
	bool first = true;
	while (end > 0) {
		size_t start = end;
		while (start > 0 && h[start - 1] != '.')
			start--;
		if (!first)
			nc_buf_putc(b, ',');
		nc_buf_put(b, h + start, end - start);
		first = false;
		end = start ? start - 1 : 0;
	}
	/* pywb keeps non-default ports. */
	if (port) {
		size_t pl = (size_t)(host_end - port - 1);
		bool dflt = (pl == 2 && !strncmp(port + 1, "80", 2)) || (pl == 3 && !strncmp(port + 1, "443", 3));
		if (!dflt)
			nc_buf_put(b, port, (size_t)(host_end - port));
	}
	nc_buf_putc(b, ')');
	const char *path = host_end;
	const char *frag = strchr(path, '#');
	size_t pn = frag ? (size_t)(frag - path) : strlen(path);
	if (pn == 0)
		nc_buf_putc(b, '/');
	for (size_t i = 0; i < pn; i++)
		nc_buf_putc(b, path[i] >= 'A' && path[i] <= 'Z' ? path[i] + 32 : path[i]);
}

static void json_str(struct nc_buf *b, const char *s)
{
	nc_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			nc_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			nc_buf_printf(b, "\\u%04x", *p);
		else
			nc_buf_putc(b, (char)*p);
	}
	nc_buf_putc(b, '"');
}

/* `offset` is the record's index here; its byte offset is known only
 * once every record is compressed. */
static void add_cdx(struct warc *w, const char *url, int64_t date, const char *mime,
		    const char *status, const char *digest, size_t offset, size_t length)
{
	if (!w->o->cdx_path)
		return;
	struct nc_buf key = {0}, line = {0};
	char ts[15];
	nc_date_14(date, ts);
	surt(&key, url);
	nc_buf_printf(&key, " %s", ts);
	nc_buf_printf(&line, "%s {\"url\": ", key.data ? key.data : "");
	json_str(&line, url);
	if (mime) {
		nc_buf_puts(&line, ", \"mime\": ");
		json_str(&line, mime);
	}
	if (status)
		nc_buf_printf(&line, ", \"status\": \"%s\"", status);
	/* pywb's digest is the base32 payload digest without "sha1:". */
	nc_buf_printf(&line, ", \"digest\": \"%s\"", digest + 5);
	(void)length;
	if (w->ncdx == w->capcdx) {
		size_t cap = w->capcdx ? w->capcdx * 2 : 64;
		struct cdx_line *v = realloc(w->cdx, cap * sizeof *v);
		if (!v) {
			w->rc = NC_ERR_NOMEM;
			nc_buf_free(&key);
			nc_buf_free(&line);
			return;
		}
		w->cdx = v;
		w->capcdx = cap;
	}
	w->cdx[w->ncdx].key = nc_buf_detach(&key, NULL);
	w->cdx[w->ncdx].line = nc_buf_detach(&line, NULL);
	w->cdx[w->ncdx].rec = offset;
	w->ncdx++;
}

static int cmp_cdx(const void *a, const void *b)
{
	const struct cdx_line *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->line, y->line);
}

/* ---- records ----------------------------------------------------------- */

struct rec {
	const char *type;
	const char *target;       /* WARC-Target-URI or NULL */
	const char *content_type;
	int64_t date;
	const unsigned char *block;
	size_t len;
	const unsigned char *block2;  /* a second part of the block (response body) */
	size_t len2;
	bool payload_digest;      /* add WARC-Payload-Digest */
	const unsigned char *payload_sha1; /* given, else computed over block2 or block */
	const unsigned char *block_sha1;   /* given when the caller has it already */
	const char *extra;        /* more header lines, each ending in CRLF */
	char id[48];              /* out */
	unsigned char digest[20]; /* out: the block digest */
};

/* ---- compression, on both cores ---------------------------------------- */

/* Each record is its own gzip member; one stream per thread, reset per
 * member (initialising zlib per record costs more than compressing it).
 * 15 + 16 selects a gzip wrapper; zlib writes mtime 0, so members are
 * reproducible.  memLevel 7: a smaller hash table to clear per member. */
static void *compress_loop(void *arg)
{
	struct warc *w = arg;
	z_stream z;
	int rc = NC_OK;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 7, Z_DEFAULT_STRATEGY) != Z_OK)
		rc = NC_ERR_NOMEM;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->next >= w->nrecs && !w->closed)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->next >= w->nrecs || rc) {
			if (rc && !w->zrc)
				w->zrc = rc;
			pthread_mutex_unlock(&w->mu);
			break;
		}
		size_t i = w->next++;
		pthread_mutex_unlock(&w->mu);

		const struct nc_buf *in = &w->recs[i];
		struct nc_buf *o = &w->zs[i];
		uLong bound = deflateBound(&z, (uLong)in->len) + 32;
		if (deflateReset(&z) != Z_OK || nc_buf_reserve(o, bound)) {
			rc = NC_ERR_NOMEM;
			continue;
		}
		z.next_in = (unsigned char *)in->data;
		z.avail_in = (uInt)in->len;
		z.next_out = (unsigned char *)o->data;
		z.avail_out = (uInt)bound;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
			rc = NC_ERR_INTERNAL;
			continue;
		}
		o->len = bound - z.avail_out;
	}
	deflateEnd(&z);
	return NULL;
}

/* Room for every record a set of documents can make: warcinfo, three
 * per article, and at most two per image. */
static int prepare(struct warc *w, struct nc_doc *const *docs, size_t n)
{
	size_t cap = 1 + 3 * n;
	for (size_t i = 0; i < n; i++)
		cap += 2 * docs[i]->nresources;
	w->recs = calloc(cap, sizeof *w->recs);
	if (!w->recs)
		return NC_ERR_NOMEM;
	w->caprecs = cap;
	if (!w->o->gzip)
		return NC_OK;
	w->zs = calloc(cap, sizeof *w->zs);
	if (!w->zs)
		return NC_ERR_NOMEM;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->worker = cap >= 8 && pthread_create(&w->tid, NULL, compress_loop, w) == 0;
	return NC_OK;
}

/* Put every record into the output, compressed when asked, and note
 * where each one landed (for the CDX index). */
static void finish(struct warc *w)
{
	const struct nc_buf *src = w->recs;
	if (w->zs) {
		pthread_mutex_lock(&w->mu);
		w->closed = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		compress_loop(w); /* this thread helps with what is left */
		if (w->worker)
			pthread_join(w->tid, NULL);
		w->worker = false;
		if (w->zrc && !w->rc)
			w->rc = w->zrc;
		src = w->zs;
	}
	w->rec_off = calloc(w->nrecs ? w->nrecs : 1, sizeof *w->rec_off);
	w->rec_len = calloc(w->nrecs ? w->nrecs : 1, sizeof *w->rec_len);
	if (!w->rec_off || !w->rec_len)
		w->rc = NC_ERR_NOMEM;
	for (size_t i = 0; i < w->nrecs && !w->rc; i++) {
		w->rec_off[i] = w->out->size;
		if (nc_output_append(w->out, src[i].data ? src[i].data : "", src[i].len))
			w->rc = NC_ERR_NOMEM;
		w->rec_len[i] = src[i].len;
	}
}

/* Queue one record; *offset gets its index (see finish()). */
static void write_record(struct warc *w, struct rec *r, size_t *offset, size_t *length)
{
	unsigned char bd[20], pd[20];
	if (r->block_sha1) {
		memcpy(bd, r->block_sha1, 20);
	} else {
		struct nc_sha1_ctx c;
		nc_sha1_begin(&c);
		nc_sha1_update(&c, r->block, r->len);
		if (r->block2)
			nc_sha1_update(&c, r->block2, r->len2);
		nc_sha1_end(&c, bd);
	}
	memcpy(r->digest, bd, 20);
	if (r->payload_sha1)
		memcpy(pd, r->payload_sha1, 20);
	else if (r->block2)
		nc_sha1(r->block2, r->len2, pd);
	else
		memcpy(pd, bd, 20);
	record_id(w, bd, 20, r->id);

	char date[21], b32[38];
	nc_date_iso(r->date, date);
	struct nc_buf h = {0};
	nc_buf_puts(&h, "WARC/1.1\r\n");
	field(&h, "WARC-Type", r->type);
	field(&h, "WARC-Record-ID", r->id);
	field(&h, "WARC-Date", date);
	if (r->target)
		field(&h, "WARC-Target-URI", r->target);
	if (strcmp(r->type, "warcinfo"))
		field(&h, "WARC-Warcinfo-ID", w->warcinfo_id);
	if (r->extra)
		nc_buf_puts(&h, r->extra);
	if (r->content_type)
		field(&h, "Content-Type", r->content_type);
	nc_sha1_base32(bd, b32);
	field(&h, "WARC-Block-Digest", b32);
	if (r->payload_digest) {
		nc_sha1_base32(pd, b32);
		field(&h, "WARC-Payload-Digest", b32);
	}
	nc_buf_printf(&h, "Content-Length: %zu\r\n\r\n", r->len + r->len2);
	nc_buf_put(&h, r->block, r->len);
	if (r->block2)
		nc_buf_put(&h, r->block2, r->len2);
	nc_buf_puts(&h, "\r\n\r\n");
	if (h.oom) {
		w->rc = NC_ERR_NOMEM;
		nc_buf_free(&h);
		return;
	}
	if (w->nrecs == w->caprecs) {
		/* prepare() counted every record; this is a bug if reached. */
		w->rc = NC_ERR_INTERNAL;
		nc_buf_free(&h);
		return;
	}
	*offset = w->nrecs;
	*length = 0;
	if (w->zs)
		pthread_mutex_lock(&w->mu);
	w->recs[w->nrecs++] = h;
	if (w->zs) {
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
}

/* ---- the archived page ------------------------------------------------- */

static const char *page_image(void *ctx, const struct nc_resource *res, const char *url)
{
	(void)ctx;
	/* Images stay at their original URLs: a replay tool serves them
	 * from the response records.  One that could not be fetched is a
	 * link instead, since no record can answer for it. */
	if (res && res->state == NC_RES_FAILED)
		return NULL;
	if (res && nc_url_is_http(res->resolved))
		return res->resolved;
	return nc_url_is_http(url) ? url : NULL;
}

static void page(struct nc_buf *x, const struct nc_doc *d)
{
	const struct nc_meta *m = &d->meta;
	const char *lang = m->language && *m->language ? m->language : nc_lang_guess(d);
	nc_buf_puts(x, "<!DOCTYPE html>\n<html");
	nc_html_attr(x, "lang", lang);
	nc_buf_puts(x, ">\n<head>\n<meta charset=\"utf-8\"/>\n<title>");
	nc_buf_puts_xml(x, m->title, false);
	nc_buf_puts(x, "</title>\n");
	if (m->authors.len) {
		nc_buf_puts(x, "<meta name=\"author\"");
		nc_html_attr(x, "content", m->authors.items[0]);
		nc_buf_puts(x, "/>\n");
	}
	if (m->description) {
		nc_buf_puts(x, "<meta name=\"description\"");
		nc_html_attr(x, "content", m->description);
		nc_buf_puts(x, "/>\n");
	}
	if (m->source_url) {
		size_t mark = x->len;
		nc_buf_puts(x, "<link rel=\"canonical\"");
		if (nc_html_href(x, m->source_url))
			nc_buf_puts(x, "/>\n");
		else
			nc_buf_truncate(x, mark);
	}
	nc_buf_puts(x, "</head>\n<body>\n<article>\n<header>\n<h1>");
	nc_buf_puts_xml(x, m->title, false);
	nc_buf_puts(x, "</h1>\n<dl class=\"meta\">\n");
	for (size_t i = 0; i < m->authors.len; i++) {
		nc_buf_puts(x, "<dt>Author</dt><dd>");
		nc_buf_puts_xml(x, m->authors.items[i], false);
		nc_buf_puts(x, "</dd>\n");
	}
	if (m->date || m->date_raw) {
		nc_buf_puts(x, "<dt>Date</dt><dd>");
		if (m->date) {
			nc_buf_puts(x, "<time");
			nc_html_attr(x, "datetime", m->date);
			nc_buf_putc(x, '>');
			nc_buf_puts_xml(x, m->date_raw ? m->date_raw : m->date, false);
			nc_buf_puts(x, "</time>");
		} else {
			nc_buf_puts_xml(x, m->date_raw, false);
		}
		nc_buf_puts(x, "</dd>\n");
	}
	for (size_t i = 0; i < m->ncategories; i++) {
		nc_buf_puts(x, "<dt>Category</dt><dd>");
		for (size_t k = 0; k < m->categories[i].len; k++) {
			if (k)
				nc_buf_puts(x, " / ");
			nc_buf_puts_xml(x, m->categories[i].items[k], false);
		}
		nc_buf_puts(x, "</dd>\n");
	}
	if (m->tags.len) {
		nc_buf_puts(x, "<dt>Tags</dt><dd>");
		for (size_t k = 0; k < m->tags.len; k++) {
			if (k)
				nc_buf_puts(x, ", ");
			nc_buf_puts_xml(x, m->tags.items[k], false);
		}
		nc_buf_puts(x, "</dd>\n");
	}
	nc_buf_puts(x, "</dl>\n</header>\n");
	struct nc_html_images im = { page_image, NULL };
	nc_html_body(x, d->root, &im);
	nc_buf_puts(x, "</article>\n</body>\n</html>\n");
}

/* warc-fields: every front-matter field, normalised and as written. */
static void metadata_fields(struct nc_buf *b, const struct nc_doc *d)
{
	const struct nc_meta *m = &d->meta;
	const char *base = strrchr(d->source_name, '/');
	field(b, "input-file", base ? base + 1 : d->source_name);
	static const char *const kinds[] = {"none", "yaml", "yaml-recovered", "json"};
	field(b, "front-matter", kinds[m->fm_kind]);
	field(b, "title", m->title);
	if (m->title_raw)
		field(b, "title-original", m->title_raw);
	for (size_t i = 0; i < m->authors.len; i++)
		field(b, "author", m->authors.items[i]);
	if (m->date)
		field(b, "date", m->date);
	if (m->date_raw)
		field(b, "date-original", m->date_raw);
	if (m->updated)
		field(b, "updated", m->updated);
	if (m->updated_raw)
		field(b, "updated-original", m->updated_raw);
	if (m->language)
		field(b, "language", m->language);
	for (size_t i = 0; i < m->ncategories; i++) {
		struct nc_buf c = {0};
		for (size_t k = 0; k < m->categories[i].len; k++) {
			if (k)
				nc_buf_puts(&c, " > ");
			nc_buf_puts(&c, m->categories[i].items[k]);
		}
		field(b, "category", c.data ? c.data : "");
		nc_buf_free(&c);
	}
	for (size_t i = 0; i < m->tags.len; i++)
		field(b, "tag", m->tags.items[i]);
	if (m->cover)
		field(b, "cover", m->cover);
	if (m->description)
		field(b, "description", m->description);
	if (m->source_url)
		field(b, "source", m->source_url);
	for (size_t i = 0; i < m->nextra; i++) {
		struct nc_buf k = {0};
		nc_buf_printf(&k, "fm-%s", m->extra[i].key);
		/* A field name is a token: anything else becomes '-'. */
		for (size_t j = 0; j < k.len; j++) {
			unsigned char c = (unsigned char)k.data[j];
			if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", c))
				k.data[j] = '-';
		}
		field(b, k.data, m->extra[i].value);
		nc_buf_free(&k);
	}
}

/* The response head as stored: chunked transfer coding is removed from
 * the body, so the head must say the length instead. */
static void response_head(struct nc_buf *h, const struct nc_exchange *x, size_t body_len)
{
	const char *p = (const char *)x->response_head;
	const char *end = p + x->response_head_len;
	bool first = true;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl + 1 : end;
		size_t n = (size_t)(le - p);
		const char *text_end = le;
		while (text_end > p && (text_end[-1] == '\n' || text_end[-1] == '\r'))
			text_end--;
		if (text_end == p) /* the blank line */
			break;
		bool drop = !first && (strncasecmp(p, "transfer-encoding:", 18) == 0 ||
				       strncasecmp(p, "content-length:", 15) == 0);
		if (!drop) {
			nc_buf_put(h, p, (size_t)(text_end - p));
			nc_buf_puts(h, "\r\n");
		}
		first = false;
		p += n;
	}
	nc_buf_printf(h, "Content-Length: %zu\r\n\r\n", body_len);
}

static const struct stored *find_stored(struct warc *w, const unsigned char sha1[20])
{
	for (size_t i = 0; i < w->nstored; i++)
		if (!memcmp(w->stored[i].sha1, sha1, 20))
			return &w->stored[i];
	return NULL;
}

static void image_records(struct warc *w, const struct nc_resource *res)
{
	const struct nc_exchange *x = res->exchange;
	const struct nc_blob *blob = res->blob;
	if (!x || !blob || !x->response_head || !x->request)
		return;
	for (size_t i = 0; i < w->urls_done.len; i++)
		if (!strcmp(w->urls_done.items[i], x->url))
			return; /* an image used by several articles, stored once */
	nc_strlist_push(&w->urls_done, x->url);

	struct nc_buf head = {0};
	response_head(&head, x, blob->size);
	char status[8];
	snprintf(status, sizeof status, "%d", x->status);
	size_t off, len;
	const struct stored *prev = find_stored(w, blob->sha1);
	struct nc_buf extra = {0};
	if (x->ip)
		field(&extra, "WARC-IP-Address", x->ip);

	if (prev) {
		/* The same bytes under another URL: a revisit of the first. */
		field(&extra, "WARC-Profile", WARC_PROFILE_IDENTICAL);
		field(&extra, "WARC-Refers-To", prev->id);
		field(&extra, "WARC-Refers-To-Target-URI", prev->url);
		field(&extra, "WARC-Refers-To-Date", prev->date);
		struct rec r = { .type = "revisit", .target = x->url,
				 .content_type = "application/http; msgtype=response", .date = x->date,
				 .block = (unsigned char *)head.data, .len = head.len,
				 .payload_digest = true, .payload_sha1 = blob->sha1, .extra = extra.data };
		write_record(w, &r, &off, &len);
		char b32[38];
		nc_sha1_base32(blob->sha1, b32);
		add_cdx(w, x->url, x->date, "warc/revisit", status, b32, off, len);
	} else {
		struct rec r = { .type = "response", .target = x->url,
				 .content_type = "application/http; msgtype=response", .date = x->date,
				 .block = (unsigned char *)head.data, .len = head.len,
				 .block2 = blob->data, .len2 = blob->size,
				 .payload_digest = true, .extra = extra.data };
		write_record(w, &r, &off, &len);
		char b32[38];
		nc_sha1_base32(blob->sha1, b32);
		add_cdx(w, x->url, x->date, blob->media_type[0] ? blob->media_type : "application/octet-stream",
			status, b32, off, len);
		if (w->nstored == w->capstored) {
			size_t cap = w->capstored ? w->capstored * 2 : 16;
			struct stored *v = realloc(w->stored, cap * sizeof *v);
			if (!v) {
				w->rc = NC_ERR_NOMEM;
				goto out;
			}
			w->stored = v;
			w->capstored = cap;
		}
		struct stored *s = &w->stored[w->nstored++];
		memcpy(s->sha1, blob->sha1, 20);
		s->url = x->url;
		memcpy(s->id, r.id, sizeof s->id);
		nc_date_iso(x->date, s->date);
		/* The request that got it, linked to the response. */
		struct nc_buf rx = {0};
		field(&rx, "WARC-Concurrent-To", r.id);
		if (x->ip)
			field(&rx, "WARC-IP-Address", x->ip);
		struct rec q = { .type = "request", .target = x->url,
				 .content_type = "application/http; msgtype=request", .date = x->date,
				 .block = x->request, .len = x->request_len, .extra = rx.data };
		write_record(w, &q, &off, &len);
		nc_buf_free(&rx);
	}
out:
	nc_buf_free(&extra);
	nc_buf_free(&head);
}

static void article_records(struct warc *w, const struct nc_doc *d)
{
	unsigned char in_sha[20];
	char b32[38];
	nc_sha1(d->input, d->input_len, in_sha);
	nc_sha1_base32(in_sha, b32);
	struct nc_buf uri = {0}, in_uri = {0};
	const char *src = d->meta.source_url;
	if (src && (strncasecmp(src, "http://", 7) == 0 || strncasecmp(src, "https://", 8) == 0) &&
	    !strpbrk(src, " \t\r\n<>\""))
		nc_buf_puts(&uri, src);
	else
		nc_buf_printf(&uri, "urn:newsconv:article:%s", b32 + 5);
	nc_buf_printf(&in_uri, "urn:newsconv:input:%s", b32 + 5);

	int64_t when = w->now;
	size_t off, len;
	struct nc_buf html = {0};
	page(&html, d);
	struct rec pg = { .type = "resource", .target = uri.data, .content_type = "text/html; charset=utf-8",
			  .date = when, .block = (unsigned char *)html.data, .len = html.len,
			  .payload_digest = true };
	write_record(w, &pg, &off, &len);
	char hb32[38];
	nc_sha1_base32(pg.digest, hb32);
	add_cdx(w, uri.data, when, pg.content_type, NULL, hb32, off, len);

	struct nc_buf meta = {0}, extra = {0};
	metadata_fields(&meta, d);
	field(&extra, "WARC-Refers-To", pg.id);
	struct rec md = { .type = "metadata", .target = uri.data, .content_type = "application/warc-fields",
			  .date = when, .block = (unsigned char *)meta.data, .len = meta.len, .extra = extra.data };
	write_record(w, &md, &off, &len);

	nc_buf_truncate(&extra, 0);
	field(&extra, "WARC-Concurrent-To", pg.id);
	bool text = nc_utf8_valid((const char *)d->input, d->input_len);
	struct rec in = { .type = "resource", .target = in_uri.data,
			  .content_type = text ? "text/plain; charset=utf-8" : "application/octet-stream",
			  .date = when, .block = d->input, .len = d->input_len, .payload_digest = true,
			  .block_sha1 = in_sha, .extra = extra.data };
	write_record(w, &in, &off, &len);
	add_cdx(w, in_uri.data, when, in.content_type, NULL, b32, off, len);

	for (size_t i = 0; i < d->nresources; i++)
		image_records(w, d->resources[i]);

	nc_buf_free(&html);
	nc_buf_free(&meta);
	nc_buf_free(&extra);
	nc_buf_free(&uri);
	nc_buf_free(&in_uri);
}

static int write_warc(struct nc_doc *const *docs, size_t n, const struct nc_write_opts *o,
		      struct nc_output *out, struct nc_err *err)
{
	struct warc w = { .o = o, .out = out };
	const char *where = o->output_path ? o->output_path : "-";
	w.now = o->have_epoch ? o->epoch : (int64_t)time(NULL);
	const char *base = o->output_path ? strrchr(o->output_path, '/') : NULL;
	w.filename = o->output_path ? (base ? base + 1 : o->output_path) : (o->gzip ? "stdout.warc.gz" : "stdout.warc");
	if (prepare(&w, docs, n) != NC_OK)
		w.rc = NC_ERR_NOMEM;

	struct nc_buf info = {0};
	field(&info, "software", "newsconv/" NC_VERSION);
	field(&info, "format", "WARC File Format 1.1");
	field(&info, "conformsTo", "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/");
	field(&info, "description", "News articles converted from front-matter HTML; each article's input file is stored byte for byte");
	if (o->options_text && *o->options_text)
		field(&info, "options", o->options_text);
	struct nc_buf fname = {0};
	field(&fname, "WARC-Filename", w.filename);
	struct rec wi = { .type = "warcinfo", .content_type = "application/warc-fields", .date = w.now,
			  .block = (unsigned char *)info.data, .len = info.len, .extra = fname.data };
	size_t off, len;
	/* The warcinfo id is known only once written; records after it
	 * point to it, and it does not point to itself. */
	write_record(&w, &wi, &off, &len);
	memcpy(w.warcinfo_id, wi.id, sizeof w.warcinfo_id);
	nc_buf_free(&info);
	nc_buf_free(&fname);

	for (size_t i = 0; i < n && !w.rc; i++)
		article_records(&w, docs[i]);
	/* Always: the compressing thread must be told to stop and joined. */
	finish(&w);

	if (!w.rc && o->cdx_path) {
		qsort(w.cdx, w.ncdx, sizeof *w.cdx, cmp_cdx);
		struct nc_buf idx = {0};
		for (size_t i = 0; i < w.ncdx; i++) {
			size_t r = w.cdx[i].rec;
			nc_buf_printf(&idx, "%s, \"length\": \"%zu\", \"offset\": \"%zu\", \"filename\": ",
				      w.cdx[i].line, w.rec_len[r], w.rec_off[r]);
			json_str(&idx, w.filename);
			nc_buf_puts(&idx, "}\n");
		}
		if (idx.oom || nc_output_side(out, o->cdx_path, idx.data ? idx.data : "", idx.len))
			w.rc = NC_ERR_NOMEM;
		nc_buf_free(&idx);
	}
	for (size_t i = 0; i < w.ncdx; i++) {
		free(w.cdx[i].key);
		free(w.cdx[i].line);
	}
	free(w.cdx);
	free(w.stored);
	for (size_t i = 0; i < w.nrecs; i++) {
		nc_buf_free(&w.recs[i]);
		if (w.zs)
			nc_buf_free(&w.zs[i]);
	}
	free(w.recs);
	if (w.zs) {
		free(w.zs);
		pthread_mutex_destroy(&w.mu);
		pthread_cond_destroy(&w.cv);
	}
	free(w.rec_off);
	free(w.rec_len);
	nc_strlist_free(&w.urls_done);
	if (w.rc)
		return nc_err_set(err, w.rc, where, "cannot write the WARC: %s",
				  w.rc == NC_ERR_NOMEM ? "out of memory" : "compression failed");
	return NC_OK;
}

const struct nc_format nc_format_warc = {
	.name = "warc",
	.extension = ".warc",
	.many_in_one = true,
	.write = write_warc,
};
