/*
 * write_warc.c - WARC 1.1 (ISO 28500:2017,
 * https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/)
 * and a CDXJ index as pywb reads it.
 *
 * Records, in order: one warcinfo; per article a resource record holding
 * an HTML5 page rendered from the model (at the article's http(s)
 * source URL, else at a URL made from --base-url, see write_warc.h, so
 * that replay tools can open every page), a metadata record with every
 * front-matter field (original and normalised), and a resource record
 * with the input file byte for byte; then per fetched image a response
 * and a request record (or a revisit when the same payload was already
 * stored under another URL).  An article whose page was fetched as
 * served (d->served: a page given as a URL, a --full-text item's page)
 * has that page's response and request first, at the page's URL, and
 * the rendered page is a conversion record (WARC 1.1 section 6.8) at the
 * same URL referring to the response: the capture a replay tool shows
 * (and the index lists) is the page as served, never two of one URL.
 * With gzip, each record is its own gzip member.  Record IDs are UUID v5 of the record's content and position
 * when SOURCE_DATE_EPOCH is set, random (v4) otherwise.
 *
 * Streaming: nc_writer_prepare() renders and compresses an article's
 * records on any thread; add() only decides what an image already in the
 * archive becomes (nothing, or a revisit), writes the bytes to the sink
 * and notes the CDXJ line with its exact offset.  The index is sorted in
 * bounded memory (util/linesort) and written beside the archive.
 *
 * Not supported: continuation records, segmentation,
 * redirect chains (a fetched image is recorded as its final response),
 * HTTP/2 framing (requests and responses are written as HTTP/1.1).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "newsconv.h"
#include "fetch_parse.h"
#include "output.h"
#include "render_html.h"
#include "util/words.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/lang.h"
#include "util/linesort.h"
#include "util/map.h"
#include "util/text.h"
#include "util/url.h"
#include "write_warc.h"

#define WARC_PROFILE_IDENTICAL "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


struct stored {            /* an image payload already in the archive */
	char *url;
	char id[48];
	char date[21];
};

struct warc {
	int64_t now;
	char warcinfo_id[48];
	const char *filename;
	bool gzip;
	bool stable;               /* SOURCE_DATE_EPOCH: ids from content */
	unsigned char run[20];     /* with stable: SHA-1 of the output's name and options */
	const char *base_url;      /* for pages without an http(s) source */
	z_stream z;                /* for the few records add() makes */
	bool zready;
	struct nc_map urls_done;   /* fetched URL -> char[48], the id of the record holding it */
	struct nc_map stored;      /* payload SHA-1 (20 bytes) -> struct stored */
	struct nc_linesort cdx;
	bool indexing;             /* records go into cdx */
	bool index_kept;           /* for the caller (WACZ), not opts.cdx_path */
};

/* ---- ids and text ------------------------------------------------------ */

/* With SOURCE_DATE_EPOCH, what makes this output's ids its own: its name
 * (the WACZ's, not data.warc.gz) and the options, --shard among them.
 * Without it, the same article in two shards, or two runs' warcinfo
 * records, would get one id (review row 8). */
static void run_seed(struct warc *w, const struct nc_write_opts *o)
{
	const char *name = o->id_name ? o->id_name : w->filename;
	const char *opts = o->options_text ? o->options_text : "";
	struct nc_sha1_ctx c;
	nc_sha1_begin(&c);
	nc_sha1_update(&c, "newsconv-run-", 13);
	nc_sha1_update(&c, name, strlen(name) + 1);
	nc_sha1_update(&c, opts, strlen(opts));
	nc_sha1_end(&c, w->run);
}

/* `seed` names the record's place ("info", "12.3"): with
 * SOURCE_DATE_EPOCH the id is a UUID v5 of it, the output's run seed and
 * the block digest, so that it does not depend on which thread made the
 * record. */
