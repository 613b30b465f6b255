/* url_input.c - inputs given as URLs.  An http(s) URL is fetched with
 * the fetcher's rules (nc_fetch_url: address checks, redirects checked
 * hop by hop, retries, the cache, --offline) and its bytes are read like
 * a file's, under the final URL: that URL is the base of relative links
 * and the source URL of an article that names none.  Any other scheme is
 * refused when read.  Outputs are named after the URL's last path
 * segment ("…/feed.xml" -> feed.epub), or its host, in the current
 * directory or -O DIR. */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/text.h"
#include "util/url.h"

#define MAX_STEM 200

/* Connections at once to what is likely one host: --transfers per host. */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_free = PTHREAD_COND_INITIALIZER;
static int slots_used;

bool url_input_is(const char *arg)
{
	if (!isalpha((unsigned char)arg[0]))
		return false;
	const char *p = arg + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return strncmp(p, "://", 3) == 0;
}

int url_input_fetch(const struct cli *c, const char *url, unsigned char **data, size_t *len,
		    char **final_url, struct nc_exchange **exchange, struct nc_err *err)
{
	*exchange = NULL;
	if (!nc_url_is_http(url)) {
		*data = NULL;
		*final_url = NULL;
		return nc_err_set(err, NC_ERR_UNSUPPORTED, url,
				  "not an http or https URL (only those are fetched)");
	}
	int limit = c->fo.per_host > 0 ? c->fo.per_host : 4;
	pthread_mutex_lock(&slots_lock);
	while (slots_used >= limit)
		pthread_cond_wait(&slots_free, &slots_lock);
	slots_used++;
	pthread_mutex_unlock(&slots_lock);
	int rc = nc_fetch_url(url, &c->fo, data, len, final_url, exchange, err);
	pthread_mutex_lock(&slots_lock);
	slots_used--;
	pthread_cond_signal(&slots_free);
	pthread_mutex_unlock(&slots_lock);
	return rc;
}

int url_input_keep(const unsigned char *data, size_t len, struct nc_exchange *x,
		   struct nc_resource **out)
{
	*out = NULL;
	if (!x || !x->request || !x->response_head)
		return NC_OK;
	struct nc_resource *o = calloc(1, sizeof *o);
	if (!o || !(o->url = strdup(x->url)) || !(o->resolved = strdup(x->url)) ||
	    !(o->blob = nc_blob_new(data, len))) {
		if (o) {
			free(o->url);
			free(o->resolved);
		}
		free(o);
		return NC_ERR_NOMEM;
	}
	o->state = NC_RES_FETCHED;
	nc_exchange_ref(x);
	o->exchange = x;
	*out = o;
	return NC_OK;
}

/* What a crawler would have recorded, for a WARC: a feed's own exchange
 * and bytes on its first item (its origin); a web page's on the page
 * (served), so that the page is archived as served and newsconv's
 * article as a conversion of it.  A front-matter article or a post is
 * not kept: its bytes are the input record already, and newsconv's
 * page is the capture at its URL. */
static int keep_origin(struct nc_doclist *docs, const struct nc_reader *r,
		       const unsigned char *data, size_t len, struct nc_exchange *x)
{
	if (!x || !docs->n)
		return NC_OK;
	if (r == &nc_reader_feed)
		return url_input_keep(data, len, x, &docs->v[0]->origin);
	if (r == &nc_reader_html && docs->n == 1 && docs->v[0]->meta.fm_kind == NC_FM_NONE)
		return url_input_keep(data, len, x, &docs->v[0]->served);
	return NC_OK;
}

/* An article read under the final URL names itself by it unless its
 * front matter or <head> did; a relative source URL is resolved against
 * it.  A feed's items and an archive's records have names of their own
 * ("URL#3") and their own links: the feed reader used the URL as base. */
int url_input_adopt(struct nc_doclist *docs, const char *final_url, const struct nc_reader *r,
		    const unsigned char *data, size_t len, struct nc_exchange *x, struct nc_err *err)
{
	if (keep_origin(docs, r, data, len, x))
		return nc_err_set(err, NC_ERR_NOMEM, final_url, "out of memory");
	for (size_t i = 0; i < docs->n; i++) {
		struct nc_doc *d = docs->v[i];
		if (!d->source_name || strcmp(d->source_name, final_url) != 0)
			continue;
		if (d->meta.source_url && nc_url_is_absolute(d->meta.source_url))
			continue;
		char *u = d->meta.source_url && !nc_url_is_blank(d->meta.source_url)
				  ? nc_url_resolve(final_url, d->meta.source_url)
				  : strdup(final_url);
		if (!u)
			return nc_err_set(err, NC_ERR_NOMEM, final_url, "out of memory");
		free(d->meta.source_url);
		d->meta.source_url = u;
	}
	return NC_OK;
}

static int hexval(int ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0'
	     : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	     : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* Percent-decoded, then made a file name (nc_safe_name): a URL ending
 * in %E2%80%AEgpj.exe must not name a file that shows as "exe.jpg". */
static void put_safe(struct nc_buf *b, const char *s, size_t n)
{
	struct nc_buf raw = {0};
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			nc_buf_putc(&raw, hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			nc_buf_putc(&raw, s[i]);
		}
	}
	nc_safe_name(b, raw.data ? raw.data : "", raw.len, MAX_STEM);
	nc_buf_free(&raw);
}

/* "http://host/a/feed.xml?x#y" -> "feed"; "http://host/" -> "host". */
static void put_stem(struct nc_buf *b, const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *path = p + strcspn(p, "/?#");
	const char *end = path + strcspn(path, "?#");
	const char *seg = end;
	while (seg > path && seg[-1] != '/')
		seg--;
	const char *dot = NULL;
	for (const char *q = seg; q < end; q++)
		if (*q == '.')
			dot = q;
	size_t before = b->len;
	put_safe(b, seg, (size_t)((dot && dot != seg ? dot : end) - seg));
	if (b->len == before) {
		char *host = nc_url_host(url);
		if (host)
			put_safe(b, host, strlen(host));
		free(host);
	}
	if (b->len == before)
		nc_buf_puts(b, "index");
}

void url_input_put_stem(struct nc_buf *b, const char *url)
{
	put_stem(b, url);
}