static void record_id(const struct warc *w, const char *seed, const unsigned char digest[20],
		      char out[48])
{
	char uuid[37];
	if (w->stable) {
		unsigned char h[20];
		struct nc_sha1_ctx c;
		nc_sha1_begin(&c);
		nc_sha1_update(&c, "newsconv-record-", 16);
		nc_sha1_update(&c, w->run, sizeof w->run);
		nc_sha1_update(&c, seed, strlen(seed));
		nc_sha1_update(&c, ":", 1);
		nc_sha1_update(&c, digest, 20);
		nc_sha1_end(&c, h);
		nc_uuid5(nc_uuid_ns_url, h, sizeof h, uuid);
	} else {
		unsigned char r[16] = {0};
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, r, sizeof r) != (ssize_t)sizeof r) {
			/* Fall back to a name-based id that is still unique here. */
			unsigned char h[20];
			char s[128];
			int n = snprintf(s, sizeof s, "%ld-%s-%ld-%p", (long)getpid(), seed,
					 (long)time(NULL), (void *)out);
			nc_sha1(s, (size_t)n, h);
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

/* The start of a CDXJ line, up to the digest; add() appends length,
 * offset and file name once the record's place is known. */
static char *cdx_start(const char *url, int64_t date, const char *mime,
		       const char *status, const char *digest)
{
	struct nc_buf line = {0};
	char ts[15];
	nc_date_14(date, ts);
	surt(&line, url);
	nc_buf_printf(&line, " %s {\"url\": ", ts);
	nc_json_str(&line, url);
	if (mime) {
		nc_buf_puts(&line, ", \"mime\": ");
		nc_json_str(&line, mime);
	}
	if (status)
		nc_buf_printf(&line, ", \"status\": \"%s\"", status);
	/* pywb's digest is the base32 payload digest without "sha1:". */
	nc_buf_printf(&line, ", \"digest\": \"%s\"", digest + 5);
	if (line.oom) {
		nc_buf_free(&line);
		return NULL;
	}
	return nc_buf_detach(&line, NULL);
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
	char id[48];              /* out; when set on entry, the id to use */
	unsigned char digest[20]; /* out: the block digest */
};

/* One record made ahead: its bytes as they go into the file. */
struct made {
	struct nc_buf bytes;
	char *cdx;                /* start of its CDXJ line, NULL: not indexed */
	/* An image's response and request: whether they are written is
	 * decided in add(), which knows what the archive holds already. */
	const struct nc_resource *image;
	bool is_request;
	/* The article as a conversion of its page as served: bytes holds
	 * its HTML, id its id; add() makes the record, knowing the record
	 * the page's URL was stored in (its response, a revisit, or an
	 * earlier article's). */
	const struct nc_resource *converts;
	char id[48];
};

struct part {
	struct made *v;
	size_t n, cap;
	unsigned next_seed;
	int rc;
};

/* Each record is its own gzip member.  15 + 16 selects a gzip wrapper;
 * zlib writes mtime 0, so members are reproducible.  memLevel 7: a
 * smaller hash table to clear per member. */
static int z_open(z_stream *z)
{
	memset(z, 0, sizeof *z);
	return deflateInit2(z, 6, Z_DEFLATED, 15 + 16, 7, Z_DEFAULT_STRATEGY) == Z_OK
		? NC_OK : NC_ERR_NOMEM;
}

static int gzip_member(z_stream *z, struct nc_buf *in, struct nc_buf *out)
{
	uLong bound = deflateBound(z, (uLong)in->len) + 32;
	if (deflateReset(z) != Z_OK || nc_buf_reserve(out, bound))
		return NC_ERR_NOMEM;
	z->next_in = (unsigned char *)in->data;
	z->avail_in = (uInt)in->len;
	z->next_out = (unsigned char *)out->data;
	z->avail_out = (uInt)bound;
	if (deflate(z, Z_FINISH) != Z_STREAM_END)
		return NC_ERR_INTERNAL;
	out->len = bound - z->avail_out;
	return NC_OK;
}

/* Render one record into `out` (compressed when `z` is given). */
static int make_record(const struct warc *w, struct rec *r, const char *seed,
		       z_stream *z, struct nc_buf *out)
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
	if (!r->id[0]) /* else given: made ahead (a conversion) */
		record_id(w, seed, bd, r->id);

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
	int rc = h.oom ? NC_ERR_NOMEM : NC_OK;
	if (!rc && z) {
		rc = gzip_member(z, &h, out);
		nc_buf_free(&h);
	} else if (!rc) {
		*out = h;
	} else {
		nc_buf_free(&h);
	}
	return rc;
}

/* ---- where a page is archived ----------------------------------------- */

static bool url_chars_ok(const char *u)
{
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>\"\\^`{|}", *p))
			return false;
	return true;
}

static bool is_http(const char *u)
{
	return strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0;
}

bool nc_warc_base_ok(const char *base)
{
	if (!base || !is_http(base) || !url_chars_ok(base) || strpbrk(base, "?#"))
		return false;
	const char *host = strstr(base, "://") + 3;
	return *host && *host != '/' && *host != ':' && strlen(base) < 1024;
}

/* Lower-case ASCII letters and digits of the title, any run of other
 * characters one '-': what a CMS would make of it, and the same bytes
 * whatever the locale. */
static void title_slug(struct nc_buf *out, const char *title)
{
	size_t start = out->len, n = 0;
	bool dash = false;
	for (const unsigned char *p = (const unsigned char *)(title ? title : ""); *p && n < 60; p++) {
		unsigned c = *p;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && out->len > start) {
				nc_buf_putc(out, '-');
				n++;
			}
			nc_buf_putc(out, (char)c);
			n++;
			dash = false;
		} else {
			dash = true;
		}
	}
}

int nc_warc_page_url(const struct nc_doc *d, const char *base, struct nc_buf *out)
{
	const char *src = d->meta.source_url;
	/* A page fetched as served is recorded at the URL it came from. */
	if (d->served && d->served->exchange && is_http(d->served->exchange->url) &&
	    url_chars_ok(d->served->exchange->url))
		src = d->served->exchange->url;
	if (src && is_http(src) && !strpbrk(src, " \t\r\n<>\""))
		return nc_buf_puts(out, src);
	if (!base || !nc_warc_base_ok(base))
		base = NC_WARC_DEFAULT_BASE;
	nc_buf_puts(out, base);
	if (out->len && out->data[out->len - 1] != '/')
		nc_buf_putc(out, '/');
	const char *t = d->meta.date; /* "2024-01-02T03:04:05Z" */
	if (t && strlen(t) >= 10 && t[4] == '-' && t[7] == '-')
		nc_buf_printf(out, "%.4s/%.2s/%.2s/", t, t + 5, t + 8);
	unsigned char sha[20];
	char hex[41];
	nc_sha1(d->input, d->input_len, sha);
	nc_hex(sha, sizeof sha, hex);
	size_t before = out->len;
	title_slug(out, d->meta.title);
	if (out->len > before)
		nc_buf_putc(out, '-');
	nc_buf_printf(out, "%.12s.html", hex);
	return out->oom ? NC_ERR_NOMEM : NC_OK;
}

int64_t nc_warc_page_date(const struct nc_writer *wr, const struct nc_doc *d)
{
	const struct warc *w = wr->state;
	return d->served && d->served->exchange ? d->served->exchange->date : w->now;
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
	/* After a redirect the record is at the final URL, which is the
	 * one a replay tool can answer for. */
	if (res && res->blob && res->exchange && nc_url_is_http(res->exchange->url))
		return res->exchange->url;
	if (res && nc_url_is_http(res->resolved))
		return res->resolved;
	return nc_url_is_http(url) ? url : NULL;
}

/* The EPUB's typography, short: the page is read in a replay tool,
 * which shows it as it is, so it must be readable without any other
 * file. */
static const char page_style[] =
	"body { max-width: 42em; margin: 0 auto; padding: 0 1em; line-height: 1.6; font-family: serif; }\n"
	":lang(zh), :lang(ja), :lang(ko) { line-height: 1.8; }\n"
	"h1, h2, h3, h4, h5, h6 { line-height: 1.3; }\n"
	"dl.meta { color: #555; font-size: 0.9em; }\n"
	"dl.meta dt { float: left; clear: left; margin-right: 0.5em; font-weight: bold; }\n"
	"img { max-width: 100%; height: auto; }\n"
	"figure { margin: 1em 0; text-align: center; }\n"
	"blockquote { margin: 1em 0; padding-left: 1em; border-left: 3px solid #ccc; }\n"
	"pre { white-space: pre-wrap; font-size: 0.85em; }\n"
	"table { border-collapse: collapse; }\n"
	"td, th { border: 1px solid #999; padding: 0.2em 0.4em; vertical-align: top; }\n";

/* "<dt>Author</dt>" in the page's language, or marked as English. */
static void put_dt(struct nc_buf *x, const struct nc_words *w, const char *lang, const char *word)
{
	nc_buf_puts(x, "<dt");
	if (nc_words_foreign(w, lang))
		nc_html_attr(x, "lang", w->lang);
	nc_buf_putc(x, '>');
	nc_buf_puts(x, word);
	nc_buf_puts(x, "</dt><dd>");
}

static void page(struct nc_buf *x, const struct nc_doc *d)
{
	const struct nc_meta *m = &d->meta;
	const char *lang = m->language && *m->language ? m->language : nc_lang_guess(d);
	const struct nc_words *words = nc_words_for(lang);
	nc_buf_puts(x, "<!DOCTYPE html>\n<html");
	nc_html_attr(x, "lang", lang);
	nc_buf_puts(x, ">\n<head>\n<meta charset=\"utf-8\"/>\n<title>");
	nc_buf_puts_xml(x, m->title, false);
	nc_buf_puts(x, "</title>\n<style>\n");
	nc_buf_puts(x, page_style);
	nc_buf_puts(x, "</style>\n");
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
		put_dt(x, words, lang, words->author);
		nc_buf_puts_xml(x, m->authors.items[i], false);
		nc_buf_puts(x, "</dd>\n");
	}
	if (m->date || m->date_raw) {
		put_dt(x, words, lang, words->date);
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
		put_dt(x, words, lang, words->category);
		for (size_t k = 0; k < m->categories[i].len; k++) {
			if (k)
				nc_buf_puts(x, " / ");
			nc_buf_puts_xml(x, m->categories[i].items[k], false);
		}
		nc_buf_puts(x, "</dd>\n");
	}
	if (m->tags.len) {
		put_dt(x, words, lang, words->tags);
		for (size_t k = 0; k < m->tags.len; k++) {
			if (k)
				nc_buf_puts(x, ", ");
			nc_buf_puts_xml(x, m->tags.items[k], false);
		}
		nc_buf_puts(x, "</dd>\n");
	}
	nc_buf_puts(x, "</dl>\n</header>\n");
	struct nc_html_images im = { page_image, NULL, lang };
	nc_html_body(x, d->root, &im);
	nc_buf_puts(x, "</article>\n</body>\n</html>\n");
}

/* warc-fields: every front-matter field, normalised and as written. */
static void metadata_fields(struct nc_buf *b, const struct nc_doc *d)
{
	const struct nc_meta *m = &d->meta;
	const char *base = strrchr(d->source_name, '/');
	field(b, "input-file", base ? base + 1 : d->source_name);
	static const char *const kinds[] = {"none", "yaml", "yaml-recovered", "json", "toml"};
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

/* ---- making an article's records (any thread) ------------------------- */

static struct made *part_push(struct part *p)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct made *v = realloc(p->v, cap * sizeof *v);
		if (!v) {
			p->rc = NC_ERR_NOMEM;
			return NULL;
		}
		p->v = v;
		p->cap = cap;
	}
	struct made *m = &p->v[p->n++];
	memset(m, 0, sizeof *m);
	return m;
}

static void part_free(void *arg)
{
	struct part *p = arg;
	for (size_t i = 0; i < p->n; i++) {
		nc_buf_free(&p->v[i].bytes);
		free(p->v[i].cdx);
	}
	free(p->v);
	free(p);
}

/* Make one record into the part; `cdx_*` index it when non-NULL. */
static struct made *add_made(const struct warc *w, struct part *p, const struct nc_doc *d,
			     struct rec *r, z_stream *z, const char *cdx_mime,
			     const char *cdx_status, const unsigned char *cdx_sha1)
{
	struct made *m = part_push(p);
	if (!m)
		return NULL;
	char seed[48];
	snprintf(seed, sizeof seed, "%zu.%u", d->index, p->next_seed++);
	int rc = make_record(w, r, seed, z, &m->bytes);
	memcpy(m->id, r->id, sizeof m->id);
	if (!rc && cdx_mime) {
		char b32[38];
		nc_sha1_base32(cdx_sha1 ? cdx_sha1 : r->digest, b32);
		if (!(m->cdx = cdx_start(r->target, r->date, cdx_mime, cdx_status, b32)))
			rc = NC_ERR_NOMEM;
	}
	if (rc && !p->rc)
		p->rc = rc;
	return rc ? NULL : m;
}

/* The index's media type of a response: a sniffed image type, else the
 * Content-Type the server sent (parameters dropped). */
static void response_mime(const struct nc_exchange *x, const struct nc_blob *blob, char *out,
			  size_t outsz)
{
	const char *t = blob->media_type[0] ? blob->media_type : NULL;
	char *ct = t ? NULL : nc_fetch_head_value((const char *)x->response_head, x->response_head_len,
						   "content-type");
	if (ct)
		ct[strcspn(ct, "; \t")] = '\0';
	snprintf(out, outsz, "%s", t ? t : ct && *ct ? ct : "application/octet-stream");
	free(ct);
}

/* A resource fetched over HTTP (an image; a feed fetched by URL): its
 * response and request records, remembered in the part for warc_add to
 * write once per URL. */
static void image_made(const struct warc *w, struct part *p, const struct nc_doc *d,
		       const struct nc_resource *res, z_stream *z)
{
	const struct nc_exchange *x = res->exchange;
	const struct nc_blob *blob = res->blob;
	if (!x || !blob || !x->response_head || !x->request)
		return;
	struct nc_buf head = {0}, extra = {0}, rx = {0};
	response_head(&head, x, blob->size);
	char status[8];
	snprintf(status, sizeof status, "%d", x->status);
	if (x->ip)
		field(&extra, "WARC-IP-Address", x->ip);
	struct rec r = { .type = "response", .target = x->url,
			 .content_type = "application/http; msgtype=response", .date = x->date,
			 .block = (unsigned char *)head.data, .len = head.len,
			 .block2 = blob->data, .len2 = blob->size,
			 .payload_digest = true, .extra = extra.data };
	char mime[128];
	response_mime(x, blob, mime, sizeof mime);
	struct made *m = add_made(w, p, d, &r, z, mime, status, blob->sha1);
	if (m) {
		m->image = res;
		/* The request that got it, linked to the response. */
		field(&rx, "WARC-Concurrent-To", r.id);
		if (x->ip)
			field(&rx, "WARC-IP-Address", x->ip);
		struct rec q = { .type = "request", .target = x->url,
				 .content_type = "application/http; msgtype=request", .date = x->date,
				 .block = x->request, .len = x->request_len, .extra = rx.data };
		struct made *mq = add_made(w, p, d, &q, z, NULL, NULL, NULL);
		if (mq) {
			mq->image = res;
			mq->is_request = true;
		}
	}
	nc_buf_free(&head);
	nc_buf_free(&extra);
	nc_buf_free(&rx);
}

/* The article as a conversion of d->served: its HTML moves into the
 * part and its id is fixed now (the metadata and input records refer to
 * it); warc_add() makes the record. */
static void conversion_made(const struct warc *w, struct part *p, const struct nc_doc *d,
			    struct nc_buf *html, char id[48])
{
	if (html->oom) {
		p->rc = NC_ERR_NOMEM;
		return;
	}
	struct made *m = part_push(p);
	if (!m)
		return;
	char seed[48];
	unsigned char digest[20];
	snprintf(seed, sizeof seed, "%zu.%u", d->index, p->next_seed++);
	nc_sha1(html->data ? html->data : "", html->len, digest);
	record_id(w, seed, digest, m->id);
	memcpy(id, m->id, 48);
	m->bytes = *html;
	memset(html, 0, sizeof *html);
	m->converts = d->served;
}

static void article_made(const struct warc *w, struct part *p, const struct nc_doc *d,
			 z_stream *z)
{
	unsigned char in_sha[20];
	char b32[38];
	nc_sha1(d->input, d->input_len, in_sha);
	nc_sha1_base32(in_sha, b32);
	struct nc_buf uri = {0}, in_uri = {0};
	nc_warc_page_url(d, w->base_url, &uri);
	nc_buf_printf(&in_uri, "urn:newsconv:input:%s", b32 + 5);

	/* A feed fetched by URL: its own exchange, before its first item. */
	if (d->origin)
		image_made(w, p, d, d->origin, z);
	/* The page as served, before the article converted from it. */
	bool conv = d->served && d->served->exchange;
	if (conv)
		image_made(w, p, d, d->served, z);

	int64_t when = w->now;
	struct nc_buf html = {0};
	page(&html, d);
	struct rec pg = { .type = "resource", .target = uri.data, .content_type = "text/html; charset=utf-8",
			  .date = when, .block = (unsigned char *)html.data, .len = html.len,
			  .payload_digest = true };
	if (conv)
		conversion_made(w, p, d, &html, pg.id);
	else
		add_made(w, p, d, &pg, z, pg.content_type, NULL, NULL);

	struct nc_buf meta = {0}, extra = {0};
	metadata_fields(&meta, d);
	field(&extra, "WARC-Refers-To", pg.id);
	struct rec md = { .type = "metadata", .target = uri.data, .content_type = "application/warc-fields",
			  .date = when, .block = (unsigned char *)meta.data, .len = meta.len, .extra = extra.data };
	add_made(w, p, d, &md, z, NULL, NULL, NULL);

	nc_buf_truncate(&extra, 0);
	field(&extra, "WARC-Concurrent-To", pg.id);
	bool text = nc_utf8_valid((const char *)d->input, d->input_len);
	struct rec in = { .type = "resource", .target = in_uri.data,
			  .content_type = text ? "text/plain; charset=utf-8" : "application/octet-stream",
			  .date = when, .block = d->input, .len = d->input_len, .payload_digest = true,
			  .block_sha1 = in_sha, .extra = extra.data };
	add_made(w, p, d, &in, z, in.content_type, NULL, in_sha);

	for (size_t i = 0; i < d->nresources && !p->rc; i++)
		image_made(w, p, d, d->resources[i], z);

	if ((html.oom || meta.oom || extra.oom || uri.oom || in_uri.oom) && !p->rc)
		p->rc = NC_ERR_NOMEM;
	nc_buf_free(&html);
	nc_buf_free(&meta);
	nc_buf_free(&extra);
	nc_buf_free(&uri);
	nc_buf_free(&in_uri);
}

static int warc_prepare(const struct nc_writer *wr, struct nc_doc *d, struct nc_err *err)
{
	const struct warc *w = wr->state;
	struct part *p = calloc(1, sizeof *p);
	z_stream z;
	bool zok = false;
	if (!p)
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	if (w->gzip && !(zok = z_open(&z) == NC_OK))
		p->rc = NC_ERR_NOMEM;
	if (!p->rc)
		article_made(w, p, d, w->gzip ? &z : NULL);
	if (zok)
		deflateEnd(&z);
	if (p->rc) {
		int rc = p->rc;
		part_free(p);
		return nc_err_set(err, rc, d->source_name, "cannot make its WARC records: %s",
				  rc == NC_ERR_NOMEM ? "out of memory" : "compression failed");
	}
	d->prepared = p;
	d->prepared_free = part_free;
	return NC_OK;
}

/* ---- writing, in order ---------------------------------------------- */

static int put_made(struct nc_writer *wr, struct nc_buf *bytes, const char *cdx,
		    struct nc_err *err)
{
	struct warc *w = wr->state;
	uint64_t offset = wr->offset;
	int rc = nc_writer_put(wr, bytes->data, bytes->len, err);
	if (rc || !cdx || !w->indexing)
		return rc;
	struct nc_buf line = {0};
	nc_buf_printf(&line, "%s, \"length\": \"%zu\", \"offset\": \"%llu\", \"filename\": ",
		      cdx, bytes->len, (unsigned long long)offset);
	nc_json_str(&line, w->filename);
	nc_buf_putc(&line, '}');
	rc = line.oom ? NC_ERR_NOMEM : nc_linesort_add(&w->cdx, line.data, line.len);
	nc_buf_free(&line);
	return rc ? nc_err_set(err, rc, wr->opts.cdx_path ? wr->opts.cdx_path : wr->opts.output_path ? wr->opts.output_path : "-",
			       "cannot index: %s",
			       rc == NC_ERR_NOMEM ? "out of memory" : "temporary file failed")
		  : NC_OK;
}

/* The same bytes under another URL: a revisit of the first. */
static int put_revisit(struct nc_writer *wr, const struct nc_doc *d, const struct nc_resource *res,
		       const struct stored *prev, unsigned k, char id[48], struct nc_err *err)
{
	struct warc *w = wr->state;
	const struct nc_exchange *x = res->exchange;
	struct nc_buf head = {0}, extra = {0}, bytes = {0};
	response_head(&head, x, res->blob->size);
	if (x->ip)
		field(&extra, "WARC-IP-Address", x->ip);
	field(&extra, "WARC-Profile", WARC_PROFILE_IDENTICAL);
	field(&extra, "WARC-Refers-To", prev->id);
	field(&extra, "WARC-Refers-To-Target-URI", prev->url);
	field(&extra, "WARC-Refers-To-Date", prev->date);
	struct rec r = { .type = "revisit", .target = x->url,
			 .content_type = "application/http; msgtype=response", .date = x->date,
			 .block = (unsigned char *)head.data, .len = head.len,
			 .payload_digest = true, .payload_sha1 = res->blob->sha1, .extra = extra.data };
	char seed[48], status[8], b32[38];
	snprintf(seed, sizeof seed, "%zu.r%u", d->index, k);
	snprintf(status, sizeof status, "%d", x->status);
	nc_sha1_base32(res->blob->sha1, b32);
	int rc = head.oom || extra.oom ? NC_ERR_NOMEM
		 : make_record(w, &r, seed, w->gzip ? &w->z : NULL, &bytes);
	char *cdx = rc ? NULL : cdx_start(x->url, x->date, "warc/revisit", status, b32);
	if (!rc && !cdx)
		rc = NC_ERR_NOMEM;
	if (rc)
		nc_err_set(err, rc, d->source_name, "cannot make a WARC record: out of memory");
	else
		rc = put_made(wr, &bytes, cdx, err);
	memcpy(id, r.id, 48);
	free(cdx);
	nc_buf_free(&head);
	nc_buf_free(&extra);
	nc_buf_free(&bytes);
	return rc;
}

static int remember(struct warc *w, const struct nc_resource *res, const char *id)
{
	struct stored *s = calloc(1, sizeof *s);
	if (!s || !(s->url = strdup(res->exchange->url))) {
		free(s);
		return NC_ERR_NOMEM;
	}
	memcpy(s->id, id, sizeof s->id);
	nc_date_iso(res->exchange->date, s->date);
	if (nc_map_put(&w->stored, res->blob->sha1, 20, s)) {
		free(s->url);
		free(s);
		return NC_ERR_NOMEM;
	}
	return NC_OK;
}

/* The conversion record of m (conversion_made): it refers to the record
 * its page's URL is stored in. */
static int put_conversion(struct nc_writer *wr, const struct nc_doc *d, const struct made *m,
			  struct nc_err *err)
{
	struct warc *w = wr->state;
	const char *url = m->converts->exchange->url;
	const char *ref = nc_map_get_str(&w->urls_done, url);
	struct nc_buf extra = {0}, bytes = {0};
	if (ref)
		field(&extra, "WARC-Refers-To", ref);
	struct rec r = { .type = "conversion", .target = url, .content_type = "text/html; charset=utf-8",
			 .date = w->now, .block = (const unsigned char *)m->bytes.data, .len = m->bytes.len,
			 .payload_digest = true, .extra = extra.data };
	memcpy(r.id, m->id, sizeof r.id);
	int rc = extra.oom ? NC_ERR_NOMEM : make_record(w, &r, "", w->gzip ? &w->z : NULL, &bytes);
	if (rc)
		nc_err_set(err, rc, d->source_name, "cannot make a WARC record: out of memory");
	else
		rc = put_made(wr, &bytes, NULL, err);
	nc_buf_free(&extra);
	nc_buf_free(&bytes);
	return rc;
}

/* A fetched resource's response (and request), or a revisit, once per
 * URL; urls_done maps the URL to the id of the record holding it. */
static int put_fetched(struct nc_writer *wr, struct nc_doc *d, size_t i, unsigned *revisits,
		       struct nc_err *err)
{
	struct warc *w = wr->state;
	struct part *p = d->prepared;
	struct made *m = &p->v[i];
	const char *url = m->image->exchange->url;
	if (nc_map_get_str(&w->urls_done, url))
		return NC_OK; /* an image used by several articles, stored once */
	char *id = calloc(1, 48);
	if (!id || nc_map_put_str(&w->urls_done, url, id)) {
		free(id);
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	}
	const struct stored *prev = nc_map_get(&w->stored, m->image->blob->sha1, 20);
	if (prev)
		return put_revisit(wr, d, m->image, prev, (*revisits)++, id, err);
	memcpy(id, m->id, 48);
	if (remember(w, m->image, m->id))
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	int rc = put_made(wr, &m->bytes, m->cdx, err);
	if (!rc && i + 1 < p->n && p->v[i + 1].is_request)
		rc = put_made(wr, &p->v[i + 1].bytes, NULL, err);
	return rc;
}

static int warc_add(struct nc_writer *wr, struct nc_doc *d, struct nc_err *err)
{
	struct part *p = d->prepared;
	int rc = NC_OK;
	unsigned revisits = 0;
	for (size_t i = 0; i < p->n && !rc; i++) {
		struct made *m = &p->v[i];
		if (m->converts)
			rc = put_conversion(wr, d, m, err);
		else if (!m->image)
			rc = put_made(wr, &m->bytes, m->cdx, err);
		else if (!m->is_request) /* a request is written with its response */
			rc = put_fetched(wr, d, i, &revisits, err);
	}
	return rc;
}

static int warc_begin(struct nc_writer *wr, struct nc_err *err)
{
	const struct nc_write_opts *o = &wr->opts;
	const char *where = o->output_path ? o->output_path : "-";
	struct warc *w = calloc(1, sizeof *w);
	if (!w)
		return nc_err_set(err, NC_ERR_NOMEM, where, "out of memory");
	wr->state = w;
	if (o->base_url && !nc_warc_base_ok(o->base_url))
		return nc_err_set(err, NC_ERR_USAGE, o->base_url,
				  "not a usable base URL (http or https, no query, fragment or spaces)");
	/* -o a.warc --cdx ./a.warc: the index would replace the archive. */
	if (o->cdx_path && o->output_path && nc_file_same(o->cdx_path, o->output_path))
		return nc_err_set(err, NC_ERR_USAGE, o->cdx_path, "the index cannot be the archive itself");
	w->indexing = o->cdx_path != NULL;
	w->cdx.near = o->cdx_path;
	w->base_url = o->base_url;
	w->gzip = o->gzip;
	w->stable = o->have_epoch;
	w->now = o->have_epoch ? o->epoch : (int64_t)time(NULL);
	const char *base = o->output_path ? strrchr(o->output_path, '/') : NULL;
	w->filename = o->output_path ? (base ? base + 1 : o->output_path)
				     : (o->gzip ? "stdout.warc.gz" : "stdout.warc");
	run_seed(w, o);
	if (w->gzip) {
		if (z_open(&w->z))
			return nc_err_set(err, NC_ERR_NOMEM, where, "out of memory");
		w->zready = true;
	}

	struct nc_buf info = {0}, fname = {0}, bytes = {0};
	field(&info, "software", "newsconv/" NC_VERSION);
	field(&info, "format", "WARC File Format 1.1");
	field(&info, "conformsTo", "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/");
	field(&info, "description", "News converted by newsconv (articles, feed items, posts, pages); each input is stored byte for byte, pages fetched for it as served");
	if (o->options_text && *o->options_text)
		field(&info, "options", o->options_text);
	field(&fname, "WARC-Filename", w->filename);
	struct rec wi = { .type = "warcinfo", .content_type = "application/warc-fields", .date = w->now,
			  .block = (unsigned char *)info.data, .len = info.len, .extra = fname.data };
	int rc = info.oom || fname.oom ? NC_ERR_NOMEM
		 : make_record(w, &wi, "info", w->gzip ? &w->z : NULL, &bytes);
	/* Records after it point to it; it does not point to itself. */
	memcpy(w->warcinfo_id, wi.id, sizeof w->warcinfo_id);
	if (rc)
		nc_err_set(err, rc, where, "cannot make the warcinfo record");
	else
		rc = nc_writer_put(wr, bytes.data, bytes.len, err);
	nc_buf_free(&info);
	nc_buf_free(&fname);
	nc_buf_free(&bytes);
	return rc;
}

/* The index is an output of its own (output.c), named by the caller
 * after the archive itself. */
static int warc_finish(struct nc_writer *wr, struct nc_err *err)
{
	struct warc *w = wr->state;
	const char *path = wr->opts.cdx_path;
	if (!path || w->index_kept)
		return NC_OK;
	struct nc_out *out = calloc(1, sizeof *out);
	if (!out)
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	int rc = nc_out_open(out, path, err);
	if (rc) {
		free(out);
		return rc;
	}
	if (nc_linesort_write(&w->cdx, out->f)) {
		nc_out_abort(out);
		free(out);
		return nc_err_set(err, NC_ERR_IO, path, "cannot write the index");
	}
	if ((rc = nc_out_close(out, true, err)) != NC_OK) {
		free(out);
		return rc;
	}
	if (nc_writer_side_out(wr, path, out))
		return nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	return NC_OK;
}

void nc_warc_keep_index(struct nc_writer *wr, const char *near)
{
	struct warc *w = wr->state;
	w->indexing = w->index_kept = true;
	w->cdx.near = near;
}

int nc_warc_write_index(struct nc_writer *wr, FILE *out)
{
	struct warc *w = wr->state;
	return nc_linesort_write(&w->cdx, out);
}

static void warc_free(struct nc_writer *wr)
{
	struct warc *w = wr->state;
	if (!w)
		return;
	if (w->zready)
		deflateEnd(&w->z);
	for (size_t i = 0; i < w->urls_done.cap; i++)
		if (w->urls_done.slots[i].key)
			free(w->urls_done.slots[i].value);
	nc_map_free(&w->urls_done);
	for (size_t i = 0; i < w->stored.cap; i++) {
		struct stored *s = w->stored.slots[i].value;
		if (w->stored.slots[i].key && s) {
			free(s->url);
			free(s);
		}
	}
	nc_map_free(&w->stored);
	nc_linesort_free(&w->cdx);
	free(w);
	wr->state = NULL;
}

const struct nc_format nc_format_warc = {
	.name = "warc",
	.extension = ".warc",
	.many_in_one = true,
	.prepare = warc_prepare,
	.begin = warc_begin,
	.add = warc_add,
	.finish = warc_finish,
	.free = warc_free,
};
